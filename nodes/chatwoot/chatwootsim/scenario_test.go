package chatwootsim

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScenario follows one customer: a contact and a conversation created through the public
// API, an agent's reply, assignment, labels, resolution, and the reports that reflect them.
func TestScenario(t *testing.T) {
	now := fixedNow
	clock := func() time.Time { return now }
	c := newClient(t, Options{Now: clock})
	sd := c.ts.Seed()
	pub := "/public/api/v1/inboxes/" + sd.InboxIdentifier
	reports := fmt.Sprintf("/api/v2/accounts/%d/reports", sd.AccountID)

	contact := c.do(req{method: "POST", path: pub + "/contacts", body: map[string]any{"name": "Quinn", "email": "quinn@example.com", "identifier": "q-1"}})
	require.Equal(t, 200, contact.status, "body: %s", contact.body)
	source := contact.obj()["source_id"].(string)

	conv := c.do(req{method: "POST", path: pub + "/contacts/" + source + "/conversations", body: map[string]any{}})
	require.Equal(t, 200, conv.status)
	id := num(conv.obj()["id"])

	msg := c.do(req{method: "POST", path: fmt.Sprintf("%s/contacts/%s/conversations/%d/messages", pub, source, id), body: map[string]any{"content": "My invoice is wrong"}})
	require.Equal(t, 200, msg.status)

	now = now.Add(90e9) // 90 s later the agent answers
	reply := c.do(req{method: "POST", path: acct(sd, fmt.Sprintf("/conversations/%d/messages", id)), token: sd.AgentToken, body: map[string]any{"content": "Let me fix that."}})
	require.Equal(t, 200, reply.status, "body: %s", reply.body)

	assign := c.do(req{method: "POST", path: acct(sd, fmt.Sprintf("/conversations/%d/assignments", id)), token: sd.AdminToken, body: map[string]any{"assignee_id": sd.AgentID}})
	require.Equal(t, 200, assign.status)
	assert.Equal(t, sd.AgentID, num(assign.obj()["id"]))

	labels := c.do(req{method: "POST", path: acct(sd, fmt.Sprintf("/conversations/%d/labels", id)), token: sd.AdminToken, body: map[string]any{"labels": []string{"billing"}}})
	assert.JSONEq(t, `{"payload":["billing"]}`, string(labels.body))

	now = now.Add(30e9)
	toggle := c.do(req{method: "POST", path: acct(sd, fmt.Sprintf("/conversations/%d/toggle_status", id)), token: sd.AdminToken})
	assert.Equal(t, "resolved", field(toggle.obj(), "payload", "current_status"))

	show := c.do(req{method: "GET", path: acct(sd, fmt.Sprintf("/conversations/%d", id)), token: sd.AdminToken}).obj()
	assert.Equal(t, "resolved", show["status"])
	assert.Equal(t, []any{"billing"}, show["labels"])
	assert.Equal(t, "Bob Agent", field(show, "meta", "assignee", "name"))
	assert.Equal(t, int(fixedNow.Add(90e9).Unix()), num(show["first_reply_created_at"]))
	assert.Equal(t, 0, num(show["waiting_since"]), "answered")
	last := show["messages"].([]any)[0]
	assert.Equal(t, 2, num(field(last, "message_type")), "the last message is the resolution activity")
	assert.Equal(t, "Conversation was marked resolved by Alice Admin", field(last, "content"))

	summary := c.do(req{method: "GET", path: reports + "/summary?type=account", token: sd.AdminToken}).obj()
	assert.Equal(t, 2, num(summary["conversations_count"]), "the seeded conversation and this one")
	assert.Equal(t, 2, num(summary["incoming_messages_count"]))
	assert.Equal(t, 1, num(summary["outgoing_messages_count"]))
	assert.Equal(t, "90.0", summary["avg_first_response_time"])
	assert.Equal(t, "120.0", summary["avg_resolution_time"])
	assert.Equal(t, 1, num(summary["resolutions_count"]))

	label := c.do(req{method: "GET", path: reports + "/summary?type=label&id=1", token: sd.AdminToken}).obj()
	assert.Equal(t, 1, num(label["conversations_count"]), "labels become reportable")

	agent := c.do(req{method: "GET", path: fmt.Sprintf("%s/summary?type=agent&id=%d", reports, sd.AgentID), token: sd.AdminToken}).obj()
	assert.Equal(t, 1, num(agent["outgoing_messages_count"]))

	metrics := c.do(req{method: "GET", path: reports + "/conversations?type=account", token: sd.AdminToken})
	assert.JSONEq(t, `{"open":1,"unattended":1,"unassigned":1}`, string(metrics.body), "the seeded conversation is still open")

	list := c.do(req{method: "GET", path: fmt.Sprintf("%s/contacts/%s/conversations", pub, source)}).arr()
	require.Len(t, list, 1)
	assert.Equal(t, "resolved", field(list[0], "status"))
	assert.Len(t, field(list[0], "messages"), 2, "public messages hide activity messages")
}
