package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/credentials"
)

// secretToken is the access token the secrets test sends through every
// path; it must appear in no byte the command writes.
const secretToken = "SECRET-TOKEN-9f8e7d"

// echoServer is a hostile Chatwoot: every answer carries the token it
// received in a header, and every error body quotes it, the request path
// and the request body back.
type echoServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen int // requests that carried the token
}

func newEchoServer(t *testing.T) *echoServer {
	t.Helper()
	es := &echoServer{}
	es.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := r.Header.Get("Api-Access-Token")
		body, _ := io.ReadAll(r.Body)
		if token != "" {
			es.mu.Lock()
			es.seen++
			es.mu.Unlock()
		}
		w.Header().Set("X-Echo-Token", token)
		w.Header().Set("Content-Type", "application/json")
		echo := fmt.Sprintf("token %s, path %s, body %s", token, r.URL.RequestURI(), body)
		switch {
		case r.URL.Path == "/api":
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"error":%q,"errors":[%q]}`, "Invalid Access Token "+token, echo)
		case strings.HasSuffix(r.URL.Path, "/contacts/1"):
			fmt.Fprint(w, `{"payload":{"id":1,"name":"Jane"}}`)
		case strings.HasSuffix(r.URL.Path, "/contacts/401"):
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"error":%q,"message":%q}`, "Invalid Access Token "+token, echo)
		case strings.HasSuffix(r.URL.Path, "/contacts/503"):
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, `{"message":%q}`, echo)
		default:
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, `{"message":%q,"error":{"message":%q},"token":%q}`, echo, echo, token)
		}
	}))
	t.Cleanup(es.Close)
	return es
}

// secretRequest is an exec request for the Chatwoot node against the echo
// server; items are {"id": ...}. A nil in params removes that parameter.
func (es *echoServer) request(params map[string]any, settings map[string]any, ids ...any) map[string]any {
	p := map[string]any{"resource": "Contacts", "operation": "Contact Details", "account_id": 1, "id": "={{ $json.id }}"}
	for k, v := range params {
		p[k] = v
		if v == nil {
			delete(p, k)
		}
	}
	req := map[string]any{
		"node":        "chatwoot",
		"parameters":  p,
		"credentials": map[string]any{"chatwootApi": map[string]any{"url": es.URL, "accessToken": secretToken}},
	}
	if settings != nil {
		req["settings"] = settings
	}
	items := make([]map[string]any, len(ids))
	for i, id := range ids {
		items[i] = map[string]any{"json": map[string]any{"id": id}}
	}
	if len(items) > 0 {
		req["items"] = items
	}
	return req
}

// withKey returns req with key set to v, or removed when v is nil.
func withKey(req map[string]any, key string, v any) map[string]any {
	if v == nil {
		delete(req, key)
	} else {
		req[key] = v
	}
	return req
}

// asJSONLInput turns a request into --jsonl input.
func asJSONLInput(t *testing.T, req map[string]any) string {
	t.Helper()
	jsonl, ok := asJSONL([]byte(mustJSON(t, req)))
	require.True(t, ok)
	return string(jsonl)
}

