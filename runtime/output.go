package runtime

import (
	"context"
	"encoding/base64"
	"fmt"
	"math"
	"mime"
	"sort"
	"strconv"
	"strings"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime/expr"
	"github.com/noderun/noderun/runtime/internal/params"
)

// perform sends an item's request and shapes the response into items:
// preSend hooks, pagination or a single request, postReceive actions and
// maxResults (O4-O9). Errors are *NodeError for the item, or ctx errors.
func (ic *itemContext) perform(ctx context.Context, r *requestData) ([]node.Item, error) {
	if err := ic.preSend(ctx, r); err != nil {
		return nil, err
	}
	var items []node.Item
	var err error
	if pg := r.operations; r.paginate && pg != nil && pg.Pagination == nil && pg.MissingPagination != "" {
		e := missingFunctionError([]string{pg.MissingPagination})
		e.ItemIndex = ic.index
		return nil, e
	}
	if pg := r.operations; r.paginate && pg != nil && pg.Pagination != nil {
		items, err = ic.paginate(ctx, r, pg.Pagination)
	} else {
		items, err = ic.fetch(ctx, r, nil)
	}
	if err != nil {
		return nil, err
	}
	if truthy(r.maxResults) {
		items = splice(items, r.maxResults)
	}
	return items, nil
}

// preSend runs the request's preSend functions in order, each changing r.
func (ic *itemContext) preSend(ctx context.Context, r *requestData) error {
	for _, name := range r.preSend {
		hook, err := ic.p.engine.Hooks.preSendHook(name)
		if err != nil {
			return operationError(err, ic.index, "")
		}
		hr := r.hookRequest(ic.index)
		if _, err := withHookContext(ctx, ic, func(ctx context.Context) (struct{}, error) { return struct{}{}, hook(ctx, hr) }); err != nil {
			return operationError(err, ic.index, "")
		}
		r.applyHookRequest(hr)
	}
	return nil
}

// splice keeps the first parseInt(n) items, as Array#splice(n) does.
func splice(items []node.Item, n any) []node.Item {
	k, ok := parseInt(n)
	if !ok {
		return items
	}
	if k < 0 {
		k += len(items)
		if k < 0 {
			k = 0
		}
	}
	if k < len(items) {
		return items[:k]
	}
	return items
}

// parseInt is JavaScript's parseInt(String(v), 10).
func parseInt(v any) (int, bool) {
	if f, ok := v.(float64); ok && !math.IsNaN(f) && !math.IsInf(f, 0) {
		return int(f), true
	}
	s := strings.TrimSpace(jsString(v))
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || end == 0 && (s[end] == '-' || s[end] == '+')) {
		end++
	}
	n, err := strconv.Atoi(s[:end])
	return n, err == nil
}

// fetch sends one request and runs the postReceive actions on it. A nil
// override sends r as it is.
func (ic *itemContext) fetch(ctx context.Context, r *requestData, override func(*requestData)) ([]node.Item, error) {
	_, _, items, err := ic.fetchFull(ctx, r, override)
	return items, err
}

