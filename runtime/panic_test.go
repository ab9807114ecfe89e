package runtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// TestHookPanicFailsItsItem: a registered hook that panics (a preSend, a
// postReceive or a pagination function) fails the item it ran for, with
// the panic's text (secrets masked); it does not crash the process, which
// a panic on a worker goroutine otherwise would, and the other items run
// as usual.
func TestHookPanicFailsItsItem(t *testing.T) {
	const token = "SECRET-TOKEN-9f8e7d"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"index":%s}`, r.URL.Query().Get("index"))
	}))
	t.Cleanup(srv.Close)
	cred := `{"name":"tokenApi","displayName":"Token","properties":[{"displayName":"Token","name":"token","type":"string","typeOptions":{"password":true},"default":""}],
		"authenticate":{"type":"generic","properties":{"headers":{"X-Token":"={{$credentials.token}}"}}}}`
	routing := map[string]string{
		"preSend":     `{"send":{"type":"query","property":"index","preSend":["boom"]}}`,
		"postReceive": `{"send":{"type":"query","property":"index"},"output":{"postReceive":["boom"]}}`,
		"pagination":  `{"send":{"type":"query","property":"index","paginate":true},"operations":{"pagination":"boom"}}`,
	}
	boom := func(index any) {
		if index == 1 || index == float64(1) {
			panic("hook broke with " + token)
		}
	}
	var hooks runtime.Hooks
	require.NoError(t, hooks.RegisterPreSend("boom", func(_ context.Context, req *runtime.HookRequest) error {
		boom(req.ItemIndex)
		return nil
	}))
	require.NoError(t, hooks.RegisterPostReceive("boom", func(_ context.Context, in []node.Item, resp *runtime.HookResponse) ([]node.Item, error) {
		boom(resp.Body.(map[string]any)["index"])
		return in, nil
	}))
	require.NoError(t, hooks.RegisterPagination("boom", func(ctx context.Context, req *runtime.HookRequest, fetch func(context.Context, *runtime.HookRequest) ([]node.Item, error)) ([]node.Item, error) {
		boom(req.ItemIndex)
		return fetch(ctx, req)
	}))
	var ct node.CredentialType
	require.NoError(t, json.Unmarshal([]byte(cred), &ct))
	for kind, r := range routing {
		desc := fmt.Sprintf(`{"displayName":"Panicky","name":"panicky","version":1,"credentials":[{"name":"tokenApi","required":true}],
			"requestDefaults":{"baseURL":%q},
			"properties":[{"displayName":"Index","name":"index","type":"number","default":0,"routing":%s}]}`, srv.URL, r)
		var d node.Description
		require.NoError(t, json.Unmarshal([]byte(desc), &d))
		nt, err := runtime.NewNodeType(&d, &ct)
		require.NoError(t, err)
		for _, continueOnFail := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/continueOnFail=%v", kind, continueOnFail), func(t *testing.T) {
				e := &runtime.Engine{Hooks: &hooks, Retry: runtime.RetryPolicy{Disabled: true}}
				t.Cleanup(e.CloseIdleConnections)
				in := []node.Item{{JSON: map[string]any{}}, {JSON: map[string]any{}}, {JSON: map[string]any{}}}
				res, err := e.Execute(context.Background(), runtime.Run{Node: nt, Items: in,
					Parameters:  map[string]any{"index": "={{ $itemIndex }}"},
					Credentials: credentials.Map{"tokenApi": {"token": token}}, Settings: node.Settings{ContinueOnFail: continueOnFail}})
				require.NoError(t, err)
				if !continueOnFail {
					require.NotNil(t, res.Err)
					assert.Equal(t, runtime.NameNodeOperationError, res.Err.Name)
					assert.Equal(t, 1, res.Err.ItemIndex)
					assert.Contains(t, res.Err.Message, "hook broke with "+credentials.Mask)
					assert.NotContains(t, res.Err.Error(), token)
					require.Len(t, res.Items, 1)
					assert.Equal(t, map[string]any{"index": float64(0)}, res.Items[0].JSON)
					return
				}
				require.Nil(t, res.Err)
				require.Len(t, res.Items, 3)
				for i, it := range res.Items {
					assert.Equal(t, i, it.PairedItem.Item)
					if i != 1 {
						assert.Nil(t, it.Error)
						assert.Equal(t, map[string]any{"index": float64(i)}, it.JSON)
						continue
					}
					require.NotNil(t, it.Error)
					assert.Contains(t, it.Error.Message, "panic")
					assert.NotContains(t, it.Error.Message+it.Error.Description, token)
				}
			})
		}
	}
}
