package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/runtime/expr"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(s), &v))
	return v
}

func TestMerge(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		dst, src any
		want     string
	}{
		// R2 [v]: arrays merge element by element.
		"arrays element by element": {decode(t, `{"arr":[1,2,3]}`), decode(t, `{"arr":["z"]}`), `{"arr":["z",2,3]}`},
		"objects key by key":        {decode(t, `{"a":{"x":1,"y":2}}`), decode(t, `{"a":{"y":3,"z":4}}`), `{"a":{"x":1,"y":3,"z":4}}`},
		"scalar replaces":           {decode(t, `{"a":{"x":1}}`), decode(t, `{"a":"s"}`), `{"a":"s"}`},
		"object replaces scalar":    {decode(t, `{"a":"s"}`), decode(t, `{"a":{"x":1}}`), `{"a":{"x":1}}`},
		"null replaces":             {decode(t, `{"a":1}`), decode(t, `{"a":null}`), `{"a":null}`},
		"undefined keeps":           {decode(t, `{"a":1}`), map[string]any{"a": expr.Undefined}, `{"a":1}`},
		"array replaces object":     {decode(t, `{"a":{"x":1}}`), decode(t, `{"a":[1]}`), `{"a":[1]}`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			before, _ := json.Marshal(tc.dst)
			got := merge(tc.dst, tc.src)
			b, err := marshalValue(got)
			require.NoError(t, err)
			require.JSONEq(t, tc.want, string(b))
			after, _ := json.Marshal(tc.dst)
			require.Equal(t, string(before), string(after), "merge must not mutate its destination")
		})
	}
}

func TestMergeKeyUndefinedAddsKey(t *testing.T) {
	t.Parallel()
	// A body of only undefined values is sent as {} (R11 [v]): the key
	// exists, its value is dropped when encoded.
	o := newObject(1)
	mergeKey(o, "a", expr.Undefined)
	require.Equal(t, 1, o.Len())
	b, err := o.MarshalJSON()
	require.NoError(t, err)
	require.Equal(t, `{}`, string(b))
}

func TestEncodeQuery(t *testing.T) {
	t.Parallel()
	build := func(kv ...any) *object {
		o := newObject(len(kv) / 2)
		for i := 0; i < len(kv); i += 2 {
			o.Set(kv[i].(string), kv[i+1])
		}
		return o
	}
	cases := map[string]struct {
		q      *object
		format string
		want   string
	}{
		// R13 [v]
		"indices array":     {build("arr", []any{1.0, "x"}), "", "arr%5B0%5D=1&arr%5B1%5D=x"},
		"nested object":     {build("obj", map[string]any{"k": map[string]any{"z": 1.0}}), "", "obj%5Bk%5D%5Bz%5D=1"},
		"bool and number":   {build("bool", false, "num", 0.0), "", "bool=false&num=0"},
		"space is %20":      {build("q", "a b"), "", "q=a%20b"},
		"reserved encoded":  {build("s", "&=/+:,$"), "", "s=%26%3D%2F%2B%3A%2C%24"},
		"non-ascii":         {build("s", "é"), "", "s=%C3%A9"},
		"null is empty":     {build("n", nil), "", "n="},
		"undefined skipped": {build("u", expr.Undefined, "a", "1"), "", "a=1"},
		"insertion order":   {build("z", "1", "a", "2"), "", "z=1&a=2"},
		"brackets":          {build("a", []any{"x", "y"}), "brackets", "a%5B%5D=x&a%5B%5D=y"},
		"repeat":            {build("a", []any{"x", "y"}), "repeat", "a=x&a=y"},
		"comma":             {build("a", []any{"x", "y"}), "comma", "a=x%2Cy"},
		"empty":             {build(), "", ""},
		// Chatwoot's labels default: JSON text, sent as is.
		"json text": {build("labels", "[\n  null\n]"), "", "labels=%5B%0A%20%20null%0A%5D"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, encodeQuery(tc.q, tc.format))
		})
	}
}

