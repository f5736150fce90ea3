package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
)

type meetingDoc struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind"`
	StartsAt time.Time `json:"starts_at"`
	Duration string    `json:"duration"`
	SeriesID *string   `json:"series_id"`
}

type participationRow struct {
	ALSID            string `json:"als_id"`
	MeetingsAttended int    `json:"meetings_attended"`
	MonthlyCalls     int    `json:"monthly_calls"`
	CallsAttended    int    `json:"calls_attended"`
	BallotsCast      int    `json:"ballots_cast"`
	VotingStatus     string `json:"voting_status"`
	Voting           bool   `json:"voting"`
}

// seriesMeetings lists the meetings of a series, by start.
func seriesMeetings(t *testing.T, e *env, token, seriesID string) []meetingDoc {
	t.Helper()
	var all []meetingDoc
	expect(t, do(t, e, "GET", "/api/v1/meetings", token, nil), http.StatusOK).json(t, &all)
	var out []meetingDoc
	for _, m := range all {
		if m.SeriesID != nil && *m.SeriesID == seriesID {
			out = append(out, m)
		}
	}
	return out
}

func participationOf(t *testing.T, e *env, token, alsID, query string) participationRow {
	t.Helper()
	var rows []participationRow
	expect(t, do(t, e, "GET", "/api/v1/participation"+query, token, nil), http.StatusOK).json(t, &rows)
	for _, r := range rows {
		if r.ALSID == alsID {
			return r
		}
	}
	t.Fatalf("ALS %s not in the participation report", alsID)
	return participationRow{}
}

