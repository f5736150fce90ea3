package arbitration_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/arbitration"
	"github.com/lacralo/ralo/workflows/processtest"
)

// t0 is when every test case is filed; offsets below are from it.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// The people of the test cases.
const (
	staffID       = "m-staff"
	arbitratorID  = "m-arb"
	arbitrator2ID = "m-arb2"
	partyID       = "m-ana" // a member party, who filed
	repID         = "m-rep" // the representative of the ALS party
	outsiderID    = "m-out"
)

var (
	staff       = workflows.Actor{MemberID: staffID, Roles: []string{"member", "staff"}}
	arbitrator  = workflows.Actor{MemberID: arbitratorID, Roles: []string{"member", "arbitrator"}}
	arbitrator2 = workflows.Actor{MemberID: arbitrator2ID, Roles: []string{"member", "arbitrator"}}
	party       = workflows.Actor{MemberID: partyID, Roles: []string{"member"}}
	rep         = workflows.Actor{MemberID: repID, Roles: []string{"member", "als_rep"}}
	stranger    = workflows.Actor{MemberID: outsiderID, Roles: []string{"member"}}
)

func input(caseID string) arbitration.Input {
	return arbitration.Input{
		CaseID:   caseID,
		Question: "Does article 12 allow an ALS to vote by proxy in a regional election?",
		Articles: []string{"12", "14.2"},
		Parties: []arbitration.Party{
			{Kind: arbitration.PartyMember, ID: partyID},
			{Kind: arbitration.PartyALS, ID: "als-7"},
		},
		NotifyMemberIDs: []string{repID},
		FiledBy:         partyID,
		Periods: arbitration.Periods{
			ChallengeWindow:   workflows.Duration(5 * processtest.Day),
			Submissions:       workflows.Duration(14 * processtest.Day),
			RulingDue:         workflows.Duration(30 * processtest.Day),
			MaxExtension:      workflows.Duration(15 * processtest.Day),
			OverdueAlertEvery: workflows.Duration(processtest.Day),
			Reminders:         []workflows.Duration{workflows.Duration(7 * processtest.Day), workflows.Duration(3 * processtest.Day), workflows.Duration(processtest.Day)},
		},
		StaffIDs: []string{staffID},
		FiledAt:  t0,
	}
}

// harness runs the real Arbitration workflow in the time-skipping test
// environment (see processtest.Harness).
type harness = processtest.Harness[arbitration.State]

func newHarness(t *testing.T) *harness {
	t.Helper()
	return processtest.NewHarness[arbitration.State](t, arbitration.Arbitration, arbitration.WorkflowName, arbitration.Query, t0)
}

// run executes the case and returns its final state; the case must end
// with a ruling.
func run(h *harness, in arbitration.Input) arbitration.State {
	h.T.Helper()
	return h.Run(arbitration.WorkflowName, in)
}

// runCancelled executes a case that the test ends with CancelAt.
func runCancelled(h *harness, in arbitration.Input) {
	h.T.Helper()
	h.RunCancelled(arbitration.WorkflowName, in)
}

// toHearing assigns and confirms the arbitrator and schedules the hearing
// for T0+startsAt once submissions are open.
func toHearing(h *harness, startsAt time.Duration) {
	h.OK(h.Update(time.Hour, arbitration.UpdateAssign, arbitration.AssignInput{Actor: staff, ArbitratorID: arbitratorID}))
	h.OK(h.Update(2*time.Hour, arbitration.UpdateConfirm, arbitration.ConfirmInput{Actor: arbitrator}))
	h.OK(h.Update(5*processtest.Day+2*time.Hour, arbitration.UpdateHearing, arbitration.HearingInput{
		Actor: arbitrator, StartsAt: t0.Add(startsAt), Duration: workflows.Duration(2 * time.Hour), Location: "https://meet.example.org/arb",
	}))
}

func at(d time.Duration) time.Time { return t0.Add(d) }

func wantStatus(t *testing.T, label string, st *arbitration.State, status string) {
	t.Helper()
	if st.Status != status {
		t.Errorf("%s: status %q, want %q", label, st.Status, status)
	}
}

