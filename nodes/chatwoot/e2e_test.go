package chatwoot_test

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes/chatwoot"
	"github.com/noderun/noderun/nodes/chatwoot/chatwootsim"
	"github.com/noderun/noderun/runtime"
)

// e2eCase is one operation run end to end through the Engine against the
// simulator.
type e2eCase struct {
	// tok is the credential the operation's family needs.
	tok token
	// params prepares what the operation needs (through other operations
	// of the node) and returns its parameters, without resource and
	// operation, in n8n's stored form, and the input items.
	params func(f *env) (map[string]any, []node.Item)
	// check asserts the output's shape.
	check func(t *testing.T, f *env, items []node.Item)
	// fails is set for the operations the real server cannot serve as the
	// node sends them; it asserts the error instead of check.
	fails func(t *testing.T, f *env, err *runtime.NodeError)
}

// kv is shorthand for parameter maps.
type kv = map[string]any

// with returns parameters with account_id set to the demo account.
func (f *env) with(p kv) kv {
	out := kv{"account_id": f.acct()}
	for k, v := range p {
		out[k] = v
	}
	return out
}

// accountOnly is the params of an operation that needs only account_id.
func accountOnly(f *env) (map[string]any, []node.Item) { return f.with(nil), nil }

// listOf checks a bare array response: one item per element, each with an id.
func listOf(min int) func(t *testing.T, f *env, items []node.Item) {
	return func(t *testing.T, _ *env, items []node.Item) { hasIDs(t, items, min) }
}

// envelope checks that an object envelope stays one item whose key holds
// a list of objects with ids.
func envelope(key string, min int) func(t *testing.T, f *env, items []node.Item) {
	return func(t *testing.T, _ *env, items []node.Item) {
		m := obj(t, items)
		list, ok := m[key].([]any)
		require.True(t, ok, "want %q to be a list: %v", key, m)
		require.GreaterOrEqual(t, len(list), min)
		for i, x := range list {
			id, _ := path(x, "id").(float64)
			assert.Positive(t, id, "%s[%d] has no id", key, i)
		}
	}
}

// record checks one object with an id and the given field values.
func record(want kv) func(t *testing.T, f *env, items []node.Item) {
	return func(t *testing.T, _ *env, items []node.Item) {
		m := obj(t, items)
		assert.Positive(t, m["id"], "no id: %v", m)
		for k, v := range want {
			assert.Equal(t, v, m[k], "field %s", k)
		}
	}
}

func empty(t *testing.T, _ *env, items []node.Item) { emptyBody(t, items) }

// created runs a create operation and returns its output object.
func (f *env) created(k token, resource, operation string, p kv) map[string]any {
	f.t.Helper()
	return obj(f.t, f.run(k, op(resource, operation, p)))
}

func (f *env) newPlatformAccount() float64 {
	return f.created(tokPlatform, "Accounts", "Create An Account", kv{"name": "Initech"})["id"].(float64)
}

func (f *env) newPlatformBot() float64 {
	return f.created(tokPlatform, "Agent Bots", "Create An Agent Bot", kv{"name": "Triage", "outgoing_url": "https://bots.acme.test/triage"})["id"].(float64)
}

func (f *env) newPlatformUser() float64 {
	return f.created(tokPlatform, "Users", "Create A User", kv{"name": "Carol New", "email": "carol@acme.test", "password": "Password1!"})["id"].(float64)
}

func (f *env) newAccountBot() float64 {
	return f.created(tokAdmin, "Account Agent Bots", "Create An Account Agent Bot", f.with(kv{"name": "Helper"}))["id"].(float64)
}

func (f *env) newCanned() float64 {
	return f.created(tokAdmin, "Canned Responses", "Add New Canned Response To Account",
		f.with(kv{"short_code": "thanks", "content": "Thank you for reaching out!"}))["id"].(float64)
}

func (f *env) newCustomAttribute() float64 {
	return f.created(tokAdmin, "Custom Attributes", "Add New Custom Attribute To Account", f.with(kv{
		"attribute_display_name": "Plan", "attribute_display_type": 6.0, "attribute_key": "plan",
		"attribute_values": `["free", "pro"]`, "attribute_model": 0.0,
	}))["id"].(float64)
}

func (f *env) newContact() float64 {
	m := f.created(tokAdmin, "Contacts", "Contact Create", f.with(kv{"inbox_id": float64(f.sd.InboxID), "name": "Zed Zimmer", "email": "zed@zedcorp.test"}))
	return path(m, "payload", "contact", "id").(float64)
}

var automationConditions = `[{"attribute_key": "content", "filter_operator": "contains", "values": ["invoice"], "query_operator": null}]`
var automationActions = `[{"action_name": "add_label", "action_params": ["billing"]}]`

func (f *env) newAutomationRule() float64 {
	return f.created(tokAdmin, "Automation Rule", "Add New Automation Rule To Account", f.with(kv{
		"name": "Tag billing", "description": "label billing questions", "event_name": "message_created", "active": true,
		"conditions": automationConditions, "actions": automationActions,
	}))["id"].(float64)
}

func (f *env) newPortal() string {
	return f.created(tokAdmin, "Help Center", "Add New Portal To Account", f.with(kv{
		"name": "Help", "slug": "help", "color": "#1f93ff", "config": `{"allowed_locales": ["en", "de"]}`,
	}))["slug"].(string)
}

func (f *env) newHook() float64 {
	return f.created(tokAdmin, "Integrations", "Create An Integration Hook", f.with(kv{
		"app_id": "dialogflow", "inbox_id": fmt.Sprint(f.sd.InboxID), "settings": `{"project_id": "acme-bot", "credentials": {"type": "service_account"}}`,
	}))["id"].(float64)
}

