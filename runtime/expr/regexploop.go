package expr

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/dlclark/regexp2"
	"github.com/dop251/goja"
	"github.com/dop251/goja/parser"
)

// A global match, replace or split of a regular expression collects all
// its matches in one native goja call, which goja's interrupt cannot stop:
// a string of a few million characters with as many matches takes seconds,
// and a pattern that backtracks matches one match at a time within
// regexp2's 500 ms limit, however many matches there are (300 matches of
// 25 ms took 8 s). Such calls are run here instead, one match at a time
// with the time limit checked between matches, on the same regexp2 matcher
// goja uses for them; so is String.prototype.replaceAll of a string on a
// long string. Short ASCII strings with patterns that goja gives to Go's
// regexp package (linear time), the common case, keep goja's native
// methods: checkRegexpFastPath and the benchmarks keep them fast.

// loopMinLength is the string length from which global matches are
// always run here: below it goja's native matching with Go's regexp ends
// within milliseconds (it is linear in the string).
const loopMinLength = 1 << 15

// maxLoopPatterns bounds a runtime's cache of patterns compiled here.
const maxLoopPatterns = 256

// loopPattern is a regular expression compiled for the loop: the regexp2
// form goja compiles it to, and what goja would match it with.
type loopPattern struct {
	re              *regexp2.Regexp
	sticky, unicode bool
	regexp2         bool // goja matches it with regexp2 on any string
}

// regexpState is a runtime's regular-expression intrinsics.
type regexpState struct {
	proto     *goja.Object
	asciiType reflect.Type // goja's type of an all-ASCII string
	patterns  map[string]*loopPattern
	execCalls int // calls of the timed exec (checkRegexpFastPath)
	// Tests compare the loop with goja's native methods: minLength is
	// loopMinLength, lowered to take every call; native leaves every call
	// to goja.
	minLength int
	native    bool
	loops     int // calls the loop took
}

// loopCandidate reports whether a call of a RegExp.prototype symbol
// method on this with argument arg is run here, and with which pattern;
// s is arg as a string (converted once: the caller passes it on to the
// native method when the loop does not take the call). Only a regular
// expression that goja's standard methods would match qualifies: a plain
// RegExp object with no own property but lastIndex.
func (rt *jsRuntime) loopCandidate(this, arg goja.Value, needGlobal bool) (rx *goja.Object, p *loopPattern, s goja.Value) {
	rx, ok := this.(*goja.Object)
	if !ok || rt.rx.native || rx.ClassName() != "RegExp" || rx.Prototype() != rt.rx.proto {
		return nil, nil, arg
	}
	str, ok := arg.(goja.String)
	if !ok {
		str = jsString(rt.vm, arg)
	}
	// The common case, decided on the source alone: a short ASCII string
	// and a pattern goja gives to Go's regexp.
	source := rx.Get("source")
	if source == nil {
		return nil, nil, str
	}
	src := source.String()
	short := str.Length() < rt.rx.minLength && reflect.TypeOf(str) == rt.rx.asciiType
	if short && !maybeRegexp2(src) {
		return nil, nil, str
	}
	flags := rx.Get("flags")
	if flags == nil {
		return nil, nil, str
	}
	fl := flags.String()
	if needGlobal && !strings.Contains(fl, "g") {
		return nil, nil, str
	}
	if len(rx.GetOwnPropertyNames()) != 1 || len(rx.Symbols()) != 0 {
		return nil, nil, str
	}
	p = rt.compileLoop(source, src, fl)
	if p == nil || short && !p.regexp2 {
		return nil, nil, str
	}
	rt.rx.loops++
	return rx, p, str
}

// maybeRegexp2 tells a pattern that goja may give to regexp2 (lookaround,
// backreferences, large repeat counts) by its text; compileLoop then
// decides as goja does.
func maybeRegexp2(src string) bool {
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '{':
			return true
		case '(':
			if i+2 < len(src) && src[i+1] == '?' && src[i+2] != ':' { // lookaround, named group
				return true
			}
		case '\\':
			if i+1 < len(src) && (src[i+1] == 'k' || src[i+1] >= '1' && src[i+1] <= '9') {
				return true
			}
			i++
		}
	}
	return false
}

