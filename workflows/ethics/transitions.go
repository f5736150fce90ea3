package ethics

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
)

// Who is who.

func (e *complaint) isComplainant(id string) bool { return id != "" && id == e.in.ComplainantID }

func (e *complaint) isRespondent(id string) bool { return id != "" && id == e.in.RespondentID }

func (e *complaint) isParty(id string) bool { return e.isComplainant(id) || e.isRespondent(id) }

func (e *complaint) active(id string) bool { return e.st.activeMember(id) }

func (e *complaint) onRoster(id string) bool {
	return id != "" && slices.ContainsFunc(e.st.Committee, func(m CommitteeMember) bool { return m.MemberID == id })
}

// activeIDs are the non-recused committee members, sorted.
func (e *complaint) activeIDs() []string {
	var ids []string
	for _, m := range e.st.Committee {
		if !m.Recused {
			ids = append(ids, m.MemberID)
		}
	}
	return process.Set(ids)
}

// effectiveCommittee merges the API's roster with the self-recusals, and
// recuses a party that the API left on the committee: the case's own
// guarantee, whatever the caller computed.
func (e *complaint) effectiveCommittee() []CommitteeMember {
	out := make([]CommitteeMember, 0, len(e.roster))
	for _, m := range e.roster {
		m.Reasons = slices.Clone(m.Reasons)
		if e.isParty(m.MemberID) {
			m.Reasons = append(m.Reasons, fmt.Sprintf("the committee member %s is a party", m.MemberID))
		}
		if reason, ok := e.selfRecused[m.MemberID]; ok {
			m.Reasons = append(m.Reasons, "recused themself: "+reason)
		}
		m.Reasons = process.Set(m.Reasons)
		m.Recused = m.Recused || len(m.Reasons) > 0
		out = append(out, m)
	}
	return out
}

// required is how many of n are strictly more than fraction × n, capped
// at n (so 1 means all of them); 0 when n is 0. It is the policy's rule
// (policy.Ethics.QuorumRequired), with the same tolerance for fractions
// such as 0.1 that floats cannot hold exactly.
func required(fraction float64, n int) int {
	if n <= 0 {
		return 0
	}
	return min(n, int(math.Floor(fraction*float64(n)+1e-9))+1)
}

// tally counts the current proposal's votes over the non-recused members.
func (e *complaint) tally() Tally {
	t := Tally{Members: len(e.activeIDs())}
	t.QuorumRequired = required(e.periods.Quorum, t.Members)
	for _, v := range e.st.Votes {
		t.Cast++
		if v.For {
			t.For++
		} else {
			t.Against++
		}
	}
	t.MajorityRequired = required(e.periods.Majority, t.Cast)
	t.Quorate = t.Members > 0 && t.Cast >= t.QuorumRequired
	t.Passes = e.st.Proposal != nil && t.Quorate && t.For > 0 && t.For >= t.MajorityRequired
	return t
}

// short says whether the non-recused members are too few for the quorum
// the full roster would need: the committee can still decide (its quorum
// is over the non-recused), but staff should know that recusals have
// thinned it, and must act when nobody is left.
func (e *complaint) short() bool {
	n := len(e.activeIDs())
	return n == 0 || n < required(e.periods.Quorum, len(e.st.Committee))
}

// rosterChanged settles a change of the roster: the recused members' votes
// no longer count, staff are alerted when the change leaves the committee
// short, and the proposal may now pass over fewer members.
func (e *complaint) rosterChanged(now time.Time, actor string) {
	e.rosterSeq++
	e.st.Committee = e.effectiveCommittee()
	e.st.Votes = slices.DeleteFunc(e.st.Votes, func(v Vote) bool { return !e.active(v.MemberID) })
	open := e.st.Status == StatusScreening || e.st.Status == StatusInvestigation ||
		e.st.Status == StatusDeliberation
	short := open && e.short()
	if short && !e.noQuorum {
		step := "no_quorum/" + strconv.Itoa(e.rosterSeq)
		details := map[string]any{
			"committee":       len(e.st.Committee),
			"non_recused":     len(e.activeIDs()),
			"quorum_required": required(e.periods.Quorum, len(e.st.Committee)),
		}
		e.auditStaff(system, "ethics.no_quorum", step, details)
		e.notify(step, "ethics.no_quorum", e.recipients(false, true, false), details)
	}
	e.noQuorum = short
	e.checkPass(now, actor)
}

