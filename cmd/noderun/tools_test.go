package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/nodes/chatwoot/chatwootsim"
	"github.com/noderun/noderun/schema"
)

func TestTopLevel(t *testing.T) {
	t.Run("no command", func(t *testing.T) {
		out := cli(t, nil)
		assert.Equal(t, exitInput, out.code)
		assert.Contains(t, out.stderr, "usage: noderun <command>")
		for _, c := range commandNames() {
			assert.Contains(t, out.stderr, c)
		}
	})
	t.Run("help", func(t *testing.T) {
		out := cli(t, nil, "help")
		assert.Equal(t, exitOK, out.code)
		assert.Contains(t, out.stderr, "exec ")
	})
	t.Run("unknown command", func(t *testing.T) {
		out := cli(t, nil, "exce")
		assert.Equal(t, exitInput, out.code)
		assert.Contains(t, oneStderrLine(t, out.stderr), `unknown command "exce" (did you mean "exec"?)`)
	})
	t.Run("version", func(t *testing.T) {
		out := cli(t, nil, "version")
		assert.Equal(t, exitOK, out.code)
		// A test binary has no module version: the build information says (devel).
		assert.Regexp(t, `^noderun \(devel\).* \(go1\.[0-9.]+\)\n$`, out.stdout)
	})
}

func TestList(t *testing.T) {
	t.Run("text", func(t *testing.T) {
		out := cli(t, nil, "list")
		require.Equal(t, exitOK, out.code, out.stderr)
		assert.Contains(t, out.stdout, "29 resources, 115 operations")
		assert.Regexp(t, `(?m)^  Create A Conversation\s+POST\s+/public/api/v1/inboxes/`, out.stdout)
		assert.Contains(t, out.stdout, "chatwoot.createConversation — ")
	})
	t.Run("json", func(t *testing.T) {
		out := cli(t, nil, "list", "--json")
		require.Equal(t, exitOK, out.code, out.stderr)
		var nodes []struct {
			Name       string   `json:"name"`
			Summary    string   `json:"summary"`
			Resources  []string `json:"resources"`
			Operations []struct {
				Resource string `json:"resource"`
				Name     string `json:"operation"`
				Method   string `json:"method"`
				URL      string `json:"url"`
			} `json:"operations"`
		}
		require.NoError(t, json.Unmarshal([]byte(out.stdout), &nodes))
		require.Len(t, nodes, 2)
		cw := nodes[0]
		assert.Equal(t, "chatwoot", cw.Name)
		assert.Len(t, cw.Resources, 29)
		assert.Len(t, cw.Operations, 115)
		resources := map[string]bool{}
		for _, op := range cw.Operations {
			assert.NotEmpty(t, op.Name)
			assert.NotEmpty(t, op.Method, op.Name)
			assert.NotEmpty(t, op.URL, op.Name)
			resources[op.Resource] = true
		}
		assert.Len(t, resources, 29, "every resource has operations")
		typed := nodes[1]
		assert.Equal(t, "chatwoot.createConversation", typed.Name)
		assert.NotNil(t, typed.Resources, "[] rather than null")
		assert.Contains(t, out.stdout, `"resources": []`)
	})
	t.Run("one node", func(t *testing.T) {
		out := cli(t, nil, "list", "--node", "chatwoot.createConversation")
		require.Equal(t, exitOK, out.code)
		assert.NotContains(t, out.stdout, "115 operations")
	})
	t.Run("unknown node", func(t *testing.T) {
		out := cli(t, nil, "list", "--node", "chatwot")
		assert.Equal(t, exitInput, out.code)
		assert.Contains(t, oneStderrLine(t, out.stderr), `(did you mean "chatwoot"?)`)
	})
}

