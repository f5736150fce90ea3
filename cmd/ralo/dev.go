package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/app"
	"github.com/lacralo/ralo/devserver"
)

// devNamespace is the Temporal namespace of `ralo dev`.
const devNamespace = "ralo"

func runDev(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	start := time.Now()
	var c config
	fs := newFlagSet("dev", stderr)
	fs.StringVar(&c.DataDir, "data-dir", envString("data-dir", "./ralo-data"), "folder of the databases (Temporal and ralo)")
	fs.StringVar(&c.Listen, "listen", envString("listen", "127.0.0.1:8080"), "address of the HTTP API")
	fs.IntVar(&c.TemporalPort, "temporal-port", envInt("temporal-port", 7233), "port of the embedded Temporal frontend (for the Temporal CLI and UI)")
	fs.StringVar(&c.AdminToken, "admin-token", envString("admin-token", ""), "token of the first admin (default: random, printed once)")
	c.common(fs)
	c.mail(fs)
	c.worker(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := c.logger(stderr)
	pol, err := c.loadPolicy()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	c.TemporalAddress = fmt.Sprintf("127.0.0.1:%d", c.TemporalPort)
	c.TemporalNamespace = devNamespace
	c.DatabaseURL = c.sqlitePath()
	log.Info("starting ralo dev", c.logAttrs()...)

	// Bind the API first, so a port in use fails before anything starts.
	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", c.Listen, err)
	}
	app.SetWorkflowCache(c.WorkflowCache) // before the embedded server's own workers start
	srv, err := devserver.Start(ctx, devserver.Config{DataDir: c.DataDir, Port: c.TemporalPort,
		Namespace: devNamespace, Retention: pol.Namespace.Retention.D(), Logger: log.With("component", "temporal")})
	if err != nil {
		ln.Close()
		return err
	}
	defer func() {
		if err := srv.Stop(); err != nil {
			log.Warn("stopping temporal", "err", err)
		}
	}()
	a, err := app.Open(ctx, app.Options{
		DatabaseURL: c.sqlitePath(), Policy: pol,
		Temporal: client.Options{HostPort: srv.HostPort(), Namespace: devNamespace},
		SMTPURL:  c.SMTPURL, SMTPFrom: c.SMTPFrom, AdminToken: c.AdminToken, BaseURL: c.BaseURL,
		RunWorker: true, RunAPI: true, SeedSeries: true, Logger: log, WorkflowCache: c.WorkflowCache,
	})
	if err != nil {
		ln.Close()
		return err
	}
	defer a.Close()
	if a.BootstrapToken != "" {
		// Printed once, on the terminal, never through the logger.
		fmt.Fprintf(stdout, "\nadmin token (shown once, keep it): %s\n\n", a.BootstrapToken)
	}
	for _, sr := range a.SeededSeries {
		log.Info("standing series created", "series_id", sr.ID, "kind", sr.Kind, "title", sr.Title, "every", sr.Every)
	}
	log.Info("ralo dev ready", "api", "http://"+ln.Addr().String(), "temporal", srv.HostPort(),
		"namespace", devNamespace, "startup", time.Since(start).Round(time.Millisecond).String())
	return serveHTTP(ctx, ln, a.API.Handler(), log)
}

// serveHTTP serves until ctx is cancelled, then drains requests for up to
// ten seconds.
func serveHTTP(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
