package ethics

import (
	"errors"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
)

// Ethics runs one ethics case from filing to its final, applied and
// published outcome (SPEC process 1). Every transition is an update checked
// by a validator; every deadline is a durable timer. Nothing the committee
// decides takes effect before the appeal window ends, or, on appeal, before
// the arbitration ruling arrives by SignalAppealRuling.
//
// The history stays bounded without continue-as-new: it grows with the
// actions of a committee and two parties (evidence is capped) and one
// screening escalation per period, and continuing as new would lose the
// single, replayable record of the case that the audit relies on.
//
// Changes to this logic must go behind workflow.GetVersion: cases run for
// months, and TestEthicsReplay fails the build when a change breaks the
// recorded history of a complete case.
func Ethics(ctx workflow.Context, in Input) (State, error) {
	if err := in.Validate(); err != nil {
		return State{}, err
	}
	e := newComplaint(ctx, in)
	if err := e.setup(ctx); err != nil {
		return State{}, err
	}
	return e.run(ctx)
}

// complaint is the state of one running case. Update handlers and the ruling
// receiver never block: they change the state and queue the effects (audit
// entries, notifications, applying the decision), which the main loop runs
// in order.
type complaint struct {
	in      Input
	periods Periods
	st      State
	logger  log.Logger

	staff []string // sorted
	// participantCaps: version participantCapsSince, evidence capped per
	// participant.
	participantCaps bool
	// skipUnchanged: version skipUnchangedSince, an automatic
	// recomputation that changes no recusal is refused.
	skipUnchanged bool
	roster        []CommitteeMember // as the API last computed it
	selfRecused   map[string]string // member → reason; kept across recomputations
	rosterSeq     int               // roster changes so far: steps of quorum alerts
	noQuorum      bool              // the last roster change left the committee short

	lastEscalation time.Time
	responseDue    time.Time
	appealEnds     time.Time
	votes          int  // votes cast so far, all rounds: steps of vote entries
	rounds         int  // proposals made so far
	strayRulings   int  // rulings signalled when none was expected
	runs           int  // runs before this one (continue-as-new)
	flushBatch     bool // version flushBatchSince: a Flush runs the effects queued before it only
	projectTasks   bool // version projectTasksSince: the cases index carries each member's task

	effects []effect
	eng     *process.Engine
	rulings workflow.ReceiveChannel
	saved   workflows.CaseIndex
}

// effect is one side effect queued by a transition.
type effect struct {
	audit  *workflows.AuditInput
	notify *workflows.NotifyInput
	apply  *DecisionEffect
	appeal *workflows.OpenAppealInput
}

func newComplaint(ctx workflow.Context, in Input) *complaint {
	filedAt := in.FiledAt
	if filedAt.IsZero() {
		filedAt = workflow.GetInfo(ctx).WorkflowStartTime
	}
	filedAt = filedAt.UTC()
	e := &complaint{
		in:          in,
		periods:     in.Periods.withDefaults(),
		logger:      log.With(workflow.GetLogger(ctx), "case_id", in.CaseID),
		staff:       process.Set(in.StaffIDs),
		roster:      cleanRoster(in.Committee),
		selfRecused: map[string]string{},
		eng:         process.New(ctx),
		rulings:     workflow.GetSignalChannel(ctx, workflows.SignalAppealRuling),
	}
	e.st = State{
		CaseID:        in.CaseID,
		Receipt:       in.Receipt,
		Status:        StatusScreening,
		Kind:          in.Kind,
		Summary:       strings.TrimSpace(in.Summary),
		Links:         process.NonNil(slices.Clone(in.Links)),
		Anonymous:     in.Anonymous,
		ComplainantID: in.ComplainantID,
		RespondentID:  in.RespondentID,
		FiledAt:       filedAt,
		ScreeningDue:  filedAt.Add(e.periods.Screening.D()),
		Evidence:      []Evidence{},
		Votes:         []Vote{},
		Deadlines:     []workflows.Deadline{},
	}
	e.st.Committee = e.effectiveCommittee()
	if c := in.Carried; c != nil {
		e.in.Carried = nil
		e.restore(c)
	}
	return e
}

