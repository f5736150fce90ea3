// Package meeting holds process 5's workflows (SPEC "Participation,
// voting rights and recurring meetings"): Meeting, which invites to one
// meeting and reminds its invitees (started for a one-off meeting, or by
// a series' Temporal Schedule for each next occurrence);
// MeetingCancellation, which sends the iCalendar CANCEL of cancelled
// meetings; ParticipationReview, which applies LACRALO's inactivity
// rule to every ALS once a month, for ever; and, to keep members
// informed, MonthlyDigest and QuarterlyParticipationReport, each started
// by a Temporal Schedule.
//
// contract.go holds what callers share with the workflows (names, IDs,
// inputs and results); workflow.go the meeting and cancellation
// workflows; review.go the participation review; informed.go the digest
// and the quarterly report with their contract. They are not state
// machines with updates: each runs activities and timers in order. The
// package depends on the workflows contract and the Temporal SDK only:
// no other process package, no I/O (the activities do that).
package meeting

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lacralo/ralo/workflows"
)

// Workflow names of process 5 (participation and meetings).
const (
	// WorkflowName invites to one meeting and reminds the invitees.
	WorkflowName = "Meeting"
	// CancellationWorkflowName tells the invitees of cancelled
	// meetings, with an iCalendar CANCEL.
	CancellationWorkflowName = "MeetingCancellation"
	// ParticipationReviewWorkflowName applies the inactivity rule monthly.
	ParticipationReviewWorkflowName = "ParticipationReview"
	// ParticipationReviewWorkflowID is the single review's business key.
	ParticipationReviewWorkflowID = "participation-review"
)

// Activities of process 5.
const (
	// ActivityCreate creates a meeting occurrence (idempotently) and
	// returns its invitees and invitation, MeetingOccurrence -> MeetingCreated.
	ActivityCreate = "CreateMeeting"
	// ActivityCancelled returns a cancelled meeting's invitees and
	// its iCalendar CANCEL, MeetingOccurrence -> MeetingCreated.
	ActivityCancelled = "CancelledMeeting"
	// ActivityListParticipationALS lists the ALSes under review and the
	// staff to notify, ListParticipationALSInput -> ParticipationALSList.
	ActivityListParticipationALS = "ListParticipationALS"
	// ActivityEvaluateParticipation applies the inactivity rule to one ALS
	// and stores the result, EvaluateParticipationInput -> ParticipationEvaluation.
	ActivityEvaluateParticipation = "EvaluateParticipation"
)

const participationProcess = "participation"

// SeriesScheduleID is the ID of the Temporal Schedule of a series.
func SeriesScheduleID(seriesID string) string { return "meeting-series/" + seriesID }

// SeriesWorkflowID is the workflow ID a series' schedule starts its
// Meeting workflows under; the schedule appends "-" and the scheduled time.
func SeriesWorkflowID(seriesID string) string { return "meeting/" + seriesID }

// WorkflowID is the business key of the Meeting workflow of a
// one-off meeting or of a series' first occurrence.
func WorkflowID(key string, startsAt time.Time) string {
	return "meeting/" + key + "/" + startsAt.UTC().Format("20060102T150405Z")
}

// CancellationWorkflowID is the business key of the cancellation of
// a meeting or a series (key is its ID).
func CancellationWorkflowID(key string) string { return "meeting-cancel/" + key }

// Recurrence is how often a series meets: every Months calendar months
// (same day and time), or every Interval when Months is zero.
type Recurrence struct {
	Months   int           `json:"months"`
	Interval time.Duration `json:"interval"`
}

// Next is the occurrence after t.
func (r Recurrence) Next(t time.Time) time.Time {
	if r.Months > 0 {
		return t.AddDate(0, r.Months, 0)
	}
	return t.Add(r.Interval)
}

// Valid reports whether the recurrence moves time forward.
func (r Recurrence) Valid() bool { return r.Months > 0 || r.Interval > 0 }

// ParseRecurrence reads "1mo", "2mo" (any whole number of months dividing
// a year) or a duration as parseDuration reads it.
func ParseRecurrence(s string, parseDuration func(string) (time.Duration, error)) (Recurrence, error) {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "mo"); ok {
		m, err := strconv.Atoi(n)
		if err != nil || m <= 0 || 12%m != 0 {
			return Recurrence{}, fmt.Errorf("%q: a number of months must divide 12 (1mo, 2mo, 3mo, 4mo, 6mo, 12mo)", s)
		}
		return Recurrence{Months: m}, nil
	}
	d, err := parseDuration(s)
	if err != nil {
		return Recurrence{}, err
	}
	if d < time.Second {
		return Recurrence{}, fmt.Errorf("%q: a recurrence is at least one second", s)
	}
	return Recurrence{Interval: d}, nil
}

