package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExecLimitFlags: the engine limits' flags reach the engine, and an
// item that passes one fails with an error naming the flag.
func TestExecLimitFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // part of the item error's description; "" for success
	}{
		{name: "defaults", args: nil},
		{name: "output bytes", args: []string{"--max-output-bytes-per-input", "10"}, want: "--max-output-bytes-per-input"},
		{name: "no limits", args: []string{"--max-output-bytes-per-input", "-1", "--max-items-per-input", "-1", "--request-deadline", "-1s"}},
		{name: "a deadline", args: []string{"--request-deadline", "1m"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdin := mustJSON(t, contactDetails(map[string]any{"continueOnFail": true}, 1))
			out := cli(t, strings.NewReader(stdin), append([]string{"exec", "--sim"}, tt.args...)...)
			require.Equal(t, exitOK, out.code, "stdout:\n%s\nstderr:\n%s", out.stdout, out.stderr)
			res := decodeResult(t, out.stdout)
			require.Len(t, res.Items, 1)
			if tt.want == "" {
				assert.Nil(t, res.Items[0].Error)
				return
			}
			require.NotNil(t, res.Items[0].Error)
			assert.Equal(t, "The output of this item is too large", res.Items[0].Error.Message)
			assert.Contains(t, res.Items[0].Error.Description, tt.want)
		})
	}
}
