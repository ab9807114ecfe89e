package runtime_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// OAuth2 (issue 17 item 4): tokens from a local token endpoint, used as
// n8n's requestOAuth2 uses them, renewed on expiry or refusal, written
// back through credentials.Updater, never printed.

const (
	clientSecret = "cs-SECRET-5678"
	givenAccess  = "given-ACCESS-9012"
	givenRefresh = "given-REFRESH-3456"
)

// oauthServer is a token endpoint (/token) and an API (/api/...) that
// accepts the access tokens it issued and has not revoked.
type oauthServer struct {
	*recorder
	mu        sync.Mutex
	issued    int
	valid     map[string]bool
	expiresIn float64
	tokenType string
	// refreshTokens are accepted by the refresh grant.
	refreshTokens map[string]bool
	// rotate makes every refresh answer carry a new refresh token.
	rotate bool
	// expiredStatus is the API's answer to an unknown token (401).
	expiredStatus int
	// hold, when set, delays token answers until closed.
	hold chan struct{}
	// refuseClients answers every token request invalid_client.
	refuseClients bool
}

func newOAuthServer(t *testing.T) *oauthServer {
	s := &oauthServer{valid: map[string]bool{}, refreshTokens: map[string]bool{givenRefresh: true}, expiresIn: 3600, expiredStatus: 401}
	s.recorder = newRecorder(t, s.handle)
	return s
}

func (s *oauthServer) handle(w http.ResponseWriter, r *http.Request, c captured) {
	if r.URL.Path == "/token" {
		if s.hold != nil {
			waitOrDone(r, s.hold)
		}
		form, _ := url.ParseQuery(string(c.Body))
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.refuseClients {
			writeJSON(w, 401, map[string]any{"error": "invalid_client"})
			return
		}
		switch form.Get("grant_type") {
		case "client_credentials":
		case "refresh_token":
			if !s.refreshTokens[form.Get("refresh_token")] {
				writeJSON(w, 400, map[string]any{"error": "invalid_grant"})
				return
			}
		default:
			writeJSON(w, 400, map[string]any{"error": "unsupported_grant_type"})
			return
		}
		s.issued++
		token := fmt.Sprintf("at-%d-issued", s.issued)
		s.valid[token] = true
		answer := map[string]any{"access_token": token, "token_type": "Bearer", "expires_in": s.expiresIn, "scope": form.Get("scope")}
		if s.tokenType != "" {
			answer["token_type"] = s.tokenType
		}
		if s.rotate {
			rt := fmt.Sprintf("rt-%d-issued", s.issued)
			s.refreshTokens[rt] = true
			answer["refresh_token"] = rt
		}
		writeJSON(w, 200, answer)
		return
	}
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if q := r.URL.Query().Get("access_token"); q != "" {
		token = q
	}
	s.mu.Lock()
	ok := s.valid[token]
	s.mu.Unlock()
	if !ok {
		writeJSON(w, s.expiredStatus, map[string]any{"message": "token expired"})
		return
	}
	writeJSON(w, 200, map[string]any{"ok": true})
}

func (s *oauthServer) accept(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.valid[token] = true
}

func (s *oauthServer) revokeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.valid)
}

// split returns the token endpoint's and the API's requests.
func (s *oauthServer) split() (token, api []captured) {
	for _, c := range s.requests() {
		if c.Path == "/token" {
			token = append(token, c)
		} else {
			api = append(api, c)
		}
	}
	return token, api
}

