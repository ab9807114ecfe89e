package n8npackage_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes/n8npackage"
	"github.com/noderun/noderun/runtime"
)

func TestLoadWidgets(t *testing.T) {
	ctx := context.Background()
	pkg, err := n8npackage.Load(ctx, filepath.Join("testdata", "widgets"))
	require.NoError(t, err)
	defer pkg.Close()
	require.Equal(t, "n8n-nodes-widgets", pkg.Name)
	require.Equal(t, []string{"n8n-nodes-widgets.gadget", "n8n-nodes-widgets.widget"}, pkg.NodeNames())

	n, err := pkg.Node(ctx, "n8n-nodes-widgets.widget")
	require.NoError(t, err)
	require.Equal(t, []float64{1, 2}, n.Versions)
	require.Equal(t, 2.0, n.DefaultVersion)

	tests := []struct {
		version    float64
		wantProps  []string
		wantHeader bool
	}{
		{0, []string{"operation", "widgetId", "shape", runtime.RequestOptionsName}, true},
		{2, []string{"operation", "widgetId", "shape", runtime.RequestOptionsName}, true},
		{1, []string{"operation", "widgetId", runtime.RequestOptionsName}, false},
	}
	for _, tt := range tests {
		nt, err := pkg.NodeType(ctx, "widget", tt.version)
		require.NoError(t, err)
		d := nt.Description
		var names []string
		for _, p := range d.Properties {
			names = append(names, p.Name)
		}
		require.Equal(t, tt.wantProps, names, "version %v", tt.version)
		require.Equal(t, tt.wantHeader, d.RequestDefaults.Headers != nil, "version %v", tt.version)
		require.Contains(t, nt.CredentialTypes, "widgetApi")
		// n8n's loader additions
		require.JSONEq(t, `{"light":"icons/n8n-nodes-widgets/dist/nodes/Widget/widget.svg","dark":"icons/n8n-nodes-widgets/dist/nodes/Widget/widget.dark.svg"}`, string(d.IconURL))
		require.Equal(t, "0.3.1", d.CommunityNodePackageVersion)
		require.JSONEq(t, `{"categories":["Development"],"resources":{"primaryDocumentation":[{"url":"https://widgets.example/docs"}]}}`, string(d.Codex))
		ops := d.Properties[0].Choices
		// n8n adds Custom API Call to the default version only (its
		// credential authenticates any request)
		require.Equal(t, tt.version != 1, ops[len(ops)-1].Value == "__CUSTOM_API_CALL__", "version %v", tt.version)
		// functions on routes became hook names
		get := ops[0].Routing
		require.Equal(t, []string{"n8n-nodes-widgets.widget@" + formatV(tt.version) + "#/properties/0/options/0/routing/send/preSend/0"}, get.Send.PreSend)
		require.NotEmpty(t, get.Output.PostReceive[0].Hook)
		require.Equal(t, node.PostReceiveRootProperty, get.Output.PostReceive[1].Type)
		list := ops[1].Routing
		require.NotEmpty(t, list.Operations.Pagination.Hook)
		require.True(t, list.Request.IgnoreHTTPStatusErrors)
		require.Equal(t, []int{401}, list.Request.IgnoreHTTPStatusErrorsExcept)
		// updateDisplayOptions and the locator
		loc := d.Properties[1]
		require.Equal(t, node.PropertyType("resourceLocator"), loc.Type)
		require.Equal(t, []any{"get"}, loc.DisplayOptions.Show["operation"])
		require.NotEmpty(t, loc.Modes)
	}

	kinds := map[string]int{}
	for _, f := range n.Functions {
		kinds[f.Kind]++
	}
	// per version: preSend, postReceive, pagination; v1 also holds
	// methods, which are not in the description.
	require.Equal(t, map[string]int{"preSend": 2, "postReceive": 2, "pagination": 2}, kinds)

	c, err := pkg.Credential(ctx, "widgetApi")
	require.NoError(t, err)
	// inferred as n8n's package loader does
	require.Equal(t, []string{"widget"}, c.Type.SupportedNodes)
	require.Equal(t, "icons/n8n-nodes-widgets/dist/credentials/widget.svg", c.Type.IconURL)
	names := map[string]bool{}
	for _, p := range c.Type.Properties {
		names[p.Name] = true
	}
	require.True(t, names["allowedHttpRequestDomains"] && names["allowedDomains"], "domain restriction fields added")
	require.Equal(t, "generic", c.Type.Authenticate.Type)
	require.Len(t, c.Functions, 1)
	require.Equal(t, "/preAuthentication", c.Functions[0].Path)

	g, err := pkg.NodeType(ctx, "gadget", 0)
	require.NoError(t, err)
	require.JSONEq(t, `"icons/n8n-nodes-widgets/dist/nodes/Gadget/gadget.svg"`, string(g.Description.IconURL))
	_, err = pkg.NodeType(ctx, "widget", 3)
	require.ErrorContains(t, err, "has no typeVersion 3 (it has 1, 2)")
	_, err = pkg.Node(ctx, "nope")
	require.ErrorContains(t, err, `has no node type "nope"`)
}

