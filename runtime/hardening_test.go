package runtime_test

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// Hostile inputs against the routing engine's bounds (issue 18, items 4-7):
// output that grows without bound, credentials sent where they do not
// belong, link-local addresses, quadratic builds, timers that overflow or
// never end.

// localhostURL is srv's URL under another host name for the same server:
// 127.0.0.1 and localhost are different hosts to every origin rule.
func localhostURL(srv *recorder) string {
	return strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
}

func TestCredentialBoundToBaseHost(t *testing.T) {
	t.Parallel()
	auth := `{"headers":{"X-Token":"={{$credentials.token}}"}}`
	urlProp := `[{"displayName":"U","name":"u","type":"string","default":"","routing":{"request":{"url":"={{ $value }}"}}}]`
	cases := []struct {
		name    string
		cred    map[string]any
		baseURL string // "@URL@" is the server at 127.0.0.1, "@OTHER@" the other at localhost
		url     string // the item's url parameter
		sentTo  string // "base", "other" or "" (refused)
	}{
		{"a relative URL", nil, "@URL@", "/items", "base"},
		{"an absolute URL on the base host", nil, "@URL@", "@URL@/items", "base"},
		{"an absolute URL from item data on another host is refused", nil, "@URL@", "@OTHER@/steal", ""},
		{"another host allowed by name", map[string]any{"allowedHttpRequestDomains": "domains", "allowedDomains": "localhost"}, "@URL@", "@OTHER@/ok", "other"},
		{"another host not in the list", map[string]any{"allowedHttpRequestDomains": "domains", "allowedDomains": "*.localhost, api.example.com"}, "@URL@", "@OTHER@/steal", ""},
		{"mode all is not an exemption", map[string]any{"allowedHttpRequestDomains": "all"}, "@URL@", "@OTHER@/steal", ""},
		{"no base URL: the description gives whole URLs", nil, "", "@OTHER@/ok", "other"},
		{"no base URL, restricted to other hosts", map[string]any{"allowedHttpRequestDomains": "domains", "allowedDomains": "api.example.com"}, "", "@OTHER@/steal", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			base := newRecorder(t, nil)
			other := newRecorder(t, nil)
			repl := strings.NewReplacer("@URL@", base.URL, "@OTHER@", localhostURL(other))
			defaults := `{}`
			if c.baseURL != "" {
				defaults = `{"baseURL":"` + repl.Replace(c.baseURL) + `"}`
			}
			nt := credNode(t, base.URL, true, defaults, urlProp, auth)
			data := map[string]any{"token": secretToken}
			for k, v := range c.cred {
				data[k] = v
			}
			e, _ := newEngine(t)
			res := execute(t, e, runtime.Run{Node: nt, Credentials: staticCreds("testApi", data),
				Parameters: map[string]any{"u": repl.Replace(c.url)}})
			switch c.sentTo {
			case "":
				require.NotNil(t, res.Err)
				assert.Contains(t, res.Err.Message, "Domain not allowed: This credential is restricted from accessing localhost.")
				assert.Contains(t, res.Err.Description, "allowedDomains")
				assert.Equal(t, 0, res.Err.ItemIndex)
				assert.Empty(t, other.requests(), "nothing is sent")
				assert.Empty(t, base.requests())
			case "base":
				require.Nil(t, res.Err)
				assert.Equal(t, secretToken, base.only(t).Header.Get("X-Token"))
			case "other":
				require.Nil(t, res.Err)
				assert.Equal(t, secretToken, other.only(t).Header.Get("X-Token"))
			}
		})
	}
	t.Run("a pagination link to another host fails at that page", func(t *testing.T) {
		t.Parallel()
		other := newRecorder(t, nil)
		var base *recorder
		base = newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
			writeJSON(w, 200, map[string]any{"items": []any{1}, "next": localhostURL(other) + "/page2"})
		})
		nt := nodeTypeJSON(t, base.URL, `{"displayName":"T","name":"t","version":1,"credentials":[{"name":"testApi","required":true}],
		  "requestDefaults":{"baseURL":"@URL@"},
		  "requestOperations":{"pagination":{"type":"generic","properties":{"continue":"={{ !!$response.body.next }}","request":{"url":"={{ $response.body?.next ?? '/page1' }}"}}}},
		  "properties":[{"displayName":"All","name":"all","type":"boolean","default":true,"routing":{"send":{"paginate":true}}}]}`, credType(auth))
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt, Credentials: staticCreds("testApi", map[string]any{"token": secretToken})})
		require.NotNil(t, res.Err)
		assert.Contains(t, res.Err.Message, "Domain not allowed")
		assert.Len(t, base.requests(), 1)
		assert.Empty(t, other.requests())
	})
}

