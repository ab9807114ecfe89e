package node

import (
	"os"
	"testing"
)

// BenchmarkDecodeChatwoot decodes the shipped 548-property Chatwoot
// description, what every start of `noderun exec` does.
//
//	go test ./node -run '^$' -bench DecodeChatwoot -benchmem
func BenchmarkDecodeChatwoot(b *testing.B) {
	raw, err := os.ReadFile("../nodes/chatwoot/chatwoot.node.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if d, err := DecodeDescription(raw); err != nil || len(d.Properties) != 548 {
			b.Fatal(err)
		}
	}
}
