package expr

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"math"
	"reflect"
	"runtime"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dop251/goja"
	"github.com/jmespath/go-jmespath"

	"github.com/noderun/noderun/node"
)

// maxCallStack bounds JavaScript call depth.
const maxCallStack = 2000

//go:embed prelude.js
var preludeSource string

// jsRuntime is one pooled JavaScript runtime. It belongs to one goroutine
// at a time.
type jsRuntime struct {
	vm  *goja.Runtime
	eng *Engine
	fns map[*codeChunk]goja.Callable

	exprErr, extErr *goja.Object
	dtCtor, dtProto *goja.Object
	durProto        *goja.Object
	makeDT          goja.Callable
	str             goja.Callable
	functions       *goja.Object
	getTime         goja.Callable

	// mu guards evalID: a time-limit or cancellation callback interrupts
	// the runtime only while the evaluation that armed it is running.
	mu       sync.Mutex
	evalID   uint64
	armed    bool
	deadline time.Time
	timer    *time.Timer
	args     []goja.Value

	// per evaluation
	ctx   context.Context
	scope *Scope
	vars  map[string]goja.Value
	dirty bool // a lazily converted Go value was changed by the code

	noArgs   goja.Value
	lim      limits
	exported int // values export has read, to check the time limit
	// json and replacer count what JSON.stringify makes (limits.go).
	json     *stringifyState
	replacer goja.Value
	// rx is what runs global regular expressions (regexploop.go).
	rx regexpState
	// The heap guard (guard.go), run by timer; heapBase and guardID are
	// guarded by mu.
	heapSample []metrics.Sample
	heapBase   uint64
	guardID    uint64
}

func (e *Engine) newRuntime() (*jsRuntime, error) {
	vm := goja.New()
	vm.SetTimeSource(e.now)
	// Deep recursion is a RangeError, not a Go stack overflow.
	vm.SetMaxCallStackSize(maxCallStack)
	rt := &jsRuntime{vm: vm, eng: e, fns: map[*codeChunk]goja.Callable{}, vars: map[string]goja.Value{}}
	rt.timer = time.AfterFunc(time.Hour, rt.tick)
	rt.timer.Stop()
	rt.heapSample = []metrics.Sample{{Name: heapMetric}}
	if err := vm.Set("__n8nx_dtn", rt.natives()); err != nil {
		return nil, err
	}
	if _, err := vm.RunProgram(e.preludeProgram()); err != nil {
		return nil, err
	}
	if err := rt.installLimits(); err != nil {
		return nil, err
	}
	lib := vm.Get("__n8nx_lib").ToObject(vm)
	get := func(name string) *goja.Object { return lib.Get(name).ToObject(vm) }
	rt.exprErr, rt.extErr = get("ExpressionError"), get("ExpressionExtensionError")
	rt.dtCtor, rt.dtProto, rt.durProto = get("DateTime"), get("dateTimeProto"), get("durationProto")
	rt.functions = get("functions")
	rt.makeDT, _ = goja.AssertFunction(lib.Get("make"))
	rt.str, _ = goja.AssertFunction(vm.Get("__n8nx_str"))
	getTime, _ := vm.RunString("(function(d){ return d.getTime() })")
	rt.getTime, _ = goja.AssertFunction(getTime)
	// Extensions called without arguments share one frozen empty array.
	noArgs, _ := vm.RunString("Object.freeze([])")
	rt.noArgs = noArgs
	if err := rt.defineExtensionMethods(lib); err != nil {
		return nil, err
	}
	// Last: after the seal nothing can define a global or change an intrinsic.
	// The seal walks the built-ins through their checked versions; it is
	// the engine's own code, not bounded by an evaluation's MaxMemory.
	lim := rt.lim
	rt.lim = limits{bytes: math.MaxInt64, elems: math.MaxInt64, chars: math.MaxInt64}
	err := rt.seal()
	rt.lim = lim
	if err != nil {
		return nil, err
	}
	if err := rt.checkRegexpFastPath(); err != nil {
		return nil, err
	}
	return rt, nil
}

// Receiver types of extension methods, as n8n's extend() tells them apart.
const (
	extString = iota
	extNumber
	extBoolean
	extArray
	extObject
	extDate
	extTypes
)

