package main

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
)

// encodingJSON is what exec wrote before its own encoder: encoding/json,
// indented by two spaces or compact, without HTML escaping.
func encodingJSON(t *testing.T, v any, compact bool) []byte {
	t.Helper()
	var b bytes.Buffer
	if compact {
		require.NoError(t, writeJSONLine(&b, v))
	} else {
		require.NoError(t, writeJSON(&b, v))
	}
	return b.Bytes()
}

// itemLineJSON is the --jsonl output item as encoding/json wrote it.
type itemLineJSON struct {
	node.Item
	Output int `json:"output,omitempty"`
}

type custom struct {
	A string `json:"a"`
	B []int  `json:"b,omitempty"`
}

func outputValues() []any {
	input := 3
	return []any{
		nil, true, false, "", "plain", `quote " backslash \ slash /`, "<html> & 'amp'",
		"control \x00\x01\x1f \b\f\n\r\t end", "invalid \xff\xfe utf-8 \xe2\x82", "line \u2028 para \u2029",
		"héllo wörld ✓ 😀", 0.0, math.Copysign(0, -1), 1.0, -1.5, 0.1, 1e20, 1e21, 1.5e21, 1e-6, 1e-7,
		9.999999e-7, 123456789012345678, 5e-324, math.MaxFloat64, -2.5e-10, 3.14159,
		map[string]any{}, map[string]any(nil), []any{}, []any(nil),
		map[string]any{"b": 1.0, "a": []any{1.0, "x", nil, map[string]any{"z": true, "y": []any{}}}, "": "empty key", "ключ": "v", "k\"q": 1.0},
		[]any{[]any{[]any{}}, map[string]any{"deep": map[string]any{"deeper": []any{1.0, 2.0}}}},
		// Types no decoded JSON holds: encoding/json writes them.
		42, json.Number("12.50"), custom{A: "x", B: []int{1, 2}}, []string{"a", "b"},
		map[string]any{"n": 7, "s": custom{}}, &node.PairedItem{Item: 1, Input: &input},
	}
}

func outputItems() []node.Item {
	input := 2
	var items []node.Item
	for i, v := range outputValues() {
		items = append(items, node.Item{JSON: v, PairedItem: node.Paired(i)})
	}
	return append(items,
		node.Item{JSON: map[string]any{"id": 1.0}},
		node.Item{JSON: map[string]any{"id": 2.0}, PairedItem: &node.PairedItem{Item: 4, Input: &input}},
		node.Item{JSON: map[string]any{}, Binary: map[string]node.Binary{"data": {Data: "aGk=", MimeType: "text/plain", FileName: "a<b>.txt"}, "a": {Data: ""}}},
		node.Item{JSON: map[string]any{"x": "y"}, Error: &node.ErrorInfo{Name: "NodeApiError", Message: "Bad <request> \u2028", HTTPCode: "400",
			Body: map[string]any{"errors": []any{"a", 1.0}}}, PairedItem: node.Paired(9)},
		node.Item{},
	)
}

func TestExecResultBytesAreEncodingJSONs(t *testing.T) {
	items := outputItems()
	results := map[string]execResult{
		"items":       {Items: items, ErrorItems: []node.Item{}},
		"error items": {Items: []node.Item{}, ErrorItems: items[len(items)-3:]},
		"error":       {Items: []node.Item{}, ErrorItems: []node.Item{}, Error: &node.ErrorInfo{Name: "InputError", Message: "bad & <worse>", Description: "d"}},
		"nil lists":   {},
		"one item":    {Items: items[:1], ErrorItems: items[:1]},
	}
	for name, r := range results {
		for _, compact := range []bool{false, true} {
			var got bytes.Buffer
			require.NoError(t, writeExecResult(&got, r, compact), name)
			assert.Equal(t, string(encodingJSON(t, r, compact)), got.String(), "%s, compact %v", name, compact)
		}
	}
}

func TestItemLineBytesAreEncodingJSONs(t *testing.T) {
	for i, it := range outputItems() {
		for _, output := range []int{0, 1} {
			var got bytes.Buffer
			require.NoError(t, writeItemLine(&got, it, output))
			assert.Equal(t, string(encodingJSON(t, itemLineJSON{Item: it, Output: output}, true)), got.String(), "item %d output %d", i, output)
		}
	}
}

