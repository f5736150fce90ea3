package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/app"
	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/election"
	"github.com/lacralo/ralo/workflows/meeting"
)

// outboxOf waits for a member's message of an event and returns it.
func outboxOf(t *testing.T, e *env, memberID, event string) store.OutboxMessage {
	t.Helper()
	var found store.OutboxMessage
	eventually(t, 60*time.Second, event+" for "+memberID, func() bool {
		ms, err := e.app.Store.ListOutbox(context.Background(), store.OutboxFilter{MemberID: memberID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.Event == event {
				found = m
				return true
			}
		}
		return false
	})
	return found
}

// hasEvent says whether a member has a message of an event in the outbox.
func hasEvent(t *testing.T, e *env, memberID, event string) bool {
	t.Helper()
	ms, err := e.app.Store.ListOutbox(context.Background(), store.OutboxFilter{MemberID: memberID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Event == event {
			return true
		}
	}
	return false
}

// runWorkflow runs one of the scheduled workflows now, as its schedule
// would, and waits for its result.
func runWorkflow(t *testing.T, e *env, name string, in, out any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	run, err := e.app.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: name + "/test-" + unique(), TaskQueue: workflows.TaskQueue}, name, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Get(ctx, out); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// TestWelcomeEmail: a member registered alone (POST /api/v1/members) or by
// a roster import is emailed the welcome with the new-member guidelines
// of the policy, in their own language.
func TestWelcomeEmail(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	es, _ := newMember(t, e, "AR", "")
	msg := outboxOf(t, e, es.ID, "member.welcome")
	if msg.Process != "welcome" || !strings.Contains(msg.Body, "Declare sus conflictos de interés") || !strings.HasPrefix(msg.Subject, "[LACRALO] Bienvenido") {
		t.Fatalf("welcome in Spanish: %s\n%s", msg.Subject, msg.Body)
	}

	svc := service.New(service.Config{Store: e.app.Store, Temporal: e.app.Client, Policy: e.app.Policy})
	u := unique()
	roster := "name,email,country,als,language\n" +
		"Eve,eve" + u + "@example.org,AR,ALS roster " + u + ",en\n" +
		"Paula,paula" + u + "@example.org,AR,,pt\n" +
		"Luc,luc" + u + "@example.org,AR,,fr\n"
	sum, err := svc.ImportRoster(context.Background(), service.Operator(), strings.NewReader(roster))
	if err != nil || len(sum.MemberIDs) != 3 {
		t.Fatalf("roster: %+v, %v", sum, err)
	}
	for i, want := range []string{"Declare your conflicts of interest", "Declare os seus conflitos de interesse", "Déclarez vos conflits d'intérêts"} {
		msg := outboxOf(t, e, sum.MemberIDs[i], "member.welcome")
		if !strings.Contains(msg.Body, want) || strings.Contains(msg.Body, "Declare sus conflictos") {
			t.Errorf("welcome %d lacks its own language's guidelines %q:\n%s", i, want, msg.Body)
		}
	}
	// A roster with a bad line registers nobody and welcomes nobody.
	bad := "name,email,country\nBo,bo@,AR\n"
	if _, err := svc.ImportRoster(context.Background(), service.Operator(), strings.NewReader(bad)); err == nil {
		t.Fatal("bad roster imported")
	}
	if _, err := svc.ImportRoster(context.Background(), &service.Actor{}, strings.NewReader(roster)); service.AsError(err).Kind != service.KindForbidden {
		t.Fatalf("a member imported a roster: %v", err)
	}
}

// TestMonthlyDigest: the digest lists every open process a member can
// see with its next deadline and what they can do: the ALS's
// representative is asked to cast its ballot, an observer only follows the
// election; a complaint is listed to its complainant and to staff, never
// to a member it does not concern; a member who unsubscribed gets none.
func TestMonthlyDigest(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	newALS := func() string {
		var a struct{ ID string }
		expect(t, do(t, e, "POST", "/api/v1/als", adminToken, map[string]any{"name": "ALS " + unique(), "country": "AR"}), http.StatusCreated).json(t, &a)
		return a.ID
	}
	a1, a2 := newALS(), newALS()
	rep, _ := newMember(t, e, "AR", a1, "als_rep")
	observer, observerTok := newMember(t, e, "AR", "")
	expect(t, do(t, e, "PATCH", "/api/v1/members/"+observer.ID, observerTok, map[string]any{"language": "en"}), http.StatusOK)
	quiet, quietTok := newMember(t, e, "AR", a2, "als_rep")
	var view map[string]any
	expect(t, do(t, e, "PATCH", "/api/v1/members/"+quiet.ID, quietTok, map[string]any{"digest_opt_out": true}), http.StatusOK).json(t, &view)
	if view["digest_opt_out"] != true {
		t.Fatalf("the preference is not shown to the member: %v", view)
	}
	staff, staffTok := newMember(t, e, "AR", "", "staff")
	c1, c1Tok := newMember(t, e, "AR", a1)
	c2, c2Tok := newMember(t, e, "AR", a2)

	now := time.Now().UTC()
	at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339Nano) }
	title := "Digest chair " + unique()
	var el struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	expect(t, do(t, e, "POST", "/api/v1/elections", staffTok, map[string]any{"title": title,
		"seats": []map[string]any{{"seat": "chair", "rotation": "none"}},
		"calendar": map[string]any{"nominations_close": at(8 * time.Second), "acceptance_close": at(8 * time.Second),
			"objections_close": at(9 * time.Second), "voting_open": at(9 * time.Second), "voting_close": at(time.Hour)}}), http.StatusCreated).json(t, &el)
	path := "/api/v1/elections/" + el.ID
	for _, c := range []struct {
		id, tok string
	}{{c1.ID, c1Tok}, {c2.ID, c2Tok}} {
		var n struct {
			Nomination struct{ ID string } `json:"nomination"`
		}
		expect(t, do(t, e, "POST", path+"/nominations", c.tok, map[string]any{"seat": "chair", "nominee_id": c.id, "statement": "s"}), http.StatusCreated).json(t, &n)
		expect(t, do(t, e, "POST", "/api/v1/members/"+c.id+"/declarations", c.tok, map[string]any{"kind": "none"}), http.StatusCreated)
		expect(t, do(t, e, "POST", path+"/nominations/"+n.Nomination.ID+"/accept", c.tok, map[string]any{"statement_of_interest": "I will serve"}), http.StatusOK)
	}
	var filed complaint
	expect(t, do(t, e, "POST", "/api/v1/ethics/complaints", observerTok, map[string]any{"respondent_id": c2.ID,
		"kind": "bad_faith", "summary": "Digest test complaint."}), http.StatusCreated).json(t, &filed)
	eventually(t, 90*time.Second, "voting", func() bool {
		expect(t, do(t, e, "GET", path, staffTok, nil), http.StatusOK).json(t, &el)
		return el.Status == election.StatusVoting
	})

	var res meeting.DigestResult
	runWorkflow(t, e, meeting.DigestWorkflowName, meeting.DigestInput{Month: "2030-01"}, &res)
	if res.Sent == 0 || res.Members < 6 {
		t.Fatalf("digest run %+v", res)
	}

	digest := outboxOf(t, e, rep.ID, "digest.monthly")
	if !strings.Contains(digest.Body, "Elección «"+title+"» ("+el.ID+"): emita el voto de su ALS. Próximo plazo:") ||
		!strings.Contains(digest.Subject, "2030-01") {
		t.Errorf("the representative's digest lacks the ballot to cast:\n%s", digest.Body)
	}
	if strings.Contains(digest.Body, filed.ID) {
		t.Errorf("the representative's digest lists a complaint that does not concern them:\n%s", digest.Body)
	}
	obs := outboxOf(t, e, observer.ID, "digest.monthly")
	if !strings.Contains(obs.Body, `Election "`+title+`" (`+el.ID+`): nothing to do: follow it.`) || strings.Contains(obs.Body, "cast your ALS's ballot") {
		t.Errorf("the observer's digest (English, no ballot to cast):\n%s", obs.Body)
	}
	if !strings.Contains(obs.Body, "Ethics case ("+filed.ID+")") {
		t.Errorf("the complainant's digest lacks their complaint:\n%s", obs.Body)
	}
	if s := outboxOf(t, e, staff.ID, "digest.monthly"); !strings.Contains(s.Body, filed.ID) {
		t.Errorf("the staff digest lacks the complaint:\n%s", s.Body)
	}
	if hasEvent(t, e, quiet.ID, "digest.monthly") {
		t.Error("a member who unsubscribed got the digest")
	}
	// A second run for the same month sends nobody a second digest.
	runWorkflow(t, e, meeting.DigestWorkflowName, meeting.DigestInput{Month: "2030-01"}, &res)
	time.Sleep(time.Second)
	ms, err := e.app.Store.ListOutbox(context.Background(), store.OutboxFilter{MemberID: rep.ID, Process: "digest", Limit: 1000})
	if err != nil || len(ms) != 1 {
		t.Fatalf("digests of the representative after two runs: %d, %v", len(ms), err)
	}
}

