package ethics_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/ethics"
	"github.com/lacralo/ralo/workflows/processtest"
)

// TestEthicsRemovalFinal checks that a decision takes effect only when the
// appeal window closes unappealed, through ApplyEthicsDecision, and that a
// removal makes the person ineligible for the policy's period from then.
func TestEthicsRemovalFinal(t *testing.T) {
	h := newHarness(t)
	h.toDeliberation()
	removal := ethics.Decision{Kind: ethics.DecisionRemoval, Position: " alac_member "}
	h.decide(3*day, removal) // passes at T0+3d2h; the window ends at T0+18d2h
	during := h.Query(18 * day)
	applied := h.appliedBy(18*day + time.Hour)
	h.Refused(h.Update(18*day+2*time.Hour, ethics.UpdateAppeal, ethics.AppealInput{Actor: asRespondent, Reason: "late"}), workflows.ErrInvalidState)

	final := h.run(input("E-11"))

	end := when(18*day + 2*time.Hour)
	wantStatus(t, "T0+18d", during, ethics.StatusAppealWindow)
	processtest.WantDeadlines(t, "T0+18d", during.Deadlines, workflows.Deadline{Name: "appeal_window", At: end})
	if *applied != 0 {
		t.Errorf("%d decisions applied inside the appeal window", *applied)
	}
	if !h.Env.Now().Equal(end) {
		t.Errorf("the case ended at %v, want %v", h.Env.Now(), end)
	}
	ineligible := end.Add(730 * day)
	if len(h.applied) != 1 {
		t.Fatalf("applied %+v, want once", h.applied)
	}
	eff := h.applied[0]
	if eff.CaseID != "E-11" || eff.Kind != ethics.DecisionRemoval || eff.SubjectID != respondentID || eff.Position != "alac_member" ||
		eff.IneligibleUntil == nil || !eff.IneligibleUntil.Equal(ineligible) || eff.Until != nil {
		t.Errorf("effect %+v, want removal of %s from alac_member, ineligible until %v", eff, respondentID, ineligible)
	}
	if final.Status != ethics.StatusClosed || final.Outcome != ethics.DecisionRemoval || final.Applied == nil ||
		final.Final == nil || final.ClosedAt == nil || !final.ClosedAt.Equal(end) || final.ApplyError != "" {
		t.Errorf("final state %+v", final)
	}
	pub := h.AuditOf("ethics.decision_published")
	if len(pub) != 1 {
		t.Fatalf("published %d times", len(pub))
	}
	if js := toJSON(t, pub[0].Details); !strings.Contains(js, `"position":"alac_member"`) || !strings.Contains(js, `"outcome":"removal"`) ||
		strings.Contains(js, complainantID) || strings.Contains(js, "m-c") {
		t.Errorf("published %s", js)
	}
	want := []string{"ethics.decision_applied", "ethics.decision_applied", "ethics.closed", "ethics.decision_published"}
	var tail []string
	for _, a := range h.Audits()[len(h.Audits())-4:] {
		tail = append(tail, a.Action)
	}
	if !slices.Equal(tail, want) {
		t.Errorf("closing entries %v, want %v", tail, want)
	}
	decision := h.NotesOf("ethics.decision")
	if len(decision) != 1 || decision[0].In.Data["outcome"] != ethics.DecisionRemoval ||
		!slices.Equal(decision[0].In.MemberIDs, processtest.Sorted(append([]string{staffID, complainantID, respondentID}, active...)...)) {
		t.Errorf("decision notification %+v", decision)
	}
}

// TestEthicsApplyFails checks that a decision the registry refuses for
// good still closes the case, with the failure recorded for staff.
func TestEthicsApplyFails(t *testing.T) {
	h := newHarness(t)
	h.applyErr = temporal.NewNonRetryableApplicationError("member m-bob holds no position alac_member", "NotApplicable", nil)
	h.toDeliberation()
	h.decide(3*day, ethics.Decision{Kind: ethics.DecisionRemoval, Position: "alac_member"})

	final := h.run(input("E-12"))

	if final.Status != ethics.StatusClosed || final.Applied != nil || !strings.Contains(final.ApplyError, "no position") {
		t.Errorf("final: %q applied %+v error %q", final.Status, final.Applied, final.ApplyError)
	}
	if a := h.AuditOf("ethics.apply_failed"); len(a) != 1 || a[0].Audience != "staff" {
		t.Errorf("failure audited %+v", a)
	}
}

