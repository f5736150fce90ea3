package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/eligibility"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/election"
)

const electionProcess = "election"

// ElectionRequest starts an election cycle. A seat named in the policy
// takes the policy's position, count, method, ballot and rotation for any
// field left empty; a subregion-rotated seat takes the rotation table's
// next sub-region unless required_subregion is given. objections_close
// defaults to acceptance_close plus the policy's objection window, and
// voting_open to objections_close.
type ElectionRequest struct {
	Title    string                  `json:"title"`
	Seats    []election.ElectionSeat `json:"seats"`
	Calendar CalendarRequest         `json:"calendar"`
}

// CalendarRequest holds the dates of a cycle; nil takes the default.
type CalendarRequest struct {
	NominationsClose *time.Time `json:"nominations_close"`
	AcceptanceClose  *time.Time `json:"acceptance_close"`
	ObjectionsClose  *time.Time `json:"objections_close"`
	VotingOpen       *time.Time `json:"voting_open"`
	VotingClose      *time.Time `json:"voting_close"`
	TermStart        *time.Time `json:"term_start"`
}

// ExtendRequest moves the end of a phase later, with a reason.
type ExtendRequest struct {
	Phase  string    `json:"phase"`
	Until  time.Time `json:"until"`
	Reason string    `json:"reason"`
}

// electionDoc is a cycle as the API shows it: the live workflow state with
// the election ID under "id".
type electionDoc struct {
	ID string `json:"id"`
	election.State
}

// NominationRequest nominates a member for a seat.
type NominationRequest struct {
	Seat      string `json:"seat"`
	NomineeID string `json:"nominee_id"`
	Statement string `json:"statement"`
}

// BallotRequest is an ALS's ballot, cast by one of its representatives or
// by a representative of the ALS holding its proxy.
type BallotRequest struct {
	Seat    string   `json:"seat"`
	ALSID   string   `json:"als_id"`
	Choice  string   `json:"choice"`
	Abstain bool     `json:"abstain"`
	Ranking []string `json:"ranking"`
}

func (s *Server) createElection(c echo.Context) error {
	var req ElectionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	p := principal(c)
	pol := s.policy.Election
	at := func(t *time.Time) time.Time {
		if t == nil {
			return time.Time{}
		}
		return t.UTC()
	}
	cal := election.Calendar{
		NominationsClose: at(req.Calendar.NominationsClose), AcceptanceClose: at(req.Calendar.AcceptanceClose),
		ObjectionsClose: at(req.Calendar.ObjectionsClose), VotingOpen: at(req.Calendar.VotingOpen), VotingClose: at(req.Calendar.VotingClose),
	}
	if t := req.Calendar.TermStart; t != nil {
		start := t.UTC()
		cal.TermStart = &start
	}
	if cal.AcceptanceClose.IsZero() {
		cal.AcceptanceClose = cal.NominationsClose
	}
	if cal.ObjectionsClose.IsZero() && !cal.AcceptanceClose.IsZero() {
		cal.ObjectionsClose = cal.AcceptanceClose.Add(pol.ObjectionWindow.D())
	}
	if cal.VotingOpen.IsZero() {
		cal.VotingOpen = cal.ObjectionsClose
	}
	fields := map[string]string{}
	if strings.TrimSpace(req.Title) == "" {
		fields["title"] = "is required"
	}
	if len(req.Seats) == 0 {
		fields["seats"] = "at least one seat is required"
	}
	if !cal.NominationsClose.After(store.Now()) {
		fields["calendar.nominations_close"] = "is required and must be in the future"
	}
	if cal.VotingClose.IsZero() {
		fields["calendar.voting_close"] = "is required"
	}
	if cal.TermStart != nil && cal.TermStart.Before(cal.VotingClose) {
		fields["calendar.term_start"] = "must not be before voting_close"
	}
	seats := make([]election.ElectionSeat, len(req.Seats))
	for i, seat := range req.Seats {
		def, known := pol.Seats[seat.Seat]
		if known {
			seat.Position = cmpOr(seat.Position, def.Position)
			if seat.Count == 0 {
				seat.Count = def.Count
			}
			seat.Method = cmpOr(seat.Method, string(def.Method))
			seat.Ballot = cmpOr(seat.Ballot, string(def.Ballot))
			seat.Rotation = cmpOr(seat.Rotation, string(def.Rotation))
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
				return err
			}
			seat.RequiredSubregion = sub
		}
		if seat.Rotation != domain.RotationNone && seat.Rotation != domain.RotationSubregion && seat.Rotation != domain.RotationDistinctCountryALS {
			fields["seats["+strconv.Itoa(i)+"].rotation"] = "must be none, subregion or distinct_country_als"
		}
		seats[i] = seat
	}
	if len(fields) > 0 {
		return invalid(fields)
	}
	staff, err := s.staffIDs(ctx)
	if err != nil {
		return err
	}
	in := election.Input{
		ElectionID: store.NewID("elc"), Title: strings.TrimSpace(req.Title), Seats: seats, Calendar: cal,
		Rules: election.Rules{
			ReopenPeriod: pol.ReopenPeriod.D(), ObjectionWindow: pol.ObjectionWindow.D(), Quorum: pol.Quorum,
			Extension: pol.Extension, Weighting: string(pol.Weighting), ContestWindow: pol.ContestWindow.D(),
		},
		StaffIDs: staff, CreatedBy: p.ID, CreatedAt: store.Now(),
	}
	if err := in.Validate(); err != nil {
		return workflowError(err)
	}
	if err := s.store.SaveCase(ctx, store.Case{ID: in.ElectionID, Process: electionProcess, Status: election.StatusNominations,
		Title: in.Title, CreatedBy: p.ID}); err != nil {
		return err
	}
	if _, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: election.WorkflowID(in.ElectionID), TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, election.WorkflowName, in); err != nil {
		return err
	}
	var st election.State
	if err := s.queryNew(c, election.WorkflowID(in.ElectionID), election.Query, &st); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, electionDoc{ID: in.ElectionID, State: st})
}

