package node

import (
	"context"
	"time"
)

// Item is one record flowing between nodes, n8n's INodeExecutionData.
type Item struct {
	// JSON is a decoded JSON value: normally map[string]any. n8n passes a
	// response body that is not an object (a string, number or null)
	// through as it is, and so does noderun (O2). Numbers are float64.
	JSON       any               `json:"json"`
	Binary     map[string]Binary `json:"binary,omitempty"`
	PairedItem *PairedItem       `json:"pairedItem,omitempty"`
	// Error is set on an item that stands for a failed input item when the
	// node continues on failure (F2, F6).
	Error *ErrorInfo `json:"error,omitempty"`
}

// PairedItem links an output item to the input item it came from.
type PairedItem struct {
	Item  int  `json:"item"`
	Input *int `json:"input,omitempty"`
}

// Paired returns a PairedItem for input item i.
func Paired(i int) *PairedItem { return &PairedItem{Item: i} }

// Binary is one binary attachment of an item (IBinaryData); Data is base64.
type Binary struct {
	Data          string `json:"data"`
	MimeType      string `json:"mimeType"`
	FileName      string `json:"fileName,omitempty"`
	FileExtension string `json:"fileExtension,omitempty"`
	FileSize      string `json:"fileSize,omitempty"`
	FileType      string `json:"fileType,omitempty"`
	Directory     string `json:"directory,omitempty"`
}

// ErrorInfo is the serialisable form of a node or item error, with the
// fields n8n shows: NodeApiError and NodeOperationError.
type ErrorInfo struct {
	// Name is the error class: NodeApiError, NodeOperationError,
	// ExpressionError, or NodeParameterError for input that cannot run.
	Name        string `json:"name"`
	Message     string `json:"message"`
	Description string `json:"description,omitempty"`
	// HTTPCode is the status as a string ("422"), a network error code
	// ("ECONNABORTED") or empty; a string, as in n8n.
	HTTPCode string `json:"httpCode,omitempty"`
	// ItemIndex is the input item the error belongs to, when it belongs to one.
	ItemIndex *int `json:"itemIndex,omitempty"`
	// Parameter names the parameter whose value failed, when one did.
	Parameter string `json:"parameter,omitempty"`
	// Body is the response body of an HTTP error, when it was JSON.
	Body any `json:"body,omitempty"`
}

// Settings are the per-node execution settings of n8n's node object.
type Settings struct {
	// ContinueOnFail is n8n's legacy flag; OnError takes precedence (F1).
	ContinueOnFail bool `json:"continueOnFail,omitempty"`
	// OnError is stopWorkflow (default), continueRegularOutput or
	// continueErrorOutput.
	OnError string `json:"onError,omitempty"`
	// RetryOnFail re-runs failed work up to MaxTries times, waiting
	// WaitBetweenTries ms between tries, clamped as n8n clamps them (F8).
	RetryOnFail      bool `json:"retryOnFail,omitempty"`
	MaxTries         int  `json:"maxTries,omitempty"`
	WaitBetweenTries int  `json:"waitBetweenTries,omitempty"`
	// AlwaysOutputData emits one empty item when the node produced none (O3).
	AlwaysOutputData bool `json:"alwaysOutputData,omitempty"`
	// ExecuteOnce runs the node for the first input item only (X1).
	ExecuteOnce bool `json:"executeOnce,omitempty"`
}

// OnError values.
const (
	OnErrorStop                  = "stopWorkflow"
	OnErrorContinueRegularOutput = "continueRegularOutput"
	OnErrorContinueErrorOutput   = "continueErrorOutput"
)

// Retries returns n8n's clamped tries and wait (F8): maxTries in [2, 5]
// (default 3), waitBetweenTries in [0, 5000] ms (0 means 1000); one try
// and no wait without RetryOnFail.
func (s Settings) Retries() (tries int, wait time.Duration) {
	if !s.RetryOnFail {
		return 1, 0
	}
	tries = s.MaxTries
	if tries == 0 {
		tries = 3
	}
	tries = min(max(tries, 2), 5)
	ms := s.WaitBetweenTries
	if ms == 0 {
		ms = 1000
	}
	ms = min(max(ms, 0), 5000)
	return tries, time.Duration(ms) * time.Millisecond
}

// Continues reports whether failed items become error items instead of
// failing the node: onError decides when set, else continueOnFail (F1).
func (s Settings) Continues() bool {
	if s.OnError != "" {
		return s.OnError == OnErrorContinueRegularOutput || s.OnError == OnErrorContinueErrorOutput
	}
	return s.ContinueOnFail
}

// Node is anything that turns input items into output items. Execute
// returns the main output; with continue-on-fail, failed input items appear
// in it as items whose Error is set. A non-nil error means the node failed.
type Node interface {
	Execute(ctx context.Context, items []Item) ([]Item, error)
}

// Func adapts a function to the Node interface.
type Func func(ctx context.Context, items []Item) ([]Item, error)

// Execute calls f.
func (f Func) Execute(ctx context.Context, items []Item) ([]Item, error) { return f(ctx, items) }

var _ Node = Func(nil)
