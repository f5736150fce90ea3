package election_test

import (
	"context"
	"errors"
	"log/slog"
	"math"
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
	"github.com/lacralo/ralo/workflows/election"
	"github.com/lacralo/ralo/workflows/processtest"
)

// elT0 is when every test cycle starts; the calendar is in days from it.
var elT0 = time.Date(2026, 4, 6, 9, 0, 0, 0, time.UTC)

var (
	elStaff = workflows.Actor{MemberID: "m-staff", Roles: []string{"member", "staff"}}
	elAna   = workflows.Actor{MemberID: "m-ana", Roles: []string{"member"}}
	elBeto  = workflows.Actor{MemberID: "m-beto", Roles: []string{"member"}}
	elCarla = workflows.Actor{MemberID: "m-carla", Roles: []string{"member"}}
	elRep   = workflows.Actor{MemberID: "m-rep", Roles: []string{"member", "als_rep"}}
)

func elInput(id string) election.Input {
	return election.Input{
		ElectionID: id,
		Title:      "LACRALO leadership 2026",
		Seats: []election.SeatSpec{
			{Seat: "chair", Position: "chair", Count: 1, Method: election.MethodPlurality, Ballot: election.BallotOpen, Rotation: "none"},
			{Seat: "secretariat", Position: "secretariat", Count: 1, Method: election.MethodPlurality, Ballot: election.BallotOpen, Rotation: "none"},
		},
		Calendar: election.Calendar{
			NominationsClose: elT0.Add(processtest.Day), AcceptanceClose: elT0.Add(2 * processtest.Day),
			ObjectionsClose: elT0.Add(3 * processtest.Day), VotingOpen: elT0.Add(3 * processtest.Day), VotingClose: elT0.Add(5 * processtest.Day),
		},
		Rules: election.Rules{
			ReopenPeriod: workflows.Duration(7 * processtest.Day), ObjectionWindow: workflows.Duration(48 * time.Hour), Quorum: 0.5, Extension: true,
			Weighting: domain.WeightingNational,
		},
		StaffIDs:  []string{elStaff.MemberID},
		CreatedBy: elStaff.MemberID,
		CreatedAt: elT0,
	}
}

// elResult is what became of one update sent by the harness.
type elResult struct {
	name    string
	done    bool
	err     error
	state   election.State
	receipt workflows.BallotReceipt
}

// elHarness runs the real Election workflow in the time-skipping test
// environment with the activities mocked.
type elHarness struct {
	t       *testing.T
	env     *testsuite.TestWorkflowEnvironment
	mu      sync.Mutex
	audits  []workflows.AuditInput
	results []*elResult
	notes   []workflows.NotifyInput
	// eligibility answers the recheck activity; nil: nothing changed.
	eligibility func(election.State) []election.EligibilityChange
	rechecks    []time.Time
	ballots     []workflows.BallotReceipt
	assigned    []election.AssignElectedInput
}

func newElHarness(t *testing.T) *elHarness {
	t.Helper()
	h := &elHarness{t: t}
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	env := suite.NewTestWorkflowEnvironment()
	env.SetWorkerOptions(worker.Options{DeadlockDetectionTimeout: 10 * time.Second})
	env.SetStartTime(elT0)
	env.RegisterWorkflowWithOptions(election.Election, workflow.RegisterOptions{Name: election.WorkflowName})
	env.RegisterActivityWithOptions(func(context.Context, workflows.AuditInput) (workflows.AuditResult, error) {
		return workflows.AuditResult{}, nil
	}, activity.RegisterOptions{Name: workflows.ActivityRecordAudit})
	env.RegisterActivityWithOptions(func(context.Context, workflows.CaseIndex) error { return nil },
		activity.RegisterOptions{Name: workflows.ActivitySaveCase})
	env.RegisterActivityWithOptions(func(context.Context, workflows.FreezeRollInput) (workflows.FreezeRollResult, error) {
		return workflows.FreezeRollResult{}, nil
	}, activity.RegisterOptions{Name: workflows.ActivityFreezeElectionRoll})
	env.RegisterActivityWithOptions(func(context.Context, []workflows.AuditInput) error { return nil },
		activity.RegisterOptions{Name: workflows.ActivityRecordAudits})
	env.RegisterWorkflowWithOptions(workflows.Notify, workflow.RegisterOptions{Name: "Notify"})
	env.RegisterActivityWithOptions(func(context.Context, election.RecheckEligibilityInput) ([]election.EligibilityChange, error) {
		return nil, nil
	}, activity.RegisterOptions{Name: election.ActivityRecheckEligibility})
	env.RegisterActivityWithOptions(func(context.Context, workflows.BallotParticipationInput) error { return nil },
		activity.RegisterOptions{Name: workflows.ActivityRecordBallotParticipation})
	env.RegisterActivityWithOptions(func(context.Context, election.AssignElectedInput) error { return nil },
		activity.RegisterOptions{Name: election.ActivityAssignElected})
	env.OnActivity(workflows.ActivityRecordAudit, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in workflows.AuditInput) (workflows.AuditResult, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.audits = append(h.audits, in)
			return workflows.AuditResult{Seq: int64(len(h.audits))}, nil
		})
	env.OnActivity(workflows.ActivitySaveCase, mock.Anything, mock.Anything).Return(nil)
	env.OnActivity(workflows.ActivityRecordAudits, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in []workflows.AuditInput) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.audits = append(h.audits, in...)
			return nil
		})
	env.OnWorkflow(workflows.Notify, mock.Anything, mock.Anything).Return(
		func(_ workflow.Context, in workflows.NotifyInput) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.notes = append(h.notes, in)
			return nil
		})
	env.OnActivity(election.ActivityRecheckEligibility, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, in election.RecheckEligibilityInput) ([]election.EligibilityChange, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.rechecks = append(h.rechecks, h.env.Now())
			if h.eligibility == nil {
				return nil, nil
			}
			return h.eligibility(in.State), nil
		})
	env.OnActivity(workflows.ActivityRecordBallotParticipation, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in workflows.BallotParticipationInput) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.ballots = append(h.ballots, in.Ballots...)
			return nil
		})
	env.OnActivity(election.ActivityAssignElected, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in election.AssignElectedInput) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.assigned = append(h.assigned, in)
			return nil
		})
	env.OnActivity(workflows.ActivityFreezeElectionRoll, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in workflows.FreezeRollInput) (workflows.FreezeRollResult, error) {
			res := workflows.FreezeRollResult{}
			for _, e := range processtest.Roll {
				for _, p := range in.Proxies {
					if p.FromALSID == e.ALSID {
						holder := p.ToALSID
						e.ProxyFor = &holder
					}
				}
				res.Entries = append(res.Entries, e)
			}
			return res, nil
		})
	h.env = env
	return h
}

