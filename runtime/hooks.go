package runtime

import (
	"context"
	"fmt"
	"sync"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime/expr"
)

// HookRequest is the request a hook sees and may change: n8n's
// IHttpRequestOptions as RoutingNode builds it.
type HookRequest struct {
	BaseURL string
	URL     string
	Method  string
	Headers map[string]any
	Qs      map[string]any
	Body    any
	// ItemIndex is the input item the request is for.
	ItemIndex int
}

// HookResponse is the full response a postReceive hook receives.
type HookResponse struct {
	StatusCode    int
	StatusMessage string
	Headers       map[string]any
	Body          any
}

// PreSendFunc changes a request before it is sent (send.preSend).
type PreSendFunc func(ctx context.Context, req *HookRequest) error

// PostReceiveFunc turns a response's items into output items
// (output.postReceive).
type PostReceiveFunc func(ctx context.Context, items []node.Item, resp *HookResponse) ([]node.Item, error)

// PaginationFunc fetches every page of an item's request
// (operations.pagination). It calls fetch for each page; fetch sends the
// request and runs the postReceive actions, like n8n's makeRoutingRequest.
type PaginationFunc func(ctx context.Context, req *HookRequest, fetch func(context.Context, *HookRequest) ([]node.Item, error)) ([]node.Item, error)

// Hooks holds the functions that descriptions name where n8n holds code
// (D8). Its zero value is empty and ready; it is safe for concurrent use.
// A name can be registered once per kind: a second registration fails, so
// two packages cannot silently replace each other's hook.
type Hooks struct {
	mu          sync.RWMutex
	preSend     map[string]PreSendFunc
	postReceive map[string]PostReceiveFunc
	pagination  map[string]PaginationFunc
}

// RegisterPreSend adds a preSend hook.
func (h *Hooks) RegisterPreSend(name string, f PreSendFunc) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return register(&h.preSend, "preSend", name, f)
}

// RegisterPostReceive adds a postReceive hook.
func (h *Hooks) RegisterPostReceive(name string, f PostReceiveFunc) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return register(&h.postReceive, "postReceive", name, f)
}

// RegisterPagination adds a pagination hook.
func (h *Hooks) RegisterPagination(name string, f PaginationFunc) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return register(&h.pagination, "pagination", name, f)
}

func register[F any](m *map[string]F, kind, name string, f F) error {
	if name == "" {
		return fmt.Errorf("hooks: %s hook needs a name", kind)
	}
	if *m == nil {
		*m = map[string]F{}
	}
	if _, dup := (*m)[name]; dup {
		return fmt.Errorf("hooks: %s hook %q is already registered", kind, name)
	}
	(*m)[name] = f
	return nil
}

func lookupHook[F any](h *Hooks, kind, name string, get func(*Hooks) map[string]F) (F, error) {
	var zero F
	if h == nil {
		return zero, fmt.Errorf("%s hook %q is not registered: the engine has no hooks", kind, name)
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	f, ok := get(h)[name]
	if !ok {
		return zero, fmt.Errorf("%s hook %q is not registered", kind, name)
	}
	return f, nil
}

func (h *Hooks) preSendHook(name string) (PreSendFunc, error) {
	return lookupHook(h, "preSend", name, func(h *Hooks) map[string]PreSendFunc { return h.preSend })
}

func (h *Hooks) postReceiveHook(name string) (PostReceiveFunc, error) {
	return lookupHook(h, "postReceive", name, func(h *Hooks) map[string]PostReceiveFunc { return h.postReceive })
}

func (h *Hooks) paginationHook(name string) (PaginationFunc, error) {
	return lookupHook(h, "pagination", name, func(h *Hooks) map[string]PaginationFunc { return h.pagination })
}

// hookRequest exposes request data to a hook.
func (r *requestData) hookRequest(index int) *HookRequest {
	return &HookRequest{
		BaseURL:   optString(r.baseURL),
		URL:       optString(r.url),
		Method:    optString(r.method),
		Headers:   r.headers.Map(),
		Qs:        r.qs.Map(),
		Body:      plainBody(r.body),
		ItemIndex: index,
	}
}

// applyHookRequest copies a hook's changes back. Keys the request already
// had keep their order (n8n's hook changes the same object, so body keys
// and query parameters stay in property order); keys the hook added follow,
// sorted.
func (r *requestData) applyHookRequest(h *HookRequest) {
	r.baseURL, r.url, r.method = h.BaseURL, h.URL, h.Method
	r.headers = reorder(r.headers, h.Headers)
	r.qs = reorder(r.qs, h.Qs)
	if m, ok := h.Body.(map[string]any); ok {
		prev, _ := r.body.(*object)
		r.body = reorder(prev, m)
	} else {
		r.body = h.Body
	}
}

// reorder builds an ordered object of m's entries: first the keys of prev
// that m still has, in prev's order, then m's other keys, sorted.
func reorder(prev *object, m map[string]any) *object {
	o := newObject(len(m))
	if prev != nil {
		for _, f := range prev.fields {
			if v, ok := m[f.key]; ok {
				o.Set(f.key, v)
			}
		}
	}
	for _, k := range sortedKeys(m) {
		if _, done := o.Get(k); !done {
			o.Set(k, m[k])
		}
	}
	return o
}

func optString(v any) string {
	if v == nil || expr.IsUndefined(v) {
		return ""
	}
	return jsString(v)
}

func plainBody(v any) any {
	if o, ok := v.(*object); ok {
		return o.Map()
	}
	return v
}
