package runtime_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// A Go hook reads the item's context as n8n's IExecuteSingleFunctions
// gives it to a JavaScript function.
func TestHookContext(t *testing.T) {
	srv := newRecorder(t, nil)
	nt := description(t, srv.URL, `{"baseURL":"@URL@","method":"POST"}`, `[
	  {"displayName":"Name","name":"name","type":"string","default":"","routing":{"send":{"type":"body","property":"name","preSend":["ctx"]}}},
	  {"displayName":"Options","name":"options","type":"collection","default":{},"options":[
	    {"displayName":"Limit","name":"limit","type":"number","default":5}]}]`)
	var hooks runtime.Hooks
	type seen struct {
		index          int
		name, limit    any
		missing        bool
		node, mode, tz string
		item           node.Item
		inputs         int
		continues      bool
		credErr        bool
	}
	var got []seen
	var stale *runtime.HookContext
	require.NoError(t, hooks.RegisterPreSend("ctx", func(ctx context.Context, req *runtime.HookRequest) error {
		hc, ok := runtime.HookContextFrom(ctx)
		require.True(t, ok)
		stale = hc
		name, _, err := hc.Parameter(ctx, "name")
		require.NoError(t, err)
		limit, _, err := hc.Parameter(ctx, "options.limit")
		require.NoError(t, err)
		_, ok, err = hc.Parameter(ctx, "nope")
		require.NoError(t, err)
		_, credErr := hc.Credentials(ctx, "someApi")
		got = append(got, seen{index: hc.ItemIndex(), name: name, limit: limit, missing: !ok, node: hc.Node().Name, mode: hc.Mode(),
			tz: hc.Timezone(), item: hc.Item(), inputs: len(hc.InputItems()), continues: hc.ContinueOnFail(), credErr: credErr != nil})
		req.Qs["from"] = name
		return nil
	}))
	e, _ := newEngine(t)
	e.Hooks = &hooks
	e.MaxConcurrency = 1
	mustSucceed(t, e, runtime.Run{Node: nt, NodeName: "Hooked", Settings: node.Settings{OnError: node.OnErrorContinueRegularOutput},
		Parameters: map[string]any{"name": "={{$json.n}}", "options": map[string]any{"limit": 9.0}},
		Items:      items(t, `{"n":"a"}`, `{"n":"b"}`)})
	require.Len(t, got, 2)
	for i, s := range got {
		want := []string{"a", "b"}[i]
		assert.Equal(t, seen{index: i, name: want, limit: 9.0, missing: true, node: "Hooked", mode: "trigger", tz: "America/New_York",
			item: node.Item{JSON: map[string]any{"n": want}}, inputs: 2, continues: true, credErr: true}, s)
	}
	for _, r := range srv.requests() {
		assert.Contains(t, []string{"from=a", "from=b"}, r.RawQuery)
	}
	// Once its hook returned, a context no longer reaches the item.
	_, _, err := stale.Parameter(context.Background(), "name")
	assert.Error(t, err)
	assert.Equal(t, -1, stale.ItemIndex())
	_, ok := runtime.HookContextFrom(context.Background())
	assert.False(t, ok)
}

