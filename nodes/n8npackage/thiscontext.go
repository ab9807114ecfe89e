package n8npackage

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/dop251/goja"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// thisJS builds the guards of `this`: a member noderun does not provide
// throws, naming it, instead of being undefined (n8n code would otherwise
// fail later with "x is not a function", far from the cause).
const thisJS = `(function () {
	const quiet = new Set(['then', 'toJSON', 'constructor', 'inspect', 'valueOf', 'toString']);
	function guard(target, what, where) {
		return new Proxy(target, {
			get(t, k, r) {
				if (typeof k === 'symbol' || k in t || quiet.has(k)) return Reflect.get(t, k, r);
				throw new Error(what + '.' + k + ' is not available in noderun (' + where + ')');
			},
		});
	}
	function returnJsonArray(data) {
		const list = Array.isArray(data) ? data : [data];
		return list.map((d) => (d !== null && typeof d === 'object' && d.json ? Object.assign({}, d, { json: d.json }) : { json: d }));
	}
	return { guard, returnJsonArray };
})()`

// thisEnv holds the compiled guards of a package runtime.
type thisEnv struct {
	guard           goja.Callable
	returnJSONArray goja.Value
}

// env compiles the guards on first use; it runs inside the runtime.
func (c *jsCall) env() *thisEnv {
	p := c.p
	if p.fnEnv == nil {
		v, err := c.vm.RunString(thisJS)
		if err != nil {
			panic(err)
		}
		o := v.ToObject(c.vm)
		g, _ := goja.AssertFunction(o.Get("guard"))
		p.fnEnv = &thisEnv{guard: g, returnJSONArray: o.Get("returnJsonArray")}
	}
	return p.fnEnv
}

func (c *jsCall) guard(target *goja.Object, what, where string) goja.Value {
	v, err := c.env().guard(goja.Undefined(), target, c.vm.ToValue(what), c.vm.ToValue(where))
	if err != nil {
		panic(err)
	}
	return v
}

// throw raises err in JavaScript; code may catch it, and when it does not
// the Go error comes back out of the call.
func (c *jsCall) throw(err error) {
	panic(c.vm.NewGoError(err))
}

