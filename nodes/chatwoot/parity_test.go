package chatwoot_test

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/nodes/chatwoot"
	"github.com/noderun/noderun/runtime"
	"github.com/noderun/noderun/runtime/expr"
	"github.com/noderun/noderun/runtime/runtimetest"
)

// parityDir holds the fixtures recorded from real n8n 2.41 running the
// Chatwoot community node (testdata/parity/README.md).
var parityDir = filepath.Join("..", "..", "testdata", "parity")

// parityDifference is one documented way noderun deliberately differs from
// n8n. The README's "Differences from n8n" table has a line for each, with
// the fixtures the table below lists for it.
type parityDifference struct {
	name string
	// what noderun does differently, and why.
	what, why string
}

var (
	diffErrorHint = &parityDifference{
		name: "401/404 hint",
		what: "A 401 or 404 error's description is n8n's followed by \" — \" and which token the operation needs, or which identifiers to check (quoting Chatwoot's own 401 reason).",
		why:  "Chatwoot has three token kinds (user, agent bot, platform app); n8n's \"Request failed with status code 401\" does not say which one the operation needs.",
	}
	diffExpressionErrors = &parityDifference{
		name: "expression runtime errors are errors",
		what: "A TypeError, a bad JSON.parse or JSON.parse of an object inside {{ }} fails the item (NodeOperationError naming the parameter and the expression); n8n silently uses undefined (or \"\" in mixed text) and sends the request without the value. expr.Options.Lenient restores n8n's behaviour exactly (checked on the same fixtures).",
		why:  "A silently empty path segment or dropped body field sends the wrong request to a real service (571: GET /conversations/).",
	}
	diffUnknownOption = &parityDifference{
		name: "option values outside the list are issues",
		what: "A stored options value that matches no option (including a noDataExpression resource or operation given an expression) stops the run before any request with WorkflowHasIssuesError naming the parameter and the closest options; n8n sends the value anyway, and for resource/operation sends GET {baseURL}/.",
		why:  "Such a value is almost always a typo or an expression where none is allowed; n8n's GET to the base URL returns the web app's HTML as if it were data.",
	}
	diffStrictInputs = &parityDifference{
		name: "strict inputs",
		what: "A parameter name the selected operation does not show, a number parameter given text, a boolean given a string, or an options value outside the list (none of them an expression) stops the run before any request with WorkflowHasIssuesError naming each parameter, with the closest names; n8n drops the unknown names and sends the values as they are. runtime.CheckNone (exec --lenient-inputs) restores n8n's behaviour exactly (checked on the same fixtures); runtime.CheckWorkflow (exec --workflow) ignores names the node declares for other operations.",
		why:  "A misspelt parameter is silently ignored and the request sent without it; `account_id: \"abc\"` sends /accounts/abc/. An expression (\"=acme\") still sends any value.",
	}
	diffTruePairing = &parityDifference{
		name: "pairedItem is the true source item",
		what: "Every output item is paired with the input item whose response produced it; n8n pairs by position when the output count equals the input count (even when wrong) and sets none when the counts differ.",
		why:  "Downstream $('Node').item lookups need a correct pairing.",
	}
	diffStopsAtFailure = &parityDifference{
		name: "stops at the first failed item",
		what: "Without continue-on-fail, once an item fails noderun starts no further item and cancels the requests in flight (at most Engine.MaxConcurrency); n8n sends every item's request, then fails with the first failed item in index order. Both report that same item's error.",
		why:  "The run has failed and its output is discarded: requests sent after the failure would only cause side effects (542 creates a contact nobody sees).",
	}
	diffNullBody = &parityDifference{
		name: "JSON null body is an item",
		what: "A JSON null response body gives one item with json null; n8n's workflow crashes with \"Cannot read properties of null (reading '$error')\".",
		why:  "null is a valid JSON body; crashing the workflow on it is an n8n bug.",
	}
)

// parityDifferences lists the differences in README order.
var parityDifferences = []*parityDifference{
	diffErrorHint, diffExpressionErrors, diffUnknownOption, diffStrictInputs, diffTruePairing, diffStopsAtFailure, diffNullBody,
}

