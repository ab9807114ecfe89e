package chatwootsim

import "strings"

// routes is the Rails route table for the 115 operations of the spec, plus the few routes they
// imply (PUT beside PATCH on `resources`, portal show/update/destroy, GET /api, the routed but
// unimplemented hooks#show). Every update route of `resources` accepts PUT and PATCH.
func (s *Server) routes() []route {
	const (
		upd  = "PATCH,PUT"
		acc  = "/api/v1/accounts/:account_id"
		pub  = "/public/api/v1/inboxes"
		plat = "/platform/api/v1"
	)
	a := func(methods, path, op string, h func(*ctx) *response) route {
		return rt(methods, acc+path, famAccount, op, h)
	}
	bot := func(r route) route { r.bot = true; return r }
	return []route{
		rt("GET", "/api", famMeta, "api#index", func(c *ctx) *response { return c.s.apiIndex() }),

		// Platform API
		rt("POST", plat+"/accounts", famPlatform, "create-an-account", (*ctx).platformCreateAccount),
		rt("GET", plat+"/accounts/:id", famPlatform, "get-details-of-an-account", (*ctx).platformShowAccount),
		rt(upd, plat+"/accounts/:id", famPlatform, "update-an-account", (*ctx).platformUpdateAccount),
		rt("DELETE", plat+"/accounts/:id", famPlatform, "delete-an-account", (*ctx).platformDeleteAccount),
		rt("GET", plat+"/accounts/:account_id/account_users", famPlatform, "list-all-account-users", (*ctx).platformListAccountUsers),
		rt("POST", plat+"/accounts/:account_id/account_users", famPlatform, "create-an-account-user", (*ctx).platformCreateAccountUser),
		rt("DELETE", plat+"/accounts/:account_id/account_users", famPlatform, "delete-an-account-user", (*ctx).platformDeleteAccountUser),
		rt("GET", plat+"/agent_bots", famPlatform, "list-all-agent-bots", (*ctx).platformListBots),
		rt("POST", plat+"/agent_bots", famPlatform, "create-an-agent-bot", (*ctx).platformCreateBot),
		rt("GET", plat+"/agent_bots/:id", famPlatform, "get-details-of-a-single-agent-bot", (*ctx).platformShowBot),
		rt(upd, plat+"/agent_bots/:id", famPlatform, "update-an-agent-bot", (*ctx).platformUpdateBot),
		rt("DELETE", plat+"/agent_bots/:id", famPlatform, "delete-an-agent-bot", (*ctx).platformDeleteBot),
		rt("POST", plat+"/users", famPlatform, "create-a-user", (*ctx).platformCreateUser),
		rt("GET", plat+"/users/:id", famPlatform, "get-details-of-a-user", (*ctx).platformShowUser),
		rt(upd, plat+"/users/:id", famPlatform, "update-a-user", (*ctx).platformUpdateUser),
		rt("DELETE", plat+"/users/:id", famPlatform, "delete-a-user", (*ctx).platformDeleteUser),
		rt("GET", plat+"/users/:id/login", famPlatform, "get-sso-url-of-a-user", (*ctx).platformLogin),

		// Public API
		rt("GET", pub+"/:id", famPublic, "get-details-of-a-inbox", (*ctx).publicShowInbox),
		rt("POST", pub+"/:inbox_id/contacts", famPublic, "create-a-contact", (*ctx).publicCreateContact),
		rt("GET", pub+"/:inbox_id/contacts/:id", famPublic, "get-details-of-a-contact", (*ctx).publicShowContact),
		rt(upd, pub+"/:inbox_id/contacts/:id", famPublic, "update-a-contact", (*ctx).publicUpdateContact),
		rt("GET", pub+"/:inbox_id/contacts/:contact_id/conversations", famPublic, "list-all-contact-conversations", (*ctx).publicListConversations),
		rt("POST", pub+"/:inbox_id/contacts/:contact_id/conversations", famPublic, "create-a-conversation", (*ctx).publicCreateConversation),
		rt("GET", pub+"/:inbox_id/contacts/:contact_id/conversations/:conversation_id/messages", famPublic, "list-all-converation-messages", (*ctx).publicListMessages),
		rt("POST", pub+"/:inbox_id/contacts/:contact_id/conversations/:conversation_id/messages", famPublic, "create-a-message", (*ctx).publicCreateMessage),
		rt(upd, pub+"/:inbox_id/contacts/:contact_id/conversations/:conversation_id/messages/:id", famPublic, "update-a-message", (*ctx).publicUpdateMessage),

		rt("GET", "/survey/responses/:id", famSurvey, "get-csat-survey-page", func(c *ctx) *response { return c.s.csatPage(c.path["id"]) }),

		// Account API
		a("GET", "/agent_bots", "list-all-account-agent-bots", (*ctx).listAccountBots),
		a("POST", "/agent_bots", "create-an-account-agent-bot", (*ctx).createAccountBot),
		a("GET", "/agent_bots/:id", "get-details-of-a-single-account-agent-bot", (*ctx).showAccountBot),
		a(upd, "/agent_bots/:id", "update-an-account-agent-bot", (*ctx).updateAccountBot),
		a("DELETE", "/agent_bots/:id", "delete-an-account-agent-bot", (*ctx).deleteAccountBot),

		a("GET", "/agents", "get-account-agents", (*ctx).listAgents),
		a("POST", "/agents", "add-new-agent-to-account", (*ctx).createAgent),
		a(upd, "/agents/:id", "update-agent-in-account", (*ctx).updateAgent),
		a("DELETE", "/agents/:id", "delete-agent-from-account", (*ctx).deleteAgent),

		a("GET", "/canned_responses", "get-account-canned-response", (*ctx).listCanned),
		a("POST", "/canned_responses", "add-new-canned-response-to-account", (*ctx).createCanned),
		a(upd, "/canned_responses/:id", "update-canned-response-in-account", (*ctx).updateCanned),
		a("DELETE", "/canned_responses/:id", "delete-canned-response-from-account", (*ctx).deleteCanned),

		a("GET", "/custom_attribute_definitions", "get-account-custom-attribute", (*ctx).listCustomAttrs),
		a("POST", "/custom_attribute_definitions", "add-new-custom-attribute-to-account", (*ctx).createCustomAttr),
		a("GET", "/custom_attribute_definitions/:id", "get-details-of-a-single-custom-attribute", (*ctx).showCustomAttr),
		a(upd, "/custom_attribute_definitions/:id", "update-custom-attribute-in-account", (*ctx).updateCustomAttr),
		a("DELETE", "/custom_attribute_definitions/:id", "delete-custom-attribute-from-account", (*ctx).deleteCustomAttr),

		a("GET", "/contacts", "contactList", (*ctx).listContacts),
		a("POST", "/contacts", "contactCreate", (*ctx).createContact),
		a("GET", "/contacts/search", "contactSearch", (*ctx).searchContacts),
		a("POST", "/contacts/filter", "contactFilter", (*ctx).filterContacts),
		a("GET", "/contacts/:id", "contactDetails", (*ctx).showContact),
		a(upd, "/contacts/:id", "contactUpdate", (*ctx).updateContact),
		a("DELETE", "/contacts/:id", "contactDelete", (*ctx).deleteContact),
		a("GET", "/contacts/:contact_id/conversations", "contactConversations", (*ctx).contactConversations),
		a("POST", "/contacts/:contact_id/contact_inboxes", "contactInboxCreation", (*ctx).createContactInbox),
		a("GET", "/contacts/:id/contactable_inboxes", "contactableInboxesGet", (*ctx).contactableInboxes),

		a("GET", "/automation_rules", "get-account-automation-rule", (*ctx).listAutomation),
		a("POST", "/automation_rules", "add-new-automation-rule-to-account", (*ctx).createAutomation),
		a("GET", "/automation_rules/:id", "get-details-of-a-single-automation-rule", (*ctx).showAutomation),
		a(upd, "/automation_rules/:id", "update-automation-rule-in-account", (*ctx).updateAutomation),
		a("DELETE", "/automation_rules/:id", "delete-automation-rule-from-account", (*ctx).deleteAutomation),

		// PATCH /portals (the spec's update-new-portal-to-account) is not routed: it is a 404.
		a("GET", "/portals", "get-portal", (*ctx).listPortals),
		a("POST", "/portals", "add-new-portal-to-account", (*ctx).createPortal),
		a("GET", "/portals/:id", "portals#show", (*ctx).showPortal),
		a(upd, "/portals/:id", "portals#update", (*ctx).updatePortal),
		a("DELETE", "/portals/:id", "portals#destroy", (*ctx).deletePortal),
		a("POST", "/portals/:portal_id/categories", "add-new-category-to-account", (*ctx).createCategory),
		a("POST", "/portals/:portal_id/articles", "add-new-article-to-account", (*ctx).createArticle),

		a("GET", "/conversations/meta", "conversationListMeta", (*ctx).conversationsMeta),
		a("GET", "/conversations", "conversationList", (*ctx).listConversations),
		bot(a("POST", "/conversations", "newConversation", (*ctx).createConversation)),
		a("POST", "/conversations/filter", "conversationFilter", (*ctx).filterConversations),
		a("GET", "/conversations/:id", "get-details-of-a-conversation", (*ctx).showConversation),
		bot(a("POST", "/conversations/:id/toggle_status", "toggle-status-of-a-conversation", (*ctx).toggleStatus)),
		a("POST", "/conversations/:id/toggle_priority", "toggle-priority-of-a-conversation", (*ctx).togglePriority),
		a("POST", "/conversations/:conversation_id/assignments", "assign-a-conversation", (*ctx).assign),
		a("GET", "/conversations/:conversation_id/labels", "list-all-labels-of-a-conversation", (*ctx).listLabels),
		a("POST", "/conversations/:conversation_id/labels", "conversation-add-labels", (*ctx).addLabels),
		a("GET", "/conversations/:conversation_id/messages", "list-all-messages", (*ctx).listMessages),
		bot(a("POST", "/conversations/:conversation_id/messages", "create-a-new-message-in-a-conversation", (*ctx).createMessage)),
		a("DELETE", "/conversations/:conversation_id/messages/:id", "delete-a-message", (*ctx).deleteMessage),

		a("GET", "/inboxes", "listAllInboxes", (*ctx).listInboxes),
		a("POST", "/inboxes", "inboxCreation", (*ctx).createInbox),
		a("GET", "/inboxes/:id", "GetInbox", (*ctx).showInbox),
		a(upd, "/inboxes/:id", "updateInbox", (*ctx).updateInbox),
		a("GET", "/inboxes/:id/agent_bot", "getInboxAgentBot", (*ctx).inboxAgentBot),
		a("POST", "/inboxes/:id/set_agent_bot", "updateAgentBot", (*ctx).setAgentBot),
		a("GET", "/inbox_members/:inbox_id", "get-inbox-members", (*ctx).showInboxMembers),
		a("POST", "/inbox_members", "add-new-agent-to-inbox", (*ctx).createInboxMembers),
		a("DELETE", "/inbox_members", "delete-agent-in-inbox", (*ctx).deleteInboxMembers),
		a("PATCH", "/inbox_members", "update-agents-in-inbox", (*ctx).updateInboxMembers),

		a("GET", "/integrations/apps", "get-details-of-all-integrations", (*ctx).listApps),
		a("POST", "/integrations/hooks", "create-an-integration-hook", (*ctx).createHook),
		rt("GET", acc+"/integrations/hooks/:id", famMeta, "hooks#show", func(*ctx) *response { return railsNotFound() }),
		a(upd, "/integrations/hooks/:id", "update-an-integrations-hook", (*ctx).updateHook),
		a("DELETE", "/integrations/hooks/:id", "delete-an-integration-hook", (*ctx).deleteHook),

		rt("GET", "/api/v1/profile", famProfile, "fetchProfile", (*ctx).showProfile),

		a("GET", "/teams", "list-all-teams", (*ctx).listTeams),
		a("POST", "/teams", "create-a-team", (*ctx).createTeam),
		a("GET", "/teams/:id", "get-details-of-a-single-team", (*ctx).showTeam),
		a(upd, "/teams/:id", "update-a-team", (*ctx).updateTeam),
		a("DELETE", "/teams/:id", "delete-a-team", (*ctx).deleteTeam),
		a("GET", "/teams/:team_id/team_members", "get-team-members", (*ctx).listTeamMembers),
		a("POST", "/teams/:team_id/team_members", "add-new-agent-to-team", (*ctx).createTeamMembers),
		a("DELETE", "/teams/:team_id/team_members", "delete-agent-in-team", (*ctx).deleteTeamMembers),
		a("PATCH", "/teams/:team_id/team_members", "update-agents-in-team", (*ctx).updateTeamMembers),

		a("GET", "/custom_filters", "list-all-filters", (*ctx).listCustomFilters),
		a("POST", "/custom_filters", "create-a-custom-filter", (*ctx).createCustomFilter),
		a("GET", "/custom_filters/:id", "get-details-of-a-single-custom-filter", (*ctx).showCustomFilter),
		a(upd, "/custom_filters/:id", "update-a-custom-filter", (*ctx).updateCustomFilter),
		a("DELETE", "/custom_filters/:id", "delete-a-custom-filter", (*ctx).deleteCustomFilter),

		a("GET", "/webhooks", "list-all-webhooks", (*ctx).listWebhooks),
		a("POST", "/webhooks", "create-a-webhook", (*ctx).createWebhook),
		a(upd, "/webhooks/:id", "update-a-webhook", (*ctx).updateWebhook),
		a("DELETE", "/webhooks/:id", "delete-a-webhook", (*ctx).deleteWebhook),

		// The spec documents GET reports/conversations twice (type=account and, with a trailing
		// slash, type=agent); Rails ignores the slash, so it is one route.
		rt("GET", "/api/v2/accounts/:account_id/reports", famAccount, "list-all-conversation-statistics", (*ctx).reportsIndex),
		rt("GET", "/api/v2/accounts/:account_id/reports/summary", famAccount, "list-all-conversation-statistics-summary", (*ctx).reportsSummary),
		rt("GET", "/api/v2/accounts/:account_id/reports/conversations", famAccount, "get-account-conversation-metrics", (*ctx).reportsConversations),
	}
}

// Operations lists the spec operationIds the server routes (the reports/conversations route
// serves two of them), in route order.
func (s *Server) Operations() []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range s.route {
		if r.fam == famMeta || seen[r.op] || strings.Contains(r.op, "#") {
			continue
		}
		seen[r.op] = true
		out = append(out, r.op)
	}
	// PATCH /portals (update-new-portal-to-account) is deliberately not routed: it is a 404.
	return append(out, "get-agent-conversation-metrics", "update-new-portal-to-account")
}
