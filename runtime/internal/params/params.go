package params

import (
	"reflect"
	"strings"
	"sync"

	"github.com/noderun/noderun/node"
)

// Context is what visibility checks may read besides parameter values.
type Context struct {
	// Version is the node's typeVersion, for "@version" conditions.
	Version float64
	// NodeName is the node type name; "@tool" is true when it ends in "Tool".
	NodeName string
	// Layouts, when set, keeps what each property list gives whatever the
	// values; nil works it out on every call.
	Layouts *Layouts
}

// Layouts caches, per property list, what getNodeParameters derives from
// the list alone: its resolve order and its duplicate names, half the
// work of a Prepare over a large description. The lists must not change
// once seen. Safe for concurrent use; the zero value is ready.
type Layouts struct {
	m sync.Map // layoutKey → *layout
}

// layoutKey identifies a property list by its backing array.
type layoutKey struct {
	first *node.Property
	n     int
}

// layout is read-only once made.
type layout struct {
	order      []int
	duplicates map[string]bool
}

func (l *Layouts) get(props []node.Property) *layout {
	if l == nil || len(props) == 0 {
		return newLayout(props)
	}
	k := layoutKey{&props[0], len(props)}
	if v, ok := l.m.Load(k); ok {
		return v.(*layout)
	}
	v, _ := l.m.LoadOrStore(k, newLayout(props))
	return v.(*layout)
}

func newLayout(props []node.Property) *layout {
	return &layout{order: resolveOrder(props), duplicates: duplicateNames(props)}
}

// Normalize returns the normalised parameter set of a node: every visible
// parameter with its stored value or default, nothing else (P1-P9). The
// stored map is not modified; the result shares no mutable state with it.
func Normalize(props []node.Property, stored map[string]any, c Context) map[string]any {
	if stored == nil {
		stored = map[string]any{}
	}
	return getNodeParameters(props, stored, false, nil, "", c)
}

// Visible reports whether a property is shown given the parameter values at
// its level and the root parameters (P11-P16).
func Visible(p *node.Property, values, root map[string]any, c Context) bool {
	return displayParameter(values, p.DisplayOptions, root, c)
}

// getNodeParameters ports n8n-workflow's getNodeParameters with
// returnDefaults=true. returnNoneDisplayed selects the inner pass that
// snapshots every simple parameter, visible or not (P3).
func getNodeParameters(props []node.Property, values map[string]any, returnNoneDisplayed bool, root map[string]any, parentType node.PropertyType, c Context) map[string]any {
	return getNodeParametersOpts(props, values, returnNoneDisplayed, false, false, root, parentType, c)
}

func getNodeParametersOpts(props []node.Property, values map[string]any, returnNoneDisplayed, onlySimple, dataIsResolved bool, root map[string]any, parentType node.PropertyType, c Context) map[string]any {
	lay := c.Layouts.get(props)
	duplicates := lay.duplicates
	out := map[string]any{}
	full := map[string]any{}
	displayCheck := full
	if !dataIsResolved && !returnNoneDisplayed {
		displayCheck = getNodeParametersOpts(props, values, true, true, true, root, parentType, c)
	}
	if root == nil {
		root = displayCheck
	}
	for _, i := range lay.order {
		p := &props[i]
		stored, isStored := lookup(values, p.Name)
		if values == nil || (!isStored && parentType == node.TypeCollection) {
			continue
		}
		if !returnNoneDisplayed && !displayParameter(displayCheck, p.DisplayOptions, root, c) {
			continue
		}
		if !p.IsContainer() {
			if duplicates[p.Name] && !displayParameter(displayCheck, p.DisplayOptions, root, c) {
				continue
			}
			var v any
			switch {
			case isStored && (p.Type == node.TypeBoolean || p.Type == node.TypeNumber || p.Type == node.TypeOptions):
				// false and 0 are values, not absences (P2).
				v = DeepCopy(stored)
			case p.Type == node.TypeResourceLocator && !isStored:
				if m, ok := p.Default.(map[string]any); ok {
					rl := DeepCopy(m).(map[string]any)
					rl["__rl"] = true
					v = rl
				} else {
					v = DeepCopy(p.Default)
				}
			case isStored && stored != nil:
				v = DeepCopy(stored)
			default:
				v = DeepCopy(p.Default)
			}
			if p.NoDataExpression {
				// A leading "=" is dropped so the value is never evaluated (P5).
				if s, ok := v.(string); ok && strings.HasPrefix(s, "=") {
					v = s[1:]
				}
			}
			out[p.Name] = v
			full[p.Name] = v
			continue
		}
		if onlySimple {
			continue
		}
		switch p.Type {
		case node.TypeCollection:
			var v any
			switch {
			case p.TypeOptions != nil && p.TypeOptions.MultipleValues:
				if isStored {
					v = DeepCopy(stored)
				} else if arr, ok := p.Default.([]any); ok {
					v = DeepCopy(arr)
				} else {
					v = []any{}
				}
			case isStored:
				sub, ok := stored.(map[string]any)
				if !ok {
					// A collection stored as a non-object keeps no options (P6).
					sub = nil
				}
				v = getNodeParameters(p.Children, sub, false, root, node.TypeCollection, c)
			default:
				v = DeepCopy(p.Default)
			}
			out[p.Name] = v
			full[p.Name] = v
		case node.TypeFixedCollection:
			v := fixedCollection(p, stored, isStored, root, c)
			out[p.Name] = v
			full[p.Name] = v
		}
	}
	return out
}

