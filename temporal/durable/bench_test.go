package durable_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/noderun/noderun/nodes/chatwoot"
	"github.com/noderun/noderun/nodes/chatwoot/chatwootsim"
	"github.com/noderun/noderun/runtime"
	"github.com/noderun/noderun/temporal/durable"
)

// BenchmarkThroughput runs the same items (Create A Conversation on the
// simulator, one per item) through the library alone and through Temporal
// with one and two workers, in one process on one server. Each op is one
// run of -items items (benchtime 1x: one run).
func BenchmarkThroughput(b *testing.B) {
	for _, n := range []int{5000} {
		b.Run(fmt.Sprintf("library/items=%d", n), func(b *testing.B) {
			sim := chatwootsim.New(chatwootsim.Options{})
			hs := httptest.NewServer(sim)
			defer hs.Close()
			f := &fixture{seed: sim.Seed()}
			req := f.conversations(n)
			nt, err := chatwoot.CreateConversationType()
			require.NoError(b, err)
			engine := &runtime.Engine{}
			defer engine.CloseIdleConnections()
			b.ResetTimer()
			for range b.N {
				res, err := engine.Execute(context.Background(), runtime.Run{Node: nt, Parameters: req.Parameters,
					Credentials: chatwoot.Credentials(hs.URL, ""), Items: req.Items})
				require.NoError(b, err)
				require.Nil(b, res.Err)
				require.Len(b, res.Items, n)
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "items/s")
		})
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("temporal/workers=%d/items=%d", workers, n), func(b *testing.B) {
				sim := chatwootsim.New(chatwootsim.Options{})
				hs := httptest.NewServer(sim)
				defer hs.Close()
				queue := fmt.Sprintf("bench-%d-%d", workers, n)
				f := &fixture{seed: sim.Seed(), url: hs.URL, queue: queue, c: server.GetDefaultClient()}
				for i := range workers {
					c := server.NewClientWithOptions(client.Options{Identity: fmt.Sprintf("bench-%d", i)})
					w := worker.New(c, queue, worker.Options{})
					durable.Register(w, &durable.Activities{Credentials: durable.Stores{"prod": chatwoot.Credentials(hs.URL, "")}})
					require.NoError(b, w.Start())
					defer w.Stop()
				}
				req := f.conversations(n)
				b.ResetTimer()
				for range b.N {
					run, err := durable.Start(context.Background(), f.c, client.StartWorkflowOptions{TaskQueue: queue}, req)
					require.NoError(b, err)
					res, err := durable.Collect(context.Background(), f.c, run.GetID(), run.GetRunID())
					require.NoError(b, err)
					require.Nil(b, res.Error)
					require.Len(b, res.Items, n)
				}
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "items/s")
			})
		}
	}
}
