package n8npackage

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"math"
	"math/big"
	"net/url"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/dop251/goja"
	"github.com/rs/zerolog"

	"github.com/noderun/noderun/runtime"
)

//go:embed sandbox.js
var sandboxJS string

//go:embed workflow.js
var workflowJS string

// The scripts are compiled once per process: every package runtime runs
// the same programs.
var (
	compileOnce               sync.Once
	sandboxProg, workflowProg *goja.Program
	compileErr                error
)

func programs() (*goja.Program, *goja.Program, error) {
	compileOnce.Do(func() {
		sandboxProg, compileErr = goja.Compile("noderun:sandbox.js", sandboxJS, true)
		if compileErr == nil {
			workflowProg, compileErr = goja.Compile("noderun:n8n-workflow.js", workflowJS, true)
		}
	})
	return sandboxProg, workflowProg, compileErr
}

// LimitError reports package code stopped by a sandbox limit: its time,
// heap growth or call depth.
type LimitError struct {
	// Limit is "time", "heap" or "stack".
	Limit string
	// While says what the package was doing, e.g. "loading dist/x.node.js".
	While string
	msg   string
}

func (e *LimitError) Error() string { return e.While + ": " + e.msg }

// sandbox is one package's JavaScript runtime: a require that resolves
// modules as Node does but reads only inside the package's tree
// (modules.go), a built-in n8n-workflow, the safe part of Node's
// built-ins, and time, stack and heap limits. It is not safe for
// concurrent use; Package serialises calls into it.
type sandbox struct {
	vm      *goja.Runtime
	mods    *modules
	limits  Limits
	log     zerolog.Logger
	start   time.Time
	timers  map[int64]*jsTimer
	timerID int64
	seq     int64
	now     float64 // the timer loop's virtual clock, in ms
	depth   int     // nesting of run calls
	builtin *goja.Object
	partial *goja.Object
	stub    goja.Callable
	export  goja.Callable
	wf      map[string]goja.Value // n8n-workflow by requiring file
	hostWF  *goja.Object
	// broken is set once a limit (time, heap, cancellation, stack depth)
	// stopped, or was asked to stop, code on the runtime: goja leaves an
	// async function stopped mid-run on its stacks, and the runtime runs
	// no promise reaction again. Function calls then use other runtimes
	// (Package.take, release; credentialRuntime).
	broken atomic.Bool
	// redact masks the running call's secrets in what package code logs
	// (Package.redactLog); withholdLogs tells whether the running code's
	// lines are withheld, which the timers it sets inherit, and firing is
	// the timer running now.
	redact       func(string) string
	withholdLogs func() bool
	firing       *jsTimer
}

type jsTimer struct {
	due      float64
	seq      int64
	interval float64
	repeat   bool
	ref      bool
	fn       goja.Callable
	args     []goja.Value
	// withholdLogs: the timer was set by code whose log lines are
	// withheld (a preAuthentication), and so are the lines it logs.
	withholdLogs bool
}

