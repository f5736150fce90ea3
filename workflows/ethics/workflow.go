package ethics

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// EthicsWorkflowName is the name the Ethics workflow is registered and
// started under.
const WorkflowName = "Ethics"

// EthicsWorkflowID is the business key of an ethics case: a retried filing
// finds the running case instead of opening a second one, and an
// arbitration ruling on an appeal finds the case it applies to.
func WorkflowID(caseID string) string { return workflows.AppealKindEthics + "/" + caseID }

// ActivityApplyEthicsDecision applies a final decision to the registry
// (voting rights suspended, position vacated, ineligibility recorded,
// warning or ordered recusal noted). Its input is an EthicsDecisionEffect
// and it returns nothing but an error. It must be idempotent, keyed by the
// case ID: the workflow may run it again after a worker restart.
const ActivityApplyDecision = "ApplyEthicsDecision"

// Update and query names of the ethics process. Every action whose caller
// needs an answer is an update, so that a refused transition never enters
// the history and the API can answer 403, 409 or 422. Every update returns
// the full EthicsState; the API shows the caller EthicsState.ViewFor.
const (
	// UpdateEthicsAdmit admits the complaint (a non-recused committee
	// member), EthicsAdmitInput.
	UpdateAdmit = "admit"
	// UpdateEthicsDismiss dismisses the complaint as inadmissible (a
	// non-recused committee member), EthicsDismissInput.
	UpdateDismiss = "dismiss"
	// UpdateEthicsRecuse is a committee member recusing themself,
	// EthicsRecuseInput.
	UpdateRecuse = "recuse"
	// UpdateEthicsRecomputeRecusals replaces the committee roster as
	// recomputed by the API with domain.EthicsRecusals when the roster or
	// the declarations change (staff), EthicsRecomputeInput.
	UpdateRecomputeRecusals = "recompute_recusals"
	// UpdateEthicsRespond is the respondent's answer, EthicsRespondInput.
	UpdateRespond = "respond"
	// UpdateEthicsEvidence adds evidence (a party) or a question (a
	// non-recused committee member), EthicsEvidenceInput.
	UpdateEvidence = "evidence"
	// UpdateEthicsDeliberate moves an answered complaint to deliberation
	// before the response period ends (a non-recused committee member),
	// EthicsDeliberateInput.
	UpdateDeliberate = "deliberate"
	// UpdateEthicsVote proposes a decision or votes on the proposal (a
	// non-recused committee member), EthicsVoteInput.
	UpdateVote = "vote"
	// UpdateEthicsWithdrawProposal withdraws the proposal and its votes
	// (the proposer), EthicsWithdrawInput.
	UpdateWithdrawProposal = "withdraw_proposal"
	// UpdateEthicsAppeal appeals the decision (a party), EthicsAppealInput.
	UpdateAppeal = "appeal"
	// UpdateEthicsApplyModified records the decision as an arbitration
	// ruling modified it (staff), EthicsApplyModifiedInput.
	UpdateApplyModified = "apply_modified"

	// QueryEthics returns the case's full EthicsState, for staff and the
	// committee; the API filters it with EthicsState.ViewFor.
	Query = "state"
)

// Statuses of an ethics case, as EthicsState.Status reports them.
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

// EthicsOutcomeInadmissible is the outcome of a complaint dismissed at
// screening.
const OutcomeInadmissible = "inadmissible"

// Screening results, as EthicsScreening.Result reports them.
const (
	ScreenAdmitted  = "admitted"
	ScreenDismissed = "dismissed"
)

// Roles in which evidence is added, as EthicsEvidence.Role reports them. A
// party's entry is evidence; a committee member's is a question to the
// parties.
const (
	RoleComplainant = "complainant"
	RoleRespondent  = "respondent"
	RoleCommittee   = "committee"
)

// Kinds of EthicsEvidence entries.
const (
	EvidenceKind = "evidence"
	QuestionKind = "question"
)

// Defaults of EthicsPeriods, the LACRALO policy's, used for any period or
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
	maxEthEvidence   = 100
	maxEthCommittee  = 100
	maxEthReasons    = 20
	maxEthMatters    = 20
	maxEthTextBytes  = 20_000
	maxEthLinks      = 10
	maxEthLinkBytes  = 2_000
	maxEthShortBytes = 2_000 // notes, reasons, matters, positions, IDs
)

const ethProcess = "ethics"

// ethSystem is the audit actor of changes no person made: deadlines
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

// EthicsPeriods are the clocks and thresholds of one case, copied from the
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

// EthicsInput opens an ethics case.
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
}

