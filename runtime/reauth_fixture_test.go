package runtime_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
	"github.com/noderun/noderun/runtime/runtimetest"
)

// Fixtures recorded from n8n 2.41 (../shared/peer/oracle-base.js, the
// npm and Metabase nodes of n8n-nodes-base) in testdata/reauth: a 401 is
// resent once for a plain token credential, and Metabase's
// preAuthentication obtains a session before the first request and again
// after a 401. They are replayed here through small descriptions written
// for the test with the same routes, credentials and authentication.

// npmLike has the npm node's Get Package Metadata route and its
// credential's Bearer header.
const npmLike = `{"displayName":"npm-like","name":"npmLike","version":1,
  "credentials":[{"name":"npmApi","required":true}],
  "requestDefaults":{"baseURL":"={{ $credentials.registryUrl }}"},
  "properties":[
    {"displayName":"Resource","name":"resource","type":"options","default":"package","options":[{"name":"Package","value":"package"}]},
    {"displayName":"Operation","name":"operation","type":"options","default":"getMetadata","options":[
      {"name":"Get Package Metadata","value":"getMetadata","routing":{"request":{"method":"GET","url":"=/{{ encodeURIComponent($parameter.packageName) }}/latest"}}}]},
    {"displayName":"Package Name","name":"packageName","type":"string","default":""}]}`

const npmAPICredential = `{"name":"npmApi","displayName":"npm","properties":[
  {"displayName":"Access Token","name":"accessToken","type":"string","typeOptions":{"password":true},"default":""},
  {"displayName":"Registry Url","name":"registryUrl","type":"string","default":"https://registry.npmjs.org"}],
 "authenticate":{"type":"generic","properties":{"headers":{"Authorization":"=Bearer {{$credentials.accessToken}}"}}}}`

// metabaseLikeNode has the Metabase node's Get Question route.
const metabaseLikeNode = `{"displayName":"Metabase-like","name":"metabaseLike","version":1,
  "credentials":[{"name":"metabaseApi","required":true}],
  "requestDefaults":{"baseURL":"={{$credentials.url.replace(new RegExp(\"/$\"), \"\")}}"},
  "properties":[
    {"displayName":"Resource","name":"resource","type":"options","default":"questions","options":[{"name":"Question","value":"questions"}]},
    {"displayName":"Operation","name":"operation","type":"options","default":"get","options":[
      {"name":"Get","value":"get","routing":{"request":{"method":"GET","url":"={{\"/api/card/\" + $parameter.questionId}}"}}}]},
    {"displayName":"Question ID","name":"questionId","type":"string","default":""}]}`

const metabaseAPICredential = `{"name":"metabaseApi","displayName":"Metabase","properties":[
  {"displayName":"Session Token","name":"sessionToken","type":"hidden","typeOptions":{"expirable":true},"default":""},
  {"displayName":"URL","name":"url","type":"string","default":""},
  {"displayName":"Username","name":"username","type":"string","default":""},
  {"displayName":"Password","name":"password","type":"string","typeOptions":{"password":true},"default":""}],
 "authenticate":{"type":"generic","properties":{"headers":{"X-Metabase-Session":"={{$credentials.sessionToken}}"}}}}`

// sessionPreAuth posts the credential's user and password to
// {url}/api/session and keeps the answer's id as the session token.
func sessionPreAuth(ctx context.Context, data map[string]any, h node.CredentialHelpers) (map[string]any, error) {
	url, _ := data["url"].(string)
	res, err := h.HTTPRequest(ctx, map[string]any{
		"method": "POST", "url": strings.TrimSuffix(url, "/") + "/api/session",
		"body": map[string]any{"username": data["username"], "password": data["password"]},
	})
	if err != nil {
		return nil, err
	}
	body, _ := res.(map[string]any)
	return map[string]any{"sessionToken": body["id"]}, nil
}

func replayReauth(t *testing.T, name string, nt *runtime.NodeType) (got, want *runtimetest.Recording) {
	t.Helper()
	return replayReauthAt(t, name, func(string) *runtime.NodeType { return nt })
}

