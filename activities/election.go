package activities

import (
	"context"
	"errors"

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
		voters = append(voters, domain.VoterALS{ID: x.ID, Country: x.Country, Status: x.Status})
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
