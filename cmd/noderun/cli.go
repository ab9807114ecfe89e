package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=..."; when
// it is not, the module version Go records in the binary is used.
var version = ""

// buildVersion is the version `noderun --version` prints: the -X value,
// else the main module's version from the build information (a tag or a
// pseudo-version when built from a clone, "(devel)" from go run), with the
// VCS revision when the version does not name one.
func buildVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	if v == "(devel)" {
		var rev, modified string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
		if rev != "" {
			v += " " + rev[:min(12, len(rev))]
			if modified == "true" {
				v += "+dirty"
			}
		}
	}
	return v
}

func runVersion(_ context.Context, a *app, args []string) int {
	fs := a.newFlags("version", "")
	if _, code, ok := parseArgs(fs, args); !ok {
		return code
	}
	goVersion := "unknown"
	if info, ok := debug.ReadBuildInfo(); ok {
		goVersion = info.GoVersion
	}
	fmt.Fprintf(a.stdout, "noderun %s (%s)\n", buildVersion(), goVersion)
	return exitOK
}

// runHelp prints the usage of one command, or of noderun.
func runHelp(ctx context.Context, a *app, args []string) int {
	if len(args) == 0 {
		a.usage()
		return exitOK
	}
	switch args[0] {
	case "-h", "-help", "--help":
		fmt.Fprintln(a.stderr, "usage: noderun help <command>: show a command's usage, flags and, for exec, the request format")
		return exitOK
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(a.stderr, "noderun help: unknown command %q%s; the commands are %s\n", args[0], suggest(args[0], commandNames()), strings.Join(commandNames(), ", "))
		return exitInput
	}
	return cmd.run(ctx, a, []string{"-h"})
}

// parseArgs parses flags that may come before, between or after the
// positional arguments (`validate a.json --json b.json`), as users of
// other command-line tools expect; everything after "--" is positional.
// It returns the positional arguments, or the exit status when parsing
// ended the command (-h, a bad flag).
func parseArgs(fs *flag.FlagSet, args []string) ([]string, int, bool) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, exitOK, false
			}
			return nil, exitInput, false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, 0, true
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), 0, true
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// signalCause is the cause of the context cancelled by a signal.
type signalCause struct{ sig os.Signal }

func (s signalCause) Error() string {
	switch s.sig {
	case syscall.SIGINT:
		return "stopped by SIGINT (Ctrl-C)"
	case syscall.SIGTERM:
		return "stopped by SIGTERM"
	}
	return "stopped by " + s.sig.String()
}

// exitInterrupted is the conventional status of a command ended by
// Ctrl-C (128 + SIGINT).
const exitInterrupted = 130

// interruptedStatus is 128 + the signal that cancelled ctx, as shells
// report a process a signal ended; 130 (SIGINT) when ctx was cancelled
// otherwise.
func interruptedStatus(ctx context.Context) int {
	var sc signalCause
	if errors.As(context.Cause(ctx), &sc) {
		if s, ok := sc.sig.(syscall.Signal); ok {
			return 128 + int(s)
		}
	}
	return exitInterrupted
}

// commandFlags returns the flag sets of every command, by command name,
// by asking each for its help with output discarded: the flags are defined
// where they are parsed, so completion cannot go stale.
func commandFlags(ctx context.Context) map[string]*flag.FlagSet {
	out := map[string]*flag.FlagSet{}
	for name, cmd := range commands() {
		probe := newApp(strings.NewReader(""), io.Discard, io.Discard)
		var sets []*flag.FlagSet
		probe.onFlags = func(fs *flag.FlagSet) { sets = append(sets, fs) }
		args := []string{"-h"}
		if name == "credentials" {
			args = []string{"test", "-h"}
		}
		cmd.run(ctx, probe, args)
		if len(sets) > 0 {
			out[name] = sets[len(sets)-1]
		}
	}
	return out
}

// flagInfo is one flag as completion offers it.
type flagInfo struct {
	name, usage string
	boolean     bool
	values      []string // fixed choices, when the flag has them
	file        bool     // the value is a path
}

// flagChoices are the values of flags that have a fixed set of them.
var flagChoices = map[string][]string{
	"log-level":  {"trace", "debug", "info", "warn", "error", "disabled"},
	"log-format": {"console", "json"},
	"progress":   {"auto", "always", "never"},
	"kind":       {"auto", "node", "credential"},
}

// fileFlags take a path.
var fileFlags = map[string]bool{"input": true, "credentials": true, "spec": true, "out": true,
	"descriptor": true, "credential-type": true}

func flagInfos(fs *flag.FlagSet) []flagInfo {
	var out []flagInfo
	fs.VisitAll(func(f *flag.Flag) {
		bf, ok := f.Value.(interface{ IsBoolFlag() bool })
		usage, _ := strings.CutSuffix(strings.SplitN(f.Usage, "\n", 2)[0], ".")
		out = append(out, flagInfo{name: f.Name, usage: usage, boolean: ok && bf.IsBoolFlag(),
			values: flagChoices[f.Name], file: fileFlags[f.Name]})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}
