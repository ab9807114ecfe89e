package expr

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dop251/goja"
)

// Engine compiles and evaluates n8n expressions. It is safe for concurrent
// use; compiled expressions are cached by their text, up to
// Options.MaxCachedExpressions.
type Engine struct {
	opts        Options
	cache       exprCache
	zones       *zones
	now         func() time.Time
	prelude     *goja.Program
	preludeOnce sync.Once
	probe       *goja.Program // fastPathProgram
	probeOnce   sync.Once
	pool        chan *jsRuntime
	guardLimit  uint64       // heap growth that stops an evaluation (guard.go)
	live        atomic.Int64 // runtimes created and not yet dropped
	// sandboxTrips counts expressions that reached a tamed code compiler
	// or the real global object (sandbox.go): each one is a sanitizer hole.
	sandboxTrips atomic.Int64
	// noFast sends every segment through JavaScript (tests compare paths).
	noFast bool
}

// New returns an Engine with the given options.
func New(opts Options) *Engine {
	if opts.Timeout <= 0 {
		opts.Timeout = time.Second
	}
	if opts.MaxResultSize <= 0 {
		opts.MaxResultSize = 16 << 20
	}
	if opts.MaxRuntimes <= 0 {
		opts.MaxRuntimes = defaultRuntimes()
	}
	if opts.MaxMemory <= 0 {
		opts.MaxMemory = defaultMaxMemory
	}
	if opts.MaxCachedExpressions <= 0 {
		opts.MaxCachedExpressions = defaultMaxCached
	}
	setRegexpLimit()
	e := &Engine{opts: opts, now: opts.Now}
	e.cache.max = opts.MaxCachedExpressions
	e.guardLimit = guardLimit(opts.MaxMemory)
	if e.now == nil {
		e.now = time.Now
	}
	e.zones = newZones(opts.Timezone, e.now)
	e.pool = make(chan *jsRuntime, opts.MaxRuntimes)
	return e
}

// preludeProgram compiles the prelude on first use: a run whose
// expressions all take the Go fast path never needs JavaScript, and a
// command-line start should not pay for compiling it.
func (e *Engine) preludeProgram() *goja.Program {
	e.preludeOnce.Do(func() {
		e.prelude = goja.MustCompile("prelude.js", preludeSource, false)
	})
	return e.prelude
}

// Expression is one compiled parameter value. It is immutable and safe for
// concurrent use.
type Expression struct {
	eng      *Engine
	text     string
	isExpr   bool
	static   any
	isStatic bool
	compErr  *Error
	segs     []segment
	chunks   []*codeChunk // one per code segment, nil for text
	whole    bool
}

// Compile compiles a parameter string. A string that does not start with
// "=" is a literal. Compile never fails: a syntax error is kept and
// returned by every Eval, as n8n raises it per item; Err reports it early.
func (e *Engine) Compile(text string) *Expression {
	if x := e.cache.get(text); x != nil {
		return x
	}
	return e.cache.add(e.compile(text))
}

func (e *Engine) compile(text string) *Expression {
	x := &Expression{eng: e, text: text}
	if !strings.HasPrefix(text, "=") {
		x.static, x.isStatic = text, true
		return x
	}
	x.isExpr = true
	body := text[1:]
	if constructorPattern.MatchString(body) {
		x.compErr = &Error{Kind: KindReference, Message: "Expression contains invalid constructor function call",
			Description: "Constructor override attempt is not allowed due to security concerns", Expression: text}
		return x
	}
	x.segs = split(body)
	if len(x.segs) < 2 {
		x.static, x.isStatic = x.segs[0].text, true
		return x
	}
	x.whole = isWholeCode(x.segs)
	x.chunks = make([]*codeChunk, len(x.segs))
	for i, s := range x.segs {
		if !s.code {
			continue
		}
		c, err := compileCode(s.text)
		if err != nil {
			err.Expression = text
			x.compErr = err
			return x
		}
		x.chunks[i] = c
	}
	return x
}

// DependsOnlyOnValue reports whether the result is a pure function of
// $value: every code segment is $value or JSON.parse($value), or a
// literal. The runtime evaluates such an expression once per run when
// $value is the same for every item, as with a static JSON parameter.
func (x *Expression) DependsOnlyOnValue() bool {
	if !x.isExpr || x.compErr != nil {
		return false
	}
	for _, c := range x.chunks {
		if c != nil && !c.isConst && !c.valueOnly {
			return false
		}
	}
	return true
}

// Source returns the text the expression was compiled from.
func (x *Expression) Source() string { return x.text }

// IsExpression reports whether the text starts with "=".
func (x *Expression) IsExpression() bool { return x.isExpr }

// Static returns the value when the expression has no code segment.
func (x *Expression) Static() (any, bool) { return x.static, x.isStatic }

// Err returns the compile-time error, if any.
func (x *Expression) Err() error {
	if x.compErr == nil {
		return nil
	}
	return x.compErr
}

