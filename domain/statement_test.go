package domain

import (
	"math/big"
	"strings"
	"testing"
	"time"
)

func ratRoll(t *testing.T, weighting string, entries ...RollEntry) Roll {
	t.Helper()
	r, err := NationalWeights(Roll{Entries: entries}, weighting)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestTallyRatification(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	// AR has two ALSes, BR and CL one each: under national weighting each
	// country weighs 100/3, each AR ALS 50/3.
	roll := []RollEntry{{ALSID: "a1", Country: "AR"}, {ALSID: "a2", Country: "AR"}, {ALSID: "b1", Country: "BR"}, {ALSID: "c1", Country: "CL"}}
	yes := func(als string, at int) Ballot {
		return Ballot{Receipt: "r-" + als, ALSID: als, Choice: VoteYes, At: t0.Add(time.Duration(at) * time.Minute)}
	}
	no := func(als string, at int) Ballot {
		return Ballot{Receipt: "r-" + als, ALSID: als, Choice: VoteNo, At: t0.Add(time.Duration(at) * time.Minute)}
	}
	abstain := func(als string, at int) Ballot {
		return Ballot{Receipt: "r-" + als, ALSID: als, Abstain: true, At: t0.Add(time.Duration(at) * time.Minute)}
	}
	cases := []struct {
		name      string
		weighting string
		ballots   []Ballot
		yes, no   *big.Rat
		yesN, noN int
		abst      int
		adopted   bool
		wantErr   string
	}{
		{name: "national: two AR ALSes do not outweigh BR", weighting: WeightingNational,
			ballots: []Ballot{yes("a1", 0), yes("a2", 0), no("b1", 0), no("c1", 0)},
			yes:     big.NewRat(100, 3), no: big.NewRat(200, 3), yesN: 2, noN: 2},
		{name: "equal: the same ballots tie 2-2, and a tie is not adopted", weighting: WeightingEqual,
			ballots: []Ballot{yes("a1", 0), yes("a2", 0), no("b1", 0), no("c1", 0)},
			yes:     big.NewRat(2, 1), no: big.NewRat(2, 1), yesN: 2, noN: 2},
		{name: "national tie is not adopted", weighting: WeightingNational,
			ballots: []Ballot{yes("b1", 0), no("c1", 0), abstain("a1", 0)},
			yes:     big.NewRat(100, 3), no: big.NewRat(100, 3), yesN: 1, noN: 1, abst: 1},
		{name: "abstentions are reported, not counted", weighting: WeightingNational,
			ballots: []Ballot{yes("b1", 0), abstain("a1", 0), abstain("a2", 0), abstain("c1", 0)},
			yes:     big.NewRat(100, 3), no: new(big.Rat), yesN: 1, abst: 3, adopted: true},
		{name: "the last ballot of an ALS counts", weighting: WeightingNational,
			ballots: []Ballot{no("b1", 0), yes("c1", 1), yes("b1", 2)},
			yes:     big.NewRat(200, 3), no: new(big.Rat), yesN: 2, adopted: true},
		{name: "no ballot is a 0-0 tie", weighting: WeightingEqual, yes: new(big.Rat), no: new(big.Rat)},
		{name: "a ballot off the roll is refused", weighting: WeightingEqual,
			ballots: []Ballot{yes("zz", 0)}, wantErr: "not on the roll"},
		{name: "an unknown answer is refused", weighting: WeightingEqual,
			ballots: []Ballot{{Receipt: "r", ALSID: "a1", Choice: "maybe", At: t0}}, wantErr: "not yes, no"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := TallyRatification(ratRoll(t, c.weighting, roll...), c.ballots, nil)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Yes.Cmp(c.yes) != 0 || got.No.Cmp(c.no) != 0 {
				t.Errorf("yes %s no %s, want %s %s", got.Yes, got.No, c.yes, c.no)
			}
			if got.YesBallots != c.yesN || got.NoBallots != c.noN || got.Abstentions != c.abst {
				t.Errorf("ballots yes %d no %d abstain %d, want %d %d %d", got.YesBallots, got.NoBallots, got.Abstentions, c.yesN, c.noN, c.abst)
			}
			if got.Adopted != c.adopted {
				t.Errorf("adopted = %v, want %v", got.Adopted, c.adopted)
			}
			if len(got.CountedBallots) != c.yesN+c.noN+c.abst {
				t.Errorf("counted %d ballots", len(got.CountedBallots))
			}
		})
	}
	if _, err := TallyRatification(Roll{Entries: roll}, nil, nil); err == nil {
		t.Error("a roll without weights must be refused")
	}
}