// TestRandomValuesEncodeAsEncodingJSON compares random decoded JSON values:
// nesting, key order, numbers across the float forms, strings of every
// kind of byte.
func TestRandomValuesEncodeAsEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var str func() string
	str = func() string {
		var b strings.Builder
		for range r.IntN(12) {
			switch r.IntN(6) {
			case 0:
				b.WriteByte(byte(r.IntN(0x20)))
			case 1:
				b.WriteByte(byte(0x80 + r.IntN(0x80))) // often invalid UTF-8
			case 2:
				b.WriteRune(rune(r.IntN(0x3000)))
			case 3:
				b.WriteString([]string{`"`, `\`, "<", ">", "&", "\u2028", "\u2029", "😀"}[r.IntN(8)])
			default:
				b.WriteByte(byte(0x20 + r.IntN(0x5f)))
			}
		}
		return b.String()
	}
	var value func(depth int) any
	value = func(depth int) any {
		k := r.IntN(8)
		if depth > 3 {
			k = r.IntN(5)
		}
		switch k {
		case 0:
			return nil
		case 1:
			return r.IntN(2) == 0
		case 2:
			return str()
		case 3:
			return math.Float64frombits(r.Uint64()) // NaN and infinities are skipped below
		case 4:
			return float64(r.IntN(2000)-1000) * math.Pow(10, float64(r.IntN(60)-30))
		case 5, 6:
			m := map[string]any{}
			for range r.IntN(5) {
				m[str()] = value(depth + 1)
			}
			return m
		}
		l := []any{}
		for range r.IntN(5) {
			l = append(l, value(depth+1))
		}
		return l
	}
	for i := range 3000 {
		v := value(0)
		if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			continue
		}
		r := execResult{Items: []node.Item{{JSON: v, PairedItem: node.Paired(i)}}, ErrorItems: []node.Item{}}
		for _, compact := range []bool{false, true} {
			var got bytes.Buffer
			require.NoError(t, writeExecResult(&got, r, compact))
			require.Equal(t, string(encodingJSON(t, r, compact)), got.String(), "value %d: %#v", i, v)
		}
	}
}

// A value encoding/json cannot write fails the whole result, which
// writes nothing, as encoding/json's Encoder did.
func TestUnencodableValueWritesNothing(t *testing.T) {
	for _, v := range []any{math.NaN(), math.Inf(1), map[string]any{"a": []any{math.Inf(-1)}}, make(chan int)} {
		var got bytes.Buffer
		err := writeExecResult(&got, execResult{Items: []node.Item{{JSON: map[string]any{"ok": 1.0}}, {JSON: v}}}, false)
		var want bytes.Buffer
		wantErr := writeJSON(&want, execResult{Items: []node.Item{{JSON: map[string]any{"ok": 1.0}}, {JSON: v}}})
		require.Error(t, err)
		assert.Equal(t, wantErr.Error(), err.Error())
		assert.Empty(t, got.String())
		assert.Error(t, writeItemLine(&got, node.Item{JSON: v}, 0))
		assert.Empty(t, got.String())
	}
}

// BenchmarkWriteExecResult5000 writes the output of the 5,000-item bench
// run (the echo server's reply per item), as encoding/json did and as
// writeExecResult does.
func BenchmarkWriteExecResult5000(b *testing.B) {
	items := make([]node.Item, 5000)
	for i := range items {
		items[i] = node.Item{JSON: map[string]any{"id": 1.0, "echo": true}, PairedItem: node.Paired(i)}
	}
	r := execResult{Items: items, ErrorItems: []node.Item{}}
	for _, bc := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"encoding-json", func(w *bytes.Buffer) error { return writeJSON(w, r) }},
		{"appender", func(w *bytes.Buffer) error { return writeExecResult(w, r, false) }},
		{"encoding-json-compact", func(w *bytes.Buffer) error { return writeJSONLine(w, r) }},
		{"appender-compact", func(w *bytes.Buffer) error { return writeExecResult(w, r, true) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var w bytes.Buffer
			for b.Loop() {
				w.Reset()
				if err := bc.write(&w); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
