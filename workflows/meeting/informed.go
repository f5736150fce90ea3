package meeting

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/workflows"
)

// Keeping members informed (SPEC §5): the monthly digest to every member
// and the quarterly participation report to staff, each started by a
// Temporal Schedule the worker keeps (app.EnsureSchedules).

// Workflow names and schedule IDs of the digest and the report.
const (
	// DigestWorkflowName emails every subscribed member their digest.
	DigestWorkflowName = "MonthlyDigest"
	// DigestScheduleID is the Temporal Schedule that starts it monthly.
	DigestScheduleID = "monthly-digest"
	// QuarterlyReportWorkflowName emails staff the quarter's report.
	QuarterlyReportWorkflowName = "QuarterlyParticipationReport"
	// QuarterlyReportScheduleID is the Temporal Schedule that starts it.
	QuarterlyReportScheduleID = "participation-quarterly-report"
)

// Activities of the digest and the report.
const (
	// ActivityPrepareDigests computes the digests of the next members
	// (by ID) who did not unsubscribe, DigestBatchInput -> DigestBatch.
	ActivityPrepareDigests = "PrepareDigests"
	// ActivityBuildQuarterReport computes an ended quarter's report and
	// its CSV, QuarterReportInput -> QuarterReportSummary.
	ActivityBuildQuarterReport = "BuildQuarterReport"
)

// DigestItem is one open process in a member's digest: what it is, what
// the member can do in it (a service.Action* word, empty for nothing but
// following it) and its next deadline. Title is empty for a case, named by
// its ID only.
type DigestItem struct {
	Process  string     `json:"process"`
	ID       string     `json:"id"`
	Title    string     `json:"title"`
	Action   string     `json:"action"`
	Deadline string     `json:"deadline"`
	Due      *time.Time `json:"due"`
}

// MemberDigest is one member's digest.
type MemberDigest struct {
	MemberID string       `json:"member_id"`
	Items    []DigestItem `json:"items"`
}

// DigestInput starts a digest run. Month ("2027-05") is the month of the
// schedule's time when empty; After is the last member ID already done
// (a run continued as new carries it).
type DigestInput struct {
	Month string `json:"month"`
	After string `json:"after,omitempty"`
	// Batch is how many members one activity prepares (default 100).
	Batch int `json:"batch,omitempty"`
}

// DigestBatchInput asks for the digests of up to Limit members after After.
type DigestBatchInput struct {
	Month string    `json:"month"`
	After string    `json:"after"`
	Limit int       `json:"limit"`
	At    time.Time `json:"at"`
}

// DigestBatch is the digests of the members after the cursor, in ID
// order; Next is the last member read, Done when no member is left.
type DigestBatch struct {
	Digests []MemberDigest `json:"digests"`
	Next    string         `json:"next"`
	Done    bool           `json:"done"`
}

// DigestResult counts a run's members read and digests sent.
type DigestResult struct {
	Month   string `json:"month"`
	Members int    `json:"members"`
	Sent    int    `json:"sent"`
}

// digestBatchesPerRun bounds a run's history: after so many batches it
// continues as new with its cursor.
const digestBatchesPerRun = 50

// scheduledAt is the schedule's nominal time of this run, else its start.
func scheduledAt(ctx workflow.Context) time.Time {
	at, ok := workflow.GetTypedSearchAttributes(ctx).GetTime(scheduledStartKey)
	if !ok {
		at = workflow.GetInfo(ctx).WorkflowStartTime
	}
	return at.UTC()
}

// MonthlyDigest emails every member who did not unsubscribe the digest
// of the open processes they can see: a Notify per member, keyed by the
// month and the member, so that a run retried or started twice for the
// same month sends nobody a second digest. A member with nothing open
// gets none.
func MonthlyDigest(ctx workflow.Context, in DigestInput) (DigestResult, error) {
	if in.Month == "" {
		in.Month = scheduledAt(ctx).Format("2006-01")
	}
	if _, err := time.Parse("2006-01", in.Month); err != nil {
		return DigestResult{}, temporal.NewNonRetryableApplicationError("month must be YYYY-MM, got "+in.Month, workflows.ErrInvalidInput, nil)
	}
	if in.Batch <= 0 {
		in.Batch = 100
	}
	logger := log.With(workflow.GetLogger(ctx), "workflow", DigestWorkflowName, "month", in.Month)
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 10, MaximumInterval: 10 * time.Minute},
	})
	res := DigestResult{Month: in.Month}
	for i := 0; i < digestBatchesPerRun; i++ {
		var batch DigestBatch
		if err := workflow.ExecuteActivity(actx, ActivityPrepareDigests, DigestBatchInput{
			Month: in.Month, After: in.After, Limit: in.Batch, At: workflow.Now(ctx),
		}).Get(ctx, &batch); err != nil {
			return res, err
		}
		for _, d := range batch.Digests {
			res.Members++
			if len(d.Items) == 0 {
				continue
			}
			note := workflows.NotifyInput{Process: "digest", ObjectID: in.Month + "/" + d.MemberID, Step: "monthly",
				Event: "digest.monthly", MemberIDs: []string{d.MemberID},
				Data: map[string]any{"month": in.Month, "items": d.Items, "member_id": d.MemberID}}
			if err := workflows.StartNotify(ctx, note); err != nil {
				logger.Error("digest not started", "member_id", d.MemberID, "error", err)
				continue
			}
			res.Sent++
		}
		if batch.Done || batch.Next == "" {
			return res, nil
		}
		in.After = batch.Next
		if workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			break
		}
	}
	return res, workflow.NewContinueAsNewError(ctx, DigestWorkflowName, in)
}

