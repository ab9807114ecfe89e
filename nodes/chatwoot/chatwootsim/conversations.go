package chatwootsim

import (
	"net/http"
	"sort"
	"strings"
	"time"
)

// Conversations (api/v1/accounts/conversations_controller.rb and the conversations/* controllers).
// Every conversation id in paths and bodies is the per-account display_id.

var conversationStatuses = map[string]bool{"open": true, "resolved": true, "pending": true, "snoozed": true}
var conversationPriorities = map[string]bool{"low": true, "medium": true, "high": true, "urgent": true}

// accountConversation is find_by!(display_id:) plus `authorize inbox, :show?`.
func (c *ctx) accountConversation(param string) (*conversation, *response) {
	id := c.pathID(param)
	conv := c.st.conversations.first(func(cv *conversation) bool { return cv.AccountID == c.acc.ID && cv.DisplayID == id })
	if conv == nil {
		return nil, resourceNotFound()
	}
	in := c.st.inboxes.get(conv.InboxID)
	if in == nil || !c.canSeeInbox(in) {
		return nil, notAuthorizedAction()
	}
	return conv, nil
}

// conversationMessages returns a conversation's messages oldest first (Message default scope).
func (st *state) conversationMessages(conv *conversation) []*message {
	ms := append([]*message(nil), st.convMessages[conv.ID]...)
	sort.SliceStable(ms, func(i, j int) bool {
		if !ms[i].CreatedAt.Equal(ms[j].CreatedAt) {
			return ms[i].CreatedAt.Before(ms[j].CreatedAt)
		}
		return ms[i].ID < ms[j].ID
	})
	return ms
}

// unreadCount is conversation.unread_incoming_messages.count, capped at 10 by `.last(10)`.
func (st *state) unreadCount(conv *conversation) int {
	n := 0
	for _, m := range st.conversationMessages(conv) {
		if m.AccountID != conv.AccountID || m.MessageType != 0 {
			continue
		}
		if conv.AgentLastSeenAt != nil && !m.CreatedAt.After(*conv.AgentLastSeenAt) {
			continue
		}
		n++
	}
	if n > 10 {
		n = 10
	}
	return n
}

// canReply is Conversation#can_reply? for API and web-widget channels.
func (st *state) canReply(conv *conversation, now time.Time) bool {
	in := st.inboxes.get(conv.InboxID)
	if in == nil || !in.api() || in.AdditionalAttributes["agent_reply_time_window"] == nil {
		return true
	}
	hours, _ := asInt(in.AdditionalAttributes["agent_reply_time_window"])
	var last *message
	for _, m := range st.conversationMessages(conv) {
		if m.MessageType == 0 {
			last = m
		}
	}
	if last == nil {
		return false
	}
	return now.Before(last.CreatedAt.Add(time.Duration(hours) * time.Hour))
}

// messagePushData is Message#push_event_data: every column, then conversation, echo_id,
// attachments and sender.
func (c *ctx) messagePushData(m *message, acc *account) obj {
	conv := c.st.conversations.get(m.ConversationID)
	o := obj{
		{"id", m.ID}, {"content", strOrNil(m.Content)}, {"account_id", m.AccountID}, {"inbox_id", m.InboxID},
		{"conversation_id", conv.DisplayID}, {"message_type", m.MessageType}, {"created_at", m.CreatedAt.Unix()},
		{"updated_at", iso(m.UpdatedAt)}, {"private", m.Private}, {"status", m.Status}, {"source_id", strOrNil(m.SourceID)},
		{"content_type", m.ContentType}, {"content_attributes", contentAttributes(m)}, {"sender_type", strOrNil(m.SenderType)},
		{"sender_id", intOrNil(m.SenderID)}, {"external_source_ids", m.ExternalSourceIDs},
		{"additional_attributes", m.AdditionalAttributes}, {"processed_message_content", strOrNil(m.ProcessedContent)},
		{"sentiment", m.Sentiment},
	}
	var sourceID any
	if ci := c.st.contactInboxes.get(conv.ContactInboxID); ci != nil {
		sourceID = ci.SourceID
	}
	o = append(o, kv{"conversation", obj{
		{"assignee_id", intOrNil(conv.AssigneeID)}, {"unread_count", c.st.unreadCount(conv)},
		{"last_activity_at", conv.LastActivityAt.Unix()}, {"contact_inbox", obj{{"source_id", sourceID}}},
	}})
	if m.echoID != "" {
		o = append(o, kv{"echo_id", m.echoID})
	}
	if atts := c.messageAttachments(m); len(atts) > 0 {
		o = append(o, kv{"attachments", atts})
	}
	if s := c.senderPushData(m, acc); s != nil {
		o = append(o, kv{"sender", s})
	}
	return o
}

