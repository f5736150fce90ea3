package service

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/lacralo/ralo/workflows/process"
)

// describeClient answers DescribeWorkflowExecution with a status, or
// "not found" when there is no execution.
type describeClient struct {
	client.Client
	status enumspb.WorkflowExecutionStatus
	exists bool
}

func (c describeClient) DescribeWorkflowExecution(context.Context, string, string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	if !c.exists {
		return nil, serviceerror.NewNotFound("workflow not found")
	}
	return &workflowservice.DescribeWorkflowExecutionResponse{
		WorkflowExecutionInfo: &workflowpb.WorkflowExecutionInfo{Status: c.status},
	}, nil
}

// TestWorkflowErrorClosedProcess: a transition that reaches a closed
// workflow, or one that closes while the update waits, is too late (409),
// not unknown (404); a workflow that never existed is unknown. The answer
// comes from the execution's status, whatever the message says; refused
// transitions keep the kind their type names.
func TestWorkflowErrorClosedProcess(t *testing.T) {
	notFound := serviceerror.NewNotFound("any words at all")
	for _, tc := range []struct {
		name string
		c    describeClient
		err  error
		want Kind
	}{
		{"completed", describeClient{exists: true, status: enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED}, notFound, KindConflict},
		{"terminated", describeClient{exists: true, status: enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED}, notFound, KindConflict},
		{"never existed", describeClient{}, notFound, KindNotFound},
		{"running, unknown update", describeClient{exists: true, status: enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING}, notFound, KindNotFound},
		{"forbidden", describeClient{}, temporal.NewApplicationError("no", process.ErrForbidden), KindForbidden},
		{"invalid state", describeClient{}, temporal.NewApplicationError("no", process.ErrInvalidState), KindConflict},
		{"invalid input", describeClient{}, temporal.NewApplicationError("no", process.ErrInvalidInput), KindInvalid},
		{"not found by the process", describeClient{}, temporal.NewApplicationError("no", process.ErrNotFound), KindNotFound},
	} {
		s := &Service{temporal: tc.c, log: slog.New(slog.DiscardHandler)}
		var e *Error
		if got := s.workflowError(context.Background(), "statement/x", tc.err); !errors.As(got, &e) || e.Kind != tc.want {
			t.Errorf("%s: got %v, want kind %d", tc.name, got, tc.want)
		}
	}
}

// updateClient answers UpdateWorkflow from a script: the first timeouts
// calls time out as the server does when a busy workflow has not taken the
// update yet, then the update completes with result. It records the
// options of every call.
type updateClient struct {
	client.Client
	timeouts int
	result   string
	calls    []client.UpdateWorkflowOptions
}

func (c *updateClient) UpdateWorkflow(ctx context.Context, o client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	c.calls = append(c.calls, o)
	if len(c.calls) <= c.timeouts {
		return nil, client.NewWorkflowUpdateServiceTimeoutOrCanceledError(context.DeadlineExceeded)
	}
	return updateHandle{result: c.result}, nil
}

type updateHandle struct {
	client.WorkflowUpdateHandle
	result string
}

func (h updateHandle) Get(ctx context.Context, out any) error {
	*out.(*string) = h.result
	return nil
}

// TestUpdateRetriesTimeoutsWithOneID: an update the server timed out
// waiting for is asked again with the same update ID, so the workflow
// applies it once, and the request gets its outcome.
func TestUpdateRetriesTimeoutsWithOneID(t *testing.T) {
	fc := &updateClient{timeouts: 2, result: "recorded"}
	s := &Service{temporal: fc, log: slog.New(slog.DiscardHandler)}
	var out string
	if err := s.update(context.Background(), "election/x", "cast", "ballot", &out); err != nil {
		t.Fatalf("update: %v", err)
	}
	if out != "recorded" {
		t.Errorf("outcome %q, want %q", out, "recorded")
	}
	if len(fc.calls) != 3 {
		t.Fatalf("%d calls, want 3 (two timeouts, then the answer)", len(fc.calls))
	}
	for _, o := range fc.calls {
		if o.UpdateID == "" || o.UpdateID != fc.calls[0].UpdateID {
			t.Errorf("update IDs %q and %q: every attempt must carry the first one's", o.UpdateID, fc.calls[0].UpdateID)
		}
		if o.WorkflowID != "election/x" || o.UpdateName != "cast" || o.WaitForStage != client.WorkflowUpdateStageCompleted {
			t.Errorf("attempt %+v: wrong workflow, update or stage", o)
		}
	}
}

// TestUpdateGivesUpWithTheRequest: when the request's context ends, the
// retries stop and the timeout comes back.
func TestUpdateGivesUpWithTheRequest(t *testing.T) {
	fc := &updateClient{timeouts: 1 << 30}
	s := &Service{temporal: fc, log: slog.New(slog.DiscardHandler)}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out string
	err := s.update(ctx, "election/x", "cast", "ballot", &out)
	var timeout *client.WorkflowUpdateServiceTimeoutOrCanceledError
	if !errors.As(err, &timeout) {
		t.Fatalf("update with the request gone: %v, want the timeout", err)
	}
	if len(fc.calls) != 1 {
		t.Errorf("%d calls after the request ended, want 1", len(fc.calls))
	}
}
