package runtime_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/runtime"
)

// URL mapping (issue 17 item 7): a node with a fixed host pointed at a
// local server, every request of the run included, credentials bound to
// the hosts before mapping.

func TestParseURLMapping(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		want    runtime.URLMapping
		wantErr string
	}{
		{in: "https://registry.npmjs.org=http://127.0.0.1:4873", want: runtime.URLMapping{From: "https://registry.npmjs.org", To: "http://127.0.0.1:4873"}},
		{in: " https://a.example.com/v1/ = http://localhost/sandbox ", want: runtime.URLMapping{From: "https://a.example.com/v1/", To: "http://localhost/sandbox"}},
		{in: "https://registry.npmjs.org", wantErr: `URL mapping "https://registry.npmjs.org": want FROM=TO`},
		{in: "registry.npmjs.org=http://localhost", wantErr: `URL mapping From "registry.npmjs.org": not an absolute http or https URL`},
		{in: "https://a.example.com=", wantErr: `URL mapping To "": not an absolute http or https URL`},
		{in: "ftp://a.example.com=http://localhost", wantErr: `From "ftp://a.example.com": not an absolute http or https URL`},
		{in: "https://a.example.com=http://user:pw@localhost", wantErr: `To "http://user:pw@localhost": holds user info`},
		{in: "https://a.example.com?x=1=http://localhost", wantErr: `From "https://a.example.com?x": holds a query or fragment`},
		{in: "https://a.example.com=http://localhost/#top", wantErr: `To "http://localhost/#top": holds a query or fragment`},
		{in: "https://a.example.com=http://local host", wantErr: `To "http://local host": not a URL`},
		{in: "https://a.example.com=http://:8080", wantErr: `To "http://:8080": not an absolute http or https URL`},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			got, err := runtime.ParseURLMapping(c.in)
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.wantErr)
				var me *runtime.URLMappingError
				assert.True(t, errors.As(err, &me), "a *URLMappingError")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestEngineRefusesInvalidMapURLs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		maps    []runtime.URLMapping
		wantErr string
	}{
		{"a relative From", []runtime.URLMapping{{From: "/v1", To: "http://localhost"}}, `Engine.MapURLs[0] From "/v1": not an absolute http or https URL`},
		{"the same From twice", []runtime.URLMapping{{From: "https://a.example.com/", To: "http://localhost:1"}, {From: "HTTPS://A.example.com:443", To: "http://localhost:2"}},
			`Engine.MapURLs[1] From "HTTPS://A.example.com:443": is mapped already, to http://localhost:1`},
		{"a chain", []runtime.URLMapping{{From: "https://a.example.com", To: "https://b.example.com/x"}, {From: "https://b.example.com", To: "http://localhost"}},
			`Engine.MapURLs[0] To "https://b.example.com/x": lies under the From https://b.example.com, which is mapped itself; mappings do not chain`},
		{"a To under its own From", []runtime.URLMapping{{From: "https://a.example.com", To: "https://a.example.com/sandbox"}},
			`Engine.MapURLs[0] To "https://a.example.com/sandbox": lies under the From https://a.example.com, which`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, nil)
			e, _ := newEngine(t)
			e.MapURLs = c.maps
			nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, `[]`)
			_, err := e.Execute(context.Background(), runtime.Run{Node: nt})
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.wantErr)
			var me *runtime.URLMappingError
			assert.True(t, errors.As(err, &me))
			assert.Empty(t, srv.requests(), "nothing is sent")
			assert.Equal(t, me, runtime.CheckURLMappings(c.maps), "CheckURLMappings finds the same")
		})
	}
}

// pathNode is a node whose fixed base URL is baseURL and whose path
// parameter "path" is its request URL (relative or absolute).
func pathNode(t *testing.T, baseURL string) string {
	return `{"displayName":"Test Node","name":"testNode","version":1,
	  "requestDefaults":{"baseURL":"` + baseURL + `"},
	  "properties":[{"displayName":"Path","name":"path","type":"string","default":"/","routing":{"request":{"url":"={{$value}}"}}}]}`
}