func (h *elHarness) update(at time.Duration, name string, in any) *elResult {
	r := &elResult{name: name}
	h.results = append(h.results, r)
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(name, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { r.done, r.err = true, err },
			OnComplete: func(v any, err error) {
				r.done, r.err = true, err
				switch x := v.(type) {
				case election.State:
					r.state = x
				case workflows.BallotReceipt:
					r.receipt = x
				}
			},
		}, in)
	}, at)
	return r
}

func (h *elHarness) ok(r *elResult) *elResult {
	h.t.Cleanup(func() {
		if !r.done {
			h.t.Errorf("update %s never completed", r.name)
		} else if r.err != nil {
			h.t.Errorf("update %s: unexpected error %v", r.name, r.err)
		}
	})
	return r
}

func (h *elHarness) refused(r *elResult, errType string) {
	h.t.Cleanup(func() {
		var appErr *temporal.ApplicationError
		if !r.done || !errors.As(r.err, &appErr) || appErr.Type() != errType {
			h.t.Errorf("update %s: want %s error, got done=%v %v", r.name, errType, r.done, r.err)
		}
	})
}

// query reads the state at T0+at.
func (h *elHarness) query(at time.Duration) *election.State {
	st := &election.State{}
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(election.Query)
		if err == nil {
			err = v.Get(st)
		}
		if err != nil {
			h.t.Errorf("query at T0+%v: %v", at, err)
		}
	}, at)
	return st
}

// results reads the results at T0+at (and the error before close).
func (h *elHarness) resultsAt(at time.Duration) (*election.Results, *error) {
	res, errp := &election.Results{}, new(error)
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(election.QueryResults)
		if err == nil {
			err = v.Get(res)
		}
		*errp = err
	}, at)
	return res, errp
}

// nominate nominates and accepts a member, eligible, for a seat; it returns
// the nomination's expected ID.
func (h *elHarness) candidate(at time.Duration, seat string, who workflows.Actor, nid string) {
	h.ok(h.update(at, election.UpdateNominate, election.NominateInput{
		Actor: elAna, Seat: seat, NomineeID: who.MemberID, Statement: "a fine candidate",
		Eligibility: election.Eligibility{Reasons: []string{"not_accepted: the nominee has not accepted the nomination"}},
	}))
	h.ok(h.update(at+time.Minute, election.UpdateAccept, election.AcceptInput{
		Actor: who, NominationID: nid, StatementOfInterest: "I serve", Eligibility: election.Eligibility{Eligible: true},
	}))
}

func (h *elHarness) vote(at time.Duration, seat, als, choice string) *elResult {
	in := election.BallotInput{Actor: elRep, Seat: seat, ALSID: als, CastByALSID: als, Choice: choice}
	if choice == "" {
		in.Abstain = true
	}
	return h.ok(h.update(at, election.UpdateBallot, in))
}

