package chatwoot

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/runtime"
)

// Credentials returns a credential store holding one Chatwoot credential.
func Credentials(baseURL, accessToken string) credentials.Store {
	return credentials.Map{CredentialName: {"url": baseURL, "accessToken": accessToken}}
}

// apiSuffixes are API paths people paste with their Chatwoot address; every
// operation's URL already starts with its API prefix, so a pasted suffix
// would double it (GET /api/v1/api/v1/accounts/...).
var apiSuffixes = []string{"/platform/api/v1", "/public/api/v1", "/api/v1", "/api/v2", "/api"}

// NormalizeURL turns what a user may paste as the Chatwoot URL into the
// base URL every operation is joined to: surrounding space and trailing
// slashes removed, and a pasted API path (/api/v1, /api, /platform/api/v1
// ...) cut off. A URL that cannot be a Chatwoot address is refused with a
// message that says what to enter.
func NormalizeURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", errors.New("the Chatwoot URL is empty: set it to your Chatwoot address, e.g. https://app.chatwoot.com")
	}
	if !strings.Contains(s, "://") {
		return "", fmt.Errorf("the Chatwoot URL %q has no scheme: write it as https://%s (or http:// for a local server)", s, s)
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("the Chatwoot URL %q is not a valid URL: %v", s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("the Chatwoot URL %q must start with https:// or http://", s)
	}
	if u.Host == "" {
		return "", fmt.Errorf("the Chatwoot URL %q has no host name", s)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("the Chatwoot URL %q must not have a query or fragment: give only the address, e.g. %s://%s", s, u.Scheme, u.Host)
	}
	if u.User != nil {
		return "", fmt.Errorf("the Chatwoot URL must not contain a user name or password: the access token authenticates")
	}
	path := strings.TrimRight(u.Path, "/")
	for changed := true; changed; {
		changed = false
		for _, suffix := range apiSuffixes {
			if strings.HasSuffix(path, suffix) {
				path = strings.TrimRight(strings.TrimSuffix(path, suffix), "/")
				changed = true
			}
		}
	}
	// A bare "?" left at the end would make every path a query
	// ("https://host?/api/v1/...").
	u.Path, u.RawPath, u.ForceQuery = path, "", false
	return u.String(), nil
}

// prepareCredential normalises the credential's URL before any request.
func prepareCredential(typeName string, data map[string]any) (map[string]any, error) {
	if typeName != CredentialName {
		return data, nil
	}
	raw, _ := data["url"].(string)
	u, err := NormalizeURL(raw)
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(data))
	for k, v := range data {
		out[k] = v
	}
	out["url"] = u
	return out, nil
}

// tokenKind says which credential an operation's URL family needs
// (Chatwoot API reference §1).
func tokenKind(urlTemplate string) string {
	u := strings.TrimPrefix(urlTemplate, "=")
	switch {
	case strings.HasPrefix(u, "/platform/"):
		return "a Platform App access token (Super Admin console → Platform Apps); user and agent bot tokens are refused"
	case strings.HasPrefix(u, "/public/"):
		return "no token: the public client API identifies the inbox and the contact by the identifiers in the path"
	case strings.HasPrefix(u, "/survey/"):
		return "no token: the survey page is public"
	case strings.HasPrefix(u, "/api/v1/profile"):
		return "a user access token (Profile Settings → Access Token); agent bot and platform tokens are refused"
	case strings.HasPrefix(u, "/api/v2/"):
		return "a user access token of an administrator of the account (Profile Settings → Access Token)"
	default:
		return "a user access token of a member of the account (Profile Settings → Access Token); an agent bot token works only for creating conversations and messages and toggling a conversation's status"
	}
}

// explainError adds to a 401 or 404 which token the operation needs.
func explainError(routes routeTable, params map[string]any, e *runtime.NodeError) {
	if e.HTTPCode != "401" && e.HTTPCode != "404" {
		return
	}
	r, ok := routes.lookup(params)
	if !ok {
		return
	}
	op := r.name
	var hint string
	switch {
	case e.HTTPCode == "401":
		hint = "Chatwoot refused the credential" + serverReason(e.Body) + ": " + op + " needs " + tokenKind(r.url) + "."
	case strings.HasPrefix(strings.TrimPrefix(r.url, "="), "/public/"):
		hint = "Chatwoot found no such inbox, contact or conversation: check the identifiers (the public API needs no token)."
	default:
		hint = "Chatwoot found no such record, or the account id is wrong; " + op + " needs " + tokenKind(r.url) + "."
	}
	if e.Description == "" {
		e.Description = hint
		return
	}
	e.Description += " — " + hint
}

// serverReason quotes Chatwoot's own words from a 401 body, {"error":
// "..."} or devise's {"errors": ["..."]}: they tell a mistyped token
// ("Invalid Access Token") from a token of the wrong kind.
func serverReason(body any) string {
	m, _ := body.(map[string]any)
	var reasons []string
	if v, ok := m["error"].(string); ok && v != "" {
		reasons = append(reasons, v)
	}
	if list, ok := m["errors"].([]any); ok {
		for _, x := range list {
			if s, ok := x.(string); ok {
				reasons = append(reasons, s)
			}
		}
	}
	if len(reasons) == 0 {
		return ""
	}
	return fmt.Sprintf(" (%q)", strings.Join(reasons, "; "))
}
