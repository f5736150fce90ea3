package ethics_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/ethics"
	"github.com/lacralo/ralo/workflows/processtest"
)

// TestEthicsScreeningReminders checks the screening clock: a reminder to
// staff and the committee a week before the deadline, then an escalation at
// the deadline and every week after, until the complaint is screened.
func TestEthicsScreeningReminders(t *testing.T) {
	h := newHarness(t)
	early := h.Query(6 * day)
	late := h.Query(29 * day)
	admitted := h.OK(h.Update(30*day, ethics.UpdateAdmit, ethics.AdmitInput{Actor: asC3}))
	h.CancelAt(40 * day)

	h.runCancelled(input("E-1"))

	wantStatus(t, "T0+6d", early, ethics.StatusScreening)
	processtest.WantDeadlines(t, "T0+6d", early.Deadlines, workflows.Deadline{Name: "screening", At: when(14 * day)})
	if early.ScreeningReminded || early.ScreeningEscalations != 0 {
		t.Errorf("T0+6d: reminded %v, escalations %d", early.ScreeningReminded, early.ScreeningEscalations)
	}
	if !late.ScreeningReminded || late.ScreeningEscalations != 3 {
		t.Errorf("T0+29d: reminded %v, escalations %d, want 3", late.ScreeningReminded, late.ScreeningEscalations)
	}
	if s := admitted.State; s.Status != ethics.StatusInvestigation || s.ResponseDue == nil || !s.ResponseDue.Equal(when(51*day)) {
		t.Errorf("admit answered %q, response due %v", s.Status, s.ResponseDue)
	}

	staffAndCommittee := processtest.Sorted(append([]string{staffID}, active...)...)
	reminders := h.NotesOf("ethics.screening_reminder")
	if len(reminders) != 1 || !reminders[0].At.Equal(when(7*day)) ||
		!slices.Equal(reminders[0].In.MemberIDs, staffAndCommittee) || !processtest.DataTime(t, reminders[0], "due").Equal(when(14*day)) {
		t.Errorf("screening reminders %+v", reminders)
	}
	escalations := h.NotesOf("ethics.screening_overdue")
	if len(escalations) != 3 {
		t.Fatalf("%d escalations, want 3 (T0+14d, 21d, 28d; none after the admission)", len(escalations))
	}
	for i, n := range escalations {
		if want := when(time.Duration(14+7*i) * day); !n.At.Equal(want) {
			t.Errorf("escalation %d at %v, want %v", i, n.At, want)
		}
		if n.In.Step != "screening_overdue/"+strconv.Itoa(i+1) || !slices.Equal(n.In.MemberIDs, staffAndCommittee) {
			t.Errorf("escalation %d: step %s to %v", i, n.In.Step, n.In.MemberIDs)
		}
	}
	if a := h.AuditOf("ethics.screening_overdue"); len(a) != 1 || a[0].Audience != "staff" || a[0].Actor != "system" {
		t.Errorf("screening overdue audited %+v, want once for staff", a)
	}

	// The filing reaches the complainant, staff and the non-recused
	// committee, not the respondent nor the recused member; the admission
	// asks the respondent alone for a response.
	filed := h.NotesOf("ethics.filed")
	if len(filed) != 1 || !filed[0].At.Equal(t0) ||
		!slices.Equal(filed[0].In.MemberIDs, processtest.Sorted(append([]string{staffID, complainantID}, active...)...)) {
		t.Errorf("filed notification %+v", filed)
	}
	asked := h.NotesOf("ethics.response_requested")
	if len(asked) != 1 || !slices.Equal(asked[0].In.MemberIDs, []string{respondentID}) || !processtest.DataTime(t, asked[0], "due").Equal(when(51*day)) {
		t.Errorf("response requested %+v", asked)
	}
	for _, n := range h.Notes() {
		if n.In.Process != "ethics" || n.In.ObjectID != "E-1" || n.In.Data["case_id"] != "E-1" || n.In.Data["title"] == "" {
			t.Errorf("notification %s: %+v", n.In.Event, n.In)
		}
	}
}

