package n8npackage_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes/n8npackage"
	"github.com/noderun/noderun/runtime/runtimetest"
)

// testdata/oracle holds what n8n 2.41.1 holds in memory after loading,
// recorded with the peer harness (observed facts, not n8n code):
//
//	node oracle-base.js --describe n8n-nodes-base.TYPE VERSION > TYPE-VERSION.json
//	node oracle.js --describe > chatwoot.json   (its "credential" renamed "credentials")
//
// each gzipped. TestPeerDescriptionsMatchN8n loads the same packages and
// requires every field the node model keeps to equal n8n's.

func TestPeerDescriptionsMatchN8n(t *testing.T) {
	ctx := context.Background()
	base, err := n8npackage.Load(ctx, runtimetest.PeerPackage(t, "n8n-nodes-base"))
	require.NoError(t, err)
	defer base.Close()
	chatwoot, err := n8npackage.Load(ctx, runtimetest.PeerPackage(t, "@devlikeapro/n8n-nodes-chatwoot"))
	require.NoError(t, err)
	defer chatwoot.Close()

	files, err := filepath.Glob(filepath.Join("testdata", "oracle", "*.json.gz"))
	require.NoError(t, err)
	require.Len(t, files, 30)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json.gz")
		t.Run(name, func(t *testing.T) {
			oracle := readGzipJSON(t, file)
			pkg, typ, version := base, name, 1.0
			if name == "chatwoot" {
				pkg, typ = chatwoot, "chatWoot"
			} else {
				i := strings.LastIndex(name, "-")
				typ = name[:i]
				version, err = strconv.ParseFloat(name[i+1:], 64)
				require.NoError(t, err)
			}
			n, err := pkg.Node(ctx, typ)
			require.NoError(t, err)
			d, err := n.Description(version)
			require.NoError(t, err)
			nt, err := pkg.NodeType(ctx, typ, version)
			require.NoError(t, err)
			// n8n's record holds the types the node names; the types
			// they extend, attached as well, are compared where named.
			named := map[string]*node.CredentialType{}
			for _, ref := range d.Credentials {
				if ct, ok := nt.CredentialTypes[ref.Name]; ok {
					named[ref.Name] = ct
				}
			}
			ours := map[string]any{"node": d, "credentials": named}
			var diffs []string
			subset(normalize(roundTrip(t, ours)), normalize(oracle), "", &diffs)
			require.Empty(t, diffs, "fields that differ from n8n's")
		})
	}
}

func readGzipJSON(t *testing.T, file string) map[string]any {
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	gz, err := gzip.NewReader(f)
	require.NoError(t, err)
	var v map[string]any
	require.NoError(t, json.NewDecoder(gz).Decode(&v))
	return v
}

func roundTrip(t *testing.T, v any) map[string]any {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

var hookName = regexp.MustCompile(`^[^#]+@[0-9.]+#/`)

// normalize makes the two sides comparable where they only differ in
// form: hook names stand where n8n holds functions (JSON gives null or
// nothing), absent and empty or false values are alike (the model omits
// them), a one-element version list is its element, and Request Options
// are runtime.NewNodeType's and tested there.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if k == "version" {
				if l, ok := e.([]any); ok && len(l) == 1 {
					e = l[0]
				}
			}
			if e = normalize(e); !isEmpty(e) {
				out[k] = e
			}
		}
		return out
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			if p, ok := e.(map[string]any); ok && p["name"] == "requestOptions" {
				continue
			}
			out = append(out, normalize(e))
		}
		return out
	case string:
		if hookName.MatchString(x) {
			return nil
		}
	}
	return v
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// subset records where ours has a value n8n does not, or a different one.
// Keys only n8n has are editor metadata the node model does not keep.
func subset(ours, n8n any, path string, diffs *[]string) {
	if len(*diffs) > 20 {
		return
	}
	switch o := ours.(type) {
	case map[string]any:
		m, ok := n8n.(map[string]any)
		if !ok {
			*diffs = append(*diffs, fmt.Sprintf("%s: ours an object, n8n's %T", path, n8n))
			return
		}
		for k, v := range o {
			w, ok := m[k]
			if !ok {
				*diffs = append(*diffs, fmt.Sprintf("%s/%s: only ours: %.120v", path, k, v))
				continue
			}
			subset(v, w, path+"/"+k, diffs)
		}
	case []any:
		l, ok := n8n.([]any)
		if !ok || len(l) != len(o) {
			*diffs = append(*diffs, fmt.Sprintf("%s: ours %d elements, n8n's %.120v", path, len(o), n8n))
			return
		}
		for i := range o {
			subset(o[i], l[i], path+"/"+strconv.Itoa(i), diffs)
		}
	default:
		if fmt.Sprint(ours) != fmt.Sprint(n8n) {
			*diffs = append(*diffs, fmt.Sprintf("%s: ours %.120v, n8n's %.120v", path, ours, n8n))
		}
	}
}
