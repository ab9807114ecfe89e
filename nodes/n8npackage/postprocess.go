package n8npackage

import (
	"encoding/json"
	"path"
	"slices"
	"strings"

	"github.com/dop251/goja"
)

// What n8n's loader adds to a description after evaluating a package
// (observed with n8n 2.41.1's PackageDirectoryLoader and
// LoadNodesAndCredentials): the codex from the node's .json file, icon
// files turned into iconUrl paths, and for community packages the package
// version and the "Custom API Call" operation. The Request Options
// collection is appended by runtime.NewNodeType.

// codex reads the node's codex file (X.node.json beside X.node.js) and
// keeps the fields n8n keeps; nil when there is none.
func (p *Package) codex(file string) map[string]any {
	data, err := p.src.readFile(strings.TrimSuffix(file, ".js") + ".json")
	if err != nil {
		return nil
	}
	var c struct {
		Categories    []string       `json:"categories"`
		Subcategories map[string]any `json:"subcategories"`
		Alias         []string       `json:"alias"`
		Resources     struct {
			Primary    []any `json:"primaryDocumentation"`
			Credential []any `json:"credentialDocumentation"`
		} `json:"resources"`
	}
	if json.Unmarshal(data, &c) != nil {
		return nil
	}
	out := map[string]any{}
	if c.Categories != nil {
		out["categories"] = c.Categories
	}
	if c.Subcategories != nil {
		out["subcategories"] = c.Subcategories
	}
	if c.Alias != nil {
		out["alias"] = c.Alias
	}
	res := map[string]any{}
	if c.Resources.Primary != nil {
		res["primaryDocumentation"] = c.Resources.Primary
	}
	if c.Resources.Credential != nil {
		res["credentialDocumentation"] = c.Resources.Credential
	}
	out["resources"] = res
	return out
}

// iconURL turns "file:x.svg" into n8n's served path
// "icons/<package>/<dir of the file>/x.svg"; ok is false for other icons.
func (p *Package) iconURL(icon goja.Value, file string) (string, bool) {
	s, isStr := icon.Export().(string)
	if !isStr || !strings.HasPrefix(s, "file:") {
		return "", false
	}
	rel := strings.TrimPrefix(path.Dir(file), p.dir)
	rel = strings.TrimPrefix(rel, "/")
	return path.Join("icons", p.Name, rel, strings.TrimPrefix(s, "file:")), true
}

// postProcess returns a copy of a version's description (the class's own
// object is left as it is) with n8n's loader additions.
func (p *Package) postProcess(desc *goja.Object, file string, codex map[string]any) *goja.Object {
	vm := p.sb.vm
	out := vm.NewObject()
	for _, k := range desc.Keys() {
		_ = out.Set(k, desc.Get(k))
	}
	if icon := desc.Get("icon"); icon != nil && !goja.IsUndefined(icon) {
		if u, ok := p.iconURL(icon, file); ok {
			_ = out.Delete("icon")
			_ = out.Set("iconUrl", u)
		} else if o, isObj := icon.(*goja.Object); isObj && o.ClassName() == "Object" {
			light, okL := p.iconURL(o.Get("light"), file)
			dark, okD := p.iconURL(o.Get("dark"), file)
			if okL && okD {
				_ = out.Delete("icon")
				_ = out.Set("iconUrl", map[string]any{"light": light, "dark": dark})
			}
		}
	}
	if codex != nil {
		_ = out.Set("codex", codex)
	}
	if !p.official() {
		_ = out.Set("communityNodePackageVersion", p.Version)
		p.addCustomAPICall(out)
	}
	return out
}

// official reports whether the package is one of n8n's own, which n8n
// does not treat as community packages.
func (p *Package) official() bool {
	return p.Name == "n8n-nodes-base" || strings.HasPrefix(p.Name, "@n8n/")
}

