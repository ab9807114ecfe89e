package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests of this file run the built binary: build information,
// signals, terminals and shells belong to a real process.

func TestVersionFromBuildInfo(t *testing.T) {
	bin := binary(t)
	mod, err := exec.Command("go", "version", "-m", bin).Output()
	require.NoError(t, err)
	// The line "\tmod\tgithub.com/noderun/noderun\t<version>\t..." holds
	// what the go command recorded for the main module.
	m := regexp.MustCompile(`(?m)^\s*mod\s+github\.com/noderun/noderun\s+(\S+)`).FindSubmatch(mod)
	require.NotNil(t, m, "go version -m:\n%s", mod)
	want := string(m[1])
	for _, args := range [][]string{{"--version"}, {"-version"}, {"version"}} {
		out := runBinary(t, nil, nil, args...)
		require.Equal(t, exitOK, out.code, out.stderr)
		assert.True(t, strings.HasPrefix(out.stdout, "noderun "+want), "%v: %q, want the module version %q", args, out.stdout, want)
		assert.Regexp(t, `\(go1\.[0-9.]+\)\n$`, out.stdout)
	}
}

func TestHelpCommand(t *testing.T) {
	for _, name := range commandNames() {
		t.Run(name, func(t *testing.T) {
			out := runBinary(t, nil, nil, "help", name)
			require.Equal(t, exitOK, out.code, out.stderr)
			assert.Contains(t, out.stderr, "usage: noderun "+name)
		})
	}
	t.Run("help exec is exec -h", func(t *testing.T) {
		help := runBinary(t, nil, nil, "help", "exec")
		dashH := runBinary(t, nil, nil, "exec", "-h")
		assert.Equal(t, help, dashH)
		for _, want := range []string{"The request:", `"parameters"`, "Exit status:", "130", "NODERUN_CREDENTIALS_<TYPE>",
			"HTTP_PROXY", "Example", "-max-line-bytes", "-compact"} {
			assert.Contains(t, help.stderr, want)
		}
		assert.Empty(t, help.stdout)
	})
	t.Run("unknown command", func(t *testing.T) {
		out := runBinary(t, nil, nil, "help", "exce")
		assert.Equal(t, exitInput, out.code)
		assert.Contains(t, oneStderrLine(t, out.stderr), `unknown command "exce" (did you mean "exec"?)`)
	})
}

// TestExecHelpExampleRuns runs the example `exec -h` shows.
func TestExecHelpExampleRuns(t *testing.T) {
	help := runBinary(t, nil, nil, "exec", "-h")
	m := regexp.MustCompile(`(?m)^\s*echo '(.*)' \| noderun exec --sim$`).FindStringSubmatch(help.stderr)
	require.NotNil(t, m, "no example in:\n%s", help.stderr)
	out := runBinary(t, strings.NewReader(m[1]), nil, "exec", "--sim")
	require.Equal(t, exitOK, out.code, "stdout:\n%s\nstderr:\n%s", out.stdout, out.stderr)
	res := decodeResult(t, out.stdout)
	assert.NotEmpty(t, res.Items)
	assert.Nil(t, res.Error)
}

func TestFlagsAfterArguments(t *testing.T) {
	desc := repo(t, "testdata/cli/petstore.node.json")
	cred := repo(t, "testdata/cli/petstore.credential.json")
	before := runBinary(t, nil, nil, "validate", "--json", desc, cred)
	after := runBinary(t, nil, nil, "validate", desc, "--json", cred)
	require.Equal(t, exitOK, after.code, after.stderr)
	assert.Equal(t, before, after)
	assert.True(t, json.Valid([]byte(after.stdout)), after.stdout)

	out := runBinary(t, nil, nil, "describe", "chatwoot", "--resource", "Contacts", "--operation", "Contact Details", "--json")
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.True(t, json.Valid([]byte(out.stdout)))

	// After "--" every word is an argument, even one that looks like a flag.
	out = runBinary(t, nil, nil, "validate", "--", "--json")
	assert.Equal(t, exitInput, out.code, out.stderr)
	assert.Contains(t, oneStderrLine(t, out.stderr), "open --json: no such file")
}

