package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLogRedaction logs at debug level through retries of a server that
// answers 429 and then 500, echoing the key it received in its body and
// headers, with the key also in the credential URL: the key must appear
// nowhere on stderr or stdout, whatever the log format.
func TestLogRedaction(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("X-Api-Key")
		w.Header().Set("X-Echo", key)
		w.Header().Set("Content-Type", "application/json")
		if calls.Add(1)%2 == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprintf(w, `{"message":"slow down, %s"}`, key)
			return
		}
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, `{"message":"internal error for key %s at %s"}`, key, r.URL.Path)
	}))
	t.Cleanup(srv.Close)

	for _, format := range []string{"console", "json"} {
		t.Run(format, func(t *testing.T) {
			calls.Store(0)
			req := petstoreRequest(t, map[string]any{"resource": "pet", "operation": "get", "petId": "1"},
				map[string]any{"url": srv.URL + "/keys/" + petstoreKey, "apiKey": petstoreKey}, nil)
			req["settings"] = map[string]any{"retryOnFail": true, "maxTries": 2, "waitBetweenTries": 1}
			out := cli(t, strings.NewReader(mustJSON(t, req)), "exec", "--log-level", "debug", "--log-format", format)
			require.Equal(t, exitFailed, out.code, out.stderr)
			assert.Equal(t, int64(4), calls.Load(), "two tries, each retried once after its 429")

			res := decodeResult(t, out.stdout)
			require.NotNil(t, res.Error)
			assert.Equal(t, "500", res.Error.HTTPCode)
			assert.Equal(t, map[string]any{"message": "internal error for key **hidden** at /keys/**hidden**/v1/pets/1"}, res.Error.Body)

			// The logs were written: the redaction was exercised, not skipped.
			assert.Contains(t, out.stderr, "retrying request")
			assert.Contains(t, out.stderr, "retry on fail")
			assert.Contains(t, out.stderr, "/keys/**hidden**/v1/pets/1")
			assertNoSecret(t, out, petstoreKey)
		})
	}
}
