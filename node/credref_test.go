package node_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/noderun/noderun/node"
)

// TestCredentialRefHasTestedBy: testedBy names a test when it is truthy
// in JavaScript, as n8n's CredentialsTester checks `!!testedBy`.
func TestCredentialRefHasTestedBy(t *testing.T) {
	tests := []struct {
		raw  string
		want bool
	}{
		{"", false},
		{"null", false},
		{" null ", false},
		{"false", false},
		{"0", false},
		{"-0", false},
		{"0.0", false},
		{`""`, false},
		{"true", true},
		{"1", true},
		{"-2.5", true},
		{`"gizmoApiTest"`, true},
		{`" "`, true},
		{`{}`, true},
		{`{"request":{"url":"/me"}}`, true},
		{`[]`, true},
	}
	for _, tt := range tests {
		ref := node.CredentialRef{Name: "x", TestedBy: json.RawMessage(tt.raw)}
		assert.Equal(t, tt.want, ref.HasTestedBy(), "testedBy %q", tt.raw)
	}
}
