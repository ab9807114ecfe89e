package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/runtime/runtimetest"
)

// TestPeerCredentialsTestMatchesN8n replays n8n 2.41.1's credential tests
// (testdata/credtest) through `credentials test --package` on the real
// n8n-nodes-base (its Metabase preAuthentication in JavaScript) and
// compares the requests and the verdict.
func TestPeerCredentialsTestMatchesN8n(t *testing.T) {
	base := runtimetest.PeerPackage(t, "n8n-nodes-base")
	dir := repo(t, "testdata/credtest")
	// Where noderun deliberately differs (README "Differences from n8n"),
	// or cannot replay the real type.
	differs := map[string]struct {
		requests int
		ok       bool
		message  string
	}{
		"metabase-badpass": {1, false, "Unauthorized"},
		"oauth2-cc-notest": {1, true, "Connection Successful!"},
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.out.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".out.json")
		t.Run(name, func(t *testing.T) {
			var c runtimetest.CredentialTestCase
			var want runtimetest.CredentialTestRecording
			srv := runtimetest.NewReplay(t, filepath.Join(dir, name+".json"), f, &c, &want)
			credFile := filepath.Join(t.TempDir(), "creds.json")
			require.NoError(t, os.WriteFile(credFile, []byte(mustJSON(t, map[string]any{c.CredentialType: c.Credentials})), 0o600))
			out := cli(t, nil, "credentials", "test", "--package", base, "--type", c.CredentialType, "--credentials", credFile)
			require.Contains(t, []int{exitOK, exitFailed}, out.code, out.stderr)
			var res struct {
				OK      bool   `json:"ok"`
				Message string `json:"message"`
			}
			require.NoError(t, json.Unmarshal([]byte(out.stdout), &res), out.stdout)
			got := srv.Requests()
			if d, ok := differs[name]; ok {
				assert.Equal(t, d.ok, res.OK)
				assert.Equal(t, d.message, res.Message)
				assert.Len(t, got, d.requests)
				return
			}
			assert.Equal(t, want.Result.Status == "OK", res.OK)
			assert.Equal(t, want.Result.Message, res.Message)
			runtimetest.AssertRequests(t, want.Requests, got, "authorization", "x-metabase-session")
		})
	}
}
