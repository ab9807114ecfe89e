package runtime_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// Execution over items, reference §6 (X1-X8), and noderun's transport
// guards: retry policy, rate limit, response size limit.

// indexedProps sends each item's index as the query parameter i.
const indexedProps = `[{"displayName":"I","name":"i","type":"string","default":"={{ $itemIndex }}","routing":{"send":{"property":"i"}}}]`

func queryIndex(r *http.Request) int {
	i, _ := strconv.Atoi(r.URL.Query().Get("i"))
	return i
}

func TestNoItemsAndExecuteOnce(t *testing.T) {
	t.Parallel()
	t.Run("X1 no input items means one empty item", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, nil)
		nt := description(t, srv.URL, `{"baseURL":"@URL@","headers":{"X-Keys":"={{ Object.keys($json).length }}"}}`, `[]`)
		e, _ := newEngine(t)
		res := mustSucceed(t, e, runtime.Run{Node: nt})
		assert.Equal(t, "0", srv.only(t).Header.Get("X-Keys"))
		assert.Equal(t, []int{0}, pairedIndexes(res.Items))
	})
	t.Run("X1 executeOnce runs the first item only", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, nil)
		nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, indexedProps)
		e, _ := newEngine(t)
		res := mustSucceed(t, e, runtime.Run{Node: nt, Items: items(t, `{}`, `{}`, `{}`), Settings: node.Settings{ExecuteOnce: true}})
		assert.Equal(t, "i=0", srv.only(t).RawQuery)
		assert.Len(t, res.Items, 1)
	})
}

func TestConcurrentItemsKeepInputOrder(t *testing.T) {
	t.Parallel()
	// X2: requests run concurrently and the output is in input order, even
	// when the server answers later requests first: item i is answered
	// only after item i+1.
	const n = 6
	var answered [n]chan struct{}
	for i := range answered {
		answered[i] = make(chan struct{})
	}
	var mu sync.Mutex
	var order []int
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
		i := queryIndex(r)
		if i < n-1 && !waitOrDone(r, answered[i+1]) {
			return
		}
		writeJSON(w, 200, []any{map[string]any{"i": i, "part": "a"}, map[string]any{"i": i, "part": "b"}})
		mu.Lock()
		order = append(order, i)
		mu.Unlock()
		close(answered[i])
	})
	nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, indexedProps)
	e, _ := newEngine(t)
	e.MaxConcurrency = n
	in := make([]node.Item, n)
	for i := range in {
		in[i] = node.Item{JSON: map[string]any{}}
	}
	res := mustSucceed(t, e, runtime.Run{Node: nt, Items: in})
	assert.Equal(t, []int{5, 4, 3, 2, 1, 0}, order, "answered in reverse")
	require.Len(t, res.Items, 2*n)
	for k, it := range res.Items {
		assert.Equal(t, float64(k/2), it.JSON.(map[string]any)["i"], "output %d", k)
		// O10: every output item is paired to its input item.
		assert.Equal(t, k/2, it.PairedItem.Item)
	}
}

// loggingSource is an ItemSource that logs each item it hands out.
type loggingSource struct {
	items []node.Item
	pos   int
	log   func(string)
}

func (s *loggingSource) Next() (node.Item, error) {
	if s.pos >= len(s.items) {
		return node.Item{}, io.EOF
	}
	s.log(fmt.Sprintf("item%d", s.pos))
	it := s.items[s.pos]
	s.pos++
	return it, nil
}