// TestEthicsAppeal checks the appeal: the decision waits for the ruling,
// which upholds it (applied), overturns it (dismissed, nothing applied) or
// modifies it (staff record the decision, which is applied).
func TestEthicsAppeal(t *testing.T) {
	suspension := ethics.Decision{Kind: ethics.DecisionSuspension, Until: timePtr(300 * day)}
	ruling := func(caseID, outcome string) workflows.AppealRuling {
		return workflows.AppealRuling{ArbitrationID: workflows.AppealArbitrationID(caseID), Outcome: outcome, Text: "Ruled on " + outcome + ".", Articles: []string{"7.1"}}
	}

	t.Run("uphold", func(t *testing.T) {
		h := newHarness(t)
		h.toDeliberation()
		h.decide(3*day, suspension)
		h.ruling(4*day, ruling("E-13", workflows.RulingUphold)) // stray: nothing is appealed yet
		h.Refused(h.Update(5*day, ethics.UpdateAppeal, ethics.AppealInput{Actor: asC1, Reason: "x"}), workflows.ErrForbidden)
		h.Refused(h.Update(5*day, ethics.UpdateAppeal, ethics.AppealInput{Actor: asRespondent, Reason: ""}), workflows.ErrInvalidInput)
		appealed := h.OK(h.Update(5*day+time.Hour, ethics.UpdateAppeal, ethics.AppealInput{Actor: asRespondent, Reason: "The contract had ended."}))
		h.Refused(h.Update(5*day+2*time.Hour, ethics.UpdateAppeal, ethics.AppealInput{Actor: asComplainant, Reason: "too lenient"}), workflows.ErrInvalidState)
		h.Refused(h.Update(6*day, ethics.UpdateApplyModified, ethics.ApplyModifiedInput{Actor: asStaff, Decision: suspension}), workflows.ErrInvalidState)
		waiting := h.Query(40 * day)
		applied := h.appliedBy(40 * day)
		h.ruling(45*day, ruling("E-13", workflows.RulingUphold))

		final := h.run(input("E-13"))

		if s := appealed.State; s.Status != ethics.StatusAppealed || s.Appeal == nil || s.Appeal.By != respondentID ||
			s.Appeal.Role != ethics.RoleRespondent || len(s.Deadlines) != 0 {
			t.Errorf("appeal answered %q %+v %v", s.Status, s.Appeal, s.Deadlines)
		}
		wantStatus(t, "T0+40d", waiting, ethics.StatusAppealed)
		if *applied != 0 {
			t.Errorf("applied before the ruling: %d", *applied)
		}
		if !h.Env.Now().Equal(when(45 * day)) {
			t.Errorf("closed at %v, want at the ruling", h.Env.Now())
		}
		if len(h.applied) != 1 || h.applied[0].Kind != ethics.DecisionSuspension || h.applied[0].SubjectID != respondentID ||
			h.applied[0].Until == nil || !h.applied[0].Until.Equal(when(300*day)) || h.applied[0].IneligibleUntil != nil {
			t.Errorf("applied %+v", h.applied)
		}
		if final.Outcome != ethics.DecisionSuspension || final.Ruling == nil || final.Ruling.ArbitrationID != workflows.AppealArbitrationID("E-13") || final.Ruling.Outcome != workflows.RulingUphold {
			t.Errorf("final %q ruling %+v", final.Outcome, final.Ruling)
		}
		if a := h.AuditOf("ethics.appeal_ruling_ignored"); len(a) != 1 || a[0].Audience != "staff" {
			t.Errorf("stray ruling audited %+v", a)
		}
		if n := h.NotesOf("ethics.appealed"); len(n) != 1 || !slices.Contains(n[0].In.MemberIDs, complainantID) || !slices.Contains(n[0].In.MemberIDs, staffID) {
			t.Errorf("appealed notifications %+v", n)
		}
		pub := h.AuditOf("ethics.decision_published")
		if js := toJSON(t, pub); !strings.Contains(js, `"arbitration_id":"arb_appeal_E-13"`) || !strings.Contains(js, `"articles":["7.1"]`) {
			t.Errorf("published %s", js)
		}
	})

	t.Run("overturn", func(t *testing.T) {
		h := newHarness(t)
		h.toDeliberation()
		h.decide(3*day, suspension)
		h.OK(h.Update(5*day, ethics.UpdateAppeal, ethics.AppealInput{Actor: asRespondent, Reason: "Unfounded."}))
		h.ruling(30*day, ruling("E-14", workflows.RulingOverturn))

		final := h.run(input("E-14"))

		if len(h.applied) != 0 {
			t.Errorf("an overturned decision was applied: %+v", h.applied)
		}
		if final.Status != ethics.StatusClosed || final.Outcome != ethics.DecisionDismissed ||
			final.Final == nil || final.Final.Kind != ethics.DecisionDismissed || final.Decision.Kind != ethics.DecisionSuspension {
			t.Errorf("final %q final %+v decision %+v", final.Outcome, final.Final, final.Decision)
		}
		if js := toJSON(t, h.AuditOf("ethics.decision_published")); strings.Contains(js, "suspension") {
			t.Errorf("the overturned sanction is published: %s", js)
		}
	})

	t.Run("modify", func(t *testing.T) {
		h := newHarness(t)
		h.toDeliberation()
		h.decide(3*day, ethics.Decision{Kind: ethics.DecisionRemoval, Position: "chair"})
		h.OK(h.Update(5*day, ethics.UpdateAppeal, ethics.AppealInput{Actor: asRespondent, Reason: "Disproportionate."}))
		h.ruling(30*day, ruling("E-15", workflows.RulingModify))
		waiting := h.Query(31 * day)
		modified := ethics.Decision{Kind: ethics.DecisionSuspension, Until: timePtr(120 * day)}
		h.Refused(h.Update(32*day, ethics.UpdateApplyModified, ethics.ApplyModifiedInput{Actor: asC1, Decision: modified}), workflows.ErrForbidden)
		h.Refused(h.Update(32*day, ethics.UpdateApplyModified, ethics.ApplyModifiedInput{Actor: asStaff, Decision: ethics.Decision{Kind: ethics.DecisionSuspension}}), workflows.ErrInvalidInput)
		h.Refused(h.Update(32*day, ethics.UpdateApplyModified, ethics.ApplyModifiedInput{Actor: asStaff, Decision: ethics.Decision{Kind: "exile"}}), workflows.ErrInvalidInput)
		done := h.OK(h.Update(33*day, ethics.UpdateApplyModified, ethics.ApplyModifiedInput{Actor: asStaff, Decision: modified}))

		final := h.run(input("E-15"))

		wantStatus(t, "T0+31d", waiting, ethics.StatusAppealed)
		if waiting.Ruling == nil || waiting.Ruling.Outcome != workflows.RulingModify || waiting.Ruling.Text != "Ruled on modify." {
			t.Errorf("ruling recorded %+v", waiting.Ruling)
		}
		if done.State.Status != ethics.StatusClosed || done.State.Outcome != ethics.DecisionSuspension {
			t.Errorf("apply_modified answered %q/%q", done.State.Status, done.State.Outcome)
		}
		if len(h.applied) != 1 || h.applied[0].Kind != ethics.DecisionSuspension || !h.applied[0].Until.Equal(when(120*day)) ||
			h.applied[0].Position != "" {
			t.Errorf("applied %+v", h.applied)
		}
		if final.Final == nil || final.Final.Kind != ethics.DecisionSuspension || final.Decision.Kind != ethics.DecisionRemoval {
			t.Errorf("final %+v decision %+v", final.Final, final.Decision)
		}
		if a := h.AuditOf("ethics.decision_modified"); len(a) != 1 || a[0].Actor != staffID {
			t.Errorf("modification audited %+v", a)
		}
	})
}

