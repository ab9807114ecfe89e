package runtime_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/runtime"
)

// strictProps is a small node with every kind the strict check judges:
// operations, a number, a boolean, data options, multiOptions, a
// parameter of the other operation, a collection and a fixedCollection.
const strictProps = `[
  {"displayName":"Operation","name":"operation","type":"options","noDataExpression":true,"default":"list",
   "options":[{"name":"List","value":"list","routing":{"request":{"url":"/list"}}},
              {"name":"Get","value":"get","routing":{"request":{"url":"/get"}}}]},
  {"displayName":"Page","name":"page","type":"number","default":1,"displayOptions":{"show":{"operation":["list"]}}},
  {"displayName":"Archived","name":"archived","type":"boolean","default":false,"displayOptions":{"show":{"operation":["list"]}}},
  {"displayName":"Sort","name":"sort","type":"options","default":"asc","displayOptions":{"show":{"operation":["list"]}},
   "options":[{"name":"Ascending","value":"asc"},{"name":"Descending","value":"desc"}]},
  {"displayName":"Fields","name":"fields","type":"multiOptions","default":[],"displayOptions":{"show":{"operation":["list"]}},
   "options":[{"name":"Name","value":"name"},{"name":"Email","value":"email"}]},
  {"displayName":"Item ID","name":"item_id","type":"string","default":"","displayOptions":{"show":{"operation":["get"]}}},
  {"displayName":"Filters","name":"filters","type":"collection","default":{},"displayOptions":{"show":{"operation":["list"]}},
   "options":[{"displayName":"Label","name":"label","type":"string","default":""},
              {"displayName":"Limit","name":"limit","type":"number","default":50}]},
  {"displayName":"Headers","name":"headers","type":"fixedCollection","default":{},"typeOptions":{"multipleValues":true},
   "options":[{"displayName":"Header","name":"header","values":[
     {"displayName":"Name","name":"name","type":"string","default":""},
     {"displayName":"Value","name":"value","type":"string","default":""}]}]}
]`

