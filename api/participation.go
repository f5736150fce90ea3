package api

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/notify"
	"github.com/lacralo/ralo/policy"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/arbitration"
	"github.com/lacralo/ralo/workflows/election"
	"github.com/lacralo/ralo/workflows/ethics"
	"github.com/lacralo/ralo/workflows/meeting"
	"github.com/lacralo/ralo/workflows/statement"
)

// MeetingRequest schedules a meeting, or a series when recurrence is set.
// duration is a duration string ("90m") or a number of minutes.
type MeetingRequest struct {
	Kind       string             `json:"kind"`
	Title      string             `json:"title"`
	StartsAt   time.Time          `json:"starts_at"`
	Duration   json.RawMessage    `json:"duration"`
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

// meetingCreated is the answer to a new meeting: the meeting, and the
// series when it recurs.
type meetingCreated struct {
	Meeting store.Meeting        `json:"meeting"`
	Series  *store.MeetingSeries `json:"series"`
}

// seriesPatch pauses or resumes a series.
type seriesPatch struct {
	Paused *bool `json:"paused"`
}

// attendanceRequest lists the members who attended.
type attendanceRequest struct {
	MemberIDs []string `json:"member_ids"`
}

func parseRecurrence(s string) (meeting.Recurrence, error) {
	return meeting.ParseRecurrence(s, func(v string) (time.Duration, error) {
		d, err := policy.ParseDuration(v)
		return d.D(), err
	})
}

func (s *Server) createMeeting(c echo.Context) error {
	var req MeetingRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	d, err := parseDuration(req.Duration)
	if err != nil {
		return invalid(map[string]string{"duration": err.Error()})
	}
	in := store.MeetingInput{Kind: req.Kind, Title: req.Title, StartsAt: req.StartsAt, Duration: d, Location: req.Location, ChairID: req.ChairID}
	reminder := s.policy.Meetings.ReminderBefore.D()
	if req.Recurrence == nil {
		m, err := s.store.CreateMeeting(ctx, actor(c), in)
		if err != nil {
			return err
		}
		if err := s.startMeeting(c, m.ID, meeting.Input{MeetingID: m.ID, StartsAt: m.StartsAt, CreatedBy: m.CreatedBy, Reminder: reminder}); err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, meetingCreated{Meeting: m})
	}
	rec, err := parseRecurrence(req.Recurrence.Every)
	if err != nil {
		return invalid(map[string]string{"recurrence.every": err.Error()})
	}
	sr, m, err := s.store.CreateMeetingSeries(ctx, actor(c), store.SeriesInput{MeetingInput: in, Every: req.Recurrence.Every, Until: req.Recurrence.Until})
	if err != nil {
		return err
	}
	if err := s.startMeeting(c, sr.ID, meeting.Input{MeetingID: m.ID, SeriesID: sr.ID, StartsAt: m.StartsAt, CreatedBy: m.CreatedBy, Reminder: reminder}); err != nil {
		return err
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
		if _, cerr := s.store.CancelSeries(ctx, actor(c), sr.ID); cerr != nil {
			s.log.ErrorContext(ctx, "series without schedule not cancelled", "series_id", sr.ID, "err", cerr)
		}
		return err
	}
	return c.JSON(http.StatusCreated, meetingCreated{Meeting: m, Series: &sr})
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

// startMeeting starts the Meeting workflow that invites to an existing
// meeting; its business ID makes a retried request a no-op.
func (s *Server) startMeeting(c echo.Context, key string, in meeting.Input) error {
	_, err := s.temporal.ExecuteWorkflow(c.Request().Context(), client.StartWorkflowOptions{
		ID:                       meeting.WorkflowID(key, in.StartsAt),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, meeting.WorkflowName, in)
	return err
}

// timeRange reads ?from= and ?to= (RFC 3339); either may be absent.
func timeRange(c echo.Context) (from, to time.Time, err error) {
	fields := map[string]string{}
	for name, dst := range map[string]*time.Time{"from": &from, "to": &to} {
		v := c.QueryParam(name)
		if v == "" {
			continue
		}
		t, perr := time.Parse(time.RFC3339, v)
		if perr != nil {
			fields[name] = "must be an RFC 3339 time"
			continue
		}
		*dst = t.UTC()
	}
	if len(fields) > 0 {
		return from, to, invalid(fields)
	}
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return from, to, invalid(map[string]string{"to": "must be after from"})
	}
	return from, to, nil
}

func (s *Server) listMeetings(c echo.Context) error {
	from, to, err := timeRange(c)
	if err != nil {
		return err
	}
	out, err := s.store.ListMeetings(c.Request().Context(), from, to)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) patchSeries(c echo.Context) error {
	var req seriesPatch
	if err := bind(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	sr, err := s.store.GetMeetingSeries(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	if req.Paused == nil {
		return c.JSON(http.StatusOK, sr)
	}
	if sr.CancelledAt != nil {
		return conflict("the series is cancelled")
	}
	h := s.temporal.ScheduleClient().GetHandle(ctx, meeting.SeriesScheduleID(sr.ID))
	note := "by " + actor(c).String()
	if *req.Paused {
		err = h.Pause(ctx, client.SchedulePauseOptions{Note: "paused " + note})
	} else {
		err = h.Unpause(ctx, client.ScheduleUnpauseOptions{Note: "resumed " + note})
	}
	if err != nil {
		return err
	}
	out, err := s.store.SetSeriesPaused(ctx, actor(c), sr.ID, *req.Paused)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) cancelSeries(c echo.Context) error {
	ctx := c.Request().Context()
	sr, err := s.store.GetMeetingSeries(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	err = s.temporal.ScheduleClient().GetHandle(ctx, meeting.SeriesScheduleID(sr.ID)).Delete(ctx)
	var nf *serviceerror.NotFound
	if err != nil && !errors.As(err, &nf) {
		return err
	}
	cancelled, err := s.store.CancelSeries(ctx, actor(c), sr.ID)
	if err != nil {
		return err
	}
	if err := s.announceCancellation(c, sr.ID, cancelled); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// cancelMeeting cancels one meeting that has not started; its invitees
// get an iCalendar CANCEL.
func (s *Server) cancelMeeting(c echo.Context) error {
	m, err := s.store.CancelMeeting(c.Request().Context(), actor(c), c.Param("id"))
	if errors.Is(err, store.ErrConflict) {
		return conflict("the meeting has started")
	}
	if err != nil {
		return err
	}
	if err := s.announceCancellation(c, m.ID, []store.Meeting{m}); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// announceCancellation starts the workflow that emails the cancellation
// of meetings already cancelled in the store; its business key makes a
// retried request a no-op.
func (s *Server) announceCancellation(c echo.Context, key string, meetings []store.Meeting) error {
	if len(meetings) == 0 {
		return nil
	}
	in := meeting.CancellationInput{Key: key}
	for _, m := range meetings {
		in.MeetingIDs = append(in.MeetingIDs, m.ID)
	}
	_, err := s.temporal.ExecuteWorkflow(c.Request().Context(), client.StartWorkflowOptions{
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

// recordAttendance records who attended: staff, or the meeting's chair
// (another member gets 403).
func (s *Server) recordAttendance(c echo.Context) error {
	var req attendanceRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	m, err := s.store.GetMeeting(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	if p := principal(c); !p.IsStaff() && (m.ChairID == nil || *m.ChairID != p.ID) {
		return errStatus(http.StatusForbidden, "only staff or the meeting's chair record its attendance")
	}
	out, err := s.store.RecordAttendance(ctx, actor(c), m.ID, req.MemberIDs)
	if errors.Is(err, store.ErrConflict) {
		return conflict("the meeting was cancelled")
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// participation reports every ALS's indicators over [from, to) (by
// default the policy's participation period up to now) and its voting
// status, as JSON or, with ?format=csv, as CSV.
func (s *Server) participation(c echo.Context) error {
	from, to, err := timeRange(c)
	if err != nil {
		return err
	}
	if to.IsZero() {
		to = store.Now()
	}
	if from.IsZero() {
		from = to.Add(-s.policy.Participation.Period.D())
	}
	rows, err := s.store.ParticipationReport(c.Request().Context(), from, to)
	if err != nil {
		return err
	}
	switch c.QueryParam("format") {
	case "", "json":
		return c.JSON(http.StatusOK, rows)
	case "csv":
		return participationCSV(c, rows)
	default:
		return invalid(map[string]string{"format": "must be json or csv"})
	}
}

// concludeReview ends the accreditation review of an ALS the inactivity
// rule sent to staff: keep (a fresh period, still without a vote until
// it takes part) or decertify (as PATCH /api/v1/als/{id} would).
func (s *Server) concludeReview(c echo.Context) error {
	var req store.ReviewInput
	if err := bind(c, &req); err != nil {
		return err
	}
	out, err := s.store.ConcludeReview(c.Request().Context(), actor(c), c.Param("als_id"), req)
	if errors.Is(err, store.ErrConflict) {
		return conflict("the ALS is not under review")
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func participationCSV(c echo.Context, rows []store.ParticipationRow) error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	stamp := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	records := [][]string{{"als_id", "name", "country", "meetings_attended", "monthly_calls", "calls_attended",
		"consecutive_missed_calls", "ballots_cast", "comments", "drafts", "other", "voting_status", "voting", "status_since"}}
	for _, r := range rows {
		records = append(records, []string{r.ALSID, csvSafe(r.Name), r.Country, strconv.Itoa(r.MeetingsAttended),
			strconv.Itoa(r.MonthlyCalls), strconv.Itoa(r.CallsAttended), strconv.Itoa(r.ConsecutiveMiss),
			strconv.Itoa(r.BallotsCast), strconv.Itoa(r.Comments), strconv.Itoa(r.Drafts), strconv.Itoa(r.Other),
			r.VotingStatus, strconv.FormatBool(r.Voting), stamp(r.Since)})
	}
	if err := w.WriteAll(records); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="participation.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
}

// csvSafe keeps a spreadsheet from reading a name as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// feedTokenIssued is a new calendar feed token, shown once, with the feed
// address that uses it.
type feedTokenIssued struct {
	store.FeedToken
	Token string `json:"token"`
	URL   string `json:"url"`
}

func (s *Server) issueFeedToken(c echo.Context) error {
	if err := ownOrAdmin(c); err != nil {
		return err
	}
	t, secret, err := s.store.IssueFeedToken(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, feedTokenIssued{FeedToken: t, Token: secret, URL: "/api/v1/calendar.ics?token=" + secret})
}

func (s *Server) revokeFeedToken(c echo.Context) error {
	if err := ownOrAdmin(c); err != nil {
		return err
	}
	if _, err := s.store.GetMember(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	if err := s.store.RevokeFeedTokens(c.Request().Context(), actor(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// calendarPast is how far back the feed lists meetings.
const calendarPast = 180 * 24 * time.Hour

// calendarCases is how many cases of each process the feed reads.
const calendarCases = 200

// calendar is the caller's iCalendar feed: every meeting from six months
// ago (cancelled ones marked so), and the deadlines and hearings of the
// processes the caller may see: every open election (elections are
// public to members), the arbitration cases they take part in and the
// ethics complaints they may read (the check of GET
// /api/v1/ethics/complaints/{id}). Calendar applications cannot send a
// bearer header, so a feed token in ?token= opens it too (and nothing
// else).
func (s *Server) calendar(c echo.Context) error {
	ctx := c.Request().Context()
	p := principal(c)
	if p == nil {
		token := c.QueryParam("token")
		if token == "" {
			return errUnauthorized
		}
		m, err := s.store.AuthenticateFeed(ctx, token)
		if errors.Is(err, store.ErrBadToken) {
			return errUnauthorized
		}
		if err != nil {
			return err
		}
		p = &Principal{Member: m}
	}
	now := store.Now()
	meetings, err := s.store.ListMeetings(ctx, now.Add(-calendarPast), time.Time{})
	if err != nil {
		return err
	}
	var events []notify.Event
	for _, m := range meetings {
		events = append(events, m.CalendarEvent("", now))
	}
	open, err := s.openDeadlines(c, p)
	if err != nil {
		return err
	}
	for _, o := range open {
		if o.hearing != nil {
			h := *o.hearing
			h.Stamp = now
			events = append(events, h)
		}
		for _, d := range o.deadlines {
			events = append(events, notify.Event{UID: o.uidPrefix + "-" + d.Name + "@ralo",
				Summary: o.title + ": " + strings.ReplaceAll(d.Name, "_", " "), Start: d.At, Stamp: now})
		}
	}
	return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", notify.Calendar(events))
}

// processDates are the upcoming dates of one process the caller may see.
type processDates struct {
	// uidPrefix names the process ("election-<id>"); each deadline's
	// calendar UID adds its name, and stays the same while it moves.
	uidPrefix string
	title     string
	deadlines []workflows.Deadline
	// hearing is an arbitration's hearing, under the UID of its emailed
	// invitation so that the feed and the invitation are one entry.
	hearing *notify.Event
}

// openDeadlines lists the processes whose dates the caller may see: the
// arbitration cases they take part in (all for staff), every open
// election and policy statement (both open to every member) and the open
// ethics complaints they may read.
func (s *Server) openDeadlines(c echo.Context, p *Principal) ([]processDates, error) {
	var out []processDates
	for _, source := range []func(echo.Context, *Principal) ([]processDates, error){
		s.arbitrationDates, s.electionDates, s.statementDates, s.ethicsDates,
	} {
		more, err := source(c, p)
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	return out, nil
}

// arbitrationDates are the hearings and deadlines of the arbitration
// cases the caller takes part in (every case for staff).
func (s *Server) arbitrationDates(c echo.Context, p *Principal) ([]processDates, error) {
	ctx := c.Request().Context()
	memberID := p.ID
	if p.IsStaff() {
		memberID = ""
	}
	cases, err := s.store.ListCases(ctx, arbitrationProcess, memberID, calendarCases)
	if err != nil {
		return nil, err
	}
	var out []processDates
	for _, cs := range cases {
		var st arbitration.State
		if err := s.query(c, arbitration.WorkflowID(cs.ID), arbitration.Query, &st); err != nil {
			s.log.WarnContext(ctx, "calendar: arbitration not queried", "case_id", cs.ID, "err", err)
			continue
		}
		d := processDates{uidPrefix: "arbitration-" + cs.ID, title: "Arbitration " + cs.ID, deadlines: st.Deadlines}
		if h := st.Hearing; h != nil {
			d.hearing = &notify.Event{UID: "arbitration-" + cs.ID + "@ralo", Sequence: h.Sequence,
				Summary: "Hearing: " + d.title, Location: h.Location, Start: h.StartsAt, Duration: h.Duration.D()}
		}
		out = append(out, d)
	}
	return out, nil
}

// electionDates are the deadlines of every open election: every member
// may see every election.
func (s *Server) electionDates(c echo.Context, _ *Principal) ([]processDates, error) {
	ctx := c.Request().Context()
	cases, err := s.store.ListCases(ctx, electionProcess, "", calendarCases)
	if err != nil {
		return nil, err
	}
	var out []processDates
	for _, cs := range cases {
		if cs.Status == election.StatusClosed || cs.Status == election.StatusCertified {
			continue
		}
		var st election.State
		if err := s.query(c, election.WorkflowID(cs.ID), election.Query, &st); err != nil {
			s.log.WarnContext(ctx, "calendar: election not queried", "election_id", cs.ID, "err", err)
			continue
		}
		title := "Election"
		if st.Title != "" {
			title += " " + st.Title
		}
		out = append(out, processDates{uidPrefix: "election-" + cs.ID, title: title, deadlines: st.Deadlines})
	}
	return out, nil
}

// statementDates are the deadlines of every policy statement in progress
// (comment period, consensus call, vote, ICANN's close date): statements
// are drafted in the open, so every member sees them.
func (s *Server) statementDates(c echo.Context, _ *Principal) ([]processDates, error) {
	ctx := c.Request().Context()
	cases, err := s.store.ListCases(ctx, statementProcess, "", calendarCases)
	if err != nil {
		return nil, err
	}
	var out []processDates
	for _, cs := range cases {
		if cs.Status == statement.StatusSubmitted || cs.Status == statement.StatusDeclined {
			continue
		}
		var st statement.State
		if err := s.query(c, statement.WorkflowID(cs.ID), statement.Query, &st); err != nil {
			s.log.WarnContext(ctx, "calendar: statement not queried", "statement_id", cs.ID, "err", err)
			continue
		}
		out = append(out, processDates{uidPrefix: "statement-" + cs.ID, title: "Statement " + st.Title, deadlines: st.Deadlines})
	}
	return out, nil
}

// ethicsDates are the deadlines of the open ethics complaints the caller
// may read, by the check GET /api/v1/ethics/complaints/{id} applies
// (EthicsState.CanRead): a recused committee member or an unrelated
// member sees none of a case's dates. The entries name the case only.
func (s *Server) ethicsDates(c echo.Context, p *Principal) ([]processDates, error) {
	ctx := c.Request().Context()
	// The index names the parties; committee members read cases they are
	// not party to, so they, like staff, start from every case.
	memberID := p.ID
	if p.IsStaff() || p.Has(store.RoleEthicsCommittee) {
		memberID = ""
	}
	cases, err := s.store.ListCases(ctx, ethicsProcess, memberID, calendarCases)
	if err != nil {
		return nil, err
	}
	var out []processDates
	for _, cs := range cases {
		if cs.Status == ethics.StatusClosed {
			continue
		}
		var st ethics.State
		if err := s.query(c, ethics.WorkflowID(cs.ID), ethics.Query, &st); err != nil {
			s.log.WarnContext(ctx, "calendar: ethics case not queried", "case_id", cs.ID, "err", err)
			continue
		}
		if !st.CanRead(p.ID, p.Roles) {
			continue
		}
		out = append(out, processDates{uidPrefix: "ethics-" + cs.ID, title: "Ethics case " + cs.ID, deadlines: st.Deadlines})
	}
	return out, nil
}

func (s *Server) participationRoutes() []route {
	return []route{
		{method: http.MethodGet, path: "/api/v1/meetings", access: authenticated, handler: s.listMeetings,
			tag: "participation", summary: "Meetings by start (?from=&to= RFC 3339)", response: "[]Meeting"},
		{method: http.MethodPost, path: "/api/v1/meetings", access: staffOnly, creates: true, emails: true, handler: s.createMeeting,
			tag: "participation", summary: "Schedule a meeting, or a series with recurrence (a Temporal Schedule); invitations carry an .ics", request: "MeetingRequest", response: "MeetingCreated", status: http.StatusCreated},
		{method: http.MethodPatch, path: "/api/v1/meetings/series/:id", access: staffOnly, handler: s.patchSeries,
			tag: "participation", summary: "Pause or resume a series", request: "SeriesPatch", response: "MeetingSeries"},
		{method: http.MethodDelete, path: "/api/v1/meetings/series/:id", access: staffOnly, emails: true, handler: s.cancelSeries,
			tag: "participation", summary: "Cancel a series (its schedule is deleted; its upcoming meetings are cancelled and their invitees get an iCalendar CANCEL)", status: http.StatusNoContent},
		{method: http.MethodDelete, path: "/api/v1/meetings/:id", access: staffOnly, emails: true, handler: s.cancelMeeting,
			tag: "participation", summary: "Cancel a meeting that has not started (its invitees get an iCalendar CANCEL; 409 once started)", status: http.StatusNoContent},
		{method: http.MethodPost, path: "/api/v1/meetings/:id/attendance", access: authenticated, handler: s.recordAttendance,
			tag: "participation", summary: "Record who attended (staff or the meeting's chair; counted for each member's ALS; 409 if cancelled)", request: "AttendanceRequest", response: "[]Attendance"},
		{method: http.MethodGet, path: "/api/v1/participation", access: authenticated, handler: s.participation,
			tag: "participation", summary: "Indicators and voting status per ALS (?from=&to=; ?format=csv for CSV)", response: "[]ParticipationRow"},
		{method: http.MethodPost, path: "/api/v1/participation/:als_id/review", access: staffOnly, handler: s.concludeReview,
			tag: "participation", summary: "Conclude the accreditation review of an ALS (keep: a fresh inactive period, no vote until it takes part; decertify; 409 when not under review)", request: "ReviewInput", response: "ReviewConclusion"},
		{method: http.MethodPost, path: "/api/v1/members/:id/feed-token", access: authenticated, creates: true, handler: s.issueFeedToken,
			tag: "auth", summary: "Issue the member's calendar feed token (shown once; replaces the previous one)", response: "FeedToken", status: http.StatusCreated},
		{method: http.MethodDelete, path: "/api/v1/members/:id/feed-token", access: authenticated, handler: s.revokeFeedToken,
			tag: "auth", summary: "Revoke the member's calendar feed token", status: http.StatusNoContent},
		// Public in the table because a calendar application cannot send a
		// bearer header: the handler requires a bearer or a feed token.
		{method: http.MethodGet, path: "/api/v1/calendar.ics", access: public, feed: true, handler: s.calendar,
			tag: "participation", summary: "iCalendar feed of meetings, deadlines and hearings (bearer token or ?token=<feed token>)", produces: "text/calendar"},
	}
}

// participationSchemas documents the bodies of the participation routes.
func participationSchemas() obj {
	meeting := obj{"id": str(""), "kind": strEnum("", store.MeetingKinds...), "title": str(""), "starts_at": dateTime(""),
		"duration": str("e.g. 1h30m0s"), "location": str("a place or a call link"), "series_id": nullable(str("")),
		"chair_id": nullable(str("the member chairing it, who may record attendance")), "cancelled_at": nullable(dateTime("")),
		"created_by": str(""), "created_at": dateTime("")}
	series := obj{"id": str(""), "kind": strEnum("", store.MeetingKinds...), "title": str(""), "starts_at": dateTime("first occurrence"),
		"duration": str(""), "location": str(""), "every": str("1mo, 2mo or a duration"), "until": nullable(dateTime("")),
		"paused": obj{"type": "boolean"}, "cancelled_at": nullable(dateTime("")), "chair_id": nullable(str("")), "created_by": str(""),
		"created_at": dateTime(""), "updated_at": dateTime("")}
	count := obj{"type": "integer"}
	return obj{
		"MeetingRequest": object(obj{"kind": strEnum("", store.MeetingKinds...), "title": str(""), "starts_at": dateTime(""),
			"duration": str("\"90m\" or a number of minutes"), "location": str(""), "chair_id": str("optional: the member chairing it"),
			"recurrence": nullable(object(obj{"every": str("\"1mo\", \"2mo\" (months dividing a year) or a duration such as \"14d\""),
				"until": nullable(dateTime("no occurrence after this"))}, "every"))}, "kind", "title", "starts_at", "duration"),
		"Meeting":           object(meeting, "id", "kind", "title", "starts_at", "duration"),
		"MeetingSeries":     object(series, "id", "every"),
		"MeetingCreated":    object(obj{"meeting": ref("Meeting"), "series": nullable(ref("MeetingSeries"))}, "meeting"),
		"SeriesPatch":       object(obj{"paused": obj{"type": "boolean"}}),
		"AttendanceRequest": object(obj{"member_ids": arrayOf(str(""))}, "member_ids"),
		"Attendance": object(obj{"meeting_id": str(""), "member_id": str(""), "als_id": nullable(str("the member's ALS when recorded")),
			"recorded_by": str(""), "at": dateTime("")}),
		"ParticipationRow": object(obj{"als_id": str(""), "name": str(""), "country": str(""), "meetings_attended": count,
			"monthly_calls": obj{"type": "integer", "description": "monthly calls held in the period"}, "calls_attended": count,
			"consecutive_missed_calls": obj{"type": "integer", "description": "most recent monthly calls missed in a row"},
			"ballots_cast":             count, "comments": count, "drafts": count, "other": count,
			"voting_status": strEnum("", "active", "warned", "inactive", "review"), "voting": obj{"type": "boolean"},
			"status_since": nullable(dateTime("")), "warned_at": nullable(dateTime("")), "inactive_at": nullable(dateTime(""))}, "als_id", "voting_status", "voting"),
		"ReviewInput": object(obj{"outcome": strEnum("", store.ReviewKeep, store.ReviewDecertify), "note": str("why, for the audit log")}, "outcome"),
		"ReviewConclusion": object(obj{"als_id": str(""), "outcome": strEnum("", store.ReviewKeep, store.ReviewDecertify), "note": str(""),
			"als_status": str("accreditation after the review"), "voting_status": str("standing under the inactivity rule after the review"),
			"at": dateTime("")}, "als_id", "outcome"),
		"FeedToken": object(obj{"id": str(""), "member_id": str(""), "token": str("shown once: an Idempotency-Key replay omits it and the url"),
			"url": str("feed address with the token"), "created_at": dateTime(""), "revoked_at": nullable(dateTime(""))}, "id"),
	}
}
