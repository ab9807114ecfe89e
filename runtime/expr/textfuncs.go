package expr

import "regexp"

// Patterns of n8n's string extensions (isEmail, extractUrl ...), evaluated
// in Go: goja's regular expressions are much slower.
const hostPattern = `((?:(?:[-\w]+\.)+(?:[a-zA-Z]{2,}|xn--[a-zA-Z0-9]+)|localhost|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}))`

var (
	emailPattern    = regexp.MustCompile(`(([^<>()\[\]\\.,;:\s@"]+(\.[^<>()\[\]\\.,;:\s@"]+)*)|(".+"))@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))`)
	urlPattern      = regexp.MustCompile(`(?i)(?:(?:https?|ftp)://)(?:www\.)?` + hostPattern + `(?::\d+)?(?:/[^\s?#]*)?(?:\?[^\s#]*)?#?[^\s]*`)
	urlExactPattern = regexp.MustCompile(`(?i)^(?:(?:https?|ftp)://)(?:www\.)?` + hostPattern + `(?::\d+)?(?:/[^\s?#]*)?(?:\?[^\s#]*)?#?[^\s]*$`)
	domainPattern   = regexp.MustCompile(`(?i)^(?:www\.)?` + hostPattern + `(?::\d+)?(?:/[^\s?]*)?(?:\?[^\s#]*)?(?:#[^\s]*)?$`)
	domainInPattern = regexp.MustCompile(`(?i)^(?:(?:https?|ftp)://)?(?:mailto:)?(?://)?((?:www\.)?` + hostPattern[1:len(hostPattern)-1] + `)(?::\d+)?(?:/[^\s?]*)?(?:\?[^\s#]*)?(?:#[^\s]*)?$`)
)

func isEmail(s string) bool {
	return emailPattern.MatchString(s) && !containsSpace(s)
}

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
		m := emailPattern.FindString(s)
		return m, m != ""
	case "url":
		m := urlPattern.FindString(s)
		return m, m != ""
	case "domain":
		if !containsSpace(s) {
			if m := emailPattern.FindStringSubmatch(s); m != nil {
				return m[5], true
			}
		}
		if m := domainInPattern.FindStringSubmatch(s); m != nil {
			return m[1], true
		}
	}
	return "", false
}
