package schema

import (
	"encoding/json"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/node/jsontree"
)

// quickConforms parses raw and asks the quick checks.
func quickConforms(v *Validator, raw []byte) bool {
	var p jsontree.Parser
	doc, err := p.Parse(raw)
	return err == nil && v.compiled.descriptionConforms(doc)
}

// fullShapeErrors is what ValidateDescription asks gojsonschema and the
// letter-case walk when the quick check is not sure: the shape errors of
// raw, or false when raw is not JSON at all.
func fullShapeErrors(t testing.TB, v *Validator, raw []byte) (Diagnostics, bool) {
	t.Helper()
	tree, syntax := parseTree(raw)
	if syntax != nil {
		return nil, false
	}
	var errs Diagnostics
	for _, d := range v.compiled.shape(v.compiled.description, tree, reflect.TypeFor[node.Description]()) {
		if d.Severity == SeverityError {
			errs = append(errs, d)
		}
	}
	return errs, true
}

// descriptionFixtures reads every node description under testdata, the
// 300 KB Chatwoot description among them.
func descriptionFixtures(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir("../testdata/descriptors", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".node.json") {
			return err
		}
		out[p], err = os.ReadFile(p)
		return err
	})
	require.NoError(t, err)
	require.NotEmpty(t, out)
	return out
}

// TestQuickShapeAgreesOnFixtures: the quick check says yes to every
// fixture the full shape check passes (so valid descriptions take the fast
// way), but for repeated keys, which it is not sure of, and never to one
// the full check fails.
func TestQuickShapeAgreesOnFixtures(t *testing.T) {
	var v Validator
	v.init()
	require.NoError(t, v.err)
	for name, raw := range descriptionFixtures(t) {
		errs, isJSON := fullShapeErrors(t, &v, raw)
		quick := quickConforms(&v, raw)
		if !isJSON {
			continue // the strict decoder beside the quick check rejects it
		}
		if len(repeatedKeys(raw)) > 0 {
			require.False(t, quick, name)
			continue
		}
		require.Equal(t, len(errs) == 0, quick, "%s: full shape errors %v", name, errs)
	}
}

// TestQuickShapeNeverAcceptsWhatGojsonschemaRejects mutates the fixtures
// the way descriptions go wrong (a value of another type, a key removed,
// added or in other letter case, a number with a fraction or out of range)
// and holds the quick check to its promise: a yes only where gojsonschema
// and the letter-case walk find nothing. It also requires the quick check
// to say yes to most mutations they pass, or the fast way would be one in
// name only.
func TestQuickShapeNeverAcceptsWhatGojsonschemaRejects(t *testing.T) {
	var v Validator
	v.init()
	require.NoError(t, v.err)
	rng := rand.New(rand.NewPCG(7, 9))
	var agreedYes, fullYes, fullNo int
	fixtures := descriptionFixtures(t)
	for _, name := range slices.Sorted(maps.Keys(fixtures)) { // in order, for the seeded mutations
		raw := fixtures[name]
		if !decodes(raw) {
			continue
		}
		rounds := 300
		if len(raw) > 64<<10 {
			rounds = 40 // each round validates 300 KB twice
		}
		for range rounds {
			mutated, err := json.Marshal(mutate(rng, decoded(t, raw)))
			require.NoError(t, err)
			errs, _ := fullShapeErrors(t, &v, mutated)
			quick := quickConforms(&v, mutated)
			if quick {
				require.Empty(t, errs, "%s: the quick check passed a mutation gojsonschema rejects:\n%s", name, mutated)
			}
			// ValidateDescription's way splits the check between the
			// document and the decoder's visit of each property: the same
			// answer, for a document that decodes.
			_, decodeErr := node.DecodeDescription(mutated)
			_, fast := v.conformingDescription(mutated)
			require.Equal(t, quick && decodeErr == nil, fast, "%s:\n%s", name, mutated)
			if len(errs) == 0 {
				fullYes++
				if quick {
					agreedYes++
				}
			} else {
				fullNo++
			}
		}
	}
	t.Logf("mutations: %d rejected by the full check, %d passed, %d of them by the quick check too", fullNo, fullYes, agreedYes)
	require.Greater(t, fullNo, 1000, "the mutations should mostly break the shape")
	require.Greater(t, agreedYes*10, fullYes*9, "the quick check should pass ≥ 90%% of what the full check passes")
}

// TestQuickShapeSeesEveryCaseVariant renames, one at a time, every key of
// every small fixture to a case variant (first letter flipped) and holds
// the quick check to its promise for each: the schema must list the
// model's keys wherever the model decodes an object.
func TestQuickShapeSeesEveryCaseVariant(t *testing.T) {
	var v Validator
	v.init()
	require.NoError(t, v.err)
	variants, caught := 0, 0
	for name, raw := range descriptionFixtures(t) {
		if len(raw) > 64<<10 || !decodes(raw) {
			continue
		}
		for i := 0; ; i++ {
			mutated, ok := flipKey(decoded(t, raw), i)
			if !ok {
				break
			}
			b, err := json.Marshal(mutated)
			require.NoError(t, err)
			variants++
			errs, _ := fullShapeErrors(t, &v, b)
			if quickConforms(&v, b) {
				require.Empty(t, errs, "%s: key %d in other case passed the quick check:\n%s", name, i, b)
			} else {
				caught++
			}
		}
	}
	t.Logf("%d case variants, %d of them not passed by the quick check", variants, caught)
	require.Greater(t, variants, 500)
}

