package openapigen

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/noderun/noderun/node"
)

// httpMethods are the path item keys that are operations (openapi-types'
// OpenAPIV3.HttpMethods); every other key of a path item is ignored, path-level
// parameters included, as n8n-openapi-node ignores them.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// noBodyNotice is n8n-openapi-node's notice for a body it cannot map.
const noBodyNotice = "There's no body available for request, kindly use HTTP Request node to send body"

// operationRef is one operation of the document, in document order.
type operationRef struct {
	path   string
	method string
	op     *object
	tags   []string
}

func (o operationRef) String() string { return strings.ToUpper(o.method) + " " + o.path }

// operations lists the document's operations in JavaScript key order:
// paths as written, and each path item's methods as written.
func operations(doc *object) ([]operationRef, error) {
	var ops []operationRef
	pathsValue := doc.get("paths")
	if pathsValue == undefined || pathsValue == nil {
		return nil, nil
	}
	paths, ok := pathsValue.(*object)
	if !ok {
		return nil, &Error{Where: "paths", Err: fmt.Errorf("paths is %s, not an object", typeName(pathsValue))}
	}
	for _, path := range paths.keys {
		item, ok := paths.get(path).(*object)
		if !ok {
			return nil, &Error{Where: "paths." + path, Err: fmt.Errorf("path item is %s, not an object", typeName(paths.get(path)))}
		}
		for _, method := range item.keys {
			if !slices.Contains(httpMethods, method) {
				continue
			}
			ref := operationRef{path: path, method: method}
			op, ok := item.get(method).(*object)
			if !ok {
				return nil, &Error{Where: ref.String(), Err: fmt.Errorf("operation is %s, not an object", typeName(item.get(method)))}
			}
			ref.op = op
			tags, err := operationTags(op)
			if err != nil {
				return nil, &Error{Where: ref.String(), Err: err}
			}
			ref.tags = tags
			ops = append(ops, ref)
		}
	}
	return ops, nil
}

// operationTags are an operation's tags, or ["default"] when it has none.
func operationTags(op *object) ([]string, error) {
	v := op.get("tags")
	if !truthy(v) {
		return []string{"default"}, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("tags is %s, not an array", typeName(v))
	}
	if len(list) == 0 {
		return []string{"default"}, nil
	}
	tags := make([]string, len(list))
	for i, t := range list {
		s, ok := t.(string)
		if !ok {
			return nil, fmt.Errorf("tags[%d] is %s, not a string", i, typeName(t))
		}
		tags[i] = s
	}
	return tags, nil
}

// tag is one resource-to-be (ResourceCollector's tag map entry).
type tag struct {
	name        string
	description string
}

// resourceProperty builds the Resource selector from the operations' tags
// and the document's tag list, ordered as ResourceCollector orders them.
func (g *generator) resourceProperty(doc *object, ops []operationRef) (node.Property, error) {
	var tags []tag
	index := map[string]int{}
	setTag := func(t tag, replace bool) {
		if i, ok := index[t.name]; ok {
			if replace {
				tags[i] = t
			}
			return
		}
		index[t.name] = len(tags)
		tags = append(tags, t)
	}
	for _, op := range ops {
		for _, name := range op.tags {
			setTag(tag{name: name}, false)
		}
	}
	order := map[string]int{}
	if v := doc.get("tags"); v != undefined && v != nil {
		list, ok := v.([]any)
		if !ok {
			return node.Property{}, &Error{Where: "tags", Err: fmt.Errorf("tags is %s, not an array", typeName(v))}
		}
		for i, item := range list {
			t, ok := item.(*object)
			if !ok {
				return node.Property{}, &Error{Where: fmt.Sprintf("tags[%d]", i), Err: fmt.Errorf("tag is %s, not an object", typeName(item))}
			}
			name, ok := t.get("name").(string)
			if !ok {
				return node.Property{}, &Error{Where: fmt.Sprintf("tags[%d]", i), Err: fmt.Errorf("tag name is %s, not a string", typeName(t.get("name")))}
			}
			desc, _ := t.get("description").(string)
			setTag(tag{name: name, description: desc}, true)
			// tagsOrder.set(name, tagsOrder.size): the size before this set,
			// which for a repeated name already counts that name.
			pos := len(order)
			order[name] = pos
		}
	}
	if !sortTags(tags, order) {
		g.opts.Logger.Warn().Int("tags", len(tags)).
			Msg("64 or more tags, some not in the document's tag list: their order may differ from n8n's, which depends on V8's merge sort")
	}
	if _, declared := order["default"]; !declared {
		if i := slices.IndexFunc(tags, func(t tag) bool { return t.name == "default" }); i >= 0 {
			d := tags[i]
			tags = append(slices.Delete(tags, i, i+1), d)
		}
	}
	choices := make([]node.Choice, len(tags))
	for i, t := range tags {
		choices[i] = node.Choice{Name: startCase(t.name), Value: startCase(t.name)}
		if !g.opts.OmitSpecText {
			choices[i].Description = t.description
		}
	}
	return node.Property{
		DisplayName:      "Resource",
		Name:             "resource",
		Type:             node.TypeOptions,
		NoDataExpression: true,
		Choices:          choices,
		Default:          g.selectorDefault(choices),
	}, nil
}

