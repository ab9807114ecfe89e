package chatwootsim

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testConversationOps(t *testing.T) {
	c := newClient(t, Options{})
	sd := c.ts.Seed()
	tok := sd.AdminToken
	var convID, msgID int
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	require.NoError(t, mw.WriteField("content", "see attached"))
	fw, err := mw.CreateFormFile("attachments[]", "receipt.png")
	require.NoError(t, err)
	_, _ = fw.Write([]byte("\x89PNG fake"))
	require.NoError(t, mw.Close())
	runSteps(t, c, []step{
		{op: "conversationListMeta", r: func() req { return req{method: "GET", path: acct(sd, "/conversations/meta"), token: tok} }, status: 200,
			check: func(t *testing.T, r *result) {
				assert.JSONEq(t, `{"meta":{"mine_count":0,"assigned_count":0,"unassigned_count":1,"all_count":1}}`, string(r.body))
			}},
		{op: "newConversation", r: func() req {
			return req{method: "POST", path: acct(sd, "/conversations"), token: tok, body: map[string]any{
				"inbox_id": sd.InboxID, "contact_id": sd.ContactID, "status": "pending", "custom_attributes": map[string]any{"order": 7},
				"message": map[string]any{"content": "We are on it."}}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, conversationKeys, r.keys())
			assert.Equal(t, []string{"sender", "channel", "hmac_verified"}, r.keys("meta"))
			m := r.obj()
			convID = num(m["id"])
			assert.Equal(t, 2, convID)
			assert.Equal(t, "pending", m["status"])
			assert.Equal(t, 1, num(field(m["messages"].([]any)[0], "message_type")), "the first message is outgoing")
		}},
		{op: "newConversation", name: "bot inbox conversations start pending", r: func() req {
			return req{method: "POST", path: acct(sd, "/conversations"), token: sd.BotToken, body: map[string]any{"inbox_id": sd.BotInboxID, "contact_id": sd.ContactID}}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Equal(t, "pending", r.obj()["status"]) }},
		{op: "newConversation", name: "neither source_id nor contact", r: func() req {
			return req{method: "POST", path: acct(sd, "/conversations"), token: tok, body: map[string]any{"inbox_id": sd.InboxID}}
		}, status: 404, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, `{"error":"Resource could not be found"}`, string(r.body))
		}},
		{op: "conversationList", r: func() req { return req{method: "GET", path: acct(sd, "/conversations?status=all"), token: tok} }, status: 200,
			check: func(t *testing.T, r *result) {
				assert.Equal(t, []string{"data"}, r.keys())
				assert.Equal(t, []string{"meta", "payload"}, r.keys("data"))
				assert.Len(t, field(r.obj(), "data", "payload"), 3)
			}},
		{op: "conversationList", name: "default status is open", r: func() req { return req{method: "GET", path: acct(sd, "/conversations"), token: sd.AgentToken} },
			status: 200, check: func(t *testing.T, r *result) {
				assert.Equal(t, 1, num(field(r.obj(), "data", "meta", "all_count")), "the agent sees the API inbox only; pending ones are filtered")
			}},
		{op: "conversationFilter", r: func() req {
			return req{method: "POST", path: acct(sd, "/conversations/filter"), token: tok, body: map[string]any{"payload": []any{
				map[string]any{"attribute_key": "status", "filter_operator": "equal_to", "values": []any{"pending"}, "query_operator": nil}}}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, []string{"meta", "payload"}, r.keys(), "no data wrapper")
			assert.Equal(t, []string{"mine_count", "unassigned_count", "all_count"}, r.keys("meta"))
			assert.Equal(t, 2, num(field(r.obj(), "meta", "all_count")))
		}},
		{op: "get-details-of-a-conversation", r: func() req {
			return req{method: "GET", path: acct(sd, fmt.Sprintf("/conversations/%d", convID)), token: tok}
		},
			status: 200, check: func(t *testing.T, r *result) {
				assert.Equal(t, map[string]any{"order": jsonNum(7)}, r.obj()["custom_attributes"])
			}},
		{op: "get-details-of-a-conversation", name: "outside the agent's inboxes", r: func() req {
			return req{method: "GET", path: acct(sd, "/conversations/3"), token: sd.AgentToken}
		}, status: 401, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, `{"error":"You are not authorized to do this action"}`, string(r.body))
		}},
		{op: "toggle-status-of-a-conversation", r: func() req {
			return req{method: "POST", path: acct(sd, fmt.Sprintf("/conversations/%d/toggle_status", convID)), token: tok, body: map[string]any{"status": "snoozed", "snoozed_until": fixedNow.Unix() + 3600}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, `{"payload":{"success":true,"conversation_id":2,"current_status":"snoozed","snoozed_until":"2024-03-01T13:00:00.000Z"}}`, string(r.body))
		}},
		{op: "toggle-status-of-a-conversation", name: "agent reopening self-assigns", r: func() req {
			return req{method: "POST", path: acct(sd, "/conversations/1/toggle_status"), token: sd.AgentToken}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, "resolved", field(r.obj(), "payload", "current_status"))
		}},
		{op: "toggle-status-of-a-conversation", name: "bot token is whitelisted", r: func() req {
			return req{method: "POST", path: acct(sd, "/conversations/3/toggle_status"), token: sd.BotToken, body: map[string]any{"status": "open"}}
		}, status: 200},
		{op: "toggle-status-of-a-conversation", name: "invalid status is a 500", r: func() req {
			return req{method: "POST", path: acct(sd, "/conversations/1/toggle_status"), token: tok, body: map[string]any{"status": "closed"}}
		}, status: 500},
		{op: "toggle-priority-of-a-conversation", r: func() req {
			return req{method: "POST", path: acct(sd, fmt.Sprintf("/conversations/%d/toggle_priority", convID)), token: tok, body: map[string]any{"priority": "urgent"}}
		}, status: 200, check: isEmptyHead},
		{op: "toggle-priority-of-a-conversation", name: "the spec's 'none' is an invalid enum value", r: func() req {
			return req{method: "POST", path: acct(sd, fmt.Sprintf("/conversations/%d/toggle_priority", convID)), token: tok, body: map[string]any{"priority": "none"}}
		}, status: 500},
		{op: "toggle-priority-of-a-conversation", name: "bots may not in 3.x", r: func() req {
			return req{method: "POST", path: acct(sd, "/conversations/3/toggle_priority"), token: sd.BotToken, body: map[string]any{"priority": "low"}}
		}, status: 401},
		{op: "assign-a-conversation", r: func() req {
			return req{method: "POST", path: acct(sd, fmt.Sprintf("/conversations/%d/assignments", convID)), token: tok, body: map[string]any{"assignee_id": sd.AgentID}}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Equal(t, agentKeys, r.keys()) }},
		{op: "assign-a-conversation", name: "team", r: func() req {
			return req{method: "POST", path: acct(sd, fmt.Sprintf("/conversations/%d/assignments", convID)), token: tok, body: map[string]any{"team_id": sd.TeamID}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, []string{"id", "name", "description", "allow_auto_assign", "account_id", "created_at", "updated_at"}, r.keys(), "the raw team row")
		}},
		{op: "assign-a-conversation", name: "unknown agent unassigns", r: func() req {
			return req{method: "POST", path: acct(sd, "/conversations/1/assignments"), token: tok, body: map[string]any{"assignee_id": 999}}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Equal(t, "null", string(r.body)) }},
		{op: "conversation-add-labels", r: func() req {
			return req{method: "POST", path: acct(sd, fmt.Sprintf("/conversations/%d/labels", convID)), token: tok, body: map[string]any{"labels": []string{"billing", "vip"}}}
		}, status: 200, check: func(t *testing.T, r *result) { assert.JSONEq(t, `{"payload":["billing","vip"]}`, string(r.body)) }},
		{op: "conversation-add-labels", name: "replaces the set", r: func() req {
			return req{method: "POST", path: acct(sd, fmt.Sprintf("/conversations/%d/labels", convID)), token: tok, body: map[string]any{"labels": []string{"refund"}}}
		}, status: 200, check: func(t *testing.T, r *result) { assert.JSONEq(t, `{"payload":["refund"]}`, string(r.body)) }},
		{op: "list-all-labels-of-a-conversation", r: func() req {
			return req{method: "GET", path: acct(sd, fmt.Sprintf("/conversations/%d/labels", convID)), token: tok}
		}, status: 200, check: func(t *testing.T, r *result) { assert.JSONEq(t, `{"payload":["refund"]}`, string(r.body)) }},
		{op: "create-a-new-message-in-a-conversation", r: func() req {
			return req{method: "POST", path: acct(sd, fmt.Sprintf("/conversations/%d/messages", convID)), token: tok, body: map[string]any{
				"content": "Refund issued", "private": false, "echo_id": "tmp-1", "content_attributes": map[string]any{"ignored": true}}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, []string{"id", "content", "inbox_id", "echo_id", "conversation_id", "message_type", "content_type", "status",
				"content_attributes", "created_at", "private", "source_id", "sender"}, r.keys())
			m := r.obj()
			msgID = num(m["id"])
			assert.Equal(t, 1, num(m["message_type"]))
			assert.Equal(t, map[string]any{}, m["content_attributes"], "only items and in_reply_to are copied")
		}},
		{op: "create-a-new-message-in-a-conversation", name: "incoming is API-only, so this works here", r: func() req {
			return req{method: "POST", path: acct(sd, fmt.Sprintf("/conversations/%d/messages", convID)), token: sd.BotToken, body: map[string]any{"content": "from the customer", "message_type": "incoming"}}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Equal(t, "contact", field(r.obj(), "sender", "type")) }},
		{op: "create-a-new-message-in-a-conversation", name: "invalid content type", r: func() req {
			return req{method: "POST", path: acct(sd, fmt.Sprintf("/conversations/%d/messages", convID)), token: tok, body: map[string]any{"content": "x", "content_type": "xyz"}}
		}, status: 422, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, `{"error":"'xyz' is not a valid content_type"}`, string(r.body))
		}},
		{op: "create-a-new-message-in-a-conversation", name: "multipart attachment", r: func() req {
			return req{method: "POST", path: acct(sd, fmt.Sprintf("/conversations/%d/messages", convID)), token: tok, body: form.Bytes(), ctype: mw.FormDataContentType()}
		}, status: 200, check: func(t *testing.T, r *result) {
			atts := r.obj()["attachments"].([]any)
			require.Len(t, atts, 1)
			assert.Equal(t, "file", field(atts[0], "file_type"), "no content type on the part means a generic file")
			assert.Equal(t, 9, num(field(atts[0], "file_size")))
		}},
		{op: "list-all-messages", r: func() req {
			return req{method: "GET", path: acct(sd, fmt.Sprintf("/conversations/%d/messages", convID)), token: tok}
		},
			status: 200, check: func(t *testing.T, r *result) {
				assert.Equal(t, []string{"meta", "payload"}, r.keys())
				assert.Equal(t, []string{"labels", "additional_attributes", "contact", "assignee", "agent_last_seen_at", "assignee_last_seen_at"}, r.keys("meta"))
				p := r.obj()["payload"].([]any)
				assert.GreaterOrEqual(t, len(p), 5, "messages plus activity messages")
			}},
		{op: "list-all-messages", name: "before cursor", r: func() req {
			return req{method: "GET", path: acct(sd, fmt.Sprintf("/conversations/%d/messages?before=%d", convID, msgID)), token: tok}
		}, status: 200, check: func(t *testing.T, r *result) {
			for _, m := range r.obj()["payload"].([]any) {
				assert.Less(t, num(field(m, "id")), msgID)
			}
		}},
		{op: "delete-a-message", r: func() req {
			return req{method: "DELETE", path: acct(sd, fmt.Sprintf("/conversations/%d/messages/%d", convID, msgID)), token: tok}
		}, status: 200, check: func(t *testing.T, r *result) {
			m := r.obj()
			assert.Equal(t, "This message was deleted", m["content"])
			assert.Equal(t, map[string]any{"deleted": true}, m["content_attributes"])
		}},
		{op: "delete-a-message", name: "unknown", r: func() req {
			return req{method: "DELETE", path: acct(sd, fmt.Sprintf("/conversations/%d/messages/999", convID)), token: tok}
		}, status: 404},
	})
}

