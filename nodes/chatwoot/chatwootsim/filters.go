package chatwootsim

import (
	"strconv"
	"strings"
	"time"
)

// The filter endpoints (FilterService and its Conversations/Contacts subclasses) build one SQL
// WHERE string by concatenating "<condition> <query_operator>" per clause. This file evaluates the
// same thing: a clause contributes a condition token and its operator token; a malformed result
// (a dangling operator, two conditions in a row, a type error PostgreSQL would raise) is a 500.

type ftoken struct {
	op   string // "AND" / "OR" for operator tokens
	pred func(any) bool
}

type filterClause struct {
	key, operator, queryOp, customType string
	values                             []any
}

func parseClause(raw any) (filterClause, bool) {
	m, ok := raw.(map[string]any)
	if !ok {
		return filterClause{}, false
	}
	fc := filterClause{}
	fc.key, _ = asString(m["attribute_key"])
	fc.operator, _ = asString(m["filter_operator"])
	if m["query_operator"] != nil {
		fc.queryOp, _ = asString(m["query_operator"])
	}
	fc.customType, _ = asString(m["custom_attribute_type"])
	switch v := m["values"].(type) {
	case []any:
		fc.values = v
	case nil:
	default:
		fc.values = []any{v}
	}
	return fc, true
}

// evalTokens checks the token string is valid SQL and evaluates it with AND binding tighter than OR.
func evalTokens(item any, toks []ftoken) (bool, bool) {
	if len(toks) == 0 {
		return true, true
	}
	expectCond := true
	for _, t := range toks {
		if (t.pred != nil) != expectCond {
			return false, false
		}
		expectCond = !expectCond
	}
	if expectCond { // ends with an operator
		return false, false
	}
	result, group := false, true
	for _, t := range toks {
		if t.pred != nil {
			group = group && t.pred(item)
			continue
		}
		if t.op == "OR" {
			result = result || group
			group = true
		}
	}
	return result || group, true
}

func opToken(q string) (ftoken, bool) {
	switch strings.ToUpper(strings.TrimSpace(q)) {
	case "":
		return ftoken{}, true
	case "AND":
		return ftoken{op: "AND"}, true
	case "OR":
		return ftoken{op: "OR"}, true
	}
	return ftoken{}, false
}

// runFilter evaluates clauses over items; build turns one clause into tokens (nil, nil = empty).
func runFilter[T any](clauses []any, items []*T, build func(filterClause) ([]ftoken, bool)) ([]*T, *response) {
	var toks []ftoken
	for _, raw := range clauses {
		fc, ok := parseClause(raw)
		if !ok {
			return nil, internalError()
		}
		ts, valid := build(fc)
		if !valid {
			return nil, internalError()
		}
		toks = append(toks, ts...)
	}
	out := []*T{}
	for _, it := range items {
		keep, valid := evalTokens(it, toks)
		if !valid {
			return nil, internalError()
		}
		if keep {
			out = append(out, it)
		}
	}
	return out, nil
}

func (c *ctx) runFilter(clauses []any, items []*conversation, _ string) ([]*conversation, *response) {
	return runFilter(clauses, items, c.conversationClause)
}

const conversationFilterAttr = "conversation"

func withOp(cond ftoken, fc filterClause) ([]ftoken, bool) {
	op, ok := opToken(fc.queryOp)
	if !ok {
		return nil, false
	}
	if op.op == "" {
		return []ftoken{cond}, true
	}
	return []ftoken{cond, op}, true
}

func strValues(vals []any) []string {
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		if s, ok := asString(v); ok {
			out = append(out, s)
		}
	}
	return out
}

// textPredicate compares a nullable text value; fold lowers both sides (LOWER(col) / ILIKE).
func textPredicate(op string, vals []string, get func(any) *string) (func(any) bool, bool) {
	switch op {
	case "equal_to", "not_equal_to":
		neg := op == "not_equal_to"
		return func(it any) bool {
			v := get(it)
			if v == nil {
				return false // NULL IN (...) is NULL
			}
			in := containsStr(vals, *v)
			return in != neg
		}, true
	case "contains", "does_not_contain":
		neg := op == "does_not_contain"
		return func(it any) bool {
			v := get(it)
			if v == nil {
				return false
			}
			hit := false
			for _, s := range vals {
				if strings.Contains(strings.ToLower(*v), strings.ToLower(strings.TrimSpace(s))) {
					hit = true
				}
			}
			return hit != neg
		}, true
	case "is_present":
		return func(it any) bool { return get(it) != nil }, true
	case "is_not_present":
		return func(it any) bool { return get(it) == nil }, true
	}
	return nil, false
}

func intColumn(vals []string) ([]int, bool) {
	out := make([]int, 0, len(vals))
	for _, s := range vals {
		i, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return nil, false // invalid input syntax for type integer
		}
		out = append(out, i)
	}
	return out, true
}

