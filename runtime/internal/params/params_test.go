package params_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime/internal/params"
)

func props(t *testing.T, src string) []node.Property {
	t.Helper()
	var ps []node.Property
	require.NoError(t, json.Unmarshal([]byte(src), &ps))
	return ps
}

func obj(t *testing.T, src string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(src), &m))
	return m
}

// A miniature of the Chatwoot description: the resource selector, one
// operation selector per resource, a notice named "operation", and
// parameters shown for one operation each, with names defined many times.
const chatwootLike = `[
 {"displayName":"Resource","name":"resource","type":"options","noDataExpression":true,"default":"",
  "options":[{"name":"Users","value":"Users"},{"name":"Accounts","value":"Accounts"}]},
 {"displayName":"Operation","name":"operation","type":"options","noDataExpression":true,"default":"",
  "displayOptions":{"show":{"resource":["Accounts"]}},
  "options":[{"name":"Get Details Of An Account","value":"Get Details Of An Account"}]},
 {"displayName":"Operation","name":"operation","type":"options","noDataExpression":true,"default":"",
  "displayOptions":{"show":{"resource":["Users"]}},
  "options":[{"name":"Create A User","value":"Create A User"},{"name":"Get Details Of A User","value":"Get Details Of A User"}]},
 {"displayName":"POST /platform/api/v1/users","name":"operation","type":"notice","default":"",
  "displayOptions":{"show":{"resource":["Users"],"operation":["Create A User"]}}},
 {"displayName":"Account Id","name":"account_id","type":"number","default":0,"required":true,
  "displayOptions":{"show":{"resource":["Accounts"],"operation":["Get Details Of An Account"]}}},
 {"displayName":"Name","name":"name","type":"string","default":"",
  "displayOptions":{"show":{"resource":["Users"],"operation":["Create A User"]}}},
 {"displayName":"Email","name":"email","type":"string","default":"",
  "displayOptions":{"show":{"resource":["Users"],"operation":["Create A User"]}}},
 {"displayName":"Password","name":"password","type":"string","default":"",
  "displayOptions":{"show":{"resource":["Users"],"operation":["Create A User"]}}},
 {"displayName":"Custom Attributes","name":"custom_attributes","type":"json","default":"{}",
  "displayOptions":{"show":{"resource":["Users"],"operation":["Create A User"]}}},
 {"displayName":"Id","name":"id","type":"number","default":0,
  "displayOptions":{"show":{"resource":["Users"],"operation":["Get Details Of A User"]}}}
]`

