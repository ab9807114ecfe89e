package chatwootsim_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/noderun/noderun/nodes/chatwoot/chatwootsim"
)

// A reliability test makes the first two requests to the conversations API fail with the
// rack-attack throttle, then lets the third through.
func ExampleServer_InjectFault() {
	sim := chatwootsim.New(chatwootsim.Options{})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	seed := sim.Seed()

	id := sim.InjectFault(chatwootsim.Fault{
		Method:     "GET",
		PathPrefix: fmt.Sprintf("/api/v1/accounts/%d/conversations", seed.AccountID),
		Times:      2,
		Action:     chatwootsim.ActionStatus,
		Status:     http.StatusTooManyRequests, // body "Retry later\n", text/plain, no Retry-After
	})
	for i := 0; i < 3; i++ {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/accounts/%d/conversations", srv.URL, seed.AccountID), nil)
		req.Header.Set("api_access_token", seed.AdminToken)
		resp, err := srv.Client().Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	fmt.Println("fault fired", sim.FaultHits(id), "times")
	// Output:
	// 429
	// 429
	// 200
	// fault fired 2 times
}
