package contract

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"/", "", true},
		{"/", "/id", false},
		{"/id", "/id", true},
		{"/payload/*/id", "/payload/3/id", true},
		{"/payload/*/id", "/payload/3/x/id", false},
		{"**/timestamp|created_at", "/data/payload/0/created_at", true},
		{"**/timestamp|created_at", "/timestamp", true},
		{"**/timestamp", "/timestamps", false},
		{"/api/v1/accounts/*/contacts/*", "/api/v1/accounts/1/contacts/2", true},
		{"/**", "/anything/at/all", true},
		{"/a/**/z", "/a/z", true},
		{"/a/**/z", "/a/b/c/z", true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, globMatch(tt.pattern, tt.path), "%s ~ %s", tt.pattern, tt.path)
	}
}

func TestKnownSpecErrorMatches(t *testing.T) {
	k := KnownSpecError{ID: "x", Side: "response", Operation: "a|b", Status: "200", Kind: "schema", Field: "type", Pointer: "**/id"}
	base := Violation{Side: "response", Operation: "a", Status: 200, Kind: "schema", Field: "type", Pointer: "/payload/0/id"}
	assert.True(t, k.matches(base))
	for name, mutate := range map[string]func(*Violation){
		"side":      func(v *Violation) { v.Side = "request" },
		"operation": func(v *Violation) { v.Operation = "c" },
		"status":    func(v *Violation) { v.Status = 201 },
		"kind":      func(v *Violation) { v.Kind = "status" },
		"field":     func(v *Violation) { v.Field = "enum" },
		"pointer":   func(v *Violation) { v.Pointer = "/payload/0/name" },
	} {
		v := base
		mutate(&v)
		assert.False(t, k.matches(v), name)
	}
	route := KnownSpecError{Side: "request|response", Kind: "route", Method: "PATCH|PUT", Route: "/api/v1/accounts/*/portals/*"}
	assert.True(t, route.matches(Violation{Side: "request", Kind: "route", Method: "PUT", Path: "/api/v1/accounts/1/portals/help/"}))
	assert.False(t, route.matches(Violation{Side: "request", Kind: "route", Method: "POST", Path: "/api/v1/accounts/1/portals/help"}))
	load := KnownSpecError{Side: "response", Operation: "*", Kind: "load"}
	assert.False(t, load.matches(Violation{Side: "response", Kind: "load"}), "load entries never explain a violation")
}

