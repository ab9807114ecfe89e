package schema

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Severity says whether a finding stops a description from loading.
type Severity string

const (
	// SeverityError marks a description that noderun must not run.
	SeverityError Severity = "error"
	// SeverityWarning marks a defect n8n accepts but that misbehaves at run
	// time (the kind of fault n8n's own linter reports).
	SeverityWarning Severity = "warning"
)

// Diagnostic is one finding about a description or credential type.
type Diagnostic struct {
	Severity Severity `json:"severity"`
	// Pointer is the RFC 6901 JSON pointer of the offending value, such as
	// "/properties/37/routing/send/type"; "" is the whole document.
	Pointer string `json:"pointer"`
	// Message says what is wrong and what is allowed.
	Message string `json:"message"`
	// Line and Column (1-based) locate a JSON syntax error in the input;
	// zero when unknown.
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
}

// String formats the diagnostic as "severity at pointer: message".
func (d Diagnostic) String() string {
	where := d.Pointer
	if where == "" {
		where = "(document)"
	}
	if d.Line > 0 {
		where += fmt.Sprintf(" (line %d, column %d)", d.Line, d.Column)
	}
	return fmt.Sprintf("%s at %s: %s", d.Severity, where, d.Message)
}

// Diagnostics is every finding of one validation, sorted by pointer and then
// message, without duplicates. A nil Diagnostics means nothing was found.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Errors returns the error diagnostics.
func (ds Diagnostics) Errors() Diagnostics { return ds.only(SeverityError) }

// Warnings returns the warning diagnostics.
func (ds Diagnostics) Warnings() Diagnostics { return ds.only(SeverityWarning) }

func (ds Diagnostics) only(s Severity) Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// Err returns a *ValidationError holding all of ds when ds has errors, and
// nil otherwise (warnings alone do not make an error).
func (ds Diagnostics) Err() error {
	if !ds.HasErrors() {
		return nil
	}
	return &ValidationError{Diagnostics: ds}
}

// ValidationError is the error form of Diagnostics that contain errors. Use
// errors.As to reach the full list.
type ValidationError struct {
	Diagnostics Diagnostics
}

// Error names the first error and how many more errors there are.
func (e *ValidationError) Error() string {
	errs := e.Diagnostics.Errors()
	if len(errs) == 0 {
		return "schema: invalid"
	}
	msg := "schema: " + errs[0].String()
	if n := len(errs) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more error(s))", n)
	}
	return msg
}

// normalize sorts diagnostics by pointer (array indices numerically), then
// message, then severity, and drops exact duplicates.
func normalize(ds Diagnostics) Diagnostics {
	if len(ds) == 0 {
		return nil
	}
	slices.SortFunc(ds, func(a, b Diagnostic) int {
		if c := comparePointers(a.Pointer, b.Pointer); c != 0 {
			return c
		}
		if c := strings.Compare(a.Message, b.Message); c != 0 {
			return c
		}
		return strings.Compare(string(a.Severity), string(b.Severity))
	})
	return slices.Compact(ds)
}

// comparePointers orders JSON pointers token by token, comparing tokens
// that are both array indices as numbers, so /properties/2 sorts before
// /properties/10.
func comparePointers(a, b string) int {
	for a != "" && b != "" {
		var ta, tb string
		ta, a = nextToken(a)
		tb, b = nextToken(b)
		if ta == tb {
			continue
		}
		na, errA := strconv.Atoi(ta)
		nb, errB := strconv.Atoi(tb)
		if errA == nil && errB == nil {
			if na < nb {
				return -1
			}
			return 1
		}
		return strings.Compare(ta, tb)
	}
	return strings.Compare(a, b)
}

// nextToken splits "/a/b" into "a" and "/b".
func nextToken(p string) (string, string) {
	p = strings.TrimPrefix(p, "/")
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[:i], p[i:]
	}
	return p, ""
}

// path is a JSON pointer under construction: a chain of tokens kept on the
// stack while the checks walk a description, and turned into a string only
// when a diagnostic is reported.
type path struct {
	parent *path
	name   string // object key; used when index < 0
	index  int
}

// rootPath returns the path of the whole document.
func rootPath() path { return path{index: -1} }

// key returns the path of member k of the value at p.
func (p *path) key(k string) path { return path{parent: p, name: k, index: -1} }

// at returns the path of element i of the array at p.
func (p *path) at(i int) path { return path{parent: p, index: i} }

// String renders p as an RFC 6901 pointer, escaping '~' and '/'. It copies
// the tokens into a buffer filled from the end, and keeps no reference to
// p, so paths built on the stack stay there.
func (p *path) String() string {
	n := 0
	for q := p; q != nil && q.parent != nil; q = q.parent {
		n += 1 + q.tokenLen()
	}
	buf := make([]byte, n)
	i := n
	for q := p; q != nil && q.parent != nil; q = q.parent {
		i -= q.tokenLen()
		q.writeToken(buf[i:])
		i--
		buf[i] = '/'
	}
	return string(buf)
}

func (p *path) tokenLen() int {
	if p.index >= 0 {
		var digits [20]byte
		return len(strconv.AppendInt(digits[:0], int64(p.index), 10))
	}
	return len(p.name) + strings.Count(p.name, "~") + strings.Count(p.name, "/")
}

func (p *path) writeToken(dst []byte) {
	if p.index >= 0 {
		strconv.AppendInt(dst[:0], int64(p.index), 10)
		return
	}
	j := 0
	for k := 0; k < len(p.name); k++ {
		switch c := p.name[k]; c {
		case '~':
			dst[j], dst[j+1] = '~', '0'
			j += 2
		case '/':
			dst[j], dst[j+1] = '~', '1'
			j += 2
		default:
			dst[j] = c
			j++
		}
	}
}

func escapeToken(k string) string {
	if !strings.ContainsAny(k, "~/") {
		return k
	}
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}
