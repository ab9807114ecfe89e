package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime/expr"
)

// execRequest is the exec contract's input object.
type execRequest struct {
	// Node names a built-in node ("chatwoot", "chatwoot.createConversation").
	Node string `json:"node"`
	// Descriptor is a path to a declarative node description, instead of Node.
	Descriptor string `json:"descriptor"`
	// CredentialTypes are paths to credential type files the descriptor uses.
	CredentialTypes []string `json:"credentialTypes"`
	// Parameters are the node's parameters as n8n stores them.
	Parameters map[string]any `json:"parameters"`
	// Credentials maps credential type names to their data.
	Credentials map[string]map[string]any `json:"credentials"`
	// Items are the input items; absent means one empty item.
	Items []node.Item `json:"items"`
	// Settings are the node settings.
	Settings *node.Settings `json:"settings"`
	// NodeName is the node's name in the workflow (for messages).
	NodeName string `json:"nodeName"`
	// Nodes holds other nodes' data for $('Name') in expressions.
	Nodes map[string]nodeData `json:"nodes"`
	// Workflow and Execution are $workflow and $execution.
	Workflow  *workflowInfo  `json:"workflow"`
	Execution *executionInfo `json:"execution"`
}

type nodeData struct {
	Items      []node.Item    `json:"items"`
	Parameters map[string]any `json:"parameters"`
	// Executed defaults to true; false makes $('Name') say it has not run.
	Executed *bool `json:"executed"`
}

type workflowInfo struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Active bool   `json:"active"`
}

type executionInfo struct {
	ID         string            `json:"id"`
	Mode       string            `json:"mode"`
	ResumeURL  string            `json:"resumeUrl"`
	CustomData map[string]string `json:"customData"`
}

// requestFields are the contract's keys, for typo suggestions.
var requestFields = []string{"node", "descriptor", "credentialTypes", "parameters", "credentials", "items",
	"settings", "nodeName", "nodes", "workflow", "execution"}

// inputError is unusable input: exit status 2.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

func inputErrorf(format string, args ...any) error {
	return &inputError{msg: fmt.Sprintf(format, args...)}
}

// decodeRequest decodes the request object strictly: unknown keys and
// trailing data are errors that say where.
func decodeRequest(data []byte, allowItems bool) (*execRequest, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, inputErrorf("the request is not a JSON object: %s", describeJSONError(data, err))
	}
	var unknown []string
	for k := range probe {
		known := false
		for _, f := range requestFields {
			if k == f {
				known = true
			}
		}
		if !known {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	if len(unknown) > 0 {
		return nil, inputErrorf("unknown key %q in the request%s; the keys are %s", unknown[0], suggest(unknown[0], requestFields), strings.Join(requestFields, ", "))
	}
	if _, hasItems := probe["items"]; hasItems && !allowItems {
		return nil, inputErrorf("with --jsonl the first line must not hold \"items\": send each item on its own line after it")
	}
	var req execRequest
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&req); err != nil {
		return nil, inputErrorf("the request does not fit the exec contract: %s", describeJSONError(data, err))
	}
	if req.Node == "" && req.Descriptor == "" {
		return nil, inputErrorf(`the request names no node: set "node" (e.g. "chatwoot") or "descriptor" (a path to a description file)`)
	}
	if req.Node != "" && req.Descriptor != "" {
		return nil, inputErrorf(`the request sets both "node" and "descriptor": choose one`)
	}
	for i, it := range req.Items {
		if it.JSON == nil {
			return nil, inputErrorf("items[%d] has no \"json\": each item is {\"json\": {...}}", i)
		}
	}
	return &req, nil
}

// describeJSONError adds the line and column of a syntax error.
func describeJSONError(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := position(data, se.Offset)
		return fmt.Sprintf("%v at line %d, column %d", se, line, col)
	case errors.As(err, &te):
		line, col := position(data, te.Offset)
		return fmt.Sprintf("%q must be %s, not %s (line %d, column %d)", te.Field, te.Type, te.Value, line, col)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the input ended before the JSON was complete"
	}
	return err.Error()
}

func position(data []byte, offset int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < offset && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// decodeItem decodes one JSONL item line.
func decodeItem(raw json.RawMessage, index int) (node.Item, error) {
	var it node.Item
	if err := json.Unmarshal(raw, &it); err != nil {
		return it, inputErrorf("item %d is not {\"json\": ...}: %s", index, describeJSONError(raw, err))
	}
	if it.JSON == nil {
		return it, inputErrorf("item %d has no \"json\": each line is {\"json\": {...}}", index)
	}
	return it, nil
}

// lookup is expr.NodeLookup over the request's "nodes".
type lookup map[string]nodeData

func (l lookup) Node(name string) (expr.NodeData, bool) {
	d, ok := l[name]
	if !ok {
		return expr.NodeData{}, false
	}
	executed := d.Executed == nil || *d.Executed
	return expr.NodeData{Executed: executed, Items: d.Items, Parameters: d.Parameters}, true
}

// resolvePath makes a path in the request relative to the request file.
func resolvePath(base, p string) string {
	if p == "" || filepath.IsAbs(p) || base == "" {
		return p
	}
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return filepath.Join(filepath.Dir(base), p)
}

// credentialsFromEnv reads NODERUN_CREDENTIALS_<TYPE> variables, each a
// JSON object, e.g. NODERUN_CREDENTIALS_CHATWOOTAPI='{"url":..,"accessToken":..}'.
func credentialsFromEnv(environ []string, types []string) (map[string]map[string]any, error) {
	out := map[string]map[string]any{}
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, "NODERUN_CREDENTIALS_") {
			continue
		}
		suffix := strings.TrimPrefix(name, "NODERUN_CREDENTIALS_")
		typ := suffix
		for _, t := range types {
			if strings.EqualFold(t, suffix) {
				typ = t
			}
		}
		var data map[string]any
		if err := json.Unmarshal([]byte(value), &data); err != nil {
			return nil, inputErrorf("environment variable %s must hold a JSON object of credential fields: %v", name, err)
		}
		out[typ] = data
	}
	return out, nil
}

// credentialsFromFile reads a JSON file {"<type>": {...fields}}.
func credentialsFromFile(path string) (map[string]map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, inputErrorf("cannot read the credentials file: %v", err)
	}
	var out map[string]map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, inputErrorf("the credentials file %s must be {\"<credential type>\": {fields}}: %s", path, describeJSONError(data, err))
	}
	return out, nil
}