func TestJoinURL(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		base, rel any
		want      string
		wantErr   bool
	}{
		// R12 [v]
		"trailing and leading slash":          {"http://h/v1/", "/echo", "http://h/v1/echo", false},
		"no slashes":                          {"http://h/v1", "echo?x=1", "http://h/v1/echo?x=1", false},
		"no url":                              {"http://h/v1", nil, "http://h/v1", false},
		"absolute url wins":                   {"http://h/v1", "https://other/x", "https://other/x", false},
		"protocol-relative":                   {"http://h", "//other/x", "http://other/x", false},
		"empty base":                          {"", "/x", "", true},
		"no scheme":                           {"h.example", "/x", "", true},
		"http: without //":                    {"http:h", "/x", "", true},
		"three slashes are protocol-relative": {"http://h", "///x", "", true},
		"undefined url":                       {"http://h", expr.Undefined, "http://h", false},
		"path in base is kept":                {"https://chat.example.com/api/v1", "/api/v1/accounts/1", "https://chat.example.com/api/v1/api/v1/accounts/1", false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := joinURL(tc.base, tc.rel)
			if tc.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestJSString(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   any
		want string
	}{
		{nil, "null"}, {true, "true"}, {false, "false"}, {0.0, "0"}, {math.Copysign(0, -1), "0"},
		{1.5, "1.5"}, {100.0, "100"}, {1e21, "1e+21"}, {1e-7, "1e-7"}, {0.000001, "0.000001"},
		{123456789012.0, "123456789012"}, {math.NaN(), "NaN"}, {math.Inf(1), "Infinity"},
		{[]any{1.0, nil, "x"}, "1,,x"}, {map[string]any{"a": 1.0}, "[object Object]"},
		{expr.Undefined, "undefined"}, {"s", "s"},
	}
	for _, tc := range cases {
		require.Equal(t, tc.want, jsString(tc.in), "%#v", tc.in)
	}
}

func TestHeaderValue(t *testing.T) {
	t.Parallel()
	// R14 [v]: stringified; undefined, null and false are not sent.
	for in, want := range map[any]string{0.0: "0", true: "true", "x": "x"} {
		got, sent := headerValue(in)
		require.True(t, sent)
		require.Equal(t, want, got)
	}
	got, sent := headerValue([]any{1.0, 2.0})
	require.True(t, sent)
	require.Equal(t, "1, 2", got)
	for _, unsent := range []any{nil, false, expr.Undefined} {
		_, sent := headerValue(unsent)
		require.False(t, sent, "%#v", unsent)
	}
}

func TestHTTPErrorMessages(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status   int
		body     string
		cred     bool
		message  string
		desc     string
		httpCode string
	}{
		// F5 [v], credential path.
		{404, `{"message":"nope"}`, true, "The resource you are requesting could not be found", "nope", "404"},
		{400, `{}`, true, "Bad request - please check your parameters", "Request failed with status code 400", "400"},
		{401, `{"error":"Invalid Access Token"}`, true, "Authorization failed - please check your credentials", "Request failed with status code 401", "401"},
		{422, `{"message":"Email has already been taken"}`, true, "Your request is invalid or could not be processed by the service", "Email has already been taken", "422"},
		{429, `"Retry later\n"`, true, "The service is receiving too many requests from you", "Request failed with status code 429", "429"},
		{500, `{"error":{"message":"boom"}}`, true, "The service was not able to process your request", "boom", "500"},
		{503, `{}`, true, "Service unavailable - try again later or consider setting this node to retry automatically (in the node settings)", "Request failed with status code 503", "503"},
		{507, `{}`, true, "The service failed to process your request", "Request failed with status code 507", "507"},
		{418, `{}`, true, "Your request is invalid or could not be processed by the service", "Request failed with status code 418", "418"},
		// No-credential path keeps the client's message.
		{404, `{"message":"nope"}`, false, "Request failed with status code 404", "nope", "404"},
		{404, `{}`, false, "Request failed with status code 404", "", "404"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.status, tc.cred, tc.body), func(t *testing.T) {
			t.Parallel()
			e := httpError(tc.status, decode(t, tc.body), tc.cred)
			require.Equal(t, tc.message, e.Message)
			require.Equal(t, tc.desc, e.Description)
			require.Equal(t, tc.httpCode, e.HTTPCode)
			require.Equal(t, NameNodeAPIError, e.Name)
		})
	}
}

