package runtime_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// exchangeServer issues OAuth2 tokens (/token), exchanges an access token
// for an API token (/exchange, Bearer access token) and serves an API
// (/api/...) that accepts the tokens of both kinds it issued and has not
// revoked.
type exchangeServer struct {
	*recorder
	mu      sync.Mutex
	tokens  int
	api     int
	valid   map[string]bool // API tokens
	issued  map[string]bool // access tokens
	refuseX bool            // /exchange answers 403
}

func newExchangeServer(t *testing.T) *exchangeServer {
	s := &exchangeServer{valid: map[string]bool{}, issued: map[string]bool{}}
	s.recorder = newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
		s.mu.Lock()
		defer s.mu.Unlock()
		bearer := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		switch {
		case r.URL.Path == "/token":
			s.tokens++
			at := fmt.Sprintf("at-%d-issued", s.tokens)
			s.issued[at] = true
			writeJSON(w, 200, map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": 3600})
		case r.URL.Path == "/exchange":
			if s.refuseX || !s.issued[bearer] {
				writeJSON(w, 403, map[string]any{"message": "no exchange for " + bearer}) // echoes the token
				return
			}
			s.api++
			apiToken := fmt.Sprintf("api-%d-token", s.api)
			s.valid[apiToken] = true
			writeJSON(w, 200, map[string]any{"api_token": apiToken})
		case s.valid[bearer] || s.issued[bearer]:
			writeJSON(w, 200, map[string]any{"ok": true})
		default:
			writeJSON(w, 401, map[string]any{"message": "token expired"})
		}
	})
	return s
}

func (s *exchangeServer) count(path string) (n int, auth []string) {
	for _, c := range s.requests() {
		if c.Path == path {
			n++
			auth = append(auth, c.Header.Get("Authorization"))
		}
	}
	return n, auth
}

// exchangePreAuth is a preAuthentication that trades the OAuth2 access
// token for an API token and signs with it, as a package credential
// extending oAuth2Api may.
func exchangePreAuth(calls *atomic.Int32, ret func(data, body map[string]any) map[string]any) node.PreAuthenticateFunc {
	return func(ctx context.Context, data map[string]any, h node.CredentialHelpers) (map[string]any, error) {
		calls.Add(1)
		td, _ := data["oauthTokenData"].(map[string]any)
		res, err := h.HTTPRequest(ctx, map[string]any{
			"method": "POST", "url": data["baseUrl"].(string) + "/exchange",
			"headers": map[string]any{"Authorization": "Bearer " + td["access_token"].(string)},
		})
		if err != nil {
			return nil, err
		}
		return ret(data, res.(map[string]any)), nil
	}
}

func signWithAPIToken(data, body map[string]any) map[string]any {
	td := map[string]any{}
	for k, v := range data["oauthTokenData"].(map[string]any) {
		td[k] = v
	}
	td["access_token"] = body["api_token"]
	return map[string]any{"oauthTokenData": td}
}

