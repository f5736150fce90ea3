package meeting

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lacralo/ralo/workflows"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Workflow names of process 5 (participation and meetings).
const (
	// MeetingWorkflowName invites to one meeting and reminds the invitees.
	WorkflowName = "Meeting"
	// MeetingCancellationWorkflowName tells the invitees of cancelled
	// meetings, with an iCalendar CANCEL.
	CancellationWorkflowName = "MeetingCancellation"
	// ParticipationReviewWorkflowName applies the inactivity rule monthly.
	ParticipationReviewWorkflowName = "ParticipationReview"
	// ParticipationReviewWorkflowID is the single review's business key.
	ParticipationReviewWorkflowID = "participation-review"
)

// Activities of process 5.
const (
	// ActivityCreateMeeting creates a meeting occurrence (idempotently) and
	// returns its invitees and invitation, MeetingOccurrence -> MeetingCreated.
	ActivityCreate = "CreateMeeting"
	// ActivityCancelledMeeting returns a cancelled meeting's invitees and
	// its iCalendar CANCEL, MeetingOccurrence -> MeetingCreated.
	ActivityCancelled = "CancelledMeeting"
	// ActivityListParticipationALS lists the ALSes under review and the
	// staff to notify, ListParticipationALSInput -> ParticipationALSList.
	ActivityListParticipationALS = "ListParticipationALS"
	// ActivityEvaluateParticipation applies the inactivity rule to one ALS
	// and stores the result, EvaluateParticipationInput -> ParticipationEvaluation.
	ActivityEvaluateParticipation = "EvaluateParticipation"
)

const participationProcess = "participation"

// MeetingSeriesScheduleID is the ID of the Temporal Schedule of a series.
func SeriesScheduleID(seriesID string) string { return "meeting-series/" + seriesID }

// MeetingSeriesWorkflowID is the workflow ID a series' schedule starts its
// Meeting workflows under; the schedule appends "-" and the scheduled time.
func SeriesWorkflowID(seriesID string) string { return "meeting/" + seriesID }

// MeetingWorkflowID is the business key of the Meeting workflow of a
// one-off meeting or of a series' first occurrence.
func WorkflowID(key string, startsAt time.Time) string {
	return "meeting/" + key + "/" + startsAt.UTC().Format("20060102T150405Z")
}

// MeetingCancellationWorkflowID is the business key of the cancellation of
// a meeting or a series (key is its ID).
func CancellationWorkflowID(key string) string { return "meeting-cancel/" + key }

// Recurrence is how often a series meets: every Months calendar months
// (same day and time), or every Interval when Months is zero.
type Recurrence struct {
	Months   int           `json:"months"`
	Interval time.Duration `json:"interval"`
}

// Next is the occurrence after t.
func (r Recurrence) Next(t time.Time) time.Time {
	if r.Months > 0 {
		return t.AddDate(0, r.Months, 0)
	}
	return t.Add(r.Interval)
}

// Valid reports whether the recurrence moves time forward.
func (r Recurrence) Valid() bool { return r.Months > 0 || r.Interval > 0 }

// ParseRecurrence reads "1mo", "2mo" (any whole number of months dividing
// a year) or a duration as parseDuration reads it.
func ParseRecurrence(s string, parseDuration func(string) (time.Duration, error)) (Recurrence, error) {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "mo"); ok {
		m, err := strconv.Atoi(n)
		if err != nil || m <= 0 || 12%m != 0 {
			return Recurrence{}, fmt.Errorf("%q: a number of months must divide 12 (1mo, 2mo, 3mo, 4mo, 6mo, 12mo)", s)
		}
		return Recurrence{Months: m}, nil
	}
	d, err := parseDuration(s)
	if err != nil {
		return Recurrence{}, err
	}
	if d < time.Second {
		return Recurrence{}, fmt.Errorf("%q: a recurrence is at least one second", s)
	}
	return Recurrence{Interval: d}, nil
}

// MeetingInput starts a Meeting workflow. A one-off meeting and a series'
// first occurrence exist already (MeetingID and StartsAt are set); a
// scheduled occurrence leaves them empty and is the occurrence after the
// schedule's time, so that invitations go out one period ahead.
type Input struct {
	MeetingID  string        `json:"meeting_id"`
	SeriesID   string        `json:"series_id"`
	StartsAt   time.Time     `json:"starts_at"`
	Recurrence Recurrence    `json:"recurrence"`
	Until      *time.Time    `json:"until"`
	CreatedBy  string        `json:"created_by"`
	Reminder   time.Duration `json:"reminder"`
}

