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

// testedByServer serves the tokens package's Gadget API (GET /v2/me,
// by X-Gadget-Key) and Gizmo login (POST /login, basic auth or a JSON
// body), recording "METHOD uri credential" for every request.
func testedByServer(t *testing.T) (*httptest.Server, func() []string) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, basic := r.BasicAuth()
		if !basic {
			var body map[string]any
			_ = json.NewDecoder(r.Body).Decode(&body)
			user, _ = body["user"].(string)
			pass, _ = body["password"].(string)
		}
		key := r.Header.Get("X-Gadget-Key")
		mu.Lock()
		seen = append(seen, strings.TrimSpace(r.Method+" "+r.URL.RequestURI()+" "+key+user))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/v2/me" && (key == "gk-SECRET-1" || key == "gk-free"):
			fmt.Fprintf(w, `{"plan": %q}`, map[bool]string{true: "free", false: "pro"}[key == "gk-free"])
		case r.URL.Path == "/v2/me" && key == "banned-key":
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"message": "banned"}`)
		case r.URL.Path == "/one/whoami" && key == "gk-SECRET-1":
			fmt.Fprint(w, `{"id": 1}`)
		case r.URL.Path == "/login" && pass == "pw-SECRET-2":
			fmt.Fprintf(w, `{"who": %q}`, user)
		default:
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message": "who are you"}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		s := seen
		seen = nil
		return s
	}
}

// TestCredentialsTestTestedBy: a package's credential type without a test
// request is tested by the package's node that names it with testedBy, as
// n8n's CredentialsTester does: the node's request (its requestDefaults
// apply) judged by its rules, or its methods.credentialTest function
// (version 2's, the latest) with n8n's CredentialTestContext; an OAuth2
// type's "connected" test comes first.
func TestCredentialsTestTestedBy(t *testing.T) {
	srv, seen := testedByServer(t)
	gadget := func(key string) map[string]any {
		return map[string]any{"gadgetApi": map[string]any{"url": srv.URL, "apiKey": key}}
	}
	gizmo := func(mode, password string) map[string]any {
		return map[string]any{"gizmoApi": map[string]any{"url": srv.URL, "user": "bob", "password": password, "mode": mode}}
	}
	tests := []struct {
		name  string
		args  []string
		creds map[string]any
		code  int
		want  string   // the JSON result, or the stderr line of an input error
		seen  []string // requests sent
	}{
		{"testedBy request: the node's base URL", []string{"--type", "gadgetApi"}, gadget("gk-SECRET-1"),
			exitOK, `{"ok": true, "message": "Connection successful!"}`, []string{"GET /v2/me gk-SECRET-1"}},
		{"testedBy request: a responseCode rule", []string{"--node", "gadget"}, gadget("banned-key"),
			exitFailed, `{"ok": false, "message": "This key is banned"}`, []string{"GET /v2/me banned-key"}},
		{"testedBy request: a responseSuccessBody rule", []string{"--type", "gadgetApi"}, gadget("gk-free"),
			exitFailed, `{"ok": false, "message": "A free plan cannot use the API"}`, []string{"GET /v2/me gk-free"}},
		{"testedBy request refused (and resent once)", []string{"--type", "gadgetApi"}, gadget("wrong"),
			exitFailed, `{"ok": false, "message": "Unauthorized"}`, []string{"GET /v2/me wrong", "GET /v2/me wrong"}},
		{"testedBy function: helpers.request with basic auth, the body as text", []string{"--type", "gizmoApi"}, gizmo("request", "pw-SECRET-2"),
			exitOK, `{"ok": true, "message": "Hello bob (string)"}`, []string{"POST /login?v=2 bob"}},
		{"testedBy function: helpers.request(uri, {json: true})", []string{"--node", "gizmo", "--type", "gizmoApi"}, gizmo("uri", "pw-SECRET-2"),
			exitOK, `{"ok": true, "message": "Hello bob (object)"}`, []string{"POST /login bob"}},
		{"testedBy function: a failure, the password masked", []string{"--type", "gizmoApi"}, gizmo("request", "wrong-SECRET-3"),
			exitFailed, `{"ok": false, "message": "Login as bob with **hidden** failed: 401 - \"{\\\"message\\\": \\\"who are you\\\"}\""}`, []string{"POST /login?v=2 bob"}},
		{"testedBy function: helpers.request with an option noderun does not take, named as called", []string{"--type", "gizmoApi"}, gizmo("form", "pw-SECRET-2"),
			exitFailed, `{"ok": false, "message": "Login as bob with **hidden** failed: helpers.request: option \"form\" is not supported"}`, nil},
		{"testedBy function: a result that is no promise", []string{"--type", "gizmoApi"}, gizmo("sync", "pw-SECRET-2"),
			exitOK, `{"ok": true, "message": "sync gizmoApi"}`, nil},
		{"testedBy function that throws", []string{"--type", "gizmoApi"}, gizmo("throw", "pw-SECRET-2"),
			exitFailed, `{"ok": false, "message": "n8n-nodes-tokens.gizmo: credential test function gizmoApiTest of version 2: Error: cannot reach ` + srv.URL + ` as bob with **hidden**"}`, nil},
		{"testedBy function using a member n8n's context lacks", []string{"--type", "gizmoApi"}, gizmo("member", "pw-SECRET-2"),
			exitFailed, `{"ok": false, "message": "n8n-nodes-tokens.gizmo: credential test function gizmoApiTest of version 2: Error: this.getNodeParameter is not available in noderun (node n8n-nodes-tokens.gizmo, credential test function gizmoApiTest)"}`, nil},
		{"testedBy request of the first version (its base URL)", []string{"--type", "widgetApi"},
			map[string]any{"widgetApi": map[string]any{"url": srv.URL, "apiKey": "gk-SECRET-1"}},
			exitOK, `{"ok": true, "message": "Connection successful!"}`, []string{"GET /one/whoami gk-SECRET-1"}},
		{"no node tests the type (an empty testedBy names no test)", []string{"--type", "blankApi"},
			map[string]any{"blankApi": map[string]any{"url": srv.URL}},
			exitInput, `noderun credentials test: credential type "blankApi" defines no test request, and no node of package n8n-nodes-tokens tests it (testedBy), so it cannot be tested`, nil},
		{"the node named does not test the type", []string{"--node", "widget", "--type", "blankApi"},
			map[string]any{"blankApi": map[string]any{"url": srv.URL}},
			exitInput, `noderun credentials test: credential type "blankApi" defines no test request, and node widget has no test for it (testedBy), so it cannot be tested`, nil},
		{"OAuth2 wins over testedBy", []string{"--node", "gizmo", "--type", "gizmoOAuth2Api"},
			map[string]any{"gizmoOAuth2Api": map[string]any{"url": srv.URL, "clientId": "c", "clientSecret": "cs-SECRET-4", "oauthTokenData": map[string]any{"access_token": "at-SECRET-5"}}},
			exitOK, `{"ok": true, "message": "Connection Successful!"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "creds.json")
			require.NoError(t, os.WriteFile(file, []byte(mustJSON(t, tt.creds)), 0o600))
			args := append([]string{"credentials", "test", "--package", tokensPkg, "--credentials", file}, tt.args...)
			out := cli(t, nil, args...)
			require.Equal(t, tt.code, out.code, out.stderr)
			if tt.code == exitInput {
				assert.Equal(t, tt.want+"\n", out.stderr)
			} else {
				assert.JSONEq(t, tt.want, out.stdout)
			}
			assert.Equal(t, tt.seen, seen())
			for _, secret := range []string{"pw-SECRET-2", "wrong-SECRET-3", "cs-SECRET-4", "at-SECRET-5", "gk-SECRET-1"} {
				assertNoSecret(t, out, secret)
			}
		})
	}
}
