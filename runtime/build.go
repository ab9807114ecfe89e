package runtime

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime/expr"
	"github.com/noderun/noderun/runtime/internal/params"
)

// itemContext evaluates one input item's parameters and expressions. It
// belongs to one goroutine.
type itemContext struct {
	p     *Prepared
	index int
	item  node.Item
	base  expr.Scope
	// cache holds resolved top-level parameters, so each expression is
	// evaluated once per item however often it is read: one entry per
	// parameter that holds an expression, at its slot's cache index.
	cache []cachedParameter
	// step, post and page are scratch scopes for routing steps,
	// postReceive actions and pagination: reused, so that evaluating an
	// expression does not allocate a scope.
	step, post, postItem, page expr.Scope
	// request is the item's request data, here so that the pool that
	// recycles item contexts recycles it too: nothing refers to it once
	// the item's request is sent and its output made (hooks and
	// $request-style maps get copies).
	request requestData
	http    httpRequest
	// scope is the request scope of the worker processing the item, if
	// it has one.
	scope *requestScope
	// out counts the item's output against the engine's limits.
	out outputBudget
	// sess is the credential session the next request is authenticated
	// with, for an OAuth2 or preAuthentication credential.
	sess *credSession
	// dry marks a dry run's item: its preSend functions run, their own
	// requests are refused.
	dry bool
}

// cachedParameter is one cached $parameter value.
type cachedParameter struct {
	value any
	state paramState
}

// paramState is how far a parameter's value is resolved for the item.
type paramState uint8

const (
	paramUnresolved paramState = iota
	// paramResolving marks a parameter being resolved, to catch cycles.
	paramResolving
	paramResolved
)

// newItemContext takes an item context from the run's pool; give it back
// with releaseItemContext once nothing refers to it.
//
// A pooled context serves this run only, so the run's part of its base
// and step scopes is set once, when the context is made; an item sets
// only its own part (itemScope). Each pointer written into a reused
// context costs a write barrier while the collector marks, and a scope
// has about twenty.
func (p *Prepared) newItemContext(index int, item node.Item, input expr.Input) *itemContext {
	ic, _ := p.contexts.Get().(*itemContext)
	if ic == nil {
		// The pool is the run's, so the cache fits its parameters.
		ic = &itemContext{cache: make([]cachedParameter, p.dynamicParams)}
		ic.base = p.runScope(ic)
		ic.step = ic.base
	}
	ic.p, ic.index, ic.item, ic.dry = p, index, item, false
	if input == nil {
		input = ic // a streamed item: $input is the item itself
	}
	itemScope(&ic.base, index, item, input)
	itemScope(&ic.step, index, item, input)
	return ic
}

// runScope is the part of an item's base scope that is the same for every
// item of the run.
func (p *Prepared) runScope(ic *itemContext) expr.Scope {
	s := expr.Scope{
		RunIndex:      p.runIndex,
		RawParameters: p.stored,
		Nodes:         p.nodes,
		Node:          p.nodeInfo(),
		Workflow:      p.workflow,
		Execution:     p.execute,
		Parameters:    ic,
	}
	if p.cred != nil {
		s.Credentials = p.cred.data
	}
	return s
}

// itemScope sets the item's part of a scope made by runScope.
func itemScope(s *expr.Scope, index int, item node.Item, input expr.Input) {
	s.JSON, s.Binary, s.ItemIndex, s.Input = item.JSON, item.Binary, index, input
}

// releaseItemContext returns an item context to the run's pool.
//
// It resets what the next item reads before it writes: the request data,
// which build starts from zero, and the cache's states. The rest is left
// as it is, as each part is assigned before use (the scopes, the cached
// values, the finished request, whose body alone is dropped here): writes
// cost a write barrier per pointer word while the collector marks. The
// context keeps the last item's values reachable until it is used again,
// or the pool is emptied.
func (p *Prepared) releaseItemContext(ic *itemContext) {
	for i := range ic.cache {
		ic.cache[i].state = paramUnresolved
	}
	ic.http.body = nil
	ic.request.reset()
	ic.p, ic.scope, ic.out, ic.sess = nil, nil, outputBudget{}, nil
	p.contexts.Put(ic)
}

// Len and Item make an item context the $input of a streamed item, which
// sees only itself.
func (ic *itemContext) Len() int { return 1 }

// Item implements expr.Input.
func (ic *itemContext) Item(int) node.Item { return ic.item }

