package expr

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/dop251/goja"
	"github.com/dop251/goja/ast"
	"github.com/dop251/goja/parser"
)

// constructorPattern is n8n's check on the whole expression text: any
// ".constructor" (even in plain text) rejects the expression (E6).
var constructorPattern = regexp.MustCompile(`\.\s*constructor`)

// reservedPrefix names the helpers the engine adds to the code; user code
// may not use identifiers with this prefix (n8n reserves ___n8n_data and
// __sanitize the same way).
const reservedPrefix = "__n8nx_"

// unsafeProperties are the property names n8n's PrototypeSanitizer rejects
// in a member access (packages/workflow/src/utils.ts unsafeObjectProperties).
var unsafeProperties = map[string]bool{
	"__proto__": true, "prototype": true, "constructor": true, "getPrototypeOf": true,
	"setPrototypeOf": true, "getOwnPropertyDescriptor": true, "getOwnPropertyDescriptors": true,
	"defineProperty": true, "defineProperties": true, "mainModule": true, "binding": true,
	"_linkedBinding": true, "_load": true, "prepareStackTrace": true, "__lookupGetter__": true,
	"__lookupSetter__": true, "__defineGetter__": true, "__defineSetter__": true, "caller": true,
	"callee": true, "arguments": true, "getBuiltinModule": true, "dlopen": true, "execve": true,
	"loadEnvFile": true,
}

// extensionMethods are the method names n8n routes through its extension
// dispatcher: a call x.name(...) with one of these names becomes
// extend(x, "name", [...]) whatever the type of x (n8n-workflow 2.41
// EXPRESSION_EXTENSION_METHODS).
var extensionMethods = wordSet(`hash removeMarkdown removeTags toDate toDateTime toBoolean toDecimalNumber toNumber toFloat toInt
		toWholeNumber toSentenceCase toSnakeCase toTitleCase urlDecode urlEncode quote replaceSpecialChars length isDomain isEmail
		isNumeric isUrl isEmpty isNotEmpty toJsonString extractEmail extractDomain extractUrl extractUrlPath parseJson base64Encode
		base64Decode ceil floor format round abs isInteger isEven isOdd removeDuplicates unique first last reverse pluck randomItem
		sum min max average compact smartJoin chunk renameKeys merge mergeIntoObject union difference intersection append hasField
		removeField removeFieldsContaining keepFieldsContaining keys values beginningOf endOfMonth extract isBetween isDst isInLast
		isWeekend minus plus diffTo diffToNow`)

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// jsGlobals are the identifiers that resolve to the JavaScript runtime's own
// globals (n8n's allowlist, E8). Every other free identifier is bound per
// evaluation: an n8n variable, {} for a denylisted global, or undefined.
var jsGlobals = map[string]bool{
	"undefined": true, "NaN": true, "Infinity": true, "Date": true, "DateTime": true, "Duration": true,
	"Interval": true, "Object": true, "Array": true, "Int8Array": true, "Uint8Array": true,
	"Uint8ClampedArray": true, "Int16Array": true, "Uint16Array": true, "Int32Array": true,
	"Uint32Array": true, "Float32Array": true, "Float64Array": true, "BigInt64Array": true,
	"BigUint64Array": true, "Map": true, "WeakMap": true, "Set": true, "WeakSet": true, "Error": true,
	"TypeError": true, "SyntaxError": true, "EvalError": true, "RangeError": true, "ReferenceError": true,
	"URIError": true, "String": true, "RegExp": true, "Math": true, "Number": true, "BigInt": true,
	"isFinite": true, "isNaN": true, "parseFloat": true, "parseInt": true, "JSON": true,
	"ArrayBuffer": true, "DataView": true, "encodeURI": true,
	"encodeURIComponent": true, "decodeURI": true, "decodeURIComponent": true, "Boolean": true,
	"Symbol": true,
}

// deniedGlobals evaluate to an empty object, as in n8n (E8).
var deniedGlobals = map[string]bool{
	"document": true, "global": true, "window": true, "Window": true, "globalThis": true, "self": true,
	"alert": true, "prompt": true, "confirm": true, "eval": true, "uneval": true, "setTimeout": true,
	"setInterval": true, "setImmediate": true, "clearImmediate": true, "queueMicrotask": true,
	"Function": true, "require": true, "module": true, "Buffer": true, "__dirname": true,
	"__filename": true, "fetch": true, "XMLHttpRequest": true, "Promise": true, "Generator": true,
	"GeneratorFunction": true, "AsyncFunction": true, "AsyncGenerator": true,
	"AsyncGeneratorFunction": true, "WebAssembly": true, "Reflect": true, "Proxy": true,
	"escape": true, "unescape": true, "SharedArrayBuffer": true, "Atomics": true, "Intl": true,
}

