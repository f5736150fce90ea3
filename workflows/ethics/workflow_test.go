package ethics_test

import (
	"context"
	"encoding/json"
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
	"github.com/lacralo/ralo/workflows/ethics"
)

const ethDay = 24 * time.Hour

// ethT0 is when every test case is filed; offsets below are from it.
var ethT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// The people of the test cases. The committee has five members; m-c5 is
// recused by the API's computation, so four take part.
const (
	ethStaffID       = "m-staff"
	ethComplainantID = "m-ana"
	ethRespondentID  = "m-bob"
	ethC1ID          = "m-c1"
	ethC2ID          = "m-c2"
	ethC3ID          = "m-c3"
	ethC4ID          = "m-c4"
	ethC5ID          = "m-c5"
	ethOutsiderID    = "m-out"
	ethReceipt       = "RCPT-7Q2X-99KD"
)

var (
	ethStaff       = workflows.Actor{MemberID: ethStaffID, Roles: []string{"member", "staff"}}
	ethComplainant = workflows.Actor{MemberID: ethComplainantID, Roles: []string{"member"}}
	ethRespondent  = workflows.Actor{MemberID: ethRespondentID, Roles: []string{"member", "als_rep"}}
	ethC1          = workflows.Actor{MemberID: ethC1ID, Roles: []string{"member", "ethics_committee"}}
	ethC2          = workflows.Actor{MemberID: ethC2ID, Roles: []string{"member", "ethics_committee"}}
	ethC3          = workflows.Actor{MemberID: ethC3ID, Roles: []string{"member", "ethics_committee"}}
	ethC4          = workflows.Actor{MemberID: ethC4ID, Roles: []string{"member", "ethics_committee"}}
	ethC5          = workflows.Actor{MemberID: ethC5ID, Roles: []string{"member", "ethics_committee"}}
	ethOutsider    = workflows.Actor{MemberID: ethOutsiderID, Roles: []string{"member"}}
)

// ethC5Reason is why the API recused m-c5: it names the complainant, as
// domain.EthicsRecusals reasons do.
const ethC5Reason = "the committee member m-c5 and party m-ana are from the same ALS als-1"

func ethRoster() []ethics.CommitteeMember {
	return []ethics.CommitteeMember{
		{MemberID: ethC1ID}, {MemberID: ethC2ID}, {MemberID: ethC3ID}, {MemberID: ethC4ID},
		{MemberID: ethC5ID, Recused: true, Reasons: []string{ethC5Reason}},
	}
}

// ethInput is an anonymous complaint on the default LACRALO clock.
func ethInput(caseID string) ethics.Input {
	return ethics.Input{
		CaseID:        caseID,
		Receipt:       ethReceipt,
		ComplainantID: ethComplainantID,
		RespondentID:  ethRespondentID,
		Kind:          ethics.KindUndeclaredConflict,
		Summary:       "The chair did not declare a consulting contract with a registrar.",
		Links:         []string{"https://example.org/contract.pdf"},
		Anonymous:     true,
		Committee:     ethRoster(),
		StaffIDs:      []string{ethStaffID},
		Periods: ethics.Periods{
			Screening:            workflows.Duration(14 * ethDay),
			ScreeningReminder:    workflows.Duration(7 * ethDay),
			ScreeningEscalation:  workflows.Duration(7 * ethDay),
			Response:             workflows.Duration(21 * ethDay),
			AppealWindow:         workflows.Duration(15 * ethDay),
			RemovalIneligibility: workflows.Duration(730 * ethDay),
			Quorum:               0.5,
			Majority:             0.5,
		},
		FiledAt: ethT0,
	}
}

// ethNote is a notification the workflow started, with the simulated time.
type ethNote struct {
	At time.Time
	In workflows.NotifyInput
}

// ethResult is what became of one update sent by the harness.
type ethResult struct {
	name  string
	done  bool
	err   error
	state ethics.State
}

// ethHarness runs the real Ethics workflow in the time-skipping test
// environment, with the activities and the Notify child mocked, and keeps
// what they were asked to do.
type ethHarness struct {
	t   *testing.T
	env *testsuite.TestWorkflowEnvironment

	mu       sync.Mutex // mocks run on their own goroutines
	notes    []ethNote
	audits   []workflows.AuditInput
	saves    []workflows.CaseIndex
	applied  []ethics.DecisionEffect
	applyErr error
	results  []*ethResult
}

func newEthHarness(t *testing.T) *ethHarness {
	t.Helper()
	h := &ethHarness{t: t}
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	env := suite.NewTestWorkflowEnvironment()
	env.SetWorkerOptions(worker.Options{DeadlockDetectionTimeout: 10 * time.Second})
	env.SetStartTime(ethT0)
	env.RegisterWorkflowWithOptions(ethics.Ethics, workflow.RegisterOptions{Name: ethics.WorkflowName})

	// The workflow calls activities by name; register placeholders under
	// those names so that they can be mocked by name.
	env.RegisterActivityWithOptions(func(context.Context, workflows.AuditInput) (workflows.AuditResult, error) {
		return workflows.AuditResult{}, nil
	}, activity.RegisterOptions{Name: workflows.ActivityRecordAudit})
	env.RegisterActivityWithOptions(func(context.Context, workflows.CaseIndex) error {
		return nil
	}, activity.RegisterOptions{Name: workflows.ActivitySaveCase})
	env.RegisterActivityWithOptions(func(context.Context, ethics.DecisionEffect) error {
		return nil
	}, activity.RegisterOptions{Name: ethics.ActivityApplyDecision})

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
	env.OnActivity(ethics.ActivityApplyDecision, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in ethics.DecisionEffect) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			if h.applyErr != nil {
				return h.applyErr
			}
			h.applied = append(h.applied, in)
			return nil
		})
	env.OnWorkflow(workflows.Notify, mock.Anything, mock.Anything).Return(
		func(ctx workflow.Context, in workflows.NotifyInput) error {
			at := workflow.Now(ctx)
			h.mu.Lock()
			defer h.mu.Unlock()
			h.notes = append(h.notes, ethNote{At: at, In: in})
			return nil
		})
	h.env = env
	return h
}

// update sends an update at T0+at; its outcome is checked after the run.
func (h *ethHarness) update(at time.Duration, name string, in any) *ethResult {
	r := &ethResult{name: name}
	h.results = append(h.results, r)
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(r.name, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { r.done, r.err = true, err },
			OnComplete: func(v any, err error) {
				r.done, r.err = true, err
				if st, ok := v.(ethics.State); ok {
					r.state = st
				}
			},
		}, in)
	}, at)
	return r
}

// signal delivers an arbitration ruling at T0+at.
func (h *ethHarness) signal(at time.Duration, r workflows.AppealRuling) {
	h.env.RegisterDelayedCallback(func() {
		h.env.SignalWorkflow(workflows.SignalAppealRuling, r)
	}, at)
}

// query reads the state at T0+at.
func (h *ethHarness) query(at time.Duration) *ethics.State {
	st := &ethics.State{}
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(ethics.Query)
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

// appliedBy reads, at T0+at, how many decisions have been applied so far.
func (h *ethHarness) appliedBy(at time.Duration) *int {
	n := new(int)
	h.env.RegisterDelayedCallback(func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		*n = len(h.applied)
	}, at)
	return n
}

// cancelAt cancels the case at T0+at, to end the tests that need no
// outcome.
func (h *ethHarness) cancelAt(at time.Duration) {
	h.env.RegisterDelayedCallback(h.env.CancelWorkflow, at)
}

// ok and refused register expectations checked when the test ends.
func (h *ethHarness) ok(r *ethResult) *ethResult {
	h.t.Cleanup(func() {
		if !r.done {
			h.t.Errorf("update %s never completed", r.name)
		} else if r.err != nil {
			h.t.Errorf("update %s: unexpected error %v", r.name, r.err)
		}
	})
	return r
}

