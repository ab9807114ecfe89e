package runtime

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime/expr"
)

// HookContext is what a hook may ask about the item it runs for: n8n's
// IExecuteSingleFunctions (preSend, postReceive) and
// IExecutePaginationFunctions (pagination). The engine passes it in the
// hook's context; get it with HookContextFrom. It is valid only while the
// hook runs: after the hook returns, its methods report an error or the
// zero value, since the item's state is reused for the next item.
type HookContext struct {
	ic *itemContext
}

type hookContextKey struct{}

// Redact masks in s the secrets of the hook's run (its credentials'
// values), as noderun masks its own messages: for what hook code logs.
// Once the hook has returned it masks everything.
func (h *HookContext) Redact(s string) string {
	if h.ic == nil {
		return "[redacted: the hook has returned]"
	}
	return h.ic.p.redactString(s)
}

// HookContextFrom returns the item context of a hook call, or false when
// ctx is not a hook's context.
func HookContextFrom(ctx context.Context) (*HookContext, bool) {
	h, ok := ctx.Value(hookContextKey{}).(*HookContext)
	return h, ok && h != nil
}

// withHookContext runs a hook with the item's context in ctx, and ends the
// context's validity when the hook returns.
func withHookContext[T any](ctx context.Context, ic *itemContext, call func(context.Context) (T, error)) (T, error) {
	hc := &HookContext{ic: ic}
	defer func() { hc.ic = nil }()
	return call(context.WithValue(ctx, hookContextKey{}, hc))
}

var errHookContextEnded = errors.New("the hook context was used after its hook returned")

// ItemIndex is getItemIndex(): the index of the input item.
func (h *HookContext) ItemIndex() int {
	if h.ic == nil {
		return -1
	}
	return h.ic.index
}

// Item is the input item the hook runs for: getInputData() of n8n's
// single-item contexts.
func (h *HookContext) Item() node.Item {
	if h.ic == nil {
		return node.Item{}
	}
	return h.ic.item
}

// InputItems is the node's whole input. A streamed run
// sees only the current item, as $input does there.
func (h *HookContext) InputItems() []node.Item {
	if h.ic == nil {
		return nil
	}
	in := h.ic.base.Input
	if in == nil {
		return []node.Item{h.ic.item}
	}
	out := make([]node.Item, in.Len())
	for i := range out {
		out[i] = in.Item(i)
	}
	return out
}

// Parameter is getNodeParameter(path) for the item: the normalised value
// at a lodash path ("options.limit"), its expressions resolved. ok is
// false when the node has no such parameter.
func (h *HookContext) Parameter(ctx context.Context, path string) (v any, ok bool, err error) {
	if h.ic == nil {
		return nil, false, errHookContextEnded
	}
	v, err = h.ic.nodeParameter(ctx, path)
	if err != nil {
		return nil, true, err
	}
	if expr.IsUndefined(v) {
		return nil, false, nil
	}
	return plainJSON(v), true, nil
}

// Node is getNode(): the node's name, type, version and stored
// parameters (a copy).
func (h *HookContext) Node() HookNode {
	if h.ic == nil {
		return HookNode{}
	}
	p := h.ic.p
	return HookNode{Name: p.nodeName, Type: p.nodeType.Description.Name, TypeVersion: p.version,
		Parameters: maps.Clone(p.stored), Settings: p.settings}
}

// HookNode is n8n's INode as getNode() returns it.
type HookNode struct {
	Name        string
	Type        string
	TypeVersion float64
	Parameters  map[string]any
	Settings    node.Settings
}

// Workflow is getWorkflow(): the workflow's id, name and active flag.
func (h *HookContext) Workflow() expr.Workflow {
	if h.ic == nil {
		return expr.Workflow{}
	}
	return h.ic.p.workflow
}

// Timezone is getTimezone(): the engine's expression time zone, or n8n's
// default (America/New_York) when none is set.
func (h *HookContext) Timezone() string {
	if h.ic == nil {
		return ""
	}
	if loc := h.ic.p.engine.Expressions.Timezone; loc != nil {
		if loc == time.Local {
			return time.Local.String()
		}
		return loc.String()
	}
	return "America/New_York"
}

// Mode is getMode(): n8n's execution mode. noderun knows only whether a
// run is a test ($execution.mode "test"), which n8n calls "manual"; other
// runs report "trigger".
func (h *HookContext) Mode() string {
	if h.ic == nil {
		return ""
	}
	if h.ic.p.execute.Mode == "test" {
		return "manual"
	}
	return "trigger"
}

