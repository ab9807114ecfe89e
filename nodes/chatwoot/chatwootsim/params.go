package chatwootsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// bodyKind says how the request body was encoded; it matters for parameter wrapping.
type bodyKind int

const (
	bodyNone bodyKind = iota
	bodyJSON
	bodyForm
	bodyMultipart
)

// upload is a file part of a multipart body.
type upload struct {
	Filename    string
	ContentType string
	Size        int
}

// maxBody bounds what the simulator reads from one request.
const maxBody = 32 << 20

// errBadBody is a body Rails' parameter parser rejects (ActionDispatch::Http::Parameters::ParseError).
var errBadBody = errors.New("malformed request body")

// parseRequest returns the Rails params hash (query, then body, then path params) and the body
// parameters on their own.
func parseRequest(r *http.Request, path map[string]string) (all, body map[string]any, kind bodyKind, err error) {
	all = map[string]any{}
	for _, pair := range splitQuery(r.URL.RawQuery) {
		railsSet(all, pair[0], pair[1])
	}
	body = map[string]any{}
	if r.Body != nil {
		mt, mparams, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		switch {
		case mt == "application/json" || strings.HasSuffix(mt, "+json"):
			raw, rerr := io.ReadAll(io.LimitReader(r.Body, maxBody))
			if rerr != nil {
				return nil, nil, bodyNone, errBadBody
			}
			if len(bytes.TrimSpace(raw)) > 0 {
				kind = bodyJSON
				dec := json.NewDecoder(bytes.NewReader(raw))
				dec.UseNumber()
				var v any
				if derr := dec.Decode(&v); derr != nil {
					return nil, nil, bodyNone, errBadBody
				}
				if m, isMap := v.(map[string]any); isMap {
					body = m
				} else {
					body = map[string]any{"_json": v}
				}
			}
		case mt == "application/x-www-form-urlencoded":
			raw, rerr := io.ReadAll(io.LimitReader(r.Body, maxBody))
			if rerr != nil {
				return nil, nil, bodyNone, errBadBody
			}
			if len(raw) > 0 {
				kind = bodyForm
				for _, pair := range splitQuery(string(raw)) {
					railsSet(body, pair[0], pair[1])
				}
			}
		case mt == "multipart/form-data" && mparams["boundary"] != "":
			if perr := r.ParseMultipartForm(maxBody); perr != nil {
				return nil, nil, bodyNone, errBadBody
			}
			kind = bodyMultipart
			for k, vs := range r.MultipartForm.Value {
				for _, v := range vs {
					railsSet(body, k, v)
				}
			}
			for k, fs := range r.MultipartForm.File {
				for _, f := range fs {
					railsSet(body, k, &upload{Filename: f.Filename, ContentType: f.Header.Get("Content-Type"), Size: int(f.Size)})
				}
			}
		}
	}
	for k, v := range body {
		all[k] = v
	}
	for k, v := range path {
		all[k] = v
	}
	return all, body, kind, nil
}

// splitQuery splits a query string into decoded pairs, keeping order and duplicates.
func splitQuery(raw string) [][2]string {
	var out [][2]string
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		dk, err := url.QueryUnescape(k)
		if err != nil {
			dk = k
		}
		dv, err := url.QueryUnescape(v)
		if err != nil {
			dv = v
		}
		out = append(out, [2]string{dk, dv})
	}
	return out
}

// railsSet stores a value under a Rack-style nested key such as a[b][], like Rack's query parser.
func railsSet(m map[string]any, key string, val any) {
	name, rest, _ := strings.Cut(key, "[")
	if name == "" {
		return
	}
	var parts []string
	if rest != "" {
		for _, p := range strings.Split("["+rest, "[") {
			if p == "" {
				continue
			}
			parts = append(parts, strings.TrimSuffix(p, "]"))
		}
	}
	setPath(m, name, parts, val)
}

func setPath(m map[string]any, name string, parts []string, val any) {
	if len(parts) == 0 {
		m[name] = val
		return
	}
	if parts[0] == "" { // array
		arr, _ := m[name].([]any)
		if len(parts) == 1 {
			m[name] = append(arr, val)
			return
		}
		// a[][k]=v: start a new hash when the last one already has k.
		var last map[string]any
		if len(arr) > 0 {
			last, _ = arr[len(arr)-1].(map[string]any)
		}
		if last == nil || last[parts[1]] != nil {
			last = map[string]any{}
			arr = append(arr, last)
		}
		setPath(last, parts[1], parts[2:], val)
		m[name] = arr
		return
	}
	sub, ok := m[name].(map[string]any)
	if !ok {
		sub = map[string]any{}
		m[name] = sub
	}
	setPath(sub, parts[0], parts[1:], val)
}

// --- typed access to decoded parameter values (Rails casting rules) ---

// asString converts a scalar parameter to the string Rails would see.
func asString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case int:
		return strconv.Itoa(x), true
	}
	return "", false
}

// rubyToI is String#to_i: the leading integer, 0 when there is none.
func rubyToI(s string) int {
	s = strings.TrimSpace(s)
	end := 0
	if end < len(s) && (s[end] == '-' || s[end] == '+') {
		end++
	}
	start := end
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if end == start {
		return 0
	}
	n, err := strconv.Atoi(s[:end])
	if err != nil {
		return 0
	}
	return n
}

// asInt casts like ActiveModel::Type::Integer: numbers truncate, strings use to_i, blank is nil.
func asInt(v any) (int, bool) {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return int(i), true
		}
		f, err := x.Float64()
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return 0, false
		}
		return int(f), true
	case string:
		if strings.TrimSpace(x) == "" {
			return 0, false
		}
		return rubyToI(x), true
	case float64:
		return int(x), true
	case int:
		return x, true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// asBool casts like ActiveModel::Type::Boolean: "", nil -> nil; false-ish strings -> false.
func asBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case nil:
		return false, false
	case string:
		if x == "" {
			return false, false
		}
		switch strings.ToLower(x) {
		case "0", "f", "false", "off":
			return false, true
		}
		return true, true
	case json.Number:
		return x.String() != "0", true
	}
	return true, true
}

// blank is Ruby's blank?: nil, false, empty or whitespace strings, empty collections.
func blank(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case string:
		return strings.TrimSpace(x) == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// asMap returns an object parameter.
func asMap(v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	return m, ok
}

// asIntList reads an array of ids (JSON numbers or strings).
func asIntList(v any) ([]int, bool) {
	arr, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]int, 0, len(arr))
	for _, e := range arr {
		i, ok := asInt(e)
		if !ok {
			continue
		}
		out = append(out, i)
	}
	return out, true
}

// asStringList reads an array of strings; a scalar becomes a one-element list.
func asStringList(v any) []string {
	switch x := v.(type) {
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := asString(e); ok {
				out = append(out, s)
			}
		}
		return out
	case nil:
		return nil
	default:
		if s, ok := asString(x); ok {
			return []string{s}
		}
	}
	return nil
}