func TestCompletion(t *testing.T) {
	script := runBinary(t, nil, nil, "completion", "bash")
	require.Equal(t, exitOK, script.code, script.stderr)
	path := filepath.Join(t.TempDir(), "noderun.bash")
	require.NoError(t, os.WriteFile(path, []byte(script.stdout), 0o600))
	complete := func(words ...string) []string {
		t.Helper()
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = shellQuote(w)
		}
		prog := fmt.Sprintf(`source %s; COMP_WORDS=(%s); COMP_CWORD=%d; _noderun; printf '%%s\n' "${COMPREPLY[@]}"`,
			shellQuote(path), strings.Join(quoted, " "), len(words)-1)
		out, err := exec.Command("bash", "--norc", "-c", prog).CombinedOutput()
		require.NoError(t, err, string(out))
		return strings.Fields(string(out))
	}
	assert.Equal(t, []string{"exec"}, complete("noderun", "ex"))
	assert.Contains(t, complete("noderun", ""), "completion")
	assert.Equal(t, []string{"--dry-run"}, complete("noderun", "exec", "--dry"))
	assert.ElementsMatch(t, []string{"--max-request-bytes", "--max-response-bytes"}, complete("noderun", "exec", "--max-re"))
	assert.Equal(t, []string{"debug", "disabled"}, complete("noderun", "exec", "--log-level", "d"))
	assert.Equal(t, []string{"json"}, complete("noderun", "exec", "-log-format", "j"))
	assert.Contains(t, complete("noderun", "describe", "chat"), "chatwoot")
	assert.Equal(t, []string{"zsh"}, complete("noderun", "completion", "z"))
	assert.Equal(t, []string{"validate"}, complete("noderun", "help", "va"))
	assert.Equal(t, []string{"--kind"}, complete("noderun", "validate", "x.json", "--ki"), "flags after arguments")

	for _, shell := range []string{"zsh", "fish"} {
		out := runBinary(t, nil, nil, "completion", shell)
		require.Equal(t, exitOK, out.code, out.stderr)
		for _, c := range commandNames() {
			assert.Contains(t, out.stdout, c)
		}
		if _, err := exec.LookPath(shell); err == nil {
			// The shell itself checks the syntax.
			p := filepath.Join(t.TempDir(), "noderun."+shell)
			require.NoError(t, os.WriteFile(p, []byte(out.stdout), 0o600))
			res, err := exec.Command(shell, "-n", p).CombinedOutput()
			assert.NoError(t, err, string(res))
		}
	}
	fish := runBinary(t, nil, nil, "completion", "fish").stdout
	if _, err := exec.LookPath("fish"); err == nil {
		// fish answers completions without a terminal: ask it.
		p := filepath.Join(t.TempDir(), "noderun.fish")
		require.NoError(t, os.WriteFile(p, []byte(fish), 0o600))
		res, err := exec.Command("fish", "--no-config", "-c", "source "+shellQuote(p)+`; complete -C "noderun exec --dry"; complete -C "noderun exec --log-level d"; complete -C "noderun describe chatwoot."`).CombinedOutput()
		require.NoError(t, err, string(res))
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(string(res)), "\n") {
			got = append(got, strings.SplitN(line, "\t", 2)[0])
		}
		assert.Equal(t, []string{"--dry-run", "debug", "disabled", "chatwoot.createConversation"}, got)
	}
	assert.Contains(t, fish, "complete -c noderun -n '__fish_seen_subcommand_from exec' -l dry-run")
	assert.Contains(t, fish, "-l log-level -d 'log level: trace, debug, info, warn, error or disabled' -x -a 'trace debug info warn error disabled'")
	zsh := runBinary(t, nil, nil, "completion", "zsh").stdout
	assert.Contains(t, zsh, "'--input[read the request from this file instead of stdin]:input:_files'")
	assert.Contains(t, zsh, "'--log-format[log format on stderr\\: console or json]:log-format:(console json)'")

	bad := runBinary(t, nil, nil, "completion", "bsh")
	assert.Equal(t, exitInput, bad.code)
	assert.Contains(t, oneStderrLine(t, bad.stderr), `(did you mean "bash"?)`)
}

// pausingPets is a petstore whose pets named slow-N answer only when the
// client goes away, and tick-N after 300 ms; arrived receives the id of
// every slow request.
func pausingPets(t *testing.T) (*httptest.Server, chan string) {
	arrived := make(chan string, 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.URL.Path, "/v1/pets/")
		switch {
		case strings.HasPrefix(id, "slow"):
			arrived <- id
			select {
			case <-r.Context().Done():
				return
			case <-time.After(30 * time.Second):
			}
		case strings.HasPrefix(id, "tick"):
			time.Sleep(300 * time.Millisecond)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":%q}`, id)
	}))
	t.Cleanup(srv.Close)
	return srv, arrived
}

