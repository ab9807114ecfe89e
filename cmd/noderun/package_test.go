package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// widgets is nodes/n8npackage's fixture package (original code in n8n's
// shapes), loaded as a user's package would be.
var widgets = filepath.Join("..", "..", "nodes", "n8npackage", "testdata", "widgets")

func TestExecPackage(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, strings.TrimSpace(r.Method+" "+r.URL.Path+" "+r.Header.Get("X-Widget-Session")+" "+r.Header.Get("X-Tag")))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"count": 3}`))
	}))
	defer srv.Close()
	creds := map[string]any{"widgetApi": map[string]any{"baseUrl": srv.URL, "sessionToken": "s-1"}}

	tests := []struct {
		name  string
		req   map[string]any
		code  int
		check func(t *testing.T, res execResultJSON, stderr string)
	}{
		{"default version by type name", map[string]any{"package": widgets, "node": "n8n-nodes-widgets.widget",
			"parameters": map[string]any{"operation": "count", "shape": "circle"}, "credentials": creds}, exitOK,
			func(t *testing.T, res execResultJSON, _ string) {
				require.Len(t, res.Items, 1)
				assert.Equal(t, 3.0, res.Items[0].JSON["count"])
			}},
		{"name within the package and typeVersion", map[string]any{"package": widgets, "node": "widget", "typeVersion": 2,
			"parameters": map[string]any{"operation": "count", "shape": "square"}, "credentials": creds}, exitOK, nil},
		{"a route with a JavaScript function", map[string]any{"package": widgets, "node": "widget",
			"parameters":  map[string]any{"operation": "get", "widgetId": map[string]any{"__rl": true, "mode": "id", "value": "w-1"}},
			"credentials": creds}, exitOK,
			func(t *testing.T, res execResultJSON, _ string) {
				require.Nil(t, res.Error) // its preSend ran: the request carries X-Tag (below)
			}},
		{"unknown node type", map[string]any{"package": widgets, "node": "n8n-nodes-widgets.widgit"}, exitInput,
			wantInputError(`package n8n-nodes-widgets has no node type "n8n-nodes-widgets.widgit"`)},
		{"unknown version", map[string]any{"package": widgets, "node": "widget", "typeVersion": 7}, exitInput,
			wantInputError("has no typeVersion 7 (it has 1, 2)")},
		{"typeVersion without package", map[string]any{"node": "chatwoot", "typeVersion": 1}, exitInput,
			wantInputError(`"typeVersion" selects a version of a package's node type`)},
		{"no such package", map[string]any{"package": "no/such/dir", "node": "x"}, exitInput,
			wantInputError("no/such/dir")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := cli(t, strings.NewReader(mustJSON(t, tt.req)), "exec")
			require.Equal(t, tt.code, out.code, out.stderr)
			if tt.check != nil {
				tt.check(t, decodeResult(t, out.stdout), out.stderr)
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, 3)
	assert.Equal(t, []string{"GET /widgets/count/circle s-1", "GET /widgets/count/square s-1"}, []string{seen[0], seen[1]})
	assert.True(t, strings.HasPrefix(seen[2], "GET /widgets/") && strings.HasSuffix(seen[2], " s-1 noderun"), seen[2])
}

func TestPackageCommands(t *testing.T) {
	out := cli(t, nil, "list", "--package", widgets)
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.Contains(t, out.stdout, "n8n-nodes-widgets.gadget")
	assert.Contains(t, out.stdout, "n8n-nodes-widgets.widget")

	out = cli(t, nil, "describe", "--package", widgets, "n8n-nodes-widgets.widget", "--operation", "Count")
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.Contains(t, out.stdout, "shape")

	out = cli(t, nil, "validate", "--package", widgets)
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.Equal(t, "n8n-nodes-widgets.gadget@1: ok\nn8n-nodes-widgets.widget@1: ok\nn8n-nodes-widgets.widget@2: ok\n", out.stdout)

	out = cli(t, nil, "list", "--package", filepath.Join("testdata", "no-such-package"))
	require.Equal(t, exitInput, out.code)
	assert.Contains(t, out.stderr, "no-such-package")
}
