package n8npackage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dop251/goja"
	"github.com/rs/zerolog"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// Limits bound what package code may do in one call into the sandbox
// (loading a file, building a node). Zero fields take the defaults.
type Limits struct {
	// Timeout is the wall time for one call, timers included (default 10s).
	Timeout time.Duration
	// MaxCallStack is the deepest JavaScript call stack (default 2000).
	MaxCallStack int
	// MaxHeapGrowth is how far the Go heap may grow during one call
	// (default 1 GiB).
	MaxHeapGrowth uint64
}

func (l Limits) withDefaults() Limits {
	if l.Timeout <= 0 {
		l.Timeout = 10 * time.Second
	}
	if l.MaxCallStack <= 0 {
		l.MaxCallStack = 2000
	}
	if l.MaxHeapGrowth == 0 {
		l.MaxHeapGrowth = 1 << 30
	}
	return l
}

// Loader loads packages. Its zero value uses the default limits and
// discards the packages' log output.
type Loader struct {
	Limits Limits
	// Logger receives what package code logs (console, pino), at debug
	// level and below as the code chose.
	Logger zerolog.Logger
	// FunctionRuntimes is how many runtimes may run the package's route
	// functions in parallel (default GOMAXPROCS, at most 4); each one
	// past the first is made when calls overlap, and evaluates the nodes
	// whose functions run again.
	FunctionRuntimes int
}

// Load loads the package at path (a directory or an npm .tgz) with a zero
// Loader.
func Load(ctx context.Context, path string) (*Package, error) {
	var l Loader
	return l.Load(ctx, path)
}

// Package is a loaded n8n node package. Its node and credential classes
// are evaluated on first use when the package ships n8n's index of them
// (dist/known, as n8n-nodes-base does), and all at Load otherwise. A
// Package is safe for concurrent use.
type Package struct {
	// Name and Version are package.json's.
	Name    string
	Version string

	mu      sync.Mutex
	sb      *sandbox
	src     source
	dir     string // the package's directory in src
	nodeIdx map[string]classFile
	// nodeFiles lists package.json's node files in order (eager packages).
	nodeFiles []string
	credIdx   map[string]classFile
	// lazy is true when the indexes came from dist/known and are
	// evaluated on demand.
	lazy bool
	// inModules: the source tree is a node_modules folder.
	inModules bool
	// progs holds the compiled files for all the package's runtimes.
	progs *programCache
	nodes map[string]*Node
	creds map[string]*Credential
	// nodeOrder is the order nodes were loaded in (package.json's).
	nodeOrder []string
	// fnEnv is what running functions needs in the runtime, and cur the
	// call running now (functions.go).
	fnEnv *thisEnv
	cur   *jsCall
	// turn is held by the function call using the runtime: waiting for it
	// can end with the caller's context, unlike waiting for mu.
	turn     chan struct{}
	turnOnce sync.Once
	// runtimes is Loader.FunctionRuntimes; pool holds the idle runtimes
	// that run route functions: this package's and twins' (functions.go).
	// owner is the package a twin serves (itself for the package; set when
	// made, never changed), self its place in the pool.
	runtimes int
	pool     chan *instance
	owner    *Package
	self     *instance
	poolMu   sync.Mutex
	made     int
	fnNodes  []string
	// dropped is closed, and replaced, when a broken runtime is dropped:
	// calls waiting for a runtime may make a twin.
	dropped chan struct{}
	// spare runs credential code once the package's own runtime was
	// interrupted (see release); made when needed.
	spare   *Package
	spareMu sync.Mutex
}

type classFile struct {
	className string
	file      string // source path
	// supported is a credential type's supportedNodes in n8n's index.
	supported []string
}

// Node is one node type of a package, with every version it serves.
type Node struct {
	// Type is the n8n type name: "<package>.<name>".
	Type string
	// DefaultVersion is the version n8n uses when a workflow names none.
	DefaultVersion float64
	// Versions lists the typeVersions, ascending.
	Versions []float64
	// Functions lists the JavaScript functions the descriptions hold, and
	// the credential test functions of each version's methods.
	Functions []Function

	descs       map[float64]*node.Description
	methods     map[string][]string
	credentials []string
}

