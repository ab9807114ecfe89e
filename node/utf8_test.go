package node_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/noderun/noderun/node"
)

// TestWellFormedUTF8 compares with Node.js: Buffer.from(bytes).toString("utf8")
// (node 24, WHATWG decoding), "?" standing for U+FFFD.
func TestWellFormedUTF8(t *testing.T) {
	for in, want := range map[string]string{
		"caf\xe9 \xff\xfe":  "caf? ??",
		"\xe2\x82A":         "?A",
		"\xf0\x80x":         "??x",
		"\xed\xa0\x80":      "???",
		"\xf4\x90\x80\x80":  "????",
		"\xe0\x80\x80":      "???",
		"ok\xc3":            "ok?",
		"\xf1\x80\x80":      "?",
		"valid – ünïcode 😀": "valid – ünïcode 😀",
	} {
		got := string(node.WellFormedUTF8([]byte(in)))
		assert.Equal(t, want, strings.ReplaceAll(got, "\uFFFD", "?"), "%q", in)
	}
}