// TestSecretsNeverWritten sends secretToken through every path of the
// command line — exec (JSON and --jsonl, --dry-run, node errors from a
// server that echoes the token in its error bodies and headers, error
// items, retries, expressions that put $credentials.accessToken into the
// URL or the body or fail while reading it, a credential from the request,
// a file or the environment), credentials test and validate — at every log
// level and in both log formats, and searches every byte written to stdout
// and stderr.
func TestSecretsNeverWritten(t *testing.T) {
	es := newEchoServer(t)
	continueOnFail := map[string]any{"continueOnFail": true}
	retry := map[string]any{"retryOnFail": true, "maxTries": 2, "waitBetweenTries": 1}
	type execCase struct {
		name string
		req  map[string]any
		args []string
		// code is the exit status; the node ran and failed (1) unless said.
		code int
	}
	failing := []any{1, 401, 500}
	cases := []execCase{
		{name: "node error 401 stops the node", req: es.request(nil, nil, 1, 401, 500), code: exitFailed},
		{name: "node error 500 stops the node", req: es.request(nil, nil, 1, 500), code: exitFailed},
		{name: "error items with continue-on-fail", req: es.request(nil, continueOnFail, failing...), code: exitOK},
		{name: "error output", req: es.request(nil, map[string]any{"onError": "continueErrorOutput"}, failing...), code: exitOK},
		{name: "retries", req: es.request(nil, retry, 503), code: exitFailed},
		{name: "token in the URL", req: es.request(map[string]any{"id": "={{ $credentials.accessToken }}"}, continueOnFail, 1), code: exitOK},
		{name: "token in the body", req: es.request(map[string]any{"operation": "Contact Create", "inbox_id": 1, "id": nil,
			"name": "={{ $credentials.accessToken }}", "email": "={{ $credentials.accessToken + '@x.test' }}"}, nil, 1), code: exitFailed},
		{name: "expression fails reading the token", req: es.request(map[string]any{"id": "={{ $json.nope[$credentials.accessToken] }}"}, nil, 1), code: exitFailed},
		{name: "expression fails reading the token, continue-on-fail", req: es.request(map[string]any{"id": "={{ $json.nope[$credentials.accessToken] }}"}, continueOnFail, 1, 2), code: exitOK},
		{name: "expression throws the token", req: es.request(map[string]any{"id": "={{ (() => { throw new Error('bad ' + $credentials.accessToken) })() }}"}, nil, 1), code: exitFailed},
		{name: "invalid URL holding the token", req: es.request(map[string]any{"id": "={{ ' ' + $credentials.accessToken + '/%zz' }}"}, nil, 1), code: exitFailed},
		{name: "batching setting fails reading the token", req: es.request(map[string]any{"requestOptions": map[string]any{
			"batching": map[string]any{"batch": map[string]any{"batchSize": "={{ $json.nope[$credentials.accessToken] }}"}}}}, nil, 1), code: exitFailed},
		{name: "timeout setting is the token", req: es.request(map[string]any{"requestOptions": map[string]any{"timeout": "={{ $credentials.accessToken }}"}}, nil, 1), code: exitFailed},
		{name: "proxy setting holds the token", req: es.request(map[string]any{"requestOptions": map[string]any{"proxy": "={{ 'http://' + $credentials.accessToken }}"}}, nil, 1), code: exitFailed},
		{name: "dry run", req: es.request(map[string]any{"id": "={{ $credentials.accessToken }}"}, nil, 1, 2), args: []string{"--dry-run"}, code: exitOK},
		{name: "dry run of a failing expression", req: es.request(map[string]any{"id": "={{ $json.nope[$credentials.accessToken] }}"}, nil, 1), args: []string{"--dry-run"}, code: exitOK},
		// Input errors quote what they refuse: a token pasted into the
		// wrong place comes back masked.
		{name: "token pasted as the operation", req: es.request(map[string]any{"operation": secretToken}, nil, 1), code: exitInput},
		{name: "token pasted as the resource", req: es.request(map[string]any{"resource": secretToken}, nil, 1), code: exitInput},
		{name: "token pasted as the node", req: withKey(es.request(nil, nil, 1), "node", secretToken), code: exitInput},
		{name: "token pasted as the descriptor", req: withKey(withKey(es.request(nil, nil, 1), "node", nil), "descriptor", "/nonexistent/"+secretToken), code: exitInput},
		{name: "token pasted as a request key", req: withKey(es.request(nil, nil, 1), secretToken, 1), code: exitInput},
		{name: "token pasted as a settings key", req: es.request(nil, map[string]any{secretToken: true}, 1), code: exitInput},
		{name: "token pasted as the node name", req: withKey(es.request(map[string]any{"operation": "nope"}, nil, 1), "nodeName", secretToken), code: exitInput},
		{name: "token pasted as an item's json", req: withKey(es.request(nil, nil), "items", []any{map[string]any{"json": secretToken}}), code: exitInput},
		{name: "compact output of a node error", req: es.request(nil, nil, 1, 401), args: []string{"--compact"}, code: exitFailed},
		{name: "compact dry run", req: es.request(map[string]any{"id": "={{ $credentials.accessToken }}"}, nil, 1), args: []string{"--dry-run", "--compact"}, code: exitOK},
		{name: "request over --max-request-bytes / --max-line-bytes", req: es.request(nil, nil, 1), args: []string{"--max-request-bytes", "64", "--max-line-bytes", "64"}, code: exitInput},
	}

	var checked int
	for _, level := range []string{"trace", "debug", "info", "warn", "error"} {
		for _, format := range []string{"console", "json"} {
			logArgs := []string{"--log-level", level, "--log-format", format, "--progress", "always"}
			for _, c := range cases {
				for _, jsonl := range []bool{false, true} {
					name := fmt.Sprintf("%s/%s/%s/jsonl=%v", level, format, c.name, jsonl)
					t.Run(name, func(t *testing.T) {
						args := append(append([]string{"exec"}, logArgs...), c.args...)
						stdin := mustJSON(t, c.req)
						if jsonl {
							args = append(args, "--jsonl")
							stdin = asJSONLInput(t, c.req)
						}
						out := cli(t, strings.NewReader(stdin), args...)
						assert.Equal(t, c.code, out.code, "stdout:\n%s\nstderr:\n%s", out.stdout, out.stderr)
						assertNoSecret(t, out, secretToken)
						checked++
					})
				}
			}
		}
	}

	// Credentials from a file and from the environment, not the request.
	req := es.request(nil, continueOnFail, failing...)
	delete(req, "credentials")
	credFile := filepath.Join(t.TempDir(), "creds.json")
	require.NoError(t, os.WriteFile(credFile, []byte(mustJSON(t, map[string]any{"chatwootApi": map[string]any{"url": es.URL, "accessToken": secretToken}})), 0o600))
	t.Run("credentials file", func(t *testing.T) {
		out := cli(t, strings.NewReader(mustJSON(t, req)), "exec", "--credentials", credFile, "--log-level", "trace")
		assert.Equal(t, exitOK, out.code, out.stderr)
		assertNoSecret(t, out, secretToken)
		checked++
	})
	t.Run("credentials environment", func(t *testing.T) {
		t.Setenv("NODERUN_CREDENTIALS_CHATWOOTAPI", mustJSON(t, map[string]any{"url": es.URL, "accessToken": secretToken}))
		out := cli(t, strings.NewReader(mustJSON(t, req)), "exec", "--log-level", "trace", "--log-format", "json")
		assert.Equal(t, exitOK, out.code, out.stderr)
		assertNoSecret(t, out, secretToken)
		checked++
	})
	t.Run("credentials environment holding bad JSON", func(t *testing.T) {
		t.Setenv("NODERUN_CREDENTIALS_CHATWOOTAPI", `{"url": "x", "accessToken": "`+secretToken+`"`)
		out := cli(t, strings.NewReader(mustJSON(t, req)), "exec", "--log-level", "trace")
		assert.Equal(t, exitInput, out.code, out.stderr)
		assertNoSecret(t, out, secretToken)
		checked++
	})
	t.Run("bad URL in the credential", func(t *testing.T) {
		bad := es.request(nil, nil, 1)
		bad["credentials"] = map[string]any{"chatwootApi": map[string]any{"url": "ftp://" + secretToken, "accessToken": secretToken}}
		out := cli(t, strings.NewReader(mustJSON(t, bad)), "exec", "--log-level", "trace")
		assert.Equal(t, exitFailed, out.code, out.stderr)
		assertNoSecret(t, out, secretToken)
		checked++
	})
	t.Run("unusable request quoting the token", func(t *testing.T) {
		bad := es.request(nil, map[string]any{"onError": secretToken}, 1)
		out := cli(t, strings.NewReader(mustJSON(t, bad)), "exec", "--log-level", "trace")
		assert.Equal(t, exitInput, out.code, out.stderr)
		assertNoSecret(t, out, secretToken)
		checked++
	})

	// Interrupted while an item is in flight: what finished (an error
	// item quoting the token) is written, and nothing of the token.
	t.Run("interrupted run", func(t *testing.T) {
		for _, jsonl := range []bool{false, true} {
			ctx, cancel := context.WithCancel(context.Background())
			hold := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/contacts/2") {
					cancel()
					<-r.Context().Done()
					return
				}
				es.Config.Handler.ServeHTTP(w, r)
			}))
			req := es.request(nil, continueOnFail, 401, 2)
			req["credentials"] = map[string]any{"chatwootApi": map[string]any{"url": hold.URL, "accessToken": secretToken}}
			args := []string{"exec", "--log-level", "trace", "--max-concurrency", "1"}
			stdin := mustJSON(t, req)
			if jsonl {
				args = append(args, "--jsonl")
				stdin = asJSONLInput(t, req)
			}
			out := cliContext(ctx, t, strings.NewReader(stdin), args...)
			assert.Equal(t, exitInterrupted, out.code, "stdout:\n%s\nstderr:\n%s", out.stdout, out.stderr)
			assert.Contains(t, out.stdout, credentials.Mask, "the error item is written")
			assertNoSecret(t, out, secretToken)
			hold.Close()
			cancel()
			checked++
		}
	})

	// credentials test: the server refuses the token and quotes it back.
	for _, level := range []string{"trace", "debug", "info", "warn", "error"} {
		for _, format := range []string{"console", "json"} {
			t.Run(fmt.Sprintf("credentials test/%s/%s", level, format), func(t *testing.T) {
				t.Setenv("NODERUN_CREDENTIALS_CHATWOOTAPI", mustJSON(t, map[string]any{"url": es.URL, "accessToken": secretToken}))
				out := cli(t, nil, "credentials", "test", "--log-level", level, "--log-format", format)
				assert.Equal(t, exitFailed, out.code, "stdout:\n%s\nstderr:\n%s", out.stdout, out.stderr)
				assertNoSecret(t, out, secretToken)
				checked++
			})
		}
	}

	// validate reads description files, never credentials: with the token
	// in the environment, nothing of it may show.
	t.Run("validate", func(t *testing.T) {
		t.Setenv("NODERUN_CREDENTIALS_CHATWOOTAPI", mustJSON(t, map[string]any{"url": es.URL, "accessToken": secretToken}))
		for _, args := range [][]string{
			{"validate", repo(t, "testdata/cli/petstore.node.json")},
			{"validate", "--json", repo(t, "testdata/descriptors/invalid/three-faults.node.json")},
			{"validate", repo(t, "nodes/chatwoot/chatwoot.credential.json")},
		} {
			out := cli(t, nil, args...)
			assert.Contains(t, []int{exitOK, exitFailed}, out.code, out.stderr)
			assertNoSecret(t, out, secretToken)
			checked++
		}
	})

	es.mu.Lock()
	seen := es.seen
	es.mu.Unlock()
	assert.Positive(t, seen, "the token reached the server: the paths were exercised")
	t.Logf("secrets: %d invocations searched, the token reached the server %d times and was written 0 times", checked, seen)
}