func cmpOr(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return v
}

// nextSubregion is the rotation table's sub-region after the current
// holder's of the seat's position.
func (s *Server) nextSubregion(ctx context.Context, seat election.ElectionSeat) (string, error) {
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

// election loads a cycle; every member may see every election.
func (s *Server) election(c echo.Context) (store.Case, election.State, error) {
	cs, err := s.store.GetCase(c.Request().Context(), electionProcess, c.Param("id"))
	if err != nil {
		return store.Case{}, election.State{}, err
	}
	var st election.State
	err = s.query(c, election.WorkflowID(cs.ID), election.Query, &st)
	return cs, st, err
}

func (s *Server) listElections(c echo.Context) error {
	limit, _ := strconv.Atoi(c.QueryParam("limit"))
	cases, err := s.store.ListCases(c.Request().Context(), electionProcess, "", limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cases)
}

// electionView is one cycle with its diversity report.
type electionView struct {
	electionDoc
	Diversity diversityDoc `json:"diversity"`
}

// diversityDoc is the diversity report of the slate (accepted, eligible
// nominees) and of the elected (SPEC "Diversity report").
type diversityDoc struct {
	Slate   domain.DiversityReport `json:"slate"`
	Elected domain.DiversityReport `json:"elected"`
}

func (s *Server) getElection(c echo.Context) error {
	cs, st, err := s.election(c)
	if err != nil {
		return err
	}
	var slate, elected []string
	for _, n := range st.Nominations {
		if n.Accepted && n.Eligible && !slices.Contains(slate, n.NomineeID) {
			slate = append(slate, n.NomineeID)
		}
	}
	for _, seat := range st.Seats {
		elected = append(elected, seat.Elected...)
	}
	members, err := s.store.MembersByID(c.Request().Context(), append(slices.Clone(slate), elected...))
	if err != nil {
		return err
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
	return c.JSON(http.StatusOK, electionView{
		electionDoc: electionDoc{ID: cs.ID, State: st},
		Diversity:   diversityDoc{Slate: domain.Diversity(people(slate)), Elected: domain.Diversity(people(elected))},
	})
}

// eligibility computes a nominee's eligibility from the registry as it
// stands now.
func (s *Server) eligibility(ctx context.Context, st election.State, seatName, nomineeID string, accepted, statement bool) (election.Eligibility, error) {
	return eligibility.Checker{Store: s.store, Policy: s.policy}.Nominee(ctx, st, seatName, nomineeID, accepted, statement, store.Now())
}

// creating marks a route that creates something, so that it accepts an
// Idempotency-Key.
func creating(r route) route {
	r.creates = true
	return r
}

// electionBind binds a transition body that needs no registry check.
func electionBind[T any](set func(*T, workflows.Actor)) func(echo.Context, election.State, workflows.Actor) (any, error) {
	return func(c echo.Context, _ election.State, actor workflows.Actor) (any, error) {
		var in T
		if c.Request().ContentLength != 0 {
			if err := bind(c, &in, "actor"); err != nil {
				return nil, err
			}
		}
		set(&in, actor)
		return in, nil
	}
}

// electionTransition runs one transition on a cycle: build the update's
// argument (the registry checks happen there), then the workflow's
// validator decides (403, 409, 422).
func (s *Server) electionTransition(update string, build func(c echo.Context, st election.State, actor workflows.Actor) (any, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		cs, st, err := s.election(c)
		if err != nil {
			return err
		}
		arg, err := build(c, st, workflowActor(principal(c)))
		if err != nil {
			return err
		}
		var out election.State
		if err := s.update(c, election.WorkflowID(cs.ID), update, arg, &out); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, electionDoc{ID: cs.ID, State: out})
	}
}

func (s *Server) buildNomination(c echo.Context, st election.State, actor workflows.Actor) (any, error) {
	var req NominationRequest
	if err := bind(c, &req); err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(st.Seats, func(x election.SeatState) bool { return x.Seat == req.Seat }) {
		return nil, invalid(map[string]string{"seat": "no such seat in this election"})
	}
	el, err := s.eligibility(c.Request().Context(), st, req.Seat, req.NomineeID, false, false)
	if errors.Is(err, store.ErrNotFound) {
		return nil, invalid(map[string]string{"nominee_id": "no member with this ID"})
	}
	if err != nil {
		return nil, err
	}
	return election.NominateInput{Actor: actor, Seat: req.Seat, NomineeID: req.NomineeID, Statement: req.Statement, Eligibility: el}, nil
}

func (s *Server) buildAcceptance(c echo.Context, st election.State, actor workflows.Actor) (any, error) {
	var req struct {
		StatementOfInterest string `json:"statement_of_interest"`
	}
	if err := bind(c, &req); err != nil {
		return nil, err
	}
	i := slices.IndexFunc(st.Nominations, func(n election.Nomination) bool { return n.ID == c.Param("nid") })
	if i < 0 {
		return nil, errNotFound
	}
	n := st.Nominations[i]
	if n.NomineeID != actor.MemberID {
		return nil, errStatus(http.StatusForbidden, "only the nominee can accept a nomination")
	}
	el, err := s.eligibility(c.Request().Context(), st, n.Seat, n.NomineeID, true, strings.TrimSpace(req.StatementOfInterest) != "")
	if err != nil {
		return nil, err
	}
	return election.AcceptInput{Actor: actor, NominationID: n.ID, StatementOfInterest: req.StatementOfInterest, Eligibility: el}, nil
}

func (s *Server) buildProxy(c echo.Context, _ election.State, actor workflows.Actor) (any, error) {
	var in election.RegisterProxyInput
	if err := bind(c, &in, "actor"); err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	fields := map[string]string{}
	for field, id := range map[string]string{"from_als_id": in.FromALSID, "to_als_id": in.ToALSID} {
		a, err := s.store.GetALS(ctx, id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			fields[field] = "no ALS with this ID"
		case err != nil:
			return nil, err
		case a.Status != store.ALSAccredited:
			fields[field] = "the ALS is not accredited"
		}
	}
	if len(fields) > 0 {
		return nil, invalid(fields)
	}
	in.Actor = actor
	return in, nil
}

// castBallot checks who casts: an als_rep of the ALS, or of the ALS that
// holds its proxy, whose voting rights are not suspended. The workflow
// checks the roll, the seat and the candidates.
// castBallot records a ballot. It does not read the cycle's state first:
// in the rush before a vote closes every read would queue behind the
// ballots; the workflow's validator checks the ALS, its proxy and the
// vote's state, and answers 403 or 409 itself.
func (s *Server) castBallot(c echo.Context) error {
	ctx := c.Request().Context()
	cs, err := s.store.GetCase(ctx, electionProcess, c.Param("id"))
	if err != nil {
		return err
	}
	var req BallotRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	p, own, err := s.voter(c)
	if err != nil {
		return err
	}
	in := election.BallotInput{Actor: workflowActor(p), Seat: req.Seat, ALSID: req.ALSID, CastByALSID: own,
		Choice: req.Choice, Abstain: req.Abstain, Ranking: req.Ranking}
	var r workflows.BallotReceipt
	if err := s.update(c, election.WorkflowID(cs.ID), election.UpdateBallot, in, &r); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}

// voter checks who casts a ballot: an ALS representative whose voting
// rights no ethics decision suspends. It returns their ALS; the workflow
// checks that it may vote for the ALS named (its own, or by proxy).
func (s *Server) voter(c echo.Context) (*Principal, string, error) {
	p := principal(c)
	if !p.Has(store.RoleALSRep) || p.ALSID == nil {
		return nil, "", errStatus(http.StatusForbidden, "only an ALS representative casts an ALS's ballot")
	}
	suspended, err := s.store.VotingSuspended(c.Request().Context(), p.ID, store.Now())
	if err != nil {
		return nil, "", err
	}
	if suspended {
		return nil, "", errStatus(http.StatusForbidden, "your voting rights are suspended by an ethics decision")
	}
	return p, *p.ALSID, nil
}

// recheckEligibility recomputes the eligibility of every nomination whose
// seat is still open from the registry as it stands (a declaration filed,
// a sanction, a seat reopened to all countries) and records each change.
func (s *Server) recheckEligibility(c echo.Context) error {
	cs, st, err := s.election(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	actor := workflowActor(principal(c))
	out := st
	for _, n := range st.Nominations {
		i := slices.IndexFunc(st.Seats, func(x election.SeatState) bool { return x.Seat == n.Seat })
		if i < 0 || st.Seats[i].Status != election.SeatStatusOpen {
			continue
		}
		el, err := s.eligibility(ctx, st, n.Seat, n.NomineeID, n.Accepted, strings.TrimSpace(n.StatementOfInterest) != "")
		if err != nil {
			return err
		}
		if el.Eligible == n.Eligible && slices.Equal(el.Reasons, n.Reasons) {
			continue
		}
		in := election.SetEligibilityInput{Actor: actor, NominationID: n.ID, Eligible: el.Eligible, Reasons: el.Reasons}
		if err := s.update(c, election.WorkflowID(cs.ID), election.UpdateSetEligibility, in, &out); err != nil {
			return err
		}
	}
	return c.JSON(http.StatusOK, electionDoc{ID: cs.ID, State: out})
}

// results reads the results document of a cycle whose voting has closed;
// before, it answers 409 (the workflow's results query refuses too, but a
// refused query reaches the client as a generic failure).
func (s *Server) results(c echo.Context) (election.Results, error) {
	cs, st, err := s.election(c)
	if err != nil {
		return election.Results{}, err
	}
	if st.Status != election.StatusClosed && st.Status != election.StatusCertified {
		return election.Results{}, conflict("the results are published when voting has closed")
	}
	var res election.Results
	err = s.query(c, election.WorkflowID(cs.ID), election.QueryResults, &res)
	return res, err
}

func (s *Server) electionResults(c echo.Context) error {
	res, err := s.results(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// publicElectionResults publishes certified results without a token; an
// election not yet certified is unknown to the public.
func (s *Server) publicElectionResults(c echo.Context) error {
	res, err := s.results(c)
	var apiErr *Error
	if errors.As(err, &apiErr) && apiErr.Status == http.StatusConflict || err == nil && res.Status != election.StatusCertified {
		return errNotFound
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

func (s *Server) electionRoutes() []route {
	const tag = "elections"
	const base = "/api/v1/elections"
	tr := func(path, update, summary, request string, acc access, build func(echo.Context, election.State, workflows.Actor) (any, error)) route {
		return route{method: http.MethodPost, path: base + "/:id/" + path, access: acc, handler: s.electionTransition(update, build),
			tag: tag, summary: summary, request: request, response: "Election"}
	}
	return []route{
		{method: http.MethodPost, path: base, access: staffOnly, creates: true, handler: s.createElection,
			tag: tag, summary: "Start an election cycle (staff)", request: "ElectionRequest", response: "Election", status: http.StatusCreated},
		{method: http.MethodGet, path: base, access: authenticated, handler: s.listElections,
			tag: tag, summary: "Election cycles", response: "[]Case"},
		{method: http.MethodGet, path: base + "/:id", access: authenticated, handler: s.getElection,
			tag: tag, summary: "One cycle, live: seats, nominations with eligibility and its reasons, who has voted", response: "Election"},
		creating(tr("nominations", election.UpdateNominate, "Nominate a member for a seat (any member; self-nomination allowed)", "NominationRequest", authenticated, s.buildNomination)),
		tr("nominations/:nid/accept", election.UpdateAccept, "Accept a nomination with a statement of interest (the nominee)", "AcceptRequest", authenticated, s.buildAcceptance),
		{method: http.MethodPost, path: base + "/:id/eligibility", access: staffOnly, handler: s.recheckEligibility,
			tag: tag, summary: "Recheck the eligibility of every open nomination against the registry (staff)", response: "Election"},
		tr("objections", election.UpdateObject, "Object to an acclamation, with a reason, before objections close", "ObjectionRequest", authenticated,
			electionBind(func(in *election.ObjectInput, a workflows.Actor) { in.Actor = a })),
		tr("proxies", election.UpdateRegisterProxy, "Record a proxy before voting opens (staff)", "ProxyRequest", staffOnly, s.buildProxy),
		{method: http.MethodPost, path: base + "/:id/ballots", access: authenticated, creates: true, handler: s.castBallot,
			tag: tag, summary: "Cast or replace an ALS's ballot (its als_rep, or the proxy holder's); the last counts", request: "BallotRequest", response: "BallotReceipt", status: http.StatusCreated},
		{method: http.MethodGet, path: base + "/:id/results", access: authenticated, handler: s.electionResults,
			tag: tag, summary: "The results document (409 before voting closes)", response: "ElectionResults"},
		tr("extend", election.UpdateExtend, "Extend a phase (nominations, acceptance, objections, voting) with a reason; later dates move by as much; never shortens (staff)", "ExtendRequest", staffOnly,
			electionBind(func(in *election.ExtendPhaseInput, a workflows.Actor) { in.Actor = a })),
		tr("certify", election.UpdateCertify, "Certify the results (staff)", "", staffOnly,
			electionBind(func(in *election.CertifyInput, a workflows.Actor) { in.Actor = a })),
		{method: http.MethodGet, path: "/api/v1/public/elections/:id/results", access: public, handler: s.publicElectionResults,
			tag: "public", summary: "Certified election results", response: "ElectionResults"},
	}
}

// electionSchemas documents the bodies of the election routes.
func electionSchemas() obj {
	seat := object(obj{"seat": str("e.g. chair, secretariat, alac_member, nomcom_delegate"), "position": str("defaults to the policy's"),
		"count": obj{"type": "integer"}, "method": strEnum("", "plurality", "ranked"), "ballot": strEnum("", "open", "secret"),
		"rotation": strEnum("", "none", "subregion", "distinct_country_als"), "required_subregion": str("defaults to the rotation table's next")}, "seat")
	calendar := object(obj{"nominations_close": dateTime(""), "acceptance_close": dateTime("default nominations_close"),
		"objections_close": dateTime("default acceptance_close + election.objection_window"), "voting_open": dateTime("default objections_close"),
		"voting_close": dateTime(""), "term_start": dateTime("when the elected take their positions; default: at certification")},
		"nominations_close", "voting_close")
	roll := object(obj{"als_id": str(""), "country": str(""), "weight": obj{"type": "number", "description": "national weight CC, or 1"},
		"proxy_for": nullable(str("the ALS holding this ALS's proxy"))})
	return obj{
		"ElectionRequest": object(obj{"title": str(""), "seats": arrayOf(seat), "calendar": calendar}, "title", "seats", "calendar"),
		"Election": object(obj{"id": str(""), "election_id": str(""), "title": str(""),
			"status":   strEnum("", "nominations", "objections", "voting", "closed", "certified"),
			"calendar": calendar, "rules": obj{"type": "object"},
			"seats": arrayOf(object(obj{"seat": str(""), "status": strEnum("", "open", "voting", "acclaimed", "elected", "unfilled"),
				"reopened": obj{"type": "boolean"}, "candidates": arrayOf(str("")), "round": obj{"type": "integer"},
				"voting_opens": nullable(dateTime("")), "voting_closes": nullable(dateTime("")), "extended": obj{"type": "boolean"}, "elected": arrayOf(str(""))})),
			"nominations": arrayOf(object(obj{"id": str(""), "seat": str(""), "nominee_id": str(""), "nominated_by": str(""), "statement": str(""),
				"accepted": obj{"type": "boolean"}, "statement_of_interest": str(""), "eligible": obj{"type": "boolean"},
				"reasons": arrayOf(str("\"code: sentence\""))})),
			"objections": arrayOf(obj{"type": "object"}), "proxies": arrayOf(obj{"type": "object"}), "roll": arrayOf(roll),
			"roll_frozen": obj{"type": "boolean"},
			"voted":       arrayOf(object(obj{"seat": str(""), "round": obj{"type": "integer"}, "als_id": str(""), "at": dateTime("")})),
			"exceptions":  arrayOf(obj{"type": "object"}), "deadlines": arrayOf(object(obj{"name": str(""), "at": dateTime("")})),
			"certified_at":  nullable(dateTime("")),
			"contest_until": dateTime("end of the window to contest the certified result before the arbitrator (POST /arbitrations with appeal_of {kind: election, id})"),
			"contests": arrayOf(object(obj{"arbitration_id": str(""), "filed_at": dateTime(""), "outcome": strEnum("once ruled", "uphold", "overturn", "modify", "dismissed"),
				"articles": arrayOf(str("")), "ruled_at": dateTime("")})),
			"positions_assigned_at": dateTime("when the elected took their positions"),
			"diversity": object(obj{"slate": obj{"type": "object", "description": "countries, subregions, genders, alses: counts (GET one election only)"},
				"elected": obj{"type": "object"}})}, "id", "status", "deadlines"),
		"NominationRequest": object(obj{"seat": str(""), "nominee_id": str("a member ID"), "statement": str("")}, "seat", "nominee_id"),
		"ExtendRequest": object(obj{"phase": strEnum("", election.PhaseNominations, election.PhaseAcceptance, election.PhaseObjections, election.PhaseVoting),
			"until": dateTime("the phase's new end, later than the current one"), "reason": str("recorded and emailed to every member")}, "phase", "until", "reason"),
		"AcceptRequest":    object(obj{"statement_of_interest": str("")}, "statement_of_interest"),
		"ObjectionRequest": object(obj{"seat": str(""), "reason": str("")}, "seat", "reason"),
		"ProxyRequest":     object(obj{"from_als_id": str("the ALS giving its vote"), "to_als_id": str("the ALS casting it")}, "from_als_id", "to_als_id"),
		"BallotRequest": object(obj{"seat": str(""), "als_id": str("the ALS whose vote this is"), "choice": str("a candidate's member ID"),
			"abstain": obj{"type": "boolean"}, "ranking": arrayOf(str("candidates' member IDs, most preferred first (ranked seats)"))}, "seat", "als_id"),
		"BallotReceipt": object(obj{"receipt": str("find it in the published results"), "seat": str(""), "round": obj{"type": "integer"},
			"als_id": str(""), "at": dateTime("")}, "receipt"),
		"ElectionResults": object(obj{"election_id": str(""), "status": strEnum("", "closed", "certified"), "roll": arrayOf(roll),
			"seats": arrayOf(object(obj{"seat": str(""),
				"rounds": arrayOf(object(obj{"round": obj{"type": "integer"}, "abstentions": obj{"type": "integer"},
					"totals": arrayOf(object(obj{"member_id": str(""), "weighted_votes": obj{"type": "number"}, "ballots": obj{"type": "integer"}}))})),
				"elected": arrayOf(str("")),
				"quorum": nullable(object(obj{"required": obj{"type": "integer"}, "cast": obj{"type": "integer"}, "met": obj{"type": "boolean"},
					"extended": obj{"type": "boolean"}})),
				"draw": nullable(object(obj{"seed": str("SHA-256 of the sorted receipts"), "drawn": str("")})),
				"ballots": arrayOf(object(obj{"receipt": str(""), "round": obj{"type": "integer"}, "als_id": str("open ballots only"),
					"choice": str("open ballots only"), "abstain": obj{"type": "boolean"}, "ranking": arrayOf(str(""))}))}))},
			"election_id", "status", "roll", "seats"),
	}
}

// recheckOpenElections asks every election still before its vote to
// recompute its nominees' eligibility, after a change to the registry that
// may alter it (a declaration, a position). Failures are logged: the
// workflow rechecks again before each decision.
func (s *Server) recheckOpenElections(c echo.Context) {
	ctx := c.Request().Context()
	cases, err := s.store.ListCases(ctx, electionProcess, "", 1000)
	if err != nil {
		s.log.WarnContext(ctx, "listing elections to recheck eligibility", "err", err)
		return
	}
	for _, cs := range cases {
		if cs.Status != election.StatusNominations && cs.Status != election.StatusObjections {
			continue
		}
		var out election.State
		err := s.update(c, election.WorkflowID(cs.ID), election.UpdateRecheck, election.RecheckInput{Actor: systemActor}, &out)
		var pe *Error
		if err != nil && !(errors.As(err, &pe) && pe.Status == http.StatusConflict) {
			s.log.WarnContext(ctx, "rechecking eligibility", "election", cs.ID, "err", err)
		}
	}
}
