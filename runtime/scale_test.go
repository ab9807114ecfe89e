package runtime_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	noderun "github.com/noderun/noderun/runtime"
)

// Large runs: bounded concurrency against a real server, and bounded
// memory while streaming. Sizes shrink under -race and -short, where each
// request costs several times more; the properties checked stay the same.

func scaled(n, reduced int) int {
	if raceEnabled || testing.Short() {
		return reduced
	}
	return n
}

// TestTenThousandItemsBoundedConcurrency is not parallel: it loads both
// cores, which would starve the timing-sensitive tests beside it.
func TestTenThousandItemsBoundedConcurrency(t *testing.T) {
	n := scaled(10_000, 2_000)
	const limit = 8
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
		// Holding each reply briefly lets requests pile up to the limit.
		time.Sleep(500 * time.Microsecond)
		id := strings.TrimPrefix(r.URL.Path, "/items/")
		_, _ = io.WriteString(w, `{"id":`+id+`}`)
	})
	nt := description(t, srv.URL, `{"baseURL":"@URL@","url":"=/items/{{ $json.id }}"}`, `[]`)
	e, _ := newEngine(t)
	e.MaxConcurrency = limit
	in := make([]node.Item, n)
	for i := range in {
		in[i] = node.Item{JSON: map[string]any{"id": float64(i)}}
	}
	res := mustSucceed(t, e, noderun.Run{Node: nt, Items: in})
	require.Len(t, res.Items, n)
	for i, it := range res.Items {
		if it.JSON.(map[string]any)["id"] != float64(i) || it.PairedItem == nil || it.PairedItem.Item != i {
			t.Fatalf("output %d is %v paired %v", i, it.JSON, it.PairedItem)
		}
	}
	assert.Len(t, srv.requests(), n)
	assert.LessOrEqual(t, srv.peak(), limit, "the server never sees more than MaxConcurrency requests at once")
	t.Logf("%d items, peak %d requests in flight", n, srv.peak())
}

// countingSource generates n items without holding them.
type countingSource struct{ next, n int }

func (s *countingSource) Next() (node.Item, error) {
	if s.next >= s.n {
		return node.Item{}, io.EOF
	}
	it := node.Item{JSON: map[string]any{"id": float64(s.next)}}
	s.next++
	return it, nil
}

// TestStreamMemoryStaysBounded streams many items through an in-memory
// transport and checks that the heap does not grow with the item count.
// It is not parallel: the heap is measured for this run alone.
func TestStreamMemoryStaysBounded(t *testing.T) {
	n := scaled(200_000, 20_000)
	var sent atomic.Int64
	transport := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent.Add(1)
		if r.Body != nil {
			_, _ = io.Copy(io.Discard, r.Body)
			_ = r.Body.Close()
		}
		body := `[{"id":` + strings.TrimPrefix(r.URL.Path, "/items/") + `,"part":1},{"part":2}]`
		return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
	})
	nt := description(t, "http://api.test", `{"baseURL":"@URL@","url":"=/items/{{ $json.id }}"}`, `[]`)
	e, _ := newEngine(t)
	e.Transport = transport
	p, err := e.Prepare(context.Background(), noderun.Run{Node: nt})
	require.NoError(t, err)

	runtime.GC()
	var before, now runtime.MemStats
	runtime.ReadMemStats(&before)
	peak := before.HeapInuse
	next := 0
	err = p.Stream(context.Background(), &countingSource{n: n}, func(o noderun.Output) error {
		if o.Index != next || len(o.Items) != 2 || o.Items[0].PairedItem.Item != next ||
			o.Items[0].JSON.(map[string]any)["id"] != float64(next) {
			return fmt.Errorf("output %d out of order or wrong: %+v", next, o)
		}
		next++
		if next%10_000 == 0 {
			runtime.ReadMemStats(&now)
			peak = max(peak, now.HeapInuse)
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, n, next)
	assert.EqualValues(t, n, sent.Load())
	growth := int64(peak) - int64(before.HeapInuse)
	t.Logf("%d items streamed; heap in use grew by at most %.1f MiB", n, float64(growth)/(1<<20))
	assert.Less(t, growth, int64(64<<20), "heap growth while streaming")
}
