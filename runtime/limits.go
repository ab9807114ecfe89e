package runtime

import (
	"fmt"
	"math"
	"time"
)

const (
	defaultMaxItemsPerInput       = 100_000
	defaultMaxOutputBytesPerInput = 64 << 20
	// defaultRequestDeadline bounds one attempt of a request from the
	// first byte sent to the last byte received, unless the request's own
	// inactivity timeout is longer.
	defaultRequestDeadline = 10 * time.Minute
	// maxTimeoutMs is the largest Request Options timeout: Node.js's
	// largest timer (2^31-1 ms, about 24.8 days). A larger one is clamped
	// to it; in nanoseconds it would overflow time.Duration into an
	// instant abort.
	maxTimeoutMs = math.MaxInt32
)

func (e *Engine) maxItemsPerInput() int {
	switch {
	case e.MaxItemsPerInput > 0:
		return e.MaxItemsPerInput
	case e.MaxItemsPerInput < 0:
		return math.MaxInt
	}
	return defaultMaxItemsPerInput
}

func (e *Engine) maxOutputBytesPerInput() int64 {
	switch {
	case e.MaxOutputBytesPerInput > 0:
		return e.MaxOutputBytesPerInput
	case e.MaxOutputBytesPerInput < 0:
		return math.MaxInt64
	}
	return defaultMaxOutputBytesPerInput
}

// requestDeadline is the overall limit of one attempt of a request whose
// inactivity timeout is timeout; zero means none.
func (e *Engine) requestDeadline(timeout time.Duration) time.Duration {
	switch {
	case e.RequestDeadline > 0:
		return e.RequestDeadline
	case e.RequestDeadline < 0:
		return 0
	}
	return max(defaultRequestDeadline, timeout)
}

// outputBudget counts what one input item's responses produced, across
// all its pages, against Engine.MaxItemsPerInput and
// Engine.MaxOutputBytesPerInput. Its zero value is an empty count.
type outputBudget struct {
	items int
	bytes int64
}

// addBytes counts a response body and fails once the total passes the
// limit.
func (b *outputBudget) addBytes(e *Engine, n int, index int) error {
	b.bytes += int64(n)
	if limit := e.maxOutputBytesPerInput(); b.bytes > limit {
		return &NodeError{Name: NameNodeOperationError, ItemIndex: index, Message: "The output of this item is too large",
			Description: fmt.Sprintf("its responses hold more than the limit of %d bytes in total (%d so far); "+
				"raise Engine.MaxOutputBytesPerInput (CLI: --max-output-bytes-per-input) to accept more", limit, b.bytes)}
	}
	return nil
}

// checkItems fails when n more items would pass the limit, before they
// are made.
func (b *outputBudget) checkItems(e *Engine, n int, index int) error {
	if limit := e.maxItemsPerInput(); n > limit-b.items {
		return &NodeError{Name: NameNodeOperationError, ItemIndex: index, Message: "The output of this item is too large",
			Description: fmt.Sprintf("its responses make more than the limit of %d items (%d so far); "+
				"raise Engine.MaxItemsPerInput (CLI: --max-items-per-input) to accept more", limit, b.items+n)}
	}
	return nil
}

// addItems counts items made and fails once the total passes the limit.
func (b *outputBudget) addItems(e *Engine, n int, index int) error {
	if err := b.checkItems(e, n, index); err != nil {
		return err
	}
	b.items += n
	return nil
}

// deadlineError marks a request aborted by the overall request deadline.
type deadlineError struct{ d time.Duration }

func (e deadlineError) Error() string {
	return fmt.Sprintf("request deadline of %dms exceeded", e.d.Milliseconds())
}

// scanArrayAbove is the body size from which a top-level JSON array's
// elements are counted before the body is parsed: parsing 16 MiB of
// "[0,0,…]" takes some 700 MiB, for items the limit would refuse.
const scanArrayAbove = 1 << 20

// topLevelArrayLen counts the elements of a body that is a JSON array,
// without parsing it; ok is false for any other body. A malformed body
// may be miscounted: it is parsed afterwards, and fails or becomes text.
func topLevelArrayLen(body []byte) (n int, ok bool) {
	i := 0
	for i < len(body) && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r') {
		i++
	}
	if i == len(body) || body[i] != '[' {
		return 0, false
	}
	depth, empty := 0, true
	for ; i < len(body); i++ {
		switch c := body[i]; c {
		case '"':
			// Skip the string, escapes included.
			for i++; i < len(body) && body[i] != '"'; i++ {
				if body[i] == '\\' {
					i++
				}
			}
			empty = false
		case '[', '{':
			depth++
			if depth > 1 {
				empty = false
			}
		case ']', '}':
			depth--
			if depth == 0 {
				if !empty {
					n++
				}
				return n, true
			}
		case ',':
			if depth == 1 {
				n++
			}
		case ' ', '\t', '\n', '\r':
		default:
			empty = false
		}
	}
	return n, true
}
