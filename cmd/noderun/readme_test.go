package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeCommand is one `go run ./cmd/noderun ...` line of README.md.
type readmeCommand struct {
	line  string
	args  []string
	stdin string // a file redirected with <, relative to the repository root
}

var fenceRE = regexp.MustCompile("(?ms)^```(\\w*)\\n(.*?)^```")

// readmeBlocks returns the fenced blocks of README.md with the given
// language, in order.
func readmeBlocks(t *testing.T, readme, lang string) []string {
	t.Helper()
	var out []string
	for _, m := range fenceRE.FindAllStringSubmatch(readme, -1) {
		if m[1] == lang {
			out = append(out, m[2])
		}
	}
	return out
}

// readmeCommands parses the noderun invocations of the README's sh blocks.
func readmeCommands(t *testing.T, readme string) []readmeCommand {
	t.Helper()
	var cmds []readmeCommand
	for _, block := range readmeBlocks(t, readme, "sh") {
		for _, line := range strings.Split(block, "\n") {
			line = strings.TrimSpace(line)
			if !strings.HasPrefix(line, "go run ./cmd/noderun") {
				continue
			}
			words, err := shellWords(line)
			require.NoError(t, err, line)
			c := readmeCommand{line: line}
			for i := 3; i < len(words); i++ {
				switch {
				case words[i] == "<" && i+1 < len(words):
					c.stdin = words[i+1]
					i++
				case strings.HasPrefix(words[i], "<") && len(words[i]) > 1:
					c.stdin = words[i][1:]
				default:
					c.args = append(c.args, words[i])
				}
			}
			cmds = append(cmds, c)
		}
	}
	return cmds
}

// shellWords splits a command line as sh does for the README's simple
// commands: quotes, backslash escapes, and a # comment after a blank.
func shellWords(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\'':
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unterminated ' in %q", line)
			}
			cur.WriteString(line[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) {
					i++
				}
				cur.WriteByte(line[i])
			}
			if i >= len(line) {
				return nil, fmt.Errorf("unterminated \" in %q", line)
			}
			inWord = true
		case c == '\\' && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
			inWord = true
		case c == '#' && !inWord:
			return words, nil
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

func TestShellWords(t *testing.T) {
	got, err := shellWords(`go run ./cmd/noderun describe chatwoot --resource "Conversations API" --operation 'Create A Conversation' < in.json   # a comment`)
	require.NoError(t, err)
	assert.Equal(t, []string{"go", "run", "./cmd/noderun", "describe", "chatwoot", "--resource", "Conversations API",
		"--operation", "Create A Conversation", "<", "in.json"}, got)
	_, err = shellWords(`go run "x`)
	assert.Error(t, err)
}

// TestREADMECommands runs every `go run ./cmd/noderun` line of README.md
// in-process from the repository root, so the examples cannot rot.
func TestREADMECommands(t *testing.T) {
	readme, err := os.ReadFile(repo(t, "README.md"))
	require.NoError(t, err)
	cmds := readmeCommands(t, string(readme))
	require.NotEmpty(t, cmds, "README.md has no `go run ./cmd/noderun` example")
	require.Equal(t, []string{"exec", "--sim"}, cmds[0].args, "the README's first command")
	require.Equal(t, "testdata/examples/create-conversation.json", cmds[0].stdin)

	t.Chdir(repo(t, "."))
	for i, c := range cmds {
		t.Run(fmt.Sprintf("%d %s", i, strings.Join(c.args, " ")), func(t *testing.T) {
			var stdin *os.File
			if c.stdin != "" {
				f, err := os.Open(c.stdin)
				require.NoError(t, err, "%s: the redirected file", c.line)
				defer f.Close()
				stdin = f
			}
			args := c.args
			ctx := context.Background()
			if args[0] == "sim" {
				// sim serves until its context ends: let it print and stop at
				// once, on a free port.
				cancelled, cancel := context.WithCancel(ctx)
				cancel()
				ctx = cancelled
				if !slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "--addr") || strings.HasPrefix(a, "-addr") }) {
					args = append(slices.Clip(args), "--addr", "127.0.0.1:0")
				}
			}
			var out outcome
			if stdin != nil {
				out = cliContext(ctx, t, stdin, args...)
			} else {
				out = cliContext(ctx, t, nil, args...)
			}
			require.Equal(t, exitOK, out.code, "%s\nstdout:\n%s\nstderr:\n%s", c.line, out.stdout, out.stderr)
			if c.args[0] == "exec" {
				res := decodeResult(t, out.stdout)
				assert.Nil(t, res.Error)
				assert.NotEmpty(t, res.Items)
			}
		})
	}

	t.Run("the first command prints the seed's fields", func(t *testing.T) {
		f, err := os.Open(cmds[0].stdin)
		require.NoError(t, err)
		defer f.Close()
		out := cli(t, f, cmds[0].args...)
		require.Equal(t, exitOK, out.code, out.stderr)
		res := decodeResult(t, out.stdout)
		require.Len(t, res.Items, 2, "two input items, two conversations")
		ids := map[any]bool{}
		for i, it := range res.Items {
			for _, field := range []string{"id", "inbox_identifier", "contact_identifier", "custom_attributes", "created_at", "status"} {
				assert.Contains(t, it.JSON, field, "item %d", i)
			}
			assert.Equal(t, i, it.PairedItem.Item)
			assert.Equal(t, "open", it.JSON["status"])
			assert.NotEmpty(t, it.JSON["inbox_identifier"])
			assert.NotEmpty(t, it.JSON["contact_identifier"])
			assert.NotContains(t, it.JSON["inbox_identifier"], "@SIM_", "the placeholder was filled in")
			assert.Equal(t, map[string]any{"order_id": fmt.Sprintf("A-100%d", i+1), "priority": "high"}, it.JSON["custom_attributes"])
			assert.Greater(t, it.JSON["created_at"], float64(0))
			ids[it.JSON["id"]] = true
		}
		assert.Len(t, ids, 2, "two distinct conversations")
	})
}

// TestREADMEContractExample decodes the exec contract's JSON example as
// exec does: it must be a valid request for a registered node, and build
// its request.
func TestREADMEContractExample(t *testing.T) {
	readme, err := os.ReadFile(repo(t, "README.md"))
	require.NoError(t, err)
	text := string(readme)
	at := strings.Index(text, "## The `noderun exec` contract")
	require.GreaterOrEqual(t, at, 0, "README.md has no exec contract section")
	blocks := readmeBlocks(t, text[at:], "json")
	require.NotEmpty(t, blocks, "the exec contract section has no JSON example")
	example := blocks[0]

	req, err := decodeRequest([]byte(example), true)
	require.NoError(t, err)
	assert.Equal(t, "chatwoot", req.Node)
	require.Len(t, req.Items, 1)
	require.NotNil(t, req.Settings)
	assert.Contains(t, req.Credentials, "chatwootApi")

	// It runs: the dry run builds its one request without sending it.
	out := cli(t, strings.NewReader(example), "exec", "--dry-run")
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.Contains(t, out.stdout, `"url": "https://chatwoot.example.com/api/v1/accounts/1/contacts"`)
	assert.Contains(t, out.stdout, `"name": "Ada"`)
}
