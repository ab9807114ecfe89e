package schema_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/schema"
)

const chatwootNode = "../testdata/descriptors/valid/n8n-chatwoot-1.0.2.node.json"

// TestChatwootRoundTrip loads the real Chatwoot description, encodes it back
// and checks that nothing that matters at run time is lost: decoding the
// encoding gives the same value, and the encoded JSON equals the source
// except for keys whose values are zero (which node's omitempty drops and
// n8n reads the same as absent).
func TestChatwootRoundTrip(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(chatwootNode)
	require.NoError(t, err)
	var v schema.Validator
	first, ds := v.ValidateDescription(raw)
	require.False(t, ds.HasErrors(), "%v", ds.Errors())
	require.Len(t, first.Properties, 549)

	encoded, err := json.Marshal(first)
	require.NoError(t, err)
	second, ds := v.ValidateDescription(encoded)
	require.False(t, ds.HasErrors(), "%v", ds.Errors())
	// Verbatim fields (codex, inputs ...) keep the source's white space;
	// encoding compacts them, which is no change.
	compactRaw(t, reflect.ValueOf(&first))
	compactRaw(t, reflect.ValueOf(&second))
	require.Equal(t, first, second, "decoded -> encoded -> decoded changed the description")

	var source, back any
	require.NoError(t, json.Unmarshal(raw, &source))
	require.NoError(t, json.Unmarshal(encoded, &back))
	var dropped []string
	diffJSON(t, "", source, back, &dropped)
	// The lead's check on the full description found `description: ""` and
	// `multipleValues: false`; descriptions are stripped from the fixture.
	require.Equal(t, []string{"/properties/548/options/0/typeOptions/multipleValues"}, dropped)
}

// compactRaw compacts every json.RawMessage reachable from v (a pointer)
// through exported fields.
func compactRaw(t *testing.T, v reflect.Value) {
	t.Helper()
	rawType := reflect.TypeFor[json.RawMessage]()
	compact := func(b []byte) reflect.Value {
		var buf bytes.Buffer
		require.NoError(t, json.Compact(&buf, b))
		return reflect.ValueOf(json.RawMessage(buf.Bytes()))
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			compactRaw(t, v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				compactRaw(t, v.Field(i))
			}
		}
	case reflect.Slice:
		if v.Type() == rawType {
			if v.Len() > 0 {
				v.Set(compact(v.Bytes()))
			}
			return
		}
		for i := range v.Len() {
			compactRaw(t, v.Index(i))
		}
	case reflect.Map:
		if v.Type().Elem() == rawType {
			for _, k := range v.MapKeys() {
				v.SetMapIndex(k, compact(v.MapIndex(k).Bytes()))
			}
		}
	}
}

// diffJSON fails on any difference between want and got except a key of
// want missing from got whose value is "" or false; those are collected.
func diffJSON(t *testing.T, at string, want, got any, dropped *[]string) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		require.True(t, ok, "%s: object became %T", at, got)
		for k, wv := range w {
			gv, present := g[k]
			p := at + "/" + k
			if !present {
				require.Contains(t, []any{"", false}, wv, "%s: key with non-zero value %v was dropped", p, wv)
				*dropped = append(*dropped, p)
				continue
			}
			diffJSON(t, p, wv, gv, dropped)
		}
		for k := range g {
			_, present := w[k]
			require.True(t, present, "%s/%s: key added by encoding", at, k)
		}
	case []any:
		g, ok := got.([]any)
		require.True(t, ok, "%s: array became %T", at, got)
		require.Len(t, g, len(w), "%s: array length", at)
		for i := range w {
			diffJSON(t, fmt.Sprintf("%s/%d", at, i), w[i], g[i], dropped)
		}
	default:
		require.Equal(t, want, got, "%s", at)
	}
}

// TestValidationErrorAs checks the error form of diagnostics.
func TestValidationErrorAs(t *testing.T) {
	t.Parallel()
	var v schema.Validator
	_, ds := v.ValidateDescription([]byte(`{"displayName": "x"`))
	err := ds.Err()
	require.Error(t, err)
	var verr *schema.ValidationError
	require.True(t, errors.As(fmt.Errorf("loading: %w", err), &verr))
	require.Equal(t, ds, verr.Diagnostics)
	assert.Contains(t, err.Error(), "malformed JSON")
	assert.Contains(t, err.Error(), "line 1, column 20")

	warnOnly := schema.Diagnostics{{Severity: schema.SeverityWarning, Pointer: "/x", Message: "m"}}
	require.NoError(t, warnOnly.Err())
	require.Len(t, warnOnly.Warnings(), 1)
	require.Empty(t, warnOnly.Errors())

	var none schema.Diagnostics
	require.NoError(t, none.Err())
}

