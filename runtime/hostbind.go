package runtime

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/noderun/noderun/runtime/expr"
)

// A credential is sent only to the host of the request's base URL, the
// endpoint the description builds from requestDefaults and routing (for
// most nodes the credential's own URL field), and to the domains the
// credential allows with n8n's option (C5): allowedHttpRequestDomains
// "domains" and a comma-separated allowedDomains, where "*.example.com"
// matches subdomains only. An absolute URL taken from item data, or a
// pagination link, that points elsewhere fails its item before anything
// is sent. n8n sends the credential to any URL unless the option is set.

// domainRule is a credential's allowed-domains option.
type domainRule struct {
	// list is allowedDomains when allowedHttpRequestDomains is "domains",
	// else empty: the base URL's host alone is allowed.
	list string
	// restricted is set when allowedHttpRequestDomains is "domains".
	restricted bool
}

// credentialDomains reads the option from credential data.
func credentialDomains(data map[string]any) domainRule {
	if mode, _ := data["allowedHttpRequestDomains"].(string); mode != "domains" {
		return domainRule{}
	}
	list, _ := data["allowedDomains"].(string)
	return domainRule{list: strings.TrimSpace(list), restricted: true}
}

// hostAllowed is n8n's isDomainAllowed: exact host names, and "*.x"
// for any subdomain of x but not x itself.
func hostAllowed(host, list string) bool {
	for _, d := range strings.Split(list, ",") {
		d = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
		if suffix, wild := strings.CutPrefix(d, "*."); wild {
			if suffix != "" && strings.HasSuffix(host, "."+suffix) {
				return true
			}
		} else if d != "" && host == d {
			return true
		}
	}
	return false
}

// hostOf is the normalised host name of an absolute URL, or "".
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
}

// underBase reports, without parsing, whether full is base followed by a
// path, query or fragment: then both have the same host.
func underBase(base, full string) bool {
	base = strings.TrimSuffix(base, "/")
	if !strings.HasPrefix(full, base) || !reachesSchemeEnd(base, full) {
		return false
	}
	rest := full[len(base):]
	return rest == "" || rest[0] == '/' || rest[0] == '?' || rest[0] == '#'
}

// reachesSchemeEnd is strings.Contains(base, "://") for base a prefix of
// full, decided without a search for the usual http and https URLs: base
// holds full's first "://" or none.
func reachesSchemeEnd(base, full string) bool {
	switch {
	case strings.HasPrefix(full, "https://"):
		return len(base) >= len("https://")
	case strings.HasPrefix(full, "http://"):
		return len(base) >= len("http://")
	}
	return strings.Contains(base, "://")
}

// checkHost fails a request to full that the credential may not reach;
// baseRaw is the request's base URL.
func (c *preparedCredential) checkHost(baseRaw any, full string) error {
	base := ""
	if baseRaw != nil && !expr.IsUndefined(baseRaw) {
		base = jsString(baseRaw)
	}
	if base != "" && underBase(base, full) {
		return nil // the common case, decided without parsing
	}
	host := hostOf(full)
	baseHost := ""
	if base != "" {
		if strings.HasPrefix(base, "//") {
			base = "http:" + base
		}
		baseHost = hostOf(base)
	}
	rule := c.domains
	switch {
	case baseHost != "" && host == baseHost:
		return nil
	case rule.restricted && rule.list == "" && baseHost == "":
		return fmt.Errorf("No allowed domains specified. Configure allowed domains or change restriction setting.")
	case rule.restricted && hostAllowed(host, rule.list):
		return nil
	case !rule.restricted && baseHost == "":
		return nil // no base URL to bind to: the description gives whole URLs
	}
	allowed := baseHost
	if rule.list != "" {
		allowed = strings.TrimPrefix(allowed+", "+rule.list, ", ")
	}
	return &domainError{host: host, allowed: allowed}
}

// domainError is a request the credential may not go to.
type domainError struct{ host, allowed string }

func (e *domainError) Error() string {
	return fmt.Sprintf("Domain not allowed: This credential is restricted from accessing %s. Only the following domains are allowed: %s", e.host, e.allowed)
}

// domainNodeError is the item error of a request refused by checkHost.
func domainNodeError(err error, index int) *NodeError {
	return &NodeError{Name: NameNodeOperationError, ItemIndex: index, Message: err.Error(),
		Description: "a credential is sent only to the host of the node's base URL; to send it to other hosts too, " +
			`set the credential's allowedHttpRequestDomains to "domains" and list them in allowedDomains (comma-separated, *.example.com for subdomains)`,
		Cause: err}
}
