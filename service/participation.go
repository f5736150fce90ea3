package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/policy"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/meeting"
)

// Participation (SPEC process 5): meetings one-off or in series (a
// Temporal Schedule each), their invitations, cancellations and
// attendance, the indicators per ALS and the accreditation review the
// inactivity rule asks staff for.

// MeetingLength is how long a meeting lasts. JSON writes it in the
// policy's notation ("90m" is written "1h30m", an hour "1h"); a request
// gives it so, or as a number of minutes.
type MeetingLength workflows.Duration

// D returns the length as a time.Duration.
func (l MeetingLength) D() time.Duration { return time.Duration(l) }

// MarshalJSON writes the length in the policy's notation.
func (l MeetingLength) MarshalJSON() ([]byte, error) { return workflows.Duration(l).MarshalJSON() }

// errMeetingLength says the form a meeting's length takes.
var errMeetingLength = errors.New("must be a duration such as 90m or 1h, or a number of minutes")

// UnmarshalJSON reads "90m", "1h30m", "1d" or a number of minutes.
func (l *MeetingLength) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] != '"' {
		var minutes float64
		if err := json.Unmarshal(b, &minutes); err != nil || minutes > float64(1<<40) || minutes < -float64(1<<40) {
			return errMeetingLength
		}
		*l = MeetingLength(minutes * float64(time.Minute))
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errMeetingLength
	}
	d, err := policy.ParseDuration(s)
	if err != nil {
		return errMeetingLength
	}
	*l = MeetingLength(d)
	return nil
}

// MeetingRequest schedules a meeting, or a series when recurrence is set.
// Without a duration, a meeting lasts an hour.
type MeetingRequest struct {
	Kind       string             `json:"kind"`
	Title      string             `json:"title"`
	StartsAt   time.Time          `json:"starts_at"`
	Duration   *MeetingLength     `json:"duration"`
	Location   string             `json:"location"`
	Recurrence *RecurrenceRequest `json:"recurrence"`
	// ChairID names the member chairing it (every occurrence of a
	// series), who may record its attendance.
	ChairID string `json:"chair_id"`
}

// RecurrenceRequest repeats a meeting every "1mo", "2mo" or a duration,
// until an optional time.
type RecurrenceRequest struct {
	Every string     `json:"every"`
	Until *time.Time `json:"until"`
}

// MeetingCreated is the answer to a new meeting: the meeting, and the
// series when it recurs.
type MeetingCreated struct {
	Meeting store.Meeting        `json:"meeting"`
	Series  *store.MeetingSeries `json:"series"`
}

// SeriesPatch pauses or resumes a series.
type SeriesPatch struct {
	Paused *bool `json:"paused"`
}

// AttendanceRequest lists the members who attended.
type AttendanceRequest struct {
	MemberIDs []string `json:"member_ids"`
}

// Refusal codes of the meetings' and participation's operations
// (Error.Code; the web's "refusal.<code>"), and the codes of their fields
// (Error.FieldCodes; the web's "field.<code>").
const (
	CodeSeriesCancelled     = "meeting.series_cancelled"
	CodeMeetingStarted      = "meeting.started"
	CodeMeetingCancelled    = "meeting.cancelled"
	CodeAttendanceForbidden = "meeting.attendance_staff_or_chair"
	CodeQuarterNotEnded     = "participation.quarter_not_ended"
	FieldMeetingDuration    = "meeting.duration_positive"
	FieldMeetingRecurrence  = "meeting.recurrence"
)

// errRecurrence says the form a recurrence takes.
const errRecurrence = "must be 1mo, 2mo, 3mo, 4mo, 6mo or 12mo, or a duration of at least a second such as 14d"

func parseRecurrence(s string) (meeting.Recurrence, error) {
	return meeting.ParseRecurrence(s, func(v string) (time.Duration, error) {
		d, err := policy.ParseDuration(v)
		return d.D(), err
	})
}

