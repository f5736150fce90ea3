package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lacralo/ralo/policy"
	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
)

// webTestPolicy is the embedded policy with the arbitration's challenge
// window in seconds, so that a hearing can be held (and a ruling recorded)
// within a browser test; every other period keeps its default.
func webTestPolicy() *policy.Policy {
	p := policy.Default()
	p.Arbitration.ChallengeWindow = policy.Duration(12 * time.Second)
	return p
}

// shots writes a page's screenshots in the languages at desktop and
// phone width.
func shots(t *testing.T, ctx context.Context, name, path string, langs ...string) {
	t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	for _, l := range langs {
		for _, width := range []int64{1280, 390} {
			do(t, ctx, chromedp.EmulateViewport(width, 800))
			load(t, ctx, chromedp.Navigate(shared.url+path+sep+"lang="+l))
			shot(t, ctx, name, l, width)
		}
	}
	do(t, ctx, chromedp.EmulateViewport(1280, 800))
}

// html is the whole document the browser shows now.
func html(t *testing.T, ctx context.Context) string {
	t.Helper()
	return get(t, ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
}

// download fetches a path from the page, with the session's cookie, as
// a download link would, and gives its status and body.
func download(t *testing.T, ctx context.Context, path string) (int, string) {
	t.Helper()
	type res struct {
		Status int    `json:"status"`
		Body   string `json:"body"`
	}
	r := get(t, ctx, chromedp.Evaluate[res](`fetch(`+strconv.Quote(path)+`).then(r => r.text().then(b => ({status: r.status, body: b})))`,
		chromedp.EvalAwaitPromise))
	return r.Status, r.Body
}

// outboxText is every email a member was sent, subjects, bodies and
// attachments, as one text.
func outboxText(t *testing.T, m store.Member) string {
	t.Helper()
	ms, err := shared.app.Store.ListOutbox(context.Background(), store.OutboxFilter{MemberID: m.ID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, msg := range ms {
		b.WriteString(msg.Subject + "\n" + msg.Body + "\n")
		atts, err := msg.OutboxAttachments()
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range atts {
			b.WriteString(a.Filename + "\n" + string(a.Data) + "\n")
		}
	}
	return b.String()
}

// TestBrowserEthics runs an anonymous complaint through its pages in
// Chromium: filed with the anonymity explained, the receipt shown once
// (and emailed), a recused committee member told the case does not exist,
// screening, the respondent's answer and evidence, the deliberation with
// quorum and majority over the non-recused members, the decision, the
// respondent's appeal and the linked arbitration's ruling closing the
// case. No page, email or download the respondent reaches names the
// complainant, their email, ID or ALS.
func TestBrowserEthics(t *testing.T) {
	ctx, cancel := context.WithTimeout(browser(t), 8*time.Minute)
	defer cancel()
	bg := context.Background()
	country(t, "UY", "Uruguay")
	country(t, "PE", "Perú")
	alsC, alsR := newALS(t, "ALS Charrúa", "UY"), newALS(t, "ALS Andina", "PE")
	carla := memberOf(t, "Carla Denunciante", "es", "UY", alsC.ID)
	rosa := memberOf(t, "Rosa Respondiente", "en", "PE", alsR.ID)
	ana := memberOf(t, "Ana Comité", "es", "PE", "", store.RoleEthicsCommittee)
	bruno := memberOf(t, "Bruno Comité", "pt", "PE", "", store.RoleEthicsCommittee)
	cecilia := memberOf(t, "Cecilia Comité", "es", "UY", alsC.ID, store.RoleEthicsCommittee) // same ALS as the complainant
	diego := memberOf(t, "Diego Comité", "es", "PE", "", store.RoleEthicsCommittee)          // recuses himself
	staff := memberOf(t, "Sara Staff", "es", "PE", "", store.RoleStaff)
	arturo := memberOf(t, "Arturo Árbitro", "es", "PE", "", store.RoleArbitrator)

	// What the respondent reads, collected page by page.
	var seen []string
	asRosa := func(path string) {
		t.Helper()
		load(t, ctx, chromedp.Navigate(shared.url+path))
		seen = append(seen, path+"\n"+html(t, ctx))
	}

	// The complaint form explains anonymity before anything is sent.
	signIn(t, ctx, carla)
	shots(t, ctx, "ethics_new", "/ethics/new", "es", "en", "pt", "fr")
	load(t, ctx, chromedp.Navigate(shared.url+"/ethics/new?lang=es"))
	mustContain(t, text(t, ctx, "section.anonymity"), "Nunca verá")
	summary := "Votó en la selección de su propia empresa sin declarar el conflicto."
	do(t, ctx, chromedp.SetValue(chromedp.ID("respondent_id"), rosa.ID),
		chromedp.SendKeys(chromedp.ID("summary"), summary),
		chromedp.SendKeys(chromedp.ID("links"), "https://example.org/acta-12"))
	// Without a kind the complaint is refused on the form, the text kept.
	load(t, ctx, chromedp.Submit(chromedp.ID("summary")))
	mustContain(t, text(t, ctx, "main"), "Revise este campo")
	if v := get(t, ctx, chromedp.Value(chromedp.ID("summary"))); v != summary {
		t.Fatalf("the summary was not kept: %q", v)
	}
	if on := get(t, ctx, chromedp.Evaluate[bool](`document.getElementById('anonymous').checked`)); !on {
		t.Fatal("the anonymity choice was not kept")
	}
	shot(t, ctx, "ethics_new_refused", "es", 1280)
	do(t, ctx, chromedp.Click(chromedp.ID("kind-undeclared_conflict")))
	load(t, ctx, chromedp.Submit(chromedp.ID("summary")))

	// The receipt, once, with the "I have saved it" step.
	loc := get(t, ctx, chromedp.Location())
	if !strings.HasSuffix(loc, "/receipt") {
		t.Fatalf("after filing: %s, want the receipt page", loc)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(loc, shared.url+"/ethics/"), "/receipt")
	code := strings.TrimSpace(text(t, ctx, "#receipt-code"))
	if len(code) < 12 {
		t.Fatalf("receipt code %q", code)
	}
	shots(t, ctx, "ethics_receipt", "/ethics/"+id+"/receipt", "es", "en", "pt", "fr")
	load(t, ctx, chromedp.Navigate(shared.url+"/ethics/"+id+"/receipt?lang=es"))
	load(t, ctx, chromedp.Submit(chromedp.ID("saved")))
	mustContain(t, text(t, ctx, "main"), "Marque la casilla")
	do(t, ctx, chromedp.Click(chromedp.ID("saved")))
	load(t, ctx, chromedp.Submit(chromedp.ID("saved")))
	mustContain(t, text(t, ctx, "main"), "Denuncia registrada")
	shots(t, ctx, "ethics_complainant", "/ethics/"+id, "es", "en")
	load(t, ctx, chromedp.Navigate(shared.url+"/ethics/"+id+"/receipt"))
	if strings.Contains(html(t, ctx), code) {
		t.Fatal("the receipt was shown a second time")
	}
	waitFor(t, 30*time.Second, "the receipt email", func() bool { return strings.Contains(outboxText(t, carla), code) })

	// Anyone with the code sees the status, by POST.
	for _, l := range service.Languages {
		for _, width := range []int64{1280, 390} {
			do(t, ctx, chromedp.EmulateViewport(width, 800))
			load(t, ctx, chromedp.Navigate(shared.url+"/receipt?lang="+l))
			do(t, ctx, chromedp.SendKeys(chromedp.ID("code"), code))
			load(t, ctx, chromedp.Submit(chromedp.ID("code")))
			mustContain(t, text(t, ctx, "section.result"), id)
			shot(t, ctx, "receipt_complaint", l, width)
		}
	}
	do(t, ctx, chromedp.EmulateViewport(1280, 800))

	// A recused member (same ALS as the complainant) gets the page of a
	// case that does not exist, and no row in the list.
	signIn(t, ctx, cecilia)
	load(t, ctx, chromedp.Navigate(shared.url+"/ethics/"+id+"?lang=es"))
	recused := get(t, ctx, chromedp.OuterHTML(chromedp.CSS("main")))
	load(t, ctx, chromedp.Navigate(shared.url+"/ethics/eth_no_such_case?lang=es"))
	if missing := get(t, ctx, chromedp.OuterHTML(chromedp.CSS("main"))); recused != missing {
		t.Fatalf("a recused member's page differs from a missing case's:\n%s\n%s", recused, missing)
	}
	load(t, ctx, chromedp.Navigate(shared.url+"/ethics?lang=es"))
	if strings.Contains(text(t, ctx, "main"), id) {
		t.Fatal("the recused member's list shows the case")
	}

	// A member recuses himself from the page, with a note; the committee
	// then reads who is recused and why (never the parties).
	signIn(t, ctx, diego)
	load(t, ctx, chromedp.Navigate(shared.url+"/ethics/"+id+"?lang=es"))
	note := "Fui socio de la persona denunciada hasta 2023."
	do(t, ctx, chromedp.Click(chromedp.CSS("details.act summary")), chromedp.SendKeys(chromedp.ID("recuse-reason"), note))
	load(t, ctx, chromedp.Submit(chromedp.ID("recuse-reason")))
	mustContain(t, text(t, ctx, "main"), "Se ha recusado")

	// Screening by a committee member, with the days left.
	signIn(t, ctx, ana)
	load(t, ctx, chromedp.Navigate(shared.url+"/ethics/"+id+"?lang=es"))
	mustContain(t, text(t, ctx, "#member-"+cecilia.ID), "es de la misma ALS ("+alsC.Name+") que Carla Denunciante, parte del caso")
	mustContain(t, text(t, ctx, "#member-"+diego.ID), "se recusó: «"+note+"»")
	shots(t, ctx, "ethics_committee_recusals", "/ethics/"+id, "es", "en")
	load(t, ctx, chromedp.Navigate(shared.url+"/ethics?lang=es"))
	mustContain(t, text(t, ctx, "main"), id)
	shots(t, ctx, "ethics_list", "/ethics", "es", "en")
	load(t, ctx, chromedp.Navigate(shared.url+"/ethics/"+id+"?lang=es"))
	mustContain(t, text(t, ctx, "#screen-h + p"), "quedan")
	mustContain(t, text(t, ctx, "main"), "Carla Denunciante")
	shots(t, ctx, "ethics_screening", "/ethics/"+id, "es", "en")
	do(t, ctx, chromedp.SendKeys(chromedp.ID("note"), "Admitida: hay indicios suficientes."))
	load(t, ctx, chromedp.Submit(chromedp.ID("note")))
	mustContain(t, text(t, ctx, "main"), "Admitida")

	// The respondent: the notice, the answer with the days left, evidence.
	signIn(t, ctx, rosa)
	asRosa("/")
	asRosa("/ethics")
	asRosa("/ethics/" + id + "?lang=en")
	mustContain(t, text(t, ctx, "main"), "Answer by")
	if !strings.Contains(text(t, ctx, "main"), "Anonymous") {
		t.Error("the respondent's page does not say the complainant is anonymous")
	}
	shots(t, ctx, "ethics_respondent", "/ethics/"+id, "es", "en")
	do(t, ctx, chromedp.SendKeys(chromedp.ID("answer"), "I declared it in 2024; see the minutes."))
	load(t, ctx, chromedp.Submit(chromedp.ID("answer")))
	seen = append(seen, html(t, ctx))
	do(t, ctx, chromedp.SendKeys(chromedp.ID("ev-text"), "My 2024 declaration."),
		chromedp.SendKeys(chromedp.ID("ev-links"), "https://example.org/declaration-2024"))
	load(t, ctx, chromedp.Submit(chromedp.ID("ev-text")))
	seen = append(seen, html(t, ctx))

	// The complainant adds evidence too: the respondent reads it as the
	// complainant's, unnamed.
	signIn(t, ctx, carla)
	load(t, ctx, chromedp.Navigate(shared.url+"/ethics/"+id+"?lang=es"))
	do(t, ctx, chromedp.SendKeys(chromedp.ID("ev-text"), "El acta 12 muestra el voto."))
	load(t, ctx, chromedp.Submit(chromedp.ID("ev-text")))

	// Deliberation: a proposal, votes, quorum and majority over the
	// non-recused members.
	signIn(t, ctx, ana)
	load(t, ctx, chromedp.Navigate(shared.url+"/ethics/"+id+"?lang=es"))
	load(t, ctx, chromedp.Submit(chromedp.CSS(`form[action$="/deliberate"]`)))
	// A suspension without its date is refused beside the form, the
	// choice kept.
	do(t, ctx, chromedp.Click(chromedp.ID("dk-suspension")))
	load(t, ctx, chromedp.Submit(chromedp.ID("position")))
	if msg := text(t, ctx, "main .field-error"); !strings.Contains(msg, "Una suspensión necesita su fecha «Hasta».") || strings.Contains(msg, "decision.until") {
		t.Fatalf("the refusal %q does not name the date in Spanish", msg)
	}
	if on := get(t, ctx, chromedp.Evaluate[bool](`document.getElementById('dk-suspension').checked`)); !on {
		t.Fatal("the decision kind was not kept")
	}
	shot(t, ctx, "ethics_propose_refused", "es", 1280)
	do(t, ctx, chromedp.Click(chromedp.ID("dk-warning")))
	load(t, ctx, chromedp.Submit(chromedp.ID("position")))
	mustContain(t, text(t, ctx, "#tally"), "Quórum")
	// The tally and the votes refresh by themselves (htmx, every 10 s):
	// the region is replaced by a fresh copy from the server.
	get(t, ctx, chromedp.Evaluate[bool](`window.__tally = document.getElementById('live-tally'); true`))
	waitFor(t, 30*time.Second, "the tally refreshed in place", func() bool {
		return get(t, ctx, chromedp.Evaluate[bool](`(() => { const n = document.getElementById('live-tally'); return !!n && n !== window.__tally && n.textContent.includes('Quórum'); })()`))
	})
	shots(t, ctx, "ethics_deliberation", "/ethics/"+id, "es", "en")
	signIn(t, ctx, bruno)
	load(t, ctx, chromedp.Navigate(shared.url+"/ethics/"+id+"?lang=pt"))
	do(t, ctx, chromedp.Click(chromedp.ID("vote-for")))
	load(t, ctx, chromedp.Submit(chromedp.ID("vote-for")))
	// Committee members of other tests vote too, through the service.
	st := &service.Actor{Member: staff}
	for _, m := range committeeOf(t, st, id) {
		if m == ana.ID || m == bruno.ID {
			continue
		}
		c, err := shared.svc.GetComplaint(bg, st, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != "deliberation" {
			break
		}
		mm, err := shared.app.Store.GetMember(bg, m)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := shared.svc.VoteOnProposal(bg, &service.Actor{Member: mm}, id, true); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 30*time.Second, "the decision", func() bool {
		c, err := shared.svc.GetComplaint(bg, st, id)
		return err == nil && c.Status == "appeal_window"
	})

	// The respondent appeals within the window.
	signIn(t, ctx, rosa)
	asRosa("/ethics/" + id + "?lang=en")
	mustContain(t, text(t, ctx, "main"), "It may be appealed until")
	do(t, ctx, chromedp.SendKeys(chromedp.ID("appeal-reason"), "The committee ignored my 2024 declaration."))
	load(t, ctx, chromedp.Submit(chromedp.ID("appeal-reason")))
	seen = append(seen, html(t, ctx))
	arbID := workflows.AppealArbitrationID(id)
	waitFor(t, 30*time.Second, "the appeal's arbitration", func() bool {
		_, err := shared.svc.GetArbitration(bg, st, arbID)
		return err == nil
	})

	// The arbitration hears the appeal and rules, through its pages:
	// staff assign, the arbitrator confirms and schedules the hearing.
	signIn(t, ctx, staff)
	load(t, ctx, chromedp.Navigate(shared.url+"/arbitrations/"+arbID+"?lang=es"))
	do(t, ctx, chromedp.Click(chromedp.ID("arb-"+arturo.ID)))
	load(t, ctx, chromedp.Submit(chromedp.ID("arb-"+arturo.ID)))
	signIn(t, ctx, arturo)
	load(t, ctx, chromedp.Navigate(shared.url+"/arbitrations/"+arbID+"?lang=es"))
	load(t, ctx, chromedp.Submit(chromedp.CSS(`form[action$="/confirm"]`)))
	starts := time.Now().Add(webTestPolicy().Arbitration.ChallengeWindow.D() + 3*time.Second)
	do(t, ctx, chromedp.SendKeys(chromedp.ID("location"), "https://meet.example.org/appeal"))
	setValue(t, ctx, "starts_at", starts.In(zoneFor(t, "PE")).Format("2006-01-02T15:04:05"))
	load(t, ctx, chromedp.Submit(chromedp.ID("location")))
	mustContain(t, text(t, ctx, "#h-h"), "Audiencia")
	// The respondent reads the arbitration and downloads the invitation.
	signIn(t, ctx, rosa)
	asRosa("/arbitrations/" + arbID + "?lang=en")
	if status, ics := download(t, ctx, "/arbitrations/"+arbID+"/hearing.ics"); status != http.StatusOK {
		t.Fatalf("the respondent's hearing.ics: %d %s", status, ics)
	} else {
		seen = append(seen, ics)
	}
	// After the hearing, the ruling: preview, then the final confirmation.
	time.Sleep(time.Until(starts) + time.Second)
	signIn(t, ctx, arturo)
	load(t, ctx, chromedp.Navigate(shared.url+"/arbitrations/"+arbID+"?lang=es"))
	do(t, ctx, chromedp.Click(chromedp.ID("out-"+workflows.RulingUphold)), chromedp.SendKeys(chromedp.ID("r-articles"), "OP 7.1"),
		chromedp.SendKeys(chromedp.ID("r-text"), "The decision stands: the declaration was filed after the vote."))
	load(t, ctx, chromedp.Click(chromedp.CSS(`button[value=preview]`)))
	load(t, ctx, chromedp.Click(chromedp.ID("ruling-confirm")))
	mustContain(t, text(t, ctx, "#rul-h + p"), "Se confirma la decisión")
	signIn(t, ctx, rosa)
	waitFor(t, 30*time.Second, "the case closed by the ruling", func() bool {
		c, err := shared.svc.GetComplaint(bg, st, id)
		return err == nil && c.Status == "closed"
	})
	asRosa("/ethics/" + id + "?lang=en")
	mustContain(t, text(t, ctx, "main"), "Final decision")
	asRosa("/arbitrations/" + arbID + "?lang=en")
	asRosa("/notifications")
	shots(t, ctx, "ethics_closed", "/ethics/"+id, "es", "en")

	// Nothing the respondent reached names the complainant.
	waitFor(t, 30*time.Second, "the respondent's ruling email", func() bool {
		return strings.Contains(outboxText(t, rosa), arbID)
	})
	seen = append(seen, outboxText(t, rosa))
	all := strings.Join(seen, "\n")
	for what, secret := range map[string]string{"name": carla.Name, "email": carla.Email, "ID": carla.ID,
		"ALS ID": alsC.ID, "ALS name": alsC.Name, "receipt": code} {
		if strings.Contains(all, secret) {
			i := strings.Index(all, secret)
			t.Errorf("the respondent could read the complainant's %s (%q) in: …%s…", what, secret, all[max(0, i-200):min(len(all), i+200)])
		}
	}
}

// committeeOf lists the committee members of a case who are not recused.
func committeeOf(t *testing.T, staff *service.Actor, id string) []string {
	t.Helper()
	c, err := shared.svc.GetComplaint(context.Background(), staff, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range c.Committee {
		if !m.Recused {
			out = append(out, m.MemberID)
		}
	}
	return out
}
