package expr

import (
	"runtime"
	"sort"

	"github.com/dop251/goja"

	"github.com/noderun/noderun/node"
)

// variable returns the value an expression sees for a free identifier.
// Values are built on first use in an evaluation and reused by its other
// code segments.
func (rt *jsRuntime) variable(name string) goja.Value {
	if v, ok := rt.vars[name]; ok {
		return v
	}
	v := rt.buildVariable(name)
	rt.vars[name] = v
	return v
}

func (rt *jsRuntime) buildVariable(name string) goja.Value {
	vm, s := rt.vm, rt.scope
	if deniedGlobals[name] {
		return vm.NewObject()
	}
	switch name {
	case "$json", "$data":
		return rt.toJS(s.JSON)
	case "$binary":
		if s.Binary == nil {
			return vm.NewObject()
		}
		return rt.toJS(s.Binary)
	case "$input":
		return vm.NewDynamicObject(&inputProxy{rt: rt})
	case "$parameter":
		return vm.NewDynamicObject(&parameterProxy{rt: rt})
	case "$rawParameter":
		if s.RawParameters == nil {
			return vm.NewObject()
		}
		return rt.toJS(s.RawParameters)
	case "$value":
		if !s.HasValue {
			return goja.Undefined()
		}
		return rt.toJS(s.Value)
	case "$credentials":
		if s.Credentials == nil {
			return goja.Undefined()
		}
		return rt.toJS(s.Credentials)
	case "$itemIndex", "$position", "$thisItemIndex":
		return vm.ToValue(s.ItemIndex)
	case "$runIndex", "$thisRunIndex":
		return vm.ToValue(s.RunIndex)
	case "$thisItem":
		return rt.toJS(rt.currentItem())
	case "$node":
		return vm.NewDynamicObject(&nodesProxy{rt: rt})
	case "$":
		return vm.ToValue(func(c goja.FunctionCall) goja.Value { return rt.nodeAccessor(c.Argument(0).String()) })
	case "$items":
		return vm.ToValue(func(c goja.FunctionCall) goja.Value {
			if goja.IsUndefined(c.Argument(0)) {
				return rt.itemsJS(rt.inputItems())
			}
			d := rt.lookupNode(c.Argument(0).String())
			return rt.itemsJS(d.Items)
		})
	case "$item":
		return vm.ToValue(func(c goja.FunctionCall) goja.Value {
			i := int(c.Argument(0).ToInteger())
			items := rt.inputItems()
			o := vm.NewObject()
			if i >= 0 && i < len(items) {
				_ = o.Set("$json", rt.toJS(items[i].JSON))
				_ = o.Set("$binary", rt.toJS(items[i].Binary))
			}
			return o
		})
	case "$workflow":
		return vm.NewDynamicObject(&workflowProxy{rt: rt})
	case "$execution":
		return rt.executionJS()
	case "$prevNode":
		if s.PrevNode == nil {
			return goja.Undefined()
		}
		return rt.toJS(map[string]any{"name": s.PrevNode.Name, "outputIndex": float64(s.PrevNode.OutputIndex), "runIndex": float64(s.PrevNode.RunIndex)})
	case "$now":
		return rt.toJS(DateTime{t: rt.eng.zones.at(float64(rt.eng.now().UnixMilli()), rt.eng.zones.def), zone: rt.eng.zones.def, valid: true})
	case "$today":
		now := rt.eng.zones.at(float64(rt.eng.now().UnixMilli()), rt.eng.zones.def)
		ms := rt.eng.zones.fromWall(now.Year(), int(now.Month()), now.Day(), 0, 0, 0, 0, rt.eng.zones.def, float64(now.UnixMilli()))
		return rt.toJS(DateTime{t: rt.eng.zones.at(ms, rt.eng.zones.def), zone: rt.eng.zones.def, valid: true})
	case "$response":
		if s.Response == nil {
			return goja.Undefined()
		}
		return rt.toJS(map[string]any{"body": s.Response.Body, "headers": s.Response.Headers,
			"statusCode": float64(s.Response.StatusCode), "statusMessage": s.Response.StatusMessage})
	case "$responseItem":
		if !s.HasResponseItem {
			return goja.Undefined()
		}
		return rt.toJS(s.ResponseItem)
	case "$request":
		if s.Request == nil {
			return goja.Undefined()
		}
		return rt.toJS(s.Request)
	case "$index":
		return vm.ToValue(s.Index)
	case "$parent":
		if !s.HasParent {
			return goja.Undefined()
		}
		return rt.toJS(s.Parent)
	case "$version", "$nodeVersion":
		return vm.ToValue(s.Node.TypeVersion)
	case "$mode":
		if s.Execution.Mode == "production" {
			return vm.ToValue("trigger")
		}
		return vm.ToValue("manual")
	case "$env":
		if rt.eng.opts.AllowEnv {
			return rt.toJS(rt.eng.opts.Env)
		}
		return vm.NewDynamicObject(deniedEnv{rt: rt})
	case "$vars":
		if rt.eng.opts.Vars == nil {
			return vm.NewObject()
		}
		return rt.toJS(rt.eng.opts.Vars)
	case "$self":
		if s.Self != nil {
			return rt.toJS(s.Self)
		}
		return vm.NewObject()
	case "process":
		env := vm.NewObject()
		p := vm.NewObject()
		_ = p.Set("env", env)
		_ = p.Set("platform", runtime.GOOS)
		return p
	case reservedPrefix + "this":
		o := vm.NewObject()
		for _, k := range []string{"process", "require", "module", "Buffer"} {
			_ = o.Set(k, vm.NewObject())
		}
		return o
	}
	if f := rt.functions.Get(name); f != nil && !goja.IsUndefined(f) {
		return f
	}
	return goja.Undefined()
}

