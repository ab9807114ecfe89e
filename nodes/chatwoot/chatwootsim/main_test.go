package chatwootsim

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"testing"

	"go.uber.org/goleak"
)

// TestMain runs the tests, then (on a full, passing run with the spec present) checks that every
// known spec error of the contract table was observed at least once: an entry nothing triggers
// is stale and must be removed.
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
	if code == 0 && flag.Lookup("test.run").Value.String() == "" {
		if ck := maybeChecker(); ck != nil {
			hits := ck.KnownHits()
			var stale []string
			for _, k := range knownIDs() {
				if hits[k] == 0 {
					stale = append(stale, k)
				}
			}
			sort.Strings(stale)
			if len(stale) > 0 {
				fmt.Fprintln(os.Stderr, "known spec errors never observed (stale table entries):", stale)
				code = 1
			}
		}
	}
	os.Exit(code)
}
