package chatwootsim

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJSONEncoding(t *testing.T) {
	for _, s := range []string{"plain", `quote " backslash \`, "<b>&amp;</b>", "tab\tnl\nret\r\x01\x1f", "é 日本 \u2028\u2029", "bad \xff utf8", ""} {
		var b bytes.Buffer
		writeJSONString(&b, s)
		want, err := json.Marshal(s)
		require.NoError(t, err)
		assert.Equal(t, string(want), b.String(), "%q", s)
	}
	out, err := json.Marshal(obj{{"z", 1}, {"a", jsonb{"bb": 1, "a": map[string]any{"ccc": true, "d": nil}}}, {"list", []obj{{{"k", "v"}}}}, {"nil", []obj(nil)}})
	require.NoError(t, err)
	assert.Equal(t, `{"z":1,"a":{"a":{"d":null,"ccc":true},"bb":1},"list":[{"k":"v"}],"nil":null}`, string(out),
		"obj keeps its order; jsonb sorts keys shortest first like PostgreSQL")
}