// TestEthicsBadFaith checks that a decision on a bad-faith complaint can
// sanction the complainant, without naming them to the respondent.
func TestEthicsBadFaith(t *testing.T) {
	h := newHarness(t)
	h.toDeliberation()
	h.Refused(h.Update(3*day, ethics.UpdateVote, ethics.VoteInput{Actor: asC1, For: true,
		Decision: ethics.Decision{Kind: ethics.DecisionDismissed, SanctionComplainant: true}}), workflows.ErrInvalidInput)
	h.decide(3*day+time.Hour, ethics.Decision{Kind: ethics.DecisionWarning, SanctionComplainant: true})

	in := input("E-16")
	in.Kind = ethics.KindBadFaith
	final := h.run(in)

	if len(h.applied) != 1 || h.applied[0].SubjectID != complainantID || h.applied[0].Kind != ethics.DecisionWarning {
		t.Fatalf("applied %+v, want a warning to the complainant", h.applied)
	}
	view := final.ViewFor(respondentID, asRespondent.Roles)
	if view.Applied == nil || view.Applied.SubjectID != ethics.RoleComplainant || view.ComplainantID != "" {
		t.Errorf("respondent's view of the sanction %+v", view.Applied)
	}
	for _, a := range h.Audits() {
		if a.Audience != "staff" && strings.Contains(shown(t, a), complainantID) {
			t.Errorf("%s (%s) names the anonymous complainant", a.Action, a.Audience)
		}
	}
	if a := h.AuditOf("ethics.decision_applied"); len(a) != 2 || !strings.Contains(toJSON(t, a), `"subject":"complainant"`) {
		t.Errorf("applied entries %+v", a)
	}
}

