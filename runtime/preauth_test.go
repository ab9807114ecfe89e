package runtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// preAuthentication (issue 17 item 5), with a Metabase-like session
// credential whose preAuthentication is Go code, as a package loader would
// supply JavaScript.

const sessionPassword = "pw-SECRET-2468"

// sessionServer issues session ids at POST /api/session and accepts them
// in X-Metabase-Session elsewhere.
type sessionServer struct {
	*recorder
	mu     sync.Mutex
	issued int
	valid  map[string]bool
	hold   chan struct{}
}

func newSessionServer(t *testing.T) *sessionServer {
	s := &sessionServer{valid: map[string]bool{}}
	s.recorder = newRecorder(t, func(w http.ResponseWriter, r *http.Request, c captured) {
		if r.URL.Path == "/api/session" {
			if s.hold != nil {
				waitOrDone(r, s.hold)
			}
			var body map[string]any
			_ = json.Unmarshal(c.Body, &body)
			if r.Method != "POST" || body["password"] != sessionPassword {
				writeJSON(w, 401, map[string]any{"message": "wrong password"})
				return
			}
			s.mu.Lock()
			s.issued++
			id := fmt.Sprintf("session-%d-id", s.issued)
			s.valid[id] = true
			s.mu.Unlock()
			writeJSON(w, 200, map[string]any{"id": id})
			return
		}
		s.mu.Lock()
		ok := s.valid[r.Header.Get("X-Metabase-Session")]
		s.mu.Unlock()
		if !ok {
			writeJSON(w, 401, map[string]any{"message": "Unauthenticated"})
			return
		}
		writeJSON(w, 200, map[string]any{"ok": true})
	})
	return s
}

func (s *sessionServer) split() (sessions, api []captured) {
	for _, c := range s.requests() {
		if c.Path == "/api/session" {
			sessions = append(sessions, c)
		} else {
			api = append(api, c)
		}
	}
	return sessions, api
}

// metabaseLike is a session credential type; preAuth nil leaves the type
// as a JSON description alone gives it.
func metabaseLike(t *testing.T, url string, preAuth node.PreAuthenticateFunc) *runtime.NodeType {
	t.Helper()
	nt := nodeTypeJSON(t, url, `{"displayName":"Test Node","name":"testNode","version":1,
	  "credentials":[{"name":"metabaseLikeApi","required":true}],
	  "requestDefaults":{"baseURL":"={{$credentials.url}}"},
	  "properties":[{"displayName":"Path","name":"path","type":"string","default":"/api/card","routing":{"request":{"url":"={{$value}}"}}}]}`,
		`{"name":"metabaseLikeApi","displayName":"Metabase-like","properties":[
		  {"displayName":"Session Token","name":"sessionToken","type":"hidden","typeOptions":{"expirable":true},"default":""},
		  {"displayName":"URL","name":"url","type":"string","default":""},
		  {"displayName":"Username","name":"username","type":"string","default":""},
		  {"displayName":"Password","name":"password","type":"string","typeOptions":{"password":true},"default":""}],
		 "authenticate":{"type":"generic","properties":{"headers":{"X-Metabase-Session":"={{$credentials.sessionToken}}"}}}}`)
	nt.CredentialTypes["metabaseLikeApi"].PreAuthenticate = preAuth
	return nt
}

// metabasePreAuth is Metabase's preAuthentication in Go, counting its calls.
func metabasePreAuth(calls *atomic.Int32) node.PreAuthenticateFunc {
	return func(ctx context.Context, data map[string]any, h node.CredentialHelpers) (map[string]any, error) {
		calls.Add(1)
		url, _ := data["url"].(string)
		res, err := h.HTTPRequest(ctx, map[string]any{
			"method": "POST",
			"url":    strings.TrimSuffix(url, "/") + "/api/session",
			"body":   map[string]any{"username": data["username"], "password": data["password"]},
		})
		if err != nil {
			return nil, err
		}
		body, _ := res.(map[string]any)
		return map[string]any{"sessionToken": body["id"]}, nil
	}
}

