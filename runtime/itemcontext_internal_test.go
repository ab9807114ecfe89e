package runtime

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime/expr"
)

// A pooled item context sets only the item's part of its scopes
// (newItemContext): after other items, its base and step scopes must be
// what a new context's would be, and its cache must resolve afresh.
func TestReusedItemContextIsLikeANewOne(t *testing.T) {
	desc, err := node.DecodeDescription([]byte(`{"displayName":"T","name":"t","version":1,
	  "requestDefaults":{"baseURL":"={{$credentials.url}}"},
	  "credentials":[{"name":"tApi","required":true}],
	  "properties":[{"displayName":"P","name":"p","type":"string","default":"","routing":{"send":{"type":"query","property":"p"}}}]}`))
	require.NoError(t, err)
	nt, err := NewNodeType(desc, &node.CredentialType{Name: "tApi"})
	require.NoError(t, err)
	e := &Engine{}
	p, err := e.Prepare(context.Background(), Run{
		Node: nt, NodeName: "N", RunIndex: 2,
		Parameters:  map[string]any{"p": "={{ $json.v }}"},
		Credentials: credentials.Map{"tApi": {"url": "https://api.example.com"}},
		Workflow:    expr.Workflow{ID: "w"}, Execution: expr.Execution{ID: "x"},
	})
	require.NoError(t, err)
	items := []node.Item{
		{JSON: map[string]any{"v": "a"}, Binary: map[string]node.Binary{"f": {FileName: "f"}}},
		{JSON: map[string]any{"v": "b"}},
	}
	input := expr.Items(items)
	for round := range 3 {
		for i, it := range items {
			var in expr.Input = input
			if round == 2 {
				in = nil // streamed: $input is the item itself
			}
			ic := p.newItemContext(i, it, in)
			if in == nil {
				in = ic
			}
			want := expr.Scope{JSON: it.JSON, Binary: it.Binary, ItemIndex: i, RunIndex: 2, Input: in,
				RawParameters: p.stored, Nodes: p.nodes, Node: expr.NodeInfo{Name: "N", Type: "t", TypeVersion: 1},
				Workflow: expr.Workflow{ID: "w"}, Execution: expr.Execution{ID: "x"},
				Credentials: map[string]any{"url": "https://api.example.com"}, Parameters: ic}
			assert.Equal(t, want, ic.base, "round %d item %d", round, i)
			r, err := ic.build(context.Background())
			require.NoError(t, err)
			assert.Equal(t, it.JSON.(map[string]any)["v"], r.qs.fields[0].val)
			// apply's own fields aside, the step scope is the base scope.
			step := ic.step
			step.Value, step.HasValue = nil, false
			assert.Equal(t, want, step, "round %d item %d", round, i)
			p.releaseItemContext(ic)
		}
	}
}
