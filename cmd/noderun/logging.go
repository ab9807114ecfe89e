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

// setup builds a zerolog logger writing to w (already redacting).
func (l *logFlags) setup(w io.Writer) logSetup {
	level, err := zerolog.ParseLevel(strings.ToLower(l.level))
	if err != nil || l.level == "" {
		level = zerolog.WarnLevel
	}
	var out io.Writer = w
	if l.format != "json" {
		out = zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly, NoColor: !isTerminal(w)}
	}
	return logSetup{logger: zerolog.New(out).Level(level).With().Timestamp().Logger()}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress prints "items done, rate, errors" on stderr for long runs when
// stderr is a terminal (or --progress always), and nothing otherwise.
type progress struct {
	w     io.Writer
	start time.Time
	total int
	count func() (done, failed int64)
	stop  chan struct{}
	once  sync.Once
	wg    sync.WaitGroup
}

func (x *execution) progressLine(total int) *progress {
	p := &progress{w: x.stderr, start: time.Now(), total: total}
	show := x.flags.progress == "always" || (x.flags.progress == "auto" && isTerminal(x.stderr))
	if !show {
		return p
	}
	p.stop = make(chan struct{})
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
				if p.count != nil {
					done, failed := p.count()
					p.print(int(done), int(failed), false)
				}
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
	if p.total > 0 {
		of = fmt.Sprintf("/%d", p.total)
	}
	end := "\r"
	if final {
		end = "\n"
	}
	fmt.Fprintf(p.w, "\r%d%s items, %.0f items/s, %d errors%s", done, of, rate, failed, end)
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
