package runtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
	"github.com/noderun/noderun/runtime/expr"
)

// todoNode is a small declarative node: Title is sent as the body of
// POST /todos, authenticated with a bearer token.
const todoNode = `{"displayName":"Todo","name":"todo","version":1,
  "credentials":[{"name":"todoApi","required":true}],
  "requestDefaults":{"baseURL":"={{ $credentials.url }}"},
  "properties":[{"displayName":"Title","name":"title","type":"string","default":"",
    "routing":{"request":{"method":"POST","url":"/todos"},"send":{"type":"body","property":"title"}}}]}`

const todoCredential = `{"name":"todoApi","displayName":"Todo API","properties":[
    {"displayName":"URL","name":"url","type":"string","default":""},
    {"displayName":"Token","name":"token","type":"string","typeOptions":{"password":true},"default":""}],
  "authenticate":{"type":"generic","properties":{"headers":{"Authorization":"=Bearer {{ $credentials.token }}"}}}}`

// todoType decodes the node and credential type; real code loads them
// from files (node.DecodeDescription) or a package.
func todoType(credentialType string) *runtime.NodeType {
	var d node.Description
	var c node.CredentialType
	if err := json.Unmarshal([]byte(todoNode), &d); err != nil {
		panic(err)
	}
	if err := json.Unmarshal([]byte(credentialType), &c); err != nil {
		panic(err)
	}
	nt, err := runtime.NewNodeType(&d, &c)
	if err != nil {
		panic(err)
	}
	return nt
}

// todoServer answers POST /todos for the bearer token "tok" or the
// session "sess-1", and POST /session with that session.
func todoServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/session":
			fmt.Fprint(w, `{"session":"sess-1"}`)
		case r.Header.Get("Authorization") != "Bearer tok" && r.Header.Get("X-Session") != "sess-1":
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message":"unauthorized"}`)
		default:
			var body map[string]any
			_ = json.NewDecoder(r.Body).Decode(&body)
			w.WriteHeader(http.StatusCreated)
			_ = json.NewEncoder(w).Encode(map[string]any{"title": body["title"], "done": false})
		}
	}))
}

// Run a node over input items: one request per item, with the item's
// fields in expressions, and the output items in input order.
func ExampleEngine_Execute() {
	srv := todoServer()
	defer srv.Close()

	engine := &runtime.Engine{} // reuse one Engine: it keeps connections and compiled expressions
	defer engine.CloseIdleConnections()
	res, err := engine.Execute(context.Background(), runtime.Run{
		Node:        todoType(todoCredential),
		Parameters:  map[string]any{"title": "={{ $json.task.toUpperCase() }}"},
		Credentials: credentials.Map{"todoApi": {"url": srv.URL, "token": "tok"}},
		Items:       []node.Item{{JSON: map[string]any{"task": "buy milk"}}, {JSON: map[string]any{"task": "call Ann"}}},
	})
	switch {
	case err != nil: // the run could not start (*runtime.IssuesError), or ctx ended
		fmt.Println("not run:", err)
	case res.Err != nil: // the node failed (*runtime.NodeError)
		fmt.Println("failed:", res.Err)
	}
	for _, it := range res.Items {
		fmt.Println(it.JSON, "from input", it.PairedItem.Item)
	}
	// Output:
	// map[done:false title:BUY MILK] from input 0
	// map[done:false title:CALL ANN] from input 1
}

