package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// workflowFixture returns the path of a file in testdata/workflows.
func workflowFixture(t testing.TB, name string) string {
	t.Helper()
	return repo(t, "testdata/workflows/"+name)
}

// editedWorkflow writes a copy of a workflow fixture with edit applied to
// its decoded JSON, and returns the copy's path.
func editedWorkflow(t testing.TB, name string, edit func(w map[string]any)) string {
	t.Helper()
	data, err := os.ReadFile(workflowFixture(t, name))
	require.NoError(t, err)
	var w map[string]any
	require.NoError(t, json.Unmarshal(data, &w))
	edit(w)
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(mustJSON(t, w)), 0o600))
	return path
}

// workflowNode returns the named node of a decoded workflow.
func workflowNode(t testing.TB, w map[string]any, name string) map[string]any {
	t.Helper()
	for _, n := range w["nodes"].([]any) {
		if m := n.(map[string]any); m["name"] == name {
			return m
		}
	}
	t.Fatalf("no node %q", name)
	return nil
}

func TestWorkflowExec(t *testing.T) {
	t.Parallel()
	exported := workflowFixture(t, "support-intake.workflow.json")
	copied := workflowFixture(t, "copied-node.json")

	t.Run("exported workflow: node settings, $() from pinned data, stale parameter ignored", func(t *testing.T) {
		t.Parallel()
		items := `[{"json": {"customer": "Ada", "email": "ada@example.com", "order": "a-1"}}, {"json": {"customer": "Bob"}}]`
		out := cli(t, strings.NewReader(items), "exec", "--workflow", exported, "--node", "Create contact", "--sim")
		require.Equal(t, exitOK, out.code, out.stderr)
		res := decodeResult(t, out.stdout)
		require.Nil(t, res.Error)
		require.Len(t, res.Items, 2)
		contact := res.Items[0].JSON["payload"].(map[string]any)["contact"].(map[string]any)
		assert.Equal(t, "Ada", contact["name"])
		assert.Equal(t, map[string]any{"order": "A-1", "source": "shop"}, contact["custom_attributes"],
			"the expression reads $json and $('New orders') from the workflow's pinned data")
		// onError continueRegularOutput from the node: the failed item is an output item.
		require.NotNil(t, res.Items[1].Error)
		assert.Equal(t, "custom_attributes", res.Items[1].Error.Parameter)
		assert.Equal(t, 1, res.Items[1].PairedItem.Item)
	})
	t.Run("copied node, the only one: no --node needed", func(t *testing.T) {
		t.Parallel()
		out := cli(t, strings.NewReader(`[{"json": {"account": "@SIM_ACCOUNT_ID@"}}]`), "exec", "--workflow", copied, "--sim")
		require.Equal(t, exitOK, out.code, out.stderr)
		res := decodeResult(t, out.stdout)
		require.Len(t, res.Items, 1)
		assert.Contains(t, res.Items[0].JSON, "payload")
	})
	t.Run("dry run: parameters, Request Options and credentials from --credentials", func(t *testing.T) {
		t.Parallel()
		creds := filepath.Join(t.TempDir(), "creds.json")
		require.NoError(t, os.WriteFile(creds, []byte(`{"chatwootApi": {"url": "https://chat.example.com", "accessToken": "tok-123456789"}}`), 0o600))
		out := cli(t, strings.NewReader(`[{"json": {"account": 7}}]`), "exec", "--workflow", copied, "--credentials", creds, "--dry-run")
		require.Equal(t, exitOK, out.code, out.stderr)
		var dry struct {
			Requests []struct {
				Method  string         `json:"method"`
				URL     string         `json:"url"`
				Timeout float64        `json:"timeout"`
				Headers map[string]any `json:"headers"`
			} `json:"requests"`
		}
		require.NoError(t, json.Unmarshal([]byte(out.stdout), &dry), out.stdout)
		require.Len(t, dry.Requests, 1)
		assert.Equal(t, "GET", dry.Requests[0].Method)
		assert.Equal(t, "https://chat.example.com/api/v1/accounts/7/contacts?sort=email&page=1", dry.Requests[0].URL)
		assertNoSecret(t, out, "tok-123456789")
	})
	t.Run("empty stdin is one empty item", func(t *testing.T) {
		t.Parallel()
		out := cli(t, nil, "exec", "--workflow", exported, "--node", "Create contact", "--sim", "--dry-run")
		require.Equal(t, exitOK, out.code, out.stderr)
		assert.Contains(t, out.stdout, `"itemIndex": 0`)
		assert.Contains(t, out.stdout, "Cannot read property 'toUpperCase' of undefined", "$json.order of the empty item")
		assert.NotContains(t, out.stdout, `"itemIndex": 1`)
	})
	t.Run("jsonl", func(t *testing.T) {
		t.Parallel()
		in := `{"json": {"account": "@SIM_ACCOUNT_ID@"}}` + "\n" + `{"json": {"account": "@SIM_ACCOUNT_ID@"}}` + "\n"
		out := cli(t, strings.NewReader(in), "exec", "--workflow", copied, "--sim", "--jsonl")
		require.Equal(t, exitOK, out.code, out.stderr)
		lines := jsonLines(t, out.stdout)
		require.Len(t, lines, 2)
		assert.Equal(t, map[string]any{"item": 1.0}, lines[1]["pairedItem"])
	})
	t.Run("a workflow's timezone and name reach expressions", func(t *testing.T) {
		t.Parallel()
		path := editedWorkflow(t, "copied-node.json", func(w map[string]any) {
			w["name"] = "Night shift"
			w["settings"] = map[string]any{"timezone": "Asia/Tokyo"}
			p := workflowNode(t, w, "List contacts")["parameters"].(map[string]any)
			p["account_id"] = "={{ $now.zoneName === 'Asia/Tokyo' && $workflow.name === 'Night shift' ? 1 : 2 }}"
		})
		out := cli(t, nil, "exec", "--workflow", path, "--sim", "--dry-run")
		require.Equal(t, exitOK, out.code, out.stderr)
		assert.Contains(t, out.stdout, "/api/v1/accounts/1/contacts")
	})
}

