package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/nodes/chatwoot/chatwootsim"
)

// contactDetails is a generic Chatwoot request on the --sim simulator: one
// item per contact id, with the given settings.
func contactDetails(settings map[string]any, ids ...int) map[string]any {
	items := make([]map[string]any, len(ids))
	for i, id := range ids {
		items[i] = map[string]any{"json": map[string]any{"id": id}}
	}
	req := map[string]any{
		"node": "chatwoot",
		"parameters": map[string]any{"resource": "Contacts", "operation": "Contact Details",
			"account_id": "@SIM_ACCOUNT_ID@", "id": "={{ $json.id }}"},
		"items": items,
	}
	if settings != nil {
		req["settings"] = settings
	}
	return req
}

// TestExecStatus drives every exit status of the exec contract: stdout is
// always one JSON result, a failure has exactly one line on stderr.
func TestExecStatus(t *testing.T) {
	example, err := os.ReadFile(repo(t, "testdata/examples/create-conversation.json"))
	require.NoError(t, err)
	tests := []struct {
		name  string
		args  []string
		stdin func(t *testing.T) string
		code  int
		check func(t *testing.T, res execResultJSON, stderr string)
	}{
		{
			name:  "ran",
			args:  []string{"--sim"},
			stdin: func(*testing.T) string { return string(example) },
			code:  exitOK,
			check: func(t *testing.T, res execResultJSON, stderr string) {
				require.Len(t, res.Items, 2)
				for i, it := range res.Items {
					require.NotNil(t, it.PairedItem)
					assert.Equal(t, i, it.PairedItem.Item)
					assert.Nil(t, it.Error)
				}
				assert.Empty(t, res.ErrorItems)
				assert.Nil(t, res.Error)
				assert.Empty(t, stderr)
			},
		},
		{
			name: "continue regular output: error items, status 0",
			args: []string{"--sim"},
			stdin: func(t *testing.T) string {
				return mustJSON(t, contactDetails(map[string]any{"onError": "continueRegularOutput"}, 1, 999, 1))
			},
			code: exitOK,
			check: func(t *testing.T, res execResultJSON, _ string) {
				require.Len(t, res.Items, 3)
				assert.Nil(t, res.Error)
				assert.Nil(t, res.Items[0].Error)
				failed := res.Items[1]
				require.NotNil(t, failed.Error)
				assert.Equal(t, "404", failed.Error.HTTPCode)
				require.NotNil(t, failed.Error.ItemIndex)
				assert.Equal(t, 1, *failed.Error.ItemIndex)
				assert.Equal(t, failed.Error.Message, failed.JSON["error"])
				assert.Equal(t, 1, failed.PairedItem.Item)
				assert.Nil(t, res.Items[2].Error)
			},
		},
		{
			name: "continue error output: errorItems, status 0",
			args: []string{"--sim"},
			stdin: func(t *testing.T) string {
				return mustJSON(t, contactDetails(map[string]any{"onError": "continueErrorOutput"}, 1, 999, 1))
			},
			code: exitOK,
			check: func(t *testing.T, res execResultJSON, _ string) {
				require.Len(t, res.Items, 2)
				assert.Equal(t, 0, res.Items[0].PairedItem.Item)
				assert.Equal(t, 2, res.Items[1].PairedItem.Item)
				require.Len(t, res.ErrorItems, 1)
				assert.Equal(t, 1, res.ErrorItems[0].PairedItem.Item)
				assert.Equal(t, "404", res.ErrorItems[0].Error.HTTPCode)
				assert.Nil(t, res.Error)
			},
		},
		{
			name: "legacy continueOnFail: error items, status 0",
			args: []string{"--sim"},
			stdin: func(t *testing.T) string {
				return mustJSON(t, contactDetails(map[string]any{"continueOnFail": true}, 999))
			},
			code: exitOK,
			check: func(t *testing.T, res execResultJSON, _ string) {
				require.Len(t, res.Items, 1)
				require.NotNil(t, res.Items[0].Error)
				assert.Nil(t, res.Error)
			},
		},
		{
			name:  "node failed: status 1, the error in the JSON",
			args:  []string{"--sim"},
			stdin: func(t *testing.T) string { return mustJSON(t, contactDetails(nil, 1, 999, 1)) },
			code:  exitFailed,
			check: func(t *testing.T, res execResultJSON, stderr string) {
				require.NotNil(t, res.Error)
				assert.Equal(t, "NodeApiError", res.Error.Name)
				assert.Equal(t, "The resource you are requesting could not be found", res.Error.Message)
				assert.Contains(t, res.Error.Description, "404")
				assert.Equal(t, "404", res.Error.HTTPCode)
				require.NotNil(t, res.Error.ItemIndex)
				assert.Equal(t, 1, *res.Error.ItemIndex)
				require.Len(t, res.Items, 1, "the items before the failed one stand")
				assert.Equal(t, 0, res.Items[0].PairedItem.Item)
				assert.Contains(t, oneStderrLine(t, stderr), "the node failed: The resource you are requesting could not be found")
			},
		},
		{
			name:  "malformed JSON: line and column",
			stdin: func(*testing.T) string { return "{\n  \"node\": \"chatwoot\",\n  \"parameters\": {x}\n}" },
			code:  exitInput,
			check: wantInputError("line 3, column 18"),
		},
		{
			name:  "truncated JSON",
			stdin: func(*testing.T) string { return `{"node": "chatwoot"` },
			code:  exitInput,
			check: wantInputError("unexpected end of JSON input"),
		},
		{
			name:  "not an object",
			stdin: func(*testing.T) string { return `[{"node": "chatwoot"}]` },
			code:  exitInput,
			check: wantInputError("the request must be one JSON object, not array"),
		},
		{
			name:  "wrong type of a key: names it and where",
			stdin: func(*testing.T) string { return `{"node": "chatwoot", "items": {"json": {}}}` },
			code:  exitInput,
			check: wantInputError(`"items" must be an array, not object (line 1, column 31)`),
		},
		{
			name:  "empty input",
			stdin: func(*testing.T) string { return " \n" },
			code:  exitInput,
			check: wantInputError("the request is empty"),
		},
		{
			name:  "unknown top-level key: suggestion",
			stdin: func(*testing.T) string { return `{"node": "chatwoot", "paramters": {}}` },
			code:  exitInput,
			check: wantInputError(`unknown key "paramters" in the request (did you mean "parameters"?)`),
		},
		{
			name:  "unknown node: suggestion",
			stdin: func(*testing.T) string { return `{"node": "chatwood"}` },
			code:  exitInput,
			check: wantInputError(`unknown node "chatwood" (did you mean "chatwoot"?)`),
		},
		{
			name:  "no node",
			stdin: func(*testing.T) string { return `{"parameters": {}}` },
			code:  exitInput,
			check: wantInputError(`the request names no node`),
		},
		{
			name: "unknown operation: closest names",
			stdin: func(*testing.T) string {
				return `{"node": "chatwoot", "parameters": {"resource": "Contacts", "operation": "Contact Craete", "account_id": 1}}`
			},
			code: exitInput,
			check: func(t *testing.T, res execResultJSON, stderr string) {
				require.NotNil(t, res.Error)
				assert.Equal(t, "WorkflowHasIssuesError", res.Error.Name)
				assert.Equal(t, "operation", res.Error.Parameter)
				assert.Contains(t, res.Error.Message, `Parameter "Operation" has no option "Contact Craete". Did you mean "Contact Create"`)
				assert.Contains(t, oneStderrLine(t, stderr), `Did you mean "Contact Create"`)
			},
		},
		{
			name: "unknown resource: closest names",
			stdin: func(*testing.T) string {
				return `{"node": "chatwoot", "parameters": {"resource": "Contactz", "operation": "Contact Create"}}`
			},
			code:  exitInput,
			check: wantInputError(`Parameter "Resource" has no option "Contactz". Did you mean "Contacts" or "Contact"?`),
		},
		{
			name: "missing required parameter: names it and the operation",
			stdin: func(*testing.T) string {
				return `{"node": "chatwoot", "parameters": {"resource": "Conversations API", "operation": "Create A Conversation", "contact_identifier": "c-1"}}`
			},
			code: exitInput,
			check: func(t *testing.T, res execResultJSON, stderr string) {
				require.NotNil(t, res.Error)
				assert.Equal(t, "WorkflowHasIssuesError", res.Error.Name)
				assert.Contains(t, res.Error.Message, `Parameter "Inbox Identifier" is required.`)
				assert.Equal(t, "inbox_identifier", res.Error.Parameter)
				assert.Equal(t, "in chatwoot: Conversations API → Create A Conversation", res.Error.Description)
				line := oneStderrLine(t, stderr)
				assert.Contains(t, line, "Conversations API → Create A Conversation")
				assert.Contains(t, line, `"Inbox Identifier" is required`)
			},
		},
		{
			name: "missing required parameter of the typed node",
			stdin: func(*testing.T) string {
				return `{"node": "chatwoot.createConversation", "parameters": {"inbox_identifier": "i-1"}}`
			},
			code: exitInput,
			check: func(t *testing.T, res execResultJSON, stderr string) {
				require.NotNil(t, res.Error)
				assert.Contains(t, res.Error.Message, `Parameter "Contact Identifier" is required.`)
				assert.Equal(t, "in chatwoot.createConversation", res.Error.Description)
				assert.Contains(t, oneStderrLine(t, stderr), `chatwoot.createConversation: Parameter "Contact Identifier" is required.`)
			},
		},
		{
			name: "invalid descriptor: diagnostics with JSON pointers",
			stdin: func(t *testing.T) string {
				return mustJSON(t, map[string]any{"descriptor": repo(t, "testdata/descriptors/invalid/three-faults.node.json")})
			},
			code: exitInput,
			check: func(t *testing.T, res execResultJSON, stderr string) {
				require.NotNil(t, res.Error)
				line := oneStderrLine(t, stderr)
				for _, pointer := range []string{
					"/properties/1/options/1/routing/request/method",
					"/properties/2/displayOptions/show/resourse",
					"/properties/3/routing/send/type",
				} {
					assert.Contains(t, res.Error.Message, pointer)
					assert.Contains(t, line, pointer)
				}
			},
		},
		{
			name: "descriptor without requestDefaults",
			stdin: func(t *testing.T) string {
				return mustJSON(t, map[string]any{"descriptor": repo(t, "testdata/cli/not-declarative.node.json")})
			},
			code:  exitInput,
			check: wantInputError("is not a declarative node: it has no requestDefaults"),
		},
		{
			name: "descriptor file missing",
			stdin: func(t *testing.T) string {
				return mustJSON(t, map[string]any{"descriptor": repo(t, "testdata/cli/no-such.node.json")})
			},
			code:  exitInput,
			check: wantInputError("cannot read the descriptor"),
		},
		{
			name: "invalid credential type: diagnostics with JSON pointers",
			stdin: func(t *testing.T) string {
				req := petstoreRequest(t, map[string]any{"resource": "pet", "operation": "get", "petId": "1"}, nil, nil)
				req["credentialTypes"] = []string{repo(t, "testdata/descriptors/invalid/bad-authenticate.credential.json")}
				return mustJSON(t, req)
			},
			code:  exitInput,
			check: wantInputError("bad-authenticate.credential.json is invalid: error /authenticate"),
		},
		{
			name:  "both node and descriptor",
			stdin: func(*testing.T) string { return `{"node": "chatwoot", "descriptor": "x.json"}` },
			code:  exitInput,
			check: wantInputError(`sets both "node" and "descriptor"`),
		},
		{
			name:  "item json not an object",
			stdin: func(*testing.T) string { return `{"node": "chatwoot", "items": [{"json": {}}, {"json": [1]}]}` },
			code:  exitInput,
			check: wantInputError(`items[1]: "json" must be an object, not an array`),
		},
		{
			name:  "item without json",
			stdin: func(*testing.T) string { return `{"node": "chatwoot", "items": [{"name": "Ada"}]}` },
			code:  exitInput,
			check: wantInputError(`items[0] has no "json"`),
		},
		{
			name:  "misspelt setting",
			stdin: func(*testing.T) string { return `{"node": "chatwoot", "settings": {"continueOnFial": true}}` },
			code:  exitInput,
			check: wantInputError(`unknown key "continueOnFial" in "settings" (did you mean "continueOnFail"?)`),
		},
		{
			name:  "unknown onError",
			stdin: func(*testing.T) string { return `{"node": "chatwoot", "settings": {"onError": "continue"}}` },
			code:  exitInput,
			check: wantInputError(`settings.onError "continue" is not a choice`),
		},
		{
			name:  "unknown flag",
			args:  []string{"--dryrun"},
			stdin: func(*testing.T) string { return `{"node": "chatwoot"}` },
			code:  exitInput,
			check: wantInputError("flag provided but not defined: -dryrun"),
		},
		{
			name:  "stray argument",
			args:  []string{"request.json"},
			stdin: func(*testing.T) string { return `{"node": "chatwoot"}` },
			code:  exitInput,
			check: wantInputError(`unexpected argument "request.json"`),
		},
		{
			name:  "bad progress value",
			args:  []string{"--progress", "yes"},
			stdin: func(*testing.T) string { return `{"node": "chatwoot"}` },
			code:  exitInput,
			check: wantInputError(`--progress "yes" is not a choice`),
		},
		{
			name:  "bad log level",
			args:  []string{"--log-level", "verbose"},
			stdin: func(*testing.T) string { return `{"node": "chatwoot"}` },
			code:  exitInput,
			check: wantInputError(`--log-level "verbose" is not a level`),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := cli(t, strings.NewReader(tt.stdin(t)), append([]string{"exec"}, tt.args...)...)
			require.Equal(t, tt.code, out.code, "stdout:\n%s\nstderr:\n%s", out.stdout, out.stderr)
			res := decodeResult(t, out.stdout)
			if tt.code != exitOK {
				oneStderrLine(t, out.stderr)
				require.NotNil(t, res.Error, "a failure carries its error in the JSON")
			}
			tt.check(t, res, out.stderr)
		})
	}
}

