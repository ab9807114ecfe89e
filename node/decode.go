package node

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/valyala/fastjson"
)

// The model decodes in one pass over a parsed tree: encoding/json with
// nested UnmarshalJSON methods re-scans inner bytes at every level, which
// made the 549-property Chatwoot description take tens of milliseconds.
// fastjson keeps object keys in source order, which displayOptions needs.

// DecodeError says where a JSON document does not fit the model. Path is
// an RFC 6901 JSON pointer ("/properties/3/type"); "" is the document.
type DecodeError struct {
	Path string
	Msg  string
	// Syntax reports input that is not valid JSON at all.
	Syntax bool
}

// Error implements error.
func (e *DecodeError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// parsers reuses fastjson parsers: a fresh parser grows its value slab by
// doubling, and for a large description that growth and its garbage cost
// ten times the parse itself. A pool is a cache, invisible to callers.
var parsers fastjson.ParserPool

// DecodeDescription decodes a node description.
func DecodeDescription(data []byte) (*Description, error) {
	p := parsers.Get()
	defer parsers.Put(p)
	v, err := parseStrict(p, data)
	if err != nil {
		return nil, &DecodeError{Msg: "invalid JSON: " + err.Error(), Syntax: true}
	}
	d := &Description{}
	if err := d.decode(v, ""); err != nil {
		return nil, err
	}
	return d, nil
}

// DecodeCredentialType decodes a credential type.
func DecodeCredentialType(data []byte) (*CredentialType, error) {
	p := parsers.Get()
	defer parsers.Put(p)
	v, err := parseStrict(p, data)
	if err != nil {
		return nil, &DecodeError{Msg: "invalid JSON: " + err.Error(), Syntax: true}
	}
	c := &CredentialType{}
	if err := c.decode(v, ""); err != nil {
		return nil, err
	}
	return c, nil
}

// UnmarshalJSON decodes a description in one pass.
func (d *Description) UnmarshalJSON(b []byte) error {
	return parseInto(b, d.decode)
}

// UnmarshalJSON decodes a credential type in one pass.
func (c *CredentialType) UnmarshalJSON(b []byte) error {
	return parseInto(b, c.decode)
}

func parseInto(b []byte, decode func(*fastjson.Value, string) error) error {
	p := parsers.Get()
	defer parsers.Put(p)
	v, err := parseStrict(p, b)
	if err != nil {
		return &DecodeError{Msg: "invalid JSON: " + err.Error(), Syntax: true}
	}
	return decode(v, "")
}

// parseStrict parses JSON as n8n reads a file, as UTF-8 text through
// JSON.parse: the parser alone accepts NaN, 01 and .5, and keeps invalid
// UTF-8 in strings, which a description would then carry into values that
// no longer encode, or encode differently.
func parseStrict(p *fastjson.Parser, data []byte) (*fastjson.Value, error) {
	data = WellFormedUTF8(data)
	if err := fastjson.ValidateBytes(data); err != nil {
		return nil, err
	}
	return p.ParseBytes(data)
}

// fields decodes an object's fields: set reads each key it knows and
// records the first error in dc.
func fields(v *fastjson.Value, path string, set func(dc *decoder, key string, x *fastjson.Value)) error {
	o, err := object(v, path)
	if err != nil {
		return err
	}
	dc := &decoder{path: path}
	o.Visit(func(k []byte, x *fastjson.Value) { set(dc, string(k), x) })
	return dc.err
}

// decoder walks one object's fields, collecting the first error.
type decoder struct {
	path string
	err  error
}

func (dc *decoder) fail(key, format string, args ...any) {
	if dc.err == nil {
		dc.err = &DecodeError{Path: dc.path + "/" + escapePointer(key), Msg: fmt.Sprintf(format, args...)}
	}
}

func (dc *decoder) sub(key string) string { return dc.path + "/" + escapePointer(key) }

func escapePointer(k string) string {
	if !strings.ContainsAny(k, "~/") {
		return k
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
}

// object returns v's fields, or fails when v is not an object.
func object(v *fastjson.Value, path string) (*fastjson.Object, error) {
	o, err := v.Object()
	if err != nil {
		return nil, &DecodeError{Path: path, Msg: "must be an object, not " + typeName(v)}
	}
	return o, nil
}

func typeName(v *fastjson.Value) string {
	switch v.Type() {
	case fastjson.TypeObject:
		return "an object"
	case fastjson.TypeArray:
		return "an array"
	case fastjson.TypeString:
		return "a string"
	case fastjson.TypeNumber:
		return "a number"
	case fastjson.TypeTrue, fastjson.TypeFalse:
		return "a boolean"
	}
	return "null"
}

func (dc *decoder) str(key string, v *fastjson.Value) string {
	switch v.Type() {
	case fastjson.TypeString:
		return string(v.GetStringBytes())
	case fastjson.TypeNull:
		return ""
	}
	dc.fail(key, "must be a string, not %s", typeName(v))
	return ""
}

func (dc *decoder) boolean(key string, v *fastjson.Value) bool {
	switch v.Type() {
	case fastjson.TypeTrue:
		return true
	case fastjson.TypeFalse, fastjson.TypeNull:
		return false
	}
	dc.fail(key, "must be a boolean, not %s", typeName(v))
	return false
}

func (dc *decoder) number(key string, v *fastjson.Value) (float64, bool) {
	switch v.Type() {
	case fastjson.TypeNumber:
		f, err := v.Float64()
		if err != nil || math.IsInf(f, 0) {
			dc.fail(key, "number %s does not fit a 64-bit float", v.MarshalTo(nil))
		}
		return f, true
	case fastjson.TypeNull:
		return 0, false
	}
	dc.fail(key, "must be a number, not %s", typeName(v))
	return 0, false
}

func (dc *decoder) strings(key string, v *fastjson.Value) []string {
	if v.Type() == fastjson.TypeNull {
		return nil
	}
	arr, err := v.Array()
	if err != nil {
		dc.fail(key, "must be an array of strings, not %s", typeName(v))
		return nil
	}
	out := make([]string, 0, len(arr))
	for i, x := range arr {
		out = append(out, dc.str(key+"/"+strconv.Itoa(i), x))
	}
	return out
}

// raw returns v's JSON text, for fields kept verbatim.
func raw(v *fastjson.Value) json.RawMessage {
	if v.Type() == fastjson.TypeNull {
		return nil
	}
	return json.RawMessage(v.MarshalTo(nil))
}

// value converts a parsed JSON value to Go: nil, bool, float64, string,
// []any and map[string]any, as encoding/json decodes into any. A number no
// float64 holds (n8n would silently read Infinity) becomes nil and is
// recorded in bad, so callers fail on it without a second walk.
func value(v *fastjson.Value, bad *[]byte) any {
	switch v.Type() {
	case fastjson.TypeObject:
		o, _ := v.Object()
		m := make(map[string]any, o.Len())
		o.Visit(func(k []byte, x *fastjson.Value) { m[string(k)] = value(x, bad) })
		return m
	case fastjson.TypeArray:
		arr, _ := v.Array()
		out := make([]any, len(arr))
		for i, x := range arr {
			out[i] = value(x, bad)
		}
		return out
	case fastjson.TypeString:
		return string(v.GetStringBytes())
	case fastjson.TypeNumber:
		f, err := v.Float64()
		if err != nil || math.IsInf(f, 0) {
			if *bad == nil {
				*bad = v.MarshalTo(nil)
			}
			return nil
		}
		return f
	case fastjson.TypeTrue:
		return true
	case fastjson.TypeFalse:
		return false
	}
	return nil
}

func badNumberError(path string, text []byte) *DecodeError {
	return &DecodeError{Path: path, Msg: "number " + string(text) + " does not fit a 64-bit float"}
}

// value converts a field holding any JSON value.
func (dc *decoder) value(key string, v *fastjson.Value) any {
	var bad []byte
	x := value(v, &bad)
	if bad != nil && dc.err == nil {
		dc.err = badNumberError(dc.sub(key), bad)
	}
	return x
}

func (dc *decoder) anyMap(key string, v *fastjson.Value) map[string]any {
	switch v.Type() {
	case fastjson.TypeObject:
		m, _ := dc.value(key, v).(map[string]any)
		return m
	case fastjson.TypeNull:
		return nil
	}
	dc.fail(key, "must be an object, not %s", typeName(v))
	return nil
}

func (d *Description) decode(v *fastjson.Value, path string) error {
	return fields(v, path, func(dc *decoder, key string, x *fastjson.Value) {
		switch key {
		case "displayName":
			d.DisplayName = dc.str(key, x)
		case "name":
			d.Name = dc.str(key, x)
		case "group":
			d.Group = dc.strings(key, x)
		case "version":
			if err := d.Version.decode(x); err != nil {
				dc.fail(key, "%v", err)
			}
		case "subtitle":
			d.Subtitle = dc.str(key, x)
		case "description":
			d.Description = dc.str(key, x)
		case "defaults":
			d.Defaults = dc.anyMap(key, x)
		case "inputs":
			d.Inputs = raw(x)
		case "outputs":
			d.Outputs = raw(x)
		case "credentials":
			if x.Type() == fastjson.TypeNull {
				return
			}
			arr, err := x.Array()
			if err != nil {
				dc.fail(key, "must be an array, not %s", typeName(x))
				return
			}
			d.Credentials = make([]CredentialRef, len(arr))
			for i, c := range arr {
				if dc.err == nil {
					dc.err = d.Credentials[i].decode(c, dc.sub(key)+"/"+strconv.Itoa(i))
				}
			}
		case "requestDefaults":
			if x.Type() != fastjson.TypeNull {
				d.RequestDefaults = &Request{}
				if dc.err == nil {
					dc.err = d.RequestDefaults.decode(x, dc.sub(key))
				}
			}
		case "requestOperations":
			if x.Type() != fastjson.TypeNull {
				d.RequestOperations = &Operations{}
				if dc.err == nil {
					dc.err = d.RequestOperations.decode(x, dc.sub(key))
				}
			}
		case "properties":
			if dc.err == nil {
				d.Properties, dc.err = decodeProperties(x, dc.sub(key))
			}
		case "codex":
			d.Codex = raw(x)
		case "icon":
			d.Icon = raw(x)
		case "iconUrl":
			d.IconURL = dc.str(key, x)
		case "documentationUrl":
			d.DocumentationURL = dc.str(key, x)
		case "communityNodePackageVersion":
			d.CommunityNodePackageVersion = dc.str(key, x)
		}
	})
}

func (v *Version) decode(x *fastjson.Value) error {
	switch x.Type() {
	case fastjson.TypeNumber:
		*v = Version{x.GetFloat64()}
		return nil
	case fastjson.TypeArray:
		arr, _ := x.Array()
		out := make(Version, len(arr))
		for i, e := range arr {
			if e.Type() != fastjson.TypeNumber {
				return fmt.Errorf("version must be a number or an array of numbers")
			}
			out[i] = e.GetFloat64()
		}
		*v = out
		return nil
	case fastjson.TypeNull:
		*v = nil
		return nil
	}
	return fmt.Errorf("version must be a number or an array of numbers, not %s", typeName(x))
}

func (c *CredentialRef) decode(v *fastjson.Value, path string) error {
	return fields(v, path, func(dc *decoder, key string, x *fastjson.Value) {
		switch key {
		case "name":
			c.Name = dc.str(key, x)
		case "required":
			c.Required = dc.boolean(key, x)
		case "displayOptions":
			c.DisplayOptions = dc.displayOptions(key, x)
		case "testedBy":
			c.TestedBy = raw(x)
		}
	})
}

func decodeProperties(v *fastjson.Value, path string) ([]Property, error) {
	if v.Type() == fastjson.TypeNull {
		return nil, nil
	}
	arr, err := v.Array()
	if err != nil {
		return nil, &DecodeError{Path: path, Msg: "must be an array of properties, not " + typeName(v)}
	}
	out := make([]Property, len(arr))
	for i, x := range arr {
		if err := out[i].decode(x, path+"/"+strconv.Itoa(i)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (p *Property) decode(v *fastjson.Value, path string) error {
	o, err := object(v, path)
	if err != nil {
		return err
	}
	dc := &decoder{path: path}
	var options *fastjson.Value
	o.Visit(func(k []byte, x *fastjson.Value) {
		switch key := string(k); key {
		case "displayName":
			p.DisplayName = dc.str(key, x)
		case "name":
			p.Name = dc.str(key, x)
		case "type":
			p.Type = PropertyType(dc.str(key, x))
		case "default":
			p.Default = dc.value(key, x)
		case "required":
			p.Required = dc.boolean(key, x)
		case "description":
			p.Description = dc.str(key, x)
		case "hint":
			p.Hint = dc.str(key, x)
		case "placeholder":
			p.Placeholder = dc.str(key, x)
		case "noDataExpression":
			p.NoDataExpression = dc.boolean(key, x)
		case "isNodeSetting":
			p.IsNodeSetting = dc.boolean(key, x)
		case "displayOptions":
			p.DisplayOptions = dc.displayOptions(key, x)
		case "disabledOptions":
			p.DisabledOptions = dc.displayOptions(key, x)
		case "typeOptions":
			p.TypeOptions = dc.typeOptions(key, x)
		case "routing":
			p.Routing = dc.routing(key, x)
		case "validateType":
			p.ValidateType = dc.str(key, x)
		case "extractValue":
			p.ExtractValue = raw(x)
		case "modes":
			p.Modes = raw(x)
		case "ignoreValidationDuringExecution":
			p.IgnoreValidationDuringExecution = dc.boolean(key, x)
		case "options":
			options = x
		}
	})
	if dc.err != nil || options == nil || options.Type() == fastjson.TypeNull {
		return dc.err
	}
	opath := dc.sub("options")
	arr, err := options.Array()
	if err != nil {
		return &DecodeError{Path: opath, Msg: "must be an array, not " + typeName(options)}
	}
	switch p.Type {
	case TypeCollection:
		p.Children, err = decodeProperties(options, opath)
		return err
	case TypeFixedCollection:
		p.Groups = make([]Group, len(arr))
		for i, x := range arr {
			if err := p.Groups[i].decode(x, opath+"/"+strconv.Itoa(i)); err != nil {
				return err
			}
		}
		return nil
	}
	p.Choices = make([]Choice, len(arr))
	for i, x := range arr {
		if err := p.Choices[i].decode(x, opath+"/"+strconv.Itoa(i)); err != nil {
			return err
		}
	}
	return nil
}

func (c *Choice) decode(v *fastjson.Value, path string) error {
	return fields(v, path, func(dc *decoder, key string, x *fastjson.Value) {
		switch key {
		case "name":
			c.Name = dc.str(key, x)
		case "value":
			c.Value = dc.value(key, x)
		case "action":
			c.Action = dc.str(key, x)
		case "description":
			c.Description = dc.str(key, x)
		case "routing":
			c.Routing = dc.routing(key, x)
		}
	})
}

func (g *Group) decode(v *fastjson.Value, path string) error {
	return fields(v, path, func(dc *decoder, key string, x *fastjson.Value) {
		switch key {
		case "displayName":
			g.DisplayName = dc.str(key, x)
		case "name":
			g.Name = dc.str(key, x)
		case "values":
			if dc.err == nil {
				g.Values, dc.err = decodeProperties(x, dc.sub(key))
			}
		}
	})
}

// optional decodes a field holding an object into a new *T, or returns
// nil for null (or after an earlier error).
func optional[T any, P interface {
	*T
	decode(*fastjson.Value, string) error
}](dc *decoder, key string, v *fastjson.Value) P {
	if v.Type() == fastjson.TypeNull || dc.err != nil {
		return nil
	}
	p := P(new(T))
	if err := p.decode(v, dc.sub(key)); err != nil {
		dc.err = err
		return nil
	}
	return p
}

func (dc *decoder) displayOptions(key string, v *fastjson.Value) *DisplayOptions {
	return optional[DisplayOptions](dc, key, v)
}

func (d *DisplayOptions) decode(v *fastjson.Value, path string) error {
	o, err := object(v, path)
	if err != nil {
		return err
	}
	dc := &decoder{path: path}
	rules := func(key string, x *fastjson.Value) (map[string][]any, []string) {
		if x.Type() == fastjson.TypeNull {
			return nil, nil
		}
		ro, err := x.Object()
		if err != nil {
			dc.fail(key, "must be an object of condition lists, not %s", typeName(x))
			return nil, nil
		}
		sub := &decoder{path: dc.sub(key)}
		m := make(map[string][]any, ro.Len())
		order := make([]string, 0, ro.Len())
		ro.Visit(func(rk []byte, cond *fastjson.Value) {
			name := string(rk)
			list, err := cond.Array()
			if err != nil {
				sub.fail(name, "must be an array of conditions, not %s", typeName(cond))
				return
			}
			conds := &decoder{path: sub.sub(name)}
			vals := make([]any, len(list))
			for i, c := range list {
				vals[i] = conds.value(strconv.Itoa(i), c)
			}
			if conds.err != nil && sub.err == nil {
				sub.err = conds.err
			}
			if _, dup := m[name]; !dup {
				order = append(order, name)
			}
			m[name] = vals
		})
		if sub.err != nil && dc.err == nil {
			dc.err = sub.err
		}
		return m, order
	}
	o.Visit(func(k []byte, x *fastjson.Value) {
		switch key := string(k); key {
		case "show":
			d.Show, d.showOrder = rules(key, x)
		case "hide":
			d.Hide, d.hideOrder = rules(key, x)
		case "hideOnCloud":
			d.HideOnCloud = dc.boolean(key, x)
		}
	})
	return dc.err
}

func (dc *decoder) typeOptions(key string, v *fastjson.Value) *PropertyTypeOptions {
	if v.Type() == fastjson.TypeNull || dc.err != nil {
		return nil
	}
	o, err := object(v, dc.sub(key))
	if err != nil {
		dc.err = err
		return nil
	}
	t := &PropertyTypeOptions{}
	sub := &decoder{path: dc.sub(key)}
	o.Visit(func(k []byte, x *fastjson.Value) {
		switch name := string(k); name {
		case "multipleValues":
			t.MultipleValues = sub.boolean(name, x)
		case "minValue":
			if f, ok := sub.number(name, x); ok {
				t.MinValue = &f
			}
		case "maxValue":
			if f, ok := sub.number(name, x); ok {
				t.MaxValue = &f
			}
		case "numberPrecision":
			if f, ok := sub.number(name, x); ok {
				n := int(f)
				if float64(n) != f {
					sub.fail(name, "must be a whole number")
				}
				t.NumberPrecision = &n
			}
		case "password":
			t.Password = sub.boolean(name, x)
		case "rows":
			if f, ok := sub.number(name, x); ok {
				t.Rows = int(f)
				if float64(t.Rows) != f {
					sub.fail(name, "must be a whole number")
				}
			}
		case "theme":
			t.Theme = sub.str(name, x)
		default:
			if t.Extra == nil {
				t.Extra = map[string]json.RawMessage{}
			}
			t.Extra[name] = raw(x)
		}
	})
	if sub.err != nil {
		dc.err = sub.err
	}
	return t
}

func (dc *decoder) routing(key string, v *fastjson.Value) *Routing {
	return optional[Routing](dc, key, v)
}

func (r *Routing) decode(v *fastjson.Value, path string) error {
	return fields(v, path, func(dc *decoder, key string, x *fastjson.Value) {
		if dc.err != nil || x.Type() == fastjson.TypeNull {
			return
		}
		switch key {
		case "request":
			r.Request = &Request{}
			dc.err = r.Request.decode(x, dc.sub(key))
		case "send":
			r.Send = &Send{}
			dc.err = r.Send.decode(x, dc.sub(key))
		case "output":
			r.Output = &Output{}
			dc.err = r.Output.decode(x, dc.sub(key))
		case "operations":
			r.Operations = &Operations{}
			dc.err = r.Operations.decode(x, dc.sub(key))
		}
	})
}

func (r *Request) decode(v *fastjson.Value, path string) error {
	o, err := object(v, path)
	if err != nil {
		return err
	}
	dc := &decoder{path: path}
	o.Visit(func(k []byte, x *fastjson.Value) {
		switch key := string(k); key {
		case "baseURL":
			r.BaseURL = dc.str(key, x)
		case "url":
			r.URL = dc.str(key, x)
		case "method":
			r.Method = dc.str(key, x)
		case "headers":
			r.Headers = dc.anyMap(key, x)
		case "qs":
			r.Qs = dc.anyMap(key, x)
		case "body":
			r.Body = dc.value(key, x)
		case "json":
			if x.Type() != fastjson.TypeNull {
				b := dc.boolean(key, x)
				r.JSON = &b
			}
		case "encoding":
			r.Encoding = dc.str(key, x)
		case "arrayFormat":
			r.ArrayFormat = dc.str(key, x)
		case "skipSslCertificateValidation":
			r.SkipSSLCertificateValidation = dc.value(key, x)
		case "disableFollowRedirect":
			r.DisableFollowRedirect = dc.boolean(key, x)
		case "returnFullResponse":
			r.ReturnFullResponse = dc.boolean(key, x)
		case "ignoreHttpStatusErrors":
			r.IgnoreHTTPStatusErrors = dc.boolean(key, x)
		case "timeout":
			r.Timeout = dc.value(key, x)
		case "auth":
			if x.Type() == fastjson.TypeNull {
				return
			}
			ao, err := x.Object()
			if err != nil {
				dc.fail(key, "must be an object {username, password}, not %s", typeName(x))
				return
			}
			r.Auth = &BasicAuth{}
			sub := &decoder{path: dc.sub(key)}
			ao.Visit(func(ak []byte, ax *fastjson.Value) {
				switch string(ak) {
				case "username":
					r.Auth.Username = sub.str("username", ax)
				case "password":
					r.Auth.Password = sub.str("password", ax)
				}
			})
			if sub.err != nil {
				dc.err = sub.err
			}
		}
	})
	return dc.err
}

func (s *Send) decode(v *fastjson.Value, path string) error {
	return fields(v, path, func(dc *decoder, key string, x *fastjson.Value) {
		switch key {
		case "type":
			s.Type = dc.str(key, x)
		case "property":
			s.Property = dc.str(key, x)
		case "propertyInDotNotation":
			if x.Type() != fastjson.TypeNull {
				b := dc.boolean(key, x)
				s.PropertyInDotNotation = &b
			}
		case "value":
			s.Value = dc.value(key, x)
		case "paginate":
			s.Paginate = dc.value(key, x)
		case "preSend":
			s.PreSend = dc.strings(key, x)
		case "onlyIfSet":
			s.OnlyIfSet = dc.boolean(key, x)
		}
	})
}

func (out *Output) decode(v *fastjson.Value, path string) error {
	return fields(v, path, func(dc *decoder, key string, x *fastjson.Value) {
		switch key {
		case "maxResults":
			out.MaxResults = dc.value(key, x)
		case "postReceive":
			if x.Type() == fastjson.TypeNull {
				return
			}
			arr, err := x.Array()
			if err != nil {
				dc.fail(key, "must be an array, not %s", typeName(x))
				return
			}
			out.PostReceive = make([]PostReceive, len(arr))
			for i, a := range arr {
				if dc.err == nil {
					dc.err = out.PostReceive[i].decode(a, dc.sub(key)+"/"+strconv.Itoa(i))
				}
			}
		}
	})
}

// hookOrObject splits the two forms n8n allows where it holds code: a
// hook name (a string) or a declarative object.
func hookOrObject(v *fastjson.Value, path, what string) (string, *fastjson.Object, error) {
	if v.Type() == fastjson.TypeString {
		return string(v.GetStringBytes()), nil, nil
	}
	o, err := v.Object()
	if err != nil {
		return "", nil, &DecodeError{Path: path, Msg: "must be " + what + " or a hook name, not " + typeName(v)}
	}
	return "", o, nil
}

func (a *PostReceive) decode(v *fastjson.Value, path string) error {
	hook, o, err := hookOrObject(v, path, "an action object")
	if o == nil {
		*a = PostReceive{Hook: hook}
		return err
	}
	dc := &decoder{path: path}
	o.Visit(func(k []byte, x *fastjson.Value) {
		switch key := string(k); key {
		case "type":
			a.Type = dc.str(key, x)
		case "enabled":
			a.Enabled = dc.value(key, x)
		case "properties":
			a.Properties = dc.anyMap(key, x)
		}
	})
	return dc.err
}

func (ops *Operations) decode(v *fastjson.Value, path string) error {
	o, err := object(v, path)
	if err != nil {
		return err
	}
	if x := o.Get("pagination"); x != nil && x.Type() != fastjson.TypeNull {
		ops.Pagination = &Pagination{}
		return ops.Pagination.decode(x, path+"/pagination")
	}
	return nil
}

func (pg *Pagination) decode(v *fastjson.Value, path string) error {
	hook, o, err := hookOrObject(v, path, "a pagination object")
	if o == nil {
		*pg = Pagination{Hook: hook}
		return err
	}
	dc := &decoder{path: path}
	o.Visit(func(k []byte, x *fastjson.Value) {
		switch key := string(k); key {
		case "type":
			pg.Type = dc.str(key, x)
		case "properties":
			pg.Properties = dc.anyMap(key, x)
		}
	})
	return dc.err
}

func (c *CredentialType) decode(v *fastjson.Value, path string) error {
	return fields(v, path, func(dc *decoder, key string, x *fastjson.Value) {
		switch key {
		case "name":
			c.Name = dc.str(key, x)
		case "displayName":
			c.DisplayName = dc.str(key, x)
		case "documentationUrl":
			c.DocumentationURL = dc.str(key, x)
		case "extends":
			c.Extends = dc.strings(key, x)
		case "properties":
			if dc.err == nil {
				c.Properties, dc.err = decodeProperties(x, dc.sub(key))
			}
		case "authenticate":
			if x.Type() != fastjson.TypeNull && dc.err == nil {
				c.Authenticate = &Authenticate{}
				dc.err = c.Authenticate.decode(x, dc.sub(key))
			}
		case "test":
			if x.Type() != fastjson.TypeNull && dc.err == nil {
				c.Test = &CredentialTest{}
				dc.err = c.Test.decode(x, dc.sub(key))
			}
		case "supportedNodes":
			c.SupportedNodes = dc.strings(key, x)
		case "iconUrl":
			c.IconURL = dc.str(key, x)
		}
	})
}

func (a *Authenticate) decode(v *fastjson.Value, path string) error {
	o, err := object(v, path)
	if err != nil {
		return err
	}
	dc := &decoder{path: path}
	o.Visit(func(k []byte, x *fastjson.Value) {
		switch key := string(k); key {
		case "type":
			a.Type = dc.str(key, x)
		case "properties":
			po, err := object(x, dc.sub(key))
			if err != nil {
				dc.err = err
				return
			}
			sub := &decoder{path: dc.sub(key)}
			po.Visit(func(pk []byte, px *fastjson.Value) {
				switch name := string(pk); name {
				case "headers":
					a.Properties.Headers = sub.anyMap(name, px)
				case "qs":
					a.Properties.Qs = sub.anyMap(name, px)
				case "body":
					a.Properties.Body = sub.anyMap(name, px)
				case "auth":
					a.Properties.Auth = sub.anyMap(name, px)
				}
			})
			if sub.err != nil && dc.err == nil {
				dc.err = sub.err
			}
		}
	})
	return dc.err
}

func (t *CredentialTest) decode(v *fastjson.Value, path string) error {
	o, err := object(v, path)
	if err != nil {
		return err
	}
	dc := &decoder{path: path}
	o.Visit(func(k []byte, x *fastjson.Value) {
		if dc.err != nil {
			return
		}
		switch key := string(k); key {
		case "request":
			dc.err = t.Request.decode(x, dc.sub(key))
		case "rules":
			if x.Type() == fastjson.TypeNull {
				return
			}
			arr, err := x.Array()
			if err != nil {
				dc.fail(key, "must be an array, not %s", typeName(x))
				return
			}
			t.Rules = make([]TestRule, len(arr))
			for i, r := range arr {
				ro, err := object(r, dc.sub(key)+"/"+strconv.Itoa(i))
				if err != nil {
					dc.err = err
					return
				}
				sub := &decoder{path: dc.sub(key) + "/" + strconv.Itoa(i)}
				ro.Visit(func(rk []byte, rx *fastjson.Value) {
					switch name := string(rk); name {
					case "type":
						t.Rules[i].Type = sub.str(name, rx)
					case "properties":
						t.Rules[i].Properties = sub.anyMap(name, rx)
					}
				})
				if sub.err != nil {
					dc.err = sub.err
				}
			}
		}
	})
	return dc.err
}

// ParseJSON decodes any JSON document into Go values as JavaScript's
// JSON.parse does (objects as map[string]any, numbers as float64). It is
// the decoder noderun uses for response bodies and items.
func ParseJSON(data []byte) (any, error) {
	// The parser alone accepts NaN, 01 and .5; JSON.parse does not.
	if err := fastjson.ValidateBytes(data); err != nil {
		return nil, err
	}
	p := parsers.Get()
	defer parsers.Put(p)
	v, err := p.ParseBytes(data)
	if err != nil {
		return nil, err
	}
	var bad []byte
	out := value(v, &bad)
	if bad != nil {
		return nil, badNumberError("", bad)
	}
	return out, nil
}
