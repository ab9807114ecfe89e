package runtime_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// Output, reference §7 (O1-O10).

// rawResponse answers with a fixed status, content type and body.
func rawResponse(status int, contentType, body string) handlerFunc {
	return func(w http.ResponseWriter, _ *http.Request, _ captured) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

func TestResponseParsingAndSplitting(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name              string
		status            int
		contentType, body string
		want              []any
	}{
		{"O1 JSON parsed whatever the content type [v]", 200, "text/plain", `{"a":1}`, []any{map[string]any{"a": 1.0}}},
		{"O1 non-JSON text stays a string [v]", 200, "text/plain", `hello text`, []any{"hello text"}},
		{"O1 empty 200 body is '' [v]", 200, "", ``, []any{""}},
		{"O1 204 is ''", 204, "", ``, []any{""}},
		{"O2 an array splits, primitives and null included [v]", 200, "application/json", `[{"id":1},{"id":2},3,null]`,
			[]any{map[string]any{"id": 1.0}, map[string]any{"id": 2.0}, 3.0, nil}},
		{"O2 a number is one item as it is [v]", 200, "application/json", `42`, []any{42.0}},
		{"O2 null is one item [v]", 200, "application/json", `null`, []any{nil}},
		{"O3 an empty array contributes nothing", 200, "application/json", `[]`, []any{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, rawResponse(tc.status, tc.contentType, tc.body))
			nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, `[]`)
			e, _ := newEngine(t)
			res := mustSucceed(t, e, runtime.Run{Node: nt})
			assert.Equal(t, tc.want, jsons(res.Items))
			for _, p := range pairedIndexes(res.Items) {
				assert.Equal(t, 0, p)
			}
		})
	}
}

func TestOutputOrderAndAlwaysOutputData(t *testing.T) {
	t.Parallel()
	// Item i gets i elements: item 0 an empty array.
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
		n := queryIndex(r)
		list := make([]any, n)
		for k := range list {
			list[k] = map[string]any{"item": n, "k": k}
		}
		writeJSON(w, 200, list)
	})
	nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, indexedProps)
	e, _ := newEngine(t)
	t.Run("O3 concatenated in input order; O10 every item paired", func(t *testing.T) {
		res := mustSucceed(t, e, runtime.Run{Node: nt, Items: items(t, `{}`, `{}`, `{}`)})
		assert.Equal(t, []any{
			map[string]any{"item": 1.0, "k": 0.0},
			map[string]any{"item": 2.0, "k": 0.0}, map[string]any{"item": 2.0, "k": 1.0},
		}, jsons(res.Items))
		// noderun pairs every output item with its input item; n8n leaves
		// multi-input array splits unpaired (O10).
		assert.Equal(t, []int{1, 2, 2}, pairedIndexes(res.Items))
	})
	t.Run("O3 nothing at all gives no items", func(t *testing.T) {
		res := mustSucceed(t, e, runtime.Run{Node: nt, Items: items(t, `{}`)})
		assert.Empty(t, res.Items)
	})
	t.Run("O3 alwaysOutputData gives one empty item", func(t *testing.T) {
		res := mustSucceed(t, e, runtime.Run{Node: nt, Items: items(t, `{}`), Settings: node.Settings{AlwaysOutputData: true}})
		require.Len(t, res.Items, 1)
		assert.Equal(t, map[string]any{}, res.Items[0].JSON)
		assert.Equal(t, 0, res.Items[0].PairedItem.Item)
	})
}

