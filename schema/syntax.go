package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"unicode/utf8"

	"github.com/noderun/noderun/node/jsontree"
)

// parseTree decodes raw into a generic JSON tree (map[string]any, []any,
// string, json.Number, bool, nil) as gojsonschema walks it. Malformed input
// yields one error diagnostic that says where parsing stopped.
func parseTree(raw []byte) (any, Diagnostics) {
	if tree, ok := fastTree(raw); ok {
		return tree, nil
	}
	// Slow path: encoding/json words the syntax error and gives its offset.
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	err := dec.Decode(&tree)
	if err == nil {
		// Decode reads one value; anything but white space after it is an
		// error, as for json.Unmarshal and JSON.parse.
		rest := bytes.TrimLeft(raw[dec.InputOffset():], " \t\r\n")
		if len(rest) == 0 {
			return tree, nil
		}
		off := int64(len(raw) - len(rest))
		return nil, Diagnostics{syntaxDiagnostic(raw, off,
			fmt.Sprintf("malformed JSON: unexpected %s after the top-level value; a description file holds exactly one JSON object", describeByte(rest[0])))}
	}
	var syn *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF):
		return nil, Diagnostics{{Severity: SeverityError, Message: "malformed JSON: the input is empty; a description file holds exactly one JSON object"}}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, Diagnostics{syntaxDiagnostic(raw, int64(len(raw)),
			"malformed JSON: the input ends in the middle of a value; close every string, array and object")}
	case errors.As(err, &syn):
		// Offset counts the bytes read including the offending one.
		off := max(syn.Offset-1, 0)
		return nil, Diagnostics{syntaxDiagnostic(raw, off, "malformed JSON: "+syn.Error())}
	default:
		return nil, Diagnostics{{Severity: SeverityError, Message: "malformed JSON: " + err.Error()}}
	}
}

// syntaxDiagnostic locates a syntax error at byte offset off: the line and
// column (in characters), and the pointer of the value being read there.
func syntaxDiagnostic(raw []byte, off int64, msg string) Diagnostic {
	off = min(max(off, 0), int64(len(raw)))
	before := raw[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	col := utf8.RuneCount(before[lineStart:]) + 1
	return Diagnostic{
		Severity: SeverityError,
		Pointer:  pointerAt(raw[:off]),
		Message:  msg,
		Line:     line,
		Column:   col,
	}
}

// pointerAt returns the pointer of the innermost value that prefix (a
// document cut where parsing failed) was in the middle of.
func pointerAt(prefix []byte) string {
	type frame struct {
		array   bool
		index   int    // elements started so far, minus one
		key     string // last key read in an object
		haveKey bool   // key read, its value not finished
	}
	var stack []frame
	startValue := func() {
		if n := len(stack); n > 0 && stack[n-1].array {
			stack[n-1].index++
		}
	}
	endValue := func() {
		if n := len(stack); n > 0 && !stack[n-1].array {
			stack[n-1].haveKey = false
		}
	}
	dec := json.NewDecoder(bytes.NewReader(prefix))
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				startValue()
				stack = append(stack, frame{array: d == '[', index: -1})
			default:
				stack = stack[:len(stack)-1]
				endValue()
			}
			continue
		}
		if n := len(stack); n > 0 && !stack[n-1].array && !stack[n-1].haveKey {
			stack[n-1].key, _ = tok.(string)
			stack[n-1].haveKey = true
			continue
		}
		startValue()
		endValue()
	}
	// Frames below the top are inside the element or member they are
	// reading; the top frame is too only when it read a key whose value is
	// unfinished (an array's unfinished scalar element has no token yet).
	p := rootPath()
	for i := range stack {
		f := stack[i]
		top := i == len(stack)-1
		var next path
		switch {
		case f.array && f.index >= 0 && !top:
			next = p.at(f.index)
		case !f.array && f.haveKey:
			next = p.key(f.key)
		default:
			return p.String()
		}
		// Each element needs its own parent, so copy the path to the heap.
		parent := p
		next.parent = &parent
		p = next
	}
	return p.String()
}

func describeByte(b byte) string {
	if b >= 0x20 && b < 0x7f {
		return fmt.Sprintf("character %q", b)
	}
	return fmt.Sprintf("byte 0x%02x", b)
}

// parsers reuses tree parsers between validations.
var parsers = sync.Pool{New: func() any { return new(jsontree.Parser) }}

// fastTree builds the generic tree the JSON Schema check reads (objects as
// maps, numbers as json.Number) from a strict one-pass parse; it reports
// false for input that is not valid JSON, which the slow path explains.
func fastTree(raw []byte) (any, bool) {
	p := parsers.Get().(*jsontree.Parser)
	defer parsers.Put(p)
	v, err := p.Parse(raw)
	if err != nil {
		return nil, false
	}
	b := treeBuilder{strings: make(map[string]string, 1024)}
	return b.value(v), true
}

// treeBuilder converts a parsed document into the generic tree. A
// description repeats most of its strings (keys, types, parameter names,
// displayOptions values), so each distinct string is allocated once.
type treeBuilder struct {
	strings map[string]string
	number  []byte
}

func (b *treeBuilder) intern(s []byte) string {
	if v, ok := b.strings[string(s)]; ok {
		return v
	}
	v := string(s)
	b.strings[v] = v
	return v
}

func (b *treeBuilder) value(v jsontree.Value) any {
	switch v.Type() {
	case jsontree.TypeObject:
		m := make(map[string]any, v.Len())
		for x := v.First(); x.Exists(); x = x.Next() {
			m[b.intern(x.Key())] = b.value(x)
		}
		return m
	case jsontree.TypeArray:
		out := make([]any, 0, v.Len())
		for x := v.First(); x.Exists(); x = x.Next() {
			out = append(out, b.value(x))
		}
		return out
	case jsontree.TypeString:
		return b.intern(v.StringBytes())
	case jsontree.TypeNumber:
		b.number = v.AppendJSON(b.number[:0])
		return json.Number(b.intern(b.number))
	case jsontree.TypeTrue:
		return true
	case jsontree.TypeFalse:
		return false
	}
	return nil
}
