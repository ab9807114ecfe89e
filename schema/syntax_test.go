package schema

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Input that is not strict JSON gets the syntax error, with its position,
// and nothing else: a lenient parser would take each of these.
func TestSyntaxErrorBeatsLenientParse(t *testing.T) {
	var v Validator
	for in, want := range map[string]string{
		`{"a":"\x"}`:           "/a (line 1, column 8): malformed JSON: invalid character 'x' in string escape code",
		"{\"name\": \"a\tb\"}": "/name (line 1, column 12): malformed JSON: invalid character '\\t' in string literal",
		`{"name":1.}`:          "/name (line 1, column 11): malformed JSON: invalid character '}' after decimal point in numeric literal",
		`{"name": -}`:          "/name (line 1, column 11): malformed JSON: invalid character '}' in numeric literal",
		// fastjson's strict check missed a control character that an
		// escape follows in the same string.
		"{\"name\": \"a\x00\\n\"}": "/name (line 1, column 12): malformed JSON: invalid character '\\x00' in string literal",
	} {
		_, ds := v.ValidateDescription([]byte(in))
		require.Len(t, ds, 1, in)
		assert.Contains(t, ds[0].String(), want, in)
	}
}
