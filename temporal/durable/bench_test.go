//go:build unix

package durable_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/noderun/noderun/nodes/chatwoot"
	"github.com/noderun/noderun/nodes/chatwoot/chatwootsim"
	"github.com/noderun/noderun/runtime"
	"github.com/noderun/noderun/temporal/durable"
)

// echo is the benchmark's service: bench/run.sh's fixed reply, so that
// what is measured is noderun and Temporal, not a simulated Chatwoot.
func echo() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":1,"echo":true}`))
	}))
}

// BenchmarkThroughput runs the same items (Create A Conversation, one
// request per item, against a local echo server) through the library
// alone and through Temporal with one and two workers, in one process
// with one in-process Temporal server. Each op is one run of n items.
func BenchmarkThroughput(b *testing.B) {
	for _, n := range []int{20000} {
		b.Run(fmt.Sprintf("library/items=%d", n), func(b *testing.B) {
			hs := echo()
			defer hs.Close()
			f := &fixture{seed: chatwootsim.New(chatwootsim.Options{}).Seed()}
			req := f.conversations(n)
			nt, err := chatwoot.CreateConversationType()
			require.NoError(b, err)
			engine := &runtime.Engine{Expressions: patientExpressions}
			defer engine.CloseIdleConnections()
			b.ResetTimer()
			cpu := cpuTime()
			for range b.N {
				res, err := engine.Execute(context.Background(), runtime.Run{Node: nt, Parameters: req.Parameters,
					Credentials: chatwoot.Credentials(hs.URL, ""), Items: req.Items})
				require.NoError(b, err)
				require.Nil(b, res.Err)
				require.Len(b, res.Items, n)
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "items/s")
			b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(n*b.N), "cpu-µs/item")
		})
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("temporal/workers=%d/items=%d", workers, n), func(b *testing.B) {
				hs := echo()
				defer hs.Close()
				queue := fmt.Sprintf("bench-%d-%d", workers, n)
				f := &fixture{seed: chatwootsim.New(chatwootsim.Options{}).Seed(), url: hs.URL, queue: queue, c: server.GetDefaultClient()}
				for i := range workers {
					c := server.NewClientWithOptions(client.Options{Identity: fmt.Sprintf("bench-%d", i)})
					w := worker.New(c, queue, worker.Options{})
					engine := &runtime.Engine{Retry: runtime.RetryPolicy{Disabled: true}, Expressions: patientExpressions}
					defer engine.CloseIdleConnections()
					durable.Register(w, &durable.Activities{Engine: engine, Credentials: durable.Stores{"prod": chatwoot.Credentials(hs.URL, "")}})
					require.NoError(b, w.Start())
					defer w.Stop()
				}
				req := f.conversations(n)
				var last client.WorkflowRun
				var outBytes int
				b.ResetTimer()
				cpu := cpuTime()
				for range b.N {
					run, err := durable.Start(context.Background(), f.c, client.StartWorkflowOptions{TaskQueue: queue}, req)
					require.NoError(b, err)
					res, err := durable.Collect(context.Background(), f.c, run.GetID(), run.GetRunID())
					require.NoError(b, err)
					require.Nil(b, res.Error)
					require.Len(b, res.Items, n)
					last, outBytes = run, res.OutputBytes
				}
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "items/s")
				wait, work, span := phases(b, f.c, last)
				b.ReportMetric(wait.Seconds()*1000, "chunk-wait-ms")
				b.ReportMetric(work.Seconds()*1000, "chunk-run-ms")
				b.ReportMetric(span.Seconds()*1000, "workflow-ms")
				b.ReportMetric(float64(outBytes)/1e6, "output-MB")
				b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(n*b.N), "cpu-µs/item")
				b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(n*b.N), "cpu-µs/item")
			})
		}
	}
}

// cpuTime is the process's user and system CPU time: with the Temporal
// server, the workers and the echo server in one process, it is the whole
// cost of a run, which a busy machine's wall clock is not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// phases reads where a run's time went from its history: the mean time a
// chunk waited between being scheduled and starting, the mean time one
// ran, and the workflow's start to close.
func phases(b *testing.B, c client.Client, run client.WorkflowRun) (wait, work, span time.Duration) {
	scheduled := map[int64]time.Time{}
	started := map[int64]time.Time{}
	var first, end time.Time
	chunks := 0
	it := c.GetWorkflowHistory(context.Background(), run.GetID(), run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		require.NoError(b, err)
		at := ev.GetEventTime().AsTime()
		if first.IsZero() {
			first = at
		}
		end = at
		switch {
		case ev.GetActivityTaskScheduledEventAttributes() != nil:
			scheduled[ev.GetEventId()] = at
		case ev.GetActivityTaskStartedEventAttributes() != nil:
			a := ev.GetActivityTaskStartedEventAttributes()
			started[a.GetScheduledEventId()] = at
			wait += at.Sub(scheduled[a.GetScheduledEventId()])
		case ev.GetActivityTaskCompletedEventAttributes() != nil:
			a := ev.GetActivityTaskCompletedEventAttributes()
			work += at.Sub(started[a.GetScheduledEventId()])
			chunks++
		}
	}
	if chunks == 0 {
		return 0, 0, end.Sub(first)
	}
	return wait / time.Duration(chunks), work / time.Duration(chunks), end.Sub(first)
}