// Function is a JavaScript function found in a description or a
// credential type.
type Function struct {
	// Version is the node version whose description holds it (0 for a
	// credential type).
	Version float64
	// Path is the JSON pointer of the function in the description.
	Path string
	// Hook is the name the converted description uses for it in a hook
	// slot (preSend, postReceive, pagination); "" elsewhere.
	Hook string
	// Kind is "preSend", "postReceive", "pagination", "credentialTest"
	// (a function of the node's methods.credentialTest, Path
	// /methods/credentialTest/<name>), or "" for a function in another
	// place (e.g. a credential's authenticate).
	Kind string

	// fn is the function itself, in the package's runtime, kept for
	// running it (see RegisterHooks).
	fn goja.Value
}

// Credential is a credential type of a package.
type Credential struct {
	Type      *node.CredentialType
	Functions []Function

	hasIcon bool // an icon n8n shows as is ("fa:…", or light/dark files)
}

// Load loads the package at path: a directory holding package.json, whose
// "n8n" section lists the node and credential files, or an npm .tgz file.
// Node descriptions are converted to node.Description; the functions they
// hold (preSend, postReceive, pagination) become runtime hooks under
// generated names (see RegisterHooks), and a credential's
// preAuthentication becomes its PreAuthenticate.
func (l *Loader) Load(ctx context.Context, pkgPath string) (*Package, error) {
	fi, err := os.Stat(pkgPath)
	if err != nil {
		return nil, fmt.Errorf("n8n package: %w", err)
	}
	p := &Package{nodes: map[string]*Node{}, creds: map[string]*Credential{}}
	p.owner = p
	if fi.IsDir() {
		root, rel, inModules, err := packageRoot(pkgPath)
		if err != nil {
			return nil, fmt.Errorf("n8n package %s: %w", pkgPath, err)
		}
		p.inModules = inModules
		ds, err := openDir(root)
		if err != nil {
			return nil, fmt.Errorf("n8n package %s: %w", pkgPath, err)
		}
		p.src, p.dir = ds, rel
	} else {
		ms, err := readTarball(pkgPath)
		if err != nil {
			return nil, fmt.Errorf("n8n package: %w", err)
		}
		p.src, p.dir = ms, ""
	}
	defer p.src.hold()()
	if err := p.readManifest(); err != nil {
		p.Close()
		return nil, err
	}
	log := l.Logger.With().Str("package", p.Name).Logger()
	p.runtimes = l.FunctionRuntimes
	p.progs = &programCache{}
	p.sb, err = newSandbox(p.Name, p.src, p.inModules, p.progs, l.Limits.withDefaults(), log)
	if err != nil {
		p.Close()
		return nil, err
	}
	p.sb.redact, p.sb.withholdLogs = p.redactLog, p.withholdLogs
	if !p.lazy {
		if err := p.loadAll(ctx); err != nil {
			p.Close()
			return nil, err
		}
	}
	return p, nil
}

// ErrClosed is what use of a closed Package fails with, wrapped in an
// error naming the package and what was attempted.
var ErrClosed = errors.New("the package is closed")

// Close releases the package's files. Node types already made stay usable
// for what needs no JavaScript; their route functions, and loading node
// and credential types not loaded yet, fail with ErrClosed. A function
// running as Close is called fails only should it need a file (a module
// it requires is evaluated at its first use, see lazy.go), and then with
// an error naming the package and the module. Close a package once its
// functions no longer run.
func (p *Package) Close() error {
	if p.src == nil {
		return nil
	}
	return p.src.close()
}

// closedError is the error of an attempt (what) to use a closed package.
func (p *Package) closedError(what string) error {
	return fmt.Errorf("n8n package %s: %s: %w", p.Name, what, ErrClosed)
}

type manifest struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	N8N     *struct {
		Nodes       []string `json:"nodes"`
		Credentials []string `json:"credentials"`
	} `json:"n8n"`
}