func testInboxOps(t *testing.T) {
	c := newClient(t, Options{})
	sd := c.ts.Seed()
	tok := sd.AdminToken
	var inboxID int
	runSteps(t, c, []step{
		{op: "listAllInboxes", r: func() req { return req{method: "GET", path: acct(sd, "/inboxes"), token: tok} }, status: 200,
			check: func(t *testing.T, r *result) {
				p := r.obj()["payload"].([]any)
				require.Len(t, p, 2)
				assert.Equal(t, "Acme API", field(p[0], "name"), "ordered by name")
				assert.Equal(t, apiInboxKeys, r.keys("payload", "0"))
			}},
		{op: "GetInbox", r: func() req {
			return req{method: "GET", path: acct(sd, fmt.Sprintf("/inboxes/%d/", sd.InboxID)), token: sd.AgentToken}
		}, status: 200,
			check: func(t *testing.T, r *result) {
				assert.NotContains(t, r.keys(), "hmac_token", "only administrators see hmac_token")
			}},
		{op: "GetInbox", name: "not a member", r: func() req {
			return req{method: "GET", path: acct(sd, fmt.Sprintf("/inboxes/%d", sd.BotInboxID)), token: sd.AgentToken}
		}, status: 401},
		{op: "inboxCreation", r: func() req {
			return req{method: "POST", path: acct(sd, "/inboxes/"), token: tok, body: map[string]any{"name": "Website", "channel": map[string]any{"type": "web_widget", "website_url": "https://acme.test", "widget_color": "#ff0000"}}}
		}, status: 200, check: func(t *testing.T, r *result) {
			m := r.obj()
			inboxID = num(m["id"])
			assert.Equal(t, "Channel::WebWidget", m["channel_type"])
			assert.Equal(t, "#ff0000", m["widget_color"])
			assert.Contains(t, r.keys(), "web_widget_script")
		}},
		{op: "inboxCreation", name: "api channel", r: func() req {
			return req{method: "POST", path: acct(sd, "/inboxes"), token: tok, body: map[string]any{"name": "Backend", "channel": map[string]any{"type": "api", "webhook_url": "https://backend.test/cw"}}}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Len(t, r.obj()["inbox_identifier"], 24) }},
		{op: "inboxCreation", name: "agents may not", r: func() req {
			return req{method: "POST", path: acct(sd, "/inboxes"), token: sd.AgentToken, body: map[string]any{"name": "X", "channel": map[string]any{"type": "api"}}}
		}, status: 401},
		{op: "updateInbox", r: func() req {
			return req{method: "PATCH", path: acct(sd, fmt.Sprintf("/inboxes/%d", inboxID)), token: tok, body: map[string]any{
				"enable_auto_assignment": false, "timezone": "Europe/Berlin", "channel": map[string]any{"welcome_title": "Hi!"},
				"working_hours": []any{map[string]any{"day_of_week": 6, "closed_all_day": false, "open_hour": 10, "open_minutes": 0, "close_hour": 14, "close_minutes": 0}}}}
		}, status: 200, check: func(t *testing.T, r *result) {
			m := r.obj()
			assert.Equal(t, false, m["enable_auto_assignment"])
			assert.Equal(t, "Hi!", m["welcome_title"])
			assert.Equal(t, 10, num(field(m["working_hours"].([]any)[6], "open_hour")))
		}},
		{op: "updateInbox", name: "bad timezone", r: func() req {
			return req{method: "PATCH", path: acct(sd, fmt.Sprintf("/inboxes/%d", inboxID)), token: tok, body: map[string]any{"timezone": "Mars/Olympus"}}
		}, status: 422, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, `{"message":"Timezone is not included in the list","attributes":["timezone"]}`, string(r.body))
		}},
		{op: "getInboxAgentBot", r: func() req {
			return req{method: "GET", path: acct(sd, fmt.Sprintf("/inboxes/%d/agent_bot", sd.BotInboxID)), token: tok}
		}, status: 200,
			check: func(t *testing.T, r *result) { assert.Equal(t, sd.BotID, num(field(r.obj(), "agent_bot", "id"))) }},
		{op: "getInboxAgentBot", name: "none", r: func() req {
			return req{method: "GET", path: acct(sd, fmt.Sprintf("/inboxes/%d/agent_bot", sd.InboxID)), token: tok}
		}, status: 200,
			check: func(t *testing.T, r *result) { assert.Equal(t, "{}", string(r.body)) }},
		{op: "updateAgentBot", r: func() req {
			return req{method: "POST", path: acct(sd, fmt.Sprintf("/inboxes/%d/set_agent_bot", inboxID)), token: tok, body: map[string]any{"agent_bot": sd.BotID}}
		}, status: 200, check: isEmptyHead},
		{op: "updateAgentBot", name: "unknown bot", r: func() req {
			return req{method: "POST", path: acct(sd, fmt.Sprintf("/inboxes/%d/set_agent_bot", inboxID)), token: tok, body: map[string]any{"agent_bot": 999}}
		}, status: 404},
		{op: "updateAgentBot", name: "null detaches", r: func() req {
			return req{method: "POST", path: acct(sd, fmt.Sprintf("/inboxes/%d/set_agent_bot", inboxID)), token: tok, body: map[string]any{"agent_bot": nil}}
		}, status: 200, check: isEmptyHead},
		{op: "add-new-agent-to-inbox", r: func() req {
			return req{method: "POST", path: acct(sd, "/inbox_members"), token: tok, body: map[string]any{"inbox_id": inboxID, "user_ids": []int{sd.AgentID}}}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Len(t, r.obj()["payload"], 1) }},
		{op: "get-inbox-members", r: func() req {
			return req{method: "GET", path: acct(sd, fmt.Sprintf("/inbox_members/%d", inboxID)), token: tok}
		}, status: 200,
			check: func(t *testing.T, r *result) { assert.Equal(t, agentKeys, r.keys("payload", "0")) }},
		{op: "update-agents-in-inbox", r: func() req {
			return req{method: "PATCH", path: acct(sd, "/inbox_members"), token: tok, body: map[string]any{"inbox_id": inboxID, "user_ids": []int{sd.AdminID}}}
		}, status: 200, check: func(t *testing.T, r *result) {
			p := r.obj()["payload"].([]any)
			require.Len(t, p, 1)
			assert.Equal(t, sd.AdminID, num(field(p[0], "id")))
		}},
		{op: "delete-agent-in-inbox", r: func() req {
			return req{method: "DELETE", path: acct(sd, "/inbox_members"), token: tok, body: map[string]any{"inbox_id": inboxID, "user_ids": []int{sd.AdminID}}}
		}, status: 200, check: isEmptyHead},
		{op: "delete-agent-in-inbox", name: "not a member", r: func() req {
			return req{method: "DELETE", path: acct(sd, "/inbox_members"), token: tok, body: map[string]any{"inbox_id": inboxID, "user_ids": []int{sd.AdminID}}}
		}, status: 404},
	})
}

