package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// TestMain fails the package when a command leaves a goroutine behind
// (a simulator, a worker, a pooled connection): run is called in-process
// many times and must clean up as a process exit would. Credentials from
// the developer's environment would change what the tests send, so they
// are cleared first.
func TestMain(m *testing.M) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "NODERUN_CREDENTIALS_") {
			os.Unsetenv(name)
		}
	}
	// regexp2's timeout clock (runtime/expr keeps it running for the life
	// of the process, so that a match limit is never hit early) is not a leak.
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/dlclark/regexp2.runClock"),
		goleak.Cleanup(func(code int) {
			removeBinary()
			os.Exit(code)
		}))
}

// outcome is one in-process invocation of the command line.
type outcome struct {
	code   int
	stdout string
	stderr string
}

// cli runs the command line in-process with stdin and returns what it wrote.
func cli(t testing.TB, stdin io.Reader, args ...string) outcome {
	t.Helper()
	return cliContext(context.Background(), t, stdin, args...)
}

func cliContext(ctx context.Context, t testing.TB, stdin io.Reader, args ...string) outcome {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var stdout, stderr bytes.Buffer
	code := run(ctx, args, stdin, &stdout, &stderr)
	return outcome{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// execResultJSON is the exec contract's output as a client decodes it.
type execResultJSON struct {
	Items      []itemJSON `json:"items"`
	ErrorItems []itemJSON `json:"errorItems"`
	Error      *errorJSON `json:"error"`
}

type itemJSON struct {
	JSON       map[string]any `json:"json"`
	PairedItem *struct {
		Item int `json:"item"`
	} `json:"pairedItem"`
	Error  *errorJSON `json:"error"`
	Output int        `json:"output"`
}

type errorJSON struct {
	Name        string `json:"name"`
	Message     string `json:"message"`
	Description string `json:"description"`
	HTTPCode    string `json:"httpCode"`
	ItemIndex   *int   `json:"itemIndex"`
	Parameter   string `json:"parameter"`
	Body        any    `json:"body"`
}

// decodeResult requires stdout to be exactly one exec result object, with
// items and errorItems always present as arrays.
func decodeResult(t testing.TB, stdout string) execResultJSON {
	t.Helper()
	var keys map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(stdout), &keys), "stdout is not one JSON object:\n%s", stdout)
	assert.ElementsMatch(t, []string{"items", "errorItems", "error"}, mapKeys(keys), "stdout keys")
	assert.True(t, bytes.HasPrefix(keys["items"], []byte("[")), "items must be an array: %s", keys["items"])
	assert.True(t, bytes.HasPrefix(keys["errorItems"], []byte("[")), "errorItems must be an array: %s", keys["errorItems"])
	var res execResultJSON
	dec := json.NewDecoder(strings.NewReader(stdout))
	require.NoError(t, dec.Decode(&res))
	return res
}

// jsonLines splits JSONL output, requiring every line to be a JSON object.
func jsonLines(t testing.TB, stdout string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), "line %d is not a JSON object: %s", len(out)+1, sc.Text())
		out = append(out, m)
	}
	require.NoError(t, sc.Err())
	return out
}

func mapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

// oneStderrLine requires stderr to be exactly one "noderun: ..." line and
// returns it.
func oneStderrLine(t testing.TB, stderr string) string {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	require.Len(t, lines, 1, "stderr must be one line:\n%s", stderr)
	require.True(t, strings.HasSuffix(stderr, "\n"), "stderr line must end in a newline: %q", stderr)
	require.True(t, strings.HasPrefix(lines[0], "noderun"), "stderr: %q", lines[0])
	return lines[0]
}

// repo returns a path inside the repository from this package's directory.
func repo(t testing.TB, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", filepath.FromSlash(rel)))
	require.NoError(t, err)
	return p
}

// mustJSON marshals v for a request body or a stdin.
func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// petstoreKey is the API key the petstore test server accepts.
const petstoreKey = "pk-live-7d1c0b6e5f4a49c8"

// petstore is an httptest server for testdata/cli/petstore.node.json: it
// checks the X-Api-Key header and answers POST /v1/pets, GET /v1/pets/{id}
// and GET /v1/me.
type petstore struct {
	*httptest.Server
	mu      sync.Mutex
	headers []http.Header
	bodies  []map[string]any
}

func newPetstore(t testing.TB) *petstore {
	t.Helper()
	ps := &petstore{}
	ps.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := map[string]any{}
		_ = json.NewDecoder(r.Body).Decode(&body)
		ps.mu.Lock()
		ps.headers = append(ps.headers, r.Header.Clone())
		ps.bodies = append(ps.bodies, body)
		ps.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("X-Api-Key") != petstoreKey {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"message":"invalid api key"}`)
			return
		}
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/v1/me":
			io.WriteString(w, `{"user":"tester"}`)
		case r.Method == http.MethodPost && r.URL.Path == "/v1/pets":
			created := map[string]any{"id": 7}
			for k, v := range body {
				created[k] = v
			}
			json.NewEncoder(w).Encode(created)
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/pets/"):
			id := strings.TrimPrefix(r.URL.Path, "/v1/pets/")
			if id == "404" {
				w.WriteHeader(http.StatusNotFound)
				io.WriteString(w, `{"message":"no such pet"}`)
				return
			}
			json.NewEncoder(w).Encode(map[string]any{"id": id, "name": "pet " + id})
		default:
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"message":"no route"}`)
		}
	}))
	t.Cleanup(ps.Close)
	return ps
}

// petstoreRequest is an exec request for the petstore descriptor.
func petstoreRequest(t testing.TB, params map[string]any, creds map[string]any, items []map[string]any) map[string]any {
	t.Helper()
	req := map[string]any{
		"descriptor":      repo(t, "testdata/cli/petstore.node.json"),
		"credentialTypes": []string{repo(t, "testdata/cli/petstore.credential.json")},
		"parameters":      params,
	}
	if creds != nil {
		req["credentials"] = map[string]any{"petstoreApi": creds}
	}
	if items != nil {
		list := make([]map[string]any, len(items))
		for i, it := range items {
			list[i] = map[string]any{"json": it}
		}
		req["items"] = list
	}
	return req
}

// assertNoSecret fails when secret occurs in the outcome's output.
func assertNoSecret(t testing.TB, out outcome, secret string) {
	t.Helper()
	assert.NotContains(t, out.stdout, secret, "stdout shows the secret")
	assert.NotContains(t, out.stderr, secret, "stderr shows the secret")
}

// jsonUnmarshalStrict decodes s, which must be exactly one JSON value.
func jsonUnmarshalStrict(s string, v any) error {
	return json.Unmarshal([]byte(s), v)
}
