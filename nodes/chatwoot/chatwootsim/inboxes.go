package chatwootsim

import (
	"regexp"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // Inbox#timezone is validated against the IANA zone list
)

// Inboxes, inbox members and an inbox's agent bot (api/v1/accounts/inboxes_controller.rb,
// inbox_members_controller.rb).

// inboxNameRegexp is Inbox's name format for API, e-mail and web-widget channels.
var inboxNameRegexp = regexp.MustCompile(`^[^/\\<>@]*$`)

func defaultWorkingHours() []workingHour {
	wh := make([]workingHour, 7)
	for d := 0; d < 7; d++ {
		if d == 0 || d == 6 {
			wh[d] = workingHour{DayOfWeek: d, ClosedAllDay: true}
			continue
		}
		wh[d] = workingHour{DayOfWeek: d, OpenHour: ptr(9), OpenMinutes: ptr(0), CloseHour: ptr(17), CloseMinutes: ptr(0)}
	}
	return wh
}

// newInbox inserts an inbox with its channel row (Channel::Api or Channel::WebWidget).
func (c *ctx) newInbox(acc *account, name, channelType string) *inbox {
	id := c.st.inboxes.next()
	in := &inbox{
		ID: id, AccountID: acc.ID, Name: name, ChannelType: channelType, EnableAutoAssignment: true,
		Timezone: "UTC", EnableEmailCollect: true, AllowMessagesAfterResolved: true, AutoAssignmentConfig: jsonb{},
		SenderNameType: "friendly", WorkingHours: defaultWorkingHours(), CreatedAt: c.now, UpdatedAt: c.now,
		AdditionalAttributes: jsonb{}, PreChatFormOptions: jsonb{},
	}
	in.HMACToken = c.nextToken("hmac_token")
	if channelType == "Channel::WebWidget" {
		c.st.widgetChannelSeq++
		in.ChannelID = c.st.widgetChannelSeq
		in.WebsiteToken = c.nextToken("website_token")
		in.WidgetColor, in.ReplyTime, in.FeatureFlags, in.ContinuityViaEmail = "#1f93ff", "in_a_few_minutes", 7, true
	} else {
		c.st.apiChannelSeq++
		in.ChannelID = c.st.apiChannelSeq
		in.Identifier = c.nextToken("inbox_identifier")
	}
	c.st.inboxes.put(id, in)
	return in
}

// accountInbox is fetch_inbox: find (404) then `authorize @inbox, :show?` (401).
func (c *ctx) accountInbox(param string) (*inbox, *response) {
	in := c.st.inboxes.get(c.pathID(param))
	if in == nil || in.AccountID != c.acc.ID {
		return nil, resourceNotFound()
	}
	if !c.canSeeInbox(in) {
		return nil, notAuthorizedAction()
	}
	return in, nil
}

func (c *ctx) listInboxes() *response {
	ins := c.assignedInboxes()
	sort.SliceStable(ins, func(i, j int) bool { return strings.ToLower(ins[i].Name) < strings.ToLower(ins[j].Name) })
	out := make([]obj, 0, len(ins))
	for _, in := range ins {
		out = append(out, inboxView(c.st, in, c.isAdmin()))
	}
	return okResp(obj{{"payload", out}})
}

func (c *ctx) showInbox() *response {
	in, resp := c.accountInbox("id")
	if resp != nil {
		return resp
	}
	return okResp(inboxView(c.st, in, c.isAdmin()))
}

// nullify is the controller's "null" string to nil workaround (CW-1567).
func nullify(v any) any {
	if s, ok := v.(string); ok && s == "null" {
		return nil
	}
	return v
}

