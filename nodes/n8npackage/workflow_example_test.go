package n8npackage_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes/n8npackage"
	"github.com/noderun/noderun/runtime"
	"github.com/noderun/noderun/runtime/expr"
)

// A node of an exported n8n workflow whose type comes from a package: the
// node type at the workflow's typeVersion, and the package's functions
// registered as hooks after it (a package with n8n's index evaluates a
// node on first use).
func Example_workflowNode() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/hello":
			fmt.Fprint(w, `{"nonce": "n-1"}`)
		case "/session":
			fmt.Fprint(w, `{"token": "sess-1"}`)
		default:
			fmt.Fprint(w, `{"id": "t-1"}`)
		}
	}))
	defer srv.Close()
	wf, err := node.DecodeWorkflow([]byte(`{"name": "Intake", "nodes": [{"name": "Make gizmo",
		"type": "n8n-nodes-gizmos.gizmo", "typeVersion": 1, "parameters": {"operation": "create"},
		"credentials": {"gizmoApi": {"id": "1", "name": "Gizmos"}}}]}`))
	if err != nil {
		log.Fatal(err)
	}
	wn, _ := wf.Node("Make gizmo")

	ctx := context.Background()
	pkg, err := n8npackage.Load(ctx, "testdata/gizmos")
	if err != nil {
		log.Fatal(err)
	}
	defer pkg.Close()
	nt, err := pkg.NodeType(ctx, wn.Type, wn.TypeVersion)
	if err != nil {
		log.Fatal(err)
	}
	var hooks runtime.Hooks
	if err := pkg.RegisterHooks(ctx, &hooks); err != nil {
		log.Fatal(err)
	}
	res, err := (&runtime.Engine{Hooks: &hooks}).Execute(ctx, runtime.Run{
		Node: nt, TypeVersion: wn.TypeVersion, NodeName: wn.Name, Parameters: wn.Parameters, Settings: wn.Settings,
		InputCheck: runtime.CheckWorkflow, Workflow: expr.Workflow{Name: wf.Name},
		Credentials: credentials.Map{"gizmoApi": {"baseUrl": srv.URL, "password": "pw"}},
		Items:       []node.Item{{JSON: map[string]any{"name": "ada"}}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Err, res.Items[0].JSON)
	// Output:
	// <nil> map[from:ada id:t-1 mode:trigger node:Make gizmo status:200]
}
