//go:build race

package runtime_test

// raceEnabled scales the large runs down under the race detector, which
// makes every request several times slower.
const raceEnabled = true
