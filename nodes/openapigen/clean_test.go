package openapigen

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/schema"
)

// TestSelectorDefaultsAndPathNames: with both switches, noderun's
// validator finds nothing to warn about in the synthetic document's
// description; without them it finds the selectors' "" defaults and the
// path read of "user.id".
func TestSelectorDefaultsAndPathNames(t *testing.T) {
	spec := readFile(t, "testdata/synthetic.openapi.json")
	var v schema.Validator
	opts := Options{Node: syntheticNode}.Improved()
	d, err := Generate(spec, opts)
	require.NoError(t, err)
	raw, err := Marshal(d)
	require.NoError(t, err)
	_, before := v.ValidateDescription(raw)
	require.NotEmpty(t, before.Warnings())

	opts.SelectorDefaults, opts.PathNames = true, true
	d, err = Generate(spec, opts)
	require.NoError(t, err)
	raw, err = Marshal(d)
	require.NoError(t, err)
	_, after := v.ValidateDescription(raw)
	assert.Empty(t, after, "%v", after)
	assert.Contains(t, string(raw), `"url": "=/users/{{$parameter[\"user-id\"]}}"`)
	assert.Equal(t, d.Properties[0].Choices[0].Value, d.Properties[0].Default, "the resource selector defaults to its first choice")
}
