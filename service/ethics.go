package service

import (
	"context"
	"errors"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/ethics"
)

// EthicsProcess is the ethics complaints' name in the cases index and the
// audit log.
const EthicsProcess = "ethics"

// ComplaintRequest files an ethics complaint.
type ComplaintRequest struct {
	RespondentID string   `json:"respondent_id"`
	Kind         string   `json:"kind"`
	Summary      string   `json:"summary"`
	Links        []string `json:"links"`
	Anonymous    bool     `json:"anonymous"`
}

// ComplaintFiled is the answer to a filing: the receipt code that lets the
// complainant follow the case, and its first deadline.
type ComplaintFiled struct {
	ID        string               `json:"id"`
	CaseID    string               `json:"case_id"`
	Receipt   string               `json:"receipt"`
	Status    string               `json:"status"`
	Kind      string               `json:"kind"`
	Anonymous bool                 `json:"anonymous"`
	FiledAt   time.Time            `json:"filed_at"`
	Deadlines []workflows.Deadline `json:"deadlines"`
}

// Complaint is a complaint as the actor may see it (ethics.State.ViewFor).
type Complaint struct {
	ID string `json:"id"`
	ethics.State
}

// ComplaintStatus is what a receipt code shows, without a token: nothing
// confidential.
type ComplaintStatus struct {
	ID        string               `json:"id"`
	Status    string               `json:"status"`
	Kind      string               `json:"kind"`
	FiledAt   time.Time            `json:"filed_at"`
	Outcome   string               `json:"outcome"`
	Deadlines []workflows.Deadline `json:"deadlines"`
}

// ComplaintNote admits a complaint.
type ComplaintNote struct {
	Note string `json:"note"`
}

// ComplaintReason dismisses, recuses from or appeals a complaint.
type ComplaintReason struct {
	Reason string `json:"reason"`
}

// ComplaintText is the respondent's answer.
type ComplaintText struct {
	Text string `json:"text"`
}

// EvidenceRequest adds evidence (a party) or a question (the committee).
type EvidenceRequest struct {
	Text  string   `json:"text"`
	Links []string `json:"links"`
}

// EthicsDecisionRequest is a decision as a request writes it; until is an
// RFC 3339 time or a date (2027-05-01, midnight UTC).
type EthicsDecisionRequest struct {
	Kind                string   `json:"kind"`
	Matters             []string `json:"matters"`
	Until               string   `json:"until"`
	Position            string   `json:"position"`
	SanctionComplainant bool     `json:"sanction_complainant"`
}

// EthicsVoteRequest proposes a decision or votes on the proposal.
type EthicsVoteRequest struct {
	Decision EthicsDecisionRequest `json:"decision"`
	For      bool                  `json:"for"`
}

// ModifiedDecisionRequest is the decision as an arbitration ruling modified it.
type ModifiedDecisionRequest struct {
	Decision EthicsDecisionRequest `json:"decision"`
}

// EvidenceEntry is one entry of a case's evidence, numbered from 1 in the
// order it was added.
type EvidenceEntry struct {
	N int `json:"n"`
	ethics.Evidence
}

// EvidenceAdded is the complaint (with its whole evidence list) and the
// entry just added, under evidence_entry.
type EvidenceAdded struct {
	Complaint
	Evidence EvidenceEntry `json:"evidence_entry"`
}

// PublishedDecision is an ethics decision as the public record shows it.
type PublishedDecision struct {
	CaseID    string    `json:"case_id"`
	At        time.Time `json:"at"`
	AuditHash string    `json:"audit_hash"`
	Decision  any       `json:"decision"`
}

// Refusal codes of the ethics operations the service itself refuses
// (Error.Code; the web's "refusal.<code>" messages). The workflow names
// its own refusals (workflows/ethics).
const (
	CodeEthicsRespondentUnknown = "ethics.respondent_unknown"        // the respondent is no member
	CodeEthicsRespondentSelf    = "ethics.respondent_self"           // a member complains about themself
	CodeEthicsRecomputeStaff    = "ethics.recompute_staff_not_party" // recusals are staff's to recompute, never a party's
	CodeEthicsUntilUnreadable   = "ethics.until_unreadable"          // a decision's until is neither a time nor a date
	CodeEthicsNoProposal        = "ethics.no_proposal"               // no decision is under vote
)

