package expr

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/dlclark/regexp2"
	"github.com/dop251/goja"
)

// Resource limits of one evaluation. goja has no memory accounting and
// cannot interrupt its own built-in functions, so every built-in that
// allocates or loops in proportion to its arguments (not to the work the
// expression's own code does) is checked here before it runs: an input
// that would make the process run out of memory or overflow the Go stack
// (both are fatal errors nothing can recover from) becomes a KindTooLarge
// item error instead.
const (
	// defaultMaxMemory is Options.MaxMemory when zero.
	defaultMaxMemory = 64 << 20
	// valueBytes is what one array element costs goja, counted high: an
	// interface value and the value it boxes; a string character costs at
	// most two bytes (UTF-16).
	valueBytes = 64
	// maxJSONDepth bounds JSON.parse and JSON.stringify nesting: goja's
	// JSON code recurses on the Go stack, and a few MB of "[[[…" overflow
	// it (a fatal error).
	maxJSONDepth = 2000
	// regexpMatchLimit bounds one match of a regular expression run by
	// regexp2 (patterns with lookaround or backreferences, and global or
	// sticky patterns after the first match): goja's interrupt does not
	// reach into a match, which can backtrack for minutes.
	regexpMatchLimit = 500 * time.Millisecond
)

// setRegexpLimit makes regexp2's package default the match limit, once.
// goja compiles its regexp2 patterns with that default and offers no way
// to set a per-pattern timeout, so the package variable is the only handle.
// It is written before any Engine compiles or runs code (New calls this),
// and only ever to the same value.
//
// regexp2 measures time with a coarse clock that stops when no match with
// a timeout has run for a second, and reads it stale when it restarts: a
// match that starts then can be stopped at once, and goja would return "no
// match". One match with a timeout of centuries keeps the clock running
// (a goroutine that wakes every 100 ms), so a timeout never comes early.
var setRegexpLimit = sync.OnceFunc(func() {
	keep := regexp2.MustCompile("x", regexp2.None)
	keep.MatchTimeout = 100 * 365 * 24 * time.Hour
	_, _ = keep.MatchString("x")
	regexp2.DefaultMatchTimeout = regexpMatchLimit
})

// limits are an evaluation's bounds, derived from Options.MaxMemory.
type limits struct {
	bytes int64 // bytes one built-in may allocate (typed arrays, buffers)
	elems int64 // array elements
	chars int64 // string length in UTF-16 units
}

func newLimits(maxMemory int) limits {
	m := int64(maxMemory)
	return limits{bytes: m, elems: m / valueBytes, chars: m / 2}
}

// tooLarge raises a KindTooLarge error naming the limit. It is a
// JavaScript exception, as V8's RangeError for an invalid length is.
func (rt *jsRuntime) tooLarge(what string, n, limit int64, unit string) {
	err := &Error{Kind: KindTooLarge,
		Message: fmt.Sprintf("%s of %s %s is larger than the limit of %d %s per evaluation", what, count(n), unit, limit, unit),
		Description: fmt.Sprintf("Options.MaxMemory (%d MiB) bounds what one evaluation may allocate; raise it to allow more",
			rt.eng.opts.MaxMemory>>20)}
	panic(rt.vm.NewGoError(err))
}

// count formats n, which may be an absurd length such as 2^53.
func count(n int64) string {
	if n < 0 || n >= math.MaxInt64/2 {
		return "more than 2^62"
	}
	return fmt.Sprint(n)
}

func (rt *jsRuntime) checkElems(what string, n int64) {
	if n > rt.lim.elems {
		rt.tooLarge(what, n, rt.lim.elems, "elements")
	}
}

func (rt *jsRuntime) checkChars(what string, n int64) {
	if n > rt.lim.chars {
		rt.tooLarge(what, n, rt.lim.chars, "characters")
	}
}

// lengthOf is ToLength(o.length) for an object, 0 for anything else.
func lengthOf(v goja.Value) int64 {
	o, ok := v.(*goja.Object)
	if !ok {
		if s, ok := v.(goja.String); ok {
			return int64(s.Length())
		}
		return 0
	}
	l := o.Get("length")
	if l == nil {
		return 0
	}
	f := l.ToFloat()
	switch {
	case math.IsNaN(f) || f <= 0:
		return 0
	case f >= 1<<53:
		return 1<<53 - 1
	}
	return int64(f)
}

func isUndef(v goja.Value) bool { return v == nil || goja.IsUndefined(v) }

// toInt is ToIntegerOrInfinity clamped to int64.
func toInt(v goja.Value) int64 {
	f := v.ToFloat()
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt64/2:
		return math.MaxInt64 / 2
	case f <= math.MinInt64/2:
		return math.MinInt64 / 2
	}
	return int64(f)
}

