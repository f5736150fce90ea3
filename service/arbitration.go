package service

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/policy"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/arbitration"
	"github.com/lacralo/ralo/workflows/election"
)

// ArbitrationProcess is the process name of arbitration cases in the
// cases index and the audit log.
const ArbitrationProcess = "arbitration"

// electionProcess is the process name of elections in the cases index.
const electionProcess = "election"

// ArbitrationRequest files an arbitration case. Parties are member or ALS
// IDs; appeal_of names an ethics case or an election under appeal.
type ArbitrationRequest struct {
	Question string               `json:"question"`
	Articles []string             `json:"articles"`
	Parties  []string             `json:"parties"`
	AppealOf *workflows.AppealRef `json:"appeal_of"`
}

// Arbitration is a case as the transports show it: the live state with
// the case ID under "id".
type Arbitration struct {
	ID string `json:"id"`
	arbitration.State
}

// ArbitrationSubmission is one party submission, numbered from 1 in the
// order the case received them.
type ArbitrationSubmission struct {
	Number int `json:"number"`
	arbitration.Submission
}

// SubmissionResult is the case after a submission, with the submission.
type SubmissionResult struct {
	Arbitration
	Submission ArbitrationSubmission `json:"submission"`
}

// PublicRuling is a recorded ruling as anyone may read it, with the place
// of its entry in the audit chain.
type PublicRuling struct {
	CaseID    string          `json:"case_id"`
	At        time.Time       `json:"at"`
	AuditSeq  int64           `json:"audit_seq"`
	AuditHash string          `json:"audit_hash"`
	Ruling    json.RawMessage `json:"ruling"`
}

// Requests of the transitions of a case. The actor is never part of a
// request: it is who calls.
type (
	// AssignRequest names the arbitrator to assign (staff).
	AssignRequest struct {
		ArbitratorID string `json:"arbitrator_id"`
	}
	// ChallengeRequest is a party's challenge of the arbitrator.
	ChallengeRequest struct {
		Reason string `json:"reason"`
	}
	// ChallengeDecisionRequest sustains or rejects the pending challenge.
	ChallengeDecisionRequest struct {
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
	}
	// SubmissionRequest is a party's submission.
	SubmissionRequest struct {
		Text  string   `json:"text"`
		Links []string `json:"links"`
	}
	// HearingRequest schedules the hearing. StartsAt is RFC 3339;
	// Duration is a duration ("2h", "90m") or, as older clients send it, a
	// number of minutes; absent, the hearing lasts an hour. Both are read
	// here so that a bad form is refused naming the field.
	HearingRequest struct {
		StartsAt json.RawMessage `json:"starts_at"`
		Duration json.RawMessage `json:"duration"`
		Location string          `json:"location"`
	}
	// ExtendRequest extends the ruling deadline by whole days, once.
	ExtendRequest struct {
		Days   int    `json:"days"`
		Reason string `json:"reason"`
	}
	// RulingRequest records the ruling.
	RulingRequest struct {
		Outcome  string   `json:"outcome"`
		Text     string   `json:"text"`
		Articles []string `json:"articles"`
	}
	// OmbudsmanRequest records a referral to the ICANN Ombudsman (its
	// date, RFC 3339) or, later, the Ombudsman's outcome.
	OmbudsmanRequest struct {
		ReferredAt json.RawMessage `json:"referred_at"`
		Outcome    string          `json:"outcome"`
	}
)

// Codes of the arbitration's refusals that the service makes itself
// (the workflow names its own): the pages' "refusal.<code>" messages, and
// "field.<code>" for a field's.
const (
	CodeArbitrationAssignStaffOnly    = "arbitration.assign_staff_only"    // the workflow's code for the same refusal
	CodeArbitrationAppealPartyOnly    = "arbitration.appeal_party_only"    // an ethics decision is appealed by its parties
	CodeArbitrationContestPartyOnly   = "arbitration.contest_party_only"   // an election result is contested by its parties
	CodeArbitrationContestUncertified = "arbitration.contest_uncertified"  // only a certified result can be contested
	CodeArbitrationContestClosed      = "arbitration.contest_closed"       // the contest window has closed
	CodeArbitrationPartiesRequired    = "arbitration.parties_required"     // field: no party named
	CodeArbitrationUnknownParty       = "arbitration.unknown_party"        // field: a party that is no member or ALS
	CodeArbitrationAppealKind         = "arbitration.appeal_kind"          // field: neither ethics nor election
	CodeArbitrationNoEthicsCase       = "arbitration.no_ethics_case"       // field: the case under appeal is unknown
	CodeArbitrationNoElection         = "arbitration.no_election"          // field: the election contested is unknown
	CodeArbitrationNotOnRoster        = "arbitration.not_on_roster"        // field: not an arbitrator of the roster
	CodeArbitrationConflict           = "arbitration.arbitrator_conflict"  // field: the conflict check refuses them
	CodeArbitrationStartsAt           = "arbitration.hearing_starts_at"    // field: the hearing's start is unreadable
	CodeArbitrationDuration           = "arbitration.hearing_length"       // field: the hearing's length is unreadable
	CodeArbitrationReferredAt         = "arbitration.referral_date_format" // field: the referral's date is unreadable
)

