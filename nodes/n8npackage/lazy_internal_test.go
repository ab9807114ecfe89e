package n8npackage

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/dop251/goja/parser"
	"github.com/stretchr/testify/require"
)

const tsHelpers = `var __importDefault = (this && this.__importDefault) || function (mod) { return (mod && mod.__esModule) ? mod : { "default": mod }; };
var __importStar = (this && this.__importStar) || function (mod) { return mod; };
`

func TestDeferRequiresChoosesBindings(t *testing.T) {
	tests := []struct {
		name, src string
		deferred  int
	}{
		{"member read in a function", `const a = require("a"); exports.f = () => a.x;`, 1},
		{"read at top level", `const a = require("a"); exports.x = a.x;`, 1},
		{"call, new, argument, optional, bracket", `const a = require("a"); exports.f = () => [a(1), new a.B(a), a?.c, a["d"]];`, 1},
		{"var and let", `var a = require("a"); let b = require("b"); exports.f = () => a.x + b.y;`, 2},
		{"TypeScript helpers", tsHelpers + `const a = __importDefault(require("a")); const b = __importStar(require("b")); exports.f = () => a.default + b.x;`, 2},
		{"helper not TypeScript's", `function __importDefault(m) { return m; } const a = __importDefault(require("a")); exports.f = () => a.x;`, 0},
		{"never read", `const a = require("a");`, 0},
		{"shorthand property", `const a = require("a"); exports.o = () => ({ a });`, 0},
		{"typeof", `const a = require("a"); exports.f = () => typeof a;`, 0},
		{"assigned", `let a = require("a"); exports.f = () => { a = 1; };`, 0},
		{"shadowed by a parameter", `const a = require("a"); exports.f = (a) => a.x;`, 0},
		{"declared twice", `var a = require("a"); var a = require("b"); exports.f = () => a.x;`, 0},
		{"two bindings in one statement", `const a = require("a"), b = 1; exports.f = () => a.x;`, 0},
		{"computed name", `const n = "a"; const a = require(n); exports.f = () => a.x;`, 0},
		{"not at top level", `exports.f = () => { const a = require("a"); return a.x; };`, 0},
		{"file calls eval", `const a = require("a"); exports.f = () => eval("a.x");`, 0},
		{"require declared by the module", `var require = function () {}; const a = require("a"); exports.f = () => a.x;`, 0},
		{"require declared in a pattern", `const { require } = globalThis.x; const a = require("a"); exports.f = () => a.x;`, 0},
		{"require tested", `const a = require("a"); exports.f = () => typeof require === "function" && a.x;`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := moduleHead + tt.src + "\n})"
			a, err := parser.ParseFile(nil, "x.js", text, 0)
			require.NoError(t, err)
			require.Equal(t, tt.deferred, deferRequires(a, text))
		})
	}
}

func TestLiteralSpecs(t *testing.T) {
	src := `const a = require("./a"); const b = require ( 'b/sub' );
import c from "c"; export { d } from './d'; import("e"); import 'f';
x.require("g"); // also in comments: require("h")
require(name); require("bad\\escape"); Buffer.from(data); requirement("no");`
	require.Equal(t, []string{"./a", "b/sub", "c", "./d", "e", "f", "g", "h"}, literalSpecs([]byte(src)))
}

func TestDeclaredNames(t *testing.T) {
	tests := []struct {
		name, json string
		want       []string
		ok         bool
	}{
		{"all three", `{"name":"x","dependencies":{"a":"1","@s/b":"^2"},"optionalDependencies":{"c":"*"},"peerDependencies":{"d":">=1"}}`, []string{"a", "@s/b", "c", "d"}, true},
		{"none", `{"name":"x","main":false}`, nil, true},
		{"empty", `{"dependencies": {} }`, nil, true},
		{"the word as a value", `{"description":"dependencies","dependencies":{"a":"1"}}`, []string{"a"}, true},
		{"escapes", `{"dependencies":{"\u0061":"1"}}`, nil, false},
		{"not strings", `{"dependencies":{"a":{"version":"1"}}}`, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := declaredNames([]byte(tt.json))
			require.Equal(t, tt.ok, ok)
			if ok {
				require.ElementsMatch(t, tt.want, got)
			}
		})
	}
}

func TestPackageOf(t *testing.T) {
	m := &modules{inModules: true}
	require.Equal(t, "n8n-nodes-base", m.packageOf("n8n-nodes-base/dist/nodes/X.node.js"))
	require.Equal(t, "@n8n/di", m.packageOf("@n8n/di/dist/di.js"))
	require.Equal(t, "form-data/node_modules/mime-types", m.packageOf("form-data/node_modules/mime-types/index.js"))
	require.Equal(t, "a/node_modules/@s/b", m.packageOf("a/node_modules/@s/b/lib/x.js"))
	m.inModules = false
	require.Equal(t, ".", m.packageOf("dist/nodes/X.node.js"))
	require.Equal(t, "node_modules/ring-a", m.packageOf("node_modules/ring-a/index.js"))
}

func TestProgramCache(t *testing.T) {
	var c programCache
	a, err := c.compile("/x.js", []byte("exports.a = 1"))
	require.NoError(t, err)
	b, err := c.compile("/x.js", []byte("exports.a = 1"))
	require.NoError(t, err)
	require.Same(t, a, b, "the same name and text compile once")
	d, err := c.compile("/x.js", []byte("exports.a = 2"))
	require.NoError(t, err)
	require.NotSame(t, a, d, "a changed text compiles again")
	_, err = c.compile("/y.js", []byte("exports.a = ("))
	require.Error(t, err)
	var none *programCache
	e, err := none.compile("/x.js", []byte("exports.a = 1"))
	require.NoError(t, err)
	require.NotSame(t, a, e)
}

func TestScannedFilesDroppedAfterLoad(t *testing.T) {
	ctx := context.Background()
	p, err := Load(ctx, filepath.Join("testdata", "lazy"))
	require.NoError(t, err)
	defer p.Close()
	// the cycle check reads the deferred modules' files during the load
	_, err = p.NodeType(ctx, "lazy", 1)
	require.NoError(t, err)
	require.NotEmpty(t, p.sb.mods.deps, "the cycle check scanned files")
	require.Empty(t, p.sb.mods.scanned, "no scanned file is kept once the load is over")
}