func TestNormalize(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		props  string
		stored string
		want   string
	}{
		// P1 [v]: unknown and hidden parameters are dropped, visible ones get defaults.
		"P1 unknown and hidden dropped": {
			props:  chatwootLike,
			stored: `{"resource":"Users","operation":"Create A User","bogus":1,"account_id":5}`,
			want:   `{"resource":"Users","operation":"Create A User","name":"","email":"","password":"","custom_attributes":"{}"}`,
		},
		// P2: number/boolean/options keep a stored 0/false; other types replace null with the default.
		"P2 stored zero kept, null replaced": {
			props: `[{"displayName":"N","name":"n","type":"number","default":5},
			         {"displayName":"B","name":"b","type":"boolean","default":true},
			         {"displayName":"S","name":"s","type":"string","default":"d"},
			         {"displayName":"E","name":"e","type":"string","default":"d"}]`,
			stored: `{"n":0,"b":false,"s":null,"e":""}`,
			want:   `{"n":0,"b":false,"s":"d","e":""}`,
		},
		// P3: a parameter shown by the default of a parameter that is itself hidden.
		"P3 shown by a hidden parameter's default": {
			props: `[{"displayName":"Mode","name":"mode","type":"string","default":"a","displayOptions":{"show":{"never":[true]}}},
			         {"displayName":"X","name":"x","type":"string","default":"dx","displayOptions":{"show":{"mode":["a"]}}}]`,
			stored: `{}`,
			want:   `{"x":"dx"}`,
		},
		// P3: a parameter that depends on one declared after it.
		"P3 dependency declared later": {
			props: `[{"displayName":"X","name":"x","type":"string","default":"dx","displayOptions":{"show":{"mode":["b"]}}},
			         {"displayName":"Mode","name":"mode","type":"string","default":"a"}]`,
			stored: `{"mode":"b"}`,
			want:   `{"x":"dx","mode":"b"}`,
		},
		// P4 [v]: one value per name; the last visible definition's default wins.
		"P4 last visible default wins": {
			props: `[{"displayName":"F","name":"f2","type":"string","default":"x"},
			         {"displayName":"F","name":"f2","type":"string","default":"y"}]`,
			stored: `{}`,
			want:   `{"f2":"y"}`,
		},
		"P4 stored value used by every visible definition": {
			props: `[{"displayName":"F","name":"f2","type":"string","default":"x"},
			         {"displayName":"F","name":"f2","type":"string","default":"y"}]`,
			stored: `{"f2":"mine"}`,
			want:   `{"f2":"mine"}`,
		},
		"P4 hidden definition contributes nothing": {
			props:  chatwootLike,
			stored: `{"resource":"Accounts","operation":"Get Details Of An Account","account_id":7}`,
			want:   `{"resource":"Accounts","operation":"Get Details Of An Account","account_id":7}`,
		},
		// P5 [v]: noDataExpression strips the leading "=".
		"P5 noDataExpression": {
			props:  `[{"displayName":"Op","name":"operation","type":"options","noDataExpression":true,"default":"","options":[{"name":"X","value":"X"}]}]`,
			stored: `{"operation":"={{ \"X\" }}"}`,
			want:   `{"operation":"{{ \"X\" }}"}`,
		},
		// P6: a stored collection keeps only the stored options, no defaults added.
		"P6 collection keeps stored options only": {
			props: `[{"displayName":"Opts","name":"opts","type":"collection","default":{},"options":[
			          {"displayName":"A","name":"a","type":"string","default":"da"},
			          {"displayName":"B","name":"b","type":"number","default":3}]}]`,
			stored: `{"opts":{"b":4,"zzz":1}}`,
			want:   `{"opts":{"b":4}}`,
		},
		"P6 collection not stored gives its default": {
			props:  `[{"displayName":"Opts","name":"opts","type":"collection","default":{},"options":[{"displayName":"A","name":"a","type":"string","default":"da"}]}]`,
			stored: `{}`,
			want:   `{"opts":{}}`,
		},
		"P6 collection option hidden by a sibling rule is dropped": {
			props: `[{"displayName":"Opts","name":"opts","type":"collection","default":{},"options":[
			          {"displayName":"Mode","name":"mode","type":"string","default":"m"},
			          {"displayName":"A","name":"a","type":"string","default":"da","displayOptions":{"show":{"mode":["x"]}}}]}]`,
			stored: `{"opts":{"mode":"y","a":"set"}}`,
			want:   `{"opts":{"mode":"y"}}`,
		},
		"P6 multipleValues collection kept as stored": {
			props:  `[{"displayName":"L","name":"l","type":"collection","typeOptions":{"multipleValues":true},"default":{},"options":[{"displayName":"A","name":"a","type":"string","default":""}]}]`,
			stored: `{"l":[{"a":1},{"zz":2}]}`,
			want:   `{"l":[{"a":1},{"zz":2}]}`,
		},
		// P7 [v]: fixedCollection entries get missing children's defaults; unknown groups dropped.
		"P7 fixedCollection fills defaults": {
			props: `[{"displayName":"M","name":"m","type":"fixedCollection","typeOptions":{"multipleValues":true},"default":{},"options":[
			          {"displayName":"Pair","name":"pair","values":[
			            {"displayName":"K","name":"k","type":"string","default":""},
			            {"displayName":"V","name":"v","type":"string","default":"dv"}]}]}]`,
			stored: `{"m":{"pair":[{"k":"a"}],"nope":[{"k":"b"}]}}`,
			want:   `{"m":{"pair":[{"k":"a","v":"dv"}]}}`,
		},
		"P7 Request Options batching added without edits": {
			props: `[{"displayName":"Request Options","name":"requestOptions","type":"collection","default":{},"options":[
			          {"displayName":"Batching","name":"batching","type":"fixedCollection","typeOptions":{"multipleValues":false},"default":{"batch":{}},"options":[
			            {"displayName":"Batching","name":"batch","values":[
			              {"displayName":"Items per Batch","name":"batchSize","type":"number","default":50},
			              {"displayName":"Batch Interval (ms)","name":"batchInterval","type":"number","default":1000}]}]}]}]`,
			stored: `{"requestOptions":{"batching":{"batch":{}}}}`,
			want:   `{"requestOptions":{"batching":{"batch":{"batchSize":50,"batchInterval":1000}}}}`,
		},
		// P8: a notice named "operation" takes the operation's value (P4).
		"P8 notice shares the operation value": {
			props:  chatwootLike,
			stored: `{"resource":"Users","operation":"Create A User"}`,
			want:   `{"resource":"Users","operation":"Create A User","name":"","email":"","password":"","custom_attributes":"{}"}`,
		},
		// P9: no coercion: a number parameter keeps an expression string.
		"P9 no coercion": {
			props:  `[{"displayName":"N","name":"n","type":"number","default":0},{"displayName":"O","name":"o","type":"options","default":"1","options":[{"name":"0","value":"0"}]}]`,
			stored: `{"n":"={{ \"5\" }}","o":"0"}`,
			want:   `{"n":"={{ \"5\" }}","o":"0"}`,
		},
		// P14 [v] through normalisation: an expression value shows dependants.
		"P14 expression value shows dependants": {
			props: `[{"displayName":"R","name":"resource","type":"string","default":""},
			         {"displayName":"X","name":"x","type":"string","default":"dx","displayOptions":{"show":{"resource":["b"]}}}]`,
			stored: `{"resource":"={{ 1 }}"}`,
			want:   `{"resource":"={{ 1 }}","x":"dx"}`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := params.Normalize(props(t, tc.props), obj(t, tc.stored), params.Context{Version: 1})
			require.Equal(t, obj(t, tc.want), got)
		})
	}
}

