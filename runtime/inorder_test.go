package runtime_test

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// TestExecuteHoldsAtMostTwiceTheConcurrency: while item 0 is unanswered
// no later item can be delivered, and Execute starts no more than twice
// MaxConcurrency items ahead of the first undelivered one, so the outcomes
// waiting for their turn stay bounded; then everything arrives in order.
func TestExecuteHoldsAtMostTwiceTheConcurrency(t *testing.T) {
	t.Parallel()
	const limit, n = 4, 40
	release := make(chan struct{})
	var arrived atomic.Int32
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
		arrived.Add(1)
		if queryIndex(r) == 0 && !waitOrDone(r, release) {
			return
		}
		writeJSON(w, 200, map[string]any{"i": queryIndex(r)})
	})
	nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, indexedProps)
	e, _ := newEngine(t)
	e.MaxConcurrency = limit
	in := make([]node.Item, n)
	for i := range in {
		in[i] = node.Item{JSON: map[string]any{}}
	}
	type result struct {
		res runtime.Result
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := e.Execute(t.Context(), runtime.Run{Node: nt, Items: in})
		done <- result{res, err}
	}()
	require.Eventually(t, func() bool { return arrived.Load() == 2*limit }, 10*time.Second, time.Millisecond)
	// Nothing more may start while item 0 holds the line.
	time.Sleep(100 * time.Millisecond)
	assert.EqualValues(t, 2*limit, arrived.Load())
	close(release)
	got := <-done
	require.NoError(t, got.err)
	res := got.res
	require.Nil(t, res.Err)
	require.Len(t, res.Items, n)
	for i, it := range res.Items {
		require.Equal(t, map[string]any{"i": float64(i)}, it.JSON, "output %d", i)
		require.Equal(t, i, it.PairedItem.Item)
	}
}

// TestExplainErrorPanicReachesTheCaller: items are delivered on the
// workers' goroutines; a panic in a node's ExplainError while delivering
// must still reach the goroutine that called Execute, where it can be
// recovered, not take the process down from a worker.
func TestExplainErrorPanicReachesTheCaller(t *testing.T) {
	t.Parallel()
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
		if queryIndex(r) == 2 {
			writeJSON(w, 500, map[string]any{"message": "no"})
			return
		}
		writeJSON(w, 200, map[string]any{"i": queryIndex(r)})
	})
	nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, indexedProps)
	nt.ExplainError = func(map[string]any, *runtime.NodeError) { panic("explain broke") }
	e, _ := newEngine(t)
	e.MaxConcurrency = 3
	require.PanicsWithValue(t, "explain broke", func() {
		_, _ = e.Execute(t.Context(), runtime.Run{Node: nt, Items: items(t, `{}`, `{}`, `{}`, `{}`, `{}`, `{}`)})
	})
}