// fixedCollection normalises a fixedCollection value (P7): known groups only,
// each entry's missing children filled with their defaults.
func fixedCollection(p *node.Property, stored any, isStored bool, root map[string]any, c Context) map[string]any {
	groups, _ := DeepCopy(stored).(map[string]any)
	if !isStored {
		groups, _ = DeepCopy(p.Default).(map[string]any)
	}
	multiple := p.TypeOptions != nil && p.TypeOptions.MultipleValues
	result := map[string]any{}
	for _, name := range sortedKeys(groups) {
		g := findGroup(p.Groups, name)
		if g == nil {
			continue // unknown group names are dropped
		}
		if multiple {
			entries, _ := groups[name].([]any)
			list := make([]any, 0, len(entries))
			for _, e := range entries {
				entry, _ := e.(map[string]any)
				list = append(list, getNodeParameters(g.Values, entryOrEmpty(entry), false, root, node.TypeFixedCollection, c))
			}
			result[name] = list
			continue
		}
		entry, _ := groups[name].(map[string]any)
		values := getNodeParameters(g.Values, entryOrEmpty(entry), false, root, node.TypeFixedCollection, c)
		result[name] = values
	}
	return result
}

func entryOrEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func findGroup(groups []node.Group, name string) *node.Group {
	for i := range groups {
		if groups[i].Name == name {
			return &groups[i]
		}
	}
	return nil
}

// lookup returns values[name]; a stored JSON null counts as stored.
func lookup(values map[string]any, name string) (any, bool) {
	if values == nil {
		return nil, false
	}
	v, ok := values[name]
	return v, ok
}

func duplicateNames(props []node.Property) map[string]bool {
	seen := make(map[string]bool, len(props))
	dup := map[string]bool{}
	for i := range props {
		if seen[props[i].Name] {
			dup[props[i].Name] = true
		}
		seen[props[i].Name] = true
	}
	return dup
}

// resolveOrder ports getParameterResolveOrder, including its quirk: a
// property whose dependency is not resolved yet is both processed now and
// queued to be processed again after it (P3).
func resolveOrder(props []node.Property) []int {
	deps := make(map[string][]string, len(props))
	for i := range props {
		p := &props[i]
		if _, ok := deps[p.Name]; !ok {
			deps[p.Name] = nil
		}
		if p.DisplayOptions == nil {
			continue
		}
		for _, keys := range [][]string{p.DisplayOptions.ShowKeys(), p.DisplayOptions.HideKeys()} {
			for _, key := range keys {
				if strings.HasPrefix(key, "@") || contains(deps[p.Name], key) {
					continue
				}
				deps[p.Name] = append(deps[p.Name], key)
			}
		}
	}
	queue := make([]int, len(props))
	for i := range queue {
		queue[i] = i
	}
	order := make([]int, 0, len(props))
	resolved := map[string]bool{}
	// Terminates: every property is resolved when first processed, so a
	// re-queued entry is never queued again.
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		name := props[i].Name
		for _, d := range deps[name] {
			if resolved[d] {
				continue
			}
			if _, isParam := deps[d]; !isParam {
				continue // a dependency from another level: displayParameter reads it later
			}
			queue = append(queue, i)
		}
		order = append(order, i)
		resolved[name] = true
	}
	return order
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// displayParameter ports n8n's displayParameter (P11-P16).
func displayParameter(values map[string]any, d *node.DisplayOptions, root map[string]any, c Context) bool {
	if d == nil {
		return true
	}
	if root == nil {
		root = values
	}
	if d.Show != nil {
		for _, key := range d.ShowKeys() {
			actual := propertyValues(values, key, root, c)
			for _, v := range actual {
				if s, ok := v.(string); ok && strings.HasPrefix(s, "=") {
					return true // the expression short-cut skips every other rule (P14)
				}
			}
			if !checkConditions(d.Show[key], actual) {
				return false
			}
		}
	}
	for _, key := range d.HideKeys() {
		actual := propertyValues(values, key, root, c)
		if len(actual) != 0 && checkConditions(d.Hide[key], actual) {
			return false
		}
	}
	return true
}

