package expr

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Engine compiles and evaluates n8n expressions. It is safe for concurrent
// use; compiled expressions are cached by their text.
//
// NOTE: this is the bootstrap engine: static values and the fast-path shapes
// only. The JavaScript-backed engine replaces the internals, not the API.
type Engine struct {
	opts  Options
	cache sync.Map // string -> *Expression
}

// New returns an Engine with the given options.
func New(opts Options) *Engine { return &Engine{opts: opts} }

// Expression is one compiled parameter value. It is immutable and safe for
// concurrent use.
type Expression struct {
	text     string
	isExpr   bool
	static   any
	isStatic bool
	compErr  *Error
	eval     func(ctx context.Context, s *Scope) (any, error)
}

// Compile compiles a parameter string. A string that does not start with
// "=" is a literal. Compile never fails: a syntax error is kept and
// returned by every Eval, as n8n raises it per item; Err reports it early.
func (e *Engine) Compile(text string) *Expression {
	if x, ok := e.cache.Load(text); ok {
		return x.(*Expression)
	}
	x := e.compile(text)
	actual, _ := e.cache.LoadOrStore(text, x)
	return actual.(*Expression)
}

func (e *Engine) compile(text string) *Expression {
	if !strings.HasPrefix(text, "=") {
		return &Expression{text: text, static: text, isStatic: true}
	}
	x := &Expression{text: text, isExpr: true}
	body := text[1:]
	if !strings.Contains(body, "{{") {
		x.static, x.isStatic = body, true
		return x
	}
	trimmed := strings.TrimSpace(body)
	if strings.HasPrefix(body, "{{") && strings.HasSuffix(body, "}}") && strings.Count(body, "{{") == 1 {
		code := strings.TrimSpace(trimmed[2 : len(trimmed)-2])
		if f := fastPath(code); f != nil {
			x.eval = f
			return x
		}
	}
	x.compErr = &Error{Kind: KindSyntax, Message: "expression not supported by the bootstrap engine", Expression: text}
	return x
}

// Source returns the text the expression was compiled from.
func (x *Expression) Source() string { return x.text }

// IsExpression reports whether the text starts with "=".
func (x *Expression) IsExpression() bool { return x.isExpr }

// Static returns the value when the expression has no code segment.
func (x *Expression) Static() (any, bool) { return x.static, x.isStatic }

// Err returns the compile-time error, if any.
func (x *Expression) Err() error {
	if x.compErr == nil {
		return nil
	}
	return x.compErr
}

// Eval evaluates the expression for one item.
func (x *Expression) Eval(ctx context.Context, s *Scope) (any, error) {
	if x.isStatic {
		return x.static, nil
	}
	if x.compErr != nil {
		return nil, x.compErr
	}
	return x.eval(ctx, s)
}

// EvalObjectAsString evaluates in n8n's "object as string" mode (E7), used
// for send.property, paginate, maxResults and enabled.
func (x *Expression) EvalObjectAsString(ctx context.Context, s *Scope) (any, error) {
	v, err := x.Eval(ctx, s)
	if err != nil {
		return nil, err
	}
	switch v.(type) {
	case map[string]any, []any:
		b, _ := json.Marshal(v)
		return "[Object: " + string(b) + "]", nil
	}
	return v, nil
}

// Resolve resolves a parameter value for one item: a string starting with
// "=" is evaluated, maps and slices are resolved recursively into new
// values, anything else is returned as it is (E1).
func (e *Engine) Resolve(ctx context.Context, v any, s *Scope) (any, error) {
	switch t := v.(type) {
	case string:
		if !strings.HasPrefix(t, "=") {
			return t, nil
		}
		return e.Compile(t).Eval(ctx, s)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, child := range t {
			r, err := e.Resolve(ctx, child, s)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, child := range t {
			r, err := e.Resolve(ctx, child, s)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}

// fastPath returns a Go evaluator for the commonest code shapes, or nil.
func fastPath(code string) func(ctx context.Context, s *Scope) (any, error) {
	switch code {
	case "$value":
		return func(_ context.Context, s *Scope) (any, error) {
			if !s.HasValue {
				return Undefined, nil
			}
			return s.Value, nil
		}
	case "JSON.parse($value)":
		return func(_ context.Context, s *Scope) (any, error) {
			str, ok := s.Value.(string)
			if !ok {
				return nil, &Error{Kind: KindRuntime, Message: "JSON.parse: value is not a string"}
			}
			var out any
			if err := json.Unmarshal([]byte(str), &out); err != nil {
				return nil, &Error{Kind: KindRuntime, Message: "JSON.parse: " + err.Error(), Cause: err}
			}
			return out, nil
		}
	}
	if name, ok := parameterAccess(code); ok {
		return func(ctx context.Context, s *Scope) (any, error) {
			if s.Parameters == nil {
				return Undefined, nil
			}
			v, found, err := s.Parameters.Parameter(ctx, name)
			if err != nil {
				return nil, err
			}
			if !found {
				return Undefined, nil
			}
			return v, nil
		}
	}
	if path, ok := jsonPath(code); ok {
		return func(_ context.Context, s *Scope) (any, error) {
			v := s.JSON
			for _, k := range path {
				m, ok := v.(map[string]any)
				if !ok {
					return nil, &Error{Kind: KindRuntime, Message: fmt.Sprintf("Cannot read properties of undefined (reading '%s')", k)}
				}
				v, ok = m[k]
				if !ok {
					v = Undefined
				}
			}
			return v, nil
		}
	}
	return nil
}

func parameterAccess(code string) (string, bool) {
	for _, p := range []string{`$parameter["`, `$parameter['`} {
		if strings.HasPrefix(code, p) && strings.HasSuffix(code, code[len(p)-1:len(p)]+"]") {
			name := code[len(p) : len(code)-2]
			if !strings.ContainsAny(name, `"'\`) {
				return name, true
			}
		}
	}
	return "", false
}

func jsonPath(code string) ([]string, bool) {
	if !strings.HasPrefix(code, "$json") {
		return nil, false
	}
	rest := code[len("$json"):]
	var path []string
	for rest != "" {
		switch {
		case rest[0] == '.':
			i := 1
			for i < len(rest) && (rest[i] == '_' || rest[i] == '$' || rest[i] >= 'a' && rest[i] <= 'z' || rest[i] >= 'A' && rest[i] <= 'Z' || i > 1 && rest[i] >= '0' && rest[i] <= '9') {
				i++
			}
			if i == 1 {
				return nil, false
			}
			path = append(path, rest[1:i])
			rest = rest[i:]
		case rest[0] == '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, false
			}
			key, err := strconv.Unquote(strings.ReplaceAll(rest[1:end], "'", `"`))
			if err != nil {
				return nil, false
			}
			path = append(path, key)
			rest = rest[end+1:]
		default:
			return nil, false
		}
	}
	return path, true
}
