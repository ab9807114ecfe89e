package node_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
)

// n8n's object forms of iconUrl and ignoreHttpStatusErrors decode, and
// encode back as n8n writes them.
func TestN8nObjectForms(t *testing.T) {
	tests := []struct {
		name, in string
		ignore   bool
		except   []int
	}{
		{"object forms", `{"name":"x","iconUrl":{"light":"a.svg","dark":"b.svg"},"properties":[],
			"requestDefaults":{"ignoreHttpStatusErrors":{"ignore":true,"except":[401,403]}}}`, true, []int{401, 403}},
		{"plain forms", `{"name":"x","iconUrl":"a.svg","properties":[],"requestDefaults":{"ignoreHttpStatusErrors":true}}`, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := node.DecodeDescription([]byte(tt.in))
			require.NoError(t, err)
			require.Equal(t, tt.ignore, d.RequestDefaults.IgnoreHTTPStatusErrors)
			require.Equal(t, tt.except, d.RequestDefaults.IgnoreHTTPStatusErrorsExcept)
			out, err := json.Marshal(d)
			require.NoError(t, err)
			var got, want map[string]any
			require.NoError(t, json.Unmarshal(out, &got))
			require.NoError(t, json.Unmarshal([]byte(tt.in), &want))
			require.Equal(t, want["iconUrl"], got["iconUrl"])
			require.Equal(t, want["requestDefaults"], got["requestDefaults"])
		})
	}
	_, err := node.DecodeDescription([]byte(`{"name":"x","properties":[],"requestDefaults":{"ignoreHttpStatusErrors":{"except":[4.5]}}}`))
	require.ErrorContains(t, err, "/requestDefaults/ignoreHttpStatusErrors/except/0: must be an HTTP status code")
}
