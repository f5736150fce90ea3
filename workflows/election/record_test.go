package election_test

import (
	"context"
	"slices"
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

// histories are the recorded cycles the replay test replays: one
// started before version 2 of the workflow (emails, rechecks, extensions,
// contests, positions), one before audit entries were written in batches,
// one before the results said each seat's outcome, one before the LACRALO
// succession version (election-lacralo-succession), and the two the
// recorders write now.
var histories = []string{"testdata/election_complete.json", "testdata/election_v2_complete.json",
	"testdata/election_v3_complete.json", "testdata/election_v4_complete.json", "testdata/election_v5_complete.json",
	history, historySuccession}

const (
	history           = "testdata/election_v6_complete.json"
	historySuccession = "testdata/election_v5_succession.json"
)

// TestRecordHistory runs a complete election cycle on a real
// embedded Temporal server, with a calendar of seconds, and writes its
// history to testdata/election_v6_complete.json (from version
// election-receipt-email: each ballot's receipt emailed): a seat by acclamation, a
// seat by vote with a proxy and a revote, a refused ballot, a phase
// extended, eligibility rechecked, certification, a contest and its
// ruling, and the positions taken at the term start.
//
//	RALO_RECORD_HISTORIES=1 go test -run TestRecordHistory ./workflows/election/
func TestRecordHistory(t *testing.T) {
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
		registerSuccessionFakes(w, nil)
	})

	now := time.Now().UTC()
	in := input("rec-1")
	in.CreatedAt = now
	in.Calendar = election.Calendar{
		NominationsClose: now.Add(3 * time.Second), AcceptanceClose: now.Add(3 * time.Second),
		ObjectionsClose: now.Add(4 * time.Second), VotingOpen: now.Add(4 * time.Second), VotingClose: now.Add(7 * time.Second),
	}
	termStart := now.Add(11 * time.Second)
	in.Calendar.TermStart = &termStart
	in.Rules.ContestWindow = workflows.Duration(3 * time.Second)
	id := election.WorkflowID(in.ElectionID)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL}, election.WorkflowName, in)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	r := &processtest.Recorder{T: t, Ctx: ctx, C: c, ID: id}
	eligible := election.Eligibility{Eligible: true}
	r.Update(election.UpdateNominate, election.NominateInput{Actor: ana, Seat: "chair", NomineeID: beto.MemberID, Statement: "s"})
	r.Update(election.UpdateAccept, election.AcceptInput{Actor: beto, NominationID: "n1", StatementOfInterest: "soi", Eligibility: eligible})
	r.Update(election.UpdateNominate, election.NominateInput{Actor: ana, Seat: "secretariat", NomineeID: carla.MemberID, Statement: "s"})
	r.Update(election.UpdateAccept, election.AcceptInput{Actor: carla, NominationID: "n2", StatementOfInterest: "soi", Eligibility: eligible})
	r.Update(election.UpdateNominate, election.NominateInput{Actor: ana, Seat: "secretariat", NomineeID: ana.MemberID, Statement: "s"})
	r.Update(election.UpdateAccept, election.AcceptInput{Actor: ana, NominationID: "n3", StatementOfInterest: "soi", Eligibility: eligible})
	r.Update(election.UpdateSetEligibility, election.SetEligibilityInput{Actor: staff, NominationID: "n3", Eligible: true, Reasons: []string{}})
	r.Update(election.UpdateRegisterProxy, election.RegisterProxyInput{Actor: staff, FromALSID: "als-a2", ToALSID: "als-a1"})
	r.Update(election.UpdateRecheck, election.RecheckInput{Actor: ana})
	r.Update(election.UpdateExtend, election.ExtendPhaseInput{Actor: staff, Phase: election.PhaseVoting,
		Until: in.Calendar.VotingClose.Add(time.Second), Reason: "a holiday"})
	send := func(als, by, choice string) {
		r.Update(election.UpdateBallot, election.BallotInput{Actor: rep, Seat: "secretariat", ALSID: als, CastByALSID: by, Choice: choice})
	}
	waitStatus(r, election.StatusVoting)
	send("als-a1", "als-a1", ana.MemberID)
	send("als-a2", "als-a1", carla.MemberID)
	send("als-b1", "als-b1", carla.MemberID)
	send("als-a1", "als-a1", carla.MemberID)
	r.Refuse(election.UpdateBallot, election.BallotInput{Actor: rep, Seat: "secretariat", ALSID: "als-c1", CastByALSID: "als-b1", Choice: ana.MemberID}, workflows.ErrForbidden)
	waitStatus(r, election.StatusClosed)
	r.Update(election.UpdateCertify, election.CertifyInput{Actor: staff})
	r.Update(election.UpdateContest, election.ContestInput{Actor: staff, ArbitrationID: "arb-rec"})
	if err := c.SignalWorkflow(ctx, id, "", workflows.SignalAppealRuling, workflows.AppealRuling{
		ArbitrationID: "arb-rec", Outcome: workflows.RulingUphold, Articles: []string{"art. 12"}}); err != nil {
		t.Fatalf("signal ruling: %v", err)
	}
	var final election.State
	if err := run.Get(ctx, &final); err != nil {
		t.Fatalf("result: %v", err)
	}
	if final.Status != election.StatusCertified || final.Seats[1].Elected[0] != carla.MemberID || final.PositionsAssignedAt == nil ||
		len(final.Contests) != 1 || final.Contests[0].RuledAt == nil {
		t.Fatalf("final %q %+v", final.Status, final.Seats)
	}

	processtest.WriteHistory(t, ctx, c, id, history)
}

