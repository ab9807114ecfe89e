package n8npackage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"reflect"
	"slices"
	"strings"

	"github.com/dop251/goja"
	"github.com/dop251/goja/ast"
	"github.com/dop251/goja/file"
	"github.com/dop251/goja/unistring"
)

// Deferred requires. A node file requires at its top what its functions
// use when they run (Google's GenericFunctions pulls in jsonwebtoken,
// luxon and moment-timezone; a credential's token request pulls in n8n's
// network stack: 600 modules), and evaluating all that is most of a load.
// So a module-level binding
//
//	const x = require("m")                    // also var and let
//	const x = __importDefault(require("m"))   // TypeScript's helpers
//	const x = __importStar(require("m"))
//
// is rewritten, in the compiled syntax tree and when every other mention
// of x reads it as a value (x.y, x[k], f(x), x?.y), into a binding whose
// value is computed at the first read:
//
//	const x = __noderun_lazy("m", __importDefault)   // resolves m now
//	... __noderun_force(x).y ...                     // evaluates m once
//
// Every read sees the module's own exports (identity, typeof, `this` of a
// method call are unchanged); what moves is when the module's top-level
// code runs: its side effects (a polyfill, moment-timezone patching moment)
// happen at the first read, and an error it throws fails that read, not
// the load. Code that needs a module's side effects requires it bare
// (require("x"); a statement, not a binding), which is not deferred; code
// relying on them through a binding it reads only later would see them
// late. Resolution stays where it was, so a missing module fails at
// the same statement with the same error. A module already evaluated or
// being evaluated (a cycle) is required at once, as before. An error its
// deferred evaluation throws names the module and the file that required
// it (see modules.forceValue). Bindings mentioned in any other way (assigned,
// shorthand properties, typeof, declared again, never read: a require kept
// for its side effects) and files that call eval or declare or test
// require keep the plain require.
const (
	lazyName  = "__noderun_lazy"
	forceName = "__noderun_force"
)

// lazyHelpers are TypeScript's interop helpers, recognised by the
// definition TypeScript emits (matched from inside its first parenthesis,
// which the syntax tree does not keep); they only read the module, so
// calling them later changes nothing but when.
var lazyHelpers = map[unistring.String]string{
	"__importDefault": "this && this.__importDefault) ||",
	"__importStar":    "this && this.__importStar) ||",
}

// lazyBinding is one top-level binding being deferred.
type lazyBinding struct {
	decl   *ast.Identifier
	init   *ast.Binding
	spec   *ast.StringLiteral
	helper *ast.Identifier // nil for a plain require
	reads  []reflect.Value // the slots holding a read of it
	ok     bool
}

