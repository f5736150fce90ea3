package statement_test

import (
	"testing"
	"time"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/processtest"
	"github.com/lacralo/ralo/workflows/statement"
)

// TestRatificationBallotBudget: with a budget of 2, an ALS casts and
// replaces its ratification ballot twice; the third replacement is
// refused (409) and its last accepted ballot counts; the receipts say the
// changes left.
func TestRatificationBallotBudget(t *testing.T) {
	h := newHarness(t)
	h.drafting()
	h.OK(h.Update(processtest.Day, statement.UpdateComment, statement.CommentInput{Actor: ana, Language: "es", Version: 1, Text: "No."}))
	h.OK(h.Update(2*processtest.Day, statement.UpdateResolveComment, statement.ResolveCommentInput{Actor: penEs, CommentID: "c1", Status: statement.CommentNotAdopted, Reply: "Kept."}))
	h.OK(h.Update(8*processtest.Day, statement.UpdateConsolidate, statement.ConsolidateInput{Actor: staff,
		Texts: map[string]string{"es": "Texto.", "en": "Text."}, DivergentViews: "Ana opposed."}))
	h.OK(h.Update(8*processtest.Day+time.Hour, statement.UpdateObject, statement.ObjectInput{Actor: ana, Reason: "I still oppose it."}))
	vote := func(at time.Duration, als, v string) *result {
		return h.Update(10*processtest.Day+at, statement.UpdateBallot, statement.BallotInput{Actor: rep, ALSID: als, CastByALSID: als, Vote: v})
	}
	var b1 []*result
	for i, v := range []string{"no", "yes", "no"} {
		b1 = append(b1, h.OK(vote(time.Duration(i+1)*time.Hour, "als-b1", v)))
	}
	h.Refused(vote(4*time.Hour, "als-b1", "yes"), workflows.ErrInvalidState)
	h.OK(vote(5*time.Hour, "als-a1", "yes"))
	h.OK(vote(6*time.Hour, "als-c1", "yes"))
	h.OK(vote(7*time.Hour, "als-a2", "yes"))
	h.OK(h.Update(17*processtest.Day+time.Hour, statement.UpdateSubmit, statement.SubmitInput{Actor: staff,
		URL: "https://www.icann.org/s/3", SubmittedAt: t0.Add(17 * processtest.Day)}))
	in := input("st-budget")
	in.Rules.MaxBallotChanges = 2
	final := h.Run(statement.WorkflowName, in)

	for i, r := range b1 {
		if left := receiptOf(r).ChangesLeft; left == nil || *left != 2-i {
			t.Errorf("ballot %d: changes left %v, want %d", i+1, left, 2-i)
		}
	}
	res := final.Ratifications[0].Result
	if res == nil || res.NoBallots != 1 || res.YesBallots != 3 {
		t.Fatalf("result %+v, want b1's last accepted ballot (no) counted", res)
	}
}