func TestMapURLSendsToTheMappedServer(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		baseURL  string
		path     string
		maps     []runtime.URLMapping // "@URL@" in To is the server
		wantPath string               // the path and query the server saw
	}{
		{"a fixed https host to the loopback server", "https://registry.npmjs.org", "/express?x=1",
			[]runtime.URLMapping{{From: "https://registry.npmjs.org", To: "@URL@"}}, "/express?x=1"},
		{"an escaped path keeps its escapes", "https://registry.npmjs.org", "/@scope%2fpkg",
			[]runtime.URLMapping{{From: "https://registry.npmjs.org/", To: "@URL@/"}}, "/@scope%2fpkg"},
		{"a path prefix is replaced", "https://api.example.com/v1", "/users",
			[]runtime.URLMapping{{From: "https://api.example.com/v1", To: "@URL@/sandbox/v2"}}, "/sandbox/v2/users"},
		{"the longest From wins, whatever the order", "https://api.example.com", "/v1/users",
			[]runtime.URLMapping{{From: "https://api.example.com", To: "@URL@/all"}, {From: "https://api.example.com/v1", To: "@URL@/one"}}, "/one/users"},
		{"/v1 does not cover /v10", "https://api.example.com", "/v10/users",
			[]runtime.URLMapping{{From: "https://api.example.com/v1", To: "@URL@/one"}, {From: "https://api.example.com", To: "@URL@/all"}}, "/all/v10/users"},
		{"host case and default port do not matter", "HTTPS://API.Example.com:443", "/x",
			[]runtime.URLMapping{{From: "https://api.example.com", To: "@URL@"}}, "/x"},
		{"an absolute URL from the item on the mapped host", "https://api.example.com", "https://api.example.com/abs?q=2",
			[]runtime.URLMapping{{From: "https://api.example.com", To: "@URL@"}}, "/abs?q=2"},
		{"an unmapped base URL is left alone", "@URL@", "/plain",
			[]runtime.URLMapping{{From: "https://api.example.com", To: "http://127.0.0.1:1"}}, "/plain"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, nil)
			e, _ := newEngine(t)
			for _, m := range c.maps {
				e.MapURLs = append(e.MapURLs, runtime.URLMapping{From: m.From, To: strings.ReplaceAll(m.To, "@URL@", srv.URL)})
			}
			nt := nodeTypeJSON(t, srv.URL, pathNode(t, c.baseURL))
			mustSucceed(t, e, runtime.Run{Node: nt, Parameters: map[string]any{"path": c.path}})
			got := srv.only(t)
			path := got.RequestURI
			assert.Equal(t, c.wantPath, path)
			assert.Equal(t, strings.TrimPrefix(srv.URL, "http://"), got.Host, "the Host header is the mapped server's")
		})
	}
}