// TestArbitrationFullClock runs a case through every phase on the default
// 30-day clock, checking the state along the way and that the reminders go
// out at exactly 7, 3 and 1 days before the ruling is due.
func TestArbitrationFullClock(t *testing.T) {
	h := newHarness(t)
	assigned := h.OK(h.Update(time.Hour, arbitration.UpdateAssign, arbitration.AssignInput{Actor: staff, ArbitratorID: arbitratorID}))
	confirmed := h.OK(h.Update(2*time.Hour, arbitration.UpdateConfirm, arbitration.ConfirmInput{Actor: arbitrator}))
	atAssigned := h.Query(3 * time.Hour)
	atSubmissions := h.Query(5*processtest.Day + 2*time.Hour)
	h.OK(h.Update(6*processtest.Day, arbitration.UpdateSubmit, arbitration.SubmitInput{
		Actor: rep, Text: "Our ALS reads article 12 as allowing proxies.", Links: []string{"https://example.org/brief.pdf"},
	}))
	h.OK(h.Update(7*processtest.Day, arbitration.UpdateHearing, arbitration.HearingInput{
		Actor: arbitrator, StartsAt: at(20 * processtest.Day), Duration: workflows.Duration(2 * time.Hour), Location: "https://meet.example.org/arb",
	}))
	atHearing := h.Query(7*processtest.Day + time.Hour)
	atRulingDue := h.Query(20*processtest.Day + time.Hour)
	atReminders := h.Query(48 * processtest.Day)
	rulingText := "Article 12 allows a proxy.\r\nSo ruled.  \n"
	ruled := h.OK(h.Update(49*processtest.Day+12*time.Hour, arbitration.UpdateRuling, arbitration.RulingInput{
		Actor: arbitrator, Outcome: workflows.RulingDecided, Text: rulingText, Articles: []string{"12"},
	}))

	final := run(h, input("A-1"))

	if assigned.State.Status != arbitration.StatusAssigned || assigned.State.ArbitratorID != arbitratorID {
		t.Errorf("assign answered %q/%q", assigned.State.Status, assigned.State.ArbitratorID)
	}
	if !confirmed.State.Confirmed {
		t.Error("confirm answered an unconfirmed state")
	}
	wantStatus(t, "T0+3h", atAssigned, arbitration.StatusAssigned)
	processtest.WantDeadlines(t, "T0+3h", atAssigned.Deadlines, workflows.Deadline{Name: "challenge_window", At: at(5*processtest.Day + time.Hour)})
	wantStatus(t, "T0+5d2h", atSubmissions, arbitration.StatusSubmissions)
	processtest.WantDeadlines(t, "T0+5d2h", atSubmissions.Deadlines, workflows.Deadline{Name: "submissions", At: at(19*processtest.Day + time.Hour)})
	wantStatus(t, "T0+7d1h", atHearing, arbitration.StatusHearingScheduled)
	processtest.WantDeadlines(t, "T0+7d1h", atHearing.Deadlines,
		workflows.Deadline{Name: "submissions", At: at(19*processtest.Day + time.Hour)},
		workflows.Deadline{Name: "hearing", At: at(20 * processtest.Day)})
	if len(atHearing.Submissions) != 1 || atHearing.Submissions[0].By != repID {
		t.Errorf("submissions at T0+7d1h: %+v", atHearing.Submissions)
	}
	wantStatus(t, "T0+20d1h", atRulingDue, arbitration.StatusRulingDue)
	if atRulingDue.DueAt == nil || !atRulingDue.DueAt.Equal(at(50*processtest.Day)) {
		t.Errorf("due at T0+20d1h: %v, want T0+50d", atRulingDue.DueAt)
	}
	processtest.WantDeadlines(t, "T0+20d1h", atRulingDue.Deadlines, workflows.Deadline{Name: "ruling", At: at(50 * processtest.Day)})
	if !slices.Equal(atReminders.RemindersSent, []string{"reminder/7d", "reminder/3d"}) {
		t.Errorf("reminders sent by T0+48d: %v", atReminders.RemindersSent)
	}

	// The reminders, to the arbitrator only, at due-7d, due-3d, due-1d.
	reminders := h.NotesOf("arbitration.ruling_reminder")
	wantTimes := []time.Time{at(43 * processtest.Day), at(47 * processtest.Day), at(49 * processtest.Day)}
	wantDays := []float64{7, 3, 1}
	if len(reminders) != len(wantTimes) {
		t.Fatalf("%d reminders, want 3: %+v", len(reminders), reminders)
	}
	for i, n := range reminders {
		if !n.At.Equal(wantTimes[i]) {
			t.Errorf("reminder %d sent at %v, want %v", i, n.At, wantTimes[i])
		}
		if n.In.Data["days_left"] != wantDays[i] || !processtest.DataTime(t, n, "due").Equal(at(50*processtest.Day)) {
			t.Errorf("reminder %d data %v", i, n.In.Data)
		}
		if !slices.Equal(n.In.MemberIDs, []string{arbitratorID}) {
			t.Errorf("reminder %d to %v", i, n.In.MemberIDs)
		}
	}
	if n := h.NotesOf("arbitration.ruling_overdue"); len(n) != 0 {
		t.Errorf("overdue alerts on a ruling in time: %d", len(n))
	}

	// The ruling: immutable, hashed, public, notified.
	canonical := "Article 12 allows a proxy.\nSo ruled."
	sum := sha256.Sum256([]byte(canonical))
	wantHash := hex.EncodeToString(sum[:])
	if final.Status != arbitration.StatusRuled || final.Ruling == nil {
		t.Fatalf("final state %q, ruling %v", final.Status, final.Ruling)
	}
	if final.Ruling.Text != canonical || final.Ruling.Hash != wantHash || arbitration.RulingTextHash(rulingText) != wantHash {
		t.Errorf("ruling %+v, want hash %s of %q", final.Ruling, wantHash, canonical)
	}
	if ruled.State.Ruling == nil || ruled.State.Status != arbitration.StatusRuled {
		t.Errorf("ruling update answered %+v", ruled.State)
	}
	if !h.Env.Now().Before(at(50 * processtest.Day)) {
		t.Errorf("the case ended at %v, after the due date", h.Env.Now())
	}
	rulingAudit := h.AuditOf("arbitration.ruling")
	if len(rulingAudit) != 1 || rulingAudit[0].Audience != "public" || rulingAudit[0].IdemKey != "arbitration/A-1/ruling" {
		t.Fatalf("ruling audit %+v", rulingAudit)
	}
	if d, _ := rulingAudit[0].Details.(map[string]any); d["sha256"] != wantHash || d["outcome"] != workflows.RulingDecided {
		t.Errorf("ruling audit details %v", rulingAudit[0].Details)
	}
	rulingNotes := h.NotesOf("arbitration.ruling")
	if len(rulingNotes) != 1 || !slices.Equal(rulingNotes[0].In.MemberIDs, processtest.Sorted(arbitratorID, partyID, staffID, repID)) ||
		rulingNotes[0].In.Data["outcome"] != workflows.RulingDecided {
		t.Errorf("ruling notifications %+v", rulingNotes)
	}

	wantActions := []string{
		"arbitration.filed", "arbitration.assigned", "arbitration.confirmed", "arbitration.submissions_opened",
		"arbitration.submission", "arbitration.hearing_scheduled", "arbitration.submissions_closed",
		"arbitration.ruling_due", "arbitration.ruling",
	}
	if got := h.AuditActions(); !slices.Equal(got, wantActions) {
		t.Errorf("audit actions\n got %v\nwant %v", got, wantActions)
	}
	for _, a := range h.Audits() {
		if a.Process != "arbitration" || a.ObjectID != "A-1" || !strings.HasPrefix(a.IdemKey, "arbitration/A-1/") {
			t.Errorf("audit entry %+v", a)
		}
		if a.Audience != "public" && a.Audience != "members" {
			t.Errorf("audit %s audience %q", a.Action, a.Audience)
		}
	}
	if a := h.AuditOf("arbitration.assigned"); len(a) != 1 || a[0].Actor != staffID ||
		!slices.Equal(a[0].Members, processtest.Sorted(arbitratorID, partyID, repID)) {
		t.Errorf("assigned audit %+v", a)
	}

	// Every notification names the case and its title, under a unique step.
	steps := map[string]bool{}
	for _, n := range h.Notes() {
		if n.In.Data["case_id"] != "A-1" || n.In.Data["title"] == "" || n.In.Process != "arbitration" {
			t.Errorf("notification %s data %v", n.In.Event, n.In.Data)
		}
		if steps[n.In.Step] {
			t.Errorf("step %s notified twice", n.In.Step)
		}
		steps[n.In.Step] = true
	}
	filed := h.NotesOf("arbitration.filed")
	if len(filed) != 1 || !filed[0].At.Equal(t0) || !slices.Equal(filed[0].In.MemberIDs, processtest.Sorted(partyID, staffID, repID)) {
		t.Errorf("filed notification %+v", filed)
	}
	if a := h.NotesOf("arbitration.assigned"); len(a) != 1 || !processtest.DataTime(t, a[0], "due").Equal(at(5*processtest.Day+time.Hour)) {
		t.Errorf("assigned notification %+v", a)
	}

	var statuses []string
	for _, s := range h.Saves() {
		statuses = append(statuses, s.Status)
	}
	wantStatuses := []string{"filed", "assigned", "submissions", "hearing_scheduled", "ruling_due", "ruled"}
	if !slices.Equal(statuses, wantStatuses) {
		t.Errorf("cases index statuses %v, want %v", statuses, wantStatuses)
	}
	saves := h.Saves()
	if last := saves[len(saves)-1]; !slices.Equal(last.Members, processtest.Sorted(arbitratorID, partyID, repID)) || last.Process != "arbitration" {
		t.Errorf("cases index row %+v", last)
	}
}