// FileArbitration opens a case: the parties are resolved to members or
// ALSes (an ALS acts through its representatives), the filer becomes a
// party unless they act for one, and a contested election must be
// certified with its contest window open. The case itself records the
// contest on the election (workflows.ActivityRecordContest), durably,
// as it starts.
func (s *Service) FileArbitration(ctx context.Context, a *Actor, req ArbitrationRequest) (Arbitration, error) {
	fields, codes := map[string]string{}, map[string]string{}
	if strings.TrimSpace(req.Question) == "" {
		fields["question"], codes["question"] = "is required", "required"
	}
	if len(req.Parties) == 0 {
		fields["parties"], codes["parties"] = "at least one party is required", CodeArbitrationPartiesRequired
	}
	parties, reps, err := s.resolveParties(ctx, req.Parties, fields, codes)
	if err != nil {
		return Arbitration{}, err
	}
	if ref := req.AppealOf; ref != nil {
		if ref.Kind != workflows.AppealKindEthics && ref.Kind != workflows.AppealKindElection {
			fields["appeal_of.kind"], codes["appeal_of.kind"] = "must be ethics or election", CodeArbitrationAppealKind
		}
		if strings.TrimSpace(ref.ID) == "" {
			fields["appeal_of.id"], codes["appeal_of.id"] = "is required", "required"
		}
	}
	if len(fields) > 0 {
		return Arbitration{}, InvalidCoded(fields, codes)
	}
	// The filer is a party unless they act for an ALS party.
	filerIsParty := false
	for _, id := range reps {
		filerIsParty = filerIsParty || id == a.ID
	}
	for _, x := range parties {
		filerIsParty = filerIsParty || x.ID == a.ID
	}
	if !filerIsParty {
		parties = append(parties, arbitration.Party{Kind: arbitration.PartyMember, ID: a.ID})
	}
	partyIDs := append([]string{a.ID}, reps...)
	for _, x := range parties {
		partyIDs = append(partyIDs, x.ID)
	}
	staff, err := s.staffIDs(ctx, partyIDs...)
	if err != nil {
		return Arbitration{}, err
	}
	in := arbitration.Input{
		CaseID: store.NewID("arb"), Question: strings.TrimSpace(req.Question), Articles: req.Articles,
		Parties: parties, NotifyMemberIDs: reps, FiledBy: a.ID, AppealOf: req.AppealOf,
		Periods: arbitration.PeriodsFrom(s.policy.Arbitration), StaffIDs: staff, FiledAt: store.Now(), HistoryBound: s.policy.Budgets.HistoryEvents,
	}
	if err := in.Validate(); err != nil {
		return Arbitration{}, AsError(err)
	}
	if ref := in.AppealOf; ref != nil && ref.Kind == workflows.AppealKindEthics {
		return s.appealThroughCase(ctx, a, in)
	}
	if err := s.checkContest(ctx, a, in.AppealOf); err != nil {
		return Arbitration{}, err
	}
	members := append([]string{a.ID}, reps...)
	for _, x := range parties {
		if x.Kind == arbitration.PartyMember {
			members = append(members, x.ID)
		}
	}
	if err := s.store.SaveCase(ctx, store.Case{ID: in.CaseID, Process: ArbitrationProcess, Status: arbitration.StatusFiled,
		Title: in.Question, CreatedBy: a.ID, Members: store.StringList(members), Parties: store.StringList(members)}); err != nil {
		return Arbitration{}, err
	}
	if _, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: arbitration.WorkflowID(in.CaseID), TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, arbitration.WorkflowName, in); err != nil {
		return Arbitration{}, err
	}
	return Arbitration{ID: in.CaseID, State: arbitration.State{
		CaseID: in.CaseID, Status: arbitration.StatusFiled, Question: in.Question, Articles: in.Articles,
		Parties: in.Parties, FiledBy: in.FiledBy, FiledAt: in.FiledAt, AppealOf: in.AppealOf,
		Challenges: []arbitration.Challenge{}, Submissions: []arbitration.Submission{}, Deadlines: []workflows.Deadline{},
	}}, nil
}

