package api_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/store"
)

// outboxFor waits for the message of a meeting step (invitation,
// cancellation) to a member and returns it with its one parsed
// iCalendar attachment.
func outboxFor(t *testing.T, e *env, memberID, meetingID, step string) (store.OutboxMessage, *ics.Calendar) {
	t.Helper()
	key := "meetings/" + meetingID + "/" + step + "/" + memberID
	var msg store.OutboxMessage
	eventually(t, 30*time.Second, step+" of "+meetingID, func() bool {
		ms, err := e.app.Store.ListOutbox(context.Background(), store.OutboxFilter{MemberID: memberID, Process: "meetings"})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.IdemKey == key {
				msg = m
				return true
			}
		}
		return false
	})
	att, err := msg.OutboxAttachments()
	if err != nil || len(att) != 1 {
		t.Fatalf("%s attachments %+v, %v", step, att, err)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(att[0].Data))
	if err != nil {
		t.Fatalf("golang-ical refuses the %s: %v\n%s", step, err, att[0].Data)
	}
	if len(cal.Events()) != 1 {
		t.Fatalf("%s has %d events", step, len(cal.Events()))
	}
	if !strings.Contains(att[0].ContentType, "method="+calMethod(cal)) {
		t.Fatalf("%s content type %q, METHOD %q", step, att[0].ContentType, calMethod(cal))
	}
	return msg, cal
}

func calMethod(cal *ics.Calendar) string {
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == string(ics.PropertyMethod) {
			return p.Value
		}
	}
	return ""
}

func sequenceOf(t *testing.T, ev *ics.VEvent) int {
	t.Helper()
	n, err := strconv.Atoi(icsValue(ev, ics.ComponentPropertySequence))
	if err != nil {
		t.Fatalf("SEQUENCE of %s: %v", ev.Id(), err)
	}
	return n
}

// checkCancels asserts that cancel withdraws the event invite announced:
// METHOD:CANCEL, STATUS:CANCELLED, the same UID and DTSTART, a higher
// SEQUENCE.
func checkCancels(t *testing.T, invite, cancel *ics.Calendar) {
	t.Helper()
	inv, cc := invite.Events()[0], cancel.Events()[0]
	if calMethod(invite) != "REQUEST" || icsValue(inv, ics.ComponentPropertyStatus) != "CONFIRMED" {
		t.Fatalf("invitation METHOD %q STATUS %q", calMethod(invite), icsValue(inv, ics.ComponentPropertyStatus))
	}
	if calMethod(cancel) != "CANCEL" || icsValue(cc, ics.ComponentPropertyStatus) != "CANCELLED" {
		t.Fatalf("cancellation METHOD %q STATUS %q", calMethod(cancel), icsValue(cc, ics.ComponentPropertyStatus))
	}
	for _, ev := range []*ics.VEvent{inv, cc} {
		if org := ev.GetProperty(ics.ComponentPropertyOrganizer); org == nil || org.Value != "mailto:noreply@lacralo.org" {
			t.Fatalf("ORGANIZER %+v, want the sender", org)
		}
	}
	if cc.Id() != inv.Id() || sequenceOf(t, cc) <= sequenceOf(t, inv) {
		t.Fatalf("cancellation UID %q SEQUENCE %d, invitation UID %q SEQUENCE %d", cc.Id(), sequenceOf(t, cc), inv.Id(), sequenceOf(t, inv))
	}
	a, err1 := inv.GetStartAt()
	b, err2 := cc.GetStartAt()
	if err1 != nil || err2 != nil || !a.Equal(b) {
		t.Fatalf("DTSTART %v (%v) vs %v (%v)", a, err1, b, err2)
	}
}

