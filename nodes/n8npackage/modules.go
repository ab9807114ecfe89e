package n8npackage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"
	"sync"

	"github.com/dop251/goja"
	"github.com/dop251/goja/parser"
)

// modules is a package's CommonJS module system: Node's resolution over
// the package's source tree, one cache, and the built-in modules.
type modules struct {
	pkg string // the package's name, for errors
	vm  *goja.Runtime
	src source
	// inModules: src's root is a node_modules folder, whose packages
	// resolve from it; JavaScript sees its files under /node_modules.
	inModules bool
	cache     map[string]*goja.Object // resolved file -> its module object
	// builtin makes a built-in module for a name Node reserves (without
	// "node:"), required from file; ok is false for other names.
	builtin func(name, file string) (v goja.Value, ok bool)
	// pkgJSON caches parsed package.json files by directory.
	pkgJSON map[string]*packageJSON
	// collect gathers an (async) iterable's values, for rewritten
	// for-await loops.
	collect goja.Value
	// deferred holds the bindings whose require waits for their first
	// read, by the token standing for them (lazy.go); force reads one.
	deferred map[*goja.Object]*deferred
	force    goja.Value
	// deferredErrs are the errors forceValue threw.
	deferredErrs map[*goja.Object]bool
	// deps caches the files each source file names literally, pkgDeps
	// the packages each package declares, and loading holds the modules
	// being evaluated (lazy.go).
	deps        map[string][]string
	pkgDeps     map[string][]string
	dependsMemo map[string]bool
	loading     map[string]bool
	// scanned holds the files read for their requires and not loaded yet,
	// during a load only: most are never loaded, and a runtime lives as
	// long as its package.
	scanned map[string][]byte
	// programs are the compiled files, shared with the package's other
	// runtimes.
	programs *programCache
	// resolved caches resolve's answers by folder and name.
	resolved map[string]string
	// forcing are the deferred requires being evaluated, innermost last;
	// warn logs what checkDeferred finds.
	forcing []*deferred
	warn    func(msg string)
}

// packageJSON is what resolution reads from a package.json.
type packageJSON struct {
	Name    string          `json:"name"`
	Version string          `json:"version"`
	Main    string          `json:"main"`
	Exports json.RawMessage `json:"exports"`
}

// requireError is thrown in JavaScript as an Error with Node's code, so
// that code probing for optional modules with try/catch works.
func (m *modules) throw(code, format string, args ...any) {
	e := m.vm.NewGoError(fmt.Errorf(format, args...))
	_ = e.Set("code", code)
	panic(e)
}

// requireFor makes the require function of the module in file (a source
// path; "" for the package's entry calls).
func (m *modules) requireFor(file string) *goja.Object {
	req := m.vm.ToValue(func(call goja.FunctionCall) goja.Value {
		spec := call.Argument(0)
		if _, ok := spec.Export().(string); !ok {
			m.throw("ERR_INVALID_ARG_TYPE", "require: the module name must be a string (in %s)", m.where(file))
		}
		return m.require(spec.String(), file)
	}).ToObject(m.vm)
	_ = req.Set("resolve", func(spec string) string {
		if _, ok := m.builtinName(spec); ok {
			return spec
		}
		p, err := m.resolve(spec, file)
		if err != nil {
			m.notFound(spec, file, err)
		}
		return m.virtual(p)
	})
	_ = req.Set("cache", m.vm.NewObject())
	return req
}

func (m *modules) where(file string) string {
	if file == "" {
		return "the package"
	}
	return m.src.display(file)
}

// builtinName reports whether spec names a built-in module: Node's core
// names (also with "node:"), n8n-workflow and the host-provided ones.
func (m *modules) builtinName(spec string) (string, bool) {
	name := strings.TrimPrefix(spec, "node:")
	if name != spec {
		return name, true
	}
	if _, ok := hostModules[name]; ok {
		return name, true
	}
	first, _, _ := strings.Cut(name, "/")
	_, core := nodeCoreModules[first]
	return name, core
}

