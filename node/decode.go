package node

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/noderun/noderun/node/jsontree"
)

// The model decodes in one pass over a parsed tree: encoding/json with
// nested UnmarshalJSON methods re-scans inner bytes at every level, which
// made the 549-property Chatwoot description take tens of milliseconds.
// jsontree keeps object keys in source order, which displayOptions needs,
// and checks the JSON is strict in the same pass.

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

// parsers reuses tree parsers: a fresh parser grows its node slab by
// doubling, and for a large description that growth and its garbage cost
// more than the parse itself. A pool is a cache, invisible to callers. A
// pooled parser keeps its last document reachable until its next parse,
// or until the collector empties the pool (within two cycles); dropping
// it on the way back cost 60 ns per item (3% of BenchmarkItemOverhead).
var parsers = sync.Pool{New: func() any { return new(jsontree.Parser) }}

func getParser() *jsontree.Parser { return parsers.Get().(*jsontree.Parser) }

// DecodeDescription decodes a node description. Identical displayOptions
// in it decode to one shared *DisplayOptions, which callers must not
// modify (see DisplayOptions).
func DecodeDescription(data []byte) (*Description, error) {
	p := getParser()
	defer parsers.Put(p)
	v, err := parseStrict(p, data)
	if err != nil {
		return nil, &DecodeError{Msg: "invalid JSON: " + err.Error(), Syntax: true}
	}
	return DecodeDescriptionValue(v)
}

// DecodeDescriptionValue decodes a description from a document already
// parsed, for a caller that reads the same parse for its own checks
// (package schema). The description keeps no reference into v, and shares
// identical displayOptions as DecodeDescription does.
func DecodeDescriptionValue(v jsontree.Value) (*Description, error) {
	st := getDecoding()
	defer st.release()
	d := &Description{}
	if err := d.decode(st, v); err != nil {
		return nil, err
	}
	return d, nil
}