func (h *elHarness) run(in election.Input) election.State {
	h.t.Helper()
	h.env.ExecuteWorkflow(election.WorkflowName, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	if err := h.env.GetWorkflowError(); err != nil {
		h.t.Fatalf("workflow failed: %v", err)
	}
	var st election.State
	if err := h.env.GetWorkflowResult(&st); err != nil {
		h.t.Fatalf("result: %v", err)
	}
	return st
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func seatResult(t *testing.T, res *election.Results, seat string) election.SeatResult {
	t.Helper()
	for _, s := range res.Seats {
		if s.Seat == seat {
			return s
		}
	}
	t.Fatalf("no result for seat %s in %+v", seat, res)
	return election.SeatResult{}
}

// TestElectionAcclamationAndWeightedVote fills the chair by acclamation and
// the secretariat by a nationally weighted vote, then certifies.
func TestElectionAcclamationAndWeightedVote(t *testing.T) {
	h := newElHarness(t)
	h.candidate(time.Hour, "chair", elBeto, "n1")
	h.candidate(2*time.Hour, "secretariat", elCarla, "n2")
	h.candidate(3*time.Hour, "secretariat", elAna, "n3")
	before := h.query(2*processtest.Day + time.Hour)
	_, errBefore := h.resultsAt(4 * processtest.Day)
	// AR's two ALSes split; BR and CL vote Carla: 50/3 + 100/3 + 100/3 for
	// Carla, 50/3 for Ana.
	h.vote(3*processtest.Day+time.Hour, "secretariat", "als-a1", elCarla.MemberID)
	h.vote(3*processtest.Day+2*time.Hour, "secretariat", "als-a2", elAna.MemberID)
	h.vote(3*processtest.Day+3*time.Hour, "secretariat", "als-b1", elCarla.MemberID)
	h.vote(3*processtest.Day+4*time.Hour, "secretariat", "als-c1", elCarla.MemberID)
	during := h.query(3*processtest.Day + 5*time.Hour)
	res, errAfter := h.resultsAt(5*processtest.Day + time.Hour)
	h.ok(h.update(6*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: elStaff}))
	st := h.run(elInput("e1"))

	if before.Status != election.StatusObjections {
		t.Errorf("status before voting = %q", before.Status)
	}
	if *errBefore == nil {
		t.Error("results before close: want an error")
	}
	if during.Status != election.StatusVoting || len(during.Voted) != 4 {
		t.Errorf("during the vote: status %q, voted %+v", during.Status, during.Voted)
	}
	if *errAfter != nil {
		t.Fatalf("results after close: %v", *errAfter)
	}
	chair := seatResult(t, res, "chair")
	if len(chair.Elected) != 1 || chair.Elected[0] != elBeto.MemberID || chair.Quorum != nil {
		t.Errorf("chair = %+v, want Beto by acclamation", chair)
	}
	sec := seatResult(t, res, "secretariat")
	if len(sec.Elected) != 1 || sec.Elected[0] != elCarla.MemberID {
		t.Errorf("secretariat elected %v, want Carla", sec.Elected)
	}
	if len(sec.Rounds) != 1 || !near(sec.Rounds[0].Totals[0].WeightedVotes, 250.0/3) || sec.Rounds[0].Totals[0].Ballots != 3 ||
		!near(sec.Rounds[0].Totals[1].WeightedVotes, 50.0/3) {
		t.Errorf("secretariat rounds = %+v", sec.Rounds)
	}
	if q := sec.Quorum; q == nil || q.Required != 2 || q.Cast != 4 || !q.Met || q.Extended {
		t.Errorf("quorum = %+v", sec.Quorum)
	}
	if len(sec.Ballots) != 4 || sec.Ballots[0].ALSID != "als-a1" || sec.Ballots[0].Choice != elCarla.MemberID || sec.Ballots[0].Receipt == "" {
		t.Errorf("open ballots = %+v", sec.Ballots)
	}
	if len(res.Roll) != 4 || !near(res.Roll[0].Weight, 50.0/3) || !near(res.Roll[2].Weight, 100.0/3) {
		t.Errorf("roll = %+v", res.Roll)
	}
	if st.Status != election.StatusCertified || st.CertifiedBy != elStaff.MemberID {
		t.Errorf("final state %q by %q", st.Status, st.CertifiedBy)
	}
}

// TestElectionTieSecondBallotDraw ties, ties again in the second ballot,
// and draws with the published seed.
func TestElectionTieSecondBallotDraw(t *testing.T) {
	h := newElHarness(t)
	in := elInput("e2")
	in.Seats = in.Seats[1:]
	h.candidate(time.Hour, "secretariat", elCarla, "n1")
	h.candidate(2*time.Hour, "secretariat", elAna, "n2")
	// Round 1: AR (both ALSes) for Carla, BR for Ana, CL abstains: 100/3 each.
	h.vote(3*processtest.Day+time.Hour, "secretariat", "als-a1", elCarla.MemberID)
	h.vote(3*processtest.Day+time.Hour, "secretariat", "als-a2", elCarla.MemberID)
	h.vote(3*processtest.Day+time.Hour, "secretariat", "als-b1", elAna.MemberID)
	h.vote(3*processtest.Day+time.Hour, "secretariat", "als-c1", "")
	mid := h.query(5*processtest.Day + time.Hour)
	// Round 2 (two more days): the same.
	var receipts []*elResult
	receipts = append(receipts,
		h.vote(5*processtest.Day+2*time.Hour, "secretariat", "als-a1", elCarla.MemberID),
		h.vote(5*processtest.Day+2*time.Hour, "secretariat", "als-a2", elCarla.MemberID),
		h.vote(5*processtest.Day+2*time.Hour, "secretariat", "als-b1", elAna.MemberID))
	res, _ := h.resultsAt(7*processtest.Day + time.Hour)
	h.ok(h.update(8*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: elStaff}))
	h.run(in)

	if mid.Status != election.StatusVoting || mid.Seats[0].Round != 2 || len(mid.Seats[0].Candidates) != 2 {
		t.Errorf("after the first round: %+v", mid.Seats[0])
	}
	sec := seatResult(t, res, "secretariat")
	if len(sec.Rounds) != 2 || sec.Rounds[0].Abstentions != 1 || sec.Rounds[1].Round != 2 {
		t.Fatalf("rounds = %+v", sec.Rounds)
	}
	var rs []string
	for _, r := range receipts {
		rs = append(rs, r.receipt.Receipt)
	}
	seed := domain.DrawSeed(rs)
	want := domain.Draw(seed, []string{elAna.MemberID, elCarla.MemberID})
	if sec.Draw == nil || sec.Draw.Seed != seed || sec.Draw.Drawn != want || len(sec.Elected) != 1 || sec.Elected[0] != want {
		t.Errorf("draw = %+v elected %v, want %s with seed %s", sec.Draw, sec.Elected, want, seed)
	}
}

