package node_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
)

const chatwootFixture = "../testdata/descriptors/valid/n8n-chatwoot-1.0.2.node.json"

// dropZero removes keys whose values are zero ("", false, null), which the
// model leaves out when it encodes.
func dropZero(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range t {
			if x == "" || x == false || x == nil {
				continue
			}
			out[k] = dropZero(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = dropZero(x)
		}
		return out
	}
	return v
}

func TestChatwootRoundTrip(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(chatwootFixture)
	require.NoError(t, err)
	d, err := node.DecodeDescription(raw)
	require.NoError(t, err)
	require.Len(t, d.Properties, 549)
	require.Equal(t, "requestOptions", d.Properties[548].Name)
	require.Equal(t, "batchSize", d.Properties[548].Children[0].Groups[0].Values[0].Name)

	encoded, err := json.Marshal(d)
	require.NoError(t, err)
	again, err := node.DecodeDescription(encoded)
	require.NoError(t, err)
	require.Equal(t, d, again, "decode, encode, decode must give the same description")

	var src, out any
	require.NoError(t, json.Unmarshal(raw, &src))
	require.NoError(t, json.Unmarshal(encoded, &out))
	require.Equal(t, dropZero(src), dropZero(out), "nothing but zero values may be lost")
}

func TestUnmarshalJSONUsesTheSameDecoder(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(chatwootFixture)
	require.NoError(t, err)
	var viaStd node.Description
	require.NoError(t, json.Unmarshal(raw, &viaStd))
	direct, err := node.DecodeDescription(raw)
	require.NoError(t, err)
	require.Equal(t, *direct, viaStd)
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		src  string
		path string
		msg  string
	}{
		"not an object":                        {`[]`, "", "must be an object, not an array"},
		"name not a string":                    {`{"name": 5, "properties": []}`, "/name", "must be a string, not a number"},
		"properties not array":                 {`{"properties": {}}`, "/properties", "must be an array of properties, not an object"},
		"property type":                        {`{"properties": [{"name": "a", "type": true}]}`, "/properties/0/type", "must be a string, not a boolean"},
		"nested choice routing":                {`{"properties": [{"name": "op", "type": "options", "options": [{"name": "x", "value": "x", "routing": {"send": {"type": 1}}}]}]}`, "/properties/0/options/0/routing/send/type", "must be a string, not a number"},
		"displayOptions list":                  {`{"properties": [{"name": "a", "type": "string", "displayOptions": {"show": {"r": "x"}}}]}`, "/properties/0/displayOptions/show/r", "must be an array of conditions, not a string"},
		"rows with fraction":                   {`{"properties": [{"name": "a", "type": "string", "typeOptions": {"rows": 2.5}}]}`, "/properties/0/typeOptions/rows", "must be a whole number"},
		"number overflow":                      {`{"properties": [{"name": "a", "type": "number", "default": 1e400}]}`, "/properties/0/default", "number 1e400 does not fit a 64-bit float"},
		"pointer escaping":                     {`{"properties": [{"name": "a", "type": "string", "displayOptions": {"show": {"a/b": 1}}}]}`, "/properties/0/displayOptions/show/a~1b", "must be an array of conditions, not a number"},
		"invalid json":                         {`{"name": `, "", "invalid JSON"},
		"version not number":                   {`{"version": "1"}`, "/version", "version must be a number or an array of numbers, not a string"},
		"postReceive not object":               {`{"properties": [{"name": "a", "type": "string", "routing": {"output": {"postReceive": [5]}}}]}`, "/properties/0/routing/output/postReceive/0", "must be an action object or a hook name, not a number"},
		"condition overflow":                   {`{"properties": [{"name": "a", "type": "string", "displayOptions": {"hide": {"r": ["x", 1e999]}}}]}`, "/properties/0/displayOptions/hide/r/1", "number 1e999 does not fit"},
		"group element":                        {`{"group": ["a", 2]}`, "/group/1", "must be a string, not a number"},
		"credential element":                   {`{"credentials": [{"name": "a"}, {"required": "yes"}]}`, "/credentials/1/required", "must be a boolean, not a string"},
		"group values":                         {`{"properties": [{"name": "f", "type": "fixedCollection", "options": [{"name": "g", "values": [{"name": "v", "type": []}]}]}]}`, "/properties/0/options/0/values/0/type", "must be a string, not an array"},
		"collection child":                     {`{"properties": [{"name": "c", "type": "collection", "options": [{"name": "a"}, {"name": "b", "typeOptions": {"password": 1}}]}]}`, "/properties/0/options/1/typeOptions/password", "must be a boolean, not a number"},
		"pagination":                           {`{"requestOperations": {"pagination": 3}}`, "/requestOperations/pagination", "must be a pagination object or a hook name, not a number"},
		"basic auth":                           {`{"requestDefaults": {"auth": {"username": false}}}`, "/requestDefaults/auth/username", "must be a string, not a boolean"},
		"first error of a long list, in order": {longPropertyList(300, map[int]string{250: `{"name": 5}`, 100: `{"type": 5}`}), "/properties/100/type", "must be a string, not a number"},
		"error in a late range":                {longPropertyList(300, map[int]string{299: `{"hint": []}`}), "/properties/299/hint", "must be a string, not an array"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := node.DecodeDescription([]byte(tc.src))
			var de *node.DecodeError
			require.True(t, errors.As(err, &de), "got %v", err)
			require.Equal(t, tc.path, de.Path)
			require.Contains(t, de.Msg, tc.msg)
		})
	}
}

