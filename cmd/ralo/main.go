// Command ralo runs the governance workflows of LACRALO: `ralo dev` runs
// everything in one process; `ralo serve` and `ralo worker` are the
// production API and worker; `ralo migrate`, `ralo admin` and `ralo policy`
// are the operator's tools.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "ralo:", err)
		}
		os.Exit(1)
	}
}

const usage = `ralo — governance workflows for a Regional At-Large Organization

Usage:
  ralo dev      everything in one process (embedded Temporal, SQLite, outbox email)
  ralo serve    the HTTP API, against an external Temporal and PostgreSQL
  ralo worker   the Temporal worker, against an external Temporal and PostgreSQL
  ralo temporal the embedded Temporal server alone (SQLite), for a multi-process setup
  ralo migrate  apply the database migrations
  ralo admin    create-member | issue-token | import-roster FILE.csv | policy
  ralo policy   show: print the policy in force
  ralo audit    verify: compare the audit chain with its last Temporal checkpoints
  ralo bench    ballots: measure the service end to end (see ralo bench -h)

Every flag can also be set with a RALO_* environment variable
(--data-dir is RALO_DATA_DIR). Run "ralo COMMAND -h" for a command's flags.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "dev":
		return runDev(ctx, rest, stdout, stderr)
	case "serve":
		return runServe(ctx, rest, stderr, true, false)
	case "worker":
		return runServe(ctx, rest, stderr, false, true)
	case "temporal":
		return runTemporal(ctx, rest, stderr)
	case "migrate":
		return runMigrate(ctx, rest, stdout, stderr)
	case "admin":
		return runAdmin(ctx, rest, stdout, stderr)
	case "policy":
		return runPolicy(rest, stdout, stderr)
	case "audit":
		return runAudit(ctx, rest, stdout, stderr)
	case "bench":
		return runBench(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}
