package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/election"
)

// ElectionObjectionRequest objects, with a reason, to a seat being filled
// by acclamation.
type ElectionObjectionRequest struct {
	Seat   string `json:"seat"`
	Reason string `json:"reason"`
}

// ElectionProxyRequest records that an ALS votes through another.
type ElectionProxyRequest struct {
	FromALSID string `json:"from_als_id"`
	ToALSID   string `json:"to_als_id"`
}

// ElectionBallotRequest is an ALS's ballot, cast by one of its
// representatives or by a representative of the ALS holding its proxy.
type ElectionBallotRequest struct {
	Seat    string   `json:"seat"`
	ALSID   string   `json:"als_id"`
	Choice  string   `json:"choice"`
	Abstain bool     `json:"abstain"`
	Ranking []string `json:"ranking"`
}

// ElectionPhases are the phases ExtendElectionRequest.Phase names.
var ElectionPhases = []string{election.PhaseNominations, election.PhaseAcceptance, election.PhaseObjections, election.PhaseVoting}

// ExtendElectionRequest moves the end of a phase later, with a reason.
type ExtendElectionRequest struct {
	Phase  string    `json:"phase"`
	Until  time.Time `json:"until"`
	Reason string    `json:"reason"`

	// untilUnread says JSON gave until in a form that is not a date.
	untilUnread bool
}

