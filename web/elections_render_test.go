package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/election"
)

// offline is the web interface without a service, for rendering pages
// from data in tests and benchmarks.
func offline(t testing.TB) *Web {
	t.Helper()
	w, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// renderAs renders a page for a reader in a language.
func (w *Web) renderAs(a *service.Actor, lang, name string, p *page) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, "/x", nil)
	v := &viewer{actor: a, lang: lang, loc: i18n.NewLocalizer(w.bundle, lang), zone: time.UTC}
	r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, v))
	rec := httptest.NewRecorder()
	w.render(rec, r, name, p)
	return rec
}

// bigResults is the results document of a cycle with n ALSes on the roll,
// each with an open ballot.
func bigResults(n int) resultsView {
	res := election.Results{ElectionID: "elc_bench", Status: election.StatusCertified}
	names, als := map[string]string{"m1": "Ana", "m2": "Beto", "m3": "Carla"}, map[string]string{}
	countries := 30
	seat := election.SeatResult{Seat: "secretariat", Outcome: "elected", Elected: []string{"m1"},
		Quorum: &workflows.ResultQuorum{Required: n / 2, Cast: n, Met: true}}
	round := election.ResultRound{Round: 1}
	tot := map[string]*election.ResultTotal{}
	for i := range n {
		id := fmt.Sprintf("als_%04d", i)
		als[id] = fmt.Sprintf("ALS número %d", i)
		w := 100.0 / float64(countries) / float64(n/countries)
		res.Roll = append(res.Roll, workflows.ElectionRollEntry{ALSID: id, Country: fmt.Sprintf("C%02d", i%countries), Weight: w})
		choice := []string{"m1", "m2", "m3"}[i%3]
		seat.Ballots = append(seat.Ballots, election.ResultBallot{Receipt: fmt.Sprintf("RCPT%012d", i), Round: 1, ALSID: id, Choice: choice})
		if tot[choice] == nil {
			tot[choice] = &election.ResultTotal{MemberID: choice}
		}
		tot[choice].WeightedVotes += w
		tot[choice].Ballots++
	}
	for _, c := range []string{"m1", "m2", "m3"} {
		round.Totals = append(round.Totals, *tot[c])
	}
	seat.Rounds = []election.ResultRound{round}
	res.Seats = []election.SeatResult{seat}
	return resultsView{Results: res, Title: "Bench", Names: names, ALSNames: als}
}

// TestElectionTemplatesRender renders each election page from data in the
// four languages: no template error, every figure in place.
func TestElectionTemplatesRender(t *testing.T) {
	w := offline(t)
	als := "als_1"
	rep := &service.Actor{Member: store.Member{ID: "m_rep", Name: "Rep", ALSID: &als, Roles: store.StringList{store.RoleMember, store.RoleALSRep}}}
	staff := &service.Actor{Member: store.Member{ID: "m_staff", Name: "Staff", Roles: store.StringList{store.RoleMember, store.RoleStaff}}}
	now := time.Now()
	later := now.Add(time.Hour)
	seat := election.SeatState{SeatSpec: election.SeatSpec{Seat: "secretariat", Method: "plurality", Ballot: "open", Rotation: "subregion",
		RequiredSubregion: "andes"}, Status: election.SeatStatusVoting, Candidates: []string{"m1", "m2"}, Round: 1, VotingOpens: &now, VotingCloses: &later}
	st := election.State{ElectionID: "elc_1", Title: "Cycle", Status: election.StatusVoting, Seats: []election.SeatState{seat}, RollFrozen: true,
		Nominations: []election.Nomination{{ID: "n1", Seat: "secretariat", NomineeID: "m1", Accepted: true, Eligible: true, StatementOfInterest: "I serve"},
			{ID: "n2", Seat: "secretariat", NomineeID: "m_rep", Reasons: []string{"not_accepted: the nominee has not accepted", "new_code: something new"}}},
		Roll:       []workflows.ElectionRollEntry{{ALSID: als, Country: "PE", Weight: 50}, {ALSID: "als_2", Country: "BO", Weight: 50}},
		Voted:      []workflows.Voted{{Seat: "secretariat", Round: 1, ALSID: "als_2", At: now}},
		Exceptions: []election.Exception{{Kind: "phase_extended", Detail: "holiday", At: now}, {Kind: "contest_upheld", At: now}}}
	ev := electionView{ElectionView: service.ElectionView{Election: service.Election{ID: "elc_1", State: st}}, Names: map[string]string{"m1": "Ana"},
		ALS: map[string]string{als: "ALS Uno"}, Me: staff, Staff: true, Rep: true, Phases: service.ElectionPhases,
		Seats: []seatView{{SeatState: seat, Nominations: st.Nominations, Voted: st.Voted, Open: true}}, Mine: st.Nominations[1:]}
	booth := boothView{ID: "elc_1", Title: "Cycle", Seat: ev.Seats[0], ALSID: als, ALSes: st.Roll[:1], Weight: 50, Step: "choose",
		Candidates: st.Nominations[:1], Names: ev.Names, ALSNames: ev.ALS}
	review := booth
	review.Step = "review"
	for _, lang := range service.Languages {
		for name, p := range map[string]*page{
			"election_list":    {Data: electionList{Cases: []store.Case{{ID: "elc_1", Title: "Cycle", Status: "voting"}}, Staff: true}},
			"election_new":     {Data: electionNewView{Year: 2026, Seats: []service.SeatChoice{{Seat: "chair", Method: "plurality", Ballot: "open", Rotation: "subregion", Subregion: "andes", Due: true}}, Window: "2d"}},
			"election_detail":  {Data: ev},
			"election_booth":   {Data: booth},
			"election_results": {Data: bigResults(30)},
			"public_election":  {Data: bigResults(30)},
		} {
			rec := w.renderAs(rep, lang, name, p)
			if rec.Code != 200 {
				t.Fatalf("%s in %s: %d %s", name, lang, rec.Code, rec.Body.String())
			}
		}
		p := &page{Data: review, Form: map[string]string{"choice": "m1"}}
		if rec := w.renderAs(rep, lang, "election_booth", p); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Ana") {
			t.Fatalf("review in %s: %d", lang, rec.Code)
		}
		rv := receiptView{boothView: booth, Receipt: "ABCDEF", Round: "1"}
		rv.Step = "receipt"
		if rec := w.renderAs(rep, lang, "election_booth", &page{Data: rv}); rec.Code != 200 || !strings.Contains(rec.Body.String(), "ABCDEF") {
			t.Fatalf("receipt in %s: %d", lang, rec.Code)
		}
	}
}