// longPropertyList is a description of n string properties, with bad
// ones at the given indexes.
func longPropertyList(n int, bad map[int]string) string {
	var b strings.Builder
	b.WriteString(`{"properties": [`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		if src, ok := bad[i]; ok {
			b.WriteString(src)
			continue
		}
		fmt.Fprintf(&b, `{"name": "p%d", "type": "string"}`, i)
	}
	b.WriteString(`]}`)
	return b.String()
}

func TestCredentialTypeDecodeErrors(t *testing.T) {
	t.Parallel()
	_, err := node.DecodeCredentialType([]byte(`{"test": {"request": {}, "rules": [{"type": "responseCode"}, {"properties": 7}]}}`))
	var de *node.DecodeError
	require.ErrorAs(t, err, &de)
	require.Equal(t, "/test/rules/1/properties", de.Path)
	_, err = node.DecodeCredentialType([]byte(`{"authenticate": {"type": "generic", "properties": {"headers": []}}}`))
	require.ErrorAs(t, err, &de)
	require.Equal(t, "/authenticate/properties/headers", de.Path)

	var opts node.PropertyTypeOptions
	err = json.Unmarshal([]byte(`{"rows": 1.5}`), &opts)
	require.ErrorAs(t, err, &de)
	require.Equal(t, "/rows", de.Path)

	// null is a no-op, as encoding/json's own decoding of null is.
	opts = node.PropertyTypeOptions{Rows: 3}
	require.NoError(t, json.Unmarshal([]byte(`null`), &opts))
	require.Equal(t, 3, opts.Rows)
	require.NoError(t, json.Unmarshal([]byte(`{"theme": "x"}`), &opts))
	require.Equal(t, node.PropertyTypeOptions{Theme: "x"}, opts, "an object replaces what was there")
}

func TestDisplayOptionsKeepSourceOrder(t *testing.T) {
	t.Parallel()
	var d node.DisplayOptions
	require.NoError(t, json.Unmarshal([]byte(`{"show": {"zeta": [1], "alpha": [2]}, "hide": {"b": [1], "a": [2]}}`), &d))
	require.Equal(t, []string{"zeta", "alpha"}, d.ShowKeys())
	require.Equal(t, []string{"b", "a"}, d.HideKeys())
	out, err := json.Marshal(d)
	require.NoError(t, err)
	require.Equal(t, `{"show":{"zeta":[1],"alpha":[2]},"hide":{"b":[1],"a":[2]}}`, string(out))

	built := node.DisplayOptions{Show: map[string][]any{"b": {1}, "a": {2}}}
	require.Equal(t, []string{"a", "b"}, built.ShowKeys(), "values built in Go list keys sorted")
}

