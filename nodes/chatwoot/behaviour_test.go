package chatwoot_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes/chatwoot"
	"github.com/noderun/noderun/nodes/chatwoot/chatwootsim"
	"github.com/noderun/noderun/runtime"
)

// TestListSendsOnlySetFilters: n8n's number and json parameters have
// defaults (inbox_id 0, team_id 0, labels []), and routing that sent them
// would filter by inbox 0 and find nothing. onlyIfSet keeps them off the
// wire unless the workflow stores them.
func TestListSendsOnlySetFilters(t *testing.T) {
	tests := []struct {
		name      string
		operation string
		params    kv
		wantQuery string
	}{
		{name: "list, account only", operation: "Conversation List", wantQuery: ""},
		{name: "meta, account only", operation: "Conversation List Meta", wantQuery: ""},
		{name: "list, stored filters", operation: "Conversation List",
			params:    kv{"status": "resolved", "inbox_id": 1.0, "team_id": 1.0, "q": "order", "page": 2.0, "assignee_type": "me"},
			wantQuery: "assignee_type=me&inbox_id=1&page=2&q=order&status=resolved&team_id=1"},
		{name: "list, filters from the item", operation: "Conversation List",
			params:    kv{"status": "={{ $json.status }}", "inbox_id": "={{ $json.inbox }}"},
			wantQuery: "inbox_id=1&status=open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newEnv(t, chatwootsim.Options{})
			params := f.with(tt.params)
			items := f.run(tokAgent, op("Conversations", tt.operation, params), item(kv{"status": "open", "inbox": f.sd.InboxID}))
			x := f.wire.last(t)
			assert.Equal(t, tt.wantQuery, x.Query.Encode())
			for _, absent := range []string{"inbox_id=0", "team_id=0", "labels", "q="} {
				if !strings.Contains(tt.wantQuery, absent) {
					assert.NotContains(t, x.RawQuery, absent)
				}
			}
			assert.Empty(t, x.Body, "a GET has no body")
			obj(t, items)
		})
	}
	t.Run("account only lists the open conversation", func(t *testing.T) {
		f := newEnv(t, chatwootsim.Options{})
		m := obj(t, f.run(tokAgent, op("Conversations", "Conversation List", f.with(nil))))
		assert.Len(t, path(m, "data", "payload"), 1, "inbox_id=0 would have hidden it")
	})
}

