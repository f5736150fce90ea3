package ethics_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/ethics"
	"github.com/lacralo/ralo/workflows/processtest"
)

// histories are the recorded ethics cases TestEthicsReplay replays. The
// first two ran before updates validated again after a deadline and before
// the case opened its appeal's arbitration itself; the v2 pair before a
// ruling counted only from the linked arbitration; the v3 pair before the
// case wrote its members' tasks to the cases index. Cases started then may
// still be running, so they stay.
var histories = []string{
	"ethics_complete.json", "ethics_unappealed.json",
	"ethics_complete_v2.json", "ethics_unappealed_v2.json",
	"ethics_complete_v3.json", "ethics_unappealed_v3.json",
	"ethics_complete_v4.json", "ethics_unappealed_v4.json",
}

// recorded are the histories TestRecordEthicsHistory writes: the current
// version's.
var recorded = histories[6:]

// TestEthicsReplay replays the recorded histories of complete cases
// against the current code: a change that would break running cases fails
// here.
func TestEthicsReplay(t *testing.T) {
	var files []string
	for _, name := range histories {
		files = append(files, filepath.Join("testdata", name))
	}
	processtest.Replay(t, register, files...)
}

func register(r worker.WorkflowReplayer) {
	r.RegisterWorkflowWithOptions(ethics.Ethics, workflow.RegisterOptions{Name: ethics.WorkflowName})
}

// TestRecordEthicsHistory runs two ethics cases on a real embedded Temporal
// server, with periods of seconds, and writes their histories under
// testdata (see processtest.RecordEnv for when to record):
//
//	RALO_RECORD_HISTORIES=1 go test -run TestRecordEthicsHistory ./workflows/ethics/
//
// The first goes through every kind of event a person causes: screening
// reminders and escalations, a self-recusal, recomputed recusals with a
// quorum alert, admission, evidence and a question, a response, an early
// deliberation, a withdrawn proposal, a changed vote, a decision, an
// appeal that opens its arbitration, a stray and a real ruling (modify),
// and the modified decision applied. The second is driven by its
// deadlines: the response period and the appeal window elapse, and the
// decision is applied.
func TestRecordEthicsHistory(t *testing.T) {
	ctx, c := processtest.StartRecording(t, 3*time.Minute, func(w worker.Worker) {
		w.RegisterWorkflowWithOptions(ethics.Ethics, workflow.RegisterOptions{Name: ethics.WorkflowName})
		w.RegisterActivityWithOptions(func(context.Context, ethics.DecisionEffect) error {
			return nil
		}, activity.RegisterOptions{Name: ethics.ActivityApplyDecision})
		w.RegisterActivityWithOptions(func(context.Context, workflows.OpenAppealInput) error {
			return nil
		}, activity.RegisterOptions{Name: workflows.ActivityOpenAppeal})
	})

	recordComplete(t, ctx, c)
	recordUnappealed(t, ctx, c)
}

// recordComplete drives the first case, as the API would.
func recordComplete(t *testing.T, ctx context.Context, c client.Client) {
	in := input("rec-1")
	in.FiledAt = time.Now().UTC()
	in.Periods = ethics.Periods{
		Screening:            workflows.Duration(4 * time.Second),
		ScreeningReminder:    workflows.Duration(2 * time.Second),
		ScreeningEscalation:  workflows.Duration(time.Second),
		Response:             workflows.Duration(time.Hour),
		AppealWindow:         workflows.Duration(time.Hour),
		RemovalIneligibility: workflows.Duration(730 * day),
		Quorum:               0.5,
		Majority:             0.5,
	}
	r := start(t, ctx, c, in)
	r.waitFor(func(st ethics.State) bool { return st.ScreeningEscalations >= 2 })
	r.Update(ethics.UpdateRecuse, ethics.RecuseInput{Actor: asC4, Reason: "Recorded self-recusal"})
	short := roster()
	short[2].Recused, short[2].Reasons = true, []string{"the committee member m-c3 declared an interest involving party m-bob"}
	r.Update(ethics.UpdateRecomputeRecusals, ethics.RecomputeInput{Actor: asStaff, Committee: short})
	r.Update(ethics.UpdateRecomputeRecusals, ethics.RecomputeInput{Actor: asStaff, Committee: []ethics.CommitteeMember{
		{MemberID: c1ID}, {MemberID: c2ID}, {MemberID: c3ID}, {MemberID: c4ID}, {MemberID: c5ID},
	}})
	// Wait for the response timer before the early deliberation, and for
	// the appeal window's before the appeal, so that the history holds
	// cancelled timers as well as fired ones.
	timers := r.TimersStarted()
	r.Update(ethics.UpdateAdmit, ethics.AdmitInput{Actor: asC1, Note: "Recorded admission"})
	r.WaitTimers(timers + 1)
	r.Update(ethics.UpdateEvidence, ethics.EvidenceInput{Actor: asComplainant, Text: "Recorded evidence", Links: []string{"https://example.org/e"}})
	r.Update(ethics.UpdateEvidence, ethics.EvidenceInput{Actor: asC2, Text: "Recorded question"})
	r.Update(ethics.UpdateRespond, ethics.RespondInput{Actor: asRespondent, Text: "Recorded response"})
	r.Refuse(ethics.UpdateRespond, ethics.RespondInput{Actor: asRespondent, Text: "again"}, workflows.ErrInvalidState)
	r.Update(ethics.UpdateDeliberate, ethics.DeliberateInput{Actor: asC2})
	warning := ethics.Decision{Kind: ethics.DecisionWarning}
	r.Update(ethics.UpdateVote, ethics.VoteInput{Actor: asC1, Decision: warning, For: true})
	r.Update(ethics.UpdateWithdrawProposal, ethics.WithdrawInput{Actor: asC1})
	removal := ethics.Decision{Kind: ethics.DecisionRemoval, Position: "alac_member"}
	r.Update(ethics.UpdateVote, ethics.VoteInput{Actor: asC1, Decision: removal, For: true})
	r.Update(ethics.UpdateVote, ethics.VoteInput{Actor: asC2, Decision: removal, For: false})
	r.Update(ethics.UpdateVote, ethics.VoteInput{Actor: asC2, Decision: removal, For: true})
	timers = r.TimersStarted()
	r.Update(ethics.UpdateVote, ethics.VoteInput{Actor: asC3, Decision: removal, For: true})
	r.WaitTimers(timers + 1)
	r.signal(workflows.AppealRuling{ArbitrationID: "rec-stray", Outcome: workflows.RulingUphold, Text: "Stray"})
	r.waitHandled()
	r.Update(ethics.UpdateAppeal, ethics.AppealInput{Actor: asRespondent, Reason: "Recorded appeal"})
	r.signal(workflows.AppealRuling{ArbitrationID: "rec-rogue", Outcome: workflows.RulingOverturn, Text: "Rogue ruling"})
	r.waitHandled()
	r.signal(workflows.AppealRuling{ArbitrationID: workflows.AppealArbitrationID(in.CaseID), Outcome: workflows.RulingModify, Text: "Recorded ruling", Articles: []string{"7.1"}})
	r.waitFor(func(st ethics.State) bool { return st.Ruling != nil })
	until := time.Now().UTC().Add(90 * day)
	r.Update(ethics.UpdateApplyModified, ethics.ApplyModifiedInput{Actor: asStaff, Decision: ethics.Decision{
		Kind: ethics.DecisionSuspension, Until: &until,
	}})
	final := r.finish(recorded[0])
	if final.Status != ethics.StatusClosed || final.Outcome != ethics.DecisionSuspension || final.Applied == nil {
		t.Fatalf("final %q/%q applied %+v", final.Status, final.Outcome, final.Applied)
	}
}