func (h *ethHarness) refused(r *ethResult, errType string) *ethResult {
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

// run executes the case and returns its final state; the case must close.
func (h *ethHarness) run(in ethics.Input) ethics.State {
	h.t.Helper()
	h.env.ExecuteWorkflow(ethics.WorkflowName, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	if err := h.env.GetWorkflowError(); err != nil {
		h.t.Fatalf("workflow failed: %v", err)
	}
	var st ethics.State
	if err := h.env.GetWorkflowResult(&st); err != nil {
		h.t.Fatalf("result: %v", err)
	}
	return st
}

// runCancelled executes a case that the test ends with cancelAt.
func (h *ethHarness) runCancelled(in ethics.Input) {
	h.t.Helper()
	h.env.ExecuteWorkflow(ethics.WorkflowName, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	if err := h.env.GetWorkflowError(); !temporal.IsCanceledError(err) {
		h.t.Fatalf("want the case cancelled, got %v", err)
	}
}

func (h *ethHarness) notesOf(event string) []ethNote {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []ethNote
	for _, n := range h.notes {
		if n.In.Event == event {
			out = append(out, n)
		}
	}
	return out
}

func (h *ethHarness) auditOf(action string) []workflows.AuditInput {
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

// toDeliberation admits the complaint at T0+1d; the respondent answers at
// T0+2d and the committee opens the deliberation at T0+2d1h.
func (h *ethHarness) toDeliberation() {
	h.ok(h.update(ethDay, ethics.UpdateAdmit, ethics.AdmitInput{Actor: ethC1, Note: "Admissible: a registrar contract is alleged."}))
	h.ok(h.update(2*ethDay, ethics.UpdateRespond, ethics.RespondInput{Actor: ethRespondent, Text: "The contract ended before my election."}))
	h.ok(h.update(2*ethDay+time.Hour, ethics.UpdateDeliberate, ethics.DeliberateInput{Actor: ethC2}))
}

// decide has three of the four non-recused members vote for d, from T0+at
// an hour apart: the decision passes at T0+at+2h.
func (h *ethHarness) decide(at time.Duration, d ethics.Decision) {
	for i, c := range []workflows.Actor{ethC1, ethC2, ethC3} {
		h.ok(h.update(at+time.Duration(i)*time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: c, Decision: d, For: true}))
	}
}

func ethSorted(ids ...string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

func ethAt(d time.Duration) time.Time { return ethT0.Add(d) }

func ethTimePtr(d time.Duration) *time.Time {
	t := ethAt(d)
	return &t
}

func ethWantStatus(t *testing.T, label string, st *ethics.State, status string) {
	t.Helper()
	if st.Status != status {
		t.Errorf("%s: status %q, want %q", label, st.Status, status)
	}
}

func ethWantDeadlines(t *testing.T, label string, got []workflows.Deadline, want ...workflows.Deadline) {
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

// ethDataTime reads a time from notification data, which went through JSON.
func ethDataTime(t *testing.T, n ethNote, key string) time.Time {
	t.Helper()
	s, _ := n.In.Data[key].(string)
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Errorf("%s: data %s = %v: %v", n.In.Step, key, n.In.Data[key], err)
	}
	return v
}

func ethJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// ethShown is what an audit entry shows its readers: its actor and
// details (the Members it is filtered by are not shown).
func ethShown(t *testing.T, a workflows.AuditInput) string {
	t.Helper()
	return ethJSON(t, []any{a.Actor, a.Details})
}

// ethActive is who is told of committee business in the test cases.
var ethActive = []string{ethC1ID, ethC2ID, ethC3ID, ethC4ID}

// TestEthicsScreeningReminders checks the screening clock: a reminder to
// staff and the committee a week before the deadline, then an escalation at
// the deadline and every week after, until the complaint is screened.
func TestEthicsScreeningReminders(t *testing.T) {
	h := newEthHarness(t)
	early := h.query(6 * ethDay)
	late := h.query(29 * ethDay)
	admitted := h.ok(h.update(30*ethDay, ethics.UpdateAdmit, ethics.AdmitInput{Actor: ethC3}))
	h.cancelAt(40 * ethDay)

	h.runCancelled(ethInput("E-1"))

	ethWantStatus(t, "T0+6d", early, ethics.StatusScreening)
	ethWantDeadlines(t, "T0+6d", early.Deadlines, workflows.Deadline{Name: "screening", At: ethAt(14 * ethDay)})
	if early.ScreeningReminded || early.ScreeningEscalations != 0 {
		t.Errorf("T0+6d: reminded %v, escalations %d", early.ScreeningReminded, early.ScreeningEscalations)
	}
	if !late.ScreeningReminded || late.ScreeningEscalations != 3 {
		t.Errorf("T0+29d: reminded %v, escalations %d, want 3", late.ScreeningReminded, late.ScreeningEscalations)
	}
	if s := admitted.state; s.Status != ethics.StatusInvestigation || s.ResponseDue == nil || !s.ResponseDue.Equal(ethAt(51*ethDay)) {
		t.Errorf("admit answered %q, response due %v", s.Status, s.ResponseDue)
	}

	staffAndCommittee := ethSorted(append([]string{ethStaffID}, ethActive...)...)
	reminders := h.notesOf("ethics.screening_reminder")
	if len(reminders) != 1 || !reminders[0].At.Equal(ethAt(7*ethDay)) ||
		!slices.Equal(reminders[0].In.MemberIDs, staffAndCommittee) || !ethDataTime(t, reminders[0], "due").Equal(ethAt(14*ethDay)) {
		t.Errorf("screening reminders %+v", reminders)
	}
	escalations := h.notesOf("ethics.screening_overdue")
	if len(escalations) != 3 {
		t.Fatalf("%d escalations, want 3 (T0+14d, 21d, 28d; none after the admission)", len(escalations))
	}
	for i, n := range escalations {
		if want := ethAt(time.Duration(14+7*i) * ethDay); !n.At.Equal(want) {
			t.Errorf("escalation %d at %v, want %v", i, n.At, want)
		}
		if n.In.Step != "screening_overdue/"+strconv.Itoa(i+1) || !slices.Equal(n.In.MemberIDs, staffAndCommittee) {
			t.Errorf("escalation %d: step %s to %v", i, n.In.Step, n.In.MemberIDs)
		}
	}
	if a := h.auditOf("ethics.screening_overdue"); len(a) != 1 || a[0].Audience != "staff" || a[0].Actor != "system" {
		t.Errorf("screening overdue audited %+v, want once for staff", a)
	}

	// The filing reaches the complainant, staff and the non-recused
	// committee, not the respondent nor the recused member; the admission
	// asks the respondent alone for a response.
	filed := h.notesOf("ethics.filed")
	if len(filed) != 1 || !filed[0].At.Equal(ethT0) ||
		!slices.Equal(filed[0].In.MemberIDs, ethSorted(append([]string{ethStaffID, ethComplainantID}, ethActive...)...)) {
		t.Errorf("filed notification %+v", filed)
	}
	asked := h.notesOf("ethics.response_requested")
	if len(asked) != 1 || !slices.Equal(asked[0].In.MemberIDs, []string{ethRespondentID}) || !ethDataTime(t, asked[0], "due").Equal(ethAt(51*ethDay)) {
		t.Errorf("response requested %+v", asked)
	}
	for _, n := range h.notes {
		if n.In.Process != "ethics" || n.In.ObjectID != "E-1" || n.In.Data["case_id"] != "E-1" || n.In.Data["title"] == "" {
			t.Errorf("notification %s: %+v", n.In.Event, n.In)
		}
	}
}

// TestEthicsDismissInadmissible checks screening refusals and a dismissal:
// the case closes as inadmissible, nothing is applied, the respondent is
// never told, and the public record names nobody.
func TestEthicsDismissInadmissible(t *testing.T) {
	h := newEthHarness(t)
	reason := "The facts alleged do not concern a declared position."
	h.refused(h.update(ethDay, ethics.UpdateDismiss, ethics.DismissInput{Actor: ethRespondent, Reason: reason}), workflows.ErrForbidden)
	h.refused(h.update(ethDay, ethics.UpdateDismiss, ethics.DismissInput{Actor: ethC5, Reason: reason}), workflows.ErrForbidden)
	h.refused(h.update(ethDay, ethics.UpdateDismiss, ethics.DismissInput{Actor: ethStaff, Reason: reason}), workflows.ErrForbidden)
	h.refused(h.update(ethDay, ethics.UpdateDismiss, ethics.DismissInput{Actor: ethC1, Reason: " "}), workflows.ErrInvalidInput)
	h.refused(h.update(ethDay, ethics.UpdateRespond, ethics.RespondInput{Actor: ethRespondent, Text: "early"}), workflows.ErrInvalidState)
	h.refused(h.update(ethDay, ethics.UpdateEvidence, ethics.EvidenceInput{Actor: ethComplainant, Text: "more"}), workflows.ErrInvalidState)
	h.refused(h.update(ethDay, ethics.UpdateVote, ethics.VoteInput{Actor: ethC1, Decision: ethics.Decision{Kind: "warning"}, For: true}), workflows.ErrInvalidState)
	h.refused(h.update(ethDay, ethics.UpdateAppeal, ethics.AppealInput{Actor: ethComplainant, Reason: "x"}), workflows.ErrInvalidState)
	dismissed := h.ok(h.update(2*ethDay, ethics.UpdateDismiss, ethics.DismissInput{Actor: ethC1, Reason: reason}))

	final := h.run(ethInput("E-2"))

	if s := dismissed.state; s.Status != ethics.StatusClosed || s.Outcome != ethics.OutcomeInadmissible {
		t.Errorf("dismiss answered %q/%q", s.Status, s.Outcome)
	}
	if final.Status != ethics.StatusClosed || final.Outcome != ethics.OutcomeInadmissible || final.Final != nil ||
		final.Applied != nil || final.Screening == nil || final.Screening.Result != ethics.ScreenDismissed || final.Screening.Text != reason {
		t.Errorf("final state %+v", final)
	}
	if len(final.Deadlines) != 0 {
		t.Errorf("deadlines of a closed case: %v", final.Deadlines)
	}
	if len(h.applied) != 0 {
		t.Errorf("an inadmissible complaint applied %+v", h.applied)
	}
	if !h.env.Now().Equal(ethAt(2 * ethDay)) {
		t.Errorf("the case ended at %v, want at the dismissal", h.env.Now())
	}
	if final.CanRead(ethRespondentID, ethRespondent.Roles) {
		t.Error("the respondent of a complaint dismissed at screening can read it")
	}
	for _, n := range h.notes {
		if slices.Contains(n.In.MemberIDs, ethRespondentID) {
			t.Errorf("the respondent was told: %s", n.In.Event)
		}
	}
	d := h.notesOf("ethics.dismissed")
	if len(d) != 1 || d[0].In.Data["reason"] != reason {
		t.Errorf("dismissed notification %+v", d)
	}
	pub := h.auditOf("ethics.decision_published")
	if len(pub) != 1 || pub[0].Audience != "public" || len(pub[0].Members) != 0 || pub[0].IdemKey != "ethics/E-2/published" {
		t.Fatalf("published %+v", pub)
	}
	details := pub[0].Details.(map[string]any)
	if details["outcome"] != ethics.OutcomeInadmissible || details["complaint_kind"] != ethics.KindUndeclaredConflict || details["case_id"] != "E-2" {
		t.Errorf("published details %v", details)
	}
	if js := ethJSON(t, pub[0]); strings.Contains(js, ethComplainantID) || strings.Contains(js, ethRespondentID) || strings.Contains(js, "contract") {
		t.Errorf("the public record names someone or quotes the complaint: %s", js)
	}
	var statuses []string
	for _, s := range h.saves {
		statuses = append(statuses, s.Status)
	}
	if !slices.Equal(statuses, []string{"screening", "closed"}) {
		t.Errorf("cases index statuses %v", statuses)
	}
	if last := h.saves[len(h.saves)-1]; last.CreatedBy != "" || slices.Contains(last.Members, ethRespondentID) || slices.Contains(last.Members, ethC5ID) {
		t.Errorf("cases index row of an anonymous complaint %+v", last)
	}
}

// TestEthicsResponseSilence checks the investigation: evidence and
// questions, and a respondent who stays silent, which moves the case to
// deliberation when the 21 days are over.
func TestEthicsResponseSilence(t *testing.T) {
	h := newEthHarness(t)
	h.ok(h.update(ethDay, ethics.UpdateAdmit, ethics.AdmitInput{Actor: ethC1}))
	h.refused(h.update(ethDay+time.Hour, ethics.UpdateAdmit, ethics.AdmitInput{Actor: ethC2}), workflows.ErrInvalidState)
	ev := h.ok(h.update(3*ethDay, ethics.UpdateEvidence, ethics.EvidenceInput{
		Actor: ethComplainant, Text: "Minutes of the meeting", Links: []string{"https://example.org/minutes"},
	}))
	q := h.ok(h.update(4*ethDay, ethics.UpdateEvidence, ethics.EvidenceInput{Actor: ethC2, Text: "When did the contract end?"}))
	h.refused(h.update(4*ethDay, ethics.UpdateEvidence, ethics.EvidenceInput{Actor: ethC5, Text: "x"}), workflows.ErrForbidden)
	h.refused(h.update(4*ethDay, ethics.UpdateEvidence, ethics.EvidenceInput{Actor: ethOutsider, Text: "x"}), workflows.ErrForbidden)
	h.refused(h.update(4*ethDay, ethics.UpdateEvidence, ethics.EvidenceInput{Actor: ethComplainant, Text: "x", Links: []string{"javascript:alert(1)"}}), workflows.ErrInvalidInput)
	h.refused(h.update(5*ethDay, ethics.UpdateDeliberate, ethics.DeliberateInput{Actor: ethC1}), workflows.ErrInvalidState)
	h.refused(h.update(5*ethDay, ethics.UpdateVote, ethics.VoteInput{Actor: ethC1, Decision: ethics.Decision{Kind: "warning"}, For: true}), workflows.ErrInvalidState)
	before := h.query(22*ethDay - time.Hour)
	after := h.query(22*ethDay + time.Hour)
	h.refused(h.update(22*ethDay+2*time.Hour, ethics.UpdateRespond, ethics.RespondInput{Actor: ethRespondent, Text: "late"}), workflows.ErrInvalidState)
	h.ok(h.update(22*ethDay+3*time.Hour, ethics.UpdateEvidence, ethics.EvidenceInput{Actor: ethRespondent, Text: "Evidence still accepted in deliberation"}))
	h.cancelAt(23 * ethDay)

	h.runCancelled(ethInput("E-3"))

	if e := ev.state.Evidence; len(e) != 1 || e[0].Role != ethics.RoleComplainant || e[0].Kind != ethics.EvidenceKind || e[0].By != ethComplainantID {
		t.Errorf("evidence answered %+v", e)
	}
	if e := q.state.Evidence; len(e) != 2 || e[1].Role != ethics.RoleCommittee || e[1].Kind != ethics.QuestionKind {
		t.Errorf("question answered %+v", e)
	}
	ethWantStatus(t, "T0+22d-1h", before, ethics.StatusInvestigation)
	ethWantDeadlines(t, "T0+22d-1h", before.Deadlines, workflows.Deadline{Name: "response", At: ethAt(22 * ethDay)})
	ethWantStatus(t, "T0+22d1h", after, ethics.StatusDeliberation)
	ethWantDeadlines(t, "T0+22d1h", after.Deadlines)
	if after.Response != nil {
		t.Errorf("response %+v", after.Response)
	}
	delib := h.auditOf("ethics.deliberation")
	if len(delib) != 1 || delib[0].Actor != "system" || delib[0].Details.(map[string]any)["reason"] != "response_period_ended" ||
		delib[0].Details.(map[string]any)["responded"] != false {
		t.Errorf("deliberation audited %+v", delib)
	}
	// The complainant's evidence is audited for the case under the role
	// and for staff under the name.
	evAudit := h.auditOf("ethics.evidence")
	var members, staff int
	for _, a := range evAudit {
		switch {
		case a.Audience == "members" && a.Actor == ethics.RoleComplainant:
			members++
		case a.Audience == "staff" && a.Actor == ethComplainantID:
			staff++
		}
	}
	if members != 1 || staff != 1 || len(evAudit) != 4 {
		t.Errorf("evidence audit entries %+v", evAudit)
	}
}

// TestEthicsRespondThenDeliberate checks that an answer lets the committee
// open the deliberation before the response period ends.
func TestEthicsRespondThenDeliberate(t *testing.T) {
	h := newEthHarness(t)
	h.ok(h.update(ethDay, ethics.UpdateAdmit, ethics.AdmitInput{Actor: ethC1}))
	h.refused(h.update(2*ethDay, ethics.UpdateRespond, ethics.RespondInput{Actor: ethComplainant, Text: "not mine"}), workflows.ErrForbidden)
	h.refused(h.update(2*ethDay, ethics.UpdateRespond, ethics.RespondInput{Actor: ethRespondent, Text: " "}), workflows.ErrInvalidInput)
	responded := h.ok(h.update(3*ethDay, ethics.UpdateRespond, ethics.RespondInput{Actor: ethRespondent, Text: "The contract ended in 2024."}))
	h.refused(h.update(3*ethDay+time.Hour, ethics.UpdateRespond, ethics.RespondInput{Actor: ethRespondent, Text: "again"}), workflows.ErrInvalidState)
	h.refused(h.update(4*ethDay, ethics.UpdateDeliberate, ethics.DeliberateInput{Actor: ethRespondent}), workflows.ErrForbidden)
	h.refused(h.update(4*ethDay, ethics.UpdateDeliberate, ethics.DeliberateInput{Actor: ethC5}), workflows.ErrForbidden)
	opened := h.ok(h.update(4*ethDay+time.Hour, ethics.UpdateDeliberate, ethics.DeliberateInput{Actor: ethC4}))
	h.refused(h.update(4*ethDay+2*time.Hour, ethics.UpdateDeliberate, ethics.DeliberateInput{Actor: ethC1}), workflows.ErrInvalidState)
	later := h.query(30 * ethDay)
	h.cancelAt(31 * ethDay)

	h.runCancelled(ethInput("E-4"))

	if r := responded.state.Response; r == nil || r.Text != "The contract ended in 2024." || !r.At.Equal(ethAt(3*ethDay)) {
		t.Errorf("response answered %+v", r)
	}
	if opened.state.Status != ethics.StatusDeliberation || len(opened.state.Deadlines) != 0 {
		t.Errorf("deliberate answered %q %v", opened.state.Status, opened.state.Deadlines)
	}
	ethWantStatus(t, "T0+30d", later, ethics.StatusDeliberation)
	if d := h.auditOf("ethics.deliberation"); len(d) != 1 || d[0].Actor != ethC4ID || d[0].Details.(map[string]any)["responded"] != true {
		t.Errorf("deliberation audited %+v", d)
	}
}

// TestEthicsRecusals checks that recused members cannot act, that any
// committee member may recuse themself, that a recomputation keeps the
// self-recusals, and that a party is always recused.
func TestEthicsRecusals(t *testing.T) {
	h := newEthHarness(t)
	h.toDeliberation()
	warning := ethics.Decision{Kind: ethics.DecisionWarning}
	h.refused(h.update(3*ethDay, ethics.UpdateVote, ethics.VoteInput{Actor: ethC5, Decision: warning, For: true}), workflows.ErrForbidden)
	h.ok(h.update(3*ethDay+time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: ethC1, Decision: warning, For: true}))
	h.ok(h.update(3*ethDay+2*time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: ethC2, Decision: warning, For: true}))
	h.refused(h.update(4*ethDay, ethics.UpdateRecuse, ethics.RecuseInput{Actor: ethOutsider, Reason: "x"}), workflows.ErrForbidden)
	h.refused(h.update(4*ethDay, ethics.UpdateRecuse, ethics.RecuseInput{Actor: ethC5, Reason: "x"}), workflows.ErrInvalidState)
	h.refused(h.update(4*ethDay, ethics.UpdateRecuse, ethics.RecuseInput{Actor: ethC2, Reason: ""}), workflows.ErrInvalidInput)
	recused := h.ok(h.update(4*ethDay+time.Hour, ethics.UpdateRecuse, ethics.RecuseInput{Actor: ethC2, Reason: "I advised the respondent last year"}))
	h.refused(h.update(4*ethDay+2*time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: ethC2, Decision: warning, For: true}), workflows.ErrForbidden)
	h.refused(h.update(4*ethDay+2*time.Hour, ethics.UpdateRecuse, ethics.RecuseInput{Actor: ethC2, Reason: "again"}), workflows.ErrInvalidState)
	// Staff recompute after m-c5's declaration was superseded, with the
	// respondent newly on the committee: m-c2 stays recused (self), m-c5
	// comes back, the respondent is recused as a party.
	h.refused(h.update(5*ethDay, ethics.UpdateRecomputeRecusals, ethics.RecomputeInput{Actor: ethC1, Committee: ethRoster()}), workflows.ErrForbidden)
	h.refused(h.update(5*ethDay, ethics.UpdateRecomputeRecusals, ethics.RecomputeInput{Actor: ethStaff, Committee: []ethics.CommitteeMember{{MemberID: ethC1ID}, {MemberID: ethC1ID}}}), workflows.ErrInvalidInput)
	recomputed := h.ok(h.update(5*ethDay+time.Hour, ethics.UpdateRecomputeRecusals, ethics.RecomputeInput{
		Actor: ethStaff,
		Committee: []ethics.CommitteeMember{
			{MemberID: ethC5ID}, {MemberID: ethC4ID}, {MemberID: ethC3ID}, {MemberID: ethC2ID}, {MemberID: ethC1ID}, {MemberID: ethRespondentID},
		},
	}))
	h.ok(h.update(6*ethDay, ethics.UpdateVote, ethics.VoteInput{Actor: ethC5, Decision: warning, For: false}))
	h.refused(h.update(6*ethDay, ethics.UpdateVote, ethics.VoteInput{Actor: ethRespondent, Decision: warning, For: false}), workflows.ErrForbidden)
	h.cancelAt(7 * ethDay)

	h.runCancelled(ethInput("E-5"))

	st := recused.state
	if len(st.Votes) != 1 || st.Votes[0].MemberID != ethC1ID || st.Tally == nil || st.Tally.Members != 3 || st.Tally.Cast != 1 {
		t.Errorf("after self-recusal: votes %+v, tally %+v", st.Votes, st.Tally)
	}
	if st.CanRead(ethC2ID, ethC2.Roles) || !st.CanRead(ethC1ID, ethC1.Roles) {
		t.Error("a self-recused member can still read the case, or another cannot")
	}
	c2 := st.Committee[slices.IndexFunc(st.Committee, func(m ethics.CommitteeMember) bool { return m.MemberID == ethC2ID })]
	if !c2.Recused || !slices.Equal(c2.Reasons, []string{"recused themself: I advised the respondent last year"}) {
		t.Errorf("self-recused member %+v", c2)
	}

	wantRoster := []ethics.CommitteeMember{
		{MemberID: ethRespondentID, Recused: true, Reasons: []string{"the committee member m-bob is a party"}},
		{MemberID: ethC1ID},
		{MemberID: ethC2ID, Recused: true, Reasons: []string{"recused themself: I advised the respondent last year"}},
		{MemberID: ethC3ID}, {MemberID: ethC4ID}, {MemberID: ethC5ID},
	}
	got := recomputed.state.Committee
	if len(got) != len(wantRoster) {
		t.Fatalf("recomputed roster %+v", got)
	}
	for i, w := range wantRoster {
		if got[i].MemberID != w.MemberID || got[i].Recused != w.Recused || !slices.Equal(got[i].Reasons, w.Reasons) {
			t.Errorf("roster[%d] = %+v, want %+v", i, got[i], w)
		}
	}
	if tl := recomputed.state.Tally; tl.Members != 4 || tl.QuorumRequired != 3 || tl.Cast != 1 {
		t.Errorf("tally after recomputation %+v", tl)
	}
	for _, a := range append(h.auditOf("ethics.recused"), h.auditOf("ethics.recusals_recomputed")...) {
		if a.Audience != "staff" {
			t.Errorf("recusal entry %s for %q: its reasons may name the parties", a.Action, a.Audience)
		}
	}
}

// TestEthicsQuorumAndMajority checks the thresholds at their edges, with
// four non-recused members and the default 0.5: two votes (exactly half)
// are no quorum, three are; two "for" votes of four (exactly half) are no
// majority, three are.
func TestEthicsQuorumAndMajority(t *testing.T) {
	suspension := ethics.Decision{Kind: ethics.DecisionSuspension, Until: ethTimePtr(200 * ethDay)}

	t.Run("quorum", func(t *testing.T) {
		h := newEthHarness(t)
		h.toDeliberation()
		h.ok(h.update(3*ethDay, ethics.UpdateVote, ethics.VoteInput{Actor: ethC1, Decision: suspension, For: true}))
		half := h.ok(h.update(3*ethDay+time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: ethC2, Decision: suspension, For: true}))
		passed := h.ok(h.update(3*ethDay+2*time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: ethC3, Decision: suspension, For: false}))
		h.refused(h.update(3*ethDay+3*time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: ethC4, Decision: suspension, For: true}), workflows.ErrInvalidState)
		h.cancelAt(4 * ethDay)
		h.runCancelled(ethInput("E-6"))

		if s := half.state; s.Status != ethics.StatusDeliberation || s.Tally.Quorate || s.Tally.Cast != 2 || s.Tally.QuorumRequired != 3 {
			t.Errorf("two votes of four: %q, tally %+v", s.Status, s.Tally)
		}
		s := passed.state
		if s.Status != ethics.StatusAppealWindow || s.Decision == nil || s.Decision.Kind != ethics.DecisionSuspension ||
			s.DecidedAt == nil || !s.DecidedAt.Equal(ethAt(3*ethDay+2*time.Hour)) {
			t.Errorf("three votes, two for: %q decision %+v", s.Status, s.Decision)
		}
		ethWantDeadlines(t, "decided", s.Deadlines, workflows.Deadline{Name: "appeal_window", At: ethAt(18*ethDay + 2*time.Hour)})
	})

	t.Run("majority", func(t *testing.T) {
		h := newEthHarness(t)
		h.toDeliberation()
		h.refused(h.update(3*ethDay, ethics.UpdateVote, ethics.VoteInput{Actor: ethC1, Decision: suspension, For: false}), workflows.ErrInvalidInput)
		h.refused(h.update(3*ethDay, ethics.UpdateVote, ethics.VoteInput{Actor: ethC1, Decision: ethics.Decision{Kind: ethics.DecisionSuspension}, For: true}), workflows.ErrInvalidInput)
		h.ok(h.update(3*ethDay+time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: ethC1, Decision: suspension, For: true}))
		h.refused(h.update(3*ethDay+2*time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: ethC2, Decision: ethics.Decision{Kind: ethics.DecisionWarning}, For: true}), workflows.ErrInvalidInput)
		h.ok(h.update(3*ethDay+3*time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: ethC2, Decision: suspension, For: false}))
		oneOfThree := h.ok(h.update(3*ethDay+4*time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: ethC3, Decision: suspension, For: false}))
		twoOfFour := h.ok(h.update(3*ethDay+5*time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: ethC4, Decision: suspension, For: true}))
		changed := h.ok(h.update(3*ethDay+6*time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: ethC2, Decision: suspension, For: true}))
		h.cancelAt(4 * ethDay)
		h.runCancelled(ethInput("E-7"))

		if s := oneOfThree.state; s.Status != ethics.StatusDeliberation || !s.Tally.Quorate || s.Tally.For != 1 {
			t.Errorf("one for of three: %q, tally %+v", s.Status, s.Tally)
		}
		if s := twoOfFour.state; s.Status != ethics.StatusDeliberation || s.Tally.For != 2 || s.Tally.MajorityRequired != 3 || s.Tally.Passes {
			t.Errorf("two for of four: %q, tally %+v", s.Status, s.Tally)
		}
		if s := changed.state; s.Status != ethics.StatusAppealWindow || s.Tally.For != 3 || s.Tally.Cast != 4 || len(s.Votes) != 4 {
			t.Errorf("a changed vote makes three of four: %q, tally %+v, votes %+v", s.Status, s.Tally, s.Votes)
		}
		votes := h.auditOf("ethics.vote")
		if len(votes) != 5 {
			t.Errorf("%d vote entries, want 5 (four votes and a changed one)", len(votes))
		}
		for _, v := range votes {
			if v.Audience != "members" || slices.Contains(v.Members, ethComplainantID) || slices.Contains(v.Members, ethRespondentID) {
				t.Errorf("vote entry readable by the parties: %+v", v)
			}
		}
	})

	t.Run("withdrawn proposal", func(t *testing.T) {
		h := newEthHarness(t)
		h.toDeliberation()
		warning := ethics.Decision{Kind: ethics.DecisionWarning}
		h.ok(h.update(3*ethDay, ethics.UpdateVote, ethics.VoteInput{Actor: ethC1, Decision: warning, For: true}))
		h.ok(h.update(3*ethDay+time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: ethC2, Decision: warning, For: true}))
		h.refused(h.update(3*ethDay+2*time.Hour, ethics.UpdateWithdrawProposal, ethics.WithdrawInput{Actor: ethC2}), workflows.ErrForbidden)
		withdrawn := h.ok(h.update(3*ethDay+3*time.Hour, ethics.UpdateWithdrawProposal, ethics.WithdrawInput{Actor: ethC1}))
		h.refused(h.update(3*ethDay+4*time.Hour, ethics.UpdateWithdrawProposal, ethics.WithdrawInput{Actor: ethC1}), workflows.ErrInvalidState)
		second := h.ok(h.update(3*ethDay+5*time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: ethC3, Decision: suspension, For: true}))
		h.cancelAt(4 * ethDay)
		h.runCancelled(ethInput("E-8"))

		if s := withdrawn.state; s.Proposal != nil || len(s.Votes) != 0 || s.Status != ethics.StatusDeliberation {
			t.Errorf("withdraw answered proposal %+v votes %+v", s.Proposal, s.Votes)
		}
		if p := second.state.Proposal; p == nil || p.Round != 2 || p.By != ethC3ID || p.Decision.Kind != ethics.DecisionSuspension {
			t.Errorf("second proposal %+v", p)
		}
	})
}