// contentAttributes renders the json column (insertion order is not kept: keys sort).
func contentAttributes(m *message) any {
	if m.ContentAttributes == nil {
		return obj{}
	}
	return m.ContentAttributes
}

func (c *ctx) messageAttachments(m *message) []obj {
	var out []obj
	for _, a := range c.st.attachments.where(func(a *attachment) bool { return a.MessageID == m.ID }) {
		out = append(out, attachmentPushData(c.baseURL(), a))
	}
	return out
}

func (c *ctx) senderPushData(m *message, acc *account) any {
	if m.SenderType == nil || m.SenderID == nil {
		return nil
	}
	switch *m.SenderType {
	case "Contact":
		if ct := c.st.contacts.get(*m.SenderID); ct != nil {
			return contactPushData(ct)
		}
	case "User":
		if u := c.st.users.get(*m.SenderID); u != nil {
			return userPushData(c.st, acc, u)
		}
	case "AgentBot":
		if b := c.st.bots.get(*m.SenderID); b != nil {
			return botPushData(b)
		}
	}
	return nil
}

// messageView is api/v1/models/_message.
func (c *ctx) messageView(m *message) obj {
	conv := c.st.conversations.get(m.ConversationID)
	o := obj{{"id", m.ID}, {"content", strOrNil(m.Content)}, {"inbox_id", m.InboxID}}
	if m.echoID != "" {
		o = append(o, kv{"echo_id", m.echoID})
	}
	o = append(o,
		kv{"conversation_id", conv.DisplayID}, kv{"message_type", m.MessageType}, kv{"content_type", m.ContentType},
		kv{"status", m.Status}, kv{"content_attributes", contentAttributes(m)}, kv{"created_at", m.CreatedAt.Unix()},
		kv{"private", m.Private}, kv{"source_id", strOrNil(m.SourceID)})
	if s := c.senderPushData(m, c.acc); s != nil {
		o = append(o, kv{"sender", s})
	}
	if atts := c.messageAttachments(m); len(atts) > 0 {
		o = append(o, kv{"attachments", atts})
	}
	return o
}