// TestIdenticalDisplayOptionsAreShared decodes two properties and checks
// that their displayOptions (or disabledOptions) are one shared value
// exactly when the JSON is the same value, and that each still reads as
// its source.
func TestIdenticalDisplayOptionsAreShared(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		first, second string
		field         string // of the second property; "" is displayOptions
		shared        bool
		want          [2]string // each one encoded again
	}{
		"identical": {
			first:  `{"show": {"resource": ["x"], "operation": ["get"]}}`,
			second: `{"show": {"resource": ["x"], "operation": ["get"]}}`,
			shared: true,
			want:   [2]string{`{"show":{"resource":["x"],"operation":["get"]}}`, `{"show":{"resource":["x"],"operation":["get"]}}`},
		},
		"identical as disabledOptions": {
			first: `{"show": {"a": [1]}}`, second: `{"show": {"a": [1]}}`, field: "disabledOptions",
			shared: true,
			want:   [2]string{`{"show":{"a":[1]}}`, `{"show":{"a":[1]}}`},
		},
		"the same string escaped": {
			first: `{"show": {"a": ["b"]}}`, second: `{"show": {"a": ["\u0062"]}}`,
			shared: true,
			want:   [2]string{`{"show":{"a":["b"]}}`, `{"show":{"a":["b"]}}`},
		},
		"_cnd conditions": {
			first: `{"show": {"a": [{"_cnd": {"gt": 1}}]}}`, second: `{"show": {"a": [{"_cnd": {"gt": 1}}]}}`,
			shared: true,
			want:   [2]string{`{"show":{"a":[{"_cnd":{"gt":1}}]}}`, `{"show":{"a":[{"_cnd":{"gt":1}}]}}`},
		},
		"keys in another order": {
			first: `{"show": {"a": [1], "b": [2]}}`, second: `{"show": {"b": [2], "a": [1]}}`,
			want: [2]string{`{"show":{"a":[1],"b":[2]}}`, `{"show":{"b":[2],"a":[1]}}`},
		},
		"string and number": {
			first: `{"show": {"a": ["1"]}}`, second: `{"show": {"a": [1]}}`,
			want: [2]string{`{"show":{"a":["1"]}}`, `{"show":{"a":[1]}}`},
		},
		"the same letters cut elsewhere": {
			first: `{"show": {"ab": ["c"]}}`, second: `{"show": {"a": ["bc"]}}`,
			want: [2]string{`{"show":{"ab":["c"]}}`, `{"show":{"a":["bc"]}}`},
		},
		"the same digits cut elsewhere": {
			first: `{"show": {"a": [1, 23]}}`, second: `{"show": {"a": [12, 3]}}`,
			want: [2]string{`{"show":{"a":[1,23]}}`, `{"show":{"a":[12,3]}}`},
		},
		"show and hide": {
			first: `{"show": {"a": [1]}}`, second: `{"hide": {"a": [1]}}`,
			want: [2]string{`{"show":{"a":[1]}}`, `{"hide":{"a":[1]}}`},
		},
		"hideOnCloud": {
			first: `{"show": {"a": [1]}}`, second: `{"show": {"a": [1]}, "hideOnCloud": true}`,
			want: [2]string{`{"show":{"a":[1]}}`, `{"show":{"a":[1]},"hideOnCloud":true}`},
		},
		"one more value": {
			first: `{"show": {"a": [1]}}`, second: `{"show": {"a": [1, 1]}}`,
			want: [2]string{`{"show":{"a":[1]}}`, `{"show":{"a":[1,1]}}`},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			field := tc.field
			if field == "" {
				field = "displayOptions"
			}
			raw := fmt.Sprintf(`{"properties": [
			  {"name": "p", "type": "string", "default": "", "displayOptions": %s},
			  {"name": "q", "type": "string", "default": "", %q: %s}
			]}`, tc.first, field, tc.second)
			d, err := node.DecodeDescription([]byte(raw))
			require.NoError(t, err)
			first, second := d.Properties[0].DisplayOptions, d.Properties[1].DisplayOptions
			if tc.field == "disabledOptions" {
				second = d.Properties[1].DisabledOptions
			}
			if tc.shared {
				require.Same(t, first, second)
			} else {
				require.NotSame(t, first, second)
			}
			for i, do := range []*node.DisplayOptions{first, second} {
				out, err := json.Marshal(do)
				require.NoError(t, err)
				require.Equal(t, tc.want[i], string(out))
			}
		})
	}
}

