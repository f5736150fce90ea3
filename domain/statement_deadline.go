package domain

import "time"

// Stages of a policy statement, as far as its remaining periods go (SPEC
// §4): each stage leaves a different part of the way to ratification.
const (
	// StageDrafting: no comment period has run yet.
	StageDrafting = "drafting"
	// StageComments: the member comment period is running until CommentEnds.
	StageComments = "comments"
	// StageConsolidation: the comment period is over, the final text is
	// not yet published (or a vote rejected it).
	StageConsolidation = "consolidation"
	// StageConsensus: the consensus call's objection window runs until
	// ObjectionEnds.
	StageConsensus = "consensus"
	// StageVoting: the ratification vote runs until VoteEnds.
	StageVoting = "voting"
	// StageDone: ratified, submitted or declined; nothing is left to run.
	StageDone = "done"
)

// StatementClock is what the deadline watch of a statement knows: its
// stage, the ends of the periods already running, the lengths of those
// still to come (policy `policy.*`) and ICANN's close date.
type StatementClock struct {
	Stage           string
	ClosesAt        time.Time
	CommentEnds     time.Time // StageComments
	ObjectionEnds   time.Time // StageConsensus
	VoteEnds        time.Time // StageVoting
	CommentPeriod   time.Duration
	ObjectionWindow time.Duration
	VotePeriod      time.Duration
	// Extension says the vote, not yet extended, may still be extended
	// once by its length for want of quorum (policy `election.extension`).
	Extension bool
}

// RatificationEnd is the latest time ratification may take to end from
// now if every remaining period runs its full length: the rest of the
// comment period, the objection window, the vote and its one extension, as
// they apply to the stage. It is deliberately the time ratification must
// be allowed, not the best case (a consensus without objection), so that
// staff are warned while there is still time to ask ICANN for an
// extension. ok is false when nothing is left to run (StageDone or an
// unknown stage).
//
// During the comment period the end is fixed (CommentEnds plus what
// follows); while drafting or consolidating it moves with now, since the
// next period has not started.
func (c StatementClock) RatificationEnd(now time.Time) (end time.Time, ok bool) {
	vote := c.VotePeriod
	if c.Extension {
		vote += c.VotePeriod
	}
	switch c.Stage {
	case StageDrafting:
		return now.Add(c.CommentPeriod + c.ObjectionWindow + vote), true
	case StageComments:
		return later(c.CommentEnds, now).Add(c.ObjectionWindow + vote), true
	case StageConsolidation:
		return now.Add(c.ObjectionWindow + vote), true
	case StageConsensus:
		return later(c.ObjectionEnds, now).Add(vote), true
	case StageVoting:
		end := later(c.VoteEnds, now)
		if c.Extension {
			end = end.Add(c.VotePeriod)
		}
		return end, true
	}
	return time.Time{}, false
}

// DeadlineAlertAt is the instant from which ratification can no longer
// end before ICANN's close date, that is when [StatementClock.RatificationEnd]
// reaches ClosesAt (ending exactly at the close date is too late: the
// statement must still be submitted). When that is already the case at
// now, the answer is now; ok is false when it cannot happen in this stage
// (the end is fixed and before the close date, or nothing is left to run).
// The process sets a durable timer at the instant and computes it again
// whenever its stage changes.
func (c StatementClock) DeadlineAlertAt(now time.Time) (at time.Time, ok bool) {
	end, ok := c.RatificationEnd(now)
	if !ok {
		return time.Time{}, false
	}
	if !end.Before(c.ClosesAt) {
		return now, true
	}
	switch c.Stage {
	case StageDrafting, StageConsolidation:
		// The end moves with the clock: it reaches the close date after
		// ClosesAt - end + now more time.
		return now.Add(c.ClosesAt.Sub(end)), true
	}
	return time.Time{}, false
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
