package openapigen

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/schema"
)

// TestOutputPassesSchemaValidation runs noderun's own description checks
// over what the generator writes: the committed Chatwoot files and both
// mappings of the synthetic document.
func TestOutputPassesSchemaValidation(t *testing.T) {
	spec := readFile(t, "testdata/synthetic.openapi.json")
	var v schema.Validator
	for name, opts := range map[string]Options{
		"n8n":     {Node: syntheticNode},
		"noderun": Options{Node: syntheticNode}.Improved(),
	} {
		t.Run("synthetic "+name, func(t *testing.T) {
			d, err := Generate(spec, opts)
			require.NoError(t, err)
			raw, err := Marshal(d)
			require.NoError(t, err)
			_, ds := v.ValidateDescription(raw)
			assert.False(t, ds.HasErrors(), "%v", ds)
			for _, w := range ds {
				t.Log(w)
			}
		})
	}
	t.Run("chatwoot", func(t *testing.T) {
		_, ds := v.ValidateDescription(readFile(t, chatwootNodeFile))
		assert.False(t, ds.HasErrors(), "%v", ds)
		// The only findings are n8n's own: the 30 selectors (Resource and
		// 29 Operation) default to "", which is none of their choices.
		assert.Len(t, ds, 30)
		for _, d := range ds {
			var i int
			_, err := fmt.Sscanf(d.Pointer, "/properties/%d/default", &i)
			assert.True(t, err == nil && i < 30, "unexpected finding %v", d)
		}
		_, ds = v.ValidateCredentialType(readFile(t, chatwootCredFile))
		assert.Empty(t, ds)
	})
}
