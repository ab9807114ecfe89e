package runtime_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
	"github.com/noderun/noderun/runtime/expr"
	"github.com/noderun/noderun/runtime/runtimetest"
)

const locatorDir = "../testdata/locators"

// locatorCase is an oracle-base case: the runtimetest fields plus the node
// it names and the URLs it points at the recording server.
type locatorCase struct {
	Node           string            `json:"node"`
	CredentialType string            `json:"credentialType"`
	RewriteURLs    map[string]string `json:"rewriteURLs"`
}

// loadExported loads a description as n8n's oracle-base.js --describe
// exported it (testdata/locators/descriptions), with each rewritten URL
// pointed at serverURL.
func loadExported(t *testing.T, name string, rewrite map[string]string, serverURL string) *runtime.NodeType {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(locatorDir, "descriptions", name+".json"))
	require.NoError(t, err)
	text := string(b)
	for from, to := range rewrite {
		text = strings.ReplaceAll(text, from, strings.ReplaceAll(to, "@ORACLE_URL@", serverURL))
	}
	var exported struct {
		Node        json.RawMessage   `json:"node"`
		Credentials []json.RawMessage `json:"credentials"`
	}
	require.NoError(t, json.Unmarshal([]byte(text), &exported))
	desc, err := node.DecodeDescription(exported.Node)
	require.NoError(t, err, name)
	var creds []*node.CredentialType
	for _, c := range exported.Credentials {
		ct, err := node.DecodeCredentialType(c)
		require.NoError(t, err, name)
		creds = append(creds, ct)
	}
	nt, err := runtime.NewNodeType(desc, creds...)
	require.NoError(t, err, name)
	return nt
}

// dropMissing forgets the null function slots at the given paths, for a
// case that compares only the requests: the functions shape the output,
// which noderun cannot reproduce without them.
func dropMissing(props []node.Property, paths []string) {
	var walk func(props []node.Property)
	drop := func(r *node.Routing) {
		if r != nil {
			r.Missing = slices.DeleteFunc(r.Missing, func(p string) bool { return slices.Contains(paths, p) })
		}
	}
	walk = func(props []node.Property) {
		for i := range props {
			p := &props[i]
			drop(p.Routing)
			for j := range p.Choices {
				drop(p.Choices[j].Routing)
			}
			walk(p.Children)
			for j := range p.Groups {
				walk(p.Groups[j].Values)
			}
		}
	}
	walk(props)
}

// requestsOnly lists the cases whose route holds a postReceive function in
// n8n: they replay with that slot dropped and compare the requests only.
var requestsOnly = map[string][]string{
	"17-gong-call-get--url": {"properties[2].options[0].routing.output.postReceive[0]"},
	"20-gong-user-get--id":  {"properties[9].options[0].routing.output.postReceive[0]"},
	"24-gong-call-getall--collection-locator": {"properties[2].options[1].routing.output.postReceive[0]",
		"properties[6].routing.output.postReceive[0]"},
	"25-gong-call-getall--collection-locator-invalid": {"properties[2].options[1].routing.output.postReceive[0]",
		"properties[6].routing.output.postReceive[0]"},
}

// TestLocatorParity replays resource-locator cases recorded from n8n
// 2.41.1 (n8n-nodes-base Okta, n8n, Currents and Gong) against the
// descriptions n8n held: locators in the path, query and body, mode
// extraction, stored __regex, validation failures.
func TestLocatorParity(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(locatorDir, "cases", "*.out.json"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 10)
	for _, out := range files {
		name := strings.TrimSuffix(filepath.Base(out), ".out.json")
		t.Run(name, func(t *testing.T) {
			casePath := strings.TrimSuffix(out, ".out.json") + ".json"
			b, err := os.ReadFile(casePath)
			require.NoError(t, err)
			var lc locatorCase
			require.NoError(t, json.Unmarshal(b, &lc))
			want, err := runtimetest.ReadRecording(out)
			require.NoError(t, err)

			first, err := runtimetest.ReadCase(casePath, "")
			require.NoError(t, err)
			srv2 := runtimetest.NewServer(t, first.Responses)
			c, err := runtimetest.ReadCase(casePath, srv2.URL)
			require.NoError(t, err)
			if c.Items == nil {
				c.Items = []node.Item{{JSON: map[string]any{}}}
			}
			nt := loadExported(t, strings.TrimPrefix(lc.Node, "n8n-nodes-base."), lc.RewriteURLs, srv2.URL)
			drop, partial := requestsOnly[name]
			if partial {
				dropMissing(nt.Description.Properties, drop)
			}
			// Lenient: n8n swallows expression runtime errors (E5), which
			// case 22 shows; noderun reports them by default.
			engine := &runtime.Engine{MaxConcurrency: 1, Retry: runtime.RetryPolicy{Disabled: true},
				Expressions: expr.Options{Lenient: true}}
			t.Cleanup(engine.CloseIdleConnections)
			// Inputs are checked as n8n checks them: the recordings carry the
			// harness's own credential fields (url) beside the type's.
			got := runtimetest.RunCaseOn(t, srv2, nt, c, runtimetest.Options{
				CredentialType: lc.CredentialType, Engine: engine, NodeName: "Node", InputCheck: runtime.CheckNone})

			assert.Equal(t, sortRequests(want.Requests), sortRequests(got.Requests), "requests")
			if partial {
				return
			}
			assert.Equal(t, want.Error, got.Error, "error")
			assert.Equal(t, want.Output, normalOutput(got.Output), "output")
		})
	}
}