func TestNetworkErrorMessages(t *testing.T) {
	t.Parallel()
	refused := &net.OpError{Op: "dial", Err: &net.AddrError{}}
	refusedErr := fmt.Errorf("dial: %w", errors.Join(refused, syscall.ECONNREFUSED))
	cases := []struct {
		err      error
		cred     bool
		message  string
		httpCode string
	}{
		{refusedErr, true, "The service refused the connection - perhaps it is offline", "ECONNREFUSED"},
		{refusedErr, false, "The service refused the connection - perhaps it is offline", "none"},
		{fmt.Errorf("%w: x", errTimeout), true, "The connection was aborted, perhaps the server is offline", "ECONNABORTED"},
		{fmt.Errorf("%w: x", errTimeout), false, "timeout of 200ms exceeded", "none"},
		{&net.DNSError{Name: "nohost.invalid", IsNotFound: true}, true,
			"The connection cannot be established, this usually occurs due to an incorrect host (domain) value", "ENOTFOUND"},
		{syscall.ECONNRESET, true, "The connection to the server was closed unexpectedly, perhaps it is offline. You can retry the request immediately or wait and retry later.", "ECONNRESET"},
	}
	for _, tc := range cases {
		e := networkError(tc.err, 200, tc.cred)
		require.Equal(t, tc.message, e.Message, tc.err.Error())
		require.Equal(t, tc.httpCode, e.HTTPCode, tc.err.Error())
	}
}

func TestClosest(t *testing.T) {
	t.Parallel()
	names := []string{"Create A Conversation", "List All Contact Conversations", "Create A Contact"}
	require.Equal(t, []string{"Create A Conversation"}, ClosestNames("Create A Conversaton", names, 3)[:1])
	require.Empty(t, ClosestNames("zzzz", names, 3))
	for _, tc := range []struct {
		got   string
		names []string
		want  []string
	}{
		{"pgae", []string{"page", "per_page", "name"}, []string{"page"}},            // a transposition is one edit
		{"token", []string{"accessToken", "url"}, []string{"accessToken"}},          // a part of the name
		{"tokn", []string{"token", "n", "url"}, []string{"token"}},                  // a one-letter name is no part
		{"lst", []string{"list", "get"}, []string{"list"}},                          // only the nearest
		{"dsc", []string{"asc", "desc"}, []string{"asc", "desc"}},                   // ties are all offered
		{"ACCOUNT_ID", []string{"account_id", "accountId"}, []string{"account_id"}}, // case does not count
		{"inbox_identifer", []string{"inbox_identifier", "contact_identifier"}, []string{"inbox_identifier"}},
	} {
		require.Equal(t, tc.want, ClosestNames(tc.got, tc.names, 3), tc.got)
	}
	for _, tc := range []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "abc", 3}, {"page", "page", 0}, {"pgae", "page", 1},
		{"ca", "abc", 3}, {"kitten", "sitting", 3}, {"héllo", "hello", 1}, {"ab", "ba", 1},
	} {
		require.Equal(t, tc.d, editDistance(tc.a, tc.b), "%q %q", tc.a, tc.b)
		require.Equal(t, tc.d, editDistance(tc.b, tc.a), "symmetric: %q %q", tc.b, tc.a)
	}
}

func TestPlainJSONIsWhatJSONStringifySees(t *testing.T) {
	t.Parallel()
	in := map[string]any{
		"nan": math.NaN(), "inf": math.Inf(1), "u": expr.Undefined, "ok": 1.0,
		"list": []any{math.Inf(-1), expr.Undefined, "x"}, "nested": map[string]any{"n": math.NaN()},
	}
	got := plainJSON(in)
	require.Equal(t, map[string]any{
		"nan": nil, "inf": nil, "ok": 1.0,
		"list": []any{nil, nil, "x"}, "nested": map[string]any{"n": nil},
	}, got)
	require.True(t, math.IsNaN(in["nan"].(float64)), "the input is not changed")
	unchanged := map[string]any{"a": 1.0}
	require.Equal(t, unchanged, plainJSON(unchanged))
	require.Nil(t, plainJSON(expr.Undefined))
	_, err := json.Marshal(got)
	require.NoError(t, err, "the result encodes")
}

// plainHTTPURLOneByteAtATime is plainHTTPURL as it was before it read
// words: the reference the word-at-a-time version must agree with.
func plainHTTPURLOneByteAtATime(s string) bool {
	rest, ok := strings.CutPrefix(s, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "http://"); !ok {
			return false
		}
	}
	hostEnd := strings.IndexAny(rest, "/?#")
	if hostEnd < 0 {
		hostEnd = len(rest)
	}
	host := rest[:hostEnd]
	if host == "" || strings.ContainsAny(host, "@[]%") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c <= ' ' || c == 0x7f:
			return false
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
		}
	}
	return true
}

