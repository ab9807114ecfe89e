package chatwoot_test

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails a passing run that leaves goroutines behind: every
// engine, simulator and connection a test starts must end with it.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		// regexp2's timeout clock (runtime/expr keeps it running for the
		// life of the process, so that a match limit is never hit early)
		// is not a leak.
		if err := goleak.Find(goleak.IgnoreAnyFunction("github.com/dlclark/regexp2.runClock")); err != nil {
			fmt.Fprintln(os.Stderr, "goroutine leak:", err)
			code = 1
		}
	}
	os.Exit(code)
}
