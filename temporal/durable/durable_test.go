package durable_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/encoding/protojson"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes/chatwoot/chatwootsim"
	"github.com/noderun/noderun/temporal/durable"
)

func conversationsPath(seed chatwootsim.Seed) string {
	return "/public/api/v1/inboxes/" + seed.InboxIdentifier + "/contacts/" + seed.ContactSourceID + "/conversations"
}

// 20,000 items over two workers: every item's conversation created
// exactly once, the output in input order, read back from the history.
func TestTwentyThousandItemsOverTwoWorkers(t *testing.T) {
	const n = 20000
	f := newFixture(t)
	// Two chunks at a time per worker, four in flight: both workers work.
	opts := worker.Options{MaxConcurrentActivityExecutionSize: 2}
	f.worker(t, "worker-a", "", opts)
	f.worker(t, "worker-b", "", opts)
	req := f.conversations(n)
	req.Options.MaxInFlight = 4
	run := f.start(t, req)
	res := f.collect(t, run)

	require.Nil(t, res.Error)
	require.Equal(t, n, res.InputItems)
	assert.False(t, res.Inline(), "%d bytes of output are read from the history, not returned inline", res.OutputBytes)
	requireInOrder(t, res.Items, n)
	assert.Empty(t, res.ErrorItems)
	// Each request is sent once, unless a chunk was retried (on a machine
	// so starved that a heartbeat came a whole timeout late, or after a
	// connection error): then at most that chunk's items are sent again.
	maxAttempt, ids := attempts(t, f.c, run)
	retries := 0
	for _, a := range chunkAttempts(t, f.c, run) {
		retries += a - 1
	}
	sent, ok := f.rec.counts()
	duplicates := 0
	for i := 0; i < n; i++ {
		require.GreaterOrEqual(t, ok[i], 1, "item %d created", i)
		duplicates += sent[i] - 1
	}
	require.Len(t, sent, n)
	if retries == 0 {
		assert.Zero(t, duplicates, "without a retry every item is sent exactly once")
	}
	assert.LessOrEqual(t, duplicates, retries*500, "a retried chunk sends at most its items again")
	t.Logf("retries %d (max attempt %d), items sent twice %d", retries, maxAttempt, duplicates)
	assert.Positive(t, ids["worker-a"], "worker-a ran chunks: %v", ids)
	assert.Positive(t, ids["worker-b"], "worker-b ran chunks: %v", ids)
	t.Logf("%d items, %d chunks, %d output bytes, chunks per worker %v", n, res.Chunks, res.OutputBytes, ids)
}

