package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/term"
)

// logFlags are the logging options every command shares.
type logFlags struct {
	level  string
	format string
}

func (l *logFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&l.level, "log-level", "warn", "log level: trace, debug, info, warn, error or disabled")
	fs.StringVar(&l.format, "log-format", "console", "log format on stderr: console or json")
}

// logSetup is the logger a command writes to stderr with.
type logSetup struct {
	logger zerolog.Logger
}

// setup builds a zerolog logger writing to w (already redacting), in
// colour when terminal is true.
func (l *logFlags) setup(w io.Writer, terminal bool) logSetup {
	level, err := zerolog.ParseLevel(strings.ToLower(l.level))
	if err != nil || l.level == "" {
		level = zerolog.WarnLevel
	}
	var out io.Writer = w
	if l.format != "json" {
		out = zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly, NoColor: !terminal}
	}
	return logSetup{logger: zerolog.New(out).Level(level).With().Timestamp().Logger()}
}

// validate rejects a log level or format that does not exist, rather
// than silently logging at another level.
func (l *logFlags) validate() error {
	if _, err := zerolog.ParseLevel(strings.ToLower(l.level)); err != nil || l.level == "" {
		return fmt.Errorf("--log-level %q is not a level: use trace, debug, info, warn, error or disabled", l.level)
	}
	if l.format != "console" && l.format != "json" {
		return fmt.Errorf("--log-format %q is not a format: use console or json", l.format)
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	if l, ok := w.(*lockedWriter); ok {
		w = l.w
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress prints "items done, rate, errors" on stderr for long runs when
// stderr is a terminal (or --progress always), and nothing otherwise. On a
// terminal the line rewrites itself; elsewhere each update is a line.
type progress struct {
	w        io.Writer
	terminal bool
	start    time.Time
	total    int
	count    func() (done, failed int64)
	stop     chan struct{}
	once     sync.Once
	wg       sync.WaitGroup
}

// progressLine starts the progress line of a run of total items (-1 when
// unknown); count, when not nil, reports the items done so far and is
// polled twice a second.
func (x *execution) progressLine(total int, count func() (done, failed int64)) *progress {
	terminal := x.terminal
	p := &progress{w: x.stderr, terminal: terminal, start: time.Now(), total: total, count: count}
	show := x.flags.progress == "always" || (x.flags.progress == "auto" && terminal)
	if !show {
		return p
	}
	p.stop = make(chan struct{})
	if count == nil {
		return p
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				done, failed := count()
				p.print(int(done), int(failed), false)
			}
		}
	}()
	return p
}

func (p *progress) print(done, failed int, final bool) {
	elapsed := time.Since(p.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(done) / elapsed
	}
	of := ""
	if p.total > 0 && !final {
		of = fmt.Sprintf("/%d", p.total)
	}
	start, end := "", "\n"
	if p.terminal {
		start = "\r"
		if !final {
			end = ""
		}
	}
	fmt.Fprintf(p.w, "%s%d%s items, %.0f items/s, %d errors%s", start, done, of, rate, failed, end)
}

// finish stops the ticker and prints the final line if one was shown.
func (p *progress) finish(done, failed int) {
	if p.stop == nil {
		return
	}
	p.once.Do(func() {
		close(p.stop)
		p.wg.Wait()
		p.print(done, failed, true)
	})
}
