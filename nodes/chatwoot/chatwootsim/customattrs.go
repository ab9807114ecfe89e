package chatwootsim

import (
	"strings"
)

// Custom attribute definitions (api/v1/accounts/custom_attribute_definitions_controller.rb).

var customAttrAttrs = []string{"id", "attribute_display_name", "attribute_key", "attribute_display_type", "default_value",
	"attribute_model", "account_id", "created_at", "updated_at", "attribute_description", "attribute_values"}

var displayTypes = []string{"text", "number", "currency", "percent", "link", "date", "list", "checkbox"}
var attributeModels = []string{"conversation_attribute", "contact_attribute"}

// castEnum is Rails' enum assignment: a name or an integer value; anything else is an ArgumentError.
func castEnum(v any, names []string) (string, bool) {
	switch x := v.(type) {
	case string:
		if containsStr(names, x) {
			return x, true
		}
		return "", false
	default:
		if i, ok := asInt(x); ok && i >= 0 && i < len(names) {
			if _, isNum := x.(bool); !isNum {
				return names[i], true
			}
		}
	}
	return "", false
}

func customAttrView(d *customAttr) obj {
	values := d.Values
	if values == nil {
		values = []any{}
	}
	return obj{
		{"id", d.ID}, {"attribute_display_name", strOrNil(d.DisplayName)}, {"attribute_display_type", d.DisplayType},
		{"attribute_description", strOrNil(d.Description)}, {"attribute_key", strOrNil(d.Key)},
		{"attribute_values", values}, {"attribute_model", d.AttributeModel}, {"default_value", intOrNil(d.DefaultValue)},
		{"created_at", iso(d.CreatedAt)}, {"updated_at", iso(d.UpdatedAt)},
	}
}

func (c *ctx) listCustomAttrs() *response {
	model, filter := "", c.present("attribute_model")
	if filter {
		raw, _ := c.str("attribute_model")
		if m, ok := castEnum(raw, attributeModels); ok {
			model = m
		} else if i := rubyToI(raw); raw != "" && strings.Trim(raw, "0123456789") == "" && i < len(attributeModels) {
			model = attributeModels[i]
		}
	}
	out := []obj{}
	for _, d := range c.st.customAttrs.where(func(d *customAttr) bool { return d.AccountID == c.acc.ID }) {
		if filter && d.AttributeModel != model {
			continue
		}
		out = append(out, customAttrView(d))
	}
	return okResp(out)
}

func (c *ctx) accountCustomAttr() *customAttr {
	d := c.st.customAttrs.get(c.pathID("id"))
	if d == nil || d.AccountID != c.acc.ID {
		return nil
	}
	return d
}

func (c *ctx) showCustomAttr() *response {
	d := c.accountCustomAttr()
	if d == nil {
		return resourceNotFound()
	}
	return okResp(customAttrView(d))
}

func (c *ctx) applyCustomAttr(d *customAttr, p map[string]any) (*validation, *response) {
	str := func(k string, dst **string) {
		if v, ok := p[k]; ok {
			if s, isStr := asString(v); isStr {
				*dst = &s
			} else {
				*dst = nil
			}
		}
	}
	str("attribute_display_name", &d.DisplayName)
	str("attribute_description", &d.Description)
	str("attribute_key", &d.Key)
	if v, ok := p["attribute_display_type"]; ok && v != nil {
		t, valid := castEnum(v, displayTypes)
		if !valid {
			return nil, internalError()
		}
		d.DisplayType = t
	}
	if v, ok := p["attribute_model"]; ok && v != nil {
		m, valid := castEnum(v, attributeModels)
		if !valid {
			return nil, internalError()
		}
		d.AttributeModel = m
	}
	if arr, ok := p["attribute_values"].([]any); ok {
		vals := []any{}
		for _, e := range arr {
			if s, ok := asString(e); ok {
				vals = append(vals, s)
			}
		}
		d.Values = vals
	}
	v := &validation{}
	if d.DisplayName == nil || strings.TrimSpace(*d.DisplayName) == "" {
		v.add("attribute_display_name", "can't be blank")
	}
	if d.Key == nil || strings.TrimSpace(*d.Key) == "" {
		v.add("attribute_key", "can't be blank")
	} else if c.st.customAttrs.first(func(o *customAttr) bool {
		return o.AccountID == d.AccountID && o.ID != d.ID && o.AttributeModel == d.AttributeModel && o.Key != nil && *o.Key == *d.Key
	}) != nil {
		v.add("attribute_key", "has already been taken")
	}
	return v, nil
}

func (c *ctx) createCustomAttr() *response {
	p, resp := c.wrapped("custom_attribute_definition", customAttrAttrs)
	if resp != nil {
		return resp
	}
	d := &customAttr{AccountID: c.acc.ID, DisplayType: "text", AttributeModel: "conversation_attribute", Values: []any{}}
	v, resp := c.applyCustomAttr(d, p)
	if resp != nil {
		return resp
	}
	if !v.empty() {
		return v.invalid()
	}
	d.ID = c.st.customAttrs.next()
	d.CreatedAt, d.UpdatedAt = c.now, c.now
	c.st.customAttrs.put(d.ID, d)
	return okResp(customAttrView(d))
}

func (c *ctx) updateCustomAttr() *response {
	d := c.accountCustomAttr()
	if d == nil {
		return resourceNotFound()
	}
	p, resp := c.wrapped("custom_attribute_definition", customAttrAttrs)
	if resp != nil {
		return resp
	}
	probe := *d
	v, resp := c.applyCustomAttr(&probe, p)
	if resp != nil {
		return resp
	}
	if !v.empty() {
		return v.invalid()
	}
	probe.UpdatedAt = c.now
	*d = probe
	return okResp(customAttrView(d))
}

// deleteCustomAttr answers `head :no_content`.
func (c *ctx) deleteCustomAttr() *response {
	d := c.accountCustomAttr()
	if d == nil {
		return resourceNotFound()
	}
	c.st.customAttrs.remove(d.ID)
	return noContent()
}