func TestKnownSpecErrorsTable(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range KnownSpecErrors() {
		t.Run(k.ID, func(t *testing.T) {
			assert.False(t, seen[k.ID], "duplicate id")
			seen[k.ID] = true
			assert.NotEmpty(t, k.Reason)
			assert.True(t, strings.HasPrefix(k.Ref, "§"), "every entry cites the reference: %q", k.Ref)
			assert.Contains(t, []string{"request", "response", "request|response"}, k.Side)
			assert.Contains(t, []string{"load", "route", "status", "schema", "parameter", "body", "security", "content-type"}, k.Kind)
			if k.Kind == "route" {
				assert.NotEmpty(t, k.Route)
			} else {
				assert.NotEmpty(t, k.Operation)
			}
			if k.Kind == "status" {
				assert.NotEqual(t, "*", k.Status, "a status entry names its status")
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	_, err := Load([]byte("{"))
	assert.Error(t, err)
	_, err = NewChecker(filepath.Join(t.TempDir(), "missing.json"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

var (
	specOnce sync.Once
	spec     *Checker
	specErr  error
)

// checker loads the shared spec ($NODERUN_SHARED or ../shared from the repository root).
func checker(t *testing.T) *Checker {
	t.Helper()
	specOnce.Do(func() {
		dir := os.Getenv("NODERUN_SHARED")
		if dir == "" {
			dir = filepath.Join("..", "..", "..", "..", "..", "shared")
		}
		spec, specErr = NewChecker(filepath.Join(dir, "chatwoot", "openapi.json"))
	})
	if spec == nil {
		t.Skipf("spec not available: %v", specErr)
	}
	return spec
}

func newReq(t *testing.T, method, path, body string, token bool) *http.Request {
	t.Helper()
	r := httptest.NewRequest(method, "http://sim.test"+path, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if token {
		r.Header.Set("Api-Access-Token", "t")
	}
	return r
}

func TestCheckResponse(t *testing.T) {
	ck := checker(t)
	assert.Len(t, ck.Operations(), 115)
	r := newReq(t, "GET", "/api/v1/accounts/1/teams/1", "", true)
	h := http.Header{"Content-Type": {"application/json; charset=utf-8"}}

	assert.NoError(t, ck.CheckResponse(r, 200, h, []byte(`{"id":1,"name":"support","allow_auto_assign":true,"account_id":1,"is_member":false}`)))

	err := ck.CheckResponse(r, 200, h, []byte(`{"id":"one","name":"support"}`))
	var ce *Error
	require.True(t, errors.As(err, &ce), "err: %v", err)
	require.Len(t, ce.Violations, 1)
	v := ce.Violations[0]
	assert.Equal(t, "get-details-of-a-single-team", v.Operation)
	assert.Equal(t, "schema", v.Kind)
	assert.Equal(t, "/id", v.Pointer)
	assert.Equal(t, "type", v.Field)

	all := ck.ResponseViolations(r, 200, h, []byte(`{"id":1,"undocumented":null}`))
	require.Len(t, all, 0, "properties outside the schema are not checked")
	all = ck.ResponseViolations(r, 200, h, []byte(`{"id":1,"name":null}`))
	require.Len(t, all, 1)
	require.NotNil(t, all[0].Known, "null values are a known spec error")
	assert.Equal(t, "nullable", all[0].Known.ID)
	assert.Positive(t, ck.KnownHits()["nullable"])

	assert.NoError(t, ck.CheckResponse(newReq(t, "DELETE", "/api/v1/accounts/1/custom_filters/1", "", true), 204, http.Header{}, nil),
		"the real 204 is a known spec error")
	err = ck.CheckResponse(newReq(t, "GET", "/api/v1/accounts/1/nope", "", true), 200, h, []byte(`{}`))
	assert.Error(t, err, "an undocumented route")
}

func TestCheckRequest(t *testing.T) {
	ck := checker(t)
	assert.NoError(t, ck.CheckRequest(newReq(t, "POST", "/api/v1/accounts/1/teams", `{"name":"x","allow_auto_assign":true}`, true),
		[]byte(`{"name":"x","allow_auto_assign":true}`)))

	err := ck.CheckRequest(newReq(t, "POST", "/api/v1/accounts/1/teams", `{"name":"x"}`, false), []byte(`{"name":"x"}`))
	var ce *Error
	require.True(t, errors.As(err, &ce), "err: %v", err)
	assert.Equal(t, "security", ce.Violations[0].Kind)

	err = ck.CheckRequest(newReq(t, "POST", "/api/v1/accounts/1/teams", `{"name":5}`, true), []byte(`{"name":5}`))
	require.True(t, errors.As(err, &ce))
	assert.Equal(t, "/name", ce.Violations[0].Pointer)

	slug := newReq(t, "POST", "/api/v1/accounts/1/portals/help/categories", `{"name":"x","slug":"x"}`, true)
	assert.NoError(t, ck.CheckRequest(slug, []byte(`{"name":"x","slug":"x"}`)), "portal slugs are a known spec error")

	encoded := newReq(t, "POST", "/public/api/v1/inboxes/abc/contacts/jane%20doe%2F2/conversations", `{}`, false)
	assert.NoError(t, ck.CheckRequest(encoded, []byte(`{}`)), "an escaped slash stays inside its path parameter")

	agent := newReq(t, "GET", "/api/v2/accounts/1/reports/conversations/?type=agent", "", true)
	assert.NoError(t, ck.CheckRequest(agent, nil))
	account := newReq(t, "GET", "/api/v2/accounts/1/reports/conversations?type=account", "", true)
	assert.NoError(t, ck.CheckRequest(account, nil))
	bad := newReq(t, "GET", "/api/v2/accounts/1/reports/conversations?type=nope", "", true)
	assert.Error(t, ck.CheckRequest(bad, nil))
}

func TestMiddlewareAndTransport(t *testing.T) {
	ck := checker(t)
	backend := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		if strings.HasSuffix(r.URL.Path, "/teams/2") {
			_, _ = w.Write([]byte(`{"id":"two"}`))
			return
		}
		_, _ = w.Write([]byte(`{"id":1,"name":"support"}`))
	})

	t.Run("middleware", func(t *testing.T) {
		rec := &Recorder{}
		srv := httptest.NewServer(ck.Middleware(backend, rec))
		defer srv.Close()
		for _, p := range []string{"/api/v1/accounts/1/teams/1", "/api/v1/accounts/1/teams/2"} {
			r, _ := http.NewRequest("GET", srv.URL+p, nil)
			r.Header.Set("api_access_token", "t")
			resp, err := srv.Client().Do(r)
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.NotEmpty(t, body, "the client still gets the body")
		}
		assert.NoError(t, rec.Err("request"))
		require.Error(t, rec.Err("response"))
		assert.Len(t, rec.Unexplained("response"), 1)
		rec.Reset()
		assert.Empty(t, rec.All())
	})

	t.Run("transport", func(t *testing.T) {
		srv := httptest.NewServer(backend)
		defer srv.Close()
		rec := &Recorder{}
		client := &http.Client{Transport: ck.Transport(srv.Client().Transport, rec)}
		body := `{"name":"ops"}`
		r, _ := http.NewRequest("POST", srv.URL+"/api/v1/accounts/1/teams", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(r)
		require.NoError(t, err)
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.JSONEq(t, `{"id":1,"name":"support"}`, string(got))
		vs := rec.Unexplained("request")
		require.Len(t, vs, 1, "no api_access_token header")
		assert.Equal(t, "security", vs[0].Kind)
		assert.NoError(t, rec.Err("response"))
	})
}