// TestEthicsDismissInadmissible checks screening refusals and a dismissal:
// the case closes as inadmissible, nothing is applied, the respondent is
// never told, and the public record names nobody.
func TestEthicsDismissInadmissible(t *testing.T) {
	h := newHarness(t)
	reason := "The facts alleged do not concern a declared position."
	h.Refused(h.Update(day, ethics.UpdateDismiss, ethics.DismissInput{Actor: asRespondent, Reason: reason}), workflows.ErrForbidden)
	h.Refused(h.Update(day, ethics.UpdateDismiss, ethics.DismissInput{Actor: asC5, Reason: reason}), workflows.ErrForbidden)
	h.Refused(h.Update(day, ethics.UpdateDismiss, ethics.DismissInput{Actor: asStaff, Reason: reason}), workflows.ErrForbidden)
	h.Refused(h.Update(day, ethics.UpdateDismiss, ethics.DismissInput{Actor: asC1, Reason: " "}), workflows.ErrInvalidInput)
	h.Refused(h.Update(day, ethics.UpdateRespond, ethics.RespondInput{Actor: asRespondent, Text: "early"}), workflows.ErrInvalidState)
	h.Refused(h.Update(day, ethics.UpdateEvidence, ethics.EvidenceInput{Actor: asComplainant, Text: "more"}), workflows.ErrInvalidState)
	h.Refused(h.Update(day, ethics.UpdateVote, ethics.VoteInput{Actor: asC1, Decision: ethics.Decision{Kind: "warning"}, For: true}), workflows.ErrInvalidState)
	h.Refused(h.Update(day, ethics.UpdateAppeal, ethics.AppealInput{Actor: asComplainant, Reason: "x"}), workflows.ErrInvalidState)
	dismissed := h.OK(h.Update(2*day, ethics.UpdateDismiss, ethics.DismissInput{Actor: asC1, Reason: reason}))

	final := h.run(input("E-2"))

	if s := dismissed.State; s.Status != ethics.StatusClosed || s.Outcome != ethics.OutcomeInadmissible {
		t.Errorf("dismiss answered %q/%q", s.Status, s.Outcome)
	}
	if final.Status != ethics.StatusClosed || final.Outcome != ethics.OutcomeInadmissible || final.Final != nil ||
		final.Applied != nil || final.Screening == nil || final.Screening.Result != ethics.ScreenDismissed || final.Screening.Text != reason {
		t.Errorf("final state %+v", final)
	}
	if len(final.Deadlines) != 0 {
		t.Errorf("deadlines of a closed case: %v", final.Deadlines)
	}
	if len(h.applied) != 0 {
		t.Errorf("an inadmissible complaint applied %+v", h.applied)
	}
	if !h.Env.Now().Equal(when(2 * day)) {
		t.Errorf("the case ended at %v, want at the dismissal", h.Env.Now())
	}
	if final.CanRead(respondentID, asRespondent.Roles) {
		t.Error("the respondent of a complaint dismissed at screening can read it")
	}
	for _, n := range h.Notes() {
		if slices.Contains(n.In.MemberIDs, respondentID) {
			t.Errorf("the respondent was told: %s", n.In.Event)
		}
	}
	d := h.NotesOf("ethics.dismissed")
	if len(d) != 1 || d[0].In.Data["reason"] != reason {
		t.Errorf("dismissed notification %+v", d)
	}
	pub := h.AuditOf("ethics.decision_published")
	if len(pub) != 1 || pub[0].Audience != "public" || len(pub[0].Members) != 0 || pub[0].IdemKey != "ethics/E-2/published" {
		t.Fatalf("published %+v", pub)
	}
	details := pub[0].Details.(map[string]any)
	if details["outcome"] != ethics.OutcomeInadmissible || details["complaint_kind"] != ethics.KindUndeclaredConflict || details["case_id"] != "E-2" {
		t.Errorf("published details %v", details)
	}
	if js := toJSON(t, pub[0]); strings.Contains(js, complainantID) || strings.Contains(js, respondentID) || strings.Contains(js, "contract") {
		t.Errorf("the public record names someone or quotes the complaint: %s", js)
	}
	var statuses []string
	for _, s := range h.Saves() {
		statuses = append(statuses, s.Status)
	}
	if !slices.Equal(statuses, []string{"screening", "closed"}) {
		t.Errorf("cases index statuses %v", statuses)
	}
	if last := h.Saves()[len(h.Saves())-1]; last.CreatedBy != "" || slices.Contains(last.Members, respondentID) || slices.Contains(last.Members, c5ID) {
		t.Errorf("cases index row of an anonymous complaint %+v", last)
	}
}

