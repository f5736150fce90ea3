package election_test

import (
	"slices"
	"testing"
	"time"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/election"
	"github.com/lacralo/ralo/workflows/processtest"
)

// fakeRegistry is the positions table the fake activities keep: who holds
// which position from when until when.
type fakeRegistry struct {
	positions []fakePosition
}

type fakePosition struct {
	position, holder string
	start            time.Time
	end              *time.Time
}

func (r *fakeRegistry) at(t time.Time) []fakePosition {
	var out []fakePosition
	for _, p := range r.positions {
		if !p.start.After(t) && (p.end == nil || p.end.After(t)) {
			out = append(out, p)
		}
	}
	return out
}

func (r *fakeRegistry) assign(in election.AssignElectedInput) {
	for _, s := range in.Seats {
		for _, id := range s.Elected {
			r.positions = append(r.positions, fakePosition{position: s.Position, holder: id, start: in.TermStart, end: s.TermEnd})
		}
	}
}

func (r *fakeRegistry) succeed(in election.SucceedInput) election.SucceedResult {
	elect := -1
	for i, p := range r.positions {
		if p.holder == in.MemberID && p.position == in.From && !p.start.After(in.At) && (p.end == nil || !p.end.Before(in.At)) {
			elect = i
		}
	}
	if elect < 0 {
		return election.SucceedResult{Outgoing: []string{}, Skipped: in.MemberID + " no longer holds " + in.From}
	}
	res := election.SucceedResult{Outgoing: []string{}}
	at := in.At
	for i, p := range r.positions {
		if p.position == in.To && !p.start.After(at) && (p.end == nil || !p.end.Before(at)) {
			r.positions[i].end = &at
			res.Outgoing = append(res.Outgoing, p.holder)
		}
	}
	r.positions[elect].end = &at
	end := at.Add(in.Term.D())
	r.positions = append(r.positions, fakePosition{position: in.To, holder: in.MemberID, start: at, end: &end})
	return res
}

// consecutive counts the terms in a row member has held position up to at,
// as the eligibility package does from the registry.
func (r *fakeRegistry) consecutive(member, position string, at time.Time) int {
	n := 0
	for {
		var term *fakePosition
		for _, p := range r.at(at) {
			if p.holder == member && p.position == position {
				term = &p
			}
		}
		if term == nil {
			return n
		}
		n++
		at = term.start.Add(-time.Second)
	}
}

var (
	oldChair = workflows.Actor{MemberID: "m-oldchair", Roles: []string{"member"}}
	oldSec   = workflows.Actor{MemberID: "m-oldsec", Roles: []string{"member"}}
	elects   = []election.SeatSpec{
		{Seat: "chair_elect", Position: "chair_elect", Count: 1, Method: election.MethodPlurality, Ballot: election.BallotOpen,
			Rotation: "none", Term: workflows.Duration(730 * processtest.Day), Succeeds: "chair", SuccessionTerm: workflows.Duration(730 * processtest.Day)},
		{Seat: "secretariat_elect", Position: "secretariat_elect", Count: 1, Method: election.MethodPlurality, Ballot: election.BallotOpen,
			Rotation: "none", Term: workflows.Duration(730 * processtest.Day), Succeeds: "secretariat", SuccessionTerm: workflows.Duration(730 * processtest.Day)},
	}
)

