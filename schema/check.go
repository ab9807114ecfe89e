package schema

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/go-playground/validator/v10"

	"github.com/noderun/noderun/node"
)

// checker walks one decoded description or credential type and collects
// every finding. The per-value rules are validator tags (rules.go); the
// rules that relate values to each other are plain Go here.
type checker struct {
	rules *validator.Validate
	diags Diagnostics
	// clean is the displayOptions last found clean in the scope that
	// remembers: decoded descriptions share identical ones, often between
	// neighbours, and what the checks find depends only on them, the
	// scope and routed.
	clean checkedDisplay
}

type checkedDisplay struct {
	do     *node.DisplayOptions
	routed bool
}

func (c *checker) report(s Severity, p *path, format string, args ...any) {
	c.diags = append(c.diags, Diagnostic{Severity: s, Pointer: p.String(), Message: fmt.Sprintf(format, args...)})
}

func (c *checker) errorf(p *path, format string, args ...any) {
	c.report(SeverityError, p, format, args...)
}

func (c *checker) warnf(p *path, format string, args ...any) {
	c.report(SeverityWarning, p, format, args...)
}

// scope is what the displayOptions keys of a property may name.
type scope struct {
	root  map[string]bool // top-level parameter names
	level map[string]bool // names beside the property (root at top level)
	// container is "" at top level, else "collection" or "fixedCollection group".
	container string
	// remember lets the checker skip displayOptions it has just found
	// clean in this scope (see checker.clean); set on one scope a checker
	// walks.
	remember bool
}

func propertyNames(props []node.Property) map[string]bool {
	names := make(map[string]bool, len(props))
	for i := range props {
		names[props[i].Name] = true
	}
	return names
}

func (c *checker) description(d *node.Description) {
	p := rootPath()
	c.apply(&p, &descriptionRules{
		Name:        d.Name,
		DisplayName: d.DisplayName,
		Version:     []float64(d.Version),
		Properties:  d.Properties,
	})
	names := propertyNames(d.Properties)
	sc := scope{root: names, level: names}
	refs := references{params: names}

	cp := p.key("credentials")
	for i := range d.Credentials {
		ip := cp.at(i)
		cred := &d.Credentials[i]
		check(c, &ip, credentialRefRules{Name: cred.Name})
		if cred.DisplayOptions != nil {
			dp := ip.key("displayOptions")
			c.displayOptions(&dp, cred.DisplayOptions, sc, false)
		}
	}
	c.credentialSelection(&cp, d.Credentials, names)
	if d.RequestDefaults != nil {
		rp := p.key("requestDefaults")
		c.request(&rp, d.RequestDefaults, refs)
	}
	if d.RequestOperations != nil {
		op := p.key("requestOperations")
		c.operations(&op, d.RequestOperations)
	}
	pp := p.key("properties")
	c.properties(&pp, d.Properties, sc, refs)
	c.operationSelectors(&pp, d.Properties)
}

// properties checks a top-level property list. It is one walk on one
// core: on the 2-core machine of BENCHMARKS.md, handing chunks of
// Chatwoot's 549 properties to a second core cost more (goroutine start,
// moving the decoded properties between the cores' caches) than it saved.
func (c *checker) properties(pp *path, props []node.Property, sc scope, refs references) {
	rc := checker{rules: c.rules}
	sc.remember = true
	for i := range props {
		ip := pp.at(i)
		rc.property(&ip, &props[i], sc, refs)
	}
	c.diags = append(c.diags, rc.diags...)
}

// credentialSelection checks D4: with several credential types, n8n picks
// the one whose displayOptions.show.authentication holds the value of the
// top-level 'authentication' parameter.
func (c *checker) credentialSelection(cp *path, creds []node.CredentialRef, names map[string]bool) {
	if len(creds) < 2 {
		return
	}
	if !names["authentication"] {
		c.warnf(cp, "the node lists %d credential types but has no top-level 'authentication' parameter; n8n picks the credential by that parameter's value, so every run fails with \"does not have any credentials of type\"", len(creds))
	}
	for i := range creds {
		if creds[i].DisplayOptions == nil || len(creds[i].DisplayOptions.Show["authentication"]) == 0 {
			ip := cp.at(i)
			c.warnf(&ip, "credential %q has no displayOptions.show.authentication; with several credential types n8n selects one only through that condition, so this one is never used", creds[i].Name)
		}
	}
}

