package arbitration

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Arbitration runs one arbitration case from filing to ruling (SPEC process
// 2). Every transition is an update checked by a validator; every deadline
// is a durable timer.
//
// The history stays bounded without continue-as-new: it grows only with the
// actions of a handful of people (a party's submissions are capped), a fixed
// number of reminders, and one overdue alert a day, which would take decades
// to approach Temporal's limits. Continuing as new would also lose the
// single, replayable record of the case that the audit relies on.
//
// Changes to this logic must go behind workflow.GetVersion: cases run for
// months, and TestArbitrationReplay fails the build when a change breaks
// the recorded history of a complete case.
func Arbitration(ctx workflow.Context, in Input) (State, error) {
	if err := in.Validate(); err != nil {
		return State{}, err
	}
	a := newArbitration(ctx, in)
	if err := a.setup(ctx); err != nil {
		return State{}, err
	}
	return a.run(ctx)
}

// arbitration is the state of one running case. Update handlers never
// block: they change the state and queue the effects (audit entries,
// notifications, the appeal signal), which the main loop runs in order.
// That keeps one writer of side effects and makes every update answer with
// the state it produced.
type arbitration struct {
	in      Input
	periods Periods
	st      State
	logger  log.Logger

	parties []string // party members, sorted
	staff   []string // sorted
	removed []string // arbitrators removed by a sustained challenge

	// participantCaps: version participantCapsSince, submissions capped
	// per party member.
	participantCaps bool
	// flushBatch: version flushBatchSince, a Flush runs the effects queued
	// before it only.
	flushBatch bool
	// recordContest: version recordContestSince, a case appealing an
	// election records the contest on it (ActivityRecordContest);
	// contest is that activity while it runs, contestSettled once it
	// has succeeded or failed for good.
	recordContest  bool
	contest        workflow.Future
	contestSettled bool
	runs           int // runs before this one (continue-as-new)

	assignments       int
	challengeEnds     time.Time
	windowClosed      bool
	submissionsEnd    time.Time // zero until submissions open
	submissionsClosed bool
	hearings          int // hearings scheduled so far: the next SEQUENCE
	held              bool
	extended          bool      // reminder steps of the extended deadline differ
	remindersFrom     time.Time // reminders due before this are skipped
	reminderDone      map[string]bool
	lastOverdue       time.Time

	effects []effect
	eng     *process.Engine
	saved   workflows.CaseIndex
}

// effect is one side effect queued by a transition.
type effect struct {
	audit  *workflows.AuditInput
	notify *workflows.NotifyInput
	appeal *workflows.AppealRuling
}

func newArbitration(ctx workflow.Context, in Input) *arbitration {
	filedAt := in.FiledAt
	if filedAt.IsZero() {
		filedAt = workflow.GetInfo(ctx).WorkflowStartTime
	}
	parties := slices.Clone(in.NotifyMemberIDs)
	for _, p := range in.Parties {
		if p.Kind == PartyMember {
			parties = append(parties, p.ID)
		}
	}
	a := &arbitration{
		in:           in,
		periods:      in.Periods.withDefaults(),
		logger:       log.With(workflow.GetLogger(ctx), "case_id", in.CaseID),
		parties:      process.Set(parties),
		staff:        process.Set(in.StaffIDs),
		reminderDone: map[string]bool{},
		eng:          process.New(ctx),
	}
	a.st = State{
		CaseID:        in.CaseID,
		Status:        StatusFiled,
		Question:      in.Question,
		Articles:      process.NonNil(in.Articles),
		Parties:       process.NonNil(in.Parties),
		FiledBy:       in.FiledBy,
		FiledAt:       filedAt.UTC(),
		AppealOf:      in.AppealOf,
		Challenges:    []Challenge{},
		Submissions:   []Submission{},
		Deadlines:     []workflows.Deadline{},
		RemindersSent: []string{},
	}
	if c := in.Carried; c != nil {
		a.in.Carried = nil
		a.restore(c)
	}
	return a
}

// setup registers the query and the updates.
func (a *arbitration) setup(ctx workflow.Context) error {
	if a.runs == 0 { // a continued run keeps the versions it carried
		a.participantCaps = workflow.GetVersion(ctx, participantCapsSince, workflow.DefaultVersion, 1) >= 1
		a.flushBatch = workflow.GetVersion(ctx, flushBatchSince, workflow.DefaultVersion, 1) >= 1
		if ref := a.in.AppealOf; ref != nil && ref.Kind == workflows.AppealKindElection {
			a.recordContest = workflow.GetVersion(ctx, recordContestSince, workflow.DefaultVersion, 1) >= 1
		}
	}
	if err := workflow.SetQueryHandler(ctx, Query, func() (State, error) {
		return a.Snapshot(), nil
	}); err != nil {
		return err
	}
	// Updates used to apply without validating a second time after the
	// tick; executions from the version revalidate, older ones replay as
	// they ran.
	revalidate := process.RevalidateSince(revalidateChange)
	for _, err := range []error{
		process.Update(ctx, a, UpdateAssign, a.validateAssign, a.assign, revalidate),
		process.Update(ctx, a, UpdateConfirm, a.validateConfirm, a.confirm, revalidate),
		process.Update(ctx, a, UpdateChallenge, a.validateChallenge, a.challenge, revalidate),
		process.Update(ctx, a, UpdateDecideChallenge, a.validateDecideChallenge, a.decideChallenge, revalidate),
		process.Update(ctx, a, UpdateSubmit, a.validateSubmit, a.submit, revalidate),
		process.Update(ctx, a, UpdateHearing, a.validateHearing, a.hearing, revalidate),
		process.Update(ctx, a, UpdateExtend, a.validateExtend, a.extend, revalidate),
		process.Update(ctx, a, UpdateRuling, a.validateRuling, a.ruling, revalidate),
		process.Update(ctx, a, UpdateOmbudsman, a.validateOmbudsman, a.ombudsman, revalidate),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// run files the case, then runs the engine's loop until the ruling's
// effects are done.
// participantCapsSince is the version from which submissions are capped
// per party member rather than per case.
const participantCapsSince = "arbitration-participant-caps"

// flushBatchSince is the version from which a pass of the main loop runs
// only the effects queued before it.
const flushBatchSince = "arbitration-flush-batch"

// recordContestSince is the version from which a case appealing an
// election records the contest on the election itself; before it, the
// API sent the update after starting the case, best-effort.
const recordContestSince = "arbitration-records-contest"

func (a *arbitration) run(ctx workflow.Context) (State, error) {
	if a.runs == 0 {
		a.file()
	}
	if a.recordContest && !a.contestSettled {
		a.startContest(ctx)
	}
	err := a.eng.Run(ctx, a)
	return a.st, err
}

// Wake tells the main loop that an update changed the state.
func (a *arbitration) Wake() { a.eng.Wake() }

// Prepare has nothing to do before the effects.
func (a *arbitration) Prepare(workflow.Context, time.Time) bool { return false }

// Flush runs the queued effects.
func (a *arbitration) Flush(ctx workflow.Context) { a.flush(ctx) }

// Busy reports effects queued while Flush ran.
func (a *arbitration) Busy() bool { return len(a.effects) > 0 }

// Done reports that the ruling is recorded and its effects are out.
func (a *arbitration) Done() bool { return a.st.Ruling != nil }

// Wait blocks until the next deadline, the next update or, while it
// runs, the end of the activity recording the contest on the election.
func (a *arbitration) Wait(ctx workflow.Context) {
	ev, ok := a.next()
	var more []func(workflow.Selector)
	if a.contest != nil {
		more = append(more, func(sel workflow.Selector) {
			sel.AddFuture(a.contest, func(f workflow.Future) { a.contested(f.Get(ctx, nil)) })
		})
	}
	a.eng.Wait(ctx, ev, ok, more...)
}

// file records the filing, the first effects of every case.
func (a *arbitration) file() {
	a.audit(a.in.FiledBy, "arbitration.filed", "filed", map[string]any{
		"question":  a.in.Question,
		"articles":  a.st.Articles,
		"parties":   a.st.Parties,
		"appeal_of": a.in.AppealOf,
	})
	to := a.recipients(true, false, true)
	if a.in.FiledBy != "" {
		to = process.Set(append(to, a.in.FiledBy))
	}
	a.notify("filed", "arbitration.filed", to, nil)
}

// startContest records the contest on the election under appeal, so that
// the election shows its result contested as soon as the case is filed.
// The activity is retried until it succeeds or fails for good; the main
// loop goes on meanwhile (Wait takes its end). A continued run starts it
// again while it has not settled: it is idempotent. The case does not
// wait for it to close: the ruling's signal records the contest on the
// election too.
func (a *arbitration) startContest(ctx workflow.Context) {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    10 * time.Minute,
			// No MaximumAttempts: retried until it succeeds or fails
			// for good (workflows.ErrContestRefused).
		},
	})
	a.contest = workflow.ExecuteActivity(actx, workflows.ActivityRecordContest, workflows.RecordContestInput{
		ElectionID: a.in.AppealOf.ID, ArbitrationID: a.in.CaseID,
	})
}

