package runtime

import (
	"strings"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime/internal/params"
)

// ParameterInfo describes one parameter of a node configuration: what
// `noderun describe` shows.
type ParameterInfo struct {
	Name        string            `json:"name"`
	DisplayName string            `json:"displayName"`
	Type        node.PropertyType `json:"type"`
	Required    bool              `json:"required,omitempty"`
	Default     any               `json:"default"`
	// Options are the allowed values of an options parameter.
	Options []any `json:"options,omitempty"`
	// In is where the value goes: "body", "query", "path" (in the URL),
	// "request" (other routing), "setting" (Request Options) or "" (not
	// sent).
	In string `json:"in,omitempty"`
	// As is the body or query key it is sent under.
	As string `json:"as,omitempty"`
	// OnlyIfSet is true when an unset value is not sent (noderun's
	// send.onlyIfSet); otherwise an unset parameter sends its default.
	OnlyIfSet   bool   `json:"onlyIfSet,omitempty"`
	Description string `json:"description,omitempty"`
}

// DescribeParameters lists the parameters visible for the given stored
// parameters (typically resource and operation), in description order,
// without the resource and operation selectors themselves.
func (nt *NodeType) DescribeParameters(stored map[string]any) []ParameterInfo {
	d := nt.Description
	pc := params.Context{Version: d.Version.Latest(), NodeName: d.Name, Layouts: nt.layouts}
	root := params.Normalize(d.Properties, stored, pc)
	url := ""
	for i := range d.Properties {
		p := &d.Properties[i]
		if p.Type != node.TypeOptions || !params.Visible(p, root, root, pc) {
			continue
		}
		if c, ok := p.Choice(root[p.Name]); ok && c.Routing != nil && c.Routing.Request != nil {
			url += c.Routing.Request.URL
		}
	}
	seen := map[string]bool{}
	var out []ParameterInfo
	for i := range d.Properties {
		p := &d.Properties[i]
		if seen[p.Name] || p.Type == node.TypeNotice || p.Type == node.TypeCallout || !params.Visible(p, root, root, pc) {
			continue
		}
		if p.Name == "resource" || p.Name == "operation" {
			continue
		}
		seen[p.Name] = true
		info := ParameterInfo{Name: p.Name, DisplayName: p.DisplayName, Type: p.Type, Required: p.Required,
			Default: p.Default, Description: p.Description}
		for _, c := range p.Choices {
			info.Options = append(info.Options, c.Value)
		}
		switch {
		case p.IsNodeSetting || p.Name == RequestOptionsName:
			info.In = "setting"
		case p.Routing != nil && p.Routing.Send != nil && p.Routing.Send.Property != "":
			info.In = "query"
			if p.Routing.Send.Type == "body" {
				info.In = "body"
			}
			info.As = p.Routing.Send.Property
			info.OnlyIfSet = p.Routing.Send.OnlyIfSet
		case p.Routing != nil && p.Routing.Request != nil:
			info.In = "request"
		case strings.Contains(url, `$parameter["`+p.Name+`"]`) || strings.Contains(url, `$parameter.`+p.Name):
			info.In = "path"
		}
		out = append(out, info)
	}
	return out
}