// revalidateSince is the version from which an update validates again
// after bringing the state up to now; cases started before it applied
// without the second check, and their histories replay as they ran.
const revalidateSince = "process-update-revalidate"

// setup registers the query and the updates.
func (e *complaint) setup(ctx workflow.Context) error {
	if e.runs == 0 { // a continued run keeps the versions it carried
		e.participantCaps = workflow.GetVersion(ctx, participantCapsSince, workflow.DefaultVersion, 1) >= 1
		e.skipUnchanged = workflow.GetVersion(ctx, skipUnchangedSince, workflow.DefaultVersion, 1) >= 1
		e.flushBatch = workflow.GetVersion(ctx, flushBatchSince, workflow.DefaultVersion, 1) >= 1
		e.projectTasks = workflow.GetVersion(ctx, projectTasksSince, workflow.DefaultVersion, 1) >= 1
	}
	revalidate := process.RevalidateSince(revalidateSince)
	if err := workflow.SetQueryHandler(ctx, Query, func() (State, error) {
		return e.Snapshot(), nil
	}); err != nil {
		return err
	}
	return errors.Join(
		process.Update(ctx, e, UpdateAdmit, e.validateAdmit, e.admit, revalidate),
		process.Update(ctx, e, UpdateDismiss, e.validateDismiss, e.dismiss, revalidate),
		process.Update(ctx, e, UpdateRecuse, e.validateRecuse, e.recuse, revalidate),
		process.Update(ctx, e, UpdateRecomputeRecusals, e.validateRecompute, e.recompute, revalidate),
		process.Update(ctx, e, UpdateRespond, e.validateRespond, e.respond, revalidate),
		process.Update(ctx, e, UpdateEvidence, e.validateEvidence, e.evidence, revalidate),
		process.Update(ctx, e, UpdateDeliberate, e.validateDeliberate, e.deliberate, revalidate),
		process.Update(ctx, e, UpdateVote, e.validateVote, e.vote, revalidate),
		process.Update(ctx, e, UpdateWithdrawProposal, e.validateWithdraw, e.withdraw, revalidate),
		process.Update(ctx, e, UpdateAppeal, e.validateAppeal, e.appeal, revalidate),
		process.Update(ctx, e, UpdateApplyModified, e.validateApplyModified, e.applyModified, revalidate),
	)
}

// run files the case, then runs the engine's loop until the case is
// closed and its effects are done.
func (e *complaint) run(ctx workflow.Context) (State, error) {
	workflow.Go(ctx, e.receiveRulings)
	if e.runs == 0 {
		e.file(workflow.Now(ctx))
	}
	if err := e.eng.Run(ctx, e); err != nil {
		return e.st, err
	}
	return e.st, nil
}

// The process.Loop and process.Process hooks.

// Prepare has nothing to do before the effects.
func (e *complaint) Prepare(workflow.Context, time.Time) bool { return false }

// Flush runs the queued effects.
func (e *complaint) Flush(ctx workflow.Context) { e.flush(ctx) }

// Busy: an update queued effects while Flush ran.
func (e *complaint) Busy() bool { return len(e.effects) > 0 }

// Done: the case is closed.
func (e *complaint) Done() bool { return e.st.Status == StatusClosed }

// Wait blocks until the next deadline or change.
func (e *complaint) Wait(ctx workflow.Context) {
	ev, ok := e.next()
	e.eng.Wait(ctx, ev, ok)
}

// Wake tells the main loop that the state changed.
func (e *complaint) Wake() { e.eng.Wake() }

// Snapshot is a copy of the state, as updates answer it.
func (e *complaint) Snapshot() State { return e.st.clone() }

