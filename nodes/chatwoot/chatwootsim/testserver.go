package chatwootsim

import (
	"net/http/httptest"
	"testing"
)

// TestServer is a Server listening on a loopback httptest server.
type TestServer struct {
	*Server
	// URL is the base URL, e.g. http://127.0.0.1:41234 (no trailing slash).
	URL string
	// HTTP is the underlying httptest server; its Client() trusts it.
	HTTP *httptest.Server
}

// NewTestServer starts a simulator for one test; it is closed by t.Cleanup.
func NewTestServer(t testing.TB, opts Options) *TestServer {
	t.Helper()
	s := New(opts)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return &TestServer{Server: s, URL: hs.URL, HTTP: hs}
}