// ContinueOnFail is continueOnFail(): whether failed items become error
// items (onError when set, else the legacy flag; F1).
func (h *HookContext) ContinueOnFail() bool {
	return h.ic != nil && h.ic.p.settings.Continues()
}

// Credentials is getCredentials(type): a copy of the run's credential
// data, with the values an OAuth2 or preAuthentication session renewed.
// Asking for a type the node does not use is an error, as in n8n.
func (h *HookContext) Credentials(ctx context.Context, typeName string) (map[string]any, error) {
	if h.ic == nil {
		return nil, errHookContextEnded
	}
	ic := h.ic
	c := ic.p.cred
	if c == nil {
		return nil, fmt.Errorf("node %q has no credentials set", ic.p.nodeName)
	}
	if typeName != "" && typeName != c.typ.Name {
		return nil, fmt.Errorf("node %q does not have credentials of type %q (it uses %q)", ic.p.nodeName, typeName, c.typ.Name)
	}
	sess := ic.sess
	if sess == nil && c.dyn != nil {
		var err error
		if ic.dry {
			sess, err = ic.p.drySession(ctx)
		} else {
			sess, err = ic.p.session(ctx)
		}
		if err != nil {
			return nil, err
		}
	}
	if sess != nil && sess.data != nil {
		return maps.Clone(sess.data), nil
	}
	return maps.Clone(c.data), nil
}

// HTTPRequest is helpers.httpRequest: one request through the engine's
// transport and limits, unauthenticated; options are n8n's
// IHttpRequestOptions (see node.CredentialHelpers). Errors have the run's
// secrets masked.
func (h *HookContext) HTTPRequest(ctx context.Context, options map[string]any) (any, error) {
	if h.ic == nil {
		return nil, errHookContextEnded
	}
	if h.ic.dry {
		return nil, dryRunRequestError("helpers.httpRequest", options)
	}
	return credentialHelpers{p: h.ic.p}.HTTPRequest(ctx, options)
}

// HTTPRequestWithAuthentication is helpers.httpRequestWithAuthentication:
// HTTPRequest with the run's credential applied as to the node's own
// requests (its authenticate block or session, and its allowed domains).
// typeName must be the credential type the node uses.
func (h *HookContext) HTTPRequestWithAuthentication(ctx context.Context, typeName string, options map[string]any) (any, error) {
	if h.ic == nil {
		return nil, errHookContextEnded
	}
	ic := h.ic
	if ic.dry {
		return nil, dryRunRequestError("helpers.httpRequestWithAuthentication", options)
	}
	p := ic.p
	c := p.cred
	if c == nil {
		return nil, fmt.Errorf("helpers.httpRequestWithAuthentication: node %q has no credentials set", p.nodeName)
	}
	if typeName != c.typ.Name {
		return nil, fmt.Errorf("helpers.httpRequestWithAuthentication: node %q does not have credentials of type %q (it uses %q)", p.nodeName, typeName, c.typ.Name)
	}
	sess, err := p.session(ctx)
	if err != nil {
		return nil, err
	}
	auth := c.auth
	if sess != nil {
		auth = sess.auth
	}
	opts := maps.Clone(options)
	mergeAuthFields(opts, "headers", auth.Headers)
	mergeAuthFields(opts, "qs", auth.Query)
	mergeAuthFields(opts, "body", auth.Body)
	if auth.Basic != nil {
		opts["auth"] = map[string]any{"username": auth.Basic.Username, "password": auth.Basic.Password}
	}
	var codeHeaders []string
	if fn := c.typ.AuthenticateRequest; fn != nil {
		data := c.data
		if sess != nil && sess.data != nil {
			data = sess.data
		}
		before, _ := opts["headers"].(map[string]any)
		before = maps.Clone(before)
		if opts, err = fn(ctx, maps.Clone(data), opts); err != nil {
			return nil, fmt.Errorf("helpers.httpRequestWithAuthentication: authenticate of credential type %q: %w", c.typ.Name, p.redactErr(err))
		}
		after, _ := opts["headers"].(map[string]any)
		for k, v := range after {
			if old, had := before[k]; !had || jsString(old) != jsString(v) {
				codeHeaders = append(codeHeaders, k)
			}
		}
	}
	hr, full, err := buildHelperRequest(opts)
	if err != nil {
		return nil, &RequestOptionsError{Member: "helpers.httpRequestWithAuthentication", Err: err}
	}
	if err := c.checkHost(opts["baseURL"], hr.url); err != nil {
		return nil, domainNodeError(err, ic.index)
	}
	hr.cred = c
	for _, x := range auth.Headers {
		hr.credentialHeaders = append(hr.credentialHeaders, x.Name)
	}
	if auth.Basic != nil {
		hr.credentialHeaders = append(hr.credentialHeaders, "Authorization")
	}
	hr.credentialHeaders = append(hr.credentialHeaders, codeHeaders...)
	resp, err := p.engine.roundTrip(ctx, hr, nil)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, p.redactNodeError(networkError(p.redactErr(err), int(hr.timeout/time.Millisecond), false))
	}
	body := helperBody(resp, opts)
	if (resp.status < 200 || resp.status > 299) && !hr.ignoreHTTPErrors {
		ne := httpError(resp.status, body, false)
		ne.status = resp.status
		return nil, p.redactNodeError(ne)
	}
	if full {
		return map[string]any{"body": body, "headers": resp.headerMap(), "statusCode": float64(resp.status), "statusMessage": resp.statusText}, nil
	}
	return body, nil
}

