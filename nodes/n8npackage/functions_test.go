package n8npackage_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes/n8npackage"
	"github.com/noderun/noderun/runtime"
)

// gizmoServer is the API the gizmos fixture package talks to. It records
// each request as "METHOD /path?query body" with the headers it checks.
type gizmoServer struct {
	*httptest.Server
	mu       sync.Mutex
	seen     []string
	sessions atomic.Int32
}

func newGizmoServer(t *testing.T) *gizmoServer {
	s := &gizmoServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.seen = append(s.seen, fmt.Sprintf("%s %s %s session=%s region=%s", r.Method, r.URL.RequestURI(), body, r.Header.Get("X-Gizmo-Session"), r.Header.Get("X-Region")))
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		authed := r.Header.Get("X-Gizmo-Session") == "tok-n1"
		switch {
		case r.URL.Path == "/hello":
			fmt.Fprint(w, `{"nonce":"n1"}`)
		case r.URL.Path == "/session":
			var in map[string]any
			_ = json.Unmarshal(body, &in)
			if in["password"] != "pw" {
				w.WriteHeader(http.StatusForbidden)
				return
			}
			s.sessions.Add(1)
			fmt.Fprintf(w, `{"token":"tok-%s"}`, in["nonce"])
		case !authed:
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message":"no session"}`)
		case r.URL.Path == "/export":
			w.Header().Set("Content-Type", "application/octet-stream")
			_, _ = w.Write([]byte("id\xff\n1\n"))
		case r.URL.Path == "/meta":
			fmt.Fprint(w, `{"version":7}`)
		case r.Method == http.MethodPost && r.URL.Path == "/things":
			fmt.Fprint(w, `{"id":"t-1"}`)
		case r.URL.Path == "/things":
			switch r.URL.Query().Get("cursor") {
			case "":
				fmt.Fprint(w, `{"data":[{"id":"a","next":"c2"},{"id":"b","next":"c2"}]}`)
			case "c2":
				fmt.Fprint(w, `{"data":[{"id":"c","next":"c3"}]}`)
			default:
				fmt.Fprint(w, `{"data":[]}`)
			}
		case r.URL.Path == "/things/abc9":
			fmt.Fprintf(w, `{"id":"abc9","version":%q}`, r.URL.Query().Get("version"))
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *gizmoServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.seen...)
}

// loadNodeType loads the fixture package testdata/dir with l and returns
// its node type name at version; the package is closed when t ends.
func loadNodeType(t testing.TB, l n8npackage.Loader, dir, name string, version float64) *runtime.NodeType {
	t.Helper()
	pkg, err := l.Load(context.Background(), filepath.Join("testdata", dir))
	require.NoError(t, err)
	t.Cleanup(func() { pkg.Close() })
	nt, err := pkg.NodeType(context.Background(), name, version)
	require.NoError(t, err)
	return nt
}

// gizmoEngine loads testdata/gizmos with l and returns its gizmo node
// type and an engine running its functions, without retries.
func gizmoEngine(t testing.TB, l n8npackage.Loader) (*runtime.NodeType, *runtime.Engine) {
	t.Helper()
	pkg, err := l.Load(context.Background(), filepath.Join("testdata", "gizmos"))
	require.NoError(t, err)
	t.Cleanup(func() { pkg.Close() })
	nt, err := pkg.NodeType(context.Background(), "gizmo", 0)
	require.NoError(t, err)
	hooks := &runtime.Hooks{}
	require.NoError(t, pkg.RegisterHooks(context.Background(), hooks))
	return nt, &runtime.Engine{Hooks: hooks, Retry: runtime.RetryPolicy{Disabled: true}}
}

func loadGizmos(t testing.TB) (*n8npackage.Package, *runtime.Engine, *runtime.NodeType) {
	ctx := context.Background()
	pkg, err := n8npackage.Load(ctx, filepath.Join("testdata", "gizmos"))
	require.NoError(t, err)
	t.Cleanup(func() { pkg.Close() })
	nt, err := pkg.NodeType(ctx, "gizmo", 0)
	require.NoError(t, err)
	hooks := &runtime.Hooks{}
	require.NoError(t, pkg.RegisterHooks(ctx, hooks))
	return pkg, &runtime.Engine{Hooks: hooks, Retry: runtime.RetryPolicy{Disabled: true}}, nt
}

