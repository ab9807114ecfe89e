package main

import (
	"encoding/json"
	"fmt"
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

// tokensPkg is nodes/n8npackage's fixture package with an OAuth2
// credential type that also has preAuthentication.
var tokensPkg = filepath.Join("..", "..", "nodes", "n8npackage", "testdata", "tokens")

// packageCredServer serves the widgets package's session API (/session,
// /ping) and the tokens package's OAuth2 API (/oauth/token, /v1/exchange,
// /v1/...), recording "METHOD path auth" for every request.
type packageCredServer struct {
	*httptest.Server
	mu                    sync.Mutex
	seen                  []string
	sessions, tokens, vts int
}

func newPackageCredServer(t *testing.T) *packageCredServer {
	s := &packageCredServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		auth := r.Header.Get("Authorization") + r.Header.Get("X-Widget-Session")
		s.seen = append(s.seen, strings.TrimSpace(r.Method+" "+r.URL.Path+" "+auth))
		w.Header().Set("Content-Type", "application/json")
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		switch {
		case r.URL.Path == "/session" && body["password"] == "pw-SECRET-1":
			s.sessions++
			fmt.Fprintf(w, `{"token": "s-%d"}`, s.sessions)
		case r.URL.Path == "/ping" && strings.HasPrefix(auth, "s-"):
			fmt.Fprint(w, `{"pong": true}`)
		case r.URL.Path == "/oauth/token":
			s.tokens++
			fmt.Fprintf(w, `{"access_token": "at-%d", "token_type": "bearer", "expires_in": 3600}`, s.tokens)
		case r.URL.Path == "/v1/exchange" && strings.HasPrefix(auth, "Bearer at-"):
			s.vts++
			fmt.Fprintf(w, `{"vault_token": "vt-%d"}`, s.vts)
		case strings.HasPrefix(r.URL.Path, "/v1/") && strings.HasPrefix(auth, "Bearer vt-"):
			fmt.Fprint(w, `{"name": "svc"}`)
		default:
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message": "who are you"}`)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *packageCredServer) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := s.seen
	s.seen = nil
	return seen
}

// TestCredentialsTestPackage: `credentials test --package` tests a package's
// credential type as n8n's credential test does: preAuthentication before
// the test request when no session is given, OAuth2 with the token
// fetched and the package's preAuthentication run over it.
func TestCredentialsTestPackage(t *testing.T) {
	srv := newPackageCredServer(t)
	widgetCreds := func(session, password string) map[string]any {
		return map[string]any{"widgetApi": map[string]any{"baseUrl": srv.URL, "password": password, "sessionToken": session}}
	}
	vault := map[string]any{"vaultOAuth2Api": map[string]any{"baseUrl": srv.URL, "accessTokenUrl": srv.URL + "/oauth/token", "clientId": "vault-client", "clientSecret": "cs-SECRET-2"}}
	tests := []struct {
		name  string
		args  []string
		creds map[string]any
		code  int
		want  string   // the JSON result, or the stderr line of an input error
		seen  []string // requests sent
	}{
		{"a session type: preAuthentication, then the test request", []string{"--package", widgets, "--type", "widgetApi"},
			widgetCreds("", "pw-SECRET-1"), exitOK, `{"ok": true, "message": "Connection successful!"}`,
			[]string{"POST /session", "GET /ping s-1"}},
		{"a session given is tested as it is, as n8n 2.41 does", []string{"--package", widgets, "--type", "widgetApi"},
			widgetCreds("s-old", "pw-SECRET-1"), exitOK, `{"ok": true, "message": "Connection successful!"}`,
			[]string{"GET /ping s-old"}},
		{"the credential of a package's node", []string{"--package", widgets, "--node", "widget"},
			widgetCreds("", "pw-SECRET-1"), exitOK, `{"ok": true, "message": "Connection successful!"}`,
			[]string{"POST /session", "GET /ping s-2"}},
		{"preAuthentication refused", []string{"--package", widgets, "--type", "widgetApi"},
			widgetCreds("", "wrong-SECRET-9"), exitFailed, `{"ok": false, "message": "Unauthorized"}`,
			[]string{"POST /session"}},
		{"OAuth2 with preAuthentication: token, exchange, test request", []string{"--package", tokensPkg, "--type", "vaultOAuth2Api"},
			vault, exitOK, `{"ok": true, "message": "Connection successful!"}`,
			[]string{"POST /oauth/token", "POST /v1/exchange Bearer at-1", "GET /v1/whoami Bearer vt-1"}},
		{"no --type or --node", []string{"--package", widgets}, nil, exitInput,
			"noderun credentials test: with --package, name the credential type to test with --type (or a node type of the package with --node)", nil},
		{"a type the package lacks", []string{"--package", widgets, "--type", "widgetApii"}, nil, exitInput,
			`noderun credentials test: n8n package n8n-nodes-widgets has no credential type "widgetApii"`, nil},
		{"--package with --descriptor", []string{"--package", widgets, "--descriptor", "x.json"}, nil, exitInput,
			"noderun credentials test: give --package or --descriptor, not both", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"credentials", "test"}, tt.args...)
			if tt.creds != nil {
				file := filepath.Join(t.TempDir(), "creds.json")
				require.NoError(t, os.WriteFile(file, []byte(mustJSON(t, tt.creds)), 0o600))
				args = append(args, "--credentials", file)
			}
			out := cli(t, nil, args...)
			require.Equal(t, tt.code, out.code, out.stderr)
			if tt.code == exitInput {
				assert.Equal(t, tt.want, strings.TrimSpace(out.stderr))
			} else {
				assert.JSONEq(t, tt.want, out.stdout)
			}
			assert.Equal(t, tt.seen, srv.take())
			for _, secret := range []string{"pw-SECRET-1", "wrong-SECRET-9", "cs-SECRET-2"} {
				assertNoSecret(t, out, secret)
			}
		})
	}
}