// deferRequires rewrites the module function's eligible bindings (see
// above) in a, whose source text is src; it reports how many it deferred.
func deferRequires(a *ast.Program, src string) int {
	if len(a.Body) != 1 {
		return 0
	}
	es, ok := a.Body[0].(*ast.ExpressionStatement)
	if !ok {
		return 0
	}
	fn, ok := es.Expression.(*ast.FunctionLiteral)
	if !ok || fn.Body == nil {
		return 0
	}
	// Module-level names, to know require and the helpers are the
	// module's own.
	declared := map[unistring.String]*ast.Binding{}
	var cands []*lazyBinding
	for _, st := range fn.Body.List {
		var list []*ast.Binding
		switch s := st.(type) {
		case *ast.VariableStatement:
			list = s.List
		case *ast.LexicalDeclaration:
			list = s.List
		case *ast.FunctionDeclaration:
			if s.Function != nil && s.Function.Name != nil {
				declared[s.Function.Name.Name] = nil
			}
			continue
		case *ast.ClassDeclaration:
			if s.Class != nil && s.Class.Name != nil {
				declared[s.Class.Name.Name] = nil
			}
			continue
		default:
			continue
		}
		for _, b := range list {
			id, ok := b.Target.(*ast.Identifier)
			if !ok {
				continue // a pattern: its names are not candidates
			}
			if _, dup := declared[id.Name]; dup {
				declared[id.Name] = nil // declared twice: no longer a helper
			} else {
				declared[id.Name] = b
			}
			if len(list) == 1 {
				if c := requireForm(b); c != nil {
					c.decl = id
					cands = append(cands, c)
				}
			}
		}
	}
	if len(cands) == 0 {
		return 0
	}
	if _, shadowed := declared["require"]; shadowed {
		return 0
	}
	byName := map[unistring.String]*lazyBinding{}
	for _, c := range cands {
		if c.helper != nil {
			def := declared[c.helper.Name]
			if def == nil || def.Initializer == nil || !strings.HasPrefix(sourceOf(src, def.Initializer), lazyHelpers[c.helper.Name]) {
				continue
			}
		}
		if _, dup := byName[c.decl.Name]; dup {
			byName[c.decl.Name] = nil
			continue
		}
		c.ok = true
		byName[c.decl.Name] = c
	}
	usesEval, rebound := false, false
	w := astWalker{visit: func(id *ast.Identifier, slot reflect.Value, read bool) {
		switch {
		case id.Name == "eval":
			usesEval = true
		case id.Name == "require" && !read:
			rebound = true // declared (in a pattern, a parameter…) or tested with typeof
		}
		c := byName[id.Name]
		if c == nil || !c.ok || id == c.decl {
			return
		}
		if read && slot.IsValid() {
			c.reads = append(c.reads, slot)
		} else {
			c.ok = false
		}
	}}
	w.walk(reflect.ValueOf(fn.Body), "")
	if usesEval || rebound {
		return 0
	}
	n := 0
	for _, c := range byName {
		if c == nil || !c.ok || len(c.reads) == 0 {
			continue
		}
		at := c.init.Initializer.Idx0()
		args := []ast.Expression{c.spec}
		if c.helper != nil {
			args = append(args, c.helper)
		}
		c.init.Initializer = &ast.CallExpression{
			Callee:          &ast.Identifier{Name: lazyName, Idx: at},
			LeftParenthesis: at, ArgumentList: args, RightParenthesis: at,
		}
		for _, slot := range c.reads {
			id, ok := slot.Interface().(*ast.Identifier)
			if !ok {
				continue // reached twice, already rewritten
			}
			slot.Set(reflect.ValueOf(&ast.CallExpression{
				Callee:          &ast.Identifier{Name: forceName, Idx: id.Idx},
				LeftParenthesis: id.Idx, ArgumentList: []ast.Expression{id}, RightParenthesis: id.Idx,
			}))
		}
		n++
	}
	return n
}

// requireForm matches a binding initialised by require("m"), directly or
// through a TypeScript helper.
func requireForm(b *ast.Binding) *lazyBinding {
	call, ok := b.Initializer.(*ast.CallExpression)
	if !ok {
		return nil
	}
	var helper *ast.Identifier
	if h, ok := call.Callee.(*ast.Identifier); ok && h.Name != "require" {
		if _, known := lazyHelpers[h.Name]; !known || len(call.ArgumentList) != 1 {
			return nil
		}
		helper = h
		if call, ok = call.ArgumentList[0].(*ast.CallExpression); !ok {
			return nil
		}
	}
	if callee, ok := call.Callee.(*ast.Identifier); !ok || callee.Name != "require" || len(call.ArgumentList) != 1 {
		return nil
	}
	spec, ok := call.ArgumentList[0].(*ast.StringLiteral)
	if !ok {
		return nil
	}
	return &lazyBinding{init: b, spec: spec, helper: helper}
}

// sourceOf is the source text of an expression.
func sourceOf(src string, e ast.Expression) string {
	// Idx is 1-based in the wrapped text, which src is.
	from, to := int(e.Idx0())-1, int(e.Idx1())-1
	if from < 0 || to > len(src) || from > to {
		return ""
	}
	return src[from:to]
}

