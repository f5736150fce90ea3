package arbitration_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"slices"
	"strconv"
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

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/arbitration"
	"github.com/lacralo/ralo/workflows/processtest"
)

// arbT0 is when every test case is filed; offsets below are from it.
var arbT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// The people of the test cases.
const (
	arbStaffID  = "m-staff"
	arbArbID    = "m-arb"
	arbArb2ID   = "m-arb2"
	arbPartyID  = "m-ana" // a member party, who filed
	arbRepID    = "m-rep" // the representative of the ALS party
	arbOutsider = "m-out"
)

var (
	arbStaff    = workflows.Actor{MemberID: arbStaffID, Roles: []string{"member", "staff"}}
	arbArb      = workflows.Actor{MemberID: arbArbID, Roles: []string{"member", "arbitrator"}}
	arbArb2     = workflows.Actor{MemberID: arbArb2ID, Roles: []string{"member", "arbitrator"}}
	arbParty    = workflows.Actor{MemberID: arbPartyID, Roles: []string{"member"}}
	arbRep      = workflows.Actor{MemberID: arbRepID, Roles: []string{"member", "als_rep"}}
	arbStranger = workflows.Actor{MemberID: arbOutsider, Roles: []string{"member"}}
)

func arbInput(caseID string) arbitration.Input {
	return arbitration.Input{
		CaseID:   caseID,
		Question: "Does article 12 allow an ALS to vote by proxy in a regional election?",
		Articles: []string{"12", "14.2"},
		Parties: []arbitration.Party{
			{Kind: arbitration.PartyMember, ID: arbPartyID},
			{Kind: arbitration.PartyALS, ID: "als-7"},
		},
		NotifyMemberIDs: []string{arbRepID},
		FiledBy:         arbPartyID,
		Periods: arbitration.Periods{
			ChallengeWindow:   5 * processtest.Day,
			Submissions:       14 * processtest.Day,
			RulingDue:         30 * processtest.Day,
			MaxExtension:      15 * processtest.Day,
			OverdueAlertEvery: processtest.Day,
			Reminders:         []time.Duration{7 * processtest.Day, 3 * processtest.Day, processtest.Day},
		},
		StaffIDs: []string{arbStaffID},
		FiledAt:  arbT0,
	}
}

// arbResult is what became of one update sent by the harness.
type arbResult struct {
	name  string
	done  bool
	err   error
	state arbitration.State
}

// arbHarness runs the real Arbitration workflow in the time-skipping test
// environment, with the activities and the Notify child mocked, and keeps
// what they were asked to do.
type arbHarness struct {
	t   *testing.T
	env *testsuite.TestWorkflowEnvironment

	mu      sync.Mutex // mocks run on their own goroutines
	notes   []processtest.Note
	audits  []workflows.AuditInput
	saves   []workflows.CaseIndex
	results []*arbResult
}

func newArbHarness(t *testing.T) *arbHarness {
	t.Helper()
	h := &arbHarness{t: t}
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	env := suite.NewTestWorkflowEnvironment()
	// The default 1s deadlock detector trips on a loaded machine under
	// -race; 10s still catches a workflow that never yields.
	env.SetWorkerOptions(worker.Options{DeadlockDetectionTimeout: 10 * time.Second})
	env.SetStartTime(arbT0)
	env.RegisterWorkflowWithOptions(arbitration.Arbitration, workflow.RegisterOptions{Name: arbitration.WorkflowName})

	// The workflow calls activities by name; register placeholders under
	// those names so that they can be mocked by name.
	env.RegisterActivityWithOptions(func(context.Context, workflows.AuditInput) (workflows.AuditResult, error) {
		return workflows.AuditResult{}, nil
	}, activity.RegisterOptions{Name: workflows.ActivityRecordAudit})
	env.RegisterActivityWithOptions(func(context.Context, workflows.CaseIndex) error {
		return nil
	}, activity.RegisterOptions{Name: workflows.ActivitySaveCase})

	env.OnActivity(workflows.ActivityRecordAudit, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in workflows.AuditInput) (workflows.AuditResult, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.audits = append(h.audits, in)
			return workflows.AuditResult{Seq: int64(len(h.audits))}, nil
		})
	env.OnActivity(workflows.ActivitySaveCase, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in workflows.CaseIndex) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.saves = append(h.saves, in)
			return nil
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

// update sends an update at T0+at; its outcome is checked after the run.
func (h *arbHarness) update(at time.Duration, name string, in any) *arbResult {
	r := &arbResult{name: name}
	h.results = append(h.results, r)
	h.env.RegisterDelayedCallback(func() { h.send(r, in) }, at)
	return r
}

func (h *arbHarness) send(r *arbResult, in any) {
	h.env.UpdateWorkflow(r.name, "", &testsuite.TestUpdateCallback{
		OnAccept: func() {},
		OnReject: func(err error) { r.done, r.err = true, err },
		OnComplete: func(v any, err error) {
			r.done, r.err = true, err
			if st, ok := v.(arbitration.State); ok {
				r.state = st
			}
		},
	}, in)
}

// query reads the state at T0+at.
func (h *arbHarness) query(at time.Duration) *arbitration.State {
	st := &arbitration.State{}
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(arbitration.Query)
		if err != nil {
			h.t.Errorf("query at T0+%v: %v", at, err)
			return
		}
		if err := v.Get(st); err != nil {
			h.t.Errorf("decode query at T0+%v: %v", at, err)
		}
	}, at)
	return st
}

// cancelAt cancels the case at T0+at, to end the tests that need no ruling.
func (h *arbHarness) cancelAt(at time.Duration) {
	h.env.RegisterDelayedCallback(h.env.CancelWorkflow, at)
}

// toHearing assigns and confirms the arbitrator and schedules the hearing
// for T0+startsAt once submissions are open.
func (h *arbHarness) toHearing(startsAt time.Duration) {
	h.ok(h.update(time.Hour, arbitration.UpdateAssign, arbitration.AssignInput{Actor: arbStaff, ArbitratorID: arbArbID}))
	h.ok(h.update(2*time.Hour, arbitration.UpdateConfirm, arbitration.ConfirmInput{Actor: arbArb}))
	h.ok(h.update(5*processtest.Day+2*time.Hour, arbitration.UpdateHearing, arbitration.HearingInput{
		Actor: arbArb, StartsAt: arbT0.Add(startsAt), Duration: 2 * time.Hour, Location: "https://meet.example.org/arb",
	}))
}