// oauthNode is a node using acmeOAuth2Api, a type extending oAuth2Api
// with its grant type fixed as hidden properties do.
func oauthNode(t *testing.T, url, grant string, extraProps string) *runtime.NodeType {
	t.Helper()
	cred := `{"name":"acmeOAuth2Api","displayName":"Acme OAuth2","extends":["oAuth2Api"],"properties":[
	  {"displayName":"Grant Type","name":"grantType","type":"hidden","default":"` + grant + `"},
	  {"displayName":"Access Token URL","name":"accessTokenUrl","type":"hidden","default":"@URL@/token"},
	  {"displayName":"Scope","name":"scope","type":"hidden","default":"read  write"}` + extraProps + `]}`
	return nodeTypeJSON(t, url, `{"displayName":"Test Node","name":"testNode","version":1,
	  "credentials":[{"name":"acmeOAuth2Api","required":true}],
	  "requestDefaults":{"baseURL":"@URL@"},
	  "properties":[{"displayName":"Path","name":"path","type":"string","default":"/api/thing","routing":{"request":{"url":"={{$value}}"}}}]}`, cred)
}

// updatingStore is a credential store that records write-backs and
// serves the latest data.
type updatingStore struct {
	mu      sync.Mutex
	data    map[string]map[string]any
	updates []map[string]any
	fail    error
}

func newUpdatingStore(typeName string, data map[string]any) *updatingStore {
	return &updatingStore{data: map[string]map[string]any{typeName: data}}
}

func (s *updatingStore) Credential(_ context.Context, typeName string) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.data[typeName]
	if !ok {
		return nil, credentials.ErrNotFound
	}
	return d, nil
}

func (s *updatingStore) UpdateCredential(_ context.Context, typeName string, data map[string]any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.updates = append(s.updates, data)
	s.data[typeName] = data
	return nil
}

func (s *updatingStore) written() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]map[string]any(nil), s.updates...)
}

var _ credentials.Updater = (*updatingStore)(nil)

func basicOf(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
}

func manyItems(n int) []node.Item {
	out := make([]node.Item, n)
	for i := range out {
		out[i] = node.Item{JSON: map[string]any{"i": float64(i)}}
	}
	return out
}