func TestBatching(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		batching any // requestOptions.batching; nil means none
		items    []string
		want     []string
	}{
		{name: "X3 sleeps before items i%batchSize==0 [v]", batching: map[string]any{"batch": map[string]any{"batchSize": 2.0, "batchInterval": 100.0}},
			items: []string{`{}`, `{}`, `{}`, `{}`, `{}`},
			want:  []string{"item0", "item1", "item2", "sleep 100ms", "item3", "item4", "sleep 100ms"}},
		{name: "X3 batch size -1 means 1 [v]", batching: map[string]any{"batch": map[string]any{"batchSize": -1.0, "batchInterval": 100.0}},
			items: []string{`{}`, `{}`, `{}`},
			want:  []string{"item0", "item1", "sleep 100ms", "item2", "sleep 100ms"}},
		{name: "X3 batch size 0 means 1", batching: map[string]any{"batch": map[string]any{"batchSize": 0.0, "batchInterval": 7.0}},
			items: []string{`{}`, `{}`},
			want:  []string{"item0", "item1", "sleep 7ms"}},
		{name: "X3 interval 0 never sleeps", batching: map[string]any{"batch": map[string]any{"batchSize": 1.0, "batchInterval": 0.0}},
			items: []string{`{}`, `{}`, `{}`},
			want:  []string{"item0", "item1", "item2"}},
		{name: "X3 no batching never sleeps", items: []string{`{}`, `{}`, `{}`},
			want: []string{"item0", "item1", "item2"}},
		{name: "X3 settings are read once, from item 0", batching: map[string]any{"batch": map[string]any{"batchSize": "={{ $json.size }}", "batchInterval": 5.0}},
			items: []string{`{"size":2}`, `{"size":1}`, `{"size":1}`, `{"size":1}`},
			want:  []string{"item0", "item1", "item2", "sleep 5ms", "item3"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var log []string
			seen := map[int]bool{}
			add := func(s string) {
				mu.Lock()
				log = append(log, s)
				mu.Unlock()
			}
			srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
				mu.Lock()
				seen[queryIndex(r)] = true
				mu.Unlock()
				writeJSON(w, 200, map[string]any{"i": queryIndex(r)})
			})
			nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, indexedProps)
			e, clock := newEngine(t)
			clock.onSleep = func(d time.Duration) {
				mu.Lock()
				defer mu.Unlock()
				// The sleep comes before the next batch: no item at or past
				// the last one handed out has reached the server yet.
				next := len(log) - countPrefix(log, "sleep") - 1
				for i := range seen {
					assert.Less(t, i, next, "item %d was sent before the sleep that precedes it", i)
				}
				log = append(log, "sleep "+d.String())
			}
			params := map[string]any{}
			if tc.batching != nil {
				params["requestOptions"] = map[string]any{"batching": tc.batching}
			}
			p, err := e.Prepare(context.Background(), runtime.Run{Node: nt, Parameters: params})
			require.NoError(t, err)
			var outs []int
			err = p.Stream(context.Background(), &loggingSource{items: items(t, tc.items...), log: add}, func(o runtime.Output) error {
				outs = append(outs, o.Index)
				return nil
			})
			require.NoError(t, err)
			assert.Equal(t, tc.want, log)
			assert.Len(t, outs, len(tc.items))
		})
	}
	t.Run("X3 adding batching without editing it means 50 items per 1000 ms [v]", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, nil)
		nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, `[]`)
		e, clock := newEngine(t)
		in := make([]node.Item, 101)
		for i := range in {
			in[i] = node.Item{JSON: map[string]any{}}
		}
		mustSucceed(t, e, runtime.Run{Node: nt, Items: in,
			Parameters: map[string]any{"requestOptions": map[string]any{"batching": map[string]any{"batch": map[string]any{}}}}})
		assert.Equal(t, []time.Duration{time.Second, time.Second}, clock.all())
		assert.Len(t, srv.requests(), 101)
	})
}

