package chatwootsim

import (
	"net/http"
	"strings"
)

// tokenHeader finds api_access_token the way Rack sees it: header names are case-insensitive and
// '-' equals '_'. When both spellings are sent the hyphenated one wins (Puma >= 6.4.3).
func tokenHeader(r *http.Request) (string, bool) {
	var under string
	var haveUnder bool
	for k, vs := range r.Header {
		norm := strings.ToLower(strings.ReplaceAll(k, "-", "_"))
		if norm != "api_access_token" || len(vs) == 0 {
			continue
		}
		if strings.Contains(k, "_") {
			under, haveUnder = vs[0], true
			continue
		}
		if strings.TrimSpace(vs[0]) != "" {
			return vs[0], true
		}
	}
	if haveUnder && strings.TrimSpace(under) != "" {
		return under, true
	}
	return "", false
}

// signInRequired is devise_token_auth's authenticate_user! failure (no token header at all).
func signInRequired() *response {
	return jsonResp(http.StatusUnauthorized, obj{{"errors", []string{"You need to sign in or sign up before continuing."}}})
}

// authAPI runs Api::BaseController and EnsureCurrentAccountHelper: token, bot whitelist, account,
// membership. A nil result means the action may run.
func (c *ctx) authAPI() *response {
	tok, present := tokenHeader(c.r)
	if !present {
		return signInRequired()
	}
	owner, found := c.st.tokens[tok]
	if !found {
		return unauthorized("Invalid Access Token")
	}
	switch owner.kind {
	case "User":
		c.user = c.st.users.get(owner.id)
	case "AgentBot":
		c.bot = c.st.bots.get(owner.id)
	case "PlatformApp":
		c.app = c.st.platformApps.get(owner.id)
	}
	if c.user == nil && c.bot == nil && c.app == nil {
		return unauthorized("Invalid Access Token")
	}
	if c.user == nil && !c.rt.bot {
		return unauthorized("Access to this endpoint is not authorized for bots")
	}
	if c.rt.fam == famProfile {
		return nil
	}
	acc := c.st.accounts.get(c.pathID("account_id"))
	if acc == nil {
		return resourceNotFound()
	}
	if acc.Status != "active" {
		return unauthorized("Account is suspended")
	}
	c.acc = acc
	switch {
	case c.user != nil:
		c.au = c.st.accountUser(acc.ID, c.user.ID)
		if c.au == nil {
			return unauthorized("You are not authorized to access this account")
		}
	case c.bot != nil:
		if !c.st.botAttached(c.bot.ID, acc.ID) {
			return unauthorized("You are not authorized to access this account")
		}
	}
	// A platform-app token on a whitelisted action passes EnsureCurrentAccountHelper unchecked.
	return nil
}

// authPlatform is PlatformController#set_platform_app.
func (c *ctx) authPlatform() *response {
	tok, _ := tokenHeader(c.r)
	if owner, found := c.st.tokens[tok]; found && owner.kind == "PlatformApp" {
		c.app = c.st.platformApps.get(owner.id)
	}
	if c.app == nil {
		return unauthorized("Invalid access_token")
	}
	return nil
}

// permissible is PlatformController#validate_platform_app_permissible.
func (c *ctx) permissible(kind string, id int) *response {
	if c.app.permissibles[permKey(kind, id)] {
		return nil
	}
	return unauthorized("Non permissible resource")
}

func permKey(kind string, id int) string { return kind + ":" + itoa(id) }

func (st *state) accountUser(accountID, userID int) *accountUser {
	return st.accountUsers.first(func(au *accountUser) bool { return au.AccountID == accountID && au.UserID == userID })
}

// botAttached is agent_bot_inboxes.find_by(account_id:).
func (st *state) botAttached(botID, accountID int) bool {
	return st.inboxes.first(func(in *inbox) bool {
		return in.AccountID == accountID && in.AgentBotID != nil && *in.AgentBotID == botID
	}) != nil
}

// assignedInboxes is User#assigned_inboxes: all inboxes for administrators, memberships otherwise.
// Bots and platform apps have no user, and InboxPolicy#show? lets them through.
func (c *ctx) assignedInboxes() []*inbox {
	return c.st.inboxes.where(func(in *inbox) bool { return in.AccountID == c.acc.ID && c.canSeeInbox(in) })
}

// canSeeInbox is InboxPolicy#show?.
func (c *ctx) canSeeInbox(in *inbox) bool {
	if c.user == nil {
		return true
	}
	if in.AccountID != c.acc.ID {
		return false
	}
	return c.isAdmin() || in.hasMember(c.user.ID)
}