// TestEthicsConfidentiality checks who reads what: the respondent never
// learns an anonymous complainant's identity, from the case, the audit
// entries or the emails; the parties see no votes and no recusal reasons;
// recused members and outsiders cannot read the case.
func TestEthicsConfidentiality(t *testing.T) {
	h := newHarness(t)
	h.OK(h.Update(day, ethics.UpdateAdmit, ethics.AdmitInput{Actor: asC1}))
	h.OK(h.Update(day+time.Hour, ethics.UpdateEvidence, ethics.EvidenceInput{Actor: asComplainant, Text: "Invoice", Links: []string{"https://example.org/i.pdf"}}))
	h.OK(h.Update(2*day, ethics.UpdateRespond, ethics.RespondInput{Actor: asRespondent, Text: "No."}))
	h.OK(h.Update(2*day+time.Hour, ethics.UpdateDeliberate, ethics.DeliberateInput{Actor: asC2}))
	h.OK(h.Update(3*day, ethics.UpdateVote, ethics.VoteInput{Actor: asC1, For: true,
		Decision: ethics.Decision{Kind: ethics.DecisionRecusalOrdered, Matters: []string{"registrar policy"}}}))
	mid := h.Query(3*day + time.Hour)
	h.OK(h.Update(4*day, ethics.UpdateWithdrawProposal, ethics.WithdrawInput{Actor: asC1}))
	h.decide(5*day, ethics.Decision{Kind: ethics.DecisionWarning})
	h.OK(h.Update(6*day, ethics.UpdateAppeal, ethics.AppealInput{Actor: asComplainant, Reason: "Too lenient."}))
	h.ruling(20*day, workflows.AppealRuling{ArbitrationID: workflows.AppealArbitrationID("E-17"), Outcome: workflows.RulingUphold, Text: "Upheld."})

	final := h.run(input("E-17"))

	// The state as the query returns it is complete.
	if mid.ComplainantID != complainantID || mid.Receipt != receipt || len(mid.Votes) != 1 || mid.Proposal == nil {
		t.Fatalf("full state %+v", mid)
	}

	resp := mid.ViewFor(respondentID, asRespondent.Roles)
	if resp.ComplainantID != "" || resp.Receipt != "" || len(resp.Votes) != 0 || resp.Proposal != nil || resp.Tally != nil {
		t.Errorf("respondent's view: complainant %q receipt %q votes %+v proposal %+v tally %+v",
			resp.ComplainantID, resp.Receipt, resp.Votes, resp.Proposal, resp.Tally)
	}
	if len(resp.Evidence) != 1 || resp.Evidence[0].By != ethics.RoleComplainant {
		t.Errorf("respondent's view of the evidence %+v", resp.Evidence)
	}
	if js := toJSON(t, resp); strings.Contains(js, complainantID) || strings.Contains(js, receipt) || strings.Contains(js, "same ALS") {
		t.Errorf("respondent's view leaks: %s", js)
	}
	if mid.Evidence[0].By != complainantID || mid.Committee[4].Reasons[0] != c5Reason {
		t.Error("ViewFor changed the state it filtered")
	}
	// A respondent who is also staff still sees the case as a party.
	if v := mid.ViewFor(respondentID, []string{"member", "staff"}); v.ComplainantID != "" || len(v.Votes) != 0 {
		t.Errorf("respondent with the staff role sees %q, %d votes", v.ComplainantID, len(v.Votes))
	}
	fv := final.ViewFor(respondentID, asRespondent.Roles)
	if fv.Appeal == nil || fv.Appeal.By != ethics.RoleComplainant || strings.Contains(toJSON(t, fv), complainantID) {
		t.Errorf("respondent's view of the appeal %+v", fv.Appeal)
	}

	comp := mid.ViewFor(complainantID, asComplainant.Roles)
	if comp.ComplainantID != complainantID || comp.Receipt != receipt || len(comp.Votes) != 0 || comp.Proposal != nil {
		t.Errorf("complainant's view %+v", comp)
	}
	for _, m := range comp.Committee {
		if len(m.Reasons) != 0 {
			t.Errorf("complainant sees recusal reasons %+v", m)
		}
	}
	member := mid.ViewFor(c3ID, asC3.Roles)
	if member.ComplainantID != complainantID || len(member.Votes) != 1 || member.Proposal == nil || member.Receipt != "" {
		t.Errorf("committee member's view: complainant %q votes %+v receipt %q", member.ComplainantID, member.Votes, member.Receipt)
	}
	if staff := mid.ViewFor(staffID, asStaff.Roles); staff.Receipt != receipt || len(staff.Votes) != 1 {
		t.Errorf("staff view %+v", staff)
	}

	for _, c := range []struct {
		who   workflows.Actor
		reads bool
	}{
		{asStaff, true}, {workflows.Actor{MemberID: "m-admin", Roles: []string{"admin"}}, true},
		{asComplainant, true}, {asRespondent, true}, {asC1, true}, {asC4, true},
		{asC5, false}, {asOutsider, false}, {workflows.Actor{}, false},
	} {
		if got := mid.CanRead(c.who.MemberID, c.who.Roles); got != c.reads {
			t.Errorf("CanRead(%q) = %v, want %v", c.who.MemberID, got, c.reads)
		}
		if !c.reads {
			if v := mid.ViewFor(c.who.MemberID, c.who.Roles); v.CaseID != "" {
				t.Errorf("ViewFor(%q) shows the case", c.who.MemberID)
			}
		}
	}

	// Nothing the respondent may read or receive names the complainant.
	sawStaffTwin := false
	for _, a := range h.Audits() {
		js := shown(t, a)
		if a.Audience == "staff" {
			sawStaffTwin = sawStaffTwin || a.Actor == complainantID
			continue
		}
		if strings.Contains(js, complainantID) && (a.Audience == "public" || slices.Contains(a.Members, respondentID)) {
			t.Errorf("%s (%s) readable by the respondent names the complainant: %s", a.Action, a.Audience, js)
		}
		if strings.Contains(js, receipt) {
			t.Errorf("%s carries the receipt", a.Action)
		}
	}
	if !sawStaffTwin {
		t.Error("no staff entry records the complainant's actions under their name")
	}
	if a := h.AuditOf("ethics.filed"); len(a) != 2 || (a[0].Actor != ethics.RoleComplainant && a[1].Actor != ethics.RoleComplainant) {
		t.Errorf("filing entries %+v", a)
	}
	for _, n := range h.Notes() {
		if js := toJSON(t, n.In.Data); strings.Contains(js, complainantID) || strings.Contains(js, receipt) {
			t.Errorf("email %s names the complainant or carries the receipt: %s", n.In.Event, js)
		}
	}

	// Not anonymous: the respondent sees who complained.
	open := mid
	open.Anonymous = false
	if v := open.ViewFor(respondentID, asRespondent.Roles); v.ComplainantID != complainantID || v.Evidence[0].By != complainantID || v.Receipt != "" {
		t.Errorf("respondent's view of an open complaint: %q, %q, receipt %q", v.ComplainantID, v.Evidence[0].By, v.Receipt)
	}
}

