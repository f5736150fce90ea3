package meeting_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/meeting"
	"github.com/lacralo/ralo/workflows/processtest"
)

// particHarness runs the process 5 workflows in the time-skipping test
// environment with every activity and the Notify child mocked.
type particHarness struct {
	env    *testsuite.TestWorkflowEnvironment
	mu     sync.Mutex
	notes  []processtest.Note
	audits []workflows.AuditInput
}

func newParticHarness(t *testing.T, start time.Time) *particHarness {
	t.Helper()
	h := &particHarness{}
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	env := suite.NewTestWorkflowEnvironment()
	env.SetWorkerOptions(worker.Options{DeadlockDetectionTimeout: 10 * time.Second})
	env.SetStartTime(start)
	env.RegisterWorkflowWithOptions(meeting.Meeting, workflow.RegisterOptions{Name: meeting.WorkflowName})
	env.RegisterWorkflowWithOptions(meeting.ParticipationReview, workflow.RegisterOptions{Name: meeting.ParticipationReviewWorkflowName})
	env.RegisterWorkflowWithOptions(meeting.MeetingCancellation, workflow.RegisterOptions{Name: meeting.CancellationWorkflowName})
	env.RegisterActivityWithOptions(func(context.Context, meeting.Occurrence) (meeting.Created, error) {
		return meeting.Created{}, nil
	}, activity.RegisterOptions{Name: meeting.ActivityCancelled})
	env.RegisterActivityWithOptions(func(context.Context, workflows.AuditInput) (workflows.AuditResult, error) {
		return workflows.AuditResult{}, nil
	}, activity.RegisterOptions{Name: workflows.ActivityRecordAudit})
	env.RegisterActivityWithOptions(func(context.Context, meeting.Occurrence) (meeting.Created, error) {
		return meeting.Created{}, nil
	}, activity.RegisterOptions{Name: meeting.ActivityCreate})
	env.RegisterActivityWithOptions(func(context.Context, meeting.ListParticipationALSInput) (meeting.ParticipationALSList, error) {
		return meeting.ParticipationALSList{}, nil
	}, activity.RegisterOptions{Name: meeting.ActivityListParticipationALS})
	env.RegisterActivityWithOptions(func(context.Context, meeting.EvaluateParticipationInput) (meeting.ParticipationEvaluation, error) {
		return meeting.ParticipationEvaluation{}, nil
	}, activity.RegisterOptions{Name: meeting.ActivityEvaluateParticipation})
	env.OnActivity(workflows.ActivityRecordAudit, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in workflows.AuditInput) (workflows.AuditResult, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.audits = append(h.audits, in)
			return workflows.AuditResult{Seq: int64(len(h.audits))}, nil
		})
	env.OnWorkflow(workflows.Notify, mock.Anything, mock.Anything).Return(
		func(ctx workflow.Context, in workflows.NotifyInput) error {
			at := workflow.Now(ctx)
			h.mu.Lock()
			defer h.mu.Unlock()
			h.notes = append(h.notes, processtest.Note{At: at, In: in})
			return nil
		})
	h.env = env
	return h
}

// mockMeeting answers CreateMeeting with three invitees.
func (h *particHarness) mockMeeting(got *[]meeting.Occurrence) {
	h.env.OnActivity(meeting.ActivityCreate, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in meeting.Occurrence) (meeting.Created, error) {
			h.mu.Lock()
			*got = append(*got, in)
			h.mu.Unlock()
			id := in.MeetingID
			if id == "" {
				id = "mtg-" + in.StartsAt.Format("20060102")
			}
			return meeting.Created{MeetingID: id, Title: "Monthly call", StartsAt: in.StartsAt,
				Invitees:   []string{"m-1", "m-2", "m-3"},
				Invitation: workflows.Attachment{Filename: "invitation.ics", ContentType: "text/calendar; method=REQUEST", Data: []byte("BEGIN:VCALENDAR")}}, nil
		})
}

