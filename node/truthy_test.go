package node_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/noderun/noderun/node"
)

// TestTruthy: Truthy is JavaScript's ToBoolean (helpers.request's json
// option, locator values, send.paginate), NaN false.
func TestTruthy(t *testing.T) {
	tests := []struct {
		v    any
		want bool
	}{
		{nil, false},
		{false, false},
		{true, true},
		{"", false},
		{"0", true},
		{0.0, false},
		{math.NaN(), false},
		{-1.5, true},
		{math.Inf(1), true},
		{0, false},
		{int64(3), true},
		{map[string]any{}, true},
		{[]any{}, true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, node.Truthy(tt.v), "%#v", tt.v)
	}
}
