package runtime

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime/internal/params"
)

// NodeType is a node description ready to run: n8n's Request Options
// collection is appended as n8n's loader appends it (D7), and the
// credential types it may use are attached. A NodeType is immutable and
// safe to share between goroutines and runs.
type NodeType struct {
	Description     *node.Description
	CredentialTypes map[string]*node.CredentialType
	// layouts keeps what parameter normalisation derives from the
	// description alone, from one Prepare to the next.
	layouts *params.Layouts
	// PrepareCredential, when set, checks and adjusts credential data of
	// the named type before use, e.g. to normalise a base URL. Its error
	// fails the node before any request, with the error's text.
	PrepareCredential func(typeName string, data map[string]any) (map[string]any, error)
	// ExplainError, when set, may add a hint to an item's error, e.g.
	// which kind of token an operation needs after a 401. It receives the
	// normalised parameters and must not keep them.
	ExplainError func(parameters map[string]any, err *NodeError)
	// CredentialTests are the node's credential test functions by name
	// (n8n's methods.credentialTest), which a credential reference's
	// testedBy may name; TestCredential runs them.
	CredentialTests map[string]CredentialTestFunc
	// credentialTest marks the temporary node of TestCredential: its
	// credential gets a session of its own, obtained afresh.
	credentialTest bool
}

// NewNodeType prepares a description for running. It copies the
// description, so the caller's value is left as it was.
func NewNodeType(d *node.Description, creds ...*node.CredentialType) (*NodeType, error) {
	if d == nil {
		return nil, fmt.Errorf("node type: description is nil")
	}
	if d.Name == "" {
		return nil, fmt.Errorf("node type: description has no name")
	}
	desc := *d
	desc.Properties = withRequestOptions(d.Properties)
	nt := &NodeType{Description: &desc, CredentialTypes: map[string]*node.CredentialType{}, layouts: &params.Layouts{}}
	for _, c := range creds {
		if c == nil {
			continue
		}
		if _, dup := nt.CredentialTypes[c.Name]; dup {
			return nil, fmt.Errorf("node type %s: credential type %q given twice", d.Name, c.Name)
		}
		nt.CredentialTypes[c.Name] = c
	}
	return nt, nil
}

// RequestOptionsName is the name of the Request Options collection.
const RequestOptionsName = "requestOptions"

// requestOptionsJSON is n8n's commonDeclarativeNodeOptionParameters, the
// collection its loader appends to every declarative node (D7).
const requestOptionsJSON = `{
 "displayName": "Request Options", "name": "requestOptions", "type": "collection",
 "isNodeSetting": true, "placeholder": "Add Option", "default": {},
 "options": [
  {"displayName": "Batching", "name": "batching", "placeholder": "Add Batching", "type": "fixedCollection",
   "typeOptions": {"multipleValues": false}, "default": {"batch": {}},
   "options": [{"displayName": "Batching", "name": "batch", "values": [
     {"displayName": "Items per Batch", "name": "batchSize", "type": "number", "typeOptions": {"minValue": -1}, "default": 50,
      "description": "Input will be split in batches to throttle requests. -1 for disabled. 0 will be treated as 1."},
     {"displayName": "Batch Interval (ms)", "name": "batchInterval", "type": "number", "typeOptions": {"minValue": 0}, "default": 1000,
      "description": "Time (in milliseconds) between each batch of requests. 0 for disabled."}]}]},
  {"displayName": "Ignore SSL Issues (Insecure)", "name": "allowUnauthorizedCerts", "type": "boolean", "noDataExpression": true, "default": false,
   "description": "Whether to accept the response even if SSL certificate validation is not possible"},
  {"displayName": "Proxy", "name": "proxy", "type": "string", "default": "", "placeholder": "e.g. http://myproxy:3128",
   "description": "HTTP proxy to use. If authentication is required it can be defined as follow: http://username:password@myproxy:3128"},
  {"displayName": "Timeout", "name": "timeout", "type": "number", "typeOptions": {"minValue": 1}, "default": 10000,
   "description": "Time in ms to wait for the server to send response headers (and start the response body) before aborting the request"}
 ]}`

// RequestOptionsProperty returns a fresh copy of n8n's Request Options
// collection.
func RequestOptionsProperty() node.Property {
	var p node.Property
	if err := json.Unmarshal([]byte(requestOptionsJSON), &p); err != nil {
		panic("runtime: built-in Request Options property does not decode: " + err.Error())
	}
	return p
}

// withRequestOptions appends the Request Options collection, or merges its
// options into a requestOptions property the description already has,
// sorted by display name as n8n sorts them.
func withRequestOptions(props []node.Property) []node.Property {
	ro := RequestOptionsProperty()
	out := make([]node.Property, 0, len(props)+1)
	merged := false
	for _, p := range props {
		if p.Name == RequestOptionsName && p.Type == node.TypeCollection {
			p.Children = mergeChildren(p.Children, ro.Children)
			merged = true
		}
		out = append(out, p)
	}
	if !merged {
		out = append(out, ro)
	}
	return out
}

func mergeChildren(own, common []node.Property) []node.Property {
	seen := map[string]bool{}
	out := make([]node.Property, 0, len(own)+len(common))
	for _, c := range own {
		seen[c.Name] = true
		out = append(out, c)
	}
	for _, c := range common {
		if !seen[c.Name] {
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DisplayName < out[j].DisplayName })
	return out
}