// A worker process killed mid-run: the other worker finishes, no item is
// lost, and the items sent twice are at most those the killed worker sent
// within one heartbeat window before it died.
func TestWorkerKilledMidRun(t *testing.T) {
	const n = 6000
	f := newFixture(t)
	// Slow requests, so that the kill lands mid-run.
	f.sim.InjectFault(chatwootsim.Fault{Method: "POST", PathPrefix: conversationsPath(f.seed), Latency: 20 * time.Millisecond})
	exe, err := os.Executable()
	require.NoError(t, err)
	child := exec.Command(exe)
	child.Env = append(os.Environ(), envChildWorker+"="+f.queue, envChildAddr+"="+server.GetFrontendHostPort(),
		envChildNS+"="+server.GetDefaultNamespace(), envChildSim+"="+f.url)
	child.Stderr = os.Stderr
	require.NoError(t, child.Start())
	defer func() { _ = child.Process.Kill(); _, _ = child.Process.Wait() }()

	req := f.conversations(n)
	const heartbeat = 2 * time.Second
	req.Options.HeartbeatTimeout = heartbeat
	req.Options.MaxInFlight = 2
	run := f.start(t, req)
	deadline := time.Now().Add(time.Minute)
	// Long enough before the kill that the heartbeat window is a part of
	// what the child sent, not all of it.
	for f.rec.total() < n/2 {
		require.True(t, time.Now().Before(deadline), "the child worker sent %d requests in a minute", f.rec.total())
		time.Sleep(20 * time.Millisecond)
	}
	require.NoError(t, child.Process.Kill())
	killed := time.Now()
	_, _ = child.Process.Wait()
	sentByChild := f.rec.total()
	// What the server may not have heard of: the SDK sends a heartbeat at
	// most every 0.8 of the timeout, with details at most a ticker period
	// (a quarter) old; plus a little for the request in progress.
	window := heartbeat*8/10 + heartbeat/4 + 100*time.Millisecond
	inWindow := 0
	f.rec.mu.Lock()
	for _, at := range f.rec.times[:sentByChild] {
		if at.After(killed.Add(-window)) {
			inWindow++
		}
	}
	f.rec.mu.Unlock()

	f.worker(t, "survivor", "", worker.Options{})
	res := f.collect(t, run)
	require.Nil(t, res.Error)
	requireInOrder(t, res.Items, n)
	sent, ok := f.rec.counts()
	duplicates := 0
	for i := 0; i < n; i++ {
		require.GreaterOrEqual(t, ok[i], 1, "item %d was created", i)
		duplicates += sent[i] - 1
	}
	// A chunk retried for another reason than the kill (a heartbeat late
	// by a whole timeout on a starved machine) may resend up to its size.
	retries := 0
	hist := f.c.GetWorkflowHistory(context.Background(), run.GetID(), run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for hist.HasNext() {
		ev, err := hist.Next()
		require.NoError(t, err)
		if a := ev.GetActivityTaskStartedEventAttributes(); a != nil {
			retries += int(a.GetAttempt()) - 1
		}
	}
	extra := max(0, retries-req.Options.MaxInFlight) * 500
	t.Logf("killed after %d requests; %d items sent twice; %d sent in the last %v before the kill; %d items resumed without resending; %d retries",
		sentByChild, duplicates, inWindow, window, res.Resumed, retries)
	assert.LessOrEqual(t, duplicates, inWindow+extra, "duplicates are bounded by one heartbeat window")
	// How many items the retried chunks skipped depends on where in a
	// chunk the kill fell (a chunk killed before its first heartbeat
	// skips none); TestServerErrorsRetriedPerRetryOnFail shows the resume.
	_, ids := attempts(t, f.c, run)
	assert.Positive(t, ids["survivor"], "the survivor ran the rest: %v", ids)
}

// A 429 storm with Retry-After: the chunk fails its attempt with a
// retryable error whose next delay is the server's, and resumes at the
// item that got the 429.
func TestRateLimitStormRetriedAfterRetryAfter(t *testing.T) {
	const n = 300
	f := newFixture(t)
	f.worker(t, "w", "", worker.Options{})
	storm := f.sim.InjectFault(chatwootsim.Fault{Method: "POST", PathPrefix: conversationsPath(f.seed), Times: 20,
		Action: chatwootsim.ActionStatus, Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"2"}}})
	run := f.start(t, f.conversations(n))
	res := f.collect(t, run)
	require.Nil(t, res.Error)
	requireInOrder(t, res.Items, n)
	assert.Equal(t, 20, f.sim.FaultHits(storm))
	_, ok := f.rec.counts()
	for i := 0; i < n; i++ {
		require.Equal(t, 1, ok[i], "item %d created once", i)
	}
	maxAttempt, _ := attempts(t, f.c, run)
	assert.GreaterOrEqual(t, maxAttempt, int32(2), "the storm cost the chunk an attempt")
	// Each item that got a 429 was sent again after Retry-After (2 s),
	// not the policy's 1 s.
	f.rec.mu.Lock()
	defer f.rec.mu.Unlock()
	limited := map[int]time.Time{}
	waited := 0
	for _, ev := range f.rec.done {
		switch {
		case ev.status == http.StatusTooManyRequests:
			limited[ev.order] = ev.at
		case ev.status == 200 && !limited[ev.order].IsZero():
			assert.GreaterOrEqual(t, ev.at.Sub(limited[ev.order]), 1900*time.Millisecond, "item %d was retried after Retry-After", ev.order)
			waited++
		}
	}
	assert.Equal(t, len(limited), waited, "every rate-limited item was retried once it was let through")
}

