package chatwoot_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes/chatwoot"
	"github.com/noderun/noderun/nodes/chatwoot/chatwootsim"
	"github.com/noderun/noderun/runtime"
)

// typed returns a Create A Conversation node on the env's engine, so that
// its requests are recorded and contract-checked.
func (f *env) typed(inbox, contact, attrs string) *chatwoot.CreateConversation {
	return &chatwoot.CreateConversation{InboxIdentifier: inbox, ContactIdentifier: contact, CustomAttributes: attrs,
		Credentials: f.creds(tokNone), Engine: f.engine}
}

func executeTyped(t *testing.T, n *chatwoot.CreateConversation, items ...node.Item) ([]node.Item, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return n.Execute(ctx, items)
}

// newSourceID makes a contact inbox in the API inbox with the given
// source_id (the public contact_identifier), through the account API.
func (f *env) newSourceID(sourceID string) string {
	m := f.created(tokAdmin, "Contact", "Contact Inbox Creation", f.with(kv{"id": float64(f.sd.ContactID),
		"inbox_id": float64(f.sd.InboxID), "source_id": sourceID}))
	return m["source_id"].(string)
}

// TestCreateConversationOutput checks every field the seed documents.
func TestCreateConversationOutput(t *testing.T) {
	f := newEnv(t, chatwootsim.Options{Now: func() time.Time { return fixedNow }})
	items, err := executeTyped(t, f.typed(f.sd.InboxIdentifier, f.sd.ContactSourceID, `{"order": "1042"}`))
	require.NoError(t, err)
	m := obj(t, items)
	assert.Equal(t, 2.0, m["id"], "the account's next display id")
	assert.Equal(t, "open", m["status"])
	assert.Equal(t, f.sd.InboxIdentifier, m["inbox_identifier"])
	assert.Equal(t, f.sd.ContactSourceID, m["contact_identifier"])
	assert.Equal(t, kv{"order": "1042"}, m["custom_attributes"], "Chatwoot does not return them: the object sent")
	assert.Equal(t, float64(fixedNow.Unix()), m["created_at"], "the Date header of the create, in unix seconds")
	assert.NotEmpty(t, m["uuid"], "the rest of the response is kept")
	assert.Equal(t, &node.PairedItem{Item: 0}, items[0].PairedItem)

	x := f.wire.last(t)
	assert.Equal(t, "/public/api/v1/inboxes/"+f.sd.InboxIdentifier+"/contacts/"+f.sd.ContactSourceID+"/conversations", x.Path)
	assert.Equal(t, kv{"custom_attributes": kv{"order": "1042"}}, x.bodyJSON(t))

	// The conversation exists, with the attributes, in the account.
	conv := obj(t, f.run(tokAgent, op("Conversations", "Get Details Of A Conversation", f.with(kv{"conversation_id": m["id"]}))))
	assert.Equal(t, kv{"order": "1042"}, conv["custom_attributes"])
	assert.Equal(t, float64(fixedNow.Unix()), conv["created_at"], "created_at agrees with the server's own record")
}

// TestCreateConversationStatusFromResponse: a conversation in an inbox with
// an agent bot starts pending, and the output says so.
func TestCreateConversationStatusFromResponse(t *testing.T) {
	f := newEnv(t, chatwootsim.Options{})
	contact := obj(t, f.run(tokNone, op("Contacts API", "Create A Contact", kv{"inbox_identifier": f.sd.BotInboxIdentifier, "name": "Bo"})))
	items, err := executeTyped(t, f.typed(f.sd.BotInboxIdentifier, contact["source_id"].(string), ""))
	require.NoError(t, err)
	m := obj(t, items)
	assert.Equal(t, "pending", m["status"])
	assert.Equal(t, kv{}, m["custom_attributes"], "none given: the default {}")
	assert.Equal(t, kv{}, f.wire.last(t).bodyJSON(t)["custom_attributes"])
}