// wantInputError checks an exit-2 outcome: an InputError whose message holds
// want, repeated as the one stderr line.
func wantInputError(want string) func(t *testing.T, res execResultJSON, stderr string) {
	return func(t *testing.T, res execResultJSON, stderr string) {
		t.Helper()
		require.NotNil(t, res.Error)
		assert.Contains(t, oneLine(res.Error.Message), want)
		assert.Contains(t, oneStderrLine(t, stderr), want)
		assert.Empty(t, res.Items)
		assert.Empty(t, res.ErrorItems)
	}
}

func TestExecHelp(t *testing.T) {
	out := cli(t, nil, "exec", "-h")
	assert.Equal(t, exitOK, out.code)
	assert.Contains(t, out.stderr, "usage: noderun exec")
	assert.Contains(t, out.stderr, "-jsonl")
	assert.Empty(t, out.stdout)
}

// TestExecInputFile reads the request from --input, resolving the
// descriptor and credential type paths relative to the request file.
func TestExecInputFile(t *testing.T) {
	ps := newPetstore(t)
	creds := filepath.Join(t.TempDir(), "creds.json")
	require.NoError(t, os.WriteFile(creds, []byte(mustJSON(t, map[string]any{
		"petstoreApi": map[string]any{"url": ps.URL, "apiKey": petstoreKey},
	})), 0o600))

	out := cli(t, nil, "exec", "--input", repo(t, "testdata/cli/petstore.request.json"), "--credentials", creds)
	require.Equal(t, exitOK, out.code, out.stderr)
	res := decodeResult(t, out.stdout)
	require.Len(t, res.Items, 2)
	assert.Equal(t, map[string]any{"id": float64(7), "name": "Rex", "tag": "dog"}, res.Items[0].JSON)
	assert.Equal(t, map[string]any{"id": float64(7), "name": "Tom", "tag": "cat"}, res.Items[1].JSON)
	assertNoSecret(t, out, petstoreKey)

	missing := cli(t, nil, "exec", "--input", filepath.Join(t.TempDir(), "nope.json"))
	assert.Equal(t, exitInput, missing.code)
	decodeResult(t, missing.stdout)
	assert.Contains(t, oneStderrLine(t, missing.stderr), "cannot open --input")
}

