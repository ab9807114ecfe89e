package openapigen

import (
	"fmt"
	"strconv"
	"strings"
)

// resolver follows $ref, oneOf, anyOf and allOf the way n8n-openapi-node's
// RefResolver does. It resolves lazily, only what an operation reaches, so
// a document whose unused components hold broken references still maps, as
// it does in n8n.
type resolver struct {
	doc *object
}

// refKey is one entry of the reference list resolveRef returns. allOf
// members that are not references contribute an undefined entry, and
// SchemaExample counts undefined as a visited reference like any other.
type refKey struct {
	ref       string
	undefined bool
}

// resolve returns the schema (or parameter, or request body) that v stands for.
func (r *resolver) resolve(v any) (any, error) {
	s, _, _, err := r.resolveRef(v)
	return s, err
}

// resolveRef mirrors RefResolver.resolveRef. It returns the resolved value,
// the references followed, and whether that list is defined at all.
func (r *resolver) resolveRef(v any) (any, []refKey, bool, error) {
	schema, ok := v.(*object)
	if !ok {
		return nil, nil, false, fmt.Errorf("schema is %s, not an object", typeName(v))
	}
	// An object with properties is taken as it is, even beside $ref or allOf.
	if schema.has("properties") {
		return schema, nil, false, nil
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		if !schema.has(key) {
			continue
		}
		first := firstElement(schema.get(key))
		next, ok := first.(*object)
		if !ok {
			return nil, nil, false, fmt.Errorf("%s[0] is %s, not a schema object", key, typeName(first))
		}
		schema = next
	}
	if schema.has("allOf") {
		members, ok := schema.get("allOf").([]any)
		if !ok {
			return nil, nil, false, fmt.Errorf("allOf is %s, not an array", typeName(schema.get("allOf")))
		}
		merged := newObject()
		var refs []refKey
		for i, m := range members {
			s, rs, defined, err := r.resolveRef(m)
			if err != nil {
				return nil, nil, false, fmt.Errorf("allOf[%d]: %w", i, err)
			}
			assign(merged, s)
			if defined {
				refs = append(refs, rs...)
			} else {
				refs = append(refs, refKey{undefined: true})
			}
		}
		return merged, refs, true, nil
	}
	if schema.has("$ref") {
		ref, ok := schema.get("$ref").(string)
		if !ok {
			return nil, nil, false, fmt.Errorf("$ref is %s, not a string", typeName(schema.get("$ref")))
		}
		target, err := r.findRef(ref, nil)
		if err != nil {
			return nil, nil, false, err
		}
		// The referring object's other keys stay unless the target has them.
		out := schema.without("$ref")
		assign(out, target)
		return out, []refKey{{ref: ref}}, true, nil
	}
	return schema, nil, false, nil
}

// firstElement is v[0] for an array, else undefined.
func firstElement(v any) any {
	if arr, ok := v.([]any); ok && len(arr) > 0 {
		return arr[0]
	}
	return undefined
}

// findRef looks a local reference up by its '/'-separated segments, as
// RefResolver.findRef does (no ~0/~1 unescaping, no external documents),
// and follows a target that is itself a $ref.
func (r *resolver) findRef(ref string, seen []string) (any, error) {
	for _, s := range seen {
		if s == ref {
			return nil, fmt.Errorf("$ref %q refers to itself through %s", ref, strings.Join(seen, " -> "))
		}
	}
	segments := strings.Split(ref, "/")[1:]
	var cur any = r.doc
	for _, seg := range segments {
		switch c := cur.(type) {
		case *object:
			cur = c.get(seg)
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(c) {
				cur = undefined
			} else {
				cur = c[i]
			}
		default:
			cur = undefined
		}
		if !truthy(cur) {
			return nil, fmt.Errorf("schema not found for $ref %q", ref)
		}
	}
	if o, ok := cur.(*object); ok && o.has("$ref") {
		next, ok := o.get("$ref").(string)
		if !ok {
			return nil, fmt.Errorf("$ref in the target of %q is %s, not a string", ref, typeName(o.get("$ref")))
		}
		return r.findRef(next, append(seen, ref))
	}
	return cur, nil
}

// example builds the example value n8n-openapi-node's SchemaExample builds
// for a schema: its example, else its default, else one built from its
// properties or items; undefined when there is nothing to build from.
func (r *resolver) example(schema any) (any, error) {
	b := exampleBuilder{r: r, visited: map[refKey]bool{}}
	return b.build(schema)
}

// exampleBuilder is one SchemaExample build; visited stops recursion
// through references (and, as in n8n, through a second allOf member that
// is not a reference).
type exampleBuilder struct {
	r       *resolver
	visited map[refKey]bool
}

func (b *exampleBuilder) build(v any) (any, error) {
	s, refs, defined, err := b.r.resolveRef(v)
	if err != nil {
		return nil, err
	}
	if defined {
		for _, ref := range refs {
			if b.visited[ref] {
				return newObject(), nil
			}
			b.visited[ref] = true
		}
	}
	schema := s.(*object)
	if schema.has("oneOf") {
		return b.build(firstElement(schema.get("oneOf")))
	}
	if schema.has("allOf") {
		members, ok := schema.get("allOf").([]any)
		if !ok {
			return nil, fmt.Errorf("allOf is %s, not an array", typeName(schema.get("allOf")))
		}
		merged := newObject()
		for _, m := range members {
			ex, err := b.build(m)
			if err != nil {
				return nil, err
			}
			assign(merged, ex)
		}
		return merged, nil
	}
	if ex := schema.get("example"); ex != undefined {
		return ex, nil
	}
	if def := schema.get("default"); def != undefined {
		return def, nil
	}
	if props := schema.get("properties"); truthy(props) {
		out := newObject()
		for _, key := range ownKeys(props) {
			ex, err := b.build(propertyValue(props, key))
			if err != nil {
				return nil, fmt.Errorf("property %q: %w", key, err)
			}
			out.set(key, ex)
		}
		return out, nil
	}
	if items := schema.get("items"); truthy(items) {
		ex, err := b.build(items)
		if err != nil {
			return nil, fmt.Errorf("items: %w", err)
		}
		return []any{ex}, nil
	}
	return undefined, nil
}

// ownKeys is the key order of a for-in loop over v.
func ownKeys(v any) []string {
	switch x := v.(type) {
	case *object:
		return x.keys
	case []any:
		keys := make([]string, len(x))
		for i := range x {
			keys[i] = strconv.Itoa(i)
		}
		return keys
	case string:
		keys := make([]string, len(toUnits(x)))
		for i := range keys {
			keys[i] = strconv.Itoa(i)
		}
		return keys
	}
	return nil
}

// propertyValue is v[key] for a key ownKeys returned.
func propertyValue(v any, key string) any {
	switch x := v.(type) {
	case *object:
		return x.get(key)
	case []any:
		i, _ := strconv.Atoi(key)
		return x[i]
	case string:
		i, _ := strconv.Atoi(key)
		return units{toUnits(x)[i]}.String()
	}
	return undefined
}