// receiveRulings applies each arbitration ruling as it arrives, whatever
// the main loop is doing (it may be running effects for a while), so that a
// ruling is handled in its place among the updates, as an update handler
// would be. It ends with the workflow.
func (e *complaint) receiveRulings(ctx workflow.Context) {
	for {
		var r workflows.AppealRuling
		if !e.rulings.Receive(ctx, &r) {
			return
		}
		now := workflow.Now(ctx)
		e.Tick(now)
		e.ruling(now, r, e.fromLinked(ctx, r))
		e.Tick(now)
		e.Wake()
	}
}

// participantCapsSince is the version from which evidence is capped per
// participant (maxEvidencePerParticipant) rather than per case only.
const participantCapsSince = "ethics-participant-caps"

// skipUnchangedSince is the version from which the automatic
// recomputation of recusals is refused when it changes nothing, so that a
// flood of declarations never grows the case's history.
const skipUnchangedSince = "ethics-recompute-unchanged"

// flushBatchSince is the version from which a pass of the main loop runs
// only the effects queued before it.
const flushBatchSince = "ethics-flush-batch"

// projectTasksSince is the version from which the case writes, with its
// row in the cases index, what each member must do in it now (tasks):
// the dashboard reads them there. Cases started before never write them,
// and the dashboard asks their workflows as it did.
const projectTasksSince = "ethics-case-tasks"

// linkedRulingSince is the version from which a ruling counts only when
// the arbitration linked to the case's appeal sent it; cases that ran
// before took the first ruling signalled while appealed, and their
// histories replay as they ran.
const linkedRulingSince = "ethics-ruling-from-linked-arbitration"

// fromLinked says whether the ruling comes from the arbitration the case
// opened for its appeal (workflows.AppealArbitrationID; the API used the
// same ID before the case opened it itself). The version is asked only
// where the answer matters, while the case waits for its ruling.
func (e *complaint) fromLinked(ctx workflow.Context, r workflows.AppealRuling) bool {
	if e.st.Status != StatusAppealed || e.st.Ruling != nil {
		return false
	}
	if workflow.GetVersion(ctx, linkedRulingSince, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return true
	}
	return r.ArbitrationID == workflows.AppealArbitrationID(e.in.CaseID)
}

// Effects.

// audit queues an entry for the people of the case, whose Members the API
// lets read it. In an anonymous case, no entry the respondent may read
// names the complainant: their actions appear under the actor
// "complainant", with a twin entry for staff that names them.
func (e *complaint) audit(actor, action, step string, details map[string]any) {
	shown := actor
	if e.in.Anonymous && e.isComplainant(actor) {
		shown = RoleComplainant
		e.auditStaff(actor, action, step+"/staff", details)
	}
	e.effects = append(e.effects, effect{audit: e.entry(shown, action, step, "members", e.auditMembers(), details)})
}

// entry is an audit entry of the case for an audience (and, for
// "members", the members who may read it).
func (e *complaint) entry(actor, action, step, audience string, members []string, details any) *workflows.AuditInput {
	return &workflows.AuditInput{
		Actor:    actor,
		Process:  processName,
		ObjectID: e.in.CaseID,
		Action:   action,
		Details:  details,
		Audience: audience,
		Members:  members,
		IdemKey:  e.idemKey(step),
	}
}

// auditStaff queues an entry only staff may read: those that may name an
// anonymous complainant or give the reasons of recusals.
func (e *complaint) auditStaff(actor, action, step string, details map[string]any) {
	e.effects = append(e.effects, effect{audit: e.entry(actor, action, step, "staff", nil, details)})
}

// auditCommittee queues an entry for the non-recused committee only: the
// votes, which the parties do not see.
func (e *complaint) auditCommittee(actor, action, step string, details map[string]any) {
	e.effects = append(e.effects, effect{audit: e.entry(actor, action, step, "members", e.activeIDs(), details)})
}

