package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime/expr"
)

// ItemSource yields input items one at a time; Next returns io.EOF after
// the last. Stream reads it from one goroutine.
type ItemSource interface {
	Next() (node.Item, error)
}

// SliceSource is an ItemSource over a slice.
type SliceSource struct {
	Items []node.Item
	pos   int
}

// Next implements ItemSource.
func (s *SliceSource) Next() (node.Item, error) {
	if s.pos >= len(s.Items) {
		return node.Item{}, io.EOF
	}
	it := s.Items[s.pos]
	s.pos++
	return it, nil
}

// Output is what one input item produced, delivered in input order.
type Output struct {
	// Index is the input item's index.
	Index int
	// Items go to the main output, each paired to Index. A failed item
	// continued with continueRegularOutput is here with its Error set.
	Items []node.Item
	// ErrorItems go to the error output (onError continueErrorOutput).
	ErrorItems []node.Item
}

// Execute runs the prepared node over items and collects the output. Its
// outcomes are those of Engine.Execute after preparation: ctx's error,
// Result.Err or Result.PassedThrough, or error items.
func (p *Prepared) Execute(ctx context.Context, items []node.Item) (Result, error) {
	return p.ExecuteProgress(ctx, items, nil)
}

// ExecuteProgress is Execute that also passes each input item's output,
// in input order and from the calling goroutine, to progress when it is
// not nil: a caller counts the items finished while the run goes on.
func (p *Prepared) ExecuteProgress(ctx context.Context, items []node.Item, progress func(Output)) (Result, error) {
	items = InputItems(items)
	// Most operations give one item per input item.
	res := Result{Items: make([]node.Item, 0, len(items))}
	err := p.runSlice(ctx, items, func(o Output) error {
		res.Items = append(res.Items, o.Items...)
		res.ErrorItems = append(res.ErrorItems, o.ErrorItems...)
		if progress != nil {
			progress(o)
		}
		return nil
	})
	if len(res.Items) == 0 {
		res.Items = nil // as before the presizing: no output is nil
	}
	var ne *NodeError
	switch {
	case err != nil && ctx.Err() != nil:
		// An item that failed as ctx ended may have failed of it.
		return res, ctx.Err()
	case errors.As(err, &ne) && engineContinues(p.settings):
		return Result{Items: PassThrough(items, p.settings), PassedThrough: ne}, nil
	case errors.As(err, &ne):
		res.Err = ne
	case err != nil:
		return res, err
	}
	if res.Err == nil && p.settings.AlwaysOutputData && len(res.Items) == 0 {
		res.Items = []node.Item{{JSON: map[string]any{}, PairedItem: node.Paired(0)}}
	}
	return res, nil
}

// Stream runs the prepared node over items from src, calling emit with
// each input item's output in input order, from the calling goroutine.
// Memory stays bounded by the engine's concurrency, whatever the number
// of items. In a stream, $input sees only the current item. It returns a
// *NodeError when the node failed, ctx's error when cancelled, or emit's
// error; items emitted before the failure stand.
func (p *Prepared) Stream(ctx context.Context, src ItemSource, emit func(Output) error) error {
	return p.run(ctx, src, nil, emit)
}

// job is one input item handed to a worker.
type job struct {
	index int
	item  node.Item
	// scope is the request scope of the worker that takes the job.
	scope *requestScope
}

// outcome is what a worker made of a job.
type outcome struct {
	index int
	items []node.Item
	err   *NodeError
	fatal error // context cancelled or an internal failure
}