func countPrefix(list []string, prefix string) int {
	n := 0
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

func TestTimeout(t *testing.T) {
	t.Parallel()
	hold := func(w http.ResponseWriter, r *http.Request, _ captured) {
		waitOrDone(r, nil) // never answers; returns when the client gives up
	}
	params := map[string]any{"requestOptions": map[string]any{"timeout": 50.0}}
	t.Run("X4 no-credential path [v]", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, hold)
		nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, `[]`)
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt, Parameters: params})
		require.NotNil(t, res.Err)
		assert.Equal(t, runtime.NameNodeAPIError, res.Err.Name)
		assert.Equal(t, "timeout of 50ms exceeded", res.Err.Message)
		assert.Equal(t, "none", res.Err.HTTPCode)
	})
	t.Run("X4 credential path [v]", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, hold)
		nt := credNode(t, srv.URL, true, `{"baseURL":"@URL@"}`, `[]`, `{"headers":{"X-Token":"={{$credentials.token}}"}}`)
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt, Parameters: params, Credentials: staticCreds("testApi", map[string]any{"token": secretToken})})
		require.NotNil(t, res.Err)
		assert.Equal(t, "The connection was aborted, perhaps the server is offline", res.Err.Message)
		assert.Equal(t, "ECONNABORTED", res.Err.HTTPCode)
	})
	t.Run("X4 the timeout limits inactivity, not the whole transfer", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			_, _ = io.WriteString(w, `{"pad":"`)
			// 120 bytes 10 ms apart: the transfer outlasts the 1 s
			// timeout, no single gap comes near it.
			for i := 0; i < 120; i++ {
				w.(http.Flusher).Flush()
				select {
				case <-time.After(10 * time.Millisecond):
				case <-r.Context().Done():
					return
				}
				_, _ = io.WriteString(w, "x")
			}
			_, _ = io.WriteString(w, `"}`)
		})
		nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, `[]`)
		e, _ := newEngine(t)
		res := mustSucceed(t, e, runtime.Run{Node: nt, Parameters: map[string]any{"requestOptions": map[string]any{"timeout": 1000.0}}})
		assert.Equal(t, strings.Repeat("x", 120), res.Items[0].JSON.(map[string]any)["pad"])
	})
}

// TestTimeoutThenNextItem holds a worker's shared request scope to its
// promise: after a request of the worker timed out, its next request runs
// in a fresh context with a fresh timer, and a late timer cannot cancel it.
func TestTimeoutThenNextItem(t *testing.T) {
	t.Parallel()
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, c captured) {
		if c.Path == "/slow" {
			waitOrDone(r, nil) // never answers; returns when the client gives up
			return
		}
		// Slower than nothing, well inside the timeout: a timer left
		// armed by the failed request would cancel this one.
		time.Sleep(30 * time.Millisecond)
		writeJSON(w, 200, map[string]any{"at": c.Path})
	})
	nt := description(t, srv.URL, `{"baseURL":"@URL@","url":"={{ $json.path }}"}`, `[]`)
	e, _ := newEngine(t)
	e.MaxConcurrency = 1 // one worker, one scope, every item in turn
	items := []node.Item{{JSON: map[string]any{"path": "/slow"}}, {JSON: map[string]any{"path": "/a"}}, {JSON: map[string]any{"path": "/b"}}}
	res := mustSucceed(t, e, runtime.Run{Node: nt, Items: items,
		Parameters: map[string]any{"requestOptions": map[string]any{"timeout": 400.0}},
		Settings:   node.Settings{OnError: node.OnErrorContinueRegularOutput}})
	require.Len(t, res.Items, 3)
	require.NotNil(t, res.Items[0].Error)
	assert.Equal(t, "timeout of 400ms exceeded", res.Items[0].Error.Message)
	assert.Equal(t, []any{map[string]any{"at": "/a"}, map[string]any{"at": "/b"}}, jsons(res.Items[1:]))
}

// TestUserInfoInURL: user info in the URL becomes Basic authentication,
// as axios and Go's client both do, unless an Authorization header is set.
func TestUserInfoInURL(t *testing.T) {
	t.Parallel()
	srv := newRecorder(t, nil)
	withUser := strings.Replace(srv.URL, "http://", "http://ann:s3cret@", 1)
	nt := description(t, withUser, `{"baseURL":"@URL@"}`, `[]`)
	e, _ := newEngine(t)
	mustSucceed(t, e, runtime.Run{Node: nt})
	user, pass, ok := (&http.Request{Header: srv.only(t).Header}).BasicAuth()
	require.True(t, ok)
	assert.Equal(t, []string{"ann", "s3cret"}, []string{user, pass})
}