func (rt *jsRuntime) inputItems() []node.Item {
	in := rt.scope.Input
	if in == nil {
		return nil
	}
	items := make([]node.Item, in.Len())
	for i := range items {
		items[i] = in.Item(i)
	}
	return items
}

func (rt *jsRuntime) currentItem() node.Item {
	s := rt.scope
	if s.Input != nil && s.ItemIndex >= 0 && s.ItemIndex < s.Input.Len() {
		return s.Input.Item(s.ItemIndex)
	}
	return node.Item{JSON: s.JSON, Binary: s.Binary}
}

func (rt *jsRuntime) itemsJS(items []node.Item) goja.Value {
	vals := make([]any, len(items))
	for i, it := range items {
		vals[i] = rt.itemJS(it)
	}
	return rt.vm.NewArray(vals...)
}

// inputProxy is $input.
type inputProxy struct{ rt *jsRuntime }

func (p *inputProxy) Get(key string) goja.Value {
	rt := p.rt
	if rt.scope.Input == nil || rt.scope.Input.Len() == 0 {
		rt.throw(false, "No execution data available", "")
	}
	in := rt.scope.Input
	switch key {
	case "item":
		return rt.toJS(rt.currentItem())
	case "first", "last":
		return rt.vm.ToValue(func(c goja.FunctionCall) goja.Value {
			i := 0
			if key == "last" {
				i = in.Len() - 1
			}
			return rt.itemJS(in.Item(i))
		})
	case "all":
		return rt.vm.ToValue(func(goja.FunctionCall) goja.Value { return rt.itemsJS(rt.inputItems()) })
	case "params":
		if prev := rt.scope.PrevNode; prev != nil && rt.scope.Nodes != nil {
			if d, ok := rt.scope.Nodes.Node(prev.Name); ok {
				return rt.toJS(d.Parameters)
			}
		}
		return goja.Undefined()
	case "context":
		return rt.vm.NewObject()
	}
	return nil
}
func (p *inputProxy) Set(string, goja.Value) bool { return false }
func (p *inputProxy) Has(key string) bool {
	switch key {
	case "item", "first", "last", "all", "params", "context":
		return true
	}
	return false
}
func (p *inputProxy) Delete(string) bool { return false }
func (p *inputProxy) Keys() []string {
	return []string{"all", "context", "first", "item", "last", "params"}
}

// parameterProxy is $parameter: each name is resolved on first use.
type parameterProxy struct {
	rt    *jsRuntime
	cache map[string]goja.Value
}

