package api

import (
	"context"
	"encoding/json"
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
	"github.com/lacralo/ralo/policy"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/arbitration"
	"github.com/lacralo/ralo/workflows/election"
)

const arbitrationProcess = "arbitration"

// ArbitrationRequest files an arbitration case. Parties are member or ALS
// IDs; appeal_of names an ethics case or an election under appeal.
type ArbitrationRequest struct {
	Question string               `json:"question"`
	Articles []string             `json:"articles"`
	Parties  []string             `json:"parties"`
	AppealOf *workflows.AppealRef `json:"appeal_of"`
}

// arbitrationDoc is a case as the API shows it: the live workflow state
// with the case ID under "id".
type arbitrationDoc struct {
	ID string `json:"id"`
	arbitration.State
}

func workflowActor(p *Principal) workflows.Actor {
	return workflows.Actor{MemberID: p.ID, Roles: slices.Clone([]string(p.Roles))}
}

// resolveParties turns party IDs into members or ALSes, and finds the
// members who act for each ALS party (its representatives).
func (s *Server) resolveParties(ctx context.Context, ids []string) ([]arbitration.Party, []string, map[string]string, error) {
	fields := map[string]string{}
	var parties []arbitration.Party
	var reps []string
	for i, id := range ids {
		if _, err := s.store.GetMember(ctx, id); err == nil {
			parties = append(parties, arbitration.Party{Kind: arbitration.PartyMember, ID: id})
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, nil, nil, err
		}
		if _, err := s.store.GetALS(ctx, id); err == nil {
			parties = append(parties, arbitration.Party{Kind: arbitration.PartyALS, ID: id})
			ms, err := s.store.ListMembers(ctx, store.MemberFilter{ALSID: id, Role: store.RoleALSRep, Limit: 1000})
			if err != nil {
				return nil, nil, nil, err
			}
			for _, m := range ms {
				reps = append(reps, m.ID)
			}
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, nil, nil, err
		}
		fields["parties["+strconv.Itoa(i)+"]"] = "no member or ALS with this ID"
	}
	return parties, reps, fields, nil
}

func (s *Server) staffIDs(ctx context.Context) ([]string, error) {
	ms, err := s.store.ListMembers(ctx, store.MemberFilter{Role: store.RoleStaff, Limit: 1000})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return ids, nil
}

func arbitrationPeriods(p policy.Arbitration) arbitration.Periods {
	out := arbitration.Periods{
		ChallengeWindow: p.ChallengeWindow.D(), Submissions: p.Submissions.D(), RulingDue: p.RulingDue.D(),
		MaxExtension: p.MaxExtension.D(), OverdueAlertEvery: p.OverdueAlertEvery.D(),
	}
	for _, r := range p.Reminders {
		out.Reminders = append(out.Reminders, r.D())
	}
	return out
}

func (s *Server) fileArbitration(c echo.Context) error {
	var req ArbitrationRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	p := principal(c)
	fields := map[string]string{}
	if strings.TrimSpace(req.Question) == "" {
		fields["question"] = "is required"
	}
	if len(req.Parties) == 0 {
		fields["parties"] = "at least one party is required"
	}
	parties, reps, pf, err := s.resolveParties(ctx, req.Parties)
	if err != nil {
		return err
	}
	for k, v := range pf {
		fields[k] = v
	}
	if req.AppealOf != nil && req.AppealOf.Kind != workflows.AppealKindEthics && req.AppealOf.Kind != workflows.AppealKindElection {
		fields["appeal_of.kind"] = "must be ethics or election"
	}
	if len(fields) > 0 {
		return invalid(fields)
	}
	// The filer is a party unless they act for an ALS party.
	filerIsParty := slices.Contains(reps, p.ID) || slices.ContainsFunc(parties, func(x arbitration.Party) bool { return x.ID == p.ID })
	if !filerIsParty {
		parties = append(parties, arbitration.Party{Kind: arbitration.PartyMember, ID: p.ID})
	}
	staff, err := s.staffIDs(ctx)
	if err != nil {
		return err
	}
	in := arbitration.Input{
		CaseID: store.NewID("arb"), Question: strings.TrimSpace(req.Question), Articles: req.Articles,
		Parties: parties, NotifyMemberIDs: reps, FiledBy: p.ID, AppealOf: req.AppealOf,
		Periods: arbitrationPeriods(s.policy.Arbitration), StaffIDs: staff, FiledAt: store.Now(),
	}
	if err := in.Validate(); err != nil {
		return workflowError(err)
	}
	if err := s.checkContest(c, in.AppealOf); err != nil {
		return err
	}
	members := []string{p.ID}
	members = append(members, reps...)
	for _, x := range parties {
		if x.Kind == arbitration.PartyMember {
			members = append(members, x.ID)
		}
	}
	if err := s.store.SaveCase(ctx, store.Case{ID: in.CaseID, Process: arbitrationProcess, Status: arbitration.StatusFiled,
		Title: in.Question, CreatedBy: p.ID, Members: store.StringList(members)}); err != nil {
		return err
	}
	if _, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: arbitration.WorkflowID(in.CaseID), TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, arbitration.WorkflowName, in); err != nil {
		return err
	}
	if ref := in.AppealOf; ref != nil && ref.Kind == workflows.AppealKindElection {
		// Recorded on the election; were this lost, the ruling's signal
		// records the contest when it arrives.
		var out election.State
		if err := s.update(c, election.WorkflowID(ref.ID), election.UpdateContest,
			election.ContestInput{Actor: systemActor, ArbitrationID: in.CaseID}, &out); err != nil {
			s.log.WarnContext(ctx, "recording the contest on the election", "election", ref.ID, "err", err)
		}
	}
	return c.JSON(http.StatusCreated, arbitrationDoc{ID: in.CaseID, State: arbitration.State{
		CaseID: in.CaseID, Status: arbitration.StatusFiled, Question: in.Question, Articles: in.Articles,
		Parties: in.Parties, FiledBy: in.FiledBy, FiledAt: in.FiledAt, AppealOf: in.AppealOf,
		Challenges: []arbitration.Challenge{}, Submissions: []arbitration.Submission{}, Deadlines: []workflows.Deadline{},
	}})
}

