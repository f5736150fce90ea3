package election_test

import (
	"context"
	"math"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/election"
	"github.com/lacralo/ralo/workflows/processtest"
)

// t0 is when every test cycle starts; the calendar is in days from it.
var t0 = time.Date(2026, 4, 6, 9, 0, 0, 0, time.UTC)

var (
	staff = workflows.Actor{MemberID: "m-staff", Roles: []string{"member", "staff"}}
	ana   = workflows.Actor{MemberID: "m-ana", Roles: []string{"member"}}
	beto  = workflows.Actor{MemberID: "m-beto", Roles: []string{"member"}}
	carla = workflows.Actor{MemberID: "m-carla", Roles: []string{"member"}}
	rep   = workflows.Actor{MemberID: "m-rep", Roles: []string{"member", "als_rep"}}
)

func input(id string) election.Input {
	return election.Input{
		ElectionID: id,
		Title:      "LACRALO leadership 2026",
		Seats: []election.SeatSpec{
			{Seat: "chair", Position: "chair", Count: 1, Method: election.MethodPlurality, Ballot: election.BallotOpen, Rotation: "none"},
			{Seat: "secretariat", Position: "secretariat", Count: 1, Method: election.MethodPlurality, Ballot: election.BallotOpen, Rotation: "none"},
		},
		Calendar: election.Calendar{
			NominationsClose: t0.Add(processtest.Day), AcceptanceClose: t0.Add(2 * processtest.Day),
			ObjectionsClose: t0.Add(3 * processtest.Day), VotingOpen: t0.Add(3 * processtest.Day), VotingClose: t0.Add(5 * processtest.Day),
		},
		Rules: election.Rules{
			ReopenPeriod: workflows.Duration(7 * processtest.Day), ObjectionWindow: workflows.Duration(48 * time.Hour), Quorum: 0.5, Extension: true,
			Weighting: domain.WeightingNational,
		},
		StaffIDs:  []string{staff.MemberID},
		CreatedBy: staff.MemberID,
		CreatedAt: t0,
	}
}

// harness is the shared workflow harness with the election's own
// activities faked: the roll and the ballots' participation (Votes), the
// eligibility recheck and the positions (fakes).
type harness struct {
	*processtest.Harness[election.State]
	votes processtest.Votes
	fakes
}

// fakes are the election's activities, named as the worker registers them.
type fakes struct {
	mu  sync.Mutex
	now func() time.Time
	// eligibility answers the recheck activity; nil: nothing changed.
	eligibility func(election.State) []election.EligibilityChange
	rechecks    []time.Time
	assigned    []election.AssignElectedInput
	// registry is the positions the fake activities read and write; nil
	// until a test gives one.
	registry *fakeRegistry
	// sitting answers SittingHolders; nil: nobody sits.
	sitting func(seat string) []election.Holder
}

// RecheckElectionEligibility is election.ActivityRecheckEligibility.
func (f *fakes) RecheckElectionEligibility(_ context.Context, in election.RecheckEligibilityInput) ([]election.EligibilityChange, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rechecks = append(f.rechecks, f.now())
	if f.eligibility == nil {
		return nil, nil
	}
	return f.eligibility(in.State), nil
}

// AssignElected is election.ActivityAssignElected.
func (f *fakes) AssignElected(_ context.Context, in election.AssignElectedInput) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.assigned = append(f.assigned, in)
	if f.registry != nil {
		f.registry.assign(in)
	}
	return nil
}

// PlanSuccession is election.ActivityPlanSuccession over the fake registry.
func (f *fakes) PlanSuccession(_ context.Context, in election.PlanSuccessionInput) (election.PlanSuccessionResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	res := election.PlanSuccessionResult{Sitting: []string{}}
	var ends []*time.Time
	if f.registry != nil {
		for _, p := range f.registry.at(in.From) {
			if p.position == in.Position {
				ends = append(ends, p.end)
				res.Sitting = append(res.Sitting, p.holder)
			}
		}
	}
	res.At, res.Basis, res.OK = domain.SuccessionAt(in.From, ends, in.ElectTermEnd)
	return res, nil
}

// Succeed is election.ActivitySucceed over the fake registry.
func (f *fakes) Succeed(_ context.Context, in election.SucceedInput) (election.SucceedResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.registry.succeed(in), nil
}

// SittingHolders is election.ActivitySittingHolders.
func (f *fakes) SittingHolders(_ context.Context, in election.SittingHoldersInput) ([]election.Holder, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sitting == nil {
		return []election.Holder{}, nil
	}
	return f.sitting(in.Seat), nil
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessAt(t, t0)
}

