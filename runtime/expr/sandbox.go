package expr

import (
	_ "embed"
	"errors"
	"fmt"
	"sync"

	"github.com/dop251/goja"
	"github.com/dop251/goja/ast"
)

// The sandbox has two layers. The compiler (compile.go and the checks
// below) refuses what n8n's sanitizer refuses: unsafe member names, with
// statements, computed keys in destructuring patterns, dynamic class
// extension; computed member keys go through the prelude's sanitizer at
// run time. The runtime is then sealed once, when it is created
// (sandbox.js): the code compilers (Function and its generator and async
// variants, eval) are replaced by functions that refuse to run, and
// everything reachable from the global object is frozen, so that no
// evaluation can change what a later one, of the same or another run,
// computes. Freezing costs once per pooled runtime; resetting or
// recreating a runtime per evaluation would cost milliseconds each time.

//go:embed sandbox.js
var sandboxSource string

// sandboxProgram is compiled once per process: it is immutable and shared
// by every runtime of every Engine.
var sandboxProgram = sync.OnceValues(func() (*goja.Program, error) {
	return goja.Compile("sandbox.js", sandboxSource, true)
})

// canaryName is the global property that only code holding the real global
// object can read.
const canaryName = reservedPrefix + "canary"

// seal runs sandbox.js in a runtime whose prelude has run. Nothing may
// define globals or change intrinsics afterwards.
func (rt *jsRuntime) seal() error {
	vm := rt.vm
	prog, err := sandboxProgram()
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	v, err := vm.RunProgram(prog)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	run, ok := goja.AssertFunction(v)
	if !ok {
		return errors.New("sandbox: the seal is not a function")
	}
	_, err = run(goja.Undefined(), vm.GlobalObject(), vm.ToValue(rt.refuse), vm.ToValue(rt.overridable),
		vm.ToValue(func(goja.FunctionCall) goja.Value {
			rt.eng.sandboxTrips.Add(1)
			rt.throw(false, "Cannot access the global object due to security concerns", "")
			return nil
		}))
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	return nil
}

// refuse is what the tamed code compilers call: an expression got hold of
// one, which the compiler's checks should have made impossible.
func (rt *jsRuntime) refuse(c goja.FunctionCall) goja.Value {
	rt.eng.sandboxTrips.Add(1)
	rt.throw(false, fmt.Sprintf("Cannot use %q due to security concerns", c.Argument(0).String()), "")
	return nil
}

// overridable replaces data property name of the prototype proto by an
// accessor: reads give the original value; an assignment through an
// object that inherits it gives that object its own property, as before
// the prototype was frozen (without this, "o.toString = f" or an error's
// "e.name = n" would silently do nothing, or throw in strict code). An
// assignment to the prototype itself, or to a frozen object, is ignored,
// as sloppy-mode code ignores a write to a read-only property.
func (rt *jsRuntime) overridable(c goja.FunctionCall) goja.Value {
	vm := rt.vm
	proto, ok := c.Argument(0).(*goja.Object)
	if !ok {
		panic(vm.NewTypeError("overridable: not an object"))
	}
	name, value := c.Argument(1).String(), c.Argument(2)
	enumerable := goja.FLAG_FALSE
	if c.Argument(3).ToBoolean() {
		enumerable = goja.FLAG_TRUE
	}
	get := vm.ToValue(func(goja.FunctionCall) goja.Value { return value })
	set := vm.ToValue(func(c goja.FunctionCall) goja.Value {
		if obj, ok := c.This.(*goja.Object); ok && obj != proto {
			_ = obj.DefineDataProperty(name, c.Argument(0), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_TRUE)
		}
		return goja.Undefined()
	})
	if err := proto.DefineAccessorProperty(name, get, set, goja.FLAG_FALSE, enumerable); err != nil {
		panic(err)
	}
	return goja.Undefined()
}

// checkPattern applies n8n's destructuring rules: a computed key can name
// anything at run time and is refused; a static key or shorthand naming an
// unsafe property is refused.
func (r *rewriter) checkPattern(p *ast.ObjectPattern) bool {
	for _, prop := range p.Properties {
		var name string
		switch t := prop.(type) {
		case *ast.PropertyKeyed:
			if t.Computed {
				r.fail(KindReference, "Computed property names in destructuring are not allowed due to security concerns")
				return false
			}
			switch k := t.Key.(type) {
			case *ast.StringLiteral:
				name = k.Value.String()
			case *ast.Identifier:
				name = k.Name.String()
			}
		case *ast.PropertyShort:
			name = t.Name.Name.String()
		}
		if unsafeProperties[name] {
			r.fail(KindReference, fmt.Sprintf("Cannot destructure %q due to security concerns", name))
			return false
		}
	}
	return true
}

// blockedBaseClasses are n8n's: a class extending one compiles code.
var blockedBaseClasses = map[string]bool{
	"Function": true, "GeneratorFunction": true, "AsyncFunction": true, "AsyncGeneratorFunction": true,
}

// checkSuperClass applies n8n's class rules: a base class must be a plain
// name, and not one of the code compilers.
func (r *rewriter) checkSuperClass(e ast.Expression) bool {
	switch t := e.(type) {
	case nil:
		return true
	case *ast.Identifier:
		if name := t.Name.String(); blockedBaseClasses[name] {
			r.fail(KindReference, fmt.Sprintf("Cannot extend %q due to security concerns", name))
			return false
		}
		return true
	}
	r.fail(KindReference, "Cannot use dynamic class extension due to security concerns")
	return false
}
