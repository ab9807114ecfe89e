package runtime_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// TestSandboxRunsIsolated runs two runs at once on one Engine, so their
// expressions share the pooled JavaScript runtimes: one run keeps trying
// to change the built-ins and to leave its data in them, the other reads
// them and its own data. The second run's requests must show untouched
// built-ins and only its own data, and the first never the second's.
func TestSandboxRunsIsolated(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, nil)
	nt := description(t, rec.URL, `{"baseURL":"@URL@","url":"/t","method":"GET"}`, `[
	  {"displayName":"Tenant","name":"tenant","type":"string","default":"","routing":{"send":{"type":"query","property":"tenant"}}},
	  {"displayName":"Q","name":"q","type":"string","default":"","routing":{"send":{"type":"query","property":"q"}}}
	]`)
	engine, _ := newEngine(t)
	// Time limits are not under test: under -race on a busy machine an
	// item may wait past the default second.
	engine.Expressions.Timeout = time.Minute
	const n = 150
	tenantItems := func(secret string) []node.Item {
		out := make([]node.Item, n)
		for i := range out {
			out[i] = node.Item{JSON: map[string]any{"secret": fmt.Sprintf("%s-%d", secret, i)}}
		}
		return out
	}
	attack := `={{ [Math.leak = $json.secret, Math.max.leak = $json.secret, JSON = {stringify: () => "x"}, ` +
		`parseInt = () => 42, Object.assign(Math, {leak: 1})].length }}`
	read := `={{ [typeof Math.leak, typeof Math.max.leak, JSON.stringify({a: 1}), parseInt("7"), $json.secret].join("|") }}`
	var wg sync.WaitGroup
	results := make([]runtime.Result, 2)
	for i, run := range []runtime.Run{
		{Node: nt, Parameters: map[string]any{"tenant": "a", "q": attack}, Items: tenantItems("A"),
			Settings: node.Settings{ContinueOnFail: true}},
		{Node: nt, Parameters: map[string]any{"tenant": "b", "q": read}, Items: tenantItems("B")},
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := engine.Execute(context.Background(), run)
			if err != nil {
				t.Error(err)
			}
			results[i] = res
		}()
	}
	wg.Wait()
	require.Nil(t, results[1].Err, "the reading run failed: %v", results[1].Err)
	seen := map[string]bool{}
	for _, c := range rec.requests() {
		q, err := url.ParseQuery(c.RawQuery)
		require.NoError(t, err)
		switch q.Get("tenant") {
		case "a":
			require.NotContains(t, c.RawQuery, "B-", "the attacking run saw the other run's data")
		case "b":
			v := q.Get("q")
			require.NotContains(t, v, "A-", "the reading run saw the attacking run's data")
			parts := strings.Split(v, "|")
			require.Len(t, parts, 5, v)
			require.Equal(t, []string{"undefined", "undefined", `{"a":1}`, "7"}, parts[:4], "a built-in changed")
			seen[parts[4]] = true
		}
	}
	require.Len(t, seen, n, "every item of the reading run sent its own data")
}
