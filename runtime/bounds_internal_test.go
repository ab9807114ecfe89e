package runtime

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Internal checks of the hardening mechanisms that a run cannot reach
// from outside: the address classification, the dial-time check after
// name resolution, the indexed object, the host rules.

func TestBlockedIP(t *testing.T) {
	t.Parallel()
	cases := map[string]bool{
		"169.254.169.254":         true,
		"169.254.170.2":           true, // ECS task metadata
		"169.254.0.1":             true,
		"fe80::1":                 true,
		"fe80::1%eth0":            true,
		"::ffff:169.254.169.254":  true,
		"64:ff9b::a9fe:a9fe":      true, // NAT64 of 169.254.169.254
		"fd00:ec2::254":           true,
		"100.100.100.200":         true,
		"192.0.0.192":             true,
		"127.0.0.1":               false,
		"::1":                     false,
		"10.0.0.1":                false,
		"100.100.100.201":         false,
		"93.184.216.34":           false,
		"2606:4700:4700::1111":    false,
		"::ffff:127.0.0.1":        false,
		"64:ff9b::7f00:1":         false,
		"fd00:ec2::253":           false,
		"169.253.255.255":         false,
		"169.255.0.0":             false,
		"ff02::1":                 true, // link-local multicast
		"fe80:0000:0000::0000:01": true,
	}
	for addr, want := range cases {
		assert.Equal(t, want, blockedIP(netip.MustParseAddr(addr)), addr)
	}
}

func TestCheckHost(t *testing.T) {
	t.Parallel()
	cases := map[string]bool{
		"169.254.169.254":           true,
		"metadata.google.internal":  true,
		"METADATA.GOOGLE.INTERNAL.": true,
		"metadata":                  true,
		"fe80::1":                   true,
		"100.100.100.200":           true,
		"localhost":                 false,
		"127.0.0.1":                 false,
		"api.example.com":           false,
		"169.254.169.254.nip.io":    false, // a name: the dialler judges what it resolves to
		"":                          false,
	}
	e := &Engine{}
	allowed := &Engine{AllowLinkLocal: true}
	for host, blocked := range cases {
		err := e.checkHost(host)
		var b *blockedAddressError
		assert.Equal(t, blocked, errors.As(err, &b), host)
		assert.NoError(t, allowed.checkHost(host), "AllowLinkLocal lets %s through", host)
	}
}

// TestDialRefusesResolvedLinkLocal resolves a name through a fake DNS
// server that answers 169.254.169.254: the dialler refuses the address
// after resolution, before connecting, as a DNS-rebinding attack needs.
func TestDialRefusesResolvedLinkLocal(t *testing.T) {
	t.Parallel()
	dns := fakeDNS(t, [4]byte{169, 254, 169, 254})
	e := &Engine{}
	d := e.dialer()
	d.Resolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "udp", dns)
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := d.DialContext(ctx, "tcp4", "rebind.test:80")
	var blocked *blockedAddressError
	require.ErrorAs(t, err, &blocked)
	assert.Equal(t, "169.254.169.254", blocked.host)
	ne := refusedError(err)
	require.NotNil(t, ne)
	assert.Contains(t, ne.Description, "--allow-link-local")

	// The same name resolving to loopback connects.
	loop := fakeDNS(t, [4]byte{127, 0, 0, 1})
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	d.Resolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "udp", loop)
	}}
	c, err := d.DialContext(ctx, "tcp4", net.JoinHostPort("rebind.test", strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)))
	require.NoError(t, err)
	_ = c.Close()
}

// fakeDNS answers every A query with addr, on loopback UDP.
func fakeDNS(t *testing.T, addr [4]byte) string {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = pc.Close() })
	go func() {
		buf := make([]byte, 512)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if n < 12 {
				continue
			}
			q := buf[12:n]
			end := 0
			for end < len(q) && q[end] != 0 {
				end += int(q[end]) + 1
			}
			if end+5 > len(q) {
				continue
			}
			question := q[:end+5]
			qtype := binary.BigEndian.Uint16(question[end+1:])
			resp := append([]byte(nil), buf[:2]...)
			resp = append(resp, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0)
			resp = append(resp, question...)
			if qtype == 1 {
				resp[7] = 1
				resp = append(resp, 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4)
				resp = append(resp, addr[:]...)
			}
			_, _ = pc.WriteTo(resp, from)
		}
	}()
	return pc.LocalAddr().String()
}

// pipeConn is a connection whose peer claims any address.
type pipeConn struct {
	net.Conn
	remote net.Addr
}

func (c pipeConn) RemoteAddr() net.Addr { return c.remote }

func TestGuardDialChecksThePeer(t *testing.T) {
	t.Parallel()
	cases := map[string]bool{"169.254.169.254": true, "fe80::1": true, "127.0.0.1": false}
	for ip, blocked := range cases {
		dial := guardDial(func(context.Context, string, string) (net.Conn, error) {
			a, b := net.Pipe()
			_ = b.Close()
			return pipeConn{Conn: a, remote: &net.TCPAddr{IP: net.ParseIP(ip), Port: 80}}, nil
		})
		c, err := dial(context.Background(), "tcp", "anything:80")
		if blocked {
			var b *blockedAddressError
			assert.ErrorAs(t, err, &b, ip)
			continue
		}
		require.NoError(t, err, ip)
		_ = c.Close()
	}
}

