package service

import (
	"context"
	"errors"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/store"
)

// updateTimeout bounds how long an operation waits for a workflow to
// record its update.
const updateTimeout = 2 * time.Minute

// update sends an update to a workflow and waits until the workflow has
// durably recorded it; a transition the validator refuses never enters the
// history and comes back as an *Error (forbidden, conflict, invalid).
func (s *Service) update(ctx context.Context, workflowID, name string, arg, out any) error {
	ctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	// One update ID for the request: when the server gives up waiting for
	// a busy workflow to take the update (an election in the rush before
	// it closes), asking again with the same ID is answered with the one
	// update's outcome, never applied twice.
	id := store.NewID("upd")
	wait := 20 * time.Millisecond
	for {
		err := s.updateOnce(ctx, id, workflowID, name, arg, out)
		var timeout *client.WorkflowUpdateServiceTimeoutOrCanceledError
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return s.workflowError(ctx, workflowID, err)
		case errors.As(err, &timeout):
			s.log.DebugContext(ctx, "update not taken yet; asking again", "workflow_id", workflowID, "update", name)
			continue
		case !updateAborted(err):
			return s.workflowError(ctx, workflowID, err)
		}
		// The server aborted the update before the workflow took it: the
		// workflow task that carried it failed (a continue-as-new racing
		// with updates that arrived meanwhile is refused by the server and
		// retried), or the run closed to continue as new. Nothing was
		// applied; the same update goes to the workflow again (its
		// current run), after a pause that grows to a second.
		s.log.DebugContext(ctx, "update aborted by the server; asking again", "workflow_id", workflowID, "update", name, "err", err)
		select {
		case <-ctx.Done():
			return s.workflowError(ctx, workflowID, err)
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Second)
	}
}

// updateAborted reports the server's answers that mean an update was
// aborted without being applied (go.temporal.io/server's update
// registry: a workflow task failure, an abort by the server, or the run
// closing, as it does when it continues as new).
func updateAborted(err error) bool {
	var notReady *serviceerror.WorkflowNotReady
	var unavailable *serviceerror.Unavailable
	var notFound *serviceerror.NotFound
	switch {
	case errors.As(err, &notReady):
		return true
	case errors.As(err, &unavailable):
		return strings.Contains(unavailable.Error(), "update was aborted")
	case errors.As(err, &notFound):
		return strings.Contains(notFound.Error(), "aborted by closing workflow")
	}
	return false
}

func (s *Service) updateOnce(ctx context.Context, id, workflowID, name string, arg, out any) error {
	h, err := s.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		UpdateID:     id,
		WorkflowID:   workflowID,
		UpdateName:   name,
		Args:         []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return err
	}
	return h.Get(ctx, out)
}

// query reads a workflow's live state.
func (s *Service) query(ctx context.Context, workflowID, name string, out any) error {
	v, err := s.temporal.QueryWorkflow(ctx, workflowID, "", name)
	if err != nil {
		return s.workflowError(ctx, workflowID, err)
	}
	return v.Get(out)
}

// queryNew reads a workflow just started. Its first workflow task may
// still be queued behind others on a busy worker, so a failed query is
// retried for up to half a minute before it is reported.
func (s *Service) queryNew(ctx context.Context, workflowID, name string, out any) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := s.query(ctx, workflowID, name, out)
		if err == nil || time.Now().After(deadline) || ctx.Err() != nil {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// CodeProcessClosed refuses an act on a process that has ended.
const CodeProcessClosed = "process_closed"

// workflowError maps the errors of the Temporal client to the service's,
// in one place: a refused transition's type says whether the actor, the
// state or the input was wrong. A "not found" from the server is told
// apart by asking the server for the execution, never by its message: a
// closed workflow, or one that closed while the update waited, exists,
// and the transition comes too late (conflict); else nothing is there.
func (s *Service) workflowError(ctx context.Context, workflowID string, err error) error {
	var notFound *serviceerror.NotFound
	if !errors.As(err, &notFound) {
		if e := AsError(err); e.Kind != KindInternal {
			return e
		}
		return err
	}
	desc, derr := s.temporal.DescribeWorkflowExecution(ctx, workflowID, "")
	if derr == nil && desc.GetWorkflowExecutionInfo().GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return Conflict("the process is closed").Coded(CodeProcessClosed)
	}
	return NotFound()
}
