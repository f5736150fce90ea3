package statement_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/processtest"
	"github.com/lacralo/ralo/workflows/statement"
)

// continuedHistories are the first and the last run of a statement that
// continued as new.
var continuedHistories = []string{"testdata/statement_continued_first.json", "testdata/statement_continued_last.json"}

// TestRecordContinuedHistory runs a statement with a history bound of 80
// events on a real embedded server: two members write 20 comments each
// (their cap; the 21st is refused), so the statement continues as new
// during its comment period; the comments, their IDs and the draft texts
// are all there in the last run, which consolidates and completes; the
// first and last runs' histories are written for TestReplayContinued.
//
//	RALO_RECORD_HISTORIES=1 go test -run TestRecordContinuedHistory ./workflows/statement/
func TestRecordContinuedHistory(t *testing.T) {
	ctx, c := processtest.StartRecording(t, 3*time.Minute, func(w worker.Worker) {
		w.RegisterWorkflowWithOptions(statement.Statement, workflow.RegisterOptions{Name: statement.WorkflowName})
		w.RegisterActivityWithOptions(func(context.Context, workflows.FreezeRollInput) (workflows.FreezeRollResult, error) {
			return workflows.FreezeRollResult{Entries: processtest.Roll}, nil
		}, activity.RegisterOptions{Name: workflows.ActivityFreezeElectionRoll})
		w.RegisterActivityWithOptions(func(context.Context, statement.ParticipationInput) error { return nil },
			activity.RegisterOptions{Name: workflows.ActivityRecordStatementParticipation})
		w.RegisterActivityWithOptions(func(context.Context, workflows.BallotParticipationInput) error { return nil },
			activity.RegisterOptions{Name: workflows.ActivityRecordBallotParticipation})
	})

	now := time.Now().UTC()
	in := input("can-1")
	in.CreatedAt = now
	in.HistoryBound = 80
	in.Proceeding.ClosesAt = now.Add(time.Hour)
	in.Rules.CommentPeriod, in.Rules.ObjectionWindow, in.Rules.VotePeriod = workflows.Duration(20*time.Second), workflows.Duration(2*time.Second), workflows.Duration(3*time.Second)
	in.Rules.RemindersBeforeClose = []workflows.Duration{workflows.Duration(30 * time.Minute)}
	id := statement.WorkflowID(in.StatementID)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL}, statement.WorkflowName, in)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	first := run.GetRunID()
	r := &processtest.Recorder{T: t, Ctx: ctx, C: c, ID: id}
	r.Update(statement.UpdatePenholders, statement.PenholdersInput{Actor: penEs, Language: "es", MemberIDs: []string{penEs.MemberID}})
	r.Update(statement.UpdatePenholders, statement.PenholdersInput{Actor: staff, Language: "en", MemberIDs: []string{penEn.MemberID}})
	r.Update(statement.UpdateDraft, statement.DraftInput{Actor: penEs, Language: "es", Text: "Borrador 1.\n", OpenComments: true})
	r.Update(statement.UpdateDraft, statement.DraftInput{Actor: penEn, Language: "en", Text: "Draft 1.\n",
		TranslationOf: &statement.TranslationRef{Language: "es", Version: 1}, OpenComments: true})
	for i := range 20 {
		for _, who := range []workflows.Actor{ana, beto} {
			r.Update(statement.UpdateComment, statement.CommentInput{Actor: who, Language: "es", Version: 1, Text: fmt.Sprintf("Comentario %d.", i)})
		}
	}
	r.Refuse(statement.UpdateComment, statement.CommentInput{Actor: ana, Language: "es", Version: 1, Text: "Uno más."}, workflows.ErrInvalidState)
	var st statement.State
	r.Query(statement.Query, &st)
	if len(st.Comments) != 40 || st.Comments[39].ID != "c40" {
		t.Fatalf("comments across the runs: %d, last %+v", len(st.Comments), st.Comments[len(st.Comments)-1])
	}
	v, err := c.QueryWorkflow(ctx, id, "", statement.QueryVersion, statement.VersionRef{Language: "es", Version: 1})
	if err != nil {
		t.Fatalf("query the version's text in the continued run: %v", err)
	}
	var text statement.DraftVersionText
	if err := v.Get(&text); err != nil || text.Text != "Borrador 1.\n" {
		t.Fatalf("version text %+v %v", text, err)
	}
	for i := 1; i <= 40; i++ {
		r.Update(statement.UpdateResolveComment, statement.ResolveCommentInput{Actor: penEs, CommentID: fmt.Sprintf("c%d", i),
			Status: statement.CommentNotAdopted, Reply: "Se mantiene."})
	}
	waitStatement(r, statement.StatusConsolidation)
	r.Update(statement.UpdateConsolidate, statement.ConsolidateInput{Actor: staff,
		Texts: map[string]string{"es": "Texto final.", "en": "Final text."}, DivergentViews: "Ana and Beto disagreed."})
	waitStatement(r, statement.StatusRatified)
	r.Update(statement.UpdateSubmit, statement.SubmitInput{Actor: staff, URL: "https://www.icann.org/s/can", SubmittedAt: time.Now().UTC()})
	var final statement.State
	if err := run.Get(ctx, &final); err != nil {
		t.Fatalf("result: %v", err)
	}
	if final.Status != statement.StatusSubmitted || len(final.Comments) != 40 {
		t.Fatalf("final %q, %d comments", final.Status, len(final.Comments))
	}
	runs := processtest.RunChain(t, ctx, c, id, first)
	if len(runs) < 2 {
		t.Fatalf("the statement ran %d runs, want it to continue as new", len(runs))
	}
	t.Logf("%d runs", len(runs))
	processtest.WriteRunHistory(t, ctx, c, id, runs[0], continuedHistories[0])
	processtest.WriteRunHistory(t, ctx, c, id, runs[len(runs)-1], continuedHistories[1])
}

// TestReplayContinued replays the first and the last run of a statement
// that continued as new.
func TestReplayContinued(t *testing.T) {
	processtest.Replay(t, func(r worker.WorkflowReplayer) {
		r.RegisterWorkflowWithOptions(statement.Statement, workflow.RegisterOptions{Name: statement.WorkflowName})
	}, continuedHistories...)
}