// Parameter implements expr.Parameters: $parameter["name"] for this item.
// A resource locator gives its value (n8n's WorkflowDataProxy), resolved
// when it is an expression; routing reads the whole locator through
// nodeParameter and extracts its value itself.
func (ic *itemContext) Parameter(ctx context.Context, name string) (any, bool, error) {
	s, ok := ic.p.slots[name]
	if !ok {
		return nil, false, nil
	}
	if s.locator {
		resolved, err := ic.resolve(ctx, s.locatorValue, &ic.base)
		return resolved, true, err
	}
	return ic.slotValue(ctx, s)
}

// parameter is the parameter's normalised value resolved for this item,
// cached: getNodeParameter without extractValue.
func (ic *itemContext) parameter(ctx context.Context, name string) (any, bool, error) {
	s, ok := ic.p.slots[name]
	if !ok {
		return nil, false, nil
	}
	return ic.slotValue(ctx, s)
}

// slotValue resolves parameter s for this item, once.
func (ic *itemContext) slotValue(ctx context.Context, s *paramSlot) (any, bool, error) {
	if s.cache < 0 {
		return s.raw, true, nil
	}
	c := &ic.cache[s.cache]
	switch c.state {
	case paramResolved:
		return c.value, true, nil
	case paramResolving:
		return nil, true, fmt.Errorf("parameter %q refers to itself through $parameter", s.name)
	}
	c.state = paramResolving
	// ic.base is never changed after the item context is built, so it can
	// be shared with nested evaluations.
	v, err := ic.resolve(ctx, s.raw, &ic.base)
	if err != nil {
		c.state = paramUnresolved
		return nil, true, err
	}
	c.value, c.state = v, paramResolved
	return v, true, nil
}

// nodeParameter is getNodeParameter(path) (P10): the normalised value at a
// lodash path, resolved for this item.
func (ic *itemContext) nodeParameter(ctx context.Context, path string) (any, error) {
	if !strings.ContainsAny(path, ".[") {
		v, ok, err := ic.parameter(ctx, path)
		if !ok {
			return expr.Undefined, err
		}
		return v, err
	}
	raw, ok := params.GetPath(ic.p.parameters, path)
	if !ok {
		return expr.Undefined, nil
	}
	return ic.resolve(ctx, raw, &ic.base)
}

// stepParameter is nodeParameter of a routing step's property, whose
// top-level parameter, if any, was found at prepare time.
func (ic *itemContext) stepParameter(ctx context.Context, s *step) (any, error) {
	if !s.plainPath {
		return ic.nodeParameter(ctx, s.path)
	}
	if s.slot == nil {
		return expr.Undefined, nil
	}
	v, _, err := ic.slotValue(ctx, s.slot)
	return v, err
}

// resolve evaluates a raw value with the given scope; values without an
// expression are returned as they are, without a copy.
func (ic *itemContext) resolve(ctx context.Context, raw any, scope *expr.Scope) (any, error) {
	if x, ok := raw.(*expr.Expression); ok {
		return x.Eval(ctx, scope)
	}
	if !containsExpression(raw) {
		return raw, nil
	}
	return ic.p.engine.exprs.Resolve(ctx, raw, scope)
}

// resolveObjectAsString evaluates in n8n's "object as string" mode (E7).
func (ic *itemContext) resolveObjectAsString(ctx context.Context, raw any, scope *expr.Scope) (any, error) {
	switch x := raw.(type) {
	case *expr.Expression:
		return x.EvalObjectAsString(ctx, scope)
	case string:
		if strings.HasPrefix(x, "=") {
			return ic.p.engine.exprs.Compile(x).EvalObjectAsString(ctx, scope)
		}
	}
	return ic.resolve(ctx, raw, scope)
}

// requestData is one item's request as routing builds it (R1-R9), before
// it becomes an HTTP request.
type requestData struct {
	requestParts

	// storage for the three start objects, so a request costs one
	// allocation where it fits
	startObjects [3]object
	startFields  [16]field
}

// requestParts is what routing sets in request data: zero before each
// item's build.
type requestParts struct {
	baseURL, url, method any
	headers              *object
	qs                   *object
	body                 any
	json                 any
	encoding             string
	arrayFormat          string
	skipTLS              bool
	disableRedirects     bool
	ignoreHTTPErrors     bool
	// ignoreExcept lists the statuses still treated as errors: n8n's
	// {ignore, except} form, whose except list decides alone.
	ignoreExcept []int
	timeout      time.Duration
	proxy        *url.URL
	basic        *node.BasicAuth

	paginate    bool
	paginateSet bool
	maxResults  any
	preSend     []string
	postReceive []postReceiveGroup
	operations  *node.Operations
}