// Validators and handlers, in the order of the process.

// file records the filing, the first effects of every case.
func (e *complaint) file(now time.Time) {
	e.audit(e.in.ComplainantID, "ethics.filed", "filed", map[string]any{
		"kind":          e.st.Kind,
		"summary":       e.st.Summary,
		"links":         e.st.Links,
		"anonymous":     e.st.Anonymous,
		"respondent_id": e.st.RespondentID,
		"screening_due": e.st.ScreeningDue,
	})
	e.notify("filed", "ethics.filed", process.Set(append(e.recipients(false, true, true), e.in.ComplainantID)), map[string]any{
		"due": e.st.ScreeningDue,
	})
	e.rosterChanged(now, system)
}

func (e *complaint) validateScreen(now time.Time, act workflows.Actor, what string) error {
	if !e.active(act.MemberID) {
		return process.ForbiddenCode("ethics.screen_committee_only", "only a non-recused member of the ethics committee can "+what+" a complaint")
	}
	if e.statusAt(now) != StatusScreening {
		return process.InvalidStateCode("ethics.already_screened", "the complaint has already been screened")
	}
	return nil
}

func (e *complaint) validateAdmit(now time.Time, in AdmitInput) error {
	if err := e.validateScreen(now, in.Actor, "admit"); err != nil {
		return err
	}
	if len(in.Note) > maxTextBytes {
		return process.InvalidFieldCode("note", "ethics.note.too_long", fmt.Sprintf("note is longer than %d bytes", maxTextBytes), "Limit", maxTextBytes)
	}
	return nil
}

// admit opens the investigation: the respondent is told and the response
// clock starts.
func (e *complaint) admit(now time.Time, in AdmitInput) {
	note := strings.TrimSpace(in.Note)
	e.st.Screening = &Screening{Result: ScreenAdmitted, By: in.Actor.MemberID, Text: note, At: now}
	e.responseDue = now.Add(e.periods.Response.D())
	due := e.responseDue
	e.st.ResponseDue = &due
	e.st.Status = StatusInvestigation
	e.audit(in.Actor.MemberID, "ethics.admitted", "admitted", map[string]any{
		"note":         note,
		"response_due": due,
	})
	e.notify("admitted", "ethics.admitted", process.Set(append(e.recipients(false, true, true), e.in.ComplainantID)), nil)
	e.notify("response_requested", "ethics.response_requested", []string{e.in.RespondentID}, map[string]any{"due": due})
}

func (e *complaint) validateDismiss(now time.Time, in DismissInput) error {
	if err := e.validateScreen(now, in.Actor, "dismiss"); err != nil {
		return err
	}
	return process.CheckTextCode("reason", "ethics.reason", in.Reason, maxTextBytes)
}

// dismiss closes the case as inadmissible. The respondent was never told of
// the complaint and is not told now.
func (e *complaint) dismiss(now time.Time, in DismissInput) {
	reason := strings.TrimSpace(in.Reason)
	e.st.Screening = &Screening{Result: ScreenDismissed, By: in.Actor.MemberID, Text: reason, At: now}
	e.audit(in.Actor.MemberID, "ethics.dismissed", "dismissed", map[string]any{"reason": reason})
	e.notify("dismissed", "ethics.dismissed", process.Set(append(e.recipients(false, true, true), e.in.ComplainantID)), map[string]any{
		"reason": reason,
	})
	e.close(now, in.Actor.MemberID, nil, OutcomeInadmissible)
}