func newSandbox(pkg string, src source, inModules bool, progs *programCache, limits Limits, log zerolog.Logger) (*sandbox, error) {
	sp, wp, err := programs()
	if err != nil {
		return nil, fmt.Errorf("n8npackage: built-in scripts: %w", err)
	}
	vm := goja.New()
	vm.SetMaxCallStackSize(limits.MaxCallStack)
	s := &sandbox{vm: vm, limits: limits, log: log, start: time.Now(), timers: map[int64]*jsTimer{}, wf: map[string]goja.Value{}}
	s.mods = &modules{pkg: pkg, vm: vm, src: src, inModules: inModules, cache: map[string]*goja.Object{}, deferred: map[*goja.Object]*deferred{}, deferredErrs: map[*goja.Object]bool{}, deps: map[string][]string{}, pkgDeps: map[string][]string{}, loading: map[string]bool{}, dependsMemo: map[string]bool{}, programs: progs, resolved: map[string]string{}, pkgJSON: map[string]*packageJSON{}, builtin: s.builtinModule}
	s.mods.warn = func(msg string) { s.log.Warn().Msg(msg) }
	fv, err := vm.RunProgram(sp)
	if err != nil {
		return nil, fmt.Errorf("n8npackage: sandbox script: %w", err)
	}
	fn, _ := goja.AssertFunction(fv)
	envV, err := fn(goja.Undefined(), s.natives())
	if err != nil {
		return nil, fmt.Errorf("n8npackage: sandbox script: %w", err)
	}
	env := envV.ToObject(vm)
	globals := env.Get("globals").ToObject(vm)
	for _, k := range globals.Keys() {
		if err := vm.Set(k, globals.Get(k)); err != nil {
			return nil, err
		}
	}
	_ = vm.Set("global", vm.GlobalObject())
	s.builtin = env.Get("builtins").ToObject(vm)
	s.partial = env.Get("partial").ToObject(vm)
	s.stub, _ = goja.AssertFunction(env.Get("stub"))
	s.export, _ = goja.AssertFunction(env.Get("exportDescription"))
	s.mods.collect = env.Get("collect")
	wv, err := vm.RunProgram(wp)
	if err != nil {
		return nil, fmt.Errorf("n8npackage: n8n-workflow script: %w", err)
	}
	wfn, _ := goja.AssertFunction(wv)
	bufMod := s.builtin.Get("buffer").ToObject(vm)
	deps := vm.NewObject()
	_ = deps.Set("Buffer", bufMod.Get("Buffer"))
	_ = deps.Set("crypto", s.builtin.Get("crypto"))
	_ = deps.Set("URL", globals.Get("URL"))
	members, err := wfn(goja.Undefined(), deps)
	if err != nil {
		return nil, fmt.Errorf("n8npackage: n8n-workflow script: %w", err)
	}
	s.hostWF = members.ToObject(vm)
	return s, nil
}

// builtinModule answers require for built-in and host module names.
func (s *sandbox) builtinModule(name, file string) (goja.Value, bool) {
	who := s.mods.where(file)
	switch name {
	case "n8n-workflow":
		return s.workflowModule(who), true
	case "n8n-core":
		return s.stubModule(name, who, "n8n's execution engine is not part of a package"), true
	}
	if v := s.builtin.Get(name); v != nil && !goja.IsUndefined(v) {
		return v, true
	}
	first, _, _ := strings.Cut(name, "/")
	if _, ok := nodeCoreModules[first]; !ok {
		return nil, false
	}
	stub := s.stubModule(name, who, "the sandbox gives packages no file, network, process or thread access")
	if part, ok := s.partial.Get(name).(*goja.Object); ok {
		obj := s.vm.NewObject()
		for _, k := range part.Keys() {
			_ = obj.Set(k, part.Get(k))
		}
		_ = obj.SetPrototype(stub.ToObject(s.vm))
		return obj, true
	}
	return stub, true
}

func (s *sandbox) stubModule(name, who, why string) goja.Value {
	v, err := s.stub(goja.Undefined(), s.vm.ToValue(name), s.vm.ToValue(who), s.vm.ToValue(why))
	if err != nil {
		panic(err)
	}
	return v
}

// workflowModule is n8n-workflow as seen from one requiring file: the
// members noderun implements, and for any other member a function that
// throws, naming it and that file, when used. The members are shared.
func (s *sandbox) workflowModule(who string) goja.Value {
	if v, ok := s.wf[who]; ok {
		return v
	}
	rest := s.stubModule("n8n-workflow", who, "noderun's n8n-workflow does not provide it").ToObject(s.vm)
	obj := s.vm.NewObject()
	for _, k := range s.hostWF.Keys() {
		_ = obj.Set(k, s.hostWF.Get(k))
	}
	// Known members are own properties (so __importStar copies them);
	// the rest are looked up on the stub behind it.
	_ = obj.SetPrototype(rest)
	s.wf[who] = obj
	return obj
}

