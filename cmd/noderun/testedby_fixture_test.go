package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/runtime/runtimetest"
)

// TestTestedByFixtures replays testdata/testedby: credential tests of the
// tokens fixture package's types that its nodes test themselves
// (testedBy), recorded from n8n 2.41.1's CredentialsTester. noderun sends
// the same requests and reports the same outcome, with the credential's
// secrets masked in the message; a function that throws is a failed test
// with the exception's message, where n8n's test throws.
func TestTestedByFixtures(t *testing.T) {
	dir := repo(t, "testdata/testedby")
	secrets := []string{"pw-2", "gk-1", "cs-2", "at-1", "wk-1"}
	tests := []struct {
		name string
		// message is noderun's where it deliberately differs from n8n's
		// exception ("" : n8n's message, masked).
		message string
	}{
		{"gadget-ok", ""},
		{"gadget-banned", ""},
		{"gadget-free", ""},
		{"gadget-401", ""},
		{"gizmo-request", ""},
		{"gizmo-uri", ""},
		{"gizmo-refused", ""},
		{"gizmo-sync", ""},
		{"gizmo-throw", ""},
		// n8n: "this.getNodeParameter is not a function".
		{"gizmo-member", "n8n-nodes-tokens.gizmo: credential test function gizmoApiTest of version 2: Error: this.getNodeParameter is not available in noderun (node n8n-nodes-tokens.gizmo, credential test function gizmoApiTest)"},
		{"gizmo-oauth2", ""},
		{"gizmo-options-uri", ""},
		{"gizmo-number", ""},
		{"widget-first", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c struct {
				runtimetest.CredentialTestCase
				Package string `json:"package"`
			}
			var want struct {
				Requests []runtimetest.Request `json:"requests"`
				Result   *struct {
					Status  string `json:"status"`
					Message any    `json:"message"` // n8n passes a function's through
				} `json:"result"`
				Thrown *struct {
					Message string `json:"message"`
				} `json:"thrown"`
			}
			srv := runtimetest.NewReplay(t, filepath.Join(dir, tt.name+".json"), filepath.Join(dir, tt.name+".out.json"), &c, &want)
			credFile := filepath.Join(t.TempDir(), "creds.json")
			require.NoError(t, os.WriteFile(credFile, []byte(mustJSON(t, map[string]any{c.CredentialType: c.Credentials})), 0o600))
			out := cli(t, nil, "credentials", "test", "--package", repo(t, c.Package), "--type", c.CredentialType, "--credentials", credFile)
			var res struct {
				OK      bool   `json:"ok"`
				Message string `json:"message"`
			}
			require.NoError(t, json.Unmarshal([]byte(out.stdout), &res), out.stderr)
			mask := func(s string) string {
				for _, secret := range secrets {
					s = strings.ReplaceAll(s, secret, "**hidden**")
				}
				return s
			}
			switch {
			case tt.message != "":
				assert.False(t, res.OK)
				assert.Equal(t, tt.message, res.Message)
			case want.Thrown != nil:
				assert.False(t, res.OK)
				assert.True(t, strings.HasSuffix(res.Message, "Error: "+mask(want.Thrown.Message)), res.Message)
			default:
				require.NotNil(t, want.Result)
				assert.Equal(t, want.Result.Status == "OK", res.OK)
				assert.Equal(t, mask(fmt.Sprint(want.Result.Message)), res.Message) // a number's text
			}
			for _, secret := range secrets {
				assertNoSecret(t, out, secret)
			}
			runtimetest.AssertRequests(t, want.Requests, srv.Requests())
		})
	}
}
