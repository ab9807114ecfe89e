package chatwootsim

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	signIn      = `{"errors":["You need to sign in or sign up before continuing."]}`
	badToken    = `{"error":"Invalid Access Token"}`
	botRefused  = `{"error":"Access to this endpoint is not authorized for bots"}`
	notMember   = `{"error":"You are not authorized to access this account"}`
	notAllowed  = `{"error":"You are not authorized to do this action"}`
	badPlatform = `{"error":"Invalid access_token"}`
)

func TestAuthMatrix(t *testing.T) {
	c := newClient(t, Options{})
	sd := c.ts.Seed()
	other := fmt.Sprintf("/api/v1/accounts/%d", sd.OtherAccountID)
	hdr := func(k, v string) http.Header { return http.Header{k: {v}} }
	tests := []struct {
		name   string
		r      req
		status int
		body   string // exact JSON, when set
	}{
		{"account API without a token", req{method: "GET", path: acct(sd, "/agents")}, 401, signIn},
		{"unknown token", req{method: "GET", path: acct(sd, "/agents"), token: "not-a-token"}, 401, badToken},
		{"empty header is no header", req{method: "GET", path: acct(sd, "/agents"), header: hdr("Api-Access-Token", "")}, 401, signIn},
		{"Bearer is not accepted", req{method: "GET", path: acct(sd, "/agents"), header: hdr("Authorization", "Bearer "+sd.AdminToken)}, 401, signIn},
		{"query parameter is not accepted", req{method: "GET", path: acct(sd, "/agents?api_access_token="+sd.AdminToken)}, 401, signIn},
		{"Api-Access-Token spelling", req{method: "GET", path: acct(sd, "/agents"), header: hdr("Api-Access-Token", sd.AgentToken)}, 200, ""},
		{"API_ACCESS_TOKEN spelling", req{method: "GET", path: acct(sd, "/agents"), header: hdr("API_ACCESS_TOKEN", sd.AgentToken)}, 200, ""},
		{"hyphen wins over underscore", req{method: "GET", path: acct(sd, "/agents"), header: http.Header{"Api-Access-Token": {sd.AgentToken}, "api_access_token": {"bogus"}}}, 200, ""},
		{"unknown account after a valid token", req{method: "GET", path: "/api/v1/accounts/999/agents", token: sd.AdminToken}, 404, `{"error":"Resource could not be found"}`},
		{"unknown account without a token", req{method: "GET", path: "/api/v1/accounts/999/agents"}, 401, signIn},
		{"user outside the account", req{method: "GET", path: other + "/agents", token: sd.AdminToken}, 401, notMember},
		{"agent on an admin-only action", req{method: "GET", path: acct(sd, "/webhooks"), token: sd.AgentToken}, 401, notAllowed},
		{"agent on reports", req{method: "GET", path: fmt.Sprintf("/api/v2/accounts/%d/reports/summary?type=account", sd.AccountID), token: sd.AgentToken}, 401, notAllowed},
		{"bot on contacts filter", req{method: "POST", path: acct(sd, "/contacts/filter"), token: sd.BotToken, body: map[string]any{"payload": []any{}}}, 401, botRefused},
		{"bot on conversations filter", req{method: "POST", path: acct(sd, "/conversations/filter"), token: sd.BotToken, body: map[string]any{"payload": []any{}}}, 401, botRefused},
		{"bot on labels", req{method: "GET", path: acct(sd, "/conversations/1/labels"), token: sd.BotToken}, 401, botRefused},
		{"bot on toggle_priority (3.x)", req{method: "POST", path: acct(sd, "/conversations/1/toggle_priority"), token: sd.BotToken, body: map[string]any{"priority": "low"}}, 401, botRefused},
		{"bot on profile", req{method: "GET", path: "/api/v1/profile", token: sd.BotToken}, 401, botRefused},
		{"bot on a whitelisted action", req{method: "POST", path: acct(sd, "/conversations/1/messages"), token: sd.BotToken, body: map[string]any{"content": "bot says hi"}}, 200, ""},
		{"bot outside its account", req{method: "POST", path: other + "/conversations", token: sd.BotToken, body: map[string]any{"source_id": "x"}}, 401, notMember},
		{"platform token on the account API", req{method: "GET", path: acct(sd, "/agents"), token: sd.PlatformAppToken}, 401, botRefused},
		{"platform token on a whitelisted action", req{method: "POST", path: acct(sd, "/conversations/1/toggle_status"), token: sd.PlatformAppToken}, 200, ""},
		{"profile without a token", req{method: "GET", path: "/api/v1/profile"}, 401, signIn},
		{"platform API without a token", req{method: "GET", path: "/platform/api/v1/agent_bots"}, 401, badPlatform},
		{"platform API with a user token", req{method: "GET", path: "/platform/api/v1/agent_bots", token: sd.AdminToken}, 401, badPlatform},
		{"platform API with a bot token", req{method: "GET", path: "/platform/api/v1/agent_bots", token: sd.BotToken}, 401, badPlatform},
		{"public API needs no token", req{method: "GET", path: "/public/api/v1/inboxes/" + sd.InboxIdentifier}, 200, ""},
		{"public API ignores tokens", req{method: "GET", path: "/public/api/v1/inboxes/" + sd.InboxIdentifier, token: "garbage"}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			res := c.do(tt.r)
			require.Equal(t, tt.status, res.status, "body: %s", res.body)
			if tt.body != "" {
				assert.JSONEq(t, tt.body, string(res.body))
				assert.Equal(t, "application/json; charset=utf-8", res.header.Get("Content-Type"))
			}
		})
	}
}

func TestSuspendedAccount(t *testing.T) {
	c := newClient(t, Options{})
	sd := c.ts.Seed()
	res := c.do(req{method: "PATCH", path: fmt.Sprintf("/platform/api/v1/accounts/%d", sd.AccountID), token: sd.PlatformAppToken, body: map[string]any{"status": "suspended"}})
	require.Equal(t, 200, res.status, "body: %s", res.body)
	res = c.do(req{method: "GET", path: acct(sd, "/agents"), token: sd.AdminToken})
	require.Equal(t, 401, res.status)
	assert.JSONEq(t, `{"error":"Account is suspended"}`, string(res.body))
}
