package credentials_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
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

func TestRedactorMasksBase64Forms(t *testing.T) {
	const secret = "s3cr3t?>>~token" // '?' and '>' differ between the std and URL alphabets
	r := credentials.NewRedactor(secret)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		form := enc.EncodeToString([]byte(secret))
		assert.Equal(t, "x "+credentials.Mask+" y", r.String("x "+form+" y"), "form %q", form)
	}
	// A base64 form sent in a query string is percent-encoded there.
	std := base64.StdEncoding.EncodeToString([]byte(secret))
	require.NotEqual(t, std, url.QueryEscape(std))
	assert.Equal(t, "q="+credentials.Mask, r.String("q="+url.QueryEscape(std)))
	// The unpadded form also masks the start of a longer encoded text.
	longer := base64.StdEncoding.EncodeToString([]byte(secret + "and more"))
	assert.NotContains(t, r.String(longer), base64.RawStdEncoding.EncodeToString([]byte(secret))[:8])
}

func TestSecretsMaskTheBasicAuthorizationHeader(t *testing.T) {
	auth := credentials.Auth{Basic: &node.BasicAuth{Username: "alice", Password: "pa55word"}}
	r := credentials.NewRedactor(credentials.Secrets(nil, nil, auth)...)
	header := "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("alice:pa55word"))
	assert.Equal(t, "Authorization: Basic "+credentials.Mask, r.String(header))
	assert.Equal(t, "password "+credentials.Mask, r.String("password pa55word"))
	assert.Equal(t, "user alice", r.String("user alice"), "the user name alone is not a secret")
}

func TestJoin(t *testing.T) {
	a, b := credentials.NewRedactor("first-secret"), credentials.NewRedactor("second-secret")
	j := credentials.Join(a, nil, b)
	assert.Equal(t, credentials.Mask+" "+credentials.Mask, j.String("first-secret second-secret"))
	assert.Equal(t, "plain", credentials.Join().String("plain"))
}

func TestLogWriter(t *testing.T) {
	var out strings.Builder
	lw := credentials.NewLogWriter(&out)
	n, err := lw.Write([]byte("nothing registered: run-1-secret\n"))
	require.NoError(t, err)
	assert.Equal(t, len("nothing registered: run-1-secret\n"), n)

	un1 := lw.Register(credentials.NewRedactor("run-1-secret"))
	un2 := lw.Register(credentials.NewRedactor("run-2-secret"))
	lw.Register(nil)
	line := "Unsolicited response received on idle HTTP channel starting with \"run-1-secret run-2-secret\"\n"
	n, err = lw.Write([]byte(line))
	require.NoError(t, err)
	assert.Equal(t, len(line), n, "Write reports the length it was given")
	un1()
	un1() // unregistering twice is harmless
	_, _ = lw.Write([]byte("after: run-1-secret run-2-secret\n"))
	un2()
	_, _ = lw.Write([]byte("none: run-2-secret\n"))
	assert.Equal(t, "nothing registered: run-1-secret\n"+
		"Unsolicited response received on idle HTTP channel starting with \"**hidden** **hidden**\"\n"+
		"after: run-1-secret **hidden**\n"+
		"none: run-2-secret\n", out.String())
}

func TestLogWriterConcurrent(t *testing.T) {
	lw := credentials.NewLogWriter(io.Discard)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			un := lw.Register(credentials.NewRedactor(fmt.Sprintf("secret-%d", i)))
			_, _ = lw.Write([]byte("line secret-0\n"))
			un()
		}()
	}
	wg.Wait()
	assert.Equal(t, "secret-0", lw.Redactor().String("secret-0"))
}
