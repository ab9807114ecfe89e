package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGCPercent(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 400},              // the first collection at 4 MiB × 4 = 16 MiB
		{1 << 10, 2000},       // capped
		{1 << 20, 1600},       // 1 MiB live: the next at 17 MiB
		{3 << 20, 500},        // 533, in steps of 50
		{8 << 20, 200},        // 8 MiB live: the next at 24 MiB
		{16 << 20, 100},       // from here on Go's default
		{1 << 30, 100},        // a large heap is not given more
		{(16 << 20) - 1, 100}, // just under: 100.0…, not 150
	} {
		assert.Equal(t, c.want, gcPercent(c.live), "live %d", c.live)
	}
}

// The tuner sets GOGC after each collection from the live heap.
func TestGCTunerFollowsCollections(t *testing.T) {
	restore := debug.SetGCPercent(100)
	defer debug.SetGCPercent(restore)
	gogc := func() uint64 {
		s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	tu := newGCTuner()
	defer tu.stopped.Store(true)
	assert.Equal(t, uint64(400), gogc(), "start-up")
	live := make([]byte, 16<<20) // with the test binary's own heap: Go's default
	tu.arm()
	require.Eventually(t, func() bool {
		runtime.GC()
		return gogc() == 100
	}, 5*time.Second, 10*time.Millisecond)
	runtime.KeepAlive(live)
	require.Eventually(t, func() bool {
		runtime.GC()
		return gogc() >= 200
	}, 5*time.Second, 10*time.Millisecond, "once the 16 MiB are garbage")
}
