// Package eligibility computes an election nominee's eligibility from the
// registry: the API when a member is nominated or accepts, and the Election
// workflow (through an activity) at every step until voting opens, so that
// a declaration filed, a sanction or a position taken since is reflected in
// the decision.
package eligibility

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/policy"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows/election"
)

// NomComPosition is the position whose holders may not stand for an ALAC
// member seat.
const NomComPosition = "nomcom_delegate"

// Checker applies domain.Eligibility with the registry's facts.
type Checker struct {
	Store  *store.Store
	Policy *policy.Policy
}

// Nominee computes the eligibility of nomineeID for seatName in the cycle
// st at now: declarations, ethics ineligibility, NomCom service, the seat's
// rotation and the holders of the other seats of its group. It returns
// store.ErrNotFound for an unknown member.
func (c Checker) Nominee(ctx context.Context, st election.State, seatName, nomineeID string, accepted, statement bool, now time.Time) (election.Eligibility, error) {
	var seat election.SeatState
	for _, x := range st.Seats {
		if x.Seat == seatName {
			seat = x
		}
	}
	m, err := c.Store.GetMember(ctx, nomineeID)
	if err != nil {
		return election.Eligibility{}, err
	}
	cand := domain.Candidate{MemberID: m.ID, Country: m.Country, Nationality: m.EffectiveNationality(),
		Accepted: accepted, StatementOfInterest: statement, Observer: true}
	if m.ALSID != nil {
		cand.ALSID = *m.ALSID
		als, err := c.Store.GetALS(ctx, *m.ALSID)
		if err != nil {
			return election.Eligibility{}, err
		}
		// A member's sub-region is their ALS's (SPEC §3 "Sub-regions and
		// rotation"), and only an accredited ALS makes them more than an
		// observer.
		cand.ALSCountry = als.Country
		cand.Subregion, _ = c.Policy.SubregionOf(als.Country)
		cand.Observer = als.Status != store.ALSAccredited
	}
	decls, err := c.Store.ListDeclarations(ctx, m.ID)
	if err != nil {
		return election.Eligibility{}, err
	}
	for _, d := range decls {
		if d.SupersededAt == nil {
			at := d.CreatedAt
			cand.DeclarationAt, cand.Categories = &at, d.Categories
			break
		}
	}
	if cand.IneligibleUntil, err = c.Store.IneligibleUntil(ctx, m.ID, now); err != nil {
		return election.Eligibility{}, err
	}
	positions, err := c.Store.ListPositions(ctx, now)
	if err != nil {
		return election.Eligibility{}, err
	}
	def := c.Policy.Election.Seats[seat.Seat]
	group := def.Group
	rule := domain.SeatRule{Seat: seat.Seat, Rotation: seat.Rotation, RequiredSubregion: seat.RequiredSubregion,
		AlacSeat: seat.Position == "alac_member", MaxConsecutiveTerms: def.MaxConsecutiveTerms, Distinct: def.Distinct}
	if seat.Rotation == domain.RotationSubregion {
		_, rule.ExcludedCountries = c.Policy.RotationFor(seat.Seat, st.CreatedAt.Year())
	}
	if cand.ConsecutiveTerms, err = c.consecutiveTerms(ctx, m.ID, seat.Position, positions, now); err != nil {
		return election.Eligibility{}, err
	}
	if def.Distinct {
		if rule.Distinctive, err = c.distinctive(ctx, st, seat, group, positions); err != nil {
			return election.Eligibility{}, err
		}
	}
	for _, p := range positions {
		if p.HolderID == nil {
			continue
		}
		if p.Position == NomComPosition && *p.HolderID == m.ID {
			cand.NomComMember = true
		}
		if *p.HolderID == m.ID || group == "" {
			continue
		}
		if !c.inGroup(group, seat, p.Position) {
			continue
		}
		h := domain.Holder{MemberID: *p.HolderID}
		if p.Country != nil {
			h.Country = *p.Country
		}
		if p.ALSID != nil {
			h.ALSID = *p.ALSID
		}
		rule.OtherHolders = append(rule.OtherHolders, h)
	}
	ok, reasons := domain.Eligibility(cand, rule, c.Policy.Election.DisqualifyingConflicts, st.CreatedAt, now, seat.Reopened)
	if reasons == nil {
		reasons = []string{}
	}
	return election.Eligibility{Eligible: ok, Reasons: reasons, ALSID: cand.ALSID, Nationality: cand.Nationality}, nil
}

// Recheck recomputes every nomination of a seat still open and returns the
// ones whose eligibility changed.
func (c Checker) Recheck(ctx context.Context, st election.State, now time.Time) ([]election.EligibilityChange, error) {
	out := []election.EligibilityChange{}
	for _, n := range st.Nominations {
		open := false
		for _, s := range st.Seats {
			if s.Seat == n.Seat && s.Status == election.SeatStatusOpen {
				open = true
			}
		}
		if !open {
			continue
		}
		el, err := c.Nominee(ctx, st, n.Seat, n.NomineeID, n.Accepted, strings.TrimSpace(n.StatementOfInterest) != "", now)
		if err != nil {
			return nil, err
		}
		if el.Eligible == n.Eligible && slices.Equal(el.Reasons, n.Reasons) {
			continue
		}
		out = append(out, election.EligibilityChange{NominationID: n.ID, Eligible: el.Eligible, Reasons: el.Reasons})
	}
	return out, nil
}