// FileComplaint opens an ethics case against another member, with the
// committee's recusals computed from the registry, and gives the
// complainant a receipt code.
func (s *Service) FileComplaint(ctx context.Context, a *Actor, req ComplaintRequest) (ComplaintFiled, error) {
	var msg, code string
	if _, err := s.store.GetMember(ctx, req.RespondentID); errors.Is(err, store.ErrNotFound) {
		msg, code = "no such member", CodeEthicsRespondentUnknown
	} else if err != nil {
		return ComplaintFiled{}, err
	}
	if req.RespondentID == a.ID {
		msg, code = "a member cannot complain about themself", CodeEthicsRespondentSelf
	}
	if code != "" {
		return ComplaintFiled{}, InvalidCoded(map[string]string{"respondent_id": msg}, map[string]string{"respondent_id": code}).Coded(code)
	}
	committee, err := s.ethicsCommittee(ctx, a.ID, req.RespondentID)
	if err != nil {
		return ComplaintFiled{}, err
	}
	staff, err := s.staffIDs(ctx, a.ID, req.RespondentID)
	if err != nil {
		return ComplaintFiled{}, err
	}
	caseID := store.NewID("eth")
	in := ethics.Input{
		CaseID: caseID, Receipt: "pending", ComplainantID: a.ID, RespondentID: req.RespondentID, Kind: req.Kind,
		Summary: req.Summary, Links: req.Links, Anonymous: req.Anonymous, Committee: committee, StaffIDs: staff,
		Periods: s.ethicsPeriods(), FiledAt: store.Now(), HistoryBound: s.policy.Budgets.HistoryEvents,
	}
	if err := in.Validate(); err != nil {
		return ComplaintFiled{}, AsError(err)
	}
	receipt, err := s.store.NewReceipt(ctx, EthicsProcess, caseID)
	if err != nil {
		return ComplaintFiled{}, err
	}
	in.Receipt = receipt
	// The index never names an anonymous complainant.
	createdBy := a.ID
	if req.Anonymous {
		createdBy = ""
	}
	if err := s.store.SaveCase(ctx, store.Case{ID: caseID, Process: EthicsProcess, Status: ethics.StatusScreening,
		Title: "ethics complaint", CreatedBy: createdBy, Members: store.StringList{a.ID},
		Parties: store.StringList{a.ID, req.RespondentID}}); err != nil {
		return ComplaintFiled{}, err
	}
	if _, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: ethics.WorkflowID(caseID), TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, ethics.WorkflowName, in); err != nil {
		return ComplaintFiled{}, err
	}
	if err := s.emailReceipt(ctx, in); err != nil {
		return ComplaintFiled{}, err
	}
	return ComplaintFiled{ID: caseID, CaseID: caseID, Receipt: receipt, Status: ethics.StatusScreening, Kind: in.Kind,
		Anonymous: in.Anonymous, FiledAt: in.FiledAt,
		Deadlines: []workflows.Deadline{{Name: "screening", At: in.FiledAt.Add(in.Periods.Screening.D())}}}, nil
}

// ethicsPeriods are a new case's clocks, copied from the policy.
func (s *Service) ethicsPeriods() ethics.Periods {
	pe := s.policy.Ethics
	return ethics.Periods{
		Screening: workflows.Duration(pe.Screening), ScreeningReminder: workflows.Duration(pe.ScreeningReminder),
		ScreeningEscalation: workflows.Duration(pe.ScreeningEscalation), Response: workflows.Duration(pe.Response),
		AppealWindow: workflows.Duration(pe.AppealWindow), RemovalIneligibility: workflows.Duration(pe.RemovalIneligibility),
		Quorum: pe.Quorum, Majority: pe.Majority,
	}
}

// ListComplaints lists the complaints the actor may see in the cases
// index: staff see all but those they are a party to and may not read as
// a party (a complaint against them before it is admitted); the index
// never names an anonymous complainant to anyone but staff and the
// complainant.
func (s *Service) ListComplaints(ctx context.Context, a *Actor, limit int) ([]store.Case, error) {
	cases, err := s.listCases(ctx, a, EthicsProcess, limit)
	if err != nil {
		return nil, err
	}
	for i := range cases {
		if !a.IsStaff() && cases[i].CreatedBy != a.ID {
			cases[i].CreatedBy = ""
		}
	}
	return cases, nil
}

