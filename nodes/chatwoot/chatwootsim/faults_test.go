package chatwootsim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func get(t *testing.T, ts *TestServer, path, token string) (*http.Response, error) {
	t.Helper()
	r, err := http.NewRequest("GET", ts.URL+path, nil)
	require.NoError(t, err)
	if token != "" {
		r.Header.Set("api_access_token", token)
	}
	return ts.HTTP.Client().Do(r)
}

func readAll(t *testing.T, resp *http.Response) ([]byte, error) {
	t.Helper()
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func TestFaultStatusOnce(t *testing.T) {
	ts := NewTestServer(t, Options{Now: func() time.Time { return fixedNow }})
	sd := ts.Seed()
	id := ts.InjectFault(Fault{Method: "GET", PathPrefix: "/api/v1/accounts/", Times: 1, Action: ActionStatus, Status: http.StatusTooManyRequests})
	resp, err := get(t, ts, acct(sd, "/agents"), sd.AdminToken)
	require.NoError(t, err)
	body, err := readAll(t, resp)
	require.NoError(t, err)
	assert.Equal(t, 429, resp.StatusCode)
	assert.Equal(t, "Retry later\n", string(body))
	assert.Equal(t, "text/plain", resp.Header.Get("Content-Type"))
	assert.Empty(t, resp.Header.Get("Retry-After"), "rack-attack sends no Retry-After")

	resp, err = get(t, ts, acct(sd, "/agents"), sd.AdminToken)
	require.NoError(t, err)
	_, _ = readAll(t, resp)
	assert.Equal(t, 200, resp.StatusCode, "the fault fired once")
	assert.Equal(t, 1, ts.FaultHits(id))
	recs := ts.Requests()
	require.Len(t, recs, 2)
	assert.True(t, recs[0].Fault)
	assert.False(t, recs[1].Fault)
}

func TestFaultDefaultBodiesAndHeaders(t *testing.T) {
	tests := []struct {
		status int
		ctype  string
		body   string
	}{
		{500, ctJSON, `{"status":500,"error":"Internal Server Error"}`},
		{404, ctJSON, `{"error":"Resource could not be found"}`},
		{401, ctJSON, `{"error":"Invalid Access Token"}`},
		{503, "text/html", "503 Service Temporarily Unavailable"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			ts := NewTestServer(t, Options{})
			ts.InjectFault(Fault{Action: ActionStatus, Status: tt.status, Header: http.Header{"X-Injected": {"1"}}})
			resp, err := get(t, ts, "/api", "")
			require.NoError(t, err)
			body, err := readAll(t, resp)
			require.NoError(t, err)
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, tt.ctype, resp.Header.Get("Content-Type"))
			assert.Contains(t, string(body), tt.body)
			assert.Equal(t, "1", resp.Header.Get("X-Injected"))
		})
	}
	t.Run("custom body", func(t *testing.T) {
		ts := NewTestServer(t, Options{})
		ts.InjectFault(StatusFault(502, "upstream down"))
		resp, err := get(t, ts, "/api", "")
		require.NoError(t, err)
		body, _ := readAll(t, resp)
		assert.Equal(t, 502, resp.StatusCode)
		assert.Equal(t, "upstream down", string(body))
	})
}

func TestFaultMatching(t *testing.T) {
	ts := NewTestServer(t, Options{})
	sd := ts.Seed()
	ts.InjectFault(Fault{Method: "POST", Action: ActionStatus, Status: 500})
	ts.InjectFault(Fault{PathPrefix: "/public/", Action: ActionStatus, Status: 503})
	ts.InjectFault(Fault{Match: func(r *http.Request) bool { return r.URL.Query().Get("boom") == "1" }, Action: ActionStatus, Status: 502})

	for _, tt := range []struct {
		path   string
		status int
	}{
		{acct(sd, "/agents"), 200},
		{"/public/api/v1/inboxes/" + sd.InboxIdentifier, 503},
		{acct(sd, "/agents?boom=1"), 502},
	} {
		resp, err := get(t, ts, tt.path, sd.AdminToken)
		require.NoError(t, err)
		_, _ = readAll(t, resp)
		assert.Equal(t, tt.status, resp.StatusCode, tt.path)
	}
	ts.ClearFaults()
	resp, err := get(t, ts, "/public/api/v1/inboxes/"+sd.InboxIdentifier, "")
	require.NoError(t, err)
	_, _ = readAll(t, resp)
	assert.Equal(t, 200, resp.StatusCode)

	id := ts.InjectFault(Fault{Action: ActionStatus, Status: 500})
	ts.RemoveFault(id)
	assert.Equal(t, 0, ts.FaultHits(id))
	assert.Equal(t, 2, ts.CountRequests("GET", "/public/"))
}

