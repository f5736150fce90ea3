package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/lacralo/ralo/service"
)

// ArbitrationRequest files an arbitration case (see service).
type ArbitrationRequest = service.ArbitrationRequest

const arbitrationProcess = service.ArbitrationProcess

func (s *Server) fileArbitration(c echo.Context) error {
	var req ArbitrationRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	doc, err := s.svc.FileArbitration(c.Request().Context(), caller(c), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, doc)
}

func (s *Server) listArbitrations(c echo.Context) error {
	limit, _ := strconv.Atoi(c.QueryParam("limit"))
	cases, err := s.svc.ListArbitrations(c.Request().Context(), caller(c), limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cases)
}

func (s *Server) getArbitration(c echo.Context) error {
	doc, err := s.svc.GetArbitration(c.Request().Context(), caller(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, doc)
}

// arbitrationTransition binds a transition's body (an empty body is an
// empty request) and answers with the case the operation returns.
func arbitrationTransition[R any](op func(ctx context.Context, a *service.Actor, id string, req R) (service.Arbitration, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		var req R
		if c.Request().ContentLength != 0 {
			if err := bind(c, &req); err != nil {
				return err
			}
		}
		doc, err := op(c.Request().Context(), caller(c), c.Param("id"), req)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, doc)
	}
}

func (s *Server) assignArbitrator(c echo.Context) error {
	var req service.AssignRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	doc, err := s.svc.AssignArbitrator(c.Request().Context(), caller(c), c.Param("id"), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, doc)
}

func (s *Server) confirmArbitrator(c echo.Context) error {
	if c.Request().ContentLength != 0 {
		var req struct{}
		if err := bind(c, &req); err != nil {
			return err
		}
	}
	doc, err := s.svc.ConfirmArbitrator(c.Request().Context(), caller(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, doc)
}

func (s *Server) scheduleHearing(c echo.Context) error {
	var req service.HearingRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	doc, err := s.svc.ScheduleHearing(c.Request().Context(), caller(c), c.Param("id"), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, doc)
}

// submitToArbitration answers 201 with the case and, under
// "submission", the submission it created, which Location names.
func (s *Server) submitToArbitration(c echo.Context) error {
	var req service.SubmissionRequest
	if c.Request().ContentLength != 0 {
		if err := bind(c, &req); err != nil {
			return err
		}
	}
	out, err := s.svc.SubmitToArbitration(c.Request().Context(), caller(c), c.Param("id"), req)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/arbitrations/"+out.ID+"/submissions/"+strconv.Itoa(out.Submission.Number))
	return c.JSON(http.StatusCreated, out)
}

func (s *Server) getArbitrationSubmission(c echo.Context) error {
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil {
		return errNotFound
	}
	sub, err := s.svc.GetArbitrationSubmission(c.Request().Context(), caller(c), c.Param("id"), n)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sub)
}

// publicRulings lists every recorded ruling; it needs no token.
func (s *Server) publicRulings(c echo.Context) error {
	out, err := s.svc.PublicRulings(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) arbitrationRoutes() []route {
	const tag = "arbitration"
	tr := func(action, summary, request string, handler echo.HandlerFunc) route {
		return route{method: http.MethodPost, path: "/api/v1/arbitrations/:id/" + action, access: authenticated, emails: true,
			handler: handler, tag: tag, summary: summary, request: request, response: "Arbitration"}
	}
	submit := tr("submissions", "A party's submission; answers with the case and the submission", "SubmissionRequest", s.submitToArbitration)
	submit.response, submit.status = "ArbitrationSubmitted", http.StatusCreated
	return []route{
		{method: http.MethodPost, path: "/api/v1/arbitrations", access: authenticated, creates: true, emails: true, handler: s.fileArbitration,
			tag: tag, summary: "File an arbitration case (parties: member or ALS IDs)", request: "ArbitrationRequest", response: "Arbitration", status: http.StatusCreated},
		{method: http.MethodGet, path: "/api/v1/arbitrations", access: authenticated, handler: s.listArbitrations,
			tag: tag, summary: "Cases the caller may see (staff: all)", response: "[]Case"},
		{method: http.MethodGet, path: "/api/v1/arbitrations/:id", access: authenticated, handler: s.getArbitration,
			tag: tag, summary: "One case, live (parties, the assigned arbitrator, staff)", response: "Arbitration"},
		tr("assign", "Assign an arbitrator from the roster (staff); refused with the reasons when in conflict", "AssignRequest", s.assignArbitrator),
		tr("confirm", "The assigned arbitrator declares no conflict", "", s.confirmArbitrator),
		tr("challenge", "A party challenges the arbitrator for conflict", "ReasonRequest", arbitrationTransition(s.svc.ChallengeArbitrator)),
		tr("challenge/decision", "Staff sustain (reassign) or reject the challenge", "ChallengeDecision", arbitrationTransition(s.svc.DecideChallenge)),
		submit,
		{method: http.MethodGet, path: "/api/v1/arbitrations/:id/submissions/:n", access: authenticated, handler: s.getArbitrationSubmission,
			tag: tag, summary: "One submission of a case, numbered from 1 (who may see the case)", response: "ArbitrationSubmission"},
		tr("hearing", "Schedule or reschedule the hearing (the arbitrator); parties get an iCalendar invitation", "HearingRequest", s.scheduleHearing),
		tr("extend", "Extend the ruling deadline once (the arbitrator)", "ExtendRequest", arbitrationTransition(s.svc.ExtendRuling)),
		tr("ruling", "Record the binding ruling (the arbitrator); immutable", "RulingRequest", arbitrationTransition(s.svc.RecordRuling)),
		tr("ombudsman", "Record a referral to the ICANN Ombudsman, or its outcome", "OmbudsmanRequest", arbitrationTransition(s.svc.ReferToOmbudsman)),
		{method: http.MethodGet, path: "/api/v1/public/rulings", access: public, handler: s.publicRulings,
			tag: "public", summary: "Every recorded ruling, with its hash in the audit chain", response: "[]PublicRuling"},
	}
}
