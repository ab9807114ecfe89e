package node

import "unicode/utf8"

// WellFormedUTF8 returns b decoded as Node.js decodes UTF-8 text before
// JSON.parse (WHATWG Encoding): each maximal ill-formed subsequence becomes
// one U+FFFD. Valid input is returned as it is. A Latin-1 server's response
// or a description file with stray bytes thus reads as n8n reads it, and
// re-encodes to the same text.
func WellFormedUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			n = illFormedLen(b)
			out = append(out, "\uFFFD"...)
		} else {
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return out
}

// illFormedLen is the length of the maximal subpart at the start of b:
// the longest prefix of a well-formed sequence (at least one byte).
func illFormedLen(b []byte) int {
	lo, hi, need := byte(0x80), byte(0xBF), 0
	switch c := b[0]; {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		lo, need = 0xA0, 2
	case c == 0xED:
		hi, need = 0x9F, 2
	case c >= 0xE1 && c <= 0xEF:
		need = 2
	case c == 0xF0:
		lo, need = 0x90, 3
	case c == 0xF4:
		hi, need = 0x8F, 3
	case c >= 0xF1 && c <= 0xF3:
		need = 3
	}
	n := 1
	for ; n <= need && n < len(b); n++ {
		if b[n] < lo || b[n] > hi {
			break
		}
		lo, hi = 0x80, 0xBF
	}
	return n
}