// arbitrationCase loads a case the caller may see: staff see every case;
// parties and the assigned arbitrator see theirs; anyone else gets 404, as
// if it did not exist.
func (s *Server) arbitrationCase(c echo.Context) (store.Case, error) {
	cs, err := s.store.GetCase(c.Request().Context(), arbitrationProcess, c.Param("id"))
	if err != nil {
		return store.Case{}, err
	}
	p := principal(c)
	if p.IsStaff() || cs.Members.Has(p.ID) {
		return cs, nil
	}
	// The index follows the workflow a moment later; an arbitrator just
	// assigned is recognised from the live state.
	if p.Has(store.RoleArbitrator) {
		var st arbitration.State
		if err := s.query(c, arbitration.WorkflowID(cs.ID), arbitration.Query, &st); err != nil {
			return store.Case{}, err
		}
		if st.ArbitratorID == p.ID {
			return cs, nil
		}
	}
	return store.Case{}, errNotFound
}

func (s *Server) listArbitrations(c echo.Context) error {
	p := principal(c)
	memberID := p.ID
	if p.IsStaff() {
		memberID = ""
	}
	limit, _ := strconv.Atoi(c.QueryParam("limit"))
	cases, err := s.store.ListCases(c.Request().Context(), arbitrationProcess, memberID, limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cases)
}

func (s *Server) getArbitration(c echo.Context) error {
	cs, err := s.arbitrationCase(c)
	if err != nil {
		return err
	}
	var st arbitration.State
	if err := s.query(c, arbitration.WorkflowID(cs.ID), arbitration.Query, &st); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, arbitrationDoc{ID: cs.ID, State: st})
}

// arbitrationTransition runs one transition: the case must be visible to
// the caller, then the workflow's validator decides (403, 409, 422).
func (s *Server) arbitrationTransition(update string, build func(c echo.Context, cs store.Case, actor workflows.Actor) (any, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		cs, err := s.arbitrationCase(c)
		if err != nil {
			return err
		}
		arg, err := build(c, cs, workflowActor(principal(c)))
		if err != nil {
			return err
		}
		var st arbitration.State
		if err := s.update(c, arbitration.WorkflowID(cs.ID), update, arg, &st); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, arbitrationDoc{ID: cs.ID, State: st})
	}
}