// installLimits replaces the built-ins that allocate or loop without a
// check by checked versions. newRuntime calls it right after the prelude,
// before anything freezes the intrinsics.
func (rt *jsRuntime) installLimits() error {
	vm := rt.vm
	rt.lim = newLimits(rt.eng.opts.MaxMemory)
	get := func(o *goja.Object, name string) *goja.Object { return o.Get(name).ToObject(vm) }
	global := vm.GlobalObject()
	array, str := get(global, "Array"), get(global, "String")
	arrayProto, strProto := get(array, "prototype"), get(str, "prototype")

	var err error
	// wrap replaces o[name] by f, which receives the original.
	wrap := func(o *goja.Object, name string, f func(orig goja.Callable) func(goja.FunctionCall) goja.Value) {
		if err != nil {
			return
		}
		orig, ok := goja.AssertFunction(o.Get(name))
		if !ok {
			err = fmt.Errorf("limits: %s is not a function", name)
			return
		}
		err = rt.define(o, name, f(orig), int(lengthOf(o.Get(name))))
	}
	checked := func(o *goja.Object, name string, check func(c goja.FunctionCall)) {
		wrap(o, name, func(orig goja.Callable) func(goja.FunctionCall) goja.Value {
			return func(c goja.FunctionCall) goja.Value {
				check(c)
				return rt.call(orig, c.This, c.Arguments...)
			}
		})
	}

	// Array methods loop over this.length, present or not: a sparse
	// new Array(1e9) makes them run for minutes or fill gigabytes.
	thisLength := func(name string) func(c goja.FunctionCall) {
		what := "Array.prototype." + name + " on an array"
		return func(c goja.FunctionCall) { rt.checkElems(what, lengthOf(c.This)) }
	}
	for _, name := range []string{"every", "filter", "find", "findIndex", "findLast", "findLastIndex", "forEach",
		"includes", "indexOf", "lastIndexOf", "map", "reduce", "reduceRight", "reverse", "some",
		"copyWithin", "keys", "entries", "shift", "slice", "toReversed", "with", "toLocaleString"} {
		if o, ok := arrayProto.Get(name).(*goja.Object); ok && o != nil {
			checked(arrayProto, name, thisLength(name))
		}
	}
	// values is also Array.prototype[Symbol.iterator]; both must stay
	// the same function.
	wrap(arrayProto, "values", func(orig goja.Callable) func(goja.FunctionCall) goja.Value {
		check := thisLength("values")
		return func(c goja.FunctionCall) goja.Value {
			check(c)
			return rt.call(orig, c.This, c.Arguments...)
		}
	})
	if err == nil {
		err = arrayProto.DefineDataPropertySymbol(goja.SymIterator, arrayProto.Get("values"), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	}
	for _, name := range []string{"push", "unshift"} {
		checked(arrayProto, name, func(c goja.FunctionCall) {
			rt.checkElems("Array.prototype."+name+" result", lengthOf(c.This)+int64(len(c.Arguments)))
		})
	}
	checked(arrayProto, "splice", func(c goja.FunctionCall) {
		n := lengthOf(c.This)
		rt.checkElems("Array.prototype.splice on an array", n)
		if len(c.Arguments) > 2 {
			rt.checkElems("Array.prototype.splice result", n+int64(len(c.Arguments)-2))
		}
	})
	checked(arrayProto, "concat", func(c goja.FunctionCall) {
		n := rt.spreadLength(c.This)
		for _, a := range c.Arguments {
			n += rt.spreadLength(a)
			rt.checkElems("Array.prototype.concat result", n)
		}
		rt.checkElems("Array.prototype.concat result", n)
	})
	checked(arrayProto, "flat", func(c goja.FunctionCall) {
		depth := int64(1)
		if !isUndef(c.Argument(0)) {
			depth = toInt(c.Argument(0))
		}
		rt.checkElems("Array.prototype.flat result", rt.flatLength(c.This, depth, 0))
	})
	checked(arrayProto, "flatMap", thisLength("flatMap"))
	// sort and fill run long on large arrays (goja's sort converts both
	// sides to strings for every comparison: a million numbers take
	// 15 s): they are done here, where the time limit can stop them.
	// Small arrays, the common case, keep goja's own versions.
	for _, name := range []string{"sort", "toSorted", "fill"} {
		wrap(arrayProto, name, func(orig goja.Callable) func(goja.FunctionCall) goja.Value {
			what := "Array.prototype." + name + " on an array"
			return func(c goja.FunctionCall) goja.Value {
				if n := lengthOf(c.This); n <= smallArray {
					rt.checkElems(what, n)
					return rt.call(orig, c.This, c.Arguments...)
				}
				if name == "fill" {
					return rt.fill(c)
				}
				return rt.sort(c, name == "toSorted")
			}
		})
	}
	fnProto := get(get(global, "Function"), "prototype")
	checked(fnProto, "apply", func(c goja.FunctionCall) {
		if args, ok := c.Argument(1).(*goja.Object); ok {
			rt.checkElems("Function.prototype.apply arguments", lengthOf(args))
		}
	})
	// join (and toString, which calls join) is done here: the length of
	// the result is known only while it is built.
	joinStack := []*goja.Object{}
	join := func(c goja.FunctionCall) goja.Value {
		o := c.This.ToObject(vm)
		for _, s := range joinStack {
			if s == o {
				return vm.ToValue("") // a cycle joins as "", as in V8 and goja
			}
		}
		joinStack = append(joinStack, o)
		defer func() { joinStack = joinStack[:len(joinStack)-1] }()
		n := lengthOf(o)
		rt.checkElems("Array.prototype.join on an array", n)
		var sep goja.String = asString(vm, ",")
		if s := c.Argument(0); !isUndef(s) {
			sep = jsString(vm, s)
		}
		total := int64(sep.Length()) * (n - 1)
		rt.checkChars("Array.prototype.join result", total)
		var b goja.StringBuilder
		for i := int64(0); i < n; i++ {
			if i > 0 {
				b.WriteString(sep)
			}
			e := o.Get(itoa(int(i)))
			if e == nil || goja.IsUndefined(e) || goja.IsNull(e) {
				continue
			}
			s := jsString(vm, e)
			total += int64(s.Length())
			rt.checkChars("Array.prototype.join result", total)
			b.WriteString(s)
		}
		return b.String()
	}
	if err == nil {
		err = rt.define(arrayProto, "join", join, 1)
	}
	// Array.from takes length from array-likes, arrays, typed arrays and
	// strings; other iterables (Set, Map, generators) grow step by step.
	checked(array, "from", func(c goja.FunctionCall) { rt.checkElems("Array.from result", lengthOf(c.Argument(0))) })
	// Typed arrays may hold MaxMemory bytes, more elements than an
	// array: what makes arrays or strings from them, or sorts them
	// without a comparator in one native loop, is checked against the
	// element limit.
	typedProto := get(get(global, "Uint8Array"), "prototype").Prototype()
	for _, name := range []string{"sort", "toSorted", "join", "toLocaleString", "values", "keys", "entries"} {
		if typedProto != nil && typedProto.Get(name) != nil {
			what := "%TypedArray%.prototype." + name + " on a typed array"
			checked(typedProto, name, func(c goja.FunctionCall) { rt.checkElems(what, lengthOf(c.This)) })
		}
	}
	if err == nil && typedProto != nil {
		err = typedProto.DefineDataPropertySymbol(goja.SymIterator, typedProto.Get("values"), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	}

	// Strings.
	checked(strProto, "repeat", func(c goja.FunctionCall) {
		n := toInt(c.Argument(0))
		if l := int64(thisString(vm, c.This).Length()); l > 0 && n > 0 {
			if n > rt.lim.chars || l*n > rt.lim.chars {
				rt.checkChars("String.prototype.repeat result", satMul(l, n))
			}
		}
	})
	for _, name := range []string{"padStart", "padEnd"} {
		checked(strProto, name, func(c goja.FunctionCall) {
			rt.checkChars("String.prototype."+name+" result", toInt(c.Argument(0)))
		})
	}
	wrap(strProto, "concat", func(orig goja.Callable) func(goja.FunctionCall) goja.Value {
		return func(c goja.FunctionCall) goja.Value {
			n := int64(thisString(vm, c.This).Length())
			args := make([]goja.Value, len(c.Arguments))
			for i, a := range c.Arguments {
				s := jsString(vm, a)
				args[i] = s
				n += int64(s.Length())
			}
			rt.checkChars("String.prototype.concat result", n)
			return rt.call(orig, c.This, args...)
		}
	})
	for _, name := range []string{"replace", "replaceAll"} {
		wrap(strProto, name, func(orig goja.Callable) func(goja.FunctionCall) goja.Value {
			return func(c goja.FunctionCall) goja.Value {
				// replaceAll of a string collects every match in one
				// native step too (32 Mi matches took 10 s): a long
				// string is replaced one match at a time, its result
				// counted as it grows.
				if s, ok := c.This.(goja.String); ok && name == "replaceAll" && s.Length() >= rt.rx.minLength && !rt.rx.native {
					if search, ok := c.Argument(0).(goja.String); ok {
						if p := rt.literalPattern(search); p != nil {
							return rt.loopReplace(nil, p, s, c.Argument(1))
						}
					}
				}
				return rt.call(orig, c.This, rt.checkedReplace(name, c)...)
			}
		})
	}
	wrap(strProto, "split", func(orig goja.Callable) func(goja.FunctionCall) goja.Value {
		// A split returns at most limit parts: asking for one more than
		// allowed tells a too-large result without building it.
		return func(c goja.FunctionCall) goja.Value {
			sep, lim := c.Argument(0), c.Argument(1)
			if !isUndef(lim) && toInt(lim) <= rt.lim.elems && toInt(lim) >= 0 {
				return rt.call(orig, c.This, sep, lim)
			}
			if !isUndef(lim) {
				lim = vm.ToValue(toUint32(lim)) // as split reads it
				if toInt(lim) <= rt.lim.elems {
					return rt.call(orig, c.This, sep, lim)
				}
			}
			res := rt.call(orig, c.This, sep, vm.ToValue(rt.lim.elems+1))
			if lengthOf(res) > rt.lim.elems {
				rt.tooLarge("String.prototype.split result", lengthOf(res), rt.lim.elems, "elements")
			}
			return res
		}
	})

	if err != nil {
		return err
	}
	if err := rt.installJSONLimits(get(global, "JSON")); err != nil {
		return err
	}
	if err := rt.installBufferLimits(global); err != nil {
		return err
	}
	return rt.installRegexpLimits(get(get(global, "RegExp"), "prototype"))
}

// define puts a native method on o as built-ins are: writable,
// configurable, not enumerable, with its name and length.
func (rt *jsRuntime) define(o *goja.Object, name string, f func(goja.FunctionCall) goja.Value, length int) error {
	fn := rt.vm.ToValue(f).(*goja.Object)
	if err := fn.DefineDataProperty("name", rt.vm.ToValue(name), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE); err != nil {
		return err
	}
	if err := fn.DefineDataProperty("length", rt.vm.ToValue(length), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE); err != nil {
		return err
	}
	return o.DefineDataProperty(name, fn, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
}

func asString(vm *goja.Runtime, s string) goja.String { return vm.ToValue(s).(goja.String) }

// jsString is ToString(v) as a JavaScript string (goja's ToString leaves
// numbers as numbers, and a Symbol as its description, where the standard
// throws a TypeError, as V8 does).
func jsString(vm *goja.Runtime, v goja.Value) goja.String {
	if s, ok := v.ToString().(goja.String); ok {
		return s
	}
	if _, ok := v.(*goja.Symbol); ok {
		panic(vm.NewTypeError("Cannot convert a Symbol value to a string"))
	}
	return asString(vm, v.String())
}

func thisString(vm *goja.Runtime, v goja.Value) goja.String {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		panic(vm.NewTypeError("String.prototype method called on null or undefined"))
	}
	return jsString(vm, v)
}

// toUint32 is ECMAScript's ToUint32.
func toUint32(v goja.Value) uint32 {
	f := v.ToFloat()
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	m := math.Mod(math.Trunc(f), 1<<32)
	if m < 0 {
		m += 1 << 32
	}
	return uint32(m)
}

// satMul multiplies non-negative numbers, saturating.
func satMul(a, b int64) int64 {
	if a != 0 && b > math.MaxInt64/4/a {
		return math.MaxInt64 / 4
	}
	return a * b
}

// spreadLength is how many elements concat takes from v.
func (rt *jsRuntime) spreadLength(v goja.Value) int64 {
	o, ok := v.(*goja.Object)
	if !ok {
		return 1
	}
	if s := o.GetSymbol(goja.SymIsConcatSpreadable); s != nil && !goja.IsUndefined(s) {
		if !s.ToBoolean() {
			return 1
		}
		return lengthOf(o)
	}
	if o.ClassName() == "Array" {
		return lengthOf(o)
	}
	return 1
}

// flatLength counts the elements flat(depth) makes, stopping once the
// count is past the limit.
func (rt *jsRuntime) flatLength(v goja.Value, depth int64, level int) int64 {
	o, ok := v.(*goja.Object)
	if !ok {
		return 1
	}
	n := lengthOf(o)
	if depth <= 0 || n > rt.lim.elems || level > maxJSONDepth {
		return n
	}
	total := int64(0)
	for i := int64(0); i < n; i++ {
		e := o.Get(itoa(int(i)))
		if eo, ok := e.(*goja.Object); ok && eo.ClassName() == "Array" {
			total += rt.flatLength(eo, depth-1, level+1)
		} else if e != nil {
			total++
		}
		if total > rt.lim.elems {
			return total
		}
	}
	return total
}

// checkedReplace checks String.prototype.replace and replaceAll, and
// returns the arguments to call the built-in with. Small inputs go
// straight through; when the result could be too large, a function
// replacement is wrapped to count what it returns, and a replacement
// string becomes such a function.
func (rt *jsRuntime) checkedReplace(name string, c goja.FunctionCall) []goja.Value {
	vm := rt.vm
	s := thisString(vm, c.This)
	pat, repl := c.Argument(0), c.Argument(1)
	n := int64(s.Length())
	matches := int64(1)
	if po, ok := pat.(*goja.Object); ok {
		if g := po.Get("global"); name == "replaceAll" || g != nil && g.ToBoolean() {
			matches = n + 1
		}
	} else if name == "replaceAll" {
		matches = n + 1
	}
	fn, isFn := goja.AssertFunction(repl)
	if !isFn {
		rs := jsString(vm, repl)
		per := int64(rs.Length())
		dollars := int64(strings.Count(rs.String(), "$"))
		if dollars > 0 {
			per += satMul(dollars, n)
		}
		if n+satMul(matches, per) <= rt.lim.chars {
			return []goja.Value{pat, rs} // small: the common case
		}
		if _, isObj := pat.(*goja.Object); !isObj && dollars == 0 {
			// A string pattern: the result's length is known; refuse it
			// before any work.
			p := jsString(vm, pat)
			if name == "replaceAll" && p.Length() > 0 {
				matches = int64(strings.Count(s.String(), p.String()))
			} else if name == "replace" && !strings.Contains(s.String(), p.String()) {
				matches = 0
			}
			rt.checkChars("String.prototype."+name+" result", n+satMul(matches, per-int64(p.Length())))
			return []goja.Value{pat, rs}
		}
		fn = rt.substitution(rs)
	}
	// The result is s less the matches plus what replaces them: counting
	// the replacements bounds it.
	total := n
	what := "String.prototype." + name + " result"
	counted := func(call goja.FunctionCall) goja.Value {
		r := jsString(vm, rt.call(fn, call.This, call.Arguments...))
		total += int64(r.Length())
		rt.checkChars(what, total)
		return r
	}
	return []goja.Value{pat, vm.ToValue(counted)}
}

// substitution is a replacement string as a replacer function: $$, $&,
// $`, $', $n and $nn as goja's String.prototype.replace expands them
// (goja leaves $<name> as it is, and so does this).
func (rt *jsRuntime) substitution(rs goja.String) goja.Callable {
	vm := rt.vm
	tmpl := rs.String()
	f := func(call goja.FunctionCall) goja.Value {
		args := call.Arguments
		// (match, p1..pm, offset, string[, groups])
		if _, ok := args[len(args)-1].(*goja.Object); ok {
			args = args[:len(args)-1]
		}
		match := jsString(vm, args[0])
		str := jsString(vm, args[len(args)-1])
		pos := int(toInt(args[len(args)-2]))
		caps := args[1 : len(args)-2]
		var b goja.StringBuilder
		lit := 0 // start of the literal text not yet written
		for i := 0; i < len(tmpl)-1; i++ {
			if tmpl[i] != '$' {
				continue
			}
			b.WriteUTF8String(tmpl[lit:i])
			lit = i
			next := tmpl[i+1]
			switch {
			case next == '$':
				b.WriteUTF8String("$")
			case next == '&':
				b.WriteString(match)
			case next == '`':
				b.WriteString(str.Substring(0, min(pos, str.Length())))
			case next == '\'':
				b.WriteString(str.Substring(min(pos+match.Length(), str.Length()), str.Length()))
			case next >= '0' && next <= '9':
				k, width := int(next-'0'), 1
				if i+2 < len(tmpl) && tmpl[i+2] >= '0' && tmpl[i+2] <= '9' {
					if k2 := k*10 + int(tmpl[i+2]-'0'); k2 >= 1 && k2 <= len(caps) {
						k, width = k2, 2
					}
				}
				if k < 1 || k > len(caps) {
					continue // not a group: the "$" stays literal text
				}
				if v := caps[k-1]; !isUndef(v) {
					b.WriteString(jsString(vm, v))
				}
				i += width - 1
			default:
				continue
			}
			i++
			lit = i + 1
		}
		b.WriteUTF8String(tmpl[lit:])
		return b.String()
	}
	fn, _ := goja.AssertFunction(vm.ToValue(f))
	return fn
}

// installJSONLimits bounds JSON.parse and JSON.stringify: both recurse on
// the Go stack for every level of nesting.
func (rt *jsRuntime) installJSONLimits(json *goja.Object) error {
	vm := rt.vm
	parse, ok1 := goja.AssertFunction(json.Get("parse"))
	stringify, ok2 := goja.AssertFunction(json.Get("stringify"))
	if !ok1 || !ok2 {
		return fmt.Errorf("limits: JSON.parse or JSON.stringify is not a function")
	}
	err := rt.define(json, "parse", func(c goja.FunctionCall) goja.Value {
		text := jsString(vm, c.Argument(0))
		// The parsed values take several times the text's size.
		if n := int64(text.Length()); n > rt.lim.bytes/4 {
			rt.tooLarge("JSON.parse text", n, rt.lim.bytes/4, "characters")
		}
		if d := jsonDepth(text.String(), maxJSONDepth); d > maxJSONDepth {
			rt.tooDeep("JSON.parse text")
		}
		if len(c.Arguments) > 1 {
			return rt.call(parse, c.This, text, c.Arguments[1])
		}
		return rt.call(parse, c.This, text)
	}, 2)
	if err != nil {
		return err
	}
	rt.replacer = vm.ToValue(rt.countValue)
	return rt.define(json, "stringify", func(c goja.FunctionCall) goja.Value { return rt.stringify(stringify, c) }, 3)
}

func (rt *jsRuntime) tooDeep(what string) {
	panic(rt.vm.NewGoError(&Error{Kind: KindTooLarge,
		Message: fmt.Sprintf("%s is nested deeper than the limit of %d levels", what, maxJSONDepth)}))
}

// jsonDepth is the deepest nesting of arrays and objects in a JSON text,
// counted up to past max.
func jsonDepth(s string, max int) int {
	depth, deepest, inStr := 0, 0, false
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case inStr:
			if ch == '\\' {
				i++
			} else if ch == '"' {
				inStr = false
			}
		case ch == '"':
			inStr = true
		case ch == '[' || ch == '{':
			if depth++; depth > deepest {
				if deepest = depth; deepest > max {
					return deepest
				}
			}
		case ch == ']' || ch == '}':
			depth--
		}
	}
	return deepest
}