// TestEthicsResponseSilence checks the investigation: evidence and
// questions, and a respondent who stays silent, which moves the case to
// deliberation when the 21 days are over.
func TestEthicsResponseSilence(t *testing.T) {
	h := newHarness(t)
	h.OK(h.Update(day, ethics.UpdateAdmit, ethics.AdmitInput{Actor: asC1}))
	h.Refused(h.Update(day+time.Hour, ethics.UpdateAdmit, ethics.AdmitInput{Actor: asC2}), workflows.ErrInvalidState)
	ev := h.OK(h.Update(3*day, ethics.UpdateEvidence, ethics.EvidenceInput{
		Actor: asComplainant, Text: "Minutes of the meeting", Links: []string{"https://example.org/minutes"},
	}))
	q := h.OK(h.Update(4*day, ethics.UpdateEvidence, ethics.EvidenceInput{Actor: asC2, Text: "When did the contract end?"}))
	h.Refused(h.Update(4*day, ethics.UpdateEvidence, ethics.EvidenceInput{Actor: asC5, Text: "x"}), workflows.ErrForbidden)
	h.Refused(h.Update(4*day, ethics.UpdateEvidence, ethics.EvidenceInput{Actor: asOutsider, Text: "x"}), workflows.ErrForbidden)
	h.Refused(h.Update(4*day, ethics.UpdateEvidence, ethics.EvidenceInput{Actor: asComplainant, Text: "x", Links: []string{"javascript:alert(1)"}}), workflows.ErrInvalidInput)
	h.Refused(h.Update(5*day, ethics.UpdateDeliberate, ethics.DeliberateInput{Actor: asC1}), workflows.ErrInvalidState)
	h.Refused(h.Update(5*day, ethics.UpdateVote, ethics.VoteInput{Actor: asC1, Decision: ethics.Decision{Kind: "warning"}, For: true}), workflows.ErrInvalidState)
	before := h.Query(22*day - time.Hour)
	after := h.Query(22*day + time.Hour)
	h.Refused(h.Update(22*day+2*time.Hour, ethics.UpdateRespond, ethics.RespondInput{Actor: asRespondent, Text: "late"}), workflows.ErrInvalidState)
	h.OK(h.Update(22*day+3*time.Hour, ethics.UpdateEvidence, ethics.EvidenceInput{Actor: asRespondent, Text: "Evidence still accepted in deliberation"}))
	h.CancelAt(23 * day)

	h.runCancelled(input("E-3"))

	if e := ev.State.Evidence; len(e) != 1 || e[0].Role != ethics.RoleComplainant || e[0].Kind != ethics.EvidenceKind || e[0].By != complainantID {
		t.Errorf("evidence answered %+v", e)
	}
	if e := q.State.Evidence; len(e) != 2 || e[1].Role != ethics.RoleCommittee || e[1].Kind != ethics.QuestionKind {
		t.Errorf("question answered %+v", e)
	}
	wantStatus(t, "T0+22d-1h", before, ethics.StatusInvestigation)
	processtest.WantDeadlines(t, "T0+22d-1h", before.Deadlines, workflows.Deadline{Name: "response", At: when(22 * day)})
	wantStatus(t, "T0+22d1h", after, ethics.StatusDeliberation)
	processtest.WantDeadlines(t, "T0+22d1h", after.Deadlines)
	if after.Response != nil {
		t.Errorf("response %+v", after.Response)
	}
	delib := h.AuditOf("ethics.deliberation")
	if len(delib) != 1 || delib[0].Actor != "system" || delib[0].Details.(map[string]any)["reason"] != "response_period_ended" ||
		delib[0].Details.(map[string]any)["responded"] != false {
		t.Errorf("deliberation audited %+v", delib)
	}
	// The complainant's evidence is audited for the case under the role
	// and for staff under the name.
	evAudit := h.AuditOf("ethics.evidence")
	var members, staff int
	for _, a := range evAudit {
		switch {
		case a.Audience == "members" && a.Actor == ethics.RoleComplainant:
			members++
		case a.Audience == "staff" && a.Actor == complainantID:
			staff++
		}
	}
	if members != 1 || staff != 1 || len(evAudit) != 4 {
		t.Errorf("evidence audit entries %+v", evAudit)
	}
}

