package credentials

import (
	"context"
	"errors"
	"fmt"
)

// ErrNotFound is returned by a Store that holds no credential of a type.
var ErrNotFound = errors.New("credential not found")

// Store gives the runtime decrypted credential data by credential type
// name. Embedding workflow engines implement it over their own secret
// storage. Implementations must be safe for concurrent use and must not
// retain or modify the returned map after returning it.
type Store interface {
	Credential(ctx context.Context, typeName string) (map[string]any, error)
}

// Updater is implemented by a Store that can persist credential data the
// runtime renewed: an OAuth2 token fetched or refreshed, or a session
// token preAuthentication obtained, as n8n writes them back to its
// database. The runtime finds it by type assertion on the Store. data is
// the credential's stored data with the renewed fields replaced (the
// oauthTokenData object, or preAuthentication's output), ready to store
// as it is; the runtime does not use it after the call. Implementations
// must be safe for concurrent use. Without an Updater the renewed values
// live only in the Engine's memory.
type Updater interface {
	UpdateCredential(ctx context.Context, typeName string, data map[string]any) error
}

// Map is a Store over credential data held in memory, keyed by type name.
type Map map[string]map[string]any

// Credential implements Store.
func (m Map) Credential(_ context.Context, typeName string) (map[string]any, error) {
	data, ok := m[typeName]
	if !ok {
		return nil, fmt.Errorf("%w: no %q credential was given", ErrNotFound, typeName)
	}
	return data, nil
}

var _ Store = Map(nil)

// Evaluator resolves one value that may be an n8n expression, with
// $credentials bound to data. The runtime supplies it.
type Evaluator func(ctx context.Context, value any, data map[string]any) (any, error)
