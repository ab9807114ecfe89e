package credentials

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

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
// it reads once URL-, JSON- or base64-encoded: a key sent in a query
// string is percent-encoded on the wire, an echoing server, a request URL
// in a log line or a JSON log field repeats that form, and credentials
// travel base64-encoded in Basic Authorization headers (pass
// "user:password", as Secrets does, to mask that header) and in tokens
// services build from them.
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
	return fromForms(list)
}

// fromForms builds a Redactor over already encoded, distinct forms.
func fromForms(list []string) *Redactor {
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
	forms := []string{s, query, rfc3986, component, url.PathEscape(s), unquote(quoted), unquote(bytes.TrimSpace(plain.Bytes()))}
	// base64 with and without padding, in both alphabets. The unpadded
	// form is also a prefix of the encoding of any longer text that
	// starts with the secret.
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		b64 := enc.EncodeToString([]byte(s))
		// The standard alphabet's + / = are percent-encoded in a query.
		forms = append(forms, b64, url.QueryEscape(b64))
	}
	return forms
}

// Join returns a Redactor that masks every secret of the given ones; nil
// Redactors are skipped.
func Join(rs ...*Redactor) *Redactor {
	uniq := map[string]bool{}
	var list []string
	for _, r := range rs {
		if r == nil {
			continue
		}
		for _, v := range r.secrets {
			if !uniq[v] {
				uniq[v] = true
				list = append(list, v)
			}
		}
	}
	return fromForms(list)
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
	if b := auth.Basic; b != nil {
		// The Authorization header carries base64("user:password"),
		// which masking the password alone does not reach.
		out = append(out, b.Password, b.Username+":"+b.Password)
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

// LogWriter is an io.Writer for loggers that outlive one run, above all
// the standard library's log package, which net/http writes to
// ("Unsolicited response received on idle HTTP channel starting with
// ..." quotes raw bytes a server sent). It masks the secrets of every
// Redactor currently registered with it. noderun's library never changes
// process-wide state, so an embedding program that runs nodes should
// route the standard logger through one, as the noderun command does:
//
//	lw := credentials.NewLogWriter(os.Stderr)
//	log.SetOutput(lw)
//	...
//	unregister := lw.Register(prepared.Redactor())
//	defer unregister()
//
// Each Write is masked on its own, so a logger must write a whole line
// (or event) per call, as log and zerolog do. It is safe for concurrent
// use.
type LogWriter struct {
	w       io.Writer
	mu      sync.Mutex
	next    int
	members map[int]*Redactor
	current atomic.Pointer[Redactor]
}

// NewLogWriter returns a LogWriter writing to w.
func NewLogWriter(w io.Writer) *LogWriter {
	return &LogWriter{w: w, members: map[int]*Redactor{}}
}

// Register adds r's secrets to those masked until the returned function
// is called. A nil r is allowed and masks nothing.
func (lw *LogWriter) Register(r *Redactor) (unregister func()) {
	lw.mu.Lock()
	id := lw.next
	lw.next++
	lw.members[id] = r
	lw.rebuildLocked()
	lw.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			lw.mu.Lock()
			delete(lw.members, id)
			lw.rebuildLocked()
			lw.mu.Unlock()
		})
	}
}

func (lw *LogWriter) rebuildLocked() {
	rs := make([]*Redactor, 0, len(lw.members))
	for _, r := range lw.members {
		rs = append(rs, r)
	}
	lw.current.Store(Join(rs...))
}

// Redactor returns a Redactor for every secret registered now.
func (lw *LogWriter) Redactor() *Redactor { return lw.current.Load() }

// Write masks p and writes it; it reports len(p) on success, as callers
// expect of a writer that may change the length of what it writes.
func (lw *LogWriter) Write(p []byte) (int, error) {
	r := lw.current.Load()
	if r == nil || r.replacer == nil {
		return lw.w.Write(p)
	}
	if _, err := io.WriteString(lw.w, r.String(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
