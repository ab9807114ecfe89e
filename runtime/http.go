package runtime

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
)

// userAgent is sent unless the node sets its own.
const userAgent = "noderun"

// maxRedirects is axios's (follow-redirects') limit.
const maxRedirects = 21

// transportKey identifies one configured HTTP client.
type transportKey struct {
	proxy   string
	skipTLS bool
}

// requestPolicy is what the redirect check needs to know of a request.
type requestPolicy struct {
	noRedirects       bool
	credentialHeaders []string
	cred              *preparedCredential
	guard             *Engine // checks each hop's host against link-local addresses
}

// transport returns the round tripper for a request's Request Options.
// Transports are cached on the Engine, so connections are reused across
// items and runs.
func (e *Engine) transport(hr *httpRequest) http.RoundTripper {
	key := transportKey{skipTLS: hr.skipTLS}
	if hr.proxy != nil {
		key.proxy = hr.proxy.String()
	}
	if t, ok := e.transports.Load(key); ok {
		return t.(http.RoundTripper)
	}
	actual, _ := e.transports.LoadOrStore(key, e.newTransport(key, hr.proxy))
	return actual.(http.RoundTripper)
}

// do sends req as http.Client.Do would, without the client's work per
// request (a copy of the headers kept for redirects, a closure) when the
// answer is not a redirect, which is nearly always. A redirect, or a URL
// with user info, goes through an http.Client after all, started from the
// response already received, so Go's redirect rules and checkRedirect's
// apply as before.
func (e *Engine) do(hr *httpRequest, req *http.Request) (*http.Response, error) {
	rt := e.transport(hr)
	policy := requestPolicy{noRedirects: hr.noRedirects, credentialHeaders: hr.credentialHeaders, cred: hr.cred, guard: e}
	if req.URL.User != nil {
		return redirecting(rt, nil, policy).Do(req)
	}
	// What http.Client's send does around RoundTrip when it has no
	// deadline and the request has a header and no user info.
	resp, err := rt.RoundTrip(req)
	if err != nil {
		if tlsErr, ok := err.(tls.RecordHeaderError); ok && string(tlsErr.RecordHeader[:]) == "HTTP/" {
			err = http.ErrSchemeMismatch
		}
		return nil, clientError(req, err)
	}
	if resp == nil {
		return nil, clientError(req, fmt.Errorf("http: RoundTripper implementation (%T) returned a nil *Response with a nil error", rt))
	}
	if resp.Body == nil {
		if resp.ContentLength > 0 && req.Method != http.MethodHead {
			return nil, clientError(req, fmt.Errorf("http: RoundTripper implementation (%T) returned a *Response with content length %d but a nil Body", rt, resp.ContentLength))
		}
		resp.Body = http.NoBody
	}
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return redirecting(rt, resp, policy).Do(req)
	}
	return resp, nil
}

// clientError wraps a failed request's error as http.Client does: "Post
// "http://host/path": dial tcp ...".
func clientError(req *http.Request, err error) error {
	return &url.Error{Op: req.Method[:1] + strings.ToLower(req.Method[1:]), URL: req.URL.String(), Err: err}
}

// redirecting returns a client that follows redirects under policy; its
// first round trip answers first, when there is one, instead of sending.
func redirecting(rt http.RoundTripper, first *http.Response, policy requestPolicy) *http.Client {
	if first != nil {
		rt = &answered{first: first, next: rt}
	}
	return &http.Client{Transport: rt, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		return checkRedirect(policy, req, via)
	}}
}

// answered is a RoundTripper whose first round trip returns a response
// already received; later ones go to next.
type answered struct {
	first *http.Response
	next  http.RoundTripper
}

func (a *answered) RoundTrip(req *http.Request) (*http.Response, error) {
	if first := a.first; first != nil {
		a.first = nil
		return first, nil
	}
	return a.next.RoundTrip(req)
}