// TestArbitrationOverdue checks that staff are alerted every day once the
// ruling is late, and that the ruling stops the alerts.
func TestArbitrationOverdue(t *testing.T) {
	h := newHarness(t)
	toHearing(h, 6*processtest.Day) // due T0+36d
	beforeDue := h.Query(35*processtest.Day + 12*time.Hour)
	firstDay := h.Query(36*processtest.Day + time.Hour)
	afterFour := h.Query(40*processtest.Day + 6*time.Hour)
	h.OK(h.Update(40*processtest.Day+12*time.Hour, arbitration.UpdateRuling, arbitration.RulingInput{
		Actor: arbitrator, Outcome: workflows.RulingDismissed, Text: "Dismissed: the question is moot.",
	}))

	final := run(h, input("A-2"))

	wantStatus(t, "T0+35d12h", beforeDue, arbitration.StatusRulingDue)
	wantStatus(t, "T0+36d1h", firstDay, arbitration.StatusOverdue)
	if firstDay.OverdueAlerts != 1 {
		t.Errorf("alerts on the first processtest.Day: %d", firstDay.OverdueAlerts)
	}
	wantStatus(t, "T0+40d6h", afterFour, arbitration.StatusOverdue)
	if afterFour.OverdueAlerts != 5 {
		t.Errorf("alerts after 4 days overdue: %d, want 5", afterFour.OverdueAlerts)
	}
	alerts := h.NotesOf("arbitration.ruling_overdue")
	if len(alerts) != 5 {
		t.Fatalf("%d overdue alerts, want 5 (the ruling stops them)", len(alerts))
	}
	for i, n := range alerts {
		if want := at(36*processtest.Day + time.Duration(i)*processtest.Day); !n.At.Equal(want) {
			t.Errorf("alert %d at %v, want %v", i, n.At, want)
		}
		if !slices.Equal(n.In.MemberIDs, processtest.Sorted(arbitratorID, staffID)) || n.In.Step != "overdue/"+strconv.Itoa(i+1) {
			t.Errorf("alert %d: step %s to %v", i, n.In.Step, n.In.MemberIDs)
		}
		if !processtest.DataTime(t, n, "due").Equal(at(36 * processtest.Day)) {
			t.Errorf("alert %d data %v", i, n.In.Data)
		}
	}
	if a := h.AuditOf("arbitration.overdue"); len(a) != 1 || a[0].Actor != "system" {
		t.Errorf("overdue audited %+v, want once", a)
	}
	if final.OverdueAlerts != 5 || final.Status != arbitration.StatusRuled {
		t.Errorf("final: %d alerts, status %q", final.OverdueAlerts, final.Status)
	}
	if got := len(h.NotesOf("arbitration.ruling_reminder")); got != 3 {
		t.Errorf("%d reminders, want 3", got)
	}
}

