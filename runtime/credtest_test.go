package runtime_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// TestCredentialTestRenewal: a credential test runs as n8n's CredentialsTester
// does — preAuthentication before the test request when the expirable
// field is empty, the
// credential's authenticate code, a 401 answered by one renewal and
// resend, OAuth2 tokens — and never uses or changes a session the
// engine holds for runs.
func TestCredentialTestRenewal(t *testing.T) {
	t.Parallel()
	sessionTest := &node.CredentialTest{Request: node.Request{BaseURL: "={{$credentials.url}}", URL: "/api/user/current"}}
	tests := []struct {
		name    string
		session string // the expirable field's value given
		// revoke makes the server refuse every session issued so far
		// after the first preAuthentication.
		refuseFirst bool
		wrongPass   bool
		want        credentials.TestResult
		// wantSessions and wantAPI are the requests each endpoint got;
		// wantHeader the session the last test request carried.
		wantSessions, wantAPI int
		wantHeader            string
	}{
		{"empty session: preAuthentication first", "", false, false,
			credentials.TestResult{OK: true, Message: "Connection successful!"}, 1, 1, "session-1-id"},
		{"a session given is sent as it is, and renewed when refused", "session-old", false, false,
			credentials.TestResult{OK: true, Message: "Connection successful!"}, 1, 2, "session-1-id"},
		{"a 401 renews once and resends", "", true, false,
			credentials.TestResult{OK: true, Message: "Connection successful!"}, 2, 2, "session-2-id"},
		{"preAuthentication refused", "", false, true,
			credentials.TestResult{Message: "Unauthorized"}, 1, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newSessionServer(t)
			var calls atomic.Int32
			preAuth := metabasePreAuth(&calls)
			if tt.refuseFirst {
				inner := preAuth
				preAuth = func(ctx context.Context, data map[string]any, h node.CredentialHelpers) (map[string]any, error) {
					out, err := inner(ctx, data, h)
					if calls.Load() == 1 {
						srv.mu.Lock()
						clear(srv.valid) // the first session dies at once
						srv.mu.Unlock()
					}
					return out, err
				}
			}
			nt := metabaseLike(t, srv.URL, preAuth)
			nt.CredentialTypes["metabaseLikeApi"].Test = sessionTest
			password := sessionPassword
			if tt.wrongPass {
				password = "wrong-PASSWORD-1"
			}
			store := newUpdatingStore("metabaseLikeApi", map[string]any{"url": srv.URL, "username": "ann", "password": password, "sessionToken": tt.session})
			e, _ := newEngine(t)
			got, err := e.TestCredential(context.Background(), nt, "metabaseLikeApi", store)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			sessions, api := srv.split()
			assert.Len(t, sessions, tt.wantSessions, "preAuthentication requests")
			require.Len(t, api, tt.wantAPI, "test requests")
			if tt.wantAPI > 0 {
				assert.Equal(t, "/api/user/current", api[len(api)-1].Path)
				assert.Equal(t, tt.wantHeader, api[len(api)-1].Header.Get("X-Metabase-Session"))
				w := store.written()
				require.NotEmpty(t, w, "the renewed session is written back")
				assert.Equal(t, tt.wantHeader, w[len(w)-1]["sessionToken"])
			}
			assert.NotContains(t, got.Message, password)
		})
	}

	t.Run("a test does not reuse the engine's session", func(t *testing.T) {
		t.Parallel()
		srv := newSessionServer(t)
		var calls atomic.Int32
		nt := metabaseLike(t, srv.URL, metabasePreAuth(&calls))
		nt.CredentialTypes["metabaseLikeApi"].Test = sessionTest
		creds := staticCreds("metabaseLikeApi", map[string]any{"url": srv.URL, "username": "ann", "password": sessionPassword, "sessionToken": ""})
		e, _ := newEngine(t)
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: creds})
		got, err := e.TestCredential(context.Background(), nt, "metabaseLikeApi", creds)
		require.NoError(t, err)
		assert.True(t, got.OK, got.Message)
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: creds})
		sessions, api := srv.split()
		assert.Len(t, sessions, 2, "the run's session, then the test's own")
		require.Len(t, api, 3)
		assert.Equal(t, "session-1-id", api[2].Header.Get("X-Metabase-Session"), "runs keep their session")
	})

	t.Run("authenticate code signs the test request", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, nil)
		nt := metabaseLike(t, srv.URL, nil)
		ct := nt.CredentialTypes["metabaseLikeApi"]
		ct.Properties = ct.Properties[1:] // no expirable field
		ct.Test = sessionTest
		ct.AuthenticateRequest = func(_ context.Context, data, req map[string]any) (map[string]any, error) {
			headers, _ := req["headers"].(map[string]any)
			if headers == nil {
				headers = map[string]any{}
			}
			headers["X-Signed"] = "by-" + data["username"].(string)
			req["headers"] = headers
			return req, nil
		}
		e, _ := newEngine(t)
		got, err := e.TestCredential(context.Background(), nt, "metabaseLikeApi", staticCreds("metabaseLikeApi", map[string]any{"url": srv.URL, "username": "ann"}))
		require.NoError(t, err)
		assert.True(t, got.OK, got.Message)
		assert.Equal(t, "by-ann", srv.only(t).Header.Get("X-Signed"))
	})
}

