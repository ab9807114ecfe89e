package chatwoot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	goruntime "runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes/chatwoot"
	"github.com/noderun/noderun/nodes/chatwoot/chatwootsim"
	"github.com/noderun/noderun/runtime"
)

// The fault matrix runs the Chatwoot node through runtime.Engine (its own
// transports, the default RetryPolicy, the default 16 MiB response limit)
// against the simulator while the server misbehaves for some items: every
// fault × continue-on-fail on and off × 1 and 100 items × an idempotent
// GET (Contacts → Contact Details) and a non-idempotent POST (Contacts →
// Contact Create). Where the simulator cannot express a fault (50 MB
// bodies, redirects) a handler in front of it answers instead.
//
// "Every item accounted for" means, for N input items of which the set F
// is faulty (item 0 of 1; items 3, 13, ..., 93 of 100):
//
//   - continue-on-fail on: each index 0..N-1 appears exactly once across
//     Result.Items and Result.ErrorItems (by pairedItem); the items in F
//     are error items naming their index, the others are their own
//     response (checked by content, so no output is paired to the wrong
//     input), and Result.Err is nil.
//   - continue-on-fail off: the node stops at k = min(F): Result.Err names
//     item k, Result.Items holds exactly the outputs of items 0..k-1 in
//     order, and items k+1..N-1 are covered by the stop (not started, or
//     started and their result discarded, as n8n discards them, F2); no
//     output of an item past k may appear.
//   - faults that do not fail an item (a slow body within the inactivity
//     limit, a 2xx short JSON body, invalid UTF-8, a cross-host redirect)
//     leave every index exactly once in Result.Items in both modes.
//
// An item is lost when it is none of output, error item, or covered by the
// stop; the tally printed at the end must say lost = 0.

// faultyIndex is the default faulty set: item 0 of one item, and every
// tenth item from 3 on of more.
func faultyIndex(n int) func(int) bool {
	if n == 1 {
		return func(i int) bool { return i == 0 }
	}
	return func(i int) bool { return i%10 == 3 }
}

// sparseFaulty is the faulty set of the 50 MB bodies: items 3 and 53, so
// that the matrix does not read hundreds of megabytes at once.
func sparseFaulty(n int) func(int) bool {
	if n == 1 {
		return func(i int) bool { return i == 0 }
	}
	return func(i int) bool { return i%50 == 3 }
}

// Wire sizes and times of the faults, small so that the matrix is quick.
const (
	faultTimeout   = 400 * time.Millisecond // Request Options timeout of the timeout faults
	faultStall     = 10 * time.Second       // how long a stalled server waits (it stops when the client leaves)
	slowChunkDelay = 60 * time.Millisecond  // a slow but live body: well inside faultTimeout
	bigBody        = 50 << 20               // over the default 16 MiB limit
)

// faultOutcome is what a faulty item should end as.
type faultOutcome int

const (
	outcomeFails   faultOutcome = iota // an error item / the node's error
	outcomeSucceed                     // a normal output item
)

// faultCase is one row of the matrix.
type faultCase struct {
	name string
	// sim installs a simulator fault matching the faulty items (match).
	sim func(match func(*http.Request) bool) chatwootsim.Fault
	// front answers a faulty item's request instead of the simulator.
	front func(fx *faultFixture, w http.ResponseWriter, r *http.Request, index int)
	// timeout sets Request Options timeout; 0 leaves the default.
	timeout time.Duration
	// faulty overrides the faulty set.
	faulty  func(n int) func(int) bool
	outcome faultOutcome
	// httpCode and message are what the error of a faulty item says.
	httpCode, message string
	// retriedGET and retriedPOST say whether the default RetryPolicy
	// repeats a faulty request (3 attempts) for each method.
	retriedGET, retriedPOST bool
	// perAttempt is how many requests one attempt makes (redirects); 0 means 1.
	perAttempt int
	// transportReplay is set when Go's transport may itself replay an
	// idempotent request once per attempt (a reused keep-alive connection
	// that fails before the first response byte).
	transportReplay bool
	// waits checks the retry waits of one faulty request.
	waits func(t *testing.T, waits []time.Duration)
	// output checks a faulty item's output when the fault does not fail it.
	output func(t *testing.T, fx *faultFixture, index int, json any)
	// bigMemory marks the 50 MB cells: run alone, with the heap watched.
	bigMemory bool
	// after checks the fixture after the run (the cross-host server).
	after func(t *testing.T, fx *faultFixture, faultyCount int)
}