// parityTable lists every fixture where noderun deliberately differs from
// n8n: the fixture, the difference, and how the comparison changes (the
// row's adjust method). A fixture not listed must match n8n exactly, except
// that a body or query key n8n sent from a default the case did not set may
// be absent when the descriptor sends it only if set (parityOnlyIfSet), and
// that noderun may describe an error n8n leaves without description. Each
// row must be exercised: its fixture must exist and show the difference.
var parityTable = []parityRow{
	// The description may go on with the Chatwoot hint.
	{"063-help-center--update-new-portal-to-account", hintedDescription{}},
	{"514-contacts--contact-list--401-no-token-family", hintedDescription{}},
	{"515-contacts--contact-list--401-invalid-token", hintedDescription{}},
	{"516-users--get-details-of-a-user--401-platform-continue", hintedDescription{}},
	{"517-accounts--get-details-of-an-account--401-non-permissible", hintedDescription{}},
	{"518-contacts--contact-filter--401-bot-token-continue", hintedDescription{}},
	{"520-teams--create-a-team--401-not-admin", hintedDescription{}},
	{"521-conversations--get-details-of-a-conversation--404-account-family", hintedDescription{}},
	{"522-contacts-api--get-details-of-a-contact--404-public-family-continue", hintedDescription{}},
	{"523-inbox-api--get-details-of-a-inbox--404-message-body", hintedDescription{}},
	{"541-contacts--contact-create--mixed-continue", hintedDescription{}},
	{"542-contacts--contact-create--mixed-stop", hintedDescription{}},
	{"558-contacts--contact-details--id-string-and-number", hintedDescription{}},
	{"571-conversations--get-details-of-a-conversation--expression-typeerror", hintedDescription{}}, // lenient run: n8n's GET /conversations/ gets the 404
	{"579-contacts-api--get-details-of-a-contact--required-empty-expression", hintedDescription{}},

	// The item fails with the expression's error and sends nothing; a
	// lenient run must match n8n.
	{"571-conversations--get-details-of-a-conversation--expression-typeerror", strictExpression{parameter: "conversation_id", class: "TypeError"}},
	{"572-canned-responses--add-new-canned-response-to-account--expression-typeerror-mixed", strictExpression{parameter: "content", class: "TypeError"}},
	{"576-users--create-a-user--invalid-json", strictExpression{parameter: "custom_attributes", class: "SyntaxError"}},
	{"577-contacts-api--create-a-contact--json-object-expression", strictExpression{parameter: "custom_attributes", class: "SyntaxError"}},
	{"582-conversations-api--create-a-conversation--body-only-undefined", strictExpression{parameter: "custom_attributes", class: "SyntaxError"}},

	// No request; the run stops with these issues.
	{"569-contacts--contact-list--no-data-expression-operation", optionIssue{issue: `Parameter "Operation" has no option "{{ \"Contact List\" }}". Did you mean "Contact List"?`}},
	{"570-contacts--contact-list--no-data-expression-resource", optionIssue{issue: `Parameter "Resource" has no option "{{ \"Contacts\" }}". Did you mean "Contacts" or "Contact"?`}},

	// Strict inputs: no request; an n8n-lenient run must match n8n.
	{"065-help-center--add-new-article-to-account", inputIssue{issues: []string{
		`Parameter "portal_id" (Portal Id) must be a number, not the text "acme".`}}},
	{"557-contacts--contact-list--hidden-parameters-dropped", inputIssue{issues: []string{
		`Unknown parameter "bogus". The parameters are "account_id" (Account Id), "operation" (Operation), "page" (Page), "requestOptions" (Request Options), "resource" (Resource) and "sort" (Sort).`,
		`Parameter "id" (Id) is not used here: it applies only to other values of "operation" or "resource". Remove it.`,
		`Parameter "inbox_id" (Inbox Id) is not used here: it applies only to other values of "operation" or "resource". Remove it.`,
		`Parameter "name" (Name) is not used here: it applies only to other values of "operation" or "resource". Remove it.`,
		`Parameter "q" (Q) is not used here: it applies only to other values of "operation" or "resource". Remove it.`,
		`Parameter "status" (Status) is not used here: it applies only to other values of "operation" or "resource". Remove it.`}}},
	{"580-conversations--toggle-status-of-a-conversation--option-not-in-list", inputIssue{issues: []string{
		`Parameter "status" (Status) has no option "snoozed". The options are "open", "pending" and "resolved". To send a value the list lacks, write it as an expression: "=snoozed".`}}},

	// pairedItem must be the true source item, not n8n's.
	{"502-teams--list-all-teams--array-three-inputs", truePairing{}},
	{"503-teams--get-team-members--array-positional-pairing", truePairing{}},

	// Requests up to the first failed item only.
	{"542-contacts--contact-create--mixed-stop", stopsAtFailure{}},

	// One item with json null instead of n8n's crash.
	{"513-inboxes--get-inbox-agent-bot--json-null-body", nullBodyItem{}},
}