// stringifyState is one JSON.stringify call's: the user's replacer (a
// function or a property list), the indent, the holders still open (a
// stack: stringify calls the replacer for every value, its holder as
// this, in document order) and the size of the text so far.
type stringifyState struct {
	user  goja.Callable
	list  map[string]bool
	gap   int64
	stack []*goja.Object
	total int64
}

// stringify is JSON.stringify with the runtime's one counting replacer
// (made once: a function value per call would cost more than a small
// stringify). A nested stringify (in a toJSON) keeps its own state.
func (rt *jsRuntime) stringify(native goja.Callable, c goja.FunctionCall) goja.Value {
	v, repl, space := c.Argument(0), c.Argument(1), c.Argument(2)
	if _, ok := v.(*goja.Object); !ok {
		return rt.call(native, c.This, c.Arguments...)
	}
	st := stringifyState{}
	st.user, _ = goja.AssertFunction(repl)
	if ro, ok := repl.(*goja.Object); ok && st.user == nil && ro.ClassName() == "Array" {
		// A property list keeps only the listed keys of objects. (The
		// built-in would also order them as listed.)
		st.list = map[string]bool{}
		n := lengthOf(ro)
		rt.checkElems("JSON.stringify property list", n)
		for i := int64(0); i < n; i++ {
			switch e := ro.Get(itoa(int(i))).(type) {
			case nil:
			case goja.String:
				st.list[e.String()] = true
			case *goja.Object:
				if cls := e.ClassName(); cls == "String" || cls == "Number" {
					st.list[e.String()] = true
				}
			default:
				if et := e.ExportType(); et == reflectInt64 || et == reflectFloat64 {
					st.list[e.String()] = true
				}
			}
		}
	}
	switch t := space.(type) {
	case goja.String:
		st.gap = int64(min(t.Length(), 10))
	case nil:
	default:
		if _, isObj := t.(*goja.Object); !isObj && !goja.IsUndefined(t) && !goja.IsNull(t) {
			if et := t.ExportType(); et == reflectInt64 || et == reflectFloat64 {
				st.gap = min(max(toInt(t), 0), 10)
			}
		}
	}
	outer := rt.json
	rt.json = &st
	defer func() { rt.json = outer }()
	return rt.call(native, c.This, v, rt.replacer, space)
}

