package schema

import (
	"encoding/json"
	"fmt"
	"math/bits"
	"strings"
	"unicode/utf8"

	"github.com/noderun/noderun/node/jsontree"
)

// quickShape is the embedded JSON Schema compiled to answer one question
// fast: does a parsed document certainly conform? gojsonschema needs a
// generic tree built first and takes longer to walk it than node takes to
// decode the whole description, so ValidateDescription asks quickShape
// first and gojsonschema only when the answer is not a certain yes, to find
// and word every violation. The answer is conservative: "no" may mean
// "not sure" (a repeated key, an integer written as 1.0), never the
// reverse; TestQuickShapeNeverAcceptsWhatGojsonschemaRejects and
// FuzzQuickShape hold it to that.
//
// It knows the keywords the embedded schemas use and refuses to compile
// any other, so that a schema change cannot silently outgrow it.
type quickShape struct {
	types      typeSet
	properties map[string]*quickShape
	// fields is properties as objectConforms looks them up, with the
	// required ones numbered; requiredOther is any required key that
	// properties does not list.
	fields        fieldTable
	requiredAll   uint64
	requiredOther []string
	// folded holds each property name as foldKey folds it: a key not in
	// properties that folds to one of them is a case variant.
	folded map[string]bool
	// additional is the schema of keys not in properties; nil allows any.
	additional *quickShape
	closed     bool // additionalProperties: false
	items      *quickShape
	required   []string
	allOf      []*quickShape
	minimum    *int64
	maximum    *int64
}

type typeSet uint8

const (
	typeObject typeSet = 1 << iota
	typeArray
	typeString
	typeNumber
	typeInteger
	typeBoolean
	typeNull
)

var typeNamesToSet = map[string]typeSet{
	"object": typeObject, "array": typeArray, "string": typeString,
	"number": typeNumber, "integer": typeInteger, "boolean": typeBoolean, "null": typeNull,
}

// annotations are keywords that do not constrain a value.
var annotations = map[string]bool{"$schema": true, "$id": true, "title": true, "description": true, "definitions": true}

// quickCompiler compiles schema documents whose $refs point into a set of
// named files' definitions; each definition is compiled once, so recursive
// definitions (property → optionEntry → property) share one node.
type quickCompiler struct {
	files map[string]map[string]any // file name -> parsed document
	defs  map[string]*quickShape    // "file#/definitions/name" -> node
}

func compileQuickShape(root string, files map[string][]byte) (*quickShape, error) {
	c := &quickCompiler{files: map[string]map[string]any{}, defs: map[string]*quickShape{}}
	for name, b := range files {
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("schema: quick shape: %s: %w", name, err)
		}
		c.files[name] = doc
	}
	doc, ok := c.files[root]
	if !ok {
		return nil, fmt.Errorf("schema: quick shape: no schema %s", root)
	}
	return c.compile(root, doc)
}

func (c *quickCompiler) compile(file string, s map[string]any) (*quickShape, error) {
	if ref, ok := s["$ref"].(string); ok {
		// Draft 7 ignores a $ref's sibling keywords.
		return c.ref(file, ref)
	}
	q := &quickShape{}
	return q, c.fill(q, file, s)
}

func (c *quickCompiler) ref(from, ref string) (*quickShape, error) {
	file, fragment, _ := strings.Cut(ref, "#")
	if file == "" {
		file = from
	}
	name, ok := strings.CutPrefix(fragment, "/definitions/")
	if !ok || strings.Contains(name, "/") {
		return nil, fmt.Errorf("schema: quick shape: $ref %q in %s: only #/definitions/<name> is supported", ref, from)
	}
	key := file + "#/definitions/" + name
	if q, ok := c.defs[key]; ok {
		return q, nil
	}
	defs, _ := c.files[file]["definitions"].(map[string]any)
	def, ok := defs[name].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("schema: quick shape: $ref %q in %s: no such definition", ref, from)
	}
	q := &quickShape{}
	c.defs[key] = q // before filling, for recursive definitions
	return q, c.fill(q, file, def)
}