// resolveParties turns party IDs into members or ALSes, and finds the
// members who act for each ALS party (its representatives). An unknown
// ID is written into fields, with its code in codes.
func (s *Service) resolveParties(ctx context.Context, ids []string, fields, codes map[string]string) ([]arbitration.Party, []string, error) {
	var parties []arbitration.Party
	var reps []string
	for i, id := range ids {
		if _, err := s.store.GetMember(ctx, id); err == nil {
			parties = append(parties, arbitration.Party{Kind: arbitration.PartyMember, ID: id})
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, nil, err
		}
		if _, err := s.store.GetALS(ctx, id); err == nil {
			parties = append(parties, arbitration.Party{Kind: arbitration.PartyALS, ID: id})
			ms, err := s.store.ListMembers(ctx, store.MemberFilter{ALSID: id, Role: store.RoleALSRep, Limit: 1000})
			if err != nil {
				return nil, nil, err
			}
			for _, m := range ms {
				reps = append(reps, m.ID)
			}
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, nil, err
		}
		f := "parties[" + strconv.Itoa(i) + "]"
		fields[f], codes[f] = "no member or ALS with this ID", CodeArbitrationUnknownParty
	}
	return parties, reps, nil
}

// appealThroughCase files an appeal of an ethics decision named by
// appeal_of: only a party of that case may (SPEC "An appeal names a case
// its filer is a party to"), within its appeal window, and the appeal is
// made on the case itself, which opens the one arbitration linked to it
// (workflows.AppealArbitrationID), the only one whose ruling it accepts.
// Anyone else is told the case does not exist, as a read would.
func (s *Service) appealThroughCase(ctx context.Context, a *Actor, in arbitration.Input) (Arbitration, error) {
	caseID := in.AppealOf.ID
	st, err := s.complaint(ctx, a, caseID)
	var se *Error
	if errors.Is(err, store.ErrNotFound) || (errors.As(err, &se) && se.Kind == KindNotFound) {
		return Arbitration{}, InvalidCoded(map[string]string{"appeal_of.id": "no such ethics case"},
			map[string]string{"appeal_of.id": CodeArbitrationNoEthicsCase})
	}
	if err != nil {
		return Arbitration{}, err
	}
	if !st.IsParty(a.ID) {
		return Arbitration{}, Forbidden("only a party of the ethics case (complainant or respondent) can appeal its decision").
			Coded(CodeArbitrationAppealPartyOnly)
	}
	if _, err := s.AppealDecision(ctx, a, caseID, ComplaintReason{Reason: in.Question}); err != nil {
		return Arbitration{}, err
	}
	id := workflows.AppealArbitrationID(caseID)
	return Arbitration{ID: id, State: arbitration.State{
		CaseID: id, Status: arbitration.StatusFiled, Question: in.Question, Articles: in.Articles,
		Parties: []arbitration.Party{}, FiledBy: a.ID, FiledAt: in.FiledAt, AppealOf: in.AppealOf,
		Challenges: []arbitration.Challenge{}, Submissions: []arbitration.Submission{}, Deadlines: []workflows.Deadline{},
	}}, nil
}

// checkContest refuses an arbitration contesting an election unless its
// result is certified, the contest window is open and the filer is a
// party of the election: a candidate in it, or the representative of an
// ALS on its roll.
func (s *Service) checkContest(ctx context.Context, a *Actor, ref *workflows.AppealRef) error {
	if ref == nil || ref.Kind != workflows.AppealKindElection {
		return nil
	}
	if _, err := s.store.GetCase(ctx, electionProcess, ref.ID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return InvalidCoded(map[string]string{"appeal_of.id": "no such election"},
				map[string]string{"appeal_of.id": CodeArbitrationNoElection})
		}
		return err
	}
	var st election.State
	if err := s.query(ctx, election.WorkflowID(ref.ID), election.Query, &st); err != nil {
		return err
	}
	if !electionParty(a, st) {
		return Forbidden("only a candidate of the election or a representative of a voting ALS can contest its result").
			Coded(CodeArbitrationContestPartyOnly)
	}
	switch {
	case st.CertifiedAt == nil:
		return Conflict("only a certified result can be contested").Coded(CodeArbitrationContestUncertified)
	case st.ContestUntil == nil || !store.Now().Before(*st.ContestUntil):
		return Conflict("the window to contest this result has closed").Coded(CodeArbitrationContestClosed)
	}
	return nil
}