// Every byte value at every position of a few URLs, and a second byte
// after it (a borrow from one flagged byte can flag the next wrongly).
func TestPlainHTTPURLAgreesWithByteLoop(t *testing.T) {
	t.Parallel()
	for _, u := range []string{
		"https://chat.example.com/public/api/v1/inboxes/abc%2F/contacts",
		"http://h/x", "http://h", "https://a.b:8080?q=1#f", "http://h/%41%4",
	} {
		for i := 0; i <= len(u); i++ {
			for c := 0; c < 256; c++ {
				for _, next := range []string{"", "\x00", "%", "\x7f", "A", "\x80"} {
					s := u[:i] + string([]byte{byte(c)}) + next + u[i:]
					if got, want := plainHTTPURL(s), plainHTTPURLOneByteAtATime(s); got != want {
						t.Fatalf("plainHTTPURL(%q) = %v, want %v", s, got, want)
					}
				}
			}
		}
	}
}

func TestPlainHTTPURLAgreesWithURLParse(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"http://h/x", "https://chat.example.com:3000/api/v1/accounts/1?q=a%20b", "http://h", "http://h?x=1",
		"http://h/a b", "http://h/%zz", "http://h/%4", "http://user:pw@h/x", "http://[::1]:80/x", "http:///x",
		"ftp://h/x", "HTTP://h/x", "http://h/\x7f", "http://h/é", "http://h/x#frag",
	} {
		if !plainHTTPURL(s) {
			continue
		}
		u, err := url.Parse(s)
		require.NoError(t, err, s)
		require.Contains(t, []string{"http", "https"}, u.Scheme, s)
		require.NotEmpty(t, u.Host, s)
	}
	require.True(t, plainHTTPURL("https://chat.example.com/api/v1/accounts/1/contacts"))
	require.False(t, plainHTTPURL("http://h/a b"))
}

func TestEqualFoldASCIIAgreesWithEqualFold(t *testing.T) {
	t.Parallel()
	for n := 0; n < 0x80; n++ {
		for c := 0; c < 0x100; c++ {
			s, name := "x"+string([]byte{byte(c)}), "x"+string([]byte{byte(n)})
			require.Equal(t, strings.EqualFold(s, name), equalFoldASCII(s, name), "%q %q", s, name)
		}
	}
	keys := []string{"Accept", "accept", "ACCEPT", "Accep", "Accepts", "Content-Type", "content-type", "Content-Typ",
		"\u212Aey", "key", "KEY", "Idempotency-Key", "Idempotency-\u212Aey", "X-\u017Fign", "x-sign", "", "Accépt",
		"INSTANCE-DATA", "in\u017Ftance-data", "metadata.goog", "METADATA.GOOGLE.INTERNAL", "é",
		"Content-Types", "content-type\u212A", "Idempotency-\u212Aey-2", "[ccept", "Accept\x00", "\u212A", "K"}
	for _, name := range []string{"Accept", "Content-Type", "Key", "Idempotency-Key", "X-Sign", "User-Agent",
		"instance-data", "metadata.google.internal", "metadata.goog", "{ccept", "K", "k", ""} {
		for _, key := range keys {
			assert.Equal(t, strings.EqualFold(key, name), equalFoldASCII(key, name), "%q %q", key, name)
		}
	}
}

func TestUnderBase(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		base, full string
		want       bool
	}{
		{"https://chat.example.com", "https://chat.example.com/api/v1", true},
		{"https://chat.example.com/", "https://chat.example.com/api/v1", true},
		{"https://chat.example.com", "https://chat.example.com?q=1", true},
		{"https://chat.example.com", "https://chat.example.com", true},
		{"https://chat.example.com", "https://chat.example.com.evil.net/x", false},
		{"https://chat.example.com", "https://chat.example.comx/x", false},
		{"http://h", "http://h/x", true},
		{"https:/", "https://h/x", false},
		{"https:", "https://h/x", false},
		{"http", "http://h/x", false},
		{"", "http://h/x", false},
		{"ftp://h", "ftp://h/x", true},
		{"ftp:/", "ftp://h/x", false},
		{"//h", "http://h/x", false},
	} {
		assert.Equal(t, c.want, underBase(c.base, c.full), "%q %q", c.base, c.full)
	}
}

func TestIsAbsoluteURL(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"https://x": true, "HTTP://x": true, "//x": true, "a+b.c-d://x": true,
		"": false, "x": false, "/a://b": false, "1http://x": false, "://x": false, "a b://x": false, "/path": false,
	} {
		assert.Equal(t, want, isAbsoluteURL(s), s)
	}
}
