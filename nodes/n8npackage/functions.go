package n8npackage

import (
	"context"
	"errors"
	"fmt"
	"math"
	goruntime "runtime"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/dop251/goja"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
	"github.com/noderun/noderun/runtime/expr"
)

// RegisterHooks registers, under the names the converted descriptions
// use, a hook for every function the package's loaded node types hold on
// their routes: preSend, postReceive and pagination functions run with
// n8n's `this` (see thiscontext.go).
//
// A goja runtime runs one call at a time, so route functions run on a
// small pool of runtimes (Loader.FunctionRuntimes): the package's own and
// twins, made when calls overlap, that evaluate its nodes again. A call and what it awaits
// (its HTTP, makeRoutingRequest) run under the package's time limit and
// stop when ctx ends; a function a call reaches (a postReceive run by
// makeRoutingRequest) runs on the same runtime.
func (p *Package) RegisterHooks(ctx context.Context, h *runtime.Hooks) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if p.src.closed() {
		return p.closedError("registering its functions")
	}
	p.mu.Lock()
	names := sortedKeys(p.nodes)
	nodes := make([]*Node, len(names))
	for i, short := range names {
		nodes[i] = p.nodes[short]
	}
	p.mu.Unlock()
	p.preparePool(names)
	for _, n := range nodes {
		for _, f := range n.Functions {
			if f.Hook == "" {
				continue
			}
			jf := &jsFunction{p: p, nodeType: n.Type, fn: f, desc: n.descs[f.Version]}
			jf.label = fmt.Sprintf("%s: %s function at %s of version %v", jf.nodeType, f.Kind, f.Path, f.Version)
			var rerr error
			switch f.Kind {
			case "preSend":
				rerr = h.RegisterPreSend(f.Hook, jf.preSend)
			case "postReceive":
				rerr = h.RegisterPostReceive(f.Hook, jf.postReceive)
			case "pagination":
				rerr = h.RegisterPagination(f.Hook, jf.pagination)
			}
			if rerr != nil {
				return fmt.Errorf("n8n package %s: %w", p.Name, rerr)
			}
		}
	}
	return nil
}

// instance is one runtime of the pool, with its copy of each function
// by hook name: those of the first `resolved` nodes of the package's
// fnNodes.
type instance struct {
	p        *Package
	fns      map[string]goja.Value
	resolved int
}

// preparePool makes the pool on first use and notes the nodes whose
// functions run. A runtime finds a node's functions when a call takes it
// (take), so nothing waits here for runtimes in use.
func (p *Package) preparePool(names []string) {
	p.poolMu.Lock()
	defer p.poolMu.Unlock()
	if p.pool == nil {
		n := p.runtimes
		if n <= 0 {
			n = min(goruntime.GOMAXPROCS(0), 4)
		}
		p.pool = make(chan *instance, n)
		p.self = &instance{p: p, fns: map[string]goja.Value{}}
		p.made = 1
		p.dropped = make(chan struct{})
		p.pool <- p.self
	}
	for _, name := range names {
		if !slices.Contains(p.fnNodes, name) {
			p.fnNodes = append(p.fnNodes, name)
		}
	}
}

// take takes a runtime for a call: an idle one, a twin made while the
// pool has room, or the first one released. A runtime a limit broke
// (sandbox.broken) is dropped, here or in release. The runtime has the
// functions of every node noted so far.
func (p *Package) take(ctx context.Context) (*instance, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var in *instance
		select {
		case in = <-p.pool:
		default:
			var dropped <-chan struct{}
			var err error
			if in, dropped, err = p.grow(ctx); err != nil {
				return nil, err
			}
			if in == nil {
				select {
				case in = <-p.pool:
				case <-dropped:
					continue // room for a twin again
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}
		}
		if in.p.sb.broken.Load() {
			p.drop()
			continue
		}
		p.poolMu.Lock()
		names := p.fnNodes[in.resolved:len(p.fnNodes):len(p.fnNodes)]
		p.poolMu.Unlock()
		if err := in.resolve(ctx, names); err != nil {
			p.release(in)
			return nil, err
		}
		in.resolved += len(names)
		return in, nil
	}
}

