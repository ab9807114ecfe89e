package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/node/jsontree"
	"github.com/noderun/noderun/nodes/n8npackage"
	"github.com/noderun/noderun/runtime"
	"github.com/noderun/noderun/runtime/expr"
)

// execResult is the exec contract's output object.
type execResult struct {
	Items      []node.Item     `json:"items"`
	ErrorItems []node.Item     `json:"errorItems"`
	Error      *node.ErrorInfo `json:"error"`
}

// execFlags are exec's options.
type execFlags struct {
	input            string
	jsonl            bool
	dryRun           bool
	sim              bool
	credentialsFile  string
	maxConcurrency   int
	maxResponseBytes int64
	maxPages         int
	maxLineBytes     int64
	maxRequestBytes  int64
	maxItems         int
	maxOutputBytes   int64
	requestDeadline  time.Duration
	allowLinkLocal   bool
	mapURLs          mapURLFlag
	exprTimeout      time.Duration
	allowEnv         bool
	lenient          bool
	progress         string
	compact          bool
	logs             logFlags
	inputs           inputFlags
}

func runExec(ctx context.Context, a *app, args []string) int {
	x := &execution{app: a}
	f := &x.flags
	fs := a.newFlags("exec", "[flags] < request.json")
	fs.StringVar(&f.input, "input", "", "read the request from this file instead of stdin")
	fs.BoolVar(&f.jsonl, "jsonl", false, "stream: first line the request without items, then one {\"json\":...} item per line; one output item per line")
	fs.BoolVar(&f.dryRun, "dry-run", false, "print the requests that would be sent (secrets masked) and send nothing")
	fs.BoolVar(&f.sim, "sim", false, "start the embedded Chatwoot simulator and point the credentials at it")
	fs.StringVar(&f.credentialsFile, "credentials", "", "read credentials from this JSON file {\"<type>\": {fields}}; NODERUN_CREDENTIALS_<TYPE> variables also work")
	fs.IntVar(&f.maxConcurrency, "max-concurrency", 0, "requests in flight at most (0: 64)")
	fs.Int64Var(&f.maxResponseBytes, "max-response-bytes", 0, "largest response body accepted (0: 16 MiB)")
	fs.IntVar(&f.maxPages, "max-pages", 0, "pages one item's pagination may fetch (0: 1000)")
	fs.Int64Var(&f.maxLineBytes, "max-line-bytes", defaultMaxLineBytes, "largest --jsonl line (the request or one item) read into memory, in bytes")
	fs.Int64Var(&f.maxRequestBytes, "max-request-bytes", defaultMaxRequestBytes, "largest JSON request (without --jsonl) read into memory, in bytes")
	fs.IntVar(&f.maxItems, "max-items-per-input", 0, "output items one input item's responses may make, over all pages (0: 100000, -1: no limit)")
	fs.Int64Var(&f.maxOutputBytes, "max-output-bytes-per-input", 0, "response bytes one input item's output may come from, over all pages (0: 64 MiB, -1: no limit)")
	fs.DurationVar(&f.requestDeadline, "request-deadline", 0, "overall limit of one request attempt, however steadily the server sends (0: 10m or the request's timeout if longer, -1s: none)")
	fs.BoolVar(&f.allowLinkLocal, "allow-link-local", false, "let requests reach link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10, metadata.google.internal ...)")
	f.mapURLs.register(fs)
	fs.DurationVar(&f.exprTimeout, "expression-timeout", 0, "time limit of one expression evaluation (0: 1s)")
	fs.BoolVar(&f.allowEnv, "allow-env", false, "let expressions read the environment through $env")
	fs.BoolVar(&f.lenient, "lenient-expressions", false, "evaluate expression runtime errors to undefined, as n8n does, instead of failing the item")
	fs.StringVar(&f.progress, "progress", "auto", "progress line on stderr: auto (when stderr is a terminal), always or never")
	fs.BoolVar(&f.compact, "compact", false, "write JSON without indentation (one line)")
	f.logs.register(fs)
	f.inputs.register(fs)
	// A caller of the exec contract reads stdout as JSON whatever went
	// wrong, so bad flags too get one line on stderr and the JSON error.
	usage := func() {
		fmt.Fprint(a.stderr, "usage: noderun exec [flags] < request.json\n"+execHelp)
		fs.PrintDefaults()
	}
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(a.stderr)
			usage()
			return exitOK
		}
		return x.inputFailure(inputErrorf("%v (see `noderun exec -h`)", err))
	}
	if fs.NArg() > 0 {
		return x.inputFailure(inputErrorf("unexpected argument %q: the request comes on stdin or with --input", fs.Arg(0)))
	}
	if err := f.validate(); err != nil {
		return x.inputFailure(err)
	}
	return x.run(ctx)
}

