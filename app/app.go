// Package app wires ralo together: the database, the Temporal client, the
// worker and the API, for `ralo dev`, `ralo serve`, `ralo worker` and the
// end-to-end tests, which all assemble the same pieces.
package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"github.com/lacralo/ralo/activities"
	"github.com/lacralo/ralo/api"
	"github.com/lacralo/ralo/codec"
	"github.com/lacralo/ralo/notify"
	"github.com/lacralo/ralo/policy"
	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/web"
	ralworker "github.com/lacralo/ralo/worker"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/anchor"
	"github.com/lacralo/ralo/workflows/meeting"
)

// Options says which pieces to run and how to reach their dependencies.
type Options struct {
	DatabaseURL string
	Policy      *policy.Policy
	Temporal    client.Options
	SMTPURL     string
	SMTPFrom    string
	AdminToken  string
	BaseURL     string
	// PublicURL is where people open the web interface, for sign-in
	// links; empty: the address each request came to.
	PublicURL string
	// ListenURL is the address the server listens on (http://host:port);
	// emails link under it when PublicURL is empty (a worker without
	// either: activities.DefaultPublicURL).
	ListenURL string
	RunWorker bool
	RunAPI    bool
	// SeedSeries creates the standing series (service.StandingSeriesList)
	// when the database was empty (`ralo dev`).
	SeedSeries bool
	Logger     *slog.Logger
	// WorkflowCache is how many workflows the worker keeps in memory
	// between their tasks; see SetWorkflowCache.
	WorkflowCache int
	// TokenTTL is how long a new bearer token is valid (0: a year).
	TokenTTL time.Duration
	// MetricsToken, when set, is the bearer token /metrics requires.
	MetricsToken string
	// Codec, when set, encrypts every payload sent to Temporal (client,
	// worker and the API's codec endpoint).
	Codec *codec.Codec
	// AnchorEntries and AnchorEvery: the worker checkpoints the audit
	// chain's head every so many entries or so long (0: 100, 10 minutes).
	AnchorEntries int64
	AnchorEvery   time.Duration
}

// App is a running assembly of ralo's pieces.
type App struct {
	Store  *store.Store
	Client client.Client
	Worker worker.Worker
	API    *api.Server
	Web    *web.Web
	Policy *policy.Policy
	// SeededSeries are the standing series created on this start (an empty
	// database with Options.SeedSeries).
	SeededSeries []store.MeetingSeries
	// BootstrapToken is the admin token created on this start, if the
	// database was empty; it is shown once and never logged.
	BootstrapToken string
	log            *slog.Logger
	stopAnchor     context.CancelFunc
}

// Open connects to the database (migrating it), bootstraps the admin, dials
// Temporal and builds the worker and API asked for. The worker is started.
func Open(ctx context.Context, o Options) (*App, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Policy == nil {
		o.Policy = policy.Default()
	}
	a := &App{Policy: o.Policy, log: o.Logger}
	st, err := store.Open(o.DatabaseURL)
	if err != nil {
		return nil, err
	}
	a.Store = st
	st.Subregions = o.Policy.SubregionNames()
	st.SubregionOf = o.Policy.SubregionOf
	st.TokenTTL = o.TokenTTL
	if _, err := st.Migrate(ctx); err != nil {
		a.Close()
		return nil, err
	}
	created, token, err := st.BootstrapAdmin(ctx, o.AdminToken)
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("bootstrap admin: %w", err)
	}
	if created && o.AdminToken == "" {
		a.BootstrapToken = token
	}
	if !created {
		if err := st.EnsureAdminToken(ctx, o.AdminToken); err != nil {
			a.Close()
			return nil, fmt.Errorf("admin token: %w", err)
		}
	}
	topts := o.Temporal
	if o.Codec != nil {
		topts.DataConverter = codec.DataConverter(o.Codec)
	}
	topts.Logger = sdklog.NewStructuredLogger(o.Logger.With("component", "temporal-sdk"))
	c, err := dialWithRetry(ctx, topts, o.Logger)
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("dial temporal %s: %w", topts.HostPort, err)
	}
	a.Client = c
	if o.RunWorker {
		var sender notify.Sender
		if o.SMTPURL != "" {
			s, err := notify.NewSMTPSender(o.SMTPURL, o.SMTPFrom)
			if err != nil {
				a.Close()
				return nil, err
			}
			sender = s
		}
		informer := service.New(service.Config{Store: st, Temporal: c, Policy: o.Policy, Logger: o.Logger})
		acts := &activities.Activities{Store: st, Sender: sender, From: o.SMTPFrom, BaseURL: o.BaseURL,
			PublicURL: cmp.Or(o.PublicURL, o.ListenURL), Policy: o.Policy, Temporal: c, Informer: informer}
		SetWorkflowCache(o.WorkflowCache)
		a.Worker = ralworker.New(c, acts)
		if err := a.Worker.Start(); err != nil {
			a.Close()
			return nil, fmt.Errorf("start worker: %w", err)
		}
		if err := startParticipationReview(ctx, c, o.Policy.Participation); err != nil {
			a.Close()
			return nil, fmt.Errorf("start participation review: %w", err)
		}
		if err := EnsureSchedules(ctx, c, o.Logger); err != nil {
			a.Close()
			return nil, fmt.Errorf("schedules: %w", err)
		}
		if err := anchor.Start(ctx, c); err != nil {
			a.Close()
			return nil, fmt.Errorf("start audit anchor: %w", err)
		}
		entries, every := o.AnchorEntries, o.AnchorEvery
		if entries <= 0 {
			entries = DefaultAnchorEntries
		}
		if every <= 0 {
			every = DefaultAnchorEvery
		}
		actx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		a.stopAnchor = cancel
		go anchorLoop(actx, c, st, entries, every, o.Logger)
	}
	if created && o.SeedSeries {
		svc := service.New(service.Config{Store: st, Temporal: c, Policy: o.Policy, Logger: o.Logger})
		if a.SeededSeries, err = svc.SeedStandingSeries(ctx, service.Operator(), store.Now()); err != nil {
			a.Close()
			return nil, fmt.Errorf("standing series: %w", err)
		}
	}
	if o.RunAPI {
		a.API = api.New(api.Config{Store: st, Temporal: c, Policy: o.Policy, Logger: o.Logger, Ready: a.workersReady, MetricsToken: o.MetricsToken, Codec: o.Codec})
		svc := service.New(service.Config{Store: st, Temporal: c, Policy: o.Policy, Logger: o.Logger})
		w, err := web.New(web.Config{Service: svc, PublicURL: o.PublicURL, Logger: o.Logger})
		if err != nil {
			a.Close()
			return nil, err
		}
		a.Web = w
	}
	return a, nil
}

