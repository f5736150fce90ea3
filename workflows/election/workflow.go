package election

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
)

// Election runs one election cycle (SPEC process 3): nominations, the
// reopening of seats without an eligible candidate, acclamation or vote,
// quorum and its one extension, the count with a second ballot and a
// transparent draw, and certification. Every deadline is a durable timer;
// every transition an update with a validator.
//
// Changes to this logic must go behind workflow.GetVersion:
// TestReplay fails the build when a change breaks the recorded
// history of a complete cycle.
func Election(ctx workflow.Context, in Input) (State, error) {
	if err := in.Validate(); err != nil {
		return State{}, err
	}
	e := newElection(ctx, in)
	if err := e.setup(ctx); err != nil {
		return State{}, err
	}
	return e.run(ctx)
}

// election is the state of one running cycle. As in the arbitration,
// handlers never block: they change the state and queue effects that the
// main loop runs in order.
type election struct {
	in     Input
	st     State
	logger log.Logger

	nominationsClosed  bool
	votingOpened       bool
	decided            map[string]bool // seats whose acclamation or vote was decided
	roll               domain.Roll     // weighted, once frozen
	ballots            []castBallot
	results            map[string]*SeatResult
	closedAt           time.Time
	nextNomination     int
	eligibilityChanges int

	// v2 is set for cycles started after emails, eligibility rechecks,
	// participation and positions were added (workflow.GetVersion).
	v2         bool
	batchAudit bool // version "election-audit-batch": one activity per backlog
	distinct   bool // version "election-lacralo-distinct": a distinct seat's count passes over clashing candidates
	outcomes   bool // version "election-lacralo-outcome": each seat result says elected or recommended
	budget     bool // version "election-ballot-budget": an ALS replaces a ballot at most MaxBallotChanges times
	coalesce   bool // version "election-recheck-coalesced": a recheck asked for while one is pending is refused
	// v5 is version "election-lacralo-succession": the elects' succession,
	// the sitting holders in a distinct seat's acclamation and counts
	// (ranked too), the recommendation's email, the must_fill_by alerts.
	v5 bool
	// receiptMail is version "election-receipt-email": each ballot's
	// receipt code is emailed to whoever cast it (never the choice).
	receiptMail        bool
	receiptMails       int // receipts emailed, numbering their emails
	runs               int // runs before this one (continue-as-new)
	successionsPlanned bool
	sitting            map[string][]Holder  // by seat, read before its decision and each close
	lateAlerted        map[string]time.Time // by seat: the planned end staff were alerted about
	overdueAlerts      map[string]int       // by seat: daily alerts sent after must_fill_by
	checked            map[string]bool      // decision points whose eligibility was rechecked
	recheckWanted      bool
	termReached        bool
	contestClosed      bool
	rulings            workflow.ReceiveChannel
	extensions         int
	notes              []workflows.NotifyInput
	participation      []workflows.BallotReceipt

	effects []workflows.AuditInput
	eng     *process.Engine
	saved   workflows.CaseIndex
}

// castBallot is a ballot as recorded; choices stay out of the state.
type castBallot struct {
	seat  string
	round int
	b     domain.Ballot
}

func newElection(ctx workflow.Context, in Input) *election {
	createdAt := in.CreatedAt
	if createdAt.IsZero() {
		createdAt = workflow.GetInfo(ctx).WorkflowStartTime
	}
	e := &election{
		in:      in,
		logger:  log.With(workflow.GetLogger(ctx), "election_id", in.ElectionID),
		decided: map[string]bool{},
		checked: map[string]bool{},
		results: map[string]*SeatResult{},
		sitting: map[string][]Holder{}, lateAlerted: map[string]time.Time{}, overdueAlerts: map[string]int{},
		eng: process.New(ctx),
	}
	if c := in.Carried; c != nil {
		e.in.Carried = nil
		e.restore(c)
		return e
	}
	seats := make([]SeatState, len(in.Seats))
	for i, s := range in.Seats {
		seats[i] = SeatState{SeatSpec: s, Status: SeatStatusOpen, NominationsUntil: in.Calendar.NominationsClose.UTC(),
			Candidates: []string{}, Elected: []string{}}
	}
	e.st = State{
		ElectionID: in.ElectionID, Title: in.Title, Status: StatusNominations, Calendar: in.Calendar,
		Rules: in.Rules, Seats: seats, Nominations: []Nomination{}, Objections: []Objection{},
		Proxies: []workflows.ElectionProxy{}, Roll: []workflows.ElectionRollEntry{}, Voted: []workflows.Voted{},
		Exceptions: []Exception{}, Deadlines: []workflows.Deadline{}, CreatedBy: in.CreatedBy, CreatedAt: createdAt.UTC(),
	}
	return e
}

