package chatwootsim

import (
	"strings"
)

// Integrations: the app catalogue (config/integration/apps.yml) and account hooks
// (api/v1/accounts/integrations/apps_controller.rb, hooks_controller.rb).

type integrationApp struct {
	id, i18n, name, description, logo, action, hookType string
	allowMultiple                                       bool
	schema                                              *settingsSchema
	extra                                               obj // settings_json_schema, settings_form_schema, visible_properties
}

// settingsSchema is the part of settings_json_schema the simulator enforces.
type settingsSchema struct {
	required []string
	types    map[string]string // string / object
}

func formField(label, typ, name string) obj {
	return obj{{"label", label}, {"type", typ}, {"name", name}, {"validation", "required"}}
}

func jsonSchemaObj(props obj, required []string) obj {
	return obj{{"type", "object"}, {"properties", props}, {"required", required}, {"additionalProperties", false}}
}

// integrationApps lists the apps in apps.yml order; slack needs SLACK_CLIENT_SECRET and is not active.
var integrationApps = []integrationApp{
	{id: "webhook", i18n: "webhooks", name: "Webhooks",
		description: "Webhook events provide you the realtime information about what's happening in your account. You can make use of the webhooks to communicate the events to your favourite apps like Slack or Github. Click on Configure to set up your webhooks.",
		logo:        "cable.svg", action: "/webhook", hookType: "account", allowMultiple: true},
	{id: "dialogflow", i18n: "dialogflow", name: "Dialogflow",
		description: "Build chatbots using Dialogflow and connect them to your inbox quickly. Let the bots handle the queries before handing them off to a customer service agent.",
		logo:        "dialogflow.svg", action: "/dialogflow", hookType: "inbox", allowMultiple: true,
		schema: &settingsSchema{required: []string{"project_id", "credentials"}, types: map[string]string{"project_id": "string", "credentials": "object"}},
		extra: obj{
			{"settings_json_schema", jsonSchemaObj(obj{{"project_id", obj{{"type", "string"}}}, {"credentials", obj{{"type", "object"}}}}, []string{"project_id", "credentials"})},
			{"settings_form_schema", []obj{
				append(formField("Dialogflow Project ID", "text", "project_id"), kv{"validationName", "Project Id"}),
				{{"label", "Dialogflow Project Key File"}, {"type", "textarea"}, {"name", "credentials"}, {"validation", "required|JSON"},
					{"validationName", "Credentials"}, {"validation-messages", obj{{"JSON", "Invalid JSON"}, {"required", "Credentials is required"}}}},
			}},
			{"visible_properties", []string{"project_id"}},
		}},
	{id: "dyte", i18n: "dyte", name: "Dyte",
		description: "Dyte is tool that helps you to add live audio & video to your application with just a few lines of code. This integration allows you to give an option to your agents to have a video or voice call with your customers from without leaving Chatwoot.",
		logo:        "dyte.png", action: "/dyte", hookType: "account",
		schema: &settingsSchema{required: []string{"api_key", "organization_id"}, types: map[string]string{"api_key": "string", "organization_id": "string"}},
		extra: obj{
			{"settings_json_schema", jsonSchemaObj(obj{{"api_key", obj{{"type", "string"}}}, {"organization_id", obj{{"type", "string"}}}}, []string{"api_key", "organization_id"})},
			{"settings_form_schema", []obj{formField("Organization ID", "text", "organization_id"), formField("API Key", "text", "api_key")}},
			{"visible_properties", []string{"organization_id"}},
		}},
	{id: "google_translate", i18n: "google_translate", name: "Google Translate",
		description: "Make it easier for agents to translate messages by adding a Google Translate Integration. Google translate helps to identify the language automatically and convert it to the language chosen by the agent/account admin.",
		logo:        "googletranslate.png", action: "/google_translate", hookType: "account",
		schema: &settingsSchema{required: []string{"project_id", "credentials"}, types: map[string]string{"project_id": "string", "credentials": "object"}},
		extra: obj{
			{"settings_json_schema", jsonSchemaObj(obj{{"project_id", obj{{"type", "string"}}}, {"credentials", obj{{"type", "object"}}}}, []string{"project_id", "credentials"})},
			{"settings_form_schema", []obj{
				append(formField("Google Cloud Project ID", "text", "project_id"), kv{"validationName", "Project Id"}),
				{{"label", "Google Cloud Project Key File"}, {"type", "textarea"}, {"name", "credentials"}, {"validation", "required|JSON"},
					{"validationName", "Credentials"}, {"validation-messages", obj{{"JSON", "Invalid JSON"}, {"required", "Credentials is required"}}}},
			}},
			{"visible_properties", []string{"project_id"}},
		}},
	{id: "openai", i18n: "openai", name: "OpenAI",
		description: "Integrate powerful AI features into Chatwoot by leveraging the GPT models from OpenAI.",
		logo:        "openai.png", action: "/openai", hookType: "account",
		schema: &settingsSchema{required: []string{"api_key"}, types: map[string]string{"api_key": "string"}},
		extra: obj{
			{"settings_json_schema", jsonSchemaObj(obj{{"api_key", obj{{"type", "string"}}}}, []string{"api_key"})},
			{"settings_form_schema", []obj{formField("API Key", "text", "api_key")}},
			{"visible_properties", []string{"api_key"}},
		}},
}

// slackApp is known (hooks may reference it) but not active, so it is not listed.
var slackApp = integrationApp{id: "slack", hookType: "account"}

func findApp(id string) *integrationApp {
	for i := range integrationApps {
		if integrationApps[i].id == id {
			return &integrationApps[i]
		}
	}
	if id == "slack" {
		return &slackApp
	}
	return nil
}

