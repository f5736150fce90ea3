package election

import (
	"fmt"
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

// ElectionWorkflowName is the name the Election workflow is registered and
// started under.
const WorkflowName = "Election"

// ElectionWorkflowID is the business key of an election cycle: a retried
// creation finds the running cycle instead of opening a second one.
func WorkflowID(electionID string) string { return "election/" + electionID }

// Update and query names of the election process, and the activity that
// freezes the electoral roll from the registry when voting opens.
const (
	// UpdateElectionNominate nominates a member for a seat (any member),
	// NominateInput.
	UpdateNominate = "nominate"
	// UpdateElectionAccept is the nominee accepting, AcceptInput.
	UpdateAccept = "accept"
	// UpdateElectionSetEligibility records eligibility recomputed by the API
	// from the registry (staff), SetEligibilityInput.
	UpdateSetEligibility = "set_eligibility"
	// UpdateElectionObject is a member objecting to an acclamation,
	// ObjectInput.
	UpdateObject = "object"
	// UpdateElectionRegisterProxy records a proxy before voting opens
	// (staff), RegisterProxyInput.
	UpdateRegisterProxy = "register_proxy"
	// UpdateElectionBallot casts or replaces an ALS's ballot, BallotInput;
	// it answers with a BallotReceipt.
	UpdateBallot = "ballot"
	// UpdateElectionCertify certifies the results (staff), CertifyInput.
	UpdateCertify = "certify"
	// UpdateElectionExtend moves a phase's end later (staff), with a
	// reason, ExtendPhaseInput; a phase is never shortened.
	UpdateExtend = "extend"
	// UpdateElectionRecheck asks the workflow to recompute every open
	// nomination's eligibility from the registry (any member: the API sends
	// it when a nominee's declaration or position changes), RecheckInput.
	UpdateRecheck = "recheck"
	// UpdateElectionContest records an arbitration contesting the
	// certified result, within the contest window (staff; the API sends it
	// when such an arbitration is filed), ContestInput.
	UpdateContest = "contest"

	// QueryElection returns the cycle's ElectionState.
	Query = "state"
	// QueryElectionResults returns the ElectionResults once the cycle is
	// closed, and an ErrInvalidState error before.
	QueryResults = "results"

	// ActivityRecheckElectionEligibility recomputes the eligibility of the
	// open seats' nominations, RecheckEligibilityInput -> []EligibilityChange.
	ActivityRecheckEligibility = "RecheckElectionEligibility"
	// ActivityAssignElected gives the elected their positions at the term
	// start, AssignElectedInput.
	ActivityAssignElected = "AssignElected"
)

// Phases staff may extend, as ExtendPhaseInput.Phase names them.
const (
	PhaseNominations = "nominations"
	PhaseAcceptance  = "acceptance"
	PhaseObjections  = "objections"
	PhaseVoting      = "voting"
)

// Statuses of an election cycle, as ElectionState.Status reports them.
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
	elProcess = "election"
	system    = "system"

	maxElTextBytes = 20_000
	maxElShort     = 2_000
)

// ElectionSeat is one seat of a cycle, copied from the policy and the
// rotation table when the cycle starts.
type ElectionSeat struct {
	Seat     string `json:"seat"`
	Position string `json:"position"`
	Count    int    `json:"count"`
	Method   string `json:"method"`
	Ballot   string `json:"ballot"`
	Rotation string `json:"rotation"`
	// RequiredSubregion is the rotation table's sub-region for the cycle
	// when Rotation is "subregion".
	RequiredSubregion string `json:"required_subregion,omitempty"`
}

// ElectionCalendar holds the cycle's dates, in order.
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

// ElectionRules are the policy's periods and thresholds, copied when the
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
}

// ElectionInput starts an election cycle.
type Input struct {
	ElectionID string         `json:"election_id"`
	Title      string         `json:"title"`
	Seats      []ElectionSeat `json:"seats"`
	Calendar   Calendar       `json:"calendar"`
	Rules      Rules          `json:"rules"`
	StaffIDs   []string       `json:"staff_ids"`
	CreatedBy  string         `json:"created_by"`
	CreatedAt  time.Time      `json:"created_at"`
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
	return temporal.NewNonRetryableApplicationError("invalid election: "+strings.Join(problems, "; "), workflows.ErrInvalidInput, nil)
}

