package runtime

import "context"

// acquireInFlight takes one of Engine.MaxInFlight's slots, waiting for
// one to be free or for ctx to end. It takes nothing when the engine is
// unbounded. Every caller goes through Prepare, which initialises e.
func (e *Engine) acquireInFlight(ctx context.Context) error {
	if e.inFlight == nil {
		return nil
	}
	select {
	case e.inFlight <- struct{}{}:
		return nil
	default:
	}
	select {
	case e.inFlight <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// releaseInFlight frees the slot acquireInFlight took.
func (e *Engine) releaseInFlight() {
	if e.inFlight != nil {
		<-e.inFlight
	}
}