// fetchFull is fetch that also returns the response and its parsed body.
// Each response's bytes and items count against the item's output budget,
// so pagination stops at the page that passes a limit.
func (ic *itemContext) fetchFull(ctx context.Context, r *requestData, override func(*requestData)) (*response, any, []node.Item, error) {
	req := r
	if override != nil {
		req = r.clone()
		override(req)
	}
	resp, hr, err := ic.sendAuthenticated(ctx, req)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := ic.out.addBytes(ic.p.engine, len(resp.body), ic.index); err != nil {
		return nil, nil, nil, err
	}
	var body any
	if hr.rawBody {
		body = resp.body
	} else {
		if len(resp.body) > scanArrayAbove && len(r.postReceive) == 0 {
			// Each element would become an item: refuse too many before
			// the parse, which costs far more memory than the body.
			if n, isArray := topLevelArrayLen(resp.body); isArray {
				if err := ic.out.checkItems(ic.p.engine, n, ic.index); err != nil {
					return nil, nil, nil, err
				}
			}
		}
		body = resp.value()
	}
	items, err := ic.postProcess(ctx, r, resp, body)
	if err == nil {
		err = ic.out.addItems(ic.p.engine, len(items), ic.index)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	return resp, body, items, nil
}

// clone copies request data so a page can change its query and body.
func (r *requestData) clone() *requestData {
	c := *r
	c.headers = copyObject(r.headers)
	c.qs = copyObject(r.qs)
	if o, ok := r.body.(*object); ok {
		c.body = copyObject(o)
	}
	return &c
}

// postProcess turns a response into items (O2, O4).
func (ic *itemContext) postProcess(ctx context.Context, r *requestData, resp *response, body any) ([]node.Item, error) {
	if len(r.postReceive) == 0 {
		if arr, ok := body.([]any); ok {
			if err := ic.out.checkItems(ic.p.engine, len(arr), ic.index); err != nil {
				return nil, err
			}
			items := make([]node.Item, len(arr))
			for i, v := range arr {
				items[i] = node.Item{JSON: v}
			}
			return items, nil
		}
		if b, ok := body.([]byte); ok {
			body = string(b)
		}
		return []node.Item{{JSON: body}}, nil
	}
	items := []node.Item{{JSON: body}}
	full := &expr.Response{Body: body, Headers: resp.headerMap(), StatusCode: resp.status, StatusMessage: resp.statusText}
	for _, g := range r.postReceive {
		for _, a := range g.actions {
			var err error
			items, err = ic.postReceive(ctx, a, items, resp, full, g.value)
			if err != nil {
				return nil, err
			}
		}
	}
	return items, nil
}

// postReceive runs one action (O4).
func (ic *itemContext) postReceive(ctx context.Context, a node.PostReceive, items []node.Item, resp *response, full *expr.Response, value any) ([]node.Item, error) {
	scope := &ic.post
	*scope = ic.base
	scope.Response = full
	scope.Value, scope.HasValue = value, true
	fail := func(err error) ([]node.Item, error) {
		where := "postReceive " + a.Type
		if a.Hook != "" {
			where = "postReceive function"
		}
		return nil, operationError(err, ic.index, where)
	}
	if a.Hook != "" {
		hook, err := ic.p.engine.Hooks.postReceiveHook(a.Hook)
		if err != nil {
			return fail(err)
		}
		out, err := withHookContext(ctx, ic, func(ctx context.Context) ([]node.Item, error) {
			return hook(ctx, items, &HookResponse{StatusCode: full.StatusCode, StatusMessage: full.StatusMessage, Headers: full.Headers, Body: full.Body})
		})
		if err != nil {
			return fail(err)
		}
		return out, nil
	}
	props := a.Properties
	switch a.Type {
	case node.PostReceiveRootProperty:
		path, _ := props["property"].(string)
		var out []node.Item
		for _, it := range items {
			v, ok := params.GetPath(it.JSON, path)
			if !ok {
				out = append(out, node.Item{JSON: nil})
				continue
			}
			if arr, isArr := v.([]any); isArr {
				if err := ic.out.checkItems(ic.p.engine, len(out)+len(arr), ic.index); err != nil {
					return nil, err
				}
				for _, x := range arr {
					out = append(out, node.Item{JSON: x})
				}
				continue
			}
			out = append(out, node.Item{JSON: v})
		}
		return out, nil
	case node.PostReceiveSet:
		v, err := ic.resolve(ctx, props["value"], scope)
		if err != nil {
			return fail(err)
		}
		return []node.Item{{JSON: plainJSON(v)}}, nil
	case node.PostReceiveFilter:
		out := items[:0:0]
		for _, it := range items {
			s := &ic.postItem
			*s = *scope
			s.ResponseItem, s.HasResponseItem = it.JSON, true
			pass, err := ic.resolve(ctx, props["pass"], s)
			if err != nil {
				return fail(err)
			}
			if truthy(pass) {
				out = append(out, it)
			}
		}
		return out, nil
	case node.PostReceiveLimit:
		v, err := ic.resolve(ctx, props["maxResults"], scope)
		if err != nil {
			return fail(err)
		}
		n, ok := parseInt(v)
		if !ok {
			return []node.Item{}, nil // slice(0, NaN) is empty
		}
		if n < 0 {
			n = max(0, len(items)+n)
		}
		return items[:min(n, len(items))], nil
	case node.PostReceiveSort:
		key, _ := props["key"].(string)
		out := append([]node.Item(nil), items...)
		sortKey := func(it node.Item) string {
			m, _ := it.JSON.(map[string]any)
			v, ok := m[key]
			if !ok || v == nil || expr.IsUndefined(v) {
				return ""
			}
			return strings.ToLower(jsString(v))
		}
		sort.SliceStable(out, func(i, j int) bool { return sortKey(out[i]) < sortKey(out[j]) })
		return out, nil
	case node.PostReceiveSetKeyValue:
		out := make([]node.Item, 0, len(items))
		for _, it := range items {
			s := &ic.postItem
			*s = *scope
			s.ResponseItem, s.HasResponseItem = it.JSON, true
			m := make(map[string]any, len(props))
			// In declaration order, as n8n does: the first failing key
			// is the one an error names. An undefined value leaves its
			// key out, as n8n's output (JSON) does.
			for _, k := range a.PropertyKeys() {
				v, err := ic.resolve(ctx, props[k], s)
				if err != nil {
					return fail(err)
				}
				if expr.IsUndefined(v) {
					continue
				}
				m[k] = plainJSON(v)
			}
			out = append(out, node.Item{JSON: m})
		}
		return out, nil
	case node.PostReceiveBinaryData:
		dest, err := ic.resolve(ctx, props["destinationProperty"], scope)
		if err != nil {
			return fail(err)
		}
		bin := binaryOf(resp)
		out := make([]node.Item, len(items))
		for i, it := range items {
			// n8n empties a text json; the raw bytes of an arraybuffer
			// body are not JSON either, and now live in the binary.
			switch it.JSON.(type) {
			case string, []byte, nil:
				it.JSON = map[string]any{}
			}
			it.Binary = map[string]node.Binary{jsString(dest): bin}
			out[i] = it
		}
		return out, nil
	}
	return fail(fmt.Errorf("unknown postReceive type %q: use rootProperty, set, filter, limit, sort, setKeyValue or binaryData", a.Type))
}

// binaryOf turns a response body into binary data.
func binaryOf(resp *response) node.Binary {
	ct := resp.headers.Get("Content-Type")
	mimeType, _, _ := mime.ParseMediaType(ct)
	if mimeType == "" {
		mimeType = "application/octet-stream"
	}
	b := node.Binary{Data: base64.StdEncoding.EncodeToString(resp.body), MimeType: mimeType, FileSize: humanSize(len(resp.body))}
	if exts, _ := mime.ExtensionsByType(mimeType); len(exts) > 0 {
		b.FileExtension = strings.TrimPrefix(exts[0], ".")
	}
	if strings.Contains(mimeType, "/") {
		b.FileType = strings.SplitN(mimeType, "/", 2)[0]
	}
	return b
}

func humanSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// plainJSON converts a resolved value for an output item as
// JSON.stringify would see it: undefined becomes null (and is dropped
// inside objects), NaN and ±Infinity become null.
func plainJSON(v any) any {
	out, _ := jsonValue(v)
	return out
}

// jsonValue is plainJSON that also reports whether anything changed, so
// that maps and slices are copied only where they must be.
func jsonValue(v any) (any, bool) {
	switch t := v.(type) {
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return nil, true
		}
		return v, false
	case map[string]any:
		var out map[string]any
		for k, x := range t {
			y, changed := jsonValue(x)
			drop := expr.IsUndefined(x)
			if !changed && !drop {
				continue
			}
			if out == nil {
				out = make(map[string]any, len(t))
				for k2, x2 := range t {
					out[k2] = x2
				}
			}
			if drop {
				delete(out, k)
			} else {
				out[k] = y
			}
		}
		if out != nil {
			return out, true
		}
		return v, false
	case []any:
		var out []any
		for i, x := range t {
			y, changed := jsonValue(x)
			if !changed {
				continue
			}
			if out == nil {
				out = append([]any(nil), t...)
			}
			out[i] = y
		}
		if out != nil {
			return out, true
		}
		return v, false
	}
	if expr.IsUndefined(v) {
		return nil, true
	}
	return v, false
}