func (f *env) newTeam() float64 {
	return f.created(tokAdmin, "Teams", "Create A Team", f.with(kv{"name": "Billing Squad", "allow_auto_assign": false}))["id"].(float64)
}

func (f *env) newCustomFilter() float64 {
	return f.created(tokAdmin, "Custom Filters", "Create A Custom Filter", f.with(kv{
		"name": "Open ones", "type": "conversation",
		"query": `{"payload": [{"attribute_key": "status", "filter_operator": "equal_to", "values": ["open"], "query_operator": null}]}`,
	}))["id"].(float64)
}

func (f *env) newWebhook() float64 {
	m := f.created(tokAdmin, "Webhooks", "Create A Webhook", f.with(kv{"url": "https://hooks.acme.test/cw", "subscriptions": `["message_created"]`}))
	return path(m, "payload", "webhook", "id").(float64)
}

// newPublicContact creates a contact in the API inbox through the public
// API and returns its source_id.
func (f *env) newPublicContact() string {
	m := f.created(tokNone, "Contacts API", "Create A Contact", kv{"inbox_identifier": f.sd.InboxIdentifier, "name": "Quinn", "email": "quinn@example.com"})
	return m["source_id"].(string)
}

// e2eCases is the table: every operation of the node, keyed "Resource →
// Operation".
func e2eCases() map[string]e2eCase {
	return map[string]e2eCase{
		// --- Platform API: platform app token ---
		"Accounts → Create An Account": {tok: tokPlatform,
			params: func(f *env) (map[string]any, []node.Item) {
				return kv{"name": "={{ $json.company }}"}, []node.Item{item(kv{"company": "Initech"})}
			},
			check: record(kv{"name": "Initech", "status": "active"})},
		"Accounts → Get Details Of An Account": {tok: tokPlatform, params: accountOnly,
			check: func(t *testing.T, f *env, items []node.Item) {
				record(kv{"id": f.acct(), "name": f.sd.AccountName})(t, f, items)
			}},
		"Accounts → Delete An Account": {tok: tokPlatform,
			params: func(f *env) (map[string]any, []node.Item) { return kv{"account_id": f.newPlatformAccount()}, nil },
			check:  empty},
		"Accounts → Update An Account": {tok: tokPlatform,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"name": "={{ $json.name.trim() }}"}), []node.Item{item(kv{"name": "  Acme Corp "})}
			},
			check: record(kv{"name": "Acme Corp"})},
		"Account Users → List All Account Users": {tok: tokPlatform, params: accountOnly,
			check: func(t *testing.T, f *env, items []node.Item) {
				rows := hasIDs(t, items, 2)
				var users []int
				for _, r := range rows {
					users = append(users, num(t, r["user_id"]))
				}
				assert.ElementsMatch(t, []int{f.sd.AdminID, f.sd.AgentID}, users)
			}},
		"Account Users → Create An Account User": {tok: tokPlatform,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"user_id": f.newPlatformUser(), "role": "agent"}), nil
			},
			check: record(kv{"role": "agent"})},
		"Account Users → Delete An Account User": {tok: tokPlatform,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"user_id": float64(f.sd.AgentID)}), nil },
			check:  empty},
		"Agent Bots → List All Agent Bots": {tok: tokPlatform,
			params: func(f *env) (map[string]any, []node.Item) { return kv{}, nil },
			check:  listOf(1)},
		"Agent Bots → Create An Agent Bot": {tok: tokPlatform,
			params: func(f *env) (map[string]any, []node.Item) {
				return kv{"name": "Triage", "description": "Sorts new conversations", "outgoing_url": "https://bots.acme.test/triage"}, nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				m := obj(t, items)
				assert.Equal(t, "Triage", m["name"])
				assert.NotEmpty(t, m["access_token"], "the platform bot view shows its token")
			}},
		"Agent Bots → Get Details Of A Single Agent Bot": {tok: tokPlatform,
			params: func(f *env) (map[string]any, []node.Item) { return kv{"id": float64(f.sd.BotID)}, nil },
			check:  record(kv{"name": "Acme Bot"})},
		"Agent Bots → Delete An Agent Bot": {tok: tokPlatform,
			params: func(f *env) (map[string]any, []node.Item) { return kv{"id": f.newPlatformBot()}, nil },
			check:  empty},
		"Agent Bots → Update An Agent Bot": {tok: tokPlatform,
			params: func(f *env) (map[string]any, []node.Item) {
				return kv{"id": float64(f.sd.BotID), "description": "Answers first, hands over second"}, nil
			},
			check: record(kv{"description": "Answers first, hands over second"})},
		"Users → Create A User": {tok: tokPlatform,
			params: func(f *env) (map[string]any, []node.Item) {
				return kv{"name": "={{ $json.first }} {{ $json.last }}", "email": "={{ $json.email }}", "password": "Password1!",
						"custom_attributes": `{"plan": "pro"}`},
					[]node.Item{item(kv{"first": "Carol", "last": "New", "email": "carol@acme.test"})}
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				m := obj(t, items)
				assert.Equal(t, "Carol New", m["name"])
				assert.Equal(t, "carol@acme.test", m["email"])
				assert.Equal(t, kv{"plan": "pro"}, m["custom_attributes"])
			}},
		"Users → Get Details Of A User": {tok: tokPlatform,
			params: func(f *env) (map[string]any, []node.Item) { return kv{"id": float64(f.sd.AdminID)}, nil },
			check: func(t *testing.T, f *env, items []node.Item) {
				record(kv{"id": float64(f.sd.AdminID), "email": f.sd.AdminEmail})(t, f, items)
			}},
		"Users → Delete A User": {tok: tokPlatform,
			params: func(f *env) (map[string]any, []node.Item) { return kv{"id": f.newPlatformUser()}, nil },
			check:  empty},
		"Users → Update A User": {tok: tokPlatform,
			params: func(f *env) (map[string]any, []node.Item) {
				return kv{"id": float64(f.sd.AgentID), "name": "Robert Agent", "custom_attributes": `{"shift": "night"}`}, nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				m := obj(t, items)
				assert.Equal(t, "Robert Agent", m["name"])
				assert.Equal(t, "night", path(m, "custom_attributes", "shift"))
			}},
		"Users → Get Sso Url Of A User": {tok: tokPlatform,
			params: func(f *env) (map[string]any, []node.Item) { return kv{"id": float64(f.sd.AgentID)}, nil },
			check: func(t *testing.T, f *env, items []node.Item) {
				u, _ := obj(t, items)["url"].(string)
				assert.Contains(t, u, "sso_auth_token=")
			}},

		// --- Public client API: no token ---
		"Inbox API → Get Details Of A Inbox": {tok: tokNone,
			params: func(f *env) (map[string]any, []node.Item) { return kv{"inbox_identifier": f.sd.InboxIdentifier}, nil },
			check: func(t *testing.T, f *env, items []node.Item) {
				m := obj(t, items)
				assert.Equal(t, f.sd.InboxIdentifier, m["identifier"])
				assert.Len(t, m["working_hours"], 7)
			}},
		"Contacts API → Create A Contact": {tok: tokNone,
			params: func(f *env) (map[string]any, []node.Item) {
				return kv{"inbox_identifier": f.sd.InboxIdentifier, "name": "={{ $json.name }}", "email": "={{ $json.email }}",
						"custom_attributes": `{"signup": "web"}`},
					[]node.Item{item(kv{"name": "Quinn", "email": "quinn@example.com"})}
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				m := record(kv{"name": "Quinn", "email": "quinn@example.com"})
				m(t, f, items)
				assert.NotEmpty(t, items[0].JSON.(map[string]any)["source_id"])
				assert.NotEmpty(t, items[0].JSON.(map[string]any)["pubsub_token"])
			}},
		"Contacts API → Get Details Of A Contact": {tok: tokNone,
			params: func(f *env) (map[string]any, []node.Item) {
				return kv{"inbox_identifier": f.sd.InboxIdentifier, "contact_identifier": f.sd.ContactSourceID}, nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				record(kv{"source_id": f.sd.ContactSourceID, "name": "Jane Doe"})(t, f, items)
			}},
		"Contacts API → Update A Contact": {tok: tokNone,
			params: func(f *env) (map[string]any, []node.Item) {
				return kv{"inbox_identifier": f.sd.InboxIdentifier, "contact_identifier": f.sd.ContactSourceID,
					"phone_number": "+15555550199", "custom_attributes": `{"tier": "gold"}`}, nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				// The raw Contact row: no source_id, ISO timestamps.
				m := obj(t, items)
				assert.Equal(t, float64(f.sd.ContactID), m["id"])
				assert.Equal(t, "+15555550199", m["phone_number"])
				assert.Equal(t, "gold", path(m, "custom_attributes", "tier"))
				assert.NotContains(t, m, "source_id")
			}},
		"Conversations API → List All Contact Conversations": {tok: tokNone,
			params: func(f *env) (map[string]any, []node.Item) {
				return kv{"inbox_identifier": f.sd.InboxIdentifier, "contact_identifier": f.sd.ContactSourceID}, nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				ms := hasIDs(t, items, 1)
				assert.Equal(t, float64(f.sd.ConversationID), ms[0]["id"])
			}},
		"Conversations API → Create A Conversation": {tok: tokNone,
			params: func(f *env) (map[string]any, []node.Item) {
				return kv{"inbox_identifier": f.sd.InboxIdentifier, "contact_identifier": "={{ $json.source_id }}",
					"custom_attributes": `{"order": "1042"}`}, []node.Item{item(kv{"source_id": f.sd.ContactSourceID})}
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				m := record(kv{"status": "open"})
				m(t, f, items)
				assert.Equal(t, []any{}, items[0].JSON.(map[string]any)["messages"])
			}},
		"Messages API → List All Converation Messages": {tok: tokNone,
			params: func(f *env) (map[string]any, []node.Item) {
				return kv{"inbox_identifier": f.sd.InboxIdentifier, "contact_identifier": f.sd.ContactSourceID,
					"conversation_id": float64(f.sd.ConversationID)}, nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				ms := hasIDs(t, items, 1)
				assert.Equal(t, "Hello, my order #1042 has not arrived.", ms[0]["content"])
			}},
		"Messages API → Create A Message": {tok: tokNone,
			params: func(f *env) (map[string]any, []node.Item) {
				return kv{"inbox_identifier": f.sd.InboxIdentifier, "contact_identifier": f.sd.ContactSourceID,
						"conversation_id": "={{ $json.conversation }}", "content": "={{ $json.text }}", "echo_id": "web-1"},
					[]node.Item{item(kv{"conversation": f.sd.ConversationID, "text": "Any news?"})}
			},
			check: record(kv{"content": "Any news?", "message_type": 0.0})},
		"Messages API → Update A Message": {tok: tokNone,
			params: func(f *env) (map[string]any, []node.Item) {
				return kv{"inbox_identifier": f.sd.InboxIdentifier, "contact_identifier": f.sd.ContactSourceID,
					"conversation_id": float64(f.sd.ConversationID), "message_id": float64(f.sd.MessageID),
					"submitted_values": `{"name": "email", "value": "jane@example.com"}`}, nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				m := record(kv{"id": float64(f.sd.MessageID)})
				m(t, f, items)
				assert.Equal(t, "jane@example.com", path(items[0].JSON, "content_attributes", "submitted_values", "value"))
			}},
		"CSAT Survey Page → Get Csat Survey Page": {tok: tokNone,
			params: func(f *env) (map[string]any, []node.Item) {
				conv := obj(f.t, f.run(tokAdmin, op("Conversations", "Get Details Of A Conversation", f.with(kv{"conversation_id": float64(f.sd.ConversationID)}))))
				// The parameter is typed number in the spec; the real value is the conversation's UUID.
				return kv{"conversation_uuid": "={{ $json.uuid }}"}, []node.Item{item(kv{"uuid": conv["uuid"]})}
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				require.Len(t, items, 1)
				page, ok := items[0].JSON.(string)
				require.True(t, ok, "the survey page is HTML text, got %T", items[0].JSON)
				assert.Contains(t, page, "<div id=\"app\"></div>")
			}},

		// --- Account API: user token ---
		"Account Agent Bots → List All Account Agent Bots": {tok: tokAdmin, params: accountOnly, check: listOf(1)},
		"Account Agent Bots → Create An Account Agent Bot": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"name": "Helper", "description": "FAQ answers", "outgoing_url": "https://bots.acme.test/faq"}), nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				record(kv{"name": "Helper", "outgoing_url": "https://bots.acme.test/faq", "account_id": f.acct()})(t, f, items)
			}},
		"Account Agent Bots → Get Details Of A Single Account Agent Bot": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"id": float64(f.sd.BotID)}), nil },
			check:  record(kv{"name": "Acme Bot"})},
		"Account Agent Bots → Delete An Account Agent Bot": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"id": f.newAccountBot()}), nil },
			check:  empty},
		"Account Agent Bots → Update An Account Agent Bot": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"id": float64(f.sd.BotID), "name": "Acme Bot 2"}), nil
			},
			check: record(kv{"name": "Acme Bot 2"})},
		"Agents → Get Account Agents": {tok: tokAgent, params: accountOnly,
			check: func(t *testing.T, f *env, items []node.Item) {
				ms := hasIDs(t, items, 2)
				var roles []any
				for _, m := range ms {
					roles = append(roles, m["role"])
				}
				assert.ElementsMatch(t, []any{"administrator", "agent"}, roles)
			}},
		"Agents → Add New Agent To Account": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"name": "Dana Desk", "email": "dana@acme.test", "role": "agent", "availability_status": "busy", "auto_offline": false}), nil
			},
			check: record(kv{"name": "Dana Desk", "email": "dana@acme.test", "role": "agent"})},
		"Agents → Delete Agent From Account": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"id": float64(f.sd.AgentID)}), nil },
			check:  empty},
		"Agents → Update Agent In Account": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"id": float64(f.sd.AgentID), "role": "administrator", "availability": "busy"}), nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				record(kv{"role": "administrator"})(t, f, items)
				// availability_status stays offline while auto_offline is on.
				assert.Equal(t, kv{"role": "administrator", "availability": "busy"}, f.wire.last(t).bodyJSON(t))
			}},
		"Canned Responses → Get Account Canned Response": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) { f.newCanned(); return f.with(nil), nil },
			check:  listOf(1)},
		"Canned Responses → Add New Canned Response To Account": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"short_code": "={{ $json.code }}", "content": "Thank you for reaching out!"}), []node.Item{item(kv{"code": "thanks"})}
			},
			check: record(kv{"short_code": "thanks", "content": "Thank you for reaching out!"})},
		"Canned Responses → Delete Canned Response From Account": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"id": f.newCanned()}), nil },
			check:  empty},
		"Canned Response → Update Canned Response In Account": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"id": f.newCanned(), "content": "Many thanks!"}), nil
			},
			check: record(kv{"content": "Many thanks!", "short_code": "thanks"})},
		"Custom Attributes → Get Account Custom Attribute": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				f.newCustomAttribute()
				return f.with(kv{"attribute_model": "0"}), nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				ms := hasIDs(t, items, 1)
				assert.Equal(t, "conversation_attribute", ms[0]["attribute_model"])
			}},
		"Custom Attributes → Add New Custom Attribute To Account": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"attribute_display_name": "Plan", "attribute_display_type": 6.0, "attribute_description": "billing plan",
					"attribute_key": "plan", "attribute_values": `["free", "pro"]`, "attribute_model": 1.0}), nil
			},
			check: record(kv{"attribute_key": "plan", "attribute_display_type": "list", "attribute_model": "contact_attribute",
				"attribute_values": []any{"free", "pro"}})},
		"Custom Attributes → Get Details Of A Single Custom Attribute": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"id": f.newCustomAttribute()}), nil },
			check:  record(kv{"attribute_key": "plan"})},
		"Custom Attributes → Delete Custom Attribute From Account": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"id": f.newCustomAttribute()}), nil },
			check:  empty},
		"Custom Attributes → Update Custom Attribute In Account": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"id": f.newCustomAttribute(), "attribute_description": "the customer's plan"}), nil
			},
			check: record(kv{"attribute_description": "the customer's plan"})},
		"Contacts → Contact List": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"sort": "-name", "page": 1.0}), nil },
			check: func(t *testing.T, f *env, items []node.Item) {
				envelope("payload", 1)(t, f, items)
				assert.Equal(t, 1.0, path(items[0].JSON, "meta", "count"))
			}},
		"Contacts → Contact Create": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"inbox_id": float64(f.sd.InboxID), "name": "Zed Zimmer", "email": "zed@zedcorp.test",
					"phone_number": "+15555550123", "identifier": "zed-1", "custom_attributes": `{"plan": "pro"}`}), nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				m := obj(t, items)
				assert.Equal(t, "Zed Zimmer", path(m, "payload", "contact", "name"))
				assert.Positive(t, path(m, "payload", "contact", "id"))
				assert.NotEmpty(t, path(m, "payload", "contact_inbox", "source_id"))
			}},
		"Contacts → Contact Details": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"id": float64(f.sd.ContactID)}), nil },
			check: func(t *testing.T, f *env, items []node.Item) {
				assert.Equal(t, "Jane Doe", path(obj(t, items), "payload", "name"))
			}},
		"Contacts → Contact Update": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"id": "={{ $json.contact.id }}", "name": "Jane Q. Doe", "custom_attributes": `{"plan": "pro"}`}),
					[]node.Item{item(kv{"contact": kv{"id": f.sd.ContactID}})}
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				m := obj(t, items)
				assert.Equal(t, "Jane Q. Doe", path(m, "payload", "name"))
				assert.Equal(t, "pro", path(m, "payload", "custom_attributes", "plan"))
			}},
		"Contacts → Contact Delete": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"id": f.newContact()}), nil },
			check:  empty},
		"Contacts → Contact Conversations": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"id": float64(f.sd.ContactID)}), nil },
			check:  envelope("payload", 1)},
		"Contacts → Contact Search": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"q": "jane", "sort": "name", "page": 1.0}), nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				envelope("payload", 1)(t, f, items)
				assert.Equal(t, "Jane Doe", path(obj(t, items)["payload"].([]any)[0], "name"))
			}},
		"Contacts → Contact Filter": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"page": 1.0, "payload": `[{"attribute_key": "email", "filter_operator": "contains", "values": ["example.com"], "query_operator": null}]`}), nil
			},
			check: envelope("payload", 1)},
		"Contact → Contact Inbox Creation": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"id": float64(f.sd.ContactID), "inbox_id": float64(f.sd.BotInboxID), "source_id": "jane-bot-desk"}), nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				m := obj(t, items)
				assert.Equal(t, "jane-bot-desk", m["source_id"])
				assert.Equal(t, float64(f.sd.BotInboxID), path(m, "inbox", "id"))
			}},
		"Contact → Contactable Inboxes Get": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"id": float64(f.sd.ContactID)}), nil },
			check: func(t *testing.T, f *env, items []node.Item) {
				list, _ := obj(t, items)["payload"].([]any)
				require.NotEmpty(t, list)
				assert.NotEmpty(t, path(list[0], "source_id"))
				assert.Positive(t, path(list[0], "inbox", "id"))
			}},
		"Automation Rule → Get Account Automation Rule": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) { f.newAutomationRule(); return f.with(kv{"page": 1.0}), nil },
			check:  envelope("payload", 1)},
		"Automation Rule → Add New Automation Rule To Account": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"name": "Tag billing", "description": "label billing questions", "event_name": "message_created",
					"active": true, "conditions": automationConditions, "actions": automationActions}), nil
			},
			check: record(kv{"name": "Tag billing", "event_name": "message_created", "active": true})},
		"Automation Rule → Get Details Of A Single Automation Rule": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"id": f.newAutomationRule()}), nil },
			check: func(t *testing.T, f *env, items []node.Item) {
				assert.Equal(t, "Tag billing", path(obj(t, items), "payload", "name"))
			}},
		"Automation Rule → Delete Automation Rule From Account": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"id": f.newAutomationRule()}), nil },
			check:  empty},
		"Automation Rule → Update Automation Rule In Account": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"id": f.newAutomationRule(), "name": "Tag billing questions", "active": false}), nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				m := obj(t, items)
				assert.Equal(t, "Tag billing questions", path(m, "payload", "name"))
				assert.Equal(t, false, path(m, "payload", "active"))
			}},
		"Help Center → Get Portal": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) { f.newPortal(); return f.with(nil), nil },
			check: func(t *testing.T, f *env, items []node.Item) {
				envelope("payload", 1)(t, f, items)
				assert.Equal(t, 1.0, path(items[0].JSON, "meta", "portals_count"))
			}},
		"Help Center → Add New Portal To Account": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"name": "Help", "slug": "help", "color": "#1f93ff", "header_text": "How can we help?",
					"page_title": "Acme Help", "archived": false, "config": `{"allowed_locales": ["en", "de"]}`}), nil
			},
			check: record(kv{"slug": "help", "header_text": "How can we help?"})},
		"Help Center → Update New Portal To Account": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) { f.newPortal(); return f.with(kv{"name": "Help desk"}), nil },
			// Chatwoot routes portal updates as PATCH /portals/{slug}: the
			// spec's PATCH /portals has no route (chatwoot-api.md §2 #63).
			fails: func(t *testing.T, f *env, err *runtime.NodeError) {
				assert.Equal(t, "404", err.HTTPCode)
				assert.Contains(t, err.Description, "Chatwoot found no such record")
			}},
		"Help Center → Add New Category To Account": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				// {portal_id} is the portal slug: an expression gives the
				// number-typed parameter a string.
				return f.with(kv{"portal_id": "={{ $json.portal }}", "name": "Billing", "slug": "billing", "locale": "en", "position": 1.0}),
					[]node.Item{item(kv{"portal": f.newPortal()})}
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				assert.Equal(t, "billing", path(obj(t, items), "payload", "slug"))
			}},
		"Help Center → Add New Article To Account": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"portal_id": "={{ $json.portal }}", "title": "Refund policy", "content": "Refunds within 30 days.",
						"author_id": float64(f.sd.AdminID), "meta": `{"tags": ["refunds"]}`}),
					[]node.Item{item(kv{"portal": f.newPortal()})}
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				m := obj(t, items)
				assert.Equal(t, "Refund policy", path(m, "payload", "title"))
				assert.Equal(t, "draft", path(m, "payload", "status"))
			}},
		"Conversations → Conversation List Meta": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"status": "open"}), nil },
			check: func(t *testing.T, f *env, items []node.Item) {
				assert.Equal(t, 1.0, path(obj(t, items), "meta", "all_count"))
			}},
		"Conversations → Conversation List": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"assignee_type": "all", "status": "open", "inbox_id": float64(f.sd.InboxID), "page": 1.0}), nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				m := obj(t, items)
				list, _ := path(m, "data", "payload").([]any)
				require.Len(t, list, 1)
				assert.Equal(t, float64(f.sd.ConversationID), path(list[0], "id"))
			}},
		"Conversations → New Conversation": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"source_id": f.sd.ContactSourceID, "inbox_id": fmt.Sprint(f.sd.InboxID),
					"additional_attributes": `{"browser": "Firefox"}`, "custom_attributes": `{"order": "1042"}`, "status": "pending",
					"message": `{"content": "We are on it."}`}), nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				m := record(kv{"status": "pending", "inbox_id": float64(f.sd.InboxID)})
				m(t, f, items)
				assert.Equal(t, "1042", path(items[0].JSON, "custom_attributes", "order"))
			}},
		"Conversations → Conversation Filter": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"page": 1.0, "payload": `[{"attribute_key": "status", "filter_operator": "equal_to", "values": ["open"], "query_operator": null}]`}), nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				envelope("payload", 1)(t, f, items)
				assert.Equal(t, 1.0, path(items[0].JSON, "meta", "all_count"))
			}},
		"Conversations → Get Details Of A Conversation": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"conversation_id": float64(f.sd.ConversationID)}), nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				record(kv{"id": float64(f.sd.ConversationID), "status": "open"})(t, f, items)
			}},
		"Conversations → Toggle Status Of A Conversation": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"conversation_id": float64(f.sd.ConversationID), "status": "resolved"}), nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				m := obj(t, items)
				assert.Equal(t, "resolved", path(m, "payload", "current_status"))
				assert.Equal(t, float64(f.sd.ConversationID), path(m, "payload", "conversation_id"))
			}},
		"Conversations → Toggle Priority Of A Conversation": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"conversation_id": float64(f.sd.ConversationID), "priority": "high"}), nil
			},
			check: empty},
		"Conversation Assignment → Assign A Conversation": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"conversation_id": float64(f.sd.ConversationID), "assignee_id": float64(f.sd.AgentID)}), nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				record(kv{"id": float64(f.sd.AgentID), "name": f.sd.AgentName})(t, f, items)
			}},
		"Conversation Labels → List All Labels Of A Conversation": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) {
				f.run(tokAgent, op("Conversation Labels", "Conversation Add Labels", f.with(kv{"conversation_id": float64(f.sd.ConversationID), "labels": `["billing"]`})))
				return f.with(kv{"conversation_id": float64(f.sd.ConversationID)}), nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				assert.Equal(t, []any{"billing"}, obj(t, items)["payload"])
			}},
		"Conversation Labels → Conversation Add Labels": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"conversation_id": float64(f.sd.ConversationID), "labels": `["billing", "vip"]`}), nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				assert.ElementsMatch(t, []any{"billing", "vip"}, obj(t, items)["payload"])
			}},
		"Inboxes → List All Inboxes": {tok: tokAdmin, params: accountOnly, check: envelope("payload", 2)},
		"Inboxes → Get Inbox": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"id": float64(f.sd.InboxID)}), nil },
			check: func(t *testing.T, f *env, items []node.Item) {
				record(kv{"inbox_identifier": f.sd.InboxIdentifier, "channel_type": "Channel::Api"})(t, f, items)
			}},
		"Inboxes → Inbox Creation": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"name": "Partner API", "channel": `{"type": "api", "webhook_url": "https://partner.acme.test/cw"}`}), nil
			},
			check: record(kv{"name": "Partner API", "channel_type": "Channel::Api"})},
		"Inboxes → Update Inbox": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"id": float64(f.sd.InboxID), "name": "Acme API (EU)", "enable_auto_assignment": false}), nil
			},
			check: record(kv{"name": "Acme API (EU)", "enable_auto_assignment": false})},
		"Inboxes → Get Inbox Agent Bot": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"id": float64(f.sd.BotInboxID)}), nil },
			check: func(t *testing.T, f *env, items []node.Item) {
				assert.Equal(t, float64(f.sd.BotID), path(obj(t, items), "agent_bot", "id"))
			}},
		"Inboxes → Update Agent Bot": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"id": float64(f.sd.InboxID), "agent_bot": float64(f.sd.BotID)}), nil
			},
			check: empty},
		"Inboxes → Get Inbox Members": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"inbox_id": float64(f.sd.InboxID)}), nil },
			check:  envelope("payload", 1)},
		"Inboxes → Add New Agent To Inbox": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"inbox_id": fmt.Sprint(f.sd.BotInboxID), "user_ids": fmt.Sprintf("[%d]", f.sd.AgentID)}), nil
			},
			check: envelope("payload", 1)},
		"Inboxes → Delete Agent In Inbox": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"inbox_id": fmt.Sprint(f.sd.InboxID), "user_ids": fmt.Sprintf("[%d]", f.sd.AgentID)}), nil
			},
			check: empty},
		"Inboxes → Update Agents In Inbox": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"inbox_id": fmt.Sprint(f.sd.InboxID), "user_ids": fmt.Sprintf("[%d, %d]", f.sd.AgentID, f.sd.AdminID)}), nil
			},
			check: envelope("payload", 2)},
		"Messages → List All Messages": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"conversation_id": float64(f.sd.ConversationID)}), nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				envelope("payload", 1)(t, f, items)
				assert.Equal(t, "Jane Doe", path(items[0].JSON, "meta", "contact", "name"))
			}},
		"Messages → Create A New Message In A Conversation": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"conversation_id": "={{ $json.conversation_id }}", "content": "={{ 'Hi ' + $json.name + ', we are on it.' }}",
						"message_type": "outgoing", "private": false, "content_attributes": `{}`}),
					[]node.Item{item(kv{"conversation_id": f.sd.ConversationID, "name": "Jane"})}
			},
			check: record(kv{"content": "Hi Jane, we are on it.", "message_type": 1.0, "private": false})},
		"Messages → Delete A Message": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"conversation_id": float64(f.sd.ConversationID), "message_id": float64(f.sd.MessageID)}), nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				m := record(kv{"id": float64(f.sd.MessageID), "content": "This message was deleted"})
				m(t, f, items)
				assert.Equal(t, true, path(items[0].JSON, "content_attributes", "deleted"))
			}},
		"Integrations → Get Details Of All Integrations": {tok: tokAgent,
			params: accountOnly,
			check: func(t *testing.T, f *env, items []node.Item) {
				list, _ := obj(t, items)["payload"].([]any)
				require.NotEmpty(t, list)
				for _, app := range list {
					assert.NotEmpty(t, path(app, "id"), "integration apps have string ids")
				}
			}},
		"Integrations → Create An Integration Hook": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"app_id": "dialogflow", "inbox_id": fmt.Sprint(f.sd.InboxID),
					"settings": `{"project_id": "acme-bot", "credentials": {"type": "service_account"}}`}), nil
			},
			check: record(kv{"app_id": "dialogflow", "hook_type": "inbox", "status": true})},
		"Integrations → Delete An Integration Hook": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"hook_id": f.newHook()}), nil },
			check:  empty},
		"Integrations → Update An Integrations Hook": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"hook_id": f.newHook(), "settings": `{"project_id": "acme-bot-2", "credentials": {"type": "service_account"}}`}), nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				assert.Equal(t, "acme-bot-2", path(obj(t, items), "settings", "project_id"))
			}},
		"Profile → Fetch Profile": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) { return kv{}, nil },
			check: func(t *testing.T, f *env, items []node.Item) {
				record(kv{"id": float64(f.sd.AgentID), "email": f.sd.AgentEmail})(t, f, items)
			}},
		"Teams → List All Teams": {tok: tokAgent, params: accountOnly,
			check: func(t *testing.T, f *env, items []node.Item) {
				ms := hasIDs(t, items, 1)
				assert.Equal(t, "support", ms[0]["name"])
			}},
		"Teams → Create A Team": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"name": "Billing Squad", "description": "Invoices and refunds", "allow_auto_assign": true}), nil
			},
			check: record(kv{"name": "billing squad", "allow_auto_assign": true})},
		"Teams → Get Details Of A Single Team": {tok: tokAgent,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"team_id": float64(f.sd.TeamID)}), nil },
			check:  record(kv{"name": "support", "is_member": true})},
		"Teams → Delete A Team": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"team_id": f.newTeam()}), nil },
			check:  empty},
		"Teams → Update A Team": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"team_id": float64(f.sd.TeamID), "description": "First and second line"}), nil
			},
			check: record(kv{"description": "First and second line"})},
		"Teams → Get Team Members": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"team_id": float64(f.sd.TeamID)}), nil },
			check: func(t *testing.T, f *env, items []node.Item) {
				ms := hasIDs(t, items, 1)
				assert.Equal(t, float64(f.sd.AgentID), ms[0]["id"])
			}},
		"Teams → Add New Agent To Team": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"team_id": f.newTeam(), "user_ids": fmt.Sprintf("[%d]", f.sd.AgentID)}), nil
			},
			check: listOf(1)},
		"Teams → Delete Agent In Team": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"team_id": float64(f.sd.TeamID), "user_ids": fmt.Sprintf("[%d]", f.sd.AgentID)}), nil
			},
			check: empty},
		"Teams → Update Agents In Team": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"team_id": float64(f.sd.TeamID), "user_ids": fmt.Sprintf("[%d, %d]", f.sd.AgentID, f.sd.AdminID)}), nil
			},
			check: listOf(2)},
		"Custom Filters → List All Filters": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				f.newCustomFilter()
				return f.with(kv{"filter_type": "conversation"}), nil
			},
			check: listOf(1)},
		"Custom Filters → Create A Custom Filter": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"name": "Open ones", "type": "conversation",
					"query": `{"payload": [{"attribute_key": "status", "filter_operator": "equal_to", "values": ["open"], "query_operator": null}]}`}), nil
			},
			check: record(kv{"name": "Open ones", "filter_type": "conversation"})},
		"Custom Filters → Get Details Of A Single Custom Filter": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"custom_filter_id": f.newCustomFilter()}), nil
			},
			check: record(kv{"name": "Open ones", "count": 1.0})},
		"Custom Filters → Delete A Custom Filter": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"custom_filter_id": f.newCustomFilter()}), nil
			},
			check: empty},
		"Custom Filters → Update A Custom Filter": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"custom_filter_id": f.newCustomFilter(), "name": "Still open"}), nil
			},
			check: record(kv{"name": "Still open"})},
		"Webhooks → List All Webhooks": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) { f.newWebhook(); return f.with(nil), nil },
			check: func(t *testing.T, f *env, items []node.Item) {
				hooks, _ := path(obj(t, items), "payload", "webhooks").([]any)
				require.Len(t, hooks, 1)
				assert.Equal(t, "https://hooks.acme.test/cw", path(hooks[0], "url"))
			}},
		"Webhooks → Create A Webhook": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"url": "https://hooks.acme.test/cw", "subscriptions": `["message_created", "conversation_created"]`}), nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				m := obj(t, items)
				assert.Positive(t, path(m, "payload", "webhook", "id"))
				assert.Equal(t, []any{"message_created", "conversation_created"}, path(m, "payload", "webhook", "subscriptions"))
			}},
		"Webhooks → Delete A Webhook": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"webhook_id": f.newWebhook()}), nil },
			check:  empty},
		"Webhooks → Update A Webhook": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"webhook_id": f.newWebhook(), "subscriptions": `["conversation_status_changed"]`}), nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				assert.Equal(t, []any{"conversation_status_changed"}, path(obj(t, items), "payload", "webhook", "subscriptions"))
			}},
		"Reports → List All Conversation Statistics": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"metric": "conversations_count", "type": "account",
					"since": fmt.Sprint(fixedNow.AddDate(0, 0, -1).Unix()), "until": fmt.Sprint(fixedNow.AddDate(0, 0, 1).Unix())}), nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				points := objs(t, items, 1)
				total := 0
				for _, p := range points {
					assert.Contains(t, p, "timestamp")
					total += num(t, p["value"])
				}
				assert.Equal(t, 1, total, "the seeded conversation")
			}},
		"Reports → List All Conversation Statistics Summary": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"type": "account"}), nil },
			check: func(t *testing.T, f *env, items []node.Item) {
				m := obj(t, items)
				assert.Equal(t, 1.0, m["conversations_count"])
				assert.Contains(t, m, "previous")
			}},
		"Reports → Get Account Conversation Metrics": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) { return f.with(kv{"type": "account"}), nil },
			check: func(t *testing.T, f *env, items []node.Item) {
				assert.Equal(t, kv{"open": 1.0, "unattended": 1.0, "unassigned": 1.0}, obj(t, items))
			}},
		"Reports → Get Agent Conversation Metrics": {tok: tokAdmin,
			params: func(f *env) (map[string]any, []node.Item) {
				return f.with(kv{"type": "agent", "user_id": fmt.Sprint(f.sd.AgentID)}), nil
			},
			check: func(t *testing.T, f *env, items []node.Item) {
				ms := hasIDs(t, items, 2)
				for _, m := range ms {
					assert.Contains(t, m, "metric")
				}
			}},
	}
}

