package chatwoot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes/chatwoot"
	"github.com/noderun/noderun/nodes/chatwoot/chatwootsim"
	"github.com/noderun/noderun/nodes/chatwoot/chatwootsim/contract"
	"github.com/noderun/noderun/runtime"
)

// fixedNow is the simulator clock of the tests that compare timestamps.
var fixedNow = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// sharedDir finds the shared reference directory: $NODERUN_SHARED, or
// ../shared beside the repository root.
func sharedDir() string {
	if d := os.Getenv("NODERUN_SHARED"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared")
}

var (
	checkerOnce sync.Once
	checker     *contract.Checker
	checkerErr  error
)

// specChecker loads the Chatwoot OpenAPI document once; nil (with the
// reason in checkerErr) when the shared directory is absent, so that the
// end-to-end tests still run and only their contract assertions skip.
func specChecker() *contract.Checker {
	checkerOnce.Do(func() {
		p := filepath.Join(sharedDir(), "chatwoot", "openapi.json")
		if _, err := os.Stat(p); err != nil {
			checkerErr = fmt.Errorf("contract checks skipped: no OpenAPI document at %s (set NODERUN_SHARED to the shared directory)", p)
			return
		}
		checker, checkerErr = contract.NewChecker(p)
	})
	return checker
}

// exchange is one request the runtime put on the wire, with its response status.
type exchange struct {
	Method string
	Path   string
	// EscapedPath is the path as sent, percent-encoding included.
	EscapedPath string
	Query       url.Values
	// RawQuery is the query as sent, to assert on what is absent.
	RawQuery string
	Header   http.Header
	Body     []byte
	Status   int
}

// bodyJSON decodes the request body; nil when there is none.
func (x exchange) bodyJSON(t testing.TB) map[string]any {
	t.Helper()
	if len(x.Body) == 0 {
		return nil
	}
	var m map[string]any
	require.NoError(t, json.Unmarshal(x.Body, &m), "request body %s", x.Body)
	return m
}

// wireRecorder is the Engine's transport in the tests: it keeps a copy of
// every request as sent (header names exactly as written) and passes it on.
type wireRecorder struct {
	next http.RoundTripper
	base *http.Transport

	mu  sync.Mutex
	log []exchange
}

func (w *wireRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	x := exchange{Method: r.Method, Path: r.URL.Path, EscapedPath: r.URL.EscapedPath(), Query: r.URL.Query(), RawQuery: r.URL.RawQuery, Header: r.Header.Clone()}
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(r.Body)
		_ = r.Body.Close()
		if err != nil {
			return nil, err
		}
		x.Body = b
		r = r.Clone(r.Context())
		r.Body = io.NopCloser(bytes.NewReader(b))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	resp, err := w.next.RoundTrip(r)
	if resp != nil {
		x.Status = resp.StatusCode
	}
	w.mu.Lock()
	w.log = append(w.log, x)
	w.mu.Unlock()
	return resp, err
}

// CloseIdleConnections lets Engine.CloseIdleConnections reach the pool.
func (w *wireRecorder) CloseIdleConnections() { w.base.CloseIdleConnections() }

func (w *wireRecorder) exchanges() []exchange {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]exchange(nil), w.log...)
}

// last returns the last exchange, failing the test when there is none.
func (w *wireRecorder) last(t testing.TB) exchange {
	t.Helper()
	xs := w.exchanges()
	require.NotEmpty(t, xs, "no request reached the wire")
	return xs[len(xs)-1]
}

// token is the kind of credential a run uses.
type token int

const (
	tokAdmin    token = iota // user token of the account's administrator
	tokAgent                 // user token of an agent of the account
	tokPlatform              // platform app token
	tokBot                   // agent bot token
	tokNone                  // no token: the public client API
)

func (k token) String() string {
	return [...]string{"admin", "agent", "platform", "bot", "none"}[k]
}

// env is one simulator with an Engine whose every request is recorded and,
// when the spec is present, checked against the contract.
type env struct {
	t        testing.TB
	sim      *chatwootsim.TestServer
	sd       chatwootsim.Seed
	engine   *runtime.Engine
	nodeType *runtime.NodeType
	wire     *wireRecorder
	// contract records violations; nil without the spec.
	contract *contract.Recorder
	// skipContract turns off the end-of-test contract assertion for tests
	// that send what the spec forbids on purpose.
	skipContract bool
}

func newEnv(t testing.TB, opts chatwootsim.Options) *env {
	t.Helper()
	sim := chatwootsim.NewTestServer(t, opts)
	return newEnvWith(t, sim)
}