func (c *quickCompiler) fill(q *quickShape, file string, s map[string]any) error {
	sub := func(keyword string, v any) (*quickShape, error) {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("schema: quick shape: %s in %s must be a schema object", keyword, file)
		}
		return c.compile(file, m)
	}
	for keyword, v := range s {
		var err error
		switch keyword {
		case "type":
			q.types, err = parseTypes(v)
		case "properties":
			props, _ := v.(map[string]any)
			q.properties = make(map[string]*quickShape, len(props))
			q.folded = make(map[string]bool, len(props))
			for name, ps := range props {
				if q.properties[name], err = sub("properties/"+name, ps); err != nil {
					return err
				}
				if q.folded[foldKey(name)] {
					return fmt.Errorf("schema: quick shape: properties in %s differ only in letter case at %q", file, name)
				}
				q.folded[foldKey(name)] = true
			}
		case "additionalProperties":
			if b, ok := v.(bool); ok {
				q.closed = !b
			} else {
				q.additional, err = sub(keyword, v)
			}
		case "items":
			q.items, err = sub(keyword, v)
		case "required":
			list, _ := v.([]any)
			for _, r := range list {
				name, _ := r.(string)
				q.required = append(q.required, name)
			}
		case "allOf":
			list, _ := v.([]any)
			for _, e := range list {
				var one *quickShape
				if one, err = sub(keyword, e); err != nil {
					return err
				}
				q.allOf = append(q.allOf, one)
			}
		case "minimum", "maximum":
			f, _ := v.(float64)
			n := int64(f)
			if float64(n) != f {
				return fmt.Errorf("schema: quick shape: %s %v in %s is not an integer", keyword, v, file)
			}
			if keyword == "minimum" {
				q.minimum = &n
			} else {
				q.maximum = &n
			}
		default:
			if !annotations[keyword] {
				return fmt.Errorf("schema: quick shape: keyword %q in %s is not supported; teach quickShape or drop it", keyword, file)
			}
		}
		if err != nil {
			return err
		}
	}
	q.fields, q.requiredAll, q.requiredOther = newFieldTable(q.properties, q.required)
	return nil
}

// fieldTable finds a schema's property by key faster than a map, which
// hashes every key: a slot picked from the key's length and three of its
// bytes, then the next ones, holds it or is empty. The table is at least
// four times the names, so most keys take one probe.
type fieldTable []shapeField

type shapeField struct {
	name  string
	shape *quickShape // nil: an empty slot
	bit   uint64      // the key's bit when required, else 0
}

func fieldSlot(k []byte) int {
	if len(k) == 0 {
		return 0
	}
	return len(k)*0x9E + int(k[0])*0x3B + int(k[len(k)-1])*0x11 + int(k[len(k)/2])*0x05
}

func newFieldTable(props map[string]*quickShape, required []string) (fieldTable, uint64, []string) {
	if len(props) == 0 {
		return nil, 0, required
	}
	size := 8
	for size < 4*len(props) {
		size *= 2
	}
	t := make(fieldTable, size)
	for name, shape := range props {
		i := fieldSlot([]byte(name)) & (size - 1)
		for t[i].shape != nil {
			i = (i + 1) & (size - 1)
		}
		t[i] = shapeField{name: name, shape: shape}
	}
	var all uint64
	var other []string
	for _, name := range required {
		f := t.find([]byte(name))
		if f == nil || f.bit != 0 || bits.OnesCount64(all) == 64 {
			other = append(other, name) // not listed, repeated, or past 64
			continue
		}
		f.bit = 1 << bits.OnesCount64(all)
		all |= f.bit
	}
	return t, all, other
}

func (t fieldTable) find(k []byte) *shapeField {
	if len(t) == 0 {
		return nil
	}
	mask := len(t) - 1
	for i := fieldSlot(k) & mask; t[i].shape != nil; i = (i + 1) & mask {
		if t[i].name == string(k) {
			return &t[i]
		}
	}
	return nil
}