func TestProxy(t *testing.T) {
	t.Parallel()
	invalid := []struct{ proxy, want string }{
		// n8n's legacy URL parser reads "myproxy:3128" as scheme "myproxy:"
		// with host "3128" and no port [v].
		{"myproxy:3128", `The proxy URL does not contain a valid value for "port"`},
		{"127.0.0.1:3128", `The proxy URL does not contain a valid value for "port"`},
		{"http://myproxy", `The proxy URL does not contain a valid value for "port"`},
		{"just-a-host", `The proxy URL does not contain a valid value for "host"`},
		{"//myproxy:3128", `The proxy URL does not contain a valid value for "host"`},
	}
	for _, tc := range invalid {
		t.Run("X5 invalid "+tc.proxy, func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, nil)
			nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, `[]`)
			e, _ := newEngine(t)
			res := execute(t, e, runtime.Run{Node: nt, Parameters: map[string]any{"requestOptions": map[string]any{"proxy": tc.proxy}}})
			require.NotNil(t, res.Err)
			assert.Equal(t, runtime.NameNodeOperationError, res.Err.Name)
			assert.Equal(t, "The proxy is not valid", res.Err.Message)
			assert.Equal(t, tc.want, res.Err.Description)
			assert.Equal(t, 0, res.Err.ItemIndex)
			assert.Empty(t, srv.requests())
		})
	}
	t.Run("X5 a working proxy with user:pass, read per item", func(t *testing.T) {
		t.Parallel()
		proxy := newRecorder(t, func(w http.ResponseWriter, r *http.Request, c captured) {
			writeJSON(w, 200, map[string]any{"via": "proxy", "target": c.RequestURI})
		})
		nt := description(t, proxy.URL, `{"baseURL":"http://target.invalid/api"}`, `[]`)
		e, _ := newEngine(t)
		proxyURL := strings.Replace(proxy.URL, "http://", "http://user:pass@", 1)
		res := execute(t, e, runtime.Run{Node: nt,
			Parameters: map[string]any{"requestOptions": map[string]any{"proxy": "={{ $json.proxy }}"}},
			Items:      []node.Item{{JSON: map[string]any{"proxy": proxyURL}}, {JSON: map[string]any{"proxy": "myproxy:3128"}}},
			Settings:   node.Settings{OnError: node.OnErrorContinueRegularOutput}})
		require.Nil(t, res.Err)
		got := proxy.only(t)
		assert.Equal(t, "http://target.invalid/api", got.RequestURI, "absolute-form request line")
		assert.Equal(t, "target.invalid", got.Host)
		assert.Equal(t, "Basic "+base64.StdEncoding.EncodeToString([]byte("user:pass")), got.Header.Get("Proxy-Authorization"))
		require.Len(t, res.Items, 2)
		assert.Equal(t, "proxy", res.Items[0].JSON.(map[string]any)["via"])
		require.NotNil(t, res.Items[1].Error, "the second item's proxy is invalid")
		assert.Equal(t, "The proxy is not valid", res.Items[1].Error.Message)
	})
}

func TestProxyTunnelForHTTPS(t *testing.T) {
	t.Parallel()
	// X5: an https target goes through a CONNECT tunnel.
	target := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"tunnelled": r.URL.Path})
	})
	var mu sync.Mutex
	var connects []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		mu.Lock()
		connects = append(connects, r.Host+" "+r.Header.Get("Proxy-Authorization"))
		mu.Unlock()
		upstream, err := net.Dial("tcp", r.Host)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		client, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			_ = upstream.Close()
			return
		}
		_, _ = io.WriteString(client, "HTTP/1.1 200 Connection established\r\n\r\n")
		var wg sync.WaitGroup
		pipe := func(dst, src net.Conn) {
			defer wg.Done()
			_, _ = io.Copy(dst, src)
			_ = dst.Close()
			_ = src.Close()
		}
		wg.Add(2)
		go pipe(upstream, client)
		go pipe(client, upstream)
		wg.Wait()
	}))
	t.Cleanup(proxy.Close)
	nt := description(t, target.URL, `{"baseURL":"@URL@/secure"}`, `[]`)
	e, _ := newEngine(t)
	proxyURL := strings.Replace(proxy.URL, "http://", "http://user:pass@", 1)
	res := mustSucceed(t, e, runtime.Run{Node: nt, Parameters: map[string]any{"requestOptions": map[string]any{
		"proxy": proxyURL, "allowUnauthorizedCerts": true}}})
	assert.Equal(t, []any{map[string]any{"tunnelled": "/secure"}}, jsons(res.Items))
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{strings.TrimPrefix(target.URL, "https://") + " Basic " + base64.StdEncoding.EncodeToString([]byte("user:pass"))}, connects)
}