// specialToken has the characters that change under URL and JSON
// encoding: a key sent in the query string is percent-encoded on the
// wire, and a server that echoes it, or a log line that shows the URL,
// repeats the encoded form.
const specialToken = `pk+/9f8e7d=="q&x<y>`

// TestSecretsEncodedNeverWritten runs the petstore description with its
// key sent in the query string against a server that echoes the query, as
// sent and decoded, in error bodies and headers: neither the key nor its
// URL or JSON encodings may be written, at any log level or format.
func TestSecretsEncodedNeverWritten(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Echo", r.URL.RawQuery)
		w.Header().Set("Content-Type", "application/json")
		status := http.StatusInternalServerError
		if strings.HasSuffix(r.URL.Path, "/503") {
			w.Header().Set("Retry-After", "0")
			status = http.StatusServiceUnavailable
		}
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"message":%q,"decoded":%q}`, "bad query "+r.URL.RawQuery, r.URL.Query().Get("api_key"))
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	cred := `{"name": "petstoreApi", "displayName": "Petstore API",
	  "properties": [{"displayName": "URL", "name": "url", "type": "string", "default": ""},
	                 {"displayName": "API Key", "name": "apiKey", "type": "string", "typeOptions": {"password": true}, "default": ""}],
	  "authenticate": {"type": "generic", "properties": {"qs": {"api_key": "={{$credentials.apiKey}}"}}}}`
	credPath := filepath.Join(dir, "query.credential.json")
	require.NoError(t, os.WriteFile(credPath, []byte(cred), 0o600))
	encodings := []string{specialToken, url.QueryEscape(specialToken), url.PathEscape(specialToken),
		strings.Trim(mustJSON(t, specialToken), `"`)}
	for _, level := range []string{"trace", "debug", "warn"} {
		for _, format := range []string{"console", "json"} {
			for _, id := range []string{"503", "500", "={{ $credentials.apiKey }}"} {
				t.Run(fmt.Sprintf("%s/%s/%s", level, format, id), func(t *testing.T) {
					req := map[string]any{
						"descriptor":      repo(t, "testdata/cli/petstore.node.json"),
						"credentialTypes": []string{credPath},
						"parameters":      map[string]any{"resource": "pet", "operation": "get", "petId": id},
						"credentials":     map[string]any{"petstoreApi": map[string]any{"url": srv.URL, "apiKey": specialToken}},
						"items":           []map[string]any{{"json": map[string]any{}}, {"json": map[string]any{}}},
						"settings":        map[string]any{"continueOnFail": true},
					}
					for _, args := range [][]string{{"exec"}, {"exec", "--dry-run"}} {
						out := cli(t, strings.NewReader(mustJSON(t, req)), append(args, "--log-level", level, "--log-format", format)...)
						assert.Equal(t, exitOK, out.code, out.stderr)
						for _, enc := range encodings {
							assertNoSecret(t, out, enc)
						}
					}
				})
			}
		}
	}
}