func (c *checker) property(p *path, prop *node.Property, sc scope, refs references) {
	check(c, p, propertyRules{Name: prop.Name, Type: string(prop.Type)})
	if prop.DisplayOptions != nil {
		dp := p.key("displayOptions")
		c.displayOptions(&dp, prop.DisplayOptions, sc, hasRouting(prop))
	}
	if prop.DisabledOptions != nil {
		dp := p.key("disabledOptions")
		c.displayOptions(&dp, prop.DisabledOptions, sc, false)
	}
	if prop.Routing != nil {
		rp := p.key("routing")
		c.routing(&rp, prop.Routing, refs)
	}
	c.defaultValue(p, prop)
	op := p.key("options")
	// The paths handed to the recursive calls are declared outside the
	// loops, as in expressions, so that they stay on the stack.
	var ip, gp, vp path
	switch prop.Type {
	case node.TypeOptions, node.TypeMultiOptions:
		c.choices(&op, prop, refs)
	case node.TypeCollection:
		children := scope{root: sc.root, level: propertyNames(prop.Children), container: "collection"}
		for i := range prop.Children {
			ip = op.at(i)
			c.property(&ip, &prop.Children[i], children, refs)
		}
	case node.TypeFixedCollection:
		if len(prop.Groups) == 0 {
			c.errorf(&op, "fixedCollection %q has no groups; list at least one {displayName, name, values} under options", prop.Name)
		}
		for i := range prop.Groups {
			g := &prop.Groups[i]
			gp = op.at(i)
			check(c, &gp, groupRules{Name: g.Name, Values: g.Values})
			values := scope{root: sc.root, level: propertyNames(g.Values), container: "fixedCollection group"}
			vp = gp.key("values")
			for j := range g.Values {
				ip = vp.at(j)
				c.property(&ip, &g.Values[j], values, refs)
			}
		}
	}
}

func hasRouting(prop *node.Property) bool {
	if prop.Routing != nil {
		return true
	}
	for i := range prop.Choices {
		if prop.Choices[i].Routing != nil {
			return true
		}
	}
	return false
}

// isSpecialKey reports the displayOptions keys that name no parameter (P12).
func isSpecialKey(key string) bool {
	switch key {
	case "@version", "@tool", "@feature":
		return true
	}
	return false
}

// cndOperators lists the operators of {_cnd: {op: operand}} conditions (P16).
const cndOperators = "eq, not, gt, gte, lt, lte, between, startsWith, endsWith, includes, regex, exists"

// displayOptions checks that every key names a parameter where n8n looks
// it up (P12), and that _cnd conditions use known operators (P16).
func (c *checker) displayOptions(p *path, do *node.DisplayOptions, sc scope, routed bool) {
	checked := checkedDisplay{do, routed}
	if sc.remember && c.clean == checked {
		return
	}
	found := len(c.diags)
	c.displayConditions(p, do, sc, routed)
	if sc.remember && len(c.diags) == found {
		c.clean = checked
	}
}

// displayConditions does the checks of displayOptions.
func (c *checker) displayConditions(p *path, do *node.DisplayOptions, sc scope, routed bool) {
	for _, part := range []struct {
		name  string
		conds map[string][]any
	}{{"show", do.Show}, {"hide", do.Hide}} {
		pp := p.key(part.name)
		for key, values := range part.conds {
			kp := pp.key(key)
			c.conditionKey(&kp, key, sc, routed)
			if part.name == "show" && len(values) == 0 {
				c.warnf(&kp, "show.%s lists no values, so no value matches and the property is never shown (P11)", key)
			}
			for i, v := range values {
				m, ok := v.(map[string]any)
				if !ok || len(m) != 1 {
					continue
				}
				cnd, ok := m["_cnd"]
				if !ok {
					continue
				}
				ip := kp.at(i)
				cp := ip.key("_cnd")
				ops, ok := cnd.(map[string]any)
				if !ok || len(ops) == 0 {
					c.errorf(&cp, "_cnd must be an object {operator: operand}; allowed operators: %s", cndOperators)
					continue
				}
				for op := range ops {
					if !knownOperator(op) {
						opp := cp.key(op)
						c.errorf(&opp, "_cnd operator %q is unknown; n8n fails unknown operators, so the condition never holds; allowed: %s", op, cndOperators)
					}
				}
			}
		}
	}
}