// recordUnappealed drives the second case: after the admission, only
// the clock acts, apart from the committee's votes.
func recordUnappealed(t *testing.T, ctx context.Context, c client.Client) {
	in := input("rec-2")
	in.FiledAt = time.Now().UTC()
	in.Periods = ethics.Periods{
		Screening:            workflows.Duration(time.Hour),
		ScreeningReminder:    workflows.Duration(30 * time.Minute),
		ScreeningEscalation:  workflows.Duration(time.Hour),
		Response:             workflows.Duration(2 * time.Second),
		AppealWindow:         workflows.Duration(2 * time.Second),
		RemovalIneligibility: workflows.Duration(730 * day),
	}
	r := start(t, ctx, c, in)
	r.Update(ethics.UpdateAdmit, ethics.AdmitInput{Actor: asC1})
	r.waitFor(func(st ethics.State) bool { return st.Status == ethics.StatusDeliberation })
	removal := ethics.Decision{Kind: ethics.DecisionRemoval, Position: "chair"}
	for _, a := range []workflows.Actor{asC1, asC2, asC3} {
		r.Update(ethics.UpdateVote, ethics.VoteInput{Actor: a, Decision: removal, For: true})
	}
	final := r.finish(recorded[1])
	if final.Status != ethics.StatusClosed || final.Outcome != ethics.DecisionRemoval || final.Applied == nil {
		t.Fatalf("final %q/%q applied %+v", final.Status, final.Outcome, final.Applied)
	}
}

// recording drives a case on the real server through the client, as the
// API does.
type recording struct {
	*processtest.Recorder
	run client.WorkflowRun
}

func start(t *testing.T, ctx context.Context, c client.Client, in ethics.Input) *recording {
	t.Helper()
	id := ethics.WorkflowID(in.CaseID)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
	}, ethics.WorkflowName, in)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	return &recording{Recorder: &processtest.Recorder{T: t, Ctx: ctx, C: c, ID: id}, run: run}
}

func (r *recording) signal(ruling workflows.AppealRuling) {
	r.T.Helper()
	if err := r.C.SignalWorkflow(r.Ctx, r.ID, "", workflows.SignalAppealRuling, ruling); err != nil {
		r.T.Fatalf("signal: %v", err)
	}
}

// waitFor polls the state until ok, as a client of the API would.
func (r *recording) waitFor(ok func(ethics.State) bool) {
	r.T.Helper()
	processtest.WaitFor(r.Recorder, ethics.Query, ok)
}

// waitHandled waits until a workflow task has completed after the last
// signal, so that the case has seen it before the next update is sent (an
// update delivered in the same workflow task as a signal runs first).
func (r *recording) waitHandled() {
	r.T.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var signaled, completed int64
		iter := r.C.GetWorkflowHistory(r.Ctx, r.ID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for iter.HasNext() {
			ev, err := iter.Next()
			if err != nil {
				r.T.Fatalf("history: %v", err)
			}
			switch ev.GetEventType() {
			case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
				signaled = ev.GetEventId()
			case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
				completed = ev.GetEventId()
			}
		}
		if signaled > 0 && completed > signaled {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.T.Fatal("the signal was never handled")
}

// finish waits for the case to close, writes its history to testdata/name
// and checks that it replays.
func (r *recording) finish(name string) ethics.State {
	r.T.Helper()
	var final ethics.State
	if err := r.run.Get(r.Ctx, &final); err != nil {
		r.T.Fatalf("result: %v", err)
	}
	path := filepath.Join("testdata", name)
	processtest.WriteHistory(r.T, r.Ctx, r.C, r.ID, path)
	processtest.Replay(r.T, register, path)
	return final
}
