package runtime

import (
	"context"
	"strconv"
	"testing"

	"github.com/noderun/noderun/node"
)

// BenchmarkWideRequest builds and serialises one request of n body keys,
// set either by n routed properties or by one `={{ $json }}` of an item of
// n keys. Time per key must not grow with n: building is linear.
//
//	go test ./runtime -run '^$' -bench WideRequest -benchmem
func BenchmarkWideRequest(b *testing.B) {
	for _, n := range []int{10_000, 40_000} {
		b.Run("properties-"+strconv.Itoa(n), func(b *testing.B) {
			p, item := wideRun(b, n, false)
			benchWide(b, p, item, n)
		})
		b.Run("json-"+strconv.Itoa(n), func(b *testing.B) {
			p, item := wideRun(b, n, true)
			benchWide(b, p, item, n)
		})
	}
}

func benchWide(b *testing.B, p *Prepared, item node.Item, n int) {
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ic := p.newItemContext(0, item, nil)
		r, err := ic.build(ctx)
		if err != nil {
			b.Fatal(err)
		}
		hr, err := ic.finish(r)
		if err != nil || len(hr.body) < n {
			b.Fatal(err)
		}
		p.releaseItemContext(ic)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/key")
}

// wideRun prepares a POST whose body gets n keys: from n routed string
// properties, or from the item (`body: ={{ $json }}`) when fromItem.
func wideRun(tb testing.TB, n int, fromItem bool) (*Prepared, node.Item) {
	tb.Helper()
	desc := &node.Description{DisplayName: "Wide", Name: "wide", Version: node.Version{1},
		RequestDefaults: &node.Request{BaseURL: "http://wide.invalid", Method: "POST"}}
	params := map[string]any{}
	item := node.Item{JSON: map[string]any{}}
	if fromItem {
		desc.Properties = []node.Property{{Name: "send", DisplayName: "Send", Type: node.TypeString, Default: "",
			Routing: &node.Routing{Request: &node.Request{Body: "={{ $json }}"}}}}
		params["send"] = "x"
		m := item.JSON.(map[string]any)
		for i := range n {
			m["k"+strconv.Itoa(i)] = float64(i)
		}
	} else {
		desc.Properties = make([]node.Property, n)
		for i := range desc.Properties {
			name := "p" + strconv.Itoa(i)
			desc.Properties[i] = node.Property{Name: name, DisplayName: name, Type: node.TypeString, Default: "v",
				Routing: &node.Routing{Send: &node.Send{Type: "body", Property: name}}}
		}
	}
	nt, err := NewNodeType(desc)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := (&Engine{}).Prepare(context.Background(), Run{Node: nt, Parameters: params})
	if err != nil {
		tb.Fatal(err)
	}
	return p, item
}
