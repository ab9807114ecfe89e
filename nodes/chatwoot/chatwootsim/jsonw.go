package chatwootsim

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"
)

// kv is one key of an ordered JSON object.
type kv struct {
	k string
	v any
}

// obj is a JSON object whose keys are written in slice order, the way jbuilder writes a view.
type obj []kv

// MarshalJSON writes the keys in order; encoding/json escapes <, > and & like ActiveSupport does.
func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if err := encodeJSON(&b, o); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// encodeJSON writes v into b. Ordered objects, jsonb values and slices of them are written
// directly (encoding/json would re-scan every nested MarshalJSON result); everything else goes
// through encoding/json.
func encodeJSON(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case obj:
		b.WriteByte('{')
		for i, f := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, f.k)
			b.WriteByte(':')
			if err := encodeJSON(b, f.v); err != nil {
				return err
			}
		}
		b.WriteByte('}')
		return nil
	case []obj:
		if x == nil {
			b.WriteString("null")
			return nil
		}
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := encodeJSON(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	case jsonb:
		return encodeJSON(b, jsonbValue(map[string]any(x)))
	case string:
		writeJSONString(b, x)
		return nil
	case nil:
		b.WriteString("null")
		return nil
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
		return nil
	case int:
		b.WriteString(strconv.Itoa(x))
		return nil
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
		return nil
	}
	enc, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b.Write(enc)
	return nil
}

// get returns the value of key k, for tests and internal lookups.
func (o obj) get(k string) (any, bool) {
	for _, f := range o {
		if f.k == k {
			return f.v, true
		}
	}
	return nil, false
}

// jsonb is a JSON object stored in a PostgreSQL jsonb column. PostgreSQL normalises jsonb key order
// (shorter keys first, then bytewise), so that is the order Chatwoot emits; nil encodes as {}.
type jsonb map[string]any

// MarshalJSON writes keys in jsonb order, recursively.
func (j jsonb) MarshalJSON() ([]byte, error) {
	return json.Marshal(jsonbValue(map[string]any(j)))
}

func jsonbValue(v any) any {
	switch x := v.(type) {
	case jsonb:
		return jsonbValue(map[string]any(x))
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(a, b int) bool {
			if len(keys[a]) != len(keys[b]) {
				return len(keys[a]) < len(keys[b])
			}
			return keys[a] < keys[b]
		})
		out := make(obj, 0, len(keys))
		for _, k := range keys {
			out = append(out, kv{k, jsonbValue(x[k])})
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonbValue(e)
		}
		return out
	default:
		return v
	}
}

// cloneJSON deep-copies a decoded JSON value so stored state never aliases request data.
func cloneJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = cloneJSON(e)
		}
		return m
	case jsonb:
		return jsonb(cloneJSON(map[string]any(x)).(map[string]any))
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneJSON(e)
		}
		return out
	default:
		return v
	}
}

// toJSONB converts a decoded request object into a stored jsonb value (a copy).
func toJSONB(v any) jsonb {
	m, ok := v.(map[string]any)
	if !ok {
		return jsonb{}
	}
	return jsonb(cloneJSON(m).(map[string]any))
}

// mergeJSONB returns base with the keys of add merged over it (Ruby Hash#merge).
func mergeJSONB(base jsonb, add map[string]any) jsonb {
	out := jsonb{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range add {
		out[k] = cloneJSON(v)
	}
	return out
}

// deepMergeJSONB is ActiveSupport's Hash#deep_merge.
func deepMergeJSONB(base jsonb, add map[string]any) jsonb {
	out := jsonb(cloneJSON(map[string]any(base)).(map[string]any))
	for k, v := range add {
		if am, ok := v.(map[string]any); ok {
			if bm, ok := out[k].(map[string]any); ok {
				out[k] = map[string]any(deepMergeJSONB(jsonb(bm), am))
				continue
			}
		}
		out[k] = cloneJSON(v)
	}
	return out
}

// isoLayout is ActiveSupport's JSON time format: milliseconds and a Z suffix.
const isoLayout = "2006-01-02T15:04:05.000Z"

func iso(t time.Time) string { return t.UTC().Format(isoLayout) }

// isoPtr renders an optional time as an ISO string or null.
func isoPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return iso(*t)
}

// unixPtr renders an optional time as unix seconds; a missing time is 0 because nil.to_i is 0.
func unixPtr(t *time.Time) int64 {
	if t == nil {
		return 0
	}
	return t.Unix()
}

func timePtr(t time.Time) *time.Time { return &t }

// strPtr returns nil for nil and the string otherwise (jbuilder writes null for nil).
func strOrNil(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func intOrNil(i *int) any {
	if i == nil {
		return nil
	}
	return *i
}

func ptr[T any](v T) *T { return &v }

func itoa(i int) string { return strconv.Itoa(i) }

const hexDigits = "0123456789abcdef"

// writeJSONString writes s as a JSON string with encoding/json's escaping, HTML characters
// included (ActiveSupport escapes <, > and & the same way).
func writeJSONString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b.WriteString(s[start:i])
			switch c {
			case '"', '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			default:
				b.WriteString(`\u00`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(s[start:i])
			b.WriteString(`\ufffd`)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b.WriteString(s[start:i])
			b.WriteString(`\u202`)
			b.WriteByte(hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}
