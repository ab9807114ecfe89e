package contract

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
)

// Recorder collects the violations seen by Middleware and Transport. It is safe for concurrent
// use; the zero value is ready.
type Recorder struct {
	mu  sync.Mutex
	all []Violation
}

func (r *Recorder) add(vs []Violation) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all = append(r.all, vs...)
}

// All returns every violation seen, explained ones included.
func (r *Recorder) All() []Violation {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Violation(nil), r.all...)
}

// Unexplained returns the violations no known spec error explains, for side "request",
// "response" or "" (both).
func (r *Recorder) Unexplained(side string) []Violation {
	var out []Violation
	for _, v := range r.All() {
		if v.Known == nil && (side == "" || v.Side == side) {
			out = append(out, v)
		}
	}
	return out
}

// Err is an *Error listing the unexplained violations of side ("" for both), or nil.
func (r *Recorder) Err(side string) error {
	vs := r.Unexplained(side)
	if len(vs) == 0 {
		return nil
	}
	return &Error{Violations: vs}
}

// Reset forgets what was recorded.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all = nil
}

// Middleware wraps a server (e.g. the simulator) and records the violations of every request it
// receives and every response it gives. Hijacked connections are passed through unchecked.
func (c *Checker) Middleware(next http.Handler, rec *Recorder) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := readAndRestore(&r.Body)
		if err != nil {
			http.Error(w, "contract: reading request body: "+err.Error(), http.StatusBadRequest)
			return
		}
		rec.add(c.RequestViolations(r, body))
		cw := &captureWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(cw, r)
		if cw.hijacked {
			return
		}
		rec.add(c.ResponseViolations(r, cw.status, cw.header(), cw.buf.Bytes()))
	})
}

// Transport wraps a client's round tripper (nil means http.DefaultTransport) and records the
// violations of every request it sends and every response it receives.
func (c *Checker) Transport(next http.RoundTripper, rec *Recorder) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		var body []byte
		if r.Body != nil {
			b, err := io.ReadAll(r.Body)
			_ = r.Body.Close()
			if err != nil {
				return nil, err
			}
			body = b
			r2 := r.Clone(r.Context())
			r2.Body = io.NopCloser(bytes.NewReader(b))
			r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
			r = r2
		}
		rec.add(c.RequestViolations(r, body))
		resp, err := next.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		rb, rerr := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(rb))
		if rerr != nil {
			// A damaged body is the caller's to see: replay what arrived, then the error.
			resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(rb), errReader{rerr}))
			return resp, nil
		}
		rec.add(c.ResponseViolations(r, resp.StatusCode, resp.Header, rb))
		return resp, nil
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func readAndRestore(body *io.ReadCloser) ([]byte, error) {
	if *body == nil || *body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(*body)
	_ = (*body).Close()
	*body = io.NopCloser(bytes.NewReader(b))
	return b, err
}

// captureWriter forwards a response while keeping a copy of its status, headers and body.
type captureWriter struct {
	http.ResponseWriter
	status   int
	wrote    bool
	hdr      http.Header
	buf      bytes.Buffer
	hijacked bool
}

func (w *captureWriter) WriteHeader(status int) {
	if !w.wrote {
		w.status, w.wrote = status, true
		w.hdr = w.ResponseWriter.Header().Clone()
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *captureWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	w.buf.Write(p)
	return w.ResponseWriter.Write(p)
}

func (w *captureWriter) header() http.Header {
	if w.hdr == nil {
		return w.ResponseWriter.Header().Clone()
	}
	return w.hdr
}

func (w *captureWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *captureWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("contract: the underlying ResponseWriter cannot hijack")
	}
	w.hijacked = true
	return hj.Hijack()
}