// dollarError is n8n's DollarSignValidator message.
const dollarError = `Cannot access "$" without calling it as a function`

// codeChunk is one compiled {{ }} segment.
type codeChunk struct {
	// src is the JavaScript function source; prog its compiled form, shared
	// by every runtime. params are the free identifiers it is called with.
	src    string
	prog   *goja.Program
	params []string
	// fast, when set, evaluates the chunk in Go; it reports false when the
	// data is not of the shape it handles, and the JavaScript path runs.
	fast fastFunc
	// constant chunks (literals) need neither.
	isConst  bool
	constVal any
	// valueOnly marks $value and JSON.parse($value): pure functions of $value.
	valueOnly bool
}

// site is a piece of the source that is emitted differently.
type site struct {
	start, end int
	emit       func(r *rewriter) string
	active     bool // being emitted: its own range is emitted as source
}

type rewriter struct {
	src    string
	sites  []site
	names  map[string]bool
	err    *Error
	thisID bool
}

func (r *rewriter) fail(kind Kind, msg string) {
	if r.err == nil {
		r.err = &Error{Kind: kind, Message: msg}
	}
}

// emitRange writes src[start:end) with every site inside it replaced.
func (r *rewriter) emitRange(start, end int) string {
	// goja's end positions overshoot after a non-ASCII identifier.
	end = min(end, len(r.src))
	start = min(max(start, 0), end)
	var b strings.Builder
	pos := start
	for i := range r.sites {
		s := &r.sites[i]
		if !s.active && s.start >= pos && s.end <= end {
			b.WriteString(r.src[pos:s.start])
			s.active = true
			b.WriteString(s.emit(r))
			s.active = false
			pos = s.end
		}
	}
	b.WriteString(r.src[pos:end])
	return b.String()
}

func (r *rewriter) emitNode(n ast.Node) string {
	return r.emitRange(int(n.Idx0())-1, int(n.Idx1())-1)
}

// compileCode parses one code segment and builds its chunk.
func compileCode(code string) (*codeChunk, *Error) {
	src := code
	if strings.HasPrefix(strings.TrimLeft(code, " \t\r\n"), "{") {
		src = "(" + code + ")" // n8n parses a leading { as an object literal
	}
	prog, perr := parser.ParseFile(nil, "", src, 0)
	if perr != nil || len(prog.Body) == 0 {
		return nil, syntaxError(perr)
	}
	// n8n evaluates the first statement only, and it must be an expression.
	st, ok := prog.Body[0].(*ast.ExpressionStatement)
	if !ok {
		return nil, syntaxError(nil)
	}
	r := &rewriter{src: src, names: map[string]bool{}}
	r.walk(st.Expression, nil, "")
	if r.err != nil {
		return nil, r.err
	}
	c := &codeChunk{}
	c.constVal, c.isConst = literalValue(st.Expression)
	if !c.isConst {
		c.fast = fastPathFor(st.Expression)
		c.valueOnly = isValueOnly(st.Expression)
	}
	sort.Slice(r.sites, func(i, j int) bool {
		if r.sites[i].start != r.sites[j].start {
			return r.sites[i].start < r.sites[j].start
		}
		return r.sites[i].end > r.sites[j].end
	})
	// goja's node ranges leave out enclosing parentheses, so the statement
	// is taken from the start of the source to its end (the next statement,
	// or the end of the text, less a trailing ";").
	end := len(src)
	if len(prog.Body) > 1 {
		end = int(prog.Body[1].Idx0()) - 1
	}
	body := strings.TrimRight(r.emitRange(0, end), " \t\r\n;")
	for n := range r.names {
		if !jsGlobals[n] {
			c.params = append(c.params, n)
		}
	}
	if r.thisID {
		c.params = append(c.params, reservedPrefix+"this")
	}
	sort.Strings(c.params)
	c.src = "(function(" + strings.Join(c.params, ", ") + ") {\nreturn (\n" + body + "\n);\n})"
	p, err := goja.Compile("expression", c.src, false)
	if err != nil {
		// A comment after a trailing ";" defeats the trimming above: fall
		// back to the expression's own range.
		c.src = "(function(" + strings.Join(c.params, ", ") + ") {\nreturn (\n" + r.emitNode(st.Expression) + "\n);\n})"
		if p, err = goja.Compile("expression", c.src, false); err != nil {
			return nil, syntaxError(err)
		}
	}
	c.prog = p
	return c, nil
}

