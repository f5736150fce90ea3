package domain

import (
	"slices"
	"testing"
	"time"
)

var defaultDisqualifying = []string{"isp", "registrar", "registry", "government_decision_maker", "politician"}

func TestEligibility(t *testing.T) {
	cycleStart := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	now := time.Date(2025, 4, 15, 9, 30, 0, 0, time.UTC)
	declared := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
	ptr := func(t time.Time) *time.Time { return &t }

	good := Candidate{
		MemberID: "m-ana", Country: "AR", Subregion: "south_america", ALSID: "als-ar1",
		Accepted: true, StatementOfInterest: true, DeclarationAt: &declared,
		Categories: []string{"academia", "civil_society"},
	}
	chair := SeatRule{Seat: "chair", Rotation: RotationSubregion, RequiredSubregion: "south_america"}
	open := SeatRule{Seat: "secretariat", Rotation: RotationNone}
	alac := SeatRule{
		Seat: "alac_member", Rotation: RotationDistinctCountryALS, AlacSeat: true,
		OtherHolders: []Holder{{MemberID: "m-zoe", Country: "BR", ALSID: "als-br1"}},
	}
	with := func(f func(c *Candidate)) Candidate {
		c := good
		c.Categories = slices.Clone(good.Categories)
		f(&c)
		return c
	}

	tests := []struct {
		name      string
		c         Candidate
		seat      SeatRule
		now       time.Time
		suspended bool
		want      []string
	}{
		{name: "eligible for a rotated seat", c: good, seat: chair},
		{name: "eligible for an open seat", c: good, seat: open},
		{name: "eligible for an ALAC seat", c: good, seat: alac},
		{name: "empty rotation is none", c: good, seat: SeatRule{Seat: "x"}},
		{
			name: "not accepted",
			c:    with(func(c *Candidate) { c.Accepted = false }),
			seat: open,
			want: []string{"not_accepted: the nominee has not accepted the nomination"},
		},
		{
			name: "no statement of interest",
			c:    with(func(c *Candidate) { c.StatementOfInterest = false }),
			seat: open,
			want: []string{"no_statement_of_interest: the nominee has not filed a statement of interest"},
		},
		{
			name: "no declaration",
			c:    with(func(c *Candidate) { c.DeclarationAt = nil }),
			seat: open,
			want: []string{"no_declaration: the nominee has no conflict-of-interest declaration on file"},
		},
		{
			name: "declaration from before the cycle",
			c:    with(func(c *Candidate) { c.DeclarationAt = ptr(cycleStart.Add(-time.Nanosecond)) }),
			seat: open,
			want: []string{"outdated_declaration: the conflict-of-interest declaration of 2025-02-28T23:59:59Z predates the cycle start of 2025-03-01T00:00:00Z"},
		},
		{
			name: "declaration exactly at the cycle start is current",
			c:    with(func(c *Candidate) { c.DeclarationAt = ptr(cycleStart) }),
			seat: open,
		},
		{
			name: "declaration in another time zone compared as an instant",
			c: with(func(c *Candidate) {
				c.DeclarationAt = ptr(time.Date(2025, 2, 28, 21, 0, 0, 0, time.FixedZone("ART", -3*3600)))
			}),
			seat: open,
		},
		{
			name: "one disqualifying conflict",
			c:    with(func(c *Candidate) { c.Categories = append(c.Categories, "registrar") }),
			seat: open,
			want: []string{"disqualifying_conflict: registrar"},
		},
		{
			name: "every disqualifying conflict, in policy order, once each, any case",
			c: with(func(c *Candidate) {
				c.Categories = []string{"politician", "academia", " Registrar ", "isp", "registrar"}
			}),
			seat: open,
			want: []string{
				"disqualifying_conflict: isp",
				"disqualifying_conflict: registrar",
				"disqualifying_conflict: politician",
			},
		},
		{
			name: "ethics ineligibility still running",
			c:    with(func(c *Candidate) { c.IneligibleUntil = ptr(now.Add(time.Nanosecond)) }),
			seat: open,
			want: []string{"ethics_ineligible: the nominee was removed by an ethics decision and is ineligible until 2025-04-15T09:30:00Z"},
		},
		{
			name: "ethics ineligibility ending exactly now: eligible again",
			c:    with(func(c *Candidate) { c.IneligibleUntil = ptr(now) }),
			seat: open,
		},
		{
			name: "ethics ineligibility over",
			c:    with(func(c *Candidate) { c.IneligibleUntil = ptr(now.Add(-24 * time.Hour)) }),
			seat: open,
		},
		{
			name: "NomCom member for an ALAC seat",
			c:    with(func(c *Candidate) { c.NomComMember = true }),
			seat: alac,
			want: []string{"nomcom_member: a serving NomCom member cannot stand for an ALAC member seat"},
		},
		{
			name: "NomCom member for another seat",
			c:    with(func(c *Candidate) { c.NomComMember = true }),
			seat: chair,
		},
		{
			name: "wrong sub-region",
			c:    with(func(c *Candidate) { c.Subregion = "caribbean" }),
			seat: chair,
			want: []string{"not_in_subregion: seat chair goes to the south_america sub-region this cycle; the nominee's ALS is in caribbean"},
		},
		{
			name: "unknown sub-region",
			c:    with(func(c *Candidate) { c.Subregion = "" }),
			seat: chair,
			want: []string{"not_in_subregion: seat chair goes to the south_america sub-region this cycle; the nominee's ALS is in an unknown sub-region"},
		},
		{
			name:      "wrong sub-region but nominations reopened to all countries",
			c:         with(func(c *Candidate) { c.Subregion = "caribbean" }),
			seat:      chair,
			suspended: true,
		},
		{
			name: "no sub-region in the table fails closed",
			c:    good,
			seat: SeatRule{Seat: "chair", Rotation: RotationSubregion},
			want: []string{"not_in_subregion: the rotation table names no sub-region for seat chair this cycle"},
		},
		{
			name: "same country as the other ALAC member",
			c:    with(func(c *Candidate) { c.Country = "BR" }),
			seat: alac,
			want: []string{"rotation_country: m-zoe, who holds another seat of the group, is also from country BR"},
		},
		{
			name: "same ALS as the other ALAC member",
			c:    with(func(c *Candidate) { c.ALSID = "als-br1" }),
			seat: alac,
			want: []string{"rotation_als: m-zoe, who holds another seat of the group, is also from ALS als-br1"},
		},
		{
			name: "same country and ALS, against holders sorted by ID",
			c:    with(func(c *Candidate) { c.Country, c.ALSID = "BR", "als-br1" }),
			seat: SeatRule{Seat: "alac_member", Rotation: RotationDistinctCountryALS, OtherHolders: []Holder{
				{MemberID: "m-zoe", Country: "BR", ALSID: "als-br1"},
				{MemberID: "m-ada", Country: "BR", ALSID: "als-br2"},
			}},
			want: []string{
				"rotation_country: m-ada, who holds another seat of the group, is also from country BR",
				"rotation_country: m-zoe, who holds another seat of the group, is also from country BR",
				"rotation_als: m-zoe, who holds another seat of the group, is also from ALS als-br1",
			},
		},
		{
			name: "individual members (no ALS) do not clash on ALS",
			c:    with(func(c *Candidate) { c.ALSID = "" }),
			seat: SeatRule{Seat: "alac_member", Rotation: RotationDistinctCountryALS, OtherHolders: []Holder{
				{MemberID: "m-zoe", Country: "BR"},
			}},
		},
		{
			name:      "reopening does not waive distinct countries",
			c:         with(func(c *Candidate) { c.Country = "BR" }),
			seat:      alac,
			suspended: true,
			want:      []string{"rotation_country: m-zoe, who holds another seat of the group, is also from country BR"},
		},
		{
			name: "unknown rotation fails closed",
			c:    good,
			seat: SeatRule{Seat: "chair", Rotation: "alphabetical"},
			want: []string{`unknown_rotation: seat chair has the unknown rotation rule "alphabetical"`},
		},
		{
			name: "everything at once, in the documented order",
			c: Candidate{
				MemberID: "m-bob", Country: "BR", Subregion: "caribbean", ALSID: "als-br1",
				Categories:      []string{"registry", "isp"},
				IneligibleUntil: ptr(now.Add(time.Hour)),
				NomComMember:    true,
			},
			seat: alac,
			want: []string{
				"not_accepted: the nominee has not accepted the nomination",
				"no_statement_of_interest: the nominee has not filed a statement of interest",
				"no_declaration: the nominee has no conflict-of-interest declaration on file",
				"disqualifying_conflict: isp",
				"disqualifying_conflict: registry",
				"ethics_ineligible: the nominee was removed by an ethics decision and is ineligible until 2025-04-15T10:30:00Z",
				"nomcom_member: a serving NomCom member cannot stand for an ALAC member seat",
				"rotation_country: m-zoe, who holds another seat of the group, is also from country BR",
				"rotation_als: m-zoe, who holds another seat of the group, is also from ALS als-br1",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := tt.now
			if at.IsZero() {
				at = now
			}
			ok, reasons := Eligibility(tt.c, tt.seat, defaultDisqualifying, cycleStart, at, tt.suspended)
			if ok != (len(tt.want) == 0) {
				t.Errorf("eligible = %v with reasons %q", ok, reasons)
			}
			if !slices.Equal(reasons, tt.want) {
				t.Errorf("reasons:\n got %q\nwant %q", reasons, tt.want)
			}
		})
	}
}

