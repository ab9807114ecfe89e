package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.temporal.io/sdk/worker"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes"
	"github.com/noderun/noderun/nodes/n8npackage"
	"github.com/noderun/noderun/runtime"
	"github.com/noderun/noderun/runtime/expr"
	"github.com/noderun/noderun/temporal/durable"
)

// listFlag is a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

func runWorker(ctx context.Context, args []string, stderr io.Writer) int {
	var c conn
	var creds, descriptors, credTypes, packages listFlag
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	c.register(fs)
	fs.Var(&creds, "credentials", "credentials JSON file {\"<type>\": {fields}}, as NAME=FILE to serve the requests naming NAME; repeatable. NODERUN_CREDENTIALS_<TYPE> variables fill the default (unnamed) set")
	fs.Var(&descriptors, "descriptor", "also serve a declarative node description, as NAME=FILE (requests name NAME as \"node\"); repeatable")
	fs.Var(&credTypes, "credential-type", "a credential type file the --descriptor nodes use; repeatable")
	fs.Var(&packages, "package", "also serve the node types of this n8n node package (a directory or an npm .tgz), by their n8n type names at their default versions; repeatable")
	maxConcurrency := fs.Int("max-concurrency", 0, "requests in flight at most per chunk (0: 64)")
	maxChunks := fs.Int("max-chunks", 0, "chunks this worker runs at once (0: the SDK's default)")
	exprTimeout := fs.Duration("expression-timeout", 0, "time limit of one expression evaluation (0: 1s)")
	hbThrottle := fs.Duration("heartbeat-throttle", 2*time.Second, "send a chunk's progress to Temporal at least this often (the SDK's default is 0.8 of the heartbeat timeout); it bounds the items a lost worker's chunk sends twice")
	allowEnv := fs.Bool("allow-env", false, "let expressions read the worker's environment through $env")
	if code, ok := parse(fs, args, stderr); !ok {
		return code
	}
	logger, err := c.logger(stderr)
	if err != nil {
		fmt.Fprintf(stderr, "noderun-temporal worker: %v\n", err)
		return exitInput
	}
	if *maxConcurrency < 0 || *maxChunks < 0 || *exprTimeout < 0 || *hbThrottle < 0 {
		fmt.Fprintln(stderr, "noderun-temporal worker: --max-concurrency, --max-chunks, --expression-timeout and --heartbeat-throttle must not be negative")
		return exitInput
	}
	registry, err := buildRegistry(descriptors, credTypes)
	if err != nil {
		fmt.Fprintf(stderr, "noderun-temporal worker: %v\n", err)
		return exitInput
	}
	hooks := &runtime.Hooks{}
	for _, path := range packages {
		if err := addPackage(ctx, registry, hooks, path); err != nil {
			fmt.Fprintf(stderr, "noderun-temporal worker: --package %s: %v\n", path, err)
			return exitInput
		}
	}
	stores, secrets, err := loadStores(creds, os.Environ(), registry)
	if err != nil {
		fmt.Fprintf(stderr, "noderun-temporal worker: %v\n", err)
		return exitInput
	}
	// Nothing this process logs may repeat a credential value.
	logger = logger.Output(credentials.NewRedactor(secrets...).Writer(stderr))
	cl, err := c.dial(ctx, logger, "")
	if err != nil {
		fmt.Fprintf(stderr, "noderun-temporal worker: %v\n", err)
		return exitFailed
	}
	defer cl.Close()
	engine := &runtime.Engine{Logger: logger, MaxConcurrency: *maxConcurrency, Retry: runtime.RetryPolicy{Disabled: true}, Hooks: hooks,
		Expressions: expr.Options{Timeout: *exprTimeout, AllowEnv: *allowEnv, Env: environ(*allowEnv)}}
	defer engine.CloseIdleConnections()
	w := worker.New(cl, c.queue, worker.Options{MaxConcurrentActivityExecutionSize: *maxChunks, MaxHeartbeatThrottleInterval: *hbThrottle})
	durable.Register(w, &durable.Activities{Nodes: registry, Engine: engine, Credentials: stores})
	logger.Info().Str("address", c.address).Str("namespace", c.namespace).Str("taskQueue", c.queue).
		Strs("nodes", registry.Names()).Msg("worker started")
	stop := make(chan any)
	go func() {
		<-ctx.Done()
		close(stop)
	}()
	if err := w.Run(stop); err != nil {
		fmt.Fprintf(stderr, "noderun-temporal worker: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// buildRegistry is the built-in nodes plus the --descriptor ones.
func buildRegistry(descriptors, credTypes []string) (*nodes.Registry, error) {
	r := nodes.Builtin()
	var cts []*node.CredentialType
	for _, p := range credTypes {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("--credential-type: %w", err)
		}
		ct, err := node.DecodeCredentialType(data)
		if err != nil {
			return nil, fmt.Errorf("--credential-type %s: %w", p, err)
		}
		cts = append(cts, ct)
	}
	for _, d := range descriptors {
		name, path, ok := strings.Cut(d, "=")
		if !ok || name == "" || path == "" {
			return nil, fmt.Errorf("--descriptor %q: use NAME=FILE", d)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("--descriptor: %w", err)
		}
		desc, err := node.DecodeDescription(data)
		if err != nil {
			return nil, fmt.Errorf("--descriptor %s: %w", path, err)
		}
		nt, err := runtime.NewNodeType(desc, cts...)
		if err != nil {
			return nil, fmt.Errorf("--descriptor %s: %w", path, err)
		}
		if err := r.Register(nodes.Entry{Name: name, Summary: desc.DisplayName + " (" + filepath.Base(path) + ")",
			NodeType: func() (*runtime.NodeType, error) { return nt, nil }, Output: "n8n"}); err != nil {
			return nil, fmt.Errorf("--descriptor: %w", err)
		}
	}
	return r, nil
}

// addPackage registers every node type of an n8n node package at its
// default version, built once here so that a bad package stops the worker
// at start rather than failing runs, and registers the hooks its routes
// name.
func addPackage(ctx context.Context, r *nodes.Registry, hooks *runtime.Hooks, path string) error {
	pkg, err := n8npackage.Load(ctx, path)
	if err != nil {
		return err
	}
	for _, name := range pkg.NodeNames() {
		nt, err := pkg.NodeType(ctx, name, 0)
		if err != nil {
			return err
		}
		if err := r.Register(nodes.Entry{Name: name, Summary: "from package " + pkg.Name + " " + pkg.Version,
			NodeType: func() (*runtime.NodeType, error) { return nt, nil }, Output: "n8n"}); err != nil {
			return err
		}
	}
	return pkg.RegisterHooks(ctx, hooks)
}

// loadStores reads the credential sets: --credentials [NAME=]FILE and
// NODERUN_CREDENTIALS_<TYPE> (the default set). It returns every
// credential value too, for the log redactor.
func loadStores(files []string, environ []string, r *nodes.Registry) (durable.Stores, []string, error) {
	sets := map[string]credentials.Map{}
	set := func(name string) credentials.Map {
		if sets[name] == nil {
			sets[name] = credentials.Map{}
		}
		return sets[name]
	}
	for _, f := range files {
		name, path, ok := strings.Cut(f, "=")
		if !ok {
			name, path = "", f
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, fmt.Errorf("--credentials: %w", err)
		}
		var m map[string]map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, nil, fmt.Errorf("--credentials %s must be {\"<credential type>\": {fields}}: %v", path, err)
		}
		for typ, v := range m {
			set(name)[typ] = v
		}
	}
	types := credentialTypes(r)
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		suffix, ok := strings.CutPrefix(k, "NODERUN_CREDENTIALS_")
		if !ok {
			continue
		}
		typ := suffix
		for _, t := range types {
			if strings.EqualFold(t, suffix) {
				typ = t
			}
		}
		var data map[string]any
		if err := json.Unmarshal([]byte(v), &data); err != nil {
			return nil, nil, fmt.Errorf("environment variable %s must hold a JSON object of credential fields: %v", k, err)
		}
		set("")[typ] = data
	}
	stores := durable.Stores{}
	var secrets []string
	for name, m := range sets {
		stores[name] = m
		for _, data := range m {
			for _, v := range data {
				if s, ok := v.(string); ok && len(s) >= 6 && !strings.Contains(s, "://") {
					secrets = append(secrets, s)
				}
			}
		}
	}
	return stores, secrets, nil
}

func credentialTypes(r *nodes.Registry) []string {
	var out []string
	for _, name := range r.Names() {
		e, _ := r.Lookup(name)
		nt, err := e.NodeType()
		if err != nil {
			continue
		}
		for t := range nt.CredentialTypes {
			out = append(out, t)
		}
	}
	return out
}

func environ(allow bool) map[string]string {
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