// TestCreateConversationResponseFields uses hand-made servers for what the
// simulator never answers: a response with custom_attributes and
// created_at, and responses without a usable Date header.
func TestCreateConversationResponseFields(t *testing.T) {
	tests := []struct {
		name     string
		date     string // "" removes the Date header
		body     string
		wantAttr any
		wantAt   any
	}{
		{name: "response values win", date: "Fri, 01 Mar 2024 12:00:00 GMT",
			body:     `{"id": 7, "status": "open", "custom_attributes": {"from": "server"}, "created_at": 1700000000}`,
			wantAttr: kv{"from": "server"}, wantAt: 1700000000.0},
		{name: "Date header", date: "Fri, 01 Mar 2024 12:00:00 GMT", body: `{"id": 7, "status": "open"}`,
			wantAttr: kv{"order": "1"}, wantAt: float64(fixedNow.Unix())},
		{name: "no Date header", body: `{"id": 7, "status": "open"}`, wantAttr: kv{"order": "1"}, wantAt: nil},
		{name: "unparsable Date header", date: "yesterday-ish", body: `{"id": 7, "status": "open"}`, wantAttr: kv{"order": "1"}, wantAt: nil},
		{name: "null created_at falls back", date: "Fri, 01 Mar 2024 12:00:00 GMT", body: `{"id": 7, "status": "open", "created_at": null}`,
			wantAttr: kv{"order": "1"}, wantAt: float64(fixedNow.Unix())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotPath string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				gotPath = r.URL.EscapedPath()
				if tt.date == "" {
					w.Header()["Date"] = nil // net/http adds none then
				} else {
					w.Header().Set("Date", tt.date)
				}
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				_, _ = fmt.Fprint(w, tt.body)
			}))
			t.Cleanup(srv.Close)
			n := &chatwoot.CreateConversation{InboxIdentifier: "inbox-1", ContactIdentifier: "contact-1", CustomAttributes: `{"order": "1"}`,
				Credentials: chatwoot.Credentials(srv.URL, "")}
			items, err := executeTyped(t, n)
			require.NoError(t, err)
			m := obj(t, items)
			assert.Equal(t, "/public/api/v1/inboxes/inbox-1/contacts/contact-1/conversations", gotPath)
			assert.Equal(t, 7.0, m["id"])
			assert.Equal(t, "open", m["status"])
			assert.Equal(t, "inbox-1", m["inbox_identifier"])
			assert.Equal(t, "contact-1", m["contact_identifier"])
			assert.Equal(t, tt.wantAttr, m["custom_attributes"])
			assert.Contains(t, m, "created_at")
			assert.Equal(t, tt.wantAt, m["created_at"])
		})
	}
}

