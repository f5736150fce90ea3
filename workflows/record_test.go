package workflows_test

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
)

// recordEnv turns the recorders on. The histories they write are checked in
// under testdata and replayed by every `go test` (TestArbitrationReplay), so
// they are recorded on purpose, not on every run:
//
//	RALO_RECORD_HISTORIES=1 go test -run TestRecordArbitrationHistory ./workflows/
//
// Record again only when a history must change on purpose, for a new
// workflow version: the old file should then be kept too, under a new name,
// as long as cases started on the old code may still be running.
const recordEnv = "RALO_RECORD_HISTORIES"

// TestRecordArbitrationHistory runs a complete arbitration case on a real
// embedded Temporal server, with periods of seconds, and writes its history
// to testdata/arbitration_complete.json. The case goes through every kind
// of event: a rejected challenge, confirmation, submissions, an Ombudsman
// referral and outcome, a rescheduled hearing, reminders, overdue alerts,
// an extension, and a ruling on an appeal whose target does not exist.
func TestRecordArbitrationHistory(t *testing.T) {
	if os.Getenv(recordEnv) != "1" {
		t.Skip("set " + recordEnv + "=1 to record workflow histories")
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
	w.RegisterWorkflowWithOptions(workflows.Arbitration, workflow.RegisterOptions{Name: workflows.ArbitrationWorkflowName})
	w.RegisterWorkflow(workflows.Notify)
	registerFakeActivities(w)
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	defer w.Stop()

	in := arbInput("rec-1")
	in.FiledAt = time.Now().UTC()
	in.AppealOf = &workflows.AppealRef{Kind: workflows.AppealKindEthics, ID: "rec-missing"}
	in.Periods = workflows.ArbitrationPeriods{
		ChallengeWindow:   3 * time.Second,
		Submissions:       3 * time.Second,
		RulingDue:         4 * time.Second,
		MaxExtension:      15 * arbDay, // extensions count in days
		OverdueAlertEvery: time.Second,
		Reminders:         []time.Duration{3 * time.Second, time.Second},
	}
	id := workflows.ArbitrationWorkflowID(in.CaseID)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
	}, workflows.ArbitrationWorkflowName, in)
	if err != nil {
		t.Fatalf("start: %v", err)
	}

	r := &arbRecorder{t: t, ctx: ctx, c: c, id: id}
	r.update(workflows.UpdateArbitrationAssign, workflows.AssignInput{Actor: arbStaff, ArbitratorID: arbArbID})
	r.update(workflows.UpdateArbitrationChallenge, workflows.ChallengeInput{Actor: arbRep, Reason: "Recorded challenge"})
	r.update(workflows.UpdateArbitrationDecideChallenge, workflows.DecideChallengeInput{Actor: arbStaff, Decision: workflows.ChallengeReject})
	r.update(workflows.UpdateArbitrationConfirm, workflows.ConfirmInput{Actor: arbArb})
	r.waitFor(func(st workflows.ArbitrationState) bool { return st.Status == workflows.ArbitrationStatusSubmissions })
	r.update(workflows.UpdateArbitrationSubmit, workflows.SubmitInput{Actor: arbParty, Text: "Recorded submission", Links: []string{"https://example.org/s"}})
	r.update(workflows.UpdateArbitrationOmbudsman, workflows.OmbudsmanInput{Actor: arbParty, ReferredAt: time.Now().UTC().Add(-time.Minute)})
	r.update(workflows.UpdateArbitrationOmbudsman, workflows.OmbudsmanInput{Actor: arbStaff, Outcome: "Declined"})
	// Wait for the hearing's timer before moving the hearing, and for the
	// new deadline's timer before the ruling, so that the history holds
	// cancelled timers as well as fired ones.
	timers := r.timersStarted()
	r.update(workflows.UpdateArbitrationHearing, workflows.HearingInput{
		Actor: arbArb, StartsAt: time.Now().Add(2 * time.Second), Duration: time.Hour, Location: "https://meet.example.org/rec",
	})
	r.waitTimers(timers + 1)
	r.update(workflows.UpdateArbitrationHearing, workflows.HearingInput{
		Actor: arbArb, StartsAt: time.Now().Add(3 * time.Second), Duration: time.Hour, Location: "Montevideo, Sala 2",
	})
	r.waitFor(func(st workflows.ArbitrationState) bool {
		return st.Status == workflows.ArbitrationStatusOverdue && st.OverdueAlerts >= 2 && len(st.RemindersSent) > 0
	})
	r.refuse(workflows.UpdateArbitrationExtend, workflows.ExtendInput{Actor: arbArb, Days: 16, Reason: "too long"}, workflows.ErrInvalidInput)
	timers = r.timersStarted()
	r.update(workflows.UpdateArbitrationExtend, workflows.ExtendInput{Actor: arbArb, Days: 1, Reason: "Recorded extension"})
	r.waitTimers(timers + 1)
	r.update(workflows.UpdateArbitrationRuling, workflows.RulingInput{
		Actor: arbArb, Outcome: workflows.RulingUphold, Text: "Recorded ruling.", Articles: []string{"12"},
	})

	var final workflows.ArbitrationState
	if err := run.Get(ctx, &final); err != nil {
		t.Fatalf("result: %v", err)
	}
	if final.Status != workflows.ArbitrationStatusRuled {
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
	replayer.RegisterWorkflowWithOptions(workflows.Arbitration, workflow.RegisterOptions{Name: workflows.ArbitrationWorkflowName})
	replayer.RegisterWorkflow(workflows.Notify)
	if err := replayer.ReplayWorkflowHistoryFromJSONFile(nil, path); err != nil {
		t.Fatalf("the recorded history does not replay: %v", err)
	}
}