// TestEthicsNoQuorumAlert checks that staff are alerted once each time a
// change of the roster leaves too few non-recused members for the quorum
// of the full committee (three of five).
func TestEthicsNoQuorumAlert(t *testing.T) {
	roster := func(recused ...string) []ethics.CommitteeMember {
		var out []ethics.CommitteeMember
		for _, id := range []string{ethC1ID, ethC2ID, ethC3ID, ethC4ID, ethC5ID} {
			m := ethics.CommitteeMember{MemberID: id}
			if slices.Contains(recused, id) {
				m.Recused, m.Reasons = true, []string{"the committee member " + id + " declared an interest involving party m-bob"}
			}
			out = append(out, m)
		}
		return out
	}
	h := newEthHarness(t)
	short := h.ok(h.update(ethDay, ethics.UpdateRecomputeRecusals, ethics.RecomputeInput{Actor: ethStaff, Committee: roster(ethC5ID, ethC1ID, ethC2ID)}))
	h.ok(h.update(2*ethDay, ethics.UpdateRecomputeRecusals, ethics.RecomputeInput{Actor: ethStaff, Committee: roster(ethC5ID, ethC1ID, ethC2ID)}))
	restored := h.ok(h.update(3*ethDay, ethics.UpdateRecomputeRecusals, ethics.RecomputeInput{Actor: ethStaff, Committee: roster(ethC5ID, ethC2ID)}))
	h.ok(h.update(4*ethDay, ethics.UpdateRecuse, ethics.RecuseInput{Actor: ethC3, Reason: "A family tie"}))
	h.cancelAt(5 * ethDay)

	h.runCancelled(ethInput("E-9"))

	if !short.state.NoQuorum || short.state.Tally.Members != 2 {
		t.Errorf("three of five recused: no_quorum %v, tally %+v", short.state.NoQuorum, short.state.Tally)
	}
	if restored.state.NoQuorum {
		t.Error("three of five left: still no quorum")
	}
	alerts := h.notesOf("ethics.no_quorum")
	if len(alerts) != 2 {
		t.Fatalf("%d alerts, want 2 (the repeated recomputation changed nothing): %+v", len(alerts), alerts)
	}
	for i, want := range []struct {
		at   time.Duration
		step string
	}{{ethDay, "no_quorum/2"}, {4 * ethDay, "no_quorum/5"}} {
		if n := alerts[i]; !n.At.Equal(ethAt(want.at)) || n.In.Step != want.step || !slices.Equal(n.In.MemberIDs, []string{ethStaffID}) {
			t.Errorf("alert %d: %s at %v to %v, want %s at T0+%v", i, n.In.Step, n.At, n.In.MemberIDs, want.step, want.at)
		}
	}
	if a := h.auditOf("ethics.no_quorum"); len(a) != 2 || a[0].Audience != "staff" {
		t.Errorf("no quorum audited %+v", a)
	}

	t.Run("at filing", func(t *testing.T) {
		h := newEthHarness(t)
		h.cancelAt(ethDay)
		in := ethInput("E-10")
		in.Committee = roster(ethC1ID, ethC2ID, ethC3ID, ethC4ID, ethC5ID)
		h.runCancelled(in)
		if n := h.notesOf("ethics.no_quorum"); len(n) != 1 || !n[0].At.Equal(ethT0) || n[0].In.Step != "no_quorum/1" {
			t.Errorf("alerts %+v", n)
		}
	})
}

