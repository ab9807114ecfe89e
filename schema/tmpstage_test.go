package schema

import (
	"os"
	"testing"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/node/jsontree"
)

func BenchmarkTmpStages(b *testing.B) {
	raw, _ := os.ReadFile(chatwootFixture)
	var v Validator
	v.init()
	var p jsontree.Parser
	b.Run("a-parse", func(b *testing.B) {
		for b.Loop() {
			p.Parse(raw)
		}
	})
	b.Run("b-parse-shape", func(b *testing.B) {
		for b.Loop() {
			doc, _ := p.Parse(raw)
			v.compiled.descriptionConforms(doc)
		}
	})
	b.Run("c-parse-shape-decode", func(b *testing.B) {
		for b.Loop() {
			doc, _ := p.Parse(raw)
			v.compiled.descriptionConforms(doc)
			node.DecodeDescriptionValue(doc)
		}
	})
	b.Run("d-full", func(b *testing.B) {
		for b.Loop() {
			v.ValidateDescription(raw)
		}
	})
}
