package domain

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

// TestEligibilityLACRALO covers the reasons of LACRALO's rules: observers,
// the ALS's sub-region, the rotation's exclusions, consecutive terms and
// the distinct ALAC members.
func TestEligibilityLACRALO(t *testing.T) {
	at := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
	good := Candidate{MemberID: "m-ana", Country: "AR", Subregion: "mercosur", ALSID: "als-uy1", ALSCountry: "UY",
		Accepted: true, StatementOfInterest: true, DeclarationAt: &at}
	with := func(f func(c *Candidate)) Candidate { c := good; f(&c); return c }
	chair := SeatRule{Seat: "chair", Rotation: RotationSubregion, RequiredSubregion: "mercosur", MaxConsecutiveTerms: 1}
	alac := SeatRule{Seat: "alac_member", Rotation: RotationSubregion, RequiredSubregion: "mercosur", AlacSeat: true,
		ExcludedCountries: []string{"AR"}, Distinct: true,
		Distinctive: []Holder{{MemberID: "m-zoe", Country: "BR", ALSID: "als-br1"}}}
	tests := []struct {
		name      string
		c         Candidate
		seat      SeatRule
		suspended bool
		want      []string
	}{
		{name: "eligible", c: good, seat: chair},
		{name: "observer", c: with(func(c *Candidate) { c.Observer, c.ALSID = true, "" }), seat: SeatRule{Seat: "x"},
			want: []string{"observer: the nominee belongs to no accredited ALS; observers may not stand"}},
		{name: "sub-region is the ALS's, not the member's", c: with(func(c *Candidate) { c.Country = "MX" }), seat: chair},
		{name: "ALS outside the sub-region", c: with(func(c *Candidate) { c.Subregion, c.ALSCountry = "andes", "PE" }), seat: chair,
			want: []string{"not_in_subregion: seat chair goes to the mercosur sub-region this cycle; the nominee's ALS is in andes"}},
		{name: "reopened: any sub-region", c: with(func(c *Candidate) { c.Subregion, c.ALSCountry = "andes", "PE" }), seat: chair, suspended: true},
		{name: "country excluded this cycle", c: with(func(c *Candidate) { c.ALSCountry = "ar" }), seat: alac,
			want: []string{"rotation_excluded: the rotation excludes AR for seat alac_member this cycle"}},
		{name: "exclusion lifted by reopening", c: with(func(c *Candidate) { c.ALSCountry = "AR" }), seat: alac, suspended: true},
		{name: "one term below the maximum of two", c: with(func(c *Candidate) { c.ConsecutiveTerms = 1 }),
			seat: SeatRule{Seat: "nomcom_delegate", MaxConsecutiveTerms: 2}},
		{name: "consecutive term", c: with(func(c *Candidate) { c.ConsecutiveTerms = 1 }), seat: chair,
			want: []string{"consecutive_term: the nominee has served 1 consecutive term(s) in seat chair, the most allowed"}},
		{name: "no maximum", c: with(func(c *Candidate) { c.ConsecutiveTerms = 5 }), seat: SeatRule{Seat: "x"}},
		{name: "sitting member's ALS", c: with(func(c *Candidate) { c.ALSID = "als-br1" }), seat: alac,
			want: []string{"alac_distinct_als: m-zoe, an ALAC member of this or the sitting term, is also of ALS als-br1"}},
		{name: "nationality defaults to the country", c: with(func(c *Candidate) { c.Country = "BR" }), seat: alac,
			want: []string{"alac_distinct_nationality: m-zoe, an ALAC member of this or the sitting term, is also of nationality BR"}},
		{name: "recorded nationality wins over the country", c: with(func(c *Candidate) { c.Country, c.Nationality = "BR", "uy" }), seat: alac},
		{name: "reopening does not waive distinctness", c: with(func(c *Candidate) { c.Nationality = "BR" }), seat: alac, suspended: true,
			want: []string{"alac_distinct_nationality: m-zoe, an ALAC member of this or the sitting term, is also of nationality BR"}},
		{name: "the nominee is not distinct from themself", c: good, seat: SeatRule{Seat: "alac_member", Distinct: true,
			Distinctive: []Holder{{MemberID: "m-ana", Country: "AR", ALSID: "als-uy1"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, reasons := Eligibility(tt.c, tt.seat, nil, at, at, tt.suspended)
			if ok != (len(tt.want) == 0) || !slices.Equal(reasons, tt.want) {
				t.Errorf("Eligibility = %v, %q; want %q", ok, reasons, tt.want)
			}
		})
	}
}

func TestElectDistinct(t *testing.T) {
	profiles := map[string]Holder{
		"ar1": {Country: "AR", ALSID: "als-ar1"},
		"ar2": {Country: "AR", ALSID: "als-ar2"},
		"br1": {Country: "BR", ALSID: "als-br1"},
		"uy1": {Country: "UY", ALSID: "als-uy1"},
		"uy2": {Country: "AR", Nationality: "UY", ALSID: "als-ar3"},
		"py1": {Country: "PY", ALSID: "als-br1"},
	}
	sittingAR := []Holder{{MemberID: "sit", Country: "AR", ALSID: "als-ar9"}}
	sittingALS := []Holder{{MemberID: "sit", Country: "CL", ALSID: "als-br1"}}
	votes := map[string]int{"ar1": 10, "ar2": 10, "br1": 10, "uy1": 10, "uy2": 10, "py1": 4}
	tie := func(a, b string) bool { return votes[a] == votes[b] }
	tests := []struct {
		name    string
		order   []string
		same    func(a, b string) bool
		seats   int
		sitting []Holder
		elected []string
		tied    []string
		passed  []PassedOver
	}{
		{name: "two same-country nominees for two places: the second is passed over",
			order: []string{"ar1", "ar2", "py1"}, seats: 2,
			elected: []string{"ar1", "py1"},
			passed: []PassedOver{{"ar2", []string{
				"alac_distinct_nationality: ar1, an ALAC member of this or the sitting term, is also of nationality AR"}}}},
		{name: "plurality winner of the sitting member's nationality",
			order: []string{"ar1", "br1"}, seats: 1, sitting: sittingAR,
			elected: []string{"br1"},
			passed: []PassedOver{{"ar1", []string{
				"alac_distinct_nationality: sit, an ALAC member of this or the sitting term, is also of nationality AR"}}}},
		{name: "sole nominee from the sitting member's ALS: nobody is acclaimed",
			order: []string{"py1"}, seats: 1, sitting: sittingALS,
			passed: []PassedOver{{"py1", []string{
				"alac_distinct_als: sit, an ALAC member of this or the sitting term, is also of ALS als-br1"}}}},
		{name: "a tie where the winner would clash: the compatible one is elected without a draw",
			order: []string{"ar1", "br1"}, same: tie, seats: 1, sitting: sittingAR,
			elected: []string{"br1"},
			passed: []PassedOver{{"ar1", []string{
				"alac_distinct_nationality: sit, an ALAC member of this or the sitting term, is also of nationality AR"}}}},
		{name: "a tie of compatible candidates for one place goes to the tie-break",
			order: []string{"br1", "uy1"}, same: tie, seats: 1, sitting: sittingAR,
			tied: []string{"br1", "uy1"}},
		{name: "a tie of two for two places, compatible: both elected",
			order: []string{"br1", "uy1"}, same: tie, seats: 2,
			elected: []string{"br1", "uy1"}},
		{name: "a tie of two for two places who clash with each other goes to the tie-break",
			order: []string{"ar1", "ar2"}, same: tie, seats: 2,
			tied: []string{"ar1", "ar2"}},
		{name: "recorded nationality counts, not the country",
			order: []string{"uy2", "br1"}, seats: 1, sitting: sittingAR,
			elected: []string{"uy2"}},
		{name: "everyone clashes",
			order: []string{"ar1", "ar2"}, seats: 1, sitting: sittingAR,
			passed: []PassedOver{
				{"ar1", []string{"alac_distinct_nationality: sit, an ALAC member of this or the sitting term, is also of nationality AR"}},
				{"ar2", []string{"alac_distinct_nationality: sit, an ALAC member of this or the sitting term, is also of nationality AR"}}}},
		{name: "no candidates", seats: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			elected, tied, passed := ElectDistinct(tt.order, tt.same, tt.seats, profiles, tt.sitting)
			if !slices.Equal(elected, tt.elected) || !slices.Equal(tied, tt.tied) || !reflect.DeepEqual(passed, tt.passed) {
				t.Errorf("ElectDistinct = %q, tied %q, passed %q;\nwant %q, tied %q, passed %q", elected, tied, passed, tt.elected, tt.tied, tt.passed)
			}
		})
	}
}
