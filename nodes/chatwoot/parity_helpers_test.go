package chatwoot_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
	"github.com/noderun/noderun/runtime/runtimetest"
)

// parityIndex is testdata/parity/index.json.
type parityIndex struct {
	Operations []struct {
		Resource  string `json:"resource"`
		Operation string `json:"operation"`
		Method    string `json:"method"`
		URL       string `json:"url"`
	} `json:"operations"`
	Cases  []parityEntry `json:"cases"`
	byName map[string]parityEntry
}

// parityEntry is one case of the index.
type parityEntry struct {
	File      string   `json:"file"`
	Recording string   `json:"recording"`
	Resource  string   `json:"resource"`
	Operation string   `json:"operation"`
	Kind      string   `json:"kind"`
	Tags      []string `json:"tags"`
}

// name is the case file's name without ".json", e.g. "513-inboxes--…".
func (e parityEntry) name() string {
	return strings.TrimSuffix(filepath.Base(e.File), ".json")
}

func (e parityEntry) casePath() string { return filepath.Join(parityDir, filepath.FromSlash(e.File)) }

func (e parityEntry) recordingPath() string {
	return filepath.Join(parityDir, filepath.FromSlash(e.Recording))
}

func readParityIndex(t *testing.T) *parityIndex {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(parityDir, "index.json"))
	require.NoError(t, err)
	var idx parityIndex
	require.NoError(t, json.Unmarshal(b, &idx), "index.json")
	require.NotEmpty(t, idx.Cases, "index.json lists no case")
	idx.byName = map[string]parityEntry{}
	for _, e := range idx.Cases {
		_, dup := idx.byName[e.name()]
		require.False(t, dup, "index.json lists %s twice", e.File)
		idx.byName[e.name()] = e
	}
	return &idx
}

// checkParityIndex checks that the index and the case files agree, and
// that the index's operations are noderun's.
func checkParityIndex(t *testing.T, idx *parityIndex, nt *runtime.NodeType) {
	files, err := filepath.Glob(filepath.Join(parityDir, "cases", "*.json"))
	require.NoError(t, err)
	recordings := map[string]bool{}
	for _, e := range idx.Cases {
		assert.Equal(t, strings.TrimSuffix(e.File, ".json")+".out.json", e.Recording, "%s: recording name", e.File)
		assert.FileExists(t, e.casePath())
		assert.FileExists(t, e.recordingPath(), "%s has no recording", e.File)
		recordings[e.Recording] = true
	}
	for _, f := range files {
		rel := "cases/" + filepath.Base(f)
		if strings.HasSuffix(f, ".out.json") {
			assert.True(t, recordings[rel], "%s is the recording of no case in index.json", rel)
			continue
		}
		_, listed := idx.byName[strings.TrimSuffix(filepath.Base(f), ".json")]
		assert.True(t, listed, "%s is not in index.json", rel)
	}

	// The index holds n8n's operations as its description has them: the
	// generated descriptor must have the same ones, and each a main case.
	var want, got []string
	for _, op := range idx.Operations {
		want = append(want, fmt.Sprintf("%s / %s: %s %s", op.Resource, op.Operation, op.Method, op.URL))
	}
	for _, op := range nt.Description.Operations() {
		got = append(got, fmt.Sprintf("%s / %s: %s =%s", op.Resource, op.Name, op.Method, op.URL))
	}
	assert.Equal(t, want, got, "noderun's operations differ from n8n's")
	main := map[[2]string]bool{}
	for _, e := range idx.Cases {
		if e.Kind == "operation" {
			main[[2]string{e.Resource, e.Operation}] = true
		}
	}
	for _, op := range idx.Operations {
		assert.True(t, main[[2]string{op.Resource, op.Operation}], "%s / %s has no case of kind operation", op.Resource, op.Operation)
	}
}

// parityRow is one row of the differences table.
type parityRow struct {
	fixture string
	parityDeviation
}