func (m *modules) require(spec, file string) goja.Value {
	if name, ok := m.builtinName(spec); ok {
		if v, ok := m.builtin(name, file); ok {
			return v
		}
		m.throw("MODULE_NOT_FOUND", "cannot find built-in module %q (required by %s)", spec, m.where(file))
	}
	p, err := m.resolve(spec, file)
	if err != nil {
		m.notFound(spec, file, err)
	}
	return m.load(p)
}

// notFound throws the error of a module that did not resolve: once the
// package is closed, because it is.
func (m *modules) notFound(spec, file string, err error) {
	if m.src.closed() {
		m.throw("ERR_PACKAGE_CLOSED", "n8n package %s is closed: cannot load module %q (required by %s)", m.pkg, spec, m.where(file))
	}
	m.throw("MODULE_NOT_FOUND", "%v", err)
}

// load evaluates the module at source path p once; a module required
// again while it still runs (a cycle) gets its exports as they stand.
func (m *modules) load(p string) goja.Value {
	if len(m.forcing) > 0 {
		m.checkDeferred(p)
	}
	if mod, ok := m.cache[p]; ok {
		return mod.Get("exports")
	}
	data, scanned := m.scanned[p]
	var err error
	if scanned {
		delete(m.scanned, p)
	} else {
		data, err = m.src.readFile(p)
	}
	if errors.Is(err, ErrClosed) {
		m.throw("ERR_PACKAGE_CLOSED", "n8n package %s is closed: cannot load %s", m.pkg, m.src.display(p))
	}
	if err != nil {
		m.throw("MODULE_NOT_FOUND", "reading %s: %v", m.src.display(p), err)
	}
	mod := m.vm.NewObject()
	exports := m.vm.NewObject()
	_ = mod.Set("exports", exports)
	_ = mod.Set("id", m.virtual(p))
	_ = mod.Set("filename", m.virtual(p))
	_ = mod.Set("loaded", false)
	m.cache[p] = mod
	m.loading[p] = true
	ok := false
	defer func() {
		delete(m.loading, p)
		if len(m.loading) == 0 {
			m.scanned = nil // the outermost load is over
		}
		if !ok {
			delete(m.cache, p) // Node forgets a module whose evaluation threw
		}
	}()
	if strings.HasSuffix(p, ".json") {
		v, err := parseJSON(m.vm, data)
		if err != nil {
			panic(m.vm.NewGoError(fmt.Errorf("%s: %w", m.src.display(p), err)))
		}
		_ = mod.Set("exports", v)
	} else if strings.HasSuffix(p, ".node") {
		m.throw("ERR_DLOPEN_FAILED", "%s is a native addon; the sandbox runs JavaScript only", m.src.display(p))
	} else {
		prog, err := m.programs.compile(m.virtual(p), data)
		if err != nil {
			panic(m.vm.NewGoError(fmt.Errorf("%s: %w", m.src.display(p), err)))
		}
		fv, err := m.vm.RunProgram(prog)
		if err != nil {
			panic(err)
		}
		fn, _ := goja.AssertFunction(fv)
		dir := path.Dir(p)
		req := m.requireFor(p)
		if m.force == nil {
			m.force = m.vm.ToValue(m.forceValue)
		}
		if _, err := fn(exports, exports, req, mod, m.vm.ToValue(m.virtual(p)), m.vm.ToValue(m.virtual(dir)), m.dynamicImport(req), m.collect, m.lazyFor(p, req), m.force); err != nil {
			panic(err)
		}
	}
	_ = mod.Set("loaded", true)
	ok = true
	return mod.Get("exports")
}

// programCache caches a package's compiled files for its runtimes: a function
// runtime past the first evaluates the node's files again, and a goja
// Program runs in any runtime. Its zero value is ready; nil compiles each
// time.
type programCache struct {
	mu    sync.Mutex
	cache map[string]compiled // by the name the program carries
}

type compiled struct {
	data []byte
	prog *goja.Program
}