// notify queues an email to members; every message carries the case ID
// and title the templates name the case by, and never the complainant's
// name or the receipt.
func (e *complaint) notify(step, event string, to []string, extra map[string]any) {
	if len(to) == 0 {
		return
	}
	data := map[string]any{"case_id": e.in.CaseID, "title": process.Title(e.in.Summary)}
	for k, v := range extra {
		data[k] = v
	}
	e.effects = append(e.effects, effect{notify: &workflows.NotifyInput{
		Process:   processName,
		ObjectID:  e.in.CaseID,
		Step:      step,
		Event:     event,
		MemberIDs: to,
		Data:      data,
	}})
}

func (e *complaint) idemKey(step string) string {
	return WorkflowID(e.in.CaseID) + "/" + step
}

// recipients is the sorted set of the people concerned: the parties (the
// respondent once informed), staff, the non-recused committee.
func (e *complaint) recipients(parties, staff, committee bool) []string {
	var to []string
	if parties {
		to = append(to, e.in.ComplainantID)
		if e.st.respondentInformed() {
			to = append(to, e.in.RespondentID)
		}
	}
	if staff {
		to = append(to, e.staff...)
	}
	if committee {
		to = append(to, e.activeIDs()...)
	}
	return process.Set(to)
}

// auditMembers may read the case and its entries: the complainant, the
// respondent once informed, the non-recused committee (staff read every
// entry by role).
func (e *complaint) auditMembers() []string { return e.recipients(true, false, true) }

// flush runs the queued effects in order, then brings the cases index up to
// date. Failures are logged, not returned: the case's state is the record,
// and the activities already retry until they succeed or fail for good.
func (e *complaint) flush(ctx workflow.Context) {
	// From version flushBatchSince a pass runs the effects queued before
	// it only, so that a stream of updates cannot keep the main loop here.
	todo := -1
	if e.flushBatch {
		todo = len(e.effects)
	}
	for len(e.effects) > 0 && todo != 0 {
		todo--
		x := e.effects[0]
		e.effects = e.effects[1:]
		switch {
		case x.audit != nil:
			if _, err := workflows.RecordAudit(ctx, *x.audit); err != nil {
				e.logger.Error("audit entry not written", "action", x.audit.Action, "error", err)
			}
		case x.notify != nil:
			if err := workflows.StartNotify(ctx, *x.notify); err != nil {
				e.logger.Error("notification not started", "event", x.notify.Event, "error", err)
			}
		case x.apply != nil:
			e.apply(ctx, *x.apply)
		case x.appeal != nil:
			e.openAppeal(ctx, *x.appeal)
		}
	}
	createdBy := e.in.ComplainantID
	if e.in.Anonymous {
		createdBy = ""
	}
	idx := workflows.CaseIndex{
		ID:        e.in.CaseID,
		Process:   processName,
		Status:    e.st.Status,
		Title:     process.Title(e.in.Summary),
		CreatedBy: createdBy,
		Members:   e.auditMembers(),
	}
	if e.projectTasks {
		idx.Projected, idx.Tasks = true, e.tasks()
	}
	if idx.Status == e.saved.Status && slices.Equal(idx.Members, e.saved.Members) &&
		(!e.projectTasks || e.saved.Projected && slices.EqualFunc(idx.Tasks, e.saved.Tasks, sameTask)) {
		return
	}
	if err := workflows.SaveCase(ctx, idx); err != nil {
		e.logger.Error("cases index not updated", "status", idx.Status, "error", err)
		return
	}
	e.saved = idx
}

