package chatwootsim

import (
	"net/url"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// Platform API: accounts, account users, agent bots and users a platform app provisions
// (app/controllers/platform/api/v1/*). Unknown records fall through to Rails' exception app
// ({"status":404,"error":"Not Found"}), and records the app did not create give 401.

// featureList is config/features.yml at the spec's commit, in order, with the default state.
var featureList = []struct {
	name    string
	enabled bool
}{
	{"inbound_emails", true}, {"channel_email", true}, {"channel_facebook", true}, {"channel_twitter", true},
	{"ip_lookup", false}, {"disable_branding", false}, {"email_continuity_on_api_channel", false},
	{"help_center", true}, {"agent_bots", false}, {"macros", true}, {"agent_management", true},
	{"team_management", true}, {"inbox_management", true}, {"labels", true}, {"custom_attributes", true},
	{"automations", true}, {"canned_responses", true}, {"integrations", true}, {"voice_recorder", true},
	{"mobile_v2", false}, {"channel_website", true}, {"campaigns", true}, {"reports", true}, {"crm", true},
	{"auto_resolve_conversations", true}, {"custom_reply_email", false}, {"custom_reply_domain", false},
	{"audit_logs", false}, {"response_bot", false}, {"message_reply_to", false},
}

// accountLocales are the iso_639_1 codes of LANGUAGES_CONFIG (the Account#locale enum).
var accountLocales = map[string]bool{
	"en": true, "ar": true, "nl": true, "fr": true, "de": true, "hi": true, "it": true, "ja": true,
	"ko": true, "pt": true, "ru": true, "zh": true, "es": true, "ml": true, "ca": true, "el": true,
	"pt_BR": true, "ro": true, "ta": true, "fa": true, "zh_TW": true, "vi": true, "da": true, "tr": true,
	"cs": true, "fi": true, "id": true, "sv": true, "hu": true, "no": true, "zh_CN": true, "pl": true,
	"sk": true, "uk": true, "th": true, "lv": true, "is": true, "he": true, "lt": true, "sr": true,
	"bg": true, "sl": true, "kn": true,
}

// defaultSupportEmail is Account#support_email without a value: ENV MAILER_SENDER_EMAIL.
const defaultSupportEmail = "Chatwoot <accounts@chatwoot.com>"

func platformAccountView(a *account) obj {
	feats := obj{}
	for _, f := range featureList {
		if a.Features[f.name] {
			feats = append(feats, kv{f.name, true})
		}
	}
	support := any(defaultSupportEmail)
	if a.SupportEmail != nil {
		support = *a.SupportEmail
	}
	return obj{
		{"id", a.ID}, {"name", a.Name}, {"locale", a.Locale}, {"domain", strOrNil(a.Domain)},
		{"support_email", support}, {"features", feats}, {"custom_attributes", a.CustomAttributes},
		{"limits", a.Limits}, {"status", a.Status},
	}
}

func (c *ctx) newAccount(name string) *account {
	id := c.st.accounts.next()
	a := &account{ID: id, Name: name, Locale: "en", Features: map[string]bool{}, CustomAttributes: jsonb{},
		Limits: jsonb{}, Status: "active", CreatedAt: c.now, UpdatedAt: c.now, AgentLimit: c.s.opts.AgentLimit}
	for _, f := range featureList {
		a.Features[f.name] = f.enabled
	}
	c.st.accounts.put(id, a)
	return a
}

// applyAccountParams is Platform::Api::V1::AccountsController#account_params plus features.
func (c *ctx) applyAccountParams(a *account) *response {
	if c.has("name") {
		s, _ := c.str("name")
		a.Name = s
	}
	if c.has("locale") {
		s, _ := c.str("locale")
		if !accountLocales[s] {
			return internalError() // enum ArgumentError
		}
		a.Locale = s
	}
	if c.has("domain") {
		a.Domain = c.strp("domain")
	}
	if c.has("support_email") {
		a.SupportEmail = c.strp("support_email")
	}
	if c.has("status") {
		s, _ := c.str("status")
		if s != "active" && s != "suspended" {
			return internalError()
		}
		a.Status = s
	}
	if m, ok := asMap(c.val("limits")); ok {
		a.Limits = toJSONB(m)
	}
	if m, ok := asMap(c.val("custom_attributes")); ok {
		a.CustomAttributes = toJSONB(m)
	}
	if m, ok := asMap(c.val("features")); ok {
		for k, v := range m {
			a.Features[k] = !blank(v)
		}
	}
	v := &validation{}
	if strings.TrimSpace(a.Name) == "" {
		v.add("name", "can't be blank")
	}
	if a.Domain != nil && len(*a.Domain) > 100 {
		v.add("domain", "is too long (maximum is 100 characters)")
	}
	if !v.empty() {
		return v.invalid()
	}
	a.UpdatedAt = c.now
	return nil
}

func (c *ctx) platformCreateAccount() *response {
	probe := &account{Features: map[string]bool{}, CustomAttributes: jsonb{}, Limits: jsonb{}, Status: "active", Locale: "en"}
	for _, f := range featureList {
		probe.Features[f.name] = f.enabled
	}
	if resp := c.applyAccountParams(probe); resp != nil {
		return resp
	}
	a := c.newAccount(probe.Name)
	id := a.ID
	*a = *probe
	a.ID, a.CreatedAt, a.UpdatedAt, a.AgentLimit = id, c.now, c.now, c.s.opts.AgentLimit
	c.app.permissibles[permKey("Account", a.ID)] = true
	return okResp(platformAccountView(a))
}

// platformAccount is set_resource plus validate_platform_app_permissible.
func (c *ctx) platformAccount(param string) (*account, *response) {
	a := c.st.accounts.get(c.pathID(param))
	if a == nil {
		return nil, railsNotFound()
	}
	if resp := c.permissible("Account", a.ID); resp != nil {
		return nil, resp
	}
	return a, nil
}

func (c *ctx) platformShowAccount() *response {
	a, resp := c.platformAccount("id")
	if resp != nil {
		return resp
	}
	return okResp(platformAccountView(a))
}

func (c *ctx) platformUpdateAccount() *response {
	a, resp := c.platformAccount("id")
	if resp != nil {
		return resp
	}
	probe := *a
	probe.Features = map[string]bool{}
	for k, v := range a.Features {
		probe.Features[k] = v
	}
	if resp := c.applyAccountParams(&probe); resp != nil {
		return resp
	}
	*a = probe
	return okResp(platformAccountView(a))
}

// platformDeleteAccount queues DeleteObjectJob; the simulator deletes at once.
func (c *ctx) platformDeleteAccount() *response {
	a, resp := c.platformAccount("id")
	if resp != nil {
		return resp
	}
	for _, au := range c.st.accountUsers.where(func(au *accountUser) bool { return au.AccountID == a.ID }) {
		c.st.accountUsers.remove(au.ID)
	}
	c.st.accounts.remove(a.ID)
	return headOK()
}

// accountUserRow is `render json: account_user`: every column, ISO times, enum labels.
func accountUserRow(au *accountUser) obj {
	return obj{
		{"id", au.ID}, {"account_id", au.AccountID}, {"user_id", au.UserID}, {"role", au.Role},
		{"inviter_id", intOrNil(au.InviterID)}, {"created_at", iso(au.CreatedAt)}, {"updated_at", iso(au.UpdatedAt)},
		{"active_at", isoPtr(au.ActiveAt)}, {"availability", au.Availability}, {"auto_offline", au.AutoOffline},
	}
}

func (c *ctx) platformListAccountUsers() *response {
	a, resp := c.platformAccount("account_id")
	if resp != nil {
		return resp
	}
	rows := []obj{}
	for _, au := range c.st.accountUsers.where(func(au *accountUser) bool { return au.AccountID == a.ID }) {
		rows = append(rows, accountUserRow(au))
	}
	return okResp(rows)
}

func (c *ctx) platformCreateAccountUser() *response {
	a, resp := c.platformAccount("account_id")
	if resp != nil {
		return resp
	}
	uid, hasUID := c.integer("user_id")
	role := ""
	if c.has("role") && c.val("role") != nil {
		role, _ = c.str("role")
		if role != "agent" && role != "administrator" {
			return internalError()
		}
	}
	var au *accountUser
	if hasUID {
		au = c.st.accountUser(a.ID, uid)
	}
	if au == nil {
		if !hasUID || c.st.users.get(uid) == nil {
			v := &validation{}
			v.addFull("user", "must exist", "User must exist")
			return v.invalid()
		}
		if role == "" {
			role = "agent"
		}
		au = c.addAccountUser(a, c.st.users.get(uid), role, nil)
	} else if role != "" {
		au.Role = role
		au.UpdatedAt = c.now
	}
	return okResp(accountUserRow(au))
}

func (c *ctx) platformDeleteAccountUser() *response {
	a, resp := c.platformAccount("account_id")
	if resp != nil {
		return resp
	}
	if uid, ok := c.integer("user_id"); ok {
		if au := c.st.accountUser(a.ID, uid); au != nil {
			c.st.accountUsers.remove(au.ID)
		}
	}
	return headOK()
}

func (c *ctx) addAccountUser(a *account, u *user, role string, inviter *int) *accountUser {
	id := c.st.accountUsers.next()
	au := &accountUser{ID: id, AccountID: a.ID, UserID: u.ID, Role: role, InviterID: inviter,
		CreatedAt: c.now, UpdatedAt: c.now, Availability: "online", AutoOffline: true}
	c.st.accountUsers.put(id, au)
	return au
}

// --- platform agent bots ---

func platformBotView(b *agentBot) obj {
	return obj{
		{"id", b.ID}, {"name", strOrNil(b.Name)}, {"description", strOrNil(b.Description)},
		{"outgoing_url", strOrNil(b.Name)}, // the view really renders the name here
		{"account_id", intOrNil(b.AccountID)}, {"access_token", b.Token},
	}
}

func (c *ctx) newBot(name, description, outgoingURL *string, accountID *int) *agentBot {
	id := c.st.bots.next()
	b := &agentBot{ID: id, Name: name, Description: description, OutgoingURL: outgoingURL, BotType: "webhook",
		BotConfig: jsonb{}, AccountID: accountID, CreatedAt: c.now, UpdatedAt: c.now}
	b.Token = c.nextToken("agent_bot")
	c.st.tokens[b.Token] = tokenOwner{"AgentBot", id}
	c.st.bots.put(id, b)
	return b
}

// validateBot checks agent_bots.outgoing_url length (Limits::URL_LENGTH_LIMIT).
func validateBot(b *agentBot) *validation {
	v := &validation{}
	if b.OutgoingURL != nil && len(*b.OutgoingURL) > 2048 {
		v.add("outgoing_url", "is too long (maximum is 2048 characters)")
	}
	return v
}

func (c *ctx) platformListBots() *response {
	out := []obj{}
	for _, b := range c.st.bots.list() {
		if c.app.permissibles[permKey("AgentBot", b.ID)] {
			out = append(out, platformBotView(b))
		}
	}
	return okResp(out)
}

func (c *ctx) applyPlatformBotParams(b *agentBot) {
	if c.has("name") {
		b.Name = c.strp("name")
	}
	if c.has("description") {
		b.Description = c.strp("description")
	}
	if c.has("outgoing_url") {
		b.OutgoingURL = c.strp("outgoing_url")
	}
	if c.has("account_id") {
		if id, ok := c.integer("account_id"); ok {
			b.AccountID = &id
		} else {
			b.AccountID = nil
		}
	}
}

func (c *ctx) platformCreateBot() *response {
	probe := &agentBot{}
	c.applyPlatformBotParams(probe)
	if v := validateBot(probe); !v.empty() {
		return v.invalid()
	}
	b := c.newBot(probe.Name, probe.Description, probe.OutgoingURL, probe.AccountID)
	c.app.permissibles[permKey("AgentBot", b.ID)] = true
	return okResp(platformBotView(b))
}

func (c *ctx) platformBot() (*agentBot, *response) {
	b := c.st.bots.get(c.pathID("id"))
	if b == nil {
		return nil, railsNotFound()
	}
	if resp := c.permissible("AgentBot", b.ID); resp != nil {
		return nil, resp
	}
	return b, nil
}

func (c *ctx) platformShowBot() *response {
	b, resp := c.platformBot()
	if resp != nil {
		return resp
	}
	return okResp(platformBotView(b))
}

func (c *ctx) platformUpdateBot() *response {
	b, resp := c.platformBot()
	if resp != nil {
		return resp
	}
	probe := *b
	c.applyPlatformBotParams(&probe)
	if v := validateBot(&probe); !v.empty() {
		return v.invalid()
	}
	probe.UpdatedAt = c.now
	*b = probe
	return okResp(platformBotView(b))
}

func (c *ctx) platformDeleteBot() *response {
	b, resp := c.platformBot()
	if resp != nil {
		return resp
	}
	c.deleteBot(b)
	return headOK()
}

func (c *ctx) deleteBot(b *agentBot) {
	for _, in := range c.st.inboxes.list() {
		if in.AgentBotID != nil && *in.AgentBotID == b.ID {
			in.AgentBotID = nil
		}
	}
	delete(c.st.tokens, b.Token)
	c.st.bots.remove(b.ID)
}

// --- platform users ---

// emailRegexp is Devise.email_regexp.
var emailRegexp = regexp.MustCompile(`\A[^@\s]+@[^@\s]+\z`)

func (c *ctx) newUser(name, email, password string) *user {
	id := c.st.users.next()
	u := &user{ID: id, Name: name, Email: strings.ToLower(email), Password: password, Confirmed: true,
		CustomAttributes: jsonb{}, UISettings: jsonb{}, CreatedAt: c.now, UpdatedAt: c.now}
	u.PubsubToken = c.nextToken("pubsub")
	u.Token = c.nextToken("user_access_token")
	c.st.tokens[u.Token] = tokenOwner{"User", id}
	c.st.users.put(id, u)
	return u
}

// validateUser is User's validations plus devise validatable and secure_password rules.
func (c *ctx) validateUser(u *user, passwordChanged bool, self int) *validation {
	v := &validation{}
	if strings.TrimSpace(u.Email) == "" {
		v.add("email", "can't be blank")
	} else if !emailRegexp.MatchString(u.Email) {
		v.add("email", "is invalid")
	} else if other := c.st.users.first(func(x *user) bool { return x.ID != self && x.Email == u.Email }); other != nil {
		v.add("email", "has already been taken")
	}
	if strings.TrimSpace(u.Name) == "" {
		v.add("name", "can't be blank")
	} else if len([]rune(u.Name)) > 255 {
		v.add("name", "is too long (maximum is 255 characters)")
	}
	if passwordChanged {
		pw := u.Password
		switch {
		case pw == "":
			v.add("password", "can't be blank")
		case len(pw) < 6:
			v.add("password", "is too short (minimum is 6 characters)")
		case len(pw) > 128:
			v.add("password", "is too long (maximum is 128 characters)")
		}
		if pw != "" {
			var up, low, num, special int
			for _, r := range pw {
				switch {
				case r >= 'A' && r <= 'Z':
					up++
				case r >= 'a' && r <= 'z':
					low++
				case r >= '0' && r <= '9':
					num++
				case unicode.IsPunct(r) || unicode.IsSymbol(r):
					special++
				}
			}
			if up < 1 {
				v.add("password", "must contain at least 1 uppercase character")
			}
			if low < 1 {
				v.add("password", "must contain at least 1 lowercase character")
			}
			if num < 1 {
				v.add("password", "must contain at least 1 number character")
			}
			if special < 1 {
				v.add("password", "must contain at least 1 special character")
			}
		}
	}
	return v
}

// activeAccountUser is account_users.order(active_at: :desc).first; PostgreSQL sorts NULLs first
// in a descending order.
func (st *state) activeAccountUser(userID int) *accountUser {
	aus := st.accountUsers.where(func(au *accountUser) bool { return au.UserID == userID })
	if len(aus) == 0 {
		return nil
	}
	sort.SliceStable(aus, func(i, j int) bool {
		a, b := aus[i].ActiveAt, aus[j].ActiveAt
		if a == nil || b == nil {
			return a == nil && b != nil
		}
		return a.After(*b)
	})
	return aus[0]
}

func (st *state) userAccountUsers(userID int) []*accountUser {
	return st.accountUsers.where(func(au *accountUser) bool { return au.UserID == userID })
}

func platformUserView(st *state, u *user) obj {
	active := st.activeAccountUser(u.ID)
	var accountID, role any
	if active != nil {
		accountID, role = active.AccountID, active.Role
	}
	o := obj{
		{"access_token", u.Token}, {"account_id", accountID}, {"available_name", u.availableName()},
		{"avatar_url", ""}, {"confirmed", u.Confirmed}, {"display_name", strOrNil(u.DisplayName)},
		{"message_signature", strOrNil(u.MessageSignature)}, {"email", u.Email}, {"id", u.ID},
		{"name", u.Name}, {"provider", "email"}, {"pubsub_token", u.PubsubToken},
	}
	if len(u.CustomAttributes) > 0 {
		o = append(o, kv{"custom_attributes", u.CustomAttributes})
	}
	accounts := []obj{}
	for _, au := range st.userAccountUsers(u.ID) {
		a := st.accounts.get(au.AccountID)
		if a == nil {
			continue
		}
		accounts = append(accounts, obj{{"id", a.ID}, {"name", a.Name}, {"active_at", isoPtr(au.ActiveAt)}, {"role", au.Role}})
	}
	return append(o, kv{"role", role}, kv{"ui_settings", u.UISettings}, kv{"uid", u.Email}, kv{"accounts", accounts})
}

func (c *ctx) platformCreateUser() *response {
	email, _ := c.str("email")
	if existing := c.st.users.first(func(u *user) bool { return u.Email == strings.ToLower(email) && email != "" }); existing != nil {
		c.app.permissibles[permKey("User", existing.ID)] = true
		return okResp(platformUserView(c.st, existing))
	}
	probe := &user{CustomAttributes: jsonb{}, UISettings: jsonb{}}
	c.applyUserParams(probe, false)
	if v := c.validateUser(probe, true, 0); !v.empty() {
		return v.invalid()
	}
	u := c.newUser(probe.Name, probe.Email, probe.Password)
	u.DisplayName, u.CustomAttributes = probe.DisplayName, probe.CustomAttributes
	c.app.permissibles[permKey("User", u.ID)] = true
	return okResp(platformUserView(c.st, u))
}

// applyUserParams is user_params (create) or user_update_params (update merges custom_attributes).
func (c *ctx) applyUserParams(u *user, merge bool) {
	if c.has("name") {
		s, _ := c.str("name")
		u.Name = s
	}
	if c.has("display_name") {
		u.DisplayName = c.strp("display_name")
	}
	if c.has("email") {
		s, _ := c.str("email")
		u.Email = strings.ToLower(s)
	}
	if c.has("password") {
		s, _ := c.str("password")
		u.Password = s
	}
	if m, ok := asMap(c.val("custom_attributes")); ok {
		if merge {
			u.CustomAttributes = mergeJSONB(u.CustomAttributes, m)
		} else {
			u.CustomAttributes = toJSONB(m)
		}
	}
}

func (c *ctx) platformUser() (*user, *response) {
	u := c.st.users.get(c.pathID("id"))
	if u == nil {
		return nil, railsNotFound()
	}
	if resp := c.permissible("User", u.ID); resp != nil {
		return nil, resp
	}
	return u, nil
}

func (c *ctx) platformShowUser() *response {
	u, resp := c.platformUser()
	if resp != nil {
		return resp
	}
	return okResp(platformUserView(c.st, u))
}

func (c *ctx) platformUpdateUser() *response {
	u, resp := c.platformUser()
	if resp != nil {
		return resp
	}
	probe := *u
	c.applyUserParams(&probe, true)
	if v := c.validateUser(&probe, c.has("password"), u.ID); !v.empty() {
		return v.invalid()
	}
	probe.UpdatedAt = c.now
	*u = probe
	return okResp(platformUserView(c.st, u))
}

func (c *ctx) platformDeleteUser() *response {
	u, resp := c.platformUser()
	if resp != nil {
		return resp
	}
	c.deleteUser(u)
	return headOK()
}

func (c *ctx) deleteUser(u *user) {
	for _, au := range c.st.userAccountUsers(u.ID) {
		c.st.accountUsers.remove(au.ID)
	}
	delete(c.st.tokens, u.Token)
	c.st.users.remove(u.ID)
}

// platformLogin is User#generate_sso_link.
func (c *ctx) platformLogin() *response {
	u, resp := c.platformUser()
	if resp != nil {
		return resp
	}
	c.st.tokenSeq++
	link := c.baseURL() + "/app/login?email=" + url.QueryEscape(u.Email) + "&sso_auth_token=" + hexToken(c.s.seed, "sso", c.st.tokenSeq)
	return okResp(obj{{"url", link}})
}