// Stream items through a prepared node: memory stays bounded by the
// engine's concurrency however many items the source yields, and each
// input item's output arrives in input order.
func ExamplePrepared_Stream() {
	srv := todoServer()
	defer srv.Close()

	engine := &runtime.Engine{}
	defer engine.CloseIdleConnections()
	p, err := engine.Prepare(context.Background(), runtime.Run{
		Node:        todoType(todoCredential),
		Parameters:  map[string]any{"title": "=task {{ $json.n }}"},
		Credentials: credentials.Map{"todoApi": {"url": srv.URL, "token": "tok"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	var src runtime.SliceSource // any ItemSource: a file, a queue, a database cursor
	for n := range 3 {
		src.Items = append(src.Items, node.Item{JSON: map[string]any{"n": n}})
	}
	err = p.Stream(context.Background(), &src, func(o runtime.Output) error {
		fmt.Println(o.Index, o.Items[0].JSON)
		return nil // an error here stops the stream
	})
	fmt.Println("stream:", err)
	// Output:
	// 0 map[done:false title:task 0]
	// 1 map[done:false title:task 1]
	// 2 map[done:false title:task 2]
	// stream: <nil>
}

// Give expressions the other nodes of a workflow: $('Name') reads their
// output through Run.Nodes, here a map held in memory.
func ExampleRun_nodes() {
	srv := todoServer()
	defer srv.Close()

	engine := &runtime.Engine{}
	defer engine.CloseIdleConnections()
	res, err := engine.Execute(context.Background(), runtime.Run{
		Node:        todoType(todoCredential),
		Parameters:  map[string]any{"title": "={{ $('Get Project').first().json.name }}: {{ $json.task }}"},
		Credentials: credentials.Map{"todoApi": {"url": srv.URL, "token": "tok"}},
		Items:       []node.Item{{JSON: map[string]any{"task": "write docs"}}},
		NodeName:    "Create Todo",
		Nodes: expr.MapNodes{
			"Get Project": {Items: []node.Item{{JSON: map[string]any{"name": "noderun"}}}},
		},
	})
	if err != nil || res.Err != nil {
		fmt.Println(err, res.Err)
		return
	}
	fmt.Println(res.Items[0].JSON)
	// Output: map[done:false title:noderun: write docs]
}

// vault is a credential store over an embedding program's own secret
// storage. As a credentials.Updater it also keeps what the runtime renews
// (a session token here, an OAuth2 token likewise), so that other runs and
// processes reuse it instead of logging in again.
type vault struct {
	mu      sync.Mutex
	secrets map[string]map[string]any
}

func (v *vault) Credential(_ context.Context, typeName string) (map[string]any, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	data, ok := v.secrets[typeName]
	if !ok {
		return nil, fmt.Errorf("%w: the vault has no %q", credentials.ErrNotFound, typeName)
	}
	return maps.Clone(data), nil // a copy: the caller may hold it while the vault changes
}

func (v *vault) UpdateCredential(_ context.Context, typeName string, data map[string]any) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.secrets[typeName] = data
	return nil
}

// A custom credential store, with write-back of renewed credentials. The
// credential type logs in first (n8n's preAuthentication, here in Go) to
// get a session token, which the runtime hands to the store to keep.
func ExampleEngine_Execute_credentialStore() {
	srv := todoServer()
	defer srv.Close()

	nt := todoType(`{"name":"todoApi","displayName":"Todo API","properties":[
	    {"displayName":"URL","name":"url","type":"string","default":""},
	    {"displayName":"Session","name":"session","type":"hidden","typeOptions":{"expirable":true},"default":""}],
	  "authenticate":{"type":"generic","properties":{"headers":{"X-Session":"={{ $credentials.session }}"}}}}`)
	nt.CredentialTypes["todoApi"].PreAuthenticate = func(ctx context.Context, data map[string]any, h node.CredentialHelpers) (map[string]any, error) {
		res, err := h.HTTPRequest(ctx, map[string]any{"method": "POST", "url": data["url"].(string) + "/session"})
		if err != nil {
			return nil, err
		}
		return map[string]any{"session": res.(map[string]any)["session"]}, nil
	}
	store := &vault{secrets: map[string]map[string]any{"todoApi": {"url": srv.URL, "session": ""}}}

	engine := &runtime.Engine{}
	defer engine.CloseIdleConnections()
	res, err := engine.Execute(context.Background(), runtime.Run{
		Node:        nt,
		Parameters:  map[string]any{"title": "renew the passport"},
		Credentials: store,
	})
	if err != nil || res.Err != nil {
		fmt.Println(err, res.Err)
		return
	}
	fmt.Println(res.Items[0].JSON)
	s, _ := store.Credential(context.Background(), "todoApi")
	fmt.Println("the vault now holds session", s["session"])
	// Output:
	// map[done:false title:renew the passport]
	// the vault now holds session sess-1
}

// Send the engine's logs to a log/slog handler. Secrets are masked in
// them as in zerolog's.
func ExampleEngine_slog() {
	srv := todoServer()
	defer srv.Close()

	// Time, duration and the test server's URL change from run to run.
	drop := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey || a.Key == "duration" || a.Key == "url" {
			return slog.Attr{}
		}
		return a
	}
	engine := &runtime.Engine{
		Slog: slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: drop})),
	}
	defer engine.CloseIdleConnections()
	_, _ = engine.Execute(context.Background(), runtime.Run{
		Node:        todoType(todoCredential),
		Parameters:  map[string]any{"title": "log me"},
		Credentials: credentials.Map{"todoApi": {"url": srv.URL, "token": "tok"}},
	})
	// Output:
	// level=DEBUG msg=request node=Todo method=POST attempt=1 status=201
}
