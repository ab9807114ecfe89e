package chatwoot_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/nodes/chatwoot"
)

func TestNormalizeURL(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"https://app.chatwoot.com", "https://app.chatwoot.com"},
		{"https://app.chatwoot.com/", "https://app.chatwoot.com"},
		{"https://app.chatwoot.com///", "https://app.chatwoot.com"},
		{"  https://app.chatwoot.com/ \n", "https://app.chatwoot.com"},
		{"https://app.chatwoot.com/api", "https://app.chatwoot.com"},
		{"https://app.chatwoot.com/api/v1", "https://app.chatwoot.com"},
		{"https://app.chatwoot.com/api/v1/", "https://app.chatwoot.com"},
		{"https://app.chatwoot.com/api/v2", "https://app.chatwoot.com"},
		{"https://app.chatwoot.com/platform/api/v1", "https://app.chatwoot.com"},
		{"https://app.chatwoot.com/public/api/v1/", "https://app.chatwoot.com"},
		{"https://app.chatwoot.com/api/v1/api/v1", "https://app.chatwoot.com"},
		{"http://localhost:3000", "http://localhost:3000"},
		{"http://127.0.0.1:3000/api/v1", "http://127.0.0.1:3000"},
		{"HTTPS://Chat.Acme.test", "https://Chat.Acme.test"},
		// Empty query and fragment markers are dropped.
		{"https://app.chatwoot.com/?", "https://app.chatwoot.com"},
		{"https://app.chatwoot.com/api/v1?", "https://app.chatwoot.com"},
		{"https://app.chatwoot.com/#", "https://app.chatwoot.com"},
		// Chatwoot installed under a sub-path keeps it.
		{"https://acme.test/chatwoot/", "https://acme.test/chatwoot"},
		{"https://acme.test/chatwoot/api/v1", "https://acme.test/chatwoot"},
		// Only whole path segments are API suffixes.
		{"https://acme.test/myapi", "https://acme.test/myapi"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := chatwoot.NormalizeURL(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestNormalizeURLRefuses(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"", "the Chatwoot URL is empty: set it to your Chatwoot address, e.g. https://app.chatwoot.com"},
		{"   ", "the Chatwoot URL is empty"},
		{"app.chatwoot.com", `the Chatwoot URL "app.chatwoot.com" has no scheme: write it as https://app.chatwoot.com (or http:// for a local server)`},
		{"localhost:3000/api/v1", `has no scheme: write it as https://localhost:3000/api/v1`},
		{"ftp://app.chatwoot.com", "must start with https:// or http://"},
		{"https://", "has no host name"},
		{"https://app.chatwoot.com/?account_id=1", `must not have a query or fragment: give only the address, e.g. https://app.chatwoot.com`},
		{"https://app.chatwoot.com/#/app/accounts/1", "must not have a query or fragment"},
		{"https://admin:secret@app.chatwoot.com", "must not contain a user name or password"},
		{"https://chat woot.com", "is not a valid URL"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := chatwoot.NormalizeURL(tt.in)
			require.Error(t, err, "got %q", got)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "secret", "a password in the URL is never repeated")
		})
	}
}

func TestCredentials(t *testing.T) {
	store := chatwoot.Credentials("https://app.chatwoot.com", "tok")
	data, err := store.Credential(t.Context(), chatwoot.CredentialName)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"url": "https://app.chatwoot.com", "accessToken": "tok"}, data)
	ct, err := chatwoot.CredentialType()
	require.NoError(t, err)
	assert.Equal(t, chatwoot.CredentialName, ct.Name)
	assert.Equal(t, []string{"accessToken"}, ct.SecretFields())
}