func TestIgnoreSSLIssues(t *testing.T) {
	t.Parallel()
	tlsSrv := newTLSServer(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"secure": true})
	})
	nt := description(t, tlsSrv.URL, `{"baseURL":"@URL@"}`, `[]`)
	t.Run("X6 a self-signed certificate fails by default", func(t *testing.T) {
		t.Parallel()
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt})
		require.NotNil(t, res.Err)
		assert.Equal(t, runtime.NameNodeAPIError, res.Err.Name)
		assert.Contains(t, res.Err.Message, "certificate")
	})
	t.Run("X6 Ignore SSL Issues accepts it", func(t *testing.T) {
		t.Parallel()
		e, _ := newEngine(t)
		res := mustSucceed(t, e, runtime.Run{Node: nt, Parameters: map[string]any{"requestOptions": map[string]any{"allowUnauthorizedCerts": true}}})
		assert.Equal(t, []any{map[string]any{"secure": true}}, jsons(res.Items))
	})
	t.Run("X6 so does requestDefaults.skipSslCertificateValidation", func(t *testing.T) {
		t.Parallel()
		nt := description(t, tlsSrv.URL, `{"baseURL":"@URL@","skipSslCertificateValidation":"={{ true }}"}`, `[]`)
		e, _ := newEngine(t)
		mustSucceed(t, e, runtime.Run{Node: nt})
	})
}

func TestRedirects(t *testing.T) {
	t.Parallel()
	auth := `{"headers":{"X-Token":"={{$credentials.token}}"}}`
	creds := staticCreds("testApi", map[string]any{"token": secretToken})
	t.Run("X7 followed, the final response is handled", func(t *testing.T) {
		t.Parallel()
		var srv *recorder
		srv = newRecorder(t, func(w http.ResponseWriter, r *http.Request, c captured) {
			if r.URL.Path == "/start" {
				http.Redirect(w, r, "/end", http.StatusFound)
				return
			}
			writeJSON(w, 200, map[string]any{"at": r.URL.Path, "token": r.Header.Get("X-Token")})
		})
		nt := credNode(t, srv.URL, true, `{"baseURL":"@URL@","url":"/start"}`, `[]`, auth)
		e, _ := newEngine(t)
		res := mustSucceed(t, e, runtime.Run{Node: nt, Credentials: creds})
		assert.Equal(t, []any{map[string]any{"at": "/end", "token": secretToken}}, jsons(res.Items), "same host keeps the credential")
	})
	t.Run("X7 noderun drops the credential header on a cross-host redirect", func(t *testing.T) {
		t.Parallel()
		other := newRecorder(t, nil)
		// 127.0.0.1 and localhost are different hosts for the same server.
		otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
		srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
			http.Redirect(w, r, otherURL+"/landed", http.StatusFound)
		})
		nt := credNode(t, srv.URL, true, `{"baseURL":"@URL@","headers":{"X-Other":"kept"}}`, `[]`, auth)
		e, _ := newEngine(t)
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: creds})
		got := other.only(t)
		assert.Equal(t, "/landed", got.Path)
		assert.NotContains(t, got.Header, "X-Token")
		assert.Equal(t, "kept", got.Header.Get("X-Other"))
		assert.Equal(t, secretToken, srv.only(t).Header.Get("X-Token"))
	})
	chain := func(t *testing.T) *recorder {
		// /N redirects to /N-1; /0 answers.
		return newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
			n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
			if n > 0 {
				http.Redirect(w, r, "/"+strconv.Itoa(n-1), http.StatusFound)
				return
			}
			writeJSON(w, 200, map[string]any{"done": true})
		})
	}
	t.Run("X7 21 redirects are followed, as axios does", func(t *testing.T) {
		t.Parallel()
		srv := chain(t)
		nt := description(t, srv.URL, `{"baseURL":"@URL@","url":"/21"}`, `[]`)
		e, _ := newEngine(t)
		mustSucceed(t, e, runtime.Run{Node: nt})
		assert.Len(t, srv.requests(), 22)
	})
	t.Run("X7 more than 21 redirects fail", func(t *testing.T) {
		t.Parallel()
		srv := chain(t)
		nt := description(t, srv.URL, `{"baseURL":"@URL@","url":"/22"}`, `[]`)
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt})
		require.NotNil(t, res.Err)
		assert.Contains(t, res.Err.Message, "Maximum number of redirects exceeded")
		assert.Len(t, srv.requests(), 22)
	})
	t.Run("X7 disableFollowRedirect returns the redirect as an HTTP error", func(t *testing.T) {
		t.Parallel()
		srv := chain(t)
		nt := description(t, srv.URL, `{"baseURL":"@URL@","url":"/3","disableFollowRedirect":true}`, `[]`)
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt})
		require.NotNil(t, res.Err)
		assert.Equal(t, "302", res.Err.HTTPCode)
		assert.Len(t, srv.requests(), 1)
	})
}

