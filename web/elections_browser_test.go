package web_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows/election"
)

// links counts the sign-in links each member was sent, so that signIn
// waits for the new one.
var links = map[string]int{}

// signIn opens a fresh sign-in link for m in the browser, which then reads
// the pages as m.
func signIn(t *testing.T, ctx context.Context, m store.Member) {
	t.Helper()
	if err := shared.svc.RequestSignIn(context.Background(), service.SignInRequest{Email: m.Email, LinkBase: shared.url}); err != nil {
		t.Fatal(err)
	}
	link := signInLink(t, m, links[m.ID])
	links[m.ID]++
	load(t, ctx, chromedp.Navigate(link))
}

// country makes sure a country of the registry exists.
func country(t *testing.T, code, name string) {
	t.Helper()
	_, _ = shared.app.Store.CreateCountry(context.Background(), store.Actor{}, store.CountryInput{Code: code, Name: name})
}

// newALS registers an accredited ALS.
func newALS(t *testing.T, name, cc string) store.ALS {
	t.Helper()
	seq++
	name = fmt.Sprintf("%s %d", name, seq)
	status := store.ALSAccredited
	a, err := shared.app.Store.CreateALS(context.Background(), store.Actor{}, store.ALSInput{Name: &name, Country: &cc, Status: &status})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// memberOf registers a member of an ALS (als may be empty) in a country.
func memberOf(t *testing.T, name, lang, cc, als string, roles ...string) store.Member {
	t.Helper()
	seq++
	email := fmt.Sprintf("%s.%d.%d@example.org", strings.ToLower(strings.Fields(name)[0]), time.Now().UnixNano()%1e6, seq)
	rs := append([]string{store.RoleMember}, roles...)
	in := store.MemberInput{Name: &name, Email: &email, Country: &cc, Language: &lang, Roles: &rs}
	if als != "" {
		in.ALSID = &als
	}
	m, err := shared.app.Store.CreateMember(context.Background(), store.Actor{}, in)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// setValue sets a form field's value by script (datetime-local fields
// take seconds this way).
//
// Not chromedp.SetValue: it fails when the browser writes the value back
// normalised (a date and time whose seconds are :00 reads back without
// them), which made the tests fail once in a while.
func setValue(t *testing.T, ctx context.Context, id, value string) {
	t.Helper()
	do(t, ctx, chromedp.WaitVisible(chromedp.ID(id)))
	arg, _ := json.Marshal([]string{id, value})
	ok := get(t, ctx, chromedp.Evaluate[bool](`(([id, v]) => { const el = document.getElementById(id); el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true})); return el.value !== '' || v === ''; })(`+string(arg)+`)`))
	if !ok {
		t.Fatalf("the browser refused %q for #%s", value, id)
	}
}

// waitFor polls the service until cond holds.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// TestBrowserElection runs an election through its pages in Chromium:
// staff start the cycle from the policy's seats, a member nominates
// herself and accepts with her statement, three ALS representatives vote
// in the booth (one changes her ballot), staff certify; the results page's
// figures equal the JSON results document and the ballots cast, and a
// receipt is verified on /verify. Screenshots of every election page.
func TestBrowserElection(t *testing.T) {
	ctx, cancel := context.WithTimeout(browser(t), 5*time.Minute)
	defer cancel()
	bg := context.Background()
	country(t, "MX", "México")
	country(t, "GT", "Guatemala")
	country(t, "CR", "Costa Rica")
	mx, gt, cr := newALS(t, "ALS Mexicana", "MX"), newALS(t, "ALS Guatemalteca", "GT"), newALS(t, "ALS Costarricense", "CR")
	staff := memberOf(t, "Sofía Staff", "es", "MX", "", store.RoleStaff)
	ana := memberOf(t, "Ana Candidata", "es", "MX", mx.ID)
	beto := memberOf(t, "Beto Candidato", "en", "GT", gt.ID)
	repMX := memberOf(t, "Marta Rep", "es", "MX", mx.ID, store.RoleALSRep)
	repGT := memberOf(t, "Gabriel Rep", "en", "GT", gt.ID, store.RoleALSRep)
	repCR := memberOf(t, "Carla Rep", "pt", "CR", cr.ID, store.RoleALSRep)

	// A member may not open the staff's form.
	signIn(t, ctx, ana)
	load(t, ctx, chromedp.Navigate(shared.url+"/elections/new?lang=en"))
	mustContain(t, text(t, ctx, "main h1"), "Not allowed")

	// Staff start the cycle: the secretariat seat, with its sub-region.
	signIn(t, ctx, staff)
	load(t, ctx, chromedp.Navigate(shared.url+"/elections/new?lang=es"))
	shot(t, ctx, "election_new", "es", 1280)
	mustContain(t, text(t, ctx, "label[for=seat-secretariat]"), "Rota a:")
	zone, _ := time.LoadLocation("America/Mexico_City")
	start := time.Now()
	local := func(d time.Duration) string { return start.Add(d).In(zone).Format("2006-01-02T15:04:05") }
	title := fmt.Sprintf("Secretaría %d", start.UnixNano()%1e6)
	do(t, ctx, chromedp.SendKeys(chromedp.ID("title"), title),
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('input[name^="seat."]').forEach(c => c.checked = c.name === 'seat.secretariat')`))
	// A calendar out of order is refused beside the field, the input kept.
	setValue(t, ctx, "nominations_close", local(40*time.Second))
	setValue(t, ctx, "objections_close", local(20*time.Second))
	setValue(t, ctx, "voting_close", local(100*time.Second))
	load(t, ctx, chromedp.Submit(chromedp.ID("title")))
	mustContain(t, text(t, ctx, "main"), "Las fechas van en orden")
	if v := get(t, ctx, chromedp.Value(chromedp.ID("title"))); v != title {
		t.Fatalf("the title was not kept: %q", v)
	}
	shot(t, ctx, "election_new_refused", "es", 1280)
	setValue(t, ctx, "objections_close", local(41*time.Second))
	setValue(t, ctx, "voting_open", local(41*time.Second))
	load(t, ctx, chromedp.Submit(chromedp.ID("title")))
	mustContain(t, text(t, ctx, "main"), "Ciclo iniciado")
	loc := get(t, ctx, chromedp.Location())
	id := strings.TrimSuffix(strings.TrimPrefix(loc, shared.url+"/elections/"), "?started")
	if !strings.HasPrefix(id, "elc") {
		t.Fatalf("after starting: %s", loc)
	}
	path := "/elections/" + id

	// Ana nominates herself and accepts with her statement of interest.
	signIn(t, ctx, ana)
	load(t, ctx, chromedp.Navigate(shared.url+path+"?lang=es"))
	do(t, ctx, chromedp.Click(chromedp.ID("self")), chromedp.SendKeys(chromedp.ID("statement"), "Me postulo."))
	load(t, ctx, chromedp.Submit(chromedp.ID("statement")))
	if _, err := shared.svc.CreateDeclaration(bg, &service.Actor{Member: ana}, ana.ID, store.DeclarationInput{Kind: "none"}); err != nil {
		t.Fatal(err)
	}
	load(t, ctx, chromedp.Navigate(shared.url+path+"?lang=es"))
	mustContain(t, text(t, ctx, "#mine-h"), "Sus candidaturas")
	do(t, ctx, chromedp.SendKeys(chromedp.CSS(`textarea[name=statement_of_interest]`), "Diez años en la ALS; propongo actas en dos idiomas."))
	load(t, ctx, chromedp.Submit(chromedp.CSS(`textarea[name=statement_of_interest]`)))
	mustContain(t, text(t, ctx, "section.seat"), "elegible")
	shot(t, ctx, "election_nominations", "es", 1280)
	// Beto through the service.
	nb, err := shared.svc.Nominate(bg, &service.Actor{Member: beto}, id, service.NominationRequest{Seat: "secretariat", NomineeID: beto.ID, Statement: "I stand."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := shared.svc.CreateDeclaration(bg, &service.Actor{Member: beto}, beto.ID, store.DeclarationInput{Kind: "none"}); err != nil {
		t.Fatal(err)
	}
	if _, err := shared.svc.AcceptNomination(bg, &service.Actor{Member: beto}, id, nb.Nomination.ID,
		service.AcceptNominationRequest{StatementOfInterest: "Bilingual minutes and open books."}); err != nil {
		t.Fatal(err)
	}

	// Voting opens.
	waitFor(t, 90*time.Second, "voting", func() bool {
		ev, err := shared.svc.GetElection(bg, &service.Actor{Member: staff}, id)
		return err == nil && ev.Status == election.StatusVoting && ev.RollFrozen && len(ev.State.Seats[0].Candidates) == 2 &&
			ev.State.Seats[0].VotingOpens != nil && !time.Now().Before(*ev.State.Seats[0].VotingOpens)
	})

	// A member who is no representative gets the refusal in her language.
	load(t, ctx, chromedp.Navigate(shared.url+path+"/vote/secretariat?lang=fr"))
	mustContain(t, text(t, ctx, "main"), "Vous ne pouvez pas faire cela : seul un représentant d'ALS")

	budget := cmp.Or(shared.svc.Policy().Election.MaxBallotChanges, election.DefaultMaxBallotChanges)
	vote := func(rep store.Member, lang, choice string, shots bool) string {
		t.Helper()
		signIn(t, ctx, rep)
		load(t, ctx, chromedp.Navigate(shared.url+path+"?lang="+lang))
		load(t, ctx, chromedp.Click(chromedp.ID("vote-secretariat")))
		if shots {
			for _, l := range service.Languages {
				for _, width := range []int64{1280, 390} {
					do(t, ctx, chromedp.EmulateViewport(width, 800))
					load(t, ctx, chromedp.Navigate(shared.url+path+"/vote/secretariat?lang="+l))
					shot(t, ctx, "election_booth", l, width)
				}
			}
			do(t, ctx, chromedp.EmulateViewport(1280, 800))
			load(t, ctx, chromedp.Navigate(shared.url+path+"/vote/secretariat?lang="+lang))
			// Reviewing with nothing chosen is refused on the booth.
			load(t, ctx, chromedp.Click(chromedp.ID("review")))
			mustContain(t, text(t, ctx, ".field-error"), "")
		}
		if got := attr(t, ctx, "#changes-left", "data-left"); got != strconv.Itoa(budget) {
			t.Errorf("changes left before the first ballot: %q, want %d", got, budget)
		}
		do(t, ctx, chromedp.Click(chromedp.ID("choice-"+choice)))
		if shots {
			do(t, ctx, chromedp.EmulateViewport(390, 800))
		}
		load(t, ctx, chromedp.Click(chromedp.ID("review")))
		if shots {
			shot(t, ctx, "election_booth_review", lang, 390)
		}
		load(t, ctx, chromedp.Click(chromedp.ID("confirm")))
		receipt := text(t, ctx, "#receipt")
		if shots {
			shot(t, ctx, "election_booth_receipt", lang, 390)
			do(t, ctx, chromedp.EmulateViewport(1280, 800))
		}
		return receipt
	}
	vote(repMX, "es", ana.ID, true)
	// The receipt is emailed: its code, never the choice (the test server
	// has no base URL, so the email carries no link here).
	mail := waitMail(t, repMX, "election.ballot_receipt", 1)
	mustContain(t, mail.Body, text(t, ctx, "#receipt"))
	if strings.Contains(mail.Body, "Ana Candidata") || strings.Contains(mail.Body, ana.ID) {
		t.Errorf("the receipt email tells the choice:\n%s", mail.Body)
	}
	rGT := vote(repGT, "en", beto.ID, false)
	rCR := vote(repCR, "pt", ana.ID, false)
	// Marta changes her ballot from the receipt: the last one counts, and
	// one change fewer is left.
	signIn(t, ctx, repMX)
	load(t, ctx, chromedp.Navigate(shared.url+path+"/vote/secretariat?lang=es"))
	mustContain(t, text(t, ctx, "main"), "Su ALS ya votó")
	if got := attr(t, ctx, "#changes-left", "data-left"); got != strconv.Itoa(budget) {
		t.Errorf("changes left after the first ballot: %q, want %d", got, budget)
	}
	do(t, ctx, chromedp.Click(chromedp.ID("choice-"+beto.ID)))
	load(t, ctx, chromedp.Click(chromedp.ID("review")))
	mustContain(t, text(t, ctx, ".your-choice"), "Beto Candidato")
	load(t, ctx, chromedp.Click(chromedp.ID("confirm")))
	rMX := text(t, ctx, "#receipt")
	if got := attr(t, ctx, "#changes-left", "data-left"); got != strconv.Itoa(budget-1) {
		t.Errorf("changes left after a change: %q, want %d", got, budget-1)
	}
	shot(t, ctx, "election_booth_changed", "es", 1280)
	load(t, ctx, chromedp.Click(chromedp.ID("change")))
	mustContain(t, get(t, ctx, chromedp.Location()), path+"/vote/secretariat")
	mustContain(t, waitMail(t, repMX, "election.ballot_receipt", 2).Body, rMX)
	// Who has voted is shown, never the totals.
	body := text(t, ctx, "main")
	for _, a := range []store.ALS{mx, gt, cr} {
		mustContain(t, body, a.Name)
	}
	if code, _, _ := fetchAs(t, repMX, path+"/results"); code != http.StatusConflict {
		t.Fatalf("results before close: %d", code)
	}
	shot(t, ctx, "election_voting", "es", 1280)

	// Voting closes; staff certify.
	waitFor(t, 120*time.Second, "close", func() bool {
		ev, err := shared.svc.GetElection(bg, &service.Actor{Member: staff}, id)
		return err == nil && ev.Status == election.StatusClosed
	})
	signIn(t, ctx, staff)
	load(t, ctx, chromedp.Navigate(shared.url+path+"?lang=es"))
	shot(t, ctx, "election_closed", "es", 1280)
	load(t, ctx, chromedp.Click(chromedp.ID("certify")))
	waitFor(t, 30*time.Second, "certified", func() bool {
		res, err := shared.svc.PublicElectionResults(bg, id)
		return err == nil && res.Status == election.StatusCertified
	})

	// The results page's figures are the results document's, and the
	// count is the ballots': Beto 2 ballots (GT, MX changed), Ana 1 (CR).
	res, err := shared.svc.ElectionResults(bg, &service.Actor{Member: staff}, id)
	if err != nil {
		t.Fatal(err)
	}
	load(t, ctx, chromedp.Navigate(shared.url+path+"/results?lang=en"))
	compareResults(t, ctx, res)
	weight := map[string]float64{}
	for _, r := range res.Roll {
		weight[r.ALSID] = r.Weight
	}
	seat := res.Seats[0]
	totals := map[string]election.ResultTotal{}
	for _, x := range seat.Rounds[0].Totals {
		totals[x.MemberID] = x
	}
	if got, want := totals[beto.ID].WeightedVotes, weight[mx.ID]+weight[gt.ID]; math.Abs(got-want) > 1e-9 || totals[beto.ID].Ballots != 2 {
		t.Errorf("Beto: %+v, want %v from 2 ballots", totals[beto.ID], want)
	}
	if got, want := totals[ana.ID].WeightedVotes, weight[cr.ID]; math.Abs(got-want) > 1e-9 || totals[ana.ID].Ballots != 1 {
		t.Errorf("Ana: %+v, want %v from 1 ballot", totals[ana.ID], want)
	}
	cast := map[string]string{}
	for _, b := range seat.Ballots {
		cast[b.Receipt] = b.ALSID + ":" + b.Choice
	}
	if cast[rMX] != mx.ID+":"+beto.ID || cast[rGT] != gt.ID+":"+beto.ID || cast[rCR] != cr.ID+":"+ana.ID {
		t.Errorf("counted ballots %v, want the receipts %s %s %s with the last choices", cast, rMX, rGT, rCR)
	}
	if len(seat.Elected) != 1 || seat.Elected[0] != beto.ID {
		t.Errorf("elected %v, want Beto", seat.Elected)
	}
	for _, l := range service.Languages {
		for _, width := range []int64{1280, 390} {
			do(t, ctx, chromedp.EmulateViewport(width, 800))
			load(t, ctx, chromedp.Navigate(shared.url+path+"/results?lang="+l))
			shot(t, ctx, "election_results", l, width)
			load(t, ctx, chromedp.Navigate(shared.url+"/public/elections/"+id+"?lang="+l))
			shot(t, ctx, "public_election", l, width)
		}
	}
	do(t, ctx, chromedp.EmulateViewport(1280, 800))
	for _, l := range []string{"es", "en"} {
		for name, p := range map[string]string{"election_list": "/elections", "election_detail": path, "election_new": "/elections/new"} {
			for _, width := range []int64{1280, 390} {
				do(t, ctx, chromedp.EmulateViewport(width, 800))
				load(t, ctx, chromedp.Navigate(shared.url+p+"?lang="+l))
				shot(t, ctx, name, l, width)
			}
		}
	}
	do(t, ctx, chromedp.EmulateViewport(1280, 800))
	// The public page shows the same figures, without signing in.
	do(t, ctx, chromedp.Navigate(shared.url+"/public/elections/"+id+"?lang=es"))
	compareResults(t, ctx, res)
	// So does its CSV, to anyone: the roll and every counted ballot.
	resp, err := http.Get(shared.url + "/public/elections/" + id + "/results.csv")
	if err != nil {
		t.Fatal(err)
	}
	csvBody, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("public CSV: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, line := range []string{"," + rMX + "," + beto.ID + "\n", "," + rCR + "," + ana.ID + "\n", "ballot," + mx.ID + ",", "roll," + mx.ID + ","} {
		if !strings.Contains(string(csvBody), line) {
			t.Errorf("the public CSV lacks %q:\n%s", line, csvBody)
		}
	}

	// Marta's receipt is found on /verify.
	load(t, ctx, chromedp.Navigate(shared.url+"/verify?lang=es"))
	do(t, ctx, chromedp.SendKeys(chromedp.ID("receipt"), rMX))
	load(t, ctx, chromedp.Submit(chromedp.ID("receipt")))
	mustContain(t, text(t, ctx, "section.result"), id)
	mustContain(t, text(t, ctx, "section.result"), "secretariat")
	shot(t, ctx, "verify_ballot", "es", 390)
}

// attr reads an attribute of the first element matching sel.
func attr(t *testing.T, ctx context.Context, sel, name string) string {
	t.Helper()
	return get(t, ctx, chromedp.AttributeValue(chromedp.CSS(sel), name)).Value
}

// waitMail waits until m has at least n emails of event and returns the
// latest.
func waitMail(t *testing.T, m store.Member, event string, n int) store.OutboxMessage {
	t.Helper()
	var got []store.OutboxMessage
	waitFor(t, 30*time.Second, event+" email", func() bool {
		ms, err := shared.app.Store.ListOutbox(context.Background(), store.OutboxFilter{MemberID: m.ID})
		if err != nil {
			t.Fatal(err)
		}
		got = got[:0]
		for _, msg := range ms {
			if msg.Event == event {
				got = append(got, msg)
			}
		}
		return len(got) >= n
	})
	slices.SortFunc(got, func(a, b store.OutboxMessage) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return got[len(got)-1]
}

// fetchAs GETs a page as m, with a session from a fresh sign-in link.
func fetchAs(t *testing.T, m store.Member, path string) (int, http.Header, string) {
	t.Helper()
	if err := shared.svc.RequestSignIn(context.Background(), service.SignInRequest{Email: m.Email, LinkBase: shared.url}); err != nil {
		t.Fatal(err)
	}
	link := signInLink(t, m, links[m.ID])
	links[m.ID]++
	c := newClient(t)
	fetch(t, c, http.MethodGet, strings.TrimPrefix(link, shared.url), nil)
	return fetch(t, c, http.MethodGet, path, nil)
}

// pageFigures are the results page's figures, read from its tables.
type pageFigures struct {
	Roll    [][2]string `json:"roll"`
	Totals  [][5]string `json:"totals"`
	Ballots [][4]string `json:"ballots"`
	Quorum  [][3]string `json:"quorum"`
}

const readFigures = `(() => {
  const q = (s, el) => Array.from((el || document).querySelectorAll(s));
  const out = {roll: [], totals: [], ballots: [], quorum: []};
  q('table.roll tbody tr').forEach(r => out.roll.push([r.dataset.als, r.dataset.weight]));
  q('section.seat-result').forEach(s => {
    q('table.totals', s).forEach(t => q('tbody tr', t).forEach(r =>
      out.totals.push([s.dataset.seat, t.dataset.round, r.dataset.member, r.dataset.weighted, r.dataset.ballots])));
    q('tr[data-receipt]', s).forEach(r => out.ballots.push([s.dataset.seat, r.dataset.receipt, r.dataset.als, r.dataset.choice]));
    q('.quorum', s).forEach(p => out.quorum.push([s.dataset.seat, p.dataset.required, p.dataset.cast]));
  });
  return out;
})()`

// compareResults checks that every figure on the results page is the
// results document's, and nothing more.
func compareResults(t *testing.T, ctx context.Context, res election.Results) {
	t.Helper()
	got := get(t, ctx, chromedp.Evaluate[pageFigures](readFigures))
	var want pageFigures
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for _, r := range res.Roll {
		want.Roll = append(want.Roll, [2]string{r.ALSID, f(r.Weight)})
	}
	for _, s := range res.Seats {
		for _, rd := range s.Rounds {
			for _, x := range rd.Totals {
				want.Totals = append(want.Totals, [5]string{s.Seat, strconv.Itoa(rd.Round), x.MemberID, f(x.WeightedVotes), strconv.Itoa(x.Ballots)})
			}
		}
		for _, b := range s.Ballots {
			want.Ballots = append(want.Ballots, [4]string{s.Seat, b.Receipt, b.ALSID, b.Choice})
		}
		if s.Quorum != nil {
			want.Quorum = append(want.Quorum, [3]string{s.Seat, strconv.Itoa(s.Quorum.Required), strconv.Itoa(s.Quorum.Cast)})
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("the results page's figures\n%v\ndiffer from the results document's\n%v", got, want)
	}
	if len(want.Roll) == 0 || len(want.Totals) == 0 {
		t.Fatalf("no figures to compare: %v", want)
	}
}
