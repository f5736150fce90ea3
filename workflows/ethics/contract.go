// Package ethics is the ethics complaints process (SPEC process 1) as a
// Temporal workflow: filing, screening, recusals, investigation,
// deliberation and vote, the appeal window, the appeal to arbitration and
// the final decision applied and published.
//
// contract.go holds what other packages use (the workflow's name and ID,
// update, query and activity names, Input, State and the update inputs);
// workflow.go the entry function, the main loop's hooks and the effects;
// transitions.go the validate/apply pairs; deadlines.go the clock;
// view.go who sees what; checks.go the field checks.
//
// It depends on the shared contract (package workflows), the process
// engine and the Temporal SDK only: no other process package, no I/O.
// The arbitration that hears an appeal is opened through an activity
// (workflows.ActivityOpenAppeal) and rules back by
// workflows.SignalAppealRuling.
package ethics

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
)

// WorkflowName is the name the Ethics workflow is registered and
// started under.
const WorkflowName = "Ethics"

// WorkflowID is the business key of an ethics case: a retried filing
// finds the running case instead of opening a second one, and an
// arbitration ruling on an appeal finds the case it applies to.
func WorkflowID(caseID string) string { return workflows.AppealKindEthics + "/" + caseID }

// ActivityApplyDecision applies a final decision to the registry
// (voting rights suspended, position vacated, ineligibility recorded,
// warning or ordered recusal noted). Its input is an DecisionEffect
// and it returns nothing but an error. It must be idempotent, keyed by the
// case ID: the workflow may run it again after a worker restart.
const ActivityApplyDecision = "ApplyEthicsDecision"

// Update and query names of the ethics process. Every action whose caller
// needs an answer is an update, so that a refused transition never enters
// the history and the API can answer 403, 409 or 422. Every update returns
// the full State; the API shows the caller State.ViewFor.
const (
	// UpdateAdmit admits the complaint (a non-recused committee
	// member), AdmitInput.
	UpdateAdmit = "admit"
	// UpdateDismiss dismisses the complaint as inadmissible (a
	// non-recused committee member), DismissInput.
	UpdateDismiss = "dismiss"
	// UpdateRecuse is a committee member recusing themself,
	// RecuseInput.
	UpdateRecuse = "recuse"
	// UpdateRecomputeRecusals replaces the committee roster as
	// recomputed by the API with domain.EthicsRecusals when the roster or
	// the declarations change (staff), RecomputeInput.
	UpdateRecomputeRecusals = "recompute_recusals"
	// UpdateRespond is the respondent's answer, RespondInput.
	UpdateRespond = "respond"
	// UpdateEvidence adds evidence (a party) or a question (a
	// non-recused committee member), EvidenceInput.
	UpdateEvidence = "evidence"
	// UpdateDeliberate moves an answered complaint to deliberation
	// before the response period ends (a non-recused committee member),
	// DeliberateInput.
	UpdateDeliberate = "deliberate"
	// UpdateVote proposes a decision or votes on the proposal (a
	// non-recused committee member), VoteInput.
	UpdateVote = "vote"
	// UpdateWithdrawProposal withdraws the proposal and its votes
	// (the proposer), WithdrawInput.
	UpdateWithdrawProposal = "withdraw_proposal"
	// UpdateAppeal appeals the decision (a party), AppealInput.
	UpdateAppeal = "appeal"
	// UpdateApplyModified records the decision as an arbitration
	// ruling modified it (staff), ApplyModifiedInput.
	UpdateApplyModified = "apply_modified"

	// Query returns the case's full State, for staff and the
	// committee; the API filters it with State.ViewFor.
	Query = "state"
)

// Statuses of an ethics case, as State.Status reports them.
const (
	StatusScreening     = "screening"     // filed; the committee admits or dismisses it
	StatusInvestigation = "investigation" // admitted; the respondent may answer, both sides add evidence
	StatusDeliberation  = "deliberation"  // the committee votes on a decision
	StatusAppealWindow  = "appeal_window" // decided; either party may appeal, nothing applies yet
	StatusAppealed      = "appealed"      // appealed; waiting for the arbitration ruling
	StatusClosed        = "closed"        // final; the outcome is applied and published
)

// Kinds of complaint.
const (
	KindUndeclaredConflict    = "undeclared_conflict"
	KindDisqualifyingConflict = "disqualifying_conflict"
	KindBadFaith              = "bad_faith"
	KindOther                 = "other"
)

