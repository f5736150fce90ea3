package election

import (
	"slices"
	"strings"
	"time"

	"github.com/lacralo/ralo/domain"
)

func (e *election) countPlurality(s *SeatState, res *SeatResult, ballots []domain.Ballot, now time.Time, length time.Duration) {
	left := s.Count - len(s.Elected)
	r, err := domain.TallyPlurality(e.roll, ballots, s.Candidates, left)
	if err != nil {
		e.failCount(s, err, now)
		return
	}
	res.Rounds = append(res.Rounds, resultRound(s.Round, r))
	res.Ballots = append(res.Ballots, e.ballotDocs(s, ballots)...)
	if e.distinct && s.Distinct {
		r.Elected, r.Tied = e.passOver(s, res, r, left)
	}
	s.Elected = append(s.Elected, r.Elected...)
	switch {
	case len(r.Tied) == 0:
		e.elect(s, res, now)
	case s.Round == 1:
		s.Round = 2
		s.Candidates = domain.SecondBallotCandidates(r)
		opens, closes := now, now.Add(length)
		s.VotingOpens, s.VotingCloses = &opens, &closes
		e.exception(s.Seat, "second_ballot", "tie between "+strings.Join(s.Candidates, ", ")+": second ballot until "+
			closes.Format(time.RFC3339), now)
		e.notifyAll("second_ballot/"+s.Seat, "election.voting_open", closes)
		e.audit(system, "election.second_ballot", "second_ballot/"+s.Seat, map[string]any{
			"seat": s.Seat, "candidates": s.Candidates, "closes": closes,
		})
	default:
		var receipts []string
		for _, b := range ballots {
			receipts = append(receipts, b.Receipt)
		}
		seed := domain.DrawSeed(receipts)
		order := domain.DrawOrder(seed, r.Tied)
		left = s.Count - len(s.Elected)
		s.Elected = append(s.Elected, order[:min(left, len(order))]...)
		res.Draw = &ResultDraw{Seed: seed, Drawn: order[0]}
		e.exception(s.Seat, "draw", "still tied after the second ballot: drawn with seed "+seed, now)
		e.elect(s, res, now)
	}
}

// passOver applies the distinctness rule to a plurality round (SPEC §3
// "Distinctness"): in the order of the totals, a candidate who would clash
// with one already elected in this cycle to the seat's group is passed
// over, and the next compatible one is elected; the result lists who was
// passed over and why. It returns the elected and the candidates left tied.
func (e *election) passOver(s *SeatState, res *SeatResult, r domain.Round, left int) (elected, tied []string) {
	profiles, sitting := e.distinctField(s)
	order := make([]string, len(r.Totals))
	votes := map[string]int{}
	for i, t := range r.Totals {
		order[i] = t.MemberID
		votes[t.MemberID] = i
	}
	same := func(a, b string) bool {
		return r.Totals[votes[a]].Weighted.Cmp(r.Totals[votes[b]].Weighted) == 0
	}
	elected, tied, passed := domain.ElectDistinct(order, same, left, profiles, sitting)
	res.PassedOver = append(res.PassedOver, passed...)
	return elected, tied
}

func (e *election) countRanked(s *SeatState, res *SeatResult, ballots []domain.Ballot, now time.Time) {
	var receipts []string
	for _, b := range ballots {
		receipts = append(receipts, b.Receipt)
	}
	seed := domain.DrawSeed(receipts)
	cands := slices.Clone(s.Candidates)
	n := 0
	// Several seats: count again without those already elected, their
	// names struck from the rankings (a ranking left empty abstains).
	var struck []string
	for len(s.Elected) < s.Count && len(cands) > 0 {
		bs := strikeRankings(ballots, append(slices.Clone(s.Elected), struck...))
		rounds, winner, err := domain.TallyRanked(e.roll, bs, cands, seed)
		if err != nil {
			e.failCount(s, err, now)
			return
		}
		for _, r := range rounds {
			n++
			rr := resultRound(n, r)
			rr.Exhausted, rr.Eliminated = r.Exhausted, r.Eliminated
			res.Rounds = append(res.Rounds, rr)
		}
		cands = slices.DeleteFunc(cands, func(c string) bool { return c == winner })
		if e.v5 && s.Distinct {
			// The winner would clash: passed over, the count is run
			// again without them (SPEC §3 "Distinctness").
			if reasons := e.rankedClash(s, winner); len(reasons) > 0 {
				res.PassedOver = append(res.PassedOver, domain.PassedOver{MemberID: winner, Reasons: reasons})
				struck = append(struck, winner)
				continue
			}
		}
		s.Elected = append(s.Elected, winner)
	}
	res.Ballots = append(res.Ballots, e.ballotDocs(s, ballots)...)
	e.elect(s, res, now)
}

func strikeRankings(bs []domain.Ballot, struck []string) []domain.Ballot {
	out := make([]domain.Ballot, len(bs))
	for i, b := range bs {
		b.Ranking = slices.DeleteFunc(slices.Clone(b.Ranking), func(c string) bool { return slices.Contains(struck, c) })
		if !b.Abstain && len(b.Ranking) == 0 {
			b.Abstain = true
		}
		out[i] = b
	}
	return out
}

// failCount records a count the rules refused; it can only be a fault of
// the record, which staff must look into, so the seat is left unfilled.
func (e *election) failCount(s *SeatState, err error, now time.Time) {
	e.logger.Error("count refused", "seat", s.Seat, "error", err)
	s.Status = SeatStatusUnfilled
	e.exception(s.Seat, "count_failed", err.Error(), now)
	e.audit(system, "election.count_failed", "count_failed/"+s.Seat, map[string]any{"seat": s.Seat, "error": err.Error()})
}

func (e *election) elect(s *SeatState, res *SeatResult, _ time.Time) {
	s.Status = SeatStatusElected
	res.Elected = slices.Clone(s.Elected)
	e.audit(system, "election.counted", "counted/"+s.Seat, map[string]any{"seat": s.Seat, "elected": s.Elected})
}

func resultRound(n int, r domain.Round) ResultRound {
	out := ResultRound{Round: n, Totals: make([]ResultTotal, 0, len(r.Totals)), Abstentions: r.Abstentions}
	for _, t := range r.Totals {
		out.Totals = append(out.Totals, ResultTotal{MemberID: t.MemberID, WeightedVotes: t.WeightedVotes, Ballots: t.Ballots})
	}
	return out
}

// ballotDocs lists a round's counted ballots, one per ALS; choices only
// for open ballots.
func (e *election) ballotDocs(s *SeatState, ballots []domain.Ballot) []ResultBallot {
	var out []ResultBallot
	for _, b := range domain.LatestBallots(ballots) {
		d := ResultBallot{Receipt: b.Receipt, Round: s.Round}
		if s.Ballot == BallotOpen {
			d.ALSID, d.Choice, d.Abstain, d.Ranking = b.ALSID, b.Choice, b.Abstain, slices.Clone(b.Ranking)
		}
		out = append(out, d)
	}
	if s.Ballot == BallotSecret {
		slices.SortFunc(out, func(a, b ResultBallot) int { return strings.Compare(a.Receipt, b.Receipt) })
	}
	return out
}

func (e *election) roundBallots(seat string, round int) []domain.Ballot {
	var out []domain.Ballot
	for _, c := range e.ballots {
		if c.seat == seat && c.round == round {
			out = append(out, c.b)
		}
	}
	return out
}