func (s *Server) assignArbitrator(c echo.Context, cs store.Case, actor workflows.Actor) (any, error) {
	var req struct {
		ArbitratorID string `json:"arbitrator_id"`
	}
	if err := bind(c, &req); err != nil {
		return nil, err
	}
	// Staff only; checked before the roster so a party learns nothing.
	if !principal(c).IsStaff() {
		return nil, errStatus(http.StatusForbidden, "only staff assign arbitrators")
	}
	ctx := c.Request().Context()
	arb, err := s.store.GetMember(ctx, req.ArbitratorID)
	if errors.Is(err, store.ErrNotFound) || err == nil && !arb.Roles.Has(store.RoleArbitrator) {
		return nil, invalid(map[string]string{"arbitrator_id": "not a member of the arbitrators' roster"})
	}
	if err != nil {
		return nil, err
	}
	var st arbitration.State
	if err := s.query(c, arbitration.WorkflowID(cs.ID), arbitration.Query, &st); err != nil {
		return nil, err
	}
	var parties []domain.Person
	for _, x := range st.Parties {
		person := domain.Person{ID: x.ID, Kind: x.Kind}
		if x.Kind == arbitration.PartyMember {
			m, err := s.store.GetMember(ctx, x.ID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, err
			}
			if m.ALSID != nil {
				person.ALSID = *m.ALSID
			}
		}
		parties = append(parties, person)
	}
	me := domain.Person{ID: arb.ID, Kind: domain.KindMember}
	if arb.ALSID != nil {
		me.ALSID = *arb.ALSID
	}
	decls, err := s.store.ListDeclarations(ctx, arb.ID)
	if err != nil {
		return nil, err
	}
	var ds []domain.Declaration
	for _, d := range decls {
		ds = append(ds, domain.Declaration{MemberID: d.MemberID, Subjects: d.Subjects, Superseded: d.SupersededAt != nil})
	}
	conflicts := domain.ArbitratorConflicts(me, parties, ds)
	if len(conflicts) > 0 {
		return nil, &Error{Status: http.StatusUnprocessableEntity, Detail: "the arbitrator has a conflict with the parties: " + strings.Join(conflicts, "; "),
			Fields: map[string]string{"arbitrator_id": strings.Join(conflicts, "; ")}}
	}
	return arbitration.AssignInput{Actor: actor, ArbitratorID: arb.ID}, nil
}

