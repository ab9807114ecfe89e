package runtime

import (
	"context"
	"encoding/json"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime/expr"
)

// DryRequest is a request noderun would send, with secrets masked.
type DryRequest struct {
	ItemIndex int               `json:"itemIndex"`
	Method    string            `json:"method,omitempty"`
	URL       string            `json:"url,omitempty"`
	Headers   map[string]string `json:"headers,omitempty"`
	// Body is the decoded JSON body, or the body text when it is not JSON.
	Body any `json:"body,omitempty"`
	// Error is why the request could not be built.
	Error *node.ErrorInfo `json:"error,omitempty"`
}

// DryRun builds the request of each item without sending anything. Items
// whose request cannot be built carry the error. Only the first request of
// a paginated operation is shown.
func (p *Prepared) DryRun(ctx context.Context, items []node.Item) []DryRequest {
	items = defaultItems(items)
	if p.settings.ExecuteOnce {
		items = items[:1]
	}
	out := make([]DryRequest, 0, len(items))
	r := p.redactor()
	for i, item := range items {
		dr := DryRequest{ItemIndex: i}
		ic := p.newItemContext(i, item, expr.Items(items))
		hr, err := ic.dryBuild(ctx)
		if err != nil {
			ne := operationError(err, i, "")
			dr.Error = p.redactNodeError(ne).Info()
			out = append(out, dr)
			continue
		}
		dr.Method = hr.method
		dr.URL = r.String(hr.url)
		dr.Headers = make(map[string]string, len(hr.headers))
		for _, h := range hr.headers {
			dr.Headers[h.name] = r.String(h.value)
		}
		if hr.body != nil {
			var v any
			if json.Unmarshal(hr.body, &v) == nil {
				dr.Body = redactValue(r.String, v)
			} else {
				dr.Body = r.String(string(hr.body))
			}
		}
		out = append(out, dr)
	}
	return out
}

func (ic *itemContext) dryBuild(ctx context.Context) (*httpRequest, error) {
	r, err := ic.build(ctx)
	if err != nil {
		return nil, err
	}
	return ic.finish(r)
}