// TestEthicsRespondThenDeliberate checks that an answer lets the committee
// open the deliberation before the response period ends.
func TestEthicsRespondThenDeliberate(t *testing.T) {
	h := newHarness(t)
	h.OK(h.Update(day, ethics.UpdateAdmit, ethics.AdmitInput{Actor: asC1}))
	h.Refused(h.Update(2*day, ethics.UpdateRespond, ethics.RespondInput{Actor: asComplainant, Text: "not mine"}), workflows.ErrForbidden)
	h.Refused(h.Update(2*day, ethics.UpdateRespond, ethics.RespondInput{Actor: asRespondent, Text: " "}), workflows.ErrInvalidInput)
	responded := h.OK(h.Update(3*day, ethics.UpdateRespond, ethics.RespondInput{Actor: asRespondent, Text: "The contract ended in 2024."}))
	h.Refused(h.Update(3*day+time.Hour, ethics.UpdateRespond, ethics.RespondInput{Actor: asRespondent, Text: "again"}), workflows.ErrInvalidState)
	h.Refused(h.Update(4*day, ethics.UpdateDeliberate, ethics.DeliberateInput{Actor: asRespondent}), workflows.ErrForbidden)
	h.Refused(h.Update(4*day, ethics.UpdateDeliberate, ethics.DeliberateInput{Actor: asC5}), workflows.ErrForbidden)
	opened := h.OK(h.Update(4*day+time.Hour, ethics.UpdateDeliberate, ethics.DeliberateInput{Actor: asC4}))
	h.Refused(h.Update(4*day+2*time.Hour, ethics.UpdateDeliberate, ethics.DeliberateInput{Actor: asC1}), workflows.ErrInvalidState)
	later := h.Query(30 * day)
	h.CancelAt(31 * day)

	h.runCancelled(input("E-4"))

	if r := responded.State.Response; r == nil || r.Text != "The contract ended in 2024." || !r.At.Equal(when(3*day)) {
		t.Errorf("response answered %+v", r)
	}
	if opened.State.Status != ethics.StatusDeliberation || len(opened.State.Deadlines) != 0 {
		t.Errorf("deliberate answered %q %v", opened.State.Status, opened.State.Deadlines)
	}
	wantStatus(t, "T0+30d", later, ethics.StatusDeliberation)
	if d := h.AuditOf("ethics.deliberation"); len(d) != 1 || d[0].Actor != c4ID || d[0].Details.(map[string]any)["responded"] != true {
		t.Errorf("deliberation audited %+v", d)
	}
}