// Validate reports the input's problems as an ErrInvalidInput application
// error. The API calls it before starting the workflow, which checks again
// so that no caller can open a case that cannot run.
func (in Input) Validate() error {
	var problems []string
	required := func(field, v string) {
		if strings.TrimSpace(v) == "" {
			problems = append(problems, field+" is required")
		} else if len(v) > maxEthShortBytes {
			problems = append(problems, fmt.Sprintf("%s is longer than %d bytes", field, maxEthShortBytes))
		}
	}
	required("case_id", in.CaseID)
	required("receipt", in.Receipt)
	required("complainant_id", in.ComplainantID)
	required("respondent_id", in.RespondentID)
	if in.ComplainantID != "" && in.ComplainantID == in.RespondentID {
		problems = append(problems, "respondent_id must differ from complainant_id")
	}
	if !slices.Contains(complaintKinds, in.Kind) {
		problems = append(problems, "kind must be one of "+strings.Join(complaintKinds, ", "))
	}
	if err := process.CheckText("summary", in.Summary, maxEthTextBytes); err != nil {
		problems = append(problems, process.Message(err))
	}
	if err := checkLinks(in.Links); err != nil {
		problems = append(problems, process.Message(err))
	}
	if err := checkCommittee(in.Committee); err != nil {
		problems = append(problems, process.Message(err))
	}
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
			problems = append(problems, "periods."+d.name+" must not be negative")
		}
	}
	if p.ScreeningReminder > 0 && p.Screening > 0 && p.ScreeningReminder >= p.Screening {
		problems = append(problems, "periods.screening_reminder must be shorter than periods.screening")
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"quorum", p.Quorum}, {"majority", p.Majority}} {
		if !(f.v >= 0 && f.v <= 1) {
			problems = append(problems, "periods."+f.name+" must be a fraction between 0 and 1")
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return temporal.NewNonRetryableApplicationError("invalid ethics case: "+strings.Join(problems, "; "), workflows.ErrInvalidInput, nil)
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

// EthicsDecision is a decision of the committee (or as an arbitration
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

// EthicsDecisionEffect is the input of ActivityApplyEthicsDecision: what a
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

// EthicsAdmitInput admits the complaint.
type AdmitInput struct {
	Actor workflows.Actor `json:"actor"`
	Note  string          `json:"note"`
}

// EthicsDismissInput dismisses the complaint as inadmissible.
type DismissInput struct {
	Actor  workflows.Actor `json:"actor"`
	Reason string          `json:"reason"`
}

// EthicsRecuseInput is a committee member recusing themself.
type RecuseInput struct {
	Actor  workflows.Actor `json:"actor"`
	Reason string          `json:"reason"`
}

// EthicsRecomputeInput replaces the roster with the one the API computed
// (with domain.EthicsRecusals) after the roster or a declaration changed.
// Self-recusals recorded by the case are kept.
type RecomputeInput struct {
	Actor     workflows.Actor   `json:"actor"`
	Committee []CommitteeMember `json:"committee"`
}

// EthicsRespondInput is the respondent's answer.
type RespondInput struct {
	Actor workflows.Actor `json:"actor"`
	Text  string          `json:"text"`
}

// EthicsEvidenceInput adds evidence, or a committee member's question.
type EvidenceInput struct {
	Actor workflows.Actor `json:"actor"`
	Text  string          `json:"text"`
	Links []string        `json:"links"`
}

// EthicsDeliberateInput moves an answered complaint to deliberation.
type DeliberateInput struct {
	Actor workflows.Actor `json:"actor"`
}

// EthicsVoteInput is a vote. The first vote of a round proposes Decision
// and must be for it; later votes must name the same decision, and a member
// may change their vote until the proposal passes.
type VoteInput struct {
	Actor    workflows.Actor `json:"actor"`
	Decision Decision        `json:"decision"`
	For      bool            `json:"for"`
}

// EthicsWithdrawInput withdraws the proposal before it passes.
type WithdrawInput struct {
	Actor workflows.Actor `json:"actor"`
}

// EthicsAppealInput appeals the decision.
type AppealInput struct {
	Actor  workflows.Actor `json:"actor"`
	Reason string          `json:"reason"`
}

// EthicsApplyModifiedInput is the decision as the arbitration ruling
// modified it.
type ApplyModifiedInput struct {
	Actor    workflows.Actor `json:"actor"`
	Decision Decision        `json:"decision"`
}

// EthicsScreening is the committee's admission or dismissal. Text is the
// note of an admission or the reason of a dismissal.
type Screening struct {
	Result string    `json:"result"`
	By     string    `json:"by"`
	Text   string    `json:"text"`
	At     time.Time `json:"at"`
}

// EthicsResponse is the respondent's answer.
type Response struct {
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// EthicsEvidence is evidence from a party or a committee member's question.
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

// EthicsProposal is the decision the committee is voting on. Round counts
// the proposals of the case.
type Proposal struct {
	Round    int       `json:"round"`
	Decision Decision  `json:"decision"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// EthicsVote is a committee member's current vote on the proposal.
type Vote struct {
	MemberID string    `json:"member_id"`
	For      bool      `json:"for"`
	At       time.Time `json:"at"`
}

// EthicsTally counts the votes on the proposal over the non-recused
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

// EthicsRuling is the arbitration ruling on the appeal, as signalled.
type Ruling struct {
	ArbitrationID string    `json:"arbitration_id"`
	Outcome       string    `json:"outcome"`
	Text          string    `json:"text"`
	Articles      []string  `json:"articles"`
	At            time.Time `json:"at"`
}

// EthicsState is the case as the query and every update return it: the
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

// CanRead says whether a person may read the case at all: staff and
// admins, the complainant, the respondent once the complaint is admitted
// (a complaint dismissed at screening never reaches them), and the
// non-recused committee members. Everyone else, recused members included,
// should get a 404, as if the case did not exist.
func (s State) CanRead(viewerID string, roles []string) bool {
	if viewerID != "" && (viewerID == s.ComplainantID || (viewerID == s.RespondentID && s.respondentInformed())) {
		return true
	}
	if process.IsStaff(roles) {
		return true
	}
	return s.activeMember(viewerID)
}

// ViewFor is the case as a person may see it; it returns the zero state to
// those who may not read it (see CanRead). The parties are seen as parties
// even if they hold other roles: they never see the committee's votes, the
// proposal under vote or the reasons of recusals, and the respondent never
// sees an anonymous complainant's identity. Only the complainant and staff
// see the receipt.
func (s State) ViewFor(viewerID string, roles []string) State {
	if !s.CanRead(viewerID, roles) {
		return State{}
	}
	v := s.clone()
	isParty := viewerID == s.ComplainantID || viewerID == s.RespondentID
	if !isParty {
		if !process.IsStaff(roles) {
			v.Receipt = ""
		}
		return v
	}
	v.Proposal = nil
	v.Votes = []Vote{}
	v.Tally = nil
	for i := range v.Committee {
		v.Committee[i].Reasons = []string{}
	}
	if viewerID == s.ComplainantID {
		return v
	}
	v.Receipt = ""
	if !s.Anonymous {
		return v
	}
	v.ComplainantID = ""
	for i := range v.Evidence {
		if v.Evidence[i].By == s.ComplainantID {
			v.Evidence[i].By = RoleComplainant
		}
	}
	if v.Appeal != nil && v.Appeal.By == s.ComplainantID {
		v.Appeal.By = RoleComplainant
	}
	if v.Applied != nil && v.Applied.SubjectID == s.ComplainantID {
		v.Applied.SubjectID = RoleComplainant
	}
	return v
}

// clone copies the state deeply enough that changing the copy's slices and
// records never changes the original.
func (s State) clone() State {
	v := s
	v.Links = slices.Clone(s.Links)
	v.Committee = slices.Clone(s.Committee)
	for i := range v.Committee {
		v.Committee[i].Reasons = slices.Clone(v.Committee[i].Reasons)
	}
	v.Evidence = slices.Clone(s.Evidence)
	v.Votes = slices.Clone(s.Votes)
	v.Deadlines = slices.Clone(s.Deadlines)
	v.Screening = process.Clone(s.Screening)
	v.ResponseDue = process.Clone(s.ResponseDue)
	v.Response = process.Clone(s.Response)
	v.Proposal = process.Clone(s.Proposal)
	v.Tally = process.Clone(s.Tally)
	v.Decision = process.Clone(s.Decision)
	v.DecidedAt = process.Clone(s.DecidedAt)
	v.AppealEnds = process.Clone(s.AppealEnds)
	v.Appeal = process.Clone(s.Appeal)
	v.Ruling = process.Clone(s.Ruling)
	v.Final = process.Clone(s.Final)
	v.ClosedAt = process.Clone(s.ClosedAt)
	v.Applied = process.Clone(s.Applied)
	return v
}

// respondentInformed: the respondent learns of a complaint when it is
// admitted.
func (s State) respondentInformed() bool {
	return s.Screening != nil && s.Screening.Result == ScreenAdmitted
}

// activeMember: a committee member who is not recused.
func (s State) activeMember(id string) bool {
	if id == "" {
		return false
	}
	for _, m := range s.Committee {
		if m.MemberID == id {
			return !m.Recused
		}
	}
	return false
}

var (
	complaintKinds = []string{KindUndeclaredConflict, KindDisqualifyingConflict, KindBadFaith, KindOther}
	decisionKinds  = []string{DecisionDismissed, DecisionRecusalOrdered, DecisionWarning, DecisionSuspension, DecisionRemoval}
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
	e := newEthics(ctx, in)
	if err := e.setup(ctx); err != nil {
		return State{}, err
	}
	return e.run(ctx)
}

// ethics is the state of one running case. Update handlers and the ruling
// receiver never block: they change the state and queue the effects (audit
// entries, notifications, applying the decision), which the main loop runs
// in order.
type ethics struct {
	in      Input
	periods Periods
	st      State
	logger  log.Logger

	staff       []string          // sorted
	roster      []CommitteeMember // as the API last computed it
	selfRecused map[string]string // member → reason; kept across recomputations
	rosterSeq   int               // roster changes so far: steps of quorum alerts
	noQuorum    bool              // the last roster change left the committee short

	lastEscalation time.Time
	responseDue    time.Time
	appealEnds     time.Time
	votes          int // votes cast so far, all rounds: steps of vote entries
	rounds         int // proposals made so far
	strayRulings   int // rulings signalled when none was expected

	effects []effect
	eng     *process.Engine
	rulings workflow.ReceiveChannel
	saved   workflows.CaseIndex
}

// ethEffect is one side effect queued by a transition.
type effect struct {
	audit  *workflows.AuditInput
	notify *workflows.NotifyInput
	apply  *DecisionEffect
	appeal *workflows.OpenAppealInput
}

func newEthics(ctx workflow.Context, in Input) *ethics {
	filedAt := in.FiledAt
	if filedAt.IsZero() {
		filedAt = workflow.GetInfo(ctx).WorkflowStartTime
	}
	filedAt = filedAt.UTC()
	e := &ethics{
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
	return e
}

// revalidateSince is the version from which an update validates again
// after bringing the state up to now; cases started before it applied
// without the second check, and their histories replay as they ran.
const revalidateSince = "process-update-revalidate"

// setup registers the query and the updates.
func (e *ethics) setup(ctx workflow.Context) error {
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
func (e *ethics) run(ctx workflow.Context) (State, error) {
	workflow.Go(ctx, e.receiveRulings)
	e.file(workflow.Now(ctx))
	if err := e.eng.Run(ctx, e); err != nil {
		return e.st, err
	}
	return e.st, nil
}

// The process.Loop and process.Process hooks.

// Prepare has nothing to do before the effects.
func (e *ethics) Prepare(workflow.Context, time.Time) bool { return false }

// Flush runs the queued effects.
func (e *ethics) Flush(ctx workflow.Context) { e.flush(ctx) }

// Busy: an update queued effects while Flush ran.
func (e *ethics) Busy() bool { return len(e.effects) > 0 }

// Done: the case is closed.
func (e *ethics) Done() bool { return e.st.Status == StatusClosed }

// Wait blocks until the next deadline or change.
func (e *ethics) Wait(ctx workflow.Context) {
	ev, ok := e.next()
	e.eng.Wait(ctx, ev, ok)
}

// Wake tells the main loop that the state changed.
func (e *ethics) Wake() { e.eng.Wake() }

// Snapshot is a copy of the state, as updates answer it.
func (e *ethics) Snapshot() State { return e.st.clone() }

// receiveRulings applies each arbitration ruling as it arrives, whatever
// the main loop is doing (it may be running effects for a while), so that a
// ruling is handled in its place among the updates, as an update handler
// would be. It ends with the workflow.
func (e *ethics) receiveRulings(ctx workflow.Context) {
	for {
		var r workflows.AppealRuling
		if !e.rulings.Receive(ctx, &r) {
			return
		}
		now := workflow.Now(ctx)
		e.Tick(now)
		e.ruling(now, r)
		e.Tick(now)
		e.Wake()
	}
}

// Tick fires every deadline that has passed, oldest first, then refreshes
// the derived parts of the state. It never blocks, so update handlers call
// it too.
func (e *ethics) Tick(now time.Time) {
	process.FireDue(now, e.next, nil)
	e.refresh(now)
}

// next is the earliest pending deadline; ties go to the first in pending's
// order, which follows the order of the process.
func (e *ethics) next() (process.Deadline, bool) { return process.Earliest(e.pending()) }

func (e *ethics) pending() []process.Deadline {
	var evs []process.Deadline
	switch e.st.Status {
	case StatusScreening:
		due := e.st.ScreeningDue
		if at := due.Add(-e.periods.ScreeningReminder.D()); !e.st.ScreeningReminded && at.After(e.st.FiledAt) {
			evs = append(evs, process.Deadline{At: at, Name: "screening reminder", Fire: e.remindScreening})
		}
		at := due
		if !e.lastEscalation.IsZero() {
			at = e.lastEscalation.Add(e.periods.ScreeningEscalation.D())
		}
		evs = append(evs, process.Deadline{At: at, Name: "screening escalation", Fire: e.escalateScreening})
	case StatusInvestigation:
		evs = append(evs, process.Deadline{At: e.responseDue, Name: "response period ends", Fire: e.responseElapsed})
	case StatusAppealWindow:
		evs = append(evs, process.Deadline{At: e.appealEnds, Name: "appeal window closes", Fire: e.appealWindowEnds})
	}
	return evs
}

// refresh derives the tally, the quorum flag and the upcoming deadlines.
func (e *ethics) refresh(now time.Time) {
	st := &e.st
	t := e.tally()
	st.Tally = &t
	st.NoQuorum = e.noQuorum
	deadlines := []workflows.Deadline{}
	switch st.Status {
	case StatusScreening:
		deadlines = append(deadlines, workflows.Deadline{Name: "screening", At: st.ScreeningDue})
	case StatusInvestigation:
		if now.Before(e.responseDue) {
			deadlines = append(deadlines, workflows.Deadline{Name: "response", At: e.responseDue})
		}
	case StatusAppealWindow:
		if now.Before(e.appealEnds) {
			deadlines = append(deadlines, workflows.Deadline{Name: "appeal_window", At: e.appealEnds})
		}
	}
	st.Deadlines = deadlines
}

// Deadline events.

// remindScreening reminds staff and the committee before the screening
// deadline; a reminder that comes due only after the deadline (a worker
// down for days) is skipped, since the escalation says more.
func (e *ethics) remindScreening(now time.Time) {
	e.st.ScreeningReminded = true
	due := e.st.ScreeningDue
	if !now.Before(due) {
		return
	}
	e.notify("screening_reminder", "ethics.screening_reminder", e.recipients(false, true, true), map[string]any{
		"due":       due,
		"days_left": int(math.Ceil(due.Sub(now).Hours() / 24)),
	})
}

// escalateScreening tells staff (and the committee) that the complaint is
// past its screening deadline, again every escalation period until it is
// screened; the first escalation is audited.
func (e *ethics) escalateScreening(now time.Time) {
	e.lastEscalation = now
	e.st.ScreeningEscalations++
	step := "screening_overdue/" + strconv.Itoa(e.st.ScreeningEscalations)
	if e.st.ScreeningEscalations == 1 {
		e.auditStaff(system, "ethics.screening_overdue", step, map[string]any{"due": e.st.ScreeningDue})
	}
	e.notify(step, "ethics.screening_overdue", e.recipients(false, true, true), map[string]any{
		"due":         e.st.ScreeningDue,
		"escalations": e.st.ScreeningEscalations,
	})
}

// responseElapsed moves the case to deliberation when the response period
// ends, answered or not.
func (e *ethics) responseElapsed(time.Time) {
	e.toDeliberation(system, "response_period_ended")
}

// appealWindowEnds makes the unappealed decision final.
func (e *ethics) appealWindowEnds(now time.Time) {
	d := *e.st.Decision
	e.close(now, system, &d, d.Kind)
}

// statusAt is the status at now, counting deadlines that have passed but
// that the main loop has not fired yet, so that a validator never refuses
// what its handler (which fires them first) would allow, or the reverse.
func (e *ethics) statusAt(now time.Time) string {
	switch s := e.st.Status; {
	case s == StatusInvestigation && !now.Before(e.responseDue):
		return StatusDeliberation
	case s == StatusAppealWindow && !now.Before(e.appealEnds):
		return StatusClosed
	default:
		return s
	}
}

// Who is who.

func (e *ethics) isComplainant(id string) bool { return id != "" && id == e.in.ComplainantID }

func (e *ethics) isRespondent(id string) bool { return id != "" && id == e.in.RespondentID }

func (e *ethics) isParty(id string) bool { return e.isComplainant(id) || e.isRespondent(id) }

func (e *ethics) active(id string) bool { return e.st.activeMember(id) }

func (e *ethics) onRoster(id string) bool {
	return id != "" && slices.ContainsFunc(e.st.Committee, func(m CommitteeMember) bool { return m.MemberID == id })
}

// activeIDs are the non-recused committee members, sorted.
func (e *ethics) activeIDs() []string {
	var ids []string
	for _, m := range e.st.Committee {
		if !m.Recused {
			ids = append(ids, m.MemberID)
		}
	}
	return process.Set(ids)
}

// effectiveCommittee merges the API's roster with the self-recusals, and
// recuses a party that the API left on the committee: the case's own
// guarantee, whatever the caller computed.
func (e *ethics) effectiveCommittee() []CommitteeMember {
	out := make([]CommitteeMember, 0, len(e.roster))
	for _, m := range e.roster {
		m.Reasons = slices.Clone(m.Reasons)
		if e.isParty(m.MemberID) {
			m.Reasons = append(m.Reasons, fmt.Sprintf("the committee member %s is a party", m.MemberID))
		}
		if reason, ok := e.selfRecused[m.MemberID]; ok {
			m.Reasons = append(m.Reasons, "recused themself: "+reason)
		}
		m.Reasons = process.Set(m.Reasons)
		m.Recused = m.Recused || len(m.Reasons) > 0
		out = append(out, m)
	}
	return out
}

// ethRequired is how many of n are strictly more than fraction × n, capped
// at n (so 1 means all of them); 0 when n is 0. It is the policy's rule
// (policy.Ethics.QuorumRequired), with the same tolerance for fractions
// such as 0.1 that floats cannot hold exactly.
func ethRequired(fraction float64, n int) int {
	if n <= 0 {
		return 0
	}
	return min(n, int(math.Floor(fraction*float64(n)+1e-9))+1)
}

// tally counts the current proposal's votes over the non-recused members.
func (e *ethics) tally() Tally {
	t := Tally{Members: len(e.activeIDs())}
	t.QuorumRequired = ethRequired(e.periods.Quorum, t.Members)
	for _, v := range e.st.Votes {
		t.Cast++
		if v.For {
			t.For++
		} else {
			t.Against++
		}
	}
	t.MajorityRequired = ethRequired(e.periods.Majority, t.Cast)
	t.Quorate = t.Members > 0 && t.Cast >= t.QuorumRequired
	t.Passes = e.st.Proposal != nil && t.Quorate && t.For > 0 && t.For >= t.MajorityRequired
	return t
}

// short says whether the non-recused members are too few for the quorum
// the full roster would need: the committee can still decide (its quorum
// is over the non-recused), but staff should know that recusals have
// thinned it, and must act when nobody is left.
func (e *ethics) short() bool {
	n := len(e.activeIDs())
	return n == 0 || n < ethRequired(e.periods.Quorum, len(e.st.Committee))
}

// rosterChanged settles a change of the roster: the recused members' votes
// no longer count, staff are alerted when the change leaves the committee
// short, and the proposal may now pass over fewer members.
func (e *ethics) rosterChanged(now time.Time, actor string) {
	e.rosterSeq++
	e.st.Committee = e.effectiveCommittee()
	e.st.Votes = slices.DeleteFunc(e.st.Votes, func(v Vote) bool { return !e.active(v.MemberID) })
	open := e.st.Status == StatusScreening || e.st.Status == StatusInvestigation ||
		e.st.Status == StatusDeliberation
	short := open && e.short()
	if short && !e.noQuorum {
		step := "no_quorum/" + strconv.Itoa(e.rosterSeq)
		details := map[string]any{
			"committee":       len(e.st.Committee),
			"non_recused":     len(e.activeIDs()),
			"quorum_required": ethRequired(e.periods.Quorum, len(e.st.Committee)),
		}
		e.auditStaff(system, "ethics.no_quorum", step, details)
		e.notify(step, "ethics.no_quorum", e.recipients(false, true, false), details)
	}
	e.noQuorum = short
	e.checkPass(now, actor)
}

// Validators and handlers, in the order of the process.

// file records the filing, the first effects of every case.
func (e *ethics) file(now time.Time) {
	e.audit(e.in.ComplainantID, "ethics.filed", "filed", map[string]any{
		"kind":          e.st.Kind,
		"summary":       e.st.Summary,
		"links":         e.st.Links,
		"anonymous":     e.st.Anonymous,
		"respondent_id": e.st.RespondentID,
		"screening_due": e.st.ScreeningDue,
	})
	e.notify("filed", "ethics.filed", process.Set(append(e.recipients(false, true, true), e.in.ComplainantID)), map[string]any{
		"due": e.st.ScreeningDue,
	})
	e.rosterChanged(now, system)
}

func (e *ethics) validateScreen(now time.Time, act workflows.Actor, what string) error {
	if !e.active(act.MemberID) {
		return process.Forbidden("only a non-recused member of the ethics committee can " + what + " a complaint")
	}
	if e.statusAt(now) != StatusScreening {
		return process.InvalidState("the complaint has already been screened")
	}
	return nil
}

func (e *ethics) validateAdmit(now time.Time, in AdmitInput) error {
	if err := e.validateScreen(now, in.Actor, "admit"); err != nil {
		return err
	}
	if len(in.Note) > maxEthTextBytes {
		return process.InvalidInput(fmt.Sprintf("note is longer than %d bytes", maxEthTextBytes))
	}
	return nil
}

// admit opens the investigation: the respondent is told and the response
// clock starts.
func (e *ethics) admit(now time.Time, in AdmitInput) {
	note := strings.TrimSpace(in.Note)
	e.st.Screening = &Screening{Result: ScreenAdmitted, By: in.Actor.MemberID, Text: note, At: now}
	e.responseDue = now.Add(e.periods.Response.D())
	due := e.responseDue
	e.st.ResponseDue = &due
	e.st.Status = StatusInvestigation
	e.audit(in.Actor.MemberID, "ethics.admitted", "admitted", map[string]any{
		"note":         note,
		"response_due": due,
	})
	e.notify("admitted", "ethics.admitted", process.Set(append(e.recipients(false, true, true), e.in.ComplainantID)), nil)
	e.notify("response_requested", "ethics.response_requested", []string{e.in.RespondentID}, map[string]any{"due": due})
}

func (e *ethics) validateDismiss(now time.Time, in DismissInput) error {
	if err := e.validateScreen(now, in.Actor, "dismiss"); err != nil {
		return err
	}
	return process.CheckText("reason", in.Reason, maxEthTextBytes)
}

// dismiss closes the case as inadmissible. The respondent was never told of
// the complaint and is not told now.
func (e *ethics) dismiss(now time.Time, in DismissInput) {
	reason := strings.TrimSpace(in.Reason)
	e.st.Screening = &Screening{Result: ScreenDismissed, By: in.Actor.MemberID, Text: reason, At: now}
	e.audit(in.Actor.MemberID, "ethics.dismissed", "dismissed", map[string]any{"reason": reason})
	e.notify("dismissed", "ethics.dismissed", process.Set(append(e.recipients(false, true, true), e.in.ComplainantID)), map[string]any{
		"reason": reason,
	})
	e.close(now, in.Actor.MemberID, nil, OutcomeInadmissible)
}

func (e *ethics) validateRecuse(now time.Time, in RecuseInput) error {
	if !e.onRoster(in.Actor.MemberID) {
		return process.Forbidden("only a member of the ethics committee can recuse from the case")
	}
	if e.statusAt(now) == StatusClosed {
		return process.InvalidState("the case is closed")
	}
	if !e.active(in.Actor.MemberID) {
		return process.InvalidState("the member is already recused")
	}
	return process.CheckText("reason", in.Reason, maxEthShortBytes)
}

// recuse records a self-recusal. Its reason may name the parties, so the
// entry is for staff.
func (e *ethics) recuse(now time.Time, in RecuseInput) {
	reason := strings.TrimSpace(in.Reason)
	e.selfRecused[in.Actor.MemberID] = reason
	e.auditStaff(in.Actor.MemberID, "ethics.recused", "recused/"+in.Actor.MemberID, map[string]any{
		"member_id": in.Actor.MemberID,
		"reason":    reason,
	})
	e.rosterChanged(now, in.Actor.MemberID)
}

func (e *ethics) validateRecompute(now time.Time, in RecomputeInput) error {
	if !process.IsStaff(in.Actor.Roles) {
		return process.Forbidden("only staff can recompute the recusals")
	}
	if e.statusAt(now) == StatusClosed {
		return process.InvalidState("the case is closed")
	}
	return checkCommittee(in.Committee)
}

// recompute replaces the roster. The recusal reasons may name the parties,
// so the entry is for staff.
func (e *ethics) recompute(now time.Time, in RecomputeInput) {
	e.roster = cleanRoster(in.Committee)
	e.auditStaff(in.Actor.MemberID, "ethics.recusals_recomputed", "recusals/"+strconv.Itoa(e.rosterSeq+1), map[string]any{
		"committee": e.roster,
	})
	e.rosterChanged(now, in.Actor.MemberID)
}

func (e *ethics) validateRespond(now time.Time, in RespondInput) error {
	if !e.isRespondent(in.Actor.MemberID) {
		return process.Forbidden("only the respondent can respond to the complaint")
	}
	switch e.statusAt(now) {
	case StatusScreening:
		return process.InvalidState("the complaint has not been admitted")
	case StatusInvestigation:
	default:
		return process.InvalidState("the response period is over")
	}
	if e.st.Response != nil {
		return process.InvalidState("the respondent has already responded; further material can be added as evidence")
	}
	return process.CheckText("text", in.Text, maxEthTextBytes)
}

func (e *ethics) respond(now time.Time, in RespondInput) {
	r := &Response{Text: strings.TrimSpace(in.Text), At: now}
	e.st.Response = r
	e.audit(in.Actor.MemberID, "ethics.response", "response", map[string]any{"text": r.Text})
}

func (e *ethics) validateEvidence(now time.Time, in EvidenceInput) error {
	id := in.Actor.MemberID
	if !e.isParty(id) && !e.active(id) {
		return process.Forbidden("only a party or a non-recused committee member can add evidence")
	}
	switch e.statusAt(now) {
	case StatusInvestigation, StatusDeliberation:
	case StatusScreening:
		return process.InvalidState("evidence is added once the complaint is admitted")
	default:
		return process.InvalidState("the committee has decided; evidence is closed")
	}
	if len(e.st.Evidence) >= maxEthEvidence {
		return process.InvalidState(fmt.Sprintf("the case already holds the maximum of %d evidence entries", maxEthEvidence))
	}
	if err := process.CheckText("text", in.Text, maxEthTextBytes); err != nil {
		return err
	}
	return checkLinks(in.Links)
}

func (e *ethics) evidence(now time.Time, in EvidenceInput) {
	id := in.Actor.MemberID
	ev := Evidence{
		By:    id,
		Role:  RoleCommittee,
		Kind:  QuestionKind,
		Text:  strings.TrimSpace(in.Text),
		Links: process.NonNil(slices.Clone(in.Links)),
		At:    now,
	}
	switch {
	case e.isComplainant(id):
		ev.Role, ev.Kind = RoleComplainant, EvidenceKind
	case e.isRespondent(id):
		ev.Role, ev.Kind = RoleRespondent, EvidenceKind
	}
	e.st.Evidence = append(e.st.Evidence, ev)
	e.audit(id, "ethics.evidence", "evidence/"+strconv.Itoa(len(e.st.Evidence)), map[string]any{
		"role":  ev.Role,
		"kind":  ev.Kind,
		"text":  ev.Text,
		"links": ev.Links,
	})
}

func (e *ethics) validateDeliberate(now time.Time, in DeliberateInput) error {
	if !e.active(in.Actor.MemberID) {
		return process.Forbidden("only a non-recused member of the ethics committee can open the deliberation")
	}
	if e.statusAt(now) != StatusInvestigation {
		return process.InvalidState("the case is not under investigation")
	}
	if e.st.Response == nil {
		return process.InvalidState("the respondent may respond until " + e.responseDue.Format(time.RFC3339))
	}
	return nil
}

func (e *ethics) deliberate(_ time.Time, in DeliberateInput) {
	e.toDeliberation(in.Actor.MemberID, "committee")
}

// toDeliberation closes the investigation; why says what closed it.
func (e *ethics) toDeliberation(actor, why string) {
	e.st.Status = StatusDeliberation
	e.audit(actor, "ethics.deliberation", "deliberation", map[string]any{
		"reason":    why,
		"responded": e.st.Response != nil,
	})
}

func (e *ethics) validateVote(now time.Time, in VoteInput) error {
	if !e.active(in.Actor.MemberID) {
		return process.Forbidden("only a non-recused member of the ethics committee can vote")
	}
	if e.statusAt(now) != StatusDeliberation {
		return process.InvalidState("the case is not in deliberation")
	}
	d := normalize(in.Decision)
	if err := checkDecision(now, d); err != nil {
		return err
	}
	if e.st.Proposal == nil {
		if !in.For {
			return process.InvalidInput("the first vote proposes the decision and must be for it")
		}
		return nil
	}
	if !sameDecision(d, e.st.Proposal.Decision) {
		return process.InvalidInput("a decision is already proposed; vote for or against it, or its proposer may withdraw it")
	}
	return nil
}

// vote proposes the decision or records a vote on it; the vote that makes
// the proposal pass decides the case.
func (e *ethics) vote(now time.Time, in VoteInput) {
	id := in.Actor.MemberID
	details := map[string]any{"for": in.For}
	if e.st.Proposal == nil {
		e.rounds++
		e.st.Proposal = &Proposal{Round: e.rounds, Decision: normalize(in.Decision), By: id, At: now}
		details["decision"] = e.st.Proposal.Decision
		details["proposed"] = true
	}
	details["round"] = e.st.Proposal.Round
	v := Vote{MemberID: id, For: in.For, At: now}
	if i := slices.IndexFunc(e.st.Votes, func(v Vote) bool { return v.MemberID == id }); i >= 0 {
		e.st.Votes[i] = v
	} else {
		e.st.Votes = append(e.st.Votes, v)
	}
	e.votes++
	e.auditCommittee(id, "ethics.vote", "vote/"+strconv.Itoa(e.votes), details)
	e.checkPass(now, id)
}

func (e *ethics) validateWithdraw(now time.Time, in WithdrawInput) error {
	if !e.active(in.Actor.MemberID) {
		return process.Forbidden("only a non-recused member of the ethics committee can withdraw a proposal")
	}
	if e.statusAt(now) != StatusDeliberation {
		return process.InvalidState("the case is not in deliberation")
	}
	if e.st.Proposal == nil {
		return process.InvalidState("no decision is proposed")
	}
	if e.st.Proposal.By != in.Actor.MemberID {
		return process.Forbidden("only the proposer can withdraw the proposal")
	}
	return nil
}

// withdraw drops the proposal and its votes; the next vote proposes anew.
func (e *ethics) withdraw(_ time.Time, in WithdrawInput) {
	round := e.st.Proposal.Round
	e.st.Proposal = nil
	e.st.Votes = []Vote{}
	e.auditCommittee(in.Actor.MemberID, "ethics.proposal_withdrawn", "proposal/"+strconv.Itoa(round)+"/withdrawn", map[string]any{
		"round": round,
	})
}

// checkPass decides the case when the proposal has its quorum and
// majority.
func (e *ethics) checkPass(now time.Time, actor string) {
	if e.st.Status != StatusDeliberation || e.st.Proposal == nil || !e.tally().Passes {
		return
	}
	d := e.st.Proposal.Decision
	e.st.Decision = &d
	e.st.DecidedAt = &now
	e.appealEnds = now.Add(e.periods.AppealWindow.D())
	ends := e.appealEnds
	e.st.AppealEnds = &ends
	e.st.Status = StatusAppealWindow
	t := e.tally()
	e.auditCommittee(actor, "ethics.decision_passed", "decision/tally", map[string]any{
		"round": e.st.Proposal.Round, "cast": t.Cast, "for": t.For, "against": t.Against, "members": t.Members,
	})
	e.audit(actor, "ethics.decided", "decided", map[string]any{
		"decision":    decisionDetails(d),
		"appeal_ends": ends,
	})
	e.notify("decision", "ethics.decision", e.recipients(true, true, true), map[string]any{
		"outcome": d.Kind,
		"due":     ends,
	})
}

func (e *ethics) validateAppeal(now time.Time, in AppealInput) error {
	if !e.isParty(in.Actor.MemberID) {
		return process.Forbidden("only a party can appeal the decision")
	}
	switch e.statusAt(now) {
	case StatusAppealWindow:
	case StatusAppealed:
		return process.InvalidState("the decision has already been appealed")
	case StatusClosed:
		return process.InvalidState("the decision is final")
	default:
		return process.InvalidState("there is no decision to appeal")
	}
	return process.CheckText("reason", in.Reason, maxEthTextBytes)
}

// appeal suspends the decision until the arbitration ruling, which the
// arbitration case it opens (OpenAppeal, run by the main loop) will signal.
func (e *ethics) appeal(now time.Time, in AppealInput) {
	role := RoleRespondent
	if e.isComplainant(in.Actor.MemberID) {
		role = RoleComplainant
	}
	a := &Appeal{By: in.Actor.MemberID, Role: role, Reason: strings.TrimSpace(in.Reason), At: now}
	e.st.Appeal = a
	e.st.Status = StatusAppealed
	e.audit(in.Actor.MemberID, "ethics.appealed", "appealed", map[string]any{
		"role":   role,
		"reason": a.Reason,
	})
	e.notify("appealed", "ethics.appealed", e.recipients(true, true, true), nil)
	e.effects = append(e.effects, effect{appeal: &workflows.OpenAppealInput{
		EthicsCaseID:  e.in.CaseID,
		Reason:        a.Reason,
		RespondentID:  e.in.RespondentID,
		ComplainantID: e.in.ComplainantID,
		Anonymous:     e.in.Anonymous,
		FiledBy:       a.By,
	}})
}

// ruling applies the arbitration ruling on the appeal: the decision stands
// (upheld, or the appeal dismissed), is overturned (the complaint is
// dismissed) or waits for staff to record it as modified. A ruling the
// case does not expect is recorded for staff and otherwise ignored.
func (e *ethics) ruling(now time.Time, r workflows.AppealRuling) {
	if e.st.Status != StatusAppealed || e.st.Ruling != nil {
		e.logger.Warn("unexpected appeal ruling ignored", "status", e.st.Status, "arbitration_id", r.ArbitrationID)
		e.strayRulings++
		e.auditStaff(system, "ethics.appeal_ruling_ignored", "appeal_ruling_ignored/"+strconv.Itoa(e.strayRulings), map[string]any{
			"arbitration_id": r.ArbitrationID,
			"outcome":        r.Outcome,
			"status":         e.st.Status,
		})
		return
	}
	e.st.Ruling = &Ruling{
		ArbitrationID: r.ArbitrationID,
		Outcome:       r.Outcome,
		Text:          r.Text,
		Articles:      process.NonNil(slices.Clone(r.Articles)),
		At:            now,
	}
	e.audit(system, "ethics.appeal_ruling", "appeal_ruling", map[string]any{
		"arbitration_id": r.ArbitrationID,
		"outcome":        r.Outcome,
		"articles":       e.st.Ruling.Articles,
		"text":           r.Text,
	})
	switch r.Outcome {
	case workflows.RulingUphold, workflows.RulingDismissed:
		d := *e.st.Decision
		e.close(now, system, &d, d.Kind)
	case workflows.RulingOverturn:
		e.close(now, system, &Decision{Kind: DecisionDismissed}, DecisionDismissed)
	}
}

func (e *ethics) validateApplyModified(now time.Time, in ApplyModifiedInput) error {
	if !process.IsStaff(in.Actor.Roles) {
		return process.Forbidden("only staff can record a decision modified on appeal")
	}
	if !e.awaitingModified() {
		return process.InvalidState("no arbitration ruling waits for a modified decision")
	}
	return checkDecision(now, normalize(in.Decision))
}

// awaitingModified: the ruling neither upheld nor overturned the decision,
// so staff must record the decision that follows from it.
func (e *ethics) awaitingModified() bool {
	r := e.st.Ruling
	return e.st.Status == StatusAppealed && r != nil &&
		r.Outcome != workflows.RulingUphold && r.Outcome != workflows.RulingDismissed && r.Outcome != workflows.RulingOverturn
}

func (e *ethics) applyModified(now time.Time, in ApplyModifiedInput) {
	d := normalize(in.Decision)
	e.audit(in.Actor.MemberID, "ethics.decision_modified", "modified", map[string]any{
		"decision": decisionDetails(d),
	})
	e.close(now, in.Actor.MemberID, &d, d.Kind)
}

// close makes the outcome final: the decision is applied (unless it
// dismisses the complaint), and the outcome is published without names or
// evidence.
func (e *ethics) close(now time.Time, actor string, final *Decision, outcome string) {
	st := &e.st
	st.Status = StatusClosed
	st.Outcome = outcome
	st.Final = final
	st.ClosedAt = &now
	if final != nil && final.Kind != DecisionDismissed {
		eff := e.effectOf(now, *final)
		e.effects = append(e.effects, effect{apply: &eff})
	}
	details := map[string]any{"outcome": outcome}
	if final != nil {
		details["decision"] = decisionDetails(*final)
	}
	e.audit(actor, "ethics.closed", "closed", details)

	public := map[string]any{
		"case_id":        e.in.CaseID,
		"complaint_kind": e.in.Kind,
		"outcome":        outcome,
		"filed_at":       st.FiledAt,
		"closed_at":      now,
	}
	if st.DecidedAt != nil {
		public["decided_at"] = *st.DecidedAt
	}
	if final != nil && final.Kind != DecisionDismissed {
		public["decision"] = decisionDetails(*final)
	}
	if r := st.Ruling; r != nil {
		public["appeal"] = map[string]any{
			"arbitration_id": r.ArbitrationID,
			"outcome":        r.Outcome,
			"articles":       r.Articles,
		}
	}
	e.effects = append(e.effects, effect{audit: &workflows.AuditInput{
		Actor:    system,
		Process:  ethProcess,
		ObjectID: e.in.CaseID,
		Action:   "ethics.decision_published",
		Details:  public,
		Audience: "public",
		IdemKey:  e.idemKey("published"),
	}})
}

// effectOf is what applying a final decision does, as of now.
func (e *ethics) effectOf(now time.Time, d Decision) DecisionEffect {
	subject := e.in.RespondentID
	if d.SanctionComplainant {
		subject = e.in.ComplainantID
	}
	eff := DecisionEffect{
		CaseID:    e.in.CaseID,
		Kind:      d.Kind,
		SubjectID: subject,
		Matters:   process.NonNil(slices.Clone(d.Matters)),
		Until:     process.Clone(d.Until),
		Position:  d.Position,
	}
	if d.Kind == DecisionRemoval {
		t := now.Add(e.periods.RemovalIneligibility.D())
		eff.IneligibleUntil = &t
	}
	return eff
}

// Effects.

// audit queues an entry for the people of the case, whose Members the API
// lets read it. In an anonymous case, no entry the respondent may read
// names the complainant: their actions appear under the actor
// "complainant", with a twin entry for staff that names them.
func (e *ethics) audit(actor, action, step string, details map[string]any) {
	shown := actor
	if e.in.Anonymous && e.isComplainant(actor) {
		shown = RoleComplainant
		e.auditStaff(actor, action, step+"/staff", details)
	}
	e.effects = append(e.effects, effect{audit: &workflows.AuditInput{
		Actor:    shown,
		Process:  ethProcess,
		ObjectID: e.in.CaseID,
		Action:   action,
		Details:  details,
		Audience: "members",
		Members:  e.auditMembers(),
		IdemKey:  e.idemKey(step),
	}})
}

// auditStaff queues an entry only staff may read: those that may name an
// anonymous complainant or give the reasons of recusals.
func (e *ethics) auditStaff(actor, action, step string, details map[string]any) {
	e.effects = append(e.effects, effect{audit: &workflows.AuditInput{
		Actor:    actor,
		Process:  ethProcess,
		ObjectID: e.in.CaseID,
		Action:   action,
		Details:  details,
		Audience: "staff",
		IdemKey:  e.idemKey(step),
	}})
}

// auditCommittee queues an entry for the non-recused committee only: the
// votes, which the parties do not see.
func (e *ethics) auditCommittee(actor, action, step string, details map[string]any) {
	e.effects = append(e.effects, effect{audit: &workflows.AuditInput{
		Actor:    actor,
		Process:  ethProcess,
		ObjectID: e.in.CaseID,
		Action:   action,
		Details:  details,
		Audience: "members",
		Members:  e.activeIDs(),
		IdemKey:  e.idemKey(step),
	}})
}

// notify queues an email to members; every message carries the case ID
// and title the templates name the case by, and never the complainant's
// name or the receipt.
func (e *ethics) notify(step, event string, to []string, extra map[string]any) {
	if len(to) == 0 {
		return
	}
	data := map[string]any{"case_id": e.in.CaseID, "title": process.Title(e.in.Summary)}
	for k, v := range extra {
		data[k] = v
	}
	e.effects = append(e.effects, effect{notify: &workflows.NotifyInput{
		Process:   ethProcess,
		ObjectID:  e.in.CaseID,
		Step:      step,
		Event:     event,
		MemberIDs: to,
		Data:      data,
	}})
}

func (e *ethics) idemKey(step string) string {
	return WorkflowID(e.in.CaseID) + "/" + step
}

// recipients is the sorted set of the people concerned: the parties (the
// respondent once informed), staff, the non-recused committee.
func (e *ethics) recipients(parties, staff, committee bool) []string {
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
func (e *ethics) auditMembers() []string { return e.recipients(true, false, true) }

// flush runs the queued effects in order, then brings the cases index up to
// date. Failures are logged, not returned: the case's state is the record,
// and the activities already retry until they succeed or fail for good.
func (e *ethics) flush(ctx workflow.Context) {
	for len(e.effects) > 0 {
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
		Process:   ethProcess,
		Status:    e.st.Status,
		Title:     process.Title(e.in.Summary),
		CreatedBy: createdBy,
		Members:   e.auditMembers(),
	}
	if idx.Status == e.saved.Status && slices.Equal(idx.Members, e.saved.Members) {
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
func (e *ethics) apply(ctx workflow.Context, eff DecisionEffect) {
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
			effect{audit: &workflows.AuditInput{
				Actor:    system,
				Process:  ethProcess,
				ObjectID: e.in.CaseID,
				Action:   "ethics.decision_applied",
				Details:  details,
				Audience: "members",
				Members:  e.auditMembers(),
				IdemKey:  e.idemKey("applied"),
			}})
	}
	e.effects = append(first, e.effects...)
}

// openAppeal opens the arbitration case that hears the appeal, retried
// until it succeeds: the case waits for that arbitration's ruling, so it
// must exist. Cases appealed before this version had it opened by the
// API.
func (e *ethics) openAppeal(ctx workflow.Context, in workflows.OpenAppealInput) {
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

func (e *ethics) staffEffect(actor, action, step string, details map[string]any) effect {
	return effect{audit: &workflows.AuditInput{
		Actor:    actor,
		Process:  ethProcess,
		ObjectID: e.in.CaseID,
		Action:   action,
		Details:  details,
		Audience: "staff",
		IdemKey:  e.idemKey(step),
	}}
}

// Checks and small helpers.

// ethCheckDecision checks a decision's fields against its kind.
func checkDecision(now time.Time, d Decision) error {
	if !slices.Contains(decisionKinds, d.Kind) {
		return process.InvalidInput("decision.kind must be one of " + strings.Join(decisionKinds, ", "))
	}
	if d.Kind == DecisionRecusalOrdered {
		if len(d.Matters) == 0 || len(d.Matters) > maxEthMatters {
			return process.InvalidInput(fmt.Sprintf("decision.matters must name 1 to %d matters", maxEthMatters))
		}
		for _, m := range d.Matters {
			if err := process.CheckText("decision.matters", m, maxEthShortBytes); err != nil {
				return err
			}
		}
	} else if len(d.Matters) > 0 {
		return process.InvalidInput("decision.matters are only for " + DecisionRecusalOrdered)
	}
	switch d.Kind {
	case DecisionSuspension:
		if d.Until == nil {
			return process.InvalidInput("decision.until is required for a suspension")
		}
	case DecisionRemoval:
	default:
		if d.Until != nil {
			return process.InvalidInput("decision.until is only for a suspension or a removal")
		}
	}
	if d.Until != nil && !d.Until.After(now) {
		return process.InvalidInput("decision.until must be in the future")
	}
	if d.Kind == DecisionRemoval {
		if err := process.CheckText("decision.position", d.Position, maxEthShortBytes); err != nil {
			return err
		}
	} else if d.Position != "" {
		return process.InvalidInput("decision.position is only for a removal")
	}
	if d.SanctionComplainant && d.Kind == DecisionDismissed {
		return process.InvalidInput("sanction_complainant needs a sanction, not a dismissal")
	}
	return nil
}

// ethNormalize trims a decision's texts and puts its time in UTC, so that
// equal decisions compare equal however they were typed.
func normalize(d Decision) Decision {
	var matters []string
	for _, m := range d.Matters {
		matters = append(matters, strings.TrimSpace(m))
	}
	d.Matters = process.NonNil(matters)
	d.Position = strings.TrimSpace(d.Position)
	if d.Until != nil {
		u := d.Until.UTC()
		d.Until = &u
	}
	return d
}

func sameDecision(a, b Decision) bool {
	sameUntil := (a.Until == nil) == (b.Until == nil) && (a.Until == nil || a.Until.Equal(*b.Until))
	return a.Kind == b.Kind && slices.Equal(a.Matters, b.Matters) && a.Position == b.Position &&
		a.SanctionComplainant == b.SanctionComplainant && sameUntil
}

// ethDecisionDetails is a decision as audit entries and the public record
// show it: whom it sanctions by role, never by name.
func decisionDetails(d Decision) map[string]any {
	on := RoleRespondent
	if d.SanctionComplainant {
		on = RoleComplainant
	}
	out := map[string]any{"kind": d.Kind}
	if d.Kind != DecisionDismissed {
		out["sanction_on"] = on
	}
	if len(d.Matters) > 0 {
		out["matters"] = d.Matters
	}
	if d.Until != nil {
		out["until"] = *d.Until
	}
	if d.Position != "" {
		out["position"] = d.Position
	}
	return out
}

// ethCleanRoster sorts a roster by member ID and copies it, so that the
// case's roster does not depend on the caller's order or slices.
func cleanRoster(in []CommitteeMember) []CommitteeMember {
	out := make([]CommitteeMember, 0, len(in))
	for _, m := range in {
		m.MemberID = strings.TrimSpace(m.MemberID)
		m.Reasons = process.Set(m.Reasons)
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b CommitteeMember) int { return strings.Compare(a.MemberID, b.MemberID) })
	return out
}

func checkCommittee(c []CommitteeMember) error {
	if len(c) > maxEthCommittee {
		return process.InvalidInput(fmt.Sprintf("committee has more than %d members", maxEthCommittee))
	}
	seen := map[string]bool{}
	for i, m := range c {
		id := strings.TrimSpace(m.MemberID)
		switch {
		case id == "" || len(id) > maxEthShortBytes:
			return process.InvalidInput(fmt.Sprintf("committee[%d].member_id is required", i))
		case seen[id]:
			return process.InvalidInput(fmt.Sprintf("committee[%d]: %s is listed twice", i, id))
		case len(m.Reasons) > maxEthReasons:
			return process.InvalidInput(fmt.Sprintf("committee[%d] has more than %d reasons", i, maxEthReasons))
		}
		for _, r := range m.Reasons {
			if len(r) > maxEthShortBytes {
				return process.InvalidInput(fmt.Sprintf("committee[%d] has a reason longer than %d bytes", i, maxEthShortBytes))
			}
		}
		seen[id] = true
	}
	return nil
}

func checkLinks(links []string) error {
	if len(links) > maxEthLinks {
		return process.InvalidInput(fmt.Sprintf("at most %d links", maxEthLinks))
	}
	for _, l := range links {
		u, err := url.Parse(l)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(l) > maxEthLinkBytes {
			return process.InvalidInput(fmt.Sprintf("link %q is not an http(s) URL", l))
		}
	}
	return nil
}
