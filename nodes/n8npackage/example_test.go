package n8npackage_test

import (
	"context"
	"fmt"
	"log"

	"github.com/noderun/noderun/nodes/n8npackage"
)

func Example() {
	ctx := context.Background()
	pkg, err := n8npackage.Load(ctx, "testdata/widgets")
	if err != nil {
		log.Fatal(err)
	}
	defer pkg.Close()
	fmt.Println(pkg.NodeNames())
	nt, err := pkg.NodeType(ctx, "n8n-nodes-widgets.widget", 1) // 0 picks the default version
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(nt.Description.DisplayName, nt.Description.Version, len(nt.CredentialTypes))
	// Output:
	// [n8n-nodes-widgets.gadget n8n-nodes-widgets.widget]
	// Widget [1] 1
}