// release puts a runtime back in the pool, or drops it when a limit
// interrupted code on it: goja leaves the frames of an async function
// stopped mid-run on its stacks, after which the runtime never runs a
// promise reaction again. A twin is made in its place when needed.
func (p *Package) release(in *instance) {
	if in.p.sb.broken.Load() {
		p.drop()
		return
	}
	p.pool <- in
}

// drop forgets a broken runtime.
func (p *Package) drop() {
	p.poolMu.Lock()
	p.freeLocked()
	p.poolMu.Unlock()
	p.sb.log.Debug().Msg("a runtime for the package's functions was interrupted and is dropped")
}

// freeLocked counts one runtime less and wakes the calls waiting for one:
// there is room for a twin. poolMu is held.
func (p *Package) freeLocked() {
	p.made--
	close(p.dropped)
	p.dropped = make(chan struct{})
}

// resolve finds the named nodes' functions in the instance's runtime.
func (in *instance) resolve(ctx context.Context, names []string) error {
	for _, short := range names {
		n, err := in.p.Node(ctx, short)
		if err != nil {
			return fmt.Errorf("a function runtime: %w", err)
		}
		for _, f := range n.Functions {
			if f.Hook != "" {
				in.fns[f.Hook] = f.fn
			}
		}
	}
	return nil
}

// grow makes a twin runtime when the pool has room for one, with the
// nodes whose functions run. When the pool is full it returns no
// runtime and the channel that closes once there is room again, read
// with the count so that no drop in between goes unseen.
func (p *Package) grow(ctx context.Context) (*instance, <-chan struct{}, error) {
	p.poolMu.Lock()
	if p.made >= cap(p.pool) {
		dropped := p.dropped
		p.poolMu.Unlock()
		return nil, dropped, nil
	}
	p.made++
	names := slices.Clone(p.fnNodes)
	p.poolMu.Unlock()
	twin, err := p.twin(ctx)
	if err == nil {
		err = twin.self.resolve(ctx, names)
		twin.self.resolved = len(names)
	}
	if err != nil {
		p.poolMu.Lock()
		p.freeLocked()
		p.poolMu.Unlock()
		return nil, nil, fmt.Errorf("a function runtime: %w", err)
	}
	p.sb.log.Debug().Msg("another runtime for the package's functions")
	return twin.self, nil, nil
}

// twin is a fresh sandbox over the package's files, its nodes evaluated
// again (those of a lazy package when asked for).
func (p *Package) twin(ctx context.Context) (*Package, error) {
	twin := &Package{Name: p.Name, Version: p.Version, src: p.src, dir: p.dir, progs: p.progs, nodeIdx: p.nodeIdx, nodeFiles: p.nodeFiles,
		credIdx: p.credIdx, lazy: p.lazy, inModules: p.inModules, nodes: map[string]*Node{}, creds: map[string]*Credential{}, owner: p}
	twin.self = &instance{p: twin, fns: map[string]goja.Value{}}
	var err error
	if twin.sb, err = newSandbox(p.Name, p.src, p.inModules, p.progs, p.sb.limits, p.sb.log); err == nil {
		twin.sb.redact, twin.sb.withholdLogs = twin.redactLog, twin.withholdLogs
		if !p.lazy {
			err = twin.loadAll(ctx)
		}
	}
	return twin, err
}

// run calls a route function on a runtime of the pool, or, inside
// another call, on that call's runtime.
func (f *jsFunction) run(ctx context.Context, frame jsCall, start func(*jsCall, goja.Callable) (goja.Value, error), finish func(*jsCall, goja.Value) error) error {
	p := f.p
	if p.src.closed() {
		return p.closedError("running " + f.while())
	}
	in, nested := p.nestedIn(ctx)
	if nested {
		fn, err := in.function(f)
		if err != nil {
			return err
		}
		return in.p.callJS(ctx, f.while(), frame, func(c *jsCall) (goja.Value, error) { return start(c, fn) }, finish)
	}
	// A runtime that broke while this call waited for it is given up
	// (callJS says so): the call runs again on another.
	for attempt := 1; ; attempt++ {
		in, err := p.take(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", f.while(), err)
		}
		fn, err := in.function(f)
		if err == nil {
			err = in.p.callJS(ctx, f.while(), frame, func(c *jsCall) (goja.Value, error) { return start(c, fn) }, finish)
		}
		p.release(in)
		// Each retry follows another call's break, a limit's work.
		if !errors.Is(err, errRuntimeBroken) || attempt == maxBrokenRetries {
			return err
		}
	}
}