// MeetingOccurrence asks the activity to create (or find) one occurrence.
type Occurrence struct {
	MeetingID string    `json:"meeting_id"`
	SeriesID  string    `json:"series_id"`
	StartsAt  time.Time `json:"starts_at"`
	// Stamp is the workflow time, the invitation's DTSTAMP.
	Stamp time.Time `json:"stamp"`
}

// MeetingCreated is the occurrence with its invitees and invitation.
// Cancelled means the series or the meeting was cancelled: nothing was
// created, and nobody is to be invited; from ActivityCancelledMeeting it
// means the opposite: Invitation is the CANCEL to send.
type Created struct {
	MeetingID  string               `json:"meeting_id"`
	Title      string               `json:"title"`
	StartsAt   time.Time            `json:"starts_at"`
	Location   string               `json:"location"`
	Invitees   []string             `json:"invitees"`
	Invitation workflows.Attachment `json:"invitation"`
	Cancelled  bool                 `json:"cancelled"`
}

// MeetingResult is what a Meeting workflow did.
type Result struct {
	MeetingID string    `json:"meeting_id"`
	StartsAt  time.Time `json:"starts_at"`
	Invited   int       `json:"invited"`
	Reminded  bool      `json:"reminded"`
	Skipped   string    `json:"skipped,omitempty"`
}

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

// MeetingCancellationInput names the meetings just cancelled, by the
// cancellation of one meeting or of a series (Key, the object cancelled).
type CancellationInput struct {
	Key        string   `json:"key"`
	MeetingIDs []string `json:"meeting_ids"`
}