// TestElectionNotQuorateExtends extends a vote that is not quorate once,
// and a revote replaces the earlier ballot.
func TestElectionNotQuorateExtends(t *testing.T) {
	h := newElHarness(t)
	in := elInput("e3")
	in.Seats = in.Seats[1:]
	h.candidate(time.Hour, "secretariat", elCarla, "n1")
	h.candidate(2*time.Hour, "secretariat", elAna, "n2")
	h.vote(3*processtest.Day+time.Hour, "secretariat", "als-b1", elAna.MemberID)
	mid := h.query(5*processtest.Day + time.Hour)
	// b1 changes its mind during the extension; c1 votes too.
	h.vote(6*processtest.Day, "secretariat", "als-b1", elCarla.MemberID)
	h.vote(6*processtest.Day+time.Hour, "secretariat", "als-c1", elAna.MemberID)
	h.vote(6*processtest.Day+2*time.Hour, "secretariat", "als-a1", elCarla.MemberID)
	res, _ := h.resultsAt(7*processtest.Day + time.Hour)
	h.ok(h.update(8*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: elStaff}))
	h.run(in)

	if mid.Status != election.StatusVoting || !mid.Seats[0].Extended || !mid.Seats[0].VotingCloses.Equal(elT0.Add(7*processtest.Day)) {
		t.Errorf("after the first close: %+v", mid.Seats[0])
	}
	sec := seatResult(t, res, "secretariat")
	if q := sec.Quorum; q == nil || q.Required != 2 || q.Cast != 3 || !q.Met || !q.Extended {
		t.Errorf("quorum = %+v", sec.Quorum)
	}
	// Carla: b1 100/3 + a1 50/3 = 50; Ana: c1 100/3.
	if len(sec.Elected) != 1 || sec.Elected[0] != elCarla.MemberID || !near(sec.Rounds[0].Totals[0].WeightedVotes, 50) {
		t.Errorf("elected %v, rounds %+v", sec.Elected, sec.Rounds)
	}
	if len(sec.Ballots) != 3 {
		t.Errorf("counted ballots = %+v, want one per ALS", sec.Ballots)
	}
}

