package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInputLimits(t *testing.T) {
	first := mustJSON(t, map[string]any{"node": "chatwoot",
		"parameters":  map[string]any{"resource": "Contacts", "operation": "Contact Details", "account_id": 1, "id": "={{ $json.id }}"},
		"credentials": map[string]any{"chatwootApi": map[string]any{"url": "http://127.0.0.1:1", "accessToken": secretToken}}})
	item := func(id string) string { return `{"json":{"id":"` + id + `"}}` }
	tests := []struct {
		name  string
		stdin string
		args  []string
		// lines is how many dry-run lines come before the error line.
		lines   int
		message string
	}{
		{name: "an item line over the limit", stdin: first + "\n" + item("1") + "\n" + item(strings.Repeat("x", 600)) + "\n" + item("3") + "\n",
			args: []string{"--jsonl", "--max-line-bytes", "512"}, lines: 1,
			message: "item 1: line 3 is longer than the --max-line-bytes limit of 512 bytes: raise --max-line-bytes to accept larger items"},
		{name: "the request line over the limit", stdin: first + "\n" + item("1") + "\n",
			args:    []string{"--jsonl", "--max-line-bytes", "100"},
			message: "the request (first line): line 1 is longer than the --max-line-bytes limit of 100 bytes: raise --max-line-bytes to accept larger items"},
		{name: "a value over the limit spread over short lines", stdin: first + "\n" + item("1") + "\n{\"json\":\n{\"id\":\n" + strings.Repeat("[\n", 300) + strings.Repeat("]\n", 300) + "}}\n",
			args: []string{"--jsonl", "--max-line-bytes", "512"}, lines: 1,
			message: "item 1: line "},
		{name: "the whole JSON request over the limit", stdin: mustJSON(t, map[string]any{"node": "chatwoot", "items": []any{map[string]any{"json": map[string]any{"x": strings.Repeat("y", 2000)}}}}),
			args:    []string{"--max-request-bytes", "1024"},
			message: "the request is larger than the --max-request-bytes limit of 1 KiB: raise --max-request-bytes, or use --jsonl to stream items"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := cli(t, strings.NewReader(tt.stdin), append([]string{"exec", "--dry-run"}, tt.args...)...)
			require.Equal(t, exitInput, out.code, "stdout:\n%s\nstderr:\n%s", out.stdout, out.stderr)
			assert.Contains(t, oneStderrLine(t, out.stderr), tt.message)
			assertNoSecret(t, out, secretToken)
			if !strings.Contains(strings.Join(tt.args, " "), "--jsonl") {
				res := decodeResult(t, out.stdout)
				require.NotNil(t, res.Error)
				assert.Equal(t, tt.message, res.Error.Message)
				return
			}
			lines := jsonLines(t, out.stdout)
			require.Len(t, lines, tt.lines+1)
			errLine, _ := lines[tt.lines]["error"].(map[string]any)
			require.NotNil(t, errLine, "the last line is the error: %v", lines[tt.lines])
			assert.Contains(t, errLine["message"], tt.message)
		})
	}
	t.Run("lines at the limit are accepted", func(t *testing.T) {
		long := item(strings.Repeat("x", 400))
		stdin := first + "\n" + long + "\n" + long + "\n"
		limit := len(first)
		if len(long) > limit {
			limit = len(long)
		}
		out := cli(t, strings.NewReader(stdin), "exec", "--dry-run", "--jsonl", "--max-line-bytes", itoa(limit))
		require.Equal(t, exitOK, out.code, "stdout:\n%s\nstderr:\n%s", out.stdout, out.stderr)
		assert.Len(t, jsonLines(t, out.stdout), 2)
		out = cli(t, strings.NewReader(stdin), "exec", "--dry-run", "--jsonl", "--max-line-bytes", itoa(limit-2))
		require.Equal(t, exitInput, out.code, out.stderr)
	})
	t.Run("limits must be positive", func(t *testing.T) {
		for _, flag := range []string{"--max-line-bytes", "--max-request-bytes"} {
			out := cli(t, strings.NewReader(first), "exec", flag, "0")
			require.Equal(t, exitInput, out.code)
			assert.Contains(t, oneStderrLine(t, out.stderr), "--max-line-bytes and --max-request-bytes must be positive")
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
