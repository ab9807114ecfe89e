package chatwootsim

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"log"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Version is the Chatwoot version the simulator imitates (the spec matches 3.2/3.3 behaviour).
const Version = "3.2.0"

// Options configure a Server. The zero value is a usable, deterministic demo server.
type Options struct {
	// Now is the clock for every timestamp; nil means time.Now. Tests pass a fixed clock.
	Now func() time.Time
	// Seed varies every generated token, identifier and UUID; the same seed gives the same values.
	Seed uint64
	// RateLimit enables rack-attack's per-IP throttle: at most this many requests per clock minute
	// per client IP, after which the answer is 429 "Retry later". 0 disables it (the default);
	// production Chatwoot uses 3000.
	RateLimit int
	// AgentLimit is the per-account seat limit behind the 402 on agent creation; 0 means unlimited.
	AgentLimit int
	// Faults are installed at start; more can be added with InjectFault.
	Faults []Fault
	// NoDemoData starts with an empty database except for one platform app (for provisioning).
	NoDemoData bool
	// ErrorLog receives the HTTP server's errors (a panicking handler, a
	// failed accept); nil means the standard logger, as for http.Server.
	ErrorLog *log.Logger
}

// Server is an in-memory Chatwoot. It is an http.Handler and safe for concurrent use.
type Server struct {
	opts  Options
	now   func() time.Time
	seed  uint64
	mu    sync.Mutex // guards st
	st    *state
	demo  Seed
	route []route

	faults faultSet
	rate   rateLimiter
	log    requestLog
}

// New builds a server holding the deterministic demo data described by Seed.
func New(opts Options) *Server {
	s := &Server{opts: opts, now: opts.Now, seed: opts.Seed, st: newState()}
	if s.now == nil {
		s.now = time.Now
	}
	s.route = s.routes()
	s.demo = s.seedData(!opts.NoDemoData)
	for _, f := range opts.Faults {
		s.InjectFault(f)
	}
	s.rate.limit = opts.RateLimit
	return s
}

// Seed returns the demo data: ids, e-mails and tokens a client needs to talk to the server.
func (s *Server) Seed() Seed { return s.demo }

// ServeHTTP answers one request: faults first, then the rack-attack throttle, then the route.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := s.faults.take(r)
	if f != nil && f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-r.Context().Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
	if f != nil {
		switch f.Action {
		case ActionReset:
			s.log.add(r, 0, true)
			resetConn(w)
			return
		case ActionStatus:
			resp := f.response()
			s.log.add(r, resp.status, true)
			s.write(w, r, resp)
			return
		}
	}
	var resp *response
	if s.rate.limited(clientIP(r), s.now()) {
		// rack-attack 6.7 default throttled responder: no Retry-After, not JSON.
		resp = newResponse(http.StatusTooManyRequests, ctText, []byte("Retry later\n"))
	} else {
		resp = s.dispatch(r)
	}
	s.log.add(r, resp.status, f != nil)
	if f != nil && f.Action != ActionNone {
		s.writeDamaged(w, r, resp, f)
		return
	}
	s.write(w, r, resp)
}

// finish adds the headers Rails adds to every answer.
func (s *Server) finish(r *http.Request, resp *response) {
	h := resp.header
	n := s.log.seq()
	h.Set("X-Request-Id", uuidV4(s.seed, "request", n))
	h.Set("X-Runtime", "0.004217")
	// Puma stamps Date from the server's clock; without it net/http would use the real time,
	// and clients that read the server time from Date (the typed Create A Conversation node's
	// created_at) could not be tested against a fixed clock.
	h.Set("Date", s.now().UTC().Format(http.TimeFormat))
	if resp.status == http.StatusOK && len(resp.body) > 0 && h.Get("Cache-Control") == "" {
		sum := md5.Sum(resp.body)
		h.Set("ETag", `W/"`+hex.EncodeToString(sum[:])+`"`)
		h.Set("Cache-Control", "max-age=0, private, must-revalidate")
	} else if h.Get("Cache-Control") == "" && resp.status != http.StatusTooManyRequests {
		h.Set("Cache-Control", "no-cache")
	}
	if strings.HasPrefix(r.URL.Path, "/public/api/") && r.Header.Get("Origin") != "" {
		h.Set("Access-Control-Allow-Origin", "*")
	}
	if resp.status != http.StatusNoContent {
		h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	}
}

