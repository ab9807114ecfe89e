package params

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
)

func locatorProperty(t *testing.T) *node.Property {
	t.Helper()
	var p node.Property
	require.NoError(t, p.UnmarshalJSON([]byte(`{"displayName":"Call","name":"call","type":"resourceLocator",
	 "default":{"mode":"list","value":""},
	 "modes":[{"name":"list","type":"list"},
	  {"name":"id","type":"string","validation":[{"type":"regex","properties":{"regex":"[0-9]{1,20}","errorMessage":"Not a valid ID"}}]},
	  {"name":"url","type":"string","extractValue":{"type":"regex","regex":"https://x\\.io/call\\?id=([0-9]+)"},
	   "validation":[{"type":"regex","properties":{"regex":"https://x\\.io/call\\?id=([0-9]+)","errorMessage":"Not a valid URL"}}]},
	  {"name":"two","type":"string","extractValue":{"type":"regex","regex":"(a)(b)"}}]}`)))
	return &p
}

func TestExtract(t *testing.T) {
	x := NewExtractor(locatorProperty(t))
	rl := func(mode string, v any) map[string]any {
		return map[string]any{"__rl": true, "mode": mode, "value": v}
	}
	for _, tc := range []struct {
		name string
		in   any
		want any
		err  string
	}{
		{"list", rl("list", "c1"), "c1", ""},
		{"id", rl("id", "123"), "123", ""},
		{"url", rl("url", "see https://x.io/call?id=77 now"), "77", ""},
		{"url no match", rl("url", "https://y.io/"), nil, "ERROR: Call parameter's value is invalid. This is likely because the URL entered is incorrect"},
		{"url not a string", rl("url", 5.0), nil, "ERROR: This parameter's value is invalid. Please enter a valid mode."},
		{"two groups", rl("two", "ab"), nil, `Property "call" has an invalid extractValue regex "(a)(b)". extractValue expects exactly one group to be returned.`},
		{"unknown mode", rl("other", "v"), "v", ""},
		{"plain string", "s", "s", ""},
		{"no value key", map[string]any{"mode": "id"}, map[string]any{"mode": "id"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := x.Extract("call", tc.in)
			if tc.err != "" {
				require.EqualError(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestLocatorIssues(t *testing.T) {
	p := locatorProperty(t)
	rl := func(mode string, v any) map[string]any {
		return map[string]any{"__rl": true, "mode": mode, "value": v}
	}
	assert.Nil(t, LocatorIssues(p, rl("id", "123")))
	assert.Equal(t, []string{"Not a valid ID"}, LocatorIssues(p, rl("id", "12a")))
	assert.Equal(t, []string{"Not a valid ID"}, LocatorIssues(p, rl("id", "12\n")), "$ is the very end")
	assert.Equal(t, []string{"Not a valid ID"}, LocatorIssues(p, rl("id", "")))
	assert.Nil(t, LocatorIssues(p, rl("id", "={{ $json.id }}")), "expressions are not checked")
	assert.Nil(t, LocatorIssues(p, rl("id", 123.0)), "numbers are checked as text")
	assert.Equal(t, []string{"Not a valid URL"}, LocatorIssues(p, rl("url", "x https://x.io/call?id=1")), "anchored")
	assert.Nil(t, LocatorIssues(p, rl("list", "")))
	assert.Nil(t, LocatorIssues(p, "plain"))
}

func TestParameterValue(t *testing.T) {
	v, ok := ParameterValue(map[string]any{"__rl": true, "mode": "url", "value": "u/42", "__regex": "u/([0-9]+)"})
	assert.True(t, ok)
	assert.Equal(t, "42", v)
	v, _ = ParameterValue(map[string]any{"__rl": true, "mode": "url", "value": "nothing", "__regex": "u/([0-9]+)"})
	assert.Equal(t, "nothing", v)
	v, _ = ParameterValue(map[string]any{"__rl": true, "mode": "id", "value": "={{ 1 }}"})
	assert.Equal(t, "={{ 1 }}", v)
	_, ok = ParameterValue(map[string]any{"mode": "id", "value": "x"})
	assert.False(t, ok, "without __rl it is not a locator")
	assert.True(t, ValidLocator(map[string]any{"value": 0.0}))
	assert.False(t, ValidLocator(map[string]any{"value": ""}))
	assert.False(t, ValidLocator(""))
}