func TestParticipationMeetingInvitesThenReminds(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := newParticHarness(t, t0)
	var got []meeting.Occurrence
	h.mockMeeting(&got)
	h.env.ExecuteWorkflow(meeting.WorkflowName, meeting.Input{
		MeetingID: "mtg-1", StartsAt: t0.Add(72 * time.Hour), Reminder: 24 * time.Hour, CreatedBy: "m-staff",
	})
	if !h.env.IsWorkflowCompleted() || h.env.GetWorkflowError() != nil {
		t.Fatalf("workflow: completed %v, error %v", h.env.IsWorkflowCompleted(), h.env.GetWorkflowError())
	}
	var res meeting.Result
	if err := h.env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if !res.Reminded || res.Invited != 3 || res.MeetingID != "mtg-1" {
		t.Fatalf("result %+v", res)
	}
	if len(h.notes) != 2 {
		t.Fatalf("notifications %+v", h.notes)
	}
	inv, rem := h.notes[0], h.notes[1]
	if inv.In.Event != "meeting.invitation" || !inv.At.Equal(t0) || len(inv.In.Attachments) != 1 || len(inv.In.MemberIDs) != 3 {
		t.Fatalf("invitation %+v", inv)
	}
	if rem.In.Event != "meeting.reminder" || !rem.At.Equal(t0.Add(48*time.Hour)) {
		t.Fatalf("reminder %+v at %v", rem.In, rem.At)
	}
}

func TestParticipationScheduledMeetingIsTheNextOccurrence(t *testing.T) {
	fired := time.Date(2026, 1, 31, 15, 0, 0, 0, time.UTC)
	h := newParticHarness(t, fired.Add(3*time.Second))
	if err := h.env.SetTypedSearchAttributesOnStart(temporal.NewSearchAttributes(
		temporal.NewSearchAttributeKeyTime("TemporalScheduledStartTime").ValueSet(fired))); err != nil {
		t.Fatal(err)
	}
	var got []meeting.Occurrence
	h.mockMeeting(&got)
	until := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	h.env.ExecuteWorkflow(meeting.WorkflowName, meeting.Input{
		SeriesID: "ser-1", Recurrence: meeting.Recurrence{Months: 1}, Until: &until, Reminder: 24 * time.Hour,
	})
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	// One month after January 31st is March 3rd in Go's calendar
	// arithmetic; the schedule's own calendar keeps the day of month.
	want := fired.AddDate(0, 1, 0)
	// The second call is the check, before the reminder, that the
	// occurrence it created was not cancelled since.
	if len(got) != 2 || !got[0].StartsAt.Equal(want) || got[0].SeriesID != "ser-1" || got[0].MeetingID != "" ||
		got[1].MeetingID != "mtg-20260303" {
		t.Fatalf("occurrence %+v, want start %v", got, want)
	}
}

func TestParticipationPastMeetingIsNotInvited(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := newParticHarness(t, t0)
	var got []meeting.Occurrence
	h.mockMeeting(&got)
	h.env.ExecuteWorkflow(meeting.WorkflowName, meeting.Input{
		MeetingID: "mtg-past", StartsAt: t0.Add(-time.Hour), Reminder: time.Hour,
	})
	var res meeting.Result
	if err := h.env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if res.Skipped == "" || len(got) != 1 || len(h.notes) != 0 {
		t.Fatalf("result %+v, notifications %+v", res, h.notes)
	}
}

func TestParticipationMeetingAfterUntilIsSkipped(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := newParticHarness(t, t0)
	var got []meeting.Occurrence
	h.mockMeeting(&got)
	until := t0.Add(time.Hour)
	h.env.ExecuteWorkflow(meeting.WorkflowName, meeting.Input{
		SeriesID: "ser-1", Recurrence: meeting.Recurrence{Interval: 2 * time.Hour}, Until: &until,
	})
	var res meeting.Result
	if err := h.env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if res.Skipped == "" || len(got) != 0 {
		t.Fatalf("result %+v, created %v", res, got)
	}
}

// particWorld is the fake registry behind the mocked participation
// activities: monthly calls on the 10th and an ALS's attendance, with the
// real inactivity rule applied to them.
type particWorld struct {
	mu       sync.Mutex
	calls    []domain.MonthlyCall
	acts     []domain.Activity
	standing domain.ALSParticipation
	statuses map[string]string // review time -> status
}