// defineExtensionMethods puts on Object.prototype, under each extension
// name's symbol, a native method that calls the extension of its
// receiver's type directly, or extend() for everything else.
func (rt *jsRuntime) defineExtensionMethods(lib *goja.Object) error {
	vm := rt.vm
	tables := lib.Get("tables").ToObject(vm)
	fns := make([]map[string]goja.Callable, extTypes)
	for i, name := range []string{"string", "number", "boolean", "array", "object", "date"} {
		t := tables.Get(name).ToObject(vm)
		fns[i] = map[string]goja.Callable{}
		for _, k := range t.Keys() {
			if f, ok := goja.AssertFunction(t.Get(k)); ok {
				fns[i][k] = f
			}
		}
	}
	extend, ok := goja.AssertFunction(lib.Get("extend"))
	if !ok {
		return errors.New("prelude: extend is not a function")
	}
	syms := lib.Get("S").ToObject(vm)
	proto := vm.Get("Object").ToObject(vm).Get("prototype").ToObject(vm)
	for _, name := range syms.Keys() {
		sym, ok := syms.Get(name).(*goja.Symbol)
		if !ok {
			return fmt.Errorf("prelude: no symbol for %s", name)
		}
		nameVal := vm.ToValue(name)
		onString, onArray := stringExtensionsInGo[name], arrayExtensionsInGo[name]
		method := func(c goja.FunctionCall) goja.Value {
			// The common extensions skip the argument array and the
			// prelude's wrapper; they take no arguments.
			if onString != nil {
				if js, ok := c.This.(goja.String); ok {
					if s := js.String(); len(s) != 24 || !isISODateString(s) {
						return onString(vm, s)
					}
				}
			}
			if onArray != nil {
				if obj, ok := c.This.(*goja.Object); ok && obj.ClassName() == "Array" {
					return onArray(vm, obj)
				}
			}
			args := rt.noArgs
			if len(c.Arguments) > 0 {
				args = vm.NewArray(toAny(c.Arguments)...)
			}
			if t := rt.extType(c.This, name); t >= 0 {
				if f := fns[t][name]; f != nil {
					return rt.call(f, goja.Undefined(), c.This, args)
				}
			}
			return rt.call(extend, goja.Undefined(), c.This, nameVal, args)
		}
		if err := proto.DefineDataPropertySymbol(sym, vm.ToValue(method), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE); err != nil {
			return err
		}
	}
	return nil
}

// stringExtensionsInGo are string extensions whose prelude version only
// calls into Go; the extension method calls them directly. Each must
// match its prelude entry, which still serves extend() and $if chains.
var stringExtensionsInGo = map[string]func(vm *goja.Runtime, s string) goja.Value{
	"isEmpty":      func(vm *goja.Runtime, s string) goja.Value { return vm.ToValue(s == "") },
	"isNotEmpty":   func(vm *goja.Runtime, s string) goja.Value { return vm.ToValue(s != "") },
	"isEmail":      func(vm *goja.Runtime, s string) goja.Value { return vm.ToValue(isEmail(s)) },
	"isUrl":        func(vm *goja.Runtime, s string) goja.Value { return vm.ToValue(isURL(s)) },
	"isDomain":     func(vm *goja.Runtime, s string) goja.Value { return vm.ToValue(isDomain(s)) },
	"extractEmail": func(vm *goja.Runtime, s string) goja.Value { return extracted(vm, "email", s) },
	"extractDomain": func(vm *goja.Runtime, s string) goja.Value {
		return extracted(vm, "domain", s)
	},
	"extractUrl":     func(vm *goja.Runtime, s string) goja.Value { return extracted(vm, "url", s) },
	"toTitleCase":    func(vm *goja.Runtime, s string) goja.Value { return vm.ToValue(titleCase(s)) },
	"toSentenceCase": func(vm *goja.Runtime, s string) goja.Value { return vm.ToValue(sentenceCase(s)) },
}

// arrayExtensionsInGo are the array extensions read most, in Go (n8n:
// first and last index the array; isEmpty and isNotEmpty test its length).
var arrayExtensionsInGo = map[string]func(vm *goja.Runtime, a *goja.Object) goja.Value{
	"first": func(_ *goja.Runtime, a *goja.Object) goja.Value { return orUndefined(a.Get("0")) },
	"last": func(_ *goja.Runtime, a *goja.Object) goja.Value {
		return orUndefined(a.Get(strconv.FormatInt(arrayLength(a)-1, 10)))
	},
	"isEmpty":    func(vm *goja.Runtime, a *goja.Object) goja.Value { return vm.ToValue(arrayLength(a) == 0) },
	"isNotEmpty": func(vm *goja.Runtime, a *goja.Object) goja.Value { return vm.ToValue(arrayLength(a) > 0) },
}