// compile compiles a module, or returns the program compiled earlier
// from the same name and text.
func (c *programCache) compile(name string, data []byte) (*goja.Program, error) {
	if c == nil {
		return compileModule(name, data)
	}
	c.mu.Lock()
	e, ok := c.cache[name]
	c.mu.Unlock()
	if ok && bytes.Equal(e.data, data) {
		return e.prog, nil
	}
	prog, err := compileModule(name, data)
	if err == nil {
		c.mu.Lock()
		if c.cache == nil {
			c.cache = map[string]compiled{}
		}
		c.cache[name] = compiled{data, prog}
		c.mu.Unlock()
	}
	return prog, err
}

// moduleHead opens Node's module function around a file's source; the
// extra parameters serve rewritten import() and for-await, and deferred
// requires (lazy.go).
const moduleHead = "(function (exports, require, module, __filename, __dirname, __noderun_import, __noderun_collect, " + lazyName + ", " + forceName + ") {"

// virtual is the path JavaScript sees for source path p (__filename,
// stack traces): absolute, in a /node_modules folder when src is one.
func (m *modules) virtual(p string) string {
	if p == "." {
		p = ""
	}
	if m.inModules {
		return path.Join("/node_modules", p)
	}
	return path.Join("/", p)
}

// compileModule wraps a file in Node's module function; name is the
// path stack traces show. Syntax goja lacks, in the forms compiled
// TypeScript and npm packages use, is rewritten when the file does not
// compile as it is (see esm.go).
func compileModule(name string, data []byte) (*goja.Program, error) {
	src := string(data)
	if strings.HasPrefix(src, "#!") {
		src = "//" + src // keeps line numbers
	}
	prog, err := compileWrapped(name, src)
	if err != nil {
		if alt, changed := rewriteUnsupported(src); changed {
			if prog, err2 := compileWrapped(name, alt); err2 == nil {
				return prog, nil
			} else if !looksLikeESM(alt) {
				err = err2
			}
			src = alt
		}
	}
	if err != nil && looksLikeESM(src) {
		cjs, cerr := esmToCommonJS(src)
		if cerr != nil {
			return nil, fmt.Errorf("ES module: %w", cerr)
		}
		return compileWrapped(name, cjs)
	}
	return prog, err
}

// compileWrapped parses and compiles src inside the module function.
// Source maps are not read: goja would open the file a comment names on
// the host's file system, outside the sandbox.
func compileWrapped(p, src string) (*goja.Program, error) {
	text := moduleHead + src + "\n})"
	a, err := parser.ParseFile(nil, p, text, 0, parser.WithDisableSourceMaps)
	if err != nil {
		return nil, err
	}
	deferRequires(a, text)
	prog, err := goja.CompileAST(a, false)
	if err != nil && strings.Contains(err.Error(), "Async generators are not supported") {
		// goja parses async generator functions but cannot compile them:
		// each becomes an async function that throws when called.
		alt, n := stubAsyncGenerators(text, a)
		if n == 0 {
			return nil, err
		}
		if a, err = parser.ParseFile(nil, p, alt, 0, parser.WithDisableSourceMaps); err != nil {
			return nil, err
		}
		deferRequires(a, alt)
		return goja.CompileAST(a, false)
	}
	return prog, err
}

func parseJSON(vm *goja.Runtime, data []byte) (goja.Value, error) {
	parse, _ := goja.AssertFunction(vm.Get("JSON").ToObject(vm).Get("parse"))
	text := strings.TrimPrefix(string(data), "\uFEFF")
	return parse(goja.Undefined(), vm.ToValue(text))
}

// resolve finds the file spec names from file, as Node's require.resolve.
func (m *modules) resolve(spec, file string) (string, error) {
	dir := "."
	if file != "" {
		dir = path.Dir(file)
	}
	// The same names are resolved from the same folders again and again:
	// by each file requiring them, and by the cycle check of deferred
	// requires before that (lazy.go).
	key := dir + "\x00" + spec
	if p, ok := m.resolved[key]; ok {
		return p, nil
	}
	p, err := m.resolveFrom(spec, file, dir)
	if err == nil {
		m.resolved[key] = p
	}
	return p, err
}