// TestEthicsRemovalFinal checks that a decision takes effect only when the
// appeal window closes unappealed, through ApplyEthicsDecision, and that a
// removal makes the person ineligible for the policy's period from then.
func TestEthicsRemovalFinal(t *testing.T) {
	h := newEthHarness(t)
	h.toDeliberation()
	removal := ethics.Decision{Kind: ethics.DecisionRemoval, Position: " alac_member "}
	h.decide(3*ethDay, removal) // passes at T0+3d2h; the window ends at T0+18d2h
	during := h.query(18 * ethDay)
	applied := h.appliedBy(18*ethDay + time.Hour)
	h.refused(h.update(18*ethDay+2*time.Hour, ethics.UpdateAppeal, ethics.AppealInput{Actor: ethRespondent, Reason: "late"}), workflows.ErrInvalidState)

	final := h.run(ethInput("E-11"))

	end := ethAt(18*ethDay + 2*time.Hour)
	ethWantStatus(t, "T0+18d", during, ethics.StatusAppealWindow)
	ethWantDeadlines(t, "T0+18d", during.Deadlines, workflows.Deadline{Name: "appeal_window", At: end})
	if *applied != 0 {
		t.Errorf("%d decisions applied inside the appeal window", *applied)
	}
	if !h.env.Now().Equal(end) {
		t.Errorf("the case ended at %v, want %v", h.env.Now(), end)
	}
	ineligible := end.Add(730 * ethDay)
	if len(h.applied) != 1 {
		t.Fatalf("applied %+v, want once", h.applied)
	}
	eff := h.applied[0]
	if eff.CaseID != "E-11" || eff.Kind != ethics.DecisionRemoval || eff.SubjectID != ethRespondentID || eff.Position != "alac_member" ||
		eff.IneligibleUntil == nil || !eff.IneligibleUntil.Equal(ineligible) || eff.Until != nil {
		t.Errorf("effect %+v, want removal of %s from alac_member, ineligible until %v", eff, ethRespondentID, ineligible)
	}
	if final.Status != ethics.StatusClosed || final.Outcome != ethics.DecisionRemoval || final.Applied == nil ||
		final.Final == nil || final.ClosedAt == nil || !final.ClosedAt.Equal(end) || final.ApplyError != "" {
		t.Errorf("final state %+v", final)
	}
	pub := h.auditOf("ethics.decision_published")
	if len(pub) != 1 {
		t.Fatalf("published %d times", len(pub))
	}
	if js := ethJSON(t, pub[0].Details); !strings.Contains(js, `"position":"alac_member"`) || !strings.Contains(js, `"outcome":"removal"`) ||
		strings.Contains(js, ethComplainantID) || strings.Contains(js, "m-c") {
		t.Errorf("published %s", js)
	}
	want := []string{"ethics.decision_applied", "ethics.decision_applied", "ethics.closed", "ethics.decision_published"}
	var tail []string
	for _, a := range h.audits[len(h.audits)-4:] {
		tail = append(tail, a.Action)
	}
	if !slices.Equal(tail, want) {
		t.Errorf("closing entries %v, want %v", tail, want)
	}
	decision := h.notesOf("ethics.decision")
	if len(decision) != 1 || decision[0].In.Data["outcome"] != ethics.DecisionRemoval ||
		!slices.Equal(decision[0].In.MemberIDs, ethSorted(append([]string{ethStaffID, ethComplainantID, ethRespondentID}, ethActive...)...)) {
		t.Errorf("decision notification %+v", decision)
	}
}

