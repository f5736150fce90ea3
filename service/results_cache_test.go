package service

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lacralo/ralo/workflows/election"
)

// TestResultsCache: readers at once share one read; a fresh entry is
// served from memory, a stale one read again; a failed read is not kept;
// forget drops the entry.
func TestResultsCache(t *testing.T) {
	c := &resultsCache{ttl: 50 * time.Millisecond}
	var loads atomic.Int32
	release := make(chan struct{})
	load := func() (election.Results, error) {
		loads.Add(1)
		<-release
		return election.Results{ElectionID: "e1", Status: election.StatusCertified}, nil
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if res, err := c.get(ctx, "e1", load); err != nil || res.ElectionID != "e1" {
				t.Errorf("get = %+v, %v", res, err)
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := loads.Load(); n != 1 {
		t.Fatalf("20 readers at once made %d reads, want 1", n)
	}
	if _, _ = c.get(ctx, "e1", load); loads.Load() != 1 {
		t.Errorf("a fresh entry was read again")
	}
	time.Sleep(60 * time.Millisecond)
	if _, _ = c.get(ctx, "e1", load); loads.Load() != 2 {
		t.Errorf("a stale entry was not read again: %d reads", loads.Load())
	}
	c.forget("e1", nil)
	if _, _ = c.get(ctx, "e1", load); loads.Load() != 3 {
		t.Errorf("a forgotten entry was not read again: %d reads", loads.Load())
	}

	failing := func() (election.Results, error) { loads.Add(1); return election.Results{}, errors.New("down") }
	loads.Store(0)
	for range 2 {
		if _, err := c.get(ctx, "e2", failing); err == nil {
			t.Error("the failure was not returned")
		}
	}
	if loads.Load() != 2 {
		t.Errorf("a failed read was kept: %d reads for 2 gets", loads.Load())
	}

	// A read that panics lets its waiters go with an error, and is not kept.
	c2 := &resultsCache{}
	func() {
		defer func() { _ = recover() }()
		_, _ = c2.get(ctx, "e3", func() (election.Results, error) { panic("boom") })
	}()
	if _, err := c2.get(ctx, "e3", failing); err == nil || len(c2.m) != 0 {
		t.Errorf("after a panicking read: err %v, %d entries kept", err, len(c2.m))
	}
}
