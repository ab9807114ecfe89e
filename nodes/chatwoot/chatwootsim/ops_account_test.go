package chatwootsim

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testCannedAndAttrOps(t *testing.T) {
	c := newClient(t, Options{})
	sd := c.ts.Seed()
	tok := sd.AgentToken // no role check on these controllers
	var cannedID, attrID int
	runSteps(t, c, []step{
		{op: "add-new-canned-response-to-account", r: func() req {
			return req{method: "POST", path: acct(sd, "/canned_responses"), token: tok, body: map[string]any{"short_code": "thanks", "content": "Thank you!"}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, []string{"id", "account_id", "short_code", "content", "created_at", "updated_at"}, r.keys())
			cannedID = num(r.obj()["id"])
		}},
		{op: "add-new-canned-response-to-account", name: "nested under the wrapper key", r: func() req {
			return req{method: "POST", path: acct(sd, "/canned_responses"), token: tok, body: map[string]any{"canned_response": map[string]any{"short_code": "bye", "content": "Goodbye"}}}
		}, status: 200},
		{op: "add-new-canned-response-to-account", name: "duplicate short code", r: func() req {
			return req{method: "POST", path: acct(sd, "/canned_responses"), token: tok, body: map[string]any{"short_code": "thanks", "content": "again"}}
		}, status: 422, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, `{"message":"Short code has already been taken","attributes":["short_code"]}`, string(r.body))
		}},
		{op: "get-account-canned-response", r: func() req { return req{method: "GET", path: acct(sd, "/canned_responses?search=bye"), token: tok} },
			status: 200, check: func(t *testing.T, r *result) {
				a := r.arr()
				require.Len(t, a, 1)
				assert.Equal(t, "bye", field(a[0], "short_code"))
			}},
		{op: "update-canned-response-in-account", r: func() req {
			return req{method: "PATCH", path: acct(sd, fmt.Sprintf("/canned_responses/%d", cannedID)), token: tok, body: map[string]any{"content": "Many thanks!"}}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Equal(t, "Many thanks!", r.obj()["content"]) }},
		{op: "delete-canned-response-from-account", r: func() req {
			return req{method: "DELETE", path: acct(sd, fmt.Sprintf("/canned_responses/%d", cannedID)), token: tok}
		}, status: 200, check: isEmptyHead},
		{op: "add-new-custom-attribute-to-account", r: func() req {
			return req{method: "POST", path: acct(sd, "/custom_attribute_definitions"), token: tok, body: map[string]any{
				"attribute_display_name": "Plan", "attribute_display_type": 6, "attribute_key": "plan",
				"attribute_values": []string{"free", "pro"}, "attribute_model": 1}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, []string{"id", "attribute_display_name", "attribute_display_type", "attribute_description", "attribute_key",
				"attribute_values", "attribute_model", "default_value", "created_at", "updated_at"}, r.keys())
			m := r.obj()
			attrID = num(m["id"])
			assert.Equal(t, "list", m["attribute_display_type"])
			assert.Equal(t, "contact_attribute", m["attribute_model"])
			assert.Equal(t, []any{"free", "pro"}, m["attribute_values"])
		}},
		{op: "get-account-custom-attribute", r: func() req {
			return req{method: "GET", path: acct(sd, "/custom_attribute_definitions?attribute_model=1"), token: tok}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Len(t, r.arr(), 1) }},
		{op: "get-account-custom-attribute", name: "other model", r: func() req {
			return req{method: "GET", path: acct(sd, "/custom_attribute_definitions?attribute_model=0"), token: tok}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Empty(t, r.arr()) }},
		{op: "get-details-of-a-single-custom-attribute", r: func() req {
			return req{method: "GET", path: acct(sd, fmt.Sprintf("/custom_attribute_definitions/%d", attrID)), token: tok}
		}, status: 200},
		{op: "update-custom-attribute-in-account", r: func() req {
			return req{method: "PATCH", path: acct(sd, fmt.Sprintf("/custom_attribute_definitions/%d", attrID)), token: tok, body: map[string]any{"attribute_description": "billing plan"}}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Equal(t, "billing plan", r.obj()["attribute_description"]) }},
		{op: "delete-custom-attribute-from-account", r: func() req {
			return req{method: "DELETE", path: acct(sd, fmt.Sprintf("/custom_attribute_definitions/%d", attrID)), token: tok}
		}, status: 204, check: isNoContent},
		{op: "get-details-of-a-single-custom-attribute", name: "deleted", r: func() req {
			return req{method: "GET", path: acct(sd, fmt.Sprintf("/custom_attribute_definitions/%d", attrID)), token: tok}
		}, status: 404},
	})
}