func TestOAuth2ClientCredentials(t *testing.T) {
	t.Parallel()
	t.Run("one token for many concurrent items, header client auth, written back, cached across runs", func(t *testing.T) {
		t.Parallel()
		srv := newOAuthServer(t)
		srv.hold = make(chan struct{})
		nt := oauthNode(t, srv.URL, "clientCredentials", "")
		store := newUpdatingStore("acmeOAuth2Api", map[string]any{"clientId": "client-1", "clientSecret": clientSecret})
		e, _ := newEngine(t)
		done := make(chan runtime.Result)
		go func() {
			res, _ := e.Execute(context.Background(), runtime.Run{Node: nt, Credentials: store, Items: manyItems(20)})
			done <- res
		}()
		// Let the items pile up behind the one token request.
		require.Eventually(t, func() bool { tok, _ := srv.split(); return len(tok) == 1 }, 5*time.Second, time.Millisecond)
		time.Sleep(20 * time.Millisecond)
		close(srv.hold)
		res := <-done
		require.Nil(t, res.Err)
		require.Len(t, res.Items, 20)
		tok, api := srv.split()
		require.Len(t, tok, 1, "one token request for all items")
		require.Len(t, api, 20)
		for _, r := range api {
			assert.Equal(t, "Bearer at-1-issued", r.Header.Get("Authorization"))
		}
		tr := tok[0]
		assert.Equal(t, "POST", tr.Method)
		assert.Equal(t, basicOf("client-1", clientSecret), tr.Header.Get("Authorization"))
		assert.Equal(t, "application/x-www-form-urlencoded", tr.Header.Get("Content-Type"))
		assert.Equal(t, "application/json, application/x-www-form-urlencoded", tr.Header.Get("Accept"))
		assert.Equal(t, "grant_type=client_credentials&scope=read%20write", string(tr.Body))

		w := store.written()
		require.Len(t, w, 1)
		td := w[0]["oauthTokenData"].(map[string]any)
		assert.Equal(t, "at-1-issued", td["access_token"])
		assert.NotEmpty(t, td["n8n_expires_at"], "the expiry stamp n8n keeps")
		assert.Equal(t, "client-1", w[0]["clientId"], "the rest of the stored data is kept")

		// A second run of the same credential reuses the token.
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: credentials.Map{"acmeOAuth2Api": {"clientId": "client-1", "clientSecret": clientSecret}}})
		tok, _ = srv.split()
		assert.Len(t, tok, 1)
	})
	t.Run("body client auth sends id and secret in the form", func(t *testing.T) {
		t.Parallel()
		srv := newOAuthServer(t)
		nt := oauthNode(t, srv.URL, "clientCredentials", "")
		e, _ := newEngine(t)
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: staticCreds("acmeOAuth2Api", map[string]any{
			"clientId": "client 1", "clientSecret": clientSecret, "authentication": "body",
			"additionalBodyProperties": `{"audience":"https://api.example"}`})})
		tok, _ := srv.split()
		require.Len(t, tok, 1)
		assert.Empty(t, tok[0].Header.Get("Authorization"))
		assert.Equal(t, "grant_type=client_credentials&audience=https%3A%2F%2Fapi.example&scope=read%20write&client_id=client%201&client_secret="+clientSecret, string(tok[0].Body))
	})
	t.Run("fetched again after expiry", func(t *testing.T) {
		t.Parallel()
		srv := newOAuthServer(t)
		nt := oauthNode(t, srv.URL, "clientCredentials", "")
		e, _ := newEngine(t)
		var now atomic.Int64
		now.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
		runtime.SetCredentialClock(e, func() time.Time { return time.Unix(0, now.Load()) })
		creds := staticCreds("acmeOAuth2Api", map[string]any{"clientId": "c", "clientSecret": clientSecret})
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: creds, Items: manyItems(3)})
		now.Add(int64(3550 * time.Second)) // within a minute of expiry
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: creds, Items: manyItems(3)})
		tok, api := srv.split()
		assert.Len(t, tok, 2)
		require.Len(t, api, 6)
		assert.Equal(t, "Bearer at-1-issued", api[0].Header.Get("Authorization"))
		assert.Equal(t, "Bearer at-2-issued", api[5].Header.Get("Authorization"))
	})
	t.Run("a refused token is fetched again once for all items, each resent once", func(t *testing.T) {
		t.Parallel()
		srv := newOAuthServer(t)
		nt := oauthNode(t, srv.URL, "clientCredentials", "")
		e, _ := newEngine(t)
		creds := staticCreds("acmeOAuth2Api", map[string]any{"clientId": "c", "clientSecret": clientSecret})
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: creds})
		srv.revokeAll()
		res := mustSucceed(t, e, runtime.Run{Node: nt, Credentials: creds, Items: manyItems(10)})
		assert.Len(t, res.Items, 10)
		tok, api := srv.split()
		assert.Len(t, tok, 2, "one fetch at first use, one after the refusal")
		old, fresh := 0, 0
		for _, r := range api {
			switch r.Header.Get("Authorization") {
			case "Bearer at-1-issued":
				old++
			case "Bearer at-2-issued":
				fresh++
			}
		}
		assert.Equal(t, 10, fresh, "every item sent once with the new token")
		assert.Equal(t, len(api), old+fresh)
		assert.LessOrEqual(t, old, 1+10, "a refused item is resent once")
	})
	t.Run("token endpoint refusal fails the item with client-oauth2's message", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
			writeJSON(w, 401, map[string]any{"error": "invalid_client"})
		})
		nt := oauthNode(t, srv.URL, "clientCredentials", "")
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt, Credentials: staticCreds("acmeOAuth2Api", map[string]any{"clientId": "c", "clientSecret": clientSecret})})
		require.NotNil(t, res.Err)
		assert.Equal(t, "Failed to acquire OAuth2 access token: Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).", res.Err.Message)
		assert.Len(t, srv.requests(), 1, "no API request without a token")
	})
}

