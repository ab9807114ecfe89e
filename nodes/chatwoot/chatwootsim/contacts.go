package chatwootsim

import (
	"regexp"
	"sort"
	"strings"
)

// Contacts (api/v1/accounts/contacts_controller.rb and contacts/*).

// contactsPerPage is ContactsController::RESULTS_PER_PAGE.
const contactsPerPage = 15

// phoneRegexp is Contact's phone_number format.
var phoneRegexp = regexp.MustCompile(`\+[1-9]\d{1,14}\z`)

func (c *ctx) accountContact(param string) *contact {
	ct := c.st.contacts.get(c.pathID(param))
	if ct == nil || ct.AccountID != c.acc.ID {
		return nil
	}
	return ct
}

// validateContact runs Contact's validations (after prepare_contact_attributes).
func (st *state) validateContact(ct *contact) *validation {
	v := &validation{}
	others := st.contacts.where(func(x *contact) bool { return x.AccountID == ct.AccountID && x.ID != ct.ID })
	if ct.Email != nil && *ct.Email != "" {
		if !emailRegexp.MatchString(*ct.Email) {
			v.add("email", "Invalid email")
		} else {
			for _, o := range others {
				if o.Email != nil && strings.EqualFold(*o.Email, *ct.Email) {
					v.add("email", "has already been taken")
					break
				}
			}
		}
	}
	if ct.Identifier != nil && *ct.Identifier != "" {
		for _, o := range others {
			if o.Identifier != nil && *o.Identifier == *ct.Identifier {
				v.add("identifier", "has already been taken")
				break
			}
		}
	}
	if ct.PhoneNumber != nil && *ct.PhoneNumber != "" {
		for _, o := range others {
			if o.PhoneNumber != nil && *o.PhoneNumber == *ct.PhoneNumber {
				v.add("phone_number", "has already been taken")
				break
			}
		}
		if !phoneRegexp.MatchString(*ct.PhoneNumber) {
			v.add("phone_number", "should be in e164 format")
		}
	}
	return v
}

// prepareContact is prepare_contact_attributes: e-mail lower-cased (blank -> nil), jsonb defaults.
func prepareContact(ct *contact) {
	if ct.Email != nil {
		if strings.TrimSpace(*ct.Email) == "" {
			ct.Email = nil
		} else {
			ct.Email = ptr(strings.ToLower(*ct.Email))
		}
	}
	if ct.AdditionalAttributes == nil {
		ct.AdditionalAttributes = jsonb{}
	}
	if ct.CustomAttributes == nil {
		ct.CustomAttributes = jsonb{}
	}
}

// saveNewContact validates and inserts a contact.
func (c *ctx) saveNewContact(ct *contact) *validation {
	prepareContact(ct)
	if v := c.st.validateContact(ct); !v.empty() {
		return v
	}
	ct.ID = c.st.contacts.next()
	ct.CreatedAt, ct.UpdatedAt = c.now, c.now
	c.st.contacts.put(ct.ID, ct)
	return nil
}

// contactInboxFor is ContactInboxBuilder#perform (find_or_create_by contact, inbox, source_id).
func (c *ctx) contactInboxFor(ct *contact, in *inbox, sourceID *string, hmacVerified bool) (*contactInbox, *response) {
	sid := ""
	if sourceID != nil && *sourceID != "" {
		sid = *sourceID
	} else {
		sid = c.nextUUID("source_id")
	}
	if ci := c.st.contactInboxes.first(func(x *contactInbox) bool {
		return x.ContactID == ct.ID && x.InboxID == in.ID && x.SourceID == sid
	}); ci != nil {
		return ci, nil
	}
	if c.st.contactInboxes.first(func(x *contactInbox) bool { return x.InboxID == in.ID && x.SourceID == sid }) != nil {
		return nil, couldNotCreate("source_id should be unique")
	}
	return c.newContactInbox(ct, in, sid, hmacVerified), nil
}

func (c *ctx) newContactInbox(ct *contact, in *inbox, sourceID string, hmacVerified bool) *contactInbox {
	id := c.st.contactInboxes.next()
	ci := &contactInbox{ID: id, ContactID: ct.ID, InboxID: in.ID, SourceID: sourceID, HMACVerified: hmacVerified,
		PubsubToken: c.nextToken("pubsub"), CreatedAt: c.now, UpdatedAt: c.now}
	c.st.contactInboxes.put(id, ci)
	return ci
}

// resolved is Contact.resolved_contacts: an e-mail, phone number or identifier is set.
func resolved(ct *contact) bool {
	nonEmpty := func(s *string) bool { return s != nil && *s != "" }
	return nonEmpty(ct.Email) || nonEmpty(ct.PhoneNumber) || nonEmpty(ct.Identifier)
}

// currentPage is `params[:page] || 1`, echoed as received (a string from a query string).
func (c *ctx) currentPage() any {
	v, ok := c.p["page"]
	if !ok || v == nil {
		return 1
	}
	return v
}

