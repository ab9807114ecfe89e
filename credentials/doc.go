// Package credentials applies n8n credential types: it prepares stored
// credential data (defaults and expressions, C1), turns a generic
// authenticate block into the headers, query, body and basic auth every
// request carries (C2), judges credential test responses (C4), speaks
// OAuth2's token endpoint protocol as n8n's client does (the runtime sends
// the requests), and redacts secret values from anything noderun writes.
//
// Expression evaluation is injected (Evaluator), so this package depends on
// the node model only.
package credentials