func faultCases() []faultCase {
	status := func(s int, body string, header http.Header) func(func(*http.Request) bool) chatwootsim.Fault {
		return func(m func(*http.Request) bool) chatwootsim.Fault {
			f := chatwootsim.StatusFault(s, body)
			f.Match, f.Header = m, header
			return f
		}
	}
	action := func(f chatwootsim.Fault) func(func(*http.Request) bool) chatwootsim.Fault {
		return func(m func(*http.Request) bool) chatwootsim.Fault {
			c := f // cells run in parallel: each gets its own copy
			c.Match = m
			return c
		}
	}
	return []faultCase{
		{name: "500 JSON", sim: status(500, "", nil), httpCode: "500", message: "The service was not able to process your request"},
		{name: "502 HTML page", sim: status(502, "", nil), httpCode: "502", message: "Bad gateway", retriedGET: true},
		{name: "429 with Retry-After", sim: status(429, "", http.Header{"Retry-After": {"2"}}), httpCode: "429",
			message: "too many requests", retriedGET: true, retriedPOST: true,
			waits: func(t *testing.T, waits []time.Duration) {
				for _, w := range waits {
					assert.Equal(t, 2*time.Second, w, "a 429 waits the server's Retry-After")
				}
			}},
		{name: "429 Retry later", sim: func(m func(*http.Request) bool) chatwootsim.Fault {
			f := chatwootsim.RateLimited()
			f.Match = m
			return f
		}, httpCode: "429", message: "too many requests", retriedGET: true, retriedPOST: true,
			waits: func(t *testing.T, waits []time.Duration) {
				for _, w := range waits {
					assert.True(t, w > 0 && w <= 400*time.Millisecond, "without Retry-After the backoff is jittered within 200 ms, then 400 ms: %v", w)
				}
			}},
		{name: "reset before the response", sim: action(chatwootsim.Fault{Action: chatwootsim.ActionReset}),
			httpCode: "ECONNRESET", message: "closed unexpectedly", retriedGET: true, transportReplay: true},
		{name: "reset mid-body", sim: action(chatwootsim.Fault{Action: chatwootsim.ActionResetMidBody, AfterBytes: 12}),
			httpCode: "ECONNRESET", message: "closed unexpectedly", retriedGET: true},
		{name: "slow headers past the timeout", sim: action(chatwootsim.Fault{Latency: faultStall}), timeout: faultTimeout,
			httpCode: "ECONNABORTED", message: "aborted", retriedGET: true},
		{name: "slow body past the timeout", sim: action(chatwootsim.Fault{Action: chatwootsim.ActionSlowBody, ChunkSize: 16, ChunkDelay: faultStall}),
			timeout: faultTimeout, httpCode: "ECONNABORTED", message: "aborted", retriedGET: true},
		{name: "slow body within the inactivity limit", sim: action(chatwootsim.Fault{Action: chatwootsim.ActionSlowBody, ChunkSize: 256, ChunkDelay: slowChunkDelay}),
			timeout: faultTimeout, outcome: outcomeSucceed},
		{name: "truncated body (Content-Length announces more)", sim: action(chatwootsim.Fault{Action: chatwootsim.ActionTruncate, AfterBytes: 20}),
			httpCode: "ECONNRESET", message: "closed unexpectedly", retriedGET: true},
		{name: "short JSON with an honest Content-Length", sim: status(200, `{"payload":{"id":`, nil), outcome: outcomeSucceed,
			output: func(t *testing.T, _ *faultFixture, _ int, v any) {
				assert.Equal(t, `{"payload":{"id":`, v, "a 2xx body that is not JSON is passed on as text, as n8n does (O1)")
			}},
		{name: "invalid UTF-8 body", sim: status(200, "{\"payload\":{\"name\":\"caf\xe9 \xff\xfe\"}}", nil), outcome: outcomeSucceed,
			output: func(t *testing.T, _ *faultFixture, _ int, v any) {
				name, _ := path(v, "payload", "name").(string)
				assert.True(t, utf8.ValidString(name), "invalid bytes become U+FFFD, as Node.js decodes them: %q", name)
				assert.Equal(t, "caf\uFFFD \uFFFD\uFFFD", name)
				_, err := json.Marshal(v)
				assert.NoError(t, err)
			}},
		{name: "50 MB body with Content-Length", front: serveBig(true), faulty: sparseFaulty, bigMemory: true,
			message: "The response is too large"},
		{name: "50 MB body chunked", front: serveBig(false), faulty: sparseFaulty, bigMemory: true,
			message: "The response is too large"},
		{name: "redirect loop", front: redirectLoop, message: "Maximum number of redirects exceeded", perAttempt: 22},
		{name: "cross-host redirect", front: redirectAway, outcome: outcomeSucceed,
			output: func(t *testing.T, _ *faultFixture, index int, v any) {
				assert.Equal(t, map[string]any{"landed": float64(index)}, v, "the other host answered")
			},
			after: func(t *testing.T, fx *faultFixture, faultyCount int) {
				fx.mu.Lock()
				defer fx.mu.Unlock()
				assert.Equal(t, faultyCount, fx.otherHits, "every redirected item reached the other host")
				assert.Empty(t, fx.leaked, "the credential header reached the other host")
			}},
	}
}

