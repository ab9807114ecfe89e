package runtime

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
)

// Credentials whose authentication changes while they are used: OAuth2
// (a token fetched, refreshed on expiry or when the API says it expired)
// and credential types with preAuthentication (a session token obtained
// when its field is empty, and again after a 401). Each such credential
// has one credState per Engine, shared by its runs and items, so a token
// is fetched once however many items run at the same time.

// credentialStates holds the dynamic credentials' states of an Engine.
type credentialStates struct {
	states sync.Map // key (type and prepared data) -> *credState
	// now is the clock of token expiry; nil means time.Now.
	now func() time.Time
}

func (cs *credentialStates) clock() time.Time {
	if cs.now != nil {
		return cs.now()
	}
	return time.Now()
}

// state returns the shared state of a credential; key "" gives a state of
// its own. seed identifies the renewable value the run was given ("" for
// none): when it is not the one the state last saw, the store was changed
// from outside (a credential reconnected), and the state starts again from
// the run's data. A run given no value uses the state's.
func (cs *credentialStates) state(key, seed string, stored map[string]any) *credState {
	fresh := &credState{stored: stored, seed: seed}
	if key == "" {
		return fresh
	}
	v, loaded := cs.states.LoadOrStore(key, fresh)
	st := v.(*credState)
	if loaded {
		st.mu.Lock()
		if seed != "" && st.seed != seed && st.flight == nil {
			st.seed, st.stored = seed, stored
			st.cur.Store(nil)
		}
		st.mu.Unlock()
	}
	return st
}

// credState is one credential's current session and the renewal in
// flight, if any.
type credState struct {
	cur    atomic.Pointer[credSession]
	mu     sync.Mutex
	flight *credFlight
	// stored is the data as last loaded or written back: the base of the
	// next write-back. Guarded by mu.
	stored map[string]any
	// seed is the digest of the renewable value as the store last held
	// it. Guarded by mu.
	seed string
}

// credFlight is a renewal in progress; waiters read s and err after done.
type credFlight struct {
	done chan struct{}
	s    *credSession
	err  error
}

// credSession is one generation of a dynamic credential's authentication.
type credSession struct {
	data      map[string]any // the credential data with the renewed values
	tokenData map[string]any // OAuth2: oauthTokenData
	auth      credentials.Auth
	fields    authFields // auth's pairs, boxed once
	// secrets are every secret value this credential had in the engine's
	// life, so that a token replaced a moment ago is still masked.
	secrets  []string
	redactor *credentials.Redactor
	expires  time.Time // zero when unknown
	margin   time.Duration
}

// usable reports whether the session may be used at now: renewal is due
// margin before expiry.
func (s *credSession) usable(now time.Time) bool {
	return s.expires.IsZero() || now.Before(s.expires.Add(-s.margin))
}

// renewFunc makes a credential's next session. cur is the session being
// replaced (nil at first use); forced is set when the API refused cur.
type renewFunc func(ctx context.Context, cur *credSession, forced bool) (*credSession, error)

// get returns a usable session other than stale, renewing it when needed.
// Concurrent callers share one renewal: the first runs it, the others wait
// for its result.
func (st *credState) get(ctx context.Context, now func() time.Time, stale *credSession, renew renewFunc) (*credSession, error) {
	for {
		st.mu.Lock()
		cur := st.cur.Load()
		if cur != nil && cur != stale && cur.usable(now()) {
			st.mu.Unlock()
			return cur, nil
		}
		f := st.flight
		if f == nil {
			f = &credFlight{done: make(chan struct{})}
			st.flight = f
			st.mu.Unlock()
			s, err := renew(ctx, cur, cur != nil && cur == stale)
			st.mu.Lock()
			if s != nil {
				st.cur.Store(s)
			}
			st.flight = nil
			st.mu.Unlock()
			f.s, f.err = s, err
			close(f.done)
			return s, err
		}
		st.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if f.err != nil && (errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded)) && ctx.Err() == nil {
			continue // the leader's run ended, not ours: renew ourselves
		}
		if f.err != nil {
			return nil, f.err
		}
		if f.s != nil && f.s != stale {
			return f.s, nil
		}
	}
}