// TestExecDescriptor runs a declarative description that is not Chatwoot:
// the petstore fixture against an httptest server.
func TestExecDescriptor(t *testing.T) {
	ps := newPetstore(t)
	req := petstoreRequest(t,
		map[string]any{"resource": "pet", "operation": "create", "name": "={{ $json.name }}", "tag": "={{ $json.tag || '' }}"},
		map[string]any{"url": ps.URL, "apiKey": petstoreKey},
		[]map[string]any{{"name": "Rex", "tag": "dog"}, {"name": "Kit"}})
	out := cli(t, strings.NewReader(mustJSON(t, req)), "exec")
	require.Equal(t, exitOK, out.code, out.stderr)
	res := decodeResult(t, out.stdout)
	require.Len(t, res.Items, 2)
	assert.Equal(t, "Rex", res.Items[0].JSON["name"])
	assert.Equal(t, "Kit", res.Items[1].JSON["name"])

	ps.mu.Lock()
	defer ps.mu.Unlock()
	// The requests run concurrently: the server saw them in any order.
	// tag is onlyIfSet, but an expression that yields "" is set: n8n sends it.
	assert.ElementsMatch(t, []map[string]any{{"name": "Rex", "tag": "dog"}, {"name": "Kit", "tag": ""}}, ps.bodies)
	for _, h := range ps.headers {
		assert.Equal(t, petstoreKey, h.Get("X-Api-Key"))
		assert.Equal(t, "application/json", h.Get("Accept"))
	}
	assertNoSecret(t, out, petstoreKey)
}

