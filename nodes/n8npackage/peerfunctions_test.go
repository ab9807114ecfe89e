package n8npackage_test

import (
	"context"
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

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes/n8npackage"
	"github.com/noderun/noderun/runtime"
)

// oracleCase is a case of ../shared/peer/oracle-base.js; testdata/functions
// holds each case with what n8n 2.41.1 did (<name>.out.json), recorded by
// running the case through oracle-base.js.
type oracleCase struct {
	Node           string           `json:"node"`
	TypeVersion    float64          `json:"typeVersion"`
	CredentialType string           `json:"credentialType"`
	Credentials    map[string]any   `json:"credentials"`
	Parameters     map[string]any   `json:"parameters"`
	Items          []node.Item      `json:"items"`
	Responses      []oracleResponse `json:"responses"`
}

type oracleResponse struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

type oracleRequest struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Query   map[string]any    `json:"query"`
	Headers map[string]string `json:"headers"`
	Body    any               `json:"body"`
}

type oracleOut struct {
	Requests []oracleRequest `json:"requests"`
	Output   []struct {
		JSON any `json:"json"`
	} `json:"output"`
	Error any `json:"error"`
}

// TestPeerFunctionsMatchN8n runs real n8n-nodes-base nodes whose routes or
// credentials carry JavaScript (Okta's cursor pagination and postReceive,
// Metabase's preAuthentication and its 401 retry) and compares requests
// and output with n8n's recordings; Npm's preSend and postReceive too.
func TestPeerFunctionsMatchN8n(t *testing.T) {
	nm := peerModules(t)
	ctx := context.Background()
	pkg, err := n8npackage.Load(ctx, filepath.Join(nm, "n8n-nodes-base"))
	require.NoError(t, err)
	defer pkg.Close()
	cases, err := filepath.Glob(filepath.Join("testdata", "functions", "*.case.json"))
	require.NoError(t, err)
	require.NotEmpty(t, cases)
	for _, file := range cases {
		name := strings.TrimSuffix(filepath.Base(file), ".case.json")
		t.Run(name, func(t *testing.T) {
			var mu sync.Mutex
			var got []oracleRequest
			var c oracleCase
			var srvURL string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				n := len(got)
				body, _ := io.ReadAll(r.Body)
				req := oracleRequest{Method: r.Method, Path: r.URL.EscapedPath(), Query: map[string]any{}, Headers: map[string]string{}}
				for k, v := range r.URL.Query() {
					req.Query[k] = v[0]
				}
				for k := range r.Header {
					req.Headers[strings.ToLower(k)] = r.Header.Get(k)
				}
				if len(body) > 0 && json.Unmarshal(body, &req.Body) != nil {
					req.Body = string(body)
				}
				got = append(got, req)
				mu.Unlock()
				if n >= len(c.Responses) {
					w.Header().Set("Content-Type", "application/json")
					_, _ = w.Write([]byte(`{"id":1,"echo":true}`))
					return
				}
				resp := c.Responses[n]
				for k, v := range resp.Headers {
					w.Header().Set(k, strings.ReplaceAll(v, "@ORACLE_URL@", srvURL))
				}
				var s string
				if json.Unmarshal(resp.Body, &s) == nil {
					w.Header().Set("Content-Type", "text/plain")
					w.WriteHeader(resp.Status)
					_, _ = w.Write([]byte(s))
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(resp.Status)
				_, _ = w.Write(resp.Body)
			}))
			defer srv.Close()
			srvURL = srv.URL
			raw, err := os.ReadFile(file)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal([]byte(strings.ReplaceAll(string(raw), "@ORACLE_URL@", srv.URL)), &c))
			var want oracleOut
			raw, err = os.ReadFile(strings.TrimSuffix(file, ".case.json") + ".out.json")
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal([]byte(strings.ReplaceAll(string(raw), "@ORACLE_URL@", srv.URL)), &want))

			nt, err := pkg.NodeType(ctx, c.Node, c.TypeVersion)
			require.NoError(t, err)
			hooks := &runtime.Hooks{}
			require.NoError(t, pkg.RegisterHooks(ctx, hooks))
			engine := &runtime.Engine{Hooks: hooks, Retry: runtime.RetryPolicy{Disabled: true}}
			res, err := engine.Execute(ctx, runtime.Run{Node: nt, TypeVersion: c.TypeVersion, Parameters: c.Parameters,
				Credentials: credentials.Map{c.CredentialType: c.Credentials}, Items: c.Items})
			require.NoError(t, err)
			require.Nil(t, res.Err)
			require.Nil(t, want.Error)

			require.Len(t, got, len(want.Requests))
			for i, w := range want.Requests {
				g := got[i]
				assert.Equal(t, w.Method+" "+w.Path, g.Method+" "+g.Path, "request %d", i)
				assert.Equal(t, w.Query, g.Query, "request %d query", i)
				assert.Equal(t, w.Body, g.Body, "request %d body", i)
				for k, v := range w.Headers {
					assert.Equal(t, v, g.Headers[k], "request %d header %s", i, k)
				}
			}
			var out []any
			for _, it := range res.Items {
				out = append(out, it.JSON)
			}
			var wantOut []any
			for _, it := range want.Output {
				wantOut = append(wantOut, it.JSON)
			}
			assert.Equal(t, wantOut, out)
		})
	}
}
