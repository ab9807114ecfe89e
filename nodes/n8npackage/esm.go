package n8npackage

import (
	"reflect"
	"sort"

	"fmt"
	"github.com/dop251/goja/ast"
	"regexp"
	"strings"
)

// Node 24 lets CommonJS require an ES module, and some dependencies of
// n8n packages ship only that (change-case 5). goja compiles scripts, not
// modules, so an ES module whose imports and exports are top-level
// statements of the usual forms is rewritten into CommonJS; anything else
// (import.meta, dynamic import, top-level await) stays a compile error.

var (
	esmLine       = regexp.MustCompile(`(?m)^[ \t]*(export|import)\b`)
	esmDecl       = regexp.MustCompile(`^export\s+((?:async\s+)?function\*?|class|const|let|var)\s+([A-Za-z_$][\w$]*)`)
	esmDefault    = regexp.MustCompile(`^export\s+default\s+`)
	esmListFrom   = regexp.MustCompile(`^export\s*\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]\s*;?`)
	esmList       = regexp.MustCompile(`^export\s*\{([^}]*)\}\s*;?`)
	esmStarFrom   = regexp.MustCompile(`^export\s*\*\s*from\s*['"]([^'"]+)['"]\s*;?`)
	esmStarAs     = regexp.MustCompile(`^export\s*\*\s*as\s+([A-Za-z_$][\w$]*)\s*from\s*['"]([^'"]+)['"]\s*;?`)
	esmImportDef  = regexp.MustCompile(`^import\s+([A-Za-z_$][\w$]*)\s*(?:,\s*\{([^}]*)\})?\s*from\s*['"]([^'"]+)['"]\s*;?`)
	esmImportList = regexp.MustCompile(`^import\s*\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]\s*;?`)
	esmImportNS   = regexp.MustCompile(`^import\s*\*\s*as\s+([A-Za-z_$][\w$]*)\s*from\s*['"]([^'"]+)['"]\s*;?`)
	esmImportBare = regexp.MustCompile(`^import\s*['"]([^'"]+)['"]\s*;?`)
)

func looksLikeESM(src string) bool { return esmLine.MatchString(src) }

// esmToCommonJS rewrites an ES module's import and export statements.
func esmToCommonJS(src string) (string, error) {
	lines := joinBraces(strings.Split(src, "\n"))
	var tail []string
	for i, raw := range lines {
		line := strings.TrimLeft(raw, " \t")
		if !strings.HasPrefix(line, "export") && !strings.HasPrefix(line, "import") {
			continue
		}
		switch {
		case esmDecl.MatchString(line):
			m := esmDecl.FindStringSubmatch(line)
			lines[i] = strings.TrimPrefix(line, "export ")
			tail = append(tail, fmt.Sprintf("exports[%q] = %s;", m[2], m[2]))
		case esmDefault.MatchString(line):
			lines[i] = esmDefault.ReplaceAllString(line, "exports.default = ")
		case esmListFrom.MatchString(line):
			m := esmListFrom.FindStringSubmatch(line)
			var b strings.Builder
			fmt.Fprintf(&b, "{ const __m = require(%q);", m[2])
			for _, pr := range pairs(m[1]) {
				local, exported := pr[0], pr[1]
				fmt.Fprintf(&b, " Object.defineProperty(exports, %q, { enumerable: true, get: () => __m[%q] });", exported, local)
			}
			lines[i] = b.String() + " }" + line[len(m[0]):]
		case esmList.MatchString(line):
			m := esmList.FindStringSubmatch(line)
			for _, pr := range pairs(m[1]) {
				local, exported := pr[0], pr[1]
				tail = append(tail, fmt.Sprintf("exports[%q] = %s;", exported, local))
			}
			lines[i] = line[len(m[0]):]
		case esmStarAs.MatchString(line):
			m := esmStarAs.FindStringSubmatch(line)
			lines[i] = fmt.Sprintf("exports[%q] = require(%q);", m[1], m[2]) + line[len(m[0]):]
		case esmStarFrom.MatchString(line):
			m := esmStarFrom.FindStringSubmatch(line)
			lines[i] = fmt.Sprintf("{ const __m = require(%q); for (const k of Object.keys(__m)) if (k !== 'default') Object.defineProperty(exports, k, { enumerable: true, get: () => __m[k] }); }", m[1]) + line[len(m[0]):]
		case esmImportNS.MatchString(line):
			m := esmImportNS.FindStringSubmatch(line)
			lines[i] = fmt.Sprintf("const %s = require(%q);", m[1], m[2]) + line[len(m[0]):]
		case esmImportDef.MatchString(line):
			m := esmImportDef.FindStringSubmatch(line)
			s := fmt.Sprintf("const __d_%s = require(%q); const %s = __d_%s && __d_%s.__esModule ? __d_%s.default : __d_%s;", m[1], m[3], m[1], m[1], m[1], m[1], m[1])
			if m[2] != "" {
				s += fmt.Sprintf(" const {%s} = __d_%s;", destructure(m[2]), m[1])
			}
			lines[i] = s + line[len(m[0]):]
		case esmImportList.MatchString(line):
			m := esmImportList.FindStringSubmatch(line)
			lines[i] = fmt.Sprintf("const {%s} = require(%q);", destructure(m[1]), m[2]) + line[len(m[0]):]
		case esmImportBare.MatchString(line):
			m := esmImportBare.FindStringSubmatch(line)
			lines[i] = fmt.Sprintf("require(%q);", m[1]) + line[len(m[0]):]
		case strings.HasPrefix(line, "import(") || strings.HasPrefix(line, "import."):
			continue
		default:
			return "", fmt.Errorf("line %d: an ES module statement noderun cannot rewrite: %.80s", i+1, line)
		}
	}
	return "Object.defineProperty(exports, '__esModule', { value: true });\n" + strings.Join(lines, "\n") + "\n" + strings.Join(tail, "\n"), nil
}