// Kinds of decision, which are also the outcomes of a decided case.
const (
	DecisionDismissed      = "dismissed"       // the complaint is unfounded; nothing is applied
	DecisionRecusalOrdered = "recusal_ordered" // the subject must recuse from the named matters
	DecisionWarning        = "warning"
	DecisionSuspension     = "suspension" // of voting rights, until a date
	DecisionRemoval        = "removal"    // from a named position, then ineligible for a period
)

// OutcomeInadmissible is the outcome of a complaint dismissed at
// screening.
const OutcomeInadmissible = "inadmissible"

// Screening results, as Screening.Result reports them.
const (
	ScreenAdmitted  = "admitted"
	ScreenDismissed = "dismissed"
)

// Roles in which evidence is added, as Evidence.Role reports them. A
// party's entry is evidence; a committee member's is a question to the
// parties.
const (
	RoleComplainant = "complainant"
	RoleRespondent  = "respondent"
	RoleCommittee   = "committee"
)

// Kinds of Evidence entries.
const (
	EvidenceKind = "evidence"
	QuestionKind = "question"
)

// Defaults of Periods, the LACRALO policy's, used for any period or
// threshold left at zero so that a case never runs with a zero-length clock
// or a zero quorum.
const (
	defaultScreening            = 14 * 24 * time.Hour
	defaultScreeningReminder    = 7 * 24 * time.Hour
	defaultScreeningEscalation  = 7 * 24 * time.Hour
	defaultResponse             = 21 * 24 * time.Hour
	defaultAppealWindow         = 15 * 24 * time.Hour
	defaultRemovalIneligibility = 730 * 24 * time.Hour
	defaultQuorum               = 0.5
	defaultMajority             = 0.5
)

// Size limits. The whole case lives in the workflow's state and history, and
// a query result must stay well under Temporal's 2 MB payload limit; long
// documents belong in links.
const (
	maxEvidence = 100
	// From version participantCapsSince, evidence is capped per
	// participant: each party adds at most maxEvidencePerParticipant
	// entries, each committee member as many questions, and the committee
	// together at most maxEvidence - 2 × maxEvidencePerParticipant, so that
	// neither party nor the committee can fill the case against the other.
	maxEvidencePerParticipant = 30
	maxCommittee              = 100
	maxReasons                = 20
	maxMatters                = 20
	maxTextBytes              = 20_000
	maxLinks                  = 10
	maxLinkBytes              = 2_000
	maxShortBytes             = 2_000 // notes, reasons, matters, positions, IDs
)

const processName = "ethics"

// system is the audit actor of changes no person made: deadlines
// passing, rulings arriving.
const system = "system"

// CommitteeMember is a member of the ethics committee as the case sees
// them. The API computes Recused and Reasons with domain.EthicsRecusals from
// the registry and the declarations; the case adds the members who recused
// themselves, and always recuses a member who is a party.
type CommitteeMember struct {
	MemberID string   `json:"member_id"`
	Recused  bool     `json:"recused"`
	Reasons  []string `json:"reasons"`
}

// Periods are the clocks and thresholds of one case, copied from the
// policy when it is filed, so that a later policy change never alters a
// running case. A zero field takes the policy's default (14, 7, 7, 21, 15
// and 730 days; quorum and majority 0.5).
type Periods struct {
	// Screening is the time from filing to admission or dismissal.
	Screening workflows.Duration `json:"screening"`
	// ScreeningReminder is how long before the screening deadline staff and
	// the committee are reminded of a complaint still pending.
	ScreeningReminder workflows.Duration `json:"screening_reminder"`
	// ScreeningEscalation is the interval of the escalations to staff once
	// the screening deadline has passed.
	ScreeningEscalation workflows.Duration `json:"screening_escalation"`
	// Response is the respondent's time to answer once the complaint is
	// admitted.
	Response workflows.Duration `json:"response"`
	// AppealWindow is the parties' time to appeal a decision.
	AppealWindow workflows.Duration `json:"appeal_window"`
	// RemovalIneligibility is how long a person removed from a position may
	// not hold one, from when the removal takes effect.
	RemovalIneligibility workflows.Duration `json:"removal_ineligibility"`
	// Quorum: a decision needs votes from strictly more than Quorum × the
	// non-recused committee members (all of them when Quorum is 1).
	Quorum float64 `json:"quorum"`
	// Majority: a decision needs "for" votes from strictly more than
	// Majority × the votes cast (all of them when Majority is 1).
	Majority float64 `json:"majority"`
}

