package schema_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/descriptors")

// descriptorsDir holds the fixture corpus: valid/ (no errors, warnings
// allowed) and invalid/ (at least one error), each fixture named
// NAME.node.json (a node description) or NAME.credential.json (a credential
// type), next to NAME.node.golden.json or NAME.credential.golden.json, its
// exact expected diagnostics.
const descriptorsDir = "../testdata/descriptors"

type fixture struct {
	name   string // path under descriptorsDir, without .json
	file   string
	golden string
	kind   string // "node" or "credential"
	valid  bool
}

func fixtures(t testing.TB) []fixture {
	t.Helper()
	var out []fixture
	err := filepath.WalkDir(descriptorsDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".golden.json") || !strings.HasSuffix(p, ".json") {
			return err
		}
		rel, err := filepath.Rel(descriptorsDir, p)
		if err != nil {
			return err
		}
		base := strings.TrimSuffix(p, ".json")
		f := fixture{name: strings.TrimSuffix(filepath.ToSlash(rel), ".json"), file: p, golden: base + ".golden.json"}
		switch {
		case strings.HasSuffix(base, ".node"):
			f.kind = "node"
		case strings.HasSuffix(base, ".credential"):
			f.kind = "credential"
		default:
			t.Errorf("%s: fixture names end in .node.json or .credential.json", p)
			return nil
		}
		switch strings.SplitN(filepath.ToSlash(rel), "/", 2)[0] {
		case "valid":
			f.valid = true
		case "invalid":
		default:
			t.Errorf("%s: fixtures live under valid/ or invalid/", p)
			return nil
		}
		out = append(out, f)
		return nil
	})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(out), 25, "the corpus should hold at least 25 fixtures")
	return out
}

func validate(v *schema.Validator, kind string, raw []byte) schema.Diagnostics {
	if kind == "credential" {
		_, ds := v.ValidateCredentialType(raw)
		return ds
	}
	_, ds := v.ValidateDescription(raw)
	return ds
}

// TestFixtures replays every fixture against its golden diagnostics. Run
// `go test ./schema -update` to rewrite the goldens after a deliberate change.
func TestFixtures(t *testing.T) {
	var v schema.Validator
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(f.file)
			require.NoError(t, err)
			got := validate(&v, f.kind, raw)
			if got == nil {
				got = schema.Diagnostics{}
			}
			if f.valid {
				require.False(t, got.HasErrors(), "a valid fixture has errors: %v", got.Errors())
			} else {
				require.True(t, got.HasErrors(), "an invalid fixture has no errors")
			}
			if *update {
				var buf bytes.Buffer
				enc := json.NewEncoder(&buf)
				enc.SetEscapeHTML(false)
				enc.SetIndent("", "  ")
				require.NoError(t, enc.Encode(got))
				require.NoError(t, os.WriteFile(f.golden, buf.Bytes(), 0o644))
				return
			}
			goldenRaw, err := os.ReadFile(f.golden)
			require.NoError(t, err, "fixture without golden file; create it with go test ./schema -update")
			var want schema.Diagnostics
			require.NoError(t, json.Unmarshal(goldenRaw, &want))
			if want == nil {
				want = schema.Diagnostics{}
			}
			require.Equal(t, want, got)
		})
	}
}