// applyInboxParams sets the permitted inbox attributes; a bad enum value is an ArgumentError (500).
func (c *ctx) applyInboxParams(in *inbox) *response {
	for _, k := range []string{"greeting_enabled", "enable_email_collect", "csat_survey_enabled", "enable_auto_assignment",
		"working_hours_enabled", "allow_messages_after_resolved", "lock_to_single_conversation"} {
		v, present := c.p[k]
		if !present {
			continue
		}
		b, _ := asBool(nullify(v))
		switch k {
		case "greeting_enabled":
			in.GreetingEnabled = b
		case "enable_email_collect":
			in.EnableEmailCollect = b
		case "csat_survey_enabled":
			in.CSATSurveyEnabled = b
		case "enable_auto_assignment":
			in.EnableAutoAssignment = b
		case "working_hours_enabled":
			in.WorkingHoursEnabled = b
		case "allow_messages_after_resolved":
			in.AllowMessagesAfterResolved = b
		case "lock_to_single_conversation":
			in.LockToSingleConversation = b
		}
	}
	str := func(k string) (*string, bool) {
		v, present := c.p[k]
		if !present {
			return nil, false
		}
		s, ok := asString(nullify(v))
		if !ok {
			return nil, true
		}
		return &s, true
	}
	if s, ok := str("name"); ok {
		in.Name = ""
		if s != nil {
			in.Name = *s
		}
	}
	if s, ok := str("greeting_message"); ok {
		in.GreetingMessage = s
	}
	if s, ok := str("out_of_office_message"); ok {
		in.OutOfOfficeMessage = s
	}
	if s, ok := str("business_name"); ok {
		in.BusinessName = s
	}
	if s, ok := str("timezone"); ok {
		in.Timezone = ""
		if s != nil {
			in.Timezone = *s
		}
	}
	if s, ok := str("sender_name_type"); ok && s != nil {
		if *s != "friendly" && *s != "professional" {
			return internalError()
		}
		in.SenderNameType = *s
	}
	if v, present := c.p["portal_id"]; present {
		if id, ok := asInt(nullify(v)); ok {
			in.PortalID = &id
		} else {
			in.PortalID = nil
		}
	}
	return nil
}

// applyChannelParams sets the channel's EDITABLE_ATTRS from params[:channel].
func applyChannelParams(in *inbox, ch map[string]any) *response {
	str := func(k string) (*string, bool) {
		v, present := ch[k]
		if !present {
			return nil, false
		}
		s, ok := asString(nullify(v))
		if !ok {
			return nil, true
		}
		return &s, true
	}
	if v, present := ch["hmac_mandatory"]; present {
		b, _ := asBool(v)
		in.HMACMandatory = b
	}
	if in.api() {
		if s, ok := str("webhook_url"); ok {
			in.WebhookURL = s
		}
		if m, ok := asMap(ch["additional_attributes"]); ok {
			in.AdditionalAttributes = toJSONB(m)
		}
		return nil
	}
	if s, ok := str("website_url"); ok {
		in.WebsiteURL = s
	}
	if s, ok := str("widget_color"); ok && s != nil {
		in.WidgetColor = *s
	}
	if s, ok := str("welcome_title"); ok {
		in.WelcomeTitle = s
	}
	if s, ok := str("welcome_tagline"); ok {
		in.WelcomeTagline = s
	}
	if s, ok := str("reply_time"); ok && s != nil {
		switch *s {
		case "in_a_few_minutes", "in_a_few_hours", "in_a_day":
			in.ReplyTime = *s
		default:
			return internalError()
		}
	}
	if v, present := ch["pre_chat_form_enabled"]; present {
		b, _ := asBool(v)
		in.PreChatFormEnabled = b
	}
	if m, ok := asMap(ch["pre_chat_form_options"]); ok {
		in.PreChatFormOptions = toJSONB(m)
	}
	if v, present := ch["continuity_via_email"]; present {
		b, _ := asBool(v)
		in.ContinuityViaEmail = b
	}
	if flags, present := ch["selected_feature_flags"]; present {
		in.FeatureFlags = 0
		for _, f := range asStringList(flags) {
			for i, n := range []string{"attachments", "emoji_picker", "end_conversation", "use_inbox_avatar_for_bot"} {
				if f == n {
					in.FeatureFlags |= 1 << i
				}
			}
		}
	}
	return nil
}

func validateInbox(in *inbox) *validation {
	v := &validation{}
	if strings.TrimSpace(in.Name) == "" {
		v.add("name", "can't be blank")
	} else if !inboxNameRegexp.MatchString(in.Name) {
		v.add("name", "should not start or end with symbols, and it should not have < > / \\ @ characters.")
	}
	if _, err := time.LoadLocation(in.Timezone); err != nil || in.Timezone == "" || in.Timezone == "Local" {
		v.add("timezone", "is not included in the list")
	}
	if in.GreetingMessage != nil && len([]rune(*in.GreetingMessage)) > 10000 {
		v.add("greeting_message", "is too long (maximum is 10000 characters)")
	}
	if in.OutOfOfficeMessage != nil && len([]rune(*in.OutOfOfficeMessage)) > 10000 {
		v.add("out_of_office_message", "is too long (maximum is 10000 characters)")
	}
	if in.webWidget() && (in.WebsiteURL == nil || strings.TrimSpace(*in.WebsiteURL) == "") {
		v.addFull("channel", "is invalid", "Website url can't be blank")
	}
	return v
}