func formatV(v float64) string {
	if v == 0 || v == 2 {
		return "2"
	}
	return "1"
}

func TestHooksRegister(t *testing.T) {
	ctx := context.Background()
	pkg, err := n8npackage.Load(ctx, filepath.Join("testdata", "widgets"))
	require.NoError(t, err)
	defer pkg.Close()
	var hooks runtime.Hooks
	require.NoError(t, pkg.RegisterHooks(ctx, &hooks))
	// a second package value registering the same names is refused
	err = pkg.RegisterHooks(ctx, &hooks)
	require.ErrorContains(t, err, "already registered")
}

func TestModuleResolution(t *testing.T) {
	ctx := context.Background()
	pkg, err := n8npackage.Load(ctx, filepath.Join("testdata", "widgets"))
	require.NoError(t, err)
	defer pkg.Close()
	nt, err := pkg.NodeType(ctx, "gadget", 1)
	require.NoError(t, err)
	var facts map[string]any
	for _, p := range nt.Description.Properties {
		if p.Name == "kit" {
			require.NoError(t, json.Unmarshal([]byte(p.Default.(string)), &facts))
		}
	}
	sum := sha256.Sum256([]byte("widget"))
	require.Equal(t, map[string]any{
		"shapes": []any{"square", "circle"},    // JSON module, main without extension
		"cycle":  "a sees b, b saw aundefined", // partial exports in a cycle
		"digest": hex.EncodeToString(sum[:]),
		"token":  8.0, "hr": "bigint", "seen": 1.0, "same": true, "timer": true,
	}, facts)
}

