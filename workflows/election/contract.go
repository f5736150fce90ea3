// Package election is the election cycle process (SPEC process 3): its
// contract (workflow ID and name, update, query and activity names, the
// input, state, results and update input types, statuses), the workflow
// that runs a cycle on the process engine, its transitions, deadlines and
// count.
//
// It depends on the shared contract (package workflows), the process
// engine (workflows/process) and the pure rules (domain); never on another
// process package, and it does no I/O: the registry is read through
// activities.
package election

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
)

// WorkflowName is the name the Election workflow is registered and
// started under.
const WorkflowName = "Election"

// WorkflowID is the business key of an election cycle: a retried
// creation finds the running cycle instead of opening a second one.
func WorkflowID(electionID string) string { return "election/" + electionID }

// Update and query names of the election process, and the activity that
// freezes the electoral roll from the registry when voting opens.
const (
	// UpdateNominate nominates a member for a seat (any member),
	// NominateInput.
	UpdateNominate = "nominate"
	// UpdateAccept is the nominee accepting, AcceptInput.
	UpdateAccept = "accept"
	// UpdateSetEligibility records eligibility recomputed by the API
	// from the registry (staff), SetEligibilityInput.
	UpdateSetEligibility = "set_eligibility"
	// UpdateObject is a member objecting to an acclamation,
	// ObjectInput.
	UpdateObject = "object"
	// UpdateRegisterProxy records a proxy before voting opens
	// (staff), RegisterProxyInput.
	UpdateRegisterProxy = "register_proxy"
	// UpdateBallot casts or replaces an ALS's ballot, BallotInput;
	// it answers with a BallotReceipt.
	UpdateBallot = "ballot"
	// UpdateCertify certifies the results (staff), CertifyInput.
	UpdateCertify = "certify"
	// UpdateExtend moves a phase's end later (staff), with a
	// reason, ExtendPhaseInput; a phase is never shortened.
	UpdateExtend = "extend"
	// UpdateRecheck asks the workflow to recompute every open
	// nomination's eligibility from the registry (any member: the API sends
	// it when a nominee's declaration or position changes), RecheckInput.
	UpdateRecheck = "recheck"
	// UpdateContest records an arbitration contesting the
	// certified result, within the contest window (staff; the arbitration
	// sends it as it starts, workflows.ActivityRecordContest), ContestInput.
	UpdateContest = "contest"

	// Query returns the cycle's State.
	Query = "state"
	// QueryResults returns the Results once the cycle is
	// closed, and an ErrInvalidState error before.
	QueryResults = "results"

	// ActivityRecheckEligibility recomputes the eligibility of the
	// open seats' nominations, RecheckEligibilityInput -> []EligibilityChange.
	ActivityRecheckEligibility = "RecheckElectionEligibility"
	// ActivityAssignElected gives the elected their positions at the term
	// start, AssignElectedInput.
	ActivityAssignElected = "AssignElected"
	// ActivityPlanSuccession finds when the sitting holder of the position
	// an elect succeeds to ends their term, PlanSuccessionInput ->
	// PlanSuccessionResult.
	ActivityPlanSuccession = "PlanSuccession"
	// ActivitySucceed gives the elect the position they succeed to and ends
	// the sitting holder's and their own term as elect, SucceedInput ->
	// SucceedResult.
	ActivitySucceed = "Succeed"
	// ActivitySittingHolders reads the sitting holders a distinct seat's
	// candidates must differ from, SittingHoldersInput -> []Holder.
	ActivitySittingHolders = "SittingHolders"
)

// Events of the emails the cycle sends beyond its phases.
const (
	// EventSuccession tells the successor and the outgoing holder that the
	// elect has taken the position.
	EventSuccession = "election.succession"
	// EventRecommended tells the holders of the seat's RecommendTo position
	// (the ALAC chair) whom LACRALO recommends.
	EventRecommended = "election.recommended"
	// EventMustFillBy alerts staff that a seat will not be, or has not
	// been, filled by its must_fill_by date.
	EventMustFillBy = "election.must_fill_by"
)

// Phases staff may extend, as ExtendPhaseInput.Phase names them.
const (
	PhaseNominations = "nominations"
	PhaseAcceptance  = "acceptance"
	PhaseObjections  = "objections"
	PhaseVoting      = "voting"
)

