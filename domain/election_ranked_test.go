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

// ranked is a compact ranked ballot: "als:a,b,c", "als:-" for an abstention.
func ranked(spec ...string) []Ballot {
	var bs []Ballot
	for i, s := range spec {
		als, ranking, _ := strings.Cut(s, ":")
		b := Ballot{Receipt: fmt.Sprintf("r%02d", i), ALSID: als, At: t0.Add(time.Duration(i) * time.Second)}
		if ranking == "-" {
			b.Abstain = true
		} else {
			b.Ranking = strings.Split(ranking, ",")
		}
		bs = append(bs, b)
	}
	return bs
}

// equalVoters makes n ALSes v00…, one country each.
func equalVoters(n int) []VoterALS {
	var out []VoterALS
	for i := range n {
		out = append(out, voter(fmt.Sprintf("v%02d", i), fmt.Sprintf("C%02d", i)))
	}
	return out
}

// votes gives one ranked ballot per spec to v00, v01, … in turn.
func votes(rankings ...string) []Ballot {
	spec := make([]string, len(rankings))
	for i, r := range rankings {
		spec[i] = fmt.Sprintf("v%02d:%s", i, r)
	}
	return ranked(spec...)
}

type wantRound struct {
	totals          []wantTotal
	exhausted       int
	exhaustedWeight string
	abstentions     int
	eliminated      string
	tied            []string
	tieBreak        string
}

