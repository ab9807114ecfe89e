package runtime_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes/chatwoot"
	"github.com/noderun/noderun/runtime"
)

// memoryTransport answers every request in memory with a fixed small JSON
// body, so benchmarks measure the runtime, not the network.
type memoryTransport struct{ body []byte }

func (m memoryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	return &http.Response{
		StatusCode:    200,
		Status:        "200 OK",
		Header:        http.Header{"Content-Type": {"application/json; charset=utf-8"}},
		Body:          io.NopCloser(bytes.NewReader(m.body)),
		ContentLength: int64(len(m.body)),
		Request:       req,
	}, nil
}

// createConversationRun is the benchmark workload: Conversations API →
// Create A Conversation with two $json expressions and a JSON parameter,
// as the n8n peer harness's bench case.
func createConversationRun(b *testing.B, items int) (*runtime.Engine, runtime.Run) {
	b.Helper()
	nt, err := chatwoot.NodeType()
	if err != nil {
		b.Fatal(err)
	}
	in := make([]node.Item, items)
	for i := range in {
		in[i] = node.Item{JSON: map[string]any{"inbox": "inbox-aaa", "contact": "contact-" + strconv.Itoa(i)}}
	}
	engine := &runtime.Engine{Transport: memoryTransport{body: []byte(`{"id":1,"echo":true}`)}}
	return engine, runtime.Run{
		Node: nt,
		Parameters: map[string]any{
			"resource":           "Conversations API",
			"operation":          "Create A Conversation",
			"inbox_identifier":   "={{ $json.inbox }}",
			"contact_identifier": "={{ $json.contact }}",
			"custom_attributes":  `{"order_id": "A-1", "priority": 2, "tags": ["vip", "new"]}`,
		},
		Credentials: credentials.Map{chatwoot.CredentialName: {"url": "http://chatwoot.invalid", "accessToken": "tok-123"}},
		Items:       in,
	}
}

// BenchmarkItemCreateConversation is the per-item cost of the whole
// runtime path without a network: resolve, build, send through an
// in-memory transport, decode, shape.
//
//	go test ./runtime -run '^$' -bench ItemCreateConversation -benchmem
func BenchmarkItemCreateConversation(b *testing.B) {
	const batch = 1000
	engine, run := createConversationRun(b, batch)
	ctx := context.Background()
	p, err := engine.Prepare(ctx, run)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += batch {
		res, err := p.Execute(ctx, run.Items)
		if err != nil || res.Err != nil || len(res.Items) != batch {
			b.Fatal(err, res.Err)
		}
	}
}

// BenchmarkPrepareCreateConversation is the per-run cost: parameter
// normalisation over the 549-property description, credential, plan.
func BenchmarkPrepareCreateConversation(b *testing.B) {
	engine, run := createConversationRun(b, 1)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := engine.Prepare(ctx, run); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExecuteOneItem is the whole cost of a one-item run of a
// prepared node: most n8n executions carry a handful of items.
func BenchmarkExecuteOneItem(b *testing.B) {
	engine, run := createConversationRun(b, 1)
	ctx := context.Background()
	p, err := engine.Prepare(ctx, run)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := p.Execute(ctx, run.Items)
		if err != nil || res.Err != nil || len(res.Items) != 1 {
			b.Fatal(err, res.Err)
		}
	}
}
