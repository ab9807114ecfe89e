package expr

import (
	"sync"
	"sync/atomic"
)

// defaultMaxCached is Options.MaxCachedExpressions when zero: at about
// 2.5 KB per compiled text, some 20 MB.
const defaultMaxCached = 8192

// exprCache holds compiled expressions by text, up to max of them. A hit
// is a lock-free map read and, at most, one atomic store; eviction is
// CLOCK, the usual approximation of least-recently-used: a used entry
// gets a second chance, the first unused one the hand meets is dropped.
type exprCache struct {
	m   sync.Map // string -> *cacheEntry
	max int

	mu   sync.Mutex // guards ring and hand
	ring []*cacheEntry
	hand int
}

type cacheEntry struct {
	x    *Expression
	used atomic.Bool
}

func (c *exprCache) get(text string) *Expression {
	v, ok := c.m.Load(text)
	if !ok {
		return nil
	}
	e := v.(*cacheEntry)
	if !e.used.Load() {
		e.used.Store(true) // written only when it changes: a hit stays a read
	}
	return e.x
}

// add caches x, unless another goroutine cached the same text first;
// it returns the cached expression.
func (c *exprCache) add(x *Expression) *Expression {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.m.Load(x.text); ok {
		return v.(*cacheEntry).x
	}
	e := &cacheEntry{x: x}
	if len(c.ring) < c.max {
		c.ring = append(c.ring, e)
	} else {
		for {
			old := c.ring[c.hand]
			if old.used.Load() {
				old.used.Store(false)
				c.hand = (c.hand + 1) % len(c.ring)
				continue
			}
			c.m.Delete(old.x.text)
			c.ring[c.hand] = e
			c.hand = (c.hand + 1) % len(c.ring)
			break
		}
	}
	c.m.Store(x.text, e)
	return x
}

// len is the number of cached expressions.
func (c *exprCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.ring)
}