func (s *Server) write(w http.ResponseWriter, r *http.Request, resp *response) {
	s.finish(r, resp)
	for k, vs := range resp.header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.status)
	if r.Method != http.MethodHead && len(resp.body) > 0 {
		_, _ = w.Write(resp.body)
	}
}

// clientIP is rack's req.ip for a direct connection (no proxy headers are trusted).
func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndex(host, ":"); i >= 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// rateLimiter is rack-attack's fixed-window throttle keyed by client IP.
type rateLimiter struct {
	mu     sync.Mutex
	limit  int
	window int64
	counts map[string]int
}

func (l *rateLimiter) limited(ip string, now time.Time) bool {
	if l.limit <= 0 {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	w := now.Unix() / 60
	if w != l.window || l.counts == nil {
		l.window = w
		l.counts = map[string]int{}
	}
	l.counts[ip]++
	return l.counts[ip] > l.limit
}

// RequestRecord is one request the server saw, for assertions in reliability tests.
type RequestRecord struct {
	Method string
	Path   string
	Query  string
	Status int // 0 when the connection was reset
	Fault  bool
}

type requestLog struct {
	mu   sync.Mutex
	n    int
	recs []RequestRecord
}

func (l *requestLog) seq() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	return l.n
}

func (l *requestLog) add(r *http.Request, status int, fault bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recs = append(l.recs, RequestRecord{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: status, Fault: fault})
}

// Requests returns a copy of every request served so far, in arrival order.
func (s *Server) Requests() []RequestRecord {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	return append([]RequestRecord(nil), s.log.recs...)
}

// CountRequests counts served requests with the method ("" for any) and path prefix.
func (s *Server) CountRequests(method, pathPrefix string) int {
	n := 0
	for _, rec := range s.Requests() {
		if (method == "" || rec.Method == method) && strings.HasPrefix(rec.Path, pathPrefix) {
			n++
		}
	}
	return n
}

// ResetRequests clears the request log.
func (s *Server) ResetRequests() {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	s.log.recs = nil
}

// apiIndex is GET /api (app/controllers/api_controller.rb).
func (s *Server) apiIndex() *response {
	return okResp(obj{
		{"version", Version},
		{"timestamp", s.now().UTC().Format("2006-01-02 15:04:05")},
		{"queue_services", "ok"},
		{"data_services", "ok"},
	})
}

func notFoundPage() *response {
	return htmlResp(http.StatusNotFound, `<!DOCTYPE html>
<html>
<head>
  <title>The page you were looking for doesn't exist (404)</title>
</head>
<body>
  <div class="dialog">
    <h1>The page you were looking for doesn't exist.</h1>
    <p>You may have mistyped the address or the page may have moved.</p>
  </div>
</body>
</html>
`)
}

// csatPage is Survey::ResponsesController#show: the Vue app shell. It performs no lookup.
func (s *Server) csatPage(uuid string) *response {
	return htmlResp(http.StatusOK, fmt.Sprintf(`<!DOCTYPE html>
<html>
  <head>
    <title>Chatwoot</title>
    <meta name="csrf-param" content="authenticity_token" />
<meta name="csrf-token" content="%s" />
    <meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1, user-scalable=0" />
    <script>
      window.globalConfig = {"LOGO_THUMBNAIL":"/brand-assets/logo_thumbnail.svg","BRAND_NAME":"Chatwoot","WIDGET_BRAND_URL":"https://www.chatwoot.com","INSTALLATION_NAME":"Chatwoot"}
    </script>
    <script src="/packs/js/survey.js" defer="defer"></script>
    <link rel="stylesheet" href="/packs/css/survey.css" />
  </head>
  <body>
    <div id="app"></div>
    <!-- survey for conversation %s -->
  </body>
</html>
`, hexToken(s.seed, "csrf", len(uuid)), htmlEscape(uuid)))
}

func htmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")
	return r.Replace(s)
}