// TestElectionRanked counts a ranked seat by instant runoff.
func TestElectionRanked(t *testing.T) {
	h := newElHarness(t)
	in := elInput("e4")
	in.Seats = []election.SeatSpec{{Seat: "alac_member", Position: "alac_member", Count: 1,
		Method: election.MethodRanked, Ballot: election.BallotSecret, Rotation: "none"}}
	h.candidate(time.Hour, "alac_member", elAna, "n1")
	h.candidate(2*time.Hour, "alac_member", elBeto, "n2")
	h.candidate(3*time.Hour, "alac_member", elCarla, "n3")
	rank := func(at time.Duration, als string, r ...string) {
		h.ok(h.update(at, election.UpdateBallot, election.BallotInput{Actor: elRep, Seat: "alac_member", ALSID: als, CastByALSID: als, Ranking: r}))
	}
	// First preferences: Ana 50/3 (a1), Beto 50/3+100/3 (a2, b1), Carla
	// 100/3 (c1). Ana is eliminated; a1's next preference, Carla, makes
	// 50 against Beto's 50... so a1 ranks Beto next: Beto wins with 200/3.
	rank(3*processtest.Day+time.Hour, "als-a1", elAna.MemberID, elBeto.MemberID)
	rank(3*processtest.Day+time.Hour, "als-a2", elBeto.MemberID)
	rank(3*processtest.Day+time.Hour, "als-b1", elBeto.MemberID, elCarla.MemberID)
	rank(3*processtest.Day+time.Hour, "als-c1", elCarla.MemberID)
	res, _ := h.resultsAt(5*processtest.Day + time.Hour)
	h.ok(h.update(6*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: elStaff}))
	h.run(in)

	s := seatResult(t, res, "alac_member")
	if len(s.Elected) != 1 || s.Elected[0] != elBeto.MemberID || len(s.Rounds) < 1 {
		t.Errorf("ranked result = %+v", s)
	}
	for _, b := range s.Ballots {
		if b.ALSID != "" || b.Choice != "" || len(b.Ranking) > 0 || b.Receipt == "" {
			t.Errorf("secret ballot published %+v", b)
		}
	}
}

// TestElectionRefusals checks roles and states.
func TestElectionRefusals(t *testing.T) {
	h := newElHarness(t)
	in := elInput("e5")
	in.Seats = in.Seats[1:]
	h.candidate(time.Hour, "secretariat", elCarla, "n1")
	h.candidate(2*time.Hour, "secretariat", elAna, "n2")
	h.refused(h.update(3*time.Hour, election.UpdateAccept, election.AcceptInput{Actor: elBeto, NominationID: "n1", StatementOfInterest: "x"}), workflows.ErrForbidden)
	h.refused(h.update(3*time.Hour, election.UpdateNominate, election.NominateInput{Actor: elBeto, Seat: "secretariat", NomineeID: elAna.MemberID}), workflows.ErrInvalidState)
	h.refused(h.update(3*time.Hour, election.UpdateNominate, election.NominateInput{Actor: elBeto, Seat: "nope", NomineeID: elAna.MemberID}), workflows.ErrInvalidInput)
	h.refused(h.update(3*time.Hour, election.UpdateRegisterProxy, election.RegisterProxyInput{Actor: elBeto, FromALSID: "als-a1", ToALSID: "als-b1"}), workflows.ErrForbidden)
	h.ok(h.update(3*time.Hour, election.UpdateRegisterProxy, election.RegisterProxyInput{Actor: elStaff, FromALSID: "als-a1", ToALSID: "als-b1"}))
	h.refused(h.update(4*time.Hour, election.UpdateRegisterProxy, election.RegisterProxyInput{Actor: elStaff, FromALSID: "als-a2", ToALSID: "als-b1"}), workflows.ErrInvalidState)
	h.refused(h.update(2*processtest.Day, election.UpdateNominate, election.NominateInput{Actor: elBeto, Seat: "secretariat", NomineeID: elBeto.MemberID}), workflows.ErrInvalidState)
	h.refused(h.update(2*processtest.Day, election.UpdateBallot, election.BallotInput{Actor: elRep, Seat: "secretariat", ALSID: "als-c1", CastByALSID: "als-c1", Choice: elAna.MemberID}), workflows.ErrInvalidState)
	h.refused(h.update(2*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: elStaff}), workflows.ErrInvalidState)
	// During the vote: another ALS's ballot, a proxy giver voting itself,
	// a choice that is no candidate; the proxy holder votes for the giver.
	h.refused(h.update(3*processtest.Day+time.Hour, election.UpdateBallot, election.BallotInput{Actor: elRep, Seat: "secretariat", ALSID: "als-c1", CastByALSID: "als-a2", Choice: elAna.MemberID}), workflows.ErrForbidden)
	h.refused(h.update(3*processtest.Day+time.Hour, election.UpdateBallot, election.BallotInput{Actor: elRep, Seat: "secretariat", ALSID: "als-a1", CastByALSID: "als-a1", Choice: elAna.MemberID}), workflows.ErrForbidden)
	h.refused(h.update(3*processtest.Day+time.Hour, election.UpdateBallot, election.BallotInput{Actor: elRep, Seat: "secretariat", ALSID: "als-c1", CastByALSID: "als-c1", Choice: elBeto.MemberID}), workflows.ErrInvalidInput)
	h.refused(h.update(3*processtest.Day+time.Hour, election.UpdateBallot, election.BallotInput{Actor: elRep, Seat: "secretariat", ALSID: "als-zz", CastByALSID: "als-zz", Choice: elAna.MemberID}), workflows.ErrForbidden)
	h.ok(h.update(3*processtest.Day+time.Hour, election.UpdateBallot, election.BallotInput{Actor: elRep, Seat: "secretariat", ALSID: "als-a1", CastByALSID: "als-b1", Choice: elAna.MemberID}))
	h.vote(3*processtest.Day+2*time.Hour, "secretariat", "als-c1", elAna.MemberID)
	h.refused(h.update(6*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: elBeto}), workflows.ErrForbidden)
	h.refused(h.update(6*processtest.Day, election.UpdateBallot, election.BallotInput{Actor: elRep, Seat: "secretariat", ALSID: "als-c1", CastByALSID: "als-c1", Choice: elAna.MemberID}), workflows.ErrInvalidState)
	h.ok(h.update(6*processtest.Day+time.Hour, election.UpdateCertify, election.CertifyInput{Actor: elStaff}))
	h.refused(h.update(6*processtest.Day+time.Hour, election.UpdateCertify, election.CertifyInput{Actor: elStaff}), workflows.ErrInvalidState)
	st := h.run(in)
	if st.Seats[0].Elected[0] != elAna.MemberID {
		t.Errorf("elected %v", st.Seats[0].Elected)
	}
}

