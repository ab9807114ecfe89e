package credentials_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
)

func TestIsOAuth2(t *testing.T) {
	google := &node.CredentialType{Name: "googleOAuth2Api", Extends: []string{"oAuth2Api"}}
	types := map[string]*node.CredentialType{"googleOAuth2Api": google}
	lookup := func(name string) *node.CredentialType { return types[name] }
	cases := []struct {
		name string
		typ  *node.CredentialType
		want bool
	}{
		{"the base type", &node.CredentialType{Name: "oAuth2Api"}, true},
		{"extends it", &node.CredentialType{Name: "acme", Extends: []string{"oAuth2Api"}}, true},
		{"through a known parent", &node.CredentialType{Name: "sheets", Extends: []string{"googleOAuth2Api"}}, true},
		{"through an unknown parent named as n8n names OAuth2 bases", &node.CredentialType{Name: "x", Extends: []string{"microsoftOAuth2Api"}}, true},
		{"an unrelated parent", &node.CredentialType{Name: "x", Extends: []string{"httpHeaderAuth"}}, false},
		{"no parent", &node.CredentialType{Name: "npmApi"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, credentials.IsOAuth2(tc.typ, lookup))
		})
	}
	loop := &node.CredentialType{Name: "a", Extends: []string{"a"}}
	types["a"] = loop
	assert.False(t, credentials.IsOAuth2(loop, lookup), "a cycle ends")
}

func TestParseOAuth2(t *testing.T) {
	o, err := credentials.ParseOAuth2("acme", map[string]any{"clientId": "id", "scope": " a  b ", "tokenExpiredStatusCode": []any{401.0, "403"}})
	require.NoError(t, err)
	assert.Equal(t, credentials.GrantAuthorizationCode, o.GrantType, "oAuth2Api's default")
	assert.Equal(t, "header", o.Authentication)
	assert.Equal(t, []string{"a", "b"}, o.Scopes)
	assert.True(t, o.Expired(403))
	assert.False(t, o.Expired(500))
	assert.EqualError(t, o.NotConnected(), "OAuth credentials not connected")

	o, err = credentials.ParseOAuth2("acme", map[string]any{"oauthTokenData": `{"access_token":"abcd","resource":"r1"}`, "resourceUrl": "r2"})
	require.NoError(t, err)
	assert.Equal(t, "abcd", credentials.AccessToken(o.TokenData), "token data stored as JSON text")
	assert.Equal(t, "r1", o.Resource, "the token's resource wins")

	bad := []struct {
		data  map[string]any
		field string
	}{
		{map[string]any{"grantType": "password"}, "grantType"},
		{map[string]any{"authentication": "jwt"}, "authentication"},
		{map[string]any{"tokenExpiredStatusCode": "soon"}, "tokenExpiredStatusCode"},
		{map[string]any{"tokenExpiredStatusCode": 42.0}, "tokenExpiredStatusCode"},
		{map[string]any{"oauthTokenData": 3.0}, "oauthTokenData"},
		{map[string]any{"oauthTokenData": "{not json"}, "oauthTokenData"},
	}
	for _, b := range bad {
		_, err := credentials.ParseOAuth2("acme", b.data)
		var fe *credentials.FieldError
		require.True(t, errors.As(err, &fe), "%v: %v", b.data, err)
		assert.Equal(t, b.field, fe.Field)
		assert.Equal(t, "acme", fe.Type)
	}
}

func TestTokenRequests(t *testing.T) {
	o, err := credentials.ParseOAuth2("acme", map[string]any{"grantType": "clientCredentials", "accessTokenUrl": "https://idp/token",
		"clientId": "id", "clientSecret": "s&cret", "scope": "a b", "authentication": "body",
		"additionalBodyProperties": `{"audience":"x y","n":2,"grant_type":"client_credentials"}`})
	require.NoError(t, err)
	assert.True(t, o.NeedsToken())
	r, err := o.ClientCredentialsRequest()
	require.NoError(t, err)
	assert.Equal(t, "grant_type=client_credentials&audience=x%20y&n=2&scope=a%20b&client_id=id&client_secret=s%26cret", r.Body())
	assert.Equal(t, []credentials.Pair{{Name: "Accept", Value: "application/json, application/x-www-form-urlencoded"}, {Name: "Content-Type", Value: "application/x-www-form-urlencoded"}}, r.Headers)

	o.Authentication = "header"
	r, err = o.ClientCredentialsRequest()
	require.NoError(t, err)
	assert.Equal(t, credentials.Pair{Name: "Authorization", Value: "Basic aWQ6cyZjcmV0"}, r.Headers[2], "id:secret not form-encoded, as client-oauth2")

	o.TokenData = map[string]any{"access_token": "old"}
	_, err = o.RefreshRequest()
	assert.ErrorIs(t, err, credentials.ErrNoRefreshToken)

	o.AccessTokenURL = ""
	_, err = o.ClientCredentialsRequest()
	var fe *credentials.FieldError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "accessTokenUrl", fe.Field)

	o.AccessTokenURL, o.ClientSecret = "https://idp/token", ""
	_, err = o.ClientCredentialsRequest()
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "clientSecret", fe.Field)
}

