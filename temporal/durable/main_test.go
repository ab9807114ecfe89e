package durable_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes/chatwoot"
	"github.com/noderun/noderun/nodes/chatwoot/chatwootsim"
	"github.com/noderun/noderun/runtime"
	"github.com/noderun/noderun/runtime/expr"
	"github.com/noderun/noderun/temporal/durable"
)

// The killed worker of TestWorkerKilledMidRun is this test binary run
// again with these variables set: a real process that can be SIGKILLed.
const (
	envChildWorker = "NODERUN_DURABLE_CHILD_WORKER" // the task queue
	envChildAddr   = "NODERUN_DURABLE_CHILD_ADDR"
	envChildNS     = "NODERUN_DURABLE_CHILD_NS"
	envChildSim    = "NODERUN_DURABLE_CHILD_SIM"
)

// patientExpressions lifts the 1 s expression time limit: on a machine
// shared by many builds an evaluation can wait that long for a core.
var patientExpressions = expr.Options{Timeout: time.Minute}

// server is one in-process Temporal server for every test; each test
// uses its own task queue.
var server *temporaltest.TestServer

func TestMain(m *testing.M) {
	if q := os.Getenv(envChildWorker); q != "" {
		os.Exit(childWorker(q))
	}
	server = temporaltest.NewServer()
	code := m.Run()
	server.Stop()
	os.Exit(code)
}