func TestValidationErrorMessage(t *testing.T) {
	t.Parallel()
	err := &schema.ValidationError{Diagnostics: schema.Diagnostics{
		{Severity: schema.SeverityError, Pointer: "/a", Message: "first"},
		{Severity: schema.SeverityWarning, Pointer: "/b", Message: "warn"},
		{Severity: schema.SeverityError, Pointer: "/c", Message: "second"},
	}}
	require.Equal(t, "schema: error at /a: first (and 1 more error(s))", err.Error())
}

// minimal is a small valid description built in Go.
func minimal() node.Description {
	return node.Description{
		DisplayName: "Mini",
		Name:        "mini",
		Version:     node.Version{1},
		RequestDefaults: &node.Request{
			BaseURL: "https://api.example.com",
		},
		Properties: []node.Property{
			{
				DisplayName: "Operation", Name: "operation", Type: node.TypeOptions, Default: "get",
				Choices: []node.Choice{
					{Name: "Get", Value: "get", Routing: &node.Routing{Request: &node.Request{Method: "GET", URL: "=/items/{{$parameter.id}}"}}},
				},
			},
			{
				DisplayName: "ID", Name: "id", Type: node.TypeNumber, Default: 0,
				DisplayOptions: &node.DisplayOptions{Show: map[string][]any{"operation": {"get"}}},
			},
		},
	}
}

// TestCheckDescription runs the meaning checks on descriptions built in Go.
func TestCheckDescription(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		edit func(d *node.Description)
		want schema.Diagnostics
	}{
		"valid": {
			edit: func(*node.Description) {},
			want: nil,
		},
		"int values compare as numbers": {
			edit: func(d *node.Description) {
				d.Properties = append(d.Properties, node.Property{
					DisplayName: "Size", Name: "size", Type: node.TypeOptions, Default: 2,
					Choices: []node.Choice{{Name: "One", Value: 1.0}, {Name: "Two", Value: 2}, {Name: "Also one", Value: 1}},
				})
			},
			want: schema.Diagnostics{{
				Severity: schema.SeverityError, Pointer: "/properties/2/options/2/value",
				Message: "value 1 repeats choice 0 of this property; n8n selects the first choice with a matching value, so this one is unreachable",
			}},
		},
		"long choice lists find repeats too": {
			edit: func(d *node.Description) {
				choices := make([]node.Choice, 40)
				for i := range choices {
					choices[i] = node.Choice{Name: fmt.Sprint(i), Value: fmt.Sprint(i)}
				}
				choices[35].Value = "3"
				d.Properties = append(d.Properties, node.Property{
					DisplayName: "Many", Name: "many", Type: node.TypeOptions, Default: "0", Choices: choices,
				})
			},
			want: schema.Diagnostics{{
				Severity: schema.SeverityError, Pointer: "/properties/2/options/35/value",
				Message: "value \"3\" repeats choice 3 of this property; n8n selects the first choice with a matching value, so this one is unreachable",
			}},
		},
		"shared displayOptions are checked at every property": {
			edit: func(d *node.Description) {
				shared := &node.DisplayOptions{Show: map[string][]any{"nothing": {"x"}}}
				fine := d.Properties[1].DisplayOptions
				for _, name := range []string{"a", "b"} {
					d.Properties = append(d.Properties,
						node.Property{DisplayName: name, Name: name, Type: node.TypeString, Default: "", DisplayOptions: fine},
						node.Property{DisplayName: name, Name: name + "2", Type: node.TypeString, Default: "", DisplayOptions: shared})
				}
			},
			want: schema.Diagnostics{
				{Severity: schema.SeverityError, Pointer: "/properties/3/displayOptions/show/nothing", Message: "displayOptions key \"nothing\" names no parameter; keys name a top-level parameter, or are @version, @tool or @feature"},
				{Severity: schema.SeverityError, Pointer: "/properties/5/displayOptions/show/nothing", Message: "displayOptions key \"nothing\" names no parameter; keys name a top-level parameter, or are @version, @tool or @feature"},
			},
		},
		"empty description": {
			edit: func(d *node.Description) { *d = node.Description{} },
			want: schema.Diagnostics{
				{Severity: schema.SeverityError, Pointer: "/displayName", Message: "displayName is missing or empty; it is required"},
				{Severity: schema.SeverityError, Pointer: "/name", Message: "name is missing or empty; it is required"},
				{Severity: schema.SeverityError, Pointer: "/properties", Message: "properties is missing or empty; it is required"},
				{Severity: schema.SeverityError, Pointer: "/version", Message: "version is empty; it must list at least 1 entry"},
			},
		},
		"version zero": {
			edit: func(d *node.Description) { d.Version = node.Version{1, 0} },
			want: schema.Diagnostics{{Severity: schema.SeverityError, Pointer: "/version/1", Message: "0 is not allowed here; it must be greater than 0"}},
		},
		"method in lower case is fine, unknown method is not": {
			edit: func(d *node.Description) {
				d.RequestDefaults.Method = "patch"
				d.Properties[0].Choices[0].Routing.Request.Method = "GET /x"
			},
			want: schema.Diagnostics{{
				Severity: schema.SeverityError, Pointer: "/properties/0/options/0/routing/request/method",
				Message: "method \"GET /x\" is not an HTTP method; allowed: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS (any case), or an expression starting with '='",
			}},
		},
		"expression method": {
			edit: func(d *node.Description) { d.RequestDefaults.Method = "={{$parameter.verb}}" },
			want: schema.Diagnostics{{
				Severity: schema.SeverityWarning, Pointer: "/requestDefaults/method",
				Message: "the expression reads $parameter[\"verb\"], but no top-level parameter has that name, so it resolves to undefined",
			}},
		},
		"slash key escapes in pointers": {
			edit: func(d *node.Description) {
				d.Properties[1].DisplayOptions.Show["/a~b"] = []any{1.0}
			},
			want: schema.Diagnostics{{
				Severity: schema.SeverityError, Pointer: "/properties/1/displayOptions/show/~1a~0b",
				Message: "displayOptions key \"/a~b\" names no top-level parameter; a '/' key reads \"a~b\" from the node's top-level parameters",
			}},
		},
		"requestOptions already present is accepted": {
			edit: func(d *node.Description) {
				d.Properties = append(d.Properties, node.Property{
					DisplayName: "Request Options", Name: "requestOptions", Type: node.TypeCollection,
					IsNodeSetting: true, Default: map[string]any{},
					Children: []node.Property{{DisplayName: "Timeout", Name: "timeout", Type: node.TypeNumber, Default: 10000.0}},
				})
			},
			want: nil,
		},
	}
	var v schema.Validator
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := minimal()
			tc.edit(&d)
			require.Equal(t, tc.want, v.CheckDescription(&d))
		})
	}
}