// validate checks the flag values that have a fixed set of choices.
func (f *execFlags) validate() error {
	switch f.progress {
	case "auto", "always", "never":
	default:
		return inputErrorf("--progress %q is not a choice: use auto, always or never", f.progress)
	}
	if f.maxConcurrency < 0 || f.maxPages < 0 || f.exprTimeout < 0 {
		return inputErrorf("--max-concurrency, --max-pages and --expression-timeout must not be negative")
	}
	if f.maxLineBytes <= 0 || f.maxRequestBytes <= 0 {
		return inputErrorf("--max-line-bytes and --max-request-bytes must be positive")
	}
	if err := f.logs.validate(); err != nil {
		return &inputError{msg: err.Error()}
	}
	if err := f.mapURLs.validate(); err != nil {
		return err
	}
	return f.inputs.validate()
}

// execution is one exec invocation.
type execution struct {
	*app
	flags    execFlags
	log      logSetup
	redactor *credentials.Redactor
	// sim is the embedded simulator of --sim, started before the request
	// is decoded so that @SIM_...@ placeholders can be filled in.
	sim *simSession
	// operationURL is the selected operation's URL template, when known.
	operationURL string
	// lineLimit bounds each --jsonl value.
	lineLimit *valueLimitReader
	// wf is set when the node comes from --workflow.
	wf *workflowRun
	// hooks run the JavaScript functions of a package's node.
	hooks *runtime.Hooks
	// pkg is the n8n node package the node comes from, loaded from pkgPath.
	pkg     *n8npackage.Package
	pkgPath string
}