func parseTypes(v any) (typeSet, error) {
	var names []any
	switch t := v.(type) {
	case string:
		names = []any{t}
	case []any:
		names = t
	}
	var set typeSet
	for _, n := range names {
		s, _ := n.(string)
		bit, ok := typeNamesToSet[s]
		if !ok {
			return 0, fmt.Errorf("schema: quick shape: unknown type %v", n)
		}
		set |= bit
	}
	return set, nil
}

// conforms reports whether v certainly satisfies q.
func (q *quickShape) conforms(v jsontree.Value) bool {
	t := v.Type()
	if q.types != 0 && !q.typeMatches(v, t) {
		return false
	}
	if (q.minimum != nil || q.maximum != nil) && t == jsontree.TypeNumber {
		n, ok := plainInteger(v)
		if !ok || (q.minimum != nil && n < *q.minimum) || (q.maximum != nil && n > *q.maximum) {
			return false
		}
	}
	for _, a := range q.allOf {
		if !a.conforms(v) {
			return false
		}
	}
	switch t {
	case jsontree.TypeObject:
		return q.objectConforms(v)
	case jsontree.TypeArray:
		if q.items == nil {
			break
		}
		for e := v.First(); e.Exists(); e = e.Next() {
			if !q.items.conforms(e) {
				return false
			}
		}
	}
	return true
}

func (q *quickShape) typeMatches(v jsontree.Value, t jsontree.Type) bool {
	switch t {
	case jsontree.TypeObject:
		return q.types&typeObject != 0
	case jsontree.TypeArray:
		return q.types&typeArray != 0
	case jsontree.TypeString:
		return q.types&typeString != 0
	case jsontree.TypeNumber:
		if q.types&typeNumber != 0 {
			return true
		}
		if q.types&typeInteger != 0 {
			_, ok := plainInteger(v)
			return ok
		}
		return false
	case jsontree.TypeTrue, jsontree.TypeFalse:
		return q.types&typeBoolean != 0
	}
	return q.types&typeNull != 0
}

// isCaseVariant reports whether key, not listed, folds to a listed key.
func (q *quickShape) isCaseVariant(key []byte) bool {
	// foldKey maps an ASCII letter to its upper case, the smaller rune of
	// its orbit; doing that in a buffer spares the allocation for the
	// keys of editor metadata met in every property.
	var buf [64]byte
	if len(key) > len(buf) {
		return q.folded[foldKey(string(key))]
	}
	for i, c := range key {
		switch {
		case c >= utf8.RuneSelf:
			return q.folded[foldKey(string(key))]
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		}
		buf[i] = c
	}
	return q.folded[string(buf[:len(key)])]
}

// plainInteger reads a number written as an integer without fraction or
// exponent; other spellings of integers are left to gojsonschema.
func plainInteger(v jsontree.Value) (int64, bool) {
	return v.Int64()
}

func (q *quickShape) objectConforms(v jsontree.Value) bool {
	if q.properties == nil && q.additional == nil && !q.closed && len(q.required) == 0 {
		return true
	}
	ok := true
	var seen uint64
	for x := v.First(); ok && x.Exists(); x = x.Next() {
		k := x.Key()
		// A repeated key is checked in every copy, which is stricter than
		// the schema check of the last copy.
		switch f := q.fields.find(k); {
		case f != nil:
			seen |= f.bit
			ok = f.shape.conforms(x)
		case q.closed, len(q.folded) > 0 && q.isCaseVariant(k):
			// A case variant of a listed key is what keyCases reports.
			ok = false
		case q.additional != nil:
			ok = q.additional.conforms(x)
		}
	}
	if !ok || seen != q.requiredAll {
		return false
	}
	for _, name := range q.requiredOther {
		if !v.Get(name).Exists() {
			return false
		}
	}
	return true
}

// descriptionConforms reports whether a parsed document is certainly a
// description of the schema's shape with no case-variant keys. The schema
// lists, at every object the model decodes, at least the model's keys
// (optionEntry lists those of properties, choices and groups together), so
// a key keyCases would report as a case variant of a model key is a case
// variant of a listed key here.
func (c *compiledSchemas) descriptionConforms(doc jsontree.Value) bool {
	return c.quickDescription.conforms(doc)
}
