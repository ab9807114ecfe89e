package openapigen

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
)

// The structure of a node description is its names and routes without any
// prose: what must match the n8n node. It is extracted the same way from
// n8n's loaded description (the committed fixture) and from ours.

// customAPICall is the value n8n's loader appends to resource and
// operation selectors (LoadNodesAndCredentials.injectCustomApiCallOptions).
const customAPICall = "__CUSTOM_API_CALL__"

type structure struct {
	About      string           `json:"about"`
	Node       nodeFacts        `json:"node"`
	Credential credentialFacts  `json:"credential"`
	Resources  []resourceFacts  `json:"resources"`
	Operations []operationFacts `json:"operations"`
	// Other lists properties that belong to no operation and are not
	// selectors (n8n's Request Options collection).
	Other []paramFacts `json:"other"`
}

type nodeFacts struct {
	Name            string               `json:"name"`
	DisplayName     string               `json:"displayName"`
	Version         node.Version         `json:"version"`
	Credentials     []node.CredentialRef `json:"credentials"`
	RequestDefaults *node.Request        `json:"requestDefaults"`
	PropertyCount   int                  `json:"propertyCount"`
}

type credentialFacts struct {
	Name         string               `json:"name"`
	Properties   []credentialProp     `json:"properties"`
	Authenticate *node.Authenticate   `json:"authenticate"`
	Test         *node.CredentialTest `json:"test"`
}

type credentialProp struct {
	Name string `json:"name"`
	// DisplayName is left out for notices, whose display name is prose.
	DisplayName string            `json:"displayName,omitempty"`
	Type        node.PropertyType `json:"type"`
	Required    bool              `json:"required,omitempty"`
	Default     any               `json:"default"`
	Placeholder string            `json:"placeholder,omitempty"`
	Password    bool              `json:"password,omitempty"`
}

type resourceFacts struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
	// Operations are the values of the resource's Operation choices, in order.
	Operations []any `json:"operations"`
}

type operationFacts struct {
	Resource   string       `json:"resource"`
	Name       string       `json:"name"`
	Value      any          `json:"value"`
	Method     string       `json:"method"`
	URL        string       `json:"url"`
	Parameters []paramFacts `json:"parameters"`
}

type paramFacts struct {
	Name             string            `json:"name"`
	DisplayName      string            `json:"displayName"`
	Type             node.PropertyType `json:"type"`
	Required         bool              `json:"required,omitempty"`
	Default          any               `json:"default"`
	NoDataExpression bool              `json:"noDataExpression,omitempty"`
	Options          []choiceFacts     `json:"options,omitempty"`
	Routing          *node.Routing     `json:"routing,omitempty"`
}

type choiceFacts struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

func facts(p node.Property) paramFacts {
	f := paramFacts{
		Name: p.Name, DisplayName: p.DisplayName, Type: p.Type, Required: p.Required,
		Default: p.Default, NoDataExpression: p.NoDataExpression, Routing: p.Routing,
	}
	for _, c := range p.Choices {
		f.Options = append(f.Options, choiceFacts{Name: c.Name, Value: c.Value})
	}
	return f
}

