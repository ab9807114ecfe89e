package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/node/jsontree"
)

// TestDecodeRequestItemsAsDecodeRequest holds the fast decoding of items
// to decodeRequest's results and messages, for requests it takes and for
// those it hands back.
func TestDecodeRequestItemsAsDecodeRequest(t *testing.T) {
	const head = `{"node": "chatwoot", "parameters": {"resource": "r"}, `
	cases := map[string]string{
		"items":                 head + `"items": [{"json": {"a": 1, "b": [true, null, "x\u00e9\ud83d\ude00"]}}, {"json": {}}]}`,
		"items first":           `{"items": [{"json": {"n": -0.5e3}}], "node": "chatwoot"}`,
		"empty items":           head + `"items": []}`,
		"null items":            head + `"items": null}`,
		"no items":              head + `"nodeName": "n"}`,
		"lines and spaces":      "{\n  \"node\": \"chatwoot\",\n  \"items\": [\n    {\"json\": {\"a\": \"b\"}},\n    {\"json\": {\"a\": \"c\"}}\n  ]\n}\n",
		"item with binary":      head + `"items": [{"json": {}, "binary": {"d": {"data": "aGk=", "mimeType": "text/plain"}}}]}`,
		"item with pairedItem":  head + `"items": [{"json": {}, "pairedItem": {"item": 3}}]}`,
		"item key in capitals":  head + `"items": [{"JSON": {"a": 1}}]}`,
		"json not an object":    head + `"items": [{"json": {"a": 1}}, {"json": [1]}]}`,
		"json a string":         head + `"items": [{"json": "x"}]}`,
		"item without json":     head + `"items": [{"json": {}}, {}]}`,
		"item not an object":    head + `"items": [1]}`,
		"items an object":       head + `"items": {"json": {}}}`,
		"repeated items":        head + `"items": [{"json": {"a": 1}}], "items": [{"json": {"b": 2}}]}`,
		"repeated key in item":  head + `"items": [{"json": {"a": 1, "a": 2}}]}`,
		"huge number":           head + `"items": [{"json": {"a": 1e400}}]}`,
		"invalid UTF-8":         head + "\"items\": [{\"json\": {\"a\": \"\xff\"}}]}",
		"lone surrogate":        head + `"items": [{"json": {"a": "\ud800 x"}}]}`,
		"syntax error in items": head + `"items": [{"json": {"a": 1,}}]}`,
		"syntax error after":    head + "\"items\": [{\"json\": {}}],\n \"nodeName\": }",
		"type error after":      head + "\"items\": [{\"json\": {}}],\n\n \"nodeName\": 5}",
		"type error before":     `{"node": "chatwoot", "nodeName": 5, "items": [{"json": {}}]}`,
		"unknown key":           head + `"items": [{"json": {}}], "iterms": 1}`,
		"no node":               `{"items": [{"json": {}}]}`,
		"bad settings":          head + `"items": [{"json": {}}], "settings": {"onErorr": "x"}}`,
		"bad settings and item": head + `"items": [{"json": 1}], "settings": {"onErorr": "x"}}`,
		"trailing data":         head + `"items": [{"json": {}}]} {}`,
		"not an object":         `[{"json": {}}]`,
		"deep":                  head + `"items": [{"json": {"a": ` + strings.Repeat("[", 1500) + strings.Repeat("]", 1500) + `}}]}`,
	}
	for name, in := range cases {
		want, wantErr := decodeRequest([]byte(in), true)
		got, gotErr := decodeRequestItems([]byte(in), true)
		if wantErr != nil {
			require.Error(t, gotErr, name)
			assert.Equal(t, wantErr.Error(), gotErr.Error(), name)
			continue
		}
		require.NoError(t, gotErr, name)
		assert.Equal(t, want, got, name)
	}
	_, fast := decodeItemsFast([]byte(cases["items"]))
	assert.True(t, fast, "a plain request takes the fast way")
}

// The --jsonl request line must not hold items, whichever way it is read.
func TestDecodeRequestItemsRefusesItemsInTheRequestLine(t *testing.T) {
	_, err := decodeRequestItems([]byte(`{"node": "chatwoot", "items": [{"json": {}}]}`), false)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "with --jsonl the first line must not hold")
}

func BenchmarkDecodeRequest5000(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"node": "chatwoot", "parameters": {"resource": "Conversations API"}, "items": [`)
	for i := range 5000 {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, `{"json": {"inbox": "inbox-aaa", "contact": "contact-%d"}}`, i)
	}
	sb.WriteString("]}")
	data := []byte(sb.String())
	for _, bc := range []struct {
		name   string
		decode func([]byte, bool) (*execRequest, error)
	}{{"encoding-json", decodeRequest}, {"items-fast", decodeRequestItems}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := bc.decode(data, true); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestDecodeItemAsDecoder holds --jsonl items read the fast way to what
// encoding/json's Decoder made of them, errors included.
func TestDecodeItemAsDecoder(t *testing.T) {
	lines := []string{
		`{"json": {"a": 1, "b": [true, null, "x\u00e9\ud83d\ude00"], "c": {"d": -0.5e3}}}`,
		`{"json": {}}`, `{"json": {"a": 1, "a": 2}}`, `{"json": {"a": "\ud800 x"}}`,
		`{"json": {"a": 1}, "pairedItem": {"item": 3}}`, `{"json": {}, "binary": {"d": {"data": "aGk=", "mimeType": "text/plain"}}}`,
		`{"JSON": {"a": 1}}`, `{"json": [1]}`, `{"json": "x"}`, `{}`, `null`, `1`, `[{"json": {}}]`,
		`{"json": {"a": 1e400}}`, "{\"json\": {\"a\": \"\xff\"}}", `{"json": {}, "pairedItem": {"item": "x"}}`,
		`{"json": {"a": 1,}}`, `{"json": {"a": ` + strings.Repeat("[", 1500) + strings.Repeat("]", 1500) + `}}`,
	}
	for _, line := range lines {
		in := line + "\n" + line + "\n"
		var want [2]node.Item
		var wantErr [2]error
		dec := json.NewDecoder(strings.NewReader(in))
		for i := range want {
			wantErr[i] = dec.Decode(&want[i])
		}
		src := &jsonlSource{dec: json.NewDecoder(strings.NewReader(in))}
		for i := range want {
			got, err := src.decodeItem()
			if wantErr[i] != nil {
				require.Error(t, err, line)
				assert.Equal(t, describeJSONError(nil, wantErr[i]), describeJSONError(nil, err), line)
				break
			}
			require.NoError(t, err, line)
			assert.Equal(t, want[i], got, line)
		}
	}
	var p jsontree.Parser
	_, fast := simpleItem(&p, []byte(lines[0]))
	assert.True(t, fast, "a plain item takes the fast way")
}
