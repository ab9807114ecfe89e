package expr

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
)

// The fixture holds expressions evaluated by real n8n 2.41 (see its
// recordedWith field); every case is replayed here.
const fixturePath = "../../testdata/expressions/n8n-2.41.json"

type fixture struct {
	N8nVersion   string `json:"n8nVersion"`
	RecordedWith string `json:"recordedWith"`
	Defaults     struct {
		Now        string         `json:"now"`
		Timezone   string         `json:"timezone"`
		JSON       any            `json:"json"`
		StartItems []node.Item    `json:"startItems"`
		Parameters map[string]any `json:"parameters"`
		Workflow   struct {
			ID     string `json:"id"`
			Name   string `json:"name"`
			Active bool   `json:"active"`
		} `json:"workflow"`
		Execution struct {
			ID        string `json:"id"`
			Mode      string `json:"mode"`
			ResumeURL string `json:"resumeUrl"`
		} `json:"execution"`
		Vars map[string]any `json:"vars"`
	} `json:"defaults"`
	Cases []fixtureCase `json:"cases"`
}

type tagged struct {
	Type  string          `json:"type"`
	Value json.RawMessage `json:"value"`
	// JSON is the result's JSON.stringify in n8n, for types noderun hands
	// out as plain data (Interval, Map, Set, Error): a JSON text, or for
	// an Interval the parsed object.
	JSON json.RawMessage `json:"json"`
}

type fixtureCase struct {
	Name           string                     `json:"name"`
	Engine         string                     `json:"engine"`
	Expression     any                        `json:"expression"`
	Items          []node.Item                `json:"items"`
	ItemIndex      int                        `json:"itemIndex"`
	Parameters     map[string]any             `json:"parameters"`
	Timezone       string                     `json:"timezone"`
	NoWorkflowID   bool                       `json:"noWorkflowId"`
	ObjectAsString bool                       `json:"objectAsString"`
	Raw            map[string]json.RawMessage `json:"-"`
	Want           *tagged                    `json:"want"`
	WantError      *struct {
		Kind        string `json:"kind"`
		Name        string `json:"name"`
		Message     string `json:"message"`
		Description string `json:"description"`
	} `json:"wantError"`
	Swallowed *struct {
		Name    string `json:"name"`
		Message string `json:"message"`
	} `json:"swallowed"`
}

