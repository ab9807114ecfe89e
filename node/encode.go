package node

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
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

// appendNumber writes a float64 as JSON.stringify does: NaN and
// Infinity become null.
func appendNumber(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return append(dst, "null"...)
	case f == math.Trunc(f) && math.Abs(f) < 1e18:
		return strconv.AppendInt(dst, int64(f), 10)
	}
	return append(dst, FormatNumber(f)...)
}

// Truthy is JavaScript's ToBoolean of a value as noderun holds JSON and
// expression results: nil, false, "", 0 and NaN are false; any other
// value, an object or array included, is true. A caller with its own
// undefined value tests for it first.
func Truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case float64:
		return x != 0 && !math.IsNaN(x)
	case int:
		return x != 0
	case int64:
		return x != 0
	}
	return true
}

// FormatNumber writes a number as JavaScript's Number::toString(10)
// does: the shortest digits that round-trip, in plain or exponent form
// by ECMAScript's rules (1e+21, 1e-7, 0.000001, NaN, Infinity).
func FormatNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0"
	case f == math.Trunc(f) && math.Abs(f) < 1e18:
		return strconv.FormatInt(int64(f), 10)
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	// Shortest round-trip digits and exponent: f = 0.d1d2...dk × 10^n.
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	x, _ := strconv.Atoi(exp)
	n := x + 1
	k := len(digits)
	switch {
	case k <= n && n <= 21:
		return sign + digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		return sign + digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		return sign + "0." + strings.Repeat("0", -n) + digits
	}
	es := "+"
	if n-1 < 0 {
		es = "-"
	}
	m := digits[:1]
	if k > 1 {
		m += "." + digits[1:]
	}
	return sign + m + "e" + es + strconv.Itoa(absInt(n-1))
}

func absInt(n int) int {
	if n < 0 {
		return -n
	}
	return n
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