// ok and refused register expectations checked by run.
func (h *arbHarness) ok(r *arbResult) *arbResult {
	h.t.Cleanup(func() {
		if !r.done {
			h.t.Errorf("update %s never completed", r.name)
		} else if r.err != nil {
			h.t.Errorf("update %s: unexpected error %v", r.name, r.err)
		}
	})
	return r
}

func (h *arbHarness) refused(r *arbResult, errType string) *arbResult {
	h.t.Cleanup(func() {
		if !r.done {
			h.t.Errorf("update %s never answered", r.name)
			return
		}
		var appErr *temporal.ApplicationError
		if !errors.As(r.err, &appErr) || appErr.Type() != errType {
			h.t.Errorf("update %s: want %s error, got %v", r.name, errType, r.err)
		}
	})
	return r
}

// run executes the case and returns its final state; the case must end
// with a ruling.
func (h *arbHarness) run(in arbitration.Input) arbitration.State {
	h.t.Helper()
	h.env.ExecuteWorkflow(arbitration.WorkflowName, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	if err := h.env.GetWorkflowError(); err != nil {
		h.t.Fatalf("workflow failed: %v", err)
	}
	var st arbitration.State
	if err := h.env.GetWorkflowResult(&st); err != nil {
		h.t.Fatalf("result: %v", err)
	}
	return st
}

// runCancelled executes a case that the test ends with cancelAt.
func (h *arbHarness) runCancelled(in arbitration.Input) {
	h.t.Helper()
	h.env.ExecuteWorkflow(arbitration.WorkflowName, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	if err := h.env.GetWorkflowError(); !temporal.IsCanceledError(err) {
		h.t.Fatalf("want the case cancelled, got %v", err)
	}
}

func (h *arbHarness) notesOf(event string) []processtest.Note {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []processtest.Note
	for _, n := range h.notes {
		if n.In.Event == event {
			out = append(out, n)
		}
	}
	return out
}

func (h *arbHarness) auditActions() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, a := range h.audits {
		out = append(out, a.Action)
	}
	return out
}

func (h *arbHarness) auditOf(action string) []workflows.AuditInput {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []workflows.AuditInput
	for _, a := range h.audits {
		if a.Action == action {
			out = append(out, a)
		}
	}
	return out
}

// arbSorted is how the workflow lists members: sorted.
func arbSorted(ids ...string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

func arbAt(d time.Duration) time.Time { return arbT0.Add(d) }

func arbWantDeadlines(t *testing.T, label string, got []workflows.Deadline, want ...workflows.Deadline) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: deadlines %v, want %v", label, got, want)
		return
	}
	for i := range got {
		if got[i].Name != want[i].Name || !got[i].At.Equal(want[i].At) {
			t.Errorf("%s: deadlines %v, want %v", label, got, want)
			return
		}
	}
}

func arbWantStatus(t *testing.T, label string, st *arbitration.State, status string) {
	t.Helper()
	if st.Status != status {
		t.Errorf("%s: status %q, want %q", label, st.Status, status)
	}
}

// arbDataTime reads a time from notification data, which went through JSON.
func arbDataTime(t *testing.T, n processtest.Note, key string) time.Time {
	t.Helper()
	s, _ := n.In.Data[key].(string)
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Errorf("%s: data %s = %v: %v", n.In.Step, key, n.In.Data[key], err)
	}
	return v
}

