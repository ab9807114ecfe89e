package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime/expr"
)

// Error class names, as n8n names them.
const (
	NameNodeAPIError       = "NodeApiError"
	NameNodeOperationError = "NodeOperationError"
	NameWorkflowHasIssues  = "WorkflowHasIssuesError"
)

// NodeError is a failure of the node as a whole or of one input item:
// n8n's NodeApiError (the service answered with an error or could not be
// reached) or NodeOperationError (the request could not be built).
type NodeError struct {
	// Name is NameNodeAPIError or NameNodeOperationError.
	Name        string
	Message     string
	Description string
	// HTTPCode is the status ("422"), a network error code
	// ("ECONNREFUSED") or empty.
	HTTPCode string
	// ItemIndex is the input item that failed, or -1 for the whole node.
	ItemIndex int
	RunIndex  int
	// Parameter names the parameter whose value failed, when one did.
	Parameter string
	// Body is the decoded response body of an HTTP error.
	Body any
	// Cause is the underlying error.
	Cause error

	// retryAfter is the server's Retry-After delay, when it sent one.
	retryAfter time.Duration
	// unsent is true when the request certainly never reached the server
	// (connection refused, DNS failure), so retrying it is always safe.
	unsent bool
	// status is the HTTP status, 0 for network errors.
	status int
	// code is the Node.js error code of a network error (ECONNRESET ...),
	// empty when the failure is not a known transient one (a rejected
	// certificate, too many redirects), which is never retried.
	code string
}

// Error implements error. It never includes credential values: the
// runtime redacts causes before they reach a NodeError.
func (e *NodeError) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	if e.Description != "" {
		b.WriteString(": ")
		b.WriteString(e.Description)
	}
	if e.HTTPCode != "" {
		fmt.Fprintf(&b, " (%s)", e.HTTPCode)
	}
	if e.Parameter != "" {
		fmt.Fprintf(&b, " [parameter %q]", e.Parameter)
	}
	if e.ItemIndex >= 0 {
		fmt.Fprintf(&b, " [item %d]", e.ItemIndex)
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *NodeError) Unwrap() error { return e.Cause }

// RetryAfter is the delay the service asked for in a Retry-After header
// (a 429 or 503 answer), or zero; schedulers that retry a failed item
// outside the engine (Temporal) wait this long.
func (e *NodeError) RetryAfter() time.Duration { return e.retryAfter }

// Info returns the serialisable form of the error.
func (e *NodeError) Info() *node.ErrorInfo {
	info := &node.ErrorInfo{
		Name:        e.Name,
		Message:     e.Message,
		Description: e.Description,
		HTTPCode:    e.HTTPCode,
		Parameter:   e.Parameter,
		Body:        e.Body,
	}
	if e.ItemIndex >= 0 {
		i := e.ItemIndex
		info.ItemIndex = &i
	}
	return info
}

// IssuesError is n8n's WorkflowHasIssuesError: the parameters cannot run
// (a required parameter is empty, an option value does not exist), so no
// request is sent.
type IssuesError struct {
	NodeName string
	// Issues are the sentences n8n shows, e.g. `Parameter "Inbox
	// Identifier" is required.`
	Issues []string
	// Parameters names the parameter of each issue, in the same order.
	Parameters []string
}

// Error implements error with n8n's wording.
func (e *IssuesError) Error() string {
	bullets := make([]string, len(e.Issues))
	for i, s := range e.Issues {
		bullets[i] = "- " + s
	}
	return fmt.Sprintf("The '%s' node has issues:\n%s", e.NodeName, strings.Join(bullets, "\n"))
}

// Info returns the serialisable form of the error.
func (e *IssuesError) Info() *node.ErrorInfo {
	info := &node.ErrorInfo{Name: NameWorkflowHasIssues, Message: e.Error()}
	if len(e.Parameters) == 1 {
		info.Parameter = e.Parameters[0]
	}
	return info
}

// statusMessages are n8n's NodeApiError messages by status (F5).
var statusMessages = map[int]string{
	400: "Bad request - please check your parameters",
	401: "Authorization failed - please check your credentials",
	402: "Payment required - perhaps check your payment details?",
	403: "Forbidden - perhaps check your credentials?",
	404: "The resource you are requesting could not be found",
	405: "Method not allowed - please check you are using the right HTTP method",
	429: "The service is receiving too many requests from you",
	500: "The service was not able to process your request",
	502: "Bad gateway - the service failed to handle your request",
	503: "Service unavailable - try again later or consider setting this node to retry automatically (in the node settings)",
	504: "Gateway timed out - perhaps try again later?",
}

// Network error codes and n8n's messages for them (COMMON_ERRORS).
const (
	codeConnRefused  = "ECONNREFUSED"
	codeConnReset    = "ECONNRESET"
	codeNotFound     = "ENOTFOUND"
	codeTimedOut     = "ETIMEDOUT"
	codeAborted      = "ECONNABORTED"
	codeHostUnreach  = "EHOSTUNREACH"
	codeDNSTemporary = "EAI_AGAIN"
)

