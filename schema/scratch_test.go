package schema

import (
	"fmt"
	"os"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/noderun/noderun/node"
)

func BenchmarkScratchPhases(b *testing.B) {
	raw, _ := os.ReadFile(chatwootFixture)
	var v Validator
	v.init()
	var p fastjson.Parser
	b.Run("parse", func(b *testing.B) {
		for b.Loop() {
			p.ParseBytes(raw)
		}
	})
	b.Run("parse+quick", func(b *testing.B) {
		for b.Loop() {
			doc, _ := p.ParseBytes(raw)
			v.compiled.quickDescription.conforms(doc)
		}
	})
	b.Run("parse+decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			doc, _ := p.ParseBytes(raw)
			node.DecodeDescriptionValue(doc)
		}
	})
	doc, _ := p.ParseBytes(raw)
	d, _ := node.DecodeDescriptionValue(doc)
	b.Run("check", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			v.CheckDescription(d)
		}
	})
	b.Run("all", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			v.ValidateDescription(raw)
		}
	})
}

func BenchmarkScratchHalves(b *testing.B) {
	raw, _ := os.ReadFile(chatwootFixture)
	var v Validator
	v.init()
	d, _ := node.DecodeDescription(raw)
	names := propertyNames(d.Properties)
	sc := scope{root: names, level: names}
	refs := references{params: names}
	n := len(d.Properties)
	for _, h := range [][2]int{{0, n / 2}, {n / 2, n}} {
		b.Run(fmt.Sprint(h), func(b *testing.B) {
			for b.Loop() {
				p := rootPath()
				pp := p.key("properties")
				rc := checker{rules: v.rules}
				for i := h[0]; i < h[1]; i++ {
					ip := pp.at(i)
					rc.property(&ip, &d.Properties[i], sc, refs)
				}
			}
		})
	}
	b.Run("selectors", func(b *testing.B) {
		for b.Loop() {
			p := rootPath()
			pp := p.key("properties")
			rc := checker{rules: v.rules}
			rc.operationSelectors(&pp, d.Properties)
		}
	})
}
