package eligibility_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/eligibility"
	"github.com/lacralo/ralo/policy"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows/election"
)

// TestNomineeLACRALO checks the registry facts behind LACRALO's reasons:
// the sub-region of the ALS (not of the member), observers, consecutive
// terms and the distinct ALAC members against the one who sits on.
func TestNomineeLACRALO(t *testing.T) {
	ctx := context.Background()
	pol := policy.Default()
	st, err := store.Open(filepath.Join(t.TempDir(), "ralo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	st.Subregions, st.SubregionOf = pol.SubregionNames(), pol.SubregionOf
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	staff := store.Actor{MemberID: "m_staff"}
	for _, c := range []string{"AR", "UY", "MX", "PE"} {
		if _, err := st.CreateCountry(ctx, staff, store.CountryInput{Code: c, Name: c}); err != nil {
			t.Fatal(err)
		}
	}
	als := map[string]string{}
	for _, c := range []string{"AR", "UY", "MX", "PE"} {
		a, err := st.CreateALS(ctx, staff, store.ALSInput{Name: ptr("ALS " + c), Country: ptr(c)})
		if err != nil {
			t.Fatal(err)
		}
		als[c] = a.ID
	}
	member := func(name, country, alsCountry string) string {
		in := store.MemberInput{Name: ptr(name), Email: ptr(strings.ToLower(name) + "@example.org"), Country: ptr(country)}
		if alsCountry != "" {
			in.ALSID = ptr(als[alsCountry])
		}
		m, err := st.CreateMember(ctx, staff, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateDeclaration(ctx, staff, m.ID, store.DeclarationInput{Kind: "none", Description: "no interests"}); err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	now := store.Now()
	mexicanInUY := member("Ana", "MX", "UY")
	observer := member("Obi", "UY", "")
	peruvian := member("Pia", "PE", "PE")
	chair := member("Carla", "UY", "UY")
	sitting := member("Sito", "AR", "AR")
	argentineInUY := member("Beto", "AR", "UY")
	outgoing := member("Olga", "UY", "UY")
	term := func(id, position string, start time.Time, years int) {
		end := start.AddDate(years, 0, 0)
		if _, err := st.CreatePosition(ctx, staff, store.PositionInput{Position: position, HolderID: id, TermStart: start, TermEnd: &end}); err != nil {
			t.Fatal(err)
		}
	}
	term(chair, "chair", now.AddDate(-1, 0, 0), 2)
	term(sitting, "alac_member", now.AddDate(-1, 0, 0), 2)
	term(outgoing, "alac_member", now.AddDate(-2, 1, 0), 2)

	state := election.State{CreatedAt: now.Add(-time.Hour), Calendar: election.Calendar{VotingClose: now.AddDate(0, 2, 0)}, Seats: []election.SeatState{
		{SeatSpec: election.SeatSpec{Seat: "chair", Position: "chair", Count: 1, Rotation: domain.RotationSubregion, RequiredSubregion: "mercosur"}},
		{SeatSpec: election.SeatSpec{Seat: "alac_member", Position: "alac_member", Count: 1, Rotation: domain.RotationSubregion, RequiredSubregion: "mercosur"}},
	}}
	checker := eligibility.Checker{Store: st, Policy: pol}
	tests := []struct {
		name, seat, nominee string
		codes               []string
	}{
		{"the ALS's sub-region counts, not the member's country", "chair", mexicanInUY, nil},
		{"observer", "chair", observer, []string{domain.ReasonObserver, domain.ReasonNotInSubregion}},
		{"ALS in another sub-region", "chair", peruvian, []string{domain.ReasonNotInSubregion}},
		{"the sitting chair may not serve a consecutive term", "chair", chair, []string{domain.ReasonConsecutiveTerm}},
		{"same nationality as the ALAC member who sits on", "alac_member", argentineInUY, []string{domain.ReasonALACDistinctNationality}},
		{"the outgoing ALAC member's nationality does not count", "alac_member", mexicanInUY, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			el, err := checker.Nominee(ctx, state, tt.seat, tt.nominee, true, true, now)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, r := range el.Reasons {
				codes = append(codes, r[:strings.Index(r, ":")])
			}
			if !slices.Equal(codes, tt.codes) || el.Eligible != (len(tt.codes) == 0) {
				t.Errorf("eligibility %v %q, want codes %q", el.Eligible, el.Reasons, tt.codes)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
