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

// TestPeerCredentialsTestMatchesN8n replays n8n 2.41.1's credential tests
// (testdata/credtest) through `credentials test --package` on the real
// n8n-nodes-base (its Metabase preAuthentication in JavaScript) and
// compares the requests and the verdict.
func TestPeerCredentialsTestMatchesN8n(t *testing.T) {
	base := peerBase(t)
	dir := repo(t, "testdata/credtest")
	// Where noderun deliberately differs (README "Differences from n8n"),
	// or cannot replay the real type.
	differs := map[string]struct {
		requests int
		ok       bool
		message  string
	}{
		"metabase-badpass": {1, false, "Unauthorized"},
		"oauth2-cc-notest": {1, true, "Connection Successful!"},
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.out.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".out.json")
		t.Run(name, func(t *testing.T) {
			var c struct {
				CredentialType string         `json:"credentialType"`
				Credentials    map[string]any `json:"credentials"`
				Responses      []struct {
					Status int             `json:"status"`
					Body   json.RawMessage `json:"body"`
				} `json:"responses"`
			}
			type request struct {
				Method  string            `json:"method"`
				Path    string            `json:"path"`
				Headers map[string]string `json:"headers"`
				Body    any               `json:"body"`
			}
			var mu sync.Mutex
			var got []request
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				raw, _ := io.ReadAll(r.Body)
				req := request{Method: r.Method, Path: r.URL.RequestURI(), Headers: map[string]string{}}
				for _, h := range []string{"Authorization", "X-Metabase-Session"} {
					if v := r.Header.Get(h); v != "" {
						req.Headers[strings.ToLower(h)] = v
					}
				}
				if len(raw) > 0 && json.Unmarshal(raw, &req.Body) != nil {
					req.Body = string(raw)
				}
				mu.Lock()
				n := len(got)
				got = append(got, req)
				mu.Unlock()
				w.Header().Set("Content-Type", "application/json")
				if n >= len(c.Responses) {
					_, _ = w.Write([]byte(`{"id": 1, "echo": true}`))
					return
				}
				var s string
				if json.Unmarshal(c.Responses[n].Body, &s) == nil {
					w.Header().Set("Content-Type", "text/plain")
					w.WriteHeader(c.Responses[n].Status)
					_, _ = w.Write([]byte(s))
					return
				}
				w.WriteHeader(c.Responses[n].Status)
				_, _ = w.Write(c.Responses[n].Body)
			}))
			defer srv.Close()
			var want struct {
				Requests []request `json:"requests"`
				Result   struct {
					Status  string `json:"status"`
					Message string `json:"message"`
				} `json:"result"`
			}
			for file, v := range map[string]any{name + ".json": &c, name + ".out.json": &want} {
				raw, err := os.ReadFile(filepath.Join(dir, file))
				require.NoError(t, err)
				require.NoError(t, json.Unmarshal([]byte(strings.ReplaceAll(string(raw), "@ORACLE_URL@", srv.URL)), v))
			}
			credFile := filepath.Join(t.TempDir(), "creds.json")
			require.NoError(t, os.WriteFile(credFile, []byte(mustJSON(t, map[string]any{c.CredentialType: c.Credentials})), 0o600))
			out := cli(t, nil, "credentials", "test", "--package", base, "--type", c.CredentialType, "--credentials", credFile)
			require.Contains(t, []int{exitOK, exitFailed}, out.code, out.stderr)
			var res struct {
				OK      bool   `json:"ok"`
				Message string `json:"message"`
			}
			require.NoError(t, json.Unmarshal([]byte(out.stdout), &res), out.stdout)
			mu.Lock()
			defer mu.Unlock()
			if d, ok := differs[name]; ok {
				assert.Equal(t, d.ok, res.OK)
				assert.Equal(t, d.message, res.Message)
				assert.Len(t, got, d.requests)
				return
			}
			assert.Equal(t, want.Result.Status == "OK", res.OK)
			assert.Equal(t, want.Result.Message, res.Message)
			require.Len(t, got, len(want.Requests))
			for i, w := range want.Requests {
				assert.Equal(t, w.Method+" "+w.Path, got[i].Method+" "+got[i].Path, "request %d", i)
				for _, h := range []string{"authorization", "x-metabase-session"} {
					assert.Equal(t, w.Headers[h], got[i].Headers[h], "request %d header %s", i, h)
				}
				assert.Equal(t, w.Body, got[i].Body, "request %d body", i)
			}
		})
	}
}
