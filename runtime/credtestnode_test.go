package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

const gadgetKey = "gk-SECRET-7"

// gadgetServer answers /v2/me: 200 with {"plan": ...} for the right key,
// 403 for a key "banned", 401 otherwise. It records "METHOD path key".
func gadgetServer(t *testing.T) (*httptest.Server, func() []string) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("X-Gadget-Key")
		mu.Lock()
		seen = append(seen, strings.TrimSpace(r.Method+" "+r.URL.RequestURI()+" "+key))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/v2/me" && key == gadgetKey:
			fmt.Fprintf(w, `{"plan": %q}`, r.URL.Query().Get("plan"))
		case key == "banned":
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"message": "banned"}`)
		default:
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message": "no"}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		s := seen
		seen = nil
		return s
	}
}

// gadgetNode is a node whose credential type has no test request; the
// node's reference to it carries testedBy. The base URL is the node's
// requestDefaults, from the credential.
func gadgetNode(t *testing.T, testedBy string, parents ...string) *runtime.NodeType {
	t.Helper()
	cred := `{"name":"gadgetApi","displayName":"Gadget","properties":[
	  {"displayName":"URL","name":"url","type":"string","default":""},
	  {"displayName":"Key","name":"apiKey","type":"string","typeOptions":{"password":true},"default":""}],
	 "authenticate":{"type":"generic","properties":{"headers":{"X-Gadget-Key":"={{$credentials.apiKey}}"}}}}`
	if len(parents) > 0 {
		cred = strings.Replace(cred, `"displayName":"Gadget",`, `"displayName":"Gadget","extends":["oAuth2Api"],`, 1)
	}
	return nodeTypeJSON(t, "", `{"displayName":"Gadget","name":"gadget","version":[1,2],
	  "credentials":[{"name":"gadgetApi","required":true,"testedBy":`+testedBy+`}],
	  "requestDefaults":{"baseURL":"={{$credentials.url}}/v2","headers":{"Accept":"application/json"}},
	  "properties":[{"displayName":"P","name":"p","type":"string","default":"","routing":{"request":{"url":"/things"}}}]}`,
		append([]string{cred}, parents...)...)
}

// TestCredentialTestedBy: a credential type without a test request is
// tested by its node's testedBy, as n8n's CredentialsTester does: a test
// request sent as the node's (its requestDefaults apply) and judged by its
// rules, or a function of the node's methods.credentialTest; an OAuth2
// type's "connected" test wins over either.
func TestCredentialTestedBy(t *testing.T) {
	t.Parallel()
	const rules = `"rules":[{"type":"responseCode","properties":{"value":403,"message":"This key is banned"}},
	  {"type":"responseSuccessBody","properties":{"key":"plan","value":"free","message":"A free plan cannot use the API"}}]`
	tests := []struct {
		name     string
		testedBy string
		key      string
		want     credentials.TestResult
		seen     []string
	}{
		{"a test request with the node's base URL", `{"request":{"url":"/me"}}`, gadgetKey,
			credentials.TestResult{OK: true, Message: "Connection successful!"}, []string{"GET /v2/me " + gadgetKey}},
		{"refused: the status text", `{"request":{"url":"/me"}}`, "wrong",
			credentials.TestResult{Message: "Unauthorized"}, []string{"GET /v2/me wrong", "GET /v2/me wrong"}}, // a 401 resends once
		{"a responseCode rule", `{"request":{"url":"/me"},` + rules + `}`, "banned",
			credentials.TestResult{Message: "This key is banned"}, []string{"GET /v2/me banned"}},
		{"a responseSuccessBody rule", `{"request":{"url":"/me","qs":{"plan":"free"}},` + rules + `}`, gadgetKey,
			credentials.TestResult{Message: "A free plan cannot use the API"}, []string{"GET /v2/me?plan=free " + gadgetKey}},
		{"the rules pass", `{"request":{"url":"/me","qs":{"plan":"pro"}},` + rules + `}`, gadgetKey,
			credentials.TestResult{OK: true, Message: "Connection successful!"}, []string{"GET /v2/me?plan=pro " + gadgetKey}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, seen := gadgetServer(t)
			nt := gadgetNode(t, tt.testedBy)
			e, _ := newEngine(t)
			got, err := e.TestCredential(context.Background(), nt, "gadgetApi", staticCreds("gadgetApi", map[string]any{"url": srv.URL, "apiKey": tt.key}))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.seen, seen())
		})
	}

	// ping is a test function as n8n's nodes write them: a request of its
	// own, and the outcome as {status, message}.
	ping := func(ctx context.Context, typeName string, data map[string]any, h node.CredentialHelpers) (credentials.TestResult, error) {
		_, err := h.HTTPRequest(ctx, map[string]any{"url": fmt.Sprint(data["url"]) + "/v2/me",
			"headers": map[string]any{"X-Gadget-Key": data["apiKey"]}})
		if err != nil {
			return credentials.TestResult{Message: "key " + fmt.Sprint(data["apiKey"]) + " refused: " + err.Error()}, nil
		}
		return credentials.TestResult{OK: true, Message: "Authenticated as " + typeName}, nil
	}
	fnTests := []struct {
		name    string
		fn      runtime.CredentialTestFunc
		key     string
		want    credentials.TestResult
		wantErr string
		seen    []string
	}{
		{"a test function", ping, gadgetKey,
			credentials.TestResult{OK: true, Message: "Authenticated as gadgetApi"}, "", []string{"GET /v2/me " + gadgetKey}},
		{"a test function reports a failure, the key masked", ping, "wrong-SECRET-1",
			credentials.TestResult{Message: "key **hidden** refused: Request failed with status code 401: no (401)"}, "", []string{"GET /v2/me wrong-SECRET-1"}},
		{"a function that fails: its message", func(context.Context, string, map[string]any, node.CredentialHelpers) (credentials.TestResult, error) {
			return credentials.TestResult{}, errors.New("boom with " + gadgetKey)
		}, gadgetKey, credentials.TestResult{Message: "boom with **hidden**"}, "", nil},
		{"a function the node does not have", nil, gadgetKey, credentials.TestResult{},
			`node gadget: credential type "gadgetApi" is tested by the function "ping" (testedBy), which the node does not have in methods.credentialTest`, nil},
	}
	for _, tt := range fnTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, seen := gadgetServer(t)
			nt := gadgetNode(t, `"ping"`)
			if tt.fn != nil {
				nt.CredentialTests = map[string]runtime.CredentialTestFunc{"ping": tt.fn}
			}
			e, _ := newEngine(t)
			got, err := e.TestCredential(context.Background(), nt, "gadgetApi", staticCreds("gadgetApi", map[string]any{"url": srv.URL, "apiKey": tt.key}))
			if tt.wantErr != "" {
				require.EqualError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.seen, seen())
		})
	}

	t.Run("an OAuth2 type's connected test wins over testedBy", func(t *testing.T) {
		t.Parallel()
		srv, seen := gadgetServer(t)
		nt := gadgetNode(t, `{"request":{"url":"/me"}}`, `{"name":"oAuth2Api","displayName":"OAuth2 API","properties":[
		  {"displayName":"Grant Type","name":"grantType","type":"hidden","default":"authorizationCode"}]}`)
		e, _ := newEngine(t)
		got, err := e.TestCredential(context.Background(), nt, "gadgetApi", staticCreds("gadgetApi",
			map[string]any{"url": srv.URL, "apiKey": gadgetKey, "oauthTokenData": map[string]any{"access_token": "at"}}))
		require.NoError(t, err)
		assert.Equal(t, credentials.TestResult{OK: true, Message: "Connection Successful!"}, got)
		assert.Empty(t, seen())
	})

	t.Run("a credential type's own test wins over testedBy", func(t *testing.T) {
		t.Parallel()
		srv, seen := gadgetServer(t)
		nt := gadgetNode(t, `{"request":{"url":"/me"}}`)
		nt.CredentialTypes["gadgetApi"].Test = &node.CredentialTest{Request: node.Request{BaseURL: "={{$credentials.url}}", URL: "/v2/me?plan=own"}}
		e, _ := newEngine(t)
		_, err := e.TestCredential(context.Background(), nt, "gadgetApi", staticCreds("gadgetApi", map[string]any{"url": srv.URL, "apiKey": gadgetKey}))
		require.NoError(t, err)
		assert.Equal(t, []string{"GET /v2/me?plan=own " + gadgetKey}, seen())
	})

	// n8n checks !!testedBy: a falsy one names no test.
	for _, testedBy := range []string{`""`, `false`, `0`, `null`} {
		t.Run("testedBy "+testedBy+" names no test", func(t *testing.T) {
			t.Parallel()
			nt := gadgetNode(t, testedBy)
			nt.CredentialTests = map[string]runtime.CredentialTestFunc{"": func(context.Context, string, map[string]any, node.CredentialHelpers) (credentials.TestResult, error) {
				return credentials.TestResult{OK: true}, nil
			}}
			e, _ := newEngine(t)
			_, err := e.TestCredential(context.Background(), nt, "gadgetApi", staticCreds("gadgetApi", map[string]any{"url": "http://127.0.0.1:1"}))
			require.EqualError(t, err, `credential type "gadgetApi" defines no test request, and node gadget has no test for it (testedBy), so it cannot be tested`)
		})
	}

	t.Run("a testedBy object without a request", func(t *testing.T) {
		t.Parallel()
		nt := gadgetNode(t, `{"rules":[]}`)
		e, _ := newEngine(t)
		_, err := e.TestCredential(context.Background(), nt, "gadgetApi", staticCreds("gadgetApi", map[string]any{"url": "http://127.0.0.1:1"}))
		require.EqualError(t, err, `node gadget: credentials "gadgetApi": testedBy has no request`)
	})
}

// TestRefusedRequestBody: the error of a refused helper request keeps any
// body in a credential test function, whose legacy helpers.request quotes
// it ("<status> - <body>"); elsewhere only an object body, as before. The
// credential's secret in it is masked either way.
func TestRefusedRequestBody(t *testing.T) {
	t.Parallel()
	const secret = "pw-SECRET-99"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/json" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"message": "no %s"}`, secret)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, "no %s", secret)
	}))
	t.Cleanup(srv.Close)
	tests := []struct {
		name     string
		credTest bool
		path     string
		want     any
	}{
		{"credential test function, a text body", true, "/text", "no " + credentials.Mask},
		{"credential test function, an object body", true, "/json", map[string]any{"message": "no " + credentials.Mask}},
		{"preAuthentication, a text body: none", false, "/text", nil},
		{"preAuthentication, an object body", false, "/json", map[string]any{"message": "no " + credentials.Mask}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var reqErr error
			request := func(ctx context.Context, h node.CredentialHelpers) error {
				opts := map[string]any{"url": srv.URL + tt.path}
				if tt.path == "/text" {
					opts["encoding"] = "text"
				}
				_, reqErr = h.HTTPRequest(ctx, opts)
				return reqErr
			}
			e, _ := newEngine(t)
			if tt.credTest {
				nt := gadgetNode(t, `"ping"`)
				nt.CredentialTests = map[string]runtime.CredentialTestFunc{"ping": func(ctx context.Context, _ string, _ map[string]any, h node.CredentialHelpers) (credentials.TestResult, error) {
					return credentials.TestResult{}, request(ctx, h)
				}}
				_, err := e.TestCredential(context.Background(), nt, "gadgetApi", staticCreds("gadgetApi", map[string]any{"url": srv.URL, "apiKey": secret}))
				require.NoError(t, err)
			} else {
				nt := metabaseLike(t, srv.URL, func(ctx context.Context, _ map[string]any, h node.CredentialHelpers) (map[string]any, error) {
					return nil, request(ctx, h)
				})
				_, _ = e.Execute(context.Background(), runtime.Run{Node: nt, Credentials: staticCreds("metabaseLikeApi", map[string]any{"url": srv.URL, "password": secret})})
			}
			var ne *runtime.NodeError
			require.ErrorAs(t, reqErr, &ne)
			assert.Equal(t, "401", ne.HTTPCode)
			if tt.want == nil {
				assert.Nil(t, ne.Body)
			} else {
				assert.Equal(t, tt.want, ne.Body)
			}
		})
	}
}
