package runtime

import (
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime/expr"
)

// object is a JSON object that keeps its keys in insertion order: n8n sends
// body keys and query parameters in the order the description's properties
// set them, and noderun does the same.
type object struct {
	fields []field
	// index maps each key to its position once the object has more than
	// indexAbove fields, so that building a request of many properties
	// (or sending an item of many keys) stays linear. It is written only
	// by Set and copyObject, never by Get: objects compiled once per run
	// are read by every item concurrently.
	index map[string]int
}

// indexAbove is the size beyond which an object keeps an index: below it
// a linear scan beats a map and costs no allocation, and nearly every
// request's headers, query and body are that small.
const indexAbove = 16

// field is one key and value of an object.
type field struct {
	key string
	val any
}

func newObject(capacity int) *object {
	return &object{fields: make([]field, 0, capacity)}
}

func (o *object) Len() int { return len(o.fields) }

// find returns the position of key k, or -1.
func (o *object) find(k string) int {
	if o.index != nil {
		if i, ok := o.index[k]; ok {
			return i
		}
		return -1
	}
	for i := range o.fields {
		if o.fields[i].key == k {
			return i
		}
	}
	return -1
}

// Get finds a key.
func (o *object) Get(k string) (any, bool) {
	if i := o.find(k); i >= 0 {
		return o.fields[i].val, true
	}
	return nil, false
}

func (o *object) Set(k string, v any) {
	if i := o.find(k); i >= 0 {
		o.fields[i].val = v
		return
	}
	o.fields = append(o.fields, field{k, v})
	switch {
	case o.index != nil:
		o.index[k] = len(o.fields) - 1
	case len(o.fields) > indexAbove:
		o.buildIndex()
	}
}

// buildIndex indexes the fields; keys are unique, as only Set adds them.
func (o *object) buildIndex() {
	o.index = make(map[string]int, 2*len(o.fields))
	for i := range o.fields {
		o.index[o.fields[i].key] = i
	}
}

// Map returns the object as a plain map (sharing values).
func (o *object) Map() map[string]any {
	m := make(map[string]any, len(o.fields))
	for _, f := range o.fields {
		m[f.key] = f.val
	}
	return m
}