// TestExecOAuth2PreAuthPackage: a package node whose OAuth2 credential has
// preAuthentication signs its requests with the token data
// preAuthentication returns, in a run as in the credential test.
func TestExecOAuth2PreAuthPackage(t *testing.T) {
	srv := newPackageCredServer(t)
	req := map[string]any{"package": tokensPkg, "node": "vault", "parameters": map[string]any{"secret": "db"},
		"credentials": map[string]any{"vaultOAuth2Api": map[string]any{"baseUrl": srv.URL, "accessTokenUrl": srv.URL + "/oauth/token", "clientId": "vault-client", "clientSecret": "cs-SECRET-2"}},
		"items":       []any{map[string]any{"json": map[string]any{}}, map[string]any{"json": map[string]any{}}}}
	out := cli(t, strings.NewReader(mustJSON(t, req)), "exec", "--max-concurrency", "1")
	require.Equal(t, exitOK, out.code, out.stderr)
	res := decodeResult(t, out.stdout)
	require.Len(t, res.Items, 2)
	assert.Equal(t, []string{"POST /oauth/token", "POST /v1/exchange Bearer at-1", "GET /v1/secrets/db Bearer vt-1", "GET /v1/secrets/db Bearer vt-1"}, srv.take(),
		"one token and one exchange for both items")
	assertNoSecret(t, out, "cs-SECRET-2")

	out = cli(t, strings.NewReader(mustJSON(t, req)), "exec", "--dry-run")
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.Contains(t, out.stdout, `"Authorization": "Bearer **hidden**"`)
	assert.Empty(t, srv.take(), "a dry run sends nothing, preAuthentication included")
}

// TestPackageCredentialParentFails: a parent credential type the package
// indexes but that fails to load is named, not skipped as if it were
// n8n's own (the test would then run without the parent's properties).
func TestPackageCredentialParentFails(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"package.json":             `{"name": "n8n-nodes-brokenparent", "version": "1.0.0", "n8n": {"nodes": ["dist/nodes/Child.node.js"], "credentials": ["dist/credentials/ChildApi.credentials.js", "dist/credentials/BaseApi.credentials.js"]}}`,
		"dist/known/nodes.json":    `{"child": {"className": "Child", "sourcePath": "dist/nodes/Child.node.js"}}`,
		"dist/nodes/Child.node.js": `exports.Child = class Child {};`,
		"dist/known/credentials.json": `{
			"childApi": {"className": "ChildApi", "sourcePath": "dist/credentials/ChildApi.credentials.js"},
			"baseApi": {"className": "BaseApi", "sourcePath": "dist/credentials/BaseApi.credentials.js"}}`,
		"dist/credentials/ChildApi.credentials.js": `class ChildApi {
			constructor() { this.name = "childApi"; this.displayName = "Child"; this.extends = ["baseApi"];
				this.properties = [{displayName: "Key", name: "key", type: "string", default: ""}];
				this.test = {request: {baseURL: "https://child.example", url: "/ping"}}; }
		}
		exports.ChildApi = ChildApi;`,
		"dist/credentials/BaseApi.credentials.js": `throw new TypeError("base is broken");`,
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	out := cli(t, nil, "credentials", "test", "--package", dir, "--type", "childApi")
	assert.Equal(t, exitInput, out.code, out.stdout+out.stderr)
	assert.Contains(t, out.stderr, "credential type childApi extends baseApi, which did not load")
	assert.Contains(t, out.stderr, "base is broken")
}