// TestArbitrationExtension checks the one extension: limits, the moved
// deadline and reminders rescheduled against it.
func TestArbitrationExtension(t *testing.T) {
	h := newHarness(t)
	h.Refused(h.Update(3*processtest.Day, arbitration.UpdateExtend, arbitration.ExtendInput{Actor: arbitrator, Days: 3, Reason: "early"}), workflows.ErrInvalidState)
	toHearing(h, 6*processtest.Day) // due T0+36d; first reminder T0+29d
	h.Refused(h.Update(30*processtest.Day, arbitration.UpdateExtend, arbitration.ExtendInput{Actor: party, Days: 3, Reason: "help"}), workflows.ErrForbidden)
	h.Refused(h.Update(30*processtest.Day+time.Hour, arbitration.UpdateExtend, arbitration.ExtendInput{Actor: arbitrator, Days: 0, Reason: "none"}), workflows.ErrInvalidInput)
	h.Refused(h.Update(30*processtest.Day+2*time.Hour, arbitration.UpdateExtend, arbitration.ExtendInput{Actor: arbitrator, Days: 5, Reason: " "}), workflows.ErrInvalidInput)
	h.Refused(h.Update(31*processtest.Day, arbitration.UpdateExtend, arbitration.ExtendInput{Actor: arbitrator, Days: 16, Reason: "too long"}), workflows.ErrInvalidInput)
	extended := h.OK(h.Update(31*processtest.Day+time.Hour, arbitration.UpdateExtend, arbitration.ExtendInput{
		Actor: arbitrator, Days: 10, Reason: "Waiting for the Portuguese translation of a submission",
	}))
	h.Refused(h.Update(31*processtest.Day+2*time.Hour, arbitration.UpdateExtend, arbitration.ExtendInput{Actor: arbitrator, Days: 1, Reason: "again"}), workflows.ErrInvalidState)
	atOldDue := h.Query(36*processtest.Day + time.Hour)
	h.OK(h.Update(45*processtest.Day+12*time.Hour, arbitration.UpdateRuling, arbitration.RulingInput{
		Actor: arbitrator, Outcome: workflows.RulingDecided, Text: "Decided.", Articles: []string{"12"},
	}))

	final := run(h, input("A-3"))

	st := extended.State
	if st.DueAt == nil || !st.DueAt.Equal(at(46*processtest.Day)) || st.Extension == nil || st.Extension.Days != 10 ||
		!st.Extension.PreviousDue.Equal(at(36*processtest.Day)) || st.Status != arbitration.StatusRulingDue {
		t.Errorf("extension answered due %v, extension %+v, status %q", st.DueAt, st.Extension, st.Status)
	}
	wantStatus(t, "old due date", atOldDue, arbitration.StatusRulingDue)
	processtest.WantDeadlines(t, "old due date", atOldDue.Deadlines, workflows.Deadline{Name: "ruling", At: at(46 * processtest.Day)})

	reminders := h.NotesOf("arbitration.ruling_reminder")
	want := []struct {
		at   time.Time
		step string
		days float64
		due  time.Time
	}{
		{at(29 * processtest.Day), "reminder/7d", 7, at(36 * processtest.Day)},
		{at(39 * processtest.Day), "reminder/extended/7d", 7, at(46 * processtest.Day)},
		{at(43 * processtest.Day), "reminder/extended/3d", 3, at(46 * processtest.Day)},
		{at(45 * processtest.Day), "reminder/extended/1d", 1, at(46 * processtest.Day)},
	}
	if len(reminders) != len(want) {
		t.Fatalf("reminders %+v, want %d", reminders, len(want))
	}
	for i, w := range want {
		n := reminders[i]
		if !n.At.Equal(w.at) || n.In.Step != w.step || n.In.Data["days_left"] != w.days || !processtest.DataTime(t, n, "due").Equal(w.due) {
			t.Errorf("reminder %d: %s at %v data %v, want %s at %v", i, n.In.Step, n.At, n.In.Data, w.step, w.at)
		}
	}
	if n := h.NotesOf("arbitration.ruling_overdue"); len(n) != 0 {
		t.Errorf("overdue alerts for the old deadline: %+v", n)
	}
	ext := h.NotesOf("arbitration.extended")
	if len(ext) != 1 || !processtest.DataTime(t, ext[0], "due").Equal(at(46*processtest.Day)) || ext[0].In.Data["reason"] == "" ||
		!slices.Contains(ext[0].In.MemberIDs, partyID) || !slices.Contains(ext[0].In.MemberIDs, staffID) {
		t.Errorf("extended notifications %+v", ext)
	}
	if !slices.Equal(final.RemindersSent, []string{"reminder/7d", "reminder/extended/7d", "reminder/extended/3d", "reminder/extended/1d"}) {
		t.Errorf("reminders sent %v", final.RemindersSent)
	}
}

// TestArbitrationRulingRefusals checks who may rule and when, and that a
// ruling is immutable.
func TestArbitrationRulingRefusals(t *testing.T) {
	h := newHarness(t)
	toHearing(h, 6*processtest.Day)
	good := arbitration.RulingInput{Actor: arbitrator, Outcome: workflows.RulingDecided, Text: "Decided.", Articles: []string{"12"}}
	h.Refused(h.Update(5*processtest.Day+3*time.Hour, arbitration.UpdateRuling, good), workflows.ErrInvalidState)
	byParty := good
	byParty.Actor = party
	h.Refused(h.Update(6*processtest.Day+time.Hour, arbitration.UpdateRuling, byParty), workflows.ErrForbidden)
	byOther := good
	byOther.Actor = arbitrator2 // an arbitrator, but not this case's
	h.Refused(h.Update(6*processtest.Day+time.Hour, arbitration.UpdateRuling, byOther), workflows.ErrForbidden)
	noText := good
	noText.Text = " \n "
	h.Refused(h.Update(6*processtest.Day+2*time.Hour, arbitration.UpdateRuling, noText), workflows.ErrInvalidInput)
	appealOutcome := good
	appealOutcome.Outcome = workflows.RulingUphold // not an appeal
	h.Refused(h.Update(6*processtest.Day+2*time.Hour, arbitration.UpdateRuling, appealOutcome), workflows.ErrInvalidInput)

	first := h.OK(&processtest.Result[arbitration.State]{Name: arbitration.UpdateRuling})
	second := h.Refused(&processtest.Result[arbitration.State]{Name: arbitration.UpdateRuling}, workflows.ErrInvalidState)
	h.Env.RegisterDelayedCallback(func() {
		h.Send(first, good)
		other := good
		other.Outcome = workflows.RulingDismissed
		h.Send(second, other)
	}, 6*processtest.Day+3*time.Hour)

	final := run(h, input("A-4"))
	if final.Ruling == nil || final.Ruling.Outcome != workflows.RulingDecided {
		t.Errorf("final ruling %+v", final.Ruling)
	}
	if n := len(h.AuditOf("arbitration.ruling")); n != 1 {
		t.Errorf("%d ruling audit entries", n)
	}
}