// TestCreateConversationExpressions: every field resolves per item.
func TestCreateConversationExpressions(t *testing.T) {
	f := newEnv(t, chatwootsim.Options{})
	odd := f.newSourceID("jane doe/2")
	tests := []struct {
		name      string
		inbox     string
		contact   string
		attrs     string
		item      kv
		wantAttrs kv
		wantPath  string
	}{
		{name: "identifiers from $json", inbox: "={{ $json.inbox }}", contact: "={{ $json.contact }}",
			item:      kv{"inbox": f.sd.InboxIdentifier, "contact": f.sd.ContactSourceID},
			wantAttrs: kv{}, wantPath: "/contacts/" + f.sd.ContactSourceID + "/"},
		{name: "identifier needing encoding", inbox: f.sd.InboxIdentifier, contact: "={{ $json.contact }}",
			item: kv{"contact": odd}, wantAttrs: kv{}, wantPath: "/contacts/jane%20doe%2F2/"},
		{name: "attributes from a template", inbox: f.sd.InboxIdentifier, contact: f.sd.ContactSourceID,
			attrs: `={"order": "{{ $json.order }}", "channel": "web"}`, item: kv{"order": 1042},
			wantAttrs: kv{"order": "1042", "channel": "web"}},
		{name: "attributes from JSON.stringify", inbox: f.sd.InboxIdentifier, contact: f.sd.ContactSourceID,
			attrs: `={{ JSON.stringify({ order: $json.order, vip: $json.vip }) }}`, item: kv{"order": 7, "vip": true},
			wantAttrs: kv{"order": 7.0, "vip": true}},
		{name: "attributes as an object", inbox: f.sd.InboxIdentifier, contact: f.sd.ContactSourceID,
			attrs: `={{ $json.attrs }}`, item: kv{"attrs": kv{"plan": "pro"}}, wantAttrs: kv{"plan": "pro"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := executeTyped(t, f.typed(tt.inbox, tt.contact, tt.attrs), item(tt.item))
			require.NoError(t, err)
			m := obj(t, items)
			x := f.wire.last(t)
			assert.Contains(t, x.EscapedPath, tt.wantPath)
			assert.Equal(t, tt.wantAttrs, m["custom_attributes"])
			assert.Equal(t, tt.wantAttrs, x.bodyJSON(t)["custom_attributes"])
			assert.NotEqual(t, "", m["inbox_identifier"])
			assert.NotContains(t, fmt.Sprint(m["inbox_identifier"], m["contact_identifier"]), "{{", "identifiers are the resolved values")
		})
	}

	t.Run("three items, three contacts", func(t *testing.T) {
		second := f.newSourceID("crm-2")
		third := f.newSourceID("crm-3")
		in := []node.Item{item(kv{"c": f.sd.ContactSourceID, "n": 1}), item(kv{"c": second, "n": 2}), item(kv{"c": third, "n": 3})}
		items, err := executeTyped(t, f.typed(f.sd.InboxIdentifier, "={{ $json.c }}", `={"n": {{ $json.n }}}`), in...)
		require.NoError(t, err)
		ms := objs(t, items, 3)
		require.Len(t, ms, 3)
		ids := map[float64]bool{}
		for i, m := range ms {
			assert.Equal(t, in[i].JSON.(kv)["c"], m["contact_identifier"])
			assert.Equal(t, kv{"n": float64(i + 1)}, m["custom_attributes"])
			assert.Equal(t, i, items[i].PairedItem.Item)
			ids[m["id"].(float64)] = true
		}
		assert.Len(t, ids, 3, "three conversations")
	})
}

// TestCreateConversationBadCustomAttributes: bad JSON is an item error
// naming the parameter; with continue on fail the other items succeed.
func TestCreateConversationBadCustomAttributes(t *testing.T) {
	tests := []struct {
		attrs string
		want  string
	}{
		{`{order: 1042}`, "Custom Attributes is not valid JSON"},
		{`{"order": 1042`, "Custom Attributes is not valid JSON"},
		{`["vip"]`, "Custom Attributes must be a JSON object"},
		{`"vip"`, "Custom Attributes must be a JSON object"},
		{`null`, "Custom Attributes must be a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.attrs, func(t *testing.T) {
			f := newEnv(t, chatwootsim.Options{})
			items, err := executeTyped(t, f.typed(f.sd.InboxIdentifier, f.sd.ContactSourceID, tt.attrs), item(kv{}), item(kv{}))
			var ne *runtime.NodeError
			require.ErrorAs(t, err, &ne)
			assert.Empty(t, items)
			assert.Equal(t, runtime.NameNodeOperationError, ne.Name)
			assert.Equal(t, 0, ne.ItemIndex)
			assert.Equal(t, "custom_attributes", ne.Parameter)
			assert.Contains(t, ne.Message, tt.want)
			assert.Empty(t, f.wire.exchanges(), "nothing is sent")
		})
	}
	t.Run("continue on fail", func(t *testing.T) {
		f := newEnv(t, chatwootsim.Options{})
		n := f.typed(f.sd.InboxIdentifier, f.sd.ContactSourceID, "={{ $json.attrs }}")
		n.Settings = node.Settings{ContinueOnFail: true}
		items, err := executeTyped(t, n, item(kv{"attrs": `{"a": 1}`}), item(kv{"attrs": `{a: 1}`}), item(kv{"attrs": `{"c": 3}`}))
		require.NoError(t, err)
		require.Len(t, items, 3)
		assert.Nil(t, items[0].Error)
		assert.Equal(t, kv{"a": 1.0}, path(items[0].JSON, "custom_attributes"))
		info := errorItem(t, items[1])
		assert.Equal(t, 1, items[1].PairedItem.Item)
		assert.Equal(t, "custom_attributes", info.Parameter)
		assert.Contains(t, info.Message, "Custom Attributes is not valid JSON")
		assert.Contains(t, info.Message, "{a: 1}", "the bad text is quoted")
		require.NotNil(t, info.ItemIndex)
		assert.Equal(t, 1, *info.ItemIndex)
		assert.Nil(t, items[2].Error)
		assert.Equal(t, kv{"c": 3.0}, path(items[2].JSON, "custom_attributes"))
		assert.Len(t, f.wire.exchanges(), 2, "the bad item sends no request")
	})
}

