package durable

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes"
	"github.com/noderun/noderun/runtime"
	"github.com/noderun/noderun/runtime/expr"
)

// Activities runs chunks of node runs on a worker. Its zero value runs the
// built-in nodes with no credentials; set the fields before registering
// it, and share one value across the worker's activity tasks.
type Activities struct {
	// Nodes are the runnable nodes; nil means nodes.Builtin().
	Nodes *nodes.Registry
	// Engine runs the chunks; nil means an engine whose own per-request
	// retries are off, so that Temporal's retry policy decides (an
	// embedder's engine with retries on retries inside each attempt too).
	Engine *runtime.Engine
	// Credentials resolves the credentials the requests name; nil means
	// none can be resolved.
	Credentials Credentials

	once    sync.Once
	engine  *runtime.Engine
	typesMu sync.Mutex
	types   map[string]*runtime.NodeType
}

// Chunk is one activity's share of a run: the request without its items,
// and Items, which are the run's items from index Start on.
type Chunk struct {
	Request Request     `json:"request"`
	Start   int         `json:"start"`
	Items   []node.Item `json:"items"`
}

// ChunkResult is a chunk's output: the output of the run's items Start
// to Next-1, in input order, each paired to its run-wide input index.
// It is also the activity's heartbeat: an attempt resumes at Next.
type ChunkResult struct {
	Start      int         `json:"start"`
	Next       int         `json:"next"`
	Items      []node.Item `json:"items,omitempty"`
	ErrorItems []node.Item `json:"errorItems,omitempty"`
	// Bytes is the encoded size of Items and ErrorItems.
	Bytes int `json:"bytes"`
	// PassedThrough is set when the node failed as a whole but
	// continues: the items are its input, unchanged (n8n's F7).
	PassedThrough *node.ErrorInfo `json:"passedThrough,omitempty"`
	// Pending are the items before Next that failed transiently and are
	// sent again by the next attempt.
	Pending []int `json:"pending,omitempty"`
	// Resumed counts the items an attempt skipped because an earlier
	// attempt of the chunk had delivered them.
	Resumed int `json:"resumed,omitempty"`
}

// Activity names, as registered.
const (
	ActivityRunChunk = "noderun.RunChunk"
)

func (a *Activities) init() {
	a.once.Do(func() {
		a.engine = a.Engine
		if a.engine == nil {
			a.engine = &runtime.Engine{Retry: runtime.RetryPolicy{Disabled: true}}
		}
		if a.Nodes == nil {
			a.Nodes = nodes.Builtin()
		}
		a.types = map[string]*runtime.NodeType{}
	})
}

// nodeType builds a registered node type once per worker: building the
// Chatwoot node decodes its description, which is worth sharing.
func (a *Activities) nodeType(name string) (*runtime.NodeType, error) {
	a.typesMu.Lock()
	defer a.typesMu.Unlock()
	if nt, ok := a.types[name]; ok {
		return nt, nil
	}
	e, ok := a.Nodes.Lookup(name)
	if !ok {
		return nil, fmt.Errorf("unknown node %q; this worker runs %s", name, strings.Join(a.Nodes.Names(), ", "))
	}
	nt, err := e.NodeType()
	if err != nil {
		return nil, fmt.Errorf("node %q cannot be built: %w", name, err)
	}
	a.types[name] = nt
	return nt, nil
}

