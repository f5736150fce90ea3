package statement_test

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
	"github.com/lacralo/ralo/workflows/processtest"
	"github.com/lacralo/ralo/workflows/statement"
)

const statementHistory = "testdata/statement_complete.json"

// TestRecordStatementHistory runs a complete statement on a real embedded
// Temporal server, with periods of seconds, and writes its history to
// testdata/statement_complete.json: two language groups, a translation,
// the comment period with a thread and its resolutions, consolidation,
// an objection, a ratification vote with a revote, the submission.
//
//	RALO_RECORD_HISTORIES=1 go test -run TestRecordStatementHistory ./workflows/
func TestRecordStatementHistory(t *testing.T) {
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
	w.RegisterWorkflowWithOptions(statement.Statement, workflow.RegisterOptions{Name: statement.WorkflowName})
	w.RegisterWorkflow(workflows.Notify)
	processtest.RegisterFakeActivities(w)
	w.RegisterActivityWithOptions(func(context.Context, workflows.FreezeRollInput) (workflows.FreezeRollResult, error) {
		return workflows.FreezeRollResult{Entries: processtest.Roll}, nil
	}, activity.RegisterOptions{Name: workflows.ActivityFreezeElectionRoll})
	w.RegisterActivityWithOptions(func(context.Context, statement.ParticipationInput) error { return nil },
		activity.RegisterOptions{Name: workflows.ActivityRecordStatementParticipation})
	w.RegisterActivityWithOptions(func(context.Context, workflows.BallotParticipationInput) error { return nil },
		activity.RegisterOptions{Name: workflows.ActivityRecordBallotParticipation})
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	defer w.Stop()

	now := time.Now().UTC()
	in := stInput("rec-1")
	in.CreatedAt = now
	in.Proceeding.ClosesAt = now.Add(time.Hour)
	in.Rules.CommentPeriod, in.Rules.ObjectionWindow, in.Rules.VotePeriod = workflows.Duration(3*time.Second), workflows.Duration(2*time.Second), workflows.Duration(3*time.Second)
	in.Rules.RemindersBeforeClose = []workflows.Duration{workflows.Duration(30 * time.Minute)}
	id := statement.WorkflowID(in.StatementID)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL}, statement.WorkflowName, in)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	r := &processtest.Recorder{T: t, Ctx: ctx, C: c, ID: id}
	r.Update(statement.UpdatePenholders, statement.PenholdersInput{Actor: stPenEs, Language: "es", MemberIDs: []string{stPenEs.MemberID}})
	r.Update(statement.UpdatePenholders, statement.PenholdersInput{Actor: stStaff, Language: "en", MemberIDs: []string{stPenEn.MemberID}})
	r.Update(statement.UpdateDraft, statement.DraftInput{Actor: stPenEs, Language: "es", Text: "Borrador 1.\n", OpenComments: true})
	r.Update(statement.UpdateDraft, statement.DraftInput{Actor: stPenEn, Language: "en", Text: "Draft 1.\n",
		TranslationOf: &statement.TranslationRef{Language: "es", Version: 1}, OpenComments: true})
	r.Update(statement.UpdateComment, statement.CommentInput{Actor: stAna, Language: "es", Version: 1, Text: "Falta un punto."})
	r.Update(statement.UpdateComment, statement.CommentInput{Actor: stBeto, Language: "es", Version: 1, Text: "No estoy de acuerdo.", ReplyTo: "c1"})
	r.Refuse(statement.UpdateConsolidate, statement.ConsolidateInput{Actor: stPenEs, Texts: map[string]string{"es": "a", "en": "b"}}, workflows.ErrInvalidState)
	r.Update(statement.UpdateDraft, statement.DraftInput{Actor: stPenEs, Language: "es", Text: "Borrador 2.\n"})
	r.Update(statement.UpdateResolveComment, statement.ResolveCommentInput{Actor: stPenEs, CommentID: "c1", Status: statement.CommentIncorporated, Reply: "Añadido."})
	r.Update(statement.UpdateResolveComment, statement.ResolveCommentInput{Actor: stPenEs, CommentID: "c2", Status: statement.CommentNotAdopted, Reply: "Se mantiene."})
	waitStatement(t, ctx, c, id, statement.StatusConsolidation)
	r.Update(statement.UpdateConsolidate, statement.ConsolidateInput{Actor: stPenEs,
		Texts: map[string]string{"es": "Texto final.", "en": "Final text."}, DivergentViews: "Beto disagreed."})
	r.Update(statement.UpdateObject, statement.ObjectInput{Actor: stBeto, Reason: "I disagree."})
	waitStatement(t, ctx, c, id, statement.StatusVoting)
	ballot := func(als, vote string) {
		t.Helper()
		h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateName: statement.UpdateBallot,
			Args:         []any{statement.BallotInput{Actor: stRep, ALSID: als, CastByALSID: als, Vote: vote}},
			WaitForStage: client.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err != nil {
			t.Fatalf("ballot %s: %v", als, err)
		}
	}
	ballot("als-a1", "no")
	ballot("als-b1", "yes")
	ballot("als-c1", "yes")
	ballot("als-a1", "abstain")
	waitStatement(t, ctx, c, id, statement.StatusRatified)
	r.Update(statement.UpdateSubmit, statement.SubmitInput{Actor: stStaff, URL: "https://www.icann.org/s/rec", SubmittedAt: time.Now().UTC()})
	var final statement.State
	if err := run.Get(ctx, &final); err != nil {
		t.Fatalf("result: %v", err)
	}
	if final.Status != statement.StatusSubmitted || final.Ratifications[0].Result.Outcome != statement.RatificationRatified {
		t.Fatalf("final %q %+v", final.Status, final.Ratifications)
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
	if err := os.MkdirAll(filepath.Dir(statementHistory), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(statementHistory, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s: %d events", statementHistory, len(hist.Events))
}

// waitStatement polls the state until it reaches status.
func waitStatement(t *testing.T, ctx context.Context, c client.Client, id, status string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var st statement.State
	for time.Now().Before(deadline) {
		v, err := c.QueryWorkflow(ctx, id, "", statement.Query)
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

// TestStatementReplay replays the recorded history of a complete
// statement, so that a change that would break running statements fails
// the build.
func TestStatementReplay(t *testing.T) {
	r := worker.NewWorkflowReplayer()
	r.RegisterWorkflowWithOptions(statement.Statement, workflow.RegisterOptions{Name: statement.WorkflowName})
	r.RegisterWorkflow(workflows.Notify)
	if err := r.ReplayWorkflowHistoryFromJSONFile(nil, statementHistory); err != nil {
		t.Fatalf("replay: %v", err)
	}
}