// electionParty says whether the actor is a party of an election: one of
// its candidates, or an als_rep of an ALS on its roll.
func electionParty(a *Actor, st election.State) bool {
	for _, n := range st.Nominations {
		if n.NomineeID == a.ID {
			return true
		}
	}
	if a.ALSID == nil || !a.Has(store.RoleALSRep) {
		return false
	}
	for _, r := range st.Roll {
		if r.ALSID == *a.ALSID {
			return true
		}
	}
	return false
}

// ListArbitrations lists the cases the actor may see: staff see all,
// anyone else the cases they are a party to or arbitrate.
func (s *Service) ListArbitrations(ctx context.Context, a *Actor, limit int) ([]store.Case, error) {
	return s.listCases(ctx, a, ArbitrationProcess, limit)
}

// GetArbitration reads a case, live, for an actor who may see it.
func (s *Service) GetArbitration(ctx context.Context, a *Actor, id string) (Arbitration, error) {
	cs, err := s.arbitrationCase(ctx, a, id)
	if err != nil {
		return Arbitration{}, err
	}
	var st arbitration.State
	if err := s.query(ctx, arbitration.WorkflowID(cs.ID), arbitration.Query, &st); err != nil {
		return Arbitration{}, err
	}
	return Arbitration{ID: cs.ID, State: st}, nil
}

// GetArbitrationSubmission reads one submission (numbered from 1) of a
// case the actor may see.
func (s *Service) GetArbitrationSubmission(ctx context.Context, a *Actor, id string, n int) (ArbitrationSubmission, error) {
	doc, err := s.GetArbitration(ctx, a, id)
	if err != nil {
		return ArbitrationSubmission{}, err
	}
	if n < 1 || n > len(doc.Submissions) {
		return ArbitrationSubmission{}, NotFound()
	}
	return ArbitrationSubmission{Number: n, Submission: doc.Submissions[n-1]}, nil
}

// arbitrationCase loads a case the actor may see: staff see every case;
// parties and the assigned arbitrator see theirs; anyone else is told it
// does not exist.
func (s *Service) arbitrationCase(ctx context.Context, a *Actor, id string) (store.Case, error) {
	cs, err := s.store.GetCase(ctx, ArbitrationProcess, id)
	if errors.Is(err, store.ErrNotFound) {
		return store.Case{}, NotFound()
	}
	if err != nil {
		return store.Case{}, err
	}
	if a.IsStaff() || cs.Members.Has(a.ID) {
		return cs, nil
	}
	// The index follows the workflow a moment later; an arbitrator just
	// assigned is recognised from the live state.
	if a.Has(store.RoleArbitrator) {
		var st arbitration.State
		if err := s.query(ctx, arbitration.WorkflowID(cs.ID), arbitration.Query, &st); err != nil {
			return store.Case{}, err
		}
		if st.ArbitratorID == a.ID {
			return cs, nil
		}
	}
	return store.Case{}, NotFound()
}

// arbitrationUpdate runs one transition on a case the actor may see; the
// workflow's validator decides the rest (forbidden, conflict, invalid).
// build gets the actor as the case sees them: a party acts only as a
// party, whatever their roles (Actor.AsParty).
func (s *Service) arbitrationUpdate(ctx context.Context, a *Actor, id, name string, build func(store.Case, *Actor) (any, error)) (Arbitration, error) {
	cs, err := s.arbitrationCase(ctx, a, id)
	if err != nil {
		return Arbitration{}, err
	}
	arg, err := build(cs, a.AsParty(cs.Parties.Has(a.ID)))
	if err != nil {
		return Arbitration{}, err
	}
	var st arbitration.State
	if err := s.update(ctx, arbitration.WorkflowID(cs.ID), name, arg, &st); err != nil {
		return Arbitration{}, err
	}
	return Arbitration{ID: cs.ID, State: st}, nil
}