// TestEthicsApplyFails checks that a decision the registry refuses for
// good still closes the case, with the failure recorded for staff.
func TestEthicsApplyFails(t *testing.T) {
	h := newEthHarness(t)
	h.applyErr = temporal.NewNonRetryableApplicationError("member m-bob holds no position alac_member", "NotApplicable", nil)
	h.toDeliberation()
	h.decide(3*ethDay, ethics.Decision{Kind: ethics.DecisionRemoval, Position: "alac_member"})

	final := h.run(ethInput("E-12"))

	if final.Status != ethics.StatusClosed || final.Applied != nil || !strings.Contains(final.ApplyError, "no position") {
		t.Errorf("final: %q applied %+v error %q", final.Status, final.Applied, final.ApplyError)
	}
	if a := h.auditOf("ethics.apply_failed"); len(a) != 1 || a[0].Audience != "staff" {
		t.Errorf("failure audited %+v", a)
	}
}

// TestEthicsAppeal checks the appeal: the decision waits for the ruling,
// which upholds it (applied), overturns it (dismissed, nothing applied) or
// modifies it (staff record the decision, which is applied).
func TestEthicsAppeal(t *testing.T) {
	suspension := ethics.Decision{Kind: ethics.DecisionSuspension, Until: ethTimePtr(300 * ethDay)}
	ruling := func(outcome string) workflows.AppealRuling {
		return workflows.AppealRuling{ArbitrationID: "A-42", Outcome: outcome, Text: "Ruled on " + outcome + ".", Articles: []string{"7.1"}}
	}

	t.Run("uphold", func(t *testing.T) {
		h := newEthHarness(t)
		h.toDeliberation()
		h.decide(3*ethDay, suspension)
		h.signal(4*ethDay, ruling(workflows.RulingUphold)) // stray: nothing is appealed yet
		h.refused(h.update(5*ethDay, ethics.UpdateAppeal, ethics.AppealInput{Actor: ethC1, Reason: "x"}), workflows.ErrForbidden)
		h.refused(h.update(5*ethDay, ethics.UpdateAppeal, ethics.AppealInput{Actor: ethRespondent, Reason: ""}), workflows.ErrInvalidInput)
		appealed := h.ok(h.update(5*ethDay+time.Hour, ethics.UpdateAppeal, ethics.AppealInput{Actor: ethRespondent, Reason: "The contract had ended."}))
		h.refused(h.update(5*ethDay+2*time.Hour, ethics.UpdateAppeal, ethics.AppealInput{Actor: ethComplainant, Reason: "too lenient"}), workflows.ErrInvalidState)
		h.refused(h.update(6*ethDay, ethics.UpdateApplyModified, ethics.ApplyModifiedInput{Actor: ethStaff, Decision: suspension}), workflows.ErrInvalidState)
		waiting := h.query(40 * ethDay)
		applied := h.appliedBy(40 * ethDay)
		h.signal(45*ethDay, ruling(workflows.RulingUphold))

		final := h.run(ethInput("E-13"))

		if s := appealed.state; s.Status != ethics.StatusAppealed || s.Appeal == nil || s.Appeal.By != ethRespondentID ||
			s.Appeal.Role != ethics.RoleRespondent || len(s.Deadlines) != 0 {
			t.Errorf("appeal answered %q %+v %v", s.Status, s.Appeal, s.Deadlines)
		}
		ethWantStatus(t, "T0+40d", waiting, ethics.StatusAppealed)
		if *applied != 0 {
			t.Errorf("applied before the ruling: %d", *applied)
		}
		if !h.env.Now().Equal(ethAt(45 * ethDay)) {
			t.Errorf("closed at %v, want at the ruling", h.env.Now())
		}
		if len(h.applied) != 1 || h.applied[0].Kind != ethics.DecisionSuspension || h.applied[0].SubjectID != ethRespondentID ||
			h.applied[0].Until == nil || !h.applied[0].Until.Equal(ethAt(300*ethDay)) || h.applied[0].IneligibleUntil != nil {
			t.Errorf("applied %+v", h.applied)
		}
		if final.Outcome != ethics.DecisionSuspension || final.Ruling == nil || final.Ruling.ArbitrationID != "A-42" || final.Ruling.Outcome != workflows.RulingUphold {
			t.Errorf("final %q ruling %+v", final.Outcome, final.Ruling)
		}
		if a := h.auditOf("ethics.appeal_ruling_ignored"); len(a) != 1 || a[0].Audience != "staff" {
			t.Errorf("stray ruling audited %+v", a)
		}
		if n := h.notesOf("ethics.appealed"); len(n) != 1 || !slices.Contains(n[0].In.MemberIDs, ethComplainantID) || !slices.Contains(n[0].In.MemberIDs, ethStaffID) {
			t.Errorf("appealed notifications %+v", n)
		}
		pub := h.auditOf("ethics.decision_published")
		if js := ethJSON(t, pub); !strings.Contains(js, `"arbitration_id":"A-42"`) || !strings.Contains(js, `"articles":["7.1"]`) {
			t.Errorf("published %s", js)
		}
	})

	t.Run("overturn", func(t *testing.T) {
		h := newEthHarness(t)
		h.toDeliberation()
		h.decide(3*ethDay, suspension)
		h.ok(h.update(5*ethDay, ethics.UpdateAppeal, ethics.AppealInput{Actor: ethRespondent, Reason: "Unfounded."}))
		h.signal(30*ethDay, ruling(workflows.RulingOverturn))

		final := h.run(ethInput("E-14"))

		if len(h.applied) != 0 {
			t.Errorf("an overturned decision was applied: %+v", h.applied)
		}
		if final.Status != ethics.StatusClosed || final.Outcome != ethics.DecisionDismissed ||
			final.Final == nil || final.Final.Kind != ethics.DecisionDismissed || final.Decision.Kind != ethics.DecisionSuspension {
			t.Errorf("final %q final %+v decision %+v", final.Outcome, final.Final, final.Decision)
		}
		if js := ethJSON(t, h.auditOf("ethics.decision_published")); strings.Contains(js, "suspension") {
			t.Errorf("the overturned sanction is published: %s", js)
		}
	})

	t.Run("modify", func(t *testing.T) {
		h := newEthHarness(t)
		h.toDeliberation()
		h.decide(3*ethDay, ethics.Decision{Kind: ethics.DecisionRemoval, Position: "chair"})
		h.ok(h.update(5*ethDay, ethics.UpdateAppeal, ethics.AppealInput{Actor: ethRespondent, Reason: "Disproportionate."}))
		h.signal(30*ethDay, ruling(workflows.RulingModify))
		waiting := h.query(31 * ethDay)
		modified := ethics.Decision{Kind: ethics.DecisionSuspension, Until: ethTimePtr(120 * ethDay)}
		h.refused(h.update(32*ethDay, ethics.UpdateApplyModified, ethics.ApplyModifiedInput{Actor: ethC1, Decision: modified}), workflows.ErrForbidden)
		h.refused(h.update(32*ethDay, ethics.UpdateApplyModified, ethics.ApplyModifiedInput{Actor: ethStaff, Decision: ethics.Decision{Kind: ethics.DecisionSuspension}}), workflows.ErrInvalidInput)
		h.refused(h.update(32*ethDay, ethics.UpdateApplyModified, ethics.ApplyModifiedInput{Actor: ethStaff, Decision: ethics.Decision{Kind: "exile"}}), workflows.ErrInvalidInput)
		done := h.ok(h.update(33*ethDay, ethics.UpdateApplyModified, ethics.ApplyModifiedInput{Actor: ethStaff, Decision: modified}))

		final := h.run(ethInput("E-15"))

		ethWantStatus(t, "T0+31d", waiting, ethics.StatusAppealed)
		if waiting.Ruling == nil || waiting.Ruling.Outcome != workflows.RulingModify || waiting.Ruling.Text != "Ruled on modify." {
			t.Errorf("ruling recorded %+v", waiting.Ruling)
		}
		if done.state.Status != ethics.StatusClosed || done.state.Outcome != ethics.DecisionSuspension {
			t.Errorf("apply_modified answered %q/%q", done.state.Status, done.state.Outcome)
		}
		if len(h.applied) != 1 || h.applied[0].Kind != ethics.DecisionSuspension || !h.applied[0].Until.Equal(ethAt(120*ethDay)) ||
			h.applied[0].Position != "" {
			t.Errorf("applied %+v", h.applied)
		}
		if final.Final == nil || final.Final.Kind != ethics.DecisionSuspension || final.Decision.Kind != ethics.DecisionRemoval {
			t.Errorf("final %+v decision %+v", final.Final, final.Decision)
		}
		if a := h.auditOf("ethics.decision_modified"); len(a) != 1 || a[0].Actor != ethStaffID {
			t.Errorf("modification audited %+v", a)
		}
	})
}

