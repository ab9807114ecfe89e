package openapigen

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStartCaseMatchesLodash replays _.startCase results recorded from
// lodash itself, so the port cannot drift from the display names n8n shows.
func TestStartCaseMatchesLodash(t *testing.T) {
	raw, err := os.ReadFile("testdata/startcase.lodash-4.18.1.json")
	require.NoError(t, err)
	doc, err := decodeJS(raw)
	require.NoError(t, err)
	cases, ok := doc.(*object).get("cases").([]any)
	require.True(t, ok, "cases must be an array")
	require.NotEmpty(t, cases)
	for _, c := range cases {
		pair := c.([]any)
		in, want := pair[0], pair[1].(string)
		assert.Equal(t, want, startCase(in), "startCase(%s)", jsString(in))
	}
}