// TestCreateMessageBody: parameters left at their defaults are not sent,
// so Chatwoot's own defaults apply (a public outgoing text message).
func TestCreateMessageBody(t *testing.T) {
	tests := []struct {
		name   string
		params kv
		want   kv
	}{
		{name: "content only", params: kv{"content": "We are on it."}, want: kv{"content": "We are on it."}},
		{name: "private note", params: kv{"content": "VIP", "private": true}, want: kv{"content": "VIP", "private": true}},
		{name: "explicitly public", params: kv{"content": "Hi", "private": false, "message_type": "outgoing"},
			want: kv{"content": "Hi", "private": false, "message_type": "outgoing"}},
		{name: "attributes as JSON text", params: kv{"content": "Pick one", "content_type": "input_select",
			"content_attributes": `{"items": [{"title": "Yes", "value": "yes"}]}`},
			want: kv{"content": "Pick one", "content_type": "input_select",
				"content_attributes": kv{"items": []any{kv{"title": "Yes", "value": "yes"}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newEnv(t, chatwootsim.Options{})
			params := f.with(tt.params)
			params["conversation_id"] = float64(f.sd.ConversationID)
			m := obj(t, f.run(tokAgent, op("Messages", "Create A New Message In A Conversation", params)))
			assert.Equal(t, tt.want, f.wire.last(t).bodyJSON(t))
			wantPrivate, _ := tt.params["private"].(bool)
			assert.Equal(t, wantPrivate, m["private"])
			assert.Equal(t, 1.0, m["message_type"], "outgoing")
		})
	}
}

// TestWrongTokenKind: every authorisation failure is a 401, and the error
// says which token the operation needs and what Chatwoot said.
func TestWrongTokenKind(t *testing.T) {
	tests := []struct {
		name      string
		tok       token
		resource  string
		operation string
		params    func(f *env) kv
		want      []string
	}{
		{name: "user token on the platform API", tok: tokAdmin, resource: "Accounts", operation: "Get Details Of An Account",
			params: func(f *env) kv { return f.with(nil) },
			want:   []string{"Get Details Of An Account needs a Platform App access token", `"Invalid access_token"`}},
		{name: "platform token on the account API", tok: tokPlatform, resource: "Conversations", operation: "Conversation List",
			params: func(f *env) kv { return f.with(nil) },
			want:   []string{"Conversation List needs a user access token of a member of the account", `"Access to this endpoint is not authorized for bots"`}},
		{name: "bot token on the profile", tok: tokBot, resource: "Profile", operation: "Fetch Profile",
			params: func(f *env) kv { return kv{} },
			want:   []string{"Fetch Profile needs a user access token", "agent bot and platform tokens are refused"}},
		{name: "agent token on reports", tok: tokAgent, resource: "Reports", operation: "List All Conversation Statistics Summary",
			params: func(f *env) kv { return f.with(kv{"type": "account"}) },
			want:   []string{"needs a user access token of an administrator of the account", `"You are not authorized to do this action"`}},
		{name: "no token on the account API", tok: tokNone, resource: "Contacts", operation: "Contact List",
			params: func(f *env) kv { return f.with(nil) },
			want:   []string{"Contact List needs a user access token", `"You need to sign in or sign up before continuing."`}},
		{name: "bot token where bots may not", tok: tokBot, resource: "Conversation Labels", operation: "Conversation Add Labels",
			params: func(f *env) kv { return f.with(kv{"conversation_id": float64(f.sd.ConversationID), "labels": `["x"]`}) },
			want:   []string{"an agent bot token works only for creating conversations and messages"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newEnv(t, chatwootsim.Options{})
			// A missing token is a request the spec forbids, on purpose.
			f.skipContract = tt.tok == tokNone
			e := f.fail(tt.tok, op(tt.resource, tt.operation, tt.params(f)))
			assert.Equal(t, runtime.NameNodeAPIError, e.Name)
			assert.Equal(t, "401", e.HTTPCode)
			assert.Equal(t, "Authorization failed - please check your credentials", e.Message)
			containsAll(t, e.Description, tt.want...)
			if tok := f.token(tt.tok); tok != "" {
				assert.NotContains(t, e.Error(), tok, "the token is never in the error")
			}
		})
	}
	t.Run("continue on fail puts the hint on the error item", func(t *testing.T) {
		f := newEnv(t, chatwootsim.Options{})
		res, err := f.executeRun(runtime.Run{Node: f.nodeType, Credentials: f.creds(tokAdmin),
			Parameters: op("Agent Bots", "List All Agent Bots", kv{}), Settings: node.Settings{OnError: node.OnErrorContinueRegularOutput}})
		require.NoError(t, err)
		require.Nil(t, res.Err)
		require.Len(t, res.Items, 1)
		info := errorItem(t, res.Items[0])
		assert.Contains(t, info.Description, "List All Agent Bots needs a Platform App access token")
		assert.Equal(t, 0, res.Items[0].PairedItem.Item)
	})
}

// TestNotFoundHints: a 404 says what to check, by family.
func TestNotFoundHints(t *testing.T) {
	f := newEnv(t, chatwootsim.Options{})
	t.Run("public API", func(t *testing.T) {
		for _, p := range []kv{
			op("Inbox API", "Get Details Of A Inbox", kv{"inbox_identifier": "no-such-inbox"}),
			op("Contacts API", "Get Details Of A Contact", kv{"inbox_identifier": f.sd.InboxIdentifier, "contact_identifier": "no-such-contact"}),
			op("Messages API", "Create A Message", kv{"inbox_identifier": f.sd.InboxIdentifier, "contact_identifier": f.sd.ContactSourceID,
				"conversation_id": 999.0, "content": "hello?"}),
		} {
			e := f.fail(tokNone, p)
			assert.Equal(t, "404", e.HTTPCode)
			assert.Equal(t, "The resource you are requesting could not be found", e.Message)
			assert.Contains(t, e.Description, "Chatwoot found no such inbox, contact or conversation: check the identifiers (the public API needs no token).")
		}
	})
	t.Run("account API", func(t *testing.T) {
		e := f.fail(tokAgent, op("Conversations", "Get Details Of A Conversation", f.with(kv{"conversation_id": 999.0})))
		assert.Equal(t, "404", e.HTTPCode)
		containsAll(t, e.Description, "Chatwoot found no such record, or the account id is wrong",
			"Get Details Of A Conversation needs a user access token of a member of the account")
	})
	t.Run("platform API", func(t *testing.T) {
		e := f.fail(tokPlatform, op("Users", "Get Details Of A User", kv{"id": 999.0}))
		containsAll(t, e.Description, "Chatwoot found no such record", "needs a Platform App access token")
	})
	t.Run("other statuses get no hint", func(t *testing.T) {
		e := f.fail(tokAgent, op("Conversations", "Toggle Priority Of A Conversation",
			f.with(kv{"conversation_id": float64(f.sd.ConversationID), "priority": "none"})))
		assert.Equal(t, "500", e.HTTPCode)
		assert.NotContains(t, e.Description, "Chatwoot")
	})
}

// TestCredentialURLThroughRun: whatever form of the address the
// credential holds, requests go to the right path; an address that cannot
// work fails the run before any request, saying what to enter.
func TestCredentialURLThroughRun(t *testing.T) {
	sim := chatwootsim.NewTestServer(t, chatwootsim.Options{})
	sd := sim.Seed()
	hostPort := strings.TrimPrefix(sim.URL, "http://")
	good := []string{
		sim.URL, sim.URL + "/", sim.URL + "//", "  " + sim.URL + "/  ", sim.URL + "/?",
		sim.URL + "/api/v1", sim.URL + "/api/v1/", sim.URL + "/api", sim.URL + "/platform/api/v1", sim.URL + "/public/api/v1/",
	}
	for _, u := range good {
		t.Run("ok "+u, func(t *testing.T) {
			f := newEnvWith(t, sim)
			for _, c := range []struct {
				tok  token
				p    kv
				path string
			}{
				{tokAdmin, op("Inboxes", "List All Inboxes", f.with(nil)), "/api/v1/accounts/1/inboxes"},
				{tokPlatform, op("Agent Bots", "List All Agent Bots", kv{}), "/platform/api/v1/agent_bots"},
				{tokNone, op("Inbox API", "Get Details Of A Inbox", kv{"inbox_identifier": sd.InboxIdentifier}), "/public/api/v1/inboxes/" + sd.InboxIdentifier},
			} {
				res, err := f.executeRun(runtime.Run{Node: f.nodeType, Parameters: c.p, Credentials: chatwoot.Credentials(u, f.token(c.tok))})
				require.NoError(t, err)
				require.Nil(t, res.Err)
				assert.Equal(t, c.path, f.wire.last(t).Path)
			}
		})
	}
	bad := []struct {
		url  string
		want string
	}{
		{hostPort, "has no scheme: write it as https://" + hostPort},
		{sim.URL + "/?account=1", "must not have a query or fragment"},
		{sim.URL + "#x", "must not have a query or fragment"},
		{"", "the Chatwoot URL is empty"},
		{"ftp://" + hostPort, "must start with https:// or http://"},
	}
	for _, tt := range bad {
		t.Run("refused "+tt.url, func(t *testing.T) {
			f := newEnvWith(t, sim)
			res, err := f.executeRun(runtime.Run{Node: f.nodeType, Parameters: op("Inboxes", "List All Inboxes", f.with(nil)),
				Credentials: chatwoot.Credentials(tt.url, sd.AdminToken)})
			require.NoError(t, err)
			require.NotNil(t, res.Err)
			assert.Equal(t, "The credential could not be prepared", res.Err.Message)
			assert.Contains(t, res.Err.Description, tt.want)
			assert.Equal(t, -1, res.Err.ItemIndex, "the node fails as a whole")
			assert.Empty(t, f.wire.exchanges(), "no request is sent")
		})
	}
}

// TestAccessTokenHeaderOnWire reads the raw request bytes: the token goes
// in Api-Access-Token, the spelling a default nginx lets through
// (api_access_token would be dropped for its underscores).
func TestAccessTokenHeaderOnWire(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var (
		mu   sync.Mutex
		head []string
		wg   sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		r := bufio.NewReader(conn)
		for {
			line, err := r.ReadString('\n')
			if err != nil || line == "\r\n" {
				break
			}
			mu.Lock()
			head = append(head, strings.TrimRight(line, "\r\n"))
			mu.Unlock()
		}
		_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
	}()
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })

	nt, err := chatwoot.NodeType()
	require.NoError(t, err)
	engine := &runtime.Engine{Retry: runtime.RetryPolicy{Disabled: true}}
	t.Cleanup(engine.CloseIdleConnections)
	res, err := engine.Execute(context.Background(), runtime.Run{Node: nt, Parameters: op("Profile", "Fetch Profile", kv{}),
		Credentials: chatwoot.Credentials("http://"+ln.Addr().String(), "tok-123")})
	require.NoError(t, err)
	require.Nil(t, res.Err)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, head)
	assert.Equal(t, "GET /api/v1/profile HTTP/1.1", head[0])
	assert.Contains(t, head, "Api-Access-Token: tok-123")
	for _, h := range head[1:] {
		name, _, _ := strings.Cut(h, ":")
		assert.NotContains(t, name, "_", "header %q would be dropped by nginx", h)
	}
}