// TestCreateConversationMissingIdentifiers: an empty identifier stops the
// node before any request, naming the parameter.
func TestCreateConversationMissingIdentifiers(t *testing.T) {
	tests := []struct {
		name           string
		inbox, contact string
		wantParams     []string
		wantIssues     []string
	}{
		{name: "inbox", contact: "c", wantParams: []string{"inbox_identifier"}, wantIssues: []string{`Parameter "Inbox Identifier" is required.`}},
		{name: "contact", inbox: "i", wantParams: []string{"contact_identifier"}, wantIssues: []string{`Parameter "Contact Identifier" is required.`}},
		{name: "both", wantParams: []string{"inbox_identifier", "contact_identifier"},
			wantIssues: []string{`Parameter "Inbox Identifier" is required.`, `Parameter "Contact Identifier" is required.`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newEnv(t, chatwootsim.Options{})
			n := f.typed(tt.inbox, tt.contact, "")
			n.Settings = node.Settings{ContinueOnFail: true} // issues stop the node even so
			items, err := executeTyped(t, n, item(kv{}))
			var issues *runtime.IssuesError
			require.ErrorAs(t, err, &issues)
			assert.Nil(t, items)
			assert.Equal(t, tt.wantParams, issues.Parameters)
			assert.Equal(t, tt.wantIssues, issues.Issues)
			assert.Contains(t, err.Error(), "node has issues")
			assert.Empty(t, f.wire.exchanges())
		})
	}
	t.Run("empty per item", func(t *testing.T) {
		// An expression is checked only when resolved: the empty identifier
		// reaches Chatwoot, whose 404 says what to check.
		f := newEnv(t, chatwootsim.Options{})
		n := f.typed(f.sd.InboxIdentifier, "={{ $json.contact }}", "")
		n.Settings = node.Settings{ContinueOnFail: true}
		items, err := executeTyped(t, n, item(kv{"contact": f.sd.ContactSourceID}), item(kv{}))
		require.NoError(t, err)
		require.Len(t, items, 2)
		assert.Nil(t, items[0].Error)
		info := errorItem(t, items[1])
		assert.Equal(t, "404", info.HTTPCode)
		assert.Contains(t, info.Description, "check the identifiers")
	})
	t.Run("no credentials", func(t *testing.T) {
		n := &chatwoot.CreateConversation{InboxIdentifier: "i", ContactIdentifier: "c"}
		_, err := executeTyped(t, n)
		var ne *runtime.NodeError
		require.ErrorAs(t, err, &ne)
		assert.Equal(t, "Node does not have any credentials set", ne.Message)
	})
}