// TestQuarterlyReportToStaff: the quarterly report's run emails staff the
// quarter's CSV, the same bytes the public address serves, with figures
// that are those recorded: a meeting attended and a mailing-list message
// by an ALS's representative and by an observer, the observer's in the
// observers' line.
func TestQuarterlyReportToStaff(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	var als struct{ ID string }
	expect(t, do(t, e, "POST", "/api/v1/als", adminToken, map[string]any{"name": "ALS " + unique(), "country": "AR"}), http.StatusCreated).json(t, &als)
	rep, _ := newMember(t, e, "AR", als.ID, "als_rep")
	observer, _ := newMember(t, e, "AR", "")
	staff, staffTok := newMember(t, e, "AR", "", "staff")
	observers := func() store.ObserverRow {
		var q service.QuarterReport
		expect(t, do(t, e, "GET", "/api/v1/public/participation/2025-Q3", "", nil), http.StatusOK).json(t, &q)
		return q.Observers
	}
	before := observers()

	var mtg struct {
		Meeting struct{ ID string } `json:"meeting"`
	}
	expect(t, do(t, e, "POST", "/api/v1/meetings", staffTok, map[string]any{"kind": "working_group", "title": "WG " + unique(),
		"starts_at": "2025-08-12T15:00:00Z", "duration": "1h"}), http.StatusCreated).json(t, &mtg)
	expect(t, do(t, e, "POST", "/api/v1/meetings/"+mtg.Meeting.ID+"/attendance", staffTok,
		map[string]any{"member_ids": []string{rep.ID, observer.ID}}), http.StatusOK)
	csv := "email,date,list\n" + rep.Email + ",2025-09-02,lacralo-es\n" + observer.Email + ",2025-09-03,lacralo-en\n"
	var sum struct{ Rows, Recorded, NoALS int }
	expect(t, do(t, e, "POST", "/api/v1/participation/activity", staffTok, csv, "Content-Type", "text/csv"), http.StatusOK).json(t, &sum)
	if sum.Rows != 2 || sum.Recorded != 2 {
		t.Fatalf("import %+v", sum)
	}
	if after := observers(); after.MeetingsAttended != before.MeetingsAttended+1 || after.MailingList != before.MailingList+1 {
		t.Fatalf("observers' line %+v, before %+v: want one more meeting and message", after, before)
	}

	var rep2 meeting.QuarterReportSummary
	runWorkflow(t, e, meeting.QuarterlyReportWorkflowName, meeting.QuarterReportInput{Quarter: "2025-Q3"}, &rep2)
	msg := outboxOf(t, e, staff.ID, "participation.quarterly")
	att, err := msg.OutboxAttachments()
	if err != nil || len(att) != 1 {
		t.Fatalf("attachments %v, %v", att, err)
	}
	public := expect(t, do(t, e, "GET", "/api/v1/public/participation/2025-Q3.csv", "", nil), http.StatusOK).body
	if string(att[0].Data) != string(public) {
		t.Errorf("the emailed CSV is not the published one:\n%s\n---\n%s", att[0].Data, public)
	}
	sha := sha256.Sum256(att[0].Data)
	if !strings.Contains(msg.Body, hex.EncodeToString(sha[:])) || !strings.Contains(msg.Body, "/api/v1/public/participation/2025-Q3.csv") {
		t.Errorf("the email names neither the CSV's hash nor its address:\n%s", msg.Body)
	}
	line := ""
	for _, l := range strings.Split(string(att[0].Data), "\n") {
		if strings.HasPrefix(l, als.ID+",") {
			line = l
		}
	}
	// als_id,name,country,meetings_attended,monthly_calls,calls_attended,consecutive_missed_calls,
	// ballots_cast,comments,drafts,other,voting_status,voting,status_since,mailing_list
	f := strings.Split(line, ",")
	if len(f) != 15 || f[3] != "1" || f[7] != "0" || f[8] != "0" || f[14] != "1" {
		t.Errorf("the ALS's figures in the report %q: want one meeting and one message", line)
	}
	var entries []struct {
		Action   string `json:"action"`
		ObjectID string `json:"object_id"`
		Audience string `json:"audience"`
	}
	expect(t, do(t, e, "GET", "/api/v1/audit?process=participation&limit=1000", staffTok, nil), http.StatusOK).json(t, &entries)
	audited := false
	for _, a := range entries {
		audited = audited || a.Action == "participation.quarterly_report" && a.ObjectID == "2025-Q3" && a.Audience == "public"
	}
	if !audited {
		t.Error("no public audit entry of the 2025-Q3 report")
	}
}

