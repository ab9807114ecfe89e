package credentials

import "github.com/noderun/noderun/node"

// WithInherited returns t with the properties of the types it extends, as
// n8n's getCredentialsProperties merges them: each parent's (recursively,
// in the order of extends), then t's own, a later property replacing an
// earlier one of the same name. lookup finds a parent by name; a parent it
// does not know adds nothing. t is returned as it is when nothing is
// inherited; otherwise a copy, t itself unchanged.
func WithInherited(t *node.CredentialType, lookup func(name string) *node.CredentialType) *node.CredentialType {
	if t == nil || len(t.Extends) == 0 || lookup == nil {
		return t
	}
	props := inherited(t, lookup, map[string]bool{})
	if len(props) == len(t.Properties) {
		return t
	}
	c := *t
	c.Properties = props
	return &c
}

func inherited(t *node.CredentialType, lookup func(string) *node.CredentialType, visiting map[string]bool) []node.Property {
	if visiting[t.Name] {
		return nil // a cycle of extends: nothing more to inherit
	}
	visiting[t.Name] = true
	defer delete(visiting, t.Name)
	var out []node.Property
	merge := func(add []node.Property) {
		for _, p := range add {
			replaced := false
			for i := range out {
				if out[i].Name == p.Name {
					out[i], replaced = p, true
					break
				}
			}
			if !replaced {
				out = append(out, p)
			}
		}
	}
	for _, name := range t.Extends {
		if parent := lookup(name); parent != nil {
			merge(inherited(parent, lookup, visiting))
		}
	}
	merge(t.Properties)
	return out
}

// oauthPinned are the fields n8n takes from the credential type, never
// from stored data, when the type declares them hidden
// (OAUTH_PINNED_FIELDS): a type that fixes its token URL or grant type
// cannot be pointed elsewhere by its data.
var oauthPinned = map[string]bool{
	"useDynamicClientRegistration": true, "authUrl": true, "accessTokenUrl": true, "grantType": true,
	"authentication": true, "usePkce": true, "requestTokenUrl": true, "signatureMethod": true,
}