func (p *Package) readManifest() error {
	mp := path.Join(p.dir, "package.json")
	data, err := p.src.readFile(mp)
	if err != nil {
		return fmt.Errorf("n8n package: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("n8n package %s: %w", p.src.display(mp), err)
	}
	if m.Name == "" {
		return fmt.Errorf("n8n package %s: no \"name\"", p.src.display(mp))
	}
	if m.N8N == nil || len(m.N8N.Nodes) == 0 {
		return fmt.Errorf("n8n package %s: no \"n8n.nodes\" list: not an n8n node package", p.src.display(mp))
	}
	p.Name, p.Version = m.Name, m.Version
	p.nodeIdx, p.credIdx = map[string]classFile{}, map[string]classFile{}
	// n8n's own index of class names and files lets one node load alone.
	nk, err1 := p.src.readFile(path.Join(p.dir, "dist/known/nodes.json"))
	ck, err2 := p.src.readFile(path.Join(p.dir, "dist/known/credentials.json"))
	if err1 == nil && err2 == nil {
		var nodes, creds map[string]struct {
			ClassName      string   `json:"className"`
			SourcePath     string   `json:"sourcePath"`
			SupportedNodes []string `json:"supportedNodes"`
		}
		if json.Unmarshal(nk, &nodes) == nil && json.Unmarshal(ck, &creds) == nil {
			for name, e := range nodes {
				p.nodeIdx[name] = classFile{className: e.ClassName, file: path.Join(p.dir, e.SourcePath)}
			}
			for name, e := range creds {
				p.credIdx[name] = classFile{e.ClassName, path.Join(p.dir, e.SourcePath), e.SupportedNodes}
			}
			p.lazy = true
			return nil
		}
	}
	for _, f := range m.N8N.Nodes {
		if _, dup := p.nodeIdx[f]; !dup {
			p.nodeFiles = append(p.nodeFiles, f)
		}
		p.nodeIdx[f] = classFile{className: className(f, ".node.js"), file: path.Join(p.dir, f)}
	}
	for _, f := range m.N8N.Credentials {
		p.credIdx[f] = classFile{className: className(f, ".credentials.js"), file: path.Join(p.dir, f)}
	}
	return nil
}

// className is n8n's rule: a file's class is named like the file.
func className(file, suffix string) string {
	return strings.TrimSuffix(path.Base(file), suffix)
}

// loadAll evaluates every listed node and credential file, keyed then by
// the names their classes declare.
func (p *Package) loadAll(ctx context.Context) error {
	defer p.src.hold()()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, f := range sortedKeys(p.credIdx) {
		c, err := p.evalCredential(ctx, p.credIdx[f])
		if err != nil {
			return err
		}
		if _, dup := p.creds[c.Type.Name]; dup {
			return fmt.Errorf("n8n package %s: credential type %q is defined twice", p.Name, c.Type.Name)
		}
		p.creds[c.Type.Name] = c
	}
	for _, f := range p.nodeFiles {
		n, err := p.evalNode(ctx, p.nodeIdx[f])
		if err != nil {
			return err
		}
		short := strings.TrimPrefix(n.Type, p.Name+".")
		if _, dup := p.nodes[short]; dup {
			return fmt.Errorf("n8n package %s: node type %q is defined twice", p.Name, n.Type)
		}
		p.nodes[short] = n
		p.nodeOrder = append(p.nodeOrder, short)
	}
	p.inferSupportedNodes()
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// NodeNames lists the package's node type names ("<package>.<name>").
func (p *Package) NodeNames() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var names []string
	if p.lazy {
		for k := range p.nodeIdx {
			names = append(names, p.Name+"."+k)
		}
	} else {
		for k := range p.nodes {
			names = append(names, p.Name+"."+k)
		}
	}
	sort.Strings(names)
	return names
}

// Node returns a node type of the package by its n8n type name
// ("n8n-nodes-base.npm") or its name in the package ("npm").
func (p *Package) Node(ctx context.Context, name string) (*Node, error) {
	short := strings.TrimPrefix(name, p.Name+".")
	p.mu.Lock()
	defer p.mu.Unlock()
	if n, ok := p.nodes[short]; ok {
		return n, nil
	}
	cf, ok := p.nodeIdx[short]
	if !p.lazy || !ok {
		return nil, &NotFoundError{Package: p.Name, Kind: "node type", Name: name}
	}
	if p.src.closed() {
		return nil, p.closedError(fmt.Sprintf("loading node type %q", name))
	}
	n, err := p.evalNode(ctx, cf)
	if err != nil {
		return nil, err
	}
	if got := strings.TrimPrefix(n.Type, p.Name+"."); got != short {
		return nil, fmt.Errorf("n8n package %s: %s declares node %q, its index says %q", p.Name, p.src.display(cf.file), got, short)
	}
	p.nodes[short] = n
	return n, nil
}

// Credential returns a credential type of the package by name.
func (p *Package) Credential(ctx context.Context, name string) (*Credential, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.credential(ctx, name)
}

func (p *Package) credential(ctx context.Context, name string) (*Credential, error) {
	if c, ok := p.creds[name]; ok {
		return c, nil
	}
	cf, ok := p.credIdx[name]
	if !p.lazy || !ok {
		return nil, &NotFoundError{Package: p.Name, Kind: "credential type", Name: name}
	}
	if p.src.closed() {
		return nil, p.closedError(fmt.Sprintf("loading credential type %q", name))
	}
	c, err := p.evalCredential(ctx, cf)
	if err != nil {
		return nil, err
	}
	if c.Type.Name != name {
		return nil, fmt.Errorf("n8n package %s: %s declares credential %q, its index says %q", p.Name, p.src.display(cf.file), c.Type.Name, name)
	}
	p.creds[name] = c
	return c, nil
}

// NotFoundError is a node or credential type a package does not have:
// for a credential type's parent, it usually means the type comes from
// n8n or another package, where any other error is the package's fault.
type NotFoundError struct {
	Package string // the package's name
	Kind    string // "node type" or "credential type"
	Name    string // the type asked for
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("n8n package %s has no %s %q", e.Package, e.Kind, e.Name)
}

// NodeType returns a runnable node type for a version of a node (0 for
// the node's default version), with the package's credential types the
// node names, and those they extend, attached. Each call returns a fresh value.
func (p *Package) NodeType(ctx context.Context, name string, version float64) (*runtime.NodeType, error) {
	defer p.src.hold()() // the node and its credentials, one load
	n, err := p.Node(ctx, name)
	if err != nil {
		return nil, err
	}
	d, err := n.Description(version)
	if err != nil {
		return nil, err
	}
	var creds []*node.CredentialType
	p.mu.Lock()
	for _, ref := range d.Credentials {
		if _, ok := p.credIdx[ref.Name]; !ok && p.lazy {
			continue // a credential type another package provides
		}
		c, err := p.credential(ctx, ref.Name)
		if err != nil {
			if !p.lazy {
				continue
			}
			p.mu.Unlock()
			return nil, err
		}
		creds = append(creds, c.Type)
	}
	// The types those extend, which the package provides, come along:
	// their properties (an OAuth2 token URL, a grant type) are part of the
	// credential, as n8n merges them.
	seen := map[string]bool{}
	for _, c := range creds {
		seen[c.Name] = true
	}
	for i := 0; i < len(creds); i++ {
		for _, parent := range creds[i].Extends {
			if seen[parent] {
				continue
			}
			seen[parent] = true
			_, indexed := p.credIdx[parent]
			if _, loaded := p.creds[parent]; !loaded && !(p.lazy && indexed) {
				continue // a base type of n8n's, or another package's
			}
			c, err := p.credential(ctx, parent)
			if err != nil {
				p.mu.Unlock()
				return nil, err
			}
			creds = append(creds, c.Type)
		}
	}
	p.mu.Unlock()
	nt, err := runtime.NewNodeType(d, creds...)
	if err != nil {
		return nil, err
	}
	nt.CredentialTests = p.credentialTestFuncs(name, n)
	return nt, nil
}

// Description returns the description of a version (0 for the default).
// The caller must not modify it.
func (n *Node) Description(version float64) (*node.Description, error) {
	if version == 0 {
		version = n.DefaultVersion
	}
	d, ok := n.descs[version]
	if !ok {
		return nil, fmt.Errorf("node type %s has no typeVersion %v (it has %s)", n.Type, version, versionList(n.Versions))
	}
	return d, nil
}

func versionList(vs []float64) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strings.Join(s, ", ")
}

