package schema

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
)

// TestPrechecksAgreeWithTags: each precheck says yes exactly when the
// validator finds nothing, over every listed value, its case variants,
// expressions, the empty string and strangers.
func TestPrechecksAgreeWithTags(t *testing.T) {
	var v Validator
	v.init()
	require.NoError(t, v.err)
	words := func(lists ...string) []string {
		out := []string{"", "=", "={{ $json.x }}", "x", " GET", "get ", "bogus", "Rootproperty"}
		for _, l := range lists {
			for w := range strings.FieldsSeq(l) {
				out = append(out, w, strings.ToLower(w), strings.ToUpper(w), strings.ToUpper(w[:1])+w[1:])
			}
		}
		return out
	}
	var types []string
	for _, pt := range node.KnownPropertyTypes {
		types = append(types, string(pt))
	}
	values := words(httpMethods, arrayFormats, responseEncodings, sendTypes, postReceiveTypes, paginationTypes, strings.Join(types, " "))
	agree := func(what string, rules prechecked) {
		t.Helper()
		err := v.rules.Struct(rules)
		require.Equal(t, err == nil, rules.holds(), "%s %+v: validator says %v", what, rules, err)
	}
	for _, a := range values {
		agree("property", propertyRules{Name: "p", Type: a})
		agree("property", propertyRules{Name: a, Type: "string"})
		agree("send", sendRules{Type: a})
		agree("postReceive", postReceiveRules{Type: a})
		agree("pagination", paginationRules{Type: a})
		agree("credential", credentialRefRules{Name: a})
		for _, b := range values {
			agree("request", requestRules{Method: a, ArrayFormat: b})
			agree("request", requestRules{Method: a, Encoding: b})
			agree("request", requestRules{ArrayFormat: a, Encoding: b})
		}
	}
	for _, values := range [][]node.Property{nil, {}, {{Name: "a"}}} {
		for _, name := range []string{"", "g"} {
			agree(fmt.Sprint("group ", len(values)), groupRules{Name: name, Values: values})
		}
	}
}

// TestJSONTextMatchesEncodingJSON: the quick path for plain strings
// writes what encoding/json writes.
func TestJSONTextMatchesEncodingJSON(t *testing.T) {
	for _, v := range []any{"", "plain", "with space", "quote\"", "back\\slash", "<tag>", "a&b", "tab\t", "ünï", "\u2028", "\xff", 1.5, true, nil, []any{"a"}} {
		want, err := json.Marshal(v)
		require.NoError(t, err)
		require.Equal(t, string(want), jsonText(v), "%q", v)
	}
}