// bindActor decodes a transition's body into its workflow input and sets
// the actor from the authenticated caller; a body naming an actor is
// refused, so no one acts in another's name.
func bindActor[T, S any](set func(*T, workflows.Actor)) func(echo.Context, S, workflows.Actor) (any, error) {
	return func(c echo.Context, _ S, actor workflows.Actor) (any, error) {
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

// hearingRequest is the body of the hearing transition; duration is a
// duration string ("90m", "1h30m") or a number of minutes.
type hearingRequest struct {
	StartsAt time.Time       `json:"starts_at"`
	Duration json.RawMessage `json:"duration"`
	Location string          `json:"location"`
}

func (s *Server) scheduleHearing(c echo.Context, _ store.Case, actor workflows.Actor) (any, error) {
	var req hearingRequest
	if err := bind(c, &req); err != nil {
		return nil, err
	}
	d, err := parseDuration(req.Duration)
	if err != nil {
		return nil, invalid(map[string]string{"duration": err.Error()})
	}
	if req.StartsAt.IsZero() {
		return nil, invalid(map[string]string{"starts_at": "is required (RFC 3339)"})
	}
	return arbitration.HearingInput{Actor: actor, StartsAt: req.StartsAt.UTC(), Duration: d, Location: req.Location}, nil
}

// parseDuration reads "90m", "1h30m", "1d" or a number of minutes.
func parseDuration(raw json.RawMessage) (time.Duration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return time.Hour, nil
	}
	var minutes float64
	if err := json.Unmarshal(raw, &minutes); err == nil {
		if minutes <= 0 {
			return 0, errors.New("must be positive")
		}
		return time.Duration(minutes * float64(time.Minute)), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, errors.New("must be a duration such as \"90m\" or a number of minutes")
	}
	d, err := policy.ParseDuration(s)
	if err != nil || d.D() <= 0 {
		return 0, errors.New("must be a positive duration such as \"90m\"")
	}
	return d.D(), nil
}

// publicRulings lists every recorded ruling: outcome, articles, text and
// its hash, which is also in the audit chain. It needs no token.
func (s *Server) publicRulings(c echo.Context) error {
	entries, err := s.store.ListAudit(c.Request().Context(), store.AuditFilter{
		Process: arbitrationProcess, Action: "arbitration.ruling", Audience: store.AudiencePublic, All: true, Limit: 1000})
	if err != nil {
		return err
	}
	type ruling struct {
		CaseID    string          `json:"case_id"`
		At        time.Time       `json:"at"`
		AuditSeq  int64           `json:"audit_seq"`
		AuditHash string          `json:"audit_hash"`
		Ruling    json.RawMessage `json:"ruling"`
	}
	out := make([]ruling, 0, len(entries))
	for _, e := range entries {
		out = append(out, ruling{CaseID: e.ObjectID, At: e.At, AuditSeq: e.Seq, AuditHash: e.Hash, Ruling: e.DetailsJSON()})
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) arbitrationRoutes() []route {
	const tag = "arbitration"
	tr := func(action, update, summary, request string, build func(echo.Context, store.Case, workflows.Actor) (any, error)) route {
		return route{method: http.MethodPost, path: "/api/v1/arbitrations/:id/" + action, access: authenticated, emails: true,
			handler: s.arbitrationTransition(update, build), tag: tag, summary: summary, request: request, response: "Arbitration"}
	}
	return []route{
		{method: http.MethodPost, path: "/api/v1/arbitrations", access: authenticated, creates: true, emails: true, handler: s.fileArbitration,
			tag: tag, summary: "File an arbitration case (parties: member or ALS IDs)", request: "ArbitrationRequest", response: "Arbitration", status: http.StatusCreated},
		{method: http.MethodGet, path: "/api/v1/arbitrations", access: authenticated, handler: s.listArbitrations,
			tag: tag, summary: "Cases the caller may see (staff: all)", response: "[]Case"},
		{method: http.MethodGet, path: "/api/v1/arbitrations/:id", access: authenticated, handler: s.getArbitration,
			tag: tag, summary: "One case, live (parties, the assigned arbitrator, staff)", response: "Arbitration"},
		tr("assign", arbitration.UpdateAssign, "Assign an arbitrator from the roster (staff); refused with the reasons when in conflict", "AssignRequest", s.assignArbitrator),
		tr("confirm", arbitration.UpdateConfirm, "The assigned arbitrator declares no conflict", "", bindActor[arbitration.ConfirmInput, store.Case](func(in *arbitration.ConfirmInput, a workflows.Actor) { in.Actor = a })),
		tr("challenge", arbitration.UpdateChallenge, "A party challenges the arbitrator for conflict", "ReasonRequest", bindActor[arbitration.ChallengeInput, store.Case](func(in *arbitration.ChallengeInput, a workflows.Actor) { in.Actor = a })),
		tr("challenge/decision", arbitration.UpdateDecideChallenge, "Staff sustain (reassign) or reject the challenge", "ChallengeDecision", bindActor[arbitration.DecideChallengeInput, store.Case](func(in *arbitration.DecideChallengeInput, a workflows.Actor) { in.Actor = a })),
		tr("submissions", arbitration.UpdateSubmit, "A party's submission", "SubmissionRequest", bindActor[arbitration.SubmitInput, store.Case](func(in *arbitration.SubmitInput, a workflows.Actor) { in.Actor = a })),
		tr("hearing", arbitration.UpdateHearing, "Schedule or reschedule the hearing (the arbitrator); parties get an iCalendar invitation", "HearingRequest", s.scheduleHearing),
		tr("extend", arbitration.UpdateExtend, "Extend the ruling deadline once (the arbitrator)", "ExtendRequest", bindActor[arbitration.ExtendInput, store.Case](func(in *arbitration.ExtendInput, a workflows.Actor) { in.Actor = a })),
		tr("ruling", arbitration.UpdateRuling, "Record the binding ruling (the arbitrator); immutable", "RulingRequest", bindActor[arbitration.RulingInput, store.Case](func(in *arbitration.RulingInput, a workflows.Actor) { in.Actor = a })),
		tr("ombudsman", arbitration.UpdateOmbudsman, "Record a referral to the ICANN Ombudsman, or its outcome", "OmbudsmanRequest", bindActor[arbitration.OmbudsmanInput, store.Case](func(in *arbitration.OmbudsmanInput, a workflows.Actor) { in.Actor = a })),
		{method: http.MethodGet, path: "/api/v1/public/rulings", access: public, handler: s.publicRulings,
			tag: "public", summary: "Every recorded ruling, with its hash in the audit chain", response: "[]PublicRuling"},
	}
}

// checkContest refuses an arbitration contesting an election unless its
// result is certified and the contest window is open.
func (s *Server) checkContest(c echo.Context, ref *workflows.AppealRef) error {
	if ref == nil || ref.Kind != workflows.AppealKindElection {
		return nil
	}
	if _, err := s.store.GetCase(c.Request().Context(), electionProcess, ref.ID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return invalid(map[string]string{"appeal_of.id": "no such election"})
		}
		return err
	}
	var st election.State
	if err := s.query(c, election.WorkflowID(ref.ID), election.Query, &st); err != nil {
		return err
	}
	switch {
	case st.CertifiedAt == nil:
		return conflict("only a certified result can be contested")
	case st.ContestUntil == nil || !store.Now().Before(*st.ContestUntil):
		return conflict("the window to contest this result has closed")
	}
	return nil
}
