package schema

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"strings"

	"github.com/xeipuuv/gojsonreference"
	"github.com/xeipuuv/gojsonschema"
)

//go:embed jsonschema/*.schema.json
var schemaFiles embed.FS

// Embedded JSON Schema file names, under JSONSchemas().
const (
	DefinitionsSchemaFile    = "definitions.schema.json"
	DescriptionSchemaFile    = "node-description.schema.json"
	CredentialTypeSchemaFile = "credential-type.schema.json"
)

// JSONSchemas returns the embedded draft-07 JSON Schemas: the node
// description, the credential type, and the definitions both refer to (by
// relative $ref), for editors and documentation. The file system is
// read-only and safe to share.
func JSONSchemas() fs.FS {
	sub, err := fs.Sub(schemaFiles, "jsonschema")
	if err != nil {
		// fs.Sub only fails on an invalid directory name, a constant here.
		panic(err)
	}
	return sub
}

// compiledSchemas are the two document schemas, compiled once.
type compiledSchemas struct {
	description    *gojsonschema.Schema
	credentialType *gojsonschema.Schema
	// closedKeys maps a definition with additionalProperties:false to its
	// allowed keys, to say what is allowed when a key is rejected.
	closedKeys map[string][]string
	keyCases   *keyCases
	// quickDescription answers whether a description certainly conforms
	// to the description schema, before gojsonschema is asked.
	quickDescription *quickShape
}

func compileSchemas() (*compiledSchemas, error) {
	files := JSONSchemas()
	read := func(name string) ([]byte, error) {
		b, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, fmt.Errorf("schema: embedded %s: %w", name, err)
		}
		return b, nil
	}
	defs, err := read(DefinitionsSchemaFile)
	if err != nil {
		return nil, err
	}
	c := &compiledSchemas{}
	descriptionSchema, err := read(DescriptionSchemaFile)
	if err != nil {
		return nil, err
	}
	c.quickDescription, err = compileQuickShape(DescriptionSchemaFile, map[string][]byte{
		DescriptionSchemaFile: descriptionSchema,
		DefinitionsSchemaFile: defs,
	})
	if err != nil {
		return nil, err
	}
	for _, s := range []struct {
		file string
		dst  **gojsonschema.Schema
	}{
		{DescriptionSchemaFile, &c.description},
		{CredentialTypeSchemaFile, &c.credentialType},
	} {
		b, err := read(s.file)
		if err != nil {
			return nil, err
		}
		// A loader compiles one root schema; each gets the definitions.
		loader := gojsonschema.NewSchemaLoader()
		loader.Draft = gojsonschema.Draft7
		loader.Validate = true
		if err := loader.AddSchemas(gojsonschema.NewBytesLoader(defs)); err != nil {
			return nil, fmt.Errorf("schema: compile %s: %w", DefinitionsSchemaFile, err)
		}
		if *s.dst, err = loader.Compile(gojsonschema.NewBytesLoader(b)); err != nil {
			return nil, fmt.Errorf("schema: compile %s: %w", s.file, err)
		}
	}
	if c.closedKeys, err = closedDefinitions(defs); err != nil {
		return nil, err
	}
	c.keyCases = newKeyCases()
	return c, nil
}