func TestOAuth2AuthorizationCode(t *testing.T) {
	t.Parallel()
	tokenData := func(extra map[string]any) map[string]any {
		m := map[string]any{"access_token": givenAccess, "refresh_token": givenRefresh, "token_type": "bearer", "expires_in": 3600.0}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	t.Run("the given access token is used", func(t *testing.T) {
		t.Parallel()
		srv := newOAuthServer(t)
		srv.accept(givenAccess)
		nt := oauthNode(t, srv.URL, "authorizationCode", "")
		e, _ := newEngine(t)
		store := newUpdatingStore("acmeOAuth2Api", map[string]any{"clientId": "c", "clientSecret": clientSecret, "oauthTokenData": tokenData(nil)})
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: store, Items: manyItems(3)})
		tok, api := srv.split()
		assert.Empty(t, tok)
		for _, r := range api {
			assert.Equal(t, "Bearer "+givenAccess, r.Header.Get("Authorization"))
		}
		assert.Empty(t, store.written())
	})
	t.Run("refreshed on 401, resent once, new token written back", func(t *testing.T) {
		t.Parallel()
		srv := newOAuthServer(t)
		srv.rotate = true
		nt := oauthNode(t, srv.URL, "authorizationCode", "")
		e, _ := newEngine(t)
		store := newUpdatingStore("acmeOAuth2Api", map[string]any{"clientId": "c", "clientSecret": clientSecret, "oauthTokenData": tokenData(map[string]any{"custom": "kept"})})
		res := mustSucceed(t, e, runtime.Run{Node: nt, Credentials: store})
		assert.Len(t, res.Items, 1)
		tok, api := srv.split()
		require.Len(t, tok, 1)
		assert.Equal(t, "refresh_token="+givenRefresh+"&grant_type=refresh_token", string(tok[0].Body))
		assert.Equal(t, basicOf("c", clientSecret), tok[0].Header.Get("Authorization"))
		require.Len(t, api, 2)
		assert.Equal(t, "Bearer "+givenAccess, api[0].Header.Get("Authorization"))
		assert.Equal(t, "Bearer at-1-issued", api[1].Header.Get("Authorization"))
		w := store.written()
		require.Len(t, w, 1)
		td := w[0]["oauthTokenData"].(map[string]any)
		assert.Equal(t, "at-1-issued", td["access_token"])
		assert.Equal(t, "rt-1-issued", td["refresh_token"])
		assert.Equal(t, "kept", td["custom"], "the answer is merged over the old token data")
	})
	t.Run("the written-back token is the next run's; a token changed from outside replaces it", func(t *testing.T) {
		t.Parallel()
		srv := newOAuthServer(t)
		nt := oauthNode(t, srv.URL, "authorizationCode", "")
		e, _ := newEngine(t)
		store := newUpdatingStore("acmeOAuth2Api", map[string]any{"clientId": "c", "clientSecret": clientSecret, "oauthTokenData": tokenData(nil)})
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: store}) // refused, refreshed: at-1
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: store}) // the store now holds at-1
		tok, api := srv.split()
		assert.Len(t, tok, 1)
		require.Len(t, api, 3)
		assert.Equal(t, "Bearer at-1-issued", api[2].Header.Get("Authorization"))
		// Reconnected elsewhere: the store holds a token this engine never saw.
		srv.accept("reconnected-TOKEN")
		store.mu.Lock()
		store.data["acmeOAuth2Api"] = map[string]any{"clientId": "c", "clientSecret": clientSecret,
			"oauthTokenData": map[string]any{"access_token": "reconnected-TOKEN", "refresh_token": givenRefresh}}
		store.mu.Unlock()
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: store})
		_, api = srv.split()
		require.Len(t, api, 4)
		assert.Equal(t, "Bearer reconnected-TOKEN", api[3].Header.Get("Authorization"))
	})
	t.Run("a token renewed elsewhere in the store is used instead of refreshing", func(t *testing.T) {
		t.Parallel()
		srv := newOAuthServer(t)
		srv.accept("elsewhere-TOKEN")
		nt := oauthNode(t, srv.URL, "authorizationCode", "")
		e, _ := newEngine(t)
		store := newUpdatingStore("acmeOAuth2Api", map[string]any{"clientId": "c", "clientSecret": clientSecret, "oauthTokenData": tokenData(nil)})
		p, err := e.Prepare(context.Background(), runtime.Run{Node: nt, Credentials: store})
		require.NoError(t, err)
		// Another process refreshed and stored its token after this run loaded the credential.
		store.mu.Lock()
		store.data["acmeOAuth2Api"] = map[string]any{"clientId": "c", "clientSecret": clientSecret,
			"oauthTokenData": map[string]any{"access_token": "elsewhere-TOKEN", "refresh_token": givenRefresh}}
		store.mu.Unlock()
		res, err := p.Execute(context.Background(), nil)
		require.NoError(t, err)
		require.Nil(t, res.Err)
		tok, api := srv.split()
		assert.Empty(t, tok, "no refresh")
		require.Len(t, api, 2)
		assert.Equal(t, "Bearer elsewhere-TOKEN", api[1].Header.Get("Authorization"))
	})
	t.Run("refreshed before the first request when the stamp says it expired", func(t *testing.T) {
		t.Parallel()
		srv := newOAuthServer(t)
		nt := oauthNode(t, srv.URL, "authorizationCode", "")
		e, _ := newEngine(t)
		past := fmt.Sprint(time.Now().Add(-time.Hour).UnixMilli())
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: staticCreds("acmeOAuth2Api", map[string]any{
			"clientId": "c", "clientSecret": clientSecret, "oauthTokenData": tokenData(map[string]any{"n8n_expires_at": past})})})
		tok, api := srv.split()
		assert.Len(t, tok, 1)
		require.Len(t, api, 1, "no request with the expired token")
		assert.Equal(t, "Bearer at-1-issued", api[0].Header.Get("Authorization"))
	})
	t.Run("PKCE: public client refreshes with client_id in the form", func(t *testing.T) {
		t.Parallel()
		srv := newOAuthServer(t)
		nt := oauthNode(t, srv.URL, "pkce", "")
		e, _ := newEngine(t)
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: staticCreds("acmeOAuth2Api", map[string]any{
			"clientId": "public-app", "oauthTokenData": tokenData(nil)})})
		tok, _ := srv.split()
		require.Len(t, tok, 1)
		assert.Empty(t, tok[0].Header.Get("Authorization"))
		assert.Equal(t, "refresh_token="+givenRefresh+"&grant_type=refresh_token&client_id=public-app", string(tok[0].Body))
	})
	t.Run("body client auth on refresh", func(t *testing.T) {
		t.Parallel()
		srv := newOAuthServer(t)
		nt := oauthNode(t, srv.URL, "authorizationCode", "")
		e, _ := newEngine(t)
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: staticCreds("acmeOAuth2Api", map[string]any{
			"clientId": "c", "clientSecret": clientSecret, "authentication": "body", "oauthTokenData": tokenData(nil)})})
		tok, _ := srv.split()
		require.Len(t, tok, 1)
		assert.Empty(t, tok[0].Header.Get("Authorization"))
		assert.Equal(t, "refresh_token="+givenRefresh+"&grant_type=refresh_token&client_id=c&client_secret="+clientSecret, string(tok[0].Body))
	})
	t.Run("no refresh token: the 401 stands, one API request", func(t *testing.T) {
		t.Parallel()
		srv := newOAuthServer(t)
		nt := oauthNode(t, srv.URL, "authorizationCode", "")
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt, Credentials: staticCreds("acmeOAuth2Api", map[string]any{
			"clientId": "c", "clientSecret": clientSecret, "oauthTokenData": map[string]any{"access_token": givenAccess}})})
		require.NotNil(t, res.Err)
		assert.Equal(t, credentials.ErrNoRefreshToken.Error(), res.Err.Message)
		assert.Len(t, srv.requests(), 1)
	})
	t.Run("a refresh token the server refuses asks to reconnect", func(t *testing.T) {
		t.Parallel()
		srv := newOAuthServer(t)
		srv.refreshTokens = map[string]bool{}
		nt := oauthNode(t, srv.URL, "authorizationCode", "")
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt, Credentials: staticCreds("acmeOAuth2Api", map[string]any{
			"clientId": "c", "clientSecret": clientSecret, "oauthTokenData": tokenData(nil)})})
		require.NotNil(t, res.Err)
		assert.Equal(t, `The credential of type "acmeOAuth2Api" needs to be reconnected.`, res.Err.Message)
		_, api := srv.split()
		assert.Len(t, api, 1, "not resent without a new token")
	})
	t.Run("not connected fails before any request", func(t *testing.T) {
		t.Parallel()
		srv := newOAuthServer(t)
		nt := oauthNode(t, srv.URL, "authorizationCode", "")
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt, Credentials: staticCreds("acmeOAuth2Api", map[string]any{"clientId": "c", "clientSecret": clientSecret})})
		require.NotNil(t, res.Err)
		assert.Contains(t, res.Err.Description, "OAuth credentials not connected")
		assert.Empty(t, srv.requests())
	})
	t.Run("tokenExpiredStatusCode 403 renews on 403", func(t *testing.T) {
		t.Parallel()
		srv := newOAuthServer(t)
		srv.expiredStatus = 403
		nt := oauthNode(t, srv.URL, "authorizationCode", "")
		e, _ := newEngine(t)
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: staticCreds("acmeOAuth2Api", map[string]any{
			"clientId": "c", "clientSecret": clientSecret, "tokenExpiredStatusCode": 403.0, "oauthTokenData": tokenData(nil)})})
		tok, api := srv.split()
		assert.Len(t, tok, 1)
		assert.Len(t, api, 2)
	})
	t.Run("a token type other than bearer goes in the query", func(t *testing.T) {
		t.Parallel()
		srv := newOAuthServer(t)
		srv.accept(givenAccess)
		nt := oauthNode(t, srv.URL, "authorizationCode", "")
		e, _ := newEngine(t)
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: staticCreds("acmeOAuth2Api", map[string]any{
			"clientId": "c", "oauthTokenData": tokenData(map[string]any{"token_type": "mac"})})})
		got := srv.only(t)
		assert.Equal(t, "access_token="+givenAccess, got.RawQuery)
		assert.Empty(t, got.Header.Get("Authorization"))
		assert.Equal(t, "no-store", got.Header.Get("Cache-Control"))
	})
	t.Run("a failed write-back fails the item that refreshed, the token stays in use", func(t *testing.T) {
		t.Parallel()
		srv := newOAuthServer(t)
		nt := oauthNode(t, srv.URL, "clientCredentials", "")
		e, _ := newEngine(t)
		store := newUpdatingStore("acmeOAuth2Api", map[string]any{"clientId": "c", "clientSecret": clientSecret})
		store.fail = errors.New("database is read-only")
		res := execute(t, e, runtime.Run{Node: nt, Credentials: store})
		require.NotNil(t, res.Err)
		assert.Contains(t, res.Err.Message, "database is read-only")
		store.fail = nil
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: store})
		tok, _ := srv.split()
		assert.Len(t, tok, 1, "the token obtained is not lost")
	})
}

