package chatwootsim

import (
	"net/http"
	"net/url"
	"strings"
	"unicode"
)

// Help center: portals, categories and articles (api/v1/accounts/portals_controller.rb,
// categories_controller.rb, articles_controller.rb). {portal_id} in paths is the portal slug.

var portalAttrs = []string{"id", "account_id", "name", "slug", "custom_domain", "color", "homepage_link", "page_title",
	"header_text", "created_at", "updated_at", "config", "archived"}
var categoryAttrs = []string{"id", "account_id", "portal_id", "name", "description", "position", "created_at",
	"updated_at", "locale", "slug", "parent_category_id", "associated_category_id", "icon"}
var articleAttrs = []string{"id", "account_id", "portal_id", "category_id", "folder_id", "title", "description",
	"content", "status", "views", "created_at", "updated_at", "author_id", "associated_article_id", "meta", "slug", "position"}

func (c *ctx) portalBySlug(slug string) *portal {
	return c.st.portals.first(func(p *portal) bool { return p.AccountID == c.acc.ID && p.Slug == slug })
}

// portalView is accounts/portals/_portal rendered with `articles: []` (index, create, update):
// the per-status counts of an empty Array are nil.
func (c *ctx) portalView(p *portal) obj {
	locales := []obj{}
	for _, loc := range p.AllowedLocales {
		arts, cats := 0, 0
		for _, a := range c.st.articles.where(func(a *article) bool { return a.PortalID == p.ID && a.CategoryID != nil }) {
			if cat := c.st.categories.get(*a.CategoryID); cat != nil && cat.Locale == loc {
				arts++
			}
		}
		for range c.st.categories.where(func(x *category) bool { return x.PortalID == p.ID && x.Locale == loc }) {
			cats++
		}
		locales = append(locales, obj{{"code", loc}, {"articles_count", arts}, {"categories_count", cats}})
	}
	o := obj{
		{"id", p.ID}, {"color", strOrNil(p.Color)}, {"custom_domain", strOrNil(p.CustomDomain)},
		{"header_text", strOrNil(p.HeaderText)}, {"homepage_link", strOrNil(p.HomepageLink)}, {"name", p.Name},
		{"page_title", strOrNil(p.PageTitle)}, {"slug", p.Slug}, {"archived", p.Archived}, {"account_id", p.AccountID},
		{"config", obj{{"allowed_locales", locales}}},
	}
	var members []*user
	for _, id := range p.Members {
		if u := c.st.users.get(id); u != nil {
			members = append(members, u)
		}
	}
	if len(members) > 0 {
		o = append(o, kv{"portal_members", agentsView(c.st, c.acc, members)})
	}
	cats := len(c.st.categories.where(func(x *category) bool { return x.PortalID == p.ID }))
	return append(o, kv{"meta", obj{
		{"all_articles_count", 0}, {"archived_articles_count", nil}, {"published_count", nil},
		{"draft_articles_count", nil}, {"categories_count", cats}, {"default_locale", p.defaultLocale()},
	}})
}

// portalIndexAllowed is PortalPolicy#index? (administrator, or any user of the account).
func (c *ctx) listPortals() *response {
	portals := c.st.portals.where(func(p *portal) bool { return p.AccountID == c.acc.ID })
	out := []obj{}
	for _, p := range portals {
		out = append(out, c.portalView(p))
	}
	return okResp(obj{{"payload", out}, {"meta", obj{{"current_page", c.currentPage()}, {"portals_count", len(portals)}}}})
}

// applyPortal sets portal_params; config may only hold allowed_locales and default_locale.
func (c *ctx) applyPortal(p *portal, in map[string]any) *validation {
	str := func(k string, dst **string) {
		if v, ok := in[k]; ok {
			if s, isStr := asString(v); isStr {
				*dst = &s
			} else {
				*dst = nil
			}
		}
	}
	if v, ok := in["name"]; ok {
		s, _ := asString(v)
		p.Name = s
	}
	if v, ok := in["slug"]; ok {
		s, _ := asString(v)
		p.Slug = s
	}
	str("color", &p.Color)
	str("custom_domain", &p.CustomDomain)
	str("header_text", &p.HeaderText)
	str("homepage_link", &p.HomepageLink)
	str("page_title", &p.PageTitle)
	if v, ok := in["archived"]; ok {
		p.Archived, _ = asBool(v)
	}
	if cfg, ok := asMap(in["config"]); ok {
		if locs, ok := cfg["allowed_locales"]; ok {
			p.AllowedLocales = asStringList(locs)
		}
		if dl, ok := asString(cfg["default_locale"]); ok {
			p.DefaultLocale = &dl
		}
	}
	for _, f := range []**string{&p.CustomDomain, &p.HomepageLink} {
		if *f != nil && **f == "" {
			*f = nil // normalize_empty_string_to_nil
		}
	}
	v := &validation{}
	if strings.TrimSpace(p.Name) == "" {
		v.add("name", "can't be blank")
	}
	if strings.TrimSpace(p.Slug) == "" {
		v.add("slug", "can't be blank")
	} else if c.st.portals.first(func(o *portal) bool { return o.ID != p.ID && o.Slug == p.Slug }) != nil {
		v.add("slug", "has already been taken")
	}
	if p.CustomDomain != nil && c.st.portals.first(func(o *portal) bool {
		return o.ID != p.ID && o.CustomDomain != nil && *o.CustomDomain == *p.CustomDomain
	}) != nil {
		v.add("custom_domain", "has already been taken")
	}
	return v
}

