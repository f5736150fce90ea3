package activities

import (
	"context"
	"errors"

	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows/statement"
)

// RecordStatementParticipation counts a comment or a draft for the ALS the
// member belongs to (SPEC §5 indicators); ratification ballots count
// through RecordBallotParticipation, as election ballots do. A member
// of no ALS (an observer) counts in the observers' line; one no longer in
// the registry counts for none. The act's
// reference makes a retry a no-op.
func (a *Activities) RecordStatementParticipation(ctx context.Context, in statement.ParticipationInput) error {
	m, err := a.Store.GetMember(ctx, in.MemberID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if m.ALSID == nil || *m.ALSID == "" {
		// An observer's comment or draft counts in the observers' line.
		return a.Store.RecordObserverParticipation(ctx, in.Kind, in.At, in.Ref)
	}
	return a.Store.RecordParticipation(ctx, *m.ALSID, in.Kind, in.At, in.Ref)
}
