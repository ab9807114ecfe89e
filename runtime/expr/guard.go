package expr

import (
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// heapGuard stops evaluations whose own code grows the heap where no
// built-in can check it: s += s doubles a string inside goja's
// interpreter, to a gigabyte within a one-second limit. While any
// evaluation of the Engine runs JavaScript, it reads the Go heap every
// guardTick; an evaluation during which the heap grew by more than
// guardFactor × Options.MaxMemory (at least guardFloor) is interrupted
// with a KindTooLarge error. The heap is the process's: another goroutine's allocations count
// too, which the factor allows for; ordinary evaluations last far less
// than a tick and never see such growth.
type heapGuard struct {
	limit uint64
	heap  atomic.Uint64 // the last reading
	on    atomic.Bool   // the sampling goroutine runs

	mu       sync.Mutex // guards runtimes and starting or ending the goroutine
	runtimes map[*jsRuntime]struct{}
}

const (
	guardTick   = 10 * time.Millisecond
	guardFactor = 4
	// guardFloor keeps a small MaxMemory from making the guard react to
	// the allocations of the rest of the process.
	guardFloor = 64 << 20
	// guardIdle is how long the goroutine outlives the last evaluation.
	guardIdle = time.Second
)

// heapMetric is the bytes of heap objects, live or not yet swept: it
// follows allocation without waiting for a GC, and reading it does not
// stop the world.
const heapMetric = "/memory/classes/heap/objects:bytes"

func readHeap(s []metrics.Sample) uint64 {
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

func (g *heapGuard) add(rt *jsRuntime) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.runtimes == nil {
		g.runtimes = map[*jsRuntime]struct{}{}
	}
	g.runtimes[rt] = struct{}{}
}

func (g *heapGuard) remove(rt *jsRuntime) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.runtimes, rt)
}

// enter starts watching rt's evaluation: two atomic operations, unless
// the goroutine must be started.
func (g *heapGuard) enter(rt *jsRuntime) {
	rt.heapBase.Store(max(g.heap.Load(), 1))
	if !g.on.Load() {
		g.start(rt)
	}
}

func (g *heapGuard) exit(rt *jsRuntime) { rt.heapBase.Store(0) }

func (g *heapGuard) start(rt *jsRuntime) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.on.Load() {
		return
	}
	s := []metrics.Sample{{Name: heapMetric}}
	h := readHeap(s) // the last reading is stale after an idle time
	g.heap.Store(h)
	rt.heapBase.Store(max(h, 1))
	g.on.Store(true)
	go g.run(s)
}

func (g *heapGuard) run(s []metrics.Sample) {
	t := time.NewTicker(guardTick)
	defer t.Stop()
	idle := time.Duration(0)
	for range t.C {
		h := readHeap(s)
		g.heap.Store(h)
		g.mu.Lock()
		busy := g.check(h)
		if !busy {
			if idle += guardTick; idle >= guardIdle {
				// Stop, then look again: an evaluation that entered
				// meanwhile either is seen here or saw on false and
				// starts a new goroutine.
				g.on.Store(false)
				if !g.check(h) {
					g.mu.Unlock()
					return
				}
				g.on.Store(true)
			}
		} else {
			idle = 0
		}
		g.mu.Unlock()
	}
}

// check interrupts the evaluations the heap outgrew, and reports whether
// any runs. g.mu is held.
func (g *heapGuard) check(h uint64) bool {
	busy := false
	for rt := range g.runtimes {
		base := rt.heapBase.Load()
		if base == 0 {
			continue
		}
		busy = true
		if h > base+g.limit {
			rt.interruptArmed(memoryMarker{grew: h - base})
		}
	}
	return busy
}

// memoryMarker is the interrupt value of the heap guard.
type memoryMarker struct{ grew uint64 }

// interruptArmed interrupts the running evaluation, if any.
func (rt *jsRuntime) interruptArmed(v any) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.armed {
		rt.vm.Interrupt(v)
	}
}
