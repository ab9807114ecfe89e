package runtime_test

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// TestBodyEncodedOncePerRun holds the run-wide body encoding to its
// condition: a body is shared between items only when nothing in it can
// differ between them. Each case sends two items whose $json differ; the
// two request bodies must be what each item makes of the routing.
func TestBodyEncodedOncePerRun(t *testing.T) {
	t.Parallel()
	prop := func(def, routing string) string {
		return `[{"displayName":"A","name":"a","type":"string","default":` + def + `,"routing":` + routing + `}]`
	}
	cases := []struct {
		name       string
		defaults   string
		properties string
		params     map[string]any
		want       []string // the two bodies, sorted
	}{
		{"static send: one body for both items", `{"baseURL":"@URL@","method":"POST"}`,
			prop(`"x"`, `{"send":{"type":"body","property":"a"}}`), nil,
			[]string{`{"a":"x"}`, `{"a":"x"}`}},
		{"static JSON.parse of a parameter", `{"baseURL":"@URL@","method":"POST"}`,
			prop(`"{\"k\":[1,2]}"`, `{"send":{"type":"body","property":"a","value":"={{ JSON.parse($value) }}"}}`), nil,
			[]string{`{"a":{"k":[1,2]}}`, `{"a":{"k":[1,2]}}`}},
		{"requestDefaults body with an expression", `{"baseURL":"@URL@","method":"POST","body":{"n":"={{ $json.n }}"}}`,
			`[]`, nil,
			[]string{`{"n":1}`, `{"n":2}`}},
		{"routing.request body with an expression", `{"baseURL":"@URL@","method":"POST"}`,
			prop(`"x"`, `{"request":{"body":{"n":"={{ $json.n }}"}}}`), nil,
			[]string{`{"n":1}`, `{"n":2}`}},
		{"parameter set by an expression", `{"baseURL":"@URL@","method":"POST"}`,
			prop(`"x"`, `{"send":{"type":"body","property":"a"}}`), map[string]any{"a": "={{ $json.n }}"},
			[]string{`{"a":1}`, `{"a":2}`}},
		{"send.value reads the item", `{"baseURL":"@URL@","method":"POST"}`,
			prop(`"x"`, `{"send":{"type":"body","property":"a","value":"={{ $value + $json.n }}"}}`), nil,
			[]string{`{"a":"x1"}`, `{"a":"x2"}`}},
		{"send.property reads the item", `{"baseURL":"@URL@","method":"POST"}`,
			prop(`"x"`, `{"send":{"type":"body","property":"=k{{ $json.n }}"}}`), nil,
			[]string{`{"k1":"x"}`, `{"k2":"x"}`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, nil)
			nt := description(t, srv.URL, tc.defaults, tc.properties)
			e, _ := newEngine(t)
			items := []node.Item{{JSON: map[string]any{"n": 1.0}}, {JSON: map[string]any{"n": 2.0}}}
			mustSucceed(t, e, runtime.Run{Node: nt, Items: items, Parameters: tc.params})
			var got []string
			for _, r := range srv.requests() {
				got = append(got, string(r.Body))
			}
			sort.Strings(got)
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestStaticBodyFollowsContentType: a body the same for every item is
// still encoded for each item's own Content-Type.
func TestStaticBodyFollowsContentType(t *testing.T) {
	t.Parallel()
	srv := newRecorder(t, nil)
	nt := description(t, srv.URL, `{"baseURL":"@URL@","method":"POST","headers":{"Content-Type":"={{ $json.type }}"}}`,
		`[{"displayName":"A","name":"a","type":"string","default":"x y","routing":{"send":{"type":"body","property":"a"}}}]`)
	e, _ := newEngine(t)
	e.MaxConcurrency = 1 // in order, so each request is the item's
	var items []node.Item
	for _, typ := range []string{"application/json", "application/x-www-form-urlencoded", "application/json"} {
		items = append(items, node.Item{JSON: map[string]any{"type": typ}})
	}
	mustSucceed(t, e, runtime.Run{Node: nt, Items: items})
	reqs := srv.requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, `{"a":"x y"}`, string(reqs[0].Body))
	assert.Equal(t, `a=x%20y`, string(reqs[1].Body))
	assert.Equal(t, `{"a":"x y"}`, string(reqs[2].Body))
}
