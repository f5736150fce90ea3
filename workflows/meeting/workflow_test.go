package meeting_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/meeting"
	"github.com/lacralo/ralo/workflows/processtest"
)

// activities has the signatures of the meeting package's activities,
// each method named as its activity is registered, so that OnActivity
// registers and mocks it by the method alone (the test environment
// refuses a registration after the harness's own mocks).
type activities struct{}

func (*activities) CreateMeeting(context.Context, meeting.Occurrence) (meeting.Created, error) {
	return meeting.Created{}, nil
}

func (*activities) CancelledMeeting(context.Context, meeting.Occurrence) (meeting.Created, error) {
	return meeting.Created{}, nil
}

func (*activities) ListParticipationALS(context.Context, meeting.ListParticipationALSInput) (meeting.ParticipationALSList, error) {
	return meeting.ParticipationALSList{}, nil
}

func (*activities) EvaluateParticipation(context.Context, meeting.EvaluateParticipationInput) (meeting.ParticipationEvaluation, error) {
	return meeting.ParticipationEvaluation{}, nil
}

func (*activities) PrepareDigests(context.Context, meeting.DigestBatchInput) (meeting.DigestBatch, error) {
	return meeting.DigestBatch{}, nil
}

func (*activities) BuildQuarterReport(context.Context, meeting.QuarterReportInput) (meeting.QuarterReportSummary, error) {
	return meeting.QuarterReportSummary{}, nil
}

var acts *activities

// TestActivityNames: the methods OnActivity registers carry the names the
// workflows call.
func TestActivityNames(t *testing.T) {
	h := newMeeting(t, time.Now())
	for _, fn := range []any{acts.CreateMeeting, acts.CancelledMeeting, acts.ListParticipationALS, acts.EvaluateParticipation,
		acts.PrepareDigests, acts.BuildQuarterReport} {
		h.Env.OnActivity(fn, mock.Anything, mock.Anything).Return(nil, nil)
	}
	for _, name := range []string{meeting.ActivityCreate, meeting.ActivityCancelled, meeting.ActivityListParticipationALS, meeting.ActivityEvaluateParticipation,
		meeting.ActivityPrepareDigests, meeting.ActivityBuildQuarterReport} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("activity %s is not registered by its method: %v", name, r)
				}
			}()
			h.Env.OnActivity(name, mock.Anything, mock.Anything).Return(nil, nil)
		}()
	}
}

// newMeeting prepares a run of the Meeting workflow at t0, its
// activities to be mocked by the test.
func newMeeting(t *testing.T, t0 time.Time) *processtest.Harness[meeting.Result] {
	return processtest.NewHarness[meeting.Result](t, meeting.Meeting, meeting.WorkflowName, "", t0)
}

// mockOccurrences answers CreateMeeting with three invitees, and keeps
// what it was asked.
func mockOccurrences(h *processtest.Harness[meeting.Result]) *[]meeting.Occurrence {
	var (
		mu  sync.Mutex // mocks run on their own goroutines
		got []meeting.Occurrence
	)
	h.Env.OnActivity(acts.CreateMeeting, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in meeting.Occurrence) (meeting.Created, error) {
			mu.Lock()
			got = append(got, in)
			mu.Unlock()
			id := in.MeetingID
			if id == "" {
				id = "mtg-" + in.StartsAt.Format("20060102")
			}
			return meeting.Created{MeetingID: id, Title: "Monthly call", StartsAt: in.StartsAt,
				Invitees:   []string{"m-1", "m-2", "m-3"},
				Invitation: workflows.Attachment{Filename: "invitation.ics", ContentType: "text/calendar; method=REQUEST", Data: []byte("BEGIN:VCALENDAR")}}, nil
		})
	return &got
}

func TestMeetingInvitesThenReminds(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := newMeeting(t, t0)
	mockOccurrences(h)
	res := h.Run(meeting.WorkflowName, meeting.Input{
		MeetingID: "mtg-1", StartsAt: t0.Add(72 * time.Hour), Reminder: 24 * time.Hour, CreatedBy: "m-staff",
	})
	if !res.Reminded || res.Invited != 3 || res.MeetingID != "mtg-1" {
		t.Fatalf("result %+v", res)
	}
	notes := h.Notes()
	if len(notes) != 2 {
		t.Fatalf("notifications %+v", notes)
	}
	inv, rem := notes[0], notes[1]
	if inv.In.Event != "meeting.invitation" || !inv.At.Equal(t0) || len(inv.In.Attachments) != 1 || len(inv.In.MemberIDs) != 3 {
		t.Fatalf("invitation %+v", inv)
	}
	if rem.In.Event != "meeting.reminder" || !rem.At.Equal(t0.Add(48*time.Hour)) {
		t.Fatalf("reminder %+v at %v", rem.In, rem.At)
	}
}

