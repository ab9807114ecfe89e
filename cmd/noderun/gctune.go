package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// gcHeadroom is how far the heap may grow past what the last collection
// left live before the next one starts, when that is more than Go's
// default (as far again as the live heap). noderun is a short-lived
// process whose live heap is small (the description, the run's items):
// with the default, a 5,000-item run collected six times, marking the
// same few megabytes each time; with the headroom, twice. 32 MiB made it
// once, but a million streamed items then took 70 instead of 28 MB.
// The headroom is a fixed amount, so memory grows by at most that much,
// and a large live heap is collected as with GOGC=100.
const gcHeadroom = 16 << 20

// gcPercentMax bounds the setting while the live heap is tiny.
const gcPercentMax = 2000

// tuneGC sets the collector for the process, unless GOGC or GOMEMLIMIT in
// the environment asks for something else: after every collection, the
// next is set to start gcHeadroom past the live heap, or at Go's default
// when that is later.
func tuneGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	newGCTuner().arm()
}

// newGCTuner sets the collector for start-up and returns the tuner that
// follows the collections from then on.
func newGCTuner() *gcTuner {
	t := &gcTuner{sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}, percent: gcPercent(0)}
	debug.SetGCPercent(t.percent)
	return t
}

type gcTuner struct {
	percent int
	sample  []metrics.Sample
	stopped atomic.Bool // for tests: the process's tuner runs until exit
}

// arm runs tune after the next collection: the cleanup of an object
// nothing references runs once a collection has found it unreachable.
func (t *gcTuner) arm() {
	runtime.AddCleanup(new([64]byte), func(t *gcTuner) { t.tune() }, t)
}

func (t *gcTuner) tune() {
	if t.stopped.Load() {
		return
	}
	metrics.Read(t.sample)
	if t.sample[0].Value.Kind() == metrics.KindUint64 {
		if p := gcPercent(t.sample[0].Value.Uint64()); p != t.percent {
			t.percent = p
			debug.SetGCPercent(p)
		}
	}
	t.arm()
}

// gcPercent is the GOGC value that starts the next collection gcHeadroom
// past a live heap of live bytes, but no earlier than Go's default, in
// steps of 50 so that a slowly growing heap does not change it every
// time. Before the first collection (live 0) it is the value that starts
// that collection at gcHeadroom: Go's first goal is 4 MiB × GOGC/100.
func gcPercent(live uint64) int {
	if live == 0 {
		return gcHeadroom / (4 << 20) * 100
	}
	p := uint64(gcHeadroom) * 100 / live
	return int(max(100, min(gcPercentMax, p/50*50)))
}
