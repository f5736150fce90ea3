package election_test

import (
	"testing"
	"time"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/election"
	"github.com/lacralo/ralo/workflows/processtest"
)

// TestBallotChangesBudget: with election.max_ballot_changes 3, an ALS casts
// its ballot and replaces it three times; the fourth replacement is
// refused (409) and the third replacement counts. The receipts and the
// state say how many changes are left; another ALS votes after the
// refusal, and a second seat has its own budget.
func TestBallotChangesBudget(t *testing.T) {
	h := newHarness(t)
	h.candidate(time.Hour, "chair", beto, "n1")
	h.candidate(2*time.Hour, "chair", carla, "n2")
	h.candidate(3*time.Hour, "secretariat", carla, "n3")
	h.candidate(4*time.Hour, "secretariat", ana, "n4")
	at := 3*processtest.Day + time.Hour
	choices := []string{beto.MemberID, carla.MemberID, beto.MemberID, carla.MemberID}
	var receipts []*processtest.Result[election.State]
	for i, c := range choices {
		receipts = append(receipts, h.vote(at+time.Duration(i)*time.Minute, "chair", "als-a1", c))
	}
	refused := h.Refused(h.Update(at+10*time.Minute, election.UpdateBallot, election.BallotInput{
		Actor: rep, Seat: "chair", ALSID: "als-a1", CastByALSID: "als-a1", Choice: beto.MemberID}), workflows.ErrInvalidState)
	h.vote(at+11*time.Minute, "chair", "als-b1", beto.MemberID)
	h.vote(at+12*time.Minute, "chair", "als-c1", carla.MemberID)
	h.vote(at+13*time.Minute, "secretariat", "als-a1", ana.MemberID)
	during := h.Query(at + 20*time.Minute)
	res, _ := h.resultsAt(7*processtest.Day + time.Hour)
	h.OK(h.Update(8*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: staff}))
	in := input("budget")
	in.Rules.MaxBallotChanges = 3
	h.run(in)

	for i, r := range receipts {
		got, ok := r.Value.(workflows.BallotReceipt)
		want := 3 - i
		if !ok || got.ChangesLeft == nil || *got.ChangesLeft != want {
			t.Errorf("ballot %d: receipt %+v, want %d changes left", i+1, r.Value, want)
		}
	}
	if refused.Err == nil {
		t.Fatal("the fourth replacement was accepted")
	}
	left := map[string]int{}
	for _, v := range during.Voted {
		if v.ChangesLeft == nil {
			t.Fatalf("voted %+v without changes_left", v)
		}
		left[v.Seat+"/"+v.ALSID] = *v.ChangesLeft
	}
	if left["chair/als-a1"] != 0 || left["chair/als-b1"] != 3 || left["secretariat/als-a1"] != 3 {
		t.Errorf("changes left = %v", left)
	}
	chair := seatResult(t, res, "chair")
	for _, b := range chair.Ballots {
		if b.ALSID == "als-a1" && b.Choice != carla.MemberID {
			t.Errorf("als-a1's counted ballot = %+v, want its last accepted (Carla)", b)
		}
	}
	if len(chair.Ballots) != 3 {
		t.Errorf("chair ballots = %+v, want one per ALS that voted", chair.Ballots)
	}
}

// TestBallotChangesDefault: a cycle whose rules name no budget allows
// election.DefaultMaxBallotChanges replacements.
func TestBallotChangesDefault(t *testing.T) {
	h := newHarness(t)
	h.candidate(time.Hour, "chair", beto, "n1")
	h.candidate(2*time.Hour, "chair", carla, "n2")
	at := 3*processtest.Day + time.Hour
	for i := range election.DefaultMaxBallotChanges + 1 {
		h.vote(at+time.Duration(i)*time.Minute, "chair", "als-a1", beto.MemberID)
	}
	h.Refused(h.Update(at+time.Hour, election.UpdateBallot, election.BallotInput{
		Actor: rep, Seat: "chair", ALSID: "als-a1", CastByALSID: "als-a1", Choice: carla.MemberID}), workflows.ErrInvalidState)
	h.CancelAt(4 * processtest.Day)
	h.RunCancelled(election.WorkflowName, input("budget-default"))
}

// TestRechecksCoalesced: a burst of recheck requests (declarations filed
// one after another) leaves at most one recheck pending: the requests
// made while one is pending are refused (never in the history), and the
// workflow runs one recheck for the burst.
func TestRechecksCoalesced(t *testing.T) {
	h := newHarness(t)
	in := input("coalesce")
	in.Seats = in.Seats[:1]
	h.candidate(time.Hour, "chair", beto, "n1")
	var burst []*processtest.Result[election.State]
	for range 20 {
		burst = append(burst, h.Update(2*time.Hour, election.UpdateRecheck, election.RecheckInput{Actor: ana}))
	}
	h.CancelAt(processtest.Day / 2)
	h.RunCancelled(election.WorkflowName, in)

	accepted, refused := 0, 0
	for _, r := range burst {
		switch {
		case !r.Done:
			t.Errorf("a recheck request never answered")
		case r.Err == nil:
			accepted++
		default:
			refused++
		}
	}
	if accepted < 1 || refused < 1 || len(h.rechecks) != accepted || accepted > 2 {
		t.Errorf("burst of 20: %d accepted, %d refused, %d rechecks run; want one or two accepted and run", accepted, refused, len(h.rechecks))
	}
}
