package chatwoot_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes/chatwoot"
	"github.com/noderun/noderun/nodes/chatwoot/chatwootsim"
	"github.com/noderun/noderun/runtime"
)

// Create a conversation for a contact of an API inbox, one per input item.
func ExampleCreateConversation() {
	// A simulated Chatwoot with a fixed clock stands in for a real server.
	sim := chatwootsim.New(chatwootsim.Options{Now: func() time.Time { return time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC) }})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	seed := sim.Seed()

	n := &chatwoot.CreateConversation{
		InboxIdentifier:   seed.InboxIdentifier,
		ContactIdentifier: "={{ $json.contact }}",
		CustomAttributes:  `={"order": "{{ $json.order }}"}`,
		Credentials:       chatwoot.Credentials(srv.URL, ""), // the public API needs no token
	}
	items, err := n.Execute(context.Background(), []node.Item{{JSON: map[string]any{"contact": seed.ContactSourceID, "order": 1042}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	out := items[0].JSON.(map[string]any)
	fmt.Println("id:", out["id"], "status:", out["status"])
	fmt.Println("inbox_identifier matches:", out["inbox_identifier"] == seed.InboxIdentifier)
	fmt.Println("contact_identifier matches:", out["contact_identifier"] == seed.ContactSourceID)
	fmt.Println("custom_attributes:", out["custom_attributes"])
	fmt.Println("created_at:", time.Unix(int64(out["created_at"].(float64)), 0).UTC())
	// Output:
	// id: 2 status: open
	// inbox_identifier matches: true
	// contact_identifier matches: true
	// custom_attributes: map[order:1042]
	// created_at: 2024-03-01 12:00:00 +0000 UTC
}

// Run any of the 115 operations of the generic node by resource and
// operation, with parameters as n8n stores them.
func ExampleNodeType() {
	sim := chatwootsim.New(chatwootsim.Options{})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	seed := sim.Seed()

	nt, err := chatwoot.NodeType()
	if err != nil {
		fmt.Println(err)
		return
	}
	engine := &runtime.Engine{}
	defer engine.CloseIdleConnections()
	res, err := engine.Execute(context.Background(), runtime.Run{
		Node: nt,
		Parameters: map[string]any{
			"resource": "Conversations", "operation": "Toggle Status Of A Conversation",
			"account_id": float64(seed.AccountID), "conversation_id": "={{ $json.id }}", "status": "resolved",
		},
		// A pasted API path is cut off the address.
		Credentials: chatwoot.Credentials(srv.URL+"/api/v1/", seed.AgentToken),
		Items:       []node.Item{{JSON: map[string]any{"id": seed.ConversationID}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if res.Err != nil {
		fmt.Println(res.Err)
		return
	}
	payload := res.Items[0].JSON.(map[string]any)["payload"].(map[string]any)
	fmt.Println(payload["conversation_id"], payload["current_status"])
	// Output: 1 resolved
}

func ExampleNormalizeURL() {
	for _, raw := range []string{"https://app.chatwoot.com/", "https://app.chatwoot.com/api/v1", "app.chatwoot.com"} {
		u, err := chatwoot.NormalizeURL(raw)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(u)
	}
	// Output:
	// https://app.chatwoot.com
	// https://app.chatwoot.com
	// error: the Chatwoot URL "app.chatwoot.com" has no scheme: write it as https://app.chatwoot.com (or http:// for a local server)
}
