package api

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// MeetingRequest schedules a meeting, or a series when recurrence is set.
type MeetingRequest = service.MeetingRequest

// RecurrenceRequest repeats a meeting.
type RecurrenceRequest = service.RecurrenceRequest

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
			fields[name] = "must be a date-time such as 2027-05-01T14:00:00Z"
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
	out, err := s.svc.ListMeetings(c.Request().Context(), from, to)
	return jsonOr(c, http.StatusOK, out, err)
}

// participation reports every ALS's indicators over [from, to) (by
// default the policy's participation period up to now) and its voting
// status, as JSON or, with ?format=csv, as CSV.
func (s *Server) participation(c echo.Context) error {
	from, to, err := timeRange(c)
	if err != nil {
		return err
	}
	format := c.QueryParam("format")
	if format != "" && format != "json" && format != "csv" {
		return invalid(map[string]string{"format": "must be json or csv"})
	}
	rows, err := s.svc.Participation(c.Request().Context(), from, to)
	if err != nil {
		return err
	}
	if format == "csv" {
		return participationCSV(c, rows, nil)
	}
	return c.JSON(http.StatusOK, rows)
}

// observers reports what observers (members of no ALS) contributed over
// [from, to) (by default the policy's participation period up to now).
func (s *Server) observers(c echo.Context) error {
	from, to, err := timeRange(c)
	if err != nil {
		return err
	}
	out, err := s.svc.ObserverParticipation(c.Request().Context(), from, to)
	return jsonOr(c, http.StatusOK, out, err)
}

// concludeReview ends the accreditation review of an ALS the inactivity
// rule sent to staff: keep (a fresh period, still without a vote until
// it takes part) or decertify (as PATCH /api/v1/als/{id} would).
func (s *Server) concludeReview(c echo.Context) error {
	var req store.ReviewInput
	if err := bind(c, &req); err != nil {
		return err
	}
	out, err := s.svc.ConcludeReview(c.Request().Context(), caller(c), c.Param("als_id"), req)
	return jsonOr(c, http.StatusOK, out, err)
}

// importActivity records staff's bulk import of mailing-list activity:
// a CSV body (email,date,list), every row or none; the problems are named
// by line in a 422 problem document.
func (s *Server) importActivity(c echo.Context) error {
	out, err := s.svc.ImportMailingActivity(c.Request().Context(), caller(c), c.Request().Body)
	return jsonOr(c, http.StatusOK, out, err)
}

// publicParticipationQuarter publishes a quarter's participation report
// per ALS ("2027-Q2", or "2027-Q2.csv" for CSV), without a token.
func (s *Server) publicParticipationQuarter(c echo.Context) error {
	q, asCSV := strings.CutSuffix(c.Param("quarter"), ".csv")
	out, err := s.svc.ParticipationQuarter(c.Request().Context(), q)
	if err != nil {
		return err
	}
	if asCSV {
		return participationCSV(c, out.Rows, &out.Observers)
	}
	return c.JSON(http.StatusOK, out)
}

func participationCSV(c echo.Context, rows []store.ParticipationRow, observers *store.ObserverRow) error {
	b, err := store.ParticipationCSV(rows, observers)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="participation.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", b)
}

// calendar is the caller's iCalendar feed of meetings, deadlines and
// hearings. Calendar applications cannot send a bearer header, so a feed
// token in ?token= opens it too (and nothing else).
func (s *Server) calendar(c echo.Context) error {
	ctx := c.Request().Context()
	a := caller(c)
	if a == nil {
		token := c.QueryParam("token")
		if token == "" {
			return errUnauthorized
		}
		var err error
		a, err = s.svc.FeedActor(ctx, token)
		if errors.Is(err, store.ErrBadToken) {
			return errUnauthorized
		}
		if err != nil {
			return err
		}
	}
	ics, err := s.svc.Calendar(ctx, a)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", ics)
}

func meetingLocation(out service.MeetingCreated) string { return "/api/v1/meetings/" + out.Meeting.ID }