func TestRedirectKeepsCredentialsAtOrigin(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		auth     string // the credential's authenticate properties
		cred     map[string]any
		method   string
		status   int
		refused  string // part of the item error, "" when the redirect is followed
		assertAt func(t *testing.T, got captured)
	}{
		{name: "header", auth: `{"headers":{"X-Token":"={{$credentials.token}}"}}`, method: "GET", status: 302,
			assertAt: func(t *testing.T, got captured) { assert.NotContains(t, got.Header, "X-Token") }},
		{name: "basic auth", auth: `{"auth":{"username":"u","password":"={{$credentials.token}}"}}`, method: "GET", status: 307,
			assertAt: func(t *testing.T, got captured) { assert.NotContains(t, got.Header, "Authorization") }},
		{name: "query echoed into the Location", auth: `{"qs":{"api_key":"={{$credentials.token}}"}}`, method: "GET", status: 302,
			assertAt: func(t *testing.T, got captured) {
				assert.NotContains(t, got.RawQuery, secretToken)
				assert.Contains(t, got.RawQuery, "page=2", "other parameters are kept")
			}},
		{name: "body repeated by a 307 is refused", auth: `{"body":{"api_key":"={{$credentials.token}}"}}`, method: "POST", status: 307,
			refused: "The redirect was refused"},
		{name: "body repeated by a 302 of a PUT is refused", auth: `{"body":{"api_key":"={{$credentials.token}}"}}`, method: "PUT", status: 302,
			refused: "The redirect was refused"},
		{name: "body dropped by a 303 is followed", auth: `{"body":{"api_key":"={{$credentials.token}}"}}`, method: "POST", status: 303,
			assertAt: func(t *testing.T, got captured) {
				assert.Equal(t, "GET", got.Method)
				assert.Empty(t, got.Body)
			}},
		{name: "restricted credential: a hop outside the list fails (C5)", auth: `{"headers":{"X-Token":"={{$credentials.token}}"}}`,
			cred: map[string]any{"allowedHttpRequestDomains": "domains", "allowedDomains": "api.example.com"}, method: "GET", status: 302,
			refused: "Domain not allowed"},
		{name: "restricted credential: a listed hop is followed, without the credential", auth: `{"headers":{"X-Token":"={{$credentials.token}}"}}`,
			cred: map[string]any{"allowedHttpRequestDomains": "domains", "allowedDomains": "localhost"}, method: "GET", status: 302,
			assertAt: func(t *testing.T, got captured) { assert.NotContains(t, got.Header, "X-Token") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			other := newRecorder(t, nil)
			srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
				target := localhostURL(other) + "/landed?page=2"
				if r.URL.RawQuery != "" {
					target += "&" + r.URL.RawQuery
				}
				w.Header().Set("Location", target)
				w.WriteHeader(c.status)
			})
			nt := credNode(t, srv.URL, true, `{"baseURL":"@URL@","method":"`+c.method+`","body":{"data":1}}`, `[]`, c.auth)
			data := map[string]any{"token": secretToken}
			for k, v := range c.cred {
				data[k] = v
			}
			e, _ := newEngine(t)
			res := execute(t, e, runtime.Run{Node: nt, Credentials: staticCreds("testApi", data)})
			first := srv.only(t)
			sent := string(first.Body) + first.RawQuery + fmt.Sprint(first.Header)
			assert.True(t, strings.Contains(sent, secretToken) || strings.Contains(sent, base64.StdEncoding.EncodeToString([]byte("u:"+secretToken))),
				"the origin gets the credential: %s", sent)
			if c.refused != "" {
				require.NotNil(t, res.Err)
				assert.Contains(t, res.Err.Message, c.refused)
				assert.NotContains(t, res.Err.Message+res.Err.Description, secretToken)
				assert.Empty(t, other.requests(), "nothing reaches the other host")
				return
			}
			require.Nil(t, res.Err)
			got := other.only(t)
			leaked := string(got.Body) + got.RawQuery + fmt.Sprint(got.Header)
			assert.NotContains(t, leaked, secretToken)
			assert.NotContains(t, leaked, base64.StdEncoding.EncodeToString([]byte("u:"+secretToken)))
			c.assertAt(t, got)
		})
	}
}