func (x *execution) run(ctx context.Context) int {
	defer x.closePackage()
	if x.flags.sim {
		s, err := startSimulator(ctx, "127.0.0.1:0", x.stderr)
		if err != nil {
			return x.inputFailure(err)
		}
		x.sim = s
		defer s.stop()
	}
	in := x.stdin
	if f, ok := in.(*os.File); ok && x.flags.input == "" && isTerminal(f) {
		fmt.Fprintln(x.stderr, "noderun exec: reading the request from the terminal: paste one JSON object, then press Ctrl-D (or use --input FILE; see `noderun exec -h`)")
	}
	if x.flags.input != "" {
		file, err := os.Open(x.flags.input)
		if err != nil {
			return x.inputFailure(fmt.Errorf("cannot open --input: %w", err))
		}
		defer file.Close()
		in = file
	}
	var req *execRequest
	var dec *json.Decoder
	if x.flags.jsonl {
		x.lineLimit = &valueLimitReader{r: in, max: x.flags.maxLineBytes}
	}
	if x.flags.inputs.workflow != "" {
		src := in
		if x.lineLimit != nil {
			src = x.lineLimit // --jsonl items of a workflow run obey --max-line-bytes too
		}
		r, d, err := x.workflowRequest(src)
		if err != nil {
			return x.inputFailure(err)
		}
		req, dec = r, d
	} else if x.flags.jsonl {
		dec = json.NewDecoder(bufio.NewReaderSize(x.lineLimit, 1<<16))
		var first json.RawMessage
		var err error
		if !readUntilCancelled(ctx, func() { err = dec.Decode(&first) }) {
			return x.interruptedBeforeInput(ctx)
		}
		if err != nil {
			var long *lineTooLongError
			if errors.As(err, &long) {
				return x.inputFailure(inputErrorf("the request (first line): %v", long))
			}
			return x.inputFailure(inputErrorf("the first line must be the request object: %s", describeJSONError(nil, err)))
		}
		x.lineLimit.mark(dec.InputOffset())
		r, err := x.decode(first, false)
		if err != nil {
			return x.inputFailure(err)
		}
		req = r
	} else {
		var data []byte
		var err error
		if !readUntilCancelled(ctx, func() { data, err = io.ReadAll(io.LimitReader(in, x.flags.maxRequestBytes+1)) }) {
			return x.interruptedBeforeInput(ctx)
		}
		if err != nil {
			return x.inputFailure(fmt.Errorf("cannot read the request: %w", err))
		}
		if int64(len(data)) > x.flags.maxRequestBytes {
			return x.inputFailure(inputErrorf("the request is larger than the --max-request-bytes limit of %s: raise --max-request-bytes, or use --jsonl to stream items", byteSize(x.flags.maxRequestBytes)))
		}
		if len(bytes.TrimSpace(data)) == 0 {
			return x.inputFailure(inputErrorf("the request is empty: send one JSON object on stdin (see `noderun exec -h`)"))
		}
		r, err := x.decode(data, true)
		if err != nil {
			return x.inputFailure(err)
		}
		req = r
	}
	nt, err := x.nodeType(req)
	if err != nil {
		return x.inputFailure(err)
	}
	creds, err := x.credentials(req, nt)
	if err != nil {
		return x.inputFailure(err)
	}
	if x.flags.sim {
		x.operationURL = operationURL(nt, req.Parameters)
		if _, err := x.startSim(ctx, creds); err != nil {
			return x.inputFailure(err)
		}
	}
	// The credential's secrets are registered first, so that an error
	// about its fields can never quote one.
	engine := x.engineFor(credentials.NewRedactor(secretValues(nt, creds)...))
	if err := x.checkCredentialInputs(req, nt, creds); err != nil {
		return x.inputFailure(err)
	}
	x.wf.configure(engine)
	// run may be called in-process many times: close the pooled
	// connections so that none outlives it.
	defer engine.CloseIdleConnections()
	run := runtime.Run{
		Node:        nt,
		Parameters:  req.Parameters,
		Credentials: credentials.Map(creds),
		Items:       req.Items,
		NodeName:    req.NodeName,
		TypeVersion: x.typeVersion(),
		InputCheck:  x.inputCheck(),
	}
	if req.Settings != nil {
		run.Settings = *req.Settings
	}
	if len(req.Nodes) > 0 {
		run.Nodes = lookup(req.Nodes)
	}
	if req.Workflow != nil {
		run.Workflow = expr.Workflow{ID: req.Workflow.ID, Name: req.Workflow.Name, Active: req.Workflow.Active}
	}
	if req.Execution != nil {
		run.Execution = expr.Execution{ID: req.Execution.ID, Mode: req.Execution.Mode, ResumeURL: req.Execution.ResumeURL, CustomData: req.Execution.CustomData}
	}
	prepared, err := engine.Prepare(ctx, run)
	if err == nil {
		// The run's own redactor also knows the forms its authentication
		// sends (the Basic Authorization header).
		x.addSecrets(prepared.Redactor())
	}
	if err != nil {
		var ne *runtime.NodeError
		if errors.As(err, &ne) {
			if run.Settings.Continues() {
				x.log.logger.Warn().Str("error", ne.Error()).Msg("the node failed before any item; continue on fail passes the input through")
				if x.flags.jsonl {
					return x.passThroughStream(dec)
				}
				return x.writeResult(runtime.Result{Items: runtime.PassThrough(req.Items, run.Settings), PassedThrough: ne})
			}
			if x.flags.jsonl {
				return x.streamFailure(ne)
			}
			return x.writeResult(runtime.Result{Err: ne})
		}
		return x.inputFailure(x.describeIssues(req, err))
	}
	if x.flags.dryRun {
		return x.dryRun(ctx, prepared, req, dec)
	}
	if x.flags.jsonl {
		return x.stream(ctx, prepared, dec)
	}
	total := len(runtime.InputItems(req.Items))
	var done, failed atomic.Int64
	prog := x.progressLine(total, func() (int64, int64) { return done.Load(), failed.Load() })
	res, err := prepared.ExecuteProgress(ctx, req.Items, func(o runtime.Output) {
		failed.Add(int64(countOutputErrors(o)))
		done.Add(1)
	})
	prog.finish(int(done.Load()), int(failed.Load()))
	if err != nil && ctx.Err() != nil {
		return x.interrupted(ctx, res, int(done.Load()), total)
	}
	if err != nil {
		// Cancelled (a signal) or an internal failure: still a JSON result.
		res.Err = &runtime.NodeError{Name: runtime.NameNodeOperationError, ItemIndex: -1,
			Message: x.redactor.String(err.Error()), Cause: err}
	}
	return x.writeResult(res)
}