// createInbox is InboxesController#create for the api and web_widget channel types.
func (c *ctx) createInbox() *response {
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	ch, ok := asMap(c.val("channel"))
	if !ok {
		return internalError() // permitted_params[:channel][:type] on nil
	}
	typ, _ := asString(ch["type"])
	var channelType string
	switch typ {
	case "api":
		channelType = "Channel::Api"
	case "web_widget":
		channelType = "Channel::WebWidget"
	default:
		v := &validation{}
		v.addFull("channel", "must exist", "Channel must exist")
		return v.invalid()
	}
	probe := &inbox{ChannelType: channelType, Timezone: "UTC", SenderNameType: "friendly", EnableAutoAssignment: true,
		EnableEmailCollect: true, AllowMessagesAfterResolved: true, WidgetColor: "#1f93ff", ReplyTime: "in_a_few_minutes",
		FeatureFlags: 7, ContinuityViaEmail: true, AdditionalAttributes: jsonb{}, PreChatFormOptions: jsonb{}, AutoAssignmentConfig: jsonb{}}
	if resp := c.applyInboxParams(probe); resp != nil {
		return resp
	}
	if resp := applyChannelParams(probe, ch); resp != nil {
		return resp
	}
	if v := validateInbox(probe); !v.empty() {
		return v.invalid()
	}
	in := c.newInbox(c.acc, probe.Name, channelType)
	keep := *in
	*in = *probe
	in.ID, in.AccountID, in.ChannelID, in.HMACToken, in.Identifier, in.WebsiteToken = keep.ID, keep.AccountID, keep.ChannelID, keep.HMACToken, keep.Identifier, keep.WebsiteToken
	in.WorkingHours, in.CreatedAt, in.UpdatedAt = keep.WorkingHours, keep.CreatedAt, keep.UpdatedAt
	return okResp(inboxView(c.st, in, c.isAdmin()))
}

func (c *ctx) updateInbox() *response {
	in, resp := c.accountInbox("id")
	if resp != nil {
		return resp
	}
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	probe := *in
	if resp := c.applyInboxParams(&probe); resp != nil {
		return resp
	}
	if ch, ok := asMap(c.val("channel")); ok {
		if resp := applyChannelParams(&probe, ch); resp != nil {
			return resp
		}
	}
	if whs, ok := c.val("working_hours").([]any); ok {
		probe.WorkingHours = append([]workingHour(nil), in.WorkingHours...)
		for _, raw := range whs {
			m, ok := raw.(map[string]any)
			if !ok {
				continue
			}
			d, ok := asInt(m["day_of_week"])
			if !ok || d < 0 || d > 6 {
				return internalError() // find_by(...) is nil: NoMethodError
			}
			w := &probe.WorkingHours[d]
			if v, ok := m["closed_all_day"]; ok {
				w.ClosedAllDay, _ = asBool(v)
			}
			if v, ok := m["open_all_day"]; ok {
				w.OpenAllDay, _ = asBool(v)
			}
			for k, dst := range map[string]**int{"open_hour": &w.OpenHour, "open_minutes": &w.OpenMinutes, "close_hour": &w.CloseHour, "close_minutes": &w.CloseMinutes} {
				if v, ok := m[k]; ok {
					if i, ok := asInt(v); ok {
						*dst = ptr(i)
					} else {
						*dst = nil
					}
				}
			}
		}
	}
	if v := validateInbox(&probe); !v.empty() {
		return v.invalid()
	}
	probe.UpdatedAt = c.now
	*in = probe
	return okResp(inboxView(c.st, in, c.isAdmin()))
}

// accountBotView is api/v1/models/_agent_bot through AgentBotPresenter.
func (c *ctx) accountBotView(b *agentBot) obj {
	o := obj{
		{"id", b.ID}, {"name", strOrNil(b.Name)}, {"description", strOrNil(b.Description)},
		{"outgoing_url", strOrNil(b.OutgoingURL)}, {"bot_type", b.BotType}, {"bot_config", b.BotConfig},
		{"account_id", intOrNil(b.AccountID)},
	}
	if b.AccountID != nil && *b.AccountID == c.acc.ID {
		o = append(o, kv{"access_token", b.Token})
	}
	return o
}

