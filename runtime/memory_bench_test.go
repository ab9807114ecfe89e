package runtime_test

import (
	"context"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/noderun/noderun/node"
	noderun "github.com/noderun/noderun/runtime"
)

// BenchmarkOutputMemory measures the peak heap one input item can take
// under the default output limits (Engine.MaxItemsPerInput,
// MaxOutputBytesPerInput, MaxResponseBytes, MaxPages), for the responses
// issue 18 found unbounded: one 16 MB array of 8 M numbers, and 1,000
// pages of 40 KB. It reports the peak heap in use above the baseline
// (peak-MiB), sampled every 2 ms, and how many pages were fetched.
//
//	go test ./runtime -run '^$' -bench OutputMemory -benchtime 1x
func BenchmarkOutputMemory(b *testing.B) {
	numbers := func(n int) string { return strings.TrimSuffix(strings.Repeat("0,", n), ",") }
	cases := []struct {
		name     string
		paginate bool
		page     func(n int) string
		succeeds bool
	}{
		// 16 MiB of 100,000 objects: the largest single response within
		// every limit, to show what a legitimate maximum costs.
		{"array-16MB-100k-objects", false, func(int) string {
			return "[" + strings.TrimSuffix(strings.Repeat(`{"id":1234567,"name":"a name of some length","email":"someone@example.com","tags":["a","b"],"note":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},`, 100_000), ",") + "]"
		}, true},
		// 16 MiB, the largest response MaxResponseBytes accepts, of 8 M items.
		{"array-16MB-8M-items", false, func(int) string { return "[" + numbers(8<<20-1) + "]" }, false},
		// 999 pages of 100 objects, 65 KB each: 99,900 items in 65 MB,
		// just within both limits (and the page cap).
		{"pages-65KB-100-objects-within-limits", true, func(n int) string {
			return `{"next":` + strconv.FormatBool(n < 999) + `,"items":[` + strings.TrimSuffix(strings.Repeat(
				`{"id":1234567,"name":"a name of some length","email":"someone@example.com","note":"`+strings.Repeat("x", 550)+`"},`, 100), ",") + `]}`
		}, true},
		// 40 KB pages of 20,000 numbers: the item limit stops them.
		{"pages-40KB-20k-items", true, func(int) string { return `{"next":true,"items":[` + numbers(20_000) + `]}` }, false},
		// 40 KB pages of 400 objects: the item limit stops them.
		{"pages-40KB-400-objects", true, func(int) string {
			return `{"next":true,"items":[` + strings.TrimSuffix(strings.Repeat(`{"id":12345,"name":"a name","email":"someone@example.com","n":1},`, 400), ",") + `]}`
		}, false},
		// 40 KB pages of one long string: 1,000 pages stay under the byte
		// limit; the page cap stops them.
		{"pages-40KB-1-item", true, func(int) string { return `{"next":true,"items":["` + strings.Repeat("x", 40_000) + `"]}` }, false},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var pages atomic.Int64
			body := c.page(1)
			transport := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				if n := pages.Add(1); n > 1 {
					body = c.page(int(n))
				}
				return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{"Content-Type": {"application/json"}},
					Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
			})
			desc := `{"displayName":"T","name":"t","version":1,"requestDefaults":{"baseURL":"http://api.test"},"properties":[]}`
			if c.paginate {
				desc = `{"displayName":"T","name":"t","version":1,"requestDefaults":{"baseURL":"http://api.test"},
				  "requestOperations":{"pagination":{"type":"generic","properties":{"continue":"={{ $response.body.next }}","request":{}}}},
				  "properties":[{"displayName":"All","name":"all","type":"boolean","default":true,
				    "routing":{"send":{"paginate":true},"output":{"postReceive":[{"type":"rootProperty","properties":{"property":"items"}}]}}}]}`
			}
			nt := nodeTypeJSON(b, "", desc)
			e := &noderun.Engine{Transport: transport, Retry: noderun.RetryPolicy{Disabled: true}}
			var peak uint64
			for i := 0; i < b.N; i++ {
				pages.Store(0)
				runtime.GC()
				var base runtime.MemStats
				runtime.ReadMemStats(&base)
				stop := make(chan struct{})
				var wg sync.WaitGroup
				var top atomic.Uint64
				wg.Go(func() {
					var m runtime.MemStats
					tick := time.NewTicker(2 * time.Millisecond)
					defer tick.Stop()
					for {
						runtime.ReadMemStats(&m)
						if m.HeapInuse > top.Load() {
							top.Store(m.HeapInuse)
						}
						select {
						case <-stop:
							return
						case <-tick.C:
						}
					}
				})
				res, err := e.Execute(context.Background(), noderun.Run{Node: nt, Items: []node.Item{{JSON: map[string]any{}}},
					Settings: node.Settings{ContinueOnFail: true}})
				close(stop)
				wg.Wait()
				if err != nil {
					b.Fatal(err)
				}
				switch {
				case c.succeeds && (len(res.Items) == 0 || res.Items[0].Error != nil):
					b.Fatalf("the item should succeed: %+v", res.Items[0].Error)
				case c.succeeds:
					b.Logf("%s: %d pages, %d items", c.name, pages.Load(), len(res.Items))
				case len(res.Items) != 1 || res.Items[0].Error == nil:
					b.Fatalf("the item should fail on a limit, got %d items", len(res.Items))
				default:
					b.Logf("%s: %d pages, %s: %s", c.name, pages.Load(), res.Items[0].Error.Message, res.Items[0].Error.Description)
				}
				res = noderun.Result{}
				peak = max(peak, top.Load()-min(top.Load(), base.HeapInuse))
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
			b.ReportMetric(float64(pages.Load()), "pages")
		})
	}
}