// selectorDefault is a selector's default: "" as n8n-openapi-node, or the
// first choice with SelectorDefaults.
func (g *generator) selectorDefault(choices []node.Choice) any {
	if g.opts.SelectorDefaults && len(choices) > 0 {
		return choices[0].Value
	}
	return ""
}

// sortTags sorts as ResourceCollector does: by position in the document's
// tag list. Its comparator gives NaN (treated as 0) when either tag is not
// in that list, so the result then depends on V8's sort algorithm, which
// sortTags reproduces for fewer than 64 tags. It reports whether the order
// is certainly n8n's.
func sortTags(tags []tag, order map[string]int) bool {
	cmp := func(a, b tag) int {
		oa, okA := order[a.name]
		ob, okB := order[b.name]
		if !okA || !okB {
			return 0
		}
		return oa - ob
	}
	v8TimSort(tags, cmp)
	allDeclared := !slices.ContainsFunc(tags, func(t tag) bool { _, ok := order[t.name]; return !ok })
	return allDeclared || len(tags) < 64
}

// v8TimSort is V8's Array.prototype.sort (third_party/v8/builtins/array-sort.tq)
// for a comparator that may be inconsistent. For fewer than 64 elements V8
// makes one run with CountAndMakeRun and BinaryInsertionSort, reproduced
// here exactly. A longer list is sorted stably, which is V8's result
// whenever the comparator is consistent.
func v8TimSort[T any](a []T, cmp func(x, y T) int) {
	n := len(a)
	if n < 2 {
		return
	}
	if n >= 64 {
		slices.SortStableFunc(a, cmp)
		return
	}
	// CountAndMakeRun(0, n)
	run := 2
	descending := cmp(a[1], a[0]) < 0
	for i := 2; i < n; i++ {
		order := cmp(a[i], a[i-1])
		if descending && order >= 0 || !descending && order < 0 {
			break
		}
		run++
	}
	if descending {
		slices.Reverse(a[:run])
	}
	// BinaryInsertionSort(0, run, n)
	for start := run; start < n; start++ {
		pivot := a[start]
		left, right := 0, start
		for left < right {
			mid := left + (right-left)>>1
			if cmp(pivot, a[mid]) < 0 {
				right = mid
			} else {
				left = mid + 1
			}
		}
		copy(a[left+1:start+1], a[left:start])
		a[left] = pivot
	}
}

