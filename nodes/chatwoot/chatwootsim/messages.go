package chatwootsim

import (
	"encoding/json"
	"strings"
)

// Messages: creation with Message's callbacks (Messages::MessageBuilder, app/models/message.rb),
// the account messages API and activity messages.

var messageTypes = map[string]int{"incoming": 0, "outgoing": 1, "activity": 2, "template": 3}

var contentTypes = map[string]bool{
	"text": true, "input_text": true, "input_textarea": true, "input_email": true, "input_select": true,
	"cards": true, "form": true, "article": true, "incoming_email": true, "input_csat": true, "integrations": true,
}

const maxContentLength = 150000

// msgFailure is why a message could not be built: a StandardError/ArgumentError (text) or an
// ActiveRecord::RecordInvalid (v). Callers render it the way their controller does.
type msgFailure struct {
	text string
	v    *validation
}

// messageText is e.message as MessagesController#create renders it.
func (f *msgFailure) messageText() string {
	if f.v != nil {
		full := make([]string, len(f.v.items))
		for i, e := range f.v.items {
			full[i] = e.full
		}
		return "Validation failed: " + strings.Join(full, ", ")
	}
	return f.text
}

// messageInput is what MessageBuilder reads from params.
type messageInput struct {
	content      *string
	messageType  int
	private      bool
	contentType  string
	contentAttrs map[string]any
	additional   jsonb
	echoID       string
	uploads      []*upload
	botSender    *agentBot
}

// parseMessageInput runs MessageBuilder's parameter handling.
func (c *ctx) parseMessageInput(in *inbox, p map[string]any) (*messageInput, *msgFailure) {
	mi := &messageInput{contentType: "text", contentAttrs: map[string]any{}, additional: jsonb{}}
	if s, ok := asString(p["content"]); ok {
		mi.content = &s
	}
	mt := "outgoing"
	if s, ok := asString(p["message_type"]); ok && p["message_type"] != nil {
		mt = s
	}
	if !in.api() && mt == "incoming" {
		return nil, &msgFailure{text: "Incoming messages are only allowed in Api inboxes"}
	}
	t, known := messageTypes[mt]
	if !known {
		return nil, &msgFailure{text: "'" + mt + "' is not a valid message_type"}
	}
	mi.messageType = t
	if v, ok := p["private"]; ok {
		b, _ := asBool(v)
		mi.private = b
	}
	if s, ok := asString(p["content_type"]); ok && p["content_type"] != nil && s != "" {
		if !contentTypes[s] {
			return nil, &msgFailure{text: "'" + s + "' is not a valid content_type"}
		}
		mi.contentType = s
	}
	var attrs map[string]any
	switch x := p["content_attributes"].(type) {
	case map[string]any:
		attrs = x
	case string:
		var m map[string]any
		if json.Unmarshal([]byte(x), &m) == nil {
			attrs = m
		}
	}
	// MessageBuilder copies only these keys of content_attributes into the message.
	for _, k := range []string{"items", "in_reply_to"} {
		if v, ok := attrs[k]; ok && v != nil {
			mi.contentAttrs[k] = cloneJSON(v)
		}
	}
	if v, ok := attrs["automation_rule_id"]; ok && v != nil {
		mi.contentAttrs["automation_rule_id"] = v
	}
	if v := p["external_created_at"]; !blank(v) {
		mi.contentAttrs["external_created_at"] = v
	}
	if v := p["campaign_id"]; !blank(v) {
		mi.additional["campaign_id"] = v
	}
	if v, ok := asMap(p["template_params"]); ok && len(v) > 0 {
		if _, hasName := v["name"]; !hasName {
			vv := &validation{}
			vv.addFull("template_params", "is invalid", "Template params is invalid")
			return nil, &msgFailure{v: vv}
		}
		mi.additional["template_params"] = cloneJSON(v)
	}
	if s, ok := asString(p["echo_id"]); ok {
		mi.echoID = s
	}
	if arr, ok := p["attachments"].([]any); ok {
		for _, a := range arr {
			if u, ok := a.(*upload); ok {
				mi.uploads = append(mi.uploads, u)
			}
		}
	}
	if st, _ := asString(p["sender_type"]); st == "AgentBot" {
		if id, ok := asInt(p["sender_id"]); ok {
			if b := c.st.bots.get(id); b != nil && (b.AccountID == nil || *b.AccountID == in.AccountID) {
				mi.botSender = b
			}
		}
	}
	if mi.content != nil && len([]rune(*mi.content)) > maxContentLength {
		vv := &validation{}
		vv.add("content", "is too long (maximum is 150000 characters)")
		return nil, &msgFailure{v: vv}
	}
	return mi, nil
}

