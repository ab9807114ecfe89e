package expr

import (
	"context"
	"testing"
	"time"

	"github.com/dop251/goja"
)

func benchScope() *Scope {
	j := map[string]any{"name": "Ann", "email": "ann@example.com", "age": 31.0,
		"address": map[string]any{"city": "Berlin", "zip": "10115"}, "tags": []any{"a", "b"}}
	return &Scope{JSON: j, Input: Items{{JSON: j}}, HasValue: true, Value: `{"id":1,"name":"x","tags":["a","b"],"ok":true}`}
}

func benchEval(b *testing.B, text string, check func(any) bool) {
	e := New(Options{Timezone: time.UTC})
	x := e.Compile(text)
	s := benchScope()
	ctx := context.Background()
	v, err := x.Eval(ctx, s)
	if err != nil || !check(v) {
		b.Fatalf("%s: %#v %v", text, v, err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := x.Eval(ctx, s); err != nil {
			b.Fatalf("%s: %v", text, err)
		}
	}
}

// Fast path: no JavaScript runtime is entered.
func BenchmarkFastPathJSON(b *testing.B) {
	benchEval(b, "={{ $json.address.city }}", func(v any) bool { return v == "Berlin" })
}

func BenchmarkFastPathTemplate(b *testing.B) {
	benchEval(b, "=Hello {{ $json.name }}, {{ $json.age }} years", func(v any) bool { return v == "Hello Ann, 31 years" })
}

func BenchmarkFastPathJSONParseValue(b *testing.B) {
	benchEval(b, "={{ JSON.parse($value) }}", func(v any) bool { m, ok := v.(map[string]any); return ok && m["id"] == 1.0 })
}

// JavaScript path.
func BenchmarkJSMethodChain(b *testing.B) {
	benchEval(b, "={{ $json.email.extractDomain().toUpperCase() }}", func(v any) bool { return v == "EXAMPLE.COM" })
}

func BenchmarkJSNativeChain(b *testing.B) {
	benchEval(b, `={{ $json.name.toLowerCase().split("").reverse().join("") }}`, func(v any) bool { return v == "nna" })
}

func BenchmarkJSTemplate(b *testing.B) {
	benchEval(b, "=Hi {{ $json.name.toUpperCase() }} from {{ $json.address.city }}", func(v any) bool { return v == "Hi ANN from Berlin" })
}

func BenchmarkJSArithmetic(b *testing.B) {
	benchEval(b, "={{ $json.age * 2 + 1 }}", func(v any) bool { return v == 63.0 })
}

// Built-ins the resource limits check or replace (limits.go).
func BenchmarkJSRegexp(b *testing.B) {
	benchEval(b, `={{ /^ann@/.test($json.email) && $json.email.replace(/[.@]/g, "-") }}`, func(v any) bool { return v == "ann-example-com" })
}

// A direct exec (timed, on goja's fast path), split, match and a
// global replace on a string of a few thousand characters: ordinary
// regular expressions stay on goja's native matching.
func BenchmarkJSRegexpExec(b *testing.B) {
	benchEval(b, `={{ /^(\w+)@(\w+)/.exec($json.email)[2] + $json.email.split(/[@.]/).length + $json.email.match(/[a-z]/g).length }}`,
		func(v any) bool { return v == "example313" })
}

func BenchmarkJSRegexpMedium(b *testing.B) {
	benchEval(b, `={{ $json.email.repeat(200).replace(/(\w+)@/g, "$1 at ").split(/\s+/).length }}`, func(v any) bool { return v == 401.0 })
}

func BenchmarkJSArrayMethods(b *testing.B) {
	benchEval(b, `={{ [5, 3, 9, 1, 7, 2].map(x => x * 2).filter(x => x > 2).sort((x, y) => x - y).join("-") }}`,
		func(v any) bool { return v == "4-6-10-14-18" })
}

func BenchmarkJSStringify(b *testing.B) {
	benchEval(b, `={{ JSON.stringify($json) }}`, func(v any) bool { s, ok := v.(string); return ok && len(s) > 50 })
}

func BenchmarkJSParallel(b *testing.B) {
	e := New(Options{Timezone: time.UTC})
	x := e.Compile("={{ $json.email.extractDomain().toUpperCase() }}")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		s := benchScope()
		for pb.Next() {
			if _, err := x.Eval(context.Background(), s); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkCompile(b *testing.B) {
	e := New(Options{})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		e.compile("={{ $json.email.extractDomain().toUpperCase() }}")
	}
}

// BenchmarkNewRuntime is the cost of a JavaScript runtime (paid once per
// pooled runtime): goja plus the prelude with the extension methods.
func BenchmarkNewRuntime(b *testing.B) {
	e := New(Options{})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := e.newRuntime(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawGoja is the floor: one call of a compiled goja function on a
// native object, without noderun's binding, pooling and conversion.
func BenchmarkRawGoja(b *testing.B) {
	vm := goja.New()
	v, _ := vm.RunString(`(function($json){ return $json.email.toUpperCase() })`)
	fn, _ := goja.AssertFunction(v)
	obj := vm.NewObject()
	_ = obj.Set("email", "ann@example.com")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		r, err := fn(goja.Undefined(), obj)
		if err != nil || r.String() != "ANN@EXAMPLE.COM" {
			b.Fatal(err)
		}
	}
}

func BenchmarkOursNative(b *testing.B) {
	benchEval(b, "={{ $json.email.toUpperCase() }}", func(v any) bool { return v == "ANN@EXAMPLE.COM" })
}

func BenchmarkOursExtension(b *testing.B) {
	benchEval(b, "={{ $json.email.isEmpty() }}", func(v any) bool { return v == false })
}

// An extension chain through the prelude's JavaScript (array extensions
// have no Go shortcut).
func BenchmarkJSPreludeChain(b *testing.B) {
	benchEval(b, "={{ $json.tags.compact().last().toUpperCase() }}", func(v any) bool { return v == "B" })
}