func (e *complaint) validateRecuse(now time.Time, in RecuseInput) error {
	if !e.onRoster(in.Actor.MemberID) {
		return process.ForbiddenCode("ethics.recuse_committee_only", "only a member of the ethics committee can recuse from the case")
	}
	if e.statusAt(now) == StatusClosed {
		return process.InvalidStateCode("ethics.case_closed", "the case is closed")
	}
	if !e.active(in.Actor.MemberID) {
		return process.InvalidStateCode("ethics.already_recused", "the member is already recused")
	}
	return process.CheckTextCode("reason", "ethics.reason", in.Reason, maxShortBytes)
}

// recuse records a self-recusal. Its reason may name the parties, so the
// entry is for staff.
func (e *complaint) recuse(now time.Time, in RecuseInput) {
	reason := strings.TrimSpace(in.Reason)
	e.selfRecused[in.Actor.MemberID] = reason
	e.auditStaff(in.Actor.MemberID, "ethics.recused", "recused/"+in.Actor.MemberID, map[string]any{
		"member_id": in.Actor.MemberID,
		"reason":    reason,
	})
	e.rosterChanged(now, in.Actor.MemberID)
}

func (e *complaint) validateRecompute(now time.Time, in RecomputeInput) error {
	if e.isParty(in.Actor.MemberID) {
		return process.ForbiddenCode("ethics.recompute_party", "a party acts in their own case only as a party: they cannot recompute its recusals")
	}
	if !process.IsStaff(in.Actor.Roles) {
		return process.ForbiddenCode("ethics.recompute_staff_only", "only staff can recompute the recusals")
	}
	if e.statusAt(now) == StatusClosed {
		return process.InvalidStateCode("ethics.case_closed", "the case is closed")
	}
	if e.skipUnchanged && in.Actor.MemberID == system && reflect.DeepEqual(cleanRoster(in.Committee), e.roster) {
		// A registry change that alters no recusal (a declaration filed
		// again) never enters the history.
		return process.InvalidStateCode("ethics.recusals_unchanged", ErrRecusalsUnchanged)
	}
	return checkCommittee(in.Committee)
}

// ErrRecusalsUnchanged refuses an automatic recomputation that changes
// nothing; the service takes it as done.
const ErrRecusalsUnchanged = "the recusals are unchanged"

// recompute replaces the roster. The recusal reasons may name the parties,
// so the entry is for staff.
func (e *complaint) recompute(now time.Time, in RecomputeInput) {
	e.roster = cleanRoster(in.Committee)
	e.auditStaff(in.Actor.MemberID, "ethics.recusals_recomputed", "recusals/"+strconv.Itoa(e.rosterSeq+1), map[string]any{
		"committee": e.roster,
	})
	e.rosterChanged(now, in.Actor.MemberID)
}

func (e *complaint) validateRespond(now time.Time, in RespondInput) error {
	if !e.isRespondent(in.Actor.MemberID) {
		return process.ForbiddenCode("ethics.respond_respondent_only", "only the respondent can respond to the complaint")
	}
	switch e.statusAt(now) {
	case StatusScreening:
		return process.InvalidStateCode("ethics.not_admitted", "the complaint has not been admitted")
	case StatusInvestigation:
	default:
		return process.InvalidStateCode("ethics.response_over", "the response period is over")
	}
	if e.st.Response != nil {
		return process.InvalidStateCode("ethics.already_responded", "the respondent has already responded; further material can be added as evidence")
	}
	return process.CheckTextCode("text", "ethics.text", in.Text, maxTextBytes)
}

func (e *complaint) respond(now time.Time, in RespondInput) {
	r := &Response{Text: strings.TrimSpace(in.Text), At: now}
	e.st.Response = r
	e.audit(in.Actor.MemberID, "ethics.response", "response", map[string]any{"text": r.Text})
}