// countValue is the replacer of stringify.
func (rt *jsRuntime) countValue(c goja.FunctionCall) goja.Value {
	st := rt.json
	if rt.stopping() {
		rt.abort()
		return goja.Undefined() // the rest is skipped quickly
	}
	holder, _ := c.This.(*goja.Object)
	key, val := c.Argument(0), c.Argument(1)
	ks := key.String()
	if st.list != nil && (len(st.stack) > 0 || ks != "") && holder != nil && holder.ClassName() != "Array" && !st.list[ks] {
		return goja.Undefined()
	}
	if st.user != nil {
		val = rt.call(st.user, c.This, key, val)
	}
	for len(st.stack) > 0 && st.stack[len(st.stack)-1] != holder {
		st.stack = st.stack[:len(st.stack)-1]
	}
	depth := int64(len(st.stack))
	st.total += int64(len(ks)) + 4 + depth*st.gap
	switch t := val.(type) {
	case *goja.Object:
		if _, isFn := goja.AssertFunction(t); !isFn {
			if len(st.stack) >= maxJSONDepth {
				rt.tooDeep("JSON.stringify value")
			}
			st.stack = append(st.stack, t)
		}
	case goja.String:
		st.total += int64(t.Length())
	default:
		st.total += 8
	}
	rt.checkChars("JSON.stringify result", st.total)
	return val
}