// newHarnessAt is a harness whose workflow time starts at start.
func newHarnessAt(t *testing.T, start time.Time) *harness {
	t.Helper()
	h := &harness{Harness: processtest.NewHarness[election.State](t, election.Election, election.WorkflowName, election.Query, start)}
	h.now = h.Env.Now
	h.votes.Mock(h.Env)
	processtest.MockWith(h.Env, h.RecheckElectionEligibility)
	processtest.MockWith(h.Env, h.AssignElected)
	processtest.MockWith(h.Env, h.PlanSuccession)
	processtest.MockWith(h.Env, h.Succeed)
	processtest.MockWith(h.Env, h.SittingHolders)
	return h
}

// resultsAt reads the results at T0+at (and the error before close).
func (h *harness) resultsAt(at time.Duration) (*election.Results, *error) {
	res, errp := &election.Results{}, new(error)
	h.Env.RegisterDelayedCallback(func() {
		v, err := h.Env.QueryWorkflow(election.QueryResults)
		if err == nil {
			err = v.Get(res)
		}
		*errp = err
	}, at)
	return res, errp
}

// candidate nominates and accepts a member, eligible, for a seat; nid is
// the nomination's expected ID.
func (h *harness) candidate(at time.Duration, seat string, who workflows.Actor, nid string) {
	h.OK(h.Update(at, election.UpdateNominate, election.NominateInput{
		Actor: ana, Seat: seat, NomineeID: who.MemberID, Statement: "a fine candidate",
		Eligibility: election.Eligibility{Reasons: []string{"not_accepted: the nominee has not accepted the nomination"}},
	}))
	h.OK(h.Update(at+time.Minute, election.UpdateAccept, election.AcceptInput{
		Actor: who, NominationID: nid, StatementOfInterest: "I serve", Eligibility: election.Eligibility{Eligible: true},
	}))
}

func (h *harness) vote(at time.Duration, seat, als, choice string) *processtest.Result[election.State] {
	in := election.BallotInput{Actor: rep, Seat: seat, ALSID: als, CastByALSID: als, Choice: choice}
	if choice == "" {
		in.Abstain = true
	}
	return h.OK(h.Update(at, election.UpdateBallot, in))
}

func (h *harness) run(in election.Input) election.State { return h.Run(election.WorkflowName, in) }

// events are the notifications started, by event.
func (h *harness) events() map[string][]workflows.NotifyInput {
	out := map[string][]workflows.NotifyInput{}
	for _, n := range h.Notes() {
		out[n.In.Event] = append(out[n.In.Event], n.In)
	}
	return out
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

// TestAcclamationAndWeightedVote fills the chair by acclamation and
// the secretariat by a nationally weighted vote, then certifies.
func TestAcclamationAndWeightedVote(t *testing.T) {
	h := newHarness(t)
	h.candidate(time.Hour, "chair", beto, "n1")
	h.candidate(2*time.Hour, "secretariat", carla, "n2")
	h.candidate(3*time.Hour, "secretariat", ana, "n3")
	before := h.Query(2*processtest.Day + time.Hour)
	_, errBefore := h.resultsAt(4 * processtest.Day)
	// AR's two ALSes split; BR and CL vote Carla: 50/3 + 100/3 + 100/3 for
	// Carla, 50/3 for Ana.
	h.vote(3*processtest.Day+time.Hour, "secretariat", "als-a1", carla.MemberID)
	h.vote(3*processtest.Day+2*time.Hour, "secretariat", "als-a2", ana.MemberID)
	h.vote(3*processtest.Day+3*time.Hour, "secretariat", "als-b1", carla.MemberID)
	h.vote(3*processtest.Day+4*time.Hour, "secretariat", "als-c1", carla.MemberID)
	during := h.Query(3*processtest.Day + 5*time.Hour)
	res, errAfter := h.resultsAt(5*processtest.Day + time.Hour)
	h.OK(h.Update(6*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: staff}))
	st := h.run(input("e1"))

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
	if len(chair.Elected) != 1 || chair.Elected[0] != beto.MemberID || chair.Quorum != nil {
		t.Errorf("chair = %+v, want Beto by acclamation", chair)
	}
	sec := seatResult(t, res, "secretariat")
	if len(sec.Elected) != 1 || sec.Elected[0] != carla.MemberID {
		t.Errorf("secretariat elected %v, want Carla", sec.Elected)
	}
	if len(sec.Rounds) != 1 || !near(sec.Rounds[0].Totals[0].WeightedVotes, 250.0/3) || sec.Rounds[0].Totals[0].Ballots != 3 ||
		!near(sec.Rounds[0].Totals[1].WeightedVotes, 50.0/3) {
		t.Errorf("secretariat rounds = %+v", sec.Rounds)
	}
	if q := sec.Quorum; q == nil || q.Required != 2 || q.Cast != 4 || !q.Met || q.Extended {
		t.Errorf("quorum = %+v", sec.Quorum)
	}
	if len(sec.Ballots) != 4 || sec.Ballots[0].ALSID != "als-a1" || sec.Ballots[0].Choice != carla.MemberID || sec.Ballots[0].Receipt == "" {
		t.Errorf("open ballots = %+v", sec.Ballots)
	}
	if len(res.Roll) != 4 || !near(res.Roll[0].Weight, 50.0/3) || !near(res.Roll[2].Weight, 100.0/3) {
		t.Errorf("roll = %+v", res.Roll)
	}
	if st.Status != election.StatusCertified || st.CertifiedBy != staff.MemberID {
		t.Errorf("final state %q by %q", st.Status, st.CertifiedBy)
	}
}