func arrayLength(a *goja.Object) int64 { return a.Get("length").ToInteger() }

func orUndefined(v goja.Value) goja.Value {
	if v == nil {
		return goja.Undefined()
	}
	return v
}

func extracted(vm *goja.Runtime, kind, s string) goja.Value {
	if m, ok := extract(kind, s); ok {
		return vm.ToValue(m)
	}
	return goja.Undefined()
}

func toAny(vals []goja.Value) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = v
	}
	return out
}

var (
	reflectInt64   = reflect.TypeOf(int64(0))
	reflectFloat64 = reflect.TypeOf(float64(0))
	reflectBool    = reflect.TypeOf(false)

	reflectLazyObject = reflect.TypeOf((*lazyObject)(nil))
	reflectLazyArray  = reflect.TypeOf((*lazyArray)(nil))
)

// extType classifies a receiver as n8n's extend() does, or -1.
func (rt *jsRuntime) extType(v goja.Value, name string) int {
	obj, ok := v.(*goja.Object)
	if ok {
		return rt.extObjectType(obj)
	}
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return -1
	}
	if js, ok := v.(goja.String); ok {
		if js.Length() == 24 && name != "toDate" && name != "toDateTime" && isISODateString(js.String()) {
			return extDate
		}
		return extString
	}
	switch v.ExportType() {
	case reflectInt64, reflectFloat64:
		return extNumber
	case reflectBool:
		return extBoolean
	}
	return -1
}

func (rt *jsRuntime) extObjectType(obj *goja.Object) int {
	switch obj.ClassName() {
	case "Array":
		return extArray
	case "Date":
		return extDate
	}
	for p := obj.Prototype(); p != nil; p = p.Prototype() {
		if p == rt.dtProto {
			return extDate
		}
	}
	if _, isFn := goja.AssertFunction(obj); isFn {
		return -1
	}
	return extObject
}

// isISODateString is n8n's test for a string that is exactly
// Date.prototype.toISOString() output: such strings get date extensions.
func isISODateString(s string) bool {
	t, err := time.Parse("2006-01-02T15:04:05.000Z", s)
	return err == nil && t.Format("2006-01-02T15:04:05.000Z") == s
}

// arm starts an evaluation: it gets a new id and the time limit starts.
func (rt *jsRuntime) arm(timeout time.Duration) uint64 {
	rt.mu.Lock()
	rt.evalID++
	id := rt.evalID
	now := time.Now()
	rt.armed, rt.deadline = true, now.Add(timeout)
	rt.heapBase, rt.guardID = baseline(now), id
	rt.mu.Unlock()
	// One timer serves the time limit and the heap guard (tick): a second
	// one cost as much again to arm and stop in every evaluation.
	rt.timer.Reset(min(timeout, guardFirst))
	return id
}

// tick is the runtime's timer while an evaluation is armed: it ends the
// evaluation at its deadline, and until then reads the heap for the guard
// (guard.go) every guardTick. A late run for an evaluation that has ended
// finds none armed, or the next one's deadline not reached: at worst it
// reads the heap early.
func (rt *jsRuntime) tick() {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if !rt.armed {
		return
	}
	left := time.Until(rt.deadline)
	if left <= 0 {
		rt.vm.Interrupt(timeoutMarker{})
		return
	}
	if rt.guardID == rt.evalID && rt.checkHeap() {
		return
	}
	rt.timer.Reset(min(left, guardTick))
}

// disarm ends an evaluation: late timer or cancellation callbacks no
// longer match its id, and an interrupt that raced in is cleared.
func (rt *jsRuntime) disarm() {
	rt.timer.Stop()
	rt.mu.Lock()
	rt.evalID++
	rt.armed = false
	rt.mu.Unlock()
	rt.vm.ClearInterrupt()
}

// interrupt stops the evaluation with the given id, if it still runs.
func (rt *jsRuntime) interrupt(id uint64, v any) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.evalID == id {
		rt.vm.Interrupt(v)
	}
}

// throw raises an n8n ExpressionError (or ExpressionExtensionError) in JavaScript.
func (rt *jsRuntime) throw(ext bool, msg, desc string) {
	ctor := rt.exprErr
	if ext {
		ctor = rt.extErr
	}
	args := []goja.Value{rt.vm.ToValue(msg)}
	if desc != "" {
		args = append(args, rt.vm.ToValue(desc))
	}
	obj, err := rt.vm.New(ctor, args...)
	if err != nil {
		panic(rt.vm.NewGoError(err))
	}
	panic(obj)
}