func knownOperator(op string) bool {
	switch op {
	case "eq", "not", "gt", "gte", "lt", "lte", "between", "startsWith", "endsWith", "includes", "regex", "exists":
		return true
	}
	return false
}

func (c *checker) conditionKey(kp *path, key string, sc scope, routed bool) {
	switch {
	case isSpecialKey(key):
		return
	case strings.HasPrefix(key, "@"):
		c.errorf(kp, "displayOptions key %q is not a special key n8n knows; allowed: @version, @tool, @feature, or a parameter name", key)
		return
	case strings.HasPrefix(key, "/"):
		name := firstSegment(key[1:])
		if !sc.root[name] {
			c.errorf(kp, "displayOptions key %q names no top-level parameter; a '/' key reads %q from the node's top-level parameters", key, name)
		}
		return
	}
	name := firstSegment(key)
	if !sc.level[name] {
		if sc.container == "" {
			c.errorf(kp, "displayOptions key %q names no parameter; keys name a top-level parameter, or are @version, @tool or @feature", key)
		} else if sc.root[name] {
			c.errorf(kp, "displayOptions key %q names no parameter of this %s; a key inside a %s reads its siblings, so n8n drops this property (P1); write %q to read the top-level parameter", key, sc.container, sc.container, "/"+key)
		} else {
			c.errorf(kp, "displayOptions key %q names no parameter of this %s or of the node; keys inside a %s name a sibling, and '/'-prefixed keys a top-level parameter", key, sc.container, sc.container)
		}
		return
	}
	if sc.container != "" && routed {
		c.warnf(kp, "n8n's routing engine tests displayOptions against the top-level parameters, not the %s's (R15): with the sibling key %q this property counts as hidden when requests are built, so its routing is never sent", sc.container, key)
	}
}

// firstSegment is the parameter a displayOptions path starts with
// ("a.b[0]" reads parameter "a").
func firstSegment(key string) string {
	// A byte loop: strings.IndexAny builds a set on every call, and this
	// runs for every displayOptions key of a description.
	for i := 0; i < len(key); i++ {
		if key[i] == '.' || key[i] == '[' {
			return key[:i]
		}
	}
	return key
}

// choices checks the choices of an options or multiOptions property.
func (c *checker) choices(op *path, prop *node.Property, refs references) {
	if len(prop.Choices) == 0 && !loadsOptions(prop) {
		c.errorf(op, "%s property %q has no choices; list {name, value} entries under options, or load them with typeOptions.loadOptionsMethod", prop.Type, prop.Name)
	}
	// A map of the values seen pays for itself only on long lists.
	var seen map[any]int
	if len(prop.Choices) > shortChoices {
		seen = make(map[any]int, len(prop.Choices))
	}
	for i := range prop.Choices {
		ch := &prop.Choices[i]
		ip := op.at(i)
		vp := ip.key("value")
		switch key, ok := scalarKey(ch.Value); {
		case ch.Value == nil:
			c.errorf(&vp, "choice %q has no value; n8n stores and compares the value, so it must be a string, number or boolean", ch.Name)
		case !ok:
			c.errorf(&vp, "choice %q has a value of type %T; it must be a string, number or boolean", ch.Name, ch.Value)
		default:
			if first, dup := firstWithKey(prop.Choices[:i], key, seen); dup {
				c.errorf(&vp, "value %s repeats choice %d of this property; n8n selects the first choice with a matching value, so this one is unreachable", jsonText(ch.Value), first)
			} else if seen != nil {
				seen[key] = i
			}
		}
		if ch.Routing != nil {
			rp := ip.key("routing")
			c.routing(&rp, ch.Routing, refs)
		}
	}
}

