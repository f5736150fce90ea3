package election

import (
	"fmt"
	"slices"
	"time"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
)

// Tick fires every deadline that has passed, oldest first, stopping at a
// decision whose eligibility the main loop must recheck first, then
// derives the status. It never blocks.
func (e *election) Tick(now time.Time) {
	process.FireDue(now, e.next, func(gate string) bool { return e.checked[gate] })
	e.refresh(now)
}

func (e *election) next() (process.Deadline, bool) { return process.Earliest(e.pending()) }

// pending lists the deadlines still to fire. A vote closes only once the
// roll is frozen: the main loop freezes it as soon as voting opens.
func (e *election) pending() []process.Deadline {
	var evs []process.Deadline
	cal := e.in.Calendar
	if !e.nominationsClosed {
		evs = append(evs, process.Deadline{At: cal.NominationsClose, Name: "nominations close", Fire: e.closeNominations,
			Gate: e.gate("nominations_close")})
	}
	if e.v2 && e.st.CertifiedAt != nil && !e.termReached {
		at := *e.st.CertifiedAt
		if t := cal.TermStart; t != nil && t.After(at) {
			at = *t
		}
		evs = append(evs, process.Deadline{At: at, Name: "term starts", Fire: func(time.Time) { e.termReached = true }})
	}
	if e.st.ContestUntil != nil && !e.contestClosed {
		evs = append(evs, process.Deadline{At: *e.st.ContestUntil, Name: "contest window closes", Fire: func(time.Time) { e.contestClosed = true }})
	}
	if !e.votingOpened && e.anyVoting() {
		// Wakes the main loop, which freezes the roll.
		evs = append(evs, process.Deadline{At: cal.VotingOpen, Name: "voting opens", Fire: func(time.Time) { e.votingOpened = true }})
	}
	for i := range e.st.Seats {
		s := &e.st.Seats[i]
		switch {
		case e.nominationsClosed && !e.decided[s.Seat]:
			seat := s.Seat
			evs = append(evs, process.Deadline{At: e.decisionAt(*s), Name: "decide " + seat, Fire: func(now time.Time) { e.decide(seat, now) },
				Gate: e.gate("decide/" + seat + "/" + e.decisionAt(*s).Format(time.RFC3339))})
		case s.Status == SeatStatusVoting && e.st.RollFrozen && s.VotingCloses != nil:
			seat := s.Seat
			d := process.Deadline{At: *s.VotingCloses, Name: "voting closes " + seat, Fire: func(now time.Time) { e.closeVote(seat, now) }}
			if e.v5 && s.Distinct {
				d.Gate = holdersGateFor(*s)
			}
			evs = append(evs, d)
		}
	}
	if e.v5 {
		evs = append(evs, e.successionDeadlines()...)
		evs = append(evs, e.fillByDeadlines()...)
	}
	return evs
}

// decisionAt is when a seat goes to acclamation or to the vote: objections
// close, or the end of its reopened nominations when later.
func (e *election) decisionAt(s SeatState) time.Time {
	at := e.in.Calendar.ObjectionsClose
	if s.NominationsUntil.After(at) {
		at = s.NominationsUntil
	}
	return at
}

func (e *election) anyVoting() bool {
	return slices.ContainsFunc(e.st.Seats, func(s SeatState) bool { return s.Status == SeatStatusVoting })
}