// faultFixture is one cell's world: a simulator behind a front handler
// on 127.0.0.1, and another host (reached as localhost) for redirects.
type faultFixture struct {
	sim      *chatwootsim.Server
	sd       chatwootsim.Seed
	front    *httptest.Server
	other    *httptest.Server
	otherURL string
	faulty   func(int) bool
	handle   func(fx *faultFixture, w http.ResponseWriter, r *http.Request, index int)
	// contacts maps item index to the contact the GET item reads.
	contacts []int
	byID     map[int]int

	mu        sync.Mutex
	hits      map[int]int // requests per item index at the front
	otherHits int
	leaked    []string // credential header values the other host saw
}

type itemIndexKey struct{}

func newFaultFixture(t *testing.T, n int, get bool, faulty func(int) bool) *faultFixture {
	t.Helper()
	fx := &faultFixture{sim: chatwootsim.New(chatwootsim.Options{}), faulty: faulty, hits: map[int]int{}, byID: map[int]int{}}
	fx.sd = fx.sim.Seed()
	if get {
		fx.contacts = make([]int, n)
		for i := range n {
			fx.contacts[i] = fx.createContact(t, i)
			fx.byID[fx.contacts[i]] = i
		}
	}
	fx.front = httptest.NewServer(http.HandlerFunc(fx.serve))
	t.Cleanup(fx.front.Close)
	fx.other = httptest.NewServer(http.HandlerFunc(fx.serveOther))
	t.Cleanup(fx.other.Close)
	fx.otherURL = strings.Replace(fx.other.URL, "127.0.0.1", "localhost", 1)
	return fx
}

