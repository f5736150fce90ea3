package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"time"

	"github.com/lacralo/ralo/bench"
)

// startBench starts the service of one scenario and says how long it took.
func startBench(ctx context.Context, stdout, stderr io.Writer, workflowCache int) (*bench.Env, error) {
	start := time.Now()
	e, err := bench.Start(ctx, bench.Options{Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError})),
		WorkflowCache: workflowCache})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "ralo ready in %v\n", time.Since(start).Round(time.Millisecond))
	return e, nil
}

// checked prints a scenario's problems and fails when there are any.
func checked(stdout io.Writer, problems []string) error {
	if len(problems) == 0 {
		fmt.Fprintln(stdout, "checks: all passed")
		return nil
	}
	for i, p := range problems {
		if i == 20 {
			fmt.Fprintf(stdout, "  … and %d more\n", len(problems)-i)
			break
		}
		fmt.Fprintf(stdout, "  PROBLEM %s\n", p)
	}
	return fmt.Errorf("%d problems", len(problems))
}

func benchCases(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench cases", stderr)
	cache := workflowCacheFlag(fs)
	cfg := bench.CasesConfig{}
	fs.IntVar(&cfg.N, "n", 500, "cases opened through the API, and as many started with the SDK")
	fs.IntVar(&cfg.Concurrency, "concurrency", 8, "clients opening cases at once, on each side")
	fs.IntVar(&cfg.Sample, "sample", 20, "cases of each side read back one by one")
	if err := fs.Parse(args); err != nil {
		return err
	}
	e, err := startBench(ctx, stdout, stderr, *cache)
	if err != nil {
		return err
	}
	defer e.Close()
	rep, err := bench.Cases(ctx, e, cfg, stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "API: %.1f cases/s, p50 %s, p99 %s (%d failed)\n", rep.API.Rate, msText(rep.API.P50), msText(rep.API.P99), rep.API.Failed)
	fmt.Fprintf(stdout, "SDK: %.1f cases/s, p50 %s, p99 %s (%d failed)\n", rep.SDK.Rate, msText(rep.SDK.P50), msText(rep.SDK.P99), rep.SDK.Failed)
	fmt.Fprintf(stdout, "ratio API/SDK: %.2f\n", rep.Ratio)
	fmt.Fprintf(stdout, "checked: %d API cases in the index, %d workflows running, %d read back\n", rep.IndexRows, rep.Workflows, rep.Sampled)
	return checked(stdout, rep.Problems)
}

func benchReads(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench reads", stderr)
	cache := workflowCacheFlag(fs)
	cfg := bench.ReadsConfig{}
	fs.IntVar(&cfg.Cases, "cases", 10_000, "arbitration cases present")
	fs.IntVar(&cfg.Members, "members", 1000, "members in the registry")
	fs.Float64Var(&cfg.Rate, "rate", 100, "requests per second, both routes together (half each)")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "how long requests are sent")
	fs.IntVar(&cfg.Concurrency, "concurrency", 16, "clients creating the cases")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.Rate <= 0 || cfg.Cases <= 0 {
		return errors.New("-rate and -cases must be positive")
	}
	e, err := startBench(ctx, stdout, stderr, *cache)
	if err != nil {
		return err
	}
	defer e.Close()
	rep, err := bench.Reads(ctx, e, cfg, stdout)
	if err != nil {
		return err
	}
	for _, r := range rep.Routes {
		fmt.Fprintf(stdout, "%-32s %5d sent, %5d ok, %3d errors; p50 %s, p99 %s, max %s\n", r.Route, r.Sent, r.OK, r.Errors,
			msText(r.P50), msText(r.P99), msText(r.Max))
	}
	fmt.Fprintf(stdout, "rate: %.1f requests/s asked, %.1f sent, %.1f answered\n", cfg.Rate, rep.SentRate, rep.AnsweredRate)
	return checked(stdout, rep.Problems)
}

func benchTimers(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench timers", stderr)
	cache := workflowCacheFlag(fs)
	cfg := bench.TimersConfig{}
	fs.IntVar(&cfg.Cases, "cases", 10_000, "open cases, each with a deadline timer")
	fs.IntVar(&cfg.Due, "due", 1000, "cases whose deadline falls within -window")
	fs.DurationVar(&cfg.Window, "window", time.Minute, "span of the due deadlines")
	fs.DurationVar(&cfg.Lead, "lead", 30*time.Second, "least time from the end of the setup to the first deadline")
	fs.IntVar(&cfg.Concurrency, "concurrency", 16, "clients opening the cases")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.Due > cfg.Cases || cfg.Due <= 0 {
		return errors.New("-due must be positive and at most -cases")
	}
	e, err := startBench(ctx, stdout, stderr, *cache)
	if err != nil {
		return err
	}
	defer e.Close()
	rep, err := bench.Timers(ctx, e, cfg, stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "memory before: %s\n", rep.Before)
	fmt.Fprintf(stdout, "memory with %d open and idle: %s\n", cfg.Cases, rep.After)
	fmt.Fprintf(stdout, "deadlines: %d of %d acted exactly once; lateness p50 %s, p99 %s, max %s\n", rep.Fired, cfg.Due,
		msText(rep.P50), msText(rep.P99), msText(rep.Max))
	return checked(stdout, rep.Problems)
}

// startupChild is the hidden flag of the process `ralo bench startup`
// starts for each measurement: it starts once on the folder, prints its
// report as JSON and exits.
const startupChild = "child-data-dir"

func benchStartup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench startup", stderr)
	dir := fs.String("data-dir", "", "data folder (default: a new temporary one, removed after)")
	settle := fs.Duration("settle", 5*time.Second, "time after ready before the memory is read")
	child := fs.String(startupChild, "", "internal: measure one start in this process")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *child != "" {
		rep, err := bench.Startup(ctx, *child, *settle)
		if err != nil {
			return err
		}
		return json.NewEncoder(stdout).Encode(rep)
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "ralo-startup-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var reps []bench.StartupReport
	for range 2 {
		var out bytes.Buffer
		cmd := exec.CommandContext(ctx, self, "bench", "startup", "-settle", settle.String(), "-"+startupChild, *dir)
		cmd.Stdout, cmd.Stderr = &out, stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("start: %w", err)
		}
		var rep bench.StartupReport
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			return fmt.Errorf("start: %w: %q", err, out.String())
		}
		fmt.Fprintln(stdout, rep)
		reps = append(reps, rep)
	}
	var problems []string
	if !reps[0].Fresh || reps[1].Fresh {
		problems = append(problems, "the first start must find an empty folder and the second the databases it left")
	}
	return checked(stdout, problems)
}

// workflowCacheFlag adds -workflow-cache, as `ralo dev` has it.
func workflowCacheFlag(fs *flag.FlagSet) *int {
	return fs.Int("workflow-cache", 0, "workflows the worker keeps in memory between their tasks (0: the SDK's 10,000)")
}
