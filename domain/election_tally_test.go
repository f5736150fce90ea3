package domain

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)

func TestQuorum(t *testing.T) {
	tests := []struct {
		name     string
		voting   int
		cast     int
		fraction float64
		want     QuorumResult
	}{
		{"42 voting: exactly half meets it", 42, 21, 0.5, QuorumResult{Required: 21, Cast: 21, Met: true}},
		{"42 voting: one short", 42, 20, 0.5, QuorumResult{Required: 21, Cast: 20, Met: false}},
		{"42 voting: everyone", 42, 42, 0.5, QuorumResult{Required: 21, Cast: 42, Met: true}},
		{"41 voting rounds up to 21", 41, 21, 0.5, QuorumResult{Required: 21, Cast: 21, Met: true}},
		{"41 voting: 20 is short", 41, 20, 0.5, QuorumResult{Required: 21, Cast: 20, Met: false}},
		{"1 voting ALS must vote", 1, 1, 0.5, QuorumResult{Required: 1, Cast: 1, Met: true}},
		{"1 voting ALS that did not vote", 1, 0, 0.5, QuorumResult{Required: 1, Cast: 0, Met: false}},
		{"2 voting: 1 is half", 2, 1, 0.5, QuorumResult{Required: 1, Cast: 1, Met: true}},
		{"no voting ALS requires nothing", 0, 0, 0.5, QuorumResult{Required: 0, Cast: 0, Met: true}},
		{"0.6 of 5 is 3, not 4 by float error", 5, 3, 0.6, QuorumResult{Required: 3, Cast: 3, Met: true}},
		{"0.7 of 10 is 7", 10, 6, 0.7, QuorumResult{Required: 7, Cast: 6, Met: false}},
		{"fraction 1 is everyone", 10, 9, 1, QuorumResult{Required: 10, Cast: 9, Met: false}},
		{"fraction 0 requires nothing", 10, 0, 0, QuorumResult{Required: 0, Cast: 0, Met: true}},
		{"fraction above 1 clamps to everyone", 10, 10, 1.5, QuorumResult{Required: 10, Cast: 10, Met: true}},
		{"negative fraction clamps to nothing", 10, 0, -0.5, QuorumResult{Required: 0, Cast: 0, Met: true}},
		{"negative voting requires nothing", -3, 0, 0.5, QuorumResult{Required: 0, Cast: 0, Met: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Quorum(tt.voting, tt.cast, tt.fraction); got != tt.want {
				t.Errorf("Quorum(%d, %d, %v) = %+v, want %+v", tt.voting, tt.cast, tt.fraction, got, tt.want)
			}
		})
	}
}

func TestLatestBallots(t *testing.T) {
	bs := []Ballot{
		{Receipt: "r1", ALSID: "als-b", Choice: "m-x", At: t0},
		{Receipt: "r2", ALSID: "als-a", Choice: "m-x", At: t0.Add(2 * time.Minute)},
		{Receipt: "r3", ALSID: "als-a", Choice: "m-y", At: t0.Add(time.Minute)},  // earlier, listed later: loses
		{Receipt: "r4", ALSID: "als-b", Abstain: true, At: t0.Add(time.Hour)},    // change to abstain
		{Receipt: "r5", ALSID: "als-c", Choice: "m-x", At: t0},                   // same At as r6
		{Receipt: "r6", ALSID: "als-c", Choice: "m-y", At: t0},                   // later in input: wins
		{Receipt: "r7", ALSID: "als-d", Choice: "m-y", At: t0.Add(time.Second)},  // only ballot
		{Receipt: "r8", ALSID: "als-b", Choice: "m-y", At: t0.Add(time.Minute)},  // superseded by r4
		{Receipt: "r9", ALSID: "als-e", Choice: "m-x", At: t0.Add(-time.Minute)}, // only ballot
	}
	var got []string
	for _, b := range LatestBallots(bs) {
		got = append(got, b.ALSID+":"+b.Receipt)
	}
	want := []string{"als-a:r2", "als-b:r4", "als-c:r6", "als-d:r7", "als-e:r9"}
	if !slices.Equal(got, want) {
		t.Errorf("LatestBallots = %v, want %v", got, want)
	}
	if got := LatestBallots(nil); len(got) != 0 {
		t.Errorf("LatestBallots(nil) = %v", got)
	}
}

