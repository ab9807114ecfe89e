package runtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// Request building, reference §4 (R1-R16). Each test builds a small
// synthetic description and asserts what a real HTTP server received.

func TestRequestDefaultsAndMergeOrder(t *testing.T) {
	t.Parallel()
	srv := newRecorder(t, nil)
	nt := description(t, srv.URL,
		`{"baseURL":"@URL@","url":"/defaults","method":"POST",
		  "headers":{"X-Default":"d","X-Version":"={{ $version }}","X-Value":"={{ $value === undefined ? 'undefined' : 'set' }}"},
		  "qs":{"q0":"d"},
		  "body":{"arr":[1,2,3],"keep":"d","obj":{"x":1,"y":2}}}`,
		`[
		  {"displayName":"P1","name":"p1","type":"string","default":"",
		   "routing":{"request":{"body":{"arr":["z"],"obj":{"y":3,"z":4}},"headers":{"X-P1":"p1"}}}},
		  {"displayName":"P2","name":"p2","type":"string","default":"",
		   "routing":{"send":{"type":"body","property":"keep","value":"={{ undefined }}"}}},
		  {"displayName":"P3","name":"p3","type":"string","default":"",
		   "routing":{"request":{"url":"/later-wins"}}}
		]`)
	e, _ := newEngine(t)
	mustSucceed(t, e, runtime.Run{Node: nt})
	got := srv.only(t)

	t.Run("R2 later scalar wins", func(t *testing.T) {
		assert.Equal(t, "POST", got.Method)
		assert.Equal(t, "/later-wins", got.Path)
	})
	t.Run("R2 arrays element-wise, objects key by key, undefined never overwrites [v]", func(t *testing.T) {
		assert.Equal(t, jsonOf(t, `{"arr":["z",2,3],"keep":"d","obj":{"x":1,"y":3,"z":4}}`), got.JSON(t))
	})
	t.Run("R2.1 defaults see $version but no $value", func(t *testing.T) {
		assert.Equal(t, "1", got.Header.Get("X-Version"))
		assert.Equal(t, "undefined", got.Header.Get("X-Value"))
	})
	t.Run("R14 default and property headers both sent", func(t *testing.T) {
		assert.Equal(t, "d", got.Header.Get("X-Default"))
		assert.Equal(t, "p1", got.Header.Get("X-P1"))
	})
	t.Run("R1 default qs kept", func(t *testing.T) {
		assert.Equal(t, "q0=d", got.RawQuery)
	})
}

func TestHiddenPropertiesContributeNothing(t *testing.T) {
	t.Parallel()
	srv := newRecorder(t, nil)
	nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, `[
	  {"displayName":"Mode","name":"mode","type":"options","default":"a",
	   "options":[{"name":"A","value":"a"},{"name":"B","value":"b"}]},
	  {"displayName":"Hidden","name":"hidden","type":"string","default":"h",
	   "displayOptions":{"show":{"mode":["b"]}},
	   "routing":{"send":{"property":"hidden"},"request":{"headers":{"X-Hidden":"yes"}},
	              "output":{"postReceive":[{"type":"set","properties":{"value":"hidden ran"}}]}}},
	  {"displayName":"Shown","name":"shown","type":"string","default":"s",
	   "displayOptions":{"show":{"mode":["a"]}},"routing":{"send":{"property":"shown"}}},
	  {"displayName":"Plain","name":"plain","type":"string","default":"p"}
	]`)
	e, _ := newEngine(t)
	// CheckWorkflow ignores a declared but hidden name, as n8n does.
	res := mustSucceed(t, e, runtime.Run{Node: nt, Parameters: map[string]any{"mode": "a", "hidden": "stored anyway"}, InputCheck: runtime.CheckWorkflow})
	got := srv.only(t)
	// R3: neither the hidden property's request, send nor output applies.
	assert.Equal(t, "shown=s", got.RawQuery)
	assert.Empty(t, got.Header.Get("X-Hidden"))
	assert.Equal(t, []any{jsonOf(t, `{"id":1}`)}, jsons(res.Items))
}

