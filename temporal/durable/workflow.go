package durable

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// WorkflowRunNode is the workflow's registered name.
const WorkflowRunNode = "noderun.RunNode"

// Result is a run's output. When it is small enough (Options.InlineBytes)
// Items and ErrorItems hold it; otherwise Segments name the activity
// results in the history that hold it, and Collect reads them.
type Result struct {
	// Items is the main output, in input order, each paired to its
	// run-wide input index; failed items continued with
	// continueRegularOutput are here with their error set.
	Items []node.Item `json:"items"`
	// ErrorItems is the error output of onError continueErrorOutput.
	ErrorItems []node.Item `json:"errorItems"`
	// Error is set when the node failed: Items then holds the output of
	// the items before the failed one.
	Error *node.ErrorInfo `json:"error,omitempty"`
	// PassedThrough is set when the node failed but continues: Items are
	// the input items, unchanged (n8n's F7).
	PassedThrough *node.ErrorInfo `json:"passedThrough,omitempty"`
	// Segments are the chunk results holding the output, in input order,
	// when it is not inline.
	Segments []Segment `json:"segments,omitempty"`
	// InputItems counts the run's input items; OutputBytes the encoded
	// output; Chunks the activities that delivered it; Resumed the items
	// that retried attempts did not send again.
	InputItems  int `json:"inputItems"`
	OutputBytes int `json:"outputBytes"`
	Chunks      int `json:"chunks"`
	Resumed     int `json:"resumed,omitempty"`
}

// Segment is one activity's share of the output: the input items Start to
// Next-1.
type Segment struct {
	ActivityID string `json:"activityId"`
	Start      int    `json:"start"`
	Next       int    `json:"next"`
}

// Inline reports whether the workflow returned the output in its result;
// when not, Collect fills Items and ErrorItems from the history.
func (r *Result) Inline() bool { return len(r.Segments) == 0 }

// chunkState is a chunk scheduled or waiting in the workflow.
type chunkState struct {
	chunk  Chunk
	id     string
	cancel workflow.CancelFunc
	future workflow.Future
}

func sortedKeys(m map[int]*chunkState) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}

// RunNode is the workflow: it splits the request's items into chunks
// (Options.ChunkItems and ChunkBytes), runs them as RunChunk activities
// with at most Options.MaxInFlight at once, and returns the output in
// input order with every input item accounted for.
func RunNode(ctx workflow.Context, req Request) (Result, error) {
	opts := req.Options.withDefaults()
	items := runtime.InputItems(req.Items)
	if req.Settings.ExecuteOnce {
		items = items[:1]
	}
	base := req
	base.Items = nil
	queue, err := split(base, items, opts)
	if err != nil {
		return Result{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInput, nil)
	}
	ao := workflow.ActivityOptions{
		TaskQueue:           opts.TaskQueue,
		StartToCloseTimeout: opts.StartToCloseTimeout,
		HeartbeatTimeout:    opts.HeartbeatTimeout,
		RetryPolicy:         retryPolicy(req.Settings, opts),
		WaitForCancellation: true,
	}
	ctx = workflow.WithActivityOptions(ctx, ao)

	done := map[int]ChunkResult{} // by Start
	var failed *node.ErrorInfo
	failedAt := len(items) // the run-wide index of the failed item
	var passed *node.ErrorInfo
	inFlight := map[int]*chunkState{}
	sel := workflow.NewSelector(ctx)
	pending := 0

	schedule := func(cs *chunkState) {
		cctx, cancel := workflow.WithCancel(ctx)
		cs.cancel = cancel
		cctx = workflow.WithActivityOptions(cctx, func() workflow.ActivityOptions {
			o := ao
			o.ActivityID = cs.id
			return o
		}())
		inFlight[cs.chunk.Start] = cs
		pending++
		f := workflow.ExecuteActivity(cctx, ActivityRunChunk, cs.chunk)
		cs.future = f
		sel.AddFuture(f, func(f workflow.Future) {
			pending--
			delete(inFlight, cs.chunk.Start)
			var r ChunkResult
			err := f.Get(ctx, &r)
			if err != nil {
				var canceled *temporal.CanceledError
				if errors.As(err, &canceled) {
					return
				}
				info, partial := failureInfo(err)
				start := cs.chunk.Start
				if partial != nil && partial.Start == start {
					r = *partial
					if len(r.Pending) > 0 {
						// Retries ran out with items still failing: the
						// node fails at the first of them.
						at := slices.Min(r.Pending)
						r.Items, r.ErrorItems, r.Next, r.Pending = before(r.Items, at), before(r.ErrorItems, at), at, nil
					}
				} else {
					r = ChunkResult{Start: start, Next: start}
				}
				if r.Next > r.Start {
					done[r.Start] = r
				}
				if r.Next < failedAt {
					failed, failedAt = info, r.Next
					if info.ItemIndex == nil {
						i := r.Next
						info.ItemIndex = &i
					}
				}
				return
			}
			if r.PassedThrough != nil && passed == nil {
				passed = r.PassedThrough
			}
			done[r.Start] = r
			if rest := r.Next - r.Start; rest < len(cs.chunk.Items) {
				// The output budget was reached: the rest is a new chunk,
				// run next.
				next := cs.chunk
				next.Start = r.Next
				next.Items = cs.chunk.Items[rest:]
				queue = append([]Chunk{next}, queue...)
			}
		})
	}

	cancelled := false
	sel.AddReceive(ctx.Done(), func(c workflow.ReceiveChannel, _ bool) {
		c.Receive(ctx, nil)
		cancelled = true
	})
	for {
		if len(queue) > 0 && failed == nil && workflow.GetInfo(ctx).GetCurrentHistorySize() > historyBudget {
			msg := fmt.Sprintf("the run's output outgrew one workflow history (%d MiB of the server's 50 MiB limit): split the items over several runs", historyBudget>>20)
			failed = &node.ErrorInfo{Name: ErrTypeInput, Message: msg}
			failedAt = nextUnscheduled(queue, len(items))
		}
		// After a failure only the chunks before the failed item matter.
		for len(queue) > 0 && pending < opts.MaxInFlight && queue[0].Start < failedAt {
			c := queue[0]
			queue = queue[1:]
			schedule(&chunkState{chunk: c, id: chunkID(c.Start)})
		}
		if failed != nil {
			for _, start := range sortedKeys(inFlight) {
				if start > failedAt {
					inFlight[start].cancel()
				}
			}
		}
		if pending == 0 {
			break
		}
		sel.Select(ctx)
		if cancelled {
			// The activities get the cancellation with their next
			// heartbeat and stop their requests in flight; wait for them.
			dctx, _ := workflow.NewDisconnectedContext(ctx)
			for _, start := range sortedKeys(inFlight) {
				_ = inFlight[start].future.Get(dctx, nil)
			}
			return Result{}, temporal.NewCanceledError()
		}
	}
	return assemble(done, len(items), failedAt, failed, passed, items, req.Settings, opts)
}

