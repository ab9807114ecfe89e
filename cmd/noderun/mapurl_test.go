package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// --map-url through the built binary: a node whose credential names a
// fixed https host, pointed at a local petstore.

const fixedPetstore = "https://petstore.example.com"

func TestMapURLFlag(t *testing.T) {
	ps := newPetstore(t)
	defer ps.Close()
	get := mustJSON(t, petstoreRequest(t, map[string]any{"resource": "pet", "operation": "get", "petId": "1"},
		map[string]any{"url": fixedPetstore, "apiKey": petstoreKey}, nil))

	t.Run("exec sends the fixed host's requests to the mapped server", func(t *testing.T) {
		out := runBinary(t, strings.NewReader(get), nil, "exec", "--map-url", fixedPetstore+"="+ps.URL, "--log-level", "debug")
		require.Equal(t, exitOK, out.code, "stdout:\n%s\nstderr:\n%s", out.stdout, out.stderr)
		res := decodeResult(t, out.stdout)
		require.Nil(t, res.Error)
		require.Len(t, res.Items, 1)
		assert.Contains(t, out.stderr, fixedPetstore+"/v1/pets/1", "the debug line shows the URL the node built")
		assert.Contains(t, out.stderr, ps.URL+"/v1/pets/1", "and where it went")
		assertNoSecret(t, out, petstoreKey)
	})
	t.Run("without the flag the fixed host is what is dialled", func(t *testing.T) {
		out := runBinary(t, strings.NewReader(get), nil, "exec", "--dry-run")
		require.Equal(t, exitOK, out.code, out.stderr)
		assert.NotContains(t, out.stdout, "mappedUrl")
	})
	t.Run("a dry run shows both URLs", func(t *testing.T) {
		out := runBinary(t, strings.NewReader(get), nil, "exec", "--dry-run", "--compact", "--map-url", fixedPetstore+"/v1="+ps.URL+"/sandbox")
		require.Equal(t, exitOK, out.code, out.stderr)
		var dry struct {
			Requests []struct {
				URL       string `json:"url"`
				MappedURL string `json:"mappedUrl"`
			} `json:"requests"`
		}
		require.NoError(t, json.Unmarshal([]byte(out.stdout), &dry), out.stdout)
		require.Len(t, dry.Requests, 1)
		assert.Equal(t, fixedPetstore+"/v1/pets/1", dry.Requests[0].URL)
		assert.Equal(t, ps.URL+"/sandbox/pets/1", dry.Requests[0].MappedURL)
	})
	t.Run("a mapping to a metadata address is refused unless --allow-link-local", func(t *testing.T) {
		out := runBinary(t, strings.NewReader(get), nil, "exec", "--map-url", fixedPetstore+"=http://169.254.169.254")
		require.Equal(t, exitFailed, out.code, out.stderr)
		res := decodeResult(t, out.stdout)
		require.NotNil(t, res.Error)
		assert.Contains(t, res.Error.Message, "169.254.169.254 is a link-local or cloud metadata address")
	})
	t.Run("credentials test", func(t *testing.T) {
		creds := []string{"NODERUN_CREDENTIALS_PETSTOREAPI=" + mustJSON(t, map[string]any{"url": fixedPetstore, "apiKey": petstoreKey})}
		out := runBinary(t, nil, creds, "credentials", "test", "--descriptor", repo(t, "testdata/cli/petstore.node.json"),
			"--credential-type", repo(t, "testdata/cli/petstore.credential.json"), "--map-url", fixedPetstore+"="+ps.URL)
		require.Equal(t, exitOK, out.code, "stdout:\n%s\nstderr:\n%s", out.stdout, out.stderr)
		assert.Contains(t, out.stdout, `"ok": true`)
	})
}

func TestMapURLFlagBadValues(t *testing.T) {
	cases := []struct {
		name   string
		values []string
		want   string
	}{
		{"no =", []string{"https://a.example.com"}, `--map-url "https://a.example.com": want FROM=TO`},
		{"a relative FROM", []string{"/v1=http://localhost"}, `--map-url "/v1=http://localhost": FROM "/v1" is not an absolute http or https URL`},
		{"a TO of another scheme", []string{"https://a.example.com=ftp://localhost"}, `--map-url "https://a.example.com=ftp://localhost": TO "ftp://localhost" is not an absolute http or https URL`},
		{"a query", []string{"https://a.example.com=http://localhost/?k=v"}, `TO "http://localhost/?k=v" holds a query or fragment`},
		{"a FROM twice", []string{"https://a.example.com=http://localhost:1", "https://a.example.com/=http://localhost:2"},
			`--map-url "https://a.example.com/=http://localhost:2": FROM "https://a.example.com/" is mapped already, to http://localhost:1`},
		{"a chain", []string{"https://a.example.com=https://b.example.com", "https://b.example.com=http://localhost"},
			`--map-url "https://a.example.com=https://b.example.com": TO "https://b.example.com" lies under the From https://b.example.com, which is mapped itself; mappings do not chain`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var args []string
			for _, v := range c.values {
				args = append(args, "--map-url", v)
			}
			exec := runBinary(t, strings.NewReader(`{"node":"chatwoot"}`), nil, append([]string{"exec"}, args...)...)
			assert.Equal(t, exitInput, exec.code, exec.stderr)
			assert.Contains(t, oneStderrLine(t, exec.stderr), c.want)
			res := decodeResult(t, exec.stdout)
			require.NotNil(t, res.Error, "the exec contract still writes its JSON error")
			assert.Contains(t, res.Error.Message, c.want)

			ct := runBinary(t, nil, nil, append([]string{"credentials", "test"}, args...)...)
			assert.Equal(t, exitInput, ct.code, ct.stderr)
			assert.Contains(t, oneStderrLine(t, ct.stderr), c.want)
		})
	}
}
