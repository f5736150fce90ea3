package arbitration

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"net/url"
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

// ArbitrationWorkflowName is the name the Arbitration workflow is registered
// and started under.
const WorkflowName = "Arbitration"

// ArbitrationWorkflowID is the business key of an arbitration case: a
// retried filing finds the running case instead of opening a second one.
func WorkflowID(caseID string) string { return "arbitration/" + caseID }

// Update, query and signal names of the arbitration process. Every action
// whose caller needs an answer is an update, so that a refused transition
// never enters the history and the API can answer 403, 409 or 422.
const (
	// UpdateArbitrationAssign assigns an arbitrator (staff), AssignInput.
	UpdateAssign = "assign"
	// UpdateArbitrationConfirm is the assigned arbitrator declaring no
	// conflict with the parties, ConfirmInput.
	UpdateConfirm = "confirm"
	// UpdateArbitrationChallenge is a party challenging the assignment for
	// conflict, ChallengeInput.
	UpdateChallenge = "challenge"
	// UpdateArbitrationDecideChallenge is staff sustaining or rejecting the
	// pending challenge, DecideChallengeInput.
	UpdateDecideChallenge = "decide_challenge"
	// UpdateArbitrationSubmit is a party's submission, SubmitInput.
	UpdateSubmit = "submit"
	// UpdateArbitrationHearing schedules or reschedules the hearing
	// (arbitrator), HearingInput.
	UpdateHearing = "hearing"
	// UpdateArbitrationExtend extends the ruling deadline once
	// (arbitrator), ExtendInput.
	UpdateExtend = "extend"
	// UpdateArbitrationRuling records the binding ruling (arbitrator),
	// RulingInput.
	UpdateRuling = "ruling"
	// UpdateArbitrationOmbudsman records a referral to the ICANN Ombudsman
	// and, later, its outcome, OmbudsmanInput.
	UpdateOmbudsman = "ombudsman"

	// QueryArbitration returns the case's ArbitrationState.
	Query = "state"
)

// revalidateChange is the workflow.GetVersion change ID from which an
// update validates again after the tick (the same ID as ethics').
const revalidateChange = "process-update-revalidate"

// Statuses of an arbitration case, as ArbitrationState.Status reports them.
const (
	StatusFiled            = "filed"             // waiting for staff to assign an arbitrator
	StatusAssigned         = "assigned"          // challenge window open or arbitrator yet to confirm
	StatusChallenged       = "challenged"        // a challenge waits for staff
	StatusSubmissions      = "submissions"       // parties submit; no hearing scheduled yet
	StatusHearingScheduled = "hearing_scheduled" // a hearing is set and has not started
	StatusRulingDue        = "ruling_due"        // the hearing was held; the ruling clock runs
	StatusOverdue          = "overdue"           // the ruling is past due
	StatusRuled            = "ruled"             // the ruling is recorded; the case is closed
)

// Party kinds: a member in their own name or an At-Large Structure.
const (
	PartyMember = "member"
	PartyALS    = "als"
)

// Decisions on a challenge.
const (
	ChallengeSustain = "sustain" // the arbitrator is removed and staff assign another
	ChallengeReject  = "reject"  // the arbitrator stays
)

// Defaults of ArbitrationPeriods, the LACRALO policy's, used for any period
// left at zero so that a case never runs with a zero-length clock. They are
// not exported: the policy is the one place callers take periods from.
const (
	defaultChallengeWindow   = 5 * 24 * time.Hour
	defaultSubmissions       = 14 * 24 * time.Hour
	defaultRulingDue         = 30 * 24 * time.Hour
	defaultMaxExtension      = 15 * 24 * time.Hour
	defaultOverdueAlertEvery = 24 * time.Hour
)

// arbDefaultReminders returns the default reminder lead times, a new slice
// each time so that no caller can change them under a running case.
func defaultReminders() []time.Duration {
	return []time.Duration{7 * 24 * time.Hour, 3 * 24 * time.Hour, 24 * time.Hour}
}

// Size limits. The whole case lives in the workflow's state and history, and
// a query result must stay well under Temporal's 2 MB payload limit; long
// documents belong in links.
const (
	maxArbSubmissions   = 50
	maxArbTextBytes     = 20_000
	maxArbRulingBytes   = 200_000
	maxArbLinks         = 10
	maxArbLinkBytes     = 2_000
	maxArbShortBytes    = 2_000 // reasons, locations, outcomes
	maxArbHearingLength = 24 * time.Hour
)

const arbProcess = "arbitration"

// arbSystem is the audit actor of changes no person made: deadlines passing.
const system = "system"

// Party is a party to a case: a member or an ALS.
type Party struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// ArbitrationPeriods are the clocks of one case, copied from the policy when
// it is filed, so that a later policy change never alters a running case.
// A zero field takes the policy's default (5, 14, 30 and 15 days, daily
// alerts, reminders 7, 3 and 1 day before the ruling is due).
type Periods struct {
	ChallengeWindow   time.Duration `json:"challenge_window"`
	Submissions       time.Duration `json:"submissions"`
	RulingDue         time.Duration `json:"ruling_due"`
	MaxExtension      time.Duration `json:"max_extension"`
	OverdueAlertEvery time.Duration `json:"overdue_alert_every"`
	// Reminders are sent to the arbitrator this long before the ruling is
	// due.
	Reminders []time.Duration `json:"reminders"`
}

