package chatwootsim

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// step is one request of an operation test, run in order on one server.
type step struct {
	op     string // the spec's operationId this request exercises ("" for set-up requests)
	name   string
	r      func() req
	status int
	check  func(t *testing.T, r *result)
}

func runSteps(t *testing.T, c *client, steps []step) {
	t.Helper()
	for _, s := range steps {
		name := s.op
		if s.name != "" {
			name += "/" + s.name
		}
		ok := t.Run(name, func(t *testing.T) {
			parent := c.t
			c.t = t
			defer func() { c.t = parent }()
			c.op = s.op
			res := c.do(s.r())
			require.Equal(t, s.status, res.status, "body: %s", res.body)
			if s.check != nil {
				s.check(t, res)
			}
		})
		if !ok {
			return // later steps depend on this one
		}
	}
}

// Key lists of the main views, in the view's order (reference §3).
var (
	agentKeys   = []string{"id", "account_id", "availability_status", "auto_offline", "confirmed", "email", "available_name", "name", "role", "thumbnail"}
	contactKeys = []string{"additional_attributes", "availability_status", "email", "id", "name", "phone_number", "identifier",
		"thumbnail", "custom_attributes", "last_activity_at", "created_at", "contact_inboxes"}
	conversationKeys = []string{"meta", "id", "messages", "account_id", "uuid", "additional_attributes", "agent_last_seen_at",
		"assignee_last_seen_at", "can_reply", "contact_last_seen_at", "custom_attributes", "inbox_id", "labels", "muted",
		"snoozed_until", "status", "created_at", "timestamp", "first_reply_created_at", "unread_count",
		"last_non_activity_message", "last_activity_at", "priority", "waiting_since"}
	messageKeys = []string{"id", "content", "inbox_id", "conversation_id", "message_type", "content_type", "status",
		"content_attributes", "created_at", "private", "source_id", "sender"}
	apiInboxKeys = []string{"id", "avatar_url", "channel_id", "name", "channel_type", "greeting_enabled", "greeting_message",
		"working_hours_enabled", "enable_email_collect", "csat_survey_enabled", "enable_auto_assignment", "auto_assignment_config",
		"out_of_office_message", "working_hours", "timezone", "callback_webhook_url", "allow_messages_after_resolved",
		"lock_to_single_conversation", "sender_name_type", "business_name", "widget_color", "website_url", "hmac_mandatory",
		"welcome_title", "welcome_tagline", "web_widget_script", "website_token", "selected_feature_flags", "reply_time",
		"messaging_service_sid", "phone_number", "hmac_token", "webhook_url", "inbox_identifier", "additional_attributes", "provider"}
	publicConversationKeys = []string{"id", "uuid", "inbox_id", "contact_last_seen_at", "status", "agent_last_seen_at", "messages", "contact"}
	publicMessageKeys      = []string{"id", "content", "message_type", "content_type", "content_attributes", "created_at", "conversation_id", "sender"}
	rawContactKeys         = []string{"id", "name", "email", "phone_number", "account_id", "created_at", "updated_at", "additional_attributes", "identifier", "custom_attributes", "last_activity_at"}
	teamKeys               = []string{"id", "name", "description", "allow_auto_assign", "account_id", "is_member"}
)

func isEmptyHead(t *testing.T, r *result) {
	t.Helper()
	assert.Empty(t, r.body)
	assert.Equal(t, "application/json", r.header.Get("Content-Type"))
}

func isNoContent(t *testing.T, r *result) {
	t.Helper()
	assert.Empty(t, r.body)
	assert.Empty(t, r.header.Get("Content-Type"))
}

// TestOperations exercises all 115 operations of the spec over HTTP, validating every response
// against the spec (when present), and then checks every operation was covered.
func TestOperations(t *testing.T) {
	families := []struct {
		name string
		fn   func(*testing.T)
	}{
		{"platform", testPlatformOps}, {"public", testPublicOps}, {"agents_and_bots", testAgentOps},
		{"canned_and_custom_attributes", testCannedAndAttrOps}, {"contacts", testContactOps},
		{"automation_and_help_center", testAutomationAndHelpCenterOps}, {"conversations_and_messages", testConversationOps},
		{"inboxes", testInboxOps}, {"integrations_and_profile", testIntegrationOps}, {"teams", testTeamOps},
		{"custom_filters_and_webhooks", testFilterAndWebhookOps}, {"reports", testReportOps},
	}
	for _, f := range families {
		t.Run(f.name, f.fn)
	}
	dumpViolations()
	if t.Failed() {
		return
	}
	ops := New(Options{}).Operations()
	if ck := maybeChecker(); ck != nil {
		ops = ck.Operations()
		assert.Len(t, ops, 115)
	} else {
		t.Logf("contract checks skipped (spec absent: %v); coverage is checked against the route table", checkerErr)
	}
	var missing []string
	for _, op := range ops {
		if !covered[op] {
			missing = append(missing, op)
		}
	}
	assert.Empty(t, missing, "operations without a test")
}

