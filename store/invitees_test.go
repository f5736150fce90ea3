package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/lacralo/ralo/store"
)

// TestStandingInvitees: a coordination occurrence invites exactly the
// position holders at its time (not every ALS representative, nor a
// holder whose term ended); mentoring invites the elders and the members
// who opted in.
func TestStandingInvitees(t *testing.T) {
	inArgentina(t, func(t *testing.T, ctx context.Context, st *store.Store, staff store.Actor) {
		als := internauta(t, ctx, st, staff)
		member := func(name string, roles []string, optIn bool) string {
			t.Helper()
			m, err := st.CreateMember(ctx, staff, store.MemberInput{Name: ptr(name), Email: ptr(name + "@example.org"), Country: ptr("AR"),
				ALSID: ptr(als.ID), Roles: &roles, MentoringOptIn: &optIn})
			if err != nil {
				t.Fatal(err)
			}
			return m.ID
		}
		chair := member("chair", []string{"als_rep"}, false)
		secretary := member("secretary", nil, false)
		alac := member("alac", nil, true)
		former := member("former", []string{"als_rep"}, false)
		_ = member("rep", []string{"als_rep"}, false)
		elder := member("elder", []string{"elder"}, false)
		now := time.Now().UTC().Truncate(time.Second)
		ended := now.Add(-24 * time.Hour)
		for _, p := range []store.PositionInput{
			{Position: "chair", HolderID: chair, TermStart: now.AddDate(-1, 0, 0)},
			{Position: "secretariat", HolderID: secretary, TermStart: now.AddDate(-1, 0, 0)},
			{Position: "alac_member", HolderID: alac, TermStart: now.AddDate(-1, 0, 0)},
			{Position: "nomcom_delegate", HolderID: former, TermStart: now.AddDate(-2, 0, 0), TermEnd: &ended},
		} {
			if _, err := st.CreatePosition(ctx, staff, p); err != nil {
				t.Fatal(err)
			}
		}
		got, err := st.MeetingInvitees(ctx, store.MeetingCoordination, now)
		want := []string{chair, secretary, alac}
		slices.Sort(want)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("coordination invitees %v, want the holders %v (%v)", got, want, err)
		}
		got, err = st.MeetingInvitees(ctx, store.MeetingMentoring, now)
		want = []string{alac, elder}
		slices.Sort(want)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("mentoring invitees %v, want the elder and the opted-in %v (%v)", got, want, err)
		}
	})
}
