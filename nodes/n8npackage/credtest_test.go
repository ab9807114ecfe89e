package n8npackage_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes/n8npackage"
)

// fakeHelpers records the options of each request and answers with body,
// or fails with err.
type fakeHelpers struct {
	got  []map[string]any
	body any
	err  error
}

func (h *fakeHelpers) HTTPRequest(_ context.Context, options map[string]any) (any, error) {
	h.got = append(h.got, options)
	return h.body, h.err
}

// TestCredentialTestFunctions: a node's methods.credentialTest functions
// are the node type's CredentialTests, the latest version's for each name
// whatever version the node type is, and run with n8n's
// CredentialTestContext: helpers.request takes the request library's
// options.
func TestCredentialTestFunctions(t *testing.T) {
	ctx := context.Background()
	pkg, err := n8npackage.Load(ctx, filepath.Join("testdata", "tokens"))
	require.NoError(t, err)
	defer pkg.Close()

	n, err := pkg.Node(ctx, "gizmo")
	require.NoError(t, err)
	var paths []string
	for _, f := range n.Functions {
		if f.Kind == "credentialTest" {
			paths = append(paths, f.Path)
		}
	}
	assert.Equal(t, []string{"/methods/credentialTest/gizmoApiTest", "/methods/credentialTest/gizmoApiTest"}, paths, "one per version")

	data := func(mode string) map[string]any {
		return map[string]any{"url": "http://gizmo.test", "user": "bob", "password": "pw", "mode": mode}
	}
	tests := []struct {
		name    string
		mode    string
		helpers fakeHelpers
		want    credentials.TestResult
		wantErr string
		sent    []map[string]any
	}{
		{"request options: uri, auth {user, pass}, the body as text, accepting any", "request", fakeHelpers{body: `{"who":"bob"}`},
			credentials.TestResult{OK: true, Message: "Hello bob (string)"}, "",
			[]map[string]any{{"url": "http://gizmo.test/login", "method": "POST", "auth": map[string]any{"username": "bob", "password": "pw"},
				"qs": map[string]any{"v": float64(2)}, "encoding": "text", "headers": map[string]any{"accept": "*/*"}}}},
		{"request(uri, options) with json: true", "uri", fakeHelpers{body: map[string]any{"who": "bob"}},
			credentials.TestResult{OK: true, Message: "Hello bob (object)"}, "",
			[]map[string]any{{"url": "http://gizmo.test/login", "method": "POST", "body": map[string]any{"user": "bob", "password": "pw"}, "json": true}}},
		{"request(uri, options): options.uri wins, as n8n spreads the options over {uri}", "optionsUri", fakeHelpers{body: map[string]any{"who": "bob"}},
			credentials.TestResult{OK: true, Message: "Hello bob (object)"}, "",
			[]map[string]any{{"url": "http://gizmo.test/login", "method": "POST", "body": map[string]any{"user": "bob", "password": "pw"}, "json": true}}},
		{"a failed request caught by the function", "request", fakeHelpers{err: errors.New("401 - no")},
			credentials.TestResult{Message: "Login as bob with pw failed: 401 - no"}, "",
			[]map[string]any{{"url": "http://gizmo.test/login", "method": "POST", "auth": map[string]any{"username": "bob", "password": "pw"},
				"qs": map[string]any{"v": float64(2)}, "encoding": "text", "headers": map[string]any{"accept": "*/*"}}}},
		{"a result that is no promise", "sync", fakeHelpers{}, credentials.TestResult{OK: true, Message: "sync gizmoApi"}, "", nil},
		{"a result that is no {status, message}", "none", fakeHelpers{}, credentials.TestResult{},
			"n8n-nodes-tokens.gizmo: credential test function gizmoApiTest of version 2: it returned undefined, not {status, message}", nil},
		{"a status neither OK nor Error", "status", fakeHelpers{}, credentials.TestResult{},
			`n8n-nodes-tokens.gizmo: credential test function gizmoApiTest of version 2: it returned the status "Fine", not "OK" or "Error"`, nil},
		{"a message that is no string: its JavaScript text", "number", fakeHelpers{}, credentials.TestResult{OK: true, Message: "42"}, "", nil},
		{"a function that throws", "throw", fakeHelpers{}, credentials.TestResult{},
			"n8n-nodes-tokens.gizmo: credential test function gizmoApiTest of version 2: Error: cannot reach http://gizmo.test as bob with pw", nil},
		{"a member CredentialTestContext lacks", "member", fakeHelpers{}, credentials.TestResult{},
			"n8n-nodes-tokens.gizmo: credential test function gizmoApiTest of version 2: Error: this.getNodeParameter is not available in noderun (node n8n-nodes-tokens.gizmo, credential test function gizmoApiTest)", nil},
	}
	for _, version := range []float64{1, 2} {
		nt, err := pkg.NodeType(ctx, "gizmo", version)
		require.NoError(t, err)
		require.Len(t, nt.CredentialTests, 1)
		fn := nt.CredentialTests["gizmoApiTest"]
		require.NotNil(t, fn)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				h := tt.helpers
				got, err := fn(ctx, "gizmoApi", data(tt.mode), &h)
				if tt.wantErr != "" {
					require.EqualError(t, err, tt.wantErr)
				} else {
					require.NoError(t, err)
					assert.Equal(t, tt.want, got)
				}
				assert.Equal(t, tt.sent, h.got)
			})
		}
	}

	t.Run("the node that tests a credential type", func(t *testing.T) {
		for typeName, want := range map[string]string{"gadgetApi": "gadget", "gizmoApi": "gizmo", "gizmoOAuth2Api": "gizmo", "vaultOAuth2Api": "",
			"widgetApi": "widget", "blankApi": ""} {
			nt, err := pkg.CredentialTestNodeType(ctx, typeName)
			require.NoError(t, err)
			if want == "" {
				assert.Nil(t, nt, typeName)
				continue
			}
			require.NotNil(t, nt, typeName)
			assert.Equal(t, want, nt.Description.Name, typeName)
			assert.NotNil(t, nt.CredentialTypes[typeName], typeName)
		}
		_, err := pkg.CredentialTestNodeType(ctx, "nopeApi")
		require.Error(t, err)
	})

	t.Run("the first version's testedBy, as n8n scans nodeVersions", func(t *testing.T) {
		nt, err := pkg.CredentialTestNodeType(ctx, "widgetApi")
		require.NoError(t, err)
		require.NotNil(t, nt)
		assert.Equal(t, node.Version{1}, nt.Description.Version)
		assert.Equal(t, "={{$credentials.url}}/one", nt.Description.RequestDefaults.BaseURL)
		require.Len(t, nt.Description.Credentials, 2)
		assert.JSONEq(t, `{"request":{"method":"GET","url":"/whoami"}}`, string(nt.Description.Credentials[0].TestedBy))
	})
}
