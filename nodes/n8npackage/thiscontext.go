package n8npackage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/dop251/goja"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// thisJS builds the guards of `this`: a member noderun does not provide
// throws, naming it and the node, instead of being undefined (n8n code
// would otherwise fail later with "x is not a function", far from the
// cause).
const thisJS = `(function () {
	const quiet = new Set(['then', 'toJSON', 'constructor', 'inspect', 'valueOf', 'toString']);
	function guard(target, what, where) {
		return new Proxy(target, {
			get(t, k, r) {
				if (typeof k === 'symbol' || k in t || quiet.has(k)) return Reflect.get(t, k, r);
				throw new Error(what + '.' + k + ' is not available in noderun (' + where() + ')');
			},
		});
	}
	function returnJsonArray(data) {
		const list = Array.isArray(data) ? data : [data];
		return list.map((d) => (d !== null && typeof d === 'object' && d.json ? Object.assign({}, d, { json: d.json }) : { json: d }));
	}
	return { guard, returnJsonArray, create: Object.create };
})()`

// thisEnv is what calls share in a package runtime: the members of
// `this`, made once. Each call's `this` is a fresh object inheriting
// them (so code may set its own properties), and the members act for the
// call running now (Package.cur).
type thisEnv struct {
	create           goja.Callable
	node, cred, test goja.Value
	returnJSONArr    goja.Value
}

// env makes the shared members on first use; it runs inside the runtime.
func (c *jsCall) env() *thisEnv {
	p := c.p
	if p.fnEnv != nil {
		return p.fnEnv
	}
	vm := c.vm
	v, err := vm.RunString(thisJS)
	if err != nil {
		panic(err)
	}
	o := v.ToObject(vm)
	guardFn, _ := goja.AssertFunction(o.Get("guard"))
	create, _ := goja.AssertFunction(o.Get("create"))
	where := vm.ToValue(func() string { return p.cur.where() })
	guard := func(target *goja.Object, what string) goja.Value {
		g, err := guardFn(goja.Undefined(), target, vm.ToValue(what), where)
		if err != nil {
			panic(err)
		}
		return g
	}
	env := &thisEnv{create: create, returnJSONArr: o.Get("returnJsonArray")}
	env.node = guard(p.nodeMembers(env, guard), "this")
	credHelpers := vm.NewObject()
	_ = credHelpers.Set("httpRequest", p.credHTTPRequest)
	cred := vm.NewObject()
	_ = cred.Set("helpers", guard(credHelpers, "this.helpers"))
	_ = cred.Set("logger", p.logger())
	env.cred = guard(cred, "this")
	env.test = guard(p.credentialTestMembers(guard), "this")
	p.fnEnv = env
	return env
}

// credHTTPRequest is helpers.httpRequest of a credential's code, its
// preAuthentication or a node's credential test function: a request
// through the running call's CredentialHelpers.
func (p *Package) credHTTPRequest(call goja.FunctionCall) goja.Value {
	c := p.cur
	opts := optionsArg(c, call.Argument(0), "helpers.httpRequest")
	h := c.credHelpers
	return c.async(func(ctx context.Context) (any, error) { return h.HTTPRequest(ctx, opts) })
}

// credentialTestMembers are the members of n8n's CredentialTestContext
// (ICredentialTestFunctions): helpers.request, the legacy request helper,
// and logger; helpers.httpRequest besides, which n8n 2.41's context
// lacks. Requests go through the engine's transport, unauthenticated.
func (p *Package) credentialTestMembers(guard func(*goja.Object, string) goja.Value) *goja.Object {
	vm := p.sb.vm
	helpers := vm.NewObject()
	_ = helpers.Set("request", func(call goja.FunctionCall) goja.Value {
		c := p.cur
		var opts map[string]any
		if s, isStr := call.Argument(0).Export().(string); isStr {
			// request(uri, options) is n8n's {uri, ...options}: an
			// options.uri wins.
			opts = map[string]any{}
			if a := call.Argument(1); !goja.IsUndefined(a) && !goja.IsNull(a) {
				opts = optionsArg(c, a, "helpers.request")
			}
			if _, ok := opts["uri"]; !ok {
				opts["uri"] = s
			}
		} else {
			opts = optionsArg(c, call.Argument(0), "helpers.request")
		}
		ho, err := legacyRequestOptions(opts)
		if err != nil {
			c.throw(fmt.Errorf("helpers.request: %w (%s)", err, c.where()))
		}
		if !node.Truthy(ho["json"]) {
			ho["encoding"] = "text" // the request library parses only with json: true
			if !hasHeader(ho["headers"], "accept") {
				hs, _ := ho["headers"].(map[string]any)
				hs = maps.Clone(hs)
				if hs == nil {
					hs = map[string]any{}
				}
				hs["accept"] = "*/*"
				ho["headers"] = hs
			}
		}
		h := c.credHelpers
		return c.async(func(ctx context.Context) (any, error) {
			v, err := h.HTTPRequest(ctx, ho)
			var ne *runtime.NodeError
			if oe, ok := err.(*runtime.RequestOptionsError); ok {
				oe.Member = "helpers.request"
			}
			if errors.As(err, &ne) {
				if status, convErr := strconv.Atoi(ne.HTTPCode); convErr == nil {
					return nil, &legacyStatusError{status: status, body: ne.Body, cause: err}
				}
			}
			return v, err
		})
	})
	_ = helpers.Set("httpRequest", p.credHTTPRequest)
	t := vm.NewObject()
	_ = t.Set("helpers", guard(helpers, "this.helpers"))
	_ = t.Set("logger", p.logger())
	return t
}

