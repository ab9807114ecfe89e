package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strconv"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
)

// Messages of n8n's credential test for an OAuth2 type without a test
// request.
const (
	oauth2TestSucceeded = "Connection Successful!"
	oauth2TestFailed    = "This OAuth2 credential was not connected to an account."
)

// TestCredential tests the credential of type typeName in store as n8n's
// credential test does (C4). A type with a test request: a temporary
// declarative node whose one request is the test request, authenticated
// by the credential: a preAuthentication runs first when its expirable
// field is empty (n8n 2.41 tests a session given as it is), an
// `authenticate` function signs the
// request, an OAuth2 type signs it with its token (a client-credentials
// grant fetches one), and a 401 renews and resends once. An OAuth2 type
// without one: its token data must hold an access token; noderun fetches
// one for the client-credentials grant, where n8n asks to connect the
// credential first. Otherwise the node's own test, its credential
// reference's testedBy: a test request (sent as the node's, with its
// requestDefaults) or the name of a function of nt.CredentialTests. The
// node type's PrepareCredential (URL normalisation) and credential types
// (the parents typeName extends) apply. The data is tested as given: no
// session the engine holds is used, and renewed values reach the store
// only when it is a credentials.Updater.
func (e *Engine) TestCredential(ctx context.Context, nt *NodeType, typeName string, store credentials.Store) (credentials.TestResult, error) {
	ct := nt.CredentialTypes[typeName]
	if ct == nil {
		return credentials.TestResult{}, fmt.Errorf("node %s has no credential type %q", nt.Description.Name, typeName)
	}
	lookup := func(name string) *node.CredentialType { return nt.CredentialTypes[name] }
	oauth := credentials.IsOAuth2(ct, lookup)
	desc := &node.Description{DisplayName: "Credential test", Name: "credentialTest", Version: node.Version{1},
		Credentials: []node.CredentialRef{{Name: ct.Name, Required: true}}, RequestDefaults: &node.Request{}}
	test := ct.Test
	var testFn CredentialTestFunc
	switch {
	case test != nil:
		var err error
		if desc, err = credentials.TestDescription(ct); err != nil {
			return credentials.TestResult{}, err
		}
	case oauth: // n8n's "connected" test wins over a node's testedBy
	default:
		var err error
		if test, testFn, err = nodeCredentialTest(nt, typeName); err != nil {
			return credentials.TestResult{}, err
		}
		if test != nil {
			if desc, err = credentials.NodeTestDescription(nt.Description, typeName, test); err != nil {
				return credentials.TestResult{}, err
			}
		}
	}
	// The types ct extends come along: their properties (an OAuth2 token
	// URL, a grant type) are the credential's.
	types := []*node.CredentialType{ct}
	for i := 0; i < len(types); i++ {
		for _, parent := range types[i].Extends {
			if pt := nt.CredentialTypes[parent]; pt != nil && !containsType(types, pt) {
				types = append(types, pt)
			}
		}
	}
	testType, err := NewNodeType(desc, types...)
	if err != nil {
		return credentials.TestResult{}, err
	}
	testType.PrepareCredential = nt.PrepareCredential
	testType.credentialTest = true
	p, err := e.Prepare(ctx, Run{Node: testType, Credentials: store})
	if err != nil {
		var ne *NodeError
		if !errors.As(err, &ne) || ctx.Err() != nil {
			return credentials.TestResult{}, errors.Join(err, ctx.Err())
		}
		return judgeFailure(test, ne), nil
	}
	switch {
	case testFn != nil:
		return p.runCredentialTest(ctx, typeName, testFn)
	case test == nil:
		return p.testOAuth2Connection(ctx)
	}
	if d := p.cred.dyn; d != nil && d.oauth != nil {
		if err := d.oauth.NotConnected(); err != nil {
			return credentials.TestResult{Message: err.Error()}, nil // as n8n's requestOAuth2 fails
		}
	}
	res, err := p.Execute(ctx, nil)
	if err != nil {
		return credentials.TestResult{}, err
	}
	if ne := res.Err; ne != nil {
		return judgeFailure(test, ne), nil
	}
	var body any
	if len(res.Items) > 0 {
		body = res.Items[0].JSON
	}
	return credentials.JudgeResponse(test, 200, body), nil
}

