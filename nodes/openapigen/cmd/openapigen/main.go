package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/rs/zerolog"

	"github.com/noderun/noderun/nodes/openapigen"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("openapigen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	spec := fs.String("spec", "", "OpenAPI 3 JSON document to read (required)")
	out := fs.String("out", "", "description file to write (required)")
	var info openapigen.NodeInfo
	fs.StringVar(&info.Name, "name", "", "node type name, such as chatWoot (required)")
	fs.StringVar(&info.DisplayName, "display-name", "", "node display name (required)")
	fs.StringVar(&info.Description, "description", "", "node description")
	fs.Float64Var(&info.Version, "version", 1, "node typeVersion")
	fs.StringVar(&info.Credential, "credential", "", "credential type the node requires")
	fs.StringVar(&info.BaseURL, "base-url", "={{$credentials.url}}", "requestDefaults.baseURL")
	n8n := fs.Bool("n8n", false, "n8n-openapi-node 0.1.4's mapping only, without noderun's improvements")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *spec == "" || *out == "" {
		fs.Usage()
		return fmt.Errorf("openapigen: -spec and -out are required")
	}
	opts := openapigen.Options{Node: info, Logger: zerolog.New(stderr).With().Timestamp().Logger()}
	if !*n8n {
		opts = opts.Improved()
	}
	return openapigen.GenerateFile(*spec, *out, opts)
}
