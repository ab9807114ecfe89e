package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
)

// Exit codes, as `noderun exec` has them.
const (
	exitOK     = 0 // the node ran and produced its output
	exitFailed = 1 // the node failed (stdout still carries the JSON result) or Temporal failed
	exitInput  = 2 // unusable input
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitInput
	}
	switch args[0] {
	case "worker":
		return runWorker(ctx, args[1:], stderr)
	case "run":
		return runRun(ctx, args[1:], stdin, stdout, stderr)
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return exitOK
	}
	fmt.Fprintf(stderr, "noderun-temporal: unknown command %q\n", args[0])
	usage(stderr)
	return exitInput
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  noderun-temporal worker --temporal-address HOST:PORT --namespace NS --task-queue Q [--credentials [NAME=]FILE]... [--package PATH]...
  noderun-temporal run    --temporal-address HOST:PORT --namespace NS --task-queue Q [--input FILE] [--detach] < request.json
`)
}

// conn are the flags every command has.
type conn struct {
	address   string
	namespace string
	queue     string
	logLevel  string
}

func (c *conn) register(fs *flag.FlagSet) {
	fs.StringVar(&c.address, "temporal-address", envOr("TEMPORAL_ADDRESS", "localhost:7233"), "the Temporal frontend, HOST:PORT (env TEMPORAL_ADDRESS)")
	fs.StringVar(&c.namespace, "namespace", envOr("TEMPORAL_NAMESPACE", "default"), "the Temporal namespace (env TEMPORAL_NAMESPACE)")
	fs.StringVar(&c.queue, "task-queue", "noderun", "the task queue of the workflow and its activities")
	fs.StringVar(&c.logLevel, "log-level", "warn", "log level on stderr: trace, debug, info, warn, error or disabled")
}

func (c *conn) logger(stderr io.Writer) (zerolog.Logger, error) {
	level, err := zerolog.ParseLevel(strings.ToLower(c.logLevel))
	if err != nil || c.logLevel == "" {
		return zerolog.Logger{}, fmt.Errorf("--log-level %q is not a level: use trace, debug, info, warn, error or disabled", c.logLevel)
	}
	return zerolog.New(zerolog.ConsoleWriter{Out: stderr, TimeFormat: time.TimeOnly, NoColor: true}).Level(level).With().Timestamp().Logger(), nil
}

func (c *conn) dial(ctx context.Context, logger zerolog.Logger, identity string) (client.Client, error) {
	if c.queue == "" {
		return nil, errors.New("--task-queue must not be empty")
	}
	opts := client.Options{HostPort: c.address, Namespace: c.namespace, Logger: log.NewStructuredLogger(slogFor(logger)), Identity: identity}
	cl, err := client.DialContext(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("cannot reach Temporal at %s (namespace %q): %w", c.address, c.namespace, err)
	}
	return cl, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// parse parses flags, printing usage for -h; ok is false when the
// command must return code.
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) (code int, ok bool) {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitInput, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "noderun-temporal %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return exitInput, false
	}
	return 0, true
}