// instantiate requires a file and constructs its exported class.
func (p *Package) instantiate(ctx context.Context, cf classFile, what string) (*goja.Object, error) {
	var inst *goja.Object
	while := "loading " + what + " " + p.src.display(cf.file)
	err := p.sb.run(ctx, while, func() (err error) {
		exports := p.sb.mods.load(cf.file).ToObject(p.sb.vm)
		ctor := exports.Get(cf.className)
		if ctor == nil || goja.IsUndefined(ctor) {
			return fmt.Errorf("the file exports no class %q (it exports %s)", cf.className, strings.Join(exports.Keys(), ", "))
		}
		inst, err = p.sb.vm.New(ctor)
		return err
	})
	if err != nil {
		return nil, err
	}
	return inst, nil
}

func (p *Package) evalCredential(ctx context.Context, cf classFile) (*Credential, error) {
	defer p.src.hold()()
	inst, err := p.instantiate(ctx, cf, "credential")
	if err != nil {
		return nil, err
	}
	var c *Credential
	err = p.sb.run(ctx, "converting credential "+p.src.display(cf.file), func() (err error) {
		c, err = p.convertCredential(ctx, inst, cf)
		return err
	})
	return c, err
}

// convertCredential runs inside sandbox.run: it reads JavaScript objects.
func (p *Package) convertCredential(ctx context.Context, inst *goja.Object, cf classFile) (*Credential, error) {
	view, err := p.postProcessCredential(inst, cf.file)
	if err != nil {
		return nil, err
	}
	data, fns, err := p.export(ctx, view, "credential "+p.src.display(cf.file), func(string) string { return "" })
	if err != nil {
		return nil, err
	}
	// Methods on the class (authenticate, preAuthentication) are not own
	// properties, so the export did not see them.
	for _, m := range []string{"authenticate", "preAuthentication"} {
		if f := inst.Get(m); f != nil {
			if _, ok := goja.AssertFunction(f); ok && !slices.ContainsFunc(fns, func(x Function) bool { return x.Path == "/"+m }) {
				fns = append(fns, Function{Path: "/" + m, fn: f})
			}
		}
	}
	ct, err := node.DecodeCredentialType(data)
	if err != nil {
		return nil, fmt.Errorf("credential %s: %w", p.src.display(cf.file), err)
	}
	p.attachCredentialCode(ct, fns, inst)
	icon := inst.Get("icon")
	return &Credential{Type: ct, Functions: fns, hasIcon: icon != nil && !goja.IsUndefined(icon) && ct.IconURL == ""}, nil
}