// TestLocatorMissingFunction: without dropping the slot, the Gong route
// that n8n ends with a postReceive function fails before any request,
// naming the slot.
func TestLocatorMissingFunction(t *testing.T) {
	srv := runtimetest.NewServer(t, nil)
	nt := loadExported(t, "gong", nil, srv.URL)
	c, err := runtimetest.ReadCase(filepath.Join(locatorDir, "cases", "17-gong-call-get--url.json"), srv.URL)
	require.NoError(t, err)
	c.Items = []node.Item{{JSON: map[string]any{}}}
	got := runtimetest.RunCaseOn(t, srv, nt, c, runtimetest.Options{CredentialType: "gongApi", NodeName: "Node", InputCheck: runtime.CheckNone})
	require.NotNil(t, got.Error)
	assert.Equal(t, "properties[2].options[0].routing.output.postReceive[0] is a function n8n had that this JSON description lacks", got.Error.Message)
	assert.Empty(t, got.Requests)
}

func sortRequests(rs []runtimetest.Request) []runtimetest.Request {
	out := append([]runtimetest.Request{}, rs...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// normalOutput round-trips output through JSON, as the recording was.
func normalOutput(o []runtimetest.OutputItem) []runtimetest.OutputItem {
	b, _ := json.Marshal(o)
	var out []runtimetest.OutputItem
	_ = json.Unmarshal(b, &out)
	if out == nil {
		out = []runtimetest.OutputItem{}
	}
	return out
}

// TestSetKeyValueOrder: without n8n's leniency, the setKeyValue of case 22
// fails on the first key, in declaration order, that cannot be evaluated:
// always "db" (Go map order named a different key each run).
func TestSetKeyValueOrder(t *testing.T) {
	casePath := filepath.Join(locatorDir, "cases", "22-metabase-databases-getall--setkeyvalue-no-details.json")
	for range 8 {
		first, err := runtimetest.ReadCase(casePath, "")
		require.NoError(t, err)
		srv := runtimetest.NewServer(t, first.Responses)
		c, err := runtimetest.ReadCase(casePath, srv.URL)
		require.NoError(t, err)
		c.Items = []node.Item{{JSON: map[string]any{}}}
		nt := loadExported(t, "metabase", nil, srv.URL)
		engine := &runtime.Engine{MaxConcurrency: 1, Retry: runtime.RetryPolicy{Disabled: true}}
		t.Cleanup(engine.CloseIdleConnections)
		got := runtimetest.RunCaseOn(t, srv, nt, c, runtimetest.Options{CredentialType: "metabaseApi", NodeName: "Node", InputCheck: runtime.CheckNone, Engine: engine})
		require.NotNil(t, got.Error)
		require.Equal(t, "TypeError: Cannot read properties of undefined (reading 'db')", got.Error.Message)
	}
}

// TestMissingAuthenticate: a credential whose authenticate n8n held as a
// function (exported as {}) loads; a run with it fails before any request.
func TestMissingAuthenticate(t *testing.T) {
	srv := runtimetest.NewServer(t, nil)
	nt := loadExported(t, "okta", nil, srv.URL)
	ct, err := node.DecodeCredentialType([]byte(`{"name":"oktaApi","properties":[{"name":"url","type":"string","default":""}],"authenticate":{}}`))
	require.NoError(t, err)
	nt.CredentialTypes["oktaApi"] = ct
	c, err := runtimetest.ReadCase(filepath.Join(locatorDir, "cases", "01-okta-user-delete--id.json"), srv.URL)
	require.NoError(t, err)
	c.Items = []node.Item{{JSON: map[string]any{}}}
	got := runtimetest.RunCaseOn(t, srv, nt, c, runtimetest.Options{CredentialType: "oktaApi", NodeName: "Node", InputCheck: runtime.CheckNone})
	require.NotNil(t, got.Error)
	assert.Equal(t, `credential type "oktaApi": authenticate is a function n8n had that this JSON description lacks`, got.Error.Message)
	assert.Empty(t, got.Requests)
}

// TestMissingPagination: Gong's "Return All" holds a pagination function
// (exported as "operations": {}). Without Return All the route runs (case
// 24); with it, the item fails before any request, naming the slot.
func TestMissingPagination(t *testing.T) {
	srv := runtimetest.NewServer(t, nil)
	nt := loadExported(t, "gong", nil, srv.URL)
	dropMissing(nt.Description.Properties, requestsOnly["24-gong-call-getall--collection-locator"])
	c, err := runtimetest.ReadCase(filepath.Join(locatorDir, "cases", "24-gong-call-getall--collection-locator.json"), srv.URL)
	require.NoError(t, err)
	c.Items = []node.Item{{JSON: map[string]any{}}}
	c.Parameters["returnAll"] = true
	got := runtimetest.RunCaseOn(t, srv, nt, c, runtimetest.Options{CredentialType: "gongApi", NodeName: "Node", InputCheck: runtime.CheckNone})
	require.NotNil(t, got.Error)
	assert.Equal(t, "properties[5].routing.operations.pagination is a function n8n had that this JSON description lacks", got.Error.Message)
	assert.Empty(t, got.Requests)
}