func TestPreAuthentication(t *testing.T) {
	t.Parallel()
	stored := func(url string) map[string]any {
		return map[string]any{"url": url, "username": "={{ 'ann' }}", "password": sessionPassword, "sessionToken": ""}
	}
	t.Run("run once before the first request for many concurrent items, written back", func(t *testing.T) {
		t.Parallel()
		srv := newSessionServer(t)
		srv.hold = make(chan struct{})
		var calls atomic.Int32
		nt := metabaseLike(t, srv.URL, metabasePreAuth(&calls))
		store := newUpdatingStore("metabaseLikeApi", stored(srv.URL))
		e, _ := newEngine(t)
		done := make(chan runtime.Result)
		go func() {
			res, _ := e.Execute(context.Background(), runtime.Run{Node: nt, Credentials: store, Items: manyItems(30)})
			done <- res
		}()
		require.Eventually(t, func() bool { s, _ := srv.split(); return len(s) == 1 }, 5*time.Second, time.Millisecond)
		time.Sleep(20 * time.Millisecond)
		close(srv.hold)
		res := <-done
		require.Nil(t, res.Err)
		assert.Len(t, res.Items, 30)
		assert.EqualValues(t, 1, calls.Load())
		sessions, api := srv.split()
		require.Len(t, sessions, 1)
		assert.Equal(t, map[string]any{"username": "ann", "password": sessionPassword}, sessions[0].JSON(t), "$credentials resolved for preAuthentication")
		assert.Empty(t, sessions[0].Header.Get("X-Metabase-Session"), "its own request is not authenticated")
		for _, r := range api {
			assert.Equal(t, "session-1-id", r.Header.Get("X-Metabase-Session"))
		}
		w := store.written()
		require.Len(t, w, 1)
		assert.Equal(t, "session-1-id", w[0]["sessionToken"])
		assert.Equal(t, "={{ 'ann' }}", w[0]["username"], "stored expressions stay")
	})
	t.Run("a stored session token is used without preAuthentication", func(t *testing.T) {
		t.Parallel()
		srv := newSessionServer(t)
		srv.valid["kept-session"] = true
		var calls atomic.Int32
		nt := metabaseLike(t, srv.URL, metabasePreAuth(&calls))
		data := stored(srv.URL)
		data["sessionToken"] = "kept-session"
		e, _ := newEngine(t)
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: staticCreds("metabaseLikeApi", data), Items: manyItems(3)})
		assert.Zero(t, calls.Load())
	})
	t.Run("401: preAuthentication again, resent once", func(t *testing.T) {
		t.Parallel()
		srv := newSessionServer(t)
		var calls atomic.Int32
		nt := metabaseLike(t, srv.URL, metabasePreAuth(&calls))
		data := stored(srv.URL)
		data["sessionToken"] = "expired-session"
		store := newUpdatingStore("metabaseLikeApi", data)
		e, _ := newEngine(t)
		mustSucceed(t, e, runtime.Run{Node: nt, Credentials: store, Items: manyItems(5)})
		assert.EqualValues(t, 1, calls.Load(), "one renewal for all refused items")
		_, api := srv.split()
		fresh := 0
		for _, r := range api {
			if r.Header.Get("X-Metabase-Session") == "session-1-id" {
				fresh++
			}
		}
		assert.Equal(t, 5, fresh)
		w := store.written()
		require.Len(t, w, 1)
		assert.Equal(t, "session-1-id", w[0]["sessionToken"])
	})
	t.Run("a session refused again is not renewed in a loop", func(t *testing.T) {
		t.Parallel()
		srv := newSessionServer(t)
		var calls atomic.Int32
		// A server that refuses every session it issued.
		nt := metabaseLike(t, srv.URL, func(ctx context.Context, data map[string]any, h node.CredentialHelpers) (map[string]any, error) {
			out, err := metabasePreAuth(&calls)(ctx, data, h)
			srv.mu.Lock()
			clear(srv.valid)
			srv.mu.Unlock()
			return out, err
		})
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt, Credentials: staticCreds("metabaseLikeApi", stored(srv.URL))})
		require.NotNil(t, res.Err)
		assert.Equal(t, "401", res.Err.HTTPCode)
		sessions, api := srv.split()
		assert.Len(t, sessions, 2, "at first use and after the refusal")
		assert.Len(t, api, 2, "sent, refused, resent once")
	})
	t.Run("preAuthentication failing fails the item, no request", func(t *testing.T) {
		t.Parallel()
		srv := newSessionServer(t)
		var calls atomic.Int32
		nt := metabaseLike(t, srv.URL, metabasePreAuth(&calls))
		data := stored(srv.URL)
		data["password"] = "wrong-password"
		var logs bytes.Buffer
		e, _ := newEngine(t)
		e.Logger = zerolog.New(&logs).Level(zerolog.DebugLevel)
		res := execute(t, e, runtime.Run{Node: nt, Credentials: staticCreds("metabaseLikeApi", data)})
		require.NotNil(t, res.Err)
		assert.Equal(t, "401", res.Err.HTTPCode)
		assert.Contains(t, res.Err.Description, "wrong password")
		_, api := srv.split()
		assert.Empty(t, api)
		assert.NotContains(t, logs.String()+fmt.Sprint(res.Err), "wrong-password")
	})
	t.Run("without its code the type fails clearly instead of sending an empty session", func(t *testing.T) {
		t.Parallel()
		srv := newSessionServer(t)
		nt := metabaseLike(t, srv.URL, nil)
		e, _ := newEngine(t)
		res := execute(t, e, runtime.Run{Node: nt, Credentials: staticCreds("metabaseLikeApi", stored(srv.URL))})
		require.NotNil(t, res.Err)
		assert.Contains(t, res.Err.Message, `credential type "metabaseLikeApi" obtains its "sessionToken" with preAuthentication code`)
		assert.Empty(t, srv.requests())
	})
	t.Run("session token masked in errors, logs and dry runs", func(t *testing.T) {
		t.Parallel()
		srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ captured) {
			if r.URL.Path == "/api/session" {
				writeJSON(w, 200, map[string]any{"id": "secret-SESSION-1357"})
				return
			}
			writeJSON(w, 400, map[string]any{"message": "bad: " + r.Header.Get("X-Metabase-Session")})
		})
		var calls atomic.Int32
		nt := metabaseLike(t, srv.URL, metabasePreAuth(&calls))
		var logs bytes.Buffer
		e, _ := newEngine(t)
		e.Logger = zerolog.New(&logs).Level(zerolog.DebugLevel)
		creds := staticCreds("metabaseLikeApi", stored(srv.URL))
		p, err := e.Prepare(context.Background(), runtime.Run{Node: nt, Credentials: creds})
		require.NoError(t, err)
		dry := p.DryRun(context.Background(), nil)
		require.Len(t, dry, 1)
		assert.Equal(t, credentials.Mask, dry[0].Headers["X-Metabase-Session"])
		assert.Zero(t, calls.Load(), "a dry run sends nothing")
		res := execute(t, e, runtime.Run{Node: nt, Credentials: creds})
		require.NotNil(t, res.Err)
		assert.Equal(t, "bad: "+credentials.Mask, res.Err.Description)
		dry = p.DryRun(context.Background(), nil)
		assert.Equal(t, credentials.Mask, dry[0].Headers["X-Metabase-Session"])
		assert.NotContains(t, logs.String()+fmt.Sprint(dry), "secret-SESSION-1357")
	})
}

