package chatwootsim

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRoutingDetails(t *testing.T) {
	c := newClient(t, Options{})
	sd := c.ts.Seed()
	tests := []struct {
		name   string
		r      req
		status int
		ctype  string
		body   string
	}{
		{"trailing slash is ignored", req{method: "GET", path: acct(sd, fmt.Sprintf("/inboxes/%d/", sd.InboxID)), token: sd.AdminToken}, 200, ctJSON, ""},
		{".json suffix is accepted", req{method: "GET", path: acct(sd, "/teams.json"), token: sd.AdminToken}, 200, ctJSON, ""},
		{"unmatched route without Accept is the HTML 404 page", req{method: "GET", path: "/public/api/v1/inboxes/x/contacts"}, 404, ctHTML, "The page you were looking for doesn't exist."},
		{"unmatched route with Accept json", req{method: "GET", path: "/public/api/v1/inboxes/x/contacts", header: http.Header{"Accept": {"application/json"}}}, 404, ctJSON, `{"status":404,"error":"Not Found"}`},
		{"wrong method is no route", req{method: "DELETE", path: acct(sd, "/conversations/1"), token: sd.AdminToken, header: http.Header{"Accept": {"application/json"}}}, 404, ctJSON, `{"status":404,"error":"Not Found"}`},
		{"malformed JSON", req{method: "POST", path: acct(sd, "/teams"), token: sd.AdminToken, body: `{"name":`}, 400, ctJSON, `{"status":400,"error":"Bad Request"}`},
		{"GET /api", req{method: "GET", path: "/api"}, 200, ctJSON, `"version":"3.2.0"`},
		{"form-encoded nested wrapper", req{method: "POST", path: acct(sd, "/teams"), token: sd.AdminToken, body: "team[name]=Escalations&team[allow_auto_assign]=false", ctype: "application/x-www-form-urlencoded"}, 200, ctJSON, `"name":"escalations"`},
		{"form-encoded flat body misses the wrapper", req{method: "POST", path: acct(sd, "/teams"), token: sd.AdminToken, body: "name=Ops", ctype: "application/x-www-form-urlencoded"}, 422, ctJSON, `{"error":"param is missing or the value is empty: team"}`},
		{"JSON flat body keeps model attributes only", req{method: "POST", path: acct(sd, "/teams"), token: sd.AdminToken, body: map[string]any{"bogus": 1}}, 422, ctJSON, `{"error":"param is missing or the value is empty: team"}`},
		{"HTML is escaped like ActiveSupport", req{method: "POST", path: acct(sd, "/canned_responses"), token: sd.AdminToken, body: map[string]any{"short_code": "x", "content": "<b>&</b>"}}, 200, ctJSON, `\u003cb\u003e\u0026\u003c/b\u003e`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			res := c.do(tt.r)
			require.Equal(t, tt.status, res.status, "body: %s", res.body)
			assert.Equal(t, tt.ctype, res.header.Get("Content-Type"))
			if strings.HasPrefix(tt.body, "{") && strings.HasSuffix(tt.body, "}") {
				assert.JSONEq(t, tt.body, string(res.body))
			} else {
				assert.Contains(t, string(res.body), tt.body)
			}
		})
	}
}

func TestRailsHeadersAndCORS(t *testing.T) {
	c := newClient(t, Options{})
	sd := c.ts.Seed()
	res := c.do(req{method: "GET", path: acct(sd, "/teams"), token: sd.AdminToken})
	assert.Equal(t, "max-age=0, private, must-revalidate", res.header.Get("Cache-Control"))
	assert.True(t, strings.HasPrefix(res.header.Get("ETag"), `W/"`))
	assert.Len(t, res.header.Get("X-Request-Id"), 36)

	c.ck = nil // OPTIONS and HEAD are Rails conveniences outside the contract
	pre := c.do(req{method: "OPTIONS", path: "/public/api/v1/inboxes/" + sd.InboxIdentifier, header: http.Header{
		"Origin": {"https://shop.test"}, "Access-Control-Request-Method": {"POST"}, "Access-Control-Request-Headers": {"content-type"}}})
	assert.Equal(t, 200, pre.status)
	assert.Equal(t, "*", pre.header.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "content-type", pre.header.Get("Access-Control-Allow-Headers"))
	cors := c.do(req{method: "GET", path: "/public/api/v1/inboxes/" + sd.InboxIdentifier, header: http.Header{"Origin": {"https://shop.test"}}})
	assert.Equal(t, "*", cors.header.Get("Access-Control-Allow-Origin"))
	noCors := c.do(req{method: "GET", path: acct(sd, "/teams"), token: sd.AdminToken, header: http.Header{"Origin": {"https://shop.test"}}})
	assert.Empty(t, noCors.header.Get("Access-Control-Allow-Origin"), "CORS is for /public/api only")

	head := c.do(req{method: "HEAD", path: acct(sd, "/teams"), token: sd.AdminToken})
	assert.Equal(t, 200, head.status)
	assert.Empty(t, head.body)
}

