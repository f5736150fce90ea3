// Package anchor holds the AuditAnchor workflow: the audit chain's head
// (sequence, hash) checkpointed into a Temporal history, outside the
// application database, so that a rewrite or a truncation of the database
// is detected. It imports the SDK and workflows only; the checkpoints come
// from the application (app's anchor loop) through an update.
package anchor

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/workflows"
)

const (
	// WorkflowName is the anchor's workflow type; WorkflowID its one ID.
	WorkflowName = "AuditAnchor"
	WorkflowID   = "audit-anchor"
	// UpdateCheckpoint records a checkpoint; QueryCheckpoints lists the
	// kept ones, oldest first.
	UpdateCheckpoint = "checkpoint"
	QueryCheckpoints = "checkpoints"
	// Keep is how many checkpoints the state keeps (and carries through
	// continue-as-new); maxPerRun bounds one run's history.
	Keep      = 50
	maxPerRun = 1000
)

// Checkpoint is the chain's head at a moment: entry Seq has hash Hash.
type Checkpoint struct {
	Seq  int64     `json:"seq"`
	Hash string    `json:"hash"`
	At   time.Time `json:"at"`
}

// State is the anchor's state, carried from run to run.
type State struct {
	Checkpoints []Checkpoint `json:"checkpoints"`
}

// ErrNotAhead refuses a checkpoint that does not move the head forward: a
// chain whose head went back was truncated.
var ErrNotAhead = errors.New("the checkpoint is not ahead of the last one")

// Anchor keeps the last checkpoints; each accepted update is an event of
// its history, which the application database cannot rewrite.
func Anchor(ctx workflow.Context, st State) (State, error) {
	accepted := 0
	if err := workflow.SetQueryHandler(ctx, QueryCheckpoints, func() ([]Checkpoint, error) {
		return st.Checkpoints, nil
	}); err != nil {
		return st, err
	}
	err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateCheckpoint,
		func(ctx workflow.Context, cp Checkpoint) (Checkpoint, error) {
			st.Checkpoints = append(st.Checkpoints, cp)
			if len(st.Checkpoints) > Keep {
				st.Checkpoints = append([]Checkpoint(nil), st.Checkpoints[len(st.Checkpoints)-Keep:]...)
			}
			accepted++
			return cp, nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, cp Checkpoint) error {
			if cp.Seq <= 0 || len(cp.Hash) != 64 {
				return fmt.Errorf("checkpoint %d %q is malformed", cp.Seq, cp.Hash)
			}
			if n := len(st.Checkpoints); n > 0 && cp.Seq <= st.Checkpoints[n-1].Seq {
				return fmt.Errorf("%w: %d after %d", ErrNotAhead, cp.Seq, st.Checkpoints[n-1].Seq)
			}
			return nil
		}})
	if err != nil {
		return st, err
	}
	if err := workflow.Await(ctx, func() bool {
		return accepted >= maxPerRun || workflow.GetInfo(ctx).GetContinueAsNewSuggested()
	}); err != nil {
		return st, err
	}
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return st, err
	}
	return st, workflow.NewContinueAsNewError(ctx, WorkflowName, st)
}

// Start makes sure the anchor runs (the first caller starts it).
func Start(ctx context.Context, c client.Client) error {
	_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       WorkflowID,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, WorkflowName, State{})
	return err
}

// Record sends a checkpoint and waits until the anchor's history holds it.
func Record(ctx context.Context, c client.Client, cp Checkpoint) error {
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: WorkflowID, UpdateName: UpdateCheckpoint, Args: []any{cp},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return err
	}
	return h.Get(ctx, nil)
}

// Checkpoints reads the kept checkpoints, oldest first.
func Checkpoints(ctx context.Context, c client.Client) ([]Checkpoint, error) {
	v, err := c.QueryWorkflow(ctx, WorkflowID, "", QueryCheckpoints)
	if err != nil {
		return nil, err
	}
	var out []Checkpoint
	return out, v.Get(&out)
}