// installBufferLimits checks the size of typed arrays and array buffers
// before they are allocated: new Uint8Array(2**32) is 4 GB at once.
func (rt *jsRuntime) installBufferLimits(global *goja.Object) error {
	vm := rt.vm
	for _, name := range []string{"ArrayBuffer", "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array",
		"Int32Array", "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array"} {
		orig, ok := global.Get(name).(*goja.Object)
		if !ok || orig == nil {
			continue
		}
		per := int64(1)
		if b := orig.Get("BYTES_PER_ELEMENT"); b != nil {
			per = max(toInt(b), 1)
		}
		proto := orig.Get("prototype").ToObject(vm)
		what := "new " + name
		ctor := func(c goja.ConstructorCall) *goja.Object {
			n := int64(0)
			switch a := c.Argument(0).(type) {
			case *goja.Object:
				if a.ClassName() != "ArrayBuffer" { // a view shares its buffer
					n = lengthOf(a)
				}
			default:
				if !isUndef(a) {
					n = toInt(a)
				}
			}
			if satMul(max(n, 0), per) > rt.lim.bytes {
				rt.tooLarge(what, satMul(n, per), rt.lim.bytes, "bytes")
			}
			obj, err := vm.New(orig, c.Arguments...)
			if err != nil {
				panic(err)
			}
			if p := c.This.Prototype(); p != nil && p != proto {
				_ = obj.SetPrototype(p) // a subclass
			}
			return obj
		}
		w := vm.ToValue(ctor).(*goja.Object)
		for _, err := range []error{
			w.DefineDataProperty("prototype", proto, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE),
			w.DefineDataProperty("name", vm.ToValue(name), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE),
			w.DefineDataProperty("length", vm.ToValue(lengthOf(orig)), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE),
			proto.DefineDataProperty("constructor", w, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE),
			w.SetPrototype(orig.Prototype()), // %TypedArray%: from, of, [Symbol.species]
			global.DefineDataProperty(name, w, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE),
		} {
			if err != nil {
				return fmt.Errorf("limits: %s: %w", name, err)
			}
		}
		for _, k := range []string{"BYTES_PER_ELEMENT", "isView"} {
			if v := orig.Get(k); v != nil {
				if err := w.DefineDataProperty(k, v, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE); err != nil {
					return fmt.Errorf("limits: %s.%s: %w", name, k, err)
				}
			}
		}
	}
	return nil
}