// TestMeetingSeriesParticipationAndCalendar runs process 5 over HTTP: a
// series every 2s backed by a Temporal Schedule creates meetings on time
// and invites the ALS delegates with an .ics; attendance changes the
// ALS's indicators; the calendar feed lists the meetings and an
// arbitration hearing, with a bearer token or a feed token.
func TestMeetingSeriesParticipationAndCalendar(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	var als struct{ ID string }
	expect(t, do(t, e, "POST", "/api/v1/als", adminToken, map[string]any{"name": "ALS " + unique(), "country": "AR"}), http.StatusCreated).json(t, &als)
	rep, repTok := newMember(t, e, "AR", als.ID, "als_rep")
	_, staffTok := newMember(t, e, "AR", "", "staff")

	// Invalid meetings are refused and write nothing; a field of the
	// wrong form is named with the form expected.
	soon := time.Now().Add(time.Hour)
	for name, tc := range map[string]struct {
		body       map[string]any
		field, msg string
	}{
		"unknown kind":     {body: map[string]any{"kind": "party", "title": "x", "starts_at": soon, "duration": 60}},
		"no title":         {body: map[string]any{"kind": "assembly", "title": " ", "starts_at": soon, "duration": 60}},
		"bad recurrence":   {body: map[string]any{"kind": "assembly", "title": "x", "starts_at": soon, "duration": 60, "recurrence": map[string]any{"every": "5mo"}}, field: "recurrence.every"},
		"until before":     {body: map[string]any{"kind": "assembly", "title": "x", "starts_at": soon, "duration": 60, "recurrence": map[string]any{"every": "1mo", "until": time.Now()}}},
		"negative minutes": {body: map[string]any{"kind": "assembly", "title": "x", "starts_at": soon, "duration": -5}, field: "duration", msg: "must be positive"},
		"bad duration": {body: map[string]any{"kind": "assembly", "title": "x", "starts_at": soon, "duration": "an hour"},
			field: "duration", msg: "must be a duration such as 90m or 1h, or a number of minutes"},
		"date for a date-time": {body: map[string]any{"kind": "assembly", "title": "x", "starts_at": "2027-05-01", "duration": "1h"},
			field: "starts_at", msg: "must be a date-time such as 2027-05-01T14:00:00Z"},
		"bad until": {body: map[string]any{"kind": "assembly", "title": "x", "starts_at": soon, "recurrence": map[string]any{"every": "1mo", "until": 5}},
			field: "recurrence.until", msg: "must be a date-time such as 2027-05-01T14:00:00Z"},
	} {
		t.Run(name, func(t *testing.T) {
			r := expect(t, do(t, e, "POST", "/api/v1/meetings", staffTok, tc.body), http.StatusUnprocessableEntity)
			if tc.field != "" {
				wantField(t, r, tc.field, tc.msg)
			}
		})
	}
	expect(t, do(t, e, "POST", "/api/v1/meetings", repTok, map[string]any{"kind": "assembly", "title": "x",
		"starts_at": time.Now().Add(time.Hour), "duration": 60}), http.StatusForbidden)

	// A series every 2s.
	title := "Monthly call " + unique()
	var created struct {
		Meeting meetingDoc `json:"meeting"`
		Series  struct {
			ID     string `json:"id"`
			Every  string `json:"every"`
			Paused bool   `json:"paused"`
		} `json:"series"`
	}
	first := time.Now().Add(time.Second).UTC().Truncate(time.Second)
	expect(t, do(t, e, "POST", "/api/v1/meetings", staffTok, map[string]any{"kind": "assembly", "title": title,
		"starts_at": first, "duration": "30m", "location": "https://meet.example.org/call",
		"recurrence": map[string]any{"every": "2s"}}), http.StatusCreated).json(t, &created)
	seriesID := created.Series.ID
	if seriesID == "" || created.Meeting.SeriesID == nil || *created.Meeting.SeriesID != seriesID || !created.Meeting.StartsAt.Equal(first) || created.Meeting.Duration != "30m" {
		t.Fatalf("created %+v", created)
	}

	// The schedule creates the following occurrences, one period ahead.
	var ms []meetingDoc
	eventually(t, 30*time.Second, "three occurrences", func() bool {
		ms = seriesMeetings(t, e, repTok, seriesID)
		return len(ms) >= 3
	})
	// Occurrences fall on the series' grid; a loaded worker may let the
	// schedule skip one, never shift one.
	for i := 1; i < len(ms); i++ {
		if gap := ms[i].StartsAt.Sub(ms[i-1].StartsAt); gap <= 0 || gap%(2*time.Second) != 0 {
			t.Fatalf("occurrences %v and %v are %v apart", ms[i-1].StartsAt, ms[i].StartsAt, gap)
		}
	}

	// The delegate is invited with an .ics and reminded.
	eventually(t, 20*time.Second, "invitation and reminder", func() bool {
		var mail []struct {
			Event string `json:"event"`
		}
		expect(t, do(t, e, "GET", "/api/v1/notifications", repTok, nil), http.StatusOK).json(t, &mail)
		got := map[string]int{}
		for _, m := range mail {
			got[m.Event]++
		}
		return got["meeting.invitation"] >= 2 && got["meeting.reminder"] >= 1
	})

	// Attendance counts for the ALS.
	wide := "?from=" + first.Add(-time.Hour).Format(time.RFC3339) + "&to=" + first.Add(time.Hour).Format(time.RFC3339)
	before := participationOf(t, e, repTok, als.ID, wide)
	if before.MeetingsAttended != 0 || before.VotingStatus != "active" || !before.Voting {
		t.Fatalf("before attendance: %+v", before)
	}
	expect(t, do(t, e, "POST", "/api/v1/meetings/"+ms[0].ID+"/attendance", staffTok, map[string]any{"member_ids": []string{"m_nobody"}}), http.StatusUnprocessableEntity)
	expect(t, do(t, e, "POST", "/api/v1/meetings/mtg_nope/attendance", staffTok, map[string]any{"member_ids": []string{rep.ID}}), http.StatusNotFound)
	for range 2 { // recording twice counts once
		expect(t, do(t, e, "POST", "/api/v1/meetings/"+ms[0].ID+"/attendance", staffTok, map[string]any{"member_ids": []string{rep.ID}}), http.StatusOK)
	}
	after := participationOf(t, e, repTok, als.ID, wide)
	if after.MeetingsAttended != 1 || after.CallsAttended != 1 || after.MonthlyCalls < 3 {
		t.Fatalf("after attendance: %+v", after)
	}
	csv := expect(t, do(t, e, "GET", "/api/v1/participation"+wide+"&format=csv", repTok, nil), http.StatusOK)
	if ct := csv.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("CSV content type %q", ct)
	}
	lines := strings.Split(strings.TrimSpace(string(csv.body)), "\n")
	if !strings.HasPrefix(lines[0], "als_id,name,country,meetings_attended") || !strings.Contains(string(csv.body), als.ID+",") {
		t.Fatalf("CSV %s", csv.body)
	}
	expect(t, do(t, e, "GET", "/api/v1/participation?from=yesterday", repTok, nil), http.StatusUnprocessableEntity)

	// Pause, then cancel: no occurrence after the cancellation.
	var paused struct{ Paused bool }
	expect(t, do(t, e, "PATCH", "/api/v1/meetings/series/"+seriesID, staffTok, map[string]any{"paused": true}), http.StatusOK).json(t, &paused)
	if !paused.Paused {
		t.Fatal("series not paused")
	}
	expect(t, do(t, e, "PATCH", "/api/v1/meetings/series/"+seriesID, staffTok, map[string]any{"paused": false}), http.StatusOK)
	expect(t, do(t, e, "DELETE", "/api/v1/meetings/series/"+seriesID, staffTok, nil), http.StatusNoContent)
	expect(t, do(t, e, "DELETE", "/api/v1/meetings/series/"+seriesID, staffTok, nil), http.StatusNoContent)
	expect(t, do(t, e, "PATCH", "/api/v1/meetings/series/"+seriesID, staffTok, map[string]any{"paused": true}), http.StatusConflict)
	expect(t, do(t, e, "PATCH", "/api/v1/meetings/series/ser_nope", staffTok, map[string]any{"paused": true}), http.StatusNotFound)
	time.Sleep(time.Second) // a workflow the schedule started just before may still finish
	n := len(seriesMeetings(t, e, repTok, seriesID))
	time.Sleep(5 * time.Second)
	if m := len(seriesMeetings(t, e, repTok, seriesID)); m != n {
		t.Fatalf("the cancelled series went on: %d -> %d meetings", n, m)
	}

	// An arbitration hearing the delegate is a party to.
	other, _ := newMember(t, e, "AR", "")
	arb, arbTok := newMember(t, e, "AR", "", "arbitrator")
	var c struct{ ID string }
	expect(t, do(t, e, "POST", "/api/v1/arbitrations", repTok, map[string]any{"question": "Calendar " + unique(), "parties": []string{other.ID}}), http.StatusCreated).json(t, &c)
	path := "/api/v1/arbitrations/" + c.ID
	expect(t, do(t, e, "POST", path+"/assign", staffTok, map[string]any{"arbitrator_id": arb.ID}), http.StatusOK)
	expect(t, do(t, e, "POST", path+"/confirm", arbTok, nil), http.StatusOK)
	eventually(t, 15*time.Second, "submissions", func() bool {
		return expect(t, do(t, e, "GET", path, repTok, nil), http.StatusOK).field(t, "status") == "submissions"
	})
	hearingAt := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	expect(t, do(t, e, "POST", path+"/hearing", arbTok, map[string]any{"starts_at": hearingAt, "duration": "1h", "location": "https://meet.example.org/h"}), http.StatusOK)

	// The calendar with the bearer token.
	expect(t, do(t, e, "GET", "/api/v1/calendar.ics", "", nil), http.StatusUnauthorized)
	cal := expect(t, do(t, e, "GET", "/api/v1/calendar.ics", repTok, nil), http.StatusOK)
	if ct := cal.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
		t.Fatalf("calendar content type %q", ct)
	}
	events := checkICalendar(t, cal.body)
	for _, m := range ms {
		if _, ok := events["meeting-"+m.ID+"@ralo"]; !ok {
			t.Errorf("meeting %s not in the feed", m.ID)
		}
	}
	hearing, ok := events["arbitration-"+c.ID+"@ralo"]
	if !ok {
		t.Fatal("the hearing is not in the feed")
	}
	hStart, err := hearing.GetStartAt()
	hEnd, endErr := hearing.GetEndAt()
	if err != nil || endErr != nil || !hStart.Equal(hearingAt) || !hEnd.Equal(hearingAt.Add(time.Hour)) ||
		icsValue(hearing, ics.ComponentPropertySummary) != "Audiencia: Arbitraje "+c.ID || // the representative reads Spanish
		icsValue(hearing, ics.ComponentPropertyLocation) != "https://meet.example.org/h" {
		t.Fatalf("hearing in the feed: %s", hearing.Serialize(nil))
	}
	// Someone outside the case sees the meetings but not the hearing.
	_, outsiderTok := newMember(t, e, "AR", "")
	if _, ok := checkICalendar(t, expect(t, do(t, e, "GET", "/api/v1/calendar.ics", outsiderTok, nil), http.StatusOK).body)["arbitration-"+c.ID+"@ralo"]; ok {
		t.Fatal("an outsider's feed shows the hearing")
	}

	// The feed token opens the calendar and nothing else.
	expect(t, do(t, e, "POST", "/api/v1/members/"+rep.ID+"/feed-token", outsiderTok, nil), http.StatusForbidden)
	var ft struct{ Token, URL string }
	expect(t, do(t, e, "POST", "/api/v1/members/"+rep.ID+"/feed-token", repTok, nil), http.StatusCreated).json(t, &ft)
	if ft.Token == "" || !strings.Contains(ft.URL, ft.Token) {
		t.Fatalf("feed token %+v", ft)
	}
	feed := expect(t, do(t, e, "GET", "/api/v1/calendar.ics?token="+ft.Token, "", nil), http.StatusOK)
	if _, ok := checkICalendar(t, feed.body)["arbitration-"+c.ID+"@ralo"]; !ok {
		t.Fatal("the feed token's calendar misses the hearing")
	}
	expect(t, do(t, e, "GET", "/api/v1/members/"+rep.ID, ft.Token, nil), http.StatusUnauthorized)
	expect(t, do(t, e, "GET", "/api/v1/calendar.ics", ft.Token, nil), http.StatusUnauthorized)
	expect(t, do(t, e, "GET", "/api/v1/calendar.ics?token="+repTok, "", nil), http.StatusUnauthorized)
	expect(t, do(t, e, "DELETE", "/api/v1/members/"+rep.ID+"/feed-token", repTok, nil), http.StatusNoContent)
	expect(t, do(t, e, "GET", "/api/v1/calendar.ics?token="+ft.Token, "", nil), http.StatusUnauthorized)
}