// TestElectionReopensWithoutCandidate reopens a seat with no eligible
// candidate to all countries, then fills it by acclamation.
func TestElectionReopensWithoutCandidate(t *testing.T) {
	h := newElHarness(t)
	in := elInput("e6")
	in.Seats = in.Seats[:1]
	mid := h.query(processtest.Day + time.Hour)
	h.candidate(2*processtest.Day, "chair", elBeto, "n1")
	h.ok(h.update(9*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: elStaff}))
	st := h.run(in)
	if mid.Status != election.StatusNominations || !mid.Seats[0].Reopened || len(mid.Exceptions) != 1 {
		t.Errorf("after nominations close: %+v", mid)
	}
	if st.Seats[0].Status != election.SeatStatusAcclaimed || st.Seats[0].Elected[0] != elBeto.MemberID {
		t.Errorf("final seat %+v", st.Seats[0])
	}
}

func (h *elHarness) events() map[string][]workflows.NotifyInput {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string][]workflows.NotifyInput{}
	for _, n := range h.notes {
		out[n.Event] = append(out[n.Event], n)
	}
	return out
}

// TestElectionEmailsParticipationAndPositions follows a cycle's effects:
// every member is emailed at each phase and the nominees on their
// nomination, each counted ballot counts for its ALS's participation, and
// the elected take their positions at the term start, after which the
// workflow completes.
func TestElectionEmailsParticipationAndPositions(t *testing.T) {
	h := newElHarness(t)
	in := elInput("e7")
	termStart := elT0.Add(30 * processtest.Day)
	in.Calendar.TermStart = &termStart
	h.candidate(time.Hour, "chair", elBeto, "n1")
	h.candidate(2*time.Hour, "secretariat", elCarla, "n2")
	h.candidate(3*time.Hour, "secretariat", elAna, "n3")
	h.vote(3*processtest.Day+time.Hour, "secretariat", "als-a1", elCarla.MemberID)
	h.vote(3*processtest.Day+2*time.Hour, "secretariat", "als-b1", elCarla.MemberID)
	h.vote(3*processtest.Day+3*time.Hour, "secretariat", "als-b1", elAna.MemberID) // revote: one participation
	h.ok(h.update(6*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: elStaff}))
	beforeTerm := h.query(29 * processtest.Day)
	st := h.run(in)

	ev := h.events()
	for event, want := range map[string]int{"election.opened": 1, "election.nominated": 3, "election.voting_open": 1, "election.results": 1} {
		if len(ev[event]) != want {
			t.Errorf("%s sent %d times, want %d: %+v", event, len(ev[event]), want, ev[event])
		}
	}
	for _, event := range []string{"election.opened", "election.voting_open", "election.results"} {
		for _, n := range ev[event] {
			if n.Audience != workflows.AudienceAllMembers {
				t.Errorf("%s goes to %q, want every member", event, n.Audience)
			}
		}
	}
	if n := ev["election.nominated"]; len(n) == 3 && (len(n[0].MemberIDs) != 1 || n[0].MemberIDs[0] != elBeto.MemberID) {
		t.Errorf("nomination email to %v, want the nominee", n[0].MemberIDs)
	}
	if len(h.ballots) != 2 {
		t.Errorf("participation recorded for %+v, want one per ALS that voted", h.ballots)
	}
	if beforeTerm.PositionsAssignedAt != nil || beforeTerm.Status != election.StatusCertified {
		t.Errorf("before the term start: %+v", beforeTerm)
	}
	if len(h.assigned) != 1 || !h.assigned[0].TermStart.Equal(termStart) || len(h.assigned[0].Seats) != 2 {
		t.Fatalf("positions assigned %+v, want both seats from %v", h.assigned, termStart)
	}
	if st.PositionsAssignedAt == nil || st.PositionsAssignedAt.Before(termStart) {
		t.Errorf("positions assigned at %v, want at the term start", st.PositionsAssignedAt)
	}
}

