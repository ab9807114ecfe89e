package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkExecJSONL measures `noderun exec --jsonl` end to end, in
// process: b.N items, one real request each to a trivial local server,
// through the petstore descriptor with one expression per item.
//
//	go test ./cmd/noderun -run '^$' -bench ExecJSONL -benchtime 20000x -count 5
func BenchmarkExecJSONL(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	b.Cleanup(srv.Close)
	b.Setenv("NODERUN_CREDENTIALS_PETSTOREAPI", mustJSON(b, map[string]any{"url": srv.URL, "apiKey": petstoreKey}))
	first := mustJSON(b, petstoreRequest(b, map[string]any{"resource": "pet", "operation": "get", "petId": "={{ $json.id }}"}, nil, nil))
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriterSize(pw, 1<<16)
		fmt.Fprintln(w, first)
		for i := 0; i < b.N; i++ {
			fmt.Fprintf(w, `{"json":{"id":%d}}`+"\n", i)
		}
		pw.CloseWithError(w.Flush())
	}()
	counter := &lineCounter{sampleEvery: 1 << 30}
	b.ReportAllocs()
	b.ResetTimer()
	code := run(context.Background(), []string{"exec", "--jsonl"}, pr, counter, io.Discard)
	b.StopTimer()
	pr.Close() // a run that stopped early must not leave the writer blocked
	if code != exitOK || counter.err != nil || counter.lines != b.N {
		b.Fatalf("status %d, %d lines of %d, %v", code, counter.lines, b.N, counter.err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
}
