package credentials_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/noderun/noderun/credentials"
)

func TestRedactorMasksEncodedForms(t *testing.T) {
	const secret = `pk+/9f 8e7d=="q&x<y>'!*`
	r := credentials.NewRedactor(secret, "abc") // "abc" is too short to mask
	quoted, _ := json.Marshal(secret)
	for _, form := range []string{
		secret,
		url.QueryEscape(secret),
		strings.ReplaceAll(url.QueryEscape(secret), "+", "%20"),
		url.PathEscape(secret),
		`pk%2B%2F9f%208e7d%3D%3D%22q%26x%3Cy%3E'!*`, // encodeURIComponent
		string(quoted[1 : len(quoted)-1]),
		`pk+/9f 8e7d==\"q&x<y>'!*`, // JSON without HTML escaping (zerolog)
	} {
		text := "before " + form + " after"
		assert.Equal(t, "before "+credentials.Mask+" after", r.String(text), "form %q", form)
		assert.True(t, r.Contains(text), "form %q", form)
	}
	assert.Equal(t, "abc", r.String("abc"))
	var zero *credentials.Redactor
	assert.Equal(t, secret, zero.String(secret))
}
