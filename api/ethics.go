package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/arbitration"
	"github.com/lacralo/ralo/workflows/ethics"
)

const ethicsProcess = "ethics"

// ComplaintRequest files an ethics complaint.
type ComplaintRequest struct {
	RespondentID string   `json:"respondent_id"`
	Kind         string   `json:"kind"`
	Summary      string   `json:"summary"`
	Links        []string `json:"links"`
	Anonymous    bool     `json:"anonymous"`
}

// complaintDoc is a complaint as the caller may see it.
type complaintDoc struct {
	ID string `json:"id"`
	ethics.State
}

// person reads a member as domain.Person for the independence rules.
func (s *Server) person(ctx context.Context, id string) (domain.Person, error) {
	m, err := s.store.GetMember(ctx, id)
	if err != nil {
		return domain.Person{}, err
	}
	p := domain.Person{ID: m.ID, Kind: domain.KindMember}
	if m.ALSID != nil {
		p.ALSID = *m.ALSID
	}
	return p, nil
}

// committee computes the ethics committee's recusals for a case from the
// registry and the current declarations: recusal is computed, not
// remembered.
func (s *Server) committee(ctx context.Context, partyIDs ...string) ([]ethics.CommitteeMember, error) {
	ms, err := s.store.ListMembers(ctx, store.MemberFilter{Role: store.RoleEthicsCommittee, Limit: 1000})
	if err != nil {
		return nil, err
	}
	var parties []domain.Person
	for _, id := range partyIDs {
		p, err := s.person(ctx, id)
		if err != nil {
			return nil, err
		}
		parties = append(parties, p)
	}
	var committee []domain.Person
	var decls []domain.Declaration
	for _, m := range ms {
		p := domain.Person{ID: m.ID, Kind: domain.KindMember}
		if m.ALSID != nil {
			p.ALSID = *m.ALSID
		}
		committee = append(committee, p)
		ds, err := s.store.ListDeclarations(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			decls = append(decls, domain.Declaration{MemberID: d.MemberID, Subjects: d.Subjects, Superseded: d.SupersededAt != nil})
		}
	}
	recused := domain.EthicsRecusals(committee, parties, decls)
	out := make([]ethics.CommitteeMember, 0, len(committee))
	for _, p := range committee {
		reasons := recused[p.ID]
		out = append(out, ethics.CommitteeMember{MemberID: p.ID, Recused: len(reasons) > 0, Reasons: append([]string{}, reasons...)})
	}
	return out, nil
}

func (s *Server) fileComplaint(c echo.Context) error {
	var req ComplaintRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	p := principal(c)
	fields := map[string]string{}
	if _, err := s.store.GetMember(ctx, req.RespondentID); errors.Is(err, store.ErrNotFound) {
		fields["respondent_id"] = "no such member"
	} else if err != nil {
		return err
	}
	if req.RespondentID == p.ID {
		fields["respondent_id"] = "a member cannot complain about themself"
	}
	if len(fields) > 0 {
		return invalid(fields)
	}
	committee, err := s.committee(ctx, p.ID, req.RespondentID)
	if err != nil {
		return err
	}
	staff, err := s.staffIDs(ctx)
	if err != nil {
		return err
	}
	caseID := store.NewID("eth")
	pe := s.policy.Ethics
	in := ethics.Input{
		CaseID: caseID, Receipt: "pending", ComplainantID: p.ID, RespondentID: req.RespondentID, Kind: req.Kind,
		Summary: req.Summary, Links: req.Links, Anonymous: req.Anonymous, Committee: committee, StaffIDs: staff,
		Periods: ethics.Periods{Screening: pe.Screening.D(), ScreeningReminder: pe.ScreeningReminder.D(),
			ScreeningEscalation: pe.ScreeningEscalation.D(), Response: pe.Response.D(), AppealWindow: pe.AppealWindow.D(),
			RemovalIneligibility: pe.RemovalIneligibility.D(), Quorum: pe.Quorum, Majority: pe.Majority},
		FiledAt: store.Now(),
	}
	if err := in.Validate(); err != nil {
		return workflowError(err)
	}
	receipt, err := s.store.NewReceipt(ctx, ethicsProcess, caseID)
	if err != nil {
		return err
	}
	in.Receipt = receipt
	// The index never names an anonymous complainant.
	createdBy := p.ID
	if req.Anonymous {
		createdBy = ""
	}
	if err := s.store.SaveCase(ctx, store.Case{ID: caseID, Process: ethicsProcess, Status: ethics.StatusScreening,
		Title: "ethics complaint", CreatedBy: createdBy, Members: store.StringList{p.ID}}); err != nil {
		return err
	}
	if _, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: ethics.WorkflowID(caseID), TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, ethics.WorkflowName, in); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"id": caseID, "case_id": caseID, "receipt": receipt,
		"status": ethics.StatusScreening, "kind": in.Kind, "anonymous": in.Anonymous, "filed_at": in.FiledAt,
		"deadlines": []workflows.Deadline{{Name: "screening", At: in.FiledAt.Add(in.Periods.Screening)}}})
}