func (c *ctx) createPortal() *response {
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	in, resp := c.wrapped("portal", portalAttrs)
	if resp != nil {
		return resp
	}
	p := &portal{AccountID: c.acc.ID, AllowedLocales: []string{"en"}}
	v := c.applyPortal(p, in)
	if p.CustomDomain != nil {
		if u, err := url.Parse(*p.CustomDomain); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			p.CustomDomain = ptr(u.Hostname())
		}
	}
	if !v.empty() {
		return v.invalid()
	}
	if p.DefaultLocale == nil {
		p.DefaultLocale = ptr("en")
	}
	p.ID = c.st.portals.next()
	p.CreatedAt, p.UpdatedAt = c.now, c.now
	c.st.portals.put(p.ID, p)
	return okResp(c.portalView(p))
}

// updatePortal: an unknown slug leaves @portal nil, and the rescue that renders the 422 raises
// again, so the answer is a 500.
func (c *ctx) updatePortal() *response {
	p := c.portalBySlug(c.path["id"])
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	if p == nil {
		return internalError()
	}
	if c.present("portal") || c.kind == bodyJSON && len(c.body) > 0 {
		in, resp := c.wrapped("portal", portalAttrs)
		if resp != nil {
			return okResp(c.portalView(p)) // `if params[:portal].present?` skips the update
		}
		probe := *p
		if v := c.applyPortal(&probe, in); !v.empty() {
			return fieldErrors(v)
		}
		probe.UpdatedAt = c.now
		*p = probe
	}
	return okResp(c.portalView(p))
}

func (c *ctx) showPortal() *response {
	p := c.portalBySlug(c.path["id"])
	if p == nil {
		return internalError()
	}
	if !c.isAdmin() && !containsInt(p.Members, c.user.ID) {
		return notAuthorizedAction()
	}
	return okResp(c.portalView(p))
}

func (c *ctx) deletePortal() *response {
	p := c.portalBySlug(c.path["id"])
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	if p == nil {
		return internalError()
	}
	c.st.portals.remove(p.ID)
	return headOK()
}

// helpCenterWriter is CategoryPolicy/ArticlePolicy for create: administrators, or members of the
// portal of the first record of the table (the policy is given the class, so @record.first).
func (c *ctx) helpCenterWriter(firstPortal func() (int, bool)) *response {
	if c.isAdmin() {
		return nil
	}
	pid, found := firstPortal()
	if !found {
		return internalError() // nil.portal
	}
	if p := c.st.portals.get(pid); p != nil && containsInt(p.Members, c.user.ID) {
		return nil
	}
	return notAuthorizedAction()
}

func (c *ctx) categoryView(cat *category) obj {
	assoc := func(x *category) obj {
		return obj{{"id", x.ID}, {"name", strOrNil(x.Name)}, {"slug", x.Slug}, {"locale", x.Locale},
			{"description", strOrNil(x.Description)}, {"position", intOrNil(x.Position)}, {"account_id", x.AccountID}}
	}
	o := obj{
		{"id", cat.ID}, {"name", strOrNil(cat.Name)}, {"slug", cat.Slug}, {"locale", cat.Locale},
		{"description", strOrNil(cat.Description)}, {"position", intOrNil(cat.Position)}, {"account_id", cat.AccountID},
		{"icon", cat.Icon},
	}
	var related []obj
	for _, id := range cat.Related {
		if x := c.st.categories.get(id); x != nil {
			related = append(related, assoc(x))
		}
	}
	if len(related) > 0 {
		o = append(o, kv{"related_categories", related})
	}
	if cat.ParentCategoryID != nil {
		if x := c.st.categories.get(*cat.ParentCategoryID); x != nil {
			o = append(o, kv{"parent_category", assoc(x)})
		}
	}
	if cat.AssociatedCategoryID != nil {
		if x := c.st.categories.get(*cat.AssociatedCategoryID); x != nil {
			o = append(o, kv{"root_category", assoc(x)})
		}
	}
	n := len(c.st.articles.where(func(a *article) bool { return a.CategoryID != nil && *a.CategoryID == cat.ID }))
	return append(o, kv{"meta", obj{{"articles_count", n}}})
}