// plural is a compact ballot: "als:choice", "als:-" for an abstention.
func plural(spec ...string) []Ballot {
	var bs []Ballot
	for i, s := range spec {
		als, choice, _ := strings.Cut(s, ":")
		b := Ballot{Receipt: fmt.Sprintf("r%02d", i), ALSID: als, At: t0.Add(time.Duration(i) * time.Second)}
		if choice == "-" {
			b.Abstain = true
		} else {
			b.Choice = choice
		}
		bs = append(bs, b)
	}
	return bs
}

type wantTotal struct {
	id       string
	weighted string
	ballots  int
}

func checkTotals(t *testing.T, got []CandidateTotal, want []wantTotal) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("totals = %+v, want %+v", got, want)
	}
	for i, w := range want {
		g := got[i]
		if g.MemberID != w.id || g.Weighted.Cmp(rat(w.weighted)) != 0 || g.Ballots != w.ballots {
			t.Errorf("totals[%d] = %s %s (%d ballots), want %s %s (%d)", i, g.MemberID, g.Weighted.RatString(), g.Ballots, w.id, w.weighted, w.ballots)
		}
		if f := WeightFloat(rat(w.weighted)); g.WeightedVotes != f {
			t.Errorf("totals[%d].WeightedVotes = %v, want %v", i, g.WeightedVotes, f)
		}
	}
}

