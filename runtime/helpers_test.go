package runtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// captured is one request as the test server saw it, raw: the query as
// sent (order and encoding), every header line, the body bytes.
type captured struct {
	N             int // arrival index
	Method        string
	Path          string
	RawQuery      string
	RequestURI    string // the request line's target: absolute-form through a proxy
	Host          string
	Header        http.Header
	Body          []byte
	ContentLength int64
}

// JSON decodes the body; an empty body is nil.
func (c captured) JSON(t testing.TB) any {
	t.Helper()
	if len(c.Body) == 0 {
		return nil
	}
	var v any
	require.NoError(t, json.Unmarshal(c.Body, &v), "body %q", c.Body)
	return v
}

// handlerFunc answers one captured request.
type handlerFunc func(w http.ResponseWriter, r *http.Request, c captured)

// recorder is an httptest server that records every request and tracks
// how many it is serving at once.
type recorder struct {
	*httptest.Server
	handle handlerFunc

	mu          sync.Mutex
	reqs        []captured
	inFlight    int
	maxInFlight int
}

// newRecorder starts a recording server; handle nil answers 200 {"id":1}.
// The server is closed in cleanup.
func newRecorder(t testing.TB, handle handlerFunc) *recorder {
	t.Helper()
	rec := &recorder{handle: handle}
	rec.Server = httptest.NewServer(rec)
	t.Cleanup(rec.Close)
	return rec
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c := captured{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, RequestURI: r.RequestURI,
		Host: r.Host, Header: r.Header.Clone(), Body: body, ContentLength: r.ContentLength}
	rec.mu.Lock()
	c.N = len(rec.reqs)
	rec.reqs = append(rec.reqs, c)
	rec.inFlight++
	rec.maxInFlight = max(rec.maxInFlight, rec.inFlight)
	rec.mu.Unlock()
	defer func() {
		rec.mu.Lock()
		rec.inFlight--
		rec.mu.Unlock()
	}()
	if rec.handle == nil {
		writeJSON(w, 200, map[string]any{"id": 1})
		return
	}
	rec.handle(w, r, c)
}

// requests returns the requests received so far, in arrival order.
func (rec *recorder) requests() []captured {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]captured(nil), rec.reqs...)
}

// only returns the single request the server received.
func (rec *recorder) only(t testing.TB) captured {
	t.Helper()
	reqs := rec.requests()
	require.Len(t, reqs, 1, "requests received")
	return reqs[0]
}

func (rec *recorder) peak() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.maxInFlight
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// waitOrDone blocks until ch is closed (true), the client went away or
// ten seconds passed (false), so a handler that holds a reply never
// outlives its test. A nil ch waits for the client only.
func waitOrDone(r *http.Request, ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	case <-r.Context().Done():
		return false
	case <-time.After(10 * time.Second):
		return false
	}
}

// description builds a node type from a requestDefaults object and a
// properties array, both JSON; "@URL@" is replaced by url.
func description(t testing.TB, url, defaults, properties string, creds ...string) *runtime.NodeType {
	t.Helper()
	return nodeTypeJSON(t, url, fmt.Sprintf(`{"displayName":"Test Node","name":"testNode","version":1,
		"requestDefaults":%s,"properties":%s}`, defaults, properties), creds...)
}

// nodeTypeJSON builds a node type from a whole description; credential
// types are JSON too. "@URL@" is replaced by url everywhere.
func nodeTypeJSON(t testing.TB, url, desc string, creds ...string) *runtime.NodeType {
	t.Helper()
	var d node.Description
	require.NoError(t, json.Unmarshal([]byte(strings.ReplaceAll(desc, "@URL@", url)), &d))
	var cts []*node.CredentialType
	for _, c := range creds {
		var ct node.CredentialType
		require.NoError(t, json.Unmarshal([]byte(strings.ReplaceAll(c, "@URL@", url)), &ct))
		cts = append(cts, &ct)
	}
	nt, err := runtime.NewNodeType(&d, cts...)
	require.NoError(t, err)
	return nt
}

// sleepLog is a fake clock for Engine.Sleep: it records each wait and
// returns at once.
type sleepLog struct {
	mu    sync.Mutex
	waits []time.Duration
	// onSleep, when set, runs inside each Sleep (from the sleeping goroutine).
	onSleep func(d time.Duration)
}

func (s *sleepLog) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	f := s.onSleep
	s.mu.Unlock()
	if f != nil {
		f(d)
	}
	return ctx.Err()
}

func (s *sleepLog) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// newEngine returns an engine for tests: transport retries off (so the
// server sees exactly the requests the rules make), a fake clock, and its
// idle connections closed in cleanup so goleak sees no pooled connection.
func newEngine(t testing.TB) (*runtime.Engine, *sleepLog) {
	t.Helper()
	clock := &sleepLog{}
	e := &runtime.Engine{Retry: runtime.RetryPolicy{Disabled: true}, Sleep: clock.Sleep}
	t.Cleanup(e.CloseIdleConnections)
	return e, clock
}

// execute runs the node and requires that it could start.
func execute(t testing.TB, e *runtime.Engine, run runtime.Run) runtime.Result {
	t.Helper()
	res, err := e.Execute(context.Background(), run)
	require.NoError(t, err)
	return res
}

// mustSucceed runs the node and requires that it did not fail.
func mustSucceed(t testing.TB, e *runtime.Engine, run runtime.Run) runtime.Result {
	t.Helper()
	res := execute(t, e, run)
	require.Nil(t, res.Err, "node failed: %v", res.Err)
	return res
}

// items builds input items from JSON objects.
func items(t testing.TB, js ...string) []node.Item {
	t.Helper()
	out := make([]node.Item, len(js))
	for i, s := range js {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(s), &m))
		out[i] = node.Item{JSON: m}
	}
	return out
}

// jsonOf decodes a JSON literal for comparisons.
func jsonOf(t testing.TB, s string) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(s), &v))
	return v
}

// jsons lists the items' json values.
func jsons(list []node.Item) []any {
	out := make([]any, len(list))
	for i, it := range list {
		out[i] = it.JSON
	}
	return out
}

// pairedIndexes lists each item's pairedItem.item (-1 when missing).
func pairedIndexes(list []node.Item) []int {
	out := make([]int, len(list))
	for i, it := range list {
		out[i] = -1
		if it.PairedItem != nil {
			out[i] = it.PairedItem.Item
		}
	}
	return out
}

// roundTripFunc is an in-memory http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// staticCreds is a credential store with one credential.
func staticCreds(typeName string, data map[string]any) credentials.Store {
	return credentials.Map{typeName: data}
}
