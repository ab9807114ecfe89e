package schema

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// parallelFrom is the list length from which inRanges splits the work; a
// description's top-level property list (549 in Chatwoot's) is the list
// that reaches it.
const parallelFrom = 64

// inRanges calls work on consecutive ranges of [0, n), one range per
// processor for a long list, and returns when all are done; r numbers the
// range (below rangesFor(n)), for results kept in order. Each range must touch only its own
// elements: parsed fastjson values change when first read. A panic in a
// range is raised again in the caller's goroutine.
func inRanges(n int, work func(r, lo, hi int)) {
	ranges := rangesFor(n)
	if ranges < 2 {
		work(0, 0, n)
		return
	}
	size := (n + ranges - 1) / ranges
	panics := make([]any, ranges)
	var wg sync.WaitGroup
	for r := 1; r < ranges; r++ {
		wg.Go(func() {
			defer func() { panics[r] = recover() }()
			work(r, r*size, min((r+1)*size, n))
		})
	}
	work(0, 0, min(size, n))
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			panic(p)
		}
	}
}

// rangesFor is the number of ranges inRanges splits [0, n) into.
func rangesFor(n int) int {
	return max(1, min(runtime.GOMAXPROCS(0), n/parallelFrom))
}

// allInRanges reports whether check holds for every range of [0, n),
// checked as inRanges does.
func allInRanges(n int, check func(lo, hi int) bool) bool {
	var failed atomic.Bool
	inRanges(n, func(_, lo, hi int) {
		if !check(lo, hi) {
			failed.Store(true)
		}
	})
	return !failed.Load()
}
