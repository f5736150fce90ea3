package domain

import (
	"fmt"
	"math/big"
	"slices"
)

// TallyRanked counts a ranked selection (SPEC §3 "Ranked selection", policy
// seat `method: ranked`) as an instant runoff over weighted ballots. Each
// ALS's last ballot (see [LatestBallots]) counts its roll weight, whole, for
// its highest-ranked candidate still in the count; a ballot that ranks none
// of them is exhausted from then on, and abstentions are reported, not
// counted. A candidate with strictly more than half the weight of the
// ballots counted in the round (not abstained, not exhausted) wins; so
// does the last candidate left. Otherwise the candidate with the lowest
// total is eliminated and the next round begins.
//
// A tie for the lowest total is broken by the lowest total in the previous
// round among the tied (only that round, not earlier ones); if the previous
// round does not separate them, or there is none, by the transparent draw
// with seed: the last of [DrawOrder] is eliminated. Each round records its
// tie-break, and seed should be [DrawSeed] of the receipts, published before
// the count.
//
// As with [TallyPlurality], any invalid ballot refuses the whole count with
// an [*InvalidBallotsError]: on top of the receipt and roll checks, a ranked
// ballot must rank at least one candidate, only candidates, each once, and
// name no single choice; an abstention ranks nobody.
func TallyRanked(roll Roll, ballots []Ballot, candidates []string, seed string) ([]Round, string, error) {
	weights, cands, err := tallySetup(roll, candidates)
	if err != nil {
		return nil, "", err
	}
	if err := checkBallots(ballots, weights, func(b Ballot) string {
		switch {
		case b.Choice != "":
			return "a single choice on a ranked ballot"
		case b.Abstain && len(b.Ranking) > 0:
			return "both a ranking and an abstention"
		case b.Abstain:
			return ""
		case len(b.Ranking) == 0:
			return "neither a ranking nor an abstention"
		}
		ranked := map[string]bool{}
		for _, id := range b.Ranking {
			switch {
			case !cands[id]:
				return fmt.Sprintf("the ranking names %q, who is not a candidate", id)
			case ranked[id]:
				return fmt.Sprintf("the ranking names %s twice", id)
			}
			ranked[id] = true
		}
		return ""
	}); err != nil {
		return nil, "", err
	}

	latest := LatestBallots(ballots)
	continuing := slices.Clone(candidates)
	var rounds []Round
	for n := 1; ; n++ {
		count := newCount(continuing)
		counted := new(big.Rat)
		for _, b := range latest {
			w := weights[b.ALSID]
			if b.Abstain {
				count.abstain(w)
				continue
			}
			i := slices.IndexFunc(b.Ranking, func(id string) bool { return slices.Contains(continuing, id) })
			if i < 0 {
				count.exhaust(w)
				continue
			}
			count.add(b.Ranking[i], w)
			counted.Add(counted, w)
		}
		r := count.round(n)

		lead := r.Totals[0]
		if len(continuing) == 1 || new(big.Rat).Add(lead.Weighted, lead.Weighted).Cmp(counted) > 0 {
			r.Elected = []string{lead.MemberID}
			return append(rounds, r), lead.MemberID, nil
		}

		var prev *Round
		if len(rounds) > 0 {
			prev = &rounds[len(rounds)-1]
		}
		r.Eliminated, r.Tied, r.TieBreak = eliminate(r.Totals, prev, seed)
		continuing = slices.DeleteFunc(continuing, func(id string) bool { return id == r.Eliminated })
		rounds = append(rounds, r)
	}
}

// eliminate picks the candidate to drop from sorted totals: the lowest; of
// those tied for lowest, the lowest in prev; of those still tied, the last
// of the draw. It also returns everyone tied for lowest and the tie-break
// used.
func eliminate(totals []CandidateTotal, prev *Round, seed string) (out string, tied []string, tieBreak string) {
	tied = tiedAt(totals, totals[len(totals)-1].Weighted, nil)
	if len(tied) == 1 {
		return tied[0], nil, ""
	}
	pool := tied
	if prev != nil {
		var lowest *big.Rat
		for _, t := range prev.Totals {
			if slices.Contains(tied, t.MemberID) && (lowest == nil || t.Weighted.Cmp(lowest) < 0) {
				lowest = t.Weighted
			}
		}
		pool = tiedAt(prev.Totals, lowest, tied)
		if len(pool) == 1 {
			return pool[0], tied, TieBreakPreviousRound
		}
	}
	order := DrawOrder(seed, pool)
	return order[len(order)-1], tied, TieBreakDraw
}

// tiedAt lists the candidates of totals whose total is w, restricted to
// among when it is not nil.
func tiedAt(totals []CandidateTotal, w *big.Rat, among []string) []string {
	var ids []string
	for _, t := range totals {
		if t.Weighted.Cmp(w) == 0 && (among == nil || slices.Contains(among, t.MemberID)) {
			ids = append(ids, t.MemberID)
		}
	}
	return ids
}