// installRegexpLimits reports a match that regexp2 stopped at its time
// limit: goja takes its error for "no match", which would be a wrong
// result. exec, test, the Symbol methods that String.prototype.match,
// replace, search and split call, and the matchAll iterator are timed;
// global match and replace, and split, run long inputs one match at a
// time (regexploop.go).
func (rt *jsRuntime) installRegexpLimits(proto *goja.Object) error {
	vm := rt.vm
	rt.rx = regexpState{proto: proto, asciiType: reflect.TypeOf(vm.ToValue("a")), patterns: map[string]*loopPattern{}, minLength: loopMinLength}
	// timed calls orig and reports regexp2's time limit. goja gives a
	// stopped match as "no match" (none), so only a no-match answer that
	// took the limit is one; a match found is not, however long a busy
	// machine kept the goroutine waiting. The engine's own code (runtime
	// set-up, no evaluation armed) is not judged.
	timed := func(orig goja.Callable, none goja.Value) func(goja.FunctionCall) goja.Value {
		return func(c goja.FunctionCall) goja.Value {
			t0 := time.Now()
			if rt.stoppingAt(t0) {
				// The evaluation is over: the interrupt ends it at the
				// next instruction; do not start a match that may not end.
				rt.abort()
				return none
			}
			v := rt.call(orig, c.This, c.Arguments...)
			if rt.armed && time.Since(t0) >= regexpMatchLimit && noMatch(v, none, c) {
				rt.regexpTimedOut()
			}
			return v
		}
	}
	for _, name := range []string{"test", "exec"} {
		orig, ok := goja.AssertFunction(proto.Get(name))
		if !ok {
			return fmt.Errorf("limits: RegExp.prototype.%s is not a function", name)
		}
		none := goja.Null()
		if name == "test" {
			none = vm.ToValue(false)
		}
		f := timed(orig, none)
		if name == "test" {
			if err := rt.define(proto, name, f, 1); err != nil {
				return err
			}
			continue
		}
		exec := func(c goja.FunctionCall) goja.Value {
			rt.rx.execCalls++
			return f(c)
		}
		if err := keepFastPath(proto, func() error { return rt.define(proto, name, exec, 1) }); err != nil {
			return err
		}
	}
	for _, sym := range []*goja.Symbol{goja.SymMatch, goja.SymMatchAll, goja.SymReplace, goja.SymSearch, goja.SymSplit} {
		orig, ok := goja.AssertFunction(proto.GetSymbol(sym))
		if !ok {
			return fmt.Errorf("limits: RegExp.prototype[%s] is not a function", sym)
		}
		f := timed(orig, goja.Null())
		switch sym {
		case goja.SymMatch:
			native := f
			f = func(c goja.FunctionCall) goja.Value {
				rx, p, s := rt.loopCandidate(c.This, c.Argument(0), true)
				if p != nil {
					return rt.loopMatch(rx, p, s.(goja.String))
				}
				if _, isStr := c.Argument(0).(goja.String); !isStr {
					c.Arguments = []goja.Value{s}
				}
				return native(c)
			}
		case goja.SymReplace:
			native := f
			f = func(c goja.FunctionCall) goja.Value {
				rx, p, s := rt.loopCandidate(c.This, c.Argument(0), true)
				if p != nil {
					return rt.loopReplace(rx, p, s.(goja.String), c.Argument(1))
				}
				if _, isStr := c.Argument(0).(goja.String); !isStr {
					c.Arguments = []goja.Value{s, c.Argument(1)}
				}
				return native(c)
			}
		case goja.SymSplit:
			native := f
			f = func(c goja.FunctionCall) goja.Value {
				_, p, s := rt.loopCandidate(c.This, c.Argument(0), false)
				if p != nil {
					return rt.loopSplit(p, s.(goja.String), c.Argument(1))
				}
				if _, isStr := c.Argument(0).(goja.String); !isStr {
					c.Arguments = []goja.Value{s, c.Argument(1)}
				}
				return native(c)
			}
		}
		if err := proto.DefineDataPropertySymbol(sym, vm.ToValue(f), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE); err != nil {
			return err
		}
	}
	// The matchAll iterator matches in its next.
	rx, err := vm.New(vm.Get("RegExp"), vm.ToValue("x"), vm.ToValue("g"))
	if err != nil {
		return err
	}
	matchAll, _ := goja.AssertFunction(proto.GetSymbol(goja.SymMatchAll))
	it, err := matchAll(rx, vm.ToValue(""))
	if err != nil {
		return err
	}
	itProto := it.ToObject(vm).Prototype()
	next, ok := goja.AssertFunction(itProto.Get("next"))
	if !ok {
		return fmt.Errorf("limits: the matchAll iterator has no next")
	}
	done := vm.NewObject()
	_ = done.Set("done", true)
	return rt.define(itProto, "next", timed(next, done), 0)
}