// DecodeCredentialType decodes a credential type; like DecodeDescription,
// it shares identical displayOptions.
func DecodeCredentialType(data []byte) (*CredentialType, error) {
	p := getParser()
	defer parsers.Put(p)
	v, err := parseStrict(p, data)
	if err != nil {
		return nil, &DecodeError{Msg: "invalid JSON: " + err.Error(), Syntax: true}
	}
	st := getDecoding()
	defer st.release()
	c := &CredentialType{}
	if err := c.decode(st, v); err != nil {
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

// UnmarshalJSON decodes a test request and its rules: a credential
// type's test, or a node's testedBy object.
func (t *CredentialTest) UnmarshalJSON(b []byte) error {
	return parseInto(b, t.decode)
}

func parseInto(b []byte, decode func(*decoding, jsontree.Value) error) error {
	p := getParser()
	defer parsers.Put(p)
	v, err := parseStrict(p, b)
	if err != nil {
		return &DecodeError{Msg: "invalid JSON: " + err.Error(), Syntax: true}
	}
	st := getDecoding()
	defer st.release()
	return decode(st, v)
}

// parseStrict parses JSON as n8n reads a file, as UTF-8 text through
// JSON.parse: invalid UTF-8 in strings would otherwise be carried into
// values that no longer encode, or encode differently.
func parseStrict(p *jsontree.Parser, data []byte) (jsontree.Value, error) {
	return p.Parse(WellFormedUTF8(data))
}

// A DecodeError's pointer is built on the way out: a failing decode names
// the path below the value it was given, and every caller puts its own
// key or index in front. Success, the common case, builds no paths.

// decodeError is an error at the pointer made of tokens, below the value
// being decoded.
func decodeError(msg string, tokens ...string) *DecodeError {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(escapePointer(t))
	}
	return &DecodeError{Path: b.String(), Msg: msg}
}

// within puts token in front of the pointer of err, a DecodeError from
// the value under token.
func within(err error, token string) error {
	if de, ok := err.(*DecodeError); ok {
		de.Path = "/" + escapePointer(token) + de.Path
	}
	return err
}

// withinIndex is within for an array element.
func withinIndex(err error, i int) error {
	if err == nil {
		return nil
	}
	return within(err, strconv.Itoa(i))
}

// decoding is the state of one goroutine's decoding. A description is
// mostly small repeated strings (parameter names, types, the values of
// displayOptions conditions) and small lists, so short strings are shared
// and condition lists are cut from one backing array. That cuts the
// decoder's allocations (23,000 to 4,800 for Chatwoot's, with the other
// changes): decoding takes about as long, but the description it leaves
// in memory is smaller and cheaper for the collector to scan.
type decoding struct {
	strs   map[string]string
	recent [256]string    // a cache of strs
	boxed  map[string]any // short strings, already in an interface
	anys   []any          // unused tail of the current backing array
	// displays shares decoded displayOptions between the properties whose
	// conditions are identical (Chatwoot's 547 are 144 distinct ones),
	// keyed by displayKey; key is its scratch buffer.
	displays map[string]*DisplayOptions
	key      []byte
	// decoders is a stack: one decoder per object being decoded, nested.
	decoders [16]decoder
	depth    int
}

// decodings reuses decoding states across calls: making their maps and
// decoder stack afresh was a twentieth of a large description's bytes.
var decodings = sync.Pool{New: func() any { return newDecoding() }}

func getDecoding() *decoding { return decodings.Get().(*decoding) }

// release empties st, so that no call sees what another decoded, and
// returns it to the pool. The unused tail of anys stays: no slice handed
// out overlaps it.
func (st *decoding) release() {
	clear(st.strs)
	st.recent = [len(st.recent)]string{}
	clear(st.boxed)
	clear(st.displays)
	st.decoders = [len(st.decoders)]decoder{} // they point into the input
	st.depth = 0
	decodings.Put(st)
}

func newDecoding() *decoding {
	return &decoding{
		strs:     make(map[string]string, 256),
		boxed:    make(map[string]any, 64),
		displays: make(map[string]*DisplayOptions, 64),
	}
}

// internFrom is the length up to which strings are shared; longer ones
// (descriptions, hints) are mostly unique.
const internFrom = 40

func (st *decoding) str(b []byte) string {
	if st == nil || len(b) > internFrom || len(b) == 0 {
		return string(b)
	}
	// The same few strings come back again and again (parameter names,
	// types, resources): a slot picked by a cheap hash finds most of them
	// before the map, which hashes the whole string.
	slot := &st.recent[(len(b)*0x9E+int(b[0])*0x3B+int(b[len(b)-1])*0x11+int(b[len(b)/2]))&(len(st.recent)-1)]
	if *slot == string(b) {
		return *slot
	}
	s, ok := st.strs[string(b)]
	if !ok {
		s = string(b)
		st.strs[s] = s
	}
	*slot = s
	return s
}

// box returns b as a string in an interface, shared when short. A nil
// *decoding shares nothing.
func (st *decoding) box(b []byte) any {
	if st == nil || len(b) > internFrom {
		return string(b)
	}
	if v, ok := st.boxed[string(b)]; ok {
		return v
	}
	var v any = st.str(b)
	st.boxed[v.(string)] = v
	return v
}

// anySlice returns a list of n values cut from a shared backing array; its
// capacity is n, so an append copies rather than overwrites a neighbour.
func (st *decoding) anySlice(n int) []any {
	if n == 0 {
		return []any{} // empty, not nil: [] encodes as [], not null
	}
	if n > len(st.anys) {
		st.anys = make([]any, max(n, 512))
	}
	out := st.anys[:n:n]
	st.anys = st.anys[n:]
	return out
}

// fields decodes an object's fields: set reads each key it knows (in
// dc.key) and records the first error in dc.
func fields(st *decoding, v jsontree.Value, set func(dc *decoder, x jsontree.Value)) error {
	if err := object(v); err != nil {
		return err
	}
	dc := st.push()
	defer st.pop()
	for x := v.First(); x.Exists(); x = x.Next() {
		dc.key = x.Key()
		set(dc, x)
	}
	return dc.err
}

// push returns a cleared decoder for one more level of nesting; a decoder
// handed to a callback escapes, so reusing them saves an allocation per
// object.
func (st *decoding) push() *decoder {
	st.depth++
	if st.depth > len(st.decoders) {
		return &decoder{st: st}
	}
	dc := &st.decoders[st.depth-1]
	*dc = decoder{st: st}
	return dc
}

func (st *decoding) pop() { st.depth-- }

// decoder walks one object's fields, collecting the first error. key is
// the field being read; it is only turned into a string for an error.
type decoder struct {
	st  *decoding
	key []byte
	err error
}

func (dc *decoder) fail(format string, args ...any) {
	if dc.err == nil {
		dc.err = decodeError(fmt.Sprintf(format, args...), string(dc.key))
	}
}

// nested records err, from decoding the current field's value.
func (dc *decoder) nested(err error) {
	if err != nil && dc.err == nil {
		dc.err = within(err, string(dc.key))
	}
}

func escapePointer(k string) string {
	if !strings.ContainsAny(k, "~/") {
		return k
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
}

// object fails when v is not an object.
func object(v jsontree.Value) error {
	if v.Type() != jsontree.TypeObject {
		return decodeError("must be an object, not " + typeName(v))
	}
	return nil
}

func typeName(v jsontree.Value) string {
	switch v.Type() {
	case jsontree.TypeObject:
		return "an object"
	case jsontree.TypeArray:
		return "an array"
	case jsontree.TypeString:
		return "a string"
	case jsontree.TypeNumber:
		return "a number"
	case jsontree.TypeTrue, jsontree.TypeFalse:
		return "a boolean"
	}
	return "null"
}

func (dc *decoder) str(v jsontree.Value) string {
	s, err := dc.st.strValue(v)
	dc.nested(err)
	return s
}

func (st *decoding) strValue(v jsontree.Value) (string, error) {
	switch v.Type() {
	case jsontree.TypeString:
		return st.str(v.StringBytes()), nil
	case jsontree.TypeNull:
		return "", nil
	}
	return "", decodeError("must be a string, not " + typeName(v))
}

func (dc *decoder) boolean(v jsontree.Value) bool {
	switch v.Type() {
	case jsontree.TypeTrue:
		return true
	case jsontree.TypeFalse, jsontree.TypeNull:
		return false
	}
	dc.fail("must be a boolean, not %s", typeName(v))
	return false
}

func (dc *decoder) number(v jsontree.Value) (float64, bool) {
	switch v.Type() {
	case jsontree.TypeNumber:
		f, err := float(v)
		if err != nil {
			dc.fail("%v", err)
		}
		return f, true
	case jsontree.TypeNull:
		return 0, false
	}
	dc.fail("must be a number, not %s", typeName(v))
	return 0, false
}

func (dc *decoder) strings(v jsontree.Value) []string { return dc.stringList(v, false) }

// stringList decodes an array of strings; with skipNull, null entries
// are left out (hookNames).
func (dc *decoder) stringList(v jsontree.Value, skipNull bool) []string {
	if v.Type() == jsontree.TypeNull {
		return nil
	}
	if v.Type() != jsontree.TypeArray {
		dc.fail("must be an array of strings, not %s", typeName(v))
		return nil
	}
	out := make([]string, 0, v.Len())
	for i, x := 0, v.First(); x.Exists(); i, x = i+1, x.Next() {
		if skipNull && x.Type() == jsontree.TypeNull {
			continue
		}
		s, err := dc.st.strValue(x)
		dc.nested(withinIndex(err, i))
		out = append(out, s)
	}
	return out
}

// raw returns v's JSON text, for fields kept verbatim.
func raw(v jsontree.Value) json.RawMessage {
	if v.Type() == jsontree.TypeNull {
		return nil
	}
	return json.RawMessage(v.AppendJSON(nil))
}

// float reads a number, failing on one no float64 holds, which n8n would
// silently read as Infinity.
func float(v jsontree.Value) (float64, error) {
	f, err := v.Float64()
	if err != nil || math.IsInf(f, 0) {
		return 0, fmt.Errorf("number %s does not fit a 64-bit float", v.AppendJSON(nil))
	}
	return f, nil
}

// value converts a parsed JSON value to Go: nil, bool, float64, string,
// []any and map[string]any, as encoding/json decodes into any. A number no
// float64 holds becomes nil and is recorded in bad, so callers fail on it
// without a second walk.
func value(st *decoding, v jsontree.Value, bad *[]byte) any {
	switch v.Type() {
	case jsontree.TypeObject:
		m := make(map[string]any, v.Len())
		for x := v.First(); x.Exists(); x = x.Next() {
			m[st.str(x.Key())] = value(st, x, bad)
		}
		return m
	case jsontree.TypeArray:
		out := make([]any, 0, v.Len())
		for x := v.First(); x.Exists(); x = x.Next() {
			out = append(out, value(st, x, bad))
		}
		return out
	case jsontree.TypeString:
		return st.box(v.StringBytes())
	case jsontree.TypeNumber:
		f, err := float(v)
		if err != nil {
			if *bad == nil {
				*bad = v.AppendJSON(nil)
			}
			return nil
		}
		return f
	case jsontree.TypeTrue:
		return true
	case jsontree.TypeFalse:
		return false
	}
	return nil
}

// JSONValue converts a value of a parsed tree to Go as ParseJSON does
// (objects as map[string]any, numbers as float64): for a caller that
// parsed a larger document once and converts parts of it. A number no
// float64 holds is an error.
func JSONValue(v jsontree.Value) (any, error) { return anyValue(nil, v) }

// anyValue is value, failing on a number no float64 holds.
func anyValue(st *decoding, v jsontree.Value) (any, error) {
	var bad []byte
	x := value(st, v, &bad)
	if bad != nil {
		return x, decodeError("number " + string(bad) + " does not fit a 64-bit float")
	}
	return x, nil
}

// value converts a field holding any JSON value.
func (dc *decoder) value(v jsontree.Value) any {
	x, err := anyValue(dc.st, v)
	dc.nested(err)
	return x
}

func (dc *decoder) anyMap(v jsontree.Value) map[string]any {
	switch v.Type() {
	case jsontree.TypeObject:
		m, _ := dc.value(v).(map[string]any)
		return m
	case jsontree.TypeNull:
		return nil
	}
	dc.fail("must be an object, not %s", typeName(v))
	return nil
}

func (d *Description) decode(st *decoding, v jsontree.Value) error {
	return fields(st, v, func(dc *decoder, x jsontree.Value) {
		switch string(dc.key) {
		case "displayName":
			d.DisplayName = dc.str(x)
		case "name":
			d.Name = dc.str(x)
		case "group":
			d.Group = dc.strings(x)
		case "version":
			if err := d.Version.decode(x); err != nil {
				dc.fail("%v", err)
			}
		case "subtitle":
			d.Subtitle = dc.str(x)
		case "description":
			d.Description = dc.str(x)
		case "defaults":
			d.Defaults = dc.anyMap(x)
		case "inputs":
			d.Inputs = raw(x)
		case "outputs":
			d.Outputs = raw(x)
		case "credentials":
			if x.Type() == jsontree.TypeNull {
				return
			}
			if x.Type() != jsontree.TypeArray {
				dc.fail("must be an array, not %s", typeName(x))
				return
			}
			d.Credentials = make([]CredentialRef, x.Len())
			for i, c := 0, x.First(); c.Exists(); i, c = i+1, c.Next() {
				if dc.err == nil {
					dc.nested(withinIndex(d.Credentials[i].decode(st, c), i))
				}
			}
		case "requestDefaults":
			if x.Type() != jsontree.TypeNull {
				d.RequestDefaults = &Request{}
				if dc.err == nil {
					dc.nested(d.RequestDefaults.decode(st, x))
				}
			}
		case "requestOperations":
			if x.Type() != jsontree.TypeNull {
				d.RequestOperations = &Operations{}
				if dc.err == nil {
					dc.nested(d.RequestOperations.decode(st, x))
				}
				if d.RequestOperations.MissingPagination != "" {
					d.RequestOperations.MissingPagination = "requestOperations.pagination"
				}
			}
		case "properties":
			if dc.err == nil {
				var err error
				d.Properties, err = decodeProperties(dc.st, x)
				dc.nested(err)
				locateMissing(d.Properties, "properties")
			}
		case "codex":
			d.Codex = raw(x)
		case "icon":
			d.Icon = raw(x)
		case "iconUrl":
			d.IconURL = raw(x)
		case "documentationUrl":
			d.DocumentationURL = dc.str(x)
		case "communityNodePackageVersion":
			d.CommunityNodePackageVersion = dc.str(x)
		}
	})
}

func (v *Version) decode(x jsontree.Value) error {
	switch x.Type() {
	case jsontree.TypeNumber:
		f, err := float(x)
		if err != nil {
			return fmt.Errorf("version %w", err)
		}
		*v = Version{f}
		return nil
	case jsontree.TypeArray:
		out := make(Version, 0, x.Len())
		for e := x.First(); e.Exists(); e = e.Next() {
			if e.Type() != jsontree.TypeNumber {
				return fmt.Errorf("version must be a number or an array of numbers")
			}
			f, err := float(e)
			if err != nil {
				return fmt.Errorf("version %w", err)
			}
			out = append(out, f)
		}
		*v = out
		return nil
	case jsontree.TypeNull:
		*v = nil
		return nil
	}
	return fmt.Errorf("version must be a number or an array of numbers, not %s", typeName(x))
}

func (c *CredentialRef) decode(st *decoding, v jsontree.Value) error {
	return fields(st, v, func(dc *decoder, x jsontree.Value) {
		switch string(dc.key) {
		case "name":
			c.Name = dc.str(x)
		case "required":
			c.Required = dc.boolean(x)
		case "displayOptions":
			c.DisplayOptions = dc.displayOptions(x)
		case "testedBy":
			c.TestedBy = raw(x)
		}
	})
}

func decodeProperties(st *decoding, v jsontree.Value) ([]Property, error) {
	if v.Type() == jsontree.TypeNull {
		return nil, nil
	}
	if v.Type() != jsontree.TypeArray {
		return nil, decodeError("must be an array of properties, not " + typeName(v))
	}
	// One walk on one core: see schema's checker.properties for why.
	out := make([]Property, v.Len())
	for i, x := 0, v.First(); x.Exists(); i, x = i+1, x.Next() {
		if err := out[i].decode(st, x); err != nil {
			return nil, withinIndex(err, i)
		}
	}
	return out, nil
}

func (p *Property) decode(st *decoding, v jsontree.Value) error {
	var options jsontree.Value
	err := fields(st, v, func(dc *decoder, x jsontree.Value) {
		switch string(dc.key) {
		case "displayName":
			p.DisplayName = dc.str(x)
		case "name":
			p.Name = dc.str(x)
		case "type":
			p.Type = PropertyType(dc.str(x))
		case "default":
			p.Default = dc.value(x)
		case "required":
			p.Required = dc.boolean(x)
		case "description":
			p.Description = dc.str(x)
		case "hint":
			p.Hint = dc.str(x)
		case "placeholder":
			p.Placeholder = dc.str(x)
		case "noDataExpression":
			p.NoDataExpression = dc.boolean(x)
		case "isNodeSetting":
			p.IsNodeSetting = dc.boolean(x)
		case "displayOptions":
			p.DisplayOptions = dc.displayOptions(x)
		case "disabledOptions":
			p.DisabledOptions = dc.displayOptions(x)
		case "typeOptions":
			p.TypeOptions = dc.typeOptions(x)
		case "routing":
			p.Routing = dc.routing(x)
		case "validateType":
			p.ValidateType = dc.str(x)
		case "extractValue":
			p.ExtractValue = raw(x)
			if x.Type() == jsontree.TypeObject {
				p.Extract = &ExtractValue{}
				dc.nested(p.Extract.decode(st, x))
			}
		case "modes":
			p.Modes = raw(x)
			var err error
			p.LocatorModes, err = decodeLocatorModes(st, x)
			dc.nested(err)
		case "ignoreValidationDuringExecution":
			p.IgnoreValidationDuringExecution = dc.boolean(x)
		case "options":
			options = x
		}
	})
	if err != nil || !options.Exists() || options.Type() == jsontree.TypeNull {
		return err
	}
	return within(p.decodeOptions(st, options), "options")
}

// decodeOptions decodes a property's options by its type: child
// properties, groups or choices.
func (p *Property) decodeOptions(st *decoding, options jsontree.Value) error {
	if options.Type() != jsontree.TypeArray {
		return decodeError("must be an array, not " + typeName(options))
	}
	switch p.Type {
	case TypeCollection:
		var err error
		p.Children, err = decodeProperties(st, options)
		return err
	case TypeFixedCollection:
		p.Groups = make([]Group, options.Len())
		for i, x := 0, options.First(); x.Exists(); i, x = i+1, x.Next() {
			if err := p.Groups[i].decode(st, x); err != nil {
				return withinIndex(err, i)
			}
		}
		return nil
	}
	p.Choices = make([]Choice, options.Len())
	for i, x := 0, options.First(); x.Exists(); i, x = i+1, x.Next() {
		if err := p.Choices[i].decode(st, x); err != nil {
			return withinIndex(err, i)
		}
	}
	return nil
}

func (c *Choice) decode(st *decoding, v jsontree.Value) error {
	return fields(st, v, func(dc *decoder, x jsontree.Value) {
		switch string(dc.key) {
		case "name":
			c.Name = dc.str(x)
		case "value":
			c.Value = dc.value(x)
		case "action":
			c.Action = dc.str(x)
		case "description":
			c.Description = dc.str(x)
		case "routing":
			c.Routing = dc.routing(x)
		}
	})
}

func (g *Group) decode(st *decoding, v jsontree.Value) error {
	return fields(st, v, func(dc *decoder, x jsontree.Value) {
		switch string(dc.key) {
		case "displayName":
			g.DisplayName = dc.str(x)
		case "name":
			g.Name = dc.str(x)
		case "values":
			if dc.err == nil {
				var err error
				g.Values, err = decodeProperties(dc.st, x)
				dc.nested(err)
			}
		}
	})
}

// optional decodes a field holding an object into a new *T, or returns
// nil for null (or after an earlier error).
func optional[T any, P interface {
	*T
	decode(*decoding, jsontree.Value) error
}](dc *decoder, v jsontree.Value) P {
	if v.Type() == jsontree.TypeNull || dc.err != nil {
		return nil
	}
	p := P(new(T))
	if err := p.decode(dc.st, v); err != nil {
		dc.nested(err)
		return nil
	}
	return p
}

// displayOptions decodes a displayOptions object, or returns the one
// already decoded from an identical object: decoded descriptions share
// them (see DisplayOptions).
func (dc *decoder) displayOptions(v jsontree.Value) *DisplayOptions {
	st := dc.st
	if v.Type() != jsontree.TypeObject || dc.err != nil {
		return optional[DisplayOptions](dc, v)
	}
	st.key = displayKey(st.key[:0], v)
	if d, ok := st.displays[string(st.key)]; ok {
		return d
	}
	key := string(st.key)
	d := optional[DisplayOptions](dc, v)
	if d != nil {
		st.displays[key] = d
	}
	return d
}

// displayKey appends to dst an encoding of v that identifies it: values
// are tagged by type, strings and keys prefixed by their length, objects
// and lists by their count and numbers ended by ';', so two values with
// the same key are the same JSON value, written with the same number
// texts and key order, and decode alike. Strings are read unescaped, as
// the decoder reads them.
func displayKey(dst []byte, v jsontree.Value) []byte {
	switch t := v.Type(); t {
	case jsontree.TypeObject:
		dst = binary.AppendUvarint(append(dst, 'o'), uint64(v.Len()))
		for x := v.First(); x.Exists(); x = x.Next() {
			dst = appendSized(dst, x.Key())
			dst = displayKey(dst, x)
		}
	case jsontree.TypeArray:
		dst = binary.AppendUvarint(append(dst, 'a'), uint64(v.Len()))
		for x := v.First(); x.Exists(); x = x.Next() {
			dst = displayKey(dst, x)
		}
	case jsontree.TypeString:
		dst = appendSized(append(dst, 's'), v.StringBytes())
	case jsontree.TypeNumber:
		// The number's text, which has no ';' (digits, sign, point and
		// exponent): 1 and 1.0 get different keys, which only shares less.
		dst = append(v.AppendJSON(append(dst, 'n')), ';')
	default: // true, false, null
		dst = append(dst, byte('0'+t))
	}
	return dst
}

// appendSized appends b prefixed by its length.
func appendSized(dst, b []byte) []byte {
	return append(binary.AppendUvarint(dst, uint64(len(b))), b...)
}

func (d *DisplayOptions) decode(st *decoding, v jsontree.Value) error {
	return fields(st, v, func(dc *decoder, x jsontree.Value) {
		switch string(dc.key) {
		case "show":
			d.Show, d.showOrder = dc.conditions(x)
		case "hide":
			d.Hide, d.hideOrder = dc.conditions(x)
		case "hideOnCloud":
			d.HideOnCloud = dc.boolean(x)
		}
	})
}

// conditions decodes displayOptions.show or .hide: parameter names to
// lists of values, and the names in source order.
func (dc *decoder) conditions(x jsontree.Value) (map[string][]any, []string) {
	if x.Type() == jsontree.TypeNull {
		return nil, nil
	}
	if x.Type() != jsontree.TypeObject {
		dc.fail("must be an object of condition lists, not %s", typeName(x))
		return nil, nil
	}
	m := make(map[string][]any, x.Len())
	order := make([]string, 0, x.Len())
	var failed error
	for cond := x.First(); cond.Exists(); cond = cond.Next() {
		name := dc.st.str(cond.Key())
		if cond.Type() != jsontree.TypeArray {
			if failed == nil {
				failed = decodeError("must be an array of conditions, not "+typeName(cond), name)
			}
			continue
		}
		vals := dc.st.anySlice(cond.Len())
		for i, c := 0, cond.First(); c.Exists(); i, c = i+1, c.Next() {
			var err error
			if vals[i], err = anyValue(dc.st, c); err != nil && failed == nil {
				failed = within(withinIndex(err, i), name)
			}
		}
		if _, dup := m[name]; !dup {
			order = append(order, name)
		}
		m[name] = vals
	}
	dc.nested(failed)
	return m, order
}

func (dc *decoder) typeOptions(v jsontree.Value) *PropertyTypeOptions {
	return optional[PropertyTypeOptions](dc, v)
}

func (t *PropertyTypeOptions) decode(st *decoding, v jsontree.Value) error {
	return fields(st, v, func(dc *decoder, x jsontree.Value) {
		switch name := string(dc.key); name {
		case "multipleValues":
			t.MultipleValues = dc.boolean(x)
		case "minValue":
			if f, ok := dc.number(x); ok {
				t.MinValue = &f
			}
		case "maxValue":
			if f, ok := dc.number(x); ok {
				t.MaxValue = &f
			}
		case "numberPrecision":
			if f, ok := dc.number(x); ok {
				n := int(f)
				if float64(n) != f {
					dc.fail("must be a whole number")
				}
				t.NumberPrecision = &n
			}
		case "password":
			t.Password = dc.boolean(x)
		case "rows":
			if f, ok := dc.number(x); ok {
				t.Rows = int(f)
				if float64(t.Rows) != f {
					dc.fail("must be a whole number")
				}
			}
		case "theme":
			t.Theme = dc.str(x)
		default:
			if t.Extra == nil {
				t.Extra = map[string]json.RawMessage{}
			}
			t.Extra[name] = raw(x)
		}
	})
}

func (dc *decoder) routing(v jsontree.Value) *Routing {
	return optional[Routing](dc, v)
}

func (r *Routing) decode(st *decoding, v jsontree.Value) error {
	r.Missing = missingFunctions(v)
	return fields(st, v, func(dc *decoder, x jsontree.Value) {
		if dc.err != nil || x.Type() == jsontree.TypeNull {
			return
		}
		switch string(dc.key) {
		case "request":
			r.Request = &Request{}
			dc.nested(r.Request.decode(st, x))
		case "send":
			r.Send = &Send{}
			dc.nested(r.Send.decode(st, x))
		case "output":
			r.Output = &Output{}
			dc.nested(r.Output.decode(st, x))
		case "operations":
			r.Operations = &Operations{}
			dc.nested(r.Operations.decode(st, x))
		}
	})
}

func (r *Request) decode(st *decoding, v jsontree.Value) error {
	return fields(st, v, func(dc *decoder, x jsontree.Value) {
		switch string(dc.key) {
		case "baseURL":
			r.BaseURL = dc.str(x)
		case "url":
			r.URL = dc.str(x)
		case "method":
			r.Method = dc.str(x)
		case "headers":
			r.Headers = dc.anyMap(x)
		case "qs":
			r.Qs = dc.anyMap(x)
		case "body":
			r.Body = dc.value(x)
		case "json":
			if x.Type() != jsontree.TypeNull {
				b := dc.boolean(x)
				r.JSON = &b
			}
		case "encoding":
			r.Encoding = dc.str(x)
		case "arrayFormat":
			r.ArrayFormat = dc.str(x)
		case "skipSslCertificateValidation":
			r.SkipSSLCertificateValidation = dc.value(x)
		case "disableFollowRedirect":
			r.DisableFollowRedirect = dc.boolean(x)
		case "returnFullResponse":
			r.ReturnFullResponse = dc.boolean(x)
		case "ignoreHttpStatusErrors":
			if x.Type() != jsontree.TypeObject {
				r.IgnoreHTTPStatusErrors = dc.boolean(x)
				return
			}
			// n8n's {ignore, except: [status, ...]} form.
			dc.nested(fields(st, x, func(sub *decoder, ix jsontree.Value) {
				switch string(sub.key) {
				case "ignore":
					r.IgnoreHTTPStatusErrors = sub.boolean(ix)
				case "except":
					if ix.Type() != jsontree.TypeArray {
						sub.fail("must be a list of HTTP status codes, not %s", typeName(ix))
						return
					}
					for i, e := 0, ix.First(); e.Exists(); i, e = i+1, e.Next() {
						f, ok := sub.number(e)
						if !ok || f != float64(int(f)) {
							sub.nested(decodeError("must be an HTTP status code", strconv.Itoa(i)))
							return
						}
						r.IgnoreHTTPStatusErrorsExcept = append(r.IgnoreHTTPStatusErrorsExcept, int(f))
					}
				}
			}))
		case "timeout":
			r.Timeout = dc.value(x)
		case "auth":
			if x.Type() == jsontree.TypeNull {
				return
			}
			if x.Type() != jsontree.TypeObject {
				dc.fail("must be an object {username, password}, not %s", typeName(x))
				return
			}
			r.Auth = &BasicAuth{}
			dc.nested(fields(st, x, func(sub *decoder, ax jsontree.Value) {
				switch string(sub.key) {
				case "username":
					r.Auth.Username = sub.str(ax)
				case "password":
					r.Auth.Password = sub.str(ax)
				}
			}))
		}
	})
}

func (s *Send) decode(st *decoding, v jsontree.Value) error {
	return fields(st, v, func(dc *decoder, x jsontree.Value) {
		switch string(dc.key) {
		case "type":
			s.Type = dc.str(x)
		case "property":
			s.Property = dc.str(x)
		case "propertyInDotNotation":
			if x.Type() != jsontree.TypeNull {
				b := dc.boolean(x)
				s.PropertyInDotNotation = &b
			}
		case "value":
			s.Value = dc.value(x)
		case "paginate":
			s.Paginate = dc.value(x)
		case "preSend":
			s.PreSend = dc.hookNames(x)
		case "onlyIfSet":
			s.OnlyIfSet = dc.boolean(x)
		}
	})
}

func (out *Output) decode(st *decoding, v jsontree.Value) error {
	return fields(st, v, func(dc *decoder, x jsontree.Value) {
		switch string(dc.key) {
		case "maxResults":
			out.MaxResults = dc.value(x)
		case "postReceive":
			if x.Type() == jsontree.TypeNull {
				return
			}
			if x.Type() != jsontree.TypeArray {
				dc.fail("must be an array, not %s", typeName(x))
				return
			}
			out.PostReceive = make([]PostReceive, 0, x.Len())
			for i, a := 0, x.First(); a.Exists(); i, a = i+1, a.Next() {
				if a.Type() == jsontree.TypeNull {
					continue // a function the JSON lacks: Routing.Missing names it
				}
				var action PostReceive
				if dc.err == nil {
					dc.nested(withinIndex(action.decode(st, a), i))
				}
				out.PostReceive = append(out.PostReceive, action)
			}
		}
	})
}

// hookOrObject splits the two forms n8n allows where it holds code: a
// hook name (a string) or a declarative object.
func hookOrObject(v jsontree.Value, what string) (string, bool, error) {
	if v.Type() == jsontree.TypeString {
		return string(v.StringBytes()), false, nil
	}
	if v.Type() != jsontree.TypeObject {
		return "", false, decodeError("must be " + what + " or a hook name, not " + typeName(v))
	}
	return "", true, nil
}

func (a *PostReceive) decode(st *decoding, v jsontree.Value) error {
	hook, isObject, err := hookOrObject(v, "an action object")
	if !isObject {
		*a = PostReceive{Hook: hook}
		return err
	}
	return fields(st, v, func(dc *decoder, x jsontree.Value) {
		switch string(dc.key) {
		case "type":
			a.Type = dc.str(x)
		case "enabled":
			a.Enabled = dc.value(x)
		case "properties":
			a.Properties = dc.anyMap(x)
			a.propertyOrder = objectKeys(x)
		}
	})
}

func (ops *Operations) decode(st *decoding, v jsontree.Value) error {
	if err := object(v); err != nil {
		return err
	}
	// operations holds only pagination, and JSON.stringify drops a function
	// with its key: no pagination, or null, is the function n8n had.
	if x := v.Get("pagination"); !x.Exists() || x.Type() == jsontree.TypeNull {
		ops.MissingPagination = "pagination"
	}
	if x := v.Get("pagination"); x.Exists() && x.Type() != jsontree.TypeNull {
		ops.Pagination = &Pagination{}
		return within(ops.Pagination.decode(st, x), "pagination")
	}
	return nil
}

func (pg *Pagination) decode(st *decoding, v jsontree.Value) error {
	hook, isObject, err := hookOrObject(v, "a pagination object")
	if !isObject {
		*pg = Pagination{Hook: hook}
		return err
	}
	return fields(st, v, func(dc *decoder, x jsontree.Value) {
		switch string(dc.key) {
		case "type":
			pg.Type = dc.str(x)
		case "properties":
			pg.Properties = dc.anyMap(x)
		}
	})
}

func (c *CredentialType) decode(st *decoding, v jsontree.Value) error {
	return fields(st, v, func(dc *decoder, x jsontree.Value) {
		switch string(dc.key) {
		case "name":
			c.Name = dc.str(x)
		case "displayName":
			c.DisplayName = dc.str(x)
		case "documentationUrl":
			c.DocumentationURL = dc.str(x)
		case "extends":
			c.Extends = dc.strings(x)
		case "properties":
			if dc.err == nil {
				var err error
				c.Properties, err = decodeProperties(dc.st, x)
				dc.nested(err)
			}
		case "authenticate":
			c.AuthenticateMissing = x.Type() == jsontree.TypeNull || x.Type() == jsontree.TypeObject && x.Len() == 0
			if !c.AuthenticateMissing && dc.err == nil {
				c.Authenticate = &Authenticate{}
				dc.nested(c.Authenticate.decode(st, x))
			}
		case "test":
			if x.Type() != jsontree.TypeNull && dc.err == nil {
				c.Test = &CredentialTest{}
				dc.nested(c.Test.decode(st, x))
			}
		case "supportedNodes":
			c.SupportedNodes = dc.strings(x)
		case "iconUrl":
			c.IconURL = dc.str(x)
		}
	})
}

func (a *Authenticate) decode(st *decoding, v jsontree.Value) error {
	return fields(st, v, func(dc *decoder, x jsontree.Value) {
		switch string(dc.key) {
		case "type":
			a.Type = dc.str(x)
		case "properties":
			dc.nested(fields(st, x, func(sub *decoder, px jsontree.Value) {
				switch string(sub.key) {
				case "headers":
					a.Properties.Headers = sub.anyMap(px)
				case "qs":
					a.Properties.Qs = sub.anyMap(px)
				case "body":
					a.Properties.Body = sub.anyMap(px)
				case "auth":
					a.Properties.Auth = sub.anyMap(px)
				}
			}))
		}
	})
}

func (t *CredentialTest) decode(st *decoding, v jsontree.Value) error {
	return fields(st, v, func(dc *decoder, x jsontree.Value) {
		if dc.err != nil {
			return
		}
		switch string(dc.key) {
		case "request":
			dc.nested(t.Request.decode(st, x))
		case "rules":
			if x.Type() == jsontree.TypeNull {
				return
			}
			if x.Type() != jsontree.TypeArray {
				dc.fail("must be an array, not %s", typeName(x))
				return
			}
			t.Rules = make([]TestRule, x.Len())
			for i, r := 0, x.First(); r.Exists(); i, r = i+1, r.Next() {
				err := fields(st, r, func(sub *decoder, rx jsontree.Value) {
					switch string(sub.key) {
					case "type":
						t.Rules[i].Type = sub.str(rx)
					case "properties":
						t.Rules[i].Properties = sub.anyMap(rx)
					}
				})
				if err != nil {
					dc.nested(withinIndex(err, i))
					return
				}
			}
		}
	})
}

// ParseJSON decodes any JSON document into Go values as JavaScript's
// JSON.parse does (objects as map[string]any, numbers as float64). It is
// the decoder noderun uses for response bodies and items.
func ParseJSON(data []byte) (any, error) {
	p := getParser()
	defer parsers.Put(p)
	v, err := p.Parse(data)
	if err != nil {
		return nil, err
	}
	var bad []byte
	out := value(nil, v, &bad) // a response's strings are not worth sharing
	if bad != nil {
		return nil, decodeError("number " + string(bad) + " does not fit a 64-bit float")
	}
	return out, nil
}