// TestEthicsBadFaith checks that a decision on a bad-faith complaint can
// sanction the complainant, without naming them to the respondent.
func TestEthicsBadFaith(t *testing.T) {
	h := newEthHarness(t)
	h.toDeliberation()
	h.refused(h.update(3*ethDay, ethics.UpdateVote, ethics.VoteInput{Actor: ethC1, For: true,
		Decision: ethics.Decision{Kind: ethics.DecisionDismissed, SanctionComplainant: true}}), workflows.ErrInvalidInput)
	h.decide(3*ethDay+time.Hour, ethics.Decision{Kind: ethics.DecisionWarning, SanctionComplainant: true})

	in := ethInput("E-16")
	in.Kind = ethics.KindBadFaith
	final := h.run(in)

	if len(h.applied) != 1 || h.applied[0].SubjectID != ethComplainantID || h.applied[0].Kind != ethics.DecisionWarning {
		t.Fatalf("applied %+v, want a warning to the complainant", h.applied)
	}
	view := final.ViewFor(ethRespondentID, ethRespondent.Roles)
	if view.Applied == nil || view.Applied.SubjectID != ethics.RoleComplainant || view.ComplainantID != "" {
		t.Errorf("respondent's view of the sanction %+v", view.Applied)
	}
	for _, a := range h.audits {
		if a.Audience != "staff" && strings.Contains(ethShown(t, a), ethComplainantID) {
			t.Errorf("%s (%s) names the anonymous complainant", a.Action, a.Audience)
		}
	}
	if a := h.auditOf("ethics.decision_applied"); len(a) != 2 || !strings.Contains(ethJSON(t, a), `"subject":"complainant"`) {
		t.Errorf("applied entries %+v", a)
	}
}

