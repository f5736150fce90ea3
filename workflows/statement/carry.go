package statement

import (
	"maps"
	"math/big"

	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
)

// Carried is the whole state of a running statement, which a run hands to
// the next when it continues as new (process.Continuer): the public State
// and what the workflow keeps beside it — every version's text, the
// current round's ballots and roll, the reminders sent, the counters, the
// versions it started under.
type Carried struct {
	State           State               `json:"state"`
	Texts           map[string][]string `json:"texts"`
	DraftBytes      int                 `json:"draft_bytes"`
	Roll            domain.Roll         `json:"roll"`
	Ballots         []domain.Ballot     `json:"ballots"`
	ReminderDone    map[string]bool     `json:"reminder_done"`
	NextComment     int                 `json:"next_comment"`
	PeriodsClosed   int                 `json:"periods_closed"`
	OwnTexts        bool                `json:"own_texts"`
	ParticipantCaps bool                `json:"participant_caps"`
	BallotBudget    bool                `json:"ballot_budget"`
	FlushBatch      bool                `json:"flush_batch"`
	Majority        *big.Rat            `json:"majority"`
	Saved           workflows.CaseIndex `json:"saved"`
	Runs            int                 `json:"runs"`
	// Effects are those queued and not yet run: the next run runs them
	// first.
	Effects []CarriedEffect `json:"effects,omitempty"`
}

// CarriedEffect is a queued effect, as carried.
type CarriedEffect struct {
	Audit         *workflows.AuditInput               `json:"audit,omitempty"`
	Notify        *workflows.NotifyInput              `json:"notify,omitempty"`
	Participation *ParticipationInput                 `json:"participation,omitempty"`
	Ballots       *workflows.BallotParticipationInput `json:"ballots,omitempty"`
}

// HistoryBound is the history length at which the run continues as new.
func (s *statement) HistoryBound() int { return process.HistoryBound(s.in.HistoryBound) }

// ContinueAsNew ends this run and starts the next with the whole state,
// unless the state (drafts up to 5 MB) is too large to carry in a payload.
func (s *statement) ContinueAsNew(ctx workflow.Context) error {
	in := s.in
	in.Carried = &Carried{
		State: s.snapshot(), Texts: s.texts, DraftBytes: s.draftBytes, Roll: s.roll, Ballots: s.ballots,
		ReminderDone: maps.Clone(s.reminderDone), NextComment: s.nextComment, PeriodsClosed: s.periodsClosed,
		OwnTexts: s.ownTexts, ParticipantCaps: s.participantCaps, BallotBudget: s.ballotBudget, FlushBatch: s.flushBatch, Majority: s.majority,
		Saved: s.saved, Runs: s.runs + 1,
	}
	for _, f := range s.effects {
		in.Carried.Effects = append(in.Carried.Effects, CarriedEffect{Audit: f.audit, Notify: f.notify, Participation: f.participation, Ballots: f.ballots})
	}
	if !process.Fits(in) {
		s.logger.Warn("the statement's state is too large to continue as new; this run goes on")
		return nil
	}
	return workflow.NewContinueAsNewError(ctx, WorkflowName, in)
}

// restore takes up the state a previous run carried.
func (s *statement) restore(c *Carried) {
	s.st = c.State
	if c.Texts != nil {
		s.texts = c.Texts
	}
	if c.ReminderDone != nil {
		s.reminderDone = c.ReminderDone
	}
	s.draftBytes, s.roll, s.ballots = c.DraftBytes, c.Roll, c.Ballots
	s.nextComment, s.periodsClosed = c.NextComment, c.PeriodsClosed
	s.ownTexts, s.participantCaps, s.ballotBudget, s.flushBatch, s.majority = c.OwnTexts, c.ParticipantCaps, c.BallotBudget, c.FlushBatch, c.Majority
	s.saved, s.runs = c.Saved, c.Runs
	for _, f := range c.Effects {
		s.effects = append(s.effects, effect{audit: f.Audit, notify: f.Notify, participation: f.Participation, ballots: f.Ballots})
	}
}