func TestHostAllowed(t *testing.T) {
	t.Parallel()
	cases := []struct {
		host, list string
		want       bool
	}{
		{"api.example.com", "api.example.com", true},
		{"api.example.com", " other.com , API.example.com. ", true},
		{"api.example.com", "*.example.com", true},
		{"example.com", "*.example.com", false}, // subdomains only, as n8n
		{"evilexample.com", "*.example.com", false},
		{"example.com.evil.com", "example.com", false},
		{"api.example.com", "", false},
		{"api.example.com", "*.", false},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, hostAllowed(c.host, c.list), "%s in %q", c.host, c.list)
	}
}

func TestCredentialCheckHost(t *testing.T) {
	t.Parallel()
	open := &preparedCredential{}
	restricted := &preparedCredential{domains: domainRule{restricted: true, list: "*.trusted.com, files.example.net"}}
	emptyList := &preparedCredential{domains: domainRule{restricted: true}}
	cases := []struct {
		name string
		cred *preparedCredential
		base any
		full string
		ok   bool
	}{
		{"under the base", open, "https://api.example.com/v1", "https://api.example.com/v1/items?x=1", true},
		{"same host, other path", open, "https://api.example.com/v1", "https://API.example.com./other", true},
		{"same host, other port", open, "https://api.example.com", "https://api.example.com:8443/x", true},
		{"other host", open, "https://api.example.com", "https://evil.com/x", false},
		{"prefix is not the host", open, "https://api.example.com", "https://api.example.com.evil.com/x", false},
		{"user info trick", open, "https://api.example.com", "https://api.example.com@evil.com/x", false},
		{"no base URL: nothing to bind to", open, nil, "https://anywhere.com/x", true},
		{"listed wildcard", restricted, "https://api.example.com", "https://a.trusted.com/x", true},
		{"listed host", restricted, "https://api.example.com", "https://files.example.net/f", true},
		{"base host stays allowed", restricted, "https://api.example.com", "https://api.example.com/x", true},
		{"not listed", restricted, "https://api.example.com", "https://trusted.com/x", false},
		{"restricted without base", restricted, nil, "https://evil.com/", false},
		{"restricted, empty list, no base", emptyList, nil, "https://api.example.com/", false},
		{"restricted, empty list, base", emptyList, "https://api.example.com", "https://api.example.com/x", true},
	}
	for _, c := range cases {
		err := c.cred.checkHost(c.base, c.full)
		if c.ok {
			assert.NoError(t, err, c.name)
		} else {
			assert.Error(t, err, c.name)
		}
	}
	err := open.checkHost("https://api.example.com", "https://evil.com/x")
	assert.EqualError(t, err, "Domain not allowed: This credential is restricted from accessing evil.com. Only the following domains are allowed: api.example.com")
}

func TestObjectIndex(t *testing.T) {
	t.Parallel()
	o := newObject(0)
	const n = 200
	for i := range n {
		o.Set("k"+strconv.Itoa(i), i)
	}
	for i := 0; i < n; i += 3 {
		o.Set("k"+strconv.Itoa(i), -i) // overwrites keep their place
	}
	require.Equal(t, n, o.Len())
	require.NotNil(t, o.index, "an object this large is indexed")
	for i, f := range o.fields {
		want := i
		if i%3 == 0 {
			want = -i
		}
		assert.Equal(t, "k"+strconv.Itoa(i), f.key)
		assert.Equal(t, want, f.val)
	}
	c := copyObject(o)
	c.Set("k1", "changed")
	c.Set("new", true)
	v, _ := o.Get("k1")
	assert.Equal(t, 1, v, "a copy's edits leave the original alone")
	_, found := o.Get("new")
	assert.False(t, found)
	v, _ = c.Get("new")
	assert.Equal(t, true, v)
	assert.Equal(t, n+1, c.Len())
	small := newObject(2)
	small.Set("a", 1)
	assert.Nil(t, small.index, "small objects scan")
}

// TestWideBuildIsCancellable: a build of many routed properties stops
// when the run's context ends.
func TestWideBuildIsCancellable(t *testing.T) {
	t.Parallel()
	p, item := wideRun(t, 5_000, false)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ic := p.newItemContext(0, item, nil)
	defer p.releaseItemContext(ic)
	_, err := ic.build(ctx)
	assert.ErrorIs(t, err, context.Canceled)

	ic2 := p.newItemContext(0, item, nil)
	defer p.releaseItemContext(ic2)
	r, err := ic2.build(context.Background())
	require.NoError(t, err)
	body, ok := r.body.(*object)
	require.True(t, ok)
	assert.Equal(t, 5_000, body.Len())
}

func TestTopLevelArrayLen(t *testing.T) {
	t.Parallel()
	cases := []struct {
		body string
		n    int
		ok   bool
	}{
		{`[]`, 0, true},
		{` [ ] `, 0, true},
		{`[0]`, 1, true},
		{`[0,1,2]`, 3, true},
		{"\n[ {\"a\":[1,2,3]}, [4,5], \"x,y]\" , \"q\\\"],\" ]", 4, true},
		{`[[]]`, 1, true},
		{`[{}]`, 1, true},
		{`[null,true,false]`, 3, true},
		{`{"a":[1,2]}`, 0, false},
		{`"[1,2]"`, 0, false},
		{``, 0, false},
	}
	for _, c := range cases {
		n, ok := topLevelArrayLen([]byte(c.body))
		assert.Equal(t, c.ok, ok, c.body)
		assert.Equal(t, c.n, n, c.body)
		if ok {
			var parsed []any
			require.NoError(t, json.Unmarshal([]byte(c.body), &parsed), c.body)
			assert.Len(t, parsed, n, "the count agrees with a parse: %s", c.body)
		}
	}
}
