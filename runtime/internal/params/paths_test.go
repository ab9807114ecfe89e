package params

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// splitPathByBuilder is SplitPath as first written, character by
// character: the reference the substring version must agree with.
func splitPathByBuilder(path string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for i := 0; i < len(path); i++ {
		switch ch := path[i]; ch {
		case '.':
			flush()
		case '[':
			flush()
			end := strings.IndexByte(path[i:], ']')
			if end < 0 {
				cur.WriteString(path[i:])
				i = len(path)
				continue
			}
			key := path[i+1 : i+end]
			if len(key) >= 2 && (key[0] == '"' || key[0] == '\'') && key[len(key)-1] == key[0] {
				key = key[1 : len(key)-1]
			}
			out = append(out, key)
			i += end
		default:
			cur.WriteByte(ch)
		}
	}
	flush()
	return out
}

func TestSplitPathAgreesWithReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte("ab.[]'\"0x")
	inputs := []string{"", "a", "a.b", "a[0].b", "a['x.y'].c", "a..b", ".a.", "a[", "a[]", "a[0]b", `a["k"]`, "[1][2]"}
	for i := 0; i < 50000; i++ {
		b := make([]byte, rng.IntN(12))
		for j := range b {
			b[j] = alphabet[rng.IntN(len(alphabet))]
		}
		inputs = append(inputs, string(b))
	}
	for _, in := range inputs {
		require.Equal(t, splitPathByBuilder(in), SplitPath(in), "%q", in)
	}
}

func TestGetPathTopLevelName(t *testing.T) {
	root := map[string]any{"a": 1.0, "n": nil, "b": map[string]any{"c": 2.0}}
	for path, want := range map[string]struct {
		v  any
		ok bool
	}{"a": {1.0, true}, "n": {nil, true}, "x": {nil, false}, "b.c": {2.0, true}, "b[c]": {2.0, true}} {
		v, ok := GetPath(root, path)
		assert.Equal(t, want.ok, ok, path)
		assert.Equal(t, want.v, v, path)
	}
}