// TestCreateConversationContinueOnFail: failed items are paired error
// items, or stop the node with the items before them.
func TestCreateConversationContinueOnFail(t *testing.T) {
	in := func(f *env) []node.Item {
		return []node.Item{item(kv{"c": f.sd.ContactSourceID}), item(kv{"c": "no-such-contact"}), item(kv{"c": f.sd.ContactSourceID})}
	}
	t.Run("continue (regular output)", func(t *testing.T) {
		f := newEnv(t, chatwootsim.Options{})
		n := f.typed(f.sd.InboxIdentifier, "={{ $json.c }}", "")
		n.Settings = node.Settings{ContinueOnFail: true}
		items, err := executeTyped(t, n, in(f)...)
		require.NoError(t, err)
		require.Len(t, items, 3)
		for i, it := range items {
			assert.Equal(t, i, it.PairedItem.Item)
		}
		assert.Nil(t, items[0].Error)
		assert.Nil(t, items[2].Error)
		info := errorItem(t, items[1])
		assert.Equal(t, runtime.NameNodeAPIError, info.Name)
		assert.Equal(t, "404", info.HTTPCode)
		assert.Contains(t, info.Description, "Chatwoot found no such inbox, contact or conversation")
		assert.Equal(t, kv{"error": info.Message}, items[1].JSON)
	})
	t.Run("error output", func(t *testing.T) {
		f := newEnv(t, chatwootsim.Options{})
		n := f.typed(f.sd.InboxIdentifier, "={{ $json.c }}", "")
		n.Settings = node.Settings{OnError: node.OnErrorContinueErrorOutput}
		items, err := executeTyped(t, n, in(f)...)
		require.NoError(t, err)
		require.Len(t, items, 3, "main items, then error items")
		assert.Nil(t, items[0].Error)
		assert.Nil(t, items[1].Error)
		assert.Equal(t, 2, items[1].PairedItem.Item)
		assert.NotNil(t, items[2].Error)
		assert.Equal(t, 1, items[2].PairedItem.Item)
	})
	t.Run("stop", func(t *testing.T) {
		f := newEnv(t, chatwootsim.Options{})
		n := f.typed(f.sd.InboxIdentifier, "={{ $json.c }}", "")
		n.Engine = &runtime.Engine{Transport: f.wire, MaxConcurrency: 1, Retry: runtime.RetryPolicy{Disabled: true}}
		items, err := executeTyped(t, n, in(f)...)
		var ne *runtime.NodeError
		require.ErrorAs(t, err, &ne)
		assert.Equal(t, 1, ne.ItemIndex)
		assert.Equal(t, "404", ne.HTTPCode)
		require.Len(t, items, 1, "the item before the failure")
		assert.Equal(t, f.sd.ContactSourceID, path(items[0].JSON, "contact_identifier"))
		assert.Len(t, f.wire.exchanges(), 2, "nothing after the failed item starts")
	})
}