var networkMessages = map[string]string{
	codeConnRefused:  "The service refused the connection - perhaps it is offline",
	codeConnReset:    "The connection to the server was closed unexpectedly, perhaps it is offline. You can retry the request immediately or wait and retry later.",
	codeNotFound:     "The connection cannot be established, this usually occurs due to an incorrect host (domain) value",
	codeTimedOut:     "The connection timed out, consider setting the 'Retry on Fail' option in the node settings",
	codeAborted:      "The connection was aborted, perhaps the server is offline",
	codeHostUnreach:  "The host is unreachable, perhaps the server is offline",
	codeDNSTemporary: "The DNS server returned an error, perhaps the server is offline",
}

// httpError builds the NodeApiError for an error status (F4, F5). With a
// credential n8n replaces the client's message with its status message;
// without one it keeps "Request failed with status code N".
func httpError(status int, body any, withCredential bool) *NodeError {
	clientMessage := "Request failed with status code " + strconv.Itoa(status)
	e := &NodeError{Name: NameNodeAPIError, HTTPCode: strconv.Itoa(status), ItemIndex: -1}
	if m, ok := body.(map[string]any); ok {
		e.Body = m
		switch msg := m["message"]; {
		case truthy(msg):
			e.Description = jsString(msg)
		default:
			if inner, ok := m["error"].(map[string]any); ok && truthy(inner["message"]) {
				e.Description = jsString(inner["message"])
			}
		}
	}
	if e.Description == "" {
		// n8n's key search over the client error finds its own message.
		e.Description = clientMessage
	}
	if !withCredential {
		e.Message = clientMessage
	} else {
		e.Message = statusMessage(status)
	}
	if e.Message == e.Description {
		e.Description = ""
	}
	return e
}

func statusMessage(status int) string {
	if m, ok := statusMessages[status]; ok {
		return m
	}
	if status >= 500 {
		return "The service failed to process your request"
	}
	return "Your request is invalid or could not be processed by the service"
}

// networkError builds the NodeApiError for a request that got no
// response. With a credential n8n maps the error code to a sentence and
// reports the code as httpCode; without one it keeps the client's message
// (mapped when it names a known code) and httpCode "none".
func networkError(err error, timeoutMs int, withCredential bool) *NodeError {
	code, text := classifyNetworkError(err, timeoutMs)
	e := &NodeError{Name: NameNodeAPIError, ItemIndex: -1, Cause: err, Message: text, code: code,
		unsent: code == codeConnRefused || code == codeNotFound || code == codeDNSTemporary || code == codeHostUnreach}
	if withCredential {
		e.HTTPCode = code
		if msg, ok := networkMessages[code]; ok {
			e.Message = msg
		}
		return e
	}
	e.HTTPCode = "none"
	for c, msg := range networkMessages {
		if strings.Contains(strings.ToUpper(text), c) {
			e.Message = msg
			break
		}
	}
	return e
}

// errTimeout marks a request aborted by the Request Options timeout.
var errTimeout = errors.New("timeout")

// classifyNetworkError maps a Go transport error to Node.js's error code
// and the message Node.js would give.
func classifyNetworkError(err error, timeoutMs int) (code, text string) {
	text = err.Error()
	var uerr *url.Error
	if errors.As(err, &uerr) {
		text = uerr.Err.Error()
	}
	var dnsErr *net.DNSError
	var past deadlineError
	switch {
	case errors.As(err, &past):
		return codeAborted, past.Error() // worded as the timeout, for the same retries
	case errors.Is(err, errTimeout):
		return codeAborted, fmt.Sprintf("timeout of %dms exceeded", timeoutMs)
	case errors.Is(err, syscall.ECONNREFUSED):
		return codeConnRefused, "connect ECONNREFUSED"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return codeConnReset, "read ECONNRESET"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return codeHostUnreach, text
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return codeNotFound, "getaddrinfo ENOTFOUND " + dnsErr.Name
		}
		return codeDNSTemporary, "getaddrinfo EAI_AGAIN " + dnsErr.Name
	case errors.Is(err, context.DeadlineExceeded):
		return codeTimedOut, text
	case errors.Is(err, errReplayStopped):
		return codeConnReset, "socket hang up"
	case errors.Is(err, io.EOF):
		// The server closed the connection before answering: Node.js
		// reports "socket hang up" with code ECONNRESET.
		return codeConnReset, "socket hang up"
	case strings.Contains(text, "unexpected EOF"), strings.Contains(text, "server closed idle connection"),
		strings.Contains(text, "connection reset"):
		return codeConnReset, "read ECONNRESET"
	}
	return "", text
}

// operationError wraps a failure to build an item's request (F3).
func operationError(err error, itemIndex int, parameter string) *NodeError {
	var ne *NodeError
	if errors.As(err, &ne) {
		out := *ne
		out.ItemIndex = itemIndex
		if out.Parameter == "" {
			out.Parameter = parameter
		}
		return &out
	}
	e := &NodeError{Name: NameNodeOperationError, Message: err.Error(), ItemIndex: itemIndex, Parameter: parameter, Cause: err}
	var xe *expr.Error
	if errors.As(err, &xe) {
		e.Message = xe.Message
		e.Description = expressionDescription(xe, parameter)
	}
	return e
}

func expressionDescription(xe *expr.Error, parameter string) string {
	var parts []string
	if xe.Description != "" {
		parts = append(parts, xe.Description)
	}
	if parameter != "" {
		parts = append(parts, fmt.Sprintf("in parameter %q", parameter))
	}
	if xe.Expression != "" {
		parts = append(parts, fmt.Sprintf("expression %s", xe.Expression))
	}
	return strings.Join(parts, "; ")
}