// Input opens an ethics case.
type Input struct {
	CaseID string `json:"case_id"`
	// Receipt is the random code the API gave the complainant to follow the
	// case; only the complainant and staff see it.
	Receipt       string   `json:"receipt"`
	ComplainantID string   `json:"complainant_id"`
	RespondentID  string   `json:"respondent_id"`
	Kind          string   `json:"kind"`
	Summary       string   `json:"summary"`
	Links         []string `json:"links"`
	// Anonymous hides the complainant from the respondent: in the case, in
	// the emails and in the audit entries the respondent may read.
	Anonymous bool `json:"anonymous"`
	// Committee is the roster with its recusals, as the API computed it.
	Committee []CommitteeMember `json:"committee"`
	// StaffIDs are the staff members to notify (filings, screening
	// reminders and escalations, quorum alerts).
	StaffIDs []string  `json:"staff_ids"`
	Periods  Periods   `json:"periods"`
	FiledAt  time.Time `json:"filed_at"`
	// HistoryBound is the number of history events after which a run
	// continues as new (zero: process.DefaultHistoryBound).
	HistoryBound int `json:"history_bound,omitempty"`
	// Carried is the whole state of the run this one continues; nil when
	// the complaint is filed.
	Carried *Carried `json:"carried,omitempty"`
}

