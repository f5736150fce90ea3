package arbitration

import (
	"maps"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
)

// Carried is the whole state of a running case, which a run hands to the
// next when it continues as new (process.Continuer): the State and what
// the workflow keeps beside it — removed arbitrators, the clocks and
// windows, the reminders sent, the counters, the versions it started under
// and the effects not yet run.
type Carried struct {
	State             State               `json:"state"`
	Removed           []string            `json:"removed"`
	Assignments       int                 `json:"assignments"`
	ChallengeEnds     time.Time           `json:"challenge_ends"`
	WindowClosed      bool                `json:"window_closed"`
	SubmissionsEnd    time.Time           `json:"submissions_end"`
	SubmissionsClosed bool                `json:"submissions_closed"`
	Hearings          int                 `json:"hearings"`
	Held              bool                `json:"held"`
	Extended          bool                `json:"extended"`
	RemindersFrom     time.Time           `json:"reminders_from"`
	ReminderDone      map[string]bool     `json:"reminder_done"`
	LastOverdue       time.Time           `json:"last_overdue"`
	ParticipantCaps   bool                `json:"participant_caps"`
	FlushBatch        bool                `json:"flush_batch"`
	Saved             workflows.CaseIndex `json:"saved"`
	Runs              int                 `json:"runs"`
	Effects           []CarriedEffect     `json:"effects,omitempty"`
	// RecordContest and ContestSettled: the case records its contest on
	// the election (version recordContestSince), and that is done.
	RecordContest  bool `json:"record_contest,omitempty"`
	ContestSettled bool `json:"contest_settled,omitempty"`
}

// CarriedEffect is a queued effect, as carried.
type CarriedEffect struct {
	Audit  *workflows.AuditInput   `json:"audit,omitempty"`
	Notify *workflows.NotifyInput  `json:"notify,omitempty"`
	Appeal *workflows.AppealRuling `json:"appeal,omitempty"`
}

// HistoryBound is the history length at which the run continues as new.
func (a *arbitration) HistoryBound() int { return process.HistoryBound(a.in.HistoryBound) }

// ContinueAsNew ends this run and starts the next with the whole state,
// unless it is too large for a payload.
func (a *arbitration) ContinueAsNew(ctx workflow.Context) error {
	in := a.in
	c := &Carried{
		State: a.Snapshot(), Removed: a.removed, Assignments: a.assignments, ChallengeEnds: a.challengeEnds,
		WindowClosed: a.windowClosed, SubmissionsEnd: a.submissionsEnd, SubmissionsClosed: a.submissionsClosed,
		Hearings: a.hearings, Held: a.held, Extended: a.extended, RemindersFrom: a.remindersFrom,
		ReminderDone: maps.Clone(a.reminderDone), LastOverdue: a.lastOverdue, ParticipantCaps: a.participantCaps,
		FlushBatch: a.flushBatch, Saved: a.saved, Runs: a.runs + 1,
		RecordContest: a.recordContest, ContestSettled: a.contestSettled,
	}
	for _, e := range a.effects {
		c.Effects = append(c.Effects, CarriedEffect{Audit: e.audit, Notify: e.notify, Appeal: e.appeal})
	}
	in.Carried = c
	if !process.Fits(in) {
		a.logger.Warn("the case's state is too large to continue as new; this run goes on")
		return nil
	}
	return workflow.NewContinueAsNewError(ctx, WorkflowName, in)
}

// restore takes up the state a previous run carried.
func (a *arbitration) restore(c *Carried) {
	a.st = c.State
	a.removed, a.assignments = c.Removed, c.Assignments
	a.challengeEnds, a.windowClosed = c.ChallengeEnds, c.WindowClosed
	a.submissionsEnd, a.submissionsClosed = c.SubmissionsEnd, c.SubmissionsClosed
	a.hearings, a.held, a.extended, a.remindersFrom = c.Hearings, c.Held, c.Extended, c.RemindersFrom
	if c.ReminderDone != nil {
		a.reminderDone = c.ReminderDone
	}
	a.lastOverdue, a.participantCaps, a.flushBatch = c.LastOverdue, c.ParticipantCaps, c.FlushBatch
	a.recordContest, a.contestSettled = c.RecordContest, c.ContestSettled
	a.saved, a.runs = c.Saved, c.Runs
	for _, e := range c.Effects {
		a.effects = append(a.effects, effect{audit: e.Audit, notify: e.Notify, appeal: e.Appeal})
	}
}