func testPlatformOps(t *testing.T) {
	c := newClient(t, Options{})
	sd := c.ts.Seed()
	tok := sd.PlatformAppToken
	var accID, botID, userID int
	runSteps(t, c, []step{
		{op: "create-an-account", r: func() req {
			return req{method: "POST", path: "/platform/api/v1/accounts", token: tok, body: map[string]any{"name": "Initech", "features": map[string]any{"help_center": false}}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, []string{"id", "name", "locale", "domain", "support_email", "features", "custom_attributes", "limits", "status"}, r.keys())
			m := r.obj()
			accID = num(m["id"])
			assert.Equal(t, "Initech", m["name"])
			assert.Nil(t, field(m, "features", "help_center"), "disabled features are not listed")
			assert.Equal(t, true, field(m, "features", "channel_email"))
		}},
		{op: "create-an-account", name: "blank name", r: func() req {
			return req{method: "POST", path: "/platform/api/v1/accounts", token: tok, body: map[string]any{"name": ""}}
		}, status: 422, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, `{"message":"Name can't be blank","attributes":["name"]}`, string(r.body))
		}},
		{op: "get-details-of-an-account", r: func() req {
			return req{method: "GET", path: fmt.Sprintf("/platform/api/v1/accounts/%d", accID), token: tok}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Equal(t, "active", r.obj()["status"]) }},
		{op: "get-details-of-an-account", name: "not permissible", r: func() req {
			return req{method: "GET", path: fmt.Sprintf("/platform/api/v1/accounts/%d", sd.OtherAccountID), token: tok}
		}, status: 401, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, `{"error":"Non permissible resource"}`, string(r.body))
		}},
		{op: "get-details-of-an-account", name: "unknown", r: func() req {
			return req{method: "GET", path: "/platform/api/v1/accounts/999", token: tok}
		}, status: 404, check: func(t *testing.T, r *result) { assert.JSONEq(t, `{"status":404,"error":"Not Found"}`, string(r.body)) }},
		{op: "update-an-account", r: func() req {
			return req{method: "PATCH", path: fmt.Sprintf("/platform/api/v1/accounts/%d", accID), token: tok, body: map[string]any{"name": "Initech Global", "locale": "fr"}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, "Initech Global", r.obj()["name"])
			assert.Equal(t, "fr", r.obj()["locale"])
		}},
		{op: "update-an-account", name: "PUT is routed too", r: func() req {
			return req{method: "PUT", path: fmt.Sprintf("/platform/api/v1/accounts/%d", accID), token: tok, body: map[string]any{"domain": "initech.test"}}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Equal(t, "initech.test", r.obj()["domain"]) }},
		{op: "create-an-account-user", r: func() req {
			return req{method: "POST", path: fmt.Sprintf("/platform/api/v1/accounts/%d/account_users", accID), token: tok, body: map[string]any{"user_id": sd.AgentID, "role": "administrator"}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, []string{"id", "account_id", "user_id", "role", "inviter_id", "created_at", "updated_at", "active_at", "availability", "auto_offline"}, r.keys())
			assert.Equal(t, "administrator", r.obj()["role"])
			assert.Equal(t, "2024-03-01T12:00:00.000Z", r.obj()["created_at"])
		}},
		{op: "create-an-account-user", name: "upsert by user_id", r: func() req {
			return req{method: "POST", path: fmt.Sprintf("/platform/api/v1/accounts/%d/account_users", accID), token: tok, body: map[string]any{"user_id": sd.AgentID, "role": "agent"}}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Equal(t, "agent", r.obj()["role"]) }},
		{op: "list-all-account-users", r: func() req {
			return req{method: "GET", path: fmt.Sprintf("/platform/api/v1/accounts/%d/account_users", accID), token: tok}
		}, status: 200, check: func(t *testing.T, r *result) { require.Len(t, r.arr(), 1) }},
		{op: "delete-an-account-user", r: func() req {
			return req{method: "DELETE", path: fmt.Sprintf("/platform/api/v1/accounts/%d/account_users", accID), token: tok, body: map[string]any{"user_id": sd.AgentID}}
		}, status: 200, check: isEmptyHead},
		{op: "delete-an-account-user", name: "unknown user is ignored", r: func() req {
			return req{method: "DELETE", path: fmt.Sprintf("/platform/api/v1/accounts/%d/account_users", accID), token: tok, body: map[string]any{"user_id": 4242}}
		}, status: 200, check: isEmptyHead},
		{op: "create-an-agent-bot", r: func() req {
			return req{method: "POST", path: "/platform/api/v1/agent_bots", token: tok, body: map[string]any{"name": "Helper", "description": "d", "outgoing_url": "https://hooks.test/x"}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, []string{"id", "name", "description", "outgoing_url", "account_id", "access_token"}, r.keys())
			m := r.obj()
			botID = num(m["id"])
			assert.Equal(t, "Helper", m["outgoing_url"], "the platform view renders the name as outgoing_url")
			assert.Len(t, m["access_token"], 24)
		}},
		{op: "list-all-agent-bots", r: func() req { return req{method: "GET", path: "/platform/api/v1/agent_bots", token: tok} },
			status: 200, check: func(t *testing.T, r *result) { assert.Len(t, r.arr(), 2, "the seeded bot and the new one") }},
		{op: "get-details-of-a-single-agent-bot", r: func() req {
			return req{method: "GET", path: fmt.Sprintf("/platform/api/v1/agent_bots/%d", botID), token: tok}
		}, status: 200},
		{op: "update-an-agent-bot", r: func() req {
			return req{method: "PATCH", path: fmt.Sprintf("/platform/api/v1/agent_bots/%d", botID), token: tok, body: map[string]any{"name": "Helper 2"}}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Equal(t, "Helper 2", r.obj()["name"]) }},
		{op: "delete-an-agent-bot", r: func() req {
			return req{method: "DELETE", path: fmt.Sprintf("/platform/api/v1/agent_bots/%d", botID), token: tok}
		}, status: 200, check: isEmptyHead},
		{op: "delete-an-agent-bot", name: "gone", r: func() req {
			return req{method: "DELETE", path: fmt.Sprintf("/platform/api/v1/agent_bots/%d", botID), token: tok}
		}, status: 404},
		{op: "create-a-user", r: func() req {
			return req{method: "POST", path: "/platform/api/v1/users", token: tok, body: map[string]any{"name": "Carol", "email": "Carol@Example.com", "password": "Secret123!", "custom_attributes": map[string]any{"tier": "gold"}}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, []string{"access_token", "account_id", "available_name", "avatar_url", "confirmed", "display_name",
				"message_signature", "email", "id", "name", "provider", "pubsub_token", "custom_attributes", "role", "ui_settings", "uid", "accounts"}, r.keys())
			m := r.obj()
			userID = num(m["id"])
			assert.Equal(t, "carol@example.com", m["email"])
			assert.Nil(t, m["account_id"])
		}},
		{op: "create-a-user", name: "existing email returns the user", r: func() req {
			return req{method: "POST", path: "/platform/api/v1/users", token: tok, body: map[string]any{"name": "Other", "email": "carol@example.com", "password": "x"}}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Equal(t, userID, num(r.obj()["id"])) }},
		{op: "create-a-user", name: "weak password", r: func() req {
			return req{method: "POST", path: "/platform/api/v1/users", token: tok, body: map[string]any{"name": "Dan", "email": "dan@example.com", "password": "abc"}}
		}, status: 422, check: func(t *testing.T, r *result) {
			assert.Equal(t, []any{"password"}, r.obj()["attributes"])
			assert.Contains(t, r.obj()["message"], "Password is too short (minimum is 6 characters)")
		}},
		{op: "get-details-of-a-user", r: func() req {
			return req{method: "GET", path: fmt.Sprintf("/platform/api/v1/users/%d", userID), token: tok}
		}, status: 200},
		{op: "update-a-user", r: func() req {
			return req{method: "PATCH", path: fmt.Sprintf("/platform/api/v1/users/%d", userID), token: tok, body: map[string]any{"display_name": "CC", "custom_attributes": map[string]any{"plan": "pro"}}}
		}, status: 200, check: func(t *testing.T, r *result) {
			m := r.obj()
			assert.Equal(t, "CC", m["available_name"])
			assert.Equal(t, map[string]any{"tier": "gold", "plan": "pro"}, m["custom_attributes"], "custom attributes merge")
		}},
		{op: "get-sso-url-of-a-user", r: func() req {
			return req{method: "GET", path: fmt.Sprintf("/platform/api/v1/users/%d/login", userID), token: tok}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Contains(t, r.obj()["url"], "/app/login?email=carol%40example.com&sso_auth_token=")
		}},
		{op: "get-details-of-a-user", name: "not permissible", r: func() req {
			return req{method: "GET", path: fmt.Sprintf("/platform/api/v1/users/%d", sd.OtherAdminID), token: tok}
		}, status: 401},
		{op: "delete-a-user", r: func() req {
			return req{method: "DELETE", path: fmt.Sprintf("/platform/api/v1/users/%d", userID), token: tok}
		}, status: 200, check: isEmptyHead},
		{op: "delete-an-account", r: func() req {
			return req{method: "DELETE", path: fmt.Sprintf("/platform/api/v1/accounts/%d", accID), token: tok}
		}, status: 200, check: isEmptyHead},
		{op: "get-details-of-an-account", name: "user token is not a platform token", r: func() req {
			return req{method: "GET", path: fmt.Sprintf("/platform/api/v1/accounts/%d", sd.AccountID), token: sd.AdminToken}
		}, status: 401, check: func(t *testing.T, r *result) { assert.JSONEq(t, `{"error":"Invalid access_token"}`, string(r.body)) }},
	})
}

