package chatwootsim

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// FaultAction is what an injected fault does after its latency.
type FaultAction int

const (
	// ActionNone only delays the request (Fault.Latency) and then serves it normally.
	ActionNone FaultAction = iota
	// ActionStatus answers with Fault.Status, Body and Header instead of running the action.
	ActionStatus
	// ActionReset resets the TCP connection before any response byte is sent.
	ActionReset
	// ActionResetMidBody sends the status line, headers and Fault.AfterBytes bytes of the real
	// body, then resets the connection.
	ActionResetMidBody
	// ActionTruncate sends the headers (announcing the full Content-Length) and Fault.AfterBytes
	// bytes of the real body, then closes the connection cleanly: the client sees an early EOF.
	ActionTruncate
	// ActionSlowBody sends the real body in Fault.ChunkSize pieces, Fault.ChunkDelay apart.
	ActionSlowBody
)

// Fault is an injected failure. It matches requests by method and path prefix (and Match, when
// set) and fires on every matching request, or only on the next Times of them.
type Fault struct {
	Method     string                   // "" matches any method
	PathPrefix string                   // "" matches any path; compared with URL.Path
	Match      func(*http.Request) bool // optional extra condition
	Times      int                      // 0 = always; N = the next N matching requests

	Latency time.Duration // slept before anything else (before headers); ends early if the client goes away
	Action  FaultAction

	Status int         // ActionStatus: the status (default 500)
	Body   string      // ActionStatus: the body (default: the real server's body for that status)
	Header http.Header // ActionStatus: extra headers (Content-Type defaults from the body)

	AfterBytes int // ActionResetMidBody, ActionTruncate: body bytes sent before the failure

	ChunkSize  int           // ActionSlowBody: bytes per write (default 1)
	ChunkDelay time.Duration // ActionSlowBody: pause between writes
}

// FaultID names an injected fault.
type FaultID int

// RateLimited is the rack-attack throttle answer: 429, text/plain "Retry later\n", no Retry-After.
func RateLimited() Fault { return Fault{Action: ActionStatus, Status: http.StatusTooManyRequests} }

// StatusFault answers status with the real server's body for it (or body when given).
func StatusFault(status int, body string) Fault {
	return Fault{Action: ActionStatus, Status: status, Body: body}
}

type faultRule struct {
	id   FaultID
	f    Fault
	hits int
	done bool
}

type faultSet struct {
	mu    sync.Mutex
	next  FaultID
	rules []*faultRule
}

// InjectFault installs a fault and returns its id. Faults are tried in installation order; the
// first one that matches a request fires.
func (s *Server) InjectFault(f Fault) FaultID {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.next++
	s.faults.rules = append(s.faults.rules, &faultRule{id: s.faults.next, f: f})
	return s.faults.next
}

// RemoveFault uninstalls one fault.
func (s *Server) RemoveFault(id FaultID) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	for i, r := range s.faults.rules {
		if r.id == id {
			s.faults.rules = append(s.faults.rules[:i], s.faults.rules[i+1:]...)
			return
		}
	}
}

// ClearFaults uninstalls every fault.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.rules = nil
}

// FaultHits says how many requests a fault has fired on.
func (s *Server) FaultHits(id FaultID) int {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	for _, r := range s.faults.rules {
		if r.id == id {
			return r.hits
		}
	}
	return 0
}

// take returns the fault that fires for r, consuming one of its Times.
func (fs *faultSet) take(r *http.Request) *Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, rule := range fs.rules {
		if rule.done || !rule.f.matches(r) {
			continue
		}
		rule.hits++
		if rule.f.Times > 0 && rule.hits >= rule.f.Times {
			rule.done = true
		}
		f := rule.f
		return &f
	}
	return nil
}

func (f *Fault) matches(r *http.Request) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
		return false
	}
	if f.PathPrefix != "" && !strings.HasPrefix(r.URL.Path, f.PathPrefix) {
		return false
	}
	if f.Match != nil && !f.Match(r) {
		return false
	}
	return true
}

// response builds the injected answer of an ActionStatus fault.
func (f *Fault) response() *response {
	status := f.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	body, ct := f.Body, ""
	if body == "" {
		switch status {
		case http.StatusTooManyRequests:
			body, ct = "Retry later\n", ctText
		case http.StatusUnauthorized:
			body, ct = `{"error":"Invalid Access Token"}`, ctJSON
		case http.StatusNotFound:
			body, ct = `{"error":"Resource could not be found"}`, ctJSON
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			// What an nginx in front of Puma says.
			text := map[int]string{502: "Bad Gateway", 503: "Service Temporarily Unavailable", 504: "Gateway Time-out"}[status]
			body = fmt.Sprintf("<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
				status, text, status, text)
			ct = "text/html"
		default:
			body, ct = fmt.Sprintf(`{"status":%d,"error":%q}`, status, http.StatusText(status)), ctJSON
		}
	} else if strings.HasPrefix(strings.TrimSpace(body), "{") || strings.HasPrefix(strings.TrimSpace(body), "[") {
		ct = ctJSON
	} else {
		ct = ctText
	}
	resp := newResponse(status, ct, []byte(body))
	for k, vs := range f.Header {
		resp.header[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	return resp
}

// resetConn aborts the connection with a TCP RST (SO_LINGER 0) so the client sees ECONNRESET.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	hardClose(conn)
}

func hardClose(conn net.Conn) {
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// writeDamaged writes resp through a body-damaging fault.
func (s *Server) writeDamaged(w http.ResponseWriter, r *http.Request, resp *response, f *Fault) {
	if f.Action != ActionResetMidBody && f.Action != ActionTruncate && f.Action != ActionSlowBody {
		s.write(w, r, resp)
		return
	}
	s.finish(r, resp)
	switch f.Action {
	case ActionResetMidBody, ActionTruncate:
		hj, ok := w.(http.Hijacker)
		if !ok {
			panic(http.ErrAbortHandler)
		}
		conn, brw, err := hj.Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		n := f.AfterBytes
		if n > len(resp.body) {
			n = len(resp.body)
		}
		if n < 0 {
			n = 0
		}
		fmt.Fprintf(brw, "HTTP/1.1 %d %s\r\n", resp.status, http.StatusText(resp.status))
		h := resp.header.Clone()
		// finish stamped Date from the server clock.
		_ = h.Write(brw)
		_, _ = brw.WriteString("\r\n")
		_, _ = brw.Write(resp.body[:n])
		_ = brw.Flush()
		if f.Action == ActionResetMidBody {
			hardClose(conn)
			return
		}
		_ = conn.Close()
	case ActionSlowBody:
		for k, vs := range resp.header {
			w.Header()[k] = vs
		}
		w.WriteHeader(resp.status)
		flusher, _ := w.(http.Flusher)
		size := f.ChunkSize
		if size <= 0 {
			size = 1
		}
		for i := 0; i < len(resp.body); i += size {
			end := i + size
			if end > len(resp.body) {
				end = len(resp.body)
			}
			if _, err := w.Write(resp.body[i:end]); err != nil {
				return
			}
			if flusher != nil {
				flusher.Flush()
			}
			if end < len(resp.body) && f.ChunkDelay > 0 {
				t := time.NewTimer(f.ChunkDelay)
				select {
				case <-r.Context().Done():
					t.Stop()
					return
				case <-t.C:
				}
			}
		}
	}
}