// astWalker visits every identifier in a syntax tree, saying whether it
// sits where it is only read as a value and, if so, the slot holding it
// (a field or slice element that may be replaced by another expression).
// It walks by reflection so that no node type can be missed: a mention
// found in an unlisted place counts as not a plain read.
type astWalker struct {
	visit func(id *ast.Identifier, slot reflect.Value, read bool)
}

var (
	identType = reflect.TypeOf(ast.Identifier{})
	identPtr  = reflect.TypeOf(&ast.Identifier{})
	exprType  = reflect.TypeOf((*ast.Expression)(nil)).Elem()
	idxType   = reflect.TypeOf(file.Idx(0))
	filePtr   = reflect.TypeOf(&file.File{})
	dotType   = reflect.TypeOf(ast.DotExpression{})
	privDot   = reflect.TypeOf(ast.PrivateDotExpression{})
	strType   = reflect.TypeOf("")
)

// readSlots are the places where an expression is only read as a value:
// an identifier there may become a call returning its value.
var readSlots = map[reflect.Type]map[string]bool{
	dotType:                                     {"Left": true},
	reflect.TypeOf(ast.BracketExpression{}):     {"Left": true, "Member": true},
	reflect.TypeOf(ast.CallExpression{}):        {"Callee": true, "ArgumentList": true},
	reflect.TypeOf(ast.NewExpression{}):         {"Callee": true, "ArgumentList": true},
	reflect.TypeOf(ast.Optional{}):              {"Expression": true},
	reflect.TypeOf(ast.BinaryExpression{}):      {"Left": true, "Right": true},
	reflect.TypeOf(ast.ConditionalExpression{}): {"Test": true, "Consequent": true, "Alternate": true},
	reflect.TypeOf(ast.ReturnStatement{}):       {"Argument": true},
	reflect.TypeOf(ast.Binding{}):               {"Initializer": true},
	reflect.TypeOf(ast.AssignExpression{}):      {"Right": true},
	reflect.TypeOf(ast.TemplateLiteral{}):       {"Expressions": true},
}

func (w *astWalker) walk(v reflect.Value, field string) {
	switch v.Kind() {
	case reflect.Interface:
		if !v.IsNil() {
			w.walk(v.Elem(), field)
		}
	case reflect.Pointer:
		if v.IsNil() || v.Type() == filePtr {
			return
		}
		if v.Type() == identPtr {
			w.visit(v.Interface().(*ast.Identifier), reflect.Value{}, false)
			return
		}
		w.walk(v.Elem(), field)
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			w.walk(v.Index(i), field)
		}
	case reflect.Struct:
		t := v.Type()
		if t == identType {
			// an Identifier held by value: a shorthand property, a
			// private name; DotExpression's property name is skipped below
			w.visit(v.Addr().Interface().(*ast.Identifier), reflect.Value{}, false)
			return
		}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			fv := v.Field(i)
			if f.Type == idxType || f.Type == strType || f.Name == "DeclarationList" {
				continue // positions, source text, and the hoisting lists (the same bindings again)
			}
			if (t == dotType || t == privDot) && f.Name == "Identifier" {
				continue // a property name, not a variable
			}
			if readSlots[t][f.Name] {
				if f.Type == exprType {
					if id, ok := fv.Interface().(*ast.Identifier); ok {
						w.visit(id, fv, true)
						continue
					}
				} else if f.Type.Kind() == reflect.Slice && f.Type.Elem() == exprType {
					for j := 0; j < fv.Len(); j++ {
						el := fv.Index(j)
						if id, ok := el.Interface().(*ast.Identifier); ok {
							w.visit(id, el, true)
						} else {
							w.walk(el, f.Name)
						}
					}
					continue
				}
			}
			w.walk(fv, f.Name)
		}
	}
}