// dryRunRequestError is a function's own request during a dry run, which
// sends nothing: the item shows this instead of a request that would
// depend on the answer.
func dryRunRequestError(helper string, options map[string]any) error {
	method := "GET"
	if m, ok := options["method"].(string); ok && m != "" {
		method = m
	}
	url, _ := options["url"].(string)
	return fmt.Errorf("a dry run sends nothing, and this function sends a request of its own (%s: %s %s): run without the dry run to see the request it leads to",
		helper, method, url)
}

// finishAuthenticated is finish after the credential type's
// authenticate function, if it has one, has changed a copy of the
// request (C2 for code-based authentication). The headers the function
// set are the credential's: never logged.
func (ic *itemContext) finishAuthenticated(ctx context.Context, req *requestData) (*httpRequest, error) {
	c := ic.p.cred
	if c == nil || c.typ.AuthenticateRequest == nil {
		return ic.finish(req)
	}
	data := c.data
	if ic.sess != nil && ic.sess.data != nil {
		data = ic.sess.data
	}
	hr := req.hookRequest(ic.index)
	before := maps.Clone(hr.Headers)
	out, err := c.typ.AuthenticateRequest(ctx, maps.Clone(data), hookRequestMap(hr))
	if err == nil {
		hr, err = hookRequestFromMap(out)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &NodeError{Name: NameNodeOperationError, ItemIndex: ic.index, Message: "The credential's authentication failed",
			Description: ic.p.redactString(fmt.Sprintf("authenticate of credential type %q: %v", c.typ.Name, err)), Cause: err}
	}
	hr.ItemIndex = ic.index
	authed := req.clone()
	authed.applyHookRequest(hr)
	h, err := ic.finish(authed)
	if err != nil {
		return nil, err
	}
	for k, v := range hr.Headers {
		if old, had := before[k]; !had || jsString(old) != jsString(v) {
			h.credentialHeaders = append(h.credentialHeaders, k)
		}
	}
	return h, nil
}

// hookRequestMap is a request as IHttpRequestOptions.
func hookRequestMap(r *HookRequest) map[string]any {
	m := map[string]any{"url": r.URL, "headers": r.Headers, "qs": r.Qs}
	if r.BaseURL != "" {
		m["baseURL"] = r.BaseURL
	}
	if r.Method != "" {
		m["method"] = r.Method
	}
	if r.Body != nil {
		m["body"] = r.Body
	}
	return m
}

// hookRequestFromMap reads IHttpRequestOptions back.
func hookRequestFromMap(m map[string]any) (*HookRequest, error) {
	if m == nil {
		return nil, errors.New("it returned no request options")
	}
	r := &HookRequest{Body: m["body"]}
	for key, dst := range map[string]*string{"baseURL": &r.BaseURL, "url": &r.URL, "method": &r.Method} {
		switch s := m[key].(type) {
		case nil:
		case string:
			*dst = s
		default:
			return nil, fmt.Errorf("it returned request options whose %q is %T, not a string", key, s)
		}
	}
	for key, dst := range map[string]*map[string]any{"headers": &r.Headers, "qs": &r.Qs} {
		switch x := m[key].(type) {
		case nil:
			*dst = map[string]any{}
		case map[string]any:
			*dst = x
		default:
			return nil, fmt.Errorf("it returned request options whose %q is %T, not an object", key, x)
		}
	}
	return r, nil
}

// mergeAuthFields sets the credential's pairs in options[key], an object
// of IHttpRequestOptions, on a copy so the caller's object is unchanged.
func mergeAuthFields(options map[string]any, key string, pairs []credentials.Pair) {
	if len(pairs) == 0 {
		return
	}
	m, _ := options[key].(map[string]any)
	m = maps.Clone(m)
	if m == nil {
		m = map[string]any{}
	}
	for _, x := range pairs {
		m[x.Name] = x.Value
	}
	options[key] = m
}
