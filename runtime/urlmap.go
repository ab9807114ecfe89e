package runtime

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// URL mapping (Engine.MapURLs, CLI --map-url FROM=TO) points a node whose
// description fixes its host (https://registry.npmjs.org) at a sandbox or
// a mock server. It rewrites the URL a request is sent to, as the last
// step before sending: every request the engine sends, pagination, OAuth2
// token and preAuthentication requests included, and each redirect's
// target. Everything judged about a request's destination by the node's
// rules is judged on the URL the description built: a credential is bound
// to the host of its original base URL, so a mapping neither breaks nor
// widens that binding. What protects the machine is judged on where the
// request really goes: the link-local guard checks the mapped host and
// the address dialled, and redirects drop credentials on a hop to another
// origin of the mapped URLs.

// URLMapping sends the requests whose URL is From, or lies under it, to
// To instead: the part of the URL after From is appended to To. From
// matches a URL of the same scheme, host and port (case-insensitive, a
// default port written or not) whose path is From's path or continues it
// after a "/": https://api.example.com/v1 matches
// https://api.example.com/v1/users?id=1 but not .../v10. Both are absolute
// http or https URLs without user info, query or fragment; a trailing "/"
// is ignored. When several Froms match, the longest wins. A To must not
// lie under any From, so a URL is mapped at most once.
type URLMapping struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// URLMappingError is an invalid URLMapping: Field is "From" or "To", or
// empty when the mapping as a whole is wrong; Index is its position in
// Engine.MapURLs, or -1 for one parsed alone.
type URLMappingError struct {
	Index  int
	Field  string
	Value  string
	Reason string
}

func (e *URLMappingError) Error() string {
	where := "URL mapping"
	if e.Index >= 0 {
		where = fmt.Sprintf("Engine.MapURLs[%d]", e.Index)
	}
	if e.Field != "" {
		where += " " + e.Field
	}
	return fmt.Sprintf("%s %q: %s", where, e.Value, e.Reason)
}

// ParseURLMapping parses FROM=TO, the form of the CLI's --map-url, split
// at the first "=", and checks both URLs as Engine.MapURLs does.
func ParseURLMapping(s string) (URLMapping, error) {
	from, to, ok := strings.Cut(s, "=")
	if !ok {
		return URLMapping{}, &URLMappingError{Index: -1, Value: s, Reason: "want FROM=TO, two absolute http(s) URLs, e.g. https://registry.npmjs.org=http://127.0.0.1:4873"}
	}
	m := URLMapping{From: strings.TrimSpace(from), To: strings.TrimSpace(to)}
	if _, err := compileMapping(m, -1); err != nil {
		return URLMapping{}, err
	}
	return m, nil
}

// urlPrefix is one side of a mapping, normalised for matching.
type urlPrefix struct {
	scheme string
	host   string // lower case, default port removed
	path   string // escaped, without a trailing "/"
}

// parsePrefix checks and normalises one side of a mapping.
func parsePrefix(raw, field string, index int) (urlPrefix, error) {
	fail := func(reason string) (urlPrefix, error) {
		return urlPrefix{}, &URLMappingError{Index: index, Field: field, Value: raw, Reason: reason}
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fail("not a URL: " + strings.TrimPrefix(err.Error(), fmt.Sprintf("parse %q: ", raw)))
	case u.Scheme != "http" && u.Scheme != "https", u.Opaque != "", u.Hostname() == "":
		return fail("not an absolute http or https URL (want e.g. https://api.example.com/v1)")
	case u.User != nil:
		return fail("holds user info; give credentials through the node's credential")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		return fail("holds a query or fragment; only a scheme, host and path prefix can be mapped")
	}
	return urlPrefix{scheme: u.Scheme, host: normalHost(u.Scheme, u.Host), path: strings.TrimSuffix(u.EscapedPath(), "/")}, nil
}

// normalHost is host in lower case without the scheme's default port.
func normalHost(scheme, host string) string {
	host = strings.ToLower(host)
	if scheme == "https" {
		return strings.TrimSuffix(host, ":443")
	}
	return strings.TrimSuffix(host, ":80")
}

// under reports whether u is p or lies under it, and returns the rest of
// u's escaped path after p's.
func (p *urlPrefix) under(u *url.URL) (string, bool) {
	if u.Scheme != p.scheme || u.Opaque != "" || normalHost(u.Scheme, u.Host) != p.host {
		return "", false
	}
	path := u.EscapedPath()
	if !strings.HasPrefix(path, p.path) {
		return "", false
	}
	rest := path[len(p.path):]
	if rest != "" && rest[0] != '/' {
		return "", false // /v1 does not cover /v10
	}
	return rest, true
}

// urlRule is one compiled mapping.
type urlRule struct {
	from, to urlPrefix
	toHost   string // To's host as written, for the request
}

func compileMapping(m URLMapping, index int) (urlRule, error) {
	from, err := parsePrefix(m.From, "From", index)
	if err != nil {
		return urlRule{}, err
	}
	to, err := parsePrefix(m.To, "To", index)
	if err != nil {
		return urlRule{}, err
	}
	u, _ := url.Parse(m.To)
	return urlRule{from: from, to: to, toHost: u.Host}, nil
}