// TestMeetingCancellationSendsICalendarCancel cancels a one-off meeting
// and a series over HTTP: the invitees get a meeting.cancelled email whose
// attachment, parsed, cancels the invitation's event; attendance is then
// refused and the feed shows the meeting cancelled.
func TestMeetingCancellationSendsICalendarCancel(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	var als struct{ ID string }
	expect(t, do(t, e, "POST", "/api/v1/als", adminToken, map[string]any{"name": "ALS " + unique(), "country": "AR"}), http.StatusCreated).json(t, &als)
	rep, repTok := newMember(t, e, "AR", als.ID, "als_rep")
	_, staffTok := newMember(t, e, "AR", "", "staff")

	title := "Asamblea, región LAC; ¿quórum? " + unique()
	startsAt := time.Now().Add(3 * time.Hour).UTC().Truncate(time.Second)
	var created struct {
		Meeting meetingDoc `json:"meeting"`
	}
	r := expect(t, do(t, e, "POST", "/api/v1/meetings", staffTok, map[string]any{"kind": "assembly", "title": title,
		"starts_at": startsAt, "duration": "1h"}), http.StatusCreated)
	r.json(t, &created)
	id := created.Meeting.ID
	// The meeting is at its Location, its duration in the policy's notation.
	var got meetingDoc
	expect(t, do(t, e, "GET", r.header.Get("Location"), repTok, nil), http.StatusOK).json(t, &got)
	if r.header.Get("Location") != "/api/v1/meetings/"+id || got.ID != id || got.Duration != "1h" || created.Meeting.Duration != "1h" {
		t.Fatalf("Location %q: %+v", r.header.Get("Location"), got)
	}
	_, invite := outboxFor(t, e, rep.ID, id, "invitation")
	if got := icsValue(invite.Events()[0], ics.ComponentPropertySummary); got != title {
		t.Fatalf("invitation SUMMARY %q, want %q", got, title)
	}

	expect(t, do(t, e, "DELETE", "/api/v1/meetings/"+id, repTok, nil), http.StatusForbidden)
	expect(t, do(t, e, "DELETE", "/api/v1/meetings/mtg_nope", staffTok, nil), http.StatusNotFound)
	for range 2 { // a retried cancellation is harmless
		expect(t, do(t, e, "DELETE", "/api/v1/meetings/"+id, staffTok, nil), http.StatusNoContent)
	}
	msg, cancel := outboxFor(t, e, rep.ID, id, "cancellation")
	if msg.Event != "meeting.cancelled" || !strings.Contains(msg.Subject, title) {
		t.Fatalf("cancellation email %q %q", msg.Event, msg.Subject)
	}
	checkCancels(t, invite, cancel)

	// The meeting stays listed, cancelled; it takes no attendance, and the
	// feed carries the cancellation.
	var ms []struct {
		ID          string     `json:"id"`
		CancelledAt *time.Time `json:"cancelled_at"`
	}
	expect(t, do(t, e, "GET", "/api/v1/meetings", repTok, nil), http.StatusOK).json(t, &ms)
	found := false
	for _, m := range ms {
		if m.ID == id {
			found = m.CancelledAt != nil
		}
	}
	if !found {
		t.Fatal("the cancelled meeting is not listed as cancelled")
	}
	expect(t, do(t, e, "POST", "/api/v1/meetings/"+id+"/attendance", staffTok, map[string]any{"member_ids": []string{rep.ID}}), http.StatusConflict)
	feed := checkICalendar(t, expect(t, do(t, e, "GET", "/api/v1/calendar.ics", repTok, nil), http.StatusOK).body)
	if ev := feed["meeting-"+id+"@ralo"]; ev == nil || icsValue(ev, ics.ComponentPropertyStatus) != "CANCELLED" || sequenceOf(t, ev) != 1 {
		t.Fatalf("the feed's entry for the cancelled meeting: %v", ev)
	}

	// A meeting that has started cannot be cancelled.
	var past struct {
		Meeting meetingDoc `json:"meeting"`
	}
	expect(t, do(t, e, "POST", "/api/v1/meetings", staffTok, map[string]any{"kind": "working_group", "title": "Held " + unique(),
		"starts_at": time.Now().Add(-time.Hour), "duration": 30}), http.StatusCreated).json(t, &past)
	expect(t, do(t, e, "DELETE", "/api/v1/meetings/"+past.Meeting.ID, staffTok, nil), http.StatusConflict)

	// A series: its upcoming occurrence is cancelled with it.
	var sc struct {
		Meeting meetingDoc `json:"meeting"`
		Series  struct {
			ID string `json:"id"`
		} `json:"series"`
	}
	expect(t, do(t, e, "POST", "/api/v1/meetings", staffTok, map[string]any{"kind": "assembly", "title": "Series " + unique(),
		"starts_at": startsAt, "duration": "1h", "recurrence": map[string]any{"every": "1mo"}}), http.StatusCreated).json(t, &sc)
	_, sInvite := outboxFor(t, e, rep.ID, sc.Meeting.ID, "invitation")
	expect(t, do(t, e, "DELETE", "/api/v1/meetings/series/"+sc.Series.ID, staffTok, nil), http.StatusNoContent)
	sMsg, sCancel := outboxFor(t, e, rep.ID, sc.Meeting.ID, "cancellation")
	if sMsg.Event != "meeting.cancelled" {
		t.Fatalf("series cancellation event %q", sMsg.Event)
	}
	checkCancels(t, sInvite, sCancel)

	// Each cancellation reaches the member once.
	time.Sleep(time.Second)
	all, err := e.app.Store.ListOutbox(context.Background(), store.OutboxFilter{MemberID: rep.ID, Process: "meetings"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range all {
		if m.Event == "meeting.cancelled" {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("%d cancellation emails, want 2", n)
	}
}

// TestMeetingAttendanceByChair lets the meeting's chair record its
// attendance; another member gets 403, staff may.
func TestMeetingAttendanceByChair(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	chair, chairTok := newMember(t, e, "AR", "")
	attendee, otherTok := newMember(t, e, "AR", "")
	_, staffTok := newMember(t, e, "AR", "", "staff")

	body := map[string]any{"kind": "working_group", "title": "WG " + unique(), "starts_at": time.Now().Add(-time.Hour).UTC(),
		"duration": "1h", "chair_id": "m_nobody"}
	expect(t, do(t, e, "POST", "/api/v1/meetings", staffTok, body), http.StatusUnprocessableEntity)
	body["chair_id"] = chair.ID
	var created struct {
		Meeting struct {
			ID      string  `json:"id"`
			ChairID *string `json:"chair_id"`
		} `json:"meeting"`
	}
	expect(t, do(t, e, "POST", "/api/v1/meetings", staffTok, body), http.StatusCreated).json(t, &created)
	if created.Meeting.ChairID == nil || *created.Meeting.ChairID != chair.ID {
		t.Fatalf("chair %v", created.Meeting.ChairID)
	}
	path := "/api/v1/meetings/" + created.Meeting.ID + "/attendance"
	att := map[string]any{"member_ids": []string{attendee.ID}}
	expect(t, do(t, e, "POST", path, otherTok, att), http.StatusForbidden)
	expect(t, do(t, e, "POST", path, "", att), http.StatusUnauthorized)
	var got []struct {
		MemberID   string `json:"member_id"`
		RecordedBy string `json:"recorded_by"`
	}
	expect(t, do(t, e, "POST", path, chairTok, att), http.StatusOK).json(t, &got)
	if len(got) != 1 || got[0].MemberID != attendee.ID || !strings.Contains(got[0].RecordedBy, chair.ID) {
		t.Fatalf("attendance %+v", got)
	}
	expect(t, do(t, e, "POST", path, staffTok, map[string]any{"member_ids": []string{chair.ID}}), http.StatusOK).json(t, &got)
	if len(got) != 2 {
		t.Fatalf("attendance after staff %+v", got)
	}
	expect(t, do(t, e, "POST", "/api/v1/meetings/mtg_nope/attendance", chairTok, att), http.StatusNotFound)

	// A meeting without a chair: staff only.
	var plain struct {
		Meeting meetingDoc `json:"meeting"`
	}
	delete(body, "chair_id")
	expect(t, do(t, e, "POST", "/api/v1/meetings", staffTok, body), http.StatusCreated).json(t, &plain)
	expect(t, do(t, e, "POST", "/api/v1/meetings/"+plain.Meeting.ID+"/attendance", chairTok, att), http.StatusForbidden)
}

// TestParticipationReviewOverHTTP concludes accreditation reviews: keep
// (a fresh inactive period, no vote yet) and decertify (the ALS's status).
func TestParticipationReviewOverHTTP(t *testing.T) {
	e := shared
	ctx := context.Background()
	ensureCountry(t, e, "AR", "Argentina")
	_, staffTok := newMember(t, e, "AR", "", "staff")
	_, memberTok := newMember(t, e, "AR", "")
	st := e.app.Store
	// Monthly calls long ago, so that no other test's period sees them.
	base := time.Date(2020, 1, 10, 14, 0, 0, 0, time.UTC)
	for i := range 4 {
		if _, err := st.CreateMeeting(ctx, store.Actor{MemberID: "m_staff"}, store.MeetingInput{Kind: store.MeetingAssembly,
			Title: "Old call", StartsAt: base.AddDate(0, i, 0), Duration: time.Hour}); err != nil {
			t.Fatal(err)
		}
	}
	day := 24 * time.Hour
	p := domain.Params{MissedCalls: 3, Period: 60 * day, WarningBefore: 10 * day, RestoreWithin: 30 * day}
	underReview := func() string {
		t.Helper()
		var als struct{ ID string }
		expect(t, do(t, e, "POST", "/api/v1/als", adminToken, map[string]any{"name": "ALS " + unique(), "country": "AR"}), http.StatusCreated).json(t, &als)
		for _, at := range []time.Time{base.AddDate(0, 4, 0), base.AddDate(0, 4, 11), base.AddDate(0, 5, 15)} {
			if _, _, err := st.EvaluateParticipation(ctx, als.ID, at, p); err != nil {
				t.Fatal(err)
			}
		}
		if s, _ := st.VotingStatus(ctx, als.ID); s != domain.VotingReview {
			t.Fatalf("status %q, want review", s)
		}
		return als.ID
	}

	kept := underReview()
	path := "/api/v1/participation/" + kept + "/review"
	expect(t, do(t, e, "POST", path, memberTok, map[string]any{"outcome": "keep"}), http.StatusForbidden)
	expect(t, do(t, e, "POST", path, staffTok, map[string]any{"outcome": "pardon"}), http.StatusUnprocessableEntity)
	expect(t, do(t, e, "POST", path, staffTok, `{"outcome":`), http.StatusBadRequest)
	expect(t, do(t, e, "POST", "/api/v1/participation/als_nope/review", staffTok, map[string]any{"outcome": "keep"}), http.StatusNotFound)
	var c struct {
		Outcome      string `json:"outcome"`
		ALSStatus    string `json:"als_status"`
		VotingStatus string `json:"voting_status"`
	}
	expect(t, do(t, e, "POST", path, staffTok, map[string]any{"outcome": "keep", "note": "they wrote back"}), http.StatusOK).json(t, &c)
	if c.Outcome != "keep" || c.VotingStatus != "inactive" || c.ALSStatus != "accredited" {
		t.Fatalf("keep %+v", c)
	}
	expect(t, do(t, e, "POST", path, staffTok, map[string]any{"outcome": "keep"}), http.StatusConflict)
	row := participationOf(t, e, memberTok, kept, "")
	if row.VotingStatus != "inactive" || row.Voting {
		t.Fatalf("kept ALS in the report %+v", row)
	}

	gone := underReview()
	expect(t, do(t, e, "POST", "/api/v1/participation/"+gone+"/review", staffTok, map[string]any{"outcome": "decertify", "note": "silent"}), http.StatusOK).json(t, &c)
	if c.ALSStatus != "decertified" {
		t.Fatalf("decertify %+v", c)
	}
	if s := expect(t, do(t, e, "GET", "/api/v1/als/"+gone, memberTok, nil), http.StatusOK).field(t, "status"); s != "decertified" {
		t.Fatalf("ALS status %v", s)
	}
	expect(t, do(t, e, "POST", "/api/v1/participation/"+gone+"/review", staffTok, map[string]any{"outcome": "decertify"}), http.StatusConflict)
	entries, err := st.ListAudit(ctx, store.AuditFilter{All: true, Action: "participation.review_concluded"})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, en := range entries {
		seen[en.ObjectID] = true
	}
	if !seen[kept] || !seen[gone] {
		t.Fatalf("audit entries %+v", entries)
	}
	als, err := st.ListAudit(ctx, store.AuditFilter{All: true, Action: "als.updated", ObjectID: gone})
	if err != nil || len(als) != 1 {
		t.Fatalf("als.updated entries %+v, %v", als, err)
	}
}

// deadlineDoc is one entry of a process document's deadlines.
type deadlineDoc struct {
	Name string    `json:"name"`
	At   time.Time `json:"at"`
}

// TestCalendarFeedCoversElectionsAndEthics checks that the feed carries
// an open election's deadlines to every member, and an ethics case's
// deadlines only to those who may read the case.
func TestCalendarFeedCoversElectionsAndEthics(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	_, staffTok := newMember(t, e, "AR", "", "staff")
	_, memberTok := newMember(t, e, "AR", "")
	_, cTok := newMember(t, e, "AR", "")
	respondent, rTok := newMember(t, e, "AR", "")

	now := time.Now().UTC()
	at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
	var el struct {
		ID        string        `json:"id"`
		Deadlines []deadlineDoc `json:"deadlines"`
	}
	expect(t, do(t, e, "POST", "/api/v1/elections", staffTok, map[string]any{
		"title": "Feed, Región; Sur " + unique(),
		"seats": []map[string]any{{"seat": "chair", "rotation": "none"}},
		"calendar": map[string]any{"nominations_close": at(10 * 24 * time.Hour), "acceptance_close": at(11 * 24 * time.Hour),
			"objections_close": at(12 * 24 * time.Hour), "voting_open": at(12 * 24 * time.Hour), "voting_close": at(19 * 24 * time.Hour),
			"term_start": at(30 * 24 * time.Hour)},
	}), http.StatusCreated).json(t, &el)
	eventually(t, 30*time.Second, "the election's deadlines", func() bool {
		expect(t, do(t, e, "GET", "/api/v1/elections/"+el.ID, memberTok, nil), http.StatusOK).json(t, &el)
		return len(el.Deadlines) > 0
	})

	var filed struct {
		ID        string        `json:"id"`
		Deadlines []deadlineDoc `json:"deadlines"`
	}
	expect(t, do(t, e, "POST", "/api/v1/ethics/complaints", cTok, map[string]any{"respondent_id": respondent.ID,
		"kind": "bad_faith", "summary": "Calendar feed check."}), http.StatusCreated).json(t, &filed)
	eventually(t, 10*time.Second, "case started", func() bool {
		return do(t, e, "GET", "/api/v1/ethics/complaints/"+filed.ID, cTok, nil).status == http.StatusOK
	})
	expect(t, do(t, e, "GET", "/api/v1/ethics/complaints/"+filed.ID, memberTok, nil), http.StatusNotFound)
	if len(filed.Deadlines) == 0 {
		t.Fatal("the complaint has no deadline")
	}

	hasDeadlines := func(feed map[string]*ics.VEvent, prefix string, ds []deadlineDoc) bool {
		t.Helper()
		for _, d := range ds {
			ev := feed[prefix+"-"+d.Name+"@ralo"]
			if ev == nil {
				return false
			}
			start, err := ev.GetStartAt()
			// The summary names the deadline in the member's language,
			// never by its code.
			if summary := icsValue(ev, ics.ComponentPropertySummary); err != nil || !start.Equal(d.At.Truncate(time.Second)) || summary == "" || strings.Contains(d.Name, "_") && strings.Contains(summary, d.Name) {
				t.Fatalf("%s deadline %s in the feed: %s", prefix, d.Name, ev.Serialize(nil))
			}
		}
		return true
	}
	member := checkICalendar(t, expect(t, do(t, e, "GET", "/api/v1/calendar.ics", memberTok, nil), http.StatusOK).body)
	if !hasDeadlines(member, "election-"+el.ID, el.Deadlines) {
		t.Fatalf("a member's feed misses the election's deadlines %+v", el.Deadlines)
	}
	// Neither an unrelated member nor the respondent of a complaint not
	// yet admitted (GET of the case is 404 to both) sees its dates.
	expect(t, do(t, e, "GET", "/api/v1/ethics/complaints/"+filed.ID, rTok, nil), http.StatusNotFound)
	for who, feed := range map[string]map[string]*ics.VEvent{
		"unrelated member": member,
		"respondent":       checkICalendar(t, expect(t, do(t, e, "GET", "/api/v1/calendar.ics", rTok, nil), http.StatusOK).body),
	} {
		for uid := range feed {
			if strings.HasPrefix(uid, "ethics-"+filed.ID) {
				t.Fatalf("the %s's feed shows the ethics case: %s", who, uid)
			}
		}
	}
	if ev := member["election-"+el.ID+"-"+el.Deadlines[0].Name+"@ralo"]; !strings.Contains(icsValue(ev, ics.ComponentPropertySummary), "Feed, Región; Sur") {
		t.Fatalf("election title in the feed: %q", icsValue(ev, ics.ComponentPropertySummary))
	}
	// The complainant and staff see the case's deadlines.
	for who, tok := range map[string]string{"complainant": cTok, "staff": staffTok} {
		feed := checkICalendar(t, expect(t, do(t, e, "GET", "/api/v1/calendar.ics", tok, nil), http.StatusOK).body)
		if !hasDeadlines(feed, "ethics-"+filed.ID, filed.Deadlines) {
			t.Fatalf("the %s's feed misses the ethics deadlines %+v", who, filed.Deadlines)
		}
	}
}

// svgDoc decodes a whole SVG document token by token (so that anything
// ill-formed anywhere fails) and returns its text and the classes of its
// elements with their tooltips.
func svgDoc(t *testing.T, body []byte) (text []string, tooltips map[string][]string) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(body))
	tooltips = map[string][]string{}
	var stack []string // class of each open element
	depth := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the chart is not well-formed XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			class := ""
			for _, a := range el.Attr {
				if a.Name.Local == "class" {
					class = a.Value
				}
			}
			if el.Name.Local == "svg" {
				depth++
			}
			stack = append(stack, class)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			s := strings.TrimSpace(string(el))
			if s == "" {
				continue
			}
			text = append(text, s)
			if len(stack) >= 2 && stack[len(stack)-2] != "" {
				tooltips[stack[len(stack)-2]] = append(tooltips[stack[len(stack)-2]], s)
			}
		}
	}
	if depth != 1 || len(stack) != 0 {
		t.Fatalf("%d svg roots, %d elements left open", depth, len(stack))
	}
	return text, tooltips
}