// TestCreateConversationRequestOptions maps the typed options to n8n's
// Request Options and checks that each takes effect.
func TestCreateConversationRequestOptions(t *testing.T) {
	t.Run("parameters", func(t *testing.T) {
		tests := []struct {
			opts chatwoot.RequestOptions
			want any
		}{
			{chatwoot.RequestOptions{}, nil},
			{chatwoot.RequestOptions{Timeout: 1500}, kv{"timeout": 1500.0}},
			{chatwoot.RequestOptions{BatchSize: 10}, kv{"batching": kv{"batch": kv{"batchSize": 10.0}}}},
			{chatwoot.RequestOptions{BatchSize: 2, BatchInterval: 250, AllowUnauthorizedCerts: true, Proxy: "http://proxy:3128"},
				kv{"batching": kv{"batch": kv{"batchSize": 2.0, "batchInterval": 250.0}}, "allowUnauthorizedCerts": true, "proxy": "http://proxy:3128"}},
		}
		for _, tt := range tests {
			n := &chatwoot.CreateConversation{InboxIdentifier: "i", ContactIdentifier: "c", RequestOptions: tt.opts}
			got, ok := n.Parameters()[runtime.RequestOptionsName]
			if tt.want == nil {
				assert.False(t, ok, "zero options are not stored: %v", got)
				continue
			}
			assert.Equal(t, tt.want, got)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		f := newEnv(t, chatwootsim.Options{})
		f.sim.InjectFault(chatwootsim.Fault{Method: http.MethodPost, PathPrefix: "/public/api/v1/inboxes/", Latency: 500 * time.Millisecond})
		n := f.typed(f.sd.InboxIdentifier, f.sd.ContactSourceID, "")
		n.RequestOptions.Timeout = 50
		_, err := executeTyped(t, n)
		var ne *runtime.NodeError
		require.ErrorAs(t, err, &ne)
		assert.Equal(t, "ECONNABORTED", ne.HTTPCode, "n8n's code for its request timeout")
		assert.Equal(t, "The connection was aborted, perhaps the server is offline", ne.Message)
	})
	t.Run("batching", func(t *testing.T) {
		f := newEnv(t, chatwootsim.Options{})
		var mu sync.Mutex
		var slept []time.Duration
		n := f.typed(f.sd.InboxIdentifier, f.sd.ContactSourceID, `={"n": {{ $json.n }}}`)
		n.Engine = &runtime.Engine{Transport: f.wire, Retry: runtime.RetryPolicy{Disabled: true},
			Sleep: func(ctx context.Context, d time.Duration) error {
				mu.Lock()
				defer mu.Unlock()
				slept = append(slept, d)
				return ctx.Err()
			}}
		n.RequestOptions = chatwoot.RequestOptions{BatchSize: 2, BatchInterval: 250}
		var in []node.Item
		for i := 1; i <= 5; i++ {
			in = append(in, item(kv{"n": i}))
		}
		items, err := executeTyped(t, n, in...)
		require.NoError(t, err)
		require.Len(t, items, 5)
		for i, it := range items {
			assert.Equal(t, kv{"n": float64(i + 1)}, path(it.JSON, "custom_attributes"))
		}
		mu.Lock()
		defer mu.Unlock()
		assert.Equal(t, []time.Duration{250 * time.Millisecond, 250 * time.Millisecond}, slept, "a pause before items 2 and 4")
	})
	t.Run("ignore SSL issues", func(t *testing.T) {
		sim := chatwootsim.New(chatwootsim.Options{})
		srv := httptest.NewUnstartedServer(sim)
		srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake below is expected
		srv.StartTLS()
		t.Cleanup(srv.Close)
		sd := sim.Seed()
		engine := &runtime.Engine{Retry: runtime.RetryPolicy{Disabled: true}}
		t.Cleanup(engine.CloseIdleConnections)
		n := &chatwoot.CreateConversation{InboxIdentifier: sd.InboxIdentifier, ContactIdentifier: sd.ContactSourceID,
			Credentials: chatwoot.Credentials(srv.URL, ""), Engine: engine}
		_, err := executeTyped(t, n)
		var ne *runtime.NodeError
		require.ErrorAs(t, err, &ne, "a self-signed certificate is refused by default")
		n2 := &chatwoot.CreateConversation{InboxIdentifier: sd.InboxIdentifier, ContactIdentifier: sd.ContactSourceID,
			Credentials: chatwoot.Credentials(srv.URL, ""), Engine: engine,
			RequestOptions: chatwoot.RequestOptions{AllowUnauthorizedCerts: true}}
		items, err := executeTyped(t, n2)
		require.NoError(t, err)
		assert.Equal(t, "open", path(items[0].JSON, "status"))
	})
	t.Run("proxy", func(t *testing.T) {
		sim := chatwootsim.New(chatwootsim.Options{})
		sd := sim.Seed()
		var proxied atomic.Int32
		proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.IsAbs() && r.URL.Host == "chatwoot.invalid" {
				proxied.Add(1)
			}
			sim.ServeHTTP(w, r)
		}))
		t.Cleanup(proxy.Close)
		engine := &runtime.Engine{Retry: runtime.RetryPolicy{Disabled: true}}
		t.Cleanup(engine.CloseIdleConnections)
		n := &chatwoot.CreateConversation{InboxIdentifier: sd.InboxIdentifier, ContactIdentifier: sd.ContactSourceID,
			Credentials: chatwoot.Credentials("http://chatwoot.invalid", ""), Engine: engine,
			RequestOptions: chatwoot.RequestOptions{Proxy: proxy.URL}}
		items, err := executeTyped(t, n)
		require.NoError(t, err)
		assert.Equal(t, "open", path(items[0].JSON, "status"))
		assert.Equal(t, int32(1), proxied.Load(), "the request went through the proxy to the unresolvable host")
	})
}

// TestCreateConversationConcurrentUse: one node value serves concurrent
// Execute calls (its node type and engine are made once).
func TestCreateConversationConcurrentUse(t *testing.T) {
	f := newEnv(t, chatwootsim.Options{})
	n := &chatwoot.CreateConversation{InboxIdentifier: f.sd.InboxIdentifier, ContactIdentifier: f.sd.ContactSourceID,
		Credentials: f.creds(tokNone)}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			items, err := n.Execute(context.Background(), []node.Item{item(kv{}), item(kv{})})
			if err == nil && len(items) != 2 {
				err = errors.New("want two items")
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.Equal(t, 8, f.sim.CountRequests(http.MethodPost, "/public/api/v1/inboxes/"))
}