// ethicsState loads a complaint the caller may read; anyone else, recused
// committee members included, gets 404 as if it did not exist.
func (s *Server) ethicsState(c echo.Context) (ethics.State, error) {
	id := c.Param("id")
	if _, err := s.store.GetCase(c.Request().Context(), ethicsProcess, id); err != nil {
		return ethics.State{}, err
	}
	var st ethics.State
	if err := s.query(c, ethics.WorkflowID(id), ethics.Query, &st); err != nil {
		return ethics.State{}, err
	}
	p := principal(c)
	if !st.CanRead(p.ID, p.Roles) {
		return ethics.State{}, errNotFound
	}
	return st, nil
}

func (s *Server) getComplaint(c echo.Context) error {
	st, err := s.ethicsState(c)
	if err != nil {
		return err
	}
	p := principal(c)
	return c.JSON(http.StatusOK, complaintDoc{ID: st.CaseID, State: st.ViewFor(p.ID, p.Roles)})
}

func (s *Server) listComplaints(c echo.Context) error {
	p := principal(c)
	memberID := p.ID
	if p.IsStaff() {
		memberID = ""
	}
	limit, _ := strconv.Atoi(c.QueryParam("limit"))
	cases, err := s.store.ListCases(c.Request().Context(), ethicsProcess, memberID, limit)
	if err != nil {
		return err
	}
	// The index does not name an anonymous complainant.
	for i := range cases {
		if !p.IsStaff() && cases[i].CreatedBy != p.ID {
			cases[i].CreatedBy = ""
		}
	}
	return c.JSON(http.StatusOK, cases)
}

// complaintByReceipt shows the filer the status of their complaint from the
// receipt code alone, without a token; nothing confidential is shown.
func (s *Server) complaintByReceipt(c echo.Context) error {
	id, err := s.store.CaseByReceipt(c.Request().Context(), ethicsProcess, c.Param("code"))
	if err != nil {
		return err
	}
	var st ethics.State
	if err := s.query(c, ethics.WorkflowID(id), ethics.Query, &st); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"id": st.CaseID, "status": st.Status, "kind": st.Kind,
		"filed_at": st.FiledAt, "outcome": st.Outcome, "deadlines": st.Deadlines})
}

// ethicsTransition sends one transition to the case; the caller must be
// able to read it, then the workflow's validator decides.
func (s *Server) ethicsTransition(update string, build func(c echo.Context, st ethics.State, actor workflows.Actor) (any, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		st, err := s.ethicsState(c)
		if err != nil {
			return err
		}
		p := principal(c)
		arg, err := build(c, st, workflowActor(p))
		if err != nil {
			return err
		}
		var out ethics.State
		if err := s.update(c, ethics.WorkflowID(st.CaseID), update, arg, &out); err != nil {
			return err
		}
		if update == ethics.UpdateAppeal {
			if err := s.openAppeal(c, out); err != nil {
				return err
			}
		}
		return c.JSON(http.StatusOK, complaintDoc{ID: out.CaseID, State: out.ViewFor(p.ID, p.Roles)})
	}
}