func TestOptionSelection(t *testing.T) {
	t.Parallel()
	props := `[
	  {"displayName":"Operation","name":"operation","type":"options","default":"list",
	   "options":[
	     {"name":"List","value":"list","routing":{"request":{"method":"GET","url":"/items",
	        "headers":{"X-Option-Value":"={{ $value === undefined ? 'undefined' : String($value) }}"}}}},
	     {"name":"Create","value":"create","routing":{"request":{"method":"POST","url":"/items"}}}
	   ]},
	  {"displayName":"Version","name":"apiVersion","type":"options","default":1,
	   "options":[{"name":"One","value":1,"routing":{"request":{"headers":{"X-Api":"one"}}}},
	              {"name":"Two","value":2,"routing":{"request":{"headers":{"X-Api":"two"}}}}]}
	]`
	cases := []struct {
		name       string
		params     map[string]any
		wantMethod string
		wantPath   string
		wantAPI    string
		wantOptVal string
		wantIssue  string
	}{
		{name: "R4 selected option routes", params: map[string]any{"operation": "create"},
			wantMethod: "POST", wantPath: "/base/items", wantAPI: "one"},
		{name: "R4 $value is undefined in an option's routing [v]", params: map[string]any{"operation": "list"},
			wantMethod: "GET", wantPath: "/base/items", wantAPI: "one", wantOptVal: "undefined"},
		{name: "R4 numbers compare strictly", params: map[string]any{"operation": "list", "apiVersion": 2.0},
			wantMethod: "GET", wantPath: "/base/items", wantAPI: "two", wantOptVal: "undefined"},
		{name: "R4 an expression value is compared raw and matches nothing: GET to baseURL", params: map[string]any{"operation": "={{ 'create' }}"},
			wantMethod: "GET", wantPath: "/base", wantAPI: "one"},
		// noderun: a value that matches no choice stops the run before any
		// request; n8n would send a GET to the base URL (R4).
		{name: "noderun: empty operation is an issue", params: map[string]any{"operation": ""},
			wantIssue: `Parameter "Operation" is required.`},
		{name: "noderun: unknown operation is an issue", params: map[string]any{"operation": "craete"},
			wantIssue: `Parameter "Operation" has no option "craete". Did you mean "create"?`},
		{name: "noderun: string '2' does not match number 2", params: map[string]any{"apiVersion": "2"},
			wantIssue: `Parameter "Version" has no option "2" (a string); its option is 2 (a number).`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, nil)
			nt := description(t, srv.URL, `{"baseURL":"@URL@/base"}`, props)
			e, _ := newEngine(t)
			res, err := e.Execute(context.Background(), runtime.Run{Node: nt, Parameters: tc.params})
			if tc.wantIssue != "" {
				var issues *runtime.IssuesError
				require.ErrorAs(t, err, &issues)
				assert.Equal(t, []string{tc.wantIssue}, issues.Issues)
				assert.Contains(t, err.Error(), "The 'Test Node' node has issues:")
				assert.Empty(t, srv.requests(), "no request is sent")
				return
			}
			require.NoError(t, err)
			require.Nil(t, res.Err)
			got := srv.only(t)
			assert.Equal(t, tc.wantMethod, got.Method)
			assert.Equal(t, tc.wantPath, got.Path)
			assert.Equal(t, tc.wantAPI, got.Header.Get("X-Api"))
			assert.Equal(t, tc.wantOptVal, got.Header.Get("X-Option-Value"))
		})
	}
}

func TestEmptyOperationChoiceIsGETToBaseURL(t *testing.T) {
	t.Parallel()
	// R4 [v]: an operation whose choice has no routing adds no method and
	// no url, so the request is a GET to the base URL.
	srv := newRecorder(t, nil)
	nt := description(t, srv.URL, `{"baseURL":"@URL@/api/v1"}`, `[
	  {"displayName":"Operation","name":"operation","type":"options","default":"",
	   "options":[{"name":"None","value":""},{"name":"Create","value":"create","routing":{"request":{"method":"POST","url":"/x"}}}]}
	]`)
	e, _ := newEngine(t)
	mustSucceed(t, e, runtime.Run{Node: nt})
	got := srv.only(t)
	assert.Equal(t, "GET", got.Method)
	assert.Equal(t, "/api/v1", got.Path)
	assert.Empty(t, got.Body)
}

