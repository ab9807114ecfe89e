package openapigen

import (
	"os"
	"testing"
)

func BenchmarkGenerateChatwoot(b *testing.B) {
	spec, err := readSpecForBench()
	if err != nil {
		b.Skipf("%s: %v", chatwootSpec, err)
	}
	opts := Options{Node: chatwootNode}.Improved()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(spec, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func readSpecForBench() ([]byte, error) { return os.ReadFile(chatwootSpec) }