// lazyFor is __noderun_lazy for the module in file, whose require is req:
// it resolves spec now and returns a token standing for the binding's
// value, or the value itself when spec is a built-in or its module is
// already in the cache.
func (m *modules) lazyFor(file string, req *goja.Object) goja.Value {
	reqFn, _ := goja.AssertFunction(req)
	return m.vm.ToValue(func(call goja.FunctionCall) goja.Value {
		spec := call.Argument(0).String()
		helper := call.Argument(1)
		d := &deferred{spec: spec, file: file, req: reqFn, helper: helper}
		eager := false
		if _, ok := m.builtinName(spec); ok {
			eager = true
		} else {
			p, err := m.resolve(spec, file)
			if err != nil {
				m.notFound(spec, file, err)
			}
			_, eager = m.cache[p]
			eager = eager || strings.HasSuffix(p, ".node") || // fails now, as require does
				m.reachesLoading(p)
			d.path = p
		}
		if eager {
			v, err := d.evaluate(m.vm)
			if err != nil {
				panic(err)
			}
			return v
		}
		for q := range m.loading {
			d.loadingThen = append(d.loadingThen, q)
		}
		token := m.vm.NewObject()
		m.deferred[token] = d
		return token
	})
}

// deferred is a binding whose module is required at its first read.
type deferred struct {
	spec, file, path string
	req              goja.Callable
	helper           goja.Value
	done             bool
	val              goja.Value
	// loadingThen are the modules that were loading when the require was
	// deferred, and warned those its evaluation was found to reach.
	loadingThen []string
	warned      map[string]bool
}

func (d *deferred) evaluate(vm *goja.Runtime) (goja.Value, error) {
	v, err := d.req(goja.Undefined(), vm.ToValue(d.spec))
	if err == nil {
		if h, ok := goja.AssertFunction(d.helper); ok {
			v, err = h(goja.Undefined(), v)
		}
	}
	return v, err
}

// forceValue is __noderun_force: the value of a deferred binding, its module
// evaluated on the first call; any other value is returned as it is.
func (m *modules) forceValue(v goja.Value) goja.Value {
	o, ok := v.(*goja.Object)
	if !ok {
		return v
	}
	d, ok := m.deferred[o]
	if !ok {
		return v
	}
	if !d.done {
		m.forcing = append(m.forcing, d)
		val, err := func() (goja.Value, error) {
			defer func() { m.forcing = m.forcing[:len(m.forcing)-1] }()
			return d.evaluate(m.vm)
		}()
		if err != nil {
			panic(m.deferredError(d, err))
		}
		d.val, d.done = val, true
	}
	return d.val
}

// checkDeferred is called as the module at p is required: when that
// happens during a deferred evaluation and p was loading when the require
// was deferred, the cycle check missed a way back (a require with a
// computed name, a package requiring one it does not declare), and the
// evaluation sees p's exports as they stand now, not as Node would have
// shown them; it is logged, once.
func (m *modules) checkDeferred(p string) {
	for _, d := range m.forcing {
		if !slices.Contains(d.loadingThen, p) || d.warned[p] {
			continue
		}
		if d.warned == nil {
			d.warned = map[string]bool{}
		}
		d.warned[p] = true
		if m.warn != nil {
			m.warn(fmt.Sprintf("module %q (%s), whose require in %s waited for its first use, reached %s, which was loading when it waited: it sees that module's exports as they are now, not as they stood then",
				d.spec, m.src.display(d.path), m.where(d.file), m.src.display(p)))
		}
	}
}