// dynamicCredential is what a run needs to renew its credential.
type dynamicCredential struct {
	state *credState
	// oauth is set for OAuth2 types; expirable names the field
	// preAuthentication renews otherwise. preAuth is the type's
	// preAuthentication, of either kind.
	oauth     *credentials.OAuth2
	expirable string
	preAuth   node.PreAuthenticateFunc
	// renewable is the field renewals change: oauthTokenData or the
	// expirable field.
	renewable string
	// base is the prepared data and baseSecrets its secrets, before any
	// renewal.
	base        map[string]any
	baseSecrets []string
}

// credentialKey identifies a credential across runs: its type and its
// prepared data but the renewable field, so that one state follows the
// credential through its renewals. Data that does not encode gets a state
// of its own run.
func credentialKey(typeName string, data map[string]any, renewable string) string {
	rest := maps.Clone(data)
	delete(rest, renewable)
	d := digest(rest)
	if d == "" {
		return ""
	}
	return typeName + "\x00" + d
}

// seedOf is the digest of a renewable value, "" when it is empty.
func seedOf(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		if t == "" {
			return ""
		}
	case map[string]any:
		if len(t) == 0 {
			return ""
		}
	}
	return digest(v)
}

// digest is a hash of a value's JSON, "" when it does not encode.
func digest(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// setUpDynamic attaches the renewal state to a prepared credential of an
// OAuth2 type or a type with an expirable field. It returns an error for
// settings that cannot work, before any request.
func (p *Prepared) setUpDynamic(c *preparedCredential, stored map[string]any) error {
	lookup := func(name string) *node.CredentialType { return p.nodeType.CredentialTypes[name] }
	d := &dynamicCredential{base: c.data, baseSecrets: credentials.Secrets(c.typ, c.data, c.auth)}
	switch {
	case credentials.IsOAuth2(c.typ, lookup):
		o, err := credentials.ParseOAuth2(c.typ.Name, c.data)
		if err != nil {
			return err
		}
		if err := o.NotConnected(); err != nil && !p.nodeType.credentialTest {
			return err // a credential test reports it as its outcome
		}
		d.oauth = o
		d.preAuth = c.typ.PreAuthenticate // n8n's requestOAuth2 runs it whatever the expirable field
		// A type extending oAuth2Api may not declare clientSecret as a
		// password, and the tokens are secrets in any case.
		d.baseSecrets = append(d.baseSecrets, o.ClientSecret)
		d.baseSecrets = append(d.baseSecrets, credentials.TokenSecrets(o.TokenData)...)
	case c.typ.ExpirableProperty() != "":
		d.expirable = c.typ.ExpirableProperty()
		d.preAuth = c.typ.PreAuthenticate
		if s, ok := c.data[d.expirable].(string); ok {
			d.baseSecrets = append(d.baseSecrets, s)
		}
	default:
		return nil
	}
	c.redactor = credentials.NewRedactor(d.baseSecrets...)
	d.renewable = d.expirable
	if d.oauth != nil {
		d.renewable = "oauthTokenData"
	}
	key := credentialKey(c.typ.Name, c.data, d.renewable)
	if p.nodeType.credentialTest {
		// As n8n's credential test: the data given is tested, not a
		// session this engine holds.
		key = ""
	}
	d.state = p.engine.creds.state(key, seedOf(c.data[d.renewable]), maps.Clone(stored))
	c.dyn = d
	return nil
}

// session returns the credential's current session, obtaining one first
// when there is none or it expired. It returns nil for a static
// credential.
func (p *Prepared) session(ctx context.Context) (*credSession, error) {
	if p.cred == nil || p.cred.dyn == nil {
		return nil, nil
	}
	if s := p.cred.dyn.state.cur.Load(); s != nil && s.usable(p.engine.creds.clock()) {
		return s, nil // the common case, without the lock
	}
	s, err := p.cred.dyn.state.get(ctx, p.engine.creds.clock, nil, p.renewCredential)
	return s, p.credentialFailure(err)
}

// reauthenticate returns the session to resend a request with after the
// API refused stale: a renewed one, or another item's renewal made
// meanwhile. Static credentials resend with the same authentication.
func (p *Prepared) reauthenticate(ctx context.Context, stale *credSession) (*credSession, error) {
	if p.cred == nil || p.cred.dyn == nil {
		return nil, nil
	}
	s, err := p.cred.dyn.state.get(ctx, p.engine.creds.clock, stale, p.renewCredential)
	return s, p.credentialFailure(err)
}

// refusesCredential reports whether a failed request should be resent once
// with renewed authentication, as n8n's httpRequestWithAuthentication
// does: after a 401 for every credential type (for types without
// preAuthentication the resent request is the same), and for OAuth2 after
// the credential's token-expired status.
func (p *Prepared) refusesCredential(err error) bool {
	if p.cred == nil {
		return false
	}
	var ne *NodeError
	if !errors.As(err, &ne) || ne.status == 0 {
		return false
	}
	if d := p.cred.dyn; d != nil && d.oauth != nil {
		return d.oauth.Expired(ne.status)
	}
	return ne.status == 401
}

// credentialFailure makes a renewal's error the item's: a NodeApiError
// (so retry on fail applies) naming the credential type, secrets masked.
func (p *Prepared) credentialFailure(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var inner *NodeError
	if errors.As(err, &inner) {
		// A request of preAuthentication failed: its status and message,
		// and what was being done.
		ne := *inner
		ne.ItemIndex, ne.Cause = -1, err
		what := strings.TrimSuffix(err.Error(), inner.Error())
		ne.Description = strings.TrimSpace(what + " " + inner.Description)
		return p.redactNodeError(&ne)
	}
	ne := &NodeError{Name: NameNodeAPIError, ItemIndex: -1, Message: err.Error(), Cause: err,
		Description: fmt.Sprintf("credential type %q", p.cred.typ.Name)}
	var re *reconnectError
	if errors.As(err, &re) {
		ne.Description = re.description
	}
	return p.redactNodeError(ne)
}

// reconnectError is n8n's message for a refresh token the server no longer
// accepts.
type reconnectError struct {
	typeName    string
	description string
	cause       error
}

func (e *reconnectError) Error() string {
	return fmt.Sprintf("The credential of type %q needs to be reconnected.", e.typeName)
}

func (e *reconnectError) Unwrap() error { return e.cause }

// renewCredential makes the next session of the run's credential.
func (p *Prepared) renewCredential(ctx context.Context, cur *credSession, forced bool) (*credSession, error) {
	d := p.cred.dyn
	if d.oauth != nil {
		return p.renewOAuth2(ctx, d, cur, forced)
	}
	return p.renewPreAuth(ctx, d, cur, forced)
}

// newSession builds a session over data with auth, its secrets added to
// those of prev.
func newSession(d *dynamicCredential, prev *credSession, data, tokenData map[string]any, auth credentials.Auth, secrets ...string) *credSession {
	s := &credSession{data: data, tokenData: tokenData, auth: auth, fields: newAuthFields(auth)}
	if prev != nil {
		s.secrets = append(s.secrets, prev.secrets...)
	} else {
		s.secrets = append(s.secrets, d.baseSecrets...)
	}
	for _, v := range secrets {
		if len(v) >= 4 && !containsString(s.secrets, v) {
			s.secrets = append(s.secrets, v)
		}
	}
	s.redactor = credentials.NewRedactor(s.secrets...)
	return s
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (p *Prepared) renewOAuth2(ctx context.Context, d *dynamicCredential, cur *credSession, forced bool) (*credSession, error) {
	o := *d.oauth
	if cur != nil {
		o.TokenData = cur.tokenData
	}
	now := p.engine.creds.clock()
	expires, margin := credentials.TokenExpiry(o.TokenData)
	hasToken := credentials.AccessToken(o.TokenData) != ""
	due := !expires.IsZero() && !now.Before(expires.Add(-margin))
	refreshable := o.GrantType == credentials.GrantClientCredentials || credentials.Stringify(o.TokenData["refresh_token"]) != ""
	// A token past its expiry stamp is renewed first when it can be;
	// otherwise it is tried, and the API's answer decides (n8n renews
	// only after a refusal).
	if hasToken && !forced && (!due || !refreshable) {
		return p.oauthSession(ctx, d, cur, o.TokenData)
	}
	if forced {
		// As n8n: a token the store holds that is not the refused one was
		// renewed elsewhere (another process sharing the store): use it.
		if td := p.storedTokenData(ctx); td != nil && credentials.AccessToken(td) != credentials.AccessToken(o.TokenData) {
			s, err := p.oauthSession(ctx, d, cur, td)
			if err == nil {
				return s, nil
			}
		}
	}
	var (
		req *credentials.TokenRequest
		err error
	)
	if o.GrantType == credentials.GrantClientCredentials {
		req, err = o.ClientCredentialsRequest()
	} else {
		req, err = o.RefreshRequest()
	}
	if err != nil {
		return nil, err
	}
	p.log.Debug().Str("credentialType", p.cred.typ.Name).Str("grant", o.GrantType).Bool("refusedByAPI", forced).Msg("obtaining an OAuth2 access token")
	answer, err := p.tokenExchange(ctx, req)
	if err != nil {
		var te *credentials.TokenError
		switch {
		case o.GrantType == credentials.GrantClientCredentials:
			return nil, fmt.Errorf("Failed to acquire OAuth2 access token: %w", err)
		case errors.As(err, &te) && te.Code == "invalid_grant":
			return nil, &reconnectError{typeName: p.cred.typ.Name, cause: err,
				description: "Access could not be refreshed because the connected account has revoked access, the refresh token expired, or the account password or permissions changed. Open the credential and reconnect it to continue."}
		}
		return nil, err
	}
	tokenData := credentials.NewTokenData(o.TokenData, answer, now)
	s, err := p.oauthSession(ctx, d, cur, tokenData)
	if err != nil {
		return nil, err
	}
	// The token is in use from now on, whatever the store says.
	if werr := p.writeBack(ctx, d, func(stored map[string]any) { stored["oauthTokenData"] = tokenData }); werr != nil {
		d.state.cur.Store(s)
		return nil, werr
	}
	return s, nil
}

// storedTokenData reads the credential's token data from a store that
// persists renewals (credentials.Updater), nil otherwise or when it has
// none: a store that does not persist them holds only the first token.
func (p *Prepared) storedTokenData(ctx context.Context) map[string]any {
	if _, ok := p.store.(credentials.Updater); !ok {
		return nil
	}
	stored, err := p.store.Credential(ctx, p.cred.typ.Name)
	if err != nil {
		p.log.Debug().Str("credentialType", p.cred.typ.Name).Msg("the credential could not be read again before a refresh")
		return nil
	}
	o, err := credentials.ParseOAuth2(p.cred.typ.Name, map[string]any{"oauthTokenData": stored["oauthTokenData"]})
	if err != nil {
		return nil
	}
	return o.TokenData
}

// oauthSession signs with the access token of tokenData, the token
// endpoint's answer. A type that also has preAuthentication runs it over
// the credential with that token data, as n8n's requestOAuth2 does, and
// signs with the oauthTokenData it returns (n8n runs it before every
// request; noderun once per token, shared as the token is).
func (p *Prepared) oauthSession(ctx context.Context, d *dynamicCredential, prev *credSession, tokenData map[string]any) (*credSession, error) {
	if d.preAuth == nil {
		return p.signedSession(d, prev, tokenData, tokenData)
	}
	data := maps.Clone(d.base)
	data["oauthTokenData"] = maps.Clone(tokenData)
	p.log.Debug().Str("credentialType", p.cred.typ.Name).Msg("running preAuthentication of an OAuth2 credential")
	out, err := d.preAuth(ctx, data, credentialHelpers{p: p})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// The token it was given is not yet one the run's redactor knows:
		// an error quoting it (a server echoing it) is masked here.
		r := credentials.NewRedactor(append(credentials.TokenSecrets(tokenData), d.baseSecrets...)...)
		return nil, fmt.Errorf("preAuthentication of credential type %q: %w", p.cred.typ.Name, maskedError(err, r))
	}
	sign := tokenData
	if td, ok := out["oauthTokenData"].(map[string]any); ok {
		sign = td
	} else if v, present := out["oauthTokenData"]; present && v != nil {
		return nil, fmt.Errorf("preAuthentication of credential type %q returned oauthTokenData that is %T, not an object", p.cred.typ.Name, v)
	}
	return p.signedSession(d, prev, tokenData, sign, returnedSecrets(data, out)...)
}

// returnedSecrets are the strings preAuthentication returned that it
// made or changed: as secret as the credential it read. A field handed
// back as it came in (code returning {...credentials, token}) is not
// masked for it: its base URL would otherwise vanish from every message.
func returnedSecrets(in, out map[string]any) []string {
	var secrets []string
	for k, v := range out {
		if s, ok := v.(string); ok {
			if was, had := in[k].(string); !had || was != s {
				secrets = append(secrets, s)
			}
		}
	}
	return secrets
}

// maskedError is err with r's secrets masked from every text it carries;
// a NodeError stays one (its status decides what a failure means), the
// rest of the chain is reduced to its masked text.
func maskedError(err error, r *credentials.Redactor) error {
	var ne *NodeError
	if errors.As(err, &ne) {
		m := *ne
		m.Message, m.Description = r.String(m.Message), r.String(m.Description)
		m.Body = redactValue(r.String, m.Body)
		m.Cause = errors.New(r.String(err.Error()))
		return &m
	}
	return errors.New(r.String(err.Error()))
}

// signedSession is a session signing with the access token of sign; its
// token data, renewed and written back, is tokenData.
func (p *Prepared) signedSession(d *dynamicCredential, prev *credSession, tokenData, sign map[string]any, extra ...string) (*credSession, error) {
	auth, err := credentials.SignOAuth2(sign)
	if err != nil {
		return nil, err
	}
	data := maps.Clone(d.base)
	data["oauthTokenData"] = tokenData
	secrets := append(credentials.TokenSecrets(tokenData), credentials.TokenSecrets(sign)...)
	s := newSession(d, prev, data, tokenData, auth, append(secrets, extra...)...)
	s.expires, s.margin = credentials.TokenExpiry(tokenData)
	return s, nil
}

// tokenExchange posts a token request through the engine's transport.
func (p *Prepared) tokenExchange(ctx context.Context, tr *credentials.TokenRequest) (map[string]any, error) {
	if _, err := joinURL(nil, tr.URL); err != nil {
		return nil, fmt.Errorf("accessTokenUrl: %w", err)
	}
	hr := &httpRequest{method: "POST", url: tr.URL, body: []byte(tr.Body()), timeout: defaultTimeout, skipTLS: tr.IgnoreSSLIssues}
	for _, h := range tr.Headers {
		hr.headers = append(hr.headers, headerField{h.Name, h.Value})
		if h.Name == "Authorization" {
			hr.credentialHeaders = append(hr.credentialHeaders, h.Name)
		}
	}
	resp, err := p.engine.roundTrip(ctx, hr, nil)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, p.redactErr(err)
	}
	return credentials.ParseTokenResponse(resp.status, resp.headers.Get("Content-Type"), resp.body)
}