// run schedules items over a fixed pool of workers. A dispatcher starts
// items in order, sleeping between batches as n8n does (X3) and never
// holding more than the concurrency window of unfinished or unemitted
// items; the caller's goroutine emits outcomes in input order. Stream, and
// Execute when batching pauses or executeOnce apply, run here; otherwise
// Execute takes runSlice.
func (p *Prepared) run(parent context.Context, src ItemSource, input expr.Input, emit func(Output) error) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	window := p.engine.maxConcurrency()
	if s, ok := src.(*SliceSource); ok {
		// No more workers than items: most runs have a handful.
		window = max(1, min(window, len(s.Items)-s.pos))
	}
	tokens := make(chan struct{}, window)
	// Buffered hand-offs: the tokens already bound the items in flight,
	// and a buffered send spares the dispatcher waiting for a worker.
	jobs := make(chan job, window)
	results := make(chan outcome, window)
	var workers sync.WaitGroup
	for w := 0; w < window; w++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			scope := &requestScope{parent: ctx}
			defer scope.close()
			for j := range jobs {
				j.scope = scope
				results <- p.process(ctx, j, input)
			}
		}()
	}
	// The dispatcher reports how many items it started and why it stopped.
	type dispatchEnd struct {
		count int
		err   error
	}
	dispatched := make(chan dispatchEnd, 1)
	go func() {
		n, err := p.dispatch(ctx, src, tokens, jobs)
		close(jobs)
		dispatched <- dispatchEnd{n, err}
	}()
	go func() {
		workers.Wait()
		close(results)
	}()

	// At most window items are between dispatch and delivery (tokens), so
	// item i waits in slot i % window until it is next.
	pending := make([]outcome, window)
	waiting := make([]bool, window)
	next := 0
	total := -1
	var failure error
	var dispatchErr error
	for next != total {
		select {
		case d := <-dispatched:
			total, dispatchErr = d.count, d.err
			dispatched = nil
			continue
		case o, ok := <-results:
			if !ok {
				results = nil
				if total < 0 {
					d := <-dispatched
					total, dispatchErr = d.count, d.err
					dispatched = nil // consumed: the drain below must not wait for it again
				}
				if next != total && failure == nil {
					failure = parent.Err()
				}
				next = total
				continue
			}
			pending[o.index%window], waiting[o.index%window] = o, true
		}
		for failure == nil && waiting[next%window] {
			o := pending[next%window]
			pending[next%window], waiting[next%window] = outcome{}, false
			next++
			<-tokens
			if err := p.deliver(o, emit); err != nil {
				failure = err
				cancel()
			}
		}
		if failure != nil {
			break
		}
	}
	cancel()
	// Drain so that every worker and the dispatcher finish before return.
	if results != nil {
		for range results {
		}
	}
	if dispatched != nil {
		<-dispatched
	}
	if failure != nil {
		return failure
	}
	if dispatchErr != nil {
		return dispatchErr
	}
	return parent.Err()
}

// runSlice is run for a slice of items without batching pauses, as most
// runs are: each worker takes the next item itself, and the worker that
// completes the next item to deliver delivers it, with any completed
// after it. No item then waits for a dispatcher or a collector goroutine
// to be scheduled: two goroutine wake-ups per item less, which halved a
// one-item Execute. Delivery keeps input order
// and stops at the first failure, as in run; emit is called under a lock,
// from the workers, so only Execute's own emit is given to it. At most
// twice the concurrency of items are between start and delivery.
func (p *Prepared) runSlice(parent context.Context, items []node.Item, emit func(Output) error) error {
	input := expr.Items(items)
	if p.settings.ExecuteOnce {
		return p.run(parent, &SliceSource{Items: items}, input, emit)
	}
	if len(items) > 0 {
		if _, interval, err := p.batching(parent, items[0]); err != nil || interval > 0 {
			// run pauses between batches, and reports the error.
			return p.run(parent, &SliceSource{Items: items}, input, emit)
		}
	}
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	workers := max(1, min(p.engine.maxConcurrency(), len(items)))
	d := &inOrder{
		slots:  make([]outcome, 2*workers),
		ready:  make([]bool, 2*workers),
		tokens: make(chan struct{}, 2*workers),
		cancel: cancel,
	}
	var taken atomic.Int64
	var wg sync.WaitGroup
	work := func() {
		scope := &requestScope{parent: ctx}
		defer scope.close()
		for {
			select {
			case d.tokens <- struct{}{}:
			case <-ctx.Done():
				return
			}
			i := int(taken.Add(1)) - 1
			if i >= len(items) {
				<-d.tokens
				return
			}
			// The closure stays on the stack: complete does not keep it.
			d.complete(p.process(ctx, job{index: i, item: items[i], scope: scope}, input), func(o outcome) error {
				return p.deliver(o, emit)
			})
		}
	}
	for range workers - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	if d.panicked != nil {
		panic(d.panicked) // in the caller's goroutine, as run does
	}
	if d.failure != nil {
		return d.failure
	}
	return parent.Err()
}

