package arbitration_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/arbitration"
	"github.com/lacralo/ralo/workflows/processtest"
)

// TestRecordArbitrationHistory runs a complete arbitration case on a real
// embedded Temporal server, with periods of seconds, and writes its history
// to testdata/arbitration_revalidate.json (testdata/arbitration_complete.json
// is the same case recorded before updates revalidated after the tick: it
// stays, for cases started then). The case goes through every kind
// of event: a rejected challenge, confirmation, submissions, an Ombudsman
// referral and outcome, a rescheduled hearing, reminders, overdue alerts,
// an extension, and a ruling on an appeal whose target does not exist.
func TestRecordArbitrationHistory(t *testing.T) {
	ctx, c := processtest.StartRecording(t, 3*time.Minute, func(w worker.Worker) {
		w.RegisterWorkflowWithOptions(arbitration.Arbitration, workflow.RegisterOptions{Name: arbitration.WorkflowName})
	})

	in := input("rec-1")
	in.FiledAt = time.Now().UTC()
	in.AppealOf = &workflows.AppealRef{Kind: workflows.AppealKindEthics, ID: "rec-missing"}
	in.Periods = arbitration.Periods{
		ChallengeWindow:   workflows.Duration(3 * time.Second),
		Submissions:       workflows.Duration(3 * time.Second),
		RulingDue:         workflows.Duration(4 * time.Second),
		MaxExtension:      workflows.Duration(15 * processtest.Day), // extensions count in days
		OverdueAlertEvery: workflows.Duration(time.Second),
		Reminders:         []workflows.Duration{workflows.Duration(3 * time.Second), workflows.Duration(time.Second)},
	}
	id := arbitration.WorkflowID(in.CaseID)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
	}, arbitration.WorkflowName, in)
	if err != nil {
		t.Fatalf("start: %v", err)
	}

	r := &processtest.Recorder{T: t, Ctx: ctx, C: c, ID: id}
	r.Update(arbitration.UpdateAssign, arbitration.AssignInput{Actor: staff, ArbitratorID: arbitratorID})
	r.Update(arbitration.UpdateChallenge, arbitration.ChallengeInput{Actor: rep, Reason: "Recorded challenge"})
	r.Update(arbitration.UpdateDecideChallenge, arbitration.DecideChallengeInput{Actor: staff, Decision: arbitration.ChallengeReject})
	r.Update(arbitration.UpdateConfirm, arbitration.ConfirmInput{Actor: arbitrator})
	processtest.WaitFor(r, arbitration.Query, func(st arbitration.State) bool { return st.Status == arbitration.StatusSubmissions })
	r.Update(arbitration.UpdateSubmit, arbitration.SubmitInput{Actor: party, Text: "Recorded submission", Links: []string{"https://example.org/s"}})
	r.Update(arbitration.UpdateOmbudsman, arbitration.OmbudsmanInput{Actor: party, ReferredAt: time.Now().UTC().Add(-time.Minute)})
	r.Update(arbitration.UpdateOmbudsman, arbitration.OmbudsmanInput{Actor: staff, Outcome: "Declined"})
	// Wait for the hearing's timer before moving the hearing, and for the
	// new deadline's timer before the ruling, so that the history holds
	// cancelled timers as well as fired ones.
	timers := r.TimersStarted()
	r.Update(arbitration.UpdateHearing, arbitration.HearingInput{
		Actor: arbitrator, StartsAt: time.Now().Add(2 * time.Second), Duration: workflows.Duration(time.Hour), Location: "https://meet.example.org/rec",
	})
	r.WaitTimers(timers + 1)
	r.Update(arbitration.UpdateHearing, arbitration.HearingInput{
		Actor: arbitrator, StartsAt: time.Now().Add(3 * time.Second), Duration: workflows.Duration(time.Hour), Location: "Montevideo, Sala 2",
	})
	processtest.WaitFor(r, arbitration.Query, func(st arbitration.State) bool {
		return st.Status == arbitration.StatusOverdue && st.OverdueAlerts >= 2 && len(st.RemindersSent) > 0
	})
	r.Refuse(arbitration.UpdateExtend, arbitration.ExtendInput{Actor: arbitrator, Days: 16, Reason: "too long"}, workflows.ErrInvalidInput)
	timers = r.TimersStarted()
	r.Update(arbitration.UpdateExtend, arbitration.ExtendInput{Actor: arbitrator, Days: 1, Reason: "Recorded extension"})
	r.WaitTimers(timers + 1)
	r.Update(arbitration.UpdateRuling, arbitration.RulingInput{
		Actor: arbitrator, Outcome: workflows.RulingUphold, Text: "Recorded ruling.", Articles: []string{"12"},
	})

	var final arbitration.State
	if err := run.Get(ctx, &final); err != nil {
		t.Fatalf("result: %v", err)
	}
	if final.Status != arbitration.StatusRuled {
		t.Fatalf("final status %q", final.Status)
	}

	path := filepath.Join("testdata", "arbitration_revalidate.json")
	processtest.WriteHistory(t, ctx, c, id, path)
	processtest.Replay(t, func(r worker.WorkflowReplayer) {
		r.RegisterWorkflowWithOptions(arbitration.Arbitration, workflow.RegisterOptions{Name: arbitration.WorkflowName})
	}, path)
}

