package runtime_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// Credentials, reference §5 (C1-C4), and secret handling.

const secretToken = "tok-SECRET-1234"

// credType is a generic-authenticate credential type; authenticate is the
// JSON of its "properties".
func credType(authenticate string) string {
	return `{"name":"testApi","displayName":"Test API","properties":[
	  {"displayName":"URL","name":"url","type":"string","default":""},
	  {"displayName":"Token","name":"token","type":"string","typeOptions":{"password":true},"default":""},
	  {"displayName":"Region","name":"region","type":"string","default":"eu"},
	  {"displayName":"N","name":"n","type":"number","default":0},
	  {"displayName":"User","name":"user","type":"string","default":""}],
	 "authenticate":{"type":"generic","properties":` + authenticate + `}}`
}

// credNode is a node using the testApi credential; required as given.
func credNode(t testing.TB, url string, required bool, defaults, props, authenticate string) *runtime.NodeType {
	t.Helper()
	req := "false"
	if required {
		req = "true"
	}
	return nodeTypeJSON(t, url, `{"displayName":"Test Node","name":"testNode","version":1,
	  "credentials":[{"name":"testApi","required":`+req+`}],
	  "requestDefaults":`+defaults+`,"properties":`+props+`}`, credType(authenticate))
}

// countingStore counts credential loads.
type countingStore struct {
	credentials.Map
	calls atomic.Int32
}

func (s *countingStore) Credential(ctx context.Context, name string) (map[string]any, error) {
	s.calls.Add(1)
	return s.Map.Credential(ctx, name)
}

func TestCredentialLoading(t *testing.T) {
	t.Parallel()
	auth := `{"headers":{"X-Token":"={{$credentials.token}}","X-Region":"={{$credentials.region}}"}}`
	t.Run("C1 required credential missing fails the node [v]", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, nil)
		nt := credNode(t, srv.URL, true, `{"baseURL":"@URL@"}`, `[]`, auth)
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt})
		require.NotNil(t, res.Err)
		assert.Equal(t, "Node does not have any credentials set", res.Err.Message)
		assert.Equal(t, runtime.NameNodeOperationError, res.Err.Name)
		assert.Equal(t, -1, res.Err.ItemIndex, "a whole-node failure")
		assert.ErrorIs(t, res.Err, credentials.ErrNotFound)
		assert.Empty(t, srv.requests())
	})
	t.Run("C1 optional credential missing sends unauthenticated [v]", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, nil)
		nt := credNode(t, srv.URL, false, `{"baseURL":"@URL@"}`, `[]`, auth)
		e, _ := newEngine(t)
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: credentials.Map{}})
		assert.NotContains(t, srv.only(t).Header, "X-Token")
	})
	t.Run("C1 loaded once, defaults applied, expressions resolved", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, nil)
		nt := credNode(t, srv.URL, true, `{"baseURL":"={{$credentials.url}}","headers":{"X-Cred-Url":"={{ $credentials.url.length > 0 }}"}}`, `[]`, auth)
		store := &countingStore{Map: credentials.Map{"testApi": {"url": srv.URL, "token": "={{ 'tok-' + 'expr' }}"}}}
		e, _ := newEngine(t)
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: store, Items: items(t, `{}`, `{}`, `{}`)})
		assert.EqualValues(t, 1, store.calls.Load())
		for _, r := range srv.requests() {
			assert.Equal(t, "tok-expr", r.Header.Get("X-Token"))
			assert.Equal(t, "eu", r.Header.Get("X-Region"), "the credential type's default")
			assert.Equal(t, "true", r.Header.Get("X-Cred-Url"), "$credentials in requestDefaults")
		}
	})
}