// setup registers the queries and the updates.
func (e *election) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, Query, func() (State, error) {
		return e.Snapshot(), nil
	}); err != nil {
		return err
	}
	if err := workflow.SetQueryHandler(ctx, QueryResults, func() (Results, error) {
		if e.closedAt.IsZero() {
			return Results{}, process.InvalidStateCode("election.results_not_yet", "the results are published when voting has closed")
		}
		return e.resultsDoc(), nil
	}); err != nil {
		return err
	}
	regs := []func() error{
		func() error { return process.Update(ctx, e, UpdateNominate, e.validateNominate, e.nominate) },
		func() error { return process.Update(ctx, e, UpdateAccept, e.validateAccept, e.accept) },
		func() error {
			return process.Update(ctx, e, UpdateSetEligibility, e.validateSetEligibility, e.setEligibility)
		},
		func() error { return process.Update(ctx, e, UpdateObject, e.validateObject, e.object) },
		func() error {
			return process.Update(ctx, e, UpdateRegisterProxy, e.validateRegisterProxy, e.registerProxy)
		},
		func() error { return process.Update(ctx, e, UpdateCertify, e.validateCertify, e.certify) },
		func() error { return process.Update(ctx, e, UpdateExtend, e.validateExtend, e.extend) },
		func() error { return process.Update(ctx, e, UpdateRecheck, e.validateRecheck, e.requestRecheck) },
		func() error { return process.Update(ctx, e, UpdateContest, e.validateContest, e.contest) },
		func() error {
			return process.UpdateResult(ctx, e, UpdateBallot, e.validateBallot,
				func(ctx workflow.Context, now time.Time, in BallotInput) workflows.BallotReceipt {
					return e.ballot(now, in, workflows.NewReceipt(ctx))
				})
		},
	}
	for _, reg := range regs {
		if err := reg(); err != nil {
			return err
		}
	}
	return nil
}

// run opens the cycle, then runs the main loop until the results are
// certified (and, from version 2, the elected have taken their positions
// and every contest has its ruling).
// A run that continues another takes its versions and state from what
// the previous run carried, and opens nothing again.
func (e *election) run(ctx workflow.Context) (State, error) {
	e.rulings = workflow.GetSignalChannel(ctx, workflows.SignalAppealRuling)
	if e.runs == 0 {
		e.v2 = workflow.GetVersion(ctx, "election-v2", workflow.DefaultVersion, 1) == 1
		e.batchAudit = workflow.GetVersion(ctx, "election-audit-batch", workflow.DefaultVersion, 1) == 1
		e.outcomes = workflow.GetVersion(ctx, "election-lacralo-outcome", workflow.DefaultVersion, 1) == 1
		e.distinct = workflow.GetVersion(ctx, "election-lacralo-distinct", workflow.DefaultVersion, 1) == 1
		e.budget = workflow.GetVersion(ctx, "election-ballot-budget", workflow.DefaultVersion, 1) == 1
		e.coalesce = workflow.GetVersion(ctx, "election-recheck-coalesced", workflow.DefaultVersion, 1) == 1
		e.v5 = workflow.GetVersion(ctx, "election-lacralo-succession", workflow.DefaultVersion, 1) == 1
		e.receiptMail = workflow.GetVersion(ctx, "election-receipt-email", workflow.DefaultVersion, 1) == 1
		e.audit(e.in.CreatedBy, "election.opened", "opened", map[string]any{
			"title": e.in.Title, "seats": e.in.Seats, "calendar": e.in.Calendar,
		})
		e.notifyAll("opened", "election.opened", e.in.Calendar.NominationsClose)
	}
	err := e.eng.Run(ctx, e)
	return e.st, err
}