func (p *Prepared) renewPreAuth(ctx context.Context, d *dynamicCredential, cur *credSession, forced bool) (*credSession, error) {
	data := d.base
	if cur != nil {
		data = cur.data
	}
	value := credentials.Stringify(data[d.expirable])
	if value != "" && !forced {
		return p.preAuthSession(ctx, d, cur, data, nil)
	}
	if d.preAuth == nil {
		if value != "" {
			return p.preAuthSession(ctx, d, cur, data, nil) // nothing can renew it: resend as it is
		}
		return nil, fmt.Errorf("credential type %q obtains its %q with preAuthentication code, which this credential type does not carry: load the credential type from its package", p.cred.typ.Name, d.expirable)
	}
	p.log.Debug().Str("credentialType", p.cred.typ.Name).Bool("refusedByAPI", forced).Msg("running preAuthentication")
	out, err := d.preAuth(ctx, maps.Clone(data), credentialHelpers{p: p})
	if err != nil {
		return nil, fmt.Errorf("preAuthentication of credential type %q: %w", p.cred.typ.Name, err)
	}
	if v, ok := out[d.expirable]; !ok || v == nil {
		// n8n ignores an output without the expirable field.
		return p.preAuthSession(ctx, d, cur, data, nil)
	}
	next := maps.Clone(data)
	maps.Copy(next, out)
	s, err := p.preAuthSession(ctx, d, cur, next, returnedSecrets(data, out))
	if err != nil {
		return nil, err
	}
	if werr := p.writeBack(ctx, d, func(stored map[string]any) {
		for k, v := range out {
			// As n8n: a stored expression stays, except in the expirable field.
			if sv, isStr := stored[k].(string); k == d.expirable || !isStr || !strings.HasPrefix(sv, "=") {
				stored[k] = v
			}
		}
	}); werr != nil {
		d.state.cur.Store(s)
		return nil, werr
	}
	return s, nil
}

