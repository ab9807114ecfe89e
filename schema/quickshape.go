package schema

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/valyala/fastjson"
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
func (q *quickShape) conforms(v *fastjson.Value) bool {
	t := v.Type()
	if q.types != 0 && !q.typeMatches(v, t) {
		return false
	}
	if (q.minimum != nil || q.maximum != nil) && t == fastjson.TypeNumber {
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
	case fastjson.TypeObject:
		return q.objectConforms(v)
	case fastjson.TypeArray:
		if q.items != nil {
			arr, _ := v.Array()
			return allInChunks(len(arr), func(lo, hi int) bool {
				for _, e := range arr[lo:hi] {
					if !q.items.conforms(e) {
						return false
					}
				}
				return true
			})
		}
	}
	return true
}

func (q *quickShape) typeMatches(v *fastjson.Value, t fastjson.Type) bool {
	switch t {
	case fastjson.TypeObject:
		return q.types&typeObject != 0
	case fastjson.TypeArray:
		return q.types&typeArray != 0
	case fastjson.TypeString:
		return q.types&typeString != 0
	case fastjson.TypeNumber:
		if q.types&typeNumber != 0 {
			return true
		}
		if q.types&typeInteger != 0 {
			_, ok := plainInteger(v)
			return ok
		}
		return false
	case fastjson.TypeTrue, fastjson.TypeFalse:
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
func plainInteger(v *fastjson.Value) (int64, bool) {
	n, err := v.Int64()
	return n, err == nil
}

func (q *quickShape) objectConforms(v *fastjson.Value) bool {
	if q.properties == nil && q.additional == nil && !q.closed && len(q.required) == 0 {
		return true
	}
	o, _ := v.Object()
	ok := true
	o.Visit(func(k []byte, x *fastjson.Value) {
		if !ok {
			return
		}
		// A repeated key is checked in every copy, which is stricter than
		// the schema check of the last copy.
		switch p, known := q.properties[string(k)]; {
		case known:
			ok = p.conforms(x)
		case q.closed, len(q.folded) > 0 && q.isCaseVariant(k):
			// A case variant of a listed key is what keyCases reports.
			ok = false
		case q.additional != nil:
			ok = q.additional.conforms(x)
		}
	})
	for _, name := range q.required {
		if !ok {
			break
		}
		ok = o.Get(name) != nil
	}
	return ok
}

// descriptionConforms reports whether a parsed document is certainly a
// description of the schema's shape with no case-variant keys. The schema
// lists, at every object the model decodes, at least the model's keys
// (optionEntry lists those of properties, choices and groups together), so
// a key keyCases would report as a case variant of a model key is a case
// variant of a listed key here.
func (c *compiledSchemas) descriptionConforms(doc *fastjson.Value) bool {
	return c.quickDescription.conforms(doc)
}
