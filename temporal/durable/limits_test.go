package durable_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes/chatwoot"
	"github.com/noderun/noderun/temporal/durable"
)

// The server refuses a workflow input over its 2 MiB blob limit; Start
// refuses it first, with a message that says what to do.
func TestRequestOverBlobLimit(t *testing.T) {
	f := newFixture(t)
	big := strings.Repeat("x", 100<<10)
	req := f.conversations(22) // 22 × 100 KiB: 2.2 MiB
	for i := range req.Items {
		req.Items[i] = node.Item{JSON: map[string]any{"order": float64(i), "note": big}}
	}
	ctx := context.Background()
	_, err := durable.Start(ctx, f.c, client.StartWorkflowOptions{TaskQueue: f.queue}, req)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "2 MiB")
	assert.Contains(t, err.Error(), "split the items")

	// Past the check, the server itself says no.
	_, err = f.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: f.queue}, durable.WorkflowRunNode, req)
	require.Error(t, err, "the server refuses a 2.2 MiB input")
	t.Logf("the server: %v", err)

	// Under the limit both accept it.
	req.Items = req.Items[:15] // 1.5 MiB
	run, err := durable.Start(ctx, f.c, client.StartWorkflowOptions{TaskQueue: f.queue}, req)
	require.NoError(t, err)
	require.NoError(t, f.c.TerminateWorkflow(ctx, run.GetID(), run.GetRunID(), "only the start was tested"))
}

// A chunk whose output reaches Options.OutputBytes stops taking items
// and the workflow runs the rest as a new chunk: the output stays in
// order and every item is sent once. A chunk overshoots its budget by at
// most the items already in flight (64 here).
func TestOutputBudgetSplitsChunks(t *testing.T) {
	const n = 400
	f := newFixture(t)
	f.worker(t, "w", "", worker.Options{})
	req := f.conversations(n)
	req.Options.OutputBytes = 4 << 10 // about a dozen conversations
	req.Options.InlineBytes = 8 << 10 // and the output read back from the history
	req.Options.MaxInFlight = 2
	res := f.collect(t, f.start(t, req))
	require.Nil(t, res.Error)
	requireInOrder(t, res.Items, n)
	assert.GreaterOrEqual(t, res.Chunks, 4, "the one 400-item chunk was cut by its output budget")
	assert.NotEmpty(t, res.Segments)
	sent, _ := f.rec.counts()
	for i := 0; i < n; i++ {
		require.Equal(t, 1, sent[i], "item %d sent once", i)
	}
	t.Logf("%d chunks for %d items, %d output bytes", res.Chunks, n, res.OutputBytes)
}

// A node that fails as a whole (here its credential's URL is unusable)
// stops the run with n8n's error, or, with continueOnFail, passes the
// whole input through, each item paired to itself (n8n's F7), across
// every chunk.
func TestNodeFailingAsAWhole(t *testing.T) {
	const n = 30
	f := newFixture(t)
	c := server.NewClientWithOptions(client.Options{Identity: "w"})
	w := worker.New(c, f.queue, worker.Options{})
	durable.Register(w, &durable.Activities{Credentials: durable.Stores{"prod": chatwoot.Credentials("chatwoot.example", "")}})
	require.NoError(t, w.Start())
	t.Cleanup(w.Stop)

	req := f.conversations(n)
	req.Options.ChunkItems = 10
	res := f.collect(t, f.start(t, req))
	require.NotNil(t, res.Error)
	assert.Contains(t, res.Error.Message+res.Error.Description, "has no scheme")
	assert.Empty(t, res.Items)

	req.Settings = node.Settings{ContinueOnFail: true}
	res = f.collect(t, f.start(t, req))
	require.Nil(t, res.Error)
	require.NotNil(t, res.PassedThrough)
	require.Len(t, res.Items, n)
	for i, it := range res.Items {
		assert.Equal(t, i, it.PairedItem.Item)
		assert.Equal(t, float64(i), it.JSON.(map[string]any)["order"], "item %d is its input", i)
	}
	sent, _ := f.rec.counts()
	assert.Empty(t, sent, "no request was sent")
}

// $('Name') reads the other nodes' data the request carries, on whichever
// worker runs the chunk.
func TestOtherNodesData(t *testing.T) {
	f := newFixture(t)
	f.worker(t, "w", "", worker.Options{})
	req := f.conversations(3)
	req.Parameters["custom_attributes"] = `={"order": {{ $json.order }}, "batch": "{{ $('Load Orders').first().json.batch }}"}`
	req.Nodes = map[string]durable.NodeData{"Load Orders": {Items: []node.Item{{JSON: map[string]any{"batch": "b-7"}}}}}
	res := f.collect(t, f.start(t, req))
	require.Nil(t, res.Error)
	require.Len(t, res.Items, 3)
	for i, it := range res.Items {
		attrs := it.JSON.(map[string]any)["custom_attributes"].(map[string]any)
		assert.Equal(t, float64(i), attrs["order"])
		assert.Equal(t, "b-7", attrs["batch"])
	}

	t.Run("a node that has not run", func(t *testing.T) {
		notRun := false
		req.Nodes = map[string]durable.NodeData{"Load Orders": {Executed: &notRun}}
		res := f.collect(t, f.start(t, req))
		require.NotNil(t, res.Error)
		assert.Contains(t, res.Error.Message+res.Error.Description, "hasn't been executed")
	})
	t.Run("a typeVersion the node lacks", func(t *testing.T) {
		req := f.conversations(1)
		req.TypeVersion = 7
		res := f.collect(t, f.start(t, req))
		require.NotNil(t, res.Error)
		assert.Contains(t, res.Error.Message, "7")
	})
}
