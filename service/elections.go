package service

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/eligibility"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/election"
)

// ElectionProcess names election cycles in the cases index.
const ElectionProcess = "election"

// Refusal codes of the election operations (Error.Code), beside those the
// workflow gives its own refusals (workflows/election): the pages show
// "refusal.<code>".
const (
	CodeElectionStaffStart      = "election.staff_start"      // only staff start a cycle
	CodeElectionStaffRecheck    = "election.staff_recheck"    // only staff recheck eligibility
	CodeElectionStaffProxies    = "election.staff_proxies"    // only staff record proxies
	CodeElectionStaffExtend     = "election.staff_extend"     // only staff extend a phase
	CodeElectionStaffCertify    = "election.staff_certify"    // only staff certify results
	CodeElectionNomineeOnly     = "election.nominee_only"     // only the nominee accepts
	CodeElectionObserverNom     = "election.observer_nominee" // an observer is not nominated
	CodeElectionObserverNoms    = "election.observer_nominates"
	CodeElectionObserverAccepts = "election.observer_accepts"
	CodeElectionObserverVotes   = "election.observer_votes"
	CodeElectionRepOnly         = "election.rep_only"         // only an ALS representative votes
	CodeElectionSuspended       = "election.voting_suspended" // an ethics decision suspends the voter
	CodeElectionResultsNotYet   = "election.results_not_yet"  // results wait for the close
)

// Field codes of the election operations' refusals (Error.FieldCodes):
// the pages show "field.<code>" beside the field.
const (
	FieldElectionNoSeat       = "election.no_such_seat"
	FieldElectionNoMember     = "election.no_member"
	FieldElectionNoALS        = "election.no_als"
	FieldElectionALSNotAccred = "election.als_not_accredited"
	FieldElectionSeats        = "election.seats_required"
	FieldElectionRotation     = "election.rotation"
	FieldElectionDateForm     = "election.date_form"
	FieldElectionDateUnknown  = "election.date_unknown"
	FieldElectionDateFuture   = "election.date_future"
	FieldElectionDateOrder    = "election.date_order"
	FieldElectionTermStart    = "election.term_start"
	FieldRequired             = "required" // the shared "this field is required"
)

// ElectionRequest starts an election cycle. A seat named in the policy
// takes the policy's position, count, method, ballot and rotation for any
// field left empty; a subregion-rotated seat takes the rotation table's
// next sub-region unless required_subregion is given.
type ElectionRequest struct {
	Title    string              `json:"title"`
	Seats    []election.SeatSpec `json:"seats"`
	Calendar ElectionCalendar    `json:"calendar"`
}

// NominationRequest nominates a member for a seat.
type NominationRequest struct {
	Seat      string `json:"seat"`
	NomineeID string `json:"nominee_id"`
	Statement string `json:"statement"`
}

// AcceptNominationRequest is the nominee's acceptance.
type AcceptNominationRequest struct {
	StatementOfInterest string `json:"statement_of_interest"`
}

// Election is a cycle as the transports show it: the live workflow state
// with the election ID under "id".
type Election struct {
	ID string `json:"id"`
	election.State
}

// ElectionView is one cycle with its diversity report.
type ElectionView struct {
	Election
	Diversity Diversity `json:"diversity"`
}

// Diversity is the diversity report of the slate (accepted, eligible
// nominees) and of the elected (SPEC "Diversity report").
type Diversity struct {
	Slate   domain.DiversityReport `json:"slate"`
	Elected domain.DiversityReport `json:"elected"`
}

// NominationCreated is the cycle after a nomination, with the nomination
// it created.
type NominationCreated struct {
	Election
	Nomination election.Nomination `json:"nomination"`
}

