package statement

import (
	"slices"
	"strconv"
	"time"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
)

// Tick fires every deadline that has passed, oldest first, deriving the
// status again after each (the next deadline depends on it), then derives
// the status. It never blocks.
func (s *statement) Tick(now time.Time) {
	process.FireDue(now, func() (process.Deadline, bool) {
		d, ok := s.next(now)
		if fire := d.Fire; ok {
			d.Fire = func(now time.Time) {
				fire(now)
				s.refresh(now)
			}
		}
		return d, ok
	}, nil)
	s.refresh(now)
}

func (s *statement) next(now time.Time) (process.Deadline, bool) {
	return process.Earliest(s.pending(now))
}

// pending lists the deadlines still to fire.
func (s *statement) pending(now time.Time) []process.Deadline {
	if s.closed() {
		return nil
	}
	var evs []process.Deadline
	if n := len(s.st.CommentPeriods); n > s.periodsClosed {
		// Wakes the main loop: the status moves on to consolidation.
		evs = append(evs, process.Deadline{At: s.st.CommentPeriods[n-1].Closes, Name: "comment period closes",
			Fire: func(time.Time) { s.periodsClosed = n }})
	}
	if r := s.current(); r != nil && r.Result == nil {
		switch {
		case r.VoteOpens == nil:
			evs = append(evs, process.Deadline{At: r.ObjectionEnds, Name: "objection window closes", Fire: s.closeConsensus})
		case r.RollFrozen:
			evs = append(evs, process.Deadline{At: *r.VoteCloses, Name: "vote closes", Fire: s.closeVote})
		}
	}
	closes := s.in.Proceeding.ClosesAt
	for _, d := range s.in.Rules.RemindersBeforeClose {
		at := closes.Add(-d.D())
		if s.reminderDone[process.Label(d.D())] || at.Before(s.st.CreatedAt) || !at.Before(closes) {
			continue
		}
		evs = append(evs, process.Deadline{At: at, Name: "reminder " + process.Label(d.D()) + " before ICANN closes", Fire: s.remind})
	}
	if s.st.DeadlineAlerted == nil {
		if at, ok := s.clock().DeadlineAlertAt(now); ok {
			evs = append(evs, process.Deadline{At: at, Name: "deadline alert", Fire: s.alertDeadline})
		}
	}
	return evs
}

// clock is the deadline watch's view of the current stage.
func (s *statement) clock() domain.StatementClock {
	r := s.in.Rules
	c := domain.StatementClock{ClosesAt: s.in.Proceeding.ClosesAt, CommentPeriod: r.CommentPeriod.D(),
		ObjectionWindow: r.ObjectionWindow.D(), VotePeriod: r.VotePeriod.D(), Extension: r.Extension, Stage: domain.StageDone}
	switch s.st.Status {
	case StatusDrafting:
		c.Stage = domain.StageDrafting
	case StatusComments:
		c.Stage, c.CommentEnds = domain.StageComments, s.period().Closes
	case StatusConsolidation:
		c.Stage = domain.StageConsolidation
	case StatusConsensus:
		rt := s.current()
		c.Stage, c.ObjectionEnds = domain.StageConsensus, rt.ObjectionEnds
	case StatusVoting:
		rt := s.current()
		c.Stage, c.VoteEnds, c.Extension = domain.StageVoting, *rt.VoteCloses, r.Extension && !rt.Extended
	}
	return c
}

