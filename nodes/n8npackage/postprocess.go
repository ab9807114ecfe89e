package n8npackage

import (
	"encoding/json"
	"path"
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

// addCustomAPICall appends n8n's "Custom API Call" choice to every
// "operation" options property of a community node with credentials.
func (p *Package) addCustomAPICall(desc *goja.Object) {
	vm := p.sb.vm
	creds, _ := desc.Get("credentials").(*goja.Object)
	props, _ := desc.Get("properties").(*goja.Object)
	if creds == nil || props == nil || creds.Get("length").ToInteger() == 0 {
		return
	}
	n := int(props.Get("length").ToInteger())
	list := make([]any, 0, n)
	for i := 0; i < n; i++ {
		prop, _ := props.Get(itoa(i)).(*goja.Object)
		list = append(list, prop)
		if prop == nil || prop.Get("name").String() != "operation" || prop.Get("type").String() != "options" {
			continue
		}
		opts, _ := prop.Get("options").(*goja.Object)
		if opts == nil {
			continue
		}
		copyProp := vm.NewObject()
		for _, k := range prop.Keys() {
			_ = copyProp.Set(k, prop.Get(k))
		}
		m := int(opts.Get("length").ToInteger())
		choices := make([]any, 0, m+1)
		has := false
		for j := 0; j < m; j++ {
			c := opts.Get(itoa(j))
			if co, ok := c.(*goja.Object); ok && co.Get("value") != nil && co.Get("value").String() == customAPICall {
				has = true
			}
			choices = append(choices, c)
		}
		if !has {
			choices = append(choices, map[string]any{"name": "Custom API Call", "value": customAPICall})
		}
		_ = copyProp.Set("options", vm.NewArray(choices...))
		list[i] = copyProp
	}
	_ = desc.Set("properties", vm.NewArray(list...))
}

const customAPICall = "__CUSTOM_API_CALL__"

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
