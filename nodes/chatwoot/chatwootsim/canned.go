package chatwootsim

import (
	"sort"
	"strings"
)

// Canned responses (api/v1/accounts/canned_responses_controller.rb): no role check, raw rows.

var cannedAttrs = []string{"id", "account_id", "short_code", "content", "created_at", "updated_at"}

func cannedRow(cr *cannedResponse) obj {
	return obj{
		{"id", cr.ID}, {"account_id", cr.AccountID}, {"short_code", strOrNil(cr.ShortCode)}, {"content", strOrNil(cr.Content)},
		{"created_at", iso(cr.CreatedAt)}, {"updated_at", iso(cr.UpdatedAt)},
	}
}

func (c *ctx) listCanned() *response {
	rows := c.st.canned.where(func(cr *cannedResponse) bool { return cr.AccountID == c.acc.ID })
	if q, ok := c.str("search"); ok && c.has("search") {
		lq := strings.ToLower(q)
		has := func(s *string) bool { return s != nil && strings.Contains(strings.ToLower(*s), lq) }
		var hits []*cannedResponse
		for _, cr := range rows {
			if has(cr.ShortCode) || has(cr.Content) {
				hits = append(hits, cr)
			}
		}
		rank := func(cr *cannedResponse) float64 {
			switch {
			case cr.ShortCode != nil && strings.HasPrefix(strings.ToLower(*cr.ShortCode), lq):
				return 1
			case has(cr.ShortCode):
				return 0.5
			case has(cr.Content):
				return 0.2
			}
			return 0
		}
		sort.SliceStable(hits, func(i, j int) bool { return rank(hits[i]) > rank(hits[j]) })
		rows = hits
	}
	out := []obj{}
	for _, cr := range rows {
		out = append(out, cannedRow(cr))
	}
	return okResp(out)
}

func (c *ctx) applyCanned(cr *cannedResponse, p map[string]any) *validation {
	if v, ok := p["short_code"]; ok {
		if s, isStr := asString(v); isStr {
			cr.ShortCode = &s
		} else {
			cr.ShortCode = nil
		}
	}
	if v, ok := p["content"]; ok {
		if s, isStr := asString(v); isStr {
			cr.Content = &s
		} else {
			cr.Content = nil
		}
	}
	v := &validation{}
	if cr.Content == nil || strings.TrimSpace(*cr.Content) == "" {
		v.add("content", "can't be blank")
	}
	if cr.ShortCode == nil || strings.TrimSpace(*cr.ShortCode) == "" {
		v.add("short_code", "can't be blank")
	} else if c.st.canned.first(func(o *cannedResponse) bool {
		return o.AccountID == cr.AccountID && o.ID != cr.ID && o.ShortCode != nil && *o.ShortCode == *cr.ShortCode
	}) != nil {
		v.add("short_code", "has already been taken")
	}
	return v
}

func (c *ctx) createCanned() *response {
	p, resp := c.wrapped("canned_response", cannedAttrs)
	if resp != nil {
		return resp
	}
	cr := &cannedResponse{AccountID: c.acc.ID}
	if v := c.applyCanned(cr, p); !v.empty() {
		return v.invalid()
	}
	cr.ID = c.st.canned.next()
	cr.CreatedAt, cr.UpdatedAt = c.now, c.now
	c.st.canned.put(cr.ID, cr)
	return okResp(cannedRow(cr))
}

func (c *ctx) accountCanned() *cannedResponse {
	cr := c.st.canned.get(c.pathID("id"))
	if cr == nil || cr.AccountID != c.acc.ID {
		return nil
	}
	return cr
}

func (c *ctx) updateCanned() *response {
	cr := c.accountCanned()
	if cr == nil {
		return resourceNotFound()
	}
	p, resp := c.wrapped("canned_response", cannedAttrs)
	if resp != nil {
		return resp
	}
	probe := *cr
	if v := c.applyCanned(&probe, p); !v.empty() {
		return v.invalid()
	}
	probe.UpdatedAt = c.now
	*cr = probe
	return okResp(cannedRow(cr))
}

func (c *ctx) deleteCanned() *response {
	cr := c.accountCanned()
	if cr == nil {
		return resourceNotFound()
	}
	c.st.canned.remove(cr.ID)
	return headOK()
}