func TestWorkflowCredentialsFromEnvironment(t *testing.T) {
	// Not parallel: it sets an environment variable.
	t.Setenv("NODERUN_CREDENTIALS_CHATWOOTAPI", `{"url": "https://chat.example.com", "accessToken": "tok-from-env-1234"}`)
	out := cli(t, strings.NewReader(`[{"json": {"account": 3}}]`), "exec", "--workflow", workflowFixture(t, "copied-node.json"), "--dry-run")
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.Contains(t, out.stdout, "https://chat.example.com/api/v1/accounts/3/contacts")
	assertNoSecret(t, out, "tok-from-env-1234")
}

func TestWorkflowInputErrors(t *testing.T) {
	t.Parallel()
	exported := workflowFixture(t, "support-intake.workflow.json")
	copied := workflowFixture(t, "copied-node.json")
	notJSON := filepath.Join(t.TempDir(), "broken.json")
	require.NoError(t, os.WriteFile(notJSON, []byte("{\n  \"nodes\": [\n    {\"name\": \"A\",}\n  ]\n}"), 0o600))
	cases := []struct {
		name  string
		args  []string
		stdin string
		want  []string // parts of the one stderr line
	}{
		{name: "misspelt node name", args: []string{"--workflow", exported, "--node", "Create contct"},
			want: []string{`no node is named "Create contct"`, `did you mean "Create contact"?`}},
		{name: "a node noderun does not run", args: []string{"--workflow", exported, "--node", "New orders"},
			want: []string{`node "New orders" has type "n8n-nodes-base.set", which noderun does not run`, `"@devlikeapro/n8n-nodes-chatwoot.chatWoot"`}},
		{name: "several nodes and no --node", args: []string{"--workflow", exported},
			want: []string{`choose the node to run with --node: "Create contact", "Find contact"`}},
		{name: "--node without --workflow", args: []string{"--node", "Create contact"},
			want: []string{"--node names a node of a --workflow file"}},
		{name: "missing workflow file", args: []string{"--workflow", filepath.Join(t.TempDir(), "none.json")},
			want: []string{"cannot read --workflow"}},
		{name: "invalid JSON", args: []string{"--workflow", notJSON},
			want: []string{"not valid JSON", "line 3, column"}},
		{name: "credentials not given", args: []string{"--workflow", copied},
			want: []string{`node "List contacts" uses the credential "Chatwoot (support desk)" (chatwootApi)`, "--credentials FILE", "NODERUN_CREDENTIALS_CHATWOOTAPI"}},
		{name: "stdin holds an exec request", args: []string{"--workflow", copied, "--sim"}, stdin: `{"node": "chatwoot"}`,
			want: []string{"with --workflow, stdin holds the input items: a JSON array"}},
		{name: "an item without json", args: []string{"--workflow", copied, "--sim"}, stdin: `[{"account": 1}]`,
			want: []string{`input item 0 has no "json"`}},
		{name: "no nodes", args: []string{"--workflow", editedWorkflow(t, "copied-node.json", func(w map[string]any) { delete(w, "nodes") })},
			want: []string{`no "nodes"`}},
		{name: "unknown typeVersion", args: []string{"--workflow", editedWorkflow(t, "copied-node.json", func(w map[string]any) {
			workflowNode(t, w, "List contacts")["typeVersion"] = 2
		}), "--sim"},
			want: []string{`has no typeVersion 2; it has 1`}},
		{name: "disabled node", args: []string{"--workflow", editedWorkflow(t, "copied-node.json", func(w map[string]any) {
			workflowNode(t, w, "List contacts")["disabled"] = true
		}), "--sim"},
			want: []string{`node "List contacts" is disabled`}},
		{name: "a parameter the node does not have", args: []string{"--workflow", editedWorkflow(t, "copied-node.json", func(w map[string]any) {
			workflowNode(t, w, "List contacts")["parameters"].(map[string]any)["sortt"] = "name"
		}), "--sim"},
			want: []string{`Unknown parameter "sortt". Did you mean "sort" (Sort)?`}},
		{name: "a bad onError setting", args: []string{"--workflow", editedWorkflow(t, "copied-node.json", func(w map[string]any) {
			workflowNode(t, w, "List contacts")["onError"] = "continue"
		}), "--sim"},
			want: []string{`settings.onError "continue" is not a choice`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out := cli(t, strings.NewReader(tc.stdin), append([]string{"exec"}, tc.args...)...)
			require.Equal(t, exitInput, out.code, "stdout: %s\nstderr: %s", out.stdout, out.stderr)
			line := oneStderrLine(t, out.stderr)
			for _, w := range tc.want {
				assert.Contains(t, line, w)
			}
			res := decodeResult(t, out.stdout)
			require.NotNil(t, res.Error)
		})
	}
}