func repeat(n int, s string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func concat(parts ...[]string) []string { return slices.Concat(parts...) }

func TestTallyRanked(t *testing.T) {
	tests := []struct {
		name       string
		alses      []VoterALS
		weighting  string
		ballots    []Ballot
		candidates []string
		seed       string
		rounds     []wantRound
		winner     string
	}{
		{
			name:       "majority in round 1",
			alses:      equalVoters(5),
			weighting:  WeightingEqual,
			ballots:    votes("A,B", "A", "A,C", "B,A", "C,B"),
			candidates: []string{"A", "B", "C"},
			rounds: []wantRound{
				{totals: []wantTotal{{"A", "3", 3}, {"B", "1", 1}, {"C", "1", 1}}},
			},
			winner: "A",
		},
		{
			name:       "exactly half is no majority, twice",
			alses:      equalVoters(6),
			weighting:  WeightingEqual,
			ballots:    votes("A", "A", "A", "B", "B", "C,B"),
			candidates: []string{"A", "B", "C"},
			rounds: []wantRound{
				{totals: []wantTotal{{"A", "3", 3}, {"B", "2", 2}, {"C", "1", 1}}, eliminated: "C"},
				{
					totals:     []wantTotal{{"A", "3", 3}, {"B", "3", 3}},
					eliminated: "B", tied: []string{"A", "B"}, tieBreak: TieBreakPreviousRound,
				},
				{totals: []wantTotal{{"A", "3", 3}}, exhausted: 3},
			},
			winner: "A",
		},
		{
			name:       "winner after an elimination",
			alses:      equalVoters(9),
			weighting:  WeightingEqual,
			ballots:    votes(concat(repeat(4, "A"), repeat(3, "B"), repeat(2, "C,B"))...),
			candidates: []string{"A", "B", "C"},
			rounds: []wantRound{
				{totals: []wantTotal{{"A", "4", 4}, {"B", "3", 3}, {"C", "2", 2}}, eliminated: "C"},
				{totals: []wantTotal{{"B", "5", 5}, {"A", "4", 4}}},
			},
			winner: "B",
		},
		{
			name: "weighted votes transfer across countries at their own weight",
			// Five countries, CW 20; CL's two ALSes weigh 10 each.
			alses: []VoterALS{
				voter("ar", "AR"), voter("br", "BR"), voter("mx", "MX"), voter("uy", "UY"),
				voter("cl1", "CL"), voter("cl2", "CL"),
			},
			weighting:  WeightingNational,
			ballots:    ranked("ar:A", "uy:A", "br:B", "mx:B", "cl1:C,A", "cl2:C,A"),
			candidates: []string{"A", "B", "C"},
			rounds: []wantRound{
				{totals: []wantTotal{{"A", "40", 2}, {"B", "40", 2}, {"C", "20", 2}}, eliminated: "C"},
				{totals: []wantTotal{{"A", "60", 4}, {"B", "40", 2}}},
			},
			winner: "A",
		},
		{
			name:       "exhausted ballots leave the majority threshold",
			alses:      equalVoters(9),
			weighting:  WeightingEqual,
			ballots:    votes(concat(repeat(4, "A"), repeat(3, "B"), repeat(2, "C"))...),
			candidates: []string{"A", "B", "C"},
			rounds: []wantRound{
				{totals: []wantTotal{{"A", "4", 4}, {"B", "3", 3}, {"C", "2", 2}}, eliminated: "C"},
				{totals: []wantTotal{{"A", "4", 4}, {"B", "3", 3}}, exhausted: 2, exhaustedWeight: "2"},
			},
			winner: "A",
		},
		{
			name:       "abstentions are reported, not counted",
			alses:      equalVoters(5),
			weighting:  WeightingEqual,
			ballots:    votes("A", "A", "B", "-", "-"),
			candidates: []string{"A", "B"},
			rounds: []wantRound{
				{totals: []wantTotal{{"A", "2", 2}, {"B", "1", 1}}, abstentions: 2},
			},
			winner: "A",
		},
		{
			name:      "elimination tie broken by the previous round",
			alses:     equalVoters(15),
			weighting: WeightingEqual,
			ballots: votes(concat(
				repeat(6, "A"), repeat(4, "B"), repeat(3, "C,B"), []string{"D,C,B", "D,A"},
			)...),
			candidates: []string{"A", "B", "C", "D"},
			rounds: []wantRound{
				{totals: []wantTotal{{"A", "6", 6}, {"B", "4", 4}, {"C", "3", 3}, {"D", "2", 2}}, eliminated: "D"},
				{
					totals:     []wantTotal{{"A", "7", 7}, {"B", "4", 4}, {"C", "4", 4}},
					eliminated: "C", tied: []string{"B", "C"}, tieBreak: TieBreakPreviousRound,
				},
				{totals: []wantTotal{{"B", "8", 8}, {"A", "7", 7}}},
			},
			winner: "B",
		},
		{
			// This seed draws m-ben, m-cruz, m-ana (TestDrawOrder): the last,
			// m-ana, is eliminated first, then m-cruz of the two left.
			name:       "all candidates tied: the draw eliminates, round after round",
			alses:      equalVoters(3),
			weighting:  WeightingEqual,
			ballots:    votes("m-ana", "m-ben", "m-cruz"),
			candidates: []string{"m-ana", "m-ben", "m-cruz"},
			seed:       DrawSeed([]string{"r1", "r2", "r3"}),
			rounds: []wantRound{
				{
					totals:     []wantTotal{{"m-ana", "1", 1}, {"m-ben", "1", 1}, {"m-cruz", "1", 1}},
					eliminated: "m-ana", tied: []string{"m-ana", "m-ben", "m-cruz"}, tieBreak: TieBreakDraw,
				},
				{
					totals:     []wantTotal{{"m-ben", "1", 1}, {"m-cruz", "1", 1}},
					exhausted:  1,
					eliminated: "m-cruz", tied: []string{"m-ben", "m-cruz"}, tieBreak: TieBreakDraw,
				},
				{totals: []wantTotal{{"m-ben", "1", 1}}, exhausted: 2},
			},
			winner: "m-ben",
		},
		{
			name:       "all tied with another seed",
			alses:      equalVoters(3),
			weighting:  WeightingEqual,
			ballots:    votes("m-ana", "m-ben", "m-cruz"),
			candidates: []string{"m-cruz", "m-ben", "m-ana"},
			seed:       "lacralo-2025",
			rounds: []wantRound{
				{
					totals:     []wantTotal{{"m-ana", "1", 1}, {"m-ben", "1", 1}, {"m-cruz", "1", 1}},
					eliminated: "m-ben", tied: []string{"m-ana", "m-ben", "m-cruz"}, tieBreak: TieBreakDraw,
				},
				{
					totals:     []wantTotal{{"m-ana", "1", 1}, {"m-cruz", "1", 1}},
					exhausted:  1,
					eliminated: "m-cruz", tied: []string{"m-ana", "m-cruz"}, tieBreak: TieBreakDraw,
				},
				{totals: []wantTotal{{"m-ana", "1", 1}}, exhausted: 2},
			},
			winner: "m-ana",
		},
		{
			name:       "a sole candidate wins round 1 whatever the count",
			alses:      equalVoters(2),
			weighting:  WeightingEqual,
			ballots:    votes("-"),
			candidates: []string{"A"},
			rounds: []wantRound{
				{totals: []wantTotal{{"A", "0", 0}}, abstentions: 1},
			},
			winner: "A",
		},
		{
			name:       "the last ballot counts",
			alses:      equalVoters(3),
			weighting:  WeightingEqual,
			ballots:    ranked("v00:B", "v01:B", "v02:A", "v00:A,B"),
			candidates: []string{"A", "B"},
			rounds: []wantRound{
				{totals: []wantTotal{{"A", "2", 2}, {"B", "1", 1}}},
			},
			winner: "A",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			roll := weightedRoll(t, tt.weighting, tt.alses...)
			rounds, winner, err := TallyRanked(roll, tt.ballots, tt.candidates, tt.seed)
			if err != nil {
				t.Fatalf("TallyRanked: %v", err)
			}
			if winner != tt.winner {
				t.Errorf("winner = %q, want %q", winner, tt.winner)
			}
			if len(rounds) != len(tt.rounds) {
				t.Fatalf("%d rounds, want %d: %+v", len(rounds), len(tt.rounds), rounds)
			}
			for i, w := range tt.rounds {
				r := rounds[i]
				t.Run(fmt.Sprintf("round %d", i+1), func(t *testing.T) {
					if r.Round != i+1 {
						t.Errorf("round number %d", r.Round)
					}
					checkTotals(t, r.Totals, w.totals)
					ew := w.exhaustedWeight
					if ew == "" {
						ew = fmt.Sprint(w.exhausted) // equal weights unless stated
					}
					if r.Exhausted != w.exhausted || r.ExhaustedWeight.Cmp(rat(ew)) != 0 {
						t.Errorf("exhausted %d (%s), want %d (%s)", r.Exhausted, r.ExhaustedWeight.RatString(), w.exhausted, ew)
					}
					if r.Abstentions != w.abstentions {
						t.Errorf("abstentions %d, want %d", r.Abstentions, w.abstentions)
					}
					if r.Eliminated != w.eliminated || !slices.Equal(r.Tied, w.tied) || r.TieBreak != w.tieBreak {
						t.Errorf("eliminated %q tied %v by %q, want %q %v by %q", r.Eliminated, r.Tied, r.TieBreak, w.eliminated, w.tied, w.tieBreak)
					}
					last := i == len(tt.rounds)-1
					if last != (len(r.Elected) == 1 && r.Elected[0] == tt.winner) || last == (r.Eliminated != "") {
						t.Errorf("round %d: elected %v, eliminated %q", i+1, r.Elected, r.Eliminated)
					}
				})
			}
		})
	}
}