// TestCredentialTestOAuth2: an OAuth2 type without a test request is
// connected when its token data holds an access token (n8n's message),
// and a client-credentials credential is connected by fetching a token;
// one with a test request sends it signed with the token.
func TestCredentialTestOAuth2(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		grant     string
		test      bool
		data      map[string]any
		refuse    bool // the token endpoint refuses the client
		want      credentials.TestResult
		wantToken int // token requests
		wantAPI   string
	}{
		{"a connected credential", "authorizationCode", false,
			map[string]any{"clientId": "c", "clientSecret": clientSecret, "oauthTokenData": map[string]any{"access_token": givenAccess}}, false,
			credentials.TestResult{OK: true, Message: "Connection Successful!"}, 0, ""},
		{"not connected", "authorizationCode", false,
			map[string]any{"clientId": "c", "clientSecret": clientSecret}, false,
			credentials.TestResult{Message: "This OAuth2 credential was not connected to an account."}, 0, ""},
		{"client credentials: a token is fetched", "clientCredentials", false,
			map[string]any{"clientId": "c", "clientSecret": clientSecret}, false,
			credentials.TestResult{OK: true, Message: "Connection Successful!"}, 1, ""},
		{"client credentials refused by the token endpoint", "clientCredentials", false,
			map[string]any{"clientId": "c", "clientSecret": clientSecret}, true,
			credentials.TestResult{Message: "Failed to acquire OAuth2 access token: Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method)."}, 1, ""},
		{"a test request signed with a fetched token", "clientCredentials", true,
			map[string]any{"clientId": "c", "clientSecret": clientSecret}, false,
			credentials.TestResult{OK: true, Message: "Connection successful!"}, 1, "Bearer at-1-issued"},
		{"a test request of a credential not connected", "authorizationCode", true,
			map[string]any{"clientId": "c", "clientSecret": clientSecret}, false,
			credentials.TestResult{Message: "OAuth credentials not connected"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newOAuthServer(t)
			srv.refuseClients = tt.refuse
			nt := oauthNode(t, srv.URL, tt.grant, "")
			if tt.test {
				nt.CredentialTypes["acmeOAuth2Api"].Test = &node.CredentialTest{Request: node.Request{BaseURL: srv.URL, URL: "/api/me"}}
			}
			store := newUpdatingStore("acmeOAuth2Api", tt.data)
			e, _ := newEngine(t)
			got, err := e.TestCredential(context.Background(), nt, "acmeOAuth2Api", store)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			tok, api := srv.split()
			assert.Len(t, tok, tt.wantToken)
			if tt.wantAPI == "" {
				assert.Empty(t, api)
			} else {
				require.Len(t, api, 1)
				assert.Equal(t, tt.wantAPI, api[0].Header.Get("Authorization"))
			}
			if tt.wantToken > 0 && !tt.refuse {
				w := store.written()
				require.Len(t, w, 1, "the fetched token is written back")
				assert.Equal(t, "at-1-issued", w[0]["oauthTokenData"].(map[string]any)["access_token"])
			}
			assert.NotContains(t, got.Message, clientSecret)
		})
	}

	t.Run("the parent types given with the node type are inherited", func(t *testing.T) {
		t.Parallel()
		srv := newOAuthServer(t)
		parent := `{"name":"oAuth2Api","displayName":"OAuth2 API","properties":[
		  {"displayName":"Grant Type","name":"grantType","type":"options","default":"authorizationCode","options":[{"name":"Client Credentials","value":"clientCredentials"},{"name":"Authorization Code","value":"authorizationCode"}]},
		  {"displayName":"Access Token URL","name":"accessTokenUrl","type":"string","default":""},
		  {"displayName":"Client ID","name":"clientId","type":"string","default":""},
		  {"displayName":"Client Secret","name":"clientSecret","type":"string","typeOptions":{"password":true},"default":""}]}`
		child := `{"name":"acmeApi","displayName":"Acme","extends":["oAuth2Api"],"properties":[
		  {"displayName":"Grant Type","name":"grantType","type":"hidden","default":"clientCredentials"},
		  {"displayName":"Access Token URL","name":"accessTokenUrl","type":"hidden","default":"@URL@/token"}]}`
		nt := nodeTypeJSON(t, srv.URL, `{"displayName":"T","name":"t","version":1,"credentials":[{"name":"acmeApi","required":true}],
		  "properties":[{"displayName":"P","name":"p","type":"string","default":"","routing":{"request":{"url":"/api/x"}}}]}`, child, parent)
		e, _ := newEngine(t)
		got, err := e.TestCredential(context.Background(), nt, "acmeApi", staticCreds("acmeApi", map[string]any{"clientId": "c", "clientSecret": clientSecret}))
		require.NoError(t, err)
		assert.Equal(t, credentials.TestResult{OK: true, Message: "Connection Successful!"}, got)
		tok, _ := srv.split()
		require.Len(t, tok, 1)
		assert.True(t, strings.HasPrefix(string(tok[0].Body), "grant_type=client_credentials"), string(tok[0].Body))
	})

	t.Run("a type neither OAuth2 nor with a test request cannot be tested", func(t *testing.T) {
		t.Parallel()
		nt := metabaseLike(t, "http://127.0.0.1:1", nil)
		e, _ := newEngine(t)
		_, err := e.TestCredential(context.Background(), nt, "metabaseLikeApi", staticCreds("metabaseLikeApi", map[string]any{}))
		require.EqualError(t, err, `credential type "metabaseLikeApi" defines no test request, and node testNode has no test for it (testedBy), so it cannot be tested`)
	})
}