func (c *ctx) inboxAgentBot() *response {
	in, resp := c.accountInbox("id")
	if resp != nil {
		return resp
	}
	if in.AgentBotID != nil {
		if b := c.st.bots.get(*in.AgentBotID); b != nil {
			return okResp(obj{{"agent_bot", c.accountBotView(b)}})
		}
	}
	return okResp(obj{}) // an empty jbuilder block drops the agent_bot key
}

func (c *ctx) setAgentBot() *response {
	in, resp := c.accountInbox("id")
	if resp != nil {
		return resp
	}
	var b *agentBot
	if c.has("agent_bot") && c.val("agent_bot") != nil {
		id, _ := c.integer("agent_bot")
		if b = c.st.bots.get(id); b == nil {
			return resourceNotFound()
		}
	}
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	if b != nil {
		in.AgentBotID = &b.ID
	} else {
		in.AgentBotID = nil
	}
	return headOK()
}

// --- inbox members ---

func (c *ctx) inboxMembersView(in *inbox) *response {
	var users []*user
	for _, u := range c.st.users.list() {
		if in.hasMember(u.ID) && c.st.accountUser(c.acc.ID, u.ID) != nil {
			users = append(users, u)
		}
	}
	return okResp(obj{{"payload", agentsView(c.st, c.acc, users)}})
}

func (c *ctx) membersInbox(fromBody bool) (*inbox, *response) {
	var id int
	if fromBody {
		id, _ = c.integer("inbox_id")
	} else {
		id = c.pathID("inbox_id")
	}
	in := c.st.inboxes.get(id)
	if in == nil || in.AccountID != c.acc.ID {
		return nil, resourceNotFound()
	}
	return in, nil
}

func (c *ctx) showInboxMembers() *response {
	in, resp := c.membersInbox(false)
	if resp != nil {
		return resp
	}
	if !c.canSeeInbox(in) {
		return notAuthorizedAction()
	}
	return c.inboxMembersView(in)
}

// addInboxMember is Inbox#add_member: InboxMember#save! (user must exist, unique per inbox).
func (c *ctx) addInboxMember(in *inbox, userID int) *response {
	if c.st.users.get(userID) == nil {
		v := &validation{}
		v.addFull("user", "must exist", "User must exist")
		return v.invalid()
	}
	if in.hasMember(userID) {
		v := &validation{}
		v.add("user_id", "has already been taken")
		return v.invalid()
	}
	in.Members = append(in.Members, userID)
	return nil
}

func (c *ctx) userIDsParam() ([]int, bool) {
	return asIntList(c.val("user_ids"))
}

func (c *ctx) createInboxMembers() *response {
	in, resp := c.membersInbox(true)
	if resp != nil {
		return resp
	}
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	ids, ok := c.userIDsParam()
	if !ok {
		return internalError()
	}
	before := append([]int(nil), in.Members...)
	for _, id := range ids {
		if in.hasMember(id) || containsInt(before, id) {
			continue
		}
		if resp := c.addInboxMember(in, id); resp != nil {
			in.Members = before // the transaction rolls back
			return resp
		}
	}
	return c.inboxMembersView(in)
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func (c *ctx) updateInboxMembers() *response {
	in, resp := c.membersInbox(true)
	if resp != nil {
		return resp
	}
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	ids, ok := c.userIDsParam()
	if !ok {
		return internalError()
	}
	before := append([]int(nil), in.Members...)
	for _, id := range ids {
		if containsInt(before, id) {
			continue
		}
		if resp := c.addInboxMember(in, id); resp != nil {
			in.Members = before
			return resp
		}
	}
	var kept []int
	for _, id := range in.Members {
		if containsInt(ids, id) {
			kept = append(kept, id)
		}
	}
	in.Members = kept
	return c.inboxMembersView(in)
}

func (c *ctx) deleteInboxMembers() *response {
	in, resp := c.membersInbox(true)
	if resp != nil {
		return resp
	}
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	ids, ok := c.userIDsParam()
	if !ok {
		return internalError()
	}
	for _, id := range ids {
		if !in.hasMember(id) {
			return resourceNotFound() // remove_member uses find_by!
		}
	}
	var kept []int
	for _, id := range in.Members {
		if !containsInt(ids, id) {
			kept = append(kept, id)
		}
	}
	in.Members = kept
	return headOK()
}
