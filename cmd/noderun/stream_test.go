package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// slowPets answers GET /v1/pets/{id} after a delay that shrinks as id
// grows, so later items finish first; id 404 is a 404.
func slowPets(t testing.TB, n int) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.URL.Path, "/v1/pets/")
		w.Header().Set("Content-Type", "application/json")
		if id == "404" {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"message":"no such pet"}`)
			return
		}
		if i, err := strconv.Atoi(id); err == nil && i < n {
			time.Sleep(time.Duration(n-i) * 3 * time.Millisecond)
		}
		fmt.Fprintf(w, `{"id":%q}`, id)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// jsonlInput is a --jsonl stdin: the request line, then one item per id.
func jsonlInput(t testing.TB, req map[string]any, ids ...string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(mustJSON(t, req) + "\n")
	for _, id := range ids {
		b.WriteString(`{"json":{"id":"` + id + `"}}` + "\n")
	}
	return b.String()
}

func TestJSONL(t *testing.T) {
	const n = 12
	srv := slowPets(t, n)
	t.Setenv("NODERUN_CREDENTIALS_PETSTOREAPI", mustJSON(t, map[string]any{"url": srv.URL, "apiKey": petstoreKey}))
	get := map[string]any{"resource": "pet", "operation": "get", "petId": "={{ $json.id }}"}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = strconv.Itoa(i)
	}
	withSettings := func(settings map[string]any) map[string]any {
		req := petstoreRequest(t, get, nil, nil)
		if settings != nil {
			req["settings"] = settings
		}
		return req
	}

	t.Run("input order and pairing, however the responses arrive", func(t *testing.T) {
		out := cli(t, strings.NewReader(jsonlInput(t, withSettings(nil), ids...)), "exec", "--jsonl")
		require.Equal(t, exitOK, out.code, out.stderr)
		assert.Empty(t, out.stderr)
		lines := jsonLines(t, out.stdout)
		require.Len(t, lines, n)
		for i, l := range lines {
			assert.Equal(t, map[string]any{"id": ids[i]}, l["json"], "line %d", i)
			assert.Equal(t, map[string]any{"item": float64(i)}, l["pairedItem"], "line %d", i)
			assert.NotContains(t, l, "error")
		}
	})
	t.Run("error items inline in the main output", func(t *testing.T) {
		stdin := jsonlInput(t, withSettings(map[string]any{"onError": "continueRegularOutput"}), "1", "404", "3")
		out := cli(t, strings.NewReader(stdin), "exec", "--jsonl")
		require.Equal(t, exitOK, out.code, out.stderr)
		lines := jsonLines(t, out.stdout)
		require.Len(t, lines, 3)
		assert.Equal(t, map[string]any{"id": "1"}, lines[0]["json"])
		failed := lines[1]
		assert.Equal(t, map[string]any{"item": float64(1)}, failed["pairedItem"])
		assert.NotContains(t, failed, "output", "the main output is not marked")
		errInfo, _ := failed["error"].(map[string]any)
		assert.Equal(t, "404", errInfo["httpCode"])
		assert.Equal(t, float64(1), errInfo["itemIndex"])
		assert.Equal(t, map[string]any{"id": "3"}, lines[2]["json"])
	})
	t.Run("error output marked output 1", func(t *testing.T) {
		stdin := jsonlInput(t, withSettings(map[string]any{"onError": "continueErrorOutput"}), "1", "404", "3")
		out := cli(t, strings.NewReader(stdin), "exec", "--jsonl")
		require.Equal(t, exitOK, out.code, out.stderr)
		lines := jsonLines(t, out.stdout)
		require.Len(t, lines, 3)
		assert.Equal(t, float64(1), lines[1]["output"])
		assert.Equal(t, map[string]any{"item": float64(1)}, lines[1]["pairedItem"])
		assert.NotContains(t, lines[0], "output")
		assert.NotContains(t, lines[2], "output")
	})
	t.Run("failure: the items before it, then one error line", func(t *testing.T) {
		stdin := jsonlInput(t, withSettings(nil), "1", "2", "404", "4", "5")
		out := cli(t, strings.NewReader(stdin), "exec", "--jsonl")
		require.Equal(t, exitFailed, out.code)
		assert.Contains(t, oneStderrLine(t, out.stderr), "the node failed")
		lines := jsonLines(t, out.stdout)
		require.Len(t, lines, 3)
		assert.Equal(t, map[string]any{"id": "1"}, lines[0]["json"])
		assert.Equal(t, map[string]any{"id": "2"}, lines[1]["json"])
		last := lines[2]
		assert.Equal(t, []string{"error"}, mapKeys(last), "the last line is only {\"error\": ...}")
		errInfo, _ := last["error"].(map[string]any)
		assert.Equal(t, "NodeApiError", errInfo["name"])
		assert.Equal(t, "404", errInfo["httpCode"])
		assert.Equal(t, float64(2), errInfo["itemIndex"])
		assert.NotEmpty(t, errInfo["message"])
	})
	t.Run("no items: one empty item, as n8n", func(t *testing.T) {
		req := petstoreRequest(t, map[string]any{"resource": "pet", "operation": "get", "petId": "={{ $json.id ?? 'none' }}"}, nil, nil)
		out := cli(t, strings.NewReader(mustJSON(t, req)+"\n"), "exec", "--jsonl")
		require.Equal(t, exitOK, out.code, out.stderr)
		lines := jsonLines(t, out.stdout)
		require.Len(t, lines, 1)
		assert.Equal(t, map[string]any{"id": "none"}, lines[0]["json"])
	})
	t.Run("a bad item line: the items before it, then the input error", func(t *testing.T) {
		stdin := mustJSON(t, withSettings(nil)) + "\n" + `{"json":{"id":"1"}}` + "\n" + `{"json":{"id":"2"}}` + "\n" + `{"json": [2]}` + "\n"
		out := cli(t, strings.NewReader(stdin), "exec", "--jsonl")
		require.Equal(t, exitInput, out.code)
		assert.Contains(t, oneStderrLine(t, out.stderr), `item 2: "json" must be an object, not an array`)
		lines := jsonLines(t, out.stdout)
		require.Len(t, lines, 3)
		assert.Equal(t, map[string]any{"id": "1"}, lines[0]["json"])
		assert.Equal(t, map[string]any{"id": "2"}, lines[1]["json"])
		assert.Equal(t, []string{"error"}, mapKeys(lines[2]))
	})
	t.Run("broken JSON in an item line", func(t *testing.T) {
		stdin := mustJSON(t, withSettings(nil)) + "\n" + `{"json":{"id":"1"}}` + "\n" + `{"json":{"id":` + "\n"
		out := cli(t, strings.NewReader(stdin), "exec", "--jsonl")
		require.Equal(t, exitInput, out.code)
		assert.Contains(t, oneStderrLine(t, out.stderr), "item 1:")
		lines := jsonLines(t, out.stdout)
		require.Len(t, lines, 2)
		assert.Equal(t, []string{"error"}, mapKeys(lines[1]))
	})
	t.Run("items on the request line", func(t *testing.T) {
		req := withSettings(nil)
		req["items"] = []any{map[string]any{"json": map[string]any{"id": "1"}}}
		out := cli(t, strings.NewReader(mustJSON(t, req)+"\n"), "exec", "--jsonl")
		require.Equal(t, exitInput, out.code)
		assert.Contains(t, oneStderrLine(t, out.stderr), `the first line must not hold "items"`)
		lines := jsonLines(t, out.stdout)
		require.Len(t, lines, 1)
		assert.Equal(t, []string{"error"}, mapKeys(lines[0]))
	})
	t.Run("an unusable request line", func(t *testing.T) {
		out := cli(t, strings.NewReader(`{"node": "chatwot"}`+"\n"), "exec", "--jsonl")
		require.Equal(t, exitInput, out.code)
		assert.Contains(t, oneStderrLine(t, out.stderr), `did you mean "chatwoot"?`)
		lines := jsonLines(t, out.stdout)
		require.Len(t, lines, 1)
		assert.Equal(t, []string{"error"}, mapKeys(lines[0]))
	})
}

// TestJSONLLarge streams many items through real requests in bounded
// memory: the input is generated through a pipe and never held, the
// output is counted and checked line by line and never held, and the heap
// is sampled as the run goes. Each input item carries 2 KiB of padding,
// so a run that kept its items (200 MiB for 100,000) would fail the bound.
func TestJSONLLarge(t *testing.T) {
	// 100,000 items take about 20 s on a loaded 2-core machine; the race
	// detector makes each about six times slower, so it checks 10,000.
	n := 100_000
	if testing.Short() || raceEnabled {
		n = 10_000
	}
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(srv.Close)
	t.Setenv("NODERUN_CREDENTIALS_PETSTOREAPI", mustJSON(t, map[string]any{"url": srv.URL, "apiKey": petstoreKey}))
	req := petstoreRequest(t, map[string]any{"resource": "pet", "operation": "get", "petId": "={{ $json.id }}"}, nil, nil)

	first := mustJSON(t, req)
	pr, pw := io.Pipe()
	go func() {
		padding := strings.Repeat("x", 2048)
		w := bufio.NewWriterSize(pw, 1<<16)
		fmt.Fprintln(w, first)
		for i := 0; i < n; i++ {
			fmt.Fprintf(w, `{"json":{"id":%d,"padding":"%s"}}`+"\n", i, padding)
		}
		pw.CloseWithError(w.Flush())
	}()

	goruntime.GC()
	var ms goruntime.MemStats
	goruntime.ReadMemStats(&ms)
	baseline := ms.HeapAlloc
	counter := &lineCounter{sampleEvery: 5000}
	start := time.Now()
	code := run(context.Background(), []string{"exec", "--jsonl", "--max-concurrency", "32"}, pr, counter, io.Discard)
	elapsed := time.Since(start)
	pr.Close() // a run that stopped early must not leave the writer blocked
	require.NoError(t, counter.err)
	require.Equal(t, exitOK, code)
	assert.Equal(t, n, counter.lines)
	assert.Equal(t, int64(n), served.Load())
	growth := int64(counter.peakHeap) - int64(baseline)
	t.Logf("%d items in %v (%.0f items/s); heap growth at peak %.1f MiB", n, elapsed.Round(time.Millisecond),
		float64(n)/elapsed.Seconds(), float64(growth)/(1<<20))
	assert.Less(t, growth, int64(100<<20), "heap grew by %d bytes", growth)
}

// lineCounter is a writer that checks each JSONL output line (item i
// paired to input i, no error) and counts it, sampling the heap as it goes.
type lineCounter struct {
	partial     []byte
	lines       int
	err         error
	sampleEvery int
	peakHeap    uint64
}

func (c *lineCounter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			c.partial = append(c.partial, p...)
			break
		}
		line := p[:i]
		if len(c.partial) > 0 {
			line = append(c.partial, line...)
			c.partial = c.partial[:0]
		}
		c.check(line)
		p = p[i+1:]
	}
	return n, nil
}

func (c *lineCounter) check(line []byte) {
	var it struct {
		JSON       map[string]any     `json:"json"`
		PairedItem struct{ Item int } `json:"pairedItem"`
		Error      json.RawMessage    `json:"error"`
	}
	if err := json.Unmarshal(line, &it); err != nil && c.err == nil {
		c.err = fmt.Errorf("line %d: %w: %s", c.lines, err, line)
	}
	if c.err == nil && (it.PairedItem.Item != c.lines || it.Error != nil || it.JSON["ok"] != true) {
		c.err = fmt.Errorf("line %d is not item %d's output: %s", c.lines, c.lines, line)
	}
	c.lines++
	if c.lines%c.sampleEvery == 0 {
		var ms goruntime.MemStats
		goruntime.ReadMemStats(&ms)
		c.peakHeap = max(c.peakHeap, ms.HeapAlloc)
	}
}

// TestJSONLSim fills the simulator's placeholders in item lines too, not
// only in the request line.
func TestJSONLSim(t *testing.T) {
	req := `{"node": "chatwoot.createConversation", "parameters": {"inbox_identifier": "={{ $json.inbox }}", "contact_identifier": "={{ $json.contact }}"}}`
	item := `{"json": {"inbox": "@SIM_INBOX_IDENTIFIER@", "contact": "@SIM_CONTACT_IDENTIFIER@", "note": ["@SIM_ACCOUNT_ID@"]}}`
	out := cli(t, strings.NewReader(req+"\n"+item+"\n"+item+"\n"), "exec", "--sim", "--jsonl")
	require.Equal(t, exitOK, out.code, out.stdout+out.stderr)
	lines := jsonLines(t, out.stdout)
	require.Len(t, lines, 2)
	for i, l := range lines {
		conv, _ := l["json"].(map[string]any)
		assert.Equal(t, "open", conv["status"], "line %d", i)
		assert.NotContains(t, conv["inbox_identifier"], "@SIM_")
		assert.Equal(t, map[string]any{"item": float64(i)}, l["pairedItem"])
	}
}

// TestJSONLLatency: a line reaches the reader soon after its item is done,
// even while the next item is still waiting for its response.
func TestJSONLLatency(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/slow") {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(srv.Close)
	t.Setenv("NODERUN_CREDENTIALS_PETSTOREAPI", mustJSON(t, map[string]any{"url": srv.URL, "apiKey": petstoreKey}))
	req := petstoreRequest(t, map[string]any{"resource": "pet", "operation": "get", "petId": "={{ $json.id }}"}, nil, nil)
	stdin := jsonlInput(t, req, "fast", "slow")

	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := run(context.Background(), []string{"exec", "--jsonl"}, strings.NewReader(stdin), pw, io.Discard)
		pw.Close()
		done <- code
	}()
	first := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(pr).ReadString('\n')
		first <- line
		io.Copy(io.Discard, pr)
	}()
	select {
	case line := <-first:
		assert.Contains(t, line, `"pairedItem":{"item":0}`)
	case <-time.After(10 * time.Second):
		t.Error("the first item's line was held back until the second item finished")
	}
	close(release)
	assert.Equal(t, exitOK, <-done)
}