func TestGenericAuthenticate(t *testing.T) {
	t.Parallel()
	data := map[string]any{"token": secretToken, "n": 0.0, "user": "ann"}
	cases := []struct {
		name     string
		auth     string
		defaults string
		props    string
		check    func(t *testing.T, got captured)
	}{
		{name: "C2 header from $credentials", auth: `{"headers":{"X-Token":"={{$credentials.token}}"}}`,
			defaults: `{"baseURL":"@URL@"}`,
			check: func(t *testing.T, got captured) {
				assert.Equal(t, []string{secretToken}, got.Header.Values("X-Token"))
			}},
		{name: "C2 falsy values become empty strings [v]", auth: `{"headers":{"X-Num":"={{$credentials.n}}","X-False":"={{ false }}","X-Null":"={{ null }}"}}`,
			defaults: `{"baseURL":"@URL@"}`,
			check: func(t *testing.T, got captured) {
				assert.Equal(t, []string{""}, got.Header.Values("X-Num"))
				assert.Equal(t, []string{""}, got.Header.Values("X-False"))
				assert.Equal(t, []string{""}, got.Header.Values("X-Null"))
			}},
		{name: "C2 header names differing in case are both sent", auth: `{"headers":{"X-Token":"={{$credentials.token}}"}}`,
			defaults: `{"baseURL":"@URL@","headers":{"x-token":"from-node"}}`,
			check: func(t *testing.T, got captured) {
				assert.ElementsMatch(t, []string{"from-node", secretToken}, got.Header.Values("X-Token"))
			}},
		{name: "C2 the same spelling is overwritten by the credential", auth: `{"headers":{"X-Token":"={{$credentials.token}}"}}`,
			defaults: `{"baseURL":"@URL@","headers":{"X-Token":"from-node"}}`,
			check: func(t *testing.T, got captured) {
				assert.Equal(t, []string{secretToken}, got.Header.Values("X-Token"))
			}},
		{name: "C2 query key after the node's query", auth: `{"qs":{"api_key":"={{$credentials.token}}"}}`,
			defaults: `{"baseURL":"@URL@","qs":{"a":"1"}}`,
			check: func(t *testing.T, got captured) {
				assert.Equal(t, "a=1&api_key="+secretToken, got.RawQuery)
			}},
		{name: "C2 body merged into a POST body", auth: `{"body":{"token":"={{$credentials.token}}"}}`,
			defaults: `{"baseURL":"@URL@","method":"POST"}`,
			props:    `[{"displayName":"A","name":"a","type":"string","default":"x","routing":{"send":{"type":"body","property":"a"}}}]`,
			check: func(t *testing.T, got captured) {
				assert.JSONEq(t, `{"a":"x","token":"`+secretToken+`"}`, string(got.Body))
			}},
		{name: "C2 body survives a GET with no method (applied after empty-body removal)", auth: `{"body":{"token":"={{$credentials.token}}"}}`,
			defaults: `{"baseURL":"@URL@"}`,
			check: func(t *testing.T, got captured) {
				assert.Equal(t, "GET", got.Method)
				assert.JSONEq(t, `{"token":"`+secretToken+`"}`, string(got.Body))
			}},
		{name: "C2 body dropped on an explicit GET", auth: `{"body":{"token":"={{$credentials.token}}"}}`,
			defaults: `{"baseURL":"@URL@","method":"GET"}`,
			check: func(t *testing.T, got captured) {
				assert.Empty(t, got.Body)
			}},
		{name: "R7 requestDefaults auth is HTTP Basic too", auth: `{}`,
			defaults: `{"baseURL":"@URL@","auth":{"username":"u","password":"={{ $credentials.token }}"}}`,
			check: func(t *testing.T, got captured) {
				want := "Basic " + base64.StdEncoding.EncodeToString([]byte("u:"+secretToken))
				assert.Equal(t, want, got.Header.Get("Authorization"))
			}},
		{name: "C2 auth is HTTP Basic", auth: `{"auth":{"username":"={{$credentials.user}}","password":"={{$credentials.token}}"}}`,
			defaults: `{"baseURL":"@URL@"}`,
			check: func(t *testing.T, got captured) {
				want := "Basic " + base64.StdEncoding.EncodeToString([]byte("ann:"+secretToken))
				assert.Equal(t, want, got.Header.Get("Authorization"))
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, nil)
			props := tc.props
			if props == "" {
				props = `[]`
			}
			nt := credNode(t, srv.URL, true, tc.defaults, props, tc.auth)
			e, _ := newEngine(t)
			mustSucceed(t, e, runtime.Run{Node: nt, Credentials: staticCreds("testApi", data)})
			tc.check(t, srv.only(t))
		})
	}
}