func testContactOps(t *testing.T) {
	c := newClient(t, Options{})
	sd := c.ts.Seed()
	tok := sd.AdminToken
	var contactID int
	runSteps(t, c, []step{
		{op: "contactCreate", r: func() req {
			return req{method: "POST", path: acct(sd, "/contacts"), token: tok, body: map[string]any{
				"inbox_id": sd.InboxID, "name": "Zed", "email": "ZED@example.com", "phone_number": "+4915112345678",
				"custom_attributes": map[string]any{"tier": "gold"}, "additional_attributes": map[string]any{"city": "Berlin", "company_name": "Zedcorp"}}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, []string{"payload"}, r.keys())
			assert.Equal(t, []string{"contact", "contact_inbox"}, r.keys("payload"))
			assert.Equal(t, withoutKey(contactKeys, "last_activity_at"), r.keys("payload", "contact"), "last_activity_at is omitted while null")
			assert.Equal(t, []string{"inbox", "source_id"}, r.keys("payload", "contact_inbox"))
			inboxRow := r.keys("payload", "contact_inbox", "inbox")
			assert.Len(t, inboxRow, 22, "the raw inbox row has 22 columns")
			m := r.obj()
			contactID = num(field(m, "payload", "contact", "id"))
			assert.Equal(t, "zed@example.com", field(m, "payload", "contact", "email"))
		}},
		{op: "contactCreate", name: "without inbox", r: func() req {
			return req{method: "POST", path: acct(sd, "/contacts"), token: tok, body: map[string]any{"name": "Ghost"}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, `{"inbox":null,"source_id":null}`, string(r.raw("payload", "contact_inbox")))
		}},
		{op: "contactCreate", name: "duplicate email", r: func() req {
			return req{method: "POST", path: acct(sd, "/contacts"), token: tok, body: map[string]any{"email": "zed@EXAMPLE.com"}}
		}, status: 422, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, `{"message":"Email has already been taken","attributes":["email"]}`, string(r.body))
		}},
		{op: "contactList", r: func() req { return req{method: "GET", path: acct(sd, "/contacts?sort=-name"), token: tok} },
			status: 200, check: func(t *testing.T, r *result) {
				m := r.obj()
				assert.Equal(t, 2, num(field(m, "meta", "count")), "the contact without e-mail/phone/identifier is hidden")
				assert.Equal(t, 1, num(field(m, "meta", "current_page")))
				assert.Equal(t, "Zed", field(m["payload"].([]any)[0], "name"))
			}},
		{op: "contactList", name: "page echoes the raw param", r: func() req { return req{method: "GET", path: acct(sd, "/contacts?page=2"), token: tok} },
			status: 200, check: func(t *testing.T, r *result) {
				m := r.obj()
				assert.Equal(t, "2", field(m, "meta", "current_page"))
				assert.Empty(t, m["payload"])
			}},
		{op: "contactSearch", r: func() req {
			return req{method: "GET", path: acct(sd, "/contacts/search?q=zedcorp&include_contact_inboxes=false"), token: tok}
		},
			status: 200, check: func(t *testing.T, r *result) {
				m := r.obj()
				require.Len(t, m["payload"], 1)
				assert.NotContains(t, r.keys("payload", "0"), "contact_inboxes")
			}},
		{op: "contactSearch", name: "missing q is not a 422", r: func() req { return req{method: "GET", path: acct(sd, "/contacts/search"), token: tok} },
			status: 200, check: func(t *testing.T, r *result) {
				assert.JSONEq(t, `{"meta":{"count":null,"current_page":1},"payload":[]}`, string(r.body))
			}},
		{op: "contactFilter", r: func() req {
			return req{method: "POST", path: acct(sd, "/contacts/filter?page=1"), token: tok, body: map[string]any{"payload": []any{
				map[string]any{"attribute_key": "city", "filter_operator": "equal_to", "values": []any{"berlin"}, "query_operator": "OR"},
				map[string]any{"attribute_key": "name", "filter_operator": "contains", "values": []any{"jane"}, "query_operator": nil},
			}}}
		}, status: 200, check: func(t *testing.T, r *result) {
			m := r.obj()
			assert.Equal(t, 2, num(field(m, "meta", "count")))
			assert.Equal(t, "1", field(m, "meta", "current_page"))
		}},
		{op: "contactFilter", name: "dangling query operator", r: func() req {
			return req{method: "POST", path: acct(sd, "/contacts/filter"), token: tok, body: map[string]any{"payload": []any{
				map[string]any{"attribute_key": "name", "filter_operator": "equal_to", "values": []any{"zed"}, "query_operator": "AND"}}}}
		}, status: 500},
		{op: "contactDetails", r: func() req {
			return req{method: "GET", path: acct(sd, fmt.Sprintf("/contacts/%d", contactID)), token: tok}
		},
			status: 200, check: func(t *testing.T, r *result) {
				assert.Equal(t, withoutKey(contactKeys, "last_activity_at"), r.keys("payload"))
			}},
		{op: "contactUpdate", r: func() req {
			return req{method: "PUT", path: acct(sd, fmt.Sprintf("/contacts/%d", contactID)), token: tok, body: map[string]any{"name": "Zed Z", "custom_attributes": map[string]any{"plan": "pro"}}}
		}, status: 200, check: func(t *testing.T, r *result) {
			m := r.obj()
			assert.Equal(t, "Zed Z", field(m, "payload", "name"))
			assert.Equal(t, map[string]any{"tier": "gold", "plan": "pro"}, field(m, "payload", "custom_attributes"))
		}},
		{op: "contactUpdate", name: "PATCH is routed too", r: func() req {
			return req{method: "PATCH", path: acct(sd, fmt.Sprintf("/contacts/%d", contactID)), token: tok, body: map[string]any{"phone_number": "bad"}}
		}, status: 422},
		{op: "contactInboxCreation", r: func() req {
			return req{method: "POST", path: acct(sd, fmt.Sprintf("/contacts/%d/contact_inboxes", contactID)), token: tok, body: map[string]any{"inbox_id": sd.BotInboxID, "source_id": "zed-bot"}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, []string{"source_id", "inbox"}, r.keys())
			assert.Equal(t, "zed-bot", r.obj()["source_id"])
		}},
		{op: "contactableInboxesGet", r: func() req {
			return req{method: "GET", path: acct(sd, fmt.Sprintf("/contacts/%d/contactable_inboxes", contactID)), token: tok}
		}, status: 200, check: func(t *testing.T, r *result) {
			p := r.obj()["payload"].([]any)
			require.Len(t, p, 2)
			assert.Equal(t, []string{"inbox", "source_id"}, r.keys("payload", "0"))
			assert.Equal(t, "zed-bot", field(p[1], "source_id"))
		}},
		{op: "contactConversations", r: func() req {
			return req{method: "GET", path: acct(sd, fmt.Sprintf("/contacts/%d/conversations", sd.ContactID)), token: tok}
		}, status: 200, check: func(t *testing.T, r *result) {
			p := r.obj()["payload"].([]any)
			require.Len(t, p, 1)
			assert.Equal(t, conversationKeys, r.keys("payload", "0"))
		}},
		{op: "contactDelete", name: "agents may not", r: func() req {
			return req{method: "DELETE", path: acct(sd, fmt.Sprintf("/contacts/%d", contactID)), token: sd.AgentToken}
		}, status: 401},
		{op: "contactDelete", r: func() req {
			return req{method: "DELETE", path: acct(sd, fmt.Sprintf("/contacts/%d", contactID)), token: tok}
		}, status: 200, check: isEmptyHead},
		{op: "contactDetails", name: "deleted", r: func() req {
			return req{method: "GET", path: acct(sd, fmt.Sprintf("/contacts/%d", contactID)), token: tok}
		},
			status: 404, check: func(t *testing.T, r *result) {
				assert.JSONEq(t, `{"error":"Resource could not be found"}`, string(r.body))
			}},
	})
}