// TestTieSecondBallotDraw ties, ties again in the second ballot,
// and draws with the published seed.
func TestTieSecondBallotDraw(t *testing.T) {
	h := newHarness(t)
	in := input("e2")
	in.Seats = in.Seats[1:]
	h.candidate(time.Hour, "secretariat", carla, "n1")
	h.candidate(2*time.Hour, "secretariat", ana, "n2")
	// Round 1: AR (both ALSes) for Carla, BR for Ana, CL abstains: 100/3 each.
	h.vote(3*processtest.Day+time.Hour, "secretariat", "als-a1", carla.MemberID)
	h.vote(3*processtest.Day+time.Hour, "secretariat", "als-a2", carla.MemberID)
	h.vote(3*processtest.Day+time.Hour, "secretariat", "als-b1", ana.MemberID)
	h.vote(3*processtest.Day+time.Hour, "secretariat", "als-c1", "")
	mid := h.Query(5*processtest.Day + time.Hour)
	// Round 2 (two more days): the same.
	var receipts []*processtest.Result[election.State]
	receipts = append(receipts,
		h.vote(5*processtest.Day+2*time.Hour, "secretariat", "als-a1", carla.MemberID),
		h.vote(5*processtest.Day+2*time.Hour, "secretariat", "als-a2", carla.MemberID),
		h.vote(5*processtest.Day+2*time.Hour, "secretariat", "als-b1", ana.MemberID))
	res, _ := h.resultsAt(7*processtest.Day + time.Hour)
	h.OK(h.Update(8*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: staff}))
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
		rs = append(rs, r.Value.(workflows.BallotReceipt).Receipt)
	}
	seed := domain.DrawSeed(rs)
	want := domain.Draw(seed, []string{ana.MemberID, carla.MemberID})
	if sec.Draw == nil || sec.Draw.Seed != seed || sec.Draw.Drawn != want || len(sec.Elected) != 1 || sec.Elected[0] != want {
		t.Errorf("draw = %+v elected %v, want %s with seed %s", sec.Draw, sec.Elected, want, seed)
	}
}

// TestNotQuorateExtends extends a vote that is not quorate once,
// and a revote replaces the earlier ballot.
func TestNotQuorateExtends(t *testing.T) {
	h := newHarness(t)
	in := input("e3")
	in.Seats = in.Seats[1:]
	h.candidate(time.Hour, "secretariat", carla, "n1")
	h.candidate(2*time.Hour, "secretariat", ana, "n2")
	h.vote(3*processtest.Day+time.Hour, "secretariat", "als-b1", ana.MemberID)
	mid := h.Query(5*processtest.Day + time.Hour)
	// b1 changes its mind during the extension; c1 votes too.
	h.vote(6*processtest.Day, "secretariat", "als-b1", carla.MemberID)
	h.vote(6*processtest.Day+time.Hour, "secretariat", "als-c1", ana.MemberID)
	h.vote(6*processtest.Day+2*time.Hour, "secretariat", "als-a1", carla.MemberID)
	res, _ := h.resultsAt(7*processtest.Day + time.Hour)
	h.OK(h.Update(8*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: staff}))
	h.run(in)

	if mid.Status != election.StatusVoting || !mid.Seats[0].Extended || !mid.Seats[0].VotingCloses.Equal(t0.Add(7*processtest.Day)) {
		t.Errorf("after the first close: %+v", mid.Seats[0])
	}
	sec := seatResult(t, res, "secretariat")
	if q := sec.Quorum; q == nil || q.Required != 2 || q.Cast != 3 || !q.Met || !q.Extended {
		t.Errorf("quorum = %+v", sec.Quorum)
	}
	// Carla: b1 100/3 + a1 50/3 = 50; Ana: c1 100/3.
	if len(sec.Elected) != 1 || sec.Elected[0] != carla.MemberID || !near(sec.Rounds[0].Totals[0].WeightedVotes, 50) {
		t.Errorf("elected %v, rounds %+v", sec.Elected, sec.Rounds)
	}
	if len(sec.Ballots) != 3 {
		t.Errorf("counted ballots = %+v, want one per ALS", sec.Ballots)
	}
}