func TestEligibilityNoDisqualifyingList(t *testing.T) {
	at := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	c := Candidate{MemberID: "m-ana", Accepted: true, StatementOfInterest: true, DeclarationAt: &at, Categories: []string{"registrar"}}
	if ok, reasons := Eligibility(c, SeatRule{Seat: "chair"}, nil, at, at, false); !ok {
		t.Errorf("with no disqualifying categories in the policy, got %q", reasons)
	}
}

func TestNextRotationSubregion(t *testing.T) {
	table := []string{"caribbean", "central_america", "south_america"}
	tests := []struct {
		name  string
		table []string
		last  string
		want  string
	}{
		{"first to second", table, "caribbean", "central_america"},
		{"middle", table, "central_america", "south_america"},
		{"wraps around", table, "south_america", "caribbean"},
		{"unknown last holder starts the table", table, "antarctica", "caribbean"},
		{"no last holder starts the table", table, "", "caribbean"},
		{"one-entry table", []string{"caribbean"}, "caribbean", "caribbean"},
		{"empty table", nil, "caribbean", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NextRotationSubregion(tt.table, tt.last); got != tt.want {
				t.Errorf("NextRotationSubregion(%v, %q) = %q, want %q", tt.table, tt.last, got, tt.want)
			}
		})
	}
}

func TestAcclamation(t *testing.T) {
	tests := []struct {
		name       string
		eligible   []string
		objections int
		want       bool
	}{
		{"one candidate, no objection", []string{"m-ana"}, 0, true},
		{"one candidate, one objection", []string{"m-ana"}, 1, false},
		{"two candidates", []string{"m-ana", "m-ben"}, 0, false},
		{"no candidate", nil, 0, false},
		{"negative objections are a fault: vote", []string{"m-ana"}, -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Acclamation(tt.eligible, tt.objections); got != tt.want {
				t.Errorf("Acclamation(%v, %d) = %v, want %v", tt.eligible, tt.objections, got, tt.want)
			}
		})
	}
}
