package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/noderun/noderun/nodes"
	"github.com/noderun/noderun/nodes/n8npackage"
	"github.com/noderun/noderun/runtime"
)

// openPackage loads the n8n node package at path once per invocation: a
// workflow run looks its node up in it before the node type is made. A
// package that does not load is unusable input.
func (x *execution) openPackage(path string) (*n8npackage.Package, error) {
	// The same package may be named as typed (--package) and absolute (a
	// workflow's request): one load serves both.
	key := path
	if abs, err := filepath.Abs(path); err == nil {
		key = abs
	}
	if x.pkg != nil && x.pkgPath == key {
		return x.pkg, nil
	}
	ctx := context.Background() // the sandbox bounds the load's time itself
	pkg, err := n8npackage.Load(ctx, path)
	if err != nil {
		return nil, inputErrorf("%v", err)
	}
	x.closePackage()
	x.pkg, x.pkgPath = pkg, key
	return pkg, nil
}

// closePackage releases the package's files once the run is over.
func (x *execution) closePackage() {
	if x.pkg != nil {
		x.pkg.Close()
		x.pkg = nil
	}
}

// packageNodeType loads one version of a node type of an n8n node package,
// for exec's "package" request key and --package, with the hooks that run
// its JavaScript functions. A package that names no such node is unusable
// input.
func (x *execution) packageNodeType(path, name string, version float64) (*runtime.NodeType, *runtime.Hooks, error) {
	ctx := context.Background()
	pkg, err := x.openPackage(path)
	if err != nil {
		return nil, nil, err
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
	// After NodeType: a package with n8n's index evaluates a node on
	// first use, and only evaluated nodes have functions to register.
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

// packageFromFlag settles which package a request's node comes from: the
// request's "package" (relative to --input's directory) or --package; both
// naming different packages is unusable input.
func (x *execution) packageFromFlag(req *execRequest) error {
	flagPath := x.flags.inputs.pkg
	if req.Package == "" {
		req.Package = flagPath
		return nil
	}
	req.Package = resolvePath(x.flags.input, req.Package)
	if flagPath != "" && !samePath(req.Package, flagPath) {
		return inputErrorf("the request's \"package\" (%s) and --package (%s) name different packages: give one", req.Package, flagPath)
	}
	return nil
}

// samePath reports whether two paths name the same file.
func samePath(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}