// deferredError is the error a deferred module's evaluation threw, as an
// Error naming the module, its file and the file whose binding deferred
// it, with the original as its cause (and its code, for code that tests
// it). A built-in error class (TypeError, RangeError…) is kept, for code
// that tests it; another class is not, as its constructor may want other
// arguments. When the module failed on a deferred module of its own, that
// error, which names the module at fault, goes on as it is.
func (m *modules) deferredError(d *deferred, err error) goja.Value {
	var thrown goja.Value
	var ie *goja.InterruptedError
	var ex *goja.Exception
	switch {
	case errors.As(err, &ie):
		panic(ie) // a limit or a cancellation: not the module's error
	case errors.As(err, &ex):
		thrown = ex.Value()
	default:
		thrown = m.vm.NewGoError(err)
	}
	o, isObj := thrown.(*goja.Object)
	if isObj && m.deferredErrs[o] {
		return o
	}
	msg := thrown.String()
	if isObj {
		if mv := o.Get("message"); mv != nil && !goja.IsUndefined(mv) {
			msg = mv.String()
		}
	}
	where := d.spec
	if d.path != "" {
		where = m.src.display(d.path)
	}
	text := fmt.Sprintf("module %q (%s), required by %s and evaluated at its first use, failed to load: %s", d.spec, where, m.where(d.file), msg)
	ctor, _ := m.vm.Get("Error").(*goja.Object)
	if isObj {
		if c, ok := o.Get("constructor").(*goja.Object); ok {
			for _, name := range builtinErrors {
				if b, _ := m.vm.Get(name).(*goja.Object); b != nil && b.SameAs(c) {
					ctor = b
				}
			}
		}
	}
	e, nerr := m.vm.New(ctor, m.vm.ToValue(text))
	if nerr != nil {
		panic(nerr)
	}
	if isObj {
		if code := o.Get("code"); code != nil && !goja.IsUndefined(code) {
			_ = e.Set("code", code)
		}
	}
	_ = e.Set("cause", thrown)
	m.deferredErrs[e] = true
	return e
}

// builtinErrors are the error classes a deferred module's error keeps.
var builtinErrors = []string{"TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError"}

// Cycles. Deferring b's evaluation changes what a module in a require
// cycle sees: evaluated at once, b would get the exports of a module still
// loading as they stand then; evaluated later, as they stand later. So a
// module is deferred only when no module its evaluation can load reaches a
// module that is loading now (the requiring one included). Within a
// package this follows the requires its files name literally
// (require("x"), import … from "x", import("x"), also in comments, which
// only adds edges); a require with a computed name is not followed. Into
// another package it follows package.json's dependencies: a package whose
// declared dependencies, transitively, include no package with a loading
// module cannot reach one (npm's contract, which pnpm enforces: a package
// requires only what it declares), and its files are not read. Should a
// deferred evaluation still reach a module that was loading when its
// require waited, checkDeferred logs it.

// reachesLoading reports whether evaluating the module at p could require
// a module that is loading now.
func (m *modules) reachesLoading(p string) bool {
	if len(m.loading) == 0 {
		return false
	}
	loadingPkgs := map[string]bool{}
	for q := range m.loading {
		loadingPkgs[m.packageOf(q)] = true
	}
	seen := map[string]bool{}
	stack := []string{p}
	for len(stack) > 0 {
		q := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[q] {
			continue
		}
		seen[q] = true
		if m.loading[q] {
			return true
		}
		if _, ok := m.cache[q]; ok {
			continue // evaluated: requiring it runs nothing
		}
		if pkg := m.packageOf(q); !loadingPkgs[pkg] && !m.dependsOn(pkg, loadingPkgs) {
			continue
		}
		stack = append(stack, m.staticDeps(q)...)
	}
	return false
}

// packageOf is the directory of the package holding source path p: the
// folder under the last node_modules on its way, "." for the root's.
func (m *modules) packageOf(p string) string {
	parts := strings.Split(p, "/")
	start := -1 // index of the package's first path element
	if m.inModules {
		start = 0
	}
	for i, part := range parts[:len(parts)-1] {
		if part == "node_modules" {
			start = i + 1
		}
	}
	if start < 0 || start >= len(parts)-1 {
		return "."
	}
	end := start + 1
	if strings.HasPrefix(parts[start], "@") && end < len(parts)-1 {
		end++
	}
	return strings.Join(parts[:end], "/")
}