func TestDescribe(t *testing.T) {
	t.Run("text", func(t *testing.T) {
		out := cli(t, nil, "describe", "chatwoot", "--resource", "Conversations API", "--operation", "Create A Conversation")
		require.Equal(t, exitOK, out.code, out.stderr)
		assert.Contains(t, out.stdout, "Conversations API → Create A Conversation\nPOST /public/api/v1/inboxes/")
		assert.Regexp(t, `(?m)^PARAMETER\s+TYPE\s+REQUIRED\s+DEFAULT\s+SENT$`, out.stdout)
		assert.Regexp(t, `(?m)^inbox_identifier\s+string\s+yes\s+""\s+path$`, out.stdout)
		assert.Regexp(t, `(?m)^custom_attributes\s+json\s+"\{\}"\s+body custom_attributes \(only if set\)$`, out.stdout)
	})
	t.Run("json", func(t *testing.T) {
		out := cli(t, nil, "describe", "--resource", "Contacts", "--operation", "Contact Create", "--json", "chatwoot")
		require.Equal(t, exitOK, out.code, out.stderr)
		var params []struct {
			Name     string `json:"name"`
			Type     string `json:"type"`
			Required bool   `json:"required"`
			Default  any    `json:"default"`
			In       string `json:"in"`
			As       string `json:"as"`
		}
		require.NoError(t, json.Unmarshal([]byte(out.stdout), &params))
		byName := map[string]int{}
		for i, p := range params {
			byName[p.Name] = i
		}
		require.Contains(t, byName, "account_id")
		require.Contains(t, byName, "name")
		account := params[byName["account_id"]]
		assert.Equal(t, "path", account.In)
		name := params[byName["name"]]
		assert.Equal(t, "string", name.Type)
		assert.Equal(t, "body", name.In)
		assert.Equal(t, "name", name.As)
		assert.Equal(t, "", name.Default)
		assert.NotContains(t, byName, "resource", "the selectors are not parameters to fill")
	})
	t.Run("typed node", func(t *testing.T) {
		out := cli(t, nil, "describe", "chatwoot.createConversation")
		require.Equal(t, exitOK, out.code, out.stderr)
		assert.Regexp(t, `(?m)^contact_identifier\s+string\s+yes`, out.stdout)
	})
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown resource", []string{"chatwoot", "--resource", "Conversation API", "--operation", "x"}, `has no resource "Conversation API" (did you mean "Conversations API"?)`},
		{"unknown operation", []string{"chatwoot", "--resource", "Conversations API", "--operation", "Create Conversation"},
			`has no operation "Create Conversation" (did you mean "Create A Conversation"?); its operations are: List All Contact Conversations; Create A Conversation`},
		{"unknown node", []string{"chatwood"}, `unknown node "chatwood" (did you mean "chatwoot"?)`},
		{"no node", nil, "name a node"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := cli(t, nil, append([]string{"describe"}, tt.args...)...)
			assert.Equal(t, exitInput, out.code)
			assert.Contains(t, oneStderrLine(t, out.stderr), tt.want)
			assert.Empty(t, out.stdout)
		})
	}
}

func TestValidate(t *testing.T) {
	valid := repo(t, "testdata/cli/petstore.node.json")
	credential := repo(t, "testdata/cli/petstore.credential.json")
	invalid := repo(t, "testdata/descriptors/invalid/three-faults.node.json")
	badCredential := repo(t, "testdata/descriptors/invalid/bad-authenticate.credential.json")

	t.Run("valid", func(t *testing.T) {
		out := cli(t, nil, "validate", valid, credential)
		require.Equal(t, exitOK, out.code, out.stdout)
		assert.Equal(t, valid+": valid node\n"+credential+": valid credential\n", out.stdout)
	})
	t.Run("invalid: pointers", func(t *testing.T) {
		out := cli(t, nil, "validate", valid, invalid)
		require.Equal(t, exitFailed, out.code)
		assert.Contains(t, out.stdout, invalid+": invalid node: 3 errors, 0 warnings\n")
		assert.Contains(t, out.stdout, "  error /properties/1/options/1/routing/request/method: method \"SEND\"")
		assert.Contains(t, out.stdout, "  error /properties/2/displayOptions/show/resourse: ")
		assert.Contains(t, out.stdout, "  error /properties/3/routing/send/type: ")
	})
	t.Run("invalid credential", func(t *testing.T) {
		out := cli(t, nil, "validate", badCredential)
		require.Equal(t, exitFailed, out.code)
		assert.Contains(t, out.stdout, "invalid credential")
		assert.Contains(t, out.stdout, "error /authenticate")
	})
	t.Run("json: the validator's diagnostics", func(t *testing.T) {
		out := cli(t, nil, "validate", "--json", valid, invalid)
		require.Equal(t, exitFailed, out.code)
		var report map[string][]schema.Diagnostic
		require.NoError(t, json.Unmarshal([]byte(out.stdout), &report))
		assert.Contains(t, out.stdout, `"`+valid+`": []`)
		assert.Empty(t, report[valid])
		golden, err := os.ReadFile(strings.TrimSuffix(invalid, ".node.json") + ".node.golden.json")
		require.NoError(t, err)
		var want []schema.Diagnostic
		require.NoError(t, json.Unmarshal(golden, &want))
		assert.Equal(t, want, report[invalid])
	})
	t.Run("stdin", func(t *testing.T) {
		data, err := os.ReadFile(valid)
		require.NoError(t, err)
		out := cli(t, strings.NewReader(string(data)), "validate", "-")
		require.Equal(t, exitOK, out.code)
		assert.Equal(t, "-: valid node\n", out.stdout)
	})
	t.Run("kind forced", func(t *testing.T) {
		out := cli(t, nil, "validate", "--kind", "node", credential)
		assert.Equal(t, exitFailed, out.code, "a credential type is not a node description")
		assert.Contains(t, out.stdout, "invalid node")
	})
	t.Run("usage errors", func(t *testing.T) {
		none := cli(t, nil, "validate")
		assert.Equal(t, exitInput, none.code)
		assert.Contains(t, oneStderrLine(t, none.stderr), "name at least one file")
		missing := cli(t, nil, "validate", filepath.Join(t.TempDir(), "nope.json"))
		assert.Equal(t, exitInput, missing.code)
		assert.Contains(t, oneStderrLine(t, missing.stderr), "no such file")
		kind := cli(t, nil, "validate", "--kind", "nodes", valid)
		assert.Equal(t, exitInput, kind.code)
		assert.Contains(t, oneStderrLine(t, kind.stderr), "--kind must be node, credential or auto")
	})
}