// checkMessageParams validates the first message of a new conversation before anything is
// written: Rails builds it inside the conversation's transaction, where a RecordInvalid is a 422
// and any other exception a 500.
func (c *ctx) checkMessageParams(in *inbox, p map[string]any) *response {
	if _, f := c.parseMessageInput(in, p); f != nil {
		if f.v != nil {
			return f.v.invalid()
		}
		return internalError()
	}
	return nil
}

// buildMessage is MessageBuilder#perform for the account API. MessagesController passes
// `Current.user || @resource` (so a bot token sends as the bot); ConversationsController#create
// passes Current.user only (withResource false), which is nil for bot tokens.
func (c *ctx) buildMessage(conv *conversation, p map[string]any, withResource bool) (*message, *response) {
	in := c.st.inboxes.get(conv.InboxID)
	mi, f := c.parseMessageInput(in, p)
	if f != nil {
		return nil, couldNotCreate(f.messageText())
	}
	var senderType *string
	var senderID *int
	if mi.messageType == 1 {
		switch {
		case mi.botSender != nil:
			senderType, senderID = ptr("AgentBot"), ptr(mi.botSender.ID)
		case c.user != nil:
			senderType, senderID = ptr("User"), ptr(c.user.ID)
		case c.bot != nil && withResource:
			senderType, senderID = ptr("AgentBot"), ptr(c.bot.ID)
		}
	} else {
		senderType, senderID = ptr("Contact"), ptr(conv.ContactID)
	}
	m := c.insertMessage(conv, mi, senderType, senderID)
	return m, nil
}

// insertMessage saves a message and runs Message's after_create_commit callbacks.
func (c *ctx) insertMessage(conv *conversation, mi *messageInput, senderType *string, senderID *int) *message {
	id := c.st.messages.next()
	m := &message{
		ID: id, AccountID: conv.AccountID, InboxID: conv.InboxID, ConversationID: conv.ID, Content: mi.content,
		MessageType: mi.messageType, ContentType: mi.contentType, ContentAttributes: mi.contentAttrs,
		Private: mi.private, Status: "sent", SenderType: senderType, SenderID: senderID,
		ExternalSourceIDs: jsonb{}, AdditionalAttributes: mi.additional, Sentiment: jsonb{},
		CreatedAt: c.now, UpdatedAt: c.now, echoID: mi.echoID,
	}
	if mi.content != nil {
		m.ProcessedContent = ptr(*mi.content)
	}
	c.st.addMessage(m)
	for _, u := range mi.uploads {
		aid := c.st.attachments.next()
		c.st.attachments.put(aid, &attachment{
			ID: aid, AccountID: m.AccountID, MessageID: m.ID, FileType: fileType(u.ContentType),
			FileName: u.Filename, FileSize: u.Size, Token: c.nextToken("blob"),
		})
	}
	c.afterMessageCreate(conv, m)
	return m
}

// fileType is FileTypeHelper#file_type.
func fileType(contentType string) string {
	switch {
	case strings.HasPrefix(contentType, "image/"):
		return "image"
	case strings.HasPrefix(contentType, "video/"):
		return "video"
	case strings.HasPrefix(contentType, "audio/"):
		return "audio"
	}
	return "file"
}

func (m *message) senderIs(kind string) bool { return m.SenderType != nil && *m.SenderType == kind }

