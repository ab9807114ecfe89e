package runtime_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// TestMaxInFlightAcrossRuns: concurrent runs of one Engine never have more
// than MaxInFlight requests at the server together, and do reach it.
func TestMaxInFlightAcrossRuns(t *testing.T) {
	const limit, runs, perRun = 3, 4, 12
	// The first limit requests are held until all of them have arrived,
	// which only happens if the engine lets limit through at once.
	var arrived atomic.Int32
	full := make(chan struct{})
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, c captured) {
		if n := arrived.Add(1); n <= limit {
			if n == limit {
				close(full)
			}
			waitOrDone(r, full)
		}
		writeJSON(w, 200, map[string]any{"i": queryIndex(r)})
	})
	nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, indexedProps)
	e, _ := newEngine(t)
	e.MaxInFlight = limit
	e.MaxConcurrency = 8 // each run alone would send 8 at once

	in := make([]node.Item, perRun)
	for i := range in {
		in[i] = node.Item{JSON: map[string]any{}}
	}
	var wg sync.WaitGroup
	results := make([]runtime.Result, runs)
	errs := make([]error, runs)
	for r := range runs {
		wg.Go(func() { results[r], errs[r] = e.Execute(context.Background(), runtime.Run{Node: nt, Items: in}) })
	}
	wg.Wait()
	for r := range runs {
		require.NoError(t, errs[r])
		require.Nil(t, results[r].Err)
		assert.Len(t, results[r].Items, perRun)
	}
	assert.Len(t, srv.requests(), runs*perRun)
	assert.Equal(t, limit, srv.peak(), "requests at the server at once")
}

// TestMaxInFlightWaitEndsWithContext: a request waiting for a slot gives
// up when its run's context ends.
func TestMaxInFlightWaitEndsWithContext(t *testing.T) {
	release := make(chan struct{})
	held := make(chan struct{}, 1)
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, c captured) {
		held <- struct{}{}
		waitOrDone(r, release)
		writeJSON(w, 200, map[string]any{})
	})
	defer close(release)
	nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, indexedProps)
	e, _ := newEngine(t)
	e.MaxInFlight = 1
	done := make(chan error, 1)
	go func() {
		_, err := e.Execute(context.Background(), runtime.Run{Node: nt})
		done <- err
	}()
	<-held // the one slot is taken
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := e.Execute(ctx, runtime.Run{Node: nt})
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, res.Items)
	assert.Len(t, srv.requests(), 1, "the waiting request was never sent")
	release <- struct{}{}
	require.NoError(t, <-done)
}