// TestSuccessionTwoYearCycle runs LACRALO's two-year cycle: the 2026
// cycle elects a chair-elect and a secretary-elect, who take office as
// elects at the term start; when the sitting chair's and secretary's terms
// end (each on its own date, two years on), the elects take the positions:
// the registry, the audit log, the emails to the successor and the
// outgoing holder, and the cycle's state and results record it. The 2028
// cycle then refuses the chair-elect as a candidate for a consecutive term
// as chair-elect and acclaims the other nominee.
func TestSuccessionTwoYearCycle(t *testing.T) {
	termStart := t0.Add(30 * processtest.Day)
	chairEnds := termStart.Add(730 * processtest.Day)
	secEnds := termStart.Add(700 * processtest.Day)
	reg := &fakeRegistry{positions: []fakePosition{
		{position: "chair", holder: oldChair.MemberID, start: termStart.Add(-730 * processtest.Day), end: &chairEnds},
		{position: "secretariat", holder: oldSec.MemberID, start: termStart.Add(-730 * processtest.Day), end: &secEnds},
	}}

	h := newHarness(t)
	h.registry = reg
	in := input("e-succession-2026")
	in.Seats = slices.Clone(elects)
	in.Calendar.TermStart = &termStart
	h.candidate(time.Hour, "chair_elect", beto, "n1")
	h.candidate(2*time.Hour, "secretariat_elect", carla, "n2")
	h.OK(h.Update(6*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: staff}))
	asElects := h.Query(31 * processtest.Day)
	midway, _ := h.resultsAt(30*processtest.Day + 710*processtest.Day)
	st := h.run(in)

	// At the term start they hold the elect positions, for a term each,
	// and the successions are scheduled at the sitting holders' term ends.
	if len(h.assigned) != 1 || h.assigned[0].Seats[0].TermEnd == nil || !h.assigned[0].Seats[0].TermEnd.Equal(chairEnds) {
		t.Fatalf("positions assigned %+v, want the elects with a term ending %v", h.assigned, chairEnds)
	}
	if len(asElects.Successions) != 2 || asElects.Successions[0].Status != election.SuccessionScheduled ||
		!asElects.Successions[0].At.Equal(chairEnds) || !asElects.Successions[1].At.Equal(secEnds) ||
		asElects.Successions[0].Basis != domain.SuccessionSittingTermEnd {
		t.Fatalf("successions after the term start: %+v", asElects.Successions)
	}
	if !slices.ContainsFunc(asElects.Deadlines, func(d workflows.Deadline) bool { return d.Name == "succession:chair_elect" && d.At.Equal(chairEnds) }) {
		t.Errorf("deadlines %+v lack the chair's succession", asElects.Deadlines)
	}
	// Between the two: the secretary has succeeded, the chair not yet; the
	// results say so.
	if c, s := seatResult(t, midway, "chair_elect"), seatResult(t, midway, "secretariat_elect"); c.Succession == nil ||
		c.Succession.Status != election.SuccessionScheduled || s.Succession == nil || s.Succession.Status != election.SuccessionDone {
		t.Errorf("results between the successions: chair %+v, secretary %+v", c.Succession, s.Succession)
	}
	// At the end, both have taken effect on their dates.
	for i, want := range []struct {
		member, from, to, outgoing string
		at                         time.Time
	}{{beto.MemberID, "chair_elect", "chair", oldChair.MemberID, chairEnds}, {carla.MemberID, "secretariat_elect", "secretariat", oldSec.MemberID, secEnds}} {
		s := st.Successions[i]
		if s.Status != election.SuccessionDone || s.MemberID != want.member || s.From != want.from || s.To != want.to ||
			!s.At.Equal(want.at) || !slices.Equal(s.Outgoing, []string{want.outgoing}) || s.DoneAt == nil || !s.DoneAt.Equal(want.at) {
			t.Errorf("succession %d = %+v, want %s from %s to %s at %v replacing %s", i, s, want.member, want.from, want.to, want.at, want.outgoing)
		}
	}
	after := chairEnds.Add(time.Hour)
	held := map[string]string{}
	for _, p := range reg.at(after) {
		held[p.position] = p.holder
	}
	if held["chair"] != beto.MemberID || held["secretariat"] != carla.MemberID || held["chair_elect"] != "" {
		t.Errorf("positions after the successions: %v", held)
	}
	if n := h.NotesOf(election.EventSuccession); len(n) != 2 || !slices.Equal(n[0].In.MemberIDs, []string{carla.MemberID, oldSec.MemberID}) ||
		!n[0].At.Equal(secEnds) || !slices.Equal(n[1].In.MemberIDs, []string{beto.MemberID, oldChair.MemberID}) {
		t.Errorf("succession emails %+v, want the successor and the outgoing holder, on the day", n)
	}
	if a := h.AuditOf("election.succession"); len(a) != 2 || a[0].Audience != "public" {
		t.Errorf("succession audit entries %+v", a)
	}

	// The 2028 cycle: Beto, chair-elect for the term that ends, may not
	// be chair-elect again (one consecutive term); Ana is acclaimed.
	start := t0.Add(720 * processtest.Day)
	h2 := newHarnessAt(t, start)
	h2.registry = reg
	rule := domain.SeatRule{Seat: "chair_elect", MaxConsecutiveTerms: 1}
	decl := start
	eligibility := func(member string, at time.Time) election.Eligibility {
		ok, reasons := domain.Eligibility(domain.Candidate{MemberID: member, Accepted: true, StatementOfInterest: true, DeclarationAt: &decl,
			ConsecutiveTerms: reg.consecutive(member, "chair_elect", at)}, rule, nil, start, at, false)
		return election.Eligibility{Eligible: ok, Reasons: reasons}
	}
	h2.eligibility = func(st election.State) []election.EligibilityChange {
		var out []election.EligibilityChange
		for _, n := range st.Nominations {
			el := eligibility(n.NomineeID, h2.Env.Now())
			if el.Eligible != n.Eligible {
				out = append(out, election.EligibilityChange{NominationID: n.ID, Eligible: el.Eligible, Reasons: el.Reasons})
			}
		}
		return out
	}
	in2 := input("e-succession-2028")
	in2.CreatedAt = start
	shift := start.Sub(t0)
	c := &in2.Calendar
	for _, d := range []*time.Time{&c.NominationsClose, &c.AcceptanceClose, &c.ObjectionsClose, &c.VotingOpen, &c.VotingClose} {
		*d = d.Add(shift)
	}
	in2.Seats = slices.Clone(elects[:1])
	for _, c := range []struct {
		who workflows.Actor
		nid string
	}{{beto, "n1"}, {ana, "n2"}} {
		at := time.Hour
		if c.nid == "n2" {
			at = 2 * time.Hour
		}
		h2.OK(h2.Update(at, election.UpdateNominate, election.NominateInput{Actor: carla, Seat: "chair_elect", NomineeID: c.who.MemberID,
			Statement: "s", Eligibility: election.Eligibility{Reasons: []string{"not_accepted: the nominee has not accepted the nomination"}}}))
		h2.OK(h2.Update(at+time.Minute, election.UpdateAccept, election.AcceptInput{Actor: c.who, NominationID: c.nid,
			StatementOfInterest: "I serve", Eligibility: eligibility(c.who.MemberID, start.Add(at))}))
	}
	h2.OK(h2.Update(6*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: staff}))
	st2 := h2.Run(election.WorkflowName, in2)
	beto2 := st2.Nominations[0]
	if beto2.Eligible || !slices.Equal(beto2.Reasons, []string{"consecutive_term: the nominee has served 1 consecutive term(s) in seat chair_elect, the most allowed"}) {
		t.Errorf("Beto for a consecutive term: %+v", beto2)
	}
	if s := st2.Seats[0]; s.Status != election.SeatStatusAcclaimed || !slices.Equal(s.Elected, []string{ana.MemberID}) {
		t.Errorf("2028 chair-elect %+v, want Ana by acclamation", s)
	}
}

