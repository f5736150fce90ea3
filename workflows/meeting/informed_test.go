package meeting_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/meeting"
	"github.com/lacralo/ralo/workflows/processtest"
)

// TestMonthlyDigest: a run reads the members batch by batch and emails
// each one with something open their digest, keyed by month and member;
// a member with nothing open gets none.
func TestMonthlyDigest(t *testing.T) {
	h := processtest.NewHarness[struct{}](t, meeting.MonthlyDigest, meeting.DigestWorkflowName, "", time.Date(2027, 5, 1, 9, 0, 0, 0, time.UTC))
	due := time.Date(2027, 5, 10, 15, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	var asked []meeting.DigestBatchInput
	h.Env.OnActivity(acts.PrepareDigests, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in meeting.DigestBatchInput) (meeting.DigestBatch, error) {
			mu.Lock()
			defer mu.Unlock()
			asked = append(asked, in)
			if in.After == "" {
				return meeting.DigestBatch{Next: "m-2", Digests: []meeting.MemberDigest{
					{MemberID: "m-1", Items: []meeting.DigestItem{{Process: "election", ID: "el-1", Title: "Chair", Action: "vote", Deadline: "voting_close", Due: &due}}},
					{MemberID: "m-2"},
				}}, nil
			}
			return meeting.DigestBatch{Next: "m-3", Done: true, Digests: []meeting.MemberDigest{
				{MemberID: "m-3", Items: []meeting.DigestItem{{Process: "statement", ID: "st-1", Title: "IDN"}}},
			}}, nil
		})
	h.Env.ExecuteWorkflow(meeting.DigestWorkflowName, meeting.DigestInput{Batch: 2})
	var res meeting.DigestResult
	if err := h.Env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if res != (meeting.DigestResult{Month: "2027-05", Members: 3, Sent: 2}) {
		t.Fatalf("result %+v", res)
	}
	if len(asked) != 2 || asked[0].Limit != 2 || asked[1].After != "m-2" || asked[0].Month != "2027-05" {
		t.Fatalf("batches asked %+v", asked)
	}
	notes := h.NotesOf("digest.monthly")
	if len(notes) != 2 {
		t.Fatalf("digests %+v", h.Notes())
	}
	for i, want := range []string{"m-1", "m-3"} {
		n := notes[i].In
		if n.ObjectID != "2027-05/"+want || n.Process != "digest" || len(n.MemberIDs) != 1 || n.MemberIDs[0] != want ||
			n.Data["month"] != "2027-05" || n.Data["member_id"] != want {
			t.Errorf("digest %d: %+v", i, n)
		}
	}
	items, _ := notes[0].In.Data["items"].([]any)
	first, _ := items[0].(map[string]any)
	if len(items) != 1 || first["action"] != "vote" || first["due"] != "2027-05-10T15:00:00Z" {
		t.Errorf("items of m-1: %#v", notes[0].In.Data["items"])
	}
	if workflows.NotifyWorkflowID(notes[0].In) != "notify/digest/2027-05/m-1/monthly" {
		t.Errorf("a second run of the month would not be deduplicated: %s", workflows.NotifyWorkflowID(notes[0].In))
	}
}

// TestMonthlyDigestBadMonth refuses a month that is not YYYY-MM.
func TestMonthlyDigestBadMonth(t *testing.T) {
	h := processtest.NewHarness[struct{}](t, meeting.MonthlyDigest, meeting.DigestWorkflowName, "", time.Date(2027, 5, 1, 9, 0, 0, 0, time.UTC))
	h.Env.ExecuteWorkflow(meeting.DigestWorkflowName, meeting.DigestInput{Month: "May"})
	if err := h.Env.GetWorkflowError(); err == nil {
		t.Fatal("a digest for month \"May\" ran")
	}
}

