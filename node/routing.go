package node

import (
	"encoding/json"
)

// Routing is what a property, a collection child or an options choice adds
// to the request of each item (INodePropertyRouting, D6).
type Routing struct {
	Request    *Request    `json:"request,omitempty"`
	Send       *Send       `json:"send,omitempty"`
	Output     *Output     `json:"output,omitempty"`
	Operations *Operations `json:"operations,omitempty"`
}

// Request is a partial HTTP request (n8n's IHttpRequestOptions as used in
// requestDefaults and routing.request). Every string may be an expression.
type Request struct {
	BaseURL string `json:"baseURL,omitempty"`
	URL     string `json:"url,omitempty"`
	Method  string `json:"method,omitempty"`
	// Headers, Qs and Body merge deeply (R2); their values may be expressions.
	Headers map[string]any `json:"headers,omitempty"`
	Qs      map[string]any `json:"qs,omitempty"`
	Body    any            `json:"body,omitempty"`
	// JSON sets Accept: application/json when no Accept header is present.
	JSON *bool `json:"json,omitempty"`
	// Encoding "arraybuffer" keeps the response body as bytes (O1).
	Encoding string `json:"encoding,omitempty"`
	// ArrayFormat is how qs serialises arrays: indices (default), brackets,
	// repeat or comma (R13).
	ArrayFormat string `json:"arrayFormat,omitempty"`
	// SkipSSLCertificateValidation is a boolean or an expression.
	SkipSSLCertificateValidation any  `json:"skipSslCertificateValidation,omitempty"`
	DisableFollowRedirect        bool `json:"disableFollowRedirect,omitempty"`
	ReturnFullResponse           bool `json:"returnFullResponse,omitempty"`
	IgnoreHTTPStatusErrors       bool `json:"ignoreHttpStatusErrors,omitempty"`
	// IgnoreHTTPStatusErrorsExcept lists the statuses still treated as
	// errors when IgnoreHTTPStatusErrors is set: n8n's object form
	// {"ignore": true, "except": [401]}, in which it is written back.
	IgnoreHTTPStatusErrorsExcept []int `json:"-"`
	// Timeout in milliseconds; a number or an expression.
	Timeout any `json:"timeout,omitempty"`
	// Auth is HTTP basic authentication {username, password}.
	Auth *BasicAuth `json:"auth,omitempty"`
}

// MarshalJSON writes ignoreHttpStatusErrors in n8n's object form when
// it has exceptions.
func (r Request) MarshalJSON() ([]byte, error) {
	type plain Request
	if len(r.IgnoreHTTPStatusErrorsExcept) == 0 {
		return json.Marshal(plain(r))
	}
	return json.Marshal(struct {
		plain
		Ignore ignoreRule `json:"ignoreHttpStatusErrors"`
	}{plain(r), ignoreRule{r.IgnoreHTTPStatusErrors, r.IgnoreHTTPStatusErrorsExcept}})
}

type ignoreRule struct {
	Ignore bool  `json:"ignore"`
	Except []int `json:"except"`
}

// BasicAuth is a username and password for HTTP basic authentication.
type BasicAuth struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// Send puts a property's value into the request body or query (R8).
type Send struct {
	// Type is "body" or "query"; n8n treats anything else, or nothing, as query.
	Type     string `json:"type,omitempty"`
	Property string `json:"property,omitempty"`
	// PropertyInDotNotation false sends Property as one literal key; the
	// default (nil or true) treats it as a path such as "a.b" or "a[0].b".
	PropertyInDotNotation *bool `json:"propertyInDotNotation,omitempty"`
	// Value, when truthy, replaces the property's value; it is usually an
	// expression over $value such as "={{ JSON.parse($value) }}".
	Value any `json:"value,omitempty"`
	// Paginate turns pagination on for the request; boolean or expression.
	Paginate any `json:"paginate,omitempty"`
	// PreSend names registered hooks run on the request before it is sent;
	// n8n holds functions here, noderun holds their registered names.
	PreSend []string `json:"preSend,omitempty"`
	// OnlyIfSet is a noderun extension: send the property only when the
	// user stored a value for it, instead of sending its default as n8n
	// does. n8n ignores the key, so a description using it still loads there.
	OnlyIfSet bool `json:"onlyIfSet,omitempty"`
}

// InDotNotation reports whether Property is a path (the n8n default).
func (s *Send) InDotNotation() bool {
	return s.PropertyInDotNotation == nil || *s.PropertyInDotNotation
}

// Output shapes the response of a request into items (R9, O4, O5).
type Output struct {
	PostReceive []PostReceive `json:"postReceive,omitempty"`
	// MaxResults cuts each item's result list; number or expression.
	MaxResults any `json:"maxResults,omitempty"`
}

// PostReceive actions, by Type (O4).
const (
	PostReceiveRootProperty = "rootProperty"
	PostReceiveSet          = "set"
	PostReceiveFilter       = "filter"
	PostReceiveLimit        = "limit"
	PostReceiveSort         = "sort"
	PostReceiveSetKeyValue  = "setKeyValue"
	PostReceiveBinaryData   = "binaryData"
)

// PostReceive is one output action: a declarative {type, enabled,
// properties} object, or (where n8n holds a function) the name of a
// registered hook, written in JSON as a bare string.
type PostReceive struct {
	Type       string         `json:"type,omitempty"`
	Enabled    any            `json:"enabled,omitempty"`
	Properties map[string]any `json:"properties,omitempty"`
	// Hook is the registered function's name; set only for function actions.
	Hook string `json:"-"`
}

// UnmarshalJSON accepts an action object or a hook name.
func (a *PostReceive) UnmarshalJSON(b []byte) error {
	return parseInto(b, a.decode)
}

// MarshalJSON writes a hook as its name and an action as an object.
func (a PostReceive) MarshalJSON() ([]byte, error) {
	if a.Hook != "" {
		return json.Marshal(a.Hook)
	}
	type plain PostReceive
	return json.Marshal(plain(a))
}

// Operations holds request-level behaviour such as pagination (D5).
type Operations struct {
	Pagination *Pagination `json:"pagination,omitempty"`
}

// Pagination types (O8, O9).
const (
	PaginationGeneric = "generic"
	PaginationOffset  = "offset"
)

// Pagination is a declarative pagination {type, properties} or the name of
// a registered pagination hook, written in JSON as a bare string.
type Pagination struct {
	Type       string         `json:"type,omitempty"`
	Properties map[string]any `json:"properties,omitempty"`
	Hook       string         `json:"-"`
}

// UnmarshalJSON accepts a pagination object or a hook name.
func (p *Pagination) UnmarshalJSON(b []byte) error {
	return parseInto(b, p.decode)
}

// MarshalJSON writes a hook as its name and a declarative pagination as an object.
func (p Pagination) MarshalJSON() ([]byte, error) {
	if p.Hook != "" {
		return json.Marshal(p.Hook)
	}
	type plain Pagination
	return json.Marshal(plain(p))
}
