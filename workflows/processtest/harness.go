package processtest

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/workflows"
)

// Harness runs one process workflow in the time-skipping test environment
// with the shared activities (audit, cases index) and the Notify child
// mocked, and keeps what they were asked to do. S is the process's state,
// as its updates answer and its query returns. A test registers its
// process's own activities on Env, schedules updates and queries at
// workflow times, runs the workflow, then reads what happened.
type Harness[S any] struct {
	T   *testing.T
	Env *testsuite.TestWorkflowEnvironment
	// T0 is the workflow time the run starts at.
	T0    time.Time
	query string

	mu      sync.Mutex // mocks run on their own goroutines
	notes   []Note
	audits  []workflows.AuditInput
	saves   []workflows.CaseIndex
	results []*Result[S]
}

// Result is what became of one update sent by the harness.
type Result[S any] struct {
	Name  string
	Done  bool
	Err   error
	State S
	// Value is the update's answer as sent, for updates that answer with
	// something other than the state.
	Value any
}

// NewHarness prepares a run of the workflow fn, registered as name,
// starting at t0; query is the process's state query.
func NewHarness[S any](t *testing.T, fn any, name, query string, t0 time.Time) *Harness[S] {
	t.Helper()
	h := &Harness[S]{T: t, T0: t0, query: query}
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	env := suite.NewTestWorkflowEnvironment()
	// The default 1s deadlock detector trips on a loaded machine under
	// -race; 10s still catches a workflow that never yields.
	env.SetWorkerOptions(worker.Options{DeadlockDetectionTimeout: 10 * time.Second})
	env.SetStartTime(t0)
	env.RegisterWorkflowWithOptions(fn, workflow.RegisterOptions{Name: name})

	// The workflow calls activities by name; register placeholders under
	// those names so that they can be mocked by name.
	RegisterFakeActivities(env)
	env.OnActivity(workflows.ActivityRecordAudit, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in workflows.AuditInput) (workflows.AuditResult, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.audits = append(h.audits, in)
			return workflows.AuditResult{Seq: int64(len(h.audits))}, nil
		})
	env.OnActivity(workflows.ActivityRecordAudits, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in []workflows.AuditInput) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.audits = append(h.audits, in...)
			return nil
		})
	env.OnActivity(workflows.ActivitySaveCase, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in workflows.CaseIndex) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.saves = append(h.saves, in)
			return nil
		})
	env.OnWorkflow(workflows.Notify, mock.Anything, mock.Anything).Return(
		func(ctx workflow.Context, in workflows.NotifyInput) error {
			at := workflow.Now(ctx)
			h.mu.Lock()
			defer h.mu.Unlock()
			h.notes = append(h.notes, Note{At: at, In: in})
			return nil
		})
	h.Env = env
	return h
}

// At is T0 plus d.
func (h *Harness[S]) At(d time.Duration) time.Time { return h.T0.Add(d) }

// Update sends an update at T0+at; its outcome is checked by OK or
// Refused after the run.
func (h *Harness[S]) Update(at time.Duration, name string, in any) *Result[S] {
	r := &Result[S]{Name: name}
	h.results = append(h.results, r)
	h.Env.RegisterDelayedCallback(func() { h.Send(r, in) }, at)
	return r
}

// Send sends an update now, from inside a delayed callback.
func (h *Harness[S]) Send(r *Result[S], in any) {
	h.Env.UpdateWorkflow(r.Name, "", &testsuite.TestUpdateCallback{
		OnAccept: func() {},
		OnReject: func(err error) { r.Done, r.Err = true, err },
		OnComplete: func(v any, err error) {
			r.Done, r.Err, r.Value = true, err, v
			if st, ok := v.(S); ok {
				r.State = st
			}
		},
	}, in)
}

// Signal sends a signal at T0+at.
func (h *Harness[S]) Signal(at time.Duration, name string, arg any) {
	h.Env.RegisterDelayedCallback(func() { h.Env.SignalWorkflow(name, arg) }, at)
}

// OK expects the update to be accepted (checked when the test ends).
func (h *Harness[S]) OK(r *Result[S]) *Result[S] {
	h.T.Cleanup(func() {
		if !r.Done {
			h.T.Errorf("update %s never completed", r.Name)
		} else if r.Err != nil {
			h.T.Errorf("update %s: unexpected error %v", r.Name, r.Err)
		}
	})
	return r
}

