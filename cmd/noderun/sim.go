package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/noderun/noderun/nodes/chatwoot"
	"github.com/noderun/noderun/nodes/chatwoot/chatwootsim"
)

// simSession is an embedded simulator serving on a loopback port.
type simSession struct {
	url  string
	seed chatwootsim.Seed
	stop func()
}

// startSimulator serves a fresh simulator on addr until stop is called;
// its server errors go to errorLog (masked stderr).
func startSimulator(ctx context.Context, addr string, errorLog io.Writer) (*simSession, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot start the simulator on %s: %w", addr, err)
	}
	srv := chatwootsim.New(chatwootsim.Options{ErrorLog: log.New(errorLog, "noderun sim: ", log.LstdFlags)})
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	return &simSession{
		url:  "http://" + ln.Addr().String(),
		seed: srv.Seed(),
		stop: func() { cancel(); <-done },
	}, nil
}

// placeholders are the @SIM_...@ tokens a request may use with --sim.
func (s *simSession) placeholders() map[string]string {
	d := s.seed
	return map[string]string{
		"@SIM_URL@":                s.url,
		"@SIM_ACCOUNT_ID@":         strconv.Itoa(d.AccountID),
		"@SIM_ADMIN_TOKEN@":        d.AdminToken,
		"@SIM_AGENT_TOKEN@":        d.AgentToken,
		"@SIM_PLATFORM_TOKEN@":     d.PlatformAppToken,
		"@SIM_BOT_TOKEN@":          d.BotToken,
		"@SIM_INBOX_ID@":           strconv.Itoa(d.InboxID),
		"@SIM_INBOX_IDENTIFIER@":   d.InboxIdentifier,
		"@SIM_CONTACT_ID@":         strconv.Itoa(d.ContactID),
		"@SIM_CONTACT_IDENTIFIER@": d.ContactSourceID,
		"@SIM_CONVERSATION_ID@":    strconv.Itoa(d.ConversationID),
		"@SIM_MESSAGE_ID@":         strconv.Itoa(d.MessageID),
		"@SIM_TEAM_ID@":            strconv.Itoa(d.TeamID),
		"@SIM_AGENT_ID@":           strconv.Itoa(d.AgentID),
		"@SIM_ADMIN_ID@":           strconv.Itoa(d.AdminID),
		"@SIM_BOT_ID@":             strconv.Itoa(d.BotID),
	}
}

// substitute replaces @SIM_...@ placeholders in raw request text.
func (s *simSession) substitute(data []byte) []byte {
	text := string(data)
	if !strings.Contains(text, "@SIM_") {
		return data
	}
	for k, v := range s.placeholders() {
		text = strings.ReplaceAll(text, k, v)
	}
	return []byte(text)
}

// substituteValue replaces @SIM_...@ placeholders in every string of a
// decoded JSON value (keys included), in place where it can.
func (s *simSession) substituteValue(v any) any {
	switch t := v.(type) {
	case string:
		if strings.Contains(t, "@SIM_") {
			return string(s.substitute([]byte(t)))
		}
		return t
	case map[string]any:
		for k, x := range t {
			nk := s.substituteValue(k).(string)
			if nk != k {
				delete(t, k)
			}
			t[nk] = s.substituteValue(x)
		}
		return t
	case []any:
		for i, x := range t {
			t[i] = s.substituteValue(x)
		}
		return t
	}
	return v
}

// startSim starts the simulator for exec --sim and points the Chatwoot
// credential at it. Without a token, it picks the seeded token the
// operation's API family needs.
func (x *execution) startSim(ctx context.Context, creds map[string]map[string]any) (func(), error) {
	if x.sim == nil {
		s, err := startSimulator(ctx, "127.0.0.1:0", x.stderr)
		if err != nil {
			return nil, err
		}
		x.sim = s
	}
	c := creds[chatwoot.CredentialName]
	if c == nil {
		c = map[string]any{}
	}
	c["url"] = x.sim.url
	if tok, _ := c["accessToken"].(string); tok == "" {
		c["accessToken"] = x.sim.seed.AdminToken
		if strings.HasPrefix(x.operationURL, "/platform/") {
			c["accessToken"] = x.sim.seed.PlatformAppToken
		}
	}
	creds[chatwoot.CredentialName] = c
	return x.sim.stop, nil
}

func runSim(ctx context.Context, a *app, args []string) int {
	fs := a.newFlags("sim", "[--addr 127.0.0.1:3000]")
	addr := fs.String("addr", "127.0.0.1:3000", "address to listen on")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	s, err := startSimulator(ctx, *addr, a.stderr)
	if err != nil {
		fmt.Fprintf(a.stderr, "noderun sim: %v\n", err)
		return exitFailed
	}
	d := s.seed
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Chatwoot simulator (Chatwoot %s behaviour) at %s\n\n", chatwootsim.Version, s.url)
	rows := [][2]string{
		{"account id", strconv.Itoa(d.AccountID)},
		{"administrator token (user)", d.AdminToken},
		{"agent token (user)", d.AgentToken},
		{"platform app token", d.PlatformAppToken},
		{"agent bot token", d.BotToken},
		{"API inbox id / identifier", fmt.Sprintf("%d / %s", d.InboxID, d.InboxIdentifier)},
		{"contact id / source id", fmt.Sprintf("%d / %s", d.ContactID, d.ContactSourceID)},
		{"conversation id", strconv.Itoa(d.ConversationID)},
		{"team id", strconv.Itoa(d.TeamID)},
	}
	for _, r := range rows {
		fmt.Fprintf(tw, "  %s\t%s\n", r[0], r[1])
	}
	fmt.Fprintf(tw, "\nTry: NODERUN_CREDENTIALS_CHATWOOTAPI='{\"url\":%q,\"accessToken\":%q}' noderun exec < request.json\n", s.url, d.AdminToken)
	tw.Flush()
	<-ctx.Done()
	s.stop()
	if err := ctx.Err(); err != nil && !errors.Is(err, context.Canceled) {
		return exitFailed
	}
	return exitOK
}