// refresh derives the status and the upcoming deadlines.
func (e *election) refresh(now time.Time) {
	st := &e.st
	allDone := true
	voting := false
	reopened := false
	for _, s := range st.Seats {
		switch s.Status {
		case SeatStatusOpen:
			allDone = false
			if s.Reopened && now.Before(s.NominationsUntil) {
				reopened = true
			}
		case SeatStatusVoting:
			allDone = false
			if s.VotingOpens != nil && !now.Before(*s.VotingOpens) && st.RollFrozen {
				voting = true
			}
		}
	}
	if allDone && e.closedAt.IsZero() {
		e.closedAt = now
		e.audit(system, "election.closed", "closed", map[string]any{"results": e.resultsDoc()})
	}
	switch {
	case st.CertifiedAt != nil:
		st.Status = StatusCertified
	case allDone:
		st.Status = StatusClosed
	case voting:
		st.Status = StatusVoting
	case now.Before(e.in.Calendar.NominationsClose) || reopened:
		st.Status = StatusNominations
	default:
		st.Status = StatusObjections
	}
	deadlines := []workflows.Deadline{}
	cal := e.in.Calendar
	for _, d := range []workflows.Deadline{
		{Name: "nominations_close", At: cal.NominationsClose}, {Name: "acceptance_close", At: cal.AcceptanceClose},
		{Name: "objections_close", At: cal.ObjectionsClose}, {Name: "voting_open", At: cal.VotingOpen},
		{Name: "voting_close", At: cal.VotingClose},
	} {
		if now.Before(d.At) && !allDone {
			deadlines = append(deadlines, d)
		}
	}
	for _, s := range st.Seats {
		if s.Reopened && now.Before(s.NominationsUntil) {
			deadlines = append(deadlines, workflows.Deadline{Name: "nominations_close:" + s.Seat, At: s.NominationsUntil})
		}
		if s.Status == SeatStatusVoting && s.VotingCloses != nil && !s.VotingCloses.Equal(cal.VotingClose) {
			deadlines = append(deadlines, workflows.Deadline{Name: "voting_close:" + s.Seat, At: *s.VotingCloses})
		}
	}
	for _, x := range st.Successions {
		if x.Status == SuccessionScheduled && now.Before(x.At) {
			deadlines = append(deadlines, workflows.Deadline{Name: "succession:" + x.Seat, At: x.At})
		}
	}
	slices.SortStableFunc(deadlines, func(x, y workflows.Deadline) int { return x.At.Compare(y.At) })
	st.Deadlines = deadlines
	e.checkFillBy(now)
}

// closeNominations reopens to all countries, for the reopen period, every
// seat with no eligible candidate. The rotation table is unchanged: the
// exception is recorded for this cycle only.
func (e *election) closeNominations(now time.Time) {
	e.nominationsClosed = true
	for i := range e.st.Seats {
		s := &e.st.Seats[i]
		if len(e.eligible(s.Seat)) > 0 || e.in.Rules.ReopenPeriod <= 0 {
			continue
		}
		s.Reopened = true
		s.NominationsUntil = e.in.Calendar.NominationsClose.Add(e.in.Rules.ReopenPeriod.D())
		e.exception(s.Seat, "reopened", "no eligible candidate at nominations close: nominations reopen to all countries until "+
			s.NominationsUntil.Format(time.RFC3339), now)
		e.audit(system, "election.nominations_reopened", "reopened/"+s.Seat, map[string]any{
			"seat": s.Seat, "until": s.NominationsUntil,
		})
	}
	e.audit(system, "election.nominations_closed", "nominations_closed", map[string]any{"nominations": len(e.st.Nominations)})
}