// export converts a JavaScript value to JSON, naming hook functions.
func (p *Package) export(ctx context.Context, v goja.Value, what string, hookName func(ptr string) string) ([]byte, []Function, error) {
	var out []byte
	var fns []Function
	err := p.sb.run(ctx, "converting "+what, func() error {
		res, err := p.sb.export(goja.Undefined(), v, p.sb.vm.ToValue(hookName))
		if err != nil {
			return err
		}
		o := res.ToObject(p.sb.vm)
		out = []byte(o.Get("json").String())
		list := o.Get("functions").Export().([]any)
		for _, e := range list {
			t := e.([]any)
			f := Function{Path: t[0].(string), Hook: t[2].(string), fn: p.sb.vm.ToValue(t[1])}
			f.Kind = hookKind(f.Path, f.Hook)
			fns = append(fns, f)
		}
		return nil
	})
	return out, fns, err
}

func hookKind(ptr, hook string) string {
	if hook == "" {
		return ""
	}
	switch {
	case strings.Contains(ptr, "/preSend/"):
		return "preSend"
	case strings.Contains(ptr, "/postReceive/"):
		return "postReceive"
	}
	return "pagination"
}

// evalNode loads a node class and converts each version's description.
func (p *Package) evalNode(ctx context.Context, cf classFile) (*Node, error) {
	defer p.src.hold()()
	inst, err := p.instantiate(ctx, cf, "node")
	if err != nil {
		return nil, err
	}
	var n *Node
	err = p.sb.run(ctx, "converting node "+p.src.display(cf.file), func() (err error) {
		n, err = p.convertNode(ctx, inst, cf)
		return err
	})
	return n, err
}