// CreateMeeting schedules a one-off meeting, or a series and its first
// occurrence, and starts the workflow that invites to it (staff). A series
// gets a Temporal Schedule that creates and invites to each next
// occurrence.
func (s *Service) CreateMeeting(ctx context.Context, a *Actor, req MeetingRequest) (MeetingCreated, error) {
	if err := requireStaff(a); err != nil {
		return MeetingCreated{}, err
	}
	d := time.Hour
	if req.Duration != nil {
		d = req.Duration.D()
		if d <= 0 {
			return MeetingCreated{}, InvalidCoded(map[string]string{"duration": "must be positive"}, map[string]string{"duration": FieldMeetingDuration})
		}
	}
	in := store.MeetingInput{Kind: req.Kind, Title: req.Title, StartsAt: req.StartsAt, Duration: d, Location: req.Location, ChairID: req.ChairID}
	reminder := s.policy.Meetings.ReminderBefore.D()
	by := registryActor(a)
	if req.Recurrence == nil {
		m, err := s.store.CreateMeeting(ctx, by, in)
		if err != nil {
			return MeetingCreated{}, err
		}
		if err := s.startMeetingWorkflow(ctx, m.ID, meeting.Input{MeetingID: m.ID, StartsAt: m.StartsAt, CreatedBy: m.CreatedBy, Reminder: reminder}); err != nil {
			return MeetingCreated{}, err
		}
		return MeetingCreated{Meeting: m}, nil
	}
	rec, err := parseRecurrence(req.Recurrence.Every)
	if err != nil {
		return MeetingCreated{}, InvalidCoded(map[string]string{"recurrence.every": errRecurrence}, map[string]string{"recurrence.every": FieldMeetingRecurrence})
	}
	sr, m, err := s.store.CreateMeetingSeries(ctx, by, store.SeriesInput{MeetingInput: in, Every: req.Recurrence.Every, Until: req.Recurrence.Until})
	if err != nil {
		return MeetingCreated{}, err
	}
	if err := s.startMeetingWorkflow(ctx, sr.ID, meeting.Input{MeetingID: m.ID, SeriesID: sr.ID, StartsAt: m.StartsAt, CreatedBy: m.CreatedBy, Reminder: reminder}); err != nil {
		return MeetingCreated{}, err
	}
	action := meeting.Input{SeriesID: sr.ID, Recurrence: rec, Until: sr.UntilAt, CreatedBy: sr.CreatedBy, Reminder: reminder}
	_, err = s.temporal.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID:   meeting.SeriesScheduleID(sr.ID),
		Spec: seriesSpec(sr.StartsAt, rec, sr.UntilAt),
		Action: &client.ScheduleWorkflowAction{
			ID: meeting.SeriesWorkflowID(sr.ID), Workflow: meeting.WorkflowName,
			Args: []any{action}, TaskQueue: workflows.TaskQueue,
		},
		// A Meeting workflow waits for its reminder; the next occurrence
		// must not be skipped because the previous one is still waiting.
		Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL,
	})
	if err != nil {
		// Without its schedule the series would never meet again: cancel
		// it so that staff see it and create it anew.
		if _, cerr := s.store.CancelSeries(ctx, by, sr.ID); cerr != nil {
			s.log.ErrorContext(ctx, "series without schedule not cancelled", "series_id", sr.ID, "err", cerr)
		}
		return MeetingCreated{}, err
	}
	return MeetingCreated{Meeting: m, Series: &sr}, nil
}

// seriesSpec fires at every occurrence from the first, each firing
// creating and inviting to the next occurrence, so that invitations go
// out one period ahead. Months recur on the same day and time (UTC); the
// series' end is the last firing that still creates an occurrence.
func seriesSpec(start time.Time, rec meeting.Recurrence, until *time.Time) client.ScheduleSpec {
	spec := client.ScheduleSpec{StartAt: start, TimeZoneName: "UTC"}
	if until != nil {
		if rec.Months > 0 {
			spec.EndAt = until.AddDate(0, -rec.Months, 0)
		} else {
			spec.EndAt = until.Add(-rec.Interval)
		}
	}
	if rec.Months == 0 {
		offset := time.Duration(start.UnixNano() % int64(rec.Interval))
		spec.Intervals = []client.ScheduleIntervalSpec{{Every: rec.Interval, Offset: offset}}
		return spec
	}
	var months []client.ScheduleRange
	for m := 0; m < 12; m += rec.Months {
		months = append(months, client.ScheduleRange{Start: (int(start.Month())-1+m)%12 + 1})
	}
	spec.Calendars = []client.ScheduleCalendarSpec{{
		Second:     []client.ScheduleRange{{Start: start.Second()}},
		Minute:     []client.ScheduleRange{{Start: start.Minute()}},
		Hour:       []client.ScheduleRange{{Start: start.Hour()}},
		DayOfMonth: []client.ScheduleRange{{Start: start.Day()}},
		Month:      months,
	}}
	return spec
}

// startMeetingWorkflow starts the Meeting workflow that invites to an
// existing meeting; its business ID makes a retried request a no-op.
func (s *Service) startMeetingWorkflow(ctx context.Context, key string, in meeting.Input) error {
	_, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       meeting.WorkflowID(key, in.StartsAt),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, meeting.WorkflowName, in)
	return err
}

