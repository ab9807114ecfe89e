package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
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

// gizmos is nodes/n8npackage's fixture package whose routes and
// credentials carry JavaScript: preSend, postReceive, a cursor pagination,
// a locator read with extractValue, an async preAuthentication and a
// request-signing authenticate.
var gizmos = filepath.Join("..", "..", "nodes", "n8npackage", "testdata", "gizmos")

// gizmoServer answers the gizmos package's routes and records every
// request as "METHOD path?query session region body".
type gizmoServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
}

func newGizmoServer(t *testing.T) *gizmoServer {
	t.Helper()
	s := &gizmoServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		line := r.Method + " " + r.URL.Path
		if r.URL.RawQuery != "" {
			line += "?" + r.URL.RawQuery
		}
		for _, h := range []string{"X-Gizmo-Session", "X-Region", "Authorization"} {
			if v := r.Header.Get(h); v != "" {
				line += " " + h + "=" + v
			}
		}
		if len(body) > 0 {
			line += " " + string(body)
		}
		s.mu.Lock()
		s.seen = append(s.seen, line)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/hello":
			_, _ = w.Write([]byte(`{"nonce": "n-1"}`))
		case r.URL.Path == "/session":
			_, _ = w.Write([]byte(`{"token": "sess-1"}`))
		case r.URL.Path == "/meta":
			_, _ = w.Write([]byte(`{"version": "7"}`))
		case r.Method == "POST" && r.URL.Path == "/things":
			_, _ = w.Write([]byte(`{"id": "t-1"}`))
		case r.URL.Path == "/things" && r.URL.Query().Get("cursor") == "":
			_, _ = w.Write([]byte(`{"data": [{"id": "a"}, {"id": "b", "next": "c2"}]}`))
		case r.URL.Path == "/things":
			_, _ = w.Write([]byte(`{"data": [{"id": "c"}]}`))
		case strings.HasPrefix(r.URL.Path, "/sprockets/"), strings.HasPrefix(r.URL.Path, "/things/"):
			_, _ = w.Write([]byte(`{"id": "` + r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:] + `"}`))
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// take returns the requests recorded since the last call.
func (s *gizmoServer) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := s.seen
	s.seen = nil
	return seen
}

// writeWorkflow writes an exported n8n workflow holding one node.
func writeWorkflow(t *testing.T, nodeType string, typeVersion float64, params map[string]any, credType string) string {
	t.Helper()
	wf := map[string]any{
		"name": "Package workflow",
		"nodes": []any{
			map[string]any{"name": "Trigger", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "parameters": map[string]any{}},
			map[string]any{"name": "Gizmo", "type": nodeType, "typeVersion": typeVersion, "parameters": params,
				"credentials": map[string]any{credType: map[string]any{"id": "7", "name": "My " + credType}}},
		},
		"connections": map[string]any{"Trigger": map[string]any{"main": []any{[]any{map[string]any{"node": "Gizmo", "type": "main", "index": 0}}}}},
	}
	path := filepath.Join(t.TempDir(), "package.workflow.json")
	require.NoError(t, os.WriteFile(path, []byte(mustJSON(t, wf)), 0o600))
	return path
}

