package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/noderun/noderun/nodes"
	"github.com/noderun/noderun/nodes/n8npackage"
	"github.com/noderun/noderun/runtime"
)

// packageNodeType loads an n8n node package and one version of a node
// type of it, for exec's "package" request key, with the hooks that run
// its JavaScript functions. A package that does not load, or names no
// such node, is unusable input.
func packageNodeType(path, name string, version float64) (*runtime.NodeType, *runtime.Hooks, error) {
	ctx := context.Background() // the sandbox bounds the load's time itself
	pkg, err := n8npackage.Load(ctx, path)
	if err != nil {
		return nil, nil, inputErrorf("%v", err)
	}
	names := pkg.NodeNames()
	if name == "" {
		return nil, nil, inputErrorf("\"package\" needs \"node\", one of its node types: %s", strings.Join(names, ", "))
	}
	if !strings.Contains(name, ".") {
		name = pkg.Name + "." + name
	}
	if !contains(names, name) {
		return nil, nil, inputErrorf("package %s has no node type %q%s; its node types are %s", pkg.Name, name, suggest(name, names), strings.Join(names, ", "))
	}
	nt, err := pkg.NodeType(ctx, name, version)
	if err != nil {
		var le *n8npackage.LimitError
		var se *n8npackage.ScriptError
		if errors.As(err, &le) || errors.As(err, &se) {
			return nil, nil, err
		}
		return nil, nil, inputErrorf("%v", err)
	}
	hooks := &runtime.Hooks{}
	if err := pkg.RegisterHooks(ctx, hooks); err != nil {
		return nil, nil, err
	}
	return nt, hooks, nil
}

// packageFlag adds --package to a command that reads the node registry.
func packageFlag(fs *flag.FlagSet) *string {
	return fs.String("package", "", "use the node types of this n8n node package (a directory or an npm .tgz) instead of the built-in nodes")
}

// usePackage replaces the app's registry with a package's node types,
// named by their n8n type names, each at its default version.
func (a *app) usePackage(ctx context.Context, cmd, path string) (int, bool) {
	if path == "" {
		return exitOK, true
	}
	pkg, err := n8npackage.Load(ctx, path)
	if err != nil {
		fmt.Fprintf(a.stderr, "noderun %s: %v\n", cmd, err)
		return exitInput, false
	}
	var r nodes.Registry
	for _, name := range pkg.NodeNames() {
		err := r.Register(nodes.Entry{
			Name:     name,
			Summary:  "from package " + pkg.Name + " " + pkg.Version,
			NodeType: func() (*runtime.NodeType, error) { return pkg.NodeType(ctx, name, 0) },
			Output:   "n8n",
		})
		if err != nil {
			fmt.Fprintf(a.stderr, "noderun %s: %v\n", cmd, err)
			return exitFailed, false
		}
	}
	a.registry = &r
	return exitOK, true
}

// validatePackage checks every node type version and credential type of a
// package the way `validate` checks files: its converted descriptions go
// through the same schema checks.
func (a *app) validatePackage(ctx context.Context, path string, asJSON bool) int {
	pkg, err := n8npackage.Load(ctx, path)
	if err != nil {
		fmt.Fprintf(a.stderr, "noderun validate: %v\n", err)
		return exitInput
	}
	code := exitOK
	report := map[string]string{}
	for _, name := range pkg.NodeNames() {
		n, err := pkg.Node(ctx, name)
		if err != nil {
			report[name] = err.Error()
			code = exitInput
			continue
		}
		for _, v := range n.Versions {
			key := fmt.Sprintf("%s@%v", name, v)
			d, _ := n.Description(v)
			data, err := json.Marshal(d)
			if err == nil {
				if _, diags := validateDescription(data); diags != "" {
					err = errors.New(diags)
				}
			}
			if err != nil {
				report[key] = err.Error()
				code = exitInput
				continue
			}
			report[key] = "ok"
		}
	}
	if asJSON {
		writeJSON(a.stdout, report)
		return code
	}
	for _, k := range slices.Sorted(maps.Keys(report)) {
		fmt.Fprintf(a.stdout, "%s: %s\n", k, report[k])
	}
	return code
}
