package node

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/noderun/noderun/node/jsontree"
)

// PropertyType is a property's "type" in n8n.
type PropertyType string

// The property types n8n defines (NodePropertyTypes).
const (
	TypeString               PropertyType = "string"
	TypeNumber               PropertyType = "number"
	TypeBoolean              PropertyType = "boolean"
	TypeOptions              PropertyType = "options"
	TypeMultiOptions         PropertyType = "multiOptions"
	TypeJSON                 PropertyType = "json"
	TypeCollection           PropertyType = "collection"
	TypeFixedCollection      PropertyType = "fixedCollection"
	TypeNotice               PropertyType = "notice"
	TypeCallout              PropertyType = "callout"
	TypeDateTime             PropertyType = "dateTime"
	TypeHidden               PropertyType = "hidden"
	TypeColor                PropertyType = "color"
	TypeButton               PropertyType = "button"
	TypeIcon                 PropertyType = "icon"
	TypeResourceLocator      PropertyType = "resourceLocator"
	TypeResourceMapper       PropertyType = "resourceMapper"
	TypeFilter               PropertyType = "filter"
	TypeAssignmentCollection PropertyType = "assignmentCollection"
	TypeCredentialsSelect    PropertyType = "credentialsSelect"
	TypeCredentials          PropertyType = "credentials"
	TypeCurlImport           PropertyType = "curlImport"
	TypeWorkflowSelector     PropertyType = "workflowSelector"
)

// KnownPropertyTypes lists every type above, in n8n's order; schema
// validation and documentation read it.
var KnownPropertyTypes = []PropertyType{
	TypeBoolean, TypeButton, TypeCollection, TypeColor, TypeDateTime, TypeFixedCollection,
	TypeHidden, TypeIcon, TypeJSON, TypeCallout, TypeNotice, TypeMultiOptions, TypeNumber,
	TypeOptions, TypeString, TypeCredentialsSelect, TypeResourceLocator, TypeCurlImport,
	TypeResourceMapper, TypeFilter, TypeAssignmentCollection, TypeCredentials, TypeWorkflowSelector,
}

// Property is one node parameter, n8n's INodeProperties.
//
// n8n's "options" key means three different things depending on Type; the
// decoder puts it in exactly one of Choices (options, multiOptions),
// Children (collection) or Groups (fixedCollection).
type Property struct {
	DisplayName string       `json:"displayName"`
	Name        string       `json:"name"`
	Type        PropertyType `json:"type"`
	// Default is the value a parameter takes when nothing is stored (P2).
	// JSON numbers decode as float64, as in JavaScript.
	Default          any                  `json:"default"`
	Required         bool                 `json:"required,omitempty"`
	Description      string               `json:"description,omitempty"`
	Hint             string               `json:"hint,omitempty"`
	Placeholder      string               `json:"placeholder,omitempty"`
	NoDataExpression bool                 `json:"noDataExpression,omitempty"`
	IsNodeSetting    bool                 `json:"isNodeSetting,omitempty"`
	DisplayOptions   *DisplayOptions      `json:"displayOptions,omitempty"`
	DisabledOptions  *DisplayOptions      `json:"disabledOptions,omitempty"`
	TypeOptions      *PropertyTypeOptions `json:"typeOptions,omitempty"`
	Routing          *Routing             `json:"routing,omitempty"`
	ValidateType     string               `json:"validateType,omitempty"`
	// ExtractValue, Modes and the remaining editor-only keys are kept verbatim.
	ExtractValue                    json.RawMessage `json:"extractValue,omitempty"`
	Modes                           json.RawMessage `json:"modes,omitempty"`
	IgnoreValidationDuringExecution bool            `json:"ignoreValidationDuringExecution,omitempty"`

	// LocatorModes are Modes decoded for run time (a resourceLocator's
	// extraction and validation rules); Extract is ExtractValue decoded,
	// for other property types. Both are derived from the raw fields.
	LocatorModes []LocatorMode `json:"-"`
	Extract      *ExtractValue `json:"-"`

	Choices  []Choice   `json:"-"`
	Children []Property `json:"-"`
	Groups   []Group    `json:"-"`
}