// contested writes the outcome of recording the contest to the case's
// audit log: recorded, or refused for good with the election's reason.
func (a *arbitration) contested(err error) {
	a.contest, a.contestSettled = nil, true
	details := map[string]any{"election_id": a.in.AppealOf.ID}
	action := "arbitration.contest_recorded"
	if err != nil {
		action = "arbitration.contest_refused"
		var appErr *temporal.ApplicationError
		if errors.As(err, &appErr) {
			details["error"] = appErr.Message()
		} else {
			details["error"] = err.Error()
		}
		a.logger.Warn("contest not recorded on the election", "election", a.in.AppealOf.ID, "error", err)
	}
	a.audit(system, action, "contest", details)
}

// Effects.

// audit queues an audit entry visible to the people of the case.
func (a *arbitration) audit(actor, action, step string, details map[string]any) {
	a.effects = append(a.effects, effect{audit: &workflows.AuditInput{
		Actor:    actor,
		Process:  processName,
		ObjectID: a.in.CaseID,
		Action:   action,
		Details:  details,
		Audience: "members",
		Members:  a.auditMembers(),
		IdemKey:  a.idemKey(step),
	}})
}

// notify queues an email to members; every message carries the case ID
// and title the templates name the case by.
func (a *arbitration) notify(step, event string, to []string, extra map[string]any, att ...workflows.Attachment) {
	if len(to) == 0 {
		return
	}
	data := map[string]any{"case_id": a.in.CaseID, "title": process.Title(a.in.Question)}
	for k, v := range extra {
		data[k] = v
	}
	a.effects = append(a.effects, effect{notify: &workflows.NotifyInput{
		Process:     processName,
		ObjectID:    a.in.CaseID,
		Step:        step,
		Event:       event,
		MemberIDs:   to,
		Data:        data,
		Attachments: att,
	}})
}