// reset zeroes request data for the next item. The start objects' fields
// are cleared only as far as they were used: assigning a whole zero
// requestData costs a write barrier per pointer word of its storage while
// the collector marks.
func (r *requestData) reset() {
	r.requestParts = requestParts{}
	for i, lim := range [3][2]int{{0, 4}, {4, 8}, {8, 16}} {
		used := min(len(r.startObjects[i].fields), lim[1]-lim[0])
		clear(r.startFields[lim[0] : lim[0]+used])
		r.startObjects[i] = object{}
	}
}

// newRequestData readies the item context's request data, which is zero:
// an item context comes new or cleared by releaseItemContext, and builds
// one request.
func (ic *itemContext) newRequestData() *requestData {
	r := &ic.request
	r.operations = ic.p.operations
	r.startObjects[0].fields = r.startFields[0:0:4]
	r.startObjects[1].fields = r.startFields[4:4:8]
	r.startObjects[2].fields = r.startFields[8:8:16]
	r.headers, r.qs, r.body = &r.startObjects[0], &r.startObjects[1], &r.startObjects[2]
	return r
}

// postReceiveGroup is one property's postReceive actions with its $value.
type postReceiveGroup struct {
	value   any
	actions []node.PostReceive
}

// build computes an item's request data (R1-R9, X4-X6). Errors are item
// failures (F3).
func (ic *itemContext) build(ctx context.Context) (*requestData, error) {
	p := ic.p
	r := ic.newRequestData()
	// R16: every visible top-level expression is evaluated, routing or not.
	for _, s := range p.topLevel {
		if _, _, err := ic.slotValue(ctx, s); err != nil {
			return nil, operationError(err, ic.index, s.name)
		}
	}
	for _, k := range p.defaults {
		v, err := ic.resolve(ctx, k.value, &ic.base)
		if err != nil {
			return nil, operationError(err, ic.index, "requestDefaults."+k.key)
		}
		r.assign(k.key, v)
	}
	// The steps' scope is the base scope (newItemContext keeps them
	// alike) plus $value, $index and $parent, which apply sets for each
	// step.
	for i := range p.steps {
		// A description may route tens of thousands of properties:
		// such a build stops soon after the run is cancelled.
		if i&1023 == 1023 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err := ic.apply(ctx, r, &p.steps[i]); err != nil {
			return nil, err
		}
	}
	if err := ic.requestOptions(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// assign sets a requestDefaults key, replacing the start value whole (R2.1).
func (r *requestData) assign(key string, v any) {
	switch key {
	case "headers":
		r.headers = r.copyStart(0, v)
	case "qs":
		r.qs = r.copyStart(1, v)
	case "body":
		if isPlainObject(v) {
			r.body = r.copyStart(2, v)
		} else {
			r.body = v
		}
	default:
		r.set(key, v)
	}
}

// copyStart is copyObject(v) into start object i (headers, qs, body) of
// r's own storage, when v is an ordered object that fits it: the constant
// requestDefaults objects that prepare put in key order then cost no
// allocation per item. Start object i is not in use when its key is
// assigned: in build it is still empty, and a page's copy of the request
// (clone) holds copies of the objects, not its start objects.
func (r *requestData) copyStart(i int, v any) *object {
	from, to := startRange(i)
	t, ok := v.(*object)
	if !ok || len(t.fields) > to-from {
		return copyObject(v)
	}
	dst := &r.startObjects[i]
	*dst = object{fields: append(r.startFields[from:from:to], t.fields...)}
	return dst
}

// startRange is where start object i keeps its fields in startFields, as
// newRequestData sets them.
func startRange(i int) (from, to int) {
	b := [...]int{0, 4, 8, 16}
	return b[i], b[i+1]
}

// mergeKey deep-merges one routing.request key (R2.2, R7).
func (r *requestData) mergeKey(key string, v any) {
	switch key {
	case "headers":
		mergeInto(r.headers, v)
	case "qs":
		mergeInto(r.qs, v)
	case "body":
		if o, ok := r.body.(*object); ok && isPlainObject(v) {
			mergeInto(o, v)
		} else if !expr.IsUndefined(v) {
			r.body = merge(r.body, v)
		}
	default:
		if !expr.IsUndefined(v) {
			r.set(key, v)
		}
	}
}

// mergeInto merges an object value into an owned ordered object in place.
func mergeInto(dst *object, v any) {
	switch t := v.(type) {
	case *object:
		for _, f := range t.fields {
			mergeKey(dst, f.key, f.val)
		}
	case map[string]any:
		for _, k := range sortedKeys(t) {
			mergeKey(dst, k, t[k])
		}
	}
}

func (r *requestData) set(key string, v any) {
	switch key {
	case "baseURL":
		r.baseURL = v
	case "url":
		r.url = v
	case "method":
		r.method = v
	case "json":
		r.json = v
	case "encoding":
		r.encoding = jsString(v)
	case "arrayFormat":
		r.arrayFormat = jsString(v)
	case "skipSslCertificateValidation":
		r.skipTLS = truthy(v)
	case "disableFollowRedirect":
		r.disableRedirects = truthy(v)
	case "ignoreHttpStatusErrors":
		r.ignoreHTTPErrors, r.ignoreExcept = ignoreRule(v)
	case "auth":
		if m, ok := v.(map[string]any); ok {
			r.basic = &node.BasicAuth{Username: jsString(m["username"]), Password: jsString(m["password"])}
		}
	}
}

// apply adds one routing contribution to the item's request (R6-R9).
func (ic *itemContext) apply(ctx context.Context, r *requestData, s *step) error {
	scope := &ic.step
	scope.Value, scope.HasValue = ic.base.Value, ic.base.HasValue
	scope.Index, scope.Parent, scope.HasParent = ic.base.Index, ic.base.Parent, ic.base.HasParent
	var value any = expr.Undefined
	if s.isProperty {
		v, err := ic.stepParameter(ctx, s)
		if err == nil && s.extract != nil {
			v, err = s.extract.Extract(s.path, v)
		}
		if err != nil {
			return operationError(err, ic.index, s.path)
		}
		value = v
		scope.Value, scope.HasValue = v, true
	}
	if s.hasParent {
		raw, _ := params.GetPath(ic.p.parameters, s.parentPath)
		parent, err := ic.resolve(ctx, raw, &ic.base)
		if err != nil {
			return operationError(err, ic.index, s.parentPath)
		}
		scope.Index, scope.Parent, scope.HasParent = s.index, parent, true
	}
	for _, k := range s.request {
		v, err := ic.resolve(ctx, k.value, scope)
		if err != nil {
			return operationError(err, ic.index, s.path)
		}
		r.mergeKey(k.key, v)
	}
	if s.send != nil && !s.skipSend && s.sendProperty != nil && s.sendProperty != "" {
		if err := ic.send(ctx, r, s, value, scope); err != nil {
			return err
		}
	}
	if s.hasPaginate && !r.paginateSet {
		v, err := ic.resolveObjectAsString(ctx, s.paginate, scope)
		if err != nil {
			return operationError(err, ic.index, s.path)
		}
		r.paginate, r.paginateSet = truthy(v), true
	}
	r.preSend = append(r.preSend, s.preSend...)
	if s.maxResults != nil {
		v, err := ic.resolveObjectAsString(ctx, s.maxResults, scope)
		if err != nil {
			return operationError(err, ic.index, s.path)
		}
		if truthy(v) {
			r.maxResults = v
		}
	}
	if len(s.postReceive) > 0 {
		var kept []node.PostReceive
		for _, a := range s.postReceive {
			if a.Hook != "" {
				kept = append(kept, a)
				continue
			}
			if str, ok := a.Enabled.(string); ok && strings.HasPrefix(str, "=") {
				v, err := ic.resolveObjectAsString(ctx, str, scope)
				if err != nil {
					return operationError(err, ic.index, s.path)
				}
				if truthy(v) {
					kept = append(kept, a)
				}
				continue
			}
			if a.Enabled != false {
				kept = append(kept, a)
			}
		}
		if len(kept) > 0 {
			r.postReceive = append(r.postReceive, postReceiveGroup{value: value, actions: kept})
		}
	}
	if s.operations != nil {
		ops := node.Operations{}
		if r.operations != nil {
			ops = *r.operations
		}
		switch {
		case s.operations.Pagination != nil:
			ops.Pagination, ops.MissingPagination = s.operations.Pagination, ""
		case s.operations.MissingPagination != "":
			// n8n's Object.assign puts this function over an earlier one.
			ops.Pagination, ops.MissingPagination = nil, s.operations.MissingPagination
		}
		r.operations = &ops
	}
	return nil
}

// send puts the property's value into the body or query (R8).
func (ic *itemContext) send(ctx context.Context, r *requestData, s *step, value any, scope *expr.Scope) error {
	nameValue, err := ic.resolveObjectAsString(ctx, s.sendProperty, scope)
	if err != nil {
		return operationError(err, ic.index, s.path)
	}
	name := jsString(nameValue)
	v := value
	switch {
	case s.sendOnce != nil && truthy(s.sendValue):
		s.sendOnce.once.Do(func() {
			s.sendOnce.value, s.sendOnce.err = ic.resolve(ctx, s.sendValue, scope)
		})
		v, err = s.sendOnce.value, s.sendOnce.err
	case truthy(s.sendValue):
		v, err = ic.resolve(ctx, s.sendValue, scope)
	}
	if err != nil {
		return operationError(err, ic.index, s.path)
	}
	var target *object
	if s.send.Type == "body" {
		o, ok := r.body.(*object)
		if !ok {
			o = newObject(4)
			r.body = o
		}
		target = o
	} else {
		target = r.qs
	}
	if !s.send.InDotNotation() {
		mergeKey(target, name, v)
		return nil
	}
	path := params.SplitPath(name)
	if len(path) == 0 {
		return nil
	}
	mergeKey(target, path[0], setIn(nil, path[1:], v))
	return nil
}

// requestOptions applies the Request Options collection last (X4-X6).
func (ic *itemContext) requestOptions(ctx context.Context, r *requestData) error {
	o := ic.p.staticOptions
	if o == nil {
		v, _, err := ic.Parameter(ctx, RequestOptionsName)
		if err != nil {
			return operationError(err, ic.index, RequestOptionsName)
		}
		ro, _ := v.(map[string]any)
		opts, bad := parseRequestOptions(ro)
		if bad != nil {
			bad.ItemIndex = ic.index
			return bad
		}
		o = &opts
	}
	if o.proxy != nil {
		r.proxy = o.proxy
	}
	if o.skipTLS {
		r.skipTLS = true
	}
	r.timeout = o.timeout
	return nil
}

// requestOptionValues is what the Request Options collection sets.
type requestOptionValues struct {
	proxy   *url.URL
	skipTLS bool
	timeout time.Duration
}

// parseRequestOptions reads a resolved Request Options collection. Its
// error lacks the item index.
func parseRequestOptions(ro map[string]any) (requestOptionValues, *NodeError) {
	o := requestOptionValues{timeout: defaultTimeout}
	if proxy := ro["proxy"]; truthy(proxy) {
		u, err := parseProxy(jsString(proxy))
		if err != nil {
			return o, &NodeError{Name: NameNodeOperationError, Message: "The proxy is not valid", Description: err.Error(),
				Parameter: RequestOptionsName + ".proxy"}
		}
		o.proxy = u
	}
	o.skipTLS = truthy(ro["allowUnauthorizedCerts"])
	if t := ro["timeout"]; truthy(t) {
		ms, ok := t.(float64)
		if !ok || ms < 0 {
			return o, &NodeError{Name: NameNodeOperationError, Message: "The timeout is not valid",
				Description: fmt.Sprintf("Request Options timeout must be a positive number of milliseconds, not %s", jsString(t)),
				Parameter:   RequestOptionsName + ".timeout"}
		}
		o.timeout = time.Duration(min(ms, maxTimeoutMs) * float64(time.Millisecond))
	}
	return o, nil
}

// prepareRequestOptions reads the Request Options once when they hold no
// expression, as they then set the same for every item. Invalid options
// are left to fail each item.
func (p *Prepared) prepareRequestOptions() {
	s, ok := p.slots[RequestOptionsName]
	if ok && (s.cache >= 0 || s.locator) {
		return
	}
	var ro map[string]any
	if ok {
		ro, _ = s.raw.(map[string]any)
	}
	if o, err := parseRequestOptions(ro); err == nil {
		p.staticOptions = &o
	}
}

// parseProxy checks a proxy URL as n8n does: it needs a host and a port
// (X5). n8n parses it with Node's legacy url.parse, which reads
// "myproxy:3128" (no "//") as scheme "myproxy:" with host "3128" and no
// port, so such a value lacks the port, not the host.
func parseProxy(s string) (*url.URL, error) {
	errHost := errors.New(`The proxy URL does not contain a valid value for "host"`)
	errPort := errors.New(`The proxy URL does not contain a valid value for "port"`)
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Scheme == "" {
		if i := strings.IndexByte(s, ':'); i > 0 && !strings.Contains(s[:i], "/") && !strings.HasPrefix(s[i:], "://") {
			return nil, errPort
		}
		return nil, errHost
	}
	if u.Hostname() == "" {
		return nil, errHost
	}
	if u.Port() == "" {
		return nil, errPort
	}
	return u, nil
}

// httpRequest is a finished request, ready for the transport.
type httpRequest struct {
	method  string
	url     string
	headers []headerField
	body    []byte
	// credentialHeaders are the header names the credential set: they are
	// never forwarded to another host on a redirect.
	credentialHeaders []string
	// cred is the credential applied to the request, for the redirect
	// check: what it put in the query and body must not leave the origin.
	cred             *preparedCredential
	timeout          time.Duration
	proxy            *url.URL
	skipTLS          bool
	noRedirects      bool
	rawBody          bool // encoding arraybuffer: keep the response bytes
	ignoreHTTPErrors bool
	ignoreExcept     []int
}

type headerField struct{ name, value string }

// authFields is a credential's authentication as the object fields finish
// sets: a string put in an interface costs an allocation, paid here once
// per credential session instead of per request.
type authFields struct {
	headers, query, body []field
	basic                *node.BasicAuth
}

func newAuthFields(a credentials.Auth) authFields {
	fields := func(pairs []credentials.Pair) []field {
		out := make([]field, len(pairs))
		for i, p := range pairs {
			out[i] = field{p.Name, p.Value}
		}
		return out
	}
	return authFields{headers: fields(a.Headers), query: fields(a.Query), body: fields(a.Body), basic: a.Basic}
}

// finish turns request data into an HTTP request: method default, empty
// body removal, credential, URL join, query and headers (R10-R14, C2).
func (ic *itemContext) finish(r *requestData) (*httpRequest, error) {
	methodSet := r.method != nil && !expr.IsUndefined(r.method) && jsString(r.method) != ""
	method := "GET"
	if methodSet {
		method = strings.ToUpper(jsString(r.method))
	}
	body := r.body
	if (!methodSet || method == "GET" || method == "HEAD" || method == "OPTIONS") && isEmptyBody(body) {
		body = nil
	}
	if methodSet && method == "GET" {
		body = nil // axios never sends a body with an explicit GET
	}
	if !sendsBody(body) {
		body = nil // {} is never sent (R11), nor is any other empty body
	}
	// The item context holds the request, as it holds the request data:
	// a request is sent before the next page's is made, and nothing keeps
	// it after (the header slices are copied into the http.Request).
	hr := &ic.http
	*hr = httpRequest{method: method, timeout: r.timeout, proxy: r.proxy, skipTLS: r.skipTLS,
		noRedirects: r.disableRedirects, rawBody: r.encoding == "arraybuffer", ignoreHTTPErrors: r.ignoreHTTPErrors, ignoreExcept: r.ignoreExcept,
		headers: hr.headers[:0], credentialHeaders: hr.credentialHeaders[:0]}
	basic := r.basic
	if c := ic.p.cred; c != nil {
		auth := &c.fields
		if ic.sess != nil {
			auth = &ic.sess.fields
		}
		for _, h := range auth.headers {
			r.headers.Set(h.key, h.val)
			hr.credentialHeaders = append(hr.credentialHeaders, h.key)
		}
		for _, q := range auth.query {
			r.qs.Set(q.key, q.val)
		}
		if len(auth.body) > 0 && !(methodSet && method == "GET") {
			o, ok := body.(*object)
			if !ok {
				o = newObject(len(auth.body))
			}
			for _, b := range auth.body {
				o.Set(b.key, b.val)
			}
			body = o
		}
		if auth.basic != nil {
			basic = auth.basic
		}
	}
	full, err := joinURL(r.baseURL, r.url)
	if err != nil {
		return nil, &NodeError{Name: NameNodeOperationError, Message: "Invalid URL", Description: err.Error(), ItemIndex: ic.index}
	}
	if c := ic.p.cred; c != nil {
		if err := c.checkHost(r.baseURL, full); err != nil && !ic.p.engine.standsForAllowed(c, r.baseURL, full) {
			return nil, domainNodeError(err, ic.index)
		}
		hr.cred = c
	}
	if r.qs.Len() > 0 {
		if q := encodeQuery(r.qs, r.arrayFormat); q != "" {
			sep := "?"
			if strings.Contains(full, "?") {
				sep = "&"
			}
			full += sep + q
		}
	}
	hr.url = full
	if truthy(r.json) && !sendsHeader(r.headers, "Accept") {
		r.headers.Set("Accept", "application/json")
	}
	hr.headers = slices.Grow(hr.headers, len(r.headers.fields)+len(hr.credentialHeaders)+2)
	accept := false
	for _, f := range r.headers.fields {
		if v, sent := headerValue(f.val); sent {
			hr.headers = append(hr.headers, headerField{name: f.key, value: v})
			accept = accept || equalFoldASCII(f.key, "Accept")
		}
	}
	if !accept {
		hr.headers = append(hr.headers, headerField{"Accept", "application/json, text/plain, */*"})
	}
	if basic != nil {
		token := base64.StdEncoding.EncodeToString([]byte(basic.Username + ":" + basic.Password))
		hr.headers = append(hr.headers, headerField{"Authorization", "Basic " + token})
		hr.credentialHeaders = append(hr.credentialHeaders, "Authorization")
	}
	if body != nil && !expr.IsUndefined(body) {
		requestType := headerLookup(hr.headers, "Content-Type")
		b, contentType, err := ic.encodeBody(r, body, requestType)
		if err != nil {
			return nil, &NodeError{Name: NameNodeOperationError, Message: "The request body could not be encoded", Description: err.Error(), ItemIndex: ic.index}
		}
		hr.body = b
		if contentType != "" && requestType == "" {
			hr.headers = append(hr.headers, headerField{"Content-Type", contentType})
		}
	}
	return hr, nil
}

// sendsBody is n8n's test before it hands a body to axios: only a
// non-empty string, array or object is sent; {}, [], "", null, numbers and
// booleans are not. An object whose values are all undefined still has
// keys, so it is sent as {} (R11 [v]).
func sendsBody(body any) bool {
	switch t := body.(type) {
	case string:
		return t != ""
	case []any:
		return len(t) > 0
	case *object:
		return t.Len() > 0
	case map[string]any:
		return len(t) > 0
	}
	return false
}

// headerValue stringifies a header value as axios does (R14): undefined,
// null and false are not sent, arrays are joined with ", ".
func headerValue(v any) (string, bool) {
	switch t := v.(type) {
	case nil:
		return "", false
	case string:
		return t, true
	case bool:
		if !t {
			return "", false
		}
	case []any:
		parts := make([]string, len(t))
		for i, x := range t {
			parts[i] = jsString(x)
		}
		return strings.Join(parts, ", "), true
	}
	if expr.IsUndefined(v) {
		return "", false
	}
	return jsString(v), true
}

func headerLookup(h []headerField, name string) string {
	for _, f := range h {
		if equalFoldASCII(f.name, name) {
			return f.value
		}
	}
	return ""
}

// sendsHeader reports whether headers hold a header called name (ASCII)
// whose value is sent.
func sendsHeader(headers *object, name string) bool {
	for _, f := range headers.fields {
		if equalFoldASCII(f.key, name) {
			if _, sent := headerValue(f.val); sent {
				return true
			}
		}
	}
	return false
}

// equalFoldASCII is strings.EqualFold(s, name) for an ASCII name, made
// cheap for the common mismatch: it compares ASCII bytes case-insensitively
// and stops at the first that differs, leaving only text that is not
// ASCII to EqualFold (U+212A KELVIN SIGN folds to k).
func equalFoldASCII(s, name string) bool {
	if len(s) < len(name) {
		return false // a rune folding to an ASCII letter is never shorter
	}
	for i := 0; i < len(name); i++ {
		c, n := s[i], name[i]
		if c == n {
			continue
		}
		if c >= utf8.RuneSelf {
			return strings.EqualFold(s[i:], name[i:])
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'A' <= n && n <= 'Z' {
			n += 'a' - 'A'
		}
		if c != n {
			return false
		}
	}
	return len(s) == len(name)
}

// encodeBody encodes the body of r, the item's request data or a copy
// that pagination edited. In a run whose items all send the same body
// (Prepared.staticBody) the item's own body is encoded once per request
// Content-Type, and its bytes are shared.
func (ic *itemContext) encodeBody(r *requestData, body any, requestType string) ([]byte, string, error) {
	p := ic.p
	if !p.staticBody || r != &ic.request {
		return encodeBody(body, requestType)
	}
	if e := p.encodedBody.Load(); e != nil && e.requestType == requestType {
		return e.data, e.contentType, nil
	}
	data, contentType, err := encodeBody(body, requestType)
	if err == nil {
		p.encodedBody.Store(&encodedBody{requestType: requestType, data: data, contentType: contentType})
	}
	return data, contentType, err
}

// encodeBody serialises a body: strings as they are, objects as JSON, or
// as a form when the content type asks for one.
func encodeBody(body any, contentType string) ([]byte, string, error) {
	if s, ok := body.(string); ok {
		return []byte(s), "", nil
	}
	if strings.HasPrefix(strings.ToLower(contentType), "application/x-www-form-urlencoded") {
		o := copyObject(body)
		return []byte(encodeQuery(o, "indices")), "", nil
	}
	// Most bodies of integration APIs fit in the first allocation.
	b, err := node.AppendJSON(make([]byte, 0, 256), body)
	if err != nil {
		return nil, "", err
	}
	return b, "application/json", nil
}

// joinURL combines baseURL and url as axios does (R12): an absolute url
// wins; otherwise one slash joins them; no url means the base alone.
func joinURL(baseRaw, urlRaw any) (string, error) {
	base, rel := "", ""
	if baseRaw != nil && !expr.IsUndefined(baseRaw) {
		base = jsString(baseRaw)
	}
	if urlRaw != nil && !expr.IsUndefined(urlRaw) {
		rel = jsString(urlRaw)
	}
	full := rel
	switch {
	case isAbsoluteURL(rel):
	case rel == "":
		full = base
	case base != "":
		full = strings.TrimSuffix(base, "/") + "/" + strings.TrimLeft(rel, "/")
	}
	if full == "" {
		return "", errors.New("the request has no URL: the base URL is empty")
	}
	if strings.HasPrefix(full, "//") {
		full = "http:" + full
	}
	if plainHTTPURL(full) {
		return full, nil
	}
	// Only a URL the quick check refuses pays for a full parse, which
	// says precisely what is wrong.
	u, err := url.Parse(full)
	if err != nil {
		return "", fmt.Errorf("%q is not a valid URL: %v", full, err)
	}
	if u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("%q is not a valid URL: it needs a scheme and a host, such as https://example.com", full)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("%q is not a valid URL: the scheme must be http or https", full)
	}
	return full, nil
}

// plainHTTPURL is a quick check for the common URL: http or https, a
// host, printable bytes, well-formed percent escapes. What it accepts,
// url.Parse accepts with the same scheme and host.
//
// It runs for every request, so it reads the URL eight bytes at a time
// and looks at single bytes only in a word that holds a space, a control
// byte or a '%'.
func plainHTTPURL(s string) bool {
	rest, ok := strings.CutPrefix(s, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "http://"); !ok {
			return false
		}
	}
	hostEnd := len(rest)
host:
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case '/', '?', '#':
			hostEnd = i
			break host
		case '@', '[', ']', '%':
			return false // userinfo, IPv6 literals and escapes: let url.Parse judge
		}
	}
	if hostEnd == 0 {
		return false
	}
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if !hasURLSpecialByte(load64(s[i : i+8])) {
			continue
		}
		if !plainURLBytes(s, i, i+8) {
			return false
		}
	}
	return plainURLBytes(s, i, len(s))
}