func TestTallyPlurality(t *testing.T) {
	// Two countries: AR's three ALSes weigh 50/3 each, BR's one weighs 50.
	national := []VoterALS{voter("ar1", "AR"), voter("ar2", "AR"), voter("ar3", "AR"), voter("br1", "BR")}
	// Four countries of one ALS each: 25 each.
	four := []VoterALS{voter("ar1", "AR"), voter("br1", "BR"), voter("cl1", "CL"), voter("mx1", "MX")}

	tests := []struct {
		name            string
		alses           []VoterALS
		weighting       string
		ballots         []Ballot
		candidates      []string
		seats           int
		want            []wantTotal
		abstentions     int
		abstainedWeight string
		elected         []string
		tied            []string
	}{
		{
			name:       "weight beats the number of ballots",
			alses:      national,
			weighting:  WeightingNational,
			ballots:    plural("ar1:m-x", "ar2:m-x", "br1:m-y"),
			candidates: []string{"m-x", "m-y"},
			seats:      1,
			want:       []wantTotal{{"m-y", "50", 1}, {"m-x", "100/3", 2}},
			elected:    []string{"m-y"},
		},
		{
			name:       "the same ballots counted equally",
			alses:      national,
			weighting:  WeightingEqual,
			ballots:    plural("ar1:m-x", "ar2:m-x", "br1:m-y"),
			candidates: []string{"m-x", "m-y"},
			seats:      1,
			want:       []wantTotal{{"m-x", "2", 2}, {"m-y", "1", 1}},
			elected:    []string{"m-x"},
		},
		{
			name:       "a whole country against one ALS: an exact tie",
			alses:      national,
			weighting:  WeightingNational,
			ballots:    plural("ar1:m-x", "ar2:m-x", "ar3:m-x", "br1:m-y"),
			candidates: []string{"m-y", "m-x"},
			seats:      1,
			want:       []wantTotal{{"m-x", "50", 3}, {"m-y", "50", 1}},
			tied:       []string{"m-x", "m-y"},
		},
		{
			name:            "abstentions reported, not counted; candidates without votes listed",
			alses:           national,
			weighting:       WeightingNational,
			ballots:         plural("ar1:m-x", "ar2:-", "br1:-"),
			candidates:      []string{"m-x", "m-y", "m-z"},
			seats:           1,
			want:            []wantTotal{{"m-x", "50/3", 1}, {"m-y", "0", 0}, {"m-z", "0", 0}},
			abstentions:     2,
			abstainedWeight: "200/3",
			elected:         []string{"m-x"},
		},
		{
			name:            "everyone abstains: all tied at zero",
			alses:           four,
			weighting:       WeightingNational,
			ballots:         plural("ar1:-", "br1:-"),
			candidates:      []string{"m-x", "m-y"},
			seats:           1,
			want:            []wantTotal{{"m-x", "0", 0}, {"m-y", "0", 0}},
			abstentions:     2,
			abstainedWeight: "50",
			tied:            []string{"m-x", "m-y"},
		},
		{
			name:       "no ballots at all",
			alses:      four,
			weighting:  WeightingNational,
			candidates: []string{"m-x"},
			seats:      1,
			want:       []wantTotal{{"m-x", "0", 0}},
			elected:    []string{"m-x"},
		},
		{
			name:            "the last ballot counts",
			alses:           four,
			weighting:       WeightingNational,
			ballots:         plural("ar1:m-x", "br1:m-x", "ar1:m-y", "cl1:m-y", "br1:-"),
			candidates:      []string{"m-x", "m-y"},
			seats:           1,
			want:            []wantTotal{{"m-y", "50", 2}, {"m-x", "0", 0}},
			abstentions:     1,
			abstainedWeight: "25",
			elected:         []string{"m-y"},
		},
		{
			name:       "two seats, clear",
			alses:      four,
			weighting:  WeightingNational,
			ballots:    plural("ar1:m-a", "br1:m-a", "cl1:m-b", "mx1:m-b"),
			candidates: []string{"m-a", "m-b", "m-c"},
			seats:      2,
			want:       []wantTotal{{"m-a", "50", 2}, {"m-b", "50", 2}, {"m-c", "0", 0}},
			elected:    []string{"m-a", "m-b"},
		},
		{
			name:       "two seats, one elected and two tied across the boundary",
			alses:      four,
			weighting:  WeightingNational,
			ballots:    plural("ar1:m-a", "br1:m-a", "cl1:m-b", "mx1:m-c"),
			candidates: []string{"m-a", "m-b", "m-c", "m-d"},
			seats:      2,
			want:       []wantTotal{{"m-a", "50", 2}, {"m-b", "25", 1}, {"m-c", "25", 1}, {"m-d", "0", 0}},
			elected:    []string{"m-a"},
			tied:       []string{"m-b", "m-c"},
		},
		{
			name:       "two seats, three tied across the boundary",
			alses:      four,
			weighting:  WeightingNational,
			ballots:    plural("ar1:m-a", "br1:m-b", "cl1:m-c"),
			candidates: []string{"m-c", "m-b", "m-a"},
			seats:      2,
			want:       []wantTotal{{"m-a", "25", 1}, {"m-b", "25", 1}, {"m-c", "25", 1}},
			tied:       []string{"m-a", "m-b", "m-c"},
		},
		{
			name:       "two seats, a tie above the boundary is no tie",
			alses:      four,
			weighting:  WeightingNational,
			ballots:    plural("ar1:m-a", "br1:m-b", "cl1:m-a", "mx1:m-b"),
			candidates: []string{"m-c", "m-b", "m-a"},
			seats:      2,
			want:       []wantTotal{{"m-a", "50", 2}, {"m-b", "50", 2}, {"m-c", "0", 0}},
			elected:    []string{"m-a", "m-b"},
		},
		{
			name:       "one seat, one ahead: tie below the boundary is no tie",
			alses:      four,
			weighting:  WeightingNational,
			ballots:    plural("ar1:m-a", "br1:m-b", "cl1:m-a", "mx1:m-c"),
			candidates: []string{"m-c", "m-b", "m-a"},
			seats:      1,
			want:       []wantTotal{{"m-a", "50", 2}, {"m-b", "25", 1}, {"m-c", "25", 1}},
			elected:    []string{"m-a"},
		},
		{
			name:       "as many seats as candidates: all elected",
			alses:      four,
			weighting:  WeightingNational,
			ballots:    plural("ar1:m-a"),
			candidates: []string{"m-a", "m-b"},
			seats:      2,
			want:       []wantTotal{{"m-a", "25", 1}, {"m-b", "0", 0}},
			elected:    []string{"m-a", "m-b"},
		},
		{
			name:       "more seats than candidates: all elected",
			alses:      four,
			weighting:  WeightingNational,
			ballots:    plural("ar1:m-a", "br1:m-b"),
			candidates: []string{"m-a", "m-b"},
			seats:      3,
			want:       []wantTotal{{"m-a", "25", 1}, {"m-b", "25", 1}},
			elected:    []string{"m-a", "m-b"},
		},
		{
			name:       "the SPEC's example total: 56.25",
			alses:      append(countries(16), voter("als-C00-b", "C00")),
			weighting:  WeightingNational,
			ballots:    plural("als-C00:m-a", "als-C00-b:m-a", "als-C01:m-a", "als-C02:m-a", "als-C03:m-a", "als-C04:m-a", "als-C05:m-a", "als-C06:m-a", "als-C07:m-a", "als-C08:m-a", "als-C09:m-b"),
			candidates: []string{"m-a", "m-b"},
			seats:      1,
			want:       []wantTotal{{"m-a", "225/4", 10}, {"m-b", "25/4", 1}},
			elected:    []string{"m-a"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			roll := weightedRoll(t, tt.weighting, tt.alses...)
			r, err := TallyPlurality(roll, tt.ballots, tt.candidates, tt.seats)
			if err != nil {
				t.Fatalf("TallyPlurality: %v", err)
			}
			if r.Round != 1 {
				t.Errorf("round = %d, want 1", r.Round)
			}
			checkTotals(t, r.Totals, tt.want)
			if r.Abstentions != tt.abstentions {
				t.Errorf("abstentions = %d, want %d", r.Abstentions, tt.abstentions)
			}
			aw := tt.abstainedWeight
			if aw == "" {
				aw = "0"
			}
			if r.AbstainedWeight.Cmp(rat(aw)) != 0 {
				t.Errorf("abstained weight = %s, want %s", r.AbstainedWeight.RatString(), aw)
			}
			if !slices.Equal(r.Elected, tt.elected) {
				t.Errorf("elected = %v, want %v", r.Elected, tt.elected)
			}
			if !slices.Equal(r.Tied, tt.tied) {
				t.Errorf("tied = %v, want %v", r.Tied, tt.tied)
			}
			if got := SecondBallotCandidates(r); !slices.Equal(got, tt.tied) {
				t.Errorf("SecondBallotCandidates = %v, want %v", got, tt.tied)
			}
			if r.Exhausted != 0 || r.ExhaustedWeight.Sign() != 0 || r.Eliminated != "" {
				t.Errorf("plurality round has ranked fields: %+v", r)
			}
		})
	}
}