func TestCredentialHelpersHTTPRequest(t *testing.T) {
	t.Parallel()
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, c captured) {
		w.Header().Set("X-Echo", r.URL.RawQuery)
		writeJSON(w, 201, map[string]any{"method": r.Method})
	})
	run := func(opts map[string]any) (any, error) {
		var got any
		var gotErr error
		nt := metabaseLike(t, srv.URL, func(ctx context.Context, _ map[string]any, h node.CredentialHelpers) (map[string]any, error) {
			got, gotErr = h.HTTPRequest(ctx, opts)
			return nil, gotErr
		})
		e, _ := newEngine(t)
		_, _ = e.Execute(context.Background(), runtime.Run{Node: nt, Credentials: staticCreds("metabaseLikeApi", map[string]any{"url": srv.URL})})
		return got, gotErr
	}
	got, err := run(map[string]any{"baseURL": srv.URL, "url": "/x", "qs": map[string]any{"a": "1"}, "returnFullResponse": true, "method": "put"})
	require.NoError(t, err)
	full := got.(map[string]any)
	assert.Equal(t, 201.0, full["statusCode"])
	assert.Equal(t, map[string]any{"method": "PUT"}, full["body"])
	assert.Equal(t, "a=1", full["headers"].(map[string]any)["x-echo"])
	_, err = run(map[string]any{"url": srv.URL, "formData": map[string]any{}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `option "formData" is not supported`)
}

// TestPreAuthenticationMasksWhatItMade: code returning the credential it
// read plus a session ({...credentials, sessionToken}) makes the session
// a secret, not every field it handed back unchanged: an API error naming
// the user stays readable, the session it echoes is masked.
func TestPreAuthenticationMasksWhatItMade(t *testing.T) {
	t.Parallel()
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, c captured) {
		if r.URL.Path == "/api/session" {
			writeJSON(w, 200, map[string]any{"id": "sess-MADE-1357"})
			return
		}
		writeJSON(w, 403, map[string]any{"message": "user annabel may not use session " + r.Header.Get("X-Metabase-Session")})
	})
	nt := metabaseLike(t, srv.URL, func(ctx context.Context, data map[string]any, h node.CredentialHelpers) (map[string]any, error) {
		var calls atomic.Int32
		out, err := metabasePreAuth(&calls)(ctx, data, h)
		if err != nil {
			return nil, err
		}
		all := maps.Clone(data)
		all["sessionToken"] = out["sessionToken"]
		return all, nil
	})
	data := map[string]any{"url": srv.URL, "username": "annabel", "password": sessionPassword, "sessionToken": ""}
	e, _ := newEngine(t)
	res := execute(t, e, runtime.Run{Node: nt, Credentials: staticCreds("metabaseLikeApi", data), Items: manyItems(1)})
	require.NotNil(t, res.Err)
	text := res.Err.Error()
	var ne *runtime.NodeError
	if errors.As(res.Err, &ne) {
		text += " " + ne.Description + " " + fmt.Sprint(ne.Body)
	}
	assert.Contains(t, text, "user annabel may not use session")
	assert.NotContains(t, text, "sess-MADE-1357")
	assert.NotContains(t, text, sessionPassword)
}