// natives are the Go functions sandbox.js builds on.
func (s *sandbox) natives() *goja.Object {
	vm := s.vm
	n := vm.NewObject()
	set := func(name string, f any) { _ = n.Set(name, f) }
	set("encode", func(str string, enc string) goja.ArrayBuffer { return vm.NewArrayBuffer(encodeString(str, enc)) })
	set("decode", func(v goja.Value, enc string) string {
		b, _ := v.Export().([]byte)
		return decodeBytes(b, enc)
	})
	set("newHash", func(alg string, key goja.Value) *goja.Object {
		var k []byte
		if key != nil && !goja.IsNull(key) && !goja.IsUndefined(key) {
			k, _ = key.Export().([]byte)
		}
		h, err := newHash(alg, k, key != nil && !goja.IsNull(key) && !goja.IsUndefined(key))
		if err != nil {
			panic(vm.NewGoError(err))
		}
		o := vm.NewObject()
		_ = o.Set("update", func(v goja.Value) {
			b, _ := v.Export().([]byte)
			h.Write(b)
		})
		_ = o.Set("digest", func() goja.ArrayBuffer { return vm.NewArrayBuffer(h.Sum(nil)) })
		return o
	})
	set("randomBytes", func(size int) goja.ArrayBuffer {
		b := make([]byte, size)
		_, _ = rand.Read(b)
		return vm.NewArrayBuffer(b)
	})
	set("randomUUID", func() string { return newUUID() })
	set("randomBelow", func(nv float64) float64 {
		if nv < 1 || nv > math.MaxInt64 || nv != math.Floor(nv) {
			panic(vm.NewTypeError("randomInt: the range must be a positive safe integer, got %v", nv))
		}
		r, _ := rand.Int(rand.Reader, big.NewInt(int64(nv)))
		return float64(r.Int64())
	})
	set("hrtime", func() float64 { return float64(time.Since(s.start).Nanoseconds()) })
	set("hrtimeString", func() string { return strconv.FormatInt(time.Since(s.start).Nanoseconds(), 10) })
	set("setTimer", func(fn goja.Callable, ms float64, repeat bool, args []goja.Value) int64 {
		if math.IsNaN(ms) || ms < 1 {
			ms = 1 // Node clamps to 1 ms
		}
		s.timerID++
		s.seq++
		t := &jsTimer{due: s.now + ms, seq: s.seq, interval: ms, repeat: repeat, ref: true, fn: fn, args: args}
		if s.withholdLogs != nil {
			t.withholdLogs = s.withholdLogs()
		}
		s.timers[s.timerID] = t
		return s.timerID
	})
	set("clearTimer", func(id int64) { delete(s.timers, id) })
	set("refTimer", func(id int64, ref bool) {
		if t, ok := s.timers[id]; ok {
			t.ref = ref
		}
	})
	set("hasRef", func(id int64) bool { t, ok := s.timers[id]; return ok && t.ref })
	set("log", func(level, msg string) {
		lv, err := zerolog.ParseLevel(level)
		if err != nil {
			lv = zerolog.InfoLevel
		}
		if s.redact != nil {
			msg = s.redact(msg)
		}
		s.log.WithLevel(lv).Str("from", "package").Msg(msg)
	})
	set("parseURL", func(input, base string) any { return parseURL(vm, input, base) })
	return n
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func newHash(alg string, key []byte, keyed bool) (hash.Hash, error) {
	var mk func() hash.Hash
	switch strings.ToLower(alg) {
	case "md5":
		mk = md5.New
	case "sha1", "sha-1":
		mk = sha1.New
	case "sha224", "sha-224":
		mk = sha256.New224
	case "sha256", "sha-256":
		mk = sha256.New
	case "sha384", "sha-384":
		mk = sha512.New384
	case "sha512", "sha-512":
		mk = sha512.New
	default:
		return nil, fmt.Errorf("crypto: digest %q is not supported (md5, sha1, sha224, sha256, sha384, sha512 are)", alg)
	}
	if keyed {
		return hmac.New(mk, key), nil
	}
	return mk(), nil
}

// encodeString is Buffer.from(string, enc).
func encodeString(s, enc string) []byte {
	switch enc {
	case "hex":
		n := len(s) / 2
		out := make([]byte, 0, n)
		for i := 0; i+1 < len(s); i += 2 {
			b, err := hex.DecodeString(s[i : i+2])
			if err != nil {
				break // Node stops at the first invalid pair
			}
			out = append(out, b[0])
		}
		return out
	case "base64", "base64url":
		clean := strings.Map(func(r rune) rune {
			switch {
			case r == '-':
				return '+'
			case r == '_':
				return '/'
			case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '+', r == '/':
				return r
			}
			return -1
		}, s)
		clean = clean[:len(clean)-len(clean)%4*boolInt(len(clean)%4 == 1)] // a lone sextet carries no byte
		b, _ := base64.RawStdEncoding.DecodeString(clean)
		return b
	case "latin1", "binary", "ascii":
		out := make([]byte, 0, len(s))
		for _, u := range utf16.Encode([]rune(s)) {
			out = append(out, byte(u))
		}
		return out
	case "utf16le", "ucs2", "ucs-2", "utf-16le":
		us := utf16.Encode([]rune(s))
		out := make([]byte, 2*len(us))
		for i, u := range us {
			out[2*i], out[2*i+1] = byte(u), byte(u>>8)
		}
		return out
	}
	return []byte(s)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// decodeBytes is buffer.toString(enc).
func decodeBytes(b []byte, enc string) string {
	switch enc {
	case "hex":
		return hex.EncodeToString(b)
	case "base64":
		return base64.StdEncoding.EncodeToString(b)
	case "base64url":
		return base64.RawURLEncoding.EncodeToString(b)
	case "latin1", "binary":
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		return string(r)
	case "ascii":
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c & 0x7f)
		}
		return string(r)
	case "utf16le", "ucs2", "ucs-2", "utf-16le":
		us := make([]uint16, len(b)/2)
		for i := range us {
			us[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		}
		return string(utf16.Decode(us))
	}
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// parseURL parses a WHATWG-style URL with net/url; it returns the parts
// sandbox.js's URL keeps, or an error text.
func parseURL(vm *goja.Runtime, input, base string) any {
	input = strings.TrimSpace(input)
	u, err := url.Parse(input)
	if err == nil && base != "" {
		var b *url.URL
		if b, err = url.Parse(base); err == nil {
			if !b.IsAbs() {
				return fmt.Sprintf("%q: base %q is not absolute", input, base)
			}
			u = b.ResolveReference(u)
		}
	}
	if err != nil {
		return fmt.Sprintf("%q: %v", input, err)
	}
	if !u.IsAbs() {
		return fmt.Sprintf("%q is not an absolute URL", input)
	}
	special := map[string]bool{"http": true, "https": true, "ws": true, "wss": true, "ftp": true, "file": true}[strings.ToLower(u.Scheme)]
	path := u.EscapedPath()
	if u.Opaque != "" {
		path = u.Opaque
	} else if special && path == "" {
		path = "/"
	}
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	o := vm.NewObject()
	pw, _ := u.User.Password()
	_ = o.Set("protocol", strings.ToLower(u.Scheme)+":")
	_ = o.Set("username", u.User.Username())
	_ = o.Set("password", pw)
	_ = o.Set("hostname", strings.ToLower(u.Hostname()))
	_ = o.Set("port", port)
	_ = o.Set("pathname", path)
	search := ""
	if u.RawQuery != "" || u.ForceQuery {
		search = "?" + u.RawQuery
	}
	if search == "?" {
		search = ""
	}
	_ = o.Set("search", search)
	hash := ""
	if u.Fragment != "" {
		hash = "#" + u.EscapedFragment()
	}
	_ = o.Set("hash", hash)
	_ = o.Set("special", special)
	return o
}

// run calls f with the sandbox's limits armed, then runs the timers and
// promise jobs f left until none is due (the event loop, on a virtual
// clock). Errors from JavaScript name what was being done.
func (s *sandbox) run(ctx context.Context, while string, f func() error) (err error) {
	if s.depth > 0 {
		// A call inside another shares its limits and event loop.
		return s.protect(f)
	}
	s.depth++
	defer func() { s.depth-- }()
	// A function call's context already ends within the limit (callJS).
	if d, ok := ctx.Deadline(); !ok || time.Until(d) > s.limits.Timeout {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.limits.Timeout)
		defer cancel()
	}
	// interrupted and watched close when the two watchers are done, so
	// that no interrupt of this run lands after ClearInterrupt, on the
	// runtime's next call.
	interrupted, watched := make(chan struct{}), make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(interrupted)
		// Whatever the interrupt stops, perhaps a promise reaction a Go
		// task runs, whose error goja hands the resolver and no caller.
		s.broken.Store(true)
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			s.vm.Interrupt(&LimitError{Limit: "time", While: while, msg: fmt.Sprintf("package code ran longer than %v", s.limits.Timeout)})
		} else {
			s.vm.Interrupt(fmt.Errorf("%s: %w", while, context.Cause(ctx)))
		}
	})
	// The heap is watched only in a call still running after its first
	// tick, from then on: most calls end sooner, and a goroutine, a ticker
	// and a metrics read for each would cost more than the call. What the
	// first tick allocates (a few MiB at goja's pace) is not counted.
	done := make(chan struct{})
	watch := time.AfterFunc(heapTick, func() {
		defer close(watched)
		s.watchHeap(while, heapObjects(), done)
	})
	defer func() {
		close(done)
		if !watch.Stop() {
			<-watched
		}
		if !stop() {
			<-interrupted
		}
		s.vm.ClearInterrupt()
		if err != nil {
			var ie *goja.InterruptedError
			var so *goja.StackOverflowError
			if errors.As(err, &ie) || errors.As(err, &so) {
				s.broken.Store(true)
			}
			err = s.explain(while, err)
		}
	}()
	if err := s.protect(f); err != nil {
		return err
	}
	return s.protect(func() error { return s.loop(ctx) })
}

