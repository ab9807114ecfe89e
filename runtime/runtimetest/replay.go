package runtimetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
)

// NewReplay starts a recording server for the case file at casePath (any
// JSON with the oracle's "responses") and decodes the case into c and its
// recording at outPath into want, with @ORACLE_URL@ made the server's URL
// in both, so that the responses and the credentials name this server.
// Either of c and want may be nil. The server is closed by t.Cleanup.
func NewReplay(t testing.TB, casePath, outPath string, c, want any) *Server {
	t.Helper()
	s := NewServer(t, nil)
	var answers struct {
		Responses []Response `json:"responses"`
	}
	for path, v := range map[string]any{casePath: &answers, outPath: want} {
		if v != nil {
			require.NoError(t, DecodeFile(path, s.URL, v))
		}
	}
	if c != nil {
		require.NoError(t, DecodeFile(casePath, s.URL, c))
	}
	s.mu.Lock()
	s.responses = answers.Responses
	s.mu.Unlock()
	return s
}

// DecodeFile decodes the JSON file at path into v, with @ORACLE_URL@
// replaced by serverURL.
func DecodeFile(path, serverURL string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(strings.ReplaceAll(string(b), "@ORACLE_URL@", serverURL)), v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// AssertRequests checks that got are the recorded requests want, in
// order: each one's method, path, query and body, and the headers named,
// or when none are named every header the recording kept (a header
// named must be absent from got where the recording lacks it).
func AssertRequests(t require.TestingT, want, got []Request, headers ...string) {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	require.Len(t, got, len(want), "requests")
	for i, w := range want {
		g := got[i]
		assert.Equal(t, w.Method+" "+w.Path, g.Method+" "+g.Path, "request %d", i)
		// A recording without "query" saw none: nil and empty are alike.
		if len(w.Query) > 0 || len(g.Query) > 0 {
			assert.Equal(t, w.Query, g.Query, "request %d query", i)
		}
		assert.Equal(t, w.Body, g.Body, "request %d body", i)
		if len(headers) > 0 {
			for _, k := range headers {
				assert.Equal(t, w.Headers[k], g.Headers[k], "request %d header %s", i, k)
			}
			continue
		}
		for k, v := range w.Headers {
			assert.Equal(t, v, g.Headers[k], "request %d header %s", i, k)
		}
	}
}

// PeerPackage returns the directory of the npm package name (such as
// "n8n-nodes-base") installed in the peer harness (the real n8n that
// recorded the oracle cases): under $NODERUN_PEER_DIR if set, else
// ../shared/peer from the module root, else /tmp/peer. Without one it
// skips the test: CI has no n8n.
func PeerPackage(t testing.TB, name string) string {
	t.Helper()
	var dirs []string
	if d := os.Getenv("NODERUN_PEER_DIR"); d != "" {
		dirs = append(dirs, d)
	} else {
		if root, err := moduleRoot(); err == nil {
			dirs = append(dirs, filepath.Join(root, "..", "shared", "peer"))
		}
		dirs = append(dirs, "/tmp/peer")
	}
	for _, d := range dirs {
		pkg := filepath.Join(d, "node_modules", filepath.FromSlash(name))
		if fi, err := os.Stat(filepath.Join(pkg, "package.json")); err == nil && !fi.IsDir() {
			return pkg
		}
	}
	t.Skipf("no %s installed in the peer harness (looked in %v; set NODERUN_PEER_DIR): real-package tests skipped", name, dirs)
	return ""
}

// moduleRoot is the nearest directory above the working directory (a
// test's package) that holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// NodeCase is a case of the peer harness's oracle-base.js: a node of an
// installed n8n package, by type name and version, run once on Items with
// Parameters and with Credentials stored under CredentialType. NewReplay
// serves its "responses"; its recording is a Recording.
type NodeCase struct {
	Node           string         `json:"node"`
	TypeVersion    float64        `json:"typeVersion"`
	CredentialType string         `json:"credentialType"`
	Credentials    map[string]any `json:"credentials"`
	Parameters     map[string]any `json:"parameters"`
	Items          []node.Item    `json:"items"`
}

// CredentialTestCase is a case of n8n's credential test: the credentials
// tested, stored under CredentialType. NewReplay serves its "responses".
type CredentialTestCase struct {
	CredentialType string         `json:"credentialType"`
	Credentials    map[string]any `json:"credentials"`
}

// CredentialTestRecording is what n8n's credential test of a
// CredentialTestCase sent, concluded and persisted.
type CredentialTestRecording struct {
	Requests []Request `json:"requests"`
	Result   struct {
		Status  string `json:"status"` // "OK" or "Error"
		Message string `json:"message"`
	} `json:"result"`
	// Persisted holds the credential data n8n saved, one entry a save.
	Persisted []map[string]any `json:"persisted"`
}