func (c *ctx) includeContactInboxes() bool {
	if c.present("include_contact_inboxes") {
		s, _ := c.str("include_contact_inboxes")
		return s == "true"
	}
	return true
}

// sortContacts is Sift's sort_on for the contacts controller; unknown fields are ignored.
func sortContacts(cs []*contact, sortParam string) {
	desc := strings.HasPrefix(sortParam, "-")
	field := strings.TrimPrefix(sortParam, "-")
	str := func(s *string) *string { return s }
	var key func(*contact) *string
	nullsLast := true
	switch field {
	case "email":
		key, nullsLast = func(x *contact) *string { return str(x.Email) }, !desc
	case "phone_number":
		key, nullsLast = func(x *contact) *string { return str(x.PhoneNumber) }, !desc
	case "name":
		key = func(x *contact) *string {
			n := strings.ToLower(x.Name)
			if x.Name == "" || strings.HasPrefix(x.Name, "+") {
				n = "z"
			}
			return &n
		}
	case "company", "city", "country":
		k := map[string]string{"company": "company_name", "city": "city", "country": "country"}[field]
		key = func(x *contact) *string { return jsonbText(x.AdditionalAttributes, k) }
	case "last_activity_at", "created_at":
		sort.SliceStable(cs, func(i, j int) bool {
			a, b := cs[i].LastActivityAt, cs[j].LastActivityAt
			if field == "created_at" {
				a, b = &cs[i].CreatedAt, &cs[j].CreatedAt
			}
			if a == nil || b == nil {
				return a != nil && b == nil
			}
			if desc {
				return a.After(*b)
			}
			return a.Before(*b)
		})
		return
	default:
		return
	}
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := key(cs[i]), key(cs[j])
		if a == nil || b == nil {
			if nullsLast {
				return a != nil && b == nil
			}
			return a == nil && b != nil
		}
		if desc {
			return *a > *b
		}
		return *a < *b
	})
}

// contactList renders index/search/filter: {meta:{count,current_page}, payload}.
func (c *ctx) contactList(matches []*contact, count any) *response {
	s, _ := c.str("sort")
	sortContacts(matches, s)
	with := c.includeContactInboxes()
	payload := []obj{}
	for _, ct := range page(matches, c.val("page"), contactsPerPage) {
		payload = append(payload, contactView(c.st, ct, with, c.isAdmin()))
	}
	return okResp(obj{{"meta", obj{{"count", count}, {"current_page", c.currentPage()}}}, {"payload", payload}})
}

func (c *ctx) resolvedContacts() []*contact {
	cs := c.st.contacts.where(func(ct *contact) bool { return ct.AccountID == c.acc.ID && resolved(ct) })
	if c.present("labels") {
		return []*contact{} // contact labels are not simulated: no contact carries one
	}
	return cs
}

func (c *ctx) listContacts() *response {
	cs := c.resolvedContacts()
	return c.contactList(cs, len(cs))
}

// searchContacts: a blank q does not give the intended 422 (`render ... if blank && return`
// returns first), so the view renders with nil data.
func (c *ctx) searchContacts() *response {
	q, _ := c.str("q")
	if strings.TrimSpace(q) == "" {
		return okResp(obj{{"meta", obj{{"count", nil}, {"current_page", c.currentPage()}}}, {"payload", []obj{}}})
	}
	needle := strings.TrimSpace(q)
	lower := strings.ToLower(needle)
	ilike := func(s *string) bool { return s != nil && strings.Contains(strings.ToLower(*s), lower) }
	var out []*contact
	for _, ct := range c.resolvedContacts() {
		if ilike(&ct.Name) || ilike(ct.Email) || ilike(ct.PhoneNumber) || ilike(jsonbText(ct.AdditionalAttributes, "company_name")) ||
			(ct.Identifier != nil && strings.Contains(*ct.Identifier, needle)) {
			out = append(out, ct)
		}
	}
	return c.contactList(out, len(out))
}

func (c *ctx) filterContacts() *response {
	clauses, ok := c.val("payload").([]any)
	if !ok {
		return internalError()
	}
	all := c.st.contacts.where(func(ct *contact) bool { return ct.AccountID == c.acc.ID })
	matched, resp := runFilter(clauses, all, c.contactClause)
	if resp != nil {
		return resp
	}
	return c.contactList(matched, len(matched))
}

// applyContactParams is permitted_params (name, identifier, email, phone_number, avatar,
// additional_attributes, custom_attributes); update merges custom_attributes.
func (c *ctx) applyContactParams(ct *contact, merge bool) {
	if c.has("name") {
		s, _ := c.str("name")
		ct.Name = s
	}
	if c.has("identifier") {
		ct.Identifier = c.strp("identifier")
	}
	if c.has("email") {
		ct.Email = c.strp("email")
	}
	if c.has("phone_number") {
		ct.PhoneNumber = c.strp("phone_number")
	}
	if m, ok := asMap(c.val("additional_attributes")); ok {
		ct.AdditionalAttributes = toJSONB(m)
	}
	if m, ok := asMap(c.val("custom_attributes")); ok {
		if merge {
			ct.CustomAttributes = mergeJSONB(ct.CustomAttributes, m)
		} else {
			ct.CustomAttributes = toJSONB(m)
		}
	}
}