func (s *Server) participationRoutes() []route {
	svc := s.svc
	return []route{
		{method: http.MethodGet, path: "/api/v1/meetings", access: authenticated, handler: s.listMeetings,
			tag: "participation", summary: "Meetings by start (?from=&to= RFC 3339)", response: "[]Meeting"},
		{method: http.MethodPost, path: "/api/v1/meetings", access: staffOnly, creates: true, emails: true, handler: create(svc.CreateMeeting, meetingLocation),
			tag: "participation", summary: "Schedule a meeting, or a series with recurrence (a Temporal Schedule); invitations carry an .ics", request: "MeetingRequest", response: "MeetingCreated", status: http.StatusCreated},
		{method: http.MethodGet, path: "/api/v1/meetings/:id", access: authenticated, handler: read(byID(svc.GetMeeting), http.StatusOK),
			tag: "participation", summary: "One meeting", response: "Meeting"},
		{method: http.MethodPatch, path: "/api/v1/meetings/series/:id", access: staffOnly, handler: onObject(svc.PatchSeries, http.StatusOK),
			tag: "participation", summary: "Pause or resume a series", request: "SeriesPatch", response: "MeetingSeries"},
		{method: http.MethodDelete, path: "/api/v1/meetings/series/:id", access: staffOnly, emails: true, handler: remove(svc.CancelSeries),
			tag: "participation", summary: "Cancel a series (its schedule is deleted; its upcoming meetings are cancelled and their invitees get an iCalendar CANCEL)", status: http.StatusNoContent},
		{method: http.MethodDelete, path: "/api/v1/meetings/:id", access: staffOnly, emails: true, handler: remove(svc.CancelMeeting),
			tag: "participation", summary: "Cancel a meeting that has not started (its invitees get an iCalendar CANCEL; 409 once started)", status: http.StatusNoContent},
		{method: http.MethodPost, path: "/api/v1/meetings/:id/attendance", access: authenticated, handler: onObject(svc.RecordAttendance, http.StatusOK),
			tag: "participation", summary: "Record who attended (staff or the meeting's chair; counted for each member's ALS; 409 if cancelled)", request: "AttendanceRequest", response: "[]Attendance"},
		{method: http.MethodGet, path: "/api/v1/participation", access: authenticated, handler: s.participation,
			tag: "participation", summary: "Indicators and voting status per ALS (?from=&to=; ?format=csv for CSV)", response: "[]ParticipationRow"},
		{method: http.MethodGet, path: "/api/v1/participation/observers", access: authenticated, handler: s.observers,
			tag: "participation", summary: "What observers (members of no accredited ALS: counted, without a vote) contributed (?from=&to=, default the participation period): meetings attended, comments, drafts, mailing-list messages", response: "ObserverRow"},
		{method: http.MethodGet, path: "/api/v1/public/participation/:quarter", access: public, handler: s.publicParticipationQuarter,
			tag: "participation", summary: "Public participation report of an ended calendar quarter per ALS ({year}-Q{n}, e.g. 2027-Q2; append .csv for CSV, whose last line is the observers'); with the observers (members of no ALS: counted, without a vote); 409 before the quarter ends. Staff are emailed it when the quarter ends (Temporal Schedule participation-quarterly-report), its SHA-256 in the public audit log", response: "QuarterReport"},
		{method: http.MethodPost, path: "/api/v1/participation/activity", access: staffOnly, handler: s.importActivity,
			tag: "participation", summary: "Import mailing-list activity in bulk (staff): a text/csv body with a header email,date,list (date 2027-05-01 or RFC 3339); members matched by email; every row or none, unknown addresses and bad lines named by line number (422, errors keyed \"line N\"); counted as mailing_list participation of each member's ALS, once per member, list and day", request: "ActivityCSV", consumes: "text/csv", response: "MailingSummary"},
		{method: http.MethodPost, path: "/api/v1/participation/:als_id/review", access: staffOnly, handler: s.concludeReview,
			tag: "participation", summary: "Conclude the accreditation review of an ALS (keep: a fresh inactive period, no vote until it takes part; decertify; 409 when not under review)", request: "ReviewInput", response: "ReviewConclusion"},
		{method: http.MethodPost, path: "/api/v1/members/:id/feed-token", access: authenticated, creates: true, handler: read(svc.IssueFeedToken, http.StatusCreated),
			tag: "auth", summary: "Issue the member's calendar feed token (shown once; replaces the previous one)", response: "FeedToken", status: http.StatusCreated},
		{method: http.MethodDelete, path: "/api/v1/members/:id/feed-token", access: authenticated, handler: remove(svc.RevokeFeedToken),
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
		"duration": obj{"type": "string", "description": "in the policy's notation", "example": "1h30m"}, "location": str("a place or a call link"), "series_id": nullable(str("")),
		"chair_id": nullable(str("the member chairing it, who may record attendance")), "cancelled_at": nullable(dateTime("")),
		"created_by": str(""), "created_at": dateTime("")}
	series := obj{"id": str(""), "kind": strEnum("", store.MeetingKinds...), "title": str(""), "starts_at": dateTime("first occurrence"),
		"duration": obj{"type": "string", "description": "in the policy's notation", "example": "1h"}, "location": str(""), "every": str("1mo, 2mo or a duration"), "until": nullable(dateTime("")),
		"paused": obj{"type": "boolean"}, "cancelled_at": nullable(dateTime("")), "chair_id": nullable(str("")), "created_by": str(""),
		"created_at": dateTime(""), "updated_at": dateTime("")}
	count := obj{"type": "integer"}
	return obj{
		"MeetingRequest": object(obj{"kind": strEnum("", store.MeetingKinds...), "title": str(""), "starts_at": dateTime(""),
			"duration": obj{"type": "string", "description": "\"90m\", \"1h\" or a number of minutes (default 1h)", "example": "90m"}, "location": str(""), "chair_id": str("optional: the member chairing it"),
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
			"mailing_list":  obj{"type": "integer", "description": "messages to the mailing lists imported by staff (one per member, list and day)"},
			"voting_status": strEnum("", "active", "warned", "inactive", "review"), "voting": obj{"type": "boolean"},
			"status_since": nullable(dateTime("")), "warned_at": nullable(dateTime("")), "inactive_at": nullable(dateTime(""))}, "als_id", "voting_status", "voting"),
		"QuarterReport": object(obj{"quarter": str("e.g. 2027-Q2"), "from": dateTime("first instant of the quarter (UTC)"), "to": dateTime("first instant after it"),
			"rows":      arrayOf(ref("ParticipationRow")),
			"observers": ref("ObserverRow")}, "quarter", "from", "to", "rows", "observers"),
		"ObserverRow": object(obj{"meetings_attended": count, "comments": count, "drafts": count,
			"mailing_list": count, "other": count}, "meetings_attended", "comments", "drafts", "mailing_list", "other"),
		"ActivityCSV": obj{"type": "string", "description": "text/csv: a header row email,date,list, then one row per message (date 2027-05-01 or RFC 3339)",
			"example": "email,date,list\nana@example.org,2027-05-01,lacralo-es\n"},
		"MailingSummary": object(obj{"rows": count, "recorded": obj{"type": "integer", "description": "new acts recorded (a row imported before counts once)"},
			"no_als": obj{"type": "integer", "description": "rows of members who represent no ALS, kept out of the per-ALS indicators"}}, "rows", "recorded", "no_als"),
		"ReviewInput": object(obj{"outcome": strEnum("", store.ReviewKeep, store.ReviewDecertify), "note": str("why, for the audit log")}, "outcome"),
		"ReviewConclusion": object(obj{"als_id": str(""), "outcome": strEnum("", store.ReviewKeep, store.ReviewDecertify), "note": str(""),
			"als_status": str("accreditation after the review"), "voting_status": str("standing under the inactivity rule after the review"),
			"at": dateTime("")}, "als_id", "outcome"),
		"FeedToken": object(obj{"id": str(""), "member_id": str(""), "token": str("shown once: an Idempotency-Key replay omits it and the url"),
			"url": str("feed address with the token"), "created_at": dateTime(""), "revoked_at": nullable(dateTime(""))}, "id"),
	}
}
