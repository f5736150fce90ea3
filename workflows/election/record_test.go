package election_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/lacralo/ralo/devserver"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/election"
	"github.com/lacralo/ralo/workflows/processtest"
)

// electionHistories are the recorded cycles the replay test replays: one
// started before version 2 of the workflow (emails, rechecks, extensions,
// contests, positions), one before audit entries were written in batches,
// and the newest, which the recorder writes.
var electionHistories = []string{"testdata/election_complete.json", "testdata/election_v2_complete.json", electionHistory}

const electionHistory = "testdata/election_v3_complete.json"

// TestRecordElectionHistory runs a complete election cycle on a real
// embedded Temporal server, with a calendar of seconds, and writes its
// history to testdata/election_v3_complete.json: a seat by acclamation, a
// seat by vote with a proxy and a revote, a refused ballot, a phase
// extended, eligibility rechecked, certification, a contest and its
// ruling, and the positions taken at the term start.
//
//	RALO_RECORD_HISTORIES=1 go test -run TestRecordElectionHistory ./workflows/
func TestRecordElectionHistory(t *testing.T) {
	if os.Getenv(processtest.RecordEnv) != "1" {
		t.Skip("set " + processtest.RecordEnv + "=1 to record workflow histories")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	srv, err := devserver.Start(ctx, devserver.Config{Ephemeral: true, Namespace: "ralo"})
	if err != nil {
		t.Fatalf("start devserver: %v", err)
	}
	defer func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("stop devserver: %v", err)
		}
	}()
	c, err := client.Dial(client.Options{HostPort: srv.HostPort(), Namespace: srv.Namespace(),
		Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()

	w := worker.New(c, workflows.TaskQueue, worker.Options{})
	w.RegisterWorkflowWithOptions(election.Election, workflow.RegisterOptions{Name: election.WorkflowName})
	w.RegisterWorkflow(workflows.Notify)
	processtest.RegisterFakeActivities(w)
	w.RegisterActivityWithOptions(func(_ context.Context, in workflows.FreezeRollInput) (workflows.FreezeRollResult, error) {
		res := workflows.FreezeRollResult{}
		for _, e := range processtest.Roll {
			for _, p := range in.Proxies {
				if p.FromALSID == e.ALSID {
					holder := p.ToALSID
					e.ProxyFor = &holder
				}
			}
			res.Entries = append(res.Entries, e)
		}
		return res, nil
	}, activity.RegisterOptions{Name: workflows.ActivityFreezeElectionRoll})
	w.RegisterActivityWithOptions(func(_ context.Context, in election.RecheckEligibilityInput) ([]election.EligibilityChange, error) {
		return []election.EligibilityChange{}, nil
	}, activity.RegisterOptions{Name: election.ActivityRecheckEligibility})
	w.RegisterActivityWithOptions(func(context.Context, workflows.BallotParticipationInput) error { return nil },
		activity.RegisterOptions{Name: workflows.ActivityRecordBallotParticipation})
	w.RegisterActivityWithOptions(func(context.Context, election.AssignElectedInput) error { return nil },
		activity.RegisterOptions{Name: election.ActivityAssignElected})
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	defer w.Stop()

	now := time.Now().UTC()
	in := elInput("rec-1")
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
	r.Update(election.UpdateNominate, election.NominateInput{Actor: elAna, Seat: "chair", NomineeID: elBeto.MemberID, Statement: "s"})
	r.Update(election.UpdateAccept, election.AcceptInput{Actor: elBeto, NominationID: "n1", StatementOfInterest: "soi", Eligibility: eligible})
	r.Update(election.UpdateNominate, election.NominateInput{Actor: elAna, Seat: "secretariat", NomineeID: elCarla.MemberID, Statement: "s"})
	r.Update(election.UpdateAccept, election.AcceptInput{Actor: elCarla, NominationID: "n2", StatementOfInterest: "soi", Eligibility: eligible})
	r.Update(election.UpdateNominate, election.NominateInput{Actor: elAna, Seat: "secretariat", NomineeID: elAna.MemberID, Statement: "s"})
	r.Update(election.UpdateAccept, election.AcceptInput{Actor: elAna, NominationID: "n3", StatementOfInterest: "soi", Eligibility: eligible})
	r.Update(election.UpdateSetEligibility, election.SetEligibilityInput{Actor: elStaff, NominationID: "n3", Eligible: true, Reasons: []string{}})
	r.Update(election.UpdateRegisterProxy, election.RegisterProxyInput{Actor: elStaff, FromALSID: "als-a2", ToALSID: "als-a1"})
	r.Update(election.UpdateRecheck, election.RecheckInput{Actor: elAna})
	r.Update(election.UpdateExtend, election.ExtendPhaseInput{Actor: elStaff, Phase: election.PhaseVoting,
		Until: in.Calendar.VotingClose.Add(time.Second), Reason: "a holiday"})
	send := func(als, by, choice string) {
		r.T.Helper()
		h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateName: election.UpdateBallot,
			Args:         []any{election.BallotInput{Actor: elRep, Seat: "secretariat", ALSID: als, CastByALSID: by, Choice: choice}},
			WaitForStage: client.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err != nil {
			t.Fatalf("ballot %s: %v", als, err)
		}
	}
	waitElection(t, ctx, c, id, election.StatusVoting)
	send("als-a1", "als-a1", elAna.MemberID)
	send("als-a2", "als-a1", elCarla.MemberID)
	send("als-b1", "als-b1", elCarla.MemberID)
	send("als-a1", "als-a1", elCarla.MemberID)
	r.Refuse(election.UpdateBallot, election.BallotInput{Actor: elRep, Seat: "secretariat", ALSID: "als-c1", CastByALSID: "als-b1", Choice: elAna.MemberID}, workflows.ErrForbidden)
	waitElection(t, ctx, c, id, election.StatusClosed)
	r.Update(election.UpdateCertify, election.CertifyInput{Actor: elStaff})
	r.Update(election.UpdateContest, election.ContestInput{Actor: elStaff, ArbitrationID: "arb-rec"})
	if err := c.SignalWorkflow(ctx, id, "", workflows.SignalAppealRuling, workflows.AppealRuling{
		ArbitrationID: "arb-rec", Outcome: workflows.RulingUphold, Articles: []string{"art. 12"}}); err != nil {
		t.Fatalf("signal ruling: %v", err)
	}
	var final election.State
	if err := run.Get(ctx, &final); err != nil {
		t.Fatalf("result: %v", err)
	}
	if final.Status != election.StatusCertified || final.Seats[1].Elected[0] != elCarla.MemberID || final.PositionsAssignedAt == nil ||
		len(final.Contests) != 1 || final.Contests[0].RuledAt == nil {
		t.Fatalf("final %q %+v", final.Status, final.Seats)
	}

	hist := &historypb.History{}
	iter := c.GetWorkflowHistory(ctx, id, run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatalf("history: %v", err)
		}
		hist.Events = append(hist.Events, ev)
	}
	data, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(hist)
	if err != nil {
		t.Fatalf("marshal history: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(electionHistory), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(electionHistory, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s: %d events", electionHistory, len(hist.Events))
}

// waitElection polls the state until it reaches status.
func waitElection(t *testing.T, ctx context.Context, c client.Client, id, status string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var st election.State
	for time.Now().Before(deadline) {
		v, err := c.QueryWorkflow(ctx, id, "", election.Query)
		if err != nil {
			t.Fatalf("query: %v", err)
		}
		if err := v.Get(&st); err != nil {
			t.Fatalf("decode: %v", err)
		}
		if st.Status == status {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("status %q never reached; last %q", status, st.Status)
}

// TestElectionReplay replays the recorded history of a complete cycle, so
// that a change that would break running elections fails the build.
func TestElectionReplay(t *testing.T) {
	r := worker.NewWorkflowReplayer()
	r.RegisterWorkflowWithOptions(election.Election, workflow.RegisterOptions{Name: election.WorkflowName})
	r.RegisterWorkflow(workflows.Notify)
	for _, f := range electionHistories {
		if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
			t.Fatalf("replay %s: %v", f, err)
		}
	}
}