// createContact makes the contact item i reads, straight through the
// simulator's handler.
func (fx *faultFixture) createContact(t *testing.T, i int) int {
	body := fmt.Sprintf(`{"name":"contact-%d","inbox_id":%d}`, i, fx.sd.InboxID)
	req := httptest.NewRequest(http.MethodPost, fmt.Sprintf("/api/v1/accounts/%d/contacts", fx.sd.AccountID), strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Api-Access-Token", fx.sd.AdminToken)
	rec := httptest.NewRecorder()
	fx.sim.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var out struct {
		Payload struct {
			Contact struct {
				ID int `json:"id"`
			} `json:"contact"`
		} `json:"payload"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out))
	return out.Payload.Contact.ID
}

// indexOf finds the input item a request is for: the contact id of a
// GET, the name in a POST body, or the index in a /loop/ path.
func (fx *faultFixture) indexOf(r *http.Request) int {
	p := r.URL.Path
	if rest, ok := strings.CutPrefix(p, "/loop/"); ok {
		i, err := strconv.Atoi(rest)
		if err == nil {
			return i
		}
		return -1
	}
	if r.Method == http.MethodGet {
		i := strings.LastIndexByte(p, '/')
		id, err := strconv.Atoi(p[i+1:])
		if idx, ok := fx.byID[id]; err == nil && ok {
			return idx
		}
		return -1
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	var m struct {
		Name string `json:"name"`
	}
	if json.Unmarshal(body, &m) != nil {
		return -1
	}
	if i, err := strconv.Atoi(strings.TrimPrefix(m.Name, "item-")); err == nil {
		return i
	}
	return -1
}

func (fx *faultFixture) serve(w http.ResponseWriter, r *http.Request) {
	index := fx.indexOf(r)
	fx.mu.Lock()
	fx.hits[index]++
	fx.mu.Unlock()
	if index >= 0 && fx.faulty(index) && fx.handle != nil {
		fx.handle(fx, w, r, index)
		return
	}
	fx.sim.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), itemIndexKey{}, index)))
}

// matchFaulty is the simulator fault's Match: the front put the item
// index in the request context.
func (fx *faultFixture) matchFaulty(r *http.Request) bool {
	i, ok := r.Context().Value(itemIndexKey{}).(int)
	return ok && i >= 0 && fx.faulty(i)
}

func (fx *faultFixture) serveOther(w http.ResponseWriter, r *http.Request) {
	fx.mu.Lock()
	fx.otherHits++
	for name, vs := range r.Header {
		for _, v := range vs {
			if strings.EqualFold(name, "Api-Access-Token") || strings.Contains(v, fx.sd.AdminToken) {
				fx.leaked = append(fx.leaked, name+": "+v)
			}
		}
	}
	fx.mu.Unlock()
	if strings.Contains(r.URL.RawQuery, fx.sd.AdminToken) {
		fx.mu.Lock()
		fx.leaked = append(fx.leaked, "query: "+r.URL.RawQuery)
		fx.mu.Unlock()
	}
	i, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/landing/"))
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"landed":%d}`, i)
}

func redirectLoop(_ *faultFixture, w http.ResponseWriter, r *http.Request, index int) {
	http.Redirect(w, r, fmt.Sprintf("/loop/%d", index), http.StatusFound)
}

func redirectAway(fx *faultFixture, w http.ResponseWriter, r *http.Request, index int) {
	http.Redirect(w, r, fmt.Sprintf("%s/landing/%d", fx.otherURL, index), http.StatusFound)
}

// serveBig answers 50 MB of JSON-looking bytes without holding them.
func serveBig(withLength bool) func(*faultFixture, http.ResponseWriter, *http.Request, int) {
	return func(_ *faultFixture, w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		if withLength {
			w.Header().Set("Content-Length", strconv.Itoa(bigBody))
		}
		w.WriteHeader(http.StatusOK)
		_, _ = io.Copy(w, io.LimitReader(repeatByte('7'), bigBody))
	}
}

type repeatByte byte

func (b repeatByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

// faultTally counts what the whole matrix saw.
type faultTally struct {
	mu                                               sync.Mutex
	cases, items, outputs, errorItems, stopped, lost int
	retries, requests                                int
}

func (ft *faultTally) add(items, outputs, errorItems, stopped, lost, retries, requests int) {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	ft.cases++
	ft.items += items
	ft.outputs += outputs
	ft.errorItems += errorItems
	ft.stopped += stopped
	ft.lost += lost
	ft.retries += retries
	ft.requests += requests
}

// TestFaultMatrix is the reliability matrix of issue #10; run it with
//
//	go test ./nodes/chatwoot -run Fault -v
//
// to see its tally.
func TestFaultMatrix(t *testing.T) {
	var tally faultTally
	before := heapAfterGC()
	// Cells run four at a time: enough to overlap the timeout cells'
	// waiting, few enough that a loaded machine keeps healthy requests far
	// inside the 400 ms inactivity limit.
	slots := make(chan struct{}, 4)
	t.Run("cells", func(t *testing.T) {
		for _, fc := range faultCases() {
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				for _, continueOnFail := range []bool{false, true} {
					for _, n := range []int{1, 100} {
						name := fmt.Sprintf("%s/%s/continueOnFail=%v/items=%d", fc.name, method, continueOnFail, n)
						t.Run(name, func(t *testing.T) {
							if !fc.bigMemory {
								t.Parallel()
								slots <- struct{}{}
								defer func() { <-slots }()
							}
							runFaultCell(t, &tally, fc, method, continueOnFail, n)
						})
					}
				}
			}
		}
	})
	after := heapAfterGC()
	grown := int64(after) - int64(before)
	t.Logf("fault matrix: %d cases, %d items, %d outputs, %d error items, %d stopped by a node error, %d retries, %d requests, lost = %d; live heap %+.1f MiB after the matrix",
		tally.cases, tally.items, tally.outputs, tally.errorItems, tally.stopped, tally.retries, tally.requests, tally.lost, float64(grown)/(1<<20))
	assert.Zero(t, tally.lost, "items lost")
	assert.Less(t, grown, int64(64<<20), "the matrix must not leave memory behind")
}

func runFaultCell(t *testing.T, tally *faultTally, fc faultCase, method string, continueOnFail bool, n int) {
	faultySet := faultyIndex(n)
	if fc.faulty != nil {
		faultySet = fc.faulty(n)
	}
	get := method == http.MethodGet
	fx := newFaultFixture(t, n, get, faultySet)
	fx.handle = fc.front
	if fc.sim != nil {
		fx.sim.InjectFault(fc.sim(fx.matchFaulty))
	}
	var faulty []int
	for i := range n {
		if faultySet(i) {
			faulty = append(faulty, i)
		}
	}

	var sleeps struct {
		sync.Mutex
		waits []time.Duration
	}
	engine := &runtime.Engine{Sleep: func(ctx context.Context, d time.Duration) error {
		sleeps.Lock()
		sleeps.waits = append(sleeps.waits, d)
		sleeps.Unlock()
		return ctx.Err()
	}}
	t.Cleanup(engine.CloseIdleConnections)
	nt, err := chatwoot.NodeType()
	require.NoError(t, err)

	params := map[string]any{"resource": "Contacts", "account_id": float64(fx.sd.AccountID)}
	items := make([]node.Item, n)
	if get {
		params["operation"] = "Contact Details"
		params["id"] = "={{ $json.id }}"
		for i := range items {
			items[i] = node.Item{JSON: map[string]any{"id": float64(fx.contacts[i])}}
		}
	} else {
		params["operation"] = "Contact Create"
		params["inbox_id"] = float64(fx.sd.InboxID)
		params["name"] = "={{ $json.name }}"
		for i := range items {
			items[i] = node.Item{JSON: map[string]any{"name": fmt.Sprintf("item-%d", i)}}
		}
	}
	if fc.timeout > 0 {
		params["requestOptions"] = map[string]any{"timeout": float64(fc.timeout / time.Millisecond)}
	}
	run := runtime.Run{Node: nt, Parameters: params, Credentials: chatwoot.Credentials(fx.front.URL, fx.sd.AdminToken),
		Items: items, Settings: node.Settings{ContinueOnFail: continueOnFail}}

	var peak *heapPeak
	if fc.bigMemory {
		peak = watchHeap()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := func() (res runtime.Result, err error) {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("panic: %v", p)
			}
		}()
		return engine.Execute(ctx, run)
	}()
	require.NoError(t, err)
	if peak != nil {
		grew := peak.stop()
		// Nothing of a body announced as too large is read; a chunked one
		// is read up to the limit (16 MiB) and dropped. Two such items at
		// most are in flight.
		limit := uint64(24 << 20)
		if fc.name == "50 MB body chunked" {
			limit = uint64(len(faulty))*(48<<20) + 24<<20
		}
		assert.Less(t, grew, limit, "heap peak above the start: %.1f MiB", float64(grew)/(1<<20))
		t.Logf("heap peak %.1f MiB above the start for %d oversized bodies", float64(grew)/(1<<20), len(faulty))
	}

	fails := fc.outcome == outcomeFails
	// Account for every item.
	seen := map[int]int{}
	outputs, errorItems := 0, 0
	for _, list := range [][]node.Item{res.Items, res.ErrorItems} {
		for _, it := range list {
			require.NotNil(t, it.PairedItem, "every output is paired to its input")
			i := it.PairedItem.Item
			seen[i]++
			if it.Error != nil {
				errorItems++
				require.NotNil(t, it.Error.ItemIndex)
				assert.Equal(t, i, *it.Error.ItemIndex, "an error item names its own index")
				assert.True(t, faultySet(i), "item %d failed but was not faulty: %s %s", i, it.Error.Message, it.Error.Description)
				checkFaultError(t, fc, it.Error.HTTPCode, it.Error.Message)
				continue
			}
			outputs++
			checkFaultOutput(t, fx, fc, get, i, it.JSON)
		}
	}
	stopped := 0
	if res.Err != nil {
		require.True(t, fails, "the node failed: %v", res.Err)
		require.False(t, continueOnFail, "with continue-on-fail the node does not fail: %v", res.Err)
		k := res.Err.ItemIndex
		require.Equal(t, faulty[0], k, "the node stops at the first faulty item: %v", res.Err)
		checkFaultError(t, fc, res.Err.HTTPCode, res.Err.Message)
		require.Len(t, res.Items, k, "the outputs of the items before the stop")
		require.Empty(t, res.ErrorItems, "no item past the stop is delivered")
		for j, it := range res.Items {
			require.Equal(t, j, it.PairedItem.Item, "outputs in input order")
		}
		seen[k]++
		errorItems++
		stopped = n - k - 1
	} else {
		require.False(t, fails && !continueOnFail, "the node should have failed")
	}
	lost := 0
	for i := range n {
		switch {
		case seen[i] == 1:
		case seen[i] == 0 && res.Err != nil && i > res.Err.ItemIndex:
		case seen[i] == 0:
			lost++
			t.Errorf("item %d is lost", i)
		default:
			t.Errorf("item %d appears %d times", i, seen[i])
		}
	}

	// Retries: the policy's attempts, observed through the fake clock and
	// the server's log.
	attempts := 1
	if fails && (get && fc.retriedGET || !get && fc.retriedPOST) {
		attempts = 3
	}
	perAttempt := max(fc.perAttempt, 1)
	sleeps.Lock()
	waits := append([]time.Duration(nil), sleeps.waits...)
	sleeps.Unlock()
	fx.mu.Lock()
	hits := func(i int) int { return fx.hits[i] }
	checkHits := func(i int) {
		want := attempts * perAttempt
		if !faultySet(i) || !fails {
			want = 1
		}
		if fc.transportReplay && get && faultySet(i) {
			// Go's transport replays an idempotent request once when a
			// reused connection fails before the response.
			assert.True(t, hits(i) >= want && hits(i) <= 2*want, "item %d: %d requests, want %d to %d", i, hits(i), want, 2*want)
			return
		}
		assert.Equal(t, want, hits(i), "item %d: requests", i)
	}
	requests := 0
	for _, c := range fx.hits {
		requests += c
	}
	if continueOnFail {
		for i := range n {
			checkHits(i)
		}
		if fails {
			assert.Len(t, waits, len(faulty)*(attempts-1), "retry waits")
		}
	} else if fails {
		checkHits(faulty[0]) // the stopping item ran all its attempts
	}
	fx.mu.Unlock()
	if fc.waits != nil {
		fc.waits(t, waits)
	}
	if fc.after != nil {
		fc.after(t, fx, len(faulty))
	}
	tally.add(n, outputs, errorItems, stopped, lost, len(waits), requests)
}