// TestSuccessionSkippedWhenTheElectLeft: an elect removed before the
// sitting term ends does not succeed; the cycle records why for staff.
func TestSuccessionSkippedWhenTheElectLeft(t *testing.T) {
	termStart := t0.Add(30 * processtest.Day)
	ends := termStart.Add(100 * processtest.Day)
	reg := &fakeRegistry{positions: []fakePosition{{position: "chair", holder: oldChair.MemberID, start: t0.Add(-processtest.Day), end: &ends}}}
	h := newHarness(t)
	h.registry = reg
	in := input("e-succession-skip")
	in.Seats = slices.Clone(elects[:1])
	in.Calendar.TermStart = &termStart
	h.candidate(time.Hour, "chair_elect", beto, "n1")
	h.OK(h.Update(6*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: staff}))
	// An ethics removal vacates Beto's chair-elect position meanwhile.
	h.Env.RegisterDelayedCallback(func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		for i := range reg.positions {
			if reg.positions[i].holder == beto.MemberID {
				gone := h.Env.Now()
				reg.positions[i].end = &gone
			}
		}
	}, 60*processtest.Day)
	st := h.run(in)
	if s := st.Successions[0]; s.Status != election.SuccessionSkipped || s.Detail == "" {
		t.Errorf("succession %+v, want skipped with the reason", s)
	}
	if len(h.NotesOf(election.EventSuccession)) != 0 {
		t.Error("a skipped succession emailed")
	}
	if !slices.ContainsFunc(st.Exceptions, func(x election.Exception) bool { return x.Kind == "succession_skipped" }) {
		t.Errorf("exceptions %+v lack the skipped succession", st.Exceptions)
	}
}

