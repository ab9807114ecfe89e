package runtime_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/runtime"
)

// basicAuth sends the credential's user and token as HTTP Basic.
const basicAuth = `{"auth":{"username":"={{$credentials.user}}","password":"={{$credentials.token}}"}}`

func TestBasicAuthorizationMasked(t *testing.T) {
	t.Parallel()
	header := "Basic " + base64.StdEncoding.EncodeToString([]byte("ann:"+secretToken))
	creds := staticCreds("testApi", map[string]any{"user": "ann", "token": secretToken})

	t.Run("dry run", func(t *testing.T) {
		t.Parallel()
		nt := credNode(t, "http://api.example", true, `{"baseURL":"@URL@"}`, `[]`, basicAuth)
		e, _ := newEngine(t)
		p, err := e.Prepare(context.Background(), runtime.Run{Node: nt, Credentials: creds})
		require.NoError(t, err)
		dry := p.DryRun(context.Background(), nil)
		require.Len(t, dry, 1)
		assert.Equal(t, "Basic "+credentials.Mask, dry[0].Headers["Authorization"])
		assert.NotContains(t, mustJSON(t, dry), header[len("Basic "):])
		assert.Equal(t, "Basic "+credentials.Mask, p.Redactor().String(header), "the exported Redactor masks the header")
	})
	t.Run("a server echoing the header in its error body", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
			writeJSON(w, 401, map[string]any{"message": "bad " + r.Header.Get("Authorization"),
				"raw": r.Header.Get("Authorization")[len("Basic "):]})
		})
		nt := credNode(t, srv.URL, true, `{"baseURL":"@URL@"}`, `[]`, basicAuth)
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt, Credentials: creds})
		require.NotNil(t, res.Err)
		assert.Equal(t, "bad Basic "+credentials.Mask, res.Err.Description)
		assert.NotContains(t, mustJSON(t, res.Err.Info()), header[len("Basic "):])
	})
}

func TestIssuesMaskCredentialSecrets(t *testing.T) {
	t.Parallel()
	// A token pasted as the value of an options parameter that decides the
	// request: the issue quotes the value.
	props := `[{"displayName":"Operation","name":"operation","type":"options","noDataExpression":true,"default":"get",
	  "options":[{"name":"Get","value":"get","routing":{"request":{"url":"/x"}}}]}]`
	nt := credNode(t, "http://api.example", true, `{"baseURL":"@URL@"}`, props, `{"headers":{"X-Token":"={{$credentials.token}}"}}`)
	e, _ := newEngine(t)
	_, err := e.Prepare(context.Background(), runtime.Run{Node: nt, Parameters: map[string]any{"operation": secretToken},
		Credentials: staticCreds("testApi", map[string]any{"token": secretToken})})
	var issues *runtime.IssuesError
	require.True(t, errors.As(err, &issues), "%v", err)
	assert.Contains(t, err.Error(), `has no option "`+credentials.Mask+`"`)
	assert.NotContains(t, err.Error(), secretToken)
	assert.NotContains(t, mustJSON(t, issues.Info()), secretToken)
	assert.Equal(t, []string{"operation"}, issues.Parameters)
}