// TestEthicsRecusals checks that recused members cannot act, that any
// committee member may recuse themself, that a recomputation keeps the
// self-recusals, and that a party is always recused.
func TestEthicsRecusals(t *testing.T) {
	h := newHarness(t)
	h.toDeliberation()
	warning := ethics.Decision{Kind: ethics.DecisionWarning}
	h.Refused(h.Update(3*day, ethics.UpdateVote, ethics.VoteInput{Actor: asC5, Decision: warning, For: true}), workflows.ErrForbidden)
	h.OK(h.Update(3*day+time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: asC1, Decision: warning, For: true}))
	h.OK(h.Update(3*day+2*time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: asC2, Decision: warning, For: true}))
	h.Refused(h.Update(4*day, ethics.UpdateRecuse, ethics.RecuseInput{Actor: asOutsider, Reason: "x"}), workflows.ErrForbidden)
	h.Refused(h.Update(4*day, ethics.UpdateRecuse, ethics.RecuseInput{Actor: asC5, Reason: "x"}), workflows.ErrInvalidState)
	h.Refused(h.Update(4*day, ethics.UpdateRecuse, ethics.RecuseInput{Actor: asC2, Reason: ""}), workflows.ErrInvalidInput)
	recused := h.OK(h.Update(4*day+time.Hour, ethics.UpdateRecuse, ethics.RecuseInput{Actor: asC2, Reason: "I advised the respondent last year"}))
	h.Refused(h.Update(4*day+2*time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: asC2, Decision: warning, For: true}), workflows.ErrForbidden)
	h.Refused(h.Update(4*day+2*time.Hour, ethics.UpdateRecuse, ethics.RecuseInput{Actor: asC2, Reason: "again"}), workflows.ErrInvalidState)
	// Staff recompute after m-c5's declaration was superseded, with the
	// respondent newly on the committee: m-c2 stays recused (self), m-c5
	// comes back, the respondent is recused as a party.
	h.Refused(h.Update(5*day, ethics.UpdateRecomputeRecusals, ethics.RecomputeInput{Actor: asC1, Committee: roster()}), workflows.ErrForbidden)
	h.Refused(h.Update(5*day, ethics.UpdateRecomputeRecusals, ethics.RecomputeInput{Actor: asStaff, Committee: []ethics.CommitteeMember{{MemberID: c1ID}, {MemberID: c1ID}}}), workflows.ErrInvalidInput)
	recomputed := h.OK(h.Update(5*day+time.Hour, ethics.UpdateRecomputeRecusals, ethics.RecomputeInput{
		Actor: asStaff,
		Committee: []ethics.CommitteeMember{
			{MemberID: c5ID}, {MemberID: c4ID}, {MemberID: c3ID}, {MemberID: c2ID}, {MemberID: c1ID}, {MemberID: respondentID},
		},
	}))
	h.OK(h.Update(6*day, ethics.UpdateVote, ethics.VoteInput{Actor: asC5, Decision: warning, For: false}))
	h.Refused(h.Update(6*day, ethics.UpdateVote, ethics.VoteInput{Actor: asRespondent, Decision: warning, For: false}), workflows.ErrForbidden)
	h.CancelAt(7 * day)

	h.runCancelled(input("E-5"))

	st := recused.State
	if len(st.Votes) != 1 || st.Votes[0].MemberID != c1ID || st.Tally == nil || st.Tally.Members != 3 || st.Tally.Cast != 1 {
		t.Errorf("after self-recusal: votes %+v, tally %+v", st.Votes, st.Tally)
	}
	if st.CanRead(c2ID, asC2.Roles) || !st.CanRead(c1ID, asC1.Roles) {
		t.Error("a self-recused member can still read the case, or another cannot")
	}
	c2 := st.Committee[slices.IndexFunc(st.Committee, func(m ethics.CommitteeMember) bool { return m.MemberID == c2ID })]
	if !c2.Recused || !slices.Equal(c2.Reasons, []string{"recused themself: I advised the respondent last year"}) {
		t.Errorf("self-recused member %+v", c2)
	}

	wantRoster := []ethics.CommitteeMember{
		{MemberID: respondentID, Recused: true, Reasons: []string{"the committee member m-bob is a party"}},
		{MemberID: c1ID},
		{MemberID: c2ID, Recused: true, Reasons: []string{"recused themself: I advised the respondent last year"}},
		{MemberID: c3ID}, {MemberID: c4ID}, {MemberID: c5ID},
	}
	got := recomputed.State.Committee
	if len(got) != len(wantRoster) {
		t.Fatalf("recomputed roster %+v", got)
	}
	for i, w := range wantRoster {
		if got[i].MemberID != w.MemberID || got[i].Recused != w.Recused || !slices.Equal(got[i].Reasons, w.Reasons) {
			t.Errorf("roster[%d] = %+v, want %+v", i, got[i], w)
		}
	}
	if tl := recomputed.State.Tally; tl.Members != 4 || tl.QuorumRequired != 3 || tl.Cast != 1 {
		t.Errorf("tally after recomputation %+v", tl)
	}
	for _, a := range append(h.AuditOf("ethics.recused"), h.AuditOf("ethics.recusals_recomputed")...) {
		if a.Audience != "staff" {
			t.Errorf("recusal entry %s for %q: its reasons may name the parties", a.Action, a.Audience)
		}
	}
}