// Refused expects the update to be refused with errType.
func (h *Harness[S]) Refused(r *Result[S], errType string) *Result[S] {
	h.T.Cleanup(func() {
		if !r.Done {
			h.T.Errorf("update %s never answered", r.Name)
			return
		}
		var appErr *temporal.ApplicationError
		if !errors.As(r.Err, &appErr) || appErr.Type() != errType {
			h.T.Errorf("update %s: want %s error, got %v", r.Name, errType, r.Err)
		}
	})
	return r
}

// Query reads the state at T0+at; the value is filled in during the run.
func (h *Harness[S]) Query(at time.Duration) *S {
	st := new(S)
	h.Env.RegisterDelayedCallback(func() {
		v, err := h.Env.QueryWorkflow(h.query)
		if err != nil {
			h.T.Errorf("query at T0+%v: %v", at, err)
			return
		}
		if err := v.Get(st); err != nil {
			h.T.Errorf("decode query at T0+%v: %v", at, err)
		}
	}, at)
	return st
}

// CancelAt cancels the workflow at T0+at, to end a test that needs no
// ending of its own.
func (h *Harness[S]) CancelAt(at time.Duration) {
	h.Env.RegisterDelayedCallback(h.Env.CancelWorkflow, at)
}

// Run executes the workflow, which must complete, and returns its result.
func (h *Harness[S]) Run(name string, in any) S {
	h.T.Helper()
	h.Env.ExecuteWorkflow(name, in)
	if !h.Env.IsWorkflowCompleted() {
		h.T.Fatal("workflow did not complete")
	}
	if err := h.Env.GetWorkflowError(); err != nil {
		h.T.Fatalf("workflow failed: %v", err)
	}
	var st S
	if err := h.Env.GetWorkflowResult(&st); err != nil {
		h.T.Fatalf("result: %v", err)
	}
	return st
}

// RunCancelled executes a workflow that the test ends with CancelAt.
func (h *Harness[S]) RunCancelled(name string, in any) {
	h.T.Helper()
	h.Env.ExecuteWorkflow(name, in)
	if !h.Env.IsWorkflowCompleted() {
		h.T.Fatal("workflow did not complete")
	}
	if err := h.Env.GetWorkflowError(); !temporal.IsCanceledError(err) {
		h.T.Fatalf("want the workflow cancelled, got %v", err)
	}
}

// Notes are the notifications started so far, in order.
func (h *Harness[S]) Notes() []Note {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.notes)
}

// NotesOf are the notifications of one event.
func (h *Harness[S]) NotesOf(event string) []Note {
	var out []Note
	for _, n := range h.Notes() {
		if n.In.Event == event {
			out = append(out, n)
		}
	}
	return out
}

// Audits are the audit entries written so far, in order.
func (h *Harness[S]) Audits() []workflows.AuditInput {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.audits)
}

// AuditActions are the actions of the audit entries, in order.
func (h *Harness[S]) AuditActions() []string {
	var out []string
	for _, a := range h.Audits() {
		out = append(out, a.Action)
	}
	return out
}

// AuditOf are the audit entries of one action.
func (h *Harness[S]) AuditOf(action string) []workflows.AuditInput {
	var out []workflows.AuditInput
	for _, a := range h.Audits() {
		if a.Action == action {
			out = append(out, a)
		}
	}
	return out
}

// Saves are the cases-index rows written so far, in order.
func (h *Harness[S]) Saves() []workflows.CaseIndex {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.saves)
}

// Sorted is how workflows list members: sorted.
func Sorted(ids ...string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// WantDeadlines checks a document's deadlines, names and times.
func WantDeadlines(t *testing.T, label string, got []workflows.Deadline, want ...workflows.Deadline) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: deadlines %v, want %v", label, got, want)
		return
	}
	for i := range got {
		if got[i].Name != want[i].Name || !got[i].At.Equal(want[i].At) {
			t.Errorf("%s: deadlines %v, want %v", label, got, want)
			return
		}
	}
}

// DataTime reads a time from notification data, which went through JSON.
func DataTime(t *testing.T, n Note, key string) time.Time {
	t.Helper()
	s, _ := n.In.Data[key].(string)
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Errorf("%s: data %s = %v: %v", n.In.Step, key, n.In.Data[key], err)
	}
	return v
}
