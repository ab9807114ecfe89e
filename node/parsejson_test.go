package node_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/noderun/noderun/node"
)

// parseJSONCases are inputs where a JSON scanner can go wrong: control
// characters before and after escapes, in values and keys (fastjson's
// own check let the first two through), and escapes that look like the
// end of a string.
var parseJSONCases = []string{
	"[\"\x00\\b\"]",       // a control char before an escape
	"{\"k\x01\\n\":1}",    // the same in a key
	"[\"a\tb\\\"c\"]",     // a raw tab before an escaped quote
	"[\"a\\\"\nb\"]",      // a raw newline after an escaped quote
	"[\"\\b\x00\"]",       // after the last escape
	"[\"\\\\\",\"\x1f\"]", // an escaped backslash ends the string; the next one has a control char
	"[\"\\\\\\\"\x02\"]",  // backslash, then escaped quote: still inside the string
	"{\"a\":\"x\\u0041\",\"b\":[1,2,{\"c\":\"\\t\"}]}",
	"[\"\\u00e9\", \"\t\"]", "[\"\\uD800\\u0041\"]", "{\"a\":1,\"a\":2}",
	"[1, 01]", "[NaN]", "[.5]", "\"\\x\"", "[\"\\u12\"]", "[]", "{}", "\"\"", " \t\n\r[\"ok\"] ",
}

// TestParseJSONAgreesWithEncodingJSON: node.ParseJSON accepts exactly what
// encoding/json does, which follows RFC 8259 as JSON.parse does, and reads
// the same values.
func TestParseJSONAgreesWithEncodingJSON(t *testing.T) {
	for _, in := range parseJSONCases {
		var want any
		wantErr := json.Unmarshal([]byte(in), &want)
		got, err := node.ParseJSON([]byte(in))
		if assert.Equal(t, wantErr == nil, err == nil, "%q: %v", in, err) && err == nil {
			assert.Equal(t, want, got, "%q", in)
		}
	}
}

// TestControlCharInResponseString: a response string with a raw control
// character is not JSON to JSON.parse, so it is no object either here.
func TestControlCharInResponseString(t *testing.T) {
	_, err := node.ParseJSON([]byte("{\"a\":\"x\x00\\n\"}"))
	assert.Error(t, err)
}

// FuzzParseJSON holds node.ParseJSON to encoding/json on arbitrary
// well-formed UTF-8: the same documents accepted, read as the same values.
func FuzzParseJSON(f *testing.F) {
	for _, in := range parseJSONCases {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) {
			return // encoding/json takes invalid UTF-8 in strings; JSON.parse sees U+FFFD
		}
		var want any
		wantErr := json.Unmarshal(data, &want)
		got, err := node.ParseJSON(data)
		if bytes.Count(data, []byte("["))+bytes.Count(data, []byte("{")) > 1000 {
			return // deeper than the parser goes
		}
		var big *json.UnmarshalTypeError
		if errors.As(wantErr, &big) {
			return // a number beyond float64, which ParseJSON refuses too
		}
		if (wantErr == nil) != (err == nil) {
			t.Fatalf("%q: encoding/json %v, ParseJSON %v", data, wantErr, err)
		}
		if err == nil {
			assert.Equal(t, want, got)
		}
	})
}

// TestLoneSurrogateReadsAsReplacement: a Go string holds UTF-8, so an
// escape of half a surrogate pair reads as U+FFFD, as encoding/json reads
// it, and the characters after it are kept (a README difference from n8n).
func TestLoneSurrogateReadsAsReplacement(t *testing.T) {
	got, err := node.ParseJSON([]byte(`["\uD800\u0041", "\uDE00x", "\uD83D\uDE00"]`))
	assert.NoError(t, err)
	assert.Equal(t, []any{"\uFFFDA", "\uFFFDx", "😀"}, got)
}
