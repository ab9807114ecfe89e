package credentials

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/noderun/noderun/node"
)

// OAuth2APIType is n8n's generic OAuth2 credential type, which every
// OAuth2 credential type extends.
const OAuth2APIType = "oAuth2Api"

// OAuth2 grant types, as the grantType field stores them.
const (
	GrantAuthorizationCode = "authorizationCode"
	GrantClientCredentials = "clientCredentials"
	GrantPKCE              = "pkce"
)

// IsOAuth2 reports whether t is oAuth2Api or extends it. lookup finds a
// parent type by name (nil, or nil results, when unknown); a parent that
// cannot be looked up counts when its name ends in "OAuth2Api", n8n's
// naming for OAuth2 bases such as googleOAuth2Api.
func IsOAuth2(t *node.CredentialType, lookup func(name string) *node.CredentialType) bool {
	seen := map[string]bool{}
	var walk func(t *node.CredentialType) bool
	walk = func(t *node.CredentialType) bool {
		if t == nil || seen[t.Name] {
			return false
		}
		seen[t.Name] = true
		if t.Name == OAuth2APIType {
			return true
		}
		for _, name := range t.Extends {
			if name == OAuth2APIType {
				return true
			}
			var parent *node.CredentialType
			if lookup != nil {
				parent = lookup(name)
			}
			if parent == nil {
				if strings.HasSuffix(name, "OAuth2Api") {
					return true
				}
				continue
			}
			if walk(parent) {
				return true
			}
		}
		return false
	}
	return walk(t)
}

// OAuth2 is an OAuth2 credential's settings, read from its prepared data
// (the fields of n8n's oAuth2Api).
type OAuth2 struct {
	Type           string // the credential type's name, for messages
	GrantType      string
	AccessTokenURL string
	ClientID       string
	ClientSecret   string
	Scopes         []string
	// Authentication is "header" (client id and secret as HTTP Basic) or
	// "body" (as form fields).
	Authentication string
	// AdditionalBody are extra form fields of the client credentials
	// grant (additionalBodyProperties).
	AdditionalBody  map[string]any
	Resource        string
	IgnoreSSLIssues bool
	// ExpiredStatus lists the response codes that mean the access token
	// expired (tokenExpiredStatusCode, default 401).
	ExpiredStatus []int
	// TokenData is oauthTokenData: the token endpoint's last answer as
	// n8n keeps it. Nil when no token was obtained yet.
	TokenData map[string]any
}

// ParseOAuth2 reads the OAuth2 settings of prepared credential data,
// applying oAuth2Api's defaults to fields a type extending it does not
// declare.
func ParseOAuth2(typeName string, data map[string]any) (*OAuth2, error) {
	o := &OAuth2{Type: typeName, GrantType: GrantAuthorizationCode, Authentication: "header", ExpiredStatus: []int{401}}
	str := func(key string) string {
		if v, ok := data[key]; ok && v != nil {
			return Stringify(v)
		}
		return ""
	}
	if g := str("grantType"); g != "" {
		o.GrantType = g
	}
	switch o.GrantType {
	case GrantAuthorizationCode, GrantClientCredentials, GrantPKCE:
	default:
		return nil, &FieldError{Type: typeName, Field: "grantType", Err: fmt.Errorf("grant type %q is not supported: use %q, %q or %q", o.GrantType, GrantAuthorizationCode, GrantClientCredentials, GrantPKCE)}
	}
	o.AccessTokenURL = str("accessTokenUrl")
	o.ClientID = str("clientId")
	o.ClientSecret = str("clientSecret")
	for _, s := range strings.Split(str("scope"), " ") {
		if s = strings.TrimSpace(s); s != "" {
			o.Scopes = append(o.Scopes, s)
		}
	}
	if a := str("authentication"); a != "" {
		if a != "header" && a != "body" {
			return nil, &FieldError{Type: typeName, Field: "authentication", Err: fmt.Errorf("client authentication %q is not supported: use \"header\" or \"body\"", a)}
		}
		o.Authentication = a
	}
	if s := str("additionalBodyProperties"); s != "" {
		// n8n's jsonParse with an empty fallback: text that is not a JSON
		// object adds nothing.
		var extra map[string]any
		if json.Unmarshal([]byte(s), &extra) == nil {
			o.AdditionalBody = extra
		}
	}
	if b, ok := data["ignoreSSLIssues"].(bool); ok {
		o.IgnoreSSLIssues = b
	}
	if v, ok := data["tokenExpiredStatusCode"]; ok && v != nil {
		codes, err := statusCodes(v)
		if err != nil {
			return nil, &FieldError{Type: typeName, Field: "tokenExpiredStatusCode", Err: err}
		}
		o.ExpiredStatus = codes
	}
	switch t := data["oauthTokenData"].(type) {
	case nil:
	case map[string]any:
		if len(t) > 0 {
			o.TokenData = t
		}
	case string:
		// Stored data exported from n8n may hold it as JSON text.
		if strings.TrimSpace(t) != "" {
			var m map[string]any
			if err := json.Unmarshal([]byte(t), &m); err != nil {
				return nil, &FieldError{Type: typeName, Field: "oauthTokenData", Err: errors.New("not a JSON object")}
			}
			o.TokenData = m
		}
	default:
		return nil, &FieldError{Type: typeName, Field: "oauthTokenData", Err: fmt.Errorf("must be an object, not %T", t)}
	}
	o.Resource = str("resource")
	if r := Stringify(o.TokenData["resource"]); r != "" {
		o.Resource = r
	} else if o.Resource == "" {
		o.Resource = str("resourceUrl")
	}
	return o, nil
}

