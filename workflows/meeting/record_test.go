package meeting_test

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/meeting"
	"github.com/lacralo/ralo/workflows/processtest"
)

// histories are the recorded histories of process 5, replayed
// by TestReplay: those TestRecordHistories
// writes, then those of earlier versions that running workflows may
// still have (a Meeting without the check for cancellation before its
// reminder, a review without the staff's review email).
var histories = []string{"meeting_v2_complete.json", "participation_review_v2.json", "meeting_cancellation.json",
	"meeting_complete.json", "participation_review.json", digestHistory, reportHistory}

// The histories TestRecordInformedHistories writes.
const (
	digestHistory = "monthly_digest.json"
	reportHistory = "quarterly_report.json"
)

// TestRecordInformedHistories runs a MonthlyDigest over two batches of
// members (two digests sent, one member with nothing open) and a
// QuarterlyParticipationReport (audit entry and staff email with the CSV)
// on a real embedded Temporal server and writes their histories.
func TestRecordInformedHistories(t *testing.T) {
	ctx, c := processtest.StartRecording(t, 2*time.Minute, func(w worker.Worker) {
		w.RegisterWorkflowWithOptions(meeting.MonthlyDigest, workflow.RegisterOptions{Name: meeting.DigestWorkflowName})
		w.RegisterWorkflowWithOptions(meeting.QuarterlyParticipationReport, workflow.RegisterOptions{Name: meeting.QuarterlyReportWorkflowName})
		w.RegisterActivityWithOptions(func(_ context.Context, in meeting.DigestBatchInput) (meeting.DigestBatch, error) {
			due := in.At.Add(72 * time.Hour)
			if in.After == "" {
				return meeting.DigestBatch{Next: "m-2", Digests: []meeting.MemberDigest{
					{MemberID: "m-1", Items: []meeting.DigestItem{{Process: "election", ID: "el-rec", Title: "Recorded election", Action: "vote", Deadline: "voting_close", Due: &due}}},
					{MemberID: "m-2"}}}, nil
			}
			return meeting.DigestBatch{Next: "m-3", Done: true, Digests: []meeting.MemberDigest{
				{MemberID: "m-3", Items: []meeting.DigestItem{{Process: "statement", ID: "st-rec", Title: "Recorded statement"}}}}}, nil
		}, activity.RegisterOptions{Name: meeting.ActivityPrepareDigests})
		w.RegisterActivityWithOptions(func(_ context.Context, in meeting.QuarterReportInput) (meeting.QuarterReportSummary, error) {
			return meeting.QuarterReportSummary{Quarter: in.Quarter, ALSes: 1, Totals: meeting.Indicators{Comments: 2},
				CSV: []byte("als_id,name\nals-1,Recorded ALS\n"), SHA256: "recorded", PublicURL: "/api/v1/public/participation/" + in.Quarter + ".csv"}, nil
		}, activity.RegisterOptions{Name: meeting.ActivityBuildQuarterReport})
	})
	digest, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "monthly-digest/rec", TaskQueue: workflows.TaskQueue},
		meeting.DigestWorkflowName, meeting.DigestInput{Batch: 2})
	if err != nil {
		t.Fatal(err)
	}
	var res meeting.DigestResult
	if err := digest.Get(ctx, &res); err != nil || res.Sent != 2 || res.Members != 3 {
		t.Fatalf("digest: %+v, %v", res, err)
	}
	report, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "participation-quarterly-report/rec", TaskQueue: workflows.TaskQueue},
		meeting.QuarterlyReportWorkflowName, meeting.QuarterReportInput{Quarter: "2026-Q3"})
	if err != nil {
		t.Fatal(err)
	}
	var rep meeting.QuarterReportSummary
	if err := report.Get(ctx, &rep); err != nil || rep.Quarter != "2026-Q3" {
		t.Fatalf("report: %+v, %v", rep, err)
	}
	processtest.WriteRunHistory(t, ctx, c, digest.GetID(), digest.GetRunID(), filepath.Join("testdata", digestHistory))
	processtest.WriteRunHistory(t, ctx, c, report.GetID(), report.GetRunID(), filepath.Join("testdata", reportHistory))
	TestReplay(t)
}

