package election_test

import (
	"context"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/election"
	"github.com/lacralo/ralo/workflows/processtest"
)

// continuedHistories are the recorded runs of a cycle that continued as
// new: its first run (which ends by continuing as new) and its last (which
// starts from the carried state and completes).
var continuedHistories = []string{"testdata/election_continued_first.json", "testdata/election_continued_last.json"}

// TestRecordContinuedHistory runs a cycle with a history bound of 120
// events on a real embedded server: four ALSes cast and replace their
// ballots up to the budget (one replacement past it refused), so that the
// cycle continues as new several times during the vote; queries and
// updates go by workflow ID across the runs, the results count every
// ALS's last acknowledged ballot, and the first and last runs' histories
// are written for TestReplayContinued.
//
//	RALO_RECORD_HISTORIES=1 go test -run TestRecordContinuedHistory ./workflows/election/
func TestRecordContinuedHistory(t *testing.T) {
	ctx, c := processtest.StartRecording(t, 3*time.Minute, func(w worker.Worker) {
		w.RegisterWorkflowWithOptions(election.Election, workflow.RegisterOptions{Name: election.WorkflowName})
		w.RegisterActivityWithOptions(processtest.FreezeRoll, activity.RegisterOptions{Name: workflows.ActivityFreezeElectionRoll})
		w.RegisterActivityWithOptions(func(_ context.Context, in election.RecheckEligibilityInput) ([]election.EligibilityChange, error) {
			return []election.EligibilityChange{}, nil
		}, activity.RegisterOptions{Name: election.ActivityRecheckEligibility})
		w.RegisterActivityWithOptions(func(context.Context, workflows.BallotParticipationInput) error { return nil },
			activity.RegisterOptions{Name: workflows.ActivityRecordBallotParticipation})
		w.RegisterActivityWithOptions(func(context.Context, election.AssignElectedInput) error { return nil },
			activity.RegisterOptions{Name: election.ActivityAssignElected})
	})

	now := time.Now().UTC()
	in := input("can-1")
	in.Seats = in.Seats[1:]
	in.CreatedAt = now
	in.HistoryBound = 120
	in.Rules.MaxBallotChanges = 5
	in.Calendar = election.Calendar{
		NominationsClose: now.Add(3 * time.Second), AcceptanceClose: now.Add(3 * time.Second),
		ObjectionsClose: now.Add(4 * time.Second), VotingOpen: now.Add(4 * time.Second), VotingClose: now.Add(20 * time.Second),
	}
	id := election.WorkflowID(in.ElectionID)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL}, election.WorkflowName, in)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	first := run.GetRunID() // Get follows the runs and moves it
	r := &processtest.Recorder{T: t, Ctx: ctx, C: c, ID: id}
	eligible := election.Eligibility{Eligible: true}
	r.Update(election.UpdateNominate, election.NominateInput{Actor: ana, Seat: "secretariat", NomineeID: carla.MemberID, Statement: "s"})
	r.Update(election.UpdateAccept, election.AcceptInput{Actor: carla, NominationID: "n1", StatementOfInterest: "soi", Eligibility: eligible})
	r.Update(election.UpdateNominate, election.NominateInput{Actor: ana, Seat: "secretariat", NomineeID: ana.MemberID, Statement: "s"})
	r.Update(election.UpdateAccept, election.AcceptInput{Actor: ana, NominationID: "n2", StatementOfInterest: "soi", Eligibility: eligible})
	waitStatus(r, election.StatusVoting)

	last := map[string]string{}
	for i := range 6 {
		for j, als := range processtest.Roll {
			choice := carla.MemberID
			if (i+j)%3 == 0 {
				choice = ana.MemberID
			}
			r.Update(election.UpdateBallot, election.BallotInput{Actor: rep, Seat: "secretariat", ALSID: als.ALSID, CastByALSID: als.ALSID, Choice: choice})
			last[als.ALSID] = choice
		}
	}
	r.Refuse(election.UpdateBallot, election.BallotInput{Actor: rep, Seat: "secretariat", ALSID: "als-a1", CastByALSID: "als-a1", Choice: ana.MemberID},
		workflows.ErrInvalidState)
	waitStatus(r, election.StatusClosed)
	var res election.Results
	r.Query(election.QueryResults, &res)
	r.Update(election.UpdateCertify, election.CertifyInput{Actor: staff})
	var final election.State
	if err := run.Get(ctx, &final); err != nil {
		t.Fatalf("result: %v", err)
	}
	if len(res.Seats) != 1 || len(res.Seats[0].Ballots) != len(last) {
		t.Fatalf("results %+v", res)
	}
	for _, b := range res.Seats[0].Ballots {
		if last[b.ALSID] != b.Choice {
			t.Errorf("ALS %s counted %s, its last acknowledged ballot chose %s", b.ALSID, b.Choice, last[b.ALSID])
		}
	}
	if final.Status != election.StatusCertified {
		t.Fatalf("final %q", final.Status)
	}

	runs := processtest.RunChain(t, ctx, c, id, first)
	if len(runs) < 3 {
		t.Fatalf("the cycle ran %d runs, want it to continue as new at least twice", len(runs))
	}
	processtest.WriteRunHistory(t, ctx, c, id, runs[0], continuedHistories[0])
	processtest.WriteRunHistory(t, ctx, c, id, runs[len(runs)-1], continuedHistories[1])
}

// TestReplayContinued replays the first and the last run of a cycle that
// continued as new.
func TestReplayContinued(t *testing.T) {
	processtest.Replay(t, func(r worker.WorkflowReplayer) {
		r.RegisterWorkflowWithOptions(election.Election, workflow.RegisterOptions{Name: election.WorkflowName})
	}, continuedHistories...)
}
