package runtime

import "slices"

// ignoreRule reads a request's ignoreHttpStatusErrors: true ignores every
// status; n8n's object form {ignore, except} makes exactly the listed
// statuses errors, whatever ignore says (n8n sets axios's validateStatus
// to "not in except" whenever the object has both keys).
func ignoreRule(v any) (ignore bool, except []int) {
	m, ok := v.(map[string]any)
	if !ok {
		return truthy(v), nil
	}
	list, hasExcept := m["except"].([]any)
	if _, hasIgnore := m["ignore"]; !hasIgnore || !hasExcept {
		return true, nil // any other object is truthy: every status ignored
	}
	except = make([]int, 0, len(list))
	for _, s := range list {
		switch n := s.(type) {
		case float64:
			except = append(except, int(n))
		case int64: // goja exports whole numbers as int64
			except = append(except, int(n))
		case int:
			except = append(except, n)
		}
	}
	return true, except
}

// statusFails reports whether a response status fails the request.
func (hr *httpRequest) statusFails(status int) bool {
	if hr.ignoreHTTPErrors {
		return slices.Contains(hr.ignoreExcept, status)
	}
	return status < 200 || status > 299
}