// paginate runs declarative or hook pagination (O7-O9), bounded by
// Engine.MaxPages.
func (ic *itemContext) paginate(ctx context.Context, r *requestData, pg *node.Pagination) ([]node.Item, error) {
	limit := ic.p.engine.maxPages()
	pages := 0
	tooMany := func() error {
		return &NodeError{Name: NameNodeOperationError, ItemIndex: ic.index,
			Message:     fmt.Sprintf("Pagination stopped after %d pages", limit),
			Description: "the pagination kept asking for more pages; raise Engine.MaxPages (CLI: --max-pages) if the service really has more"}
	}
	if pg.Hook != "" {
		hook, err := ic.p.engine.Hooks.paginationHook(pg.Hook)
		if err != nil {
			return nil, operationError(err, ic.index, "pagination")
		}
		fetch := func(ctx context.Context, h *HookRequest) ([]node.Item, error) {
			if pages++; pages > limit {
				return nil, tooMany()
			}
			return ic.fetch(ctx, r, func(c *requestData) { c.applyHookRequest(h) })
		}
		items, err := withHookContext(ctx, ic, func(ctx context.Context) ([]node.Item, error) { return hook(ctx, r.hookRequest(ic.index), fetch) })
		if err != nil {
			return nil, operationError(err, ic.index, "pagination")
		}
		return items, nil
	}
	switch pg.Type {
	case node.PaginationGeneric:
		return ic.paginateGeneric(ctx, r, pg.Properties, limit, tooMany)
	case node.PaginationOffset:
		return ic.paginateOffset(ctx, r, pg.Properties, limit, tooMany)
	}
	return nil, operationError(fmt.Errorf("unknown pagination type %q: use generic or offset", pg.Type), ic.index, "pagination")
}