// parityDeviation is how a documented difference changes the comparison of one
// fixture.
type parityDeviation interface {
	difference() *parityDifference
	// adjust changes what noderun is expected to do (x.want) and the
	// answers it is served (x.responses) before the run. It fails when the
	// recording does not have the shape the row relies on.
	adjust(x *parityCase) error
}

// parityCase is one fixture being compared.
type parityCase struct {
	// c is the case with @ORACLE_URL@ left in place.
	c   *runtimetest.Case
	n8n *runtimetest.Recording
	// responses are served to noderun in arrival order.
	responses []runtimetest.Response
	want      parityWant
	// omit lists the body and query keys noderun may leave out (onlyIfSet).
	omit parityOmit
	// omitted is set when a key was left out under the onlyIfSet rule.
	omitted bool
	// described is set when noderun gave an error a description where
	// n8n has none, which the comparison accepts.
	described bool
	// used records the differences this fixture showed.
	used map[*parityDifference]bool
}

// parityWant is what noderun must have sent and output.
type parityWant struct {
	requests         []runtimetest.Request
	orderIndependent bool
	output           []parityWantItem
	err              *parityWantError
	// hint allows an error description to go on with the Chatwoot node's
	// explanation (hintedDescription).
	hint bool
	// truePairing checks every output's pairedItem against its true
	// source item instead of n8n's (truePairing).
	truePairing bool
}

type parityWantItem struct {
	json       any
	pairedItem *node.PairedItem
	err        *parityWantError
	// errorJSON: json is {error: <the item's error message>} (F6), for an
	// error whose message is matched by prefix.
	errorJSON bool
}

type parityWantError struct {
	runtimetest.Error
	// messagePrefix: noderun's message need only start with Message.
	messagePrefix bool
	// descriptionContains must be part of noderun's description.
	descriptionContains string
}

const parityPlaceholder = "@ORACLE_URL@"

// loadParityCase reads a fixture and starts the expectation from n8n's
// recording.
func loadParityCase(t *testing.T, nt *runtime.NodeType, e parityEntry) *parityCase {
	t.Helper()
	c, err := runtimetest.ReadCase(e.casePath(), parityPlaceholder)
	require.NoError(t, err)
	rec, err := runtimetest.ReadRecording(e.recordingPath())
	require.NoError(t, err)
	b, err := json.Marshal(c.Responses)
	require.NoError(t, err)
	// The server is started with the responses, before its URL is known.
	require.NotContains(t, string(b), parityPlaceholder, "canned responses naming the server URL cannot be replayed")
	x := &parityCase{c: c, n8n: rec, responses: append([]runtimetest.Response(nil), c.Responses...),
		used: map[*parityDifference]bool{}}
	x.want.requests = append([]runtimetest.Request(nil), rec.Requests...)
	x.want.orderIndependent = rec.OrderIndependent
	for _, o := range rec.Output {
		x.want.output = append(x.want.output, parityWantItem{json: o.JSON, pairedItem: o.PairedItem, err: parityExactError(o.Error)})
	}
	x.want.err = parityExactError(rec.Error)
	x.omit, err = parityOnlyIfSet(nt.Description, c)
	require.NoError(t, err)
	return x
}

func parityExactError(e *runtimetest.Error) *parityWantError {
	if e == nil {
		return nil
	}
	return &parityWantError{Error: *e}
}

// items returns the case's input items (one empty item when absent).
func (x *parityCase) items() []node.Item {
	if len(x.c.Items) == 0 {
		return []node.Item{{JSON: map[string]any{}}}
	}
	return x.c.Items
}

// response is the answer to the i-th request, past the list the oracle's
// echo.
func (x *parityCase) response(i int) runtimetest.Response {
	if i < len(x.responses) {
		return x.responses[i]
	}
	return runtimetest.Response{Status: 200, Body: map[string]any{"id": 1.0, "echo": true}}
}

