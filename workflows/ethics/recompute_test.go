package ethics_test

import (
	"testing"
	"time"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/ethics"
)

// TestRecomputeUnchangedRefused: an automatic recomputation of recusals
// that changes nothing (a committee member filing the same declaration
// again and again) is refused and never enters the history; one that
// changes a recusal, and a recomputation staff ask for, are recorded.
func TestRecomputeUnchangedRefused(t *testing.T) {
	system := workflows.Actor{MemberID: "system", Roles: []string{"staff"}}
	h := newHarness(t)
	h.toDeliberation()
	for range 5 {
		h.Refused(h.Update(2*day+2*time.Hour, ethics.UpdateRecomputeRecusals, ethics.RecomputeInput{Actor: system, Committee: roster()}), workflows.ErrInvalidState)
	}
	h.OK(h.Update(2*day+3*time.Hour, ethics.UpdateRecomputeRecusals, ethics.RecomputeInput{Actor: asStaff, Committee: roster()}))
	changed := roster()
	changed[len(changed)-1].Recused, changed[len(changed)-1].Reasons = true, []string{"declared_interest: a declared interest"}
	h.OK(h.Update(2*day+4*time.Hour, ethics.UpdateRecomputeRecusals, ethics.RecomputeInput{Actor: system, Committee: changed}))
	h.Refused(h.Update(2*day+5*time.Hour, ethics.UpdateRecomputeRecusals, ethics.RecomputeInput{Actor: system, Committee: changed}), workflows.ErrInvalidState)
	h.decide(3*day, ethics.Decision{Kind: ethics.DecisionWarning})
	h.run(input("E-unchanged"))

	if n := len(h.AuditOf("ethics.recusals_recomputed")); n != 2 {
		t.Errorf("recomputations recorded: %d, want the staff one and the change", n)
	}
}