// decide fills a seat by acclamation, sends it to the vote, or leaves it
// unfilled when no eligible candidate came forward.
func (e *election) decide(seat string, now time.Time) {
	e.decided[seat] = true
	s := e.seat(seat)
	eligible := e.eligible(seat)
	s.Candidates = eligible
	objections := 0
	for _, o := range e.st.Objections {
		if o.Seat == seat {
			objections++
		}
	}
	acclaimed := domain.Acclamation(eligible, objections)
	if s.Count > 1 {
		acclaimed = len(eligible) > 0 && len(eligible) <= s.Count && objections == 0
	}
	var passed []domain.PassedOver
	if acclaimed && e.v5 && s.Distinct {
		var vote bool
		var elected []string
		elected, passed, vote = e.acclaimDistinct(s, eligible)
		switch {
		case vote:
			acclaimed = false
			passed = nil
		case len(elected) == 0:
			// Every candidate clashes: the seat is not filled.
			s.Status = SeatStatusUnfilled
			e.results[seat] = &SeatResult{Seat: seat, PassedOver: passed, Rounds: []ResultRound{}, Elected: []string{}, Ballots: []ResultBallot{}}
			e.exception(seat, "unfilled", "every eligible candidate clashes with a sitting or elected member of the group", now)
			e.audit(system, "election.seat_unfilled", "unfilled/"+seat, map[string]any{"seat": seat, "passed_over": passed})
			return
		default:
			eligible = elected
		}
	}
	switch {
	case len(eligible) == 0:
		s.Status = SeatStatusUnfilled
		e.results[seat] = &SeatResult{Seat: seat, Rounds: []ResultRound{}, Elected: []string{}, Ballots: []ResultBallot{}}
		e.exception(seat, "unfilled", "no eligible candidate", now)
		e.audit(system, "election.seat_unfilled", "unfilled/"+seat, map[string]any{"seat": seat})
	case acclaimed:
		s.Status = SeatStatusAcclaimed
		s.Elected = slices.Clone(eligible)
		e.results[seat] = &SeatResult{Seat: seat, PassedOver: passed, Rounds: []ResultRound{}, Elected: slices.Clone(eligible), Ballots: []ResultBallot{}}
		details := map[string]any{"seat": seat, "elected": eligible}
		if len(passed) > 0 {
			details["passed_over"] = passed
		}
		e.audit(system, "election.acclaimed", "acclaimed/"+seat, details)
	default:
		s.Status = SeatStatusVoting
		s.Round = 1
		cal := e.in.Calendar
		opens := cal.VotingOpen
		if now.After(opens) {
			opens = now
		}
		closes := cal.VotingClose
		if length := cal.VotingClose.Sub(cal.VotingOpen); closes.Before(opens.Add(length)) && now.After(cal.VotingOpen) {
			closes = opens.Add(length)
		}
		s.VotingOpens, s.VotingCloses = &opens, &closes
		e.results[seat] = &SeatResult{Seat: seat, Rounds: []ResultRound{}, Elected: []string{}, Ballots: []ResultBallot{}}
		e.audit(system, "election.vote_called", "vote/"+seat, map[string]any{
			"seat": seat, "candidates": eligible, "objections": objections, "opens": opens, "closes": closes,
		})
	}
}

// closeVote closes a seat's round: it extends a first ballot that is not
// quorate once, then counts.
func (e *election) closeVote(seat string, now time.Time) {
	s := e.seat(seat)
	res := e.results[seat]
	ballots := e.roundBallots(seat, s.Round)
	length := e.in.Calendar.VotingClose.Sub(e.in.Calendar.VotingOpen)
	if s.Round == 1 {
		q := domain.Quorum(len(e.roll.Entries), len(domain.LatestBallots(ballots)), e.in.Rules.Quorum)
		res.Quorum = &workflows.ResultQuorum{Required: q.Required, Cast: q.Cast, Met: q.Met, Extended: s.Extended}
		if !q.Met && !s.Extended && e.in.Rules.Extension {
			s.Extended = true
			closes := s.VotingCloses.Add(length)
			s.VotingCloses = &closes
			res.Quorum.Extended = true
			e.exception(seat, "extended", fmt.Sprintf("not quorate (%d of %d required): voting extended until %s",
				q.Cast, q.Required, closes.Format(time.RFC3339)), now)
			e.audit(system, "election.vote_extended", "extended/"+seat, map[string]any{
				"seat": seat, "required": q.Required, "cast": q.Cast, "until": closes,
			})
			e.notifyExtended("extended/"+seat, seat, "quorum", closes)
			return
		}
	}
	if e.v2 {
		for _, b := range domain.LatestBallots(ballots) {
			e.participation = append(e.participation, workflows.BallotReceipt{Receipt: b.Receipt, Seat: seat, Round: s.Round, ALSID: b.ALSID, At: now})
		}
	}
	if s.Method == MethodRanked {
		e.countRanked(s, res, ballots, now)
	} else {
		e.countPlurality(s, res, ballots, now, length)
	}
}

// contestsSettled says the contest window has closed (or there is none)
// and every contest filed in it has its ruling.
func (e *election) contestsSettled() bool {
	if e.st.ContestUntil != nil && !e.contestClosed {
		return false
	}
	return !slices.ContainsFunc(e.st.Contests, func(c Contest) bool { return c.RuledAt == nil })
}