// Eval evaluates the expression for one item. A whole-expression result
// keeps its JavaScript type (E3); text with code segments gives a string
// (E4). The result is made of nil, Undefined, bool, float64, string,
// map[string]any, []any, DateTime, JSDate and Duration.
func (x *Expression) Eval(ctx context.Context, s *Scope) (any, error) {
	if x.isStatic {
		return x.static, nil
	}
	if x.compErr != nil {
		return nil, x.compErr
	}
	if s == nil {
		s = &Scope{}
	}
	ev := evaluation{x: x, ctx: ctx, scope: s}
	defer ev.release()
	if x.whole {
		v, err := ev.value(x.chunks[1])
		if err != nil {
			return nil, x.wrap(err)
		}
		return v, nil
	}
	var b strings.Builder
	b.Grow(len(x.text) + 32)
	for i, seg := range x.segs {
		if !seg.code {
			b.WriteString(seg.text)
			continue
		}
		str, err := ev.text(x.chunks[i])
		if err != nil {
			return nil, x.wrap(err)
		}
		b.WriteString(str)
		if b.Len() > x.eng.opts.MaxResultSize {
			return nil, x.wrap(&Error{Kind: KindTooLarge, Message: "result is larger than the size limit"})
		}
	}
	return b.String(), nil
}

func (x *Expression) wrap(err error) error {
	var e *Error
	if errors.As(err, &e) {
		c := *e
		c.Expression = x.text
		return &c
	}
	return &Error{Kind: KindRuntime, Message: err.Error(), Expression: x.text, Cause: err}
}

// EvalObjectAsString evaluates in n8n's "object as string" mode (E7), used
// for send.property, paginate, maxResults and enabled: an object result
// becomes "[Object: {"a": 2}]" (and [Array: ...], [DateTime: ...], [Date: ...]).
func (x *Expression) EvalObjectAsString(ctx context.Context, s *Scope) (any, error) {
	v, err := x.Eval(ctx, s)
	if err != nil {
		return nil, err
	}
	if _, ok := v.(string); ok || v == nil {
		return v, nil
	}
	return x.eng.objectAsString(v), nil
}

func (e *Engine) objectAsString(v any) any {
	var typ, body string
	switch t := v.(type) {
	case map[string]any:
		typ, body = "Object", jsonStringify(t)
	case []any:
		typ, body = "Array", jsonStringify(t)
	case DateTime:
		typ, body = "DateTime", t.String()
	case JSDate:
		if !t.Valid {
			return v
		}
		loc, _ := e.zones.loc(e.zones.def)
		tt := t.T.In(loc)
		typ, body = "Date", formatLuxon(tt, e.zones.def, "yyyy-MM-dd'T'HH:mm:ss.SSS")+isoOffset(tt, e.zones.def)
	case Duration:
		typ, body = "Duration", t.ISO
	default:
		return v
	}
	body = strings.ReplaceAll(body, `,"`, `, "`)
	body = strings.ReplaceAll(body, `":`, `": `)
	return "[" + typ + ": " + body + "]"
}

