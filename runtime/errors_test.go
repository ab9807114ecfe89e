package runtime_test

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// Errors, continue-on-fail, onError and retry, reference §8 (F1-F8).

// failIndexes answers 500 {"message":"item N failed"} for the listed item
// indexes (query i) and 200 {"i":N} otherwise.
func failIndexes(fail ...int) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ captured) {
		i := queryIndex(r)
		for _, f := range fail {
			if f == i {
				writeJSON(w, 500, map[string]any{"message": "item failed"})
				return
			}
		}
		writeJSON(w, 200, map[string]any{"i": i})
	}
}

func TestContinueOnFailSettings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		settings node.Settings
		want     string // "items", "errorOutput", "fail" or "passThrough"
	}{
		{"F1 onError continueRegularOutput", node.Settings{OnError: node.OnErrorContinueRegularOutput}, "items"},
		{"F1 legacy continueOnFail when onError is unset", node.Settings{ContinueOnFail: true}, "items"},
		{"F1 onError takes precedence over continueOnFail", node.Settings{ContinueOnFail: false, OnError: node.OnErrorContinueRegularOutput}, "items"},
		{"F6 onError continueErrorOutput", node.Settings{OnError: node.OnErrorContinueErrorOutput}, "errorOutput"},
		{"F1 default stops", node.Settings{}, "fail"},
		{"F1 onError stopWorkflow stops", node.Settings{OnError: node.OnErrorStop}, "fail"},
		// F7: the node stops (onError wins inside it), but n8n's engine
		// continues on either flag and passes the input through.
		{"F7 continueOnFail with onError stopWorkflow passes input through", node.Settings{ContinueOnFail: true, OnError: node.OnErrorStop}, "passThrough"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, failIndexes(1))
			nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, indexedProps)
			e, _ := newEngine(t)
			in := items(t, `{"in":0}`, `{"in":1}`, `{"in":2}`)
			res := execute(t, e, runtime.Run{Node: nt, Items: in, Settings: tc.settings})
			errItem := map[string]any{"error": "Request failed with status code 500"}
			switch tc.want {
			case "items":
				require.Nil(t, res.Err)
				assert.Equal(t, []any{map[string]any{"i": 0.0}, errItem, map[string]any{"i": 2.0}}, jsons(res.Items))
				assert.Equal(t, []int{0, 1, 2}, pairedIndexes(res.Items))
				require.NotNil(t, res.Items[1].Error)
				assert.Equal(t, runtime.NameNodeAPIError, res.Items[1].Error.Name)
				assert.Equal(t, "500", res.Items[1].Error.HTTPCode)
				assert.Equal(t, "item failed", res.Items[1].Error.Description)
				require.NotNil(t, res.Items[1].Error.ItemIndex)
				assert.Equal(t, 1, *res.Items[1].Error.ItemIndex)
				assert.Empty(t, res.ErrorItems)
			case "errorOutput":
				require.Nil(t, res.Err)
				assert.Equal(t, []any{map[string]any{"i": 0.0}, map[string]any{"i": 2.0}}, jsons(res.Items))
				assert.Equal(t, []any{errItem}, jsons(res.ErrorItems))
				assert.Equal(t, []int{1}, pairedIndexes(res.ErrorItems))
			case "fail":
				require.NotNil(t, res.Err)
				assert.Equal(t, 1, res.Err.ItemIndex)
				assert.Nil(t, res.PassedThrough)
			case "passThrough":
				require.Nil(t, res.Err)
				require.NotNil(t, res.PassedThrough)
				assert.Equal(t, 1, res.PassedThrough.ItemIndex)
				assert.Equal(t, jsons(in), jsons(res.Items))
				assert.Equal(t, []int{0, 1, 2}, pairedIndexes(res.Items))
			}
		})
	}
}

func TestFirstFailedItemInIndexOrder(t *testing.T) {
	t.Parallel()
	// F2: the node fails with the first failed item in index order, not
	// in time order: item 1 is answered only after item 3 failed.
	item3Done, allIn := make(chan struct{}), make(chan struct{})
	var arrived atomic.Int32
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, c captured) {
		if arrived.Add(1) == 5 {
			close(allIn)
		}
		switch queryIndex(r) {
		case 1:
			// Answered once item 3 failed and every later item was sent,
			// so that the run sees them all in flight, whatever the timing.
			if !waitOrDone(r, item3Done) || !waitOrDone(r, allIn) {
				return
			}
			writeJSON(w, 502, map[string]any{"message": "item 1"})
		case 3:
			writeJSON(w, 500, map[string]any{"message": "item 3"})
			close(item3Done)
		default:
			writeJSON(w, 200, map[string]any{"i": queryIndex(r)})
		}
	})
	nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, indexedProps)
	e, _ := newEngine(t)
	res := execute(t, e, runtime.Run{Node: nt, Items: items(t, `{}`, `{}`, `{}`, `{}`, `{}`), RunIndex: 3})
	require.NotNil(t, res.Err)
	assert.Equal(t, 1, res.Err.ItemIndex)
	assert.Equal(t, 3, res.Err.RunIndex)
	assert.Equal(t, "502", res.Err.HTTPCode)
	assert.Equal(t, "item 1", res.Err.Description)
	assert.Equal(t, []any{map[string]any{"i": 0.0}}, jsons(res.Items), "only the items before the failed one")
	assert.Len(t, srv.requests(), 5, "later items were already sent")
}