// addCustomAPICall appends n8n's "Custom API Call" choice to the
// "resource" and "operation" properties of a community node's latest
// version, when one of its credential types can authenticate any request
// (see proxyAuth). It runs on the copy postProcess made, replacing the
// properties it changes.
func (p *Package) addCustomAPICall(desc *goja.Object) {
	vm := p.sb.vm
	if dv := desc.Get("defaultVersion"); dv != nil && !goja.IsUndefined(dv) && !dv.StrictEquals(desc.Get("version")) {
		return
	}
	creds, _ := desc.Get("credentials").(*goja.Object)
	props, _ := desc.Get("properties").(*goja.Object)
	if creds == nil || props == nil {
		return
	}
	supported := false
	for i := 0; i < int(creds.Get("length").ToInteger()) && !supported; i++ {
		if ref, ok := creds.Get(itoa(i)).(*goja.Object); ok && ref.Get("name") != nil {
			supported = p.proxyAuth(ref.Get("name").String(), map[string]bool{})
		}
	}
	if !supported {
		return
	}
	n := int(props.Get("length").ToInteger())
	list := make([]any, 0, n)
	for i := 0; i < n; i++ {
		prop, _ := props.Get(itoa(i)).(*goja.Object)
		list = append(list, prop)
		if prop == nil {
			continue
		}
		if name := prop.Get("name"); name == nil || (name.String() != "operation" && name.String() != "resource") {
			continue
		}
		opts, _ := prop.Get("options").(*goja.Object)
		if opts == nil || opts.ClassName() != "Array" {
			continue
		}
		m := int(opts.Get("length").ToInteger())
		if m == 0 {
			continue
		}
		if last, ok := opts.Get(itoa(m - 1)).(*goja.Object); ok && last.Get("name") != nil && last.Get("name").String() == customAPICallName {
			continue
		}
		copyProp := vm.NewObject()
		for _, k := range prop.Keys() {
			_ = copyProp.Set(k, prop.Get(k))
		}
		choices := make([]any, 0, m+1)
		for j := 0; j < m; j++ {
			choices = append(choices, opts.Get(itoa(j)))
		}
		choices = append(choices, map[string]any{"name": customAPICallName, "value": customAPICall})
		_ = copyProp.Set("options", vm.NewArray(choices...))
		list[i] = copyProp
	}
	_ = desc.Set("properties", vm.NewArray(list...))
}

// proxyAuth reports whether a credential type of the package can
// authenticate an arbitrary request, n8n's condition for Custom API Call:
// it has an authenticate (object or function), or it extends an OAuth
// base type, directly or through the package's other types.
func (p *Package) proxyAuth(name string, seen map[string]bool) bool {
	switch name {
	case "oAuth2Api", "googleOAuth2Api", "oAuth1Api":
		return true
	}
	c, ok := p.creds[name]
	if !ok || seen[name] {
		return false
	}
	seen[name] = true
	if c.Type.Authenticate != nil || slices.ContainsFunc(c.Functions, func(f Function) bool { return f.Path == "/authenticate" }) {
		return true
	}
	for _, parent := range c.Type.Extends {
		if p.proxyAuth(parent, seen) {
			return true
		}
	}
	return false
}

// inferSupportedNodes sets, as n8n's package loader does, each credential
// type's supportedNodes (the package's nodes that name it) and, for one
// without an icon, the icon URL of the first of those nodes.
func (p *Package) inferSupportedNodes() {
	users := map[string][]string{}
	for _, short := range p.nodeOrder {
		n := p.nodes[short]
		seen := map[string]bool{}
		for _, v := range n.Versions {
			for _, ref := range n.descs[v].Credentials {
				if !seen[ref.Name] {
					seen[ref.Name] = true
					users[ref.Name] = append(users[ref.Name], short)
				}
			}
		}
	}
	for name, c := range p.creds {
		c.Type.SupportedNodes = users[name]
		if c.Type.IconURL != "" || c.hasIcon {
			continue
		}
		for _, short := range users[name] {
			n := p.nodes[short]
			var u string
			if json.Unmarshal(n.descs[n.DefaultVersion].IconURL, &u) == nil && u != "" {
				c.Type.IconURL = u
				break
			}
		}
	}
}