// CreateElection starts a cycle (staff).
func (s *Service) CreateElection(ctx context.Context, a *Actor, req ElectionRequest) (Election, error) {
	if !a.IsStaff() {
		return Election{}, Forbidden("only staff start an election cycle").Coded(CodeElectionStaffStart)
	}
	pol := s.policy.Election
	cal, fields, codes := calendar(req.Calendar, pol.ObjectionWindow.D(), store.Now())
	if strings.TrimSpace(req.Title) == "" {
		fields["title"], codes["title"] = "is required", FieldRequired
	}
	if len(req.Seats) == 0 {
		fields["seats"], codes["seats"] = "at least one seat is required", FieldElectionSeats
	}
	seats := make([]election.SeatSpec, len(req.Seats))
	for i, seat := range req.Seats {
		seat, err := s.electionSeat(ctx, seat)
		if err != nil {
			return Election{}, err
		}
		if seat.Rotation != domain.RotationNone && seat.Rotation != domain.RotationSubregion && seat.Rotation != domain.RotationDistinctCountryALS {
			k := "seats[" + strconv.Itoa(i) + "].rotation"
			fields[k], codes[k] = "must be none, subregion or distinct_country_als", FieldElectionRotation
		}
		seats[i] = seat
	}
	if len(fields) > 0 {
		e := InvalidCoded(fields, codes)
		if d := calendarDefaults(req.Calendar, cal, pol.ObjectionWindow.D()); d != "" {
			e.Detail += "; " + d
		}
		return Election{}, e
	}
	staff, err := s.staffIDs(ctx)
	if err != nil {
		return Election{}, err
	}
	in := election.Input{
		ElectionID: store.NewID("elc"), Title: strings.TrimSpace(req.Title), Seats: seats, Calendar: cal,
		Rules: election.Rules{
			ReopenPeriod: workflows.Duration(pol.ReopenPeriod), ObjectionWindow: workflows.Duration(pol.ObjectionWindow), Quorum: pol.Quorum,
			Extension: pol.Extension, Weighting: string(pol.Weighting), ContestWindow: workflows.Duration(pol.ContestWindow),
			MaxBallotChanges: pol.MaxBallotChanges,
		},
		StaffIDs: staff, CreatedBy: a.ID, CreatedAt: store.Now(), HistoryBound: s.policy.Budgets.HistoryEvents,
	}
	if err := in.Validate(); err != nil {
		return Election{}, AsError(err)
	}
	if err := s.store.SaveCase(ctx, store.Case{ID: in.ElectionID, Process: ElectionProcess, Status: election.StatusNominations,
		Title: in.Title, CreatedBy: a.ID}); err != nil {
		return Election{}, err
	}
	if _, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: election.WorkflowID(in.ElectionID), TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, election.WorkflowName, in); err != nil {
		return Election{}, err
	}
	var st election.State
	if err := s.queryNew(ctx, election.WorkflowID(in.ElectionID), election.Query, &st); err != nil {
		return Election{}, err
	}
	return Election{ID: in.ElectionID, State: st}, nil
}

// electionSeat fills a seat's empty fields from the policy and the
// rotation table.
func (s *Service) electionSeat(ctx context.Context, seat election.SeatSpec) (election.SeatSpec, error) {
	if def, known := s.policy.Election.Seats[seat.Seat]; known {
		seat.Position = cmpOr(seat.Position, def.Position)
		if seat.Count == 0 {
			seat.Count = def.Count
		}
		seat.Method = cmpOr(seat.Method, string(def.Method))
		seat.Ballot = cmpOr(seat.Ballot, string(def.Ballot))
		seat.Rotation = cmpOr(seat.Rotation, string(def.Rotation))
		seat.Outcome = cmpOr(seat.Outcome, string(def.Outcome))
		seat.Distinct = seat.Distinct || def.Distinct
		seat.Group = cmpOr(seat.Group, def.Group)
		if seat.Term == 0 {
			seat.Term = workflows.Duration(def.Term)
		}
		seat.Succeeds = cmpOr(seat.Succeeds, def.Succeeds)
		seat.RecommendTo = cmpOr(seat.RecommendTo, def.RecommendTo)
		if seat.MustFillBy == nil && def.MustFillBy != "" {
			// The next such day: a cycle started after May fills the
			// NomCom seat by the next May.
			now := store.Now()
			by, err := domain.FillBy(def.MustFillBy, now.Year())
			if err == nil && !by.After(now) {
				by, err = domain.FillBy(def.MustFillBy, now.Year()+1)
			}
			if err != nil {
				return seat, err
			}
			seat.MustFillBy = &by
		}
	}
	if seat.Succeeds != "" && seat.SuccessionTerm == 0 {
		// The term of the position succeeded to is the policy's for the
		// seat that fills it.
		for _, def := range s.policy.Election.Seats {
			if def.Position == seat.Succeeds && def.Term > 0 {
				seat.SuccessionTerm = workflows.Duration(def.Term)
			}
		}
	}
	seat.Position = cmpOr(seat.Position, seat.Seat)
	if seat.Count == 0 {
		seat.Count = 1
	}
	seat.Method = cmpOr(seat.Method, election.MethodPlurality)
	seat.Ballot = cmpOr(seat.Ballot, election.BallotOpen)
	seat.Rotation = cmpOr(seat.Rotation, domain.RotationNone)
	if seat.Rotation == domain.RotationSubregion && seat.RequiredSubregion == "" {
		sub, err := s.nextSubregion(ctx, seat)
		if err != nil {
			return seat, err
		}
		seat.RequiredSubregion = sub
	}
	return seat, nil
}

