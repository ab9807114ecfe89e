package jsontree

// The tree exists for node descriptions, which are large (Chatwoot's is 298 KB,
// 15,000 values), read once and validated every time. The tree holds no
// pointers: a Parser reused for the next document only truncates it, where
// a parser with pointers must clear every value first, and the collector
// never scans it. Strictness is checked in the same pass as the parse.

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Type is the JSON type of a value.
type Type uint8

// The JSON types. The zero Type is that of a Value that does not exist.
const (
	TypeNone Type = iota
	TypeNull
	TypeFalse
	TypeTrue
	TypeNumber
	TypeString
	TypeArray
	TypeObject
)

// MaxDepth is how deeply arrays and objects may nest.
const MaxDepth = 1000

// node is one value. Offsets are into the source, or, for a string or key
// with escapes, into the parser's buffer of unescaped text.
type node struct {
	typ   Type
	flags uint8
	// next is the index of the following member or element; 0 ends the
	// list (the root, index 0, is nobody's sibling).
	next uint32
	n    uint32 // members or elements
	// start and end bound the value's text: a string's content without
	// its quotes (unescaped when flags&escaped), anything else whole.
	start, end   uint32
	kstart, kend uint32 // the member's key, as start and end
}

const (
	escaped    uint8 = 1 << iota // the string's text is in buf
	keyEscaped                   // the key's text is in buf
)

// Parser parses documents. Its zero value is ready to use; reusing one
// reuses its memory. A Value stays valid until the Parser's next Parse.
// A parsed tree may be read by many goroutines at once.
type Parser struct {
	src   []byte
	nodes []node
	buf   []byte
	depth int
}

// SyntaxError is input that is not strict JSON. Offset is the byte at
// which the parser gave up.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s at offset %d", e.Msg, e.Offset)
}

// Parse parses data, which must be UTF-8 (invalid sequences are kept as
// they are), and returns its root. data is not copied: it must not change
// while the tree is in use.
func (p *Parser) Parse(data []byte) (Value, error) {
	if len(data) > 1<<32-2 {
		return Value{}, &SyntaxError{Msg: "document larger than 4 GB"}
	}
	p.src = data
	p.nodes = p.nodes[:0]
	p.buf = p.buf[:0]
	p.depth = 0
	i, err := p.value(p.skip(0))
	if err == nil {
		if i = p.skip(i); i < len(data) {
			err = p.fail(i, "after the top-level value")
		}
	}
	if err != nil {
		p.nodes = p.nodes[:0]
		return Value{}, err
	}
	return Value{p, 0}, nil
}

// skip returns the index of the first byte at or after i that is not
// JSON white space.
func (p *Parser) skip(i int) int {
	if i < len(p.src) && p.src[i] > ' ' {
		return i // small enough to inline: most calls find no white space
	}
	return p.skipSpace(i)
}

func (p *Parser) skipSpace(i int) int {
	s := p.src
	if i+1 < len(s) && s[i] == ' ' && s[i+1] > ' ' {
		return i + 1 // the space after a colon
	}
	for i < len(s) {
		switch s[i] {
		case ' ':
			// Indentation: the spaces of eight bytes at a time.
			if i+8 <= len(s) {
				if x := binary.LittleEndian.Uint64(s[i:]) ^ spaces; x != 0 {
					i += bits.TrailingZeros64(x) / 8
				} else {
					i += 8
				}
				continue
			}
			i++
		case '\n', '\r', '\t':
			i++
		default:
			return i
		}
	}
	return i
}

// fail words an unexpected byte at i, or the end of the input.
func (p *Parser) fail(i int, context string) error {
	if i >= len(p.src) {
		return &SyntaxError{Offset: len(p.src), Msg: "unexpected end of JSON input"}
	}
	return &SyntaxError{Offset: i, Msg: fmt.Sprintf("invalid character %s %s", quoteByte(p.src[i]), context)}
}

func quoteByte(c byte) string {
	if c < utf8.RuneSelf && strconv.IsPrint(rune(c)) {
		return "'" + string(c) + "'"
	}
	return fmt.Sprintf("0x%02X", c)
}

// add appends a node of type t starting at i and returns its index.
func (p *Parser) add(t Type, i int) uint32 {
	p.nodes = append(p.nodes, node{typ: t, start: uint32(i)})
	return uint32(len(p.nodes) - 1)
}