func statusCodes(v any) ([]int, error) {
	one := func(x any) (int, error) {
		var f float64
		switch t := x.(type) {
		case float64:
			f = t
		case int:
			f = float64(t)
		case string:
			n, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
			if err != nil {
				return 0, fmt.Errorf("%q is not a status code", t)
			}
			f = n
		default:
			return 0, fmt.Errorf("%v is not a status code", x)
		}
		if f != math.Trunc(f) || f < 100 || f > 599 {
			return 0, fmt.Errorf("%v is not a status code", x)
		}
		return int(f), nil
	}
	if list, ok := v.([]any); ok {
		out := make([]int, 0, len(list))
		for _, x := range list {
			c, err := one(x)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, nil
	}
	c, err := one(v)
	if err != nil {
		return nil, err
	}
	return []int{c}, nil
}

// Expired reports whether status means the access token expired.
func (o *OAuth2) Expired(status int) bool { return slices.Contains(o.ExpiredStatus, status) }

// NeedsToken reports whether the credential must fetch a token before its
// first request: a client credentials grant without an access token.
func (o *OAuth2) NeedsToken() bool {
	return o.GrantType == GrantClientCredentials && AccessToken(o.TokenData) == ""
}

// NotConnected is the error of an authorization code or PKCE credential
// given without token data: n8n's "OAuth credentials not connected".
func (o *OAuth2) NotConnected() error {
	if o.GrantType != GrantClientCredentials && o.TokenData == nil {
		return errors.New("OAuth credentials not connected")
	}
	return nil
}

// TokenRequest is a form POST to the token endpoint, in the order n8n
// (client-oauth2) sends its fields.
type TokenRequest struct {
	URL     string
	Headers []Pair
	Form    []Pair
	// IgnoreSSLIssues skips TLS verification, as the credential asks.
	IgnoreSSLIssues bool
}

// Body is the form-encoded body, as Node's querystring.stringify makes it.
func (r *TokenRequest) Body() string {
	var b strings.Builder
	for i, p := range r.Form {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(componentEscape(p.Name))
		b.WriteByte('=')
		b.WriteString(componentEscape(p.Value))
	}
	return b.String()
}

// componentEscape is querystring.escape: encodeURIComponent, which leaves
// !'()* unescaped and writes a space as %20.
func componentEscape(s string) string {
	q := strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
	return strings.NewReplacer("%21", "!", "%27", "'", "%28", "(", "%29", ")", "%2A", "*").Replace(q)
}

func (o *OAuth2) tokenRequest(form []Pair) (*TokenRequest, error) {
	if o.AccessTokenURL == "" {
		return nil, &FieldError{Type: o.Type, Field: "accessTokenUrl", Err: errors.New("is empty: the token endpoint is needed to obtain a token")}
	}
	r := &TokenRequest{URL: o.AccessTokenURL, IgnoreSSLIssues: o.IgnoreSSLIssues, Form: form, Headers: []Pair{
		{"Accept", "application/json, application/x-www-form-urlencoded"},
		{"Content-Type", "application/x-www-form-urlencoded"},
	}}
	return r, nil
}

// clientAuth adds the client's id and secret as the credential's
// authentication field says: Basic header or form fields. Without a secret
// only the id is sent, in the form (a public client, as PKCE's).
func (o *OAuth2) clientAuth(r *TokenRequest) {
	switch {
	case o.ClientSecret == "":
		r.Form = append(r.Form, Pair{"client_id", o.ClientID})
	case o.Authentication == "body":
		r.Form = append(r.Form, Pair{"client_id", o.ClientID}, Pair{"client_secret", o.ClientSecret})
	default:
		// As client-oauth2 does: id and secret are not form-encoded first.
		r.Headers = append(r.Headers, Pair{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(o.ClientID+":"+o.ClientSecret))})
	}
}

