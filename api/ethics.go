package api

import (
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

// complaintByReceipt shows the filer the status of their complaint from the
// receipt code alone, without a token; nothing confidential is shown.
func (s *Server) complaintByReceipt(c echo.Context) error {
	out, err := s.svc.ComplaintByReceipt(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
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

func evidenceLocation(out service.EvidenceAdded) string {
	return complaintsPath + "/" + out.ID + "/evidence/" + strconv.Itoa(out.Evidence.N)
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
		{method: http.MethodPost, path: base, access: authenticated, creates: true, emails: true, handler: create(svc.FileComplaint, nil),
			tag: tag, summary: "File a complaint; the answer carries a receipt code to follow it", request: "ComplaintRequest", response: "ComplaintReceipt", status: http.StatusCreated},
		{method: http.MethodGet, path: base, access: authenticated, handler: list(svc.ListComplaints),
			tag: tag, summary: "Complaints the caller may see", response: "[]Case"},
		{method: http.MethodGet, path: base + "/:id", access: authenticated, handler: read(svc.GetComplaint, http.StatusOK),
			tag: tag, summary: "One complaint as the caller may see it (404 to recused members and outsiders)", response: "Complaint"},
		{method: http.MethodGet, path: base + "/by-receipt/:code", access: public, handler: s.complaintByReceipt,
			tag: tag, summary: "The status of a complaint from its receipt code, without a token", response: "Object"},
		tr("admit", "Admit the complaint (non-recused committee member)", "NoteRequest", transition(svc.AdmitComplaint)),
		tr("dismiss", "Dismiss as inadmissible (non-recused committee member)", "ReasonRequest", transition(svc.DismissComplaint)),
		tr("recuse", "Recuse oneself (committee member)", "ReasonRequest", transition(svc.RecuseFromComplaint)),
		tr("recompute", "Recompute recusals from the registry (staff)", "", read(svc.RecomputeRecusals, http.StatusOK)),
		tr("respond", "The respondent's answer", "TextRequest", transition(svc.RespondToComplaint)),
		{method: http.MethodPost, path: base + "/:id/evidence", access: authenticated, creates: true, emails: true, handler: handle(strictBody, svc.AddEvidence, http.StatusCreated, evidenceLocation),
			tag: tag, summary: "Evidence from a party, or a question from the committee; answers the complaint with the entry under evidence_entry, and its Location", request: "SubmissionRequest", response: "EvidenceAdded", status: http.StatusCreated},
		{method: http.MethodGet, path: base + "/:id/evidence/:n", access: authenticated, handler: s.getEvidence,
			tag: tag, summary: "One evidence entry (numbered from 1) as the caller may see it (404 to those who may not read the complaint)", response: "EvidenceEntry"},
		tr("deliberate", "Move to deliberation before the response period ends (committee)", "", transition(withoutBody(svc.OpenDeliberation))),
		tr("vote", "Propose a decision or vote on the proposal (non-recused committee member)", "EthicsVote", transition(svc.VoteOnComplaint)),
		tr("withdraw", "Withdraw the proposal (its proposer)", "", transition(withoutBody(svc.WithdrawProposal))),
		tr("appeal", "Appeal the decision (a party); the case opens a linked arbitration case", "ReasonRequest", transition(svc.AppealDecision)),
		tr("apply-modified", "Record the decision as the arbitrator modified it (staff)", "EthicsDecisionRequest", transition(svc.ApplyModifiedDecision)),
		{method: http.MethodGet, path: "/api/v1/public/ethics-decisions", access: public, handler: read(everyone(svc.PublishedEthicsDecisions), http.StatusOK),
			tag: "public", summary: "Published ethics decisions: outcome, rule and date, without confidential data", response: "[]Object"},
	}
}