// openAppeal opens the arbitration case an appeal needs, linked to the
// ethics case, which waits for its ruling. The case ID is derived from the
// ethics case, so a retried appeal opens one case.
func (s *Server) openAppeal(c echo.Context, st ethics.State) error {
	ctx := c.Request().Context()
	staff, err := s.staffIDs(ctx)
	if err != nil {
		return err
	}
	reason := ""
	if st.Appeal != nil {
		reason = st.Appeal.Reason
	}
	// An anonymous complainant stays anonymous on appeal: the arbitration
	// lists the respondent only, and staff carry the complaint.
	parties := []arbitration.Party{{Kind: arbitration.PartyMember, ID: st.RespondentID}}
	members := store.StringList{st.RespondentID}
	filedBy := principal(c).ID
	if !st.Anonymous {
		parties = append(parties, arbitration.Party{Kind: arbitration.PartyMember, ID: st.ComplainantID})
		members = append(members, st.ComplainantID)
	} else if filedBy == st.ComplainantID {
		filedBy = "system"
	}
	in := arbitration.Input{
		CaseID:   "arb_appeal_" + st.CaseID,
		Question: "Appeal of ethics decision " + st.CaseID + ": " + reason,
		Parties:  parties,
		FiledBy:  filedBy,
		AppealOf: &workflows.AppealRef{Kind: workflows.AppealKindEthics, ID: st.CaseID},
		Periods:  arbitrationPeriods(s.policy.Arbitration), StaffIDs: staff, FiledAt: store.Now(),
	}
	if err := s.store.SaveCase(ctx, store.Case{ID: in.CaseID, Process: arbitrationProcess, Status: arbitration.StatusFiled,
		Title: in.Question, CreatedBy: in.FiledBy, Members: members}); err != nil {
		return err
	}
	_, err = s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: arbitration.WorkflowID(in.CaseID), TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, arbitration.WorkflowName, in)
	return err
}

// recompute recomputes the committee's recusals from the registry (staff),
// e.g. after a declaration changed.
func (s *Server) recompute(c echo.Context, st ethics.State, actor workflows.Actor) (any, error) {
	if !principal(c).IsStaff() {
		return nil, errStatus(http.StatusForbidden, "only staff recompute recusals")
	}
	committee, err := s.committee(c.Request().Context(), st.ComplainantID, st.RespondentID)
	if err != nil {
		return nil, err
	}
	return ethics.RecomputeInput{Actor: actor, Committee: committee}, nil
}

// systemActor is the API acting on its own, with staff rights, when the
// registry changes under running cases.
var systemActor = workflows.Actor{MemberID: "system", Roles: []string{store.RoleStaff}}

// recomputeOpenComplaints recomputes the recusals of every open complaint
// after a committee member's declaration changed: recusal is computed from
// the current declarations, never remembered. A case that cannot be
// updated is logged; the declaration stands either way, and staff can
// recompute a case by hand.
func (s *Server) recomputeOpenComplaints(c echo.Context) {
	ctx := c.Request().Context()
	cases, err := s.store.ListCases(ctx, ethicsProcess, "", 1000)
	if err != nil {
		s.log.WarnContext(ctx, "listing complaints to recompute recusals", "err", err)
		return
	}
	for _, cs := range cases {
		if cs.Status == ethics.StatusClosed {
			continue
		}
		var st ethics.State
		if err := s.query(c, ethics.WorkflowID(cs.ID), ethics.Query, &st); err != nil {
			s.log.WarnContext(ctx, "reading a complaint to recompute recusals", "case", cs.ID, "err", err)
			continue
		}
		committee, err := s.committee(ctx, st.ComplainantID, st.RespondentID)
		if err != nil {
			s.log.WarnContext(ctx, "computing recusals", "case", cs.ID, "err", err)
			continue
		}
		var out ethics.State
		if err := s.update(c, ethics.WorkflowID(cs.ID), ethics.UpdateRecomputeRecusals,
			ethics.RecomputeInput{Actor: systemActor, Committee: committee}, &out); err != nil {
			s.log.WarnContext(ctx, "recomputing recusals", "case", cs.ID, "err", err)
		}
	}
}

