package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// decodeFailure explains why a document that has the schema's shape still
// does not decode into node's types. The JSON Schema cannot say "an
// integer without a fraction" or "a number a float64 holds", and the tree
// it checks keeps only the last of repeated keys, so these known causes
// are searched for to give each a pointer; any other failure is reported
// as it is.
func decodeFailure(raw []byte, tree any, err error) Diagnostics {
	var ds Diagnostics
	p := rootPath()
	findUndecodable(&p, tree, "", &ds)
	ds = append(ds, repeatedKeys(raw)...)
	if len(ds) == 0 {
		ds = Diagnostics{{Severity: SeverityError, Message: "does not decode into noderun's model: " + err.Error()}}
	}
	return normalize(ds)
}

func findUndecodable(p *path, v any, key string, ds *Diagnostics) {
	switch x := v.(type) {
	case json.Number:
		if _, err := strconv.ParseFloat(string(x), 64); err != nil {
			*ds = append(*ds, Diagnostic{Severity: SeverityError, Pointer: p.String(),
				Message: "number " + string(x) + " does not fit a 64-bit float; n8n would read it as Infinity"})
			return
		}
		if key == "rows" || key == "numberPrecision" {
			if _, err := strconv.ParseInt(string(x), 10, 0); err != nil {
				*ds = append(*ds, Diagnostic{Severity: SeverityError, Pointer: p.String(),
					Message: "must be an integer written without fraction or exponent, not " + string(x)})
			}
		}
	case map[string]any:
		for k, e := range x {
			kp := p.key(k)
			findUndecodable(&kp, e, k, ds)
		}
	case []any:
		for i, e := range x {
			ip := p.at(i)
			findUndecodable(&ip, e, "", ds)
		}
	}
}

// repeatedKeys reports keys that appear twice in one object. JavaScript's
// JSON.parse, and so n8n, keeps the last value; encoding/json reads every
// copy, merging objects and failing on the first copy of the wrong type.
func repeatedKeys(raw []byte) Diagnostics {
	type frame struct {
		array   bool
		index   int
		key     string
		haveKey bool
		seen    map[string]bool
	}
	var (
		stack []*frame
		ds    Diagnostics
	)
	pointer := func(last string) string {
		tokens := make([]string, 0, len(stack)+1)
		for _, f := range stack[:len(stack)-1] {
			if f.array {
				tokens = append(tokens, strconv.Itoa(f.index))
			} else {
				tokens = append(tokens, f.key)
			}
		}
		return tokensPointer(append(tokens, last))
	}
	startValue := func() {
		if n := len(stack); n > 0 && stack[n-1].array {
			stack[n-1].index++
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	for {
		tok, err := dec.Token()
		if err != nil {
			return ds
		}
		var top *frame
		if n := len(stack); n > 0 {
			top = stack[n-1]
		}
		if top != nil && !top.array && !top.haveKey {
			if key, ok := tok.(string); ok {
				if top.seen[key] {
					ds = append(ds, Diagnostic{Severity: SeverityError, Pointer: pointer(key),
						Message: fmt.Sprintf("key %q repeats in this object; n8n keeps the last value, but noderun's decoder (encoding/json) reads every copy; keep one", key)})
				}
				top.seen[key] = true
				top.key, top.haveKey = key, true
				continue
			}
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			startValue()
			stack = append(stack, &frame{array: tok == json.Delim('['), index: -1, seen: map[string]bool{}})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		default:
			startValue()
		}
		if n := len(stack); n > 0 && !stack[n-1].array {
			stack[n-1].haveKey = false
		}
	}
}