func TestParseTokenResponse(t *testing.T) {
	cases := []struct {
		name        string
		status      int
		contentType string
		body        string
		want        map[string]any
		wantErr     string
	}{
		{"JSON", 200, "application/json", `{"access_token":"a","expires_in":60}`, map[string]any{"access_token": "a", "expires_in": 60.0}, ""},
		{"form-encoded", 200, "application/x-www-form-urlencoded; charset=utf-8", `access_token=a&token_type=bearer`, map[string]any{"access_token": "a", "token_type": "bearer"}, ""},
		{"known OAuth2 error", 400, "application/json", `{"error":"invalid_grant"}`, nil, "The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."},
		{"unknown error with description", 400, "application/json", `{"error":"odd","error_description":"it is odd"}`, nil, "it is odd"},
		{"error without body", 403, "text/html", `<html>`, nil, "HTTP status 403"},
		{"server error", 502, "", ``, nil, "Request failed with status code 502"},
		{"not JSON", 200, "text/html", `<html>hello</html>`, nil, "Expected JSON response from OAuth2 token endpoint (content-type: text/html) but received: <html>hello</html>"},
		{"redirect not followed", 302, "", ``, nil, "HTTP status 302"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := credentials.ParseTokenResponse(tc.status, tc.contentType, []byte(tc.body))
			if tc.wantErr != "" {
				var te *credentials.TokenError
				require.ErrorAs(t, err, &te)
				assert.Equal(t, tc.wantErr, te.Error())
				assert.Equal(t, tc.status, te.Status)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestTokenDataAndSigning(t *testing.T) {
	now := time.UnixMilli(1_700_000_000_000)
	prev := map[string]any{"access_token": "old", "refresh_token": "keep", "n8n_expires_at": "1", "resource": "r"}
	got := credentials.NewTokenData(prev, map[string]any{"access_token": "new", "expires_in": 90.0}, now)
	assert.Equal(t, map[string]any{"access_token": "new", "refresh_token": "keep", "resource": "r", "expires_in": 90.0,
		"n8n_expires_at": "1700000090000"}, got)
	expires, margin := credentials.TokenExpiry(got)
	assert.Equal(t, now.Add(90*time.Second), expires)
	assert.Equal(t, 45*time.Second, margin, "a short-lived token is renewed at half its life")
	_, margin = credentials.TokenExpiry(map[string]any{"n8n_expires_at": "1700000090000", "expires_in": "3600"})
	assert.Equal(t, time.Minute, margin)
	e, _ := credentials.TokenExpiry(map[string]any{"expires_in": 60.0})
	assert.True(t, e.IsZero(), "no stamp: unknown")
	assert.NotContains(t, credentials.NewTokenData(nil, map[string]any{"access_token": "x", "expires_in": 0.0}, now), "n8n_expires_at")

	auth, err := credentials.SignOAuth2(map[string]any{"access_token": "tok", "token_type": "Bearer"})
	require.NoError(t, err)
	assert.Equal(t, []credentials.Pair{{Name: "Authorization", Value: "Bearer tok"}}, auth.Headers)
	auth, err = credentials.SignOAuth2(map[string]any{"access_token": "tok", "token_type": "mac"})
	require.NoError(t, err)
	assert.Equal(t, []credentials.Pair{{Name: "access_token", Value: "tok"}}, auth.Query)
	_, err = credentials.SignOAuth2(map[string]any{"refresh_token": "r"})
	assert.EqualError(t, err, "Unable to sign without access token")
	assert.ElementsMatch(t, []string{"a1", "r1", "i1"}, credentials.TokenSecrets(map[string]any{"access_token": "a1", "refresh_token": "r1", "id_token": "i1", "token_type": "bearer"}))
}

func TestExpirableProperty(t *testing.T) {
	ct, err := node.DecodeCredentialType([]byte(`{"name":"m","properties":[
	  {"displayName":"A","name":"a","type":"string","typeOptions":{"expirable":true},"default":""},
	  {"displayName":"S","name":"sessionToken","type":"hidden","typeOptions":{"expirable":true},"default":""}]}`))
	require.NoError(t, err)
	assert.Equal(t, "sessionToken", ct.ExpirableProperty(), "only a hidden property counts, as in n8n")
	assert.Equal(t, "", (&node.CredentialType{Name: "n"}).ExpirableProperty())
}
