package expr

import (
	"context"
	"time"

	"github.com/noderun/noderun/node"
)

// undefinedValue is the type of Undefined.
type undefinedValue struct{}

// Undefined is JavaScript's undefined as a Go value. It is distinct from nil
// (JSON null): a body field whose value is Undefined is not sent (R10).
var Undefined any = undefinedValue{}

// IsUndefined reports whether v is Undefined.
func IsUndefined(v any) bool { _, ok := v.(undefinedValue); return ok }

// Options configure an Engine. The zero value is usable; every default is
// given on its field.
type Options struct {
	// Timeout bounds the JavaScript part of one Eval; a runaway loop stops
	// with a KindTimeout error. Canceling Eval's context stops it too.
	// Zero means 1 second.
	Timeout time.Duration
	// MaxResultSize bounds a result's size in bytes (as JSON, approximately);
	// a larger result is a KindTooLarge error. Zero means 16 MiB.
	MaxResultSize int
	// AllowEnv exposes Env as $env. Off by default: $env then throws
	// "access to env vars denied", as n8n does when N8N_BLOCK_ENV_ACCESS_IN_NODE is set.
	AllowEnv bool
	Env      map[string]string
	// Vars is $vars.
	Vars map[string]any
	// Timezone is the workflow timezone of $now and $today. Nil means
	// America/New_York, n8n's default.
	Timezone *time.Location
	// Now is the clock of $now, $today, DateTime.now() and Date.now().
	// Nil means time.Now.
	Now func() time.Time
	// Lenient makes a runtime error inside a code segment (TypeError,
	// throw, a bad JSON.parse) evaluate to undefined, as n8n does (E5).
	// Off by default: noderun reports such errors.
	Lenient bool
	// MaxMemory bounds, in bytes, what one built-in call of an
	// evaluation may allocate, and so what an evaluation holds: larger
	// arrays (MaxMemory/16 elements), strings (MaxMemory/2 characters),
	// typed arrays and buffers (MaxMemory bytes) and JSON.parse texts
	// (MaxMemory/4 bytes) are a KindTooLarge error before they are made.
	// Zero means 64 MiB.
	MaxMemory int
	// MaxCachedExpressions bounds the compiled expressions the Engine
	// keeps (about 2.5 KB each); the least recently used are dropped
	// first. Zero means 8192.
	MaxCachedExpressions int
	// MaxRuntimes bounds the JavaScript runtimes kept for reuse (more are
	// made when needed, and dropped after use). Zero means GOMAXPROCS.
	MaxRuntimes int
}

// Scope is what an expression can see while it is evaluated for one item.
// Fields left at their zero value make the matching variable undefined (or,
// where n8n throws, throw the same error). A Scope is read, never changed,
// by the engine; values reachable from it must not be mutated during Eval.
type Scope struct {
	// JSON is $json (and $data): the current input item's json. Nil is
	// JSON null.
	JSON any
	// Binary is $binary.
	Binary map[string]node.Binary
	// ItemIndex and RunIndex are $itemIndex and $runIndex.
	ItemIndex int
	RunIndex  int
	// Input is $input; nil makes $input throw "No execution data available".
	Input Input
	// Parameters is $parameter: each name resolves lazily, for this item.
	Parameters Parameters
	// RawParameters is $rawParameter: the stored values, unresolved.
	RawParameters map[string]any
	// Value is $value when HasValue is set (R6).
	Value    any
	HasValue bool
	// Credentials is $credentials.
	Credentials map[string]any
	// Self is $self: in a credential's expressions, its data (n8n's
	// selfData); nil gives an empty object.
	Self map[string]any
	// Response is $response (postReceive and pagination).
	Response *Response
	// ResponseItem is $responseItem when HasResponseItem is set.
	ResponseItem    any
	HasResponseItem bool
	// Request is $request (generic pagination).
	Request map[string]any
	// Index and Parent are $index and $parent inside fixedCollection children.
	Index     int
	Parent    any
	HasParent bool
	// Nodes resolves $('Name') and $node["Name"]; nil means no other node exists.
	Nodes NodeLookup
	// Node describes the node being run ($node's own fields, $nodeVersion).
	Node NodeInfo
	// Workflow is $workflow; an empty ID makes $workflow.id throw as in n8n.
	Workflow Workflow
	// Execution is $execution.
	Execution Execution
	// PrevNode is $prevNode.
	PrevNode *PrevNode
}

