package credentials

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/noderun/noderun/node"
)

// Pair is one name and string value, kept in a list to preserve order.
type Pair struct {
	Name  string
	Value string
}

// Auth is what a generic authenticate block adds to every request (C2).
// Its values are secrets: never log an Auth.
type Auth struct {
	Headers []Pair
	Query   []Pair
	Body    []Pair
	Basic   *node.BasicAuth
}

// IsZero reports whether the Auth adds nothing.
func (a Auth) IsZero() bool {
	return len(a.Headers) == 0 && len(a.Query) == 0 && len(a.Body) == 0 && a.Basic == nil
}

// Authenticate resolves a generic authenticate block against the
// credential data: keys and values may be expressions over $credentials,
// values become strings, and falsy results become "" (C2).
func Authenticate(ctx context.Context, a *node.Authenticate, data map[string]any, eval Evaluator) (Auth, error) {
	var out Auth
	if a == nil {
		return out, nil
	}
	if a.Type != "" && a.Type != "generic" {
		return out, fmt.Errorf("authenticate type %q is not supported: only \"generic\" is", a.Type)
	}
	var err error
	if out.Headers, err = resolvePairs(ctx, "headers", a.Properties.Headers, data, eval); err != nil {
		return out, err
	}
	if out.Query, err = resolvePairs(ctx, "qs", a.Properties.Qs, data, eval); err != nil {
		return out, err
	}
	if out.Body, err = resolvePairs(ctx, "body", a.Properties.Body, data, eval); err != nil {
		return out, err
	}
	if a.Properties.Auth != nil {
		pairs, err := resolvePairs(ctx, "auth", a.Properties.Auth, data, eval)
		if err != nil {
			return out, err
		}
		basic := &node.BasicAuth{}
		for _, p := range pairs {
			switch p.Name {
			case "username":
				basic.Username = p.Value
			case "password":
				basic.Password = p.Value
			}
		}
		out.Basic = basic
	}
	return out, nil
}

func resolvePairs(ctx context.Context, group string, m map[string]any, data map[string]any, eval Evaluator) ([]Pair, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([]Pair, 0, len(keys))
	for _, k := range keys {
		name, err := eval(ctx, k, data)
		if err != nil {
			return nil, fmt.Errorf("authenticate %s key %q: %w", group, k, err)
		}
		value, err := eval(ctx, m[k], data)
		if err != nil {
			return nil, fmt.Errorf("authenticate %s %q: %w", group, k, err)
		}
		pairs = append(pairs, Pair{Name: Stringify(name), Value: Stringify(value)})
	}
	return pairs, nil
}

// Stringify converts a resolved value as n8n's authenticate does: falsy
// values become "", everything else its JavaScript string form.
func Stringify(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case bool:
		if t {
			return "true"
		}
		return ""
	case float64:
		if t == 0 {
			return ""
		}
		return strconv.FormatFloat(t, 'f', -1, 64)
	case int:
		if t == 0 {
			return ""
		}
		return strconv.Itoa(t)
	case fmt.Stringer:
		return t.String()
	}
	return fmt.Sprint(v)
}