func (rt *jsRuntime) natives() *goja.Object {
	vm := rt.vm
	z := rt.eng.zones
	o := vm.NewObject()
	set := func(name string, f func(goja.FunctionCall) goja.Value) { _ = o.Set(name, f) }
	num := func(c goja.FunctionCall, i int) float64 { return c.Argument(i).ToFloat() }
	str := func(c goja.FunctionCall, i int) string { return c.Argument(i).String() }
	result := func(r *parseResult) goja.Value {
		if r == nil || math.IsNaN(r.ms) {
			return goja.Null()
		}
		return vm.NewArray(r.ms, r.zone)
	}
	set("now", func(goja.FunctionCall) goja.Value { return vm.ToValue(float64(rt.eng.now().UnixMilli())) })
	set("defaultZone", func(goja.FunctionCall) goja.Value { return vm.ToValue(z.def) })
	set("zone", func(c goja.FunctionCall) goja.Value {
		if n := z.normalize(str(c, 0)); n != "" {
			return vm.ToValue(n)
		}
		return goja.Null()
	})
	set("zoneName", func(c goja.FunctionCall) goja.Value { return c.Argument(0) })
	set("isFixed", func(c goja.FunctionCall) goja.Value { return vm.ToValue(isFixedZone(str(c, 0))) })
	set("parts", func(c goja.FunctionCall) goja.Value {
		t := z.at(num(c, 0), str(c, 1))
		_, off := t.Zone()
		wy, wn := t.ISOWeek()
		dst := 0
		if t.IsDST() {
			dst = 1
		}
		return vm.NewArray(t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond()/1e6,
			off/60, weekdayISO(t), t.YearDay(), wn, wy, dst)
	})
	set("fromParts", func(c goja.FunctionCall) goja.Value {
		p := make([]int, 7)
		for i := range p {
			f := num(c, i)
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return vm.ToValue(math.NaN())
			}
			p[i] = int(f)
		}
		return vm.ToValue(z.fromWall(p[0], p[1], p[2], p[3], p[4], p[5], p[6], str(c, 7), num(c, 8)))
	})
	set("daysInMonth", func(c goja.FunctionCall) goja.Value { return vm.ToValue(daysIn(int(num(c, 0)), int(num(c, 1)))) })
	set("format", func(c goja.FunctionCall) goja.Value {
		zone := str(c, 1)
		return vm.ToValue(formatLuxon(z.at(num(c, 0), zone), zone, str(c, 2)))
	})
	set("isoOffset", func(c goja.FunctionCall) goja.Value {
		zone := str(c, 1)
		return vm.ToValue(isoOffset(z.at(num(c, 0), zone), zone))
	})
	set("parseISO", func(c goja.FunctionCall) goja.Value {
		return result(z.parseISO(str(c, 0), str(c, 1), c.Argument(2).ToBoolean()))
	})
	set("parseSQL", func(c goja.FunctionCall) goja.Value {
		return result(z.parseSQL(str(c, 0), str(c, 1), c.Argument(2).ToBoolean()))
	})
	set("parseHTTP", func(c goja.FunctionCall) goja.Value {
		return result(z.parseHTTP(str(c, 0), str(c, 1), c.Argument(2).ToBoolean()))
	})
	set("parseRFC2822", func(c goja.FunctionCall) goja.Value {
		return result(z.parseRFC2822(str(c, 0), str(c, 1), c.Argument(2).ToBoolean()))
	})
	set("parseFormat", func(c goja.FunctionCall) goja.Value {
		return result(z.parseFormat(str(c, 0), str(c, 1), str(c, 2), c.Argument(3).ToBoolean()))
	})
	set("parseLoose", func(c goja.FunctionCall) goja.Value {
		if ms, ok := parseLoose(str(c, 0)); ok {
			return vm.ToValue(ms)
		}
		return goja.Null()
	})
	set("parseDate", func(c goja.FunctionCall) goja.Value { return vm.ToValue(z.parseDate(str(c, 0))) })
	set("hash", func(c goja.FunctionCall) goja.Value {
		var h hash.Hash
		switch str(c, 1) {
		case "md5":
			h = md5.New()
		case "sha1":
			h = sha1.New()
		case "sha224":
			h = sha256.New224()
		case "sha256":
			h = sha256.New()
		case "sha384":
			h = sha512.New384()
		case "sha512":
			h = sha512.New()
		case "sha3":
			h = sha3.New512()
		default:
			return goja.Null()
		}
		h.Write([]byte(str(c, 0)))
		return vm.ToValue(hex.EncodeToString(h.Sum(nil)))
	})
	set("base64", func(c goja.FunctionCall) goja.Value {
		return vm.ToValue(base64.StdEncoding.EncodeToString([]byte(str(c, 0))))
	})
	set("unbase64", func(c goja.FunctionCall) goja.Value {
		s := strings.Map(func(r rune) rune {
			switch {
			case r == '-':
				return '+'
			case r == '_':
				return '/'
			case r == '=' || r == ' ' || r == '\n' || r == '\r' || r == '\t':
				return -1
			}
			return r
		}, str(c, 0))
		b, err := base64.RawStdEncoding.DecodeString(s)
		if err != nil {
			b, _ = base64.RawStdEncoding.DecodeString(s[:len(s)/4*4])
		}
		return vm.ToValue(strings.ToValidUTF8(string(b), "\uFFFD"))
	})
	set("formatNumber", func(c goja.FunctionCall) goja.Value {
		opts := map[string]any{}
		if obj, ok := c.Argument(2).(*goja.Object); ok {
			for _, k := range obj.Keys() {
				opts[k] = obj.Get(k).Export()
			}
		}
		return vm.ToValue(formatNumber(num(c, 0), str(c, 1), opts))
	})
	set("jmespath", func(c goja.FunctionCall) goja.Value {
		data, err := rt.export(c.Argument(0), 0, new(int))
		if err != nil {
			panic(vm.NewGoError(err))
		}
		res, err := jmespath.Search(str(c, 1), jsonShape(data))
		if err != nil {
			e, _ := vm.New(vm.Get("Error"), vm.ToValue(err.Error()))
			_ = e.Set("name", "ParserError")
			panic(e)
		}
		return rt.toJS(res)
	})
	set("isEmail", func(c goja.FunctionCall) goja.Value { return vm.ToValue(isEmail(str(c, 0))) })
	set("isUrl", func(c goja.FunctionCall) goja.Value { return vm.ToValue(isURL(str(c, 0))) })
	set("isDomain", func(c goja.FunctionCall) goja.Value { return vm.ToValue(isDomain(str(c, 0))) })
	set("extract", func(c goja.FunctionCall) goja.Value {
		if m, ok := extract(str(c, 0), str(c, 1)); ok {
			return vm.ToValue(m)
		}
		return goja.Null()
	})
	set("titleCase", func(c goja.FunctionCall) goja.Value { return vm.ToValue(titleCase(str(c, 0))) })
	set("sentenceCase", func(c goja.FunctionCall) goja.Value { return vm.ToValue(sentenceCase(str(c, 0))) })
	set("unsafeProperty", func(c goja.FunctionCall) goja.Value { return vm.ToValue(unsafeProperties[str(c, 0)]) })
	names := make([]any, 0, len(extensionMethods))
	for n := range extensionMethods {
		names = append(names, n)
	}
	_ = o.Set("extensionNames", vm.NewArray(names...))
	return o
}