func TestParticipationReviewOverAYear(t *testing.T) {
	start := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	w := &particWorld{statuses: map[string]string{}}
	for m := time.Date(2025, 1, 10, 14, 0, 0, 0, time.UTC); m.Before(time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)); m = m.AddDate(0, 1, 0) {
		id := "call-" + m.Format("2006-01")
		w.calls = append(w.calls, domain.MonthlyCall{MeetingID: id, At: m})
		// The ALS attended until March 2025, then again in July 2026.
		if m.Before(time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)) || m.Format("2006-01") == "2026-07" {
			w.acts = append(w.acts, domain.Activity{ALSID: "als-1", Kind: domain.ActivityMonthlyCall, At: m, MeetingID: id})
		}
	}
	params := meeting.ParticipationParams{MissedCalls: 3, Period: 365 * 24 * time.Hour, WarningBefore: 30 * 24 * time.Hour, RestoreWithin: 365 * 24 * time.Hour}

	h := newParticHarness(t, start)
	var evaluations int
	h.env.OnActivity(meeting.ActivityListParticipationALS, mock.Anything, mock.Anything).Return(
		meeting.ParticipationALSList{ALSIDs: []string{"als-1"}, StaffIDs: []string{"m-staff"}}, nil)
	h.env.OnActivity(meeting.ActivityEvaluateParticipation, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in meeting.EvaluateParticipationInput) (meeting.ParticipationEvaluation, error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			evaluations++
			p := domain.Params{MissedCalls: in.Params.MissedCalls, Period: in.Params.Period, WarningBefore: in.Params.WarningBefore, RestoreWithin: in.Params.RestoreWithin}
			next, trs := domain.Evaluate(in.At, p, w.standing, w.calls, w.acts)
			w.standing = next
			w.statuses[in.At.Format("2006-01-02")] = string(next.Status)
			ev := meeting.ParticipationEvaluation{ALSID: in.ALSID, ALSName: "ALS Uno", Status: string(next.Status), RepIDs: []string{"m-rep"}}
			for _, tr := range trs {
				ev.Transitions = append(ev.Transitions, meeting.ParticipationTransition{From: string(tr.From), To: string(tr.To), At: tr.At, Reason: tr.Reason})
			}
			return ev, nil
		})
	h.env.ExecuteWorkflow(meeting.ParticipationReviewWorkflowName, meeting.ParticipationReviewInput{Params: params})

	// After twelve monthly reviews the run continues as new.
	if err := h.env.GetWorkflowError(); !workflow.IsContinueAsNewError(err) {
		t.Fatalf("want continue-as-new after a year, got %v", err)
	}
	if evaluations != 12 {
		t.Fatalf("%d evaluations, want 12", evaluations)
	}
	for day, want := range map[string]string{
		"2026-02-01": "active",   // silent since March 2025, but not yet for a year
		"2026-04-01": "warned",   // a year without participation: encouraged first
		"2026-05-01": "inactive", // a month later, still silent: vote lost
		"2026-07-01": "inactive",
		"2026-08-01": "active", // attended the July call: vote restored
		"2027-01-01": "active",
	} {
		if got := w.statuses[day]; got != want {
			t.Errorf("status on %s: %q, want %q (all: %v)", day, got, want, w.statuses)
		}
	}
	wantEvents := []string{"participation.warning", "participation.vote_lost", "participation.restored"}
	if len(h.notes) != len(wantEvents) {
		t.Fatalf("notifications %+v", h.notes)
	}
	for i, n := range h.notes {
		if n.In.Event != wantEvents[i] || n.In.ObjectID != "als-1" || len(n.In.MemberIDs) != 2 {
			t.Errorf("notification %d: %+v", i, n.In)
		}
	}
	// Data crosses the data converter: times arrive as RFC 3339 text.
	if due, _ := h.notes[0].In.Data["due"].(string); due != "2026-05-01T00:00:00Z" {
		t.Errorf("warning due %v", h.notes[0].In.Data["due"])
	}
	wantAudit := []string{"participation.warned", "participation.inactive", "participation.active"}
	if len(h.audits) != len(wantAudit) {
		t.Fatalf("audits %+v", h.audits)
	}
	keys := map[string]bool{}
	for i, a := range h.audits {
		if a.Action != wantAudit[i] || a.ObjectID != "als-1" || keys[a.IdemKey] {
			t.Errorf("audit %d: %+v", i, a)
		}
		keys[a.IdemKey] = true
	}
}