// parityNormalized gives noderun's recording the types n8n's has after
// decoding (float64 numbers, plain maps).
func parityNormalized(t *testing.T, r *runtimetest.Recording) *runtimetest.Recording {
	t.Helper()
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var out runtimetest.Recording
	require.NoError(t, json.Unmarshal(b, &out))
	return &out
}

// The deviations, one type per documented difference.

// hintedDescription: a 401/404 description is n8n's, then " — " and the hint.
type hintedDescription struct{}

func (hintedDescription) difference() *parityDifference { return diffErrorHint }

func (hintedDescription) adjust(x *parityCase) error {
	x.want.hint = true // used once a description needed it (compareError)
	return nil
}

// strictExpression: noderun fails the item with the expression's runtime
// error (E5) and sends no request for it; n8n sent one.
type strictExpression struct {
	parameter string
	// class is the JavaScript error class that starts the message.
	class string
}

func (strictExpression) difference() *parityDifference { return diffExpressionErrors }

func (d strictExpression) adjust(x *parityCase) error {
	if len(x.items()) != 1 {
		return errors.New("supports one input item")
	}
	if len(x.n8n.Requests) == 0 {
		return errors.New("n8n sent no request: the recording does not show a swallowed expression error")
	}
	x.used[diffExpressionErrors] = true
	e := &parityWantError{Error: runtimetest.Error{Name: runtime.NameNodeOperationError, Message: d.class + ": "},
		messagePrefix: true, descriptionContains: fmt.Sprintf("in parameter %q", d.parameter)}
	x.want.requests = nil
	x.want.orderIndependent = false
	if x.c.ContinueOnFail {
		x.want.output = []parityWantItem{{errorJSON: true, pairedItem: node.Paired(0), err: e}}
		x.want.err = nil
		return nil
	}
	x.want.output = nil
	x.want.err = e
	return nil
}

// optionIssue: the run stops with issues before any request.
type optionIssue struct {
	// issue is the sentence noderun lists.
	issue string
}

func (optionIssue) difference() *parityDifference { return diffUnknownOption }

func (d optionIssue) adjust(x *parityCase) error {
	if len(x.n8n.Requests) == 0 || x.n8n.Error != nil {
		return errors.New("n8n did not run the node")
	}
	x.used[diffUnknownOption] = true
	x.want.requests = nil
	x.want.output = nil
	x.want.err = &parityWantError{Error: runtimetest.Error{Name: runtime.NameWorkflowHasIssues,
		Message: "The 'ChatWoot' node has issues:\n- " + d.issue}}
	return nil
}

// inputIssue: strict inputs stop the run with issues before any request.
type inputIssue struct {
	// issues are the sentences noderun lists, in order.
	issues []string
}

func (inputIssue) difference() *parityDifference { return diffStrictInputs }

func (d inputIssue) adjust(x *parityCase) error {
	if len(x.n8n.Requests) == 0 || x.n8n.Error != nil {
		return errors.New("n8n did not run the node")
	}
	x.used[diffStrictInputs] = true
	x.want.requests = nil
	x.want.output = nil
	x.want.err = &parityWantError{Error: runtimetest.Error{Name: runtime.NameWorkflowHasIssues,
		Message: "The 'ChatWoot' node has issues:\n- " + strings.Join(d.issues, "\n- ")}}
	return nil
}

// truePairing: pairedItem is each output's true source item.
type truePairing struct{}

func (truePairing) difference() *parityDifference { return diffTruePairing }

func (truePairing) adjust(x *parityCase) error {
	x.want.truePairing = true // used once n8n's pairing was not the truth (comparePairing)
	return nil
}

// stopsAtFailure: without continue-on-fail noderun sends the requests of
// the items up to the first failed one; n8n sent them all.
type stopsAtFailure struct{}

func (stopsAtFailure) difference() *parityDifference { return diffStopsAtFailure }