// TestArbitrationFullClock runs a case through every phase on the default
// 30-processtest.Day clock, checking the state along the way and that the reminders go
// out at exactly 7, 3 and 1 days before the ruling is due.
func TestArbitrationFullClock(t *testing.T) {
	h := newArbHarness(t)
	assigned := h.ok(h.update(time.Hour, arbitration.UpdateAssign, arbitration.AssignInput{Actor: arbStaff, ArbitratorID: arbArbID}))
	confirmed := h.ok(h.update(2*time.Hour, arbitration.UpdateConfirm, arbitration.ConfirmInput{Actor: arbArb}))
	atAssigned := h.query(3 * time.Hour)
	atSubmissions := h.query(5*processtest.Day + 2*time.Hour)
	h.ok(h.update(6*processtest.Day, arbitration.UpdateSubmit, arbitration.SubmitInput{
		Actor: arbRep, Text: "Our ALS reads article 12 as allowing proxies.", Links: []string{"https://example.org/brief.pdf"},
	}))
	h.ok(h.update(7*processtest.Day, arbitration.UpdateHearing, arbitration.HearingInput{
		Actor: arbArb, StartsAt: arbAt(20 * processtest.Day), Duration: 2 * time.Hour, Location: "https://meet.example.org/arb",
	}))
	atHearing := h.query(7*processtest.Day + time.Hour)
	atRulingDue := h.query(20*processtest.Day + time.Hour)
	atReminders := h.query(48 * processtest.Day)
	rulingText := "Article 12 allows a proxy.\r\nSo ruled.  \n"
	ruled := h.ok(h.update(49*processtest.Day+12*time.Hour, arbitration.UpdateRuling, arbitration.RulingInput{
		Actor: arbArb, Outcome: workflows.RulingDecided, Text: rulingText, Articles: []string{"12"},
	}))

	final := h.run(arbInput("A-1"))

	if assigned.state.Status != arbitration.StatusAssigned || assigned.state.ArbitratorID != arbArbID {
		t.Errorf("assign answered %q/%q", assigned.state.Status, assigned.state.ArbitratorID)
	}
	if !confirmed.state.Confirmed {
		t.Error("confirm answered an unconfirmed state")
	}
	arbWantStatus(t, "T0+3h", atAssigned, arbitration.StatusAssigned)
	arbWantDeadlines(t, "T0+3h", atAssigned.Deadlines, workflows.Deadline{Name: "challenge_window", At: arbAt(5*processtest.Day + time.Hour)})
	arbWantStatus(t, "T0+5d2h", atSubmissions, arbitration.StatusSubmissions)
	arbWantDeadlines(t, "T0+5d2h", atSubmissions.Deadlines, workflows.Deadline{Name: "submissions", At: arbAt(19*processtest.Day + time.Hour)})
	arbWantStatus(t, "T0+7d1h", atHearing, arbitration.StatusHearingScheduled)
	arbWantDeadlines(t, "T0+7d1h", atHearing.Deadlines,
		workflows.Deadline{Name: "submissions", At: arbAt(19*processtest.Day + time.Hour)},
		workflows.Deadline{Name: "hearing", At: arbAt(20 * processtest.Day)})
	if len(atHearing.Submissions) != 1 || atHearing.Submissions[0].By != arbRepID {
		t.Errorf("submissions at T0+7d1h: %+v", atHearing.Submissions)
	}
	arbWantStatus(t, "T0+20d1h", atRulingDue, arbitration.StatusRulingDue)
	if atRulingDue.DueAt == nil || !atRulingDue.DueAt.Equal(arbAt(50*processtest.Day)) {
		t.Errorf("due at T0+20d1h: %v, want T0+50d", atRulingDue.DueAt)
	}
	arbWantDeadlines(t, "T0+20d1h", atRulingDue.Deadlines, workflows.Deadline{Name: "ruling", At: arbAt(50 * processtest.Day)})
	if !slices.Equal(atReminders.RemindersSent, []string{"reminder/7d", "reminder/3d"}) {
		t.Errorf("reminders sent by T0+48d: %v", atReminders.RemindersSent)
	}

	// The reminders, to the arbitrator only, at due-7d, due-3d, due-1d.
	reminders := h.notesOf("arbitration.ruling_reminder")
	wantTimes := []time.Time{arbAt(43 * processtest.Day), arbAt(47 * processtest.Day), arbAt(49 * processtest.Day)}
	wantDays := []float64{7, 3, 1}
	if len(reminders) != len(wantTimes) {
		t.Fatalf("%d reminders, want 3: %+v", len(reminders), reminders)
	}
	for i, n := range reminders {
		if !n.At.Equal(wantTimes[i]) {
			t.Errorf("reminder %d sent at %v, want %v", i, n.At, wantTimes[i])
		}
		if n.In.Data["days_left"] != wantDays[i] || !arbDataTime(t, n, "due").Equal(arbAt(50*processtest.Day)) {
			t.Errorf("reminder %d data %v", i, n.In.Data)
		}
		if !slices.Equal(n.In.MemberIDs, []string{arbArbID}) {
			t.Errorf("reminder %d to %v", i, n.In.MemberIDs)
		}
	}
	if n := h.notesOf("arbitration.ruling_overdue"); len(n) != 0 {
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
	if ruled.state.Ruling == nil || ruled.state.Status != arbitration.StatusRuled {
		t.Errorf("ruling update answered %+v", ruled.state)
	}
	if !h.env.Now().Before(arbAt(50 * processtest.Day)) {
		t.Errorf("the case ended at %v, after the due date", h.env.Now())
	}
	rulingAudit := h.auditOf("arbitration.ruling")
	if len(rulingAudit) != 1 || rulingAudit[0].Audience != "public" || rulingAudit[0].IdemKey != "arbitration/A-1/ruling" {
		t.Fatalf("ruling audit %+v", rulingAudit)
	}
	if d, _ := rulingAudit[0].Details.(map[string]any); d["sha256"] != wantHash || d["outcome"] != workflows.RulingDecided {
		t.Errorf("ruling audit details %v", rulingAudit[0].Details)
	}
	rulingNotes := h.notesOf("arbitration.ruling")
	if len(rulingNotes) != 1 || !slices.Equal(rulingNotes[0].In.MemberIDs, arbSorted(arbArbID, arbPartyID, arbStaffID, arbRepID)) ||
		rulingNotes[0].In.Data["outcome"] != workflows.RulingDecided {
		t.Errorf("ruling notifications %+v", rulingNotes)
	}

	wantActions := []string{
		"arbitration.filed", "arbitration.assigned", "arbitration.confirmed", "arbitration.submissions_opened",
		"arbitration.submission", "arbitration.hearing_scheduled", "arbitration.submissions_closed",
		"arbitration.ruling_due", "arbitration.ruling",
	}
	if got := h.auditActions(); !slices.Equal(got, wantActions) {
		t.Errorf("audit actions\n got %v\nwant %v", got, wantActions)
	}
	for _, a := range h.audits {
		if a.Process != "arbitration" || a.ObjectID != "A-1" || !strings.HasPrefix(a.IdemKey, "arbitration/A-1/") {
			t.Errorf("audit entry %+v", a)
		}
		if a.Audience != "public" && a.Audience != "members" {
			t.Errorf("audit %s audience %q", a.Action, a.Audience)
		}
	}
	if a := h.auditOf("arbitration.assigned"); len(a) != 1 || a[0].Actor != arbStaffID ||
		!slices.Equal(a[0].Members, arbSorted(arbArbID, arbPartyID, arbRepID)) {
		t.Errorf("assigned audit %+v", a)
	}

	// Every notification names the case and its title, under a unique step.
	steps := map[string]bool{}
	for _, n := range h.notes {
		if n.In.Data["case_id"] != "A-1" || n.In.Data["title"] == "" || n.In.Process != "arbitration" {
			t.Errorf("notification %s data %v", n.In.Event, n.In.Data)
		}
		if steps[n.In.Step] {
			t.Errorf("step %s notified twice", n.In.Step)
		}
		steps[n.In.Step] = true
	}
	filed := h.notesOf("arbitration.filed")
	if len(filed) != 1 || !filed[0].At.Equal(arbT0) || !slices.Equal(filed[0].In.MemberIDs, arbSorted(arbPartyID, arbStaffID, arbRepID)) {
		t.Errorf("filed notification %+v", filed)
	}
	if a := h.notesOf("arbitration.assigned"); len(a) != 1 || !arbDataTime(t, a[0], "due").Equal(arbAt(5*processtest.Day+time.Hour)) {
		t.Errorf("assigned notification %+v", a)
	}

	var statuses []string
	for _, s := range h.saves {
		statuses = append(statuses, s.Status)
	}
	wantStatuses := []string{"filed", "assigned", "submissions", "hearing_scheduled", "ruling_due", "ruled"}
	if !slices.Equal(statuses, wantStatuses) {
		t.Errorf("cases index statuses %v, want %v", statuses, wantStatuses)
	}
	if last := h.saves[len(h.saves)-1]; !slices.Equal(last.Members, arbSorted(arbArbID, arbPartyID, arbRepID)) || last.Process != "arbitration" {
		t.Errorf("cases index row %+v", last)
	}
}

// TestArbitrationOverdue checks that staff are alerted every processtest.Day once the
// ruling is late, and that the ruling stops the alerts.
func TestArbitrationOverdue(t *testing.T) {
	h := newArbHarness(t)
	h.toHearing(6 * processtest.Day) // due T0+36d
	beforeDue := h.query(35*processtest.Day + 12*time.Hour)
	firstDay := h.query(36*processtest.Day + time.Hour)
	afterFour := h.query(40*processtest.Day + 6*time.Hour)
	h.ok(h.update(40*processtest.Day+12*time.Hour, arbitration.UpdateRuling, arbitration.RulingInput{
		Actor: arbArb, Outcome: workflows.RulingDismissed, Text: "Dismissed: the question is moot.",
	}))

	final := h.run(arbInput("A-2"))

	arbWantStatus(t, "T0+35d12h", beforeDue, arbitration.StatusRulingDue)
	arbWantStatus(t, "T0+36d1h", firstDay, arbitration.StatusOverdue)
	if firstDay.OverdueAlerts != 1 {
		t.Errorf("alerts on the first processtest.Day: %d", firstDay.OverdueAlerts)
	}
	arbWantStatus(t, "T0+40d6h", afterFour, arbitration.StatusOverdue)
	if afterFour.OverdueAlerts != 5 {
		t.Errorf("alerts after 4 days overdue: %d, want 5", afterFour.OverdueAlerts)
	}
	alerts := h.notesOf("arbitration.ruling_overdue")
	if len(alerts) != 5 {
		t.Fatalf("%d overdue alerts, want 5 (the ruling stops them)", len(alerts))
	}
	for i, n := range alerts {
		if want := arbAt(36*processtest.Day + time.Duration(i)*processtest.Day); !n.At.Equal(want) {
			t.Errorf("alert %d at %v, want %v", i, n.At, want)
		}
		if !slices.Equal(n.In.MemberIDs, arbSorted(arbArbID, arbStaffID)) || n.In.Step != "overdue/"+strconv.Itoa(i+1) {
			t.Errorf("alert %d: step %s to %v", i, n.In.Step, n.In.MemberIDs)
		}
		if !arbDataTime(t, n, "due").Equal(arbAt(36 * processtest.Day)) {
			t.Errorf("alert %d data %v", i, n.In.Data)
		}
	}
	if a := h.auditOf("arbitration.overdue"); len(a) != 1 || a[0].Actor != "system" {
		t.Errorf("overdue audited %+v, want once", a)
	}
	if final.OverdueAlerts != 5 || final.Status != arbitration.StatusRuled {
		t.Errorf("final: %d alerts, status %q", final.OverdueAlerts, final.Status)
	}
	if got := len(h.notesOf("arbitration.ruling_reminder")); got != 3 {
		t.Errorf("%d reminders, want 3", got)
	}
}

// TestArbitrationExtension checks the one extension: limits, the moved
// deadline and reminders rescheduled against it.
func TestArbitrationExtension(t *testing.T) {
	h := newArbHarness(t)
	h.refused(h.update(3*processtest.Day, arbitration.UpdateExtend, arbitration.ExtendInput{Actor: arbArb, Days: 3, Reason: "early"}), workflows.ErrInvalidState)
	h.toHearing(6 * processtest.Day) // due T0+36d; first reminder T0+29d
	h.refused(h.update(30*processtest.Day, arbitration.UpdateExtend, arbitration.ExtendInput{Actor: arbParty, Days: 3, Reason: "help"}), workflows.ErrForbidden)
	h.refused(h.update(30*processtest.Day+time.Hour, arbitration.UpdateExtend, arbitration.ExtendInput{Actor: arbArb, Days: 0, Reason: "none"}), workflows.ErrInvalidInput)
	h.refused(h.update(30*processtest.Day+2*time.Hour, arbitration.UpdateExtend, arbitration.ExtendInput{Actor: arbArb, Days: 5, Reason: " "}), workflows.ErrInvalidInput)
	h.refused(h.update(31*processtest.Day, arbitration.UpdateExtend, arbitration.ExtendInput{Actor: arbArb, Days: 16, Reason: "too long"}), workflows.ErrInvalidInput)
	extended := h.ok(h.update(31*processtest.Day+time.Hour, arbitration.UpdateExtend, arbitration.ExtendInput{
		Actor: arbArb, Days: 10, Reason: "Waiting for the Portuguese translation of a submission",
	}))
	h.refused(h.update(31*processtest.Day+2*time.Hour, arbitration.UpdateExtend, arbitration.ExtendInput{Actor: arbArb, Days: 1, Reason: "again"}), workflows.ErrInvalidState)
	atOldDue := h.query(36*processtest.Day + time.Hour)
	h.ok(h.update(45*processtest.Day+12*time.Hour, arbitration.UpdateRuling, arbitration.RulingInput{
		Actor: arbArb, Outcome: workflows.RulingDecided, Text: "Decided.", Articles: []string{"12"},
	}))

	final := h.run(arbInput("A-3"))

	st := extended.state
	if st.DueAt == nil || !st.DueAt.Equal(arbAt(46*processtest.Day)) || st.Extension == nil || st.Extension.Days != 10 ||
		!st.Extension.PreviousDue.Equal(arbAt(36*processtest.Day)) || st.Status != arbitration.StatusRulingDue {
		t.Errorf("extension answered due %v, extension %+v, status %q", st.DueAt, st.Extension, st.Status)
	}
	arbWantStatus(t, "old due date", atOldDue, arbitration.StatusRulingDue)
	arbWantDeadlines(t, "old due date", atOldDue.Deadlines, workflows.Deadline{Name: "ruling", At: arbAt(46 * processtest.Day)})

	reminders := h.notesOf("arbitration.ruling_reminder")
	want := []struct {
		at   time.Time
		step string
		days float64
		due  time.Time
	}{
		{arbAt(29 * processtest.Day), "reminder/7d", 7, arbAt(36 * processtest.Day)},
		{arbAt(39 * processtest.Day), "reminder/extended/7d", 7, arbAt(46 * processtest.Day)},
		{arbAt(43 * processtest.Day), "reminder/extended/3d", 3, arbAt(46 * processtest.Day)},
		{arbAt(45 * processtest.Day), "reminder/extended/1d", 1, arbAt(46 * processtest.Day)},
	}
	if len(reminders) != len(want) {
		t.Fatalf("reminders %+v, want %d", reminders, len(want))
	}
	for i, w := range want {
		n := reminders[i]
		if !n.At.Equal(w.at) || n.In.Step != w.step || n.In.Data["days_left"] != w.days || !arbDataTime(t, n, "due").Equal(w.due) {
			t.Errorf("reminder %d: %s at %v data %v, want %s at %v", i, n.In.Step, n.At, n.In.Data, w.step, w.at)
		}
	}
	if n := h.notesOf("arbitration.ruling_overdue"); len(n) != 0 {
		t.Errorf("overdue alerts for the old deadline: %+v", n)
	}
	ext := h.notesOf("arbitration.extended")
	if len(ext) != 1 || !arbDataTime(t, ext[0], "due").Equal(arbAt(46*processtest.Day)) || ext[0].In.Data["reason"] == "" ||
		!slices.Contains(ext[0].In.MemberIDs, arbPartyID) || !slices.Contains(ext[0].In.MemberIDs, arbStaffID) {
		t.Errorf("extended notifications %+v", ext)
	}
	if !slices.Equal(final.RemindersSent, []string{"reminder/7d", "reminder/extended/7d", "reminder/extended/3d", "reminder/extended/1d"}) {
		t.Errorf("reminders sent %v", final.RemindersSent)
	}
}

// TestArbitrationRulingRefusals checks who may rule and when, and that a
// ruling is immutable.
func TestArbitrationRulingRefusals(t *testing.T) {
	h := newArbHarness(t)
	h.toHearing(6 * processtest.Day)
	good := arbitration.RulingInput{Actor: arbArb, Outcome: workflows.RulingDecided, Text: "Decided.", Articles: []string{"12"}}
	h.refused(h.update(5*processtest.Day+3*time.Hour, arbitration.UpdateRuling, good), workflows.ErrInvalidState)
	byParty := good
	byParty.Actor = arbParty
	h.refused(h.update(6*processtest.Day+time.Hour, arbitration.UpdateRuling, byParty), workflows.ErrForbidden)
	byOther := good
	byOther.Actor = arbArb2 // an arbitrator, but not this case's
	h.refused(h.update(6*processtest.Day+time.Hour, arbitration.UpdateRuling, byOther), workflows.ErrForbidden)
	noText := good
	noText.Text = " \n "
	h.refused(h.update(6*processtest.Day+2*time.Hour, arbitration.UpdateRuling, noText), workflows.ErrInvalidInput)
	appealOutcome := good
	appealOutcome.Outcome = workflows.RulingUphold // not an appeal
	h.refused(h.update(6*processtest.Day+2*time.Hour, arbitration.UpdateRuling, appealOutcome), workflows.ErrInvalidInput)

	first := h.ok(&arbResult{name: arbitration.UpdateRuling})
	second := h.refused(&arbResult{name: arbitration.UpdateRuling}, workflows.ErrInvalidState)
	h.env.RegisterDelayedCallback(func() {
		h.send(first, good)
		other := good
		other.Outcome = workflows.RulingDismissed
		h.send(second, other)
	}, 6*processtest.Day+3*time.Hour)

	final := h.run(arbInput("A-4"))
	if final.Ruling == nil || final.Ruling.Outcome != workflows.RulingDecided {
		t.Errorf("final ruling %+v", final.Ruling)
	}
	if n := len(h.auditOf("arbitration.ruling")); n != 1 {
		t.Errorf("%d ruling audit entries", n)
	}
}

// TestArbitrationChallenge checks challenges: a sustained one removes the
// arbitrator and the case is assigned again; a rejected one keeps them.
func TestArbitrationChallenge(t *testing.T) {
	h := newArbHarness(t)
	h.ok(h.update(time.Hour, arbitration.UpdateAssign, arbitration.AssignInput{Actor: arbStaff, ArbitratorID: arbArbID}))
	h.refused(h.update(2*time.Hour, arbitration.UpdateChallenge, arbitration.ChallengeInput{Actor: arbStranger, Reason: "x"}), workflows.ErrForbidden)
	h.refused(h.update(3*time.Hour, arbitration.UpdateDecideChallenge, arbitration.DecideChallengeInput{Actor: arbStaff, Decision: arbitration.ChallengeSustain}), workflows.ErrInvalidState)
	h.refused(h.update(4*time.Hour, arbitration.UpdateChallenge, arbitration.ChallengeInput{Actor: arbParty, Reason: ""}), workflows.ErrInvalidInput)
	challenged := h.ok(h.update(processtest.Day, arbitration.UpdateChallenge, arbitration.ChallengeInput{Actor: arbParty, Reason: "The arbitrator advised the other party"}))
	h.refused(h.update(processtest.Day+2*time.Hour, arbitration.UpdateDecideChallenge, arbitration.DecideChallengeInput{Actor: arbParty, Decision: arbitration.ChallengeSustain}), workflows.ErrForbidden)
	h.refused(h.update(processtest.Day+3*time.Hour, arbitration.UpdateChallenge, arbitration.ChallengeInput{Actor: arbRep, Reason: "again"}), workflows.ErrInvalidState)
	h.refused(h.update(processtest.Day+4*time.Hour, arbitration.UpdateDecideChallenge, arbitration.DecideChallengeInput{Actor: arbStaff, Decision: "maybe"}), workflows.ErrInvalidInput)
	sustained := h.ok(h.update(2*processtest.Day, arbitration.UpdateDecideChallenge, arbitration.DecideChallengeInput{Actor: arbStaff, Decision: arbitration.ChallengeSustain, Reason: "Confirmed by the record"}))
	h.refused(h.update(2*processtest.Day+time.Hour, arbitration.UpdateAssign, arbitration.AssignInput{Actor: arbStaff, ArbitratorID: arbArbID}), workflows.ErrInvalidInput)
	conflicted := h.refused(h.update(2*processtest.Day+2*time.Hour, arbitration.UpdateAssign, arbitration.AssignInput{
		Actor: arbStaff, ArbitratorID: arbArb2ID, Conflicts: []string{"the arbitrator m-arb2 and party m-ana are from the same ALS als-1"},
	}), workflows.ErrInvalidInput)
	h.refused(h.update(2*processtest.Day+3*time.Hour, arbitration.UpdateAssign, arbitration.AssignInput{Actor: arbParty, ArbitratorID: arbArb2ID}), workflows.ErrForbidden)
	h.refused(h.update(2*processtest.Day+4*time.Hour, arbitration.UpdateAssign, arbitration.AssignInput{Actor: arbStaff, ArbitratorID: arbRepID}), workflows.ErrInvalidInput)
	reassigned := h.ok(h.update(3*processtest.Day, arbitration.UpdateAssign, arbitration.AssignInput{Actor: arbStaff, ArbitratorID: arbArb2ID}))
	h.refused(h.update(3*processtest.Day+time.Hour, arbitration.UpdateConfirm, arbitration.ConfirmInput{Actor: arbArb}), workflows.ErrForbidden)
	h.ok(h.update(3*processtest.Day+2*time.Hour, arbitration.UpdateConfirm, arbitration.ConfirmInput{Actor: arbArb2}))
	h.ok(h.update(4*processtest.Day, arbitration.UpdateChallenge, arbitration.ChallengeInput{Actor: arbRep, Reason: "Same country"}))
	rejected := h.ok(h.update(4*processtest.Day+time.Hour, arbitration.UpdateDecideChallenge, arbitration.DecideChallengeInput{Actor: arbStaff, Decision: arbitration.ChallengeReject}))
	windowOpen := h.query(7 * processtest.Day)
	afterWindow := h.query(8*processtest.Day + time.Hour)
	h.refused(h.update(9*processtest.Day, arbitration.UpdateChallenge, arbitration.ChallengeInput{Actor: arbParty, Reason: "late"}), workflows.ErrInvalidState)
	h.cancelAt(10 * processtest.Day)

	h.runCancelled(arbInput("A-5"))

	if challenged.state.Status != arbitration.StatusChallenged {
		t.Errorf("challenge answered %q", challenged.state.Status)
	}
	if s := sustained.state; s.Status != arbitration.StatusFiled || s.ArbitratorID != "" || s.Confirmed {
		t.Errorf("sustained challenge answered status %q arbitrator %q", s.Status, s.ArbitratorID)
	}
	if !strings.Contains(conflicted.err.Error(), "same ALS") {
		t.Errorf("conflict refusal does not give the reason: %v", conflicted.err)
	}
	if s := reassigned.state; s.Status != arbitration.StatusAssigned || s.ArbitratorID != arbArb2ID {
		t.Errorf("reassignment answered %q/%q", s.Status, s.ArbitratorID)
	}
	if rejected.state.Status != arbitration.StatusAssigned {
		t.Errorf("rejected challenge answered %q", rejected.state.Status)
	}
	arbWantStatus(t, "T0+7d", windowOpen, arbitration.StatusAssigned)
	arbWantDeadlines(t, "T0+7d", windowOpen.Deadlines, workflows.Deadline{Name: "challenge_window", At: arbAt(8 * processtest.Day)})
	arbWantStatus(t, "T0+8d1h", afterWindow, arbitration.StatusSubmissions)
	if c := afterWindow.Challenges; len(c) != 2 || c[0].Decision != arbitration.ChallengeSustain || c[0].ArbitratorID != arbArbID ||
		c[1].Decision != arbitration.ChallengeReject || c[1].ArbitratorID != arbArb2ID || c[1].DecidedBy != arbStaffID {
		t.Errorf("challenges %+v", c)
	}

	notes := h.notesOf("arbitration.challenge")
	if len(notes) != 2 || !slices.Equal(notes[0].In.MemberIDs, arbSorted(arbArbID, arbPartyID, arbStaffID, arbRepID)) ||
		notes[0].In.Data["reason"] != "The arbitrator advised the other party" {
		t.Errorf("challenge notifications %+v", notes)
	}
	assigned := h.notesOf("arbitration.assigned")
	if len(assigned) != 2 || assigned[0].In.Step != "assigned/1" || assigned[1].In.Step != "assigned/2" ||
		!slices.Contains(assigned[1].In.MemberIDs, arbArb2ID) || slices.Contains(assigned[1].In.MemberIDs, arbArbID) {
		t.Errorf("assigned notifications %+v", assigned)
	}
	if len(h.auditOf("arbitration.challenge_sustained")) != 1 || len(h.auditOf("arbitration.challenge_rejected")) != 1 {
		t.Errorf("challenge decisions not audited: %v", h.auditActions())
	}
}

// TestArbitrationSubmissions checks the submissions window and its
// refusals.
func TestArbitrationSubmissions(t *testing.T) {
	h := newArbHarness(t)
	h.ok(h.update(time.Hour, arbitration.UpdateAssign, arbitration.AssignInput{Actor: arbStaff, ArbitratorID: arbArbID}))
	h.ok(h.update(2*time.Hour, arbitration.UpdateConfirm, arbitration.ConfirmInput{Actor: arbArb}))
	text := arbitration.SubmitInput{Actor: arbParty, Text: "Article 12 is clear.", Links: []string{"https://example.org/a.pdf"}}
	h.refused(h.update(3*processtest.Day, arbitration.UpdateSubmit, text), workflows.ErrInvalidState) // not open yet
	sub := h.ok(h.update(6*processtest.Day, arbitration.UpdateSubmit, text))
	h.refused(h.update(6*processtest.Day+time.Hour, arbitration.UpdateSubmit, arbitration.SubmitInput{Actor: arbStranger, Text: "me too"}), workflows.ErrForbidden)
	h.refused(h.update(6*processtest.Day+time.Hour, arbitration.UpdateSubmit, arbitration.SubmitInput{Actor: arbArb, Text: "the arbitrator is no party"}), workflows.ErrForbidden)
	h.refused(h.update(6*processtest.Day+2*time.Hour, arbitration.UpdateSubmit, arbitration.SubmitInput{Actor: arbRep, Text: "x", Links: []string{"ftp://example.org/a"}}), workflows.ErrInvalidInput)
	h.refused(h.update(6*processtest.Day+2*time.Hour, arbitration.UpdateSubmit, arbitration.SubmitInput{Actor: arbRep, Text: ""}), workflows.ErrInvalidInput)
	h.ok(h.update(19*processtest.Day, arbitration.UpdateSubmit, arbitration.SubmitInput{Actor: arbRep, Text: "Our reading differs."}))
	h.refused(h.update(19*processtest.Day+time.Hour+time.Minute, arbitration.UpdateSubmit, text), workflows.ErrInvalidState)
	after := h.query(20 * processtest.Day)
	h.cancelAt(21 * processtest.Day)

	h.runCancelled(arbInput("A-6"))

	if s := sub.state.Submissions; len(s) != 1 || s[0].By != arbPartyID || !s[0].At.Equal(arbAt(6*processtest.Day)) || len(s[0].Links) != 1 {
		t.Errorf("submission answered %+v", s)
	}
	arbWantStatus(t, "T0+20d", after, arbitration.StatusSubmissions)
	arbWantDeadlines(t, "T0+20d", after.Deadlines)
	if len(after.Submissions) != 2 {
		t.Errorf("submissions %+v", after.Submissions)
	}
	if a := h.auditOf("arbitration.submissions_closed"); len(a) != 1 {
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
			h := newArbHarness(t)
			in := arbInput("A-7")
			in.AppealOf = &workflows.AppealRef{Kind: workflows.AppealKindEthics, ID: "E-9"}
			want := workflows.AppealRuling{
				ArbitrationID: "A-7", Outcome: workflows.RulingOverturn,
				Text: "The sanction is overturned.", Articles: []string{"7.1"},
			}
			h.env.OnSignalExternalWorkflow(mock.Anything, "ethics/E-9", "", workflows.SignalAppealRuling, want).Return(tc.signalErr).Once()
			h.toHearing(6 * processtest.Day)
			h.refused(h.update(6*processtest.Day+time.Hour, arbitration.UpdateRuling, arbitration.RulingInput{
				Actor: arbArb, Outcome: workflows.RulingDecided, Text: "x",
			}), workflows.ErrInvalidInput)
			h.ok(h.update(6*processtest.Day+2*time.Hour, arbitration.UpdateRuling, arbitration.RulingInput{
				Actor: arbArb, Outcome: want.Outcome, Text: want.Text, Articles: want.Articles,
			}))

			final := h.run(in)
			h.env.AssertExpectations(t)

			if final.Status != arbitration.StatusRuled {
				t.Errorf("final status %q", final.Status)
			}
			sig := h.auditOf("arbitration.appeal_signal")
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
	h := newArbHarness(t)
	h.ok(h.update(time.Hour, arbitration.UpdateAssign, arbitration.AssignInput{Actor: arbStaff, ArbitratorID: arbArbID}))
	h.refused(h.update(90*time.Minute, arbitration.UpdateHearing, arbitration.HearingInput{
		Actor: arbArb, StartsAt: arbAt(10 * processtest.Day), Duration: time.Hour, Location: "Montevideo",
	}), workflows.ErrInvalidState) // not confirmed yet
	h.ok(h.update(2*time.Hour, arbitration.UpdateConfirm, arbitration.ConfirmInput{Actor: arbArb}))
	h.refused(h.update(3*time.Hour, arbitration.UpdateHearing, arbitration.HearingInput{
		Actor: arbArb, StartsAt: arbAt(4 * processtest.Day), Duration: time.Hour, Location: "Montevideo",
	}), workflows.ErrInvalidInput) // inside the challenge window
	h.refused(h.update(3*time.Hour, arbitration.UpdateHearing, arbitration.HearingInput{
		Actor: arbParty, StartsAt: arbAt(10 * processtest.Day), Duration: time.Hour, Location: "Montevideo",
	}), workflows.ErrForbidden)
	h.ok(h.update(5*processtest.Day+2*time.Hour, arbitration.UpdateHearing, arbitration.HearingInput{
		Actor: arbArb, StartsAt: arbAt(10 * processtest.Day), Duration: time.Hour, Location: "Montevideo",
	}))
	location := "Sala 2, Palacio Legislativo; Montevideo — or https://meet.example.org/a-very-long-call-link-that-needs-folding"
	moved := h.ok(h.update(6*processtest.Day, arbitration.UpdateHearing, arbitration.HearingInput{
		Actor: arbArb, StartsAt: arbAt(12*processtest.Day + 30*time.Minute), Duration: 2 * time.Hour, Location: location,
	}))
	before := h.query(11 * processtest.Day)
	h.refused(h.update(12*processtest.Day+time.Hour, arbitration.UpdateHearing, arbitration.HearingInput{
		Actor: arbArb, StartsAt: arbAt(13 * processtest.Day), Duration: time.Hour, Location: "x",
	}), workflows.ErrInvalidState) // already started
	after := h.query(12*processtest.Day + time.Hour)
	h.ok(h.update(12*processtest.Day+2*time.Hour, arbitration.UpdateRuling, arbitration.RulingInput{
		Actor: arbArb, Outcome: workflows.RulingDecided, Text: "Decided.",
	}))

	h.run(arbInput("A-8"))

	if hr := moved.state.Hearing; hr == nil || hr.Sequence != 1 || !hr.StartsAt.Equal(arbAt(12*processtest.Day+30*time.Minute)) {
		t.Errorf("reschedule answered %+v", moved.state.Hearing)
	}
	arbWantStatus(t, "T0+11d", before, arbitration.StatusHearingScheduled)
	arbWantStatus(t, "T0+12d1h", after, arbitration.StatusRulingDue)
	if after.DueAt == nil || !after.DueAt.Equal(arbAt(42*processtest.Day+30*time.Minute)) {
		t.Errorf("due %v, want 30 days after the rescheduled hearing", after.DueAt)
	}

	scheduled := h.notesOf("arbitration.hearing_scheduled")
	rescheduled := h.notesOf("arbitration.hearing_rescheduled")
	if len(scheduled) != 1 || len(rescheduled) != 1 {
		t.Fatalf("hearing notifications: %d scheduled, %d rescheduled", len(scheduled), len(rescheduled))
	}
	if scheduled[0].In.Step != "hearing/0" || rescheduled[0].In.Step != "hearing/1" {
		t.Errorf("steps %s, %s", scheduled[0].In.Step, rescheduled[0].In.Step)
	}
	if !slices.Equal(rescheduled[0].In.MemberIDs, arbSorted(arbArbID, arbPartyID, arbRepID)) ||
		rescheduled[0].In.Data["location"] != location || !arbDataTime(t, rescheduled[0], "starts_at").Equal(arbAt(12*processtest.Day+30*time.Minute)) {
		t.Errorf("rescheduled notification %+v", rescheduled[0].In)
	}

	first := arbICS(t, scheduled[0])
	second := arbICS(t, rescheduled[0])
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

// arbICS checks the attachment's framing (CRLF, folded at 75 octets) and
// returns its unfolded properties, the last value of each name.
func arbICS(t *testing.T, n processtest.Note) map[string]string {
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
	h := newArbHarness(t)
	h.refused(h.update(processtest.Day, arbitration.UpdateOmbudsman, arbitration.OmbudsmanInput{Actor: arbStranger, ReferredAt: arbAt(processtest.Day)}), workflows.ErrForbidden)
	h.refused(h.update(processtest.Day+30*time.Minute, arbitration.UpdateOmbudsman, arbitration.OmbudsmanInput{Actor: arbParty, ReferredAt: arbAt(5 * processtest.Day)}), workflows.ErrInvalidInput)
	referred := h.ok(h.update(processtest.Day+time.Hour, arbitration.UpdateOmbudsman, arbitration.OmbudsmanInput{Actor: arbParty, ReferredAt: arbAt(processtest.Day)}))
	h.refused(h.update(processtest.Day+2*time.Hour, arbitration.UpdateOmbudsman, arbitration.OmbudsmanInput{Actor: arbRep, ReferredAt: arbAt(processtest.Day)}), workflows.ErrInvalidState)
	h.refused(h.update(processtest.Day+3*time.Hour, arbitration.UpdateOmbudsman, arbitration.OmbudsmanInput{Actor: arbStranger, Outcome: "resolved"}), workflows.ErrForbidden)
	outcome := h.ok(h.update(2*processtest.Day, arbitration.UpdateOmbudsman, arbitration.OmbudsmanInput{Actor: arbStaff, Outcome: "Declined: the matter is before the arbitrator"}))
	h.refused(h.update(2*processtest.Day+time.Hour, arbitration.UpdateOmbudsman, arbitration.OmbudsmanInput{Actor: arbParty, Outcome: "again"}), workflows.ErrInvalidState)
	h.cancelAt(3 * processtest.Day)

	h.runCancelled(arbInput("A-9"))

	if o := referred.state.Ombudsman; o == nil || o.ReferredBy != arbPartyID || !o.ReferredAt.Equal(arbAt(processtest.Day)) || o.Outcome != "" ||
		referred.state.Status != arbitration.StatusFiled {
		t.Errorf("referral answered %+v (status %q)", referred.state.Ombudsman, referred.state.Status)
	}
	if o := outcome.state.Ombudsman; o == nil || o.OutcomeBy != arbStaffID || o.OutcomeAt == nil || !strings.HasPrefix(o.Outcome, "Declined") {
		t.Errorf("outcome answered %+v", outcome.state.Ombudsman)
	}
	notes := h.notesOf("arbitration.ombudsman")
	if len(notes) != 2 || notes[0].In.Data["outcome"] != nil || notes[1].In.Data["outcome"] == nil {
		t.Errorf("ombudsman notifications %+v", notes)
	}
}

// TestArbitrationInvalidInput checks that a case that cannot run is refused
// at the start, with the error type the API maps to 422.
func TestArbitrationInvalidInput(t *testing.T) {
	in := arbInput("A-10")
	in.Question = " "
	in.AppealOf = &workflows.AppealRef{Kind: "statement", ID: "S-1"}
	in.Parties = append(in.Parties, arbitration.Party{Kind: "nobody", ID: "x"})
	in.Periods.RulingDue = -time.Hour
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
	if err := arbInput("A-11").Validate(); err != nil {
		t.Errorf("valid input refused: %v", err)
	}

	h := newArbHarness(t)
	h.env.ExecuteWorkflow(arbitration.WorkflowName, in)
	if err := h.env.GetWorkflowError(); !errors.As(err, &appErr) || appErr.Type() != workflows.ErrInvalidInput {
		t.Errorf("workflow error %v", err)
	}
}

// TestArbitrationDefaultPeriods checks that periods left at zero take the
// policy's defaults rather than running a zero-length clock.
func TestArbitrationDefaultPeriods(t *testing.T) {
	h := newArbHarness(t)
	h.ok(h.update(time.Hour, arbitration.UpdateAssign, arbitration.AssignInput{Actor: arbStaff, ArbitratorID: arbArbID}))
	st := h.query(2 * time.Hour)
	h.cancelAt(3 * time.Hour)
	in := arbInput("A-12")
	in.Periods = arbitration.Periods{}
	h.runCancelled(in)
	arbWantDeadlines(t, "T0+2h", st.Deadlines, workflows.Deadline{Name: "challenge_window", At: arbAt(5*processtest.Day + time.Hour)})
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
	r := worker.NewWorkflowReplayer()
	r.RegisterWorkflowWithOptions(arbitration.Arbitration, workflow.RegisterOptions{Name: arbitration.WorkflowName})
	r.RegisterWorkflow(workflows.Notify)
	if err := r.ReplayWorkflowHistoryFromJSONFile(nil, "testdata/arbitration_complete.json"); err != nil {
		t.Fatalf("replay: %v", err)
	}
}
