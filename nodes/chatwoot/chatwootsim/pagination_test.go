package chatwootsim

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestContactPagination(t *testing.T) {
	c := newClient(t, Options{})
	sd := c.ts.Seed()
	for i := 0; i < 20; i++ {
		res := c.do(req{method: "POST", path: acct(sd, "/contacts"), token: sd.AdminToken, body: map[string]any{"name": fmt.Sprintf("c%02d", i), "email": fmt.Sprintf("c%02d@example.com", i)}})
		require.Equal(t, 200, res.status, "body: %s", res.body)
	}
	tests := []struct {
		query string
		n     int
		page  any
	}{
		{"", 15, jsonNum(1)}, {"?page=1", 15, "1"}, {"?page=2", 6, "2"}, {"?page=3", 0, "3"}, {"?page=0", 15, "0"},
	}
	for _, tt := range tests {
		t.Run("page"+tt.query, func(t *testing.T) {
			c.t = t
			m := c.do(req{method: "GET", path: acct(sd, "/contacts"+tt.query), token: sd.AdminToken}).obj()
			assert.Len(t, m["payload"], tt.n)
			assert.Equal(t, 21, num(field(m, "meta", "count")), "count is the total, not the page")
			assert.Equal(t, tt.page, field(m, "meta", "current_page"), "current_page echoes the raw param")
		})
	}
	t.Run("filter page from a JSON body is a number", func(t *testing.T) {
		c.t = t
		anon := c.do(req{method: "POST", path: "/public/api/v1/inboxes/" + sd.InboxIdentifier + "/contacts", body: map[string]any{}})
		require.Equal(t, 200, anon.status)
		assert.Equal(t, 21, num(field(c.do(req{method: "GET", path: acct(sd, "/contacts"), token: sd.AdminToken}).obj(), "meta", "count")),
			"a contact without e-mail, phone or identifier is not listed")
		m := c.do(req{method: "POST", path: acct(sd, "/contacts/filter"), token: sd.AdminToken, body: map[string]any{"page": 2, "payload": []any{}}}).obj()
		assert.Equal(t, jsonNum(2), field(m, "meta", "current_page"))
		assert.Len(t, m["payload"], 7, "an empty filter matches every contact, the unresolved ones too (22)")
	})
}

func TestConversationPaginationAndCursors(t *testing.T) {
	c := newClient(t, Options{})
	sd := c.ts.Seed()
	for i := 0; i < 29; i++ {
		res := c.do(req{method: "POST", path: acct(sd, "/conversations"), token: sd.AdminToken, body: map[string]any{"inbox_id": sd.InboxID, "contact_id": sd.ContactID}})
		require.Equal(t, 200, res.status, "body: %s", res.body)
	}
	for _, tt := range []struct {
		page string
		n    int
	}{{"1", 25}, {"2", 5}, {"3", 0}} {
		m := c.do(req{method: "GET", path: acct(sd, "/conversations?page="+tt.page), token: sd.AdminToken}).obj()
		assert.Len(t, field(m, "data", "payload"), tt.n, "page %s", tt.page)
		assert.Equal(t, 30, num(field(m, "data", "meta", "all_count")))
	}
	m := c.do(req{method: "GET", path: acct(sd, fmt.Sprintf("/contacts/%d/conversations", sd.ContactID)), token: sd.AdminToken}).obj()
	p := m["payload"].([]any)
	require.Len(t, p, 20, "contact conversations: the latest 20")
	assert.Equal(t, 30, num(field(p[0], "id")), "newest first")

	// 30 more messages in conversation 1 (which has 1): ids 2..31.
	for i := 0; i < 30; i++ {
		res := c.do(req{method: "POST", path: acct(sd, "/conversations/1/messages"), token: sd.AdminToken, body: map[string]any{"content": fmt.Sprintf("m%d", i), "private": true}})
		require.Equal(t, 200, res.status)
	}
	ids := func(q string) []int {
		var out []int
		for _, m := range c.do(req{method: "GET", path: acct(sd, "/conversations/1/messages"+q), token: sd.AdminToken}).obj()["payload"].([]any) {
			out = append(out, num(field(m, "id")))
		}
		return out
	}
	latest := ids("")
	require.Len(t, latest, 20)
	assert.Equal(t, 12, latest[0], "the latest 20, oldest first")
	assert.Equal(t, 31, latest[19])
	before := ids("?before=12")
	assert.Len(t, before, 11)
	assert.Equal(t, []int{1, 11}, []int{before[0], before[10]})
	assert.Equal(t, []int{29, 30, 31}, ids("?after=28"))
	assert.Equal(t, []int{5, 6}, ids("?after=5&before=7"))

	pub := fmt.Sprintf("/public/api/v1/inboxes/%s/contacts/%s/conversations/1/messages", sd.InboxIdentifier, sd.ContactSourceID)
	assert.Len(t, c.do(req{method: "GET", path: pub}).arr(), 1, "private messages are not public")
}