func TestTallyPluralityProxy(t *testing.T) {
	// als-b holds als-a's proxy: it casts als-a's ballot under als-a's ID,
	// which counts with als-a's weight, and its own under its own.
	roll, err := Electorate([]VoterALS{voter("als-a", "AR"), voter("als-a2", "AR"), voter("als-b", "BR")}, []Proxy{{From: "als-a", To: "als-b"}})
	if err != nil {
		t.Fatal(err)
	}
	roll, err = NationalWeights(roll, WeightingNational)
	if err != nil {
		t.Fatal(err)
	}
	r, err := TallyPlurality(roll, plural("als-a:m-x", "als-b:m-y"), []string{"m-x", "m-y"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	checkTotals(t, r.Totals, []wantTotal{{"m-y", "50", 1}, {"m-x", "25", 1}})
}

func TestTallyPluralityInvalid(t *testing.T) {
	roll := weightedRoll(t, WeightingNational, voter("ar1", "AR"), voter("br1", "BR"))
	cands := []string{"m-x", "m-y"}
	tests := []struct {
		name    string
		ballots []Ballot
		want    []InvalidBallot
	}{
		{
			name:    "ALS not on the roll",
			ballots: []Ballot{{Receipt: "r1", ALSID: "zz9", Choice: "m-x"}},
			want:    []InvalidBallot{{"r1", "zz9", `ALS "zz9" is not on the roll`}},
		},
		{
			name:    "choice not a candidate",
			ballots: []Ballot{{Receipt: "r1", ALSID: "ar1", Choice: "m-z"}},
			want:    []InvalidBallot{{"r1", "ar1", `the choice "m-z" is not a candidate`}},
		},
		{
			name:    "no choice, no abstention",
			ballots: []Ballot{{Receipt: "r1", ALSID: "ar1"}},
			want:    []InvalidBallot{{"r1", "ar1", "neither a choice nor an abstention"}},
		},
		{
			name:    "both a choice and an abstention",
			ballots: []Ballot{{Receipt: "r1", ALSID: "ar1", Choice: "m-x", Abstain: true}},
			want:    []InvalidBallot{{"r1", "ar1", "both a choice and an abstention"}},
		},
		{
			name:    "a ranking on a plurality ballot",
			ballots: []Ballot{{Receipt: "r1", ALSID: "ar1", Ranking: []string{"m-x"}}},
			want:    []InvalidBallot{{"r1", "ar1", "a ranking on a plurality ballot"}},
		},
		{
			name:    "no receipt",
			ballots: []Ballot{{ALSID: "ar1", Choice: "m-x"}},
			want:    []InvalidBallot{{"", "ar1", "no receipt"}},
		},
		{
			name:    "duplicate receipt",
			ballots: []Ballot{{Receipt: "r1", ALSID: "ar1", Choice: "m-x"}, {Receipt: "r1", ALSID: "br1", Choice: "m-y"}},
			want:    []InvalidBallot{{"r1", "br1", "a receipt already used by another ballot"}},
		},
		{
			name: "a superseded invalid ballot still refuses the tally, and all are listed",
			ballots: []Ballot{
				{Receipt: "r1", ALSID: "ar1", Choice: "m-z", At: t0},
				{Receipt: "r2", ALSID: "ar1", Choice: "m-x", At: t0.Add(time.Hour)},
				{Receipt: "r3", ALSID: "br1", Choice: "m-y"},
				{Receipt: "r4", ALSID: "xx", Abstain: true},
			},
			want: []InvalidBallot{
				{"r1", "ar1", `the choice "m-z" is not a candidate`},
				{"r4", "xx", `ALS "xx" is not on the roll`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := TallyPlurality(roll, tt.ballots, cands, 1)
			var ie *InvalidBallotsError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want *InvalidBallotsError", err)
			}
			if !slices.Equal(ie.Ballots, tt.want) {
				t.Errorf("invalid = %+v, want %+v", ie.Ballots, tt.want)
			}
			var receipts []string
			for _, b := range tt.want {
				receipts = append(receipts, b.Receipt)
				if !strings.Contains(err.Error(), b.Reason) {
					t.Errorf("error %q does not say %q", err, b.Reason)
				}
			}
			if !slices.Equal(ie.Receipts(), receipts) {
				t.Errorf("Receipts() = %v, want %v", ie.Receipts(), receipts)
			}
		})
	}
}

func TestTallySetupErrors(t *testing.T) {
	weighted := weightedRoll(t, WeightingNational, voter("ar1", "AR"))
	unweighted, err := Electorate([]VoterALS{voter("ar1", "AR")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	twice := Roll{Entries: []RollEntry{weighted.Entries[0], weighted.Entries[0]}}
	negative := Roll{Entries: []RollEntry{{ALSID: "ar1", Country: "AR", Weight: big.NewRat(-1, 1)}}}
	tests := []struct {
		name       string
		roll       Roll
		candidates []string
		seats      int
		want       string
	}{
		{"roll without weights", unweighted, []string{"m-x"}, 1, "ALS ar1 has no weight"},
		{"ALS twice on the roll", twice, []string{"m-x"}, 1, "ALS ar1 is on the roll twice"},
		{"negative weight", negative, []string{"m-x"}, 1, "negative weight"},
		{"no candidates", weighted, nil, 1, "no candidates"},
		{"duplicate candidate", weighted, []string{"m-x", "m-x"}, 1, "candidate m-x is listed twice"},
		{"empty candidate", weighted, []string{""}, 1, "a candidate has no member ID"},
		{"zero seats", weighted, []string{"m-x"}, 0, "0 seats"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := TallyPlurality(tt.roll, nil, tt.candidates, tt.seats)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("TallyPlurality err = %v, want %q", err, tt.want)
			}
			if tt.seats == 0 {
				return
			}
			_, _, err = TallyRanked(tt.roll, nil, tt.candidates, "seed")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("TallyRanked err = %v, want %q", err, tt.want)
			}
		})
	}
}

// fuzzElection turns fuzz bytes into a roll, candidates and ballots. Byte
// meanings are arbitrary; what matters is that every shape is reachable,
// including ballots the tally must refuse.
func fuzzElection(t *testing.T, data []byte, equal bool) (Roll, []string, []Ballot) {
	t.Helper()
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return int(b)
	}
	var alses []VoterALS
	for i := range 1 + next()%12 {
		a := voter(fmt.Sprintf("als-%02d", i), fmt.Sprintf("C%d", next()%5))
		a.Inactive = next()%7 == 0
		alses = append(alses, a)
	}
	weighting := WeightingNational
	if equal {
		weighting = WeightingEqual
	}
	roll := weightedRoll(t, weighting, alses...)
	var candidates []string
	for i := range 1 + next()%5 {
		candidates = append(candidates, fmt.Sprintf("m-%d", i))
	}
	var ballots []Ballot
	for i := 0; len(data) > 0; i++ {
		b := Ballot{Receipt: fmt.Sprintf("r%03d", i), ALSID: fmt.Sprintf("als-%02d", next()%13), At: t0.Add(time.Duration(next()%4) * time.Minute)}
		switch k := next() % (len(candidates) + 2); {
		case k < len(candidates):
			b.Choice = candidates[k]
		case k == len(candidates):
			b.Abstain = true
		default:
			b.Choice = "m-unknown"
		}
		for range next() % 4 {
			b.Ranking = append(b.Ranking, fmt.Sprintf("m-%d", next()%6))
		}
		ballots = append(ballots, b)
	}
	return roll, candidates, ballots
}