// TestCredentialSelf: in a credential's own expressions $self is its data,
// as n8n resolves them (selfData): Databricks' and Microsoft's token URLs
// are built so.
func TestCredentialSelf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, expr, want string
	}{
		{"index", `={{$self["host"]}}oidc/v1/token`, "https://h.example/oidc/v1/token"},
		{"member and method", `={{$self.host.replace(/\/$/, "")}}/t`, "https://h.example/t"},
		{"a field with a default", `={{$self.region}}-x`, "eu-x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, nil)
			derived, err := json.Marshal(tt.expr)
			require.NoError(t, err)
			nt := nodeTypeJSON(t, srv.URL, `{"displayName":"N","name":"n","version":1,"credentials":[{"name":"selfApi","required":true}],
			  "requestDefaults":{"baseURL":"@URL@"},"properties":[{"displayName":"P","name":"p","type":"string","default":"","routing":{"request":{"url":"/x"}}}]}`,
				`{"name":"selfApi","displayName":"Self","properties":[
				  {"displayName":"Host","name":"host","type":"string","default":""},
				  {"displayName":"Region","name":"region","type":"string","default":"eu"},
				  {"displayName":"Derived","name":"derived","type":"hidden","default":`+string(derived)+`}],
				 "authenticate":{"type":"generic","properties":{"headers":{"X-Derived":"={{$credentials.derived}}"}}}}`)
			e, _ := newEngine(t)
			mustSucceed(t, e, runtime.Run{Node: nt, Credentials: staticCreds("selfApi", map[string]any{"host": "https://h.example/"})})
			assert.Equal(t, tt.want, srv.only(t).Header.Get("X-Derived"))
		})
	}
}
