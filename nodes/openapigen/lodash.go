package openapigen

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"

	"github.com/dlclark/regexp2/v2"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// This file ports lodash 4.18.1's startCase, which n8n-openapi-node uses
// for every display name, resource and operation name. Its regular
// expressions are lodash's own, run by regexp2 in ECMAScript mode over
// UTF-16 code units (one rune per unit), since JavaScript matches code
// units and lodash's character ranges name surrogates. Surrogate units are
// moved to plane 15 (U+F0000 + unit - 0xD800), in the input and in the
// patterns alike, because regexp2 v2.5.2 fails to match two consecutive
// classes of surrogate ranges ([\ud800-\udbff][\udc00-\udfff]).

// lodash's character ranges, copied as written.
const (
	rsAstralRange         = `\ud800-\udfff`
	rsComboMarksRange     = `\u0300-\u036f`
	reComboHalfMarksRange = `\ufe20-\ufe2f`
	rsComboSymbolsRange   = `\u20d0-\u20ff`
	rsComboRange          = rsComboMarksRange + reComboHalfMarksRange + rsComboSymbolsRange
	rsDingbatRange        = `\u2700-\u27bf`
	rsLowerRange          = `a-z\xdf-\xf6\xf8-\xff`
	rsMathOpRange         = `\xac\xb1\xd7\xf7`
	rsNonCharRange        = `\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\xbf`
	rsPunctuationRange    = `\u2000-\u206f`
	rsSpaceRange          = ` \t\x0b\f\xa0\ufeff\n\r\u2028\u2029\u1680\u180e\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000`
	rsUpperRange          = `A-Z\xc0-\xd6\xd8-\xde`
	rsVarRange            = `\ufe0e\ufe0f`
	rsBreakRange          = rsMathOpRange + rsNonCharRange + rsPunctuationRange + rsSpaceRange

	rsApos      = `['\u2019]`
	rsAstral    = `[` + rsAstralRange + `]`
	rsBreak     = `[` + rsBreakRange + `]`
	rsCombo     = `[` + rsComboRange + `]`
	rsDigits    = `\d+`
	rsDingbat   = `[` + rsDingbatRange + `]`
	rsLower     = `[` + rsLowerRange + `]`
	rsMisc      = `[^` + rsAstralRange + rsBreakRange + rsDigits + rsDingbatRange + rsLowerRange + rsUpperRange + `]`
	rsFitz      = `\ud83c[\udffb-\udfff]`
	rsModifier  = `(?:` + rsCombo + `|` + rsFitz + `)`
	rsNonAstral = `[^` + rsAstralRange + `]`
	rsRegional  = `(?:\ud83c[\udde6-\uddff]){2}`
	rsSurrPair  = `[\ud800-\udbff][\udc00-\udfff]`
	rsUpper     = `[` + rsUpperRange + `]`
	rsZWJ       = `\u200d`

	rsMiscLower     = `(?:` + rsLower + `|` + rsMisc + `)`
	rsMiscUpper     = `(?:` + rsUpper + `|` + rsMisc + `)`
	rsOptContrLower = `(?:` + rsApos + `(?:d|ll|m|re|s|t|ve))?`
	rsOptContrUpper = `(?:` + rsApos + `(?:D|LL|M|RE|S|T|VE))?`
	reOptMod        = rsModifier + `?`
	rsOptVar        = `[` + rsVarRange + `]?`
	rsOptJoin       = `(?:` + rsZWJ + `(?:` + rsNonAstral + `|` + rsRegional + `|` + rsSurrPair + `)` + rsOptVar + reOptMod + `)*`
	rsOrdLower      = `\d*(?:1st|2nd|3rd|(?![123])\dth)(?=\b|[A-Z_])`
	rsOrdUpper      = `\d*(?:1ST|2ND|3RD|(?![123])\dTH)(?=\b|[a-z_])`
	rsSeq           = rsOptVar + reOptMod + rsOptJoin
	rsEmoji         = `(?:` + rsDingbat + `|` + rsRegional + `|` + rsSurrPair + `)` + rsSeq
	rsSymbol        = `(?:` + rsNonAstral + rsCombo + `?|` + rsCombo + `|` + rsRegional + `|` + rsSurrPair + `|` + rsAstral + `)`

	// rsEnd is JavaScript's `$` without the m flag; regexp2's `$` would
	// also match before a final newline.
	rsEnd = `(?![\s\S])`
)

