package runtime

import (
	"context"
	"encoding/base64"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/noderun/noderun/node"
)

// credentialHelpers is this.helpers of a credential type's
// preAuthentication: requests go through the engine's transport and
// limits, unauthenticated, their errors with the run's secrets masked.
// anyBody keeps any body of a refused request in its error, not only an
// object: a credential test function's legacy helpers.request reports it
// as the request library does ("<status> - <body>").
type credentialHelpers struct {
	p       *Prepared
	anyBody bool
}

var _ node.CredentialHelpers = credentialHelpers{}

// Redact masks the run's secrets in s (see node.Redactor).
func (h credentialHelpers) Redact(s string) string { return h.p.redactString(s) }

// httpRequestKeys are the IHttpRequestOptions keys HTTPRequest honours;
// any other fails the request, naming the key, rather than being ignored.
var httpRequestKeys = map[string]bool{
	"url": true, "baseURL": true, "method": true, "headers": true, "qs": true, "body": true,
	"json": true, "auth": true, "timeout": true, "returnFullResponse": true,
	"ignoreHttpStatusErrors": true, "skipSslCertificateValidation": true, "disableFollowRedirect": true,
	"encoding": true,
}

// HTTPRequest implements node.CredentialHelpers: n8n's helpers.httpRequest
// for the options it knows.
func (h credentialHelpers) HTTPRequest(ctx context.Context, options map[string]any) (any, error) {
	p := h.p
	hr, full, err := buildHelperRequest(options)
	if err != nil {
		return nil, &RequestOptionsError{Member: "helpers.httpRequest", Err: err}
	}
	resp, err := p.engine.roundTrip(ctx, hr, nil)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		ne := networkError(p.redactErr(err), int(hr.timeout/time.Millisecond), false)
		return nil, p.redactNodeError(ne)
	}
	body := helperBody(resp, options)
	if hr.statusFails(resp.status) {
		ne := httpError(resp.status, body, false)
		ne.status = resp.status
		if h.anyBody {
			ne.Body = body
		}
		return nil, p.redactNodeError(ne) // the body masked too
	}
	if full {
		return map[string]any{"body": body, "headers": resp.headerMap(), "statusCode": float64(resp.status), "statusMessage": resp.statusText}, nil
	}
	return body, nil
}

// RequestOptionsError is request options a helper cannot send: an
// option it does not take, or a value it cannot encode. Member is the
// helper code called; one that maps its options onto helpers.httpRequest
// (the legacy helpers.request) sets its own name.
type RequestOptionsError struct {
	Member string
	Err    error
}

func (e *RequestOptionsError) Error() string { return e.Member + ": " + e.Err.Error() }
func (e *RequestOptionsError) Unwrap() error { return e.Err }

// buildHelperRequest turns IHttpRequestOptions into a request. It reports
// whether the full response was asked for.
func buildHelperRequest(options map[string]any) (*httpRequest, bool, error) {
	keys := make([]string, 0, len(options))
	for k := range options {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !httpRequestKeys[k] {
			return nil, false, fmt.Errorf("option %q is not supported", k)
		}
	}
	switch enc := options["encoding"]; enc {
	case nil, "json", "text":
	default:
		return nil, false, fmt.Errorf("option \"encoding\" %v is not supported (only \"json\" and \"text\")", enc)
	}
	full, err := joinURL(options["baseURL"], options["url"])
	if err != nil {
		return nil, false, err
	}
	method := "GET"
	if m, ok := options["method"].(string); ok && m != "" {
		method = strings.ToUpper(m)
	}
	ignoreAll, ignoreExcept := ignoreRule(options["ignoreHttpStatusErrors"])
	hr := &httpRequest{method: method, timeout: defaultTimeout,
		ignoreHTTPErrors: ignoreAll, ignoreExcept: ignoreExcept,
		skipTLS:     truthy(options["skipSslCertificateValidation"]),
		noRedirects: truthy(options["disableFollowRedirect"])}
	if t, ok := options["timeout"].(float64); ok && t > 0 && !math.IsInf(t, 0) {
		hr.timeout = time.Duration(t) * time.Millisecond
	}
	if qs, ok := options["qs"].(map[string]any); ok && len(qs) > 0 {
		if q := encodeQuery(copyObject(qs), "indices"); q != "" {
			sep := "?"
			if strings.Contains(full, "?") {
				sep = "&"
			}
			full += sep + q
		}
	} else if v, ok := options["qs"]; ok && v != nil {
		if _, isMap := v.(map[string]any); !isMap {
			return nil, false, fmt.Errorf("option \"qs\" must be an object, not %T", v)
		}
	}
	hr.url = full
	if hs, ok := options["headers"].(map[string]any); ok {
		names := make([]string, 0, len(hs))
		for k := range hs {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if v, sent := headerValue(hs[k]); sent {
				hr.headers = append(hr.headers, headerField{k, v})
			}
		}
	}
	if a, ok := options["auth"].(map[string]any); ok {
		token := base64.StdEncoding.EncodeToString([]byte(jsString(a["username"]) + ":" + jsString(a["password"])))
		hr.headers = append(hr.headers, headerField{"Authorization", "Basic " + token})
	}
	if truthy(options["json"]) && headerLookup(hr.headers, "Accept") == "" {
		hr.headers = append(hr.headers, headerField{"Accept", "application/json"})
	}
	if headerLookup(hr.headers, "Accept") == "" {
		hr.headers = append(hr.headers, headerField{"Accept", "application/json, text/plain, */*"})
	}
	if body := options["body"]; body != nil && sendsBody(body) && method != "GET" && method != "HEAD" {
		b, contentType, err := encodeBody(body, headerLookup(hr.headers, "Content-Type"))
		if err != nil {
			return nil, false, fmt.Errorf("the body could not be encoded: %w", err)
		}
		hr.body = b
		if contentType != "" && headerLookup(hr.headers, "Content-Type") == "" {
			hr.headers = append(hr.headers, headerField{"Content-Type", contentType})
		}
	}
	return hr, truthy(options["returnFullResponse"]), nil
}

// helperBody is the body of a helper's response, also in its error:
// parsed as n8n parses it (value), or the text with encoding "text".
func helperBody(resp *response, options map[string]any) any {
	if options["encoding"] == "text" {
		return string(node.WellFormedUTF8(resp.body))
	}
	return resp.value()
}
