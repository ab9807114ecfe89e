package chatwootsim

import (
	"net/http"
	"strings"
)

// Automation rules (api/v1/accounts/automation_rules_controller.rb): administrators only; an
// unknown id reaches a nil record (find_by) and raises, so it is a 500, not a 404.

var conditionAttrs = []string{"content", "email", "country_code", "status", "message_type", "browser_language",
	"assignee_id", "team_id", "referer", "city", "company", "inbox_id", "mail_subject", "phone_number", "priority",
	"conversation_language"}

var actionNames = []string{"send_message", "add_label", "send_email_to_team", "assign_team", "assign_agent",
	"send_webhook_event", "mute_conversation", "send_attachment", "change_status", "resolve_conversation",
	"snooze_conversation", "change_priority", "send_email_transcript"}

func automationView(r *automationRule) obj {
	return obj{
		{"id", r.ID}, {"account_id", r.AccountID}, {"name", r.Name}, {"description", strOrNil(r.Description)},
		{"event_name", r.EventName}, {"conditions", jsonbValue(r.Conditions)}, {"actions", jsonbValue(r.Actions)},
		{"created_on", r.CreatedAt.Unix()}, {"active", r.Active},
	}
}

func (c *ctx) listAutomation() *response {
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	out := []obj{}
	for _, r := range c.st.automationRules.where(func(r *automationRule) bool { return r.AccountID == c.acc.ID }) {
		out = append(out, automationView(r))
	}
	return okResp(obj{{"payload", out}})
}

// validateAutomation is AutomationRule's json_conditions_format, json_actions_format and
// query_operator_presence.
func (c *ctx) validateAutomation(r *automationRule) *validation {
	v := &validation{}
	if conds, ok := r.Conditions.([]any); ok && len(conds) > 0 {
		var bad []string
		nilOps := 0
		for _, raw := range conds {
			m, _ := raw.(map[string]any)
			key, _ := asString(m["attribute_key"])
			if !containsStr(conditionAttrs, key) && c.st.customAttrs.first(func(d *customAttr) bool {
				return d.AccountID == r.AccountID && d.Key != nil && *d.Key == key
			}) == nil {
				bad = append(bad, key)
			}
			if m["query_operator"] == nil {
				nilOps++
			}
		}
		if len(bad) > 0 {
			v.add("conditions", "Automation conditions "+strings.Join(bad, ",")+" not supported.")
		}
		if nilOps > 1 {
			v.add("conditions", "Automation conditions should have query operator.")
		}
	}
	if acts, ok := r.Actions.([]any); ok && len(acts) > 0 {
		var bad []string
		for _, raw := range acts {
			m, _ := raw.(map[string]any)
			name, _ := asString(m["action_name"])
			if !containsStr(actionNames, name) {
				bad = append(bad, name)
			}
		}
		if len(bad) > 0 {
			v.add("actions", "Automation actions "+strings.Join(bad, ",")+" not supported.")
		}
	}
	return v
}

// applyAutomation sets the permitted scalars; conditions and actions are taken raw from params.
func (c *ctx) applyAutomation(r *automationRule, update bool) {
	if c.has("name") {
		s, _ := c.str("name")
		r.Name = s
	}
	if c.has("description") {
		r.Description = c.strp("description")
	}
	if c.has("event_name") {
		s, _ := c.str("event_name")
		r.EventName = s
	}
	if c.has("active") {
		r.Active, _ = asBool(c.val("active"))
	}
	if !update || c.present("conditions") {
		r.Conditions = cloneJSON(c.val("conditions"))
	}
	if !update || c.present("actions") {
		r.Actions = cloneJSON(c.val("actions"))
	}
}

func (c *ctx) createAutomation() *response {
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	r := &automationRule{AccountID: c.acc.ID, Active: true}
	c.applyAutomation(r, false)
	if v := c.validateAutomation(r); !v.empty() {
		return fieldErrors(v)
	}
	if r.Name == "" && !c.has("name") || r.EventName == "" && !c.has("event_name") || r.Conditions == nil || r.Actions == nil {
		return internalError() // NOT NULL columns
	}
	r.ID = c.st.automationRules.next()
	r.CreatedAt, r.UpdatedAt = c.now, c.now
	c.st.automationRules.put(r.ID, r)
	return okResp(automationView(r))
}

func (c *ctx) accountAutomation() *automationRule {
	r := c.st.automationRules.get(c.pathID("id"))
	if r == nil || r.AccountID != c.acc.ID {
		return nil
	}
	return r
}

func (c *ctx) showAutomation() *response {
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	r := c.accountAutomation()
	if r == nil {
		return internalError()
	}
	return okResp(obj{{"payload", automationView(r)}})
}

func (c *ctx) updateAutomation() *response {
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	r := c.accountAutomation()
	if r == nil {
		return internalError()
	}
	probe := *r
	c.applyAutomation(&probe, true)
	if v := c.validateAutomation(&probe); !v.empty() {
		return fieldErrors(v)
	}
	probe.UpdatedAt = c.now
	*r = probe
	return jsonResp(http.StatusOK, obj{{"payload", automationView(r)}})
}

func (c *ctx) deleteAutomation() *response {
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	r := c.accountAutomation()
	if r == nil {
		return internalError()
	}
	c.st.automationRules.remove(r.ID)
	return headOK()
}
