package jsontree

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// toAny converts a tree to what encoding/json decodes into an any.
func toAny(t *testing.T, v Value) any {
	switch v.Type() {
	case TypeNull:
		return nil
	case TypeFalse:
		return false
	case TypeTrue:
		return true
	case TypeNumber:
		f, err := v.Float64()
		require.NoError(t, err)
		return f
	case TypeString:
		return string(v.StringBytes())
	case TypeArray:
		out := []any{}
		for e := v.First(); e.Exists(); e = e.Next() {
			out = append(out, toAny(t, e))
		}
		require.Len(t, out, v.Len())
		return out
	case TypeObject:
		out := map[string]any{}
		n := 0
		for m := v.First(); m.Exists(); m = m.Next() {
			out[string(m.Key())] = toAny(t, m)
			n++
		}
		require.Equal(t, v.Len(), n)
		return out
	}
	t.Fatalf("value of no type")
	return nil
}

func TestParseAgreesWithEncodingJSON(t *testing.T) {
	for _, doc := range []string{
		`null`, `true`, `false`, `0`, `-0`, `1.5e+300`, `-12.25E-3`, `""`, `"a\"b\\c\/d\b\f\n\r\t"`,
		`"\u00e9\uD83D\uDE00"`, `"\uD800"`, `"\uDC00x"`, `"\uD800\u0041"`, `"\uD800\uD800\uDC00"`,
		`[]`, `{}`, ` [ 1 , [ ] , { } , "x" ] `, `{"a":1,"a":2}`, `{"k\u0065y":{"n":[1,2,{"d":null}]}}`,
		"\t\r\n{\"a\" : [true,false,null]}\n", `"é✓😀"`, `"12345678901234567890\u0001"`,
	} {
		t.Run(doc, func(t *testing.T) {
			var want any
			require.NoError(t, json.Unmarshal([]byte(doc), &want))
			var p Parser
			v, err := p.Parse([]byte(doc))
			require.NoError(t, err)
			assert.Equal(t, want, toAny(t, v))
		})
	}
}

func TestParseRefusesWhatJSONParseRefuses(t *testing.T) {
	for _, doc := range []string{
		``, ` `, `nul`, `truex`, `01`, `-`, `1.`, `.5`, `1e`, `1e+`, `+1`, `NaN`, `Infinity`, `0x10`,
		`"a`, `"\x"`, `"\u12"`, `"\u12G4"`, "\"a\x00b\"", "\"a\x1f\\n\"", "\"12345678\x01\"",
		`[1,]`, `[1 2]`, `{"a":1,}`, `{"a" 1}`, `{a:1}`, `{"a":1`, `[`, `{}{}`, `[] x`, `'a'`,
		"\"\x7f\"\x00",
	} {
		t.Run(doc, func(t *testing.T) {
			require.False(t, json.Valid([]byte(doc)), "the case itself is wrong")
			var p Parser
			_, err := p.Parse([]byte(doc))
			var se *SyntaxError
			require.True(t, errors.As(err, &se), "accepted %q", doc)
		})
	}
}

func TestDepthLimit(t *testing.T) {
	var p Parser
	deep := bytes.Repeat([]byte("["), MaxDepth)
	deep = append(deep, bytes.Repeat([]byte("]"), MaxDepth)...)
	_, err := p.Parse(deep)
	require.NoError(t, err)
	_, err = p.Parse(append(append([]byte("["), deep...), ']'))
	require.ErrorContains(t, err, "nesting deeper than")
}

func TestNavigation(t *testing.T) {
	var p Parser
	v, err := p.Parse([]byte(`{"a":[1,{"b":"x"},3],"c":"y","a":true}`))
	require.NoError(t, err)
	assert.Equal(t, TypeTrue, v.Get("a").Type(), "the last of repeated keys")
	assert.False(t, v.Get("zz").Exists())
	assert.Equal(t, TypeNone, v.Get("zz").Type())
	arr := v.First()
	assert.Equal(t, "a", string(arr.Key()))
	var els []Value
	for e := arr.First(); e.Exists(); e = e.Next() {
		els = append(els, e)
	}
	require.Len(t, els, 3)
	assert.Equal(t, "x", string(els[1].Get("b").StringBytes()))
	n, ok := els[2].Int64()
	assert.True(t, ok)
	assert.Equal(t, int64(3), n)
	assert.False(t, els[0].Next().Next().Next().Exists())
	assert.False(t, els[0].First().Exists(), "a scalar has no children")
	assert.Equal(t, `[1,{"b":"x"},3]`, string(arr.AppendJSON(nil)))
}