func syntaxError(cause error) *Error {
	return &Error{Kind: KindSyntax, Message: "invalid syntax", Cause: cause}
}

// walk visits every node, collecting free identifiers, rewrite sites and
// the errors n8n's sandbox hooks raise while it builds the code.
func (r *rewriter) walk(n ast.Node, parent ast.Node, field string) {
	if n == nil || r.err != nil {
		return
	}
	if v := reflect.ValueOf(n); v.Kind() == reflect.Ptr && v.IsNil() {
		return
	}
	switch t := n.(type) {
	case *ast.Identifier:
		r.identifier(t, parent, field)
		return
	case *ast.DotExpression:
		name := t.Identifier.Name.String()
		if unsafeProperties[name] {
			r.fail(KindReference, fmt.Sprintf("Cannot access %q due to security concerns", name))
			return
		}
		if _, ok := parent.(*ast.CallExpression); ok && field == "Callee" && extensionMethods[name] {
			r.extensionSite(t)
		}
		r.walk(t.Left, t, "Left")
		return
	case *ast.PrivateDotExpression:
		r.walk(t.Left, t, "Left")
		return
	case *ast.BracketExpression:
		switch m := t.Member.(type) {
		case *ast.StringLiteral:
			if unsafeProperties[string(m.Value)] {
				r.fail(KindReference, fmt.Sprintf("Cannot access %q due to security concerns", string(m.Value)))
				return
			}
		case *ast.NumberLiteral:
		default:
			// The brackets' interior, which holds the member with its parentheses.
			from, to := int(t.LeftBracket), int(t.RightBracket)-1
			r.sites = append(r.sites, site{start: from, end: to,
				emit: func(r *rewriter) string { return reservedPrefix + "san(" + r.emitRange(from, to) + ")" }})
		}
		r.walk(t.Left, t, "Left")
		r.walk(t.Member, t, "Member")
		return
	case *ast.CallExpression:
		if id, ok := t.Callee.(*ast.Identifier); ok && id.Name == "$if" && !hasSpread(t.ArgumentList) {
			if len(t.ArgumentList) < 2 {
				// n8n's extension transform fails, and reports it so.
				r.fail(KindSyntax, "invalid syntax")
				return
			}
			args := t.ArgumentList
			// Argument ranges run from comma to comma: goja's node ranges
			// leave out an argument's own parentheses.
			bounds := []int{int(t.LeftParenthesis)}
			for i := 0; i+1 < len(args); i++ {
				// The comma is the last one before the next argument: an
				// argument's end position is unreliable (goja counts a
				// non-ASCII identifier in UTF-16).
				from, to := bounds[len(bounds)-1], int(args[i+1].Idx0())-1
				comma := -1
				if from >= 0 && from <= to && to <= len(r.src) {
					comma = strings.LastIndexByte(r.src[from:to], ',')
				}
				if comma < 0 {
					r.fail(KindSyntax, "invalid syntax")
					return
				}
				bounds = append(bounds, from+comma+1)
			}
			bounds = append(bounds, int(t.RightParenthesis))
			arg := func(i int) string {
				text := strings.TrimSpace(r.emitRange(bounds[i], bounds[i+1]-1))
				return "(" + strings.TrimSuffix(text, ",") + ")"
			}
			r.sites = append(r.sites, site{start: int(t.Idx0()) - 1, end: int(t.Idx1()) - 1,
				emit: func(r *rewriter) string {
					alt := "false"
					if len(args) > 2 {
						alt = arg(2)
					}
					return "(" + arg(0) + " ? " + arg(1) + " : " + alt + ")"
				}})
			for _, a := range args {
				r.walk(a, t, "ArgumentList")
			}
			return
		}
	case *ast.ThisExpression:
		r.thisID = true
		r.sites = append(r.sites, site{start: int(t.Idx0()) - 1, end: int(t.Idx1()) - 1,
			emit: func(*rewriter) string { return reservedPrefix + "this" }})
		return
	case *ast.PropertyKeyed:
		if t.Computed {
			r.walk(t.Key, t, "Key")
		}
		r.walk(t.Value, t, "Value")
		return
	case *ast.ObjectPattern:
		if !r.checkPattern(t) {
			return
		}
	case *ast.WithStatement:
		// with (f) { constructor } reads f.constructor without a member
		// expression the checks above could see.
		r.fail(KindReference, `Cannot use "with" statements due to security concerns`)
		return
	case *ast.ClassLiteral:
		if !r.checkSuperClass(t.SuperClass) {
			return
		}
	case *ast.MetaProperty:
		return
	}
	r.walkChildren(n)
}