// TestEthicsInvalidInput checks that a case that cannot run is refused at
// the start, with the error type the API maps to 422.
func TestEthicsInvalidInput(t *testing.T) {
	in := input("E-18")
	in.RespondentID = complainantID
	in.Kind = "rudeness"
	in.Summary = " "
	in.Receipt = ""
	in.Links = []string{"ftp://example.org/x"}
	in.Committee = append(in.Committee, ethics.CommitteeMember{MemberID: c1ID})
	in.Periods.Response = workflows.Duration(-time.Hour)
	in.Periods.Quorum = 1.5
	in.Periods.ScreeningReminder = workflows.Duration(20 * day)
	err := in.Validate()
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != workflows.ErrInvalidInput {
		t.Fatalf("Validate: %v", err)
	}
	for _, want := range []string{"receipt", "respondent_id must differ", "kind", "summary", "link", "listed twice",
		"periods.response", "periods.quorum", "periods.screening_reminder"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate does not name %s: %v", want, err)
		}
	}
	if err := input("E-19").Validate(); err != nil {
		t.Errorf("valid input refused: %v", err)
	}

	// A negative period never reaches the workflow (workflows.Duration's
	// JSON refuses it); the workflow refuses the rest.
	in.Periods.Response = 0
	h := newHarness(t)
	h.Env.ExecuteWorkflow(ethics.WorkflowName, in)
	if err := h.Env.GetWorkflowError(); !errors.As(err, &appErr) || appErr.Type() != workflows.ErrInvalidInput {
		t.Errorf("workflow error %v", err)
	}
}

// TestEthicsDefaultPeriods checks that periods left at zero take the
// policy's defaults.
func TestEthicsDefaultPeriods(t *testing.T) {
	h := newHarness(t)
	st := h.Query(time.Hour)
	h.CancelAt(8 * day)
	in := input("E-20")
	in.Periods = ethics.Periods{}
	in.FiledAt = time.Time{} // the workflow's start
	h.runCancelled(in)
	processtest.WantDeadlines(t, "T0+1h", st.Deadlines, workflows.Deadline{Name: "screening", At: when(14 * day)})
	if st.Tally == nil || st.Tally.QuorumRequired != 3 {
		t.Errorf("default quorum over four members: %+v", st.Tally)
	}
	if n := h.NotesOf("ethics.screening_reminder"); len(n) != 1 || !n[0].At.Equal(when(7*day)) {
		t.Errorf("default reminder %+v", n)
	}
}

// TestEthicsWorkflowID checks the business key the arbitration signals.
func TestEthicsWorkflowID(t *testing.T) {
	if got := ethics.WorkflowID("E-1"); got != "ethics/E-1" {
		t.Errorf("EthicsWorkflowID = %q", got)
	}
}