// Wake tells the main loop that an update changed the state.
func (e *election) Wake() { e.eng.Wake() }

// Prepare does the blocking work that must precede the effects, one piece
// per pass: the eligibility recheck a due decision waits for (or an update
// asked for), freezing the roll when voting opens, the positions at the
// term start.
func (e *election) Prepare(ctx workflow.Context, now time.Time) bool {
	if gate, ok := e.gateDue(now); ok || e.recheckWanted {
		switch {
		case strings.HasPrefix(gate, holdersGate):
			e.loadSitting(ctx, gate)
		case strings.HasPrefix(gate, successionGate):
			e.succeed(ctx, gate)
		default:
			e.recheck(ctx, gate)
			if e.v5 && strings.HasPrefix(gate, decideGate) {
				e.loadSitting(ctx, gate)
			}
		}
		return true
	}
	if e.needsRoll(now) {
		e.freezeRoll(ctx)
		return true
	}
	if e.termReached && e.st.PositionsAssignedAt == nil {
		e.assignElected(ctx)
		return true
	}
	if e.v5 && e.st.PositionsAssignedAt != nil && !e.successionsPlanned {
		e.planSuccessions(ctx)
		return true
	}
	return false
}

// Busy reports effects queued while Flush ran, or a recheck asked for.
func (e *election) Busy() bool {
	return len(e.effects) > 0 || len(e.notes) > 0 || len(e.participation) > 0 || e.recheckWanted
}

// Done reports a certified cycle whose positions are assigned and whose
// contests are settled (cycles before version 2: certified).
func (e *election) Done() bool {
	return e.st.CertifiedAt != nil && (!e.v2 || e.st.PositionsAssignedAt != nil && e.contestsSettled()) && e.successionsSettled()
}

// Wait blocks until the next deadline, an update or, from version 2, an
// arbitration's ruling on a contested result.
func (e *election) Wait(ctx workflow.Context) {
	ev, ok := e.next()
	var rulings []func(workflow.Selector)
	if e.v2 {
		rulings = append(rulings, func(sel workflow.Selector) {
			sel.AddReceive(e.rulings, func(c workflow.ReceiveChannel, _ bool) {
				var r workflows.AppealRuling
				c.Receive(ctx, &r)
				e.ruled(workflow.Now(ctx), r)
			})
		})
	}
	e.eng.Wait(ctx, ev, ok, rulings...)
}

// needsRoll says the roll must be frozen now: voting has opened and a seat
// goes to the vote.
func (e *election) needsRoll(now time.Time) bool {
	if e.st.RollFrozen || now.Before(e.in.Calendar.VotingOpen) {
		return false
	}
	return slices.ContainsFunc(e.st.Seats, func(s SeatState) bool { return s.Status == SeatStatusVoting })
}

// freezeRoll reads the electorate from the registry and weighs it. A
// failure is retried by the activity; proxies the registry no longer
// allows are dropped and recorded as exceptions.
func (e *election) freezeRoll(ctx workflow.Context) {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
	var res workflows.FreezeRollResult
	err := workflow.ExecuteActivity(actx, workflows.ActivityFreezeElectionRoll, workflows.FreezeRollInput{
		ElectionID: e.in.ElectionID, Proxies: e.st.Proxies,
	}).Get(ctx, &res)
	now := workflow.Now(ctx)
	if err != nil {
		e.logger.Error("electoral roll not frozen", "error", err)
		e.exception("", "roll_failed", "the electoral roll could not be read: "+err.Error(), now)
	}
	roll := domain.Roll{}
	for _, r := range res.Entries {
		entry := domain.RollEntry{ALSID: r.ALSID, Country: r.Country}
		if r.ProxyFor != nil {
			holder := *r.ProxyFor
			entry.ProxyFor = &holder
		}
		roll.Entries = append(roll.Entries, entry)
	}
	weighted, werr := domain.NationalWeights(roll, e.in.Rules.Weighting)
	if werr != nil {
		e.exception("", "roll_failed", werr.Error(), now)
	}
	e.roll = weighted
	e.st.Roll = workflows.RollDoc(weighted)
	e.st.RollFrozen = true
	for _, d := range res.Dropped {
		e.exception("", "proxy_dropped", d, now)
	}
	e.audit(system, "election.roll_frozen", "roll", map[string]any{"roll": e.st.Roll, "dropped_proxies": res.Dropped})
	closes := e.in.Calendar.VotingClose
	for _, s := range e.st.Seats {
		if s.Status == SeatStatusVoting && s.VotingCloses != nil && s.VotingCloses.Before(closes) {
			closes = *s.VotingCloses
		}
	}
	e.notifyAll("voting_open", "election.voting_open", closes)
}

