package statement_test

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
	"github.com/lacralo/ralo/workflows/processtest"
	"github.com/lacralo/ralo/workflows/statement"
)

// Recorded histories of a complete statement: the first from before the
// engine was shared and periods were written in the policy's notation
// (its input holds nanoseconds), the second from before each group's
// penholders consolidated their own text only, the third from before
// policy.ratification_majority (recorded with own-language consolidation),
// the fourth from before own-language consolidation (recorded with a
// two-thirds vote); TestRecordHistory writes the third again from the
// current code.
const (
	firstHistory     = "testdata/statement_complete.json"
	secondHistory    = "testdata/statement_complete_v2.json"
	statementHistory = "testdata/statement_complete_v3.json"
	majorityHistory  = "testdata/statement_complete_v3_majority.json"
)

// TestRecordHistory runs a complete statement on a real embedded
// Temporal server, with periods of seconds, and writes its history to
// testdata/statement_complete_v3.json: two language groups, a translation,
// the comment period with a thread and its resolutions, consolidation,
// an objection, a ratification vote with a revote counted under a
// two-thirds majority, the submission.
//
//	RALO_RECORD_HISTORIES=1 go test -run TestRecordHistory ./workflows/statement/
func TestRecordHistory(t *testing.T) {
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
	in := input("rec-1")
	in.CreatedAt = now
	in.Proceeding.ClosesAt = now.Add(time.Hour)
	in.Rules.CommentPeriod, in.Rules.ObjectionWindow, in.Rules.VotePeriod = workflows.Duration(3*time.Second), workflows.Duration(2*time.Second), workflows.Duration(3*time.Second)
	in.Rules.RemindersBeforeClose = []workflows.Duration{workflows.Duration(30 * time.Minute)}
	in.Rules.RatificationMajority = "2/3"
	id := statement.WorkflowID(in.StatementID)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL}, statement.WorkflowName, in)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	r := &processtest.Recorder{T: t, Ctx: ctx, C: c, ID: id}
	r.Update(statement.UpdatePenholders, statement.PenholdersInput{Actor: penEs, Language: "es", MemberIDs: []string{penEs.MemberID}})
	r.Update(statement.UpdatePenholders, statement.PenholdersInput{Actor: staff, Language: "en", MemberIDs: []string{penEn.MemberID}})
	r.Update(statement.UpdateDraft, statement.DraftInput{Actor: penEs, Language: "es", Text: "Borrador 1.\n", OpenComments: true})
	r.Update(statement.UpdateDraft, statement.DraftInput{Actor: penEn, Language: "en", Text: "Draft 1.\n",
		TranslationOf: &statement.TranslationRef{Language: "es", Version: 1}, OpenComments: true})
	r.Update(statement.UpdateComment, statement.CommentInput{Actor: ana, Language: "es", Version: 1, Text: "Falta un punto."})
	r.Update(statement.UpdateComment, statement.CommentInput{Actor: beto, Language: "es", Version: 1, Text: "No estoy de acuerdo.", ReplyTo: "c1"})
	r.Refuse(statement.UpdateConsolidate, statement.ConsolidateInput{Actor: penEs, Texts: map[string]string{"es": "a", "en": "b"}}, workflows.ErrInvalidState)
	r.Update(statement.UpdateDraft, statement.DraftInput{Actor: penEs, Language: "es", Text: "Borrador 2.\n"})
	r.Update(statement.UpdateResolveComment, statement.ResolveCommentInput{Actor: penEs, CommentID: "c1", Status: statement.CommentIncorporated, Reply: "Añadido."})
	r.Update(statement.UpdateResolveComment, statement.ResolveCommentInput{Actor: penEs, CommentID: "c2", Status: statement.CommentNotAdopted, Reply: "Se mantiene."})
	waitStatement(r, statement.StatusConsolidation)
	r.Refuse(statement.UpdateConsolidate, statement.ConsolidateInput{Actor: penEs,
		Texts: map[string]string{"es": "Texto final.", "en": "Not the en group's text."}, DivergentViews: "Beto disagreed."}, workflows.ErrForbidden)
	r.Update(statement.UpdateConsolidate, statement.ConsolidateInput{Actor: penEs,
		Texts: map[string]string{"es": "Texto final."}, DivergentViews: "Beto disagreed."})
	r.Update(statement.UpdateObject, statement.ObjectInput{Actor: beto, Reason: "I disagree."})
	waitStatement(r, statement.StatusVoting)
	ballot := func(als, vote string) {
		t.Helper()
		r.Update(statement.UpdateBallot, statement.BallotInput{Actor: rep, ALSID: als, CastByALSID: als, Vote: vote})
	}
	ballot("als-a1", "no")
	ballot("als-b1", "yes")
	ballot("als-c1", "yes")
	ballot("als-a1", "abstain")
	waitStatement(r, statement.StatusRatified)
	r.Update(statement.UpdateSubmit, statement.SubmitInput{Actor: staff, URL: "https://www.icann.org/s/rec", SubmittedAt: time.Now().UTC()})
	var final statement.State
	if err := run.Get(ctx, &final); err != nil {
		t.Fatalf("result: %v", err)
	}
	if final.Status != statement.StatusSubmitted || final.Ratifications[0].Result.Outcome != statement.RatificationRatified ||
		final.Ratifications[0].Result.Majority != "2/3" {
		t.Fatalf("final %q %+v", final.Status, final.Ratifications)
	}

	processtest.WriteHistory(t, ctx, c, id, statementHistory)
}

// waitStatement polls the state until it reaches status.
func waitStatement(r *processtest.Recorder, status string) {
	r.T.Helper()
	processtest.WaitFor(r, statement.Query, func(st statement.State) bool { return st.Status == status })
}

// TestReplay replays the recorded histories of a complete
// statement, so that a change that would break running statements fails
// the build.
func TestReplay(t *testing.T) {
	processtest.Replay(t, func(r worker.WorkflowReplayer) {
		r.RegisterWorkflowWithOptions(statement.Statement, workflow.RegisterOptions{Name: statement.WorkflowName})
	}, firstHistory, secondHistory, statementHistory, majorityHistory)
}