func (stopsAtFailure) adjust(x *parityCase) error {
	items := x.items()
	if x.c.ContinueOnFail || x.n8n.Error == nil || len(x.n8n.Requests) != len(items) {
		return errors.New("supports a failed run without continue-on-fail and one request per item")
	}
	// One request per item, and n8n's arrived in item order (the request
	// comparison checks each one's content): item i got the i-th answer.
	for i := range items {
		if x.response(i).Status < 400 {
			continue
		}
		if i+1 < len(x.want.requests) {
			x.used[diffStopsAtFailure] = true
		}
		x.want.requests = x.want.requests[:i+1]
		return nil
	}
	return errors.New("no answer failed an item")
}

// nullBodyItem: a JSON null body is one item with json null.
type nullBodyItem struct{}

func (nullBodyItem) difference() *parityDifference { return diffNullBody }

func (nullBodyItem) adjust(x *parityCase) error {
	const crash = "Cannot read properties of null (reading '$error')"
	if x.n8n.Error == nil || x.n8n.Error.Message != crash || len(x.items()) != 1 {
		return fmt.Errorf("the recording is not n8n's one-item crash %q", crash)
	}
	if len(x.responses) == 0 || x.responses[0].Body != "null" {
		return errors.New("the first answer is not a JSON null body")
	}
	x.used[diffNullBody] = true
	x.want.err = nil
	x.want.output = []parityWantItem{{json: nil, pairedItem: node.Paired(0)}}
	return nil
}

// Comparison.

// compare returns every way got differs from the expectation.
func (x *parityCase) compare(got *runtimetest.Recording) []string {
	var problems []string
	problems = append(problems, x.compareRequests(got.Requests)...)
	if len(got.Output) != len(x.want.output) {
		problems = append(problems, fmt.Sprintf("output: %d items, n8n %d\n  noderun: %s\n  n8n:     %s",
			len(got.Output), len(x.want.output), parityJSON(got.Output), parityJSON(x.n8n.Output)))
	} else {
		for i := range got.Output {
			problems = append(problems, x.compareItem(i, x.want.output[i], got.Output[i])...)
		}
		problems = append(problems, x.comparePairing(got)...)
	}
	problems = append(problems, x.compareError("node error", x.want.err, got.Error)...)
	return problems
}

// compareRequests matches noderun's requests with n8n's: in order, or as
// a multiset when n8n sent them concurrently (order_independent).
func (x *parityCase) compareRequests(got []runtimetest.Request) []string {
	want := x.want.requests
	if len(got) != len(want) {
		return []string{fmt.Sprintf("requests: noderun sent %d, n8n %d\n  noderun: %s\n  n8n:     %s",
			len(got), len(want), parityRequestLines(got), parityRequestLines(want))}
	}
	var problems []string
	matched := make([]bool, len(want))
	for i, g := range got {
		j := i
		if x.want.orderIndependent {
			for k := range want {
				if !matched[k] && len(x.compareRequest(want[k], g, false)) == 0 {
					j = k
					break
				}
			}
		}
		matched[j] = true
		for _, p := range x.compareRequest(want[j], g, true) {
			problems = append(problems, fmt.Sprintf("request %d (%s %s): %s", i, g.Method, g.Path, p))
		}
	}
	return problems
}

// parityComparedHeaders are the headers the node description and credential
// set; transport headers are left out by the recordings (and the replay
// server) already.
var parityComparedHeaders = []string{"accept", "content-type", "api-access-token"}

// parityHopHeaders are hop-by-hop headers of one HTTP stack, not of the
// node: n8n's proxy agent adds Proxy-Connection: close (548).
var parityHopHeaders = map[string]bool{"proxy-connection": true}

