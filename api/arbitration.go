package api

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/lacralo/ralo/service"
)

// ArbitrationRequest files an arbitration case (see service).
type ArbitrationRequest = service.ArbitrationRequest

const arbitrationProcess = service.ArbitrationProcess

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

func submissionLocation(out service.SubmissionResult) string {
	return "/api/v1/arbitrations/" + out.ID + "/submissions/" + strconv.Itoa(out.Submission.Number)
}

func (s *Server) arbitrationRoutes() []route {
	const tag = "arbitration"
	svc := s.svc
	tr := func(action, summary, request string, handler echo.HandlerFunc) route {
		return route{method: http.MethodPost, path: "/api/v1/arbitrations/:id/" + action, access: authenticated, emails: true,
			handler: handler, tag: tag, summary: summary, request: request, response: "Arbitration"}
	}
	submit := tr("submissions", "A party's submission; answers with the case and the submission", "SubmissionRequest", handle(optionalBody, svc.SubmitToArbitration, http.StatusCreated, submissionLocation))
	submit.response, submit.status = "ArbitrationSubmitted", http.StatusCreated
	return []route{
		{method: http.MethodPost, path: "/api/v1/arbitrations", access: authenticated, creates: true, emails: true, handler: create(svc.FileArbitration, nil),
			tag: tag, summary: "File an arbitration case (parties: member or ALS IDs)", request: "ArbitrationRequest", response: "Arbitration", status: http.StatusCreated},
		{method: http.MethodGet, path: "/api/v1/arbitrations", access: authenticated, handler: list(svc.ListArbitrations),
			tag: tag, summary: "Cases the caller may see (staff: all)", response: "[]Case"},
		{method: http.MethodGet, path: "/api/v1/arbitrations/:id", access: authenticated, handler: read(svc.GetArbitration, http.StatusOK),
			tag: tag, summary: "One case, live (parties, the assigned arbitrator, staff)", response: "Arbitration"},
		tr("assign", "Assign an arbitrator from the roster (staff); refused with the reasons when in conflict", "AssignRequest", onObject(svc.AssignArbitrator, http.StatusOK)),
		tr("confirm", "The assigned arbitrator declares no conflict", "", transition(withoutBody(svc.ConfirmArbitrator))),
		tr("challenge", "A party challenges the arbitrator for conflict", "ReasonRequest", transition(svc.ChallengeArbitrator)),
		tr("challenge/decision", "Staff sustain (reassign) or reject the challenge", "ChallengeDecision", transition(svc.DecideChallenge)),
		submit,
		{method: http.MethodGet, path: "/api/v1/arbitrations/:id/submissions/:n", access: authenticated, handler: s.getArbitrationSubmission,
			tag: tag, summary: "One submission of a case, numbered from 1 (who may see the case)", response: "ArbitrationSubmission"},
		tr("hearing", "Schedule or reschedule the hearing (the arbitrator); parties get an iCalendar invitation", "HearingRequest", onObject(svc.ScheduleHearing, http.StatusOK)),
		tr("extend", "Extend the ruling deadline once (the arbitrator)", "ExtendRequest", transition(svc.ExtendRuling)),
		tr("ruling", "Record the binding ruling (the arbitrator); immutable", "RulingRequest", transition(svc.RecordRuling)),
		tr("ombudsman", "Record a referral to the ICANN Ombudsman, or its outcome", "OmbudsmanRequest", transition(svc.ReferToOmbudsman)),
		{method: http.MethodGet, path: "/api/v1/public/rulings", access: public, handler: read(everyone(svc.PublicRulings), http.StatusOK),
			tag: "public", summary: "Every recorded ruling, with its hash in the audit chain", response: "[]PublicRuling"},
	}
}