// publicEthicsDecisions lists published decisions: outcome, rule and date,
// never evidence or an anonymous complainant's name.
func (s *Server) publicEthicsDecisions(c echo.Context) error {
	entries, err := s.store.ListAudit(c.Request().Context(), store.AuditFilter{
		Process: ethicsProcess, Action: "ethics.decision_published", Audience: store.AudiencePublic, All: true, Limit: 1000})
	if err != nil {
		return err
	}
	type decision struct {
		CaseID    string    `json:"case_id"`
		At        time.Time `json:"at"`
		AuditHash string    `json:"audit_hash"`
		Decision  any       `json:"decision"`
	}
	out := make([]decision, 0, len(entries))
	for _, e := range entries {
		out = append(out, decision{CaseID: e.ObjectID, At: e.At, AuditHash: e.Hash, Decision: e.DetailsJSON()})
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) ethicsRoutes() []route {
	const tag = "ethics"
	base := "/api/v1/ethics/complaints"
	tr := func(action, update, summary, request string, build func(echo.Context, ethics.State, workflows.Actor) (any, error)) route {
		return route{method: http.MethodPost, path: base + "/:id/" + action, access: authenticated, emails: true,
			handler: s.ethicsTransition(update, build), tag: tag, summary: summary, request: request, response: "Complaint"}
	}
	return []route{
		{method: http.MethodPost, path: base, access: authenticated, creates: true, emails: true, handler: s.fileComplaint,
			tag: tag, summary: "File a complaint; the answer carries a receipt code to follow it", request: "ComplaintRequest", response: "ComplaintReceipt", status: http.StatusCreated},
		{method: http.MethodGet, path: base, access: authenticated, handler: s.listComplaints,
			tag: tag, summary: "Complaints the caller may see", response: "[]Case"},
		{method: http.MethodGet, path: base + "/:id", access: authenticated, handler: s.getComplaint,
			tag: tag, summary: "One complaint as the caller may see it (404 to recused members and outsiders)", response: "Complaint"},
		{method: http.MethodGet, path: base + "/by-receipt/:code", access: public, handler: s.complaintByReceipt,
			tag: tag, summary: "The status of a complaint from its receipt code, without a token", response: "Object"},
		tr("admit", ethics.UpdateAdmit, "Admit the complaint (non-recused committee member)", "NoteRequest", bindActor[ethics.AdmitInput, ethics.State](func(in *ethics.AdmitInput, a workflows.Actor) { in.Actor = a })),
		tr("dismiss", ethics.UpdateDismiss, "Dismiss as inadmissible (non-recused committee member)", "ReasonRequest", bindActor[ethics.DismissInput, ethics.State](func(in *ethics.DismissInput, a workflows.Actor) { in.Actor = a })),
		tr("recuse", ethics.UpdateRecuse, "Recuse oneself (committee member)", "ReasonRequest", bindActor[ethics.RecuseInput, ethics.State](func(in *ethics.RecuseInput, a workflows.Actor) { in.Actor = a })),
		tr("recompute", ethics.UpdateRecomputeRecusals, "Recompute recusals from the registry (staff)", "", s.recompute),
		tr("respond", ethics.UpdateRespond, "The respondent's answer", "TextRequest", bindActor[ethics.RespondInput, ethics.State](func(in *ethics.RespondInput, a workflows.Actor) { in.Actor = a })),
		tr("evidence", ethics.UpdateEvidence, "Evidence from a party, or a question from the committee", "SubmissionRequest", bindActor[ethics.EvidenceInput, ethics.State](func(in *ethics.EvidenceInput, a workflows.Actor) { in.Actor = a })),
		tr("deliberate", ethics.UpdateDeliberate, "Move to deliberation before the response period ends (committee)", "", bindActor[ethics.DeliberateInput, ethics.State](func(in *ethics.DeliberateInput, a workflows.Actor) { in.Actor = a })),
		tr("vote", ethics.UpdateVote, "Propose a decision or vote on the proposal (non-recused committee member)", "EthicsVote", bindActor[ethics.VoteInput, ethics.State](func(in *ethics.VoteInput, a workflows.Actor) { in.Actor = a })),
		tr("withdraw", ethics.UpdateWithdrawProposal, "Withdraw the proposal (its proposer)", "", bindActor[ethics.WithdrawInput, ethics.State](func(in *ethics.WithdrawInput, a workflows.Actor) { in.Actor = a })),
		tr("appeal", ethics.UpdateAppeal, "Appeal the decision (a party); opens a linked arbitration case", "ReasonRequest", bindActor[ethics.AppealInput, ethics.State](func(in *ethics.AppealInput, a workflows.Actor) { in.Actor = a })),
		tr("apply-modified", ethics.UpdateApplyModified, "Record the decision as the arbitrator modified it (staff)", "EthicsDecisionRequest", bindActor[ethics.ApplyModifiedInput, ethics.State](func(in *ethics.ApplyModifiedInput, a workflows.Actor) { in.Actor = a })),
		{method: http.MethodGet, path: "/api/v1/public/ethics-decisions", access: public, handler: s.publicEthicsDecisions,
			tag: "public", summary: "Published ethics decisions: outcome, rule and date, without confidential data", response: "[]Object"},
	}
}
