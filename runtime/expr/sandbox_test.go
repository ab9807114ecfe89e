package expr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// escapeCase is one entry of testdata/sandbox/escapes.json: the error it
// must give (a substring), or the value, or undefined; none of them means
// any error or value, as long as the sandbox holds.
type escapeCase struct {
	Name       string          `json:"name"`
	Expression string          `json:"expression"`
	Error      string          `json:"error"`
	Value      json.RawMessage `json:"value"`
	Undefined  bool            `json:"undefined"`
}

const escapesPath = "testdata/sandbox/escapes.json"

func loadEscapes(t testing.TB) []escapeCase {
	t.Helper()
	b, err := os.ReadFile(escapesPath)
	require.NoError(t, err)
	var fx struct {
		Cases []escapeCase `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(b, &fx))
	require.NotEmpty(t, fx.Cases)
	return fx.Cases
}

const (
	tenantSecret   = "tenant-secret"
	observerSecret = "observer-secret"
)

func tenantScope(secret string) *Scope {
	return &Scope{JSON: map[string]any{"secret": secret, "base": "x"}, HasValue: true, Value: `{"a":1}`,
		Parameters: mapParams{"p": "v"}, Input: Items{{JSON: map[string]any{"secret": secret}}}}
}

// observers are what a runtime no expression has touched computes. Every
// escape attempt runs between them: none may change an answer, and none
// may show the attacker's data.
var observers = []struct {
	text string
	want any
}{
	{`={{ typeof Math.leak }}`, "undefined"},
	{`={{ typeof Math.max.leak }}`, "undefined"},
	{`={{ Math.max(1, 2) }}`, 2.0},
	{`={{ JSON.stringify({a: 1}) }}`, `{"a":1}`},
	{`={{ parseInt("7") }}`, 7.0},
	{`={{ typeof ({}).polluted }}`, "undefined"},
	{`={{ Object.keys({b: 1}) }}`, []any{"b"}},
	{`={{ Date.now() > 0 }}`, true},
	{`={{ DateTime.now().toMillis() > 0 }}`, true},
	{`={{ typeof $ifEmpty.leak }}`, "undefined"},
	{`={{ $ifEmpty("", "fb") }}`, "fb"},
	{`={{ [1, 2].map(x => x * 2) }}`, []any{2.0, 4.0}},
	{`={{ String({}) }}`, "[object Object]"},
	{`={{ ((s) => typeof s.leak)` + "`a`" + ` }}`, "undefined"},
	{`={{ $json.secret.toUpperCase() }}`, strings.ToUpper(observerSecret)},
}

// checkObservers evaluates the observers and reports any changed answer.
func checkObservers(ctx context.Context, e *Engine, after string) error {
	for _, o := range observers {
		v, err := e.Compile(o.text).Eval(ctx, tenantScope(observerSecret))
		// The fuzzer's time limit is short and the machine may be busy: a
		// time-out says nothing about the sandbox, so try again.
		for i := 0; i < 3 && isTimeout(err); i++ {
			v, err = e.Compile(o.text).Eval(ctx, tenantScope(observerSecret))
		}
		if err != nil {
			return fmt.Errorf("after %s: %s failed: %w", after, o.text, err)
		}
		if !reflect.DeepEqual(v, o.want) {
			return fmt.Errorf("after %s: %s = %#v, want %#v", after, o.text, v, o.want)
		}
	}
	return nil
}

func isTimeout(err error) bool {
	var ee *Error
	return errors.As(err, &ee) && ee.Kind == KindTimeout
}

// sandboxHeld checks what every evaluation must keep to: no tamed compiler
// or real-global read was reached, and the result holds no function or
// global object (the global's key list includes the canary's name).
func sandboxHeld(e *Engine, text string, v any) error {
	if n := e.sandboxTrips.Load(); n != 0 {
		return fmt.Errorf("%s reached a tamed compiler or the real global (%d trips)", text, n)
	}
	if IsUndefined(v) {
		return nil
	}
	b, err := json.Marshal(dropUndefined(v))
	if err != nil {
		return fmt.Errorf("%s: result %#v does not marshal: %w", text, v, err)
	}
	if strings.Contains(string(b), canaryName) && !strings.Contains(text, "canary") {
		return fmt.Errorf("%s returned the real global's keys: %s", text, b)
	}
	return nil
}

// TestSandboxEscapes runs each escape attempt twice on one runtime, then
// the observers on that same runtime.
func TestSandboxEscapes(t *testing.T) {
	ctx := context.Background()
	e := New(Options{MaxRuntimes: 1, Timeout: 5 * time.Second})
	for _, c := range loadEscapes(t) {
		t.Run(c.Name, func(t *testing.T) {
			for range 2 {
				v, err := e.Compile(c.Expression).Eval(ctx, tenantScope(tenantSecret))
				require.NoError(t, sandboxHeld(e, c.Expression, v))
				switch {
				case c.Error != "":
					var ee *Error
					require.True(t, errors.As(err, &ee), "%s: want an error containing %q, got %#v, %v", c.Expression, c.Error, v, err)
					require.Contains(t, ee.Error(), c.Error)
				case c.Undefined:
					require.NoError(t, err)
					require.True(t, IsUndefined(v), "%s = %#v, want undefined", c.Expression, v)
				case c.Value != nil:
					require.NoError(t, err)
					var want any
					require.NoError(t, json.Unmarshal(c.Value, &want))
					require.Equal(t, want, v, c.Expression)
				}
			}
			require.NoError(t, checkObservers(ctx, e, c.Name))
		})
	}
}

// TestSandboxTenants runs two tenants on one Engine at once: one keeps
// trying every escape and state change with its secret, the other keeps
// reading the built-ins and its own data. Neither may see the other's
// data or a changed built-in.
func TestSandboxTenants(t *testing.T) {
	ctx := context.Background()
	e := New(Options{MaxRuntimes: 2, Timeout: 5 * time.Second})
	cases := loadEscapes(t)
	// The attacker also tries to read what the other tenant might leave.
	reads := []string{`={{ Math.leak }}`, `={{ Math.max.leak }}`, `={{ $ifEmpty.leak }}`, `={{ ({}).polluted }}`,
		`={{ JSON.stringify({a: 1}) }}`}
	const rounds = 20
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for range rounds {
			for _, c := range cases {
				v, _ := e.Compile(c.Expression).Eval(ctx, tenantScope(tenantSecret))
				if err := sandboxHeld(e, c.Expression, v); err != nil {
					t.Error(err)
					return
				}
			}
			for _, r := range reads {
				v, _ := e.Compile(r).Eval(ctx, tenantScope(tenantSecret))
				if b, _ := json.Marshal(dropUndefined(v)); strings.Contains(string(b), observerSecret) {
					t.Errorf("the attacker read the other tenant's data with %s: %s", r, b)
					return
				}
			}
		}
	}()
	go func() {
		defer wg.Done()
		for i := range rounds * 4 {
			if err := checkObservers(ctx, e, fmt.Sprintf("round %d", i)); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	wg.Wait()
	assert.Zero(t, e.sandboxTrips.Load())
}

// TestSealedRuntime checks the seal itself: the code compilers no
// expression should reach refuse to run and count the attempt, and the
// real global is frozen with its canary in place.
func TestSealedRuntime(t *testing.T) {
	e := New(Options{})
	rt, err := e.newRuntime()
	require.NoError(t, err)
	for _, src := range []string{
		`Function("return 1")`,
		`new Function("return 1")`,
		`(() => 0).constructor("return 1")`,
		`(function* () {}).constructor("yield 1")`,
		`(async () => 0).constructor("return 1")`,
		`eval("1")`,
		`this.` + canaryName,
	} {
		before := e.sandboxTrips.Load()
		_, err := rt.vm.RunString(src)
		require.Error(t, err, src)
		require.Contains(t, err.Error(), "due to security concerns", src)
		require.Equal(t, before+1, e.sandboxTrips.Load(), src)
	}
	v, err := rt.vm.RunString(`[Object.isFrozen(this), Object.isFrozen(Object.prototype), Object.isFrozen(Array.prototype),
		Object.isFrozen(Math), Object.isFrozen(DateTime.prototype), (() => 0) instanceof Function,
		Object.getPrototypeOf(function* () {}).constructor.prototype === Object.getPrototypeOf(function* () {})]`)
	require.NoError(t, err)
	require.Equal(t, []any{true, true, true, true, true, true, true}, v.Export())
}

// FuzzSandboxEscape evaluates any text and checks that the sandbox held:
// no tamed compiler or real-global read was reached, the result holds no
// function or global object, and every built-in still answers as in an
// untouched runtime. The escape corpus seeds it.
func FuzzSandboxEscape(f *testing.F) {
	for _, c := range loadEscapes(f) {
		f.Add(c.Expression)
	}
	e := New(Options{Timeout: 100 * time.Millisecond, MaxResultSize: 1 << 16, MaxRuntimes: 1})
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, text string) {
		v, err := e.Compile(text).Eval(ctx, tenantScope(tenantSecret))
		if err == nil {
			if err := sandboxHeld(e, text, v); err != nil {
				t.Fatal(err)
			}
		} else if n := e.sandboxTrips.Load(); n != 0 {
			t.Fatalf("%s reached a tamed compiler or the real global (%d trips): %v", text, n, err)
		}
		if err := checkObservers(ctx, e, text); err != nil {
			t.Fatal(err)
		}
	})
}
