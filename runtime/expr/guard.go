package expr

import (
	"runtime/metrics"
	"sync/atomic"
	"time"
)

// The heap guard stops an evaluation whose own code grows the heap where
// no built-in can check it: s += s doubles a string inside goja's
// interpreter, to a gigabyte within a one-second limit. While an
// evaluation runs, a timer of its runtime reads the Go heap every
// guardTick (the baseline is a reading from the last guardFresh, or the
// first one, after guardFirst); once
// the heap has grown by more than guardFactor × Options.MaxMemory (at
// least guardFloor), the evaluation is interrupted with a KindTooLarge
// error. The heap is the process's: another goroutine's allocations count
// too, which the factor allows for; an evaluation shorter than guardFirst
// never reads it. A timer leaves no goroutine behind between evaluations.
const (
	guardFirst  = 2 * time.Millisecond
	guardTick   = 10 * time.Millisecond
	guardFactor = 4
	// guardFloor keeps a small MaxMemory from making the guard react to
	// the allocations of the rest of the process.
	guardFloor = 64 << 20
)

// heapMetric is the bytes of heap objects, live or not yet swept: it
// follows allocation without waiting for a GC, and reading it does not
// stop the world.
const heapMetric = "/memory/classes/heap/objects:bytes"

// lastHeap is the latest reading of any runtime's guard, and when it was
// taken (Unix nanoseconds): an evaluation starting while it is fresh takes
// it as its baseline, so that a first reading delayed by a loaded machine
// does not miss the growth before it.
var lastHeap, lastHeapAt atomic.Int64

// guardFresh is how old a reading may be to serve as a baseline.
const guardFresh = 20 * time.Millisecond

// baseline is the heap reading an evaluation starting at now may take as
// its own, or 0.
func baseline(now time.Time) uint64 {
	if now.UnixNano()-lastHeapAt.Load() > int64(guardFresh) {
		return 0
	}
	return uint64(lastHeap.Load())
}

// guardLimit is the heap growth an Engine's evaluations may cause.
func guardLimit(maxMemory int) uint64 { return max(guardFactor*uint64(maxMemory), guardFloor) }

// memoryMarker is the interrupt value of the heap guard.
type memoryMarker struct{ grew uint64 }

// checkHeap reads the heap for the armed evaluation, with mu held (tick,
// the runtime's timer, calls it), and reports whether it interrupted it.
func (rt *jsRuntime) checkHeap() bool {
	metrics.Read(rt.heapSample)
	if rt.heapSample[0].Value.Kind() != metrics.KindUint64 {
		return false
	}
	h := rt.heapSample[0].Value.Uint64()
	lastHeap.Store(int64(h))
	lastHeapAt.Store(time.Now().UnixNano())
	switch {
	case rt.heapBase == 0:
		rt.heapBase = h
	case h > rt.heapBase+rt.eng.guardLimit:
		rt.vm.Interrupt(memoryMarker{grew: h - rt.heapBase})
		return true
	}
	return false
}