// ListMeetings lists the meetings starting in [from, to); a zero bound is
// open.
func (s *Service) ListMeetings(ctx context.Context, from, to time.Time) ([]store.Meeting, error) {
	return s.store.ListMeetings(ctx, from, to)
}

// GetMeeting is one meeting.
func (s *Service) GetMeeting(ctx context.Context, id string) (store.Meeting, error) {
	return s.store.GetMeeting(ctx, id)
}

// PatchSeries pauses or resumes a series and its schedule (staff).
func (s *Service) PatchSeries(ctx context.Context, a *Actor, id string, req SeriesPatch) (store.MeetingSeries, error) {
	if err := requireStaff(a); err != nil {
		return store.MeetingSeries{}, err
	}
	sr, err := s.store.GetMeetingSeries(ctx, id)
	if err != nil {
		return store.MeetingSeries{}, err
	}
	if req.Paused == nil {
		return sr, nil
	}
	if sr.CancelledAt != nil {
		return store.MeetingSeries{}, Conflict("the series is cancelled").Coded(CodeSeriesCancelled)
	}
	by := registryActor(a)
	h := s.temporal.ScheduleClient().GetHandle(ctx, meeting.SeriesScheduleID(sr.ID))
	note := "by " + by.String()
	if *req.Paused {
		err = h.Pause(ctx, client.SchedulePauseOptions{Note: "paused " + note})
	} else {
		err = h.Unpause(ctx, client.ScheduleUnpauseOptions{Note: "resumed " + note})
	}
	if err != nil {
		return store.MeetingSeries{}, err
	}
	return s.store.SetSeriesPaused(ctx, by, sr.ID, *req.Paused)
}

// CancelSeries deletes a series' schedule and cancels its upcoming
// meetings, whose invitees get an iCalendar CANCEL (staff).
func (s *Service) CancelSeries(ctx context.Context, a *Actor, id string) error {
	if err := requireStaff(a); err != nil {
		return err
	}
	sr, err := s.store.GetMeetingSeries(ctx, id)
	if err != nil {
		return err
	}
	err = s.temporal.ScheduleClient().GetHandle(ctx, meeting.SeriesScheduleID(sr.ID)).Delete(ctx)
	var nf *serviceerror.NotFound
	if err != nil && !errors.As(err, &nf) {
		return err
	}
	cancelled, err := s.store.CancelSeries(ctx, registryActor(a), sr.ID)
	if err != nil {
		return err
	}
	return s.announceCancellation(ctx, sr.ID, cancelled)
}

// CancelMeeting cancels one meeting that has not started; its invitees get
// an iCalendar CANCEL (staff).
func (s *Service) CancelMeeting(ctx context.Context, a *Actor, id string) error {
	if err := requireStaff(a); err != nil {
		return err
	}
	m, err := s.store.CancelMeeting(ctx, registryActor(a), id)
	if errors.Is(err, store.ErrConflict) {
		return Conflict("the meeting has started").Coded(CodeMeetingStarted)
	}
	if err != nil {
		return err
	}
	return s.announceCancellation(ctx, m.ID, []store.Meeting{m})
}

// announceCancellation starts the workflow that emails the cancellation
// of meetings already cancelled in the store; its business key makes a
// retried request a no-op.
func (s *Service) announceCancellation(ctx context.Context, key string, meetings []store.Meeting) error {
	if len(meetings) == 0 {
		return nil
	}
	in := meeting.CancellationInput{Key: key}
	for _, m := range meetings {
		in.MeetingIDs = append(in.MeetingIDs, m.ID)
	}
	_, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       meeting.CancellationWorkflowID(key),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, meeting.CancellationWorkflowName, in)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return nil
	}
	return err
}

