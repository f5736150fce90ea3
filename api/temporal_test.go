package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// TestWorkflowErrorClosedProcess: a transition that reaches a closed
// workflow, or one that closes while the update waits, is too late (409),
// not unknown (404); a workflow that never existed is unknown.
func TestWorkflowErrorClosedProcess(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{serviceerror.NewNotFound("workflow execution already completed"), http.StatusConflict},
		{serviceerror.NewNotFound("workflow update was aborted by closing workflow"), http.StatusConflict},
		{serviceerror.NewNotFound("workflow not found for ID: statement/x"), http.StatusNotFound},
	} {
		var apiErr *Error
		if !errors.As(workflowError(tc.err), &apiErr) || apiErr.Status != tc.want {
			t.Errorf("%v: got %v, want %d", tc.err, workflowError(tc.err), tc.want)
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
	s := &Server{temporal: fc, log: slog.New(slog.DiscardHandler)}
	c := echo.New().NewContext(httptest.NewRequest(http.MethodPost, "/", nil), httptest.NewRecorder())
	var out string
	if err := s.update(c, "election/x", "cast", "ballot", &out); err != nil {
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
	s := &Server{temporal: fc, log: slog.New(slog.DiscardHandler)}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest(http.MethodPost, "/", nil).WithContext(ctx)
	c := echo.New().NewContext(req, httptest.NewRecorder())
	var out string
	err := s.update(c, "election/x", "cast", "ballot", &out)
	var timeout *client.WorkflowUpdateServiceTimeoutOrCanceledError
	if !errors.As(err, &timeout) {
		t.Fatalf("update with the request gone: %v, want the timeout", err)
	}
	if len(fc.calls) != 1 {
		t.Errorf("%d calls after the request ended, want 1", len(fc.calls))
	}
}