func cmpOr(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return v
}

// label writes a period in the policy's notation ("2d", "36h").
func label(d time.Duration) string { return workflows.Duration(d).String() }

// nextSubregion is the sub-region the rotation table names for the seat in
// this cycle year (policy `rotation` from `election.rotation_start`); for a
// year before the table starts, the one after the current holder's of the
// seat's position.
func (s *Service) nextSubregion(ctx context.Context, seat election.SeatSpec) (string, error) {
	if sub, _ := s.policy.RotationFor(seat.Seat, store.Now().Year()); sub != "" {
		return sub, nil
	}
	positions, err := s.store.ListPositions(ctx, store.Now())
	if err != nil {
		return "", err
	}
	last := ""
	for _, p := range positions {
		if p.Position == seat.Position && p.Country != nil {
			last, _ = s.policy.SubregionOf(*p.Country)
		}
	}
	return domain.NextRotationSubregion(s.policy.Rotation[seat.Seat], last), nil
}

// ListElections lists the cycles; every member may see every election.
func (s *Service) ListElections(ctx context.Context, _ *Actor, limit int) ([]store.Case, error) {
	return s.store.ListCases(ctx, ElectionProcess, "", limit)
}

// electionState loads a cycle's live state; every member may see every
// election.
func (s *Service) electionState(ctx context.Context, id string) (election.State, error) {
	cs, err := s.store.GetCase(ctx, ElectionProcess, id)
	if err != nil {
		return election.State{}, err
	}
	var st election.State
	err = s.query(ctx, election.WorkflowID(cs.ID), election.Query, &st)
	return st, err
}

// ElectionState is a cycle's live state, for the processes that link to
// it (an arbitration contesting its result, the participation calendar).
func (s *Service) ElectionState(ctx context.Context, id string) (election.State, error) {
	return s.electionState(ctx, id)
}

// GetElection is one cycle, live, with the diversity of its slate and of
// the elected.
func (s *Service) GetElection(ctx context.Context, a *Actor, id string) (ElectionView, error) {
	st, err := s.electionState(ctx, id)
	if err != nil {
		return ElectionView{}, err
	}
	st.Voted = ballotChangesFor(a, st.Voted, st.Roll)
	var slate, elected []string
	for _, n := range st.Nominations {
		if n.Accepted && n.Eligible && !slices.Contains(slate, n.NomineeID) {
			slate = append(slate, n.NomineeID)
		}
	}
	for _, seat := range st.Seats {
		elected = append(elected, seat.Elected...)
	}
	members, err := s.store.MembersByID(ctx, append(slices.Clone(slate), elected...))
	if err != nil {
		return ElectionView{}, err
	}
	people := func(ids []string) []domain.Person2 {
		out := make([]domain.Person2, 0, len(ids))
		for _, id := range ids {
			m := members[id]
			p := domain.Person2{Country: m.Country}
			p.Subregion, _ = s.policy.SubregionOf(m.Country)
			if m.Gender != nil {
				p.Gender = *m.Gender
			}
			if m.ALSID != nil {
				p.ALSID = *m.ALSID
			}
			out = append(out, p)
		}
		return out
	}
	return ElectionView{
		Election:  Election{ID: id, State: st},
		Diversity: Diversity{Slate: domain.Diversity(people(slate)), Elected: domain.Diversity(people(elected))},
	}, nil
}

// ballotChangesFor keeps, in who has voted (an election's or a
// ratification's), the count of ballot changes left only where the reader may cast that ballot (a representative of the
// ALS or of the holder of its proxy) or is staff.
func ballotChangesFor(a *Actor, voted []workflows.Voted, roll []workflows.ElectionRollEntry) []workflows.Voted {
	if a.IsStaff() {
		return voted
	}
	mine := func(als string) bool {
		if a == nil || a.ALSID == nil || !a.Has(store.RoleALSRep) {
			return false
		}
		if als == *a.ALSID {
			return true
		}
		for _, r := range roll {
			if r.ALSID == als && r.ProxyFor != nil && *r.ProxyFor == *a.ALSID {
				return true
			}
		}
		return false
	}
	out := slices.Clone(voted)
	for i := range out {
		if !mine(out[i].ALSID) {
			out[i].ChangesLeft = nil
		}
	}
	return out
}

