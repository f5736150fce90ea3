package ethics_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/ethics"
	"github.com/lacralo/ralo/workflows/processtest"
)

const day = processtest.Day

// t0 is when every test case is filed; offsets below are from it.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// The people of the test cases. The committee has five members; m-c5 is
// recused by the API's computation, so four take part.
const (
	staffID       = "m-staff"
	complainantID = "m-ana"
	respondentID  = "m-bob"
	c1ID          = "m-c1"
	c2ID          = "m-c2"
	c3ID          = "m-c3"
	c4ID          = "m-c4"
	c5ID          = "m-c5"
	outsiderID    = "m-out"
	receipt       = "RCPT-7Q2X-99KD"
)

var (
	asStaff       = workflows.Actor{MemberID: staffID, Roles: []string{"member", "staff"}}
	asComplainant = workflows.Actor{MemberID: complainantID, Roles: []string{"member"}}
	asRespondent  = workflows.Actor{MemberID: respondentID, Roles: []string{"member", "als_rep"}}
	asC1          = workflows.Actor{MemberID: c1ID, Roles: []string{"member", "ethics_committee"}}
	asC2          = workflows.Actor{MemberID: c2ID, Roles: []string{"member", "ethics_committee"}}
	asC3          = workflows.Actor{MemberID: c3ID, Roles: []string{"member", "ethics_committee"}}
	asC4          = workflows.Actor{MemberID: c4ID, Roles: []string{"member", "ethics_committee"}}
	asC5          = workflows.Actor{MemberID: c5ID, Roles: []string{"member", "ethics_committee"}}
	asOutsider    = workflows.Actor{MemberID: outsiderID, Roles: []string{"member"}}
)

// c5Reason is why the API recused m-c5: it names the complainant, as
// domain.EthicsRecusals reasons do.
const c5Reason = "the committee member m-c5 and party m-ana are from the same ALS als-1"

// active is who is told of committee business in the test cases.
var active = []string{c1ID, c2ID, c3ID, c4ID}

func roster() []ethics.CommitteeMember {
	return []ethics.CommitteeMember{
		{MemberID: c1ID}, {MemberID: c2ID}, {MemberID: c3ID}, {MemberID: c4ID},
		{MemberID: c5ID, Recused: true, Reasons: []string{c5Reason}},
	}
}

// input is an anonymous complaint on the default LACRALO clock.
func input(caseID string) ethics.Input {
	return ethics.Input{
		CaseID:        caseID,
		Receipt:       receipt,
		ComplainantID: complainantID,
		RespondentID:  respondentID,
		Kind:          ethics.KindUndeclaredConflict,
		Summary:       "The chair did not declare a consulting contract with a registrar.",
		Links:         []string{"https://example.org/contract.pdf"},
		Anonymous:     true,
		Committee:     roster(),
		StaffIDs:      []string{staffID},
		Periods: ethics.Periods{
			Screening:            workflows.Duration(14 * day),
			ScreeningReminder:    workflows.Duration(7 * day),
			ScreeningEscalation:  workflows.Duration(7 * day),
			Response:             workflows.Duration(21 * day),
			AppealWindow:         workflows.Duration(15 * day),
			RemovalIneligibility: workflows.Duration(730 * day),
			Quorum:               0.5,
			Majority:             0.5,
		},
		FiledAt: t0,
	}
}

// harness is processtest.Harness with the ethics activities mocked: the
// decisions applied (or the error applying fails with) and the appeals'
// arbitrations opened (the first failures of which can be set).
type harness struct {
	*processtest.Harness[ethics.State]

	mu          sync.Mutex // mocks run on their own goroutines
	applied     []ethics.DecisionEffect
	applyErr    error
	appeals     []workflows.OpenAppealInput
	appealTries int
	appealFails int // OpenAppeal fails this many times before it succeeds
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{Harness: processtest.NewHarness[ethics.State](t, ethics.Ethics, ethics.WorkflowName, ethics.Query, t0)}
	// Registered as a struct, like the real activities, so that each
	// method goes under its name (ethics.ActivityApplyDecision,
	// workflows.ActivityOpenAppeal): the harness has mocked its shared
	// activities already, after which registering by name is refused.
	h.Env.RegisterActivity(&fakeActivities{h: h})
	return h
}

// fakeActivities are the ethics activities as the tests see them.
type fakeActivities struct{ h *harness }

// ApplyEthicsDecision records the decision applied, or fails as set.
func (f *fakeActivities) ApplyEthicsDecision(_ context.Context, in ethics.DecisionEffect) error {
	h := f.h
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.applyErr != nil {
		return h.applyErr
	}
	h.applied = append(h.applied, in)
	return nil
}

// OpenAppeal records the arbitration opened, after failing as many times
// as set.
func (f *fakeActivities) OpenAppeal(_ context.Context, in workflows.OpenAppealInput) error {
	h := f.h
	h.mu.Lock()
	defer h.mu.Unlock()
	h.appealTries++
	if h.appealTries <= h.appealFails {
		return errors.New("the arbitration could not be started")
	}
	h.appeals = append(h.appeals, in)
	return nil
}

// run executes the case, which must close, and returns its final state.
func (h *harness) run(in ethics.Input) ethics.State {
	h.T.Helper()
	return h.Run(ethics.WorkflowName, in)
}

// runCancelled executes a case that the test ends with CancelAt.
func (h *harness) runCancelled(in ethics.Input) {
	h.T.Helper()
	h.RunCancelled(ethics.WorkflowName, in)
}

// ruling delivers an arbitration ruling at T0+at.
func (h *harness) ruling(at time.Duration, r workflows.AppealRuling) {
	h.Signal(at, workflows.SignalAppealRuling, r)
}

// appliedBy reads, at T0+at, how many decisions have been applied so far.
func (h *harness) appliedBy(at time.Duration) *int {
	n := new(int)
	h.Env.RegisterDelayedCallback(func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		*n = len(h.applied)
	}, at)
	return n
}

// toDeliberation admits the complaint at T0+1d; the respondent answers at
// T0+2d and the committee opens the deliberation at T0+2d1h.
func (h *harness) toDeliberation() {
	h.OK(h.Update(day, ethics.UpdateAdmit, ethics.AdmitInput{Actor: asC1, Note: "Admissible: a registrar contract is alleged."}))
	h.OK(h.Update(2*day, ethics.UpdateRespond, ethics.RespondInput{Actor: asRespondent, Text: "The contract ended before my election."}))
	h.OK(h.Update(2*day+time.Hour, ethics.UpdateDeliberate, ethics.DeliberateInput{Actor: asC2}))
}

// decide has three of the four non-recused members vote for d, from T0+at
// an hour apart: the decision passes at T0+at+2h.
func (h *harness) decide(at time.Duration, d ethics.Decision) {
	for i, c := range []workflows.Actor{asC1, asC2, asC3} {
		h.OK(h.Update(at+time.Duration(i)*time.Hour, ethics.UpdateVote, ethics.VoteInput{Actor: c, Decision: d, For: true}))
	}
}

func when(d time.Duration) time.Time { return t0.Add(d) }

func timePtr(d time.Duration) *time.Time {
	t := when(d)
	return &t
}

func wantStatus(t *testing.T, label string, st *ethics.State, status string) {
	t.Helper()
	if st.Status != status {
		t.Errorf("%s: status %q, want %q", label, st.Status, status)
	}
}

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// shown is what an audit entry shows its readers: its actor and details
// (the Members it is filtered by are not shown).
func shown(t *testing.T, a workflows.AuditInput) string {
	t.Helper()
	return toJSON(t, []any{a.Actor, a.Details})
}
