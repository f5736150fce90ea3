package arbitration_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/arbitration"
	"github.com/lacralo/ralo/workflows/processtest"
)

// contestCalls mocks ActivityRecordContest: each call is kept, and answered
// with the next of errs (nil once they run out).
type contestCalls struct {
	mu    sync.Mutex
	calls []workflows.RecordContestInput
	errs  []error
}

func mockContest(h *harness, errs ...error) *contestCalls {
	c := &contestCalls{errs: errs}
	h.Env.OnActivity(workflows.ActivityRecordContest, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in workflows.RecordContestInput) error {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.calls = append(c.calls, in)
			if len(c.calls) <= len(c.errs) {
				return c.errs[len(c.calls)-1]
			}
			return nil
		})
	return c
}

// rule takes a case to its ruling: assigned, confirmed, heard at T0+6d,
// ruled two hours later with outcome.
func rule(h *harness, outcome string) {
	toHearing(h, 6*processtest.Day)
	h.OK(h.Update(6*processtest.Day+2*time.Hour, arbitration.UpdateRuling, arbitration.RulingInput{
		Actor: arbitrator, Outcome: outcome, Text: "The result stands.", Articles: []string{"12"},
	}))
}

// TestArbitrationRecordsContest checks that a case appealing an election
// records the contest on the election itself as soon as it starts, before
// anyone acts on the case: the activity runs with the election and the
// case, is retried after a failure until it succeeds, and its outcome is
// in the case's audit log. A contest the election refuses for good is
// tried once and audited with the election's reason; the case goes on to
// its ruling either way.
func TestArbitrationRecordsContest(t *testing.T) {
	const reason = "the election refused the contest: the window to contest this result has closed"
	refusal := temporal.NewNonRetryableApplicationError(reason, workflows.ErrContestRefused, nil)
	for _, tc := range []struct {
		name   string
		errs   []error
		calls  int
		action string
		error  string
	}{
		{"recorded at once", nil, 1, "arbitration.contest_recorded", ""},
		{"retried after failures", []error{errors.New("election busy"), errors.New("server unavailable")}, 3, "arbitration.contest_recorded", ""},
		{"refused for good", []error{refusal}, 1, "arbitration.contest_refused", reason},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			c := mockContest(h, tc.errs...)
			h.Env.OnSignalExternalWorkflow(mock.Anything, "election/EL-1", "", workflows.SignalAppealRuling, mock.Anything).Return(nil).Once()
			rule(h, workflows.RulingUphold)
			in := input("A-20")
			in.AppealOf = &workflows.AppealRef{Kind: workflows.AppealKindElection, ID: "EL-1"}

			final := run(h, in)

			if final.Status != arbitration.StatusRuled {
				t.Errorf("final status %q", final.Status)
			}
			want := workflows.RecordContestInput{ElectionID: "EL-1", ArbitrationID: "A-20"}
			if len(c.calls) != tc.calls {
				t.Fatalf("RecordContest ran %d times, want %d", len(c.calls), tc.calls)
			}
			for i, got := range c.calls {
				if got != want {
					t.Errorf("call %d: %+v, want %+v", i, got, want)
				}
			}
			entries := h.AuditOf(tc.action)
			if len(entries) != 1 {
				t.Fatalf("%s audited %d times; actions %v", tc.action, len(entries), h.AuditActions())
			}
			d, _ := entries[0].Details.(map[string]any)
			if d["election_id"] != "EL-1" || (tc.error == "") != (d["error"] == nil) || (tc.error != "" && d["error"] != tc.error) {
				t.Errorf("%s details %v", tc.action, d)
			}
			if e := entries[0]; e.Actor != "system" || e.IdemKey != "arbitration/A-20/contest" {
				t.Errorf("audit entry %+v", e)
			}
			// Recorded before the first act on the case (the assignment,
			// an hour after filing), retries included.
			actions := h.AuditActions()
			if i, j := slices.Index(actions, tc.action), slices.Index(actions, "arbitration.assigned"); i < 0 || j < 0 || i > j {
				t.Errorf("audit actions %v: the contest's outcome should precede the assignment", actions)
			}
		})
	}
}

// TestArbitrationNoContest checks that a case appealing no election, a
// question or an ethics decision, records no contest.
func TestArbitrationNoContest(t *testing.T) {
	for _, appeal := range []*workflows.AppealRef{nil, {Kind: workflows.AppealKindEthics, ID: "E-9"}} {
		h := newHarness(t)
		c := mockContest(h)
		h.Env.OnSignalExternalWorkflow(mock.Anything, mock.Anything, "", workflows.SignalAppealRuling, mock.Anything).Return(nil).Maybe()
		outcome := workflows.RulingUphold
		if appeal == nil {
			outcome = workflows.RulingDecided
		}
		rule(h, outcome)
		in := input("A-21")
		in.AppealOf = appeal

		final := run(h, in)

		if final.Status != arbitration.StatusRuled {
			t.Errorf("appeal of %+v: final status %q", appeal, final.Status)
		}
		if len(c.calls) != 0 {
			t.Errorf("appeal of %+v: RecordContest ran %d times, want never", appeal, len(c.calls))
		}
		for _, action := range h.AuditActions() {
			if action == "arbitration.contest_recorded" || action == "arbitration.contest_refused" {
				t.Errorf("appeal of %+v: audited %s", appeal, action)
			}
		}
	}
}

// TestArbitrationContestCarried checks that a run continued as new before
// the contest was settled records it again (the activity is idempotent),
// and that one continued after does not.
func TestArbitrationContestCarried(t *testing.T) {
	for _, settled := range []bool{false, true} {
		h := newHarness(t)
		c := mockContest(h)
		h.Env.OnSignalExternalWorkflow(mock.Anything, "election/EL-1", "", workflows.SignalAppealRuling, mock.Anything).Return(nil).Maybe()
		rule(h, workflows.RulingUphold)
		in := input("A-22")
		in.AppealOf = &workflows.AppealRef{Kind: workflows.AppealKindElection, ID: "EL-1"}
		in.Carried = &arbitration.Carried{
			State: arbitration.State{CaseID: in.CaseID, Status: arbitration.StatusFiled, Question: in.Question, Articles: in.Articles,
				Parties: in.Parties, FiledBy: in.FiledBy, FiledAt: t0, AppealOf: in.AppealOf},
			Runs: 1, ParticipantCaps: true, FlushBatch: true, RecordContest: true, ContestSettled: settled,
		}

		final := run(h, in)

		if final.Status != arbitration.StatusRuled {
			t.Errorf("settled %v: final status %q", settled, final.Status)
		}
		want := 1
		if settled {
			want = 0
		}
		if len(c.calls) != want {
			t.Errorf("settled %v: RecordContest ran %d times, want %d", settled, len(c.calls), want)
		}
	}
}