// Resolve resolves a parameter value for one item: a string starting with
// "=" is evaluated, maps and slices are resolved recursively into new
// values, anything else is returned as it is (E1).
func (e *Engine) Resolve(ctx context.Context, v any, s *Scope) (any, error) {
	switch t := v.(type) {
	case string:
		if !strings.HasPrefix(t, "=") {
			return t, nil
		}
		return e.Compile(t).Eval(ctx, s)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, child := range t {
			r, err := e.Resolve(ctx, child, s)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, child := range t {
			r, err := e.Resolve(ctx, child, s)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}

// evaluation is one Eval: it takes a JavaScript runtime from the pool only
// when a segment needs one.
type evaluation struct {
	x       *Expression
	ctx     context.Context
	scope   *Scope
	rt      *jsRuntime
	stopCtx func() bool
	broken  bool
}

func (ev *evaluation) release() {
	rt := ev.rt
	if rt == nil {
		return
	}
	rt.disarm()
	if ev.stopCtx != nil {
		ev.stopCtx()
	}
	rt.scope, rt.ctx = nil, nil
	clear(rt.vars)
	if ev.broken {
		ev.x.eng.live.Add(-1)
		ev.rt = nil
		return
	}
	select {
	case ev.x.eng.pool <- rt:
	default:
		ev.x.eng.live.Add(-1) // the pool is full: this runtime is dropped
	}
	ev.rt = nil
}

// nestedKey marks the context of code running inside a JavaScript
// evaluation, which already holds a runtime.
type nestedKey struct{}

// timeoutMarker is the interrupt value of a time limit.
type timeoutMarker struct{}

func (ev *evaluation) runtime() (*jsRuntime, error) {
	if ev.rt != nil {
		return ev.rt, nil
	}
	e := ev.x.eng
	var rt *jsRuntime
	select {
	case rt = <-e.pool:
	default:
		// Starting a runtime costs milliseconds: create one only while
		// fewer than MaxRuntimes exist, else wait for a pooled one. A
		// nested evaluation ($parameter resolving another expression
		// while its caller holds a runtime) always creates one, so that
		// evaluations never wait on each other in a cycle.
		if ev.ctx.Value(nestedKey{}) == nil && e.live.Load() >= int64(e.opts.MaxRuntimes) {
			select {
			case rt = <-e.pool:
			case <-ev.ctx.Done():
				return nil, &Error{Kind: KindTimeout, Message: "the evaluation was cancelled", Cause: ev.ctx.Err()}
			}
			break
		}
		var err error
		if rt, err = e.newRuntime(); err != nil {
			return nil, &Error{Kind: KindRuntime, Message: "cannot start the JavaScript runtime: " + err.Error(), Cause: err}
		}
		e.live.Add(1)
	}
	rt.ctx, rt.scope, rt.dirty = context.WithValue(ev.ctx, nestedKey{}, true), ev.scope, false
	id := rt.arm(e.opts.Timeout)
	if ev.ctx.Done() != nil {
		ctx := ev.ctx
		ev.stopCtx = context.AfterFunc(ctx, func() { rt.interrupt(id, ctx.Err()) })
	}
	ev.rt = rt
	return rt, nil
}

// value evaluates a code segment to a Go value.
func (ev *evaluation) value(c *codeChunk) (any, error) {
	if c.isConst && !ev.x.eng.noFast {
		return c.constVal, nil
	}
	if c.fast != nil && !ev.x.eng.noFast {
		if v, ok, err := c.fast(ev.ctx, ev.scope); ok || err != nil {
			return v, err
		}
	}
	rt, jv, err := ev.run(c)
	if err != nil {
		return ev.lenient(err, Undefined)
	}
	// Reading the result can run JavaScript (getters that throw, like
	// $workflow.id of an unsaved workflow): errors are caught here too.
	var out any
	size := 0
	if perr := catch(func() { out, err = rt.export(jv, 0, &size) }); perr != nil {
		return ev.lenient(ev.mapError(perr), Undefined)
	}
	return out, err
}

// text evaluates a code segment for mixed text: null, undefined, NaN and
// "" give "", anything else its JavaScript String() (E4).
func (ev *evaluation) text(c *codeChunk) (string, error) {
	if c.isConst && !ev.x.eng.noFast {
		return jsText(c.constVal)
	}
	if c.fast != nil && !ev.x.eng.noFast {
		if v, ok, err := c.fast(ev.ctx, ev.scope); err != nil {
			return "", err
		} else if ok {
			if s, err := jsText(v); err == nil {
				return s, nil
			}
		}
	}
	rt, jv, err := ev.run(c)
	if err != nil {
		_, err = ev.lenient(err, "")
		return "", err
	}
	sv, err := rt.str(goja.Undefined(), jv)
	if err != nil {
		return "", ev.mapError(err)
	}
	return sv.String(), nil
}

// lenient turns a runtime error into the value n8n gives (E5) when the
// engine is lenient.
func (ev *evaluation) lenient(err error, v any) (any, error) {
	var e *Error
	if ev.x.eng.opts.Lenient && errors.As(err, &e) && e.Kind == KindRuntime {
		return v, nil
	}
	return nil, err
}

func (ev *evaluation) run(c *codeChunk) (*jsRuntime, goja.Value, error) {
	if err := ev.ctx.Err(); err != nil {
		return nil, nil, &Error{Kind: KindTimeout, Message: "evaluation canceled: " + err.Error(), Cause: err}
	}
	rt, err := ev.runtime()
	if err != nil {
		return nil, nil, err
	}
	fn, ok := rt.fns[c]
	if !ok {
		if len(rt.fns) >= ev.x.eng.opts.MaxCachedExpressions {
			clear(rt.fns) // bounded as the Engine's cache is; refilled on use
		}
		v, err := rt.vm.RunProgram(c.prog)
		if err != nil {
			return nil, nil, ev.mapError(err)
		}
		fn, _ = goja.AssertFunction(v)
		rt.fns[c] = fn
	}
	var v goja.Value
	var callErr error
	if perr := catch(func() {
		args := rt.args[:0]
		for _, p := range c.params {
			args = append(args, rt.variable(p))
		}
		rt.args = args
		v, callErr = fn(goja.Undefined(), args...)
		clear(args)
	}); perr != nil {
		callErr = perr
		var pe panicError
		if errors.As(perr, &pe) {
			ev.broken = true // a Go panic: do not reuse this runtime
		}
	}
	if callErr != nil {
		return nil, nil, ev.mapError(callErr)
	}
	return rt, v, nil
}

// catch runs f, turning a panic (a JavaScript exception raised while
// binding variables, or a bug) into an error.
func catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			switch t := r.(type) {
			case *goja.Exception, *goja.InterruptedError, *goja.StackOverflowError, *Error:
				err = t.(error)
			case error:
				err = &Error{Kind: KindRuntime, Message: "internal error in the expression engine: " + t.Error(), Cause: panicError{t}}
			case goja.Value:
				err = jsThrown{t}
			default:
				err = &Error{Kind: KindRuntime, Message: fmt.Sprintf("internal error in the expression engine: %v", r), Cause: panicError{r}}
			}
		}
	}()
	f()
	return nil
}