func testPublicOps(t *testing.T) {
	c := newClient(t, Options{})
	sd := c.ts.Seed()
	inbox := "/public/api/v1/inboxes/" + sd.InboxIdentifier
	var source string
	var convID, msgID int
	runSteps(t, c, []step{
		{op: "get-details-of-a-inbox", r: func() req { return req{method: "GET", path: inbox} }, status: 200,
			check: func(t *testing.T, r *result) {
				assert.Equal(t, []string{"identifier", "identity_validation_enabled", "name", "timezone", "working_hours",
					"working_hours_enabled", "csat_survey_enabled", "greeting_enabled"}, r.keys())
				wh := r.obj()["working_hours"].([]any)
				require.Len(t, wh, 7)
				assert.Equal(t, true, field(wh[0], "closed_all_day"))
				assert.Equal(t, 9, num(field(wh[1], "open_hour")))
			}},
		{op: "get-details-of-a-inbox", name: "unknown identifier", r: func() req { return req{method: "GET", path: "/public/api/v1/inboxes/nope"} },
			status: 404, check: func(t *testing.T, r *result) { assert.JSONEq(t, `{"status":404,"error":"Not Found"}`, string(r.body)) }},
		{op: "create-a-contact", r: func() req {
			return req{method: "POST", path: inbox + "/contacts", body: map[string]any{"name": "Pat", "email": "Pat@Example.com", "phone_number": "+14155550123"}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, []string{"source_id", "pubsub_token", "id", "name", "email", "phone_number"}, r.keys())
			m := r.obj()
			source = m["source_id"].(string)
			assert.Len(t, source, 36)
			assert.Len(t, m["pubsub_token"], 24)
			assert.Equal(t, "pat@example.com", m["email"])
		}},
		{op: "create-a-contact", name: "dedupe by email", r: func() req {
			return req{method: "POST", path: inbox + "/contacts", body: map[string]any{"email": "pat@example.com", "source_id": "client-chosen"}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, "client-chosen", r.obj()["source_id"])
			assert.Equal(t, "Pat", r.obj()["name"], "the existing contact is reused")
		}},
		{op: "create-a-contact", name: "bad phone", r: func() req {
			return req{method: "POST", path: inbox + "/contacts", body: map[string]any{"phone_number": "12345"}}
		}, status: 422, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, `{"message":"Phone number should be in e164 format","attributes":["phone_number"]}`, string(r.body))
		}},
		{op: "get-details-of-a-contact", r: func() req { return req{method: "GET", path: inbox + "/contacts/" + source} }, status: 200},
		{op: "get-details-of-a-contact", name: "unknown source id", r: func() req { return req{method: "GET", path: inbox + "/contacts/missing"} }, status: 404},
		{op: "update-a-contact", r: func() req {
			return req{method: "PATCH", path: inbox + "/contacts/" + source, body: map[string]any{"name": "Pat Smith", "custom_attributes": map[string]any{"vip": true}}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, rawContactKeys, r.keys(), "the raw contact row, not the public view")
			m := r.obj()
			assert.Equal(t, "Pat Smith", m["name"])
			assert.Equal(t, "2024-03-01T12:00:00.000Z", m["created_at"])
		}},
		{op: "create-a-conversation", r: func() req {
			return req{method: "POST", path: inbox + "/contacts/" + source + "/conversations", body: map[string]any{"custom_attributes": map[string]any{"order": "42"}}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, publicConversationKeys, r.keys())
			m := r.obj()
			convID = num(m["id"])
			assert.Equal(t, 2, convID, "display ids continue the account's sequence")
			assert.Equal(t, "open", m["status"])
			assert.Equal(t, rawContactKeys, r.keys("contact"))
		}},
		{op: "list-all-contact-conversations", r: func() req { return req{method: "GET", path: inbox + "/contacts/" + source + "/conversations"} },
			status: 200, check: func(t *testing.T, r *result) { require.Len(t, r.arr(), 1) }},
		{op: "create-a-message", r: func() req {
			return req{method: "POST", path: fmt.Sprintf("%s/contacts/%s/conversations/%d/messages", inbox, source, convID), body: map[string]any{"content": "Where is my parcel?", "echo_id": "e-1"}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, publicMessageKeys, r.keys(), "echo_id is not echoed")
			m := r.obj()
			msgID = num(m["id"])
			assert.Equal(t, 0, num(m["message_type"]), "incoming, as an integer")
			assert.Equal(t, "contact", field(m, "sender", "type"))
		}},
		{op: "list-all-converation-messages", r: func() req {
			return req{method: "GET", path: fmt.Sprintf("%s/contacts/%s/conversations/%d/messages", inbox, source, convID)}
		}, status: 200, check: func(t *testing.T, r *result) { require.Len(t, r.arr(), 1) }},
		{op: "update-a-message", r: func() req {
			return req{method: "PATCH", path: fmt.Sprintf("%s/contacts/%s/conversations/%d/messages/%d", inbox, source, convID, msgID),
				body: map[string]any{"submitted_values": map[string]any{"csat_survey_response": map[string]any{"rating": 5, "feedback_message": "great"}}}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, 5, num(field(r.obj(), "content_attributes", "submitted_values", "csat_survey_response", "rating")))
		}},
		{op: "list-all-converation-messages", name: "unknown conversation", r: func() req {
			return req{method: "GET", path: fmt.Sprintf("%s/contacts/%s/conversations/999/messages", inbox, source)}
		}, status: 404},
		{op: "get-csat-survey-page", r: func() req { return req{method: "GET", path: "/survey/responses/any-uuid"} }, status: 200,
			check: func(t *testing.T, r *result) {
				assert.Equal(t, "text/html; charset=utf-8", r.header.Get("Content-Type"))
				assert.Contains(t, string(r.body), `<div id="app"></div>`)
			}},
	})
}

