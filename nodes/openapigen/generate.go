package openapigen

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/rs/zerolog"

	"github.com/noderun/noderun/node"
)

// Options control a generation. The zero value of every mapping switch is
// n8n-openapi-node 0.1.4's mapping; each switch turns on one of noderun's
// deliberate improvements, and Improved turns on all of them.
type Options struct {
	// Node names the node and its credential; Name, DisplayName and
	// BaseURL are required.
	Node NodeInfo

	// OnlyIfSet marks every optional query and body field
	// routing.send.onlyIfSet, so that a field is sent only when the user
	// stored a value for it. n8n sends every visible field, with its
	// default when nothing is stored (R10).
	OnlyIfSet bool

	// SpecDefaults gives every optional field the spec's own default, or
	// else the empty value of its type ("" / 0 / false / "{}" / "[]", the
	// first choice for options), instead of the defaults n8n-openapi-node
	// derives from examples or invents (true for booleans, "[\n  null\n]"
	// for arrays). Required fields keep n8n's default: they are always sent,
	// and n8n leaves a parameter equal to its default out of a saved
	// workflow, so an imported workflow relies on that default.
	SpecDefaults bool

	// OmitSpecText copies no text from the spec into the description: no
	// descriptions of resources, operations or fields, and operation actions
	// derived from the operation name instead of the spec's summaries.
	OmitSpecText bool

	// SelectorDefaults makes the first choice the default of the Resource
	// and Operation selectors. n8n-openapi-node defaults them to "", which
	// is none of the choices, so that until the user picks one no routing
	// applies and n8n sends a GET to the base URL (R4).
	SelectorDefaults bool

	// PathNames makes a path template read the property its path parameter
	// became ("user-id" for {user.id}). n8n-openapi-node reads the spec's
	// name, which no property has when it holds a dot, so n8n sends
	// "undefined" in the path.
	PathNames bool

	// Logger receives warnings about parts of the document that map to a
	// notice rather than to fields. The zero Logger discards them.
	Logger zerolog.Logger
}

// Improved returns o with every noderun improvement switched on; it is
// how the committed Chatwoot description is generated.
func (o Options) Improved() Options {
	o.OnlyIfSet = true
	o.SpecDefaults = true
	o.OmitSpecText = true
	return o
}

// NodeInfo is what the n8n node class around n8n-openapi-node's properties
// says: the node's names, credential type and base URL.
type NodeInfo struct {
	// Name is the node type name, such as "chatWoot".
	Name string
	// DisplayName is the name shown to users, such as "ChatWoot".
	DisplayName string
	// Description is the node's one-line description.
	Description string
	// Version is the node's typeVersion; zero means 1.
	Version float64
	// Credential is the credential type the node requires; empty means none.
	Credential string
	// BaseURL is requestDefaults.baseURL, usually an expression such as
	// "={{$credentials.url}}".
	BaseURL string
}

// Subtitle is the node subtitle n8n's resource/operation nodes use.
const Subtitle = `={{$parameter["operation"] + ": " + $parameter["resource"]}}`

// Error is a part of an OpenAPI document that cannot be mapped.
type Error struct {
	// Where is the operation ("GET /api/v1/x") or the document location
	// ("tags[2]") that failed.
	Where string
	Err   error
}