func (e *complaint) validateEvidence(now time.Time, in EvidenceInput) error {
	id := in.Actor.MemberID
	if !e.isParty(id) && !e.active(id) {
		return process.ForbiddenCode("ethics.evidence_forbidden", "only a party or a non-recused committee member can add evidence")
	}
	switch e.statusAt(now) {
	case StatusInvestigation, StatusDeliberation:
	case StatusScreening:
		return process.InvalidStateCode("ethics.evidence_not_yet", "evidence is added once the complaint is admitted")
	default:
		return process.InvalidStateCode("ethics.evidence_closed", "the committee has decided; evidence is closed")
	}
	if err := e.checkEvidenceBudget(id); err != nil {
		return err
	}
	if err := process.CheckTextCode("text", "ethics.text", in.Text, maxTextBytes); err != nil {
		return err
	}
	return checkLinks(in.Links)
}

func (e *complaint) evidence(now time.Time, in EvidenceInput) {
	id := in.Actor.MemberID
	ev := Evidence{
		By:    id,
		Role:  RoleCommittee,
		Kind:  QuestionKind,
		Text:  strings.TrimSpace(in.Text),
		Links: process.NonNil(slices.Clone(in.Links)),
		At:    now,
	}
	switch {
	case e.isComplainant(id):
		ev.Role, ev.Kind = RoleComplainant, EvidenceKind
	case e.isRespondent(id):
		ev.Role, ev.Kind = RoleRespondent, EvidenceKind
	}
	e.st.Evidence = append(e.st.Evidence, ev)
	e.audit(id, "ethics.evidence", "evidence/"+strconv.Itoa(len(e.st.Evidence)), map[string]any{
		"role":  ev.Role,
		"kind":  ev.Kind,
		"text":  ev.Text,
		"links": ev.Links,
	})
}

func (e *complaint) validateDeliberate(now time.Time, in DeliberateInput) error {
	if !e.active(in.Actor.MemberID) {
		return process.ForbiddenCode("ethics.deliberate_committee_only", "only a non-recused member of the ethics committee can open the deliberation")
	}
	if e.statusAt(now) != StatusInvestigation {
		return process.InvalidStateCode("ethics.not_in_investigation", "the case is not under investigation")
	}
	if e.st.Response == nil {
		return process.InvalidStateCode("ethics.response_pending", "the respondent may respond until "+e.responseDue.Format(time.RFC3339),
			"Until", e.responseDue)
	}
	return nil
}

func (e *complaint) deliberate(_ time.Time, in DeliberateInput) {
	e.toDeliberation(in.Actor.MemberID, "committee")
}

// toDeliberation closes the investigation; why says what closed it.
func (e *complaint) toDeliberation(actor, why string) {
	e.st.Status = StatusDeliberation
	e.audit(actor, "ethics.deliberation", "deliberation", map[string]any{
		"reason":    why,
		"responded": e.st.Response != nil,
	})
}

func (e *complaint) validateVote(now time.Time, in VoteInput) error {
	if !e.active(in.Actor.MemberID) {
		return process.ForbiddenCode("ethics.vote_committee_only", "only a non-recused member of the ethics committee can vote")
	}
	if e.statusAt(now) != StatusDeliberation {
		return process.InvalidStateCode("ethics.not_in_deliberation", "the case is not in deliberation")
	}
	d := normalize(in.Decision)
	if err := checkDecision(now, d); err != nil {
		return err
	}
	if e.st.Proposal == nil {
		if !in.For {
			return process.InvalidInputCode("ethics.first_vote_for", "the first vote proposes the decision and must be for it")
		}
		return nil
	}
	if !sameDecision(d, e.st.Proposal.Decision) {
		return process.InvalidInputCode("ethics.other_decision_proposed", "a decision is already proposed; vote for or against it, or its proposer may withdraw it")
	}
	return nil
}