// RunChunk runs one chunk through the engine. It heartbeats what it has
// delivered; an attempt that follows a lost or failed one resumes after
// the last heartbeat the server recorded, so only the items delivered
// since then, and the items that failed transiently, are sent again.
func (a *Activities) RunChunk(ctx context.Context, c Chunk) (ChunkResult, error) {
	a.init()
	res := ChunkResult{Start: c.Start, Next: c.Start}
	if activity.HasHeartbeatDetails(ctx) {
		var last ChunkResult
		if err := activity.GetHeartbeatDetails(ctx, &last); err == nil && last.Start == c.Start && last.Next >= c.Start && last.Next <= c.Start+len(c.Items) {
			res = last
			res.Resumed = last.Next - c.Start - len(last.Pending)
		}
	}
	nt, err := a.nodeType(c.Request.Node)
	if err != nil {
		return res, inputFailure(ErrTypeInput, err.Error())
	}
	store := newRunStore(a.Credentials, c.Request.Credentials)
	for _, ref := range c.Request.Credentials {
		// A credential this worker lacks is the request's or the
		// deployment's mistake, not the service's: say which.
		if a.Credentials == nil {
			return res, inputFailure(ErrTypeInput, fmt.Sprintf("the request names credentials (%q) but this worker holds none", ref.Type))
		}
		if _, err := a.Credentials.Credential(ctx, ref); err != nil {
			return res, inputFailure(ErrTypeInput, err.Error())
		}
	}
	if err := refuseSecretsInInput(ctx, nt, store, c); err != nil {
		return res, inputFailure(ErrTypeInput, err.Error())
	}
	settings := c.Request.Settings
	// Every failed item comes out as an error item, so that one transient
	// failure does not discard the items after it: this activity decides
	// what a failure means (retry it, keep it, or fail the node).
	engineSettings := settings
	engineSettings.RetryOnFail = false // retryOnFail is the retry policy now
	if !settings.Continues() {
		engineSettings.OnError = node.OnErrorContinueRegularOutput
	}
	// The engine shows each failed item's error to ExplainError before it
	// becomes an error item: keep it for its cause and Retry-After.
	var failure *runtime.NodeError
	typ := *nt
	typ.ExplainError = func(p map[string]any, ne *runtime.NodeError) {
		if nt.ExplainError != nil {
			nt.ExplainError(p, ne)
		}
		failure = ne
	}
	run := runtime.Run{
		Node:        &typ,
		Parameters:  c.Request.Parameters,
		Credentials: store,
		Settings:    engineSettings,
		NodeName:    c.Request.NodeName,
	}
	run.TypeVersion = c.Request.TypeVersion
	if len(c.Request.Nodes) > 0 {
		m := make(expr.MapNodes, len(c.Request.Nodes))
		for name, d := range c.Request.Nodes {
			m[name] = expr.NodeOutput{Items: d.Items, Parameters: d.Parameters, NotExecuted: d.Executed != nil && !*d.Executed}
		}
		run.Nodes = m
	}
	if w := c.Request.Workflow; w != nil {
		run.Workflow = expr.Workflow{ID: w.ID, Name: w.Name, Active: w.Active}
	}
	if x := c.Request.Execution; x != nil {
		run.Execution = expr.Execution{ID: x.ID, Mode: x.Mode, ResumeURL: x.ResumeURL, CustomData: x.CustomData}
	}
	prepared, err := a.engine.Prepare(ctx, run)
	if err != nil {
		var ne *runtime.NodeError
		var issues *runtime.IssuesError
		switch {
		case errors.As(err, &ne) && engineContinues(settings):
			return passThrough(c, ne), nil
		case errors.As(err, &ne):
			return res, nodeFailure(ne.Info(), Transient(ne) && !finalAttempt(ctx), ne.RetryAfter(), res)
		case errors.As(err, &issues):
			return res, inputFailure(ErrTypeIssues, issues.Error())
		}
		return res, inputFailure(ErrTypeInput, err.Error())
	}

	// This attempt sends the items that failed transiently before, then
	// the ones no attempt has reached.
	order := append([]int(nil), res.Pending...)
	work := make([]node.Item, 0, len(order)+c.Start+len(c.Items)-res.Next)
	for _, g := range order {
		work = append(work, c.Items[g-c.Start])
	}
	for g := res.Next; g < c.Start+len(c.Items); g++ {
		order = append(order, g)
	}
	work = append(work, c.Items[res.Next-c.Start:]...)
	res.Pending = nil
	retrying := len(work) - (c.Start + len(c.Items) - res.Next)

	final := finalAttempt(ctx)
	budget := c.Request.Options.withDefaults().OutputBytes
	var mu sync.Mutex // guards res between emit and the heartbeat loop
	var bytes atomic.Int64
	bytes.Store(int64(res.Bytes))
	src := &budgetSource{items: work, keep: retrying, full: func() bool { return bytes.Load() >= int64(budget) }}
	var retryAfter time.Duration
	var firstRetry *node.ErrorInfo
	var stopInfo *node.ErrorInfo // the node fails at this item
	var stopRetryable bool
	var stopAfter time.Duration
	errStop := errors.New("the node stops")

	hbDone := make(chan struct{})
	hbStopped := make(chan struct{})
	snapshot := func() ChunkResult {
		mu.Lock()
		defer mu.Unlock()
		r := res // the slices only grow: the copy's elements stay as they are
		r.Pending = append([]int(nil), res.Pending...)
		return r
	}
	go func() {
		defer close(hbStopped)
		// A quarter of the timeout: the SDK sends at most one heartbeat
		// per 0.8 of it and keeps the latest for the end of that window.
		t := time.NewTicker(max(heartbeatTimeout(ctx)/4, 50*time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-hbDone:
				return
			case <-t.C:
				activity.RecordHeartbeat(ctx, snapshot())
			}
		}
	}()
	err = prepared.Stream(ctx, src, func(o runtime.Output) error {
		global := order[o.Index]
		failed := failure
		failure = nil
		if failed != nil && failed.ItemIndex != o.Index {
			failed = nil
		}
		for _, list := range [][]node.Item{o.Items, o.ErrorItems} {
			for i := range list {
				reindex(&list[i], global)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if global >= res.Next {
			res.Next = global + 1
		}
		if failed != nil {
			info := errorInfoOf(o)
			switch {
			case Transient(failed) && !final:
				res.Pending = append(res.Pending, global)
				retryAfter = max(retryAfter, failed.RetryAfter())
				if firstRetry == nil {
					firstRetry = info
				}
				return nil
			case !settings.Continues():
				// The node fails here; a transient failure before it is
				// retried first, and this item with it.
				stopInfo, stopRetryable, stopAfter = info, Transient(failed) && !final, failed.RetryAfter()
				return errStop
			}
		}
		n := 0
		for _, list := range [][]node.Item{o.Items, o.ErrorItems} {
			for i := range list {
				size, err := json.Marshal(list[i])
				if err != nil {
					return fmt.Errorf("output of item %d cannot be encoded: %w", global, err)
				}
				n += len(size)
			}
		}
		res.Items = append(res.Items, o.Items...)
		res.ErrorItems = append(res.ErrorItems, o.ErrorItems...)
		res.Bytes += n
		bytes.Add(int64(n))
		return nil
	})
	close(hbDone)
	<-hbStopped
	if errors.Is(err, errStop) {
		err = nil
	}
	mu.Lock()
	sortByInput(res.Items)
	sortByInput(res.ErrorItems)
	mu.Unlock()
	if err != nil {
		// Cancelled, or an output that cannot be encoded: the progress is
		// recorded (the SDK flushes it with a failed attempt) so that the
		// next attempt resumes here.
		activity.RecordHeartbeat(ctx, snapshot())
		if ctx.Err() != nil {
			return snapshot(), ctx.Err()
		}
		return snapshot(), err
	}
	if stopInfo != nil {
		at := *stopInfo.ItemIndex
		if earlier := pendingBefore(res.Pending, at); earlier || stopRetryable {
			// Send the failed item again with the transient ones before it.
			res.Pending = append(res.Pending, at)
			activity.RecordHeartbeat(ctx, snapshot())
			if !earlier {
				firstRetry, retryAfter = stopInfo, stopAfter
			}
			return snapshot(), nodeFailure(firstRetry, true, retryAfter, snapshot())
		}
		partial := snapshot()
		partial.Items, partial.ErrorItems = before(partial.Items, at), before(partial.ErrorItems, at)
		partial.Next = at
		return partial, nodeFailure(stopInfo, false, 0, partial)
	}
	if len(res.Pending) > 0 {
		activity.RecordHeartbeat(ctx, snapshot())
		return snapshot(), nodeFailure(firstRetry, true, retryAfter, snapshot())
	}
	return snapshot(), nil
}

// finalAttempt reports whether this is the retry policy's last attempt:
// a transient failure is then the item's failure.
func finalAttempt(ctx context.Context) bool {
	info := activity.GetInfo(ctx)
	return info.RetryPolicy != nil && info.RetryPolicy.MaximumAttempts > 0 && info.Attempt >= info.RetryPolicy.MaximumAttempts
}

// errorInfoOf is the error of a failed item's error item.
func errorInfoOf(o runtime.Output) *node.ErrorInfo {
	for _, list := range [][]node.Item{o.Items, o.ErrorItems} {
		for _, it := range list {
			if it.Error != nil {
				return it.Error
			}
		}
	}
	return &node.ErrorInfo{Name: runtime.NameNodeOperationError, Message: "the item failed"}
}

func pendingBefore(pending []int, at int) bool {
	for _, p := range pending {
		if p < at {
			return true
		}
	}
	return false
}

// before keeps the items paired to inputs before at.
func before(items []node.Item, at int) []node.Item {
	var out []node.Item
	for _, it := range items {
		if it.PairedItem.Item < at {
			out = append(out, it)
		}
	}
	return out
}

// sortByInput orders outputs by their input item, keeping the order of
// one item's outputs: retried items' outputs were appended late.
func sortByInput(items []node.Item) {
	sort.SliceStable(items, func(i, j int) bool { return items[i].PairedItem.Item < items[j].PairedItem.Item })
}

func heartbeatTimeout(ctx context.Context) time.Duration {
	if d := activity.GetInfo(ctx).HeartbeatTimeout; d > 0 {
		return d
	}
	return defaultHeartbeatTimeout
}

// reindex pairs an output item of a chunk to its run-wide input index.
func reindex(it *node.Item, global int) {
	it.PairedItem = node.Paired(global)
	if it.Error != nil && it.Error.ItemIndex != nil {
		e := *it.Error
		i := global
		e.ItemIndex = &i
		it.Error = &e
	}
}

// budgetSource hands out a chunk's items until its output is full (the
// first keep items, retries of earlier failures, always); the workflow
// schedules the rest as another chunk.
type budgetSource struct {
	items []node.Item
	keep  int
	pos   int
	full  func() bool
}

func (s *budgetSource) Next() (node.Item, error) {
	if s.pos >= len(s.items) || (s.pos > s.keep && s.full()) {
		return node.Item{}, io.EOF
	}
	it := s.items[s.pos]
	s.pos++
	return it, nil
}

// passThrough is a chunk whose node failed as a whole but continues:
// its input, each item paired to itself (n8n's F7).
func passThrough(c Chunk, ne *runtime.NodeError) ChunkResult {
	out := make([]node.Item, len(c.Items))
	for i, it := range c.Items {
		it.PairedItem = node.Paired(c.Start + i)
		out[i] = it
	}
	return ChunkResult{Start: c.Start, Next: c.Start + len(c.Items), Items: out, PassedThrough: ne.Info()}
}

// engineContinues is n8n's WorkflowExecute.continuesOnError (F7), which
// runtime.Engine.Execute applies to a node that failed as a whole.
func engineContinues(s node.Settings) bool {
	return s.ContinueOnFail || s.OnError == node.OnErrorContinueRegularOutput || s.OnError == node.OnErrorContinueErrorOutput
}

// refuseSecretsInInput fails a chunk whose parameters or items hold a
// secret value of a credential the worker resolved: it is in the history
// already, and the run must be fixed, not continued.
func refuseSecretsInInput(ctx context.Context, nt *runtime.NodeType, store credentials.Store, c Chunk) error {
	if store == nil {
		return nil
	}
	var secrets []string
	for typ, ct := range nt.CredentialTypes {
		data, err := store.Credential(ctx, typ)
		if err != nil {
			continue // the engine reports a missing credential when it needs it
		}
		for _, f := range ct.SecretFields() {
			if s, ok := data[f].(string); ok && s != "" {
				secrets = append(secrets, s)
			}
		}
	}
	if len(secrets) == 0 {
		return nil
	}
	r := credentials.NewRedactor(secrets...)
	params, _ := json.Marshal(c.Request.Parameters)
	items, _ := json.Marshal(c.Items)
	others, _ := json.Marshal(c.Request.Nodes)
	if r.Contains(string(params)) || r.Contains(string(items)) || r.Contains(string(others)) {
		return fmt.Errorf("the request carries a secret value of a credential in its parameters or items; Temporal keeps workflow input in plain text: " +
			"name the credential in \"credentials\" and keep its values on the workers")
	}
	return nil
}
