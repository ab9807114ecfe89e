package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// ctxStore is a credential store that honours its context, as one over a
// remote secret service does.
type ctxStore struct{}

func (ctxStore) Credential(ctx context.Context, typeName string) (map[string]any, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("secret service: %w", err)
	}
	return map[string]any{"url": "http://unused", "token": "t"}, nil
}

// TestExecuteErrorContract proves each outcome Engine.Execute documents:
// which of the returned error, Result.Err, Result.PassedThrough and error
// items carries a failure.
func TestExecuteErrorContract(t *testing.T) {
	// Item i fails with 500 when its json has fail: true.
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, c captured) {
		if r.URL.Query().Get("fail") == "true" {
			writeJSON(w, 500, map[string]any{"message": "boom"})
			return
		}
		writeJSON(w, 200, map[string]any{"i": r.URL.Query().Get("i")})
	})
	props := `[{"displayName":"I","name":"i","type":"string","default":"={{ $itemIndex }}","routing":{"send":{"property":"i"}}},
	  {"displayName":"Fail","name":"fail","type":"string","default":"={{ $json.fail === true }}","routing":{"send":{"property":"fail"}}}]`
	nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, props)
	ok, bad := `{}`, `{"fail":true}`

	type want struct {
		err           error // errors.Is; nil means none
		errAs         any   // a pointer for errors.As
		nodeErrItem   *int  // Result.Err's ItemIndex; nil means Result.Err nil
		passedThrough bool
		items         int // len(Result.Items)
		errorItems    int
		withError     int // items in Result.Items with Error set
	}
	idx := func(i int) *int { return &i }
	tests := []struct {
		name     string
		run      runtime.Run
		override func(*runtime.Run)
		want     want
	}{
		{name: "no node type is a returned error",
			run:  runtime.Run{},
			want: want{err: errors.New("any")}},
		{name: "parameter issues are a returned *IssuesError",
			run:  runtime.Run{Node: nt, Parameters: map[string]any{"ii": "x"}},
			want: want{errAs: new(*runtime.IssuesError)}},
		{name: "an unknown typeVersion is a returned *IssuesError",
			run:  runtime.Run{Node: nt, TypeVersion: 7},
			want: want{errAs: new(*runtime.IssuesError)}},
		{name: "a missing credential fails the node before any item",
			run:  runtime.Run{Node: credNode(t, srv.URL, true, `{"baseURL":"@URL@"}`, `[]`, `{}`)},
			want: want{nodeErrItem: idx(-1)}},
		{name: "a missing credential passes the input through when the engine continues",
			run: runtime.Run{Node: credNode(t, srv.URL, true, `{"baseURL":"@URL@"}`, `[]`, `{}`),
				Items: items(t, ok, ok), Settings: node.Settings{ContinueOnFail: true}},
			want: want{passedThrough: true, items: 2}},
		{name: "an item failure stops the node with the items before it",
			run:  runtime.Run{Node: nt, Items: items(t, ok, bad, ok)},
			want: want{nodeErrItem: idx(1), items: 1}},
		{name: "continueOnFail makes failed items error items in the main output",
			run:  runtime.Run{Node: nt, Items: items(t, ok, bad, ok), Settings: node.Settings{ContinueOnFail: true}},
			want: want{items: 3, withError: 1}},
		{name: "continueRegularOutput likewise",
			run:  runtime.Run{Node: nt, Items: items(t, bad, ok), Settings: node.Settings{OnError: node.OnErrorContinueRegularOutput}},
			want: want{items: 2, withError: 1}},
		{name: "continueErrorOutput puts them in ErrorItems",
			run:  runtime.Run{Node: nt, Items: items(t, bad, ok, bad), Settings: node.Settings{OnError: node.OnErrorContinueErrorOutput}},
			want: want{items: 1, errorItems: 2}},
		{name: "a run that succeeds",
			run:  runtime.Run{Node: nt, Items: items(t, ok, ok)},
			want: want{items: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := newEngine(t)
			res, err := e.Execute(context.Background(), tt.run)
			switch {
			case tt.want.errAs != nil:
				require.Error(t, err)
				assert.True(t, errors.As(err, tt.want.errAs), "error %T: %v", err, err)
				assert.Equal(t, runtime.Result{}, res, "a run that cannot start has a zero Result")
				return
			case tt.want.err != nil:
				require.Error(t, err)
				assert.Equal(t, runtime.Result{}, res, "a run that cannot start has a zero Result")
				return
			}
			require.NoError(t, err)
			if tt.want.nodeErrItem != nil {
				require.NotNil(t, res.Err, "Result.Err")
				assert.Equal(t, *tt.want.nodeErrItem, res.Err.ItemIndex)
			} else {
				assert.Nil(t, res.Err, "Result.Err")
			}
			assert.Equal(t, tt.want.passedThrough, res.PassedThrough != nil, "Result.PassedThrough")
			assert.Len(t, res.Items, tt.want.items, "Result.Items")
			assert.Len(t, res.ErrorItems, tt.want.errorItems, "Result.ErrorItems")
			withError := 0
			for _, it := range res.Items {
				if it.Error != nil {
					withError++
				}
			}
			assert.Equal(t, tt.want.withError, withError, "items with Error set")
		})
	}
}

// TestExecuteContextEnds: when ctx ends, the returned error is ctx's,
// whatever the settings, and Result.Items holds the items delivered
// before.
func TestExecuteContextEnds(t *testing.T) {
	for _, settings := range []node.Settings{{}, {ContinueOnFail: true}, {OnError: node.OnErrorContinueErrorOutput}} {
		t.Run(fmt.Sprintf("%+v", settings), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// Item 1 cancels the run and holds its reply until the client
			// goes away.
			srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, c captured) {
				if queryIndex(r) == 1 {
					cancel()
					waitOrDone(r, nil)
					return
				}
				writeJSON(w, 200, map[string]any{"i": queryIndex(r)})
			})
			nt := description(t, srv.URL, `{"baseURL":"@URL@"}`, indexedProps)
			e, _ := newEngine(t)
			e.MaxConcurrency = 1 // item 0 is delivered before item 1 starts
			res, err := e.Execute(ctx, runtime.Run{Node: nt, Items: items(t, `{}`, `{}`, `{}`), Settings: settings})
			require.ErrorIs(t, err, context.Canceled)
			assert.Nil(t, res.Err)
			assert.Nil(t, res.PassedThrough)
			assert.Equal(t, []any{jsonOf(t, `{"i":0}`)}, jsons(res.Items), "the items delivered before")
		})
	}
	t.Run("during preparation", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		nt := credNode(t, "http://unused", true, `{"baseURL":"@URL@"}`, `[]`, `{}`)
		for _, settings := range []node.Settings{{}, {ContinueOnFail: true}} {
			e, _ := newEngine(t)
			res, err := e.Execute(ctx, runtime.Run{Node: nt, Credentials: ctxStore{}, Settings: settings})
			require.ErrorIs(t, err, context.Canceled, "%+v", settings)
			assert.Equal(t, runtime.Result{}, res)
		}
	})
}
