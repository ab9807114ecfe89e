package runtime

import (
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/time/rate"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime/expr"
)

// Engine runs declarative node descriptions. Its zero value is ready to
// use, with the defaults documented on each field; set fields before the
// first run and do not change them afterwards. An Engine is safe for
// concurrent use and should be reused: it keeps compiled expressions,
// connection pools and rate limiters across runs.
type Engine struct {
	// Logger receives structured logs. The zero Logger discards them.
	// Secrets are redacted from everything the engine logs.
	Logger zerolog.Logger
	// Slog, when set, receives the engine's logs instead of Logger: each
	// event becomes a slog record (level, message, fields as attributes)
	// for Slog's handler, at the levels the handler enables. Secrets are
	// redacted as for Logger.
	Slog *slog.Logger
	// Transport sends every request when set (tests, custom stacks); the
	// Request Options proxy and Ignore SSL Issues then apply only if it
	// is an *http.Transport, which is cloned per setting. Nil means
	// noderun's own keep-alive transports.
	Transport http.RoundTripper
	// MaxConcurrency bounds the requests in flight in one run. Zero means 64.
	MaxConcurrency int
	// MaxInFlight, when positive, bounds the requests in flight across all
	// runs of this Engine together (OAuth2 token and preAuthentication
	// requests included), for a server or a host that must not be sent
	// more at once; a request waits for a free slot, or for its context to
	// end. Zero means no bound beyond each run's MaxConcurrency.
	MaxInFlight int
	// Expressions configures the expression engine (time and size limits,
	// $env access, timezone, n8n-lenient errors).
	Expressions expr.Options
	// Hooks holds the functions that descriptions name in preSend,
	// postReceive and pagination. Nil means none.
	Hooks *Hooks
	// MaxResponseBytes bounds one response body; a larger one fails its
	// item. Zero means 16 MiB; negative means no limit.
	MaxResponseBytes int64
	// MaxPages bounds the pages one item's pagination may fetch, a guard
	// n8n lacks (O9). Zero means 1000.
	MaxPages int
	// MaxItemsPerInput bounds the output items one input item's responses
	// may make, over all its pages; pagination stops as soon as it is
	// passed, and the item fails. Zero means 100,000; negative means no
	// limit.
	MaxItemsPerInput int
	// MaxOutputBytesPerInput bounds the response bytes one input item's
	// output is made from, summed over its pages, likewise. Zero means
	// 64 MiB; negative means no limit.
	MaxOutputBytesPerInput int64
	// RequestDeadline bounds one attempt of a request as a whole, however
	// steadily the server sends: the Request Options timeout only limits
	// inactivity. Zero means 10 minutes, or the request's timeout when
	// that is longer; negative means no deadline.
	RequestDeadline time.Duration
	// AllowLinkLocal lets requests reach link-local addresses
	// (169.254.0.0/16, fe80::/10) and the cloud metadata services
	// (169.254.169.254, fd00:ec2::254, 100.100.100.200,
	// metadata.google.internal), which are refused by default, checked on
	// the address actually dialled.
	AllowLinkLocal bool
	// Retry retries transient failures of single requests. The zero value
	// is DefaultRetryPolicy; set Retry.Disabled to turn retries off.
	Retry RetryPolicy
	// RateLimit, when positive, limits requests per second for each
	// credential, in addition to n8n's batching; RateBurst is the burst
	// (zero means 1).
	RateLimit rate.Limit
	RateBurst int
	// Sleep waits between batches and retries; nil means a timer that
	// stops early when ctx ends. Tests inject a fake clock here.
	Sleep func(ctx context.Context, d time.Duration) error

	once       sync.Once
	exprs      *expr.Engine
	transports sync.Map // transportKey -> http.RoundTripper
	limiters   sync.Map // credential identity -> *rate.Limiter
	creds      credentialStates
	inFlight   chan struct{}  // MaxInFlight's slots; nil when unbounded
	log        zerolog.Logger // Logger, or Slog's bridge
}

const (
	defaultMaxConcurrency   = 64
	defaultMaxResponseBytes = 16 << 20
	defaultMaxPages         = 1000
	// defaultTimeout is RoutingNode's timeout when Request Options has none (X4).
	defaultTimeout = 300 * time.Second
)

func (e *Engine) init() {
	e.once.Do(func() {
		opts := e.Expressions
		if opts.MaxRuntimes == 0 {
			opts.MaxRuntimes = runtime.GOMAXPROCS(0) * 2
		}
		e.exprs = expr.New(opts)
		e.log = e.Logger
		if e.Slog != nil {
			e.log = slogBridge(e.Slog.Handler())
		}
		if e.MaxInFlight > 0 {
			e.inFlight = make(chan struct{}, e.MaxInFlight)
		}
	})
}

// CloseIdleConnections closes the idle keep-alive connections of every
// HTTP client the engine has made (one per proxy and TLS setting). Call it
// when the engine is no longer needed, so that no pooled connection and its
// goroutines outlive it; the engine stays usable and dials again on demand.
// A custom Engine.Transport is asked to close its idle connections too,
// when it can.
func (e *Engine) CloseIdleConnections() {
	e.transports.Range(func(_, t any) bool {
		// What http.Client.CloseIdleConnections does with its transport.
		if c, ok := t.(interface{ CloseIdleConnections() }); ok {
			c.CloseIdleConnections()
		}
		return true
	})
}

// Expr returns the engine's expression engine.
func (e *Engine) Expr() *expr.Engine {
	e.init()
	return e.exprs
}

