package ethics_test

import (
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/ethics"
)

// TestEthicsPartyViewRevealsNoRecusal checks SPEC "An anonymous
// complainant is never revealed, directly or by inference": no party's view
// tells which committee members are recused (a recusal names the
// complainant's ALS, or the complainant when they sit on the committee),
// and a party who is also staff, admin or on the committee reads their own
// case only as a party.
func TestEthicsPartyViewRevealsNoRecusal(t *testing.T) {
	admitted := &ethics.Screening{Result: ethics.ScreenAdmitted, By: c1ID, At: t0}
	st := ethics.State{
		CaseID: "E-40", Receipt: receipt, Status: ethics.StatusInvestigation, Anonymous: true,
		ComplainantID: complainantID, RespondentID: respondentID, Screening: admitted, NoQuorum: true,
		Committee: []ethics.CommitteeMember{
			{MemberID: complainantID, Recused: true, Reasons: []string{"m-ana is a party"}},
			{MemberID: c1ID, Reasons: []string{}},
			{MemberID: c5ID, Recused: true, Reasons: []string{c5Reason}},
		},
		Votes: []ethics.Vote{{MemberID: c1ID, For: true}},
	}
	for _, c := range []struct {
		name   string
		viewer string
		roles  []string
	}{
		{"respondent", respondentID, []string{"member"}},
		{"respondent who is staff", respondentID, []string{"member", "staff"}},
		{"respondent who is admin", respondentID, []string{"member", "admin"}},
		{"respondent on the committee", respondentID, []string{"member", "ethics_committee"}},
		{"complainant who is staff", complainantID, []string{"member", "staff", "ethics_committee"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := st.ViewFor(c.viewer, c.roles)
			js := toJSON(t, v)
			if strings.Contains(js, `"recused":true`) || strings.Contains(js, "same ALS") || strings.Contains(js, "is a party") {
				t.Errorf("the view shows recusals: %s", js)
			}
			if len(v.Committee) != 0 || v.NoQuorum || len(v.Votes) != 0 {
				t.Errorf("the view shows the committee %+v (no_quorum %v), votes %+v", v.Committee, v.NoQuorum, v.Votes)
			}
			if c.viewer == respondentID && (strings.Contains(js, complainantID) || strings.Contains(js, receipt)) {
				t.Errorf("the respondent's view names the complainant or the receipt: %s", js)
			}
		})
	}
	// Before admission the respondent does not know of the case, whatever
	// their roles.
	filed := st
	filed.Screening = nil
	filed.Status = ethics.StatusScreening
	for _, roles := range [][]string{{"member"}, {"member", "staff"}, {"member", "admin"}} {
		if filed.CanRead(respondentID, roles) {
			t.Errorf("respondent with roles %v reads the case before admission", roles)
		}
	}
	// The committee still sees the recusals.
	if v := st.ViewFor(c1ID, asC1.Roles); len(v.Committee) != 3 || !v.Committee[2].Recused {
		t.Errorf("committee member's view of the committee %+v", v.Committee)
	}
}

// TestEthicsRulingOnlyFromLinkedArbitration checks SPEC "a case accepts a
// ruling only from the arbitration linked to it": a ruling signalled by any
// other arbitration is recorded as stray, and the linked one closes the case.
func TestEthicsRulingOnlyFromLinkedArbitration(t *testing.T) {
	h := newHarness(t)
	h.toDeliberation()
	h.decide(3*day, ethics.Decision{Kind: ethics.DecisionWarning})
	h.OK(h.Update(5*day, ethics.UpdateAppeal, ethics.AppealInput{Actor: asRespondent, Reason: "Unfounded."}))
	h.ruling(10*day, workflows.AppealRuling{ArbitrationID: "arb_rogue", Outcome: workflows.RulingOverturn, Text: "Overturned."})
	after := h.Query(11 * day)
	h.ruling(20*day, workflows.AppealRuling{ArbitrationID: workflows.AppealArbitrationID("E-41"), Outcome: workflows.RulingUphold, Text: "Upheld."})

	final := h.run(input("E-41"))

	wantStatus(t, "after the rogue ruling", after, ethics.StatusAppealed)
	if after.Ruling != nil {
		t.Errorf("the rogue ruling was taken: %+v", after.Ruling)
	}
	if final.Status != ethics.StatusClosed || final.Outcome != ethics.DecisionWarning || final.Ruling == nil ||
		final.Ruling.ArbitrationID != workflows.AppealArbitrationID("E-41") || !final.Ruling.At.Equal(when(20*day)) {
		t.Errorf("final %q/%q ruling %+v", final.Status, final.Outcome, final.Ruling)
	}
	stray := false
	for _, a := range h.Audits() {
		stray = stray || (a.Action == "ethics.appeal_ruling_ignored" && a.Audience == "staff")
	}
	if !stray {
		t.Error("the rogue ruling is not recorded for staff")
	}
}

// TestEthicsPartyWithStaffRoleActsAsParty checks that a party who is also
// staff can neither recompute the recusals of their own case nor record
// the outcome of its appeal.
func TestEthicsPartyWithStaffRoleActsAsParty(t *testing.T) {
	staffRespondent := workflows.Actor{MemberID: respondentID, Roles: []string{"member", "staff", "admin"}}
	staffComplainant := workflows.Actor{MemberID: complainantID, Roles: []string{"member", "staff"}}
	h := newHarness(t)
	h.toDeliberation()
	h.Refused(h.Update(2*day+2*time.Hour, ethics.UpdateRecomputeRecusals, ethics.RecomputeInput{Actor: staffRespondent, Committee: roster()}), workflows.ErrForbidden)
	h.Refused(h.Update(2*day+2*time.Hour, ethics.UpdateRecomputeRecusals, ethics.RecomputeInput{Actor: staffComplainant, Committee: roster()}), workflows.ErrForbidden)
	h.decide(3*day, ethics.Decision{Kind: ethics.DecisionWarning})
	h.OK(h.Update(5*day, ethics.UpdateAppeal, ethics.AppealInput{Actor: asRespondent, Reason: "Unfounded."}))
	h.ruling(10*day, workflows.AppealRuling{ArbitrationID: workflows.AppealArbitrationID("E-42"), Outcome: workflows.RulingModify, Text: "Modified."})
	h.Refused(h.Update(11*day, ethics.UpdateApplyModified, ethics.ApplyModifiedInput{Actor: staffRespondent, Decision: ethics.Decision{Kind: ethics.DecisionDismissed}}), workflows.ErrForbidden)
	h.OK(h.Update(12*day, ethics.UpdateApplyModified, ethics.ApplyModifiedInput{Actor: asStaff, Decision: ethics.Decision{Kind: ethics.DecisionWarning}}))

	final := h.run(input("E-42"))

	if final.Status != ethics.StatusClosed || final.Outcome != ethics.DecisionWarning {
		t.Errorf("final %q/%q", final.Status, final.Outcome)
	}
}