func (e *Engine) newTransport(key transportKey, proxy *url.URL) http.RoundTripper {
	var t *http.Transport
	switch base := e.Transport.(type) {
	case nil:
		t = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           e.dialer().DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          0,
			MaxIdleConnsPerHost:   e.maxConcurrency(),
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: time.Second,
		}
	case *http.Transport:
		t = base.Clone()
		if !e.AllowLinkLocal {
			dial := t.DialContext
			if dial == nil {
				dial = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
			}
			t.DialContext = guardDial(dial)
		}
	default:
		return base // a custom RoundTripper is used as it is
	}
	if proxy != nil {
		t.Proxy = http.ProxyURL(proxy)
	}
	if key.skipTLS {
		if t.TLSClientConfig == nil {
			t.TLSClientConfig = &tls.Config{}
		}
		t.TLSClientConfig.InsecureSkipVerify = true //nolint:gosec // Ignore SSL Issues was set for this node
	}
	return t
}

// dialer is the dialer of noderun's own transports.
func (e *Engine) dialer() *net.Dialer {
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	if !e.AllowLinkLocal {
		d.Control = dialControl
	}
	return d
}

// checkRedirect follows up to 21 redirects, as axios does, except when the
// node disabled redirects. Credential material never leaves the origin: on
// a hop to another scheme, host or port the credential's headers (basic
// auth included) and query parameters are dropped, and a hop that would
// repeat a body holding credential fields is refused, since fields cannot
// be taken out of an encoded body reliably. A credential restricted to
// allowed domains fails on a hop elsewhere (C5).
func checkRedirect(pol requestPolicy, req *http.Request, via []*http.Request) error {
	if pol.noRedirects {
		return http.ErrUseLastResponse
	}
	// via holds every request sent so far: the 22nd request is the 21st
	// redirect, which axios still follows; the next one fails.
	if len(via) > maxRedirects {
		return fmt.Errorf("Maximum number of redirects exceeded (%d), last at %s", maxRedirects, redactURL(req.URL))
	}
	if pol.guard != nil {
		if err := pol.guard.checkHost(req.URL.Hostname()); err != nil {
			return err
		}
	}
	crossOrigin := !sameHost(req.URL, via[0].URL)
	if crossOrigin {
		for _, h := range pol.credentialHeaders {
			delete(req.Header, h)
			req.Header.Del(h)
		}
		if c := pol.cred; c != nil {
			host := strings.TrimSuffix(strings.ToLower(req.URL.Hostname()), ".")
			if c.domains.restricted && host != strings.TrimSuffix(strings.ToLower(via[0].URL.Hostname()), ".") && !hostAllowed(host, c.domains.list) {
				return &domainError{host: host, allowed: strings.TrimPrefix(via[0].URL.Hostname()+", "+c.domains.list, ", ")}
			}
			dropQuery(req.URL, c.auth.Query)
		}
	}
	if err := redirectAsAxios(req, via); err != nil {
		return err
	}
	if c := pol.cred; crossOrigin && c != nil && len(c.auth.Body) > 0 && req.Body != nil && req.Body != http.NoBody {
		return &credentialBodyRedirectError{host: req.URL.Host}
	}
	return nil
}

// credentialBodyRedirectError is a redirect to another origin refused
// because it would repeat a body that holds credential fields.
type credentialBodyRedirectError struct{ host string }

func (e *credentialBodyRedirectError) Error() string {
	return fmt.Sprintf("the server redirected to another host (%s) with the request body, which holds the credential; "+
		"noderun does not send credentials to another host", e.host)
}

// dropQuery removes the credential's query parameters from a redirect
// target: a server may echo them into its Location.
func dropQuery(u *url.URL, params []credentials.Pair) {
	if len(params) == 0 || u.RawQuery == "" {
		return
	}
	pairs := strings.Split(u.RawQuery, "&")
	kept := pairs[:0]
	for _, pair := range pairs {
		key, _, _ := strings.Cut(pair, "=")
		if k, err := url.QueryUnescape(key); err == nil {
			key = k
		}
		if !slices.ContainsFunc(params, func(f credentials.Pair) bool { return f.Name == key }) {
			kept = append(kept, pair)
		}
	}
	u.RawQuery = strings.Join(kept, "&")
}

