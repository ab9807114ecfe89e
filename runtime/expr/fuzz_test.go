package expr

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// fuzzSeeds are the recorded n8n expressions.
func fuzzSeeds(f *testing.F) []string {
	b, err := os.ReadFile(fixturePath)
	if err != nil {
		f.Fatal(err)
	}
	var fx struct {
		Cases []struct {
			Expression any `json:"expression"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &fx); err != nil {
		f.Fatal(err)
	}
	var seeds []string
	for _, c := range fx.Cases {
		if s, ok := c.Expression.(string); ok {
			seeds = append(seeds, s)
		}
	}
	return seeds
}

// FuzzSplit checks the splitter on any text: it never panics, always
// starts with a text segment, alternates text and code, and without
// backslashes rebuilds the input exactly.
func FuzzSplit(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(strings.TrimPrefix(s, "="))
	}
	f.Fuzz(func(t *testing.T, s string) {
		segs := split(s)
		if len(segs) == 0 || segs[0].code {
			t.Fatalf("%q: first segment must be text: %#v", s, segs)
		}
		for i := 1; i < len(segs); i++ {
			if segs[i].code == segs[i-1].code {
				t.Fatalf("%q: segments do not alternate: %#v", s, segs)
			}
		}
		if strings.Contains(s, `\`) {
			return
		}
		var b strings.Builder
		for i, seg := range segs {
			if !seg.code {
				b.WriteString(seg.text)
				continue
			}
			b.WriteString("{{" + seg.text)
			if seg.closed {
				b.WriteString("}}")
			} else if i != len(segs)-1 {
				t.Fatalf("%q: only the last code segment may be unclosed: %#v", s, segs)
			}
		}
		// A final "{{" with nothing after it opens no segment and is dropped,
		// as in n8n's splitter.
		if got := b.String(); got != s && got+"{{" != s {
			t.Fatalf("%q rebuilt as %q from %#v", s, got, segs)
		}
	})
}

// FuzzEval compiles and evaluates any text: no panic, every failure is an
// *Error, and a result converts to JSON.
func FuzzEval(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	e := New(Options{Timeout: 100 * time.Millisecond, MaxResultSize: 1 << 16, MaxRuntimes: 2})
	f.Fuzz(func(t *testing.T, text string) {
		s := &Scope{JSON: map[string]any{"name": "Ann", "n": 5.0, "o": map[string]any{"a": []any{1.0, "x", nil}}},
			HasValue: true, Value: `{"a":1}`, Parameters: mapParams{"p": "v"}, Input: Items{{JSON: map[string]any{"k": 1.0}}}}
		v, err := e.Compile(text).Eval(context.Background(), s)
		if err != nil {
			var ee *Error
			if !errors.As(err, &ee) {
				t.Fatalf("%q: error %T is not *Error: %v", text, err, err)
			}
			return
		}
		if _, err := json.Marshal(dropUndefined(v)); err != nil {
			t.Fatalf("%q: result %#v does not marshal: %v", text, v, err)
		}
	})
}

// FuzzPlainEmailDomain checks the e-mail scan against the regular
// expression it stands in for: wherever the scan answers, the pattern
// matches the whole input with the same domain group.
func FuzzPlainEmailDomain(f *testing.F) {
	for _, s := range []string{"ann@example.com", "a.b-c+d@x.y.io", "a..b@c.de", "x@y.c0m", "\"q\"@b.cd", "é@b.cd", "a@b.cd."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := plainEmailDomain(s)
		if !ok {
			return
		}
		m := emailPattern().FindStringSubmatch(s)
		if m == nil || m[0] != s || m[5] != d {
			t.Fatalf("%q: scan says domain %q, pattern says %q", s, d, m)
		}
	})
}

// FuzzRegexpLoop compares the loop that runs global regular expressions
// one match at a time (regexploop.go) with goja's native methods, on any
// pattern, subject and replacement: match, replace and replaceAll of a
// string must answer alike. The subject starts with a non-ASCII
// character, so that goja matches with regexp2 as the loop does (on ASCII
// strings goja's Go-regexp matching drops an empty match right after a
// match, which the loop, regexp2 and V8 keep). split is held to the
// standard's algorithm, written in JavaScript over a sticky exec: goja's
// native split keeps an empty match right after a separator as an empty
// part ("éabc".split(/b*/) is [é, a, "", c]; V8 and the loop: [é, a, c]).
// So are match and replace of a sticky pattern: goja's native ones stop
// after an empty match, where the standard moves lastIndex on by one and
// goes on.
func FuzzRegexpLoop(f *testing.F) {
	for _, c := range []struct{ pattern, subject, repl string }{
		{`b*`, "abc", "-"}, {`(a)(x)?`, "abab", "[$1$2$&]"}, {`(?<=a)b`, "abcab", "$'"}, {`\d+`, "a1b22c333", "$$"},
		{`(?:)`, "a\U0001F600b", "-"}, {`(\w)\1`, "aabbcd", "$`"}, {`^|$`, "a\nb", ">"}, {`.`, "ß", "$0$01$10"},
		{`\b+`, "0", "-"}, {`(?=a|b|)a*`, "aabaa", "$&"},
	} {
		for flags := range uint8(6) {
			f.Add(c.pattern, flags, c.subject, c.repl)
		}
	}
	native, loop, _ := regexpLoopEngines(f)
	flagSets := []string{"g", "gi", "gm", "gs", "gy", "gu"}
	const text = `={{ (() => { let r; try { r = new RegExp($json.p, $json.f) } catch (e) { return "invalid" }
		const s = $json.s; return JSON.stringify([s.match(r), s.replace(r, $json.t), s.replaceAll($json.p, $json.t)]) })() }}`
	// The standard's RegExp.prototype[Symbol.split].
	const split = `={{ (() => { let r; try { r = new RegExp($json.p, $json.f) } catch (e) { return "invalid" }
		const s = $json.s, u = r.flags.includes("u"), sp = new RegExp(r.source, r.flags.replace("y", "") + "y");
		const adv = (q) => u && q + 1 < s.length && s.charCodeAt(q) >= 0xD800 && s.charCodeAt(q) < 0xDC00 &&
			s.charCodeAt(q + 1) >= 0xDC00 && s.charCodeAt(q + 1) < 0xE000 ? q + 2 : q + 1;
		const want = []; let p = 0, q = 0;
		if (s.length === 0) { if (sp.exec(s) === null) want.push(s) } else {
			while (q < s.length && want.length < 50) {
				sp.lastIndex = q; const z = sp.exec(s);
				if (z === null) { q = adv(q); continue }
				const e = Math.min(sp.lastIndex, s.length);
				if (e === p) { q = adv(q); continue }
				want.push(s.slice(p, q)); p = e;
				for (let i = 1; i < z.length; i++) want.push(z[i]);
				q = p;
			}
			want.push(s.slice(p));
		}
		const got = s.split(r, 50), w = JSON.stringify(want.slice(0, 50)), g = JSON.stringify(got);
		return w === g ? "ok" : "standard " + w + ", split " + g })() }}`
	// The standard's RegExp.prototype[Symbol.match] and [Symbol.replace]
	// (with a replacer function) of a global sticky pattern, from the
	// pattern's matches without y: each sticky match is the leftmost one
	// from lastIndex if it begins there, so the sticky matches are those
	// without y as long as each begins where lastIndex is (the end of the
	// last, moved on by AdvanceStringIndex after an empty one). exec is not
	// the reference: goja's exec from index 0 matches with Go's regexp
	// where its global match uses regexp2, and \b differs between them.
	const sticky = `={{ (() => { let r; try { r = new RegExp($json.p, $json.f) } catch (e) { return "invalid" }
		const s = $json.s, u = r.flags.includes("u"), nonSticky = new RegExp(r.source, r.flags.replace("y", ""));
		const adv = (q) => u && q + 1 < s.length && s.charCodeAt(q) >= 0xD800 && s.charCodeAt(q) < 0xDC00 &&
			s.charCodeAt(q + 1) >= 0xDC00 && s.charCodeAt(q + 1) < 0xE000 ? q + 2 : q + 1;
		const at = (a) => a.find((x, i) => i > 0 && typeof x === "number");
		const all = []; s.replace(nonSticky, (...a) => { all.push([at(a), a[0]]); return "" });
		const ms = []; let out = "", last = 0, pos = 0;
		for (const [i, m] of all) {
			if (i !== pos) break;
			ms.push(m); out += s.slice(last, i) + "<" + i + ":" + m + ">"; last = i + m.length;
			pos = m === "" ? adv(last) : last;
		}
		out += s.slice(last);
		const w = JSON.stringify([ms.length ? ms : null, out]);
		const g = JSON.stringify([s.match(r), s.replace(r, (...a) => "<" + at(a) + ":" + a[0] + ">")]);
		return w === g ? "ok" : "standard " + w + ", loop " + g })() }}`
	f.Fuzz(func(t *testing.T, pattern string, flags uint8, subject, repl string) {
		fl := flagSets[int(flags)%len(flagSets)]
		if fl == "gu" {
			// With the u flag goja matches valid UTF-16 with Go's regexp.
			return
		}
		s := &Scope{JSON: map[string]any{"p": pattern, "f": fl, "s": "é" + subject, "t": repl}}
		var we, ge *Error
		if fl == "gy" {
			v, err := loop.Compile(sticky).Eval(context.Background(), s)
			if errors.As(err, &ge) && ge.Kind == KindTimeout {
				return
			}
			if err != nil || v != "ok" && v != "invalid" {
				t.Fatalf("/%s/%s on %q: %v %v", pattern, fl, "é"+subject, v, err)
			}
		} else {
			want, werr := native.Compile(text).Eval(context.Background(), s)
			got, gerr := loop.Compile(text).Eval(context.Background(), s)
			if errors.As(werr, &we) && we.Kind == KindTimeout || errors.As(gerr, &ge) && ge.Kind == KindTimeout {
				return // a backtracking pattern: which ends first is timing
			}
			if (werr == nil) != (gerr == nil) || werr == nil && want != got {
				t.Fatalf("/%s/%s on %q, %q: goja %v %v, loop %v %v", pattern, fl, "é"+subject, repl, want, werr, got, gerr)
			}
		}
		v, err := loop.Compile(split).Eval(context.Background(), s)
		if errors.As(err, &ge) && ge.Kind == KindTimeout {
			return
		}
		if err != nil || v != "ok" && v != "invalid" {
			t.Fatalf("/%s/%s on %q: split: %v %v", pattern, fl, "é"+subject, v, err)
		}
	})
}
