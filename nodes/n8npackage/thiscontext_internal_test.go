package n8npackage

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestTruthy: truthy is JavaScript's ToBoolean (helpers.request's json
// option), NaN false.
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
		{map[string]any{}, true},
		{[]any{}, true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, truthy(tt.v), "%#v", tt.v)
	}
}