// TestElectionContestShown: a certified cycle's page says until when its
// result may be contested and, once an arbitration contests it, links the
// case with its filing date and, when ruled, the ruling's outcome.
func TestElectionContestShown(t *testing.T) {
	w := offline(t)
	staff := &service.Actor{Member: store.Member{ID: "m_staff", Name: "Staff", Roles: store.StringList{store.RoleMember, store.RoleStaff}}}
	until := time.Date(2027, 2, 1, 15, 0, 0, 0, time.UTC)
	view := func(contests ...election.Contest) electionView {
		st := election.State{ElectionID: "elc_1", Title: "Cycle", Status: election.StatusCertified, ContestUntil: &until, Contests: contests}
		return electionView{ElectionView: service.ElectionView{Election: service.Election{ID: "elc_1", State: st}}, Me: staff, Staff: true,
			Phases: service.ElectionPhases}
	}
	body := w.renderAs(staff, "es", "election_detail", &page{Data: view()}).Body.String()
	if !strings.Contains(body, "El resultado puede impugnarse ante el árbitro hasta el") || strings.Contains(body, "contest-h") {
		t.Errorf("uncontested cycle: no contest window shown, or a contest section\n%s", body)
	}
	ruled := until.Add(-24 * time.Hour)
	body = w.renderAs(staff, "en", "election_detail", &page{Data: view(
		election.Contest{ArbitrationID: "arb_1", FiledAt: until.Add(-48 * time.Hour)},
		election.Contest{ArbitrationID: "arb_2", FiledAt: until.Add(-47 * time.Hour), Outcome: workflows.RulingUphold, RuledAt: &ruled},
	)}).Body.String()
	for _, want := range []string{"Result contested before the arbitrator", `href="/arbitrations/arb_1"`, `href="/arbitrations/arb_2"`,
		"Decision upheld", "filed on"} {
		if !strings.Contains(body, want) {
			t.Errorf("contested cycle: %q missing", want)
		}
	}
	if strings.Contains(body, "may be contested") {
		t.Error("a contested cycle still says it may be contested")
	}

	// The results pages, private and public, say it too; the public one
	// links a ruling's public page, never the case's.
	res := bigResults(3)
	res.Results.ContestUntil = &until
	for _, name := range []string{"election_results", "public_election"} {
		body := w.renderAs(staff, "es", name, &page{Data: res}).Body.String()
		if !strings.Contains(body, "El resultado puede impugnarse ante el árbitro hasta el") {
			t.Errorf("%s: no contest window", name)
		}
	}
	res.Results.Contests = []election.Contest{{ArbitrationID: "arb_1", FiledAt: until.Add(-48 * time.Hour)},
		{ArbitrationID: "arb_2", FiledAt: until.Add(-47 * time.Hour), Outcome: workflows.RulingOverturn, RuledAt: &ruled}}
	for _, name := range []string{"election_results", "public_election"} {
		body := w.renderAs(nil, "en", name, &page{Data: res}).Body.String()
		for _, want := range []string{"Result contested before the arbitrator", "not yet ruled", `href="/public/rulings/arb_2"`, "Decision overturned"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: %q missing", name, want)
			}
		}
		if strings.Contains(body, `href="/arbitrations/`) || strings.Contains(body, `href="/public/rulings/arb_1"`) {
			t.Errorf("%s links a case, or a ruling not yet given", name)
		}
	}
}