// inOrder delivers outcomes completed in any order in input order: item i
// waits in slot i % len(slots) until every item before it is delivered.
// A token is held from an item's start to its delivery, which bounds the
// items in between by the number of slots.
type inOrder struct {
	mu        sync.Mutex
	slots     []outcome
	ready     []bool
	delivered int
	tokens    chan struct{}
	cancel    context.CancelFunc
	failure   error
	panicked  any
}

// complete stores o and delivers whatever is next in order.
func (d *inOrder) complete(o outcome, deliver func(outcome) error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := len(d.slots)
	d.slots[o.index%n], d.ready[o.index%n] = o, true
	for d.failure == nil && d.panicked == nil && d.ready[d.delivered%n] {
		next := d.slots[d.delivered%n]
		d.slots[d.delivered%n], d.ready[d.delivered%n] = outcome{}, false
		d.delivered++
		<-d.tokens
		if err := d.deliverOne(next, deliver); err != nil {
			d.failure = err
			d.cancel()
		}
	}
}

// deliverOne delivers o, keeping a panic (in a node's ExplainError hook,
// say) for the caller's goroutine instead of losing the process to it.
func (d *inOrder) deliverOne(o outcome, deliver func(outcome) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			d.panicked = r
			d.cancel()
			err = nil
		}
	}()
	return deliver(o)
}

// dispatch feeds jobs in order, honouring batching and the window.
func (p *Prepared) dispatch(ctx context.Context, src ItemSource, tokens chan struct{}, jobs chan<- job) (int, error) {
	var batchSize, batchInterval int
	for i := 0; ; i++ {
		item, err := src.Next()
		if err == io.EOF {
			return i, nil
		}
		if err != nil {
			return i, &NodeError{Name: NameNodeOperationError, ItemIndex: i, Message: "The input item could not be read",
				Description: err.Error(), Cause: err}
		}
		if i == 0 {
			batchSize, batchInterval, err = p.batching(ctx, item)
			if err != nil {
				return 0, err
			}
		}
		if i > 0 && batchInterval > 0 && i%batchSize == 0 {
			if err := p.engine.sleep(ctx, time.Duration(batchInterval)*time.Millisecond); err != nil {
				return i, nil
			}
		}
		select {
		case tokens <- struct{}{}:
		case <-ctx.Done():
			return i, nil
		}
		select {
		case jobs <- job{index: i, item: item}:
		case <-ctx.Done():
			<-tokens
			return i, nil
		}
		if p.settings.ExecuteOnce {
			return 1, nil // executeOnce runs the first item only (X1)
		}
	}
}

// batching reads the batching settings once, from item 0 (X3).
func (p *Prepared) batching(ctx context.Context, first node.Item) (size, interval int, err error) {
	ic := p.newItemContext(0, first, expr.Items{first})
	v, _, err := ic.Parameter(ctx, RequestOptionsName)
	if err != nil {
		// Not delivered as an item's error is: redact it here.
		return 0, 0, p.redactNodeError(operationError(err, -1, RequestOptionsName))
	}
	ro, _ := v.(map[string]any)
	batching, _ := ro["batching"].(map[string]any)
	batch, _ := batching["batch"].(map[string]any)
	size = 1
	if s, ok := batch["batchSize"].(float64); ok && s > 0 {
		size = int(s)
	}
	if f, ok := batch["batchInterval"].(float64); ok && f > 0 {
		interval = int(f)
	}
	return size, interval, nil
}