// TestObserverCommentCounted: an observer (no ALS) comments on a draft in
// its comment period; the comment is accepted and counted in the
// observers' indicators (no ALS's).
func TestObserverCommentCounted(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	_, staffTok := newMember(t, e, "AR", "", "staff")
	pen, penTok := newMember(t, e, "AR", "")
	_, observerTok := newMember(t, e, "AR", "")
	count := func() int {
		var o store.ObserverRow
		expect(t, do(t, e, "GET", "/api/v1/participation/observers", staffTok, nil), http.StatusOK).json(t, &o)
		return o.Comments
	}
	before := count()
	var st struct{ ID string }
	expect(t, do(t, e, "POST", "/api/v1/statements", staffTok, map[string]any{"proceeding": map[string]any{"title": "Observer " + unique(),
		"url": "https://www.icann.org/en/public-comment/x", "closes_at": time.Now().UTC().Add(3 * time.Hour).Format(time.RFC3339)},
		"kind": "statement", "languages": []string{"es"}}), http.StatusCreated).json(t, &st)
	path := "/api/v1/statements/" + st.ID
	expect(t, do(t, e, "POST", path+"/penholders", penTok, map[string]any{"language": "es", "member_ids": []string{pen.ID}}), http.StatusOK)
	expect(t, do(t, e, "POST", path+"/drafts", penTok, map[string]any{"language": "es", "text": "Borrador.\n", "open_comments": true}), http.StatusCreated)
	expect(t, do(t, e, "POST", path+"/comments", observerTok, map[string]any{"language": "es", "version": 1, "text": "Un observador opina."}), http.StatusCreated)
	eventually(t, 30*time.Second, "the observer's comment counted", func() bool { return count() == before+1 })
	// The penholder's draft is an observer's too: drafts count as well.
	var o store.ObserverRow
	expect(t, do(t, e, "GET", "/api/v1/participation/observers", staffTok, nil), http.StatusOK).json(t, &o)
	if o.Drafts < 1 {
		t.Errorf("the observer penholder's draft is not counted: %+v", o)
	}
}

