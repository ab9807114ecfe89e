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