// redirectAsAxios makes the next hop what axios (follow-redirects) sends:
// only a POST answered 301/302, or any method but GET/HEAD answered 303,
// becomes a GET without body; any other 301/302/303 repeats the method,
// the body and the Content-* headers (testdata/parity 552). Go would turn
// every 301/302/303 into a body-less GET without Content-Type. Go also
// adds a Referer, which axios never sends and which would carry the
// previous URL, query included, to the next host.
func redirectAsAxios(req *http.Request, via []*http.Request) error {
	prev := via[len(via)-1]
	if _, explicit := via[0].Header["Referer"]; !explicit {
		req.Header.Del("Referer")
	}
	if req.Response == nil {
		return nil
	}
	switch code := req.Response.StatusCode; {
	case code == http.StatusTemporaryRedirect || code == http.StatusPermanentRedirect:
		return nil // Go repeats method, body and headers, as axios does
	case (code == http.StatusMovedPermanently || code == http.StatusFound) && prev.Method == http.MethodPost,
		code == http.StatusSeeOther && prev.Method != http.MethodGet && prev.Method != http.MethodHead:
		return nil // both switch to a GET without body or Content-* headers
	}
	req.Method = prev.Method
	if prev.GetBody != nil && prev.ContentLength != 0 {
		body, err := prev.GetBody()
		if err != nil {
			return err
		}
		req.Body, req.GetBody, req.ContentLength = body, prev.GetBody, prev.ContentLength
	}
	for k, vs := range prev.Header {
		if _, ok := req.Header[k]; !ok && strings.HasPrefix(http.CanonicalHeaderKey(k), "Content-") {
			req.Header[k] = vs
		}
	}
	return nil
}

func sameHost(a, b *url.URL) bool {
	return strings.EqualFold(a.Hostname(), b.Hostname()) && a.Port() == b.Port() && a.Scheme == b.Scheme
}

// redactURL drops user info and the query, which may hold secrets.
func redactURL(u *url.URL) string {
	c := *u
	c.User = nil
	c.RawQuery = ""
	return c.String()
}

// errReplayStopped is the failure of a request whose connections kept
// failing before the response: the replay guard stopped Go's transport
// from trying yet another one.
var errReplayStopped = errors.New("the server closed the connection before answering, twice")

// replayGuard bounds the replays Go's HTTP/1 transport makes on its own:
// when a reused keep-alive connection fails before the response, it sends
// an idempotent request (or one it has not written) again on another
// pooled connection, and against a server that resets that request every
// time it goes on through the whole pool — dozens of requests per attempt.
// One replay is kept, for the connection a server closed just as the
// request went out; a second is stopped before it is written, so that
// RetryPolicy alone decides how often a failing request is repeated.
type replayGuard struct {
	conns   atomic.Int32 // connections taken since the last response
	stopped atomic.Bool
	cancel  context.CancelFunc
}

func (g *replayGuard) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			// HTTP/2 retries only requests the server did not process,
			// a bounded number of times, on a shared connection.
			if isHTTP2(info.Conn) || g.conns.Add(1) <= 2 {
				return
			}
			g.stopped.Store(true)
			g.cancel()
			// The connection is this request's alone until its response:
			// closing it keeps the request off the wire, which cancelling
			// alone may not.
			_ = info.Conn.Close()
		},
		GotFirstResponseByte: func() { g.conns.Store(0) }, // a redirect's next hop starts afresh
	}
}

// replayable reports whether Go's transport may send the request again by
// itself (net/http's Request.isReplayable): only those need the guard.
func replayable(hr *httpRequest) bool {
	switch hr.method {
	case "GET", "HEAD", "OPTIONS", "TRACE":
		return true
	}
	return headerLookup(hr.headers, "Idempotency-Key") != "" || headerLookup(hr.headers, "X-Idempotency-Key") != ""
}

func isHTTP2(c net.Conn) bool {
	tc, ok := c.(*tls.Conn)
	return ok && tc.ConnectionState().NegotiatedProtocol == "h2"
}

// response is a received HTTP response with its body read.
type response struct {
	status     int
	statusText string
	headers    http.Header
	body       []byte
}