// TestCoordinationInvitesPositionHolders: a coordination meeting invites
// exactly the position holders of its time (GET /api/v1/positions), not
// the ALSes' other representatives.
func TestCoordinationInvitesPositionHolders(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	var als struct{ ID string }
	expect(t, do(t, e, "POST", "/api/v1/als", adminToken, map[string]any{"name": "ALS " + unique(), "country": "AR"}), http.StatusCreated).json(t, &als)
	chair, _ := newMember(t, e, "AR", als.ID, "als_rep")
	alac, _ := newMember(t, e, "AR", als.ID)
	rep, _ := newMember(t, e, "AR", als.ID, "als_rep")
	_, staffTok := newMember(t, e, "AR", "", "staff")
	start := time.Now().UTC().Add(-24 * time.Hour).Format(time.RFC3339)
	for pos, id := range map[string]string{"chair": chair.ID, "alac_member": alac.ID} {
		expect(t, do(t, e, "POST", "/api/v1/positions", adminToken, map[string]any{"position": pos, "holder_id": id, "term_start": start}), http.StatusCreated)
	}
	var mtg struct {
		Meeting struct{ ID string } `json:"meeting"`
	}
	expect(t, do(t, e, "POST", "/api/v1/meetings", staffTok, map[string]any{"kind": "coordination", "title": "Coordination " + unique(),
		"starts_at": time.Now().UTC().Add(2 * time.Hour).Format(time.RFC3339), "duration": "1h"}), http.StatusCreated).json(t, &mtg)
	var holders []string
	var ps []struct {
		HolderID *string `json:"holder_id"`
	}
	expect(t, do(t, e, "GET", "/api/v1/positions", staffTok, nil), http.StatusOK).json(t, &ps)
	for _, p := range ps {
		if p.HolderID != nil {
			holders = append(holders, *p.HolderID)
		}
	}
	prefix := "meetings/" + mtg.Meeting.ID + "/invitation/"
	invited := func() []string {
		ms, err := e.app.Store.ListOutbox(context.Background(), store.OutboxFilter{Process: "meetings", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range ms {
			if id, ok := strings.CutPrefix(m.IdemKey, prefix); ok {
				out = append(out, id)
			}
		}
		return out
	}
	want := slices.Compact(slices.Sorted(slices.Values(holders)))
	eventually(t, 30*time.Second, "coordination invitations", func() bool { return len(invited()) >= len(want) })
	got := slices.Sorted(slices.Values(invited()))
	if !slices.Equal(got, want) {
		t.Fatalf("invited %v, want exactly the position holders %v", got, want)
	}
	if slices.Contains(got, rep.ID) || !slices.Contains(got, chair.ID) || !slices.Contains(got, alac.ID) {
		t.Fatalf("invited %v: want the chair %s and the ALAC member %s, not the representative %s", got, chair.ID, alac.ID, rep.ID)
	}
}

// TestSchedulesIdempotent: the worker's start created the digest and
// report schedules; ensuring them again (another worker, a restart)
// succeeds and leaves one schedule each with this version's spec.
func TestSchedulesIdempotent(t *testing.T) {
	e := shared
	ctx := context.Background()
	for range 2 {
		if err := app.EnsureSchedules(ctx, e.app.Client, slog.New(slog.DiscardHandler)); err != nil {
			t.Fatal(err)
		}
	}
	for id, wantMonths := range map[string]int{meeting.DigestScheduleID: 1, meeting.QuarterlyReportScheduleID: 4} {
		d, err := e.app.Client.ScheduleClient().GetHandle(ctx, id).Describe(ctx)
		if err != nil {
			t.Fatalf("schedule %s: %v", id, err)
		}
		cal := d.Schedule.Spec.Calendars
		if len(cal) != 1 || len(cal[0].Month) != wantMonths || cal[0].DayOfMonth[0].Start != 1 {
			t.Errorf("schedule %s spec %+v", id, d.Schedule.Spec)
		}
		next := d.Info.NextActionTimes
		if len(next) == 0 || next[0].UTC().Day() != 1 {
			t.Errorf("schedule %s next runs %v, want the 1st of a month", id, next)
		}
	}
}