// Input starts a Meeting workflow. A one-off meeting and a series'
// first occurrence exist already (MeetingID and StartsAt are set); a
// scheduled occurrence leaves them empty and is the occurrence after the
// schedule's time, so that invitations go out one period ahead.
type Input struct {
	MeetingID  string        `json:"meeting_id"`
	SeriesID   string        `json:"series_id"`
	StartsAt   time.Time     `json:"starts_at"`
	Recurrence Recurrence    `json:"recurrence"`
	Until      *time.Time    `json:"until"`
	CreatedBy  string        `json:"created_by"`
	Reminder   time.Duration `json:"reminder"`
}

// Occurrence asks the activity to create (or find) one occurrence.
type Occurrence struct {
	MeetingID string    `json:"meeting_id"`
	SeriesID  string    `json:"series_id"`
	StartsAt  time.Time `json:"starts_at"`
	// Stamp is the workflow time, the invitation's DTSTAMP.
	Stamp time.Time `json:"stamp"`
}

// Created is the occurrence with its invitees and invitation.
// Cancelled means the series or the meeting was cancelled: nothing was
// created, and nobody is to be invited; from ActivityCancelled it
// means the opposite: Invitation is the CANCEL to send.
type Created struct {
	MeetingID  string               `json:"meeting_id"`
	Title      string               `json:"title"`
	StartsAt   time.Time            `json:"starts_at"`
	Location   string               `json:"location"`
	Invitees   []string             `json:"invitees"`
	Invitation workflows.Attachment `json:"invitation"`
	Cancelled  bool                 `json:"cancelled"`
}

// Result is what a Meeting workflow did.
type Result struct {
	MeetingID string    `json:"meeting_id"`
	StartsAt  time.Time `json:"starts_at"`
	Invited   int       `json:"invited"`
	Reminded  bool      `json:"reminded"`
	Skipped   string    `json:"skipped,omitempty"`
}

// CancellationInput names the meetings just cancelled, by the
// cancellation of one meeting or of a series (Key, the object cancelled).
type CancellationInput struct {
	Key        string   `json:"key"`
	MeetingIDs []string `json:"meeting_ids"`
}

// CancellationResult counts the members told of each cancellation.
type CancellationResult struct {
	Told map[string]int `json:"told"`
}

// ParticipationParams are the inactivity rule's policy values
// (participation.* in the policy), copied when the review starts.
type ParticipationParams struct {
	MissedCalls int           `json:"missed_calls"`
	Period      time.Duration `json:"period"`
	// CalendarYear counts the period by calendar year (participation.period:
	// calendar_year); false in reviews started before it, a rolling Period.
	CalendarYear  bool          `json:"calendar_year,omitempty"`
	WarningBefore time.Duration `json:"warning_before"`
	RestoreWithin time.Duration `json:"restore_within"`
}

// ParticipationReviewInput starts the periodic review. Every zero reviews
// at the start of each calendar month (UTC); Reviews is how many reviews a
// run does before continuing as new (default 12).
type ParticipationReviewInput struct {
	Params  ParticipationParams `json:"params"`
	Every   time.Duration       `json:"every"`
	Reviews int                 `json:"reviews"`
}

// ListParticipationALSInput asks for the ALSes under review.
type ListParticipationALSInput struct {
	At time.Time `json:"at"`
}

// ParticipationALSList lists the ALSes under review and the staff who are
// told of every change.
type ParticipationALSList struct {
	ALSIDs   []string `json:"als_ids"`
	StaffIDs []string `json:"staff_ids"`
}

// EvaluateParticipationInput applies the rule to one ALS at At.
type EvaluateParticipationInput struct {
	ALSID  string              `json:"als_id"`
	At     time.Time           `json:"at"`
	Params ParticipationParams `json:"params"`
}

// ParticipationTransition is one change of an ALS's voting status.
type ParticipationTransition struct {
	From   string    `json:"from"`
	To     string    `json:"to"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

// ParticipationEvaluation is an ALS's standing after a review, with the
// members who act for it (its representatives) to tell of a change.
type ParticipationEvaluation struct {
	ALSID       string                    `json:"als_id"`
	ALSName     string                    `json:"als_name"`
	Status      string                    `json:"status"`
	Transitions []ParticipationTransition `json:"transitions"`
	RepIDs      []string                  `json:"rep_ids"`
}

// Voting statuses as ParticipationTransition names them (domain.Voting*).
const (
	participationActive   = "active"
	participationWarned   = "warned"
	participationInactive = "inactive"
	participationReview   = "review"
)