func TestStrictParameters(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, nil)
	nt := description(t, rec.URL, `{"baseURL":"@URL@"}`, strictProps)
	engine, _ := newEngine(t)
	cases := []struct {
		name   string
		params map[string]any
		check  runtime.InputCheck
		issues []string
		paths  []string
	}{
		{name: "typo with suggestion", params: map[string]any{"operation": "list", "pagee": 2},
			issues: []string{`Unknown parameter "pagee". Did you mean "page" (Page)?`}, paths: []string{"pagee"}},
		{name: "transposed letters", params: map[string]any{"operation": "list", "pgae": 2},
			issues: []string{`Unknown parameter "pgae". Did you mean "page" (Page)?`}, paths: []string{"pgae"}},
		{name: "nothing close lists the names", params: map[string]any{"operation": "get", "zzzzzz": 1},
			issues: []string{`Unknown parameter "zzzzzz". The parameters are "headers" (Headers), "item_id" (Item ID), "operation" (Operation) and "requestOptions" (Request Options).`}},
		{name: "another operation's parameter", params: map[string]any{"operation": "get", "page": 2},
			issues: []string{`Parameter "page" (Page) is not used here: it applies only to other values of "operation". Remove it.`}},
		{name: "another operation's parameter from a workflow", params: map[string]any{"operation": "get", "page": 2}, check: runtime.CheckWorkflow},
		{name: "unknown name from a workflow", params: map[string]any{"operation": "list", "pagee": 2}, check: runtime.CheckWorkflow,
			issues: []string{`Unknown parameter "pagee". Did you mean "page" (Page)?`}},
		{name: "n8n drops everything", params: map[string]any{"operation": "get", "pagee": 2, "page": "x"}, check: runtime.CheckNone},
		{name: "number as text", params: map[string]any{"operation": "list", "page": "abc"},
			issues: []string{`Parameter "page" (Page) must be a number, not the text "abc".`}},
		{name: "numeric text and null are numbers", params: map[string]any{"operation": "list", "page": "2", "filters": map[string]any{"limit": nil}}},
		{name: "expressions are judged per item", params: map[string]any{"operation": "list", "page": "={{ 'x' }}", "archived": "={{ true }}", "sort": "=random"}},
		{name: "boolean as text", params: map[string]any{"operation": "list", "archived": "true"},
			issues: []string{`Parameter "archived" (Archived) must be true or false, not the text "true". Write true without quotes.`}},
		{name: "boolean as number", params: map[string]any{"operation": "list", "archived": 1.0},
			issues: []string{`Parameter "archived" (Archived) must be true or false, not 1.`}},
		{name: "option not in the list", params: map[string]any{"operation": "list", "sort": "dsc"},
			issues: []string{`Parameter "sort" (Sort) has no option "dsc". Did you mean "asc" or "desc"? To send a value the list lacks, write it as an expression: "=dsc".`}},
		{name: "multiOptions", params: map[string]any{"operation": "list", "fields": []any{"name", "emial"}},
			issues: []string{`Parameter "fields" (Fields) has no option "emial". Did you mean "email"? To send a value the list lacks, write it as an expression: "=emial".`},
			paths:  []string{"fields[1]"}},
		{name: "inside a collection", params: map[string]any{"operation": "list", "filters": map[string]any{"lable": "x", "limit": true}},
			issues: []string{
				`Unknown parameter "lable" in "filters" (Filters). Did you mean "label" (Label)?`,
				`Parameter "filters.limit" (Limit) must be a number, not true.`},
			paths: []string{"filters.lable", "filters.limit"}},
		{name: "collection not an object", params: map[string]any{"operation": "list", "filters": "x"},
			issues: []string{`Parameter "filters" (Filters) must be an object of its options, not the text "x".`}},
		{name: "inside a fixedCollection", params: map[string]any{"operation": "list",
			"headers": map[string]any{"header": []any{map[string]any{"name": "a", "value": "b"}, map[string]any{"nme": "c"}}}},
			issues: []string{`Unknown parameter "nme" in "headers.header[1]" (Header). Did you mean "name" (Name)?`},
			paths:  []string{"headers.header[1].nme"}},
		{name: "one entry where a list is expected", params: map[string]any{"operation": "list", "headers": map[string]any{"header": map[string]any{"name": "a"}}},
			issues: []string{`Group "headers.header" (Header) holds a list of entries, [{...}], not one object.`}},
		{name: "a list where one object is expected", params: map[string]any{"operation": "list", "requestOptions": map[string]any{"batching": map[string]any{"batch": []any{}}}},
			issues: []string{`Group "requestOptions.batching.batch" (Batching) holds one object, {...}, not a list.`}},
		{name: "nothing close in a collection", params: map[string]any{"operation": "list", "filters": map[string]any{"archivedOnly": true}},
			issues: []string{`Unknown parameter "archivedOnly" in "filters" (Filters). The parameters are "label" (Label) and "limit" (Limit).`}},
		{name: "unknown fixedCollection group", params: map[string]any{"operation": "list", "headers": map[string]any{"headr": []any{}}},
			issues: []string{`Unknown group "headr" in "headers" (Headers). Did you mean "header"?`}},
		{name: "request options are the node's", params: map[string]any{"operation": "list", "requestOptions": map[string]any{"timeot": 5}},
			issues: []string{`Unknown parameter "timeot" in "requestOptions" (Request Options). Did you mean "timeout" (Timeout)?`}},
		{name: "every problem at once", params: map[string]any{"operation": "list", "pagee": 1, "archived": "no"},
			issues: []string{
				`Parameter "archived" (Archived) must be true or false, not the text "no".`,
				`Unknown parameter "pagee". Did you mean "page" (Page)?`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := engine.Prepare(context.Background(), runtime.Run{Node: nt, Parameters: tc.params, InputCheck: tc.check})
			if tc.issues == nil {
				require.NoError(t, err)
				return
			}
			var issues *runtime.IssuesError
			require.True(t, errors.As(err, &issues), "want issues, got %v", err)
			assert.Equal(t, tc.issues, issues.Issues)
			if tc.paths != nil {
				assert.Equal(t, tc.paths, issues.Parameters)
			}
		})
	}
	assert.Empty(t, rec.requests(), "nothing is sent")
}

// A selector that matches nothing hides the intended operation's
// parameters: only the selector is reported, not each of them.
func TestStrictUnknownOperationReportsOnlyIt(t *testing.T) {
	t.Parallel()
	nt := description(t, "http://x", `{"baseURL":"@URL@"}`, strictProps)
	engine, _ := newEngine(t)
	_, err := engine.Prepare(context.Background(), runtime.Run{Node: nt, Parameters: map[string]any{"operation": "lst", "page": 2}})
	var issues *runtime.IssuesError
	require.True(t, errors.As(err, &issues))
	assert.Equal(t, []string{`Parameter "Operation" has no option "lst". Did you mean "list"?`}, issues.Issues)
}

func TestStrictCredentials(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, nil)
	nt := credNode(t, rec.URL, true, `{"baseURL":"@URL@"}`, `[]`, `{"headers":{"Authorization":"={{$credentials.token}}"}}`)
	engine, _ := newEngine(t)
	run := func(data map[string]any, check runtime.InputCheck) error {
		_, err := engine.Prepare(context.Background(), runtime.Run{Node: nt, Credentials: credentials.Map{"testApi": data}, InputCheck: check})
		return err
	}
	var issues *runtime.IssuesError
	err := run(map[string]any{"url": "http://x", "tokn": secretToken}, runtime.CheckStrict)
	require.True(t, errors.As(err, &issues), "%v", err)
	assert.Equal(t, []string{`Credential "testApi" (Test API) has no field "tokn". Did you mean "token" (Token)?`}, issues.Issues)
	assert.Equal(t, []string{"credentials.testApi.tokn"}, issues.Parameters)
	assert.NotContains(t, err.Error(), secretToken, "a field's value is never repeated")
	require.NoError(t, run(map[string]any{"url": "http://x", "tokn": secretToken}, runtime.CheckNone))

	// Required fields: the Chatwoot credential requires both of its fields.
	required := credNode(t, rec.URL, true, `{"baseURL":"@URL@"}`, `[]`, `{}`)
	ct := *required.CredentialTypes["testApi"]
	ct.Properties = append(ct.Properties[:0:0], ct.Properties...)
	ct.Properties[1].Required = true
	withRequired, err := runtime.NewNodeType(required.Description, &ct)
	require.NoError(t, err)
	_, err = engine.Prepare(context.Background(), runtime.Run{Node: withRequired, Credentials: credentials.Map{"testApi": {"url": "http://x"}}})
	require.True(t, errors.As(err, &issues), "%v", err)
	assert.Equal(t, []string{`Credential "testApi" (Test API) needs "token" (Token), which is missing.`}, issues.Issues)
}

