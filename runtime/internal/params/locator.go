package params

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dlclark/regexp2/v2"

	"github.com/noderun/noderun/node"
)

// regexTimeout bounds one match of a description's or a stored value's
// regular expression, as n8n's safeRegex bounds it.
const regexTimeout = 100 * time.Millisecond

// IsLocator reports whether v is a resource-locator value as n8n's
// isResourceLocatorValue sees it: an object with "__rl", "mode" and "value".
func IsLocator(v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	_, rl := m["__rl"]
	_, mode := m["mode"]
	_, value := m["value"]
	return m, rl && mode && value
}

// ParameterValue is what $parameter gives for a stored resource-locator
// value (n8n's WorkflowDataProxy): its value, or the first group of its
// stored "__regex" when that matches. The result is still unresolved: the
// caller evaluates it when it is an expression. ok is false when v is not
// a locator.
func ParameterValue(v any) (out any, ok bool) {
	m, ok := IsLocator(v)
	if !ok {
		return v, false
	}
	re, _ := m["__regex"].(string)
	s, isStr := m["value"].(string)
	if re == "" || !isStr {
		return m["value"], true
	}
	if group, found := firstGroup(re, s); found {
		return group, true
	}
	return s, true
}

// firstGroup runs a JavaScript regular expression and returns its first
// group, as `exec(...)[1]` does for a match with at least one group.
func firstGroup(pattern, s string) (string, bool) {
	re, err := regexp2.Compile(pattern, regexp2.ECMAScript)
	if err != nil {
		return "", false
	}
	re.MatchTimeout = regexTimeout
	m, err := re.FindStringMatch(s)
	if err != nil || m == nil || m.GroupCount() < 2 {
		return "", false
	}
	return m.GroupByNumber(1).String(), true
}

// Extractor applies a property's extractValue to its resolved value, as
// n8n's getNodeParameter(name, {extractValue: true}) does for routing: a
// resource locator gives its value, through its mode's regex when the
// mode has one; another property with an extractValue regex gives the
// regex's group. Build one per property with NewExtractor.
type Extractor struct {
	prop    *node.Property
	locator bool
	modes   map[string]*compiledRule // by mode name; nil rule: no extraction
	other   *compiledRule            // a non-locator property's rule
}

type compiledRule struct {
	rule *node.ExtractValue
	re   *regexp2.Regexp
	err  error // the regex does not compile
}

// NewExtractor returns the extractor of a property, or nil when its value
// is used as it is (no resourceLocator type and no extractValue).
func NewExtractor(prop *node.Property) *Extractor {
	if prop.Type == node.TypeResourceLocator {
		x := &Extractor{prop: prop, locator: true, modes: map[string]*compiledRule{}}
		for i := range prop.LocatorModes {
			m := &prop.LocatorModes[i]
			if _, seen := x.modes[m.Name]; seen {
				continue // n8n's find() takes the first
			}
			if m.ExtractValue == nil {
				x.modes[m.Name] = nil
				continue
			}
			x.modes[m.Name] = compileRule(m.ExtractValue)
		}
		return x
	}
	if prop.Extract == nil || prop.Type == node.TypeFilter {
		return nil
	}
	return &Extractor{prop: prop, other: compileRule(prop.Extract)}
}

func compileRule(r *node.ExtractValue) *compiledRule {
	c := &compiledRule{rule: r}
	if r.Type == "regex" && !r.RegexMissing {
		c.re, c.err = regexp2.Compile(r.Regex, regexp2.ECMAScript)
		if c.re != nil {
			c.re.MatchTimeout = regexTimeout
		}
	}
	return c
}

// ExtractError is a value extractValue cannot use; n8n fails the item
// with a NodeOperationError carrying Message.
type ExtractError struct {
	Parameter string
	Message   string
}

func (e *ExtractError) Error() string { return e.Message }