// consecutiveTerms counts the terms in a row memberID has held position up
// to now: the current one, the one that ended when it started, and so on.
func (c Checker) consecutiveTerms(ctx context.Context, memberID, position string, current []store.Position, now time.Time) (int, error) {
	n, held := 0, current
	for range 10 {
		var term *store.Position
		for i, p := range held {
			if p.Position == position && p.HolderID != nil && *p.HolderID == memberID {
				term = &held[i]
			}
		}
		if term == nil {
			return n, nil
		}
		n++
		var err error
		if held, err = c.Store.ListPositions(ctx, term.TermStart.Add(-time.Second)); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// distinctive lists those a distinct seat's nominee must differ from: the
// holders of the seat's group who sit on and the candidates elected in this
// cycle to the group's other seats, with their nationalities.
func (c Checker) distinctive(ctx context.Context, st election.State, seat election.SeatState, group string, positions []store.Position) ([]domain.Holder, error) {
	ids := c.sittingIDs(st, seat, group, positions)
	for _, x := range st.Seats {
		if x.Seat != seat.Seat && c.Policy.Election.Seats[x.Seat].Group == group && group != "" {
			ids = append(ids, x.Elected...)
		}
	}
	return c.holders(ctx, ids)
}

// Sitting lists the sitting holders a distinct seat's candidates must
// differ from, as the registry stands at now: the holders of the seat's own
// position whose term runs past the cycle's term start, and the holders of
// the other positions of its group. The Election workflow reads them before
// an acclamation and each count (the activity SittingHolders), so that a
// member seated or corrected since voting opened counts too.
func (c Checker) Sitting(ctx context.Context, st election.State, seatName string, now time.Time) ([]election.Holder, error) {
	var seat election.SeatState
	for _, x := range st.Seats {
		if x.Seat == seatName {
			seat = x
		}
	}
	positions, err := c.Store.ListPositions(ctx, now)
	if err != nil {
		return nil, err
	}
	group := seat.Group
	if def, ok := c.Policy.Election.Seats[seat.Seat]; ok && group == "" {
		group = def.Group
	}
	hs, err := c.holders(ctx, c.sittingIDs(st, seat, group, positions))
	if err != nil {
		return nil, err
	}
	out := make([]election.Holder, 0, len(hs))
	for _, h := range hs {
		out = append(out, election.Holder{MemberID: h.MemberID, ALSID: h.ALSID, Nationality: h.Nationality})
	}
	return out, nil
}

// sittingIDs are the holders of the seat's group who sit on: of the seat's
// own position, those whose term runs past the new term's start (the ALAC
// members are staggered; the one whose term ends by then is the one this
// cycle replaces); of the group's other positions, every holder.
func (c Checker) sittingIDs(st election.State, seat election.SeatState, group string, positions []store.Position) []string {
	termStart := st.Calendar.VotingClose
	if st.Calendar.TermStart != nil {
		termStart = *st.Calendar.TermStart
	}
	var ids []string
	for _, p := range positions {
		switch {
		case p.HolderID == nil:
		case p.Position == seat.Position:
			if p.TermEnd == nil || p.TermEnd.After(termStart) {
				ids = append(ids, *p.HolderID)
			}
		case c.groupPosition(group, p.Position):
			ids = append(ids, *p.HolderID)
		}
	}
	return ids
}

// holders reads the members ids name, with their ALS and nationality.
func (c Checker) holders(ctx context.Context, ids []string) ([]domain.Holder, error) {
	members, err := c.Store.MembersByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]domain.Holder, 0, len(ids))
	for _, id := range ids {
		m := members[id]
		h := domain.Holder{MemberID: id, Country: m.Country, Nationality: m.EffectiveNationality()}
		if m.ALSID != nil {
			h.ALSID = *m.ALSID
		}
		out = append(out, h)
	}
	return out, nil
}

// groupPosition says whether position is filled by a seat of group.
func (c Checker) groupPosition(group, position string) bool {
	for _, def := range c.Policy.Election.Seats {
		if group != "" && def.Group == group && def.Position == position {
			return true
		}
	}
	return false
}

// inGroup says whether a holder of position sits in the seat's group and
// stays while the seat is filled: a holder of the seat's own position stays
// only when the cycle fills fewer places than the position has.
func (c Checker) inGroup(group string, seat election.SeatState, position string) bool {
	for name, def := range c.Policy.Election.Seats {
		if def.Group != group || def.Position != position {
			continue
		}
		if name == seat.Seat && seat.Count >= def.Count {
			return false
		}
		return true
	}
	return false
}
