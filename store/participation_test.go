package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/store"
)

// TestParticipation stores monthly calls, attendance and other acts,
// applies the inactivity rule through the store (warning, loss of vote,
// restoration, a retried evaluation) and reads the report elections and
// the API use.
func TestParticipation(t *testing.T) {
	inArgentina(t, func(t *testing.T, ctx context.Context, st *store.Store, staff store.Actor) {
		als := internauta(t, ctx, st, staff)
		rep, err := st.CreateMember(ctx, staff, store.MemberInput{Name: ptr("Ana"), Email: ptr("ana@example.org"),
			Country: ptr("AR"), ALSID: ptr(als.ID), Roles: &[]string{"als_rep"}})
		if err != nil {
			t.Fatal(err)
		}
		now := store.Now().Truncate(time.Second)
		day := 24 * time.Hour
		var calls []store.Meeting
		for _, ago := range []int{120, 90, 60, 30} {
			m, err := st.CreateMeeting(ctx, staff, store.MeetingInput{Kind: store.MeetingAssembly, Title: "Monthly call",
				StartsAt: now.Add(-time.Duration(ago) * day), Duration: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			calls = append(calls, m)
		}
		_, err = st.CreateMeeting(ctx, staff, store.MeetingInput{Kind: "party", Title: "x", StartsAt: now, Duration: time.Hour})
		fieldErr(t, err, "kind")

		got, err := st.RecordAttendance(ctx, staff, calls[0].ID, []string{rep.ID})
		if err != nil || len(got) != 1 || got[0].ALSID == nil || *got[0].ALSID != als.ID {
			t.Fatalf("attendance %+v, %v", got, err)
		}
		if _, err := st.RecordAttendance(ctx, staff, calls[0].ID, []string{rep.ID}); err != nil {
			t.Fatal(err)
		}
		_, err = st.RecordAttendance(ctx, staff, calls[0].ID, []string{"m_nobody"})
		fieldErr(t, err, "member_ids[0]")
		for range 2 {
			if err := st.RecordParticipation(ctx, als.ID, domain.ActivityBallot, now.Add(-100*day), "ballot/e1/r1"); err != nil {
				t.Fatal(err)
			}
		}

		rows, err := st.ParticipationReport(ctx, now.Add(-200*day), now)
		if err != nil || len(rows) != 1 {
			t.Fatalf("report %+v, %v", rows, err)
		}
		r := rows[0]
		if r.MeetingsAttended != 1 || r.CallsAttended != 1 || r.MonthlyCalls != 4 || r.ConsecutiveMiss != 3 || r.BallotsCast != 1 || r.VotingStatus != "active" || !r.Voting {
			t.Fatalf("report row %+v", r)
		}

		if s, err := st.VotingStatus(ctx, als.ID); err != nil || s != domain.VotingActive {
			t.Fatalf("status before any review: %q, %v", s, err)
		}
		p := domain.Params{MissedCalls: 3, Period: 60 * day, WarningBefore: 10 * day, RestoreWithin: 30 * day}
		step := func(at time.Time, want domain.VotingStatus, transitions int) {
			t.Helper()
			s, trs, err := st.EvaluateParticipation(ctx, als.ID, at, p)
			if err != nil || s.Status != want || len(trs) != transitions {
				t.Fatalf("at %v: %+v, %+v, %v; want %s after %d transitions", at, s, trs, err, want, transitions)
			}
			if vs, err := st.VotingStatus(ctx, als.ID); err != nil || vs != want {
				t.Fatalf("voting status %q, %v; want %s", vs, err, want)
			}
		}
		step(now, domain.VotingWarned, 1)
		step(now, domain.VotingWarned, 1) // a retry returns what the first found
		step(now.Add(day), domain.VotingWarned, 0)
		step(now.Add(11*day), domain.VotingInactive, 1)
		if domain.VotingALS(domain.VotingInactive) {
			t.Fatal("an inactive ALS votes")
		}
		if err := st.RecordParticipation(ctx, als.ID, domain.ActivityComment, now.Add(12*day), "comment/s1/c1"); err != nil {
			t.Fatal(err)
		}
		step(now.Add(13*day), domain.VotingActive, 1)
		if s, err := st.VotingStatus(ctx, "als_unknown"); err != nil || s != domain.VotingActive {
			t.Fatalf("unknown ALS: %q, %v", s, err)
		}
	})
}

// TestFeedTokens checks that a feed token opens the feed only, that a new
// one replaces the old and that revocation works.
func TestFeedTokens(t *testing.T) {
	inArgentina(t, func(t *testing.T, ctx context.Context, st *store.Store, staff store.Actor) {
		m, err := st.CreateMember(ctx, staff, store.MemberInput{Name: ptr("Ana"), Email: ptr("ana@example.org"), Country: ptr("AR")})
		if err != nil {
			t.Fatal(err)
		}
		_, first, err := st.IssueFeedToken(ctx, store.Actor{MemberID: m.ID}, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := st.AuthenticateFeed(ctx, first); err != nil || got.ID != m.ID {
			t.Fatalf("feed token: %+v, %v", got, err)
		}
		if _, err := st.Authenticate(ctx, first); err != store.ErrBadToken {
			t.Fatalf("a feed token authenticated as a bearer token: %v", err)
		}
		_, second, err := st.IssueFeedToken(ctx, store.Actor{MemberID: m.ID}, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.AuthenticateFeed(ctx, first); err != store.ErrBadToken {
			t.Fatalf("the replaced token still works: %v", err)
		}
		if err := st.RevokeFeedTokens(ctx, store.Actor{MemberID: m.ID}, m.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AuthenticateFeed(ctx, second); err != store.ErrBadToken {
			t.Fatalf("the revoked token still works: %v", err)
		}
		if _, _, err := st.IssueFeedToken(ctx, staff, "m_nobody"); err != store.ErrNotFound {
			t.Fatalf("token for nobody: %v", err)
		}
	})
}

// TestParticipationReviewConcluded takes an ALS to review under the
// inactivity rule and concludes it both ways: keep starts a fresh
// inactive episode (no vote until the ALS takes part), decertify sets the
// accreditation; an ALS not under review is a conflict.
func TestParticipationReviewConcluded(t *testing.T) {
	inArgentina(t, func(t *testing.T, ctx context.Context, st *store.Store, staff store.Actor) {
		now := store.Now().Truncate(time.Second)
		day := 24 * time.Hour
		for _, ago := range []int{120, 90, 60, 30} {
			if _, err := st.CreateMeeting(ctx, staff, store.MeetingInput{Kind: store.MeetingAssembly, Title: "Monthly call",
				StartsAt: now.Add(-time.Duration(ago) * day), Duration: time.Hour}); err != nil {
				t.Fatal(err)
			}
		}
		p := domain.Params{MissedCalls: 3, Period: 60 * day, WarningBefore: 10 * day, RestoreWithin: 30 * day}
		toReview := func(name string) store.ALS {
			t.Helper()
			als, err := st.CreateALS(ctx, staff, store.ALSInput{Name: ptr(name), Country: ptr("AR")})
			if err != nil {
				t.Fatal(err)
			}
			for _, at := range []time.Time{now, now.Add(11 * day), now.Add(42 * day)} {
				if _, _, err := st.EvaluateParticipation(ctx, als.ID, at, p); err != nil {
					t.Fatal(err)
				}
			}
			if s, err := st.VotingStatus(ctx, als.ID); err != nil || s != domain.VotingReview {
				t.Fatalf("%s: %q, %v; want review", name, s, err)
			}
			return als
		}

		kept := toReview("Kept")
		_, err := st.ConcludeReview(ctx, staff, kept.ID, store.ReviewInput{Outcome: "forgive"})
		fieldErr(t, err, "outcome")
		if _, err := st.ConcludeReview(ctx, staff, "als_unknown", store.ReviewInput{Outcome: store.ReviewKeep}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown ALS: %v", err)
		}
		c, err := st.ConcludeReview(ctx, staff, kept.ID, store.ReviewInput{Outcome: store.ReviewKeep, Note: " promised to attend "})
		if err != nil || c.VotingStatus != "inactive" || c.ALSStatus != store.ALSAccredited || c.Note != "promised to attend" {
			t.Fatalf("keep: %+v, %v", c, err)
		}
		if _, err := st.ConcludeReview(ctx, staff, kept.ID, store.ReviewInput{Outcome: store.ReviewKeep}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a second conclusion: %v, want ErrConflict", err)
		}
		if s, _ := st.VotingStatus(ctx, kept.ID); domain.VotingALS(s) {
			t.Fatalf("a kept ALS votes before it takes part: %q", s)
		}
		// The fresh episode: silence within restore_within keeps it
		// inactive; taking part restores the vote.
		after := c.At.Add(time.Second)
		if s, trs, err := st.EvaluateParticipation(ctx, kept.ID, after.Add(20*day), p); err != nil || s.Status != domain.VotingInactive || len(trs) != 0 {
			t.Fatalf("kept, 20 days on: %+v %+v %v", s, trs, err)
		}
		if err := st.RecordParticipation(ctx, kept.ID, domain.ActivityComment, after.Add(21*day), "comment/kept/1"); err != nil {
			t.Fatal(err)
		}
		if s, _, err := st.EvaluateParticipation(ctx, kept.ID, after.Add(22*day), p); err != nil || s.Status != domain.VotingActive {
			t.Fatalf("kept, after taking part: %+v %v", s, err)
		}

		gone := toReview("Gone")
		c, err = st.ConcludeReview(ctx, staff, gone.ID, store.ReviewInput{Outcome: store.ReviewDecertify, Note: "no answer"})
		if err != nil || c.ALSStatus != store.ALSDecertified {
			t.Fatalf("decertify: %+v, %v", c, err)
		}
		if a, err := st.GetALS(ctx, gone.ID); err != nil || a.Status != store.ALSDecertified {
			t.Fatalf("ALS after decertification: %+v, %v", a, err)
		}
		if _, err := st.ConcludeReview(ctx, staff, gone.ID, store.ReviewInput{Outcome: store.ReviewKeep}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("review of a decertified ALS: %v, want ErrConflict", err)
		}
		ids, err := st.ParticipationALS(ctx)
		if err != nil || slices.Contains(ids, gone.ID) || !slices.Contains(ids, kept.ID) {
			t.Fatalf("ALSes under the rule %v, %v", ids, err)
		}
		active, err := st.CreateALS(ctx, staff, store.ALSInput{Name: ptr("Active"), Country: ptr("AR")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ConcludeReview(ctx, staff, active.ID, store.ReviewInput{Outcome: store.ReviewDecertify}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("an ALS never reviewed: %v, want ErrConflict", err)
		}
		entries, err := st.ListAudit(ctx, store.AuditFilter{Process: "participation"})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			if e.ObjectID == kept.ID || e.ObjectID == gone.ID {
				actions = append(actions, e.Action+"/"+e.ObjectID)
			}
		}
		slices.Sort(actions)
		if want := []string{"participation.review_concluded/" + gone.ID, "participation.review_concluded/" + kept.ID}; !slices.Equal(actions, slices.Sorted(slices.Values(want))) {
			t.Fatalf("audit %v", actions)
		}
	})
}

// TestMeetingChairAndCancellation stores a meeting's chair (passed on to
// a series' occurrences) and cancels meetings: a one-off once, a series'
// upcoming occurrences with it; a cancelled call is not counted as held
// and takes no attendance.
func TestMeetingChairAndCancellation(t *testing.T) {
	inArgentina(t, func(t *testing.T, ctx context.Context, st *store.Store, staff store.Actor) {
		chair, err := st.CreateMember(ctx, staff, store.MemberInput{Name: ptr("Chair"), Email: ptr("chair@example.org"), Country: ptr("AR")})
		if err != nil {
			t.Fatal(err)
		}
		now := store.Now().Truncate(time.Second)
		in := store.MeetingInput{Kind: store.MeetingAssembly, Title: "Call", StartsAt: now.Add(48 * time.Hour), Duration: time.Hour, ChairID: "m_nobody"}
		_, err = st.CreateMeeting(ctx, staff, in)
		fieldErr(t, err, "chair_id")
		in.ChairID = chair.ID
		m, err := st.CreateMeeting(ctx, staff, in)
		if err != nil || m.ChairID == nil || *m.ChairID != chair.ID {
			t.Fatalf("meeting %+v, %v", m, err)
		}
		if got, err := st.GetMeeting(ctx, m.ID); err != nil || got.ChairID == nil || *got.ChairID != chair.ID || got.CancelledAt != nil {
			t.Fatalf("stored %+v, %v", got, err)
		}

		c, err := st.CancelMeeting(ctx, staff, m.ID)
		if err != nil || c.CancelledAt == nil {
			t.Fatalf("cancel %+v, %v", c, err)
		}
		again, err := st.CancelMeeting(ctx, staff, m.ID)
		if err != nil || again.CancelledAt == nil || !again.CancelledAt.Equal(*c.CancelledAt) {
			t.Fatalf("cancel again %+v, %v", again, err)
		}
		if ev := again.CalendarEvent("", now); ev.Method != "CANCEL" || ev.Sequence != store.MeetingCancelSequence || ev.UID != "meeting-"+m.ID+"@ralo" {
			t.Fatalf("cancelled calendar event %+v", ev)
		}
		if _, err := st.RecordAttendance(ctx, staff, m.ID, []string{chair.ID}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("attendance at a cancelled meeting: %v", err)
		}
		past, err := st.CreateMeeting(ctx, staff, store.MeetingInput{Kind: store.MeetingAssembly, Title: "Past", StartsAt: now.Add(-time.Hour), Duration: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CancelMeeting(ctx, staff, past.ID); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("cancelling a past meeting: %v", err)
		}
		if _, err := st.CancelMeeting(ctx, staff, "mtg_nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("cancelling an unknown meeting: %v", err)
		}

		sr, first, err := st.CreateMeetingSeries(ctx, staff, store.SeriesInput{MeetingInput: store.MeetingInput{Kind: store.MeetingAssembly,
			Title: "Series", StartsAt: now.Add(-2 * time.Hour), Duration: time.Hour, ChairID: chair.ID}, Every: "1mo"})
		if err != nil || sr.ChairID == nil || *sr.ChairID != chair.ID || first.ChairID == nil {
			t.Fatalf("series %+v %+v, %v", sr, first, err)
		}
		next, _, err := st.EnsureSeriesMeeting(ctx, sr.ID, now.Add(30*24*time.Hour))
		if err != nil || next.ChairID == nil || *next.ChairID != chair.ID {
			t.Fatalf("occurrence %+v, %v", next, err)
		}
		cancelled, err := st.CancelSeries(ctx, staff, sr.ID)
		if err != nil || len(cancelled) != 1 || cancelled[0].ID != next.ID || cancelled[0].CancelledAt == nil {
			t.Fatalf("series cancelled %+v, %v", cancelled, err)
		}
		if again, err := st.CancelSeries(ctx, staff, sr.ID); err != nil || len(again) != 1 || again[0].ID != next.ID {
			t.Fatalf("series cancelled again %+v, %v", again, err)
		}
		if f, err := st.GetMeeting(ctx, first.ID); err != nil || f.CancelledAt != nil {
			t.Fatalf("the occurrence already held was cancelled: %+v, %v", f, err)
		}
		// Cancelled calls are not held: of the four assembly calls up
		// to the report's end only the series' first was not cancelled
		// (the past one is marked cancelled through the table, as the
		// API refuses to cancel a meeting that started).
		if err := st.DB.Model(&store.Meeting{}).Where("id = ?", past.ID).Update("cancelled_at", now).Error; err != nil {
			t.Fatal(err)
		}
		als, err := st.CreateALS(ctx, staff, store.ALSInput{Name: ptr("Counted"), Country: ptr("AR")})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := st.ParticipationReport(ctx, now.Add(-24*time.Hour), now.Add(60*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].ALSID != als.ID || rows[0].MonthlyCalls != 1 {
			t.Fatalf("report %+v, want one ALS and 1 call held (the series' first)", rows)
		}
	})
}
