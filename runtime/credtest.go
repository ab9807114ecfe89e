package runtime

import (
	"context"
	"fmt"
	"strconv"

	"github.com/noderun/noderun/credentials"
)

// TestCredential runs a credential type's test request with the data in
// store, as n8n's credential test does (C4): a temporary declarative node
// whose one request is the test request, authenticated by the credential.
// The node type's PrepareCredential (URL normalisation) applies.
func (e *Engine) TestCredential(ctx context.Context, nt *NodeType, typeName string, store credentials.Store) (credentials.TestResult, error) {
	ct := nt.CredentialTypes[typeName]
	if ct == nil {
		return credentials.TestResult{}, fmt.Errorf("node %s has no credential type %q", nt.Description.Name, typeName)
	}
	if ct.Test == nil {
		return credentials.TestResult{}, fmt.Errorf("credential type %q defines no test request, so it cannot be tested", typeName)
	}
	desc, err := credentials.TestDescription(ct)
	if err != nil {
		return credentials.TestResult{}, err
	}
	testType, err := NewNodeType(desc, ct)
	if err != nil {
		return credentials.TestResult{}, err
	}
	testType.PrepareCredential = nt.PrepareCredential
	res, err := e.Execute(ctx, Run{Node: testType, Credentials: store})
	if err != nil {
		return credentials.TestResult{}, err
	}
	if ne := res.Err; ne != nil {
		status, convErr := strconv.Atoi(ne.HTTPCode)
		switch {
		case convErr == nil:
			return credentials.JudgeResponse(ct.Test, status, ne.Body), nil
		case ne.HTTPCode != "" && ne.HTTPCode != "none":
			return credentials.TestResult{Message: ne.HTTPCode + ": " + ne.Message}, nil
		default:
			msg := ne.Message
			if ne.Description != "" {
				msg += ": " + ne.Description
			}
			return credentials.TestResult{Message: msg}, nil
		}
	}
	var body any
	if len(res.Items) > 0 {
		body = res.Items[0].JSON
	}
	return credentials.JudgeResponse(ct.Test, 200, body), nil
}
