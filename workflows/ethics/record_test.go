package ethics_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/lacralo/ralo/devserver"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/ethics"
	"github.com/lacralo/ralo/workflows/processtest"
)

// ethHistories are the recorded ethics cases TestEthicsReplay replays.
var ethHistories = []string{"ethics_complete.json", "ethics_unappealed.json"}

// TestRecordEthicsHistory runs two ethics cases on a real embedded Temporal
// server, with periods of seconds, and writes their histories under
// testdata (see processtest.RecordEnv in record_test.go for when to record):
//
//	RALO_RECORD_HISTORIES=1 go test -run TestRecordEthicsHistory ./workflows/
//
// The first goes through every kind of event a person causes: screening
// reminders and escalations, a self-recusal, recomputed recusals with a
// quorum alert, admission, evidence and a question, a response, an early
// deliberation, a withdrawn proposal, a changed vote, a decision, an
// appeal, a stray and a real ruling (modify), and the modified decision
// applied. The second is driven by its deadlines: the response period and
// the appeal window elapse, and the decision is applied.
func TestRecordEthicsHistory(t *testing.T) {
	if os.Getenv(processtest.RecordEnv) != "1" {
		t.Skip("set " + processtest.RecordEnv + "=1 to record workflow histories")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()

	srv, err := devserver.Start(ctx, devserver.Config{Ephemeral: true, Namespace: "ralo"})
	if err != nil {
		t.Fatalf("start devserver: %v", err)
	}
	defer func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("stop devserver: %v", err)
		}
	}()
	c, err := client.Dial(client.Options{
		HostPort:  srv.HostPort(),
		Namespace: srv.Namespace(),
		Logger:    sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)),
	})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()

	w := worker.New(c, workflows.TaskQueue, worker.Options{})
	w.RegisterWorkflowWithOptions(ethics.Ethics, workflow.RegisterOptions{Name: ethics.WorkflowName})
	w.RegisterWorkflow(workflows.Notify)
	processtest.RegisterFakeActivities(w)
	w.RegisterActivityWithOptions(func(context.Context, ethics.DecisionEffect) error {
		return nil
	}, activity.RegisterOptions{Name: ethics.ActivityApplyDecision})
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	defer w.Stop()

	ethRecordComplete(t, ctx, c)
	ethRecordUnappealed(t, ctx, c)
}