// TestArbitrationChallenge checks challenges: a sustained one removes the
// arbitrator and the case is assigned again; a rejected one keeps them.
func TestArbitrationChallenge(t *testing.T) {
	h := newHarness(t)
	h.OK(h.Update(time.Hour, arbitration.UpdateAssign, arbitration.AssignInput{Actor: staff, ArbitratorID: arbitratorID}))
	h.Refused(h.Update(2*time.Hour, arbitration.UpdateChallenge, arbitration.ChallengeInput{Actor: stranger, Reason: "x"}), workflows.ErrForbidden)
	h.Refused(h.Update(3*time.Hour, arbitration.UpdateDecideChallenge, arbitration.DecideChallengeInput{Actor: staff, Decision: arbitration.ChallengeSustain}), workflows.ErrInvalidState)
	h.Refused(h.Update(4*time.Hour, arbitration.UpdateChallenge, arbitration.ChallengeInput{Actor: party, Reason: ""}), workflows.ErrInvalidInput)
	challenged := h.OK(h.Update(processtest.Day, arbitration.UpdateChallenge, arbitration.ChallengeInput{Actor: party, Reason: "The arbitrator advised the other party"}))
	h.Refused(h.Update(processtest.Day+2*time.Hour, arbitration.UpdateDecideChallenge, arbitration.DecideChallengeInput{Actor: party, Decision: arbitration.ChallengeSustain}), workflows.ErrForbidden)
	h.Refused(h.Update(processtest.Day+3*time.Hour, arbitration.UpdateChallenge, arbitration.ChallengeInput{Actor: rep, Reason: "again"}), workflows.ErrInvalidState)
	h.Refused(h.Update(processtest.Day+4*time.Hour, arbitration.UpdateDecideChallenge, arbitration.DecideChallengeInput{Actor: staff, Decision: "maybe"}), workflows.ErrInvalidInput)
	sustained := h.OK(h.Update(2*processtest.Day, arbitration.UpdateDecideChallenge, arbitration.DecideChallengeInput{Actor: staff, Decision: arbitration.ChallengeSustain, Reason: "Confirmed by the record"}))
	h.Refused(h.Update(2*processtest.Day+time.Hour, arbitration.UpdateAssign, arbitration.AssignInput{Actor: staff, ArbitratorID: arbitratorID}), workflows.ErrInvalidInput)
	conflicted := h.Refused(h.Update(2*processtest.Day+2*time.Hour, arbitration.UpdateAssign, arbitration.AssignInput{
		Actor: staff, ArbitratorID: arbitrator2ID, Conflicts: []string{"the arbitrator m-arb2 and party m-ana are from the same ALS als-1"},
	}), workflows.ErrInvalidInput)
	h.Refused(h.Update(2*processtest.Day+3*time.Hour, arbitration.UpdateAssign, arbitration.AssignInput{Actor: party, ArbitratorID: arbitrator2ID}), workflows.ErrForbidden)
	h.Refused(h.Update(2*processtest.Day+4*time.Hour, arbitration.UpdateAssign, arbitration.AssignInput{Actor: staff, ArbitratorID: repID}), workflows.ErrInvalidInput)
	reassigned := h.OK(h.Update(3*processtest.Day, arbitration.UpdateAssign, arbitration.AssignInput{Actor: staff, ArbitratorID: arbitrator2ID}))
	h.Refused(h.Update(3*processtest.Day+time.Hour, arbitration.UpdateConfirm, arbitration.ConfirmInput{Actor: arbitrator}), workflows.ErrForbidden)
	h.OK(h.Update(3*processtest.Day+2*time.Hour, arbitration.UpdateConfirm, arbitration.ConfirmInput{Actor: arbitrator2}))
	h.OK(h.Update(4*processtest.Day, arbitration.UpdateChallenge, arbitration.ChallengeInput{Actor: rep, Reason: "Same country"}))
	rejected := h.OK(h.Update(4*processtest.Day+time.Hour, arbitration.UpdateDecideChallenge, arbitration.DecideChallengeInput{Actor: staff, Decision: arbitration.ChallengeReject}))
	windowOpen := h.Query(7 * processtest.Day)
	afterWindow := h.Query(8*processtest.Day + time.Hour)
	h.Refused(h.Update(9*processtest.Day, arbitration.UpdateChallenge, arbitration.ChallengeInput{Actor: party, Reason: "late"}), workflows.ErrInvalidState)
	h.CancelAt(10 * processtest.Day)

	runCancelled(h, input("A-5"))

	if challenged.State.Status != arbitration.StatusChallenged {
		t.Errorf("challenge answered %q", challenged.State.Status)
	}
	if s := sustained.State; s.Status != arbitration.StatusFiled || s.ArbitratorID != "" || s.Confirmed {
		t.Errorf("sustained challenge answered status %q arbitrator %q", s.Status, s.ArbitratorID)
	}
	if !strings.Contains(conflicted.Err.Error(), "same ALS") {
		t.Errorf("conflict refusal does not give the reason: %v", conflicted.Err)
	}
	if s := reassigned.State; s.Status != arbitration.StatusAssigned || s.ArbitratorID != arbitrator2ID {
		t.Errorf("reassignment answered %q/%q", s.Status, s.ArbitratorID)
	}
	if rejected.State.Status != arbitration.StatusAssigned {
		t.Errorf("rejected challenge answered %q", rejected.State.Status)
	}
	wantStatus(t, "T0+7d", windowOpen, arbitration.StatusAssigned)
	processtest.WantDeadlines(t, "T0+7d", windowOpen.Deadlines, workflows.Deadline{Name: "challenge_window", At: at(8 * processtest.Day)})
	wantStatus(t, "T0+8d1h", afterWindow, arbitration.StatusSubmissions)
	if c := afterWindow.Challenges; len(c) != 2 || c[0].Decision != arbitration.ChallengeSustain || c[0].ArbitratorID != arbitratorID ||
		c[1].Decision != arbitration.ChallengeReject || c[1].ArbitratorID != arbitrator2ID || c[1].DecidedBy != staffID {
		t.Errorf("challenges %+v", c)
	}

	notes := h.NotesOf("arbitration.challenge")
	if len(notes) != 2 || !slices.Equal(notes[0].In.MemberIDs, processtest.Sorted(arbitratorID, partyID, staffID, repID)) ||
		notes[0].In.Data["reason"] != "The arbitrator advised the other party" {
		t.Errorf("challenge notifications %+v", notes)
	}
	assigned := h.NotesOf("arbitration.assigned")
	if len(assigned) != 2 || assigned[0].In.Step != "assigned/1" || assigned[1].In.Step != "assigned/2" ||
		!slices.Contains(assigned[1].In.MemberIDs, arbitrator2ID) || slices.Contains(assigned[1].In.MemberIDs, arbitratorID) {
		t.Errorf("assigned notifications %+v", assigned)
	}
	if len(h.AuditOf("arbitration.challenge_sustained")) != 1 || len(h.AuditOf("arbitration.challenge_rejected")) != 1 {
		t.Errorf("challenge decisions not audited: %v", h.AuditActions())
	}
}