// alac is a distinct ALAC seat of count places and method.
func alac(count int, method string) election.SeatSpec {
	return election.SeatSpec{Seat: "alac_member", Position: "alac_member", Count: count, Method: method,
		Ballot: election.BallotOpen, Rotation: "none", Distinct: true, Group: "alac"}
}

// stand nominates and accepts a candidate of a distinct seat with their
// ALS and nationality.
func (h *harness) stand(at time.Duration, seat string, who workflows.Actor, nid, als, nation string) {
	h.OK(h.Update(at, election.UpdateNominate, election.NominateInput{Actor: ana, Seat: seat, NomineeID: who.MemberID, Statement: "s",
		Eligibility: election.Eligibility{Reasons: []string{"not_accepted: the nominee has not accepted the nomination"}}}))
	h.OK(h.Update(at+time.Minute, election.UpdateAccept, election.AcceptInput{Actor: who, NominationID: nid,
		StatementOfInterest: "I serve", Eligibility: election.Eligibility{Eligible: true, ALSID: als, Nationality: nation}}))
}

// TestDistinctAcclamationIsNoConsensus: two eligible ALAC nominees of one
// nationality for two places are not acclaimed together (the bug of issue
// 14): they go to the vote, whose count passes over the second.
func TestDistinctAcclamationIsNoConsensus(t *testing.T) {
	h := newHarness(t)
	in := input("e-distinct-acclaim")
	in.Seats = []election.SeatSpec{alac(2, election.MethodPlurality)}
	h.stand(time.Hour, "alac_member", ana, "n1", "als-a1", "AR")
	h.stand(2*time.Hour, "alac_member", beto, "n2", "als-a2", "AR")
	voting := h.Query(3*processtest.Day + time.Hour)
	h.vote(3*processtest.Day+2*time.Hour, "alac_member", "als-a1", beto.MemberID)
	h.vote(3*processtest.Day+2*time.Hour, "alac_member", "als-b1", beto.MemberID)
	h.vote(3*processtest.Day+2*time.Hour, "alac_member", "als-c1", ana.MemberID)
	res, _ := h.resultsAt(5*processtest.Day + time.Hour)
	h.OK(h.Update(6*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: staff}))
	h.run(in)
	if s := voting.Seats[0]; s.Status != election.SeatStatusVoting {
		t.Fatalf("seat %+v, want a vote, not an acclamation of two AR nominees", s)
	}
	s := seatResult(t, res, "alac_member")
	if !slices.Equal(s.Elected, []string{beto.MemberID}) || len(s.PassedOver) != 1 || s.PassedOver[0].MemberID != ana.MemberID {
		t.Errorf("elected %v, passed over %+v; want Beto, Ana passed over", s.Elected, s.PassedOver)
	}
}

// TestDistinctAcclamationPassesOver: the sole nominee of the sitting ALAC
// member's ALS is not acclaimed; the seat stays unfilled and the results
// say who was passed over and why.
func TestDistinctAcclamationPassesOver(t *testing.T) {
	h := newHarness(t)
	h.sitting = func(string) []election.Holder {
		return []election.Holder{{MemberID: "m-sitting", ALSID: "als-a1", Nationality: "BR"}}
	}
	in := input("e-distinct-sole")
	in.Seats = []election.SeatSpec{alac(1, election.MethodPlurality)}
	h.stand(time.Hour, "alac_member", ana, "n1", "als-a1", "AR")
	res, _ := h.resultsAt(3*processtest.Day + time.Hour)
	h.OK(h.Update(4*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: staff}))
	st := h.run(in)
	s := seatResult(t, res, "alac_member")
	want := []string{"alac_distinct_als: m-sitting, an ALAC member of this or the sitting term, is also of ALS als-a1"}
	if st.Seats[0].Status != election.SeatStatusUnfilled || len(s.Elected) != 0 || len(s.PassedOver) != 1 ||
		s.PassedOver[0].MemberID != ana.MemberID || !slices.Equal(s.PassedOver[0].Reasons, want) {
		t.Errorf("seat %+v, result %+v; want unfilled, Ana passed over: %q", st.Seats[0], s, want)
	}
}

