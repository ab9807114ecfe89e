package openapigen

import (
	"errors"
	"fmt"
	"strings"

	"github.com/noderun/noderun/node"
)

// Routing value templates, exactly as n8n-openapi-node writes them.
const (
	valueAsIs      = "={{ $value }}"
	valueParseJSON = "={{ JSON.parse($value) }}"
)

// errNoJSONBody marks a request body the mapping cannot turn into fields;
// n8n-openapi-node then shows a notice instead of the body fields.
var errNoJSONBody = errors.New("no JSON body")

// schemaField is what a schema alone says about a field (fromSchema).
type schemaField struct {
	typ         node.PropertyType
	def         any // a JavaScript value
	description any
	choices     []node.Choice
	schema      *object // the resolved schema
}

// fromSchema maps a schema to a field type, default and choices, as
// N8NINodeProperties.fromSchema does.
func (g *generator) fromSchema(v any) (schemaField, error) {
	resolved, err := g.r.resolve(v)
	if err != nil {
		return schemaField{}, err
	}
	schema := resolved.(*object)
	def, err := g.r.example(schema)
	if err != nil {
		return schemaField{}, fmt.Errorf("example: %w", err)
	}
	f := schemaField{description: schema.get("description"), schema: schema}
	switch t := schema.get("type"); t {
	case "boolean":
		f.typ = node.TypeBoolean
		if def == undefined {
			def = true
		}
	case "string", undefined:
		f.typ = node.TypeString
		if def == undefined {
			def = ""
		}
	case "object", "array":
		f.typ = node.TypeJSON
		if s, ok := stringify(def); ok {
			def = s
		} else if t == "object" {
			def = "{}"
		} else {
			def = "[]"
		}
	case "number", "integer":
		f.typ = node.TypeNumber
		if def == undefined {
			def = 0.0
		}
	default:
		// n8n-openapi-node would emit a property without a type.
		return schemaField{}, fmt.Errorf("schema type %s is not supported", jsString(t))
	}
	f.def = def
	if enum, ok := schema.get("enum").([]any); ok && len(enum) > 0 {
		f.typ = node.TypeOptions
		f.choices = make([]node.Choice, len(enum))
		for i, e := range enum {
			f.choices[i] = node.Choice{Name: startCase(e), Value: toPlain(e)}
		}
		if !truthy(f.def) {
			f.def = enum[0]
		}
	}
	return f, nil
}

// field turns a schemaField and the keys given beside it (name, required,
// and a description and default that win when defined) into a property.
func (g *generator) field(name string, required bool, description, def any, sf schemaField) node.Property {
	if description == undefined {
		description = sf.description
	}
	if def == undefined {
		def = sf.def
	}
	p := node.Property{
		DisplayName: startCase(name),
		Name:        propertyName(name),
		Type:        sf.typ,
		Default:     toPlain(def),
		Required:    required,
		Choices:     sf.choices,
	}
	if d, ok := description.(string); ok && !g.opts.OmitSpecText {
		p.Description = d
	}
	if g.opts.SpecDefaults && !required {
		p.Default = specDefault(sf)
	}
	return p
}

// specDefault is an optional field's default when only the spec's own
// defaults are kept: the schema's default, else the empty value of the
// field's type (for options, the first choice, since an options value must
// be one of its choices).
func specDefault(sf schemaField) any {
	if d := sf.schema.get("default"); d != undefined {
		if sf.typ == node.TypeJSON {
			s, _ := stringify(d)
			return s
		}
		return toPlain(d)
	}
	switch sf.typ {
	case node.TypeBoolean:
		return false
	case node.TypeNumber:
		return 0.0
	case node.TypeJSON:
		if sf.schema.get("type") == "array" {
			return "[]"
		}
		return "{}"
	case node.TypeOptions:
		return sf.choices[0].Value
	}
	return ""
}

