package n8npackage_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/nodes/n8npackage"
	"github.com/noderun/noderun/runtime"
	"github.com/noderun/noderun/runtime/runtimetest"
)

// TestPeerFunctionsMatchN8n runs real n8n-nodes-base nodes whose routes or
// credentials carry JavaScript (Okta's cursor pagination and postReceive,
// Metabase's preAuthentication and its 401 retry) and compares requests
// and output with n8n's recordings; Npm's preSend and postReceive too.
func TestPeerFunctionsMatchN8n(t *testing.T) {
	ctx := context.Background()
	pkg, err := n8npackage.Load(ctx, runtimetest.PeerPackage(t, "n8n-nodes-base"))
	require.NoError(t, err)
	defer pkg.Close()
	cases, err := filepath.Glob(filepath.Join("testdata", "functions", "*.case.json"))
	require.NoError(t, err)
	require.NotEmpty(t, cases)
	for _, file := range cases {
		name := strings.TrimSuffix(filepath.Base(file), ".case.json")
		t.Run(name, func(t *testing.T) {
			var c runtimetest.NodeCase
			var want runtimetest.Recording
			srv := runtimetest.NewReplay(t, file, strings.TrimSuffix(file, ".case.json")+".out.json", &c, &want)

			nt, err := pkg.NodeType(ctx, c.Node, c.TypeVersion)
			require.NoError(t, err)
			hooks := &runtime.Hooks{}
			require.NoError(t, pkg.RegisterHooks(ctx, hooks))
			engine := &runtime.Engine{Hooks: hooks, Retry: runtime.RetryPolicy{Disabled: true}}
			res, err := engine.Execute(ctx, runtime.Run{Node: nt, TypeVersion: c.TypeVersion, Parameters: c.Parameters,
				Credentials: credentials.Map{c.CredentialType: c.Credentials}, Items: c.Items})
			require.NoError(t, err)
			require.Nil(t, res.Err)
			require.Nil(t, want.Error)

			runtimetest.AssertRequests(t, want.Requests, srv.Requests())
			var out []any
			for _, it := range res.Items {
				out = append(out, it.JSON)
			}
			var wantOut []any
			for _, it := range want.Output {
				wantOut = append(wantOut, it.JSON)
			}
			assert.Equal(t, wantOut, out)
		})
	}
}
