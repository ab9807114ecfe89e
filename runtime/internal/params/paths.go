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
	if m, ok := root.(map[string]any); ok && strings.IndexByte(path, '.') < 0 && strings.IndexByte(path, '[') < 0 {
		v, found := m[path] // the common case, a top-level name
		return v, found
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
// quoted keys ("a['x.y']") keep their dots. The keys are substrings of
// path: splitting allocates only the slice.
func SplitPath(path string) []string {
	var out []string
	start := 0 // of the key being read
	for i := 0; i < len(path); i++ {
		switch path[i] {
		case '.':
			if i > start {
				out = append(out, path[start:i])
			}
			start = i + 1
		case '[':
			if i > start {
				out = append(out, path[start:i])
			}
			end := strings.IndexByte(path[i:], ']')
			if end < 0 {
				return append(out, path[i:])
			}
			key := path[i+1 : i+end]
			if len(key) >= 2 && (key[0] == '"' || key[0] == '\'') && key[len(key)-1] == key[0] {
				key = key[1 : len(key)-1]
			}
			out = append(out, key)
			i += end
			start = i + 1
		}
	}
	if start < len(path) {
		out = append(out, path[start:])
	}
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