// operationChoice is one Operation option (OperationsCollector.parseOperation).
func (g *generator) operationChoice(ref operationRef) node.Choice {
	op := ref.op
	name := strings.ToUpper(ref.method) + " " + ref.path
	if id := op.get("operationId"); truthy(id) {
		name = startCase(id)
	}
	c := node.Choice{
		Name:  name,
		Value: operationValue(name),
		Routing: &node.Routing{Request: &node.Request{
			Method: strings.ToUpper(ref.method),
			URL:    "=" + pathTemplate(ref.path, g.opts.PathNames),
		}},
	}
	summary, _ := op.get("summary").(string)
	description, _ := op.get("description").(string)
	if g.opts.OmitSpecText {
		c.Action = sentenceCase(name)
		return c
	}
	c.Action = cmpOr(summary, name)
	c.Description = cmpOr(description, summary)
	return c
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// operationValue is the operation name with every UTF-16 code unit other
// than ASCII letters, digits and space replaced by '-'.
func operationValue(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == ' ':
			b.WriteRune(r)
		case r > 0xFFFF:
			b.WriteString("--")
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

// pathTemplate turns /a/{id} into /a/{{$parameter["id"]}}; with
// propertyNames, /a/{x.id} reads the property "x-id" the parameter became.
func pathTemplate(path string, propertyNames bool) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(path, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(path[open:], '}')
		if end < 0 {
			break
		}
		b.WriteString(path[:open])
		name := path[open+1 : open+end]
		if propertyNames {
			name = propertyName(name)
		}
		b.WriteString(`{{$parameter["` + name + `"]}}`)
		path = path[open+end+1:]
	}
	b.WriteString(path)
	return b.String()
}

// sentenceCase keeps the first word and lower-cases the others, except
// all-capital words of two or more letters ("Get CSAT Page" gives
// "Get CSAT page"); noderun's action text, derived from the name.
func sentenceCase(name string) string {
	words := strings.Split(name, " ")
	for i := 1; i < len(words); i++ {
		w := words[i]
		if len(w) > 1 && strings.ToUpper(w) == w && strings.ToLower(w) != w {
			continue
		}
		words[i] = strings.ToLower(w)
	}
	return strings.Join(words, " ")
}

// operationFields are the properties of one operation (parseFields plus
// the leading "METHOD /path" notice), before display options are set.
func (g *generator) operationFields(ref operationRef) ([]node.Property, error) {
	fields := []node.Property{{
		DisplayName: ref.String(),
		Name:        "operation",
		Type:        node.TypeNotice,
		TypeOptions: &node.PropertyTypeOptions{Theme: "info"},
		Default:     "",
	}}
	if params := ref.op.get("parameters"); truthy(params) {
		list, ok := params.([]any)
		if !ok {
			return nil, fmt.Errorf("parameters is %s, not an array", typeName(params))
		}
		for i, p := range list {
			f, err := g.fromParameter(p)
			if err != nil {
				return nil, fmt.Errorf("parameters[%d]: %w", i, err)
			}
			fields = append(fields, f)
		}
	}
	body, err := g.fromRequestBody(ref.op.get("requestBody"))
	switch {
	case errors.Is(err, errNoJSONBody):
		g.opts.Logger.Warn().Str("operation", ref.String()).Err(err).
			Msg("request body cannot be mapped; the operation gets a notice instead of body fields, as in n8n")
		fields = append(fields, node.Property{
			DisplayName: ref.String() + "<br/><br/>" + noBodyNotice,
			Name:        "operation",
			Type:        node.TypeNotice,
			Default:     "",
		})
	case err != nil:
		return nil, err
	default:
		fields = append(fields, body...)
	}
	return fields, nil
}

// collect builds the Operation selectors and every operation's fields
// (OperationsCollector). A deprecated operation is left out, as in n8n; an
// operation that cannot be mapped is an error, where n8n logs and drops it.
func (g *generator) collect(ops []operationRef) (selectors, fields []node.Property, err error) {
	var resources []string
	choices := map[string][]node.Choice{}
	var errs []error
	for _, ref := range ops {
		if truthy(ref.op.get("deprecated")) {
			g.opts.Logger.Info().Str("operation", ref.String()).Msg("skipping deprecated operation, as n8n does")
			continue
		}
		choice := g.operationChoice(ref)
		base, err := g.operationFields(ref)
		if err != nil {
			errs = append(errs, &Error{Where: ref.String(), Err: err})
			continue
		}
		for _, tagName := range ref.tags {
			resource := startCase(tagName)
			if slices.ContainsFunc(choices[resource], func(c node.Choice) bool { return c.Value == choice.Value }) {
				errs = append(errs, &Error{Where: ref.String(), Err: fmt.Errorf("duplicate operation %q for resource %q", choice.Value, resource)})
				break
			}
			if _, seen := choices[resource]; !seen {
				resources = append(resources, resource)
			}
			choices[resource] = append(choices[resource], choice)
			for _, f := range base {
				f.DisplayOptions = &node.DisplayOptions{Show: map[string][]any{
					"resource": {resource}, "operation": {choice.Name},
				}}
				fields = append(fields, f)
			}
		}
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	if len(resources) == 0 {
		return nil, nil, errors.New("openapigen: no operations found in the document")
	}
	for _, resource := range resources {
		selectors = append(selectors, node.Property{
			DisplayName:      "Operation",
			Name:             "operation",
			Type:             node.TypeOptions,
			NoDataExpression: true,
			DisplayOptions:   &node.DisplayOptions{Show: map[string][]any{"resource": {resource}}},
			Choices:          choices[resource],
			Default:          g.selectorDefault(choices[resource]),
		})
	}
	return selectors, fields, nil
}