func petsRequest(t *testing.T, url string, ids ...string) map[string]any {
	items := make([]map[string]any, len(ids))
	for i, id := range ids {
		items[i] = map[string]any{"id": id}
	}
	return petstoreRequest(t, map[string]any{"resource": "pet", "operation": "get", "petId": "={{ $json.id }}"},
		map[string]any{"url": url, "apiKey": petstoreKey}, items)
}

func TestInterrupt(t *testing.T) {
	for _, c := range []struct {
		name   string
		sig    syscall.Signal
		code   int
		jsonl  bool
		stderr string
	}{
		{name: "Ctrl-C", sig: syscall.SIGINT, code: 130, stderr: "noderun: interrupted: 2 of 4 items finished; their output is written\n"},
		{name: "SIGTERM", sig: syscall.SIGTERM, code: 143, stderr: "noderun: interrupted: 2 of 4 items finished; their output is written\n"},
		{name: "Ctrl-C, --jsonl", sig: syscall.SIGINT, code: 130, jsonl: true, stderr: "noderun: interrupted: 2 items finished; their output is written\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, arrived := pausingPets(t)
			req := petsRequest(t, srv.URL, "fast-0", "fast-1", "slow-2", "slow-3")
			stdin := mustJSON(t, req)
			args := []string{"exec", "--progress", "never"}
			if c.jsonl {
				stdin = asJSONLInput(t, req)
				args = append(args, "--jsonl")
			}
			cmd := exec.Command(binary(t), args...)
			cmd.Stdin = strings.NewReader(stdin)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			require.NoError(t, cmd.Start())
			for range 2 {
				select {
				case <-arrived:
				case <-time.After(30 * time.Second):
					_ = cmd.Process.Kill()
					t.Fatalf("the slow requests never arrived; stderr:\n%s", stderr.String())
				}
			}
			time.Sleep(100 * time.Millisecond) // the fast items are delivered by now
			require.NoError(t, cmd.Process.Signal(c.sig))
			err := cmd.Wait()
			var ee *exec.ExitError
			require.ErrorAs(t, err, &ee, "stderr:\n%s", stderr.String())
			assert.Equal(t, c.code, ee.ExitCode(), "stderr:\n%s", stderr.String())
			assert.Equal(t, c.stderr, stderr.String())
			if c.jsonl {
				lines := jsonLines(t, stdout.String())
				require.Len(t, lines, 3, stdout.String())
				assert.Equal(t, "fast-1", lines[1]["json"].(map[string]any)["id"])
				assert.Equal(t, "The run was interrupted", lines[2]["error"].(map[string]any)["message"])
				return
			}
			res := decodeResult(t, stdout.String())
			require.Len(t, res.Items, 2, "the finished items are written")
			assert.Equal(t, "fast-1", res.Items[1].JSON["id"])
			require.NotNil(t, res.Error)
			assert.Equal(t, "The run was interrupted", res.Error.Message)
			want := "stopped by SIGINT (Ctrl-C): 2 of 4 input items finished; their output is written"
			if c.sig == syscall.SIGTERM {
				want = "stopped by SIGTERM: 2 of 4 input items finished; their output is written"
			}
			assert.Equal(t, want, res.Error.Description)
		})
	}
}

// TestProgressWithTotal: a non-streaming run shows "done/total" while it
// runs, and the final count at the end.
func TestProgressWithTotal(t *testing.T) {
	srv, _ := pausingPets(t)
	req := petsRequest(t, srv.URL, "tick-0", "tick-1", "tick-2", "tick-3", "tick-4")
	out := runBinary(t, strings.NewReader(mustJSON(t, req)), nil, "exec", "--progress", "always", "--max-concurrency", "1")
	require.Equal(t, exitOK, out.code, out.stderr)
	lines := strings.Split(strings.TrimSuffix(out.stderr, "\n"), "\n")
	require.GreaterOrEqual(t, len(lines), 2, "a tick and the final line:\n%s", out.stderr)
	assert.Regexp(t, `^[0-4]/5 items, [0-9]+ items/s, 0 errors$`, lines[0])
	assert.Regexp(t, `^5 items, [0-9]+ items/s, 0 errors$`, lines[len(lines)-1])
}

// openPTY opens a pseudo-terminal pair with the Linux ioctls, to give the
// command a terminal without a dependency.
func openPTY(t *testing.T) (control, term *os.File) {
	t.Helper()
	control, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { control.Close() })
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, control.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Fatalf("unlockpt: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, control.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Fatalf("ptsname: %v", e)
	}
	term, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	require.NoError(t, err)
	t.Cleanup(func() { term.Close() })
	return control, term
}