func (m *modules) resolveFrom(spec, file, dir string) (string, error) {
	switch {
	case spec == "":
		return "", fmt.Errorf("require: empty module name (in %s)", m.where(file))
	case strings.HasPrefix(spec, "/"):
		return "", fmt.Errorf("cannot require %q from %s: absolute paths are outside the sandbox", spec, m.where(file))
	case spec == "." || spec == ".." || strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../"):
		p := path.Join(dir, spec)
		if p == ".." || strings.HasPrefix(p, "../") {
			return "", fmt.Errorf("cannot require %q from %s: the path leaves the package's tree", spec, m.where(file))
		}
		if r, ok := m.asFile(p); ok {
			return r, nil
		}
		if r, ok := m.asDir(p); ok {
			return r, nil
		}
		return "", fmt.Errorf("cannot find module %q (required by %s)", spec, m.where(file))
	}
	name, sub := splitPackage(spec)
	for d := dir; ; d = path.Dir(d) {
		if d == "." && m.inModules {
			// the root is the outermost node_modules folder
			if m.src.kind(name) == isDir {
				if r, ok := m.inPackage(name, sub); ok {
					return r, nil
				}
			}
		} else if path.Base(d) != "node_modules" {
			pkg := path.Join(d, "node_modules", name)
			if m.src.kind(pkg) == isDir {
				if r, ok := m.inPackage(pkg, sub); ok {
					return r, nil
				}
			}
		}
		if d == "." {
			break
		}
	}
	return "", fmt.Errorf("cannot find module %q (required by %s): no node_modules folder up the tree holds it", spec, m.where(file))
}

// splitPackage splits "@scope/name/sub/path" into the package name and
// the subpath ("" or "sub/path").
func splitPackage(spec string) (name, sub string) {
	parts := strings.SplitN(spec, "/", 3)
	if strings.HasPrefix(spec, "@") && len(parts) >= 2 {
		name = parts[0] + "/" + parts[1]
		if len(parts) == 3 {
			sub = parts[2]
		}
		return name, sub
	}
	name, sub, _ = strings.Cut(spec, "/")
	return name, sub
}

// inPackage resolves a subpath of the package in directory pkg, through
// its "exports" map when it has one.
func (m *modules) inPackage(pkg, sub string) (string, bool) {
	if pj := m.packageJSON(pkg); pj != nil && len(pj.Exports) > 0 && string(pj.Exports) != "null" {
		key := "."
		if sub != "" {
			key = "./" + sub
		}
		if target, ok := exportTarget(pj.Exports, key); ok {
			p := path.Join(pkg, target)
			if m.src.kind(p) == isFile {
				return p, true
			}
			return "", false
		}
	}
	if sub == "" {
		return m.asDir(pkg)
	}
	p := path.Join(pkg, sub)
	if r, ok := m.asFile(p); ok {
		return r, true
	}
	return m.asDir(p)
}

// exportTarget picks key's target in an "exports" value, choosing the
// "require", "node" or "default" condition, and a "./x/*" pattern.
func exportTarget(raw json.RawMessage, key string) (string, bool) {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return "", false
	}
	if obj, ok := v.(map[string]any); ok {
		subpaths := false
		for k := range obj {
			subpaths = strings.HasPrefix(k, ".")
			break
		}
		if !subpaths {
			if key != "." {
				return "", false
			}
			return condition(v)
		}
		if t, ok := obj[key]; ok {
			return condition(t)
		}
		for k, t := range obj {
			pre, post, star := strings.Cut(k, "*")
			if star && strings.HasPrefix(key, pre) && strings.HasSuffix(key, post) && len(key) >= len(pre)+len(post) {
				s, ok := condition(t)
				return strings.ReplaceAll(s, "*", key[len(pre):len(key)-len(post)]), ok
			}
		}
		return "", false
	}
	if key != "." {
		return "", false
	}
	return condition(v)
}

func condition(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case []any:
		for _, x := range t {
			if s, ok := condition(x); ok {
				return s, true
			}
		}
	case map[string]any:
		for _, c := range []string{"require", "node", "default"} {
			if x, ok := t[c]; ok {
				if s, ok := condition(x); ok {
					return s, true
				}
			}
		}
	}
	return "", false
}

