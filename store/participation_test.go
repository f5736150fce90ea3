package store_test

import (
	"context"
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
	for name, st := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			staff := store.Actor{MemberID: "m_staff"}
			if _, err := st.CreateCountry(ctx, staff, store.CountryInput{Code: "AR", Name: "Argentina"}); err != nil {
				t.Fatal(err)
			}
			als, err := st.CreateALS(ctx, staff, store.ALSInput{Name: ptr("Internauta"), Country: ptr("AR")})
			if err != nil {
				t.Fatal(err)
			}
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
}

// TestFeedTokens checks that a feed token opens the feed only, that a new
// one replaces the old and that revocation works.
func TestFeedTokens(t *testing.T) {
	for name, st := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			staff := store.Actor{MemberID: "m_staff"}
			if _, err := st.CreateCountry(ctx, staff, store.CountryInput{Code: "AR", Name: "Argentina"}); err != nil {
				t.Fatal(err)
			}
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
}
