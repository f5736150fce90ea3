package service

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/lacralo/ralo/store"
)

// SeatChoice is a seat of the policy a cycle of a year may fill, as the
// staff's "start a cycle" form offers it: with the sub-region the rotation
// table sends it to that year.
type SeatChoice struct {
	Seat      string `json:"seat"`
	Position  string `json:"position"`
	Count     int    `json:"count"`
	Method    string `json:"method"`
	Ballot    string `json:"ballot"`
	Rotation  string `json:"rotation"`
	Outcome   string `json:"outcome"`
	Subregion string `json:"subregion,omitempty"`
	// Excluded are the countries the rotation excludes that year.
	Excluded []string `json:"excluded,omitempty"`
	// Due says the seat is elected in that year (every_years from the
	// rotation's start); seats not due are offered too, unticked.
	Due bool `json:"due"`
}

// ElectionSeatChoices lists the policy's seats for a cycle of the year, the
// seats due that year first, each with the sub-region it rotates to.
func (s *Service) ElectionSeatChoices(year int) []SeatChoice {
	pol := s.policy.Election
	out := make([]SeatChoice, 0, len(pol.Seats))
	for name, def := range pol.Seats {
		c := SeatChoice{Seat: name, Position: def.Position, Count: max(1, def.Count), Method: string(def.Method),
			Ballot: string(def.Ballot), Rotation: string(def.Rotation), Outcome: string(def.Outcome)}
		if c.Outcome == "" {
			c.Outcome = "elected"
		}
		every := max(1, def.EveryYears)
		c.Due = year >= pol.RotationStart && (year-pol.RotationStart)%every == 0 || pol.RotationStart == 0
		c.Subregion, c.Excluded = s.policy.RotationFor(name, year)
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b SeatChoice) int {
		if a.Due != b.Due {
			if a.Due {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Seat, b.Seat)
	})
	return out
}

// ElectionNames are the names a cycle's pages show instead of IDs: the
// candidates' and nominators' names and every ALS's name. Candidates stand
// in public, so their names are public; so are ALSes'.
func (s *Service) ElectionNames(ctx context.Context, memberIDs []string) (members, als map[string]string, err error) {
	members = map[string]string{}
	if len(memberIDs) > 0 {
		ms, err := s.store.MembersByID(ctx, memberIDs)
		if err != nil {
			return nil, nil, err
		}
		for id, m := range ms {
			members[id] = m.Name
		}
	}
	list, err := s.store.ListALS(ctx, store.ALSFilter{})
	if err != nil {
		return nil, nil, err
	}
	als = make(map[string]string, len(list))
	for _, a := range list {
		als[a.ID] = a.Name
	}
	return members, als, nil
}

// ElectionTitle is a cycle's title and the year it started, for the
// heading of its results pages: a certified cycle's title is public, like
// its results.
func (s *Service) ElectionTitle(ctx context.Context, id string) (title string, year int, err error) {
	c, err := s.store.GetCase(ctx, ElectionProcess, id)
	if err != nil {
		return "", 0, err
	}
	return c.Title, c.CreatedAt.Year(), nil
}

// NomineeChoice is a member the nomination form offers: a member of an
// accredited ALS (observers may not be nominated), with the ALS's name.
type NomineeChoice struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	ALS     string `json:"als"`
	Country string `json:"country"`
}

// NomineeChoices lists the members who may be nominated, by ALS then name,
// those whose name or ALS contains q when q is not empty; at most limit,
// more saying that some were left out.
func (s *Service) NomineeChoices(ctx context.Context, q string, limit int) (out []NomineeChoice, more bool, err error) {
	alses, err := s.store.ListALS(ctx, store.ALSFilter{Status: store.ALSAccredited})
	if err != nil {
		return nil, false, err
	}
	names := make(map[string]string, len(alses))
	for _, a := range alses {
		names[a.ID] = a.Name
	}
	ms, err := s.store.ListMembers(ctx, store.MemberFilter{})
	if err != nil {
		return nil, false, err
	}
	q = strings.ToLower(strings.TrimSpace(q))
	for _, m := range ms {
		if m.ALSID == nil || names[*m.ALSID] == "" {
			continue
		}
		c := NomineeChoice{ID: m.ID, Name: m.Name, ALS: names[*m.ALSID], Country: m.Country}
		if q != "" && !strings.Contains(strings.ToLower(c.Name+" "+c.ALS), q) {
			continue
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b NomineeChoice) int { return cmp.Or(cmp.Compare(a.ALS, b.ALS), cmp.Compare(a.Name, b.Name)) })
	if limit > 0 && len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}
