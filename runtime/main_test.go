package runtime_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves a goroutine behind: every
// run must finish its workers, dispatcher and requests before it returns.
// Tests close their engines' idle keep-alive connections in cleanup (see
// newEngine), so pooled connections do not count as leaks.
//
// regexp2's clock goroutines are not leaks: runtime/expr keeps v1's timeout
// clock running for the life of the process, so that a match limit is never
// hit early; v2's, started by resource locator regexes, ends by itself
// shortly after the last such match.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/dlclark/regexp2.runClock"),
		goleak.IgnoreAnyFunction("github.com/dlclark/regexp2/v2.runClock"))
}