// shortChoices is the length up to which choices finds repeated values
// by comparing each with those before it.
const shortChoices = 32

// firstWithKey returns the index of the first of earlier whose value has
// scalar key key: from seen, the first index of each key, when not nil.
func firstWithKey(earlier []node.Choice, key any, seen map[any]int) (int, bool) {
	if seen != nil {
		i, ok := seen[key]
		return i, ok
	}
	for i := range earlier {
		if k, ok := scalarKey(earlier[i].Value); ok && k == key {
			return i, true
		}
	}
	return 0, false
}

func loadsOptions(prop *node.Property) bool {
	if prop.TypeOptions == nil {
		return false
	}
	_, method := prop.TypeOptions.Extra["loadOptionsMethod"]
	_, load := prop.TypeOptions.Extra["loadOptions"]
	return method || load
}

// scalarKey returns a map key under which choice values that JavaScript's
// === finds equal collide: numbers of any Go type as float64.
func scalarKey(v any) (any, bool) {
	switch x := v.(type) {
	case string, bool, float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	}
	return nil, false
}

func isNumber(v any) bool {
	switch v.(type) {
	case float64, float32, int, int64, int32, json.Number:
		return true
	}
	return false
}

func asFloat(v any) (float64, bool) {
	if k, ok := scalarKey(v); ok {
		f, isFloat := k.(float64)
		return f, isFloat
	}
	return 0, false
}

