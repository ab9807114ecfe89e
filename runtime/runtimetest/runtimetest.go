package runtimetest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// Case is one oracle case: parameters, credentials, items and the
// responses the recording server gives, in arrival order.
type Case struct {
	Note           string         `json:"note,omitempty"`
	Resource       string         `json:"resource"`
	Operation      string         `json:"operation"`
	Parameters     map[string]any `json:"parameters"`
	Credentials    map[string]any `json:"credentials"`
	Items          []node.Item    `json:"items"`
	Responses      []Response     `json:"responses"`
	ContinueOnFail bool           `json:"continueOnFail"`
	Timestamps     *bool          `json:"timestamps,omitempty"`
	HoldMs         *int           `json:"hold_ms,omitempty"`
}

// Response is one canned answer.
type Response struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	// Body is JSON, or a string sent as text/plain; absent means empty.
	Body    any `json:"body"`
	DelayMs int `json:"delay_ms,omitempty"`
}

// Recording is what a run sent and output, in the oracle's format.
type Recording struct {
	Requests         []Request    `json:"requests"`
	OrderIndependent bool         `json:"order_independent"`
	Output           []OutputItem `json:"output"`
	Error            *Error       `json:"error"`
}

// Request is one recorded request.
type Request struct {
	Method      string            `json:"method"`
	Path        string            `json:"path"`
	Query       map[string]any    `json:"query"`
	Headers     map[string]string `json:"headers"`
	Body        any               `json:"body"`
	TMs         *float64          `json:"t_ms,omitempty"`
	AbsoluteURL string            `json:"absolute_url,omitempty"`
}

// OutputItem is one output item as the oracle prints it.
type OutputItem struct {
	JSON       any                    `json:"json"`
	Binary     map[string]node.Binary `json:"binary,omitempty"` // n8n also prints bytes, which node.Binary lacks
	PairedItem *node.PairedItem       `json:"pairedItem,omitempty"`
	Error      *Error                 `json:"error,omitempty"`
}

// Error is an error as the oracle prints it.
type Error struct {
	Message     string  `json:"message"`
	Description *string `json:"description"`
	HTTPCode    *string `json:"httpCode"`
	Name        string  `json:"name"`
}

// ReadCase reads a case file, replacing @ORACLE_URL@ with serverURL.
func ReadCase(path, serverURL string) (*Case, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b = []byte(strings.ReplaceAll(string(b), "@ORACLE_URL@", serverURL))
	var c Case
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &c, nil
}

// ReadRecording reads a recording file.
func ReadRecording(path string) (*Recording, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Recording
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

// transportHeaders are removed from recordings, as the oracle removes them.
var transportHeaders = map[string]bool{
	"host": true, "connection": true, "content-length": true, "user-agent": true,
	"accept-encoding": true, "transfer-encoding": true, "keep-alive": true, "te": true,
}

// Server answers canned responses in arrival order and records requests.
// Past the last canned response it answers 200 {"id":1,"echo":true}.
type Server struct {
	*httptest.Server
	mu        sync.Mutex
	responses []Response
	next      int
	requests  []Request
	inFlight  int
	overlap   bool
	start     time.Time
	stamp     bool
}

// NewServer starts a recording server; it is closed by t.Cleanup.
func NewServer(t testing.TB, responses []Response) *Server {
	t.Helper()
	s := &Server{responses: responses, start: time.Now()}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	if s.inFlight > 0 {
		s.overlap = true
	}
	s.inFlight++
	// The path as sent (percent-encoded), as the oracle records URL.pathname.
	rec := Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: map[string]any{}, Headers: map[string]string{}}
	for k, vs := range r.URL.Query() {
		if len(vs) == 1 {
			rec.Query[k] = vs[0]
		} else {
			list := make([]any, len(vs))
			for i, v := range vs {
				list[i] = v
			}
			rec.Query[k] = list
		}
	}
	for k, vs := range r.Header {
		name := strings.ToLower(k)
		if !transportHeaders[name] {
			rec.Headers[name] = strings.Join(vs, ", ")
		}
	}
	if len(raw) > 0 {
		var v any
		if json.Unmarshal(raw, &v) == nil {
			rec.Body = v
		} else {
			rec.Body = string(raw)
		}
	}
	if r.URL.IsAbs() {
		rec.AbsoluteURL = r.URL.String()
	}
	if s.stamp {
		ms := float64(time.Since(s.start).Milliseconds())
		rec.TMs = &ms
	}
	s.requests = append(s.requests, rec)
	resp := Response{Status: 200, Body: map[string]any{"id": 1, "echo": true}}
	if s.next < len(s.responses) {
		resp = s.responses[s.next]
	}
	s.next++
	s.mu.Unlock()
	if resp.DelayMs > 0 {
		select {
		case <-time.After(time.Duration(resp.DelayMs) * time.Millisecond):
		case <-r.Context().Done():
		}
	}
	s.mu.Lock()
	s.inFlight--
	s.mu.Unlock()
	for k, v := range resp.Headers {
		w.Header().Set(k, v)
	}
	var payload []byte
	switch b := resp.Body.(type) {
	case nil:
	case string:
		payload = []byte(b)
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		}
	default:
		payload, _ = json.Marshal(b)
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
		}
	}
	status := resp.Status
	if status == 0 {
		status = 200
	}
	w.WriteHeader(status)
	_, _ = w.Write(payload)
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Options adjust how RunCase runs.
type Options struct {
	// CredentialType is the name the case's credentials are stored under;
	// empty means the node type's first credential.
	CredentialType string
	// Engine runs the case; nil means a fresh Engine with MaxConcurrency 1,
	// so that canned responses meet requests in item order, and without
	// noderun's transport retries, which n8n does not have.
	Engine *runtime.Engine
	// InputCheck is the runs' runtime.Run.InputCheck: n8n's own behaviour
	// is runtime.CheckNone.
	InputCheck runtime.InputCheck
	// NodeName names the node in the workflow (the oracle's is "Node");
	// empty means the description's display name.
	NodeName string
}

