package node

import (
	"context"
	"strings"
)

// PreAuthenticateFunc is a credential type's preAuthentication, as n8n's
// ICredentialType.preAuthentication: given the credential data it obtains
// fresh values for the expirable field (a session token, say) and returns
// the fields to change. The runtime runs it when the expirable field is
// empty and again after a 401, merges the result into the data, and hands
// the new values to the credential store. It must not modify data.
type PreAuthenticateFunc func(ctx context.Context, data map[string]any, h CredentialHelpers) (map[string]any, error)

// CredentialHelpers is what credential code may call: n8n's this.helpers
// in preAuthentication.
type CredentialHelpers interface {
	// HTTPRequest sends one request, as n8n's helpers.httpRequest.
	// options has IHttpRequestOptions' shape, as a JavaScript object
	// exported to Go: url, baseURL, method, headers, qs, body, json,
	// auth {username, password}, timeout (ms), returnFullResponse,
	// ignoreHttpStatusErrors, skipSslCertificateValidation,
	// disableFollowRedirect, encoding ("json", or "text" for the body
	// unparsed). It returns the parsed body, or with
	// returnFullResponse {body, headers, statusCode, statusMessage}.
	HTTPRequest(ctx context.Context, options map[string]any) (any, error)
}

// Redactor is implemented by the CredentialHelpers noderun hands to
// credential code: Redact masks the run's secrets in s, for what that
// code logs.
type Redactor interface {
	Redact(s string) string
}

// ExpirableProperty returns the name of the field preAuthentication
// refreshes: n8n's hidden property with typeOptions.expirable true. It is
// "" when the type has none, and then preAuthentication never runs.
func (c *CredentialType) ExpirableProperty() string {
	for i := range c.Properties {
		p := &c.Properties[i]
		if p.Type != TypeHidden || p.TypeOptions == nil {
			continue
		}
		if raw, ok := p.TypeOptions.Extra["expirable"]; ok && strings.TrimSpace(string(raw)) == "true" {
			return p.Name
		}
	}
	return ""
}
