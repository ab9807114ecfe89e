package credentials

import (
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"sort"
	"strings"

	"github.com/noderun/noderun/node"
)

// Mask replaces a secret wherever noderun writes it.
const Mask = "**hidden**"

// minSecretLen keeps short values ("", "a", "no") from being masked
// everywhere they occur by chance.
const minSecretLen = 4

// Redactor replaces secret values with Mask. Its zero value redacts
// nothing. It is safe for concurrent use once built.
type Redactor struct {
	replacer *strings.Replacer
	secrets  []string
}

// NewRedactor returns a Redactor for the given secret values; values
// shorter than four characters are ignored. Each secret is also masked as
// it reads once URL- or JSON-encoded: a key sent in a query string is
// percent-encoded on the wire, and an echoing server, a request URL in a
// log line or a JSON log field repeats that form.
func NewRedactor(secrets ...string) *Redactor {
	uniq := map[string]bool{}
	var list []string
	for _, s := range secrets {
		if len(s) < minSecretLen {
			continue
		}
		for _, v := range encodings(s) {
			if !uniq[v] {
				uniq[v] = true
				list = append(list, v)
			}
		}
	}
	// Longest first, so a secret containing another is masked whole.
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	r := &Redactor{secrets: list}
	if len(list) > 0 {
		args := make([]string, 0, 2*len(list))
		for _, s := range list {
			args = append(args, s, Mask)
		}
		r.replacer = strings.NewReplacer(args...)
	}
	return r
}

// encodings returns s and the forms URL and JSON encoders give it.
func encodings(s string) []string {
	query := url.QueryEscape(s) // form encoding: space as +
	rfc3986 := strings.ReplaceAll(query, "+", "%20")
	// encodeURIComponent leaves !'()* as they are.
	component := strings.NewReplacer("%21", "!", "%27", "'", "%28", "(", "%29", ")", "%2A", "*").Replace(rfc3986)
	quoted, _ := json.Marshal(s) // escapes <, > and & as encoding/json does by default
	var plain bytes.Buffer
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	unquote := func(b []byte) string { return string(b[1 : len(b)-1]) } // drop the quotes around the JSON string
	return []string{s, query, rfc3986, component, url.PathEscape(s), unquote(quoted), unquote(bytes.TrimSpace(plain.Bytes()))}
}

// Secrets returns the secret values of credential data: every field the
// type marks as a password, and every value the generic authenticate block
// sends (a header such as Api-Access-Token is a secret whatever its field).
func Secrets(t *node.CredentialType, data map[string]any, auth Auth) []string {
	var out []string
	if t != nil {
		for _, name := range t.SecretFields() {
			if s, ok := data[name].(string); ok {
				out = append(out, s)
			}
		}
	}
	for _, group := range [][]Pair{auth.Headers, auth.Query, auth.Body} {
		for _, p := range group {
			out = append(out, p.Value)
		}
	}
	if auth.Basic != nil {
		out = append(out, auth.Basic.Password)
	}
	return out
}

// String returns s with every secret masked.
func (r *Redactor) String(s string) string {
	if r == nil || r.replacer == nil {
		return s
	}
	return r.replacer.Replace(s)
}

// Contains reports whether s holds any secret.
func (r *Redactor) Contains(s string) bool {
	if r == nil {
		return false
	}
	for _, secret := range r.secrets {
		if strings.Contains(s, secret) {
			return true
		}
	}
	return false
}

// Writer wraps w so that every Write is redacted. It suits line-oriented
// writers such as zerolog, which write each event in one call.
func (r *Redactor) Writer(w io.Writer) io.Writer {
	if r == nil || r.replacer == nil {
		return w
	}
	return redactingWriter{r: r, w: w}
}

type redactingWriter struct {
	r *Redactor
	w io.Writer
}

func (rw redactingWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(rw.w, rw.r.String(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