func TestMapURLPagination(t *testing.T) {
	t.Parallel()
	const fixed = "https://api.example.com"
	cases := []struct {
		name string
		next string // the next link page 1 answers; "@URL@" is the server, "@OTHER@" another host
		// wantErr is empty when both pages are fetched from the server.
		wantErr string
	}{
		{"a relative next link", "/page2", ""},
		{"an absolute next link on the fixed host is mapped", fixed + "/page2", ""},
		{"the mock's own absolute link is judged as the URL it stands for", "@URL@/page2", ""},
		{"a link to another host is still refused", "@OTHER@/page2", "Domain not allowed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			other := newRecorder(t, nil)
			var srv *recorder
			srv = newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
				if r.URL.Path == "/page2" {
					writeJSON(w, 200, map[string]any{"items": []any{2}})
					return
				}
				next := strings.NewReplacer("@URL@", srv.URL, "@OTHER@", localhostURL(other)).Replace(c.next)
				writeJSON(w, 200, map[string]any{"items": []any{1}, "next": next})
			})
			nt := nodeTypeJSON(t, srv.URL, `{"displayName":"T","name":"t","version":1,"credentials":[{"name":"testApi","required":true}],
			  "requestDefaults":{"baseURL":"`+fixed+`"},
			  "requestOperations":{"pagination":{"type":"generic","properties":{"continue":"={{ !!$response.body.next }}","request":{"url":"={{ $response.body?.next ?? '/page1' }}"}}}},
			  "properties":[{"displayName":"All","name":"all","type":"boolean","default":true,"routing":{"send":{"paginate":true},"output":{"postReceive":[{"type":"rootProperty","properties":{"property":"items"}}]}}}]}`,
				credType(`{"headers":{"X-Token":"={{$credentials.token}}"}}`))
			e, _ := newEngine(t)
			e.MapURLs = []runtime.URLMapping{{From: fixed, To: srv.URL}}
			res := execute(t, e, runtime.Run{Node: nt, Credentials: staticCreds("testApi", map[string]any{"token": secretToken})})
			assert.Empty(t, other.requests(), "nothing reaches the other host")
			if c.wantErr != "" {
				require.NotNil(t, res.Err)
				assert.Contains(t, res.Err.Message, c.wantErr)
				assert.Len(t, srv.requests(), 1)
				return
			}
			require.Nil(t, res.Err)
			assert.Len(t, res.Items, 2)
			reqs := srv.requests()
			require.Len(t, reqs, 2)
			assert.Equal(t, []string{"/page1", "/page2"}, []string{reqs[0].Path, reqs[1].Path})
			for _, r := range reqs {
				assert.Equal(t, secretToken, r.Header.Get("X-Token"))
			}
		})
	}
}

func TestMapURLCredentialBindingJudgesTheOriginalURL(t *testing.T) {
	t.Parallel()
	auth := `{"headers":{"X-Token":"={{$credentials.token}}"}}`
	urlProp := `[{"displayName":"U","name":"u","type":"string","default":"","routing":{"request":{"url":"={{ $value }}"}}}]`
	cases := []struct {
		name    string
		baseURL string // "@URL@" is the server at 127.0.0.1
		url     string // the item's URL; "@OTHER@" is another server
		maps    []runtime.URLMapping
		cred    map[string]any
		sentTo  string // "server", "other" or "" (refused)
	}{
		{"the fixed host mapped: an absolute URL on it is allowed", "https://api.example.com", "https://api.example.com/ok",
			[]runtime.URLMapping{{From: "https://api.example.com", To: "@URL@"}}, nil, "server"},
		{"a URL on another host that maps onto the base server is still refused", "@URL@", "https://evil.example.com/steal",
			[]runtime.URLMapping{{From: "https://evil.example.com", To: "@URL@"}}, nil, ""},
		{"an unmapped other host is refused", "https://api.example.com", "@OTHER@/steal",
			[]runtime.URLMapping{{From: "https://api.example.com", To: "@URL@"}}, nil, ""},
		{"allowed domains name original hosts", "https://api.example.com", "https://files.example.com/ok",
			[]runtime.URLMapping{{From: "https://api.example.com", To: "@URL@"}, {From: "https://files.example.com", To: "@OTHER@"}},
			map[string]any{"allowedHttpRequestDomains": "domains", "allowedDomains": "files.example.com"}, "other"},
		{"a mapped host not in allowed domains is refused", "https://api.example.com", "https://files.example.com/ok",
			[]runtime.URLMapping{{From: "https://api.example.com", To: "@URL@"}, {From: "https://files.example.com", To: "@OTHER@"}},
			map[string]any{"allowedHttpRequestDomains": "domains", "allowedDomains": "localhost"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, nil)
			other := newRecorder(t, nil)
			repl := strings.NewReplacer("@URL@", srv.URL, "@OTHER@", localhostURL(other))
			e, _ := newEngine(t)
			for _, m := range c.maps {
				e.MapURLs = append(e.MapURLs, runtime.URLMapping{From: m.From, To: repl.Replace(m.To)})
			}
			nt := credNode(t, srv.URL, true, `{"baseURL":"`+repl.Replace(c.baseURL)+`"}`, urlProp, auth)
			data := map[string]any{"token": secretToken}
			for k, v := range c.cred {
				data[k] = v
			}
			res := execute(t, e, runtime.Run{Node: nt, Credentials: staticCreds("testApi", data),
				Parameters: map[string]any{"u": repl.Replace(c.url)}})
			switch c.sentTo {
			case "":
				require.NotNil(t, res.Err)
				assert.Contains(t, res.Err.Message, "Domain not allowed")
				assert.Empty(t, srv.requests(), "nothing is sent")
				assert.Empty(t, other.requests(), "nothing is sent")
			case "server":
				require.Nil(t, res.Err)
				assert.Equal(t, secretToken, srv.only(t).Header.Get("X-Token"))
			case "other":
				require.Nil(t, res.Err)
				assert.Equal(t, secretToken, other.only(t).Header.Get("X-Token"))
			}
		})
	}
}

