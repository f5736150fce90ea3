package service

import (
	"sync"
	"sync/atomic"
	"testing"
)

// TestCoalescer: 100 calls for one key while the first runs make two
// calls in all (the first, and one for all that came during it); another
// key is not held back.
func TestCoalescer(t *testing.T) {
	var c coalescer
	var calls, other atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.do("e1", func() {
			if calls.Add(1) == 1 {
				close(started)
				<-release
			}
		})
	}()
	<-started
	var burst sync.WaitGroup
	for range 100 {
		burst.Add(1)
		go func() { defer burst.Done(); c.do("e1", func() { calls.Add(1) }) }()
	}
	c.do("e2", func() { other.Add(1) })
	if other.Load() != 1 {
		t.Fatalf("another key waited: %d calls", other.Load())
	}
	// While the first call runs, the 100 only mark the key and return.
	burst.Wait()
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 2 {
		t.Errorf("calls = %d, want 2 (the first and one for the burst)", n)
	}
	c.do("e1", func() { calls.Add(1) })
	if n := calls.Load(); n != 3 {
		t.Errorf("after the burst a call runs at once: %d", n)
	}
}