func (p *parameterProxy) Get(key string) goja.Value {
	if v, ok := p.cache[key]; ok {
		return v
	}
	rt := p.rt
	if rt.scope.Parameters == nil {
		return nil
	}
	v, found, err := rt.scope.Parameters.Parameter(rt.ctx, key)
	if err != nil {
		panic(rt.vm.NewGoError(err))
	}
	if !found {
		return nil
	}
	jv := rt.toJS(v)
	if p.cache == nil {
		p.cache = map[string]goja.Value{}
	}
	p.cache[key] = jv
	return jv
}
func (p *parameterProxy) Set(string, goja.Value) bool { return false }
func (p *parameterProxy) Has(key string) bool         { return p.Get(key) != nil }
func (p *parameterProxy) Delete(string) bool          { return false }
func (p *parameterProxy) Keys() []string {
	if l, ok := p.rt.scope.Parameters.(interface{ Names() []string }); ok {
		return l.Names()
	}
	keys := make([]string, 0, len(p.rt.scope.RawParameters))
	for k := range p.rt.scope.RawParameters {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// deniedEnv is $env when environment access is not allowed.
type deniedEnv struct{ rt *jsRuntime }

func (d deniedEnv) Get(string) goja.Value {
	d.rt.throw(false, "access to env vars denied", "If you need access please contact the administrator to remove the environment variable ‘N8N_BLOCK_ENV_ACCESS_IN_NODE‘")
	return nil
}
func (deniedEnv) Set(string, goja.Value) bool { return false }
func (deniedEnv) Has(string) bool             { return false }
func (deniedEnv) Delete(string) bool          { return false }
func (deniedEnv) Keys() []string              { return nil }

// workflowProxy is $workflow; id throws while the workflow is unsaved.
type workflowProxy struct{ rt *jsRuntime }

func (w *workflowProxy) Get(key string) goja.Value {
	wf := w.rt.scope.Workflow
	switch key {
	case "id":
		if wf.ID == "" {
			w.rt.throw(false, "save workflow to view", "Please save the workflow first to use $workflow")
		}
		return w.rt.vm.ToValue(wf.ID)
	case "name":
		return w.rt.vm.ToValue(wf.Name)
	case "active":
		return w.rt.vm.ToValue(wf.Active)
	}
	return nil
}
func (w *workflowProxy) Set(string, goja.Value) bool { return false }
func (w *workflowProxy) Has(key string) bool {
	return key == "id" || key == "name" || key == "active"
}
func (w *workflowProxy) Delete(string) bool { return false }
func (w *workflowProxy) Keys() []string     { return []string{"id", "name", "active"} }

func (rt *jsRuntime) executionJS() goja.Value {
	vm, e := rt.vm, rt.scope.Execution
	o := vm.NewObject()
	_ = o.Set("id", e.ID)
	_ = o.Set("mode", e.Mode)
	_ = o.Set("resumeUrl", e.ResumeURL)
	data := map[string]any{}
	for k, v := range e.CustomData {
		data[k] = v
	}
	cd := vm.NewObject()
	_ = cd.Set("get", func(c goja.FunctionCall) goja.Value {
		if v, ok := data[c.Argument(0).String()]; ok {
			return vm.ToValue(v)
		}
		return goja.Undefined()
	})
	_ = cd.Set("getAll", func(goja.FunctionCall) goja.Value { return rt.toJS(data) })
	_ = cd.Set("set", func(c goja.FunctionCall) goja.Value {
		data[c.Argument(0).String()] = c.Argument(1).String()
		return goja.Undefined()
	})
	_ = o.Set("customData", cd)
	return o
}

// lookupNode returns the named node's data or throws n8n's errors.
func (rt *jsRuntime) lookupNode(name string) NodeData {
	var d NodeData
	ok := false
	if rt.scope.Nodes != nil {
		d, ok = rt.scope.Nodes.Node(name)
	}
	if !ok {
		rt.throw(false, "Referenced node doesn't exist", "")
	}
	return d
}

func (rt *jsRuntime) executedNode(name string) NodeData {
	d := rt.lookupNode(name)
	if !d.Executed {
		rt.throw(false, "Node '"+name+"' hasn't been executed", "")
	}
	return d
}

// pairedIndex is the index, in the previous node's output, of the item the
// current item came from.
func (rt *jsRuntime) pairedIndex() int {
	it := rt.currentItem()
	if it.PairedItem != nil {
		return it.PairedItem.Item
	}
	return rt.scope.ItemIndex
}

// nodeAccessor is $('Name').
func (rt *jsRuntime) nodeAccessor(name string) goja.Value {
	vm := rt.vm
	o := vm.NewObject()
	d := rt.lookupNode(name)
	pick := func(i int) goja.Value {
		if i < 0 || i >= len(d.Items) {
			return goja.Undefined()
		}
		return rt.itemJS(d.Items[i])
	}
	_ = o.Set("first", func(goja.FunctionCall) goja.Value { rt.executedNode(name); return pick(0) })
	_ = o.Set("last", func(goja.FunctionCall) goja.Value { rt.executedNode(name); return pick(len(d.Items) - 1) })
	_ = o.Set("all", func(goja.FunctionCall) goja.Value { rt.executedNode(name); return rt.itemsJS(d.Items) })
	item := func() goja.Value {
		if !d.Executed {
			rt.throw(false, "Invalid expression", "Node '"+name+"' hasn't been executed, so $('"+name+"').item has no data")
		}
		return pick(rt.pairedIndex())
	}
	_ = o.DefineAccessorProperty("item", vm.ToValue(func(goja.FunctionCall) goja.Value { return item() }), nil, goja.FLAG_FALSE, goja.FLAG_TRUE)
	_ = o.Set("pairedItem", func(goja.FunctionCall) goja.Value { return item() })
	_ = o.Set("itemMatching", func(c goja.FunctionCall) goja.Value {
		if !d.Executed {
			rt.throw(false, "Invalid expression", "Node '"+name+"' hasn't been executed")
		}
		return pick(int(c.Argument(0).ToInteger()))
	})
	_ = o.Set("params", rt.toJS(d.Parameters))
	_ = o.Set("isExecuted", d.Executed)
	return o
}

// nodesProxy is $node: $node["Name"] gives {json, binary, parameter, ...}.
type nodesProxy struct{ rt *jsRuntime }

func (p *nodesProxy) Get(name string) goja.Value {
	rt := p.rt
	d := rt.lookupNode(name)
	return rt.vm.NewDynamicObject(&nodeView{rt: rt, name: name, d: d})
}
func (p *nodesProxy) Set(string, goja.Value) bool { return false }
func (p *nodesProxy) Has(name string) bool {
	if p.rt.scope.Nodes == nil {
		return false
	}
	_, ok := p.rt.scope.Nodes.Node(name)
	return ok
}
func (p *nodesProxy) Delete(string) bool { return false }
func (p *nodesProxy) Keys() []string     { return nil }

type nodeView struct {
	rt   *jsRuntime
	name string
	d    NodeData
}

func (v *nodeView) Get(key string) goja.Value {
	rt := v.rt
	switch key {
	case "parameter":
		return rt.toJS(v.d.Parameters)
	case "json", "binary", "data", "runIndex":
		rt.executedNode(v.name)
		i := rt.scope.ItemIndex
		if i >= len(v.d.Items) {
			return goja.Undefined()
		}
		switch key {
		case "json", "data":
			return rt.toJS(v.d.Items[i].JSON)
		case "binary":
			return rt.toJS(v.d.Items[i].Binary)
		default:
			return rt.vm.ToValue(0)
		}
	case "context":
		return rt.vm.NewObject()
	}
	return nil
}
func (v *nodeView) Set(string, goja.Value) bool { return false }
func (v *nodeView) Has(key string) bool {
	switch key {
	case "parameter", "json", "binary", "data", "runIndex", "context":
		return true
	}
	return false
}
func (v *nodeView) Delete(string) bool { return false }
func (v *nodeView) Keys() []string {
	return []string{"json", "binary", "parameter", "runIndex", "context"}
}