// vote proposes the decision or records a vote on it; the vote that makes
// the proposal pass decides the case.
func (e *complaint) vote(now time.Time, in VoteInput) {
	id := in.Actor.MemberID
	details := map[string]any{"for": in.For}
	if e.st.Proposal == nil {
		e.rounds++
		e.st.Proposal = &Proposal{Round: e.rounds, Decision: normalize(in.Decision), By: id, At: now}
		details["decision"] = e.st.Proposal.Decision
		details["proposed"] = true
	}
	details["round"] = e.st.Proposal.Round
	v := Vote{MemberID: id, For: in.For, At: now}
	if i := slices.IndexFunc(e.st.Votes, func(v Vote) bool { return v.MemberID == id }); i >= 0 {
		e.st.Votes[i] = v
	} else {
		e.st.Votes = append(e.st.Votes, v)
	}
	e.votes++
	e.auditCommittee(id, "ethics.vote", "vote/"+strconv.Itoa(e.votes), details)
	e.checkPass(now, id)
}

func (e *complaint) validateWithdraw(now time.Time, in WithdrawInput) error {
	if !e.active(in.Actor.MemberID) {
		return process.ForbiddenCode("ethics.withdraw_committee_only", "only a non-recused member of the ethics committee can withdraw a proposal")
	}
	if e.statusAt(now) != StatusDeliberation {
		return process.InvalidStateCode("ethics.not_in_deliberation", "the case is not in deliberation")
	}
	if e.st.Proposal == nil {
		return process.InvalidStateCode("ethics.no_proposal", "no decision is proposed")
	}
	if e.st.Proposal.By != in.Actor.MemberID {
		return process.ForbiddenCode("ethics.withdraw_proposer_only", "only the proposer can withdraw the proposal")
	}
	return nil
}

// withdraw drops the proposal and its votes; the next vote proposes anew.
func (e *complaint) withdraw(_ time.Time, in WithdrawInput) {
	round := e.st.Proposal.Round
	e.st.Proposal = nil
	e.st.Votes = []Vote{}
	e.auditCommittee(in.Actor.MemberID, "ethics.proposal_withdrawn", "proposal/"+strconv.Itoa(round)+"/withdrawn", map[string]any{
		"round": round,
	})
}

// checkPass decides the case when the proposal has its quorum and
// majority.
func (e *complaint) checkPass(now time.Time, actor string) {
	if e.st.Status != StatusDeliberation || e.st.Proposal == nil || !e.tally().Passes {
		return
	}
	d := e.st.Proposal.Decision
	e.st.Decision = &d
	e.st.DecidedAt = &now
	e.appealEnds = now.Add(e.periods.AppealWindow.D())
	ends := e.appealEnds
	e.st.AppealEnds = &ends
	e.st.Status = StatusAppealWindow
	t := e.tally()
	e.auditCommittee(actor, "ethics.decision_passed", "decision/tally", map[string]any{
		"round": e.st.Proposal.Round, "cast": t.Cast, "for": t.For, "against": t.Against, "members": t.Members,
	})
	e.audit(actor, "ethics.decided", "decided", map[string]any{
		"decision":    decisionDetails(d),
		"appeal_ends": ends,
	})
	e.notify("decision", "ethics.decision", e.recipients(true, true, true), map[string]any{
		"outcome": d.Kind,
		"due":     ends,
	})
}

func (e *complaint) validateAppeal(now time.Time, in AppealInput) error {
	if !e.isParty(in.Actor.MemberID) {
		return process.ForbiddenCode("ethics.appeal_party_only", "only a party can appeal the decision")
	}
	switch e.statusAt(now) {
	case StatusAppealWindow:
	case StatusAppealed:
		return process.InvalidStateCode("ethics.already_appealed", "the decision has already been appealed")
	case StatusClosed:
		return process.InvalidStateCode("ethics.decision_final", "the decision is final")
	default:
		return process.InvalidStateCode("ethics.no_decision", "there is no decision to appeal")
	}
	return process.CheckTextCode("reason", "ethics.reason", in.Reason, maxTextBytes)
}

