//go:build race

package main

// raceEnabled is true under the race detector, which makes every request
// several times slower: long tests scale down.
const raceEnabled = true
