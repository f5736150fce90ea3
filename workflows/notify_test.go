package workflows_test

import (
	"context"
	"testing"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/workflows"
)

// TestRedeliver: a message put back to delivery is sent with Notify's
// retries; one that still cannot be sent is marked failed with the
// reason, and one that goes out is not.
func TestRedeliver(t *testing.T) {
	for _, tc := range []struct {
		name    string
		deliver error
		failed  string
	}{
		{name: "sent"},
		{name: "permanent failure", deliver: temporal.NewNonRetryableApplicationError("550 unknown user", workflows.PermanentEmailError, nil),
			failed: "550 unknown user"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s testsuite.WorkflowTestSuite
			env := s.NewTestWorkflowEnvironment()
			env.RegisterWorkflowWithOptions(workflows.Redeliver, workflow.RegisterOptions{Name: workflows.RedeliverWorkflowName})
			var delivered []string
			var marked []workflows.MarkFailedInput
			env.RegisterActivityWithOptions(func(_ context.Context, in workflows.DeliverInput) error {
				delivered = append(delivered, in.OutboxID)
				return tc.deliver
			}, activity.RegisterOptions{Name: workflows.ActivityDeliverEmail})
			env.RegisterActivityWithOptions(func(_ context.Context, in workflows.MarkFailedInput) error {
				marked = append(marked, in)
				return nil
			}, activity.RegisterOptions{Name: workflows.ActivityMarkEmailFailed})
			env.ExecuteWorkflow(workflows.RedeliverWorkflowName, workflows.RedeliverInput{OutboxID: "msg_1", Attempt: 3})
			if !env.IsWorkflowCompleted() || env.GetWorkflowError() != nil {
				t.Fatalf("redeliver: %v", env.GetWorkflowError())
			}
			if len(delivered) != 1 || delivered[0] != "msg_1" {
				t.Fatalf("delivered %v", delivered)
			}
			switch {
			case tc.failed == "" && len(marked) != 0:
				t.Fatalf("a sent message was marked failed: %+v", marked)
			case tc.failed != "" && (len(marked) != 1 || marked[0].Reason != tc.failed || marked[0].OutboxID != "msg_1"):
				t.Fatalf("marked %+v, want the reason %q", marked, tc.failed)
			}
		})
	}
	if id := workflows.RedeliverWorkflowID(workflows.RedeliverInput{OutboxID: "msg_1", Attempt: 3}); id != "redeliver/msg_1/3" {
		t.Fatalf("workflow ID %q", id)
	}
}