// complaint loads a complaint the actor may read; anyone else, recused
// committee members included, is told it does not exist.
func (s *Service) complaint(ctx context.Context, a *Actor, id string) (ethics.State, error) {
	if _, err := s.store.GetCase(ctx, EthicsProcess, id); err != nil {
		return ethics.State{}, err
	}
	var st ethics.State
	if err := s.query(ctx, ethics.WorkflowID(id), ethics.Query, &st); err != nil {
		return ethics.State{}, err
	}
	if a == nil || !st.CanRead(a.ID, a.Roles) {
		return ethics.State{}, NotFound()
	}
	return st, nil
}

// complaintView is the complaint as the actor may see it.
func complaintView(a *Actor, st ethics.State) Complaint {
	return Complaint{ID: st.CaseID, State: st.ViewFor(a.ID, a.Roles)}
}

// GetComplaint is one complaint as the actor may see it.
func (s *Service) GetComplaint(ctx context.Context, a *Actor, id string) (Complaint, error) {
	st, err := s.complaint(ctx, a, id)
	if err != nil {
		return Complaint{}, err
	}
	return complaintView(a, st), nil
}

// GetEvidence is one evidence entry (n from 1) of a complaint the actor
// may read, as they may see it.
func (s *Service) GetEvidence(ctx context.Context, a *Actor, id string, n int) (EvidenceEntry, error) {
	st, err := s.complaint(ctx, a, id)
	if err != nil {
		return EvidenceEntry{}, err
	}
	v := st.ViewFor(a.ID, a.Roles)
	if n < 1 || n > len(v.Evidence) {
		return EvidenceEntry{}, NotFound()
	}
	return EvidenceEntry{N: n, Evidence: v.Evidence[n-1]}, nil
}

// ComplaintByReceipt shows the filer the status of their complaint from
// the receipt code alone; nothing confidential is shown.
func (s *Service) ComplaintByReceipt(ctx context.Context, code string) (ComplaintStatus, error) {
	id, err := s.store.CaseByReceipt(ctx, EthicsProcess, code)
	if err != nil {
		return ComplaintStatus{}, err
	}
	var st ethics.State
	if err := s.query(ctx, ethics.WorkflowID(id), ethics.Query, &st); err != nil {
		return ComplaintStatus{}, err
	}
	return ComplaintStatus{ID: st.CaseID, Status: st.Status, Kind: st.Kind, FiledAt: st.FiledAt,
		Outcome: st.Outcome, Deadlines: st.Deadlines}, nil
}

// complaintTransition sends one transition to a complaint the actor may read; the
// workflow's validator decides whether the actor may make it now.
func (s *Service) complaintTransition(ctx context.Context, a *Actor, id, name string, in any) (ethics.State, error) {
	st, err := s.complaint(ctx, a, id)
	if err != nil {
		return ethics.State{}, err
	}
	var out ethics.State
	if err := s.update(ctx, ethics.WorkflowID(st.CaseID), name, in, &out); err != nil {
		return ethics.State{}, err
	}
	return out, nil
}

// updateComplaint is a transition's answer: the complaint as the actor may see
// it once the transition is recorded.
func (s *Service) updateComplaint(ctx context.Context, a *Actor, id, name string, in any) (Complaint, error) {
	out, err := s.complaintTransition(ctx, a, id, name, in)
	if err != nil {
		return Complaint{}, err
	}
	return complaintView(a, out), nil
}

// AdmitComplaint admits the complaint (a non-recused committee member).
func (s *Service) AdmitComplaint(ctx context.Context, a *Actor, id string, req ComplaintNote) (Complaint, error) {
	return s.updateComplaint(ctx, a, id, ethics.UpdateAdmit, ethics.AdmitInput{Actor: a.Workflow(), Note: req.Note})
}

// DismissComplaint dismisses the complaint as inadmissible (a non-recused
// committee member).
func (s *Service) DismissComplaint(ctx context.Context, a *Actor, id string, req ComplaintReason) (Complaint, error) {
	return s.updateComplaint(ctx, a, id, ethics.UpdateDismiss, ethics.DismissInput{Actor: a.Workflow(), Reason: req.Reason})
}

// RecuseFromComplaint is a committee member recusing themself.
func (s *Service) RecuseFromComplaint(ctx context.Context, a *Actor, id string, req ComplaintReason) (Complaint, error) {
	return s.updateComplaint(ctx, a, id, ethics.UpdateRecuse, ethics.RecuseInput{Actor: a.Workflow(), Reason: req.Reason})
}

