package runtime

import (
	"context"
	"io"

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

	// MappedURL is where the request would go instead of URL, when
	// Engine.MapURLs maps it; empty otherwise.
	MappedURL string `json:"mappedUrl,omitempty"`
}

// DryRun builds the request of each item without sending anything. Items
// whose request cannot be built carry the error. Only the first request of
// a paginated operation is shown. preSend functions run and their changes
// show; one that sends a request of its own fails the item, since a dry
// run sends nothing.
func (p *Prepared) DryRun(ctx context.Context, items []node.Item) []DryRequest {
	items = InputItems(items)
	out := make([]DryRequest, 0, len(items))
	_ = p.dryRun(ctx, &SliceSource{Items: items}, expr.Items(items), func(r DryRequest) error {
		out = append(out, r)
		return nil
	})
	return out
}

// DryRunStream is DryRun over a stream of items, in constant memory: each
// request is passed to emit as soon as it is built. As in Stream, $input
// sees only the current item. It returns src's or emit's error.
func (p *Prepared) DryRunStream(ctx context.Context, src ItemSource, emit func(DryRequest) error) error {
	return p.dryRun(ctx, src, nil, emit)
}

func (p *Prepared) dryRun(ctx context.Context, src ItemSource, input expr.Input, emit func(DryRequest) error) error {
	r := p.redactor()
	for i := 0; ; i++ {
		item, err := src.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		in := input
		if in == nil {
			in = expr.Items{item}
		}
		dr := DryRequest{ItemIndex: i}
		ic := p.newItemContext(i, item, in)
		ic.dry = true
		hr, err := ic.dryBuild(ctx)
		if err != nil {
			ne := operationError(err, i, "")
			dr.Error = p.redactNodeError(ne).Info()
		} else {
			dr.Method = hr.method
			dr.URL = r.String(hr.url)
			if mapped := p.engine.mappedString(hr.url); mapped != "" {
				dr.MappedURL = r.String(mapped)
			}
			dr.Headers = make(map[string]string, len(hr.headers))
			for _, h := range hr.headers {
				dr.Headers[h.name] = r.String(h.value)
			}
			if hr.body != nil {
				if v, err := node.ParseJSON(hr.body); err == nil {
					dr.Body = redactValue(r.String, v)
				} else {
					dr.Body = r.String(string(hr.body))
				}
			}
		}
		if err := emit(dr); err != nil {
			return err
		}
		if p.settings.ExecuteOnce {
			return nil
		}
	}
}

func (ic *itemContext) dryBuild(ctx context.Context) (*httpRequest, error) {
	r, err := ic.build(ctx)
	if err != nil {
		return nil, err
	}
	if ic.sess, err = ic.p.drySession(ctx); err != nil {
		return nil, err
	}
	if err := ic.preSend(ctx, r); err != nil {
		return nil, err
	}
	return ic.finish(r)
}