// TestArbitrationSubmissions checks the submissions window and its
// refusals.
func TestArbitrationSubmissions(t *testing.T) {
	h := newHarness(t)
	h.OK(h.Update(time.Hour, arbitration.UpdateAssign, arbitration.AssignInput{Actor: staff, ArbitratorID: arbitratorID}))
	h.OK(h.Update(2*time.Hour, arbitration.UpdateConfirm, arbitration.ConfirmInput{Actor: arbitrator}))
	text := arbitration.SubmitInput{Actor: party, Text: "Article 12 is clear.", Links: []string{"https://example.org/a.pdf"}}
	h.Refused(h.Update(3*processtest.Day, arbitration.UpdateSubmit, text), workflows.ErrInvalidState) // not open yet
	sub := h.OK(h.Update(6*processtest.Day, arbitration.UpdateSubmit, text))
	h.Refused(h.Update(6*processtest.Day+time.Hour, arbitration.UpdateSubmit, arbitration.SubmitInput{Actor: stranger, Text: "me too"}), workflows.ErrForbidden)
	h.Refused(h.Update(6*processtest.Day+time.Hour, arbitration.UpdateSubmit, arbitration.SubmitInput{Actor: arbitrator, Text: "the arbitrator is no party"}), workflows.ErrForbidden)
	h.Refused(h.Update(6*processtest.Day+2*time.Hour, arbitration.UpdateSubmit, arbitration.SubmitInput{Actor: rep, Text: "x", Links: []string{"ftp://example.org/a"}}), workflows.ErrInvalidInput)
	h.Refused(h.Update(6*processtest.Day+2*time.Hour, arbitration.UpdateSubmit, arbitration.SubmitInput{Actor: rep, Text: ""}), workflows.ErrInvalidInput)
	h.OK(h.Update(19*processtest.Day, arbitration.UpdateSubmit, arbitration.SubmitInput{Actor: rep, Text: "Our reading differs."}))
	h.Refused(h.Update(19*processtest.Day+time.Hour+time.Minute, arbitration.UpdateSubmit, text), workflows.ErrInvalidState)
	after := h.Query(20 * processtest.Day)
	h.CancelAt(21 * processtest.Day)

	runCancelled(h, input("A-6"))

	if s := sub.State.Submissions; len(s) != 1 || s[0].By != partyID || !s[0].At.Equal(at(6*processtest.Day)) || len(s[0].Links) != 1 {
		t.Errorf("submission answered %+v", s)
	}
	wantStatus(t, "T0+20d", after, arbitration.StatusSubmissions)
	processtest.WantDeadlines(t, "T0+20d", after.Deadlines)
	if len(after.Submissions) != 2 {
		t.Errorf("submissions %+v", after.Submissions)
	}
	if a := h.AuditOf("arbitration.submissions_closed"); len(a) != 1 {
		t.Errorf("submissions closing audited %d times", len(a))
	}
}

// TestArbitrationAppeal checks that the ruling on an appeal is signalled to
// the process under appeal, and that a failed signal does not fail the case.
func TestArbitrationAppeal(t *testing.T) {
	for _, tc := range []struct {
		name      string
		signalErr error
	}{
		{"delivered", nil},
		{"target missing", errors.New("workflow not found")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			in := input("A-7")
			in.AppealOf = &workflows.AppealRef{Kind: workflows.AppealKindEthics, ID: "E-9"}
			want := workflows.AppealRuling{
				ArbitrationID: "A-7", Outcome: workflows.RulingOverturn,
				Text: "The sanction is overturned.", Articles: []string{"7.1"},
			}
			var signals atomic.Int32
			h.Env.OnSignalExternalWorkflow(mock.Anything, "ethics/E-9", "", workflows.SignalAppealRuling, want).Return(
				func(_, _, _, _ string, _ any) error {
					signals.Add(1)
					return tc.signalErr
				}).Once()
			toHearing(h, 6*processtest.Day)
			h.Refused(h.Update(6*processtest.Day+time.Hour, arbitration.UpdateRuling, arbitration.RulingInput{
				Actor: arbitrator, Outcome: workflows.RulingDecided, Text: "x",
			}), workflows.ErrInvalidInput)
			h.OK(h.Update(6*processtest.Day+2*time.Hour, arbitration.UpdateRuling, arbitration.RulingInput{
				Actor: arbitrator, Outcome: want.Outcome, Text: want.Text, Articles: want.Articles,
			}))

			final := run(h, in)
			if n := signals.Load(); n != 1 {
				t.Errorf("the ruling was signalled %d times, want once", n)
			}

			if final.Status != arbitration.StatusRuled {
				t.Errorf("final status %q", final.Status)
			}
			sig := h.AuditOf("arbitration.appeal_signal")
			if len(sig) != 1 {
				t.Fatalf("appeal signal audited %d times", len(sig))
			}
			d, _ := sig[0].Details.(map[string]any)
			if d["target"] != "ethics/E-9" || d["delivered"] != (tc.signalErr == nil) {
				t.Errorf("appeal signal audit %v", d)
			}
			if tc.signalErr != nil && !strings.Contains(d["error"].(string), "not found") {
				t.Errorf("failure not recorded: %v", d)
			}
		})
	}
}

