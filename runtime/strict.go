package runtime

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime/internal/params"
)

// InputCheck selects how strictly Prepare checks a run's parameters and
// credentials against the node type, before any request is sent.
type InputCheck int

const (
	// CheckStrict refuses what n8n would silently drop or send as it is:
	// parameter names the selected operation does not show (also inside
	// collections and fixedCollections), values of the wrong kind (text
	// in a number parameter, a string in a boolean, an options value not
	// in the list) unless they are expressions, credential fields the
	// credential type does not declare or requires and lacks (absent, not
	// empty), and a credential type the node names but was not given.
	// It is the default.
	CheckStrict InputCheck = iota
	// CheckWorkflow is CheckStrict for parameters saved by n8n: names the
	// node declares but hides for the selected operation or version are
	// ignored, as n8n ignores them, because n8n keeps them in workflows
	// (a value of a parameter several operations share, a node updated
	// to a new version). Names the node does not declare anywhere are
	// still refused.
	CheckWorkflow
	// CheckNone does what n8n does: undeclared and hidden parameters are
	// dropped and values are sent as they are. Required parameters and
	// the options of selectors are still checked, as without strictness.
	CheckNone
)

// String names the check, for logs and messages.
func (c InputCheck) String() string {
	switch c {
	case CheckStrict:
		return "strict"
	case CheckWorkflow:
		return "workflow"
	case CheckNone:
		return "none"
	}
	return "InputCheck(" + strconv.Itoa(int(c)) + ")"
}

// inputChecker collects the issues of CheckStrict and CheckWorkflow.
type inputChecker struct {
	p    *Prepared
	pc   params.Context
	mode InputCheck
	out  *IssuesError
}

func (c *inputChecker) add(path, msg string) {
	c.out.Issues = append(c.out.Issues, msg)
	c.out.Parameters = append(c.out.Parameters, path)
}

// level checks the stored values of one property list: the top level, a
// collection's options or a fixedCollection entry. normalized is the same
// level after normalisation (P1): a stored name it lacks is one n8n
// drops, unknown or hidden. values are what visibility reads at this
// level; container names the enclosing parameter for messages ("" at the
// top level).
func (c *inputChecker) level(props []node.Property, stored, normalized, values map[string]any, basePath string, container string) {
	for _, name := range sortedKeys(stored) {
		path := basePath + name
		prop := c.valueProperty(props, name, values)
		if prop == nil {
			c.add(path, c.unknownName(props, values, name, container))
			continue
		}
		if _, kept := normalized[name]; !kept {
			if c.mode == CheckWorkflow {
				c.p.log.Debug().Str("parameter", path).Msg("parameter ignored: the node shows it only for other settings, and n8n ignores it too")
			}
			if c.mode == CheckStrict {
				var declared []*node.Property
				for i := range props {
					if props[i].Name == name {
						declared = append(declared, &props[i])
					}
				}
				c.add(path, hiddenParameter(path, declared))
			}
			continue
		}
		var sub any
		if prop.IsContainer() {
			sub = normalized[name]
		}
		c.value(prop, stored[name], sub, path)
	}
}

// valueProperty picks the definition of name whose type judges a value,
// nil when the list has none: the visible one, found without visibility
// checks when every definition has the same simple type (Chatwoot
// defines account_id 97 times, always as a number) or is a selector.
// Chatwoot names its notices "operation" too: they judge nothing.
func (c *inputChecker) valueProperty(props []node.Property, name string, values map[string]any) *node.Property {
	var first, notice *node.Property
	same := true
	for i := range props {
		p := &props[i]
		switch {
		case p.Name != name:
		case p.Type == node.TypeNotice || p.Type == node.TypeCallout:
			notice = p
		case first == nil:
			first = p
		case p.Type != first.Type:
			same = false
		}
	}
	switch {
	case first == nil:
		return notice
	case same && first.Type == node.TypeOptions && decidesRequest(first):
		return first // selectors are checked without strictness
	case same && len(first.Choices) == 0 && !first.IsContainer():
		return first
	}
	for i := range props {
		p := &props[i]
		if p.Name == name && p.Type != node.TypeNotice && p.Type != node.TypeCallout && params.Visible(p, values, c.p.parameters, c.pc) {
			return p
		}
	}
	return first
}