// appeal suspends the decision until the arbitration ruling, which the
// arbitration case it opens (OpenAppeal, run by the main loop) will signal.
func (e *complaint) appeal(now time.Time, in AppealInput) {
	role := RoleRespondent
	if e.isComplainant(in.Actor.MemberID) {
		role = RoleComplainant
	}
	a := &Appeal{By: in.Actor.MemberID, Role: role, Reason: strings.TrimSpace(in.Reason), At: now}
	e.st.Appeal = a
	e.st.Status = StatusAppealed
	e.audit(in.Actor.MemberID, "ethics.appealed", "appealed", map[string]any{
		"role":   role,
		"reason": a.Reason,
	})
	e.notify("appealed", "ethics.appealed", e.recipients(true, true, true), nil)
	e.effects = append(e.effects, effect{appeal: &workflows.OpenAppealInput{
		EthicsCaseID:  e.in.CaseID,
		Reason:        a.Reason,
		RespondentID:  e.in.RespondentID,
		ComplainantID: e.in.ComplainantID,
		Anonymous:     e.in.Anonymous,
		FiledBy:       a.By,
	}})
}

// ruling applies the arbitration ruling on the appeal: the decision stands
// (upheld, or the appeal dismissed), is overturned (the complaint is
// dismissed) or waits for staff to record it as modified. A ruling the
// case does not expect, or one from an arbitration other than the one
// linked to its appeal (linked false), is recorded for staff and otherwise
// ignored.
func (e *complaint) ruling(now time.Time, r workflows.AppealRuling, linked bool) {
	if e.st.Status != StatusAppealed || e.st.Ruling != nil || !linked {
		e.logger.Warn("unexpected appeal ruling ignored", "status", e.st.Status, "arbitration_id", r.ArbitrationID)
		e.strayRulings++
		e.auditStaff(system, "ethics.appeal_ruling_ignored", "appeal_ruling_ignored/"+strconv.Itoa(e.strayRulings), map[string]any{
			"arbitration_id": r.ArbitrationID,
			"outcome":        r.Outcome,
			"status":         e.st.Status,
		})
		return
	}
	e.st.Ruling = &Ruling{
		ArbitrationID: r.ArbitrationID,
		Outcome:       r.Outcome,
		Text:          r.Text,
		Articles:      process.NonNil(slices.Clone(r.Articles)),
		At:            now,
	}
	e.audit(system, "ethics.appeal_ruling", "appeal_ruling", map[string]any{
		"arbitration_id": r.ArbitrationID,
		"outcome":        r.Outcome,
		"articles":       e.st.Ruling.Articles,
		"text":           r.Text,
	})
	switch r.Outcome {
	case workflows.RulingUphold, workflows.RulingDismissed:
		d := *e.st.Decision
		e.close(now, system, &d, d.Kind)
	case workflows.RulingOverturn:
		e.close(now, system, &Decision{Kind: DecisionDismissed}, DecisionDismissed)
	}
}

func (e *complaint) validateApplyModified(now time.Time, in ApplyModifiedInput) error {
	if e.isParty(in.Actor.MemberID) {
		return process.ForbiddenCode("ethics.apply_modified_party", "a party acts in their own case only as a party: they cannot record the outcome of its appeal")
	}
	if !process.IsStaff(in.Actor.Roles) {
		return process.ForbiddenCode("ethics.apply_modified_staff_only", "only staff can record a decision modified on appeal")
	}
	if !e.awaitingModified() {
		return process.InvalidStateCode("ethics.no_modified_ruling", "no arbitration ruling waits for a modified decision")
	}
	return checkDecision(now, normalize(in.Decision))
}

// awaitingModified: the ruling neither upheld nor overturned the decision,
// so staff must record the decision that follows from it.
func (e *complaint) awaitingModified() bool {
	r := e.st.Ruling
	return e.st.Status == StatusAppealed && r != nil &&
		r.Outcome != workflows.RulingUphold && r.Outcome != workflows.RulingDismissed && r.Outcome != workflows.RulingOverturn
}

