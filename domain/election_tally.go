package domain

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"
	"time"
)

// QuorumResult is the quorum of one vote as the results document publishes
// it (`quorum` without `extended`, which the process knows, not the rule).
type QuorumResult struct {
	Required int  `json:"required"`
	Cast     int  `json:"cast"`
	Met      bool `json:"met"`
}

// quorumEps absorbs the rounding of fraction × voting in binary floating
// point, so that 0.6 × 5 is 3 and not 3.0000000000000004 (which would round
// up to 4).
const quorumEps = 1e-9

// Quorum applies SPEC §3 "Quorum": a vote is valid with ballots, abstentions
// included, from at least fraction (policy `election.quorum`) of the voting
// ALSes, rounded up. cast counts the ALSes with a ballot (see
// [LatestBallots]). With 42 voting ALSes and 0.5, 21 are required, so
// exactly half meets it; with 41, also 21. Inactive ALSes are not on the
// roll and so not in voting. With no voting ALS nothing is required. A
// fraction outside [0, 1] is clamped to it, so a bad value can never demand
// more ballots than there are voters.
func Quorum(voting, cast int, fraction float64) QuorumResult {
	required := 0
	if voting > 0 && fraction > 0 {
		required = min(voting, int(math.Ceil(min(fraction, 1)*float64(voting)-quorumEps)))
	}
	return QuorumResult{Required: required, Cast: cast, Met: cast >= required}
}

// Ballot is one ballot an ALS cast (SPEC §3 "Voting"). ALSID is the ALS
// whose vote it is: a proxy holder casting for the giver files it with the
// giver's ID, so it counts with the giver's weight. A plurality ballot names
// one candidate in Choice; a ranked ballot orders candidates in Ranking,
// most preferred first; either may abstain instead. Candidates are member
// IDs.
type Ballot struct {
	Receipt string
	ALSID   string
	Choice  string
	Abstain bool
	Ranking []string
	At      time.Time
}

// LatestBallots keeps the ballot that counts for each ALS: an ALS may change
// its ballot until voting closes and the last one counts (SPEC §3
// "Voting"). The last is the latest At; among ballots with the same At, the
// later in bs. The result is sorted by ALS ID.
func LatestBallots(bs []Ballot) []Ballot {
	latest := map[string]int{}
	for i, b := range bs {
		if j, ok := latest[b.ALSID]; !ok || !b.At.Before(bs[j].At) {
			latest[b.ALSID] = i
		}
	}
	out := make([]Ballot, 0, len(latest))
	for _, i := range latest {
		out = append(out, bs[i])
	}
	slices.SortFunc(out, func(a, b Ballot) int { return strings.Compare(a.ALSID, b.ALSID) })
	return out
}

// CandidateTotal is a candidate's count in one round. Weighted is the exact
// sum of the weights of the ballots counted for them; WeightedVotes is its
// float64 for the results document, taken from the exact sum.
type CandidateTotal struct {
	MemberID      string
	Weighted      *big.Rat
	WeightedVotes float64
	Ballots       int
}

// The tie-breaks of an elimination in a ranked count, as recorded in
// [Round.TieBreak].
const (
	// TieBreakPreviousRound: among those tied for the lowest total, the one
	// with the lowest total in the previous round was eliminated.
	TieBreakPreviousRound = "previous_round"
	// TieBreakDraw: the previous round did not separate them and the
	// elimination was drawn (see [DrawOrder]).
	TieBreakDraw = "draw"
)

// Round is one round of a count. Totals list every candidate still in the
// count, by weighted votes descending, then member ID. Abstentions are
// reported, not counted (SPEC §3 "Tally"); AbstainedWeight is their weight.
//
// In a plurality count (one round), Elected are the candidates elected
// outright and Tied those tied across the last seat, who go to a second
// ballot for the remaining seats. In a ranked count, Exhausted counts the
// ballots that rank no continuing candidate; the last round's Elected is the
// winner; any other round eliminates Eliminated, with Tied and TieBreak
// saying how a tie for the lowest total was broken.
type Round struct {
	Round           int
	Totals          []CandidateTotal
	Abstentions     int
	AbstainedWeight *big.Rat
	Exhausted       int
	ExhaustedWeight *big.Rat
	Elected         []string
	Tied            []string
	Eliminated      string
	TieBreak        string
}