func TestMeetingScheduledIsTheNextOccurrence(t *testing.T) {
	fired := time.Date(2026, 1, 31, 15, 0, 0, 0, time.UTC)
	h := newMeeting(t, fired.Add(3*time.Second))
	if err := h.Env.SetTypedSearchAttributesOnStart(temporal.NewSearchAttributes(
		temporal.NewSearchAttributeKeyTime("TemporalScheduledStartTime").ValueSet(fired))); err != nil {
		t.Fatal(err)
	}
	got := mockOccurrences(h)
	until := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	h.Run(meeting.WorkflowName, meeting.Input{
		SeriesID: "ser-1", Recurrence: meeting.Recurrence{Months: 1}, Until: &until, Reminder: 24 * time.Hour,
	})
	// One month after January 31st is March 3rd in Go's calendar
	// arithmetic; the schedule's own calendar keeps the day of month.
	want := fired.AddDate(0, 1, 0)
	// The second call is the check, before the reminder, that the
	// occurrence it created was not cancelled since.
	if len(*got) != 2 || !(*got)[0].StartsAt.Equal(want) || (*got)[0].SeriesID != "ser-1" || (*got)[0].MeetingID != "" ||
		(*got)[1].MeetingID != "mtg-20260303" {
		t.Fatalf("occurrence %+v, want start %v", *got, want)
	}
}

func TestMeetingInThePastIsNotInvited(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := newMeeting(t, t0)
	got := mockOccurrences(h)
	res := h.Run(meeting.WorkflowName, meeting.Input{
		MeetingID: "mtg-past", StartsAt: t0.Add(-time.Hour), Reminder: time.Hour,
	})
	if res.Skipped == "" || len(*got) != 1 || len(h.Notes()) != 0 {
		t.Fatalf("result %+v, notifications %+v", res, h.Notes())
	}
}

func TestMeetingAfterUntilIsSkipped(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := newMeeting(t, t0)
	got := mockOccurrences(h)
	until := t0.Add(time.Hour)
	res := h.Run(meeting.WorkflowName, meeting.Input{
		SeriesID: "ser-1", Recurrence: meeting.Recurrence{Interval: 2 * time.Hour}, Until: &until,
	})
	if res.Skipped == "" || len(*got) != 0 {
		t.Fatalf("result %+v, created %v", res, *got)
	}
}

func TestMeetingParseRecurrence(t *testing.T) {
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

func TestMeetingCancelledGetsNoReminder(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := newMeeting(t, t0)
	calls := 0
	h.Env.OnActivity(acts.CreateMeeting, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in meeting.Occurrence) (meeting.Created, error) {
			calls++
			// Invited at once; cancelled by the time the reminder is due.
			return meeting.Created{MeetingID: in.MeetingID, Title: "Call", StartsAt: t0.Add(72 * time.Hour),
				Invitees: []string{"m-1"}, Cancelled: calls > 1}, nil
		})
	res := h.Run(meeting.WorkflowName, meeting.Input{
		MeetingID: "mtg-1", StartsAt: t0.Add(72 * time.Hour), Reminder: 24 * time.Hour,
	})
	if res.Reminded || res.Skipped != "cancelled" || calls != 2 {
		t.Fatalf("result %+v after %d checks", res, calls)
	}
	if notes := h.Notes(); len(notes) != 1 || notes[0].In.Event != "meeting.invitation" {
		t.Fatalf("notifications %+v", notes)
	}
}

func TestMeetingCancelledBeforeItsInvitation(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := newMeeting(t, t0)
	h.Env.OnActivity(acts.CreateMeeting, mock.Anything, mock.Anything).Return(
		meeting.Created{MeetingID: "mtg-1", Cancelled: true}, nil)
	res := h.Run(meeting.WorkflowName, meeting.Input{
		MeetingID: "mtg-1", StartsAt: t0.Add(72 * time.Hour), Reminder: 24 * time.Hour,
	})
	if res.Invited != 0 || res.Skipped != "cancelled" || len(h.Notes()) != 0 {
		t.Fatalf("result %+v, notifications %+v", res, h.Notes())
	}
}

func TestMeetingCancellationEmailsEachMeetingOnce(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := processtest.NewHarness[meeting.CancellationResult](t, meeting.MeetingCancellation, meeting.CancellationWorkflowName, "", t0)
	cancel := []byte("BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\n")
	h.Env.OnActivity(acts.CancelledMeeting, mock.Anything, mock.Anything).Return(
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
	res := h.Run(meeting.CancellationWorkflowName, meeting.CancellationInput{
		Key: "ser-1", MeetingIDs: []string{"mtg-a", "mtg-gone", "mtg-b"}})
	if len(res.Told) != 2 || res.Told["mtg-a"] != 2 || res.Told["mtg-b"] != 2 {
		t.Fatalf("result %+v", res)
	}
	notes := h.Notes()
	if len(notes) != 2 {
		t.Fatalf("notifications %+v", notes)
	}
	for i, id := range []string{"mtg-a", "mtg-b"} {
		n := notes[i].In
		if n.Event != "meeting.cancelled" || n.ObjectID != id || n.Step != "cancellation" || len(n.MemberIDs) != 2 ||
			len(n.Attachments) != 1 || string(n.Attachments[0].Data) != string(cancel) || workflows.NotifyWorkflowID(n) != "notify/meetings/"+id+"/cancellation" {
			t.Errorf("notification %d: %+v", i, n)
		}
	}
}