func TestCheckCredentialType(t *testing.T) {
	t.Parallel()
	var v schema.Validator
	ct := node.CredentialType{
		Name: "acmeApi", DisplayName: "Acme",
		Properties: []node.Property{{DisplayName: "Key", Name: "key", Type: node.TypeString, Default: ""}},
		Authenticate: &node.Authenticate{Type: "generic", Properties: node.AuthenticateProperties{
			Auth: map[string]any{"username": "={{$credentials.key}}"},
		}},
	}
	require.Equal(t, schema.Diagnostics{{
		Severity: schema.SeverityError, Pointer: "/authenticate/properties/auth/password", Message: "basic auth needs password",
	}}, v.CheckCredentialType(&ct))
}

// TestDiagnosticsOrder checks that findings come sorted by pointer, with
// array indices compared as numbers, then by message, without duplicates.
func TestDiagnosticsOrder(t *testing.T) {
	t.Parallel()
	var v schema.Validator
	d := minimal()
	for i := range 12 {
		d.Properties = append(d.Properties, node.Property{DisplayName: "P", Name: fmt.Sprintf("p%d", i), Type: "bogus", Default: ""})
	}
	ds := v.CheckDescription(&d)
	var pointers []string
	for _, x := range ds {
		pointers = append(pointers, x.Pointer)
	}
	require.Len(t, pointers, 12)
	require.Equal(t, "/properties/2/type", pointers[0])
	require.Equal(t, "/properties/13/type", pointers[11])
	require.True(t, sort.SliceIsSorted(ds, func(i, j int) bool {
		return numericLess(ds[i].Pointer, ds[j].Pointer)
	}))
}

func numericLess(a, b string) bool {
	var ai, bi int
	_, errA := fmt.Sscanf(a, "/properties/%d/type", &ai)
	_, errB := fmt.Sscanf(b, "/properties/%d/type", &bi)
	if errA != nil || errB != nil {
		return a < b
	}
	return ai < bi
}

// TestValidatorConcurrentUse shares one zero-value Validator between
// goroutines; run with -race.
func TestValidatorConcurrentUse(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../testdata/descriptors/valid/small-declarative.node.json")
	require.NoError(t, err)
	var v schema.Validator
	var wg sync.WaitGroup
	results := make([]schema.Diagnostics, 8)
	for i := range results {
		wg.Go(func() {
			_, results[i] = v.ValidateDescription(raw)
		})
	}
	wg.Wait()
	for _, ds := range results {
		require.Equal(t, results[0], ds)
	}
}

// TestJSONSchemas checks the embedded schemas are published, declare
// draft-07 and parse.
func TestJSONSchemas(t *testing.T) {
	t.Parallel()
	files := schema.JSONSchemas()
	for _, name := range []string{schema.DefinitionsSchemaFile, schema.DescriptionSchemaFile, schema.CredentialTypeSchemaFile} {
		raw, err := fs.ReadFile(files, name)
		require.NoError(t, err, name)
		var doc struct {
			Schema string `json:"$schema"`
			ID     string `json:"$id"`
		}
		require.NoError(t, json.Unmarshal(raw, &doc), name)
		require.Equal(t, "http://json-schema.org/draft-07/schema#", doc.Schema, name)
		require.True(t, strings.HasSuffix(doc.ID, "/"+name), name)
	}
}