// TestDistinctRankedAndSittingAtClose: in a ranked count the instant-runoff
// winner who shares the sitting member's nationality is passed over and the
// count runs again without them; in a plurality count the sitting member
// recorded after voting opened (read at the close) passes over the leader.
func TestDistinctRankedAndSittingAtClose(t *testing.T) {
	for _, method := range []string{election.MethodRanked, election.MethodPlurality} {
		t.Run(method, func(t *testing.T) {
			h := newHarness(t)
			opened := t0.Add(3 * processtest.Day)
			h.sitting = func(string) []election.Holder {
				if method == election.MethodPlurality && h.Env.Now().Before(opened.Add(time.Hour)) {
					return []election.Holder{} // not yet recorded when the seat was decided
				}
				return []election.Holder{{MemberID: "m-sitting", ALSID: "als-x", Nationality: "BR"}}
			}
			in := input("e-distinct-" + method)
			in.Seats = []election.SeatSpec{alac(1, method)}
			h.stand(time.Hour, "alac_member", ana, "n1", "als-a1", "AR")
			h.stand(2*time.Hour, "alac_member", beto, "n2", "als-b1", "BR")
			h.stand(3*time.Hour, "alac_member", carla, "n3", "als-c1", "CL")
			for i, b := range []struct {
				als     string
				ranking []string
			}{{"als-a1", []string{ana.MemberID}}, {"als-a2", []string{beto.MemberID}}, {"als-b1", []string{beto.MemberID, carla.MemberID}},
				{"als-c1", []string{carla.MemberID, ana.MemberID}}} {
				bi := election.BallotInput{Actor: rep, Seat: "alac_member", ALSID: b.als, CastByALSID: b.als}
				if method == election.MethodRanked {
					bi.Ranking = b.ranking
				} else {
					bi.Choice = b.ranking[0]
				}
				h.OK(h.Update(3*processtest.Day+time.Duration(i+1)*time.Hour, election.UpdateBallot, bi))
			}
			res, _ := h.resultsAt(5*processtest.Day + time.Hour)
			h.OK(h.Update(6*processtest.Day, election.UpdateCertify, election.CertifyInput{Actor: staff}))
			h.run(in)
			s := seatResult(t, res, "alac_member")
			// Beto leads (a2 50/3 + b1 100/3 = 50) and wins the runoff, but
			// shares the sitting member's nationality.
			wantReasons := []string{"alac_distinct_nationality: m-sitting, an ALAC member of this or the sitting term, is also of nationality BR"}
			if len(s.PassedOver) != 1 || s.PassedOver[0].MemberID != beto.MemberID || !slices.Equal(s.PassedOver[0].Reasons, wantReasons) {
				t.Errorf("passed over %+v, want Beto for the sitting member's nationality", s.PassedOver)
			}
			if len(s.Elected) != 1 || s.Elected[0] == beto.MemberID {
				t.Errorf("elected %v, want the next compatible candidate", s.Elected)
			}
			if method == election.MethodRanked && s.Elected[0] != carla.MemberID {
				t.Errorf("ranked: elected %v, want Carla (Beto's ballots go to her)", s.Elected)
			}
		})
	}
}