func TestLinkLocalAndMetadataRefused(t *testing.T) {
	t.Parallel()
	urls := []string{
		"http://169.254.169.254/latest/meta-data/iam/security-credentials/",
		"http://169.254.170.2/v2/credentials",
		"http://[fe80::1]/",
		"http://[::ffff:169.254.169.254]/",
		"http://[fd00:ec2::254]/latest",
		"http://100.100.100.200/latest/meta-data",
		"http://metadata.google.internal/computeMetadata/v1/",
		"http://metadata.google.internal./computeMetadata/v1/",
	}
	for _, u := range urls {
		t.Run(u, func(t *testing.T) {
			t.Parallel()
			var sent atomic.Bool
			e, _ := newEngine(t)
			e.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
				sent.Store(true)
				return nil, io.ErrUnexpectedEOF
			})
			nt := description(t, "", `{}`, `[{"displayName":"U","name":"u","type":"string","default":"","routing":{"request":{"url":"={{ $json.url }}"}}}]`)
			res := execute(t, e, runtime.Run{Node: nt, Items: []node.Item{{JSON: map[string]any{"url": u}}}, Settings: node.Settings{ContinueOnFail: true}})
			require.Nil(t, res.Err)
			require.Len(t, res.Items, 1)
			require.NotNil(t, res.Items[0].Error, "the item fails")
			assert.Contains(t, res.Items[0].Error.Message, "is a link-local or cloud metadata address")
			assert.Contains(t, res.Items[0].Error.Description, "--allow-link-local")
			assert.False(t, sent.Load(), "nothing is sent")
		})
	}
	t.Run("loopback stays reachable", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, nil)
		e, _ := newEngine(t)
		nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, `[]`)
		mustSucceed(t, e, runtime.Run{Node: nt})
		srv.only(t)
	})
	t.Run("a redirect to a metadata address is refused", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
		})
		e, _ := newEngine(t)
		nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, `[]`)
		res := execute(t, e, runtime.Run{Node: nt})
		require.NotNil(t, res.Err)
		assert.Contains(t, res.Err.Message, "169.254.169.254 is a link-local or cloud metadata address")
	})
}

func TestOutputLimits(t *testing.T) {
	t.Parallel()
	// arrayServer answers every request with n numbers, padded to at
	// least pad bytes.
	arrayServer := func(t *testing.T, n int, extra string) *recorder {
		return newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
			var b strings.Builder
			b.WriteString(`{"next":true,"pad":"` + extra + `","items":[`)
			for i := range n {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(strconv.Itoa(i))
			}
			b.WriteString("]}")
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, b.String())
		})
	}
	generic := `{"displayName":"T","name":"t","version":1,"requestDefaults":{"baseURL":"@URL@"},
	  "requestOperations":{"pagination":{"type":"generic","properties":{"continue":"={{ $response.body.next }}","request":{}}}},
	  "properties":[{"displayName":"All","name":"all","type":"boolean","default":true,
	    "routing":{"send":{"paginate":true},"output":{"postReceive":[{"type":"rootProperty","properties":{"property":"items"}}]}}}]}`
	offset := `{"displayName":"T","name":"t","version":1,"requestDefaults":{"baseURL":"@URL@"},
	  "requestOperations":{"pagination":{"type":"offset","properties":{"limitParameter":"limit","offsetParameter":"offset","pageSize":50,"rootProperty":"items"}}},
	  "properties":[{"displayName":"All","name":"all","type":"boolean","default":true,"routing":{"send":{"paginate":true}}}]}`
	cases := []struct {
		name     string
		desc     string
		perPage  int
		pad      int
		maxItems int
		maxBytes int64
		pages    int    // requests the server sees
		err      string // part of the description; "" for success
	}{
		{name: "one array response over the item limit", desc: `{"displayName":"T","name":"t","version":1,"requestDefaults":{"baseURL":"@URL@","url":"/"},"properties":[]}`,
			perPage: 1000, maxItems: 999, pages: 1, err: "limit of 999 items"},
		{name: "a rootProperty array over the item limit", desc: generic, perPage: 1000, maxItems: 999, pages: 1, err: "--max-items-per-input"},
		{name: "generic pagination stops at the page that passes the item limit", desc: generic, perPage: 50, maxItems: 120, pages: 3, err: "Engine.MaxItemsPerInput"},
		{name: "generic pagination stops at the page that passes the byte limit", desc: generic, perPage: 1, pad: 4000, maxBytes: 10_000, pages: 3, err: "limit of 10000 bytes"},
		{name: "offset pagination stops at the item limit", desc: offset, perPage: 50, maxItems: 175, pages: 4, err: "--max-items-per-input"},
		{name: "byte limit names its flag", desc: offset, perPage: 50, pad: 3000, maxBytes: 7000, pages: 3, err: "--max-output-bytes-per-input"},
		{name: "within the limits", desc: offset, perPage: 50, maxItems: 1000, pages: 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var srv *recorder
			if c.pages == 0 {
				srv = pagedServer(t, 120, true)
				srv.handle = wrapItems(srv.handle)
			} else {
				srv = arrayServer(t, c.perPage, strings.Repeat("x", c.pad))
			}
			nt := nodeTypeJSON(t, srv.URL, c.desc)
			if c.name == "one array response over the item limit" {
				srv.handle = func(w http.ResponseWriter, r *http.Request, _ captured) {
					_, _ = io.WriteString(w, "["+strings.TrimSuffix(strings.Repeat("0,", c.perPage), ",")+"]")
				}
			}
			e, _ := newEngine(t)
			e.MaxItemsPerInput, e.MaxOutputBytesPerInput = c.maxItems, c.maxBytes
			in := items(t, `{"n":0}`, `{"n":1}`)
			res := execute(t, e, runtime.Run{Node: nt, Items: in, Settings: node.Settings{ContinueOnFail: true}})
			require.Nil(t, res.Err)
			if c.err == "" {
				assert.Len(t, res.Items, 240)
				return
			}
			require.Len(t, res.Items, 2, "each input item yields its error item")
			for i, it := range res.Items {
				require.NotNil(t, it.Error, "item %d", i)
				assert.Equal(t, "The output of this item is too large", it.Error.Message)
				assert.Contains(t, it.Error.Description, c.err)
			}
			assert.Len(t, srv.requests(), 2*c.pages, "pagination stops at the page over the limit, not at the page cap")
		})
	}
}