// createCategory: an unknown portal slug reaches `nil.categories` (500); validation failures
// come from create! (RecordInvalid: {message, attributes}).
func (c *ctx) createCategory() *response {
	p := c.portalBySlug(c.path["portal_id"])
	if resp := c.helpCenterWriter(func() (int, bool) {
		if first := c.st.categories.first(func(*category) bool { return true }); first != nil {
			return first.PortalID, true
		}
		return 0, false
	}); resp != nil {
		return resp
	}
	if p == nil {
		return internalError()
	}
	in, resp := c.wrapped("category", categoryAttrs)
	if resp != nil {
		return resp
	}
	cat := &category{AccountID: p.AccountID, PortalID: p.ID, Locale: "en"}
	str := func(k string, dst **string) {
		if v, ok := in[k]; ok {
			if s, isStr := asString(v); isStr {
				*dst = &s
			} else {
				*dst = nil
			}
		}
	}
	str("name", &cat.Name)
	str("description", &cat.Description)
	if v, ok := in["slug"]; ok {
		cat.Slug, _ = asString(v)
	}
	if v, ok := in["locale"]; ok {
		cat.Locale, _ = asString(v)
	}
	if v, ok := in["icon"]; ok {
		cat.Icon, _ = asString(v)
	}
	for k, dst := range map[string]**int{"position": &cat.Position, "parent_category_id": &cat.ParentCategoryID, "associated_category_id": &cat.AssociatedCategoryID} {
		if v, ok := in[k]; ok {
			if i, isInt := asInt(v); isInt {
				*dst = ptr(i)
			}
		}
	}
	v := &validation{}
	if strings.TrimSpace(cat.Slug) == "" {
		v.add("slug", "can't be blank")
	}
	if cat.Name == nil || strings.TrimSpace(*cat.Name) == "" {
		v.add("name", "can't be blank")
	}
	if !containsStr(p.AllowedLocales, cat.Locale) {
		v.add("locale", cat.Locale+" of category is not part of portal's "+rubyArray(p.AllowedLocales)+".")
	}
	if c.st.categories.first(func(o *category) bool { return o.PortalID == p.ID && o.Slug == cat.Slug && o.Locale == cat.Locale }) != nil {
		v.add("locale", "should be unique in the category and portal")
	}
	if !v.empty() {
		return v.invalid()
	}
	if ids, ok := asIntList(c.nested("category", "related_category_ids")); ok {
		for _, id := range ids {
			if x := c.st.categories.get(id); x != nil && x.PortalID == p.ID {
				cat.Related = append(cat.Related, id)
			}
		}
	}
	cat.ID = c.st.categories.next()
	cat.CreatedAt, cat.UpdatedAt = c.now, c.now
	c.st.categories.put(cat.ID, cat)
	return okResp(obj{{"payload", c.categoryView(cat)}})
}

// nested reads params[outer][inner] when params[outer] is a hash.
func (c *ctx) nested(outer, inner string) any {
	if m, ok := asMap(c.val(outer)); ok {
		return m[inner]
	}
	return nil
}

