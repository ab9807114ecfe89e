package runtime

import (
	"fmt"
	"strings"
)

// missingFunctionError is the failure of a run whose routing needs a
// function that its JSON description holds as null (node.Routing.Missing):
// n8n would have run it; noderun cannot, and says where it was.
func missingFunctionError(paths []string) *NodeError {
	msg := paths[0] + " is a function n8n had that this JSON description lacks"
	if len(paths) > 1 {
		msg = strings.Join(paths, ", ") + " are functions n8n had that this JSON description lacks"
	}
	return &NodeError{
		Name:    NameNodeOperationError,
		Message: msg,
		Description: fmt.Sprintf("The route this run takes needs %d function(s) the node's JavaScript defines; "+
			"load the node from its package, or give the route a declarative equivalent.", len(paths)),
		ItemIndex: -1,
	}
}
