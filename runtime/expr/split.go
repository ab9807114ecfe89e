package expr

import "strings"

// segment is one piece of an expression's text: literal text or a {{ code }} block.
type segment struct {
	code   bool
	text   string
	closed bool // a code segment ended by "}}"
}

// split cuts the text after "=" into text and code segments exactly as n8n's
// expression splitter (@n8n/tournament) does (E2):
//   - a code segment ends at the first "}}", with no awareness of strings;
//   - "{{" or "}}" preceded by an odd number of backslashes is not a bracket:
//     the backslash stays (in code, the first "\}}" becomes "}}");
//   - text before an opening has each "\\" reduced to "\"; trailing text does not;
//   - a code segment without a closing "}}" runs to the end of the text.
//
// The result always starts with a text segment, as n8n's does, so a lone code
// segment is [text "", code].
func split(s string) []segment {
	if s == "" {
		return []segment{{text: ""}}
	}
	var out []segment
	open := true
	var buf strings.Builder
	i := 0
	for i < len(s) {
		rest := s[i:]
		want := "{{"
		if !open {
			want = "}}"
		}
		j := strings.Index(rest, want)
		if j < 0 {
			buf.WriteString(rest)
			if open {
				out = append(out, segment{text: buf.String()})
			} else {
				out = append(out, segment{code: true, text: unescapeClose(buf.String())})
			}
			break
		}
		before := rest[:j]
		bs := 0
		for k := len(before) - 1; k >= 0 && before[k] == '\\'; k-- {
			bs++
		}
		if bs%2 == 1 {
			buf.WriteString(rest[:j+2])
			i += j + 2
			continue
		}
		buf.WriteString(before)
		if open {
			out = append(out, segment{text: strings.ReplaceAll(buf.String(), `\\`, `\`)})
		} else {
			out = append(out, segment{code: true, text: unescapeClose(buf.String()), closed: true})
		}
		open = !open
		i += j + 2
		buf.Reset()
	}
	if i >= len(s) && buf.Len() > 0 {
		// The text ended right after an escaped bracket. n8n's splitter
		// drops this last piece (and then fails); noderun keeps it.
		if open {
			out = append(out, segment{text: buf.String()})
		} else {
			out = append(out, segment{code: true, text: unescapeClose(buf.String())})
		}
	}
	if len(out) == 0 {
		out = append(out, segment{text: ""})
	}
	return out
}

// unescapeClose replaces the first "\}}" of a code segment with "}}", as n8n does.
func unescapeClose(code string) string {
	return strings.Replace(code, `\}}`, "}}", 1)
}

// isWholeCode reports whether the segments are exactly one code segment with
// no text around it: the result then keeps its JavaScript type (E3).
func isWholeCode(segs []segment) bool {
	return len(segs) == 2 && segs[0].text == "" && segs[1].code
}