// CredentialTestFunc is a node's credential test function, n8n's
// methods.credentialTest[name] that a credential reference's testedBy
// names. It receives the credential's prepared data (defaults applied,
// expressions resolved; the caller's copy) and helpers whose requests go
// through the engine's transport, unauthenticated. An error is a test that
// failed with its message, as n8n shows a function's exception.
type CredentialTestFunc func(ctx context.Context, typeName string, data map[string]any, h node.CredentialHelpers) (credentials.TestResult, error)

// nodeCredentialTest is the node's own test of credential type typeName:
// the testedBy of its reference to the type, a request or a function.
// Neither is an error: nothing can test the credential.
func nodeCredentialTest(nt *NodeType, typeName string) (*node.CredentialTest, CredentialTestFunc, error) {
	d := nt.Description
	for _, ref := range d.Credentials {
		if ref.Name != typeName || !ref.HasTestedBy() {
			continue
		}
		raw := bytes.TrimSpace(ref.TestedBy)
		var name string
		if json.Unmarshal(raw, &name) == nil {
			fn := nt.CredentialTests[name]
			if fn == nil {
				return nil, nil, fmt.Errorf("node %s: credential type %q is tested by the function %q (testedBy), which the node does not have in methods.credentialTest", d.Name, typeName, name)
			}
			return nil, fn, nil
		}
		var t node.CredentialTest
		if err := json.Unmarshal(raw, &t); err != nil {
			return nil, nil, fmt.Errorf("node %s: credentials %q: testedBy: %w", d.Name, typeName, err)
		}
		if reflect.ValueOf(t.Request).IsZero() {
			return nil, nil, fmt.Errorf("node %s: credentials %q: testedBy has no request", d.Name, typeName)
		}
		return &t, nil, nil
	}
	return nil, nil, fmt.Errorf("credential type %q defines no test request, and node %s has no test for it (testedBy), so it cannot be tested", typeName, d.Name)
}

// runCredentialTest runs a node's credential test function over the
// prepared credential. Its message is masked: the function may quote the
// credential.
func (p *Prepared) runCredentialTest(ctx context.Context, typeName string, fn CredentialTestFunc) (credentials.TestResult, error) {
	var data map[string]any
	if p.cred != nil {
		data = maps.Clone(p.cred.data)
	}
	res, err := fn(ctx, typeName, data, credentialHelpers{p: p, anyBody: true})
	if err != nil {
		if ctx.Err() != nil {
			return credentials.TestResult{}, ctx.Err()
		}
		return credentials.TestResult{Message: p.redactString(err.Error())}, nil
	}
	res.Message = p.redactString(res.Message)
	return res, nil
}

func containsType(list []*node.CredentialType, t *node.CredentialType) bool {
	for _, x := range list {
		if x == t || x.Name == t.Name {
			return true
		}
	}
	return false
}

// judgeFailure is the outcome of a test whose node failed: a refusal by
// the server is judged by the test's rules, anything else reports its
// message.
func judgeFailure(test *node.CredentialTest, ne *NodeError) credentials.TestResult {
	status, convErr := strconv.Atoi(ne.HTTPCode)
	switch {
	case convErr == nil && test != nil:
		return credentials.JudgeResponse(test, status, ne.Body)
	case ne.HTTPCode != "" && ne.HTTPCode != "none" && convErr != nil:
		return credentials.TestResult{Message: ne.HTTPCode + ": " + ne.Message}
	}
	msg := ne.Message
	if ne.Description != "" {
		msg += ": " + ne.Description
	}
	return credentials.TestResult{Message: msg}
}

// testOAuth2Connection is n8n's test of an OAuth2 type without a test
// request: connected when its token data holds an access token. A
// client-credentials credential without one is connected by fetching
// one, as n8n's editor does when the credential is connected.
func (p *Prepared) testOAuth2Connection(ctx context.Context) (credentials.TestResult, error) {
	o := p.cred.dyn.oauth
	if _, ok := o.TokenData["access_token"]; ok {
		return credentials.TestResult{OK: true, Message: oauth2TestSucceeded}, nil
	}
	if o.GrantType != credentials.GrantClientCredentials {
		return credentials.TestResult{Message: oauth2TestFailed}, nil
	}
	if _, err := p.session(ctx); err != nil {
		if ctx.Err() != nil {
			return credentials.TestResult{}, ctx.Err()
		}
		msg := err.Error()
		var ne *NodeError
		if errors.As(err, &ne) {
			msg = ne.Message
		}
		return credentials.TestResult{Message: p.redactString(msg)}, nil
	}
	return credentials.TestResult{OK: true, Message: oauth2TestSucceeded}, nil
}
