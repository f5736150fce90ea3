package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/lacralo/ralo/store"
)

// TestAssignElected gives two ALAC places in turn: the second election's
// winner replaces the longest-serving holder, and a retried assignment
// changes nothing.
func TestAssignElected(t *testing.T) {
	inArgentina(t, func(t *testing.T, ctx context.Context, st *store.Store, staff store.Actor) {
		var ids []string
		for _, n := range []string{"Ana", "Beto", "Carla"} {
			m, err := st.CreateMember(ctx, staff, store.MemberInput{Name: ptr(n), Email: ptr(n + "@example.org"), Country: ptr("AR")})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, m.ID)
		}
		y2024 := time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)
		y2025 := y2024.AddDate(1, 0, 0)
		y2026 := y2025.AddDate(1, 0, 0)
		if _, err := st.CreatePosition(ctx, staff, store.PositionInput{Position: "alac_member", HolderID: ids[0], TermStart: y2024}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreatePosition(ctx, staff, store.PositionInput{Position: "alac_member", HolderID: ids[1], TermStart: y2025}); err != nil {
			t.Fatal(err)
		}
		in := store.ElectedInput{ElectionID: "elc_1", Seat: "alac_member", Position: "alac_member", Elected: []string{ids[2]},
			TermStart: y2026, Capacity: 2}
		for range 2 {
			got, err := st.AssignElected(ctx, in)
			if err != nil || len(got) != 1 || *got[0].HolderID != ids[2] || !got[0].TermStart.Equal(y2026) {
				t.Fatalf("AssignElected = %+v, %v", got, err)
			}
		}
		holders := map[string]bool{}
		ps, err := st.ListPositions(ctx, y2026.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			holders[*p.HolderID] = true
		}
		if len(ps) != 2 || holders[ids[0]] || !holders[ids[1]] || !holders[ids[2]] {
			t.Errorf("holders after the term start = %+v, want Beto and Carla", ps)
		}
		before, err := st.ListPositions(ctx, y2026.Add(-time.Hour))
		if err != nil || len(before) != 2 {
			t.Errorf("holders before the term start = %+v, %v", before, err)
		}
		_, err = st.AssignElected(ctx, store.ElectedInput{ElectionID: "elc_2", Seat: "chair", Position: "chair",
			Elected: []string{"m_nobody"}, TermStart: y2026})
		if err == nil {
			t.Error("an unknown member was given a position")
		}
	})
}

// TestSucceed carries out a chair-elect's succession: the sitting chair's
// term (ending then) and the elect's term as elect end, the elect holds
// chair for the new term; a retry changes nothing and names the same
// outgoing holder; an elect who no longer holds the position is skipped.
func TestSucceed(t *testing.T) {
	for name, st := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			staff := store.Actor{MemberID: "m_staff"}
			if _, err := st.CreateCountry(ctx, staff, store.CountryInput{Code: "AR", Name: "Argentina"}); err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, n := range []string{"Ana", "Beto", "Carla"} {
				m, err := st.CreateMember(ctx, staff, store.MemberInput{Name: ptr(n), Email: ptr(n + "@example.org"), Country: ptr("AR")})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, m.ID)
			}
			y2026 := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
			y2028 := y2026.AddDate(2, 0, 0)
			y2030 := y2028.AddDate(2, 0, 0)
			if _, err := st.CreatePosition(ctx, staff, store.PositionInput{Position: "chair", HolderID: ids[0], TermStart: y2026.AddDate(-2, 0, 0), TermEnd: &y2028}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.AssignElected(ctx, store.ElectedInput{ElectionID: "elc_1", Seat: "chair_elect", Position: "chair_elect",
				Elected: []string{ids[1]}, TermStart: y2026, TermEnd: &y2028}); err != nil {
				t.Fatal(err)
			}
			in := store.SuccessionInput{ElectionID: "elc_1", Seat: "chair_elect", MemberID: ids[1], From: "chair_elect", To: "chair", At: y2028, TermEnd: &y2030}
			for range 2 {
				out, skipped, err := st.Succeed(ctx, in)
				if err != nil || skipped != "" || len(out) != 1 || out[0] != ids[0] {
					t.Fatalf("Succeed = %v, %q, %v; want Ana outgoing", out, skipped, err)
				}
			}
			ps, err := st.ListPositions(ctx, y2028.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != 1 || ps[0].Position != "chair" || *ps[0].HolderID != ids[1] || ps[0].TermEnd == nil || !ps[0].TermEnd.Equal(y2030) {
				t.Errorf("positions after the succession = %+v, want Beto chair until 2030", ps)
			}
			if _, skipped, err := st.Succeed(ctx, store.SuccessionInput{ElectionID: "elc_1", Seat: "chair_elect", MemberID: ids[2],
				From: "chair_elect", To: "chair", At: y2028}); err != nil || skipped == "" {
				t.Errorf("Carla, never chair-elect: skipped %q, %v", skipped, err)
			}
		})
	}
}
