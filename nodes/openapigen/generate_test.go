package openapigen

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
)

var update = flag.Bool("update", false, "rewrite golden files from the generator's output")

var syntheticNode = NodeInfo{
	Name:        "syntheticShop",
	DisplayName: "Synthetic Shop",
	Description: "A shop made up for tests",
	Credential:  "syntheticShopApi",
	BaseURL:     "={{$credentials.url}}",
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

// normalised decodes JSON into plain values, dropping "description": ""
// (node.Choice omits an empty description; n8n writes one on resources).
func normalised(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	var drop func(any)
	drop = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if d, ok := x["description"]; ok && d == "" {
				delete(x, "description")
			}
			for _, e := range x {
				drop(e)
			}
		case []any:
			for _, e := range x {
				drop(e)
			}
		}
	}
	drop(v)
	return v
}

// TestFaithfulMappingMatchesN8nOpenapiNode compares the n8n-faithful
// mapping (zero Options) with the properties that
// @devlikeapro/n8n-openapi-node 0.1.4 itself built from the same synthetic
// document, recorded with Node.js: every name, value, type, default,
// description, routing and the order of everything.
func TestFaithfulMappingMatchesN8nOpenapiNode(t *testing.T) {
	d, err := Generate(readFile(t, "testdata/synthetic.openapi.json"), Options{Node: syntheticNode})
	require.NoError(t, err)
	got, err := json.Marshal(d.Properties)
	require.NoError(t, err)

	var recorded struct {
		Properties json.RawMessage `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(readFile(t, "testdata/synthetic.n8n-openapi-node-0.1.4.json"), &recorded))
	assert.Equal(t, normalised(t, recorded.Properties), normalised(t, got))
}

// TestGolden pins the improved output for the synthetic document; run with
// -update to rewrite it after an intended change, and review the diff.
func TestGolden(t *testing.T) {
	d, err := Generate(readFile(t, "testdata/synthetic.openapi.json"), Options{Node: syntheticNode}.Improved())
	require.NoError(t, err)
	got, err := Marshal(d)
	require.NoError(t, err)
	golden := "testdata/synthetic.noderun.golden.json"
	if *update {
		require.NoError(t, os.WriteFile(golden, got, 0o644))
	}
	assert.Equal(t, string(readFile(t, golden)), string(got))
}

// field finds the property named name that is shown for operation op.
func field(t *testing.T, d *node.Description, op, name string) node.Property {
	t.Helper()
	for _, p := range d.Properties {
		if p.Name != name || p.DisplayOptions == nil {
			continue
		}
		if ops := p.DisplayOptions.Show["operation"]; len(ops) == 1 && ops[0] == op {
			return p
		}
	}
	require.Failf(t, "no such field", "%s in %s", name, op)
	return node.Property{}
}

// TestImprovements switches each improvement on alone and checks that it
// changes what it should and nothing else.
func TestImprovements(t *testing.T) {
	spec := readFile(t, "testdata/synthetic.openapi.json")
	base, err := Generate(spec, Options{Node: syntheticNode})
	require.NoError(t, err)

	tests := []struct {
		name  string
		opts  Options
		check func(t *testing.T, d *node.Description)
	}{
		{
			name: "OnlyIfSet marks optional query and body sends only",
			opts: Options{Node: syntheticNode, OnlyIfSet: true},
			check: func(t *testing.T, d *node.Description) {
				assert.True(t, field(t, d, "Create Pet", "age").Routing.Send.OnlyIfSet)
				assert.True(t, field(t, d, "List Pets", "page").Routing.Send.OnlyIfSet)
				assert.False(t, field(t, d, "Create Pet", "name").Routing.Send.OnlyIfSet, "required body field")
				assert.False(t, field(t, d, "List Pets", "status").Routing.Send.OnlyIfSet, "required query field")
				assert.Nil(t, field(t, d, "List Pets", "X-Trace-Id").Routing.Send, "headers have no send")
			},
		},
		{
			name: "SpecDefaults replaces invented and example defaults of optional fields",
			opts: Options{Node: syntheticNode, SpecDefaults: true},
			check: func(t *testing.T, d *node.Description) {
				for _, c := range []struct {
					op, name  string
					n8n, want any
				}{
					{"Create Pet", "vaccinated", true, false},
					{"Create Pet", "indoor", false, false},
					{"Create Pet", "weight", 2.5, 2.5},
					{"Create Pet", "nickname", "Rex the great", ""},
					{"Create Pet", "size", "large", "small"},
					{"Create Pet", "tags", "[\n  null\n]", "[]"},
					{"Create Pet", "owner", "{\n  \"email\": \"owner@example.com\"\n}", "{}"},
					{"List Pets", "sort-by", "name", ""},
					{"List Pets", "limit", 20.0, 20.0},
					{"List Pets", "status", "sold", "sold"},
					{"Create Pet", "kind", "cat", "cat"},
					{"Replace Pet Photos", "body", "{\n  \"width\": 640\n}", "{}"},
				} {
					assert.Equal(t, c.n8n, field(t, base, c.op, c.name).Default, "n8n default of %s", c.name)
					assert.Equal(t, c.want, field(t, d, c.op, c.name).Default, "default of %s", c.name)
				}
			},
		},
		{
			name: "OmitSpecText drops spec text and derives actions",
			opts: Options{Node: syntheticNode, OmitSpecText: true},
			check: func(t *testing.T, d *node.Description) {
				raw, err := Marshal(d)
				require.NoError(t, err)
				for _, text := range []string{"Pets for sale", "Name of the pet", "Page to fetch", "Create a pet", "Lists pets"} {
					assert.NotContains(t, string(raw), text)
				}
				ops := d.Properties[1]
				require.Equal(t, "operation", ops.Name)
				assert.Equal(t, "Create pet", ops.Choices[0].Action)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Generate(spec, tt.opts)
			require.NoError(t, err)
			tt.check(t, d)
			// Names, values, types, required flags and routes never change.
			require.Len(t, d.Properties, len(base.Properties))
			for i, p := range d.Properties {
				b := base.Properties[i]
				assert.Equal(t, [4]any{b.Name, b.DisplayName, b.Type, b.Required}, [4]any{p.Name, p.DisplayName, p.Type, p.Required})
				assert.Equal(t, len(b.Choices), len(p.Choices))
				for j := range p.Choices {
					assert.Equal(t, b.Choices[j].Name, p.Choices[j].Name)
					assert.Equal(t, b.Choices[j].Value, p.Choices[j].Value)
					assert.Equal(t, b.Choices[j].Routing, p.Choices[j].Routing)
				}
			}
		})
	}
}

func TestGenerateErrors(t *testing.T) {
	ok := `"openapi": "3.0.0", "info": {"title": "t", "version": "1"}`
	tests := []struct {
		name  string
		spec  string
		node  NodeInfo
		want  string
		where string
	}{
		{name: "node info missing", spec: `{` + ok + `, "paths": {}}`, node: NodeInfo{Name: "x"}, want: "needs DisplayName, BaseURL"},
		{name: "not JSON", spec: `openapi: 3.0.0`, want: "not an OpenAPI 3 JSON document"},
		{name: "swagger 2", spec: `{"openapi": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}`, want: `openapi version "2.0" is not 3.x`},
		{name: "trailing data", spec: `{` + ok + `, "paths": {}} {}`, want: "not an OpenAPI 3 JSON document"},
		{name: "no operations", spec: `{` + ok + `, "paths": {}}`, want: "no operations found"},
		{
			name:  "broken reference in a parameter",
			spec:  `{` + ok + `, "paths": {"/a": {"get": {"operationId": "a", "parameters": [{"$ref": "#/components/parameters/missing"}]}}}}`,
			want:  `schema not found for $ref "#/components/parameters/missing"`,
			where: "GET /a",
		},
		{
			name:  "cookie parameter",
			spec:  `{` + ok + `, "paths": {"/a": {"get": {"operationId": "a", "parameters": [{"name": "c", "in": "cookie", "schema": {"type": "string"}}]}}}}`,
			want:  `parameter "c": unknown parameter location cookie`,
			where: "GET /a",
		},
		{
			name:  "unsupported schema type",
			spec:  `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {"operationId": "a", "parameters": [{"name": "q", "in": "query", "schema": {"type": ["string", "null"]}}]}}}}`,
			want:  `schema type string,null is not supported`,
			where: "GET /a",
		},
		{
			name:  "duplicate operation",
			spec:  `{` + ok + `, "paths": {"/a": {"get": {"operationId": "a-b"}, "post": {"operationId": "aB"}}}}`,
			want:  `duplicate operation "A B" for resource "Default"`,
			where: "POST /a",
		},
		{
			name:  "reference cycle",
			spec:  `{` + ok + `, "paths": {"/a": {"get": {"operationId": "a", "parameters": [{"$ref": "#/components/parameters/x"}]}}}, "components": {"parameters": {"x": {"$ref": "#/components/parameters/y"}, "y": {"$ref": "#/components/parameters/x"}}}}`,
			want:  "refers to itself",
			where: "GET /a",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := tt.node
			if n.Name == "" {
				n = syntheticNode
			}
			_, err := Generate([]byte(tt.spec), Options{Node: n})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			if tt.where != "" {
				var e *Error
				require.True(t, errors.As(err, &e), "error %v carries no *Error", err)
				assert.Equal(t, tt.where, e.Where)
			}
		})
	}
}

func TestGenerateReportsEveryFailingOperation(t *testing.T) {
	spec := `{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {
		"/a": {"get": {"operationId": "a", "parameters": [{"name": "c", "in": "cookie", "schema": {"type": "string"}}]}},
		"/b": {"get": {"operationId": "b", "parameters": [{"$ref": "#/nowhere"}]}}}}`
	_, err := Generate([]byte(spec), Options{Node: syntheticNode})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "GET /a")
	assert.Contains(t, err.Error(), "GET /b")
}

func TestGenerateFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "node.json")
	opts := Options{Node: syntheticNode}.Improved()
	require.NoError(t, GenerateFile("testdata/synthetic.openapi.json", out, opts))
	first := readFile(t, out)
	require.NoError(t, GenerateFile("testdata/synthetic.openapi.json", out, opts))
	assert.Equal(t, string(first), string(readFile(t, out)), "regenerating must not change a byte")
	assert.True(t, strings.HasSuffix(string(first), "}\n"))

	err := GenerateFile(filepath.Join(dir, "missing.json"), out, opts)
	require.Error(t, err)
	assert.ErrorIs(t, err, os.ErrNotExist)
}

// TestGenerateConcurrently runs generations side by side; with -race it
// proves that Generate shares no mutable state.
func TestGenerateConcurrently(t *testing.T) {
	spec := readFile(t, "testdata/synthetic.openapi.json")
	want, err := Generate(spec, Options{Node: syntheticNode}.Improved())
	require.NoError(t, err)
	for i := range 4 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			got, err := Generate(spec, Options{Node: syntheticNode}.Improved())
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
}

// FuzzGenerate feeds arbitrary documents to Generate: it must return a
// description or an error, never panic.
func FuzzGenerate(f *testing.F) {
	f.Add(readFileF(f, "testdata/synthetic.openapi.json"))
	f.Add([]byte(`{"openapi": "3.0.0", "paths": {"/a/{x}": {"get": {"parameters": [{"name": "x", "in": "path", "schema": {"allOf": [{"$ref": "#/a"}, {}]}}]}}}}`))
	f.Add([]byte(`{"openapi": "3.1.0", "tags": [{"name": "b"}, {"name": "b"}], "paths": {"/": {"post": {"tags": ["a", "b"], "requestBody": {"content": {"application/json": {"schema": {"oneOf": [{"items": {"enum": [1, null]}}]}}}}}}}}`))
	f.Fuzz(func(t *testing.T, spec []byte) {
		d, err := Generate(spec, Options{Node: syntheticNode}.Improved())
		if err == nil && d == nil {
			t.Fatal("nil description without an error")
		}
	})
}

func readFileF(f *testing.F, path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	return b
}