// preAuthSession resolves the type's authenticate block over data; the
// values preAuthentication returned (returned) are secrets.
func (p *Prepared) preAuthSession(ctx context.Context, d *dynamicCredential, prev *credSession, data map[string]any, returned []string) (*credSession, error) {
	auth, err := credentials.Authenticate(ctx, p.cred.typ.Authenticate, data, p.credentialEvaluator())
	if err != nil {
		return nil, fmt.Errorf("the credential's authentication could not be resolved: %w", err)
	}
	extra := credentials.Secrets(nil, nil, auth)
	if s, ok := data[d.expirable].(string); ok {
		extra = append(extra, s)
	}
	extra = append(extra, returned...)
	return newSession(d, prev, data, nil, auth, extra...), nil
}

// writeBack hands the renewed data to the store when it can persist it.
// Only a flight's leader calls it, so stored is not shared.
func (p *Prepared) writeBack(ctx context.Context, d *dynamicCredential, change func(stored map[string]any)) error {
	d.state.mu.Lock()
	stored := maps.Clone(d.state.stored)
	d.state.mu.Unlock()
	if stored == nil {
		stored = map[string]any{}
	}
	change(stored)
	u, ok := p.store.(credentials.Updater)
	d.state.mu.Lock()
	d.state.stored = stored
	if ok {
		// The store will hand the renewed value to the next run: the same
		// session, not a change from outside.
		d.state.seed = seedOf(stored[d.renewable])
	}
	d.state.mu.Unlock()
	if !ok {
		return nil
	}
	if err := u.UpdateCredential(ctx, p.cred.typ.Name, maps.Clone(stored)); err != nil {
		return fmt.Errorf("the renewed credential %q could not be stored: %w", p.cred.typ.Name, err)
	}
	return nil
}