func TestOAuth2TokensNeverPrinted(t *testing.T) {
	t.Parallel()
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, c captured) {
		if r.URL.Path == "/token" {
			writeJSON(w, 200, map[string]any{"access_token": "fresh-ACCESS-7777", "refresh_token": "fresh-REFRESH-8888", "expires_in": 3600})
			return
		}
		// An API that echoes the credential in its error.
		writeJSON(w, 400, map[string]any{"message": "bad request with " + r.Header.Get("Authorization")})
	})
	nt := oauthNode(t, srv.URL, "clientCredentials", "")
	var logs bytes.Buffer
	e, _ := newEngine(t)
	e.Logger = zerolog.New(&logs).Level(zerolog.DebugLevel)
	creds := staticCreds("acmeOAuth2Api", map[string]any{"clientId": "c", "clientSecret": clientSecret})
	res := execute(t, e, runtime.Run{Node: nt, Credentials: creds})
	require.NotNil(t, res.Err)
	assert.Contains(t, res.Err.Description, "Bearer "+credentials.Mask)
	p, err := e.Prepare(context.Background(), runtime.Run{Node: nt, Credentials: creds})
	require.NoError(t, err)
	dry := p.DryRun(context.Background(), nil)
	require.Len(t, dry, 1)
	assert.Equal(t, "Bearer "+credentials.Mask, dry[0].Headers["Authorization"])
	all := logs.String() + fmt.Sprint(res.Err, res.Err.Description, res.Err.Body) + fmt.Sprint(dry)
	for _, secret := range []string{"fresh-ACCESS-7777", "fresh-REFRESH-8888", clientSecret} {
		assert.NotContains(t, all, secret)
	}
	assert.Contains(t, logs.String(), "obtaining an OAuth2 access token")
}

