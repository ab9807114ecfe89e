package schema

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"github.com/noderun/noderun/node"
)

// keyCases finds object keys that differ from a key of node's model only in
// letter case, such as "Type" beside or instead of "type". JavaScript, and so
// n8n, treats them as unknown keys, but encoding/json matches struct fields
// case-insensitively, so noderun would read them as the real key: the same
// file would mean different things to n8n and to noderun.
//
// It walks the document along node's types, found by reflection so that new
// model fields are covered without change; free-form maps (defaults,
// headers, displayOptions conditions, ...) are data and are not checked.
type keyCases struct {
	structs map[reflect.Type]*structKeys
}

type structKeys struct {
	fields map[string]reflect.Type // JSON key -> field type
	folded map[string]string       // folded JSON key -> JSON key
}

func newKeyCases() *keyCases {
	k := &keyCases{structs: map[reflect.Type]*structKeys{}}
	k.add(reflect.TypeFor[node.Description]())
	k.add(reflect.TypeFor[node.CredentialType]())
	return k
}

func (k *keyCases) add(t reflect.Type) {
	t = deref(t)
	if t.Kind() == reflect.Slice && t != reflect.TypeFor[json.RawMessage]() {
		k.add(t.Elem())
		return
	}
	if t.Kind() != reflect.Struct || k.structs[t] != nil {
		return
	}
	sk := &structKeys{fields: map[string]reflect.Type{}, folded: map[string]string{}}
	k.structs[t] = sk
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" || name == "" {
			continue
		}
		sk.fields[name] = f.Type
		sk.folded[foldKey(name)] = name
		k.add(f.Type)
	}
	if t == reflect.TypeFor[node.Property]() {
		// Property routes "options" by its type (node.Property.UnmarshalJSON).
		sk.fields["options"] = nil
		sk.folded[foldKey("options")] = "options"
		k.add(reflect.TypeFor[node.Choice]())
		k.add(reflect.TypeFor[node.Group]())
	}
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// foldKey maps every rune to the smallest rune of its case-folding orbit,
// so keys that encoding/json's case-insensitive match equates fold alike.
func foldKey(s string) string {
	return strings.Map(func(r rune) rune {
		min := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < min {
				min = f
			}
		}
		return min
	}, s)
}

// check reports the case-variant keys of a document of type t.
func (k *keyCases) check(tree any, t reflect.Type) Diagnostics {
	w := caseWalk{keyCases: k}
	w.walk(tree, t)
	return w.diags
}

// caseWalk is one check's state. The current location is a stack of
// tokens rather than a chain of paths, so the recursion allocates nothing
// until it reports.
type caseWalk struct {
	*keyCases
	tokens []string
	diags  Diagnostics
}

func (w *caseWalk) walk(v any, t reflect.Type) {
	t = deref(t)
	switch t.Kind() {
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok || t == reflect.TypeFor[json.RawMessage]() {
			return
		}
		for i, e := range list {
			w.tokens = append(w.tokens, strconv.Itoa(i))
			w.walk(e, t.Elem())
			w.tokens = w.tokens[:len(w.tokens)-1]
		}
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		sk := w.structs[t]
		for key, e := range m {
			ft, known := sk.fields[key]
			real, variant := "", false
			if !known {
				real, variant = sk.folded[foldKey(key)]
				if !variant {
					continue
				}
			}
			w.tokens = append(w.tokens, key)
			switch {
			case variant:
				w.diags = append(w.diags, Diagnostic{
					Severity: SeverityError,
					Pointer:  tokensPointer(w.tokens),
					Message: fmt.Sprintf("key %q differs from %q only in letter case; n8n ignores it, but noderun's decoder (encoding/json) would read it as %q; rename or remove it",
						key, real, real),
				})
			case ft == nil:
				w.walk(e, optionsType(m["type"]))
			default:
				w.walk(e, ft)
			}
			w.tokens = w.tokens[:len(w.tokens)-1]
		}
	}
}

// optionsType is how node decodes a property's options, by its type: child
// properties, groups or choices.
func optionsType(propertyType any) reflect.Type {
	switch propertyType {
	case string(node.TypeCollection):
		return reflect.TypeFor[[]node.Property]()
	case string(node.TypeFixedCollection):
		return reflect.TypeFor[[]node.Group]()
	}
	return reflect.TypeFor[[]node.Choice]()
}