// Validate reports the input's problems as an ErrInvalidInput application
// error. The API calls it before starting the workflow, which checks again
// so that no caller can open a case that cannot run. The error's message
// lists every problem; it carries the first problem's refusal
// (process.Refusal: code, arguments and field), so that a page explains
// that one in the reader's language beside its field, and the next one
// when the form comes back.
func (in Input) Validate() error {
	var problems []error
	add := func(err error) {
		if err != nil {
			problems = append(problems, err)
		}
	}
	required := func(field, v string) {
		if strings.TrimSpace(v) == "" {
			add(process.InvalidFieldCode(field, "ethics.input_required", field+" is required", "Field", field))
		} else if len(v) > maxShortBytes {
			add(process.InvalidFieldCode(field, "ethics.input_too_long", fmt.Sprintf("%s is longer than %d bytes", field, maxShortBytes),
				"Field", field, "Limit", maxShortBytes))
		}
	}
	required("case_id", in.CaseID)
	required("receipt", in.Receipt)
	required("complainant_id", in.ComplainantID)
	required("respondent_id", in.RespondentID)
	if in.ComplainantID != "" && in.ComplainantID == in.RespondentID {
		add(process.InvalidFieldCode("respondent_id", "ethics.respondent_is_complainant", "respondent_id must differ from complainant_id"))
	}
	if !slices.Contains(complaintKinds, in.Kind) {
		add(process.InvalidFieldCode("kind", "ethics.kind_invalid", "kind must be one of "+strings.Join(complaintKinds, ", ")))
	}
	add(process.CheckTextCode("summary", "ethics.summary", in.Summary, maxTextBytes))
	add(checkLinks(in.Links))
	add(checkCommittee(in.Committee))
	p := in.Periods
	for _, d := range []struct {
		name string
		d    workflows.Duration
	}{
		{"screening", p.Screening}, {"screening_reminder", p.ScreeningReminder},
		{"screening_escalation", p.ScreeningEscalation}, {"response", p.Response},
		{"appeal_window", p.AppealWindow}, {"removal_ineligibility", p.RemovalIneligibility},
	} {
		if d.d < 0 {
			add(process.InvalidInputCode("ethics.period_negative", "periods."+d.name+" must not be negative", "Period", d.name))
		}
	}
	if p.ScreeningReminder > 0 && p.Screening > 0 && p.ScreeningReminder >= p.Screening {
		add(process.InvalidInputCode("ethics.reminder_too_late", "periods.screening_reminder must be shorter than periods.screening"))
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"quorum", p.Quorum}, {"majority", p.Majority}} {
		if !(f.v >= 0 && f.v <= 1) {
			add(process.InvalidInputCode("ethics.fraction_invalid", "periods."+f.name+" must be a fraction between 0 and 1", "Name", f.name))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	msgs := make([]string, len(problems))
	for i, err := range problems {
		msgs[i] = process.Message(err)
	}
	opts := temporal.ApplicationErrorOptions{NonRetryable: true}
	if r, ok := process.RefusalOf(problems[0]); ok {
		opts.Details = []any{r}
	}
	return temporal.NewApplicationErrorWithOptions("invalid ethics case: "+strings.Join(msgs, "; "), workflows.ErrInvalidInput, opts)
}

// withDefaults fills zero periods and thresholds.
func (p Periods) withDefaults() Periods {
	def := func(d *workflows.Duration, v time.Duration) {
		if *d <= 0 {
			*d = workflows.Duration(v)
		}
	}
	def(&p.Screening, defaultScreening)
	def(&p.ScreeningReminder, defaultScreeningReminder)
	def(&p.ScreeningEscalation, defaultScreeningEscalation)
	def(&p.Response, defaultResponse)
	def(&p.AppealWindow, defaultAppealWindow)
	def(&p.RemovalIneligibility, defaultRemovalIneligibility)
	if p.Quorum <= 0 {
		p.Quorum = defaultQuorum
	}
	if p.Majority <= 0 {
		p.Majority = defaultMajority
	}
	return p
}

// Decision is a decision of the committee (or as an arbitration
// ruling modified it). Matters are for recusal_ordered; Until is required
// for suspension and optional for removal; Position is for removal.
// SanctionComplainant finds that the complaint itself was made in bad
// faith: the sanction then applies to the complainant.
type Decision struct {
	Kind                string     `json:"kind"`
	Matters             []string   `json:"matters"`
	Until               *time.Time `json:"until"`
	Position            string     `json:"position"`
	SanctionComplainant bool       `json:"sanction_complainant"`
}

// DecisionEffect is the input of ActivityApplyDecision: what a
// final decision does to the registry. SubjectID is the respondent, or the
// complainant when the decision sanctions a bad-faith complaint.
// IneligibleUntil is set for a removal: when the decision took effect plus
// the policy's removal ineligibility.
type DecisionEffect struct {
	CaseID          string     `json:"case_id"`
	Kind            string     `json:"kind"`
	SubjectID       string     `json:"subject_id"`
	Matters         []string   `json:"matters"`
	Until           *time.Time `json:"until"`
	Position        string     `json:"position"`
	IneligibleUntil *time.Time `json:"ineligible_until"`
}

// AdmitInput admits the complaint.
type AdmitInput struct {
	Actor workflows.Actor `json:"actor"`
	Note  string          `json:"note"`
}

// DismissInput dismisses the complaint as inadmissible.
type DismissInput struct {
	Actor  workflows.Actor `json:"actor"`
	Reason string          `json:"reason"`
}

// RecuseInput is a committee member recusing themself.
type RecuseInput struct {
	Actor  workflows.Actor `json:"actor"`
	Reason string          `json:"reason"`
}

// RecomputeInput replaces the roster with the one the API computed
// (with domain.EthicsRecusals) after the roster or a declaration changed.
// Self-recusals recorded by the case are kept.
type RecomputeInput struct {
	Actor     workflows.Actor   `json:"actor"`
	Committee []CommitteeMember `json:"committee"`
}

// RespondInput is the respondent's answer.
type RespondInput struct {
	Actor workflows.Actor `json:"actor"`
	Text  string          `json:"text"`
}

// EvidenceInput adds evidence, or a committee member's question.
type EvidenceInput struct {
	Actor workflows.Actor `json:"actor"`
	Text  string          `json:"text"`
	Links []string        `json:"links"`
}

// DeliberateInput moves an answered complaint to deliberation.
type DeliberateInput struct {
	Actor workflows.Actor `json:"actor"`
}

// VoteInput is a vote. The first vote of a round proposes Decision
// and must be for it; later votes must name the same decision, and a member
// may change their vote until the proposal passes.
type VoteInput struct {
	Actor    workflows.Actor `json:"actor"`
	Decision Decision        `json:"decision"`
	For      bool            `json:"for"`
}

// WithdrawInput withdraws the proposal before it passes.
type WithdrawInput struct {
	Actor workflows.Actor `json:"actor"`
}

// AppealInput appeals the decision.
type AppealInput struct {
	Actor  workflows.Actor `json:"actor"`
	Reason string          `json:"reason"`
}

// ApplyModifiedInput is the decision as the arbitration ruling
// modified it.
type ApplyModifiedInput struct {
	Actor    workflows.Actor `json:"actor"`
	Decision Decision        `json:"decision"`
}

// Screening is the committee's admission or dismissal. Text is the
// note of an admission or the reason of a dismissal.
type Screening struct {
	Result string    `json:"result"`
	By     string    `json:"by"`
	Text   string    `json:"text"`
	At     time.Time `json:"at"`
}

// Response is the respondent's answer.
type Response struct {
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// Evidence is evidence from a party or a committee member's question.
// In the respondent's view of an anonymous case, By is "complainant" for
// the complainant's entries.
type Evidence struct {
	By    string    `json:"by"`
	Role  string    `json:"role"`
	Kind  string    `json:"kind"`
	Text  string    `json:"text"`
	Links []string  `json:"links"`
	At    time.Time `json:"at"`
}

// Proposal is the decision the committee is voting on. Round counts
// the proposals of the case.
type Proposal struct {
	Round    int       `json:"round"`
	Decision Decision  `json:"decision"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// Vote is a committee member's current vote on the proposal.
type Vote struct {
	MemberID string    `json:"member_id"`
	For      bool      `json:"for"`
	At       time.Time `json:"at"`
}

// Tally counts the votes on the proposal over the non-recused
// members. Quorate: Cast ≥ QuorumRequired; a proposal passes when it is
// quorate and For ≥ MajorityRequired.
type Tally struct {
	Members          int  `json:"members"`
	QuorumRequired   int  `json:"quorum_required"`
	Cast             int  `json:"cast"`
	For              int  `json:"for"`
	Against          int  `json:"against"`
	MajorityRequired int  `json:"majority_required"`
	Quorate          bool `json:"quorate"`
	Passes           bool `json:"passes"`
}

// Appeal is a party's appeal. The case opens the arbitration that hears
// it (workflows.ActivityOpenAppeal) and waits for its ruling. In the
// respondent's view of an anonymous case, By is "complainant" for the
// complainant's appeal.
type Appeal struct {
	By     string    `json:"by"`
	Role   string    `json:"role"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// Ruling is the arbitration ruling on the appeal, as signalled.
type Ruling struct {
	ArbitrationID string    `json:"arbitration_id"`
	Outcome       string    `json:"outcome"`
	Text          string    `json:"text"`
	Articles      []string  `json:"articles"`
	At            time.Time `json:"at"`
}

// State is the case as the query and every update return it: the
// full record, for staff and the committee. Parties get ViewFor's filtered
// copy.
type State struct {
	CaseID        string    `json:"case_id"`
	Receipt       string    `json:"receipt"`
	Status        string    `json:"status"`
	Kind          string    `json:"kind"`
	Summary       string    `json:"summary"`
	Links         []string  `json:"links"`
	Anonymous     bool      `json:"anonymous"`
	ComplainantID string    `json:"complainant_id"`
	RespondentID  string    `json:"respondent_id"`
	FiledAt       time.Time `json:"filed_at"`
	// Committee is the effective roster: the API's recusals, self-recusals
	// and parties recused. Sorted by member ID.
	Committee []CommitteeMember `json:"committee"`
	// NoQuorum is true while too many members are recused for the quorum
	// the full roster would need (staff were alerted).
	NoQuorum             bool       `json:"no_quorum"`
	Screening            *Screening `json:"screening"`
	ScreeningDue         time.Time  `json:"screening_due"`
	ScreeningReminded    bool       `json:"screening_reminded"`
	ScreeningEscalations int        `json:"screening_escalations"`
	ResponseDue          *time.Time `json:"response_due"`
	Response             *Response  `json:"response"`
	Evidence             []Evidence `json:"evidence"`
	Proposal             *Proposal  `json:"proposal"`
	Votes                []Vote     `json:"votes"`
	Tally                *Tally     `json:"tally"`
	// Decision is the committee's decision; DecidedAt when it passed.
	Decision   *Decision  `json:"decision"`
	DecidedAt  *time.Time `json:"decided_at"`
	AppealEnds *time.Time `json:"appeal_ends"`
	Appeal     *Appeal    `json:"appeal"`
	Ruling     *Ruling    `json:"ruling"`
	// Final is the decision that took effect: the committee's, dismissed
	// (an appeal overturned it) or as modified on appeal; nil for an
	// inadmissible complaint.
	Final *Decision `json:"final"`
	// Outcome is set on closing: a decision kind or "inadmissible".
	Outcome  string     `json:"outcome"`
	ClosedAt *time.Time `json:"closed_at"`
	// Applied is what ApplyEthicsDecision applied; ApplyError says why it
	// could not (staff are told through the audit log).
	Applied    *DecisionEffect      `json:"applied"`
	ApplyError string               `json:"apply_error,omitempty"`
	Deadlines  []workflows.Deadline `json:"deadlines"`
}

var (
	complaintKinds = []string{KindUndeclaredConflict, KindDisqualifyingConflict, KindBadFaith, KindOther}
	decisionKinds  = []string{DecisionDismissed, DecisionRecusalOrdered, DecisionWarning, DecisionSuspension, DecisionRemoval}
)