// keepFastPath runs define, which writes RegExp.prototype.exec, and keeps
// goja's fast path. goja matches a regular expression natively, without
// looking up exec, while RegExp.prototype is the object it made (a
// "guarded" object); writing exec replaces that object's implementation
// by a plain one for good, and every match, replace and split then calls
// exec through JavaScript, 8 times slower. The timed exec is only for
// code that calls exec itself, so the guarded implementation is put back.
// goja exports no way to do this: the field is set by reflection.
// checkRegexpFastPath, run on every new runtime, proves it held.
func keepFastPath(proto *goja.Object, define func() error) error {
	f := reflect.ValueOf(proto).Elem().FieldByName("self")
	if !f.IsValid() || f.Kind() != reflect.Interface {
		return errors.New("limits: goja's Object has no self field: RegExp.prototype.exec cannot be timed without slowing every regular expression")
	}
	self := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
	guarded := reflect.New(f.Type()).Elem()
	guarded.Set(self)
	if err := define(); err != nil {
		return err
	}
	self.Set(guarded)
	return nil
}

// fastPathProgram is checkRegexpFastPath's probe, compiled once for the
// engine's runtimes.
func (e *Engine) fastPathProgram() *goja.Program {
	e.probeOnce.Do(func() {
		e.probe = goja.MustCompile("probe.js", `"aba".replace(/a/g, "c")`, true)
	})
	return e.probe
}

// checkRegexpFastPath proves that goja's native global replace still
// runs without calling exec (keepFastPath). newRuntime runs it last.
func (rt *jsRuntime) checkRegexpFastPath() error {
	calls := rt.rx.execCalls
	v, err := rt.vm.RunProgram(rt.eng.fastPathProgram())
	if err != nil || v.String() != "cbc" || rt.rx.execCalls != calls {
		return fmt.Errorf("limits: goja's regular expressions left their fast path (RegExp.prototype.exec called %d times, %v)", rt.rx.execCalls-calls, err)
	}
	return nil
}

