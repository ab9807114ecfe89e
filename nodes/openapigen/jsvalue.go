package openapigen

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/noderun/noderun/node"
)

// The mapping works on the document as JavaScript sees it after JSON.parse,
// because @devlikeapro/n8n-openapi-node's output depends on JavaScript's
// object key order (paths, methods, schema properties, example objects).
// A value is nil (null), bool, float64, string, []any, *object or undefined.

// undefinedValue is JavaScript's undefined: what a missing key reads as, and
// what a schema without an example builds to. JSON.stringify drops it from
// objects and writes null for it in arrays.
type undefinedValue struct{}

var undefined = undefinedValue{}

// object is a JavaScript plain object: keys in V8's order (array-index keys
// ascending first, then the others in insertion order).
type object struct {
	keys []string
	vals map[string]any
}

func newObject() *object { return &object{vals: map[string]any{}} }

// get returns the value of an own key, or undefined.
func (o *object) get(k string) any {
	if o == nil {
		return undefined
	}
	v, ok := o.vals[k]
	if !ok {
		return undefined
	}
	return v
}

// has is JavaScript's `k in o` for an own key.
func (o *object) has(k string) bool {
	if o == nil {
		return false
	}
	_, ok := o.vals[k]
	return ok
}

// set assigns o[k] = v; a new key takes its place in V8's order, an
// existing key keeps its place.
func (o *object) set(k string, v any) {
	if _, ok := o.vals[k]; ok {
		o.vals[k] = v
		return
	}
	o.vals[k] = v
	idx, isIndex := arrayIndex(k)
	if !isIndex {
		o.keys = append(o.keys, k)
		return
	}
	pos := 0
	for pos < len(o.keys) {
		other, ok := arrayIndex(o.keys[pos])
		if !ok || other > idx {
			break
		}
		pos++
	}
	o.keys = slices.Insert(o.keys, pos, k)
}

// without returns a shallow copy of o without key k.
func (o *object) without(k string) *object {
	c := newObject()
	for _, key := range o.keys {
		if key != k {
			c.set(key, o.vals[key])
		}
	}
	return c
}

// arrayIndex reports whether k is a canonical array index (0 to 2^32-2),
// which V8 orders numerically before all other keys.
func arrayIndex(k string) (uint64, bool) {
	if k == "" || len(k) > 10 || (k[0] == '0' && len(k) > 1) {
		return 0, false
	}
	n, err := strconv.ParseUint(k, 10, 64)
	if err != nil || n >= math.MaxUint32 {
		return 0, false
	}
	return n, true
}

// assign is Object.assign(dst, src) for one source: own enumerable keys of
// objects, arrays and strings are copied; other values add nothing.
func assign(dst *object, src any) {
	switch s := src.(type) {
	case *object:
		for _, k := range s.keys {
			dst.set(k, s.vals[k])
		}
	case []any:
		for i, v := range s {
			dst.set(strconv.Itoa(i), v)
		}
	case string:
		for i, u := range utf16.Encode([]rune(s)) {
			dst.set(strconv.Itoa(i), string(utf16.Decode([]uint16{u})))
		}
	}
}

// decodeJS parses a JSON document into JavaScript values as JSON.parse does:
// numbers are float64, a repeated key keeps its first place and last value.
func decodeJS(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("unexpected data after the top-level value at offset %d", dec.InputOffset())
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := newObject()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				o.set(kt.(string), v)
			}
			_, err := dec.Token() // '}'
			return o, err
		case '[':
			arr := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			_, err := dec.Token() // ']'
			return arr, err
		}
		return nil, fmt.Errorf("unexpected %v at offset %d", t, dec.InputOffset())
	case json.Number:
		f, err := strconv.ParseFloat(t.String(), 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return nil, err
		}
		return f, nil
	default:
		return t, nil // string, bool or nil
	}
}

// truthy is JavaScript's ToBoolean.
func truthy(v any) bool {
	_, undefined := v.(undefinedValue)
	return !undefined && node.Truthy(v)
}

// numberString is JavaScript's Number.prototype.toString() for a float64.
func numberString(f float64) string { return node.FormatNumber(f) }

// stringify is JSON.stringify(v, null, 2). It reports false where
// JSON.stringify returns undefined (for undefined itself).
func stringify(v any) (string, bool) {
	if _, ok := v.(undefinedValue); ok {
		return "", false
	}
	var b strings.Builder
	writeJSON(&b, v, "")
	return b.String(), true
}

func writeJSON(b *strings.Builder, v any, indent string) {
	const step = "  "
	switch x := v.(type) {
	case nil, undefinedValue:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			b.WriteString("null")
		} else {
			b.WriteString(numberString(x))
		}
	case string:
		writeJSONString(b, x)
	case []any:
		if len(x) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[")
		for i, e := range x {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n" + indent + step)
			writeJSON(b, e, indent+step)
		}
		b.WriteString("\n" + indent + "]")
	case *object:
		n := 0
		for _, k := range x.keys {
			e := x.vals[k]
			if _, skip := e.(undefinedValue); skip {
				continue
			}
			if n == 0 {
				b.WriteString("{")
			} else {
				b.WriteString(",")
			}
			n++
			b.WriteString("\n" + indent + step)
			writeJSONString(b, k)
			b.WriteString(": ")
			writeJSON(b, e, indent+step)
		}
		if n == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("\n" + indent + "}")
	default:
		panic(fmt.Sprintf("openapigen: writeJSON: unexpected %T", v))
	}
}

// writeJSONString quotes s as JSON.stringify does: only '"', '\\' and
// control characters are escaped; lone surrogates cannot occur in Go strings.
func writeJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				fmt.Fprintf(b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}

// toPlain turns a JavaScript value into plain Go data for the description:
// objects become maps (encoding/json sorts their keys, which is fine for a
// description's values), undefined object values are dropped and undefined
// array elements become nil, as JSON.stringify does.
func toPlain(v any) any {
	switch x := v.(type) {
	case *object:
		m := make(map[string]any, len(x.keys))
		for _, k := range x.keys {
			if _, skip := x.vals[k].(undefinedValue); skip {
				continue
			}
			m[k] = toPlain(x.vals[k])
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = toPlain(e)
		}
		return out
	case undefinedValue:
		return nil
	}
	return v
}

// jsString is lodash's toString: null and undefined give "", numbers use
// JavaScript's formatting (keeping "-0"), arrays join their elements.
func jsString(v any) string {
	switch v.(type) {
	case nil, undefinedValue:
		return ""
	}
	return baseToString(v)
}

// baseToString is lodash's baseToString: String(v), except that -0 gives
// "-0" and array elements are converted the same way before joining.
func baseToString(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case undefinedValue:
		return "undefined"
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		if x == 0 && math.Signbit(x) {
			return "-0"
		}
		return numberString(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = baseToString(e)
		}
		return strings.Join(parts, ",")
	}
	return "[object Object]"
}

// typeName names a JavaScript value's kind for error messages.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case undefinedValue:
		return "missing"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	}
	return "an object"
}