// TestRanked counts a ranked seat by instant runoff; the seat's outcome is
// a recommendation (as LACRALO's NomCom delegate), which the results say.
func TestRanked(t *testing.T) {
	h := newHarness(t)
	in := input("e4")
	in.Seats = []election.SeatSpec{{Seat: "alac_member", Position: "alac_member", Count: 1,
		Method: election.MethodRanked, Ballot: election.BallotSecret, Rotation: "none", Outcome: election.OutcomeRecommended}}
	h.candidate(time.Hour, "alac_member", ana, "n1")
	h.candidate(2*time.Hour, "alac_member", beto, "n2")
	h.candidate(3*time.Hour, "alac_member", carla, "n3")
	rank := func(at time.Duration, als string, r ...string) {
		h.OK(h.Update(at, election.UpdateBallot, election.BallotInput{Actor: rep, Seat: "alac_member", ALSID: als, CastByALSID: als, Ranking: r}))
	}
	// First preferences: Ana 50/3 (a1), Beto 50/3+100/3 (a2, b1), Carla
	// 100/3 (c1). Ana is eliminated; a1's next preference, Carla, makes
	// 50 against Beto's 50... so a1 ranks Beto next: Beto wins with 200/3.
	rank(3*processtest.Day+time.Hour, "als-a1", ana.MemberID, beto.MemberID)
	rank(3*processtest.Day+time.Hour, "als-a2", beto.MemberID)
	rank(3*processtest.Day+time.Hour, "als-b1", beto.MemberID, carla.MemberID)
	rank(3*processtest.Day+time.Hour, "als-c1", carla.MemberID)
	res, _ := h.resultsAt(5*processtest.Day + time.Hour)
	h.OK(h.Update(6*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: staff}))
	h.run(in)

	s := seatResult(t, res, "alac_member")
	if len(s.Elected) != 1 || s.Elected[0] != beto.MemberID || len(s.Rounds) < 1 || s.Outcome != election.OutcomeRecommended {
		t.Errorf("ranked result = %+v", s)
	}
	for _, b := range s.Ballots {
		if b.ALSID != "" || b.Choice != "" || len(b.Ranking) > 0 || b.Receipt == "" {
			t.Errorf("secret ballot published %+v", b)
		}
	}
}