// TestTallyRatificationMajority: Rules of Procedure 12.8, a substantive
// motion needs two thirds of the weighted yes+no of the ALSes voting;
// abstentions count for the quorum only.
func TestTallyRatificationMajority(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	twoThirds := big.NewRat(2, 3)
	// Explicit weights, so that a share just under two thirds is exact.
	weighted := func(ws ...int64) Roll {
		var r Roll
		for i, w := range ws {
			r.Entries = append(r.Entries, RollEntry{ALSID: string(rune('a' + i)), Country: "AR", Weight: big.NewRat(w, 1)})
		}
		return r
	}
	vote := func(als, choice string) Ballot {
		b := Ballot{Receipt: "r-" + als, ALSID: als, Choice: choice, At: t0}
		if choice == VoteAbstain {
			b.Choice, b.Abstain = "", true
		}
		return b
	}
	cases := []struct {
		name      string
		roll      Roll
		ballots   []Ballot
		majority  *big.Rat
		adopted   bool
		threshold *big.Rat
	}{
		{name: "exactly two thirds is adopted", roll: weighted(1, 1, 1),
			ballots:  []Ballot{vote("a", VoteYes), vote("b", VoteYes), vote("c", VoteNo)},
			majority: twoThirds, adopted: true, threshold: big.NewRat(2, 1)},
		{name: "just under two thirds is rejected", roll: weighted(6666, 3334),
			ballots:  []Ballot{vote("a", VoteYes), vote("b", VoteNo)},
			majority: twoThirds, threshold: big.NewRat(20000, 3)},
		{name: "just under two thirds passed the old simple majority", roll: weighted(6666, 3334),
			ballots: []Ballot{vote("a", VoteYes), vote("b", VoteNo)}, adopted: true},
		{name: "abstentions only are not adopted", roll: weighted(1, 1, 1),
			ballots:  []Ballot{vote("a", VoteAbstain), vote("b", VoteAbstain), vote("c", VoteAbstain)},
			majority: twoThirds, threshold: new(big.Rat)},
		{name: "a tie is rejected", roll: weighted(1, 1, 1),
			ballots:  []Ballot{vote("a", VoteYes), vote("b", VoteNo), vote("c", VoteAbstain)},
			majority: twoThirds, threshold: big.NewRat(4, 3)},
		{name: "abstentions count neither for nor against", roll: weighted(2, 1, 10),
			ballots:  []Ballot{vote("a", VoteYes), vote("b", VoteNo), vote("c", VoteAbstain)},
			majority: twoThirds, adopted: true, threshold: big.NewRat(2, 1)},
		{name: "a majority of one half still rejects a tie", roll: weighted(1, 1),
			ballots:  []Ballot{vote("a", VoteYes), vote("b", VoteNo)},
			majority: big.NewRat(1, 2), threshold: big.NewRat(1, 1)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := TallyRatification(c.roll, c.ballots, c.majority)
			if err != nil {
				t.Fatal(err)
			}
			if got.Adopted != c.adopted {
				t.Errorf("adopted = %v with yes %s no %s, want %v", got.Adopted, got.Yes, got.No, c.adopted)
			}
			switch {
			case c.threshold == nil && got.Threshold != nil:
				t.Errorf("threshold %s with a simple majority", got.Threshold)
			case c.threshold != nil && (got.Threshold == nil || got.Threshold.Cmp(c.threshold) != 0):
				t.Errorf("threshold %v, want %s", got.Threshold, c.threshold)
			}
		})
	}
	for _, bad := range []*big.Rat{big.NewRat(1, 3), big.NewRat(3, 2)} {
		if _, err := TallyRatification(weighted(1), nil, bad); err == nil {
			t.Errorf("majority %s accepted", bad)
		}
	}
}

