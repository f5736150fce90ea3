// Package worker builds the Temporal worker that runs every ralo workflow
// and activity on the ralo task queue.
package worker

import (
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/activities"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/anchor"
	"github.com/lacralo/ralo/workflows/arbitration"
	"github.com/lacralo/ralo/workflows/election"
	"github.com/lacralo/ralo/workflows/ethics"
	"github.com/lacralo/ralo/workflows/meeting"
	"github.com/lacralo/ralo/workflows/statement"
)

// New returns a worker with every workflow and activity registered; the
// caller starts and stops it.
func New(c client.Client, acts *activities.Activities) worker.Worker {
	w := worker.New(c, workflows.TaskQueue, worker.Options{})
	Register(w, acts)
	return w
}

// Register registers every workflow and activity on a registry (a worker or
// a test environment or replayer).
func Register(r interface {
	RegisterWorkflowWithOptions(w interface{}, options workflow.RegisterOptions)
	RegisterActivity(a interface{})
}, acts *activities.Activities) {
	r.RegisterWorkflowWithOptions(workflows.Notify, workflow.RegisterOptions{Name: workflows.NotifyWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.Redeliver, workflow.RegisterOptions{Name: workflows.RedeliverWorkflowName})
	r.RegisterWorkflowWithOptions(anchor.Anchor, workflow.RegisterOptions{Name: anchor.WorkflowName})
	r.RegisterWorkflowWithOptions(arbitration.Arbitration, workflow.RegisterOptions{Name: arbitration.WorkflowName})
	r.RegisterWorkflowWithOptions(ethics.Ethics, workflow.RegisterOptions{Name: ethics.WorkflowName})
	r.RegisterWorkflowWithOptions(election.Election, workflow.RegisterOptions{Name: election.WorkflowName})
	r.RegisterWorkflowWithOptions(statement.Statement, workflow.RegisterOptions{Name: statement.WorkflowName})
	r.RegisterWorkflowWithOptions(meeting.Meeting, workflow.RegisterOptions{Name: meeting.WorkflowName})
	r.RegisterWorkflowWithOptions(meeting.MeetingCancellation, workflow.RegisterOptions{Name: meeting.CancellationWorkflowName})
	r.RegisterWorkflowWithOptions(meeting.ParticipationReview, workflow.RegisterOptions{Name: meeting.ParticipationReviewWorkflowName})
	r.RegisterWorkflowWithOptions(meeting.MonthlyDigest, workflow.RegisterOptions{Name: meeting.DigestWorkflowName})
	r.RegisterWorkflowWithOptions(meeting.QuarterlyParticipationReport, workflow.RegisterOptions{Name: meeting.QuarterlyReportWorkflowName})
	r.RegisterActivity(acts)
}
