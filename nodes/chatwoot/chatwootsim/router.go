package chatwootsim

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// family is an endpoint family: each has its own base controller, auth and error bodies.
type family int

const (
	famAccount  family = iota // /api/v1/accounts/{id}/..., /api/v2/accounts/{id}/reports
	famProfile                // /api/v1/profile
	famPlatform               // /platform/api/v1/...
	famPublic                 // /public/api/v1/...
	famSurvey                 // /survey/responses/{uuid}
	famMeta                   // GET /api
)

// route is one Rails route and the action behind it.
type route struct {
	methods []string
	pattern []string // literal segments, or ":name" for a path parameter
	fam     family
	op      string // the spec's operationId, or the Rails action for routes outside the spec
	bot     bool   // listed in BOT_ACCESSIBLE_ENDPOINTS (agent-bot tokens allowed)
	h       func(*ctx) *response
}

func rt(methods string, pattern string, fam family, op string, h func(*ctx) *response) route {
	return route{methods: strings.Split(methods, ","), pattern: splitPath(pattern), fam: fam, op: op, h: h}
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// requestSegments splits the escaped path, unescaping each segment, dropping a trailing slash and
// a .json format suffix the way the Rails router does.
func requestSegments(u *url.URL) (segs []string, jsonFormat bool) {
	raw := strings.Trim(u.EscapedPath(), "/")
	if raw == "" {
		return nil, false
	}
	for _, s := range strings.Split(raw, "/") {
		d, err := url.PathUnescape(s)
		if err != nil {
			d = s
		}
		segs = append(segs, d)
	}
	last := segs[len(segs)-1]
	if strings.HasSuffix(last, ".json") && len(last) > len(".json") {
		segs[len(segs)-1] = strings.TrimSuffix(last, ".json")
		jsonFormat = true
	}
	return segs, jsonFormat
}

// match finds the route for a request. Routes with more literal segments win, as Rails declares
// collection routes (contacts/search) before member routes (contacts/:id).
func (s *Server) match(method string, segs []string) (*route, map[string]string) {
	if method == http.MethodHead {
		method = http.MethodGet
	}
	var best *route
	var bestParams map[string]string
	bestParamCount := -1
	for i := range s.route {
		r := &s.route[i]
		if len(r.pattern) != len(segs) || !hasMethod(r.methods, method) {
			continue
		}
		params := map[string]string{}
		n := 0
		matched := true
		for j, p := range r.pattern {
			if strings.HasPrefix(p, ":") {
				if segs[j] == "" {
					matched = false
					break
				}
				params[p[1:]] = segs[j]
				n++
			} else if p != segs[j] {
				matched = false
				break
			}
		}
		if !matched {
			continue
		}
		if best == nil || n < bestParamCount {
			best, bestParams, bestParamCount = r, params, n
		}
	}
	return best, bestParams
}

func hasMethod(ms []string, m string) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}

// ctx is one request being served: the Rails params hash plus the Current.* values.
type ctx struct {
	s    *Server
	st   *state
	r    *http.Request
	rt   *route
	path map[string]string
	p    map[string]any
	body map[string]any
	kind bodyKind
	now  time.Time

	user *user
	bot  *agentBot
	app  *platformApp
	acc  *account
	au   *accountUser
}

// dispatch routes, authenticates and runs the action under the state lock.
func (s *Server) dispatch(r *http.Request) *response {
	segs, jsonFormat := requestSegments(r.URL)
	if r.Method == http.MethodOptions && strings.HasPrefix(r.URL.Path, "/public/api/") {
		resp := newResponse(http.StatusOK, "", nil)
		resp.header.Set("Access-Control-Allow-Origin", "*")
		resp.header.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD")
		resp.header.Set("Access-Control-Max-Age", "7200")
		if h := r.Header.Get("Access-Control-Request-Headers"); h != "" {
			resp.header.Set("Access-Control-Allow-Headers", h)
		}
		return resp
	}
	rte, pathParams := s.match(r.Method, segs)
	if rte == nil {
		if jsonFormat || strings.Contains(r.Header.Get("Accept"), "json") {
			return railsNotFound()
		}
		return notFoundPage()
	}
	all, body, kind, err := parseRequest(r, pathParams)
	if err != nil {
		return badRequest()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &ctx{s: s, st: s.st, r: r, rt: rte, path: pathParams, p: all, body: body, kind: kind, now: s.now()}
	switch rte.fam {
	case famAccount, famProfile:
		if resp := c.authAPI(); resp != nil {
			return resp
		}
	case famPlatform:
		if resp := c.authPlatform(); resp != nil {
			return resp
		}
	}
	return rte.h(c)
}

// --- parameter access ---

func (c *ctx) has(k string) bool { _, ok := c.p[k]; return ok }

func (c *ctx) val(k string) any { return c.p[k] }

func (c *ctx) str(k string) (string, bool) { return asString(c.p[k]) }

// strp returns the string parameter or nil when absent or null.
func (c *ctx) strp(k string) *string {
	s, ok := asString(c.p[k])
	if !ok {
		return nil
	}
	return &s
}

func (c *ctx) integer(k string) (int, bool) { return asInt(c.p[k]) }

func (c *ctx) present(k string) bool { return !blank(c.p[k]) }

// pathID is params[k] cast for Model.find: a missing or non-numeric id finds nothing.
func (c *ctx) pathID(k string) int { return rubyToI(c.path[k]) }

// wrapped is params.require(key) with wrap_parameters: a JSON body may carry the fields flat (the
// wrapper then holds the body keys that are attributes of the model) or nested under key.
func (c *ctx) wrapped(key string, attrs []string) (map[string]any, *response) {
	if m, ok := asMap(c.p[key]); ok {
		if len(m) == 0 {
			return nil, paramMissing(key)
		}
		return m, nil
	}
	if c.has(key) && !blank(c.p[key]) {
		// A scalar where a hash is expected: permit() on it raises and Rails answers 500.
		return nil, internalError()
	}
	if c.kind != bodyJSON {
		return nil, paramMissing(key)
	}
	m := map[string]any{}
	for k, v := range c.body {
		if attrs == nil || containsStr(attrs, k) {
			m[k] = v
		}
	}
	if len(m) == 0 {
		return nil, paramMissing(key)
	}
	return m, nil
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// --- Current.* helpers ---

func (c *ctx) isAdmin() bool { return c.au != nil && c.au.Role == "administrator" }

// requireAdmin is a Pundit policy that only administrators pass.
func (c *ctx) requireAdmin() *response {
	if !c.isAdmin() {
		return notAuthorizedAction()
	}
	return nil
}

// nextToken issues a new 24-character has_secure_token value.
func (c *ctx) nextToken(kind string) string {
	c.st.tokenSeq++
	return secureToken(c.s.seed, kind, c.st.tokenSeq)
}

func (c *ctx) nextUUID(kind string) string {
	c.st.uuidSeq++
	return uuidV4(c.s.seed, kind, c.st.uuidSeq)
}

// baseURL is FRONTEND_URL: the scheme and host the client used.
func (c *ctx) baseURL() string {
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.r.Host
}