// RunCase runs a case against a fresh recording server and returns what
// was sent and output, in the oracle's format.
func RunCase(t testing.TB, nt *runtime.NodeType, c *Case, opts Options) *Recording {
	t.Helper()
	srv := NewServer(t, c.Responses)
	srv.stamp = c.Timestamps != nil && *c.Timestamps
	return RunCaseOn(t, srv, nt, c, opts)
}

// RunCaseOn runs a case against the given server.
func RunCaseOn(t testing.TB, srv *Server, nt *runtime.NodeType, c *Case, opts Options) *Recording {
	t.Helper()
	engine := opts.Engine
	if engine == nil {
		engine = &runtime.Engine{MaxConcurrency: 1, Retry: runtime.RetryPolicy{Disabled: true}}
		t.Cleanup(engine.CloseIdleConnections)
	}
	credName := opts.CredentialType
	if credName == "" && len(nt.Description.Credentials) > 0 {
		credName = nt.Description.Credentials[0].Name
	}
	creds := map[string]any{"url": srv.URL}
	for k, v := range c.Credentials {
		creds[k] = v
	}
	parameters := map[string]any{"resource": c.Resource, "operation": c.Operation}
	for k, v := range c.Parameters {
		parameters[k] = v
	}
	run := runtime.Run{
		Node:        nt,
		NodeName:    opts.NodeName,
		Parameters:  parameters,
		Credentials: credentials.Map{credName: creds},
		Items:       c.Items,
		InputCheck:  opts.InputCheck,
	}
	if c.ContinueOnFail {
		run.Settings.OnError = node.OnErrorContinueRegularOutput
	}
	res, err := engine.Execute(context.Background(), run)
	rec := &Recording{Requests: srv.Requests(), OrderIndependent: srv.overlap, Output: []OutputItem{}}
	if rec.Requests == nil {
		rec.Requests = []Request{}
	}
	if err != nil {
		rec.Error = errorOf(err)
		return rec
	}
	if res.Err != nil {
		rec.Error = errorOf(res.Err)
		return rec
	}
	for _, it := range res.Items {
		o := OutputItem{JSON: it.JSON, Binary: it.Binary, PairedItem: it.PairedItem}
		if it.Error != nil {
			o.Error = infoError(it.Error)
		}
		rec.Output = append(rec.Output, o)
	}
	return rec
}

func errorOf(err error) *Error {
	switch e := err.(type) {
	case *runtime.NodeError:
		return infoError(e.Info())
	case *runtime.IssuesError:
		return infoError(e.Info())
	}
	return &Error{Message: err.Error(), Name: "Error"}
}

func infoError(info *node.ErrorInfo) *Error {
	e := &Error{Message: info.Message, Name: info.Name}
	if info.Description != "" {
		d := info.Description
		e.Description = &d
	}
	if info.HTTPCode != "" {
		c := info.HTTPCode
		e.HTTPCode = &c
	}
	return e
}

// QueryString decodes a raw query the way the oracle records it.
func QueryString(raw string) map[string]any {
	vals, _ := url.ParseQuery(raw)
	out := map[string]any{}
	for k, vs := range vals {
		if len(vs) == 1 {
			out[k] = vs[0]
			continue
		}
		list := make([]any, len(vs))
		for i, v := range vs {
			list[i] = v
		}
		out[k] = list
	}
	return out
}