func TestCredentialsTest(t *testing.T) {
	t.Run("sim: OK", func(t *testing.T) {
		out := cli(t, nil, "credentials", "test", "--sim")
		require.Equal(t, exitOK, out.code, out.stderr)
		assert.JSONEq(t, `{"ok": true, "message": "Connection successful!"}`, out.stdout)
	})
	t.Run("missing credential: status 2", func(t *testing.T) {
		out := cli(t, nil, "credentials", "test")
		assert.Equal(t, exitInput, out.code)
		assert.Contains(t, oneStderrLine(t, out.stderr), `no "chatwootApi" credential given: use --credentials FILE or NODERUN_CREDENTIALS_CHATWOOTAPI`)
	})
	t.Run("unreachable Chatwoot: fails with the reason", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		ln.Close()
		const token = "cw-unreachable-token-1"
		t.Setenv("NODERUN_CREDENTIALS_CHATWOOTAPI", mustJSON(t, map[string]any{"url": "http://" + addr, "accessToken": token}))
		out := cli(t, nil, "credentials", "test", "--log-level", "debug")
		assert.Equal(t, exitFailed, out.code)
		var res struct {
			OK      bool   `json:"ok"`
			Message string `json:"message"`
		}
		require.NoError(t, json.Unmarshal([]byte(out.stdout), &res))
		assert.False(t, res.OK)
		assert.Contains(t, res.Message, "ECONNREFUSED")
		assertNoSecret(t, out, token)
	})
	ps := newPetstore(t)
	descriptorArgs := []string{"credentials", "test", "--descriptor", repo(t, "testdata/cli/petstore.node.json"),
		"--credential-type", repo(t, "testdata/cli/petstore.credential.json")}
	t.Run("descriptor credential: OK", func(t *testing.T) {
		t.Setenv("NODERUN_CREDENTIALS_PETSTOREAPI", mustJSON(t, map[string]any{"url": ps.URL, "apiKey": petstoreKey}))
		out := cli(t, nil, descriptorArgs...)
		require.Equal(t, exitOK, out.code, out.stderr)
		assert.JSONEq(t, `{"ok": true, "message": "Connection successful!"}`, out.stdout)
		assertNoSecret(t, out, petstoreKey)
	})
	t.Run("descriptor credential: wrong key fails with the rule's message", func(t *testing.T) {
		const wrong = "pk-wrong-0000000000"
		t.Setenv("NODERUN_CREDENTIALS_PETSTOREAPI", mustJSON(t, map[string]any{"url": ps.URL, "apiKey": wrong}))
		out := cli(t, nil, append(descriptorArgs, "--log-level", "debug")...)
		require.Equal(t, exitFailed, out.code, out.stderr)
		assert.JSONEq(t, `{"ok": false, "message": "The API key is not valid"}`, out.stdout)
		assertNoSecret(t, out, wrong)
	})
	t.Run("unknown type", func(t *testing.T) {
		out := cli(t, nil, "credentials", "test", "--sim", "--type", "chatwootApix")
		assert.Equal(t, exitInput, out.code)
		assert.Contains(t, oneStderrLine(t, out.stderr), `"chatwootApix"`)
	})
	t.Run("usage", func(t *testing.T) {
		out := cli(t, nil, "credentials", "check")
		assert.Equal(t, exitInput, out.code)
		assert.Contains(t, out.stderr, "usage: noderun credentials test")
	})
}

