package chatwoot_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes/chatwoot/chatwootsim"
)

// clock is a settable simulator clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestSupportConversationScenario walks one support conversation through
// the generic node as a workflow would: each step's output items are the
// next step's input, read with expressions. The reports summary reflects
// every step.
func TestSupportConversationScenario(t *testing.T) {
	clk := &clock{now: fixedNow}
	f := newEnv(t, chatwootsim.Options{Now: clk.Now})
	summary := func() map[string]any {
		return obj(t, f.run(tokAdmin, op("Reports", "List All Conversation Statistics Summary", f.with(kv{"type": "account"}))))
	}
	before := summary()

	// 1. The customer writes in through the public client API.
	contact := f.run(tokNone, op("Contacts API", "Create A Contact", kv{
		"inbox_identifier": f.sd.InboxIdentifier, "name": "={{ $json.name }}", "email": "={{ $json.email }}", "identifier": "={{ $json.crm_id }}",
	}), item(kv{"name": "Quinn Customer", "email": "quinn@example.com", "crm_id": "crm-77"}))
	require.NotEmpty(t, obj(t, contact)["source_id"])

	conversation := f.run(tokNone, op("Conversations API", "Create A Conversation", kv{
		"inbox_identifier": f.sd.InboxIdentifier, "contact_identifier": "={{ $json.source_id }}", "custom_attributes": `{"order": "1042"}`,
	}), contact...)
	conv := obj(t, conversation)
	assert.Equal(t, "open", conv["status"])
	convID := conv["id"]

	// 2. Account API: the customer's message arrives through the
	// integration (incoming), and 90 s later the agent answers (outgoing).
	incoming := obj(t, f.run(tokAgent, op("Messages", "Create A New Message In A Conversation", f.with(kv{
		"conversation_id": "={{ $json.id }}", "content": "My order #1042 has not arrived.", "message_type": "incoming",
	})), conversation...))
	assert.Equal(t, 0.0, incoming["message_type"], "incoming")
	clk.advance(90 * time.Second)
	outgoing := obj(t, f.run(tokAgent, op("Messages", "Create A New Message In A Conversation", f.with(kv{
		"conversation_id": "={{ $json.conversation_id }}", "content": "Sorry about that, Quinn, a replacement ships today.",
	})), node.Item{JSON: incoming}))
	assert.Equal(t, 1.0, outgoing["message_type"], "outgoing")
	assert.Equal(t, f.sd.AgentName, path(outgoing, "sender", "name"))

	// 3. The administrator assigns it to the agent and labels it.
	assignee := obj(t, f.run(tokAdmin, op("Conversation Assignment", "Assign A Conversation", f.with(kv{
		"conversation_id": "={{ $json.id }}", "assignee_id": float64(f.sd.AgentID),
	})), conversation...))
	assert.Equal(t, float64(f.sd.AgentID), assignee["id"])
	labels := obj(t, f.run(tokAgent, op("Conversation Labels", "Conversation Add Labels", f.with(kv{
		"conversation_id": "={{ $json.id }}", "labels": `["shipping", "vip"]`,
	})), conversation...))
	assert.ElementsMatch(t, []any{"shipping", "vip"}, labels["payload"])

	// 4. Resolved 30 s later.
	clk.advance(30 * time.Second)
	toggled := obj(t, f.run(tokAgent, op("Conversations", "Toggle Status Of A Conversation", f.with(kv{
		"conversation_id": "={{ $json.id }}", "status": "resolved",
	})), conversation...))
	assert.Equal(t, "resolved", path(toggled, "payload", "current_status"))

	// The conversation as the account sees it now.
	show := obj(t, f.run(tokAgent, op("Conversations", "Get Details Of A Conversation", f.with(kv{"conversation_id": convID}))))
	assert.Equal(t, "resolved", show["status"])
	assert.ElementsMatch(t, []any{"shipping", "vip"}, show["labels"])
	assert.Equal(t, f.sd.AgentName, path(show, "meta", "assignee", "name"))
	assert.Equal(t, "1042", path(show, "custom_attributes", "order"))
	assert.Equal(t, float64(fixedNow.Add(90*time.Second).Unix()), show["first_reply_created_at"])

	// The public API shows the customer both messages, not the activity.
	msgs := f.run(tokNone, op("Messages API", "List All Converation Messages", kv{"inbox_identifier": f.sd.InboxIdentifier,
		"contact_identifier": obj(t, contact)["source_id"], "conversation_id": convID}))
	require.Len(t, msgs, 2)
	assert.Equal(t, "My order #1042 has not arrived.", path(msgs[0].JSON, "content"))

	// 5. The reports count it: one more conversation, one incoming and one
	// outgoing message, one resolution; the first response took 90 s.
	after := summary()
	delta := func(key string) int { return num(t, after[key]) - num(t, before[key]) }
	assert.Equal(t, 1, delta("conversations_count"))
	assert.Equal(t, 1, delta("incoming_messages_count"))
	assert.Equal(t, 1, delta("outgoing_messages_count"))
	assert.Equal(t, 1, delta("resolutions_count"))
	assert.Equal(t, "90.0", after["avg_first_response_time"])
	assert.Equal(t, "120.0", after["avg_resolution_time"])

	agent := obj(t, f.run(tokAdmin, op("Reports", "List All Conversation Statistics Summary", f.with(kv{"type": "agent", "id": "={{ $json.id }}"})),
		node.Item{JSON: assignee}))
	assert.Equal(t, 1.0, agent["outgoing_messages_count"], "the agent's reply")
	metrics := obj(t, f.run(tokAdmin, op("Reports", "Get Account Conversation Metrics", f.with(kv{"type": "account"}))))
	assert.Equal(t, 1.0, metrics["open"], "only the seeded conversation is still open")
}