func (e *Engine) maxConcurrency() int {
	if e.MaxConcurrency > 0 {
		return e.MaxConcurrency
	}
	return defaultMaxConcurrency
}

func (e *Engine) maxResponseBytes() int64 {
	switch {
	case e.MaxResponseBytes > 0:
		return e.MaxResponseBytes
	case e.MaxResponseBytes < 0:
		return 1<<63 - 1
	}
	return defaultMaxResponseBytes
}

func (e *Engine) maxPages() int {
	if e.MaxPages > 0 {
		return e.MaxPages
	}
	return defaultMaxPages
}

func (e *Engine) sleep(ctx context.Context, d time.Duration) error {
	if e.Sleep != nil {
		return e.Sleep(ctx, d)
	}
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Run is one execution of a node: what n8n's WorkflowExecute hands
// RoutingNode.
type Run struct {
	// Node is the node type to run.
	Node *NodeType
	// Parameters are the node's parameters as n8n stores them in a
	// workflow, including resource and operation.
	Parameters map[string]any
	// Credentials gives credential data by type name. It may be nil for
	// a node that needs none.
	Credentials credentials.Store
	// Settings are the node's execution settings (continue on fail, retry).
	Settings node.Settings
	// Items are the input items; nil or empty means one empty item, as
	// n8n gives a node without input (X1).
	Items []node.Item
	// NodeName is the node's name in the workflow; empty means the
	// description's display name.
	NodeName string
	// RunIndex is $runIndex.
	RunIndex int
	// Nodes resolves $('Name') for expressions; nil means no other nodes.
	Nodes expr.NodeLookup
	// Workflow and Execution are $workflow and $execution.
	Workflow  expr.Workflow
	Execution expr.Execution
	// TypeVersion is the node's typeVersion, one the description lists;
	// zero means its latest.
	TypeVersion float64
	// InputCheck is how strictly the parameters and credentials are
	// checked before any request; the zero value is CheckStrict.
	InputCheck InputCheck
}

// Result is what a run produced.
type Result struct {
	// Items is the main output, in input order, each paired to its input
	// item. With continue-on-fail (continueRegularOutput), a failed input
	// item appears here as an item whose Error is set.
	Items []node.Item
	// ErrorItems is the error output of onError continueErrorOutput.
	ErrorItems []node.Item
	// Err is set when the node failed: no further items were started and
	// Items holds only the output of the items before the failed one.
	Err *NodeError
	// PassedThrough is set when the node failed but n8n's engine would
	// continue on failure: Items then holds the input items unchanged, as
	// n8n passes them on (F7). The engine continues when continueOnFail is
	// set or onError is a continue value, either one, so that
	// {continueOnFail: true, onError: stopWorkflow} stops inside the node
	// (F1) yet passes its input through.
	PassedThrough *NodeError
}

// Execute prepares and runs a node over run.Items. Exactly one of these
// describes the outcome:
//
//   - The run cannot start: the error is returned with a zero Result. It
//     is a *IssuesError for parameters, credential fields or a
//     typeVersion with issues, and a plain error for a Run without a node
//     type.
//   - ctx ended before the run finished: ctx's error is returned, and
//     Result.Items holds the output of the items delivered before.
//   - The node failed, before any item (a credential missing or unusable;
//     ItemIndex -1) or at an item whose failure stops it: Result.Err is
//     the *NodeError, Result.Items the output of the items before it, and
//     the error is nil. When the settings let n8n's engine continue (F7),
//     Result.PassedThrough holds the failure instead, and Result.Items
//     the input items.
//   - Otherwise the run finished and the error is nil. Items that failed
//     while the settings continue the node are error items: in
//     Result.Items with their Error set (continueOnFail, onError
//     continueRegularOutput), or in Result.ErrorItems (onError
//     continueErrorOutput).
func (e *Engine) Execute(ctx context.Context, run Run) (Result, error) {
	p, err := e.Prepare(ctx, run)
	if err != nil {
		if ne, ok := err.(*NodeError); ok {
			if ctx.Err() != nil {
				// The credential store or a token fetch saw ctx end.
				return Result{}, ctx.Err()
			}
			if engineContinues(run.Settings) {
				return Result{Items: PassThrough(run.Items, run.Settings), PassedThrough: ne}, nil
			}
			return Result{Err: ne}, nil
		}
		return Result{}, err
	}
	return p.Execute(ctx, run.Items)
}

// engineContinues is n8n's WorkflowExecute.continuesOnError: unlike the
// node itself (F1), the engine continues when either flag asks for it (F7).
func engineContinues(s node.Settings) bool {
	return s.ContinueOnFail || s.OnError == node.OnErrorContinueRegularOutput || s.OnError == node.OnErrorContinueErrorOutput
}

// PassThrough is the output of a node that failed as a whole but
// continues (F7): the input items unchanged, each paired to itself;
// executeOnce trims the input to its first item (X1).
func PassThrough(items []node.Item, s node.Settings) []node.Item {
	items = InputItems(items)
	if s.ExecuteOnce {
		items = items[:1]
	}
	out := make([]node.Item, len(items))
	for i, it := range items {
		it.PairedItem = node.Paired(i)
		out[i] = it
	}
	return out
}

// InputItems is the input a node runs on: the items, or one empty item
// when there are none, as n8n gives a node without input (X1).
func InputItems(items []node.Item) []node.Item {
	if len(items) == 0 {
		return []node.Item{{JSON: map[string]any{}}}
	}
	return items
}