func testAutomationAndHelpCenterOps(t *testing.T) {
	c := newClient(t, Options{})
	sd := c.ts.Seed()
	tok := sd.AdminToken
	var ruleID int
	rule := map[string]any{
		"name": "Tag billing", "description": "label billing questions", "event_name": "message_created", "active": true,
		"conditions": []any{map[string]any{"attribute_key": "content", "filter_operator": "contains", "values": []any{"invoice"}, "query_operator": nil}},
		"actions":    []any{map[string]any{"action_name": "add_label", "action_params": []any{"billing"}}},
	}
	runSteps(t, c, []step{
		{op: "add-new-automation-rule-to-account", r: func() req {
			return req{method: "POST", path: acct(sd, "/automation_rules"), token: tok, body: rule}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, []string{"id", "account_id", "name", "description", "event_name", "conditions", "actions", "created_on", "active"}, r.keys())
			ruleID = num(r.obj()["id"])
			assert.Equal(t, int(fixedNow.Unix()), num(r.obj()["created_on"]))
		}},
		{op: "add-new-automation-rule-to-account", name: "unsupported action", r: func() req {
			bad := map[string]any{"name": "x", "event_name": "message_created", "conditions": []any{},
				"actions": []any{map[string]any{"action_name": "launch_rocket"}}}
			return req{method: "POST", path: acct(sd, "/automation_rules"), token: tok, body: bad}
		}, status: 422, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, `{"error":{"actions":["Automation actions launch_rocket not supported."]}}`, string(r.body))
		}},
		{op: "get-account-automation-rule", r: func() req { return req{method: "GET", path: acct(sd, "/automation_rules?page=3"), token: tok} },
			status: 200, check: func(t *testing.T, r *result) { assert.Len(t, r.obj()["payload"], 1, "page is ignored") }},
		{op: "get-account-automation-rule", name: "agents may not", r: func() req { return req{method: "GET", path: acct(sd, "/automation_rules"), token: sd.AgentToken} },
			status: 401},
		{op: "get-details-of-a-single-automation-rule", r: func() req {
			return req{method: "GET", path: acct(sd, fmt.Sprintf("/automation_rules/%d", ruleID)), token: tok}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Equal(t, "Tag billing", field(r.obj(), "payload", "name")) }},
		{op: "get-details-of-a-single-automation-rule", name: "unknown id is a 500", r: func() req {
			return req{method: "GET", path: acct(sd, "/automation_rules/999"), token: tok}
		}, status: 500},
		{op: "update-automation-rule-in-account", r: func() req {
			return req{method: "PATCH", path: acct(sd, fmt.Sprintf("/automation_rules/%d", ruleID)), token: tok, body: map[string]any{"active": false}}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Equal(t, false, field(r.obj(), "payload", "active")) }},
		{op: "delete-automation-rule-from-account", r: func() req {
			return req{method: "DELETE", path: acct(sd, fmt.Sprintf("/automation_rules/%d", ruleID)), token: tok}
		}, status: 200, check: isEmptyHead},
		{op: "delete-automation-rule-from-account", name: "unknown id is a 500", r: func() req {
			return req{method: "DELETE", path: acct(sd, fmt.Sprintf("/automation_rules/%d", ruleID)), token: tok}
		}, status: 500},
		{op: "add-new-portal-to-account", r: func() req {
			return req{method: "POST", path: acct(sd, "/portals"), token: tok, body: map[string]any{"name": "Help", "slug": "help", "color": "#000",
				"custom_domain": "https://help.acme.test/", "config": map[string]any{"allowed_locales": []any{"en", "de"}}}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, []string{"id", "color", "custom_domain", "header_text", "homepage_link", "name", "page_title", "slug", "archived",
				"account_id", "config", "meta"}, r.keys())
			m := r.obj()
			assert.Equal(t, "help.acme.test", m["custom_domain"])
			assert.Equal(t, []string{"all_articles_count", "archived_articles_count", "published_count", "draft_articles_count", "categories_count", "default_locale"}, r.keys("meta"))
			assert.Len(t, field(m, "config", "allowed_locales"), 2)
		}},
		{op: "add-new-portal-to-account", name: "duplicate slug", r: func() req {
			return req{method: "POST", path: acct(sd, "/portals"), token: tok, body: map[string]any{"portal": map[string]any{"name": "Help 2", "slug": "help"}}}
		}, status: 422, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, `{"message":"Slug has already been taken","attributes":["slug"]}`, string(r.body))
		}},
		{op: "get-portal", r: func() req { return req{method: "GET", path: acct(sd, "/portals"), token: sd.AgentToken} },
			status: 200, check: func(t *testing.T, r *result) {
				assert.Equal(t, []string{"payload", "meta"}, r.keys())
				assert.Equal(t, 1, num(field(r.obj(), "meta", "portals_count")))
			}},
		{op: "update-new-portal-to-account", name: "PATCH /portals without a slug is not routed", r: func() req {
			return req{method: "PATCH", path: acct(sd, "/portals"), token: tok, body: map[string]any{"name": "x"}, header: map[string][]string{"Accept": {"application/json"}}}
		}, status: 404, check: func(t *testing.T, r *result) { assert.JSONEq(t, `{"status":404,"error":"Not Found"}`, string(r.body)) }},
		{name: "real portal update route", r: func() req {
			return req{method: "PATCH", path: acct(sd, "/portals/help"), token: tok, body: map[string]any{"header_text": "How can we help?"}}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Equal(t, "How can we help?", r.obj()["header_text"]) }},
		{op: "add-new-category-to-account", r: func() req {
			return req{method: "POST", path: acct(sd, "/portals/help/categories"), token: tok, body: map[string]any{"name": "Billing", "slug": "billing", "locale": "de", "position": 1}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, []string{"id", "name", "slug", "locale", "description", "position", "account_id", "icon", "meta"}, r.keys("payload"))
		}},
		{op: "add-new-category-to-account", name: "a body portal_id (the slug) is ignored", r: func() req {
			return req{method: "POST", path: acct(sd, "/portals/help/categories"), token: tok, body: map[string]any{"name": "Shipping", "slug": "shipping", "locale": "en", "portal_id": "help"}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, "shipping", field(r.obj(), "payload", "slug"))
		}},
		{op: "add-new-category-to-account", name: "locale not allowed", r: func() req {
			return req{method: "POST", path: acct(sd, "/portals/help/categories"), token: tok, body: map[string]any{"name": "X", "slug": "x", "locale": "fr"}}
		}, status: 422, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, `{"message":"Locale fr of category is not part of portal's [\"en\", \"de\"].","attributes":["locale"]}`, string(r.body))
		}},
		{op: "add-new-category-to-account", name: "unknown portal slug is a 500", r: func() req {
			return req{method: "POST", path: acct(sd, "/portals/nope/categories"), token: tok, body: map[string]any{"name": "X", "slug": "x"}}
		}, status: 500},
		{op: "add-new-article-to-account", r: func() req {
			return req{method: "POST", path: acct(sd, "/portals/help/articles"), token: tok, body: map[string]any{
				"title": "Refund policy", "content": "Refunds within 30 days.", "author_id": sd.AdminID, "category_id": 1, "status": 1}}
		}, status: 200, check: func(t *testing.T, r *result) {
			m := r.obj()
			assert.Equal(t, "draft", field(m, "payload", "status"), "status is forced to draft")
			assert.Equal(t, fmt.Sprintf("%d-refund-policy", fixedNow.Unix()), field(m, "payload", "slug"))
			assert.Equal(t, 10, num(field(m, "payload", "position")))
			assert.Equal(t, "billing", field(m, "payload", "category", "slug"))
		}},
		{op: "add-new-article-to-account", name: "missing author", r: func() req {
			return req{method: "POST", path: acct(sd, "/portals/help/articles"), token: tok, body: map[string]any{"title": "T", "content": "C"}}
		}, status: 422, check: func(t *testing.T, r *result) {
			assert.Equal(t, []any{"author", "author_id"}, r.obj()["attributes"])
		}},
	})
}