// TestRefusals checks roles and states.
func TestRefusals(t *testing.T) {
	h := newHarness(t)
	in := input("e5")
	in.Seats = in.Seats[1:]
	h.candidate(time.Hour, "secretariat", carla, "n1")
	h.candidate(2*time.Hour, "secretariat", ana, "n2")
	h.Refused(h.Update(3*time.Hour, election.UpdateAccept, election.AcceptInput{Actor: beto, NominationID: "n1", StatementOfInterest: "x"}), workflows.ErrForbidden)
	h.Refused(h.Update(3*time.Hour, election.UpdateNominate, election.NominateInput{Actor: beto, Seat: "secretariat", NomineeID: ana.MemberID}), workflows.ErrInvalidState)
	h.Refused(h.Update(3*time.Hour, election.UpdateNominate, election.NominateInput{Actor: beto, Seat: "nope", NomineeID: ana.MemberID}), workflows.ErrInvalidInput)
	h.Refused(h.Update(3*time.Hour, election.UpdateRegisterProxy, election.RegisterProxyInput{Actor: beto, FromALSID: "als-a1", ToALSID: "als-b1"}), workflows.ErrForbidden)
	h.OK(h.Update(3*time.Hour, election.UpdateRegisterProxy, election.RegisterProxyInput{Actor: staff, FromALSID: "als-a1", ToALSID: "als-b1"}))
	h.Refused(h.Update(4*time.Hour, election.UpdateRegisterProxy, election.RegisterProxyInput{Actor: staff, FromALSID: "als-a2", ToALSID: "als-b1"}), workflows.ErrInvalidState)
	h.Refused(h.Update(2*processtest.Day, election.UpdateNominate, election.NominateInput{Actor: beto, Seat: "secretariat", NomineeID: beto.MemberID}), workflows.ErrInvalidState)
	h.Refused(h.Update(2*processtest.Day, election.UpdateBallot, election.BallotInput{Actor: rep, Seat: "secretariat", ALSID: "als-c1", CastByALSID: "als-c1", Choice: ana.MemberID}), workflows.ErrInvalidState)
	h.Refused(h.Update(2*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: staff}), workflows.ErrInvalidState)
	// During the vote: another ALS's ballot, a proxy giver voting itself,
	// a choice that is no candidate; the proxy holder votes for the giver.
	h.Refused(h.Update(3*processtest.Day+time.Hour, election.UpdateBallot, election.BallotInput{Actor: rep, Seat: "secretariat", ALSID: "als-c1", CastByALSID: "als-a2", Choice: ana.MemberID}), workflows.ErrForbidden)
	h.Refused(h.Update(3*processtest.Day+time.Hour, election.UpdateBallot, election.BallotInput{Actor: rep, Seat: "secretariat", ALSID: "als-a1", CastByALSID: "als-a1", Choice: ana.MemberID}), workflows.ErrForbidden)
	h.Refused(h.Update(3*processtest.Day+time.Hour, election.UpdateBallot, election.BallotInput{Actor: rep, Seat: "secretariat", ALSID: "als-c1", CastByALSID: "als-c1", Choice: beto.MemberID}), workflows.ErrInvalidInput)
	h.Refused(h.Update(3*processtest.Day+time.Hour, election.UpdateBallot, election.BallotInput{Actor: rep, Seat: "secretariat", ALSID: "als-zz", CastByALSID: "als-zz", Choice: ana.MemberID}), workflows.ErrForbidden)
	h.OK(h.Update(3*processtest.Day+time.Hour, election.UpdateBallot, election.BallotInput{Actor: rep, Seat: "secretariat", ALSID: "als-a1", CastByALSID: "als-b1", Choice: ana.MemberID}))
	h.vote(3*processtest.Day+2*time.Hour, "secretariat", "als-c1", ana.MemberID)
	h.Refused(h.Update(6*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: beto}), workflows.ErrForbidden)
	h.Refused(h.Update(6*processtest.Day, election.UpdateBallot, election.BallotInput{Actor: rep, Seat: "secretariat", ALSID: "als-c1", CastByALSID: "als-c1", Choice: ana.MemberID}), workflows.ErrInvalidState)
	h.OK(h.Update(6*processtest.Day+time.Hour, election.UpdateCertify, election.CertifyInput{Actor: staff}))
	h.Refused(h.Update(6*processtest.Day+time.Hour, election.UpdateCertify, election.CertifyInput{Actor: staff}), workflows.ErrInvalidState)
	st := h.run(in)
	if st.Seats[0].Elected[0] != ana.MemberID {
		t.Errorf("elected %v", st.Seats[0].Elected)
	}
}

// TestReopensWithoutCandidate reopens a seat with no eligible
// candidate to all countries, then fills it by acclamation.
func TestReopensWithoutCandidate(t *testing.T) {
	h := newHarness(t)
	in := input("e6")
	in.Seats = in.Seats[:1]
	mid := h.Query(processtest.Day + time.Hour)
	h.candidate(2*processtest.Day, "chair", beto, "n1")
	h.OK(h.Update(9*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: staff}))
	st := h.run(in)
	if mid.Status != election.StatusNominations || !mid.Seats[0].Reopened || len(mid.Exceptions) != 1 {
		t.Errorf("after nominations close: %+v", mid)
	}
	if st.Seats[0].Status != election.SeatStatusAcclaimed || st.Seats[0].Elected[0] != beto.MemberID {
		t.Errorf("final seat %+v", st.Seats[0])
	}
}