// registerSuccessionFakes registers the activities of version
// election-lacralo-succession: a succession at succeedAt (nil: vacant, at
// once), a sitting ALAC member of nationality AR.
func registerSuccessionFakes(w worker.Worker, succeedAt *time.Time) {
	w.RegisterActivityWithOptions(func(_ context.Context, in election.PlanSuccessionInput) (election.PlanSuccessionResult, error) {
		if succeedAt == nil {
			return election.PlanSuccessionResult{At: in.From, Basis: "vacant", OK: true, Sitting: []string{}}, nil
		}
		return election.PlanSuccessionResult{At: *succeedAt, Basis: "sitting_term_end", OK: true, Sitting: []string{"m-oldchair"}}, nil
	}, activity.RegisterOptions{Name: election.ActivityPlanSuccession})
	w.RegisterActivityWithOptions(func(context.Context, election.SucceedInput) (election.SucceedResult, error) {
		return election.SucceedResult{Outgoing: []string{"m-oldchair"}}, nil
	}, activity.RegisterOptions{Name: election.ActivitySucceed})
	w.RegisterActivityWithOptions(func(context.Context, election.SittingHoldersInput) ([]election.Holder, error) {
		return []election.Holder{{MemberID: "m-sitting", ALSID: "als-x", Nationality: "AR"}}, nil
	}, activity.RegisterOptions{Name: election.ActivitySittingHolders})
}