func (c *ctx) createContact() *response {
	ct := &contact{AccountID: c.acc.ID}
	c.applyContactParams(ct, false)
	var in *inbox
	if c.present("inbox_id") {
		id, _ := c.integer("inbox_id")
		in = c.st.inboxes.get(id)
		if in == nil || in.AccountID != c.acc.ID {
			return resourceNotFound() // the transaction rolls the contact back
		}
	}
	if v := c.saveNewContact(ct); v != nil {
		return v.invalid()
	}
	var ciView obj
	if in != nil {
		ci, resp := c.contactInboxFor(ct, in, c.strp("source_id"), false)
		if resp != nil {
			c.st.contacts.remove(ct.ID)
			return resp
		}
		ciView = obj{{"inbox", rawInbox(in)}, {"source_id", ci.SourceID}}
	} else {
		ciView = obj{{"inbox", nil}, {"source_id", nil}}
	}
	return okResp(obj{{"payload", obj{
		{"contact", contactView(c.st, ct, true, c.isAdmin())},
		{"contact_inbox", ciView},
	}}})
}

func (c *ctx) showContact() *response {
	ct := c.accountContact("id")
	if ct == nil {
		return resourceNotFound()
	}
	return okResp(obj{{"payload", contactView(c.st, ct, true, c.isAdmin())}})
}

func (c *ctx) updateContact() *response {
	ct := c.accountContact("id")
	if ct == nil {
		return resourceNotFound()
	}
	probe := *ct
	c.applyContactParams(&probe, true)
	prepareContact(&probe)
	if v := c.st.validateContact(&probe); !v.empty() {
		return v.invalid()
	}
	probe.UpdatedAt = c.now
	*ct = probe
	return okResp(obj{{"payload", contactView(c.st, ct, true, c.isAdmin())}})
}

// deleteContact: administrators only; nobody is ever online in the simulator, so the
// "<Name> is Online" 422 cannot happen.
func (c *ctx) deleteContact() *response {
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	ct := c.accountContact("id")
	if ct == nil {
		return resourceNotFound()
	}
	c.destroyContact(ct)
	return headOK()
}

func (c *ctx) destroyContact(ct *contact) {
	for _, ci := range c.st.contactInboxes.where(func(ci *contactInbox) bool { return ci.ContactID == ct.ID }) {
		c.st.contactInboxes.remove(ci.ID)
	}
	for _, cv := range c.st.conversations.where(func(cv *conversation) bool { return cv.ContactID == ct.ID }) {
		for _, m := range c.st.conversationMessages(cv) {
			c.st.removeMessage(m)
		}
		c.st.conversations.remove(cv.ID)
	}
	c.st.contacts.remove(ct.ID)
}

// createContactInbox is Contacts::ContactInboxesController#create.
func (c *ctx) createContactInbox() *response {
	ct := c.accountContact("contact_id")
	if ct == nil {
		return resourceNotFound()
	}
	id, _ := c.integer("inbox_id")
	in := c.st.inboxes.get(id)
	if in == nil || in.AccountID != c.acc.ID {
		return resourceNotFound()
	}
	if !c.canSeeInbox(in) {
		return notAuthorizedAction()
	}
	ci, resp := c.contactInboxFor(ct, in, c.strp("source_id"), c.hmacVerifiedParam())
	if resp != nil {
		return internalError() // RecordNotUnique is not rescued here
	}
	return okResp(obj{{"source_id", ci.SourceID}, {"inbox", inboxView(c.st, in, c.isAdmin())}})
}

// contactableInboxes is Contacts::ContactableInboxesService filtered by InboxPolicy#show?.
func (c *ctx) contactableInboxes() *response {
	ct := c.accountContact("id")
	if ct == nil {
		return resourceNotFound()
	}
	payload := []obj{}
	for _, in := range c.st.inboxes.where(func(in *inbox) bool { return in.AccountID == c.acc.ID }) {
		var last *contactInbox
		for _, ci := range c.st.contactInboxes.list() {
			if ci.InboxID == in.ID && ci.ContactID == ct.ID {
				last = ci
			}
		}
		var source string
		switch {
		case in.api():
			if last != nil {
				source = last.SourceID
			} else {
				source = c.nextUUID("source_id")
			}
		case in.webWidget():
			if last == nil || c.st.conversations.first(func(cv *conversation) bool { return cv.ContactInboxID == last.ID }) != nil {
				continue
			}
			source = last.SourceID
		default:
			continue
		}
		if !c.canSeeInbox(in) {
			continue
		}
		payload = append(payload, obj{{"inbox", inboxView(c.st, in, c.isAdmin())}, {"source_id", source}})
	}
	return okResp(obj{{"payload", payload}})
}