// TestWorkflowPackageNode runs a package's node from an n8n workflow
// (--workflow with --package) and requires the same requests and output
// as the same node run by an exec request with "package": its route
// functions, credential preAuthentication and authenticate run either
// way.
func TestWorkflowPackageNode(t *testing.T) {
	srv := newGizmoServer(t)
	gizmoCreds := map[string]any{"baseUrl": srv.URL, "region": "eu", "password": "pw-secret"}
	sprocketCreds := map[string]any{"baseUrl": srv.URL, "account": "acme", "key": "k-secret"}
	items := `[{"json": {"name": "ada"}}]`

	tests := []struct {
		name     string
		nodeType string
		credType string
		creds    map[string]any
		params   map[string]any
		// want are the requests sent, in order; output the items' JSON.
		want   []string
		output []map[string]any
	}{
		{"preSend and postReceive, after an async preAuthentication", "n8n-nodes-gizmos.gizmo", "gizmoApi", gizmoCreds,
			map[string]any{"operation": "create", "options": map[string]any{"tags": []any{"x"}}},
			[]string{
				"GET /hello",
				`POST /session {"nonce":"n-1","password":"pw-secret"}`,
				`POST /things?item=0&tz=America%2FNew_York X-Gizmo-Session=sess-1 X-Region=eu {"name":"ada","stamp":"s-ada","tags":["x"]}`,
			},
			[]map[string]any{{"id": "t-1", "status": 200.0, "node": "Gizmo", "from": "ada", "mode": "trigger"}}},
		{"a cursor pagination function with makeRoutingRequest", "n8n-nodes-gizmos.gizmo", "gizmoApi", gizmoCreds,
			map[string]any{"operation": "getAll"},
			[]string{
				"GET /hello",
				`POST /session {"nonce":"n-1","password":"pw-secret"}`,
				"GET /things X-Gizmo-Session=sess-1",
				"GET /things?cursor=c2 X-Gizmo-Session=sess-1",
			},
			[]map[string]any{{"id": "a"}, {"id": "b"}, {"id": "c"}}},
		{"a locator's extractValue and an authenticated side request", "n8n-nodes-gizmos.gizmo", "gizmoApi", gizmoCreds,
			map[string]any{"operation": "get", "thing": map[string]any{"__rl": true, "mode": "url", "value": "https://gizmos.example/things/g42"}},
			[]string{
				"GET /hello",
				`POST /session {"nonce":"n-1","password":"pw-secret"}`,
				"GET /meta X-Gizmo-Session=sess-1",
				"GET /things/g42?version=7 X-Gizmo-Session=sess-1",
			},
			[]map[string]any{{"id": "g42"}}},
		{"a credential's authenticate function signs the request", "n8n-nodes-gizmos.sprocket", "sprocketApi", sprocketCreds,
			map[string]any{"id": "s9"},
			[]string{"GET /sprockets/s9?acct=acme&region=eu-1 Authorization=Sprocket " + hmacHex(t, "k-secret", "GET /sprockets/s9")},
			[]map[string]any{{"id": "s9"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			credFile := filepath.Join(t.TempDir(), "creds.json")
			require.NoError(t, os.WriteFile(credFile, []byte(mustJSON(t, map[string]any{tt.credType: tt.creds})), 0o600))
			wf := writeWorkflow(t, tt.nodeType, 1, tt.params, tt.credType)

			fromWorkflow := cli(t, strings.NewReader(items), "exec", "--workflow", wf, "--node", "Gizmo", "--package", gizmos, "--credentials", credFile, "--compact")
			require.Equal(t, exitOK, fromWorkflow.code, fromWorkflow.stderr)
			wfSeen := srv.take()
			res := decodeResult(t, fromWorkflow.stdout)
			require.Nil(t, res.Error)
			var got []map[string]any
			for _, it := range res.Items {
				got = append(got, it.JSON)
			}
			assert.Equal(t, tt.output, got)
			assert.Equal(t, tt.want, wfSeen)
			for _, k := range []string{"password", "key"} {
				if secret, ok := tt.creds[k].(string); ok {
					assertNoSecret(t, fromWorkflow, secret)
				}
			}

			req := map[string]any{"package": gizmos, "node": tt.nodeType, "typeVersion": 1, "nodeName": "Gizmo",
				"parameters": tt.params, "credentials": map[string]any{tt.credType: tt.creds}, "items": json.RawMessage(items)}
			fromRequest := cli(t, strings.NewReader(mustJSON(t, req)), "exec", "--compact")
			require.Equal(t, exitOK, fromRequest.code, fromRequest.stderr)
			assert.Equal(t, wfSeen, srv.take(), "the same requests as an exec request with \"package\"")
			assert.JSONEq(t, fromRequest.stdout, fromWorkflow.stdout, "the same output as an exec request with \"package\"")
		})
	}
}

// hmacHex is the signature the sprocketApi credential's authenticate
// function computes.
func hmacHex(t *testing.T, key, text string) string {
	t.Helper()
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(text))
	return hex.EncodeToString(m.Sum(nil))
}