func TestRateLimit(t *testing.T) {
	now := fixedNow
	c := newClient(t, Options{RateLimit: 2, Now: func() time.Time { return now }})
	sd := c.ts.Seed()
	for i := 0; i < 2; i++ {
		assert.Equal(t, 200, c.do(req{method: "GET", path: acct(sd, "/teams"), token: sd.AdminToken}).status)
	}
	res := c.do(req{method: "GET", path: acct(sd, "/teams"), token: sd.AdminToken})
	assert.Equal(t, 429, res.status)
	assert.Equal(t, "Retry later\n", string(res.body))
	assert.Equal(t, "text/plain", res.header.Get("Content-Type"))
	assert.Empty(t, res.header.Get("Retry-After"))
	now = now.Add(time.Minute)
	assert.Equal(t, 200, c.do(req{method: "GET", path: acct(sd, "/teams"), token: sd.AdminToken}).status, "a new window")
}

func TestDeterministicSeed(t *testing.T) {
	a, b := New(Options{}).Seed(), New(Options{}).Seed()
	assert.Equal(t, a, b, "the same options give the same tokens and identifiers")
	other := New(Options{Seed: 7}).Seed()
	assert.NotEqual(t, a.AdminToken, other.AdminToken)
	assert.Equal(t, a.AccountID, other.AccountID, "ids do not depend on the seed")
	for _, tok := range []string{a.AdminToken, a.AgentToken, a.BotToken, a.PlatformAppToken, a.InboxIdentifier} {
		assert.Len(t, tok, 24)
		assert.NotContains(t, tok, "0", "base58 has no 0, O, I or l")
	}

	empty := New(Options{NoDemoData: true}).Seed()
	assert.NotEmpty(t, empty.PlatformAppToken)
	assert.Zero(t, empty.AccountID)
}

func TestProvisionFromScratch(t *testing.T) {
	c := newClient(t, Options{NoDemoData: true})
	tok := c.ts.Seed().PlatformAppToken
	acc := c.do(req{method: "POST", path: "/platform/api/v1/accounts", token: tok, body: map[string]any{"name": "Fresh"}}).obj()
	user := c.do(req{method: "POST", path: "/platform/api/v1/users", token: tok, body: map[string]any{"name": "Root", "email": "root@fresh.test", "password": "Passw0rd!"}}).obj()
	au := c.do(req{method: "POST", path: fmt.Sprintf("/platform/api/v1/accounts/%d/account_users", num(acc["id"])), token: tok,
		body: map[string]any{"user_id": num(user["id"]), "role": "administrator"}})
	require.Equal(t, 200, au.status)
	userTok := user["access_token"].(string)
	inbox := c.do(req{method: "POST", path: fmt.Sprintf("/api/v1/accounts/%d/inboxes", num(acc["id"])), token: userTok,
		body: map[string]any{"name": "API", "channel": map[string]any{"type": "api"}}})
	require.Equal(t, 200, inbox.status, "body: %s", inbox.body)
	assert.Equal(t, 1, num(inbox.obj()["id"]))
}

func TestListenAndServe(t *testing.T) {
	s := New(Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/api")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(body), `"queue_services":"ok"`)
	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after the context ended")
	}
	http.DefaultClient.CloseIdleConnections()

	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	assert.NoError(t, s.ListenAndServe(ctx2, "127.0.0.1:0"))
	assert.Error(t, s.ListenAndServe(context.Background(), "256.0.0.1:bad"))
}

// TestRouteTableMatchesSpec checks the route table names every operation of the spec.
func TestRouteTableMatchesSpec(t *testing.T) {
	ck := specChecker(t)
	assert.ElementsMatch(t, ck.Operations(), New(Options{}).Operations())
}

func TestSeedDescribe(t *testing.T) {
	sd := New(Options{}).Seed()
	out := sd.Describe("http://127.0.0.1:3000")
	for _, want := range []string{"http://127.0.0.1:3000", sd.AdminToken, sd.AgentToken, sd.BotToken, sd.PlatformAppToken, sd.InboxIdentifier, sd.ContactSourceID} {
		assert.Contains(t, out, want)
	}
	assert.Contains(t, New(Options{NoDemoData: true}).Seed().Describe("http://x"), "no demo data")
}