// Extract returns the value routing uses for the property at path.
func (x *Extractor) Extract(path string, v any) (any, error) {
	if x == nil {
		return v, nil
	}
	if !x.locator {
		return x.extract(x.other, path, v, "This parameter's value is invalid")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return v, nil
	}
	_, hasMode := m["mode"]
	value, hasValue := m["value"]
	if !hasMode || !hasValue {
		return v, nil
	}
	mode, _ := m["mode"].(string)
	rule, ok := x.modes[mode]
	if !ok || rule == nil {
		return value, nil
	}
	return x.extract(rule, path, value, "ERROR: This parameter's value is invalid. Please enter a valid mode.")
}

func (x *Extractor) extract(c *compiledRule, path string, v any, notString string) (any, error) {
	s, ok := v.(string)
	if !ok {
		return nil, &ExtractError{Parameter: path, Message: notString}
	}
	switch {
	case c.rule.Type != "regex":
		return nil, &ExtractError{Parameter: path, Message: fmt.Sprintf(
			"Property %q has an extractValue of type %q; n8n knows only \"regex\"", path, c.rule.Type)}
	case c.rule.RegexMissing:
		return nil, &ExtractError{Parameter: path, Message: fmt.Sprintf(
			"Property %q: its extractValue regex is a RegExp n8n had that this JSON description lacks", path)}
	case c.err != nil:
		return nil, &ExtractError{Parameter: path, Message: fmt.Sprintf(
			"Property %q has an invalid extractValue regex %q: %v", path, c.rule.Regex, c.err)}
	}
	match, err := c.re.FindStringMatch(s)
	if err != nil || match == nil {
		return nil, &ExtractError{Parameter: path, Message: fmt.Sprintf(
			"ERROR: %s parameter's value is invalid. This is likely because the URL entered is incorrect", x.prop.DisplayName)}
	}
	if match.GroupCount() != 2 {
		return nil, &ExtractError{Parameter: path, Message: fmt.Sprintf(
			"Property %q has an invalid extractValue regex %q. extractValue expects exactly one group to be returned.", path, c.rule.Regex)}
	}
	return match.GroupByNumber(1).String(), nil
}

// LocatorIssues returns the validation messages of a resource-locator
// value, as n8n's validateResourceLocatorParameter: each regex rule of
// its mode the whole value fails gives its error message. An expression
// value is not checked.
func LocatorIssues(prop *node.Property, v any) []string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	_, hasValue := m["value"]
	mode, hasMode := m["mode"]
	if !hasValue || !hasMode {
		return nil
	}
	name, _ := mode.(string)
	md, ok := prop.LocatorMode(name)
	if !ok || len(md.Validation) == 0 {
		return nil
	}
	s := jsToString(m["value"])
	if strings.HasPrefix(s, "=") {
		return nil
	}
	var out []string
	for _, rule := range md.Validation {
		if rule.Type != "regex" {
			continue
		}
		// `$` without the m flag matches only at the very end in
		// JavaScript; regexp2's would also match before a final newline.
		re, err := regexp2.Compile("^"+rule.Regex+`(?![\s\S])`, regexp2.ECMAScript)
		if err != nil {
			out = append(out, fmt.Sprintf("%s (the validation regex %q does not compile: %v)", rule.ErrorMessage, rule.Regex, err))
			continue
		}
		re.MatchTimeout = regexTimeout
		if ok, err := re.MatchString(s); err != nil || !ok {
			out = append(out, rule.ErrorMessage)
		}
	}
	return out
}

// ValidLocator is n8n's isValidResourceLocatorParameterValue: a locator
// needs a truthy value (any number counts); another value must be truthy.
func ValidLocator(v any) bool {
	if m, ok := v.(map[string]any); ok {
		switch x := m["value"].(type) {
		case float64, int, int64:
			return true
		default:
			return node.Truthy(x)
		}
	}
	return node.Truthy(v)
}

// jsToString is `value?.value?.toString() || ”` for the scalars a stored
// value holds.
func jsToString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "true"
		}
		return "false"
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}