func (c *ctx) hookView(h *hook) obj {
	var inboxRef any
	if h.InboxID != nil {
		if in := c.st.inboxes.get(*h.InboxID); in != nil {
			inboxRef = obj{{"id", in.ID}, {"name", in.Name}}
		}
	}
	o := obj{
		{"id", h.ID}, {"app_id", h.AppID}, {"status", h.Status == "enabled"}, {"inbox", inboxRef},
		{"account_id", h.AccountID}, {"hook_type", h.HookType},
	}
	if c.isAdmin() {
		o = append(o, kv{"settings", h.Settings}, kv{"reference_id", strOrNil(h.ReferenceID)})
	}
	return o
}

// appView is api/v1/models/_app; administrators also get the app's yml params.
func (c *ctx) appView(app *integrationApp) obj {
	o := obj{{"id", app.id}, {"name", app.name}, {"description", app.description}, {"enabled", true}}
	if c.isAdmin() {
		o = append(o, kv{"logo", app.logo}, kv{"i18n_key", app.i18n}, kv{"action", app.action},
			kv{"hook_type", app.hookType}, kv{"allow_multiple_hooks", app.allowMultiple})
		o = append(o, app.extra...)
		o = append(o, kv{"button", app.action})
	}
	hooks := []obj{}
	for _, h := range c.st.hooks.where(func(h *hook) bool { return h.AccountID == c.acc.ID && h.AppID == app.id }) {
		hooks = append(hooks, c.hookView(h))
	}
	return append(o, kv{"hooks", hooks})
}

func (c *ctx) listApps() *response {
	out := []obj{}
	for i := range integrationApps {
		out = append(out, c.appView(&integrationApps[i]))
	}
	return okResp(obj{{"payload", out}})
}

var hookAttrs = []string{"id", "status", "inbox_id", "account_id", "app_id", "hook_type", "reference_id", "access_token",
	"created_at", "updated_at", "settings"}

// applyHook sets status and settings (and, on create, app_id and inbox_id), then validates.
func (c *ctx) applyHook(h *hook, p map[string]any, create bool) (*validation, *response) {
	if create {
		if v, ok := p["app_id"]; ok {
			h.AppID, _ = asString(v)
		}
		if v, ok := p["inbox_id"]; ok {
			if id, isInt := asInt(v); isInt {
				h.InboxID = &id
			}
		}
	}
	if v, ok := p["status"]; ok && v != nil {
		s, valid := castEnum(v, []string{"disabled", "enabled"})
		if !valid {
			return nil, internalError()
		}
		h.Status = s
	}
	if m, ok := asMap(p["settings"]); ok {
		h.Settings = toJSONB(m)
	}
	app := findApp(h.AppID)
	if create && app != nil {
		h.HookType = app.hookType
	}
	v := &validation{}
	if strings.TrimSpace(h.AppID) == "" {
		v.add("app_id", "can't be blank")
	}
	if h.HookType == "inbox" && h.InboxID == nil {
		v.add("inbox_id", "can't be blank")
	}
	if app != nil && app.schema != nil && !app.schema.valid(h.Settings) {
		v.addFull("settings", ": Invalid settings data", "Settings : Invalid settings data")
	}
	if create && (app == nil || !app.allowMultiple) && h.AppID != "" && c.st.hooks.first(func(o *hook) bool {
		return o.AccountID == h.AccountID && o.AppID == h.AppID && o.ID != h.ID
	}) != nil {
		v.add("app_id", "has already been taken")
	}
	return v, nil
}

func (s *settingsSchema) valid(settings jsonb) bool {
	for _, k := range s.required {
		if _, ok := settings[k]; !ok {
			return false
		}
	}
	for k, v := range settings {
		want, known := s.types[k]
		if !known {
			return false // additionalProperties: false
		}
		switch want {
		case "string":
			if _, ok := v.(string); !ok {
				return false
			}
		case "object":
			if _, ok := v.(map[string]any); !ok {
				return false
			}
		}
	}
	return true
}

func (c *ctx) createHook() *response {
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	p, resp := c.wrapped("hook", hookAttrs)
	if resp != nil {
		return resp
	}
	h := &hook{AccountID: c.acc.ID, Status: "enabled", HookType: "account", Settings: jsonb{}}
	v, resp := c.applyHook(h, p, true)
	if resp != nil {
		return resp
	}
	if !v.empty() {
		return v.invalid()
	}
	h.ID = c.st.hooks.next()
	h.AccessToken = c.nextToken("hook_access_token")
	h.CreatedAt, h.UpdatedAt = c.now, c.now
	c.st.hooks.put(h.ID, h)
	return okResp(c.hookView(h))
}

func (c *ctx) accountHook() *hook {
	h := c.st.hooks.get(c.pathID("id"))
	if h == nil || h.AccountID != c.acc.ID {
		return nil
	}
	return h
}

func (c *ctx) updateHook() *response {
	h := c.accountHook()
	if h == nil {
		return resourceNotFound()
	}
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	p, resp := c.wrapped("hook", hookAttrs)
	if resp != nil {
		return resp
	}
	probe := *h
	v, resp := c.applyHook(&probe, p, false)
	if resp != nil {
		return resp
	}
	if !v.empty() {
		return v.invalid()
	}
	probe.UpdatedAt = c.now
	*h = probe
	return okResp(c.hookView(h))
}

func (c *ctx) deleteHook() *response {
	h := c.accountHook()
	if h == nil {
		return resourceNotFound()
	}
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	c.st.hooks.remove(h.ID)
	return headOK()
}