// flipKey flips the case of the first letter of the i-th object key met
// in a walk of doc, in key order; false when doc has fewer keys.
func flipKey(doc any, i int) (any, bool) {
	n := 0
	var walk func(v any) bool
	walk = func(v any) bool {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				if n == i && k != "" {
					r := k[:1]
					if f := strings.ToUpper(r); f != r {
						r = f
					} else {
						r = strings.ToLower(r)
					}
					x[r+k[1:]] = x[k]
					delete(x, k)
					return true
				}
				n++
				if walk(x[k]) {
					return true
				}
			}
		case []any:
			for _, e := range x {
				if walk(e) {
					return true
				}
			}
		}
		return false
	}
	return doc, walk(doc)
}

// mutate changes one randomly chosen place of a generic JSON tree.
func mutate(rng *rand.Rand, doc any) any {
	// Collect every container with the way to change it.
	type spot struct {
		obj map[string]any
		arr []any
		key string
		idx int
	}
	var spots []spot
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			spots = append(spots, spot{obj: x})
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			slices.Sort(keys) // deterministic for a seed
			for _, k := range keys {
				spots = append(spots, spot{obj: x, key: k})
				walk(x[k])
			}
		case []any:
			for i, e := range x {
				spots = append(spots, spot{arr: x, idx: i})
				walk(e)
			}
		}
	}
	walk(doc)
	if len(spots) == 0 {
		return doc
	}
	values := []any{"x", 1.5, 7.0, -3e9, true, nil, map[string]any{}, []any{}, []any{"a", 2.0},
		map[string]any{"Type": "x"}, map[string]any{"name": 1.0}, map[string]any{"url": "u", "bogus": true}}
	newKeys := []string{"Type", "Name", "ROUTING", "displayoptions", "extra", "value", "Options", "minValue", "request", "send", "preSend", "bogus"}
	s := spots[rng.IntN(len(spots))]
	pick := values[rng.IntN(len(values))]
	switch {
	case s.arr != nil:
		s.arr[s.idx] = pick
	case s.key == "":
		s.obj[newKeys[rng.IntN(len(newKeys))]] = pick
	default:
		switch rng.IntN(4) {
		case 0:
			delete(s.obj, s.key)
		case 1:
			v := s.obj[s.key]
			delete(s.obj, s.key)
			s.obj[strings.ToUpper(s.key[:1])+s.key[1:]] = v
		default:
			s.obj[s.key] = pick
		}
	}
	return doc
}

// decodes reports whether encoding/json reads raw into a generic tree
// (1e400 it does not).
func decodes(raw []byte) bool {
	var doc any
	return json.Unmarshal(raw, &doc) == nil
}

// decoded is a fresh generic tree of raw, for one mutation.
func decoded(t testing.TB, raw []byte) any {
	t.Helper()
	var doc any
	require.NoError(t, json.Unmarshal(raw, &doc))
	return doc
}

// FuzzQuickShape holds the quick check to its promise on arbitrary input:
// whatever it passes, gojsonschema and the letter-case walk pass.
//
//	go test ./schema -run '^$' -fuzz FuzzQuickShape -fuzztime 1m
func FuzzQuickShape(f *testing.F) {
	for _, raw := range descriptionFixtures(f) {
		if len(raw) < 64<<10 {
			f.Add(raw)
		}
	}
	var v Validator
	v.init()
	if v.err != nil {
		f.Fatal(v.err)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !quickConforms(&v, raw) {
			return
		}
		if errs, isJSON := fullShapeErrors(t, &v, raw); isJSON && len(errs) > 0 {
			t.Fatalf("the quick check passed what gojsonschema rejects: %v", errs)
		}
	})
}

// TestQuickShapeKnowsEveryKeyword: a keyword the quick check cannot
// evaluate stops compilation rather than being ignored.
func TestQuickShapeKnowsEveryKeyword(t *testing.T) {
	_, err := compileQuickShape("s.json", map[string][]byte{"s.json": []byte(`{"type":"object","properties":{"a":{"enum":[1,2]}}}`)})
	require.ErrorContains(t, err, `keyword "enum"`)
	_, err = compileQuickShape("s.json", map[string][]byte{"s.json": []byte(`{"$ref":"#/definitions/missing"}`)})
	require.ErrorContains(t, err, "no such definition")
}

// TestIsCaseVariantFoldsAsFoldKey: the ASCII shortcut folds as foldKey.
func TestIsCaseVariantFoldsAsFoldKey(t *testing.T) {
	q := &quickShape{folded: map[string]bool{foldKey("displayName"): true, foldKey("url"): true}}
	for key, want := range map[string]bool{
		"DisplayName": true, "DISPLAYNAME": true, "displayname": true, "URL": true, "Url": true,
		"display_name": false, "urls": false, "": false,
		"\u212Aey": false, "ur\u212A": false, // KELVIN SIGN folds with k, not l
		"Ürl": false,
	} {
		require.Equal(t, want, q.isCaseVariant([]byte(key)), key)
		require.Equal(t, q.folded[foldKey(key)], q.isCaseVariant([]byte(key)), key)
	}
}