// TestSecretsBasicNeverWritten runs the petstore description with a
// credential sent as HTTP Basic against a server that echoes the
// Authorization header, whole and as its base64 token, in error bodies and
// headers: neither the password nor the header's base64 form may be
// written, in a dry run, a run, a stream or a credentials test.
func TestSecretsBasicNeverWritten(t *testing.T) {
	const user, password = "ann", "basic-PASSWORD-77"
	token := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		w.Header().Set("X-Echo", auth)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"message":%q,"token":%q}`, "refused "+auth, strings.TrimPrefix(auth, "Basic "))
	}))
	t.Cleanup(srv.Close)
	cred := `{"name": "petstoreApi", "displayName": "Petstore API",
	  "properties": [{"displayName": "URL", "name": "url", "type": "string", "default": ""},
	                 {"displayName": "User", "name": "user", "type": "string", "default": ""},
	                 {"displayName": "Password", "name": "password", "type": "string", "typeOptions": {"password": true}, "default": ""}],
	  "authenticate": {"type": "generic", "properties": {"auth": {"username": "={{$credentials.user}}", "password": "={{$credentials.password}}"}}},
	  "test": {"request": {"baseURL": "={{$credentials.url}}", "url": "/me"}}}`
	credPath := filepath.Join(t.TempDir(), "basic.credential.json")
	require.NoError(t, os.WriteFile(credPath, []byte(cred), 0o600))
	req := map[string]any{
		"descriptor":      repo(t, "testdata/cli/petstore.node.json"),
		"credentialTypes": []string{credPath},
		"parameters":      map[string]any{"resource": "pet", "operation": "get", "petId": "1"},
		"credentials":     map[string]any{"petstoreApi": map[string]any{"url": srv.URL, "user": user, "password": password}},
		"items":           []map[string]any{{"json": map[string]any{}}, {"json": map[string]any{}}},
	}
	for _, level := range []string{"trace", "debug", "warn"} {
		for _, format := range []string{"console", "json"} {
			for _, c := range []struct {
				args []string
				code int
			}{{[]string{"exec"}, exitFailed}, {[]string{"exec", "--dry-run"}, exitOK}, {[]string{"exec", "--jsonl"}, exitFailed}} {
				t.Run(fmt.Sprintf("%s/%s/%s", level, format, strings.Join(c.args, " ")), func(t *testing.T) {
					stdin := mustJSON(t, req)
					if slices.Contains(c.args, "--jsonl") {
						stdin = asJSONLInput(t, req)
					}
					out := cli(t, strings.NewReader(stdin), append(c.args, "--log-level", level, "--log-format", format)...)
					assert.Equal(t, c.code, out.code, "stdout:\n%s\nstderr:\n%s", out.stdout, out.stderr)
					if slices.Contains(c.args, "--dry-run") {
						assert.Contains(t, out.stdout, `"Authorization": "Basic `+credentials.Mask+`"`)
					}
					assertNoSecret(t, out, password)
					assertNoSecret(t, out, token)
				})
			}
		}
	}
	t.Run("credentials test", func(t *testing.T) {
		t.Setenv("NODERUN_CREDENTIALS_PETSTOREAPI", mustJSON(t, req["credentials"].(map[string]any)["petstoreApi"]))
		out := cli(t, nil, "credentials", "test", "--descriptor", repo(t, "testdata/cli/petstore.node.json"),
			"--credential-type", credPath, "--log-level", "trace")
		assert.Equal(t, exitFailed, out.code, "stdout:\n%s\nstderr:\n%s", out.stdout, out.stderr)
		assertNoSecret(t, out, password)
		assertNoSecret(t, out, token)
	})
}

// TestStandardLoggerMasked runs the built command against a server that,
// after answering, sends more bytes holding the token on the idle
// connection: net/http reports them through the standard logger ("Unsolicited
// response received on idle HTTP channel starting with ..."), which the
// command routes through its masking.
func TestStandardLoggerMasked(t *testing.T) {
	// The first item answers only once the second item's request holds a
	// connection of its own: on a busy machine the second request could
	// otherwise be sent after the first answer, on the same connection,
	// and read the unsolicited bytes as its response.
	slowArrived := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/contacts/2") {
			once.Do(func() { close(slowArrived) })
			time.Sleep(2 * time.Second) // keeps the command running until the first connection logs
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"payload":{"id":2}}`)
			return
		}
		select {
		case <-slowArrived:
		case <-time.After(10 * time.Second):
		}
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		body := `{"payload":{"id":1}}`
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
		buf.Flush()
		time.Sleep(100 * time.Millisecond)
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nX-Token: %s\r\n\r\n", secretToken)
		buf.Flush()
		time.Sleep(time.Second)
	}))
	t.Cleanup(srv.Close)
	req := map[string]any{
		"node":        "chatwoot",
		"parameters":  map[string]any{"resource": "Contacts", "operation": "Contact Details", "account_id": 1, "id": "={{ $json.id }}"},
		"credentials": map[string]any{"chatwootApi": map[string]any{"url": srv.URL, "accessToken": secretToken}},
		"items":       []map[string]any{{"json": map[string]any{"id": 1}}, {"json": map[string]any{"id": 2}}},
	}
	out := runBinary(t, strings.NewReader(mustJSON(t, req)), nil, "exec")
	require.Equal(t, exitOK, out.code, "stdout:\n%s\nstderr:\n%s", out.stdout, out.stderr)
	assert.Contains(t, out.stderr, "Unsolicited response received on idle HTTP channel", "the standard logger's path was exercised: %s", out.stderr)
	assert.Contains(t, out.stderr, "X-Token: "+credentials.Mask)
	assertNoSecret(t, out, secretToken)
}