func TestGenerate(t *testing.T) {
	spec := repo(t, "testdata/cli/tiny.openapi.json")
	t.Run("tiny OpenAPI document to a valid description", func(t *testing.T) {
		dst := filepath.Join(t.TempDir(), "tiny.node.json")
		out := cli(t, nil, "generate", "--spec", spec, "--out", dst, "--name", "tinyNotes", "--display-name", "Tiny Notes", "--credential", "tinyApi")
		require.Equal(t, exitOK, out.code, out.stderr)
		assert.Equal(t, "noderun generate: wrote "+dst+"\n", out.stderr)
		data, err := os.ReadFile(dst)
		require.NoError(t, err)
		var v schema.Validator
		d, diags := v.ValidateDescription(data)
		require.False(t, diags.HasErrors(), "%v", diags.Errors())
		assert.Equal(t, "tinyNotes", d.Name)
		assert.Equal(t, "Tiny notes", d.Description, "the document's title stands in for --description")
		assert.Equal(t, []string{"Notes"}, d.Resources())
		var ops []string
		for _, op := range d.Operations() {
			ops = append(ops, op.Method+" "+op.URL)
		}
		assert.ElementsMatch(t, []string{"GET /notes", "POST /notes", "DELETE /notes/{{$parameter[\"noteId\"]}}"}, ops)

		// The generated node validates through the command line too.
		check := cli(t, nil, "validate", dst)
		assert.Equal(t, exitOK, check.code, check.stdout)
	})
	t.Run("missing flags", func(t *testing.T) {
		out := cli(t, nil, "generate", "--spec", spec)
		assert.Equal(t, exitInput, out.code)
		assert.Contains(t, out.stderr, "--spec, --out, --name and --display-name are required")
	})
	t.Run("not an OpenAPI document", func(t *testing.T) {
		dst := filepath.Join(t.TempDir(), "x.node.json")
		out := cli(t, nil, "generate", "--spec", repo(t, "testdata/cli/petstore.node.json"), "--out", dst, "--name", "x", "--display-name", "X")
		assert.Equal(t, exitFailed, out.code)
		assert.Contains(t, oneStderrLine(t, out.stderr), "noderun generate: openapigen:")
		assert.NoFileExists(t, dst)
	})
	t.Run("spec file missing", func(t *testing.T) {
		out := cli(t, nil, "generate", "--spec", filepath.Join(t.TempDir(), "nope.json"), "--out", "x", "--name", "x", "--display-name", "X")
		assert.Equal(t, exitInput, out.code)
		assert.Contains(t, oneStderrLine(t, out.stderr), "no such file")
	})
}

// TestSim serves the simulator until the context ends: it prints its URL
// and tokens, and they work.
func TestSim(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := run(ctx, []string{"sim", "--addr", "127.0.0.1:0"}, strings.NewReader(""), pw, io.Discard)
		pw.Close()
		done <- code
	}()
	var printed strings.Builder
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		printed.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "Try: ") {
			break
		}
	}
	text := printed.String()
	url := regexp.MustCompile(`at (http://127\.0\.0\.1:\d+)\n`).FindStringSubmatch(text)
	require.NotNil(t, url, text)
	token := regexp.MustCompile(`(?m)^  administrator token \(user\)\s+(\S+)$`).FindStringSubmatch(text)
	require.NotNil(t, token, text)
	seed := chatwootsim.New(chatwootsim.Options{}).Seed()
	assert.Equal(t, seed.AdminToken, token[1], "the default seed's token")
	assert.Contains(t, text, seed.InboxIdentifier)
	assert.Contains(t, text, `NODERUN_CREDENTIALS_CHATWOOTAPI='{"url":"`+url[1]+`","accessToken":"`+seed.AdminToken+`"}'`)

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url[1]+"/api/v1/profile", nil)
	require.NoError(t, err)
	req.Header.Set("api_access_token", token[1])
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	http.DefaultClient.CloseIdleConnections()

	cancel()
	go io.Copy(io.Discard, pr)
	assert.Equal(t, exitOK, <-done)

	t.Run("context already ended: prints and stops", func(t *testing.T) {
		ended, stop := context.WithCancel(context.Background())
		stop()
		out := cliContext(ended, t, nil, "sim", "--addr", "127.0.0.1:0")
		assert.Equal(t, exitOK, out.code, out.stderr)
		assert.Contains(t, out.stdout, "Chatwoot simulator")
	})
	t.Run("address in use", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer ln.Close()
		out := cli(t, nil, "sim", "--addr", ln.Addr().String())
		assert.Equal(t, exitFailed, out.code)
		assert.Contains(t, oneStderrLine(t, out.stderr), "cannot start the simulator on "+ln.Addr().String())
	})
}