// Statuses of an election cycle, as State.Status reports them.
const (
	StatusNominations = "nominations"
	StatusObjections  = "objections"
	StatusVoting      = "voting"
	StatusClosed      = "closed"
	StatusCertified   = "certified"
)

// Statuses of one seat, as SeatState.Status reports them.
const (
	SeatStatusOpen      = "open"      // nominations, acceptance and objections
	SeatStatusVoting    = "voting"    // a vote is open or about to open
	SeatStatusAcclaimed = "acclaimed" // one eligible candidate, no objection
	SeatStatusElected   = "elected"   // the vote is counted
	SeatStatusUnfilled  = "unfilled"  // no eligible candidate even after reopening
)

// Counting methods and ballot kinds of a seat, spelled as in the policy.
const (
	MethodPlurality = "plurality"
	MethodRanked    = "ranked"
	BallotOpen      = "open"
	BallotSecret    = "secret"
)

const (
	processName = "election"
	system      = "system"

	maxTextBytes  = 20_000
	maxShortBytes = 2_000
)

// SeatSpec is one seat of a cycle, copied from the policy and the
// rotation table when the cycle starts.
type SeatSpec struct {
	Seat     string `json:"seat"`
	Position string `json:"position"`
	Count    int    `json:"count"`
	Method   string `json:"method"`
	Ballot   string `json:"ballot"`
	Rotation string `json:"rotation"`
	// RequiredSubregion is the rotation table's sub-region for the cycle
	// when Rotation is "subregion".
	RequiredSubregion string `json:"required_subregion,omitempty"`
	// Outcome is what the result is: "elected" (empty too) or
	// "recommended" (LACRALO recommends its NomCom delegate to the ALAC).
	Outcome string `json:"outcome,omitempty"`
	// Distinct: the holders of the seat's Group elected in this cycle are
	// of different ALSes and nationalities (the ALAC members).
	Distinct bool   `json:"distinct,omitempty"`
	Group    string `json:"group,omitempty"`
	// Term is the length of the position's term (the policy seat's term);
	// zero: no end.
	Term workflows.Duration `json:"term,omitempty"`
	// Succeeds is the position the holder takes when its sitting holder's
	// term ends (the chair-elect becomes chair), for SuccessionTerm.
	Succeeds       string             `json:"succeeds,omitempty"`
	SuccessionTerm workflows.Duration `json:"succession_term,omitempty"`
	// MustFillBy is when the seat must be filled (its result certified) by;
	// staff are alerted when the calendar cannot meet it and daily after it.
	MustFillBy *time.Time `json:"must_fill_by,omitempty"`
	// RecommendTo is the position whose holders are emailed a recommended
	// outcome (the ALAC chair).
	RecommendTo string `json:"recommend_to,omitempty"`
}

// The seat outcomes (policy seat `outcome`).
const (
	OutcomeElected     = "elected"
	OutcomeRecommended = "recommended"
)

// Calendar holds the cycle's dates, in order.
type Calendar struct {
	NominationsClose time.Time `json:"nominations_close"`
	AcceptanceClose  time.Time `json:"acceptance_close"`
	ObjectionsClose  time.Time `json:"objections_close"`
	VotingOpen       time.Time `json:"voting_open"`
	VotingClose      time.Time `json:"voting_close"`
	// TermStart is when the elected take their positions; nil: at
	// certification.
	TermStart *time.Time `json:"term_start,omitempty"`
}

// Rules are the policy's periods and thresholds, copied when the
// cycle starts so that a later policy change never alters it.
type Rules struct {
	ReopenPeriod    workflows.Duration `json:"reopen_period"`
	ObjectionWindow workflows.Duration `json:"objection_window"`
	Quorum          float64            `json:"quorum"`
	Extension       bool               `json:"extension"`
	Weighting       string             `json:"weighting"`
	// ContestWindow is how long after certification the result may be
	// contested before the arbitrator; zero: no contest.
	ContestWindow workflows.Duration `json:"contest_window,omitempty"`
	// MaxBallotChanges is how many times an ALS may replace its ballot
	// per seat and round (policy election.max_ballot_changes); zero:
	// DefaultMaxBallotChanges.
	MaxBallotChanges int `json:"max_ballot_changes,omitempty"`
}

// DefaultMaxBallotChanges is the ballot budget of a cycle whose rules set
// none (SPEC §3 "Voting": at most 10 replacements per seat and round).
const DefaultMaxBallotChanges = 10