func TestDeferredRequires(t *testing.T) {
	ctx := context.Background()
	dir, err := filepath.Abs(filepath.Join("testdata", "lazy"))
	require.NoError(t, err)
	var logs bytes.Buffer
	l := n8npackage.Loader{Logger: zerolog.New(&logs)}
	pkg, err := l.Load(ctx, dir)
	require.NoError(t, err)
	defer pkg.Close()
	nt, err := pkg.NodeType(ctx, "lazy", 1)
	require.NoError(t, err)
	var facts struct {
		AtLoad, After       []string
		Value               float64
		Same                bool
		Def, DefType, Star  string
		Broken, BrokenAgain string
		Evals               float64
		Nested              string
		Plain               []any
		Backref             string
		Kept, Ring          string
		Typed               []any
	}
	for _, p := range nt.Description.Properties {
		if p.Name == "facts" {
			require.NoError(t, json.Unmarshal([]byte(p.Default.(string)), &facts))
		}
	}
	// Loading ran the modules whose require could not wait: never read,
	// read in a shorthand property, in a cycle with a loading module; the
	// others ran at their first read, in that order.
	require.Equal(t, []string{"unused", "shorthand", "ring-a", "ring-b", "Lazy.node.js"}, facts.AtLoad)
	require.Equal(t, append(facts.AtLoad, "heavy", "def", "plain", "star", "broken", "broken", "evals", "inner", "nested", "broken", "backref", "typo"), facts.After)
	require.Equal(t, 42.0, facts.Value)
	require.True(t, facts.Same, "a deferred binding reads the module's own exports")
	require.Equal(t, "default export called", facts.Def)
	require.Equal(t, "function", facts.DefType)
	require.Equal(t, []any{"called", "constructed", "plain", true}, facts.Plain, "called, constructed, read as the function itself")
	require.Equal(t, "star member", facts.Star)
	// An error at a deferred evaluation names the module, its file and the
	// file that required it; like Node's require, the next read tries again.
	brokenJS := filepath.Join(dir, "dist", "nodes", "Lazy", "broken.js")
	nodeJS := filepath.Join(dir, "dist", "nodes", "Lazy", "Lazy.node.js")
	want := `module "./broken" (` + brokenJS + `), required by ` + nodeJS + ` and evaluated at its first use, failed to load: broken at load | cause: broken at load`
	require.Equal(t, want, facts.Broken)
	require.Equal(t, want, facts.BrokenAgain)
	require.Equal(t, []any{"TypeError", true, "TypeError"}, facts.Typed, "a built-in error class is kept")
	require.Equal(t, 7.0, facts.Evals, "a file calling eval keeps its requires")
	// A deferred module failing on one of its own deferred modules: the
	// error names the module at fault, not each one on the way.
	nestedJS := filepath.Join(dir, "dist", "nodes", "Lazy", "nested.js")
	require.Equal(t, `module "./broken" (`+brokenJS+`), required by `+nestedJS+` and evaluated at its first use, failed to load: broken at load`, facts.Nested)
	require.Equal(t, "shorthand", facts.Kept)
	require.Equal(t, "a sees b, b saw aundefined", facts.Ring, "partial exports in a cycle across packages")
	// A require by a computed name closing a cycle is not seen in time:
	// the module sees the finished node file (Node: "undefined"), and the
	// log says so.
	require.Equal(t, "function", facts.Backref)
	require.Contains(t, logs.String(), `module \"./backref\" (`+filepath.Join(dir, "dist", "nodes", "Lazy", "backref.js")+`), whose require in `+nodeJS+` waited for its first use, reached `+nodeJS+`, which was loading when it waited`)

	// A missing module fails the load where it is named, as without deferral.
	_, err = n8npackage.Load(ctx, filepath.Join("testdata", "lazymissing"))
	require.ErrorContains(t, err, `cannot find module "./gone" (required by `+filepath.Join(filepath.Dir(dir), "lazymissing", "dist", "Missing.node.js")+`)`)
}

func TestLimits(t *testing.T) {
	l := n8npackage.Loader{Limits: n8npackage.Limits{Timeout: 2 * time.Second, MaxHeapGrowth: 64 << 20}}
	tests := []struct {
		dir, limit, msg string
	}{
		{"spin", "time", "ran longer than 2s"},
		{"deep", "stack", "call depth limit"},
		{"hog", "heap", "grew the heap by more than 64 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			_, err := l.Load(context.Background(), filepath.Join("testdata", tt.dir))
			var le *n8npackage.LimitError
			require.True(t, errors.As(err, &le), "got %v", err)
			require.Equal(t, tt.limit, le.Limit)
			require.ErrorContains(t, err, tt.msg)
			require.ErrorContains(t, err, "dist/"+capitalize(tt.dir)+".node.js")
		})
	}
	_, err := l.Load(context.Background(), filepath.Join("testdata", "peek"))
	require.ErrorContains(t, err, "fs.readFileSync is not available in the noderun sandbox")
}

func capitalize(s string) string { return string(s[0]-'a'+'A') + s[1:] }

func TestLoadTarball(t *testing.T) {
	tgz := filepath.Join(t.TempDir(), "n8n-nodes-gadget-1.0.0.tgz")
	writeTarball(t, filepath.Join("testdata", "widgets"), tgz, func(rel string) bool {
		return rel == "package.json" || filepath.Dir(rel) == filepath.Join("dist", "nodes", "Gadget")
	})
	_, err := n8npackage.Load(context.Background(), tgz)
	// the archive lists Widget and WidgetApi in package.json but holds only Gadget
	require.ErrorContains(t, err, "reading "+tgz+":dist/credentials/WidgetApi.credentials.js")

	full := filepath.Join(t.TempDir(), "n8n-nodes-widgets-0.3.1.tgz")
	writeTarball(t, filepath.Join("testdata", "widgets"), full, func(string) bool { return true })
	pkg, err := n8npackage.Load(context.Background(), full)
	require.NoError(t, err)
	nt, err := pkg.NodeType(context.Background(), "n8n-nodes-widgets.widget", 1)
	require.NoError(t, err)
	require.Equal(t, "widget", nt.Description.Name)
}