// value parses the body as n8n does (O1): JSON whatever the content type,
// else text; an empty body is "".
func (r *response) value() any {
	if len(r.body) == 0 {
		return ""
	}
	body := node.WellFormedUTF8(r.body) // as Node.js decodes it before JSON.parse
	if v, err := node.ParseJSON(body); err == nil {
		return v
	}
	return string(body)
}

// headerMap is $response.headers: lower-case names, values joined.
func (r *response) headerMap() map[string]any {
	m := make(map[string]any, len(r.headers))
	for k, vs := range r.headers {
		name := strings.ToLower(k)
		if name == "set-cookie" {
			list := make([]any, len(vs))
			for i, v := range vs {
				list[i] = v
			}
			m[name] = list
			continue
		}
		m[name] = strings.Join(vs, ", ")
	}
	return m
}

// errTooLarge marks a response body over the size limit.
type errTooLarge struct{ limit int64 }

func (e errTooLarge) Error() string {
	return fmt.Sprintf("the response body is larger than the limit of %d bytes", e.limit)
}

// requestScope is the context and the inactivity timer that one worker's
// requests share, one request at a time. A request then makes no context,
// cancel function or timer of its own, and does not register a child with
// the run's context, whose lock every worker would take twice per request.
// The zero value with a parent is ready; close releases it.
type requestScope struct {
	parent context.Context
	cur    *scopeState // nil until the first request, and after a cancel
}

// scopeState is one context of a scope with the timer that cancels it.
// Once cancelled it is dropped, never reused: a timer that fired late
// cancels only its own state.
type scopeState struct {
	ctx      context.Context
	cancel   context.CancelFunc
	timer    *time.Timer
	timedOut atomic.Bool
	// The same timer enforces the overall deadline of a request
	// (Engine.RequestDeadline), which progress does not restart: it is
	// armed for the inactivity timeout or the time left before the
	// deadline, whichever is shorter, so a request costs no second timer.
	// deadlineAt is that deadline in nanoseconds since epoch (monotonic),
	// zero for none.
	epoch        time.Time
	deadlineAt   atomic.Int64
	pastDeadline atomic.Bool
}

// begin returns the scope's state for a request, its timer armed for the
// inactivity timeout and the deadline (none when not positive).
func (sc *requestScope) begin(timeout, deadline time.Duration) *scopeState {
	s := sc.cur
	if s == nil {
		s = &scopeState{epoch: time.Now()}
		s.ctx, s.cancel = context.WithCancel(sc.parent)
		s.setDeadline(deadline)
		s.timer = time.AfterFunc(s.wait(timeout), func() {
			if d := s.deadlineAt.Load(); d != 0 && int64(time.Since(s.epoch)) >= d {
				s.pastDeadline.Store(true)
			} else {
				s.timedOut.Store(true)
			}
			s.cancel()
		})
		sc.cur = s
		return s
	}
	s.setDeadline(deadline)
	s.timer.Reset(s.wait(timeout))
	return s
}

func (s *scopeState) setDeadline(deadline time.Duration) {
	if deadline <= 0 {
		s.deadlineAt.Store(0)
		return
	}
	s.deadlineAt.Store(int64(time.Since(s.epoch) + deadline))
}

// wait is how long the timer waits from now: the inactivity timeout,
// shortened to what is left before the deadline.
func (s *scopeState) wait(timeout time.Duration) time.Duration {
	d := s.deadlineAt.Load()
	if d == 0 {
		return timeout
	}
	return min(timeout, time.Duration(d-int64(time.Since(s.epoch))))
}

// progress restarts the inactivity timeout after body bytes arrived.
func (s *scopeState) progress(timeout time.Duration) { s.timer.Reset(s.wait(timeout)) }

// end disarms the timer after a request and drops the state when
// anything cancelled it: the timer, or the replay guard.
func (sc *requestScope) end(s *scopeState) {
	if !s.timer.Stop() || s.ctx.Err() != nil {
		s.cancel()
		sc.cur = nil
	}
}

// close releases the scope's context from its parent.
func (sc *requestScope) close() {
	if sc.cur != nil {
		sc.cur.timer.Stop()
		sc.cur.cancel()
		sc.cur = nil
	}
}