// assemble puts the chunk results in input order: the output of every
// item before failedAt (all of them when nothing failed).
func assemble(done map[int]ChunkResult, n, failedAt int, failed, passed *node.ErrorInfo, items []node.Item, settings node.Settings, opts Options) (Result, error) {
	res := Result{InputItems: n, Error: failed}
	starts := make([]int, 0, len(done))
	for s := range done {
		starts = append(starts, s)
	}
	sort.Ints(starts)
	next := 0
	var segs []Segment
	var outItems, errItems []node.Item
	for _, s := range starts {
		r := done[s]
		if s != next || s >= failedAt {
			break
		}
		next = r.Next
		res.OutputBytes += r.Bytes
		res.Resumed += r.Resumed
		res.Chunks++
		segs = append(segs, Segment{ActivityID: chunkID(r.Start), Start: r.Start, Next: r.Next})
		outItems = append(outItems, r.Items...)
		errItems = append(errItems, r.ErrorItems...)
	}
	if failed == nil && next != n {
		// Every item is accounted for, or the run says which is not.
		return Result{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("internal error: the chunks delivered items 0 to %d of %d", next-1, n), ErrTypeInput, nil)
	}
	if passed != nil {
		// A node that failed as a whole and continues passes its whole
		// input through, not only the failed chunk's (F7).
		res = Result{InputItems: n, PassedThrough: passed, Items: runtime.PassThrough(items, node.Settings{}), ErrorItems: []node.Item{}}
		res.OutputBytes = sizeOf(res.Items)
		if res.OutputBytes > opts.InlineBytes {
			res.Items = nil // Collect rebuilds them from the workflow's input
		}
		return res, nil
	}
	if failed == nil && settings.AlwaysOutputData && len(outItems) == 0 {
		outItems = []node.Item{{JSON: map[string]any{}, PairedItem: node.Paired(0)}}
		res.OutputBytes = sizeOf(outItems)
	}
	if res.OutputBytes <= opts.InlineBytes {
		res.Items, res.ErrorItems = outItems, errItems
		if res.Items == nil {
			res.Items = []node.Item{}
		}
		if res.ErrorItems == nil {
			res.ErrorItems = []node.Item{}
		}
		return res, nil
	}
	res.Segments = segs
	return res, nil
}

func chunkID(start int) string { return "chunk-" + strconv.Itoa(start) }

// split cuts items into chunks of at most opts.ChunkItems items and
// opts.ChunkBytes encoded bytes (a larger single item is a chunk alone).
func split(base Request, items []node.Item, opts Options) ([]Chunk, error) {
	var out []Chunk
	start, size := 0, 0
	for i, it := range items {
		data, err := json.Marshal(it)
		if err != nil {
			return nil, fmt.Errorf("items[%d] cannot be encoded: %w", i, err)
		}
		if i > start && (i-start >= opts.ChunkItems || size+len(data) > opts.ChunkBytes) {
			out = append(out, Chunk{Request: base, Start: start, Items: items[start:i]})
			start, size = i, 0
		}
		size += len(data)
	}
	out = append(out, Chunk{Request: base, Start: start, Items: items[start:]})
	return out, nil
}

// nextUnscheduled is the first item of the queue, where a run that must
// stop scheduling stops.
func nextUnscheduled(queue []Chunk, n int) int {
	if len(queue) == 0 {
		return n
	}
	return queue[0].Start
}

// retryPolicy maps n8n's retry settings onto the activities: retryOnFail
// with maxTries and waitBetweenTries, clamped as n8n clamps them (F8) and
// waiting the same time between tries; without it, transient failures
// and lost workers are retried with backoff up to Options.MaxAttempts.
// Failures that would fail the same way again are non-retryable errors
// whatever the policy (see Transient).
func retryPolicy(s node.Settings, opts Options) *temporal.RetryPolicy {
	if !s.RetryOnFail {
		return &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute, MaximumAttempts: int32(opts.MaxAttempts)}
	}
	tries, d := s.Retries()
	// Temporal reads a zero interval as its default of one second.
	d = max(d, time.Millisecond)
	return &temporal.RetryPolicy{InitialInterval: d, BackoffCoefficient: 1, MaximumInterval: d, MaximumAttempts: int32(tries)}
}

func sizeOf(items []node.Item) int {
	n := 0
	for _, it := range items {
		data, _ := json.Marshal(it)
		n += len(data)
	}
	return n
}