// MeetingCancellationResult counts the members told of each cancellation.
type CancellationResult struct {
	Told map[string]int `json:"told"`
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

// ParticipationParams are the inactivity rule's policy values
// (participation.* in the policy), copied when the review starts.
type ParticipationParams struct {
	MissedCalls   int           `json:"missed_calls"`
	Period        time.Duration `json:"period"`
	WarningBefore time.Duration `json:"warning_before"`
	RestoreWithin time.Duration `json:"restore_within"`
}

// ParticipationReviewInput starts the periodic review. Every zero reviews
// at the start of each calendar month (UTC); Reviews is how many reviews a
// run does before continuing as new (default 12).
type ParticipationReviewInput struct {
	Params  ParticipationParams `json:"params"`
	Every   time.Duration       `json:"every"`
	Reviews int                 `json:"reviews"`
}

// ListParticipationALSInput asks for the ALSes under review.
type ListParticipationALSInput struct {
	At time.Time `json:"at"`
}

// ParticipationALSList lists the ALSes under review and the staff who are
// told of every change.
type ParticipationALSList struct {
	ALSIDs   []string `json:"als_ids"`
	StaffIDs []string `json:"staff_ids"`
}

// EvaluateParticipationInput applies the rule to one ALS at At.
type EvaluateParticipationInput struct {
	ALSID  string              `json:"als_id"`
	At     time.Time           `json:"at"`
	Params ParticipationParams `json:"params"`
}

// ParticipationTransition is one change of an ALS's voting status.
type ParticipationTransition struct {
	From   string    `json:"from"`
	To     string    `json:"to"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

// ParticipationEvaluation is an ALS's standing after a review, with the
// members who act for it (its representatives) to tell of a change.
type ParticipationEvaluation struct {
	ALSID       string                    `json:"als_id"`
	ALSName     string                    `json:"als_name"`
	Status      string                    `json:"status"`
	Transitions []ParticipationTransition `json:"transitions"`
	RepIDs      []string                  `json:"rep_ids"`
}

// Voting statuses as ParticipationTransition names them (domain.Voting*).
const (
	participationActive   = "active"
	participationWarned   = "warned"
	participationInactive = "inactive"
	participationReview   = "review"
)

// ParticipationReview applies LACRALO's inactivity rule to every ALS once
// a month (SPEC process 5), durably: a monthly timer, one activity per ALS
// that evaluates and stores, and for every change an audit entry and an
// email to the ALS's representatives and staff. It runs for ever,
// continuing as new every few reviews to keep its history short.
func ParticipationReview(ctx workflow.Context, in ParticipationReviewInput) error {
	if in.Params.MissedCalls <= 0 || in.Params.Period <= 0 || in.Params.WarningBefore <= 0 || in.Params.RestoreWithin <= 0 {
		return temporal.NewNonRetryableApplicationError("participation parameters must be positive", workflows.ErrInvalidInput, nil)
	}
	reviews := in.Reviews
	if reviews <= 0 {
		reviews = 12
	}
	logger := log.With(workflow.GetLogger(ctx), "workflow", ParticipationReviewWorkflowName)
	for i := 0; i < reviews; i++ {
		now := workflow.Now(ctx)
		next := nextReview(now, in.Every)
		if err := workflow.NewTimerWithOptions(ctx, next.Sub(now), workflow.TimerOptions{Summary: "monthly review"}).Get(ctx, nil); err != nil {
			return err
		}
		if err := reviewParticipation(ctx, logger, in.Params, workflow.Now(ctx)); err != nil {
			return err
		}
		if workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			break
		}
	}
	return workflow.NewContinueAsNewError(ctx, ParticipationReviewWorkflowName, in)
}

// nextReview is the time of the review after now.
func nextReview(now time.Time, every time.Duration) time.Time {
	if every > 0 {
		return now.Add(every)
	}
	u := now.UTC()
	return time.Date(u.Year(), u.Month()+1, 1, 0, 0, 0, 0, time.UTC)
}

// reviewParticipation evaluates every ALS at now. An ALS whose evaluation
// fails for good is logged and left for the next review, so one bad row
// cannot stop the others' reviews.
func reviewParticipation(ctx workflow.Context, logger log.Logger, p ParticipationParams, now time.Time) error {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 10, MaximumInterval: 10 * time.Minute},
	})
	var list ParticipationALSList
	if err := workflow.ExecuteActivity(actx, ActivityListParticipationALS, ListParticipationALSInput{At: now}).Get(ctx, &list); err != nil {
		logger.Error("ALSes not listed; review skipped", "error", err)
		return nil
	}
	ids := slices.Clone(list.ALSIDs)
	slices.Sort(ids)
	for _, id := range ids {
		var ev ParticipationEvaluation
		if err := workflow.ExecuteActivity(actx, ActivityEvaluateParticipation, EvaluateParticipationInput{ALSID: id, At: now, Params: p}).Get(ctx, &ev); err != nil {
			logger.Error("participation not evaluated", "als_id", id, "error", err)
			continue
		}
		for i, t := range ev.Transitions {
			participationEffects(ctx, logger, ev, list.StaffIDs, now, i, t, p)
		}
	}
	return nil
}

// participationEffects audits one transition and emails the ALS's
// representatives and staff; both are keyed by the ALS, the review time
// and the transition's position, so a replay writes and sends nothing twice.
func participationEffects(ctx workflow.Context, logger log.Logger, ev ParticipationEvaluation, staff []string,
	now time.Time, i int, t ParticipationTransition, p ParticipationParams) {
	step := "review-" + now.UTC().Format("20060102T150405Z") + "-" + strconv.Itoa(i)
	if _, err := workflows.RecordAudit(ctx, workflows.AuditInput{
		Actor: "system", Process: participationProcess, ObjectID: ev.ALSID, Action: "participation." + t.To,
		Details:  map[string]any{"from": t.From, "to": t.To, "at": t.At, "reason": t.Reason},
		Audience: "public", IdemKey: ParticipationReviewWorkflowID + "/" + ev.ALSID + "/" + step,
	}); err != nil {
		logger.Error("audit entry not written", "als_id", ev.ALSID, "error", err)
	}
	event := ""
	data := map[string]any{"als": ev.ALSName, "als_id": ev.ALSID, "reason": t.Reason}
	switch {
	case t.To == participationWarned:
		event = "participation.warning"
		data["due"] = t.At.Add(p.WarningBefore)
	case t.To == participationInactive:
		event = "participation.vote_lost"
	case t.To == participationActive && (t.From == participationWarned || t.From == participationInactive):
		event = "participation.restored"
	case t.To == participationReview:
		// Staff decide the review (POST /api/v1/participation/{als_id}/review):
		// the request goes to them alone. Histories from before this
		// email have no marker and stay as they were.
		if workflow.GetVersion(ctx, "participation-review-email", workflow.DefaultVersion, 1) == workflow.DefaultVersion {
			return
		}
		if len(staff) == 0 {
			return
		}
		if err := workflows.StartNotify(ctx, workflows.NotifyInput{Process: participationProcess, ObjectID: ev.ALSID, Step: step,
			Event: "participation.review", MemberIDs: staff, Data: data}); err != nil {
			logger.Error("notification not started", "als_id", ev.ALSID, "event", "participation.review", "error", err)
		}
		return
	}
	to := slices.Concat(ev.RepIDs, staff)
	slices.Sort(to)
	to = slices.Compact(to)
	if event == "" || len(to) == 0 {
		return
	}
	if err := workflows.StartNotify(ctx, workflows.NotifyInput{Process: participationProcess, ObjectID: ev.ALSID, Step: step,
		Event: event, MemberIDs: to, Data: data}); err != nil {
		logger.Error("notification not started", "als_id", ev.ALSID, "event", event, "error", err)
	}
}