// function is f as the instance's runtime holds it.
func (in *instance) function(f *jsFunction) (goja.Callable, error) {
	fn, ok := goja.AssertFunction(in.fns[f.fn.Hook])
	if !ok {
		return nil, fmt.Errorf("%s: the function is missing from a runtime of the package", f.while())
	}
	return fn, nil
}

// nestedIn reports the pool runtime ctx's call runs on, if any.
func (p *Package) nestedIn(ctx context.Context) (*instance, bool) {
	q, _ := ctx.Value(callKey{}).(*Package)
	if q == nil || q.owner != p {
		return nil, false
	}
	return q.self, true
}

// jsFunction is one function of a node description, callable as a hook.
type jsFunction struct {
	p        *Package
	nodeType string
	fn       Function
	desc     *node.Description
	label    string // what errors say the function was doing (while)
	// testName is the name of a credential test function, "" for a
	// route function.
	testName string
}

// while names the function for errors; made once, at registration, since
// every call passes it.
func (f *jsFunction) while() string { return f.label }

func (f *jsFunction) preSend(ctx context.Context, req *runtime.HookRequest) error {
	hc, _ := runtime.HookContextFrom(ctx)
	return f.run(ctx, jsCall{hc: hc, fn: f}, func(c *jsCall, fn goja.Callable) (goja.Value, error) {
		return fn(c.this(), requestToJS(c.vm, req))
	}, func(c *jsCall, v goja.Value) error {
		out, err := requestFromJS(c.vm, v)
		if err != nil {
			return fmt.Errorf("it returned %w", err)
		}
		out.ItemIndex = req.ItemIndex
		*req = *out
		return nil
	})
}

func (f *jsFunction) postReceive(ctx context.Context, items []node.Item, resp *runtime.HookResponse) ([]node.Item, error) {
	hc, _ := runtime.HookContextFrom(ctx)
	var out []node.Item
	err := f.run(ctx, jsCall{hc: hc, fn: f}, func(c *jsCall, fn goja.Callable) (goja.Value, error) {
		r := c.vm.NewObject()
		body := toJS(c.vm, resp.Body)
		if b, ok := resp.Body.([]byte); ok {
			// An arraybuffer response is a Buffer in n8n.
			body = c.p.sb.bufferOf(b)
		}
		_ = r.Set("body", body)
		_ = r.Set("headers", toJS(c.vm, resp.Headers))
		_ = r.Set("statusCode", resp.StatusCode)
		_ = r.Set("statusMessage", resp.StatusMessage)
		return fn(c.this(), itemsToJS(c.vm, items), r)
	}, func(c *jsCall, v goja.Value) (err error) {
		out, err = itemsFromJS(c.vm, v)
		if err != nil {
			return fmt.Errorf("it returned %w", err)
		}
		if c.parent != nil && len(out) > 0 {
			c.parent.lastItems.first, c.parent.lastItems.arr = &out[0], v
		}
		return nil
	})
	return out, err
}

func (f *jsFunction) pagination(ctx context.Context, req *runtime.HookRequest, fetch func(context.Context, *runtime.HookRequest) ([]node.Item, error)) ([]node.Item, error) {
	hc, _ := runtime.HookContextFrom(ctx)
	var out []node.Item
	err := f.run(ctx, jsCall{hc: hc, fn: f, fetch: fetch}, func(c *jsCall, fn goja.Callable) (goja.Value, error) {
		// DeclarativeRestApiSettings.ResultOptions, as n8n passes it.
		ro := c.vm.NewObject()
		_ = ro.Set("options", requestToJS(c.vm, req))
		_ = ro.Set("paginate", true)
		_ = ro.Set("preSend", c.vm.NewArray())
		_ = ro.Set("postReceive", c.vm.NewArray())
		_ = ro.Set("requestOperations", c.vm.NewObject())
		return fn(c.this(), ro)
	}, func(c *jsCall, v goja.Value) (err error) {
		out, err = itemsFromJS(c.vm, v)
		if err != nil {
			return fmt.Errorf("it returned %w", err)
		}
		return nil
	})
	return out, err
}