func rubyArray(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = `"` + x + `"`
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func (c *ctx) articleView(a *article) obj {
	cat := obj{{"id", intOrNil(a.CategoryID)}, {"name", nil}, {"slug", nil}, {"locale", nil}}
	if a.CategoryID != nil {
		if x := c.st.categories.get(*a.CategoryID); x != nil {
			cat = obj{{"id", x.ID}, {"name", strOrNil(x.Name)}, {"slug", x.Slug}, {"locale", x.Locale}}
		}
	}
	views := any(nil)
	if a.Views != nil {
		views = *a.Views
	}
	o := obj{
		{"id", a.ID}, {"slug", a.Slug}, {"title", strOrNil(a.Title)}, {"content", strOrNil(a.Content)},
		{"description", strOrNil(a.Description)}, {"status", a.Status}, {"position", intOrNil(a.Position)},
		{"account_id", a.AccountID}, {"updated_at", a.UpdatedAt.Unix()}, {"meta", a.Meta}, {"category", cat}, {"views", views},
	}
	if a.AuthorID != nil {
		if u := c.st.users.get(*a.AuthorID); u != nil {
			o = append(o, kv{"author", agentView(c.st, c.acc, u)})
		}
	}
	var assoc []obj
	for _, x := range c.st.articles.where(func(x *article) bool { return x.AssociatedArticleID != nil && *x.AssociatedArticleID == a.ID }) {
		assoc = append(assoc, obj{{"id", x.ID}, {"slug", x.Slug}, {"title", strOrNil(x.Title)}, {"content", strOrNil(x.Content)},
			{"description", strOrNil(x.Description)}, {"status", x.Status}, {"position", intOrNil(x.Position)},
			{"account_id", x.AccountID}, {"updated_at", x.UpdatedAt.Unix()}, {"meta", x.Meta}})
	}
	if len(assoc) > 0 {
		o = append(o, kv{"associated_articles", assoc})
	}
	return o
}

// parameterize is ActiveSupport's String#underscore.parameterize(separator: '-').
func parameterize(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) && r < 128 || unicode.IsDigit(r) || r == '_' {
			b.WriteRune(r)
			dash = false
			continue
		}
		if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// createArticle: the portal is find_by! (404); create! validates; status is forced to draft.
func (c *ctx) createArticle() *response {
	p := c.portalBySlug(c.path["portal_id"])
	if p == nil {
		return resourceNotFound()
	}
	if resp := c.helpCenterWriter(func() (int, bool) {
		if first := c.st.articles.first(func(*article) bool { return true }); first != nil {
			return first.PortalID, true
		}
		return 0, false
	}); resp != nil {
		return resp
	}
	in, resp := c.wrapped("article", articleAttrs)
	if resp != nil {
		return resp
	}
	a := &article{AccountID: p.AccountID, PortalID: p.ID, Meta: jsonb{}}
	str := func(k string, dst **string) {
		if v, ok := in[k]; ok {
			if s, isStr := asString(v); isStr {
				*dst = &s
			} else {
				*dst = nil
			}
		}
	}
	str("title", &a.Title)
	str("content", &a.Content)
	str("description", &a.Description)
	if v, ok := asString(in["slug"]); ok && in["slug"] != nil {
		a.Slug = v
	}
	for k, dst := range map[string]**int{"position": &a.Position, "category_id": &a.CategoryID, "author_id": &a.AuthorID, "associated_article_id": &a.AssociatedArticleID} {
		if v, ok := in[k]; ok {
			if i, isInt := asInt(v); isInt {
				*dst = ptr(i)
			}
		}
	}
	if m, ok := asMap(in["meta"]); ok {
		meta := jsonb{}
		for _, k := range []string{"title", "description"} {
			if v, ok := m[k]; ok {
				meta[k] = v
			}
		}
		if tags, ok := m["tags"].([]any); ok {
			meta["tags"] = cloneJSON(tags)
		}
		a.Meta = meta
	}
	if v, ok := in["status"]; ok && v != nil {
		if _, valid := castEnum(v, []string{"draft", "published", "archived"}); !valid {
			return internalError()
		}
	}
	v := &validation{}
	if a.AuthorID == nil || c.st.users.get(*a.AuthorID) == nil {
		v.addFull("author", "must exist", "Author must exist")
	}
	if a.AuthorID == nil {
		v.add("author_id", "can't be blank")
	}
	if a.Title == nil || strings.TrimSpace(*a.Title) == "" {
		v.add("title", "can't be blank")
	}
	if a.Content == nil || strings.TrimSpace(*a.Content) == "" {
		v.add("content", "can't be blank")
	}
	if !v.empty() {
		return v.invalid()
	}
	if a.Slug == "" {
		a.Slug = itoa(int(c.now.Unix())) + "-" + parameterize(*a.Title)
	}
	if a.Position == nil {
		max := -1
		for _, x := range c.st.articles.where(func(x *article) bool {
			return x.AccountID == a.AccountID && ((x.CategoryID == nil && a.CategoryID == nil) || (x.CategoryID != nil && a.CategoryID != nil && *x.CategoryID == *a.CategoryID))
		}) {
			if x.Position != nil && *x.Position > max {
				max = *x.Position
			}
		}
		if max >= 0 {
			a.Position = ptr(max + 10)
		} else {
			a.Position = ptr(10)
		}
	}
	var root *article
	if a.AssociatedArticleID != nil {
		root = c.st.articles.get(*a.AssociatedArticleID)
		if root == nil || root.PortalID != p.ID {
			return resourceNotFound()
		}
	}
	a.ID = c.st.articles.next()
	a.CreatedAt, a.UpdatedAt = c.now, c.now
	a.Status = "draft"
	if root != nil {
		rid := root.ID
		if root.AssociatedArticleID != nil {
			rid = *root.AssociatedArticleID
		}
		a.AssociatedArticleID = &rid
	}
	c.st.articles.put(a.ID, a)
	return jsonResp(http.StatusOK, obj{{"payload", c.articleView(a)}})
}