// contestHistories are two cases appealing an election, recorded from
// version arbitration-records-contest on: the first records its contest on
// the election, the second is refused for good.
var contestHistories = []string{"testdata/arbitration_contest_recorded.json", "testdata/arbitration_contest_refused.json"}

// TestRecordContestHistories runs two short cases appealing an election on
// a real embedded server, from filing to ruling, with a RecordContest that
// records the first case's contest and refuses the second's, and writes
// their histories for TestReplayContest.
//
//	RALO_RECORD_HISTORIES=1 go test -run TestRecordContestHistories ./workflows/arbitration/
func TestRecordContestHistories(t *testing.T) {
	ctx, c := processtest.StartRecording(t, 3*time.Minute, func(w worker.Worker) {
		w.RegisterWorkflowWithOptions(arbitration.Arbitration, workflow.RegisterOptions{Name: arbitration.WorkflowName})
		// In place of the shared no-op: the closed election refuses.
		w.RegisterActivityWithOptions(func(_ context.Context, in workflows.RecordContestInput) error {
			if in.ElectionID == "rec-election-closed" {
				return temporal.NewNonRetryableApplicationError("the election refused the contest: the window to contest this result has closed",
					workflows.ErrContestRefused, nil)
			}
			return nil
		}, activity.RegisterOptions{Name: workflows.ActivityRecordContest, DisableAlreadyRegisteredCheck: true})
	})
	for i, path := range contestHistories {
		in := input("rec-contest-" + strconv.Itoa(i))
		in.FiledAt = time.Now().UTC()
		election := "rec-election"
		if i == 1 {
			election = "rec-election-closed" // the fake refuses it
		}
		in.AppealOf = &workflows.AppealRef{Kind: workflows.AppealKindElection, ID: election}
		in.Periods = arbitration.Periods{
			ChallengeWindow: workflows.Duration(time.Second), Submissions: workflows.Duration(time.Second),
			RulingDue: workflows.Duration(time.Hour), MaxExtension: workflows.Duration(15 * processtest.Day),
			OverdueAlertEvery: workflows.Duration(time.Hour), Reminders: []workflows.Duration{workflows.Duration(time.Minute)},
		}
		id := arbitration.WorkflowID(in.CaseID)
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL}, arbitration.WorkflowName, in)
		if err != nil {
			t.Fatalf("start: %v", err)
		}
		r := &processtest.Recorder{T: t, Ctx: ctx, C: c, ID: id}
		r.Update(arbitration.UpdateAssign, arbitration.AssignInput{Actor: staff, ArbitratorID: arbitratorID})
		r.Update(arbitration.UpdateConfirm, arbitration.ConfirmInput{Actor: arbitrator})
		processtest.WaitFor(r, arbitration.Query, func(st arbitration.State) bool { return st.Status == arbitration.StatusSubmissions })
		r.Update(arbitration.UpdateHearing, arbitration.HearingInput{
			Actor: arbitrator, StartsAt: time.Now().Add(2 * time.Second), Duration: workflows.Duration(time.Hour), Location: "Montevideo",
		})
		time.Sleep(3 * time.Second) // the ruling comes after the hearing
		r.Update(arbitration.UpdateRuling, arbitration.RulingInput{
			Actor: arbitrator, Outcome: workflows.RulingUphold, Text: "The result stands.", Articles: []string{"12"},
		})
		var final arbitration.State
		if err := run.Get(ctx, &final); err != nil {
			t.Fatalf("result: %v", err)
		}
		if final.Status != arbitration.StatusRuled {
			t.Fatalf("final status %q", final.Status)
		}
		processtest.WriteHistory(t, ctx, c, id, path)
	}
	TestReplayContest(t)
}

// TestReplayContest replays the cases that recorded their contest.
func TestReplayContest(t *testing.T) {
	processtest.Replay(t, func(r worker.WorkflowReplayer) {
		r.RegisterWorkflowWithOptions(arbitration.Arbitration, workflow.RegisterOptions{Name: arbitration.WorkflowName})
	}, contestHistories...)
}
