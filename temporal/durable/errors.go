package durable

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"syscall"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// Application error types: the Temporal error's Type says which n8n error
// it carries.
const (
	// ErrTypeNodeAPI is n8n's NodeApiError: the service answered with an
	// error or could not be reached.
	ErrTypeNodeAPI = runtime.NameNodeAPIError
	// ErrTypeNodeOperation is n8n's NodeOperationError: the request could
	// not be built.
	ErrTypeNodeOperation = runtime.NameNodeOperationError
	// ErrTypeIssues is n8n's WorkflowHasIssuesError: parameters that
	// cannot run.
	ErrTypeIssues = runtime.NameWorkflowHasIssues
	// ErrTypeInput is a request no worker can run: an unknown node, a
	// credential the worker does not have, a secret in the input.
	ErrTypeInput = "InputError"
)

// maxRetryAfter caps a server's Retry-After as the next retry's delay.
const maxRetryAfter = 10 * time.Minute

// Transient reports whether a failed item may succeed when sent again:
// 429 and 408, 5xx, timeouts and connection errors. Other 4xx answers and
// requests that cannot be built fail the same way every time.
func Transient(ne *runtime.NodeError) bool {
	if ne.Name != runtime.NameNodeAPIError {
		return false
	}
	if status, err := strconv.Atoi(ne.HTTPCode); err == nil {
		return status == 429 || status == 408 || status >= 500
	}
	switch ne.HTTPCode {
	case "ECONNABORTED", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ESOCKETTIMEDOUT", "EHOSTUNREACH", "EAI_AGAIN", "EPIPE":
		return true
	}
	// Without a credential n8n reports httpCode "none": ask the cause.
	var ne2 net.Error
	c := ne.Cause
	return c != nil && (errors.Is(c, syscall.ECONNRESET) || errors.Is(c, syscall.ECONNREFUSED) || errors.Is(c, syscall.EPIPE) ||
		errors.Is(c, io.EOF) || errors.Is(c, io.ErrUnexpectedEOF) || errors.Is(c, context.DeadlineExceeded) ||
		errors.As(c, &ne2) && ne2.Timeout())
}

// nodeFailure is an activity's failure: a transient one retryable
// (after the server's Retry-After when it sent one), any other not. The
// details carry n8n's error (message, description, httpCode) and the
// chunk's progress.
func nodeFailure(info *node.ErrorInfo, retryable bool, retryAfter time.Duration, partial ChunkResult) error {
	msg := info.Message
	if info.Description != "" {
		msg += ": " + info.Description
	}
	if info.HTTPCode != "" {
		msg += " (" + info.HTTPCode + ")"
	}
	opts := temporal.ApplicationErrorOptions{NonRetryable: !retryable, Details: []any{info, partial}}
	if retryable && retryAfter > 0 {
		opts.NextRetryDelay = min(retryAfter, maxRetryAfter)
	}
	return temporal.NewApplicationErrorWithOptions(msg, info.Name, opts)
}

// inputFailure is a request no attempt can run.
func inputFailure(typ, msg string) error {
	return temporal.NewNonRetryableApplicationError(msg, typ, nil, &node.ErrorInfo{Name: typ, Message: msg})
}

// failureInfo reads n8n's error and the partial output back from an
// activity's error, as the workflow sees it.
func failureInfo(err error) (*node.ErrorInfo, *ChunkResult) {
	var app *temporal.ApplicationError
	if !errors.As(err, &app) {
		return &node.ErrorInfo{Name: runtime.NameNodeOperationError, Message: err.Error()}, nil
	}
	var info node.ErrorInfo
	var partial ChunkResult
	switch app.Details(&info, &partial) {
	case nil:
		return &info, &partial
	}
	if app.Details(&info) == nil && info.Name != "" {
		return &info, nil
	}
	return &node.ErrorInfo{Name: app.Type(), Message: app.Message()}, nil
}