// noMatch reports whether v, the answer of a timed regular expression
// method, may be the "no match" that goja gives for a stopped match: the
// method's own no-match value, a search's -1, or a replace or split that
// left its input whole.
func noMatch(v, none goja.Value, c goja.FunctionCall) bool {
	switch {
	case v == nil || goja.IsNull(v) || goja.IsUndefined(v):
		return true
	case none != nil && !goja.IsNull(none) && v.SameAs(none):
		return true
	}
	input := c.Argument(0)
	switch t := v.(type) {
	case goja.String:
		return t.SameAs(input)
	case *goja.Object:
		if t.ClassName() == "Array" {
			return lengthOf(t) == 1 && t.Get("0").SameAs(input)
		}
		d := t.Get("done") // the matchAll iterator's end
		return d != nil && d.ToBoolean()
	}
	return v.ToFloat() == -1 // search
}

// stopping reports whether the running evaluation is past its time limit
// or canceled: built-ins that loop check it, as goja's interrupt does not
// reach them.
func (rt *jsRuntime) stopping() bool { return rt.stoppingAt(time.Now()) }

func (rt *jsRuntime) stoppingAt(now time.Time) bool {
	return !rt.deadline.IsZero() && !now.Before(rt.deadline) || rt.ctx != nil && rt.ctx.Err() != nil
}

// abort ends the evaluation from inside a built-in that found it
// stopping: the interrupt makes goja stop at its next instruction.
func (rt *jsRuntime) abort() {
	if rt.ctx != nil && rt.ctx.Err() != nil {
		rt.vm.Interrupt(rt.ctx.Err())
		return
	}
	rt.vm.Interrupt(timeoutMarker{})
}

// smallArray is the length up to which goja's sort and fill run: they
// finish within milliseconds.
const smallArray = 1000

// stopCheckEvery is how many steps a long built-in takes between checks
// of the time limit.
const stopCheckEvery = 4096

// errStopped unwinds a sort the time limit stopped.
type errStopped struct{}

// sort is Array.prototype.sort (and toSorted when copy is set): stable,
// undefined last, holes removed to the end, as the standard says; the
// default order compares the elements' strings, each made once.
func (rt *jsRuntime) sort(c goja.FunctionCall, copy bool) (ret goja.Value) {
	vm := rt.vm
	cmp := c.Argument(0)
	user, isFn := goja.AssertFunction(cmp)
	if !isUndef(cmp) && !isFn {
		panic(vm.NewTypeError("The comparison function must be either a function or undefined"))
	}
	o := c.This.ToObject(vm)
	n := lengthOf(o)
	rt.checkElems("Array.prototype.sort on an array", n)
	vals := make([]goja.Value, 0, min(n, 1<<16))
	undefs, holes := int64(0), int64(0)
	for i := int64(0); i < n; i++ {
		if i%stopCheckEvery == 0 && rt.stopping() {
			rt.abort()
			return o
		}
		v := o.Get(itoa(int(i)))
		switch {
		case v == nil && !copy:
			holes++
		case v == nil || goja.IsUndefined(v):
			undefs++
		default:
			vals = append(vals, v)
		}
	}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(errStopped); !ok {
				panic(r)
			}
			rt.abort()
			ret = o
		}
	}()
	steps := 0
	step := func() {
		if steps++; steps%stopCheckEvery == 0 && rt.stopping() {
			panic(errStopped{})
		}
	}
	if isFn {
		sort.SliceStable(vals, func(i, j int) bool {
			step()
			r := rt.call(user, goja.Undefined(), vals[i], vals[j]).ToFloat()
			return r < 0
		})
	} else {
		keys := make([]goja.String, len(vals))
		for i, v := range vals {
			keys[i] = jsString(vm, v)
		}
		idx := make([]int, len(vals))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(i, j int) bool {
			step()
			return keys[idx[i]].CompareTo(keys[idx[j]]) < 0
		})
		sorted := make([]goja.Value, len(vals))
		for i, k := range idx {
			sorted[i] = vals[k]
		}
		vals = sorted
	}
	if copy {
		out := make([]any, 0, int64(len(vals))+undefs)
		for _, v := range vals {
			out = append(out, v)
		}
		for range undefs {
			out = append(out, goja.Undefined())
		}
		return vm.NewArray(out...)
	}
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	i := int64(0)
	for _, v := range vals {
		must(o.Set(itoa(int(i)), v))
		i++
	}
	for ; i < int64(len(vals))+undefs; i++ {
		must(o.Set(itoa(int(i)), goja.Undefined()))
	}
	for ; i < n && holes > 0; i++ {
		must(o.Delete(itoa(int(i))))
	}
	return o
}

// fill is Array.prototype.fill, stopped by the time limit: filling a
// large sparse array takes goja seconds.
func (rt *jsRuntime) fill(c goja.FunctionCall) goja.Value {
	o := c.This.ToObject(rt.vm)
	n := lengthOf(o)
	rt.checkElems("Array.prototype.fill on an array", n)
	rel := func(v goja.Value, def int64) int64 {
		if isUndef(v) {
			return def
		}
		k := toInt(v)
		if k < 0 {
			return max(n+k, 0)
		}
		return min(k, n)
	}
	v := c.Argument(0)
	start, end := rel(c.Argument(1), 0), rel(c.Argument(2), n)
	for i := start; i < end; i++ {
		if (i-start)%stopCheckEvery == 0 && rt.stopping() {
			rt.abort()
			return o
		}
		if err := o.Set(itoa(int(i)), v); err != nil {
			panic(err)
		}
	}
	return o
}