// jsonShape turns values jmespath cannot walk (DateTime, Undefined) into
// their JSON forms.
func jsonShape(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			if !IsUndefined(x) {
				out[k] = jsonShape(x)
			}
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = jsonShape(x)
		}
		return out
	case DateTime:
		if !t.valid {
			return nil
		}
		return t.String()
	case JSDate, Duration:
		var s any
		b, _ := t.(interface{ MarshalJSON() ([]byte, error) }).MarshalJSON()
		_ = jsonUnmarshal(b, &s)
		return s
	case undefinedValue:
		return nil
	}
	return v
}

// toJS converts a Go value into JavaScript. Maps and slices become lazy
// views that convert their members on first access and never write to the
// Go value.
func (rt *jsRuntime) toJS(v any) goja.Value {
	vm := rt.vm
	switch t := v.(type) {
	case nil:
		return goja.Null()
	case undefinedValue:
		return goja.Undefined()
	case goja.Value:
		return t
	case string:
		return vm.ToValue(t)
	case bool:
		return vm.ToValue(t)
	case float64:
		return vm.ToValue(t)
	case int:
		return vm.ToValue(float64(t))
	case int64:
		return vm.ToValue(float64(t))
	case float32:
		return vm.ToValue(float64(t))
	case map[string]any:
		return vm.NewDynamicObject(&lazyObject{rt: rt, src: t})
	case []any:
		return vm.NewDynamicArray(&lazyArray{rt: rt, src: t})
	case map[string]string:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = x
		}
		return rt.toJS(m)
	case []map[string]any:
		s := make([]any, len(t))
		for i, x := range t {
			s[i] = x
		}
		return rt.toJS(s)
	case []string:
		s := make([]any, len(t))
		for i, x := range t {
			s[i] = x
		}
		return rt.toJS(s)
	case DateTime:
		if !t.valid {
			return rt.call(rt.makeDT, goja.Undefined(), vm.ToValue(math.NaN()), vm.ToValue(rt.eng.zones.def))
		}
		zone := rt.eng.zones.normalize(t.zone)
		if zone == "" {
			zone = "UTC"
		}
		return rt.call(rt.makeDT, goja.Undefined(), vm.ToValue(float64(t.t.UnixMilli())), vm.ToValue(zone))
	case time.Time:
		d, _ := vm.New(vm.Get("Date"), vm.ToValue(float64(t.UnixMilli())))
		return d
	case JSDate:
		ms := math.NaN()
		if t.Valid {
			ms = float64(t.T.UnixMilli())
		}
		d, _ := vm.New(vm.Get("Date"), vm.ToValue(ms))
		return d
	case node.Item:
		return rt.itemJS(t)
	case node.Binary:
		return rt.toJS(binaryMap(t))
	case map[string]node.Binary:
		m := make(map[string]any, len(t))
		for k, b := range t {
			m[k] = binaryMap(b)
		}
		return rt.toJS(m)
	}
	// Other Go values (structs, typed maps) pass through their JSON form.
	var out any
	b, err := jsonMarshal(v)
	if err == nil && jsonUnmarshal(b, &out) == nil {
		return rt.toJS(out)
	}
	return goja.Undefined()
}