// countedWeight is the weight of the ballots that count: each ALS's last.
func countedWeight(roll Roll, ballots []Ballot) *big.Rat {
	sum := new(big.Rat)
	for _, b := range LatestBallots(ballots) {
		for _, e := range roll.Entries {
			if e.ALSID == b.ALSID {
				sum.Add(sum, e.Weight)
			}
		}
	}
	return sum
}

func FuzzTallyPlurality(f *testing.F) {
	f.Add([]byte{}, uint8(1), false)
	f.Add([]byte{4, 0, 0, 1, 1, 2, 2, 3, 3, 2, 0, 0, 0, 0, 1, 0, 1, 0, 2, 0, 2, 0, 3, 0, 3, 0}, uint8(1), false)
	f.Add([]byte{6, 0, 0, 0, 0, 0, 0, 1, 1, 2, 0, 3, 0, 3, 0, 0, 0, 1, 1, 0, 2, 2, 0, 0, 3, 1, 3, 0, 4, 0, 4, 0}, uint8(2), false)
	f.Add([]byte{3, 0, 1, 1, 1, 2, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 2, 2, 2, 0}, uint8(1), true)
	f.Add([]byte{11, 1, 1, 2, 2, 3, 3, 4, 4, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 0, 0, 1, 1, 3, 0, 2, 0, 1, 3, 3, 0, 5, 1, 3, 0}, uint8(3), false)
	f.Add([]byte{2, 0, 0, 0, 0, 1, 0, 0, 7, 0, 0, 1, 0, 2}, uint8(0), false)
	f.Fuzz(func(t *testing.T, data []byte, seats uint8, equal bool) {
		roll, candidates, ballots := fuzzElection(t, data, equal)
		for i := range ballots {
			ballots[i].Ranking = nil // rankings are the ranked fuzz's business
		}
		r, err := TallyPlurality(roll, ballots, candidates, int(seats%5))
		if err != nil {
			var ie *InvalidBallotsError
			if !errors.As(err, &ie) && seats%5 != 0 {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		sum := new(big.Rat).Set(r.AbstainedWeight)
		ballotsCounted := r.Abstentions
		for i, tot := range r.Totals {
			sum.Add(sum, tot.Weighted)
			ballotsCounted += tot.Ballots
			if i > 0 {
				prev := r.Totals[i-1]
				if c := prev.Weighted.Cmp(tot.Weighted); c < 0 || c == 0 && prev.MemberID >= tot.MemberID {
					t.Fatalf("totals not sorted: %+v", r.Totals)
				}
			}
		}
		if want := countedWeight(roll, ballots); sum.Cmp(want) != 0 {
			t.Fatalf("totals + abstentions = %s, counted ballots weigh %s", sum.RatString(), want.RatString())
		}
		if n := len(LatestBallots(ballots)); ballotsCounted != n {
			t.Fatalf("%d ballots in totals and abstentions, %d counted", ballotsCounted, n)
		}
		if len(r.Totals) != len(candidates) {
			t.Fatalf("%d totals for %d candidates", len(r.Totals), len(candidates))
		}
		s := int(seats % 5)
		switch {
		case len(r.Tied) == 0 && len(r.Elected) != min(s, len(candidates)):
			t.Fatalf("no tie but %d elected for %d seats", len(r.Elected), s)
		case len(r.Tied) > 0 && (len(r.Elected) >= s || len(r.Elected)+len(r.Tied) <= s):
			t.Fatalf("tie %v does not straddle the boundary (elected %v, %d seats)", r.Tied, r.Elected, s)
		}
	})
}