func loadFixture(t testing.TB) *fixture {
	t.Helper()
	b, err := os.ReadFile(fixturePath)
	require.NoError(t, err)
	var f fixture
	require.NoError(t, json.Unmarshal(b, &f))
	var raw struct {
		Cases []map[string]json.RawMessage `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(b, &raw))
	for i := range f.Cases {
		f.Cases[i].Raw = raw.Cases[i]
	}
	return &f
}

var kindNames = map[string]Kind{
	"syntax": KindSyntax, "runtime": KindRuntime, "reference": KindReference, "extension": KindExtension,
	"timeout": KindTimeout, "toolarge": KindTooLarge, "result": KindResult,
}

// fixtureNodes is the recorded workflow: Start ran, "Not Run" did not.
type fixtureNodes struct{ start []node.Item }

func (n fixtureNodes) Node(name string) (NodeData, bool) {
	switch name {
	case "Start":
		return NodeData{Executed: true, Items: n.start, Parameters: map[string]any{"sp": "start-param"}}, true
	case "Not Run":
		return NodeData{Parameters: map[string]any{}}, true
	}
	return NodeData{}, false
}

// fixtureParams resolves $parameter as n8n does: a top-level string
// expression is evaluated for the current item; objects are returned as stored.
type fixtureParams struct {
	eng    *Engine
	params map[string]any
	scope  *Scope
}

func (p *fixtureParams) Parameter(ctx context.Context, name string) (any, bool, error) {
	v, ok := p.params[name]
	if !ok {
		return nil, false, nil
	}
	if s, ok := v.(string); ok {
		r, err := p.eng.Compile(s).Eval(ctx, p.scope)
		return r, true, err
	}
	return v, true, nil
}

type engineKey struct {
	tz      string
	lenient bool
}

type engines struct {
	f      *fixture
	noFast bool
	mu     sync.Mutex
	m      map[engineKey]*Engine
}

func (e *engines) get(t testing.TB, tz string, lenient bool) *Engine {
	e.mu.Lock()
	defer e.mu.Unlock()
	k := engineKey{tz, lenient}
	if eng, ok := e.m[k]; ok {
		return eng
	}
	loc, err := time.LoadLocation(tz)
	require.NoError(t, err)
	now, err := time.Parse(time.RFC3339, e.f.Defaults.Now)
	require.NoError(t, err)
	eng := New(Options{Timezone: loc, Now: func() time.Time { return now }, Lenient: lenient,
		Vars: e.f.Defaults.Vars, Timeout: 500 * time.Millisecond})
	eng.noFast = e.noFast
	e.m[k] = eng
	return eng
}

func (f *fixture) scope(c *fixtureCase, eng *Engine) *Scope {
	items := c.Items
	if items == nil {
		j := f.Defaults.JSON
		if raw, ok := c.Raw["json"]; ok {
			_ = json.Unmarshal(raw, &j)
		}
		items = []node.Item{{JSON: j}}
	}
	for i := range items {
		items[i].PairedItem = node.Paired(min(i, len(f.Defaults.StartItems)-1))
	}
	params := c.Parameters
	if params == nil {
		params = f.Defaults.Parameters
	}
	s := &Scope{
		JSON:          items[c.ItemIndex].JSON,
		Binary:        items[c.ItemIndex].Binary,
		ItemIndex:     c.ItemIndex,
		Input:         Items(items),
		RawParameters: params,
		Nodes:         fixtureNodes{start: f.Defaults.StartItems},
		Node:          NodeInfo{Name: "Current", TypeVersion: 2},
		Workflow:      Workflow{ID: f.Defaults.Workflow.ID, Name: f.Defaults.Workflow.Name, Active: f.Defaults.Workflow.Active},
		Execution:     Execution{ID: f.Defaults.Execution.ID, Mode: f.Defaults.Execution.Mode, ResumeURL: f.Defaults.Execution.ResumeURL},
		PrevNode:      &PrevNode{Name: "Start"},
	}
	if c.NoWorkflowID {
		s.Workflow.ID = ""
	}
	if raw, ok := c.Raw["value"]; ok {
		s.HasValue = true
		_ = json.Unmarshal(raw, &s.Value)
	}
	s.Parameters = &fixtureParams{eng: eng, params: params, scope: s}
	return s
}

func (f *fixture) eval(ctx context.Context, c *fixtureCase, eng *Engine) (any, error) {
	s := f.scope(c, eng)
	if str, ok := c.Expression.(string); ok {
		x := eng.Compile(str)
		if c.ObjectAsString {
			return x.EvalObjectAsString(ctx, s)
		}
		return x.Eval(ctx, s)
	}
	return eng.Resolve(ctx, c.Expression, s)
}

// knownDifferences are recorded cases where noderun deliberately differs
// from n8n; each is listed in the README's "Differences from n8n" table.
var knownDifferences = map[string]string{
	`grammar: =\{{`:                                   "n8n's splitter drops a text that ends in an escaped \\{{ and then fails with a TypeError; noderun keeps the text",
	`grammar: =a\{{`:                                  "n8n's splitter drops a text that ends in an escaped \\{{ and then fails with a TypeError; noderun keeps the text",
	`grammar: =a{{ 1 }}\{{`:                           "n8n's splitter drops a text that ends in an escaped \\{{; noderun keeps it",
	"syntax: =d={{ new Date(0) }}":                    "Date.prototype.toString names the zone \"(UTC)\", not V8's \"(Coordinated Universal Time)\" (goja has no Intl)",
	"variables: ={{ JSON.parse($value) }} [overflow]": "goja's JSON.parse rejects numbers beyond float64 (1e400) with a SyntaxError; V8 gives Infinity",
	"variables: ={{ JSON.parse($value) }} [proto]":    "a \"__proto__\" key stays an own property, as in n8n's legacy engine and JavaScript; n8n's vm engine drops it when copying the result out of its isolate",
	"errors: ={{ $json.nul.first() }}":                "an extension method called on null reports \"on undefined value\" (goja's TypeError does not tell null from undefined)",
	"errors: ={{ toString() }}":                       "a bare toString() has no data object as receiver and gives \"[object Undefined]\"",
	"datetime: ={{ DateTime.fromISO(\"2024-03-15T10:20:30.456Z\", {zone: \"utc\"}).setLocale(\"fr\").toFormat(\"MMMM\") }}": "dates format in en-US only (no Intl in goja)",
}

func TestRecordedN8nExpressions(t *testing.T) {
	replayFixture(t, false)
}

// TestRecordedN8nExpressionsJSOnly replays the fixture with the Go fast
// paths off: both paths must give n8n's results.
func TestRecordedN8nExpressionsJSOnly(t *testing.T) {
	replayFixture(t, true)
}

func replayFixture(t *testing.T, noFast bool) {
	f := loadFixture(t)
	require.GreaterOrEqual(t, len(f.Cases), 150)
	es := &engines{f: f, m: map[engineKey]*Engine{}, noFast: noFast}
	for i := range f.Cases {
		c := &f.Cases[i]
		t.Run(c.Name, func(t *testing.T) {
			if reason, ok := knownDifferences[c.Name]; ok {
				t.Skip("known difference from n8n: " + reason)
			}
			if c.ObjectAsString && c.Expression != nil {
				if _, ok := c.Expression.(string); !ok {
					t.Skip("object-as-string mode of nested objects is not part of Resolve")
				}
			}
			tz := f.Defaults.Timezone
			if c.Timezone != "" {
				tz = c.Timezone
			}
			ctx := context.Background()
			if c.Swallowed != nil {
				// n8n swallowed a runtime error (E5): noderun reports it by
				// default, and gives n8n's value when lenient.
				_, err := f.eval(ctx, c, es.get(t, tz, false))
				var e *Error
				require.Error(t, err)
				require.True(t, errors.As(err, &e), "%T %v", err, err)
				assert.Equal(t, KindRuntime, e.Kind, e.Error())
				assert.Contains(t, e.Message, c.Swallowed.Name, "the JavaScript error name is reported")
				got, err := f.eval(ctx, c, es.get(t, tz, true))
				require.NoError(t, err)
				checkValue(t, c.Want, got)
				return
			}
			got, err := f.eval(ctx, c, es.get(t, tz, false))
			if c.WantError != nil {
				var e *Error
				require.Error(t, err, "want %s error %q, got %#v", c.WantError.Kind, c.WantError.Message, got)
				require.True(t, errors.As(err, &e), "%T %v", err, err)
				assert.Equal(t, kindNames[c.WantError.Kind], e.Kind, e.Error())
				assert.Equal(t, c.WantError.Message, e.Message)
				if c.WantError.Description != "" {
					assert.Equal(t, c.WantError.Description, e.Description)
				}
				return
			}
			require.NoError(t, err)
			checkValue(t, c.Want, got)
		})
	}
}

func checkValue(t *testing.T, want *tagged, got any) {
	t.Helper()
	require.NotNil(t, want)
	switch want.Type {
	case "undefined":
		assert.True(t, IsUndefined(got), "want undefined, got %#v", got)
	case "null":
		assert.Nil(t, got)
	case "number":
		var s string
		if json.Unmarshal(want.Value, &s) == nil {
			f, ok := got.(float64)
			require.True(t, ok, "want number %s, got %#v", s, got)
			assert.Equal(t, s, jsNumber(f))
			return
		}
		var n float64
		require.NoError(t, json.Unmarshal(want.Value, &n))
		assert.Equal(t, n, got)
	case "bigint":
		// noderun has no BigInt value: it returns the decimal text.
		var s string
		require.NoError(t, json.Unmarshal(want.Value, &s))
		assert.Equal(t, s, got)
	case "string", "boolean":
		var w any
		require.NoError(t, json.Unmarshal(want.Value, &w))
		assert.Equal(t, w, got)
	case "object", "array":
		var w any
		require.NoError(t, json.Unmarshal(want.Value, &w))
		var g any
		require.NoError(t, json.Unmarshal([]byte(jsonStringify(got)), &g), "%#v", got)
		assert.Equal(t, w, g)
		if want.Type == "array" {
			assert.IsType(t, []any{}, got)
		} else {
			assert.IsType(t, map[string]any{}, got)
		}
	case "DateTime":
		d, ok := got.(DateTime)
		require.True(t, ok, "want DateTime, got %#v", got)
		b, _ := d.MarshalJSON()
		assert.JSONEq(t, string(want.Value), string(b))
	case "Date":
		d, ok := got.(JSDate)
		require.True(t, ok, "want Date, got %#v", got)
		b, _ := d.MarshalJSON()
		assert.JSONEq(t, string(want.Value), string(b))
	case "Duration":
		d, ok := got.(Duration)
		require.True(t, ok, "want Duration, got %#v", got)
		var iso string
		require.NoError(t, json.Unmarshal(want.Value, &iso))
		assert.Equal(t, iso, d.ISO)
	case "Interval", "Map", "Set", "Error":
		// n8n returns these objects; as data (node output) they are their
		// JSON, which is what noderun returns.
		wantJSON := want.JSON
		var text string
		if json.Unmarshal(want.JSON, &text) == nil {
			wantJSON = json.RawMessage(text)
		}
		assert.JSONEq(t, string(wantJSON), jsonStringify(got))
	default:
		t.Fatalf("unknown recorded type %q", want.Type)
	}
}
