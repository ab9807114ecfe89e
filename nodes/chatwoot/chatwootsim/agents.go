package chatwootsim

import (
	"net/http"
	"sort"
	"strings"
)

// Agents (api/v1/accounts/agents_controller.rb) and account agent bots (agent_bots_controller.rb).

var availabilities = map[string]bool{"online": true, "offline": true, "busy": true}

// accountUsers is Current.account.users ordered by lower(name).
func (c *ctx) accountUsers() []*user {
	var out []*user
	for _, au := range c.st.accountUsers.where(func(au *accountUser) bool { return au.AccountID == c.acc.ID }) {
		if u := c.st.users.get(au.UserID); u != nil {
			out = append(out, u)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out
}

func (c *ctx) listAgents() *response {
	return okResp(agentsView(c.st, c.acc, c.accountUsers()))
}

func (c *ctx) createAgent() *response {
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	p, resp := c.wrapped("agent", nil)
	if resp != nil {
		return resp
	}
	email, _ := asString(p["email"])
	existing := c.st.users.first(func(u *user) bool { return u.Email == strings.ToLower(email) && email != "" })
	limit := c.acc.AgentLimit
	if limit > 0 && len(c.accountUsers()) >= limit {
		return errorObj(http.StatusPaymentRequired, "Account limit exceeded. Please purchase more licenses")
	}
	role := "agent"
	if v, ok := asString(p["role"]); ok && p["role"] != nil {
		if v != "agent" && v != "administrator" {
			return internalError()
		}
		role = v
	}
	availability := "online"
	if v, ok := asString(p["availability"]); ok && p["availability"] != nil {
		if !availabilities[v] {
			return internalError()
		}
		availability = v
	}
	autoOffline := true
	if v, ok := p["auto_offline"]; ok && v != nil {
		autoOffline, _ = asBool(v)
	}
	u := existing
	if u == nil {
		name, _ := asString(p["name"])
		probe := &user{Name: name, Email: strings.ToLower(email), Password: "1!aA" + c.nextToken("temp_password")[:12]}
		if v := c.validateUser(probe, true, 0); !v.empty() {
			return v.invalid()
		}
		u = c.newUser(probe.Name, probe.Email, probe.Password)
		u.Confirmed = false // Devise confirmable: the invitation mail is pending
	}
	if c.st.accountUser(c.acc.ID, u.ID) != nil {
		v := &validation{}
		v.add("user_id", "has already been taken")
		return v.invalid()
	}
	inviter := c.user.ID
	au := c.addAccountUser(c.acc, u, role, &inviter)
	au.Availability, au.AutoOffline = availability, autoOffline
	return okResp(agentView(c.st, c.acc, u))
}

func (c *ctx) fetchAgent() (*user, *accountUser) {
	u := c.st.users.get(c.pathID("id"))
	if u == nil {
		return nil, nil
	}
	au := c.st.accountUser(c.acc.ID, u.ID)
	if au == nil {
		return nil, nil
	}
	return u, au
}

func (c *ctx) updateAgent() *response {
	u, au := c.fetchAgent()
	if u == nil {
		return resourceNotFound()
	}
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	p, resp := c.wrapped("agent", nil)
	if resp != nil {
		return resp
	}
	if v, ok := asString(p["role"]); ok && p["role"] != nil {
		if v != "agent" && v != "administrator" {
			return internalError()
		}
	}
	if v, ok := asString(p["availability"]); ok && p["availability"] != nil && !availabilities[v] {
		return internalError() // e.g. the spec's "available": not an AccountUser#availability value
	}
	if v, ok := asString(p["name"]); ok && p["name"] != nil {
		if strings.TrimSpace(v) == "" {
			vv := &validation{}
			vv.add("name", "can't be blank")
			return vv.invalid()
		}
		u.Name, u.UpdatedAt = v, c.now
	}
	if v, ok := asString(p["role"]); ok && p["role"] != nil {
		au.Role = v
	}
	if v, ok := asString(p["availability"]); ok && p["availability"] != nil {
		au.Availability = v
	}
	if v, ok := p["auto_offline"]; ok && v != nil {
		au.AutoOffline, _ = asBool(v)
	}
	au.UpdatedAt = c.now
	return okResp(agentView(c.st, c.acc, u))
}

// deleteAgent removes the account user; a user left without accounts is deleted (DeleteObjectJob).
func (c *ctx) deleteAgent() *response {
	u, au := c.fetchAgent()
	if u == nil {
		return resourceNotFound()
	}
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	c.st.accountUsers.remove(au.ID)
	for _, in := range c.st.inboxes.where(func(in *inbox) bool { return in.AccountID == c.acc.ID }) {
		var kept []int
		for _, id := range in.Members {
			if id != u.ID {
				kept = append(kept, id)
			}
		}
		in.Members = kept
	}
	if len(c.st.userAccountUsers(u.ID)) == 0 {
		c.deleteUser(u)
	}
	return headOK()
}

// --- account agent bots ---

func (c *ctx) listAccountBots() *response {
	out := []obj{}
	for _, b := range c.st.bots.list() {
		if b.AccountID == nil || *b.AccountID == c.acc.ID {
			out = append(out, c.accountBotView(b))
		}
	}
	return okResp(out)
}

func (c *ctx) applyAccountBotParams(b *agentBot) *response {
	if c.has("name") {
		b.Name = c.strp("name")
	}
	if c.has("description") {
		b.Description = c.strp("description")
	}
	if c.has("outgoing_url") {
		b.OutgoingURL = c.strp("outgoing_url")
	}
	if c.has("bot_type") {
		s, _ := c.str("bot_type")
		if s != "webhook" && s != "csml" {
			return internalError()
		}
		b.BotType = s
	}
	if m, ok := asMap(c.val("bot_config")); ok {
		cfg := jsonb{}
		if v, ok := m["csml_content"]; ok {
			cfg["csml_content"] = v
		}
		b.BotConfig = cfg
	}
	return nil
}

func (c *ctx) createAccountBot() *response {
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	probe := &agentBot{BotType: "webhook", BotConfig: jsonb{}}
	if resp := c.applyAccountBotParams(probe); resp != nil {
		return resp
	}
	if v := validateBot(probe); !v.empty() {
		return v.invalid()
	}
	accID := c.acc.ID
	b := c.newBot(probe.Name, probe.Description, probe.OutgoingURL, &accID)
	b.BotType, b.BotConfig = probe.BotType, probe.BotConfig
	return okResp(c.accountBotView(b))
}

func (c *ctx) showAccountBot() *response {
	b := c.st.bots.get(c.pathID("id"))
	if b == nil || (b.AccountID != nil && *b.AccountID != c.acc.ID) {
		return resourceNotFound()
	}
	return okResp(c.accountBotView(b))
}

// ownedBot is Current.account.agent_bots.find: global bots cannot be changed.
func (c *ctx) ownedBot() *agentBot {
	b := c.st.bots.get(c.pathID("id"))
	if b == nil || b.AccountID == nil || *b.AccountID != c.acc.ID {
		return nil
	}
	return b
}

func (c *ctx) updateAccountBot() *response {
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	b := c.ownedBot()
	if b == nil {
		return resourceNotFound()
	}
	probe := *b
	if resp := c.applyAccountBotParams(&probe); resp != nil {
		return resp
	}
	if v := validateBot(&probe); !v.empty() {
		return v.invalid()
	}
	probe.UpdatedAt = c.now
	*b = probe
	return okResp(c.accountBotView(b))
}

func (c *ctx) deleteAccountBot() *response {
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	b := c.ownedBot()
	if b == nil {
		return resourceNotFound()
	}
	c.deleteBot(b)
	return headOK()
}
