package chatwoot

import (
	"context"
	_ "embed"
	"fmt"
	"sync"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
	"github.com/noderun/noderun/runtime/expr"
)

//go:embed createconversation.node.json
var createConversationJSON []byte

// CreateConversationJSON returns the typed node's description bytes.
func CreateConversationJSON() []byte { return append([]byte(nil), createConversationJSON...) }

// CreateConversationType returns the typed node's declarative description,
// ready to run. Its one request is Conversations API → Create A
// Conversation; its postReceive step shapes the output (see
// CreateConversation).
func CreateConversationType() (*runtime.NodeType, error) {
	d, err := node.DecodeDescription(createConversationJSON)
	if err != nil {
		return nil, fmt.Errorf("chatwoot: embedded Create A Conversation description: %w", err)
	}
	return newNodeType(d)
}

// RequestOptions are n8n's Request Options for one node. Zero fields are
// left unset, so n8n's defaults apply (no batching, TLS verified, no
// proxy, a 300 s timeout).
type RequestOptions struct {
	// BatchSize and BatchInterval (ms) stagger request starts as n8n's
	// batching does; either set turns batching on.
	BatchSize     int
	BatchInterval int
	// AllowUnauthorizedCerts skips TLS certificate verification.
	AllowUnauthorizedCerts bool
	// Proxy is an HTTP proxy URL with host and port, optionally user:pass@.
	Proxy string
	// Timeout is the inactivity limit in milliseconds.
	Timeout int
}

// parameters renders the options as n8n stores them.
func (o RequestOptions) parameters() map[string]any {
	m := map[string]any{}
	if o.BatchSize != 0 || o.BatchInterval != 0 {
		batch := map[string]any{}
		if o.BatchSize != 0 {
			batch["batchSize"] = float64(o.BatchSize)
		}
		if o.BatchInterval != 0 {
			batch["batchInterval"] = float64(o.BatchInterval)
		}
		m["batching"] = map[string]any{"batch": batch}
	}
	if o.AllowUnauthorizedCerts {
		m["allowUnauthorizedCerts"] = true
	}
	if o.Proxy != "" {
		m["proxy"] = o.Proxy
	}
	if o.Timeout != 0 {
		m["timeout"] = float64(o.Timeout)
	}
	return m
}

// CreateConversation is Conversations API → Create A Conversation as a
// typed node: it creates one conversation per input item in an API inbox,
// for a contact, through Chatwoot's public client API.
//
// Every field accepts an n8n expression ("={{ $json.inbox }}"), resolved
// for each item; the identifiers are percent-encoded into the path.
// Custom attributes must be a JSON object: JSON text, or an object from an
// expression; anything else fails its item, naming the parameter. Each
// output item is Chatwoot's response with the seed's fields guaranteed:
//
//   - id, status: from the response.
//   - inbox_identifier, contact_identifier: the values the request was
//     sent with; the server does not echo them, and a 200 means it
//     accepted both.
//   - custom_attributes: the response's when it has them (Chatwoot 3.x
//     does not return them from this endpoint), else the object sent.
//   - created_at: the response's when present (unix seconds); else the
//     response's Date header in unix seconds, the server's clock at the
//     moment it answered the create; null if neither exists or the
//     header does not parse.
//
// Fill the fields, then call Execute; do not change them while Execute
// runs. The zero value is not usable: Credentials and the identifiers
// must be set.
type CreateConversation struct {
	InboxIdentifier   string
	ContactIdentifier string
	// CustomAttributes is a JSON object as text, or an expression giving
	// one; empty means {}.
	CustomAttributes string
	RequestOptions   RequestOptions
	// Credentials holds the chatwootApi credential (see Credentials).
	Credentials credentials.Store
	// Settings are the node settings: continue on fail, retry on fail.
	Settings node.Settings
	// Engine runs the requests; nil means one Engine per node, created on
	// first use and reused.
	Engine *runtime.Engine

	// The run context, as on runtime.Run for the generic node: the node's
	// name in the workflow (empty means "Chatwoot: Create A Conversation"),
	// $runIndex, the other nodes for $('Name'), $workflow, $execution,
	// and how strictly the fields are checked before any request.
	NodeName   string
	RunIndex   int
	Nodes      expr.NodeLookup
	Workflow   expr.Workflow
	Execution  expr.Execution
	InputCheck runtime.InputCheck

	once     sync.Once
	nodeType *runtime.NodeType
	typeErr  error
	engine   *runtime.Engine
}

var _ node.Node = (*CreateConversation)(nil)

// Parameters returns the node parameters the fields stand for.
func (c *CreateConversation) Parameters() map[string]any {
	p := map[string]any{
		"inbox_identifier":   c.InboxIdentifier,
		"contact_identifier": c.ContactIdentifier,
	}
	if c.CustomAttributes != "" {
		p["custom_attributes"] = c.CustomAttributes
	}
	if ro := c.RequestOptions.parameters(); len(ro) > 0 {
		p[runtime.RequestOptionsName] = ro
	}
	return p
}

// Execute creates one conversation per input item. Failed items become
// error items when Settings continue on fail; otherwise the first failure
// is returned as a *runtime.NodeError (with the outputs of the items before
// it), missing identifiers as a *runtime.IssuesError, and ctx's error
// when ctx ends first.
func (c *CreateConversation) Execute(ctx context.Context, items []node.Item) ([]node.Item, error) {
	c.once.Do(func() {
		c.nodeType, c.typeErr = CreateConversationType()
		c.engine = c.Engine
		if c.engine == nil {
			c.engine = &runtime.Engine{}
		}
	})
	if c.typeErr != nil {
		return nil, c.typeErr
	}
	res, err := c.engine.Execute(ctx, runtime.Run{
		Node:        c.nodeType,
		Parameters:  c.Parameters(),
		Credentials: c.Credentials,
		Settings:    c.Settings,
		Items:       items,
		NodeName:    c.NodeName,
		RunIndex:    c.RunIndex,
		Nodes:       c.Nodes,
		Workflow:    c.Workflow,
		Execution:   c.Execution,
		InputCheck:  c.InputCheck,
	})
	if err != nil {
		return nil, err
	}
	if res.Err != nil {
		return res.Items, res.Err
	}
	return append(res.Items, res.ErrorItems...), nil
}