// checkICalendar parses an iCalendar feed with golang-ical, after the
// layout checks a parser forgives (CRLF, lines of at most 75 octets), and
// returns its events by UID; every event must have one UID, DTSTAMP and
// DTSTART, and a UID may appear once.
func checkICalendar(t *testing.T, body []byte) map[string]*ics.VEvent {
	t.Helper()
	s := string(body)
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatal("the calendar does not end with CRLF")
	}
	for i, l := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if strings.ContainsAny(l, "\r\n") || len(l) > 75 {
			t.Fatalf("line %d is %d octets or has a bare CR or LF: %q", i+1, len(l), l)
		}
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("golang-ical refuses the feed: %v", err)
	}
	props := map[string]string{}
	for _, p := range cal.CalendarProperties {
		props[p.IANAToken] = p.Value
	}
	if props["VERSION"] != "2.0" || props["PRODID"] == "" || props["METHOD"] != "" {
		t.Fatalf("feed header %v (VERSION 2.0 and PRODID, no METHOD)", props)
	}
	events := map[string]*ics.VEvent{}
	for _, ev := range cal.Events() {
		for _, p := range []ics.ComponentProperty{ics.ComponentPropertyUniqueId, ics.ComponentPropertyDtstamp, ics.ComponentPropertyDtStart} {
			if n := len(ev.GetProperties(p)); n != 1 {
				t.Fatalf("event %q has %d %s", ev.Id(), n, p)
			}
		}
		if _, dup := events[ev.Id()]; dup {
			t.Fatalf("UID %s twice", ev.Id())
		}
		events[ev.Id()] = ev
	}
	if len(events) != len(cal.Components) {
		t.Fatalf("%d components, %d events", len(cal.Components), len(events))
	}
	return events
}