func testReportOps(t *testing.T) {
	c := newClient(t, Options{})
	sd := c.ts.Seed()
	tok := sd.AdminToken
	day := fixedNow.Truncate(24 * 3600 * 1e9).Unix()
	runSteps(t, c, []step{
		{name: "agent replies", r: func() req {
			return req{method: "POST", path: acct(sd, "/conversations/1/messages"), token: sd.AgentToken, body: map[string]any{"content": "Sorry! Checking."}}
		}, status: 200},
		{name: "resolve", r: func() req {
			return req{method: "POST", path: acct(sd, "/conversations/1/toggle_status"), token: tok, body: map[string]any{"status": "resolved"}}
		}, status: 200},
		{op: "list-all-conversation-statistics", r: func() req {
			return req{method: "GET", path: fmt.Sprintf("/api/v2/accounts/%d/reports?metric=conversations_count&type=account&since=%d&until=%d", sd.AccountID, day-86400, day+86400), token: tok}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, fmt.Sprintf(`[{"value":0,"timestamp":%d},{"value":1,"timestamp":%d}]`, day-86400, day), string(r.body))
		}},
		{op: "list-all-conversation-statistics", name: "averages are decimal strings", r: func() req {
			return req{method: "GET", path: fmt.Sprintf("/api/v2/accounts/%d/reports?metric=avg_resolution_time&type=account", sd.AccountID), token: tok}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, fmt.Sprintf(`[{"value":"0.0","timestamp":%d,"count":1}]`, day), string(r.body))
		}},
		{op: "list-all-conversation-statistics", name: "invalid metric", r: func() req {
			return req{method: "GET", path: fmt.Sprintf("/api/v2/accounts/%d/reports?metric=nope&type=account", sd.AccountID), token: tok}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Equal(t, "[]", string(r.body)) }},
		{op: "list-all-conversation-statistics", name: "missing type is a 500", r: func() req {
			return req{method: "GET", path: fmt.Sprintf("/api/v2/accounts/%d/reports?metric=conversations_count", sd.AccountID), token: tok}
		}, status: 500},
		{op: "list-all-conversation-statistics", name: "agents may not", r: func() req {
			return req{method: "GET", path: fmt.Sprintf("/api/v2/accounts/%d/reports?metric=conversations_count&type=account", sd.AccountID), token: sd.AgentToken}
		}, status: 401},
		{op: "list-all-conversation-statistics-summary", r: func() req {
			return req{method: "GET", path: fmt.Sprintf("/api/v2/accounts/%d/reports/summary?type=agent&id=%d", sd.AccountID, sd.AgentID), token: tok}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, []string{"conversations_count", "incoming_messages_count", "outgoing_messages_count", "avg_first_response_time",
				"avg_resolution_time", "resolutions_count", "reply_time", "previous"}, r.keys())
			m := r.obj()
			assert.Equal(t, 1, num(m["outgoing_messages_count"]))
			assert.Equal(t, 0, num(m["reply_time"]), "no data: the integer 0")
		}},
		{op: "get-account-conversation-metrics", r: func() req {
			return req{method: "GET", path: fmt.Sprintf("/api/v2/accounts/%d/reports/conversations?type=account", sd.AccountID), token: tok}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, `{"open":0,"unattended":0,"unassigned":0}`, string(r.body))
		}},
		{op: "get-account-conversation-metrics", name: "missing type", r: func() req {
			return req{method: "GET", path: fmt.Sprintf("/api/v2/accounts/%d/reports/conversations", sd.AccountID), token: tok}
		}, status: 422, check: isEmptyHead},
		{op: "get-agent-conversation-metrics", r: func() req {
			return req{method: "GET", path: fmt.Sprintf("/api/v2/accounts/%d/reports/conversations/?type=agent", sd.AccountID), token: tok}
		}, status: 200, check: func(t *testing.T, r *result) {
			a := r.arr()
			require.Len(t, a, 2)
			assert.Equal(t, []string{"id", "name", "email", "thumbnail", "availability", "metric"}, r.keys("0"))
		}},
	})
}