// convertNode runs inside sandbox.run: it reads JavaScript objects.
func (p *Package) convertNode(ctx context.Context, inst *goja.Object, cf classFile) (*Node, error) {
	vm := p.sb.vm
	where := p.src.display(cf.file)
	base := inst.Get("description")
	if base == nil || goja.IsUndefined(base) || goja.IsNull(base) {
		return nil, fmt.Errorf("node %s: the class has no description", where)
	}
	baseObj := base.ToObject(vm)
	name := baseObj.Get("name")
	if name == nil || goja.IsUndefined(name) || name.String() == "" {
		return nil, fmt.Errorf("node %s: the description has no name", where)
	}
	n := &Node{Type: p.Name + "." + name.String(), descs: map[float64]*node.Description{}}
	versions := map[float64]*goja.Object{}
	if nv := inst.Get("nodeVersions"); nv != nil && !goja.IsUndefined(nv) && !goja.IsNull(nv) {
		nvo := nv.ToObject(vm)
		for _, k := range nvo.Keys() {
			v, err := strconv.ParseFloat(k, 64)
			if err != nil {
				return nil, fmt.Errorf("node %s: nodeVersions key %q is not a number", where, k)
			}
			versions[v] = nvo.Get(k).ToObject(vm)
		}
		if len(versions) == 0 {
			return nil, fmt.Errorf("node %s: nodeVersions is empty", where)
		}
		if dv := baseObj.Get("defaultVersion"); dv != nil && !goja.IsUndefined(dv) {
			n.DefaultVersion = dv.ToFloat()
		}
	} else {
		var vs []float64
		switch v := baseObj.Get("version").Export().(type) {
		case int64:
			vs = []float64{float64(v)}
		case float64:
			vs = []float64{v}
		case []any:
			for _, x := range v {
				f, ok := toFloat(x)
				if !ok {
					return nil, fmt.Errorf("node %s: description.version holds %v, not a number", where, x)
				}
				vs = append(vs, f)
			}
		case nil:
			vs = []float64{1}
		default:
			return nil, fmt.Errorf("node %s: description.version must be a number or a list of numbers", where)
		}
		for _, v := range vs {
			versions[v] = inst
		}
		if dv := baseObj.Get("defaultVersion"); dv != nil && !goja.IsUndefined(dv) {
			n.DefaultVersion = dv.ToFloat()
		}
	}
	for v := range versions {
		n.Versions = append(n.Versions, v)
	}
	sort.Float64s(n.Versions)
	if n.DefaultVersion == 0 {
		n.DefaultVersion = n.Versions[len(n.Versions)-1]
	}
	if _, ok := versions[n.DefaultVersion]; !ok {
		return nil, fmt.Errorf("node %s: defaultVersion %v is not one of its versions (%s)", where, n.DefaultVersion, versionList(n.Versions))
	}
	codex := p.codex(cf.file)
	for _, v := range n.Versions {
		vi := versions[v]
		dv := vi.Get("description")
		if dv == nil || goja.IsUndefined(dv) || goja.IsNull(dv) {
			return nil, fmt.Errorf("node %s: version %v has no description", where, v)
		}
		vstr := strconv.FormatFloat(v, 'f', -1, 64)
		prefix := n.Type + "@" + vstr + "#"
		data, fns, err := p.export(ctx, p.postProcess(dv.ToObject(vm), cf.file, codex), fmt.Sprintf("node %s version %s", where, vstr), func(ptr string) string { return prefix + ptr })
		if err != nil {
			return nil, err
		}
		d, err := node.DecodeDescription(data)
		if err != nil {
			return nil, fmt.Errorf("node %s version %s: description: %w", where, vstr, err)
		}
		for i := range fns {
			fns[i].Version = v
		}
		n.Functions = append(n.Functions, fns...)
		n.Functions = append(n.Functions, credentialTests(vi, v, prefix)...)
		n.descs[v] = d
	}
	return n, nil
}

// credentialTests lists a node version's methods.credentialTest
// functions, which a credential's testedBy names.
func credentialTests(vi *goja.Object, v float64, prefix string) []Function {
	m, ok := vi.Get("methods").(*goja.Object)
	if !ok {
		return nil
	}
	ct, ok := m.Get("credentialTest").(*goja.Object)
	if !ok {
		return nil
	}
	var out []Function
	for _, name := range ct.Keys() {
		fn := ct.Get(name)
		if _, isFn := goja.AssertFunction(fn); !isFn {
			continue
		}
		ptr := "/methods/credentialTest/" + name
		out = append(out, Function{Version: v, Path: ptr, Hook: prefix + ptr, Kind: credentialTestKind, fn: fn})
	}
	return out
}

func toFloat(x any) (float64, bool) {
	switch v := x.(type) {
	case int64:
		return float64(v), true
	case float64:
		return v, !math.IsNaN(v)
	}
	return 0, false
}