// protect runs f, turning what goja panics with (an exception thrown
// while Go code reads a JavaScript object, such as a throwing getter, or a
// value the loader throws) into an error.
func (s *sandbox) protect(f func() error) (err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		switch v := r.(type) {
		case error:
			err = v
		case goja.Value:
			msg := v.String()
			stack := msg
			if o, ok := v.(*goja.Object); ok {
				if st := o.Get("stack"); st != nil && !goja.IsUndefined(st) {
					stack = st.String()
				}
			}
			err = &ScriptError{Message: msg, Stack: stack, thrown: v}
		default:
			panic(r)
		}
	}()
	return f()
}

// loop fires the referenced timers in due order until none is left.
func (s *sandbox) loop(ctx context.Context) error {
	for {
		var next *jsTimer
		var nextID int64
		for id, t := range s.timers {
			if t.ref && (next == nil || t.due < next.due || (t.due == next.due && t.seq < next.seq)) {
				next, nextID = t, id
			}
		}
		if next == nil {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return &LimitError{Limit: "time", msg: fmt.Sprintf("timers still firing after %v", s.limits.Timeout)}
		}
		s.now = next.due
		if next.repeat {
			s.seq++
			next.due, next.seq = s.now+next.interval, s.seq
		} else {
			delete(s.timers, nextID)
		}
		s.firing = next
		_, err := next.fn(goja.Undefined(), next.args...)
		s.firing = nil
		if err != nil {
			return err
		}
	}
}