// refresh derives the status, the translation links, the scheduled
// deadline alert and the upcoming deadlines.
func (s *statement) refresh(now time.Time) {
	st := &s.st
	r := s.current()
	p := s.period()
	switch {
	case st.Declined != nil:
		st.Status = StatusDeclined
	case st.Submission != nil:
		st.Status = StatusSubmitted
	case s.ratified():
		st.Status = StatusRatified
	case r != nil && r.Result == nil && r.VoteOpens != nil:
		st.Status = StatusVoting
	case r != nil && r.Result == nil:
		st.Status = StatusConsensus
	case p != nil && now.Before(p.Closes):
		st.Status = StatusComments
	case p != nil && st.Consolidation == nil:
		st.Status = StatusConsolidation
	default:
		st.Status = StatusDrafting
	}
	s.translations()
	st.DeadlineAlertAt = nil
	if st.DeadlineAlerted != nil {
		st.DeadlineAlertAt = process.Clone(st.DeadlineAlerted)
	} else if at, ok := s.clock().DeadlineAlertAt(now); ok {
		st.DeadlineAlertAt = &at
	}
	deadlines := []workflows.Deadline{}
	if !s.closed() {
		if p != nil && now.Before(p.Closes) {
			deadlines = append(deadlines, workflows.Deadline{Name: "comment_period", At: p.Closes})
		}
		if r != nil && r.Result == nil {
			if r.VoteCloses != nil {
				deadlines = append(deadlines, workflows.Deadline{Name: "ratification_vote", At: *r.VoteCloses})
			} else {
				deadlines = append(deadlines, workflows.Deadline{Name: "objection_window", At: r.ObjectionEnds})
			}
		}
		if now.Before(s.in.Proceeding.ClosesAt) {
			deadlines = append(deadlines, workflows.Deadline{Name: "icann_close", At: s.in.Proceeding.ClosesAt})
		}
	}
	slices.SortStableFunc(deadlines, func(x, y workflows.Deadline) int { return x.At.Compare(y.At) })
	st.Deadlines = deadlines
}

// translations says, for each pair of groups, whether their latest
// versions are translations of one another.
func (s *statement) translations() {
	out := []TranslationStatus{}
	outOfStep := false
	for i := range s.st.Groups {
		for j := i + 1; j < len(s.st.Groups); j++ {
			a, b := s.st.Groups[i], s.st.Groups[j]
			inStep := a.Latest > 0 && b.Latest > 0 &&
				(linked(a.Versions[a.Latest-1], b.Language, b.Latest) || linked(b.Versions[b.Latest-1], a.Language, a.Latest))
			if !inStep && (a.Latest > 0 || b.Latest > 0) {
				outOfStep = true
			}
			out = append(out, TranslationStatus{Languages: []string{a.Language, b.Language}, Latest: []int{a.Latest, b.Latest}, InStep: inStep})
		}
	}
	s.st.Translations, s.st.OutOfStep = out, outOfStep
}

func linked(v DraftVersion, lang string, version int) bool {
	return v.TranslationOf != nil && v.TranslationOf.Language == lang && v.TranslationOf.Version == version
}

// Deadline events.

// closeConsensus ends the consensus call: ratified without objection, or
// the vote opens (the main loop freezes the roll first).
func (s *statement) closeConsensus(now time.Time) {
	r := s.current()
	if len(r.Objections) == 0 {
		r.Result = &RatificationResult{Outcome: RatificationRatified, ByConsensus: true, Ballots: []RatificationBallot{}, At: now}
		s.audit(system, "statement.ratified", "ratified/"+strconv.Itoa(r.Round), map[string]any{"round": r.Round, "by_consensus": true})
		return
	}
	closes := now.Add(s.in.Rules.VotePeriod.D())
	r.VoteOpens, r.VoteCloses = &now, &closes
	s.ballots = nil
	s.audit(system, "statement.vote_called", "vote/"+strconv.Itoa(r.Round), map[string]any{
		"round": r.Round, "objections": len(r.Objections), "opens": now, "closes": closes,
	})
	s.notify("vote/"+strconv.Itoa(r.Round), "statement.vote_open", s.in.StaffIDs, workflows.AudienceAllMembers, map[string]any{"due": closes})
}

