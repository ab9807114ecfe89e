package runtime_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves a goroutine behind: every
// run must finish its workers, dispatcher and requests before it returns.
// Tests close their engines' idle keep-alive connections in cleanup (see
// newEngine), so pooled connections do not count as leaks.
// regexp2's timeout clock (runtime/expr keeps it running for the life of
// the process, so that a match limit is never hit early) is not a leak.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/dlclark/regexp2.runClock"))
}