// TestParity replays every n8n fixture through noderun's Chatwoot node and
// compares what was sent and output with n8n's recording, request by
// request and item by item, modulo the documented differences above.
func TestParity(t *testing.T) {
	nt, err := chatwoot.NodeType()
	require.NoError(t, err)
	summary := replayParity(t, nt, parityTable)
	t.Run("summary", func(t *testing.T) {
		assert.Equal(t, len(readParityIndex(t).Cases), summary.count(), "fixtures that match n8n")
		t.Log(summary.String())
		t.Log("\n" + parityREADMETable())
	})
}

// replayParity replays every fixture through nt, comparing modulo the
// table's rows, and returns how the fixtures that passed matched.
func replayParity(t *testing.T, nt *runtime.NodeType, table []parityRow) *paritySummary {
	t.Helper()
	idx := readParityIndex(t)
	t.Run("index", func(t *testing.T) { checkParityIndex(t, idx, nt) })

	rows := map[string][]parityRow{}
	for _, r := range table {
		require.Contains(t, idx.byName, r.fixture, "table row names a fixture that is not in index.json")
		require.Contains(t, parityDifferences, r.difference(), "%s: the difference %q is not in parityDifferences (the README table)", r.fixture, r.difference().name)
		rows[r.fixture] = append(rows[r.fixture], r)
	}
	var summary paritySummary
	for _, entry := range idx.Cases {
		name := entry.name()
		t.Run(name, func(t *testing.T) {
			used := map[*parityDifference]bool{}
			strict := runParity(t, nt, entry, rows[name], parityStrict, used)
			lenient, lenientInputs := false, false
			for _, r := range rows[name] {
				switch r.difference() {
				case diffExpressionErrors:
					lenient = true
				case diffStrictInputs:
					lenientInputs = true
				}
			}
			if lenient {
				// The strongest evidence that E5 is the only difference:
				// with n8n's lenient expressions noderun sends what n8n sent.
				runParity(t, nt, entry, rows[name], parityLenient, used)
			}
			if lenientInputs {
				// Likewise: without strict inputs noderun does what n8n did.
				runParity(t, nt, entry, rows[name], parityLenientInputs, used)
			}
			for _, r := range rows[name] {
				assert.True(t, used[r.difference()], "table row %q (%s) is not exercised: the fixture no longer shows the difference; remove the row", name, r.difference().name)
			}
			if !t.Failed() {
				summary.add(name, rows[name], strict)
			}
		})
	}
	return &summary
}

// parityMode selects how a fixture is run.
type parityMode int

const (
	// parityStrict is noderun as shipped.
	parityStrict parityMode = iota
	// parityLenient swallows expression runtime errors as n8n does (E5).
	parityLenient
	// parityLenientInputs drops unknown parameters and sends values of
	// any kind, as n8n does (runtime.CheckNone).
	parityLenientInputs
)

