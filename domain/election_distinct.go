package domain

import (
	"fmt"
	"slices"
	"strings"
)

// DistinctClash gives the reasons, each "code: sentence", why c may not
// join holders under the ALAC distinctness rule (SPEC §3 "Distinctness"):
// alac_distinct_als when a holder is of c's ALS, alac_distinct_nationality
// when a holder has c's nationality (the country when no nationality is
// recorded). Holders are the sitting members of the group and those
// elected in the same cycle; c itself is skipped. An empty ALS or
// nationality clashes with nothing. Holders are read in member-ID order,
// so the reasons do not depend on the caller's order.
func DistinctClash(c Holder, holders []Holder) []string {
	hs := slices.Clone(holders)
	slices.SortStableFunc(hs, func(a, b Holder) int { return strings.Compare(a.MemberID, b.MemberID) })
	var reasons []string
	for _, h := range hs {
		if h.MemberID == c.MemberID {
			continue
		}
		if c.ALSID != "" && c.ALSID == h.ALSID {
			reasons = append(reasons, fmt.Sprintf("%s: %s, an ALAC member of this or the sitting term, is also of ALS %s",
				ReasonALACDistinctALS, h.MemberID, h.ALSID))
		}
		if n := c.nationality(); n != "" && n == h.nationality() {
			reasons = append(reasons, fmt.Sprintf("%s: %s, an ALAC member of this or the sitting term, is also of nationality %s",
				ReasonALACDistinctNationality, h.MemberID, n))
		}
	}
	return reasons
}

// PassedOver is a candidate a tally or an acclamation did not elect,
// although ahead of the one elected, because electing them would break the
// distinctness rule; Reasons are [DistinctClash]'s.
type PassedOver struct {
	MemberID string   `json:"member_id"`
	Reasons  []string `json:"reasons"`
}

// ElectDistinct fills seats from candidates in order of preference (a
// tally's totals, highest first, or the sole candidate of an acclamation):
// a candidate who would clash with the sitting holders or with one already
// elected here is passed over, with the reasons, and the next compatible one
// is taken (SPEC §3 "Distinctness"). same says two candidates are tied (equal
// weighted votes); nil means no ties. When the next place is tied among
// compatible candidates whose order matters, more of them than the seats
// left or clashing with one another, tied names them and the caller breaks
// the tie (second ballot, draw) and calls again with the order it gives.
// profiles gives each candidate's ALS and nationality; a candidate without
// one clashes with nothing.
func ElectDistinct(order []string, same func(a, b string) bool, seats int, profiles map[string]Holder, sitting []Holder) (elected, tied []string, passed []PassedOver) {
	holders := slices.Clone(sitting)
	profile := func(id string) Holder {
		p := profiles[id]
		p.MemberID = id
		return p
	}
	rest := slices.Clone(order)
	for len(elected) < seats && len(rest) > 0 {
		// Pass over everyone who clashes with the holders so far.
		compatible := rest[:0:0]
		for _, id := range rest {
			if r := DistinctClash(profile(id), holders); len(r) > 0 {
				passed = append(passed, PassedOver{MemberID: id, Reasons: r})
				continue
			}
			compatible = append(compatible, id)
		}
		if len(compatible) == 0 {
			break
		}
		group := []string{compatible[0]}
		for _, id := range compatible[1:] {
			if same == nil || !same(compatible[0], id) {
				break
			}
			group = append(group, id)
		}
		if len(group) > 1 && (len(group) > seats-len(elected) || clashAmong(group, profile)) {
			return elected, group, passed
		}
		for _, id := range group {
			elected = append(elected, id)
			holders = append(holders, profile(id))
		}
		rest = compatible[len(group):]
	}
	return elected, nil, passed
}

func clashAmong(ids []string, profile func(string) Holder) bool {
	for i, a := range ids {
		for _, b := range ids[i+1:] {
			if len(DistinctClash(profile(a), []Holder{profile(b)})) > 0 {
				return true
			}
		}
	}
	return false
}