func TestMapURLRedirects(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		auth     string // the credential's authenticate properties; its header is X-Token or Authorization
		location string // "@URL@" the server, "@OTHER@" another server
		sentTo   string // where /final arrived: "server" or "other"
		token    bool   // whether /final carried the credential
	}{
		{"a redirect to the fixed host is mapped and keeps the credential", `{"headers":{"X-Token":"={{$credentials.token}}"}}`,
			"https://api.example.com/final", "server", true},
		{"an Authorization header, which Go drops for another host name, is kept too", `{"headers":{"Authorization":"=Bearer {{$credentials.token}}"}}`,
			"https://api.example.com/final", "server", true},
		{"a relative redirect stays on the mapped server", `{"headers":{"X-Token":"={{$credentials.token}}"}}`, "/final", "server", true},
		{"a redirect to another host drops the credential", `{"headers":{"X-Token":"={{$credentials.token}}"}}`, "@OTHER@/final", "other", false},
		{"a redirect to another host drops Authorization", `{"headers":{"Authorization":"=Bearer {{$credentials.token}}"}}`, "@OTHER@/final", "other", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			auth := c.auth
			t.Parallel()
			other := newRecorder(t, nil)
			srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
				if r.URL.Path == "/start" {
					w.Header().Set("Location", strings.ReplaceAll(c.location, "@OTHER@", localhostURL(other)))
					w.WriteHeader(http.StatusFound)
					return
				}
				writeJSON(w, 200, map[string]any{"done": true})
			})
			nt := credNode(t, srv.URL, true, `{"baseURL":"https://api.example.com"}`,
				`[{"displayName":"U","name":"u","type":"string","default":"/start","routing":{"request":{"url":"={{ $value }}"}}}]`, auth)
			e, _ := newEngine(t)
			e.MapURLs = []runtime.URLMapping{{From: "https://api.example.com", To: srv.URL}}
			mustSucceed(t, e, runtime.Run{Node: nt, Credentials: staticCreds("testApi", map[string]any{"token": secretToken})})
			final := srv.requests()
			if c.sentTo == "other" {
				final = other.requests()
			}
			require.NotEmpty(t, final)
			last := final[len(final)-1]
			assert.Equal(t, "/final", last.Path)
			got := last.Header.Get("X-Token") + strings.TrimPrefix(last.Header.Get("Authorization"), "Bearer ")
			assert.Equal(t, c.token, got == secretToken, "credential sent: %q", got)
		})
	}
}