// eligibility computes a nominee's eligibility from the registry as it
// stands now.
func (s *Service) eligibility(ctx context.Context, st election.State, seat, nomineeID string, accepted, statement bool) (election.Eligibility, error) {
	return eligibility.Checker{Store: s.store, Policy: s.policy}.Nominee(ctx, st, seat, nomineeID, accepted, statement, store.Now())
}

// electionUpdate sends one transition to a cycle and answers with the
// cycle it produced.
func (s *Service) electionUpdate(ctx context.Context, id, name string, in any) (Election, error) {
	defer s.results.forget(id, nil)
	var out election.State
	if err := s.update(ctx, election.WorkflowID(id), name, in, &out); err != nil {
		return Election{}, err
	}
	return Election{ID: id, State: out}, nil
}

// Nominate nominates a member for a seat (any member; self-nomination is
// allowed), with the nominee's eligibility as the registry stands.
func (s *Service) Nominate(ctx context.Context, a *Actor, id string, req NominationRequest) (NominationCreated, error) {
	st, err := s.electionState(ctx, id)
	if err != nil {
		return NominationCreated{}, err
	}
	if !slices.ContainsFunc(st.Seats, func(x election.SeatState) bool { return x.Seat == req.Seat }) {
		return NominationCreated{}, InvalidCoded(map[string]string{"seat": "no such seat in this election"},
			map[string]string{"seat": FieldElectionNoSeat})
	}
	if !a.IsStaff() {
		if err := s.refuseObserver(ctx, a, "observers may not nominate", CodeElectionObserverNoms); err != nil {
			return NominationCreated{}, err
		}
	}
	el, err := s.eligibility(ctx, st, req.Seat, req.NomineeID, false, false)
	if errors.Is(err, store.ErrNotFound) {
		return NominationCreated{}, InvalidCoded(map[string]string{"nominee_id": "no member with this ID"},
			map[string]string{"nominee_id": FieldElectionNoMember})
	}
	if err != nil {
		return NominationCreated{}, err
	}
	if r, ok := observerReason(el); ok {
		return NominationCreated{}, Forbidden(r + " (observers are not nominated)").Coded(CodeElectionObserverNom)
	}
	out, err := s.electionUpdate(ctx, id, election.UpdateNominate,
		election.NominateInput{Actor: a.Workflow(), Seat: req.Seat, NomineeID: req.NomineeID, Statement: req.Statement, Eligibility: el})
	if err != nil {
		return NominationCreated{}, err
	}
	// A member is nominated once per seat: the pair names the nomination.
	i := slices.IndexFunc(out.Nominations, func(n election.Nomination) bool { return n.Seat == req.Seat && n.NomineeID == req.NomineeID })
	if i < 0 {
		return NominationCreated{}, errors.New("the nomination is missing from the cycle's answer")
	}
	return NominationCreated{Election: out, Nomination: out.Nominations[i]}, nil
}

// observerReason is the eligibility reason that makes the nominee an
// observer (a member of no accredited ALS), who may not stand (SPEC §3
// "Nominations").
func observerReason(el election.Eligibility) (string, bool) {
	i := slices.IndexFunc(el.Reasons, func(r string) bool { return strings.HasPrefix(r, domain.ReasonObserver+":") })
	if i < 0 {
		return "", false
	}
	return el.Reasons[i], true
}