// watchHeap interrupts the runtime when the Go heap grows by more than
// the limit while package code runs. goja allocates on the Go heap, so a
// runaway allocation shows there; the check is process-wide, which makes
// the limit a bound, not an account.
func (s *sandbox) watchHeap(while string, base uint64, done <-chan struct{}) {
	tick := time.NewTicker(heapTick)
	defer tick.Stop()
	for {
		if used := heapObjects(); used > base && used-base > s.limits.MaxHeapGrowth {
			s.broken.Store(true)
			s.vm.Interrupt(&LimitError{Limit: "heap", While: while, msg: fmt.Sprintf("package code grew the heap by more than %d MiB", s.limits.MaxHeapGrowth>>20)})
			return
		}
		select {
		case <-done:
			return
		case <-tick.C:
		}
	}
}

// heapTick is how often a running call's heap growth is checked.
const heapTick = 10 * time.Millisecond

// heapObjects is the bytes of live and unswept heap objects.
func heapObjects() uint64 {
	sample := [1]metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample[:])
	return sample[0].Value.Uint64()
}

// explain turns a goja error into one that says what happened where.
func (s *sandbox) explain(while string, err error) error {
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		if le, ok := ie.Value().(*LimitError); ok {
			return le
		}
		if e, ok := ie.Value().(error); ok {
			return e
		}
	}
	var le *LimitError
	if errors.As(err, &le) {
		if le.While == "" {
			le.While = while
		}
		return le
	}
	var se *ScriptError
	if errors.As(err, &se) {
		if se.While == "" {
			se.While = while
		}
		return s.nodeError(se)
	}
	var so *goja.StackOverflowError
	if errors.As(err, &so) {
		return &LimitError{Limit: "stack", While: while, msg: "package code exceeded the call depth limit: " + so.Error()}
	}
	var ex *goja.Exception
	if errors.As(err, &ex) {
		if strings.Contains(ex.Error(), "Maximum call stack size exceeded") {
			return &LimitError{Limit: "stack", While: while, msg: "package code exceeded the call depth limit (" + strconv.Itoa(s.limits.MaxCallStack) + " frames)"}
		}
		return s.nodeError(&ScriptError{While: while, Message: ex.Error(), Stack: ex.String(), thrown: ex.Value()})
	}
	return fmt.Errorf("%s: %w", while, err)
}

