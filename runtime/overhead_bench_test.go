package runtime

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"testing"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
)

// BenchmarkItemOverhead is the runtime's own work per item, without the
// network: resolve the item's parameters and expressions, build and
// serialise the request, decode a response and shape the output items.
// The HTTP client and transport are left out, as the target "runtime
// overhead excluding the network" asks.
//
//	go test ./runtime -run '^$' -bench ItemOverhead -benchmem
func BenchmarkItemOverhead(b *testing.B) {
	p, items, resp := overheadRun(b)
	ctx := context.Background()
	n := len(items)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		idx := i % n
		ic := p.newItemContext(idx, items[idx], nil)
		r, err := ic.build(ctx)
		if err != nil {
			b.Fatal(err)
		}
		hr, err := ic.finish(r)
		if err != nil || len(hr.body) == 0 {
			b.Fatal(err)
		}
		out, err := ic.postProcess(ctx, r, resp, resp.value())
		if err != nil || len(out) != 1 {
			b.Fatal(err)
		}
		for j := range out {
			out[j].PairedItem = node.Paired(idx)
		}
		// As processOnce does once the item is done.
		p.releaseItemContext(ic)
	}
}

// BenchmarkItemStages splits BenchmarkItemOverhead into its steps: the
// item's parameters and expressions, the routing that builds the request
// data, its serialisation into an HTTP request, the response body's
// decoding, and the output shaping.
//
//	go test ./runtime -run '^$' -bench ItemStages -benchmem
func BenchmarkItemStages(b *testing.B) {
	p, items, resp := overheadRun(b)
	ctx := context.Background()
	n := len(items)
	b.Run("1-parameters", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			ic := p.newItemContext(i%n, items[i%n], nil)
			for _, s := range p.topLevel {
				if _, _, err := ic.Parameter(ctx, s.name); err != nil {
					b.Fatal(err)
				}
			}
			p.releaseItemContext(ic)
		}
	})
	b.Run("2-build", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			ic := p.newItemContext(i%n, items[i%n], nil)
			if _, err := ic.build(ctx); err != nil {
				b.Fatal(err)
			}
			p.releaseItemContext(ic)
		}
	})
	b.Run("3-serialise", func(b *testing.B) {
		ic := p.newItemContext(0, items[0], nil)
		r, err := ic.build(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		// finish's edits of the request data (credential headers, a
		// default Accept) repeat identically, so one build serves.
		for i := 0; i < b.N; i++ {
			if _, err := ic.finish(r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("4-decode-response", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, ok := resp.value().(map[string]any); !ok {
				b.Fatal("not an object")
			}
		}
	})
	b.Run("5-shape-output", func(b *testing.B) {
		ic := p.newItemContext(0, items[0], nil)
		r, err := ic.build(ctx)
		if err != nil {
			b.Fatal(err)
		}
		v := resp.value()
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if out, err := ic.postProcess(ctx, r, resp, v); err != nil || len(out) != 1 {
				b.Fatal(err)
			}
		}
	})
}

// overheadRun prepares Create A Conversation over the shipped Chatwoot
// description, with 1,024 items and a canned reply.
func overheadRun(b *testing.B) (*Prepared, []node.Item, *response) {
	b.Helper()
	// The shipped Chatwoot description, read from its file: this internal
	// test cannot import nodes/chatwoot, which imports runtime.
	raw, err := os.ReadFile("../nodes/chatwoot/chatwoot.node.json")
	if err != nil {
		b.Fatal(err)
	}
	desc, err := node.DecodeDescription(raw)
	if err != nil {
		b.Fatal(err)
	}
	nt, err := NewNodeType(desc, &node.CredentialType{Name: "chatwootApi",
		Authenticate: &node.Authenticate{Type: "generic", Properties: node.AuthenticateProperties{
			Headers: map[string]any{"Api-Access-Token": "={{$credentials.accessToken}}"}}}})
	if err != nil {
		b.Fatal(err)
	}
	engine := &Engine{}
	p, err := engine.Prepare(context.Background(), Run{
		Node: nt,
		Parameters: map[string]any{
			"resource":           "Conversations API",
			"operation":          "Create A Conversation",
			"inbox_identifier":   "={{ $json.inbox }}",
			"contact_identifier": "={{ $json.contact }}",
			"custom_attributes":  `{"order_id": "A-1", "priority": 2, "tags": ["vip", "new"]}`,
		},
		Credentials: credentials.Map{"chatwootApi": {"url": "http://chatwoot.invalid", "accessToken": "tok-123"}},
	})
	if err != nil {
		b.Fatal(err)
	}
	const n = 1024
	items := make([]node.Item, n)
	for i := range items {
		items[i] = node.Item{JSON: map[string]any{"inbox": "inbox-aaa", "contact": "contact-" + strconv.Itoa(i)}}
	}
	resp := &response{status: 200, statusText: "OK", headers: http.Header{"Content-Type": {"application/json"}}, body: []byte(`{"id":1,"echo":true}`)}
	return p, items, resp
}
