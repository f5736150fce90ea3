package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/lacralo/ralo/bench"
)

const benchUsage = `Usage: ralo bench SCENARIO [flags]

Each scenario starts a complete ralo in this process (embedded Temporal,
SQLite in a temporary folder, worker, HTTP API on a local port), drives it
over HTTP and prints what it measured and checked.

Scenarios:
  ballots   ballots cast over HTTP into one election: rate, p50/p99, and
            every acknowledged ballot counted exactly once
  cases     arbitration cases opened per second through the API vs
            Arbitration workflows started with the Temporal SDK; every case
            checked to exist
  reads     GET /api/v1/members?limit=100 and GET /api/v1/arbitrations/{id}
            at a fixed request rate (open loop) with 10,000 cases present:
            p50/p99/max per route, achieved rate, errors
  timers    10,000 open ethics cases with a durable deadline, 1,000 due in
            the same minute: memory before and after, how late each due
            deadline acts, each exactly once
  startup   time to /readyz 200 and idle memory, fresh and restarted on the
            same data folder, each in a new process

Run "ralo bench SCENARIO -h" for a scenario's flags.
`

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, benchUsage)
		return errors.New("no scenario given")
	}
	scenario, rest := args[0], args[1:]
	switch scenario {
	case "ballots":
		return benchBallots(ctx, rest, stdout, stderr)
	case "cases":
		return benchCases(ctx, rest, stdout, stderr)
	case "reads":
		return benchReads(ctx, rest, stdout, stderr)
	case "timers":
		return benchTimers(ctx, rest, stdout, stderr)
	case "startup":
		return benchStartup(ctx, rest, stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, benchUsage)
		return nil
	default:
		fmt.Fprint(stderr, benchUsage)
		return fmt.Errorf("unknown scenario %q", scenario)
	}
}

func benchBallots(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench ballots", stderr)
	cache := workflowCacheFlag(fs)
	cfg := bench.BallotsConfig{}
	fs.IntVar(&cfg.ALSes, "alses", 1000, "ALSes voting")
	fs.IntVar(&cfg.Rounds, "rounds", 2, "ballots per ALS (the first and revotes)")
	fs.IntVar(&cfg.Concurrency, "concurrency", 16, "clients sending ballots at once")
	fs.DurationVar(&cfg.Window, "window", 2*time.Minute, "length of the vote; every ballot must be sent within it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	e, err := startBench(ctx, stdout, stderr, *cache)
	if err != nil {
		return err
	}
	defer e.Close()
	rep, err := bench.Ballots(ctx, e, cfg, stdout)
	if err != nil {
		return err
	}
	sent := rep.Sent
	fmt.Fprintf(stdout, "ballots: %d sent, %d acknowledged, %d failed, in %v\n", sent.N, sent.N-sent.Failed, sent.Failed, sent.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(stdout, "rate: %.1f ballots/s with %d clients; latency p50 %s, p99 %s, max %s\n", sent.Rate, cfg.Concurrency,
		msText(sent.P50), msText(sent.P99), msText(sent.Max))
	fmt.Fprintf(stdout, "counted: %d ballots (one per ALS, the last acknowledged), %d mismatches, %d unanswered ballots counted\n",
		rep.Counted, len(rep.Mismatches), rep.UnackedCounted)
	for _, m := range rep.Mismatches {
		fmt.Fprintf(stdout, "  MISMATCH %s\n", m)
	}
	if len(rep.Mismatches) > 0 || sent.Failed > 0 {
		return fmt.Errorf("%d mismatches, %d failed ballots", len(rep.Mismatches), sent.Failed)
	}
	return nil
}

func msText(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}
