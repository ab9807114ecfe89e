package chatwootsim

import (
	"regexp"
)

// Webhooks (api/v1/accounts/webhooks_controller.rb): administrators only.

var webhookAttrs = []string{"id", "account_id", "inbox_id", "url", "created_at", "updated_at", "webhook_type", "subscriptions"}

var allowedWebhookEvents = []string{"conversation_status_changed", "conversation_updated", "conversation_created",
	"contact_created", "contact_updated", "message_created", "message_updated", "webwidget_triggered",
	"inbox_created", "inbox_updated"}

// defaultSubscriptions is the webhooks.subscriptions column default.
var defaultSubscriptions = []string{"conversation_status_changed", "conversation_updated", "conversation_created",
	"contact_created", "contact_updated", "message_created", "message_updated", "webwidget_triggered"}

// webhookURLRegexp is URI::DEFAULT_PARSER.make_regexp(%w[http https]); Rails' format validator
// matches it anywhere in the string.
var webhookURLRegexp = regexp.MustCompile(`(?i)https?://[^\s]*`)

func (c *ctx) webhookView(w *webhook) obj {
	subs := w.Subscriptions
	if subs == nil {
		subs = []any{}
	}
	o := obj{{"id", w.ID}, {"url", w.URL}, {"account_id", w.AccountID}, {"subscriptions", subs}}
	if w.InboxID != nil {
		if in := c.st.inboxes.get(*w.InboxID); in != nil {
			o = append(o, kv{"inbox", obj{{"id", in.ID}, {"name", in.Name}}})
		}
	}
	return o
}

func (c *ctx) listWebhooks() *response {
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	out := []obj{}
	for _, w := range c.st.webhooks.where(func(w *webhook) bool { return w.AccountID == c.acc.ID }) {
		out = append(out, c.webhookView(w))
	}
	return okResp(obj{{"payload", obj{{"webhooks", out}}}})
}

func (c *ctx) applyWebhook(w *webhook, p map[string]any) *validation {
	if v, ok := p["url"]; ok {
		s, _ := asString(v)
		w.URL = s
	}
	if v, ok := p["inbox_id"]; ok {
		if id, isInt := asInt(v); isInt {
			w.InboxID = &id
		} else {
			w.InboxID = nil
		}
	}
	if v, ok := p["subscriptions"]; ok {
		if arr, isArr := v.([]any); isArr {
			subs := []any{}
			for _, e := range arr {
				if s, ok := asString(e); ok {
					subs = append(subs, s)
				}
			}
			w.Subscriptions = subs
		} else {
			w.Subscriptions = nil
		}
	}
	v := &validation{}
	if c.st.webhooks.first(func(o *webhook) bool { return o.AccountID == w.AccountID && o.ID != w.ID && o.URL == w.URL }) != nil {
		v.add("url", "has already been taken")
	}
	if !webhookURLRegexp.MatchString(w.URL) {
		v.add("url", "is invalid")
	}
	invalid := len(w.Subscriptions) == 0
	for _, s := range w.Subscriptions {
		if !containsStr(allowedWebhookEvents, s.(string)) {
			invalid = true
		}
	}
	if invalid {
		v.add("subscriptions", "Invalid events")
	}
	return v
}

func (c *ctx) createWebhook() *response {
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	p, resp := c.wrapped("webhook", webhookAttrs)
	if resp != nil {
		return resp
	}
	w := &webhook{AccountID: c.acc.ID}
	for _, s := range defaultSubscriptions {
		w.Subscriptions = append(w.Subscriptions, s)
	}
	if v := c.applyWebhook(w, p); !v.empty() {
		return v.invalid()
	}
	w.ID = c.st.webhooks.next()
	w.CreatedAt, w.UpdatedAt = c.now, c.now
	c.st.webhooks.put(w.ID, w)
	return okResp(obj{{"payload", obj{{"webhook", c.webhookView(w)}}}})
}

func (c *ctx) accountWebhook() *webhook {
	w := c.st.webhooks.get(c.pathID("id"))
	if w == nil || w.AccountID != c.acc.ID {
		return nil
	}
	return w
}

func (c *ctx) updateWebhook() *response {
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	w := c.accountWebhook()
	if w == nil {
		return resourceNotFound()
	}
	p, resp := c.wrapped("webhook", webhookAttrs)
	if resp != nil {
		return resp
	}
	probe := *w
	probe.Subscriptions = append([]any(nil), w.Subscriptions...)
	if v := c.applyWebhook(&probe, p); !v.empty() {
		return v.invalid()
	}
	probe.UpdatedAt = c.now
	*w = probe
	return okResp(obj{{"payload", obj{{"webhook", c.webhookView(w)}}}})
}

func (c *ctx) deleteWebhook() *response {
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	w := c.accountWebhook()
	if w == nil {
		return resourceNotFound()
	}
	c.st.webhooks.remove(w.ID)
	return headOK()
}