// lodashPatterns are lodash's word and deburr patterns, compiled on first
// use (compiling them costs 0.8 ms, which every start of the CLI would pay)
// and never changed; a regexp2.Regexp is safe for concurrent use.
type lodashPatterns struct {
	apos, comboMark, latin, unicode, hasUnicode, hasUnicodeWord, asciiWord, unicodeWord *regexp2.Regexp
}

var patterns = sync.OnceValue(func() *lodashPatterns {
	return &lodashPatterns{
		apos:           jsRegexp(rsApos),
		comboMark:      jsRegexp(rsCombo),
		latin:          jsRegexp(`[\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u017f]`),
		unicode:        jsRegexp(rsFitz + `(?=` + rsFitz + `)|` + rsSymbol + rsSeq),
		hasUnicode:     jsRegexp(`[` + rsZWJ + rsAstralRange + rsComboRange + rsVarRange + `]`),
		hasUnicodeWord: jsRegexp(`[a-z][A-Z]|[A-Z]{2}[a-z]|[0-9][a-zA-Z]|[a-zA-Z][0-9]|[^a-zA-Z0-9 ]`),
		asciiWord:      jsRegexp(`[^\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+`),
		unicodeWord: jsRegexp(strings.Join([]string{
			rsUpper + `?` + rsLower + `+` + rsOptContrLower + `(?=` + rsBreak + `|` + rsUpper + `|` + rsEnd + `)`,
			rsMiscUpper + `+` + rsOptContrUpper + `(?=` + rsBreak + `|` + rsUpper + rsMiscLower + `|` + rsEnd + `)`,
			rsUpper + `?` + rsMiscLower + `+` + rsOptContrLower,
			rsUpper + `+` + rsOptContrUpper,
			rsOrdUpper,
			rsOrdLower,
			rsDigits,
			rsEmoji,
		}, `|`)),
	}
})

// surrogateBase is where surrogate code units are moved (see above).
const surrogateBase = 0xF0000

// reSurrogateEscape finds \uD800 to \uDFFF escapes in a pattern.
var reSurrogateEscape = regexp.MustCompile(`\\u[dD][89a-fA-F][0-9a-fA-F]{2}`)

// jsRegexp compiles a JavaScript pattern (without the u flag) for units.
func jsRegexp(pattern string) *regexp2.Regexp {
	pattern = reSurrogateEscape.ReplaceAllStringFunc(pattern, func(esc string) string {
		unit, _ := strconv.ParseUint(esc[2:], 16, 32)
		return string(rune(surrogateBase + unit - 0xD800))
	})
	return regexp2.MustCompile(pattern, regexp2.ECMAScript)
}

// units is a string as JavaScript holds it: UTF-16 code units, one per rune.
type units []rune

func toUnits(s string) units {
	u16 := utf16.Encode([]rune(s))
	u := make(units, len(u16))
	for i, c := range u16 {
		u[i] = rune(c)
		if utf16.IsSurrogate(u[i]) {
			u[i] += surrogateBase - 0xD800
		}
	}
	return u
}

func (u units) String() string {
	u16 := make([]uint16, len(u))
	for i, c := range u {
		if c >= surrogateBase {
			c -= surrogateBase - 0xD800
		}
		u16[i] = uint16(c)
	}
	return string(utf16.Decode(u16))
}

// matchAll is String.prototype.match with a global regexp: every match, as units.
func matchAll(re *regexp2.Regexp, u units) []units {
	idx, err := re.FindAllRunesIndex(u, -1)
	if err != nil { // only a match timeout, and none is set
		panic("openapigen: " + err.Error())
	}
	out := make([]units, len(idx))
	for i, m := range idx {
		out[i] = u[m[0]:m[1]]
	}
	return out
}