// gate names a decision point whose eligibility must be rechecked before
// it fires; cycles started before version 2 have none.
func (e *election) gate(name string) string {
	if !e.v2 {
		return ""
	}
	return name
}

// gateDue reports a due decision point still waiting for its recheck.
func (e *election) gateDue(now time.Time) (string, bool) {
	ev, ok := e.next()
	if !ok || ev.At.After(now) || ev.Gate == "" || e.checked[ev.Gate] {
		return "", false
	}
	return ev.Gate, true
}

// recheck recomputes the open nominations' eligibility from the registry
// and records each change. A failure leaves the recorded eligibility in
// place, with an exception for staff to look into.
func (e *election) recheck(ctx workflow.Context, gate string) {
	if gate != "" {
		e.checked[gate] = true
	}
	e.recheckWanted = false
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
	var changes []EligibilityChange
	// What each nomination was when the registry was read: one accepted
	// while the activity ran keeps the eligibility its acceptance
	// recorded, and is rechecked again.
	accepted := map[string]bool{}
	for _, n := range e.st.Nominations {
		accepted[n.ID] = n.Accepted
	}
	err := workflow.ExecuteActivity(actx, ActivityRecheckEligibility, RecheckEligibilityInput{State: e.Snapshot()}).Get(ctx, &changes)
	now := workflow.Now(ctx)
	if err != nil {
		e.logger.Error("eligibility not rechecked", "error", err)
		e.exception("", "recheck_failed", "eligibility could not be rechecked: "+err.Error(), now)
		return
	}
	for _, c := range changes {
		n := e.nomination(c.NominationID)
		if n == nil || e.decided[n.Seat] {
			continue
		}
		if n.Accepted != accepted[n.ID] && workflow.GetVersion(ctx, "election-recheck-stale", workflow.DefaultVersion, 1) == 1 {
			e.recheckWanted = true
			continue
		}
		n.Eligible, n.Reasons = c.Eligible, process.NonNil(c.Reasons)
		e.eligibilityChanges++
		e.audit(system, "election.eligibility_changed", "eligibility/"+n.ID+"/"+strconv.Itoa(e.eligibilityChanges), map[string]any{
			"nomination_id": n.ID, "seat": n.Seat, "nominee_id": n.NomineeID, "eligible": n.Eligible, "reasons": n.Reasons,
		})
	}
}

// assignElected gives the elected their positions at the term start. A
// failure is retried by the activity; the workflow completes once done.
func (e *election) assignElected(ctx workflow.Context) {
	in := AssignElectedInput{ElectionID: e.in.ElectionID, TermStart: workflow.Now(ctx), Seats: []ElectedSeat{}}
	if t := e.in.Calendar.TermStart; t != nil && t.After(*e.st.CertifiedAt) {
		in.TermStart = *t
	} else {
		in.TermStart = *e.st.CertifiedAt
	}
	for _, s := range e.st.Seats {
		if len(s.Elected) > 0 {
			es := ElectedSeat{Seat: s.Seat, Position: s.Position, Elected: slices.Clone(s.Elected)}
			if e.v5 {
				es.TermEnd = termEnd(in.TermStart, s.Term)
			}
			in.Seats = append(in.Seats, es)
		}
	}
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{MaximumInterval: time.Hour},
	})
	if err := workflow.ExecuteActivity(actx, ActivityAssignElected, in).Get(ctx, nil); err != nil {
		e.logger.Error("positions not assigned", "error", err)
		e.exception("", "positions_failed", "positions could not be assigned: "+err.Error(), workflow.Now(ctx))
	}
	now := workflow.Now(ctx)
	e.st.PositionsAssignedAt = &now
	e.effects = append(e.effects, workflows.AuditInput{
		Actor: system, Process: processName, ObjectID: e.in.ElectionID, Action: "election.positions_assigned",
		Details: in, Audience: "public", IdemKey: e.idemKey("positions"),
	})
}

