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

// TestSurveys opens a priorities survey, ranks it (a member ranking again
// replaces their ranking), refuses bad rankings and late ones, and counts
// it with the national weighting.
func TestSurveys(t *testing.T) {
	for name, st := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			staff := store.Actor{MemberID: "m_staff"}
			for _, c := range []store.CountryInput{{Code: "AR", Name: "Argentina"}, {Code: "BR", Name: "Brasil"}} {
				if _, err := st.CreateCountry(ctx, staff, c); err != nil {
					t.Fatal(err)
				}
			}
			member := func(country string) store.Member {
				m, err := st.CreateMember(ctx, staff, store.MemberInput{Name: ptr("M " + country), Email: ptr(randomHex(4) + "@example.org"), Country: ptr(country)})
				if err != nil {
					t.Fatal(err)
				}
				return m
			}
			ar1, ar2, br := member("AR"), member("AR"), member("BR")

			_, err := st.CreateSurvey(ctx, staff, store.SurveyInput{Title: "t", Topics: []string{"a", "a"}, ClosesAt: store.Now().Add(time.Hour)}, domain.SurveyNational)
			fieldErr(t, err, "topics")
			_, err = st.CreateSurvey(ctx, staff, store.SurveyInput{Title: "t", Topics: []string{"a", "b"}, ClosesAt: store.Now().Add(-time.Hour)}, domain.SurveyNational)
			fieldErr(t, err, "closes_at")
			_, err = st.CreateSurvey(ctx, staff, store.SurveyInput{Title: "t", Topics: []string{"a", "b"}, ClosesAt: store.Now().Add(time.Hour)}, "by_size")
			fieldErr(t, err, "weighting")

			closes := store.Now().Add(time.Hour)
			sv, err := st.CreateSurvey(ctx, staff, store.SurveyInput{Title: " Priorities 2026 ", Topics: []string{"dns_abuse", "rdap", "new_gtlds"}, ClosesAt: closes}, domain.SurveyNational)
			if err != nil {
				t.Fatal(err)
			}
			if sv.Title != "Priorities 2026" || len(sv.Topics) != 3 || sv.Weighting != domain.SurveyNational {
				t.Fatalf("survey %+v", sv)
			}
			now := store.Now()
			rank := func(m store.Member, at time.Time, ranking ...string) error {
				_, err := st.RankSurvey(ctx, sv.ID, m, ranking, at)
				return err
			}
			for _, err := range []error{
				rank(ar1, now, "rdap", "dns_abuse"),
				rank(ar1, now.Add(time.Minute), "new_gtlds", "dns_abuse", "rdap"), // replaces the first
				rank(ar2, now, "new_gtlds", "rdap", "dns_abuse"),
				rank(br, now, "rdap", "dns_abuse"),
			} {
				if err != nil {
					t.Fatal(err)
				}
			}
			fieldErr(t, rank(br, now, "whois"), "ranking")
			fieldErr(t, rank(br, now, "rdap", "rdap"), "ranking")
			fieldErr(t, rank(br, now), "ranking")
			if err := rank(br, closes, "rdap"); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("a ranking at close: %v, want ErrConflict", err)
			}
			if _, err := st.RankSurvey(ctx, "srv_missing", br, []string{"rdap"}, now); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("unknown survey: %v", err)
			}
			if n, err := st.SurveyRespondents(ctx, sv.ID); err != nil || n != 3 {
				t.Fatalf("respondents %d %v, want 3", n, err)
			}
			// A member's own ranking is the last one they sent.
			if r, ok, err := st.MemberRanking(ctx, sv.ID, ar1.ID); err != nil || !ok || !slices.Equal(r.Ranking, []string{"new_gtlds", "dns_abuse", "rdap"}) {
				t.Fatalf("ar1's ranking %+v %v %v", r, ok, err)
			}
			if r, ok, err := st.MemberRanking(ctx, sv.ID, "m_nobody"); err != nil || ok {
				t.Fatalf("the ranking of a member who did not rank: %+v %v %v", r, ok, err)
			}
			res, err := st.SurveyResults(ctx, sv)
			if err != nil {
				t.Fatal(err)
			}
			// AR's two members share one country's weight: new_gtlds 3,
			// dns_abuse 1.5, rdap 1.5; BR: rdap 3, dns_abuse 2.
			want := []struct {
				topic  string
				points float64
			}{{"rdap", 4.5}, {"dns_abuse", 3.5}, {"new_gtlds", 3}}
			for i, w := range want {
				if res[i].Topic != w.topic || res[i].Points != w.points || res[i].Rank != i+1 {
					t.Errorf("results[%d] = %+v, want %s %.1f", i, res[i], w.topic, w.points)
				}
			}

			if _, ok, err := st.LatestClosedSurvey(ctx, now); err != nil || ok {
				t.Fatalf("no survey has closed yet: %v %v", ok, err)
			}
			latest, ok, err := st.LatestClosedSurvey(ctx, closes.Add(time.Second))
			if err != nil || !ok || latest.ID != sv.ID {
				t.Fatalf("latest closed %+v %v %v", latest, ok, err)
			}
			list, err := st.ListSurveys(ctx)
			if err != nil || len(list) != 1 {
				t.Fatalf("list %v %v", list, err)
			}
		})
	}
}
