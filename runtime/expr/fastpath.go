package expr

import (
	"context"
	"strings"

	"github.com/dop251/goja/ast"

	"github.com/noderun/noderun/node"
)

// fastFunc evaluates a common code shape in Go. ok is false when the data is
// not of the shape the fast path handles (a missing intermediate object, a
// string where a map was expected, an unusual JSON text ...): the caller
// then runs the JavaScript path, so both paths always agree.
type fastFunc func(ctx context.Context, s *Scope) (v any, ok bool, err error)

// objectPrototypeNames are inherited by every object: a lookup of one of
// them on a map that lacks it finds a function in JavaScript.
var objectPrototypeNames = wordSet(`toString toLocaleString valueOf hasOwnProperty isPrototypeOf
	propertyIsEnumerable __defineGetter__ __defineSetter__ __lookupGetter__ __lookupSetter__ __proto__ constructor`)

// fastPathFor recognises $value, JSON.parse($value), and property paths on
// $json, $parameter, $credentials, $responseItem and $parent with static keys.
func fastPathFor(e ast.Expression) fastFunc {
	if id, ok := e.(*ast.Identifier); ok && id.Name == "$value" {
		return fastValue
	}
	if call, ok := e.(*ast.CallExpression); ok && len(call.ArgumentList) == 1 {
		if d, ok := call.Callee.(*ast.DotExpression); ok && d.Identifier.Name == "parse" {
			if obj, ok := d.Left.(*ast.Identifier); ok && obj.Name == "JSON" {
				if arg, ok := call.ArgumentList[0].(*ast.Identifier); ok && arg.Name == "$value" {
					return fastParseValue
				}
			}
		}
	}
	base, path, ok := staticPath(e)
	if !ok || len(path) == 0 && base != "$json" {
		return nil
	}
	switch base {
	case "$json":
		return func(_ context.Context, s *Scope) (any, bool, error) {
			return walkMaps(s.JSON, path)
		}
	case "$credentials":
		// requestDefaults.baseURL is "={{$credentials.url}}" in most
		// declarative nodes: it is read for every item.
		return func(_ context.Context, s *Scope) (any, bool, error) {
			if s.Credentials == nil {
				return nil, false, nil
			}
			return walkMaps(s.Credentials, path)
		}
	case "$responseItem":
		return func(_ context.Context, s *Scope) (any, bool, error) {
			if !s.HasResponseItem {
				return nil, false, nil
			}
			return walkMaps(s.ResponseItem, path)
		}
	case "$parent":
		return func(_ context.Context, s *Scope) (any, bool, error) {
			if !s.HasParent {
				return nil, false, nil
			}
			return walkMaps(s.Parent, path)
		}
	case "$parameter":
		name, rest := path[0], path[1:]
		if objectPrototypeNames[name] {
			return nil
		}
		return func(ctx context.Context, s *Scope) (any, bool, error) {
			if s.Parameters == nil {
				return nil, false, nil
			}
			v, found, err := s.Parameters.Parameter(ctx, name)
			if err != nil {
				return nil, true, err
			}
			if !found {
				if len(rest) > 0 {
					return nil, false, nil
				}
				return Undefined, true, nil
			}
			return walkMaps(v, rest)
		}
	}
	return nil
}

// isValueOnly reports the shapes whose result is a pure function of $value.
func isValueOnly(e ast.Expression) bool {
	if id, ok := e.(*ast.Identifier); ok {
		return id.Name == "$value"
	}
	call, ok := e.(*ast.CallExpression)
	if !ok || len(call.ArgumentList) != 1 {
		return false
	}
	d, ok := call.Callee.(*ast.DotExpression)
	if !ok || d.Identifier.Name != "parse" {
		return false
	}
	obj, ok := d.Left.(*ast.Identifier)
	arg, ok2 := call.ArgumentList[0].(*ast.Identifier)
	return ok && ok2 && obj.Name == "JSON" && arg.Name == "$value"
}

// staticPath splits $x.a["b"].c into "$x" and [a b c].
func staticPath(e ast.Expression) (string, []string, bool) {
	var path []string
	for {
		switch t := e.(type) {
		case *ast.Identifier:
			for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
				path[i], path[j] = path[j], path[i]
			}
			return t.Name.String(), path, true
		case *ast.DotExpression:
			path = append(path, t.Identifier.Name.String())
			e = t.Left
		case *ast.BracketExpression:
			s, ok := t.Member.(*ast.StringLiteral)
			if !ok {
				return "", nil, false
			}
			path = append(path, s.Value.String())
			e = t.Left
		default:
			return "", nil, false
		}
	}
}

// walkMaps follows path through nested maps; anything else is left to
// JavaScript.
func walkMaps(v any, path []string) (any, bool, error) {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false, nil
		}
		v, ok = m[k]
		if !ok {
			if objectPrototypeNames[k] {
				return nil, false, nil
			}
			v = Undefined
		}
	}
	return v, true, nil
}

func fastValue(_ context.Context, s *Scope) (any, bool, error) {
	if !s.HasValue {
		return Undefined, true, nil
	}
	return s.Value, true, nil
}

// fastParseValue is JSON.parse($value) for a string holding plain JSON.
// Texts Go's decoder reads differently from JavaScript (escaped surrogates,
// numbers out of float64 range) and every error go to the JavaScript path.
func fastParseValue(_ context.Context, s *Scope) (any, bool, error) {
	str, ok := s.Value.(string)
	if !s.HasValue || !ok || strings.Contains(str, `\u`) && strings.ContainsAny(str, "dD") {
		return nil, false, nil
	}
	out, err := node.ParseJSON([]byte(str))
	if err != nil {
		return nil, false, nil
	}
	return out, true, nil
}
