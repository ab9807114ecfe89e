package contract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Violation is one way a request or response departs from the OpenAPI document.
type Violation struct {
	Side      string // "request" or "response"
	Operation string // operationId; "" when no operation matched
	Method    string
	Path      string
	Status    int    // response status; 0 for requests
	Kind      string // route, status, content-type, schema, parameter, body, security
	Pointer   string // JSON pointer of the offending value ("" for the whole body), or "in:name" for a parameter
	Field     string // schema keyword (type, enum, required, nullable, ...) or parameter name
	Message   string
	Known     *KnownSpecError // the spec error that explains it, or nil
}

func (v Violation) String() string {
	where := v.Operation
	if where == "" {
		where = v.Method + " " + v.Path
	}
	s := fmt.Sprintf("%s %s", v.Side, where)
	if v.Status != 0 {
		s += fmt.Sprintf(" [%d]", v.Status)
	}
	s += fmt.Sprintf(" %s", v.Kind)
	if v.Pointer != "" || v.Field != "" {
		s += fmt.Sprintf(" %s(%s)", v.Pointer, v.Field)
	}
	return s + ": " + v.Message
}

// Error lists the unexplained violations of one request or response; use errors.As to get it.
type Error struct {
	Violations []Violation
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		lines[i] = v.String()
	}
	return fmt.Sprintf("%d contract violation(s):\n  %s", len(e.Violations), strings.Join(lines, "\n  "))
}

// Checker validates traffic against one loaded OpenAPI document. It is safe for concurrent use.
type Checker struct {
	doc    *openapi3.T
	router routers.Router
	known  []KnownSpecError

	mu   sync.Mutex
	hits map[string]int // KnownSpecError.ID -> times it explained a violation
}

// NewChecker loads the OpenAPI document at specPath.
func NewChecker(specPath string) (*Checker, error) {
	raw, err := os.ReadFile(specPath)
	if err != nil {
		return nil, fmt.Errorf("contract: reading spec: %w", err)
	}
	return Load(raw)
}

// Load builds a Checker from the bytes of the OpenAPI document, repairing what stops kin-openapi
// from loading it (see the load-time entries of KnownSpecErrors).
func Load(spec []byte) (*Checker, error) {
	// Spec error: three schemas still point at Swagger 2 "#/definitions/..." (load-refs).
	fixed := bytes.ReplaceAll(spec, []byte(`"#/definitions/`), []byte(`"#/components/schemas/`))
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(fixed)
	if err != nil {
		return nil, fmt.Errorf("contract: loading spec: %w", err)
	}
	normalizeMediaTypes(doc)
	// Match requests by path only, whatever host the simulator listens on.
	doc.Servers = nil
	// Spec error: examples that do not match their schemas (load-examples).
	router, err := legacy.NewRouter(doc, openapi3.DisableExamplesValidation())
	if err != nil {
		return nil, fmt.Errorf("contract: building router: %w", err)
	}
	return &Checker{doc: doc, router: router, known: KnownSpecErrors(), hits: map[string]int{}}, nil
}

// normalizeMediaTypes re-keys "application/json; charset=utf-8" as "application/json" so that a
// request sent as plain application/json finds its schema (load-media-type).
func normalizeMediaTypes(doc *openapi3.T) {
	rekey := func(c openapi3.Content) {
		for k, v := range c {
			base, _, found := strings.Cut(k, ";")
			if found {
				delete(c, k)
				c[strings.TrimSpace(base)] = v
			}
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				rekey(op.RequestBody.Value.Content)
			}
			if op.Responses == nil {
				continue
			}
			for _, r := range op.Responses.Map() {
				if r.Value != nil {
					rekey(r.Value.Content)
				}
			}
		}
	}
}

// Doc returns the loaded (repaired) document.
func (c *Checker) Doc() *openapi3.T { return c.doc }

// Operations lists every operationId of the document, sorted.
func (c *Checker) Operations() []string {
	var out []string
	for _, item := range c.doc.Paths.Map() {
		for _, op := range item.Operations() {
			out = append(out, op.OperationID)
		}
	}
	sort.Strings(out)
	return out
}