func TestCredentialTest(t *testing.T) {
	t.Parallel()
	typ := `{"name":"testApi","displayName":"Test API","properties":[
	  {"displayName":"URL","name":"url","type":"string","default":""},
	  {"displayName":"Token","name":"token","type":"string","typeOptions":{"password":true},"default":""}],
	 "authenticate":{"type":"generic","properties":{"headers":{"X-Token":"={{$credentials.token}}"}}},
	 "test":{"request":{"baseURL":"={{$credentials.url}}","url":"/me"},"rules":[
	   {"type":"responseCode","properties":{"value":401,"message":"The token is wrong"}},
	   {"type":"responseSuccessBody","properties":{"key":"account.status","value":"disabled","message":"The account is disabled"}}]}}`
	cases := []struct {
		name    string
		status  int
		body    any
		refused bool
		wantOK  bool
		wantMsg string
	}{
		{name: "C4 2xx without a matching rule is OK", status: 200, body: map[string]any{"account": map[string]any{"status": "active"}},
			wantOK: true, wantMsg: "Connection successful!"},
		{name: "C4 responseSuccessBody rule", status: 200, body: map[string]any{"account": map[string]any{"status": "disabled"}},
			wantMsg: "The account is disabled"},
		{name: "C4 responseCode rule", status: 401, body: map[string]any{"message": "no"}, wantMsg: "The token is wrong"},
		{name: "C4 other status gives its status text", status: 500, body: map[string]any{}, wantMsg: "Internal Server Error"},
		{name: "C4 unknown status", status: 499, body: map[string]any{}, wantMsg: "Received HTTP status code: 499"},
		{name: "C4 network error gives its code", refused: true, wantMsg: "ECONNREFUSED"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, func(w http.ResponseWriter, _ *http.Request, _ captured) { writeJSON(w, tc.status, tc.body) })
			url := srv.URL
			if tc.refused {
				url = refusedURL(t)
			}
			nt := nodeTypeJSON(t, srv.URL, `{"displayName":"Test Node","name":"testNode","version":1,
			  "credentials":[{"name":"testApi","required":true}],"requestDefaults":{},"properties":[]}`, typ)
			e, _ := newEngine(t)
			got, err := e.TestCredential(context.Background(), nt, "testApi",
				staticCreds("testApi", map[string]any{"url": url, "token": secretToken}))
			require.NoError(t, err)
			assert.Equal(t, tc.wantOK, got.OK)
			assert.Contains(t, got.Message, tc.wantMsg)
			if !tc.refused {
				reqs := srv.requests()
				want := 1
				if tc.status == 401 {
					want = 2 // n8n authenticates again and resends a refused request once (C3)
				}
				require.Len(t, reqs, want)
				for _, req := range reqs {
					assert.Equal(t, "/me", req.Path)
					assert.Equal(t, secretToken, req.Header.Get("X-Token"), "authenticate applies to the test request")
				}
			}
		})
	}
	t.Run("C4 a type without a test cannot be tested", func(t *testing.T) {
		nt := credNode(t, "http://x", true, `{}`, `[]`, `{}`)
		e, _ := newEngine(t)
		_, err := e.TestCredential(context.Background(), nt, "testApi", credentials.Map{})
		require.ErrorContains(t, err, "defines no test request")
	})
}

