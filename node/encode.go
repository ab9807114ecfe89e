package node

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"unicode/utf8"
)

// JSONMarshaler is a value that encodes itself in insertion order; the
// runtime's ordered objects implement it.
type JSONMarshaler interface {
	AppendJSON(dst []byte) ([]byte, error)
}

// Undefineder is implemented by JavaScript's undefined as the expression
// engine represents it: JSON.stringify leaves it out of objects and writes
// null in arrays.
type Undefineder interface {
	IsUndefined() bool
}

func isUndefined(v any) bool {
	u, ok := v.(Undefineder)
	return ok && u.IsUndefined()
}

// AppendJSON appends v encoded as JSON.stringify would encode it: no HTML
// escaping, JavaScript's number formatting, NaN and Infinity as null,
// undefined left out of objects, maps with sorted keys (as encoding/json).
// Values of other types are encoded with encoding/json.
func AppendJSON(dst []byte, v any) ([]byte, error) {
	switch t := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case bool:
		if t {
			return append(dst, "true"...), nil
		}
		return append(dst, "false"...), nil
	case string:
		return appendString(dst, t), nil
	case float64:
		return appendNumber(dst, t), nil
	case int:
		return strconv.AppendInt(dst, int64(t), 10), nil
	case int64:
		return strconv.AppendInt(dst, t, 10), nil
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k, x := range t {
			if !isUndefined(x) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		dst = append(dst, '{')
		var err error
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, k)
			dst = append(dst, ':')
			if dst, err = AppendJSON(dst, t[k]); err != nil {
				return nil, err
			}
		}
		return append(dst, '}'), nil
	case []any:
		dst = append(dst, '[')
		var err error
		for i, x := range t {
			if i > 0 {
				dst = append(dst, ',')
			}
			if isUndefined(x) {
				dst = append(dst, "null"...)
				continue
			}
			if dst, err = AppendJSON(dst, x); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	case JSONMarshaler:
		return t.AppendJSON(dst)
	}
	if isUndefined(v) {
		return append(dst, "null"...), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(dst, b...), nil
}

// appendNumber writes a float64 as JSON.stringify does.
func appendNumber(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return append(dst, "null"...)
	case f == 0:
		return append(dst, '0')
	case f == math.Trunc(f) && math.Abs(f) < 1e21:
		return strconv.AppendFloat(dst, f, 'f', -1, 64)
	}
	abs := math.Abs(f)
	if abs >= 1e21 || abs < 1e-6 {
		start := len(dst)
		dst = strconv.AppendFloat(dst, f, 'e', -1, 64)
		// JavaScript writes 1e+21 and 1e-7: no leading zero in the exponent.
		for i := start; i < len(dst)-2; i++ {
			if dst[i] == 'e' && dst[i+2] == '0' {
				copy(dst[i+2:], dst[i+3:])
				dst = dst[:len(dst)-1]
				break
			}
		}
		return dst
	}
	return strconv.AppendFloat(dst, f, 'f', -1, 64)
}

const hexDigits = "0123456789abcdef"

// appendString writes a JSON string as JSON.stringify does; invalid UTF-8
// becomes U+FFFD, as encoding/json writes it.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\ufffd"...)
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