// AssignArbitrator assigns an arbitrator from the roster (staff). The
// workflow cannot read the registry, so the conflicts with the parties
// are found here, and an arbitrator in conflict is refused with them.
func (s *Service) AssignArbitrator(ctx context.Context, a *Actor, id string, req AssignRequest) (Arbitration, error) {
	return s.arbitrationUpdate(ctx, a, id, arbitration.UpdateAssign, func(cs store.Case, a *Actor) (any, error) {
		// Staff only; checked before the roster so a party learns nothing.
		if !a.IsStaff() {
			return nil, Forbidden("only staff assign arbitrators").Coded(CodeArbitrationAssignStaffOnly)
		}
		arb, err := s.store.GetMember(ctx, req.ArbitratorID)
		if errors.Is(err, store.ErrNotFound) || err == nil && !arb.Roles.Has(store.RoleArbitrator) {
			return nil, InvalidCoded(map[string]string{"arbitrator_id": "not a member of the arbitrators' roster"},
				map[string]string{"arbitrator_id": CodeArbitrationNotOnRoster})
		}
		if err != nil {
			return nil, err
		}
		conflicts, err := s.arbitratorConflicts(ctx, cs, arb)
		if err != nil {
			return nil, err
		}
		if len(conflicts) > 0 {
			reasons := strings.Join(conflicts, "; ")
			return nil, &Error{Kind: KindInvalid, Detail: "the arbitrator has a conflict with the parties: " + reasons,
				Fields: map[string]string{"arbitrator_id": reasons}, FieldCodes: map[string]string{"arbitrator_id": CodeArbitrationConflict}}
		}
		return arbitration.AssignInput{Actor: a.Workflow(), ArbitratorID: arb.ID}, nil
	})
}