// compareRequest compares one request; record marks the onlyIfSet rule as
// used.
func (x *parityCase) compareRequest(want, got runtimetest.Request, record bool) []string {
	var problems []string
	if got.Method != want.Method {
		problems = append(problems, fmt.Sprintf("method %s, n8n %s", got.Method, want.Method))
	}
	if got.Path != want.Path {
		problems = append(problems, fmt.Sprintf("path %q, n8n %q", got.Path, want.Path))
	}
	if got.AbsoluteURL != want.AbsoluteURL {
		problems = append(problems, fmt.Sprintf("proxy absolute_url %q, n8n %q", got.AbsoluteURL, want.AbsoluteURL))
	}
	for _, h := range parityComparedHeaders {
		gv, gok := got.Headers[h]
		wv, wok := want.Headers[h]
		if gv != wv || gok != wok {
			problems = append(problems, fmt.Sprintf("header %s: %s, n8n %s", h, parityHeader(gv, gok), parityHeader(wv, wok)))
		}
	}
	for _, side := range []struct {
		who     string
		headers map[string]string
	}{{"noderun", got.Headers}, {"n8n", want.Headers}} {
		for h := range side.headers {
			if !parityContains(parityComparedHeaders, h) && !parityHopHeaders[h] {
				problems = append(problems, fmt.Sprintf("%s sent header %s, which the replay does not compare", side.who, h))
			}
		}
	}
	problems = append(problems, x.compareKeys("query", want.Query, got.Query, x.omit.query, record)...)
	wantBody, wantObj := want.Body.(map[string]any)
	gotBody, gotObj := got.Body.(map[string]any)
	if wantObj && got.Body == nil && len(wantBody) > 0 {
		// Every key left out: noderun sends no body, as for {} (R11).
		gotBody, gotObj = map[string]any{}, true
	}
	if wantObj && gotObj {
		problems = append(problems, x.compareKeys("body", wantBody, gotBody, x.omit.body, record)...)
	} else if !reflect.DeepEqual(want.Body, got.Body) {
		problems = append(problems, fmt.Sprintf("body %s, n8n %s", parityJSON(got.Body), parityJSON(want.Body)))
	}
	return problems
}

// compareKeys compares a body or query key by key: a key only n8n sent
// must be one noderun may leave out; any other difference is a failure.
func (x *parityCase) compareKeys(where string, want, got map[string]any, omittable map[string]bool, record bool) []string {
	var problems []string
	for _, k := range paritySortedKeys(want) {
		g, ok := got[k]
		switch {
		case !ok && omittable[parityRootKey(k)]:
			if record {
				x.omitted = true
			}
		case !ok:
			problems = append(problems, fmt.Sprintf("%s key %q missing; n8n sent %s", where, k, parityJSON(want[k])))
		case !reflect.DeepEqual(g, want[k]):
			problems = append(problems, fmt.Sprintf("%s key %q = %s, n8n %s", where, k, parityJSON(g), parityJSON(want[k])))
		}
	}
	for _, k := range paritySortedKeys(got) {
		if _, ok := want[k]; !ok {
			problems = append(problems, fmt.Sprintf("%s key %q = %s, which n8n did not send", where, k, parityJSON(got[k])))
		}
	}
	return problems
}

func (x *parityCase) compareItem(i int, want parityWantItem, got runtimetest.OutputItem) []string {
	var problems []string
	where := fmt.Sprintf("output %d", i)
	wantJSON := want.json
	if want.errorJSON && got.Error != nil {
		wantJSON = map[string]any{"error": got.Error.Message}
	}
	if !reflect.DeepEqual(got.JSON, wantJSON) {
		problems = append(problems, fmt.Sprintf("%s json %s, n8n %s", where, parityJSON(got.JSON), parityJSON(wantJSON)))
	}
	problems = append(problems, x.compareError(where+" error", want.err, got.Error)...)
	return problems
}

