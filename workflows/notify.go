package workflows

import (
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// PermanentEmailError is the application error type a delivery returns when
// retrying cannot help (a 5xx reply, an invalid address).
const PermanentEmailError = "PermanentEmailError"

// deliveryRetry retries transient SMTP failures with backoff for up to three
// days; a message that still cannot be sent is marked failed, never dropped
// silently.
var deliveryRetry = &temporal.RetryPolicy{
	InitialInterval:        time.Second,
	BackoffCoefficient:     2,
	MaximumInterval:        30 * time.Minute,
	NonRetryableErrorTypes: []string{PermanentEmailError},
}

const deliveryWindow = 72 * time.Hour

// NotifyWorkflowName is the registered name of Notify.
const NotifyWorkflowName = "Notify"

// Notify emails one event to members: it writes every message to the
// outbox first (idempotently), then delivers each with retries. It is a
// workflow of its own so that delivery outlives the process that asked for
// it and never blocks it.
func Notify(ctx workflow.Context, in NotifyInput) error {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
	var queued EnqueueResult
	if err := workflow.ExecuteActivity(actx, ActivityEnqueueNotifications, in).Get(ctx, &queued); err != nil {
		return err
	}
	var ids []string
	for _, q := range queued.Emails {
		if q.Deliver {
			ids = append(ids, q.OutboxID)
		}
	}
	return deliver(ctx, ids)
}

// deliver sends outbox messages with retries and marks failed, with the
// reason, each that cannot be sent.
func deliver(ctx workflow.Context, ids []string) error {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
	dctx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    time.Minute,
		ScheduleToCloseTimeout: deliveryWindow,
		RetryPolicy:            deliveryRetry,
	})
	pending := make([]workflow.Future, len(ids))
	for i, id := range ids {
		pending[i] = workflow.ExecuteActivity(dctx, ActivityDeliverEmail, DeliverInput{OutboxID: id})
	}
	for i, f := range pending {
		err := f.Get(ctx, nil)
		if err == nil {
			continue
		}
		reason := err.Error()
		var appErr *temporal.ApplicationError
		if errors.As(err, &appErr) {
			reason = appErr.Message()
		}
		if err := workflow.ExecuteActivity(actx, ActivityMarkEmailFailed, MarkFailedInput{OutboxID: ids[i], Reason: reason}).Get(ctx, nil); err != nil {
			return err
		}
	}
	return nil
}

// RedeliverWorkflowName is the registered name of Redeliver.
const RedeliverWorkflowName = "Redeliver"

// RedeliverInput names a failed message put back to delivery; Attempt
// (its attempts so far) makes each retry's workflow ID its own.
type RedeliverInput struct {
	OutboxID string
	Attempt  int
}

// RedeliverWorkflowID is the business key of one retry of a message.
func RedeliverWorkflowID(in RedeliverInput) string {
	return fmt.Sprintf("redeliver/%s/%d", in.OutboxID, in.Attempt)
}

// Redeliver delivers again a message an admin put back to pending, as
// Notify delivers: retries with backoff, then failed with the reason.
func Redeliver(ctx workflow.Context, in RedeliverInput) error {
	return deliver(ctx, []string{in.OutboxID})
}

// StartNotify starts a Notify workflow from a process workflow and returns
// once it has started. The child is abandoned when the parent closes, so a
// closing case still gets its last emails out; its business ID makes a
// replayed or retried step a no-op.
func StartNotify(ctx workflow.Context, in NotifyInput) error {
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            NotifyWorkflowID(in),
		TaskQueue:             TaskQueue,
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	})
	err := workflow.ExecuteChildWorkflow(cctx, Notify, in).GetChildWorkflowExecution().Get(ctx, nil)
	if temporal.IsWorkflowExecutionAlreadyStartedError(err) {
		return nil
	}
	return err
}

// RecordAudit appends an audit entry from a workflow.
func RecordAudit(ctx workflow.Context, in AuditInput) (AuditResult, error) {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
	var res AuditResult
	err := workflow.ExecuteActivity(actx, ActivityRecordAudit, in).Get(ctx, &res)
	return res, err
}

// RecordAudits appends several audit entries from a workflow in one
// activity, in order.
func RecordAudits(ctx workflow.Context, in []AuditInput) error {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
	return workflow.ExecuteActivity(actx, ActivityRecordAudits, in).Get(ctx, nil)
}

// SaveCase updates the cases index from a workflow.
func SaveCase(ctx workflow.Context, in CaseIndex) error {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
	return workflow.ExecuteActivity(actx, ActivitySaveCase, in).Get(ctx, nil)
}
