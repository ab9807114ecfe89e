package schema

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzValidateDescription feeds arbitrary bytes, seeded with the fixtures of
// testdata/descriptors, to both validators. Beyond not panicking, the
// findings must be well formed and in order, and the JSON Schema must catch
// everything node's decoder rejects: a document the schema accepts but that
// does not decode, with no known cause to point at, is a gap in the schema.
//
//	go test ./schema -run '^$' -fuzz FuzzValidateDescription -fuzztime 2m
func FuzzValidateDescription(f *testing.F) {
	err := filepath.WalkDir("../testdata/descriptors", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".golden.json") || !strings.HasSuffix(p, ".json") {
			return err
		}
		raw, err := os.ReadFile(p)
		// The 300 KB Chatwoot description would make every mutation of it
		// cost a full validation; the small fixtures hold the same shapes.
		if len(raw) < 64<<10 {
			f.Add(raw)
		}
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	var v Validator
	f.Fuzz(func(t *testing.T, raw []byte) {
		_, nodeDiags := v.ValidateDescription(raw)
		_, credDiags := v.ValidateCredentialType(raw)
		for _, ds := range []Diagnostics{nodeDiags, credDiags} {
			ordered := slices.IsSortedFunc(ds, func(a, b Diagnostic) int {
				if c := comparePointers(a.Pointer, b.Pointer); c != 0 {
					return c
				}
				return strings.Compare(a.Message, b.Message)
			})
			if !ordered {
				t.Fatalf("diagnostics out of order: %v", ds)
			}
			for i, d := range ds {
				if d.Severity != SeverityError && d.Severity != SeverityWarning {
					t.Fatalf("diagnostic %d has severity %q", i, d.Severity)
				}
				if d.Message == "" {
					t.Fatalf("diagnostic %d has no message", i)
				}
				if d.Pointer != "" && !strings.HasPrefix(d.Pointer, "/") {
					t.Fatalf("diagnostic %d has pointer %q", i, d.Pointer)
				}
				if strings.Contains(d.Message, "does not decode into noderun's model") {
					t.Fatalf("schema gap: %s", d)
				}
				if i > 0 && ds[i-1] == d {
					t.Fatalf("diagnostic %d repeats: %s", i, d)
				}
			}
		}
	})
}