func TestFaultLatency(t *testing.T) {
	ts := NewTestServer(t, Options{})
	ts.InjectFault(Fault{PathPrefix: "/api", Latency: 80 * time.Millisecond, Times: 1})
	start := time.Now()
	resp, err := get(t, ts, "/api", "")
	require.NoError(t, err)
	_, _ = readAll(t, resp)
	assert.Equal(t, 200, resp.StatusCode, "a latency-only fault serves the request afterwards")
	assert.GreaterOrEqual(t, time.Since(start), 80*time.Millisecond, "a timer never fires early")

	t.Run("the client gives up first", func(t *testing.T) {
		ts.InjectFault(Fault{PathPrefix: "/api", Latency: time.Minute, Times: 1})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		r, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api", nil)
		_, err := ts.HTTP.Client().Do(r)
		require.Error(t, err)
		assert.True(t, errors.Is(err, context.DeadlineExceeded))
	})
}

func TestFaultConnectionDamage(t *testing.T) {
	ts := NewTestServer(t, Options{Now: func() time.Time { return fixedNow }})
	sd := ts.Seed()
	full := func() []byte {
		resp, err := get(t, ts, acct(sd, "/inboxes"), sd.AdminToken)
		require.NoError(t, err)
		b, err := readAll(t, resp)
		require.NoError(t, err)
		return b
	}
	want := full()
	require.Greater(t, len(want), 200)

	t.Run("reset before the response", func(t *testing.T) {
		// Go's transport silently retries an idempotent request once when a reused keep-alive
		// connection dies before the response, so use a fresh connection to see the reset.
		ts.InjectFault(Fault{Times: 1, Action: ActionReset})
		fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		r, _ := http.NewRequest("GET", ts.URL+acct(sd, "/inboxes"), nil)
		_, err := fresh.Do(r)
		require.Error(t, err)
		assert.Equal(t, 0, ts.Requests()[len(ts.Requests())-1].Status, "logged as a reset")
	})
	t.Run("reset mid-body", func(t *testing.T) {
		ts.InjectFault(Fault{Times: 1, Action: ActionResetMidBody, AfterBytes: 100})
		resp, err := get(t, ts, acct(sd, "/inboxes"), sd.AdminToken)
		require.NoError(t, err, "the headers arrive")
		assert.Equal(t, 200, resp.StatusCode)
		got, err := readAll(t, resp)
		require.Error(t, err)
		assert.LessOrEqual(t, len(got), 100)
		assert.Equal(t, want[:len(got)], got)
	})
	t.Run("truncated body", func(t *testing.T) {
		ts.InjectFault(Fault{Times: 1, Action: ActionTruncate, AfterBytes: 150})
		resp, err := get(t, ts, acct(sd, "/inboxes"), sd.AdminToken)
		require.NoError(t, err)
		assert.Equal(t, int64(len(want)), resp.ContentLength, "the full length is announced")
		got, err := readAll(t, resp)
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		assert.Equal(t, want[:150], got)
	})
	t.Run("slow body", func(t *testing.T) {
		ts.InjectFault(Fault{Times: 1, Action: ActionSlowBody, ChunkSize: 512, ChunkDelay: time.Millisecond})
		assert.Equal(t, want, full())
	})
	t.Run("the server recovers", func(t *testing.T) {
		assert.Equal(t, want, full())
	})
}

func TestFaultsUnderConcurrency(t *testing.T) {
	ts := NewTestServer(t, Options{Faults: []Fault{{PathPrefix: "/api/v1/accounts/1/conversations", Times: 50, Action: ActionStatus, Status: 503}}})
	sd := ts.Seed()
	const n = 200
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			method, body := "GET", ""
			path := acct(sd, "/conversations")
			if i%2 == 1 {
				method, path, body = "POST", acct(sd, "/conversations/1/messages"), fmt.Sprintf(`{"content":"m%d"}`, i)
			}
			r, _ := http.NewRequest(method, ts.URL+path, stringsReader(body))
			r.Header.Set("api_access_token", sd.AdminToken)
			r.Header.Set("Content-Type", "application/json")
			resp, err := ts.HTTP.Client().Do(r)
			if err != nil {
				t.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			mu.Lock()
			statuses[resp.StatusCode]++
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	assert.Equal(t, map[int]int{200: n - 50, 503: 50}, statuses)
	assert.Equal(t, n, len(ts.Requests()))

	c := &client{t: t, ts: ts}
	m := c.do(req{method: "GET", path: acct(sd, "/conversations/1/messages?after=0"), token: sd.AdminToken}).obj()
	created := len(m["payload"].([]any))
	assert.Equal(t, 1+n/2-countFaulted(ts.Requests(), "POST"), created, "every accepted message was stored exactly once")
}

func countFaulted(recs []RequestRecord, method string) int {
	n := 0
	for _, r := range recs {
		if r.Method == method && r.Fault {
			n++
		}
	}
	return n
}