// TestEmailsParticipationAndPositions follows a cycle's effects:
// every member is emailed at each phase and the nominees on their
// nomination, each counted ballot counts for its ALS's participation, and
// the elected take their positions at the term start, after which the
// workflow completes.
func TestEmailsParticipationAndPositions(t *testing.T) {
	h := newHarness(t)
	in := input("e7")
	termStart := t0.Add(30 * processtest.Day)
	in.Calendar.TermStart = &termStart
	h.candidate(time.Hour, "chair", beto, "n1")
	h.candidate(2*time.Hour, "secretariat", carla, "n2")
	h.candidate(3*time.Hour, "secretariat", ana, "n3")
	h.vote(3*processtest.Day+time.Hour, "secretariat", "als-a1", carla.MemberID)
	h.vote(3*processtest.Day+2*time.Hour, "secretariat", "als-b1", carla.MemberID)
	h.vote(3*processtest.Day+3*time.Hour, "secretariat", "als-b1", ana.MemberID) // revote: one participation
	h.OK(h.Update(6*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: staff}))
	beforeTerm := h.Query(29 * processtest.Day)
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
	if n := ev["election.nominated"]; len(n) == 3 && (len(n[0].MemberIDs) != 1 || n[0].MemberIDs[0] != beto.MemberID) {
		t.Errorf("nomination email to %v, want the nominee", n[0].MemberIDs)
	}
	if len(h.votes.Ballots()) != 2 {
		t.Errorf("participation recorded for %+v, want one per ALS that voted", h.votes.Ballots())
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

// TestRechecksEligibility recomputes eligibility before nominations
// close and before each seat is decided: a nominee sanctioned since
// accepting is no longer a candidate, and the seat reopens.
func TestRechecksEligibility(t *testing.T) {
	h := newHarness(t)
	in := input("e8")
	in.Seats = in.Seats[:1]
	h.eligibility = func(st election.State) []election.EligibilityChange {
		var out []election.EligibilityChange
		for _, n := range st.Nominations {
			if n.NomineeID == beto.MemberID && n.Eligible {
				out = append(out, election.EligibilityChange{NominationID: n.ID, Eligible: false,
					Reasons: []string{"ethics_ineligible: removed by an ethics decision"}})
			}
		}
		return out
	}
	h.candidate(time.Hour, "chair", beto, "n1")
	mid := h.Query(processtest.Day + time.Hour)
	h.OK(h.Update(2*processtest.Day, election.UpdateRecheck, election.RecheckInput{Actor: ana}))
	h.Refused(h.Update(3*processtest.Day+time.Hour, election.UpdateRecheck, election.RecheckInput{Actor: ana}), workflows.ErrInvalidState)
	h.OK(h.Update(9*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: staff}))
	st := h.run(in)

	if len(h.rechecks) < 1 || !h.rechecks[0].Equal(t0.Add(processtest.Day)) {
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

// TestExtendsPhase lets staff extend nominations with a reason: the
// later dates move by as much, a nomination after the original close is
// taken, and shortening, non-staff and ended phases are refused.
func TestExtendsPhase(t *testing.T) {
	h := newHarness(t)
	in := input("e9")
	in.Seats = in.Seats[:1]
	until := t0.Add(3 * processtest.Day)
	h.Refused(h.Update(time.Hour, election.UpdateExtend, election.ExtendPhaseInput{Actor: ana, Phase: "nominations", Until: until, Reason: "few candidates"}), workflows.ErrForbidden)
	h.Refused(h.Update(time.Hour, election.UpdateExtend, election.ExtendPhaseInput{Actor: staff, Phase: "nominations", Until: t0.Add(processtest.Day / 2), Reason: "shorter"}), workflows.ErrInvalidInput)
	h.Refused(h.Update(time.Hour, election.UpdateExtend, election.ExtendPhaseInput{Actor: staff, Phase: "nominations", Until: until}), workflows.ErrInvalidInput)
	h.Refused(h.Update(time.Hour, election.UpdateExtend, election.ExtendPhaseInput{Actor: staff, Phase: "count", Until: until, Reason: "x"}), workflows.ErrInvalidInput)
	ext := h.OK(h.Update(2*time.Hour, election.UpdateExtend, election.ExtendPhaseInput{Actor: staff, Phase: "nominations", Until: until, Reason: "few candidates"}))
	h.candidate(2*processtest.Day, "chair", beto, "n1")
	h.Refused(h.Update(4*processtest.Day, election.UpdateExtend, election.ExtendPhaseInput{Actor: staff, Phase: "nominations", Until: t0.Add(5 * processtest.Day), Reason: "again"}), workflows.ErrInvalidState)
	h.OK(h.Update(9*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: staff}))
	st := h.run(in)

	cal := ext.State.Calendar
	if !cal.NominationsClose.Equal(until) || !cal.AcceptanceClose.Equal(t0.Add(4*processtest.Day)) ||
		!cal.ObjectionsClose.Equal(t0.Add(5*processtest.Day)) || !cal.VotingClose.Equal(t0.Add(7*processtest.Day)) {
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

// TestContest records an arbitration contesting the certified
// result within the window, refuses one after it, and records the ruling
// the arbitration signals; the cycle ends once every contest is ruled.
func TestContest(t *testing.T) {
	h := newHarness(t)
	in := input("e10")
	in.Seats = in.Seats[:1]
	in.Rules.ContestWindow = workflows.Duration(10 * processtest.Day)
	h.candidate(time.Hour, "chair", beto, "n1")
	h.Refused(h.Update(4*processtest.Day, election.UpdateContest, election.ContestInput{Actor: staff, ArbitrationID: "arb-0"}), workflows.ErrInvalidState)
	h.OK(h.Update(6*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: staff}))
	h.Refused(h.Update(7*processtest.Day, election.UpdateContest, election.ContestInput{Actor: ana, ArbitrationID: "arb-1"}), workflows.ErrForbidden)
	h.OK(h.Update(7*processtest.Day, election.UpdateContest, election.ContestInput{Actor: staff, ArbitrationID: "arb-1"}))
	h.Refused(h.Update(7*processtest.Day+time.Hour, election.UpdateContest, election.ContestInput{Actor: staff, ArbitrationID: "arb-1"}), workflows.ErrInvalidState)
	h.Refused(h.Update(17*processtest.Day, election.UpdateContest, election.ContestInput{Actor: staff, ArbitrationID: "arb-2"}), workflows.ErrInvalidState)
	open := h.Query(17*processtest.Day + time.Hour)
	h.Signal(18*processtest.Day, workflows.SignalAppealRuling, workflows.AppealRuling{ArbitrationID: "arb-1", Outcome: workflows.RulingUphold, Articles: []string{"art. 12"}})
	st := h.run(in)

	if open.PositionsAssignedAt == nil || len(open.Contests) != 1 || open.Contests[0].RuledAt != nil {
		t.Errorf("before the ruling: %+v", open)
	}
	if len(st.Contests) != 1 || st.Contests[0].Outcome != workflows.RulingUphold || st.Contests[0].RuledAt == nil ||
		!st.Contests[0].RuledAt.Equal(t0.Add(18*processtest.Day)) {
		t.Errorf("contests %+v", st.Contests)
	}
	if st.ContestUntil == nil || !st.ContestUntil.Equal(t0.Add(16*processtest.Day)) {
		t.Errorf("contest until %v", st.ContestUntil)
	}
}

// TestObjectionCallsAVote sends a seat with a single eligible
// candidate to the vote when a member objects, with a reason, before the
// objections close; the vote then elects by weighted plurality, the
// abstentions reported and not counted.
func TestObjectionCallsAVote(t *testing.T) {
	h := newHarness(t)
	in := input("e11")
	in.Seats = in.Seats[:1]
	h.candidate(time.Hour, "chair", beto, "n1")
	h.Refused(h.Update(2*processtest.Day, election.UpdateObject, election.ObjectInput{Actor: ana, Seat: "chair"}), workflows.ErrInvalidInput)
	h.OK(h.Update(2*processtest.Day+time.Hour, election.UpdateObject, election.ObjectInput{Actor: ana, Seat: "chair", Reason: "no contest is no choice"}))
	h.Refused(h.Update(3*processtest.Day+time.Hour, election.UpdateObject, election.ObjectInput{Actor: carla, Seat: "chair", Reason: "late"}), workflows.ErrInvalidState)
	h.vote(3*processtest.Day+2*time.Hour, "chair", "als-a1", beto.MemberID)
	h.vote(3*processtest.Day+2*time.Hour, "chair", "als-b1", "")
	h.vote(3*processtest.Day+2*time.Hour, "chair", "als-c1", beto.MemberID)
	voting := h.Query(3*processtest.Day + 3*time.Hour)
	res, _ := h.resultsAt(5*processtest.Day + time.Hour)
	h.OK(h.Update(6*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: staff}))
	st := h.run(in)

	if voting.Seats[0].Status != election.SeatStatusVoting || len(voting.Objections) != 1 {
		t.Errorf("after the objection: seat %+v, objections %+v", voting.Seats[0], voting.Objections)
	}
	chair := seatResult(t, res, "chair")
	if len(chair.Rounds) != 1 || chair.Rounds[0].Abstentions != 1 || len(chair.Elected) != 1 || chair.Elected[0] != beto.MemberID {
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

// TestDistinctPassedOver counts an ALAC seat of two places whose two
// leading candidates share a nationality: the second is passed over and
// the next compatible candidate is elected, and the results say why.
func TestDistinctPassedOver(t *testing.T) {
	h := newHarness(t)
	in := input("e-distinct")
	in.Seats = []election.SeatSpec{{Seat: "alac_member", Position: "alac_member", Count: 2, Method: election.MethodPlurality,
		Ballot: election.BallotOpen, Rotation: "none", Distinct: true, Group: "alac"}}
	for i, c := range []struct {
		who         workflows.Actor
		als, nation string
	}{{ana, "als-a1", "AR"}, {beto, "als-a2", "AR"}, {carla, "als-b1", "BR"}} {
		at := time.Duration(i+1) * time.Hour
		h.OK(h.Update(at, election.UpdateNominate, election.NominateInput{Actor: ana, Seat: "alac_member", NomineeID: c.who.MemberID, Statement: "s",
			Eligibility: election.Eligibility{Reasons: []string{"not_accepted: the nominee has not accepted the nomination"}}}))
		h.OK(h.Update(at+time.Minute, election.UpdateAccept, election.AcceptInput{Actor: c.who, NominationID: "n" + strconv.Itoa(i+1),
			StatementOfInterest: "I serve", Eligibility: election.Eligibility{Eligible: true, ALSID: c.als, Nationality: c.nation}}))
	}
	h.vote(3*processtest.Day+time.Hour, "alac_member", "als-a1", beto.MemberID)
	h.vote(3*processtest.Day+time.Hour, "alac_member", "als-a2", beto.MemberID)
	h.vote(3*processtest.Day+time.Hour, "alac_member", "als-c1", beto.MemberID)
	h.vote(3*processtest.Day+time.Hour, "alac_member", "als-b1", ana.MemberID)
	res, _ := h.resultsAt(5*processtest.Day + time.Hour)
	h.OK(h.Update(6*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: staff}))
	h.run(in)

	s := seatResult(t, res, "alac_member")
	if !slices.Equal(s.Elected, []string{beto.MemberID, carla.MemberID}) {
		t.Errorf("elected %v, want beto then carla (ana passed over)", s.Elected)
	}
	if len(s.PassedOver) != 1 || s.PassedOver[0].MemberID != ana.MemberID ||
		!slices.Equal(s.PassedOver[0].Reasons, []string{"alac_distinct_nationality: " + beto.MemberID + ", an ALAC member of this or the sitting term, is also of nationality AR"}) {
		t.Errorf("passed over %+v, want ana for beto's nationality", s.PassedOver)
	}
	if s.Outcome != election.OutcomeElected {
		t.Errorf("outcome %q, want elected", s.Outcome)
	}
}

// TestRecheckDoesNotUndoAnAcceptance: a nominee accepts while a recheck
// is reading the registry; the recheck's answer, computed before the
// acceptance, must not put "not accepted" back on the nomination: the
// acceptance's eligibility stands and the nomination is rechecked again.
func TestRecheckDoesNotUndoAnAcceptance(t *testing.T) {
	h := &harness{Harness: processtest.NewHarness[election.State](t, election.Election, election.WorkflowName, election.Query, t0)}
	h.now = h.Env.Now
	h.votes.Mock(h.Env)
	// The recheck takes half an hour, during which the nominee accepts.
	h.Env.OnActivity(h.RecheckElectionEligibility, mock.Anything, mock.Anything).After(30 * time.Minute).Return(h.RecheckElectionEligibility)
	processtest.MockWith(h.Env, h.AssignElected)
	processtest.MockWith(h.Env, h.PlanSuccession)
	processtest.MockWith(h.Env, h.Succeed)
	processtest.MockWith(h.Env, h.SittingHolders)
	notAccepted := []string{"not_accepted: the nominee has not accepted the nomination"}
	h.eligibility = func(st election.State) []election.EligibilityChange {
		var out []election.EligibilityChange
		for _, n := range st.Nominations {
			if !n.Accepted && n.Eligible {
				out = append(out, election.EligibilityChange{NominationID: n.ID, Reasons: notAccepted})
			}
			if !n.Accepted && !n.Eligible && len(n.Reasons) == 0 {
				out = append(out, election.EligibilityChange{NominationID: n.ID, Reasons: notAccepted})
			}
		}
		return out
	}
	in := input("e-stale")
	in.Seats = in.Seats[:1]
	h.OK(h.Update(time.Hour, election.UpdateNominate, election.NominateInput{
		Actor: ana, Seat: "chair", NomineeID: beto.MemberID, Statement: "a fine candidate",
		Eligibility: election.Eligibility{},
	}))
	h.OK(h.Update(2*time.Hour, election.UpdateRecheck, election.RecheckInput{Actor: ana}))
	h.OK(h.Update(2*time.Hour+10*time.Minute, election.UpdateAccept, election.AcceptInput{
		Actor: beto, NominationID: "n1", StatementOfInterest: "I serve", Eligibility: election.Eligibility{Eligible: true},
	}))
	after := h.Query(4 * time.Hour)
	h.OK(h.Update(9*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: staff}))
	h.run(in)

	if len(after.Nominations) != 1 {
		t.Fatalf("nominations %+v", after.Nominations)
	}
	if n := after.Nominations[0]; !n.Accepted || !n.Eligible || len(n.Reasons) != 0 {
		t.Errorf("after the acceptance and the slow recheck: %+v, want accepted and eligible", n)
	}
	if len(h.rechecks) < 2 {
		t.Errorf("rechecks at %v: the nomination accepted meanwhile is not rechecked again", h.rechecks)
	}
}
