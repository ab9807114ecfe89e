package contract

import (
	"path"
	"strconv"
	"strings"
)

// KnownSpecError is a documented way the real Chatwoot server (3.x, the spec's version) departs
// from its OpenAPI document. Each entry names the operation and the status, the field or the
// route concerned, and the section of shared/reference/chatwoot-api.md that establishes the
// real behaviour.
type KnownSpecError struct {
	ID        string // stable short name
	Side      string // "request", "response" or "request|response"
	Operation string // operationId ("a|b" for several), or "*" for every operation
	Status    string // response status ("200"), "*" for any, "" for requests
	Kind      string // route, status, content-type, schema, parameter, body, security ("" = any)
	Pointer   string // pattern of the JSON pointer, e.g. "/payload/*/inbox_id" ("**" = any segments, "a|b" = either, "/" = the root); "" = any
	Field     string // schema keyword or parameter name ("" = any)
	Method    string // for route entries: the request method(s), "PATCH|PUT"
	Route     string // for route entries: path.Match pattern of the request path
	Reason    string // what the real server does
	Ref       string // where the reference establishes it
}

func (k *KnownSpecError) matches(v Violation) bool {
	if !containsAlt(k.Side, v.Side) || k.Kind == "load" {
		return false
	}
	if k.Kind != "" && k.Kind != v.Kind {
		return false
	}
	if k.Kind == "route" {
		if k.Status != "" && k.Status != "*" && k.Status != strconv.Itoa(v.Status) {
			return false
		}
		return globMatch(k.Route, strings.TrimSuffix(v.Path, "/")) && (k.Method == "" || containsAlt(k.Method, v.Method))
	}
	if k.Operation != "*" && !containsAlt(k.Operation, v.Operation) {
		return false
	}
	if k.Side == "response" && k.Status != "*" && k.Status != strconv.Itoa(v.Status) {
		return false
	}
	if k.Field != "" && k.Field != v.Field {
		return false
	}
	return k.Pointer == "" || globMatch(k.Pointer, v.Pointer)
}

// globMatch matches a slash-separated path against a pattern: a segment is a path.Match pattern
// or several separated by "|"; "**" matches any number of segments.
func globMatch(pattern, p string) bool {
	split := func(s string) []string {
		s = strings.TrimPrefix(s, "/")
		if s == "" {
			return nil
		}
		return strings.Split(s, "/")
	}
	return segsMatch(split(pattern), split(p))
}

func segsMatch(ps, vs []string) bool {
	if len(ps) == 0 {
		return len(vs) == 0
	}
	if ps[0] == "**" {
		for i := 0; i <= len(vs); i++ {
			if segsMatch(ps[1:], vs[i:]) {
				return true
			}
		}
		return false
	}
	if len(vs) == 0 {
		return false
	}
	hit := false
	for _, alt := range strings.Split(ps[0], "|") {
		if ok, _ := path.Match(alt, vs[0]); ok {
			hit = true
			break
		}
	}
	return hit && segsMatch(ps[1:], vs[1:])
}

// containsAlt reports whether s is one of the "|"-separated alternatives.
func containsAlt(alts, s string) bool {
	for _, a := range strings.Split(alts, "|") {
		if a == s {
			return true
		}
	}
	return false
}
