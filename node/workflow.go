package node

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Workflow is an n8n workflow as n8n exports it, or what n8n puts on the
// clipboard when nodes are copied ({"nodes": [...], "connections": {...}}).
// Only what running one of its nodes needs is decoded; n8n's other keys
// are accepted and ignored.
type Workflow struct {
	// ID, Name and Active are $workflow's; a copy of nodes has none.
	ID     string
	Name   string
	Active bool
	Nodes  []WorkflowNode
	// Timezone is the workflow's settings.timezone (an IANA name), empty
	// when it uses the instance's.
	Timezone string
	// PinData holds the items pinned to nodes, by node name.
	PinData map[string][]Item
}

// WorkflowNode is one node of a workflow, n8n's INode: the node type and
// version, its parameters, the credentials it names and its settings.
type WorkflowNode struct {
	Name        string
	Type        string
	TypeVersion float64
	Parameters  map[string]any
	// Credentials names the credential of each credential type the node
	// uses; n8n keeps their data elsewhere.
	Credentials map[string]StoredCredential
	Disabled    bool
	// Settings are continueOnFail, onError, retryOnFail, maxTries,
	// waitBetweenTries, alwaysOutputData and executeOnce.
	Settings Settings
}

// StoredCredential is how a workflow node names the credential it uses:
// n8n's id and display name, not its data.
type StoredCredential struct {
	ID   string
	Name string
}

// Node returns the node with the given name.
func (w *Workflow) Node(name string) (*WorkflowNode, bool) {
	for i := range w.Nodes {
		if w.Nodes[i].Name == name {
			return &w.Nodes[i], true
		}
	}
	return nil, false
}

// NodeNames lists the nodes' names in workflow order.
func (w *Workflow) NodeNames() []string {
	names := make([]string, len(w.Nodes))
	for i := range w.Nodes {
		names[i] = w.Nodes[i].Name
	}
	return names
}

// WorkflowError is a workflow file that cannot be used, with where.
type WorkflowError struct {
	// Path locates the problem: "nodes[2].typeVersion", or "" for the whole.
	Path string
	Err  error
}

// Error implements error.
func (e *WorkflowError) Error() string {
	if e.Path == "" {
		return "workflow: " + e.Err.Error()
	}
	return "workflow: " + e.Path + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *WorkflowError) Unwrap() error { return e.Err }

// wire forms: n8n's JSON, decoded leniently where n8n's own exports vary
// (an id is a string in n8n 1.x and a number in older exports).
type workflowJSON struct {
	ID       json.RawMessage            `json:"id"`
	Name     string                     `json:"name"`
	Active   bool                       `json:"active"`
	Nodes    []json.RawMessage          `json:"nodes"`
	Settings struct{ Timezone string }  `json:"settings"`
	PinData  map[string]json.RawMessage `json:"pinData"`
}

type workflowNodeJSON struct {
	Name        *string                      `json:"name"`
	Type        *string                      `json:"type"`
	TypeVersion *float64                     `json:"typeVersion"`
	Parameters  map[string]any               `json:"parameters"`
	Credentials map[string]credentialRefJSON `json:"credentials"`
	Disabled    bool                         `json:"disabled"`
	Settings
}

type credentialRefJSON struct {
	ID   json.RawMessage `json:"id"`
	Name string          `json:"name"`
}

// DecodeWorkflow reads an exported workflow or a copy of nodes. It needs a
// "nodes" array whose nodes each have a unique name, a type and a
// typeVersion; an error says where it failed.
func DecodeWorkflow(data []byte) (*Workflow, error) {
	var raw workflowJSON
	if err := strictUnmarshal(data, &raw); err != nil {
		return nil, &WorkflowError{Err: fmt.Errorf("not an n8n workflow: %w", err)}
	}
	if raw.Nodes == nil {
		return nil, &WorkflowError{Err: errors.New(`no "nodes": expected an exported workflow or copied nodes, {"nodes": [...], "connections": {...}}`)}
	}
	w := &Workflow{ID: idText(raw.ID), Name: raw.Name, Active: raw.Active, Timezone: raw.Settings.Timezone}
	seen := map[string]bool{}
	for i, rn := range raw.Nodes {
		path := "nodes[" + strconv.Itoa(i) + "]"
		var n workflowNodeJSON
		if err := strictUnmarshal(rn, &n); err != nil {
			return nil, &WorkflowError{Path: path, Err: err}
		}
		switch {
		case n.Name == nil || *n.Name == "":
			return nil, &WorkflowError{Path: path + ".name", Err: errors.New("missing: every node has a name")}
		case n.Type == nil || *n.Type == "":
			return nil, &WorkflowError{Path: path + ".type", Err: fmt.Errorf("node %q has no type", *n.Name)}
		case n.TypeVersion == nil:
			return nil, &WorkflowError{Path: path + ".typeVersion", Err: fmt.Errorf("node %q has no typeVersion", *n.Name)}
		case seen[*n.Name]:
			return nil, &WorkflowError{Path: path + ".name", Err: fmt.Errorf("two nodes are named %q", *n.Name)}
		}
		seen[*n.Name] = true
		wn := WorkflowNode{Name: *n.Name, Type: *n.Type, TypeVersion: *n.TypeVersion, Parameters: n.Parameters,
			Disabled: n.Disabled, Settings: n.Settings}
		if wn.Parameters == nil {
			wn.Parameters = map[string]any{}
		}
		if len(n.Credentials) > 0 {
			wn.Credentials = make(map[string]StoredCredential, len(n.Credentials))
			for typ, c := range n.Credentials {
				wn.Credentials[typ] = StoredCredential{ID: idText(c.ID), Name: c.Name}
			}
		}
		w.Nodes = append(w.Nodes, wn)
	}
	for name, rawItems := range raw.PinData {
		var items []Item
		if err := strictUnmarshal(rawItems, &items); err != nil {
			return nil, &WorkflowError{Path: "pinData." + name, Err: err}
		}
		for i := range items {
			if _, ok := items[i].JSON.(map[string]any); !ok {
				return nil, &WorkflowError{Path: fmt.Sprintf("pinData.%s[%d]", name, i), Err: errors.New(`an item is {"json": {...}}`)}
			}
		}
		if w.PinData == nil {
			w.PinData = map[string][]Item{}
		}
		w.PinData[name] = items
	}
	return w, nil
}

// strictUnmarshal is json.Unmarshal that refuses trailing data, so that
// two workflows pasted one after the other are not read as the first.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON value")
	}
	if _, err := dec.Token(); err == nil {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// idText reads an id that n8n writes as a string or a number.
func idText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}