// TestArbitrationReschedule checks that a rescheduled hearing is sent again
// with the same iCalendar UID and the next SEQUENCE, and that the ruling
// clock starts from the new time.
func TestArbitrationReschedule(t *testing.T) {
	h := newHarness(t)
	h.OK(h.Update(time.Hour, arbitration.UpdateAssign, arbitration.AssignInput{Actor: staff, ArbitratorID: arbitratorID}))
	h.Refused(h.Update(90*time.Minute, arbitration.UpdateHearing, arbitration.HearingInput{
		Actor: arbitrator, StartsAt: at(10 * processtest.Day), Duration: workflows.Duration(time.Hour), Location: "Montevideo",
	}), workflows.ErrInvalidState) // not confirmed yet
	h.OK(h.Update(2*time.Hour, arbitration.UpdateConfirm, arbitration.ConfirmInput{Actor: arbitrator}))
	h.Refused(h.Update(3*time.Hour, arbitration.UpdateHearing, arbitration.HearingInput{
		Actor: arbitrator, StartsAt: at(4 * processtest.Day), Duration: workflows.Duration(time.Hour), Location: "Montevideo",
	}), workflows.ErrInvalidInput) // inside the challenge window
	h.Refused(h.Update(3*time.Hour, arbitration.UpdateHearing, arbitration.HearingInput{
		Actor: party, StartsAt: at(10 * processtest.Day), Duration: workflows.Duration(time.Hour), Location: "Montevideo",
	}), workflows.ErrForbidden)
	h.OK(h.Update(5*processtest.Day+2*time.Hour, arbitration.UpdateHearing, arbitration.HearingInput{
		Actor: arbitrator, StartsAt: at(10 * processtest.Day), Duration: workflows.Duration(time.Hour), Location: "Montevideo",
	}))
	location := "Sala 2, Palacio Legislativo; Montevideo — or https://meet.example.org/a-very-long-call-link-that-needs-folding"
	moved := h.OK(h.Update(6*processtest.Day, arbitration.UpdateHearing, arbitration.HearingInput{
		Actor: arbitrator, StartsAt: at(12*processtest.Day + 30*time.Minute), Duration: workflows.Duration(2 * time.Hour), Location: location,
	}))
	before := h.Query(11 * processtest.Day)
	h.Refused(h.Update(12*processtest.Day+time.Hour, arbitration.UpdateHearing, arbitration.HearingInput{
		Actor: arbitrator, StartsAt: at(13 * processtest.Day), Duration: workflows.Duration(time.Hour), Location: "x",
	}), workflows.ErrInvalidState) // already started
	after := h.Query(12*processtest.Day + time.Hour)
	h.OK(h.Update(12*processtest.Day+2*time.Hour, arbitration.UpdateRuling, arbitration.RulingInput{
		Actor: arbitrator, Outcome: workflows.RulingDecided, Text: "Decided.",
	}))

	run(h, input("A-8"))

	if hr := moved.State.Hearing; hr == nil || hr.Sequence != 1 || !hr.StartsAt.Equal(at(12*processtest.Day+30*time.Minute)) {
		t.Errorf("reschedule answered %+v", moved.State.Hearing)
	}
	wantStatus(t, "T0+11d", before, arbitration.StatusHearingScheduled)
	wantStatus(t, "T0+12d1h", after, arbitration.StatusRulingDue)
	if after.DueAt == nil || !after.DueAt.Equal(at(42*processtest.Day+30*time.Minute)) {
		t.Errorf("due %v, want 30 days after the rescheduled hearing", after.DueAt)
	}

	scheduled := h.NotesOf("arbitration.hearing_scheduled")
	rescheduled := h.NotesOf("arbitration.hearing_rescheduled")
	if len(scheduled) != 1 || len(rescheduled) != 1 {
		t.Fatalf("hearing notifications: %d scheduled, %d rescheduled", len(scheduled), len(rescheduled))
	}
	if scheduled[0].In.Step != "hearing/0" || rescheduled[0].In.Step != "hearing/1" {
		t.Errorf("steps %s, %s", scheduled[0].In.Step, rescheduled[0].In.Step)
	}
	if !slices.Equal(rescheduled[0].In.MemberIDs, processtest.Sorted(arbitratorID, partyID, repID)) ||
		rescheduled[0].In.Data["location"] != location || !processtest.DataTime(t, rescheduled[0], "starts_at").Equal(at(12*processtest.Day+30*time.Minute)) {
		t.Errorf("rescheduled notification %+v", rescheduled[0].In)
	}

	first := parseICS(t, scheduled[0])
	second := parseICS(t, rescheduled[0])
	for _, ics := range []map[string]string{first, second} {
		if ics["UID"] != "arbitration-A-8@ralo" || ics["METHOD"] != "REQUEST" || ics["BEGIN"] != "VCALENDAR" {
			t.Errorf("ics %v", ics)
		}
	}
	if first["SEQUENCE"] != "0" || second["SEQUENCE"] != "1" {
		t.Errorf("SEQUENCE %s then %s, want 0 then 1", first["SEQUENCE"], second["SEQUENCE"])
	}
	if first["DTSTART"] != "20260312T090000Z" || first["DTEND"] != "20260312T100000Z" {
		t.Errorf("first hearing %s–%s", first["DTSTART"], first["DTEND"])
	}
	if second["DTSTART"] != "20260314T093000Z" || second["DTEND"] != "20260314T113000Z" || second["DTSTAMP"] != "20260308T090000Z" {
		t.Errorf("rescheduled hearing %s–%s stamped %s", second["DTSTART"], second["DTEND"], second["DTSTAMP"])
	}
	wantLoc := `Sala 2\, Palacio Legislativo\; Montevideo — or https://meet.example.org/a-very-long-call-link-that-needs-folding`
	if second["LOCATION"] != wantLoc {
		t.Errorf("LOCATION %q, want %q", second["LOCATION"], wantLoc)
	}
	if !strings.Contains(second["SUMMARY"], "A-8") {
		t.Errorf("SUMMARY %q", second["SUMMARY"])
	}
}

// parseICS checks the attachment's framing (CRLF, folded at 75 octets) and
// returns its unfolded properties, the last value of each name.
func parseICS(t *testing.T, n processtest.Note) map[string]string {
	t.Helper()
	if len(n.In.Attachments) != 1 {
		t.Fatalf("%s: %d attachments", n.In.Step, len(n.In.Attachments))
	}
	att := n.In.Attachments[0]
	if att.Filename != "hearing.ics" || att.ContentType != "text/calendar; method=REQUEST" {
		t.Errorf("attachment %s (%s)", att.Filename, att.ContentType)
	}
	raw := string(att.Data)
	if !strings.HasSuffix(raw, "\r\n") || strings.Count(raw, "\n") != strings.Count(raw, "\r\n") {
		t.Errorf("%s: lines must end with CRLF:\n%q", n.In.Step, raw)
	}
	for _, l := range strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line longer than 75 octets: %q", l)
		}
	}
	props := map[string]string{}
	for _, l := range strings.Split(strings.ReplaceAll(raw, "\r\n ", ""), "\r\n") {
		if name, value, ok := strings.Cut(l, ":"); ok {
			if _, seen := props[name]; !seen || name != "BEGIN" {
				props[name] = value
			}
		}
	}
	return props
}

