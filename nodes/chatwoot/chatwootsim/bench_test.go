package chatwootsim

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// serveDirect runs one request through the handler without a network.
func serveDirect(b *testing.B, s *Server, method, path, token, body string) int {
	b.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("api_access_token", token)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w.Code
}

// BenchmarkCreateMessage measures POST .../messages on a conversation of up to 1000 messages (a
// fresh server every 1000 requests keeps the cost from depending on b.N).
func BenchmarkCreateMessage(b *testing.B) {
	s := New(Options{Now: func() time.Time { return fixedNow }})
	sd := s.Seed()
	path := fmt.Sprintf("/api/v1/accounts/%d/conversations/1/messages", sd.AccountID)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if i > 0 && i%1000 == 0 {
			b.StopTimer()
			s = New(Options{Now: func() time.Time { return fixedNow }})
			b.StartTimer()
		}
		if code := serveDirect(b, s, "POST", path, sd.AdminToken, `{"content":"hello","private":true}`); code != http.StatusOK {
			b.Fatalf("status %d", code)
		}
	}
}

// BenchmarkListConversations measures a 25-item conversation page with 500 conversations and
// 2000 messages in the account.
func BenchmarkListConversations(b *testing.B) {
	s := New(Options{Now: func() time.Time { return fixedNow }})
	sd := s.Seed()
	for i := 0; i < 500; i++ {
		body := fmt.Sprintf(`{"inbox_id":%d,"contact_id":%d,"message":{"content":"m%d"}}`, sd.InboxID, sd.ContactID, i)
		if code := serveDirect(b, s, "POST", fmt.Sprintf("/api/v1/accounts/%d/conversations", sd.AccountID), sd.AdminToken, body); code != 200 {
			b.Fatalf("status %d", code)
		}
	}
	for i := 0; i < 1500; i++ {
		path := fmt.Sprintf("/api/v1/accounts/%d/conversations/%d/messages", sd.AccountID, 2+i%500)
		serveDirect(b, s, "POST", path, sd.AdminToken, `{"content":"reply"}`)
	}
	path := fmt.Sprintf("/api/v1/accounts/%d/conversations?status=all", sd.AccountID)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if code := serveDirect(b, s, "GET", path, sd.AdminToken, ""); code != http.StatusOK {
			b.Fatalf("status %d", code)
		}
	}
}