// value checks one stored value against its property's type; normalized
// is a container's value after normalisation.
func (c *inputChecker) value(prop *node.Property, v, normalized any, path string) {
	if v == nil || isExpression(v) {
		return // null is "not set" (P2); an expression's kind is known per item
	}
	switch prop.Type {
	case node.TypeNumber:
		if !isNumeric(v) {
			c.add(path, fmt.Sprintf("Parameter %s must be a number, not %s.", paramLabel(path, prop), describeValue(v)))
		}
	case node.TypeBoolean:
		if _, ok := v.(bool); !ok {
			msg := fmt.Sprintf("Parameter %s must be true or false, not %s.", paramLabel(path, prop), describeValue(v))
			if s, ok := v.(string); ok && (s == "true" || s == "false") {
				msg += " Write " + s + " without quotes."
			}
			c.add(path, msg)
		}
	case node.TypeOptions:
		if decidesRequest(prop) || loadsOptions(prop) || len(prop.Choices) == 0 {
			return // selectors are checked without strictness too
		}
		if _, ok := prop.Choice(v); !ok {
			c.add(path, fmt.Sprintf("Parameter %s has no option %s.%s", paramLabel(path, prop), jsonText(v), optionHint(prop, v)))
		}
	case node.TypeMultiOptions:
		if loadsOptions(prop) || len(prop.Choices) == 0 {
			return
		}
		list, ok := v.([]any)
		if !ok {
			c.add(path, fmt.Sprintf("Parameter %s must be a list of options, not %s.", paramLabel(path, prop), describeValue(v)))
			return
		}
		for i, x := range list {
			if isExpression(x) {
				continue
			}
			if _, ok := prop.Choice(x); !ok {
				c.add(fmt.Sprintf("%s[%d]", path, i), fmt.Sprintf("Parameter %s has no option %s.%s", paramLabel(path, prop), jsonText(x), optionHint(prop, x)))
			}
		}
	case node.TypeCollection:
		if prop.TypeOptions != nil && prop.TypeOptions.MultipleValues {
			return // a list kept as it is (P6)
		}
		sub, ok := v.(map[string]any)
		if !ok {
			c.add(path, fmt.Sprintf("Parameter %s must be an object of its options, not %s.", paramLabel(path, prop), describeValue(v)))
			return
		}
		kept, _ := normalized.(map[string]any)
		c.level(prop.Children, sub, kept, sub, path+".", paramLabel(path, prop))
	case node.TypeFixedCollection:
		groups, ok := v.(map[string]any)
		if !ok {
			c.add(path, fmt.Sprintf("Parameter %s must be an object of its groups, not %s.", paramLabel(path, prop), describeValue(v)))
			return
		}
		kept, _ := normalized.(map[string]any)
		c.groups(prop, groups, kept, path, paramLabel(path, prop))
	}
}

// groups checks a fixedCollection's groups and each entry's values;
// normalized is the fixedCollection after normalisation (P7).
func (c *inputChecker) groups(prop *node.Property, groups, normalized map[string]any, path, label string) {
	multiple := prop.TypeOptions != nil && prop.TypeOptions.MultipleValues
	for _, name := range sortedKeys(groups) {
		g := findGroup(prop.Groups, name)
		groupPath := path + "." + name
		if g == nil {
			var names []string
			for _, x := range prop.Groups {
				names = append(names, x.Name)
			}
			c.add(groupPath, fmt.Sprintf("Unknown group %q in %s.%s", name, label, didYouMean(name, names, nil, "groups")))
			continue
		}
		v := groups[name]
		if v == nil || isExpression(v) {
			continue
		}
		groupLabel := paramLabelText(groupPath, g.DisplayName)
		switch entries := v.(type) {
		case map[string]any:
			if multiple {
				// Normalisation drops it (P7): n8n would send nothing of it.
				c.add(groupPath, fmt.Sprintf("Group %s holds a list of entries, [{...}], not one object.", groupLabel))
				continue
			}
			kept, _ := normalized[name].(map[string]any)
			c.level(g.Values, entries, kept, entries, groupPath+".", groupLabel)
		case []any:
			if !multiple {
				c.add(groupPath, fmt.Sprintf("Group %s holds one object, {...}, not a list.", groupLabel))
				continue
			}
			kept, _ := normalized[name].([]any)
			for i, e := range entries {
				entryPath := groupPath + "[" + strconv.Itoa(i) + "]"
				entry, ok := e.(map[string]any)
				if !ok {
					if !isExpression(e) {
						c.add(entryPath, fmt.Sprintf("Entry %d of %s must be an object, not %s.", i, groupLabel, describeValue(e)))
					}
					continue
				}
				var keptEntry map[string]any
				if i < len(kept) {
					keptEntry, _ = kept[i].(map[string]any)
				}
				c.level(g.Values, entry, keptEntry, entry, entryPath+".", paramLabelText(entryPath, g.DisplayName))
			}
		default:
			c.add(groupPath, fmt.Sprintf("Group %s must be an object or a list of objects, not %s.", groupLabel, describeValue(entries)))
		}
	}
}