func TestOAuth2DryRunSendsNothing(t *testing.T) {
	t.Parallel()
	srv := newOAuthServer(t)
	nt := oauthNode(t, srv.URL, "clientCredentials", "")
	e, _ := newEngine(t)
	p, err := e.Prepare(context.Background(), runtime.Run{Node: nt, Credentials: staticCreds("acmeOAuth2Api", map[string]any{"clientId": "c", "clientSecret": clientSecret})})
	require.NoError(t, err)
	dry := p.DryRun(context.Background(), nil)
	require.Len(t, dry, 1)
	assert.Equal(t, "Bearer "+credentials.Mask, dry[0].Headers["Authorization"])
	assert.Empty(t, srv.requests())
}

func TestRefusedRequestResentOnce(t *testing.T) {
	t.Parallel()
	// n8n resends a 401 once for every credential type (recorded:
	// testdata/oauth-preauth/npm-401-*.out.json); the second answer stands.
	auth := `{"headers":{"X-Token":"={{$credentials.token}}"}}`
	t.Run("always 401: two requests, the error of the second", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int32
		srv := newRecorder(t, func(w http.ResponseWriter, _ *http.Request, _ captured) {
			writeJSON(w, 401, map[string]any{"message": fmt.Sprintf("refusal %d", n.Add(1))})
		})
		nt := credNode(t, srv.URL, true, `{"baseURL":"@URL@"}`, `[]`, auth)
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt, Credentials: staticCreds("testApi", map[string]any{"token": secretToken})})
		require.NotNil(t, res.Err)
		assert.Len(t, srv.requests(), 2)
		assert.Equal(t, "401", res.Err.HTTPCode)
		assert.Equal(t, "refusal 2", res.Err.Description)
	})
	t.Run("401 then 200 succeeds", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int32
		srv := newRecorder(t, func(w http.ResponseWriter, _ *http.Request, _ captured) {
			if n.Add(1) == 1 {
				writeJSON(w, 401, map[string]any{})
				return
			}
			writeJSON(w, 200, map[string]any{"name": "ok"})
		})
		nt := credNode(t, srv.URL, true, `{"baseURL":"@URL@","method":"POST"}`,
			`[{"displayName":"A","name":"a","type":"string","default":"x","routing":{"send":{"type":"body","property":"a"}}}]`, auth)
		e, _ := newEngine(t)
		res := mustSucceed(t, e, runtime.Run{Node: nt, Credentials: staticCreds("testApi", map[string]any{"token": secretToken})})
		assert.Equal(t, []any{map[string]any{"name": "ok"}}, jsons(res.Items))
		reqs := srv.requests()
		require.Len(t, reqs, 2)
		assert.Equal(t, reqs[0].Body, reqs[1].Body, "the body is sent again")
		assert.Equal(t, secretToken, reqs[1].Header.Get("X-Token"))
	})
	t.Run("without a credential a 401 is not resent", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, func(w http.ResponseWriter, _ *http.Request, _ captured) { writeJSON(w, 401, map[string]any{}) })
		nt := credNode(t, srv.URL, false, `{"baseURL":"@URL@"}`, `[]`, auth)
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt, Credentials: credentials.Map{}})
		require.NotNil(t, res.Err)
		assert.Len(t, srv.requests(), 1)
	})
}