func TestParseMajority(t *testing.T) {
	for in, want := range map[string]*big.Rat{"2/3": big.NewRat(2, 3), "0.75": big.NewRat(3, 4), " 1/2 ": big.NewRat(1, 2), "1": big.NewRat(1, 1)} {
		got, err := ParseMajority(in)
		if err != nil || got.Cmp(want) != 0 {
			t.Errorf("ParseMajority(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "two thirds", "1/3", "4/3", "0.4", "1/0"} {
		if _, err := ParseMajority(in); err == nil {
			t.Errorf("ParseMajority(%q) accepted", in)
		}
	}
}

func TestStatementDeadline(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	base := StatementClock{CommentPeriod: 7 * day, ObjectionWindow: 2 * day, VotePeriod: 7 * day, Extension: true}
	with := func(f func(*StatementClock)) StatementClock {
		c := base
		f(&c)
		return c
	}
	cases := []struct {
		name    string
		clock   StatementClock
		now     time.Time
		end     time.Time
		endOK   bool
		alert   time.Time
		alertOK bool
	}{
		{name: "drafting: all periods ahead, alert when 23 days are left",
			clock: with(func(c *StatementClock) { c.Stage = StageDrafting; c.ClosesAt = t0.Add(30 * day) }),
			now:   t0, end: t0.Add(23 * day), endOK: true, alert: t0.Add(7 * day), alertOK: true},
		{name: "drafting without extension: 16 days needed",
			clock: with(func(c *StatementClock) { c.Stage = StageDrafting; c.Extension = false; c.ClosesAt = t0.Add(30 * day) }),
			now:   t0, end: t0.Add(16 * day), endOK: true, alert: t0.Add(14 * day), alertOK: true},
		{name: "drafting too late already: alert now",
			clock: with(func(c *StatementClock) { c.Stage = StageDrafting; c.ClosesAt = t0.Add(10 * day) }),
			now:   t0, end: t0.Add(23 * day), endOK: true, alert: t0, alertOK: true},
		{name: "ending exactly at the close date is too late",
			clock: with(func(c *StatementClock) { c.Stage = StageDrafting; c.ClosesAt = t0.Add(23 * day) }),
			now:   t0, end: t0.Add(23 * day), endOK: true, alert: t0, alertOK: true},
		{name: "comments: fixed end that fits never alerts",
			clock: with(func(c *StatementClock) {
				c.Stage = StageComments
				c.CommentEnds = t0.Add(3 * day)
				c.ClosesAt = t0.Add(30 * day)
			}),
			now: t0, end: t0.Add(19 * day), endOK: true},
		{name: "comments: fixed end that does not fit alerts now",
			clock: with(func(c *StatementClock) {
				c.Stage = StageComments
				c.CommentEnds = t0.Add(3 * day)
				c.ClosesAt = t0.Add(19 * day)
			}),
			now: t0.Add(day), end: t0.Add(19 * day), endOK: true, alert: t0.Add(day), alertOK: true},
		{name: "consolidation: objection window and vote ahead",
			clock: with(func(c *StatementClock) { c.Stage = StageConsolidation; c.ClosesAt = t0.Add(20 * day) }),
			now:   t0, end: t0.Add(16 * day), endOK: true, alert: t0.Add(4 * day), alertOK: true},
		{name: "consensus: window end plus the vote",
			clock: with(func(c *StatementClock) {
				c.Stage = StageConsensus
				c.ObjectionEnds = t0.Add(2 * day)
				c.ClosesAt = t0.Add(15 * day)
			}),
			now: t0, end: t0.Add(16 * day), endOK: true, alert: t0, alertOK: true},
		{name: "voting, already extended: the vote's end",
			clock: with(func(c *StatementClock) {
				c.Stage = StageVoting
				c.Extension = false
				c.VoteEnds = t0.Add(5 * day)
				c.ClosesAt = t0.Add(6 * day)
			}),
			now: t0, end: t0.Add(5 * day), endOK: true},
		{name: "voting, extension possible: the extension counts",
			clock: with(func(c *StatementClock) {
				c.Stage = StageVoting
				c.VoteEnds = t0.Add(5 * day)
				c.ClosesAt = t0.Add(6 * day)
			}),
			now: t0, end: t0.Add(12 * day), endOK: true, alert: t0, alertOK: true},
		{name: "a period past its end counts from now",
			clock: with(func(c *StatementClock) {
				c.Stage = StageComments
				c.CommentEnds = t0
				c.ClosesAt = t0.Add(60 * day)
			}),
			now: t0.Add(day), end: t0.Add(17 * day), endOK: true},
		{name: "done: nothing to watch",
			clock: with(func(c *StatementClock) { c.Stage = StageDone; c.ClosesAt = t0 }), now: t0.Add(day)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			end, ok := c.clock.RatificationEnd(c.now)
			if ok != c.endOK || !end.Equal(c.end) {
				t.Errorf("RatificationEnd = %v %v, want %v %v", end, ok, c.end, c.endOK)
			}
			at, ok := c.clock.DeadlineAlertAt(c.now)
			if ok != c.alertOK || !at.Equal(c.alert) {
				t.Errorf("DeadlineAlertAt = %v %v, want %v %v", at, ok, c.alert, c.alertOK)
			}
			if ok {
				// At the instant, the remaining periods no longer fit; just
				// before it (when it is in the future) they still did.
				if end, _ := c.clock.RatificationEnd(at); end.Before(c.clock.ClosesAt) {
					t.Errorf("at %v the end %v is still before the close date", at, end)
				}
				if at.After(c.now) {
					if end, _ := c.clock.RatificationEnd(at.Add(-time.Nanosecond)); !end.Before(c.clock.ClosesAt) {
						t.Errorf("just before %v the end %v already missed the close date", at, end)
					}
				}
			}
		})
	}
}

func TestSurveyResults(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	topics := []string{"dns_abuse", "rdap", "new_gtlds"}
	r := func(member, country string, at int, ranking ...string) SurveyRanking {
		return SurveyRanking{MemberID: member, Country: country, Ranking: ranking, At: t0.Add(time.Duration(at) * time.Hour)}
	}
	// Three AR members put new_gtlds first; one BR member puts rdap first.
	rankings := []SurveyRanking{
		r("m1", "AR", 0, "new_gtlds", "dns_abuse", "rdap"),
		r("m2", "AR", 0, "new_gtlds", "dns_abuse", "rdap"),
		r("m3", "AR", 0, "new_gtlds", "rdap", "dns_abuse"),
		r("m4", "BR", 0, "rdap", "dns_abuse"),
	}
	cases := []struct {
		name      string
		rankings  []SurveyRanking
		weighting string
		order     []string
		ranks     []int
		points    []float64
		wantErr   string
	}{
		{name: "member: Borda, one member one ranking", rankings: rankings, weighting: SurveyMember,
			// new_gtlds 3+3+3+0, dns_abuse 2+2+1+2, rdap 1+1+2+3
			order: []string{"new_gtlds", "dns_abuse", "rdap"}, ranks: []int{1, 2, 2}, points: []float64{9, 7, 7}},
		{name: "national: each country weighs the same", rankings: rankings, weighting: SurveyNational,
			// AR's three share 1: new_gtlds 3, dns_abuse 5/3, rdap 4/3;
			// BR: rdap 3, dns_abuse 2.
			order: []string{"rdap", "dns_abuse", "new_gtlds"}, ranks: []int{1, 2, 3}, points: []float64{13.0 / 3, 11.0 / 3, 3}},
		{name: "the last ranking of a member counts",
			rankings: []SurveyRanking{r("m1", "AR", 0, "rdap"), r("m1", "AR", 1, "dns_abuse")}, weighting: SurveyMember,
			order: []string{"dns_abuse", "rdap", "new_gtlds"}, ranks: []int{1, 2, 2}, points: []float64{3, 0, 0}},
		{name: "no answer: the survey's order, all tied", weighting: SurveyNational,
			order: topics, ranks: []int{1, 1, 1}, points: []float64{0, 0, 0}},
		{name: "an unknown topic is refused", rankings: []SurveyRanking{r("m1", "AR", 0, "whois")}, weighting: SurveyMember, wantErr: "not a topic"},
		{name: "a topic twice is refused", rankings: []SurveyRanking{r("m1", "AR", 0, "rdap", "rdap")}, weighting: SurveyMember, wantErr: "named twice"},
		{name: "an unknown weighting is refused", weighting: "by_size", wantErr: "weighting"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := SurveyResults(topics, c.rankings, c.weighting)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range got {
				if s.Topic != c.order[i] || s.Rank != c.ranks[i] || abs(s.Points-c.points[i]) > 1e-9 {
					t.Errorf("[%d] = %s rank %d %.4f, want %s rank %d %.4f", i, s.Topic, s.Rank, s.Points, c.order[i], c.ranks[i], c.points[i])
				}
			}
		})
	}
	if _, err := SurveyResults([]string{"a", "a"}, nil, SurveyMember); err == nil {
		t.Error("a topic listed twice must be refused")
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