// humanResponse is Message#human_response?.
func (m *message) humanResponse() bool {
	return m.MessageType == 1 && m.ContentAttributes["automation_rule_id"] == nil &&
		m.AdditionalAttributes["campaign_id"] == nil && m.senderIs("User")
}

// afterMessageCreate is Message#execute_after_create_commit_callbacks.
func (c *ctx) afterMessageCreate(conv *conversation, m *message) {
	in := c.st.inboxes.get(conv.InboxID)
	// reopen_conversation
	if !conv.Muted && m.MessageType == 0 {
		switch conv.Status {
		case "snoozed":
			conv.Status, conv.SnoozedUntil = "open", nil
			c.reopenActivity(conv, in, m)
		case "resolved":
			if c.st.activeBot(in) {
				conv.Status = "pending"
				if c.user != nil {
					c.activity(conv, "Conversation was marked as pending by "+c.user.Name)
				}
			} else {
				conv.Status = "open"
				c.reopenActivity(conv, in, m)
			}
		}
	}
	// set_conversation_activity (and belongs_to touch)
	conv.LastActivityAt = m.CreatedAt
	conv.UpdatedAt = c.now
	// dispatch_create_events
	if c.validFirstReply(conv, m) {
		conv.FirstReplyCreatedAt = timePtr(m.CreatedAt)
		conv.WaitingSince = nil
		c.addEvent(conv, "first_response", m.CreatedAt.Sub(conv.CreatedAt).Seconds())
	} else {
		if m.humanResponse() && !m.Private && conv.WaitingSince != nil {
			c.addEvent(conv, "reply_time", m.CreatedAt.Sub(*conv.WaitingSince).Seconds())
			conv.WaitingSince = nil
		}
		if m.MessageType == 0 && conv.WaitingSince == nil {
			conv.WaitingSince = timePtr(m.CreatedAt)
		}
	}
	// update_contact_activity
	if m.senderIs("Contact") {
		if ct := c.st.contacts.get(*m.SenderID); ct != nil {
			ct.LastActivityAt = timePtr(c.now)
		}
	}
}

func (c *ctx) reopenActivity(conv *conversation, in *inbox, m *message) {
	switch {
	case in.api() && m.senderIs("Contact") && !m.Private:
		c.activity(conv, "System reopened the conversation due to a new incoming message.")
	case c.user != nil:
		c.activity(conv, "Conversation was reopened by "+c.user.Name)
	}
}

// validFirstReply is Message#valid_first_reply?.
func (c *ctx) validFirstReply(conv *conversation, m *message) bool {
	if !m.humanResponse() || m.Private || conv.FirstReplyCreatedAt != nil {
		return false
	}
	n := 0
	for _, x := range c.st.conversationMessages(conv) {
		if x.MessageType == 1 && !x.senderIs("AgentBot") && !x.Private && x.AdditionalAttributes["campaign_id"] == nil {
			n++
		}
	}
	return n <= 1
}

// activity writes an activity message (Conversations::ActivityMessageJob, run inline).
func (c *ctx) activity(conv *conversation, content string) {
	id := c.st.messages.next()
	m := &message{
		ID: id, AccountID: conv.AccountID, InboxID: conv.InboxID, ConversationID: conv.ID, Content: ptr(content),
		MessageType: 2, ContentType: "text", ContentAttributes: map[string]any{}, Status: "sent",
		ExternalSourceIDs: jsonb{}, AdditionalAttributes: jsonb{}, Sentiment: jsonb{}, ProcessedContent: ptr(content),
		CreatedAt: c.now, UpdatedAt: c.now,
	}
	c.st.addMessage(m)
	conv.LastActivityAt = m.CreatedAt
}

// --- account messages API ---

