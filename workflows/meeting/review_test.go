package meeting_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/meeting"
	"github.com/lacralo/ralo/workflows/processtest"
)

// world is the fake registry behind the mocked participation activities:
// monthly calls on the 10th and an ALS's attendance, with the real
// inactivity rule applied to them.
type world struct {
	mu          sync.Mutex
	calls       []domain.MonthlyCall
	acts        []domain.Activity
	standing    domain.ALSParticipation
	statuses    map[string]string // review time -> status
	evaluations int
}

// monthlyCalls are the calls of the 10th of every month from January
// 2025 to January 2027; attended says which the ALS attended.
func monthlyCalls(attended func(time.Time) bool) *world {
	w := &world{statuses: map[string]string{}}
	for m := time.Date(2025, 1, 10, 14, 0, 0, 0, time.UTC); m.Before(time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)); m = m.AddDate(0, 1, 0) {
		id := "call-" + m.Format("2006-01")
		w.calls = append(w.calls, domain.MonthlyCall{MeetingID: id, At: m})
		if attended(m) {
			w.acts = append(w.acts, domain.Activity{ALSID: "als-1", Kind: domain.ActivityMonthlyCall, At: m, MeetingID: id})
		}
	}
	return w
}

// evaluate applies the real rule to the world, as the activity does.
func (w *world) evaluate(_ context.Context, in meeting.EvaluateParticipationInput) (meeting.ParticipationEvaluation, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.evaluations++
	p := domain.Params{MissedCalls: in.Params.MissedCalls, Period: in.Params.Period, CalendarYear: in.Params.CalendarYear,
		WarningBefore: in.Params.WarningBefore, RestoreWithin: in.Params.RestoreWithin}
	next, trs := domain.Evaluate(in.At, p, w.standing, w.calls, w.acts)
	w.standing = next
	w.statuses[in.At.Format("2006-01-02")] = string(next.Status)
	ev := meeting.ParticipationEvaluation{ALSID: in.ALSID, ALSName: "ALS Uno", Status: string(next.Status), RepIDs: []string{"m-rep"}}
	for _, tr := range trs {
		ev.Transitions = append(ev.Transitions, meeting.ParticipationTransition{From: string(tr.From), To: string(tr.To), At: tr.At, Reason: tr.Reason})
	}
	return ev, nil
}

// newReview prepares a run of ParticipationReview at start over w, with
// als-1 under review and staff told of every change.
func newReview(t *testing.T, start time.Time, w *world, staff ...string) *processtest.Harness[struct{}] {
	h := processtest.NewHarness[struct{}](t, meeting.ParticipationReview, meeting.ParticipationReviewWorkflowName, "", start)
	if w != nil {
		h.Env.OnActivity(acts.ListParticipationALS, mock.Anything, mock.Anything).Return(
			meeting.ParticipationALSList{ALSIDs: []string{"als-1"}, StaffIDs: staff}, nil)
		h.Env.OnActivity(acts.EvaluateParticipation, mock.Anything, mock.Anything).Return(w.evaluate)
	}
	return h
}

// runAYear runs twelve monthly reviews, after which the run continues as
// new.
func runAYear(t *testing.T, h *processtest.Harness[struct{}], params meeting.ParticipationParams) {
	t.Helper()
	h.Env.ExecuteWorkflow(meeting.ParticipationReviewWorkflowName, meeting.ParticipationReviewInput{Params: params})
	if err := h.Env.GetWorkflowError(); !workflow.IsContinueAsNewError(err) {
		t.Fatalf("want continue-as-new after a year, got %v", err)
	}
}

func TestReviewOverAYear(t *testing.T) {
	start := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	// The ALS attended until March 2025, then again in July 2026.
	w := monthlyCalls(func(m time.Time) bool {
		return m.Before(time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)) || m.Format("2006-01") == "2026-07"
	})
	h := newReview(t, start, w, "m-staff")
	runAYear(t, h, meeting.ParticipationParams{MissedCalls: 3, Period: 365 * processtest.Day, WarningBefore: 30 * processtest.Day, RestoreWithin: 365 * processtest.Day})
	if w.evaluations != 12 {
		t.Fatalf("%d evaluations, want 12", w.evaluations)
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
	notes := h.Notes()
	if len(notes) != len(wantEvents) {
		t.Fatalf("notifications %+v", notes)
	}
	for i, n := range notes {
		if n.In.Event != wantEvents[i] || n.In.ObjectID != "als-1" || len(n.In.MemberIDs) != 2 {
			t.Errorf("notification %d: %+v", i, n.In)
		}
	}
	// Data crosses the data converter: times arrive as RFC 3339 text.
	if due, _ := notes[0].In.Data["due"].(string); due != "2026-05-01T00:00:00Z" {
		t.Errorf("warning due %v", notes[0].In.Data["due"])
	}
	wantAudit := []string{"participation.warned", "participation.inactive", "participation.active"}
	audits := h.Audits()
	if len(audits) != len(wantAudit) {
		t.Fatalf("audits %+v", audits)
	}
	keys := map[string]bool{}
	for i, a := range audits {
		if a.Action != wantAudit[i] || a.ObjectID != "als-1" || keys[a.IdemKey] {
			t.Errorf("audit %d: %+v", i, a)
		}
		keys[a.IdemKey] = true
	}
}

func TestReviewRejectsZeroParams(t *testing.T) {
	h := newReview(t, time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), nil)
	h.Env.ExecuteWorkflow(meeting.ParticipationReviewWorkflowName, meeting.ParticipationReviewInput{})
	if err := h.Env.GetWorkflowError(); err == nil {
		t.Fatal("a review without parameters started")
	}
}

func TestReviewAsksStaffToReview(t *testing.T) {
	start := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	w := monthlyCalls(func(time.Time) bool { return false })
	h := newReview(t, start, w, "m-staff", "m-staff2")
	// Silent throughout; short periods so that review comes within a year.
	runAYear(t, h, meeting.ParticipationParams{MissedCalls: 3, Period: 90 * processtest.Day, WarningBefore: 30 * processtest.Day, RestoreWithin: 60 * processtest.Day})
	var events []string
	var review *workflows.NotifyInput
	notes := h.Notes()
	for i, n := range notes {
		events = append(events, n.In.Event)
		if n.In.Event == "participation.review" {
			review = &notes[i].In
		}
	}
	if strings.Join(events, " ") != "participation.warning participation.vote_lost participation.review" {
		t.Fatalf("events %v", events)
	}
	if strings.Join(review.MemberIDs, ",") != "m-staff,m-staff2" || review.ObjectID != "als-1" || review.Data["als"] != "ALS Uno" ||
		!strings.Contains(review.Data["reason"].(string), "review its accreditation") {
		t.Fatalf("review request %+v", review)
	}
	if audits := h.Audits(); audits[len(audits)-1].Action != "participation.review" {
		t.Fatalf("last audit %+v", audits[len(audits)-1])
	}
}
