package domain

import (
	"fmt"
	"math/big"
	"strings"
)

// The answers of a ratification ballot (SPEC §4 "Ratification"). A
// ratification ballot is a [Ballot] whose Choice is VoteYes or VoteNo, or
// which abstains, so that [LatestBallots] and [Quorum] apply to it
// unchanged.
const (
	VoteYes     = "yes"
	VoteNo      = "no"
	VoteAbstain = "abstain"
)

// RatificationTally is the count of a ratification vote. The weighted sums
// are exact (see [NationalWeights]); the float fields are taken from them
// for the results document. Abstentions are reported, not counted.
type RatificationTally struct {
	Yes            *big.Rat
	No             *big.Rat
	Abstained      *big.Rat
	YesVotes       float64
	NoVotes        float64
	AbstainedVotes float64
	YesBallots     int
	NoBallots      int
	Abstentions    int
	// Majority is the share of the weighted yes+no the yes votes needed
	// (nil: a simple majority, yes strictly more than no); Threshold is the
	// weighted yes votes that share of this vote's yes+no makes (nil with
	// a simple majority), ThresholdVotes its float for the results.
	Majority       *big.Rat
	Threshold      *big.Rat
	ThresholdVotes float64
	Adopted        bool
	CountedBallots []Ballot // the ballot that counts for each ALS, by ALS ID
}

// TallyRatification counts a yes/no/abstain vote on a statement over the
// weighted roll: the last ballot of each ALS counts ([LatestBallots]), each
// with its ALS's weight.
//
// With a majority m (policy.ratification_majority, LACRALO's Rules of
// Procedure 12.8: two thirds for a substantive motion), the statement is
// adopted when the weighted yes votes are at least m of the weighted yes+no
// votes of the ALSes voting, and more than the no votes: abstentions count
// for the quorum only, never for or against. Exactly two thirds adopts;
// anything under does not. With a nil majority (statements opened before
// the rule existed) it is adopted when the weighted yes votes are strictly
// more than the weighted no votes. Either way a tie is NOT adopted: a
// regional position needs more support than opposition, and a split region
// is reported through the divergent views, not ratified by chance. No
// ballot at all (or only abstentions) is a 0-0 tie, so not adopted either.
//
// A majority outside [1/2, 1] is an error (see [ParseMajority]).
//
// A ballot from an ALS that is not on the roll, or that is neither yes, no
// nor an abstention, is an error: the process checks ballots when they are
// cast, so such a ballot can only be a fault of the record.
func TallyRatification(roll Roll, ballots []Ballot, majority *big.Rat) (RatificationTally, error) {
	if majority != nil {
		if err := checkMajority(majority); err != nil {
			return RatificationTally{}, fmt.Errorf("ratification: %w", err)
		}
	}
	weights := make(map[string]*big.Rat, len(roll.Entries))
	for _, e := range roll.Entries {
		if e.Weight == nil {
			return RatificationTally{}, fmt.Errorf("ratification: ALS %s has no weight", e.ALSID)
		}
		weights[e.ALSID] = e.Weight
	}
	t := RatificationTally{Yes: new(big.Rat), No: new(big.Rat), Abstained: new(big.Rat)}
	var faults []string
	for _, b := range LatestBallots(ballots) {
		w, ok := weights[b.ALSID]
		if !ok {
			faults = append(faults, fmt.Sprintf("%s: ALS %s is not on the roll", b.Receipt, b.ALSID))
			continue
		}
		switch {
		case b.Abstain && b.Choice == "":
			t.Abstained.Add(t.Abstained, w)
			t.Abstentions++
		case !b.Abstain && b.Choice == VoteYes:
			t.Yes.Add(t.Yes, w)
			t.YesBallots++
		case !b.Abstain && b.Choice == VoteNo:
			t.No.Add(t.No, w)
			t.NoBallots++
		default:
			faults = append(faults, fmt.Sprintf("%s: %q is not yes, no or an abstention", b.Receipt, b.Choice))
			continue
		}
		t.CountedBallots = append(t.CountedBallots, b)
	}
	if len(faults) > 0 {
		return RatificationTally{}, fmt.Errorf("ratification: invalid ballots: %s", strings.Join(faults, "; "))
	}
	t.YesVotes, t.NoVotes, t.AbstainedVotes = WeightFloat(t.Yes), WeightFloat(t.No), WeightFloat(t.Abstained)
	t.Adopted = t.Yes.Cmp(t.No) > 0
	if majority != nil {
		t.Majority = new(big.Rat).Set(majority)
		t.Threshold = new(big.Rat).Mul(majority, new(big.Rat).Add(t.Yes, t.No))
		t.ThresholdVotes = WeightFloat(t.Threshold)
		t.Adopted = t.Adopted && t.Yes.Cmp(t.Threshold) >= 0
	}
	return t, nil
}

// ParseMajority reads a ratification majority written as a fraction
// ("2/3") or a decimal ("0.6667"); it must lie in [1/2, 1].
func ParseMajority(s string) (*big.Rat, error) {
	m, ok := new(big.Rat).SetString(strings.TrimSpace(s))
	if !ok {
		return nil, fmt.Errorf("majority %q is not a fraction such as 2/3 or a decimal such as 0.6667", s)
	}
	if err := checkMajority(m); err != nil {
		return nil, err
	}
	return m, nil
}

// checkMajority refuses a majority under one half (a minority could adopt)
// or over one (nothing could be adopted).
func checkMajority(m *big.Rat) error {
	if m.Cmp(big.NewRat(1, 2)) < 0 || m.Cmp(big.NewRat(1, 1)) > 0 {
		return fmt.Errorf("majority %s must be between 1/2 and 1", m.RatString())
	}
	return nil
}