func newEnvWith(t testing.TB, sim *chatwootsim.TestServer) *env {
	t.Helper()
	nt, err := chatwoot.NodeType()
	require.NoError(t, err)
	base := &http.Transport{MaxIdleConnsPerHost: 8}
	e := &env{t: t, sim: sim, sd: sim.Seed(), nodeType: nt}
	var next http.RoundTripper = base
	if ck := specChecker(); ck != nil {
		e.contract = &contract.Recorder{}
		next = ck.Transport(base, e.contract)
	}
	e.wire = &wireRecorder{next: next, base: base}
	e.engine = &runtime.Engine{Transport: e.wire, Retry: runtime.RetryPolicy{Disabled: true}}
	t.Cleanup(func() {
		e.engine.CloseIdleConnections()
		if e.skipContract || e.contract == nil {
			return
		}
		for _, v := range e.contract.Unexplained("") {
			t.Errorf("contract: %s", v)
		}
	})
	return e
}

// token returns the access token of a kind ("" for tokNone).
func (e *env) token(k token) string {
	switch k {
	case tokAdmin:
		return e.sd.AdminToken
	case tokAgent:
		return e.sd.AgentToken
	case tokPlatform:
		return e.sd.PlatformAppToken
	case tokBot:
		return e.sd.BotToken
	}
	return ""
}

// creds is the chatwootApi credential for the simulator with a token kind.
func (e *env) creds(k token) credentials.Store {
	return chatwoot.Credentials(e.sim.URL, e.token(k))
}

// execute runs the generic node; parameters hold resource and operation.
func (e *env) execute(k token, params map[string]any, items ...node.Item) (runtime.Result, error) {
	return e.executeRun(runtime.Run{Node: e.nodeType, Parameters: params, Credentials: e.creds(k), Items: items})
}

func (e *env) executeRun(run runtime.Run) (runtime.Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return e.engine.Execute(ctx, run)
}

// run executes and requires the node to succeed, returning its items.
func (e *env) run(k token, params map[string]any, items ...node.Item) []node.Item {
	e.t.Helper()
	res, err := e.execute(k, params, items...)
	require.NoError(e.t, err)
	require.Nil(e.t, res.Err, "%s → %s failed: %v", params["resource"], params["operation"], res.Err)
	return res.Items
}

// fail executes and requires the node to fail, returning the error.
func (e *env) fail(k token, params map[string]any, items ...node.Item) *runtime.NodeError {
	e.t.Helper()
	res, err := e.execute(k, params, items...)
	require.NoError(e.t, err)
	require.NotNil(e.t, res.Err, "%s → %s succeeded: %v", params["resource"], params["operation"], res.Items)
	return res.Err
}

// op builds parameters for resource → operation plus the given ones.
func op(resource, operation string, kv map[string]any) map[string]any {
	p := map[string]any{"resource": resource, "operation": operation}
	for k, v := range kv {
		p[k] = v
	}
	return p
}

// acct is the demo account id as n8n stores a number parameter.
func (e *env) acct() float64 { return float64(e.sd.AccountID) }

// item is an input item holding the given JSON object.
func item(kv map[string]any) node.Item { return node.Item{JSON: kv} }

// obj returns the only item's JSON object.
func obj(t testing.TB, items []node.Item) map[string]any {
	t.Helper()
	require.Len(t, items, 1, "want one item, got %v", items)
	m, ok := items[0].JSON.(map[string]any)
	require.True(t, ok, "want an object, got %T %v", items[0].JSON, items[0].JSON)
	return m
}

// objs returns every item's JSON object, requiring at least min items.
func objs(t testing.TB, items []node.Item, min int) []map[string]any {
	t.Helper()
	require.GreaterOrEqual(t, len(items), min, "items: %v", items)
	out := make([]map[string]any, len(items))
	for i, it := range items {
		m, ok := it.JSON.(map[string]any)
		require.True(t, ok, "item %d: want an object, got %T %v", i, it.JSON, it.JSON)
		out[i] = m
	}
	return out
}

// num reads a JSON number as an int.
func num(t testing.TB, v any) int {
	t.Helper()
	f, ok := v.(float64)
	require.True(t, ok, "want a number, got %T %v", v, v)
	return int(f)
}

// path reads a value at a path of object keys.
func path(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// hasIDs asserts that every item is an object with a positive numeric id.
func hasIDs(t testing.TB, items []node.Item, min int) []map[string]any {
	t.Helper()
	ms := objs(t, items, min)
	for i, m := range ms {
		id, ok := m["id"].(float64)
		assert.True(t, ok && id > 0, "item %d has no id: %v", i, m)
	}
	return ms
}

// emptyBody asserts the output of an empty 200 or 204: one item whose json is "".
func emptyBody(t testing.TB, items []node.Item) {
	t.Helper()
	require.Len(t, items, 1)
	assert.Equal(t, "", items[0].JSON, "an empty body becomes one item with json \"\"")
}

// errorItem returns the error of a continued item.
func errorItem(t testing.TB, it node.Item) *node.ErrorInfo {
	t.Helper()
	require.NotNil(t, it.Error, "want an error item, got %v", it.JSON)
	return it.Error
}

// containsAll asserts s contains every part.
func containsAll(t testing.TB, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		assert.True(t, strings.Contains(s, p), "%q does not contain %q", s, p)
	}
}