func TestFunctionsRun(t *testing.T) {
	_, engine, nt := loadGizmos(t)
	srv := newGizmoServer(t)
	creds := credentials.Map{"gizmoApi": {"baseUrl": srv.URL, "region": "eu-2", "password": "pw"}}
	run := func(params map[string]any, items ...node.Item) runtime.Result {
		t.Helper()
		res, err := engine.Execute(context.Background(), runtime.Run{Node: nt, Parameters: params, Credentials: creds, Items: items, NodeName: "My Gizmo"})
		require.NoError(t, err)
		return res
	}
	jsons := func(items []node.Item) []any {
		out := make([]any, len(items))
		for i, it := range items {
			out[i] = it.JSON
		}
		return out
	}

	t.Run("preSend and postReceive", func(t *testing.T) {
		res := run(map[string]any{"operation": "create", "options": map[string]any{"tags": []any{"x", "y"}}},
			node.Item{JSON: map[string]any{"name": "alpha"}}, node.Item{JSON: map[string]any{"name": "beta"}})
		require.Nil(t, res.Err)
		require.Equal(t, []any{
			map[string]any{"id": "t-1", "status": 200.0, "node": "My Gizmo", "from": "alpha", "mode": "trigger"},
			map[string]any{"id": "t-1", "status": 200.0, "node": "My Gizmo", "from": "beta", "mode": "trigger"},
		}, jsons(res.Items))
		reqs := srv.requests()
		require.Contains(t, reqs, `POST /things?item=0&tz=America%2FNew_York {"name":"alpha","stamp":"s-alpha","tags":["x","y"]} session=tok-n1 region=eu-2`)
		require.Contains(t, reqs, `POST /things?item=1&tz=America%2FNew_York {"name":"beta","stamp":"s-beta","tags":["x","y"]} session=tok-n1 region=eu-2`)
	})

	t.Run("pagination with makeRoutingRequest", func(t *testing.T) {
		res := run(map[string]any{"operation": "getAll"})
		require.Nil(t, res.Err)
		require.Equal(t, []any{map[string]any{"id": "a"}, map[string]any{"id": "b"}, map[string]any{"id": "c"}}, jsons(res.Items))
	})

	t.Run("resource locator, authenticated helper and timer", func(t *testing.T) {
		res := run(map[string]any{"operation": "get", "thing": map[string]any{"__rl": true, "mode": "url", "value": "https://gizmos.example/things/abc9"}})
		require.Nil(t, res.Err)
		require.Equal(t, []any{map[string]any{"id": "abc9", "version": "7"}}, jsons(res.Items))
		require.Contains(t, srv.requests(), `GET /meta  session=tok-n1 region=`)
	})

	t.Run("locator failing its mode's extraction", func(t *testing.T) {
		res := run(map[string]any{"operation": "get", "thing": map[string]any{"__rl": true, "mode": "url", "value": "https://elsewhere.example/x"}})
		require.NotNil(t, res.Err)
		require.Contains(t, res.Err.Error(), "Thing parameter's value is invalid")
	})

	t.Run("a member noderun does not provide", func(t *testing.T) {
		res := run(map[string]any{"operation": "broken"})
		require.NotNil(t, res.Err)
		require.Contains(t, res.Err.Error(), "this.getWorkflowStaticData is not available in noderun (node n8n-nodes-gizmos.gizmo, preSend function)")
	})

	t.Run("requestWithAuthentication with the request library's options", func(t *testing.T) {
		res := run(map[string]any{"operation": "legacyLookup", "tag": "plain"})
		require.Nil(t, res.Err)
		require.Equal(t, []any{map[string]any{"id": "abc9", "version": "7"}}, jsons(res.Items))
		require.Contains(t, srv.requests(), "GET /meta?q=1  session=tok-n1 region=")
		res = run(map[string]any{"operation": "legacyLookup", "tag": "form"})
		require.NotNil(t, res.Err)
		require.Contains(t, res.Err.Error(), `helpers.requestWithAuthentication: option "form" is not supported`)
	})

	t.Run("a preSend returning nothing", func(t *testing.T) {
		res := run(map[string]any{"operation": "forgetsOptions"})
		require.NotNil(t, res.Err)
		msg := res.Err.Error()
		require.Contains(t, msg, "preSend function at /properties/0/options/")
		require.Contains(t, msg, "of version 1: it returned no request options (it must return the request options it was given, changed or not)")
		require.Equal(t, 1, strings.Count(msg, "preSend function at"), "the function is named once: %s", msg)
	})

	t.Run("a rejected promise", func(t *testing.T) {
		res := run(map[string]any{"operation": "rejects"})
		require.NotNil(t, res.Err)
		require.Contains(t, res.Err.Error(), "the gizmo refuses")
	})

	t.Run("prepareBinaryData over an arraybuffer response", func(t *testing.T) {
		res := run(map[string]any{"operation": "download"})
		require.Nil(t, res.Err)
		require.Len(t, res.Items, 1)
		require.Equal(t, map[string]any{"bytes": 6.0}, res.Items[0].JSON, "the body is a Buffer of the bytes")
		require.Equal(t, map[string]node.Binary{"file": {Data: base64.StdEncoding.EncodeToString([]byte("id\xff\n1\n")), MimeType: "text/csv",
			FileName: "things.csv", Directory: "exports", FileExtension: "csv", FileSize: "6 B", FileType: "text"}}, res.Items[0].Binary)
	})

	// n8n reports a node error a function throws as it was made, not
	// wrapped; where it was thrown stays in the cause.
	t.Run("a thrown NodeApiError", func(t *testing.T) {
		res := run(map[string]any{"operation": "refusesApi"})
		require.NotNil(t, res.Err)
		require.Equal(t, &node.ErrorInfo{Name: "NodeApiError", Message: "The gizmo is busy", Description: "Try another gizmo", HTTPCode: "409", ItemIndex: new(0)}, res.Err.Info())
		var se *n8npackage.ScriptError
		require.ErrorAs(t, res.Err, &se)
		require.Contains(t, se.While, "preSend function at")
	})

	t.Run("a thrown NodeOperationError", func(t *testing.T) {
		res := run(map[string]any{"operation": "refusesOperation"})
		require.NotNil(t, res.Err)
		require.Equal(t, &node.ErrorInfo{Name: "NodeOperationError", Message: "The gizmo answer makes no sense", Description: "Check the gizmo", ItemIndex: new(0), Parameter: "postReceive function"}, res.Err.Info())
	})

	require.Equal(t, int32(1), srv.sessions.Load(), "preAuthentication ran once and its session was reused")
}

