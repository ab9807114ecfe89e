package openapigen

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNumberString(t *testing.T) {
	for _, c := range []struct {
		in   float64
		want string
	}{
		{0, "0"}, {math.Copysign(0, -1), "0"}, {1, "1"}, {-2.5, "-2.5"}, {0.1, "0.1"},
		{1e-6, "0.000001"}, {1e-7, "1e-7"}, {1.5e-10, "1.5e-10"}, {1e20, "100000000000000000000"},
		{1e21, "1e+21"}, {123456789012345680000, "123456789012345680000"}, {math.Inf(1), "Infinity"},
	} {
		assert.Equal(t, c.want, numberString(c.in), "%v", c.in)
	}
}

// TestStringify checks JSON.stringify(v, null, 2) behaviour that defaults
// depend on: V8's key order (array indices first), undefined dropped from
// objects and written as null in arrays, and no HTML escaping.
func TestStringify(t *testing.T) {
	v, err := decodeJS([]byte(`{"b": 1, "10": [], "a": {}, "2": "<&>", "b": [true, null]}`))
	require.NoError(t, err)
	o := v.(*object)
	o.set("u", undefined)
	o.set("arr", []any{undefined, 1.5})
	got, ok := stringify(o)
	require.True(t, ok)
	assert.Equal(t, "{\n  \"2\": \"<&>\",\n  \"10\": [],\n  \"b\": [\n    true,\n    null\n  ],\n  \"a\": {},\n  \"arr\": [\n    null,\n    1.5\n  ]\n}", got)

	_, ok = stringify(undefined)
	assert.False(t, ok)
	got, _ = stringify("tab\there\u0001")
	assert.Equal(t, `"tab\there\u0001"`, got)
}

func TestDecodeJSErrors(t *testing.T) {
	for _, in := range []string{``, `{`, `{"a": }`, `[1,]`, `{} []`} {
		_, err := decodeJS([]byte(in))
		assert.Error(t, err, "%q", in)
	}
}
