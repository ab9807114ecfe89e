package schema

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// A description's top-level property list (549 in Chatwoot's) is walked
// and checked by one worker per processor, taking chunks of chunkSize
// properties in turn: properties differ in size by a hundredfold, so fixed
// halves left one processor idle half the time.
const (
	chunkSize    = 16
	parallelFrom = 4 * chunkSize // a goroutine costs about a few properties
)

// chunksFor is the number of chunks inChunks splits [0, n) into.
func chunksFor(n int) int { return (n + chunkSize - 1) / chunkSize }

// inChunks calls work on the consecutive chunks of [0, n), on every
// processor for a long list, and returns when all are done; chunk numbers
// the chunk (below chunksFor(n)), for results kept in order. Each chunk
// must touch only its own elements: parsed fastjson values change when
// first read. A panic in a chunk is raised again in the caller's goroutine.
func inChunks(n int, work func(chunk, lo, hi int)) {
	chunks := chunksFor(n)
	workers := min(runtime.GOMAXPROCS(0), n/(parallelFrom/2))
	var next atomic.Int64
	run := func() {
		for {
			c := int(next.Add(1)) - 1
			if c >= chunks {
				return
			}
			work(c, c*chunkSize, min((c+1)*chunkSize, n))
		}
	}
	if n < parallelFrom || workers < 2 {
		run()
		return
	}
	panics := make([]any, workers)
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Go(func() {
			defer func() { panics[w] = recover() }()
			run()
		})
	}
	run()
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			panic(p)
		}
	}
}

// allInChunks reports whether check holds for every chunk of [0, n),
// checked as inChunks does; the chunks left are skipped after a no.
func allInChunks(n int, check func(lo, hi int) bool) bool {
	var failed atomic.Bool
	inChunks(n, func(_, lo, hi int) {
		if !failed.Load() && !check(lo, hi) {
			failed.Store(true)
		}
	})
	return !failed.Load()
}
