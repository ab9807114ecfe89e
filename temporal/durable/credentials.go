package durable

import (
	"context"
	"fmt"

	"github.com/noderun/noderun/credentials"
)

// Credentials resolves a named credential on the worker: the workflow
// input names it, the values stay on the worker.
type Credentials interface {
	Credential(ctx context.Context, ref CredentialRef) (map[string]any, error)
}

// Stores is Credentials over credential stores by name; the empty name is
// the default store, asked for references without a name.
type Stores map[string]credentials.Store

// Credential implements Credentials.
func (s Stores) Credential(ctx context.Context, ref CredentialRef) (map[string]any, error) {
	store, ok := s[ref.Name]
	if !ok {
		return nil, fmt.Errorf("%w: this worker has no credentials named %q (for %q)", credentials.ErrNotFound, ref.Name, ref.Type)
	}
	return store.Credential(ctx, ref.Type)
}

var _ Credentials = Stores(nil)

// runStore is the credentials.Store of one run: each type resolved under
// the name the request gives it, the default name otherwise.
type runStore struct {
	creds Credentials
	names map[string]string
}

func newRunStore(c Credentials, refs []CredentialRef) credentials.Store {
	if c == nil {
		return nil
	}
	names := make(map[string]string, len(refs))
	for _, r := range refs {
		names[r.Type] = r.Name
	}
	return runStore{creds: c, names: names}
}

func (s runStore) Credential(ctx context.Context, typeName string) (map[string]any, error) {
	return s.creds.Credential(ctx, CredentialRef{Type: typeName, Name: s.names[typeName]})
}