// abortError is the error of a request its scope aborted, or err.
func (s *scopeState) abortError(err error, deadline time.Duration) error {
	switch {
	case s.pastDeadline.Load():
		return fmt.Errorf("%w: %v", deadlineError{deadline}, err)
	case s.timedOut.Load():
		return fmt.Errorf("%w: %v", errTimeout, err)
	}
	return err
}

// roundTrip sends one request once: the Request Options timeout is an
// inactivity limit, as in n8n (X4), re-armed whenever body bytes arrive.
// sc is the calling worker's scope, or nil for a scope of this request
// alone; it is used only for requests under its parent context.
func (e *Engine) roundTrip(ctx context.Context, hr *httpRequest, sc *requestScope) (*response, error) {
	// Waiting for a slot is not inactivity: take it before the timers start.
	if err := e.acquireInFlight(ctx); err != nil {
		return nil, err
	}
	defer e.releaseInFlight()
	if sc == nil || sc.parent != ctx {
		sc = &requestScope{parent: ctx}
		defer sc.close()
	}
	deadline := e.requestDeadline(hr.timeout)
	s := sc.begin(hr.timeout, deadline)
	defer sc.end(s)
	ctx = s.ctx
	var guard *replayGuard
	if replayable(hr) {
		guard = &replayGuard{cancel: s.cancel}
		ctx = httptrace.WithClientTrace(ctx, guard.trace())
	}
	var body io.Reader
	if hr.body != nil {
		body = bytes.NewReader(hr.body)
	}
	req, err := http.NewRequestWithContext(ctx, hr.method, hr.url, body)
	if err != nil {
		return nil, err
	}
	if err := e.checkHost(req.URL.Hostname()); err != nil {
		return nil, err
	}
	// One map of the right size and one backing array for the values,
	// instead of growing the map and a slice per header.
	req.Header = make(http.Header, len(hr.headers)+1)
	values := make([]string, len(hr.headers)+1)
	for i, h := range hr.headers {
		// Set the name as written: Api-Access-Token must not become a
		// canonical variant, and case-different names stay distinct (C2).
		if prev, ok := req.Header[h.name]; ok {
			req.Header[h.name] = append(prev, h.value) // cap 1: copies
			continue
		}
		values[i] = h.value
		req.Header[h.name] = values[i : i+1 : i+1]
	}
	if headerLookup(hr.headers, "User-Agent") == "" {
		values[len(hr.headers)] = userAgent
		req.Header["User-Agent"] = values[len(hr.headers):]
	}
	resp, err := e.do(hr, req)
	if err != nil {
		if s.timedOut.Load() || s.pastDeadline.Load() {
			return nil, s.abortError(err, deadline)
		}
		if guard != nil && guard.stopped.Load() {
			return nil, errReplayStopped
		}
		return nil, err
	}
	defer resp.Body.Close()
	limit := e.maxResponseBytes()
	if resp.ContentLength > limit {
		return nil, errTooLarge{limit}
	}
	data, err := readAll(resp.Body, resp.ContentLength, limit, func() { s.progress(hr.timeout) })
	if err != nil {
		return nil, s.abortError(err, deadline)
	}
	text := resp.Status
	if i := strings.IndexByte(text, ' '); i >= 0 {
		text = text[i+1:]
	}
	return &response{status: resp.StatusCode, statusText: text, headers: resp.Header, body: data}, nil
}

