package ethics

import (
	"maps"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
)

// Carried is the whole state of a running case, which a run hands to the
// next when it continues as new (process.Continuer): the State and what
// the workflow keeps beside it — the roster as last computed, the
// self-recusals, the clocks, the counters, the versions it started under
// and the effects not yet run. Payloads are encrypted by the codec.
type Carried struct {
	State           State               `json:"state"`
	Roster          []CommitteeMember   `json:"roster"`
	SelfRecused     map[string]string   `json:"self_recused"`
	RosterSeq       int                 `json:"roster_seq"`
	NoQuorum        bool                `json:"no_quorum"`
	LastEscalation  time.Time           `json:"last_escalation"`
	ResponseDue     time.Time           `json:"response_due"`
	AppealEnds      time.Time           `json:"appeal_ends"`
	Votes           int                 `json:"votes"`
	Rounds          int                 `json:"rounds"`
	StrayRulings    int                 `json:"stray_rulings"`
	ParticipantCaps bool                `json:"participant_caps"`
	SkipUnchanged   bool                `json:"skip_unchanged"`
	FlushBatch      bool                `json:"flush_batch"`
	ProjectTasks    bool                `json:"project_tasks,omitempty"`
	Saved           workflows.CaseIndex `json:"saved"`
	Runs            int                 `json:"runs"`
	Effects         []CarriedEffect     `json:"effects,omitempty"`
}

// CarriedEffect is a queued effect, as carried.
type CarriedEffect struct {
	Audit  *workflows.AuditInput      `json:"audit,omitempty"`
	Notify *workflows.NotifyInput     `json:"notify,omitempty"`
	Apply  *DecisionEffect            `json:"apply,omitempty"`
	Appeal *workflows.OpenAppealInput `json:"appeal,omitempty"`
}

// HistoryBound is the history length at which the run continues as new.
func (e *complaint) HistoryBound() int { return process.HistoryBound(e.in.HistoryBound) }

// ContinueAsNew ends this run and starts the next with the whole state,
// unless it is too large for a payload (evidence up to 2 MB).
func (e *complaint) ContinueAsNew(ctx workflow.Context) error {
	in := e.in
	c := &Carried{
		State: e.st.clone(), Roster: e.roster, SelfRecused: maps.Clone(e.selfRecused), RosterSeq: e.rosterSeq,
		NoQuorum: e.noQuorum, LastEscalation: e.lastEscalation, ResponseDue: e.responseDue, AppealEnds: e.appealEnds,
		Votes: e.votes, Rounds: e.rounds, StrayRulings: e.strayRulings, ParticipantCaps: e.participantCaps,
		SkipUnchanged: e.skipUnchanged, FlushBatch: e.flushBatch, ProjectTasks: e.projectTasks, Saved: e.saved, Runs: e.runs + 1,
	}
	for _, x := range e.effects {
		c.Effects = append(c.Effects, CarriedEffect{Audit: x.audit, Notify: x.notify, Apply: x.apply, Appeal: x.appeal})
	}
	in.Carried = c
	if !process.Fits(in) {
		e.logger.Warn("the case's state is too large to continue as new; this run goes on")
		return nil
	}
	return workflow.NewContinueAsNewError(ctx, WorkflowName, in)
}

// restore takes up the state a previous run carried.
func (e *complaint) restore(c *Carried) {
	e.st = c.State
	e.roster = c.Roster
	if c.SelfRecused != nil {
		e.selfRecused = c.SelfRecused
	}
	e.rosterSeq, e.noQuorum = c.RosterSeq, c.NoQuorum
	e.lastEscalation, e.responseDue, e.appealEnds = c.LastEscalation, c.ResponseDue, c.AppealEnds
	e.votes, e.rounds, e.strayRulings = c.Votes, c.Rounds, c.StrayRulings
	e.participantCaps, e.skipUnchanged, e.flushBatch = c.ParticipantCaps, c.SkipUnchanged, c.FlushBatch
	e.projectTasks = c.ProjectTasks
	e.saved, e.runs = c.Saved, c.Runs
	for _, x := range c.Effects {
		e.effects = append(e.effects, effect{audit: x.Audit, notify: x.Notify, apply: x.Apply, appeal: x.Appeal})
	}
}