// candidates finds the routes of a request: the path as sent, with a .json suffix removed and
// with its trailing slash toggled (Rails ignores both; the spec has three trailing-slash paths,
// one of which documents the same route as its slash-less twin). Routes whose parameters the
// request satisfies come first.
func (c *Checker) candidates(req *http.Request) []candidate {
	var out []candidate
	seen := map[string]bool{}
	add := func(route *routers.Route, params map[string]string, r2 *http.Request) {
		if seen[route.Path+" "+route.Method] {
			return
		}
		seen[route.Path+" "+route.Method] = true
		out = append(out, candidate{route: route, params: params, req: r2})
	}
	try := func(p string) {
		r2 := req.Clone(req.Context())
		u := *req.URL
		u.Path, u.RawPath = p, ""
		r2.URL = &u
		route, params, err := c.router.FindRoute(r2)
		if err != nil {
			return
		}
		add(route, params, r2)
		twin := route.Path + "/"
		if strings.HasSuffix(route.Path, "/") {
			twin = strings.TrimSuffix(route.Path, "/")
		}
		if item := c.doc.Paths.Value(twin); item != nil {
			if op := item.GetOperation(route.Method); op != nil {
				add(&routers.Route{Spec: c.doc, Path: twin, PathItem: item, Method: route.Method, Operation: op}, params, r2)
			}
		}
	}
	// Match the path as sent: a decoded %2F inside a parameter (a contact
	// identifier "a/b") would add a segment and match no route.
	p := strings.TrimSuffix(req.URL.EscapedPath(), ".json")
	try(p)
	if strings.HasSuffix(p, "/") {
		try(strings.TrimSuffix(p, "/"))
	} else {
		try(p + "/")
	}
	// Prefer the operations whose parameters (e.g. an enum of `type`) the request satisfies.
	ok := make([]bool, len(out))
	for i, cand := range out {
		in := &openapi3filter.RequestValidationInput{Request: cand.req, PathParams: cand.params, Route: cand.route,
			Options: &openapi3filter.Options{ExcludeRequestBody: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		ok[i] = openapi3filter.ValidateRequest(context.Background(), in) == nil
	}
	sorted := make([]candidate, 0, len(out))
	for i := range out {
		if ok[i] {
			sorted = append(sorted, out[i])
		}
	}
	for i := range out {
		if !ok[i] {
			sorted = append(sorted, out[i])
		}
	}
	return sorted
}

// detached copies req with its own body, so that checking never consumes the caller's body.
func detached(req *http.Request, body []byte) *http.Request {
	r := req.Clone(req.Context())
	r.Body = http.NoBody
	if len(body) > 0 {
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	return r
}

type candidate struct {
	route  *routers.Route
	params map[string]string
	req    *http.Request
}

func routeViolation(side string, req *http.Request, status int) Violation {
	return Violation{Side: side, Method: req.Method, Path: req.URL.Path, Status: status, Kind: "route",
		Message: "no operation of the spec matches " + req.Method + " " + req.URL.Path}
}

// RequestViolations validates a request (with its body bytes) and returns every violation,
// explained ones included.
func (c *Checker) RequestViolations(req *http.Request, body []byte) []Violation {
	req = detached(req, body)
	cands := c.candidates(req)
	if len(cands) == 0 {
		return c.explain([]Violation{routeViolation("request", req, 0)})
	}
	var best []Violation
	for i, cand := range cands {
		vs := c.validateRequest(cand, body)
		if i == 0 || len(vs) < len(best) {
			best = vs
		}
		if len(vs) == 0 {
			break
		}
	}
	return c.explain(best)
}

func (c *Checker) validateRequest(cand candidate, body []byte) []Violation {
	r := cand.req.Clone(cand.req.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	if len(body) == 0 {
		r.Body = http.NoBody
	}
	in := &openapi3filter.RequestValidationInput{
		Request: r, PathParams: cand.params, Route: cand.route,
		Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: headerAuth},
	}
	err := openapi3filter.ValidateRequest(context.Background(), in)
	base := Violation{Side: "request", Operation: cand.route.Operation.OperationID, Method: cand.req.Method, Path: cand.req.URL.Path}
	return flatten(base, err)
}

// headerAuth accepts an apiKey scheme when its header is present, comparing names like Rack
// does (case-insensitive, '-' equal to '_').
func headerAuth(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	s := in.SecurityScheme
	if s == nil || s.Type != "apiKey" || s.In != "header" {
		return nil
	}
	want := normHeader(s.Name)
	for k, vs := range in.RequestValidationInput.Request.Header {
		if normHeader(k) == want && len(vs) > 0 && strings.TrimSpace(vs[0]) != "" {
			return nil
		}
	}
	return fmt.Errorf("header %s is missing", s.Name)
}

func normHeader(k string) string { return strings.ToLower(strings.ReplaceAll(k, "-", "_")) }

// ResponseViolations validates a response to req and returns every violation, explained ones
// included.
func (c *Checker) ResponseViolations(req *http.Request, status int, header http.Header, body []byte) []Violation {
	req = detached(req, nil)
	cands := c.candidates(req)
	if len(cands) == 0 {
		return c.explain([]Violation{routeViolation("response", req, status)})
	}
	var best []Violation
	for i, cand := range cands {
		vs := c.validateResponse(cand, status, header, body)
		if i == 0 || len(vs) < len(best) {
			best = vs
		}
		if len(vs) == 0 {
			break
		}
	}
	return c.explain(best)
}

func (c *Checker) validateResponse(cand candidate, status int, header http.Header, body []byte) []Violation {
	reqIn := &openapi3filter.RequestValidationInput{
		Request: cand.req, PathParams: cand.params, Route: cand.route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	h := header.Clone()
	if h == nil {
		h = http.Header{}
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: reqIn, Status: status, Header: h,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true},
	}
	err := openapi3filter.ValidateResponse(context.Background(), in)
	base := Violation{Side: "response", Operation: cand.route.Operation.OperationID, Method: cand.req.Method,
		Path: cand.req.URL.Path, Status: status}
	return flatten(base, err)
}

// CheckRequest returns an *Error listing the violations no known spec error explains, or nil.
func (c *Checker) CheckRequest(req *http.Request, body []byte) error {
	return unexplained(c.RequestViolations(req, body))
}

// CheckResponse returns an *Error listing the violations no known spec error explains, or nil.
func (c *Checker) CheckResponse(req *http.Request, status int, header http.Header, body []byte) error {
	return unexplained(c.ResponseViolations(req, status, header, body))
}

func unexplained(vs []Violation) error {
	var out []Violation
	for _, v := range vs {
		if v.Known == nil {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return &Error{Violations: out}
}

// explain attaches the known spec error behind each violation and counts the hits.
func (c *Checker) explain(vs []Violation) []Violation {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range vs {
		for j := range c.known {
			k := &c.known[j]
			if k.matches(vs[i]) {
				vs[i].Known = k
				c.hits[k.ID]++
				break
			}
		}
	}
	return vs
}

// KnownHits says how many violations each known spec error has explained so far.
func (c *Checker) KnownHits() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.hits))
	for k, v := range c.hits {
		out[k] = v
	}
	return out
}

// flatten turns a kin-openapi validation error into violations.
func flatten(base Violation, err error) []Violation {
	if err == nil {
		return nil
	}
	var out []Violation
	var walk func(err error, prefix []string)
	walk = func(err error, prefix []string) {
		var me openapi3.MultiError
		if errors.As(err, &me) && !isLeaf(err) {
			for _, e := range me {
				walk(e, prefix)
			}
			return
		}
		switch e := err.(type) {
		case *openapi3filter.ResponseError:
			switch {
			case e.Reason == "status is not supported":
				v := base
				v.Kind, v.Message = "status", fmt.Sprintf("status %d is not documented", base.Status)
				out = append(out, v)
			case strings.Contains(e.Reason, "Content-Type"):
				v := base
				v.Kind, v.Message = "content-type", e.Error()
				out = append(out, v)
			case e.Err != nil:
				before := len(out)
				walk(e.Err, prefix)
				if len(out) == before {
					v := base
					v.Kind, v.Message = "body", e.Error()
					out = append(out, v)
				}
			default:
				v := base
				v.Kind, v.Message = "body", e.Error()
				out = append(out, v)
			}
		case *openapi3filter.RequestError:
			switch {
			case e.Parameter != nil:
				v := base
				v.Kind, v.Field, v.Pointer, v.Message = "parameter", e.Parameter.Name, e.Parameter.In+":"+e.Parameter.Name, e.Error()
				out = append(out, v)
			case strings.Contains(e.Reason, "Content-Type"):
				v := base
				v.Kind, v.Message = "content-type", e.Error()
				out = append(out, v)
			case e.Err != nil:
				before := len(out)
				walk(e.Err, prefix)
				if len(out) == before {
					v := base
					v.Kind, v.Message = "body", e.Error()
					out = append(out, v)
				}
			default:
				v := base
				v.Kind, v.Message = "body", e.Error()
				out = append(out, v)
			}
		case *openapi3filter.SecurityRequirementsError:
			v := base
			v.Kind, v.Message = "security", e.Error()
			out = append(out, v)
		case *openapi3.SchemaError:
			path := e.JSONPointer()
			if !hasPrefix(path, prefix) {
				path = append(append([]string(nil), prefix...), path...)
			}
			if e.Origin != nil && (errors.As(e.Origin, &me) || isSchemaErr(e.Origin)) {
				before := len(out)
				walk(e.Origin, path)
				if len(out) > before {
					return
				}
			}
			v := base
			v.Kind, v.Field, v.Pointer, v.Message = "schema", e.SchemaField, pointer(path), e.Reason
			out = append(out, v)
		default:
			var se *openapi3.SchemaError
			if errors.As(err, &se) {
				walk(se, prefix)
				return
			}
			v := base
			v.Kind, v.Message = "body", err.Error()
			out = append(out, v)
		}
	}
	walk(err, nil)
	return out
}

func isLeaf(err error) bool {
	switch err.(type) {
	case *openapi3.SchemaError, *openapi3filter.RequestError, *openapi3filter.ResponseError, *openapi3filter.SecurityRequirementsError:
		return true
	}
	return false
}

func isSchemaErr(err error) bool {
	var se *openapi3.SchemaError
	return errors.As(err, &se)
}

// pointer renders a JSON pointer, escaping ~ and /.
func pointer(path []string) string {
	if len(path) == 0 {
		return ""
	}
	esc := strings.NewReplacer("~", "~0", "/", "~1")
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = esc.Replace(p)
	}
	return "/" + strings.Join(parts, "/")
}

func hasPrefix(path, prefix []string) bool {
	if len(prefix) > len(path) {
		return false
	}
	for i := range prefix {
		if path[i] != prefix[i] {
			return false
		}
	}
	return true
}