// TestRecordedDeviations pins down where the node, generated from the
// OpenAPI document, asks the real Chatwoot 3.x for something it does not
// do (chatwoot-api.md). The simulator behaves as the real server; each
// case is a deviation to know about, not a runtime bug.
func TestRecordedDeviations(t *testing.T) {
	t.Run("Update New Portal To Account: PATCH /portals has no route", func(t *testing.T) {
		f := newEnv(t, chatwootsim.Options{})
		f.newPortal()
		e := f.fail(tokAdmin, op("Help Center", "Update New Portal To Account", f.with(kv{"name": "Help desk"})))
		assert.Equal(t, "404", e.HTTPCode)
	})
	t.Run("Add New Agent To Account: availability_status is not read", func(t *testing.T) {
		f := newEnv(t, chatwootsim.Options{})
		m := obj(t, f.run(tokAdmin, op("Agents", "Add New Agent To Account", f.with(kv{"name": "Dana", "email": "dana@acme.test",
			"role": "agent", "availability_status": "busy", "auto_offline": false}))))
		assert.Equal(t, "online", m["availability_status"], "Chatwoot reads availability; the sent availability_status is ignored")
	})
	t.Run("Update Agent In Account: availability 'available' is not a value", func(t *testing.T) {
		f := newEnv(t, chatwootsim.Options{})
		e := f.fail(tokAdmin, op("Agents", "Update Agent In Account", f.with(kv{"id": float64(f.sd.AgentID), "role": "agent", "availability": "available"})))
		assert.Equal(t, "500", e.HTTPCode, "AccountUser#availability is online/busy/offline")
	})
	t.Run("Toggle Priority: 'none' is not a priority", func(t *testing.T) {
		f := newEnv(t, chatwootsim.Options{})
		e := f.fail(tokAgent, op("Conversations", "Toggle Priority Of A Conversation",
			f.with(kv{"conversation_id": float64(f.sd.ConversationID), "priority": "none"})))
		assert.Equal(t, "500", e.HTTPCode)
	})
	t.Run("Create A Custom Filter: type is not read", func(t *testing.T) {
		f := newEnv(t, chatwootsim.Options{})
		m := obj(t, f.run(tokAdmin, op("Custom Filters", "Create A Custom Filter", f.with(kv{"name": "VIPs", "type": "contact",
			"filter_type": "contact", "query": `{"payload": []}`}))))
		assert.Equal(t, "conversation", m["filter_type"], "Chatwoot reads filter_type from the body; the node sends type (body) and filter_type (query)")
	})
	t.Run("Conversation List: labels as JSON text match nothing", func(t *testing.T) {
		f := newEnv(t, chatwootsim.Options{})
		f.run(tokAgent, op("Conversation Labels", "Conversation Add Labels", f.with(kv{"conversation_id": float64(f.sd.ConversationID), "labels": `["billing"]`})))
		count := func(labels any) int {
			m := obj(t, f.run(tokAgent, op("Conversations", "Conversation List", f.with(kv{"labels": labels}))))
			return len(path(m, "data", "payload").([]any))
		}
		assert.Equal(t, 0, count(`["billing"]`), "the JSON text is sent as one tag name")
		assert.Equal(t, "labels=%5B%22billing%22%5D", f.wire.last(t).RawQuery)
		assert.Equal(t, 0, count(`={{ ["billing"] }}`), "an array is sent as labels[0]=..., which Rails reads as a hash")
		assert.Equal(t, 1, count("billing"), "comma-separated text works")
		assert.Equal(t, 1, count("billing,vip"))
	})
}