// Flush writes the queued audit entries, starts the notifications, records
// the ballots' participation, then the cases index. Failures are logged:
// the workflow's state is the record.
func (e *election) Flush(ctx workflow.Context) {
	if e.batchAudit && len(e.effects) > 0 {
		batch := e.effects
		e.effects = nil
		if err := workflows.RecordAudits(ctx, batch); err != nil {
			e.logger.Error("audit entries not written", "entries", len(batch), "error", err)
		}
	}
	for len(e.effects) > 0 {
		a := e.effects[0]
		e.effects = e.effects[1:]
		if _, err := workflows.RecordAudit(ctx, a); err != nil {
			e.logger.Error("audit entry not written", "action", a.Action, "error", err)
		}
	}
	for len(e.notes) > 0 {
		n := e.notes[0]
		e.notes = e.notes[1:]
		if err := workflows.StartNotify(ctx, n); err != nil {
			e.logger.Error("notification not started", "step", n.Step, "error", err)
		}
	}
	if len(e.participation) > 0 {
		in := workflows.BallotParticipationInput{ElectionID: e.in.ElectionID, Ballots: e.participation}
		e.participation = nil
		actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
		if err := workflow.ExecuteActivity(actx, workflows.ActivityRecordBallotParticipation, in).Get(ctx, nil); err != nil {
			e.logger.Error("ballot participation not recorded", "error", err)
		}
	}
	idx := workflows.CaseIndex{ID: e.in.ElectionID, Process: processName, Status: e.st.Status, Title: process.Title(e.in.Title),
		CreatedBy: e.in.CreatedBy, Members: []string{}}
	if idx.Status == e.saved.Status {
		return
	}
	if err := workflows.SaveCase(ctx, idx); err != nil {
		e.logger.Error("cases index not updated", "status", idx.Status, "error", err)
		return
	}
	e.saved = idx
}

func (e *election) exception(seat, kind, detail string, now time.Time) {
	e.st.Exceptions = append(e.st.Exceptions, Exception{Seat: seat, Kind: kind, Detail: detail, At: now})
}

// audit queues an audit entry; elections are open to every member.
func (e *election) audit(actor, action, step string, details map[string]any) {
	e.effects = append(e.effects, workflows.AuditInput{
		Actor: actor, Process: processName, ObjectID: e.in.ElectionID, Action: action, Details: details,
		Audience: "members", IdemKey: e.idemKey(step),
	})
}

func (e *election) idemKey(step string) string {
	return WorkflowID(e.in.ElectionID) + "/" + step
}

// notifyAll emails every member about a phase; due may be zero.
func (e *election) notifyAll(step, event string, due time.Time) {
	if !e.v2 {
		return
	}
	data := map[string]any{"election_id": e.in.ElectionID, "title": e.in.Title}
	if !due.IsZero() {
		data["due"] = due
	}
	e.notes = append(e.notes, workflows.NotifyInput{Process: processName, ObjectID: e.in.ElectionID, Step: step, Event: event,
		MemberIDs: []string{}, Audience: workflows.AudienceAllMembers, Data: data})
}

// notifyExtended emails every member that a phase or a vote runs longer.
func (e *election) notifyExtended(step, phase, reason string, until time.Time) {
	if !e.v2 {
		return
	}
	e.notes = append(e.notes, workflows.NotifyInput{Process: processName, ObjectID: e.in.ElectionID, Step: step, Event: "election.extended",
		MemberIDs: []string{}, Audience: workflows.AudienceAllMembers, Data: map[string]any{
			"election_id": e.in.ElectionID, "title": e.in.Title, "phase": phase, "reason": reason, "due": until,
		}})
}