func TestDryRunMasksSecrets(t *testing.T) {
	t.Parallel()
	nt := credNode(t, "http://api.example", true, `{"baseURL":"@URL@","method":"POST"}`,
		`[{"displayName":"A","name":"a","type":"string","default":"x","routing":{"send":{"type":"body","property":"a"}}}]`,
		`{"headers":{"X-Token":"={{$credentials.token}}"},"qs":{"key":"={{$credentials.token}}"},"body":{"t":"={{$credentials.token}}"}}`)
	e, _ := newEngine(t)
	p, err := e.Prepare(context.Background(), runtime.Run{Node: nt, Credentials: staticCreds("testApi", map[string]any{"token": secretToken})})
	require.NoError(t, err)
	dry := p.DryRun(context.Background(), nil)
	require.Len(t, dry, 1)
	d := dry[0]
	assert.Equal(t, "POST", d.Method)
	assert.Equal(t, "http://api.example?key="+credentials.Mask, d.URL)
	assert.Equal(t, credentials.Mask, d.Headers["X-Token"])
	assert.Equal(t, map[string]any{"a": "x", "t": credentials.Mask}, d.Body)
	assert.NotContains(t, mustJSON(t, dry), secretToken)
}

func TestSecretsNeverInErrors(t *testing.T) {
	t.Parallel()
	echo := func(w http.ResponseWriter, r *http.Request, _ captured) {
		writeJSON(w, 401, map[string]any{
			"message": "token " + r.Header.Get("X-Token") + " is revoked",
			"error":   map[string]any{"token": r.Header.Get("X-Token")},
		})
	}
	auth := `{"headers":{"X-Token":"={{$credentials.token}}"}}`
	creds := staticCreds("testApi", map[string]any{"token": secretToken})

	t.Run("F4 a server echoing the token in its error body", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, echo)
		nt := credNode(t, srv.URL, true, `{"baseURL":"@URL@"}`, `[]`, auth)
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt, Credentials: creds})
		require.NotNil(t, res.Err)
		assert.Equal(t, "Authorization failed - please check your credentials", res.Err.Message)
		assert.Equal(t, "token "+credentials.Mask+" is revoked", res.Err.Description)
		assert.NotContains(t, res.Err.Error(), secretToken)
		assert.NotContains(t, mustJSON(t, res.Err.Info()), secretToken)
		assert.NotContains(t, mustJSON(t, res.Err.Body), secretToken)
	})
	t.Run("F2 the same as a continue-on-fail item", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, echo)
		nt := credNode(t, srv.URL, true, `{"baseURL":"@URL@"}`, `[]`, auth)
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt, Credentials: creds, Settings: node.Settings{ContinueOnFail: true}})
		require.Nil(t, res.Err)
		assert.NotContains(t, mustJSON(t, res.Items), secretToken)
	})
	t.Run("a token in the query never reaches a network error", func(t *testing.T) {
		t.Parallel()
		var loop *recorder
		loop = newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
			http.Redirect(w, r, loop.URL+r.URL.Path+"?"+r.URL.RawQuery, http.StatusFound)
		})
		nt := credNode(t, loop.URL, true, `{"baseURL":"@URL@"}`, `[]`, `{"qs":{"key":"={{$credentials.token}}"}}`)
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt, Credentials: creds})
		require.NotNil(t, res.Err)
		assert.Contains(t, res.Err.Message, "Maximum number of redirects")
		assert.NotContains(t, res.Err.Error(), secretToken)
		assert.NotContains(t, mustJSON(t, res.Err.Info()), secretToken)
	})
	t.Run("a token in the query never reaches the log", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, func(w http.ResponseWriter, _ *http.Request, c captured) {
			if c.N == 0 {
				writeJSON(w, 503, map[string]any{"message": "busy"})
				return
			}
			writeJSON(w, 200, map[string]any{"ok": true})
		})
		logs := &syncWriter{w: &bytes.Buffer{}}
		nt := credNode(t, srv.URL, true, `{"baseURL":"@URL@"}`, `[]`, `{"qs":{"key":"={{$credentials.token}}"}}`)
		e, _ := newEngine(t)
		e.Logger = zerolog.New(logs).Level(zerolog.DebugLevel)
		e.Retry = runtime.RetryPolicy{}
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: creds})
		assert.Len(t, srv.requests(), 2)
		assert.Contains(t, logs.String(), "retrying request")
		assert.Contains(t, logs.String(), "key="+credentials.Mask)
		assert.NotContains(t, logs.String(), secretToken)
	})
}

// refusedURL returns the URL of a port nothing listens on.
func refusedURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

// syncWriter serialises writes from concurrent loggers.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
}