// extractStructure reads the structure of a description and its credential.
func extractStructure(t *testing.T, d *node.Description, c *node.CredentialType) structure {
	t.Helper()
	s := structure{Node: nodeFacts{
		Name: d.Name, DisplayName: d.DisplayName, Version: d.Version, Credentials: d.Credentials,
		RequestDefaults: d.RequestDefaults, PropertyCount: len(d.Properties),
	}}
	s.Credential = credentialFacts{Name: c.Name, Authenticate: c.Authenticate, Test: c.Test}
	for _, p := range c.Properties {
		cp := credentialProp{Name: p.Name, DisplayName: p.DisplayName, Type: p.Type, Required: p.Required,
			Default: p.Default, Placeholder: p.Placeholder, Password: p.IsSecret()}
		if p.Type == node.TypeNotice {
			cp.DisplayName = ""
		}
		s.Credential.Properties = append(s.Credential.Properties, cp)
	}

	opIndex := map[[2]string]int{} // resource, operation name -> index in s.Operations
	for _, p := range d.Properties {
		show := map[string][]any{}
		if p.DisplayOptions != nil {
			show = p.DisplayOptions.Show
		}
		switch {
		case p.Name == "resource" && p.Type == node.TypeOptions && len(show) == 0:
			for _, c := range p.Choices {
				s.Resources = append(s.Resources, resourceFacts{Name: c.Name, Value: c.Value})
			}
		case p.Name == "operation" && p.Type == node.TypeOptions && len(show) == 1:
			resource := fmt.Sprint(show["resource"][0])
			i := slices.IndexFunc(s.Resources, func(r resourceFacts) bool { return r.Value == resource })
			require.GreaterOrEqual(t, i, 0, "operation selector for unknown resource %q", resource)
			for _, c := range p.Choices {
				s.Resources[i].Operations = append(s.Resources[i].Operations, c.Value)
				if c.Value == customAPICall {
					continue
				}
				op := operationFacts{Resource: resource, Name: c.Name, Value: c.Value}
				if c.Routing != nil && c.Routing.Request != nil {
					op.Method, op.URL = c.Routing.Request.Method, c.Routing.Request.URL
				}
				opIndex[[2]string{resource, c.Name}] = len(s.Operations)
				s.Operations = append(s.Operations, op)
			}
		case len(show["resource"]) == 1 && len(show["operation"]) == 1:
			key := [2]string{fmt.Sprint(show["resource"][0]), fmt.Sprint(show["operation"][0])}
			i, ok := opIndex[key]
			require.True(t, ok, "property %q shown for unknown operation %v", p.Name, key)
			s.Operations[i].Parameters = append(s.Operations[i].Parameters, facts(p))
		default:
			s.Other = append(s.Other, facts(p))
		}
	}
	return s
}

// difference is one place where two structures differ; a missing side is "".
type difference struct {
	Key, N8n, Ours string
}

// flatten maps a structure to "key" -> canonical JSON. Lists whose order
// matters get an extra ".order" key; list entries are keyed by name, so a
// difference names what differs.
func flatten(t *testing.T, s structure) map[string]string {
	t.Helper()
	out := map[string]string{}
	put := func(key string, v any) {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		var generic any
		require.NoError(t, json.Unmarshal(b, &generic))
		flattenJSON(out, key, generic)
	}
	put("node", s.Node)
	var credNames []string
	for _, p := range s.Credential.Properties {
		credNames = append(credNames, p.Name)
		put("credential.property["+p.Name+"]", p)
	}
	out["credential.properties.order"] = mustJSON(t, credNames)
	put("credential.name", s.Credential.Name)
	put("credential.authenticate", s.Credential.Authenticate)
	put("credential.test", s.Credential.Test)

	var resources []any
	for _, r := range s.Resources {
		resources = append(resources, r.Value)
		put("resource["+fmt.Sprint(r.Value)+"].name", r.Name)
		out["resource["+fmt.Sprint(r.Value)+"].operations.order"] = mustJSON(t, r.Operations)
	}
	out["resources.order"] = mustJSON(t, resources)
	for _, op := range s.Operations {
		prefix := "operation[" + op.Resource + " / " + op.Name + "]"
		put(prefix+".value", op.Value)
		put(prefix+".method", op.Method)
		put(prefix+".url", op.URL)
		names := paramKeys(op.Parameters)
		out[prefix+".parameters.order"] = mustJSON(t, names)
		for i, p := range op.Parameters {
			put(prefix+".parameter["+names[i]+"]", p)
		}
	}
	names := paramKeys(s.Other)
	out["other.order"] = mustJSON(t, names)
	for i, p := range s.Other {
		put("other["+names[i]+"]", p)
	}
	return out
}

