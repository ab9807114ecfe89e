package chatwootsim

import (
	"crypto/sha256"
	"fmt"
)

// base58 is the alphabet of Rails has_secure_token.
const base58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// secureToken derives a 24-character has_secure_token string. Tokens depend only on the seed, the
// kind and the counter, so the demo tokens are the same on every start and in every test.
func secureToken(seed uint64, kind string, n int) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("chatwootsim/%d/%s/%d", seed, kind, n)))
	out := make([]byte, 24)
	for i := range out {
		out[i] = base58[int(h[i])%len(base58)]
	}
	return string(out)
}

// uuidV4 derives a deterministic RFC 4122 version-4 UUID.
func uuidV4(seed uint64, kind string, n int) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("chatwootsim-uuid/%d/%s/%d", seed, kind, n)))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// hexToken derives a hex string, used for SSO tokens.
func hexToken(seed uint64, kind string, n int) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("chatwootsim-hex/%d/%s/%d", seed, kind, n)))
	return fmt.Sprintf("%x", h[:16])
}