// Handler serves the API (under /api/, and /openapi.json, /healthz,
// /readyz, /metrics) and the web interface (everything else) on one
// address.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, p := range []string{"/api/", "/openapi.json", "/healthz", "/readyz", "/metrics"} {
		mux.Handle(p, a.API.Handler())
	}
	mux.Handle("/", a.Web)
	return mux
}

// AdminSignInLink is a one-time sign-in link for the first admin, built
// on base (the public URL), which `ralo dev` prints at start.
func (a *App) AdminSignInLink(ctx context.Context, base string) (string, error) {
	svc := service.New(service.Config{Store: a.Store, Temporal: a.Client, Policy: a.Policy, Logger: a.log})
	return svc.AdminSignInLink(ctx, base)
}

// dialWithRetry dials Temporal, retrying for up to a minute: processes of
// a deployment start in any order, and the API or a worker that starts
// before the cluster answers should wait for it rather than exit.
func dialWithRetry(ctx context.Context, o client.Options, log *slog.Logger) (client.Client, error) {
	deadline := time.Now().Add(time.Minute)
	wait := 100 * time.Millisecond
	for {
		c, err := client.DialContext(ctx, o)
		if err == nil {
			return c, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return nil, err
		}
		log.Warn("temporal not reachable yet, retrying", "address", o.HostPort, "in", wait.String())
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// workersReady reports whether at least one worker polls the task queue, so
// /readyz in `ralo serve` notices when no worker runs.
func (a *App) workersReady(ctx context.Context) error {
	resp, err := a.Client.DescribeTaskQueue(ctx, workflows.TaskQueue, enumspb.TASK_QUEUE_TYPE_WORKFLOW)
	if err != nil {
		return err
	}
	if len(resp.GetPollers()) == 0 {
		return errors.New("no worker is polling the " + workflows.TaskQueue + " task queue")
	}
	return nil
}

// Close stops the worker and closes the connections.
func (a *App) Close() {
	if a.stopAnchor != nil {
		a.stopAnchor()
	}
	if a.Worker != nil {
		a.Worker.Stop()
	}
	if a.Client != nil {
		a.Client.Close()
	}
	if a.Store != nil {
		if err := a.Store.Close(); err != nil {
			a.log.Warn("closing database", "err", err)
		}
	}
}

// MaskURL hides the password of a URL, for logging configuration.
func MaskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// startParticipationReview makes sure the monthly review of the inactivity
// rule runs: every worker asks, the first start wins and the others find
// it running. The rule's values are those of the policy at that start.
func startParticipationReview(ctx context.Context, c client.Client, p policy.Participation) error {
	_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       meeting.ParticipationReviewWorkflowID,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, meeting.ParticipationReviewWorkflowName, meeting.ParticipationReviewInput{Params: meeting.ParticipationParams{
		MissedCalls: p.MissedCalls, Period: p.Period.D(), CalendarYear: p.Period.CalendarYear(), WarningBefore: p.WarningBefore.D(), RestoreWithin: p.RestoreWithin.D(),
	}})
	return err
}

// SetWorkflowCache sets how many workflows the SDK workers of this process
// keep in memory between their tasks (the sticky cache); n <= 0 keeps the
// SDK's default of 10,000. A workflow evicted from it is rebuilt from its
// history on its next task. The cache is shared by every SDK worker of the
// process and sized when the first one starts, so a process that embeds
// the Temporal server (whose system workers start with it) must call this
// before starting the server; App.Open calls it for the others.
func SetWorkflowCache(n int) {
	if n > 0 {
		worker.SetStickyWorkflowCacheSize(n)
	}
}
