package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/schema"
)

// validateDescription validates description bytes; it returns the
// decoded description, or the error diagnostics as text.
func validateDescription(data []byte) (*node.Description, string) {
	var v schema.Validator
	d, diags := v.ValidateDescription(data)
	if diags.HasErrors() {
		return nil, formatDiagnostics(diags.Errors())
	}
	return &d, ""
}

func formatDiagnostics(ds schema.Diagnostics) string {
	var b strings.Builder
	for _, d := range ds {
		where := d.Pointer
		if where == "" {
			where = "/"
		}
		if d.Line > 0 {
			where += fmt.Sprintf(" (line %d, column %d)", d.Line, d.Column)
		}
		fmt.Fprintf(&b, "  %s %s: %s\n", d.Severity, where, d.Message)
	}
	return strings.TrimRight(b.String(), "\n")
}

func runValidate(ctx context.Context, a *app, args []string) int {
	fs := a.newFlags("validate", "FILE... (node descriptions or credential types; - reads stdin) | --package DIR|FILE.tgz")
	asJSON := fs.Bool("json", false, "print the diagnostics as JSON")
	pkgPath := fs.String("package", "", "validate every node type version of this n8n node package (a directory or an npm .tgz)")
	kind := fs.String("kind", "auto", "what the files are: node, credential or auto (credential when the file has \"authenticate\" or \"test\" and no \"requestDefaults\")")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *pkgPath != "" {
		if fs.NArg() > 0 {
			fmt.Fprintln(a.stderr, "noderun validate: give files or --package, not both")
			return exitInput
		}
		return a.validatePackage(ctx, *pkgPath, *asJSON)
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(a.stderr, "noderun validate: name at least one file")
		return exitInput
	}
	var v schema.Validator
	code := exitOK
	report := map[string]schema.Diagnostics{}
	for _, path := range fs.Args() {
		var data []byte
		var err error
		if path == "-" {
			data, err = io.ReadAll(a.stdin)
		} else {
			data, err = os.ReadFile(path)
		}
		if err != nil {
			fmt.Fprintf(a.stderr, "noderun validate: %v\n", err)
			return exitInput
		}
		k := *kind
		if k == "auto" {
			k = guessKind(data)
		}
		var diags schema.Diagnostics
		switch k {
		case "credential":
			_, diags = v.ValidateCredentialType(data)
		case "node":
			_, diags = v.ValidateDescription(data)
		default:
			fmt.Fprintf(a.stderr, "noderun validate: --kind must be node, credential or auto, not %q\n", *kind)
			return exitInput
		}
		if diags == nil {
			diags = schema.Diagnostics{} // [] in --json, not null
		}
		report[path] = diags
		if diags.HasErrors() {
			code = exitFailed
		}
		if *asJSON {
			continue
		}
		switch {
		case len(diags) == 0:
			fmt.Fprintf(a.stdout, "%s: valid %s\n", path, k)
		case diags.HasErrors():
			fmt.Fprintf(a.stdout, "%s: invalid %s: %d errors, %d warnings\n%s\n", path, k, len(diags.Errors()), len(diags.Warnings()), formatDiagnostics(diags))
		default:
			fmt.Fprintf(a.stdout, "%s: valid %s with %d warnings\n%s\n", path, k, len(diags.Warnings()), formatDiagnostics(diags))
		}
	}
	if *asJSON {
		writeJSON(a.stdout, report)
	}
	return code
}

// guessKind tells a credential type from a node description.
func guessKind(data []byte) string {
	var probe map[string]json.RawMessage
	if json.Unmarshal(data, &probe) != nil {
		return "node"
	}
	_, auth := probe["authenticate"]
	_, test := probe["test"]
	_, defaults := probe["requestDefaults"]
	if (auth || test) && !defaults {
		return "credential"
	}
	return "node"
}