// ArbitrationInput opens an arbitration case.
type Input struct {
	CaseID   string   `json:"case_id"`
	Question string   `json:"question"`
	Articles []string `json:"articles"`
	Parties  []Party  `json:"parties"`
	// NotifyMemberIDs are the members who act for the ALS parties (their
	// representatives), resolved by the API at filing since a workflow
	// cannot read the registry. With the member parties, they are the party
	// members: those notified, and those who may challenge, submit and
	// refer to the Ombudsman.
	NotifyMemberIDs []string             `json:"notify_member_ids"`
	FiledBy         string               `json:"filed_by"`
	AppealOf        *workflows.AppealRef `json:"appeal_of"`
	Periods         Periods              `json:"periods"`
	// StaffIDs are the staff members to notify (assignments, challenges,
	// overdue alerts).
	StaffIDs []string  `json:"staff_ids"`
	FiledAt  time.Time `json:"filed_at"`
}

// Validate reports the input's problems as an ErrInvalidInput application
// error. The API calls it before starting the workflow, which checks again
// so that no caller can open a case that cannot run.
func (in Input) Validate() error {
	var problems []string
	if strings.TrimSpace(in.CaseID) == "" {
		problems = append(problems, "case_id is required")
	}
	if strings.TrimSpace(in.Question) == "" {
		problems = append(problems, "question is required")
	}
	if len(in.Parties) == 0 {
		problems = append(problems, "at least one party is required")
	}
	for i, p := range in.Parties {
		if p.Kind != PartyMember && p.Kind != PartyALS {
			problems = append(problems, fmt.Sprintf("parties[%d].kind must be %q or %q", i, PartyMember, PartyALS))
		}
		if strings.TrimSpace(p.ID) == "" {
			problems = append(problems, fmt.Sprintf("parties[%d].id is required", i))
		}
	}
	if in.AppealOf != nil {
		if in.AppealOf.Kind != workflows.AppealKindEthics && in.AppealOf.Kind != workflows.AppealKindElection {
			problems = append(problems, fmt.Sprintf("appeal_of.kind must be %q or %q", workflows.AppealKindEthics, workflows.AppealKindElection))
		}
		if strings.TrimSpace(in.AppealOf.ID) == "" {
			problems = append(problems, "appeal_of.id is required")
		}
	}
	p := in.Periods
	for name, d := range map[string]time.Duration{
		"challenge_window": p.ChallengeWindow, "submissions": p.Submissions, "ruling_due": p.RulingDue,
		"max_extension": p.MaxExtension, "overdue_alert_every": p.OverdueAlertEvery,
	} {
		if d < 0 {
			problems = append(problems, "periods."+name+" must not be negative")
		}
	}
	for _, r := range p.Reminders {
		if r <= 0 {
			problems = append(problems, "periods.reminders must be positive")
			break
		}
	}
	if len(problems) == 0 {
		return nil
	}
	slices.Sort(problems) // the periods map is iterated in random order
	return temporal.NewNonRetryableApplicationError("invalid arbitration case: "+strings.Join(problems, "; "), workflows.ErrInvalidInput, nil)
}

// withDefaults fills zero periods and orders the reminders earliest first
// (longest lead first), without duplicates.
func (p Periods) withDefaults() Periods {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&p.ChallengeWindow, defaultChallengeWindow)
	def(&p.Submissions, defaultSubmissions)
	def(&p.RulingDue, defaultRulingDue)
	def(&p.MaxExtension, defaultMaxExtension)
	def(&p.OverdueAlertEvery, defaultOverdueAlertEvery)
	if len(p.Reminders) == 0 {
		p.Reminders = defaultReminders()
	}
	p.Reminders = slices.Clone(p.Reminders)
	slices.SortFunc(p.Reminders, func(a, b time.Duration) int { return cmp.Compare(b, a) })
	p.Reminders = slices.Compact(p.Reminders)
	return p
}

// AssignInput assigns an arbitrator. Conflicts is what the API found with
// domain.ArbitratorConflicts from the registry and the arbitrator's
// declarations, which the workflow cannot read; any conflict refuses the
// assignment.
type AssignInput struct {
	Actor        workflows.Actor `json:"actor"`
	ArbitratorID string          `json:"arbitrator_id"`
	Conflicts    []string        `json:"conflicts"`
}

// ConfirmInput is the assigned arbitrator's declaration of no conflict.
type ConfirmInput struct {
	Actor workflows.Actor `json:"actor"`
}

// ChallengeInput challenges the assigned arbitrator for conflict.
type ChallengeInput struct {
	Actor  workflows.Actor `json:"actor"`
	Reason string          `json:"reason"`
}

// DecideChallengeInput decides the pending challenge: ChallengeSustain or
// ChallengeReject.
type DecideChallengeInput struct {
	Actor    workflows.Actor `json:"actor"`
	Decision string          `json:"decision"`
	Reason   string          `json:"reason"`
}

// SubmitInput is a party's submission.
type SubmitInput struct {
	Actor workflows.Actor `json:"actor"`
	Text  string          `json:"text"`
	Links []string        `json:"links"`
}

// HearingInput schedules the hearing, or reschedules it before it starts.
type HearingInput struct {
	Actor    workflows.Actor `json:"actor"`
	StartsAt time.Time       `json:"starts_at"`
	Duration time.Duration   `json:"duration"`
	// Location is a place or a call link.
	Location string `json:"location"`
}

// ExtendInput extends the ruling deadline by whole days, once.
type ExtendInput struct {
	Actor  workflows.Actor `json:"actor"`
	Days   int             `json:"days"`
	Reason string          `json:"reason"`
}