// TestTerminal runs the command with its stderr, and then its stdin, on a
// terminal: progress shows by itself, with the total, and a request read
// from the terminal gets a hint first.
func TestTerminal(t *testing.T) {
	srv, _ := pausingPets(t)
	req := petsRequest(t, srv.URL, "tick-0", "tick-1", "tick-2", "tick-3")

	t.Run("progress on a terminal", func(t *testing.T) {
		control, term := openPTY(t)
		cmd := exec.Command(binary(t), "exec", "--max-concurrency", "1")
		cmd.Stdin = strings.NewReader(mustJSON(t, req))
		var stdout bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, term
		require.NoError(t, cmd.Start())
		screen := readAll(control)
		require.NoError(t, cmd.Wait())
		term.Close()
		text := <-screen
		assert.Regexp(t, `\r[0-3]/4 items, [0-9]+ items/s, 0 errors`, text)
		assert.Regexp(t, `\r4 items, [0-9]+ items/s, 0 errors\r?\n`, text)
		assert.Len(t, decodeResult(t, stdout.String()).Items, 4)
	})
	t.Run("hint when stdin is a terminal", func(t *testing.T) {
		control, term := openPTY(t)
		cmd := exec.Command(binary(t), "exec", "--dry-run")
		var stdout bytes.Buffer
		cmd.Stdin, cmd.Stdout, cmd.Stderr = term, &stdout, term
		require.NoError(t, cmd.Start())
		screen := readAll(control)
		// Type the request and Ctrl-D, as a user pasting it would.
		_, err := control.Write([]byte(mustJSON(t, petsRequest(t, srv.URL, "1")) + "\n\x04"))
		require.NoError(t, err)
		require.NoError(t, cmd.Wait())
		term.Close()
		text := <-screen
		assert.Contains(t, text, "noderun exec: reading the request from the terminal: paste one JSON object, then press Ctrl-D")
		assert.Contains(t, stdout.String(), `"requests"`)
	})
}

// readAll collects what the terminal shows until it is closed.
func readAll(control *os.File) <-chan string {
	out := make(chan string, 1)
	go func() {
		var b strings.Builder
		r := bufio.NewReader(control)
		_, _ = io.Copy(&b, r) // ends with EIO once the terminal side is closed
		out <- b.String()
	}()
	return out
}

func TestCompact(t *testing.T) {
	ps := newPetstore(t)
	req := mustJSON(t, petstoreRequest(t, map[string]any{"resource": "pet", "operation": "get", "petId": "1"},
		map[string]any{"url": ps.URL, "apiKey": petstoreKey}, nil))
	for _, args := range [][]string{{"exec", "--compact"}, {"exec", "--dry-run", "--compact"}, {"exec", "--compact", "--max-request-bytes", "1"}} {
		out := runBinary(t, strings.NewReader(req), nil, args...)
		assert.Equal(t, 1, strings.Count(out.stdout, "\n"), "%v: one line: %s", args, out.stdout)
		assert.True(t, json.Valid([]byte(out.stdout)), out.stdout)
		indented := runBinary(t, strings.NewReader(req), nil, args[:len(args)-1]...)
		if args[len(args)-1] == "--compact" {
			var a, b any
			require.NoError(t, json.Unmarshal([]byte(out.stdout), &a))
			require.NoError(t, json.Unmarshal([]byte(indented.stdout), &b))
			assert.Equal(t, b, a, "the same result")
			assert.Greater(t, strings.Count(indented.stdout, "\n"), 1)
		}
	}
}