func TestBuildFailuresArePerItem(t *testing.T) {
	t.Parallel()
	// F3: a failure to build item i's request fails item i only.
	srv := newRecorder(t, nil)
	nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, `[
	  {"displayName":"N","name":"n","type":"string","default":"","routing":{"send":{"property":"n"}}}]`)
	params := map[string]any{"n": `={{ $json.n.toNumber() }}`}
	in := items(t, `{"n":"1"}`, `{"n":"x"}`, `{"n":"3"}`)
	t.Run("F3 continue-on-fail makes it an error item [v]", func(t *testing.T) {
		e, _ := newEngine(t)
		res := mustSucceed(t, e, runtime.Run{Node: nt, Parameters: params, Items: in, Settings: node.Settings{ContinueOnFail: true}})
		require.Len(t, res.Items, 3)
		assert.Nil(t, res.Items[0].Error)
		require.NotNil(t, res.Items[1].Error)
		assert.Equal(t, runtime.NameNodeOperationError, res.Items[1].Error.Name)
		assert.Contains(t, res.Items[1].Error.Message, "cannot convert to number")
		assert.Equal(t, map[string]any{"error": res.Items[1].Error.Message}, res.Items[1].JSON)
		assert.Equal(t, "n", res.Items[1].Error.Parameter)
		assert.Equal(t, []int{0, 1, 2}, pairedIndexes(res.Items))
	})
	t.Run("F3 otherwise the node fails with that item", func(t *testing.T) {
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt, Parameters: params, Items: in})
		require.NotNil(t, res.Err)
		assert.Equal(t, 1, res.Err.ItemIndex)
		assert.Equal(t, runtime.NameNodeOperationError, res.Err.Name)
		assert.Contains(t, res.Err.Error(), `[parameter "n"] [item 1]`)
	})
	t.Run("noderun: an expression runtime error is an item error (E5)", func(t *testing.T) {
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt, Parameters: map[string]any{"n": `={{ $json.missing.deep }}`}})
		require.NotNil(t, res.Err)
		assert.Contains(t, res.Err.Message, "Cannot read properties of undefined")
	})
	t.Run("E5 Lenient expressions give undefined as n8n does", func(t *testing.T) {
		srv := newRecorder(t, nil)
		nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, `[
		  {"displayName":"N","name":"n","type":"string","default":"","routing":{"send":{"property":"n"},"request":{"url":"=/x/{{ $value }}/y"}}}]`)
		e, _ := newEngine(t)
		e.Expressions.Lenient = true
		mustSucceed(t, e, runtime.Run{Node: nt, Parameters: map[string]any{"n": `={{ $json.missing.deep }}`}})
		got := srv.only(t)
		assert.Equal(t, "/x//y", got.Path)
		assert.Equal(t, "", got.RawQuery, "undefined is not sent")
	})
}