func TestNormalizeDoesNotAlias(t *testing.T) {
	t.Parallel()
	ps := props(t, `[{"displayName":"J","name":"j","type":"json","default":"{}"},{"displayName":"C","name":"c","type":"collection","default":{},"options":[{"displayName":"A","name":"a","type":"string","default":""}]}]`)
	stored := obj(t, `{"j":{"x":[1]},"c":{"a":"v"}}`)
	got := params.Normalize(ps, stored, params.Context{})
	got["j"].(map[string]any)["x"].([]any)[0] = 99.0
	require.Equal(t, 1.0, stored["j"].(map[string]any)["x"].([]any)[0])
}

func TestVisible(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		display string
		values  string
		root    string
		want    bool
	}{
		// P11: every show key must pass; any listed value passes a key.
		"P11 all keys must pass": {`{"show":{"a":["1"],"b":["2","3"]}}`, `{"a":"1","b":"3"}`, ``, true},
		"P11 one key fails":      {`{"show":{"a":["1"],"b":["2"]}}`, `{"a":"1","b":"3"}`, ``, false},
		"P11 no displayOptions":  {`null`, `{}`, ``, true},
		// P12: '/'-keys read the root; @version reads the type version.
		"P12 root key":               {`{"show":{"/resource":["r"]}}`, `{"resource":"other"}`, `{"resource":"r"}`, true},
		"P12 @version":               {`{"show":{"@version":[2]}}`, `{}`, ``, false},
		"P12 resource locator value": {`{"show":{"rl":["abc"]}}`, `{"rl":{"__rl":true,"value":"abc","mode":"id"}}`, ``, true},
		"P12 nested path":            {`{"show":{"o.k":["v"]}}`, `{"o":{"k":"v"}}`, ``, true},
		// P13 [v]: strict equality, missing values, arrays.
		"P13 string does not equal number": {`{"show":{"n":[5]}}`, `{"n":"5"}`, ``, false},
		"P13 missing does not match":       {`{"show":{"resource":["a"]}}`, `{}`, ``, false},
		"P13 array value any element":      {`{"show":{"tags":["x"]}}`, `{"tags":["x","y"]}`, ``, true},
		"P13 null value matches null":      {`{"show":{"v":[null]}}`, `{"v":null}`, ``, true},
		"P13 missing does not match null":  {`{"show":{"v":[null]}}`, `{}`, ``, false},
		// P14 [v]: the expression short-cut skips the remaining show keys and all hide rules.
		"P14 expression short-cut":     {`{"show":{"resource":["b"]},"hide":{"op":["x"]}}`, `{"resource":"={{1}}","op":"x"}`, ``, true},
		"P14 earlier failing key wins": {`{"show":{"op":["y"],"resource":["b"]}}`, `{"resource":"={{1}}","op":"x"}`, ``, false},
		// P15 [v]: hide rules; an empty array value is ignored.
		"P15 hidden by match":        {`{"hide":{"tags":["x"]}}`, `{"tags":["x"]}`, ``, false},
		"P15 empty array not hidden": {`{"hide":{"tags":["x"]}}`, `{"tags":[]}`, ``, true},
		// P16 [v]: _cnd operators.
		"P16 gte passes":                            {`{"show":{"n":[{"_cnd":{"gte":3}}]}}`, `{"n":5}`, ``, true},
		"P16 gte fails":                             {`{"show":{"n":[{"_cnd":{"gte":3}}]}}`, `{"n":2}`, ``, false},
		"P16 exists empty string":                   {`{"show":{"s":[{"_cnd":{"exists":true}}]}}`, `{"s":""}`, ``, false},
		"P16 exists set":                            {`{"show":{"s":[{"_cnd":{"exists":true}}]}}`, `{"s":"v"}`, ``, true},
		"P16 exists missing":                        {`{"show":{"s":[{"_cnd":{"exists":true}}]}}`, `{}`, ``, false},
		"P16 eq deep":                               {`{"show":{"o":[{"_cnd":{"eq":{"a":1}}}]}}`, `{"o":{"a":1}}`, ``, true},
		"P16 not":                                   {`{"show":{"s":[{"_cnd":{"not":"x"}}]}}`, `{"s":"y"}`, ``, true},
		"P16 not on empty array":                    {`{"show":{"s":[{"_cnd":{"not":"x"}}]}}`, `{"s":[]}`, ``, true},
		"P16 gt on empty array":                     {`{"show":{"s":[{"_cnd":{"gt":1}}]}}`, `{"s":[]}`, ``, false},
		"P16 every value must hold":                 {`{"show":{"s":[{"_cnd":{"gt":1}}]}}`, `{"s":[2,0]}`, ``, false},
		"P16 between":                               {`{"show":{"n":[{"_cnd":{"between":{"from":1,"to":3}}}]}}`, `{"n":2}`, ``, true},
		"P16 startsWith":                            {`{"show":{"s":[{"_cnd":{"startsWith":"ab"}}]}}`, `{"s":"abc"}`, ``, true},
		"P16 endsWith non-string":                   {`{"show":{"s":[{"_cnd":{"endsWith":"1"}}]}}`, `{"s":1}`, ``, false},
		"P16 includes":                              {`{"show":{"s":[{"_cnd":{"includes":"b"}}]}}`, `{"s":"abc"}`, ``, true},
		"P16 regex (JavaScript)":                    {`{"show":{"s":[{"_cnd":{"regex":"^a(?=b)"}}]}}`, `{"s":"abc"}`, ``, true},
		"P16 unknown operator":                      {`{"show":{"s":[{"_cnd":{"nope":1}}]}}`, `{"s":1}`, ``, false},
		"P16 _cnd with other keys is a plain value": {`{"show":{"s":[{"_cnd":{"eq":1},"x":1}]}}`, `{"s":1}`, ``, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := node.Property{Name: "p", Type: node.TypeString}
			if tc.display != "null" {
				p.DisplayOptions = &node.DisplayOptions{}
				require.NoError(t, json.Unmarshal([]byte(tc.display), p.DisplayOptions))
			}
			var root map[string]any
			if tc.root != "" {
				root = obj(t, tc.root)
			}
			require.Equal(t, tc.want, params.Visible(&p, obj(t, tc.values), root, params.Context{Version: 1}))
		})
	}
}

func TestVisibleHiddenByUndefined(t *testing.T) {
	t.Parallel()
	// P15 [v]: {} is hidden by hide {resource: [undefined]}; only Go-built
	// descriptions can say undefined.
	p := node.Property{Name: "p", DisplayOptions: &node.DisplayOptions{Hide: map[string][]any{"resource": {params.Undefined}}}}
	require.False(t, params.Visible(&p, map[string]any{}, nil, params.Context{}))
	p.DisplayOptions = &node.DisplayOptions{Show: map[string][]any{"resource": {params.Undefined}}}
	require.True(t, params.Visible(&p, map[string]any{}, nil, params.Context{}))
}

func TestGetPath(t *testing.T) {
	t.Parallel()
	v := obj(t, `{"a":{"b":[{"c":1}]},"x.y":2}`)
	for path, want := range map[string]any{"a.b[0].c": 1.0, "a.b.0.c": 1.0, "['x.y']": 2.0} {
		got, ok := params.GetPath(v, path)
		require.True(t, ok, path)
		require.Equal(t, want, got, path)
	}
	_, ok := params.GetPath(v, "a.zz")
	require.False(t, ok)
}
