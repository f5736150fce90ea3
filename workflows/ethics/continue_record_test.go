package ethics_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/ethics"
	"github.com/lacralo/ralo/workflows/processtest"
)

// continuedHistories are the first and the last run of a case that
// continued as new.
var continuedHistories = []string{"testdata/ethics_continued_first.json", "testdata/ethics_continued_last.json"}

// TestRecordContinuedHistory runs a case with a history bound of 80 events
// on a real embedded server: both parties add evidence up to their cap
// (the next refused) and a committee member asks questions, so the case
// continues as new during its investigation; the last run has all the
// evidence, takes the response, the vote and the decision, and closes
// when the appeal window ends. The first and last runs' histories are
// written for TestReplayContinued.
//
//	RALO_RECORD_HISTORIES=1 go test -run TestRecordContinuedHistory ./workflows/ethics/
func TestRecordContinuedHistory(t *testing.T) {
	ctx, c := processtest.StartRecording(t, 3*time.Minute, func(w worker.Worker) {
		w.RegisterWorkflowWithOptions(ethics.Ethics, workflow.RegisterOptions{Name: ethics.WorkflowName})
		w.RegisterActivityWithOptions(func(context.Context, ethics.DecisionEffect) error { return nil },
			activity.RegisterOptions{Name: ethics.ActivityApplyDecision})
		w.RegisterActivityWithOptions(func(context.Context, workflows.OpenAppealInput) error { return nil },
			activity.RegisterOptions{Name: workflows.ActivityOpenAppeal})
	})
	in := input("can-1")
	in.FiledAt = time.Now().UTC()
	in.HistoryBound = 80
	in.Periods = ethics.Periods{
		Screening: workflows.Duration(time.Hour), ScreeningReminder: workflows.Duration(30 * time.Minute),
		ScreeningEscalation: workflows.Duration(30 * time.Minute), Response: workflows.Duration(time.Hour),
		AppealWindow: workflows.Duration(3 * time.Second), RemovalIneligibility: workflows.Duration(730 * day),
		Quorum: 0.5, Majority: 0.5,
	}
	r := start(t, ctx, c, in)
	first := r.run.GetRunID()
	r.Update(ethics.UpdateAdmit, ethics.AdmitInput{Actor: asC1, Note: "Admitted"})
	for i := range 30 {
		r.Update(ethics.UpdateEvidence, ethics.EvidenceInput{Actor: asComplainant, Text: fmt.Sprintf("Evidence %d", i)})
		r.Update(ethics.UpdateEvidence, ethics.EvidenceInput{Actor: asRespondent, Text: fmt.Sprintf("Answer %d", i)})
	}
	r.Refuse(ethics.UpdateEvidence, ethics.EvidenceInput{Actor: asRespondent, Text: "One more"}, workflows.ErrInvalidState)
	r.Update(ethics.UpdateEvidence, ethics.EvidenceInput{Actor: asC2, Text: "A question"})
	r.Update(ethics.UpdateRespond, ethics.RespondInput{Actor: asRespondent, Text: "My response"})
	r.Update(ethics.UpdateDeliberate, ethics.DeliberateInput{Actor: asC2})
	warning := ethics.Decision{Kind: ethics.DecisionWarning}
	for _, a := range []workflows.Actor{asC1, asC2, asC3} {
		r.Update(ethics.UpdateVote, ethics.VoteInput{Actor: a, Decision: warning, For: true})
	}
	var final ethics.State
	if err := r.run.Get(ctx, &final); err != nil {
		t.Fatalf("result: %v", err)
	}
	if final.Status != ethics.StatusClosed || final.Outcome != ethics.DecisionWarning || len(final.Evidence) != 61 {
		t.Fatalf("final %q/%q with %d evidence entries", final.Status, final.Outcome, len(final.Evidence))
	}
	runs := processtest.RunChain(t, ctx, c, r.ID, first)
	if len(runs) < 2 {
		t.Fatalf("the case ran %d runs, want it to continue as new", len(runs))
	}
	t.Logf("%d runs", len(runs))
	processtest.WriteRunHistory(t, ctx, c, r.ID, runs[0], continuedHistories[0])
	processtest.WriteRunHistory(t, ctx, c, r.ID, runs[len(runs)-1], continuedHistories[1])
}

// TestReplayContinued replays the first and the last run of a case that
// continued as new.
func TestReplayContinued(t *testing.T) {
	processtest.Replay(t, register, continuedHistories...)
}
