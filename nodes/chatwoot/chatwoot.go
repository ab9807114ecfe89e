package chatwoot

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// Name is the generic Chatwoot node's name in noderun, and TypedName the
// typed Create A Conversation node's.
const (
	Name      = "chatwoot"
	TypedName = "chatwoot.createConversation"
)

// N8nType is the generic node's type name in n8n workflows: the community
// package's name and the node's.
const N8nType = "@devlikeapro/n8n-nodes-chatwoot.chatWoot"

// CredentialName is the Chatwoot credential type, as in n8n.
const CredentialName = "chatwootApi"

//go:embed chatwoot.node.json
var descriptionJSON []byte

//go:embed chatwoot.credential.json
var credentialJSON []byte

// DescriptionJSON returns the embedded description's bytes.
func DescriptionJSON() []byte { return append([]byte(nil), descriptionJSON...) }

// CredentialJSON returns the embedded credential type's bytes.
func CredentialJSON() []byte { return append([]byte(nil), credentialJSON...) }

// Description decodes a fresh copy of the Chatwoot node description: 29
// resources and 115 operations with the n8n node's names.
func Description() (*node.Description, error) {
	d, err := node.DecodeDescription(descriptionJSON)
	if err != nil {
		return nil, fmt.Errorf("chatwoot: embedded description: %w", err)
	}
	return d, nil
}

// CredentialType decodes a fresh copy of the chatwootApi credential type.
func CredentialType() (*node.CredentialType, error) {
	c, err := node.DecodeCredentialType(credentialJSON)
	if err != nil {
		return nil, fmt.Errorf("chatwoot: embedded credential type: %w", err)
	}
	return c, nil
}

// NodeType returns the generic Chatwoot node ready to run: the embedded
// description with its credential type, the credential URL normalised
// (NormalizeURL) and 401/404 errors explained by the token the operation
// needs.
func NodeType() (*runtime.NodeType, error) {
	d, err := Description()
	if err != nil {
		return nil, err
	}
	return newNodeType(d)
}

func newNodeType(d *node.Description) (*runtime.NodeType, error) {
	c, err := CredentialType()
	if err != nil {
		return nil, err
	}
	nt, err := runtime.NewNodeType(d, c)
	if err != nil {
		return nil, err
	}
	nt.PrepareCredential = prepareCredential
	routes := operationRoutes(d)
	nt.ExplainError = func(params map[string]any, e *runtime.NodeError) {
		explainError(routes, params, e)
	}
	return nt, nil
}

// route is an operation's name, method and URL template.
type route struct {
	name, method, url string
}

// routeTable finds the route of a run: by resource and operation for the
// generic node; a typed node, which has no operations, sends its one
// request on every run.
type routeTable struct {
	byOperation map[[2]string]route
	single      *route
}

func (t routeTable) lookup(params map[string]any) (route, bool) {
	resource, _ := params["resource"].(string)
	op, _ := params["operation"].(string)
	if r, ok := t.byOperation[[2]string{resource, op}]; ok {
		return r, true
	}
	if t.single != nil {
		return *t.single, true
	}
	return route{}, false
}

// operationRoutes maps resource and operation to the operation's route,
// or finds a typed node's single request.
func operationRoutes(d *node.Description) routeTable {
	t := routeTable{byOperation: map[[2]string]route{}}
	var requests []route
	for _, p := range d.Properties {
		if p.Routing != nil && p.Routing.Request != nil && p.Routing.Request.URL != "" {
			requests = append(requests, route{method: p.Routing.Request.Method, url: p.Routing.Request.URL})
		}
		if p.Name != "operation" || p.Type != node.TypeOptions || p.DisplayOptions == nil {
			continue
		}
		for _, res := range p.DisplayOptions.Show["resource"] {
			resource, _ := res.(string)
			for _, c := range p.Choices {
				op, _ := c.Value.(string)
				if c.Routing == nil || c.Routing.Request == nil {
					continue
				}
				t.byOperation[[2]string{resource, op}] = route{name: op, method: c.Routing.Request.Method, url: c.Routing.Request.URL}
			}
		}
	}
	if len(t.byOperation) == 0 && len(requests) == 1 {
		r := requests[0]
		// "Chatwoot: Create A Conversation" names the operation.
		r.name = d.DisplayName
		if _, after, found := strings.Cut(d.DisplayName, ": "); found {
			r.name = after
		}
		t.single = &r
	}
	return t
}
