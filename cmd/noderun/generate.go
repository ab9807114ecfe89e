package main

import (
	"context"
	"fmt"

	"github.com/noderun/noderun/nodes/openapigen"
)

func runGenerate(_ context.Context, a *app, args []string) int {
	fs := a.newFlags("generate", "--spec openapi.json --out node.json --name NAME --display-name NAME [flags]")
	spec := fs.String("spec", "", "OpenAPI 3 document (JSON)")
	out := fs.String("out", "", "where to write the node description")
	name := fs.String("name", "", "node type name, e.g. chatWoot")
	display := fs.String("display-name", "", "display name, e.g. ChatWoot")
	description := fs.String("description", "", "one-line node description")
	credential := fs.String("credential", "", "credential type the node requires, e.g. chatwootApi")
	baseURL := fs.String("base-url", "={{$credentials.url}}", "requestDefaults.baseURL")
	n8n := fs.Bool("n8n", false, "map exactly as @devlikeapro/n8n-openapi-node 0.1.4 does, without noderun's improvements (onlyIfSet, spec defaults, no spec prose)")
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
	opts := openapigen.Options{
		Node: openapigen.NodeInfo{Name: *name, DisplayName: *display, Description: *description,
			Credential: *credential, BaseURL: *baseURL},
		Logger: logs.setup(a.stderr).logger,
	}
	if !*n8n {
		opts = opts.Improved()
	}
	if err := openapigen.GenerateFile(*spec, *out, opts); err != nil {
		fmt.Fprintf(a.stderr, "noderun generate: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(a.stderr, "noderun generate: wrote %s\n", *out)
	return exitOK
}