// HTTPRequestWithAuthentication sends with the run's credential; the
// plain helper does not.
func TestHookContextAuthenticatedRequest(t *testing.T) {
	srv := newRecorder(t, nil)
	nt := nodeTypeJSON(t, srv.URL, `{"displayName":"Test Node","name":"testNode","version":1,
		"credentials":[{"name":"keyApi","required":true}],"requestDefaults":{"baseURL":"@URL@"},
		"properties":[{"displayName":"Name","name":"name","type":"string","default":"x","routing":{"send":{"preSend":["side"]}}}]}`,
		`{"name":"keyApi","displayName":"Key","properties":[{"displayName":"Key","name":"key","type":"string","typeOptions":{"password":true},"default":""}],
		"authenticate":{"type":"generic","properties":{"headers":{"X-Key":"={{$credentials.key}}"}}}}`)
	var hooks runtime.Hooks
	require.NoError(t, hooks.RegisterPreSend("side", func(ctx context.Context, req *runtime.HookRequest) error {
		hc, _ := runtime.HookContextFrom(ctx)
		if _, err := hc.HTTPRequestWithAuthentication(ctx, "keyApi", map[string]any{"url": srv.URL + "/authed"}); err != nil {
			return err
		}
		if _, err := hc.HTTPRequest(ctx, map[string]any{"url": srv.URL + "/plain"}); err != nil {
			return err
		}
		data, err := hc.Credentials(ctx, "keyApi")
		require.NoError(t, err)
		assert.Equal(t, "k-1", data["key"])
		_, err = hc.HTTPRequestWithAuthentication(ctx, "otherApi", map[string]any{"url": srv.URL})
		assert.ErrorContains(t, err, `does not have credentials of type "otherApi"`)
		return nil
	}))
	e, _ := newEngine(t)
	e.Hooks = &hooks
	mustSucceed(t, e, runtime.Run{Node: nt, Credentials: credentials.Map{"keyApi": {"key": "k-1"}}})
	byPath := map[string]string{}
	for _, r := range srv.requests() {
		byPath[r.Path] = r.Header.Get("X-Key")
	}
	assert.Equal(t, map[string]string{"/authed": "k-1", "/plain": "", "/": "k-1"}, byPath)
}

// A dry run runs preSend functions, so the request it shows is the one
// that would be sent; a function's own request is refused (a dry run
// sends nothing) and fails only its item.
func TestDryRunRunsPreSend(t *testing.T) {
	srv := newRecorder(t, nil)
	nt := nodeTypeJSON(t, srv.URL, `{"displayName":"Test Node","name":"testNode","version":1,
		"credentials":[{"name":"keyApi","required":true}],"requestDefaults":{"baseURL":"@URL@"},
		"properties":[{"displayName":"Name","name":"name","type":"string","default":"x","routing":{"send":{"preSend":["sign"]}}}]}`,
		`{"name":"keyApi","displayName":"Key","properties":[{"displayName":"Key","name":"key","type":"string","typeOptions":{"password":true},"default":""}],
		"authenticate":{"type":"generic","properties":{"headers":{"X-Key":"={{$credentials.key}}"}}}}`)
	var hooks runtime.Hooks
	require.NoError(t, hooks.RegisterPreSend("sign", func(ctx context.Context, req *runtime.HookRequest) error {
		hc, _ := runtime.HookContextFrom(ctx)
		if hc.Item().JSON.(map[string]any)["side"] == true {
			_, err := hc.HTTPRequest(ctx, map[string]any{"method": "POST", "url": srv.URL + "/side"})
			return err
		}
		data, err := hc.Credentials(ctx, "keyApi")
		if err != nil {
			return err
		}
		req.Headers["X-Signed"] = "by-" + data["key"].(string)
		req.Qs["name"] = hc.Item().JSON.(map[string]any)["name"]
		return nil
	}))
	e, _ := newEngine(t)
	e.Hooks = &hooks
	p, err := e.Prepare(context.Background(), runtime.Run{Node: nt, Credentials: credentials.Map{"keyApi": {"key": "k-SECRET-1"}}})
	require.NoError(t, err)
	dry := p.DryRun(context.Background(), items(t, `{"name":"ann"}`, `{"side":true}`))
	require.Len(t, dry, 2)
	assert.Nil(t, dry[0].Error)
	assert.Equal(t, srv.URL+"?name=ann", dry[0].URL)
	assert.Equal(t, "**hidden**", dry[0].Headers["X-Key"])
	assert.Equal(t, "by-**hidden**", dry[0].Headers["X-Signed"], "the function's change shows, its secret masked")
	require.NotNil(t, dry[1].Error)
	assert.Contains(t, dry[1].Error.Message+dry[1].Error.Description, "a dry run sends nothing")
	assert.Contains(t, dry[1].Error.Message+dry[1].Error.Description, "POST "+srv.URL+"/side")
	assert.Empty(t, srv.requests(), "nothing was sent")
}