// compileLoop compiles a pattern as goja does (its source is the escaped
// form, which means the same), or returns nil for one the loop does not
// take: a source with unpaired surrogates, which goja escapes its own way.
func (rt *jsRuntime) compileLoop(source goja.Value, src, flags string) *loopPattern {
	// A lone surrogate reads as U+FFFD in src, which then does not name
	// the pattern.
	if s, ok := source.(goja.String); ok && strings.ContainsRune(src, utf8.RuneError) && hasLoneSurrogate(s) {
		return nil
	}
	key := flags + "/" + src
	if p, ok := rt.rx.patterns[key]; ok {
		return p
	}
	p := &loopPattern{sticky: strings.Contains(flags, "y"), unicode: strings.Contains(flags, "u")}
	dotAll, multiline, ignoreCase := strings.Contains(flags, "s"), strings.Contains(flags, "m"), strings.Contains(flags, "i")
	if p.unicode {
		src = regexpToUnicode(src)
	} else {
		src = regexpToUTF16(src)
	}
	// goja's choice (compileRegexp): Go's regexp when the pattern converts
	// and compiles, else regexp2.
	p.regexp2 = true
	if re2, err := parser.TransformRegExp(src, dotAll, p.unicode); err == nil {
		fl := ""
		for _, f := range []struct {
			on bool
			c  string
		}{{multiline, "m"}, {dotAll, "s"}, {ignoreCase, "i"}} {
			if f.on {
				fl += f.c
			}
		}
		if fl != "" {
			re2 = fmt.Sprintf("(?%s:%s)", fl, re2)
		}
		_, err := regexp.Compile(re2)
		var se *syntax.Error
		p.regexp2 = err != nil && errors.As(err, &se) && se.Code == syntax.ErrInvalidRepeatSize
	}
	var opts regexp2.RegexOptions = regexp2.ECMAScript
	if multiline {
		opts |= regexp2.Multiline
	}
	if dotAll {
		opts |= regexp2.Singleline
	}
	if ignoreCase {
		opts |= regexp2.IgnoreCase
	}
	if p.unicode {
		opts |= regexp2.Unicode
	}
	re, err := regexp2.Compile(src, opts)
	if err != nil {
		return nil
	}
	re.MatchTimeout = regexpMatchLimit
	p.re = re
	rt.cachePattern(key, p)
	return p
}

func (rt *jsRuntime) cachePattern(key string, p *loopPattern) {
	if len(rt.rx.patterns) >= maxLoopPatterns {
		clear(rt.rx.patterns)
	}
	rt.rx.patterns[key] = p
}

// maxLiteralPattern is the longest search string replaceAll runs in the
// loop: a longer one has at most a few thousand matches in any string.
const maxLiteralPattern = 256

// literalPattern is a pattern matching search literally, every UTF-16
// unit escaped, for String.prototype.replaceAll: the same matches, found
// left to right without overlap (an empty search matches at every
// position), and replacement without groups.
func (rt *jsRuntime) literalPattern(search goja.String) *loopPattern {
	n := search.Length()
	if n > maxLiteralPattern {
		return nil
	}
	var b strings.Builder
	b.WriteString("(?:)")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `\u%04X`, search.CharAt(i))
	}
	key := "literal/" + b.String()
	rt.rx.loops++
	if p, ok := rt.rx.patterns[key]; ok {
		return p
	}
	re, err := regexp2.Compile(b.String(), regexp2.ECMAScript)
	if err != nil {
		return nil
	}
	re.MatchTimeout = regexpMatchLimit
	p := &loopPattern{re: re}
	rt.cachePattern(key, p)
	return p
}

func hasLoneSurrogate(s goja.String) bool {
	n := s.Length()
	for i := 0; i < n; i++ {
		c := s.CharAt(i)
		switch {
		case c >= 0xD800 && c < 0xDC00:
			if i+1 >= n || s.CharAt(i+1) < 0xDC00 || s.CharAt(i+1) >= 0xE000 {
				return true
			}
			i++
		case c >= 0xDC00 && c < 0xE000:
			return true
		}
	}
	return false
}

