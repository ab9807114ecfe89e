package expr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
)

func TestSplit(t *testing.T) {
	type seg struct {
		code bool
		text string
	}
	tests := []struct {
		in   string
		want []seg
	}{
		{"", []seg{{false, ""}}},
		{"hello", []seg{{false, "hello"}}},
		{"{{ 1 }}", []seg{{false, ""}, {true, " 1 "}}},
		{"a{{1}}b{{2}}", []seg{{false, "a"}, {true, "1"}, {false, "b"}, {true, "2"}}},
		{`a\{{ 1 }}b`, []seg{{false, `a\{{ 1 }}b`}}},
		{`\\{{ 1 }}`, []seg{{false, `\`}, {true, " 1 "}}},
		{`\\x`, []seg{{false, `\\x`}}},
		{`{{ "a\}}b" }}`, []seg{{false, ""}, {true, ` "a}}b" `}}},
		{`{{ "a}}b" }}`, []seg{{false, ""}, {true, ` "a`}, {false, `b" }}`}}},
		{"{{ 1 ", []seg{{false, ""}, {true, " 1 "}}},
		{"}}{{1}}", []seg{{false, "}}"}, {true, "1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var got []seg
			for _, s := range split(tt.in) {
				got = append(got, seg{s.code, s.text})
				if s.code && !s.closed {
					assert.True(t, strings.HasSuffix(tt.in, s.text), "only a final code segment is unclosed")
				}
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestJSNumber(t *testing.T) {
	for f, want := range map[float64]string{
		0: "0", 1: "1", -1.5: "-1.5", 0.30000000000000004: "0.30000000000000004", 1e21: "1e+21", 1e20: "100000000000000000000",
		1e-6: "0.000001", 1e-7: "1e-7", 123456789012345680000: "123456789012345680000", 5e-324: "5e-324",
		1.7976931348623157e308: "1.7976931348623157e+308", 1.5e-10: "1.5e-10", 2.5e25: "2.5e+25",
	} {
		assert.Equal(t, want, jsNumber(f), "%v", f)
	}
}

func newTestEngine(opts Options) *Engine {
	if opts.Timezone == nil {
		opts.Timezone = time.UTC
	}
	if opts.Now == nil {
		now := time.Date(2024, 3, 15, 14, 30, 45, 123e6, time.UTC)
		opts.Now = func() time.Time { return now }
	}
	return New(opts)
}

func evalText(t *testing.T, e *Engine, text string, s *Scope) (any, error) {
	t.Helper()
	if s == nil {
		s = &Scope{}
	}
	return e.Compile(text).Eval(context.Background(), s)
}

func requireKind(t *testing.T, err error, kind Kind) *Error {
	t.Helper()
	var e *Error
	require.Error(t, err)
	require.True(t, errors.As(err, &e), "%T %v", err, err)
	require.Equal(t, kind, e.Kind, e.Error())
	return e
}

// TestFastPathMatchesJS checks that the Go fast paths give what JavaScript
// gives on every data shape, including the ones they hand over.
func TestFastPathMatchesJS(t *testing.T) {
	fast, js := newTestEngine(Options{}), newTestEngine(Options{})
	js.noFast = true
	jsons := []any{
		map[string]any{"a": map[string]any{"b": "x", "n": 2.5, "arr": []any{1.0, "two", nil}}, "s": "str", "nul": nil, "toString": "own"},
		map[string]any{}, "a string", nil, []any{1.0, 2.0}, 5.0, map[string]any{"a": "not a map"},
	}
	values := []any{`{"a":1,"b":[true,null,1.5]}`, `"\ud800"`, "1e400", "{bad", "", " 7 ", "[1,]", 5.0, nil, true,
		map[string]any{"a": 1.0}, []any{1.0}, `{"__proto__":{"x":1}}`, "12345678901234567890", `"\u00e9"`}
	exprs := []string{"={{ $json }}", "={{ $json.a }}", "={{ $json.a.b }}", `={{ $json["a"]["n"] }}`, "={{ $json.missing }}",
		"={{ $json.missing.deep }}", "={{ $json.toString }}", "={{ $json.a.arr }}", "={{ $json.s.length }}", "={{ $json.nul }}",
		"={{ $json.valueOf }}", "={{ $value }}", "={{ JSON.parse($value) }}", "=x {{ $json.a.b }} {{ $json.a.n }} {{ $json.a.arr }}",
		"=v={{ $value }}", "={{ $parameter.p }}", `={{ $parameter["q"] }}`, "={{ $parameter.p.x }}", "={{ $parameter.missing }}",
		"={{ 1 }}", `={{ "s" }}`, "={{ null }}", "={{ -2.5 }}", "={{ true }}", "=a{{ 1 }}b{{ null }}c{{ false }}"}
	params := map[string]any{"p": map[string]any{"x": 1.0}, "q": "v"}
	for _, j := range jsons {
		for vi, v := range values {
			for _, text := range exprs {
				s := &Scope{JSON: j, Value: v, HasValue: vi%5 != 4, Parameters: mapParams(params)}
				gf, ef := fast.Compile(text).Eval(context.Background(), s)
				gj, ej := js.Compile(text).Eval(context.Background(), s)
				name := fmt.Sprintf("%s json=%v value=%v", text, j, v)
				if ej != nil {
					require.Error(t, ef, name)
					assert.Equal(t, ej.Error(), ef.Error(), name)
					continue
				}
				require.NoError(t, ef, name)
				assert.Equal(t, jsonStringify(gj), jsonStringify(gf), name)
				assert.Equal(t, fmt.Sprintf("%T", gj), fmt.Sprintf("%T", gf), name)
			}
		}
	}
}

type mapParams map[string]any

func (m mapParams) Parameter(_ context.Context, name string) (any, bool, error) {
	v, ok := m[name]
	return v, ok, nil
}

func TestFastPathNeedsNoRuntime(t *testing.T) {
	e := newTestEngine(Options{})
	s := &Scope{JSON: map[string]any{"a": map[string]any{"b": "x"}}, HasValue: true, Value: `{"k":[1,2]}`, Parameters: mapParams{"p": "v"}}
	for _, text := range []string{"={{ $json.a.b }}", `={{ $json["a"] }}`, `={{ $parameter["p"] }}`, "={{ $value }}",
		"={{ JSON.parse($value) }}", "={{ 42 }}", "=Hi {{ $json.a.b }}!", "=plain"} {
		_, err := evalText(t, e, text, s)
		require.NoError(t, err, text)
	}
	assert.Zero(t, len(e.pool), "no JavaScript runtime was created")
	_, err := evalText(t, e, "={{ $json.a.b.toUpperCase() }}", s)
	require.NoError(t, err)
	assert.Equal(t, 1, len(e.pool))
}

func TestTimeout(t *testing.T) {
	e := newTestEngine(Options{Timeout: 50 * time.Millisecond, MaxRuntimes: 1})
	_, err := evalText(t, e, "={{ (() => { while(true){} })() }}", nil)
	ee := requireKind(t, err, KindTimeout)
	assert.Equal(t, "Expression timed out", ee.Message)
	// The runtime is reused, its interrupt cleared.
	v, err := evalText(t, e, "={{ [1,2,3].sum() }}", nil)
	require.NoError(t, err)
	assert.Equal(t, 6.0, v)
	// Lenient mode does not swallow a timeout.
	l := newTestEngine(Options{Timeout: 20 * time.Millisecond, Lenient: true})
	_, err = evalText(t, l, "=x{{ (() => { for(;;){} })() }}", nil)
	requireKind(t, err, KindTimeout)
}

func TestContextCancel(t *testing.T) {
	e := newTestEngine(Options{Timeout: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err := e.Compile("={{ (() => { while(true){} })() }}").Eval(ctx, &Scope{})
	requireKind(t, err, KindTimeout)
	assert.ErrorIs(t, err, context.Canceled)
	// A canceled context stops before running JavaScript.
	_, err = e.Compile("={{ 1 + $json.a }}").Eval(ctx, &Scope{})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestResultSize(t *testing.T) {
	e := newTestEngine(Options{MaxResultSize: 1000})
	for _, text := range []string{`={{ "x".repeat(900) + "y".repeat(900) }}`, `={{ Array(2000).fill(1) }}`, `=a{{ "x".repeat(600) }}{{ "y".repeat(600) }}`,
		`={{ Array.from({length: 300}, () => ({k: "abc"})) }}`} {
		_, err := evalText(t, e, text, nil)
		requireKind(t, err, KindTooLarge)
	}
	v, err := evalText(t, e, `={{ "x".repeat(100) }}`, nil)
	require.NoError(t, err)
	assert.Len(t, v, 100)
	// A huge string is refused before it is built, naming the limit.
	_, err = evalText(t, e, `={{ "x".repeat(1e12).length }}`, nil)
	ee := requireKind(t, err, KindTooLarge)
	assert.Contains(t, ee.Message, "String.prototype.repeat result of 1000000000000 characters")
	assert.Contains(t, ee.Description, "Options.MaxMemory")
}

func TestCyclicResult(t *testing.T) {
	e := newTestEngine(Options{})
	_, err := evalText(t, e, "={{ (() => { const o = {}; o.o = o; return o })() }}", nil)
	requireKind(t, err, KindTooLarge)
}

func TestConcurrentEvaluations(t *testing.T) {
	e := newTestEngine(Options{MaxRuntimes: 2})
	texts := []string{"={{ $json.n * 2 }}", "=n={{ $json.n }}", "={{ [$json.n, $itemIndex].sum() }}", "={{ $json.name.toUpperCase() }}"}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				n := float64(g*100 + i)
				s := &Scope{JSON: map[string]any{"n": n, "name": fmt.Sprint("u", g)}, ItemIndex: i}
				want := []any{n * 2, "n=" + jsNumber(n), n + float64(i), fmt.Sprint("U", g)}
				for k, text := range texts {
					v, err := e.Compile(text).Eval(context.Background(), s)
					if !assert.NoError(t, err) || !assert.Equal(t, want[k], v) {
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
}

func TestResolve(t *testing.T) {
	e := newTestEngine(Options{})
	s := &Scope{JSON: map[string]any{"name": "Ann"}}
	in := map[string]any{"a": "={{ 1 + 1 }}", "b": []any{"=x{{ $json.name }}", 3.0, "plain"}, "c": map[string]any{"d": nil, "e": true}}
	got, err := e.Resolve(context.Background(), in, s)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"a": 2.0, "b": []any{"xAnn", 3.0, "plain"}, "c": map[string]any{"d": nil, "e": true}}, got)
	assert.Equal(t, "={{ 1 + 1 }}", in["a"], "the input is not changed")
	_, err = e.Resolve(context.Background(), map[string]any{"k": []any{"={{ $json.x.y }}"}}, s)
	requireKind(t, err, KindRuntime)
}

func TestEvalObjectAsString(t *testing.T) {
	e := newTestEngine(Options{Timezone: mustZone(t, "America/New_York")})
	for text, want := range map[string]any{
		`={{ {a: 2, b: "x"} }}`: `[Object: {"a": 2, "b": "x"}]`,
		`={{ [1, "a"] }}`:       `[Array: [1, "a"]]`,
		`={{ "s" }}`:            "s",
		`={{ 5 }}`:              5.0,
		`={{ null }}`:           nil,
		`={{ new Date(0) }}`:    "[Date: 1969-12-31T19:00:00.000-05:00]",
		`={{ DateTime.fromMillis(0, {zone: "utc"}) }}`: "[DateTime: 1970-01-01T00:00:00.000Z]",
	} {
		got, err := e.Compile(text).EvalObjectAsString(context.Background(), &Scope{})
		require.NoError(t, err, text)
		assert.Equal(t, want, got, text)
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	l, err := time.LoadLocation(name)
	require.NoError(t, err)
	return l
}

func TestCompileCachesAndReportsEarly(t *testing.T) {
	e := newTestEngine(Options{})
	x := e.Compile("={{ $json.a }}")
	assert.Same(t, x, e.Compile("={{ $json.a }}"))
	assert.True(t, x.IsExpression())
	assert.Equal(t, "={{ $json.a }}", x.Source())
	assert.NoError(t, x.Err())
	for text, want := range map[string]any{"plain": "plain", "=": "", "=hello": "hello", `=a\{{ b }}`: `a\{{ b }}`} {
		v, ok := e.Compile(text).Static()
		assert.True(t, ok, text)
		assert.Equal(t, want, v, text)
	}
	bad := e.Compile(`={{ "a}}b" }}`)
	e1 := requireKind(t, bad.Err(), KindSyntax)
	assert.Equal(t, "invalid syntax", e1.Message)
	_, err := bad.Eval(context.Background(), &Scope{})
	e2 := requireKind(t, err, KindSyntax)
	assert.Equal(t, `={{ "a}}b" }}`, e2.Expression)
}

func TestErrorsCarryTheExpression(t *testing.T) {
	e := newTestEngine(Options{})
	_, err := evalText(t, e, "=x{{ $json.a.b.c }}", &Scope{JSON: map[string]any{}})
	ee := requireKind(t, err, KindRuntime)
	assert.Equal(t, "=x{{ $json.a.b.c }}", ee.Expression)
	assert.Equal(t, "TypeError: Cannot read properties of undefined (reading 'b')", ee.Message)
	lenient := newTestEngine(Options{Lenient: true})
	v, err := evalText(t, lenient, "=x{{ $json.a.b.c }}y", &Scope{JSON: map[string]any{}})
	require.NoError(t, err)
	assert.Equal(t, "xy", v)
}

type failingParams struct{ err error }

func (f failingParams) Parameter(context.Context, string) (any, bool, error) {
	return nil, false, f.err
}

func TestParameterErrorsPropagate(t *testing.T) {
	e := newTestEngine(Options{})
	cause := errors.New("parameter x: bad value")
	for _, text := range []string{"={{ $parameter.x }}", "={{ $parameter.x.toUpperCase() }}"} {
		_, err := evalText(t, e, text, &Scope{Parameters: failingParams{cause}})
		assert.ErrorIs(t, err, cause, text)
	}
}

func TestEnv(t *testing.T) {
	denied := newTestEngine(Options{Env: map[string]string{"HOME": "/root"}})
	_, err := evalText(t, denied, "={{ $env.HOME }}", nil)
	ee := requireKind(t, err, KindReference)
	assert.Equal(t, "access to env vars denied", ee.Message)
	allowed := newTestEngine(Options{AllowEnv: true, Env: map[string]string{"HOME": "/root"}})
	v, err := evalText(t, allowed, "={{ $env.HOME }}", nil)
	require.NoError(t, err)
	assert.Equal(t, "/root", v)
}

func TestVariables(t *testing.T) {
	e := newTestEngine(Options{Timezone: mustZone(t, "Europe/Berlin"), Vars: map[string]any{"k": "v"}})
	items := Items{{JSON: map[string]any{"n": 1.0}}, {JSON: map[string]any{"n": 2.0}, PairedItem: node.Paired(0)}}
	s := &Scope{
		JSON: items[1].JSON, ItemIndex: 1, RunIndex: 3, Input: items,
		Binary:       map[string]node.Binary{"f": {Data: "aGk=", MimeType: "text/plain"}},
		Credentials:  map[string]any{"accessToken": "tok"},
		Response:     &Response{Body: map[string]any{"id": 7.0}, Headers: map[string]any{"x": "y"}, StatusCode: 201, StatusMessage: "Created"},
		ResponseItem: map[string]any{"r": 1.0}, HasResponseItem: true,
		Request: map[string]any{"url": "/a"}, Index: 2, Parent: map[string]any{"p": 1.0}, HasParent: true,
		Node:      NodeInfo{Name: "N", TypeVersion: 1.5},
		Execution: Execution{ID: "e1", Mode: "production", CustomData: map[string]string{"a": "b"}},
		PrevNode:  &PrevNode{Name: "Prev"},
		Nodes:     fixtureNodes{start: []node.Item{{JSON: map[string]any{"id": 9.0}}}},
	}
	for text, want := range map[string]any{
		"={{ $input.all().length }}":            2.0,
		"={{ $input.item.json.n }}":             2.0,
		"={{ $input.first().json.n }}":          1.0,
		"={{ $input.last().json.n }}":           2.0,
		"={{ $runIndex + $thisRunIndex }}":      6.0,
		"={{ $binary.f.mimeType }}":             "text/plain",
		"={{ $credentials.accessToken }}":       "tok",
		"={{ $response.body.id }}":              7.0,
		"={{ $response.statusCode }}":           201.0,
		"={{ $responseItem.r }}":                1.0,
		"={{ $request.url }}":                   "/a",
		"={{ $index }}":                         2.0,
		"={{ $parent.p }}":                      1.0,
		"={{ $version }}":                       1.5,
		"={{ $execution.customData.get('a') }}": "b",
		"={{ $mode }}":                          "trigger",
		"={{ $vars.k }}":                        "v",
		"={{ $prevNode.name }}":                 "Prev",
		"={{ $now.zoneName }}":                  "Europe/Berlin",
		"={{ $now.toISO() }}":                   "2024-03-15T15:30:45.123+01:00",
		"={{ $today.toISO() }}":                 "2024-03-15T00:00:00.000+01:00",
		"={{ $('Start').item.json.id }}":        9.0,
		"={{ $items('Start')[0].json.id }}":     9.0,
		"={{ $thisItem.json.n }}":               2.0,
		"={{ typeof $responseItemNope }}":       "undefined",
	} {
		v, err := evalText(t, e, text, s)
		require.NoError(t, err, text)
		assert.Equal(t, want, v, text)
	}
	_, err := evalText(t, e, "={{ $input.item }}", &Scope{})
	ee := requireKind(t, err, KindReference)
	assert.Equal(t, "No execution data available", ee.Message)
	v, err := evalText(t, e, "={{ $workflow }}", &Scope{Workflow: Workflow{ID: "w", Name: "n"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"id": "w", "name": "n", "active": false}, v)
	// Reading the whole object reads the id, which throws while unsaved.
	_, err = evalText(t, e, "={{ $workflow }}", &Scope{})
	ee = requireKind(t, err, KindReference)
	assert.Equal(t, "save workflow to view", ee.Message)
}

func TestScopeIsNotChanged(t *testing.T) {
	e := newTestEngine(Options{})
	j := map[string]any{"arr": []any{3.0, 1.0, 2.0}, "o": map[string]any{"a": 1.0}}
	s := &Scope{JSON: j}
	for text, want := range map[string]any{
		"={{ $json.arr.sort() }}": []any{1.0, 2.0, 3.0},
		"={{ (() => { $json.o.b = 2; delete $json.o.a; return $json.o })() }}": map[string]any{"b": 2.0},
		"={{ (() => { $json.arr.push(4); return $json.arr.length })() }}":      4.0,
	} {
		v, err := evalText(t, e, text, s)
		require.NoError(t, err, text)
		assert.Equal(t, want, v, text)
	}
	assert.Equal(t, map[string]any{"arr": []any{3.0, 1.0, 2.0}, "o": map[string]any{"a": 1.0}}, j)
	// Unchanged data is returned as it is, without a copy.
	v, err := evalText(t, e, "={{ (() => $json.o)() }}", s)
	require.NoError(t, err)
	assert.Equal(t, j["o"], v)
}

func TestSandbox(t *testing.T) {
	e := newTestEngine(Options{})
	for text, want := range map[string]string{
		`={{ [].map["constr" + "uctor"] }}`:                `Cannot access "constructor" due to security concerns`,
		`={{ ({})["__proto__"] }}`:                         `Cannot access "__proto__" due to security concerns`,
		`={{ Object.getOwnPropertyDescriptor({}, "a") }}`:  `Cannot access "getOwnPropertyDescriptor" due to security concerns`,
		`={{ (function(){ return arguments.callee })() }}`: `Cannot access "callee" due to security concerns`,
		`={{ __n8nx_S }}`:                                  `Cannot use "__n8nx_S" due to security concerns`,
		`={{ $ }}`:                                         dollarError,
	} {
		_, err := evalText(t, e, text, nil)
		ee := requireKind(t, err, KindReference)
		assert.Equal(t, want, ee.Message, text)
	}
	for _, text := range []string{"={{ require('fs') }}", "={{ eval('1') }}", "={{ Function('return 1')() }}",
		"={{ Reflect.ownKeys({}) }}", "={{ new Proxy({}, {}) }}", "={{ setTimeout(() => 1) }}", "={{ process.exit(1) }}",
		"={{ globalThis.process.env }}"} {
		_, err := evalText(t, e, text, nil)
		requireKind(t, err, KindRuntime)
	}
	for text, want := range map[string]any{
		"={{ JSON.stringify(this) }}":    `{"process":{},"require":{},"module":{},"Buffer":{}}`,
		"={{ process.env }}":             map[string]any{},
		"={{ typeof eval }}":             "object",
		"={{ Error.captureStackTrace }}": Undefined,
		"={{ (() => typeof this)() }}":   "object",
	} {
		v, err := evalText(t, e, text, nil)
		require.NoError(t, err, text)
		assert.Equal(t, want, v, text)
	}
}

func TestModernSyntax(t *testing.T) {
	e := newTestEngine(Options{})
	s := &Scope{JSON: map[string]any{"o": map[string]any{"a": map[string]any{"b": 1.0}}, "list": []any{1.0, 2.0, 3.0}, "nul": nil}}
	for text, want := range map[string]any{
		"={{ $json.o?.a?.b }}":                                 1.0,
		"={{ $json.x?.y.z }}":                                  Undefined,
		"={{ $json.x?.first().y }}":                            Undefined,
		"={{ $json.nul ?? 'dflt' }}":                           "dflt",
		"={{ $json.list.map(x => x * 2) }}":                    []any{2.0, 4.0, 6.0},
		"={{ `n=${$json.list.length}` }}":                      "n=3",
		"={{ (({a: {b} }) => b)($json.o) }}":                   1.0,
		"={{ (([h, ...t]) => t)($json.list) }}":                []any{2.0, 3.0},
		"={{ {...$json.o.a, c: 2} }}":                          map[string]any{"b": 1.0, "c": 2.0},
		"={{ 2 ** 8 }}":                                        256.0,
		"={{ $json.o.f?.() }}":                                 Undefined,
		"={{ (() => { let x = null; x ??= 5; return x })() }}": 5.0,
		`={{ [..."ab"].map((c, i) => c + i).join() }}`:         "a0,b1",
		"={{ Object.entries({a: 1}).map(([k, v]) => k + v) }}": []any{"a1"},
		"={{ $json.list.at(-1) }}":                             3.0,
		"={{ $if($json.list.length > 2, 'many', 'few') }}":     "many",
		"={{ $if(((1 + 1)) === 2, ((1)), 0) }}":                1.0,
		"={{ ($json.list).first() }}":                          1.0,
		"={{ (($json.list)).last() }}":                         3.0,
		"={{ $json['list'][(0)] }}":                            1.0,
		"={{ 1; 2 }}":                                          1.0,
		"={{ 1 /* c */ ; // x\n }}":                            1.0,
		"={{ [1,2,3].sum() // total }}":                        6.0,
	} {
		v, err := evalText(t, e, text, s)
		require.NoError(t, err, text)
		assert.Equal(t, want, v, text)
	}
}

func TestDateTimeValues(t *testing.T) {
	e := newTestEngine(Options{Timezone: mustZone(t, "America/New_York")})
	v, err := evalText(t, e, "={{ $now }}", nil)
	require.NoError(t, err)
	d, ok := v.(DateTime)
	require.True(t, ok)
	assert.True(t, d.Valid())
	assert.Equal(t, "America/New_York", d.Zone())
	b, _ := json.Marshal(map[string]any{"d": d})
	assert.Equal(t, `{"d":"2024-03-15T10:30:45.123-04:00"}`, string(b))
	v, err = evalText(t, e, `={{ DateTime.fromISO("bad") }}`, nil)
	require.NoError(t, err)
	b, _ = json.Marshal(v)
	assert.Equal(t, "null", string(b))
	v, err = evalText(t, e, "={{ new Date(1700000000123) }}", nil)
	require.NoError(t, err)
	b, _ = json.Marshal(v)
	assert.Equal(t, `"2023-11-14T22:13:20.123Z"`, string(b))
	// A DateTime from Go goes into JavaScript and back.
	in := NewDateTime(time.Date(2024, 1, 2, 3, 4, 5, 0, mustZone(t, "Asia/Tokyo")))
	v, err = evalText(t, e, "={{ $json.d.plus({hours: 1}) }}", &Scope{JSON: map[string]any{"d": in}})
	require.NoError(t, err)
	assert.Equal(t, "2024-01-02T04:04:05.000+09:00", v.(DateTime).String())
	fixed := NewDateTime(time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("", 5*3600+1800)))
	assert.Equal(t, "UTC+5:30", fixed.Zone())
	v, err = evalText(t, e, "={{ $json.d.toISO() }}", &Scope{JSON: map[string]any{"d": fixed}})
	require.NoError(t, err)
	assert.Equal(t, "2024-01-02T03:04:05.000+05:30", v)
	// Luxon statics and the Luxon-formatted text in mixed text.
	v, err = evalText(t, e, `=on {{ DateTime.fromISO("2024-07-04T12:00:00Z").toFormat("DDDD 'at' t") }}`, nil)
	require.NoError(t, err)
	assert.Equal(t, "on Thursday, July 4, 2024 at 8:00\u202fAM", v)
}

func TestFunctionResults(t *testing.T) {
	e := newTestEngine(Options{})
	for text, want := range map[string]string{
		"={{ () => 1 }}": "this is a function, please add ()", "={{ Math.max }}": "this is a function, please add ()",
		"={{ DateTime }}": "this is a DateTime, please access its methods",
	} {
		_, err := evalText(t, e, text, nil)
		ee := requireKind(t, err, KindResult)
		assert.Equal(t, want, ee.Message)
	}
	v, err := evalText(t, e, "=f: {{ (x) => x }}", nil)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(v.(string), "f: "), v)
}

type panickyParams struct{}

func (panickyParams) Parameter(context.Context, string) (any, bool, error) {
	panic("boom in Parameters")
}

func TestGoPanicsBecomeErrors(t *testing.T) {
	e := newTestEngine(Options{MaxRuntimes: 1})
	_, err := evalText(t, e, "={{ $parameter.x.toUpperCase() }}", &Scope{Parameters: panickyParams{}})
	ee := requireKind(t, err, KindRuntime)
	assert.Contains(t, ee.Message, "boom in Parameters")
	v, err := evalText(t, e, "={{ [1, 2].sum() }}", nil)
	require.NoError(t, err)
	assert.Equal(t, 3.0, v)
}

func TestDeepRecursion(t *testing.T) {
	e := newTestEngine(Options{})
	_, err := evalText(t, e, "={{ (function f(n) { return f(n + 1) })(0) }}", nil)
	ee := requireKind(t, err, KindRuntime)
	assert.Contains(t, ee.Message, "Maximum call stack size exceeded")
	v, err := evalText(t, e, "={{ (function f(n) { return n ? n + f(n - 1) : 0 })(100) }}", nil)
	require.NoError(t, err)
	assert.Equal(t, 5050.0, v)
}

// plainEmailDomain must agree with emailPattern wherever it answers.
func TestPlainEmailDomainAgreesWithPattern(t *testing.T) {
	local, host, tld := []byte("ab.-Z9_\"<[ é+@"), []byte("aZ.9-_"), []byte("aZbq9")
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(alphabet []byte) string {
		b := make([]byte, 1+rng.IntN(8))
		for j := range b {
			b[j] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	inputs := []string{"ann@example.com", "a.b@c.d.ef", "a..b@c.de", ".a@b.cd", "a.@b.cd", "a@b.c", "a@b.c1",
		"a@-.cd", "a@b..cd", "a@b.cd.", "ann@example", "a b@c.de", "a@b@c.de", "\"x\"@b.cd", "é@b.cd", "a@[1.2.3.4]"}
	for i := 0; i < 20000; i++ {
		inputs = append(inputs, random(local)+"@"+random(host)+"."+random(tld))
	}
	answered := 0
	for _, s := range inputs {
		d, ok := plainEmailDomain(s)
		if !ok {
			continue
		}
		answered++
		m := emailPattern().FindStringSubmatch(s)
		require.NotNil(t, m, "%q", s)
		assert.Equal(t, s, m[0], "%q: whole match", s)
		assert.Equal(t, m[5], d, "%q: domain", s)
	}
	assert.Greater(t, answered, 200)
}

// The extensions evaluated in Go give what their prelude versions give,
// through the extension method and through extend() ($if keeps no
// shortcut, and a String object is not a string primitive).
func TestExtensionsInGoMatchPrelude(t *testing.T) {
	e := newTestEngine(Options{})
	s := &Scope{JSON: map[string]any{"list": []any{1.0, 2.0}, "none": []any{}, "email": "Ann <ann@example.com>"}}
	for text, want := range map[string]any{
		"={{ $json.none.first() }}":                       Undefined,
		"={{ $json.none.last() }}":                        Undefined,
		"={{ $json.list.last() }}":                        2.0,
		"={{ $json.none.isEmpty() }}":                     true,
		"={{ $json.list.isNotEmpty() }}":                  true,
		"={{ $json.email.extractEmail() }}":               "ann@example.com",
		"={{ $json.email.extractDomain() }}":              Undefined, // not a whole address
		"={{ 'no mail here'.extractEmail() }}":            Undefined,
		"={{ 'a@b.co'.extractDomain('ignored') }}":        "b.co",
		"={{ '2024-03-15T10:20:30.000Z'.isEmpty() }}":     false,
		"={{ new String('').isEmpty() }}":                 true,
		"={{ 'hello world'.toTitleCase() }}":              "Hello World",
		"={{ 'https://n8n.io/x'.isUrl() }}":               true,
		"={{ [3, 4].toJsonString() }}":                    "[3,4]",
		"={{ (5).isEmpty() }}":                            false,
		"={{ 'x'.toInt === undefined }}":                  true,
		"={{ $json.list.first() + $json.list.first(9) }}": 2.0,
		"={{ [, 1].first() }}":                            Undefined,
		"={{ 'abc'.extractUrl() ?? 'none' }}":             "none",
		"={{ 'a@b.cd x'.isEmail() }}":                     false,
		"={{ 'ann@example.com'.isEmail() }}":              true,
		"={{ 'Ann@Example.COM'.extractEmail().length }}":  15.0,
		"={{ 'ann@example.com'.extractDomain().length }}": 11.0,
	} {
		v, err := evalText(t, e, text, s)
		require.NoError(t, err, text)
		assert.Equal(t, want, v, text)
	}
}

// goja spells non-ASCII identifiers in UTF-16 and counts their length so:
// names and positions are converted, not taken as bytes.
func TestNonASCIIIdentifiers(t *testing.T) {
	e := newTestEngine(Options{})
	s := &Scope{JSON: map[string]any{"größe": 3.0, "ß": "x"}}
	for text, want := range map[string]any{
		"={{ $json.größe }}":                      3.0,
		"={{ $json['größe'] }}":                   3.0,
		"={{ $json.größe + 1 }}":                  4.0,
		"={{ $if($json.größe, 'ja', 'nein') }}":   "ja",
		"={{ $if(1 > 2, $json.größe, $json.ß) }}": "x",
		"={{ (ß => ß * 2)(2) }}":                  4.0,
		"={{ $json.ß.toUpperCase() }}":            "X",
		"={{ $json.ß.isEmpty() }}":                false,
	} {
		v, err := evalText(t, e, text, s)
		require.NoError(t, err, text)
		assert.Equal(t, want, v, text)
	}
	// A fuzz find: a free non-ASCII identifier once panicked the compiler.
	v, err := evalText(t, e, "={{ ߧ }}", s)
	require.NoError(t, err)
	assert.Equal(t, Undefined, v)
	assert.NotPanics(t, func() { _, _ = evalText(t, e, "={{ߧ", s) })
}