// callKey marks a context whose goroutine holds a package's runtime, so
// that a function called while another awaits (a postReceive function
// run by makeRoutingRequest) does not wait for itself.
type callKey struct{}

// jsCall is one call into package code and the Go work its promises
// wait for.
type jsCall struct {
	p   *Package
	vm  *goja.Runtime
	ctx context.Context
	// What `this` acts on: the item context, the function and, in
	// pagination, the routing request; or a credential type's helpers.
	hc          *runtime.HookContext
	fn          *jsFunction
	fetch       func(context.Context, *runtime.HookRequest) ([]node.Item, error)
	credType    string
	credHelpers node.CredentialHelpers
	// mintsSecrets marks a preAuthentication: the secrets it fetches are
	// unknown to the redactor until it returns, so its log lines are
	// withheld.
	mintsSecrets bool
	// parent is the call this one runs inside, if any; lastItems is the
	// item array a postReceive function nested in this call returned,
	// with the Go items made of it (see makeRoutingRequest).
	parent    *jsCall
	lastItems struct {
		first *node.Item
		arr   goja.Value
	}
	// tasks are host operations (HTTP, makeRoutingRequest) the code
	// awaits: each runs when the runtime is idle, then settles its promise.
	tasks []func()
}

// callJS runs start in the package's runtime, waits for the promise it
// may return (running the Go tasks and timers it waits on), and hands the
// settled value to finish, still inside the runtime.
func (p *Package) callJS(ctx context.Context, while string, frame jsCall, start func(*jsCall) (goja.Value, error), finish func(*jsCall, goja.Value) error) error {
	nested := ctx.Value(callKey{}) == p
	if !nested {
		if err := p.lock(ctx); err != nil {
			return fmt.Errorf("%s: %w", while, err)
		}
		defer p.unlock()
		if p.sb.broken.Load() {
			return fmt.Errorf("%s: %w", while, errRuntimeBroken)
		}
		ctx = context.WithValue(ctx, callKey{}, p)
	}
	ctx, cancel := context.WithTimeout(ctx, p.sb.limits.Timeout)
	defer cancel()
	c := &frame
	c.p, c.vm, c.ctx = p, p.sb.vm, ctx
	// Calls nest (a function run by makeRoutingRequest), and each runs to
	// its end before the one it is nested in goes on.
	prev := p.cur
	if nested {
		c.parent = prev
	}
	p.cur = c
	defer func() { p.cur = prev }()
	return p.sb.run(ctx, while, func() error {
		v, err := start(c)
		if err != nil {
			return err
		}
		if v, err = c.settle(v); err != nil {
			return err
		}
		return finish(c, v)
	})
}

// errRuntimeBroken is a call given up before it started because a limit
// broke the runtime while the call waited for it (see sandbox.broken);
// the caller runs it on another runtime.
var errRuntimeBroken = errors.New("the package's runtime was stopped by a limit while this call waited for it")

// maxBrokenRetries bounds how often a call is given up for a broken
// runtime and run again, should other calls keep breaking runtimes.
const maxBrokenRetries = 10