func TestParticipationReviewRejectsZeroParams(t *testing.T) {
	h := newParticHarness(t, time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC))
	h.env.ExecuteWorkflow(meeting.ParticipationReviewWorkflowName, meeting.ParticipationReviewInput{})
	if err := h.env.GetWorkflowError(); err == nil {
		t.Fatal("a review without parameters started")
	}
}

func TestParticipationParseRecurrence(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want meeting.Recurrence
		ok   bool
	}{
		{"1mo", meeting.Recurrence{Months: 1}, true},
		{"2mo", meeting.Recurrence{Months: 2}, true},
		{"5mo", meeting.Recurrence{}, false},
		{"0mo", meeting.Recurrence{}, false},
		{"2s", meeting.Recurrence{Interval: 2 * time.Second}, true},
		{"10ms", meeting.Recurrence{}, false},
		{"soon", meeting.Recurrence{}, false},
	} {
		got, err := meeting.ParseRecurrence(tc.in, time.ParseDuration)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("%q: %+v, %v", tc.in, got, err)
		}
	}
}

func TestParticipationMeetingCancelledGetsNoReminder(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := newParticHarness(t, t0)
	calls := 0
	h.env.OnActivity(meeting.ActivityCreate, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in meeting.Occurrence) (meeting.Created, error) {
			calls++
			// Invited at once; cancelled by the time the reminder is due.
			return meeting.Created{MeetingID: in.MeetingID, Title: "Call", StartsAt: t0.Add(72 * time.Hour),
				Invitees: []string{"m-1"}, Cancelled: calls > 1}, nil
		})
	h.env.ExecuteWorkflow(meeting.WorkflowName, meeting.Input{
		MeetingID: "mtg-1", StartsAt: t0.Add(72 * time.Hour), Reminder: 24 * time.Hour,
	})
	var res meeting.Result
	if err := h.env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if res.Reminded || res.Skipped != "cancelled" || calls != 2 {
		t.Fatalf("result %+v after %d checks", res, calls)
	}
	if len(h.notes) != 1 || h.notes[0].In.Event != "meeting.invitation" {
		t.Fatalf("notifications %+v", h.notes)
	}
}

func TestParticipationMeetingCancelledBeforeItsInvitation(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := newParticHarness(t, t0)
	h.env.OnActivity(meeting.ActivityCreate, mock.Anything, mock.Anything).Return(
		meeting.Created{MeetingID: "mtg-1", Cancelled: true}, nil)
	h.env.ExecuteWorkflow(meeting.WorkflowName, meeting.Input{
		MeetingID: "mtg-1", StartsAt: t0.Add(72 * time.Hour), Reminder: 24 * time.Hour,
	})
	var res meeting.Result
	if err := h.env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if res.Invited != 0 || res.Skipped != "cancelled" || len(h.notes) != 0 {
		t.Fatalf("result %+v, notifications %+v", res, h.notes)
	}
}