// Strict inputs through exec requests: every mistake is exit 2 with one
// line naming the parameter and, where one is close, the name meant.
func TestStrictInputs(t *testing.T) {
	t.Parallel()
	contacts := func(extra map[string]any) map[string]any {
		p := map[string]any{"resource": "Contacts", "operation": "Contact List", "account_id": 1}
		for k, v := range extra {
			p[k] = v
		}
		return map[string]any{"node": "chatwoot", "parameters": p}
	}
	withCreds := func(req map[string]any, creds map[string]any) map[string]any {
		req["credentials"] = creds
		return req
	}
	noCredTypes := petstoreRequest(t, map[string]any{"resource": "pet", "operation": "get", "petId": "1"}, map[string]any{"url": "http://127.0.0.1:1", "apiKey": "k"}, nil)
	delete(noCredTypes, "credentialTypes")
	cases := []struct {
		name string
		req  map[string]any
		args []string
		want []string
	}{
		{name: "misspelt parameter", req: contacts(map[string]any{"pagee": 2}),
			want: []string{"chatwoot: Contacts → Contact List:", `Unknown parameter "pagee". Did you mean "page" (Page)?`}},
		{name: "text in a number", req: contacts(map[string]any{"account_id": "abc"}),
			want: []string{`Parameter "account_id" (Account Id) must be a number, not the text "abc".`}},
		{name: "another operation's parameter", req: contacts(map[string]any{"inbox_id": 1}),
			want: []string{`Parameter "inbox_id" (Inbox Id) is not used here`}},
		{name: "option not in the list", req: contacts(map[string]any{"sort": "emial"}),
			want: []string{`Parameter "sort" (Sort) has no option "emial". Did you mean "email"?`, `"=emial"`}},
		{name: "inside Request Options", req: contacts(map[string]any{"requestOptions": map[string]any{"allowUnauthorizedCerts": "yes"}}),
			want: []string{`Parameter "requestOptions.allowUnauthorizedCerts" (Ignore SSL Issues (Insecure)) must be true or false, not the text "yes".`}},
		{name: "typed node", req: map[string]any{"node": "chatwoot.createConversation", "parameters": map[string]any{"inbox_identifer": "a", "contact_identifier": "b"}},
			want: []string{`Unknown parameter "inbox_identifer". Did you mean "inbox_identifier" (Inbox Identifier)?`}},
		{name: "credential field", req: withCreds(contacts(nil), map[string]any{"chatwootApi": map[string]any{"url": "https://chat.example.com", "token": "tok-abcdef123456"}}),
			want: []string{`Credential "chatwootApi" (ChatWoot API) has no field "token". Did you mean "accessToken" (Access Token)?`,
				`needs "accessToken" (Access Token), which is missing.`}},
		{name: "credential type", req: withCreds(contacts(nil), map[string]any{"chatwoot": map[string]any{"url": "https://chat.example.com", "accessToken": "tok-abcdef123456"}}),
			want: []string{`unknown credential type "chatwoot" in "credentials" (did you mean "chatwootApi"?); the node uses the credential type "chatwootApi"`}},
		{name: "descriptor without its credential type", req: noCredTypes,
			want: []string{`The node uses credential type "petstoreApi", but that type was not given`, `"credentialTypes"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out := cli(t, strings.NewReader(mustJSON(t, tc.req)), append([]string{"exec", "--dry-run"}, tc.args...)...)
			require.Equal(t, exitInput, out.code, "stdout: %s\nstderr: %s", out.stdout, out.stderr)
			line := oneStderrLine(t, out.stderr)
			for _, w := range tc.want {
				assert.Contains(t, line, w)
			}
			assertNoSecret(t, out, "tok-abcdef123456")
			res := decodeResult(t, out.stdout)
			require.NotNil(t, res.Error)
			if tc.name != "credential type" { // the CLI's own check: an InputError
				assert.Equal(t, "WorkflowHasIssuesError", res.Error.Name, "n8n's error class")
			}
		})
	}

	t.Run("--lenient-inputs does what n8n does", func(t *testing.T) {
		t.Parallel()
		out := cli(t, strings.NewReader(mustJSON(t, contacts(map[string]any{"pagee": 2, "sort": "random"}))), "exec", "--dry-run", "--sim", "--lenient-inputs")
		require.Equal(t, exitOK, out.code, out.stderr)
		assert.Contains(t, out.stdout, "/contacts?sort=random")
		assert.NotContains(t, out.stdout, "pagee")
	})
	t.Run("n8n's type name for the built-in node", func(t *testing.T) {
		t.Parallel()
		req := contacts(nil)
		req["node"] = "@devlikeapro/n8n-nodes-chatwoot.chatWoot"
		out := cli(t, strings.NewReader(mustJSON(t, req)), "exec", "--sim")
		require.Equal(t, exitOK, out.code, out.stderr)
		require.Len(t, decodeResult(t, out.stdout).Items, 1)
	})
}

// TestWorkflowBinary runs --workflow through the built binary: a real
// process, its stdin, stdout, stderr and exit status.
func TestWorkflowBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "noderun")
	build := exec.Command("go", "build", "-o", bin, ".")
	if msg, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, msg)
	}
	runBin := func(stdin string, args ...string) outcome {
		cmd := exec.Command(bin, args...)
		cmd.Stdin = strings.NewReader(stdin)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			code = exitErr.ExitCode()
		} else {
			require.NoError(t, err)
		}
		return outcome{code: code, stdout: stdout.String(), stderr: stderr.String()}
	}

	items := `[{"json": {"customer": "Grace", "email": "grace@example.com", "order": "g-7"}}]`
	out := runBin(items, "exec", "--workflow", workflowFixture(t, "support-intake.workflow.json"), "--node", "Create contact", "--sim")
	require.Equal(t, exitOK, out.code, out.stderr)
	res := decodeResult(t, out.stdout)
	require.Len(t, res.Items, 1)
	contact := res.Items[0].JSON["payload"].(map[string]any)["contact"].(map[string]any)
	assert.Equal(t, "grace@example.com", contact["email"])

	out = runBin("", "exec", "--workflow", workflowFixture(t, "copied-node.json"))
	require.Equal(t, exitInput, out.code, out.stderr)
	assert.Contains(t, oneStderrLine(t, out.stderr), "NODERUN_CREDENTIALS_CHATWOOTAPI")

	out = runBin(`{"node": "chatwoot", "parameters": {"resource": "Contacts", "operation": "Contact List", "account_id": 1, "pagee": 2}}`, "exec", "--sim")
	require.Equal(t, exitInput, out.code, out.stderr)
	assert.Contains(t, oneStderrLine(t, out.stderr), `Unknown parameter "pagee". Did you mean "page" (Page)?`)
}