func TestTallyRankedTwoTiedMatchesDraw(t *testing.T) {
	// Two candidates tied to the end are decided as Draw decides a
	// plurality tie: the drawn one wins, the other is eliminated.
	roll := weightedRoll(t, WeightingEqual, equalVoters(2)...)
	for _, seed := range []string{"seed", "lacralo-2025", "x", ""} {
		_, winner, err := TallyRanked(roll, votes("m-ana", "m-ben"), []string{"m-ana", "m-ben"}, seed)
		if err != nil {
			t.Fatal(err)
		}
		if want := Draw(seed, []string{"m-ana", "m-ben"}); winner != want {
			t.Errorf("seed %q: winner %s, Draw gives %s", seed, winner, want)
		}
	}
}

func TestTallyRankedPreviousRoundThenDraw(t *testing.T) {
	// Round 1: A 3, B 2, C 1, D 1, E 1 (tied C, D, E: no previous round:
	// draw). Round 2: the eliminated one's ballot goes to A; the other two
	// stay tied at 1 with the same previous total, so the draw decides
	// again among exactly them.
	roll := weightedRoll(t, WeightingEqual, equalVoters(8)...)
	ballots := votes("A", "A", "A", "B", "B", "C,A", "D,A", "E,A")
	rounds, _, err := TallyRanked(roll, ballots, []string{"A", "B", "C", "D", "E"}, "seed")
	if err != nil {
		t.Fatal(err)
	}
	order := DrawOrder("seed", []string{"C", "D", "E"})
	if got := rounds[0]; got.Eliminated != order[2] || got.TieBreak != TieBreakDraw {
		t.Fatalf("round 1 eliminated %s by %s, want %s by draw", got.Eliminated, got.TieBreak, order[2])
	}
	rest := DrawOrder("seed", order[:2])
	if got := rounds[1]; got.Eliminated != rest[1] || got.TieBreak != TieBreakDraw || !slices.Equal(got.Tied, slices.Sorted(slices.Values(order[:2]))) {
		t.Fatalf("round 2 eliminated %s by %s among %v, want %s by draw among %v", got.Eliminated, got.TieBreak, got.Tied, rest[1], order[:2])
	}
}

