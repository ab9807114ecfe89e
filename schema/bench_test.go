package schema

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/node/jsontree"
)

const chatwootFixture = "../testdata/descriptors/valid/n8n-chatwoot-1.0.2.node.json"

// BenchmarkLoadValidateChatwoot loads and validates the real 549-property
// Chatwoot description with a Validator that is already warm, as a service
// validating descriptors would.
//
//	go test ./schema -run '^$' -bench LoadValidateChatwoot -benchmem
func BenchmarkLoadValidateChatwoot(b *testing.B) {
	raw, err := os.ReadFile(chatwootFixture)
	if err != nil {
		b.Fatal(err)
	}
	var v Validator
	if _, ds := v.ValidateDescription(raw); ds.HasErrors() {
		b.Fatal(ds)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if d, ds := v.ValidateDescription(raw); ds.HasErrors() || len(d.Properties) != 549 {
			b.Fatal(ds)
		}
	}
}

// BenchmarkLoadValidateChatwootCompact is BenchmarkLoadValidateChatwoot on
// the same description without white space (169,850 instead of 297,691
// bytes), as a descriptor embedded in a binary can be stored.
func BenchmarkLoadValidateChatwootCompact(b *testing.B) {
	raw, err := os.ReadFile(chatwootFixture)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		b.Fatal(err)
	}
	raw = buf.Bytes()
	var v Validator
	if _, ds := v.ValidateDescription(raw); ds.HasErrors() {
		b.Fatal(ds)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if d, ds := v.ValidateDescription(raw); ds.HasErrors() || len(d.Properties) != 549 {
			b.Fatal(ds)
		}
	}
}

// BenchmarkChatwootStages times each step of ValidateDescription alone, to
// show where BenchmarkLoadValidateChatwoot spends its time: the f steps
// and the meaning checks are the way of a well-formed description, the
// others the way of one the quick check is not sure of.
//
//	go test ./schema -run '^$' -bench ChatwootStages -benchmem
func BenchmarkChatwootStages(b *testing.B) {
	raw, err := os.ReadFile(chatwootFixture)
	if err != nil {
		b.Fatal(err)
	}
	var v Validator
	v.init()
	if v.err != nil {
		b.Fatal(v.err)
	}
	tree, _ := parseTree(raw)
	var desc node.Description
	if err := json.Unmarshal(raw, &desc); err != nil {
		b.Fatal(err)
	}
	// The floor: only scanning the bytes, with no values built.
	b.Run("0-json-valid", func(b *testing.B) {
		for b.Loop() {
			if !json.Valid(raw) {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("1-parse-tree", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			parseTree(raw)
		}
	})
	b.Run("2-json-schema", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if ds := v.compiled.validateTree(v.compiled.description, tree); ds != nil {
				b.Fatal(ds)
			}
		}
	})
	b.Run("2b-key-case", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if ds := v.compiled.keyCases.check(tree, reflect.TypeFor[node.Description]()); ds != nil {
				b.Fatal(ds)
			}
		}
	})
	b.Run("3-node-decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var d node.Description
			if err := json.Unmarshal(raw, &d); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The fast path a well-formed description takes: one strict parse,
	// read by the quick shape check, then decoded from the same tree.
	var p jsontree.Parser
	b.Run("f1-strict-parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := p.Parse(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	doc, err := p.Parse(raw)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("f2-quick-shape", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !v.compiled.descriptionConforms(doc) {
				b.Fatal("does not conform")
			}
		}
	})
	b.Run("f3-decode-parsed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := node.DecodeDescriptionValue(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("4-meaning-checks", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			v.CheckDescription(&desc)
		}
	})
}