// runParity runs one fixture and compares; it returns the comparison's
// bookkeeping.
func runParity(t *testing.T, nt *runtime.NodeType, entry parityEntry, rows []parityRow, mode parityMode, used map[*parityDifference]bool) *parityCase {
	t.Helper()
	x := loadParityCase(t, nt, entry)
	for _, r := range rows {
		if mode == parityLenient && r.difference() == diffExpressionErrors ||
			mode == parityLenientInputs && r.difference() == diffStrictInputs {
			continue
		}
		if err := r.adjust(x); err != nil {
			t.Fatalf("table row %s (%s): %v", r.fixture, r.difference().name, err)
		}
	}
	srv := runtimetest.NewServer(t, x.responses)
	c, err := runtimetest.ReadCase(entry.casePath(), srv.URL)
	require.NoError(t, err)
	c.Responses = x.responses
	opts := runtimetest.Options{}
	if mode == parityLenientInputs {
		opts.InputCheck = runtime.CheckNone
	}
	if mode == parityLenient {
		engine := &runtime.Engine{MaxConcurrency: 1, Retry: runtime.RetryPolicy{Disabled: true}, Expressions: expr.Options{Lenient: true}}
		t.Cleanup(engine.CloseIdleConnections)
		opts.Engine = engine
	}
	got := parityNormalized(t, runtimetest.RunCaseOn(t, srv, nt, c, opts))
	for _, p := range x.compare(got) {
		t.Errorf("%s run: %s", mode, p)
	}
	for d := range x.used {
		used[d] = true
	}
	return x
}

func (m parityMode) String() string {
	switch m {
	case parityLenient:
		return "lenient"
	case parityLenientInputs:
		return "lenient-inputs"
	}
	return "strict"
}

// paritySummary counts how each fixture matched.
type paritySummary struct {
	exact   []string // identical to n8n
	omitted []string // identical but for optional defaults not sent
	// described lists fixtures where noderun describes an error n8n
	// gives no description.
	described []string
	byDiff    map[string][]string // difference name -> fixtures
}

func (s *paritySummary) add(name string, rows []parityRow, x *parityCase) {
	if x.described {
		s.described = append(s.described, name)
	}
	if len(rows) == 0 && !x.omitted {
		s.exact = append(s.exact, name)
		return
	}
	if x.omitted {
		s.omitted = append(s.omitted, name)
	}
	if s.byDiff == nil {
		s.byDiff = map[string][]string{}
	}
	seen := map[string]bool{}
	for _, r := range rows {
		d := r.difference().name
		if !seen[d] {
			seen[d] = true
			s.byDiff[d] = append(s.byDiff[d], name)
		}
	}
}

// count is the number of fixtures that matched, one way or another.
func (s *paritySummary) count() int {
	n := len(s.exact)
	seen := map[string]bool{}
	for _, f := range s.omitted {
		seen[f] = true
	}
	for _, list := range s.byDiff {
		for _, f := range list {
			seen[f] = true
		}
	}
	return n + len(seen)
}

func (s *paritySummary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d fixtures match: %d exactly; %d with optional defaults not sent (onlyIfSet): %s\n",
		s.count(), len(s.exact), len(s.omitted), strings.Join(parityNumbers(s.omitted), ", "))
	fmt.Fprintf(&b, "noderun describes an error n8n leaves without description in %d: %s\n",
		len(s.described), strings.Join(parityNumbers(s.described), ", "))
	for _, d := range parityDifferences {
		list := s.byDiff[d.name]
		fmt.Fprintf(&b, "%d via %q: %s\n", len(list), d.name, strings.Join(parityNumbers(list), ", "))
	}
	return b.String()
}

