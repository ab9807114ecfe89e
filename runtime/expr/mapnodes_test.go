package expr_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime/expr"
)

func TestMapNodes(t *testing.T) {
	nodes := expr.MapNodes{
		"Get Contact": {Items: []node.Item{{JSON: map[string]any{"id": 7.0}}, {JSON: map[string]any{"id": 8.0}}},
			Parameters: map[string]any{"operation": "get"}},
		"Empty":   {},
		"Pending": {NotExecuted: true},
	}
	e := expr.New(expr.Options{})
	tests := []struct {
		expr    string
		want    any
		wantErr string
	}{
		{expr: `={{ $('Get Contact').first().json.id }}`, want: 7.0},
		{expr: `={{ $('Get Contact').all().length }}`, want: 2.0},
		{expr: `={{ $node["Get Contact"].json.id }}`, want: 7.0},
		{expr: `={{ $('Get Contact').params.operation }}`, want: "get"},
		{expr: `={{ $('Empty').all().length }}`, want: 0.0},
		{expr: `={{ $('Pending').first() }}`, wantErr: "hasn't been executed"},
		{expr: `={{ $('Missing').first() }}`, wantErr: "Referenced node doesn't exist"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got, err := e.Resolve(context.Background(), tt.expr, &expr.Scope{Nodes: nodes, Input: expr.Items{{JSON: map[string]any{}}}})
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	var none expr.MapNodes
	_, ok := none.Node("x")
	assert.False(t, ok, "a nil MapNodes has no nodes")
}

// $('Name') reads another node's output from a map.
func ExampleMapNodes() {
	nodes := expr.MapNodes{
		"Get Contact": {Items: []node.Item{{JSON: map[string]any{"email": "ada@example.com"}}}},
	}
	e := expr.New(expr.Options{})
	v, err := e.Resolve(context.Background(), `=To: {{ $('Get Contact').first().json.email }}`, &expr.Scope{Nodes: nodes})
	fmt.Println(v, err)
	// Output: To: ada@example.com <nil>
}
