package chatwootsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/nodes/chatwoot/chatwootsim/contract"
)

// fixedNow is the clock of most tests: timestamps in bodies are then stable.
var fixedNow = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// sharedDir finds /work/shared: $NODERUN_SHARED, or ../shared relative to the repository root.
func sharedDir() string {
	if d := os.Getenv("NODERUN_SHARED"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "..", "shared")
}

var (
	checkerOnce sync.Once
	checker     *contract.Checker
	checkerErr  error
)

// maybeChecker loads the OpenAPI document once; nil when it is absent.
func maybeChecker() *contract.Checker {
	checkerOnce.Do(func() {
		p := filepath.Join(sharedDir(), "chatwoot", "openapi.json")
		if _, err := os.Stat(p); err != nil {
			checkerErr = fmt.Errorf("spec not found at %s (set NODERUN_SHARED to the shared directory)", p)
			return
		}
		checker, checkerErr = contract.NewChecker(p)
	})
	return checker
}

// specChecker is maybeChecker for tests that need the spec: they skip without it.
func specChecker(t testing.TB) *contract.Checker {
	t.Helper()
	if ck := maybeChecker(); ck != nil {
		return ck
	}
	t.Skipf("contract checks skipped: %v", checkerErr)
	return nil
}

// covered records the operationIds the operation tests exercised, with a response validated.
var (
	coveredMu sync.Mutex
	covered   = map[string]bool{}
)

func markCovered(op string) {
	coveredMu.Lock()
	defer coveredMu.Unlock()
	covered[op] = true
}

// result is one HTTP exchange.
type result struct {
	t      testing.TB
	status int
	header http.Header
	body   []byte
}

func (r *result) json() any {
	r.t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.UseNumber()
	require.NoError(r.t, dec.Decode(&v), "body: %s", r.body)
	return v
}

func (r *result) obj() map[string]any {
	r.t.Helper()
	m, ok := r.json().(map[string]any)
	require.True(r.t, ok, "want a JSON object, got %s", r.body)
	return m
}

func (r *result) arr() []any {
	r.t.Helper()
	a, ok := r.json().([]any)
	require.True(r.t, ok, "want a JSON array, got %s", r.body)
	return a
}

// raw returns the raw JSON at path (object keys, or array indexes as decimal strings).
func (r *result) raw(path ...string) json.RawMessage {
	r.t.Helper()
	raw := json.RawMessage(r.body)
	for _, p := range path {
		trimmed := bytes.TrimSpace(raw)
		if len(trimmed) > 0 && trimmed[0] == '[' {
			var a []json.RawMessage
			require.NoError(r.t, json.Unmarshal(raw, &a))
			i, err := strconv.Atoi(p)
			require.NoError(r.t, err)
			require.Less(r.t, i, len(a), "index %d out of range in %s", i, raw)
			raw = a[i]
			continue
		}
		var m map[string]json.RawMessage
		require.NoError(r.t, json.Unmarshal(raw, &m))
		raw = m[p]
	}
	return raw
}

// keys returns the keys of the object at path, in body order.
func (r *result) keys(path ...string) []string {
	r.t.Helper()
	return objectKeys(r.t, r.raw(path...))
}

func objectKeys(t testing.TB, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok, "not an object: %s", raw)
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, k.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	return keys
}

// client talks to a test server and validates every response against the spec when it is present.
type client struct {
	t  testing.TB
	ts *TestServer
	ck *contract.Checker
	// op, when set, is the operation the next request exercises (for coverage).
	op string
}

func newClient(t testing.TB, opts Options) *client {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return fixedNow }
	}
	return &client{t: t, ts: NewTestServer(t, opts), ck: maybeChecker()}
}

// req is one request: body may be nil, a string (raw JSON), url.Values-like form string with
// ctype set, or any value encoded as JSON.
type req struct {
	method, path, token string
	body                any
	ctype               string
	header              http.Header
}

func (c *client) do(r req) *result {
	c.t.Helper()
	var raw []byte
	switch b := r.body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		raw, err = json.Marshal(b)
		require.NoError(c.t, err)
	}
	hr, err := http.NewRequest(r.method, c.ts.URL+r.path, bytes.NewReader(raw))
	require.NoError(c.t, err)
	if len(raw) == 0 {
		hr.Body = http.NoBody
	}
	if r.token != "" {
		hr.Header.Set("api_access_token", r.token)
	}
	if len(raw) > 0 {
		ct := r.ctype
		if ct == "" {
			ct = "application/json"
		}
		hr.Header.Set("Content-Type", ct)
	}
	for k, vs := range r.header {
		hr.Header[k] = vs
	}
	if c.ck != nil {
		// Requests are recorded, not judged: tests send invalid requests on purpose.
		recordViolations(c.ck.RequestViolations(hr, raw))
	}
	resp, err := c.ts.HTTP.Client().Do(hr)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	res := &result{t: c.t, status: resp.StatusCode, header: resp.Header, body: body}
	if c.ck != nil {
		vs := c.ck.ResponseViolations(hr, resp.StatusCode, resp.Header, body)
		recordViolations(vs)
		for _, v := range vs {
			if v.Known == nil && os.Getenv("CHATWOOTSIM_DUMP") == "" {
				c.t.Errorf("unexplained contract violation: %s\n  body: %.300s", v, body)
			}
		}
	}
	if c.op != "" {
		markCovered(c.op)
	}
	c.op = ""
	return res
}

// seen keeps every violation the tests observed, for the known-spec-error report.
var (
	seenMu sync.Mutex
	seen   []contract.Violation
)

func recordViolations(vs []contract.Violation) {
	seenMu.Lock()
	defer seenMu.Unlock()
	seen = append(seen, vs...)
}

// dumpViolations prints distinct observed violations (CHATWOOTSIM_DUMP=1), to maintain the table.
func dumpViolations() {
	if os.Getenv("CHATWOOTSIM_DUMP") == "" {
		return
	}
	seenMu.Lock()
	defer seenMu.Unlock()
	set := map[string]bool{}
	for _, v := range seen {
		k := v.String()
		if v.Known != nil {
			k = "[" + v.Known.ID + "] " + k
		}
		if len(k) > 260 {
			k = k[:260]
		}
		set[k] = true
	}
	var lines []string
	for k := range set {
		lines = append(lines, k)
	}
	sort.Strings(lines)
	fmt.Println(strings.Join(lines, "\n"))
}

func acct(sd Seed, path string) string {
	return fmt.Sprintf("/api/v1/accounts/%d%s", sd.AccountID, path)
}

func num(v any) int {
	switch x := v.(type) {
	case json.Number:
		i, _ := x.Int64()
		return int(i)
	case float64:
		return int(x)
	}
	return -1
}

func field(m any, path ...string) any {
	cur := m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[p]
	}
	return cur
}

func jsonNum(i int) json.Number { return json.Number(strconv.Itoa(i)) }

func withoutKey(keys []string, drop string) []string {
	var out []string
	for _, k := range keys {
		if k != drop {
			out = append(out, k)
		}
	}
	return out
}

// knownIDs lists the ids of the contract table entries that can match a violation.
func knownIDs() []string {
	var out []string
	for _, k := range contract.KnownSpecErrors() {
		if k.Kind != "load" {
			out = append(out, k.ID)
		}
	}
	return out
}

func stringsReader(s string) io.Reader { return strings.NewReader(s) }
