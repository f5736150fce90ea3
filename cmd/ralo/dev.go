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
	fs.BoolVar(&c.TemporalUI, "temporal-ui", envBool("temporal-ui", true), "serve the Temporal Web UI on loopback (for operators)")
	fs.IntVar(&c.TemporalUIPort, "temporal-ui-port", envInt("temporal-ui-port", 0), "port of the Temporal Web UI (default: the Temporal port + 1000)")
	fs.StringVar(&c.AdminToken, "admin-token", envString("admin-token", ""), "token of the first admin (default: random, printed once)")
	c.common(fs)
	c.mail(fs)
	c.security(fs)
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
	cd, err := c.payloadCodec(true)
	if err != nil {
		return err
	}
	log.Info("starting ralo dev", c.logAttrs()...)

	// Bind the API first, so a port in use fails before anything starts.
	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", c.Listen, err)
	}
	if c.TemporalUIPort == 0 {
		c.TemporalUIPort = c.TemporalPort + 1000
	}
	if c.TemporalUI {
		if err := devserver.CheckUIPort(c.TemporalUIPort); err != nil {
			ln.Close()
			return err
		}
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
		PublicURL: c.publicURL(ln), RunWorker: true, RunAPI: true, SeedSeries: true, Logger: log, WorkflowCache: c.WorkflowCache,
		TokenTTL: c.TokenTTL, MetricsToken: c.MetricsToken, Codec: cd,
		AnchorEntries: c.AnchorEntries, AnchorEvery: c.AnchorEvery,
	})
	if err != nil {
		ln.Close()
		return err
	}
	defer a.Close()
	uiURL := ""
	if c.TemporalUI {
		ui, err := devserver.StartUI(devserver.UIConfig{Port: c.TemporalUIPort, Frontend: srv.HostPort(), Namespace: devNamespace})
		if err != nil {
			ln.Close()
			return err
		}
		defer ui.Stop()
		uiURL = ui.URL()
	}
	if a.BootstrapToken != "" {
		// Printed once, on the terminal, never through the logger.
		fmt.Fprintf(stdout, "\nadmin token (shown once, keep it): %s\n\n", a.BootstrapToken)
	}
	for _, sr := range a.SeededSeries {
		log.Info("standing series created", "series_id", sr.ID, "kind", sr.Kind, "title", sr.Title, "every", sr.Every)
	}
	// A fresh one-time link on every start: a newcomer opens it and lands
	// on the dashboard as the admin.
	link, err := a.AdminSignInLink(ctx, c.publicURL(ln))
	if err != nil {
		ln.Close()
		return fmt.Errorf("admin sign-in link: %w", err)
	}
	fmt.Fprintf(stdout, "web: %s\nsign in as the admin (one-time link, valid 15 minutes): %s\n", c.publicURL(ln), link)
	if uiURL != "" {
		fmt.Fprintf(stdout, "temporal ui: %s\n", uiURL)
	}
	fmt.Fprintln(stdout)
	log.Info("ralo dev ready", "api", "http://"+ln.Addr().String(), "temporal", srv.HostPort(),
		"namespace", devNamespace, "startup", time.Since(start).Round(time.Millisecond).String())
	return serveHTTP(ctx, ln, a.Handler(), log)
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