func TestInt64(t *testing.T) {
	var p Parser
	for doc, want := range map[string]bool{`12`: true, `-7`: true, `1.0`: false, `1e2`: false, `99999999999999999999`: false} {
		v, err := p.Parse([]byte(doc))
		require.NoError(t, err)
		_, ok := v.Int64()
		assert.Equal(t, want, ok, doc)
	}
}

func TestAppendJSONIsCompactAndEquivalent(t *testing.T) {
	for _, doc := range []string{
		` { "a" : [ 1 , "x y" , "q\"\\ \n" ] , "b" : { } } `, `"a\u0001b"`, `"<&>\t"`, ` -1.5e3 `, ` null `,
	} {
		var p Parser
		v, err := p.Parse([]byte(doc))
		require.NoError(t, err)
		got := v.AppendJSON([]byte("x"))[1:]
		var want bytes.Buffer
		require.NoError(t, json.Compact(&want, []byte(doc)))
		if v.Type() != TypeString {
			assert.Equal(t, want.String(), string(got))
		}
		var a, b any
		require.NoError(t, json.Unmarshal(got, &a), "%s", got)
		require.NoError(t, json.Unmarshal([]byte(doc), &b))
		assert.Equal(t, b, a)
	}
}

func TestParserReuse(t *testing.T) {
	var p Parser
	v, err := p.Parse([]byte(`{"a":"\n1"}`))
	require.NoError(t, err)
	assert.Equal(t, "\n1", string(v.Get("a").StringBytes()))
	_, err = p.Parse([]byte(`[`))
	require.Error(t, err)
	v, err = p.Parse([]byte(`{"b":"\t2"}`))
	require.NoError(t, err)
	assert.Equal(t, "\t2", string(v.Get("b").StringBytes()))
	assert.False(t, v.Get("a").Exists())
}

// FuzzParse holds the parser to encoding/json on UTF-8 input: the same
// documents accepted, read as the same values.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e3,"x\u00e9\n"],"b":{"c":null,"d":true}}`, `"\uD800\u0041"`, `[01]`, "\"a\x00\\n\""} {
		f.Add([]byte(s))
	}
	var p Parser
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) {
			return
		}
		v, err := p.Parse(data)
		if depth(data) > MaxDepth {
			return
		}
		var want any
		wantErr := json.Unmarshal(data, &want)
		var tooBig *json.UnmarshalTypeError
		if errors.As(wantErr, &tooBig) {
			// A number beyond float64: JSON.parse reads Infinity, the
			// syntax is all that can agree.
			if json.Valid(data) != (err == nil) {
				t.Fatalf("%q: jsontree %v, json.Valid %v", data, err, json.Valid(data))
			}
			return
		}
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("%q: jsontree %v, encoding/json %v", data, err, wantErr)
		}
		if err == nil {
			assert.Equal(t, want, toAny(t, v))
			var back any
			require.NoError(t, json.Unmarshal(v.AppendJSON(nil), &back))
			assert.Equal(t, want, back)
		}
	})
}

// depth is an upper bound of data's nesting.
func depth(data []byte) int {
	return bytes.Count(data, []byte("[")) + bytes.Count(data, []byte("{"))
}

func BenchmarkParseChatwoot(b *testing.B) {
	raw, err := os.ReadFile("../../testdata/descriptors/valid/n8n-chatwoot-1.0.2.node.json")
	require.NoError(b, err)
	var p Parser
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Parse(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSpan(t *testing.T) {
	data := []byte(`{"a": [1, {"b": null}], "s": "x\ty", "n": -1.5e3, "t": true}`)
	var p Parser
	root, err := p.Parse(data)
	require.NoError(t, err)
	for key, want := range map[string]string{"a": `[1, {"b": null}]`, "n": `-1.5e3`, "t": `true`} {
		start, end, ok := root.Get(key).Span()
		require.True(t, ok, key)
		assert.Equal(t, want, string(data[start:end]), key)
	}
	start, end, ok := root.Span()
	require.True(t, ok)
	assert.Equal(t, string(data), string(data[start:end]))
	_, _, ok = root.Get("s").Span()
	assert.False(t, ok, "a string's offsets may be into unescaped text")
	_, _, ok = root.Get("missing").Span()
	assert.False(t, ok)
}