// dependsOn reports whether the package in directory pkg declares, directly
// or through its dependencies, a dependency on one of targets (package
// directories), as resolved from where each package is installed.
func (m *modules) dependsOn(pkg string, targets map[string]bool) bool {
	suffix := "\x00" + strings.Join(sortedKeys(targets), "\x00")
	if v, ok := m.dependsMemo[pkg+suffix]; ok {
		return v
	}
	seen := map[string]bool{pkg: true}
	v := m.searchDeps(pkg, targets, seen, suffix)
	m.dependsMemo[pkg+suffix] = v
	if !v {
		// the search went through the whole closure of each package it saw
		for q := range seen {
			m.dependsMemo[q+suffix] = false
		}
	}
	return v
}

func (m *modules) searchDeps(pkg string, targets, seen map[string]bool, suffix string) bool {
	stack := []string{pkg}
	for len(stack) > 0 {
		q := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if v, ok := m.dependsMemo[q+suffix]; ok {
			if v {
				return true
			}
			continue // its closure is known not to reach targets
		}
		deps, ok := m.packageDeps(q)
		if !ok {
			return true // declares nothing readably: it might require anything
		}
		for _, dep := range deps {
			if targets[dep] {
				return true
			}
			if !seen[dep] {
				seen[dep] = true
				stack = append(stack, dep)
			}
		}
	}
	return false
}

// packageDeps lists the directories of the installed packages that the
// package in directory pkg declares (dependencies, optional and peer); ok
// is false when its package.json cannot be read.
func (m *modules) packageDeps(pkg string) (deps []string, ok bool) {
	if e, ok := m.pkgDeps[pkg]; ok {
		return e, e != nil
	}
	defer func() {
		if ok && deps == nil {
			deps = []string{}
		}
		m.pkgDeps[pkg] = deps
	}()
	data, err := m.src.readFile(path.Join(pkg, "package.json"))
	if err != nil {
		return nil, false
	}
	names, ok := declaredNames(data)
	if !ok {
		var pj struct {
			D map[string]any `json:"dependencies"`
			O map[string]any `json:"optionalDependencies"`
			P map[string]any `json:"peerDependencies"`
		}
		if json.Unmarshal(data, &pj) != nil {
			return nil, false
		}
		for _, d := range []map[string]any{pj.D, pj.O, pj.P} {
			for n := range d {
				names = append(names, n)
			}
		}
	}
	for _, n := range names {
		if dir, found := m.findPackage(n, pkg); found {
			deps = append(deps, dir)
		}
	}
	return deps, true
}

// declaredNames reads the keys of every "dependencies",
// "optionalDependencies" and "peerDependencies" object in a package.json
// without decoding the rest (a package's dependencies are read for each
// package they reach, and package.json files are large). It may return
// more names than declared, never fewer; ok is false when the text is not
// the plain JSON it expects, and the caller decodes it instead.
func declaredNames(data []byte) (names []string, ok bool) {
	if bytes.Contains(data, []byte(`\u`)) {
		return nil, false // a key could be spelled with escapes
	}
	for _, key := range []string{`"dependencies"`, `"optionalDependencies"`, `"peerDependencies"`} {
		rest := data
		for {
			i := bytes.Index(rest, []byte(key))
			if i < 0 {
				break
			}
			rest = bytes.TrimLeft(rest[i+len(key):], " \t\r\n")
			if len(rest) == 0 || rest[0] != ':' {
				continue // the word as a value
			}
			rest = bytes.TrimLeft(rest[1:], " \t\r\n")
			if len(rest) == 0 || rest[0] != '{' {
				continue
			}
			var got []string
			got, rest, ok = objectKeys(rest)
			if !ok {
				return nil, false
			}
			names = append(names, got...)
		}
	}
	return names, true
}

