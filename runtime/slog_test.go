package runtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/runtime"
)

// TestSlogReceivesRedactedLogs: with Engine.Slog set, the engine's logs
// reach the slog handler as records with attributes, and a secret that
// the request URL and the server's error carry never does.
func TestSlogReceivesRedactedLogs(t *testing.T) {
	const secret = "s3cr3t-Token-7f9a"
	for _, level := range []slog.Level{slog.LevelDebug, slog.LevelInfo} {
		t.Run(level.String(), func(t *testing.T) {
			srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, c captured) {
				// The server quotes the token back in its error.
				writeJSON(w, 500, map[string]any{"message": "bad token " + r.URL.Query().Get("token")})
			})
			nt := credNode(t, srv.URL, true, `{"baseURL":"@URL@"}`, `[]`, `{"qs":{"token":"={{$credentials.token}}"}}`)
			var buf bytes.Buffer
			e, _ := newEngine(t)
			e.Slog = slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: level}))
			res, err := e.Execute(context.Background(), runtime.Run{Node: nt,
				Credentials: credentials.Map{"testApi": {"url": srv.URL, "token": secret}}})
			require.NoError(t, err)
			require.NotNil(t, res.Err)
			assert.Contains(t, srv.only(t).RawQuery, secret, "the request carried the secret")

			t.Log(buf.String())
			assert.NotContains(t, buf.String(), secret)
			var records []map[string]any
			for line := range strings.Lines(buf.String()) {
				var rec map[string]any
				require.NoError(t, json.Unmarshal([]byte(line), &rec), "slog JSON line %q", line)
				records = append(records, rec)
			}
			if level == slog.LevelInfo {
				assert.Empty(t, records, "debug events are not sent to a handler at info")
				return
			}
			var request map[string]any
			for _, rec := range records {
				assert.Equal(t, "Test Node", rec["node"], "every record names its node")
				if rec["msg"] == "request" {
					request = rec
				}
			}
			require.NotNil(t, request, "a request record in %s", buf.String())
			assert.Equal(t, "DEBUG", request["level"])
			assert.Equal(t, "GET", request["method"])
			assert.Equal(t, 500.0, request["status"])
			assert.Contains(t, request["url"], "token=", "the URL is logged, its secret masked")
		})
	}
}