// TestExecCredentialSources takes credentials from --credentials and from
// NODERUN_CREDENTIALS_<TYPE>, later sources winning, and never echoes them.
func TestExecCredentialSources(t *testing.T) {
	ps := newPetstore(t)
	get := map[string]any{"resource": "pet", "operation": "get", "petId": "3"}
	goodFile := filepath.Join(t.TempDir(), "good.json")
	require.NoError(t, os.WriteFile(goodFile, []byte(mustJSON(t, map[string]any{
		"petstoreApi": map[string]any{"url": ps.URL, "apiKey": petstoreKey},
	})), 0o600))
	badFile := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(badFile, []byte(`{"petstoreApi": {"url": "x", "apiKey": }}`), 0o600))

	t.Run("file", func(t *testing.T) {
		out := cli(t, strings.NewReader(mustJSON(t, petstoreRequest(t, get, nil, nil))),
			"exec", "--credentials", goodFile, "--log-level", "debug")
		require.Equal(t, exitOK, out.code, out.stderr)
		assert.Equal(t, "pet 3", decodeResult(t, out.stdout).Items[0].JSON["name"])
		assertNoSecret(t, out, petstoreKey)
	})
	t.Run("file wins over the request", func(t *testing.T) {
		req := petstoreRequest(t, get, map[string]any{"url": ps.URL, "apiKey": "wrong-key-1234"}, nil)
		out := cli(t, strings.NewReader(mustJSON(t, req)), "exec", "--credentials", goodFile)
		require.Equal(t, exitOK, out.code, out.stderr)
	})
	t.Run("environment, case-insensitive type", func(t *testing.T) {
		t.Setenv("NODERUN_CREDENTIALS_PETSTOREAPI", mustJSON(t, map[string]any{"url": ps.URL, "apiKey": petstoreKey}))
		req := petstoreRequest(t, get, map[string]any{"url": ps.URL, "apiKey": "wrong-key-1234"}, nil)
		out := cli(t, strings.NewReader(mustJSON(t, req)), "exec", "--log-level", "debug")
		require.Equal(t, exitOK, out.code, out.stderr)
		assertNoSecret(t, out, petstoreKey)
	})
	t.Run("environment not JSON", func(t *testing.T) {
		t.Setenv("NODERUN_CREDENTIALS_PETSTOREAPI", "apiKey="+petstoreKey)
		out := cli(t, strings.NewReader(mustJSON(t, petstoreRequest(t, get, nil, nil))), "exec")
		require.Equal(t, exitInput, out.code)
		assert.Contains(t, oneStderrLine(t, out.stderr), "NODERUN_CREDENTIALS_PETSTOREAPI must hold a JSON object")
		decodeResult(t, out.stdout)
		assertNoSecret(t, out, petstoreKey)
	})
	t.Run("file not JSON", func(t *testing.T) {
		out := cli(t, strings.NewReader(mustJSON(t, petstoreRequest(t, get, nil, nil))), "exec", "--credentials", badFile)
		require.Equal(t, exitInput, out.code)
		assert.Contains(t, oneStderrLine(t, out.stderr), "line 1, column 40")
	})
	t.Run("wrong key: the 401 fails the node, the key is not shown", func(t *testing.T) {
		req := petstoreRequest(t, get, map[string]any{"url": ps.URL, "apiKey": "wrong-key-5678"}, nil)
		out := cli(t, strings.NewReader(mustJSON(t, req)), "exec", "--log-level", "debug")
		require.Equal(t, exitFailed, out.code)
		res := decodeResult(t, out.stdout)
		assert.Equal(t, "401", res.Error.HTTPCode)
		assertNoSecret(t, out, "wrong-key-5678")
	})
	t.Run("chatwoot from the environment", func(t *testing.T) {
		sim := chatwootsim.NewTestServer(t, chatwootsim.Options{})
		seed := sim.Seed()
		t.Setenv("NODERUN_CREDENTIALS_CHATWOOTAPI", mustJSON(t, map[string]any{"url": sim.URL + "/api/v1/", "accessToken": seed.AdminToken}))
		req := map[string]any{"node": "chatwoot",
			"parameters": map[string]any{"resource": "Contacts", "operation": "Contact Details", "account_id": seed.AccountID, "id": seed.ContactID}}
		out := cli(t, strings.NewReader(mustJSON(t, req)), "exec", "--log-level", "debug")
		require.Equal(t, exitOK, out.code, out.stderr)
		res := decodeResult(t, out.stdout)
		payload, _ := res.Items[0].JSON["payload"].(map[string]any)
		assert.Equal(t, float64(seed.ContactID), payload["id"])
		assertNoSecret(t, out, seed.AdminToken)
	})
}

