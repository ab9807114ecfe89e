package runtime_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/runtime"
)

// An options value that matches no choice stops the run. Where the
// choice decides the request (a selector, or choices with routing) it
// does so whatever the InputCheck, since n8n would send a GET to the base
// URL (R4). Any other options value is data: strictness refuses one not
// in the list, and an expression sends it as it is, as n8n sends any
// value (services accept values their specs leave out: Chatwoot's status
// "snoozed"), as does CheckNone.
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

	_, err := engine.Execute(context.Background(), runtime.Run{Node: nt, Parameters: map[string]any{"operation": "toggle", "status": "resolvd"}})
	var issues *runtime.IssuesError
	require.True(t, errors.As(err, &issues), "a data option not in the list is refused: %v", err)
	require.Equal(t, []string{`Parameter "status" (Status) has no option "resolvd". Did you mean "resolved"? ` +
		`To send a value the list lacks, write it as an expression: "=resolvd".`}, issues.Issues)
	require.Equal(t, []string{"status"}, issues.Parameters)

	for _, run := range []runtime.Run{
		{Node: nt, Parameters: map[string]any{"operation": "toggle", "status": "=snoozed"}},
		{Node: nt, Parameters: map[string]any{"operation": "toggle", "status": "snoozed"}, InputCheck: runtime.CheckNone},
	} {
		res := mustSucceed(t, engine, run)
		require.Len(t, res.Items, 1)
	}
	for _, c := range rec.requests() {
		require.Equal(t, map[string]any{"status": "snoozed"}, c.JSON(t), "a data option is sent as it is")
	}

	for _, check := range []runtime.InputCheck{runtime.CheckStrict, runtime.CheckNone} {
		_, err = engine.Execute(context.Background(), runtime.Run{Node: nt, Parameters: map[string]any{"operation": "toggel"}, InputCheck: check})
		require.True(t, errors.As(err, &issues), "a selector value that matches nothing stops the run: %v", err)
		require.Equal(t, []string{`Parameter "Operation" has no option "toggel". Did you mean "toggle"?`}, issues.Issues)
	}
}
