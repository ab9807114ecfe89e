package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
)

// FuzzExecRequest feeds arbitrary bytes to the exec input decoders — the
// JSON request (decodeRequest) and the --jsonl stream (the request line,
// then jsonlSource's items) — as `noderun exec` reads them, without
// running anything. Beyond not panicking: a rejection is an *inputError
// (exit status 2) with a non-empty, valid UTF-8 message; an accepted
// request names exactly one of node and descriptor, every item's json is
// an object, and encoding the request and decoding it again gives the same
// request. Seeds are the exec requests of testdata/examples and
// testdata/cli, the parity cases of testdata/parity turned into exec
// requests, and each of them as a --jsonl stream; testdata/fuzz holds a few
// more.
//
//	go test ./cmd/noderun -run '^$' -fuzz '^FuzzExecRequest$' -fuzztime 2m -parallel 1
func FuzzExecRequest(f *testing.F) {
	for _, seed := range execRequestSeeds(f) {
		f.Add(seed)
		if jsonl, ok := asJSONL(seed); ok {
			f.Add(jsonl)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRequestDecode(t, data)
		checkJSONLDecode(t, data)
	})
}

// checkRequestDecode decodes data as exec does without --jsonl.
func checkRequestDecode(t *testing.T, data []byte) {
	if len(bytes.TrimSpace(data)) == 0 {
		return // exec refuses an empty request before decoding
	}
	req, err := decodeRequest(data, true)
	if err != nil {
		requireInputError(t, err)
		return
	}
	requireWellFormed(t, req)
	// What was accepted survives encoding: a caller that builds the
	// request from a decoded one sends the same request.
	encoded, err := json.Marshal(req)
	require.NoError(t, err)
	again, err := decodeRequest(encoded, true)
	require.NoError(t, err, "the re-encoded request is refused:\n%s", encoded)
	require.Equal(t, req, again, "decode(encode(request)) differs:\n%s", encoded)
}

// checkJSONLDecode decodes data as exec --jsonl does: the request line,
// then items until the end or the first bad one.
func checkJSONLDecode(t *testing.T, data []byte) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var first json.RawMessage
	if err := dec.Decode(&first); err != nil {
		return // exec reports it with describeJSONError; nothing else runs
	}
	req, err := decodeRequest(first, false)
	if err != nil {
		requireInputError(t, err)
		return
	}
	requireWellFormed(t, req)
	require.Empty(t, req.Items, "the --jsonl request line holds no items")
	src := &jsonlSource{dec: dec}
	for i := 0; ; i++ {
		// Every Next consumes input or ends it, so the loop ends.
		require.Less(t, i, len(data)+1, "the item source does not end")
		it, err := src.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			requireInputError(t, err)
			require.Contains(t, err.Error(), "item ", "an item error names the item: %v", err)
			return
		}
		_, isObject := it.JSON.(map[string]any)
		require.True(t, isObject, "item %d: json is %T", i, it.JSON)
	}
}

func requireInputError(t *testing.T, err error) {
	t.Helper()
	var ie *inputError
	require.True(t, errors.As(err, &ie), "a refused request is an *inputError (exit status 2), not %T: %v", err, err)
	require.NotEmpty(t, ie.msg)
	require.True(t, utf8.ValidString(ie.msg), "the message is valid UTF-8: %q", ie.msg)
}

func requireWellFormed(t *testing.T, req *execRequest) {
	t.Helper()
	require.True(t, (req.Node == "") != (req.Descriptor == ""), "exactly one of node and descriptor: %q %q", req.Node, req.Descriptor)
	for i, it := range req.Items {
		_, isObject := it.JSON.(map[string]any)
		require.True(t, isObject, "items[%d]: json is %T", i, it.JSON)
	}
}

// execRequestSeeds returns the exec requests in testdata: the examples,
// the CLI fixtures, and the parity cases turned into requests.
func execRequestSeeds(tb testing.TB) [][]byte {
	tb.Helper()
	var seeds [][]byte
	for _, pattern := range []string{"../../testdata/examples/*.json", "../../testdata/cli/*.request.json"} {
		paths, err := filepath.Glob(pattern)
		require.NoError(tb, err)
		for _, p := range paths {
			raw, err := os.ReadFile(p)
			require.NoError(tb, err)
			seeds = append(seeds, raw)
		}
	}
	cases, err := filepath.Glob("../../testdata/parity/cases/*.json")
	require.NoError(tb, err)
	for _, p := range cases {
		if strings.HasSuffix(p, ".out.json") {
			continue
		}
		raw, err := os.ReadFile(p)
		require.NoError(tb, err)
		req, err := parityAsExecRequest(raw)
		require.NoError(tb, err, p)
		seeds = append(seeds, req)
	}
	require.NotEmpty(tb, seeds, "no seeds found: run from cmd/noderun")
	return seeds
}

// parityAsExecRequest turns a parity case (the peer harness's input:
// resource, operation, parameters, credentials, items, continueOnFail)
// into the exec request that runs it.
func parityAsExecRequest(raw []byte) ([]byte, error) {
	var c struct {
		Resource       string         `json:"resource"`
		Operation      string         `json:"operation"`
		Parameters     map[string]any `json:"parameters"`
		Credentials    map[string]any `json:"credentials"`
		Items          []node.Item    `json:"items"`
		ContinueOnFail bool           `json:"continueOnFail"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, err
	}
	params := map[string]any{"resource": c.Resource, "operation": c.Operation}
	for k, v := range c.Parameters {
		params[k] = v
	}
	creds := map[string]any{"url": "http://127.0.0.1:3000"}
	for k, v := range c.Credentials {
		creds[k] = v
	}
	req := map[string]any{
		"node":        "chatwoot",
		"parameters":  params,
		"credentials": map[string]any{"chatwootApi": creds},
	}
	if c.Items != nil {
		req["items"] = c.Items
	}
	if c.ContinueOnFail {
		req["settings"] = map[string]any{"onError": node.OnErrorContinueRegularOutput}
	}
	return json.Marshal(req)
}

// asJSONL turns a request into its --jsonl form: the request without
// items on the first line, then one item per line.
func asJSONL(req []byte) ([]byte, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(req, &m) != nil {
		return nil, false
	}
	var items []json.RawMessage
	if raw, ok := m["items"]; ok && json.Unmarshal(raw, &items) != nil {
		return nil, false
	}
	delete(m, "items")
	first, err := json.Marshal(m)
	if err != nil {
		return nil, false
	}
	var b bytes.Buffer
	b.Write(first)
	b.WriteByte('\n')
	for _, it := range items {
		if err := json.Compact(&b, it); err != nil {
			return nil, false
		}
		b.WriteByte('\n')
	}
	return b.Bytes(), true
}