func hasSpread(args []ast.Expression) bool {
	for _, a := range args {
		if _, ok := a.(*ast.SpreadElement); ok {
			return true
		}
	}
	return false
}

// walkChildren visits the node's fields generically.
func (r *rewriter) walkChildren(n ast.Node) {
	v := reflect.ValueOf(n)
	if v.Kind() == reflect.Ptr {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return
	}
	t := v.Type()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		name := t.Field(i).Name
		r.walkValue(f, n, name)
	}
}

var nodeType = reflect.TypeOf((*ast.Node)(nil)).Elem()

func (r *rewriter) walkValue(f reflect.Value, parent ast.Node, name string) {
	switch f.Kind() {
	case reflect.Interface, reflect.Ptr:
		if f.IsNil() {
			return
		}
		if nn, ok := f.Interface().(ast.Node); ok {
			r.walk(nn, parent, name)
		}
	case reflect.Struct:
		if f.CanAddr() && reflect.PointerTo(f.Type()).Implements(nodeType) {
			r.walk(f.Addr().Interface().(ast.Node), parent, name)
		}
	case reflect.Slice:
		for j := 0; j < f.Len(); j++ {
			r.walkValue(f.Index(j), parent, name)
		}
	}
}

func (r *rewriter) identifier(id *ast.Identifier, parent ast.Node, field string) {
	name := id.Name.String()
	if strings.HasPrefix(name, reservedPrefix) {
		r.fail(KindReference, fmt.Sprintf("Cannot use %q due to security concerns", name))
		return
	}
	if name == "$" {
		if _, ok := parent.(*ast.CallExpression); !ok || field != "Callee" {
			r.fail(KindReference, dollarError)
			return
		}
	}
	r.names[name] = true
}

// extensionSite rewrites x.name (the callee of a call) into
// x[__n8nx_S.name], a symbol-keyed method every value inherits that routes
// to the extension dispatcher. Optional chains (x?.name()) keep working
// natively because the call stays a member call in the same chain.
func (r *rewriter) extensionSite(d *ast.DotExpression) {
	name := d.Identifier.Name.String()
	idStart := int(d.Identifier.Idx) - 1
	idEnd := idStart + len(name)
	if idStart < 0 || idEnd > len(r.src) || r.src[idStart:idEnd] != name {
		return // the name is spelt with escapes: leave the call native
	}
	q := idStart - 1
	for q >= 0 && strings.ContainsRune(" \t\r\n", rune(r.src[q])) {
		q--
	}
	if q < 0 || r.src[q] != '.' {
		return // a comment between the dot and the name: leave the call native
	}
	start := q
	if q > 0 && r.src[q-1] == '?' {
		start = q + 1 // keep "?." and index after it: x?.[sym]
	}
	r.sites = append(r.sites, site{start: start, end: idEnd,
		emit: func(*rewriter) string { return "[" + reservedPrefix + "S." + name + "]" }})
}

// literalValue returns the value of a literal expression.
func literalValue(e ast.Expression) (any, bool) {
	switch t := e.(type) {
	case *ast.StringLiteral:
		return t.Value.String(), true
	case *ast.NumberLiteral:
		switch n := t.Value.(type) {
		case int64:
			return float64(n), true
		case float64:
			return n, true
		}
	case *ast.BooleanLiteral:
		return t.Value, true
	case *ast.NullLiteral:
		return nil, true
	case *ast.UnaryExpression:
		if t.Operator.String() == "-" && !t.Postfix {
			if v, ok := literalValue(t.Operand); ok {
				if f, ok := v.(float64); ok && f != 0 {
					return -f, true
				}
			}
		}
	}
	return nil, false
}