// RulingInput records the ruling.
type RulingInput struct {
	Actor    workflows.Actor `json:"actor"`
	Outcome  string          `json:"outcome"`
	Text     string          `json:"text"`
	Articles []string        `json:"articles"`
}

// OmbudsmanInput records a party's referral to the ICANN Ombudsman; a later
// call with Outcome records what the Ombudsman concluded.
type OmbudsmanInput struct {
	Actor      workflows.Actor `json:"actor"`
	ReferredAt time.Time       `json:"referred_at"`
	Outcome    string          `json:"outcome"`
}

// Challenge is a party's challenge of an arbitrator and staff's decision.
type Challenge struct {
	By             string     `json:"by"`
	ArbitratorID   string     `json:"arbitrator_id"`
	Reason         string     `json:"reason"`
	At             time.Time  `json:"at"`
	Decision       string     `json:"decision,omitempty"`
	DecisionReason string     `json:"decision_reason,omitempty"`
	DecidedBy      string     `json:"decided_by,omitempty"`
	DecidedAt      *time.Time `json:"decided_at"`
}

// Submission is one party submission.
type Submission struct {
	By    string    `json:"by"`
	Text  string    `json:"text"`
	Links []string  `json:"links"`
	At    time.Time `json:"at"`
}

// Hearing is the scheduled hearing. Sequence is the iCalendar SEQUENCE of
// the invitation: it grows with every reschedule so that calendars replace
// the entry instead of adding one.
type Hearing struct {
	StartsAt time.Time     `json:"starts_at"`
	Duration time.Duration `json:"duration"`
	Location string        `json:"location"`
	Sequence int           `json:"sequence"`
}

// Extension is the one extension of the ruling deadline.
type Extension struct {
	Days        int       `json:"days"`
	Reason      string    `json:"reason"`
	At          time.Time `json:"at"`
	PreviousDue time.Time `json:"previous_due"`
}

