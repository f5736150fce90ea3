package arbitration_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/lacralo/ralo/devserver"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/arbitration"
	"github.com/lacralo/ralo/workflows/processtest"
)

// TestRecordArbitrationHistory runs a complete arbitration case on a real
// embedded Temporal server, with periods of seconds, and writes its history
// to testdata/arbitration_complete.json. The case goes through every kind
// of event: a rejected challenge, confirmation, submissions, an Ombudsman
// referral and outcome, a rescheduled hearing, reminders, overdue alerts,
// an extension, and a ruling on an appeal whose target does not exist.
func TestRecordArbitrationHistory(t *testing.T) {
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
	w.RegisterWorkflowWithOptions(arbitration.Arbitration, workflow.RegisterOptions{Name: arbitration.WorkflowName})
	w.RegisterWorkflow(workflows.Notify)
	processtest.RegisterFakeActivities(w)
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	defer w.Stop()

	in := arbInput("rec-1")
	in.FiledAt = time.Now().UTC()
	in.AppealOf = &workflows.AppealRef{Kind: workflows.AppealKindEthics, ID: "rec-missing"}
	in.Periods = arbitration.Periods{
		ChallengeWindow:   3 * time.Second,
		Submissions:       3 * time.Second,
		RulingDue:         4 * time.Second,
		MaxExtension:      15 * processtest.Day, // extensions count in days
		OverdueAlertEvery: time.Second,
		Reminders:         []time.Duration{3 * time.Second, time.Second},
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
	r.Update(arbitration.UpdateAssign, arbitration.AssignInput{Actor: arbStaff, ArbitratorID: arbArbID})
	r.Update(arbitration.UpdateChallenge, arbitration.ChallengeInput{Actor: arbRep, Reason: "Recorded challenge"})
	r.Update(arbitration.UpdateDecideChallenge, arbitration.DecideChallengeInput{Actor: arbStaff, Decision: arbitration.ChallengeReject})
	r.Update(arbitration.UpdateConfirm, arbitration.ConfirmInput{Actor: arbArb})
	processtest.WaitFor(r, arbitration.Query, func(st arbitration.State) bool { return st.Status == arbitration.StatusSubmissions })
	r.Update(arbitration.UpdateSubmit, arbitration.SubmitInput{Actor: arbParty, Text: "Recorded submission", Links: []string{"https://example.org/s"}})
	r.Update(arbitration.UpdateOmbudsman, arbitration.OmbudsmanInput{Actor: arbParty, ReferredAt: time.Now().UTC().Add(-time.Minute)})
	r.Update(arbitration.UpdateOmbudsman, arbitration.OmbudsmanInput{Actor: arbStaff, Outcome: "Declined"})
	// Wait for the hearing's timer before moving the hearing, and for the
	// new deadline's timer before the ruling, so that the history holds
	// cancelled timers as well as fired ones.
	timers := r.TimersStarted()
	r.Update(arbitration.UpdateHearing, arbitration.HearingInput{
		Actor: arbArb, StartsAt: time.Now().Add(2 * time.Second), Duration: time.Hour, Location: "https://meet.example.org/rec",
	})
	r.WaitTimers(timers + 1)
	r.Update(arbitration.UpdateHearing, arbitration.HearingInput{
		Actor: arbArb, StartsAt: time.Now().Add(3 * time.Second), Duration: time.Hour, Location: "Montevideo, Sala 2",
	})
	processtest.WaitFor(r, arbitration.Query, func(st arbitration.State) bool {
		return st.Status == arbitration.StatusOverdue && st.OverdueAlerts >= 2 && len(st.RemindersSent) > 0
	})
	r.Refuse(arbitration.UpdateExtend, arbitration.ExtendInput{Actor: arbArb, Days: 16, Reason: "too long"}, workflows.ErrInvalidInput)
	timers = r.TimersStarted()
	r.Update(arbitration.UpdateExtend, arbitration.ExtendInput{Actor: arbArb, Days: 1, Reason: "Recorded extension"})
	r.WaitTimers(timers + 1)
	r.Update(arbitration.UpdateRuling, arbitration.RulingInput{
		Actor: arbArb, Outcome: workflows.RulingUphold, Text: "Recorded ruling.", Articles: []string{"12"},
	})

	var final arbitration.State
	if err := run.Get(ctx, &final); err != nil {
		t.Fatalf("result: %v", err)
	}
	if final.Status != arbitration.StatusRuled {
		t.Fatalf("final status %q", final.Status)
	}

	hist := &historypb.History{}
	iter := c.GetWorkflowHistory(ctx, id, run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatalf("history: %v", err)
		}
		hist.Events = append(hist.Events, ev)
	}
	data, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(hist)
	if err != nil {
		t.Fatalf("marshal history: %v", err)
	}
	path := filepath.Join("testdata", "arbitration_complete.json")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s: %d events", path, len(hist.Events))

	replayer := worker.NewWorkflowReplayer()
	replayer.RegisterWorkflowWithOptions(arbitration.Arbitration, workflow.RegisterOptions{Name: arbitration.WorkflowName})
	replayer.RegisterWorkflow(workflows.Notify)
	if err := replayer.ReplayWorkflowHistoryFromJSONFile(nil, path); err != nil {
		t.Fatalf("the recorded history does not replay: %v", err)
	}
}
