package runtime

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestGroupIssues(t *testing.T) {
	out := &IssuesError{
		Issues:     []string{"a1", "b1", "a2", "c1", "b2"},
		Parameters: []string{"a", "x.b", "coll.a", "c", "b"},
	}
	groupIssues(out)
	assert.Equal(t, []string{"a1", "a2", "b1", "b2", "c1"}, out.Issues)
	assert.Equal(t, []string{"a", "coll.a", "x.b", "b", "c"}, out.Parameters)
}
