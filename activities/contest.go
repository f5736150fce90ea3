package activities

import (
	"context"
	"errors"
	"fmt"
	"slices"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/election"
)

// contestActor is who records a contest on the election: the system, with
// the staff role the election's update asks for.
var contestActor = workflows.Actor{MemberID: "system", Roles: []string{store.RoleStaff}}

// RecordContest records on an election the arbitration that contests its
// certified result (election.UpdateContest), for the arbitration, which
// retries it until it succeeds. It is idempotent: the update's ID derives
// from the arbitration's, so a retry after a lost answer gets the first
// answer, and a refusal is checked against the election's state, so an
// arbitration already recorded (by an earlier try, or by its ruling's
// signal) is a success. Any other refusal, and an election that is closed
// or unknown, fails for good (workflows.ErrContestRefused); everything
// else (the server unavailable, an update aborted because the election
// continued as new) is retried.
func (a *Activities) RecordContest(ctx context.Context, in workflows.RecordContestInput) error {
	if a.Temporal == nil {
		return errors.New("no Temporal client to record the contest with")
	}
	id := election.WorkflowID(in.ElectionID)
	err := a.sendContest(ctx, id, in)
	var refusal *temporal.ApplicationError
	var notFound *serviceerror.NotFound
	switch {
	case err == nil:
		return nil
	case errors.As(err, &refusal) && refused(refusal.Type()):
		recorded, qerr := a.contestRecorded(ctx, id, in.ArbitrationID)
		if qerr != nil {
			return qerr
		}
		if recorded {
			return nil
		}
		return temporal.NewNonRetryableApplicationError("the election refused the contest: "+refusal.Message(), workflows.ErrContestRefused, err)
	case errors.As(err, &notFound):
		return a.electionGone(ctx, id, err)
	}
	return fmt.Errorf("record the contest on %s: %w", id, err)
}

// sendContest sends the election its contest update and waits for the
// answer.
func (a *Activities) sendContest(ctx context.Context, id string, in workflows.RecordContestInput) error {
	h, err := a.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		UpdateID:     "contest/" + in.ArbitrationID,
		WorkflowID:   id,
		UpdateName:   election.UpdateContest,
		Args:         []any{election.ContestInput{Actor: contestActor, ArbitrationID: in.ArbitrationID}},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return err
	}
	return h.Get(ctx, nil)
}

// refused says whether an update's error type is a workflow's refusal of
// the transition, which asking again does not change.
func refused(errType string) bool {
	switch errType {
	case workflows.ErrForbidden, workflows.ErrInvalidState, workflows.ErrInvalidInput, workflows.ErrNotFound:
		return true
	}
	return false
}

// contestRecorded reads from the election whether the arbitration is
// among its contests.
func (a *Activities) contestRecorded(ctx context.Context, id, arbitrationID string) (bool, error) {
	v, err := a.Temporal.QueryWorkflow(ctx, id, "", election.Query)
	if err != nil {
		return false, fmt.Errorf("read the contests of %s: %w", id, err)
	}
	var st election.State
	if err := v.Get(&st); err != nil {
		return false, fmt.Errorf("read the contests of %s: %w", id, err)
	}
	return slices.ContainsFunc(st.Contests, func(c election.Contest) bool { return c.ArbitrationID == arbitrationID }), nil
}

// electionGone tells, after the server answered "not found", an election
// that is closed or does not exist (final) from one still running, whose
// update the server aborted as the run continued as new (retried). It
// asks the server for the execution, never reads the error's text.
func (a *Activities) electionGone(ctx context.Context, id string, err error) error {
	desc, derr := a.Temporal.DescribeWorkflowExecution(ctx, id, "")
	var notFound *serviceerror.NotFound
	switch {
	case errors.As(derr, &notFound):
		return temporal.NewNonRetryableApplicationError("no election "+id+" to record the contest on", workflows.ErrContestRefused, err)
	case derr != nil:
		return fmt.Errorf("describe %s: %w", id, derr)
	case desc.GetWorkflowExecutionInfo().GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING:
		return temporal.NewNonRetryableApplicationError("the election "+id+" is closed", workflows.ErrContestRefused, err)
	}
	return fmt.Errorf("record the contest on %s: %w", id, err)
}