// conversationView is api/v1/conversations/partials/_conversation.
func (c *ctx) conversationView(conv *conversation) obj {
	st := c.st
	in := st.inboxes.get(conv.InboxID)
	meta := obj{}
	if ct := st.contacts.get(conv.ContactID); ct != nil {
		meta = append(meta, kv{"sender", contactView(st, ct, false, false)})
	} else {
		meta = append(meta, kv{"sender", nil})
	}
	var channel any
	if in != nil {
		channel = in.ChannelType
	}
	meta = append(meta, kv{"channel", channel})
	if conv.AssigneeID != nil {
		// `if conversation.assignee&.account`: the assignee must belong to Current.account.
		if u := st.users.get(*conv.AssigneeID); u != nil && st.accountUser(c.acc.ID, u.ID) != nil {
			meta = append(meta, kv{"assignee", agentView(st, c.acc, u)})
		}
	}
	if conv.TeamID != nil {
		if t := st.teams.get(*conv.TeamID); t != nil {
			meta = append(meta, kv{"team", teamView(t, c.user)})
		}
	}
	var hmac any
	if ci := st.contactInboxes.get(conv.ContactInboxID); ci != nil {
		hmac = ci.HMACVerified
	}
	meta = append(meta, kv{"hmac_verified", hmac})

	msgs := st.conversationMessages(conv)
	messages := []obj{}
	var lastNonActivity any
	if len(msgs) > 0 {
		messages = append(messages, c.messagePushData(msgs[len(msgs)-1], c.acc))
		var best *message
		for _, m := range msgs {
			if m.MessageType != 2 && (best == nil || m.ID > best.ID) {
				best = m
			}
		}
		if best != nil {
			lastNonActivity = c.messagePushData(best, c.acc)
		}
	}
	return obj{
		{"meta", meta}, {"id", conv.DisplayID}, {"messages", messages}, {"account_id", conv.AccountID},
		{"uuid", conv.UUID}, {"additional_attributes", conv.AdditionalAttributes},
		{"agent_last_seen_at", unixPtr(conv.AgentLastSeenAt)}, {"assignee_last_seen_at", unixPtr(conv.AssigneeLastSeenAt)},
		{"can_reply", st.canReply(conv, c.now)}, {"contact_last_seen_at", unixPtr(conv.ContactLastSeenAt)},
		{"custom_attributes", conv.CustomAttributes}, {"inbox_id", conv.InboxID}, {"labels", labelList(conv)},
		{"muted", conv.Muted}, {"snoozed_until", isoPtr(conv.SnoozedUntil)}, {"status", conv.Status},
		{"created_at", conv.CreatedAt.Unix()}, {"timestamp", conv.LastActivityAt.Unix()},
		{"first_reply_created_at", unixPtr(conv.FirstReplyCreatedAt)}, {"unread_count", st.unreadCount(conv)},
		{"last_non_activity_message", lastNonActivity}, {"last_activity_at", conv.LastActivityAt.Unix()},
		{"priority", strOrNil(conv.Priority)}, {"waiting_since", unixPtr(conv.WaitingSince)},
	}
}

func labelList(conv *conversation) []string {
	if conv.Labels == nil {
		return []string{}
	}
	return conv.Labels
}

// activeBot is Inbox#active_bot?: an attached agent bot or a dialogflow hook.
func (st *state) activeBot(in *inbox) bool {
	if in.AgentBotID != nil && st.bots.get(*in.AgentBotID) != nil {
		return true
	}
	return st.hooks.first(func(h *hook) bool { return h.InboxID != nil && *h.InboxID == in.ID && h.AppID == "dialogflow" }) != nil
}

// convParams are ConversationBuilder#conversation_params.
type convParams struct {
	additional, custom jsonb
	status             string
	snoozedUntil       *time.Time
	assigneeID, teamID *int
}

// buildConversation is ConversationBuilder#perform.
func (c *ctx) buildConversation(ci *contactInbox, p convParams) *conversation {
	in := c.st.inboxes.get(ci.InboxID)
	if in.LockToSingleConversation {
		var last *conversation
		for _, cv := range c.st.conversations.list() {
			if cv.ContactInboxID == ci.ID {
				last = cv
			}
		}
		if last != nil {
			return last
		}
	}
	acc := c.st.accounts.get(in.AccountID)
	id := c.st.conversations.next()
	acc.convSeq++
	conv := &conversation{
		ID: id, DisplayID: acc.convSeq, AccountID: in.AccountID, InboxID: in.ID, ContactID: ci.ContactID,
		ContactInboxID: ci.ID, UUID: c.nextUUID("conversation"), Status: "open",
		AdditionalAttributes: p.additional, CustomAttributes: p.custom, SnoozedUntil: p.snoozedUntil,
		AssigneeID: p.assigneeID, TeamID: p.teamID, Labels: []string{},
		CreatedAt: c.now, UpdatedAt: c.now, LastActivityAt: c.now, WaitingSince: timePtr(c.now),
	}
	if conv.AdditionalAttributes == nil {
		conv.AdditionalAttributes = jsonb{}
	}
	if conv.CustomAttributes == nil {
		conv.CustomAttributes = jsonb{}
	}
	if p.status != "" {
		conv.Status = p.status
	}
	if c.st.activeBot(in) {
		conv.Status = "pending"
	}
	if conv.Status != "snoozed" {
		conv.SnoozedUntil = nil
	}
	if conv.TeamID != nil && conv.AssigneeID != nil {
		if t := c.st.teams.get(*conv.TeamID); t != nil && !t.hasMember(*conv.AssigneeID) {
			conv.AssigneeID = nil
		}
	}
	c.st.conversations.put(id, conv)
	if conv.TeamID != nil {
		c.teamChangeActivity(conv, nil, conv.AssigneeID != nil)
	} else if conv.AssigneeID != nil {
		c.assigneeChangeActivity(conv)
	}
	return conv
}

