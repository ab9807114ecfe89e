package node_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/noderun/noderun/node"
)

func TestSettingsRetries(t *testing.T) {
	for _, tt := range []struct {
		name  string
		s     node.Settings
		tries int
		wait  time.Duration
	}{
		{"off", node.Settings{MaxTries: 4, WaitBetweenTries: 10}, 1, 0},
		{"defaults", node.Settings{RetryOnFail: true}, 3, time.Second},
		{"clamped low", node.Settings{RetryOnFail: true, MaxTries: 1, WaitBetweenTries: -5}, 2, 0},
		{"clamped high", node.Settings{RetryOnFail: true, MaxTries: 9, WaitBetweenTries: 9000}, 5, 5 * time.Second},
		{"as given", node.Settings{RetryOnFail: true, MaxTries: 4, WaitBetweenTries: 250}, 4, 250 * time.Millisecond},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tries, wait := tt.s.Retries()
			assert.Equal(t, tt.tries, tries)
			assert.Equal(t, tt.wait, wait)
		})
	}
}