func checkFaultError(t *testing.T, fc faultCase, httpCode, message string) {
	t.Helper()
	require.Equal(t, outcomeFails, fc.outcome, "unexpected error %s %s", httpCode, message)
	assert.Equal(t, fc.httpCode, httpCode, "httpCode of %q", message)
	assert.Contains(t, strings.ToLower(message), strings.ToLower(fc.message))
}

func checkFaultOutput(t *testing.T, fx *faultFixture, fc faultCase, get bool, i int, v any) {
	t.Helper()
	if fx.faulty(i) && fc.output != nil {
		fc.output(t, fx, i, v)
		return
	}
	if fx.faulty(i) && fc.outcome == outcomeFails {
		t.Errorf("faulty item %d succeeded: %v", i, v)
		return
	}
	if get {
		assert.Equal(t, float64(fx.contacts[i]), path(v, "payload", "id"), "item %d's output is its contact", i)
	} else {
		assert.Equal(t, fmt.Sprintf("item-%d", i), path(v, "payload", "contact", "name"), "item %d's output is its contact", i)
	}
}

// heapAfterGC is the live heap after a collection.
func heapAfterGC() uint64 {
	goruntime.GC()
	var ms goruntime.MemStats
	goruntime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// heapPeak samples the heap while a cell runs: runtime/metrics reads do
// not stop the world, unlike ReadMemStats.
type heapPeak struct {
	start uint64
	max   atomic.Uint64
	done  chan struct{}
	wg    sync.WaitGroup
}

const heapMetric = "/memory/classes/heap/objects:bytes"

func readHeap() uint64 {
	s := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func watchHeap() *heapPeak {
	h := &heapPeak{start: heapAfterGC(), done: make(chan struct{})}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			if v := readHeap(); v > h.max.Load() {
				h.max.Store(v)
			}
			select {
			case <-h.done:
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

// stop returns how far the heap rose above its start.
func (h *heapPeak) stop() uint64 {
	close(h.done)
	h.wg.Wait()
	if m := h.max.Load(); m > h.start {
		return m - h.start
	}
	return 0
}