// InvalidBallot is a ballot a tally refused, and why.
type InvalidBallot struct {
	Receipt string
	ALSID   string
	Reason  string
}

// InvalidBallotsError lists every ballot a tally refused, in input order, so
// staff can see all of them at once.
type InvalidBallotsError struct {
	Ballots []InvalidBallot
}

// Error lists each refused ballot with its receipt, ALS and reason.
func (e *InvalidBallotsError) Error() string {
	parts := make([]string, len(e.Ballots))
	for i, b := range e.Ballots {
		parts[i] = fmt.Sprintf("receipt %q (ALS %q): %s", b.Receipt, b.ALSID, b.Reason)
	}
	return fmt.Sprintf("%d invalid ballot(s): %s", len(e.Ballots), strings.Join(parts, "; "))
}

// Receipts are the receipts of the refused ballots.
func (e *InvalidBallotsError) Receipts() []string {
	out := make([]string, len(e.Ballots))
	for i, b := range e.Ballots {
		out[i] = b.Receipt
	}
	return out
}

// TallyPlurality counts a plurality vote (SPEC §3 "Tally"): each ALS's last
// ballot (see [LatestBallots]; ballots may be passed with their history)
// adds the ALS's roll weight to its choice; abstentions are reported, not
// counted. The round lists every candidate, with zero votes if need be, and
// is numbered 1; a second ballot is tallied the same way and renumbered by
// the caller.
//
// Elected are the top seats candidates when the seats-th and the next
// candidate differ; otherwise Elected are those strictly above the tied
// total and Tied all who share it, who go to a second ballot (see
// [SecondBallotCandidates]). With as many seats as candidates, all are
// elected.
//
// Rule decision: an invalid ballot is not skipped, the whole tally is
// refused with an [*InvalidBallotsError] listing every offending receipt.
// Invalid means: no or duplicate receipt, an ALS not on the roll, no choice
// and no abstention, both, a choice that is not a candidate, or a ranking.
// Casting is where ballots are checked; one reaching the count invalid is a
// fault of the record, and a count that quietly dropped votes is exactly
// what LACRALO's members fought over. Every ballot passed is checked, not
// only the last of each ALS.
func TallyPlurality(roll Roll, ballots []Ballot, candidates []string, seats int) (Round, error) {
	weights, cands, err := tallySetup(roll, candidates)
	if err != nil {
		return Round{}, err
	}
	if seats < 1 {
		return Round{}, fmt.Errorf("tally: %d seats; at least one is needed", seats)
	}
	if err := checkBallots(ballots, weights, func(b Ballot) string {
		switch {
		case len(b.Ranking) > 0:
			return "a ranking on a plurality ballot"
		case b.Abstain && b.Choice != "":
			return "both a choice and an abstention"
		case b.Abstain:
			return ""
		case b.Choice == "":
			return "neither a choice nor an abstention"
		case !cands[b.Choice]:
			return fmt.Sprintf("the choice %q is not a candidate", b.Choice)
		}
		return ""
	}); err != nil {
		return Round{}, err
	}

	count := newCount(candidates)
	for _, b := range LatestBallots(ballots) {
		if b.Abstain {
			count.abstain(weights[b.ALSID])
			continue
		}
		count.add(b.Choice, weights[b.ALSID])
	}
	r := count.round(1)
	r.Elected, r.Tied = boundary(r.Totals, seats)
	return r, nil
}

// SecondBallotCandidates are the candidates of the second ballot SPEC §3
// "Tally" calls for after a tie: those tied across the last seat, by member
// ID. The second ballot fills the seats the first left (seats minus
// len(r.Elected)); none means no second ballot is needed.
func SecondBallotCandidates(r Round) []string {
	return slices.Clone(r.Tied)
}

// boundary splits sorted totals at the seats-th place.
func boundary(totals []CandidateTotal, seats int) (elected, tied []string) {
	if seats >= len(totals) {
		for _, t := range totals {
			elected = append(elected, t.MemberID)
		}
		return elected, nil
	}
	last := totals[seats-1].Weighted
	if totals[seats].Weighted.Cmp(last) != 0 {
		for _, t := range totals[:seats] {
			elected = append(elected, t.MemberID)
		}
		return elected, nil
	}
	for _, t := range totals {
		switch t.Weighted.Cmp(last) {
		case 1:
			elected = append(elected, t.MemberID)
		case 0:
			tied = append(tied, t.MemberID)
		}
	}
	return elected, tied
}