func (e *complaint) applyModified(now time.Time, in ApplyModifiedInput) {
	d := normalize(in.Decision)
	e.audit(in.Actor.MemberID, "ethics.decision_modified", "modified", map[string]any{
		"decision": decisionDetails(d),
	})
	e.close(now, in.Actor.MemberID, &d, d.Kind)
}

// close makes the outcome final: the decision is applied (unless it
// dismisses the complaint), and the outcome is published without names or
// evidence.
func (e *complaint) close(now time.Time, actor string, final *Decision, outcome string) {
	st := &e.st
	st.Status = StatusClosed
	st.Outcome = outcome
	st.Final = final
	st.ClosedAt = &now
	if final != nil && final.Kind != DecisionDismissed {
		eff := e.effectOf(now, *final)
		e.effects = append(e.effects, effect{apply: &eff})
	}
	details := map[string]any{"outcome": outcome}
	if final != nil {
		details["decision"] = decisionDetails(*final)
	}
	e.audit(actor, "ethics.closed", "closed", details)

	public := map[string]any{
		"case_id":        e.in.CaseID,
		"complaint_kind": e.in.Kind,
		"outcome":        outcome,
		"filed_at":       st.FiledAt,
		"closed_at":      now,
	}
	if st.DecidedAt != nil {
		public["decided_at"] = *st.DecidedAt
	}
	if final != nil && final.Kind != DecisionDismissed {
		public["decision"] = decisionDetails(*final)
	}
	if r := st.Ruling; r != nil {
		public["appeal"] = map[string]any{
			"arbitration_id": r.ArbitrationID,
			"outcome":        r.Outcome,
			"articles":       r.Articles,
		}
	}
	e.effects = append(e.effects, effect{audit: e.entry(system, "ethics.decision_published", "published", "public", nil, public)})
}

// effectOf is what applying a final decision does, as of now.
func (e *complaint) effectOf(now time.Time, d Decision) DecisionEffect {
	subject := e.in.RespondentID
	if d.SanctionComplainant {
		subject = e.in.ComplainantID
	}
	eff := DecisionEffect{
		CaseID:    e.in.CaseID,
		Kind:      d.Kind,
		SubjectID: subject,
		Matters:   process.NonNil(slices.Clone(d.Matters)),
		Until:     process.Clone(d.Until),
		Position:  d.Position,
	}
	if d.Kind == DecisionRemoval {
		t := now.Add(e.periods.RemovalIneligibility.D())
		eff.IneligibleUntil = &t
	}
	return eff
}

// checkEvidenceBudget refuses an entry past the participant's cap (and,
// for the committee, its share of the case), or past the case's cap in
// cases started before the per-participant caps.
func (e *complaint) checkEvidenceBudget(id string) error {
	if !e.participantCaps {
		if len(e.st.Evidence) >= maxEvidence {
			return process.InvalidStateCode("ethics.evidence_case_full", fmt.Sprintf("the case already holds the maximum of %d evidence entries", maxEvidence),
				"Max", maxEvidence)
		}
		return nil
	}
	mine, committee := 0, 0
	for _, ev := range e.st.Evidence {
		if ev.By == id {
			mine++
		}
		if ev.Role == RoleCommittee {
			committee++
		}
	}
	switch {
	case mine >= maxEvidencePerParticipant:
		return process.InvalidStateCode("ethics.evidence_own_full", fmt.Sprintf("you have added the maximum of %d evidence entries to this case", maxEvidencePerParticipant),
			"Max", maxEvidencePerParticipant)
	case !e.isParty(id) && committee >= maxEvidence-2*maxEvidencePerParticipant:
		return process.InvalidStateCode("ethics.questions_full", fmt.Sprintf("the committee has asked the maximum of %d questions in this case", maxEvidence-2*maxEvidencePerParticipant),
			"Max", maxEvidence-2*maxEvidencePerParticipant)
	}
	return nil
}
