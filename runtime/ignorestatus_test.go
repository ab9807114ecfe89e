package runtime_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// TestIgnoreHTTPStatusErrorsForms: true ignores every status; n8n's
// {ignore, except} form (Microsoft Entra, SharePoint) still fails on the
// listed statuses and ignores the rest.
func TestIgnoreHTTPStatusErrorsForms(t *testing.T) {
	t.Parallel()
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, c captured) {
		status, _ := strconv.Atoi(r.URL.Query().Get("status"))
		writeJSON(w, status, map[string]any{"status": status})
	})
	for _, tc := range []struct {
		name, rule string
		status     int
		fails      bool
	}{
		{"true ignores a 404", `true`, 404, false},
		{"true ignores a 401", `true`, 401, false},
		{"except fails on a listed 401", `{"ignore": true, "except": [401]}`, 401, true},
		{"except ignores an unlisted 404", `{"ignore": true, "except": [401]}`, 404, false},
		{"except passes a 200", `{"ignore": true, "except": [401]}`, 200, false},
		{"absent: a 404 fails", `false`, 404, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			nt := description(t, srv.URL, `{"baseURL":"@URL@","url":"/s","qs":{"status":"={{ $json.status }}"},"ignoreHttpStatusErrors":`+tc.rule+`}`, `[]`)
			e, _ := newEngine(t)
			res, err := e.Execute(t.Context(), runtime.Run{Node: nt, Items: []node.Item{{JSON: map[string]any{"status": tc.status}}},
				Settings: node.Settings{OnError: node.OnErrorContinueRegularOutput}})
			require.NoError(t, err)
			require.Len(t, res.Items, 1)
			if tc.fails {
				require.NotNil(t, res.Items[0].Error, "status %d", tc.status)
				return
			}
			assert.Nil(t, res.Items[0].Error)
			assert.Equal(t, map[string]any{"status": float64(tc.status)}, res.Items[0].JSON)
		})
	}
}
