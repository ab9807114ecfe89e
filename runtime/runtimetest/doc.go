// Package runtimetest replays n8n oracle cases through the runtime: it
// reads the case and recording format of the peer harness, answers
// requests from a recording httptest server, and returns what noderun sent
// and output in the same shape, so tests compare the two directly.
package runtimetest