// joinBraces puts an import or export statement whose {list} spans
// lines on its first line, leaving the others empty (line numbers stay).
func joinBraces(lines []string) []string {
	for i := 0; i < len(lines); i++ {
		l := strings.TrimLeft(lines[i], " \t")
		if !(strings.HasPrefix(l, "export") || strings.HasPrefix(l, "import")) || !strings.Contains(l, "{") || strings.Contains(l, "}") {
			continue
		}
		if esmDecl.MatchString(l) {
			continue
		}
		for j := i + 1; j < len(lines); j++ {
			lines[i] += " " + strings.TrimSpace(lines[j])
			lines[j] = ""
			if strings.Contains(lines[i], "}") {
				break
			}
		}
	}
	return lines
}

// pairs splits "a, b as c" into (local, exported) pairs.
func pairs(list string) [][2]string {
	var out [][2]string
	for _, part := range strings.Split(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		local, exported, ok := strings.Cut(part, " as ")
		local = strings.TrimSpace(local)
		if !ok {
			exported = local
		}
		out = append(out, [2]string{local, strings.TrimSpace(exported)})
	}
	return out
}

// destructure turns an import list "a, b as c" into "a, b: c".
func destructure(list string) string {
	var out []string
	for _, pr := range pairs(list) {
		local, exported := pr[0], pr[1]
		// in an import list, "x as y" binds y to the export x
		if local == exported {
			out = append(out, local)
		} else {
			out = append(out, local+": "+exported)
		}
	}
	return strings.Join(out, ", ")
}

var (
	dynamicImportRe = regexp.MustCompile(`(^|[^\w$.])import\s*\(`)
	forAwaitRe      = regexp.MustCompile(`\bfor\s+await\s*\(\s*(const|let|var)\s+([^;]+?)\s+of\s+`)
)

// rewriteUnsupported rewrites two forms goja does not parse: a dynamic
// import(x), which becomes a promise of require(x), and
// `for await (const x of y)`, which becomes a loop over the values of y
// collected first (the body then runs after the last value arrived, not
// between them). changed is false when neither form occurs.
func rewriteUnsupported(src string) (string, bool) {
	out := dynamicImportRe.ReplaceAllString(src, "${1}__noderun_import(")
	out = forAwaitRe.ReplaceAllString(out, "for ($1 $2 of await __noderun_collect(")
	if out == src {
		return src, false
	}
	// close the added call: the iterable expression ends at the loop's ')'
	return closeCollect(out), true
}

// closeCollect adds the ')' that ends each __noderun_collect( call, at
// the parenthesis that closes the for-of header.
func closeCollect(s string) string {
	const marker = "__noderun_collect("
	var b strings.Builder
	for {
		i := strings.Index(s, marker)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i+len(marker)])
		s = s[i+len(marker):]
		depth := 0
		j := 0
		for ; j < len(s); j++ {
			if s[j] == '(' {
				depth++
			} else if s[j] == ')' {
				if depth == 0 {
					break
				}
				depth--
			}
		}
		b.WriteString(s[:j])
		b.WriteString(")")
		s = s[j:]
	}
}

// stubAsyncGenerators rewrites every async generator function in text
// (parsed as a) into an async function whose body throws, naming where it
// was: goja cannot compile async generators, and a module that only
// defines one (get-intrinsic takes the constructor of an empty one, axios
// defines one for streamed responses) then loads; calling it fails.
func stubAsyncGenerators(text string, a *ast.Program) (string, int) {
	type edit struct {
		from, to int
		with     string
	}
	var edits []edit
	seen := map[*ast.FunctionLiteral]bool{} // the tree may list a function twice
	var visit func(v reflect.Value)
	visit = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if v.IsNil() {
				return
			}
			if fl, ok := v.Interface().(*ast.FunctionLiteral); ok && fl.Async && fl.Generator && fl.Body != nil && fl.ParameterList != nil {
				if seen[fl] {
					return
				}
				seen[fl] = true
				head := int(fl.Function) - 1
				open := int(fl.ParameterList.Opening) - 1
				if star := strings.IndexByte(text[head:open], '*'); head >= 0 && star >= 0 {
					line := 1 + strings.Count(text[:head], "\n")
					edits = append(edits,
						edit{head + star, head + star + 1, " "},
						edit{int(fl.Body.LeftBrace) - 1, int(fl.Body.RightBrace), fmt.Sprintf(
							"{ throw new Error('async generator functions are not supported by the noderun sandbox (line %d)'); }", line)})
				}
				return // nested ones go with the body
			}
			visit(v.Elem())
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					visit(v.Field(i))
				}
			}
		case reflect.Slice:
			for i := 0; i < v.Len(); i++ {
				visit(v.Index(i))
			}
		}
	}
	visit(reflect.ValueOf(a))
	sort.Slice(edits, func(i, j int) bool { return edits[i].from > edits[j].from })
	for _, e := range edits {
		text = text[:e.from] + e.with + text[e.to:]
	}
	return text, len(edits) / 2
}