// TestRecordHistories runs a Meeting (invitation, reminder
// timer, check that it was not cancelled, reminder), one run of
// ParticipationReview (three reviews a second apart: a warning, a
// restoration and a review request to staff, then continue-as-new) and a
// MeetingCancellation of two meetings on a real embedded Temporal server
// and writes their histories to testdata.
func TestRecordHistories(t *testing.T) {
	ctx, c := processtest.StartRecording(t, 2*time.Minute, func(w worker.Worker) {
		w.RegisterWorkflowWithOptions(meeting.Meeting, workflow.RegisterOptions{Name: meeting.WorkflowName})
		w.RegisterWorkflowWithOptions(meeting.ParticipationReview, workflow.RegisterOptions{Name: meeting.ParticipationReviewWorkflowName})
		w.RegisterWorkflowWithOptions(meeting.MeetingCancellation, workflow.RegisterOptions{Name: meeting.CancellationWorkflowName})
		w.RegisterActivityWithOptions(func(_ context.Context, in meeting.Occurrence) (meeting.Created, error) {
			return meeting.Created{MeetingID: in.MeetingID, Title: "Recorded call", StartsAt: time.Now().Add(time.Hour).UTC(), Cancelled: true,
				Invitees: []string{"m-1", "m-2"}, Invitation: workflows.Attachment{Filename: "cancellation.ics", ContentType: "text/calendar; method=CANCEL", Data: []byte("BEGIN:VCALENDAR")}}, nil
		}, activity.RegisterOptions{Name: meeting.ActivityCancelled})
		w.RegisterActivityWithOptions(func(_ context.Context, in meeting.Occurrence) (meeting.Created, error) {
			return meeting.Created{MeetingID: in.MeetingID, Title: "Recorded call", StartsAt: in.StartsAt,
				Invitees: []string{"m-1", "m-2"}, Invitation: workflows.Attachment{Filename: "invitation.ics", ContentType: "text/calendar", Data: []byte("BEGIN:VCALENDAR")}}, nil
		}, activity.RegisterOptions{Name: meeting.ActivityCreate})
		w.RegisterActivityWithOptions(func(context.Context, meeting.ListParticipationALSInput) (meeting.ParticipationALSList, error) {
			return meeting.ParticipationALSList{ALSIDs: []string{"als-1", "als-2"}, StaffIDs: []string{"m-staff"}}, nil
		}, activity.RegisterOptions{Name: meeting.ActivityListParticipationALS})
		var evals atomic.Int32
		w.RegisterActivityWithOptions(func(_ context.Context, in meeting.EvaluateParticipationInput) (meeting.ParticipationEvaluation, error) {
			ev := meeting.ParticipationEvaluation{ALSID: in.ALSID, ALSName: "ALS " + in.ALSID, Status: "active", RepIDs: []string{"m-rep-" + in.ALSID}}
			if in.ALSID != "als-1" {
				if evals.Load() == 1 {
					ev.Status = "review"
					ev.Transitions = []meeting.ParticipationTransition{{From: "inactive", To: "review", At: in.At, Reason: "recorded review request"}}
				}
				return ev, nil
			}
			switch evals.Add(1) {
			case 1:
				ev.Status = "warned"
				ev.Transitions = []meeting.ParticipationTransition{{From: "active", To: "warned", At: in.At, Reason: "recorded warning"}}
			case 2:
				ev.Transitions = []meeting.ParticipationTransition{{From: "warned", To: "active", At: in.At, Reason: "recorded restoration"}}
			}
			return ev, nil
		}, activity.RegisterOptions{Name: meeting.ActivityEvaluateParticipation})
	})

	start := func(id, name string, in any) client.WorkflowRun {
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue}, name, in)
		if err != nil {
			t.Fatalf("start %s: %v", id, err)
		}
		return run
	}
	mtg := start("meeting/rec-1", meeting.WorkflowName, meeting.Input{
		MeetingID: "mtg-rec-1", StartsAt: time.Now().Add(3 * time.Second).UTC(), Reminder: time.Second})
	var res meeting.Result
	if err := mtg.Get(ctx, &res); err != nil || !res.Reminded {
		t.Fatalf("meeting: %+v, %v", res, err)
	}
	review := start(meeting.ParticipationReviewWorkflowID, meeting.ParticipationReviewWorkflowName, meeting.ParticipationReviewInput{
		Params:  meeting.ParticipationParams{MissedCalls: 3, Period: 365 * processtest.Day, WarningBefore: 30 * processtest.Day, RestoreWithin: 365 * processtest.Day},
		Every:   time.Second,
		Reviews: 3,
	})
	err := review.GetWithOptions(ctx, nil, client.WorkflowRunGetOptions{DisableFollowingRuns: true})
	if !workflow.IsContinueAsNewError(err) {
		t.Fatalf("review: want continue-as-new, got %v", err)
	}
	if err := c.TerminateWorkflow(ctx, meeting.ParticipationReviewWorkflowID, "", "recorded"); err != nil {
		t.Fatalf("terminate: %v", err)
	}
	cancellation := start(meeting.CancellationWorkflowID("ser-rec"), meeting.CancellationWorkflowName,
		meeting.CancellationInput{Key: "ser-rec", MeetingIDs: []string{"mtg-rec-2", "mtg-rec-3"}})
	var told meeting.CancellationResult
	if err := cancellation.Get(ctx, &told); err != nil || len(told.Told) != 2 {
		t.Fatalf("cancellation: %+v, %v", told, err)
	}

	for i, run := range []client.WorkflowRun{mtg, review, cancellation} {
		processtest.WriteRunHistory(t, ctx, c, run.GetID(), run.GetRunID(), filepath.Join("testdata", histories[i]))
	}
	TestReplay(t)
}

// TestReplay replays the recorded histories of process 5, so that a
// change that would break running meetings or the running review fails
// the build.
func TestReplay(t *testing.T) {
	files := make([]string, len(histories))
	for i, name := range histories {
		files[i] = filepath.Join("testdata", name)
	}
	processtest.Replay(t, func(r worker.WorkflowReplayer) {
		r.RegisterWorkflowWithOptions(meeting.Meeting, workflow.RegisterOptions{Name: meeting.WorkflowName})
		r.RegisterWorkflowWithOptions(meeting.ParticipationReview, workflow.RegisterOptions{Name: meeting.ParticipationReviewWorkflowName})
		r.RegisterWorkflowWithOptions(meeting.MeetingCancellation, workflow.RegisterOptions{Name: meeting.CancellationWorkflowName})
		r.RegisterWorkflowWithOptions(meeting.MonthlyDigest, workflow.RegisterOptions{Name: meeting.DigestWorkflowName})
		r.RegisterWorkflowWithOptions(meeting.QuarterlyParticipationReport, workflow.RegisterOptions{Name: meeting.QuarterlyReportWorkflowName})
	}, files...)
}
