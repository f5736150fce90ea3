package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/lacralo/ralo/service"
)

// ethicsProcess is the ethics complaints' name in the cases index.
const ethicsProcess = service.EthicsProcess

// ComplaintRequest files an ethics complaint.
type ComplaintRequest = service.ComplaintRequest

// systemActor is the API acting on its own, with staff rights, when the
// registry changes under running cases.
var systemActor = service.System

const complaintsPath = "/api/v1/ethics/complaints"

func (s *Server) fileComplaint(c echo.Context) error {
	var req service.ComplaintRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	out, err := s.svc.FileComplaint(c.Request().Context(), caller(c), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

func (s *Server) getComplaint(c echo.Context) error {
	out, err := s.svc.GetComplaint(c.Request().Context(), caller(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) listComplaints(c echo.Context) error {
	limit, _ := strconv.Atoi(c.QueryParam("limit"))
	out, err := s.svc.ListComplaints(c.Request().Context(), caller(c), limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// complaintByReceipt shows the filer the status of their complaint from the
// receipt code alone, without a token; nothing confidential is shown.
func (s *Server) complaintByReceipt(c echo.Context) error {
	out, err := s.svc.ComplaintByReceipt(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) addEvidence(c echo.Context) error {
	var req service.EvidenceRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	out, err := s.svc.AddEvidence(c.Request().Context(), caller(c), c.Param("id"), req)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, complaintsPath+"/"+out.ID+"/evidence/"+strconv.Itoa(out.Evidence.N))
	return c.JSON(http.StatusCreated, out)
}

func (s *Server) getEvidence(c echo.Context) error {
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil {
		return errNotFound
	}
	out, err := s.svc.GetEvidence(c.Request().Context(), caller(c), c.Param("id"), n)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) recomputeRecusals(c echo.Context) error {
	out, err := s.svc.RecomputeRecusals(c.Request().Context(), caller(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// complaintOp is a transition of a complaint: bind the body (optional when
// the transition takes no fields), call the service, answer with the
// complaint as the caller may see it.
func complaintOp[R any](op func(ctx context.Context, a *service.Actor, id string, req R) (service.Complaint, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		var req R
		if c.Request().ContentLength != 0 {
			if err := bind(c, &req); err != nil {
				return err
			}
		}
		out, err := op(c.Request().Context(), caller(c), c.Param("id"), req)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, out)
	}
}

// complaintWithoutBody adapts a transition that takes no fields to complaintOp, which
// still refuses a body with any field.
func complaintWithoutBody(op func(ctx context.Context, a *service.Actor, id string) (service.Complaint, error)) func(context.Context, *service.Actor, string, struct{}) (service.Complaint, error) {
	return func(ctx context.Context, a *service.Actor, id string, _ struct{}) (service.Complaint, error) {
		return op(ctx, a, id)
	}
}

// publicEthicsDecisions lists published decisions: outcome, rule and date,
// never evidence or an anonymous complainant's name.
func (s *Server) publicEthicsDecisions(c echo.Context) error {
	out, err := s.svc.PublishedEthicsDecisions(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) ethicsRoutes() []route {
	const tag = "ethics"
	base := complaintsPath
	tr := func(action, summary, request string, h echo.HandlerFunc) route {
		return route{method: http.MethodPost, path: base + "/:id/" + action, access: authenticated, emails: true,
			handler: h, tag: tag, summary: summary, request: request, response: "Complaint"}
	}
	svc := s.svc
	return []route{
		{method: http.MethodPost, path: base, access: authenticated, creates: true, emails: true, handler: s.fileComplaint,
			tag: tag, summary: "File a complaint; the answer carries a receipt code to follow it", request: "ComplaintRequest", response: "ComplaintReceipt", status: http.StatusCreated},
		{method: http.MethodGet, path: base, access: authenticated, handler: s.listComplaints,
			tag: tag, summary: "Complaints the caller may see", response: "[]Case"},
		{method: http.MethodGet, path: base + "/:id", access: authenticated, handler: s.getComplaint,
			tag: tag, summary: "One complaint as the caller may see it (404 to recused members and outsiders)", response: "Complaint"},
		{method: http.MethodGet, path: base + "/by-receipt/:code", access: public, handler: s.complaintByReceipt,
			tag: tag, summary: "The status of a complaint from its receipt code, without a token", response: "Object"},
		tr("admit", "Admit the complaint (non-recused committee member)", "NoteRequest", complaintOp(svc.AdmitComplaint)),
		tr("dismiss", "Dismiss as inadmissible (non-recused committee member)", "ReasonRequest", complaintOp(svc.DismissComplaint)),
		tr("recuse", "Recuse oneself (committee member)", "ReasonRequest", complaintOp(svc.RecuseFromComplaint)),
		tr("recompute", "Recompute recusals from the registry (staff)", "", s.recomputeRecusals),
		tr("respond", "The respondent's answer", "TextRequest", complaintOp(svc.RespondToComplaint)),
		{method: http.MethodPost, path: base + "/:id/evidence", access: authenticated, creates: true, emails: true, handler: s.addEvidence,
			tag: tag, summary: "Evidence from a party, or a question from the committee; answers the complaint with the entry under evidence_entry, and its Location", request: "SubmissionRequest", response: "EvidenceAdded", status: http.StatusCreated},
		{method: http.MethodGet, path: base + "/:id/evidence/:n", access: authenticated, handler: s.getEvidence,
			tag: tag, summary: "One evidence entry (numbered from 1) as the caller may see it (404 to those who may not read the complaint)", response: "EvidenceEntry"},
		tr("deliberate", "Move to deliberation before the response period ends (committee)", "", complaintOp(complaintWithoutBody(svc.OpenDeliberation))),
		tr("vote", "Propose a decision or vote on the proposal (non-recused committee member)", "EthicsVote", complaintOp(svc.VoteOnComplaint)),
		tr("withdraw", "Withdraw the proposal (its proposer)", "", complaintOp(complaintWithoutBody(svc.WithdrawProposal))),
		tr("appeal", "Appeal the decision (a party); the case opens a linked arbitration case", "ReasonRequest", complaintOp(svc.AppealDecision)),
		tr("apply-modified", "Record the decision as the arbitrator modified it (staff)", "EthicsDecisionRequest", complaintOp(svc.ApplyModifiedDecision)),
		{method: http.MethodGet, path: "/api/v1/public/ethics-decisions", access: public, handler: s.publicEthicsDecisions,
			tag: "public", summary: "Published ethics decisions: outcome, rule and date, without confidential data", response: "[]Object"},
	}
}