const (
	customAPICall     = "__CUSTOM_API_CALL__"
	customAPICallName = "Custom API Call"
)

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// restrictsDomains is n8n's rule for which credential types get the
// domain restriction fields: those that authenticate requests themselves
// (authenticate, genericAuth) or extend an OAuth type, unless they opt out
// with hideDomainRestrictionFields.
func restrictsDomains(o *goja.Object) bool {
	truthy := func(k string) bool { v := o.Get(k); return v != nil && v.ToBoolean() }
	if truthy("hideDomainRestrictionFields") {
		return false
	}
	if a := o.Get("authenticate"); a != nil && !goja.IsUndefined(a) {
		return true
	}
	if v := o.Get("genericAuth"); v != nil && v.Export() == true {
		return true
	}
	if e, ok := o.Get("extends").(*goja.Object); ok {
		for _, k := range e.Keys() {
			switch e.Get(k).String() {
			case "oAuth2Api", "oAuth1Api", "googleOAuth2Api":
				return true
			}
		}
	}
	return false
}

// domainRestriction is what n8n 2.41's loader appends to credential types
// (see restrictsDomains): the fields that restrict which hosts the HTTP Request node may
// send the credential to.
const domainRestriction = `[
 {"displayName": "Allowed HTTP Request Domains", "name": "allowedHttpRequestDomains", "type": "options",
  "options": [
   {"name": "All", "value": "all", "description": "Allow all requests when used in the HTTP Request or GraphQL node"},
   {"name": "Specific Domains", "value": "domains", "description": "Restrict requests to specific domains"},
   {"name": "None", "value": "none", "description": "Block all requests when used in the HTTP Request or GraphQL node"}],
  "default": "all", "description": "Control which domains this credential can be used with in HTTP Request or GraphQL nodes"},
 {"displayName": "Allowed Domains", "name": "allowedDomains", "type": "string", "default": "",
  "placeholder": "example.com, *.subdomain.com", "description": "Comma-separated list of allowed domains (supports wildcards with *)",
  "displayOptions": {"show": {"allowedHttpRequestDomains": ["domains"]}}}]`

// postProcessCredential returns a copy of a credential instance's data
// with n8n's loader additions: the domain restriction fields, and an icon
// file as iconUrl. A {light, dark} icon is left out: node.CredentialType
// holds one URL.
func (p *Package) postProcessCredential(inst *goja.Object, file string) (*goja.Object, error) {
	vm := p.sb.vm
	out := vm.NewObject()
	for _, k := range inst.Keys() {
		_ = out.Set(k, inst.Get(k))
	}
	if icon := inst.Get("icon"); icon != nil && !goja.IsUndefined(icon) {
		if u, ok := p.iconURL(icon, file); ok {
			_ = out.Delete("icon")
			_ = out.Set("iconUrl", u)
		}
	}
	props, _ := inst.Get("properties").(*goja.Object)
	if props == nil || !restrictsDomains(inst) {
		return out, nil
	}
	var list []any
	has := map[string]bool{}
	for i := 0; i < int(props.Get("length").ToInteger()); i++ {
		v := props.Get(itoa(i))
		if o, ok := v.(*goja.Object); ok {
			if n := o.Get("name"); n != nil {
				has[n.String()] = true
			}
		}
		list = append(list, v)
	}
	extra, err := parseJSON(vm, []byte(domainRestriction))
	if err != nil {
		return nil, err
	}
	eo := extra.ToObject(vm)
	for i := 0; i < int(eo.Get("length").ToInteger()); i++ {
		f := eo.Get(itoa(i)).ToObject(vm)
		if !has[f.Get("name").String()] {
			list = append(list, f)
		}
	}
	_ = out.Set("properties", vm.NewArray(list...))
	return out, nil
}
