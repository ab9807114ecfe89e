package durable_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes/chatwoot"
	"github.com/noderun/noderun/nodes/chatwoot/chatwootsim"
	"github.com/noderun/noderun/temporal/durable"
)

// A Go engine already on Temporal registers noderun's workflow and
// activity on its own worker, then starts runs that name their
// credentials; the worker resolves them from its own store.
func ExampleRegister() {
	ctx := context.Background()
	var c client.Client = server.GetDefaultClient() // your client.Dial(...)

	// A simulated Chatwoot stands in for the real one.
	sim := chatwootsim.New(chatwootsim.Options{})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	seed := sim.Seed()

	w := worker.New(c, "my-queue", worker.Options{})
	durable.Register(w, &durable.Activities{
		Credentials: durable.Stores{"support": chatwoot.Credentials(srv.URL, "")},
	})
	if err := w.Start(); err != nil {
		fmt.Println(err)
		return
	}
	defer w.Stop()

	run, err := durable.Start(ctx, c, client.StartWorkflowOptions{TaskQueue: "my-queue"}, durable.Request{
		Node: chatwoot.TypedName,
		Parameters: map[string]any{
			"inbox_identifier":   seed.InboxIdentifier,
			"contact_identifier": seed.ContactSourceID,
			"custom_attributes":  `={"order": {{ $json.order }}}`,
		},
		Credentials: []durable.CredentialRef{{Type: chatwoot.CredentialName, Name: "support"}},
		Items: []node.Item{
			{JSON: map[string]any{"order": 1041}},
			{JSON: map[string]any{"order": 1042}},
			{JSON: map[string]any{"order": 1043}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := durable.Collect(ctx, c, run.GetID(), run.GetRunID())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, it := range res.Items {
		out := it.JSON.(map[string]any)
		fmt.Println("item", it.PairedItem.Item, "status", out["status"], "attributes", out["custom_attributes"])
	}
	// Output:
	// item 0 status open attributes map[order:1041]
	// item 1 status open attributes map[order:1042]
	// item 2 status open attributes map[order:1043]
}