// TestEthicsConfidentiality checks who reads what: the respondent never
// learns an anonymous complainant's identity, from the case, the audit
// entries or the emails; the parties see no votes and no recusal reasons;
// recused members and outsiders cannot read the case.
func TestEthicsConfidentiality(t *testing.T) {
	h := newEthHarness(t)
	h.ok(h.update(ethDay, ethics.UpdateAdmit, ethics.AdmitInput{Actor: ethC1}))
	h.ok(h.update(ethDay+time.Hour, ethics.UpdateEvidence, ethics.EvidenceInput{Actor: ethComplainant, Text: "Invoice", Links: []string{"https://example.org/i.pdf"}}))
	h.ok(h.update(2*ethDay, ethics.UpdateRespond, ethics.RespondInput{Actor: ethRespondent, Text: "No."}))
	h.ok(h.update(2*ethDay+time.Hour, ethics.UpdateDeliberate, ethics.DeliberateInput{Actor: ethC2}))
	h.ok(h.update(3*ethDay, ethics.UpdateVote, ethics.VoteInput{Actor: ethC1, For: true,
		Decision: ethics.Decision{Kind: ethics.DecisionRecusalOrdered, Matters: []string{"registrar policy"}}}))
	mid := h.query(3*ethDay + time.Hour)
	h.ok(h.update(4*ethDay, ethics.UpdateWithdrawProposal, ethics.WithdrawInput{Actor: ethC1}))
	h.decide(5*ethDay, ethics.Decision{Kind: ethics.DecisionWarning})
	h.ok(h.update(6*ethDay, ethics.UpdateAppeal, ethics.AppealInput{Actor: ethComplainant, Reason: "Too lenient."}))
	h.signal(20*ethDay, workflows.AppealRuling{ArbitrationID: "A-1", Outcome: workflows.RulingUphold, Text: "Upheld."})

	final := h.run(ethInput("E-17"))

	// The state as the query returns it is complete.
	if mid.ComplainantID != ethComplainantID || mid.Receipt != ethReceipt || len(mid.Votes) != 1 || mid.Proposal == nil {
		t.Fatalf("full state %+v", mid)
	}

	resp := mid.ViewFor(ethRespondentID, ethRespondent.Roles)
	if resp.ComplainantID != "" || resp.Receipt != "" || len(resp.Votes) != 0 || resp.Proposal != nil || resp.Tally != nil {
		t.Errorf("respondent's view: complainant %q receipt %q votes %+v proposal %+v tally %+v",
			resp.ComplainantID, resp.Receipt, resp.Votes, resp.Proposal, resp.Tally)
	}
	if len(resp.Evidence) != 1 || resp.Evidence[0].By != ethics.RoleComplainant {
		t.Errorf("respondent's view of the evidence %+v", resp.Evidence)
	}
	if js := ethJSON(t, resp); strings.Contains(js, ethComplainantID) || strings.Contains(js, ethReceipt) || strings.Contains(js, "same ALS") {
		t.Errorf("respondent's view leaks: %s", js)
	}
	if mid.Evidence[0].By != ethComplainantID || mid.Committee[4].Reasons[0] != ethC5Reason {
		t.Error("ViewFor changed the state it filtered")
	}
	// A respondent who is also staff still sees the case as a party.
	if v := mid.ViewFor(ethRespondentID, []string{"member", "staff"}); v.ComplainantID != "" || len(v.Votes) != 0 {
		t.Errorf("respondent with the staff role sees %q, %d votes", v.ComplainantID, len(v.Votes))
	}
	fv := final.ViewFor(ethRespondentID, ethRespondent.Roles)
	if fv.Appeal == nil || fv.Appeal.By != ethics.RoleComplainant || strings.Contains(ethJSON(t, fv), ethComplainantID) {
		t.Errorf("respondent's view of the appeal %+v", fv.Appeal)
	}

	comp := mid.ViewFor(ethComplainantID, ethComplainant.Roles)
	if comp.ComplainantID != ethComplainantID || comp.Receipt != ethReceipt || len(comp.Votes) != 0 || comp.Proposal != nil {
		t.Errorf("complainant's view %+v", comp)
	}
	for _, m := range comp.Committee {
		if len(m.Reasons) != 0 {
			t.Errorf("complainant sees recusal reasons %+v", m)
		}
	}
	member := mid.ViewFor(ethC3ID, ethC3.Roles)
	if member.ComplainantID != ethComplainantID || len(member.Votes) != 1 || member.Proposal == nil || member.Receipt != "" {
		t.Errorf("committee member's view: complainant %q votes %+v receipt %q", member.ComplainantID, member.Votes, member.Receipt)
	}
	if staff := mid.ViewFor(ethStaffID, ethStaff.Roles); staff.Receipt != ethReceipt || len(staff.Votes) != 1 {
		t.Errorf("staff view %+v", staff)
	}

	for _, c := range []struct {
		who   workflows.Actor
		reads bool
	}{
		{ethStaff, true}, {workflows.Actor{MemberID: "m-admin", Roles: []string{"admin"}}, true},
		{ethComplainant, true}, {ethRespondent, true}, {ethC1, true}, {ethC4, true},
		{ethC5, false}, {ethOutsider, false}, {workflows.Actor{}, false},
	} {
		if got := mid.CanRead(c.who.MemberID, c.who.Roles); got != c.reads {
			t.Errorf("CanRead(%q) = %v, want %v", c.who.MemberID, got, c.reads)
		}
		if !c.reads {
			if v := mid.ViewFor(c.who.MemberID, c.who.Roles); v.CaseID != "" {
				t.Errorf("ViewFor(%q) shows the case", c.who.MemberID)
			}
		}
	}

	// Nothing the respondent may read or receive names the complainant.
	sawStaffTwin := false
	for _, a := range h.audits {
		js := ethShown(t, a)
		if a.Audience == "staff" {
			sawStaffTwin = sawStaffTwin || a.Actor == ethComplainantID
			continue
		}
		if strings.Contains(js, ethComplainantID) && (a.Audience == "public" || slices.Contains(a.Members, ethRespondentID)) {
			t.Errorf("%s (%s) readable by the respondent names the complainant: %s", a.Action, a.Audience, js)
		}
		if strings.Contains(js, ethReceipt) {
			t.Errorf("%s carries the receipt", a.Action)
		}
	}
	if !sawStaffTwin {
		t.Error("no staff entry records the complainant's actions under their name")
	}
	if a := h.auditOf("ethics.filed"); len(a) != 2 || (a[0].Actor != ethics.RoleComplainant && a[1].Actor != ethics.RoleComplainant) {
		t.Errorf("filing entries %+v", a)
	}
	for _, n := range h.notes {
		if js := ethJSON(t, n.In.Data); strings.Contains(js, ethComplainantID) || strings.Contains(js, ethReceipt) {
			t.Errorf("email %s names the complainant or carries the receipt: %s", n.In.Event, js)
		}
	}

	// Not anonymous: the respondent sees who complained.
	open := mid
	open.Anonymous = false
	if v := open.ViewFor(ethRespondentID, ethRespondent.Roles); v.ComplainantID != ethComplainantID || v.Evidence[0].By != ethComplainantID || v.Receipt != "" {
		t.Errorf("respondent's view of an open complaint: %q, %q, receipt %q", v.ComplainantID, v.Evidence[0].By, v.Receipt)
	}
}