func TestNodeAPIErrorsByStatusAndPath(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status         int
		body           string // JSON, or text when it does not start with {
		withCredential bool
		message        string
		description    string
	}{
		{404, `{"message":"Not here"}`, false, "Request failed with status code 404", "Not here"},
		{400, `{"error":{"message":"bad field"}}`, false, "Request failed with status code 400", "bad field"},
		{422, `{"errors":["x"],"msg":"no"}`, false, "Request failed with status code 422", ""},
		{404, `page missing`, false, "Request failed with status code 404", ""},
		{429, `{"message":"slow down"}`, false, "Request failed with status code 429", "slow down"},
		{404, `{"message":"Not here"}`, true, "The resource you are requesting could not be found", "Not here"},
		{400, `{"error":{"message":"bad field"}}`, true, "Bad request - please check your parameters", "bad field"},
		{401, `{}`, true, "Authorization failed - please check your credentials", "Request failed with status code 401"},
		{402, `{}`, true, "Payment required - perhaps check your payment details?", "Request failed with status code 402"},
		{403, `{}`, true, "Forbidden - perhaps check your credentials?", "Request failed with status code 403"},
		{405, `{}`, true, "Method not allowed - please check you are using the right HTTP method", "Request failed with status code 405"},
		// The 429 batching hint never fires in n8n 2.41 [v].
		{429, `{}`, true, "The service is receiving too many requests from you", "Request failed with status code 429"},
		{500, `{}`, true, "The service was not able to process your request", "Request failed with status code 500"},
		{502, `{}`, true, "Bad gateway - the service failed to handle your request", "Request failed with status code 502"},
		{503, `{}`, true, "Service unavailable - try again later or consider setting this node to retry automatically (in the node settings)", "Request failed with status code 503"},
		{504, `{}`, true, "Gateway timed out - perhaps try again later?", "Request failed with status code 504"},
		{418, `{"errors":[1]}`, true, "Your request is invalid or could not be processed by the service", "Request failed with status code 418"},
		{599, `{}`, true, "The service failed to process your request", "Request failed with status code 599"},
		{404, `page missing`, true, "The resource you are requesting could not be found", "Request failed with status code 404"},
	}
	for _, tc := range cases {
		name := "F5 no-credential "
		if tc.withCredential {
			name = "F5 credential "
		}
		t.Run(name+strconv.Itoa(tc.status)+" "+tc.body, func(t *testing.T) {
			t.Parallel()
			ct := "application/json"
			if tc.body[0] != '{' {
				ct = "text/plain"
			}
			srv := newRecorder(t, rawResponse(tc.status, ct, tc.body))
			run := runtime.Run{}
			if tc.withCredential {
				run.Node = credNode(t, srv.URL, true, `{"baseURL":"@URL@"}`, `[]`, `{"headers":{"X-Token":"={{$credentials.token}}"}}`)
				run.Credentials = staticCreds("testApi", map[string]any{"token": secretToken})
			} else {
				run.Node = description(t, srv.URL, `{"baseURL":"@URL@"}`, `[]`)
			}
			e, _ := newEngine(t)
			res := execute(t, e, run)
			require.NotNil(t, res.Err)
			ne := res.Err
			assert.Equal(t, runtime.NameNodeAPIError, ne.Name)
			assert.Equal(t, tc.message, ne.Message)
			assert.Equal(t, tc.description, ne.Description)
			assert.Equal(t, strconv.Itoa(tc.status), ne.HTTPCode)
			assert.Equal(t, 0, ne.ItemIndex)
			if tc.body[0] == '{' {
				assert.Equal(t, jsonOf(t, tc.body), ne.Body, "F4 context data is the JSON body")
			} else {
				assert.Nil(t, ne.Body)
			}
		})
	}
	t.Run("F5 connection closed without an answer, both paths", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, func(w http.ResponseWriter, _ *http.Request, _ captured) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		})
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: description(t, srv.URL, `{"baseURL":"@URL@"}`, `[]`)})
		require.NotNil(t, res.Err)
		// Recorded with axios and NodeApiError from n8n 2.41.
		assert.Equal(t, "socket hang up", res.Err.Message)
		assert.Equal(t, "none", res.Err.HTTPCode)
		res = execute(t, e, runtime.Run{Node: credNode(t, srv.URL, true, `{"baseURL":"@URL@"}`, `[]`, `{}`),
			Credentials: staticCreds("testApi", map[string]any{})})
		require.NotNil(t, res.Err)
		assert.Equal(t, "The connection to the server was closed unexpectedly, perhaps it is offline. You can retry the request immediately or wait and retry later.", res.Err.Message)
		assert.Equal(t, "ECONNRESET", res.Err.HTTPCode)
	})
	t.Run("F5 connection refused, both paths", func(t *testing.T) {
		t.Parallel()
		url := refusedURL(t)
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: description(t, url, `{"baseURL":"@URL@"}`, `[]`)})
		require.NotNil(t, res.Err)
		assert.Equal(t, "The service refused the connection - perhaps it is offline", res.Err.Message)
		assert.Equal(t, "none", res.Err.HTTPCode)
		res = execute(t, e, runtime.Run{Node: credNode(t, url, true, `{"baseURL":"@URL@"}`, `[]`, `{}`),
			Credentials: staticCreds("testApi", map[string]any{})})
		require.NotNil(t, res.Err)
		assert.Equal(t, "The service refused the connection - perhaps it is offline", res.Err.Message)
		assert.Equal(t, "ECONNREFUSED", res.Err.HTTPCode)
	})
}