// addSecrets masks r's secrets, from now on, in everything written to
// stderr and in every error written to stdout.
func (x *execution) addSecrets(r *credentials.Redactor) {
	x.secrets.Register(r) // for the whole invocation: never unregistered
	x.redactor = x.secrets.Redactor()
}

// engineFor builds the engine from the flags, logging through redactor.
func (x *execution) engineFor(redactor *credentials.Redactor) *runtime.Engine {
	x.addSecrets(redactor)
	x.log = x.flags.logs.setup(x.stderr, x.terminal)
	return &runtime.Engine{
		Hooks:                  x.hooks,
		Logger:                 x.log.logger,
		MaxConcurrency:         x.flags.maxConcurrency,
		MaxResponseBytes:       x.flags.maxResponseBytes,
		MaxPages:               x.flags.maxPages,
		MaxItemsPerInput:       x.flags.maxItems,
		MaxOutputBytesPerInput: x.flags.maxOutputBytes,
		RequestDeadline:        x.flags.requestDeadline,
		AllowLinkLocal:         x.flags.allowLinkLocal,
		MapURLs:                x.flags.mapURLs.list,
		Expressions: expr.Options{
			Timeout:  x.flags.exprTimeout,
			AllowEnv: x.flags.allowEnv,
			Env:      environMap(x.flags.allowEnv),
			Lenient:  x.flags.lenient,
		},
	}
}

func (x *execution) decode(data []byte, allowItems bool) (*execRequest, error) {
	if x.sim != nil {
		data = x.sim.substitute(data)
	}
	req, err := decodeRequestItems(data, allowItems)
	// Until the node type says which fields are secret, mask every
	// secret-looking credential value of the request, so that no input
	// error repeats one (a token pasted into the wrong key).
	creds := map[string]map[string]any(nil)
	if req != nil {
		creds = req.Credentials
	} else {
		var probe struct {
			Credentials map[string]map[string]any `json:"credentials"`
		}
		_ = json.Unmarshal(data, &probe)
		creds = probe.Credentials
	}
	x.addSecrets(credentials.NewRedactor(secretLikeValues(creds)...))
	return req, err
}

// redactInfo masks the run's secrets in an error written to stdout. The
// runtime redacts what it reports; this is the last line of defence for
// whatever reaches the exec contract's output.
func (x *execution) redactInfo(info *node.ErrorInfo) *node.ErrorInfo {
	if info == nil || x.redactor == nil {
		return info
	}
	out := *info
	out.Message = x.redactor.String(out.Message)
	out.Description = x.redactor.String(out.Description)
	out.Body = redactJSON(x.redactor, out.Body)
	return &out
}

func redactJSON(r *credentials.Redactor, v any) any {
	switch t := v.(type) {
	case string:
		return r.String(t)
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[r.String(k)] = redactJSON(r, x)
		}
		return m
	case []any:
		l := make([]any, len(t))
		for i, x := range t {
			l[i] = redactJSON(r, x)
		}
		return l
	}
	return v
}

// operationURL finds the URL template of the selected operation.
func operationURL(nt *runtime.NodeType, params map[string]any) string {
	resource, _ := params["resource"].(string)
	op, _ := params["operation"].(string)
	for _, o := range nt.Description.Operations() {
		if o.Resource == resource && o.Name == op {
			return o.URL
		}
	}
	return ""
}

// describeIssues prefixes parameter issues with the operation they are for.
func (x *execution) describeIssues(req *execRequest, err error) error {
	var issues *runtime.IssuesError
	if !errors.As(err, &issues) {
		return err
	}
	where := req.Node
	if where == "" {
		where = req.Descriptor
	}
	if r, _ := req.Parameters["resource"].(string); r != "" {
		where += ": " + r
		if op, _ := req.Parameters["operation"].(string); op != "" {
			where += " → " + op
		}
	}
	return &issuesInput{where: where, err: issues}
}

// issuesInput is a parameter problem: unusable input, reported with n8n's
// WorkflowHasIssuesError in the JSON.
type issuesInput struct {
	where string
	err   *runtime.IssuesError
}