func testTeamOps(t *testing.T) {
	c := newClient(t, Options{})
	sd := c.ts.Seed()
	tok := sd.AdminToken
	var teamID int
	runSteps(t, c, []step{
		{op: "list-all-teams", r: func() req { return req{method: "GET", path: acct(sd, "/teams"), token: sd.AgentToken} }, status: 200,
			check: func(t *testing.T, r *result) {
				assert.Equal(t, teamKeys, r.keys("0"))
				assert.Equal(t, true, field(r.arr()[0], "is_member"))
			}},
		{op: "create-a-team", r: func() req {
			return req{method: "POST", path: acct(sd, "/teams"), token: tok, body: map[string]any{"name": "Billing Squad", "allow_auto_assign": false}}
		}, status: 200, check: func(t *testing.T, r *result) {
			teamID = num(r.obj()["id"])
			assert.Equal(t, "billing squad", r.obj()["name"], "names are down-cased")
		}},
		{op: "create-a-team", name: "duplicate", r: func() req {
			return req{method: "POST", path: acct(sd, "/teams"), token: tok, body: map[string]any{"team": map[string]any{"name": "BILLING squad"}}}
		}, status: 422, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, `{"message":"Name has already been taken","attributes":["name"]}`, string(r.body))
		}},
		{op: "get-details-of-a-single-team", r: func() req { return req{method: "GET", path: acct(sd, fmt.Sprintf("/teams/%d", teamID)), token: tok} }, status: 200},
		{op: "update-a-team", r: func() req {
			return req{method: "PATCH", path: acct(sd, fmt.Sprintf("/teams/%d", teamID)), token: tok, body: map[string]any{"description": "invoices"}}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Equal(t, "invoices", r.obj()["description"]) }},
		{op: "add-new-agent-to-team", r: func() req {
			return req{method: "POST", path: acct(sd, fmt.Sprintf("/teams/%d/team_members", teamID)), token: tok, body: map[string]any{"user_ids": []int{sd.AgentID}}}
		}, status: 200, check: func(t *testing.T, r *result) { require.Len(t, r.arr(), 1) }},
		{op: "add-new-agent-to-team", name: "only new members are returned", r: func() req {
			return req{method: "POST", path: acct(sd, fmt.Sprintf("/teams/%d/team_members", teamID)), token: tok, body: map[string]any{"user_ids": []int{sd.AgentID, sd.AdminID}}}
		}, status: 200, check: func(t *testing.T, r *result) {
			a := r.arr()
			require.Len(t, a, 1)
			assert.Equal(t, sd.AdminID, num(field(a[0], "id")))
		}},
		{op: "add-new-agent-to-team", name: "users outside the account", r: func() req {
			return req{method: "POST", path: acct(sd, fmt.Sprintf("/teams/%d/team_members", teamID)), token: tok, body: map[string]any{"user_ids": []int{sd.OtherAdminID}}}
		}, status: 401, check: func(t *testing.T, r *result) { assert.JSONEq(t, `{"error":"Invalid User IDs"}`, string(r.body)) }},
		{op: "get-team-members", r: func() req {
			return req{method: "GET", path: acct(sd, fmt.Sprintf("/teams/%d/team_members", teamID)), token: tok}
		},
			status: 200, check: func(t *testing.T, r *result) { assert.Len(t, r.arr(), 2) }},
		{op: "update-agents-in-team", r: func() req {
			return req{method: "PATCH", path: acct(sd, fmt.Sprintf("/teams/%d/team_members", teamID)), token: tok, body: map[string]any{"user_ids": []int{sd.AdminID}}}
		}, status: 200, check: func(t *testing.T, r *result) {
			a := r.arr()
			require.Len(t, a, 1)
			assert.Equal(t, sd.AdminID, num(field(a[0], "id")))
		}},
		{op: "delete-agent-in-team", r: func() req {
			return req{method: "DELETE", path: acct(sd, fmt.Sprintf("/teams/%d/team_members", teamID)), token: tok, body: map[string]any{"user_ids": []int{sd.AdminID}}}
		}, status: 200, check: isEmptyHead},
		{op: "delete-a-team", name: "agents may not", r: func() req {
			return req{method: "DELETE", path: acct(sd, fmt.Sprintf("/teams/%d", teamID)), token: sd.AgentToken}
		}, status: 401},
		{op: "delete-a-team", r: func() req { return req{method: "DELETE", path: acct(sd, fmt.Sprintf("/teams/%d", teamID)), token: tok} }, status: 200, check: isEmptyHead},
	})
}