// drySession is the session a dry run shows: the current one, else one
// made without sending anything, its unknown secrets masked.
func (p *Prepared) drySession(ctx context.Context) (*credSession, error) {
	if p.cred == nil || p.cred.dyn == nil {
		return nil, nil
	}
	d := p.cred.dyn
	if s := d.state.cur.Load(); s != nil {
		return s, nil
	}
	if d.oauth != nil {
		td := d.oauth.TokenData
		if credentials.AccessToken(td) == "" {
			td = map[string]any{"access_token": credentials.Mask}
		}
		return p.signedSession(d, nil, td, td) // a dry run runs no preAuthentication
	}
	data := d.base
	if credentials.Stringify(data[d.expirable]) == "" {
		data = maps.Clone(data)
		data[d.expirable] = credentials.Mask
	}
	return p.preAuthSession(ctx, d, nil, data, nil)
}

// sendAuthenticated finishes and sends one request with the credential's
// current authentication. When the API refuses the credential (a 401, or
// an OAuth2 type's token-expired status) it renews the authentication and
// sends the request once more, as n8n does; the second answer stands.
func (ic *itemContext) sendAuthenticated(ctx context.Context, req *requestData) (*response, *httpRequest, error) {
	p := ic.p
	var err error
	if ic.sess, err = p.session(ctx); err != nil {
		return nil, nil, err
	}
	hr, err := ic.finishAuthenticated(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	resp, err := p.send(ctx, hr, ic.scope)
	if err == nil || !p.refusesCredential(err) || ctx.Err() != nil {
		return resp, hr, err
	}
	p.log.Debug().Int("item", ic.index).Str("credentialType", p.cred.typ.Name).Msg("the credential was refused: authenticating again and resending once")
	if ic.sess, err = p.reauthenticate(ctx, ic.sess); err != nil {
		return nil, nil, err
	}
	if hr, err = ic.finishAuthenticated(ctx, req); err != nil {
		return nil, nil, err
	}
	resp, err = p.send(ctx, hr, ic.scope)
	return resp, hr, err
}
