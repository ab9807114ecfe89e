package runtime_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/runtime"
)

// An options value that matches no choice stops the run only where the
// choice decides the request (a selector, or choices with routing); any
// other options value is data, sent as it is, as n8n sends it — services
// accept values their specs leave out (Chatwoot's status "snoozed").
func TestUnknownOptionValues(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, func(w http.ResponseWriter, _ *http.Request, _ captured) {
		writeJSON(w, 200, map[string]any{"ok": true})
	})
	nt := description(t, rec.URL, `{"baseURL":"@URL@"}`, `[
	  {"displayName":"Operation","name":"operation","type":"options","noDataExpression":true,"default":"toggle",
	   "options":[{"name":"Toggle","value":"toggle","routing":{"request":{"method":"POST","url":"/toggle"}}}]},
	  {"displayName":"Status","name":"status","type":"options","default":"open",
	   "options":[{"name":"Open","value":"open"},{"name":"Resolved","value":"resolved"}],
	   "routing":{"send":{"type":"body","property":"status"}}}
	]`)
	engine, _ := newEngine(t)

	res := mustSucceed(t, engine, runtime.Run{Node: nt, Parameters: map[string]any{"operation": "toggle", "status": "snoozed"}})
	require.Len(t, res.Items, 1)
	require.Equal(t, map[string]any{"status": "snoozed"}, rec.only(t).JSON(t), "a data option is sent as it is")

	_, err := engine.Execute(context.Background(), runtime.Run{Node: nt, Parameters: map[string]any{"operation": "toggel"}})
	var issues *runtime.IssuesError
	require.True(t, errors.As(err, &issues), "a selector value that matches nothing stops the run: %v", err)
	require.Equal(t, []string{`Parameter "Operation" has no option "toggel". Did you mean "toggle"?`}, issues.Issues)
}