// TestRequestDebugLog: at debug level every HTTP exchange is logged with
// its method, URL (secrets masked), status and duration.
func TestRequestDebugLog(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("api_key") != secretToken {
			w.WriteHeader(http.StatusUnauthorized)
		}
		if strings.HasSuffix(r.URL.Path, "/404") {
			w.WriteHeader(http.StatusNotFound)
		}
		fmt.Fprint(w, `{}`)
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	credPath := filepath.Join(dir, "query.credential.json")
	require.NoError(t, os.WriteFile(credPath, []byte(`{"name": "petstoreApi", "displayName": "Petstore API",
	  "properties": [{"displayName": "URL", "name": "url", "type": "string", "default": ""},
	                 {"displayName": "API Key", "name": "apiKey", "type": "string", "typeOptions": {"password": true}, "default": ""}],
	  "authenticate": {"type": "generic", "properties": {"qs": {"api_key": "={{$credentials.apiKey}}"}}}}`), 0o600))
	req := map[string]any{
		"descriptor":      repo(t, "testdata/cli/petstore.node.json"),
		"credentialTypes": []string{credPath},
		"parameters":      map[string]any{"resource": "pet", "operation": "get", "petId": "={{ $json.id }}"},
		"credentials":     map[string]any{"petstoreApi": map[string]any{"url": srv.URL, "apiKey": secretToken}},
		"items":           []map[string]any{{"json": map[string]any{"id": "1"}}, {"json": map[string]any{"id": "404"}}},
		"settings":        map[string]any{"continueOnFail": true},
	}
	out := runBinary(t, strings.NewReader(mustJSON(t, req)), nil, "exec", "--log-level", "debug", "--log-format", "json")
	require.Equal(t, exitOK, out.code, out.stderr)
	assertNoSecret(t, out, secretToken)
	var logged []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out.stderr), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		if m["message"] == "request" {
			logged = append(logged, m)
		}
	}
	require.Len(t, logged, 2, out.stderr)
	byStatus := map[float64]map[string]any{}
	for _, m := range logged {
		byStatus[m["status"].(float64)] = m
		assert.Equal(t, "debug", m["level"])
		assert.Equal(t, "GET", m["method"])
		assert.Contains(t, m, "duration")
		assert.Contains(t, m["url"], "api_key=**hidden**")
	}
	assert.Equal(t, srv.URL+"/v1/pets/1?api_key=**hidden**", byStatus[200]["url"])
	assert.Equal(t, srv.URL+"/v1/pets/404?api_key=**hidden**", byStatus[404]["url"])

	quiet := runBinary(t, strings.NewReader(mustJSON(t, req)), nil, "exec", "--log-level", "info", "--log-format", "json")
	assert.NotContains(t, quiet.stderr, `"message":"request"`, "only at debug level")
}

func TestGenerateToStdout(t *testing.T) {
	for _, spec := range []string{"testdata/cli/tiny.openapi.json", "nodes/openapigen/testdata/synthetic.openapi.json"} {
		t.Run(filepath.Base(spec), func(t *testing.T) {
			out := runBinary(t, nil, nil, "generate", "--spec", repo(t, spec), "--out", "-", "--name", "tiny", "--display-name", "Tiny")
			require.Equal(t, exitOK, out.code, out.stderr)
			assert.NotContains(t, out.stderr, "wrote")
			assert.NotContains(t, out.stderr, "warnings from")
			require.True(t, json.Valid([]byte(out.stdout)))
			// noderun's own validator has nothing to say about it.
			v := runBinary(t, strings.NewReader(out.stdout), nil, "validate", "-")
			require.Equal(t, exitOK, v.code, v.stderr)
			assert.Equal(t, "-: valid node\n", v.stdout)
		})
	}
	t.Run("with --n8n, the warnings n8n's mapping draws are shown", func(t *testing.T) {
		out := runBinary(t, nil, nil, "generate", "--n8n", "--spec", repo(t, "testdata/cli/tiny.openapi.json"), "--out", "-", "--name", "tiny", "--display-name", "Tiny")
		require.Equal(t, exitOK, out.code, out.stderr)
		assert.Contains(t, out.stderr, "noderun generate: 2 warnings from `noderun validate`")
	})
}

// TestInterruptWhileWaitingForInput: Ctrl-C while the command waits for
// its request (a terminal, a pipe that stays open) ends it at once.
func TestInterruptWhileWaitingForInput(t *testing.T) {
	for _, args := range [][]string{{"exec"}, {"exec", "--jsonl"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			cmd := exec.Command(binary(t), args...)
			stdin, err := cmd.StdinPipe()
			require.NoError(t, err)
			defer stdin.Close()
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			require.NoError(t, cmd.Start())
			_, err = stdin.Write([]byte(`{"node": "chat`)) // half a request, and the pipe stays open
			require.NoError(t, err)
			time.Sleep(300 * time.Millisecond)
			require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
			err = cmd.Wait()
			var ee *exec.ExitError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, exitInterrupted, ee.ExitCode())
			assert.Equal(t, "noderun: interrupted before the request was read\n", stderr.String())
			assert.Contains(t, stdout.String(), `"message":`)
			assert.Contains(t, stdout.String(), "The run was interrupted")
		})
	}
}
