package expr

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/dop251/goja"
)

// jsThrown is a JavaScript value thrown outside goja's own error plumbing
// (while variables were bound).
type jsThrown struct{ v goja.Value }

func (j jsThrown) Error() string { return j.v.String() }

// panicError carries a Go panic recovered during an evaluation.
type panicError struct{ v any }

func (p panicError) Error() string { return fmt.Sprint(p.v) }

// Unwrap returns the panic value when it is an error.
func (p panicError) Unwrap() error {
	err, _ := p.v.(error)
	return err
}

// mapError classifies what a JavaScript evaluation returned: n8n's own
// errors keep their kind and wording; anything else is a runtime error
// (TypeError, throw, a bad JSON.parse ...) carrying the JavaScript message.
func (ev *evaluation) mapError(err error) error {
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		if _, ok := ie.Value().(timeoutMarker); ok {
			return &Error{Kind: KindTimeout, Message: "Expression timed out",
				Description: fmt.Sprintf("the evaluation ran longer than %s", ev.x.eng.opts.Timeout)}
		}
		if m, ok := ie.Value().(memoryMarker); ok {
			return &Error{Kind: KindTooLarge, Message: "the evaluation used more memory than its limit",
				Description: fmt.Sprintf("the heap grew by %d MiB while it ran, more than %d MiB (%d × Options.MaxMemory (%d MiB), at least %d MiB); raise Options.MaxMemory to allow more",
					m.grew>>20, ev.x.eng.guardLimit>>20, guardFactor, ev.x.eng.opts.MaxMemory>>20, guardFloor>>20)}
		}
		cause, _ := ie.Value().(error)
		msg := "evaluation canceled"
		if cause != nil {
			msg += ": " + cause.Error()
		}
		return &Error{Kind: KindTimeout, Message: msg, Cause: cause}
	}
	var so *goja.StackOverflowError
	if errors.As(err, &so) {
		return &Error{Kind: KindRuntime, Message: "RangeError: Maximum call stack size exceeded", Cause: err}
	}
	var own *Error
	if errors.As(err, &own) {
		return own
	}
	var thrown goja.Value
	var ex *goja.Exception
	var jt jsThrown
	switch {
	case errors.As(err, &ex):
		thrown = ex.Value()
	case errors.As(err, &jt):
		thrown = jt.v
	default:
		return &Error{Kind: KindRuntime, Message: err.Error(), Cause: err}
	}
	if obj, ok := thrown.(*goja.Object); ok {
		if ge, ok := obj.Export().(error); ok && obj.ClassName() == "GoError" {
			// A Go error raised by a variable lookup ($parameter ...): keep it.
			var inner *Error
			if errors.As(ge, &inner) {
				return inner
			}
			return &Error{Kind: KindRuntime, Message: ge.Error(), Cause: ge}
		}
		name := str(obj.Get("name"))
		msg := str(obj.Get("message"))
		desc := str(obj.Get("description"))
		switch name {
		case "ExpressionError", "ExpressionExtensionError":
			kind := KindReference
			if name == "ExpressionExtensionError" {
				kind = KindExtension
			}
			if msg == "invalid syntax" {
				kind = KindSyntax
			}
			return &Error{Kind: kind, Message: msg, Description: desc}
		}
		if m := extOnNothing.FindStringSubmatch(msg); m != nil && name == "TypeError" {
			// x.method() on undefined: goja cannot tell null from undefined here.
			return &Error{Kind: KindExtension, Message: m[1] + " can't be used on " + m[2] + " value",
				Description: "To ignore this error, add a ? to the variable before this function, e.g. my_var?." + m[1]}
		}
		if name == "" {
			name = "Error"
		}
		return &Error{Kind: KindRuntime, Message: name + ": " + v8Message(msg), Cause: err}
	}
	return &Error{Kind: KindRuntime, Message: "Uncaught " + thrown.String(), Cause: err}
}

func str(v goja.Value) string {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return ""
	}
	return v.String()
}

var (
	extOnNothing = regexp.MustCompile(`^Cannot read property 'n8nx:(\w+)' of (undefined|null)$`)
	readProp     = regexp.MustCompile(`^Cannot read property '(.*)' of (undefined|null)$`)
	setProp      = regexp.MustCompile(`^Cannot set property '(.*)' of (undefined|null)$`)
	noMember     = regexp.MustCompile(`^Object has no member '(.*)'$`)
	notFuncArg   = regexp.MustCompile(`^Value is not an object: (undefined|null)$`)
)

// v8Message rewrites goja's wording of common TypeErrors into V8's, the
// text n8n users see in their browser and docs.
func v8Message(m string) string {
	if s := readProp.FindStringSubmatch(m); s != nil {
		return fmt.Sprintf("Cannot read properties of %s (reading '%s')", s[2], s[1])
	}
	if s := setProp.FindStringSubmatch(m); s != nil {
		return fmt.Sprintf("Cannot set properties of %s (setting '%s')", s[2], s[1])
	}
	if s := noMember.FindStringSubmatch(m); s != nil {
		return s[1] + " is not a function"
	}
	if s := notFuncArg.FindStringSubmatch(m); s != nil {
		return "Cannot convert " + s[1] + " or null to object"
	}
	return strings.TrimPrefix(m, "TypeError: ")
}