// ethRecordComplete drives the first case, as the API would.
func ethRecordComplete(t *testing.T, ctx context.Context, c client.Client) {
	in := ethInput("rec-1")
	in.FiledAt = time.Now().UTC()
	in.Periods = ethics.Periods{
		Screening:            workflows.Duration(4 * time.Second),
		ScreeningReminder:    workflows.Duration(2 * time.Second),
		ScreeningEscalation:  workflows.Duration(time.Second),
		Response:             workflows.Duration(time.Hour),
		AppealWindow:         workflows.Duration(time.Hour),
		RemovalIneligibility: workflows.Duration(730 * ethDay),
		Quorum:               0.5,
		Majority:             0.5,
	}
	r := ethStart(t, ctx, c, in)
	r.waitFor(func(st ethics.State) bool { return st.ScreeningEscalations >= 2 })
	r.update(ethics.UpdateRecuse, ethics.RecuseInput{Actor: ethC4, Reason: "Recorded self-recusal"})
	short := ethRoster()
	short[2].Recused, short[2].Reasons = true, []string{"the committee member m-c3 declared an interest involving party m-bob"}
	r.update(ethics.UpdateRecomputeRecusals, ethics.RecomputeInput{Actor: ethStaff, Committee: short})
	r.update(ethics.UpdateRecomputeRecusals, ethics.RecomputeInput{Actor: ethStaff, Committee: []ethics.CommitteeMember{
		{MemberID: ethC1ID}, {MemberID: ethC2ID}, {MemberID: ethC3ID}, {MemberID: ethC4ID}, {MemberID: ethC5ID},
	}})
	// Wait for the response timer before the early deliberation, and for
	// the appeal window's before the appeal, so that the history holds
	// cancelled timers as well as fired ones.
	timers := r.timersStarted()
	r.update(ethics.UpdateAdmit, ethics.AdmitInput{Actor: ethC1, Note: "Recorded admission"})
	r.waitTimers(timers + 1)
	r.update(ethics.UpdateEvidence, ethics.EvidenceInput{Actor: ethComplainant, Text: "Recorded evidence", Links: []string{"https://example.org/e"}})
	r.update(ethics.UpdateEvidence, ethics.EvidenceInput{Actor: ethC2, Text: "Recorded question"})
	r.update(ethics.UpdateRespond, ethics.RespondInput{Actor: ethRespondent, Text: "Recorded response"})
	r.refuse(ethics.UpdateRespond, ethics.RespondInput{Actor: ethRespondent, Text: "again"}, workflows.ErrInvalidState)
	r.update(ethics.UpdateDeliberate, ethics.DeliberateInput{Actor: ethC2})
	warning := ethics.Decision{Kind: ethics.DecisionWarning}
	r.update(ethics.UpdateVote, ethics.VoteInput{Actor: ethC1, Decision: warning, For: true})
	r.update(ethics.UpdateWithdrawProposal, ethics.WithdrawInput{Actor: ethC1})
	removal := ethics.Decision{Kind: ethics.DecisionRemoval, Position: "alac_member"}
	r.update(ethics.UpdateVote, ethics.VoteInput{Actor: ethC1, Decision: removal, For: true})
	r.update(ethics.UpdateVote, ethics.VoteInput{Actor: ethC2, Decision: removal, For: false})
	r.update(ethics.UpdateVote, ethics.VoteInput{Actor: ethC2, Decision: removal, For: true})
	timers = r.timersStarted()
	r.update(ethics.UpdateVote, ethics.VoteInput{Actor: ethC3, Decision: removal, For: true})
	r.waitTimers(timers + 1)
	r.signal(workflows.AppealRuling{ArbitrationID: "rec-stray", Outcome: workflows.RulingUphold, Text: "Stray"})
	r.waitHandled()
	r.update(ethics.UpdateAppeal, ethics.AppealInput{Actor: ethRespondent, Reason: "Recorded appeal"})
	r.signal(workflows.AppealRuling{ArbitrationID: "rec-arb", Outcome: workflows.RulingModify, Text: "Recorded ruling", Articles: []string{"7.1"}})
	r.waitFor(func(st ethics.State) bool { return st.Ruling != nil })
	until := time.Now().UTC().Add(90 * ethDay)
	r.update(ethics.UpdateApplyModified, ethics.ApplyModifiedInput{Actor: ethStaff, Decision: ethics.Decision{
		Kind: ethics.DecisionSuspension, Until: &until,
	}})
	final := r.finish(ethHistories[0])
	if final.Status != ethics.StatusClosed || final.Outcome != ethics.DecisionSuspension || final.Applied == nil {
		t.Fatalf("final %q/%q applied %+v", final.Status, final.Outcome, final.Applied)
	}
}

// ethRecordUnappealed drives the second case: after the admission, only
// the clock acts, apart from the committee's votes.
func ethRecordUnappealed(t *testing.T, ctx context.Context, c client.Client) {
	in := ethInput("rec-2")
	in.FiledAt = time.Now().UTC()
	in.Periods = ethics.Periods{
		Screening:            workflows.Duration(time.Hour),
		ScreeningReminder:    workflows.Duration(30 * time.Minute),
		ScreeningEscalation:  workflows.Duration(time.Hour),
		Response:             workflows.Duration(2 * time.Second),
		AppealWindow:         workflows.Duration(2 * time.Second),
		RemovalIneligibility: workflows.Duration(730 * ethDay),
	}
	r := ethStart(t, ctx, c, in)
	r.update(ethics.UpdateAdmit, ethics.AdmitInput{Actor: ethC1})
	r.waitFor(func(st ethics.State) bool { return st.Status == ethics.StatusDeliberation })
	removal := ethics.Decision{Kind: ethics.DecisionRemoval, Position: "chair"}
	for _, a := range []workflows.Actor{ethC1, ethC2, ethC3} {
		r.update(ethics.UpdateVote, ethics.VoteInput{Actor: a, Decision: removal, For: true})
	}
	final := r.finish(ethHistories[1])
	if final.Status != ethics.StatusClosed || final.Outcome != ethics.DecisionRemoval || final.Applied == nil {
		t.Fatalf("final %q/%q applied %+v", final.Status, final.Outcome, final.Applied)
	}
}