func (a *arbitration) idemKey(step string) string {
	return WorkflowID(a.in.CaseID) + "/" + step
}

// recipients is the sorted set of the people concerned.
func (a *arbitration) recipients(parties, arbitrator, staff bool) []string {
	var to []string
	if parties {
		to = append(to, a.parties...)
	}
	if arbitrator && a.st.ArbitratorID != "" {
		to = append(to, a.st.ArbitratorID)
	}
	if staff {
		to = append(to, a.staff...)
	}
	return process.Set(to)
}

// auditMembers may read the case's audit entries: the parties, the filer
// and the current arbitrator (staff read every entry by role).
func (a *arbitration) auditMembers() []string {
	m := append(slices.Clone(a.parties), a.in.FiledBy)
	if a.st.ArbitratorID != "" {
		m = append(m, a.st.ArbitratorID)
	}
	return process.Set(m)
}

// flush runs the queued effects in order, then brings the cases index up to
// date. Failures are logged, not returned: the case's state is the record,
// and the activities already retry until they succeed or fail for good.
func (a *arbitration) flush(ctx workflow.Context) {
	// From version flushBatchSince a pass runs the effects queued before
	// it only, so that a stream of updates cannot keep the main loop here.
	todo := -1
	if a.flushBatch {
		todo = len(a.effects)
	}
	for len(a.effects) > 0 && todo != 0 {
		todo--
		e := a.effects[0]
		a.effects = a.effects[1:]
		switch {
		case e.audit != nil:
			if _, err := workflows.RecordAudit(ctx, *e.audit); err != nil {
				a.logger.Error("audit entry not written", "action", e.audit.Action, "error", err)
			}
		case e.notify != nil:
			if err := workflows.StartNotify(ctx, *e.notify); err != nil {
				a.logger.Error("notification not started", "event", e.notify.Event, "error", err)
			}
		case e.appeal != nil:
			a.signalAppeal(ctx, *e.appeal)
		}
	}
	idx := workflows.CaseIndex{
		ID:        a.in.CaseID,
		Process:   processName,
		Status:    a.st.Status,
		Title:     process.Title(a.in.Question),
		CreatedBy: a.in.FiledBy,
		Members:   a.auditMembers(),
	}
	if idx.Status == a.saved.Status && slices.Equal(idx.Members, a.saved.Members) {
		return
	}
	if err := workflows.SaveCase(ctx, idx); err != nil {
		a.logger.Error("cases index not updated", "status", idx.Status, "error", err)
		return
	}
	a.saved = idx
}