// replaceAll is String.prototype.replace with a global regexp and a function.
func replaceAll(re *regexp2.Regexp, u units, with func(units) units) units {
	idx, err := re.FindAllRunesIndex(u, -1)
	if err != nil {
		panic("openapigen: " + err.Error())
	}
	var out units
	last := 0
	for _, m := range idx {
		out = append(out, u[last:m[0]]...)
		out = append(out, with(u[m[0]:m[1]])...)
		last = m[1]
	}
	return append(out, u[last:]...)
}

func test(re *regexp2.Regexp, u units) bool {
	ok, err := re.MatchRunes(u)
	if err != nil {
		panic("openapigen: " + err.Error())
	}
	return ok
}

// startCase is lodash's _.startCase: the value's words, each with its first
// character upper-cased, joined by single spaces ("list-all-agents" gives
// "List All Agents", "userID" gives "User ID").
func startCase(v any) string {
	u := deburr(toUnits(jsString(v)))
	u = replaceAll(patterns().apos, u, func(units) units { return nil })
	var b strings.Builder
	for i, w := range words(u) {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(upperFirst(w))
	}
	return b.String()
}

// deburr is lodash's _.deburr: Latin-1 Supplement and Latin Extended-A
// letters become basic Latin letters, and combining marks are removed.
func deburr(u units) units {
	u = replaceAll(patterns().latin, u, func(m units) units {
		return toUnits(deburredLetters[m[0]-0xc0])
	})
	return replaceAll(patterns().comboMark, u, func(units) units { return nil })
}

// words is lodash's _.words without a pattern.
func words(u units) []units {
	if test(patterns().hasUnicodeWord, u) {
		return matchAll(patterns().unicodeWord, u)
	}
	return matchAll(patterns().asciiWord, u)
}

// upperFirst is lodash's _.upperFirst: the first character (a whole symbol
// with its joiners and marks, when the word has any) upper-cased with
// JavaScript's full case mapping ("ﬁ" gives "FI").
func upperFirst(w units) string {
	if len(w) == 0 {
		return ""
	}
	first, rest := w[:1], w[1:]
	if test(patterns().hasUnicode, w) {
		if symbols := matchAll(patterns().unicode, w); len(symbols) > 0 {
			first, rest = symbols[0], w[len(symbols[0]):]
		}
	}
	return cases.Upper(language.Und).String(first.String()) + rest.String()
}

// deburredLetters maps U+00C0 to U+017F to their basic Latin letters, as
// lodash's deburredLetters table does ("" for × and ÷, which the latin pattern skips).
// Generated from lodash 4.18.1: _.deburr(String.fromCharCode(c)).
var deburredLetters = [...]string{
	"A", "A", "A", "A", "A", "A", "Ae", "C", "E", "E", "E", "E", "I", "I", "I", "I",
	"D", "N", "O", "O", "O", "O", "O", "", "O", "U", "U", "U", "U", "Y", "Th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
	"A", "a", "A", "a", "A", "a", "C", "c", "C", "c", "C", "c", "C", "c", "D", "d",
	"D", "d", "E", "e", "E", "e", "E", "e", "E", "e", "E", "e", "G", "g", "G", "g",
	"G", "g", "G", "g", "H", "h", "H", "h", "I", "i", "I", "i", "I", "i", "I", "i",
	"I", "i", "IJ", "ij", "J", "j", "K", "k", "k", "L", "l", "L", "l", "L", "l", "L",
	"l", "L", "l", "N", "n", "N", "n", "N", "n", "'n", "N", "n", "O", "o", "O", "o",
	"O", "o", "Oe", "oe", "R", "r", "R", "r", "R", "r", "S", "s", "S", "s", "S", "s",
	"S", "s", "T", "t", "T", "t", "T", "t", "U", "u", "U", "u", "U", "u", "U", "u",
	"U", "u", "U", "u", "W", "w", "Y", "y", "Y", "Z", "z", "Z", "z", "Z", "z", "s",
}
