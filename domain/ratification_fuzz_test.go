package domain

import (
	"math/big"
	"testing"
)

// FuzzTallyRatification: any roll and ballots either count or are refused
// as invalid, never panic; a count weighs exactly the counted ballots,
// takes one ballot per ALS, and adopts only a strict weighted majority of
// yes over no.
func FuzzTallyRatification(f *testing.F) {
	f.Add([]byte{}, false)
	f.Add([]byte{4, 0, 0, 1, 1, 2, 2, 3, 3, 0, 0, 0, 0, 1, 0, 1, 0, 2, 0, 2, 0, 3, 0, 3, 0}, false)
	f.Add([]byte{3, 0, 1, 1, 1, 2, 1, 1, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 0}, true)
	f.Add([]byte{2, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1}, false)
	f.Fuzz(func(t *testing.T, data []byte, equal bool) {
		roll, _, ballots := fuzzElection(t, data, equal)
		// Map the fuzzed choices onto yes and no; "m-unknown" stays
		// invalid, and rankings are not part of a ratification ballot.
		for i := range ballots {
			ballots[i].Ranking = nil
			switch ballots[i].Choice {
			case "m-0", "m-2", "m-4":
				ballots[i].Choice = VoteYes
			case "m-1", "m-3":
				ballots[i].Choice = VoteNo
			}
		}
		r, err := TallyRatification(roll, ballots)
		if err != nil {
			return
		}
		sum := new(big.Rat).Add(r.Yes, r.No)
		sum.Add(sum, r.Abstained)
		if want := countedWeight(roll, ballots); sum.Cmp(want) != 0 {
			t.Fatalf("yes + no + abstained = %s, counted ballots weigh %s", sum.RatString(), want.RatString())
		}
		if n := len(LatestBallots(ballots)); r.YesBallots+r.NoBallots+r.Abstentions != n || len(r.CountedBallots) != n {
			t.Fatalf("%d+%d+%d ballots counted, %d ALSes voted", r.YesBallots, r.NoBallots, r.Abstentions, n)
		}
		if r.Adopted != (r.Yes.Cmp(r.No) > 0) {
			t.Fatalf("adopted = %v with yes %s and no %s", r.Adopted, r.Yes.RatString(), r.No.RatString())
		}
	})
}
