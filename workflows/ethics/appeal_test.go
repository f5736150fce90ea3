package ethics_test

import (
	"testing"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/ethics"
)

// TestEthicsAppealOpensArbitration checks that the case itself opens the
// arbitration that hears its appeal, retrying when the first attempt
// fails, and still takes the ruling that arbitration signals and closes
// with it.
func TestEthicsAppealOpensArbitration(t *testing.T) {
	h := newHarness(t)
	h.appealFails = 1
	h.toDeliberation()
	h.decide(3*day, ethics.Decision{Kind: ethics.DecisionWarning})
	appealed := h.OK(h.Update(5*day, ethics.UpdateAppeal, ethics.AppealInput{Actor: asComplainant, Reason: "Too lenient."}))
	waiting := h.Query(6 * day)
	h.ruling(20*day, workflows.AppealRuling{ArbitrationID: workflows.AppealArbitrationID("E-30"), Outcome: workflows.RulingUphold,
		Text: "The warning stands.", Articles: []string{"7.1"}})

	final := h.run(input("E-30"))

	if s := appealed.State; s.Status != ethics.StatusAppealed {
		t.Errorf("appeal answered %q", s.Status)
	}
	wantStatus(t, "T0+6d", waiting, ethics.StatusAppealed)
	if h.appealTries != 2 {
		t.Errorf("OpenAppeal ran %d times, want 2 (one failure, one success)", h.appealTries)
	}
	want := workflows.OpenAppealInput{EthicsCaseID: "E-30", Reason: "Too lenient.", RespondentID: respondentID,
		ComplainantID: complainantID, Anonymous: true, FiledBy: complainantID}
	if len(h.appeals) != 1 || h.appeals[0] != want {
		t.Errorf("arbitrations opened %+v, want %+v", h.appeals, want)
	}
	if final.Status != ethics.StatusClosed || final.Outcome != ethics.DecisionWarning || final.Ruling == nil ||
		final.Ruling.ArbitrationID != workflows.AppealArbitrationID("E-30") || !final.Ruling.At.Equal(when(20*day)) {
		t.Errorf("final %q/%q ruling %+v", final.Status, final.Outcome, final.Ruling)
	}
	if len(h.applied) != 1 || h.applied[0].Kind != ethics.DecisionWarning {
		t.Errorf("applied %+v", h.applied)
	}
	if !h.Env.Now().Equal(when(20 * day)) {
		t.Errorf("closed at %v, want at the ruling", h.Env.Now())
	}
}