// lock takes the package's runtime, giving up when ctx ends: first the
// turn among function calls, which waits with ctx, then mu, which loading
// holds only briefly.
func (p *Package) lock(ctx context.Context) error {
	p.turnOnce.Do(func() { p.turn = make(chan struct{}, 1) })
	select {
	case p.turn <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	p.mu.Lock()
	return nil
}

func (p *Package) unlock() {
	p.mu.Unlock()
	<-p.turn
}

// settle waits for a promise: it runs queued Go tasks one at a time, then
// the timers, until the promise is settled.
func (c *jsCall) settle(v goja.Value) (goja.Value, error) {
	pr, ok := v.Export().(*goja.Promise)
	if !ok {
		return v, nil
	}
	for {
		switch pr.State() {
		case goja.PromiseStateFulfilled:
			return pr.Result(), nil
		case goja.PromiseStateRejected:
			return nil, rejection(pr.Result())
		}
		if err := c.ctx.Err(); err != nil {
			return nil, err
		}
		if len(c.tasks) > 0 {
			t := c.tasks[0]
			c.tasks = c.tasks[1:]
			t()
			continue
		}
		if len(c.p.sb.timers) > 0 {
			if err := c.p.sb.loop(c.ctx); err != nil {
				return nil, err
			}
			if pr.State() != goja.PromiseStatePending || len(c.tasks) > 0 {
				continue
			}
		}
		return nil, errors.New("the function's promise never settles: it waits for something that will not happen")
	}
}

// rejection turns a rejected promise's reason into an error, keeping the
// Go error a host function failed with.
func rejection(reason goja.Value) error {
	if o, ok := reason.(*goja.Object); ok {
		if gv := o.Get("value"); gv != nil {
			if e, ok := gv.Export().(error); ok && e != nil {
				return e
			}
		}
		if st := o.Get("stack"); st != nil && !goja.IsUndefined(st) {
			return &ScriptError{Message: reason.String(), Stack: st.String(), thrown: reason}
		}
	}
	return &ScriptError{Message: "Uncaught (in promise) " + reason.String(), Stack: reason.String(), thrown: reason}
}

// async returns a promise that do settles once the runtime is idle: host
// work never runs while JavaScript is on the stack, so functions it calls
// back into (hooks of the same package) run as top-level calls.
func (c *jsCall) async(do func(ctx context.Context) (any, error)) goja.Value {
	pr, resolve, reject := c.vm.NewPromise()
	c.tasks = append(c.tasks, func() {
		v, err := do(c.ctx)
		var je jsError
		if errors.As(err, &je) {
			_ = reject(je.toJS(c.vm))
			return
		}
		if err != nil {
			_ = reject(c.vm.NewGoError(err))
			return
		}
		if jv, ok := v.(goja.Value); ok {
			_ = resolve(jv)
			return
		}
		_ = resolve(toJS(c.vm, v))
	})
	return c.vm.ToValue(pr)
}

// jsError is an error a host function rejects with as a JavaScript value
// of its own, rather than a GoError.
type jsError interface {
	error
	toJS(vm *goja.Runtime) goja.Value
}

// requestToJS is IHttpRequestOptions as RoutingNode hands it to a
// function.
func requestToJS(vm *goja.Runtime, r *runtime.HookRequest) *goja.Object {
	o := vm.NewObject()
	if r.BaseURL != "" {
		_ = o.Set("baseURL", r.BaseURL)
	}
	_ = o.Set("url", r.URL)
	if r.Method != "" {
		_ = o.Set("method", r.Method)
	}
	_ = o.Set("headers", toJS(vm, r.Headers))
	_ = o.Set("qs", toJS(vm, r.Qs))
	if r.Body != nil {
		_ = o.Set("body", toJS(vm, r.Body))
	}
	return o
}

// requestFromJS reads IHttpRequestOptions back.
func requestFromJS(vm *goja.Runtime, v goja.Value) (*runtime.HookRequest, error) {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil, errors.New("no request options (it must return the request options it was given, changed or not)")
	}
	m, ok := fromJS(v).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s, not request options", v.String())
	}
	r := &runtime.HookRequest{Body: m["body"]}
	for key, dst := range map[string]*string{"baseURL": &r.BaseURL, "url": &r.URL, "method": &r.Method} {
		switch s := m[key].(type) {
		case nil:
		case string:
			*dst = s
		default:
			return nil, fmt.Errorf("request options whose %q is %T, not a string", key, s)
		}
	}
	for key, dst := range map[string]*map[string]any{"headers": &r.Headers, "qs": &r.Qs} {
		switch x := m[key].(type) {
		case nil:
			*dst = map[string]any{}
		case map[string]any:
			*dst = x
		default:
			return nil, fmt.Errorf("request options whose %q is %T, not an object", key, x)
		}
	}
	return r, nil
}