func TestPostReceiveActions(t *testing.T) {
	t.Parallel()
	const body = `{"total":2,"data":[{"name":"b","id":2},{"name":"A","id":1},{"name":"a","id":3},{"id":4}]}`
	cases := []struct {
		name    string
		actions string // postReceive JSON array on a property with value "v"
		want    string // JSON array of the output jsons
	}{
		{"O4 rootProperty splits an array", `[{"type":"rootProperty","properties":{"property":"data"}}]`,
			`[{"name":"b","id":2},{"name":"A","id":1},{"name":"a","id":3},{"id":4}]`},
		{"O4 rootProperty of a scalar [v]", `[{"type":"rootProperty","properties":{"property":"total"}}]`, `[2]`},
		{"O4 rootProperty of a missing path gives one empty item [v]", `[{"type":"rootProperty","properties":{"property":"nope.deeper"}}]`, `[null]`},
		{"O4 set with $response [v]", `[{"type":"set","properties":{"value":"={{ {\"count\": $response.body.total, \"status\": $response.statusCode} }}"}}]`,
			`[{"count":2,"status":200}]`},
		{"O4 set with $value", `[{"type":"set","properties":{"value":"={{ {\"value\": $value} }}"}}]`, `[{"value":"v"}]`},
		{"O4 filter with $responseItem", `[{"type":"rootProperty","properties":{"property":"data"}},
		   {"type":"filter","properties":{"pass":"={{ $responseItem.id > 1 && $value === 'v' }}"}}]`,
			`[{"name":"b","id":2},{"name":"a","id":3},{"id":4}]`},
		{"O4 limit", `[{"type":"rootProperty","properties":{"property":"data"}},{"type":"limit","properties":{"maxResults":"={{ '2' }}"}}]`,
			`[{"name":"b","id":2},{"name":"A","id":1}]`},
		{"O4 sort, case-insensitive and stable, missing key first [v]", `[{"type":"rootProperty","properties":{"property":"data"}},{"type":"sort","properties":{"key":"name"}}]`,
			`[{"id":4},{"name":"A","id":1},{"name":"a","id":3},{"name":"b","id":2}]`},
		{"O4 setKeyValue", `[{"type":"rootProperty","properties":{"property":"data"}},{"type":"limit","properties":{"maxResults":2}},
		   {"type":"setKeyValue","properties":{"ident":"={{ $responseItem.id }}","label":"={{ $responseItem.name + '!' }}","status":"={{ $response.statusCode }}"}}]`,
			`[{"ident":2,"label":"b!","status":200},{"ident":1,"label":"A!","status":200}]`},
		{"O4 an array body is not split before the actions", `[{"type":"limit","properties":{"maxResults":1}}]`,
			`[{"total":2,"data":[{"name":"b","id":2},{"name":"A","id":1},{"name":"a","id":3},{"id":4}]}]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, rawResponse(200, "application/json", body))
			nt := description(t, srv.URL, `{"baseURL":"@URL@"}`,
				`[{"displayName":"P","name":"p","type":"string","default":"v","routing":{"output":{"postReceive":`+tc.actions+`}}}]`)
			e, _ := newEngine(t)
			res := mustSucceed(t, e, runtime.Run{Node: nt})
			assert.JSONEq(t, tc.want, mustJSON(t, jsons(res.Items)))
		})
	}
	t.Run("O4 actions of several properties run in property order", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, rawResponse(200, "application/json", body))
		nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, `[
		  {"displayName":"A","name":"a","type":"string","default":"","routing":{"output":{"postReceive":[{"type":"rootProperty","properties":{"property":"data"}}]}}},
		  {"displayName":"B","name":"b","type":"number","default":1,"routing":{"output":{"postReceive":[{"type":"limit","properties":{"maxResults":"={{ $value }}"}}]}}}]`)
		e, _ := newEngine(t)
		res := mustSucceed(t, e, runtime.Run{Node: nt})
		assert.JSONEq(t, `[{"name":"b","id":2}]`, mustJSON(t, jsons(res.Items)))
	})
}

func TestPostReceiveBinaryDataAndHook(t *testing.T) {
	t.Parallel()
	png := []byte("\x89PNG\r\n\x1a\nfake")
	srv := newRecorder(t, func(w http.ResponseWriter, _ *http.Request, _ captured) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(png)
	})
	t.Run("O4 binaryData stores the raw body", func(t *testing.T) {
		t.Parallel()
		nt := description(t, srv.URL, `{"baseURL":"@URL@","encoding":"arraybuffer"}`, `[
		  {"displayName":"Field","name":"field","type":"string","default":"file",
		   "routing":{"output":{"postReceive":[{"type":"binaryData","properties":{"destinationProperty":"={{ $value }}"}}]}}}]`)
		e, _ := newEngine(t)
		res := mustSucceed(t, e, runtime.Run{Node: nt})
		require.Len(t, res.Items, 1)
		it := res.Items[0]
		assert.Equal(t, map[string]any{}, it.JSON, "the raw body does not stay in json")
		require.Contains(t, it.Binary, "file")
		bin := it.Binary["file"]
		assert.Equal(t, base64.StdEncoding.EncodeToString(png), bin.Data)
		assert.Equal(t, "image/png", bin.MimeType)
		assert.Equal(t, "png", bin.FileExtension)
		assert.Equal(t, "image", bin.FileType)
		assert.Equal(t, strconv.Itoa(len(png))+" B", bin.FileSize)
	})
	t.Run("O4 a postReceive hook gets the items and the full response", func(t *testing.T) {
		t.Parallel()
		api := newRecorder(t, func(w http.ResponseWriter, _ *http.Request, _ captured) {
			w.Header().Set("X-Total", "7")
			writeJSON(w, 200, []any{1, 2})
		})
		var hooks runtime.Hooks
		require.NoError(t, hooks.RegisterPostReceive("wrap", func(_ context.Context, in []node.Item, resp *runtime.HookResponse) ([]node.Item, error) {
			return []node.Item{{JSON: map[string]any{
				"items": len(in), "status": resp.StatusCode, "total": resp.Headers["x-total"], "body": resp.Body}}}, nil
		}))
		nt := description(t, api.URL, `{"baseURL":"@URL@"}`, `[
		  {"displayName":"P","name":"p","type":"string","default":"","routing":{"output":{"postReceive":["wrap"]}}}]`)
		e, _ := newEngine(t)
		e.Hooks = &hooks
		res := mustSucceed(t, e, runtime.Run{Node: nt})
		assert.JSONEq(t, `[{"items":1,"status":200,"total":"7","body":[1,2]}]`, mustJSON(t, jsons(res.Items)))
	})
}

func TestMaxResultsPerItem(t *testing.T) {
	t.Parallel()
	// O5, O6: output.maxResults cuts each input item's results separately.
	srv := newRecorder(t, rawResponse(200, "application/json", `[1,2,3,4,5]`))
	nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, `[
	  {"displayName":"Limit","name":"limit","type":"number","default":0,"routing":{"output":{"maxResults":"={{ $value }}"}}}]`)
	e, _ := newEngine(t)
	res := mustSucceed(t, e, runtime.Run{Node: nt, Parameters: map[string]any{"limit": "={{ $json.n }}"},
		Items: items(t, `{"n":2}`, `{"n":1}`, `{"n":0}`)})
	assert.Equal(t, []any{1.0, 2.0, 1.0, 1.0, 2.0, 3.0, 4.0, 5.0}, jsons(res.Items))
	assert.Equal(t, []int{0, 0, 1, 2, 2, 2, 2, 2}, pairedIndexes(res.Items))
}

// pagedServer serves n records {"id":k} with limit/offset from the query
// (or the JSON body), wrapped as {"data":[...]} when wrap is set.
func pagedServer(t testing.TB, n int, wrap bool) *recorder {
	return newRecorder(t, func(w http.ResponseWriter, r *http.Request, c captured) {
		q := r.URL.Query()
		limit, _ := strconv.Atoi(q.Get("limit"))
		offset, _ := strconv.Atoi(q.Get("offset"))
		if b, ok := c.JSON(t).(map[string]any); ok {
			if l, ok := b["limit"].(float64); ok {
				limit, offset = int(l), int(b["offset"].(float64))
			}
		}
		var page []any
		for k := offset; k < min(offset+limit, n); k++ {
			page = append(page, map[string]any{"id": k})
		}
		if page == nil {
			page = []any{}
		}
		if wrap {
			writeJSON(w, 200, map[string]any{"data": page})
			return
		}
		writeJSON(w, 200, page)
	})
}

func offsetNode(t testing.TB, url, pagination, extraProps string) *runtime.NodeType {
	return nodeTypeJSON(t, url, `{"displayName":"T","name":"t","version":1,"requestDefaults":{"baseURL":"@URL@"},
	  "properties":[
	    {"displayName":"Return All","name":"returnAll","type":"boolean","default":true,
	     "routing":{"send":{"paginate":"={{ $value }}"},"operations":{"pagination":`+pagination+`}}}`+extraProps+`]}`)
}

func TestOffsetPagination(t *testing.T) {
	t.Parallel()
	t.Run("O8 7 records, page size 3: 3 requests, 7 items [v]", func(t *testing.T) {
		t.Parallel()
		srv := pagedServer(t, 7, true)
		nt := offsetNode(t, srv.URL, `{"type":"offset","properties":{"limitParameter":"limit","offsetParameter":"offset","pageSize":3,"rootProperty":"data","type":"query"}}`, "")
		e, _ := newEngine(t)
		res := mustSucceed(t, e, runtime.Run{Node: nt})
		var queries []string
		for _, r := range srv.requests() {
			queries = append(queries, r.RawQuery)
		}
		assert.Equal(t, []string{"limit=3&offset=0", "limit=3&offset=3", "limit=3&offset=6"}, queries)
		require.Len(t, res.Items, 7)
		for k, it := range res.Items {
			assert.Equal(t, map[string]any{"id": float64(k)}, it.JSON)
			assert.Equal(t, 0, it.PairedItem.Item)
		}
	})
	t.Run("O8 maxResults shrinks the last page; body parameters", func(t *testing.T) {
		t.Parallel()
		srv := pagedServer(t, 100, false)
		nt := offsetNode(t, srv.URL, `{"type":"offset","properties":{"limitParameter":"limit","offsetParameter":"offset","pageSize":3,"type":"body"}}`,
			`,{"displayName":"Limit","name":"limit","type":"number","default":5,"routing":{"request":{"method":"POST"},"output":{"maxResults":"={{ $value }}"}}}`)
		e, _ := newEngine(t)
		res := mustSucceed(t, e, runtime.Run{Node: nt})
		var bodies []string
		for _, r := range srv.requests() {
			bodies = append(bodies, string(r.Body))
		}
		assert.Equal(t, []string{`{"limit":3,"offset":0}`, `{"limit":2,"offset":3}`}, bodies)
		assert.Len(t, res.Items, 5)
	})
	t.Run("O7 paginate false sends one plain request", func(t *testing.T) {
		t.Parallel()
		srv := pagedServer(t, 7, false)
		nt := offsetNode(t, srv.URL, `{"type":"offset","properties":{"limitParameter":"limit","offsetParameter":"offset","pageSize":3}}`, "")
		e, _ := newEngine(t)
		mustSucceed(t, e, runtime.Run{Node: nt, Parameters: map[string]any{"returnAll": false}})
		assert.Equal(t, "", srv.only(t).RawQuery)
	})
	t.Run("O7 paginate true without a pagination sends one plain request", func(t *testing.T) {
		t.Parallel()
		srv := pagedServer(t, 7, false)
		nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, `[{"displayName":"R","name":"r","type":"boolean","default":true,"routing":{"send":{"paginate":true}}}]`)
		e, _ := newEngine(t)
		mustSucceed(t, e, runtime.Run{Node: nt})
		assert.Equal(t, "", srv.only(t).RawQuery)
	})
	t.Run("O8 a missing rootProperty fails the item", func(t *testing.T) {
		t.Parallel()
		srv := pagedServer(t, 7, false)
		nt := offsetNode(t, srv.URL, `{"type":"offset","properties":{"limitParameter":"limit","offsetParameter":"offset","pageSize":3,"rootProperty":"data"}}`, "")
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt})
		require.NotNil(t, res.Err)
		assert.Equal(t, runtime.NameNodeOperationError, res.Err.Name)
		assert.Equal(t, `The rootProperty "data" could not be found on item.`, res.Err.Message)
		assert.Equal(t, 0, res.Err.ItemIndex)
	})
}

func TestGenericPagination(t *testing.T) {
	t.Parallel()
	// Pages by cursor: c1 -> c2 -> c3 (last).
	cursorServer := func(t *testing.T) *recorder {
		return newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
			cur := r.URL.Query().Get("cursor")
			next := map[string]any{"first": "c2", "c2": "c3", "c3": nil}[cur]
			writeJSON(w, 200, map[string]any{"items": []any{cur + "-a", cur + "-b"}, "next": next})
		})
	}
	desc := func(pagination string) string {
		return `{"displayName":"T","name":"t","version":1,"requestDefaults":{"baseURL":"@URL@","qs":{"start":"s0","keep":"k"}},
		  "requestOperations":{"pagination":` + pagination + `},
		  "properties":[{"displayName":"All","name":"all","type":"boolean","default":true,
		    "routing":{"send":{"paginate":true},"output":{"postReceive":[{"type":"rootProperty","properties":{"property":"items"}}]}}}]}`
	}
	t.Run("O9 $response drives the cursor, $request is always the base request [v]", func(t *testing.T) {
		t.Parallel()
		srv := cursorServer(t)
		nt := nodeTypeJSON(t, srv.URL, desc(`{"type":"generic","properties":{
		  "continue":"={{ $response.body.next !== null }}",
		  "request":{"qs":{"cursor":"={{ $response.body?.next ?? 'first' }}","base_start":"={{ $request.qs.start }}"}}}}`))
		e, _ := newEngine(t)
		res := mustSucceed(t, e, runtime.Run{Node: nt})
		var queries []url.Values
		for _, r := range srv.requests() {
			q, err := url.ParseQuery(r.RawQuery)
			require.NoError(t, err)
			queries = append(queries, q)
		}
		// A qs in the pagination request replaces the whole base qs, from
		// the first request on ("keep" is never sent) [v].
		assert.Equal(t, []url.Values{
			{"cursor": {"first"}, "base_start": {"s0"}},
			{"cursor": {"c2"}, "base_start": {"s0"}},
			{"cursor": {"c3"}, "base_start": {"s0"}},
		}, queries)
		assert.Equal(t, []any{"first-a", "first-b", "c2-a", "c2-b", "c3-a", "c3-b"}, jsons(res.Items))
	})
	t.Run("O9 a runaway continue is stopped by Engine.MaxPages", func(t *testing.T) {
		t.Parallel()
		srv := cursorServer(t)
		nt := nodeTypeJSON(t, srv.URL, desc(`{"type":"generic","properties":{"continue":true,"request":{}}}`))
		e, _ := newEngine(t)
		e.MaxPages = 5
		res := execute(t, e, runtime.Run{Node: nt})
		require.NotNil(t, res.Err)
		assert.Equal(t, "Pagination stopped after 5 pages", res.Err.Message)
		assert.Contains(t, res.Err.Description, "raise Engine.MaxPages")
		assert.Equal(t, 0, res.Err.ItemIndex)
		assert.Len(t, srv.requests(), 5)
	})
}

func TestPaginationHook(t *testing.T) {
	t.Parallel()
	// O7: a function pagination gets the request and a fetch that sends a
	// page and runs postReceive, like n8n's makeRoutingRequest.
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		data := []any{}
		if page <= 3 {
			data = []any{page*10 + 0, page*10 + 1}
		}
		writeJSON(w, 200, map[string]any{"data": data})
	})
	var hooks runtime.Hooks
	require.NoError(t, hooks.RegisterPagination("pages", func(ctx context.Context, req *runtime.HookRequest,
		fetch func(context.Context, *runtime.HookRequest) ([]node.Item, error)) ([]node.Item, error) {
		var all []node.Item
		for page := 1; ; page++ {
			next := *req
			next.Qs = map[string]any{"page": page}
			for k, v := range req.Qs {
				next.Qs[k] = v
			}
			got, err := fetch(ctx, &next)
			if err != nil {
				return nil, err
			}
			if len(got) == 0 {
				return all, nil
			}
			all = append(all, got...)
		}
	}))
	nt := nodeTypeJSON(t, srv.URL, `{"displayName":"T","name":"t","version":1,"requestDefaults":{"baseURL":"@URL@","qs":{"size":2}},
	  "properties":[{"displayName":"All","name":"all","type":"boolean","default":true,
	    "routing":{"send":{"paginate":"={{ $value }}"},"operations":{"pagination":"pages"},
	               "output":{"postReceive":[{"type":"rootProperty","properties":{"property":"data"}}]}}}]}`)
	e, _ := newEngine(t)
	e.Hooks = &hooks
	res := mustSucceed(t, e, runtime.Run{Node: nt})
	assert.Equal(t, []any{10.0, 11.0, 20.0, 21.0, 30.0, 31.0}, jsons(res.Items))
	reqs := srv.requests()
	require.Len(t, reqs, 4)
	assert.Equal(t, "size=2&page=1", reqs[0].RawQuery, "the base query keeps its place")

	t.Run("O9 Engine.MaxPages bounds a hook too", func(t *testing.T) {
		e, _ := newEngine(t)
		e.Hooks = &hooks
		e.MaxPages = 2
		res := execute(t, e, runtime.Run{Node: nt})
		require.NotNil(t, res.Err)
		assert.Equal(t, "Pagination stopped after 2 pages", res.Err.Message)
	})
}
