package main

import (
	"bytes"
	"fmt"
	"io"
)

// Default bounds of what exec reads into memory at once.
const (
	defaultMaxLineBytes    = 64 << 20  // one --jsonl line (the request or an item)
	defaultMaxRequestBytes = 256 << 20 // a whole JSON (not --jsonl) request
)

// valueLimitReader bounds the bytes one JSON value of a stream may take:
// a json.Decoder buffers the whole value it decodes, so without a bound
// one huge line would be read into memory whole. mark, called after each
// decoded value with the decoder's offset, starts the next value's budget.
// It counts newlines to name the line where the limit was passed.
type valueLimitReader struct {
	r     io.Reader
	max   int64
	start int64 // input offset where the current value's budget starts
	read  int64 // bytes delivered
	lines int   // newlines delivered
}

// lineTooLongError is a --jsonl value larger than --max-line-bytes.
type lineTooLongError struct {
	line int
	max  int64
}

func (e *lineTooLongError) Error() string {
	return fmt.Sprintf("line %d is longer than the --max-line-bytes limit of %s: raise --max-line-bytes to accept larger items", e.line, byteSize(e.max))
}

func (v *valueLimitReader) Read(p []byte) (int, error) {
	// One byte beyond the limit is allowed, so that a value of exactly
	// max bytes followed by its newline still decodes.
	allowed := v.start + v.max + 1 - v.read
	if allowed <= 0 {
		return 0, &lineTooLongError{line: v.lines + 1, max: v.max}
	}
	if int64(len(p)) > allowed {
		p = p[:allowed]
	}
	n, err := v.r.Read(p)
	v.lines += bytes.Count(p[:n], []byte{'\n'})
	v.read += int64(n)
	return n, err
}

// mark starts the budget of the next value at the decoder's offset.
func (v *valueLimitReader) mark(offset int64) { v.start = offset }

// byteSize formats n as a whole number of MiB or KiB when it is one.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
