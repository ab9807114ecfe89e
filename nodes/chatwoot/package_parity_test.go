package chatwoot_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/nodes/chatwoot"
	"github.com/noderun/noderun/nodes/n8npackage"
	"github.com/noderun/noderun/runtime/runtimetest"
)

// TestParityPackage replays the parity fixtures through the node type
// loaded from the published package (its description built by
// n8n-openapi-node inside goja) instead of the built-in node.
func TestParityPackage(t *testing.T) {
	dir := runtimetest.PeerPackage(t, "@devlikeapro/n8n-nodes-chatwoot")
	ctx := context.Background()
	pkg, err := n8npackage.Load(ctx, dir)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, pkg.Close()) })
	nt, err := pkg.NodeType(ctx, chatwoot.N8nType, 0)
	require.NoError(t, err)
	table := packageParityTable()
	summary := replayParity(t, nt, table)
	t.Run("summary", func(t *testing.T) {
		assert.Equal(t, len(readParityIndex(t).Cases), summary.count(), "fixtures that match n8n")
		// The published description has no send.onlyIfSet where the
		// built-in's adds it: the package sends n8n's defaults as n8n does.
		assert.Empty(t, summary.omitted, "fixtures where the package left out a default n8n sent")
		t.Log(summary.String())
	})
}

// packageParityTable is parityTable as it applies to the published
// package's node type. The package runs as published, so the built-in
// node's own additions do not apply and those fixtures must match n8n's
// recording exactly: the 401/404 hint is the built-in's ExplainError
// (chatwoot.NodeType), which the loaded node type has not. The runtime's
// differences (strict expressions and inputs, pairing, stopping at the
// first failure, null bodies) apply to every node type and stay, with
// packageRowWording's rows in place of the built-in's.
func packageParityTable() []parityRow {
	var table []parityRow
	for _, r := range parityTable {
		if r.difference() == diffErrorHint {
			continue
		}
		if d, ok := packageRowWording[r.fixture]; ok && d.difference() == r.difference() {
			r.parityDeviation = d
		}
		table = append(table, r)
	}
	return table
}

// packageRowWording holds the rows whose expected text differs for the
// package: noderun names the parameters that would show a hidden one in
// the description's declaration order, and n8n-openapi-node declares
// displayOptions.show with resource before operation where the built-in
// description (chatwoot.node.json) has operation first.
var packageRowWording = map[string]parityDeviation{
	"557-contacts--contact-list--hidden-parameters-dropped": inputIssue{issues: []string{
		`Unknown parameter "bogus". The parameters are "account_id" (Account Id), "operation" (Operation), "page" (Page), "requestOptions" (Request Options), "resource" (Resource) and "sort" (Sort).`,
		`Parameter "id" (Id) is not used here: it applies only to other values of "resource" or "operation". Remove it.`,
		`Parameter "inbox_id" (Inbox Id) is not used here: it applies only to other values of "resource" or "operation". Remove it.`,
		`Parameter "name" (Name) is not used here: it applies only to other values of "resource" or "operation". Remove it.`,
		`Parameter "q" (Q) is not used here: it applies only to other values of "resource" or "operation". Remove it.`,
		`Parameter "status" (Status) is not used here: it applies only to other values of "resource" or "operation". Remove it.`}},
}