// Choice is one entry of an options or multiOptions property
// (INodePropertyOptions). An operation is a Choice whose Routing carries the
// request method and URL.
type Choice struct {
	Name        string   `json:"name"`
	Value       any      `json:"value"`
	Action      string   `json:"action,omitempty"`
	Description string   `json:"description,omitempty"`
	Routing     *Routing `json:"routing,omitempty"`
}

// Group is one named group of a fixedCollection (INodePropertyCollection).
type Group struct {
	DisplayName string     `json:"displayName"`
	Name        string     `json:"name"`
	Values      []Property `json:"values"`
}

// DisplayOptions decides whether a property is visible (P11-P16). Each
// condition is a plain value compared with strict equality, or an object
// {"_cnd": {operator: operand}}.
//
// A decoded description or credential type shares one *DisplayOptions,
// with its maps and lists, between all the displayOptions and
// disabledOptions that are identical in the JSON (most of a large
// description's are repeats), so treat decoded ones as read-only. To
// change one property's conditions, give it its own copy first: a JSON
// round trip (json.Marshal, then json.Unmarshal into a new
// DisplayOptions) copies it deeply and keeps the key order.
type DisplayOptions struct {
	Show map[string][]any `json:"show,omitempty"`
	Hide map[string][]any `json:"hide,omitempty"`
	// HideOnCloud is an editor hint with no run-time effect.
	HideOnCloud bool `json:"hideOnCloud,omitempty"`

	// showOrder and hideOrder keep the keys' order in the source JSON:
	// n8n checks rules in that order and the expression short-cut (P14)
	// makes the order observable.
	showOrder, hideOrder []string
}

// ShowKeys returns the keys of Show in their source order (sorted for
// values built in Go).
func (d *DisplayOptions) ShowKeys() []string { return orderedKeys(d.Show, d.showOrder) }

// HideKeys returns the keys of Hide in their source order (sorted for
// values built in Go).
func (d *DisplayOptions) HideKeys() []string { return orderedKeys(d.Hide, d.hideOrder) }