// RecordAttendance records who attended a meeting: staff, or the
// meeting's chair.
func (s *Service) RecordAttendance(ctx context.Context, a *Actor, meetingID string, req AttendanceRequest) ([]store.Attendance, error) {
	m, err := s.store.GetMeeting(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	if a == nil || (!a.IsStaff() && (m.ChairID == nil || *m.ChairID != a.ID)) {
		return nil, Forbidden("only staff or the meeting's chair record its attendance").Coded(CodeAttendanceForbidden)
	}
	out, err := s.store.RecordAttendance(ctx, registryActor(a), m.ID, req.MemberIDs)
	if errors.Is(err, store.ErrConflict) {
		return nil, Conflict("the meeting was cancelled").Coded(CodeMeetingCancelled)
	}
	return out, err
}

// Participation reports every ALS's indicators over [from, to) (by
// default the policy's participation period up to now: the current
// calendar year with participation.period calendar_year) and its voting
// status.
func (s *Service) Participation(ctx context.Context, from, to time.Time) ([]store.ParticipationRow, error) {
	if to.IsZero() {
		to = store.Now()
	}
	if from.IsZero() {
		from = to.Add(-s.policy.Participation.Period.D())
		if s.policy.Participation.Period.CalendarYear() {
			from = time.Date(to.UTC().Year(), time.January, 1, 0, 0, 0, 0, time.UTC)
		}
	}
	return s.store.ParticipationReport(ctx, from, to)
}

// ObserverParticipation reports what observers (members of no ALS)
// contributed over [from, to), by default the policy's participation
// period up to now, as Participation does for the ALSes.
func (s *Service) ObserverParticipation(ctx context.Context, from, to time.Time) (store.ObserverRow, error) {
	if to.IsZero() {
		to = store.Now()
	}
	if from.IsZero() {
		from = to.Add(-s.policy.Participation.Period.D())
		if s.policy.Participation.Period.CalendarYear() {
			from = time.Date(to.UTC().Year(), time.January, 1, 0, 0, 0, 0, time.UTC)
		}
	}
	return s.store.ObserverReport(ctx, from, to)
}

// ConcludeReview ends the accreditation review of an ALS the inactivity
// rule sent to staff: keep (a fresh period, still without a vote until it
// takes part) or decertify (staff).
func (s *Service) ConcludeReview(ctx context.Context, a *Actor, alsID string, in store.ReviewInput) (store.ReviewConclusion, error) {
	if err := requireStaff(a); err != nil {
		return store.ReviewConclusion{}, err
	}
	out, err := s.store.ConcludeReview(ctx, registryActor(a), alsID, in)
	if errors.Is(err, store.ErrConflict) {
		return store.ReviewConclusion{}, Conflict("the ALS is not under review").Coded(CodeReviewNotOpen)
	}
	return out, err
}

// FeedTokenIssued is a new calendar feed token, shown once, with the feed
// address that uses it.
type FeedTokenIssued struct {
	store.FeedToken
	Token string `json:"token"`
	URL   string `json:"url"`
}

// IssueFeedToken issues a member's calendar feed token, replacing the
// previous one (the member or an admin).
func (s *Service) IssueFeedToken(ctx context.Context, a *Actor, memberID string) (FeedTokenIssued, error) {
	if err := ownOrAdmin(a, memberID); err != nil {
		return FeedTokenIssued{}, err
	}
	t, secret, err := s.store.IssueFeedToken(ctx, registryActor(a), memberID)
	if err != nil {
		return FeedTokenIssued{}, err
	}
	return FeedTokenIssued{FeedToken: t, Token: secret, URL: "/api/v1/calendar.ics?token=" + secret}, nil
}

// RevokeFeedToken revokes a member's calendar feed token (the member or an
// admin).
func (s *Service) RevokeFeedToken(ctx context.Context, a *Actor, memberID string) error {
	if err := ownOrAdmin(a, memberID); err != nil {
		return err
	}
	if _, err := s.store.GetMember(ctx, memberID); err != nil {
		return err
	}
	return s.store.RevokeFeedTokens(ctx, registryActor(a), memberID)
}

// maxActivityCSV bounds a mailing-list activity import (about 100,000 rows).
const maxActivityCSV = 8 << 20

// ImportMailingActivity records staff's bulk import of mailing-list
// activity (a CSV of email,date,list): every row or none, the problems
// named by line.
func (s *Service) ImportMailingActivity(ctx context.Context, a *Actor, body io.Reader) (store.MailingSummary, error) {
	if err := requireStaff(a); err != nil {
		return store.MailingSummary{}, err
	}
	data, err := io.ReadAll(io.LimitReader(body, maxActivityCSV+1))
	if err != nil {
		return store.MailingSummary{}, err
	}
	if len(data) > maxActivityCSV {
		return store.MailingSummary{}, InvalidCoded(map[string]string{"body": "at most 8 MiB per import; split the file"},
			map[string]string{"body": store.FieldTooLong})
	}
	sum, err := s.store.ImportMailingActivity(ctx, registryActor(a), bytes.NewReader(data))
	if err != nil {
		return store.MailingSummary{}, AsError(err)
	}
	return sum, nil
}