func testFilterAndWebhookOps(t *testing.T) {
	c := newClient(t, Options{})
	sd := c.ts.Seed()
	tok := sd.AdminToken
	var filterID, hookID int
	query := map[string]any{"payload": []any{map[string]any{"attribute_key": "status", "filter_operator": "equal_to", "values": []any{"open"}, "query_operator": nil}}}
	runSteps(t, c, []step{
		{op: "create-a-custom-filter", r: func() req {
			return req{method: "POST", path: acct(sd, "/custom_filters"), token: sd.AgentToken, body: map[string]any{"name": "Open", "type": "conversation", "query": query}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, []string{"id", "name", "filter_type", "query", "created_at", "updated_at", "count"}, r.keys())
			m := r.obj()
			filterID = num(m["id"])
			assert.Equal(t, "conversation", m["filter_type"])
			assert.Equal(t, 0, num(m["count"]), "the count job has not run yet")
		}},
		{op: "list-all-filters", r: func() req { return req{method: "GET", path: acct(sd, "/custom_filters"), token: sd.AgentToken} },
			status: 200, check: func(t *testing.T, r *result) {
				a := r.arr()
				require.Len(t, a, 1)
				assert.Equal(t, 1, num(field(a[0], "count")))
			}},
		{op: "list-all-filters", name: "only the caller's filters", r: func() req { return req{method: "GET", path: acct(sd, "/custom_filters"), token: tok} },
			status: 200, check: func(t *testing.T, r *result) { assert.Empty(t, r.arr()) }},
		{op: "get-details-of-a-single-custom-filter", r: func() req {
			return req{method: "GET", path: acct(sd, fmt.Sprintf("/custom_filters/%d", filterID)), token: sd.AgentToken}
		}, status: 200},
		{op: "update-a-custom-filter", r: func() req {
			return req{method: "PATCH", path: acct(sd, fmt.Sprintf("/custom_filters/%d", filterID)), token: sd.AgentToken, body: map[string]any{"name": "Open ones"}}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Equal(t, "Open ones", r.obj()["name"]) }},
		{op: "delete-a-custom-filter", r: func() req {
			return req{method: "DELETE", path: acct(sd, fmt.Sprintf("/custom_filters/%d", filterID)), token: sd.AgentToken}
		}, status: 204, check: isNoContent},
		{op: "create-a-webhook", r: func() req {
			return req{method: "POST", path: acct(sd, "/webhooks"), token: tok, body: map[string]any{"url": "https://hooks.acme.test/cw", "subscriptions": []string{"message_created", "conversation_created"}}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, []string{"id", "url", "account_id", "subscriptions"}, r.keys("payload", "webhook"))
			hookID = num(field(r.obj(), "payload", "webhook", "id"))
		}},
		{op: "create-a-webhook", name: "invalid event", r: func() req {
			return req{method: "POST", path: acct(sd, "/webhooks"), token: tok, body: map[string]any{"url": "https://x.test", "subscriptions": []string{"nope"}}}
		}, status: 422, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, `{"message":"Subscriptions Invalid events","attributes":["subscriptions"]}`, string(r.body))
		}},
		{op: "list-all-webhooks", r: func() req { return req{method: "GET", path: acct(sd, "/webhooks"), token: tok} },
			status: 200, check: func(t *testing.T, r *result) { assert.Len(t, field(r.obj(), "payload", "webhooks"), 1) }},
		{op: "list-all-webhooks", name: "agents may not", r: func() req { return req{method: "GET", path: acct(sd, "/webhooks"), token: sd.AgentToken} }, status: 401},
		{op: "update-a-webhook", r: func() req {
			return req{method: "PATCH", path: acct(sd, fmt.Sprintf("/webhooks/%d", hookID)), token: tok, body: map[string]any{"inbox_id": sd.InboxID}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, []string{"id", "url", "account_id", "subscriptions", "inbox"}, r.keys("payload", "webhook"))
		}},
		{op: "delete-a-webhook", r: func() req {
			return req{method: "DELETE", path: acct(sd, fmt.Sprintf("/webhooks/%d", hookID)), token: tok}
		}, status: 200, check: isEmptyHead},
	})
}