// icsValue is an event property's (unescaped) value, "" when absent.
func icsValue(ev *ics.VEvent, p ics.ComponentProperty) string {
	if v := ev.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

// wantField checks that a problem names the field, with msg when given,
// and shows no Go parser message.
func wantField(t *testing.T, r response, field, msg string) {
	t.Helper()
	var p struct {
		Detail string            `json:"detail"`
		Errors map[string]string `json:"errors"`
	}
	r.json(t, &p)
	got, ok := p.Errors[field]
	if !ok || (msg != "" && got != msg) {
		t.Fatalf("errors %v: want %s %q", p.Errors, field, msg)
	}
	for _, s := range append([]string{p.Detail}, got) {
		if strings.Contains(s, "json:") || strings.Contains(s, "parsing time") || strings.Contains(s, "cannot") {
			t.Fatalf("Go's text in %q", s)
		}
	}
}

// TestParticipationActivityImport: staff import mailing-list activity as
// CSV; a bad line refuses the whole file (422 naming the line) and writes
// nothing; a good file counts in the indicators as mailing_list; other
// roles get 403.
func TestParticipationActivityImport(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	var als struct{ ID string }
	expect(t, do(t, e, "POST", "/api/v1/als", adminToken, map[string]any{"name": "ALS " + unique(), "country": "AR"}), http.StatusCreated).json(t, &als)
	rep, repTok := newMember(t, e, "AR", als.ID, "als_rep")
	_, staffTok := newMember(t, e, "AR", "", "staff")
	csvType := []string{"Content-Type", "text/csv"}
	good := "email,date,list\n" + rep.Email + ",2026-03-02,lacralo-es\n" + strings.ToUpper(rep.Email) + ",2026-03-03T10:00:00Z,lacralo-en\n"
	bad := good + "nobody-" + unique() + "@example.org,2026-03-04,lacralo-es\n"

	expect(t, do(t, e, "POST", "/api/v1/participation/activity", repTok, good, csvType...), http.StatusForbidden)
	refused := expect(t, do(t, e, "POST", "/api/v1/participation/activity", staffTok, bad, csvType...), http.StatusUnprocessableEntity)
	var p struct{ Errors map[string]string }
	refused.json(t, &p)
	if len(p.Errors) != 1 || !strings.Contains(p.Errors["line 4"], "no member with email") {
		t.Fatalf("the bad line is named: %s", refused.body)
	}
	row := func() map[string]any {
		var rows []map[string]any
		expect(t, do(t, e, "GET", "/api/v1/participation?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z", staffTok, nil), http.StatusOK).json(t, &rows)
		for _, r := range rows {
			if r["als_id"] == als.ID {
				return r
			}
		}
		t.Fatalf("no row for %s", als.ID)
		return nil
	}
	if n := row()["mailing_list"]; n != float64(0) {
		t.Fatalf("a refused import writes nothing: mailing_list %v", n)
	}
	var sum struct{ Rows, Recorded int }
	expect(t, do(t, e, "POST", "/api/v1/participation/activity", staffTok, good, csvType...), http.StatusOK).json(t, &sum)
	if sum.Rows != 2 || sum.Recorded != 2 || row()["mailing_list"] != float64(2) {
		t.Fatalf("import %+v, row %v", sum, row())
	}

	// The quarter's public report (no token) has the figures recorded
	// for it, as JSON and CSV; a quarter not ended is 409, a bad one 404.
	var q struct {
		Quarter string
		Rows    []map[string]any
	}
	expect(t, do(t, e, "GET", "/api/v1/public/participation/2026-Q1", "", nil), http.StatusOK).json(t, &q)
	found := false
	for _, r := range q.Rows {
		if r["als_id"] == als.ID {
			found = r["mailing_list"] == float64(2) && r["comments"] == float64(0)
		}
	}
	if q.Quarter != "2026-Q1" || !found {
		t.Fatalf("2026-Q1 report %+v", q)
	}
	var q2 struct{ Rows []map[string]any }
	expect(t, do(t, e, "GET", "/api/v1/public/participation/2026-Q2", "", nil), http.StatusOK).json(t, &q2)
	for _, r := range q2.Rows {
		if r["als_id"] == als.ID && r["mailing_list"] != float64(0) {
			t.Errorf("March's messages counted in 2026-Q2: %v", r)
		}
	}
	csvOut := expect(t, do(t, e, "GET", "/api/v1/public/participation/2026-Q1.csv", "", nil), http.StatusOK)
	lineOK := false
	for _, l := range strings.Split(string(csvOut.body), "\n") {
		if strings.HasPrefix(l, als.ID+",") {
			lineOK = strings.HasSuffix(l, ",2")
		}
	}
	if !lineOK {
		t.Errorf("CSV report: the ALS's line ends with mailing_list 2: %s", csvOut.body)
	}
	now := time.Now().UTC()
	current := fmt.Sprintf("%d-Q%d", now.Year(), (int(now.Month())-1)/3+1)
	expect(t, do(t, e, "GET", "/api/v1/public/participation/"+current, "", nil), http.StatusConflict)
	expect(t, do(t, e, "GET", "/api/v1/public/participation/2026-Q5", "", nil), http.StatusNotFound)
}
