package bench

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/workflows/ethics"
)

// TestWorkflowCacheBoundsMemory: with -workflow-cache n, at most n
// workflows stay in memory between their tasks, whatever the embedded
// server's own workers started first, and every evicted one is rebuilt
// from its history when it is next asked.
func TestWorkflowCacheBoundsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an embedded Temporal and runs workflows: not in -short")
	}
	// The cache is process-wide and sized when its first worker starts:
	// the test runs in a process of its own, started afresh.
	if os.Getenv("RALO_CACHE_TEST_CHILD") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestWorkflowCacheBoundsMemory$", "-test.v")
		cmd.Env = append(os.Environ(), "RALO_CACHE_TEST_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if !strings.Contains(string(out), "--- PASS: TestWorkflowCacheBoundsMemory") {
			t.Fatalf("the test did not run in its process:\n%s", out)
		}
		return
	}
	const cache, cases = 10, 40
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	e, err := Start(ctx, Options{WorkflowCache: cache})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	f, err := newEthicsFixture(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, cases)
	for i := range ids {
		if ids[i], _, err = fileEthics(ctx, e, f, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := waitAudited(ctx, e, "ethics", "ethics.filed", ids); err != nil {
		t.Fatal(err)
	}
	if err := waitQuiet(ctx, e, cases); err != nil {
		t.Fatal(err)
	}
	if n := workflowsInMemory("workflows/ethics.Ethics("); n == 0 || n > cache {
		t.Errorf("%d of %d open cases in memory, want between 1 and %d", n, cases, cache)
	}
	for _, id := range ids {
		v, err := e.App.Client.QueryWorkflow(ctx, ethics.WorkflowID(id), "", ethics.Query)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		var st ethics.State
		if err := v.Get(&st); err != nil || st.Status != ethics.StatusScreening {
			t.Fatalf("%s rebuilt as %q (%v), want %q", id, st.Status, err, ethics.StatusScreening)
		}
	}
	if n := workflowsInMemory("workflows/ethics.Ethics("); n > cache {
		t.Errorf("%d cases in memory after reading them all, want at most %d", n, cache)
	}
}

// workflowsInMemory counts the goroutines running fn: one per workflow in
// the cache.
func workflowsInMemory(fn string) int {
	buf := make([]byte, 64<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		if strings.Contains(g, fn) {
			n++
		}
	}
	return n
}