// TestExecDryRun prints the requests with the credential masked in the
// URL, the headers and the body, in JSON and JSONL modes.
func TestExecDryRun(t *testing.T) {
	const token = "cw-token-5f2e9a1b7c"
	// The token occurs in the URL path (a credential URL that embeds it),
	// in the authentication header, and in the body (an item's value).
	creds := map[string]any{"url": "https://cw.example.com/" + token, "accessToken": token}
	params := map[string]any{"resource": "Contacts", "operation": "Contact Create", "account_id": 1, "name": "={{ $json.name }}"}
	items := []map[string]any{{"json": map[string]any{"name": "Ada"}}, {"json": map[string]any{"name": "key " + token}}}

	check := func(t *testing.T, r map[string]any, index int) {
		t.Helper()
		assert.Equal(t, float64(index), r["itemIndex"])
		assert.Equal(t, "POST", r["method"])
		assert.Equal(t, "https://cw.example.com/**hidden**/api/v1/accounts/1/contacts", r["url"])
		headers, _ := r["headers"].(map[string]any)
		assert.Equal(t, "**hidden**", headers["Api-Access-Token"])
		body, _ := r["body"].(map[string]any)
		assert.Equal(t, []string{"Ada", "key **hidden**"}[index], body["name"])
	}

	t.Run("json", func(t *testing.T) {
		req := map[string]any{"node": "chatwoot", "parameters": params,
			"credentials": map[string]any{"chatwootApi": creds}, "items": items}
		out := cli(t, strings.NewReader(mustJSON(t, req)), "exec", "--dry-run", "--log-level", "trace")
		require.Equal(t, exitOK, out.code, out.stderr)
		var got struct {
			Requests []map[string]any `json:"requests"`
		}
		require.NoError(t, jsonUnmarshalStrict(out.stdout, &got))
		require.Len(t, got.Requests, 2)
		for i, r := range got.Requests {
			check(t, r, i)
		}
		assertNoSecret(t, out, token)
	})
	t.Run("jsonl", func(t *testing.T) {
		first := mustJSON(t, map[string]any{"node": "chatwoot", "parameters": params})
		stdin := first + "\n" + mustJSON(t, items[0]) + "\n" + mustJSON(t, items[1]) + "\n"
		t.Setenv("NODERUN_CREDENTIALS_CHATWOOTAPI", mustJSON(t, creds))
		out := cli(t, strings.NewReader(stdin), "exec", "--dry-run", "--jsonl", "--log-level", "trace")
		require.Equal(t, exitOK, out.code, out.stderr)
		lines := jsonLines(t, out.stdout)
		require.Len(t, lines, 2)
		for i, r := range lines {
			check(t, r, i)
		}
		assertNoSecret(t, out, token)
	})
	t.Run("an item that cannot be built carries its error", func(t *testing.T) {
		req := map[string]any{"node": "chatwoot",
			"parameters":  map[string]any{"resource": "Contacts", "operation": "Contact Create", "account_id": 1, "name": "={{ $json.name.toUpperCase() }}"},
			"credentials": map[string]any{"chatwootApi": creds},
			"items":       []map[string]any{{"json": map[string]any{"name": "ada"}}, {"json": map[string]any{}}}}
		out := cli(t, strings.NewReader(mustJSON(t, req)), "exec", "--dry-run")
		require.Equal(t, exitOK, out.code, out.stderr)
		var got struct {
			Requests []struct {
				ItemIndex int            `json:"itemIndex"`
				Body      map[string]any `json:"body"`
				Error     *errorJSON     `json:"error"`
			} `json:"requests"`
		}
		require.NoError(t, jsonUnmarshalStrict(out.stdout, &got))
		require.Len(t, got.Requests, 2)
		assert.Equal(t, "ADA", got.Requests[0].Body["name"])
		require.NotNil(t, got.Requests[1].Error)
		assert.Equal(t, 1, got.Requests[1].ItemIndex)
		assertNoSecret(t, out, token)
	})
}

