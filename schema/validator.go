package schema

import (
	"reflect"
	"sync"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/node/jsontree"
)

// Validator checks node descriptions and credential types. Its zero value is
// ready to use: the embedded JSON Schemas and the rule set are compiled once,
// on first use, and reused by every later call. A Validator is safe for
// concurrent use and must not be copied after first use.
type Validator struct {
	once     sync.Once
	compiled *compiledSchemas
	rules    *validator.Validate
	err      error
}

func (v *Validator) init() {
	v.once.Do(func() {
		v.compiled, v.err = compileSchemas()
		if v.err == nil {
			v.rules, v.err = newRules()
		}
	})
}

// internalError reports embedded schemas that do not compile, which the
// package's tests rule out; it keeps a broken build from panicking.
func (v *Validator) internalError() Diagnostics {
	return Diagnostics{{Severity: SeverityError, Message: "internal: " + v.err.Error()}}
}

// ValidateDescription decodes and checks a node description (n8n's
// INodeTypeDescription as JSON). It returns the decoded description and
// every finding at once. The steps, each needing the one before:
//
//  1. JSON syntax: malformed input gives one error with line and column;
//  2. shape, against the embedded JSON Schema: every key of the wrong JSON
//     type, every missing required key, every key the model would drop;
//     and every key that differs from a model key only in letter case;
//  3. decoding with node's own UnmarshalJSON methods, then meaning, in Go:
//     see CheckDescription.
//
// When step 1 or 2 finds errors, or decoding fails, the description is
// returned zero, since checking its meaning would be guesswork. raw is not
// retained. A well-formed description reaches the same result a faster
// way, one parse and a quick shape check (see the package documentation).
func (v *Validator) ValidateDescription(raw []byte) (node.Description, Diagnostics) {
	v.init()
	if v.err != nil {
		return node.Description{}, v.internalError()
	}
	if d, ok := v.conformingDescription(raw); ok {
		return *d.desc, d.findings
	}
	// Something is wrong, or the quick check is not sure: decode afresh and
	// let gojsonschema find every error.
	var d decodedDescription
	if d.desc, d.err = node.DecodeDescription(raw); d.err == nil {
		d.findings = v.CheckDescription(d.desc)
	}
	if ds, failed := v.explainDescription(raw, d); failed {
		return node.Description{}, ds
	}
	return *d.desc, d.findings
}

// conformingDescription is the way of a description that is strict JSON
// in UTF-8 and certainly has the schema's shape, which is every
// description noderun ships: one strict parse, read by the quick shape
// check and then decoded. It reports false for anything else, which
// ValidateDescription then explains.
func (v *Validator) conformingDescription(raw []byte) (decodedDescription, bool) {
	var d decodedDescription
	if !utf8.Valid(raw) {
		return d, false
	}
	p := parsers.Get().(*jsontree.Parser)
	defer parsers.Put(p)
	doc, err := p.Parse(raw)
	if err != nil || !v.compiled.descriptionConforms(doc) {
		return d, false
	}
	if d.desc, d.err = node.DecodeDescriptionValue(doc); d.err != nil {
		return d, false
	}
	d.findings = v.CheckDescription(d.desc)
	return d, true
}

// explainDescription finds and words every syntax, shape and decoding
// error of a description that the quick checks did not pass, with
// gojsonschema; a shape error hides whatever decoding found. It reports
// false when there is none (the quick check is only sure of a yes), and
// the decoded description stands.
func (v *Validator) explainDescription(raw []byte, d decodedDescription) (Diagnostics, bool) {
	tree, syntax := parseTree(raw)
	var ds Diagnostics
	if syntax == nil {
		ds = v.compiled.shape(v.compiled.description, tree, reflect.TypeFor[node.Description]())
	}
	switch {
	case syntax != nil:
		return syntax, true
	case ds.HasErrors():
		return normalize(ds), true
	case d.err != nil:
		return decodeFailure(raw, tree, d.err), true
	}
	return nil, false
}

// decodedDescription is what decoding a description found.
type decodedDescription struct {
	desc     *node.Description
	err      error
	findings Diagnostics
}

// ValidateCredentialType decodes and checks a credential type (n8n's
// ICredentialType as JSON) in the same three steps as ValidateDescription;
// the meaning checks are CheckCredentialType's.
func (v *Validator) ValidateCredentialType(raw []byte) (node.CredentialType, Diagnostics) {
	v.init()
	if v.err != nil {
		return node.CredentialType{}, v.internalError()
	}
	tree, ds := parseTree(raw)
	if ds != nil {
		return node.CredentialType{}, ds
	}
	if ds = v.compiled.shape(v.compiled.credentialType, tree, reflect.TypeFor[node.CredentialType]()); ds.HasErrors() {
		return node.CredentialType{}, normalize(ds)
	}
	ct, err := node.DecodeCredentialType(raw)
	if err != nil {
		return node.CredentialType{}, decodeFailure(raw, tree, err)
	}
	return *ct, v.CheckCredentialType(ct)
}

// CheckDescription checks the meaning of an already decoded description,
// such as one built in Go, and returns every finding; see the package
// documentation for the list of checks. It does not modify d.
func (v *Validator) CheckDescription(d *node.Description) Diagnostics {
	v.init()
	if v.err != nil {
		return v.internalError()
	}
	c := checker{rules: v.rules}
	c.description(d)
	return normalize(c.diags)
}

// CheckCredentialType checks the meaning of an already decoded credential
// type and returns every finding. It does not modify ct.
func (v *Validator) CheckCredentialType(ct *node.CredentialType) Diagnostics {
	v.init()
	if v.err != nil {
		return v.internalError()
	}
	c := checker{rules: v.rules}
	c.credentialType(ct)
	return normalize(c.diags)
}
