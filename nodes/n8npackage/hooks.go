package n8npackage

import (
	"context"
	"fmt"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// RegisterHooks registers, under the names the converted descriptions
// use, a hook for every function the package's loaded node types hold on
// their routes. Running package JavaScript with n8n's `this` (the
// IExecuteSingleFunctions context) is not implemented yet: until it is,
// such a hook fails the item with an error naming the function, and
// routes without functions run normally.
func (p *Package) RegisterHooks(ctx context.Context, h *runtime.Hooks) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, short := range sortedKeys(p.nodes) {
		for _, f := range p.nodes[short].Functions {
			if f.Hook == "" {
				continue
			}
			err := fmt.Errorf("%s: JavaScript %s function at %s of version %v: running package functions is not supported yet", p.nodes[short].Type, f.Kind, f.Path, f.Version)
			var rerr error
			switch f.Kind {
			case "preSend":
				rerr = h.RegisterPreSend(f.Hook, func(context.Context, *runtime.HookRequest) error { return err })
			case "postReceive":
				rerr = h.RegisterPostReceive(f.Hook, func(context.Context, []node.Item, *runtime.HookResponse) ([]node.Item, error) { return nil, err })
			case "pagination":
				rerr = h.RegisterPagination(f.Hook, func(context.Context, *runtime.HookRequest, func(context.Context, *runtime.HookRequest) ([]node.Item, error)) ([]node.Item, error) {
					return nil, err
				})
			}
			if rerr != nil {
				return fmt.Errorf("n8n package %s: %w", p.Name, rerr)
			}
		}
	}
	return nil
}