// nodeError returns the node error package code threw on purpose (an
// n8n-workflow NodeApiError or NodeOperationError) as n8n reports it: its
// own name, message, description and HTTP code, the ScriptError, which
// says where, as the cause. Any other exception stays a ScriptError.
func (s *sandbox) nodeError(se *ScriptError) error {
	o, ok := se.thrown.(*goja.Object)
	if !ok || s.hostWF == nil {
		return se
	}
	class, ok := s.hostWF.Get("NodeError").(*goja.Object)
	if !ok || !s.vm.InstanceOf(o, class) {
		return se
	}
	str := func(k string) string {
		v := o.Get(k)
		if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
			return ""
		}
		return v.String()
	}
	name := runtime.NameNodeOperationError
	if api, ok := s.hostWF.Get("NodeApiError").(*goja.Object); ok && s.vm.InstanceOf(o, api) {
		name = runtime.NameNodeAPIError
	}
	return &runtime.NodeError{Name: name, Message: str("message"), Description: str("description"), HTTPCode: str("httpCode"), ItemIndex: -1, Cause: se}
}

// ScriptError is an exception thrown by package code.
type ScriptError struct {
	While   string
	Message string
	// Stack is the JavaScript stack trace, with source paths.
	Stack string
	// thrown is the value thrown, nil when not known.
	thrown goja.Value
}

func (e *ScriptError) Error() string { return e.While + ": " + e.Message }

// bufferOf is a Buffer holding a copy of b.
func (s *sandbox) bufferOf(b []byte) goja.Value {
	buffer := s.builtin.Get("buffer").ToObject(s.vm).Get("Buffer").ToObject(s.vm)
	from, _ := goja.AssertFunction(buffer.Get("from"))
	v, err := from(buffer, s.vm.ToValue(s.vm.NewArrayBuffer(append([]byte(nil), b...))))
	if err != nil {
		panic(err)
	}
	return v
}