// value parses the value at i (white space skipped) into a new node and
// returns the index after it.
func (p *Parser) value(i int) (int, error) {
	s := p.src
	if i >= len(s) {
		return i, p.fail(i, "")
	}
	switch c := s[i]; {
	case c == '{':
		return p.object(i)
	case c == '[':
		return p.array(i)
	case c == '"':
		k := p.add(TypeString, i+1)
		end, esc, err := p.str(i + 1)
		if err != nil {
			return end, err
		}
		nd := &p.nodes[k]
		if esc {
			b := len(p.buf)
			p.buf = unescape(p.buf, s[i+1:end])
			nd.flags |= escaped
			nd.start, nd.end = uint32(b), uint32(len(p.buf))
		} else {
			nd.end = uint32(end)
		}
		return end + 1, nil
	case c == '-' || '0' <= c && c <= '9':
		end, err := p.number(i)
		if err != nil {
			return end, err
		}
		k := p.add(TypeNumber, i)
		p.nodes[k].end = uint32(end)
		return end, nil
	case c == 't':
		return p.literal(i, "true", TypeTrue)
	case c == 'f':
		return p.literal(i, "false", TypeFalse)
	case c == 'n':
		return p.literal(i, "null", TypeNull)
	}
	return i, p.fail(i, "looking for beginning of value")
}

func (p *Parser) literal(i int, word string, t Type) (int, error) {
	s := p.src
	for j := 1; j < len(word); j++ {
		if i+j >= len(s) || s[i+j] != word[j] {
			return i + j, p.fail(i+j, "in literal "+word)
		}
	}
	k := p.add(t, i)
	p.nodes[k].end = uint32(i + len(word))
	return i + len(word), nil
}

func (p *Parser) object(i int) (int, error) {
	if p.depth++; p.depth > MaxDepth {
		return i, &SyntaxError{Offset: i, Msg: fmt.Sprintf("nesting deeper than %d", MaxDepth)}
	}
	k := p.add(TypeObject, i)
	s := p.src
	i = p.skip(i + 1)
	if i < len(s) && s[i] == '}' {
		p.nodes[k].end = uint32(i + 1)
		p.depth--
		return i + 1, nil
	}
	prev, n := uint32(0), uint32(0)
	for {
		if i >= len(s) || s[i] != '"' {
			return i, p.fail(i, "looking for beginning of object key string")
		}
		kend, kesc, err := p.str(i + 1)
		if err != nil {
			return kend, err
		}
		kstart := i + 1
		i = p.skip(kend + 1)
		if i >= len(s) || s[i] != ':' {
			return i, p.fail(i, "after object key")
		}
		m := uint32(len(p.nodes))
		if i, err = p.value(p.skip(i + 1)); err != nil {
			return i, err
		}
		nd := &p.nodes[m]
		if kesc {
			b := len(p.buf)
			p.buf = unescape(p.buf, s[kstart:kend])
			nd.flags |= keyEscaped
			nd.kstart, nd.kend = uint32(b), uint32(len(p.buf))
		} else {
			nd.kstart, nd.kend = uint32(kstart), uint32(kend)
		}
		if n > 0 {
			p.nodes[prev].next = m
		}
		prev = m
		n++
		i = p.skip(i)
		if i < len(s) && s[i] == ',' {
			i = p.skip(i + 1)
			continue
		}
		if i < len(s) && s[i] == '}' {
			p.nodes[k].n = n
			p.nodes[k].end = uint32(i + 1)
			p.depth--
			return i + 1, nil
		}
		return i, p.fail(i, "after object key:value pair")
	}
}

// array repeats object's loop on purpose: one loop for both, with the
// key parsed in a call of its own, made the whole parse 30% slower.
func (p *Parser) array(i int) (int, error) {
	if p.depth++; p.depth > MaxDepth {
		return i, &SyntaxError{Offset: i, Msg: fmt.Sprintf("nesting deeper than %d", MaxDepth)}
	}
	k := p.add(TypeArray, i)
	s := p.src
	i = p.skip(i + 1)
	if i < len(s) && s[i] == ']' {
		p.nodes[k].end = uint32(i + 1)
		p.depth--
		return i + 1, nil
	}
	prev, n := uint32(0), uint32(0)
	for {
		e := uint32(len(p.nodes))
		var err error
		if i, err = p.value(i); err != nil {
			return i, err
		}
		if n > 0 {
			p.nodes[prev].next = e
		}
		prev = e
		n++
		i = p.skip(i)
		if i < len(s) && s[i] == ',' {
			i = p.skip(i + 1)
			continue
		}
		if i < len(s) && s[i] == ']' {
			p.nodes[k].n = n
			p.nodes[k].end = uint32(i + 1)
			p.depth--
			return i + 1, nil
		}
		return i, p.fail(i, "after array element")
	}
}