// createConversation is POST /conversations (newConversation).
func (c *ctx) createConversation() *response {
	var in *inbox
	if c.present("inbox_id") {
		id, _ := c.integer("inbox_id")
		in = c.st.inboxes.get(id)
		if in == nil || in.AccountID != c.acc.ID {
			return resourceNotFound()
		}
		if !c.canSeeInbox(in) {
			return notAuthorizedAction()
		}
	}
	var ct *contact
	if c.present("contact_id") {
		id, _ := c.integer("contact_id")
		ct = c.st.contacts.get(id)
		if ct == nil || ct.AccountID != c.acc.ID {
			return resourceNotFound()
		}
	}
	sourceID, hasSource := c.str("source_id")
	var ci *contactInbox
	if in != nil && ct != nil {
		var resp *response
		ci, resp = c.contactInboxFor(ct, in, c.strp("source_id"), c.hmacVerifiedParam())
		if resp != nil {
			return resp
		}
	}
	if ci == nil {
		ci = c.st.contactInboxes.first(func(x *contactInbox) bool { return hasSource && x.SourceID == sourceID })
		if ci == nil {
			return resourceNotFound()
		}
		if cin := c.st.inboxes.get(ci.InboxID); cin == nil || !c.canSeeInbox(cin) {
			return notAuthorizedAction()
		}
	}
	p := convParams{additional: toJSONB(c.val("additional_attributes")), custom: toJSONB(c.val("custom_attributes"))}
	if c.present("status") {
		s, _ := c.str("status")
		if !conversationStatuses[s] {
			return internalError() // enum ArgumentError
		}
		p.status = s
	}
	if c.present("snoozed_until") {
		t, ok := parseRailsTime(c.val("snoozed_until"))
		if !ok {
			return internalError()
		}
		p.snoozedUntil = &t
	}
	if id, ok := c.integer("assignee_id"); ok {
		p.assigneeID = &id
	}
	if id, ok := c.integer("team_id"); ok {
		p.teamID = &id
	}
	var msgParams map[string]any
	if m, ok := asMap(c.val("message")); ok && len(m) > 0 {
		msgParams = m
	}
	if msgParams != nil {
		// The transaction rolls back when the first message fails, so check it first.
		if resp := c.checkMessageParams(c.st.inboxes.get(ci.InboxID), msgParams); resp != nil {
			return resp
		}
	}
	conv := c.buildConversation(ci, p)
	if msgParams != nil {
		if _, resp := c.buildMessage(conv, msgParams, false); resp != nil {
			return resp
		}
	}
	return okResp(c.conversationView(conv))
}

// hmacVerifiedParam is HmacConcern#hmac_verified?.
func (c *ctx) hmacVerifiedParam() bool {
	b, ok := asBool(c.val("hmac_verified"))
	return ok && b
}