func TestErrorOutputRouting(t *testing.T) {
	t.Parallel()
	// F6: with continueErrorOutput, failed items and items whose json
	// holds only error/message/details with a truthy error go to the
	// error output.
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
		switch queryIndex(r) {
		case 0:
			writeJSON(w, 200, map[string]any{"ok": true})
		case 1:
			writeJSON(w, 200, map[string]any{"error": "quota exceeded", "message": "m", "details": "d"})
		case 2:
			writeJSON(w, 200, map[string]any{"error": "kept", "other": 1})
		case 3:
			writeJSON(w, 200, map[string]any{"error": ""})
		default:
			writeJSON(w, 500, map[string]any{})
		}
	})
	nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, indexedProps)
	e, _ := newEngine(t)
	res := mustSucceed(t, e, runtime.Run{Node: nt, Items: items(t, `{}`, `{}`, `{}`, `{}`, `{}`),
		Settings: node.Settings{OnError: node.OnErrorContinueErrorOutput}})
	assert.Equal(t, []any{map[string]any{"ok": true}, map[string]any{"error": "kept", "other": 1.0}, map[string]any{"error": ""}}, jsons(res.Items))
	assert.Equal(t, []int{0, 2, 3}, pairedIndexes(res.Items))
	assert.Equal(t, []any{
		map[string]any{"error": "quota exceeded", "message": "m", "details": "d"},
		map[string]any{"error": "Request failed with status code 500"},
	}, jsons(res.ErrorItems))
	assert.Equal(t, []int{1, 4}, pairedIndexes(res.ErrorItems))
}

func TestWholeNodeFailurePassesInputThrough(t *testing.T) {
	t.Parallel()
	// F7: a failure before any item (here C1, a missing credential) with
	// continue-on-fail passes the input items through.
	nt := credNode(t, "http://127.0.0.1:1", true, `{"baseURL":"@URL@"}`, `[]`, `{}`)
	in := items(t, `{"a":1}`, `{"a":2}`)
	for _, s := range []node.Settings{
		{ContinueOnFail: true},
		{OnError: node.OnErrorContinueRegularOutput},
		{OnError: node.OnErrorContinueErrorOutput},
		{ContinueOnFail: true, OnError: node.OnErrorStop},
	} {
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt, Items: in, Settings: s})
		require.Nil(t, res.Err, "%+v", s)
		require.NotNil(t, res.PassedThrough, "%+v", s)
		assert.Equal(t, "Node does not have any credentials set", res.PassedThrough.Message)
		assert.Equal(t, jsons(in), jsons(res.Items))
		assert.Equal(t, []int{0, 1}, pairedIndexes(res.Items))
	}
	e, _ := newEngine(t)
	res := execute(t, e, runtime.Run{Node: nt, Items: in})
	require.NotNil(t, res.Err)
	assert.Nil(t, res.PassedThrough)
	assert.Empty(t, res.Items)
}