// Input gives $input its items.
type Input interface {
	// Len is the number of input items.
	Len() int
	// Item returns input item i (0 <= i < Len).
	Item(i int) node.Item
}

// Items is an Input over a slice.
type Items []node.Item

// Len implements Input.
func (s Items) Len() int { return len(s) }

// Item implements Input.
func (s Items) Item(i int) node.Item { return s[i] }

// Parameters resolves $parameter["name"] for the current item. When it also
// has a method Names() []string, Object.keys($parameter) lists those names;
// otherwise the keys of Scope.RawParameters.
type Parameters interface {
	// Parameter returns the resolved value of the named parameter, false if
	// the node has no such (visible) parameter, or the error its
	// expression raised.
	Parameter(ctx context.Context, name string) (any, bool, error)
}

// NodeLookup finds other nodes' data for $('Name') and $node["Name"].
// Embedding workflow engines implement it.
type NodeLookup interface {
	// Node returns the named node, or false if the workflow has none.
	Node(name string) (NodeData, bool)
}

// NodeData is what an expression can read of another node.
type NodeData struct {
	// Executed is false for a node that exists but has not run; reading its
	// items then throws "Node 'X' hasn't been executed".
	Executed bool
	// Items is the node's main output 0 (run 0).
	Items []node.Item
	// Parameters are the node's parameters ($('X').params).
	Parameters map[string]any
}

// NodeInfo describes the running node.
type NodeInfo struct {
	Name        string
	Type        string
	TypeVersion float64
}

// Workflow is $workflow.
type Workflow struct {
	ID     string
	Name   string
	Active bool
}

// Execution is $execution.
type Execution struct {
	ID         string
	Mode       string // "test" or "production"
	ResumeURL  string
	CustomData map[string]string
}

// PrevNode is $prevNode.
type PrevNode struct {
	Name        string
	OutputIndex int
	RunIndex    int
}

// Response is $response: the full HTTP response of the current request.
type Response struct {
	Body          any
	Headers       map[string]any
	StatusCode    int
	StatusMessage string
}

// Kind classifies an expression error.
type Kind int

// Error kinds.
const (
	// KindSyntax: the code does not parse ("invalid syntax").
	KindSyntax Kind = iota + 1
	// KindRuntime: a TypeError, a throw, a bad JSON.parse: n8n swallows
	// these (E5); noderun reports them unless Options.Lenient.
	KindRuntime
	// KindReference: an n8n ExpressionError such as a missing node, no
	// input data, $workflow without an id, env access denied, constructor access.
	KindReference
	// KindExtension: misuse of an extension method ("cannot convert to number").
	KindExtension
	// KindTimeout: the evaluation ran past Options.Timeout, or its context
	// was canceled (the context's error is then the Cause).
	KindTimeout
	// KindTooLarge: the result was larger than Options.MaxResultSize, a
	// value was larger than Options.MaxMemory allows, or JSON was nested
	// deeper than 2,000 levels.
	KindTooLarge
	// KindResult: the result is a function or the DateTime class (E6).
	KindResult
)

// Error is an expression that failed. The runtime adds which parameter and
// item it belonged to.
type Error struct {
	Kind Kind
	// Message is n8n's wording where n8n has one ("invalid syntax").
	Message     string
	Description string
	// Expression is the full parameter text, with its leading "=".
	Expression string
	Cause      error
}

// Error implements error.
func (e *Error) Error() string {
	if e.Description != "" {
		return e.Message + ": " + e.Description
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Cause }

// IsUndefined lets node.AppendJSON recognise undefined without importing
// this package: JSON.stringify drops it from objects.
func (undefinedValue) IsUndefined() bool { return true }