// ClientCredentialsRequest is the client credentials grant's token request.
func (o *OAuth2) ClientCredentialsRequest() (*TokenRequest, error) {
	if o.ClientID == "" {
		return nil, &FieldError{Type: o.Type, Field: "clientId", Err: errors.New("is empty")}
	}
	if o.ClientSecret == "" {
		return nil, &FieldError{Type: o.Type, Field: "clientSecret", Err: errors.New("is empty: the client credentials grant needs it")}
	}
	form := []Pair{{"grant_type", "client_credentials"}}
	keys := make([]string, 0, len(o.AdditionalBody))
	for k := range o.AdditionalBody {
		keys = append(keys, k)
	}
	slices.Sort(keys) // a decoded JSON object has lost its order
	for _, k := range keys {
		if k == "grant_type" {
			form[0].Value = Stringify(o.AdditionalBody[k])
			continue
		}
		form = append(form, Pair{k, jsFormValue(o.AdditionalBody[k])})
	}
	if o.Resource != "" {
		form = append(form, Pair{"resource", o.Resource})
	}
	if len(o.Scopes) > 0 {
		form = append(form, Pair{"scope", strings.Join(o.Scopes, " ")})
	}
	r, err := o.tokenRequest(form)
	if err != nil {
		return nil, err
	}
	o.clientAuth(r)
	return r, nil
}

// jsFormValue is how querystring.stringify writes a value: numbers and
// booleans as text, anything else not a string as "".
func jsFormValue(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(t)
	}
	return ""
}

// ErrNoRefreshToken is the failure to renew a token that has no refresh
// token, with n8n's message.
var ErrNoRefreshToken = errors.New("OAuth access token expired and no refresh token is available. Please reconnect the credentials.")

// RefreshRequest is the refresh grant's token request for the current
// token data.
func (o *OAuth2) RefreshRequest() (*TokenRequest, error) {
	refresh := Stringify(o.TokenData["refresh_token"])
	if refresh == "" {
		return nil, ErrNoRefreshToken
	}
	form := []Pair{{"refresh_token", refresh}, {"grant_type", "refresh_token"}}
	if o.Resource != "" {
		form = append(form, Pair{"resource", o.Resource})
	}
	r, err := o.tokenRequest(form)
	if err != nil {
		return nil, err
	}
	o.clientAuth(r)
	return r, nil
}

// TokenError is a token endpoint's refusal.
type TokenError struct {
	Status int
	// Code is the OAuth2 error code ("invalid_grant"), when the answer
	// has one.
	Code    string
	Message string
}

// Error implements error.
func (e *TokenError) Error() string { return e.Message }

// oauthErrors are client-oauth2's messages for the RFC 6749 error codes.
var oauthErrors = map[string]string{
	"invalid_request":           "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.",
	"invalid_client":            "Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).",
	"invalid_grant":             "The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
	"unauthorized_client":       "The client is not authorized to request an authorization code using this method.",
	"unsupported_grant_type":    "The authorization grant type is not supported by the authorization server.",
	"access_denied":             "The resource owner or authorization server denied the request.",
	"unsupported_response_type": "The authorization server does not support obtaining an authorization code using this method.",
	"invalid_scope":             "The requested scope is invalid, unknown, or malformed.",
	"server_error":              "The authorization server encountered an unexpected condition that prevented it from fulfilling the request. (This error code is needed because a 500 Internal Server Error HTTP status code cannot be returned to the client via an HTTP redirect.)",
	"temporarily_unavailable":   "The authorization server is currently unable to handle the request due to a temporary overloading or maintenance of the server.",
}

// ParseTokenResponse reads a token endpoint's answer as client-oauth2
// does: a form-encoded or JSON body; a status of 300 or more is a
// *TokenError, named by the body's OAuth2 error when there is one.
func ParseTokenResponse(status int, contentType string, body []byte) (map[string]any, error) {
	if status >= 500 {
		return nil, &TokenError{Status: status, Message: fmt.Sprintf("Request failed with status code %d", status)}
	}
	data, parseErr := parseTokenBody(contentType, body)
	if status >= 400 {
		if data != nil {
			code := Stringify(data["error"])
			msg := oauthErrors[code]
			if msg == "" {
				msg = Stringify(data["error_description"])
			}
			if msg == "" {
				msg = code
			}
			if msg != "" {
				return nil, &TokenError{Status: status, Code: code, Message: msg}
			}
		}
		return nil, &TokenError{Status: status, Message: fmt.Sprintf("HTTP status %d", status)}
	}
	if status >= 300 {
		return nil, &TokenError{Status: status, Message: fmt.Sprintf("HTTP status %d", status)}
	}
	if parseErr != nil {
		return nil, &TokenError{Status: status, Message: parseErr.Error()}
	}
	return data, nil
}