// RecomputeRecusals recomputes the committee's recusals on a complaint
// from the registry and the current declarations (staff).
func (s *Service) RecomputeRecusals(ctx context.Context, a *Actor, id string) (Complaint, error) {
	st, err := s.complaint(ctx, a, id)
	if err != nil {
		return Complaint{}, err
	}
	if !a.AsParty(st.IsParty(a.ID)).IsStaff() {
		return Complaint{}, Forbidden("only staff recompute recusals, and never in a case they are a party to").Coded(CodeEthicsRecomputeStaff)
	}
	committee, err := s.ethicsCommittee(ctx, st.ComplainantID, st.RespondentID)
	if err != nil {
		return Complaint{}, err
	}
	var out ethics.State
	if err := s.update(ctx, ethics.WorkflowID(st.CaseID), ethics.UpdateRecomputeRecusals,
		ethics.RecomputeInput{Actor: a.Workflow(), Committee: committee}, &out); err != nil {
		return Complaint{}, err
	}
	return complaintView(a, out), nil
}

// RespondToComplaint is the respondent's answer.
func (s *Service) RespondToComplaint(ctx context.Context, a *Actor, id string, req ComplaintText) (Complaint, error) {
	return s.updateComplaint(ctx, a, id, ethics.UpdateRespond, ethics.RespondInput{Actor: a.Workflow(), Text: req.Text})
}

// AddEvidence adds a party's evidence or a committee member's question,
// and answers with the complaint and the entry added.
func (s *Service) AddEvidence(ctx context.Context, a *Actor, id string, req EvidenceRequest) (EvidenceAdded, error) {
	out, err := s.complaintTransition(ctx, a, id, ethics.UpdateEvidence, ethics.EvidenceInput{Actor: a.Workflow(), Text: req.Text, Links: req.Links})
	if err != nil {
		return EvidenceAdded{}, err
	}
	doc := complaintView(a, out)
	// The update answers with the state right after the entry was added:
	// it is the last one.
	n := len(doc.Evidence)
	if n == 0 {
		return EvidenceAdded{}, errors.New("the evidence update answered without the entry")
	}
	return EvidenceAdded{Complaint: doc, Evidence: EvidenceEntry{N: n, Evidence: doc.Evidence[n-1]}}, nil
}

// OpenDeliberation moves an answered complaint to deliberation before the
// response period ends (a non-recused committee member).
func (s *Service) OpenDeliberation(ctx context.Context, a *Actor, id string) (Complaint, error) {
	return s.updateComplaint(ctx, a, id, ethics.UpdateDeliberate, ethics.DeliberateInput{Actor: a.Workflow()})
}

// VoteOnComplaint proposes a decision or votes on the proposal (a
// non-recused committee member).
func (s *Service) VoteOnComplaint(ctx context.Context, a *Actor, id string, req EthicsVoteRequest) (Complaint, error) {
	d, err := req.Decision.decision()
	if err != nil {
		return Complaint{}, err
	}
	return s.updateComplaint(ctx, a, id, ethics.UpdateVote, ethics.VoteInput{Actor: a.Workflow(), Decision: d, For: req.For})
}

// WithdrawProposal withdraws the proposal and its votes (its proposer).
func (s *Service) WithdrawProposal(ctx context.Context, a *Actor, id string) (Complaint, error) {
	return s.updateComplaint(ctx, a, id, ethics.UpdateWithdrawProposal, ethics.WithdrawInput{Actor: a.Workflow()})
}

// AppealDecision appeals the committee's decision (a party). The case
// opens the linked arbitration itself and waits for its ruling.
func (s *Service) AppealDecision(ctx context.Context, a *Actor, id string, req ComplaintReason) (Complaint, error) {
	return s.updateComplaint(ctx, a, id, ethics.UpdateAppeal, ethics.AppealInput{Actor: a.Workflow(), Reason: req.Reason})
}

// ApplyModifiedDecision records the decision as the arbitration ruling
// modified it (staff).
func (s *Service) ApplyModifiedDecision(ctx context.Context, a *Actor, id string, req ModifiedDecisionRequest) (Complaint, error) {
	d, err := req.Decision.decision()
	if err != nil {
		return Complaint{}, err
	}
	return s.updateComplaint(ctx, a, id, ethics.UpdateApplyModified, ethics.ApplyModifiedInput{Actor: a.Workflow(), Decision: d})
}