func TestRetryOnFail(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		settings  node.Settings
		wantTries int
		wantWait  time.Duration
	}{
		{"F8 maxTries 1 means 2", node.Settings{RetryOnFail: true, MaxTries: 1, WaitBetweenTries: 10}, 2, 10 * time.Millisecond},
		{"F8 maxTries 10 means 5", node.Settings{RetryOnFail: true, MaxTries: 10, WaitBetweenTries: 10}, 5, 10 * time.Millisecond},
		{"F8 maxTries unset means 3", node.Settings{RetryOnFail: true, WaitBetweenTries: 10}, 3, 10 * time.Millisecond},
		{"F8 wait 0 means 1000 ms", node.Settings{RetryOnFail: true, MaxTries: 2}, 2, time.Second},
		{"F8 wait over 5000 ms is clamped", node.Settings{RetryOnFail: true, MaxTries: 2, WaitBetweenTries: 9000}, 2, 5 * time.Second},
		{"F8 negative wait is clamped to 0", node.Settings{RetryOnFail: true, MaxTries: 2, WaitBetweenTries: -5}, 2, 0},
		{"F8 retryOnFail off", node.Settings{MaxTries: 5}, 1, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecorder(t, failIndexes(0, 1))
			nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, indexedProps)
			e, clock := newEngine(t)
			// Continue-on-fail lets both items finish their tries: without
			// it the first item to fail for good cancels the others.
			tc.settings.ContinueOnFail = true
			res := mustSucceed(t, e, runtime.Run{Node: nt, Items: items(t, `{}`, `{}`), Settings: tc.settings})
			require.Len(t, res.Items, 2)
			assert.NotNil(t, res.Items[0].Error)
			assert.NotNil(t, res.Items[1].Error)
			perItem := map[string]int{}
			for _, r := range srv.requests() {
				perItem[r.RawQuery]++
			}
			// noderun retries per item, not the whole node.
			assert.Equal(t, map[string]int{"i=0": tc.wantTries, "i=1": tc.wantTries}, perItem)
			waits := clock.all()
			assert.Len(t, waits, 2*(tc.wantTries-1))
			for _, w := range waits {
				assert.Equal(t, tc.wantWait, w)
			}
		})
	}
	t.Run("F8 a retried item can succeed", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, c captured) {
			if c.N == 0 {
				writeJSON(w, 500, map[string]any{})
				return
			}
			writeJSON(w, 200, map[string]any{"ok": c.N})
		})
		nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, `[]`)
		e, _ := newEngine(t)
		res := mustSucceed(t, e, runtime.Run{Node: nt, Settings: node.Settings{RetryOnFail: true}})
		assert.Equal(t, []any{map[string]any{"ok": 1.0}}, jsons(res.Items))
	})
	t.Run("F8 build failures are not retried", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, nil)
		nt := description(t, srv.URL, `{"baseURL":"@URL@","url":"={{ 'x'.toNumber() }}"}`, `[]`)
		e, clock := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt, Settings: node.Settings{RetryOnFail: true, MaxTries: 5}})
		require.NotNil(t, res.Err)
		assert.Empty(t, clock.all())
		assert.Empty(t, srv.requests())
	})
	t.Run("noderun: retryOnFail also retries under continue-on-fail", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, failIndexes(0))
		nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, indexedProps)
		e, _ := newEngine(t)
		res := mustSucceed(t, e, runtime.Run{Node: nt, Settings: node.Settings{RetryOnFail: true, MaxTries: 3, ContinueOnFail: true}})
		assert.Len(t, srv.requests(), 3)
		require.Len(t, res.Items, 1)
		assert.NotNil(t, res.Items[0].Error)
	})
}

func TestBadInputErrors(t *testing.T) {
	t.Parallel()
	srv := newRecorder(t, rawResponse(404, "application/json", `{"message":"gone"}`))
	cases := []struct {
		name, defaults, props string
		params                map[string]any
		wantMessage           string
	}{
		{name: "unknown postReceive type", defaults: `{"baseURL":"@URL@","ignoreHttpStatusErrors":true}`,
			props:       `[{"displayName":"P","name":"p","type":"string","default":"","routing":{"output":{"postReceive":[{"type":"explode"}]}}}]`,
			wantMessage: `unknown postReceive type "explode": use rootProperty, set, filter, limit, sort, setKeyValue or binaryData`},
		{name: "unknown pagination type", defaults: `{"baseURL":"@URL@"}`,
			props:       `[{"displayName":"P","name":"p","type":"string","default":"","routing":{"send":{"paginate":true},"operations":{"pagination":{"type":"cursor"}}}}]`,
			wantMessage: `unknown pagination type "cursor": use generic or offset`},
		{name: "unregistered postReceive hook", defaults: `{"baseURL":"@URL@","ignoreHttpStatusErrors":true}`,
			props:       `[{"displayName":"P","name":"p","type":"string","default":"","routing":{"output":{"postReceive":["nope"]}}}]`,
			wantMessage: `postReceive hook "nope" is not registered: the engine has no hooks`},
		{name: "timeout that is not a number", defaults: `{"baseURL":"@URL@"}`, props: `[]`,
			params:      map[string]any{"requestOptions": map[string]any{"timeout": "={{ 'soon' }}"}},
			wantMessage: "The timeout is not valid"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e, _ := newEngine(t)
			res := execute(t, e, runtime.Run{Node: description(t, srv.URL, tc.defaults, tc.props), Parameters: tc.params})
			require.NotNil(t, res.Err)
			assert.Equal(t, runtime.NameNodeOperationError, res.Err.Name)
			assert.Equal(t, tc.wantMessage, res.Err.Message)
			assert.Equal(t, 0, res.Err.ItemIndex)
		})
	}
	t.Run("a run without a node type", func(t *testing.T) {
		e, _ := newEngine(t)
		_, err := e.Execute(t.Context(), runtime.Run{})
		require.EqualError(t, err, "runtime: run has no node type")
	})
	t.Run("ignoreHttpStatusErrors turns an error status into output", func(t *testing.T) {
		e, _ := newEngine(t)
		res := mustSucceed(t, e, runtime.Run{Node: description(t, srv.URL, `{"baseURL":"@URL@","ignoreHttpStatusErrors":true}`, `[]`)})
		assert.Equal(t, []any{map[string]any{"message": "gone"}}, jsons(res.Items))
	})
}
