package anchor_test

import (
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/lacralo/ralo/workflows/anchor"
)

type updateResult struct{ err error }

func (u *updateResult) Accept()             {}
func (u *updateResult) Reject(err error)    { u.err = err }
func (u *updateResult) Complete(any, error) {}

// TestAnchorKeepsCheckpointsAndRefusesGoingBack: checkpoints are kept in
// order, and one that does not move the head forward is refused.
func TestAnchorKeepsCheckpointsAndRefusesGoingBack(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	hash := strings.Repeat("a", 64)
	var back updateResult
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(anchor.UpdateCheckpoint, "1", &updateResult{}, anchor.Checkpoint{Seq: 10, Hash: hash})
		env.UpdateWorkflow(anchor.UpdateCheckpoint, "2", &updateResult{}, anchor.Checkpoint{Seq: 20, Hash: hash})
		env.UpdateWorkflow(anchor.UpdateCheckpoint, "3", &back, anchor.Checkpoint{Seq: 15, Hash: hash})
	}, time.Second)
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(anchor.QueryCheckpoints)
		if err != nil {
			t.Fatal(err)
		}
		var cps []anchor.Checkpoint
		if err := v.Get(&cps); err != nil || len(cps) != 2 || cps[1].Seq != 20 {
			t.Errorf("checkpoints %+v %v", cps, err)
		}
		env.CancelWorkflow()
	}, 2*time.Second)
	env.ExecuteWorkflow(anchor.Anchor, anchor.State{})
	if back.err == nil || !strings.Contains(back.err.Error(), "not ahead") {
		t.Fatalf("going back: %v", back.err)
	}
}
