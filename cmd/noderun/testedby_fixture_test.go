package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTestedByFixtures replays testdata/testedby: credential tests of the
// tokens fixture package's types that its nodes test themselves
// (testedBy), recorded from n8n 2.41.1's CredentialsTester. noderun sends
// the same requests and reports the same outcome, with the credential's
// secrets masked in the message; a function that throws is a failed test
// with the exception's message, where n8n's test throws.
func TestTestedByFixtures(t *testing.T) {
	dir := repo(t, "testdata/testedby")
	type request struct {
		Method  string            `json:"method"`
		Path    string            `json:"path"`
		Query   map[string]string `json:"query"`
		Headers map[string]string `json:"headers"`
		Body    any               `json:"body"`
	}
	// Headers the transport sets, not the node or credential: left out of
	// the recording.
	transport := map[string]bool{"host": true, "connection": true, "content-length": true, "user-agent": true,
		"accept-encoding": true, "transfer-encoding": true, "keep-alive": true, "te": true}
	secrets := []string{"pw-2", "gk-1", "cs-2", "at-1", "wk-1"}
	tests := []struct {
		name string
		// message is noderun's where it deliberately differs from n8n's
		// exception ("" : n8n's message, masked).
		message string
	}{
		{"gadget-ok", ""},
		{"gadget-banned", ""},
		{"gadget-free", ""},
		{"gadget-401", ""},
		{"gizmo-request", ""},
		{"gizmo-uri", ""},
		{"gizmo-refused", ""},
		{"gizmo-sync", ""},
		{"gizmo-throw", ""},
		// n8n: "this.getNodeParameter is not a function".
		{"gizmo-member", "n8n-nodes-tokens.gizmo: credential test function gizmoApiTest of version 2: Error: this.getNodeParameter is not available in noderun (node n8n-nodes-tokens.gizmo, credential test function gizmoApiTest)"},
		{"gizmo-oauth2", ""},
		{"gizmo-options-uri", ""},
		{"gizmo-number", ""},
		{"widget-first", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c struct {
				Package        string           `json:"package"`
				CredentialType string           `json:"credentialType"`
				Credentials    map[string]any   `json:"credentials"`
				Responses      []map[string]any `json:"responses"`
			}
			var mu sync.Mutex
			got := []request{}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				raw, _ := io.ReadAll(r.Body)
				req := request{Method: r.Method, Path: r.URL.Path, Headers: map[string]string{}}
				for k := range r.Header {
					if name := strings.ToLower(k); !transport[name] {
						req.Headers[name] = r.Header.Get(k)
					}
				}
				if q := r.URL.Query(); len(q) > 0 {
					req.Query = map[string]string{}
					for k := range q {
						req.Query[k] = q.Get(k)
					}
				}
				if len(raw) > 0 && json.Unmarshal(raw, &req.Body) != nil {
					req.Body = string(raw)
				}
				mu.Lock()
				n := len(got)
				got = append(got, req)
				mu.Unlock()
				resp := map[string]any{"status": 200.0, "body": map[string]any{"id": 1, "echo": true}}
				if n < len(c.Responses) {
					resp = c.Responses[n]
				}
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.WriteHeader(int(resp["status"].(float64)))
				b, _ := json.Marshal(resp["body"]) // as the recording server wrote it, without a newline
				_, _ = w.Write(b)
			}))
			defer srv.Close()
			var want struct {
				Requests []request `json:"requests"`
				Result   *struct {
					Status  string `json:"status"`
					Message any    `json:"message"` // n8n passes a function's through
				} `json:"result"`
				Thrown *struct {
					Message string `json:"message"`
				} `json:"thrown"`
			}
			for file, v := range map[string]any{tt.name + ".json": &c, tt.name + ".out.json": &want} {
				raw, err := os.ReadFile(filepath.Join(dir, file))
				require.NoError(t, err)
				require.NoError(t, json.Unmarshal([]byte(strings.ReplaceAll(string(raw), "@ORACLE_URL@", srv.URL)), v))
			}
			credFile := filepath.Join(t.TempDir(), "creds.json")
			require.NoError(t, os.WriteFile(credFile, []byte(mustJSON(t, map[string]any{c.CredentialType: c.Credentials})), 0o600))
			out := cli(t, nil, "credentials", "test", "--package", repo(t, c.Package), "--type", c.CredentialType, "--credentials", credFile)
			var res struct {
				OK      bool   `json:"ok"`
				Message string `json:"message"`
			}
			require.NoError(t, json.Unmarshal([]byte(out.stdout), &res), out.stderr)
			mask := func(s string) string {
				for _, secret := range secrets {
					s = strings.ReplaceAll(s, secret, "**hidden**")
				}
				return s
			}
			switch {
			case tt.message != "":
				assert.False(t, res.OK)
				assert.Equal(t, tt.message, res.Message)
			case want.Thrown != nil:
				assert.False(t, res.OK)
				assert.True(t, strings.HasSuffix(res.Message, "Error: "+mask(want.Thrown.Message)), res.Message)
			default:
				require.NotNil(t, want.Result)
				assert.Equal(t, want.Result.Status == "OK", res.OK)
				assert.Equal(t, mask(fmt.Sprint(want.Result.Message)), res.Message) // a number's text
			}
			for _, secret := range secrets {
				assertNoSecret(t, out, secret)
			}
			mu.Lock()
			defer mu.Unlock()
			assert.Equal(t, want.Requests, got)
		})
	}
}