// paramKeys names parameters, numbering repeats of a name (name#2).
func paramKeys(ps []paramFacts) []string {
	seen := map[string]int{}
	keys := make([]string, len(ps))
	for i, p := range ps {
		seen[p.Name]++
		keys[i] = p.Name
		if n := seen[p.Name]; n > 1 {
			keys[i] = fmt.Sprintf("%s#%d", p.Name, n)
		}
	}
	return keys
}

func flattenJSON(out map[string]string, key string, v any) {
	if m, ok := v.(map[string]any); ok && len(m) > 0 {
		for k, e := range m {
			flattenJSON(out, key+"."+k, e)
		}
		return
	}
	b, _ := json.Marshal(v)
	out[key] = string(b)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// diffStructures lists every key whose value differs, sorted by key.
func diffStructures(t *testing.T, n8n, ours structure) []difference {
	t.Helper()
	a, b := flatten(t, n8n), flatten(t, ours)
	var diffs []difference
	for k, v := range a {
		if b[k] != v {
			diffs = append(diffs, difference{Key: k, N8n: v, Ours: b[k]})
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			diffs = append(diffs, difference{Key: k, Ours: v})
		}
	}
	sort.Slice(diffs, func(i, j int) bool { return diffs[i].Key < diffs[j].Key })
	return diffs
}

// intended is one kind of deliberate difference from the n8n node.
type intended struct {
	What, Reason string
	// Count is how many differences of this kind the committed description
	// has; pinning it makes a change in scope fail the test.
	Count   int
	matches func(d difference, ours map[string]string) bool
}

// paramOf returns the key prefix of the parameter a key belongs to.
func paramOf(key string) string {
	i := strings.Index(key, ".parameter[")
	if i < 0 {
		return ""
	}
	j := strings.Index(key[i:], "]")
	return key[:i+j+1]
}

func decodeList(s string) []any {
	var v []any
	_ = json.Unmarshal([]byte(s), &v)
	return v
}

// withoutValues returns list without the given values.
func withoutValues(list []any, drop ...any) []any {
	var out []any
	for _, v := range list {
		if !slices.Contains(drop, v) {
			out = append(out, v)
		}
	}
	return out
}

// loaderAdditions are the n8n loader's own additions to the description
// and credential, which noderun's runtime loader (not the descriptor) adds.
func loaderAdditions() []intended {
	injectedCredentialFields := []any{"allowedHttpRequestDomains", "allowedDomains"}
	return []intended{
		{
			What:   `"Custom API Call" choice (value __CUSTOM_API_CALL__) at the end of the Resource selector and of every Operation selector`,
			Reason: "n8n's loader injects it (injectCustomApiCallOptions) for a credential with authenticate; it is an editor switch to the HTTP Request node, and run declaratively it sends GET {baseURL}/ (recorded); noderun leaves it out so an unknown operation is an error",
			Count:  30,
			matches: func(d difference, _ map[string]string) bool {
				if d.Key != "resources.order" && !(strings.HasPrefix(d.Key, "resource[") && strings.HasSuffix(d.Key, "].operations.order")) {
					return false
				}
				n8n := decodeList(d.N8n)
				return len(n8n) > 0 && n8n[len(n8n)-1] == customAPICall && mustEqualJSON(withoutValues(n8n, customAPICall), d.Ours)
			},
		},
		{
			What:   `the Resource choice "Custom API Call" itself (its name and its empty operation list)`,
			Reason: "see above",
			Count:  2,
			matches: func(d difference, _ map[string]string) bool {
				return strings.HasPrefix(d.Key, "resource["+customAPICall+"].") && d.Ours == ""
			},
		},
		{
			What:   "Request Options collection (requestOptions) and the property count (549 in n8n, 548 here)",
			Reason: "n8n's loader appends it to every declarative node (D7); noderun's runtime.NewNodeType appends it the same way",
			Count:  6,
			matches: func(d difference, _ map[string]string) bool {
				switch {
				case d.Key == "node.propertyCount":
					return d.N8n == "549" && d.Ours == "548"
				case d.Key == "other.order":
					return d.N8n == `["requestOptions"]` && d.Ours == "[]"
				}
				return strings.HasPrefix(d.Key, "other[requestOptions]") && d.Ours == ""
			},
		},
		{
			What:   "credential fields allowedHttpRequestDomains and allowedDomains",
			Reason: "n8n injects them into every credential type with authenticate (injectDomainRestrictionFields); left to noderun's credentials package, see the report",
			Count:  10,
			matches: func(d difference, _ map[string]string) bool {
				if d.Key == "credential.properties.order" {
					return mustEqualJSON(withoutValues(decodeList(d.N8n), append(injectedCredentialFields, "operation")...), d.Ours)
				}
				return (strings.HasPrefix(d.Key, "credential.property[allowedHttpRequestDomains]") ||
					strings.HasPrefix(d.Key, "credential.property[allowedDomains]")) && d.Ours == ""
			},
		},
		{
			What:   `the credential's notice property named "operation"`,
			Reason: "text shown in n8n's credential form; it has no value and no effect at run time",
			Count:  3,
			matches: func(d difference, _ map[string]string) bool {
				return strings.HasPrefix(d.Key, "credential.property[operation]") && d.Ours == ""
			},
		},
	}
}

// improvements are noderun's deliberate changes in the committed description.
func improvements() []intended {
	return []intended{
		{
			What:   "routing.send.onlyIfSet: true on every optional query and body field",
			Reason: "n8n sends every visible field with its default when none is stored (R10), e.g. Conversation List sends inbox_id=0&team_id=0&labels=... and Create A New Message sends private: true; noderun sends only what the user set",
			Count:  -1, // pinned in the test from the committed file
			matches: func(d difference, ours map[string]string) bool {
				p := paramOf(d.Key)
				return p != "" && d.Key == p+".routing.send.onlyIfSet" && d.N8n == "" && d.Ours == "true" &&
					ours[p+".required"] == "" && (ours[p+".routing.send.type"] == `"query"` || ours[p+".routing.send.type"] == `"body"`)
			},
		},
		{
			What:   "default of optional fields: the spec's default, else the type's empty value (\"\", 0, false, \"{}\", \"[]\", first choice)",
			Reason: "n8n-openapi-node derives defaults from spec examples (prose such as sample names) or invents them (true for every boolean, \"[\\n  null\\n]\" for arrays); with onlyIfSet no default reaches a request, so they only mislead. Required fields keep n8n's default because n8n omits a parameter equal to its default from saved workflows",
			Count:  -1,
			matches: func(d difference, ours map[string]string) bool {
				p := paramOf(d.Key)
				if p == "" || d.Key != p+".default" || ours[p+".required"] != "" {
					return false
				}
				switch d.Ours {
				case `""`, "0", "false", `"{}"`, `"[]"`:
					return true
				}
				var options []choiceFacts
				_ = json.Unmarshal([]byte(ours[p+".options"]), &options)
				return len(options) > 0 && mustEqualJSON(options[0].Value, d.Ours)
			},
		},
	}
}

func mustEqualJSON(v any, encoded string) bool {
	b, err := json.Marshal(v)
	return err == nil && string(b) == encoded
}

// unexplained checks every difference against the table and returns those
// no entry explains, and how many each entry explained.
func unexplained(t *testing.T, diffs []difference, ours map[string]string, table []intended) ([]difference, []int) {
	t.Helper()
	counts := make([]int, len(table))
	var left []difference
	for _, d := range diffs {
		i := slices.IndexFunc(table, func(e intended) bool { return e.matches(d, ours) })
		if i < 0 {
			left = append(left, d)
			continue
		}
		counts[i]++
		t.Logf("intended (%d) %s: n8n %s, ours %s", i, d.Key, d.N8n, d.Ours)
	}
	return left, counts
}