func TestMeetingCancellationEmailsEachMeetingOnce(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := newParticHarness(t, t0)
	cancel := []byte("BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\n")
	h.env.OnActivity(meeting.ActivityCancelled, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in meeting.Occurrence) (meeting.Created, error) {
			if !in.Stamp.Equal(t0) {
				return meeting.Created{}, errors.New("stamp is not the workflow time")
			}
			switch in.MeetingID {
			case "mtg-gone": // not cancelled after all: nobody to tell
				return meeting.Created{MeetingID: in.MeetingID}, nil
			default:
				return meeting.Created{MeetingID: in.MeetingID, Title: "Call", StartsAt: t0.Add(time.Hour), Cancelled: true,
					Invitees:   []string{"m-1", "m-2"},
					Invitation: workflows.Attachment{Filename: "cancellation.ics", ContentType: "text/calendar; method=CANCEL", Data: cancel}}, nil
			}
		})
	h.env.ExecuteWorkflow(meeting.CancellationWorkflowName, meeting.CancellationInput{
		Key: "ser-1", MeetingIDs: []string{"mtg-a", "mtg-gone", "mtg-b"}})
	var res meeting.CancellationResult
	if err := h.env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if len(res.Told) != 2 || res.Told["mtg-a"] != 2 || res.Told["mtg-b"] != 2 {
		t.Fatalf("result %+v", res)
	}
	if len(h.notes) != 2 {
		t.Fatalf("notifications %+v", h.notes)
	}
	for i, id := range []string{"mtg-a", "mtg-b"} {
		n := h.notes[i].In
		if n.Event != "meeting.cancelled" || n.ObjectID != id || n.Step != "cancellation" || len(n.MemberIDs) != 2 ||
			len(n.Attachments) != 1 || string(n.Attachments[0].Data) != string(cancel) || workflows.NotifyWorkflowID(n) != "notify/meetings/"+id+"/cancellation" {
			t.Errorf("notification %d: %+v", i, n)
		}
	}
}

func TestParticipationReviewAsksStaffToReview(t *testing.T) {
	start := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	w := &particWorld{statuses: map[string]string{}}
	for m := time.Date(2025, 1, 10, 14, 0, 0, 0, time.UTC); m.Before(time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)); m = m.AddDate(0, 1, 0) {
		w.calls = append(w.calls, domain.MonthlyCall{MeetingID: "call-" + m.Format("2006-01"), At: m})
	}
	// Silent throughout; short periods so that review comes within a year.
	params := meeting.ParticipationParams{MissedCalls: 3, Period: 90 * 24 * time.Hour, WarningBefore: 30 * 24 * time.Hour, RestoreWithin: 60 * 24 * time.Hour}
	h := newParticHarness(t, start)
	h.env.OnActivity(meeting.ActivityListParticipationALS, mock.Anything, mock.Anything).Return(
		meeting.ParticipationALSList{ALSIDs: []string{"als-1"}, StaffIDs: []string{"m-staff", "m-staff2"}}, nil)
	h.env.OnActivity(meeting.ActivityEvaluateParticipation, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in meeting.EvaluateParticipationInput) (meeting.ParticipationEvaluation, error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			p := domain.Params{MissedCalls: in.Params.MissedCalls, Period: in.Params.Period, WarningBefore: in.Params.WarningBefore, RestoreWithin: in.Params.RestoreWithin}
			next, trs := domain.Evaluate(in.At, p, w.standing, w.calls, w.acts)
			w.standing = next
			ev := meeting.ParticipationEvaluation{ALSID: in.ALSID, ALSName: "ALS Uno", Status: string(next.Status), RepIDs: []string{"m-rep"}}
			for _, tr := range trs {
				ev.Transitions = append(ev.Transitions, meeting.ParticipationTransition{From: string(tr.From), To: string(tr.To), At: tr.At, Reason: tr.Reason})
			}
			return ev, nil
		})
	h.env.ExecuteWorkflow(meeting.ParticipationReviewWorkflowName, meeting.ParticipationReviewInput{Params: params})
	if err := h.env.GetWorkflowError(); !workflow.IsContinueAsNewError(err) {
		t.Fatalf("want continue-as-new after a year, got %v", err)
	}
	var events []string
	var review *workflows.NotifyInput
	for i, n := range h.notes {
		events = append(events, n.In.Event)
		if n.In.Event == "participation.review" {
			review = &h.notes[i].In
		}
	}
	if strings.Join(events, " ") != "participation.warning participation.vote_lost participation.review" {
		t.Fatalf("events %v", events)
	}
	if strings.Join(review.MemberIDs, ",") != "m-staff,m-staff2" || review.ObjectID != "als-1" || review.Data["als"] != "ALS Uno" ||
		!strings.Contains(review.Data["reason"].(string), "review its accreditation") {
		t.Fatalf("review request %+v", review)
	}
	if last := h.audits[len(h.audits)-1]; last.Action != "participation.review" {
		t.Fatalf("last audit %+v", last)
	}
}