// refuseObserver refuses an observer, a member who belongs to no
// accredited ALS (LACRALO's individual members), what only members of an
// ALS do: nominate, vote. The refusal is "observer: sentence", as the
// eligibility reasons are, named by code for the pages.
func (s *Service) refuseObserver(ctx context.Context, a *Actor, what, code string) error {
	if a.ALSID != nil {
		als, err := s.store.GetALS(ctx, *a.ALSID)
		switch {
		case err == nil && als.Status == store.ALSAccredited:
			return nil
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	return Forbidden(domain.ReasonObserver + ": you belong to no accredited ALS; " + what).Coded(code)
}

// GetNomination is one nomination of a cycle; whoever may read the cycle
// may read it.
func (s *Service) GetNomination(ctx context.Context, _ *Actor, id, nid string) (election.Nomination, error) {
	st, err := s.electionState(ctx, id)
	if err != nil {
		return election.Nomination{}, err
	}
	i := slices.IndexFunc(st.Nominations, func(n election.Nomination) bool { return n.ID == nid })
	if i < 0 {
		return election.Nomination{}, NotFound()
	}
	return st.Nominations[i], nil
}

// AcceptNomination is the nominee accepting with a statement of interest.
func (s *Service) AcceptNomination(ctx context.Context, a *Actor, id, nid string, req AcceptNominationRequest) (Election, error) {
	st, err := s.electionState(ctx, id)
	if err != nil {
		return Election{}, err
	}
	i := slices.IndexFunc(st.Nominations, func(n election.Nomination) bool { return n.ID == nid })
	if i < 0 {
		return Election{}, NotFound()
	}
	n := st.Nominations[i]
	if n.NomineeID != a.ID {
		return Election{}, Forbidden("only the nominee can accept a nomination").Coded(CodeElectionNomineeOnly)
	}
	el, err := s.eligibility(ctx, st, n.Seat, n.NomineeID, true, strings.TrimSpace(req.StatementOfInterest) != "")
	if err != nil {
		return Election{}, err
	}
	if r, ok := observerReason(el); ok {
		return Election{}, Forbidden(r).Coded(CodeElectionObserverAccepts)
	}
	return s.electionUpdate(ctx, id, election.UpdateAccept,
		election.AcceptInput{Actor: a.Workflow(), NominationID: n.ID, StatementOfInterest: req.StatementOfInterest, Eligibility: el})
}

// RecheckEligibility recomputes the eligibility of every nomination whose
// seat is still open from the registry as it stands (a declaration filed,
// a sanction, a seat reopened to all countries) and records each change
// (staff).
func (s *Service) RecheckEligibility(ctx context.Context, a *Actor, id string) (Election, error) {
	if !a.IsStaff() {
		return Election{}, Forbidden("only staff recheck eligibility").Coded(CodeElectionStaffRecheck)
	}
	st, err := s.electionState(ctx, id)
	if err != nil {
		return Election{}, err
	}
	out := Election{ID: id, State: st}
	for _, n := range st.Nominations {
		i := slices.IndexFunc(st.Seats, func(x election.SeatState) bool { return x.Seat == n.Seat })
		if i < 0 || st.Seats[i].Status != election.SeatStatusOpen {
			continue
		}
		el, err := s.eligibility(ctx, st, n.Seat, n.NomineeID, n.Accepted, strings.TrimSpace(n.StatementOfInterest) != "")
		if err != nil {
			return Election{}, err
		}
		if el.Eligible == n.Eligible && slices.Equal(el.Reasons, n.Reasons) {
			continue
		}
		in := election.SetEligibilityInput{Actor: a.Workflow(), NominationID: n.ID, Eligible: el.Eligible, Reasons: el.Reasons}
		if out, err = s.electionUpdate(ctx, id, election.UpdateSetEligibility, in); err != nil {
			return Election{}, err
		}
	}
	return out, nil
}

// RecheckOpenElections asks every cycle still before its vote to recompute
// its nominees' eligibility, after a change to the registry that may alter
// it (a declaration, a position). Failures are logged: the workflow
// rechecks again before each decision. Requests are coalesced: at most one
// in flight per election, and one more for all the changes made during
// it; the workflow refuses one while another is pending.
func (s *Service) RecheckOpenElections(ctx context.Context) {
	cases, err := s.store.ListCases(ctx, ElectionProcess, "", 1000)
	if err != nil {
		s.log.WarnContext(ctx, "listing elections to recheck eligibility", "err", err)
		return
	}
	for _, cs := range cases {
		if cs.Status != election.StatusNominations && cs.Status != election.StatusObjections {
			continue
		}
		s.rechecks.do(cs.ID, func() {
			_, err := s.electionUpdate(ctx, cs.ID, election.UpdateRecheck, election.RecheckInput{Actor: System})
			if e := AsError(err); err != nil && e.Kind != KindConflict { // a pending recheck is a conflict
				s.log.WarnContext(ctx, "rechecking eligibility", "election", cs.ID, "err", err)
			}
		})
	}
}