// process builds, sends and shapes one item, retrying per retryOnFail.
func (p *Prepared) process(ctx context.Context, j job, input expr.Input) outcome {
	tries, wait := p.settings.Retries()
	for try := 1; ; try++ {
		items, err := p.processOnce(ctx, j, input)
		if err == nil {
			return outcome{index: j.index, items: items}
		}
		if ctx.Err() != nil {
			return outcome{index: j.index, fatal: ctx.Err()}
		}
		var ne *NodeError
		if !errors.As(err, &ne) {
			ne = &NodeError{Name: NameNodeOperationError, Message: err.Error(), Cause: err}
		}
		ne.ItemIndex = j.index
		ne.RunIndex = p.runIndex
		// Build failures repeat identically; only requests are retried.
		if try >= tries || ne.Name != NameNodeAPIError {
			return outcome{index: j.index, err: ne}
		}
		p.log.Debug().Int("item", j.index).Int("try", try).Str("httpCode", ne.HTTPCode).Msg("retry on fail")
		if err := p.engine.sleep(ctx, wait); err != nil {
			return outcome{index: j.index, fatal: err}
		}
	}
}

func (p *Prepared) processOnce(ctx context.Context, j job, input expr.Input) (_ []node.Item, err error) {
	// A panic in a registered hook, or a bug, fails this item instead of
	// the process: it happens on a worker goroutine, where nothing else
	// could recover it.
	defer func() {
		if r := recover(); r != nil {
			p.log.Error().Int("item", j.index).Str("panic", p.redactString(fmt.Sprint(r))).
				Str("stack", string(debug.Stack())).Msg("an item's processing panicked")
			err = &NodeError{Name: NameNodeOperationError, ItemIndex: j.index,
				Message:     fmt.Sprintf("Internal error: panic: %v", r),
				Description: "a registered hook or noderun itself panicked while processing this item; this is a bug to report, with the log"}
		}
	}()
	ic := p.newItemContext(j.index, j.item, input)
	ic.scope = j.scope
	defer p.releaseItemContext(ic)
	r, err := ic.build(ctx)
	if err != nil {
		return nil, err
	}
	return ic.perform(ctx, r)
}

// deliver turns an outcome into output, or into the node's failure.
func (p *Prepared) deliver(o outcome, emit func(Output) error) error {
	if o.fatal != nil {
		return o.fatal
	}
	out := Output{Index: o.index}
	if o.err != nil {
		if p.nodeType.ExplainError != nil {
			p.nodeType.ExplainError(p.parameters, o.err)
		}
		p.redactNodeError(o.err)
		if !p.settings.Continues() {
			p.log.Debug().Int("item", o.index).Str("error", o.err.Message).Msg("item failed; node stops")
			return o.err
		}
		errItem := node.Item{JSON: map[string]any{"error": o.err.Message}, Error: o.err.Info(), PairedItem: node.Paired(o.index)}
		if p.settings.OnError == node.OnErrorContinueErrorOutput {
			out.ErrorItems = []node.Item{errItem}
		} else {
			out.Items = []node.Item{errItem}
		}
		return emit(out)
	}
	for i := range o.items {
		o.items[i].PairedItem = node.Paired(o.index)
	}
	out.Items = o.items
	if p.settings.OnError == node.OnErrorContinueErrorOutput {
		out.Items, out.ErrorItems = splitErrorItems(o.items)
	}
	return emit(out)
}

// splitErrorItems is n8n's handleNodeErrorOutput for items the node
// returned as success: one whose json holds a truthy "error" and nothing
// but "error", "message" and "details" goes to the error output (F6).
func splitErrorItems(items []node.Item) (ok, failed []node.Item) {
	for _, it := range items {
		if looksLikeError(it.JSON) {
			failed = append(failed, it)
		} else {
			ok = append(ok, it)
		}
	}
	return ok, failed
}

func looksLikeError(v any) bool {
	m, isMap := v.(map[string]any)
	if !isMap || !truthy(m["error"]) {
		return false
	}
	for k := range m {
		if k != "error" && k != "message" && k != "details" {
			return false
		}
	}
	return true
}
