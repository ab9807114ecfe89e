package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"sort"
	"sync"
	"syscall"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/nodes"
	"github.com/noderun/noderun/runtime"
)

// Exit statuses of the exec contract.
const (
	exitOK     = 0 // the node ran and produced its output
	exitFailed = 1 // the node failed; stdout still carries the JSON result
	exitInput  = 2 // unusable input: bad JSON, unknown node or operation, invalid descriptor
)

func main() {
	// The first Ctrl-C (or SIGTERM) cancels the run, which then writes
	// what is done and exits 128 + the signal; a second one ends the
	// process at once, by Go's default handling.
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-sigs
		signal.Stop(sigs)
		cancel(signalCause{sig})
	}()
	a := newApp(os.Stdin, os.Stdout, os.Stderr)
	// net/http writes to the standard logger ("Unsolicited response
	// received on idle HTTP channel starting with ..." quotes what the
	// server sent): it goes through the same masking as every other line
	// on stderr. Only the command changes this process-wide setting.
	log.SetOutput(a.secrets)
	// Start-up decodes the node description and prepares the run, a few
	// MB that all stay live, and a run's live heap stays small: the
	// collector gets a fixed headroom instead of tracing the same
	// megabytes again and again (see gctune.go).
	tuneGC()
	os.Exit(a.run(ctx, os.Args[1:]))
}

// app is one invocation: its streams and the node registry.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// secrets is stderr: every line written there is masked with the
	// secrets registered so far (x.addSecrets).
	secrets *credentials.LogWriter
	// terminal is whether stderr is a terminal.
	terminal bool
	registry *nodes.Registry
	// onFlags, when set, is given every flag set a command defines
	// (completion reads the flags this way).
	onFlags func(*flag.FlagSet)
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *app {
	// Request workers log and the progress ticker prints concurrently;
	// one lock keeps their lines whole and makes any writer safe to pass.
	secrets := credentials.NewLogWriter(&lockedWriter{w: stderr})
	return &app{stdin: stdin, stdout: stdout, stderr: secrets, secrets: secrets, terminal: isTerminal(stderr), registry: nodes.Builtin()}
}

type command struct {
	summary string
	run     func(ctx context.Context, a *app, args []string) int
}

func commands() map[string]command {
	return map[string]command{
		"exec":        {"run a node: JSON request on stdin, JSON result on stdout", runExec},
		"list":        {"list nodes, resources and operations", runList},
		"describe":    {"show an operation's parameters: type, required, default, where sent", runDescribe},
		"validate":    {"check a node description or credential type file", runValidate},
		"credentials": {"credentials test: check that a credential works", runCredentials},
		"generate":    {"turn an OpenAPI 3 document into a declarative node description", runGenerate},
		"sim":         {"serve the Chatwoot simulator and print its URL and tokens", runSim},
		"version":     {"print the version", runVersion},
		"completion":  {"print a shell completion script: bash, zsh or fish", runCompletion},
		"help":        {"show a command's usage: noderun help <command>", runHelp},
	}
}

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return newApp(stdin, stdout, stderr).run(ctx, args)
}

func (a *app) run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		a.usage()
		return exitInput
	}
	switch args[0] {
	case "-h", "-help", "--help":
		a.usage()
		return exitOK
	case "-version", "--version":
		return runVersion(ctx, a, args[1:])
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(a.stderr, "noderun: unknown command %q%s; run `noderun help`\n", args[0], suggest(args[0], commandNames()))
		return exitInput
	}
	return cmd.run(ctx, a, args[1:])
}

// lockedWriter serialises writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func commandNames() []string {
	var names []string
	for n := range commands() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (a *app) usage() {
	fmt.Fprintln(a.stderr, "usage: noderun <command> [flags]")
	fmt.Fprintln(a.stderr)
	for _, n := range commandNames() {
		fmt.Fprintf(a.stderr, "  %-12s %s\n", n, commands()[n].summary)
	}
	fmt.Fprintln(a.stderr)
	fmt.Fprintln(a.stderr, "Run `noderun help <command>` (or `noderun <command> -h`) for a command's usage and flags;")
	fmt.Fprintln(a.stderr, "flags may come before or after other arguments. `noderun --version` prints the version.")
}

// newFlags returns a flag set that reports errors to stderr.
func (a *app) newFlags(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("noderun "+name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Usage = func() {
		fmt.Fprintf(a.stderr, "usage: noderun %s %s\n", name, usage)
		fs.PrintDefaults()
	}
	if a.onFlags != nil {
		a.onFlags(fs)
	}
	return fs
}

// parseFlags parses and maps -h and bad flags to exit statuses; flags
// may follow positional arguments, which fs.Args() then returns.
func parseFlags(fs *flag.FlagSet, args []string) (int, bool) {
	positional, code, ok := parseArgs(fs, args)
	if !ok {
		return code, false
	}
	// Leave the positional arguments where fs.Args() reads them.
	_ = fs.Parse(append([]string{"--"}, positional...))
	return 0, true
}

// suggest returns ` (did you mean "x"?)` for a close name, or "".
func suggest(got string, names []string) string {
	if close := runtime.ClosestNames(got, names, 1); len(close) > 0 {
		return fmt.Sprintf(" (did you mean %q?)", close[0])
	}
	return ""
}
