// Package api is ralo's HTTP API (v1): Echo handlers over the registry and
// the Temporal processes, with one authentication and authorization layer,
// RFC 9457 problem documents for every error, Prometheus metrics and an
// OpenAPI 3 document generated from the same route table that registers the
// routes.
package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/codec"
	"github.com/lacralo/ralo/policy"
	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// Config holds the server's dependencies.
type Config struct {
	Store    *store.Store
	Temporal client.Client
	Policy   *policy.Policy
	Logger   *slog.Logger
	// Ready reports whether the workers are polling; /readyz calls it.
	Ready func(ctx context.Context) error
	// MetricsToken, when set, is the bearer token /metrics requires.
	MetricsToken string
	// Codec serves /api/v1/codec/{encode,decode} to admins, for the
	// Temporal UI and CLI (--codec-endpoint); nil: payloads are not
	// encrypted and the endpoint answers 404.
	Codec *codec.Codec
}

// Server is the HTTP API.
type Server struct {
	svc      *service.Service
	store    *store.Store
	temporal client.Client
	policy   *policy.Policy
	log      *slog.Logger
	ready    func(ctx context.Context) error
	echo     *echo.Echo
	metrics  *metrics
	routes   []route

	metricsToken string
	codec        *codec.Codec
}

// New builds the API with every route registered.
func New(cfg Config) *Server {
	s := &Server{store: cfg.Store, temporal: cfg.Temporal, policy: cfg.Policy, log: cfg.Logger, ready: cfg.Ready, metricsToken: cfg.MetricsToken, codec: cfg.Codec}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.svc = service.New(service.Config{Store: cfg.Store, Temporal: cfg.Temporal, Policy: cfg.Policy, Logger: s.log})
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	s.echo = e
	s.metrics = newMetrics(cfg.Store)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.ErrorContext(c.Request().Context(), "panic", "err", err, "stack", string(stack))
			return err
		},
	}))
	e.Use(s.metrics.middleware, s.accessLog)
	s.routes = s.routeTable()
	limiter := emailLimiter()
	updates := updateLimiter(cfg.Policy.Budgets)
	for _, r := range s.routes {
		var mw []echo.MiddlewareFunc
		if !r.ownAuth {
			mw = append(mw, s.authenticate(r.access))
		}
		if r.limitsUpdates() {
			mw = append(mw, updates)
		}
		if r.emails {
			mw = append(mw, limiter)
		}
		if r.creates {
			mw = append(mw, s.idempotent)
		}
		e.Add(r.method, r.path, r.handler, mw...)
	}
	return s
}

// Handler returns the http.Handler to serve.
func (s *Server) Handler() http.Handler { return s.echo }

// accessLog writes one structured line per request. It logs the path, never
// headers or bodies, so tokens and personal data stay out of logs.
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		status := c.Response().Status
		if err != nil {
			status = toProblem(err).Status
		}
		level := slog.LevelDebug
		if status >= 500 {
			level = slog.LevelWarn
		}
		s.log.Log(c.Request().Context(), level, "http",
			"method", c.Request().Method, "route", c.Path(), "status", status,
			"duration_ms", float64(time.Since(start).Microseconds())/1000)
		return err
	}
}

// principalKey is where authenticate leaves the caller.
const principalKey = "ralo.principal"

// Principal is the authenticated caller.
type Principal struct {
	store.Member
}

// Has reports whether the caller holds any of the roles.
func (p *Principal) Has(roles ...string) bool {
	if p == nil {
		return false
	}
	for _, r := range roles {
		if p.Roles.Has(r) {
			return true
		}
	}
	return false
}

// IsStaff is true for staff and admins, who see every object.
func (p *Principal) IsStaff() bool { return p.Has(store.RoleStaff, store.RoleAdmin) }

func principal(c echo.Context) *Principal {
	p, _ := c.Get(principalKey).(*Principal)
	return p
}

// caller is the caller as the service layer takes it.
func caller(c echo.Context) *service.Actor {
	p := principal(c)
	if p == nil {
		return nil
	}
	return &service.Actor{Member: p.Member}
}

// access says who may call a route: public routes need no token; others
// need a valid token and, when roles is not empty, one of the roles.
// Object-level checks happen in the handler once the object is loaded.
type access struct {
	public bool
	roles  []string
}

var (
	public        = access{public: true}
	authenticated = access{}
)

func roles(rs ...string) access { return access{roles: rs} }

var staffOnly = roles(store.RoleStaff, store.RoleAdmin)

func (s *Server) authenticate(a access) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Request().Header.Get(echo.HeaderAuthorization)
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok || token == "" {
				if a.public {
					return next(c)
				}
				return errUnauthorized
			}
			m, err := s.store.Authenticate(c.Request().Context(), strings.TrimSpace(token))
			if err != nil {
				if errors.Is(err, store.ErrTokenExpired) {
					return errTokenExpired
				}
				if errors.Is(err, store.ErrBadToken) {
					return errUnauthorized
				}
				return err
			}
			p := &Principal{Member: m}
			if len(a.roles) > 0 && !p.Has(a.roles...) {
				return errForbidden
			}
			c.Set(principalKey, p)
			return next(c)
		}
	}
}