func findGroup(groups []node.Group, name string) *node.Group {
	for i := range groups {
		if groups[i].Name == name {
			return &groups[i]
		}
	}
	return nil
}

// unknownName words a name no property of the level declares, with the
// closest names this operation shows, or the list of them when short.
func (c *inputChecker) unknownName(props []node.Property, values map[string]any, name, container string) string {
	var names []string
	display := map[string]string{}
	for i := range props {
		prop := &props[i]
		if _, seen := display[prop.Name]; seen || !params.Visible(prop, values, c.p.parameters, c.pc) {
			continue
		}
		if prop.Type == node.TypeNotice || prop.Type == node.TypeCallout || prop.Type == node.TypeHidden {
			continue // not for the user to set
		}
		display[prop.Name] = prop.DisplayName
		names = append(names, prop.Name)
	}
	msg := fmt.Sprintf("Unknown parameter %q", name)
	if container != "" {
		msg += " in " + container
	}
	return msg + "." + didYouMean(name, names, display, "parameters")
}

// didYouMean suggests the closest candidates, or lists them when there
// are few; display gives a candidate's display name, when it has one, and
// noun what the candidates are ("parameters").
func didYouMean(got string, names []string, display map[string]string, noun string) string {
	label := func(n string) string {
		if d := display[n]; d != "" && d != n {
			return strconv.Quote(n) + " (" + d + ")"
		}
		return strconv.Quote(n)
	}
	labels := func(list []string) []string {
		out := make([]string, len(list))
		for i, n := range list {
			out[i] = label(n)
		}
		return out
	}
	switch close := ClosestNames(got, names, 3); {
	case len(close) > 0:
		return " Did you mean " + joinWith(labels(close), "or") + "?"
	case len(names) == 0:
		return " There are no " + noun + " here."
	case len(names) <= 12:
		sorted := slices.Clone(names)
		sort.Strings(sorted)
		return " The " + noun + " are " + joinWith(labels(sorted), "and") + "."
	}
	return fmt.Sprintf(" None of the %d %s is close to it.", len(names), noun)
}