func TestCancelStopsRequestsInFlight(t *testing.T) {
	t.Parallel()
	// X8: cancelling the run aborts the requests in flight.
	arrived := make(chan struct{})
	aborted := make(chan struct{})
	var once sync.Once
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
		once.Do(func() { close(arrived) })
		if !waitOrDone(r, nil) && r.Context().Err() != nil {
			close(aborted)
		}
	})
	nt := credNode(t, srv.URL, true, `{"baseURL":"@URL@"}`, `[]`, `{"headers":{"X-Token":"={{$credentials.token}}"}}`)
	e, _ := newEngine(t)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()
	_, err := e.Execute(ctx, runtime.Run{Node: nt, Credentials: staticCreds("testApi", map[string]any{"token": secretToken})})
	require.ErrorIs(t, err, context.Canceled)
	select {
	case <-aborted:
	case <-time.After(5 * time.Second):
		t.Fatal("the server never saw the request aborted")
	}
}

func TestRetryPolicy(t *testing.T) {
	t.Parallel()
	type step struct {
		status     int
		retryAfter string
	}
	cases := []struct {
		name      string
		policy    runtime.RetryPolicy
		method    string
		steps     []step // answers in order; past the end 200
		wantReqs  int
		wantWaits func(t *testing.T, waits []time.Duration)
		wantErr   string // httpCode of the final error, "" for success
	}{
		{name: "429 with Retry-After waits that long", method: "POST", steps: []step{{429, "2"}},
			wantReqs: 2, wantWaits: func(t *testing.T, w []time.Duration) { assert.Equal(t, []time.Duration{2 * time.Second}, w) }},
		{name: "429 without Retry-After backs off with jitter", method: "POST", steps: []step{{429, ""}, {429, ""}},
			wantReqs: 3, wantWaits: func(t *testing.T, w []time.Duration) {
				require.Len(t, w, 2)
				assert.True(t, w[0] > 0 && w[0] <= 200*time.Millisecond, "first wait %v", w[0])
				assert.True(t, w[1] > 0 && w[1] <= 400*time.Millisecond, "second wait %v", w[1])
			}},
		{name: "Retry-After is capped by MaxDelay", method: "GET", steps: []step{{429, "60"}},
			wantReqs: 2, wantWaits: func(t *testing.T, w []time.Duration) { assert.Equal(t, []time.Duration{10 * time.Second}, w) }},
		{name: "503 on GET is retried up to MaxAttempts", method: "GET", steps: []step{{503, ""}, {503, ""}, {503, ""}, {503, ""}},
			wantReqs: 3, wantErr: "503"},
		{name: "503 on POST is not retried", method: "POST", steps: []step{{503, ""}},
			wantReqs: 1, wantErr: "503"},
		{name: "503 on POST with RetryNonIdempotent", method: "POST", policy: runtime.RetryPolicy{RetryNonIdempotent: true},
			steps: []step{{503, ""}, {502, ""}}, wantReqs: 3},
		{name: "500 is not retried", method: "GET", steps: []step{{500, ""}}, wantReqs: 1, wantErr: "500"},
		{name: "a wait past the budget is not taken", method: "GET", policy: runtime.RetryPolicy{Budget: time.Second},
			steps: []step{{429, "5"}}, wantReqs: 1, wantErr: "429"},
		{name: "Disabled", method: "GET", policy: runtime.RetryPolicy{Disabled: true}, steps: []step{{503, ""}}, wantReqs: 1, wantErr: "503"},
		{name: "MaxAttempts", method: "GET", policy: runtime.RetryPolicy{MaxAttempts: 5},
			steps: []step{{504, ""}, {504, ""}, {504, ""}, {504, ""}}, wantReqs: 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, func(w http.ResponseWriter, _ *http.Request, c captured) {
				if c.N < len(tc.steps) {
					s := tc.steps[c.N]
					if s.retryAfter != "" {
						w.Header().Set("Retry-After", s.retryAfter)
					}
					writeJSON(w, s.status, map[string]any{"message": "try later"})
					return
				}
				writeJSON(w, 200, map[string]any{"ok": true})
			})
			nt := description(t, srv.URL, `{"baseURL":"@URL@","method":"`+tc.method+`"}`, `[]`)
			e, clock := newEngine(t)
			e.Retry = tc.policy
			res := execute(t, e, runtime.Run{Node: nt})
			assert.Len(t, srv.requests(), tc.wantReqs)
			if tc.wantErr != "" {
				require.NotNil(t, res.Err)
				assert.Equal(t, tc.wantErr, res.Err.HTTPCode)
			} else {
				require.Nil(t, res.Err)
			}
			if tc.wantWaits != nil {
				tc.wantWaits(t, clock.all())
			} else {
				assert.Len(t, clock.all(), tc.wantReqs-1)
			}
		})
	}
	t.Run("a refused connection is retried even for POST", func(t *testing.T) {
		t.Parallel()
		nt := description(t, refusedURL(t), `{"baseURL":"@URL@","method":"POST"}`, `[]`)
		e, clock := newEngine(t)
		e.Retry = runtime.RetryPolicy{}
		res := execute(t, e, runtime.Run{Node: nt})
		require.NotNil(t, res.Err)
		assert.Equal(t, "The service refused the connection - perhaps it is offline", res.Err.Message)
		assert.Equal(t, "none", res.Err.HTTPCode)
		assert.Len(t, clock.all(), 2, "three attempts")
	})
	t.Run("a rejected certificate is not transient and not retried", func(t *testing.T) {
		t.Parallel()
		tlsSrv := newTLSServer(t, func(http.ResponseWriter, *http.Request) {})
		nt := description(t, tlsSrv.URL, `{"baseURL":"@URL@"}`, `[]`)
		e, clock := newEngine(t)
		e.Retry = runtime.RetryPolicy{}
		res := execute(t, e, runtime.Run{Node: nt})
		require.NotNil(t, res.Err)
		assert.Empty(t, clock.all())
	})
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	// Engine.RateLimit spaces requests per credential: 4 requests at 20/s
	// with burst 1 take at least 3 intervals (a lower bound only, which a
	// busy machine cannot break).
	srv := newRecorder(t, nil)
	nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, `[]`)
	e, _ := newEngine(t)
	e.RateLimit = 20
	start := time.Now()
	mustSucceed(t, e, runtime.Run{Node: nt, Items: items(t, `{}`, `{}`, `{}`, `{}`)})
	assert.GreaterOrEqual(t, time.Since(start), 140*time.Millisecond)
	assert.Len(t, srv.requests(), 4)
}

