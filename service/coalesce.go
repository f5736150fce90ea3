package service

import "sync"

// coalescer runs at most one call per key at a time, and folds every call
// asked for while one runs into a single call after it: a burst of
// registry changes (declarations, positions) sends each open election one
// recheck while one is in flight, and one more after it, never one per
// change. The workflow refuses a recheck while one is pending, too
// (election.ErrRecheckPending), which covers several `ralo serve`.
type coalescer struct {
	mu   sync.Mutex
	keys map[string]*coalesced
}

type coalesced struct{ again bool }

// do calls fn for key now, or, when a call for key runs, marks that one
// more is wanted and returns at once; the running caller makes it.
func (c *coalescer) do(key string, fn func()) {
	c.mu.Lock()
	if c.keys == nil {
		c.keys = map[string]*coalesced{}
	}
	if k, running := c.keys[key]; running {
		k.again = true
		c.mu.Unlock()
		return
	}
	k := &coalesced{}
	c.keys[key] = k
	c.mu.Unlock()
	for {
		fn()
		c.mu.Lock()
		if !k.again {
			delete(c.keys, key)
			c.mu.Unlock()
			return
		}
		k.again = false
		c.mu.Unlock()
	}
}