// missing is JavaScript's undefined in a list of tested values: a
// parameter that has no value at all.
type missing struct{}

// Undefined is a displayOptions condition that matches a parameter with no
// value, as JavaScript's undefined does in descriptions written in code
// (show: {resource: [undefined]}). JSON cannot express it.
var Undefined any = missing{}

func propertyValues(values map[string]any, key string, root map[string]any, c Context) []any {
	var v any
	found := true
	switch {
	case strings.HasPrefix(key, "/"):
		v, found = GetPath(root, key[1:])
	case key == "@version":
		v = c.Version
	case key == "@tool":
		v = strings.HasSuffix(c.NodeName, "Tool")
	case key == "@feature":
		return []any{}
	default:
		v, found = GetPath(values, key)
	}
	if !found {
		return []any{missing{}}
	}
	if m, ok := v.(map[string]any); ok {
		if rl, _ := m["__rl"].(bool); rl {
			v = m["value"]
		}
	}
	if arr, ok := v.([]any); ok {
		return arr
	}
	return []any{v}
}

func checkConditions(conditions []any, actual []any) bool {
	for _, cond := range conditions {
		if op, target, ok := cndCondition(cond); ok {
			if len(actual) == 0 {
				if op == "not" {
					return true
				}
				continue
			}
			all := true
			for _, v := range actual {
				if !cndHolds(op, target, v) {
					all = false
					break
				}
			}
			if all {
				return true
			}
			continue
		}
		for _, v := range actual {
			if conditionMatches(cond, v) {
				return true
			}
		}
	}
	return false
}

// conditionMatches is Array.prototype.includes over the tested values.
func conditionMatches(cond, v any) bool {
	if _, isMissing := v.(missing); isMissing {
		_, want := cond.(missing)
		return want
	}
	return node.StrictEqual(cond, v)
}

func cndCondition(cond any) (string, any, bool) {
	m, ok := cond.(map[string]any)
	if !ok || len(m) != 1 {
		return "", nil, false
	}
	inner, ok := m["_cnd"].(map[string]any)
	if !ok {
		return "", nil, false
	}
	for op, target := range inner {
		return op, target, true // n8n reads the first entry only
	}
	return "", nil, false
}

func cndHolds(op string, target, v any) bool {
	if _, isMissing := v.(missing); isMissing {
		v = nil
		if op == "exists" {
			return false
		}
	}
	switch op {
	case "eq":
		return reflect.DeepEqual(v, target)
	case "not":
		return !reflect.DeepEqual(v, target)
	case "gt", "gte", "lt", "lte":
		return compare(op, v, target)
	case "between":
		r, ok := target.(map[string]any)
		return ok && compare("gte", v, r["from"]) && compare("lte", v, r["to"])
	case "includes", "startsWith", "endsWith", "regex":
		s, ok := v.(string)
		t, tok := target.(string)
		if !ok || !tok {
			return false
		}
		switch op {
		case "includes":
			return strings.Contains(s, t)
		case "startsWith":
			return strings.HasPrefix(s, t)
		case "endsWith":
			return strings.HasSuffix(s, t)
		default:
			return regexMatch(t, s)
		}
	case "exists":
		return v != nil && v != ""
	}
	return false
}

// compare applies a JavaScript relational operator to numbers or strings.
func compare(op string, a, b any) bool {
	if x, ok := toNumber(a); ok {
		if y, ok := toNumber(b); ok {
			switch op {
			case "gt":
				return x > y
			case "gte":
				return x >= y
			case "lt":
				return x < y
			default:
				return x <= y
			}
		}
	}
	x, ok1 := a.(string)
	y, ok2 := b.(string)
	if !ok1 || !ok2 {
		return false
	}
	switch op {
	case "gt":
		return x > y
	case "gte":
		return x >= y
	case "lt":
		return x < y
	default:
		return x <= y
	}
}

func toNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}