func TestFunctionRouteMatchesDeclarative(t *testing.T) {
	_, engine, nt := loadGizmos(t)
	srv := newPingServer(t)
	creds := credentials.Map{"gizmoApi": {"baseUrl": srv.URL, "session": "fixed"}}
	items := []node.Item{{JSON: map[string]any{}}, {JSON: map[string]any{}}}
	var outs [][]node.Item
	for _, op := range []string{"tagged", "taggedPlain"} {
		res, err := engine.Execute(context.Background(), runtime.Run{Node: nt, Parameters: map[string]any{"operation": op, "tag": "red"}, Credentials: creds, Items: items})
		require.NoError(t, err)
		require.Nil(t, res.Err)
		outs = append(outs, res.Items)
	}
	require.Equal(t, outs[1], outs[0])
	require.Equal(t, map[string]any{"id": "red"}, outs[0][0].JSON)
}

// newPingServer answers GET /ping?tag=X with {"id": X}.
func newPingServer(tb testing.TB) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":%q}`, r.URL.Query().Get("tag"))
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// BenchmarkFunctionRoute compares a route whose preSend and postReceive
// are package functions with the same route made declaratively (issue 17:
// the functions keep ≥ 0.5× its items/s). The two runs alternate within
// each iteration, so that a shared machine's load swings hit both alike;
// it reports each one's items/s and their ratio.
func BenchmarkFunctionRoute(b *testing.B) {
	_, engine, nt := loadGizmos(b)
	srv := newPingServer(b)
	creds := credentials.Map{"gizmoApi": {"baseUrl": srv.URL, "session": "fixed"}}
	const n = 64
	items := make([]node.Item, n)
	for i := range items {
		items[i] = node.Item{JSON: map[string]any{"i": float64(i)}}
	}
	var spent [2]time.Duration
	for b.Loop() {
		for i, op := range []string{"taggedPlain", "tagged"} {
			start := time.Now()
			res, err := engine.Execute(context.Background(), runtime.Run{Node: nt, Parameters: map[string]any{"operation": op, "tag": "red"}, Credentials: creds, Items: items})
			spent[i] += time.Since(start)
			if err != nil || res.Err != nil || len(res.Items) != n {
				b.Fatal(err, res.Err)
			}
		}
	}
	plain := float64(b.N*n) / spent[0].Seconds()
	funcs := float64(b.N*n) / spent[1].Seconds()
	b.ReportMetric(plain, "declarative-items/s")
	b.ReportMetric(funcs, "functions-items/s")
	b.ReportMetric(funcs/plain, "ratio")
}

