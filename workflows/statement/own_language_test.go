package statement_test

import (
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/processtest"
	"github.com/lacralo/ralo/workflows/statement"
)

// TestConsolidateOwnLanguageOnly checks that a penholder consolidates
// only their own group's text: another group's final text is that
// group's latest version (taken as is when left out; refused when it
// differs), and a member who volunteered for one group cannot rewrite
// the other's. Staff write every text.
func TestConsolidateOwnLanguageOnly(t *testing.T) {
	h := newHarness(t)
	h.drafting() // es v1 by penEs, en v1 "Draft 1.\n" by penEn
	at := 8 * processtest.Day
	h.Refused(h.Update(at, statement.UpdateConsolidate, statement.ConsolidateInput{Actor: penEs,
		Texts: map[string]string{"es": "Texto final.", "en": "A text the en group never wrote."}}), workflows.ErrForbidden)
	h.Refused(h.Update(at+time.Minute, statement.UpdateConsolidate, statement.ConsolidateInput{Actor: penEn,
		Texts: map[string]string{"es": "Otro texto.", "en": "Final text."}}), workflows.ErrForbidden)
	cons := h.OK(h.Update(at+2*time.Minute, statement.UpdateConsolidate, statement.ConsolidateInput{Actor: penEs,
		Texts: map[string]string{"es": "Texto final."}}))
	h.CancelAt(at + time.Hour)
	h.RunCancelled(statement.WorkflowName, input("st-own"))

	c := cons.State.Consolidation
	if c == nil || !strings.Contains(c.Texts["es"], "Texto final.") || !strings.Contains(c.Texts["en"], "Draft 1.") {
		t.Fatalf("consolidation %+v", c)
	}
}

// TestConsolidateByStaff: staff publish every group's text.
func TestConsolidateByStaff(t *testing.T) {
	h := newHarness(t)
	h.drafting()
	cons := h.OK(h.Update(8*processtest.Day, statement.UpdateConsolidate, statement.ConsolidateInput{Actor: staff,
		Texts: map[string]string{"es": "Texto final.", "en": "Final text."}}))
	h.CancelAt(8*processtest.Day + time.Hour)
	h.RunCancelled(statement.WorkflowName, input("st-staff"))
	if c := cons.State.Consolidation; c == nil || !strings.Contains(c.Texts["en"], "Final text.") {
		t.Fatalf("consolidation %+v", c)
	}
}