// listMessages is MessagesController#index with MessageFinder.
func (c *ctx) listMessages() *response {
	conv, resp := c.accountConversation("conversation_id")
	if resp != nil {
		return resp
	}
	msgs := c.st.conversationMessages(conv)
	after, hasAfter := c.integer("after")
	before, hasBefore := c.integer("before")
	hasAfter = hasAfter && c.present("after")
	hasBefore = hasBefore && c.present("before")
	msgs = findMessages(msgs, hasAfter, after, hasBefore, before)
	meta := obj{{"labels", labelList(conv)}, {"additional_attributes", conv.AdditionalAttributes}}
	if ct := c.st.contacts.get(conv.ContactID); ct != nil {
		meta = append(meta, kv{"contact", contactPushData(ct)})
	} else {
		meta = append(meta, kv{"contact", nil})
	}
	if conv.AssigneeID != nil {
		if u := c.st.users.get(*conv.AssigneeID); u != nil {
			meta = append(meta, kv{"assignee", userPushData(c.st, c.acc, u)})
		}
	}
	meta = append(meta, kv{"agent_last_seen_at", isoPtr(conv.AgentLastSeenAt)}, kv{"assignee_last_seen_at", isoPtr(conv.AssigneeLastSeenAt)})
	payload := make([]obj, 0, len(msgs))
	for _, m := range msgs {
		payload = append(payload, c.messageView(m))
	}
	return okResp(obj{{"meta", meta}, {"payload", payload}})
}

// findMessages is MessageFinder#current_messages over messages sorted oldest first.
func findMessages(msgs []*message, hasAfter bool, after int, hasBefore bool, before int) []*message {
	var out []*message
	switch {
	case hasAfter && hasBefore:
		for _, m := range msgs {
			if m.ID >= after && m.ID < before {
				out = append(out, m)
			}
		}
		if len(out) > 1000 {
			out = out[:1000]
		}
	case hasBefore:
		for _, m := range msgs {
			if m.ID < before {
				out = append(out, m)
			}
		}
		if len(out) > 20 {
			out = out[len(out)-20:]
		}
	case hasAfter:
		for _, m := range msgs {
			if m.ID > after {
				out = append(out, m)
			}
		}
		if len(out) > 100 {
			out = out[:100]
		}
	default:
		out = msgs
		if len(out) > 20 {
			out = out[len(out)-20:]
		}
	}
	if out == nil {
		out = []*message{}
	}
	return out
}

// createMessage is MessagesController#create: any failure is 422 {"error": message}.
func (c *ctx) createMessage() *response {
	conv, resp := c.accountConversation("conversation_id")
	if resp != nil {
		return resp
	}
	m, resp := c.buildMessage(conv, c.p, true)
	if resp != nil {
		return resp
	}
	if c.app != nil {
		// A platform app becomes the sender; its view has no push_event_data.
		m.SenderType, m.SenderID = ptr("PlatformApp"), ptr(c.app.ID)
		return internalError()
	}
	return okResp(c.messageView(m))
}

// deleteMessage soft-deletes: content replaced, content_attributes {deleted: true}, attachments gone.
func (c *ctx) deleteMessage() *response {
	conv, resp := c.accountConversation("conversation_id")
	if resp != nil {
		return resp
	}
	id := c.pathID("id")
	m := c.st.messages.get(id)
	if m == nil || m.ConversationID != conv.ID {
		return resourceNotFound()
	}
	m.Content = ptr("This message was deleted")
	m.ProcessedContent = ptr("This message was deleted")
	m.ContentAttributes = map[string]any{"deleted": true}
	m.UpdatedAt = c.now
	for _, a := range c.st.attachments.where(func(a *attachment) bool { return a.MessageID == m.ID }) {
		c.st.attachments.remove(a.ID)
	}
	return okResp(c.messageView(m))
}

// addEvent stores a reporting event the way ReportingEventListener does.
func (c *ctx) addEvent(conv *conversation, name string, value float64) {
	id := c.st.events.next()
	c.st.events.put(id, &reportingEvent{
		ID: id, AccountID: conv.AccountID, Name: name, Value: float64(int64(value)), InboxID: conv.InboxID,
		UserID: conv.AssigneeID, ConversationID: conv.ID, CreatedAt: c.now,
	})
}