// this is n8n's IExecuteSingleFunctions (and, with fetch,
// IExecutePaginationFunctions) for one call of f.
func (c *jsCall) this(hc *runtime.HookContext, f *jsFunction, fetch func(context.Context, *runtime.HookRequest) ([]node.Item, error)) goja.Value {
	vm := c.vm
	where := "node " + f.nodeType + ", " + f.fn.Kind + " function"
	item := func(member string) *runtime.HookContext {
		if hc == nil {
			c.throw(fmt.Errorf("this.%s: the function runs without an item (%s)", member, where))
		}
		return hc
	}
	t := vm.NewObject()
	set := func(name string, fn func(goja.FunctionCall) goja.Value) { _ = t.Set(name, fn) }
	set("getNodeParameter", func(call goja.FunctionCall) goja.Value {
		name := call.Argument(0).String()
		v, ok, err := item("getNodeParameter").Parameter(c.ctx, name)
		if err != nil {
			c.throw(fmt.Errorf("getNodeParameter(%q): %w", name, err))
		}
		if !ok {
			if fb := call.Argument(1); !goja.IsUndefined(fb) {
				return fb
			}
			c.throw(fmt.Errorf("Could not get parameter %q (%s)", name, where))
		}
		if o, isObj := call.Argument(2).(*goja.Object); isObj && o.Get("extractValue") != nil && o.Get("extractValue").ToBoolean() {
			v = c.extractValue(f.desc, name, v)
		}
		return toJS(vm, v)
	})
	set("getCredentials", func(call goja.FunctionCall) goja.Value {
		typ := call.Argument(0).String()
		hc := item("getCredentials")
		return c.async(func(ctx context.Context) (any, error) { return hc.Credentials(ctx, typ) })
	})
	set("getItemIndex", func(goja.FunctionCall) goja.Value { return vm.ToValue(item("getItemIndex").ItemIndex()) })
	set("getInputData", func(goja.FunctionCall) goja.Value {
		o := vm.NewObject()
		_ = o.Set("json", toJS(vm, item("getInputData").Item().JSON))
		return o
	})
	set("getNode", func(goja.FunctionCall) goja.Value {
		n := item("getNode").Node()
		o := vm.NewObject()
		_ = o.Set("name", n.Name)
		_ = o.Set("type", n.Type)
		_ = o.Set("typeVersion", n.TypeVersion)
		_ = o.Set("parameters", toJS(vm, n.Parameters))
		if n.Settings.ContinueOnFail {
			_ = o.Set("continueOnFail", true)
		}
		if n.Settings.OnError != "" {
			_ = o.Set("onError", n.Settings.OnError)
		}
		return o
	})
	set("getWorkflow", func(goja.FunctionCall) goja.Value {
		w := item("getWorkflow").Workflow()
		o := vm.NewObject()
		_ = o.Set("id", w.ID)
		_ = o.Set("name", w.Name)
		_ = o.Set("active", w.Active)
		return o
	})
	set("getTimezone", func(goja.FunctionCall) goja.Value { return vm.ToValue(item("getTimezone").Timezone()) })
	set("getMode", func(goja.FunctionCall) goja.Value { return vm.ToValue(item("getMode").Mode()) })
	set("continueOnFail", func(goja.FunctionCall) goja.Value { return vm.ToValue(item("continueOnFail").ContinueOnFail()) })
	if fetch != nil {
		set("makeRoutingRequest", func(call goja.FunctionCall) goja.Value {
			ro, ok := call.Argument(0).(*goja.Object)
			if !ok {
				c.throw(fmt.Errorf("makeRoutingRequest: the argument must be the request options object the function was given (%s)", where))
			}
			req, err := requestFromJS(vm, ro.Get("options"))
			if err != nil {
				c.throw(fmt.Errorf("makeRoutingRequest: its options are %w", err))
			}
			req.ItemIndex = item("makeRoutingRequest").ItemIndex()
			return c.async(func(ctx context.Context) (any, error) {
				items, err := fetch(ctx, req)
				if err != nil {
					return nil, err
				}
				return itemsToJS(vm, items), nil
			})
		})
	}
	helpers := vm.NewObject()
	_ = helpers.Set("httpRequest", func(call goja.FunctionCall) goja.Value {
		opts := optionsArg(c, call.Argument(0), "helpers.httpRequest")
		hc := item("helpers.httpRequest")
		return c.async(func(ctx context.Context) (any, error) { return hc.HTTPRequest(ctx, opts) })
	})
	_ = helpers.Set("httpRequestWithAuthentication", func(call goja.FunctionCall) goja.Value {
		typ := call.Argument(0).String()
		opts := optionsArg(c, call.Argument(1), "helpers.httpRequestWithAuthentication")
		hc := item("helpers.httpRequestWithAuthentication")
		return c.async(func(ctx context.Context) (any, error) { return hc.HTTPRequestWithAuthentication(ctx, typ, opts) })
	})
	_ = helpers.Set("requestWithAuthentication", func(call goja.FunctionCall) goja.Value {
		typ := call.Argument(0).String()
		opts, err := legacyRequestOptions(optionsArg(c, call.Argument(1), "helpers.requestWithAuthentication"))
		if err != nil {
			c.throw(fmt.Errorf("helpers.requestWithAuthentication: %w", err))
		}
		hc := item("helpers.requestWithAuthentication")
		return c.async(func(ctx context.Context) (any, error) { return hc.HTTPRequestWithAuthentication(ctx, typ, opts) })
	})
	_ = helpers.Set("returnJsonArray", c.env().returnJSONArray)
	_ = t.Set("helpers", c.guard(helpers, "this.helpers", where))
	_ = t.Set("logger", c.logger())
	return c.guard(t, "this", where)
}

// credentialThis is the `this` of a credential type's preAuthentication:
// n8n's IHttpRequestHelper.
func (c *jsCall) credentialThis(typeName string, h node.CredentialHelpers) goja.Value {
	where := "credential type " + typeName + ", preAuthentication"
	helpers := c.vm.NewObject()
	_ = helpers.Set("httpRequest", func(call goja.FunctionCall) goja.Value {
		opts := optionsArg(c, call.Argument(0), "helpers.httpRequest")
		return c.async(func(ctx context.Context) (any, error) { return h.HTTPRequest(ctx, opts) })
	})
	t := c.vm.NewObject()
	_ = t.Set("helpers", c.guard(helpers, "this.helpers", where))
	_ = t.Set("logger", c.logger())
	return c.guard(t, "this", where)
}

func (c *jsCall) logger() *goja.Object {
	o := c.vm.NewObject()
	for _, level := range []string{"debug", "info", "warn", "error"} {
		_ = o.Set(level, func(call goja.FunctionCall) goja.Value {
			ev := c.p.sb.log.Debug()
			switch level {
			case "info":
				ev = c.p.sb.log.Info()
			case "warn":
				ev = c.p.sb.log.Warn()
			case "error":
				ev = c.p.sb.log.Error()
			}
			ev.Str("from", "package").Msg(call.Argument(0).String())
			return goja.Undefined()
		})
	}
	return o
}

func optionsArg(c *jsCall, v goja.Value, member string) map[string]any {
	m, ok := fromJS(v).(map[string]any)
	if !ok {
		c.throw(fmt.Errorf("%s: the request options must be an object", member))
	}
	return m
}