// fromParameter maps one operation parameter (N8NINodeProperties.fromParameter).
func (g *generator) fromParameter(v any) (node.Property, error) {
	resolved, err := g.r.resolve(v)
	if err != nil {
		return node.Property{}, err
	}
	param := resolved.(*object)
	name, ok := param.get("name").(string)
	if !ok {
		return node.Property{}, fmt.Errorf("parameter name is %s, not a string", typeName(param.get("name")))
	}
	schema := param.get("schema")
	if !truthy(schema) {
		content, ok := param.get("content").(*object)
		if !ok {
			return node.Property{}, fmt.Errorf("parameter %q has neither schema nor content", name)
		}
		media, ok := findJSONMedia(content).(*object)
		if !ok {
			return node.Property{}, fmt.Errorf("parameter %q has no application/json content", name)
		}
		schema = media.get("schema")
	}
	sf, err := g.fromSchema(schema)
	if err != nil {
		return node.Property{}, fmt.Errorf("parameter %q: %w", name, err)
	}
	in := param.get("in")
	required := truthy(param.get("required")) || in == "path"
	p := g.field(name, required, param.get("description"), param.get("example"), sf)
	switch in {
	case "query":
		p.Routing = &node.Routing{Send: &node.Send{
			Type:                  "query",
			Property:              name,
			Value:                 valueAsIs,
			PropertyInDotNotation: new(false),
			OnlyIfSet:             g.opts.OnlyIfSet && !required,
		}}
	case "path":
		// Used by the operation's URL only.
	case "header":
		p.Routing = &node.Routing{Request: &node.Request{Headers: map[string]any{name: valueAsIs}}}
	default:
		return node.Property{}, fmt.Errorf("parameter %q: unknown parameter location %s", name, jsString(in))
	}
	return p, nil
}

// findJSONMedia is the first media type whose name contains
// "application/json" (n8n-openapi-node tests /application\/json.*/).
func findJSONMedia(content *object) any {
	for _, k := range content.keys {
		if strings.Contains(k, "application/json") {
			return content.get(k)
		}
	}
	return undefined
}

// fromRequestBody maps a JSON request body's top-level fields
// (N8NINodeProperties.fromRequestBody). A body it cannot map gives an error
// wrapping errNoJSONBody.
func (g *generator) fromRequestBody(v any) ([]node.Property, error) {
	if !truthy(v) {
		return nil, nil
	}
	noBody := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", errNoJSONBody, fmt.Sprintf(format, args...))
	}
	resolved, err := g.r.resolve(v)
	if err != nil {
		return nil, noBody("%v", err)
	}
	content, ok := resolved.(*object).get("content").(*object)
	if !ok {
		return nil, noBody("request body has no content")
	}
	media, ok := findJSONMedia(content).(*object)
	if !ok {
		return nil, noBody("no application/json content")
	}
	resolved, err = g.r.resolve(media.get("schema"))
	if err != nil {
		return nil, noBody("schema: %v", err)
	}
	schema := resolved.(*object)
	typ := schema.get("type")
	if !truthy(schema.get("properties")) && typ != "object" && typ != "array" {
		return nil, noBody("request body schema type %s is not supported", jsString(typ))
	}
	var fields []node.Property
	if items := schema.get("items"); typ == "array" && truthy(items) {
		inner, err := g.r.resolve(items)
		if err != nil {
			return nil, noBody("items: %v", err)
		}
		sf, err := g.fromSchema(inner)
		if err != nil {
			return nil, noBody("items: %v", err)
		}
		p := g.field("body", truthy(schema.get("required")), undefined, undefined, sf)
		p.Routing = &node.Routing{Request: &node.Request{Body: valueParseJSON}}
		fields = append(fields, p)
	}
	requiredNames := schema.get("required")
	props := schema.get("properties")
	for _, key := range ownKeys(props) {
		required, err := includes(requiredNames, key)
		if err != nil {
			return nil, noBody("%v", err)
		}
		sf, err := g.fromSchema(propertyValue(props, key))
		if err != nil {
			return nil, noBody("property %q: %v", key, err)
		}
		p := g.field(key, required, undefined, undefined, sf)
		value := valueAsIs
		if p.Type == node.TypeJSON {
			value = valueParseJSON
		}
		p.Routing = &node.Routing{Send: &node.Send{
			Property:              key,
			PropertyInDotNotation: new(false),
			Type:                  "body",
			Value:                 value,
			OnlyIfSet:             g.opts.OnlyIfSet && !required,
		}}
		fields = append(fields, p)
	}
	return fields, nil
}

// includes is `required && required.includes(key)` for a schema's
// required list.
func includes(required any, key string) (bool, error) {
	switch r := required.(type) {
	case []any:
		for _, k := range r {
			if k == key {
				return true, nil
			}
		}
		return false, nil
	case nil, undefinedValue:
		return false, nil
	}
	if !truthy(required) {
		return false, nil
	}
	return false, fmt.Errorf("required is %s, not an array", typeName(required))
}

// propertyName is the property name of a spec parameter or field: n8n
// reads a dot in a parameter name as a path into collections.
func propertyName(specName string) string {
	return strings.ReplaceAll(specName, ".", "-")
}