// replayReauthAt replays a fixture with a node type made for the
// recording server's URL.
func replayReauthAt(t *testing.T, name string, nodeType func(url string) *runtime.NodeType) (got, want *runtimetest.Recording) {
	t.Helper()
	// The responses first; then the case again with the server's URL.
	c, err := runtimetest.ReadCase(filepath.Join("..", "testdata", "reauth", name+".json"), "")
	require.NoError(t, err)
	srv := runtimetest.NewServer(t, c.Responses)
	c, err = runtimetest.ReadCase(filepath.Join("..", "testdata", "reauth", name+".json"), srv.URL)
	require.NoError(t, err)
	want, err = runtimetest.ReadRecording(filepath.Join("..", "testdata", "reauth", name+".out.json"))
	require.NoError(t, err)
	// The recordings come from n8n, which ignores the credential fields the harness adds (url).
	return runtimetest.RunCaseOn(t, srv, nodeType(srv.URL), c, runtimetest.Options{InputCheck: runtime.CheckNone}), want
}

// gcsLike has Google Cloud Storage's Get Bucket route, with its OAuth2
// credential and the Google base it extends (authentication pinned to
// body, as googleOAuth2Api pins it).
func gcsLike(t *testing.T, url string) *runtime.NodeType {
	return nodeTypeJSON(t, url, `{"displayName":"GCS-like","name":"gcsLike","version":1,
	  "credentials":[{"name":"googleCloudStorageOAuth2Api","required":true}],
	  "requestDefaults":{"baseURL":"={{ $credentials.url }}/storage/v1"},
	  "properties":[
	    {"displayName":"Resource","name":"resource","type":"options","default":"bucket","options":[{"name":"Bucket","value":"bucket"}]},
	    {"displayName":"Operation","name":"operation","type":"options","default":"get","options":[
	      {"name":"Get","value":"get","routing":{"request":{"method":"GET","url":"={{\"/b/\" + $parameter[\"bucketName\"]}}"}}}]},
	    {"displayName":"Authentication","name":"authentication","type":"options","default":"oAuth2","options":[{"name":"OAuth2","value":"oAuth2"}]},
	    {"displayName":"Bucket Name","name":"bucketName","type":"string","default":""},
	    {"displayName":"Projection","name":"projection","type":"options","default":"noAcl","options":[{"name":"No ACL","value":"noAcl"}],
	     "routing":{"send":{"type":"query","property":"projection"}}}]}`,
		`{"name":"googleCloudStorageOAuth2Api","displayName":"GCS OAuth2","extends":["googleOAuth2Api"],"properties":[
		  {"displayName":"Scope","name":"scope","type":"hidden","default":"https://www.googleapis.com/auth/devstorage.read_only"}]}`,
		`{"name":"googleOAuth2Api","displayName":"Google OAuth2","extends":["oAuth2Api"],"properties":[
		  {"displayName":"Grant Type","name":"grantType","type":"hidden","default":"authorizationCode"},
		  {"displayName":"Access Token URL","name":"accessTokenUrl","type":"hidden","default":"@URL@/token"},
		  {"displayName":"Authentication","name":"authentication","type":"hidden","default":"body"}]}`)
}

// gongLike has Gong's Get Many Users route (its postReceive code left out:
// outputs are not compared) with a Gong-like OAuth2 credential whose
// pinned fields are as the recording set them.
func gongLike(t *testing.T, url, grant string) *runtime.NodeType {
	return nodeTypeJSON(t, url, `{"displayName":"Gong-like","name":"gongLike","version":1,
	  "credentials":[{"name":"gongOAuth2Api","required":true}],
	  "requestDefaults":{"baseURL":"={{ $credentials.baseUrl.replace(new RegExp(\"/$\"), \"\") }}"},
	  "properties":[
	    {"displayName":"Authentication","name":"authentication","type":"options","default":"oAuth2","options":[{"name":"OAuth2","value":"oAuth2"}]},
	    {"displayName":"Resource","name":"resource","type":"options","default":"user","options":[{"name":"User","value":"user"}]},
	    {"displayName":"Operation","name":"operation","type":"options","default":"getAll","options":[
	      {"name":"Get Many","value":"getAll","routing":{"request":{"method":"POST","url":"/v2/users/extensive","body":{"filter":{}},"ignoreHttpStatusErrors":true}}}]},
	    {"displayName":"Return All","name":"returnAll","type":"boolean","default":false},
	    {"displayName":"Limit","name":"limit","type":"number","default":50}]}`,
		`{"name":"gongOAuth2Api","displayName":"Gong OAuth2","extends":["oAuth2Api"],"properties":[
		  {"displayName":"Base URL","name":"baseUrl","type":"string","default":"https://api.gong.io"},
		  {"displayName":"Grant Type","name":"grantType","type":"hidden","default":"`+grant+`"},
		  {"displayName":"Access Token URL","name":"accessTokenUrl","type":"hidden","default":"@URL@/oauth2/token"},
		  {"displayName":"Scope","name":"scope","type":"hidden","default":"api:users:read"}]}`)
}