// TestExecProgress prints the final progress line only when asked to or
// when stderr is a terminal (a buffer is not).
func TestExecProgress(t *testing.T) {
	ps := newPetstore(t)
	t.Setenv("NODERUN_CREDENTIALS_PETSTOREAPI", mustJSON(t, map[string]any{"url": ps.URL, "apiKey": petstoreKey}))
	get := map[string]any{"resource": "pet", "operation": "get", "petId": "={{ $json.id }}"}
	req := petstoreRequest(t, get, nil, []map[string]any{{"id": "1"}, {"id": "404"}, {"id": "3"}})
	req["settings"] = map[string]any{"onError": "continueRegularOutput"}
	line := `^\d+ items, \d+ items/s, \d+ errors$`

	always := cli(t, strings.NewReader(mustJSON(t, req)), "exec", "--progress", "always")
	require.Equal(t, exitOK, always.code, always.stderr)
	got := oneStderrLineRaw(t, always.stderr)
	assert.Regexp(t, line, got)
	assert.True(t, strings.HasPrefix(got, "3 items, "), got)
	assert.True(t, strings.HasSuffix(got, ", 1 errors"), got)

	auto := cli(t, strings.NewReader(mustJSON(t, req)), "exec")
	require.Equal(t, exitOK, auto.code)
	assert.Empty(t, auto.stderr, "auto shows no progress when stderr is not a terminal")

	never := cli(t, strings.NewReader(mustJSON(t, req)), "exec", "--progress", "never")
	assert.Empty(t, never.stderr)

	// JSONL: the stream's counter drives the line.
	delete(req, "items")
	stdin := mustJSON(t, req) + "\n" + `{"json":{"id":"1"}}` + "\n" + `{"json":{"id":"2"}}` + "\n"
	stream := cli(t, strings.NewReader(stdin), "exec", "--jsonl", "--progress", "always")
	require.Equal(t, exitOK, stream.code, stream.stderr)
	got = oneStderrLineRaw(t, stream.stderr)
	assert.Regexp(t, line, got)
	assert.True(t, strings.HasPrefix(got, "2 items, "), got)
	assert.True(t, strings.HasSuffix(got, ", 0 errors"), got)
}

