// Package bench measures ralo end to end: a complete service (embedded
// Temporal, SQLite, worker, HTTP API on a real socket) started in this
// process, driven over HTTP as clients drive it, with latencies and rates
// reported and every result checked. `ralo bench` runs its scenarios; the
// README shows the figures and how to reproduce them.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/app"
	"github.com/lacralo/ralo/devserver"
	"github.com/lacralo/ralo/policy"
	"github.com/lacralo/ralo/store"
)

// adminToken is the bootstrap admin of a benchmark environment.
const adminToken = "ralo_bench_admin_token_0123456789"

// namespace is the Temporal namespace of a benchmark environment.
const namespace = "ralo"

// Env is one running ralo.
type Env struct {
	URL    string
	App    *app.App
	Policy *policy.Policy
	HTTP   *http.Client

	server   *devserver.Server
	httpSrv  *http.Server
	dir      string
	keepData bool
}

// Options configure an environment.
type Options struct {
	// DataDir keeps the databases there; empty uses a temporary folder
	// removed on Close.
	DataDir string
	Logger  *slog.Logger
	// WorkflowCache sizes the worker's workflow cache (app.Options).
	WorkflowCache int
}

// Start starts a service with the default policy.
func Start(ctx context.Context, o Options) (*Env, error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	e := &Env{dir: o.DataDir, keepData: o.DataDir != ""}
	if e.dir == "" {
		d, err := os.MkdirTemp("", "ralo-bench-")
		if err != nil {
			return nil, err
		}
		e.dir = d
	}
	pol := policy.Default()
	// The bench measures throughput, not the budgets that hold one member
	// back (TestUpdateRateLimit and TestElectionFlood test those): its
	// clients write as fast as they can and revote every round.
	pol.Budgets.UpdateBurst, pol.Budgets.UpdateEvery = 1<<30, policy.Duration(time.Microsecond)
	pol.Election.MaxBallotChanges = 1 << 20
	e.Policy = pol
	app.SetWorkflowCache(o.WorkflowCache) // before the embedded server's own workers start
	srv, err := devserver.Start(ctx, devserver.Config{DataDir: e.dir, Namespace: namespace, Logger: log.With("component", "temporal")})
	if err != nil {
		e.Close()
		return nil, err
	}
	e.server = srv
	a, err := app.Open(ctx, app.Options{
		DatabaseURL: filepath.Join(e.dir, "ralo.db"), Policy: pol,
		Temporal:   client.Options{HostPort: srv.HostPort(), Namespace: namespace},
		AdminToken: adminToken, RunWorker: true, RunAPI: true, Logger: log, WorkflowCache: o.WorkflowCache,
	})
	if err != nil {
		e.Close()
		return nil, err
	}
	e.App = a
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.Close()
		return nil, err
	}
	e.httpSrv = &http.Server{Handler: a.API.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = e.httpSrv.Serve(ln) }()
	e.URL = "http://" + ln.Addr().String()
	e.HTTP = &http.Client{Timeout: 3 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	return e, nil
}

// Close stops everything and removes a temporary data folder.
func (e *Env) Close() {
	if e.httpSrv != nil {
		_ = e.httpSrv.Close()
	}
	if e.App != nil {
		e.App.Close()
	}
	if e.server != nil {
		_ = e.server.Stop()
	}
	if !e.keepData && e.dir != "" {
		_ = os.RemoveAll(e.dir)
	}
}

// Store is the service's database, for setting up large rosters quickly.
func (e *Env) Store() *store.Store { return e.App.Store }

// Call sends one JSON request and decodes a 2xx answer into out (when not
// nil). A non-2xx answer is an *HTTPError.
func (e *Env) Call(ctx context.Context, method, path, token string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, e.URL+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return &HTTPError{Status: resp.StatusCode, Body: string(data)}
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// HTTPError is an answer that was not 2xx.
type HTTPError struct {
	Status int
	Body   string
}

func (e *HTTPError) Error() string { return fmt.Sprintf("HTTP %d: %.300s", e.Status, e.Body) }

// IsStatus says err is an HTTP answer with that status.
func IsStatus(err error, status int) bool {
	var he *HTTPError
	return errors.As(err, &he) && he.Status == status
}

// Latencies summarises request durations.
type Latencies []time.Duration

// Quantile returns the q-quantile (0 < q <= 1) by the nearest-rank method.
func (l Latencies) Quantile(q float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.999999) - 1
	return s[max(0, min(i, len(s)-1))]
}

// ms formats a duration in milliseconds with two decimals.
func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// poll calls check every interval until it reports done or ctx ends.
func poll(ctx context.Context, interval time.Duration, what string, check func() (bool, error)) error {
	for {
		done, err := check()
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		case <-time.After(interval):
		}
	}
}