// apply runs ApplyEthicsDecision, retried until it succeeds or fails for
// good; a failure is recorded for staff to apply the decision by hand,
// since the case must still close. Its audit entry goes before the rest of
// the closing entries, so that the log reads in the order things happened.
func (e *complaint) apply(ctx workflow.Context, eff DecisionEffect) {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
	err := workflow.ExecuteActivity(actx, ActivityApplyDecision, eff).Get(ctx, nil)
	details := map[string]any{
		"kind":             eff.Kind,
		"subject":          RoleRespondent,
		"matters":          eff.Matters,
		"until":            eff.Until,
		"position":         eff.Position,
		"ineligible_until": eff.IneligibleUntil,
	}
	if eff.SubjectID == e.in.ComplainantID {
		details["subject"] = RoleComplainant
	}
	staff := map[string]any{"subject_id": eff.SubjectID}
	var first []effect
	if err != nil {
		msg := err.Error()
		var appErr *temporal.ApplicationError
		if errors.As(err, &appErr) {
			msg = appErr.Message()
		}
		e.st.ApplyError = msg
		e.logger.Error("ethics decision not applied", "kind", eff.Kind, "error", err)
		staff["error"] = msg
		for k, v := range details {
			staff[k] = v
		}
		first = append(first, e.staffEffect(system, "ethics.apply_failed", "apply_failed", staff))
	} else {
		v := eff
		e.st.Applied = &v
		for k, v := range details {
			staff[k] = v
		}
		first = append(first,
			e.staffEffect(system, "ethics.decision_applied", "applied/staff", staff),
			effect{audit: e.entry(system, "ethics.decision_applied", "applied", "members", e.auditMembers(), details)})
	}
	e.effects = append(first, e.effects...)
}

// openAppeal opens the arbitration case that hears the appeal, retried
// until it succeeds: the case waits for that arbitration's ruling, so it
// must exist. Cases appealed before this version had it opened by the
// API.
func (e *complaint) openAppeal(ctx workflow.Context, in workflows.OpenAppealInput) {
	if workflow.GetVersion(ctx, "ethics-appeal-opens-arbitration", workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    10 * time.Minute,
			// No MaximumAttempts: retried until it succeeds.
		},
	})
	if err := workflow.ExecuteActivity(actx, workflows.ActivityOpenAppeal, in).Get(ctx, nil); err != nil {
		e.logger.Error("appeal arbitration not opened", "error", err)
	}
}

func (e *complaint) staffEffect(actor, action, step string, details map[string]any) effect {
	return effect{audit: e.entry(actor, action, step, "staff", nil, details)}
}

// tasks is what each member must do in the case now, and by when, as the
// dashboard shows it: the committee members not recused (and no party)
// screen and then deliberate, the respondent answers, and each party may
// appeal the decision while the window is open.
func (e *complaint) tasks() []workflows.CaseTask {
	var out []workflows.CaseTask
	at := func(t time.Time) *time.Time { return &t }
	party := func(id string) bool { return id == e.in.ComplainantID || id == e.st.RespondentID }
	committee := func(action string, due *time.Time) {
		for _, m := range e.st.Committee {
			if !m.Recused && !party(m.MemberID) {
				out = append(out, workflows.CaseTask{MemberID: m.MemberID, Action: action, Due: due})
			}
		}
	}
	switch st := e.st; {
	case st.Status == StatusClosed:
	case st.Status == StatusScreening:
		committee(workflows.TaskScreen, at(st.ScreeningDue))
	case st.Status == StatusInvestigation && st.Response == nil && st.RespondentID != "":
		var due *time.Time
		if st.ResponseDue != nil {
			due = at(*st.ResponseDue)
		}
		out = append(out, workflows.CaseTask{MemberID: st.RespondentID, Action: workflows.TaskRespond, Due: due})
	case st.Status == StatusDeliberation:
		committee(workflows.TaskDeliberate, nil)
	case st.AppealEnds != nil && st.Appeal == nil && st.Status != StatusAppealed:
		for _, id := range process.Set([]string{e.in.ComplainantID, st.RespondentID}) {
			out = append(out, workflows.CaseTask{MemberID: id, Action: workflows.TaskAppeal, Due: at(*st.AppealEnds)})
		}
	}
	return out
}

// sameTask compares two tasks by value.
func sameTask(x, y workflows.CaseTask) bool {
	return x.MemberID == y.MemberID && x.Action == y.Action &&
		(x.Due == nil) == (y.Due == nil) && (x.Due == nil || x.Due.Equal(*y.Due))
}