func TestMapURLToLinkLocalIsRefused(t *testing.T) {
	t.Parallel()
	var dialled atomic.Bool
	e, _ := newEngine(t)
	// A transport that records any attempt: the refusal comes before it.
	e.Transport = roundTripFunc(func(*http.Request) (*http.Response, error) {
		dialled.Store(true)
		return nil, errors.New("must not be reached")
	})
	e.MapURLs = []runtime.URLMapping{{From: "https://api.example.com", To: "http://169.254.169.254/latest"}}
	nt := nodeTypeJSON(t, "", pathNode(t, "https://api.example.com"))
	res := execute(t, e, runtime.Run{Node: nt, Parameters: map[string]any{"path": "/meta-data"}})
	require.NotNil(t, res.Err)
	assert.Contains(t, res.Err.Message, "169.254.169.254 is a link-local or cloud metadata address")
	assert.False(t, dialled.Load())

	// Mapping a link-local From away to a loopback server is fine: the
	// request never goes to the original host.
	srv := newRecorder(t, nil)
	e2, _ := newEngine(t)
	e2.MapURLs = []runtime.URLMapping{{From: "http://169.254.169.254", To: srv.URL}}
	mustSucceed(t, e2, runtime.Run{Node: nodeTypeJSON(t, "", pathNode(t, "http://169.254.169.254")), Parameters: map[string]any{"path": "/x"}})
	assert.Equal(t, "/x", srv.only(t).Path)
}

func TestMapURLTokenAndPreAuthenticationRequests(t *testing.T) {
	t.Parallel()
	t.Run("the OAuth2 token endpoint", func(t *testing.T) {
		t.Parallel()
		srv := newOAuthServer(t)
		nt := oauthNode(t, "https://auth.example.com", "clientCredentials", "")
		e, _ := newEngine(t)
		e.MapURLs = []runtime.URLMapping{{From: "https://auth.example.com", To: srv.URL}}
		store := newUpdatingStore("acmeOAuth2Api", map[string]any{"clientId": "client-1", "clientSecret": clientSecret})
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: store})
		token, api := srv.split()
		require.Len(t, token, 1)
		require.Len(t, api, 1)
		assert.Equal(t, "Bearer at-1-issued", api[0].Header.Get("Authorization"))
	})
	t.Run("preAuthentication's helper request", func(t *testing.T) {
		t.Parallel()
		srv := newSessionServer(t)
		var calls atomic.Int32
		nt := metabaseLike(t, srv.URL, metabasePreAuth(&calls))
		e, _ := newEngine(t)
		e.MapURLs = []runtime.URLMapping{{From: "https://metabase.example.com", To: srv.URL}}
		store := newUpdatingStore("metabaseLikeApi", map[string]any{"url": "https://metabase.example.com",
			"username": "ann", "password": sessionPassword, "sessionToken": ""})
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: store})
		sessions, api := srv.split()
		require.Len(t, sessions, 1)
		require.Len(t, api, 1)
		assert.Equal(t, "session-1-id", api[0].Header.Get("X-Metabase-Session"))
		assert.EqualValues(t, 1, calls.Load())
	})
}

func TestMapURLDryRunAndLogs(t *testing.T) {
	t.Parallel()
	srv := newRecorder(t, nil)
	var logs bytes.Buffer
	e, _ := newEngine(t)
	e.Logger = zerolog.New(&logs).Level(zerolog.DebugLevel)
	e.MapURLs = []runtime.URLMapping{{From: "https://registry.npmjs.org", To: srv.URL + "/npm"}}
	nt := nodeTypeJSON(t, srv.URL, pathNode(t, "https://registry.npmjs.org"))
	run := runtime.Run{Node: nt, Parameters: map[string]any{"path": "/express"}}
	p, err := e.Prepare(context.Background(), run)
	require.NoError(t, err)
	dry := p.DryRun(context.Background(), nil)
	require.Len(t, dry, 1)
	assert.Equal(t, "https://registry.npmjs.org/express", dry[0].URL)
	assert.Equal(t, srv.URL+"/npm/express", dry[0].MappedURL)
	assert.Empty(t, srv.requests(), "a dry run sends nothing")

	mustSucceed(t, e, run)
	assert.Contains(t, logs.String(), `"url":"https://registry.npmjs.org/express","mappedUrl":"`+srv.URL+`/npm/express"`)
}