func binaryMap(b node.Binary) map[string]any {
	m := map[string]any{"data": b.Data, "mimeType": b.MimeType}
	for k, v := range map[string]string{"fileName": b.FileName, "fileExtension": b.FileExtension, "fileSize": b.FileSize, "fileType": b.FileType, "directory": b.Directory} {
		if v != "" {
			m[k] = v
		}
	}
	return m
}

func (rt *jsRuntime) itemJS(it node.Item) goja.Value {
	o := rt.vm.NewObject()
	_ = o.Set("json", rt.toJS(it.JSON))
	if it.Binary != nil {
		_ = o.Set("binary", rt.toJS(it.Binary))
	}
	if it.PairedItem != nil {
		p := rt.vm.NewObject()
		_ = p.Set("item", it.PairedItem.Item)
		if it.PairedItem.Input != nil {
			_ = p.Set("input", *it.PairedItem.Input)
		}
		_ = o.Set("pairedItem", p)
	}
	return o
}

func (rt *jsRuntime) call(f goja.Callable, this goja.Value, args ...goja.Value) goja.Value {
	v, err := f(this, args...)
	if err != nil {
		panic(err)
	}
	return v
}

// lazyObject is a JavaScript object view of a Go map: members are
// converted on first access; writes go to the view, never to the map.
type lazyObject struct {
	rt    *jsRuntime
	src   map[string]any
	names []string // converted (or written) members, in step with vals
	vals  []goja.Value
	// inline storage for the first members, to spare allocations
	names0  [4]string
	vals0   [4]goja.Value
	extra   []string // names written that the map does not have
	deleted map[string]bool
}

func (o *lazyObject) cached(key string) (int, bool) {
	for i, n := range o.names {
		if n == key {
			return i, true
		}
	}
	return -1, false
}

func (o *lazyObject) Get(key string) goja.Value {
	if i, ok := o.cached(key); ok {
		return o.vals[i]
	}
	if o.deleted[key] {
		return nil
	}
	sv, ok := o.src[key]
	if !ok {
		return nil
	}
	v := o.rt.toJS(sv)
	o.add(key, v)
	return v
}

func (o *lazyObject) Set(key string, val goja.Value) bool {
	o.rt.dirty = true
	if i, ok := o.cached(key); ok {
		o.vals[i] = val
		return true
	}
	if _, inSrc := o.src[key]; !inSrc || o.deleted[key] {
		o.extra = append(o.extra, key)
	}
	delete(o.deleted, key)
	o.add(key, val)
	return true
}