// registerFakeActivities registers stand-ins for the activities under
// their names: the recorded history only needs them to complete.
func registerFakeActivities(w worker.Worker) {
	w.RegisterActivityWithOptions(func(context.Context, workflows.NotifyInput) (workflows.EnqueueResult, error) {
		return workflows.EnqueueResult{}, nil
	}, activity.RegisterOptions{Name: workflows.ActivityEnqueueNotifications})
	w.RegisterActivityWithOptions(func(context.Context, workflows.DeliverInput) error {
		return nil
	}, activity.RegisterOptions{Name: workflows.ActivityDeliverEmail})
	w.RegisterActivityWithOptions(func(context.Context, workflows.MarkFailedInput) error {
		return nil
	}, activity.RegisterOptions{Name: workflows.ActivityMarkEmailFailed})
	w.RegisterActivityWithOptions(func(context.Context, workflows.AuditInput) (workflows.AuditResult, error) {
		return workflows.AuditResult{}, nil
	}, activity.RegisterOptions{Name: workflows.ActivityRecordAudit})
	w.RegisterActivityWithOptions(func(context.Context, workflows.CaseIndex) error {
		return nil
	}, activity.RegisterOptions{Name: workflows.ActivitySaveCase})
	w.RegisterActivityWithOptions(func(context.Context, []workflows.AuditInput) error {
		return nil
	}, activity.RegisterOptions{Name: workflows.ActivityRecordAudits})
}

// arbRecorder drives a case on the real server through the client, as the
// API does.
type arbRecorder struct {
	t   *testing.T
	ctx context.Context
	c   client.Client
	id  string
}

func (r *arbRecorder) send(name string, arg any) (workflows.ArbitrationState, error) {
	var st workflows.ArbitrationState
	h, err := r.c.UpdateWorkflow(r.ctx, client.UpdateWorkflowOptions{
		WorkflowID:   r.id,
		UpdateName:   name,
		Args:         []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return st, err
	}
	err = h.Get(r.ctx, &st)
	return st, err
}

func (r *arbRecorder) update(name string, arg any) {
	r.t.Helper()
	if _, err := r.send(name, arg); err != nil {
		r.t.Fatalf("update %s: %v", name, err)
	}
}

func (r *arbRecorder) refuse(name string, arg any, errType string) {
	r.t.Helper()
	_, err := r.send(name, arg)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != errType {
		r.t.Fatalf("update %s: want %s, got %v", name, errType, err)
	}
}

// waitFor polls the state until ok, as a client of the API would.
func (r *arbRecorder) waitFor(ok func(workflows.ArbitrationState) bool) {
	r.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var st workflows.ArbitrationState
	for time.Now().Before(deadline) {
		v, err := r.c.QueryWorkflow(r.ctx, r.id, "", workflows.QueryArbitration)
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
	r.t.Fatalf("state never reached; last: status %q, alerts %d, reminders %v", st.Status, st.OverdueAlerts, st.RemindersSent)
}

// timersStarted counts the timers the case has started so far.
func (r *arbRecorder) timersStarted() int {
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
func (r *arbRecorder) waitTimers(n int) {
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