// TestElectionRechecksEligibility recomputes eligibility before nominations
// close and before each seat is decided: a nominee sanctioned since
// accepting is no longer a candidate, and the seat reopens.
func TestElectionRechecksEligibility(t *testing.T) {
	h := newElHarness(t)
	in := elInput("e8")
	in.Seats = in.Seats[:1]
	h.eligibility = func(st election.State) []election.EligibilityChange {
		var out []election.EligibilityChange
		for _, n := range st.Nominations {
			if n.NomineeID == elBeto.MemberID && n.Eligible {
				out = append(out, election.EligibilityChange{NominationID: n.ID, Eligible: false,
					Reasons: []string{"ethics_ineligible: removed by an ethics decision"}})
			}
		}
		return out
	}
	h.candidate(time.Hour, "chair", elBeto, "n1")
	mid := h.query(processtest.Day + time.Hour)
	h.ok(h.update(2*processtest.Day, election.UpdateRecheck, election.RecheckInput{Actor: elAna}))
	h.refused(h.update(3*processtest.Day+time.Hour, election.UpdateRecheck, election.RecheckInput{Actor: elAna}), workflows.ErrInvalidState)
	h.ok(h.update(9*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: elStaff}))
	st := h.run(in)

	if len(h.rechecks) < 1 || !h.rechecks[0].Equal(elT0.Add(processtest.Day)) {
		t.Errorf("rechecks at %v, want the first at nominations close", h.rechecks)
	}
	if len(mid.Nominations) != 1 || mid.Nominations[0].Eligible || !mid.Seats[0].Reopened {
		t.Errorf("after nominations close: nominations %+v, seat %+v", mid.Nominations, mid.Seats[0])
	}
	// Nominations close, the requested recheck, the decision.
	if len(h.rechecks) != 3 {
		t.Errorf("rechecks at %v, want three", h.rechecks)
	}
	if st.Seats[0].Status != election.SeatStatusUnfilled {
		t.Errorf("seat %+v, want unfilled", st.Seats[0])
	}
}

// TestElectionExtendsPhase lets staff extend nominations with a reason: the
// later dates move by as much, a nomination after the original close is
// taken, and shortening, non-staff and ended phases are refused.
func TestElectionExtendsPhase(t *testing.T) {
	h := newElHarness(t)
	in := elInput("e9")
	in.Seats = in.Seats[:1]
	until := elT0.Add(3 * processtest.Day)
	h.refused(h.update(time.Hour, election.UpdateExtend, election.ExtendPhaseInput{Actor: elAna, Phase: "nominations", Until: until, Reason: "few candidates"}), workflows.ErrForbidden)
	h.refused(h.update(time.Hour, election.UpdateExtend, election.ExtendPhaseInput{Actor: elStaff, Phase: "nominations", Until: elT0.Add(processtest.Day / 2), Reason: "shorter"}), workflows.ErrInvalidInput)
	h.refused(h.update(time.Hour, election.UpdateExtend, election.ExtendPhaseInput{Actor: elStaff, Phase: "nominations", Until: until}), workflows.ErrInvalidInput)
	h.refused(h.update(time.Hour, election.UpdateExtend, election.ExtendPhaseInput{Actor: elStaff, Phase: "count", Until: until, Reason: "x"}), workflows.ErrInvalidInput)
	ext := h.ok(h.update(2*time.Hour, election.UpdateExtend, election.ExtendPhaseInput{Actor: elStaff, Phase: "nominations", Until: until, Reason: "few candidates"}))
	h.candidate(2*processtest.Day, "chair", elBeto, "n1")
	h.refused(h.update(4*processtest.Day, election.UpdateExtend, election.ExtendPhaseInput{Actor: elStaff, Phase: "nominations", Until: elT0.Add(5 * processtest.Day), Reason: "again"}), workflows.ErrInvalidState)
	h.ok(h.update(9*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: elStaff}))
	st := h.run(in)

	cal := ext.state.Calendar
	if !cal.NominationsClose.Equal(until) || !cal.AcceptanceClose.Equal(elT0.Add(4*processtest.Day)) ||
		!cal.ObjectionsClose.Equal(elT0.Add(5*processtest.Day)) || !cal.VotingClose.Equal(elT0.Add(7*processtest.Day)) {
		t.Errorf("calendar after extension %+v", cal)
	}
	if st.Seats[0].Reopened || st.Seats[0].Status != election.SeatStatusAcclaimed {
		t.Errorf("seat %+v, want acclaimed within the extended nominations", st.Seats[0])
	}
	if len(st.Exceptions) != 1 || st.Exceptions[0].Kind != "phase_extended" {
		t.Errorf("exceptions %+v", st.Exceptions)
	}
	if n := h.events()["election.extended"]; len(n) != 1 || n[0].Data["reason"] != "few candidates" {
		t.Errorf("extension emails %+v", n)
	}
}