func intPredicate(op string, vals []string, get func(any) *int) (func(any) bool, bool) {
	switch op {
	case "equal_to", "not_equal_to":
		ints, ok := intColumn(vals)
		if !ok {
			return nil, false
		}
		neg := op == "not_equal_to"
		return func(it any) bool {
			v := get(it)
			if v == nil {
				return false
			}
			in := false
			for _, i := range ints {
				if i == *v {
					in = true
				}
			}
			return in != neg
		}, true
	case "is_present":
		return func(it any) bool { return get(it) != nil }, true
	case "is_not_present":
		return func(it any) bool { return get(it) == nil }, true
	}
	return nil, false // integer ILIKE / cast errors
}

// datePredicate is "(col)::date > 'value'::date"; days_before compares with today minus n days.
func datePredicate(op string, vals []any, now time.Time, get func(any) *time.Time) (func(any) bool, bool) {
	if len(vals) == 0 {
		return nil, false
	}
	s, _ := asString(vals[0])
	var ref time.Time
	switch op {
	case "days_before":
		ref = now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -rubyToI(s))
		op = "is_less_than"
	case "is_greater_than", "is_less_than":
		if len(s) < 10 {
			return nil, false
		}
		t, err := time.Parse("2006-01-02", s[:10])
		if err != nil {
			return nil, false
		}
		ref = t
	default:
		return nil, false
	}
	return func(it any) bool {
		v := get(it)
		if v == nil {
			return false
		}
		d := v.UTC().Truncate(24 * time.Hour)
		if op == "is_greater_than" {
			return d.After(ref)
		}
		return d.Before(ref)
	}, true
}

func jsonbText(m jsonb, k string) *string {
	v, ok := m[k]
	if !ok || v == nil {
		return nil
	}
	if s, ok := asString(v); ok {
		return &s
	}
	return nil
}

// customPredicate filters on a custom attribute definition of the given model.
func (c *ctx) customPredicate(fc filterClause, model string, get func(any) jsonb) ([]ftoken, bool) {
	if fc.customType != "" {
		model = fc.customType
	}
	def := c.st.customAttrs.first(func(d *customAttr) bool {
		return d.AccountID == c.acc.ID && d.AttributeModel == model && d.Key != nil && *d.Key == fc.key
	})
	if def == nil {
		return nil, true // an empty condition, and its operator goes with it
	}
	vals := strValues(fc.values)
	var pred func(any) bool
	var ok bool
	switch def.DisplayType {
	case "text", "link", "list":
		lowered := []string{}
		if len(vals) > 0 {
			lowered = []string{strings.ToLower(vals[0])}
		}
		pred, ok = textPredicate(fc.operator, lowered, func(it any) *string {
			s := jsonbText(get(it), fc.key)
			if s == nil {
				return nil
			}
			l := strings.ToLower(*s)
			return &l
		})
	case "number":
		pred, ok = numberPredicate(fc.operator, vals, func(it any) *float64 {
			s := jsonbText(get(it), fc.key)
			if s == nil {
				return nil
			}
			f, err := strconv.ParseFloat(*s, 64)
			if err != nil {
				return nil
			}
			return &f
		})
	case "date":
		pred, ok = datePredicate(fc.operator, fc.values, c.now, func(it any) *time.Time {
			s := jsonbText(get(it), fc.key)
			if s == nil || len(*s) < 10 {
				return nil
			}
			t, err := time.Parse("2006-01-02", (*s)[:10])
			if err != nil {
				return nil
			}
			return &t
		})
	case "checkbox":
		pred, ok = textPredicate(fc.operator, vals, func(it any) *string {
			v, present := get(it)[fc.key]
			if !present || v == nil {
				return nil
			}
			b, _ := asBool(v)
			s := strconv.FormatBool(b)
			return &s
		})
	default:
		return nil, false // currency/percent have no SQL cast: the query breaks
	}
	if !ok {
		return nil, false
	}
	toks, ok := withOp(ftoken{pred: pred}, fc)
	if !ok {
		return nil, false
	}
	if fc.operator == "not_equal_to" {
		// FilterService appends " OR (...) IS NULL " after the clause's own operator.
		isNull := ftoken{pred: func(it any) bool { _, present := get(it)[fc.key]; return !present }}
		toks = append(toks, ftoken{op: "OR"}, isNull)
	}
	return toks, true
}

func numberPredicate(op string, vals []string, get func(any) *float64) (func(any) bool, bool) {
	nums := make([]float64, 0, len(vals))
	for _, s := range vals {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, false
		}
		nums = append(nums, f)
	}
	switch op {
	case "equal_to", "not_equal_to":
		neg := op == "not_equal_to"
		return func(it any) bool {
			v := get(it)
			if v == nil {
				return false
			}
			in := false
			for _, n := range nums {
				if n == *v {
					in = true
				}
			}
			return in != neg
		}, true
	case "is_greater_than", "is_less_than":
		if len(nums) == 0 {
			return nil, false
		}
		return func(it any) bool {
			v := get(it)
			if v == nil {
				return false
			}
			if op == "is_greater_than" {
				return *v > nums[0]
			}
			return *v < nums[0]
		}, true
	case "is_present":
		return func(it any) bool { return get(it) != nil }, true
	case "is_not_present":
		return func(it any) bool { return get(it) == nil }, true
	}
	return nil, false
}