// str scans the string whose content starts at i and returns the index of
// its closing quote and whether it holds escapes.
func (p *Parser) str(i int) (int, bool, error) {
	s := p.src
	esc := false
	for {
		// Eight bytes at a time, up to the first quote, backslash or
		// control character. A borrow can flag bytes after a true match
		// but never one before it, so the lowest flag is exact.
		for i+8 <= len(s) {
			x := binary.LittleEndian.Uint64(s[i:])
			if m := hasZero(x^quotes) | hasZero(x^backslashes) | hasLess(x, 0x20); m != 0 {
				i += bits.TrailingZeros64(m) / 8
				break
			}
			i += 8
		}
		for i < len(s) && plain[s[i]] {
			i++
		}
		if i >= len(s) {
			return i, esc, p.fail(i, "")
		}
		switch c := s[i]; {
		case c == '"':
			return i, esc, nil
		case c == '\\':
			esc = true
			if i+1 >= len(s) {
				return i + 1, esc, p.fail(i+1, "")
			}
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				for j := i + 2; j < i+6; j++ {
					if j >= len(s) || !isHex(s[j]) {
						return j, esc, p.fail(j, "in \\u hexadecimal character escape")
					}
				}
				i += 6
			default:
				return i + 1, esc, p.fail(i+1, "in string escape code")
			}
		case c < 0x20:
			return i, esc, p.fail(i, "in string literal")
		default:
			i++
		}
	}
}

const (
	ones        = 0x0101010101010101
	highs       = 0x8080808080808080
	spaces      = ' ' * ones
	quotes      = '"' * ones
	backslashes = '\\' * ones
)

// hasZero is nonzero when a byte of x is zero.
func hasZero(x uint64) uint64 { return (x - ones) & ^x & highs }

// hasLess is nonzero when a byte of x is less than n (n ≤ 128).
func hasLess(x uint64, n uint64) uint64 { return (x - ones*n) & ^x & highs }

// plain holds the bytes a string holds as they are.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// number scans the number at i and returns the index after it.
func (p *Parser) number(i int) (int, error) {
	s := p.src
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		i = digits(s, i+1)
	default:
		return i, p.fail(i, "in numeric literal")
	}
	if i < len(s) && s[i] == '.' {
		if i+1 >= len(s) || s[i+1] < '0' || s[i+1] > '9' {
			return i + 1, p.fail(i+1, "after decimal point in numeric literal")
		}
		i = digits(s, i+1)
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return i, p.fail(i, "in exponent of numeric literal")
		}
		i = digits(s, i)
	}
	return i, nil
}

func digits(s []byte, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

// unescape appends the text of a string's content with escapes, as
// encoding/json reads it: a surrogate escape that is not half of a pair
// becomes U+FFFD.
func unescape(dst, s []byte) []byte {
	for len(s) > 0 {
		b := bytes.IndexByte(s, '\\')
		if b < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:b]...)
		c := s[b+1]
		s = s[b+2:]
		switch c {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := hex4(s)
			s = s[4:]
			if utf16.IsSurrogate(r) {
				if len(s) >= 6 && s[0] == '\\' && s[1] == 'u' {
					if pair := utf16.DecodeRune(r, hex4(s[2:])); pair != utf8.RuneError {
						dst = utf8.AppendRune(dst, pair)
						s = s[6:]
						continue
					}
				}
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
		default: // '"', '\\', '/'
			dst = append(dst, c)
		}
	}
	return dst
}

