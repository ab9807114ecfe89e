package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/noderun/noderun/nodes/openapigen"
	"github.com/noderun/noderun/schema"
)

func runGenerate(_ context.Context, a *app, args []string) int {
	fs := a.newFlags("generate", "--spec openapi.json --out node.json --name NAME --display-name NAME [flags]")
	spec := fs.String("spec", "", "OpenAPI 3 document (JSON)")
	out := fs.String("out", "", "where to write the node description; - writes it to stdout")
	name := fs.String("name", "", "node type name, e.g. chatWoot")
	display := fs.String("display-name", "", "display name, e.g. ChatWoot")
	description := fs.String("description", "", "one-line node description (default: the document's info.title)")
	credential := fs.String("credential", "", "credential type the node requires, e.g. chatwootApi")
	baseURL := fs.String("base-url", "={{$credentials.url}}", "requestDefaults.baseURL")
	n8n := fs.Bool("n8n", false, "map exactly as @devlikeapro/n8n-openapi-node 0.1.4 does, without noderun's improvements (onlyIfSet, spec defaults, no spec prose, selector defaults, path parameter names)")
	var logs logFlags
	logs.register(fs)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *spec == "" || *out == "" || *name == "" || *display == "" {
		fmt.Fprintln(a.stderr, "noderun generate: --spec, --out, --name and --display-name are required")
		fs.Usage()
		return exitInput
	}
	if err := logs.validate(); err != nil {
		fmt.Fprintf(a.stderr, "noderun generate: %v\n", err)
		return exitInput
	}
	doc, err := os.ReadFile(*spec)
	if err != nil {
		fmt.Fprintf(a.stderr, "noderun generate: %v\n", err)
		return exitInput
	}
	if *description == "" {
		// n8n requires a description; the document's title is the best one-line summary it has.
		*description = specTitle(doc, *display)
	}
	opts := openapigen.Options{
		Node: openapigen.NodeInfo{Name: *name, DisplayName: *display, Description: *description,
			Credential: *credential, BaseURL: *baseURL},
		Logger: logs.setup(a.stderr, a.terminal).logger,
	}
	if !*n8n {
		opts = opts.Improved()
		// Descriptions the command writes draw no warning from noderun's
		// validator (the committed Chatwoot description keeps n8n's "").
		opts.SelectorDefaults = true
		opts.PathNames = true
	}
	d, err := openapigen.Generate(doc, opts)
	if err != nil {
		fmt.Fprintf(a.stderr, "noderun generate: %v\n", err)
		return exitFailed
	}
	data, err := openapigen.Marshal(d)
	if err != nil {
		fmt.Fprintf(a.stderr, "noderun generate: %v\n", err)
		return exitFailed
	}
	// Never write a description that noderun itself would refuse to run.
	var v schema.Validator
	_, diags := v.ValidateDescription(data)
	if diags.HasErrors() {
		fmt.Fprintf(a.stderr, "noderun generate: the generated description is invalid, nothing written:\n%s\n", formatDiagnostics(diags.Errors()))
		return exitFailed
	}
	if w := diags.Warnings(); len(w) > 0 {
		fmt.Fprintf(a.stderr, "noderun generate: %d warnings from `noderun validate`:\n%s\n", len(w), formatDiagnostics(w))
	}
	if *out == "-" {
		if _, err := a.stdout.Write(data); err != nil {
			fmt.Fprintf(a.stderr, "noderun generate: %v\n", err)
			return exitFailed
		}
		return exitOK
	}
	if err := writeFileAtomic(*out, data); err != nil {
		fmt.Fprintf(a.stderr, "noderun generate: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(a.stderr, "noderun generate: wrote %s\n", *out)
	return exitOK
}

// specTitle returns the OpenAPI document's info.title, or fallback.
func specTitle(doc []byte, fallback string) string {
	var probe struct {
		Info struct {
			Title string `json:"title"`
		} `json:"info"`
	}
	if json.Unmarshal(doc, &probe) == nil && probe.Info.Title != "" {
		return probe.Info.Title
	}
	return fallback
}

// writeFileAtomic writes through a temporary file, so that a failed write
// never leaves half a description behind.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}