// TestDecodesShareNothing decodes the same description twice: the
// decoder's reused state must not carry anything from one call to the
// next.
func TestDecodesShareNothing(t *testing.T) {
	t.Parallel()
	raw := []byte(`{"properties": [{"name": "p", "type": "string", "default": "", "displayOptions": {"show": {"a": ["x"]}}}]}`)
	first, err := node.DecodeDescription(raw)
	require.NoError(t, err)
	second, err := node.DecodeDescription(raw)
	require.NoError(t, err)
	require.Equal(t, first, second)
	require.NotSame(t, first.Properties[0].DisplayOptions, second.Properties[0].DisplayOptions)
}

// TestChatwootDisplayOptionsAreShared checks, on the description that
// repeats them most, that sharing happens across the long property list
// and that each shared value equals the one
// decoded from that property's source alone, key order included.
func TestChatwootDisplayOptionsAreShared(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(chatwootFixture)
	require.NoError(t, err)
	d, err := node.DecodeDescription(raw)
	require.NoError(t, err)
	var src struct {
		Properties []struct {
			DisplayOptions json.RawMessage `json:"displayOptions"`
		} `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(raw, &src))
	require.Len(t, src.Properties, len(d.Properties))
	distinct := map[*node.DisplayOptions]bool{}
	count := 0
	for i, p := range src.Properties {
		if p.DisplayOptions == nil {
			require.Nil(t, d.Properties[i].DisplayOptions)
			continue
		}
		var alone node.DisplayOptions
		require.NoError(t, json.Unmarshal(p.DisplayOptions, &alone))
		require.Equal(t, alone, *d.Properties[i].DisplayOptions, "property %d", i)
		count++
		distinct[d.Properties[i].DisplayOptions] = true
	}
	require.Greater(t, count, 500)
	require.Less(t, len(distinct), count/2, "identical displayOptions are shared")
}

func TestPropertyOptionsByType(t *testing.T) {
	t.Parallel()
	var ps []node.Property
	require.NoError(t, json.Unmarshal([]byte(`[
	  {"name": "o", "type": "options", "default": "a", "options": [{"name": "A", "value": "a"}, {"name": "One", "value": 1}]},
	  {"name": "c", "type": "collection", "default": {}, "options": [{"displayName": "X", "name": "x", "type": "string", "default": ""}]},
	  {"name": "f", "type": "fixedCollection", "default": {}, "options": [{"displayName": "G", "name": "g", "values": [{"displayName": "K", "name": "k", "type": "string", "default": ""}]}]}
	]`), &ps))
	require.Len(t, ps[0].Choices, 2)
	c, ok := ps[0].Choice(1.0)
	require.True(t, ok)
	require.Equal(t, "One", c.Name)
	_, ok = ps[0].Choice("1")
	require.False(t, ok, "choices match with strict equality")
	require.Equal(t, "x", ps[1].Children[0].Name)
	require.Equal(t, "k", ps[2].Groups[0].Values[0].Name)
	out, err := json.Marshal(ps)
	require.NoError(t, err)
	var back []node.Property
	require.NoError(t, json.Unmarshal(out, &back))
	require.Equal(t, ps, back)
}

func TestHookNames(t *testing.T) {
	t.Parallel()
	var r node.Routing
	require.NoError(t, json.Unmarshal([]byte(`{"output": {"postReceive": ["myHook", {"type": "limit", "properties": {"maxResults": 2}}]}, "operations": {"pagination": "pager"}}`), &r))
	require.Equal(t, "myHook", r.Output.PostReceive[0].Hook)
	require.Equal(t, "limit", r.Output.PostReceive[1].Type)
	require.Equal(t, "pager", r.Operations.Pagination.Hook)
	out, err := json.Marshal(r)
	require.NoError(t, err)
	require.JSONEq(t, `{"output": {"postReceive": ["myHook", {"type": "limit", "properties": {"maxResults": 2}}]}, "operations": {"pagination": "pager"}}`, string(out))
}

func TestVersion(t *testing.T) {
	t.Parallel()
	var v node.Version
	require.NoError(t, json.Unmarshal([]byte(`[1, 2.5, 2]`), &v))
	require.Equal(t, 2.5, v.Latest())
	require.NoError(t, json.Unmarshal([]byte(`3`), &v))
	out, _ := json.Marshal(v)
	require.Equal(t, "3", string(out))
	require.Equal(t, 1.0, node.Version(nil).Latest())
}

func TestSettingsContinues(t *testing.T) {
	t.Parallel()
	// F1: onError decides when set; otherwise continueOnFail.
	require.False(t, node.Settings{}.Continues())
	require.True(t, node.Settings{ContinueOnFail: true}.Continues())
	require.False(t, node.Settings{ContinueOnFail: true, OnError: node.OnErrorStop}.Continues())
	require.True(t, node.Settings{OnError: node.OnErrorContinueErrorOutput}.Continues())
	require.True(t, node.Settings{OnError: node.OnErrorContinueRegularOutput}.Continues())
}

func TestOperations(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(chatwootFixture)
	require.NoError(t, err)
	d, err := node.DecodeDescription(raw)
	require.NoError(t, err)
	require.Len(t, d.Resources(), 29)
	ops := d.Operations()
	require.Len(t, ops, 115)
	require.Equal(t, node.Operation{Resource: "Accounts", Name: "Create An Account", Action: "Create an Account",
		Method: "POST", URL: "/platform/api/v1/accounts"}, ops[0])
}

func TestParseJSONIsStrict(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{`NaN`, `nan`, `01`, `1.`, `.5`, "\"a\tb\"", `[1,]`, `{"a":1}x`, ``, `1e999`} {
		_, err := node.ParseJSON([]byte(bad))
		require.Error(t, err, "%q is not JSON", bad)
	}
	v, err := node.ParseJSON([]byte(` {"a": [1, "x", null, true, {"b": 2.5}]} `))
	require.NoError(t, err)
	require.Equal(t, map[string]any{"a": []any{1.0, "x", nil, true, map[string]any{"b": 2.5}}}, v)
}

func TestAppendJSONLikeJSONStringify(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   any
		want string
	}{
		{map[string]any{"b": 1.0, "a": "x<y>&"}, `{"a":"x<y>&","b":1}`},
		{[]any{1e21, 1e-7, 0.1, -0.0, 100.0}, `[1e+21,1e-7,0.1,0,100]`},
		{"line\nbreak\t\"q\" \\ \u0001", `"line\nbreak\t\"q\" \\ \u0001"`},
		{"bad \xff utf8", "\"bad \ufffd utf8\""},
		{nil, `null`},
		{[]any{true, false, nil}, `[true,false,null]`},
		{"é😀", `"é😀"`},
	}
	for _, tc := range cases {
		got, err := node.AppendJSON(nil, tc.in)
		require.NoError(t, err)
		require.Equal(t, tc.want, string(got))
		var back any
		require.NoError(t, json.Unmarshal(got, &back), "output must be valid JSON")
	}
}