func TestTallyRankedInvalid(t *testing.T) {
	roll := weightedRoll(t, WeightingEqual, equalVoters(2)...)
	cands := []string{"A", "B"}
	tests := []struct {
		name   string
		ballot Ballot
		reason string
	}{
		{"duplicate in ranking", Ballot{Receipt: "r1", ALSID: "v00", Ranking: []string{"A", "B", "A"}}, "the ranking names A twice"},
		{"unknown candidate", Ballot{Receipt: "r1", ALSID: "v00", Ranking: []string{"A", "Z"}}, `the ranking names "Z", who is not a candidate`},
		{"empty ranking", Ballot{Receipt: "r1", ALSID: "v00"}, "neither a ranking nor an abstention"},
		{"single choice", Ballot{Receipt: "r1", ALSID: "v00", Choice: "A"}, "a single choice on a ranked ballot"},
		{"abstention with a ranking", Ballot{Receipt: "r1", ALSID: "v00", Abstain: true, Ranking: []string{"A"}}, "both a ranking and an abstention"},
		{"ALS not on the roll", Ballot{Receipt: "r1", ALSID: "v99", Ranking: []string{"A"}}, `ALS "v99" is not on the roll`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok := Ballot{Receipt: "r0", ALSID: "v01", Ranking: []string{"B"}}
			_, _, err := TallyRanked(roll, []Ballot{ok, tt.ballot}, cands, "seed")
			var ie *InvalidBallotsError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want *InvalidBallotsError", err)
			}
			if want := []InvalidBallot{{tt.ballot.Receipt, tt.ballot.ALSID, tt.reason}}; !slices.Equal(ie.Ballots, want) {
				t.Errorf("invalid = %+v, want %+v", ie.Ballots, want)
			}
		})
	}
}

func FuzzTallyRanked(f *testing.F) {
	f.Add([]byte{}, false)
	f.Add([]byte{5, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 2, 0, 0, 0, 3, 0, 1, 0, 0, 2, 1, 1, 0, 0, 2, 0, 3, 2, 2, 0, 1, 0, 3, 3, 1, 1, 2, 2}, false)
	f.Add([]byte{3, 0, 1, 1, 0, 2, 0, 2, 0, 0, 0, 1, 1, 0, 1, 1, 2, 0, 2, 0, 1, 2}, true)
	f.Fuzz(func(t *testing.T, data []byte, equal bool) {
		roll, candidates, ballots := fuzzElection(t, data, equal)
		for i, b := range ballots {
			if b.Choice != "m-unknown" {
				// Mostly valid rankings: known candidates, each once.
				var r []string
				for _, id := range b.Ranking {
					if slices.Contains(candidates, id) && !slices.Contains(r, id) {
						r = append(r, id)
					}
				}
				if len(r) == 0 && b.Choice != "" {
					r = []string{b.Choice}
				}
				ballots[i].Ranking = r
				ballots[i].Abstain = len(r) == 0
			} else {
				ballots[i].Ranking = append(ballots[i].Ranking, b.Choice)
			}
			ballots[i].Choice = ""
		}
		rounds, winner, err := TallyRanked(roll, ballots, candidates, "seed")
		if err != nil {
			var ie *InvalidBallotsError
			if !errors.As(err, &ie) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		if !slices.Contains(candidates, winner) || len(rounds) == 0 || len(rounds) > len(candidates) {
			t.Fatalf("winner %q after %d rounds of %d candidates", winner, len(rounds), len(candidates))
		}
		counted := countedWeight(roll, ballots)
		for i, r := range rounds {
			sum := new(big.Rat).Add(r.AbstainedWeight, r.ExhaustedWeight)
			for _, tot := range r.Totals {
				sum.Add(sum, tot.Weighted)
			}
			if sum.Cmp(counted) != 0 {
				t.Fatalf("round %d: totals + abstained + exhausted = %s, counted ballots weigh %s", i+1, sum.RatString(), counted.RatString())
			}
			if len(r.Totals) != len(candidates)-i {
				t.Fatalf("round %d has %d candidates, want %d", i+1, len(r.Totals), len(candidates)-i)
			}
		}
	})
}