func joinWith(q []string, conj string) string {
	switch len(q) {
	case 0:
		return ""
	case 1:
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " " + conj + " " + q[len(q)-1]
}

// hiddenParameter words a name the node declares but does not show for
// the selected operation, naming the parameters that would show it.
func hiddenParameter(path string, declared []*node.Property) string {
	var keys []string
	for _, p := range declared {
		if p.DisplayOptions == nil {
			continue
		}
		for _, k := range append(p.DisplayOptions.ShowKeys(), p.DisplayOptions.HideKeys()...) {
			k = strings.TrimPrefix(k, "/")
			if k == "@version" {
				k = "the node version"
			} else {
				k = strconv.Quote(k)
			}
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	msg := fmt.Sprintf("Parameter %s is not used here", paramLabel(path, declared[0]))
	if len(keys) > 0 {
		msg += ": it applies only to other values of " + joinWith(keys, "or")
	}
	return msg + ". Remove it."
}

// optionHint suggests the closest options, and says how to send a value
// the list lacks (services accept values their specs leave out).
func optionHint(prop *node.Property, v any) string {
	got := jsString(v)
	var names []string
	for _, c := range prop.Choices {
		if s, ok := c.Value.(string); ok && strings.HasPrefix(s, "__") {
			continue // n8n's generated Custom API Call
		}
		names = append(names, jsString(c.Value))
	}
	for _, c := range prop.Choices {
		if jsString(c.Value) == got {
			return fmt.Sprintf(" Its option is %s (%s).", jsonText(c.Value), jsTypeName(c.Value))
		}
	}
	hint := didYouMean(got, names, nil, "options")
	if _, isString := v.(string); isString {
		hint += fmt.Sprintf(" To send a value the list lacks, write it as an expression: %q.", "="+got)
	}
	return hint
}

// loadsOptions reports whether an options property's choices come from
// the service at edit time, so its static list is not the whole list.
func loadsOptions(prop *node.Property) bool {
	if prop.TypeOptions == nil {
		return false
	}
	_, method := prop.TypeOptions.Extra["loadOptionsMethod"]
	_, load := prop.TypeOptions.Extra["loadOptions"]
	return method || load
}

// paramLabel names a parameter by its key and display name.
func paramLabel(path string, prop *node.Property) string {
	return paramLabelText(path, prop.DisplayName)
}

func paramLabelText(path, displayName string) string {
	if displayName == "" || displayName == path {
		return strconv.Quote(path)
	}
	return fmt.Sprintf("%q (%s)", path, displayName)
}

func isExpression(v any) bool {
	s, ok := v.(string)
	return ok && strings.HasPrefix(s, "=")
}

// isNumeric accepts a JSON number or text that is one ("5", "2.5"), which
// n8n sends unchanged and services read as the number.
func isNumeric(v any) bool {
	switch x := v.(type) {
	case float64, int, int64:
		return true
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return false
		}
		_, err := strconv.ParseFloat(s, 64)
		return err == nil
	}
	return false
}

// describeValue words a wrong value for a message.
func describeValue(v any) string {
	switch x := v.(type) {
	case string:
		if len(x) > 60 {
			x = x[:57] + "..."
		}
		return "the text " + strconv.Quote(x)
	case bool, float64, int, int64:
		return jsonText(v)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return jsTypeName(v)
}

// checkCredential checks stored credential data against its type: every
// field declared (by the type or a type it extends), every required and
// shown field set. Unknown names are not judged when a type it extends
// is missing, or when the type declares no fields, since the fields are
// then unknown.
func checkCredential(typ *node.CredentialType, known map[string]*node.CredentialType, stored map[string]any, out *IssuesError) {
	lists := [][]node.Property{typ.Properties}
	// A type that declares no fields (one built in Go around an
	// authenticate block) says nothing about which are known.
	parentsKnown := len(typ.Properties) > 0 || len(typ.Extends) > 0
	for _, parent := range typ.Extends {
		if pt := known[parent]; pt != nil {
			lists = append(lists, pt.Properties)
		} else {
			parentsKnown = false
		}
	}
	declares := func(name string) bool {
		for _, props := range lists {
			for i := range props {
				if props[i].Name == name {
					return true
				}
			}
		}
		return false
	}
	base := "credentials." + typ.Name + "."
	owner := strconv.Quote(typ.Name)
	if typ.DisplayName != "" {
		owner += " (" + typ.DisplayName + ")"
	}
	for _, name := range sortedKeys(stored) {
		// n8n stores the OAuth2 token beside the fields, and its loader
		// adds the allowed-domains option (C5) to credential types.
		if !parentsKnown || n8nCredentialFields[name] || declares(name) {
			continue
		}
		var names []string
		display := map[string]string{}
		for _, props := range lists {
			for i := range props {
				if props[i].Type != node.TypeHidden && props[i].Type != node.TypeNotice {
					names = append(names, props[i].Name)
					display[props[i].Name] = props[i].DisplayName
				}
			}
		}
		out.Issues = append(out.Issues, fmt.Sprintf("Credential %s has no field %q.%s", owner, name, didYouMean(name, names, display, "fields")))
		out.Parameters = append(out.Parameters, base+name)
	}
	// Only an absent field is missing: an empty one was set on purpose
	// (Chatwoot's public API needs no token).
	var data map[string]any
	overridden := map[string]bool{} // a type's own field replaces its parent's, as n8n merges them
	for _, props := range lists {
		own := make([]string, 0, len(props))
		for i := range props {
			p := &props[i]
			own = append(own, p.Name)
			if overridden[p.Name] || !p.Required || p.Type == node.TypeHidden || stored[p.Name] != nil || p.Default != nil && p.Default != "" {
				continue
			}
			if data == nil {
				data = credentialValues(lists, stored)
			}
			if params.Visible(p, data, data, params.Context{}) {
				out.Issues = append(out.Issues, fmt.Sprintf("Credential %s needs %s, which is missing.", owner, paramLabelText(p.Name, p.DisplayName)))
				out.Parameters = append(out.Parameters, base+p.Name)
			}
		}
		for _, name := range own {
			overridden[name] = true
		}
	}
}

// n8nCredentialFields are stored beside a credential's own fields by n8n
// itself, whatever the type declares.
var n8nCredentialFields = map[string]bool{"oauthTokenData": true, "allowedHttpRequestDomains": true, "allowedDomains": true}

// credentialValues is what a credential's displayOptions read: stored
// values over defaults.
func credentialValues(lists [][]node.Property, stored map[string]any) map[string]any {
	data := map[string]any{}
	for _, props := range lists {
		for i := range props {
			data[props[i].Name] = props[i].Default
		}
	}
	for k, v := range stored {
		if v != nil {
			data[k] = v
		}
	}
	return data
}