// Ruling is the binding ruling. Hash is RulingTextHash(Text), also written
// to the audit log, so that anyone can check the published text.
type Ruling struct {
	Outcome  string    `json:"outcome"`
	Text     string    `json:"text"`
	Articles []string  `json:"articles"`
	Hash     string    `json:"hash"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// Ombudsman records a referral to the ICANN Ombudsman and its outcome.
type Ombudsman struct {
	ReferredAt time.Time  `json:"referred_at"`
	ReferredBy string     `json:"referred_by"`
	Outcome    string     `json:"outcome,omitempty"`
	OutcomeBy  string     `json:"outcome_by,omitempty"`
	OutcomeAt  *time.Time `json:"outcome_at"`
}

// ArbitrationState is the case as the query and every update return it.
type State struct {
	CaseID        string               `json:"case_id"`
	Status        string               `json:"status"`
	Question      string               `json:"question"`
	Articles      []string             `json:"articles"`
	Parties       []Party              `json:"parties"`
	FiledBy       string               `json:"filed_by"`
	FiledAt       time.Time            `json:"filed_at"`
	AppealOf      *workflows.AppealRef `json:"appeal_of"`
	ArbitratorID  string               `json:"arbitrator_id"`
	Confirmed     bool                 `json:"confirmed"`
	Challenges    []Challenge          `json:"challenges"`
	Submissions   []Submission         `json:"submissions"`
	Hearing       *Hearing             `json:"hearing"`
	DueAt         *time.Time           `json:"due_at"`
	Extension     *Extension           `json:"extension"`
	Ruling        *Ruling              `json:"ruling"`
	Ombudsman     *Ombudsman           `json:"ombudsman"`
	Deadlines     []workflows.Deadline `json:"deadlines"`
	RemindersSent []string             `json:"reminders_sent"`
	OverdueAlerts int                  `json:"overdue_alerts"`
}

// RulingTextHash is the SHA-256 (hex) of a ruling's canonical text: line
// endings as LF and no leading or trailing white space. The recorded text is
// stored in that form, so hashing the published text gives the audited hash.
func RulingTextHash(text string) string {
	sum := sha256.Sum256([]byte(canonicalArbText(text)))
	return hex.EncodeToString(sum[:])
}

func canonicalArbText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimSpace(s)
}

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

// arbEffect is one side effect queued by a transition.
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
	return a
}

// setup registers the query and the updates.
func (a *arbitration) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, Query, func() (State, error) {
		return a.Snapshot(), nil
	}); err != nil {
		return err
	}
	// Updates used to apply without validating a second time after the
	// tick; executions from the version revalidate, older ones replay as
	// they ran.
	revalidate := process.RevalidateSince(revalidateChange)
	regs := []func() error{
		func() error {
			return process.Update(ctx, a, UpdateAssign, a.validateAssign, a.assign, revalidate)
		},
		func() error {
			return process.Update(ctx, a, UpdateConfirm, a.validateConfirm, a.confirm, revalidate)
		},
		func() error {
			return process.Update(ctx, a, UpdateChallenge, a.validateChallenge, a.challenge, revalidate)
		},
		func() error {
			return process.Update(ctx, a, UpdateDecideChallenge, a.validateDecideChallenge, a.decideChallenge, revalidate)
		},
		func() error {
			return process.Update(ctx, a, UpdateSubmit, a.validateSubmit, a.submit, revalidate)
		},
		func() error {
			return process.Update(ctx, a, UpdateHearing, a.validateHearing, a.hearing, revalidate)
		},
		func() error {
			return process.Update(ctx, a, UpdateExtend, a.validateExtend, a.extend, revalidate)
		},
		func() error {
			return process.Update(ctx, a, UpdateRuling, a.validateRuling, a.ruling, revalidate)
		},
		func() error {
			return process.Update(ctx, a, UpdateOmbudsman, a.validateOmbudsman, a.ombudsman, revalidate)
		},
	}
	for _, reg := range regs {
		if err := reg(); err != nil {
			return err
		}
	}
	return nil
}

// Snapshot copies the state for a query or an update's answer, so that
// the answer says what the state was then even where it is not serialized
// at once (the test environment hands the value over as is).
func (a *arbitration) Snapshot() State {
	st := a.st
	st.Articles = slices.Clone(st.Articles)
	st.Parties = slices.Clone(st.Parties)
	st.Challenges = slices.Clone(st.Challenges)
	st.Submissions = slices.Clone(st.Submissions)
	st.Deadlines = slices.Clone(st.Deadlines)
	st.RemindersSent = slices.Clone(st.RemindersSent)
	st.AppealOf = process.Clone(st.AppealOf)
	st.Hearing = process.Clone(st.Hearing)
	st.DueAt = process.Clone(st.DueAt)
	st.Extension = process.Clone(st.Extension)
	st.Ruling = process.Clone(st.Ruling)
	st.Ombudsman = process.Clone(st.Ombudsman)
	return st
}

// run files the case, then runs the engine's loop until the ruling's
// effects are done.
func (a *arbitration) run(ctx workflow.Context) (State, error) {
	a.file()
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

// Wait blocks until the next deadline or the next update.
func (a *arbitration) Wait(ctx workflow.Context) {
	ev, ok := a.next()
	a.eng.Wait(ctx, ev, ok)
}

// Tick fires every deadline that has passed, oldest first, then settles the
// consequences and the status. It never blocks, so update handlers call it
// too.
func (a *arbitration) Tick(now time.Time) {
	process.FireDue(now, a.next, nil)
	a.advance(now)
	a.refresh(now)
}

// next is the earliest pending deadline; ties go to the first in pending's
// order, which follows the order of the process.
func (a *arbitration) next() (process.Deadline, bool) { return process.Earliest(a.pending()) }

func (a *arbitration) pending() []process.Deadline {
	if a.st.Ruling != nil {
		return nil
	}
	var evs []process.Deadline
	if a.st.ArbitratorID != "" && !a.windowClosed {
		evs = append(evs, process.Deadline{At: a.challengeEnds, Name: "challenge window closes", Fire: a.closeChallengeWindow})
	}
	if !a.submissionsEnd.IsZero() && !a.submissionsClosed {
		evs = append(evs, process.Deadline{At: a.submissionsEnd, Name: "submissions close", Fire: a.closeSubmissions})
	}
	if h := a.st.Hearing; h != nil && !a.held && !a.challengePending() {
		evs = append(evs, process.Deadline{At: h.StartsAt, Name: "hearing starts", Fire: a.holdHearing})
	}
	if a.st.DueAt != nil {
		due := *a.st.DueAt
		for _, r := range a.periods.Reminders {
			at := due.Add(-r)
			if a.reminderDone[a.reminderStep(r)] || at.Before(a.remindersFrom) {
				continue
			}
			evs = append(evs, process.Deadline{At: at, Name: "ruling reminder " + process.Label(r), Fire: a.remind})
		}
		at := due
		if !a.lastOverdue.IsZero() && !a.lastOverdue.Before(due) {
			at = a.lastOverdue.Add(a.periods.OverdueAlertEvery)
		}
		evs = append(evs, process.Deadline{At: at, Name: "ruling overdue alert", Fire: a.alertOverdue})
	}
	return evs
}

// advance opens the submissions once nothing stands in the way: the
// challenge window has passed, the arbitrator confirmed and no challenge
// waits.
func (a *arbitration) advance(now time.Time) {
	if a.st.Ruling != nil || !a.submissionsEnd.IsZero() || a.st.ArbitratorID == "" ||
		!a.st.Confirmed || !a.windowClosed || a.challengePending() {
		return
	}
	a.submissionsEnd = now.Add(a.periods.Submissions)
	a.audit(system, "arbitration.submissions_opened", "submissions/opened", map[string]any{
		"until": a.submissionsEnd,
	})
}

// refresh derives the status and the upcoming deadlines from the state.
func (a *arbitration) refresh(now time.Time) {
	st := &a.st
	switch {
	case st.Ruling != nil:
		st.Status = StatusRuled
	case st.ArbitratorID == "":
		st.Status = StatusFiled
	case a.challengePending():
		st.Status = StatusChallenged
	case st.DueAt != nil && !now.Before(*st.DueAt):
		st.Status = StatusOverdue
	case st.DueAt != nil:
		st.Status = StatusRulingDue
	case st.Hearing != nil:
		st.Status = StatusHearingScheduled
	case !a.submissionsEnd.IsZero():
		st.Status = StatusSubmissions
	default:
		st.Status = StatusAssigned
	}

	deadlines := []workflows.Deadline{}
	if st.Ruling == nil {
		if st.ArbitratorID != "" && now.Before(a.challengeEnds) {
			deadlines = append(deadlines, workflows.Deadline{Name: "challenge_window", At: a.challengeEnds})
		}
		if !a.submissionsEnd.IsZero() && now.Before(a.submissionsEnd) {
			deadlines = append(deadlines, workflows.Deadline{Name: "submissions", At: a.submissionsEnd})
		}
		if st.Hearing != nil && !a.held {
			deadlines = append(deadlines, workflows.Deadline{Name: "hearing", At: st.Hearing.StartsAt})
		}
		if st.DueAt != nil {
			deadlines = append(deadlines, workflows.Deadline{Name: "ruling", At: *st.DueAt})
		}
	}
	slices.SortStableFunc(deadlines, func(x, y workflows.Deadline) int { return x.At.Compare(y.At) })
	st.Deadlines = deadlines
}

// Deadline events.

func (a *arbitration) closeChallengeWindow(time.Time) {
	a.windowClosed = true
}

func (a *arbitration) closeSubmissions(time.Time) {
	a.submissionsClosed = true
	a.audit(system, "arbitration.submissions_closed", "submissions/closed", map[string]any{
		"submissions": len(a.st.Submissions),
	})
}

func (a *arbitration) holdHearing(time.Time) {
	a.held = true
	due := a.st.Hearing.StartsAt.Add(a.periods.RulingDue)
	a.st.DueAt = &due
	a.remindersFrom = a.st.Hearing.StartsAt
	a.audit(system, "arbitration.ruling_due", "ruling_due", map[string]any{
		"hearing_started_at": a.st.Hearing.StartsAt,
		"due":                due,
	})
}

// remind sends the latest reminder that has come due. Earlier ones that
// were missed (a worker down for days) are skipped rather than sent late
// all at once, and none is sent once the ruling is overdue: the overdue
// alert says more.
func (a *arbitration) remind(now time.Time) {
	due := *a.st.DueAt
	step := ""
	for _, r := range a.periods.Reminders {
		s := a.reminderStep(r)
		at := due.Add(-r)
		if a.reminderDone[s] || at.Before(a.remindersFrom) || at.After(now) {
			continue
		}
		a.reminderDone[s] = true
		step = s
	}
	if step == "" || !now.Before(due) {
		return
	}
	a.st.RemindersSent = append(a.st.RemindersSent, step)
	daysLeft := int(math.Ceil(due.Sub(now).Hours() / 24))
	a.notify(step, "arbitration.ruling_reminder", a.recipients(false, true, false), map[string]any{
		"days_left": daysLeft,
		"due":       due,
	})
}

// alertOverdue alerts staff (and the arbitrator) that the ruling is late;
// the first alert for a deadline is also a change of status, audited.
func (a *arbitration) alertOverdue(now time.Time) {
	due := *a.st.DueAt
	first := a.lastOverdue.IsZero() || a.lastOverdue.Before(due)
	a.lastOverdue = now
	a.st.OverdueAlerts++
	step := "overdue/" + strconv.Itoa(a.st.OverdueAlerts)
	if first {
		a.audit(system, "arbitration.overdue", step, map[string]any{"due": due})
	}
	a.notify(step, "arbitration.ruling_overdue", a.recipients(false, true, true), map[string]any{"due": due})
}

func (a *arbitration) reminderStep(r time.Duration) string {
	if a.extended {
		return "reminder/extended/" + process.Label(r)
	}
	return "reminder/" + process.Label(r)
}

// Predicates shared by validators and handlers. They read the clock rather
// than flags where a deadline may have passed without the main loop having
// run yet, so that a validator never refuses what its handler would allow.

func (a *arbitration) challengePending() bool {
	n := len(a.st.Challenges)
	return n > 0 && a.st.Challenges[n-1].Decision == ""
}

func (a *arbitration) hearingHeld(now time.Time) bool {
	h := a.st.Hearing
	return a.held || (h != nil && !now.Before(h.StartsAt) && !a.challengePending())
}

func (a *arbitration) isParty(id string) bool { return id != "" && slices.Contains(a.parties, id) }

func (a *arbitration) isArbitrator(id string) bool {
	return id != "" && id == a.st.ArbitratorID
}

func (a *arbitration) checkOpen() error {
	if a.st.Ruling != nil {
		return process.InvalidState("the case is closed: a ruling has been recorded")
	}
	return nil
}

// Validators and handlers, in the order of the process.

func (a *arbitration) validateAssign(_ time.Time, in AssignInput) error {
	if !process.IsStaff(in.Actor.Roles) {
		return process.Forbidden("only staff can assign an arbitrator")
	}
	if err := a.checkOpen(); err != nil {
		return err
	}
	if a.st.ArbitratorID != "" {
		return process.InvalidState("an arbitrator is already assigned")
	}
	id := strings.TrimSpace(in.ArbitratorID)
	switch {
	case id == "":
		return process.InvalidInput("arbitrator_id is required")
	case a.isParty(id):
		return process.InvalidInput("the arbitrator cannot be a party")
	case slices.Contains(a.removed, id):
		return process.InvalidInput("this arbitrator was removed from the case by a sustained challenge")
	case len(in.Conflicts) > 0:
		return process.InvalidInput("conflict of interest: " + strings.Join(in.Conflicts, "; "))
	}
	return nil
}

func (a *arbitration) assign(now time.Time, in AssignInput) {
	a.assignments++
	a.st.ArbitratorID = strings.TrimSpace(in.ArbitratorID)
	a.st.Confirmed = false
	a.challengeEnds = now.Add(a.periods.ChallengeWindow)
	a.windowClosed = false
	step := "assigned/" + strconv.Itoa(a.assignments)
	a.audit(in.Actor.MemberID, "arbitration.assigned", step, map[string]any{
		"arbitrator_id":         a.st.ArbitratorID,
		"challenge_window_ends": a.challengeEnds,
	})
	a.notify(step, "arbitration.assigned", a.recipients(true, true, true), map[string]any{
		"due": a.challengeEnds,
	})
}

func (a *arbitration) validateConfirm(_ time.Time, in ConfirmInput) error {
	if !a.isArbitrator(in.Actor.MemberID) {
		return process.Forbidden("only the assigned arbitrator can confirm having no conflict")
	}
	if err := a.checkOpen(); err != nil {
		return err
	}
	if a.st.Confirmed {
		return process.InvalidState("the arbitrator has already confirmed")
	}
	return nil
}

func (a *arbitration) confirm(_ time.Time, in ConfirmInput) {
	a.st.Confirmed = true
	a.audit(in.Actor.MemberID, "arbitration.confirmed", "confirmed/"+strconv.Itoa(a.assignments), map[string]any{
		"arbitrator_id": a.st.ArbitratorID,
	})
}

func (a *arbitration) validateChallenge(now time.Time, in ChallengeInput) error {
	if !a.isParty(in.Actor.MemberID) {
		return process.Forbidden("only a party can challenge the arbitrator")
	}
	if err := a.checkOpen(); err != nil {
		return err
	}
	switch {
	case a.st.ArbitratorID == "":
		return process.InvalidState("no arbitrator is assigned")
	case a.challengePending():
		return process.InvalidState("a challenge is already waiting for a decision")
	case !now.Before(a.challengeEnds):
		return process.InvalidState("the challenge window closed at " + a.challengeEnds.Format(time.RFC3339))
	}
	return process.CheckText("reason", in.Reason, maxArbShortBytes)
}

func (a *arbitration) challenge(now time.Time, in ChallengeInput) {
	reason := strings.TrimSpace(in.Reason)
	a.st.Challenges = append(a.st.Challenges, Challenge{
		By: in.Actor.MemberID, ArbitratorID: a.st.ArbitratorID, Reason: reason, At: now,
	})
	step := "challenge/" + strconv.Itoa(len(a.st.Challenges))
	a.audit(in.Actor.MemberID, "arbitration.challenge", step, map[string]any{
		"arbitrator_id": a.st.ArbitratorID,
		"reason":        reason,
	})
	a.notify(step, "arbitration.challenge", a.recipients(true, true, true), map[string]any{"reason": reason})
}

func (a *arbitration) validateDecideChallenge(_ time.Time, in DecideChallengeInput) error {
	if !process.IsStaff(in.Actor.Roles) {
		return process.Forbidden("only staff can decide a challenge")
	}
	if err := a.checkOpen(); err != nil {
		return err
	}
	if !a.challengePending() {
		return process.InvalidState("no challenge is waiting for a decision")
	}
	if in.Decision != ChallengeSustain && in.Decision != ChallengeReject {
		return process.InvalidInput(fmt.Sprintf("decision must be %q or %q", ChallengeSustain, ChallengeReject))
	}
	if len(in.Reason) > maxArbShortBytes {
		return process.InvalidInput(fmt.Sprintf("reason is longer than %d bytes", maxArbShortBytes))
	}
	return nil
}

// decideChallenge applies staff's decision. A sustained challenge removes
// the arbitrator and everything that depended on them (confirmation,
// window, hearing): the case is filed again and waits for a new assignment.
// A hearing cannot have been held by then, since hearings start after the
// challenge window and none starts while a challenge waits.
func (a *arbitration) decideChallenge(now time.Time, in DecideChallengeInput) {
	n := len(a.st.Challenges)
	c := &a.st.Challenges[n-1]
	c.Decision = in.Decision
	c.DecisionReason = strings.TrimSpace(in.Reason)
	c.DecidedBy = in.Actor.MemberID
	c.DecidedAt = &now
	action := "arbitration.challenge_rejected"
	if in.Decision == ChallengeSustain {
		action = "arbitration.challenge_sustained"
		a.removed = append(a.removed, a.st.ArbitratorID)
		a.st.ArbitratorID = ""
		a.st.Confirmed = false
		a.challengeEnds = time.Time{}
		a.windowClosed = false
		a.st.Hearing = nil
	}
	a.audit(in.Actor.MemberID, action, "challenge/"+strconv.Itoa(n)+"/decision", map[string]any{
		"arbitrator_id": c.ArbitratorID,
		"reason":        c.DecisionReason,
	})
}

func (a *arbitration) validateSubmit(now time.Time, in SubmitInput) error {
	if !a.isParty(in.Actor.MemberID) {
		return process.Forbidden("only a party can make a submission")
	}
	if err := a.checkOpen(); err != nil {
		return err
	}
	switch {
	case a.submissionsEnd.IsZero():
		return process.InvalidState("submissions are not open yet")
	case !now.Before(a.submissionsEnd):
		return process.InvalidState("submissions closed at " + a.submissionsEnd.Format(time.RFC3339))
	case len(a.st.Submissions) >= maxArbSubmissions:
		return process.InvalidState(fmt.Sprintf("the case already holds the maximum of %d submissions", maxArbSubmissions))
	}
	if err := process.CheckText("text", in.Text, maxArbTextBytes); err != nil {
		return err
	}
	if len(in.Links) > maxArbLinks {
		return process.InvalidInput(fmt.Sprintf("at most %d links", maxArbLinks))
	}
	for _, l := range in.Links {
		u, err := url.Parse(l)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(l) > maxArbLinkBytes {
			return process.InvalidInput(fmt.Sprintf("link %q is not an http(s) URL", l))
		}
	}
	return nil
}

func (a *arbitration) submit(now time.Time, in SubmitInput) {
	s := Submission{By: in.Actor.MemberID, Text: strings.TrimSpace(in.Text), Links: process.NonNil(slices.Clone(in.Links)), At: now}
	a.st.Submissions = append(a.st.Submissions, s)
	a.audit(in.Actor.MemberID, "arbitration.submission", "submission/"+strconv.Itoa(len(a.st.Submissions)), map[string]any{
		"text":  s.Text,
		"links": s.Links,
	})
}

func (a *arbitration) validateHearing(now time.Time, in HearingInput) error {
	if !a.isArbitrator(in.Actor.MemberID) {
		return process.Forbidden("only the assigned arbitrator can schedule the hearing")
	}
	if err := a.checkOpen(); err != nil {
		return err
	}
	switch {
	case !a.st.Confirmed:
		return process.InvalidState("the arbitrator must first confirm having no conflict")
	case a.challengePending():
		return process.InvalidState("a challenge is waiting for a decision")
	case a.hearingHeld(now):
		return process.InvalidState("the hearing has already started")
	}
	switch {
	case !in.StartsAt.After(now):
		return process.InvalidInput("starts_at must be in the future")
	case in.StartsAt.Before(a.challengeEnds):
		return process.InvalidInput("the hearing must start after the challenge window closes at " + a.challengeEnds.Format(time.RFC3339))
	case in.Duration <= 0 || in.Duration > maxArbHearingLength:
		return process.InvalidInput("duration must be positive and at most 24 hours")
	}
	return process.CheckText("location", in.Location, maxArbShortBytes)
}

// hearing schedules the hearing and sends the invitation. A reschedule, or
// a new hearing after a sustained challenge, keeps the invitation's UID and
// raises its SEQUENCE, so calendars move the entry instead of adding one.
func (a *arbitration) hearing(now time.Time, in HearingInput) {
	event, action := "arbitration.hearing_scheduled", "arbitration.hearing_scheduled"
	if a.st.Hearing != nil {
		event, action = "arbitration.hearing_rescheduled", "arbitration.hearing_rescheduled"
	}
	h := &Hearing{
		StartsAt: in.StartsAt.UTC(),
		Duration: in.Duration,
		Location: strings.TrimSpace(in.Location),
		Sequence: a.hearings,
	}
	a.hearings++
	a.st.Hearing = h
	step := "hearing/" + strconv.Itoa(h.Sequence)
	a.audit(in.Actor.MemberID, action, step, map[string]any{
		"starts_at": h.StartsAt,
		"duration":  h.Duration.String(),
		"location":  h.Location,
		"sequence":  h.Sequence,
	})
	summary := "LACRALO arbitration " + a.in.CaseID + ": hearing (" + process.Title(a.in.Question) + ")"
	a.notify(step, event, a.recipients(true, true, false), map[string]any{
		"starts_at": h.StartsAt,
		"location":  h.Location,
	}, workflows.Attachment{
		Filename:    "hearing.ics",
		ContentType: "text/calendar; method=REQUEST",
		Data:        hearingICS(a.in.CaseID, summary, *h, now),
	})
}

func (a *arbitration) validateExtend(now time.Time, in ExtendInput) error {
	if !a.isArbitrator(in.Actor.MemberID) {
		return process.Forbidden("only the assigned arbitrator can extend the ruling deadline")
	}
	if err := a.checkOpen(); err != nil {
		return err
	}
	switch {
	case !a.hearingHeld(now):
		return process.InvalidState("the ruling is not due yet: the hearing has not been held")
	case a.st.Extension != nil:
		return process.InvalidState("the ruling deadline has already been extended once")
	}
	maxDays := int(a.periods.MaxExtension / (24 * time.Hour))
	if in.Days < 1 || in.Days > maxDays {
		return process.InvalidInput(fmt.Sprintf("days must be between 1 and %d", maxDays))
	}
	return process.CheckText("reason", in.Reason, maxArbShortBytes)
}

// extend moves the deadline. The reminders start over against the new
// deadline, under new steps, so that each is still sent once; the timer
// of the old deadline is cancelled by the main loop when it sees the move.
func (a *arbitration) extend(now time.Time, in ExtendInput) {
	prev := *a.st.DueAt
	due := prev.Add(time.Duration(in.Days) * 24 * time.Hour)
	reason := strings.TrimSpace(in.Reason)
	a.st.Extension = &Extension{Days: in.Days, Reason: reason, At: now, PreviousDue: prev}
	a.st.DueAt = &due
	a.extended = true
	a.remindersFrom = now
	a.audit(in.Actor.MemberID, "arbitration.extended", "extended", map[string]any{
		"days":         in.Days,
		"reason":       reason,
		"previous_due": prev,
		"due":          due,
	})
	a.notify("extended", "arbitration.extended", a.recipients(true, true, true), map[string]any{
		"due":    due,
		"reason": reason,
	})
}

func (a *arbitration) validateRuling(now time.Time, in RulingInput) error {
	if !a.isArbitrator(in.Actor.MemberID) {
		return process.Forbidden("only the assigned arbitrator can record the ruling")
	}
	if a.st.Ruling != nil {
		return process.InvalidState("a ruling has already been recorded; it cannot be changed")
	}
	if !a.hearingHeld(now) {
		return process.InvalidState("the ruling can be recorded only after the hearing")
	}
	allowed := []string{workflows.RulingDecided, workflows.RulingDismissed}
	if a.in.AppealOf != nil {
		allowed = []string{workflows.RulingUphold, workflows.RulingOverturn, workflows.RulingModify, workflows.RulingDismissed}
	}
	if !slices.Contains(allowed, in.Outcome) {
		return process.InvalidInput("outcome must be one of " + strings.Join(allowed, ", "))
	}
	if err := process.CheckText("text", canonicalArbText(in.Text), maxArbRulingBytes); err != nil {
		return err
	}
	for _, art := range in.Articles {
		if strings.TrimSpace(art) == "" || len(art) > maxArbShortBytes {
			return process.InvalidInput("articles must not be empty")
		}
	}
	return nil
}

// ruling records the ruling, hashed into a public audit entry, and queues
// the signal that applies it to the decision under appeal.
func (a *arbitration) ruling(now time.Time, in RulingInput) {
	text := canonicalArbText(in.Text)
	r := &Ruling{
		Outcome:  in.Outcome,
		Text:     text,
		Articles: process.NonNil(slices.Clone(in.Articles)),
		Hash:     RulingTextHash(text),
		By:       in.Actor.MemberID,
		At:       now,
	}
	a.st.Ruling = r
	a.effects = append(a.effects, effect{audit: &workflows.AuditInput{
		Actor:    in.Actor.MemberID,
		Process:  arbProcess,
		ObjectID: a.in.CaseID,
		Action:   "arbitration.ruling",
		Details: map[string]any{
			"outcome":   r.Outcome,
			"articles":  r.Articles,
			"text":      r.Text,
			"sha256":    r.Hash,
			"appeal_of": a.in.AppealOf,
		},
		Audience: "public",
		Members:  a.auditMembers(),
		IdemKey:  a.idemKey("ruling"),
	}})
	a.notify("ruling", "arbitration.ruling", a.recipients(true, true, true), map[string]any{"outcome": r.Outcome})
	if a.in.AppealOf != nil {
		a.effects = append(a.effects, effect{appeal: &workflows.AppealRuling{
			ArbitrationID: a.in.CaseID,
			Outcome:       r.Outcome,
			Text:          r.Text,
			Articles:      r.Articles,
		}})
	}
}

func (a *arbitration) validateOmbudsman(now time.Time, in OmbudsmanInput) error {
	if err := a.checkOpen(); err != nil {
		return err
	}
	if len(in.Outcome) > maxArbShortBytes {
		return process.InvalidInput(fmt.Sprintf("outcome is longer than %d bytes", maxArbShortBytes))
	}
	o := a.st.Ombudsman
	if o == nil {
		if !a.isParty(in.Actor.MemberID) {
			return process.Forbidden("only a party can refer the case to the Ombudsman")
		}
		switch {
		case in.ReferredAt.IsZero():
			return process.InvalidInput("referred_at is required")
		case in.ReferredAt.After(now):
			return process.InvalidInput("referred_at is in the future")
		}
		return nil
	}
	if !a.isParty(in.Actor.MemberID) && !process.IsStaff(in.Actor.Roles) {
		return process.Forbidden("only a party or staff can record the Ombudsman's outcome")
	}
	switch {
	case o.Outcome != "":
		return process.InvalidState("the Ombudsman's outcome is already recorded")
	case strings.TrimSpace(in.Outcome) == "":
		return process.InvalidState("the referral is already recorded; only its outcome can be added")
	}
	return nil
}

// ombudsman records the referral, or its outcome. The case goes on: the
// Ombudsman route sits beside arbitration, not inside it.
func (a *arbitration) ombudsman(now time.Time, in OmbudsmanInput) {
	outcome := strings.TrimSpace(in.Outcome)
	data := map[string]any{}
	step, action := "ombudsman/outcome", "arbitration.ombudsman_outcome"
	if a.st.Ombudsman == nil {
		a.st.Ombudsman = &Ombudsman{ReferredAt: in.ReferredAt.UTC(), ReferredBy: in.Actor.MemberID}
		step, action = "ombudsman/referral", "arbitration.ombudsman_referral"
	}
	o := a.st.Ombudsman
	if outcome != "" {
		o.Outcome, o.OutcomeBy, o.OutcomeAt = outcome, in.Actor.MemberID, &now
		data["outcome"] = outcome
	}
	a.audit(in.Actor.MemberID, action, step, map[string]any{
		"referred_at": o.ReferredAt,
		"outcome":     o.Outcome,
	})
	a.notify(step, "arbitration.ombudsman", a.recipients(true, true, true), data)
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

// Effects.

// audit queues an audit entry visible to the people of the case.
func (a *arbitration) audit(actor, action, step string, details map[string]any) {
	a.effects = append(a.effects, effect{audit: &workflows.AuditInput{
		Actor:    actor,
		Process:  arbProcess,
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
		Process:     arbProcess,
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
	for len(a.effects) > 0 {
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
		Process:   arbProcess,
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
		Process:  arbProcess,
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

// arbHearingICS is the hearing invitation (RFC 5545, METHOD:REQUEST). The UID
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
	line("DTEND:" + h.StartsAt.Add(h.Duration).UTC().Format(utc))
	line("SUMMARY:" + iCSText(summary))
	line("LOCATION:" + iCSText(h.Location))
	line("STATUS:CONFIRMED")
	line("END:VEVENT")
	line("END:VCALENDAR")
	return []byte(b.String())
}

// arbICSText escapes a TEXT value (RFC 5545 3.3.11).
func iCSText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// Small helpers.