// legacyStatusError is the request library's error for a refused request,
// as n8n's legacy request adapter throws it: "<status> - <body as JSON>",
// with statusCode and error (the body).
type legacyStatusError struct {
	status int
	body   any
	cause  error
}

func (e *legacyStatusError) Error() string { return e.cause.Error() }
func (e *legacyStatusError) Unwrap() error { return e.cause }

func (e *legacyStatusError) toJS(vm *goja.Runtime) goja.Value {
	body := toJS(vm, e.body)
	text := "undefined"
	if stringify, ok := goja.AssertFunction(vm.Get("JSON").ToObject(vm).Get("stringify")); ok {
		if v, err := stringify(goja.Undefined(), body); err == nil && !goja.IsUndefined(v) {
			text = v.String()
		}
	}
	o, err := vm.New(vm.Get("Error"), vm.ToValue(fmt.Sprintf("%d - %s", e.status, text)))
	if err != nil {
		return vm.NewGoError(e)
	}
	_ = o.Set("statusCode", e.status)
	_ = o.Set("status", e.status)
	_ = o.Set("error", body)
	return o
}

func hasHeader(headers any, name string) bool {
	hs, _ := headers.(map[string]any)
	for k := range hs {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

// this is a fresh `this` for the running call: IExecuteSingleFunctions,
// with makeRoutingRequest in pagination functions, or a credential's
// IHttpRequestHelper.
func (c *jsCall) this() goja.Value {
	env := c.env()
	proto := env.node
	switch {
	case c.fn != nil && c.fn.testName != "":
		proto = env.test
	case c.credHelpers != nil:
		proto = env.cred
	}
	v, err := env.create(goja.Undefined(), proto)
	if err != nil {
		panic(err)
	}
	return v
}

// where names the running function for error messages.
func (c *jsCall) where() string {
	if c == nil {
		return "no function is running"
	}
	switch {
	case c.fn != nil && c.fn.testName != "":
		return "node " + c.fn.nodeType + ", credential test function " + c.fn.testName
	case c.credHelpers != nil:
		return "credential type " + c.credType + ", preAuthentication"
	case c.fn == nil:
		return "credential type " + c.credType + ", authenticate"
	}
	return "node " + c.fn.nodeType + ", " + c.fn.fn.Kind + " function"
}

// throw raises err in JavaScript; code may catch it, and when it does not
// the Go error comes back out of the call.
func (c *jsCall) throw(err error) {
	panic(c.vm.NewGoError(err))
}

// item returns the running call's item context, or throws naming member.
func (c *jsCall) item(member string) *runtime.HookContext {
	if c.hc == nil {
		c.throw(fmt.Errorf("this.%s: the function runs without an item (%s)", member, c.where()))
	}
	return c.hc
}

// nodeMembers are the members of IExecuteSingleFunctions and
// IExecutePaginationFunctions, acting for Package.cur.
func (p *Package) nodeMembers(env *thisEnv, guard func(*goja.Object, string) goja.Value) *goja.Object {
	vm := p.sb.vm
	t := vm.NewObject()
	set := func(name string, fn func(c *jsCall, call goja.FunctionCall) goja.Value) {
		_ = t.Set(name, func(call goja.FunctionCall) goja.Value { return fn(p.cur, call) })
	}
	set("getNodeParameter", func(c *jsCall, call goja.FunctionCall) goja.Value {
		name := call.Argument(0).String()
		v, ok, err := c.item("getNodeParameter").Parameter(c.ctx, name)
		if err != nil {
			c.throw(fmt.Errorf("getNodeParameter(%q): %w", name, err))
		}
		if !ok {
			if fb := call.Argument(1); !goja.IsUndefined(fb) {
				return fb
			}
			c.throw(fmt.Errorf("Could not get parameter %q (%s)", name, c.where()))
		}
		if o, isObj := call.Argument(2).(*goja.Object); isObj {
			if ev := o.Get("extractValue"); ev != nil && ev.ToBoolean() {
				v = c.extractValue(c.fn.desc, name, v)
			}
		}
		return toJS(vm, v)
	})
	set("getCredentials", func(c *jsCall, call goja.FunctionCall) goja.Value {
		typ := call.Argument(0).String()
		hc := c.item("getCredentials")
		return c.async(func(ctx context.Context) (any, error) { return hc.Credentials(ctx, typ) })
	})
	set("getItemIndex", func(c *jsCall, _ goja.FunctionCall) goja.Value {
		return vm.ToValue(c.item("getItemIndex").ItemIndex())
	})
	set("getInputData", func(c *jsCall, _ goja.FunctionCall) goja.Value {
		o := vm.NewObject()
		_ = o.Set("json", toJS(vm, c.item("getInputData").Item().JSON))
		return o
	})
	set("getNode", func(c *jsCall, _ goja.FunctionCall) goja.Value {
		n := c.item("getNode").Node()
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
	set("getWorkflow", func(c *jsCall, _ goja.FunctionCall) goja.Value {
		w := c.item("getWorkflow").Workflow()
		o := vm.NewObject()
		_ = o.Set("id", w.ID)
		_ = o.Set("name", w.Name)
		_ = o.Set("active", w.Active)
		return o
	})
	set("getTimezone", func(c *jsCall, _ goja.FunctionCall) goja.Value { return vm.ToValue(c.item("getTimezone").Timezone()) })
	set("getMode", func(c *jsCall, _ goja.FunctionCall) goja.Value { return vm.ToValue(c.item("getMode").Mode()) })
	set("continueOnFail", func(c *jsCall, _ goja.FunctionCall) goja.Value {
		return vm.ToValue(c.item("continueOnFail").ContinueOnFail())
	})
	set("makeRoutingRequest", func(c *jsCall, call goja.FunctionCall) goja.Value {
		if c.fetch == nil {
			c.throw(fmt.Errorf("this.makeRoutingRequest is available in pagination functions only (%s)", c.where()))
		}
		ro, ok := call.Argument(0).(*goja.Object)
		if !ok {
			c.throw(fmt.Errorf("makeRoutingRequest: the argument must be the request options object the function was given (%s)", c.where()))
		}
		req, err := requestFromJS(vm, ro.Get("options"))
		if err != nil {
			c.throw(fmt.Errorf("makeRoutingRequest: its options are %w", err))
		}
		req.ItemIndex = c.item("makeRoutingRequest").ItemIndex()
		fetch := c.fetch
		return c.async(func(ctx context.Context) (any, error) {
			c.lastItems.first, c.lastItems.arr = nil, nil
			items, err := fetch(ctx, req)
			if err != nil {
				return nil, err
			}
			// n8n hands back the very objects a postReceive function
			// returned, with keys beyond json (Okta's paginator reads the
			// headers its postReceive put there): when the routing passed
			// that function's items through unchanged, give those.
			if len(items) > 0 && c.lastItems.first == &items[0] {
				return c.lastItems.arr, nil
			}
			return itemsToJS(vm, items), nil
		})
	})
	helpers := vm.NewObject()
	hset := func(name string, fn func(c *jsCall, call goja.FunctionCall) goja.Value) {
		_ = helpers.Set(name, func(call goja.FunctionCall) goja.Value { return fn(p.cur, call) })
	}
	hset("httpRequest", func(c *jsCall, call goja.FunctionCall) goja.Value {
		opts := optionsArg(c, call.Argument(0), "helpers.httpRequest")
		hc := c.item("helpers.httpRequest")
		return c.async(func(ctx context.Context) (any, error) { return hc.HTTPRequest(ctx, opts) })
	})
	hset("httpRequestWithAuthentication", func(c *jsCall, call goja.FunctionCall) goja.Value {
		typ := call.Argument(0).String()
		opts := optionsArg(c, call.Argument(1), "helpers.httpRequestWithAuthentication")
		hc := c.item("helpers.httpRequestWithAuthentication")
		return c.async(func(ctx context.Context) (any, error) { return hc.HTTPRequestWithAuthentication(ctx, typ, opts) })
	})
	hset("requestWithAuthentication", func(c *jsCall, call goja.FunctionCall) goja.Value {
		typ := call.Argument(0).String()
		opts, err := legacyRequestOptions(optionsArg(c, call.Argument(1), "helpers.requestWithAuthentication"))
		if err != nil {
			c.throw(fmt.Errorf("helpers.requestWithAuthentication: %w", err))
		}
		hc := c.item("helpers.requestWithAuthentication")
		return c.async(func(ctx context.Context) (any, error) {
			v, err := hc.HTTPRequestWithAuthentication(ctx, typ, opts)
			if oe, ok := err.(*runtime.RequestOptionsError); ok {
				oe.Member = "helpers.requestWithAuthentication"
			}
			return v, err
		})
	})
	hset("prepareBinaryData", func(c *jsCall, call goja.FunctionCall) goja.Value {
		var data []byte
		switch v := call.Argument(0).Export().(type) {
		case []byte:
			data = v
		case string:
			data = []byte(v)
		default:
			c.throw(fmt.Errorf("helpers.prepareBinaryData: the data must be a Buffer or a string (%s)", c.where()))
		}
		str := func(v goja.Value) string {
			if goja.IsUndefined(v) || goja.IsNull(v) {
				return ""
			}
			return v.String()
		}
		bin := prepareBinaryData(data, str(call.Argument(1)), str(call.Argument(2)))
		return c.async(func(context.Context) (any, error) {
			return binaryToJS(vm, map[string]node.Binary{"b": bin}).Get("b"), nil
		})
	})
	_ = helpers.Set("returnJsonArray", env.returnJSONArr)
	_ = t.Set("helpers", guard(helpers, "this.helpers"))
	_ = t.Set("logger", p.logger())
	return t
}

func (p *Package) logger() *goja.Object {
	o := p.sb.vm.NewObject()
	for _, level := range []string{"debug", "info", "warn", "error"} {
		_ = o.Set(level, func(call goja.FunctionCall) goja.Value {
			ev := p.sb.log.Debug()
			switch level {
			case "info":
				ev = p.sb.log.Info()
			case "warn":
				ev = p.sb.log.Warn()
			case "error":
				ev = p.sb.log.Error()
			}
			ev.Str("from", "package").Msg(p.redactLog(call.Argument(0).String()))
			return goja.Undefined()
		})
	}
	return o
}

// redactLog masks the running call's secrets in a line package code
// logs (this.logger, console, pino): a route function's run's, or those
// a credential's code handles. A line logged while no call runs (at load)
// holds no credential and is kept; one logged in a call noderun cannot
// mask for (an authenticate function, a preAuthentication) is withheld.
func (p *Package) redactLog(msg string) string {
	c := p.cur
	if p.withholdLogs() {
		return "[a line package code logged during preAuthentication, withheld: it may hold the secret being fetched]"
	}
	switch {
	case c == nil:
		return msg
	case c.hc != nil:
		return c.hc.Redact(msg)
	case c.credHelpers != nil:
		if r, ok := c.credHelpers.(node.Redactor); ok {
			return r.Redact(msg)
		}
	}
	return "[a line package code logged, withheld: noderun cannot mask secrets in it here]"
}

// withholdLogs reports whether the code running now logs withheld lines:
// a preAuthentication, a call inside one, or a timer one of them set.
func (p *Package) withholdLogs() bool {
	if t := p.sb.firing; t != nil && t.withholdLogs {
		return true
	}
	for x := p.cur; x != nil; x = x.parent {
		if x.mintsSecrets {
			return true
		}
	}
	return false
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
		case "auth":
			// The request library's basic auth is {user, pass} or
			// {username, password}.
			if a, ok := v.(map[string]any); ok {
				b := map[string]any{"username": "", "password": ""}
				for _, k := range [][2]string{{"username", "username"}, {"password", "password"}, {"user", "username"}, {"pass", "password"}} {
					if x, ok := a[k[0]]; ok && x != nil {
						b[k[1]] = x
					}
				}
				v = b
			}
			out[k] = v
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
		var out map[string]any
		err := p.withCredentialRuntime(ctx, typeName, while, func(spare *Credential) (err error) {
			if spare != nil {
				out, err = spare.Type.PreAuthenticate(ctx, data, h)
				return err
			}
			call, ok := goja.AssertFunction(fn)
			if !ok {
				return fmt.Errorf("%s is not a function", while)
			}
			frame := jsCall{credType: typeName, credHelpers: h, mintsSecrets: true}
			return p.callJS(ctx, while, frame, func(c *jsCall) (goja.Value, error) {
				return call(c.this(), toJS(c.vm, data))
			}, func(c *jsCall, v goja.Value) error {
				m, ok := fromJS(v).(map[string]any)
				if !ok && v != nil && !goja.IsUndefined(v) && !goja.IsNull(v) {
					return fmt.Errorf("%s returned %s, not an object of credential fields", while, v.String())
				}
				out = m
				return nil
			})
		})
		return out, err
	}
}

// authenticate makes a credential type's authenticate function a
// node.AuthenticateFunc. As in n8n, `this` is the credential type.
func (p *Package) authenticate(typeName string, inst *goja.Object, fn goja.Value) node.AuthenticateFunc {
	while := "credential type " + typeName + ": authenticate"
	return func(ctx context.Context, data map[string]any, request map[string]any) (map[string]any, error) {
		var out map[string]any
		err := p.withCredentialRuntime(ctx, typeName, while, func(spare *Credential) (err error) {
			if spare != nil {
				out, err = spare.Type.AuthenticateRequest(ctx, data, request)
				return err
			}
			call, ok := goja.AssertFunction(fn)
			if !ok {
				return fmt.Errorf("%s is not a function", while)
			}
			return p.callJS(ctx, while, jsCall{credType: typeName}, func(c *jsCall) (goja.Value, error) {
				return call(inst, toJS(c.vm, data), toJS(c.vm, request))
			}, func(c *jsCall, v goja.Value) error {
				m, ok := fromJS(v).(map[string]any)
				if !ok {
					return fmt.Errorf("%s returned %v, not the request options", while, v)
				}
				out = m
				return nil
			})
		})
		return out, err
	}
}

// withCredentialRuntime runs call, credential code of type typeName: on
// the package's own runtime (spare nil), or once a limit broke that (see
// sandbox.broken) on a spare twin, through the type as the twin
// evaluated it. A call given up because the runtime broke while it
// waited for it (errRuntimeBroken) runs again.
func (p *Package) withCredentialRuntime(ctx context.Context, typeName, while string, call func(spare *Credential) error) error {
	if p.owner != p {
		return call(nil) // a twin: its owner retries on a new spare
	}
	for attempt := 1; ; attempt++ {
		spare, err := p.credentialRuntime(ctx, typeName)
		if err != nil {
			return fmt.Errorf("%s: %w", while, err)
		}
		err = call(spare)
		// Each retry follows another call's break, a limit's work.
		if !errors.Is(err, errRuntimeBroken) || attempt == maxBrokenRetries || ctx.Err() != nil {
			return err
		}
	}
}

// credentialRuntime returns nil while the package's own runtime runs
// its credential code, and a twin's, which runs its own. Once a limit
// broke the package's runtime, it returns credential type typeName as
// evaluated in a spare twin, made afresh whenever the last one broke
// too.
func (p *Package) credentialRuntime(ctx context.Context, typeName string) (*Credential, error) {
	if !p.sb.broken.Load() || p.owner != p {
		return nil, nil
	}
	if p.src.closed() {
		return nil, p.closedError("running credential code after a limit stopped its runtime")
	}
	p.spareMu.Lock()
	spare := p.spare
	if spare == nil || spare.sb.broken.Load() {
		var err error
		if spare, err = p.twin(ctx); err != nil {
			p.spareMu.Unlock()
			return nil, fmt.Errorf("a runtime for credential code: %w", err)
		}
		p.spare = spare
		p.sb.log.Debug().Msg("the package's runtime was interrupted: credential code runs on a spare")
	}
	p.spareMu.Unlock()
	c, err := spare.Credential(ctx, typeName)
	if err != nil {
		return nil, fmt.Errorf("a runtime for credential code: %w", err)
	}
	if c.Type.PreAuthenticate == nil && c.Type.AuthenticateRequest == nil {
		return nil, fmt.Errorf("a runtime for credential code: credential type %q has no code there", typeName)
	}
	return c, nil
}

// attachCredentialCode gives a converted credential type the code its
// class holds: preAuthentication, and authenticate when it is a function.
func (p *Package) attachCredentialCode(ct *node.CredentialType, fns []Function, inst *goja.Object) {
	for _, f := range fns {
		switch f.Path {
		case "/preAuthentication":
			ct.PreAuthenticate = p.preAuthentication(ct.Name, f.fn)
		case "/authenticate":
			ct.AuthenticateRequest = p.authenticate(ct.Name, inst, f.fn)
		}
	}
}