// Eligibility is a nominee's eligibility as domain.Eligibility computed it
// from the registry, in the API: reasons are "code: sentence".
type Eligibility struct {
	Eligible bool     `json:"eligible"`
	Reasons  []string `json:"reasons"`
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

// ElectionContest is an appeal of the certified result to arbitration and,
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

// ElectedSeat is a seat's position and who was elected to it.
type ElectedSeat struct {
	Seat     string   `json:"seat"`
	Position string   `json:"position"`
	Elected  []string `json:"elected"`
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
}

// Objection is a member's objection to an acclamation.
type Objection struct {
	Seat   string    `json:"seat"`
	By     string    `json:"by"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// ElectionException records a departure from the ordinary calendar: a seat
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
	ElectionSeat
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

// ElectionState is the cycle as the query and every update return it.
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
}

// ElectionResults is the results document of SPEC "Election results".
type Results struct {
	ElectionID string                        `json:"election_id"`
	Status     string                        `json:"status"`
	Roll       []workflows.ElectionRollEntry `json:"roll"`
	Seats      []SeatResult                  `json:"seats"`
}

// SeatResult is one seat's count. Quorum is null for a seat filled by
// acclamation or left unfilled, where nobody voted.
type SeatResult struct {
	Seat    string                  `json:"seat"`
	Rounds  []ResultRound           `json:"rounds"`
	Elected []string                `json:"elected"`
	Quorum  *workflows.ResultQuorum `json:"quorum"`
	Draw    *ResultDraw             `json:"draw"`
	Ballots []ResultBallot          `json:"ballots"`
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

// Election runs one election cycle (SPEC process 3): nominations, the
// reopening of seats without an eligible candidate, acclamation or vote,
// quorum and its one extension, the count with a second ballot and a
// transparent draw, and certification. Every deadline is a durable timer;
// every transition an update with a validator.
//
// Changes to this logic must go behind workflow.GetVersion:
// TestElectionReplay fails the build when a change breaks the recorded
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
	v2            bool
	batchAudit    bool            // version "election-audit-batch": one activity per backlog
	checked       map[string]bool // decision points whose eligibility was rechecked
	recheckWanted bool
	termReached   bool
	contestClosed bool
	rulings       workflow.ReceiveChannel
	extensions    int
	notes         []workflows.NotifyInput
	participation []workflows.BallotReceipt

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
		eng:     process.New(ctx),
	}
	seats := make([]SeatState, len(in.Seats))
	for i, s := range in.Seats {
		seats[i] = SeatState{ElectionSeat: s, Status: SeatStatusOpen, NominationsUntil: in.Calendar.NominationsClose.UTC(),
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
			return Results{}, process.InvalidState("the results are published when voting has closed")
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

// Snapshot copies the state for a query or an update's answer.
func (e *election) Snapshot() State {
	st := e.st
	st.Seats = make([]SeatState, len(e.st.Seats))
	for i, s := range e.st.Seats {
		s.Candidates = slices.Clone(s.Candidates)
		s.Elected = slices.Clone(s.Elected)
		st.Seats[i] = s
	}
	st.Nominations = slices.Clone(st.Nominations)
	st.Objections = slices.Clone(st.Objections)
	st.Proxies = slices.Clone(st.Proxies)
	st.Roll = slices.Clone(st.Roll)
	st.Voted = slices.Clone(st.Voted)
	st.Exceptions = slices.Clone(st.Exceptions)
	st.Deadlines = slices.Clone(st.Deadlines)
	st.Contests = slices.Clone(st.Contests)
	return st
}

// run opens the cycle, then runs the main loop until the results are
// certified (and, from version 2, the elected have taken their positions
// and every contest has its ruling).
func (e *election) run(ctx workflow.Context) (State, error) {
	e.v2 = workflow.GetVersion(ctx, "election-v2", workflow.DefaultVersion, 1) == 1
	e.batchAudit = workflow.GetVersion(ctx, "election-audit-batch", workflow.DefaultVersion, 1) == 1
	e.rulings = workflow.GetSignalChannel(ctx, workflows.SignalAppealRuling)
	e.audit(e.in.CreatedBy, "election.opened", "opened", map[string]any{
		"title": e.in.Title, "seats": e.in.Seats, "calendar": e.in.Calendar,
	})
	e.notifyAll("opened", "election.opened", e.in.Calendar.NominationsClose)
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
		e.recheck(ctx, gate)
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
	return false
}

// Busy reports effects queued while Flush ran, or a recheck asked for.
func (e *election) Busy() bool {
	return len(e.effects) > 0 || len(e.notes) > 0 || len(e.participation) > 0 || e.recheckWanted
}

// Done reports a certified cycle whose positions are assigned and whose
// contests are settled (cycles before version 2: certified).
func (e *election) Done() bool {
	return e.st.CertifiedAt != nil && (!e.v2 || e.st.PositionsAssignedAt != nil && e.contestsSettled())
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

// Tick fires every deadline that has passed, oldest first, stopping at a
// decision whose eligibility the main loop must recheck first, then
// derives the status. It never blocks.
func (e *election) Tick(now time.Time) {
	process.FireDue(now, e.next, func(gate string) bool { return e.checked[gate] })
	e.refresh(now)
}

func (e *election) next() (process.Deadline, bool) { return process.Earliest(e.pending()) }

// pending lists the deadlines still to fire. A vote closes only once the
// roll is frozen: the main loop freezes it as soon as voting opens.
func (e *election) pending() []process.Deadline {
	var evs []process.Deadline
	cal := e.in.Calendar
	if !e.nominationsClosed {
		evs = append(evs, process.Deadline{At: cal.NominationsClose, Name: "nominations close", Fire: e.closeNominations,
			Gate: e.gate("nominations_close")})
	}
	if e.v2 && e.st.CertifiedAt != nil && !e.termReached {
		at := *e.st.CertifiedAt
		if t := cal.TermStart; t != nil && t.After(at) {
			at = *t
		}
		evs = append(evs, process.Deadline{At: at, Name: "term starts", Fire: func(time.Time) { e.termReached = true }})
	}
	if e.st.ContestUntil != nil && !e.contestClosed {
		evs = append(evs, process.Deadline{At: *e.st.ContestUntil, Name: "contest window closes", Fire: func(time.Time) { e.contestClosed = true }})
	}
	if !e.votingOpened && e.anyVoting() {
		// Wakes the main loop, which freezes the roll.
		evs = append(evs, process.Deadline{At: cal.VotingOpen, Name: "voting opens", Fire: func(time.Time) { e.votingOpened = true }})
	}
	for i := range e.st.Seats {
		s := &e.st.Seats[i]
		switch {
		case e.nominationsClosed && !e.decided[s.Seat]:
			seat := s.Seat
			evs = append(evs, process.Deadline{At: e.decisionAt(*s), Name: "decide " + seat, Fire: func(now time.Time) { e.decide(seat, now) },
				Gate: e.gate("decide/" + seat + "/" + e.decisionAt(*s).Format(time.RFC3339))})
		case s.Status == SeatStatusVoting && e.st.RollFrozen && s.VotingCloses != nil:
			seat := s.Seat
			evs = append(evs, process.Deadline{At: *s.VotingCloses, Name: "voting closes " + seat, Fire: func(now time.Time) { e.closeVote(seat, now) }})
		}
	}
	return evs
}

// decisionAt is when a seat goes to acclamation or to the vote: objections
// close, or the end of its reopened nominations when later.
func (e *election) decisionAt(s SeatState) time.Time {
	at := e.in.Calendar.ObjectionsClose
	if s.NominationsUntil.After(at) {
		at = s.NominationsUntil
	}
	return at
}

func (e *election) anyVoting() bool {
	return slices.ContainsFunc(e.st.Seats, func(s SeatState) bool { return s.Status == SeatStatusVoting })
}

// refresh derives the status and the upcoming deadlines.
func (e *election) refresh(now time.Time) {
	st := &e.st
	allDone := true
	voting := false
	reopened := false
	for _, s := range st.Seats {
		switch s.Status {
		case SeatStatusOpen:
			allDone = false
			if s.Reopened && now.Before(s.NominationsUntil) {
				reopened = true
			}
		case SeatStatusVoting:
			allDone = false
			if s.VotingOpens != nil && !now.Before(*s.VotingOpens) && st.RollFrozen {
				voting = true
			}
		}
	}
	if allDone && e.closedAt.IsZero() {
		e.closedAt = now
		e.audit(system, "election.closed", "closed", map[string]any{"results": e.resultsDoc()})
	}
	switch {
	case st.CertifiedAt != nil:
		st.Status = StatusCertified
	case allDone:
		st.Status = StatusClosed
	case voting:
		st.Status = StatusVoting
	case now.Before(e.in.Calendar.NominationsClose) || reopened:
		st.Status = StatusNominations
	default:
		st.Status = StatusObjections
	}
	deadlines := []workflows.Deadline{}
	cal := e.in.Calendar
	for _, d := range []workflows.Deadline{
		{Name: "nominations_close", At: cal.NominationsClose}, {Name: "acceptance_close", At: cal.AcceptanceClose},
		{Name: "objections_close", At: cal.ObjectionsClose}, {Name: "voting_open", At: cal.VotingOpen},
		{Name: "voting_close", At: cal.VotingClose},
	} {
		if now.Before(d.At) && !allDone {
			deadlines = append(deadlines, d)
		}
	}
	for _, s := range st.Seats {
		if s.Reopened && now.Before(s.NominationsUntil) {
			deadlines = append(deadlines, workflows.Deadline{Name: "nominations_close:" + s.Seat, At: s.NominationsUntil})
		}
		if s.Status == SeatStatusVoting && s.VotingCloses != nil && !s.VotingCloses.Equal(cal.VotingClose) {
			deadlines = append(deadlines, workflows.Deadline{Name: "voting_close:" + s.Seat, At: *s.VotingCloses})
		}
	}
	slices.SortStableFunc(deadlines, func(x, y workflows.Deadline) int { return x.At.Compare(y.At) })
	st.Deadlines = deadlines
}

// Deadline events.

// closeNominations reopens to all countries, for the reopen period, every
// seat with no eligible candidate. The rotation table is unchanged: the
// exception is recorded for this cycle only.
func (e *election) closeNominations(now time.Time) {
	e.nominationsClosed = true
	for i := range e.st.Seats {
		s := &e.st.Seats[i]
		if len(e.eligible(s.Seat)) > 0 || e.in.Rules.ReopenPeriod <= 0 {
			continue
		}
		s.Reopened = true
		s.NominationsUntil = e.in.Calendar.NominationsClose.Add(e.in.Rules.ReopenPeriod.D())
		e.exception(s.Seat, "reopened", "no eligible candidate at nominations close: nominations reopen to all countries until "+
			s.NominationsUntil.Format(time.RFC3339), now)
		e.audit(system, "election.nominations_reopened", "reopened/"+s.Seat, map[string]any{
			"seat": s.Seat, "until": s.NominationsUntil,
		})
	}
	e.audit(system, "election.nominations_closed", "nominations_closed", map[string]any{"nominations": len(e.st.Nominations)})
}

// decide fills a seat by acclamation, sends it to the vote, or leaves it
// unfilled when no eligible candidate came forward.
func (e *election) decide(seat string, now time.Time) {
	e.decided[seat] = true
	s := e.seat(seat)
	eligible := e.eligible(seat)
	s.Candidates = eligible
	objections := 0
	for _, o := range e.st.Objections {
		if o.Seat == seat {
			objections++
		}
	}
	acclaimed := domain.Acclamation(eligible, objections)
	if s.Count > 1 {
		acclaimed = len(eligible) > 0 && len(eligible) <= s.Count && objections == 0
	}
	switch {
	case len(eligible) == 0:
		s.Status = SeatStatusUnfilled
		e.results[seat] = &SeatResult{Seat: seat, Rounds: []ResultRound{}, Elected: []string{}, Ballots: []ResultBallot{}}
		e.exception(seat, "unfilled", "no eligible candidate", now)
		e.audit(system, "election.seat_unfilled", "unfilled/"+seat, map[string]any{"seat": seat})
	case acclaimed:
		s.Status = SeatStatusAcclaimed
		s.Elected = slices.Clone(eligible)
		e.results[seat] = &SeatResult{Seat: seat, Rounds: []ResultRound{}, Elected: slices.Clone(eligible), Ballots: []ResultBallot{}}
		e.audit(system, "election.acclaimed", "acclaimed/"+seat, map[string]any{"seat": seat, "elected": eligible})
	default:
		s.Status = SeatStatusVoting
		s.Round = 1
		cal := e.in.Calendar
		opens := cal.VotingOpen
		if now.After(opens) {
			opens = now
		}
		closes := cal.VotingClose
		if length := cal.VotingClose.Sub(cal.VotingOpen); closes.Before(opens.Add(length)) && now.After(cal.VotingOpen) {
			closes = opens.Add(length)
		}
		s.VotingOpens, s.VotingCloses = &opens, &closes
		e.results[seat] = &SeatResult{Seat: seat, Rounds: []ResultRound{}, Elected: []string{}, Ballots: []ResultBallot{}}
		e.audit(system, "election.vote_called", "vote/"+seat, map[string]any{
			"seat": seat, "candidates": eligible, "objections": objections, "opens": opens, "closes": closes,
		})
	}
}

// closeVote closes a seat's round: it extends a first ballot that is not
// quorate once, then counts.
func (e *election) closeVote(seat string, now time.Time) {
	s := e.seat(seat)
	res := e.results[seat]
	ballots := e.roundBallots(seat, s.Round)
	length := e.in.Calendar.VotingClose.Sub(e.in.Calendar.VotingOpen)
	if s.Round == 1 {
		q := domain.Quorum(len(e.roll.Entries), len(domain.LatestBallots(ballots)), e.in.Rules.Quorum)
		res.Quorum = &workflows.ResultQuorum{Required: q.Required, Cast: q.Cast, Met: q.Met, Extended: s.Extended}
		if !q.Met && !s.Extended && e.in.Rules.Extension {
			s.Extended = true
			closes := s.VotingCloses.Add(length)
			s.VotingCloses = &closes
			res.Quorum.Extended = true
			e.exception(seat, "extended", fmt.Sprintf("not quorate (%d of %d required): voting extended until %s",
				q.Cast, q.Required, closes.Format(time.RFC3339)), now)
			e.audit(system, "election.vote_extended", "extended/"+seat, map[string]any{
				"seat": seat, "required": q.Required, "cast": q.Cast, "until": closes,
			})
			e.notifyExtended("extended/"+seat, seat, "quorum", closes)
			return
		}
	}
	if e.v2 {
		for _, b := range domain.LatestBallots(ballots) {
			e.participation = append(e.participation, workflows.BallotReceipt{Receipt: b.Receipt, Seat: seat, Round: s.Round, ALSID: b.ALSID, At: now})
		}
	}
	if s.Method == MethodRanked {
		e.countRanked(s, res, ballots, now)
	} else {
		e.countPlurality(s, res, ballots, now, length)
	}
}

func (e *election) countPlurality(s *SeatState, res *SeatResult, ballots []domain.Ballot, now time.Time, length time.Duration) {
	left := s.Count - len(s.Elected)
	r, err := domain.TallyPlurality(e.roll, ballots, s.Candidates, left)
	if err != nil {
		e.failCount(s, err, now)
		return
	}
	res.Rounds = append(res.Rounds, resultRound(s.Round, r))
	res.Ballots = append(res.Ballots, e.ballotDocs(s, ballots)...)
	s.Elected = append(s.Elected, r.Elected...)
	switch {
	case len(r.Tied) == 0:
		e.elect(s, res, now)
	case s.Round == 1:
		s.Round = 2
		s.Candidates = domain.SecondBallotCandidates(r)
		opens, closes := now, now.Add(length)
		s.VotingOpens, s.VotingCloses = &opens, &closes
		e.exception(s.Seat, "second_ballot", "tie between "+strings.Join(s.Candidates, ", ")+": second ballot until "+
			closes.Format(time.RFC3339), now)
		e.notifyAll("second_ballot/"+s.Seat, "election.voting_open", closes)
		e.audit(system, "election.second_ballot", "second_ballot/"+s.Seat, map[string]any{
			"seat": s.Seat, "candidates": s.Candidates, "closes": closes,
		})
	default:
		var receipts []string
		for _, b := range ballots {
			receipts = append(receipts, b.Receipt)
		}
		seed := domain.DrawSeed(receipts)
		order := domain.DrawOrder(seed, r.Tied)
		left = s.Count - len(s.Elected)
		s.Elected = append(s.Elected, order[:min(left, len(order))]...)
		res.Draw = &ResultDraw{Seed: seed, Drawn: order[0]}
		e.exception(s.Seat, "draw", "still tied after the second ballot: drawn with seed "+seed, now)
		e.elect(s, res, now)
	}
}

func (e *election) countRanked(s *SeatState, res *SeatResult, ballots []domain.Ballot, now time.Time) {
	var receipts []string
	for _, b := range ballots {
		receipts = append(receipts, b.Receipt)
	}
	seed := domain.DrawSeed(receipts)
	cands := slices.Clone(s.Candidates)
	n := 0
	// Several seats: count again without those already elected, their
	// names struck from the rankings (a ranking left empty abstains).
	for len(s.Elected) < s.Count && len(cands) > 0 {
		bs := strikeRankings(ballots, s.Elected)
		rounds, winner, err := domain.TallyRanked(e.roll, bs, cands, seed)
		if err != nil {
			e.failCount(s, err, now)
			return
		}
		for _, r := range rounds {
			n++
			rr := resultRound(n, r)
			rr.Exhausted, rr.Eliminated = r.Exhausted, r.Eliminated
			res.Rounds = append(res.Rounds, rr)
		}
		s.Elected = append(s.Elected, winner)
		cands = slices.DeleteFunc(cands, func(c string) bool { return c == winner })
	}
	res.Ballots = append(res.Ballots, e.ballotDocs(s, ballots)...)
	e.elect(s, res, now)
}

func strikeRankings(bs []domain.Ballot, struck []string) []domain.Ballot {
	out := make([]domain.Ballot, len(bs))
	for i, b := range bs {
		b.Ranking = slices.DeleteFunc(slices.Clone(b.Ranking), func(c string) bool { return slices.Contains(struck, c) })
		if !b.Abstain && len(b.Ranking) == 0 {
			b.Abstain = true
		}
		out[i] = b
	}
	return out
}

// failCount records a count the rules refused; it can only be a fault of
// the record, which staff must look into, so the seat is left unfilled.
func (e *election) failCount(s *SeatState, err error, now time.Time) {
	e.logger.Error("count refused", "seat", s.Seat, "error", err)
	s.Status = SeatStatusUnfilled
	e.exception(s.Seat, "count_failed", err.Error(), now)
	e.audit(system, "election.count_failed", "count_failed/"+s.Seat, map[string]any{"seat": s.Seat, "error": err.Error()})
}

func (e *election) elect(s *SeatState, res *SeatResult, _ time.Time) {
	s.Status = SeatStatusElected
	res.Elected = slices.Clone(s.Elected)
	e.audit(system, "election.counted", "counted/"+s.Seat, map[string]any{"seat": s.Seat, "elected": s.Elected})
}

func resultRound(n int, r domain.Round) ResultRound {
	out := ResultRound{Round: n, Totals: make([]ResultTotal, 0, len(r.Totals)), Abstentions: r.Abstentions}
	for _, t := range r.Totals {
		out.Totals = append(out.Totals, ResultTotal{MemberID: t.MemberID, WeightedVotes: t.WeightedVotes, Ballots: t.Ballots})
	}
	return out
}

// ballotDocs lists a round's counted ballots, one per ALS; choices only
// for open ballots.
func (e *election) ballotDocs(s *SeatState, ballots []domain.Ballot) []ResultBallot {
	var out []ResultBallot
	for _, b := range domain.LatestBallots(ballots) {
		d := ResultBallot{Receipt: b.Receipt, Round: s.Round}
		if s.Ballot == BallotOpen {
			d.ALSID, d.Choice, d.Abstain, d.Ranking = b.ALSID, b.Choice, b.Abstain, slices.Clone(b.Ranking)
		}
		out = append(out, d)
	}
	if s.Ballot == BallotSecret {
		slices.SortFunc(out, func(a, b ResultBallot) int { return strings.Compare(a.Receipt, b.Receipt) })
	}
	return out
}

func (e *election) roundBallots(seat string, round int) []domain.Ballot {
	var out []domain.Ballot
	for _, c := range e.ballots {
		if c.seat == seat && c.round == round {
			out = append(out, c.b)
		}
	}
	return out
}

// resultsDoc builds the results document in the order of the seats.
func (e *election) resultsDoc() Results {
	status := StatusClosed
	if e.st.CertifiedAt != nil {
		status = StatusCertified
	}
	doc := Results{ElectionID: e.in.ElectionID, Status: status, Roll: slices.Clone(e.st.Roll), Seats: []SeatResult{}}
	for _, s := range e.st.Seats {
		r, ok := e.results[s.Seat]
		if !ok {
			continue
		}
		c := *r
		c.Rounds, c.Elected, c.Ballots = slices.Clone(c.Rounds), slices.Clone(c.Elected), slices.Clone(c.Ballots)
		c.Quorum, c.Draw = process.Clone(c.Quorum), process.Clone(c.Draw)
		doc.Seats = append(doc.Seats, c)
	}
	return doc
}

// Predicates.

func (e *election) seat(name string) *SeatState {
	for i := range e.st.Seats {
		if e.st.Seats[i].Seat == name {
			return &e.st.Seats[i]
		}
	}
	return nil
}

// eligible are the accepted, eligible nominees of a seat, sorted.
func (e *election) eligible(seat string) []string {
	var ids []string
	for _, n := range e.st.Nominations {
		if n.Seat == seat && n.Accepted && n.Eligible {
			ids = append(ids, n.NomineeID)
		}
	}
	return process.Set(ids)
}

func (e *election) nomination(id string) *Nomination {
	for i := range e.st.Nominations {
		if e.st.Nominations[i].ID == id {
			return &e.st.Nominations[i]
		}
	}
	return nil
}

func (e *election) rollEntry(als string) (workflows.ElectionRollEntry, bool) {
	for _, r := range e.st.Roll {
		if r.ALSID == als {
			return r, true
		}
	}
	return workflows.ElectionRollEntry{}, false
}

// Validators and handlers, in the order of the process.

func (e *election) checkMember(a workflows.Actor) error {
	if strings.TrimSpace(a.MemberID) == "" {
		return process.Forbidden("only members may take part")
	}
	return nil
}

func (e *election) validateNominate(now time.Time, in NominateInput) error {
	if err := e.checkMember(in.Actor); err != nil {
		return err
	}
	s := e.seat(in.Seat)
	switch {
	case s == nil:
		return process.InvalidInput("seat: no such seat in this election")
	case s.Status != SeatStatusOpen || !now.Before(s.NominationsUntil):
		return process.InvalidState("nominations for " + in.Seat + " are closed")
	case strings.TrimSpace(in.NomineeID) == "":
		return process.InvalidInput("nominee_id is required")
	case len(in.Statement) > maxElTextBytes:
		return process.InvalidInput(fmt.Sprintf("statement is longer than %d bytes", maxElTextBytes))
	}
	for _, n := range e.st.Nominations {
		if n.Seat == in.Seat && n.NomineeID == in.NomineeID {
			return process.InvalidState("this member is already nominated for " + in.Seat + " (" + n.ID + ")")
		}
	}
	return nil
}

func (e *election) nominate(now time.Time, in NominateInput) {
	e.nextNomination++
	n := Nomination{
		ID: "n" + strconv.Itoa(e.nextNomination), Seat: in.Seat, NomineeID: in.NomineeID, NominatedBy: in.Actor.MemberID,
		Statement: in.Statement, At: now, Eligible: in.Eligibility.Eligible, Reasons: process.NonNil(in.Eligibility.Reasons),
	}
	e.st.Nominations = append(e.st.Nominations, n)
	e.audit(in.Actor.MemberID, "election.nominated", "nominated/"+n.ID, map[string]any{
		"nomination_id": n.ID, "seat": n.Seat, "nominee_id": n.NomineeID,
	})
	if e.v2 {
		e.notes = append(e.notes, workflows.NotifyInput{Process: elProcess, ObjectID: e.in.ElectionID, Step: "nominated/" + n.ID,
			Event: "election.nominated", MemberIDs: []string{n.NomineeID}, Data: map[string]any{
				"election_id": e.in.ElectionID, "title": e.in.Title, "seat": n.Seat, "due": e.acceptanceUntil(e.seat(n.Seat)),
			}})
	}
}

// acceptanceUntil is the acceptance deadline of a seat: the calendar's, or
// the end of its reopened nominations.
func (e *election) acceptanceUntil(s *SeatState) time.Time {
	if s.NominationsUntil.After(e.in.Calendar.AcceptanceClose) {
		return s.NominationsUntil
	}
	return e.in.Calendar.AcceptanceClose
}

func (e *election) validateAccept(now time.Time, in AcceptInput) error {
	n := e.nomination(in.NominationID)
	if n == nil {
		return temporal.NewApplicationError("no such nomination", workflows.ErrNotFound)
	}
	if in.Actor.MemberID != n.NomineeID {
		return process.Forbidden("only the nominee can accept a nomination")
	}
	s := e.seat(n.Seat)
	switch {
	case n.Accepted:
		return process.InvalidState("the nomination is already accepted")
	case s.Status != SeatStatusOpen || !now.Before(e.acceptanceUntil(s)):
		return process.InvalidState("acceptance for " + n.Seat + " is closed")
	}
	return process.CheckText("statement_of_interest", in.StatementOfInterest, maxElTextBytes)
}

func (e *election) accept(now time.Time, in AcceptInput) {
	n := e.nomination(in.NominationID)
	n.Accepted, n.AcceptedAt, n.StatementOfInterest = true, &now, in.StatementOfInterest
	n.Eligible, n.Reasons = in.Eligibility.Eligible, process.NonNil(in.Eligibility.Reasons)
	e.audit(in.Actor.MemberID, "election.accepted", "accepted/"+n.ID, map[string]any{
		"nomination_id": n.ID, "seat": n.Seat, "eligible": n.Eligible, "reasons": n.Reasons,
	})
}

func (e *election) validateSetEligibility(_ time.Time, in SetEligibilityInput) error {
	if !process.IsStaff(in.Actor.Roles) {
		return process.Forbidden("only staff record eligibility")
	}
	n := e.nomination(in.NominationID)
	if n == nil {
		return temporal.NewApplicationError("no such nomination", workflows.ErrNotFound)
	}
	if e.decided[n.Seat] {
		return process.InvalidState("the seat's candidates are settled")
	}
	return nil
}

func (e *election) setEligibility(_ time.Time, in SetEligibilityInput) {
	n := e.nomination(in.NominationID)
	if n.Eligible == in.Eligible && slices.Equal(n.Reasons, in.Reasons) {
		return
	}
	n.Eligible, n.Reasons = in.Eligible, process.NonNil(slices.Clone(in.Reasons))
	e.eligibilityChanges++
	e.audit(in.Actor.MemberID, "election.eligibility", "eligibility/"+strconv.Itoa(e.eligibilityChanges),
		map[string]any{"nomination_id": n.ID, "eligible": n.Eligible, "reasons": n.Reasons})
}

func (e *election) validateObject(now time.Time, in ObjectInput) error {
	if err := e.checkMember(in.Actor); err != nil {
		return err
	}
	s := e.seat(in.Seat)
	switch {
	case s == nil:
		return process.InvalidInput("seat: no such seat in this election")
	case e.decided[s.Seat] || !now.Before(e.decisionAt(*s)):
		return process.InvalidState("objections for " + in.Seat + " are closed")
	}
	for _, o := range e.st.Objections {
		if o.Seat == in.Seat && o.By == in.Actor.MemberID {
			return process.InvalidState("you have already objected for " + in.Seat)
		}
	}
	return process.CheckText("reason", in.Reason, maxElShort)
}

func (e *election) object(now time.Time, in ObjectInput) {
	e.st.Objections = append(e.st.Objections, Objection{Seat: in.Seat, By: in.Actor.MemberID, Reason: in.Reason, At: now})
	e.audit(in.Actor.MemberID, "election.objection", "objection/"+in.Seat+"/"+in.Actor.MemberID, map[string]any{
		"seat": in.Seat, "reason": in.Reason,
	})
}

func (e *election) validateRegisterProxy(now time.Time, in RegisterProxyInput) error {
	if !process.IsStaff(in.Actor.Roles) {
		return process.Forbidden("only staff record proxies")
	}
	if !now.Before(e.in.Calendar.VotingOpen) || e.st.RollFrozen {
		return process.InvalidState("proxies are recorded before voting opens")
	}
	from, to := strings.TrimSpace(in.FromALSID), strings.TrimSpace(in.ToALSID)
	switch {
	case from == "" || to == "":
		return process.InvalidInput("from_als_id and to_als_id are required")
	case from == to:
		return process.InvalidInput("an ALS cannot hold its own proxy")
	}
	for _, p := range e.st.Proxies {
		switch {
		case p.FromALSID == from:
			return process.InvalidState("ALS " + from + " already gave its proxy to " + p.ToALSID)
		case p.ToALSID == to:
			return process.InvalidState("ALS " + to + " already holds a proxy; an ALS holds at most one")
		case p.FromALSID == to:
			return process.InvalidState("ALS " + to + " gives its own vote and cannot hold a proxy")
		case p.ToALSID == from:
			return process.InvalidState("ALS " + from + " holds a proxy and cannot give its own")
		}
	}
	return nil
}

func (e *election) registerProxy(now time.Time, in RegisterProxyInput) {
	p := workflows.ElectionProxy{FromALSID: in.FromALSID, ToALSID: in.ToALSID, By: in.Actor.MemberID, At: now}
	e.st.Proxies = append(e.st.Proxies, p)
	e.audit(in.Actor.MemberID, "election.proxy", "proxy/"+p.FromALSID, map[string]any{"from_als_id": p.FromALSID, "to_als_id": p.ToALSID})
}

func (e *election) validateBallot(now time.Time, in BallotInput) error {
	if err := e.checkMember(in.Actor); err != nil {
		return err
	}
	s := e.seat(in.Seat)
	if s == nil {
		return process.InvalidInput("seat: no such seat in this election")
	}
	if s.Status != SeatStatusVoting || s.VotingOpens == nil || now.Before(*s.VotingOpens) || !e.st.RollFrozen ||
		!now.Before(*s.VotingCloses) {
		return process.InvalidState("voting for " + in.Seat + " is not open")
	}
	entry, ok := e.rollEntry(in.ALSID)
	if !ok {
		return process.Forbidden("ALS " + in.ALSID + " is not on the electoral roll")
	}
	switch {
	case entry.ProxyFor != nil && *entry.ProxyFor != in.CastByALSID:
		return process.Forbidden("ALS " + in.ALSID + " votes by proxy through " + *entry.ProxyFor)
	case entry.ProxyFor == nil && in.CastByALSID != in.ALSID:
		return process.Forbidden("an ALS representative votes only for their own ALS or the ALS whose proxy it holds")
	}
	kinds := 0
	if in.Choice != "" {
		kinds++
	}
	if in.Abstain {
		kinds++
	}
	if len(in.Ranking) > 0 {
		kinds++
	}
	if kinds != 1 {
		return process.InvalidInput("a ballot is exactly one of choice, abstain or ranking")
	}
	switch {
	case s.Method == MethodPlurality && len(in.Ranking) > 0:
		return process.InvalidInput("this seat takes a choice, not a ranking")
	case s.Method == MethodRanked && in.Choice != "":
		return process.InvalidInput("this seat takes a ranking, not a single choice")
	case in.Choice != "" && !slices.Contains(s.Candidates, in.Choice):
		return process.InvalidInput("choice: not a candidate of this ballot")
	}
	seen := map[string]bool{}
	for _, c := range in.Ranking {
		if !slices.Contains(s.Candidates, c) || seen[c] {
			return process.InvalidInput("ranking: each candidate at most once, and only candidates")
		}
		seen[c] = true
	}
	return nil
}

func (e *election) ballot(now time.Time, in BallotInput, receipt string) workflows.BallotReceipt {
	s := e.seat(in.Seat)
	e.ballots = append(e.ballots, castBallot{seat: in.Seat, round: s.Round, b: domain.Ballot{
		Receipt: receipt, ALSID: in.ALSID, Choice: in.Choice, Abstain: in.Abstain, Ranking: slices.Clone(in.Ranking), At: now,
	}})
	i := slices.IndexFunc(e.st.Voted, func(v workflows.Voted) bool { return v.Seat == in.Seat && v.Round == s.Round && v.ALSID == in.ALSID })
	if i >= 0 {
		e.st.Voted[i].At = now
	} else {
		e.st.Voted = append(e.st.Voted, workflows.Voted{Seat: in.Seat, Round: s.Round, ALSID: in.ALSID, At: now})
	}
	e.audit(in.Actor.MemberID, "election.ballot", "ballot/"+receipt, map[string]any{
		"seat": in.Seat, "round": s.Round, "als_id": in.ALSID, "receipt": receipt,
	})
	return workflows.BallotReceipt{Receipt: receipt, Seat: in.Seat, Round: s.Round, ALSID: in.ALSID, At: now}
}

func (e *election) validateCertify(_ time.Time, in CertifyInput) error {
	if !process.IsStaff(in.Actor.Roles) {
		return process.Forbidden("only staff certify results")
	}
	switch {
	case e.st.CertifiedAt != nil:
		return process.InvalidState("the results are already certified")
	case e.closedAt.IsZero():
		return process.InvalidState("the results are certified after voting closes")
	}
	return nil
}

func (e *election) certify(now time.Time, in CertifyInput) {
	e.st.CertifiedAt, e.st.CertifiedBy = &now, in.Actor.MemberID
	e.st.Status = StatusCertified
	if e.v2 && e.in.Rules.ContestWindow > 0 {
		until := now.Add(e.in.Rules.ContestWindow.D())
		e.st.ContestUntil = &until
	}
	e.notifyAll("results", "election.results", time.Time{})
	e.effects = append(e.effects, workflows.AuditInput{
		Actor: in.Actor.MemberID, Process: elProcess, ObjectID: e.in.ElectionID, Action: "election.certified",
		Details: e.resultsDoc(), Audience: "public", IdemKey: e.idemKey("certified"),
	})
}

// Effects.

func (e *election) exception(seat, kind, detail string, now time.Time) {
	e.st.Exceptions = append(e.st.Exceptions, Exception{Seat: seat, Kind: kind, Detail: detail, At: now})
}

// audit queues an audit entry; elections are open to every member.
func (e *election) audit(actor, action, step string, details map[string]any) {
	e.effects = append(e.effects, workflows.AuditInput{
		Actor: actor, Process: elProcess, ObjectID: e.in.ElectionID, Action: action, Details: details,
		Audience: "members", IdemKey: e.idemKey(step),
	})
}

func (e *election) idemKey(step string) string {
	return WorkflowID(e.in.ElectionID) + "/" + step
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
	idx := workflows.CaseIndex{ID: e.in.ElectionID, Process: elProcess, Status: e.st.Status, Title: process.Title(e.in.Title),
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

// Version 2: emails, eligibility rechecks, phase extensions, participation
// and positions.

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
		n.Eligible, n.Reasons = c.Eligible, process.NonNil(c.Reasons)
		e.eligibilityChanges++
		e.audit(system, "election.eligibility_changed", "eligibility/"+n.ID+"/"+strconv.Itoa(e.eligibilityChanges), map[string]any{
			"nomination_id": n.ID, "seat": n.Seat, "nominee_id": n.NomineeID, "eligible": n.Eligible, "reasons": n.Reasons,
		})
	}
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
	e.notes = append(e.notes, workflows.NotifyInput{Process: elProcess, ObjectID: e.in.ElectionID, Step: step, Event: event,
		MemberIDs: []string{}, Audience: workflows.AudienceAllMembers, Data: data})
}

// notifyExtended emails every member that a phase or a vote runs longer.
func (e *election) notifyExtended(step, phase, reason string, until time.Time) {
	if !e.v2 {
		return
	}
	e.notes = append(e.notes, workflows.NotifyInput{Process: elProcess, ObjectID: e.in.ElectionID, Step: step, Event: "election.extended",
		MemberIDs: []string{}, Audience: workflows.AudienceAllMembers, Data: map[string]any{
			"election_id": e.in.ElectionID, "title": e.in.Title, "phase": phase, "reason": reason, "due": until,
		}})
}

// phaseEnd points at the calendar date that ends a phase.
func phaseEnd(c *Calendar, phase string) *time.Time {
	switch phase {
	case PhaseNominations:
		return &c.NominationsClose
	case PhaseAcceptance:
		return &c.AcceptanceClose
	case PhaseObjections:
		return &c.ObjectionsClose
	case PhaseVoting:
		return &c.VotingClose
	}
	return nil
}

func (e *election) validateExtend(now time.Time, in ExtendPhaseInput) error {
	if !process.IsStaff(in.Actor.Roles) {
		return process.Forbidden("only staff extend a phase")
	}
	if !e.v2 {
		return process.InvalidState("this cycle started before phases could be extended")
	}
	cal := e.in.Calendar
	end := phaseEnd(&cal, in.Phase)
	switch {
	case end == nil:
		return process.InvalidInput("phase must be nominations, acceptance, objections or voting")
	case strings.TrimSpace(in.Reason) == "":
		return process.InvalidInput("reason is required")
	case len(in.Reason) > maxElShort:
		return process.InvalidInput(fmt.Sprintf("reason is longer than %d bytes", maxElShort))
	case !in.Until.After(*end):
		return process.InvalidInput("until must be later than the phase's end (" + end.Format(time.RFC3339) + "): a phase is never shortened")
	case !now.Before(*end):
		return process.InvalidState("the " + in.Phase + " phase has ended")
	case e.st.CertifiedAt != nil || !e.closedAt.IsZero():
		return process.InvalidState("voting has closed")
	}
	if in.Phase == PhaseNominations && e.nominationsClosed {
		return process.InvalidState("nominations have closed")
	}
	return nil
}

// extend moves the phase's end and every later date by the same amount,
// and the seats that follow the calendar with them.
func (e *election) extend(now time.Time, in ExtendPhaseInput) {
	cal := &e.in.Calendar
	old := *cal
	delta := in.Until.Sub(*phaseEnd(cal, in.Phase))
	dates := []*time.Time{&cal.NominationsClose, &cal.AcceptanceClose, &cal.ObjectionsClose, &cal.VotingOpen, &cal.VotingClose}
	from := map[string]int{PhaseNominations: 0, PhaseAcceptance: 1, PhaseObjections: 2, PhaseVoting: 4}[in.Phase]
	for _, d := range dates[from:] {
		if d == &cal.VotingOpen && !now.Before(*d) {
			continue // voting has opened: its start stays
		}
		*d = d.Add(delta)
	}
	if cal.TermStart != nil && cal.TermStart.Before(cal.VotingClose) {
		t := cal.TermStart.Add(delta)
		cal.TermStart = &t
	}
	for i := range e.st.Seats {
		s := &e.st.Seats[i]
		if !s.Reopened && s.NominationsUntil.Equal(old.NominationsClose) {
			s.NominationsUntil = cal.NominationsClose
		}
		if s.Status == SeatStatusVoting && s.VotingOpens != nil && s.VotingOpens.Equal(old.VotingOpen) {
			opens := cal.VotingOpen
			s.VotingOpens = &opens
		}
		if s.Status == SeatStatusVoting && s.VotingCloses != nil && s.VotingCloses.Equal(old.VotingClose) {
			closes := cal.VotingClose
			s.VotingCloses = &closes
		}
	}
	e.st.Calendar = *cal
	e.extensions++
	step := "phase_extended/" + strconv.Itoa(e.extensions)
	e.exception("", "phase_extended", fmt.Sprintf("%s extended until %s: %s", in.Phase, in.Until.UTC().Format(time.RFC3339), in.Reason), now)
	e.audit(in.Actor.MemberID, "election.phase_extended", step, map[string]any{
		"phase": in.Phase, "from": *phaseEnd(&old, in.Phase), "until": in.Until.UTC(), "reason": in.Reason, "calendar": *cal,
	})
	e.notifyExtended(step, in.Phase, in.Reason, in.Until.UTC())
}

func (e *election) validateRecheck(now time.Time, in RecheckInput) error {
	if err := e.checkMember(in.Actor); err != nil {
		return err
	}
	if !e.v2 {
		return process.InvalidState("this cycle started before eligibility was rechecked by the workflow")
	}
	if e.votingOpened || !now.Before(e.in.Calendar.VotingOpen) {
		return process.InvalidState("eligibility is settled once voting opens")
	}
	return nil
}

func (e *election) requestRecheck(time.Time, RecheckInput) { e.recheckWanted = true }

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
			in.Seats = append(in.Seats, ElectedSeat{Seat: s.Seat, Position: s.Position, Elected: slices.Clone(s.Elected)})
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
		Actor: system, Process: elProcess, ObjectID: e.in.ElectionID, Action: "election.positions_assigned",
		Details: in, Audience: "public", IdemKey: e.idemKey("positions"),
	})
}

// contestsSettled says the contest window has closed (or there is none)
// and every contest filed in it has its ruling.
func (e *election) contestsSettled() bool {
	if e.st.ContestUntil != nil && !e.contestClosed {
		return false
	}
	return !slices.ContainsFunc(e.st.Contests, func(c Contest) bool { return c.RuledAt == nil })
}

func (e *election) validateContest(now time.Time, in ContestInput) error {
	if !process.IsStaff(in.Actor.Roles) {
		return process.Forbidden("a contest is recorded when the arbitration is filed")
	}
	switch {
	case strings.TrimSpace(in.ArbitrationID) == "":
		return process.InvalidInput("arbitration_id is required")
	case e.st.CertifiedAt == nil:
		return process.InvalidState("only a certified result can be contested")
	case e.st.ContestUntil == nil || !now.Before(*e.st.ContestUntil):
		return process.InvalidState("the window to contest this result has closed")
	case slices.ContainsFunc(e.st.Contests, func(c Contest) bool { return c.ArbitrationID == in.ArbitrationID }):
		return process.InvalidState("this arbitration is already recorded")
	}
	return nil
}

func (e *election) contest(now time.Time, in ContestInput) {
	e.st.Contests = append(e.st.Contests, Contest{ArbitrationID: in.ArbitrationID, FiledAt: now})
	e.effects = append(e.effects, workflows.AuditInput{
		Actor: in.Actor.MemberID, Process: elProcess, ObjectID: e.in.ElectionID, Action: "election.contested",
		Details: map[string]any{"arbitration_id": in.ArbitrationID}, Audience: "public",
		IdemKey: e.idemKey("contested/" + in.ArbitrationID),
	})
}

// ruled records an arbitration's ruling on the contested result. Applying
// an overturned result (a new vote, vacating a position) is for staff and
// the arbitrator's text: it is recorded as an exception for them.
func (e *election) ruled(now time.Time, r workflows.AppealRuling) {
	i := slices.IndexFunc(e.st.Contests, func(c Contest) bool { return c.ArbitrationID == r.ArbitrationID })
	if i < 0 {
		e.st.Contests = append(e.st.Contests, Contest{ArbitrationID: r.ArbitrationID, FiledAt: now})
		i = len(e.st.Contests) - 1
	}
	c := &e.st.Contests[i]
	if c.RuledAt != nil {
		return
	}
	c.Outcome, c.Articles, c.RuledAt = r.Outcome, process.NonNil(slices.Clone(r.Articles)), &now
	if r.Outcome == workflows.RulingOverturn || r.Outcome == workflows.RulingModify {
		e.exception("", "contest_"+r.Outcome, "arbitration "+r.ArbitrationID+" ruled "+r.Outcome+": staff apply the ruling", now)
	}
	e.effects = append(e.effects, workflows.AuditInput{
		Actor: system, Process: elProcess, ObjectID: e.in.ElectionID, Action: "election.contest_ruled",
		Details:  map[string]any{"arbitration_id": r.ArbitrationID, "outcome": r.Outcome, "articles": c.Articles},
		Audience: "public", IdemKey: e.idemKey("contest_ruled/" + r.ArbitrationID),
	})
}
