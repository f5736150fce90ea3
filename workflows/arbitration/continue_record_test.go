package arbitration_test

import (
	"fmt"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/arbitration"
	"github.com/lacralo/ralo/workflows/processtest"
)

// continuedHistories are the first and the last run of a case that
// continued as new.
var continuedHistories = []string{"testdata/arbitration_continued_first.json", "testdata/arbitration_continued_last.json"}

// TestRecordContinuedHistory runs a case with a history bound of 60 events
// on a real embedded server: both parties make submissions up to their
// cap (the next refused), so the case continues as new while submissions
// are open; the last run holds all 40 submissions, schedules the hearing
// and takes the ruling.
// The first and last runs' histories are written for TestReplayContinued.
//
//	RALO_RECORD_HISTORIES=1 go test -run TestRecordContinuedHistory ./workflows/arbitration/
func TestRecordContinuedHistory(t *testing.T) {
	ctx, c := processtest.StartRecording(t, 3*time.Minute, func(w worker.Worker) {
		w.RegisterWorkflowWithOptions(arbitration.Arbitration, workflow.RegisterOptions{Name: arbitration.WorkflowName})
	})
	in := input("can-1")
	in.FiledAt = time.Now().UTC()
	in.HistoryBound = 60
	in.Periods = arbitration.Periods{
		ChallengeWindow: workflows.Duration(2 * time.Second), Submissions: workflows.Duration(time.Hour),
		RulingDue: workflows.Duration(2 * time.Hour), MaxExtension: workflows.Duration(15 * processtest.Day),
		OverdueAlertEvery: workflows.Duration(time.Hour), Reminders: []workflows.Duration{workflows.Duration(time.Hour)},
	}
	id := arbitration.WorkflowID(in.CaseID)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL}, arbitration.WorkflowName, in)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	first := run.GetRunID()
	r := &processtest.Recorder{T: t, Ctx: ctx, C: c, ID: id}
	r.Update(arbitration.UpdateAssign, arbitration.AssignInput{Actor: staff, ArbitratorID: arbitratorID})
	r.Update(arbitration.UpdateConfirm, arbitration.ConfirmInput{Actor: arbitrator})
	processtest.WaitFor(r, arbitration.Query, func(st arbitration.State) bool { return st.Status == arbitration.StatusSubmissions })
	for i := range 20 {
		r.Update(arbitration.UpdateSubmit, arbitration.SubmitInput{Actor: party, Text: fmt.Sprintf("Submission %d", i)})
		r.Update(arbitration.UpdateSubmit, arbitration.SubmitInput{Actor: rep, Text: fmt.Sprintf("Reply %d", i)})
	}
	r.Refuse(arbitration.UpdateSubmit, arbitration.SubmitInput{Actor: party, Text: "One more"}, workflows.ErrInvalidState)
	r.Update(arbitration.UpdateHearing, arbitration.HearingInput{
		Actor: arbitrator, StartsAt: time.Now().Add(2 * time.Second), Duration: workflows.Duration(time.Hour), Location: "Montevideo",
	})
	time.Sleep(3 * time.Second) // the ruling comes after the hearing
	r.Update(arbitration.UpdateRuling, arbitration.RulingInput{
		Actor: arbitrator, Outcome: "decided", Text: "Ruled.", Articles: []string{"12"},
	})
	var final arbitration.State
	if err := run.Get(ctx, &final); err != nil {
		t.Fatalf("result: %v", err)
	}
	if final.Status != arbitration.StatusRuled || len(final.Submissions) != 40 {
		t.Fatalf("final %q with %d submissions", final.Status, len(final.Submissions))
	}
	runs := processtest.RunChain(t, ctx, c, id, first)
	if len(runs) < 2 {
		t.Fatalf("the case ran %d runs, want it to continue as new", len(runs))
	}
	t.Logf("%d runs", len(runs))
	processtest.WriteRunHistory(t, ctx, c, id, runs[0], continuedHistories[0])
	processtest.WriteRunHistory(t, ctx, c, id, runs[len(runs)-1], continuedHistories[1])
}

// TestReplayContinued replays the first and the last run of a case that
// continued as new.
func TestReplayContinued(t *testing.T) {
	processtest.Replay(t, func(r worker.WorkflowReplayer) {
		r.RegisterWorkflowWithOptions(arbitration.Arbitration, workflow.RegisterOptions{Name: arbitration.WorkflowName})
	}, continuedHistories...)
}
