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