// wrapItems renames pagedServer's "data" to the offset case's "items".
func wrapItems(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c captured) {
		rec := &bodyCapture{header: http.Header{}}
		h(rec, r, c)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.status)
		_, _ = io.WriteString(w, strings.Replace(rec.body.String(), `"data":`, `"items":`, 1))
	}
}

type bodyCapture struct {
	header http.Header
	status int
	body   strings.Builder
}

func (b *bodyCapture) Header() http.Header         { return b.header }
func (b *bodyCapture) WriteHeader(s int)           { b.status = s }
func (b *bodyCapture) Write(p []byte) (int, error) { return b.body.Write(p) }

func TestRequestDeadline(t *testing.T) {
	t.Parallel()
	// drip sends one byte every 10 ms for ever: no inactivity timeout
	// ends it.
	drip := func(w http.ResponseWriter, r *http.Request, _ captured) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		for {
			if _, err := io.WriteString(w, " "); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-time.After(10 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
		}
	}
	cases := []struct {
		name     string
		cred     bool
		attempts int
		message  string
		code     string
	}{
		{name: "without a credential", message: "request deadline of 200ms exceeded", code: "none", attempts: 1},
		{name: "with a credential", cred: true, message: "The connection was aborted, perhaps the server is offline", code: "ECONNABORTED", attempts: 1},
		{name: "retried as a timeout is", message: "request deadline of 200ms exceeded", code: "none", attempts: 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, drip)
			e, _ := newEngine(t)
			e.RequestDeadline = 200 * time.Millisecond
			if c.attempts > 1 {
				e.Retry = runtime.RetryPolicy{MaxAttempts: c.attempts}
			}
			run := runtime.Run{Parameters: map[string]any{"requestOptions": map[string]any{"timeout": 5000.0}}}
			if c.cred {
				run.Node = credNode(t, srv.URL, true, `{"baseURL":"@URL@"}`, `[]`, `{"headers":{"X-Token":"={{$credentials.token}}"}}`)
				run.Credentials = staticCreds("testApi", map[string]any{"token": secretToken})
			} else {
				run.Node = description(t, srv.URL, `{"baseURL":"@URL@"}`, `[]`)
			}
			res := execute(t, e, run)
			require.NotNil(t, res.Err)
			assert.Equal(t, runtime.NameNodeAPIError, res.Err.Name)
			assert.Equal(t, c.message, res.Err.Message)
			assert.Equal(t, c.code, res.Err.HTTPCode)
			assert.Contains(t, res.Err.Description, "--request-deadline")
			assert.Len(t, srv.requests(), c.attempts)
		})
	}
}

func TestHugeTimeoutIsClamped(t *testing.T) {
	t.Parallel()
	for _, timeout := range []any{9.2e12, 1e300, "={{ Infinity }}"} {
		t.Run(fmt.Sprint(timeout), func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, func(w http.ResponseWriter, _ *http.Request, _ captured) {
				time.Sleep(5 * time.Millisecond) // an instant abort would beat this
				writeJSON(w, 200, map[string]any{"ok": true})
			})
			nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, `[]`)
			e, _ := newEngine(t)
			res := mustSucceed(t, e, runtime.Run{Node: nt, Parameters: map[string]any{"requestOptions": map[string]any{"timeout": timeout}}})
			assert.Equal(t, []any{map[string]any{"ok": true}}, jsons(res.Items))
		})
	}
}
