package meeting

import (
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/workflows"
)

// scheduledStartKey is the search attribute the Temporal scheduler sets on
// the workflows it starts: the nominal time of the action.
var scheduledStartKey = temporal.NewSearchAttributeKeyTime("TemporalScheduledStartTime")

// Meeting invites to one meeting and reminds the invitees before it
// starts. Started by a series' schedule, it creates the next occurrence;
// started by the API, the occurrence already exists.
func Meeting(ctx workflow.Context, in Input) (Result, error) {
	logger := log.With(workflow.GetLogger(ctx), "series_id", in.SeriesID, "meeting_id", in.MeetingID)
	start := in.StartsAt
	if start.IsZero() {
		if !in.Recurrence.Valid() || in.SeriesID == "" {
			return Result{}, temporal.NewNonRetryableApplicationError("a scheduled meeting needs a series and a recurrence", workflows.ErrInvalidInput, nil)
		}
		at, ok := workflow.GetTypedSearchAttributes(ctx).GetTime(scheduledStartKey)
		if !ok {
			at = workflow.GetInfo(ctx).WorkflowStartTime
		}
		start = in.Recurrence.Next(at.UTC().Truncate(time.Second))
	}
	res := Result{MeetingID: in.MeetingID, StartsAt: start}
	if in.Until != nil && start.After(*in.Until) {
		res.Skipped = "after the end of the series"
		return res, nil
	}
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
	var m Created
	if err := workflow.ExecuteActivity(actx, ActivityCreate, Occurrence{
		MeetingID: in.MeetingID, SeriesID: in.SeriesID, StartsAt: start, Stamp: workflow.Now(ctx),
	}).Get(ctx, &m); err != nil {
		return res, err
	}
	if m.Cancelled {
		res.Skipped = "cancelled"
		return res, nil
	}
	res.MeetingID = m.MeetingID
	// A meeting recorded after the fact (to take attendance) needs no
	// invitation.
	if !m.StartsAt.After(workflow.Now(ctx)) {
		res.Skipped = "already started"
		return res, nil
	}
	data := map[string]any{"title": m.Title, "starts_at": m.StartsAt, "location": m.Location, "meeting_id": m.MeetingID}
	if err := workflows.StartNotify(ctx, workflows.NotifyInput{Process: "meetings", ObjectID: m.MeetingID, Step: "invitation",
		Event: "meeting.invitation", MemberIDs: m.Invitees, Data: data, Attachments: []workflows.Attachment{m.Invitation}}); err != nil {
		logger.Error("invitations not started", "error", err)
	}
	res.Invited = len(m.Invitees)
	remindAt := m.StartsAt.Add(-in.Reminder)
	if in.Reminder <= 0 || !remindAt.After(workflow.Now(ctx)) {
		return res, nil
	}
	if err := workflow.NewTimerWithOptions(ctx, remindAt.Sub(workflow.Now(ctx)), workflow.TimerOptions{Summary: "reminder"}).Get(ctx, nil); err != nil {
		return res, err
	}
	// A meeting cancelled since its invitation gets no reminder.
	if workflow.GetVersion(ctx, "reminder-checks-cancellation", workflow.DefaultVersion, 1) == 1 {
		var now Created
		if err := workflow.ExecuteActivity(actx, ActivityCreate, Occurrence{
			MeetingID: m.MeetingID, StartsAt: m.StartsAt, Stamp: workflow.Now(ctx),
		}).Get(ctx, &now); err != nil {
			return res, err
		}
		if now.Cancelled {
			res.Skipped = "cancelled"
			return res, nil
		}
	}
	if err := workflows.StartNotify(ctx, workflows.NotifyInput{Process: "meetings", ObjectID: m.MeetingID, Step: "reminder",
		Event: "meeting.reminder", MemberIDs: m.Invitees, Data: data}); err != nil {
		logger.Error("reminders not started", "error", err)
	}
	res.Reminded = true
	return res, nil
}

// MeetingCancellation emails the invitees of every cancelled meeting an
// iCalendar CANCEL of its invitation (same UID, higher SEQUENCE), so that
// their calendars remove it. Each meeting's emails are keyed by the
// meeting, so a meeting cancelled twice (once alone, once with its series)
// is announced once.
func MeetingCancellation(ctx workflow.Context, in CancellationInput) (CancellationResult, error) {
	logger := log.With(workflow.GetLogger(ctx), "cancelled", in.Key)
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
	res := CancellationResult{Told: map[string]int{}}
	for _, id := range in.MeetingIDs {
		var m Created
		if err := workflow.ExecuteActivity(actx, ActivityCancelled, Occurrence{MeetingID: id, Stamp: workflow.Now(ctx)}).Get(ctx, &m); err != nil {
			return res, err
		}
		if !m.Cancelled || len(m.Invitees) == 0 {
			continue
		}
		data := map[string]any{"title": m.Title, "starts_at": m.StartsAt, "location": m.Location, "meeting_id": m.MeetingID}
		if err := workflows.StartNotify(ctx, workflows.NotifyInput{Process: "meetings", ObjectID: m.MeetingID, Step: "cancellation",
			Event: "meeting.cancelled", MemberIDs: m.Invitees, Data: data, Attachments: []workflows.Attachment{m.Invitation}}); err != nil {
			logger.Error("cancellation not started", "meeting_id", m.MeetingID, "error", err)
			continue
		}
		res.Told[m.MeetingID] = len(m.Invitees)
	}
	return res, nil
}