func TestCollectionAndFixedCollection(t *testing.T) {
	t.Parallel()
	props := `[
	  {"displayName":"Options","name":"opts","type":"collection","default":{},
	   "options":[
	     {"displayName":"A","name":"a","type":"string","default":"da","routing":{"send":{"property":"a"}}},
	     {"displayName":"B","name":"b","type":"string","default":"db","routing":{"send":{"property":"b"}}}
	   ]},
	  {"displayName":"Pairs","name":"pairs","type":"fixedCollection","typeOptions":{"multipleValues":true},"default":{},
	   "options":[{"displayName":"Pair","name":"pair","values":[
	     {"displayName":"K","name":"k","type":"string","default":""},
	     {"displayName":"V","name":"v","type":"string","default":"dv",
	      "routing":{"send":{"type":"body","property":"=map.{{$parent.k}}"}}},
	     {"displayName":"Index","name":"i","type":"string","default":"",
	      "routing":{"send":{"type":"body","property":"=idx{{$index}}","value":"={{ $parent.k + ':' + $value }}"}}}
	   ]}]},
	  {"displayName":"Single","name":"single","type":"fixedCollection","default":{},
	   "options":[{"displayName":"Entry","name":"entry","values":[
	     {"displayName":"Name","name":"name","type":"string","default":"n",
	      "routing":{"send":{"type":"body","property":"single","value":"={{ $value + '@' + $index }}"}}}
	   ]}]}
	]`
	cases := []struct {
		name      string
		params    map[string]any
		wantQuery string
		wantBody  string
	}{
		{name: "R5 collection children: only those stored are sent", params: map[string]any{"opts": map[string]any{"b": "vb"}},
			wantQuery: "b=vb"},
		{name: "R5 collection not stored sends nothing", params: map[string]any{}},
		{name: "R5 fixedCollection children with $parent and $index [v]",
			params: map[string]any{"pairs": map[string]any{"pair": []any{
				map[string]any{"k": "a"}, map[string]any{"k": "b", "v": "vb"}}}},
			wantBody: `{"map":{"a":"dv","b":"vb"},"idx0":"a:","idx1":"b:"}`},
		{name: "R5 single-value fixedCollection path name.group.child",
			params:   map[string]any{"single": map[string]any{"entry": map[string]any{"name": "x"}}},
			wantBody: `{"single":"x@0"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, nil)
			nt := description(t, srv.URL, `{"baseURL":"@URL@","method":"POST"}`, props)
			e, _ := newEngine(t)
			mustSucceed(t, e, runtime.Run{Node: nt, Parameters: tc.params})
			got := srv.only(t)
			assert.Equal(t, tc.wantQuery, got.RawQuery)
			if tc.wantBody == "" {
				assert.Empty(t, got.Body)
				return
			}
			assert.JSONEq(t, tc.wantBody, string(got.Body))
		})
	}
}

func TestRoutingRequestKeysAndValue(t *testing.T) {
	t.Parallel()
	alt := newRecorder(t, nil)
	srv := newRecorder(t, nil)
	nt := description(t, srv.URL, `{"baseURL":"http://127.0.0.1:1/unused"}`, `[
	  {"displayName":"Thing","name":"thing","type":"string","default":"",
	   "routing":{"request":{"method":"PATCH","url":"=/things/{{$value}}","baseURL":"@URL@/api",
	     "headers":{"X-Thing":"={{$value}}"},"qs":{"tq":"={{$value}}"},"body":{"tb":"={{$value}}"}}}}
	]`)
	e, _ := newEngine(t)
	mustSucceed(t, e, runtime.Run{Node: nt, Parameters: map[string]any{"thing": "={{ $json.id }}"},
		Items: items(t, `{"id":"t7"}`)})
	got := srv.only(t)
	// R6, R7: $value is the property's value for this item; each request
	// key is resolved with it.
	assert.Equal(t, "PATCH", got.Method)
	assert.Equal(t, "/api/things/t7", got.Path)
	assert.Equal(t, "t7", got.Header.Get("X-Thing"))
	assert.Equal(t, "tq=t7", got.RawQuery)
	assert.JSONEq(t, `{"tb":"t7"}`, string(got.Body))

	t.Run("R7/R12 an absolute property url overrides baseURL", func(t *testing.T) {
		nt := description(t, alt.URL, `{"baseURL":"http://127.0.0.1:1/unused"}`, `[
		  {"displayName":"U","name":"u","type":"string","default":"","routing":{"request":{"url":"@URL@/absolute"}}}]`)
		mustSucceed(t, e, runtime.Run{Node: nt})
		assert.Equal(t, "/absolute", alt.only(t).Path)
	})
}

func TestSend(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		prop      string // one property's JSON
		params    map[string]any
		wantQuery string
		wantBody  string
	}{
		{name: "R8 type body",
			prop:     `{"displayName":"P","name":"p","type":"string","default":"v","routing":{"send":{"type":"body","property":"k"}}}`,
			wantBody: `{"k":"v"}`},
		{name: "R8 type query",
			prop:      `{"displayName":"P","name":"p","type":"string","default":"v","routing":{"send":{"type":"query","property":"k"}}}`,
			wantQuery: "k=v"},
		{name: "R8 missing type means query",
			prop:      `{"displayName":"P","name":"p","type":"string","default":"v","routing":{"send":{"property":"k"}}}`,
			wantQuery: "k=v"},
		{name: "R8 property in dot notation nests",
			prop:     `{"displayName":"P","name":"p","type":"string","default":"v","routing":{"send":{"type":"body","property":"lowerLevel.value3"}}}`,
			wantBody: `{"lowerLevel":{"value3":"v"}}`},
		{name: "R8 property path with an index makes an array",
			prop:     `{"displayName":"P","name":"p","type":"string","default":"v","routing":{"send":{"type":"body","property":"a[0].b"}}}`,
			wantBody: `{"a":[{"b":"v"}]}`},
		{name: "R8 propertyInDotNotation false keeps the name literal",
			prop:     `{"displayName":"P","name":"p","type":"string","default":"v","routing":{"send":{"type":"body","property":"topLevel.value2","propertyInDotNotation":false}}}`,
			wantBody: `{"topLevel.value2":"v"}`},
		{name: "R8 property name is an expression",
			prop:     `{"displayName":"P","name":"p","type":"string","default":"v","routing":{"send":{"type":"body","property":"={{ 'dyn_' + $value }}"}}}`,
			wantBody: `{"dyn_v":"v"}`},
		{name: "R8 truthy send.value replaces the value, with $value",
			prop:     `{"displayName":"P","name":"p","type":"number","default":21,"routing":{"send":{"type":"body","property":"k","value":"={{ $value * 2 }}"}}}`,
			wantBody: `{"k":42}`},
		{name: "R8 literal truthy send.value",
			prop:     `{"displayName":"P","name":"p","type":"string","default":"v","routing":{"send":{"type":"body","property":"k","value":"literal"}}}`,
			wantBody: `{"k":"literal"}`},
		{name: "R8 empty send.value is ignored",
			prop:     `{"displayName":"P","name":"p","type":"string","default":"v","routing":{"send":{"type":"body","property":"k","value":""}}}`,
			wantBody: `{"k":"v"}`},
		{name: "R8 false send.value is ignored",
			prop:     `{"displayName":"P","name":"p","type":"string","default":"v","routing":{"send":{"type":"body","property":"k","value":false}}}`,
			wantBody: `{"k":"v"}`},
		{name: "R8 json parameter parsed by send.value",
			prop:     `{"displayName":"P","name":"p","type":"json","default":"{}","routing":{"send":{"type":"body","property":"attrs","value":"={{ JSON.parse($value) }}"}}}`,
			params:   map[string]any{"p": `{"a":[1,2]}`},
			wantBody: `{"attrs":{"a":[1,2]}}`},
		{name: "R8 send without property sends nothing",
			prop: `{"displayName":"P","name":"p","type":"string","default":"v","routing":{"send":{"type":"body"}}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, nil)
			nt := description(t, srv.URL, `{"baseURL":"@URL@","method":"POST"}`, "["+tc.prop+"]")
			e, _ := newEngine(t)
			mustSucceed(t, e, runtime.Run{Node: nt, Parameters: tc.params})
			got := srv.only(t)
			assert.Equal(t, tc.wantQuery, got.RawQuery)
			if tc.wantBody == "" {
				assert.Empty(t, got.Body)
			} else {
				assert.JSONEq(t, tc.wantBody, string(got.Body))
			}
		})
	}
}

