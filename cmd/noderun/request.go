package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
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
	// Package is an n8n node package (a directory or an npm .tgz); Node
	// then names one of its node types ("n8n-nodes-base.npm").
	Package string `json:"package"`
	// TypeVersion picks a version of the node type; 0 is its default.
	TypeVersion float64 `json:"typeVersion"`
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
var requestFields = []string{"node", "descriptor", "package", "typeVersion", "credentialTypes", "parameters", "credentials", "items",
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
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field == "" {
			return nil, inputErrorf("the request must be one JSON object, not %s", te.Value)
		}
		return nil, inputErrorf("the request is not valid JSON: %s", describeJSONError(data, err))
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
		if err := checkItemJSON(it, fmt.Sprintf("items[%d]", i)); err != nil {
			return nil, err
		}
	}
	if raw, ok := probe["settings"]; ok {
		if err := checkSettings(raw); err != nil {
			return nil, err
		}
	}
	return &req, nil
}

// describeJSONError adds the line and column of a syntax error.
func describeJSONError(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se) && data == nil:
		// A stream decoder's error: the offset counts from the input's start.
		return fmt.Sprintf("%v at byte %d of the input", se, se.Offset)
	case errors.As(err, &se):
		line, col := position(data, se.Offset)
		return fmt.Sprintf("%v at line %d, column %d", se, line, col)
	case errors.As(err, &te) && data == nil:
		// A stream decoder's type error counts from the value's start.
		return fmt.Sprintf("%s must be %s, not %s", strconv.Quote(te.Field), jsonKind(te.Type), te.Value)
	case errors.As(err, &te):
		line, col := position(data, te.Offset)
		what := "the value"
		if te.Field != "" {
			what = strconv.Quote(te.Field)
		}
		return fmt.Sprintf("%s must be %s, not %s (line %d, column %d)", what, jsonKind(te.Type), te.Value, line, col)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the input ended before the JSON was complete"
	}
	return err.Error()
}

// jsonKind names a Go type by the JSON value it decodes from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "another type"
}

// position turns the offset encoding/json reports (the bytes read up to
// and including the offending one) into a 1-based line and column of
// that byte.
func position(data []byte, offset int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < offset-1 && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// checkItemJSON requires an input item's "json" to be an object, as n8n's
// items are.
func checkItemJSON(it node.Item, where string) error {
	if it.JSON == nil {
		return inputErrorf("%s has no \"json\": each item is {\"json\": {...}}", where)
	}
	if _, ok := it.JSON.(map[string]any); !ok {
		return inputErrorf("%s: \"json\" must be an object, not %s", where, jsonValueKind(it.JSON))
	}
	return nil
}

func jsonValueKind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	}
	return "null"
}

// settingsFields are the keys of "settings", for typo suggestions.
var settingsFields = []string{"continueOnFail", "onError", "retryOnFail", "maxTries", "waitBetweenTries",
	"alwaysOutputData", "executeOnce"}

// checkSettings rejects unknown settings keys and onError values: a
// misspelt continue-on-fail would otherwise stop the run at the first
// failed item.
func checkSettings(raw json.RawMessage) error {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil // the typed decode reports it with its position
	}
	keys := make([]string, 0, len(probe))
	for k := range probe {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Contains(settingsFields, k) {
			return inputErrorf("unknown key %q in \"settings\"%s; the settings are %s", k, suggest(k, settingsFields), strings.Join(settingsFields, ", "))
		}
	}
	if v, ok := probe["onError"]; ok {
		var onError string
		if json.Unmarshal(v, &onError) == nil {
			switch onError {
			case "", node.OnErrorStop, node.OnErrorContinueRegularOutput, node.OnErrorContinueErrorOutput:
			default:
				choices := []string{node.OnErrorStop, node.OnErrorContinueRegularOutput, node.OnErrorContinueErrorOutput}
				return inputErrorf("settings.onError %q is not a choice%s: use %s", onError, suggest(onError, choices), strings.Join(choices, ", "))
			}
		}
	}
	return nil
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