func orderedKeys(m map[string][]any, order []string) []string {
	if len(order) == len(m) {
		return order
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// UnmarshalJSON decodes the rules and records their key order.
func (d *DisplayOptions) UnmarshalJSON(b []byte) error {
	return parseInto(b, d.decode)
}

// MarshalJSON writes the rules in their source order.
func (d DisplayOptions) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	first := true
	writeRules := func(name string, m map[string][]any, keys []string) error {
		if len(m) == 0 {
			return nil
		}
		if !first {
			buf.WriteByte(',')
		}
		first = false
		fmt.Fprintf(&buf, "%q:{", name)
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			kb, _ := json.Marshal(k)
			vb, err := json.Marshal(m[k])
			if err != nil {
				return err
			}
			buf.Write(kb)
			buf.WriteByte(':')
			buf.Write(vb)
		}
		buf.WriteByte('}')
		return nil
	}
	if err := writeRules("show", d.Show, d.ShowKeys()); err != nil {
		return nil, err
	}
	if err := writeRules("hide", d.Hide, d.HideKeys()); err != nil {
		return nil, err
	}
	if d.HideOnCloud {
		if !first {
			buf.WriteByte(',')
		}
		buf.WriteString(`"hideOnCloud":true`)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// PropertyTypeOptions are a property's typeOptions. Only the keys with run-time
// meaning are typed; the rest is kept in Extra so that it round-trips.
type PropertyTypeOptions struct {
	MultipleValues  bool     `json:"multipleValues,omitempty"`
	MinValue        *float64 `json:"minValue,omitempty"`
	MaxValue        *float64 `json:"maxValue,omitempty"`
	NumberPrecision *int     `json:"numberPrecision,omitempty"`
	Password        bool     `json:"password,omitempty"`
	Rows            int      `json:"rows,omitempty"`
	Theme           string   `json:"theme,omitempty"`
	// Extra holds every other typeOptions key verbatim (loadOptionsMethod,
	// editor, multipleValueButtonText ...).
	Extra map[string]json.RawMessage `json:"-"`
}

// typeOptionsKeys are the keys PropertyTypeOptions types; everything else is Extra.
var typeOptionsKeys = map[string]bool{
	"multipleValues": true, "minValue": true, "maxValue": true, "numberPrecision": true,
	"password": true, "rows": true, "theme": true,
}

// UnmarshalJSON decodes the typed keys and keeps the others in Extra.
func (t *PropertyTypeOptions) UnmarshalJSON(b []byte) error {
	return parseInto(b, func(st *decoding, v jsontree.Value) error {
		if v.Type() == jsontree.TypeNull {
			return nil // null leaves t as it is, as encoding/json does
		}
		*t = PropertyTypeOptions{}
		return t.decode(st, v)
	})
}

// MarshalJSON writes the typed keys and Extra as one object.
func (t PropertyTypeOptions) MarshalJSON() ([]byte, error) {
	type plain PropertyTypeOptions
	typed, err := json.Marshal(plain(t))
	if err != nil || len(t.Extra) == 0 {
		return typed, err
	}
	merged := map[string]json.RawMessage{}
	if err := json.Unmarshal(typed, &merged); err != nil {
		return nil, err
	}
	for k, v := range t.Extra {
		merged[k] = v
	}
	return json.Marshal(merged)
}

// propertyJSON is Property's wire form with "options" undecoded.
type propertyJSON struct {
	propertyFields
	Options json.RawMessage `json:"options,omitempty"`
}

// propertyFields has Property's fields without its methods, so that
// encoding/json does not recurse into Property's own (Un)MarshalJSON.
type propertyFields Property

// UnmarshalJSON decodes a property, routing "options" by Type.
func (p *Property) UnmarshalJSON(b []byte) error {
	return parseInto(b, p.decode)
}

// MarshalJSON encodes a property with its Choices, Children or Groups under
// "options", as n8n has it.
func (p Property) MarshalJSON() ([]byte, error) {
	w := propertyJSON{propertyFields: propertyFields(p)}
	var options any
	switch {
	case p.Children != nil:
		options = p.Children
	case p.Groups != nil:
		options = p.Groups
	case p.Choices != nil:
		options = p.Choices
	}
	if options != nil {
		raw, err := json.Marshal(options)
		if err != nil {
			return nil, err
		}
		w.Options = raw
	}
	return json.Marshal(w)
}

// IsContainer reports whether the property holds other properties.
func (p *Property) IsContainer() bool {
	return p.Type == TypeCollection || p.Type == TypeFixedCollection
}

// Choice returns the first choice whose value equals v with JavaScript
// strict equality, as n8n selects an operation (R4).
func (p *Property) Choice(v any) (*Choice, bool) {
	for i := range p.Choices {
		if StrictEqual(p.Choices[i].Value, v) {
			return &p.Choices[i], true
		}
	}
	return nil, false
}

// IsSecret reports whether values of this property are secrets to redact.
func (p *Property) IsSecret() bool {
	return p.TypeOptions != nil && p.TypeOptions.Password
}

// StrictEqual compares two decoded JSON scalars the way JavaScript's ===
// does: numbers by value, strings and booleans by value, null only to null.
// Objects and arrays are never strictly equal here, since decoded values have
// no identity.
func StrictEqual(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case float64:
		y, ok := toFloat(b)
		return ok && x == y
	case int:
		y, ok := toFloat(b)
		return ok && float64(x) == y
	case int64:
		y, ok := toFloat(b)
		return ok && float64(x) == y
	}
	return false
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}