func (o *lazyObject) add(key string, v goja.Value) {
	if o.names == nil {
		o.names, o.vals = o.names0[:0], o.vals0[:0]
	}
	o.names = append(o.names, key)
	o.vals = append(o.vals, v)
}

func (o *lazyObject) Has(key string) bool {
	if _, ok := o.cached(key); ok {
		return true
	}
	_, ok := o.src[key]
	return ok && !o.deleted[key]
}

func (o *lazyObject) Delete(key string) bool {
	o.rt.dirty = true
	if o.deleted == nil {
		o.deleted = map[string]bool{}
	}
	o.deleted[key] = true
	if i, ok := o.cached(key); ok {
		o.names = append(o.names[:i], o.names[i+1:]...)
		o.vals = append(o.vals[:i], o.vals[i+1:]...)
	}
	return true
}

func (o *lazyObject) Keys() []string {
	keys := make([]string, 0, len(o.src)+len(o.extra))
	for k := range o.src {
		if !o.deleted[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	seen := map[string]bool{}
	for _, k := range o.extra {
		if _, inSrc := o.src[k]; !o.deleted[k] && !seen[k] && !inSrc {
			keys = append(keys, k)
			seen[k] = true
		}
	}
	return keys
}

// lazyArray is a JavaScript array view of a Go slice.
type lazyArray struct {
	rt   *jsRuntime
	src  []any
	vals []goja.Value // converted members; nil entries are not converted yet
	n    int
	own  bool // vals replaced src (after a write)
}

func (a *lazyArray) Len() int {
	if a.own {
		return a.n
	}
	return len(a.src)
}

func (a *lazyArray) Get(i int) goja.Value {
	if i < 0 || i >= a.Len() {
		return nil
	}
	if a.vals == nil {
		a.vals = make([]goja.Value, len(a.src))
	}
	if a.vals[i] == nil {
		if a.own {
			return goja.Undefined()
		}
		a.vals[i] = a.rt.toJS(a.src[i])
	}
	return a.vals[i]
}

func (a *lazyArray) materialize() {
	if a.own {
		return
	}
	if a.vals == nil {
		a.vals = make([]goja.Value, len(a.src))
	}
	for i := range a.src {
		if a.vals[i] == nil {
			a.vals[i] = a.rt.toJS(a.src[i])
		}
	}
	a.n, a.own = len(a.src), true
}

func (a *lazyArray) Set(i int, v goja.Value) bool {
	if i < 0 {
		return false
	}
	a.rt.dirty = true
	a.materialize()
	for a.n <= i {
		a.vals = append(a.vals, goja.Undefined())
		a.n++
	}
	a.vals[i] = v
	return true
}

func (a *lazyArray) SetLen(n int) bool {
	if n < 0 {
		return false
	}
	a.rt.dirty = true
	a.materialize()
	for a.n < n {
		a.vals = append(a.vals, goja.Undefined())
		a.n++
	}
	a.vals, a.n = a.vals[:n], n
	return true
}

// export converts a JavaScript result into plain Go values (E3), counting
// its size against the engine's limit.
func (rt *jsRuntime) export(v goja.Value, depth int, size *int) (any, error) {
	if depth > 200 {
		return nil, &Error{Kind: KindTooLarge, Message: "result is nested too deeply (a cycle?)"}
	}
	limit := rt.eng.opts.MaxResultSize
	if rt.exported++; rt.exported%stopCheckEvery == 0 && rt.stopping() {
		// A graph of shared values ([a, a] nested) is walked once per path.
		return nil, &Error{Kind: KindTimeout, Message: "Expression timed out",
			Description: fmt.Sprintf("reading the result took longer than %s", rt.eng.opts.Timeout)}
	}
	if *size > limit {
		return nil, &Error{Kind: KindTooLarge, Message: "result is larger than the size limit"}
	}
	if v == nil || goja.IsUndefined(v) {
		*size += 4
		return Undefined, nil
	}
	if goja.IsNull(v) {
		*size += 4
		return nil, nil
	}
	obj, isObj := v.(*goja.Object)
	if !isObj {
		switch t := v.Export().(type) {
		case int64:
			*size += 8
			return float64(t), nil
		case float64:
			*size += 8
			return t, nil
		case string:
			*size += len(t) + 2
			if *size > limit {
				return nil, &Error{Kind: KindTooLarge, Message: "result is larger than the size limit"}
			}
			return t, nil
		case bool:
			*size += 4
			return t, nil
		default:
			// BigInt and Symbol have no JSON form; keep their text.
			s := v.String()
			*size += len(s)
			return s, nil
		}
	}
	if _, ok := goja.AssertFunction(obj); ok {
		if obj == rt.dtCtor {
			return nil, &Error{Kind: KindResult, Message: "this is a DateTime, please access its methods"}
		}
		return nil, &Error{Kind: KindResult, Message: "this is a function, please add ()"}
	}
	// Only the lazy views are exported by goja: its Export of an array or
	// object copies the whole graph first, unbounded (a sparse
	// new Array(2**32-1) is 64 GB, [a, a] nested 60 times 2^60 values).
	var lazy any
	if t := obj.ExportType(); t == reflectLazyObject || t == reflectLazyArray {
		lazy = obj.Export()
	}
	switch t := lazy.(type) {
	case *lazyObject:
		if !rt.dirty {
			*size += approxSize(t.src)
			return t.src, nil
		}
	case *lazyArray:
		if !rt.dirty {
			*size += approxSize(t.src)
			return t.src, nil
		}
	}
	for p := obj.Prototype(); p != nil; p = p.Prototype() {
		if p == rt.dtProto {
			*size += 32
			return rt.exportDateTime(obj), nil
		}
		if p == rt.durProto {
			*size += 32
			return rt.exportDuration(obj)
		}
	}
	switch obj.ClassName() {
	case "Date":
		ms := rt.call(rt.getTime, goja.Undefined(), obj).ToFloat()
		*size += 26
		if math.IsNaN(ms) {
			return JSDate{}, nil
		}
		return JSDate{T: time.UnixMilli(int64(ms)).UTC(), Valid: true}, nil
	case "Array":
		// Checked before the slice is made: a sparse new Array(2**32-1)
		// has no elements but would take 64 GB here.
		n := int(lengthOf(obj))
		if int64(n) > rt.lim.elems || *size+4*n > limit {
			return nil, &Error{Kind: KindTooLarge, Message: fmt.Sprintf("result is larger than the size limit (an array of %s elements)", count(int64(n)))}
		}
		out := make([]any, n)
		for i := 0; i < n; i++ {
			x, err := rt.export(obj.Get(itoa(i)), depth+1, size)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	}
	if strings.HasSuffix(obj.ClassName(), "Array") { // a typed array: as many keys as elements
		if n := lengthOf(obj); *size+4*int(n) > limit {
			return nil, &Error{Kind: KindTooLarge, Message: fmt.Sprintf("result is larger than the size limit (%s elements)", count(n))}
		}
	}
	keys := obj.Keys()
	out := make(map[string]any, len(keys))
	for _, k := range keys {
		x, err := rt.export(obj.Get(k), depth+1, size)
		if err != nil {
			return nil, err
		}
		*size += len(k) + 4
		out[k] = x
	}
	return out, nil
}

func (rt *jsRuntime) exportDateTime(obj *goja.Object) DateTime {
	ts := obj.Get("ts").ToFloat()
	zone := obj.Get("_z").String()
	if inv := obj.Get("_inv"); inv != nil && !goja.IsNull(inv) || math.IsNaN(ts) {
		return DateTime{zone: zone}
	}
	return DateTime{t: rt.eng.zones.at(ts, zone), zone: zone, valid: true}
}

func (rt *jsRuntime) exportDuration(obj *goja.Object) (any, error) {
	d := Duration{Values: map[string]float64{}}
	if vals, ok := obj.Get("_v").(*goja.Object); ok {
		for _, k := range vals.Keys() {
			d.Values[k] = vals.Get(k).ToFloat()
		}
	}
	if f, ok := goja.AssertFunction(obj.Get("toISO")); ok {
		if v, err := f(obj); err == nil && !goja.IsNull(v) {
			d.ISO = v.String()
		}
	}
	return d, nil
}

// approxSize estimates the JSON size of a Go value.
func approxSize(v any) int {
	switch t := v.(type) {
	case string:
		return len(t) + 2
	case map[string]any:
		n := 2
		for k, x := range t {
			n += len(k) + 4 + approxSize(x)
		}
		return n
	case []any:
		n := 2
		for _, x := range t {
			n += approxSize(x) + 1
		}
		return n
	}
	return 8
}

func itoa(i int) string { return strconv.Itoa(i) }

// defaultRuntimes is the pool size when Options.MaxRuntimes is zero.
func defaultRuntimes() int { return runtime.GOMAXPROCS(0) }
