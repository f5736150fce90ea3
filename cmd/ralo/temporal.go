package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/lacralo/ralo/devserver"
)

// runTemporal runs the embedded Temporal server on its own, persisted to
// SQLite, so `ralo serve` and several `ralo worker` can run against it as
// separate processes: the production topology on one machine.
func runTemporal(ctx context.Context, args []string, stderr io.Writer) error {
	var c config
	var ip, namespace string
	fs := newFlagSet("temporal", stderr)
	fs.StringVar(&c.DataDir, "data-dir", envString("data-dir", "./ralo-data"), "folder of temporal.db")
	fs.IntVar(&c.TemporalPort, "temporal-port", envInt("temporal-port", 7233), "frontend gRPC port")
	fs.StringVar(&ip, "ip", envString("temporal-ip", "127.0.0.1"), "frontend bind address")
	fs.StringVar(&namespace, "temporal-namespace", envString("temporal-namespace", "ralo"), "namespace to register")
	c.common(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := c.logger(stderr)
	pol, err := c.loadPolicy()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return err
	}
	srv, err := devserver.Start(ctx, devserver.Config{DataDir: c.DataDir, IP: ip, Port: c.TemporalPort,
		Namespace: namespace, Retention: pol.Namespace.Retention.D(), Logger: log.With("component", "temporal")})
	if err != nil {
		return err
	}
	log.Info("temporal ready", "address", srv.HostPort(), "namespace", namespace, "data_dir", c.DataDir)
	<-ctx.Done()
	log.Info("shutting down")
	if err := srv.Stop(); err != nil {
		return fmt.Errorf("stop temporal: %w", err)
	}
	return nil
}