// QuarterReportInput names the quarter ("2027-Q2"); empty, the quarter
// that ended last before the schedule's time.
type QuarterReportInput struct {
	Quarter string `json:"quarter"`
}

// Indicators are summed participation figures.
type Indicators struct {
	MeetingsAttended int `json:"meetings_attended"`
	BallotsCast      int `json:"ballots_cast"`
	Comments         int `json:"comments"`
	Drafts           int `json:"drafts"`
	MailingList      int `json:"mailing_list"`
}

// QuarterReportSummary is a quarter's report as the email and the audit
// entry carry it: the totals over the ALSes, the observers' figures, the
// CSV published at PublicURL and its SHA-256.
type QuarterReportSummary struct {
	Quarter      string     `json:"quarter"`
	From         time.Time  `json:"from"`
	To           time.Time  `json:"to"`
	ALSes        int        `json:"alses"`
	MonthlyCalls int        `json:"monthly_calls"`
	Totals       Indicators `json:"totals"`
	Observers    Indicators `json:"observers"`
	CSV          []byte     `json:"csv"`
	SHA256       string     `json:"sha256"`
	PublicURL    string     `json:"public_url"`
}

// QuarterName is the quarter containing t (UTC), "2027-Q2".
func QuarterName(t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf("%04d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
}

// QuarterlyParticipationReport publishes an ended quarter's participation
// report per ALS: a public audit entry with the CSV's SHA-256 (the figures
// staff were sent), and an email to staff with the CSV attached and the
// public address. Both are keyed by the quarter.
func QuarterlyParticipationReport(ctx workflow.Context, in QuarterReportInput) (QuarterReportSummary, error) {
	if in.Quarter == "" {
		in.Quarter = QuarterName(scheduledAt(ctx).AddDate(0, -3, 0))
	}
	logger := log.With(workflow.GetLogger(ctx), "workflow", QuarterlyReportWorkflowName, "quarter", in.Quarter)
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 10, MaximumInterval: 10 * time.Minute},
	})
	var rep QuarterReportSummary
	if err := workflow.ExecuteActivity(actx, ActivityBuildQuarterReport, in).Get(ctx, &rep); err != nil {
		return rep, err
	}
	if _, err := workflows.RecordAudit(ctx, workflows.AuditInput{
		Actor: "system", Process: participationProcess, ObjectID: rep.Quarter, Action: "participation.quarterly_report",
		Details: map[string]any{"quarter": rep.Quarter, "from": rep.From, "to": rep.To, "alses": rep.ALSes, "sha256": rep.SHA256,
			"totals": rep.Totals, "observers": rep.Observers, "url": rep.PublicURL},
		Audience: "public", IdemKey: QuarterlyReportWorkflowName + "/" + rep.Quarter,
	}); err != nil {
		logger.Error("audit entry not written", "error", err)
	}
	data := map[string]any{"quarter": rep.Quarter, "from": rep.From, "to": rep.To, "alses": rep.ALSes, "monthly_calls": rep.MonthlyCalls,
		"meetings_attended": rep.Totals.MeetingsAttended, "ballots_cast": rep.Totals.BallotsCast, "comments": rep.Totals.Comments,
		"drafts": rep.Totals.Drafts, "mailing_list": rep.Totals.MailingList,
		"observer_meetings": rep.Observers.MeetingsAttended, "observer_comments": rep.Observers.Comments,
		"observer_drafts": rep.Observers.Drafts, "observer_mailing_list": rep.Observers.MailingList,
		"sha256": rep.SHA256, "public_url": rep.PublicURL, "link": rep.PublicURL}
	if err := workflows.StartNotify(ctx, workflows.NotifyInput{Process: participationProcess, ObjectID: "report-" + rep.Quarter,
		Step: "quarterly", Event: "participation.quarterly", Audience: workflows.AudienceStaff, Data: data,
		Attachments: []workflows.Attachment{{Filename: "participation-" + rep.Quarter + ".csv", ContentType: "text/csv; charset=utf-8", Data: rep.CSV}},
	}); err != nil {
		return rep, err
	}
	return rep, nil
}