// A description that names a credential type it was not given would send
// its requests without authentication: strictness refuses it, whether or
// not credential data was given.
func TestStrictUnknownCredentialType(t *testing.T) {
	t.Parallel()
	full := credNode(t, "http://x", true, `{"baseURL":"@URL@"}`, `[]`, `{}`)
	nt, err := runtime.NewNodeType(full.Description) // no credential types
	require.NoError(t, err)
	engine, _ := newEngine(t)
	for _, store := range []credentials.Store{nil, credentials.Map{"testApi": {"token": "x"}}} {
		_, err := engine.Prepare(context.Background(), runtime.Run{Node: nt, Credentials: store})
		var issues *runtime.IssuesError
		require.True(t, errors.As(err, &issues), "%v", err)
		assert.Contains(t, issues.Issues[0], `The node uses credential type "testApi", but that type was not given`)
	}
	_, err = engine.Prepare(context.Background(), runtime.Run{Node: nt, Credentials: credentials.Map{"testApi": {"token": "x"}}, InputCheck: runtime.CheckNone})
	require.NoError(t, err, "n8n's behaviour: the request goes out as the description says")
}

func TestTypeVersion(t *testing.T) {
	t.Parallel()
	nt := description(t, "http://x", `{"baseURL":"@URL@"}`, `[
	  {"displayName":"New","name":"fresh","type":"string","default":"","displayOptions":{"show":{"@version":[{"_cnd":{"gte":2}}]}}}]`)
	nt.Description.Version = []float64{1, 2}
	engine, _ := newEngine(t)
	_, err := engine.Prepare(context.Background(), runtime.Run{Node: nt, TypeVersion: 3})
	var issues *runtime.IssuesError
	require.True(t, errors.As(err, &issues), "%v", err)
	assert.Equal(t, []string{`Node type "testNode" has no typeVersion 3; it has 1, 2.`}, issues.Issues)

	p, err := engine.Prepare(context.Background(), runtime.Run{Node: nt, TypeVersion: 2, Parameters: map[string]any{"fresh": "x"}})
	require.NoError(t, err)
	assert.Equal(t, "x", p.Parameters()["fresh"])
	_, err = engine.Prepare(context.Background(), runtime.Run{Node: nt, TypeVersion: 1, Parameters: map[string]any{"fresh": "x"}})
	require.True(t, errors.As(err, &issues), "version 1 hides it: %v", err)
	assert.Contains(t, issues.Issues[0], `it applies only to other values of the node version`)
}

// A field a type declares replaces its parent's field of the same name, as
// n8n merges a type's properties over those of the types it extends: a
// parent's required field that the type fixes as hidden (an OAuth2 token
// URL) is not missing.
func TestStrictCredentialOverridesParent(t *testing.T) {
	t.Parallel()
	parent := `{"name":"baseApi","displayName":"Base","properties":[
	  {"displayName":"Token URL","name":"tokenUrl","type":"string","required":true,"default":""},
	  {"displayName":"Client ID","name":"clientId","type":"string","required":true,"default":""}]}`
	tests := []struct {
		name   string
		child  string
		issues []string
	}{
		{"the child fixes the field as hidden", `{"displayName":"Token URL","name":"tokenUrl","type":"hidden","default":"={{$self.host}}/token"}`, nil},
		{"the child declares it optional", `{"displayName":"Token URL","name":"tokenUrl","type":"string","default":""}`, nil},
		{"the child leaves it to the parent", `{"displayName":"Host","name":"other","type":"string","default":""}`,
			[]string{`Credential "childApi" (Child) needs "tokenUrl" (Token URL), which is missing.`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			child := `{"name":"childApi","displayName":"Child","extends":["baseApi"],"properties":[
			  {"displayName":"Host","name":"host","type":"string","default":""},` + tt.child + `]}`
			nt := nodeTypeJSON(t, "http://x", `{"displayName":"N","name":"n","version":1,"credentials":[{"name":"childApi","required":true}],"properties":[]}`, child, parent)
			engine, _ := newEngine(t)
			_, err := engine.Prepare(context.Background(), runtime.Run{Node: nt, Credentials: credentials.Map{"childApi": {"host": "http://h", "clientId": "c"}}})
			if tt.issues == nil {
				require.NoError(t, err)
				return
			}
			var issues *runtime.IssuesError
			require.True(t, errors.As(err, &issues), "%v", err)
			assert.Equal(t, tt.issues, issues.Issues)
		})
	}
}