// 5xx bursts with n8n's retryOnFail: retried up to maxTries attempts,
// waitBetweenTries apart; a burst longer than that fails the node with
// n8n's error and the output before the failed item.
func TestServerErrorsRetriedPerRetryOnFail(t *testing.T) {
	for _, tc := range []struct {
		name   string
		burst  int
		fails  bool
		status int
	}{
		{name: "burst shorter than maxTries", burst: 2, status: 503},
		{name: "errors outlast maxTries", burst: 0, fails: true, status: 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const n = 50
			f := newFixture(t)
			f.worker(t, "w", "", worker.Options{})
			// Item 10 fails, tc.burst times (0: always).
			f.sim.InjectFault(chatwootsim.Fault{Method: "POST", PathPrefix: conversationsPath(f.seed), Times: tc.burst,
				Match: func(r *http.Request) bool { return orderOf(r) == 10 }, Action: chatwootsim.ActionStatus, Status: tc.status})
			req := f.conversations(n)
			req.Settings = node.Settings{RetryOnFail: true, MaxTries: 3, WaitBetweenTries: 200}
			req.Options.MaxInFlight = 1
			req.Options.ChunkItems = 25
			run := f.start(t, req)
			res := f.collect(t, run)
			maxAttempt, _ := attempts(t, f.c, run)
			sent, _ := f.rec.counts()
			if !tc.fails {
				require.Nil(t, res.Error)
				requireInOrder(t, res.Items, n)
				assert.Equal(t, int32(3), maxAttempt)
				assert.Equal(t, 3, sent[10], "item 10 sent once per attempt")
				assert.Equal(t, 1, sent[9], "the item before it was not sent again")
				return
			}
			require.NotNil(t, res.Error)
			assert.Equal(t, "500", res.Error.HTTPCode)
			assert.Equal(t, "NodeApiError", res.Error.Name)
			assert.NotEmpty(t, res.Error.Message)
			require.NotNil(t, res.Error.ItemIndex)
			assert.Equal(t, 10, *res.Error.ItemIndex)
			assert.Equal(t, int32(3), maxAttempt, "maxTries 3: three attempts")
			assert.Equal(t, 3, sent[10])
			requireInOrder(t, res.Items, 10)
		})
	}
}

// orderOf reads an item's order from a request body, which it leaves
// for the simulator to read again.
func orderOf(r *http.Request) int {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return -1
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var b struct {
		CustomAttributes map[string]any `json:"custom_attributes"`
	}
	if json.Unmarshal(body, &b) != nil {
		return -1
	}
	if v, ok := b.CustomAttributes["order"].(float64); ok {
		return int(v)
	}
	return -1
}

// 4xx answers are not retried: the node fails at once with n8n's
// message, description and httpCode; with continueOnFail they become
// error items and every other item goes on.
func TestClientErrorsNotRetried(t *testing.T) {
	const n = 40
	f := newFixture(t)
	f.worker(t, "w", "", worker.Options{})
	bad := map[int]bool{7: true, 23: true}
	f.sim.InjectFault(chatwootsim.Fault{Method: "POST", PathPrefix: conversationsPath(f.seed),
		Match: func(r *http.Request) bool { return bad[orderOf(r)] }, Action: chatwootsim.ActionStatus, Status: 422,
		Body: `{"message":"Custom attributes are invalid"}`})

	t.Run("stops the node", func(t *testing.T) {
		run := f.start(t, f.conversations(n))
		res := f.collect(t, run)
		require.NotNil(t, res.Error)
		assert.Equal(t, "422", res.Error.HTTPCode)
		assert.Equal(t, "Custom attributes are invalid", res.Error.Description)
		assert.NotEmpty(t, res.Error.Message)
		maxAttempt, _ := attempts(t, f.c, run)
		assert.Equal(t, int32(1), maxAttempt, "a 4xx is not retried")
		requireInOrder(t, res.Items, 7)
	})
	t.Run("continueOnFail", func(t *testing.T) {
		req := f.conversations(n)
		req.Settings = node.Settings{ContinueOnFail: true}
		req.Options.ChunkItems = 10
		res := f.collect(t, f.start(t, req))
		require.Nil(t, res.Error)
		require.Len(t, res.Items, n)
		for i, it := range res.Items {
			require.Equal(t, i, it.PairedItem.Item)
			if bad[i] {
				require.NotNil(t, it.Error, "item %d is an error item", i)
				assert.Equal(t, "422", it.Error.HTTPCode)
				require.NotNil(t, it.Error.ItemIndex)
				assert.Equal(t, i, *it.Error.ItemIndex, "the error item names its run-wide index")
				continue
			}
			require.Nil(t, it.Error, "item %d", i)
		}
	})
}