// TestEthicsInvalidInput checks that a case that cannot run is refused at
// the start, with the error type the API maps to 422.
func TestEthicsInvalidInput(t *testing.T) {
	in := ethInput("E-18")
	in.RespondentID = ethComplainantID
	in.Kind = "rudeness"
	in.Summary = " "
	in.Receipt = ""
	in.Links = []string{"ftp://example.org/x"}
	in.Committee = append(in.Committee, ethics.CommitteeMember{MemberID: ethC1ID})
	in.Periods.Response = workflows.Duration(-time.Hour)
	in.Periods.Quorum = 1.5
	in.Periods.ScreeningReminder = workflows.Duration(20 * ethDay)
	err := in.Validate()
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != workflows.ErrInvalidInput {
		t.Fatalf("Validate: %v", err)
	}
	for _, want := range []string{"receipt", "respondent_id must differ", "kind", "summary", "link", "listed twice",
		"periods.response", "periods.quorum", "periods.screening_reminder"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate does not name %s: %v", want, err)
		}
	}
	if err := ethInput("E-19").Validate(); err != nil {
		t.Errorf("valid input refused: %v", err)
	}

	// A negative period never reaches the workflow (workflows.Duration's
	// JSON refuses it); the workflow refuses the rest.
	in.Periods.Response = 0
	h := newEthHarness(t)
	h.env.ExecuteWorkflow(ethics.WorkflowName, in)
	if err := h.env.GetWorkflowError(); !errors.As(err, &appErr) || appErr.Type() != workflows.ErrInvalidInput {
		t.Errorf("workflow error %v", err)
	}
}

// TestEthicsDefaultPeriods checks that periods left at zero take the
// policy's defaults.
func TestEthicsDefaultPeriods(t *testing.T) {
	h := newEthHarness(t)
	st := h.query(time.Hour)
	h.cancelAt(8 * ethDay)
	in := ethInput("E-20")
	in.Periods = ethics.Periods{}
	in.FiledAt = time.Time{} // the workflow's start
	h.runCancelled(in)
	ethWantDeadlines(t, "T0+1h", st.Deadlines, workflows.Deadline{Name: "screening", At: ethAt(14 * ethDay)})
	if st.Tally == nil || st.Tally.QuorumRequired != 3 {
		t.Errorf("default quorum over four members: %+v", st.Tally)
	}
	if n := h.notesOf("ethics.screening_reminder"); len(n) != 1 || !n[0].At.Equal(ethAt(7*ethDay)) {
		t.Errorf("default reminder %+v", n)
	}
}

// TestEthicsWorkflowID checks the business key the arbitration signals.
func TestEthicsWorkflowID(t *testing.T) {
	if got := ethics.WorkflowID("E-1"); got != "ethics/E-1" {
		t.Errorf("EthicsWorkflowID = %q", got)
	}
}

// TestEthicsReplay replays the recorded histories of complete cases (see
// ethics_record_test.go) against the current code: a change that would
// break running cases fails here.
func TestEthicsReplay(t *testing.T) {
	for _, name := range ethHistories {
		t.Run(name, func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			r.RegisterWorkflowWithOptions(ethics.Ethics, workflow.RegisterOptions{Name: ethics.WorkflowName})
			r.RegisterWorkflow(workflows.Notify)
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, "testdata/"+name); err != nil {
				t.Fatalf("replay: %v", err)
			}
		})
	}
}