// closeVote extends a vote that is not quorate once, then counts it with
// the weights of the frozen roll.
func (s *statement) closeVote(now time.Time) {
	r := s.current()
	counted := domain.LatestBallots(s.ballots)
	q := domain.Quorum(len(s.roll.Entries), len(counted), s.in.Rules.Quorum)
	if !q.Met && !r.Extended && s.in.Rules.Extension {
		r.Extended = true
		closes := r.VoteCloses.Add(s.in.Rules.VotePeriod.D())
		r.VoteCloses = &closes
		s.audit(system, "statement.vote_extended", "extended/"+strconv.Itoa(r.Round), map[string]any{
			"round": r.Round, "required": q.Required, "cast": q.Cast, "until": closes,
		})
		return
	}
	res := &RatificationResult{Quorum: &workflows.ResultQuorum{Required: q.Required, Cast: q.Cast, Met: q.Met, Extended: r.Extended},
		Ballots: []RatificationBallot{}, At: now}
	t, err := domain.TallyRatification(s.roll, s.ballots, s.majority)
	if err != nil {
		s.logger.Error("ratification count refused", "error", err)
		res.Outcome, res.Error = RatificationRejected, err.Error()
	} else {
		res.Yes, res.No, res.YesBallots, res.NoBallots, res.Abstentions = t.YesVotes, t.NoVotes, t.YesBallots, t.NoBallots, t.Abstentions
		if t.Majority != nil {
			th := t.ThresholdVotes
			res.Majority, res.Threshold = s.in.Rules.RatificationMajority, &th
		}
		res.Outcome = RatificationRejected
		if t.Adopted {
			res.Outcome = RatificationRatified
		}
		counted := &workflows.BallotParticipationInput{ElectionID: WorkflowID(s.in.StatementID), Ballots: []workflows.BallotReceipt{}}
		for _, b := range t.CountedBallots {
			vote := b.Choice
			if b.Abstain {
				vote = domain.VoteAbstain
			}
			res.Ballots = append(res.Ballots, RatificationBallot{Receipt: b.Receipt, ALSID: b.ALSID, Vote: vote})
			counted.Ballots = append(counted.Ballots, workflows.BallotReceipt{Receipt: b.Receipt, Seat: "ratification", Round: r.Round, ALSID: b.ALSID, At: b.At})
		}
		// The counted ballot of each ALS counts for its participation, as
		// in elections (a revote is one act, not two).
		s.effects = append(s.effects, effect{ballots: counted})
	}
	r.Result = res
	s.audit(system, "statement."+res.Outcome, res.Outcome+"/"+strconv.Itoa(r.Round), map[string]any{"round": r.Round, "result": res})
	if res.Outcome == RatificationRejected {
		// The text goes back to its penholders: they revise it (and may
		// hold a new comment period) and consolidate again, for a new
		// round.
		s.st.Consolidation = nil
	}
}

// remind sends the latest reminder that has come due to the penholders and
// staff; earlier ones missed (a worker down) are skipped.
func (s *statement) remind(now time.Time) {
	closes := s.in.Proceeding.ClosesAt
	step := ""
	for _, d := range s.in.Rules.RemindersBeforeClose {
		if at := closes.Add(-d.D()); !s.reminderDone[process.Label(d.D())] && !at.After(now) {
			s.reminderDone[process.Label(d.D())] = true
			step = "reminder/" + process.Label(d.D())
		}
	}
	if step == "" || !now.Before(closes) {
		return
	}
	step += s.closeDateSuffix()
	s.st.RemindersSent = append(s.st.RemindersSent, step)
	s.notify(step, "statement.reminder", process.Set(append(s.penholders(), s.in.StaffIDs...)), "", map[string]any{"due": closes})
}

// alertDeadline tells staff that ratification can no longer end before
// ICANN's close date: ask for an extension or submit as a draft.
func (s *statement) alertDeadline(now time.Time) {
	s.st.DeadlineAlerted = &now
	end, _ := s.clock().RatificationEnd(now)
	step := "deadline_alert" + s.closeDateSuffix()
	s.audit(system, "statement.deadline_alert", step, map[string]any{
		"closes_at": s.in.Proceeding.ClosesAt, "ratification_end": end, "stage": s.st.Status,
	})
	s.notify(step, "statement.deadline_alert", s.in.StaffIDs, workflows.AudienceStaff, map[string]any{"due": s.in.Proceeding.ClosesAt})
}

// closeDateSuffix tells apart the reminders and alerts of each close date
// in their idempotency keys: "" for the first, "/N" after the Nth move.
func (s *statement) closeDateSuffix() string {
	if n := len(s.st.CloseDateChanges); n > 0 {
		return "/" + strconv.Itoa(n)
	}
	return ""
}