// signalAppeal applies the ruling to the decision under appeal. The
// arbitration closes whatever happens: a missing target (a closed or
// unknown process) is written to the audit log for staff to act on.
func (a *arbitration) signalAppeal(ctx workflow.Context, r workflows.AppealRuling) {
	target := workflows.AppealTargetID(*a.in.AppealOf)
	err := workflow.SignalExternalWorkflow(ctx, target, "", workflows.SignalAppealRuling, r).Get(ctx, nil)
	details := map[string]any{"target": target, "delivered": err == nil}
	if err != nil {
		details["error"] = err.Error()
		a.logger.Warn("ruling not delivered to the appealed process", "target", target, "error", err)
	}
	in := workflows.AuditInput{
		Actor:    system,
		Process:  processName,
		ObjectID: a.in.CaseID,
		Action:   "arbitration.appeal_signal",
		Details:  details,
		Audience: "members",
		Members:  a.auditMembers(),
		IdemKey:  a.idemKey("appeal_signal"),
	}
	if _, err := workflows.RecordAudit(ctx, in); err != nil {
		a.logger.Error("audit entry not written", "action", in.Action, "error", err)
	}
}

// hearingICS is the hearing invitation (RFC 5545, METHOD:REQUEST). The UID
// is the case's, so every version of the invitation updates one calendar
// entry; stamp is the workflow time of the change, which keeps the file
// deterministic.
func hearingICS(caseID, summary string, h Hearing, stamp time.Time) []byte {
	const utc = "20060102T150405Z"
	var b strings.Builder
	line := func(s string) {
		// Fold at 75 octets without splitting a UTF-8 sequence (RFC 5545
		// 3.1); continuation lines start with a space.
		limit := 75
		for len(s) > limit {
			cut := limit
			for cut > 0 && !utf8.RuneStart(s[cut]) {
				cut--
			}
			b.WriteString(s[:cut])
			b.WriteString("\r\n ")
			s = s[cut:]
			limit = 74
		}
		b.WriteString(s)
		b.WriteString("\r\n")
	}
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//LACRALO//ralo//EN")
	line("CALSCALE:GREGORIAN")
	line("METHOD:REQUEST")
	line("BEGIN:VEVENT")
	line("UID:" + iCSText("arbitration-"+caseID+"@ralo"))
	line("SEQUENCE:" + strconv.Itoa(h.Sequence))
	line("DTSTAMP:" + stamp.UTC().Format(utc))
	line("DTSTART:" + h.StartsAt.UTC().Format(utc))
	line("DTEND:" + h.StartsAt.Add(h.Duration.D()).UTC().Format(utc))
	line("SUMMARY:" + iCSText(summary))
	line("LOCATION:" + iCSText(h.Location))
	line("STATUS:CONFIRMED")
	line("END:VEVENT")
	line("END:VCALENDAR")
	return []byte(b.String())
}

// iCSText escapes a TEXT value (RFC 5545 3.3.11).
func iCSText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}
