package credentials

import (
	"fmt"
	"net/http"
	"reflect"

	"github.com/noderun/noderun/node"
)

// TestDescription builds the temporary declarative node n8n runs to test a
// credential (C4): one property whose routing.request is the test request.
// It has no Request Options, so n8n's 300 s timeout applies.
func TestDescription(t *node.CredentialType) (*node.Description, error) {
	if t.Test == nil {
		return nil, fmt.Errorf("credential type %q defines no test request", t.Name)
	}
	return NodeTestDescription(&node.Description{DisplayName: "Credential test", Name: "credentialTest", Version: node.Version{1}},
		t.Name, t.Test)
}

// NodeTestDescription builds the temporary node n8n runs for a node's own
// test request (a testedBy object, C4): the node's description, so its
// requestDefaults (a base URL) apply, with the credential of typeName as
// its only credential and one property whose routing.request is the test
// request. d is not modified.
func NodeTestDescription(d *node.Description, typeName string, t *node.CredentialTest) (*node.Description, error) {
	if t == nil {
		return nil, fmt.Errorf("node %s: credential type %q has no test request", d.Name, typeName)
	}
	desc := *d
	if desc.RequestDefaults == nil {
		desc.RequestDefaults = &node.Request{} // n8n routes the test whatever the node is
	}
	req := t.Request
	desc.Credentials = []node.CredentialRef{{Name: typeName, Required: true}}
	desc.Properties = []node.Property{{
		DisplayName: "Temp",
		Name:        "temp",
		Type:        node.TypeString,
		Default:     "",
		Routing:     &node.Routing{Request: &req},
	}}
	return &desc, nil
}

// TestResult is the outcome of a credential test.
type TestResult struct {
	OK      bool   `json:"ok"`
	Message string `json:"message"`
}

// JudgeResponse applies a test's rules to a response (C4). body is the
// decoded JSON body, or nil.
func JudgeResponse(t *node.CredentialTest, status int, body any) TestResult {
	if status < 200 || status > 299 {
		for _, rule := range t.Rules {
			if rule.Type != node.RuleResponseCode {
				continue
			}
			if code, ok := rule.Properties["value"].(float64); ok && int(code) == status {
				msg, _ := rule.Properties["message"].(string)
				return TestResult{Message: msg}
			}
		}
		text := http.StatusText(status)
		if text == "" {
			text = fmt.Sprintf("Received HTTP status code: %d", status)
		}
		return TestResult{Message: text}
	}
	for _, rule := range t.Rules {
		if rule.Type != node.RuleResponseSuccessBody {
			continue
		}
		key, _ := rule.Properties["key"].(string)
		got, found := lookupPath(body, key)
		if found && reflect.DeepEqual(got, rule.Properties["value"]) {
			msg, _ := rule.Properties["message"].(string)
			return TestResult{Message: msg}
		}
	}
	return TestResult{OK: true, Message: "Connection successful!"}
}

// lookupPath reads a dotted path from a decoded JSON value.
func lookupPath(v any, path string) (any, bool) {
	cur := v
	start := 0
	for i := 0; i <= len(path); i++ {
		if i < len(path) && path[i] != '.' {
			continue
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = m[path[start:i]]
		if !ok {
			return nil, false
		}
		start = i + 1
	}
	return cur, true
}