// decision reads a requested decision; the workflow checks its fields
// against its kind.
func (r EthicsDecisionRequest) decision() (ethics.Decision, error) {
	d := ethics.Decision{Kind: r.Kind, Matters: r.Matters, Position: r.Position, SanctionComplainant: r.SanctionComplainant}
	if u := strings.TrimSpace(r.Until); u != "" {
		t, err := time.Parse(time.RFC3339, u)
		if err != nil {
			if t, err = time.Parse(time.DateOnly, u); err != nil {
				return ethics.Decision{}, InvalidCoded(
					map[string]string{"decision.until": "must be an RFC 3339 time (2027-05-01T00:00:00Z) or a date (2027-05-01)"},
					map[string]string{"decision.until": CodeEthicsUntilUnreadable}).Coded(CodeEthicsUntilUnreadable)
			}
		}
		t = t.UTC()
		d.Until = &t
	}
	return d, nil
}

// RecomputeOpenComplaints recomputes the recusals of every open complaint
// after a committee member's declaration changed: recusal is computed from
// the current declarations, never remembered. A case that cannot be
// updated is logged; the declaration stands either way, and staff can
// recompute a case by hand.
func (s *Service) RecomputeOpenComplaints(ctx context.Context) {
	cases, err := s.store.ListCases(ctx, EthicsProcess, "", 1000)
	if err != nil {
		s.log.WarnContext(ctx, "listing complaints to recompute recusals", "err", err)
		return
	}
	for _, cs := range cases {
		if cs.Status == ethics.StatusClosed {
			continue
		}
		s.recomputes.do(cs.ID, func() { s.recomputeComplaint(ctx, cs) })
	}
}

// recomputeComplaint recomputes one open complaint's recusals; a
// recomputation that changes nothing is refused by the case (a conflict)
// and never enters its history.
func (s *Service) recomputeComplaint(ctx context.Context, cs store.Case) {
	var st ethics.State
	if err := s.query(ctx, ethics.WorkflowID(cs.ID), ethics.Query, &st); err != nil {
		s.log.WarnContext(ctx, "reading a complaint to recompute recusals", "case", cs.ID, "err", err)
		return
	}
	committee, err := s.ethicsCommittee(ctx, st.ComplainantID, st.RespondentID)
	if err != nil {
		s.log.WarnContext(ctx, "computing recusals", "case", cs.ID, "err", err)
		return
	}
	var out ethics.State
	err = s.update(ctx, ethics.WorkflowID(cs.ID), ethics.UpdateRecomputeRecusals,
		ethics.RecomputeInput{Actor: System, Committee: committee}, &out)
	if e := AsError(err); err != nil && e.Kind != KindConflict { // unchanged recusals are a conflict
		s.log.WarnContext(ctx, "recomputing recusals", "case", cs.ID, "err", err)
	}
}

// PublishedEthicsDecisions lists the published decisions: outcome, rule
// and date, never evidence or an anonymous complainant's name.
func (s *Service) PublishedEthicsDecisions(ctx context.Context) ([]PublishedDecision, error) {
	entries, err := s.store.ListAudit(ctx, store.AuditFilter{
		Process: EthicsProcess, Action: "ethics.decision_published", Audience: store.AudiencePublic, All: true, Limit: 1000})
	if err != nil {
		return nil, err
	}
	out := make([]PublishedDecision, 0, len(entries))
	for _, e := range entries {
		out = append(out, PublishedDecision{CaseID: e.ObjectID, At: e.At, AuditHash: e.Hash, Decision: e.DetailsJSON()})
	}
	return out, nil
}

// ethicsParty reads a member as domain.Person for the independence rules.
func (s *Service) ethicsParty(ctx context.Context, id string) (domain.Person, error) {
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

// ethicsCommittee computes the ethics committee's recusals for a case from the
// registry and the current declarations: recusal is computed, not
// remembered.
func (s *Service) ethicsCommittee(ctx context.Context, partyIDs ...string) ([]ethics.CommitteeMember, error) {
	ms, err := s.store.ListMembers(ctx, store.MemberFilter{Role: store.RoleEthicsCommittee, Limit: 1000})
	if err != nil {
		return nil, err
	}
	var parties []domain.Person
	for _, id := range partyIDs {
		p, err := s.ethicsParty(ctx, id)
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
