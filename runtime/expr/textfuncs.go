package expr

import (
	"regexp"
	"strings"
	"sync"
)

// Patterns of n8n's string extensions (isEmail, extractUrl ...), evaluated
// in Go: goja's regular expressions are much slower.
const hostPattern = `((?:(?:[-\w]+\.)+(?:[a-zA-Z]{2,}|xn--[a-zA-Z0-9]+)|localhost|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}))`

var (
	emailPattern    = lazyRegexp(`(([^<>()\[\]\\.,;:\s@"]+(\.[^<>()\[\]\\.,;:\s@"]+)*)|(".+"))@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))`)
	urlPattern      = lazyRegexp(`(?i)(?:(?:https?|ftp)://)(?:www\.)?` + hostPattern + `(?::\d+)?(?:/[^\s?#]*)?(?:\?[^\s#]*)?#?[^\s]*`)
	urlExactPattern = lazyRegexp(`(?i)^(?:(?:https?|ftp)://)(?:www\.)?` + hostPattern + `(?::\d+)?(?:/[^\s?#]*)?(?:\?[^\s#]*)?#?[^\s]*$`)
	domainPattern   = lazyRegexp(`(?i)^(?:www\.)?` + hostPattern + `(?::\d+)?(?:/[^\s?]*)?(?:\?[^\s#]*)?(?:#[^\s]*)?$`)
	domainInPattern = lazyRegexp(`(?i)^(?:(?:https?|ftp)://)?(?:mailto:)?(?://)?((?:www\.)?` + hostPattern[1:len(hostPattern)-1] + `)(?::\d+)?(?:/[^\s?]*)?(?:\?[^\s#]*)?(?:#[^\s]*)?$`)
)

func isEmail(s string) bool {
	return emailPattern().MatchString(s) && !containsSpace(s)
}

func isURL(s string) bool { return urlExactPattern().MatchString(s) }

func isDomain(s string) bool { return domainPattern().MatchString(s) }

func containsSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			return true
		}
	}
	return false
}

// extract implements extractEmail, extractDomain and extractUrl; ok is
// false when nothing matches (the extension then returns undefined).
func extract(kind, s string) (string, bool) {
	switch kind {
	case "email":
		if _, ok := plainEmailDomain(s); ok {
			return s, true
		}
		m := emailPattern().FindString(s)
		return m, m != ""
	case "url":
		m := urlPattern().FindString(s)
		return m, m != ""
	case "domain":
		if d, ok := plainEmailDomain(s); ok {
			return d, true
		}
		if !containsSpace(s) {
			if m := emailPattern().FindStringSubmatch(s); m != nil {
				return m[5], true
			}
		}
		if m := domainInPattern().FindStringSubmatch(s); m != nil {
			return m[1], true
		}
	}
	return "", false
}

// plainEmailDomain recognises the common case, a whole string of the form
// local@host.tld in ASCII, without the regular expression: emailPattern
// then matches the whole string and its domain group is host.tld. ok is
// false for anything else, which goes to emailPattern().
func plainEmailDomain(s string) (domain string, ok bool) {
	at := strings.IndexByte(s, '@')
	if at <= 0 {
		return "", false
	}
	// Local part: dot-separated non-empty runs of allowed characters.
	prevDot := true
	for i := 0; i < at; i++ {
		c := s[i]
		switch {
		case c == '.':
			if prevDot {
				return "", false
			}
			prevDot = true
		case c <= ' ' || c >= 0x7f || strings.IndexByte(`<>()[]\,;:@"`, c) >= 0:
			return "", false
		default:
			prevDot = false
		}
	}
	if prevDot {
		return "", false
	}
	// Domain: at least two labels of [A-Za-z0-9-], the last of two or
	// more letters.
	domain = s[at+1:]
	labels, labelLen, letters := 1, 0, true
	for i := 0; i < len(domain); i++ {
		c := domain[i]
		switch {
		case c == '.':
			if labelLen == 0 {
				return "", false
			}
			labels, labelLen, letters = labels+1, 0, true
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			labelLen++
		case c >= '0' && c <= '9' || c == '-':
			labelLen++
			letters = false
		default:
			return "", false
		}
	}
	if labels < 2 || labelLen < 2 || !letters {
		return "", false
	}
	return domain, true
}

// lazyRegexp compiles a pattern on first use: the package's patterns cost
// 0.4 ms to compile, which every start of the CLI would otherwise pay.
func lazyRegexp(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}