// hasURLSpecialByte reports whether any byte of w is at most ' ', is DEL or
// is '%', with the exact zero-byte tests of "Bit Twiddling Hacks": a
// borrow can flag a byte wrongly only above one flagged rightly.
func hasURLSpecialByte(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	below := (w - ones*0x21) &^ w
	del, pct := w^(ones*0x7f), w^(ones*'%')
	return (below|(del-ones)&^del|(pct-ones)&^pct)&highs != 0
}

// load64 reads eight bytes of a string as one little-endian word; the
// compiler makes it a single load.
func load64(b string) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// plainURLBytes checks s[from:to] byte by byte for plainHTTPURL; an
// escape's hex digits may lie beyond to.
func plainURLBytes(s string, from, to int) bool {
	for i := from; i < to; i++ {
		c := s[i]
		switch {
		case c <= ' ' || c == 0x7f:
			return false
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// isAbsoluteURL is axios's test: a scheme followed by "//", or "//".
func isAbsoluteURL(s string) bool {
	if strings.HasPrefix(s, "//") {
		return true
	}
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false // no scheme: the usual relative path, without a search
	}
	i := strings.Index(s, "://")
	if i <= 0 {
		return false
	}
	for j, c := range s[:i] {
		isLetter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !isLetter && (j == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}