// TestEthicsQuorumAndMajority checks the thresholds at their edges, with
// four non-recused members and the default 0.5: two votes (exactly half)
// are no quorum, three are; two "for" votes of four (exactly half) are no
// majority, three are.
func TestEthicsQuorumAndMajority(t *testing.T) {
	suspension := ethics.Decision{Kind: ethics.DecisionSuspension, Until: timePtr(200 * day)}

	t.Run("quorum", func(t *testing.T) {
		h := newHarness(t)
		h.toDeliberation()
		h.OK(h.Update(3*day, ethics.UpdateVote, ethics.VoteInput{Actor: asC1, Decision: suspension, For: true}))
		half := h.OK(h.Update(3*day+time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: asC2, Decision: suspension, For: true}))
		passed := h.OK(h.Update(3*day+2*time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: asC3, Decision: suspension, For: false}))
		h.Refused(h.Update(3*day+3*time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: asC4, Decision: suspension, For: true}), workflows.ErrInvalidState)
		h.CancelAt(4 * day)
		h.runCancelled(input("E-6"))

		if s := half.State; s.Status != ethics.StatusDeliberation || s.Tally.Quorate || s.Tally.Cast != 2 || s.Tally.QuorumRequired != 3 {
			t.Errorf("two votes of four: %q, tally %+v", s.Status, s.Tally)
		}
		s := passed.State
		if s.Status != ethics.StatusAppealWindow || s.Decision == nil || s.Decision.Kind != ethics.DecisionSuspension ||
			s.DecidedAt == nil || !s.DecidedAt.Equal(when(3*day+2*time.Hour)) {
			t.Errorf("three votes, two for: %q decision %+v", s.Status, s.Decision)
		}
		processtest.WantDeadlines(t, "decided", s.Deadlines, workflows.Deadline{Name: "appeal_window", At: when(18*day + 2*time.Hour)})
	})

	t.Run("majority", func(t *testing.T) {
		h := newHarness(t)
		h.toDeliberation()
		h.Refused(h.Update(3*day, ethics.UpdateVote, ethics.VoteInput{Actor: asC1, Decision: suspension, For: false}), workflows.ErrInvalidInput)
		h.Refused(h.Update(3*day, ethics.UpdateVote, ethics.VoteInput{Actor: asC1, Decision: ethics.Decision{Kind: ethics.DecisionSuspension}, For: true}), workflows.ErrInvalidInput)
		h.OK(h.Update(3*day+time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: asC1, Decision: suspension, For: true}))
		h.Refused(h.Update(3*day+2*time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: asC2, Decision: ethics.Decision{Kind: ethics.DecisionWarning}, For: true}), workflows.ErrInvalidInput)
		h.OK(h.Update(3*day+3*time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: asC2, Decision: suspension, For: false}))
		oneOfThree := h.OK(h.Update(3*day+4*time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: asC3, Decision: suspension, For: false}))
		twoOfFour := h.OK(h.Update(3*day+5*time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: asC4, Decision: suspension, For: true}))
		changed := h.OK(h.Update(3*day+6*time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: asC2, Decision: suspension, For: true}))
		h.CancelAt(4 * day)
		h.runCancelled(input("E-7"))

		if s := oneOfThree.State; s.Status != ethics.StatusDeliberation || !s.Tally.Quorate || s.Tally.For != 1 {
			t.Errorf("one for of three: %q, tally %+v", s.Status, s.Tally)
		}
		if s := twoOfFour.State; s.Status != ethics.StatusDeliberation || s.Tally.For != 2 || s.Tally.MajorityRequired != 3 || s.Tally.Passes {
			t.Errorf("two for of four: %q, tally %+v", s.Status, s.Tally)
		}
		if s := changed.State; s.Status != ethics.StatusAppealWindow || s.Tally.For != 3 || s.Tally.Cast != 4 || len(s.Votes) != 4 {
			t.Errorf("a changed vote makes three of four: %q, tally %+v, votes %+v", s.Status, s.Tally, s.Votes)
		}
		votes := h.AuditOf("ethics.vote")
		if len(votes) != 5 {
			t.Errorf("%d vote entries, want 5 (four votes and a changed one)", len(votes))
		}
		for _, v := range votes {
			if v.Audience != "members" || slices.Contains(v.Members, complainantID) || slices.Contains(v.Members, respondentID) {
				t.Errorf("vote entry readable by the parties: %+v", v)
			}
		}
	})

	t.Run("withdrawn proposal", func(t *testing.T) {
		h := newHarness(t)
		h.toDeliberation()
		warning := ethics.Decision{Kind: ethics.DecisionWarning}
		h.OK(h.Update(3*day, ethics.UpdateVote, ethics.VoteInput{Actor: asC1, Decision: warning, For: true}))
		h.OK(h.Update(3*day+time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: asC2, Decision: warning, For: true}))
		h.Refused(h.Update(3*day+2*time.Hour, ethics.UpdateWithdrawProposal, ethics.WithdrawInput{Actor: asC2}), workflows.ErrForbidden)
		withdrawn := h.OK(h.Update(3*day+3*time.Hour, ethics.UpdateWithdrawProposal, ethics.WithdrawInput{Actor: asC1}))
		h.Refused(h.Update(3*day+4*time.Hour, ethics.UpdateWithdrawProposal, ethics.WithdrawInput{Actor: asC1}), workflows.ErrInvalidState)
		second := h.OK(h.Update(3*day+5*time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: asC3, Decision: suspension, For: true}))
		h.CancelAt(4 * day)
		h.runCancelled(input("E-8"))

		if s := withdrawn.State; s.Proposal != nil || len(s.Votes) != 0 || s.Status != ethics.StatusDeliberation {
			t.Errorf("withdraw answered proposal %+v votes %+v", s.Proposal, s.Votes)
		}
		if p := second.State.Proposal; p == nil || p.Round != 2 || p.By != c3ID || p.Decision.Kind != ethics.DecisionSuspension {
			t.Errorf("second proposal %+v", p)
		}
	})
}

