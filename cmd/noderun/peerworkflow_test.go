package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/runtime/runtimetest"
)

// TestPeerWorkflowPackageMatchesN8n runs real n8n-nodes-base nodes whose
// routes and credentials carry JavaScript (Npm's preSend and postReceive,
// Okta's pagination, Metabase's preAuthentication and 401 retry) as nodes
// of an n8n workflow (--workflow with --package) and compares every
// request and the output with n8n's recordings.
func TestPeerWorkflowPackageMatchesN8n(t *testing.T) {
	base := runtimetest.PeerPackage(t, "n8n-nodes-base")
	dir := filepath.Join("..", "..", "nodes", "n8npackage", "testdata", "functions")
	cases, err := filepath.Glob(filepath.Join(dir, "*.case.json"))
	require.NoError(t, err)
	require.NotEmpty(t, cases)
	for _, file := range cases {
		name := strings.TrimSuffix(filepath.Base(file), ".case.json")
		t.Run(name, func(t *testing.T) {
			var c runtimetest.NodeCase
			var want runtimetest.Recording
			srv := runtimetest.NewReplay(t, file, strings.TrimSuffix(file, ".case.json")+".out.json", &c, &want)

			wf := writeWorkflow(t, c.Node, c.TypeVersion, c.Parameters, c.CredentialType)
			credFile := filepath.Join(t.TempDir(), "creds.json")
			require.NoError(t, os.WriteFile(credFile, []byte(mustJSON(t, map[string]any{c.CredentialType: c.Credentials})), 0o600))
			out := cli(t, strings.NewReader(mustJSON(t, c.Items)), "exec", "--workflow", wf, "--node", "Gizmo", "--package", base, "--credentials", credFile)
			require.Equal(t, exitOK, out.code, out.stderr)
			res := decodeResult(t, out.stdout)
			require.Nil(t, res.Error)
			require.Nil(t, want.Error)

			runtimetest.AssertRequests(t, want.Requests, srv.Requests())
			require.Len(t, res.Items, len(want.Output))
			for i, w := range want.Output {
				assert.Equal(t, w.JSON, res.Items[i].JSON, "output item %d", i)
			}
		})
	}
}