// TestRecommendedAndMustFillBy: the NomCom delegate's seat must be filled
// by a date its calendar misses: staff are alerted at once that the
// calendar is late, then daily from the date until certification; at
// certification the holders of the ALAC chair's position are told whom
// LACRALO recommends, and that it is a recommendation.
func TestRecommendedAndMustFillBy(t *testing.T) {
	h := newHarness(t)
	in := input("e-nomcom")
	fillBy := t0.Add(4 * processtest.Day)
	in.Seats = []election.SeatSpec{{Seat: "nomcom_delegate", Position: "nomcom_delegate", Count: 1, Method: election.MethodRanked,
		Ballot: election.BallotOpen, Rotation: "none", Outcome: election.OutcomeRecommended, RecommendTo: "alac_chair", MustFillBy: &fillBy}}
	h.candidate(time.Hour, "nomcom_delegate", beto, "n1")
	h.candidate(2*time.Hour, "nomcom_delegate", carla, "n2")
	for _, als := range []string{"als-a1", "als-b1", "als-c1"} {
		h.OK(h.Update(3*processtest.Day+time.Hour, election.UpdateBallot, election.BallotInput{Actor: rep, Seat: "nomcom_delegate",
			ALSID: als, CastByALSID: als, Ranking: []string{carla.MemberID, beto.MemberID}}))
	}
	res, _ := h.resultsAt(5*processtest.Day + time.Hour)
	h.OK(h.Update(6*processtest.Day+time.Hour, election.UpdateCertify, election.CertifyInput{Actor: staff}))
	st := h.run(in)

	alerts := h.NotesOf(election.EventMustFillBy)
	var late, overdue []processtest.Note
	for _, n := range alerts {
		if n.In.Audience != workflows.AudienceStaff {
			t.Errorf("alert to %q, want staff", n.In.Audience)
		}
		switch n.In.Data["kind"] {
		case "late":
			late = append(late, n)
		case "overdue":
			overdue = append(overdue, n)
		}
	}
	if len(late) != 1 || !late[0].At.Equal(t0) {
		t.Errorf("late alerts %+v, want one when the cycle opens", late)
	}
	if len(overdue) != 3 {
		t.Fatalf("overdue alerts %+v, want one a day from the date to certification (days 4, 5, 6)", overdue)
	}
	for i, n := range overdue {
		if want := fillBy.Add(time.Duration(i) * processtest.Day); !n.At.Equal(want) {
			t.Errorf("overdue alert %d at %v, want %v", i, n.At, want)
		}
	}
	rec := h.NotesOf(election.EventRecommended)
	if len(rec) != 1 || rec[0].In.Audience != workflows.AudiencePosition("alac_chair") || rec[0].In.Data["recommended"] != carla.MemberID ||
		rec[0].In.Data["outcome"] != election.OutcomeRecommended {
		t.Errorf("recommendation emails %+v, want one to the ALAC chair naming Carla", rec)
	}
	if s := seatResult(t, res, "nomcom_delegate"); s.Outcome != election.OutcomeRecommended || !slices.Equal(s.Elected, []string{carla.MemberID}) {
		t.Errorf("result %+v, want Carla recommended", s)
	}
	kinds := map[string]int{}
	for _, x := range st.Exceptions {
		kinds[x.Kind]++
	}
	if kinds["must_fill_by_late"] != 1 || kinds["must_fill_by_overdue"] != 1 {
		t.Errorf("exceptions %v, want the late calendar and the missed date once each", kinds)
	}
}

// TestMustFillByPassedBeforeTheCycle: a cycle started a month after its
// seat's must_fill_by date alerts staff once at the start, then daily, not
// once for every day already past.
func TestMustFillByPassedBeforeTheCycle(t *testing.T) {
	h := newHarness(t)
	in := input("e-fill-late")
	in.Seats = in.Seats[:1]
	fillBy := t0.Add(-30 * processtest.Day)
	in.Seats[0].MustFillBy = &fillBy
	h.candidate(time.Hour, "chair", beto, "n1")
	h.OK(h.Update(3*processtest.Day+time.Hour, election.UpdateCertify, election.CertifyInput{Actor: staff}))
	h.run(in)
	var at []time.Time
	for _, n := range h.NotesOf(election.EventMustFillBy) {
		if n.In.Data["kind"] == "overdue" {
			at = append(at, n.At)
		}
	}
	want := []time.Time{t0, t0.Add(processtest.Day), t0.Add(2 * processtest.Day), t0.Add(3 * processtest.Day)}
	if !slices.EqualFunc(at, want, time.Time.Equal) {
		t.Errorf("overdue alerts at %v, want %v", at, want)
	}
}