// paginateGeneric is O9: each page is the base request shallow-merged with
// the resolved "request", until "continue" is falsy.
func (ic *itemContext) paginateGeneric(ctx context.Context, r *requestData, props map[string]any, limit int, tooMany func() error) ([]node.Item, error) {
	base := r.requestMap()
	var all []node.Item
	full := &expr.Response{}
	for page := 1; ; page++ {
		if page > limit {
			return nil, tooMany()
		}
		scope := &ic.page
		*scope = ic.base
		scope.Request = base
		scope.Response = full
		over, err := ic.resolve(ctx, props["request"], scope)
		if err != nil {
			return nil, operationError(err, ic.index, "pagination.request")
		}
		overrides, _ := over.(map[string]any)
		resp, body, items, err := ic.fetchFull(ctx, r, func(c *requestData) {
			for k, v := range overrides {
				c.assign(k, v)
			}
		})
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if _, raw := body.([]byte); raw {
			body = resp.value() // $response.body is parsed even for a raw page
		}
		full = &expr.Response{Body: body, Headers: resp.headerMap(), StatusCode: resp.status, StatusMessage: resp.statusText}
		scope.Response = full
		more, err := ic.resolve(ctx, props["continue"], scope)
		if err != nil {
			return nil, operationError(err, ic.index, "pagination.continue")
		}
		if !truthy(more) {
			return all, nil
		}
	}
}

// paginateOffset is O8: limit and offset parameters, while a page is full.
func (ic *itemContext) paginateOffset(ctx context.Context, r *requestData, props map[string]any, limit int, tooMany func() error) ([]node.Item, error) {
	limitParam, _ := props["limitParameter"].(string)
	offsetParam, _ := props["offsetParameter"].(string)
	pageSize, _ := props["pageSize"].(float64)
	rootProperty, _ := props["rootProperty"].(string)
	inBody := props["type"] == "body"
	maxResults, hasMax := parseInt(r.maxResults)
	hasMax = hasMax && truthy(r.maxResults)
	var all []node.Item
	offset := 0.0
	for page := 1; ; page++ {
		size := pageSize
		if hasMax {
			missing := maxResults - len(all)
			if missing < 1 {
				return all, nil
			}
			size = math.Min(pageSize, float64(missing))
		}
		if page > limit {
			return nil, tooMany()
		}
		items, err := ic.fetch(ctx, r, func(c *requestData) {
			target := c.qs
			if inBody {
				o, ok := c.body.(*object)
				if !ok {
					o = newObject(2)
					c.body = o
				}
				target = o
			}
			target.Set(limitParam, size)
			target.Set(offsetParam, offset)
		})
		if err != nil {
			return nil, err
		}
		offset += pageSize
		if rootProperty != "" {
			var first any
			if len(items) > 0 {
				first = items[0].JSON
			}
			v, ok := params.GetPath(first, rootProperty)
			arr, isArr := v.([]any)
			if !ok || !isArr {
				return nil, &NodeError{Name: NameNodeOperationError, ItemIndex: ic.index,
					Message: fmt.Sprintf("The rootProperty %q could not be found on item.", rootProperty)}
			}
			if err := ic.out.addItems(ic.p.engine, len(arr), ic.index); err != nil {
				return nil, err
			}
			items = make([]node.Item, len(arr))
			for i, x := range arr {
				items[i] = node.Item{JSON: x}
			}
		}
		all = append(all, items...)
		if len(items) == 0 || float64(len(items)) != pageSize {
			return all, nil
		}
	}
}

// requestMap is $request: the base request options as a plain object.
func (r *requestData) requestMap() map[string]any {
	m := map[string]any{
		"headers": r.headers.Map(),
		"qs":      r.qs.Map(),
		"body":    plainBody(r.body),
	}
	for k, v := range map[string]any{"baseURL": r.baseURL, "url": r.url, "method": r.method} {
		if v != nil && !expr.IsUndefined(v) {
			m[k] = v
		}
	}
	return m
}