func opKey(o node.Operation) string { return o.Resource + " → " + o.Name }

// TestE2ECoversEveryOperation keeps the table and the description in step.
func TestE2ECoversEveryOperation(t *testing.T) {
	d, err := chatwoot.Description()
	require.NoError(t, err)
	ops := d.Operations()
	require.Len(t, ops, 115)
	cases := e2eCases()
	var missing []string
	want := map[string]bool{}
	for _, o := range ops {
		want[opKey(o)] = true
		if _, ok := cases[opKey(o)]; !ok {
			missing = append(missing, opKey(o))
		}
	}
	var stale []string
	for k := range cases {
		if !want[k] {
			stale = append(stale, k)
		}
	}
	sort.Strings(stale)
	assert.Empty(t, missing, "operations without an end-to-end case")
	assert.Empty(t, stale, "cases for operations the description does not have")
	assert.Len(t, cases, 115)
}

// TestE2E runs every operation through the Engine against the simulator,
// with the token its family needs, and checks the output's shape. The
// contract checker validates every request and response (skipped without
// the shared spec).
func TestE2E(t *testing.T) {
	if specChecker() == nil {
		t.Logf("%v", checkerErr)
	}
	d, err := chatwoot.Description()
	require.NoError(t, err)
	cases := e2eCases()
	for _, o := range d.Operations() {
		tc, ok := cases[opKey(o)]
		if !ok {
			continue // TestE2ECoversEveryOperation reports it
		}
		o := o
		t.Run(opKey(o), func(t *testing.T) {
			t.Parallel()
			f := newEnv(t, chatwootsim.Options{Now: func() time.Time { return fixedNow }})
			params, items := tc.params(f)
			params = op(o.Resource, o.Name, params)
			before := len(f.wire.exchanges())
			res, err := f.execute(tc.tok, params, items...)
			require.NoError(t, err)
			sent := f.wire.exchanges()[before:]
			require.NotEmpty(t, sent, "the operation sent no request")
			x := sent[len(sent)-1]
			assert.Equal(t, o.Method, x.Method)
			assertToken(t, f, tc.tok, x)
			if tc.fails != nil {
				require.NotNil(t, res.Err, "the real server cannot serve this operation as sent, yet it succeeded: %v", res.Items)
				tc.fails(t, f, res.Err)
				return
			}
			require.Nil(t, res.Err, "request %s %s?%s %s", x.Method, x.Path, x.RawQuery, x.Body)
			assert.Contains(t, []int{http.StatusOK, http.StatusNoContent}, x.Status)
			for i, it := range res.Items {
				assert.Nil(t, it.Error, "item %d is an error item", i)
				require.NotNil(t, it.PairedItem)
				assert.Equal(t, 0, it.PairedItem.Item)
			}
			tc.check(t, f, res.Items)
		})
	}
}

// assertToken checks the credential header on the wire: the hyphenated
// name nginx lets through, with the token of the kind the family needs.
func assertToken(t *testing.T, f *env, k token, x exchange) {
	t.Helper()
	var names []string
	for name := range x.Header {
		if strings.EqualFold(strings.ReplaceAll(name, "_", "-"), "api-access-token") {
			names = append(names, name)
		}
	}
	require.Equal(t, []string{"Api-Access-Token"}, names, "one credential header, spelled as the credential type writes it")
	assert.Equal(t, f.token(k), x.Header.Get("Api-Access-Token"), "token kind %s", k)
}

// TestContractSpec says, as a skip, when the contract assertions of the
// end-to-end tests are off for want of the shared OpenAPI document.
func TestContractSpec(t *testing.T) {
	ck := specChecker()
	if ck == nil {
		t.Skip(checkerErr)
	}
	assert.Len(t, ck.Operations(), 115, "the document the node was generated from")
}