// regexpToUnicode turns escaped surrogate pairs (\uD83D\uDE00) into the
// code point, as goja does for a pattern with the u flag.
func regexpToUnicode(p string) string {
	var b strings.Builder
	pos := 0
	for i := 0; i < len(p)-11; {
		r, size := utf8.DecodeRuneInString(p[i:])
		if r != '\\' {
			i += size
			continue
		}
		i++
		if p[i] == 'u' && p[i+5] == '\\' && p[i+6] == 'u' {
			first, ok1 := hex4(p[i+1 : i+5])
			second, ok2 := hex4(p[i+7 : i+11])
			if ok1 && ok2 && utf16.IsSurrogate(rune(first)) && first < 0xDC00 && second >= 0xDC00 && second < 0xE000 {
				b.WriteString(p[pos : i-1])
				b.WriteRune(utf16.DecodeRune(rune(first), rune(second)))
				i += 11
				pos = i
				continue
			}
		}
		i++
	}
	if pos > 0 {
		b.WriteString(p[pos:])
		return b.String()
	}
	return p
}

// regexpToUTF16 writes code points above U+FFFF as escaped surrogate
// pairs, as goja does for a pattern without the u flag.
func regexpToUTF16(p string) string {
	var b strings.Builder
	pos := 0
	var prev rune
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRuneInString(p[i:])
		if r > 0xFFFF {
			b.WriteString(p[pos:i])
			if prev == '\\' {
				b.WriteRune('\\')
			}
			first, second := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04X\u%04X`, first, second)
			pos = i + size
		}
		i += size
		prev = r
	}
	if pos > 0 {
		b.WriteString(p[pos:])
		return b.String()
	}
	return p
}

func hex4(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			n = n<<4 | int(c-'0')
		case c >= 'a' && c <= 'f':
			n = n<<4 | int(c-'a'+10)
		case c >= 'A' && c <= 'F':
			n = n<<4 | int(c-'A'+10)
		default:
			return 0, false
		}
	}
	return n, true
}

// matchText is a string as regexp2 matches it: UTF-16 code units, or
// with the u flag code points, and where each starts in UTF-16 units.
type matchText struct {
	runes []rune
	pos   []int32 // nil when runes are the code units
}

func (rt *jsRuntime) textOf(s goja.String, unicode bool) matchText {
	n := s.Length()
	t := matchText{runes: make([]rune, 0, n)}
	if reflect.TypeOf(s) == rt.rx.asciiType {
		str := s.String()
		// ASCII: one byte a unit, the same with the u flag.
		for i := 0; i < n; i++ {
			t.runes = append(t.runes, rune(str[i]))
		}
		return t
	}
	if !unicode {
		for i := 0; i < n; i++ {
			if i&(1<<20-1) == 0 && rt.stopping() {
				rt.abort()
				break
			}
			t.runes = append(t.runes, rune(s.CharAt(i)))
		}
		return t
	}
	t.pos = make([]int32, 0, n+1)
	for i := 0; i < n; i++ {
		if i&(1<<20-1) == 0 && rt.stopping() {
			rt.abort() // what is matched then is never seen
			break
		}
		c := rune(s.CharAt(i))
		t.pos = append(t.pos, int32(i))
		if utf16.IsSurrogate(c) && c < 0xDC00 && i+1 < n {
			if d := rune(s.CharAt(i + 1)); d >= 0xDC00 && d < 0xE000 {
				c = utf16.DecodeRune(c, d)
				i++
			}
		}
		t.runes = append(t.runes, c)
	}
	t.pos = append(t.pos, int32(n))
	return t
}

// unit is the UTF-16 index of rune index i.
func (t matchText) unit(i int) int {
	if t.pos == nil {
		return i
	}
	return int(t.pos[i])
}

// indices appends a match's group bounds in UTF-16 units, -1 and 0 for a
// group that did not take part, as goja's matchers report them.
func (t matchText) indices(m *regexp2.Match, groups int, buf []int) []int {
	buf = buf[:0]
	if groups == 1 { // the match alone: Groups would allocate
		return append(buf, t.unit(m.Index), t.unit(m.Index+m.Length))
	}
	for _, g := range m.Groups() {
		if len(g.Captures) > 0 {
			buf = append(buf, t.unit(g.Index), t.unit(g.Index+g.Length))
		} else {
			buf = append(buf, -1, 0)
		}
	}
	return buf
}

// regexpTimedOut raises the time-limit error of a match regexp2 stopped.
func (rt *jsRuntime) regexpTimedOut() {
	panic(rt.vm.NewGoError(&Error{Kind: KindTimeout, Message: "Expression timed out",
		Description: fmt.Sprintf("a regular expression match ran longer than %s, the limit of one match", regexpMatchLimit)}))
}

// matchErr handles regexp2's error, its match limit: during an evaluation
// it is the time-limit error; the engine's own code takes it for no match,
// as goja does. It reports whether matching is over.
func (rt *jsRuntime) matchErr(err error) bool {
	if err == nil {
		return false
	}
	if rt.armed {
		rt.regexpTimedOut()
	}
	return true
}

// eachMatch calls f with the bounds of every match of p in s from the
// start, as the standard's global matching finds them, until f returns
// false: after an empty match the search goes on one character (code point
// with the u flag) further, as AdvanceStringIndex moves lastIndex, and a
// sticky pattern stops at the first match not where lastIndex then is.
// regexp2's next match passes over an empty match the same way, so the
// leftmost match it finds is at lastIndex whenever a sticky match is. It
// reports false when the evaluation was stopped (the interrupt is then
// set: the caller's result is never seen).
func (rt *jsRuntime) eachMatch(p *loopPattern, s goja.String, sticky bool, f func(idx []int) bool) bool {
	t := rt.textOf(s, p.unicode)
	m, err := p.re.FindRunesMatchStartingAt(t.runes, 0)
	var buf []int
	groups := len(p.re.GetGroupNumbers())
	start := 0
	for m != nil && !rt.matchErr(err) {
		buf = t.indices(m, groups, buf)
		if sticky {
			if buf[0] != start {
				break
			}
			start = buf[1]
			if buf[0] == buf[1] {
				start = advance(s, start, p.unicode)
			}
		}
		if !f(buf) {
			break
		}
		if rt.stopping() {
			rt.abort()
			return false
		}
		m, err = p.re.FindNextMatch(m)
	}
	rt.matchErr(err)
	return true
}

// loopMatch is RegExp.prototype[Symbol.match] of a global pattern.
func (rt *jsRuntime) loopMatch(rx *goja.Object, p *loopPattern, s goja.String) goja.Value {
	rt.setLastIndex(rx, 0)
	var out []any
	rt.eachMatch(p, s, p.sticky, func(idx []int) bool {
		rt.checkElems("String.prototype.match result", int64(len(out)+1))
		out = append(out, s.Substring(idx[0], idx[1]))
		return true
	})
	if len(out) == 0 {
		return goja.Null()
	}
	return rt.vm.NewArray(out...)
}

func (rt *jsRuntime) setLastIndex(rx *goja.Object, i int) {
	if err := rx.Set("lastIndex", i); err != nil {
		panic(err)
	}
}

// loopReplace is RegExp.prototype[Symbol.replace] of a global pattern rx
// (nil for replaceAll of a string): goja's stdReplacer with stringReplace. A replacer function is called
// after all matches are found, as the standard says.
func (rt *jsRuntime) loopReplace(rx *goja.Object, p *loopPattern, s goja.String, replaceValue goja.Value) goja.Value {
	what := "String.prototype.replace result"
	if rx == nil {
		what = "String.prototype.replaceAll result"
	}
	vm := rt.vm
	fn, isFn := goja.AssertFunction(replaceValue)
	var repl goja.String
	if !isFn {
		repl = jsString(vm, replaceValue)
	}
	var b goja.StringBuilder
	last, total := 0, int64(0)
	// write appends s[from:to] and what replaces the match that ends there.
	write := func(from, to int, replaced func() int) {
		b.WriteSubstring(s, from, to)
		total += int64(to-from) + int64(replaced())
		rt.checkChars(what, total)
	}
	var found []int // the bounds of every match, one after another
	groups := 0
	ok := rt.eachMatch(p, s, p.sticky, func(idx []int) bool {
		if isFn {
			groups = len(idx)
			found = append(found, idx...)
			// Kept until the function runs: 8 bytes a bound.
			if n := int64(len(found)) * 8; n > rt.lim.bytes {
				rt.tooLarge("String.prototype.replace match list", n, rt.lim.bytes, "bytes")
			}
			return true
		}
		write(last, idx[0], func() int { return writeSubstitution(s, idx, repl, &b) })
		last = idx[1]
		return true
	})
	if rx != nil {
		rt.setLastIndex(rx, 0)
	}
	if !ok {
		return s
	}
	if isFn && len(found) > 0 {
		for i := 0; i < len(found); i += groups {
			if (i/groups)%stopCheckEvery == 0 && rt.stopping() {
				rt.abort()
				return s
			}
			idx := found[i : i+groups]
			// A new slice each call: the function may keep its arguments.
			args := make([]goja.Value, groups/2+2)
			for g := 0; g < groups/2; g++ {
				if idx[2*g] < 0 {
					args[g] = goja.Undefined()
				} else {
					args[g] = s.Substring(idx[2*g], idx[2*g+1])
				}
			}
			args[groups/2], args[groups/2+1] = vm.ToValue(idx[0]), s
			r := jsString(vm, rt.call(fn, goja.Undefined(), args...))
			write(last, idx[0], func() int { b.WriteString(r); return r.Length() })
			last = idx[1]
		}
	}
	b.WriteSubstring(s, last, s.Length())
	return b.String()
}

// writeSubstitution expands a replacement string for one match, as goja's
// writeSubstitution does: $$, $&, $`, $', and $n with as many digits as
// name a group ($<name> stays as it is: goja's matches have no groups).
// It returns the length written, in UTF-16 units.
func writeSubstitution(s goja.String, idx []int, repl goja.String, b *goja.StringBuilder) int {
	l, rl := s.Length(), repl.Length()
	ncap := len(idx) / 2 // with the match itself
	pos, tail := idx[0], idx[1]
	n := 0
	write := func(from, to int) {
		if from >= 0 && to > from {
			b.WriteSubstring(s, from, to)
			n += to - from
		}
	}
	for i := 0; i < rl; i++ {
		c := repl.CharAt(i)
		if c != '$' || i == rl-1 {
			b.WriteRune(rune(c))
			n++
			continue
		}
		switch ch := repl.CharAt(i + 1); ch {
		case '$':
			b.WriteRune('$')
			n++
		case '`':
			write(0, pos)
		case '\'':
			write(tail, l)
		case '&':
			write(idx[0], idx[1])
		default:
			k, j := 0, i+1
			for ; j < rl; j++ {
				d := repl.CharAt(j)
				if d < '0' || d > '9' || k*10+int(d-'0') >= ncap {
					break
				}
				k = k*10 + int(d-'0')
			}
			if k > 0 {
				write(idx[2*k], idx[2*k+1])
				i = j - 1
				continue
			}
			b.WriteRune('$')
			b.WriteRune(rune(ch))
			n += 2
		}
		i++
	}
	return n
}

// loopSplit is RegExp.prototype[Symbol.split] as the standard says: the
// separator is looked for from the end of the last one (the leftmost
// match from a position is where the standard's sticky splitter first
// matches), and an empty match where the part began is passed over, as
// regexp2's next match passes over an empty match by one character (code
// point with the u flag), as the standard's AdvanceStringIndex does.
func (rt *jsRuntime) loopSplit(p *loopPattern, s goja.String, limit goja.Value) goja.Value {
	lim := int64(1<<32 - 1)
	if !isUndef(limit) {
		lim = int64(toUint32(limit))
	}
	var out []any
	if lim == 0 {
		return rt.vm.NewArray()
	}
	size := s.Length()
	if size == 0 {
		m, err := p.re.FindRunesMatchStartingAt(nil, 0)
		if rt.matchErr(err) || m == nil {
			out = append(out, s)
		}
		return rt.vm.NewArray(out...)
	}
	full := false
	push := func(v goja.Value) bool {
		out = append(out, v)
		rt.checkElems("String.prototype.split result", int64(len(out)))
		full = int64(len(out)) == lim
		return !full
	}
	pp := 0 // where the part begins
	rt.eachMatch(p, s, false, func(idx []int) bool {
		if idx[0] >= size {
			return false
		}
		e := min(idx[1], size)
		if e == pp {
			return true // empty, where the part begins
		}
		if !push(s.Substring(pp, idx[0])) {
			return false
		}
		pp = e
		for g := 1; g < len(idx)/2; g++ {
			var v goja.Value = goja.Undefined()
			if idx[2*g] >= 0 {
				v = s.Substring(idx[2*g], idx[2*g+1])
			}
			if !push(v) {
				return false
			}
		}
		return true
	})
	if !full {
		out = append(out, s.Substring(pp, size))
		rt.checkElems("String.prototype.split result", int64(len(out)))
	}
	return rt.vm.NewArray(out...)
}

// advance is AdvanceStringIndex.
func advance(s goja.String, i int, unicode bool) int {
	if !unicode || i+1 >= s.Length() {
		return i + 1
	}
	if c, d := s.CharAt(i), s.CharAt(i+1); c >= 0xD800 && c < 0xDC00 && d >= 0xDC00 && d < 0xE000 {
		return i + 2
	}
	return i + 1
}
