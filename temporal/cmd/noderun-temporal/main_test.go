package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/server/temporaltest"

	"github.com/noderun/noderun/nodes/chatwoot/chatwootsim"
)

// The commands against a real in-process Temporal server and the
// simulator: a worker serves, run prints what `noderun exec` prints.
func TestWorkerAndRun(t *testing.T) {
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	sim := chatwootsim.New(chatwootsim.Options{})
	hs := httptest.NewServer(sim)
	defer hs.Close()
	seed := sim.Seed()
	dir := t.TempDir()
	credFile := filepath.Join(dir, "creds.json")
	// The widgets fixture package of nodes/n8npackage asks this service.
	widgetSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"count": 3, "path": %q, "session": %q}`, r.URL.Path, r.Header.Get("X-Widget-Session"))
	}))
	defer widgetSrv.Close()
	require.NoError(t, os.WriteFile(credFile, []byte(fmt.Sprintf(`{"chatwootApi": {"url": %q, "accessToken": %q}, "widgetApi": {"baseUrl": %q, "sessionToken": "s-1"}}`,
		hs.URL, seed.AdminToken, widgetSrv.URL)), 0o600))
	widgets := filepath.Join("..", "..", "..", "nodes", "n8npackage", "testdata", "widgets")
	common := []string{"--temporal-address", ts.GetFrontendHostPort(), "--namespace", ts.GetDefaultNamespace(), "--task-queue", "cli"}

	ctx, cancel := context.WithCancel(context.Background())
	var workerErr bytes.Buffer
	workerDone := make(chan int)
	go func() {
		workerDone <- run(ctx, append([]string{"worker", "--credentials", "prod=" + credFile, "--expression-timeout", "1m", "--package", widgets}, common...), nil, &bytes.Buffer{}, &workerErr)
	}()
	defer func() {
		cancel()
		assert.Equal(t, exitOK, <-workerDone, "the worker stops cleanly on a signal: %s", workerErr.String())
		assert.NotContains(t, workerErr.String(), seed.AdminToken)
	}()

	contacts := func(creds string, names ...string) string {
		items := make([]string, len(names))
		for i, n := range names {
			items[i] = fmt.Sprintf(`{"json": {"name": %q}}`, n)
		}
		return fmt.Sprintf(`{"node": "chatwoot", "parameters": {"resource": "Contacts", "operation": "Contact Create",
			"account_id": %d, "inbox_id": %d, "name": "={{ $json.name }}"}, "credentials": %s, "items": [%s]}`,
			seed.AccountID, seed.InboxID, creds, strings.Join(items, ", "))
	}
	exec := func(t *testing.T, stdin string, extra ...string) (int, execResult, string) {
		t.Helper()
		var out, errOut bytes.Buffer
		rctx, rcancel := context.WithTimeout(context.Background(), time.Minute)
		defer rcancel()
		code := run(rctx, append(append([]string{"run"}, common...), extra...), strings.NewReader(stdin), &out, &errOut)
		var res execResult
		if !slicesContain(extra, "--detach") {
			require.NoError(t, json.Unmarshal(out.Bytes(), &res), "stdout is the exec JSON: %s", out.String())
		}
		return code, res, out.String() + errOut.String()
	}

	t.Run("items in order", func(t *testing.T) {
		code, res, text := exec(t, contacts(`{"chatwootApi": "prod"}`, "Ann", "Bob", "Cy"))
		require.Equal(t, exitOK, code, text)
		require.Len(t, res.Items, 3)
		for i, name := range []string{"Ann", "Bob", "Cy"} {
			assert.Equal(t, i, res.Items[i].PairedItem.Item)
			contact := res.Items[i].JSON.(map[string]any)["payload"].(map[string]any)["contact"].(map[string]any)
			assert.Equal(t, name, contact["name"])
		}
		assert.Nil(t, res.Error)
	})
	t.Run("secret values refused", func(t *testing.T) {
		code, res, text := exec(t, contacts(`{"chatwootApi": {"url": "http://x", "accessToken": "s3cr3t-token"}}`, "Ann"))
		require.Equal(t, exitInput, code, text)
		require.NotNil(t, res.Error)
		assert.Contains(t, res.Error.Message, "plain text")
		assert.Contains(t, res.Error.Message, `{"chatwootApi": "NAME"}`)
	})
	t.Run("node failure", func(t *testing.T) {
		bad := strings.Replace(contacts(`{"chatwootApi": "prod"}`, "Ann"), fmt.Sprintf(`"inbox_id": %d`, seed.InboxID), `"inbox_id": 999999`, 1)
		code, res, text := exec(t, bad)
		require.Equal(t, exitFailed, code, text)
		require.NotNil(t, res.Error)
		assert.Equal(t, "404", res.Error.HTTPCode)
		assert.Empty(t, res.Items)
	})
	t.Run("unknown credential name", func(t *testing.T) {
		code, res, text := exec(t, contacts(`{"chatwootApi": "staging"}`, "Ann"))
		require.Equal(t, exitInput, code, text)
		require.NotNil(t, res.Error)
		assert.Contains(t, res.Error.Message, `no credentials named "staging"`)
	})
	t.Run("unknown node", func(t *testing.T) {
		code, res, text := exec(t, `{"node": "chatwot"}`)
		require.Equal(t, exitInput, code, text)
		assert.Contains(t, res.Error.Message, `unknown node "chatwot"`)
	})
	t.Run("unknown key", func(t *testing.T) {
		code, res, text := exec(t, `{"node": "chatwoot", "itemz": []}`)
		require.Equal(t, exitInput, code, text)
		assert.Contains(t, res.Error.Message, `unknown key "itemz"`)
	})
	t.Run("package node", func(t *testing.T) {
		code, res, text := exec(t, `{"node": "n8n-nodes-widgets.widget", "parameters": {"operation": "count", "shape": "circle"},
			"credentials": {"widgetApi": "prod"}, "items": [{"json": {}}, {"json": {}}]}`)
		require.Equal(t, exitOK, code, text)
		require.Len(t, res.Items, 2)
		out := res.Items[1].JSON.(map[string]any)
		assert.Equal(t, 3.0, out["count"])
		assert.Equal(t, "/widgets/count/circle", out["path"])
		assert.Equal(t, "s-1", out["session"], "the worker's credential was used")
		assert.Equal(t, 1, res.Items[1].PairedItem.Item)
	})
	t.Run("package path refused", func(t *testing.T) {
		code, res, text := exec(t, `{"package": "some/dir", "node": "widget"}`)
		require.Equal(t, exitInput, code, text)
		assert.Contains(t, res.Error.Message, "--package")
	})
	t.Run("detach", func(t *testing.T) {
		code, _, text := exec(t, contacts(`{"chatwootApi": "prod"}`, "Dee"), "--detach", "--workflow-id", "detached-1")
		require.Equal(t, exitOK, code, text)
		assert.Equal(t, "detached-1", strings.TrimSpace(strings.SplitN(text, "\n", 2)[0]))
	})
}

func slicesContain(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
