package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/lacralo/ralo/app"
)

// runServe runs the API (serve) or the worker (worker) against an external
// Temporal cluster and database. Both are stateless: run as many as needed.
func runServe(ctx context.Context, args []string, stderr io.Writer, runAPI, runWorker bool) error {
	name := "serve"
	if runWorker {
		name = "worker"
	}
	var c config
	fs := newFlagSet(name, stderr)
	if runAPI {
		fs.StringVar(&c.Listen, "listen", envString("listen", "127.0.0.1:8080"), "address of the HTTP API")
	}
	c.common(fs)
	c.mail(fs)
	c.security(fs)
	if runWorker {
		c.worker(fs)
	}
	c.database(fs)
	c.temporal(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.DatabaseURL == "" {
		return errors.New("--database-url (RALO_DATABASE_URL) is required")
	}
	cd, err := c.payloadCodec(false)
	if err != nil {
		return err
	}
	log := c.logger(stderr)
	pol, err := c.loadPolicy()
	if err != nil {
		return err
	}
	topts, err := c.temporalOptions()
	if err != nil {
		return err
	}
	log.Info("starting ralo "+name, c.logAttrs()...)
	var ln net.Listener
	if runAPI {
		if ln, err = net.Listen("tcp", c.Listen); err != nil {
			return fmt.Errorf("listen %s: %w", c.Listen, err)
		}
	}
	listenURL := ""
	if ln != nil {
		listenURL = "http://" + ln.Addr().String()
	}
	a, err := app.Open(ctx, app.Options{
		DatabaseURL: c.DatabaseURL, Policy: pol, Temporal: topts,
		SMTPURL: c.SMTPURL, SMTPFrom: c.SMTPFrom, AdminToken: c.AdminToken, BaseURL: c.BaseURL,
		PublicURL: c.PublicURL, ListenURL: listenURL, RunWorker: runWorker, RunAPI: runAPI, Logger: log, WorkflowCache: c.WorkflowCache,
		TokenTTL: c.TokenTTL, MetricsToken: c.MetricsToken, Codec: cd,
		AnchorEntries: c.AnchorEntries, AnchorEvery: c.AnchorEvery,
	})
	if err != nil {
		if ln != nil {
			ln.Close()
		}
		if ctx.Err() != nil {
			// Stopped (SIGTERM, Ctrl-C) while starting: a clean stop,
			// not a failure to start.
			log.Info("stopped while starting", "err", err)
			return nil
		}
		return err
	}
	defer a.Close()
	if a.BootstrapToken != "" {
		fmt.Fprintf(stderr, "\nadmin token (shown once, keep it): %s\n\n", a.BootstrapToken)
	}
	if runAPI {
		log.Info("ralo serve ready", "api", "http://"+ln.Addr().String())
		return serveHTTP(ctx, ln, a.Handler(), log)
	}
	log.Info("ralo worker ready")
	<-ctx.Done()
	log.Info("shutting down")
	return nil
}