// tallySetup checks the roll and the candidate list and indexes them.
func tallySetup(roll Roll, candidates []string) (map[string]*big.Rat, map[string]bool, error) {
	weights := make(map[string]*big.Rat, len(roll.Entries))
	for _, e := range roll.Entries {
		switch {
		case e.Weight == nil:
			return nil, nil, fmt.Errorf("tally: ALS %s has no weight on the roll", e.ALSID)
		case e.Weight.Sign() < 0:
			return nil, nil, fmt.Errorf("tally: ALS %s has a negative weight", e.ALSID)
		case weights[e.ALSID] != nil:
			return nil, nil, fmt.Errorf("tally: ALS %s is on the roll twice", e.ALSID)
		}
		weights[e.ALSID] = e.Weight
	}
	if len(candidates) == 0 {
		return nil, nil, errors.New("tally: no candidates")
	}
	cands := make(map[string]bool, len(candidates))
	for _, c := range candidates {
		switch {
		case c == "":
			return nil, nil, errors.New("tally: a candidate has no member ID")
		case cands[c]:
			return nil, nil, fmt.Errorf("tally: candidate %s is listed twice", c)
		}
		cands[c] = true
	}
	return weights, cands, nil
}

// checkBallots refuses ballots without a unique receipt, from ALSes not on
// the roll, or that fault (the method's own rules) finds wrong.
func checkBallots(ballots []Ballot, weights map[string]*big.Rat, fault func(Ballot) string) error {
	var bad []InvalidBallot
	receipts := map[string]bool{}
	for _, b := range ballots {
		var reason string
		switch {
		case b.Receipt == "":
			reason = "no receipt"
		case receipts[b.Receipt]:
			reason = "a receipt already used by another ballot"
		case weights[b.ALSID] == nil:
			reason = fmt.Sprintf("ALS %q is not on the roll", b.ALSID)
		default:
			reason = fault(b)
		}
		receipts[b.Receipt] = true
		if reason != "" {
			bad = append(bad, InvalidBallot{Receipt: b.Receipt, ALSID: b.ALSID, Reason: reason})
		}
	}
	if len(bad) > 0 {
		return &InvalidBallotsError{Ballots: bad}
	}
	return nil
}

// count accumulates one round exactly.
type count struct {
	totals    map[string]*CandidateTotal
	abstained int
	abstainW  *big.Rat
	exhausted int
	exhaustW  *big.Rat
}

func newCount(candidates []string) *count {
	c := &count{totals: map[string]*CandidateTotal{}, abstainW: new(big.Rat), exhaustW: new(big.Rat)}
	for _, id := range candidates {
		c.totals[id] = &CandidateTotal{MemberID: id, Weighted: new(big.Rat)}
	}
	return c
}

func (c *count) add(id string, w *big.Rat) {
	t := c.totals[id]
	t.Weighted.Add(t.Weighted, w)
	t.Ballots++
}

func (c *count) abstain(w *big.Rat) {
	c.abstained++
	c.abstainW.Add(c.abstainW, w)
}

func (c *count) exhaust(w *big.Rat) {
	c.exhausted++
	c.exhaustW.Add(c.exhaustW, w)
}

// round freezes the count: totals sorted by weight descending then member
// ID, with their float64 taken from the exact sums.
func (c *count) round(n int) Round {
	r := Round{
		Round:           n,
		Totals:          make([]CandidateTotal, 0, len(c.totals)),
		Abstentions:     c.abstained,
		AbstainedWeight: c.abstainW,
		Exhausted:       c.exhausted,
		ExhaustedWeight: c.exhaustW,
	}
	for _, t := range c.totals {
		t.WeightedVotes = WeightFloat(t.Weighted)
		r.Totals = append(r.Totals, *t)
	}
	slices.SortFunc(r.Totals, func(a, b CandidateTotal) int {
		if c := b.Weighted.Cmp(a.Weighted); c != 0 {
			return c
		}
		return cmp.Compare(a.MemberID, b.MemberID)
	})
	return r
}