// childWorker runs a worker until it is killed.
func childWorker(queue string) int {
	c, err := client.Dial(client.Options{HostPort: os.Getenv(envChildAddr), Namespace: os.Getenv(envChildNS), Identity: "child-worker"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	w := worker.New(c, queue, worker.Options{})
	durable.Register(w, &durable.Activities{
		Engine:      &runtime.Engine{Retry: runtime.RetryPolicy{Disabled: true}, MaxConcurrency: 8, Expressions: patientExpressions},
		Credentials: durable.Stores{"prod": chatwoot.Credentials(os.Getenv(envChildSim), "")},
	})
	if err := w.Run(worker.InterruptCh()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// recorder counts the conversations created per item ("order" in the
// custom attributes) in front of the simulator, with the time of each.
type recorder struct {
	sim *chatwootsim.Server
	mu  sync.Mutex
	// sent counts the requests per order; ok those answered 200.
	sent, ok map[int]int
	times    []time.Time // arrivals
	done     []event     // completions
}

// event is a request the simulator answered.
type event struct {
	order  int
	at     time.Time
	status int
	// gone is set when the client had gone away by the time the answer
	// was written: its request was cancelled.
	gone bool
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	order := -1
	if r.Method == http.MethodPost {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var b struct {
			CustomAttributes map[string]any `json:"custom_attributes"`
			Name             string         `json:"name"`
		}
		if json.Unmarshal(body, &b) == nil {
			switch v := b.CustomAttributes["order"].(type) {
			case float64:
				order = int(v)
			case string:
				fmt.Sscan(v, &order)
			}
			if n, ok := strings.CutPrefix(b.Name, "item-"); ok {
				fmt.Sscan(n, &order)
			}
		}
	}
	sw := &statusWriter{ResponseWriter: w, status: 200}
	rc.mu.Lock()
	rc.sent[order]++
	rc.times = append(rc.times, time.Now())
	rc.mu.Unlock()
	rc.sim.ServeHTTP(sw, r)
	rc.mu.Lock()
	if sw.status == 200 {
		rc.ok[order]++
	}
	rc.done = append(rc.done, event{order: order, at: time.Now(), status: sw.status, gone: r.Context().Err() != nil})
	rc.mu.Unlock()
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (rc *recorder) counts() (sent, ok map[int]int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	sent, ok = map[int]int{}, map[int]int{}
	for k, v := range rc.sent {
		sent[k] = v
	}
	for k, v := range rc.ok {
		ok[k] = v
	}
	return sent, ok
}

func (rc *recorder) total() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.times)
}

// fixture is a simulator behind a recorder, a task queue and a client.
type fixture struct {
	sim   *chatwootsim.Server
	seed  chatwootsim.Seed
	rec   *recorder
	url   string
	queue string
	c     client.Client
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	sim := chatwootsim.New(chatwootsim.Options{})
	rec := &recorder{sim: sim, sent: map[int]int{}, ok: map[int]int{}}
	hs := httptest.NewServer(rec)
	t.Cleanup(hs.Close)
	return &fixture{sim: sim, seed: sim.Seed(), rec: rec, url: hs.URL,
		queue: "q-" + strings.ReplaceAll(t.Name(), "/", "-"), c: server.GetDefaultClient()}
}

// worker starts an in-process worker with its own client (its own
// identity), holding the simulator's credentials under the name "prod".
func (f *fixture) worker(t *testing.T, identity string, token string, opts worker.Options) worker.Worker {
	t.Helper()
	c := server.NewClientWithOptions(client.Options{Identity: identity})
	if opts.MaxHeartbeatThrottleInterval == 0 {
		// As noderun-temporal's workers: heartbeats reach the server every
		// 2 s at most, not only every 0.8 of the timeout (see README).
		opts.MaxHeartbeatThrottleInterval = 2 * time.Second
	}
	w := worker.New(c, f.queue, opts)
	engine := &runtime.Engine{Retry: runtime.RetryPolicy{Disabled: true}, Expressions: patientExpressions}
	t.Cleanup(engine.CloseIdleConnections)
	durable.Register(w, &durable.Activities{Engine: engine,
		Credentials: durable.Stores{"prod": chatwoot.Credentials(f.url, token)}})
	require.NoError(t, w.Start())
	t.Cleanup(w.Stop)
	return w
}

// conversations is a run of the typed node creating one conversation
// per item, item i with the custom attribute order i.
func (f *fixture) conversations(n int) durable.Request {
	items := make([]node.Item, n)
	for i := range items {
		items[i] = node.Item{JSON: map[string]any{"order": float64(i)}}
	}
	return durable.Request{
		Node: chatwoot.TypedName,
		Parameters: map[string]any{
			"inbox_identifier":   f.seed.InboxIdentifier,
			"contact_identifier": f.seed.ContactSourceID,
			"custom_attributes":  `={"order": {{ $json.order }}}`,
		},
		Credentials: []durable.CredentialRef{{Type: chatwoot.CredentialName, Name: "prod"}},
		Items:       items,
	}
}

func (f *fixture) start(t *testing.T, req durable.Request) client.WorkflowRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	run, err := durable.Start(ctx, f.c, client.StartWorkflowOptions{TaskQueue: f.queue}, req)
	require.NoError(t, err)
	return run
}

func (f *fixture) collect(t *testing.T, run client.WorkflowRun) durable.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := durable.Collect(ctx, f.c, run.GetID(), run.GetRunID())
	require.NoError(t, err)
	return res
}

// requireInOrder checks that output i is item i's conversation, paired
// to i: every item accounted for, in input order.
func requireInOrder(t *testing.T, items []node.Item, n int) {
	t.Helper()
	require.Len(t, items, n)
	for i, it := range items {
		require.NotNil(t, it.PairedItem, "output %d", i)
		require.Equal(t, i, it.PairedItem.Item, "output %d is paired to its input", i)
		require.Nil(t, it.Error, "output %d", i)
		attrs, _ := it.JSON.(map[string]any)["custom_attributes"].(map[string]any)
		require.Equal(t, float64(i), attrs["order"], "output %d is item %d's conversation", i, i)
	}
}

// attempts reads the attempt of each chunk's last start and which
// worker identities started chunks.
func attempts(t *testing.T, c client.Client, run client.WorkflowRun) (maxAttempt int32, identities map[string]int) {
	t.Helper()
	identities = map[string]int{}
	it := c.GetWorkflowHistory(context.Background(), run.GetID(), run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		require.NoError(t, err)
		if a := ev.GetActivityTaskStartedEventAttributes(); a != nil {
			identities[a.GetIdentity()]++
			maxAttempt = max(maxAttempt, a.GetAttempt())
		}
	}
	return maxAttempt, identities
}

// chunkAttempts reads the attempt each chunk completed on, and logs why
// the attempts before it failed.
func chunkAttempts(t *testing.T, c client.Client, run client.WorkflowRun) []int {
	t.Helper()
	var out []int
	it := c.GetWorkflowHistory(context.Background(), run.GetID(), run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		require.NoError(t, err)
		if a := ev.GetActivityTaskStartedEventAttributes(); a != nil {
			out = append(out, int(a.GetAttempt()))
			if a.GetAttempt() > 1 {
				t.Logf("a chunk took %d attempts; the last failure: %s", a.GetAttempt(), a.GetLastFailure().GetMessage())
			}
		}
	}
	return out
}
