package node_test

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/noderun/noderun/node"
)

// validJSONCases are inputs where fastjson.ValidateBytes alone is wrong or
// where the string scan could go wrong: control characters before and
// after escapes, in values and keys, and escapes that look like the end
// of a string.
var validJSONCases = []string{
	"[\"\x00\\b\"]",       // fastjson alone accepts: a control char before an escape
	"{\"k\x01\\n\":1}",    // the same in a key
	"[\"a\tb\\\"c\"]",     // a raw tab before an escaped quote
	"[\"a\\\"\nb\"]",      // a raw newline after an escaped quote
	"[\"\\b\x00\"]",       // after the last escape: fastjson finds it
	"[\"\\\\\",\"\x1f\"]", // an escaped backslash ends the string; the next one has a control char
	"[\"\\\\\\\"\x02\"]",  // backslash, then escaped quote: still inside the string
	"{\"a\":\"x\\u0041\",\"b\":[1,2,{\"c\":\"\\t\"}]}",
	"[\"\\u00e9\", \"\t\"]",
	"[1, 01]", "[NaN]", "[.5]", "\"\\x\"", "[\"\\u12\"]", "[]", "{}", "\"\"", " \t\n\r[\"ok\"] ",
}

// TestValidJSONAgreesWithEncodingJSON: node.ValidJSON accepts exactly
// what encoding/json does, which follows RFC 8259 as JSON.parse does.
func TestValidJSONAgreesWithEncodingJSON(t *testing.T) {
	for _, in := range validJSONCases {
		assert.Equal(t, json.Valid([]byte(in)), node.ValidJSON([]byte(in)) == nil, "%q", in)
	}
}

// TestControlCharInResponseString: a response string with a raw control
// character is not JSON to JSON.parse, so it is no object either here.
func TestControlCharInResponseString(t *testing.T) {
	_, err := node.ParseJSON([]byte("{\"a\":\"x\x00\\n\"}"))
	assert.Error(t, err)
}

// FuzzValidJSON holds node.ValidJSON to encoding/json's answer on
// arbitrary well-formed UTF-8.
func FuzzValidJSON(f *testing.F) {
	for _, in := range validJSONCases {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) {
			return // encoding/json takes invalid UTF-8 in strings; JSON.parse sees U+FFFD
		}
		if want, got := json.Valid(data), node.ValidJSON(data) == nil; want != got {
			t.Fatalf("%q: encoding/json says %v, ValidJSON %v", data, want, got)
		}
	})
}