func TestPaginateFirstDefinedWins(t *testing.T) {
	t.Parallel()
	// R8: send.paginate of the first property that defines it wins, even
	// when it is false; pagination here would add page=1 to the query.
	desc := func(first, second string) string {
		return `{"displayName":"T","name":"t","version":1,"requestDefaults":{"baseURL":"@URL@"},
		  "requestOperations":{"pagination":{"type":"generic","properties":{"continue":false,"request":{"qs":{"page":1}}}}},
		  "properties":[
		    {"displayName":"A","name":"a","type":"boolean","default":false,"routing":{"send":{"paginate":` + first + `}}},
		    {"displayName":"B","name":"b","type":"boolean","default":true,"routing":{"send":{"paginate":` + second + `}}}]}`
	}
	cases := []struct {
		name, first, second, want string
	}{
		{"false first wins over true", `false`, `true`, ""},
		{"true first wins over false", `true`, `false`, "page=1"},
		{"expression over $value", `"={{ $value }}"`, `true`, ""},
		{"expression true", `"={{ !$value }}"`, `false`, "page=1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, nil)
			nt := nodeTypeJSON(t, srv.URL, desc(tc.first, tc.second))
			e, _ := newEngine(t)
			mustSucceed(t, e, runtime.Run{Node: nt})
			assert.Equal(t, tc.want, srv.only(t).RawQuery)
		})
	}
}

func TestPreSendHooks(t *testing.T) {
	t.Parallel()
	srv := newRecorder(t, nil)
	nt := description(t, srv.URL, `{"baseURL":"@URL@","method":"POST"}`, `[
	  {"displayName":"A","name":"a","type":"string","default":"va","routing":{"send":{"type":"body","property":"a","preSend":["first"]}}},
	  {"displayName":"B","name":"b","type":"string","default":"vb","routing":{"send":{"type":"body","property":"b","preSend":["second"]}}}
	]`)
	var hooks runtime.Hooks
	calls := map[int][]string{}
	var mu = make(chan struct{}, 1)
	record := func(name string) runtime.PreSendFunc {
		return func(_ context.Context, req *runtime.HookRequest) error {
			mu <- struct{}{}
			calls[req.ItemIndex] = append(calls[req.ItemIndex], name)
			<-mu
			order, _ := req.Headers["X-Order"].(string)
			req.Headers["X-Order"] = strings.TrimPrefix(order+","+name, ",")
			if name == "second" {
				req.Qs["signed"] = req.Body.(map[string]any)["a"]
				req.URL = "/signed"
			}
			return nil
		}
	}
	require.NoError(t, hooks.RegisterPreSend("first", record("first")))
	require.NoError(t, hooks.RegisterPreSend("second", record("second")))
	e, _ := newEngine(t)
	e.Hooks = &hooks
	mustSucceed(t, e, runtime.Run{Node: nt, Items: items(t, `{}`, `{}`)})
	reqs := srv.requests()
	require.Len(t, reqs, 2)
	for _, got := range reqs {
		// R8: queued in property order and run once per item, before the request.
		assert.Equal(t, "first,second", got.Header.Get("X-Order"))
		assert.Equal(t, "/signed", got.Path)
		assert.Equal(t, "signed=va", got.RawQuery)
		assert.JSONEq(t, `{"a":"va","b":"vb"}`, string(got.Body))
	}
	assert.Equal(t, map[int][]string{0: {"first", "second"}, 1: {"first", "second"}}, calls)

	t.Run("R13 body and query order survive a hook", func(t *testing.T) {
		srv := newRecorder(t, nil)
		nt := description(t, srv.URL, `{"baseURL":"@URL@","method":"POST","qs":{"z":"1"}}`, `[
		  {"displayName":"Y","name":"y","type":"string","default":"y","routing":{"send":{"property":"y"}}},
		  {"displayName":"B","name":"b","type":"string","default":"b","routing":{"send":{"type":"body","property":"b","preSend":["touch"]}}},
		  {"displayName":"A","name":"a","type":"string","default":"a","routing":{"send":{"type":"body","property":"a"}}}]`)
		var hooks runtime.Hooks
		require.NoError(t, hooks.RegisterPreSend("touch", func(_ context.Context, req *runtime.HookRequest) error {
			req.Qs["added"] = "1"
			return nil
		}))
		e, _ := newEngine(t)
		e.Hooks = &hooks
		mustSucceed(t, e, runtime.Run{Node: nt})
		got := srv.only(t)
		assert.Equal(t, "z=1&y=y&added=1", got.RawQuery)
		assert.Equal(t, `{"b":"b","a":"a"}`, string(got.Body))
	})
	t.Run("F3 a failing or missing hook fails its item", func(t *testing.T) {
		var hooks runtime.Hooks
		require.NoError(t, hooks.RegisterPreSend("first", func(context.Context, *runtime.HookRequest) error {
			return errors.New("signing key missing")
		}))
		e, _ := newEngine(t)
		e.Hooks = &hooks
		res := execute(t, e, runtime.Run{Node: nt})
		require.NotNil(t, res.Err)
		assert.Equal(t, runtime.NameNodeOperationError, res.Err.Name)
		assert.Equal(t, "signing key missing", res.Err.Message)

		e2, _ := newEngine(t)
		res = execute(t, e2, runtime.Run{Node: nt})
		require.NotNil(t, res.Err)
		assert.Contains(t, res.Err.Message, `preSend hook "first" is not registered`)
	})
}