// writeTarball packs dir as npm does (every entry under package/).
func writeTarball(t *testing.T, dir, out string, keep func(rel string) bool) {
	f, err := os.Create(out)
	require.NoError(t, err)
	defer f.Close()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if !keep(rel) {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: "package/" + filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	}))
	require.NoError(t, tw.Close())
	require.NoError(t, gz.Close())
}

// A Package serves concurrent callers: its one JavaScript runtime is
// used by one at a time.
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	pkg, err := n8npackage.Load(ctx, filepath.Join("testdata", "widgets"))
	require.NoError(t, err)
	defer pkg.Close()
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			_, err := pkg.NodeType(ctx, "widget", float64(1+i%2))
			if err == nil {
				_, err = pkg.Credential(ctx, "widgetApi")
			}
			errs <- err
		}()
	}
	for range 8 {
		require.NoError(t, <-errs)
	}
}

// Descriptions that cannot be converted fail with an error saying where.
func TestBadDescriptions(t *testing.T) {
	tests := []struct {
		name, class, want string
	}{
		{"throwing getter", `class Bad { constructor() { this.description = { name: 'bad', version: 1, properties: [], get requestDefaults() { throw new Error('no defaults') } }; } }`,
			"no defaults"},
		{"cycle", `class Bad { constructor() { const p = { name: 'p', type: 'string', default: '' }; p.self = p; this.description = { name: 'bad', version: 1, properties: [p] }; } }`,
			"the description holds itself at /properties/0/self"},
		{"BigInt", `class Bad { constructor() { this.description = { name: 'bad', version: 1, properties: [{ name: 'n', type: 'number', default: 10n }] }; } }`,
			"a BigInt at /properties/0/default cannot be written as JSON"},
		{"no description", `class Bad {}`, "the class has no description"},
		{"no name", `class Bad { constructor() { this.description = { version: 1, properties: [] }; } }`, "the description has no name"},
		{"properties not a list", `class Bad { constructor() { this.description = { name: 'bad', version: 1, properties: 'x' }; } }`,
			"/properties: must be an array of properties"},
		{"bad versions", `class Bad { constructor() { this.description = { name: 'bad', version: ['a'], properties: [] }; } }`,
			"description.version holds a, not a number"},
		{"constructor throws", `class Bad { constructor() { throw new TypeError('nope'); } }`, "TypeError: nope"},
		{"wrong export", `class Other {}`, `the file exports no class "Bad"`},
		{"syntax error", `class Bad {`, "Unexpected token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "package.json"),
				[]byte(`{"name": "n8n-nodes-bad", "version": "1.0.0", "n8n": {"nodes": ["Bad.node.js"]}}`), 0o644))
			src := tt.class + "\nexports." + strings.Fields(strings.TrimPrefix(tt.class, "class "))[0] + " = " + strings.Fields(strings.TrimPrefix(tt.class, "class "))[0] + ";\n"
			if tt.name == "syntax error" {
				src = tt.class
			}
			require.NoError(t, os.WriteFile(filepath.Join(dir, "Bad.node.js"), []byte(src), 0o644))
			_, err := n8npackage.Load(context.Background(), dir)
			require.ErrorContains(t, err, tt.want)
			require.ErrorContains(t, err, "Bad.node.js")
		})
	}
}

