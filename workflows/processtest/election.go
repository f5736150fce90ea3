package processtest

import (
	"context"
	"slices"
	"sync"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"github.com/lacralo/ralo/workflows"
)

// FreezeRoll is the roll activity of the tests: Roll, with the proxies
// the process recorded (the ALS giving its vote names the holder).
func FreezeRoll(_ context.Context, in workflows.FreezeRollInput) (workflows.FreezeRollResult, error) {
	res := workflows.FreezeRollResult{}
	for _, e := range Roll {
		for _, p := range in.Proxies {
			if p.FromALSID == e.ALSID {
				holder := p.ToALSID
				e.ProxyFor = &holder
			}
		}
		res.Entries = append(res.Entries, e)
	}
	return res, nil
}

// Votes fakes the activities of a vote (workflows/voting.go) for a
// Harness: the roll is FreezeRoll's, and the ballots counted for
// participation are kept. Its methods are named as the activities, as the
// worker registers them, so that Mock can mock them on an environment
// whose other activities are already mocked (a name registered after a
// mock would panic).
type Votes struct {
	mu      sync.Mutex
	ballots []workflows.BallotReceipt
}

// FreezeElectionRoll is workflows.ActivityFreezeElectionRoll.
func (v *Votes) FreezeElectionRoll(ctx context.Context, in workflows.FreezeRollInput) (workflows.FreezeRollResult, error) {
	return FreezeRoll(ctx, in)
}

// RecordBallotParticipation is workflows.ActivityRecordBallotParticipation.
func (v *Votes) RecordBallotParticipation(_ context.Context, in workflows.BallotParticipationInput) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.ballots = append(v.ballots, in.Ballots...)
	return nil
}

// Ballots are the ballots counted for participation so far.
func (v *Votes) Ballots() []workflows.BallotReceipt {
	v.mu.Lock()
	defer v.mu.Unlock()
	return slices.Clone(v.ballots)
}

// Mock mocks both activities on env with v's methods.
func (v *Votes) Mock(env *testsuite.TestWorkflowEnvironment) {
	MockWith(env, v.FreezeElectionRoll)
	MockWith(env, v.RecordBallotParticipation)
}

// MockWith mocks the activity named as the method fn (with two
// arguments: context and input) to answer by calling fn.
func MockWith(env *testsuite.TestWorkflowEnvironment, fn any) {
	env.OnActivity(fn, mock.Anything, mock.Anything).Return(fn)
}