func TestMaxResponseBytes(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 1000)
	cases := []struct {
		name    string
		chunked bool
		limit   int64
		wantErr bool
	}{
		{"with Content-Length", false, 100, true},
		{"chunked", true, 100, true},
		{"negative means no limit", true, -1, false},
		{"under the limit", false, 2000, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, func(w http.ResponseWriter, _ *http.Request, _ captured) {
				if tc.chunked {
					for i := 0; i < 10; i++ {
						_, _ = io.WriteString(w, big[:100])
						w.(http.Flusher).Flush()
					}
					return
				}
				w.Header().Set("Content-Length", "1000")
				_, _ = io.WriteString(w, big)
			})
			nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, `[]`)
			e, _ := newEngine(t)
			e.MaxResponseBytes = tc.limit
			res := execute(t, e, runtime.Run{Node: nt})
			if !tc.wantErr {
				require.Nil(t, res.Err)
				assert.Equal(t, big, res.Items[0].JSON)
				return
			}
			require.NotNil(t, res.Err)
			assert.Equal(t, "The response is too large", res.Err.Message)
			assert.Contains(t, res.Err.Description, "larger than the limit of 100 bytes")
			assert.True(t, errors.As(res.Err, new(*runtime.NodeError)))
		})
	}
}

// newTLSServer starts an HTTPS server with a self-signed certificate; its
// handshake failures (expected here) are not logged.
func newTLSServer(t testing.TB, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// failingSource yields n items, then fails.
type failingSource struct{ n, pos int }

func (s *failingSource) Next() (node.Item, error) {
	if s.pos >= s.n {
		return node.Item{}, errors.New("disk on fire")
	}
	s.pos++
	return node.Item{JSON: map[string]any{}}, nil
}

func TestStreamStops(t *testing.T) {
	t.Parallel()
	srv := newRecorder(t, nil)
	nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, indexedProps)
	e, _ := newEngine(t)
	p, err := e.Prepare(context.Background(), runtime.Run{Node: nt})
	require.NoError(t, err)
	t.Run("on the emitter's error, after the items before it", func(t *testing.T) {
		stop := errors.New("downstream full")
		var got []int
		err := p.Stream(context.Background(), &countingSource{n: 1000}, func(o runtime.Output) error {
			got = append(got, o.Index)
			if o.Index == 4 {
				return stop
			}
			return nil
		})
		require.ErrorIs(t, err, stop)
		assert.Equal(t, []int{0, 1, 2, 3, 4}, got)
	})
	t.Run("on an input error, as a node error naming the item", func(t *testing.T) {
		var got int
		err := p.Stream(context.Background(), &failingSource{n: 3}, func(runtime.Output) error { got++; return nil })
		var ne *runtime.NodeError
		require.ErrorAs(t, err, &ne)
		assert.Equal(t, "The input item could not be read", ne.Message)
		assert.Equal(t, 3, ne.ItemIndex)
		assert.Equal(t, 3, got, "the items read before it are emitted")
	})
	t.Run("on cancellation", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		err := p.Stream(ctx, &countingSource{n: 1_000_000}, func(o runtime.Output) error {
			if o.Index == 10 {
				cancel()
			}
			return nil
		})
		require.ErrorIs(t, err, context.Canceled)
	})
}

func TestStreamEmptySourceReturns(t *testing.T) {
	t.Parallel()
	// An empty stream ends at once: its workers may finish before the
	// dispatcher reports, and the run must not wait for that report twice.
	// Before that was fixed, this loop hung within a few thousand runs.
	e, _ := newEngine(t)
	p, err := e.Prepare(context.Background(), runtime.Run{Node: description(t, "http://127.0.0.1:1", `{"baseURL":"@URL@"}`, `[]`)})
	require.NoError(t, err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 20_000; i++ {
			err := p.Stream(context.Background(), &countingSource{}, func(runtime.Output) error { return nil })
			assert.NoError(t, err)
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Stream over an empty source did not return")
	}
}
