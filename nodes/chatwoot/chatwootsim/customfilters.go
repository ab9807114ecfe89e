package chatwootsim

// Custom filters (api/v1/accounts/custom_filters_controller.rb): per user, per filter_type.

var customFilterAttrs = []string{"id", "name", "filter_type", "query", "account_id", "user_id", "created_at", "updated_at"}
var filterTypes = []string{"conversation", "contact", "report"}

const maxFiltersPerUser = 50

// filterCount is records_count: the count of conversations matching the saved query (a Redis value
// a background job fills in, so a freshly created filter reports 0).
func (c *ctx) filterCount(f *customFilter, fresh bool) int {
	if fresh {
		return 0
	}
	q, ok := f.Query.(map[string]any)
	if !ok {
		return 0
	}
	clauses, ok := q["payload"].([]any)
	if !ok {
		return 0
	}
	all := c.st.conversations.where(func(cv *conversation) bool { return cv.AccountID == f.AccountID })
	matched, resp := c.runFilter(clauses, all, conversationFilterAttr)
	if resp != nil {
		return 0
	}
	return len(matched)
}

func (c *ctx) customFilterView(f *customFilter, fresh bool) obj {
	var q any = f.Query
	if m, ok := f.Query.(map[string]any); ok {
		q = jsonb(m)
	}
	return obj{
		{"id", f.ID}, {"name", f.Name}, {"filter_type", f.FilterType}, {"query", q},
		{"created_at", iso(f.CreatedAt)}, {"updated_at", iso(f.UpdatedAt)}, {"count", c.filterCount(f, fresh)},
	}
}

// userFilters is current_user.custom_filters in this account with the requested filter_type.
func (c *ctx) userFilters() []*customFilter {
	ft := "conversation"
	if s, ok := c.str("filter_type"); ok && c.val("filter_type") != nil {
		ft = s
	}
	return c.st.customFilters.where(func(f *customFilter) bool {
		return f.AccountID == c.acc.ID && f.UserID == c.user.ID && f.FilterType == ft
	})
}

func (c *ctx) listCustomFilters() *response {
	out := []obj{}
	for _, f := range c.userFilters() {
		out = append(out, c.customFilterView(f, false))
	}
	return okResp(out)
}

func (c *ctx) findCustomFilter() *customFilter {
	id := c.pathID("id")
	for _, f := range c.userFilters() {
		if f.ID == id {
			return f
		}
	}
	return nil
}

func (c *ctx) showCustomFilter() *response {
	f := c.findCustomFilter()
	if f == nil {
		return resourceNotFound()
	}
	return okResp(c.customFilterView(f, false))
}

func applyCustomFilter(f *customFilter, p map[string]any) *response {
	if v, ok := p["name"]; ok {
		s, _ := asString(v)
		if v == nil {
			s = ""
		}
		f.Name = s
		if v == nil {
			return internalError() // NOT NULL violation
		}
	}
	if v, ok := p["filter_type"]; ok {
		t, valid := castEnum(v, filterTypes)
		if !valid {
			return internalError()
		}
		f.FilterType = t
	}
	if v, ok := p["query"]; ok {
		if m, isMap := v.(map[string]any); isMap {
			f.Query = cloneJSON(m)
		} else {
			f.Query = map[string]any{}
		}
	}
	return nil
}

func (c *ctx) createCustomFilter() *response {
	p, resp := c.wrapped("custom_filter", customFilterAttrs)
	if resp != nil {
		return resp
	}
	f := &customFilter{AccountID: c.acc.ID, UserID: c.user.ID, FilterType: "conversation", Query: map[string]any{}}
	nameGiven := false
	if _, ok := p["name"]; ok {
		nameGiven = true
	}
	if resp := applyCustomFilter(f, p); resp != nil {
		return resp
	}
	if !nameGiven {
		return internalError() // name is NOT NULL
	}
	count := len(c.st.customFilters.where(func(x *customFilter) bool { return x.AccountID == c.acc.ID && x.UserID == c.user.ID }))
	if count >= maxFiltersPerUser {
		v := &validation{}
		v.addFull("account_id", "Limit reached. The maximum number of allowed custom filters for a user per account is 50.",
			"Account Limit reached. The maximum number of allowed custom filters for a user per account is 50.")
		return v.invalid()
	}
	f.ID = c.st.customFilters.next()
	f.CreatedAt, f.UpdatedAt = c.now, c.now
	c.st.customFilters.put(f.ID, f)
	return okResp(c.customFilterView(f, true))
}

func (c *ctx) updateCustomFilter() *response {
	f := c.findCustomFilter()
	if f == nil {
		return resourceNotFound()
	}
	p, resp := c.wrapped("custom_filter", customFilterAttrs)
	if resp != nil {
		return resp
	}
	probe := *f
	if resp := applyCustomFilter(&probe, p); resp != nil {
		return resp
	}
	probe.UpdatedAt = c.now
	*f = probe
	return okResp(c.customFilterView(f, false))
}

func (c *ctx) deleteCustomFilter() *response {
	f := c.findCustomFilter()
	if f == nil {
		return resourceNotFound()
	}
	c.st.customFilters.remove(f.ID)
	return noContent()
}