func hex4(s []byte) rune {
	var r rune
	for _, c := range s[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c >= 'a':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// Value is a value in a parsed tree, or no value (see Exists). It is
// small and is passed by value.
type Value struct {
	p *Parser
	i uint32
}

func (v Value) node() *node { return &v.p.nodes[v.i] }

// Exists reports whether v is a value: not the member Get did not find,
// nor the one after the last.
func (v Value) Exists() bool { return v.p != nil }

// Type is v's JSON type, TypeNone when v does not exist.
func (v Value) Type() Type {
	if v.p == nil {
		return TypeNone
	}
	return v.node().typ
}

// Len is the number of an object's members or an array's elements.
func (v Value) Len() int {
	if v.p == nil {
		return 0
	}
	return int(v.node().n)
}

// First is an object's first member or an array's first element; it does
// not exist for an empty or scalar value. In a tree, a value's first
// child comes right after it.
func (v Value) First() Value {
	if v.Len() == 0 {
		return Value{}
	}
	return Value{v.p, v.i + 1}
}

// Next is the member or element after v in its object or array.
func (v Value) Next() Value {
	if v.p == nil {
		return Value{}
	}
	if n := v.node().next; n != 0 {
		return Value{v.p, n}
	}
	return Value{}
}

// Key is the key of v as a member of an object (nil otherwise). The bytes
// belong to the tree.
func (v Value) Key() []byte {
	if v.p == nil {
		return nil
	}
	nd := v.node()
	if nd.flags&keyEscaped != 0 {
		return v.p.buf[nd.kstart:nd.kend:nd.kend]
	}
	return v.p.src[nd.kstart:nd.kend:nd.kend]
}

// Get returns the member of an object named key; of repeated keys, the
// last, as JSON.parse keeps it.
func (v Value) Get(key string) Value {
	if v.Type() != TypeObject {
		return Value{}
	}
	var found Value
	for m := v.First(); m.Exists(); m = m.Next() {
		if string(m.Key()) == key {
			found = m
		}
	}
	return found
}

// StringBytes is a string's text, unescaped (nil for other types). The
// bytes belong to the tree.
func (v Value) StringBytes() []byte {
	if v.Type() != TypeString {
		return nil
	}
	nd := v.node()
	if nd.flags&escaped != 0 {
		return v.p.buf[nd.start:nd.end:nd.end]
	}
	return v.p.src[nd.start:nd.end:nd.end]
}

// Float64 reads a number as JavaScript does, rounding to the nearest
// float64; a number beyond float64's range is an error.
func (v Value) Float64() (float64, error) {
	if v.Type() != TypeNumber {
		return 0, errors.New("not a number")
	}
	return strconv.ParseFloat(string(v.text()), 64)
}

// Int64 reads a number written as an integer, with no fraction or
// exponent, that an int64 holds.
func (v Value) Int64() (int64, bool) {
	if v.Type() != TypeNumber {
		return 0, false
	}
	t := v.text()
	if bytes.ContainsAny(t, ".eE") {
		return 0, false
	}
	n, err := strconv.ParseInt(string(t), 10, 64)
	return n, err == nil
}

// text is the source text of anything but an escaped string.
// Span is where v's text lies in the parsed document, data[start:end],
// for a caller that edits the document around a value. ok is false for a
// string (its offsets may be into unescaped text) and for no value.
func (v Value) Span() (start, end int, ok bool) {
	if t := v.Type(); t == TypeNone || t == TypeString {
		return 0, 0, false
	}
	nd := v.node()
	return int(nd.start), int(nd.end), true
}

func (v Value) text() []byte {
	nd := v.node()
	return v.p.src[nd.start:nd.end:nd.end]
}

// AppendJSON appends v as compact JSON: its source text without white
// space outside strings, so strings keep their escapes as written.
func (v Value) AppendJSON(dst []byte) []byte {
	switch v.Type() {
	case TypeNone:
		return dst
	case TypeString:
		nd := v.node()
		if nd.flags&escaped == 0 {
			return append(dst, v.p.src[nd.start-1:nd.end+1]...)
		}
		// The source text of an escaped string is not kept; re-encode it.
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(string(v.StringBytes())) // a string always encodes
		return append(dst, bytes.TrimSuffix(b.Bytes(), []byte("\n"))...)
	case TypeObject, TypeArray:
		return compact(dst, v.text())
	}
	return append(dst, v.text()...)
}

// compact appends strict JSON text without its insignificant white space.
func compact(dst, s []byte) []byte {
	inString := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inString:
			if c == '\\' {
				dst = append(dst, c, s[i+1])
				i++
				continue
			}
			inString = c != '"'
		case c == ' ' || c == '\n' || c == '\r' || c == '\t':
			continue
		case c == '"':
			inString = true
		}
		dst = append(dst, c)
	}
	return dst
}
