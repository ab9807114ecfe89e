package node

import "context"

// CredentialType is n8n's ICredentialType: the fields a credential holds,
// how they authenticate a request, and how to test them.
type CredentialType struct {
	Name             string     `json:"name"`
	DisplayName      string     `json:"displayName"`
	DocumentationURL string     `json:"documentationUrl,omitempty"`
	Extends          []string   `json:"extends,omitempty"`
	Properties       []Property `json:"properties"`
	// Authenticate is applied to every request the node sends (C2).
	Authenticate *Authenticate `json:"authenticate,omitempty"`
	// AuthenticateMissing is set when the JSON holds authenticate as null
	// or {}: n8n had a function there, which its JSON export turns into
	// that. The type loads; a run that uses it fails, saying so.
	AuthenticateMissing bool `json:"-"`
	// Test is the request that proves the credential works (C4).
	Test           *CredentialTest `json:"test,omitempty"`
	SupportedNodes []string        `json:"supportedNodes,omitempty"`
	IconURL        string          `json:"iconUrl,omitempty"`
	// PreAuthenticate is the type's preAuthentication code, which a
	// description's JSON cannot hold: a package loader or a Go embedder
	// sets it. It runs only when the type also has an expirable property.
	PreAuthenticate PreAuthenticateFunc `json:"-"`
	// AuthenticateRequest is code-based authentication (n8n's
	// authenticate as a function), which JSON cannot hold either: it
	// runs for every request the node sends with the credential, after
	// the generic block, if any, was applied.
	AuthenticateRequest AuthenticateFunc `json:"-"`
}

// AuthenticateFunc is n8n's authenticate(credentials, requestOptions):
// given the credential data and a request as IHttpRequestOptions (url,
// baseURL, method, headers, qs, body), it returns the request to send.
// It must not modify data.
type AuthenticateFunc func(ctx context.Context, data map[string]any, request map[string]any) (map[string]any, error)

// Authenticate is a generic authentication block: each group's keys and
// values may be expressions over $credentials.
type Authenticate struct {
	// Type is "generic"; code-based authentication is a registered hook.
	Type       string                 `json:"type"`
	Properties AuthenticateProperties `json:"properties"`
}

// AuthenticateProperties are the request parts a generic authenticate sets.
type AuthenticateProperties struct {
	Headers map[string]any `json:"headers,omitempty"`
	Qs      map[string]any `json:"qs,omitempty"`
	Body    map[string]any `json:"body,omitempty"`
	// Auth is HTTP basic: {"username": ..., "password": ...}.
	Auth map[string]any `json:"auth,omitempty"`
}

// CredentialTest is a credential type's test request and its rules.
type CredentialTest struct {
	Request Request    `json:"request"`
	Rules   []TestRule `json:"rules,omitempty"`
}

// Credential test rule types (C4).
const (
	RuleResponseCode        = "responseCode"
	RuleResponseSuccessBody = "responseSuccessBody"
)

// TestRule turns a test response into a failure with a message:
// responseCode {value, message} or responseSuccessBody {key, value, message}.
type TestRule struct {
	Type       string         `json:"type"`
	Properties map[string]any `json:"properties"`
}

// SecretFields lists the credential properties whose values are secrets
// (typeOptions.password), which must never be logged or echoed.
func (c *CredentialType) SecretFields() []string {
	var names []string
	for i := range c.Properties {
		if c.Properties[i].IsSecret() {
			names = append(names, c.Properties[i].Name)
		}
	}
	return names
}