func (e *issuesInput) Error() string {
	return e.where + ": " + strings.Join(e.err.Issues, " ")
}

// inputFailure reports unusable input: one line on stderr, the error in
// the JSON on stdout, exit status 2.
func (x *execution) inputFailure(err error) int {
	msg := x.redactor.String(err.Error())
	fmt.Fprintf(x.stderr, "noderun: %s\n", oneLine(msg))
	info := &node.ErrorInfo{Name: "InputError", Message: msg}
	var ii *issuesInput
	if errors.As(err, &ii) {
		info = ii.err.Info()
		info.Description = "in " + ii.where
	}
	info = x.redactInfo(info)
	if x.flags.jsonl {
		writeJSONLine(x.stdout, map[string]any{"error": info})
		return exitInput
	}
	x.writeOut(execResult{Items: []node.Item{}, ErrorItems: []node.Item{}, Error: info})
	return exitInput
}

// oneLine folds a multi-line message (a list of diagnostics) into the
// one stderr line the exec contract promises: "head item; item; item".
func oneLine(msg string) string {
	lines := strings.Split(msg, "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	if len(lines) == 1 {
		return lines[0]
	}
	return lines[0] + " " + strings.Join(lines[1:], "; ")
}

// writeResult writes the JSON result and picks the exit status.
func (x *execution) writeResult(res runtime.Result) int {
	out := execResult{Items: res.Items, ErrorItems: res.ErrorItems}
	if out.Items == nil {
		out.Items = []node.Item{}
	}
	if out.ErrorItems == nil {
		out.ErrorItems = []node.Item{}
	}
	code := exitOK
	if res.Err != nil {
		out.Error = x.redactInfo(res.Err.Info())
		code = exitFailed
		fmt.Fprintf(x.stderr, "noderun: the node failed: %s\n", oneLine(x.redactor.String(res.Err.Error())))
	}
	if err := x.writeOut(out); err != nil {
		fmt.Fprintf(x.stderr, "noderun: cannot write the result: %v\n", err)
		return exitFailed
	}
	return code
}

// stream runs --jsonl: items in and out one per line, in constant memory.
func (x *execution) stream(ctx context.Context, p *runtime.Prepared, dec *json.Decoder) int {
	w := newFlushingWriter(x.stdout, 100*time.Millisecond)
	defer w.stop()
	src := x.jsonlSource(dec)
	var done, failed atomic.Int64
	prog := x.progressLine(-1, func() (int64, int64) { return done.Load(), failed.Load() })
	err := p.Stream(ctx, src, func(o runtime.Output) error {
		for _, it := range o.Items {
			if it.Error != nil {
				failed.Add(1)
			}
			if err := writeItemLine(w, it, 0); err != nil {
				return err
			}
		}
		for _, it := range o.ErrorItems {
			failed.Add(1)
			if err := writeItemLine(w, it, 1); err != nil {
				return err
			}
		}
		done.Add(1)
		return nil
	})
	prog.finish(int(done.Load()), int(failed.Load()))
	code := exitOK
	var ne *runtime.NodeError
	var ie *inputError
	switch {
	case errors.As(err, &ie):
		_ = w.Flush()
		w.stop()
		return x.inputFailure(ie)
	case err != nil && ctx.Err() != nil:
		n := int(done.Load())
		writeJSONLine(w, map[string]any{"error": interruptedError(ctx, n, -1)})
		fmt.Fprintf(x.stderr, "noderun: interrupted: %d items finished; their output is written\n", n)
		code = interruptedStatus(ctx)
	case errors.As(err, &ne):
		writeJSONLine(w, map[string]any{"error": x.redactInfo(ne.Info())})
		fmt.Fprintf(x.stderr, "noderun: the node failed: %s\n", oneLine(x.redactor.String(ne.Error())))
		code = exitFailed
	case err != nil:
		writeJSONLine(w, map[string]any{"error": &node.ErrorInfo{Name: "Error", Message: x.redactor.String(err.Error())}})
		fmt.Fprintf(x.stderr, "noderun: %s\n", oneLine(x.redactor.String(err.Error())))
		code = exitFailed
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(x.stderr, "noderun: cannot write the output: %v\n", err)
		return exitFailed
	}
	return code
}