// closedDefinitions reads, from the definitions file, the keys of every
// definition that rejects other keys.
func closedDefinitions(defs []byte) (map[string][]string, error) {
	var doc struct {
		Definitions map[string]struct {
			AdditionalProperties json.RawMessage            `json:"additionalProperties"`
			Properties           map[string]json.RawMessage `json:"properties"`
		} `json:"definitions"`
	}
	if err := json.Unmarshal(defs, &doc); err != nil {
		return nil, fmt.Errorf("schema: read %s: %w", DefinitionsSchemaFile, err)
	}
	closed := map[string][]string{}
	for name, d := range doc.Definitions {
		if string(d.AdditionalProperties) != "false" {
			continue
		}
		keys := make([]string, 0, len(d.Properties))
		for k := range d.Properties {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		closed[name] = keys
	}
	return closed, nil
}

// treeLoader hands an already decoded tree to gojsonschema, which otherwise
// marshals and re-parses whatever Go value it is given.
type treeLoader struct{ tree any }

func (l treeLoader) JsonSource() any        { return l.tree }
func (l treeLoader) LoadJSON() (any, error) { return l.tree, nil }
func (l treeLoader) JsonReference() (gojsonreference.JsonReference, error) {
	return gojsonreference.NewJsonReference("#")
}
func (l treeLoader) LoaderFactory() gojsonschema.JSONLoaderFactory {
	return gojsonschema.DefaultJSONLoaderFactory{}
}

// shape checks a decoded document of Go type t against its JSON Schema and
// for case-variant keys. A case-variant key in an object that allows no
// other keys is reported once, as a case variant.
func (c *compiledSchemas) shape(s *gojsonschema.Schema, tree any, t reflect.Type) Diagnostics {
	// The letter-case check reads the same tree; it runs beside
	// gojsonschema, the longest step.
	found := make(chan Diagnostics, 1)
	go func() { found <- c.keyCases.check(tree, t) }()
	ds := c.validateTree(s, tree)
	variants := <-found
	if len(variants) == 0 {
		return ds
	}
	at := make(map[string]bool, len(variants))
	for _, d := range variants {
		at[d.Pointer] = true
	}
	kept := ds[:0]
	for _, d := range ds {
		if !at[d.Pointer] {
			kept = append(kept, d)
		}
	}
	return append(kept, variants...)
}

// validateTree checks the shape of a decoded document and turns every
// schema violation into an error diagnostic.
func (c *compiledSchemas) validateTree(s *gojsonschema.Schema, tree any) Diagnostics {
	res, err := s.Validate(treeLoader{tree})
	if err != nil {
		return Diagnostics{{Severity: SeverityError, Message: "JSON Schema validation failed to run: " + err.Error()}}
	}
	var ds Diagnostics
	for _, e := range res.Errors() {
		if d, ok := c.schemaDiagnostic(e); ok {
			ds = append(ds, d)
		}
	}
	return ds
}

// schemaDiagnostic rewrites one gojsonschema error as a diagnostic with a
// JSON pointer and a sentence naming what is allowed.
func (c *compiledSchemas) schemaDiagnostic(e gojsonschema.ResultError) (Diagnostic, bool) {
	tokens := contextTokens(e.Context())
	details := e.Details()
	d := Diagnostic{Severity: SeverityError}
	switch e.Type() {
	case "condition_then", "condition_else", "number_all_of":
		// Summaries of nested errors that are reported themselves.
		return d, false
	case "required":
		key, _ := details["property"].(string)
		tokens = append(tokens, key)
		d.Message = fmt.Sprintf("%q is missing; n8n requires it here", key)
	case "additional_property_not_allowed":
		key, _ := details["property"].(string)
		where := closedDefinitionAt(tokens)
		tokens = append(tokens, key)
		d.Message = fmt.Sprintf("%q is not a key noderun's model keeps here, so it would be silently dropped", key)
		if keys := c.closedKeys[where]; len(keys) > 0 {
			d.Message += "; allowed: " + strings.Join(keys, ", ")
		}
	case "invalid_type":
		d.Message = fmt.Sprintf("must be %s, not %s", typeNames(fmt.Sprint(details["expected"])), typeNames(fmt.Sprint(details["given"])))
	case "number_gte", "number_lte", "number_gt", "number_lt":
		d.Message = fmt.Sprintf("%v is out of range: %s", e.Value(), e.Description())
	default:
		d.Message = e.Description()
	}
	d.Pointer = tokensPointer(tokens)
	return d, true
}

// contextTokens splits gojsonschema's "(root).a.b" context into tokens. Its
// own separator is ".", which keys may contain, so the context is rendered
// with NUL, which keys in descriptions do not.
func contextTokens(ctx *gojsonschema.JsonContext) []string {
	if ctx == nil {
		return nil
	}
	tokens := strings.Split(ctx.String("\x00"), "\x00")
	if len(tokens) > 0 && tokens[0] == gojsonschema.STRING_CONTEXT_ROOT {
		tokens = tokens[1:]
	}
	return tokens
}

func tokensPointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(escapeToken(t))
	}
	return b.String()
}

// closedDefinitionAt names the closed definition that applies at tokens,
// from where such objects sit in a description or credential type.
func closedDefinitionAt(tokens []string) string {
	n := len(tokens)
	last, prev := "", ""
	if n > 0 {
		last = tokens[n-1]
	}
	if n > 1 {
		prev = tokens[n-2]
	}
	switch {
	case last == "routing":
		return "routing"
	case last == "requestDefaults", last == "request" && (prev == "routing" || prev == "test"):
		return "request"
	case last == "requestOperations", last == "operations" && prev == "routing":
		return "operations"
	case last == "send" && prev == "routing":
		return "send"
	case last == "output" && prev == "routing":
		return "output"
	case last == "auth":
		return "basicAuth"
	case last == "properties" && prev == "authenticate":
		return "authenticateProperties"
	}
	return ""
}

// typeNames turns gojsonschema's "[number,array]" into "a number or an array".
func typeNames(s string) string {
	s = strings.Trim(s, "[]")
	parts := strings.Split(s, ",")
	for i, p := range parts {
		switch p {
		case "object", "array", "integer":
			parts[i] = "an " + p
		case "null":
			parts[i] = "null"
		default:
			parts[i] = "a " + p
		}
	}
	switch len(parts) {
	case 1:
		return parts[0]
	default:
		return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
	}
}