// UnmarshalJSON reads the request; an until that is not a date becomes a
// field message rather than the parser's.
func (r *ExtendElectionRequest) UnmarshalJSON(b []byte) error {
	var raw struct {
		Phase  string          `json:"phase"`
		Until  json.RawMessage `json:"until"`
		Reason string          `json:"reason"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	*r = ExtendElectionRequest{Phase: raw.Phase, Reason: raw.Reason}
	if len(raw.Until) > 0 && string(raw.Until) != "null" {
		r.untilUnread = json.Unmarshal(raw.Until, &r.Until) != nil
	}
	return nil
}

// ObjectToAcclamation records a member's objection to a seat being filled
// by acclamation.
func (s *Service) ObjectToAcclamation(ctx context.Context, a *Actor, id string, req ElectionObjectionRequest) (Election, error) {
	if _, err := s.store.GetCase(ctx, ElectionProcess, id); err != nil {
		return Election{}, err
	}
	return s.electionUpdate(ctx, id, election.UpdateObject,
		election.ObjectInput{Actor: a.Workflow(), Seat: req.Seat, Reason: req.Reason})
}

// RegisterProxy records a proxy between two accredited ALSes before
// voting opens (staff).
func (s *Service) RegisterProxy(ctx context.Context, a *Actor, id string, req ElectionProxyRequest) (Election, error) {
	if !a.IsStaff() {
		return Election{}, Forbidden("only staff record proxies").Coded(CodeElectionStaffProxies)
	}
	if _, err := s.store.GetCase(ctx, ElectionProcess, id); err != nil {
		return Election{}, err
	}
	fields, codes := map[string]string{}, map[string]string{}
	for field, als := range map[string]string{"from_als_id": req.FromALSID, "to_als_id": req.ToALSID} {
		x, err := s.store.GetALS(ctx, als)
		switch {
		case errors.Is(err, store.ErrNotFound):
			fields[field], codes[field] = "no ALS with this ID", FieldElectionNoALS
		case err != nil:
			return Election{}, err
		case x.Status != store.ALSAccredited:
			fields[field], codes[field] = "the ALS is not accredited", FieldElectionALSNotAccred
		}
	}
	if len(fields) > 0 {
		return Election{}, InvalidCoded(fields, codes)
	}
	return s.electionUpdate(ctx, id, election.UpdateRegisterProxy,
		election.RegisterProxyInput{Actor: a.Workflow(), FromALSID: req.FromALSID, ToALSID: req.ToALSID})
}

// CastElectionBallot records an ALS's ballot. Who casts must be an ALS
// representative whose voting rights no ethics decision suspends. It does
// not read the cycle's state first: in the rush before a vote closes every
// read would queue behind the ballots; the workflow's validator checks the
// roll, the proxy, the seat and the candidates.
func (s *Service) CastElectionBallot(ctx context.Context, a *Actor, id string, req ElectionBallotRequest) (workflows.BallotReceipt, error) {
	if _, err := s.store.GetCase(ctx, ElectionProcess, id); err != nil {
		return workflows.BallotReceipt{}, err
	}
	if err := s.refuseObserver(ctx, a, "observers do not vote", CodeElectionObserverVotes); err != nil {
		return workflows.BallotReceipt{}, err
	}
	if !a.Has(store.RoleALSRep) {
		return workflows.BallotReceipt{}, Forbidden("only an ALS representative casts an ALS's ballot").Coded(CodeElectionRepOnly)
	}
	suspended, err := s.store.VotingSuspended(ctx, a.ID, store.Now())
	if err != nil {
		return workflows.BallotReceipt{}, err
	}
	if suspended {
		return workflows.BallotReceipt{}, Forbidden("your voting rights are suspended by an ethics decision").Coded(CodeElectionSuspended)
	}
	in := election.BallotInput{Actor: a.Workflow(), Seat: req.Seat, ALSID: req.ALSID, CastByALSID: *a.ALSID,
		Choice: req.Choice, Abstain: req.Abstain, Ranking: req.Ranking}
	var r workflows.BallotReceipt
	err = s.update(ctx, election.WorkflowID(id), election.UpdateBallot, in, &r)
	return r, err
}

// ElectionResults is the results document of a cycle whose voting has
// closed; before, a conflict (the workflow's results query refuses too,
// but a refused query reaches the client as a generic failure).
func (s *Service) ElectionResults(ctx context.Context, _ *Actor, id string) (election.Results, error) {
	st, err := s.electionState(ctx, id)
	if err != nil {
		return election.Results{}, err
	}
	if st.Status != election.StatusClosed && st.Status != election.StatusCertified {
		return election.Results{}, Conflict("the results are published when voting has closed").Coded(CodeElectionResultsNotYet)
	}
	var res election.Results
	err = s.query(ctx, election.WorkflowID(id), election.QueryResults, &res)
	return res, err
}

// PublicElectionResults publishes certified results to anyone; a cycle not
// yet certified is unknown to the public.
//
// Certified results are read from the workflow at most once every few
// seconds (publicResultsTTL) however many people read them; a cycle not
// yet certified is not kept, so it shows as certified as soon as it is.
func (s *Service) PublicElectionResults(ctx context.Context, id string) (election.Results, error) {
	res, err := s.results.get(ctx, id, func() (election.Results, error) {
		// Others may wait for this read: it outlives this caller's request.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		res, err := s.ElectionResults(ctx, nil, id)
		if e := AsError(err); err != nil && e.Kind == KindConflict || err == nil && res.Status != election.StatusCertified {
			return election.Results{}, NotFound()
		}
		return res, err
	})
	return res, err
}

// ExtendElection moves a phase's end later, with a reason; the later dates
// move by as much and no phase is shortened (staff).
func (s *Service) ExtendElection(ctx context.Context, a *Actor, id string, req ExtendElectionRequest) (Election, error) {
	if !a.IsStaff() {
		return Election{}, Forbidden("only staff extend a phase").Coded(CodeElectionStaffExtend)
	}
	if _, err := s.store.GetCase(ctx, ElectionProcess, id); err != nil {
		return Election{}, err
	}
	if req.untilUnread {
		return Election{}, InvalidCoded(map[string]string{"until": dateForm}, map[string]string{"until": FieldElectionDateForm})
	}
	return s.electionUpdate(ctx, id, election.UpdateExtend,
		election.ExtendPhaseInput{Actor: a.Workflow(), Phase: req.Phase, Until: req.Until, Reason: req.Reason})
}

// CertifyElection certifies the results (staff).
func (s *Service) CertifyElection(ctx context.Context, a *Actor, id string) (Election, error) {
	if !a.IsStaff() {
		return Election{}, Forbidden("only staff certify results").Coded(CodeElectionStaffCertify)
	}
	if _, err := s.store.GetCase(ctx, ElectionProcess, id); err != nil {
		return Election{}, err
	}
	return s.electionUpdate(ctx, id, election.UpdateCertify, election.CertifyInput{Actor: a.Workflow()})
}
