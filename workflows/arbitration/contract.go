// Package arbitration is the arbitration process (SPEC process 2): a case
// from filing through the assignment of an arbitrator, challenges,
// submissions and the hearing to the binding ruling, with its reminders and
// overdue alerts, and the ruling's signal to the decision under appeal.
//
// contract.go holds what callers use (names, inputs, the state); the
// workflow, its transitions, deadlines and views are in the other files.
// It depends on the shared contract (package workflows) and the engine
// (workflows/process) only: never on another process package, and it does
// no I/O of its own (effects go through the shared activities).
package arbitration

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lacralo/ralo/workflows"
	"go.temporal.io/sdk/temporal"
)

// WorkflowName is the name the Arbitration workflow is registered
// and started under.
const WorkflowName = "Arbitration"

// WorkflowID is the business key of an arbitration case: a
// retried filing finds the running case instead of opening a second one.
func WorkflowID(caseID string) string { return "arbitration/" + caseID }

// Update, query and signal names of the arbitration process. Every action
// whose caller needs an answer is an update, so that a refused transition
// never enters the history and the API can answer 403, 409 or 422.
const (
	// UpdateAssign assigns an arbitrator (staff), AssignInput.
	UpdateAssign = "assign"
	// UpdateConfirm is the assigned arbitrator declaring no
	// conflict with the parties, ConfirmInput.
	UpdateConfirm = "confirm"
	// UpdateChallenge is a party challenging the assignment for
	// conflict, ChallengeInput.
	UpdateChallenge = "challenge"
	// UpdateDecideChallenge is staff sustaining or rejecting the
	// pending challenge, DecideChallengeInput.
	UpdateDecideChallenge = "decide_challenge"
	// UpdateSubmit is a party's submission, SubmitInput.
	UpdateSubmit = "submit"
	// UpdateHearing schedules or reschedules the hearing
	// (arbitrator), HearingInput.
	UpdateHearing = "hearing"
	// UpdateExtend extends the ruling deadline once
	// (arbitrator), ExtendInput.
	UpdateExtend = "extend"
	// UpdateRuling records the binding ruling (arbitrator),
	// RulingInput.
	UpdateRuling = "ruling"
	// UpdateOmbudsman records a referral to the ICANN Ombudsman
	// and, later, its outcome, OmbudsmanInput.
	UpdateOmbudsman = "ombudsman"

	// Query returns the case's State.
	Query = "state"
)

// revalidateChange is the workflow.GetVersion change ID from which an
// update validates again after the tick (the same ID as ethics').
const revalidateChange = "process-update-revalidate"

// Statuses of an arbitration case, as State.Status reports them.
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

// Defaults of Periods, the LACRALO policy's, used for any period
// left at zero so that a case never runs with a zero-length clock. They are
// not exported: the policy is the one place callers take periods from.
const (
	day                                                  = workflows.Duration(24 * time.Hour)
	defaultChallengeWindow                               = 5 * day
	defaultSubmissions                                   = 14 * day
	defaultRulingDue                                     = 30 * day
	defaultMaxExtension                                  = 15 * day
	defaultOverdueAlertEvery                             = day
	defaultReminder7, defaultReminder3, defaultReminder1 = 7 * day, 3 * day, day
)

// defaultReminders returns the default reminder lead times, a new slice
// each time so that no caller can change them under a running case.
func defaultReminders() []workflows.Duration {
	return []workflows.Duration{defaultReminder7, defaultReminder3, defaultReminder1}
}

// Size limits. The whole case lives in the workflow's state and history, and
// a query result must stay well under Temporal's 2 MB payload limit; long
// documents belong in links.
const (
	maxSubmissions = 50
	// From version participantCapsSince each party member makes at most
	// maxSubmissionsPerParty submissions, and the case holds at most
	// maxSubmissionsCase (a bound on its state that no one party can
	// reach), instead of maxSubmissions for all the parties together.
	maxSubmissionsPerParty = 20
	maxSubmissionsCase     = 100
	maxTextBytes           = 20_000
	maxRulingBytes         = 200_000
	maxLinks               = 10
	maxLinkBytes           = 2_000
	maxShortBytes          = 2_000 // reasons, locations, outcomes
	maxHearingLength       = 24 * time.Hour
)

// processName names the process in the audit log, the outbox and the
// cases index.
const processName = "arbitration"

// system is the audit actor of changes no person made: deadlines passing.
const system = "system"

// Party is a party to a case: a member or an ALS.
type Party struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// Periods are the clocks of one case, copied from the policy when
// it is filed, so that a later policy change never alters a running case.
// A zero field takes the policy's default (5, 14, 30 and 15 days, daily
// alerts, reminders 7, 3 and 1 day before the ruling is due).
type Periods struct {
	ChallengeWindow   workflows.Duration `json:"challenge_window"`
	Submissions       workflows.Duration `json:"submissions"`
	RulingDue         workflows.Duration `json:"ruling_due"`
	MaxExtension      workflows.Duration `json:"max_extension"`
	OverdueAlertEvery workflows.Duration `json:"overdue_alert_every"`
	// Reminders are sent to the arbitrator this long before the ruling is
	// due.
	Reminders []workflows.Duration `json:"reminders"`
}

// Input opens an arbitration case.
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
	// HistoryBound is the number of history events after which a run
	// continues as new (zero: process.DefaultHistoryBound).
	HistoryBound int `json:"history_bound,omitempty"`
	// Carried is the whole state of the run this one continues; nil when
	// the case is filed.
	Carried *Carried `json:"carried,omitempty"`
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
	for name, d := range map[string]workflows.Duration{
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
	def := func(d *workflows.Duration, v workflows.Duration) {
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
	slices.SortFunc(p.Reminders, func(a, b workflows.Duration) int { return cmp.Compare(b, a) })
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
	Actor    workflows.Actor    `json:"actor"`
	StartsAt time.Time          `json:"starts_at"`
	Duration workflows.Duration `json:"duration"`
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
	StartsAt time.Time          `json:"starts_at"`
	Duration workflows.Duration `json:"duration"`
	Location string             `json:"location"`
	Sequence int                `json:"sequence"`
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

// State is the case as the query and every update return it.
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
	sum := sha256.Sum256([]byte(canonicalText(text)))
	return hex.EncodeToString(sum[:])
}

func canonicalText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimSpace(s)
}