// jsonText renders a value for a message as it would appear in JSON.
func jsonText(v any) string {
	if s, ok := v.(string); ok && plainJSONString(s) {
		return `"` + s + `"`
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// plainJSONString reports whether encoding/json writes s between quotes
// as it is: printable ASCII without the characters it escapes.
func plainJSONString(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20, c > 0x7e, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}

// choiceList names the first few choice values, for messages.
func choiceList(choices []node.Choice) string {
	const shown = 3
	parts := make([]string, 0, shown)
	for i := 0; i < len(choices) && i < shown; i++ {
		parts = append(parts, jsonText(choices[i].Value))
	}
	s := strings.Join(parts, ", ")
	if n := len(choices) - shown; n > 0 {
		s += fmt.Sprintf(" and %d more", n)
	}
	return s
}

// defaultValue warns about defaults n8n's linter rejects because they
// misbehave at run time (node-param-default-* rules).
func (c *checker) defaultValue(p *path, prop *node.Property) {
	dp := p.key("default")
	v := prop.Default
	if v == nil {
		c.warnf(&dp, "default is missing or null; n8n uses the default when nothing is stored, so the parameter is undefined at run time and reading it fails (lint: node-param-default-missing)")
		return
	}
	if s, ok := v.(string); ok && strings.HasPrefix(s, "=") && prop.Type != node.TypeString {
		return // an expression default, resolved per item
	}
	multiple := prop.TypeOptions != nil && prop.TypeOptions.MultipleValues
	switch prop.Type {
	case node.TypeBoolean:
		if _, ok := v.(bool); !ok {
			c.warnf(&dp, "default %s of a boolean property is not true or false; n8n sends it as it is", jsonText(v))
		}
	case node.TypeNumber:
		if s, ok := v.(string); ok && s == "" {
			return // n8n's linter allows '' for an ID-like number left empty
		}
		f, ok := asFloat(v)
		if !ok {
			c.warnf(&dp, "default %s of a number property is not a number; n8n sends it as it is, without conversion (P9)", jsonText(v))
			return
		}
		if to := prop.TypeOptions; to != nil {
			if to.MinValue != nil && f < *to.MinValue {
				c.warnf(&dp, "default %v is below typeOptions.minValue %v", f, *to.MinValue)
			}
			if to.MaxValue != nil && f > *to.MaxValue {
				c.warnf(&dp, "default %v is above typeOptions.maxValue %v", f, *to.MaxValue)
			}
		}
	case node.TypeString:
		if _, ok := v.(string); ok {
			return
		}
		if _, ok := v.([]any); ok && multiple {
			return
		}
		c.warnf(&dp, "default %s of a string property is not a string (an array is allowed only with typeOptions.multipleValues)", jsonText(v))
	case node.TypeOptions:
		if loadsOptions(prop) || len(prop.Choices) == 0 {
			return
		}
		if _, ok := prop.Choice(v); !ok {
			c.warnf(&dp, "default %s is not one of the choices (%s); until the user picks one no choice is selected, so no choice's routing applies: for an operation selector n8n then sends a GET to baseURL (R4)", jsonText(v), choiceList(prop.Choices))
		}
	case node.TypeMultiOptions:
		list, ok := v.([]any)
		if !ok {
			c.warnf(&dp, "default %s of a multiOptions property is not an array; use [] or a list of choice values", jsonText(v))
			return
		}
		if loadsOptions(prop) || len(prop.Choices) == 0 {
			return
		}
		for i, e := range list {
			if _, ok := prop.Choice(e); !ok {
				ip := dp.at(i)
				c.warnf(&ip, "default entry %s is not one of the choices (%s)", jsonText(e), choiceList(prop.Choices))
			}
		}
	case node.TypeCollection:
		if _, ok := v.(map[string]any); ok {
			return
		}
		if _, ok := v.([]any); ok && multiple {
			return
		}
		c.warnf(&dp, "default %s of a collection is not an object; use {} (an array only with typeOptions.multipleValues)", jsonText(v))
	case node.TypeFixedCollection:
		if _, ok := v.(map[string]any); !ok {
			c.warnf(&dp, "default %s of a fixedCollection is not an object; use {} or {group: ...}", jsonText(v))
		}
	case node.TypeJSON:
		s, ok := v.(string)
		if !ok {
			c.warnf(&dp, "default %s of a json property is not a string; n8n holds json parameters as JSON text such as \"{}\" (P9)", jsonText(v))
			return
		}
		if err := c.rules.Var(s, "json"); err != nil {
			c.warnf(&dp, "default %q of a json property is not valid JSON text; parsing it at run time fails", s)
		}
	}
}

// references are the names expressions may read: the top-level parameters
// for a node, and also the credential fields for a credential type.
type references struct {
	params      map[string]bool
	credentials map[string]bool // nil when unknown
}

func (c *checker) routing(p *path, r *node.Routing, refs references) {
	missing := r.Missing
	if r.Operations != nil && r.Operations.MissingPagination != "" {
		missing = append(missing[:len(missing):len(missing)], r.Operations.MissingPagination)
	}
	for _, m := range missing {
		c.warnf(p, "%s is a function n8n had that this JSON description lacks: a run whose route needs it fails", m)
	}
	if r.Request != nil {
		rp := p.key("request")
		c.request(&rp, r.Request, refs)
	}
	if r.Send != nil {
		sp := p.key("send")
		c.send(&sp, r.Send, refs)
	}
	if r.Output != nil {
		op := p.key("output")
		c.output(&op, r.Output, refs)
	}
	if r.Operations != nil {
		op := p.key("operations")
		c.operations(&op, r.Operations)
	}
}

func (c *checker) request(p *path, r *node.Request, refs references) {
	check(c, p, requestRules{Method: r.Method, ArrayFormat: r.ArrayFormat, Encoding: r.Encoding})
	for _, f := range []struct {
		key   string
		value string
	}{
		{"baseURL", r.BaseURL}, {"url", r.URL}, {"method", r.Method},
		{"encoding", r.Encoding}, {"arrayFormat", r.ArrayFormat},
	} {
		if f.value != "" {
			fp := p.key(f.key)
			c.expression(&fp, f.value, refs)
		}
	}
	for _, f := range []struct {
		key   string
		value any
	}{
		{"headers", r.Headers}, {"qs", r.Qs}, {"body", r.Body},
		{"skipSslCertificateValidation", r.SkipSSLCertificateValidation}, {"timeout", r.Timeout},
	} {
		if f.value != nil {
			fp := p.key(f.key)
			c.expressions(&fp, f.value, refs)
		}
	}
	if r.Auth != nil {
		ap := p.key("auth")
		up := ap.key("username")
		c.expression(&up, r.Auth.Username, refs)
		pp := ap.key("password")
		c.expression(&pp, r.Auth.Password, refs)
	}
}

func (c *checker) send(p *path, s *node.Send, refs references) {
	check(c, p, sendRules{Type: s.Type})
	if s.Property == "" && (s.Type != "" || s.Value != nil || s.OnlyIfSet) {
		pp := p.key("property")
		c.warnf(&pp, "send has no property, so n8n ignores its type and value and sends nothing (R8); name the body or query key to set")
	}
	if s.Property != "" {
		pp := p.key("property")
		c.expression(&pp, s.Property, refs)
	}
	if s.Value != nil {
		vp := p.key("value")
		c.expressions(&vp, s.Value, refs)
	}
	if s.Paginate != nil {
		pp := p.key("paginate")
		c.expressions(&pp, s.Paginate, refs)
	}
	hp := p.key("preSend")
	for i, name := range s.PreSend {
		if strings.TrimSpace(name) == "" {
			ip := hp.at(i)
			c.errorf(&ip, "preSend hook name is empty; name a registered hook")
		}
	}
}

// postReceiveNeeds lists the properties a declarative postReceive action
// needs (n8n's IPostReceive* interfaces).
func postReceiveNeeds(action string) []string {
	switch action {
	case node.PostReceiveBinaryData:
		return []string{"destinationProperty"}
	case node.PostReceiveFilter:
		return []string{"pass"}
	case node.PostReceiveLimit:
		return []string{"maxResults"}
	case node.PostReceiveRootProperty:
		return []string{"property"}
	case node.PostReceiveSet:
		return []string{"value"}
	case node.PostReceiveSort:
		return []string{"key"}
	}
	return nil
}

func (c *checker) output(p *path, o *node.Output, refs references) {
	pp := p.key("postReceive")
	for i := range o.PostReceive {
		a := &o.PostReceive[i]
		ip := pp.at(i)
		if a.Hook != "" {
			continue // a registered function; the runtime's hook registry resolves it
		}
		if a.Type == "" {
			c.errorf(&ip, "postReceive entry has neither a type nor a hook name; write an action {type, properties} or the name of a registered hook")
			continue
		}
		check(c, &ip, postReceiveRules{Type: a.Type})
		props := ip.key("properties")
		for _, name := range postReceiveNeeds(a.Type) {
			if _, ok := a.Properties[name]; !ok {
				np := props.key(name)
				c.errorf(&np, "postReceive action %q needs properties.%s", a.Type, name)
			}
		}
		if a.Properties != nil {
			c.expressions(&props, a.Properties, refs)
		}
		if a.Enabled != nil {
			ep := ip.key("enabled")
			c.expressions(&ep, a.Enabled, refs)
		}
	}
	if o.MaxResults != nil {
		mp := p.key("maxResults")
		c.expressions(&mp, o.MaxResults, refs)
	}
}

// paginationNeeds lists the properties a declarative pagination needs
// (n8n's IN8nRequestOperationPagination* interfaces).
func paginationNeeds(kind string) []string {
	switch kind {
	case node.PaginationGeneric:
		return []string{"continue", "request"}
	case node.PaginationOffset:
		return []string{"limitParameter", "offsetParameter", "pageSize", "type"}
	}
	return nil
}

func (c *checker) operations(p *path, o *node.Operations) {
	pg := o.Pagination
	if pg == nil || pg.Hook != "" {
		return
	}
	pp := p.key("pagination")
	if pg.Type == "" {
		c.errorf(&pp, "pagination has neither a type nor a hook name; write {type: generic|offset, properties} or the name of a registered hook")
		return
	}
	check(c, &pp, paginationRules{Type: pg.Type})
	props := pp.key("properties")
	for _, name := range paginationNeeds(pg.Type) {
		if _, ok := pg.Properties[name]; !ok {
			np := props.key(name)
			c.errorf(&np, "%s pagination needs properties.%s", pg.Type, name)
		}
	}
	if t, ok := pg.Properties["type"].(string); ok && pg.Type == node.PaginationOffset && t != "body" && t != "query" {
		tp := props.key("type")
		c.errorf(&tp, "offset pagination type %q is not allowed; allowed: body, query", t)
	}
}

// operationSelectors checks that operation values are unique within a
// resource: the top-level 'operation' options shown for the same resource
// are visible together, and n8n then applies the routing of every choice
// matching the one stored value (P4), merging two operations into one
// request. Selectors without show.resource are shown for every resource.
func (c *checker) operationSelectors(pp *path, props []node.Property) {
	type selector struct {
		index     int
		resources []any // nil: every resource
	}
	var sels []selector
	for i := range props {
		if props[i].Name != "operation" || props[i].Type != node.TypeOptions {
			continue
		}
		var res []any
		if do := props[i].DisplayOptions; do != nil {
			res = do.Show["resource"]
		}
		sels = append(sels, selector{index: i, resources: res})
	}
	// Which earlier selectors are shown with the later one, and for which
	// resource: found once per pair rather than once per choice.
	resources := make([]string, len(sels))
	overlaps := make([]bool, len(sels))
	for b := 1; b < len(sels); b++ {
		later := &props[sels[b].index]
		for a := 0; a < b; a++ {
			resources[a], overlaps[a] = commonResource(sels[a].resources, sels[b].resources)
		}
		for j := range later.Choices {
			value := later.Choices[j].Value
			if _, ok := scalarKey(value); !ok {
				continue
			}
			for a := 0; a < b; a++ {
				if !overlaps[a] {
					continue
				}
				resource := resources[a]
				earlier := &props[sels[a].index]
				if ch, ok := earlier.Choice(value); ok {
					first := indexOfChoice(earlier, ch)
					vp := pp.at(sels[b].index)
					op := vp.key("options")
					ip := op.at(j)
					valp := ip.key("value")
					c.errorf(&valp, "operation %s is also offered by /properties/%d/options/%d for resource %s; both selectors are shown together, so n8n applies both choices' routing to one request; operation values must be unique within a resource",
						jsonText(value), sels[a].index, first, resource)
					break
				}
			}
		}
	}
}

func indexOfChoice(p *node.Property, ch *node.Choice) int {
	for i := range p.Choices {
		if &p.Choices[i] == ch {
			return i
		}
	}
	return -1
}

// commonResource reports whether two show.resource lists share a value
// (nil means every resource), and names it for messages.
func commonResource(a, b []any) (string, bool) {
	switch {
	case a == nil && b == nil:
		return "(any)", true
	case a == nil && len(b) > 0:
		return jsonText(b[0]), true
	case b == nil && len(a) > 0:
		return jsonText(a[0]), true
	}
	for _, x := range a {
		for _, y := range b {
			if node.StrictEqual(x, y) {
				return jsonText(x), true
			}
		}
	}
	return "", false
}

// expressions checks every string inside v (recursively) with expression.
func (c *checker) expressions(p *path, v any, refs references) {
	// sub is declared outside the loops: the address of a loop variable
	// handed to a recursive call moves it to the heap on every turn.
	var sub path
	switch x := v.(type) {
	case string:
		c.expression(p, x, refs)
	case map[string]any:
		for k, e := range x {
			sub = p.key(k)
			c.expressions(&sub, e, refs)
		}
	case []any:
		for i, e := range x {
			sub = p.at(i)
			c.expressions(&sub, e, refs)
		}
	}
}

// expression checks one string where n8n accepts an expression: templates
// only work after a leading '=', and the names the expression reads with
// $parameter and $credentials must exist.
func (c *checker) expression(p *path, s string, refs references) {
	if !strings.Contains(s, "{{") {
		return
	}
	if !strings.HasPrefix(s, "=") {
		c.errorf(p, "%q contains {{ }} but does not start with '=', so n8n sends it as literal text; write %q", s, "="+s)
		return
	}
	for _, name := range readNames(s, "$parameter") {
		if !refs.params[name] {
			c.warnf(p, "the expression reads $parameter[%q], but no top-level parameter has that name, so it resolves to undefined", name)
		}
	}
	if refs.credentials != nil {
		for _, name := range readNames(s, "$credentials") {
			if !refs.credentials[name] {
				c.warnf(p, "the expression reads $credentials.%s, but the credential type has no such property, so it resolves to undefined", name)
			}
		}
	}
}

// readNames returns the names an expression reads from an object variable,
// written as v.name, v["name"] or v['name'].
func readNames(s, variable string) []string {
	var names []string
	for {
		i := strings.Index(s, variable)
		if i < 0 {
			return names
		}
		s = s[i+len(variable):]
		switch {
		case strings.HasPrefix(s, "."):
			n := 1
			for n < len(s) && isIdentByte(s[n]) {
				n++
			}
			if n > 1 {
				names = append(names, s[1:n])
			}
		case strings.HasPrefix(s, "[\""), strings.HasPrefix(s, "['"):
			quote := s[1]
			if end := strings.IndexByte(s[2:], quote); end >= 0 {
				names = append(names, s[2:2+end])
			}
		}
	}
}

func isIdentByte(b byte) bool {
	return b == '_' || b == '$' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

func (c *checker) credentialType(ct *node.CredentialType) {
	p := rootPath()
	c.apply(&p, &credentialTypeRules{Name: ct.Name, DisplayName: ct.DisplayName, Properties: ct.Properties})
	names := propertyNames(ct.Properties)
	sc := scope{root: names, level: names}
	// A credential type's own properties are its parameters, and its
	// expressions read them as $credentials.
	refs := references{params: names, credentials: names}
	pp := p.key("properties")
	for i := range ct.Properties {
		ip := pp.at(i)
		c.property(&ip, &ct.Properties[i], sc, refs)
	}
	for _, list := range []struct {
		key   string
		names []string
	}{{"extends", ct.Extends}, {"supportedNodes", ct.SupportedNodes}} {
		lp := p.key(list.key)
		for i, name := range list.names {
			if strings.TrimSpace(name) == "" {
				ip := lp.at(i)
				c.errorf(&ip, "%s entry is empty; name a %s", list.key, map[string]string{"extends": "credential type", "supportedNodes": "node type"}[list.key])
			}
		}
	}
	if ct.AuthenticateMissing {
		ap := p.key("authenticate")
		c.warnf(&ap, "authenticate is a function n8n had that this JSON description lacks: a run with this credential fails")
	}
	if a := ct.Authenticate; a != nil {
		ap := p.key("authenticate")
		c.apply(&ap, &authenticateRules{Type: a.Type})
		props := ap.key("properties")
		ap2 := a.Properties
		if len(ap2.Headers) == 0 && len(ap2.Qs) == 0 && len(ap2.Body) == 0 && len(ap2.Auth) == 0 {
			c.errorf(&props, "generic authenticate sets nothing; give headers, qs, body or auth")
		}
		for _, f := range []struct {
			key   string
			value map[string]any
		}{{"headers", ap2.Headers}, {"qs", ap2.Qs}, {"body", ap2.Body}, {"auth", ap2.Auth}} {
			if f.value != nil {
				fp := props.key(f.key)
				c.expressions(&fp, f.value, refs)
			}
		}
		if ap2.Auth != nil {
			authp := props.key("auth")
			for _, k := range []string{"username", "password"} {
				if _, ok := ap2.Auth[k]; !ok {
					kp := authp.key(k)
					c.errorf(&kp, "basic auth needs %s", k)
				}
			}
		}
	}
	if t := ct.Test; t != nil {
		tp := p.key("test")
		rp := tp.key("request")
		c.request(&rp, &t.Request, refs)
		if t.Request.URL == "" && t.Request.BaseURL == "" {
			c.errorf(&rp, "the credential test request has neither url nor baseURL, so n8n has nowhere to send it")
		}
		rules := tp.key("rules")
		for i := range t.Rules {
			r := &t.Rules[i]
			ip := rules.at(i)
			c.apply(&ip, &testRuleRules{Type: r.Type})
			need := map[string][]string{
				node.RuleResponseCode:        {"value", "message"},
				node.RuleResponseSuccessBody: {"key", "value", "message"},
			}[r.Type]
			props := ip.key("properties")
			for _, k := range need {
				if _, ok := r.Properties[k]; !ok {
					kp := props.key(k)
					c.errorf(&kp, "%s rule needs properties.%s", r.Type, k)
				}
			}
		}
	}
}
