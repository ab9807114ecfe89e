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
	ctx := context.Background()
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
