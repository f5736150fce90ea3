package service

import (
	"cmp"
	"context"
	"errors"
	"sync"
	"time"

	"github.com/lacralo/ralo/workflows/election"
)

// publicResultsTTL is how long the public results of a certified cycle
// are served from memory before the workflow is asked again. A certified
// count no longer changes; what may still be added (a succession
// scheduled, a contest recorded) shows within this time, at once on the
// `ralo serve` that made the change.
const publicResultsTTL = 5 * time.Second

// resultsCache holds the public results of certified cycles, read from
// their workflows at most once per TTL however many people read them at
// once (the night results are certified, everyone does).
type resultsCache struct {
	mu  sync.Mutex
	m   map[string]*cachedResults
	ttl time.Duration // publicResultsTTL when zero
}

// errLoadFailed is what waiters get when the read they waited for did
// not finish (it panicked).
var errLoadFailed = errors.New("service: the results could not be read")

type cachedResults struct {
	ready chan struct{} // closed once res and err are set
	res   election.Results
	err   error
	at    time.Time
}

// get returns id's results from memory while fresh, else reads them with
// load; callers that arrive while a read runs wait for it. Errors are not
// kept.
func (c *resultsCache) get(ctx context.Context, id string, load func() (election.Results, error)) (election.Results, error) {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]*cachedResults{}
	}
	e, ok := c.m[id]
	if ok {
		select {
		case <-e.ready:
			if e.err != nil || time.Since(e.at) > cmp.Or(c.ttl, publicResultsTTL) {
				ok = false
			}
		default: // a read is under way: wait for it below
		}
	}
	if !ok {
		e = &cachedResults{ready: make(chan struct{}), err: errLoadFailed}
		c.m[id] = e
		c.mu.Unlock()
		// Whatever happens in load (even a panic), the waiters are let go
		// and a failed read is not kept.
		defer func() {
			e.at = time.Now()
			close(e.ready)
			if e.err != nil {
				c.forget(id, e)
			}
		}()
		e.res, e.err = load()
		return e.res, e.err
	}
	c.mu.Unlock()
	select {
	case <-e.ready:
		return e.res, e.err
	case <-ctx.Done():
		return election.Results{}, ctx.Err()
	}
}

// forget drops id's entry (only entry e when e is not nil): the cycle was
// changed through this service, or its read failed.
func (c *resultsCache) forget(id string, e *cachedResults) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cur, ok := c.m[id]; ok && (e == nil || cur == e) {
		delete(c.m, id)
	}
}
