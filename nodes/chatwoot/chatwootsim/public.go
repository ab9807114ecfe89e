package chatwootsim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Public API (public/api/v1/inboxes/*): no token; identity comes from the path. RecordNotFound is
// not caught by an around filter here, so Rails' exception app answers {"status":404,...}.

func (c *ctx) publicInbox(param string) *inbox {
	id := c.path[param]
	return c.st.inboxes.first(func(in *inbox) bool { return in.api() && in.Identifier == id && id != "" })
}

func (c *ctx) publicContactInbox(in *inbox, param string) *contactInbox {
	sid := c.path[param]
	return c.st.contactInboxes.first(func(ci *contactInbox) bool { return ci.InboxID == in.ID && ci.SourceID == sid })
}

func publicInboxView(in *inbox) obj {
	return obj{
		{"identifier", in.Identifier}, {"identity_validation_enabled", in.HMACMandatory}, {"name", in.Name},
		{"timezone", in.Timezone}, {"working_hours", workingHoursView(in)}, {"working_hours_enabled", in.WorkingHoursEnabled},
		{"csat_survey_enabled", in.CSATSurveyEnabled}, {"greeting_enabled", in.GreetingEnabled},
	}
}

func publicContactView(ci *contactInbox, ct *contact) obj {
	return obj{
		{"source_id", ci.SourceID}, {"pubsub_token", ci.PubsubToken}, {"id", ct.ID}, {"name", ct.Name},
		{"email", strOrNil(ct.Email)}, {"phone_number", strOrNil(ct.PhoneNumber)},
	}
}

// publicMessageView is public/api/v1/models/_message.
func (c *ctx) publicMessageView(m *message) obj {
	conv := c.st.conversations.get(m.ConversationID)
	o := obj{
		{"id", m.ID}, {"content", strOrNil(m.Content)}, {"message_type", m.MessageType}, {"content_type", m.ContentType},
		{"content_attributes", contentAttributes(m)}, {"created_at", m.CreatedAt.Unix()}, {"conversation_id", conv.DisplayID},
	}
	if atts := c.messageAttachments(m); len(atts) > 0 {
		o = append(o, kv{"attachments", atts})
	}
	if s := c.senderPushData(m, nil); s != nil {
		o = append(o, kv{"sender", s})
	}
	return o
}

// publicConversationView is public/api/v1/models/_conversation; contact is the raw row.
func (c *ctx) publicConversationView(conv *conversation) obj {
	msgs := []obj{}
	for _, m := range c.st.conversationMessages(conv) {
		if m.MessageType != 2 && !m.Private { // Message.chat
			msgs = append(msgs, c.publicMessageView(m))
		}
	}
	var ct any
	if x := c.st.contacts.get(conv.ContactID); x != nil {
		ct = rawContact(x)
	}
	return obj{
		{"id", conv.DisplayID}, {"uuid", conv.UUID}, {"inbox_id", conv.InboxID},
		{"contact_last_seen_at", unixPtr(conv.ContactLastSeenAt)}, {"status", conv.Status},
		{"agent_last_seen_at", unixPtr(conv.AgentLastSeenAt)}, {"messages", msgs}, {"contact", ct},
	}
}

func (c *ctx) publicShowInbox() *response {
	in := c.publicInbox("id")
	if in == nil {
		return railsNotFound()
	}
	return okResp(publicInboxView(in))
}

// processHMAC is ContactsController#process_hmac: a failed check raises StandardError (500).
func (c *ctx) processHMAC(in *inbox, ci *contactInbox) *response {
	hash, _ := c.str("identifier_hash")
	if strings.TrimSpace(hash) == "" && !in.HMACMandatory {
		return nil
	}
	ident, _ := c.str("identifier")
	mac := hmac.New(sha256.New, []byte(in.HMACToken))
	mac.Write([]byte(ident))
	if hash != hex.EncodeToString(mac.Sum(nil)) {
		return internalError()
	}
	if ci != nil {
		ci.HMACVerified = true
	}
	return nil
}

// haikunate is Haikunator.haikunate(1000): the name of a contact created without one.
func (c *ctx) haikunate() string {
	adjectives := []string{"autumn", "hidden", "bitter", "misty", "silent", "empty", "dry", "dark", "summer", "icy",
		"delicate", "quiet", "white", "cool", "spring", "winter", "patient", "twilight", "dawn", "crimson"}
	nouns := []string{"waterfall", "river", "breeze", "moon", "rain", "wind", "sea", "morning", "snow", "lake",
		"sunset", "pine", "shadow", "leaf", "dawn", "glitter", "forest", "hill", "cloud", "meadow"}
	c.st.tokenSeq++
	h := sha256.Sum256([]byte(secureToken(c.s.seed, "haiku", c.st.tokenSeq)))
	n := int(h[2])<<8 | int(h[3])
	return adjectives[int(h[0])%len(adjectives)] + "-" + nouns[int(h[1])%len(nouns)] + "-" + itoa(n%1000)
}

// publicCreateContact is ContactsController#create with ContactInboxWithContactBuilder.
func (c *ctx) publicCreateContact() *response {
	in := c.publicInbox("inbox_id")
	if in == nil {
		return railsNotFound()
	}
	if resp := c.processHMAC(in, nil); resp != nil {
		return resp
	}
	sourceID, ok := c.str("source_id")
	if !ok || c.val("source_id") == nil {
		sourceID = c.nextUUID("source_id")
	}
	if ci := c.st.contactInboxes.first(func(x *contactInbox) bool { return x.InboxID == in.ID && x.SourceID == sourceID && sourceID != "" }); ci != nil {
		return okResp(publicContactView(ci, c.st.contacts.get(ci.ContactID)))
	}
	ct := c.findContactForPublic(in.AccountID)
	if ct == nil {
		ct = &contact{AccountID: in.AccountID}
		if s, ok := c.str("name"); ok && c.val("name") != nil {
			ct.Name = s
		} else {
			ct.Name = c.haikunate()
		}
		ct.PhoneNumber, ct.Email, ct.Identifier = c.strp("phone_number"), c.strp("email"), c.strp("identifier")
		if m, ok := asMap(c.val("custom_attributes")); ok {
			ct.CustomAttributes = toJSONB(m)
		}
		if v := c.saveNewContact(ct); v != nil {
			return v.invalid()
		}
	}
	ci := c.newContactInbox(ct, in, sourceID, false)
	return okResp(publicContactView(ci, ct))
}

// findContactForPublic matches by identifier, then e-mail (lower-cased), then phone number.
func (c *ctx) findContactForPublic(accountID int) *contact {
	inAccount := func(keep func(*contact) bool) *contact {
		return c.st.contacts.first(func(x *contact) bool { return x.AccountID == accountID && keep(x) })
	}
	if id, _ := c.str("identifier"); id != "" {
		if ct := inAccount(func(x *contact) bool { return x.Identifier != nil && *x.Identifier == id }); ct != nil {
			return ct
		}
	}
	if em, _ := c.str("email"); em != "" {
		em = strings.ToLower(em)
		if ct := inAccount(func(x *contact) bool { return x.Email != nil && *x.Email == em }); ct != nil {
			return ct
		}
	}
	if ph, _ := c.str("phone_number"); ph != "" {
		if ct := inAccount(func(x *contact) bool { return x.PhoneNumber != nil && *x.PhoneNumber == ph }); ct != nil {
			return ct
		}
	}
	return nil
}

// publicContactContext resolves the inbox and the contact inbox of a public path.
func (c *ctx) publicContactContext(contactParam string) (*inbox, *contactInbox, *response) {
	in := c.publicInbox("inbox_id")
	if in == nil {
		return nil, nil, railsNotFound()
	}
	ci := c.publicContactInbox(in, contactParam)
	if ci == nil {
		return nil, nil, railsNotFound()
	}
	return in, ci, nil
}

func (c *ctx) publicShowContact() *response {
	in, ci, resp := c.publicContactContext("id")
	if resp != nil {
		return resp
	}
	if resp := c.processHMAC(in, ci); resp != nil {
		return resp
	}
	return okResp(publicContactView(ci, c.st.contacts.get(ci.ContactID)))
}

// publicUpdateContact is ContactIdentifyAction without the identifier: it may merge contacts,
// and it renders the raw contact row.
func (c *ctx) publicUpdateContact() *response {
	in, ci, resp := c.publicContactContext("id")
	if resp != nil {
		return resp
	}
	if resp := c.processHMAC(in, ci); resp != nil {
		return resp
	}
	ct := c.st.contacts.get(ci.ContactID)
	update := map[string]bool{"name": true, "email": true, "phone_number": true}
	email, _ := c.str("email")
	phone, _ := c.str("phone_number")
	if email != "" {
		if other := c.st.contacts.first(func(x *contact) bool { return x.AccountID == ct.AccountID && x.Email != nil && *x.Email == email }); other != nil {
			ct = c.mergeContacts(other, ct)
		}
	}
	if phone != "" {
		if other := c.st.contacts.first(func(x *contact) bool {
			return x.AccountID == ct.AccountID && x.PhoneNumber != nil && *x.PhoneNumber == phone
		}); other != nil {
			if email == "" || other.Email == nil || *other.Email == "" || *other.Email == email {
				ct = c.mergeContacts(other, ct)
			} else {
				delete(update, "phone_number")
			}
		}
	}
	probe := *ct
	for _, k := range []string{"name", "email", "phone_number"} {
		s, ok := c.str(k)
		if !update[k] || !ok || strings.TrimSpace(s) == "" {
			continue
		}
		switch k {
		case "name":
			probe.Name = s
		case "email":
			probe.Email = &s
		case "phone_number":
			probe.PhoneNumber = &s
		}
	}
	if m, ok := asMap(c.val("custom_attributes")); ok && len(m) > 0 {
		probe.CustomAttributes = deepMergeJSONB(probe.CustomAttributes, m)
	}
	prepareContact(&probe)
	if v := c.st.validateContact(&probe); !v.empty() {
		return v.invalid()
	}
	probe.UpdatedAt = c.now
	*ct = probe
	return okResp(rawContact(ct))
}

// mergeContacts is ContactMergeAction: the mergee's conversations, contact inboxes and messages
// move to base, and the mergee is deleted.
func (c *ctx) mergeContacts(base, mergee *contact) *contact {
	if base.ID == mergee.ID {
		return base
	}
	for _, cv := range c.st.conversations.where(func(cv *conversation) bool { return cv.ContactID == mergee.ID }) {
		cv.ContactID = base.ID
	}
	for _, ci := range c.st.contactInboxes.where(func(ci *contactInbox) bool { return ci.ContactID == mergee.ID }) {
		ci.ContactID = base.ID
	}
	for _, m := range c.st.messages.where(func(m *message) bool { return m.senderIs("Contact") && *m.SenderID == mergee.ID }) {
		m.SenderID = ptr(base.ID)
	}
	base.CustomAttributes = mergeJSONB(mergee.CustomAttributes, base.CustomAttributes)
	base.AdditionalAttributes = mergeJSONB(mergee.AdditionalAttributes, base.AdditionalAttributes)
	c.st.contacts.remove(mergee.ID)
	return base
}

// publicListConversations: an hmac-verified contact inbox hits the 3.x bug (@contact is nil).
func (c *ctx) publicListConversations() *response {
	_, ci, resp := c.publicContactContext("contact_id")
	if resp != nil {
		return resp
	}
	if ci.HMACVerified {
		return internalError()
	}
	out := []obj{}
	for _, cv := range c.st.conversations.where(func(cv *conversation) bool { return cv.ContactInboxID == ci.ID }) {
		out = append(out, c.publicConversationView(cv))
	}
	return okResp(out)
}

func (c *ctx) publicCreateConversation() *response {
	_, ci, resp := c.publicContactContext("contact_id")
	if resp != nil {
		return resp
	}
	conv := c.buildConversation(ci, convParams{custom: toJSONB(c.val("custom_attributes"))})
	return okResp(c.publicConversationView(conv))
}

// publicConversation is set_conversation: the contact's conversations by display_id.
func (c *ctx) publicConversation() (*conversation, *contactInbox, *response) {
	_, ci, resp := c.publicContactContext("contact_id")
	if resp != nil {
		return nil, nil, resp
	}
	id := c.pathID("conversation_id")
	conv := c.st.conversations.first(func(cv *conversation) bool { return cv.ContactID == ci.ContactID && cv.DisplayID == id })
	if conv == nil {
		return nil, nil, railsNotFound()
	}
	return conv, ci, nil
}

func (c *ctx) publicListMessages() *response {
	conv, _, resp := c.publicConversation()
	if resp != nil {
		return resp
	}
	var chat []*message
	for _, m := range c.st.conversationMessages(conv) {
		if !m.Private && m.MessageType != 2 {
			chat = append(chat, m)
		}
	}
	before, hasBefore := c.integer("before")
	msgs := findMessages(chat, false, 0, hasBefore && c.present("before"), before)
	out := []obj{}
	for _, m := range msgs {
		out = append(out, c.publicMessageView(m))
	}
	return okResp(out)
}

func (c *ctx) publicCreateMessage() *response {
	conv, ci, resp := c.publicConversation()
	if resp != nil {
		return resp
	}
	mi := &messageInput{contentType: "text", contentAttrs: map[string]any{}, additional: jsonb{}}
	if s, ok := c.str("content"); ok && c.val("content") != nil {
		mi.content = &s
		if len([]rune(s)) > maxContentLength {
			v := &validation{}
			v.add("content", "is too long (maximum is 150000 characters)")
			return v.invalid()
		}
	}
	if s, ok := c.str("echo_id"); ok {
		mi.echoID = s
	}
	if arr, ok := c.val("attachments").([]any); ok {
		for _, a := range arr {
			if u, ok := a.(*upload); ok {
				mi.uploads = append(mi.uploads, u)
			}
		}
	}
	m := c.insertMessage(conv, mi, ptr("Contact"), ptr(ci.ContactID))
	m.echoID = "" // the public view never renders echo_id
	return okResp(c.publicMessageView(m))
}

// publicUpdateMessage stores submitted_values; CSAT answers lock after 14 days.
func (c *ctx) publicUpdateMessage() *response {
	conv, _, resp := c.publicConversation()
	if resp != nil {
		return resp
	}
	m := c.st.messages.get(c.pathID("id"))
	if m == nil || m.ConversationID != conv.ID {
		return railsNotFound()
	}
	days := int(truncDay(c.now).Sub(truncDay(m.CreatedAt)).Hours() / 24)
	if days > 14 && m.ContentType == "input_csat" {
		return couldNotCreate("You cannot update the CSAT survey after 14 days")
	}
	if sv, ok := c.p["submitted_values"]; ok {
		attrs := map[string]any{}
		for k, v := range m.ContentAttributes {
			attrs[k] = v
		}
		attrs["submitted_values"] = permitSubmittedValues(sv)
		m.ContentAttributes = attrs
		m.UpdatedAt = c.now
	}
	return okResp(c.publicMessageView(m))
}

func truncDay(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }

// permitSubmittedValues is permit(submitted_values: [:name, :title, :value, {csat_survey_response: [...]}]).
func permitSubmittedValues(v any) any {
	pick := func(m map[string]any) map[string]any {
		out := map[string]any{}
		for _, k := range []string{"name", "title", "value"} {
			if x, ok := m[k]; ok {
				if _, isScalar := asString(x); isScalar || x == nil {
					out[k] = x
				}
			}
		}
		if csat, ok := asMap(m["csat_survey_response"]); ok {
			inner := map[string]any{}
			for _, k := range []string{"feedback_message", "rating"} {
				if x, ok := csat[k]; ok {
					inner[k] = x
				}
			}
			out["csat_survey_response"] = inner
		}
		return out
	}
	switch x := v.(type) {
	case map[string]any:
		return pick(x)
	case []any:
		out := []any{}
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				out = append(out, pick(m))
			}
		}
		return out
	}
	return nil
}