// conversationClause is Conversations::FilterService#conversation_query_string.
func (c *ctx) conversationClause(fc filterClause) ([]ftoken, bool) {
	conv := func(it any) *conversation { return it.(*conversation) }
	vals := strValues(fc.values)
	var pred func(any) bool
	ok := true
	switch fc.key {
	case "status":
		switch fc.operator {
		case "equal_to", "not_equal_to":
			want := vals
			if containsStr(vals, "all") {
				want = []string{"open", "resolved", "pending", "snoozed"}
			}
			neg := fc.operator == "not_equal_to"
			pred = func(it any) bool { return containsStr(want, conv(it).Status) != neg }
		default:
			return nil, false
		}
	case "assignee_id", "contact_id", "inbox_id", "team_id", "display_id", "campaign_id":
		pred, ok = intPredicate(fc.operator, vals, func(it any) *int {
			cv := conv(it)
			switch fc.key {
			case "assignee_id":
				return cv.AssigneeID
			case "contact_id":
				return &cv.ContactID
			case "inbox_id":
				return &cv.InboxID
			case "team_id":
				return cv.TeamID
			case "display_id":
				return &cv.DisplayID
			}
			return nil // campaign_id: campaigns are not simulated
		})
	case "labels":
		switch fc.operator {
		case "equal_to", "not_equal_to":
			neg := fc.operator == "not_equal_to"
			pred = func(it any) bool {
				hit := false
				for _, l := range conv(it).Labels {
					if containsStr(vals, l) {
						hit = true
					}
				}
				return hit != neg
			}
		case "is_present":
			pred = func(it any) bool { return len(conv(it).Labels) > 0 }
		case "is_not_present":
			pred = func(it any) bool { return len(conv(it).Labels) == 0 }
		default:
			return nil, true // tag_filter_query returns nil: an empty condition
		}
	case "browser_language", "conversation_language", "country_code", "referer", "mail_subject":
		pred, ok = textPredicate(fc.operator, vals, func(it any) *string { return jsonbText(conv(it).AdditionalAttributes, fc.key) })
		if !ok && fc.operator != "" {
			// "= '[...]'": a valid comparison that matches nothing.
			pred, ok = func(any) bool { return false }, true
		}
	case "created_at", "last_activity_at":
		pred, ok = datePredicate(fc.operator, fc.values, c.now, func(it any) *time.Time {
			if fc.key == "created_at" {
				return &conv(it).CreatedAt
			}
			return &conv(it).LastActivityAt
		})
	default:
		return c.customPredicate(fc, "conversation_attribute", func(it any) jsonb { return conv(it).CustomAttributes })
	}
	if !ok {
		return nil, false
	}
	return withOp(ftoken{pred: pred}, fc)
}

// contactClause is Contacts::FilterService#contact_query_string: LOWER(col) = lower(values[0]).
func (c *ctx) contactClause(fc filterClause) ([]ftoken, bool) {
	ct := func(it any) *contact { return it.(*contact) }
	vals := strValues(fc.values)
	first := ""
	if len(vals) > 0 {
		first = strings.ToLower(vals[0])
	}
	lowerPtr := func(s *string) *string {
		if s == nil {
			return nil
		}
		l := strings.ToLower(*s)
		return &l
	}
	eqVals := []string{first}
	var pred func(any) bool
	ok := true
	switch fc.key {
	case "name", "phone_number", "email", "identifier":
		if fc.key == "phone_number" && len(vals) > 0 {
			eqVals = []string{"+" + vals[0]}
		}
		useVals := eqVals
		if fc.operator == "contains" || fc.operator == "does_not_contain" {
			useVals = vals
		}
		pred, ok = textPredicate(fc.operator, useVals, func(it any) *string {
			x := ct(it)
			switch fc.key {
			case "name":
				return lowerPtr(&x.Name)
			case "phone_number":
				return lowerPtr(x.PhoneNumber)
			case "email":
				return lowerPtr(x.Email)
			}
			return lowerPtr(x.Identifier)
		})
	case "country_code", "city", "browser_language", "company":
		useVals := eqVals
		if fc.operator == "contains" || fc.operator == "does_not_contain" {
			useVals = vals
		}
		pred, ok = textPredicate(fc.operator, useVals, func(it any) *string { return lowerPtr(jsonbText(ct(it).AdditionalAttributes, fc.key)) })
	case "labels":
		switch fc.operator {
		case "equal_to", "is_present":
			pred = func(any) bool { return false } // contact labels are not simulated: none has any
		case "not_equal_to", "is_not_present":
			pred = func(any) bool { return true }
		default:
			return nil, true
		}
	case "created_at", "last_activity_at":
		pred, ok = datePredicate(fc.operator, fc.values, c.now, func(it any) *time.Time {
			if fc.key == "created_at" {
				return &ct(it).CreatedAt
			}
			return ct(it).LastActivityAt
		})
	default:
		return c.customPredicate(fc, "contact_attribute", func(it any) jsonb { return ct(it).CustomAttributes })
	}
	if !ok {
		return nil, false
	}
	return withOp(ftoken{pred: pred}, fc)
}