// ethRecorder drives a case on the real server through the client, as the
// API does.
type ethRecorder struct {
	t   *testing.T
	ctx context.Context
	c   client.Client
	id  string
	run client.WorkflowRun
}

func ethStart(t *testing.T, ctx context.Context, c client.Client, in ethics.Input) *ethRecorder {
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
	return &ethRecorder{t: t, ctx: ctx, c: c, id: id, run: run}
}

func (r *ethRecorder) send(name string, arg any) error {
	h, err := r.c.UpdateWorkflow(r.ctx, client.UpdateWorkflowOptions{
		WorkflowID:   r.id,
		UpdateName:   name,
		Args:         []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return err
	}
	var st ethics.State
	return h.Get(r.ctx, &st)
}

func (r *ethRecorder) update(name string, arg any) {
	r.t.Helper()
	if err := r.send(name, arg); err != nil {
		r.t.Fatalf("update %s: %v", name, err)
	}
}

func (r *ethRecorder) refuse(name string, arg any, errType string) {
	r.t.Helper()
	err := r.send(name, arg)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != errType {
		r.t.Fatalf("update %s: want %s, got %v", name, errType, err)
	}
}

func (r *ethRecorder) signal(ruling workflows.AppealRuling) {
	r.t.Helper()
	if err := r.c.SignalWorkflow(r.ctx, r.id, "", workflows.SignalAppealRuling, ruling); err != nil {
		r.t.Fatalf("signal: %v", err)
	}
}

// waitFor polls the state until ok, as a client of the API would.
func (r *ethRecorder) waitFor(ok func(ethics.State) bool) {
	r.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var st ethics.State
	for time.Now().Before(deadline) {
		v, err := r.c.QueryWorkflow(r.ctx, r.id, "", ethics.Query)
		if err != nil {
			r.t.Fatalf("query: %v", err)
		}
		if err := v.Get(&st); err != nil {
			r.t.Fatalf("decode state: %v", err)
		}
		if ok(st) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	r.t.Fatalf("state never reached; last: status %q, escalations %d", st.Status, st.ScreeningEscalations)
}

// timersStarted counts the timers the case has started so far.
func (r *ethRecorder) timersStarted() int {
	r.t.Helper()
	n := 0
	iter := r.c.GetWorkflowHistory(r.ctx, r.id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			r.t.Fatalf("history: %v", err)
		}
		if ev.GetEventType() == enumspb.EVENT_TYPE_TIMER_STARTED {
			n++
		}
	}
	return n
}

// waitTimers waits until the case has started n timers.
func (r *ethRecorder) waitTimers(n int) {
	r.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if r.timersStarted() >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.t.Fatalf("the case never started timer %d", n)
}

// waitHandled waits until a workflow task has completed after the last
// signal, so that the case has seen it before the next update is sent (an
// update delivered in the same workflow task as a signal runs first).
func (r *ethRecorder) waitHandled() {
	r.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var signaled, completed int64
		iter := r.c.GetWorkflowHistory(r.ctx, r.id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for iter.HasNext() {
			ev, err := iter.Next()
			if err != nil {
				r.t.Fatalf("history: %v", err)
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
	r.t.Fatal("the signal was never handled")
}

// finish waits for the case to close, writes its history to testdata/name
// and checks that it replays.
func (r *ethRecorder) finish(name string) ethics.State {
	r.t.Helper()
	var final ethics.State
	if err := r.run.Get(r.ctx, &final); err != nil {
		r.t.Fatalf("result: %v", err)
	}
	hist := &historypb.History{}
	iter := r.c.GetWorkflowHistory(r.ctx, r.id, r.run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			r.t.Fatalf("history: %v", err)
		}
		hist.Events = append(hist.Events, ev)
	}
	data, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(hist)
	if err != nil {
		r.t.Fatalf("marshal history: %v", err)
	}
	path := filepath.Join("testdata", name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		r.t.Fatal(err)
	}
	r.t.Logf("wrote %s: %d events", path, len(hist.Events))

	replayer := worker.NewWorkflowReplayer()
	replayer.RegisterWorkflowWithOptions(ethics.Ethics, workflow.RegisterOptions{Name: ethics.WorkflowName})
	replayer.RegisterWorkflow(workflows.Notify)
	if err := replayer.ReplayWorkflowHistoryFromJSONFile(nil, path); err != nil {
		r.t.Fatalf("the recorded history does not replay: %v", err)
	}
	return final
}