// TestOAuth2PreAuthentication: an OAuth2 type that also has
// preAuthentication runs it over the credential holding the token, and
// signs with the oauthTokenData it returns, as n8n's requestOAuth2 does;
// noderun runs it once per token (n8n before every request) and writes
// back the token endpoint's answer.
func TestOAuth2PreAuthentication(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		ret      func(data, body map[string]any) map[string]any
		items    int
		refuseX  bool
		revoke   bool // every API token dies after the first run
		wantErr  string
		wantAuth string // the last API request's Authorization
		// wantTokens, wantExchanges, wantAPI count requests.
		wantTokens, wantExchanges, wantAPI int
	}{
		{"the returned token data signs, once for many items", signWithAPIToken, 5, false, false, "",
			"Bearer api-1-token", 1, 1, 5},
		{"output without oauthTokenData leaves the token as it was", func(_, _ map[string]any) map[string]any { return map[string]any{"note": "x"} }, 1, false, false, "",
			"Bearer at-1-issued", 1, 1, 1},
		{"a refusal renews the token and runs preAuthentication again", signWithAPIToken, 1, false, true, "",
			"Bearer api-2-token", 2, 2, 3},
		{"a failing preAuthentication fails the node, naming it", signWithAPIToken, 1, true, false,
			`preAuthentication of credential type "acmeOAuth2Api"`, "", 1, 1, 0},
		{"token data that is no object", func(_, _ map[string]any) map[string]any { return map[string]any{"oauthTokenData": "api"} }, 1, false, false,
			`returned oauthTokenData that is string, not an object`, "", 1, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newExchangeServer(t)
			srv.refuseX = tt.refuseX
			nt := oauthNode(t, srv.URL, "clientCredentials", `,{"displayName":"Base URL","name":"baseUrl","type":"hidden","default":"@URL@"}`)
			var calls atomic.Int32
			nt.CredentialTypes["acmeOAuth2Api"].PreAuthenticate = exchangePreAuth(&calls, tt.ret)
			store := newUpdatingStore("acmeOAuth2Api", map[string]any{"clientId": "c", "clientSecret": clientSecret})
			e, _ := newEngine(t)
			res := execute(t, e, runtime.Run{Node: nt, Credentials: store, Items: manyItems(tt.items)})
			if tt.revoke {
				require.Nil(t, res.Err)
				srv.mu.Lock()
				clear(srv.valid)
				clear(srv.issued)
				srv.mu.Unlock()
				res = execute(t, e, runtime.Run{Node: nt, Credentials: store, Items: manyItems(tt.items)})
			}
			tokens, _ := srv.count("/token")
			exchanges, exAuth := srv.count("/exchange")
			api, apiAuth := srv.count("/api/thing")
			assert.Equal(t, tt.wantTokens, tokens, "token requests")
			assert.Equal(t, tt.wantExchanges, exchanges, "preAuthentication runs")
			assert.Equal(t, tt.wantAPI, api, "API requests")
			assert.EqualValues(t, tt.wantExchanges, calls.Load())
			if exchanges > 0 {
				assert.Equal(t, fmt.Sprintf("Bearer at-%d-issued", tokens), exAuth[len(exAuth)-1], "preAuthentication reads the current token")
			}
			if tt.wantErr != "" {
				require.NotNil(t, res.Err)
				assert.Contains(t, res.Err.Error(), tt.wantErr)
				assert.NotContains(t, res.Err.Error(), clientSecret)
				assert.NotContains(t, res.Err.Error(), "at-1-issued")
				return
			}
			require.Nil(t, res.Err)
			assert.Len(t, res.Items, tt.items)
			assert.Equal(t, tt.wantAuth, apiAuth[len(apiAuth)-1])
			w := store.written()
			require.NotEmpty(t, w)
			assert.Equal(t, fmt.Sprintf("at-%d-issued", tokens), w[len(w)-1]["oauthTokenData"].(map[string]any)["access_token"],
				"the token endpoint's answer is written back, not preAuthentication's")
		})
	}

	t.Run("a dry run runs no preAuthentication and masks the token", func(t *testing.T) {
		t.Parallel()
		srv := newExchangeServer(t)
		nt := oauthNode(t, srv.URL, "clientCredentials", `,{"displayName":"Base URL","name":"baseUrl","type":"hidden","default":"@URL@"}`)
		var calls atomic.Int32
		nt.CredentialTypes["acmeOAuth2Api"].PreAuthenticate = exchangePreAuth(&calls, signWithAPIToken)
		e, _ := newEngine(t)
		p, err := e.Prepare(context.Background(), runtime.Run{Node: nt, Credentials: credentials.Map{"acmeOAuth2Api": {"clientId": "c", "clientSecret": clientSecret}}})
		require.NoError(t, err)
		dry := p.DryRun(context.Background(), nil)
		require.Len(t, dry, 1)
		assert.Equal(t, "Bearer "+credentials.Mask, dry[0].Headers["Authorization"])
		assert.Zero(t, calls.Load())
		assert.Empty(t, srv.requests())
	})

	t.Run("the credential test runs it before the test request", func(t *testing.T) {
		t.Parallel()
		srv := newExchangeServer(t)
		nt := oauthNode(t, srv.URL, "clientCredentials", `,{"displayName":"Base URL","name":"baseUrl","type":"hidden","default":"@URL@"}`)
		ct := nt.CredentialTypes["acmeOAuth2Api"]
		var calls atomic.Int32
		ct.PreAuthenticate = exchangePreAuth(&calls, signWithAPIToken)
		ct.Test = &node.CredentialTest{Request: node.Request{BaseURL: srv.URL, URL: "/api/me"}}
		e, _ := newEngine(t)
		got, err := e.TestCredential(context.Background(), nt, "acmeOAuth2Api", credentials.Map{"acmeOAuth2Api": {"clientId": "c", "clientSecret": clientSecret}})
		require.NoError(t, err)
		assert.Equal(t, credentials.TestResult{OK: true, Message: "Connection successful!"}, got)
		_, auth := srv.count("/api/me")
		assert.Equal(t, []string{"Bearer api-1-token"}, auth)
	})

}