// urlMap is Engine.MapURLs compiled once, longest From first.
type urlMap struct {
	once  sync.Once
	rules []urlRule
	err   error
}

// urlMapping compiles Engine.MapURLs on first use; Prepare reports its
// error, so no request is sent under an invalid mapping.
func (e *Engine) urlMapping() (*urlMap, error) {
	m := &e.urls
	m.once.Do(func() { m.rules, m.err = compileMappings(e.MapURLs) })
	return m, m.err
}

// CheckURLMappings reports the first invalid mapping of ms, as Prepare
// would for Engine.MapURLs: a URL that is not an absolute http(s) prefix,
// a From given twice, or a To under a From (mappings do not chain). The
// error is a *URLMappingError.
func CheckURLMappings(ms []URLMapping) error {
	_, err := compileMappings(ms)
	return err
}

// compileMappings checks ms and orders them longest From first.
func compileMappings(ms []URLMapping) ([]urlRule, error) {
	rules := make([]urlRule, 0, len(ms))
	for i, mp := range ms {
		r, err := compileMapping(mp, i)
		if err != nil {
			return nil, err
		}
		rules = append(rules, r)
	}
	for i, r := range rules {
		for j, o := range rules {
			if i < j && r.from == o.from {
				return nil, &URLMappingError{Index: j, Field: "From", Value: ms[j].From,
					Reason: fmt.Sprintf("is mapped already, to %s", ms[i].To)}
			}
			if _, ok := o.from.under(r.to.url()); ok {
				return nil, &URLMappingError{Index: i, Field: "To", Value: ms[i].To,
					Reason: fmt.Sprintf("lies under the From %s, which is mapped itself; mappings do not chain", ms[j].From)}
			}
		}
	}
	sort.SliceStable(rules, func(i, j int) bool { return len(rules[i].from.path) > len(rules[j].from.path) })
	return rules, nil
}

// url is the prefix as a URL, for matching it against other prefixes.
func (p *urlPrefix) url() *url.URL {
	return &url.URL{Scheme: p.scheme, Host: p.host, Path: p.path, RawPath: p.path}
}

// mapURL returns where a request to u goes, or nil when no mapping
// covers u. u is not changed. An invalid Engine.MapURLs, which Prepare
// refuses, fails every request rather than letting it reach the
// unmapped host.
func (e *Engine) mapURL(u *url.URL) (*url.URL, error) {
	if len(e.MapURLs) == 0 {
		return nil, nil
	}
	m, err := e.urlMapping()
	if err != nil {
		return nil, err
	}
	for i := range m.rules {
		r := &m.rules[i]
		rest, ok := r.from.under(u)
		if !ok {
			continue
		}
		out := *u
		out.Scheme, out.Host = r.to.scheme, r.toHost
		out.RawPath = r.to.path + rest
		if out.RawPath == "" && (u.RawQuery != "" || u.Fragment != "") {
			out.RawPath = "/"
		}
		out.Path, _ = url.PathUnescape(out.RawPath) // both halves were escaped paths already
		return &out, nil
	}
	return nil, nil
}

// mappedString is the mapped form of the absolute URL raw, or "" when no
// mapping covers it: for logs and dry runs.
func (e *Engine) mappedString(raw string) string {
	if len(e.MapURLs) == 0 {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if mapped, _ := e.mapURL(u); mapped != nil {
		return mapped.String()
	}
	return ""
}

// standsForAllowed reports whether full, refused to credential c, lies
// under a mapping's To whose From it stands for is a URL c may reach: a
// mock server's own absolute links (a pagination next URL) are judged as
// the original URLs they stand for. It widens nothing: such a request
// goes to the To the user mapped the credential's host to anyway.
func (e *Engine) standsForAllowed(c *preparedCredential, base any, full string) bool {
	if len(e.MapURLs) == 0 {
		return false
	}
	m, err := e.urlMapping()
	if err != nil {
		return false
	}
	u, err := url.Parse(full)
	if err != nil {
		return false
	}
	for i := range m.rules {
		r := &m.rules[i]
		rest, ok := r.to.under(u)
		if !ok {
			continue
		}
		orig := *u
		orig.Scheme, orig.Host = r.from.scheme, r.from.host
		orig.RawPath = r.from.path + rest
		orig.Path, _ = url.PathUnescape(orig.RawPath)
		if c.checkHost(base, orig.String()) == nil {
			return true
		}
	}
	return false
}

// restoreSensitiveHeaders gives a redirect hop that a mapping brought
// back to the first request's origin the headers http.Client dropped
// because the Location, before mapping, named another host
// (Authorization, Cookie, ...): Go decides that before CheckRedirect
// runs. As in Go, they come back only while every hop so far stayed at
// that origin.
func restoreSensitiveHeaders(req *http.Request, via []*http.Request) {
	for _, v := range via {
		if !sameHost(v.URL, via[0].URL) {
			return
		}
	}
	if !sameHost(req.URL, via[0].URL) {
		return
	}
	for k, vs := range via[0].Header {
		switch http.CanonicalHeaderKey(k) {
		case "Authorization", "Www-Authenticate", "Cookie", "Cookie2", "Proxy-Authorization", "Proxy-Authenticate":
			if _, ok := req.Header[k]; !ok {
				req.Header[k] = vs
			}
		}
	}
}