// flushingWriter buffers output lines and flushes them at least every
// interval, so that a consumer reading the stream sees each line soon
// after it is written even while the next items are slow, without a
// write system call per line when they are fast.
type flushingWriter struct {
	mu   sync.Mutex
	w    *bufio.Writer
	err  error
	done chan struct{}
	wg   sync.WaitGroup
	once sync.Once
}

func newFlushingWriter(w io.Writer, interval time.Duration) *flushingWriter {
	f := &flushingWriter{w: bufio.NewWriterSize(w, 1<<16), done: make(chan struct{})}
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-f.done:
				return
			case <-t.C:
				_ = f.Flush()
			}
		}
	}()
	return f
}

func (f *flushingWriter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return 0, f.err
	}
	n, err := f.w.Write(p)
	f.err = err
	return n, err
}

// Flush writes the buffered output now.
func (f *flushingWriter) Flush() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err == nil && f.w.Buffered() > 0 {
		f.err = f.w.Flush()
	}
	return f.err
}

// stop ends the periodic flushing; it does not flush.
func (f *flushingWriter) stop() {
	f.once.Do(func() {
		close(f.done)
		f.wg.Wait()
	})
}

// streamFailure reports a node that failed before any item in --jsonl
// mode: the one {"error": ...} line.
func (x *execution) streamFailure(ne *runtime.NodeError) int {
	fmt.Fprintf(x.stderr, "noderun: the node failed: %s\n", oneLine(x.redactor.String(ne.Error())))
	if err := writeJSONLine(x.stdout, map[string]any{"error": x.redactInfo(ne.Info())}); err != nil {
		fmt.Fprintf(x.stderr, "noderun: cannot write the output: %v\n", err)
	}
	return exitFailed
}