// BenchmarkElectionResultsPage renders the results page of a cycle with
// 1,000 ALSes on the roll and 1,000 open ballots; it reports p50 and p99.
func BenchmarkElectionResultsPage(b *testing.B) {
	w := offline(b)
	data := bigResults(1000)
	a := &service.Actor{Member: store.Member{ID: "m", Name: "M", Roles: store.StringList{store.RoleMember}}}
	var times []time.Duration
	size := 0
	for b.Loop() {
		t0 := time.Now()
		rec := w.renderAs(a, "es", "election_results", &page{Data: data})
		times = append(times, time.Since(t0))
		size = rec.Body.Len()
	}
	report(b, times, size)
}

func report(b *testing.B, times []time.Duration, size int) {
	slices.Sort(times)
	p := func(q float64) float64 { return float64(times[int(q*float64(len(times)-1))].Microseconds()) / 1000 }
	b.ReportMetric(p(0.5), "p50_ms")
	b.ReportMetric(p(0.99), "p99_ms")
	b.ReportMetric(float64(size), "bytes")
}

// TestResultsPageStaysLight: with 1,000 ALSes the results page shows the
// first hundred rows of the roll and of the ballots, with links to the
// next pages, and weighs under 100 KB; a later page shows its rows.
func TestResultsPageStaysLight(t *testing.T) {
	w := offline(t)
	a := &service.Actor{Member: store.Member{ID: "m", Name: "M", Roles: store.StringList{store.RoleMember}}}
	data := bigResults(1000)
	data.Year = 2026
	for _, name := range []string{"election_results", "public_election"} {
		rec := w.renderAs(a, "en", name, &page{Data: data})
		body := rec.Body.String()
		if rec.Code != 200 || len(body) > 100_000 {
			t.Fatalf("%s: %d, %d bytes", name, rec.Code, len(body))
		}
		if n := strings.Count(body, "<tr data-receipt="); n != resultsPageSize {
			t.Errorf("%s: %d ballot rows, want %d", name, n, resultsPageSize)
		}
		mustHave(t, body, "Bench (2026)", `href="?roll=2#roll"`, `href="?ballots.secretariat=2#ballots-secretariat"`, "page 1 of 10")
	}
	r := httptest.NewRequest("GET", "/elections/elc_bench/results?roll=10&ballots.secretariat=3", nil)
	data.RollPage = newPager(r, "roll", len(data.Roll))
	data.BallotPages = map[string]pager{"secretariat": newPager(r, "ballots.secretariat", 1000)}
	body := w.renderAs(a, "en", "election_results", &page{Data: data}).Body.String()
	mustHave(t, body, `data-als="als_0999"`, `data-receipt="RCPT000000000200"`, "Rows 901–1000 of 1000",
		`href="?ballots.secretariat=3&amp;roll=9#roll"`, "<details class=\"ballots\" id=\"ballots-secretariat\" open>")
	if strings.Contains(body, `data-als="als_0000" data-weight`) {
		t.Error("page 10 of the roll shows its first row")
	}
}

func mustHave(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(body, s) {
			t.Errorf("page lacks %q", s)
		}
	}
}

// TestBoothChangesLeft: the booth shows the changes left; with none left
// it offers neither the form nor "change my ballot", and says why.
func TestBoothChangesLeft(t *testing.T) {
	w := offline(t)
	als := "als_1"
	rep := &service.Actor{Member: store.Member{ID: "m_rep", Name: "Rep", ALSID: &als, Roles: store.StringList{store.RoleMember, store.RoleALSRep}}}
	now, later := time.Now(), time.Now().Add(time.Hour)
	seat := seatView{SeatState: election.SeatState{SeatSpec: election.SeatSpec{Seat: "secretariat", Method: "plurality", Ballot: "open"},
		Status: election.SeatStatusVoting, Candidates: []string{"m1"}, Round: 1, VotingOpens: &now, VotingCloses: &later}, Open: true}
	three, none := 3, 0
	b := boothView{ID: "elc_1", Title: "Cycle", Seat: seat, ALSID: als, Step: "choose", Candidates: []election.Nomination{{NomineeID: "m1"}},
		Voted: &workflows.Voted{Seat: "secretariat", Round: 1, ALSID: als, At: now, ChangesLeft: &three}, ChangesLeft: &three}
	body := w.renderAs(rep, "en", "election_booth", &page{Data: b, Form: map[string]string{}}).Body.String()
	mustHave(t, body, `id="changes-left" data-left="3"`, `id="review"`)
	b.Voted.ChangesLeft, b.ChangesLeft = &none, &none
	body = w.renderAs(rep, "en", "election_booth", &page{Data: b, Form: map[string]string{}}).Body.String()
	mustHave(t, body, `data-left="0"`, `id="no-changes"`)
	if strings.Contains(body, `id="review"`) {
		t.Error("the booth offers a ballot with no change left")
	}
	rv := receiptView{boothView: b, Receipt: "ABC", Round: "1"}
	rv.Step = "receipt"
	body = w.renderAs(rep, "en", "election_booth", &page{Data: rv}).Body.String()
	if strings.Contains(body, `id="change"`) {
		t.Error("the receipt offers a change with none left")
	}
}
