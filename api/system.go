package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/lacralo/ralo/store"
)

// Health is the body of /healthz and /readyz.
type Health struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks,omitempty"`
}

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, Health{Status: "ok"})
}

// readyz checks every dependency a request may need, each with a short
// timeout, and names the ones that fail.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{}
	ok := true
	record := func(name string, err error) {
		if err != nil {
			checks[name] = err.Error()
			ok = false
			return
		}
		checks[name] = "ok"
	}
	record("database", s.store.Ping(ctx))
	if s.temporal != nil {
		_, err := s.temporal.CheckHealth(ctx, nil)
		record("temporal", err)
	}
	if s.ready != nil {
		record("worker", s.ready(ctx))
	}
	if !ok {
		return c.JSON(http.StatusServiceUnavailable, Health{Status: "unavailable", Checks: checks})
	}
	return c.JSON(http.StatusOK, Health{Status: "ok", Checks: checks})
}

func (s *Server) getPolicy(c echo.Context) error {
	return c.JSON(http.StatusOK, s.policy)
}

func (s *Server) listNotifications(c echo.Context) error {
	f := store.OutboxFilter{Status: c.QueryParam("status"), Process: c.QueryParam("process")}
	f.Limit, _ = strconv.Atoi(c.QueryParam("limit"))
	out, err := s.svc.ListNotifications(c.Request().Context(), caller(c), f)
	return jsonOr(c, http.StatusOK, out, err)
}

// auditView is an audit entry as the API shows it.
type auditView struct {
	store.AuditEntry
	Details any `json:"details"`
}

func (s *Server) listAudit(c echo.Context) error {
	p := principal(c)
	// Staff read their own case's entries as a party (PartyOf).
	f := store.AuditFilter{All: p.IsStaff(), MemberID: p.ID, PartyOf: p.ID, Process: c.QueryParam("process"), ObjectID: c.QueryParam("object_id")}
	f.AfterSeq, _ = strconv.ParseInt(c.QueryParam("after"), 10, 64)
	f.Limit, _ = strconv.Atoi(c.QueryParam("limit"))
	entries, err := s.store.ListAudit(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := make([]auditView, len(entries))
	for i, e := range entries {
		out[i] = auditView{AuditEntry: e, Details: e.DetailsJSON()}
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) verifyAudit(c echo.Context) error {
	res, err := s.svc.VerifyAudit(c.Request().Context())
	return jsonOr(c, http.StatusOK, res, err)
}

func (s *Server) auditHead(c echo.Context) error {
	res, err := s.svc.AuditHead(c.Request().Context())
	return jsonOr(c, http.StatusOK, res, err)
}