func testIntegrationOps(t *testing.T) {
	c := newClient(t, Options{})
	sd := c.ts.Seed()
	tok := sd.AdminToken
	var hookID int
	runSteps(t, c, []step{
		{op: "get-details-of-all-integrations", r: func() req { return req{method: "GET", path: acct(sd, "/integrations/apps"), token: sd.AgentToken} },
			status: 200, check: func(t *testing.T, r *result) {
				assert.Equal(t, []string{"id", "name", "description", "enabled", "hooks"}, r.keys("payload", "0"))
			}},
		{op: "get-details-of-all-integrations", name: "administrators see the app params", r: func() req {
			return req{method: "GET", path: acct(sd, "/integrations/apps"), token: tok}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, []string{"id", "name", "description", "enabled", "logo", "i18n_key", "action", "hook_type", "allow_multiple_hooks", "button", "hooks"}, r.keys("payload", "0"))
		}},
		{op: "create-an-integration-hook", r: func() req {
			return req{method: "POST", path: acct(sd, "/integrations/hooks"), token: tok, body: map[string]any{"app_id": "dialogflow", "inbox_id": sd.InboxID,
				"settings": map[string]any{"project_id": "p1", "credentials": map[string]any{"k": "v"}}}}
		}, status: 200, check: func(t *testing.T, r *result) {
			assert.Equal(t, []string{"id", "app_id", "status", "inbox", "account_id", "hook_type", "settings", "reference_id"}, r.keys())
			m := r.obj()
			hookID = num(m["id"])
			assert.Equal(t, "inbox", m["hook_type"])
			assert.Equal(t, true, m["status"])
		}},
		{op: "create-an-integration-hook", name: "invalid settings", r: func() req {
			return req{method: "POST", path: acct(sd, "/integrations/hooks"), token: tok, body: map[string]any{"hook": map[string]any{"app_id": "openai", "settings": map[string]any{"key": "x"}}}}
		}, status: 422, check: func(t *testing.T, r *result) {
			assert.JSONEq(t, `{"message":"Settings : Invalid settings data","attributes":["settings"]}`, string(r.body))
		}},
		{name: "hooks#show is routed but not implemented", r: func() req {
			return req{method: "GET", path: acct(sd, fmt.Sprintf("/integrations/hooks/%d", hookID)), token: tok}
		}, status: 404},
		{op: "update-an-integrations-hook", r: func() req {
			return req{method: "PATCH", path: acct(sd, fmt.Sprintf("/integrations/hooks/%d", hookID)), token: tok, body: map[string]any{"status": "disabled"}}
		}, status: 200, check: func(t *testing.T, r *result) { assert.Equal(t, false, r.obj()["status"]) }},
		{op: "delete-an-integration-hook", r: func() req {
			return req{method: "DELETE", path: acct(sd, fmt.Sprintf("/integrations/hooks/%d", hookID)), token: tok}
		}, status: 200, check: isEmptyHead},
		{op: "fetchProfile", r: func() req { return req{method: "GET", path: "/api/v1/profile", token: sd.AgentToken} }, status: 200,
			check: func(t *testing.T, r *result) {
				assert.Equal(t, []string{"access_token", "account_id", "available_name", "avatar_url", "confirmed", "display_name", "message_signature",
					"email", "id", "inviter_id", "name", "provider", "pubsub_token", "role", "ui_settings", "uid", "type", "accounts"}, r.keys())
				assert.Equal(t, sd.AgentToken, r.obj()["access_token"])
				assert.Equal(t, []string{"id", "name", "status", "active_at", "role", "availability", "availability_status", "auto_offline"}, r.keys("accounts", "0"))
			}},
		{op: "fetchProfile", name: "bot token", r: func() req { return req{method: "GET", path: "/api/v1/profile", token: sd.BotToken} }, status: 401,
			check: func(t *testing.T, r *result) {
				assert.JSONEq(t, `{"error":"Access to this endpoint is not authorized for bots"}`, string(r.body))
			}},
	})
}