// chunks pools the read buffers of bodies of unknown length.
var chunks = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// readAll reads a body of at most limit bytes, calling progress after each
// read that may be followed by another, so the inactivity timer restarts. A body of known length is read
// into one exact allocation.
func readAll(r io.Reader, contentLength, limit int64, progress func()) ([]byte, error) {
	if contentLength >= 0 {
		buf := make([]byte, contentLength)
		off := 0
		for off < len(buf) {
			n, err := r.Read(buf[off:min(len(buf), off+64<<10)])
			off += n
			if n > 0 && off < len(buf) {
				progress() // more to come; the last read needs no restart
			}
			if err == io.EOF && off < len(buf) {
				return nil, io.ErrUnexpectedEOF
			}
			if err != nil && err != io.EOF {
				return nil, err
			}
		}
		return buf, nil
	}
	chunk := chunks.Get().(*[]byte)
	defer chunks.Put(chunk)
	var out []byte
	for {
		n, err := r.Read(*chunk)
		if n > 0 {
			if int64(len(out)+n) > limit {
				return nil, errTooLarge{limit}
			}
			out = append(out, (*chunk)[:n]...)
			progress()
		}
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// RetryPolicy retries single requests that failed for transient reasons:
// 429, 502, 503, 504 and connection errors. A request whose body may have
// reached the server (anything but a refused connection, a DNS failure or
// a 429) is retried only when its method is idempotent, unless
// RetryNonIdempotent is set. The zero value is the default policy.
type RetryPolicy struct {
	// Disabled turns retries off.
	Disabled bool
	// MaxAttempts counts the first try. Zero means 3.
	MaxAttempts int
	// BaseDelay is the first backoff; it doubles each attempt, with full
	// jitter. Zero means 200 ms.
	BaseDelay time.Duration
	// MaxDelay caps one wait, including a server's Retry-After. Zero means 10 s.
	MaxDelay time.Duration
	// Budget caps the total time spent waiting for one request. Zero means 30 s.
	Budget time.Duration
	// RetryNonIdempotent allows retrying POST and PATCH after their body
	// may have reached the server.
	RetryNonIdempotent bool
}

func (rp RetryPolicy) attempts() int {
	if rp.Disabled {
		return 1
	}
	if rp.MaxAttempts > 0 {
		return rp.MaxAttempts
	}
	return 3
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// idempotent methods may be repeated safely (RFC 9110 §9.2.2).
func idempotent(method string) bool {
	switch method {
	case "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE":
		return true
	}
	return false
}

// retryable decides whether a failed attempt may be repeated.
func (rp RetryPolicy) retryable(method string, ne *NodeError) bool {
	if ne == nil {
		return false
	}
	switch {
	case ne.unsent:
		return true
	case ne.status == http.StatusTooManyRequests:
		return true // the server refused the request without acting on it
	case ne.status == http.StatusBadGateway, ne.status == http.StatusServiceUnavailable,
		ne.status == http.StatusGatewayTimeout, ne.status == 0 && ne.code != "":
		return idempotent(method) || rp.RetryNonIdempotent
	}
	return false
}

// backoff returns the wait before attempt n (1-based retries).
func (rp RetryPolicy) backoff(n int, retryAfter time.Duration) time.Duration {
	maxDelay := orDefault(rp.MaxDelay, 10*time.Second)
	if retryAfter > 0 {
		return min(retryAfter, maxDelay)
	}
	d := orDefault(rp.BaseDelay, 200*time.Millisecond) << (n - 1)
	if d <= 0 || d > maxDelay {
		d = maxDelay
	}
	return time.Duration(rand.Int64N(int64(d)) + 1)
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func parseRetryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if secs, err := strconv.Atoi(h); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// send sends a request with the engine's retry policy and rate limit and
// turns HTTP errors into NodeErrors (F4, F5), in the worker's request scope
// sc (nil for none). The error is always a *NodeError or the context's
// error.
func (p *Prepared) send(ctx context.Context, hr *httpRequest, sc *requestScope) (*response, error) {
	e := p.engine
	policy := e.Retry
	start := time.Now()
	budget := orDefault(policy.Budget, 30*time.Second)
	withCredential := p.cred != nil
	for attempt := 1; ; attempt++ {
		if err := p.waitRateLimit(ctx); err != nil {
			return nil, err
		}
		var sent time.Time
		debug := p.log.Debug().Enabled() // no allocation and no work when debug is off
		if debug {
			sent = time.Now()
		}
		resp, err := e.roundTrip(ctx, hr, sc)
		if debug {
			p.logRequest(hr, resp, err, attempt, time.Since(sent))
		}
		var ne *NodeError
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil:
			var tooLarge errTooLarge
			if errors.As(err, &tooLarge) {
				return nil, &NodeError{Name: NameNodeAPIError, ItemIndex: -1, Message: "The response is too large",
					Description: tooLarge.Error() + "; raise Engine.MaxResponseBytes (CLI: --max-response-bytes) to accept it", Cause: err}
			}
			if ne := refusedError(err); ne != nil {
				return nil, p.redactNodeError(ne)
			}
			ne = networkError(p.redactErr(err), int(hr.timeout/time.Millisecond), withCredential)
			var past deadlineError
			if errors.As(err, &past) {
				ne.Description = past.Error() + "; the whole request, however steadily the server sends, is limited by " +
					"Engine.RequestDeadline (CLI: --request-deadline), which may be raised"
			}
			// Go's transport replays a POST or PATCH only when it wrote
			// nothing of it (or the caller sent an Idempotency-Key), so a
			// stopped replay is safe to retry whatever the method.
			ne.unsent = ne.unsent || errors.Is(err, errReplayStopped)
		case hr.statusFails(resp.status):
			ne = httpError(resp.status, resp.value(), withCredential)
			ne.status = resp.status
			ne.retryAfter = parseRetryAfter(resp.headers.Get("Retry-After"), time.Now())
		default:
			return resp, nil
		}
		if attempt >= policy.attempts() || !policy.retryable(hr.method, ne) {
			return nil, p.redactNodeError(ne)
		}
		wait := policy.backoff(attempt, ne.retryAfter)
		if time.Since(start)+wait > budget {
			return nil, p.redactNodeError(ne)
		}
		p.log.Debug().Str("method", hr.method).Str("url", p.redactString(hr.url)).Int("attempt", attempt).
			Str("httpCode", ne.HTTPCode).Dur("wait", wait).Msg("retrying request")
		if err := e.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// logRequest logs one HTTP exchange at debug level: method, URL (secrets
// masked), status or error, and how long it took.
func (p *Prepared) logRequest(hr *httpRequest, resp *response, err error, attempt int, took time.Duration) {
	ev := p.log.Debug().Str("method", hr.method).Str("url", p.redactString(hr.url)).Int("attempt", attempt)
	if err != nil {
		ev = ev.Str("error", p.redactString(err.Error()))
	} else {
		ev = ev.Int("status", resp.status)
	}
	ev.Dur("duration", took).Msg("request")
}

func (p *Prepared) waitRateLimit(ctx context.Context) error {
	e := p.engine
	if e.RateLimit <= 0 {
		return nil
	}
	id := ""
	if p.cred != nil {
		id = p.cred.identity
	}
	l, ok := e.limiters.Load(id)
	if !ok {
		burst := e.RateBurst
		if burst <= 0 {
			burst = 1
		}
		l, _ = e.limiters.LoadOrStore(id, rate.NewLimiter(e.RateLimit, burst))
	}
	return l.(*rate.Limiter).Wait(ctx)
}

// redactString masks the run's secrets in s.
func (p *Prepared) redactString(s string) string { return p.redactor().String(s) }

// redactErr returns err with secrets masked from its text, keeping the
// original reachable through Unwrap.
func (p *Prepared) redactErr(err error) error {
	if err == nil || !p.redactor().Contains(err.Error()) {
		return err
	}
	return redactedError{msg: p.redactString(err.Error()), err: err}
}

type redactedError struct {
	msg string
	err error
}

func (r redactedError) Error() string { return r.msg }
func (r redactedError) Unwrap() error { return r.err }

// redactNodeError masks secrets in every text a NodeError carries.
func (p *Prepared) redactNodeError(ne *NodeError) *NodeError {
	r := p.redactor()
	if r == nil {
		return ne
	}
	ne.Message = r.String(ne.Message)
	ne.Description = r.String(ne.Description)
	ne.Body = redactValue(r.String, ne.Body)
	ne.Cause = p.redactErr(ne.Cause)
	return ne
}

func redactValue(mask func(string) string, v any) any {
	switch t := v.(type) {
	case string:
		return mask(t)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[mask(k)] = redactValue(mask, x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = redactValue(mask, x)
		}
		return out
	}
	return v
}
