package chatwootsim

import (
	"fmt"
	"time"
)

// Seed is the deterministic demo data a new Server holds. With the default Options the tokens
// and identifiers are the same on every start.
type Seed struct {
	AccountID      int    // the demo account
	AccountName    string //
	OtherAccountID int    // an account none of the demo users belongs to (for 401 tests)

	AdminID    int // administrator of the demo account
	AdminName  string
	AdminEmail string
	AdminToken string // user access token (api_access_token)

	AgentID    int // agent of the demo account, member of the API inbox and the team
	AgentName  string
	AgentEmail string
	AgentToken string

	OtherAdminID    int    // administrator of OtherAccountID only
	OtherAdminToken string //

	PlatformAppID    int
	PlatformAppToken string // for /platform/api/v1 (owns the demo account, users and bot)

	BotID    int    // agent bot of the demo account, attached to BotInboxID
	BotToken string //

	InboxID            int    // API inbox without a bot
	InboxIdentifier    string // its public-API inbox_identifier
	BotInboxID         int    // API inbox with the agent bot (new conversations start pending)
	BotInboxIdentifier string

	ContactID       int    // a contact with a contact inbox in InboxID
	ContactSourceID string // that contact inbox's source_id (the public contact_identifier)

	ConversationID int // display id of the contact's open conversation (one incoming message)
	MessageID      int // that message
	TeamID         int // a team holding the agent
}

// Demo values that do not depend on the seed.
const (
	demoAccountName = "Acme Support"
	demoPassword    = "Password1!"
)

// seedData creates the demo data (or, with demo false, only the platform app).
func (s *Server) seedData(demo bool) Seed {
	c := &ctx{s: s, st: s.st, now: s.now().UTC().Truncate(time.Millisecond)}
	app := &platformApp{ID: s.st.platformApps.next(), Name: "noderun demo platform", permissibles: map[string]bool{}}
	app.Token = c.nextToken("platform_app")
	s.st.platformApps.put(app.ID, app)
	s.st.tokens[app.Token] = tokenOwner{"PlatformApp", app.ID}
	sd := Seed{PlatformAppID: app.ID, PlatformAppToken: app.Token}
	if !demo {
		return sd
	}
	acc := c.newAccount(demoAccountName)
	app.permissibles[permKey("Account", acc.ID)] = true
	admin := c.newUser("Alice Admin", "alice@acme.test", demoPassword)
	agent := c.newUser("Bob Agent", "bob@acme.test", demoPassword)
	app.permissibles[permKey("User", admin.ID)] = true
	app.permissibles[permKey("User", agent.ID)] = true
	adminAU := c.addAccountUser(acc, admin, "administrator", nil)
	adminAU.ActiveAt = timePtr(c.now)
	c.addAccountUser(acc, agent, "agent", &admin.ID)

	other := c.newAccount("Globex")
	otherAdmin := c.newUser("Olga Other", "olga@globex.test", demoPassword)
	c.addAccountUser(other, otherAdmin, "administrator", nil)

	in := c.newInbox(acc, "Acme API", "Channel::Api")
	in.Members = []int{agent.ID}
	botInbox := c.newInbox(acc, "Acme Bot Desk", "Channel::Api")
	b := c.newBot(ptr("Acme Bot"), ptr("Answers first"), ptr("https://bot.acme.test/webhook"), &acc.ID)
	app.permissibles[permKey("AgentBot", b.ID)] = true
	botInbox.AgentBotID = &b.ID

	t := &team{ID: s.st.teams.next(), AccountID: acc.ID, Name: "support", Description: ptr("First line"),
		AllowAutoAssign: true, Members: []int{agent.ID}, CreatedAt: c.now, UpdatedAt: c.now}
	s.st.teams.put(t.ID, t)

	ct := &contact{AccountID: acc.ID, Name: "Jane Doe", Email: ptr("jane@example.com"), PhoneNumber: ptr("+15555550100"),
		Identifier: ptr("jane-001")}
	_ = c.saveNewContact(ct)
	ci := c.newContactInbox(ct, in, uuidV4(s.seed, "demo-source", 1), false)
	conv := c.buildConversation(ci, convParams{})
	msg := c.insertMessage(conv, &messageInput{content: ptr("Hello, my order #1042 has not arrived."), contentType: "text",
		contentAttrs: map[string]any{}, additional: jsonb{}}, ptr("Contact"), ptr(ct.ID))

	sd.AccountID, sd.AccountName, sd.OtherAccountID = acc.ID, acc.Name, other.ID
	sd.AdminID, sd.AdminName, sd.AdminEmail, sd.AdminToken = admin.ID, admin.Name, admin.Email, admin.Token
	sd.AgentID, sd.AgentName, sd.AgentEmail, sd.AgentToken = agent.ID, agent.Name, agent.Email, agent.Token
	sd.OtherAdminID, sd.OtherAdminToken = otherAdmin.ID, otherAdmin.Token
	sd.BotID, sd.BotToken = b.ID, b.Token
	sd.InboxID, sd.InboxIdentifier = in.ID, in.Identifier
	sd.BotInboxID, sd.BotInboxIdentifier = botInbox.ID, botInbox.Identifier
	sd.ContactID, sd.ContactSourceID = ct.ID, ci.SourceID
	sd.ConversationID, sd.MessageID, sd.TeamID = conv.DisplayID, msg.ID, t.ID
	return sd
}

// Describe renders the demo data for a person starting the simulator at baseURL.
func (sd Seed) Describe(baseURL string) string {
	if sd.AccountID == 0 {
		return fmt.Sprintf("Chatwoot simulator at %s (no demo data)\n  platform app token: %s\n", baseURL, sd.PlatformAppToken)
	}
	return fmt.Sprintf(`Chatwoot simulator at %s
  account %d %q (account %d belongs to another administrator)
  administrator  %-16s %-22s token %s
  agent          %-16s %-22s token %s
  agent bot      id %-13d %-22s token %s
  platform app   %-39s token %s
  API inbox      id %-13d inbox_identifier %s
  bot API inbox  id %-13d inbox_identifier %s
  contact        id %-13d source_id %s
  conversation   display id %d (open, one incoming message); team id %d
`, baseURL, sd.AccountID, sd.AccountName, sd.OtherAccountID,
		sd.AdminName, sd.AdminEmail, sd.AdminToken,
		sd.AgentName, sd.AgentEmail, sd.AgentToken,
		sd.BotID, "", sd.BotToken,
		"", sd.PlatformAppToken,
		sd.InboxID, sd.InboxIdentifier, sd.BotInboxID, sd.BotInboxIdentifier,
		sd.ContactID, sd.ContactSourceID, sd.ConversationID, sd.TeamID)
}
