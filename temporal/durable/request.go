package durable

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/noderun/noderun/node"
)

// Request is one node run, the workflow's input. Temporal keeps it in the
// workflow history in plain text, so it names credentials and never
// carries their values.
type Request struct {
	// Node names a registered node ("chatwoot", "chatwoot.createConversation").
	Node string `json:"node"`
	// Parameters are the node's parameters as n8n stores them.
	Parameters map[string]any `json:"parameters,omitempty"`
	// Settings are the node settings; retryOnFail, maxTries and
	// waitBetweenTries become the activities' retry policy.
	Settings node.Settings `json:"settings,omitzero"`
	// Credentials name the credentials the node uses; each worker
	// resolves them from its own store.
	Credentials []CredentialRef `json:"credentials,omitempty"`
	// Items are the input items; none means one empty item, as n8n.
	Items []node.Item `json:"items,omitempty"`
	// NodeName is the node's name in the workflow (for messages).
	NodeName string `json:"nodeName,omitempty"`
	// TypeVersion is the node's typeVersion; zero means its latest.
	TypeVersion float64 `json:"typeVersion,omitempty"`
	// Nodes are the other nodes' data that $('Name') reads, by name.
	Nodes map[string]NodeData `json:"nodes,omitempty"`
	// Workflow and Execution are $workflow and $execution.
	Workflow  *WorkflowInfo  `json:"workflow,omitempty"`
	Execution *ExecutionInfo `json:"execution,omitempty"`
	// Options tune chunking, fan-out and timeouts; zero values take the
	// defaults documented on each field.
	Options Options `json:"options,omitzero"`
}

// CredentialRef names a credential: its type (chatwootApi) and the name
// the worker's store keeps it under; an empty name is the default one.
type CredentialRef struct {
	Type string `json:"type"`
	Name string `json:"name,omitempty"`
}

// NodeData is another node's data for $('Name'): its output items and
// parameters; Executed false makes $('Name') say it has not run.
type NodeData struct {
	Items      []node.Item    `json:"items,omitempty"`
	Parameters map[string]any `json:"parameters,omitempty"`
	Executed   *bool          `json:"executed,omitempty"`
}

// WorkflowInfo is $workflow.
type WorkflowInfo struct {
	ID     string `json:"id,omitempty"`
	Name   string `json:"name,omitempty"`
	Active bool   `json:"active,omitempty"`
}

// ExecutionInfo is $execution.
type ExecutionInfo struct {
	ID         string            `json:"id,omitempty"`
	Mode       string            `json:"mode,omitempty"`
	ResumeURL  string            `json:"resumeUrl,omitempty"`
	CustomData map[string]string `json:"customData,omitempty"`
}

// Options tune how a run is spread over activities.
type Options struct {
	// ChunkItems bounds the items of one activity. Zero means 500.
	ChunkItems int `json:"chunkItems,omitempty"`
	// ChunkBytes bounds the encoded input items of one activity. Zero
	// means 256 KiB, an eighth of Temporal's 2 MiB payload limit.
	ChunkBytes int `json:"chunkBytes,omitempty"`
	// OutputBytes is the encoded output one activity returns before it
	// stops taking items; the workflow schedules the rest as a new chunk.
	// Zero means 512 KiB, the server's payload warning threshold.
	OutputBytes int `json:"outputBytes,omitempty"`
	// InlineBytes is the largest output the workflow returns in its
	// result; a larger one stays in the activities' results in the
	// history and Collect reads it from there. Zero means 1 MiB.
	InlineBytes int `json:"inlineBytes,omitempty"`
	// MaxInFlight bounds the chunks running at once. Zero means 4.
	MaxInFlight int `json:"maxInFlight,omitempty"`
	// HeartbeatTimeout is how long a silent activity lives before
	// Temporal retries it elsewhere; progress reaches the server at least
	// every 0.8 of it. Zero means 10 s.
	HeartbeatTimeout time.Duration `json:"heartbeatTimeout,omitempty"`
	// StartToCloseTimeout bounds one attempt of one chunk. Zero means 10 min.
	StartToCloseTimeout time.Duration `json:"startToCloseTimeout,omitempty"`
	// MaxAttempts bounds the attempts of a chunk when the node's
	// retryOnFail is off; transient failures (429, 5xx, timeouts,
	// connection errors) and lost workers are retried. Zero means 10.
	MaxAttempts int `json:"maxAttempts,omitempty"`
	// TaskQueue is the activities' task queue; empty means the workflow's.
	TaskQueue string `json:"taskQueue,omitempty"`
}