// arbitratorConflicts are the reasons arb may not hear the case, from the
// registry (the parties' ALSes) and arb's declarations of interest.
func (s *Service) arbitratorConflicts(ctx context.Context, cs store.Case, arb store.Member) ([]string, error) {
	var st arbitration.State
	if err := s.query(ctx, arbitration.WorkflowID(cs.ID), arbitration.Query, &st); err != nil {
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
	return domain.ArbitratorConflicts(me, parties, ds), nil
}

// ConfirmArbitrator is the assigned arbitrator declaring no conflict.
func (s *Service) ConfirmArbitrator(ctx context.Context, a *Actor, id string) (Arbitration, error) {
	return s.arbitrationUpdate(ctx, a, id, arbitration.UpdateConfirm, func(_ store.Case, a *Actor) (any, error) {
		return arbitration.ConfirmInput{Actor: a.Workflow()}, nil
	})
}

// ChallengeArbitrator is a party challenging the arbitrator for conflict.
func (s *Service) ChallengeArbitrator(ctx context.Context, a *Actor, id string, req ChallengeRequest) (Arbitration, error) {
	return s.arbitrationUpdate(ctx, a, id, arbitration.UpdateChallenge, func(_ store.Case, a *Actor) (any, error) {
		return arbitration.ChallengeInput{Actor: a.Workflow(), Reason: req.Reason}, nil
	})
}

// DecideChallenge is staff sustaining (the case is filed again for a new
// arbitrator) or rejecting the pending challenge.
func (s *Service) DecideChallenge(ctx context.Context, a *Actor, id string, req ChallengeDecisionRequest) (Arbitration, error) {
	return s.arbitrationUpdate(ctx, a, id, arbitration.UpdateDecideChallenge, func(_ store.Case, a *Actor) (any, error) {
		return arbitration.DecideChallengeInput{Actor: a.Workflow(), Decision: req.Decision, Reason: req.Reason}, nil
	})
}

// SubmitToArbitration is a party's submission; the result names it.
func (s *Service) SubmitToArbitration(ctx context.Context, a *Actor, id string, req SubmissionRequest) (SubmissionResult, error) {
	doc, err := s.arbitrationUpdate(ctx, a, id, arbitration.UpdateSubmit, func(_ store.Case, a *Actor) (any, error) {
		return arbitration.SubmitInput{Actor: a.Workflow(), Text: req.Text, Links: req.Links}, nil
	})
	if err != nil {
		return SubmissionResult{}, err
	}
	// The update answers with the state it produced: the submission is
	// the last one.
	n := len(doc.Submissions)
	if n == 0 {
		return SubmissionResult{}, errors.New("the accepted submission is missing from the case")
	}
	return SubmissionResult{Arbitration: doc, Submission: ArbitrationSubmission{Number: n, Submission: doc.Submissions[n-1]}}, nil
}

// ScheduleHearing schedules or reschedules the hearing (the arbitrator).
func (s *Service) ScheduleHearing(ctx context.Context, a *Actor, id string, req HearingRequest) (Arbitration, error) {
	return s.arbitrationUpdate(ctx, a, id, arbitration.UpdateHearing, func(_ store.Case, a *Actor) (any, error) {
		fields, codes := map[string]string{}, map[string]string{}
		starts, ok := readTime(req.StartsAt)
		if !ok {
			fields["starts_at"], codes["starts_at"] = "is required: a date and time in RFC 3339, such as 2027-05-01T15:00:00Z", CodeArbitrationStartsAt
		}
		d, ok := readHearingLength(req.Duration)
		if !ok {
			fields["duration"], codes["duration"] = `must be a positive duration such as "2h" or "90m"`, CodeArbitrationDuration
		}
		if len(fields) > 0 {
			return nil, InvalidCoded(fields, codes)
		}
		return arbitration.HearingInput{Actor: a.Workflow(), StartsAt: starts.UTC(), Duration: workflows.Duration(d), Location: req.Location}, nil
	})
}

// ExtendRuling extends the ruling deadline once (the arbitrator).
func (s *Service) ExtendRuling(ctx context.Context, a *Actor, id string, req ExtendRequest) (Arbitration, error) {
	return s.arbitrationUpdate(ctx, a, id, arbitration.UpdateExtend, func(_ store.Case, a *Actor) (any, error) {
		return arbitration.ExtendInput{Actor: a.Workflow(), Days: req.Days, Reason: req.Reason}, nil
	})
}

// RecordRuling records the binding ruling (the arbitrator); it is
// immutable and published.
func (s *Service) RecordRuling(ctx context.Context, a *Actor, id string, req RulingRequest) (Arbitration, error) {
	return s.arbitrationUpdate(ctx, a, id, arbitration.UpdateRuling, func(_ store.Case, a *Actor) (any, error) {
		return arbitration.RulingInput{Actor: a.Workflow(), Outcome: req.Outcome, Text: req.Text, Articles: req.Articles}, nil
	})
}

// ReferToOmbudsman records a party's referral to the ICANN Ombudsman, or
// the Ombudsman's outcome.
func (s *Service) ReferToOmbudsman(ctx context.Context, a *Actor, id string, req OmbudsmanRequest) (Arbitration, error) {
	return s.arbitrationUpdate(ctx, a, id, arbitration.UpdateOmbudsman, func(_ store.Case, a *Actor) (any, error) {
		var at time.Time
		if len(req.ReferredAt) > 0 && string(req.ReferredAt) != "null" {
			var ok bool
			if at, ok = readTime(req.ReferredAt); !ok {
				return nil, InvalidCoded(map[string]string{"referred_at": "must be a date and time in RFC 3339, such as 2027-05-01T15:00:00Z"},
					map[string]string{"referred_at": CodeArbitrationReferredAt})
			}
		}
		return arbitration.OmbudsmanInput{Actor: a.Workflow(), ReferredAt: at, Outcome: req.Outcome}, nil
	})
}

// PublicRulings lists every recorded ruling: outcome, articles, text and
// its hash, which is also in the audit chain. Anyone may read them.
func (s *Service) PublicRulings(ctx context.Context) ([]PublicRuling, error) {
	entries, err := s.store.ListAudit(ctx, store.AuditFilter{
		Process: ArbitrationProcess, Action: "arbitration.ruling", Audience: store.AudiencePublic, All: true, Limit: 1000})
	if err != nil {
		return nil, err
	}
	out := make([]PublicRuling, 0, len(entries))
	for _, e := range entries {
		out = append(out, PublicRuling{CaseID: e.ObjectID, At: e.At, AuditSeq: e.Seq, AuditHash: e.Hash, Ruling: e.DetailsJSON()})
	}
	return out, nil
}

// readTime reads an RFC 3339 time from a JSON string.
func readTime(raw json.RawMessage) (time.Time, bool) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}

// readHearingLength reads a hearing's length: a duration in the policy's
// notation ("2h", "90m", "1h30m") or a number of minutes; absent, an hour.
func readHearingLength(raw json.RawMessage) (time.Duration, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return time.Hour, true
	}
	var minutes float64
	if err := json.Unmarshal(raw, &minutes); err == nil {
		return time.Duration(minutes * float64(time.Minute)), minutes > 0
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, false
	}
	d, err := policy.ParseDuration(s)
	if err != nil || d.D() <= 0 {
		return 0, false
	}
	return d.D(), true
}
