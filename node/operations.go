package node

import "strings"

// Operation is one operation of a resource/operation node: the choice of an
// options property named "operation" shown for a resource.
type Operation struct {
	Resource string `json:"resource"`
	// Name is the value stored in the "operation" parameter.
	Name   string `json:"operation"`
	Action string `json:"action,omitempty"`
	Method string `json:"method,omitempty"`
	// URL is the request URL template, without its leading "=".
	URL string `json:"url,omitempty"`
}

// Resources lists the choices of the "resource" property, in order,
// leaving out n8n's generated "Custom API Call" choice.
func (d *Description) Resources() []string {
	for i := range d.Properties {
		p := &d.Properties[i]
		if p.Name == "resource" && p.Type == TypeOptions {
			out := make([]string, 0, len(p.Choices))
			for _, c := range p.Choices {
				if s, ok := c.Value.(string); ok && !strings.HasPrefix(s, "__") {
					out = append(out, s)
				}
			}
			return out
		}
	}
	return nil
}

// Operations lists the operations n8n's resource/operation convention
// defines, in the order of the resources, leaving out n8n's generated
// "Custom API Call" choice (values starting with "__").
func (d *Description) Operations() []Operation {
	byResource := map[string][]Operation{}
	for i := range d.Properties {
		p := &d.Properties[i]
		if p.Name != "operation" || p.Type != TypeOptions {
			continue
		}
		var resources []any
		if p.DisplayOptions != nil {
			resources = p.DisplayOptions.Show["resource"]
		}
		if len(resources) == 0 {
			resources = []any{""}
		}
		for _, r := range resources {
			resource, _ := r.(string)
			for _, c := range p.Choices {
				name, _ := c.Value.(string)
				if strings.HasPrefix(name, "__") {
					continue
				}
				op := Operation{Resource: resource, Name: name, Action: c.Action}
				if c.Routing != nil && c.Routing.Request != nil {
					op.Method = c.Routing.Request.Method
					op.URL = strings.TrimPrefix(c.Routing.Request.URL, "=")
				}
				byResource[resource] = append(byResource[resource], op)
			}
		}
	}
	var out []Operation
	seen := map[string]bool{}
	for _, r := range append(d.Resources(), "") {
		if seen[r] {
			continue
		}
		seen[r] = true
		out = append(out, byResource[r]...)
	}
	return out
}