// TestQuarterlyReport: the run of 1 July reports the second quarter: a
// public audit entry with the CSV's hash and an email to staff with the
// CSV attached and the figures.
func TestQuarterlyReport(t *testing.T) {
	h := processtest.NewHarness[struct{}](t, meeting.QuarterlyParticipationReport, meeting.QuarterlyReportWorkflowName, "",
		time.Date(2027, 7, 1, 6, 0, 0, 0, time.UTC))
	var asked string
	h.Env.OnActivity(acts.BuildQuarterReport, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in meeting.QuarterReportInput) (meeting.QuarterReportSummary, error) {
			asked = in.Quarter
			return meeting.QuarterReportSummary{Quarter: in.Quarter, ALSes: 2, MonthlyCalls: 3,
				Totals:    meeting.Indicators{MeetingsAttended: 4, BallotsCast: 2, Comments: 5, MailingList: 7},
				Observers: meeting.Indicators{Comments: 1}, CSV: []byte("als_id,name\n"), SHA256: "abc",
				PublicURL: "https://ralo.example/api/v1/public/participation/2027-Q2.csv"}, nil
		})
	h.Env.ExecuteWorkflow(meeting.QuarterlyReportWorkflowName, meeting.QuarterReportInput{})
	if err := h.Env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if asked != "2027-Q2" {
		t.Fatalf("reported %q, want the quarter just ended, 2027-Q2", asked)
	}
	audits := h.Audits()
	if len(audits) != 1 || audits[0].Action != "participation.quarterly_report" || audits[0].Audience != "public" ||
		audits[0].ObjectID != "2027-Q2" || !strings.Contains(audits[0].IdemKey, "2027-Q2") {
		t.Fatalf("audit %+v", audits)
	}
	notes := h.NotesOf("participation.quarterly")
	if len(notes) != 1 {
		t.Fatalf("notes %+v", h.Notes())
	}
	n := notes[0].In
	if n.Audience != workflows.AudienceStaff || len(n.Attachments) != 1 || string(n.Attachments[0].Data) != "als_id,name\n" ||
		n.Attachments[0].Filename != "participation-2027-Q2.csv" || n.Data["comments"] != float64(5) || n.Data["observer_comments"] != float64(1) ||
		n.Data["sha256"] != "abc" || n.Data["link"] != "https://ralo.example/api/v1/public/participation/2027-Q2.csv" {
		t.Fatalf("staff email %+v", n)
	}
}

func TestQuarterName(t *testing.T) {
	for at, want := range map[time.Time]string{
		time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC):                       "2027-Q1",
		time.Date(2027, 3, 31, 23, 59, 0, 0, time.UTC):                    "2027-Q1",
		time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC):                       "2027-Q2",
		time.Date(2026, 12, 31, 22, 0, 0, 0, time.FixedZone("", -3*3600)): "2027-Q1",
	} {
		if got := meeting.QuarterName(at); got != want {
			t.Errorf("QuarterName(%s) = %s, want %s", at, got, want)
		}
	}
}

// TestReviewCalendarYearAcrossNewYear: with LACRALO's calendar-year
// rule, an ALS whose last participation was in January 2025 keeps its
// standing through 2026 (2025 is the last complete year) and is warned at
// the review of 1 January 2027, after a whole calendar year of silence;
// the rolling rule warns it a year after its last act, in February 2026.
func TestReviewCalendarYearAcrossNewYear(t *testing.T) {
	onlyJanuary2025 := func(m time.Time) bool { return m.Format("2006-01") == "2025-01" }
	for _, tt := range []struct {
		name     string
		calendar bool
		want     map[string]string
	}{
		{"calendar_year", true, map[string]string{"2026-02-01": "active", "2026-12-01": "active", "2027-01-01": "warned"}},
		{"rolling", false, map[string]string{"2026-02-01": "warned", "2026-04-01": "inactive", "2027-01-01": "inactive"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := monthlyCalls(onlyJanuary2025)
			h := newReview(t, time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), w, "m-staff")
			runAYear(t, h, meeting.ParticipationParams{MissedCalls: 3, Period: 365 * processtest.Day, CalendarYear: tt.calendar,
				WarningBefore: 30 * processtest.Day, RestoreWithin: 365 * processtest.Day})
			for day, want := range tt.want {
				if got := w.statuses[day]; got != want {
					t.Errorf("status on %s: %q, want %q (all: %v)", day, got, want, w.statuses)
				}
			}
		})
	}
}
