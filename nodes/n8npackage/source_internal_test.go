package n8npackage

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/runtime"
)

// lateFunction loads the lazy fixture's node and returns its route
// function that reads a module deferred at load.
func lateFunction(t *testing.T, p *Package) (*runtime.NodeType, Function) {
	t.Helper()
	nt, err := p.NodeType(context.Background(), "lazy", 1)
	require.NoError(t, err)
	n, err := p.Node(context.Background(), "lazy")
	require.NoError(t, err)
	for _, f := range n.Functions {
		if f.Kind == "preSend" {
			return nt, f
		}
	}
	t.Fatal("the lazy node has no preSend function")
	return nil, Function{}
}

func TestFoldersHeldOnlyWhileLoading(t *testing.T) {
	ctx := context.Background()
	dir, err := filepath.Abs(filepath.Join("testdata", "lazy"))
	require.NoError(t, err)
	p, err := Load(ctx, dir)
	require.NoError(t, err)
	defer p.Close()
	ds := p.src.(*dirSource)
	nt, _ := lateFunction(t, p)
	opened := false
	for _, n := range ds.seen {
		opened = opened || n >= 2
	}
	require.True(t, opened, "the load held a folder open")
	require.Zero(t, ds.holds)
	require.Empty(t, ds.folders, "no folder stays open once the load is over")

	// A route function's first read of a deferred module reads its file
	// by name.
	hooks := &runtime.Hooks{}
	require.NoError(t, p.RegisterHooks(ctx, hooks))
	engine := &runtime.Engine{Hooks: hooks, Retry: runtime.RetryPolicy{Disabled: true}}
	res, err := engine.Execute(ctx, runtime.Run{Node: nt, Parameters: map[string]any{"operation": "late"}})
	require.NoError(t, err)
	require.ErrorContains(t, res.Err, "read late value after ")
	require.ErrorContains(t, res.Err, ",late", "late.js ran at the function's first read")
	require.Empty(t, ds.folders)

	// Once closed, a function fails naming the package and the function.
	require.NoError(t, p.Close())
	res, err = engine.Execute(ctx, runtime.Run{Node: nt, Parameters: map[string]any{"operation": "late"}})
	require.NoError(t, err)
	require.ErrorIs(t, res.Err, ErrClosed)
	require.ErrorContains(t, res.Err, "n8n package n8n-nodes-lazy: running n8n-nodes-lazy.lazy: preSend function at ")
	require.ErrorContains(t, p.RegisterHooks(ctx, &runtime.Hooks{}), "n8n package n8n-nodes-lazy: registering its functions: the package is closed")
}

func TestDeferredRequireAfterClose(t *testing.T) {
	ctx := context.Background()
	dir, err := filepath.Abs(filepath.Join("testdata", "lazy"))
	require.NoError(t, err)
	p, err := Load(ctx, dir)
	require.NoError(t, err)
	_, f := lateFunction(t, p)
	require.NoError(t, p.Close())
	require.NoError(t, p.Close(), "closing twice is harmless")
	// A function already running as the package closes (called here past
	// run's check) reads a module deferred at load.
	err = p.sb.run(ctx, "calling useLate", func() error {
		fn, ok := goja.AssertFunction(f.fn)
		require.True(t, ok)
		_, err := fn(goja.Undefined())
		return err
	})
	lateJS := filepath.Join(dir, "dist", "nodes", "Lazy", "late.js")
	nodeJS := filepath.Join(dir, "dist", "nodes", "Lazy", "Lazy.node.js")
	require.ErrorContains(t, err, `module "./late" (`+lateJS+`), required by `+nodeJS+` and evaluated at its first use, failed to load: n8n package n8n-nodes-lazy is closed: cannot load `+lateJS)
}