func (e *Error) Error() string { return "openapigen: " + e.Where + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// generator is one Generate call.
type generator struct {
	opts Options
	r    *resolver
}

// Generate turns an OpenAPI 3 document (JSON) into a declarative n8n node
// description, mapping tags to resources, operations to operation options
// and parameters and JSON body fields to properties exactly as
// @devlikeapro/n8n-openapi-node 0.1.4 does, plus the improvements opts
// switches on. n8n's loader additions (the Request Options collection, the
// "Custom API Call" choices) are not part of the result. Every operation
// that cannot be mapped is reported in the error, joined.
func Generate(spec []byte, opts Options) (*node.Description, error) {
	if err := opts.Node.validate(); err != nil {
		return nil, err
	}
	// kin-openapi checks that the document is OpenAPI 3 and that its known
	// fields have the right JSON types. It does not resolve references:
	// its loader resolves all of them up front and rejects documents
	// whose unused components hold broken ones (Chatwoot's does), which
	// n8n-openapi-node, resolving lazily, never reads.
	var typed openapi3.T
	if err := json.Unmarshal(spec, &typed); err != nil {
		return nil, fmt.Errorf("openapigen: not an OpenAPI 3 JSON document: %w", err)
	}
	if !strings.HasPrefix(typed.OpenAPI, "3.") {
		return nil, fmt.Errorf("openapigen: openapi version %q is not 3.x", typed.OpenAPI)
	}
	// The mapping itself reads the document as JavaScript does, in its key
	// order, which decides the order of resources, operations and fields.
	parsed, err := decodeJS(spec)
	if err != nil {
		return nil, fmt.Errorf("openapigen: %w", err)
	}
	doc, ok := parsed.(*object)
	if !ok {
		return nil, errors.New("openapigen: the document is not a JSON object")
	}
	g := &generator{opts: opts, r: &resolver{doc: doc}}
	ops, err := operations(doc)
	if err != nil {
		return nil, err
	}
	resource, err := g.resourceProperty(doc, ops)
	if err != nil {
		return nil, err
	}
	selectors, fields, err := g.collect(ops)
	if err != nil {
		return nil, err
	}
	props := append([]node.Property{resource}, selectors...)
	props = append(props, fields...)
	return clean(g.description(props))
}

func (n NodeInfo) validate() error {
	var missing []string
	if n.Name == "" {
		missing = append(missing, "Name")
	}
	if n.DisplayName == "" {
		missing = append(missing, "DisplayName")
	}
	if n.BaseURL == "" {
		missing = append(missing, "BaseURL")
	}
	if len(missing) > 0 {
		return fmt.Errorf("openapigen: Options.Node needs %s", strings.Join(missing, ", "))
	}
	return nil
}

// description wraps the properties as the n8n node class does.
func (g *generator) description(props []node.Property) *node.Description {
	n := g.opts.Node
	version := n.Version
	if version == 0 {
		version = 1
	}
	d := &node.Description{
		DisplayName: n.DisplayName,
		Name:        n.Name,
		Group:       []string{"transform"},
		Version:     node.Version{version},
		Subtitle:    Subtitle,
		Description: n.Description,
		Defaults:    map[string]any{"name": n.DisplayName},
		Inputs:      json.RawMessage(`["main"]`),
		Outputs:     json.RawMessage(`["main"]`),
		RequestDefaults: &node.Request{
			Headers: map[string]any{"Accept": "application/json", "Content-Type": "application/json"},
			BaseURL: n.BaseURL,
		},
		Properties: props,
	}
	if n.Credential != "" {
		d.Credentials = []node.CredentialRef{{Name: n.Credential, Required: true}}
	}
	return d
}

// clean returns the description as its JSON decodes, so the result shares
// nothing between properties and equals what Marshal writes and a loader
// reads back.
func clean(d *node.Description) (*node.Description, error) {
	b, err := Marshal(d)
	if err != nil {
		return nil, err
	}
	var out node.Description
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("openapigen: generated description does not decode: %w", err)
	}
	return &out, nil
}

// Marshal encodes a description deterministically: struct fields in
// declaration order, map keys sorted, two-space indent, trailing newline.
func Marshal(d *node.Description) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, fmt.Errorf("openapigen: encode description: %w", err)
	}
	return buf.Bytes(), nil
}

// GenerateFile reads the OpenAPI document at specPath and writes the
// generated description to outPath. outPath is replaced only once the
// description is complete.
func GenerateFile(specPath, outPath string, opts Options) error {
	spec, err := os.ReadFile(specPath)
	if err != nil {
		return fmt.Errorf("openapigen: %w", err)
	}
	d, err := Generate(spec, opts)
	if err != nil {
		return err
	}
	b, err := Marshal(d)
	if err != nil {
		return err
	}
	tmp := outPath + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("openapigen: %w", err)
	}
	if err := os.Rename(tmp, outPath); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("openapigen: %w", err)
	}
	return nil
}