// AppendJSON writes the keys in insertion order, leaving out undefined
// values as JSON.stringify does.
func (o *object) AppendJSON(dst []byte) ([]byte, error) {
	dst = append(dst, '{')
	first := true
	var err error
	for _, f := range o.fields {
		k, v := f.key, f.val
		if expr.IsUndefined(v) {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		if dst, err = node.AppendJSON(dst, k); err != nil {
			return nil, err
		}
		dst = append(dst, ':')
		if dst, err = node.AppendJSON(dst, v); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

// MarshalJSON implements json.Marshaler with AppendJSON.
func (o *object) MarshalJSON() ([]byte, error) { return o.AppendJSON(nil) }

// marshalValue encodes a resolved value as JSON.stringify would.
func marshalValue(v any) ([]byte, error) { return node.AppendJSON(nil, v) }

func isContainer(v any) bool {
	switch v.(type) {
	case map[string]any, []any, *object:
		return true
	}
	return false
}

// isPlainObject reports whether v is a JSON object value.
func isPlainObject(v any) bool {
	switch v.(type) {
	case map[string]any, *object:
		return true
	}
	return false
}

// merge deep-merges src into dst as lodash's merge does (R2): objects key
// by key, arrays element by element, undefined never overwrites a present
// value, anything else replaces. It never mutates its arguments: a value
// that must change is copied first, so values shared with items or with the
// description stay intact, and a value with nothing to merge into is
// shared, not copied.
func merge(dst, src any) any {
	switch s := src.(type) {
	case *object:
		out := copyObject(dst)
		for _, f := range s.fields {
			mergeKey(out, f.key, f.val)
		}
		return out
	case map[string]any:
		switch d := dst.(type) {
		case *object:
			out := copyObject(d)
			for _, k := range sortedKeys(s) {
				mergeKey(out, k, s[k])
			}
			return out
		case map[string]any:
			out := copyMap(d)
			for k, v := range s {
				prev, had := out[k]
				switch {
				case !had:
					out[k] = v
				case !expr.IsUndefined(v):
					out[k] = merge(prev, v)
				}
			}
			return out
		}
		return s
	case []any:
		d, ok := dst.([]any)
		if !ok {
			return s
		}
		out := make([]any, max(len(d), len(s)))
		copy(out, d)
		for i, x := range s {
			switch {
			case i >= len(d):
				out[i] = x
			case !expr.IsUndefined(x):
				out[i] = merge(d[i], x)
			}
		}
		return out
	}
	return src
}

// mergeKey merges v into o[k] in place; o must belong to the caller.
func mergeKey(o *object, k string, v any) {
	prev, had := o.Get(k)
	switch {
	case !had:
		o.Set(k, v)
	case !expr.IsUndefined(v):
		o.Set(k, merge(prev, v))
	}
}

// copyObject returns a fresh ordered copy of an object value, or an empty
// object when v is not one.
func copyObject(v any) *object {
	switch t := v.(type) {
	case *object:
		o := &object{fields: make([]field, len(t.fields), len(t.fields)+2)}
		copy(o.fields, t.fields)
		if len(o.fields) > indexAbove {
			o.buildIndex()
		}
		return o
	case map[string]any:
		o := newObject(len(t))
		for _, k := range sortedKeys(t) {
			o.Set(k, t[k])
		}
		return o
	}
	return newObject(4)
}

// sortedKeys lists a map's keys in order, for deterministic output.
func sortedKeys(m map[string]any) []string {
	keys := slices.AppendSeq(make([]string, 0, len(m)), maps.Keys(m))
	slices.Sort(keys)
	return keys
}

// setPath sets value at a lodash path inside o, creating objects and arrays
// on the way ("a.b" nests, "a[0].b" makes an array).
func setPath(o *object, path []string, value any) {
	if len(path) == 1 {
		o.Set(path[0], value)
		return
	}
	cur, _ := o.Get(path[0])
	o.Set(path[0], setIn(cur, path[1:], value))
}

func setIn(cur any, path []string, value any) any {
	if len(path) == 0 {
		return value
	}
	key := path[0]
	if idx, err := strconv.Atoi(key); err == nil && idx >= 0 && idx < 1<<20 {
		arr, ok := cur.([]any)
		if !ok {
			if m, isMap := cur.(map[string]any); isMap {
				out := copyMap(m)
				out[key] = setIn(out[key], path[1:], value)
				return out
			}
			arr = nil
		}
		out := make([]any, max(len(arr), idx+1))
		copy(out, arr)
		for i := len(arr); i < idx; i++ {
			out[i] = expr.Undefined
		}
		out[idx] = setIn(out[idx], path[1:], value)
		return out
	}
	var m map[string]any
	switch t := cur.(type) {
	case map[string]any:
		m = copyMap(t)
	case *object:
		m = t.Map()
	default:
		m = map[string]any{}
	}
	m[key] = setIn(m[key], path[1:], value)
	return m
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// jsString converts a value to text as JavaScript's String() does.
func jsString(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case string:
		return t
	case bool:
		if t {
			return "true"
		}
		return "false"
	case float64:
		return formatNumber(t)
	case int:
		return strconv.Itoa(t)
	case int64:
		return strconv.FormatInt(t, 10)
	case []any:
		parts := make([]string, len(t))
		for i, x := range t {
			if x == nil || expr.IsUndefined(x) {
				continue
			}
			parts[i] = jsString(x)
		}
		return strings.Join(parts, ",")
	case map[string]any, *object:
		return "[object Object]"
	case time.Time:
		return t.String()
	case interface{ String() string }:
		return t.String()
	}
	if expr.IsUndefined(v) {
		return "undefined"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// formatNumber writes a float64 as JavaScript's Number#toString does.
func formatNumber(f float64) string { return node.FormatNumber(f) }

// truthy is JavaScript truthiness, undefined included.
func truthy(v any) bool { return !expr.IsUndefined(v) && node.Truthy(v) }

// isEmptyBody is axios's removeEmptyBody test: {}, the empty string, [] and null.
func isEmptyBody(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return t == ""
	case *object:
		return t.Len() == 0
	case map[string]any:
		return len(t) == 0
	case []any:
		return len(t) == 0
	}
	return expr.IsUndefined(v)
}

// encodeQuery serialises a query object as the qs library does with
// arrayFormat "indices" (or the given format) and RFC 3986 encoding (R13).
func encodeQuery(q *object, arrayFormat string) string {
	var b strings.Builder
	for _, f := range q.fields {
		appendQuery(&b, f.key, f.val, arrayFormat)
	}
	return b.String()
}

func appendQuery(b *strings.Builder, key string, v any, format string) {
	switch t := v.(type) {
	case nil:
		writePair(b, key, "") // null becomes key= (R10)
	case *object:
		for _, f := range t.fields {
			appendQuery(b, key+"["+f.key+"]", f.val, format)
		}
	case map[string]any:
		for _, k := range sortedKeys(t) {
			appendQuery(b, key+"["+k+"]", t[k], format)
		}
	case []any:
		if format == "comma" {
			// qs joins with Array#join: null and undefined elements
			// become empty strings, so [1,null,"x"] is "1,,x".
			if len(t) == 0 {
				return
			}
			parts := make([]string, len(t))
			for i, x := range t {
				if x != nil && !expr.IsUndefined(x) {
					parts[i] = jsString(x)
				}
			}
			writePair(b, key, strings.Join(parts, ","))
			return
		}
		for i, x := range t {
			var k string
			switch format {
			case "brackets":
				k = key + "[]"
			case "repeat":
				k = key
			default:
				k = key + "[" + strconv.Itoa(i) + "]"
			}
			appendQuery(b, k, x, format)
		}
	default:
		if expr.IsUndefined(v) {
			return // qs skips undefined
		}
		writePair(b, key, jsString(v))
	}
}

func writePair(b *strings.Builder, k, v string) {
	if b.Len() > 0 {
		b.WriteByte('&')
	}
	b.WriteString(rfc3986(k))
	b.WriteByte('=')
	b.WriteString(rfc3986(v))
}

// rfc3986 percent-encodes everything but unreserved characters, as qs does.
func rfc3986(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