// TestRoadmapDeadlineOverlay draws the roadmap with the next deadline of
// each open process the caller may see.
func TestRoadmapDeadlineOverlay(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	_, staffTok := newMember(t, e, "AR", "", "staff")
	_, memberTok := newMember(t, e, "AR", "")
	_, cTok := newMember(t, e, "AR", "")
	respondent, _ := newMember(t, e, "AR", "")

	start := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -10)
	expect(t, do(t, e, "POST", "/api/v1/roadmap/items", staffTok, map[string]any{"title": "Overlay step, «uno» & <dos> " + unique(),
		"owner": "Staff", "start": start, "due": start.AddDate(0, 2, 0), "status": "in_progress"}), http.StatusCreated)

	now := time.Now().UTC()
	at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
	title := "Overlay " + unique()
	var el struct {
		ID        string        `json:"id"`
		Deadlines []deadlineDoc `json:"deadlines"`
	}
	expect(t, do(t, e, "POST", "/api/v1/elections", staffTok, map[string]any{
		"title": title, "seats": []map[string]any{{"seat": "chair", "rotation": "none"}},
		"calendar": map[string]any{"nominations_close": at(20 * 24 * time.Hour), "acceptance_close": at(21 * 24 * time.Hour),
			"objections_close": at(22 * 24 * time.Hour), "voting_open": at(22 * 24 * time.Hour), "voting_close": at(29 * 24 * time.Hour),
			"term_start": at(40 * 24 * time.Hour)},
	}), http.StatusCreated).json(t, &el)
	eventually(t, 30*time.Second, "the election's deadlines", func() bool {
		expect(t, do(t, e, "GET", "/api/v1/elections/"+el.ID, memberTok, nil), http.StatusOK).json(t, &el)
		return len(el.Deadlines) > 0
	})
	next := el.Deadlines[0]
	for _, d := range el.Deadlines {
		if d.At.Before(next.At) {
			next = d
		}
	}
	var filed struct{ ID string }
	expect(t, do(t, e, "POST", "/api/v1/ethics/complaints", cTok, map[string]any{"respondent_id": respondent.ID,
		"kind": "bad_faith", "summary": "Overlay check."}), http.StatusCreated).json(t, &filed)
	eventually(t, 10*time.Second, "case started", func() bool {
		return do(t, e, "GET", "/api/v1/ethics/complaints/"+filed.ID, cTok, nil).status == http.StatusOK
	})

	expect(t, do(t, e, "GET", "/api/v1/roadmap/gantt.svg?overlay=everything", memberTok, nil), http.StatusUnprocessableEntity)
	var items []struct {
		Title string `json:"title"`
	}
	expect(t, do(t, e, "GET", "/api/v1/roadmap/items", memberTok, nil), http.StatusOK).json(t, &items)
	electionMarker := "Election " + title + ": " + strings.ReplaceAll(next.Name, "_", " ")
	ethicsMarker := "Ethics case " + filed.ID + ": "
	chart := func(tok string) (string, []string) {
		t.Helper()
		r := expect(t, do(t, e, "GET", "/api/v1/roadmap/gantt.svg?overlay=deadlines", tok, nil), http.StatusOK)
		if ct := r.header.Get("Content-Type"); ct != "image/svg+xml" {
			t.Fatalf("content type %q", ct)
		}
		text, tips := svgDoc(t, r.body)
		all := strings.Join(text, "\n")
		for _, it := range items {
			if !strings.Contains(all, it.Title) {
				t.Fatalf("the chart does not name %q", it.Title)
			}
		}
		return all, tips["marker"]
	}
	all, markers := chart(memberTok)
	found := false
	for _, m := range markers {
		if strings.HasPrefix(m, electionMarker+"\n") && strings.Contains(m, next.At.UTC().Format(time.DateOnly)) {
			found = true
		}
		if strings.HasPrefix(m, ethicsMarker) {
			t.Fatalf("an unrelated member's overlay shows the ethics case: %q", m)
		}
	}
	if !found || !strings.Contains(all, "Open deadlines") {
		t.Fatalf("no marker %q among %q", electionMarker, markers)
	}
	_, markers = chart(cTok)
	if !slices.ContainsFunc(markers, func(m string) bool { return strings.HasPrefix(m, ethicsMarker) }) {
		t.Fatalf("the complainant's overlay misses the ethics case: %q", markers)
	}
	// Without the overlay, no marker.
	text, tips := svgDoc(t, expect(t, do(t, e, "GET", "/api/v1/roadmap/gantt.svg", memberTok, nil), http.StatusOK).body)
	if len(tips["marker"]) != 0 || strings.Contains(strings.Join(text, "\n"), "Open deadlines") {
		t.Fatalf("markers without the overlay: %q", tips["marker"])
	}
}