// TestWorkflowPackageInputs: the workflow node's typeVersion selects the
// package node's version, and bad input names what and where.
func TestWorkflowPackageInputs(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path+" "+r.Header.Get("Accept"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"count": 3}`))
	}))
	defer srv.Close()
	credFile := filepath.Join(t.TempDir(), "creds.json")
	require.NoError(t, os.WriteFile(credFile, []byte(mustJSON(t, map[string]any{
		"widgetApi": map[string]any{"baseUrl": srv.URL, "sessionToken": "s-1"}})), 0o600))

	tests := []struct {
		name        string
		nodeType    string
		typeVersion float64
		params      map[string]any
		args        []string
		code        int
		want        string // a request sent, or the error's text
	}{
		{"typeVersion 2: its shape parameter and Accept default", "n8n-nodes-widgets.widget", 2,
			map[string]any{"operation": "count", "shape": "circle"}, nil, exitOK, "GET /widgets/count/circle application/json"},
		{"typeVersion 1 has no shape parameter", "n8n-nodes-widgets.widget", 1,
			map[string]any{"operation": "count", "shape": "circle"}, nil, exitInput, `Unknown parameter "shape"`},
		{"a typeVersion the package lacks", "n8n-nodes-widgets.widget", 3,
			map[string]any{"operation": "count"}, nil, exitInput, "has no typeVersion 3 (it has 1, 2)"},
		{"a node type the package lacks", "n8n-nodes-widgets.widgit", 1, map[string]any{}, nil, exitInput,
			`node "Gizmo" has type "n8n-nodes-widgets.widgit", which package n8n-nodes-widgets (--package) does not have (did you mean "n8n-nodes-widgets.widget"?)`},
		{"no such package", "n8n-nodes-widgets.widget", 1, map[string]any{}, []string{"--package", filepath.Join("testdata", "no-such-package")}, exitInput,
			"no-such-package"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wf := writeWorkflow(t, tt.nodeType, tt.typeVersion, tt.params, "widgetApi")
			args := []string{"exec", "--workflow", wf, "--node", "Gizmo", "--credentials", credFile}
			if tt.args != nil {
				args = append(args, tt.args...)
			} else {
				args = append(args, "--package", widgets)
			}
			out := cli(t, nil, args...)
			require.Equal(t, tt.code, out.code, out.stderr)
			if tt.code == exitOK {
				mu.Lock()
				defer mu.Unlock()
				require.NotEmpty(t, seen)
				assert.Equal(t, tt.want, seen[len(seen)-1])
				return
			}
			wantInputError(tt.want)(t, decodeResult(t, out.stdout), out.stderr)
		})
	}
}

// TestExecPackageFlag: --package names the package of an exec request
// that has none, and may not contradict one it has.
func TestExecPackageFlag(t *testing.T) {
	tests := []struct {
		name string
		req  map[string]any
		code int
		want string
	}{
		{"the flag fills the request's package", map[string]any{"node": "widget", "parameters": map[string]any{"operation": "count", "shape": "circle"},
			"credentials": map[string]any{"widgetApi": map[string]any{"baseUrl": "http://127.0.0.1:1", "sessionToken": "s-1"}}}, exitFailed, "The service refused the connection"},
		{"the same package twice", map[string]any{"package": widgets, "node": "widget", "parameters": map[string]any{"operation": "count", "shape": "circle"},
			"credentials": map[string]any{"widgetApi": map[string]any{"baseUrl": "http://127.0.0.1:1", "sessionToken": "s-1"}}}, exitFailed, "The service refused the connection"},
		{"two different packages", map[string]any{"package": gizmos, "node": "widget"}, exitInput,
			`the request's "package" (` + gizmos + `) and --package (` + widgets + `) name different packages: give one`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := cli(t, strings.NewReader(mustJSON(t, tt.req)), "exec", "--package", widgets)
			require.Equal(t, tt.code, out.code, out.stderr)
			res := decodeResult(t, out.stdout)
			require.NotNil(t, res.Error)
			assert.Contains(t, res.Error.Message, tt.want)
		})
	}
}

// TestOpenPackageOnce: --package names the package as typed and a
// workflow's request names it absolute; both are one load, and a
// different package replaces (and closes) the first.
func TestOpenPackageOnce(t *testing.T) {
	x := &execution{}
	defer x.closePackage()
	first, err := x.openPackage(gizmos)
	require.NoError(t, err)
	abs, err := filepath.Abs(gizmos)
	require.NoError(t, err)
	again, err := x.openPackage(abs)
	require.NoError(t, err)
	require.Same(t, first, again, "the absolute path loaded the package a second time")

	other, err := x.openPackage(filepath.Join("..", "..", "nodes", "n8npackage", "testdata", "widgets"))
	require.NoError(t, err)
	require.NotSame(t, first, other)
	require.Same(t, other, x.pkg)
}