// Input starts an election cycle.
type Input struct {
	ElectionID string     `json:"election_id"`
	Title      string     `json:"title"`
	Seats      []SeatSpec `json:"seats"`
	Calendar   Calendar   `json:"calendar"`
	Rules      Rules      `json:"rules"`
	StaffIDs   []string   `json:"staff_ids"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	// HistoryBound is the number of history events after which a run
	// continues as new (zero: process.DefaultHistoryBound); it also
	// continues when Temporal suggests it.
	HistoryBound int `json:"history_bound,omitempty"`
	// Carried is the whole state of the run this one continues; nil when
	// the cycle starts.
	Carried *Carried `json:"carried,omitempty"`
}

// Validate reports the input's problems as an ErrInvalidInput application
// error. The API calls it before starting the workflow, which checks again.
func (in Input) Validate() error {
	var problems []string
	if strings.TrimSpace(in.ElectionID) == "" {
		problems = append(problems, "election_id is required")
	}
	if strings.TrimSpace(in.Title) == "" {
		problems = append(problems, "title is required")
	}
	if len(in.Seats) == 0 {
		problems = append(problems, "at least one seat is required")
	}
	seen := map[string]bool{}
	for i, s := range in.Seats {
		at := fmt.Sprintf("seats[%d]", i)
		switch {
		case strings.TrimSpace(s.Seat) == "":
			problems = append(problems, at+".seat is required")
		case seen[s.Seat]:
			problems = append(problems, at+".seat is listed twice")
		}
		seen[s.Seat] = true
		if s.Count < 1 {
			problems = append(problems, at+".count must be at least 1")
		}
		if s.Method != MethodPlurality && s.Method != MethodRanked {
			problems = append(problems, at+".method must be plurality or ranked")
		}
		if s.Ballot != BallotOpen && s.Ballot != BallotSecret {
			problems = append(problems, at+".ballot must be open or secret")
		}
	}
	c := in.Calendar
	if c.NominationsClose.IsZero() || c.AcceptanceClose.IsZero() || c.ObjectionsClose.IsZero() || c.VotingOpen.IsZero() || c.VotingClose.IsZero() {
		problems = append(problems, "calendar: every date is required")
	} else if c.AcceptanceClose.Before(c.NominationsClose) || c.ObjectionsClose.Before(c.AcceptanceClose) ||
		c.VotingOpen.Before(c.ObjectionsClose) || !c.VotingClose.After(c.VotingOpen) {
		problems = append(problems, "calendar: dates must be in order nominations_close <= acceptance_close <= objections_close <= voting_open < voting_close")
	}
	if in.Rules.Weighting != domain.WeightingNational && in.Rules.Weighting != domain.WeightingEqual {
		problems = append(problems, "rules.weighting must be national or equal")
	}
	if in.Rules.Quorum < 0 || in.Rules.Quorum > 1 {
		problems = append(problems, "rules.quorum must be between 0 and 1")
	}
	if in.Rules.ReopenPeriod < 0 {
		problems = append(problems, "rules.reopen_period must not be negative")
	}
	if len(problems) == 0 {
		return nil
	}
	return temporal.NewNonRetryableApplicationError("invalid election: "+strings.Join(problems, "; "), process.ErrInvalidInput, nil)
}

// Eligibility is a nominee's eligibility as domain.Eligibility computed it
// from the registry, in the API: reasons are "code: sentence".
type Eligibility struct {
	Eligible bool     `json:"eligible"`
	Reasons  []string `json:"reasons"`
	// ALSID and Nationality are the nominee's, which a distinct seat's
	// count compares.
	ALSID       string `json:"als_id,omitempty"`
	Nationality string `json:"nationality,omitempty"`
}

// NominateInput nominates a member for a seat; self-nomination is allowed.
type NominateInput struct {
	Actor       workflows.Actor `json:"actor"`
	Seat        string          `json:"seat"`
	NomineeID   string          `json:"nominee_id"`
	Statement   string          `json:"statement"`
	Eligibility Eligibility     `json:"eligibility"`
}

// AcceptInput is the nominee accepting, with their statement of interest.
type AcceptInput struct {
	Actor               workflows.Actor `json:"actor"`
	NominationID        string          `json:"nomination_id"`
	StatementOfInterest string          `json:"statement_of_interest"`
	Eligibility         Eligibility     `json:"eligibility"`
}

// SetEligibilityInput records eligibility rechecked from the registry.
type SetEligibilityInput struct {
	Actor        workflows.Actor `json:"actor"`
	NominationID string          `json:"nomination_id"`
	Eligible     bool            `json:"eligible"`
	Reasons      []string        `json:"reasons"`
}

// ObjectInput objects, with a reason, to a seat being filled by acclamation.
type ObjectInput struct {
	Actor  workflows.Actor `json:"actor"`
	Seat   string          `json:"seat"`
	Reason string          `json:"reason"`
}

// RegisterProxyInput records that FromALSID votes through ToALSID.
type RegisterProxyInput struct {
	Actor     workflows.Actor `json:"actor"`
	FromALSID string          `json:"from_als_id"`
	ToALSID   string          `json:"to_als_id"`
}

// BallotInput is an ALS's ballot for a seat: a choice, an abstention or a
// ranking (ranked seats). CastByALSID is the ALS of the representative who
// casts it, which the API established: the ALS itself, or the holder of its
// proxy.
type BallotInput struct {
	Actor       workflows.Actor `json:"actor"`
	Seat        string          `json:"seat"`
	ALSID       string          `json:"als_id"`
	CastByALSID string          `json:"cast_by_als_id"`
	Choice      string          `json:"choice"`
	Abstain     bool            `json:"abstain"`
	Ranking     []string        `json:"ranking"`
}

// ExtendPhaseInput moves the end of a phase to Until, later than it is;
// the later dates of the calendar move by as much, so that no phase is
// shortened.
type ExtendPhaseInput struct {
	Actor  workflows.Actor `json:"actor"`
	Phase  string          `json:"phase"`
	Until  time.Time       `json:"until"`
	Reason string          `json:"reason"`
}

// ContestInput records the arbitration that contests the result.
type ContestInput struct {
	Actor         workflows.Actor `json:"actor"`
	ArbitrationID string          `json:"arbitration_id"`
}

// Contest is an appeal of the certified result to arbitration and,
// once ruled, its outcome (uphold, overturn, modify, dismissed).
type Contest struct {
	ArbitrationID string     `json:"arbitration_id"`
	FiledAt       time.Time  `json:"filed_at"`
	Outcome       string     `json:"outcome,omitempty"`
	Articles      []string   `json:"articles,omitempty"`
	RuledAt       *time.Time `json:"ruled_at,omitempty"`
}

// RecheckInput asks for eligibility to be recomputed.
type RecheckInput struct {
	Actor workflows.Actor `json:"actor"`
}

// RecheckEligibilityInput is the cycle whose open nominations the activity
// rechecks.
type RecheckEligibilityInput struct {
	State State `json:"state"`
}

// EligibilityChange is a nomination whose eligibility a recheck changed.
type EligibilityChange struct {
	NominationID string   `json:"nomination_id"`
	Eligible     bool     `json:"eligible"`
	Reasons      []string `json:"reasons"`
}

// AssignElectedInput gives the elected of each seat its position from
// TermStart.
type AssignElectedInput struct {
	ElectionID string        `json:"election_id"`
	TermStart  time.Time     `json:"term_start"`
	Seats      []ElectedSeat `json:"seats"`
}

// ElectedSeat is a seat's position and who was elected to it, with the
// end of the term when the seat has one.
type ElectedSeat struct {
	Seat     string     `json:"seat"`
	Position string     `json:"position"`
	Elected  []string   `json:"elected"`
	TermEnd  *time.Time `json:"term_end,omitempty"`
}

// PlanSuccessionInput asks when the elect of Seat, in office as elect from
// From until ElectTermEnd, takes Position.
type PlanSuccessionInput struct {
	ElectionID   string     `json:"election_id"`
	Seat         string     `json:"seat"`
	Position     string     `json:"position"`
	From         time.Time  `json:"from"`
	ElectTermEnd *time.Time `json:"elect_term_end,omitempty"`
}

// PlanSuccessionResult is when the succession takes effect and why then
// (domain.SuccessionAt's basis); OK is false when nobody can tell.
type PlanSuccessionResult struct {
	At      time.Time `json:"at"`
	Basis   string    `json:"basis"`
	OK      bool      `json:"ok"`
	Sitting []string  `json:"sitting"`
}

// SucceedInput gives MemberID the position To from At for Term, ending
// their term in From and the sitting holders' of To at At.
type SucceedInput struct {
	ElectionID string             `json:"election_id"`
	Seat       string             `json:"seat"`
	MemberID   string             `json:"member_id"`
	From       string             `json:"from"`
	To         string             `json:"to"`
	At         time.Time          `json:"at"`
	Term       workflows.Duration `json:"term,omitempty"`
}

// SucceedResult names the outgoing holders whose term ended, or why the
// succession could not take effect (the elect no longer holds From).
type SucceedResult struct {
	Outgoing []string `json:"outgoing"`
	Skipped  string   `json:"skipped,omitempty"`
}

// Succession is an elect's automatic succession, as the cycle that
// elected them records it.
type Succession struct {
	Seat     string    `json:"seat"`
	MemberID string    `json:"member_id"`
	From     string    `json:"from"`
	To       string    `json:"to"`
	At       time.Time `json:"at"`
	// Basis says why At: sitting_term_end, vacant or elect_term_end.
	Basis string `json:"basis"`
	// Status is scheduled, done or skipped (Detail says why).
	Status   string     `json:"status"`
	Outgoing []string   `json:"outgoing,omitempty"`
	Detail   string     `json:"detail,omitempty"`
	DoneAt   *time.Time `json:"done_at,omitempty"`
}

// Statuses of a Succession.
const (
	SuccessionScheduled = "scheduled"
	SuccessionDone      = "done"
	SuccessionSkipped   = "skipped"
)

// SittingHoldersInput asks for the sitting holders of a distinct seat's
// group as the registry stands, for the cycle st.
type SittingHoldersInput struct {
	State State  `json:"state"`
	Seat  string `json:"seat"`
}

// Holder is a sitting holder a distinct seat's candidates must differ
// from: their ALS and nationality.
type Holder struct {
	MemberID    string `json:"member_id"`
	ALSID       string `json:"als_id,omitempty"`
	Nationality string `json:"nationality,omitempty"`
}

// CertifyInput certifies the results.
type CertifyInput struct {
	Actor workflows.Actor `json:"actor"`
}

// Nomination is one nomination and its nominee's answer.
type Nomination struct {
	ID                  string     `json:"id"`
	Seat                string     `json:"seat"`
	NomineeID           string     `json:"nominee_id"`
	NominatedBy         string     `json:"nominated_by"`
	Statement           string     `json:"statement"`
	At                  time.Time  `json:"at"`
	Accepted            bool       `json:"accepted"`
	AcceptedAt          *time.Time `json:"accepted_at"`
	StatementOfInterest string     `json:"statement_of_interest"`
	Eligible            bool       `json:"eligible"`
	Reasons             []string   `json:"reasons"`
	// ALSID and Nationality are the nominee's when nominated or accepting.
	ALSID       string `json:"als_id,omitempty"`
	Nationality string `json:"nationality,omitempty"`
}

// Objection is a member's objection to an acclamation.
type Objection struct {
	Seat   string    `json:"seat"`
	By     string    `json:"by"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// Exception records a departure from the ordinary calendar: a seat
// reopened to all countries, a vote extended for want of quorum, a second
// ballot, a draw, a proxy the registry no longer allowed.
type Exception struct {
	Seat   string    `json:"seat,omitempty"`
	Kind   string    `json:"kind"`
	Detail string    `json:"detail"`
	At     time.Time `json:"at"`
}

// SeatState is one seat of the cycle as it stands.
type SeatState struct {
	SeatSpec
	Status string `json:"status"`
	// Reopened says nominations reopened to all countries (the rotation
	// rule is suspended for this seat and cycle).
	Reopened         bool       `json:"reopened"`
	NominationsUntil time.Time  `json:"nominations_until"`
	Candidates       []string   `json:"candidates"`
	Round            int        `json:"round"`
	VotingOpens      *time.Time `json:"voting_opens"`
	VotingCloses     *time.Time `json:"voting_closes"`
	Extended         bool       `json:"extended"`
	Elected          []string   `json:"elected"`
}

// State is the cycle as the query and every update return it.
// Choices and interim totals are not in it: only who has voted.
type State struct {
	ElectionID  string                        `json:"election_id"`
	Title       string                        `json:"title"`
	Status      string                        `json:"status"`
	Calendar    Calendar                      `json:"calendar"`
	Rules       Rules                         `json:"rules"`
	Seats       []SeatState                   `json:"seats"`
	Nominations []Nomination                  `json:"nominations"`
	Objections  []Objection                   `json:"objections"`
	Proxies     []workflows.ElectionProxy     `json:"proxies"`
	Roll        []workflows.ElectionRollEntry `json:"roll"`
	RollFrozen  bool                          `json:"roll_frozen"`
	Voted       []workflows.Voted             `json:"voted"`
	Exceptions  []Exception                   `json:"exceptions"`
	Deadlines   []workflows.Deadline          `json:"deadlines"`
	CreatedBy   string                        `json:"created_by"`
	CreatedAt   time.Time                     `json:"created_at"`
	CertifiedBy string                        `json:"certified_by,omitempty"`
	CertifiedAt *time.Time                    `json:"certified_at"`
	// PositionsAssignedAt is when the elected took their positions.
	PositionsAssignedAt *time.Time `json:"positions_assigned_at,omitempty"`
	// ContestUntil is the end of the window to contest the certified
	// result; Contests are the arbitrations filed in it.
	ContestUntil *time.Time `json:"contest_until,omitempty"`
	Contests     []Contest  `json:"contests,omitempty"`
	// Successions are the elects' automatic successions (the chair-elect
	// becoming chair), scheduled when they take office as elect.
	Successions []Succession `json:"successions,omitempty"`
}

// Results is the results document of SPEC "Election results".
type Results struct {
	ElectionID string                        `json:"election_id"`
	Status     string                        `json:"status"`
	Roll       []workflows.ElectionRollEntry `json:"roll"`
	Seats      []SeatResult                  `json:"seats"`
	// ContestUntil and Contests say, once certified, until when the
	// result may be contested before the arbitrator and the cases that
	// contest it, with their rulings: whoever reads the result learns
	// that it is disputed.
	ContestUntil *time.Time `json:"contest_until,omitempty"`
	Contests     []Contest  `json:"contests,omitempty"`
}

// SeatResult is one seat's count. Quorum is null for a seat filled by
// acclamation or left unfilled, where nobody voted.
type SeatResult struct {
	Seat string `json:"seat"`
	// Outcome is "elected" or "recommended" (the NomCom delegate); empty
	// in the results of cycles started before the LACRALO rules.
	Outcome string `json:"outcome,omitempty"`
	// PassedOver are the candidates the count passed over because electing
	// them would break the distinctness rule, with the reasons.
	PassedOver []domain.PassedOver `json:"passed_over,omitempty"`
	// Succession is the elect's succession to the position the seat leads
	// to, once scheduled.
	Succession *Succession             `json:"succession,omitempty"`
	Rounds     []ResultRound           `json:"rounds"`
	Elected    []string                `json:"elected"`
	Quorum     *workflows.ResultQuorum `json:"quorum"`
	Draw       *ResultDraw             `json:"draw"`
	Ballots    []ResultBallot          `json:"ballots"`
}

// ResultRound is one round of a count. Ranked counts also report the
// exhausted ballots and whom the round eliminated.
type ResultRound struct {
	Round       int           `json:"round"`
	Totals      []ResultTotal `json:"totals"`
	Abstentions int           `json:"abstentions"`
	Exhausted   int           `json:"exhausted,omitempty"`
	Eliminated  string        `json:"eliminated,omitempty"`
}

// ResultTotal is a candidate's count in a round.
type ResultTotal struct {
	MemberID      string  `json:"member_id"`
	WeightedVotes float64 `json:"weighted_votes"`
	Ballots       int     `json:"ballots"`
}

// ResultDraw is the transparent draw that broke a tie a second ballot left.
type ResultDraw struct {
	Seed  string `json:"seed"`
	Drawn string `json:"drawn"`
}

// ResultBallot is a counted ballot: the receipt always; with open ballots,
// the ALS and its choice (or abstention, or ranking) too. Round tells the
// ballots of a second ballot apart.
type ResultBallot struct {
	Receipt string   `json:"receipt"`
	Round   int      `json:"round"`
	ALSID   string   `json:"als_id,omitempty"`
	Choice  string   `json:"choice,omitempty"`
	Abstain bool     `json:"abstain,omitempty"`
	Ranking []string `json:"ranking,omitempty"`
}