// parityREADMETable renders the table rows of the README's "Differences
// from n8n" section for the differences the replay tolerates.
func parityREADMETable() string {
	var b strings.Builder
	b.WriteString("| what noderun does differently | why | fixture(s) that show it |\n|---|---|---|\n")
	for _, d := range parityDifferences {
		var fixtures []string
		for _, r := range parityTable {
			if r.difference() == d {
				fixtures = append(fixtures, r.fixture)
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", d.what, d.why, strings.Join(parityNumbers(fixtures), ", "))
	}
	return b.String()
}

// parityNumbers returns the distinct fixture numbers (the NNN prefix), sorted.
func parityNumbers(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		num, _, _ := strings.Cut(n, "-")
		if !seen[num] {
			seen[num] = true
			out = append(out, num)
		}
	}
	sort.Strings(out)
	return out
}

// TestParityOnlyIfSetRule pins the rule that lets noderun leave out a key
// n8n sent from a default: only keys whose every visible sender has
// send.onlyIfSet, and only while the case stores none of those parameters.
func TestParityOnlyIfSetRule(t *testing.T) {
	nt, err := chatwoot.NodeType()
	require.NoError(t, err)
	tests := []struct {
		name                  string
		c                     runtimetest.Case
		omittable, mustSend   []string // body keys
		omittableQ, mustSendQ []string // query keys
	}{
		{
			name: "optional body fields not stored",
			c: runtimetest.Case{Resource: "Messages", Operation: "Create A New Message In A Conversation",
				Parameters: map[string]any{"account_id": 3, "conversation_id": 44, "content": "Hello", "private": true}},
			omittable: []string{"message_type", "content_type", "content_attributes", "template_params"},
			// content has no onlyIfSet; private is stored.
			mustSend: []string{"content", "private"},
		},
		{
			name: "required query parameters are always sent",
			c: runtimetest.Case{Resource: "Reports", Operation: "List All Conversation Statistics",
				Parameters: map[string]any{"account_id": 3, "since": "1700000000"}},
			omittableQ: []string{"id", "until"},
			mustSendQ:  []string{"metric", "type", "since"},
		},
		{
			name: "a property of another operation is not visible",
			c: runtimetest.Case{Resource: "Reports", Operation: "List All Conversation Statistics",
				Parameters: map[string]any{"account_id": 3}},
			mustSend: []string{"message_type"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			omit, err := parityOnlyIfSet(nt.Description, &tt.c)
			require.NoError(t, err)
			for _, k := range tt.omittable {
				assert.True(t, omit.body[k], "body key %s", k)
			}
			for _, k := range tt.mustSend {
				assert.False(t, omit.body[k], "body key %s", k)
			}
			for _, k := range tt.omittableQ {
				assert.True(t, omit.query[k], "query key %s", k)
			}
			for _, k := range tt.mustSendQ {
				assert.False(t, omit.query[k], "query key %s", k)
			}
		})
	}
}

// TestParityRedirectMethod checks how a redirect is followed, against
// three runs of the oracle (n8n 2.41, axios/follow-redirects) recorded on
// 2026-11-25 that are not fixtures yet: a PUT or DELETE answered 301 is
// repeated with its method, body and Content-Type; a POST answered 302
// becomes a GET without body or Content-Type.
func TestParityRedirectMethod(t *testing.T) {
	nt, err := chatwoot.NodeType()
	require.NoError(t, err)
	moved := func(status int) []runtimetest.Response {
		return []runtimetest.Response{
			{Status: status, Headers: map[string]string{"Location": "/moved"}, Body: ""},
			{Status: 200, Body: map[string]any{"id": 42}},
		}
	}
	tests := []struct {
		name       string
		c          runtimetest.Case
		wantMethod string
		// keepsBody: the second request repeats the first's body and
		// Content-Type.
		keepsBody bool
	}{
		{"PUT 301", runtimetest.Case{Resource: "Contacts", Operation: "Contact Update",
			Parameters: map[string]any{"account_id": 3, "id": 42, "name": "Ada"}, Responses: moved(301)}, "PUT", true},
		{"DELETE 301", runtimetest.Case{Resource: "Contacts", Operation: "Contact Delete",
			Parameters: map[string]any{"account_id": 3, "id": 42}, Responses: moved(301)}, "DELETE", true},
		{"POST 302", runtimetest.Case{Resource: "Teams", Operation: "Create A Team",
			Parameters: map[string]any{"account_id": 3, "name": "Night"}, Responses: moved(302)}, "GET", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.c.Credentials = map[string]any{"accessToken": "tok"}
			got := runtimetest.RunCase(t, nt, &tt.c, runtimetest.Options{})
			require.Nil(t, got.Error)
			require.Len(t, got.Requests, 2)
			first, second := got.Requests[0], got.Requests[1]
			assert.Equal(t, "/moved", second.Path)
			assert.Equal(t, tt.wantMethod, second.Method)
			assert.Equal(t, "tok", second.Headers["api-access-token"])
			assert.NotContains(t, second.Headers, "referer", "axios sends no Referer")
			if tt.keepsBody {
				assert.Equal(t, first.Body, second.Body)
				assert.Equal(t, "application/json", second.Headers["content-type"])
			} else {
				assert.NotNil(t, first.Body)
				assert.Nil(t, second.Body)
				assert.NotContains(t, second.Headers, "content-type")
			}
		})
	}
}