// passThroughStream passes every input item through unchanged, paired to
// itself, when the node failed before any item but continues on failure
// (n8n's F7), in --jsonl mode.
func (x *execution) passThroughStream(dec *json.Decoder) int {
	w := bufio.NewWriterSize(x.stdout, 1<<16)
	src := x.jsonlSource(dec)
	for i := 0; ; i++ {
		it, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			_ = w.Flush()
			return x.inputFailure(err)
		}
		it.PairedItem = node.Paired(i)
		if err := writeItemLine(w, it, 0); err != nil {
			fmt.Fprintf(x.stderr, "noderun: cannot write the output: %v\n", err)
			return exitFailed
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(x.stderr, "noderun: cannot write the output: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// jsonlSource reads one item per JSON value after the request line.
type jsonlSource struct {
	dec   *json.Decoder
	limit *valueLimitReader
	index int
	// fill, when set, rewrites each item's JSON (the --sim placeholders).
	fill func(any) any
	// raw and tree are decodeItem's, reused from line to line.
	raw  json.RawMessage
	tree jsontree.Parser
}

// jsonlSource returns the item source of --jsonl: with --sim, the
// simulator's placeholders are filled in on every item line, as they are
// in the request line.
func (x *execution) jsonlSource(dec *json.Decoder) *jsonlSource {
	src := &jsonlSource{dec: dec, limit: x.lineLimit}
	if x.sim != nil {
		src.fill = x.sim.substituteValue
	}
	return src
}

func (s *jsonlSource) Next() (node.Item, error) {
	it, err := s.decodeItem()
	if err != nil {
		if err == io.EOF {
			if s.index == 0 {
				s.index++
				return node.Item{JSON: map[string]any{}}, nil // no items: one empty item, as n8n
			}
			return node.Item{}, io.EOF
		}
		return node.Item{}, inputErrorf("item %d: %s", s.index, describeJSONError(nil, err))
	}
	if s.limit != nil {
		s.limit.mark(s.dec.InputOffset())
	}
	err = checkItemJSON(it, fmt.Sprintf("item %d", s.index))
	if err == nil && s.fill != nil {
		it.JSON = s.fill(it.JSON)
	}
	s.index++
	return it, err
}

// dryRun prints the requests that would be sent.
func (x *execution) dryRun(ctx context.Context, p *runtime.Prepared, req *execRequest, dec *json.Decoder) int {
	if x.flags.jsonl {
		// Streamed: each request is written as soon as it is built, so a
		// dry run of millions of items holds one at a time.
		w := bufio.NewWriter(x.stdout)
		err := p.DryRunStream(ctx, x.jsonlSource(dec), func(r runtime.DryRequest) error {
			return writeJSONLine(w, x.redactDry(r))
		})
		if err != nil {
			_ = w.Flush()
			return x.inputFailure(err)
		}
		if err := w.Flush(); err != nil {
			return exitFailed
		}
		return exitOK
	}
	requests := p.DryRun(ctx, req.Items)
	for i := range requests {
		requests[i] = x.redactDry(requests[i])
	}
	x.writeOut(map[string]any{"requests": requests})
	return exitOK
}

// redactDry masks the run's secrets in a dry-run request: the runtime
// masks what its credential sends; this also covers every secret-looking
// credential field.
func (x *execution) redactDry(r runtime.DryRequest) runtime.DryRequest {
	r.URL = x.redactor.String(r.URL)
	if r.Headers != nil {
		h := make(map[string]string, len(r.Headers))
		for k, v := range r.Headers {
			h[x.redactor.String(k)] = x.redactor.String(v)
		}
		r.Headers = h
	}
	r.Body = redactJSON(x.redactor, r.Body)
	r.Error = x.redactInfo(r.Error)
	return r
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func writeJSONLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// countOutputErrors counts the error items of one input item's output.
func countOutputErrors(o runtime.Output) int {
	n := len(o.ErrorItems)
	for _, it := range o.Items {
		if it.Error != nil {
			n++
		}
	}
	return n
}

// interruptedError is the result's error when a signal stopped the run.
func interruptedError(ctx context.Context, done, total int) *node.ErrorInfo {
	of := ""
	if total >= 0 {
		of = fmt.Sprintf(" of %d", total)
	}
	return &node.ErrorInfo{Name: runtime.NameNodeOperationError, Message: "The run was interrupted",
		Description: fmt.Sprintf("%s: %d%s input items finished; their output is written", context.Cause(ctx), done, of)}
}

// interrupted writes what a run stopped by a signal finished, and says
// on stderr how much that is.
func (x *execution) interrupted(ctx context.Context, res runtime.Result, done, total int) int {
	fmt.Fprintf(x.stderr, "noderun: interrupted: %d of %d items finished; their output is written\n", done, total)
	out := execResult{Items: res.Items, ErrorItems: res.ErrorItems, Error: interruptedError(ctx, done, total)}
	if out.Items == nil {
		out.Items = []node.Item{}
	}
	if out.ErrorItems == nil {
		out.ErrorItems = []node.Item{}
	}
	if err := x.writeOut(out); err != nil {
		fmt.Fprintf(x.stderr, "noderun: cannot write the result: %v\n", err)
	}
	return interruptedStatus(ctx)
}

// readUntilCancelled runs read, which reads the request, and gives up
// when ctx ends first: a Ctrl-C while the command waits for its input (a
// terminal, a slow pipe) ends it instead of waiting for the input to end.
// It reports whether read finished; if not, read's results must not be
// touched.
func readUntilCancelled(ctx context.Context, read func()) bool {
	done := make(chan struct{})
	go func() {
		defer close(done)
		read()
	}()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		select {
		case <-done:
			return true
		default:
			return false
		}
	}
}

// interruptedBeforeInput ends a run stopped while it waited for its request.
func (x *execution) interruptedBeforeInput(ctx context.Context) int {
	fmt.Fprintln(x.stderr, "noderun: interrupted before the request was read")
	info := &node.ErrorInfo{Name: runtime.NameNodeOperationError, Message: "The run was interrupted",
		Description: fmt.Sprintf("%s before the request was read", context.Cause(ctx))}
	if x.flags.jsonl {
		writeJSONLine(x.stdout, map[string]any{"error": info})
	} else {
		x.writeOut(execResult{Items: []node.Item{}, ErrorItems: []node.Item{}, Error: info})
	}
	return interruptedStatus(ctx)
}

// writeOut writes the exec output object: indented, or on one line with
// --compact.
func (x *execution) writeOut(v any) error {
	if r, ok := v.(execResult); ok {
		return writeExecResult(x.stdout, r, x.flags.compact)
	}
	if x.flags.compact {
		return writeJSONLine(x.stdout, v)
	}
	return writeJSON(x.stdout, v)
}

func environMap(allow bool) map[string]string {
	if !allow {
		return nil
	}
	m := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}
