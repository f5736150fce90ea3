// Package processtest is what every process's workflow tests share: the
// fake activities a recording worker registers, the recorder that drives a
// process on a real embedded server as the API does and writes its
// history, the replayer that checks recorded histories against the
// current code, and the fixtures (a day, the test electorate).
//
// It is imported by tests only; it depends on the workflows contract and
// the Temporal SDK, never on a process package.
package processtest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/lacralo/ralo/workflows"
)

// Day is a day of workflow time.
const Day = 24 * time.Hour

// RecordEnv turns the recorders on. The histories they write are checked
// in under each process's testdata and replayed by every `go test`, so
// they are recorded on purpose, not on every run:
//
//	RALO_RECORD_HISTORIES=1 go test -run TestRecord ./workflows/...
//
// Record again only when a history must change on purpose, for a new
// workflow version: the old file should then be kept too, under a new
// name, as long as processes started on the old code may still be
// running.
const RecordEnv = "RALO_RECORD_HISTORIES"

// SkipUnlessRecording skips a recording test unless RecordEnv is set.
func SkipUnlessRecording(t *testing.T) {
	t.Helper()
	if os.Getenv(RecordEnv) != "1" {
		t.Skip("set " + RecordEnv + "=1 to record workflow histories")
	}
}

// Note is a notification a workflow started, with the workflow time.
type Note struct {
	At time.Time
	In workflows.NotifyInput
}

// Roll is the test electorate as the registry returns it: two ALSes in AR,
// one in BR, one in CL.
var Roll = []workflows.ElectionRollEntry{
	{ALSID: "als-a1", Country: "AR"}, {ALSID: "als-a2", Country: "AR"},
	{ALSID: "als-b1", Country: "BR"}, {ALSID: "als-c1", Country: "CL"},
}

// Registry is where workflows and activities are registered: a worker, a
// replayer or a test environment.
type Registry interface {
	RegisterActivityWithOptions(a any, options activity.RegisterOptions)
}

// RegisterFakeActivities registers the shared activities (outbox, audit,
// cases index, the contest an arbitration records on an election) as
// no-ops, for a worker that records a history.
func RegisterFakeActivities(w Registry) {
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
	w.RegisterActivityWithOptions(func(context.Context, workflows.RecordContestInput) error {
		return nil
	}, activity.RegisterOptions{Name: workflows.ActivityRecordContest})
}

// Recorder drives one process on a real server through the client, as
// the API does.
type Recorder struct {
	T   *testing.T
	Ctx context.Context
	C   client.Client
	ID  string
}

// Send sends an update and decodes its answer into out (when not nil).
func (r *Recorder) Send(name string, arg, out any) error {
	h, err := r.C.UpdateWorkflow(r.Ctx, client.UpdateWorkflowOptions{
		WorkflowID:   r.ID,
		UpdateName:   name,
		Args:         []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return err
	}
	var discard any
	if out == nil {
		out = &discard
	}
	return h.Get(r.Ctx, out)
}

// Update sends an update that must be accepted.
func (r *Recorder) Update(name string, arg any) {
	r.T.Helper()
	if err := r.Send(name, arg, nil); err != nil {
		r.T.Fatalf("update %s: %v", name, err)
	}
}

// Refuse sends an update that must be refused with errType.
func (r *Recorder) Refuse(name string, arg any, errType string) {
	r.T.Helper()
	err := r.Send(name, arg, nil)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != errType {
		r.T.Fatalf("update %s: want %s, got %v", name, errType, err)
	}
}

// Query reads the process's state into out.
func (r *Recorder) Query(name string, out any) {
	r.T.Helper()
	v, err := r.C.QueryWorkflow(r.Ctx, r.ID, "", name)
	if err != nil {
		r.T.Fatalf("query: %v", err)
	}
	if err := v.Get(out); err != nil {
		r.T.Fatalf("decode state: %v", err)
	}
}

// TimersStarted counts the timers the process has started so far.
func (r *Recorder) TimersStarted() int {
	r.T.Helper()
	n := 0
	iter := r.C.GetWorkflowHistory(r.Ctx, r.ID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			r.T.Fatalf("history: %v", err)
		}
		if ev.GetEventType() == enumspb.EVENT_TYPE_TIMER_STARTED {
			n++
		}
	}
	return n
}

// WaitTimers waits until the process has started n timers.
func (r *Recorder) WaitTimers(n int) {
	r.T.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if r.TimersStarted() >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.T.Fatalf("the process never started timer %d", n)
}

// WriteHistory writes a closed workflow's history as JSON to path, the
// form ReplayWorkflowHistoryFromJSONFile reads.
func WriteHistory(t *testing.T, ctx context.Context, c client.Client, workflowID, path string) {
	t.Helper()
	WriteRunHistory(t, ctx, c, workflowID, "", path)
}

// WriteRunHistory writes the history of one run of a workflow (the latest
// when runID is empty) as WriteHistory does.
func WriteRunHistory(t *testing.T, ctx context.Context, c client.Client, workflowID, runID, path string) {
	t.Helper()
	hist := &historypb.History{}
	iter := c.GetWorkflowHistory(ctx, workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
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
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d events)", path, len(hist.Events))
}

// RunChain follows a workflow's runs from first, through each
// continue-as-new, to the last, and returns their run IDs.
func RunChain(t *testing.T, ctx context.Context, c client.Client, workflowID, first string) []string {
	t.Helper()
	runs := []string{first}
	for {
		iter := c.GetWorkflowHistory(ctx, workflowID, runs[len(runs)-1], false, enumspb.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT)
		next := ""
		for iter.HasNext() {
			ev, err := iter.Next()
			if err != nil {
				t.Fatalf("history: %v", err)
			}
			if a := ev.GetWorkflowExecutionContinuedAsNewEventAttributes(); a != nil {
				next = a.GetNewExecutionRunId()
			}
		}
		if next == "" {
			return runs
		}
		runs = append(runs, next)
	}
}

// Replay replays every recorded history against the workflows register
// registers: a change that would break running processes fails here.
func Replay(t *testing.T, register func(worker.WorkflowReplayer), files ...string) {
	t.Helper()
	for _, f := range files {
		r := worker.NewWorkflowReplayer()
		r.RegisterWorkflowWithOptions(workflows.Notify, workflowOptions(workflows.NotifyWorkflowName))
		register(r)
		if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
			t.Errorf("replay %s: %v", f, err)
		}
	}
}

func workflowOptions(name string) workflow.RegisterOptions {
	return workflow.RegisterOptions{Name: name}
}

// WaitFor polls the process's state (query name) until ok, as a client of
// the API would.
func WaitFor[S any](r *Recorder, query string, ok func(S) bool) S {
	r.T.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var st S
	for time.Now().Before(deadline) {
		var cur S
		r.Query(query, &cur)
		st = cur
		if ok(st) {
			return st
		}
		time.Sleep(100 * time.Millisecond)
	}
	r.T.Fatalf("state never reached; last: %+v", st)
	return st
}