// parseRailsTime reads a time parameter: unix seconds (DateTime.strptime '%s') or ISO 8601.
func parseRailsTime(v any) (time.Time, bool) {
	s, ok := asString(v)
	if !ok {
		return time.Time{}, false
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	allDigits := true
	for _, r := range s {
		if (r < '0' || r > '9') && r != '-' {
			allDigits = false
		}
	}
	if allDigits {
		return time.Unix(int64(rubyToI(s)), 0).UTC(), true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func (c *ctx) showConversation() *response {
	conv, resp := c.accountConversation("id")
	if resp != nil {
		return resp
	}
	return okResp(c.conversationView(conv))
}

// --- ConversationFinder ---

type finderResult struct {
	convs                              []*conversation
	mine, assigned, unassigned, allCnt int
}

func (c *ctx) conversationFinder() (*finderResult, *response) {
	inboxIDs := map[int]bool{}
	for _, in := range c.assignedInboxes() {
		inboxIDs[in.ID] = true
	}
	if c.has("inbox_id") {
		want, _ := c.integer("inbox_id")
		for id := range inboxIDs {
			if id != want {
				delete(inboxIDs, id)
			}
		}
	}
	var teamID *int
	if c.has("team_id") {
		id, _ := c.integer("team_id")
		t := c.st.teams.get(id)
		if t == nil || t.AccountID != c.acc.ID {
			return nil, resourceNotFound()
		}
		teamID = &id
	}
	convs := c.st.conversations.where(func(cv *conversation) bool { return cv.AccountID == c.acc.ID && inboxIDs[cv.InboxID] })
	switch ct, _ := c.str("conversation_type"); ct {
	case "mention", "participating":
		convs = nil // the simulator keeps no mentions or participants
	case "unattended":
		convs = filterConvs(convs, unattended)
	}
	q, hasQ := c.str("q")
	if !hasQ {
		status, _ := c.str("status")
		if status == "" {
			status = "open"
		}
		if status != "all" {
			convs = filterConvs(convs, func(cv *conversation) bool { return cv.Status == status })
		}
	}
	if teamID != nil {
		convs = filterConvs(convs, func(cv *conversation) bool { return cv.TeamID != nil && *cv.TeamID == *teamID })
	}
	if c.has("labels") {
		want := splitLabels(c.val("labels"))
		convs = filterConvs(convs, func(cv *conversation) bool {
			for _, l := range cv.Labels {
				if containsFold(want, l) {
					return true
				}
			}
			return false
		})
	}
	if hasQ {
		needle := strings.ToLower(q)
		convs = filterConvs(convs, func(cv *conversation) bool {
			for _, m := range c.st.conversationMessages(cv) {
				if (m.MessageType == 0 || m.MessageType == 1) && m.Content != nil && strings.Contains(strings.ToLower(*m.Content), needle) {
					return true
				}
			}
			return false
		})
	}
	if sid, ok := c.str("source_id"); ok {
		convs = filterConvs(convs, func(cv *conversation) bool {
			ci := c.st.contactInboxes.get(cv.ContactInboxID)
			return ci != nil && ci.SourceID == sid
		})
	}
	res := &finderResult{}
	res.mine, res.unassigned, res.allCnt = c.counts(convs)
	res.assigned = res.allCnt - res.unassigned
	switch at, _ := c.str("assignee_type"); at {
	case "me":
		convs = filterConvs(convs, func(cv *conversation) bool {
			return c.user != nil && cv.AssigneeID != nil && *cv.AssigneeID == c.user.ID
		})
	case "unassigned":
		convs = filterConvs(convs, func(cv *conversation) bool { return cv.AssigneeID == nil })
	case "assigned":
		convs = filterConvs(convs, func(cv *conversation) bool { return cv.AssigneeID != nil })
	}
	sortBy, _ := c.str("sort_by")
	sortConversations(convs, sortBy, c.now)
	res.convs = convs
	return res, nil
}

func (c *ctx) counts(convs []*conversation) (mine, unassigned, all int) {
	for _, cv := range convs {
		if cv.AssigneeID == nil {
			unassigned++
		} else if c.user != nil && *cv.AssigneeID == c.user.ID {
			mine++
		}
	}
	return mine, unassigned, len(convs)
}

func unattended(cv *conversation) bool {
	return cv.FirstReplyCreatedAt == nil || cv.WaitingSince != nil
}

func filterConvs(in []*conversation, keep func(*conversation) bool) []*conversation {
	var out []*conversation
	for _, cv := range in {
		if keep(cv) {
			out = append(out, cv)
		}
	}
	return out
}

// splitLabels reads labels as an array or an acts-as-taggable comma-separated list.
func splitLabels(v any) []string {
	var out []string
	for _, s := range asStringList(v) {
		for _, part := range strings.Split(s, ",") {
			if p := strings.TrimSpace(part); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func containsFold(xs []string, s string) bool {
	for _, x := range xs {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// sortConversations applies SortHandler; unknown values fall back to latest.
func sortConversations(convs []*conversation, by string, now time.Time) {
	less := func(i, j int) bool { // latest
		return convs[i].LastActivityAt.After(convs[j].LastActivityAt)
	}
	switch by {
	case "sort_on_created_at":
		less = func(i, j int) bool { return convs[i].CreatedAt.Before(convs[j].CreatedAt) }
	case "sort_on_priority":
		rank := map[string]int{"low": 0, "medium": 1, "high": 2, "urgent": 3}
		p := func(cv *conversation) int {
			if cv.Priority == nil {
				return 0
			}
			return rank[*cv.Priority]
		}
		less = func(i, j int) bool {
			if p(convs[i]) != p(convs[j]) {
				return p(convs[i]) > p(convs[j])
			}
			return convs[i].LastActivityAt.After(convs[j].LastActivityAt)
		}
	case "sort_on_waiting_since":
		w := func(cv *conversation) time.Time {
			if cv.WaitingSince == nil {
				return now
			}
			return *cv.WaitingSince
		}
		less = func(i, j int) bool {
			if !w(convs[i]).Equal(w(convs[j])) {
				return w(convs[i]).Before(w(convs[j]))
			}
			return convs[i].CreatedAt.Before(convs[j].CreatedAt)
		}
	}
	sort.SliceStable(convs, less)
}

// conversationsPerPage is Kaminari's default page size.
const conversationsPerPage = 25

// page returns Kaminari's page slice; page values below 1 mean page 1.
func page[T any](items []T, pageParam any, per int) []T {
	p := 1
	if v, ok := asInt(pageParam); ok && v > 1 {
		p = v
	}
	start := (p - 1) * per
	if start >= len(items) {
		return []T{}
	}
	end := start + per
	if end > len(items) {
		end = len(items)
	}
	return items[start:end]
}

func (c *ctx) conversationViews(convs []*conversation) []obj {
	out := make([]obj, 0, len(convs))
	for _, cv := range convs {
		out = append(out, c.conversationView(cv))
	}
	return out
}

func (c *ctx) listConversations() *response {
	res, resp := c.conversationFinder()
	if resp != nil {
		return resp
	}
	return okResp(obj{{"data", obj{
		{"meta", obj{{"mine_count", res.mine}, {"assigned_count", res.assigned}, {"unassigned_count", res.unassigned}, {"all_count", res.allCnt}}},
		{"payload", c.conversationViews(page(res.convs, c.val("page"), conversationsPerPage))},
	}}})
}

func (c *ctx) conversationsMeta() *response {
	res, resp := c.conversationFinder()
	if resp != nil {
		return resp
	}
	return okResp(obj{{"meta", obj{{"mine_count", res.mine}, {"assigned_count", res.assigned}, {"unassigned_count", res.unassigned}, {"all_count", res.allCnt}}}})
}

// filterConversations is Conversations::FilterService: over every conversation of the account.
func (c *ctx) filterConversations() *response {
	clauses, ok := c.val("payload").([]any)
	if !ok {
		return internalError() // nil.each_with_index
	}
	all := c.st.conversations.where(func(cv *conversation) bool { return cv.AccountID == c.acc.ID })
	matched, resp := c.runFilter(clauses, all, conversationFilterAttr)
	if resp != nil {
		return resp
	}
	sortConversations(matched, "latest", c.now)
	mine, unassigned, allCnt := c.counts(matched)
	return jsonResp(http.StatusOK, obj{
		{"meta", obj{{"mine_count", mine}, {"unassigned_count", unassigned}, {"all_count", allCnt}}},
		{"payload", c.conversationViews(page(matched, c.val("page"), conversationsPerPage))},
	})
}

// toggleStatus is ConversationsController#toggle_status.
func (c *ctx) toggleStatus() *response {
	conv, resp := c.accountConversation("id")
	if resp != nil {
		return resp
	}
	old := conv.Status
	if c.present("status") {
		s, _ := c.str("status")
		if !conversationStatuses[s] {
			return internalError()
		}
		if c.has("snoozed_until") {
			t, ok := parseRailsTime(c.val("snoozed_until"))
			if !ok {
				return internalError()
			}
			conv.SnoozedUntil = &t
		}
		conv.Status = s
	} else if conv.Status == "open" {
		conv.Status = "resolved"
	} else {
		conv.Status = "open"
	}
	if conv.Status != "snoozed" {
		conv.SnoozedUntil = nil
	}
	conv.UpdatedAt = c.now
	if old != conv.Status {
		c.statusChanged(conv)
	}
	if conv.Status == "open" && c.user != nil && c.au != nil && c.au.Role == "agent" {
		c.updateAssignee(conv, &c.user.ID)
	}
	return okResp(obj{{"payload", obj{
		{"success", true}, {"conversation_id", conv.DisplayID}, {"current_status", conv.Status},
		{"snoozed_until", isoPtr(conv.SnoozedUntil)},
	}}})
}

// statusChanged runs the status callbacks: activity message and resolution reporting event.
func (c *ctx) statusChanged(conv *conversation) {
	if conv.Status == "resolved" {
		c.addEvent(conv, "conversation_resolved", conv.UpdatedAt.Sub(conv.CreatedAt).Seconds())
	}
	if c.user != nil {
		text := map[string]string{
			"resolved": "Conversation was marked resolved by %s", "open": "Conversation was reopened by %s",
			"pending": "Conversation was marked as pending by %s", "snoozed": "Conversation was snoozed by %s",
		}[conv.Status]
		c.activity(conv, strings.Replace(text, "%s", c.user.Name, 1))
	}
}

func (c *ctx) togglePriority() *response {
	conv, resp := c.accountConversation("id")
	if resp != nil {
		return resp
	}
	var p *string
	if c.present("priority") {
		s, _ := c.str("priority")
		if !conversationPriorities[s] {
			return internalError() // enum ArgumentError, e.g. the spec's "none"
		}
		p = &s
	}
	old := conv.Priority
	conv.Priority = p
	conv.UpdatedAt = c.now
	if (old == nil) != (p == nil) || (old != nil && p != nil && *old != *p) {
		name := ""
		if c.user != nil {
			name = c.user.Name
		}
		switch {
		case old != nil && p != nil:
			c.activity(conv, name+" changed the priority from "+*old+" to "+*p)
		case p != nil:
			c.activity(conv, name+" set the priority to "+*p)
		default:
			c.activity(conv, name+" removed the priority")
		}
	}
	return headOK()
}

// updateAssignee is Conversation#update_assignee plus its activity message.
func (c *ctx) updateAssignee(conv *conversation, userID *int) {
	same := (conv.AssigneeID == nil && userID == nil) || (conv.AssigneeID != nil && userID != nil && *conv.AssigneeID == *userID)
	if same {
		return
	}
	conv.AssigneeID = userID
	conv.UpdatedAt = c.now
	c.assigneeChangeActivity(conv)
}

func (c *ctx) assigneeChangeActivity(conv *conversation) {
	if c.user == nil {
		return
	}
	switch {
	case conv.AssigneeID == nil:
		c.activity(conv, "Conversation unassigned by "+c.user.Name)
	case *conv.AssigneeID == c.user.ID:
		c.activity(conv, c.user.Name+" self-assigned this conversation")
	default:
		name := ""
		if u := c.st.users.get(*conv.AssigneeID); u != nil {
			name = u.Name
		}
		c.activity(conv, "Assigned to "+name+" by "+c.user.Name)
	}
}

func (c *ctx) teamChangeActivity(conv *conversation, previous *int, withAssignee bool) {
	if c.user == nil {
		return
	}
	if conv.TeamID != nil {
		t := c.st.teams.get(*conv.TeamID)
		if t != nil {
			if withAssignee && conv.AssigneeID != nil {
				if u := c.st.users.get(*conv.AssigneeID); u != nil {
					c.activity(conv, "Assigned to "+u.Name+" via "+t.Name+" by "+c.user.Name)
					return
				}
			}
			c.activity(conv, "Assigned to "+t.Name+" by "+c.user.Name)
			return
		}
	}
	name := ""
	if previous != nil {
		if t := c.st.teams.get(*previous); t != nil {
			name = t.Name
		}
	}
	c.activity(conv, "Unassigned from "+name+" by "+c.user.Name)
}

// assign is Conversations::AssignmentsController#create.
func (c *ctx) assign() *response {
	conv, resp := c.accountConversation("conversation_id")
	if resp != nil {
		return resp
	}
	switch {
	case c.has("assignee_id"):
		id, _ := c.integer("assignee_id")
		var agent *user
		if u := c.st.users.get(id); u != nil && c.st.accountUser(c.acc.ID, u.ID) != nil {
			agent = u
		}
		if agent == nil {
			c.updateAssignee(conv, nil)
			return okResp(nil)
		}
		c.updateAssignee(conv, &agent.ID)
		return okResp(agentView(c.st, c.acc, agent))
	case c.has("team_id"):
		id, _ := c.integer("team_id")
		t := c.st.teams.get(id)
		if t != nil && t.AccountID != c.acc.ID {
			t = nil
		}
		prev := conv.TeamID
		var newID *int
		if t != nil {
			newID = &t.ID
		}
		changed := (prev == nil) != (newID == nil) || (prev != nil && newID != nil && *prev != *newID)
		if changed {
			conv.TeamID = newID
			assigneeDropped := false
			if t != nil && conv.AssigneeID != nil && !t.hasMember(*conv.AssigneeID) {
				conv.AssigneeID = nil
				assigneeDropped = true
			}
			conv.UpdatedAt = c.now
			c.teamChangeActivity(conv, prev, assigneeDropped)
		}
		if t == nil {
			return okResp(nil)
		}
		return okResp(rawTeam(t))
	}
	return okResp(nil)
}

func (c *ctx) listLabels() *response {
	conv, resp := c.accountConversation("conversation_id")
	if resp != nil {
		return resp
	}
	return okResp(obj{{"payload", labelList(conv)}})
}

// addLabels is LabelConcern#create: the list REPLACES the conversation's labels.
func (c *ctx) addLabels() *response {
	conv, resp := c.accountConversation("conversation_id")
	if resp != nil {
		return resp
	}
	assigned := dedupe(splitLabels(c.val("labels")))
	var kept, added, removed []string
	for _, l := range conv.Labels {
		if containsFold(assigned, l) {
			kept = append(kept, l)
		} else {
			removed = append(removed, l)
		}
	}
	for _, l := range assigned {
		if !containsFold(conv.Labels, l) {
			added = append(added, l)
			c.st.ensureLabel(c.acc.ID, l)
		}
	}
	// taggings keep their creation order: surviving labels first, then new ones.
	conv.Labels = append(append([]string{}, kept...), added...)
	if len(added) > 0 || len(removed) > 0 {
		conv.UpdatedAt = c.now
		if c.user != nil {
			if len(added) > 0 {
				c.activity(conv, c.user.Name+" added "+strings.Join(added, ", "))
			}
			if len(removed) > 0 {
				c.activity(conv, c.user.Name+" removed "+strings.Join(removed, ", "))
			}
		}
	}
	return okResp(obj{{"payload", assigned}})
}

func dedupe(xs []string) []string {
	out := []string{}
	for _, x := range xs {
		if !containsFold(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func (st *state) ensureLabel(accountID int, title string) {
	if st.labels.first(func(l *label) bool { return l.AccountID == accountID && strings.EqualFold(l.Title, title) }) != nil {
		return
	}
	id := st.labels.next()
	st.labels.put(id, &label{ID: id, AccountID: accountID, Title: title})
}

// contactConversations is Contacts::ConversationsController#index: newest first, at most 20.
func (c *ctx) contactConversations() *response {
	ct := c.accountContact("contact_id")
	if ct == nil {
		return resourceNotFound()
	}
	visible := map[int]bool{}
	if c.user != nil {
		for _, in := range c.assignedInboxes() {
			visible[in.ID] = true
		}
	}
	convs := c.st.conversations.where(func(cv *conversation) bool {
		return cv.AccountID == c.acc.ID && cv.ContactID == ct.ID && visible[cv.InboxID]
	})
	sort.SliceStable(convs, func(i, j int) bool { return convs[i].ID > convs[j].ID })
	if len(convs) > 20 {
		convs = convs[:20]
	}
	return okResp(obj{{"payload", c.conversationViews(convs)}})
}
