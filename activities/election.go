package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/lacralo/ralo/eligibility"
	"github.com/lacralo/ralo/workflows/election"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
)

// FreezeElectionRoll reads the voting ALSes from the registry when an
// election's voting opens and checks the proxies staff recorded with
// domain.Electorate. A proxy the registry no longer allows (its giver or
// holder decertified since) is dropped and reported rather than failing
// the whole roll: the giver then votes itself. It only reads, so retries
// are harmless.
func (a *Activities) FreezeElectionRoll(ctx context.Context, in workflows.FreezeRollInput) (workflows.FreezeRollResult, error) {
	alses, err := a.Store.ListALS(ctx, store.ALSFilter{})
	if err != nil {
		return workflows.FreezeRollResult{}, err
	}
	voters := make([]domain.VoterALS, 0, len(alses))
	for _, x := range alses {
		standing, err := a.Store.VotingStatus(ctx, x.ID)
		if err != nil {
			return workflows.FreezeRollResult{}, err
		}
		voters = append(voters, domain.VoterALS{ID: x.ID, Country: x.Country, Status: x.Status,
			Inactive: !domain.VotingALS(standing)})
	}
	res := workflows.FreezeRollResult{Entries: []workflows.ElectionRollEntry{}, Dropped: []string{}}
	var kept []domain.Proxy
	for _, p := range in.Proxies {
		try := append(append([]domain.Proxy(nil), kept...), domain.Proxy{From: p.FromALSID, To: p.ToALSID})
		if _, err := domain.Electorate(voters, try); err != nil {
			var pe *domain.ProxyError
			if errors.As(err, &pe) {
				res.Dropped = append(res.Dropped, pe.Error())
				continue
			}
			return workflows.FreezeRollResult{}, err
		}
		kept = try
	}
	roll, err := domain.Electorate(voters, kept)
	if err != nil {
		return workflows.FreezeRollResult{}, err
	}
	for _, e := range roll.Entries {
		res.Entries = append(res.Entries, workflows.ElectionRollEntry{ALSID: e.ALSID, Country: e.Country, ProxyFor: e.ProxyFor})
	}
	return res, nil
}

// RecheckElectionEligibility recomputes the eligibility of every
// nomination of a seat still open, from the registry as it stands, and
// returns the changes. It only reads.
func (a *Activities) RecheckElectionEligibility(ctx context.Context, in election.RecheckEligibilityInput) ([]election.EligibilityChange, error) {
	if a.Policy == nil {
		return nil, temporal.NewNonRetryableApplicationError("the worker has no policy", "NoPolicy", nil)
	}
	return eligibility.Checker{Store: a.Store, Policy: a.Policy}.Recheck(ctx, in.State, time.Now().UTC())
}

// RecordBallotParticipation counts each counted ballot once for its ALS's
// participation indicators; the receipt is the key, so retries add
// nothing.
func (a *Activities) RecordBallotParticipation(ctx context.Context, in workflows.BallotParticipationInput) error {
	for _, b := range in.Ballots {
		if err := a.Store.RecordParticipation(ctx, b.ALSID, domain.ActivityBallot, b.At, "ballot/"+in.ElectionID+"/"+b.Receipt); err != nil {
			return err
		}
	}
	return nil
}

// AssignElected gives the elected of each seat its position from the term
// start; the policy's count of the position decides whose term ends.
func (a *Activities) AssignElected(ctx context.Context, in election.AssignElectedInput) error {
	for _, s := range in.Seats {
		capacity := 0
		if a.Policy != nil {
			for _, def := range a.Policy.Election.Seats {
				if def.Position == s.Position && def.Count > capacity {
					capacity = def.Count
				}
			}
		}
		if _, err := a.Store.AssignElected(ctx, store.ElectedInput{ElectionID: in.ElectionID, Seat: s.Seat, Position: s.Position,
			Elected: s.Elected, TermStart: in.TermStart, TermEnd: s.TermEnd, Capacity: capacity}); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return temporal.NewNonRetryableApplicationError(fmt.Sprintf("seat %s: an elected member no longer exists", s.Seat), "NotFound", err)
			}
			return err
		}
	}
	return nil
}

// PlanSuccession finds when the elect of a seat takes the position they
// succeed to: when the terms of its sitting holders (at the elect's term
// start, the elect excepted) end, by domain.SuccessionAt. It only reads.
func (a *Activities) PlanSuccession(ctx context.Context, in election.PlanSuccessionInput) (election.PlanSuccessionResult, error) {
	positions, err := a.Store.ListPositions(ctx, in.From)
	if err != nil {
		return election.PlanSuccessionResult{}, err
	}
	res := election.PlanSuccessionResult{Sitting: []string{}}
	var ends []*time.Time
	for _, p := range positions {
		if p.Position != in.Position || p.HolderID == nil {
			continue
		}
		ends = append(ends, p.TermEnd)
		res.Sitting = append(res.Sitting, *p.HolderID)
	}
	res.At, res.Basis, res.OK = domain.SuccessionAt(in.From, ends, in.ElectTermEnd)
	return res, nil
}

// Succeed carries out an elect's succession in the registry (positions
// and their audit entries); the policy's term of the new position was
// copied into the cycle. It is idempotent.
func (a *Activities) Succeed(ctx context.Context, in election.SucceedInput) (election.SucceedResult, error) {
	var end *time.Time
	if in.Term > 0 {
		t := in.At.Add(in.Term.D())
		end = &t
	}
	outgoing, skipped, err := a.Store.Succeed(ctx, store.SuccessionInput{ElectionID: in.ElectionID, Seat: in.Seat, MemberID: in.MemberID,
		From: in.From, To: in.To, At: in.At, TermEnd: end})
	if errors.Is(err, store.ErrNotFound) {
		return election.SucceedResult{}, temporal.NewNonRetryableApplicationError("the elect no longer exists", "NotFound", err)
	}
	if outgoing == nil {
		outgoing = []string{}
	}
	return election.SucceedResult{Outgoing: outgoing, Skipped: skipped}, err
}

// SittingHolders reads the sitting holders a distinct seat's candidates
// must differ from, as the registry stands. It only reads.
func (a *Activities) SittingHolders(ctx context.Context, in election.SittingHoldersInput) ([]election.Holder, error) {
	if a.Policy == nil {
		return nil, temporal.NewNonRetryableApplicationError("the worker has no policy", "NoPolicy", nil)
	}
	return eligibility.Checker{Store: a.Store, Policy: a.Policy}.Sitting(ctx, in.State, in.Seat, time.Now().UTC())
}