// A package installed in node_modules resolves its dependencies there and
// reads nothing above that folder.
func TestInstalledPackageTree(t *testing.T) {
	root := t.TempDir()
	write := func(rel, text string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	write("secret.js", `module.exports = 'secret';`)
	write("node_modules/dep/index.js", `module.exports = { where: __filename };`)
	write("node_modules/@scope/n8n-nodes-tree/package.json",
		`{"name": "@scope/n8n-nodes-tree", "version": "1.0.0", "n8n": {"nodes": ["Tree.node.js"]}}`)
	const node = `exports.Tree = class Tree { constructor() { this.description = { name: 'tree', version: 1,
		requestDefaults: { baseURL: 'https://tree.example' }, properties: [
		{ displayName: 'Dep', name: 'dep', type: 'string', default: require('dep').where }] }; } };`
	write("node_modules/@scope/n8n-nodes-tree/Tree.node.js", node)
	pkg, err := n8npackage.Load(context.Background(), filepath.Join(root, "node_modules", "@scope", "n8n-nodes-tree"))
	require.NoError(t, err)
	nt, err := pkg.NodeType(context.Background(), "@scope/n8n-nodes-tree.tree", 0)
	require.NoError(t, err)
	require.Equal(t, "/node_modules/dep/index.js", nt.Description.Properties[0].Default)
	pkg.Close()

	write("node_modules/@scope/n8n-nodes-tree/Tree.node.js", `require('../../../secret.js');`+node)
	_, err = n8npackage.Load(context.Background(), filepath.Join(root, "node_modules", "@scope", "n8n-nodes-tree"))
	require.ErrorContains(t, err, `cannot require "../../../secret.js"`)
	require.ErrorContains(t, err, "leaves the package's tree")
}

// The safe parts of Node's environment answer as Node does; the rest
// throws when used.
func TestNodeEnvironment(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "package.json"),
		[]byte(`{"name": "n8n-nodes-env", "version": "1.0.0", "n8n": {"nodes": ["Env.node.js"]}}`), 0o644))
	const src = `
const os = require('os'), crypto = require('node:crypto'), path = require('path'), util = require('util');
const { URL } = require('url');
const o = {}; o.__defineGetter__('x', () => 7);
const facts = {
  eol: os.EOL, platform: os.platform(),
  hostname: (() => { try { os.hostname(); return 'read'; } catch (e) { return e.message; } })(),
  env: Object.keys(process.env).length, exit: (() => { try { process.exit(0); } catch (e) { return e.message; } })(),
  fill: crypto.randomFillSync(Buffer.alloc(4)).length,
  hmac: crypto.createHmac('sha256', 'k').update('v').digest('base64'),
  join: path.join('/a/b', '../c', 'd.js'), fmt: util.format('%s=%d %j', 'n', 4, {a: 1}),
  url: new URL('../x?y=1#z', 'https://h.example/a/b').href, getter: o.x,
  b64: Buffer.from('hé').toString('base64'), hex: Buffer.from('00ff', 'hex').length,
  int32: ((b) => { b.writeInt32BE(-2, 0); return b.readInt32BE(0) + ':' + b.readUInt8(0) + ':' + b.readUint16LE(2); })(Buffer.alloc(4)),
  keyword: require('./kw').y, tmpdir: os.tmpdir(), creat: require('fs').constants.O_CREAT,
  readFile: (() => { try { require('fs').readFileSync('/etc/passwd'); } catch (e) { return e.message.slice(0, 15); } })(),
};
exports.Env = class Env { constructor() { this.description = { name: 'env', version: 1, description: 'env',
  requestDefaults: { baseURL: 'https://env.example' },
  properties: [{ displayName: 'F', name: 'f', type: 'hidden', default: JSON.stringify(facts) }] }; } };`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Env.node.js"), []byte(src), 0o644))
	// a member named by a keyword ends the line (goja's parser needs help)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "kw.js"), []byte("const x = { default: 3 };\nexports.y = x.default\nconst z = 1;\n"), 0o644))
	pkg, err := n8npackage.Load(context.Background(), dir)
	require.NoError(t, err)
	nt, err := pkg.NodeType(context.Background(), "env", 0)
	require.NoError(t, err)
	var facts map[string]any
	require.NoError(t, json.Unmarshal([]byte(nt.Description.Properties[0].Default.(string)), &facts))
	mac := hmac.New(sha256.New, []byte("k"))
	mac.Write([]byte("v"))
	require.Equal(t, map[string]any{
		"eol": "\n", "platform": "linux",
		"hostname": "os.hostname is not available in the noderun sandbox (the sandbox gives packages no file, network, process or thread access; required by " + filepath.Join(dir, "Env.node.js") + ")",
		"env":      0.0, "exit": "process.exit is not available in the noderun sandbox", "fill": 4.0,
		"hmac": base64.StdEncoding.EncodeToString(mac.Sum(nil)),
		"join": "/a/c/d.js", "fmt": `n=4 {"a":1}`, "url": "https://h.example/x?y=1#z", "getter": 7.0,
		"b64": base64.StdEncoding.EncodeToString([]byte("hé")), "hex": 2.0,
		"int32": "-2:255:65279", "keyword": 3.0, "tmpdir": "/tmp", "creat": 64.0, "readFile": "fs.readFileSync",
	}, facts)
}
