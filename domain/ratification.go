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
	Adopted        bool
	CountedBallots []Ballot // the ballot that counts for each ALS, by ALS ID
}

// TallyRatification counts a yes/no/abstain vote on a statement over the
// weighted roll: the last ballot of each ALS counts ([LatestBallots]), each
// with its ALS's weight. The statement is adopted when the weighted yes
// votes are strictly more than the weighted no votes. A tie is NOT
// adopted: a regional position needs more support than opposition, and a
// split region is reported through the divergent views, not ratified by
// chance. No ballot at all (or only abstentions) is a 0-0 tie, so not
// adopted either.
//
// A ballot from an ALS that is not on the roll, or that is neither yes, no
// nor an abstention, is an error: the process checks ballots when they are
// cast, so such a ballot can only be a fault of the record.
func TallyRatification(roll Roll, ballots []Ballot) (RatificationTally, error) {
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
	return t, nil
}