const (
	defaultChunkItems          = 500
	defaultChunkBytes          = 256 << 10
	defaultOutputBytes         = 512 << 10
	defaultInlineBytes         = 1 << 20
	defaultMaxInFlight         = 4
	defaultHeartbeatTimeout    = 10 * time.Second
	defaultStartToCloseTimeout = 10 * time.Minute
	defaultMaxAttempts         = 10
	// MaxRequestBytes is the largest encoded Request Start accepts: the
	// server refuses a payload over 2 MiB (limit.blobSize.error), and the
	// workflow input is one payload.
	MaxRequestBytes = 2<<20 - 64<<10
	// historyBudget is where the workflow stops scheduling chunks: the
	// server terminates a workflow whose history passes 50 MiB
	// (limit.historySize.error).
	historyBudget = 40 << 20
)

func (o Options) withDefaults() Options {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.ChunkItems, defaultChunkItems)
	def(&o.ChunkBytes, defaultChunkBytes)
	def(&o.OutputBytes, defaultOutputBytes)
	def(&o.InlineBytes, defaultInlineBytes)
	def(&o.MaxInFlight, defaultMaxInFlight)
	def(&o.MaxAttempts, defaultMaxAttempts)
	if o.HeartbeatTimeout <= 0 {
		o.HeartbeatTimeout = defaultHeartbeatTimeout
	}
	if o.StartToCloseTimeout <= 0 {
		o.StartToCloseTimeout = defaultStartToCloseTimeout
	}
	return o
}

// Validate checks what can be checked before the request enters Temporal:
// a node is named, every item is {"json": {...}}, credentials are named
// by type, and the encoded request fits one payload. It refuses secret
// values, which the history would keep in plain text.
func (r *Request) Validate() error {
	if r.Node == "" {
		return fmt.Errorf("durable: the request names no node")
	}
	for i, c := range r.Credentials {
		if c.Type == "" {
			return fmt.Errorf("durable: credentials[%d] has no type", i)
		}
	}
	for i, it := range r.Items {
		if _, ok := it.JSON.(map[string]any); !ok {
			return fmt.Errorf("durable: items[%d]: \"json\" must be an object", i)
		}
	}
	if key, where := secretLooking(r.Parameters, "parameters"); key != "" {
		return &SecretError{Where: where, Key: key}
	}
	for name, d := range r.Nodes {
		if key, where := secretLooking(d.Parameters, "nodes."+name+".parameters"); key != "" {
			return &SecretError{Where: where, Key: key}
		}
	}
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("durable: the request cannot be encoded: %w", err)
	}
	if len(data) > MaxRequestBytes {
		return fmt.Errorf("durable: the request is %d bytes encoded; Temporal refuses a workflow input over 2 MiB: split the items over several runs", len(data))
	}
	return nil
}

// SecretError is a request that carries what looks like a secret value;
// the workflow history would keep it in plain text.
type SecretError struct {
	Where string // e.g. parameters.headerParameters.accessToken
	Key   string
}

func (e *SecretError) Error() string {
	return fmt.Sprintf("durable: %s looks like a secret value (key %q): Temporal keeps workflow input in plain text in its history; "+
		"name the credential in \"credentials\" ({\"type\": ..., \"name\": ...}) and give its values to the workers (--credentials FILE or NODERUN_CREDENTIALS_<TYPE>)", e.Where, e.Key)
}

// secretKeys are keys whose non-expression string value is a secret:
// credential fields pasted into parameters.
var secretKeys = []string{"accesstoken", "api_access_token", "apikey", "api_key", "authorization", "clientsecret"}

// secretLooking finds a key among secretKeys holding a literal string.
func secretLooking(v any, where string) (key, path string) {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if s, ok := x.(string); ok && s != "" && !strings.HasPrefix(s, "=") {
				lk := strings.ToLower(k)
				for _, sk := range secretKeys {
					if lk == sk {
						return k, where + "." + k
					}
				}
			}
			if key, path := secretLooking(x, where+"."+k); key != "" {
				return key, path
			}
		}
	case []any:
		for i, x := range t {
			if key, path := secretLooking(x, fmt.Sprintf("%s[%d]", where, i)); key != "" {
				return key, path
			}
		}
	}
	return "", ""
}
