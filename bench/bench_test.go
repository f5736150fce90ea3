package bench

import (
	"context"
	"testing"
	"time"
)

// TestScenarios runs each scenario at a tiny size on one service and
// asserts its checks pass, so that the code of `ralo bench` is exercised
// by go test. The figures mean nothing at this size.
func TestScenarios(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an embedded Temporal and runs workflows: not in -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	e, err := Start(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	out := testWriter{t}

	t.Run("cases", func(t *testing.T) {
		rep, err := Cases(ctx, e, CasesConfig{N: 20, Concurrency: 4, Sample: 5}, out)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Problems) > 0 || rep.API.N != 20 || rep.SDK.N != 20 || rep.IndexRows != 20 || rep.Workflows < 40 || rep.Sampled != 10 {
			t.Fatalf("%+v", rep)
		}
		if rep.API.Rate <= 0 || rep.SDK.Rate <= 0 || rep.Ratio <= 0 || rep.API.P99 < rep.API.P50 {
			t.Fatalf("no figures: %+v", rep)
		}
	})
	t.Run("ballots", func(t *testing.T) {
		rep, err := Ballots(ctx, e, BallotsConfig{ALSes: 12, Rounds: 2, Concurrency: 4, Window: 6 * time.Second}, out)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Mismatches) > 0 || rep.Sent.N != 24 || rep.Sent.Failed != 0 || rep.Counted != 12 || rep.UnackedCounted != 0 {
			t.Fatalf("%+v", rep)
		}
		if rep.Sent.Rate <= 0 || rep.Sent.P99 < rep.Sent.P50 {
			t.Fatalf("no figures: %+v", rep.Sent)
		}
	})
	t.Run("reads", func(t *testing.T) {
		rep, err := Reads(ctx, e, ReadsConfig{Cases: 20, Members: 120, Rate: 20, Duration: 2 * time.Second, Concurrency: 4}, out)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Problems) > 0 || len(rep.Routes) != 2 {
			t.Fatalf("%+v", rep)
		}
		sent := 0
		for _, r := range rep.Routes {
			if r.OK != r.Sent || r.Errors != 0 || r.P50 <= 0 {
				t.Errorf("%+v", r)
			}
			sent += r.Sent
		}
		if sent != 40 {
			t.Errorf("%d requests sent, want 20/s for 2 s", sent)
		}
	})
	t.Run("timers", func(t *testing.T) {
		rep, err := Timers(ctx, e, TimersConfig{Cases: 30, Due: 10, Window: 3 * time.Second, Lead: 3 * time.Second, Concurrency: 4}, out)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Problems) > 0 || rep.Fired != 10 || rep.Max < rep.P50 || rep.After.RSS == 0 || rep.Before.HeapInuse == 0 {
			t.Fatalf("%+v", rep)
		}
	})
}

// TestStartup starts twice on one folder: a fresh start, then a restart.
func TestStartup(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an embedded Temporal twice: not in -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	for i, fresh := range []bool{true, false} {
		rep, err := Startup(ctx, dir, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Log(rep)
		if rep.Fresh != fresh || rep.Ready <= 0 || rep.Idle.RSS == 0 {
			t.Fatalf("start %d: %+v", i, rep)
		}
	}
}

// testWriter sends a scenario's progress to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