func itemsToJS(vm *goja.Runtime, items []node.Item) *goja.Object {
	vals := make([]any, len(items))
	for i, it := range items {
		o := vm.NewObject()
		_ = o.Set("json", toJS(vm, it.JSON))
		if it.Binary != nil {
			_ = o.Set("binary", binaryToJS(vm, it.Binary))
		}
		vals[i] = o
	}
	return vm.NewArray(vals...)
}

// itemsFromJS reads INodeExecutionData[]: each entry's json and binary.
func itemsFromJS(vm *goja.Runtime, v goja.Value) ([]node.Item, error) {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil, errors.New("no items (it must return an array of {json} items)")
	}
	o, ok := v.(*goja.Object)
	if !ok || o.ClassName() != "Array" {
		return nil, fmt.Errorf("%s, not an array of {json} items", v.String())
	}
	n := int(o.Get("length").ToInteger())
	out := make([]node.Item, 0, n)
	for i := range n {
		e, ok := o.Get(fmt.Sprint(i)).(*goja.Object)
		if !ok {
			return nil, fmt.Errorf("an array whose element %d is not an item object", i)
		}
		j := e.Get("json")
		if j == nil || goja.IsUndefined(j) {
			return nil, fmt.Errorf("an array whose element %d has no \"json\"", i)
		}
		it := node.Item{JSON: fromJS(j)}
		if b := e.Get("binary"); b != nil && !goja.IsUndefined(b) && !goja.IsNull(b) {
			bin, err := binaryFromJS(b)
			if err != nil {
				return nil, fmt.Errorf("an array whose element %d: %w", i, err)
			}
			it.Binary = bin
		}
		out = append(out, it)
	}
	return out, nil
}

// toJS makes a JavaScript value of JSON-like Go data, as plain objects and
// arrays that code may change freely (keys in sorted order).
func toJS(vm *goja.Runtime, v any) goja.Value {
	switch x := v.(type) {
	case nil:
		return goja.Null()
	case goja.Value:
		return x
	case map[string]any:
		o := vm.NewObject()
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			_ = o.Set(k, toJS(vm, x[k]))
		}
		return o
	case []any:
		vals := make([]any, len(x))
		for i, e := range x {
			vals[i] = toJS(vm, e)
		}
		return vm.NewArray(vals...)
	case []byte:
		return vm.ToValue(string(x))
	case string, float64, bool, int, int64:
		return vm.ToValue(x)
	}
	if expr.IsUndefined(v) {
		return goja.Undefined()
	}
	return vm.ToValue(v)
}

// fromJS exports a JavaScript value as JSON-like Go data, as
// JSON.stringify sees it: numbers are float64, dates ISO strings, and
// object keys holding undefined or a function are left out.
func fromJS(v goja.Value) any {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil
	}
	o, ok := v.(*goja.Object)
	if !ok {
		return normalize(v.Export())
	}
	switch o.ClassName() {
	case "Array":
		n := int(o.Get("length").ToInteger())
		out := make([]any, n)
		for i := range n {
			e := o.Get(strconv.Itoa(i))
			if _, isFn := goja.AssertFunction(e); isFn {
				continue // JSON.stringify writes null
			}
			out[i] = fromJS(e)
		}
		return out
	case "Object":
		keys := o.Keys()
		out := make(map[string]any, len(keys))
		for _, k := range keys {
			e := o.Get(k)
			if e == nil || goja.IsUndefined(e) {
				continue
			}
			if _, isFn := goja.AssertFunction(e); isFn {
				continue
			}
			out[k] = fromJS(e)
		}
		return out
	case "Function":
		return nil
	}
	return normalize(o.Export())
}

func normalize(v any) any {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case int:
		return float64(x)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil // JSON has no NaN: n8n's items would hold null
		}
		return x
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
		return x
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	return v
}