// legacyRequestOptions maps the request library's options that
// requestWithAuthentication takes onto IHttpRequestOptions.
func legacyRequestOptions(o map[string]any) (map[string]any, error) {
	out := map[string]any{}
	for k, v := range o {
		switch k {
		case "uri":
			out["url"] = v
		case "resolveWithFullResponse":
			out["returnFullResponse"] = v
		case "simple":
			if b, ok := v.(bool); ok && !b {
				out["ignoreHttpStatusErrors"] = true
			}
		case "gzip", "rejectUnauthorized":
			// gzip is always accepted; TLS checks follow Request Options.
		default:
			out[k] = v
		}
	}
	if _, ok := out["url"]; !ok {
		return nil, fmt.Errorf("the options have no uri or url")
	}
	return out, nil
}

// extractValue is getNodeParameter's extractValue option: a resource
// locator value ({__rl, mode, value}) gives its value, through its
// mode's extraction regex when the mode has one (n8n's extractValueRLC).
func (c *jsCall) extractValue(desc *node.Description, path string, v any) any {
	rl, ok := v.(map[string]any)
	if !ok || rl["__rl"] != true {
		return v
	}
	name, _, _ := strings.Cut(path, ".")
	var prop *node.Property
	if desc != nil {
		for i := range desc.Properties {
			if p := &desc.Properties[i]; p.Name == name && p.Type == "resourceLocator" {
				prop = p
				break
			}
		}
	}
	if prop == nil || len(prop.Modes) == 0 {
		return rl["value"]
	}
	var modes []struct {
		Name         string `json:"name"`
		ExtractValue *struct {
			Type  string `json:"type"`
			Regex string `json:"regex"`
		} `json:"extractValue"`
	}
	if err := json.Unmarshal(prop.Modes, &modes); err != nil {
		c.throw(fmt.Errorf("parameter %q: its modes cannot be read: %w", path, err))
	}
	for _, m := range modes {
		if m.Name != rl["mode"] {
			continue
		}
		if m.ExtractValue == nil {
			return rl["value"]
		}
		s, isStr := rl["value"].(string)
		if !isStr {
			c.throw(fmt.Errorf("parameter %q: only strings can be passed to extractValue", path))
		}
		if m.ExtractValue.Type != "regex" {
			c.throw(fmt.Errorf("property %q has an unknown extractValue type %q", path, m.ExtractValue.Type))
		}
		re, err := c.vm.New(c.vm.Get("RegExp"), c.vm.ToValue(m.ExtractValue.Regex))
		if err != nil {
			c.throw(fmt.Errorf("property %q: extractValue regex: %w", path, err))
		}
		exec, _ := goja.AssertFunction(re.Get("exec"))
		res, err := exec(re, c.vm.ToValue(s))
		if err != nil {
			panic(err)
		}
		if goja.IsNull(res) {
			c.throw(fmt.Errorf("ERROR: %s parameter's value is invalid. This is likely because the URL entered is incorrect", prop.DisplayName))
		}
		arr := res.ToObject(c.vm)
		if arr.Get("length").ToInteger() != 2 {
			c.throw(fmt.Errorf("property %q has an invalid extractValue regex %q. extractValue expects exactly one group to be returned", path, m.ExtractValue.Regex))
		}
		return arr.Get("1").String()
	}
	c.throw(fmt.Errorf("parameter %q has an invalid mode %v", path, rl["mode"]))
	return nil
}

// preAuthentication makes a credential type's JavaScript
// preAuthentication(credentials) a node.PreAuthenticateFunc.
func (p *Package) preAuthentication(typeName string, fn goja.Value) node.PreAuthenticateFunc {
	while := "credential type " + typeName + ": preAuthentication"
	return func(ctx context.Context, data map[string]any, h node.CredentialHelpers) (map[string]any, error) {
		call, ok := goja.AssertFunction(fn)
		if !ok {
			return nil, fmt.Errorf("%s is not a function", while)
		}
		var out map[string]any
		err := p.callJS(ctx, while, func(c *jsCall) (goja.Value, error) {
			return call(c.credentialThis(typeName, h), toJS(c.vm, data))
		}, func(c *jsCall, v goja.Value) error {
			m, ok := fromJS(v).(map[string]any)
			if !ok && v != nil && !goja.IsUndefined(v) && !goja.IsNull(v) {
				return fmt.Errorf("%s returned %s, not an object of credential fields", while, v.String())
			}
			out = m
			return nil
		})
		return out, err
	}
}

// attachCredentialCode gives a converted credential type the code its
// class holds: preAuthentication.
func (p *Package) attachCredentialCode(ct *node.CredentialType, fns []Function) {
	for _, f := range fns {
		if f.Path == "/preAuthentication" {
			ct.PreAuthenticate = p.preAuthentication(ct.Name, f.fn)
		}
	}
}