// TestRecordSuccessionHistory records, on a real embedded Temporal server
// with a calendar of seconds, a cycle of the LACRALO rules version: a
// chair-elect acclaimed who takes office at the term start and succeeds
// when the sitting chair's term ends; an ALAC seat whose plurality leader
// shares the sitting member's nationality and is passed over; a NomCom
// seat recommended by ranked vote whose calendar misses its must_fill_by
// date (staff alerted).
//
//	RALO_RECORD_HISTORIES=1 go test -run TestRecordSuccessionHistory ./workflows/election/
func TestRecordSuccessionHistory(t *testing.T) {
	now := time.Now().UTC()
	succeedAt := now.Add(14 * time.Second)
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
		registerSuccessionFakes(w, &succeedAt)
	})
	fillBy := now.Add(6 * time.Second)
	in := input("rec-succession")
	in.CreatedAt = now
	in.Seats = []election.SeatSpec{elects[0], alac(1, election.MethodPlurality),
		{Seat: "nomcom_delegate", Position: "nomcom_delegate", Count: 1, Method: election.MethodRanked, Ballot: election.BallotOpen,
			Rotation: "none", Outcome: election.OutcomeRecommended, RecommendTo: "alac_chair", MustFillBy: &fillBy}}
	in.Calendar = election.Calendar{
		NominationsClose: now.Add(3 * time.Second), AcceptanceClose: now.Add(3 * time.Second),
		ObjectionsClose: now.Add(4 * time.Second), VotingOpen: now.Add(4 * time.Second), VotingClose: now.Add(7 * time.Second),
	}
	termStart := now.Add(10 * time.Second)
	in.Calendar.TermStart = &termStart
	id := election.WorkflowID(in.ElectionID)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL}, election.WorkflowName, in)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	r := &processtest.Recorder{T: t, Ctx: ctx, C: c, ID: id}
	stand := func(seat string, who workflows.Actor, nid, als, nation string) {
		r.Update(election.UpdateNominate, election.NominateInput{Actor: ana, Seat: seat, NomineeID: who.MemberID, Statement: "s"})
		r.Update(election.UpdateAccept, election.AcceptInput{Actor: who, NominationID: nid, StatementOfInterest: "soi",
			Eligibility: election.Eligibility{Eligible: true, ALSID: als, Nationality: nation}})
	}
	stand("chair_elect", beto, "n1", "als-b1", "BR")
	stand("alac_member", ana, "n2", "als-a1", "AR")
	stand("alac_member", carla, "n3", "als-c1", "CL")
	stand("nomcom_delegate", beto, "n4", "als-b1", "BR")
	stand("nomcom_delegate", carla, "n5", "als-c1", "CL")
	waitStatus(r, election.StatusVoting)
	for _, als := range []string{"als-a1", "als-a2", "als-b1"} {
		r.Update(election.UpdateBallot, election.BallotInput{Actor: rep, Seat: "alac_member", ALSID: als, CastByALSID: als, Choice: ana.MemberID})
		r.Update(election.UpdateBallot, election.BallotInput{Actor: rep, Seat: "nomcom_delegate", ALSID: als, CastByALSID: als,
			Ranking: []string{carla.MemberID, beto.MemberID}})
	}
	r.Update(election.UpdateBallot, election.BallotInput{Actor: rep, Seat: "alac_member", ALSID: "als-c1", CastByALSID: "als-c1", Choice: carla.MemberID})
	waitStatus(r, election.StatusClosed)
	r.Update(election.UpdateCertify, election.CertifyInput{Actor: staff})
	var final election.State
	if err := run.Get(ctx, &final); err != nil {
		t.Fatalf("result: %v", err)
	}
	if len(final.Successions) != 1 || final.Successions[0].Status != election.SuccessionDone ||
		!slices.Equal(final.Seats[1].Elected, []string{carla.MemberID}) || !slices.Equal(final.Seats[2].Elected, []string{carla.MemberID}) {
		t.Fatalf("final %+v %+v", final.Successions, final.Seats)
	}
	processtest.WriteHistory(t, ctx, c, id, historySuccession)
}

// waitStatus polls the cycle until it reaches status.
func waitStatus(r *processtest.Recorder, status string) {
	r.T.Helper()
	processtest.WaitFor(r, election.Query, func(st election.State) bool { return st.Status == status })
}

// TestReplay replays the recorded history of a complete cycle, so
// that a change that would break running elections fails the build.
func TestReplay(t *testing.T) {
	processtest.Replay(t, func(r worker.WorkflowReplayer) {
		r.RegisterWorkflowWithOptions(election.Election, workflow.RegisterOptions{Name: election.WorkflowName})
	}, histories...)
}
