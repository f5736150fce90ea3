package election

import (
	"maps"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
)

// Carried is the whole state of a running cycle, which a run hands to the
// next when it continues as new (process.Continuer): the public State and
// everything the workflow keeps beside it — the ballots with their
// choices, the weighted roll, the counts so far, which decisions are
// taken, the versions the cycle started under. Payloads are encrypted by
// the codec, so the choices are no more readable here than in the
// history.
type Carried struct {
	State              State                  `json:"state"`
	NominationsClosed  bool                   `json:"nominations_closed"`
	VotingOpened       bool                   `json:"voting_opened"`
	Decided            map[string]bool        `json:"decided"`
	Roll               domain.Roll            `json:"roll"`
	Ballots            []CarriedBallot        `json:"ballots"`
	Results            map[string]*SeatResult `json:"results"`
	ClosedAt           time.Time              `json:"closed_at"`
	NextNomination     int                    `json:"next_nomination"`
	EligibilityChanges int                    `json:"eligibility_changes"`
	Checked            map[string]bool        `json:"checked"`
	RecheckWanted      bool                   `json:"recheck_wanted"`
	TermReached        bool                   `json:"term_reached"`
	ContestClosed      bool                   `json:"contest_closed"`
	Extensions         int                    `json:"extensions"`
	Saved              workflows.CaseIndex    `json:"saved"`
	// Versions are the workflow.GetVersion answers of the first run.
	V2           bool `json:"v2"`
	BatchAudit   bool `json:"batch_audit"`
	Distinct     bool `json:"distinct"`
	Outcomes     bool `json:"outcomes"`
	Budget       bool `json:"budget"`
	Coalesce     bool `json:"coalesce"`
	V5           bool `json:"v5"`
	ReceiptMail  bool `json:"receipt_mail,omitempty"`
	ReceiptMails int  `json:"receipt_mails,omitempty"`
	// What the succession and must_fill_by rules keep (version v5).
	SuccessionsPlanned bool                 `json:"successions_planned,omitempty"`
	Sitting            map[string][]Holder  `json:"sitting,omitempty"`
	LateAlerted        map[string]time.Time `json:"late_alerted,omitempty"`
	OverdueAlerts      map[string]int       `json:"overdue_alerts,omitempty"`
	// Runs counts the runs before this one.
	Runs int `json:"runs"`
	// The effects queued and not yet run: the next run runs them first.
	Effects       []workflows.AuditInput    `json:"effects,omitempty"`
	Notes         []workflows.NotifyInput   `json:"notes,omitempty"`
	Participation []workflows.BallotReceipt `json:"participation,omitempty"`
}

// CarriedBallot is a recorded ballot, choice included.
type CarriedBallot struct {
	Seat   string        `json:"seat"`
	Round  int           `json:"round"`
	Ballot domain.Ballot `json:"ballot"`
}

// HistoryBound is the history length at which the run continues as new.
func (e *election) HistoryBound() int { return process.HistoryBound(e.in.HistoryBound) }

// ContinueAsNew ends this run and starts the next with the whole state
// (nil when it would not fit in a payload: the run goes on).
func (e *election) ContinueAsNew(ctx workflow.Context) error {
	in := e.in
	in.Carried = e.carry()
	if !process.Fits(in) {
		e.logger.Warn("the cycle's state is too large to continue as new; this run goes on")
		return nil
	}
	e.logger.Info("continuing as new", "runs", in.Carried.Runs, "ballots", len(e.ballots))
	return workflow.NewContinueAsNewError(ctx, WorkflowName, in)
}

func (e *election) carry() *Carried {
	c := &Carried{
		State: e.Snapshot(), NominationsClosed: e.nominationsClosed, VotingOpened: e.votingOpened,
		Decided: maps.Clone(e.decided), Roll: e.roll, Results: e.results, ClosedAt: e.closedAt,
		NextNomination: e.nextNomination, EligibilityChanges: e.eligibilityChanges, Checked: maps.Clone(e.checked),
		RecheckWanted: e.recheckWanted, TermReached: e.termReached, ContestClosed: e.contestClosed,
		Extensions: e.extensions, Saved: e.saved,
		V2: e.v2, BatchAudit: e.batchAudit, Distinct: e.distinct, Outcomes: e.outcomes, Budget: e.budget, Coalesce: e.coalesce,
		V5: e.v5, ReceiptMail: e.receiptMail, ReceiptMails: e.receiptMails, SuccessionsPlanned: e.successionsPlanned, Sitting: e.sitting, LateAlerted: e.lateAlerted, OverdueAlerts: e.overdueAlerts,
		Runs: e.runs + 1, Effects: e.effects, Notes: e.notes, Participation: e.participation,
	}
	c.Ballots = make([]CarriedBallot, len(e.ballots))
	for i, b := range e.ballots {
		c.Ballots[i] = CarriedBallot{Seat: b.seat, Round: b.round, Ballot: b.b}
	}
	return c
}

// restore takes up the state a previous run carried.
func (e *election) restore(c *Carried) {
	e.st = c.State
	e.nominationsClosed, e.votingOpened = c.NominationsClosed, c.VotingOpened
	if c.Decided != nil {
		e.decided = c.Decided
	}
	e.roll = c.Roll
	if c.Results != nil {
		e.results = c.Results
	}
	e.closedAt = c.ClosedAt
	e.nextNomination, e.eligibilityChanges = c.NextNomination, c.EligibilityChanges
	if c.Checked != nil {
		e.checked = c.Checked
	}
	e.recheckWanted, e.termReached, e.contestClosed = c.RecheckWanted, c.TermReached, c.ContestClosed
	e.extensions, e.saved = c.Extensions, c.Saved
	e.v2, e.batchAudit, e.distinct, e.outcomes, e.budget, e.coalesce = c.V2, c.BatchAudit, c.Distinct, c.Outcomes, c.Budget, c.Coalesce
	e.v5, e.receiptMail, e.successionsPlanned = c.V5, c.ReceiptMail, c.SuccessionsPlanned
	e.receiptMails = c.ReceiptMails
	if c.Sitting != nil {
		e.sitting = c.Sitting
	}
	if c.LateAlerted != nil {
		e.lateAlerted = c.LateAlerted
	}
	if c.OverdueAlerts != nil {
		e.overdueAlerts = c.OverdueAlerts
	}
	e.runs = c.Runs
	e.effects, e.notes, e.participation = c.Effects, c.Notes, c.Participation
	e.ballots = make([]castBallot, len(c.Ballots))
	for i, b := range c.Ballots {
		e.ballots[i] = castBallot{seat: b.Seat, round: b.Round, b: b.Ballot}
	}
}