func TestMaxResultsAndPostReceiveEnabled(t *testing.T) {
	t.Parallel()
	ten := make([]any, 10)
	for i := range ten {
		ten[i] = map[string]any{"n": float64(i)}
	}
	cases := []struct {
		name   string
		props  string
		params map[string]any
		want   int
	}{
		{name: "R9 last truthy maxResults wins", want: 2, props: `[
		  {"displayName":"A","name":"a","type":"number","default":5,"routing":{"output":{"maxResults":"={{$value}}"}}},
		  {"displayName":"B","name":"b","type":"number","default":0,"routing":{"output":{"maxResults":"={{$value}}"}}},
		  {"displayName":"C","name":"c","type":"number","default":2,"routing":{"output":{"maxResults":"={{$value}}"}}}]`},
		{name: "R9 a later falsy maxResults does not reset it", want: 5, props: `[
		  {"displayName":"A","name":"a","type":"number","default":5,"routing":{"output":{"maxResults":"={{$value}}"}}},
		  {"displayName":"B","name":"b","type":"number","default":0,"routing":{"output":{"maxResults":"={{$value}}"}}}]`},
		{name: "R9 literal maxResults", want: 3, props: `[
		  {"displayName":"A","name":"a","type":"string","default":"","routing":{"output":{"maxResults":3}}}]`},
		{name: "R9 postReceive enabled false is dropped", want: 10, props: `[
		  {"displayName":"A","name":"a","type":"string","default":"","routing":{"output":{"postReceive":[
		     {"type":"limit","enabled":false,"properties":{"maxResults":1}},
		     {"type":"rootProperty","properties":{"property":"list"}}]}}}]`},
		{name: "R9 postReceive enabled expression true", want: 4, params: map[string]any{"a": "on"}, props: `[
		  {"displayName":"A","name":"a","type":"string","default":"","routing":{"output":{"postReceive":[
		     {"type":"rootProperty","properties":{"property":"list"}},
		     {"type":"limit","enabled":"={{ $value === 'on' }}","properties":{"maxResults":4}}]}}}]`},
		{name: "R9 postReceive enabled expression false", want: 10, params: map[string]any{"a": "off"}, props: `[
		  {"displayName":"A","name":"a","type":"string","default":"","routing":{"output":{"postReceive":[
		     {"type":"rootProperty","properties":{"property":"list"}},
		     {"type":"limit","enabled":"={{ $value === 'on' }}","properties":{"maxResults":4}}]}}}]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, func(w http.ResponseWriter, _ *http.Request, _ captured) {
				if strings.Contains(tc.props, "rootProperty") {
					writeJSON(w, 200, map[string]any{"list": ten})
					return
				}
				writeJSON(w, 200, ten)
			})
			nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, tc.props)
			e, _ := newEngine(t)
			res := mustSucceed(t, e, runtime.Run{Node: nt, Parameters: tc.params})
			require.Len(t, res.Items, tc.want)
			assert.Equal(t, ten[:tc.want], jsons(res.Items))
		})
	}
}

func TestEmptyValuesAreSent(t *testing.T) {
	t.Parallel()
	// R10 [v]: '', 0, false and null are sent; undefined is dropped; a
	// null in the query becomes "key=".
	srv := newRecorder(t, nil)
	nt := description(t, srv.URL, `{"baseURL":"@URL@","method":"POST"}`, `[
	  {"displayName":"Name","name":"name","type":"string","default":"","routing":{"send":{"type":"body","property":"name"}}},
	  {"displayName":"Email","name":"email","type":"string","default":"","routing":{"send":{"type":"body","property":"email"}}},
	  {"displayName":"N","name":"n","type":"number","default":0,"routing":{"send":{"type":"body","property":"n"}}},
	  {"displayName":"F","name":"f","type":"boolean","default":false,"routing":{"send":{"type":"body","property":"f"}}},
	  {"displayName":"Null","name":"nl","type":"string","default":"","routing":{"send":{"type":"body","property":"nl","value":"={{ null }}"}}},
	  {"displayName":"Undef","name":"u","type":"string","default":"","routing":{"send":{"type":"body","property":"u","value":"={{ undefined }}"}}},
	  {"displayName":"QNull","name":"qn","type":"string","default":"","routing":{"send":{"property":"qn","value":"={{ null }}"}}},
	  {"displayName":"QUndef","name":"qu","type":"string","default":"","routing":{"send":{"property":"qu","value":"={{ undefined }}"}}},
	  {"displayName":"QEmpty","name":"qe","type":"string","default":"","routing":{"send":{"property":"qe"}}}
	]`)
	e, _ := newEngine(t)
	mustSucceed(t, e, runtime.Run{Node: nt, Parameters: map[string]any{"name": "Bob"}})
	got := srv.only(t)
	assert.Equal(t, `{"name":"Bob","email":"","n":0,"f":false,"nl":null}`, string(got.Body), "body keys in property order")
	assert.Equal(t, "qn=&qe=", got.RawQuery)
}

func TestBodyAndMethod(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		defaults    string
		props       string
		wantMethod  string
		wantBody    string // exact bytes; "" means none
		wantCT      string
		wantLength0 bool
	}{
		{name: "R11 no method means GET", defaults: `{"baseURL":"@URL@"}`, props: `[]`, wantMethod: "GET"},
		{name: "R11 no method, non-empty body is sent on the GET [v]", defaults: `{"baseURL":"@URL@"}`,
			props:      `[{"displayName":"S","name":"s","type":"string","default":"x","routing":{"send":{"type":"body","property":"s"}}},{"displayName":"N","name":"num","type":"number","default":0,"routing":{"send":{"type":"body","property":"num"}}}]`,
			wantMethod: "GET", wantBody: `{"s":"x","num":0}`, wantCT: "application/json"},
		{name: "R11 explicit GET drops the body", defaults: `{"baseURL":"@URL@","method":"GET"}`,
			props:      `[{"displayName":"S","name":"s","type":"string","default":"x","routing":{"send":{"type":"body","property":"s"}}}]`,
			wantMethod: "GET"},
		{name: "R11 lower-case explicit get drops the body too", defaults: `{"baseURL":"@URL@","method":"get"}`,
			props:      `[{"displayName":"S","name":"s","type":"string","default":"x","routing":{"send":{"type":"body","property":"s"}}}]`,
			wantMethod: "GET"},
		{name: "R11 {} is never sent, POST gets content-length 0 and no content-type [v]", defaults: `{"baseURL":"@URL@","method":"POST"}`,
			props: `[]`, wantMethod: "POST", wantLength0: true},
		{name: "R11 a body of only undefined values is sent as {} [v]", defaults: `{"baseURL":"@URL@","method":"POST"}`,
			props:      `[{"displayName":"U","name":"u","type":"string","default":"","routing":{"send":{"type":"body","property":"u","value":"={{ undefined }}"}}}]`,
			wantMethod: "POST", wantBody: `{}`, wantCT: "application/json"},
		{name: "R11 an empty array body is not sent", defaults: `{"baseURL":"@URL@","method":"POST","body":[]}`,
			props: `[]`, wantMethod: "POST", wantLength0: true},
		{name: "R11 a number body is not sent", defaults: `{"baseURL":"@URL@","method":"POST","body":"={{ 0 }}"}`,
			props: `[]`, wantMethod: "POST", wantLength0: true},
		{name: "R11 an array body is sent as JSON", defaults: `{"baseURL":"@URL@","method":"POST","body":[1,"x"]}`,
			props: `[]`, wantMethod: "POST", wantBody: `[1,"x"]`, wantCT: "application/json"},
		{name: "R11 a string body is sent as it is", defaults: `{"baseURL":"@URL@","method":"POST","body":"raw text"}`,
			props: `[]`, wantMethod: "POST", wantBody: `raw text`},
		{name: "R11 form content type encodes the body as a form", defaults: `{"baseURL":"@URL@","method":"POST","headers":{"Content-Type":"application/x-www-form-urlencoded"}}`,
			props:      `[{"displayName":"A","name":"a","type":"string","default":"x y","routing":{"send":{"type":"body","property":"a"}}},{"displayName":"B","name":"b","type":"number","default":1,"routing":{"send":{"type":"body","property":"b"}}}]`,
			wantMethod: "POST", wantBody: `a=x%20y&b=1`, wantCT: "application/x-www-form-urlencoded"},
		{name: "R11 a node content type is kept for a JSON body", defaults: `{"baseURL":"@URL@","method":"PUT","headers":{"Content-Type":"application/vnd.api+json"}}`,
			props:      `[{"displayName":"A","name":"a","type":"string","default":"x","routing":{"send":{"type":"body","property":"a"}}}]`,
			wantMethod: "PUT", wantBody: `{"a":"x"}`, wantCT: "application/vnd.api+json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, nil)
			nt := description(t, srv.URL, tc.defaults, tc.props)
			e, _ := newEngine(t)
			mustSucceed(t, e, runtime.Run{Node: nt})
			got := srv.only(t)
			assert.Equal(t, tc.wantMethod, got.Method)
			assert.Equal(t, tc.wantBody, string(got.Body))
			assert.Equal(t, tc.wantCT, got.Header.Get("Content-Type"))
			if tc.wantLength0 {
				assert.Equal(t, []string{"0"}, got.Header.Values("Content-Length"))
			}
		})
	}
}

func TestURLJoining(t *testing.T) {
	t.Parallel()
	srv := newRecorder(t, nil)
	cases := []struct {
		name, base, url string
		wantPath        string
		wantQuery       string
		wantErr         string
	}{
		{name: "R12 trailing and leading slash joined once [v]", base: "@URL@/v1/", url: "/echo", wantPath: "/v1/echo"},
		{name: "R12 no slash on either side [v]", base: "@URL@/v1", url: "echo?x=1", wantPath: "/v1/echo", wantQuery: "x=1"},
		{name: "R12 no url means baseURL alone [v]", base: "@URL@/v1", url: "", wantPath: "/v1"},
		{name: "R12 absolute url ignores baseURL", base: "http://127.0.0.1:1/nowhere", url: "@URL@/abs", wantPath: "/abs"},
		{name: "R12 empty baseURL with a relative url fails [v]", base: "", url: "/echo", wantErr: "Invalid URL"},
		{name: "R12 http: without // is rejected", base: "", url: "http:example.com/x", wantErr: "Invalid URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			defaults := map[string]any{}
			if tc.base != "" {
				defaults["baseURL"] = tc.base
			}
			props, params := `[]`, map[string]any(nil)
			if tc.url != "" {
				props = `[{"displayName":"U","name":"u","type":"string","default":"","routing":{"request":{"url":"` + tc.url + `"}}}]`
				params = map[string]any{"u": "x"}
			}
			nt := description(t, srv.URL, mustJSON(t, defaults), props)
			e, _ := newEngine(t)
			res := execute(t, e, runtime.Run{Node: nt, Parameters: params})
			if tc.wantErr != "" {
				require.NotNil(t, res.Err)
				assert.Equal(t, tc.wantErr, res.Err.Message)
				assert.Equal(t, runtime.NameNodeOperationError, res.Err.Name)
				assert.Equal(t, 0, res.Err.ItemIndex)
				return
			}
			require.Nil(t, res.Err)
			var got captured
			for _, r := range srv.requests() {
				if r.Path == tc.wantPath {
					got = r
				}
			}
			require.Equal(t, tc.wantPath, got.Path, "a request reached %s", tc.wantPath)
			assert.Equal(t, tc.wantQuery, got.RawQuery)
		})
	}
}

func TestQuerySerialisation(t *testing.T) {
	t.Parallel()
	props := `[
	  {"displayName":"B","name":"b","type":"string","default":"x y","routing":{"send":{"property":"b"}}},
	  {"displayName":"A","name":"a","type":"string","default":"&=/+:,$é","routing":{"send":{"property":"a"}}},
	  {"displayName":"Arr","name":"arr","type":"string","default":"","routing":{"send":{"property":"arr","value":"={{ [1, 'x'] }}"}}},
	  {"displayName":"Obj","name":"obj","type":"string","default":"","routing":{"send":{"property":"obj","value":"={{ { k: { z: 1 } } }}"}}},
	  {"displayName":"Bool","name":"bool","type":"boolean","default":false,"routing":{"send":{"property":"bool"}}},
	  {"displayName":"Num","name":"num","type":"number","default":0,"routing":{"send":{"property":"num"}}},
	  {"displayName":"Null","name":"n","type":"string","default":"","routing":{"send":{"property":"n","value":"={{ null }}"}}},
	  {"displayName":"Undef","name":"u","type":"string","default":"","routing":{"send":{"property":"u","value":"={{ undefined }}"}}},
	  {"displayName":"Empty","name":"e","type":"string","default":"","routing":{"send":{"property":"e"}}}
	]`
	// Expected strings were produced by qs 6.15 (n8n's serialiser):
	// qs.stringify(params, {arrayFormat}).
	cases := []struct {
		name, format, want string
	}{
		{"R13 indices (default), defaults first, then property order [v]", "",
			"z=first&b=x%20y&a=%26%3D%2F%2B%3A%2C%24%C3%A9&arr%5B0%5D=1&arr%5B1%5D=x&obj%5Bk%5D%5Bz%5D=1&bool=false&num=0&n=&e="},
		{"R13 brackets", "brackets",
			"z=first&b=x%20y&a=%26%3D%2F%2B%3A%2C%24%C3%A9&arr%5B%5D=1&arr%5B%5D=x&obj%5Bk%5D%5Bz%5D=1&bool=false&num=0&n=&e="},
		{"R13 repeat", "repeat",
			"z=first&b=x%20y&a=%26%3D%2F%2B%3A%2C%24%C3%A9&arr=1&arr=x&obj%5Bk%5D%5Bz%5D=1&bool=false&num=0&n=&e="},
		{"R13 comma", "comma",
			"z=first&b=x%20y&a=%26%3D%2F%2B%3A%2C%24%C3%A9&arr=1%2Cx&obj%5Bk%5D%5Bz%5D=1&bool=false&num=0&n=&e="},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, nil)
			defaults := `{"baseURL":"@URL@","qs":{"z":"first"}`
			if tc.format != "" {
				defaults += `,"arrayFormat":"` + tc.format + `"`
			}
			nt := description(t, srv.URL, defaults+"}", props)
			e, _ := newEngine(t)
			mustSucceed(t, e, runtime.Run{Node: nt})
			assert.Equal(t, tc.want, srv.only(t).RawQuery)
		})
	}
	t.Run("R13 arrays with null and undefined elements", func(t *testing.T) {
		t.Parallel()
		for format, want := range map[string]string{
			"":      "arr%5B0%5D=1&arr%5B1%5D=&arr%5B3%5D=x",
			"comma": "arr=1%2C%2C%2Cx",
		} {
			srv := newRecorder(t, nil)
			defaults := `{"baseURL":"@URL@"`
			if format != "" {
				defaults += `,"arrayFormat":"` + format + `"`
			}
			nt := description(t, srv.URL, defaults+"}", `[{"displayName":"Arr","name":"arr","type":"string","default":"",
			  "routing":{"send":{"property":"arr","value":"={{ [1, null, undefined, 'x'] }}"}}}]`)
			e, _ := newEngine(t)
			mustSucceed(t, e, runtime.Run{Node: nt})
			assert.Equal(t, want, srv.only(t).RawQuery, "format %q", format)
		}
	})
	t.Run("R13 an empty query adds no ?", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, nil)
		nt := description(t, srv.URL, `{"baseURL":"@URL@/p"}`, `[]`)
		e, _ := newEngine(t)
		mustSucceed(t, e, runtime.Run{Node: nt})
		assert.Equal(t, "/p", srv.only(t).RequestURI)
	})
}

func TestHeaders(t *testing.T) {
	t.Parallel()
	srv := newRecorder(t, nil)
	nt := description(t, srv.URL, `{"baseURL":"@URL@","method":"GET","headers":{"Content-Type":"application/json",
	    "X-Zero":"={{ 0 }}","X-True":"={{ true }}","X-List":"={{ [1, 2] }}",
	    "X-Null":"={{ null }}","X-False":"={{ false }}","X-Undef":"={{ undefined }}","X-Empty":""}}`,
		`[{"displayName":"S","name":"s","type":"string","default":"x","routing":{"send":{"type":"body","property":"s"}}}]`)
	e, _ := newEngine(t)
	mustSucceed(t, e, runtime.Run{Node: nt})
	got := srv.only(t)
	t.Run("R14 values are stringified [v]", func(t *testing.T) {
		assert.Equal(t, []string{"0"}, got.Header.Values("X-Zero"))
		assert.Equal(t, []string{"true"}, got.Header.Values("X-True"))
		assert.Equal(t, []string{"1, 2"}, got.Header.Values("X-List"))
		assert.Equal(t, []string{""}, got.Header.Values("X-Empty"))
	})
	t.Run("R14 undefined, null and false are not sent [v]", func(t *testing.T) {
		for _, h := range []string{"X-Null", "X-False", "X-Undef"} {
			assert.NotContains(t, got.Header, h)
		}
	})
	t.Run("R14 Content-Type kept on a body-less GET [v]", func(t *testing.T) {
		assert.Empty(t, got.Body)
		assert.Equal(t, "application/json", got.Header.Get("Content-Type"))
	})
	t.Run("R14 default Accept; noderun's User-Agent", func(t *testing.T) {
		assert.Equal(t, "application/json, text/plain, */*", got.Header.Get("Accept"))
		assert.Equal(t, "noderun", got.Header.Get("User-Agent"))
	})
	t.Run("R14 json:true sets Accept only when absent; a node User-Agent wins", func(t *testing.T) {
		srv := newRecorder(t, nil)
		nt := description(t, srv.URL, `{"baseURL":"@URL@","json":true,"headers":{"User-Agent":"mine"}}`, `[
		  {"displayName":"A","name":"accept","type":"string","default":"","routing":{"request":{"headers":{"accept":"={{ $value || undefined }}"}}}}]`)
		e, _ := newEngine(t)
		mustSucceed(t, e, runtime.Run{Node: nt})
		mustSucceed(t, e, runtime.Run{Node: nt, Parameters: map[string]any{"accept": "text/csv"}})
		reqs := srv.requests()
		require.Len(t, reqs, 2)
		assert.Equal(t, []string{"application/json"}, reqs[0].Header.Values("Accept"))
		assert.Equal(t, []string{"text/csv"}, reqs[1].Header.Values("Accept"))
		assert.Equal(t, "mine", reqs[0].Header.Get("User-Agent"))
	})
}

func TestCollectionChildVisibilityUsesRootParameters(t *testing.T) {
	t.Parallel()
	// R15 [v]: inside the engine a collection child's displayOptions are
	// tested against the root parameters, so a sibling key never matches;
	// only "/"-prefixed keys work.
	srv := newRecorder(t, nil)
	nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, `[
	  {"displayName":"Resource","name":"resource","type":"options","default":"r","options":[{"name":"R","value":"r"}]},
	  {"displayName":"Options","name":"opts","type":"collection","default":{},"options":[
	    {"displayName":"Mode","name":"mode","type":"string","default":""},
	    {"displayName":"Sibling","name":"sibling","type":"string","default":"",
	     "displayOptions":{"show":{"mode":["x"]}},"routing":{"send":{"property":"sibling"}}},
	    {"displayName":"Rooted","name":"rooted","type":"string","default":"",
	     "displayOptions":{"show":{"/resource":["r"]}},"routing":{"send":{"property":"rooted"}}}
	  ]}
	]`)
	e, _ := newEngine(t)
	mustSucceed(t, e, runtime.Run{Node: nt, Parameters: map[string]any{
		"opts": map[string]any{"mode": "x", "sibling": "s", "rooted": "r"}}})
	assert.Equal(t, "rooted=r", srv.only(t).RawQuery)
}

func TestTopLevelExpressionsAreEvaluated(t *testing.T) {
	t.Parallel()
	// R16: a visible top-level value is evaluated for every item even
	// without routing; its failure fails that item (F3).
	srv := newRecorder(t, nil)
	nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, `[
	  {"displayName":"Mode","name":"mode","type":"string","default":"a"},
	  {"displayName":"Unused","name":"unused","type":"string","default":""},
	  {"displayName":"Hidden","name":"hiddenOne","type":"string","default":"","displayOptions":{"show":{"mode":["b"]}}}
	]`)
	params := map[string]any{"unused": `={{ $json.n.toNumber() }}`, "hiddenOne": `={{ $json.boom.boom }}`}
	e, _ := newEngine(t)
	res := execute(t, e, runtime.Run{Node: nt, Parameters: params, InputCheck: runtime.CheckWorkflow,
		Items: items(t, `{"n":"1"}`, `{"n":"x"}`), Settings: node.Settings{OnError: node.OnErrorContinueRegularOutput}})
	require.Nil(t, res.Err)
	require.Len(t, res.Items, 2)
	assert.Equal(t, jsonOf(t, `{"id":1}`), res.Items[0].JSON)
	require.NotNil(t, res.Items[1].Error)
	assert.Equal(t, runtime.NameNodeOperationError, res.Items[1].Error.Name)
	assert.Equal(t, "unused", res.Items[1].Error.Parameter)
	assert.Contains(t, res.Items[1].Error.Message, "cannot convert to number")
	assert.Len(t, srv.requests(), 1, "the failed item sends nothing; the hidden parameter is never evaluated")
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestParameterReferences(t *testing.T) {
	t.Parallel()
	// $parameter of a parameter resolves it for the item; a parameter that
	// reaches itself fails the item, naming the parameter, and the next
	// item resolves afresh.
	srv := newRecorder(t, nil)
	nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, `[
	  {"displayName":"A","name":"a","type":"string","default":"","routing":{"send":{"type":"query","property":"a"}}},
	  {"displayName":"B","name":"b","type":"string","default":""}
	]`)
	e, _ := newEngine(t)
	// Time limits are not under test: under -race on a busy machine a
	// nested evaluation may wait past the default second.
	e.Expressions.Timeout = time.Minute
	params := map[string]any{"a": `={{ $json.loop ? $parameter.b : "a-" + $parameter.b }}`, "b": `={{ $json.loop ? $parameter.a : $json.n }}`}
	res := execute(t, e, runtime.Run{Node: nt, Parameters: params, InputCheck: runtime.CheckWorkflow,
		Items:    items(t, `{"n":"1"}`, `{"loop":true}`, `{"n":"3"}`),
		Settings: node.Settings{OnError: node.OnErrorContinueRegularOutput}})
	require.Nil(t, res.Err)
	require.Len(t, res.Items, 3)
	for i, it := range res.Items {
		if i != 1 {
			require.Nil(t, it.Error, "item %d", i)
		}
	}
	require.NotNil(t, res.Items[1].Error)
	assert.Contains(t, res.Items[1].Error.Message+" "+res.Items[1].Error.Description, "refers to itself")
	var queries []string
	for _, r := range srv.requests() {
		queries = append(queries, r.RawQuery)
	}
	assert.ElementsMatch(t, []string{"a=a-1", "a=a-3"}, queries)
}
