package runtime

import "time"

// SetCredentialClock sets the clock OAuth2 token expiry is judged by.
func SetCredentialClock(e *Engine, now func() time.Time) { e.creds.now = now }