// Cancelling the workflow cancels the requests in flight.
func TestCancelStopsRequestsInFlight(t *testing.T) {
	f := newFixture(t)
	f.worker(t, "w", "", worker.Options{})
	f.sim.InjectFault(chatwootsim.Fault{Method: "POST", PathPrefix: conversationsPath(f.seed), Latency: time.Minute})
	req := f.conversations(100)
	req.Options.HeartbeatTimeout = 2 * time.Second
	run := f.start(t, req)
	for f.rec.total() == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	began := time.Now()
	require.NoError(t, f.c.CancelWorkflow(ctx, run.GetID(), run.GetRunID()))
	err := run.Get(ctx, nil)
	require.Error(t, err)
	assert.Contains(t, strings.ToLower(err.Error()), "cancel")
	took := time.Since(began)
	assert.Less(t, took, 15*time.Second, "the minute-long requests were abandoned")
	f.rec.mu.Lock()
	arrived, done := len(f.rec.times), f.rec.done
	f.rec.mu.Unlock()
	require.Len(t, done, arrived, "every request sent has ended")
	for _, ev := range done {
		assert.True(t, ev.gone, "the request of item %d was cancelled", ev.order)
	}
	desc, err := f.c.DescribeWorkflowExecution(ctx, run.GetID(), run.GetRunID())
	require.NoError(t, err)
	assert.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED, desc.GetWorkflowExecutionInfo().GetStatus())
	assert.Empty(t, desc.GetPendingActivities(), "the activities ended with the workflow")
	t.Logf("cancelled in %v", took)
}

// The whole history of a run that used a token holds no trace of it;
// a request that carries one is refused.
func TestNoSecretInHistory(t *testing.T) {
	f := newFixture(t)
	token := f.seed.AdminToken
	f.worker(t, "w", token, worker.Options{})
	req := durable.Request{
		Node: "chatwoot",
		Parameters: map[string]any{"resource": "Contacts", "operation": "Contact Create",
			"account_id": float64(f.seed.AccountID), "inbox_id": float64(f.seed.InboxID), "name": "={{ $json.name }}"},
		Credentials: []durable.CredentialRef{{Type: "chatwootApi", Name: "prod"}},
		Items:       []node.Item{{JSON: map[string]any{"name": "item-0"}}, {JSON: map[string]any{"name": "item-1"}}},
	}
	run := f.start(t, req)
	res := f.collect(t, run)
	require.Nil(t, res.Error)
	require.Len(t, res.Items, 2)
	_, ok := f.rec.counts()
	assert.Equal(t, 1, ok[0], "the token worked: the contact was created")

	it := f.c.GetWorkflowHistory(context.Background(), run.GetID(), run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	events := 0
	for it.HasNext() {
		ev, err := it.Next()
		require.NoError(t, err)
		data, err := protojson.Marshal(ev)
		require.NoError(t, err)
		require.NotContains(t, string(data), token, "event %d %s", ev.GetEventId(), ev.GetEventType())
		events++
	}
	require.Positive(t, events)

	t.Run("refused in parameters", func(t *testing.T) {
		bad := req
		bad.Parameters = map[string]any{"resource": "Contacts", "operation": "Contact Create", "accessToken": token}
		_, err := durable.Start(context.Background(), f.c, client.StartWorkflowOptions{TaskQueue: f.queue}, bad)
		var se *durable.SecretError
		require.ErrorAs(t, err, &se)
		assert.Contains(t, err.Error(), "plain text")
		assert.NotContains(t, err.Error(), token)
	})
	t.Run("refused by the worker in items", func(t *testing.T) {
		bad := req
		bad.Items = []node.Item{{JSON: map[string]any{"name": "x", "note": "token " + token}}}
		res := f.collect(t, f.start(t, bad))
		require.NotNil(t, res.Error)
		assert.Equal(t, durable.ErrTypeInput, res.Error.Name)
		assert.Contains(t, res.Error.Message, "secret value")
		assert.NotContains(t, res.Error.Message, token)
		_, ok := f.rec.counts()
		assert.Zero(t, ok[-1]+ok[2], "nothing was sent")
	})
}