func TestCredentialAuthenticateFunction(t *testing.T) {
	ctx := context.Background()
	pkg, err := n8npackage.Load(ctx, filepath.Join("testdata", "gizmos"))
	require.NoError(t, err)
	defer pkg.Close()
	nt, err := pkg.NodeType(ctx, "sprocket", 0)
	require.NoError(t, err)
	// The type sprocketApi extends comes along, and its default is used.
	require.Contains(t, nt.CredentialTypes, "sprocketBaseApi")
	var got []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.URL.RequestURI()+" "+r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"ok":true}`)
	}))
	defer srv.Close()
	engine := &runtime.Engine{Retry: runtime.RetryPolicy{Disabled: true}}
	res, err := engine.Execute(ctx, runtime.Run{Node: nt, Parameters: map[string]any{"id": "={{$json.id}}"},
		Credentials: credentials.Map{"sprocketApi": {"baseUrl": srv.URL, "account": "acme", "key": "k3y"}},
		Items:       []node.Item{{JSON: map[string]any{"id": "s1"}}, {JSON: map[string]any{"id": "s2"}}}})
	require.NoError(t, err)
	require.Nil(t, res.Err)
	sign := func(s string) string {
		m := hmac.New(sha256.New, []byte("k3y"))
		m.Write([]byte(s))
		return "Sprocket " + hex.EncodeToString(m.Sum(nil))
	}
	require.ElementsMatch(t, []string{
		"/sprockets/s1?acct=acme&region=eu-1 " + sign("GET /sprockets/s1"),
		"/sprockets/s2?acct=acme&region=eu-1 " + sign("GET /sprockets/s2"),
	}, got)
}

func TestFunctionLimits(t *testing.T) {
	ctx := context.Background()
	l := n8npackage.Loader{Limits: n8npackage.Limits{Timeout: 300 * time.Millisecond}}
	nt, engine := gizmoEngine(t, l)
	creds := credentials.Map{"gizmoApi": {"baseUrl": "http://127.0.0.1:1", "session": "s"}}
	for _, tt := range []struct{ op, msg string }{
		{"spins", "package code ran longer than 300ms"},
		{"waitsForever", "the function's promise never settles"},
	} {
		t.Run(tt.op, func(t *testing.T) {
			res, err := engine.Execute(ctx, runtime.Run{Node: nt, Parameters: map[string]any{"operation": tt.op}, Credentials: creds})
			require.NoError(t, err)
			require.NotNil(t, res.Err)
			require.Contains(t, res.Err.Error(), tt.msg)
			require.Contains(t, res.Err.Error(), "preSend function at /properties/0/options/")
		})
	}
	// The runtime is usable after a stopped call.
	srv := newPingServer(t)
	res, err := engine.Execute(ctx, runtime.Run{Node: nt, Parameters: map[string]any{"operation": "tagged", "tag": "t"},
		Credentials: credentials.Map{"gizmoApi": {"baseUrl": srv.URL, "session": "s"}}})
	require.NoError(t, err)
	require.Nil(t, res.Err)
	require.Equal(t, map[string]any{"id": "t"}, res.Items[0].JSON)

	t.Run("cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		res, err := engine.Execute(cctx, runtime.Run{Node: nt, Parameters: map[string]any{"operation": "tagged", "tag": "t"},
			Credentials: credentials.Map{"gizmoApi": {"baseUrl": srv.URL, "session": "s"}}})
		if err == nil {
			require.NotNil(t, res.Err)
		}
	})
}

// A limit stopping an async function leaves goja's runtime unable to run
// promise reactions; the next calls, route functions and the credential's
// async preAuthentication, must run on runtimes that still can.
func TestInterruptedRuntimeIsReplaced(t *testing.T) {
	ctx := context.Background()
	l := n8npackage.Loader{FunctionRuntimes: 1, Limits: n8npackage.Limits{Timeout: 300 * time.Millisecond}}
	nt, engine := gizmoEngine(t, l)
	srv := newGizmoServer(t)
	creds := credentials.Map{"gizmoApi": {"baseUrl": srv.URL, "region": "eu-2", "password": "pw"}}
	for round := range 2 {
		res, err := engine.Execute(ctx, runtime.Run{Node: nt, Parameters: map[string]any{"operation": "spinsAsync"},
			Credentials: credentials.Map{"gizmoApi": {"baseUrl": srv.URL, "session": "s"}}})
		require.NoError(t, err)
		require.NotNil(t, res.Err)
		require.Contains(t, res.Err.Error(), "package code ran longer than 300ms")
		session, err := nt.CredentialTypes["gizmoApi"].PreAuthenticate(ctx, map[string]any{"baseUrl": "http://gizmo", "password": "pw"}, gizmoHelpers{})
		require.NoError(t, err, "round %d", round)
		require.Equal(t, map[string]any{"session": "tok-n1"}, session)
		// The same runtime would now answer "the function's promise never
		// settles": create awaits getCredentials, and the empty session
		// runs the async preAuthentication.
		res, err = engine.Execute(ctx, runtime.Run{Node: nt, Parameters: map[string]any{"operation": "create"}, Credentials: creds,
			Items: []node.Item{{JSON: map[string]any{"name": "alpha"}}}})
		require.NoError(t, err)
		require.Nil(t, res.Err, "round %d", round)
		require.Equal(t, "alpha", res.Items[0].JSON.(map[string]any)["from"])
	}
}

// Credential test functions called at once, while the pool grows, all
// finish: preparing the pool for a node happens once, and two
// preparations cannot each hold part of the pool waiting for the rest
// (which the race detector's scheduling made happen within seconds).
func TestConcurrentCredentialTests(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	l := n8npackage.Loader{FunctionRuntimes: 3}
	nt := loadNodeType(t, l, "tokens", "gizmo", 2)
	test := nt.CredentialTests["gizmoApiTest"]
	require.NotNil(t, test)
	data := map[string]any{"url": "http://x", "user": "bob", "password": "pw", "mode": "request"}
	var wg sync.WaitGroup
	results := make(chan string, 20*40)
	for range 20 {
		for range 40 {
			wg.Go(func() {
				r, err := test(ctx, "gizmoApi", data, slowLogin{})
				if err != nil {
					results <- err.Error()
					return
				}
				results <- r.Message
			})
		}
	}
	wg.Wait()
	close(results)
	counts := map[string]int{}
	for r := range results {
		counts[r]++
	}
	require.Equal(t, map[string]int{"Hello bob (string)": 20 * 40}, counts)
}

// slowLogin answers the gizmo test's login a little later, so that calls
// overlap.
type slowLogin struct{}

func (slowLogin) HTTPRequest(ctx context.Context, _ map[string]any) (any, error) {
	select {
	case <-time.After(5 * time.Millisecond):
		return `{"who":"bob"}`, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// A call waiting for the only runtime while a limit breaks it runs on a
// twin made in its place; credential code waiting behind it runs on a
// spare.
func TestCallsWaitingForABrokenRuntime(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	l := n8npackage.Loader{FunctionRuntimes: 1, Limits: n8npackage.Limits{Timeout: 300 * time.Millisecond}}
	nt, engine := gizmoEngine(t, l)
	srv, ping := newGizmoServer(t), newPingServer(t)
	spun := make(chan error, 1)
	go func() {
		res, err := engine.Execute(ctx, runtime.Run{Node: nt, Parameters: map[string]any{"operation": "spinsAsync"},
			Credentials: credentials.Map{"gizmoApi": {"baseUrl": srv.URL, "session": "s"}}})
		if err == nil {
			err = res.Err
		}
		spun <- err
	}()
	time.Sleep(100 * time.Millisecond) // the spinning call holds the runtime
	var wg sync.WaitGroup
	var res runtime.Result
	var runErr, preAuthErr error
	var session map[string]any
	wg.Go(func() {
		res, runErr = engine.Execute(ctx, runtime.Run{Node: nt, Parameters: map[string]any{"operation": "tagged", "tag": "t"},
			Credentials: credentials.Map{"gizmoApi": {"baseUrl": ping.URL, "session": "s"}}})
	})
	wg.Go(func() {
		session, preAuthErr = nt.CredentialTypes["gizmoApi"].PreAuthenticate(ctx, map[string]any{"baseUrl": "http://gizmo", "password": "pw"}, gizmoHelpers{})
	})
	wg.Wait()
	require.ErrorContains(t, <-spun, "package code ran longer than 300ms")
	require.NoError(t, runErr)
	require.Nil(t, res.Err)
	require.Equal(t, map[string]any{"id": "t"}, res.Items[0].JSON)
	require.NoError(t, preAuthErr)
	require.Equal(t, map[string]any{"session": "tok-n1"}, session)
}

// A limit reached while a Go task runs (a request answering late) stops
// the promise reaction that task resumes: goja hands that interrupt to
// the resolver, not to noderun, so the runtime counts as broken as soon
// as a limit asks it to stop.
func TestLimitDuringGoWorkBreaksTheRuntime(t *testing.T) {
	ctx := context.Background()
	l := n8npackage.Loader{FunctionRuntimes: 1, Limits: n8npackage.Limits{Timeout: 300 * time.Millisecond}}
	nt := loadNodeType(t, l, "tokens", "gizmo", 2)
	test := nt.CredentialTests["gizmoApiTest"]
	data := map[string]any{"url": "http://x", "user": "bob", "password": "pw", "mode": "request"}
	_, err := test(ctx, "gizmoApi", data, lateLogin{})
	require.ErrorContains(t, err, "context deadline exceeded")
	for range 2 {
		r, err := test(ctx, "gizmoApi", data, slowLogin{})
		require.NoError(t, err)
		require.Equal(t, "Hello bob (string)", r.Message)
	}
}

// A call waiting for a runtime while the twin another call was making
// fails (its context ended) is woken: there is room for a twin again.
func TestWaitingCallWokenWhenATwinFails(t *testing.T) {
	ctx := context.Background()
	l := n8npackage.Loader{FunctionRuntimes: 1, Limits: n8npackage.Limits{Timeout: 100 * time.Millisecond}}
	nt := loadNodeType(t, l, "tokens", "gizmo", 2)
	test := nt.CredentialTests["gizmoApiTest"]
	spin := map[string]any{"mode": "spin"}
	quick := map[string]any{"mode": "sync"}
	for round := range 12 {
		// The only runtime breaks: the next call makes a twin.
		_, err := test(ctx, "gizmoApi", spin, slowLogin{})
		require.ErrorContains(t, err, "package code ran longer than 100ms")
		var wg sync.WaitGroup
		wg.Go(func() {
			short, cancel := context.WithTimeout(ctx, time.Duration(round%4)*200*time.Microsecond)
			defer cancel()
			_, _ = test(short, "gizmoApi", quick, slowLogin{}) // its twin may fail
		})
		time.Sleep(time.Duration(round%3) * 100 * time.Microsecond)
		var res credentials.TestResult
		var waitErr error
		wg.Go(func() {
			waiting, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			res, waitErr = test(waiting, "gizmoApi", quick, slowLogin{})
		})
		wg.Wait()
		require.NoError(t, waitErr, "round %d", round)
		require.Equal(t, "sync gizmoApi", res.Message)
	}
}

// lateLogin answers after the package's time limit, not watching ctx.
type lateLogin struct{}

func (lateLogin) HTTPRequest(context.Context, map[string]any) (any, error) {
	time.Sleep(400 * time.Millisecond)
	return `{"who":"bob"}`, nil
}

// What package code logs in a credential test function, with this.logger
// or console, has the credential's secrets masked.
func TestPackageLogsAreMasked(t *testing.T) {
	ctx := context.Background()
	var logs bytes.Buffer
	l := n8npackage.Loader{Logger: zerolog.New(&logs).Level(zerolog.DebugLevel)}
	nt := loadNodeType(t, l, "tokens", "gizmo", 2)
	res, err := (&runtime.Engine{}).TestCredential(ctx, nt, "gizmoApi",
		credentials.Map{"gizmoApi": {"url": "http://x", "user": "bob", "password": "pw-Secret-77", "mode": "log"}})
	require.NoError(t, err)
	require.Equal(t, "logged", res.Message)
	require.Contains(t, logs.String(), "testing as bob with ")
	require.Contains(t, logs.String(), "console sees ")
	require.NotContains(t, logs.String(), "pw-Secret-77")

	// A preAuthentication's lines are withheld: the session it fetched is
	// not a known secret until it returns.
	gizmos, err := l.Load(ctx, filepath.Join("testdata", "gizmos"))
	require.NoError(t, err)
	defer gizmos.Close()
	gnt, err := gizmos.NodeType(ctx, "gizmo", 0)
	require.NoError(t, err)
	logs.Reset()
	session, err := gnt.CredentialTypes["gizmoApi"].PreAuthenticate(ctx, map[string]any{"baseUrl": "http://gizmo", "password": "pw-Secret-88"}, gizmoHelpers{})
	require.NoError(t, err)
	require.Equal(t, map[string]any{"session": "tok-n1"}, session)
	require.Contains(t, logs.String(), "during preAuthentication, withheld")
	require.NotContains(t, logs.String(), "tok-n1")
	require.NotContains(t, logs.String(), "TOK-N1")
	require.NotContains(t, logs.String(), "pw-Secret-88")

	// Run inside a route function's call (one runtime), its timer fires
	// in that call's event loop, after it returned: still withheld.
	one := n8npackage.Loader{Logger: l.Logger, FunctionRuntimes: 1}
	gizmos1, err := one.Load(ctx, filepath.Join("testdata", "gizmos"))
	require.NoError(t, err)
	defer gizmos1.Close()
	nt1, err := gizmos1.NodeType(ctx, "gizmo", 0)
	require.NoError(t, err)
	hooks := &runtime.Hooks{}
	require.NoError(t, gizmos1.RegisterHooks(ctx, hooks))
	srv := newGizmoServer(t)
	logs.Reset()
	run, err := (&runtime.Engine{Hooks: hooks}).Execute(ctx, runtime.Run{Node: nt1,
		Parameters:  map[string]any{"operation": "get", "thing": map[string]any{"__rl": true, "mode": "url", "value": "https://gizmos.example/things/abc9"}},
		Credentials: credentials.Map{"gizmoApi": {"baseUrl": srv.URL, "password": "pw"}}})
	require.NoError(t, err)
	require.Nil(t, run.Err)
	require.Contains(t, logs.String(), "during preAuthentication, withheld")
	require.NotContains(t, logs.String(), "TOK-N1")
}

// gizmoHelpers answers the gizmoApi preAuthentication's two requests.
type gizmoHelpers struct{}

func (gizmoHelpers) HTTPRequest(_ context.Context, o map[string]any) (any, error) {
	switch o["url"] {
	case "http://gizmo/hello":
		return map[string]any{"nonce": "n1"}, nil
	case "http://gizmo/session":
		return map[string]any{"token": "tok-n1"}, nil
	}
	return nil, fmt.Errorf("unexpected request %v", o["url"])
}

// Items run their functions on several runtimes at once; each item's
// output is its own.
func TestFunctionsOnSeveralRuntimes(t *testing.T) {
	ctx := context.Background()
	l := n8npackage.Loader{FunctionRuntimes: 3}
	pkg, err := l.Load(ctx, filepath.Join("testdata", "gizmos"))
	require.NoError(t, err)
	defer pkg.Close()
	nt, err := pkg.NodeType(ctx, "gizmo", 0)
	require.NoError(t, err)
	hooks := &runtime.Hooks{}
	require.NoError(t, pkg.RegisterHooks(ctx, hooks))
	srv := newGizmoServer(t)
	engine := &runtime.Engine{Hooks: hooks, Retry: runtime.RetryPolicy{Disabled: true}, MaxConcurrency: 16}
	const n = 120
	in := make([]node.Item, n)
	for i := range in {
		in[i] = node.Item{JSON: map[string]any{"name": fmt.Sprintf("g%d", i)}}
	}
	res, err := engine.Execute(ctx, runtime.Run{Node: nt, Parameters: map[string]any{"operation": "create"},
		Credentials: credentials.Map{"gizmoApi": {"baseUrl": srv.URL, "region": "r", "password": "pw"}}, Items: in})
	require.NoError(t, err)
	require.Nil(t, res.Err)
	require.Len(t, res.Items, n)
	for i, it := range res.Items {
		require.Equal(t, fmt.Sprintf("g%d", i), it.JSON.(map[string]any)["from"])
	}
	bodies := 0
	for _, r := range srv.requests() {
		if strings.HasPrefix(r, "POST /things?item=") {
			bodies++
		}
	}
	require.Equal(t, n, bodies)
}