func parseTokenBody(contentType string, body []byte) (map[string]any, error) {
	if strings.HasPrefix(contentType, "application/x-www-form-urlencoded") {
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, fmt.Errorf("the token endpoint's form-encoded answer does not parse: %w", err)
		}
		m := make(map[string]any, len(vals))
		for k, vs := range vals {
			if len(vs) == 1 {
				m[k] = vs[0]
				continue
			}
			list := make([]any, len(vs))
			for i, v := range vs {
				list[i] = v
			}
			m[k] = list
		}
		return m, nil
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		preview := string(body)
		if len(preview) > 100 {
			preview = preview[:100] + "..."
		}
		if contentType == "" {
			contentType = "none"
		}
		return nil, fmt.Errorf("Expected JSON response from OAuth2 token endpoint (content-type: %s) but received: %s", contentType, preview)
	}
	return m, nil
}

// ExpiresAtKey is where n8n keeps a token's expiry in oauthTokenData:
// milliseconds since the epoch, as a string.
const ExpiresAtKey = "n8n_expires_at"

// NewTokenData is the oauthTokenData after a token answer: the answer
// merged over the previous data (so a refresh that returns no new refresh
// token keeps the old one, and the resource is kept), with n8n's expiry
// stamp when the answer has a positive expires_in.
func NewTokenData(previous, answer map[string]any, now time.Time) map[string]any {
	out := make(map[string]any, len(previous)+len(answer)+1)
	for k, v := range previous {
		out[k] = v
	}
	delete(out, ExpiresAtKey) // a stamp of the old token's life
	for k, v := range answer {
		out[k] = v
	}
	if secs := jsNumber(answer["expires_in"]); secs > 0 && !math.IsInf(secs, 0) { // not NaN
		out[ExpiresAtKey] = strconv.FormatInt(now.UnixMilli()+int64(secs*1000), 10)
	}
	return out
}

// TokenExpiry returns when the access token of data expires and the
// margin to renew it before then, from n8n's expiry stamp; zero when the
// data does not say.
func TokenExpiry(data map[string]any) (expires time.Time, margin time.Duration) {
	at := jsNumber(data[ExpiresAtKey])
	if !(at > 0) || math.IsInf(at, 0) { // NaN too
		return time.Time{}, 0
	}
	expires = time.UnixMilli(int64(at))
	// n8n's buffer is a minute; a shorter-lived token keeps half its life.
	margin = time.Minute
	if life := time.Duration(jsNumber(data["expires_in"]) * float64(time.Second)); life > 0 && life < 2*time.Minute {
		margin = life / 2
	}
	return expires, margin
}

func jsNumber(v any) float64 {
	switch t := v.(type) {
	case float64:
		return t
	case int:
		return float64(t)
	case int64:
		return float64(t)
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		if err == nil {
			return f
		}
	}
	return math.NaN()
}

// AccessToken returns the access token of token data, as n8n reads it.
func AccessToken(data map[string]any) string {
	if t := Stringify(data["accessToken"]); t != "" {
		return t
	}
	return Stringify(data["access_token"])
}

// SignOAuth2 is what an access token adds to a request, as client-oauth2
// signs it: "Authorization: Bearer <token>" for a bearer token (the
// default), otherwise the token as the access_token query parameter with
// no-store cache headers.
func SignOAuth2(data map[string]any) (Auth, error) {
	token := AccessToken(data)
	if token == "" {
		return Auth{}, errors.New("Unable to sign without access token")
	}
	typ := "bearer"
	if s, ok := data["tokenType"].(string); ok && s != "" {
		typ = s
	} else if s, ok := data["token_type"].(string); ok {
		typ = s
	}
	if strings.EqualFold(typ, "bearer") {
		return Auth{Headers: []Pair{{"Authorization", "Bearer " + token}}}, nil
	}
	return Auth{
		Headers: []Pair{{"Pragma", "no-store"}, {"Cache-Control", "no-store"}},
		Query:   []Pair{{"access_token", token}},
	}, nil
}

// TokenSecrets lists the secret values of token data: the tokens, never
// their type or expiry.
func TokenSecrets(data map[string]any) []string {
	var out []string
	for _, k := range []string{"access_token", "accessToken", "refresh_token", "refreshToken", "id_token"} {
		if s, ok := data[k].(string); ok {
			out = append(out, s)
		}
	}
	return out
}
