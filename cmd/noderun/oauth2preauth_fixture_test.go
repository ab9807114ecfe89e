package main

import (
	"encoding/json"
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

// TestOAuth2PreAuthFixtures replays what n8n 2.41.1 did with the tokens
// fixture package's OAuth2 credential that has preAuthentication
// (testdata/oauth2preauth): the credential test as recorded, and a node
// run with noderun's documented difference (preAuthentication once per
// token, not before every request).
func TestOAuth2PreAuthFixtures(t *testing.T) {
	dir := repo(t, "testdata/oauth2preauth")
	type request struct {
		Method  string            `json:"method"`
		Path    string            `json:"path"`
		Headers map[string]string `json:"headers"`
		Body    any               `json:"body"`
	}
	tests := []struct {
		name string
		// noderun's requests where it deliberately differs; nil: n8n's.
		differs []string
	}{
		{"vault-credtest", nil},
		{"vault-run", []string{"POST /v1/exchange Bearer at-0", "GET /v1/secrets/db Bearer vt-1", "GET /v1/secrets/db Bearer vt-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c struct {
				Package        string           `json:"package"`
				CredentialType string           `json:"credentialType"`
				Node           string           `json:"node"`
				Parameters     map[string]any   `json:"parameters"`
				Items          []any            `json:"items"`
				Credentials    map[string]any   `json:"credentials"`
				Responses      []map[string]any `json:"responses"`
			}
			var mu sync.Mutex
			var got []request
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				raw, _ := io.ReadAll(r.Body)
				req := request{Method: r.Method, Path: r.URL.RequestURI(), Headers: map[string]string{}}
				if v := r.Header.Get("Authorization"); v != "" {
					req.Headers["authorization"] = v
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
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(int(resp["status"].(float64)))
				_ = json.NewEncoder(w).Encode(resp["body"])
			}))
			defer srv.Close()
			var want struct {
				Requests []request `json:"requests"`
				Result   struct {
					Status  string `json:"status"`
					Message string `json:"message"`
				} `json:"result"`
			}
			for file, v := range map[string]any{tt.name + ".json": &c, tt.name + ".out.json": &want} {
				raw, err := os.ReadFile(filepath.Join(dir, file))
				require.NoError(t, err)
				require.NoError(t, json.Unmarshal([]byte(strings.ReplaceAll(string(raw), "@ORACLE_URL@", srv.URL)), v))
			}
			pkg := repo(t, c.Package)
			var out outcome
			if c.Node == "" {
				credFile := filepath.Join(t.TempDir(), "creds.json")
				require.NoError(t, os.WriteFile(credFile, []byte(mustJSON(t, map[string]any{c.CredentialType: c.Credentials})), 0o600))
				out = cli(t, nil, "credentials", "test", "--package", pkg, "--type", c.CredentialType, "--credentials", credFile)
				require.Equal(t, exitOK, out.code, out.stderr)
				assert.JSONEq(t, mustJSON(t, map[string]any{"ok": want.Result.Status == "OK", "message": want.Result.Message}), out.stdout)
			} else {
				req := map[string]any{"package": pkg, "node": c.Node, "parameters": c.Parameters, "items": c.Items,
					"credentials": map[string]any{c.CredentialType: c.Credentials}}
				out = cli(t, strings.NewReader(mustJSON(t, req)), "exec", "--max-concurrency", "1")
				require.Equal(t, exitOK, out.code, out.stderr)
				assert.Len(t, decodeResult(t, out.stdout).Items, len(c.Items))
			}
			assertNoSecret(t, out, "cs-2")
			mu.Lock()
			defer mu.Unlock()
			if tt.differs != nil {
				var lines []string
				for _, g := range got {
					lines = append(lines, g.Method+" "+g.Path+" "+g.Headers["authorization"])
				}
				assert.Equal(t, tt.differs, lines)
				return
			}
			require.Len(t, got, len(want.Requests))
			for i, w := range want.Requests {
				assert.Equal(t, w.Method+" "+w.Path, got[i].Method+" "+got[i].Path, "request %d", i)
				assert.Equal(t, w.Headers["authorization"], got[i].Headers["authorization"], "request %d authorization", i)
				assert.Equal(t, w.Body, got[i].Body, "request %d body", i)
			}
		})
	}
}