func TestReauthFixtures(t *testing.T) {
	t.Parallel()
	npm := nodeTypeJSON(t, "", npmLike, npmAPICredential)
	metabase := nodeTypeJSON(t, "", metabaseLikeNode, metabaseAPICredential)
	metabase.CredentialTypes["metabaseApi"].PreAuthenticate = sessionPreAuth
	for _, tc := range []struct {
		fixture string
		nt      *runtime.NodeType
	}{
		{"npm401", npm},                  // 401, resent, 200: the node succeeds
		{"npm401x2", npm},                // 401, resent, 401: the second error stands
		{"metabase-preauth-1", metabase}, // session first, then the request
		{"metabase-401", metabase},       // stale session: 401, preAuthentication, resent
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			t.Parallel()
			got, want := replayReauth(t, tc.fixture, tc.nt)
			assert.Equal(t, want.Requests, got.Requests)
			assert.Equal(t, want.Output, got.Output)
			assert.Equal(t, want.Error, got.Error)
		})
	}
	t.Run("gcs-oauth2-refresh-401: refused, refreshed with body client auth, resent", func(t *testing.T) {
		t.Parallel()
		got, want := replayReauthAt(t, "gcs-oauth2-refresh-401", func(url string) *runtime.NodeType { return gcsLike(t, url) })
		assert.Equal(t, want.Requests, got.Requests)
		assert.Equal(t, want.Output, got.Output)
		assert.Equal(t, want.Error, got.Error)
	})
	t.Run("gong-oauth2-401-ignored: a 401 the route ignores is not a refusal", func(t *testing.T) {
		t.Parallel()
		got, want := replayReauthAt(t, "gong-oauth2-401-ignored", func(url string) *runtime.NodeType { return gongLike(t, url, "authorizationCode") })
		assert.Equal(t, want.Requests, got.Requests)
	})
	t.Run("gong-oauth2-cc: one client credentials token for concurrent items, where n8n fetches one each", func(t *testing.T) {
		t.Parallel()
		got, want := replayReauthAt(t, "gong-oauth2-cc", func(url string) *runtime.NodeType { return gongLike(t, url, "clientCredentials") })
		require.Len(t, want.Requests, 4)
		assert.Equal(t, "/oauth2/token", want.Requests[1].Path, "n8n: a token request per concurrent item")
		require.Len(t, got.Requests, 3)
		assert.Equal(t, want.Requests[0], got.Requests[0], "the token request as n8n sends it")
		for _, r := range got.Requests[1:] {
			assert.Equal(t, "/v2/users/extensive", r.Path)
			assert.Equal(t, "Bearer gong-at-1", r.Headers["authorization"])
			assert.Equal(t, want.Requests[2].Body, r.Body)
		}
	})
	t.Run("metabase-preauth-3: one session for concurrent items, where n8n gets one each", func(t *testing.T) {
		t.Parallel()
		got, want := replayReauth(t, "metabase-preauth-3", metabase)
		sessions := func(reqs []runtimetest.Request) (n int) {
			for _, r := range reqs {
				if r.Path == "/api/session" {
					n++
				}
			}
			return n
		}
		assert.Equal(t, 3, sessions(want.Requests), "n8n: each concurrent item runs preAuthentication")
		assert.Equal(t, 1, sessions(got.Requests), "noderun: one run shared by all items")
		require.Len(t, got.Requests, 4)
		for _, r := range got.Requests[1:] {
			assert.Equal(t, "session-one", r.Headers["x-metabase-session"])
		}
	})
}
