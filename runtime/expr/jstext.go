package expr

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/noderun/noderun/node"
)

// errNotText means a value's String() needs JavaScript (an object).
var errNotText = errors.New("value needs JavaScript to become text")

// jsText is the mixed-text form of a Go value (E4): null, undefined, NaN
// and "" give ""; numbers use JavaScript's Number::toString; arrays join
// their members with ","; objects give "[object Object]".
func jsText(v any) (string, error) {
	switch t := v.(type) {
	case nil, undefinedValue:
		return "", nil
	case string:
		return t, nil
	case bool:
		return strconv.FormatBool(t), nil
	case float64:
		if math.IsNaN(t) {
			return "", nil
		}
		return jsNumber(t), nil
	case map[string]any:
		return "[object Object]", nil
	case []any:
		return jsJoin(t, 0)
	case DateTime:
		return t.String(), nil
	}
	return "", errNotText
}

// jsJoin is Array.prototype.join(",") of plain values.
func jsJoin(a []any, depth int) (string, error) {
	if depth > 100 {
		return "", errNotText
	}
	parts := make([]string, len(a))
	for i, v := range a {
		switch t := v.(type) {
		case nil, undefinedValue:
		case float64:
			parts[i] = jsNumber(t)
		case []any:
			s, err := jsJoin(t, depth+1)
			if err != nil {
				return "", err
			}
			parts[i] = s
		default:
			s, err := jsText(v)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
	}
	return strings.Join(parts, ","), nil
}

// jsNumber is JavaScript's Number::toString(10).
func jsNumber(f float64) string { return node.FormatNumber(f) }

// jsonStringify is JSON.stringify for the Go values an expression returns:
// undefined members are left out, no HTML escaping.
func jsonStringify(v any) string {
	b, err := jsonMarshal(dropUndefined(v))
	if err != nil {
		return ""
	}
	return string(b)
}

func dropUndefined(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			if !IsUndefined(x) {
				out[k] = dropUndefined(x)
			}
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			if IsUndefined(x) {
				out[i] = nil
			} else {
				out[i] = dropUndefined(x)
			}
		}
		return out
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return nil
		}
	}
	return v
}

func jsonMarshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// numberLocale is how a locale writes numbers.
type numberLocale struct{ group, decimal string }

var numberLocales = map[string]numberLocale{
	"en": {",", "."}, "de": {".", ","}, "es": {".", ","}, "it": {".", ","}, "nl": {".", ","},
	"pt": {".", ","}, "fr": {"\u202f", ","}, "ru": {"\u00a0", ","}, "pl": {"\u00a0", ","},
	"sv": {"\u00a0", ","}, "ja": {",", "."}, "zh": {",", "."}, "de-CH": {"’", "."},
}

// formatNumber is a reduced Number.prototype.toLocaleString: grouping,
// decimal separator, minimum/maximumFractionDigits (default 0..3), and the
// percent style. goja has no Intl, so other options are ignored.
func formatNumber(f float64, locale string, opts map[string]any) string {
	if math.IsNaN(f) {
		return "NaN"
	}
	if math.IsInf(f, 0) {
		if f < 0 {
			return "-∞"
		}
		return "∞"
	}
	loc, ok := numberLocales[locale]
	if !ok {
		base, _, _ := strings.Cut(locale, "-")
		if loc, ok = numberLocales[base]; !ok {
			loc = numberLocales["en"]
		}
	}
	minFrac, maxFrac := 0, 3
	if v, ok := opts["minimumFractionDigits"].(int64); ok {
		minFrac = int(v)
		maxFrac = max(maxFrac, minFrac)
	}
	if v, ok := opts["maximumFractionDigits"].(int64); ok {
		maxFrac = int(v)
		minFrac = min(minFrac, maxFrac)
	}
	suffix := ""
	if opts["style"] == "percent" {
		f *= 100
		suffix = "%"
		if _, ok := opts["maximumFractionDigits"]; !ok {
			maxFrac = max(minFrac, 0)
		}
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	// Round half away from zero at maxFrac digits, as Intl does.
	s := strconv.FormatFloat(roundHalfExpand(f, maxFrac), 'f', maxFrac, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	for len(frac) < minFrac {
		frac += "0"
	}
	if grouping, ok := opts["useGrouping"].(bool); !ok || grouping {
		var b strings.Builder
		for i, c := range intPart {
			if i > 0 && (len(intPart)-i)%3 == 0 {
				b.WriteString(loc.group)
			}
			b.WriteRune(c)
		}
		intPart = b.String()
	}
	out := sign + intPart
	if frac != "" {
		out += loc.decimal + frac
	}
	return out + suffix
}

func roundHalfExpand(f float64, digits int) float64 {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	if len(frac) <= digits {
		return f
	}
	keep := intPart + frac[:digits]
	n, err := strconv.ParseFloat(keep, 64)
	if err != nil {
		return f
	}
	if frac[digits] >= '5' {
		n++
	}
	return n / math.Pow(10, float64(digits))
}

// smallWords stay lower case in a title unless they start it.
var smallWords = wordSet(`a an and as at because but by en for if in neither nor of on only or over per so some that than
	the to up upon v versus via vs when with without yet`)

// titleCase upper-cases the first letter of each word and of each part of
// a hyphenated word; small words (after the first) and words with an inner
// dot (file names, domains) are kept; other letters are not touched.
func titleCase(s string) string {
	var b strings.Builder
	first := true
	for i := 0; i < len(s); {
		if s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && !(s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r') {
			j++
		}
		word := s[i:j]
		i = j
		isFirst := first
		first = false
		dot := strings.IndexByte(word, '.')
		if dot >= 0 && dot < len(word)-1 || !isFirst && smallWords[strings.ToLower(word)] || hasInnerUpper(word) {
			b.WriteString(word)
			continue
		}
		upNext := true
		for _, r := range word {
			if upNext && unicode.IsLower(r) {
				r = unicode.ToUpper(r)
			}
			upNext = strings.ContainsRune("-–—/([\"“", r)
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sentenceCase upper-cases the first letter of each sentence (after . ! ?)
// and lower-cases the rest.
func sentenceCase(s string) string {
	var b strings.Builder
	start := true
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) && start:
			b.WriteRune(unicode.ToUpper(r))
			start = false
		case unicode.IsLetter(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(r)
			if r == '.' || r == '!' || r == '?' {
				start = true
			}
		}
	}
	return b.String()
}

// hasInnerUpper reports a word cased on purpose (iPhone, wORLD): kept as is.
func hasInnerUpper(word string) bool {
	for i, r := range word {
		if i > 0 && unicode.IsUpper(r) {
			return true
		}
	}
	return false
}
