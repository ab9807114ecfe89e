package runtime

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
)

// Link-local and cloud metadata addresses are where a cloud host keeps
// its own credentials: a URL taken from item data must not reach them.
// They are refused unless Engine.AllowLinkLocal is set, by name before a
// request is sent and by the address actually dialled, so that a name
// resolving there (DNS rebinding, a wildcard DNS service) is refused too.

// metadataAddrs are cloud metadata services outside 169.254.0.0/16 and
// fe80::/10: AWS over IPv6, Alibaba Cloud, Oracle Cloud's legacy address.
var metadataAddrs = [...]netip.Addr{
	netip.MustParseAddr("fd00:ec2::254"),
	netip.MustParseAddr("100.100.100.200"),
	netip.MustParseAddr("192.0.0.192"),
}

// metadataNames are the metadata services' host names.
var metadataNames = [...]string{"metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal"}

// nat64 is the well-known NAT64 prefix: 64:ff9b::a9fe:a9fe is
// 169.254.169.254 through a NAT64 gateway.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// blockedIP reports whether a is link-local or a metadata address.
func blockedIP(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	if nat64.Contains(a) {
		b := a.As16()
		a = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	if a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() {
		return true
	}
	for _, m := range metadataAddrs {
		if a == m {
			return true
		}
	}
	return false
}

// blockedAddressError is a request refused because its host is, or
// resolved to, a link-local or metadata address.
type blockedAddressError struct {
	host string // the URL's host name, or the address dialled
}

func (e *blockedAddressError) Error() string {
	return fmt.Sprintf("%s is a link-local or cloud metadata address", e.host)
}

// checkHost refuses a URL host that names a link-local or metadata
// address, unless the engine allows them.
func (e *Engine) checkHost(host string) error {
	if e.AllowLinkLocal || host == "" {
		return nil
	}
	name := strings.TrimSuffix(host, ".")
	for _, m := range metadataNames {
		if equalFoldASCII(name, m) {
			return &blockedAddressError{host: host}
		}
	}
	if c := name[0]; (c < '0' || c > '9') && !strings.Contains(name, ":") {
		return nil // a name: the dialler checks what it resolves to
	}
	if a, err := netip.ParseAddr(name); err == nil && blockedIP(a) {
		return &blockedAddressError{host: host}
	}
	return nil
}

// dialControl is the net.Dialer Control of noderun's own transports: it
// runs after name resolution, on the address about to be connected.
func dialControl(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return nil
	}
	if a, err := netip.ParseAddr(host); err == nil && blockedIP(a) {
		return &blockedAddressError{host: a.String()}
	}
	return nil
}

// guardDial wraps the DialContext of a transport the caller gave
// (Engine.Transport): it cannot take a Control, so the connection's peer
// is checked once connected, before anything is written to it.
func guardDial(dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
			if a, ok := netip.AddrFromSlice(ta.IP); ok && blockedIP(a) {
				_ = c.Close()
				return nil, &net.OpError{Op: "dial", Net: network, Addr: ta, Err: &blockedAddressError{host: a.String()}}
			}
		}
		return c, nil
	}
}

// blockedError is the item error of a refused address.
func blockedError(err *blockedAddressError) *NodeError {
	return &NodeError{Name: NameNodeOperationError, ItemIndex: -1,
		Message: "The request was refused: " + err.Error(),
		Description: "noderun does not connect to link-local and cloud metadata addresses, where a cloud host's own credentials are served; " +
			"set Engine.AllowLinkLocal (CLI: --allow-link-local) if this node must reach one",
		Cause: err}
}

// refusedError is the item error of a request noderun refused to send
// or to redirect (an address or a host the credential may not reach),
// or nil for any other failure. Such a request is never retried: it
// would be refused again.
func refusedError(err error) *NodeError {
	var blocked *blockedAddressError
	var domain *domainError
	var bodyRedirect *credentialBodyRedirectError
	switch {
	case errors.As(err, &blocked):
		return blockedError(blocked)
	case errors.As(err, &domain):
		return domainNodeError(domain, -1)
	case errors.As(err, &bodyRedirect):
		return &NodeError{Name: NameNodeOperationError, ItemIndex: -1, Message: "The redirect was refused",
			Description: bodyRedirect.Error(), Cause: err}
	}
	return nil
}