// TestEthicsNoQuorumAlert checks that staff are alerted once each time a
// change of the roster leaves too few non-recused members for the quorum
// of the full committee (three of five).
func TestEthicsNoQuorumAlert(t *testing.T) {
	roster := func(recused ...string) []ethics.CommitteeMember {
		var out []ethics.CommitteeMember
		for _, id := range []string{c1ID, c2ID, c3ID, c4ID, c5ID} {
			m := ethics.CommitteeMember{MemberID: id}
			if slices.Contains(recused, id) {
				m.Recused, m.Reasons = true, []string{"the committee member " + id + " declared an interest involving party m-bob"}
			}
			out = append(out, m)
		}
		return out
	}
	h := newHarness(t)
	short := h.OK(h.Update(day, ethics.UpdateRecomputeRecusals, ethics.RecomputeInput{Actor: asStaff, Committee: roster(c5ID, c1ID, c2ID)}))
	h.OK(h.Update(2*day, ethics.UpdateRecomputeRecusals, ethics.RecomputeInput{Actor: asStaff, Committee: roster(c5ID, c1ID, c2ID)}))
	restored := h.OK(h.Update(3*day, ethics.UpdateRecomputeRecusals, ethics.RecomputeInput{Actor: asStaff, Committee: roster(c5ID, c2ID)}))
	h.OK(h.Update(4*day, ethics.UpdateRecuse, ethics.RecuseInput{Actor: asC3, Reason: "A family tie"}))
	h.CancelAt(5 * day)

	h.runCancelled(input("E-9"))

	if !short.State.NoQuorum || short.State.Tally.Members != 2 {
		t.Errorf("three of five recused: no_quorum %v, tally %+v", short.State.NoQuorum, short.State.Tally)
	}
	if restored.State.NoQuorum {
		t.Error("three of five left: still no quorum")
	}
	alerts := h.NotesOf("ethics.no_quorum")
	if len(alerts) != 2 {
		t.Fatalf("%d alerts, want 2 (the repeated recomputation changed nothing): %+v", len(alerts), alerts)
	}
	for i, want := range []struct {
		at   time.Duration
		step string
	}{{day, "no_quorum/2"}, {4 * day, "no_quorum/5"}} {
		if n := alerts[i]; !n.At.Equal(when(want.at)) || n.In.Step != want.step || !slices.Equal(n.In.MemberIDs, []string{staffID}) {
			t.Errorf("alert %d: %s at %v to %v, want %s at T0+%v", i, n.In.Step, n.At, n.In.MemberIDs, want.step, want.at)
		}
	}
	if a := h.AuditOf("ethics.no_quorum"); len(a) != 2 || a[0].Audience != "staff" {
		t.Errorf("no quorum audited %+v", a)
	}

	t.Run("at filing", func(t *testing.T) {
		h := newHarness(t)
		h.CancelAt(day)
		in := input("E-10")
		in.Committee = roster(c1ID, c2ID, c3ID, c4ID, c5ID)
		h.runCancelled(in)
		if n := h.NotesOf("ethics.no_quorum"); len(n) != 1 || !n[0].At.Equal(t0) || n[0].In.Step != "no_quorum/1" {
			t.Errorf("alerts %+v", n)
		}
	})
}
