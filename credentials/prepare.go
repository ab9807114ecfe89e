package credentials

import (
	"context"
	"fmt"
	"strings"

	"github.com/noderun/noderun/node"
)

// FieldError says which credential field could not be prepared.
type FieldError struct {
	Type  string
	Field string
	Err   error
}

// Error implements error.
func (e *FieldError) Error() string {
	return fmt.Sprintf("credential %s: field %q: %v", e.Type, e.Field, e.Err)
}

// Unwrap returns the cause.
func (e *FieldError) Unwrap() error { return e.Err }

// Prepare returns the credential data the node sees as $credentials (C1):
// the stored fields, each property's default where nothing is stored (and
// where the type pins an OAuth field as hidden), and every expression
// inside resolved. The stored map is not modified.
func Prepare(ctx context.Context, t *node.CredentialType, stored map[string]any, eval Evaluator) (map[string]any, error) {
	data := make(map[string]any, len(stored)+len(t.Properties))
	for k, v := range stored {
		data[k] = v
	}
	for i := range t.Properties {
		p := &t.Properties[i]
		if v, ok := data[p.Name]; !ok || v == nil || p.Type == node.TypeHidden && oauthPinned[p.Name] {
			data[p.Name] = p.Default
		}
	}
	for k, v := range data {
		if !hasExpression(v) {
			continue
		}
		r, err := eval(ctx, v, data)
		if err != nil {
			return nil, &FieldError{Type: t.Name, Field: k, Err: err}
		}
		data[k] = r
	}
	return data, nil
}

// hasExpression reports whether v holds a string starting with "=".
func hasExpression(v any) bool {
	switch t := v.(type) {
	case string:
		return strings.HasPrefix(t, "=")
	case map[string]any:
		for _, x := range t {
			if hasExpression(x) {
				return true
			}
		}
	case []any:
		for _, x := range t {
			if hasExpression(x) {
				return true
			}
		}
	}
	return false
}

// MissingRequired lists required credential fields that are empty.
func MissingRequired(t *node.CredentialType, data map[string]any) []string {
	var missing []string
	for i := range t.Properties {
		p := &t.Properties[i]
		if !p.Required {
			continue
		}
		if v, ok := data[p.Name]; !ok || v == nil || v == "" {
			missing = append(missing, p.Name)
		}
	}
	return missing
}
