package n8npackage

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/dop251/goja"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// credentialTestKind is Function.Kind of a methods.credentialTest function.
const credentialTestKind = "credentialTest"

// credentialTestFuncs are the node's credential test functions by name,
// each the one of the latest version that has it, as n8n's
// CredentialsTester searches a versioned node's versions. n8n orders them
// by Object.keys(nodeVersions).sort().reverse(), a string sort whose keys
// it reads back with parseInt: for a node with a version of 10 or more
// ("9" after "10") or a fractional one (parseInt("1.1") is version 1's)
// its choice differs from the numeric latest-first taken here.
func (p *Package) credentialTestFuncs(short string, n *Node) map[string]runtime.CredentialTestFunc {
	var out map[string]runtime.CredentialTestFunc
	for _, v := range slices.Backward(n.Versions) {
		for _, f := range n.Functions {
			if f.Kind != credentialTestKind || f.Version != v {
				continue
			}
			name := f.Path[len("/methods/credentialTest/"):]
			if _, done := out[name]; done {
				continue
			}
			if out == nil {
				out = map[string]runtime.CredentialTestFunc{}
			}
			jf := &jsFunction{p: p, nodeType: n.Type, fn: f, desc: n.descs[f.Version], testName: name}
			jf.label = fmt.Sprintf("%s: credential test function %s of version %v", n.Type, name, f.Version)
			out[name] = func(ctx context.Context, typeName string, data map[string]any, h node.CredentialHelpers) (credentials.TestResult, error) {
				p.preparePool([]string{short})
				return jf.credentialTest(ctx, typeName, data, h)
			}
		}
	}
	return out
}

// credentialTest calls the function as n8n's CredentialsTester does: `this`
// is a CredentialTestContext, the argument the credential {id, name,
// type, data}, and the result, or what its promise settles to,
// {status: 'OK' | 'Error', message}.
func (f *jsFunction) credentialTest(ctx context.Context, typeName string, data map[string]any, h node.CredentialHelpers) (credentials.TestResult, error) {
	var res credentials.TestResult
	err := f.run(ctx, jsCall{fn: f, credType: typeName, credHelpers: h}, func(c *jsCall, fn goja.Callable) (goja.Value, error) {
		cred := c.vm.NewObject()
		// noderun's credentials have no id or name of their own.
		_ = cred.Set("id", "")
		_ = cred.Set("name", "")
		_ = cred.Set("type", typeName)
		_ = cred.Set("data", toJS(c.vm, data))
		return fn(c.this(), cred)
	}, func(c *jsCall, v goja.Value) error {
		// run names the function in these errors.
		m, ok := fromJS(v).(map[string]any)
		if !ok {
			return fmt.Errorf("it returned %s, not {status, message}", jsText(v))
		}
		status, isStr := m["status"].(string)
		switch {
		case status == "OK" || status == "Error":
		case isStr:
			return fmt.Errorf("it returned the status %q, not \"OK\" or \"Error\"", status)
		default:
			return fmt.Errorf("it returned the status %s, not \"OK\" or \"Error\"", jsText(c.vm.ToValue(m["status"])))
		}
		// n8n passes any message through; a result's message is text.
		var msg string
		if mv := v.ToObject(c.vm).Get("message"); mv != nil && !goja.IsUndefined(mv) {
			msg = jsText(mv)
		}
		res = credentials.TestResult{OK: status == "OK", Message: msg}
		return nil
	})
	return res, err
}

func jsText(v goja.Value) string {
	if v == nil || goja.IsUndefined(v) {
		return "undefined"
	}
	return v.String()
}

// CredentialTestNodeType returns, for a credential type of the package
// without a test request, the node type that tests it as n8n's
// CredentialsTester finds one: the first of the type's supportedNodes
// whose description, in any version, names it with a testedBy, as the
// first such version, so its testedBy request and requestDefaults are
// the ones used. n8n scans Object.values(nodeVersions): the integer
// versions ascending, then the fractional ones in the order the node
// lists them (taken here as ascending). It returns nil when no node does.
func (p *Package) CredentialTestNodeType(ctx context.Context, typeName string) (*runtime.NodeType, error) {
	c, err := p.Credential(ctx, typeName)
	if err != nil {
		return nil, err
	}
	// An eager package's types have supportedNodes inferred; a lazy one's
	// are in n8n's index, which n8n reads them from.
	supported := c.Type.SupportedNodes
	if len(supported) == 0 {
		p.mu.Lock()
		supported = p.credIdx[typeName].supported
		p.mu.Unlock()
	}
	for _, name := range supported {
		n, err := p.Node(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("node %s, which may test credential type %q: %w", name, typeName, err)
		}
		versions := slices.Clone(n.Versions)
		slices.SortStableFunc(versions, func(a, b float64) int { return cmp.Compare(fractional(a), fractional(b)) })
		for _, v := range versions {
			for _, ref := range n.descs[v].Credentials {
				if ref.Name == typeName && ref.HasTestedBy() {
					return p.NodeType(ctx, name, v)
				}
			}
		}
	}
	return nil, nil
}

// fractional is 1 for a version that is no JavaScript array index (its key
// comes after the integer ones in an object's key order), else 0.
func fractional(v float64) int {
	if v >= 0 && v == math.Trunc(v) && v < math.MaxUint32 {
		return 0
	}
	return 1
}