// objectKeys reads a JSON object of string values at the start of b and
// returns its keys and what follows it.
func objectKeys(b []byte) (keys []string, rest []byte, ok bool) {
	i := 1 // past '{'
	skip := func() {
		for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n' || b[i] == ',') {
			i++
		}
	}
	str := func() (string, bool) {
		if i >= len(b) || b[i] != '"' {
			return "", false
		}
		end := bytes.IndexByte(b[i+1:], '"')
		if end < 0 || bytes.IndexByte(b[i+1:i+1+end], '\\') >= 0 {
			return "", false
		}
		s := string(b[i+1 : i+1+end])
		i += end + 2
		return s, true
	}
	for {
		skip()
		if i < len(b) && b[i] == '}' {
			return keys, b[i+1:], true
		}
		k, ok := str()
		if !ok {
			return nil, nil, false
		}
		skip()
		if i >= len(b) || b[i] != ':' {
			return nil, nil, false
		}
		i++
		skip()
		if _, ok := str(); !ok {
			return nil, nil, false // not a version string: decode it properly
		}
		keys = append(keys, k)
	}
}

// findPackage finds the installed package name as require does from dir.
// A name a folder lists counts as found: should it be a file, reading its
// package.json fails, and the caller then assumes the worst.
func (m *modules) findPackage(name, dir string) (string, bool) {
	has := func(p string) bool {
		if ds, ok := m.src.(*dirSource); ok {
			if listed, known := ds.listed(p); known {
				return listed
			}
		}
		return m.src.kind(p) == isDir
	}
	for d := dir; ; d = path.Dir(d) {
		if d == "." && m.inModules {
			if has(name) {
				return name, true
			}
		} else if path.Base(d) != "node_modules" {
			if pkg := path.Join(d, "node_modules", name); has(pkg) {
				return pkg, true
			}
		}
		if d == "." {
			return "", false
		}
	}
}

// staticDeps lists the files the module at p names literally, resolved
// (names that do not resolve and built-ins are left out).
func (m *modules) staticDeps(p string) []string {
	if deps, ok := m.deps[p]; ok {
		return deps
	}
	var deps []string
	if strings.HasSuffix(p, ".js") || strings.HasSuffix(p, ".cjs") || strings.HasSuffix(p, ".mjs") || !strings.Contains(path.Base(p), ".") {
		if data, err := m.src.readFile(p); err == nil {
			if m.scanned == nil {
				m.scanned = map[string][]byte{}
			}
			m.scanned[p] = data // load reads it from here
			for _, spec := range literalSpecs(data) {
				if _, builtin := m.builtinName(spec); builtin {
					continue
				}
				if r, err := m.resolve(spec, p); err == nil {
					deps = append(deps, r)
				}
			}
		}
	}
	m.deps[p] = deps
	return deps
}

// literalSpecs finds the string literals following require(, import(,
// import and from in JavaScript source.
func literalSpecs(src []byte) []string {
	var specs []string
	for i := 0; i < len(src); i++ {
		// each keyword starts with one of these letters
		c := src[i]
		if c != 'r' && c != 'i' && c != 'f' || (i > 0 && isIdentByte(src[i-1])) {
			continue
		}
		var kw string
		switch {
		case bytes.HasPrefix(src[i:], []byte("require")):
			kw = "require"
		case bytes.HasPrefix(src[i:], []byte("import")):
			kw = "import"
		case bytes.HasPrefix(src[i:], []byte("from")):
			kw = "from"
		default:
			continue
		}
		j := i + len(kw)
		for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\n' || src[j] == '\r' || src[j] == '(') {
			j++
		}
		i = j - 1
		if j >= len(src) || (src[j] != '"' && src[j] != '\'' && src[j] != '`') {
			continue
		}
		end := bytes.IndexByte(src[j+1:], src[j])
		if end < 0 {
			break
		}
		if spec := src[j+1 : j+1+end]; !bytes.ContainsAny(spec, "\n\\$") {
			specs = append(specs, string(spec))
		}
		i = j + end
	}
	return specs
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}