// comparePairing checks pairedItem: n8n's where it set one, or the true
// source item under truePairing.
func (x *parityCase) comparePairing(got *runtimetest.Recording) []string {
	if x.want.truePairing {
		truth, err := x.trueSources(got)
		if err != nil {
			return []string{"pairedItem: " + err.Error()}
		}
		var problems []string
		for i, o := range got.Output {
			if o.PairedItem == nil || o.PairedItem.Item != truth[i] || o.PairedItem.Input != nil {
				problems = append(problems, fmt.Sprintf("output %d pairedItem %s, its source is item %d", i, parityJSON(o.PairedItem), truth[i]))
			}
			if n := x.want.output[i].pairedItem; n == nil || n.Item != truth[i] {
				x.used[diffTruePairing] = true
			}
		}
		return problems
	}
	var problems []string
	for i, o := range got.Output {
		if want := x.want.output[i].pairedItem; !reflect.DeepEqual(o.PairedItem, want) {
			problems = append(problems, fmt.Sprintf("output %d pairedItem %s, n8n %s", i, parityJSON(o.PairedItem), parityJSON(want)))
		}
	}
	return problems
}

// trueSources derives each output's source item from the run: noderun
// sends one request per item in item order (MaxConcurrency 1), so item i
// got the i-th answer, and an array answer gives one item per element.
func (x *parityCase) trueSources(got *runtimetest.Recording) ([]int, error) {
	items := x.items()
	if len(got.Requests) != len(items) || got.Error != nil {
		return nil, fmt.Errorf("cannot derive the true source items: %d requests for %d items", len(got.Requests), len(items))
	}
	var truth []int
	for i := range items {
		body := x.response(i).Body
		if s, ok := body.(string); ok {
			var v any
			if json.Unmarshal([]byte(s), &v) == nil {
				body = v
			}
		}
		n := 1
		if arr, ok := body.([]any); ok {
			n = len(arr)
		}
		for range n {
			truth = append(truth, i)
		}
	}
	if len(truth) != len(got.Output) {
		return nil, fmt.Errorf("the answers give %d items, noderun output %d", len(truth), len(got.Output))
	}
	return truth, nil
}

// compareError compares an error: name, message and httpCode exactly, the
// description where n8n has one (with the Chatwoot hint under hintedDescription).
func (x *parityCase) compareError(where string, want *parityWantError, got *runtimetest.Error) []string {
	switch {
	case want == nil && got == nil:
		return nil
	case want == nil:
		return []string{fmt.Sprintf("%s %s; n8n had none", where, parityJSON(got))}
	case got == nil:
		return []string{fmt.Sprintf("%s missing; n8n: %s", where, parityJSON(want.Error))}
	}
	var problems []string
	if got.Name != want.Name {
		problems = append(problems, fmt.Sprintf("%s name %q, n8n %q", where, got.Name, want.Name))
	}
	if got.Message != want.Message && !(want.messagePrefix && strings.HasPrefix(got.Message, want.Message)) {
		problems = append(problems, fmt.Sprintf("%s message %q, n8n %q", where, got.Message, want.Message))
	}
	if !reflect.DeepEqual(got.HTTPCode, want.HTTPCode) {
		problems = append(problems, fmt.Sprintf("%s httpCode %s, n8n %s", where, parityJSON(got.HTTPCode), parityJSON(want.HTTPCode)))
	}
	gotDesc := ""
	if got.Description != nil {
		gotDesc = *got.Description
	}
	if want.Description != nil && gotDesc != *want.Description {
		hinted := false
		if x.want.hint {
			rest, ok := strings.CutPrefix(gotDesc, *want.Description+" — ")
			hinted = ok && strings.HasPrefix(rest, "Chatwoot ")
		}
		if hinted {
			x.used[diffErrorHint] = true
		} else {
			problems = append(problems, fmt.Sprintf("%s description %q, n8n %q", where, gotDesc, *want.Description))
		}
	}
	if want.Description == nil && got.Description != nil {
		x.described = true
	}
	if want.descriptionContains != "" && !strings.Contains(gotDesc, want.descriptionContains) {
		problems = append(problems, fmt.Sprintf("%s description %q does not contain %q", where, gotDesc, want.descriptionContains))
	}
	return problems
}