// TestElectionContest records an arbitration contesting the certified
// result within the window, refuses one after it, and records the ruling
// the arbitration signals; the cycle ends once every contest is ruled.
func TestElectionContest(t *testing.T) {
	h := newElHarness(t)
	in := elInput("e10")
	in.Seats = in.Seats[:1]
	in.Rules.ContestWindow = workflows.Duration(10 * processtest.Day)
	h.candidate(time.Hour, "chair", elBeto, "n1")
	h.refused(h.update(4*processtest.Day, election.UpdateContest, election.ContestInput{Actor: elStaff, ArbitrationID: "arb-0"}), workflows.ErrInvalidState)
	h.ok(h.update(6*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: elStaff}))
	h.refused(h.update(7*processtest.Day, election.UpdateContest, election.ContestInput{Actor: elAna, ArbitrationID: "arb-1"}), workflows.ErrForbidden)
	h.ok(h.update(7*processtest.Day, election.UpdateContest, election.ContestInput{Actor: elStaff, ArbitrationID: "arb-1"}))
	h.refused(h.update(7*processtest.Day+time.Hour, election.UpdateContest, election.ContestInput{Actor: elStaff, ArbitrationID: "arb-1"}), workflows.ErrInvalidState)
	h.refused(h.update(17*processtest.Day, election.UpdateContest, election.ContestInput{Actor: elStaff, ArbitrationID: "arb-2"}), workflows.ErrInvalidState)
	open := h.query(17*processtest.Day + time.Hour)
	h.env.RegisterDelayedCallback(func() {
		h.env.SignalWorkflow(workflows.SignalAppealRuling, workflows.AppealRuling{ArbitrationID: "arb-1", Outcome: workflows.RulingUphold, Articles: []string{"art. 12"}})
	}, 18*processtest.Day)
	st := h.run(in)

	if open.PositionsAssignedAt == nil || len(open.Contests) != 1 || open.Contests[0].RuledAt != nil {
		t.Errorf("before the ruling: %+v", open)
	}
	if len(st.Contests) != 1 || st.Contests[0].Outcome != workflows.RulingUphold || st.Contests[0].RuledAt == nil ||
		!st.Contests[0].RuledAt.Equal(elT0.Add(18*processtest.Day)) {
		t.Errorf("contests %+v", st.Contests)
	}
	if st.ContestUntil == nil || !st.ContestUntil.Equal(elT0.Add(16*processtest.Day)) {
		t.Errorf("contest until %v", st.ContestUntil)
	}
}

// TestElectionObjectionCallsAVote sends a seat with a single eligible
// candidate to the vote when a member objects, with a reason, before the
// objections close; the vote then elects by weighted plurality, the
// abstentions reported and not counted.
func TestElectionObjectionCallsAVote(t *testing.T) {
	h := newElHarness(t)
	in := elInput("e11")
	in.Seats = in.Seats[:1]
	h.candidate(time.Hour, "chair", elBeto, "n1")
	h.refused(h.update(2*processtest.Day, election.UpdateObject, election.ObjectInput{Actor: elAna, Seat: "chair"}), workflows.ErrInvalidInput)
	h.ok(h.update(2*processtest.Day+time.Hour, election.UpdateObject, election.ObjectInput{Actor: elAna, Seat: "chair", Reason: "no contest is no choice"}))
	h.refused(h.update(3*processtest.Day+time.Hour, election.UpdateObject, election.ObjectInput{Actor: elCarla, Seat: "chair", Reason: "late"}), workflows.ErrInvalidState)
	h.vote(3*processtest.Day+2*time.Hour, "chair", "als-a1", elBeto.MemberID)
	h.vote(3*processtest.Day+2*time.Hour, "chair", "als-b1", "")
	h.vote(3*processtest.Day+2*time.Hour, "chair", "als-c1", elBeto.MemberID)
	voting := h.query(3*processtest.Day + 3*time.Hour)
	res, _ := h.resultsAt(5*processtest.Day + time.Hour)
	h.ok(h.update(6*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: elStaff}))
	st := h.run(in)

	if voting.Seats[0].Status != election.SeatStatusVoting || len(voting.Objections) != 1 {
		t.Errorf("after the objection: seat %+v, objections %+v", voting.Seats[0], voting.Objections)
	}
	chair := seatResult(t, res, "chair")
	if len(chair.Rounds) != 1 || chair.Rounds[0].Abstentions != 1 || len(chair.Elected) != 1 || chair.Elected[0] != elBeto.MemberID {
		t.Fatalf("chair = %+v", chair)
	}
	// a1 (50/3) and c1 (100/3) for Beto: 50.
	if tot := chair.Rounds[0].Totals; len(tot) != 1 || !near(tot[0].WeightedVotes, 50) || tot[0].Ballots != 2 {
		t.Errorf("totals %+v", tot)
	}
	if st.Seats[0].Status != election.SeatStatusElected {
		t.Errorf("final seat %+v", st.Seats[0])
	}
}