// oneStderrLineRaw requires stderr to be one line, of any form.
func oneStderrLineRaw(t *testing.T, stderr string) string {
	t.Helper()
	require.True(t, strings.HasSuffix(stderr, "\n"), "stderr: %q", stderr)
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	require.Len(t, lines, 1, "stderr: %q", stderr)
	return lines[0]
}

// TestExecCancelled still writes a JSON result when the run is cancelled
// (a signal) while requests are in flight, says how many items finished
// and exits 130, as a command stopped by Ctrl-C does.
func TestExecCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sim := chatwootsim.NewTestServer(t, chatwootsim.Options{})
	// The request reaches the server, which cancels the run (as a signal
	// would) and then holds the response.
	sim.InjectFault(chatwootsim.Fault{PathPrefix: "/api/v1/", Latency: time.Minute,
		Match: func(*http.Request) bool { cancel(); return true }})
	seed := sim.Seed()
	req := map[string]any{"node": "chatwoot",
		"parameters":  map[string]any{"resource": "Contacts", "operation": "Contact Details", "account_id": seed.AccountID, "id": seed.ContactID},
		"credentials": map[string]any{"chatwootApi": map[string]any{"url": sim.URL, "accessToken": seed.AdminToken}}}
	out := cliContext(ctx, t, strings.NewReader(mustJSON(t, req)), "exec")
	require.Equal(t, exitInterrupted, out.code, out.stderr)
	res := decodeResult(t, out.stdout)
	require.NotNil(t, res.Error)
	assert.Equal(t, "The run was interrupted", res.Error.Message)
	assert.Equal(t, "context canceled: 0 of 1 input items finished; their output is written", res.Error.Description)
	assert.Equal(t, "noderun: interrupted: 0 of 1 items finished; their output is written", oneStderrLine(t, out.stderr))
}
