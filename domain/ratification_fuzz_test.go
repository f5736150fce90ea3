package domain

import (
	"math/big"
	"testing"
)

// FuzzTallyRatification: any roll and ballots either count or are refused
// as invalid, never panic; a count weighs exactly the counted ballots,
// takes one ballot per ALS, and adopts only a strict weighted majority of
// yes over no that also reaches the majority num/den of yes+no (den 0: the
// simple majority of statements opened before the rule); a majority outside
// [1/2, 1] is refused.
func FuzzTallyRatification(f *testing.F) {
	f.Add([]byte{}, false, uint8(2), uint8(3))
	f.Add([]byte{4, 0, 0, 1, 1, 2, 2, 3, 3, 0, 0, 0, 0, 1, 0, 1, 0, 2, 0, 2, 0, 3, 0, 3, 0}, false, uint8(0), uint8(0))
	f.Add([]byte{3, 0, 1, 1, 1, 2, 1, 1, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 0}, true, uint8(2), uint8(3))
	f.Add([]byte{2, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1}, false, uint8(1), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, equal bool, num, den uint8) {
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
		var majority *big.Rat
		if den != 0 {
			majority = big.NewRat(int64(num), int64(den))
		}
		r, err := TallyRatification(roll, ballots, majority)
		if majority != nil && (majority.Cmp(big.NewRat(1, 2)) < 0 || majority.Cmp(big.NewRat(1, 1)) > 0) {
			if err == nil {
				t.Fatalf("majority %s accepted", majority.RatString())
			}
			return
		}
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
		want := r.Yes.Cmp(r.No) > 0
		if majority != nil {
			share := new(big.Rat).Mul(majority, new(big.Rat).Add(r.Yes, r.No))
			want = want && r.Yes.Cmp(share) >= 0
		}
		if r.Adopted != want {
			t.Fatalf("adopted = %v with yes %s, no %s and majority %v", r.Adopted, r.Yes.RatString(), r.No.RatString(), majority)
		}
	})
}
