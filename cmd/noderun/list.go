package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// listedNode is one node in `noderun list --json`.
type listedNode struct {
	Name       string           `json:"name"`
	Summary    string           `json:"summary"`
	Resources  []string         `json:"resources"`
	Operations []node.Operation `json:"operations"`
}

func runList(ctx context.Context, a *app, args []string) int {
	fs := a.newFlags("list", "[--json] [--node NAME] [--package DIR|FILE.tgz]")
	asJSON := fs.Bool("json", false, "print JSON")
	only := fs.String("node", "", "list only this node")
	pkgPath := packageFlag(fs)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if code, ok := a.usePackage(ctx, "list", *pkgPath); !ok {
		return code
	}
	var out []listedNode
	for _, name := range a.registry.Names() {
		if *only != "" && name != *only {
			continue
		}
		e, _ := a.registry.Lookup(name)
		nt, err := e.NodeType()
		if err != nil {
			fmt.Fprintf(a.stderr, "noderun list: %s: %v\n", name, err)
			return exitFailed
		}
		n := listedNode{Name: name, Summary: e.Summary, Resources: nt.Description.Resources(), Operations: nt.Description.Operations()}
		// A node without resources (the typed node) lists [] rather than null.
		if n.Resources == nil {
			n.Resources = []string{}
		}
		if n.Operations == nil {
			n.Operations = []node.Operation{}
		}
		out = append(out, n)
	}
	if *only != "" && len(out) == 0 {
		fmt.Fprintf(a.stderr, "noderun list: unknown node %q%s\n", *only, suggest(*only, a.registry.Names()))
		return exitInput
	}
	if *asJSON {
		writeJSON(a.stdout, out)
		return exitOK
	}
	for _, n := range out {
		printNode(a.stdout, n)
	}
	return exitOK
}

func printNode(w io.Writer, n listedNode) {
	if len(n.Resources) == 0 {
		fmt.Fprintf(w, "%s — %s\n\n", n.Name, n.Summary)
		return
	}
	fmt.Fprintf(w, "%s — %s\n%d resources, %d operations\n\n", n.Name, n.Summary, len(n.Resources), len(n.Operations))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	last := ""
	for _, op := range n.Operations {
		if op.Resource != last {
			fmt.Fprintf(tw, "%s\t\t\t\n", op.Resource)
			last = op.Resource
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", op.Name, op.Method, op.URL)
	}
	tw.Flush()
	fmt.Fprintln(w)
}

func runDescribe(ctx context.Context, a *app, args []string) int {
	fs := a.newFlags("describe", "NODE --resource R --operation O [--json] [--package DIR|FILE.tgz]")
	resource := fs.String("resource", "", "the resource, e.g. \"Conversations API\"")
	operation := fs.String("operation", "", "the operation, e.g. \"Create A Conversation\"")
	asJSON := fs.Bool("json", false, "print JSON")
	pkgPath := packageFlag(fs)
	// Accept the node name before or after the flags.
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if name == "" && fs.NArg() > 0 {
		name = fs.Arg(0)
	}
	if code, ok := a.usePackage(ctx, "describe", *pkgPath); !ok {
		return code
	}
	if name == "" {
		fmt.Fprintln(a.stderr, "noderun describe: name a node, e.g. `noderun describe chatwoot --resource \"Conversations API\" --operation \"Create A Conversation\"`")
		return exitInput
	}
	e, ok := a.registry.Lookup(name)
	if !ok {
		fmt.Fprintf(a.stderr, "noderun describe: unknown node %q%s\n", name, suggest(name, a.registry.Names()))
		return exitInput
	}
	nt, err := e.NodeType()
	if err != nil {
		fmt.Fprintf(a.stderr, "noderun describe: %v\n", err)
		return exitFailed
	}
	stored := map[string]any{}
	if resources := nt.Description.Resources(); len(resources) > 0 {
		if !contains(resources, *resource) {
			fmt.Fprintf(a.stderr, "noderun describe: %s has no resource %q%s; see `noderun list --node %s`\n", name, *resource, suggest(*resource, resources), name)
			return exitInput
		}
		stored["resource"] = *resource
		var ops []string
		var op *node.Operation
		for _, o := range nt.Description.Operations() {
			if o.Resource == *resource {
				ops = append(ops, o.Name)
				if o.Name == *operation {
					o := o
					op = &o
				}
			}
		}
		if op == nil {
			fmt.Fprintf(a.stderr, "noderun describe: %s has no operation %q%s; its operations are: %s\n", *resource, *operation, suggest(*operation, ops), strings.Join(ops, "; "))
			return exitInput
		}
		stored["operation"] = *operation
		if !*asJSON {
			fmt.Fprintf(a.stdout, "%s → %s\n%s %s\n\n", *resource, *operation, op.Method, op.URL)
		}
	}
	infos := nt.DescribeParameters(stored)
	if *asJSON {
		writeJSON(a.stdout, infos)
		return exitOK
	}
	printParameters(a.stdout, infos)
	return exitOK
}

func printParameters(w io.Writer, infos []runtime.ParameterInfo) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PARAMETER\tTYPE\tREQUIRED\tDEFAULT\tSENT")
	for _, p := range infos {
		req := ""
		if p.Required {
			req = "yes"
		}
		sent := p.In
		switch p.In {
		case "body", "query":
			sent = p.In + " " + p.As
			if p.OnlyIfSet {
				sent += " (only if set)"
			}
		case "":
			sent = "-"
		}
		def := compactJSON(p.Default)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.Name, p.Type, req, def, sent)
	}
	tw.Flush()
}

func compactJSON(v any) string {
	var b strings.Builder
	writeJSONLine(&b, v)
	return strings.TrimSpace(b.String())
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
