package chatwoot_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes/chatwoot/chatwootsim"
	"github.com/noderun/noderun/runtime"
	"github.com/noderun/noderun/runtime/expr"
)

// TestCreateConversationRunContext: the typed node takes the run context
// the generic one takes, and its expressions read it.
func TestCreateConversationRunContext(t *testing.T) {
	f := newEnv(t, chatwootsim.Options{})
	n := f.typed(f.sd.InboxIdentifier, "={{ $('Find Contact').first().json.source_id }}",
		`={"order": "{{ $('Order').first().json.id }}", "workflow": "{{ $workflow.id }}/{{ $workflow.name }}", `+
			`"execution": "{{ $execution.id }}/{{ $execution.mode }}", "run": {{ $runIndex }}}`)
	n.NodeName = "Open Conversation"
	n.RunIndex = 2
	n.Nodes = expr.MapNodes{
		"Find Contact": {Items: []node.Item{item(kv{"source_id": f.sd.ContactSourceID})}},
		"Order":        {Items: []node.Item{item(kv{"id": "A-17"})}},
	}
	n.Workflow = expr.Workflow{ID: "wf1", Name: "Orders"}
	n.Execution = expr.Execution{ID: "ex9", Mode: "production"}

	items, err := executeTyped(t, n)
	require.NoError(t, err)
	m := obj(t, items)
	assert.Equal(t, f.sd.ContactSourceID, m["contact_identifier"])
	assert.Equal(t, kv{"order": "A-17", "workflow": "wf1/Orders", "execution": "ex9/production", "run": 2.0},
		f.wire.last(t).bodyJSON(t)["custom_attributes"])

	t.Run("the node name is the one errors give", func(t *testing.T) {
		n := f.typed("", "", "")
		n.NodeName = "Open Conversation"
		_, err := executeTyped(t, n)
		var issues *runtime.IssuesError
		require.True(t, errors.As(err, &issues), "%T: %v", err, err)
		assert.Equal(t, "Open Conversation", issues.NodeName)
	})
	t.Run("a node that has not run", func(t *testing.T) {
		n := f.typed(f.sd.InboxIdentifier, "={{ $('Find Contact').first().json.source_id }}", "")
		n.Nodes = expr.MapNodes{"Find Contact": {NotExecuted: true}}
		_, err := executeTyped(t, n)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "hasn't been executed")
	})
}