func testAgentOps(t *testing.T) {
	c := newClient(t, Options{AgentLimit: 3})
	sd := c.ts.Seed()
	admin := sd.AdminToken
	var botID, agentID int
	runSteps(t, c, []step{
		{op: "list-all-account-agent-bots", r: func() req { return req{method: "GET", path: acct(sd, "/agent_bots"), token: sd.AgentToken} },
			status: 200, check: func(t *testing.T, r *result) {
				a := r.arr()
				require.Len(t, a, 1)
				assert.Equal(t, []string{"id", "name", "description", "outgoing_url", "bot_type", "bot_config", "account_id", "access_token"}, r.keys("0"))
			}},
		{op: "create-an-account-agent-bot", name: "agent is refused", r: func() req {
			return req{method: "POST", path: acct(sd, "/agent_bots"), token: sd.AgentToken, body: map[string]any{"name": "x"}}
		}, status: 401, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, `{"error":"You are not authorized to do this action"}`, string(r.body))
		}},
		{op: "create-an-account-agent-bot", r: func() req {
			return req{method: "POST", path: acct(sd, "/agent_bots"), token: admin, body: map[string]any{"name": "Triage", "outgoing_url": "https://triage.test"}}
		}, status: 200, check: func(t *testing.T, r *result) {
			m := r.obj()
			botID = num(m["id"])
			assert.Equal(t, "https://triage.test", m["outgoing_url"])
			assert.Equal(t, "webhook", m["bot_type"])
		}},
		{op: "get-details-of-a-single-account-agent-bot", r: func() req {
			return req{method: "GET", path: acct(sd, fmt.Sprintf("/agent_bots/%d", botID)), token: admin}
		}, status: 200},
		{op: "update-an-account-agent-bot", r: func() req {
			return req{method: "PATCH", path: acct(sd, fmt.Sprintf("/agent_bots/%d", botID)), token: admin, body: map[string]any{"description": "routes tickets"}}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Equal(t, "routes tickets", r.obj()["description"]) }},
		{op: "delete-an-account-agent-bot", r: func() req {
			return req{method: "DELETE", path: acct(sd, fmt.Sprintf("/agent_bots/%d", botID)), token: admin}
		}, status: 200, check: isEmptyHead},
		{op: "get-details-of-a-single-account-agent-bot", name: "deleted", r: func() req {
			return req{method: "GET", path: acct(sd, fmt.Sprintf("/agent_bots/%d", botID)), token: admin}
		}, status: 404, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, `{"error":"Resource could not be found"}`, string(r.body))
		}},
		{op: "get-account-agents", r: func() req { return req{method: "GET", path: acct(sd, "/agents"), token: sd.AgentToken} },
			status: 200, check: func(t *testing.T, r *result) {
				a := r.arr()
				require.Len(t, a, 2)
				assert.Equal(t, "Alice Admin", field(a[0], "name"), "ordered by name")
				assert.Equal(t, agentKeys, r.keys("0"))
				assert.Equal(t, "offline", field(a[0], "availability_status"))
			}},
		{op: "add-new-agent-to-account", r: func() req {
			return req{method: "POST", path: acct(sd, "/agents"), token: admin, body: map[string]any{"name": "Eve", "email": "eve@acme.test", "role": "agent"}}
		}, status: 200, check: func(t *testing.T, r *result) {
			m := r.obj()
			agentID = num(m["id"])
			assert.Equal(t, false, m["confirmed"], "the invitation is pending")
		}},
		{op: "add-new-agent-to-account", name: "seat limit", r: func() req {
			return req{method: "POST", path: acct(sd, "/agents"), token: admin, body: map[string]any{"agent": map[string]any{"name": "Finn", "email": "finn@acme.test"}}}
		}, status: 402, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, `{"error":"Account limit exceeded. Please purchase more licenses"}`, string(r.body))
		}},
		{op: "update-agent-in-account", r: func() req {
			return req{method: "PATCH", path: acct(sd, fmt.Sprintf("/agents/%d", agentID)), token: admin, body: map[string]any{"role": "administrator", "availability": "busy", "auto_offline": false}}
		}, status: 200, check: func(t *testing.T, r *result) {
			m := r.obj()
			assert.Equal(t, "administrator", m["role"])
			assert.Equal(t, "busy", m["availability_status"])
		}},
		{op: "update-agent-in-account", name: "online is an availability the spec's enum lacks", r: func() req {
			return req{method: "PATCH", path: acct(sd, fmt.Sprintf("/agents/%d", agentID)), token: admin, body: map[string]any{"availability": "online"}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, "online", r.obj()["availability_status"])
		}},
		{op: "update-agent-in-account", name: "the spec's availability value 'available' is invalid", r: func() req {
			return req{method: "PATCH", path: acct(sd, fmt.Sprintf("/agents/%d", agentID)), token: admin, body: map[string]any{"availability": "available"}}
		}, status: 500},
		{op: "update-agent-in-account", name: "form-encoded flat body is missing the wrapper", r: func() req {
			return req{method: "PATCH", path: acct(sd, fmt.Sprintf("/agents/%d", agentID)), token: admin, body: "role=agent", ctype: "application/x-www-form-urlencoded"}
		}, status: 422, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, `{"error":"param is missing or the value is empty: agent"}`, string(r.body))
		}},
		{op: "delete-agent-from-account", r: func() req {
			return req{method: "DELETE", path: acct(sd, fmt.Sprintf("/agents/%d", agentID)), token: admin}
		}, status: 200, check: isEmptyHead},
		{op: "delete-agent-from-account", name: "unknown", r: func() req {
			return req{method: "DELETE", path: acct(sd, "/agents/999"), token: admin}
		}, status: 404},
	})
}