// TestCredentialTest runs the credential type's test request (GET /api)
// through the Engine: pasted API paths are cut off first. As in n8n, the
// test proves the address only: GET /api needs no token.
func TestCredentialTest(t *testing.T) {
	f := newEnv(t, chatwootsim.Options{})
	for _, u := range []string{f.sim.URL, f.sim.URL + "/api/v1/", f.sim.URL + "/platform/api/v1"} {
		res, err := f.engine.TestCredential(context.Background(), f.nodeType, chatwoot.CredentialName, chatwoot.Credentials(u, f.sd.AdminToken))
		require.NoError(t, err)
		assert.True(t, res.OK, "%s: %s", u, res.Message)
		assert.Equal(t, "/api", f.wire.last(t).Path)
	}
	res, err := f.engine.TestCredential(context.Background(), f.nodeType, chatwoot.CredentialName, chatwoot.Credentials(f.sim.URL, "wrong-token"))
	require.NoError(t, err)
	assert.True(t, res.OK, "n8n's test request for this credential cannot tell a wrong token")
	g := newEnvWith(t, f.sim)
	g.skipContract = true // the wrong path matches no operation of the spec
	res, err = g.engine.TestCredential(context.Background(), g.nodeType, chatwoot.CredentialName, chatwoot.Credentials(f.sim.URL+"/chatwoot", f.sd.AdminToken))
	require.NoError(t, err)
	assert.False(t, res.OK, "a wrong path is a 404")
	assert.Equal(t, "Not Found", res.Message)
}
