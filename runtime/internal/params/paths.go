package params

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dlclark/regexp2/v2"
)

// GetPath reads a lodash-style path ("a.b", "a[0].b", "a.0") from a
// decoded JSON value, reporting whether the path exists.
func GetPath(root any, path string) (any, bool) {
	if path == "" {
		return root, root != nil
	}
	cur := root
	for _, seg := range SplitPath(path) {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[seg]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// SplitPath splits a lodash path into its keys: "a[0].b" gives a, 0, b;
// quoted keys ("a['x.y']") keep their dots.
func SplitPath(path string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for i := 0; i < len(path); i++ {
		switch ch := path[i]; ch {
		case '.':
			flush()
		case '[':
			flush()
			end := strings.IndexByte(path[i:], ']')
			if end < 0 {
				cur.WriteString(path[i:])
				i = len(path)
				continue
			}
			key := path[i+1 : i+end]
			if len(key) >= 2 && (key[0] == '"' || key[0] == '\'') && key[len(key)-1] == key[0] {
				key = key[1 : len(key)-1]
			}
			out = append(out, key)
			i += end
		default:
			cur.WriteByte(ch)
		}
	}
	flush()
	return out
}

// DeepCopy copies maps and slices of a decoded JSON value recursively.
func DeepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = DeepCopy(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = DeepCopy(x)
		}
		return out
	}
	return v
}

// sortedKeys lists a map's keys in order, for deterministic output.
func sortedKeys(m map[string]any) []string {
	keys := slices.AppendSeq(make([]string, 0, len(m)), maps.Keys(m))
	slices.Sort(keys)
	return keys
}

// regexMatch tests a JavaScript regular expression, as n8n's "regex"
// condition does; an invalid pattern matches nothing.
func regexMatch(pattern, s string) bool {
	re, err := regexp2.Compile(pattern, regexp2.ECMAScript)
	if err != nil {
		return false
	}
	re.MatchTimeout = 100 * time.Millisecond
	ok, err := re.MatchString(s)
	return err == nil && ok
}