// TestArbitrationOmbudsman checks the referral and its outcome.
func TestArbitrationOmbudsman(t *testing.T) {
	h := newHarness(t)
	h.Refused(h.Update(processtest.Day, arbitration.UpdateOmbudsman, arbitration.OmbudsmanInput{Actor: stranger, ReferredAt: at(processtest.Day)}), workflows.ErrForbidden)
	h.Refused(h.Update(processtest.Day+30*time.Minute, arbitration.UpdateOmbudsman, arbitration.OmbudsmanInput{Actor: party, ReferredAt: at(5 * processtest.Day)}), workflows.ErrInvalidInput)
	referred := h.OK(h.Update(processtest.Day+time.Hour, arbitration.UpdateOmbudsman, arbitration.OmbudsmanInput{Actor: party, ReferredAt: at(processtest.Day)}))
	h.Refused(h.Update(processtest.Day+2*time.Hour, arbitration.UpdateOmbudsman, arbitration.OmbudsmanInput{Actor: rep, ReferredAt: at(processtest.Day)}), workflows.ErrInvalidState)
	h.Refused(h.Update(processtest.Day+3*time.Hour, arbitration.UpdateOmbudsman, arbitration.OmbudsmanInput{Actor: stranger, Outcome: "resolved"}), workflows.ErrForbidden)
	outcome := h.OK(h.Update(2*processtest.Day, arbitration.UpdateOmbudsman, arbitration.OmbudsmanInput{Actor: staff, Outcome: "Declined: the matter is before the arbitrator"}))
	h.Refused(h.Update(2*processtest.Day+time.Hour, arbitration.UpdateOmbudsman, arbitration.OmbudsmanInput{Actor: party, Outcome: "again"}), workflows.ErrInvalidState)
	h.CancelAt(3 * processtest.Day)

	runCancelled(h, input("A-9"))

	if o := referred.State.Ombudsman; o == nil || o.ReferredBy != partyID || !o.ReferredAt.Equal(at(processtest.Day)) || o.Outcome != "" ||
		referred.State.Status != arbitration.StatusFiled {
		t.Errorf("referral answered %+v (status %q)", referred.State.Ombudsman, referred.State.Status)
	}
	if o := outcome.State.Ombudsman; o == nil || o.OutcomeBy != staffID || o.OutcomeAt == nil || !strings.HasPrefix(o.Outcome, "Declined") {
		t.Errorf("outcome answered %+v", outcome.State.Ombudsman)
	}
	notes := h.NotesOf("arbitration.ombudsman")
	if len(notes) != 2 || notes[0].In.Data["outcome"] != nil || notes[1].In.Data["outcome"] == nil {
		t.Errorf("ombudsman notifications %+v", notes)
	}
}

// TestArbitrationInvalidInput checks that a case that cannot run is refused
// at the start, with the error type the API maps to 422.
func TestArbitrationInvalidInput(t *testing.T) {
	in := input("A-10")
	in.Question = " "
	in.AppealOf = &workflows.AppealRef{Kind: "statement", ID: "S-1"}
	in.Parties = append(in.Parties, arbitration.Party{Kind: "nobody", ID: "x"})
	in.Periods.RulingDue = workflows.Duration(-time.Hour)
	err := in.Validate()
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != workflows.ErrInvalidInput {
		t.Fatalf("Validate: %v", err)
	}
	for _, want := range []string{"question", "appeal_of.kind", "parties[2].kind", "periods.ruling_due"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate does not name %s: %v", want, err)
		}
	}
	if err := input("A-11").Validate(); err != nil {
		t.Errorf("valid input refused: %v", err)
	}

	// A negative period cannot reach the workflow: workflows.Duration
	// writes it in a form nothing reads back. The other problems do.
	in.Periods.RulingDue = 0
	h := newHarness(t)
	h.Env.ExecuteWorkflow(arbitration.WorkflowName, in)
	if err := h.Env.GetWorkflowError(); !errors.As(err, &appErr) || appErr.Type() != workflows.ErrInvalidInput {
		t.Errorf("workflow error %v", err)
	}
}

// TestArbitrationDefaultPeriods checks that periods left at zero take the
// policy's defaults rather than running a zero-length clock.
func TestArbitrationDefaultPeriods(t *testing.T) {
	h := newHarness(t)
	h.OK(h.Update(time.Hour, arbitration.UpdateAssign, arbitration.AssignInput{Actor: staff, ArbitratorID: arbitratorID}))
	st := h.Query(2 * time.Hour)
	h.CancelAt(3 * time.Hour)
	in := input("A-12")
	in.Periods = arbitration.Periods{}
	runCancelled(h, in)
	processtest.WantDeadlines(t, "T0+2h", st.Deadlines, workflows.Deadline{Name: "challenge_window", At: at(5*processtest.Day + time.Hour)})
}

// TestArbitrationWorkflowID checks the business key.
func TestArbitrationWorkflowID(t *testing.T) {
	if got := arbitration.WorkflowID("A-1"); got != "arbitration/A-1" {
		t.Errorf("ArbitrationWorkflowID = %q", got)
	}
}

// TestArbitrationReplay replays the recorded history of a complete case
// (see record_test.go) against the current code: a change that would break
// running cases fails here.
func TestArbitrationReplay(t *testing.T) {
	processtest.Replay(t, func(r worker.WorkflowReplayer) {
		r.RegisterWorkflowWithOptions(arbitration.Arbitration, workflow.RegisterOptions{Name: arbitration.WorkflowName})
	}, "testdata/arbitration_complete.json", "testdata/arbitration_revalidate.json")
}

// TestArbitrationDurationsJSON checks that periods and the hearing's
// length are written in the policy's notation, and that the nanosecond
// numbers of older histories still read.
func TestArbitrationDurationsJSON(t *testing.T) {
	in := input("A-13")
	b, err := json.Marshal(in.Periods)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"challenge_window":"5d","submissions":"14d","ruling_due":"30d","max_extension":"15d","overdue_alert_every":"1d","reminders":["7d","3d","1d"]}`; string(b) != want {
		t.Errorf("periods %s, want %s", b, want)
	}
	h := arbitration.Hearing{StartsAt: t0, Duration: workflows.Duration(90 * time.Minute), Location: "x"}
	if b, _ := json.Marshal(h); !strings.Contains(string(b), `"duration":"1h30m"`) {
		t.Errorf("hearing %s", b)
	}
	var old arbitration.HearingInput
	if err := json.Unmarshal([]byte(`{"starts_at":"2026-03-10T09:00:00Z","duration":7200000000000,"location":"x"}`), &old); err != nil || old.Duration.D() != 2*time.Hour {
		t.Errorf("old hearing input: %v %v", old.Duration, err)
	}
}