func (m *modules) packageJSON(dir string) *packageJSON {
	if pj, ok := m.pkgJSON[dir]; ok {
		return pj
	}
	var pj *packageJSON
	if data, err := m.src.readFile(path.Join(dir, "package.json")); err == nil {
		var raw struct {
			packageJSON
			Main json.RawMessage `json:"main"`
		}
		if json.Unmarshal(data, &raw) == nil {
			pj = &raw.packageJSON
			// "main": false and other non-strings mean no main, as in Node
			_ = json.Unmarshal(raw.Main, &pj.Main)
		}
	}
	m.pkgJSON[dir] = pj
	return pj
}

func (m *modules) asFile(p string) (string, bool) {
	for _, c := range []string{p, p + ".js", p + ".json", p + ".node"} {
		if m.src.kind(c) == isFile {
			return c, true
		}
	}
	return "", false
}

func (m *modules) asDir(p string) (string, bool) {
	if m.src.kind(p) != isDir {
		return "", false
	}
	if pj := m.packageJSON(p); pj != nil && pj.Main != "" {
		main := path.Join(p, pj.Main)
		if r, ok := m.asFile(main); ok {
			return r, true
		}
		if r, ok := m.asIndex(main); ok {
			return r, true
		}
	}
	return m.asIndex(p)
}

func (m *modules) asIndex(p string) (string, bool) {
	for _, c := range []string{"index.js", "index.json", "index.node"} {
		if q := path.Join(p, c); m.src.kind(q) == isFile {
			return q, true
		}
	}
	return "", false
}

// nodeCoreModules are the names Node reserves for its built-ins.
var nodeCoreModules = map[string]struct{}{
	"assert": {}, "async_hooks": {}, "buffer": {}, "child_process": {}, "cluster": {}, "console": {},
	"constants": {}, "crypto": {}, "dgram": {}, "diagnostics_channel": {}, "dns": {}, "domain": {},
	"events": {}, "fs": {}, "http": {}, "http2": {}, "https": {}, "inspector": {}, "module": {},
	"net": {}, "os": {}, "path": {}, "perf_hooks": {}, "process": {}, "punycode": {}, "querystring": {},
	"readline": {}, "repl": {}, "stream": {}, "string_decoder": {}, "sys": {}, "timers": {}, "tls": {},
	"trace_events": {}, "tty": {}, "url": {}, "util": {}, "v8": {}, "vm": {}, "wasi": {},
	"worker_threads": {}, "zlib": {},
}

// hostModules are packages n8n provides to the packages it loads and
// noderun provides instead: n8n-workflow for real, n8n-core as members that
// throw when used (it is n8n's execution engine), and pino as a logger
// writing to noderun's log (pino's transports need threads,
// SharedArrayBuffer and V8's stack API, which goja does not have).
var hostModules = map[string]struct{}{
	"n8n-workflow": {}, "n8n-core": {}, "pino": {},
}

// dynamicImport is import(x) for rewritten code: a promise of the module,
// with a default export for CommonJS modules as Node's import gives.
func (m *modules) dynamicImport(req *goja.Object) goja.Value {
	reqFn, _ := goja.AssertFunction(req)
	return m.vm.ToValue(func(spec goja.Value) goja.Value {
		p, resolve, reject := m.vm.NewPromise()
		v, err := reqFn(goja.Undefined(), spec)
		if err != nil {
			if ex, ok := err.(*goja.Exception); ok {
				_ = reject(ex.Value())
			} else {
				_ = reject(m.vm.NewGoError(err))
			}
			return m.vm.ToValue(p)
		}
		ns := v
		if o, ok := v.(*goja.Object); ok {
			if esm := o.Get("__esModule"); esm == nil || !esm.ToBoolean() {
				wrapped := m.vm.NewObject()
				for _, k := range o.Keys() {
					_ = wrapped.Set(k, o.Get(k))
				}
				_ = wrapped.Set("default", o)
				ns = wrapped
			}
		}
		_ = resolve(ns)
		return m.vm.ToValue(p)
	})
}
