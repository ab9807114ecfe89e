package expr

import "github.com/noderun/noderun/node"

// NodeOutput is what one other node of the workflow gave, as MapNodes
// holds it. Its zero value is a node that ran and output nothing.
type NodeOutput struct {
	// Items is the node's main output 0 of run 0: $('Name').all().
	Items []node.Item
	// Parameters are the node's parameters: $('Name').params.
	Parameters map[string]any
	// NotExecuted marks a node that exists but has not run, so that
	// reading its items throws "Node 'Name' hasn't been executed".
	NotExecuted bool
}

// MapNodes is a NodeLookup over a map from node name to that node's
// output, for callers that hold the other nodes' data in memory:
//
//	run.Nodes = expr.MapNodes{"Get Contact": {Items: items}}
//
// A nil MapNodes has no nodes. It must not be modified during a run.
type MapNodes map[string]NodeOutput

// Node implements NodeLookup.
func (m MapNodes) Node(name string) (NodeData, bool) {
	o, ok := m[name]
	if !ok {
		return NodeData{}, false
	}
	return NodeData{Executed: !o.NotExecuted, Items: o.Items, Parameters: o.Parameters}, true
}

var _ NodeLookup = MapNodes(nil)