// The onlyIfSet rule.

// parityOmit lists the root body and query keys that noderun may leave
// out of a fixture's requests.
type parityOmit struct {
	body, query map[string]bool
}

// parityOnlyIfSet decides from the descriptor which keys n8n sends
// from a default that noderun leaves out: every visible property that
// sends the key has send.onlyIfSet, and the case stores none of them.
func parityOnlyIfSet(d *node.Description, c *runtimetest.Case) (parityOmit, error) {
	type sender struct {
		name      string
		onlyIfSet bool
	}
	senders := map[string]map[string][]sender{"body": {}, "query": {}}
	for i := range d.Properties {
		p := &d.Properties[i]
		visible, err := parityVisible(p, c)
		if err != nil {
			return parityOmit{}, err
		}
		if !visible || p.Routing == nil || p.Routing.Send == nil || p.Routing.Send.Property == "" {
			continue
		}
		s := p.Routing.Send
		if strings.HasPrefix(s.Property, "=") {
			return parityOmit{}, fmt.Errorf("property %s sends to an expression key %q: not supported by the parity test", p.Name, s.Property)
		}
		where := "query"
		if s.Type == "body" {
			where = "body"
		}
		key := s.Property
		if s.InDotNotation() {
			key = parityRootKey(strings.SplitN(key, ".", 2)[0])
		}
		senders[where][key] = append(senders[where][key], sender{name: p.Name, onlyIfSet: s.OnlyIfSet})
	}
	omit := parityOmit{body: map[string]bool{}, query: map[string]bool{}}
	for where, byKey := range senders {
		for key, list := range byKey {
			ok := true
			for _, s := range list {
				_, stored := c.Parameters[s.name]
				ok = ok && s.onlyIfSet && !stored
			}
			if where == "body" {
				omit.body[key] = ok
			} else {
				omit.query[key] = ok
			}
		}
	}
	return omit, nil
}

// parityVisible evaluates a property's displayOptions for a case; the
// Chatwoot description conditions on resource and operation only.
func parityVisible(p *node.Property, c *runtimetest.Case) (bool, error) {
	if p.DisplayOptions == nil {
		return true, nil
	}
	value := func(name string) (any, error) {
		switch name {
		case "resource":
			return c.Resource, nil
		case "operation":
			return c.Operation, nil
		}
		return nil, fmt.Errorf("property %s: displayOptions on %q are not supported by the parity test", p.Name, name)
	}
	for name, values := range p.DisplayOptions.Show {
		v, err := value(name)
		if err != nil {
			return false, err
		}
		if !parityContainsStrict(values, v) {
			return false, nil
		}
	}
	for name, values := range p.DisplayOptions.Hide {
		v, err := value(name)
		if err != nil {
			return false, err
		}
		if parityContainsStrict(values, v) {
			return false, nil
		}
	}
	return true, nil
}

func parityContainsStrict(values []any, v any) bool {
	for _, x := range values {
		if node.StrictEqual(x, v) {
			return true
		}
	}
	return false
}

// parityRootKey is the top-level name of a query or body key: "q" for
// "q[text]", "labels" for "labels[0]".
func parityRootKey(k string) string {
	if i := strings.IndexByte(k, '['); i > 0 {
		return k[:i]
	}
	return k
}

func parityContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func paritySortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func parityHeader(v string, ok bool) string {
	if !ok {
		return "absent"
	}
	return fmt.Sprintf("%q", v)
}

func parityRequestLines(reqs []runtimetest.Request) string {
	lines := make([]string, len(reqs))
	for i, r := range reqs {
		lines[i] = r.Method + " " + r.Path
	}
	return "[" + strings.Join(lines, ", ") + "]"
}

func parityJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(b)
}
