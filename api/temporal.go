package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
)

// update sends an update to a workflow and waits until the workflow has
// durably recorded it; a transition the validator refuses never enters the
// history and comes back as a problem (403, 409 or 422).
func (s *Server) update(c echo.Context, workflowID, name string, arg, out any) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), updateTimeout)
	defer cancel()
	// One update ID for the request: when the server gives up waiting for
	// a busy workflow to take the update (an election in the rush before
	// it closes), asking again with the same ID is answered with the one
	// update's outcome, never applied twice.
	id := store.NewID("upd")
	for {
		err := s.updateOnce(ctx, id, workflowID, name, arg, out)
		var timeout *client.WorkflowUpdateServiceTimeoutOrCanceledError
		if !errors.As(err, &timeout) || ctx.Err() != nil {
			return err
		}
		s.log.DebugContext(ctx, "update not taken yet; asking again", "workflow_id", workflowID, "update", name)
	}
}

// updateTimeout bounds how long a request waits for a workflow to record
// its update.
const updateTimeout = 2 * time.Minute

func (s *Server) updateOnce(ctx context.Context, id, workflowID, name string, arg, out any) error {
	h, err := s.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		UpdateID:     id,
		WorkflowID:   workflowID,
		UpdateName:   name,
		Args:         []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return workflowError(err)
	}
	if err := h.Get(ctx, out); err != nil {
		return workflowError(err)
	}
	return nil
}

// query reads a workflow's live state.
func (s *Server) query(c echo.Context, workflowID, name string, out any) error {
	v, err := s.temporal.QueryWorkflow(c.Request().Context(), workflowID, "", name)
	if err != nil {
		return workflowError(err)
	}
	return v.Get(out)
}

// queryNew reads a workflow just started. Its first workflow task may
// still be queued behind others on a busy worker, so a failed query is
// retried for up to half a minute before it is reported.
func (s *Server) queryNew(c echo.Context, workflowID, name string, out any) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := s.query(c, workflowID, name, out)
		if err == nil || time.Now().After(deadline) || c.Request().Context().Err() != nil {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// workflowError maps the errors of the Temporal client to API errors, in
// one place: a refused transition's type says whether the caller, the state
// or the input was wrong.
func workflowError(err error) error {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		switch appErr.Type() {
		case workflows.ErrForbidden:
			return errStatus(http.StatusForbidden, appErr.Message())
		case workflows.ErrInvalidState:
			return conflict(appErr.Message())
		case workflows.ErrInvalidInput:
			return &Error{Status: http.StatusUnprocessableEntity, Detail: appErr.Message()}
		case workflows.ErrNotFound:
			return errNotFound
		}
	}
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		// A closed workflow, or one that closed while the update waited
		// ("workflow update was aborted by closing workflow"), exists: the
		// transition comes too late.
		if msg := notFound.Error(); strings.Contains(msg, "already completed") || strings.Contains(msg, "aborted by closing workflow") {
			return conflict("the process is closed")
		}
		return errNotFound
	}
	return err
}
