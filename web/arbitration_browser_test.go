package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows/arbitration"
)

// shotHere writes the page as it is now (the answer to a POST) at desktop
// and phone width.
func shotHere(t *testing.T, ctx context.Context, name, lang string) {
	t.Helper()
	shot(t, ctx, name, lang, 1280)
	do(t, ctx, chromedp.EmulateViewport(390, 800))
	shot(t, ctx, name, lang, 390)
	do(t, ctx, chromedp.EmulateViewport(1280, 800))
}

// TestBrowserArbitration runs an arbitration through its pages in
// Chromium: a member files a question against an ALS (refused first
// without a party, the question kept), staff assign from the roster where
// an arbitrator with a conflict is refused with the reason shown, the
// filer challenges the arbitrator within the window and staff reject the
// challenge, the arbitrator confirms and schedules the hearing, a party
// submits, downloads the invitation and refers the matter to the ICANN
// Ombudsman, whose outcome staff record; after the hearing the arbitrator
// extends the ruling deadline once with a reason (a second extension,
// from pages loaded before the first, is refused in the reader's
// language with the typed reason kept), previews the ruling (es, then
// en) and confirms it, and the public ruling page shows its SHA-256.
func TestBrowserArbitration(t *testing.T) {
	ctx, cancel := context.WithTimeout(browser(t), 10*time.Minute)
	defer cancel()
	bg := context.Background()
	country(t, "CL", "Chile")
	alsF, alsY := newALS(t, "ALS Austral", "CL"), newALS(t, "ALS Pacífico", "CL")
	felipe := memberOf(t, "Felipe Parte", "es", "CL", alsF.ID)
	memberOf(t, "Rita Representante", "es", "CL", alsY.ID, store.RoleALSRep)
	sol := memberOf(t, "Sol Staff", "es", "CL", "", store.RoleStaff)
	alba := memberOf(t, "Alba Árbitra", "es", "CL", alsF.ID, store.RoleArbitrator) // same ALS as the filer
	ivan := memberOf(t, "Iván Árbitro", "en", "CL", "", store.RoleArbitrator)
	zone := zoneFor(t, "CL")

	// Filing, refused first without a party.
	signIn(t, ctx, felipe)
	shots(t, ctx, "arbitration_new", "/arbitrations/new", "es", "en")
	load(t, ctx, chromedp.Navigate(shared.url+"/arbitrations/new?lang=es"))
	question := "¿Puede una ALS votar por poder dos veces en el mismo ciclo?"
	do(t, ctx, chromedp.SendKeys(chromedp.ID("question"), question), chromedp.SendKeys(chromedp.ID("articles"), "PO 7.2, RP 12.8"))
	load(t, ctx, chromedp.Submit(chromedp.ID("question")))
	mustContain(t, text(t, ctx, "main"), "Elija al menos una parte")
	if v := get(t, ctx, chromedp.Value(chromedp.ID("question"))); v != question {
		t.Fatalf("the question was not kept: %q", v)
	}
	shot(t, ctx, "arbitration_new_refused", "es", 1280)
	do(t, ctx, chromedp.Click(chromedp.ID("party-"+alsY.ID)))
	load(t, ctx, chromedp.Submit(chromedp.ID("question")))
	mustContain(t, text(t, ctx, "main"), "Caso presentado")
	loc := get(t, ctx, chromedp.Location())
	id := strings.TrimSuffix(strings.TrimPrefix(loc, shared.url+"/arbitrations/"), "?filed")
	path := "/arbitrations/" + id
	shots(t, ctx, "arbitration_list", "/arbitrations", "es", "en")

	// The filer keeps a browser of their own (the challenge window of the
	// tests' policy is short: they act as soon as the arbitrator is named).
	fctx, cancelF := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	defer cancelF()
	signIn(t, fctx, felipe)

	// Staff assign: the arbitrator with a conflict is refused, with why.
	signIn(t, ctx, sol)
	load(t, ctx, chromedp.Navigate(shared.url+path+"?lang=es"))
	why := text(t, ctx, "#arb-"+alba.ID+"-why")
	mustContain(t, why, "ALS Austral")
	if disabled := get(t, ctx, chromedp.Evaluate[bool](`document.getElementById('arb-`+alba.ID+`').disabled`)); !disabled {
		t.Fatal("an arbitrator with a conflict can be chosen")
	}
	shots(t, ctx, "arbitration_assign", path, "es", "en")
	do(t, ctx, chromedp.Click(chromedp.ID("arb-"+ivan.ID)))
	load(t, ctx, chromedp.Submit(chromedp.ID("arb-"+ivan.ID)))
	mustContain(t, text(t, ctx, "main"), "Iván Árbitro")

	// The filer challenges the arbitrator within the window, with the
	// time left shown; staff reject the challenge, with a reason.
	load(t, fctx, chromedp.Navigate(shared.url+path+"?lang=es"))
	do(t, fctx, chromedp.Click(chromedp.CSS(`details:has(#ch-reason) > summary`)))
	mustContain(t, text(t, fctx, `form[action$="/challenge"] .hint`), "Puede impugnar hasta")
	do(t, fctx, chromedp.SendKeys(chromedp.ID("ch-reason"), "El árbitro asesoró a ALS Pacífico en 2025."))
	load(t, fctx, chromedp.Submit(chromedp.ID("ch-reason")))
	mustContain(t, text(t, fctx, "#ch-h + ul"), "pendiente de decisión")
	shots(t, fctx, "arbitration_challenged", path, "es", "en")
	load(t, ctx, chromedp.Navigate(shared.url+path+"?lang=en"))
	mustContain(t, text(t, ctx, `form[action$="/decide_challenge"]`), "Decide the challenge")
	shots(t, ctx, "arbitration_challenge_decide", path, "es", "en")
	load(t, ctx, chromedp.Navigate(shared.url+path+"?lang=es"))
	do(t, ctx, chromedp.Click(chromedp.ID("dc-reject")),
		chromedp.SendKeys(chromedp.ID("dc-reason"), "El asesoramiento terminó antes de la presentación del caso."))
	load(t, ctx, chromedp.Submit(chromedp.ID("dc-reason")))
	mustContain(t, text(t, ctx, "#ch-h + ul"), "rechazada")
	shots(t, fctx, "arbitration_challenge_rejected", path, "es", "en")

	// The arbitrator confirms and schedules the hearing after the
	// challenge window; a hearing without its date is refused, the input
	// kept.
	signIn(t, ctx, ivan)
	load(t, ctx, chromedp.Navigate(shared.url+path+"?lang=en"))
	load(t, ctx, chromedp.Submit(chromedp.CSS(`form[action$="/confirm"]`)))
	a, err := shared.svc.GetArbitration(bg, &service.Actor{Member: sol}, id)
	if err != nil {
		t.Fatal(err)
	}
	var challengeEnds time.Time
	for _, d := range a.Deadlines {
		if d.Name == "challenge_window" {
			challengeEnds = d.At
		}
	}
	do(t, ctx, chromedp.SendKeys(chromedp.ID("location"), "https://meet.example.org/arbitration"))
	load(t, ctx, chromedp.Submit(chromedp.ID("location")))
	mustContain(t, text(t, ctx, "main .field-error"), "valid date")
	if v := get(t, ctx, chromedp.Value(chromedp.ID("location"))); v != "https://meet.example.org/arbitration" {
		t.Fatalf("the location was not kept: %q", v)
	}
	shot(t, ctx, "arbitration_hearing_refused", "en", 1280)
	starts := challengeEnds.Add(3 * time.Second)
	if soon := time.Now().Add(10 * time.Second); starts.Before(soon) {
		starts = soon
	}
	setValue(t, ctx, "starts_at", starts.In(zone).Format("2006-01-02T15:04:05"))
	load(t, ctx, chromedp.Submit(chromedp.ID("location")))
	mustContain(t, text(t, ctx, "#h-h"), "Hearing")
	shots(t, ctx, "arbitration_arbitrator", path, "es", "en")

	// Once the challenge window closes, a party submits, with the time
	// left, and downloads the invitation.
	time.Sleep(time.Until(challengeEnds) + time.Second)
	load(t, fctx, chromedp.Navigate(shared.url+path+"?lang=es"))
	mustContain(t, text(t, fctx, "main"), "Puede presentar escritos hasta")
	do(t, fctx, chromedp.SendKeys(chromedp.ID("sub-text"), "El artículo 12.8 limita los poderes a uno por ALS."))
	load(t, fctx, chromedp.Submit(chromedp.ID("sub-text")))
	mustContain(t, text(t, fctx, "#sub-h + ol"), "12.8")
	shots(t, fctx, "arbitration_party", path, "es", "en")
	load(t, fctx, chromedp.Navigate(shared.url+path+"?lang=es"))
	status, ics := download(t, fctx, path+"/hearing.ics")
	if status != 200 || !strings.Contains(ics, "BEGIN:VCALENDAR") || !strings.Contains(ics, "audiencia") {
		t.Fatalf("hearing.ics: %d %q", status, ics)
	}

	// The party also refers the matter to the ICANN Ombudsman (the date it
	// wrote to them); staff later record the Ombudsman's outcome.
	referred := time.Now().Add(-2 * time.Hour).In(zone).Truncate(time.Minute)
	do(t, fctx, chromedp.Click(chromedp.CSS(`details:has(#referred_at) > summary`)))
	setValue(t, fctx, "referred_at", referred.Format("2006-01-02T15:04"))
	load(t, fctx, chromedp.Submit(chromedp.ID("referred_at")))
	mustContain(t, text(t, fctx, "#omb-h + p"), referred.Format("15:04"))
	shots(t, fctx, "arbitration_ombudsman_referred", path, "es", "en")
	signIn(t, ctx, sol)
	load(t, ctx, chromedp.Navigate(shared.url+path+"?lang=es"))
	outcome := "El Ombudsman de la ICANN no abre una investigación: el arbitraje sigue su curso."
	do(t, ctx, chromedp.SendKeys(chromedp.ID("omb-outcome"), outcome))
	load(t, ctx, chromedp.Submit(chromedp.ID("omb-outcome")))
	mustContain(t, text(t, ctx, "#omb-outcome-text"), outcome)
	shots(t, fctx, "arbitration_ombudsman_outcome", path, "es", "en")

	// After the hearing starts, the arbitrator extends the ruling deadline
	// once, with a reason. Two more pages, loaded before (es, en), still
	// offer the extension: each is refused in its reader's language, the
	// reason typed kept.
	time.Sleep(time.Until(starts) + time.Second)
	signIn(t, ctx, ivan)
	stale := map[string]context.Context{}
	for _, lang := range []string{"en", "es"} {
		tab, cancelTab := chromedp.NewContext(ctx)
		defer cancelTab()
		load(t, tab, chromedp.Navigate(shared.url+path+"?lang="+lang))
		stale[lang] = tab
	}
	load(t, ctx, chromedp.Navigate(shared.url+path+"?lang=es"))
	extend := func(tab context.Context, days, reason string) {
		t.Helper()
		do(t, tab, chromedp.Click(chromedp.CSS(`details:has(#ext-reason) > summary`)))
		setValue(t, tab, "days", days)
		do(t, tab, chromedp.SendKeys(chromedp.ID("ext-reason"), reason))
		load(t, tab, chromedp.Submit(chromedp.ID("ext-reason")))
	}
	extend(ctx, "10", "Las partes pidieron presentar las actas de 2025.")
	mustContain(t, text(t, ctx, "#extension"), "Plazo del fallo prorrogado 10 días, hasta el ")
	mustContain(t, text(t, ctx, "#extension"), ": Las partes pidieron presentar las actas de 2025.")
	shotHere(t, ctx, "arbitration_extended", "es")
	for _, lang := range []string{"es", "en"} {
		want := map[string]string{
			"es": "El plazo del fallo ya se prorrogó una vez, hasta el ",
			"en": "The ruling deadline has already been extended once, to ",
		}[lang]
		reason := map[string]string{"es": "Una segunda prórroga", "en": "A second extension"}[lang]
		if lang == "en" {
			load(t, ctx, chromedp.Navigate(shared.url+path+"?lang=en"))
			mustContain(t, text(t, ctx, "#extension"), "Ruling deadline extended by 10 days, to ")
			shotHere(t, ctx, "arbitration_extended", "en")
		}
		extend(stale[lang], "5", reason)
		got := text(t, stale[lang], "main")
		mustContain(t, got, want)
		mustContain(t, text(t, stale[lang], "#unsent"), reason)
		if strings.Contains(got, "the ruling deadline has already been extended once") {
			t.Errorf("%s: the workflow's English sentence is shown", lang)
		}
		shotHere(t, stale[lang], "arbitration_extend_refused", lang)
	}

	// The ruling: preview (es, then back to edit with everything kept, and
	// in en), then confirmation.
	ruling := "A member ALS holds at most one proxy per cycle (RoP 12.8).\nThe second proxy is void."
	write := func(lang string) {
		t.Helper()
		load(t, ctx, chromedp.Navigate(shared.url+path+"?lang="+lang))
		do(t, ctx, chromedp.Click(chromedp.ID("out-decided")), chromedp.SendKeys(chromedp.ID("r-articles"), "RoP 12.8"),
			chromedp.SetValue(chromedp.ID("r-text"), ruling))
		load(t, ctx, chromedp.Click(chromedp.CSS(`button[value=preview]`)))
	}
	write("es")
	mustContain(t, text(t, ctx, "#preview"), "no se puede cambiar")
	shotHere(t, ctx, "arbitration_ruling_preview", "es")
	load(t, ctx, chromedp.Click(chromedp.CSS(`button[value=edit]`)))
	if v := get(t, ctx, chromedp.Value(chromedp.ID("r-text"))); v != ruling {
		t.Fatalf("editing the previewed ruling lost its text: %q", v)
	}
	write("en")
	mustContain(t, text(t, ctx, "#preview"), "cannot be changed")
	shotHere(t, ctx, "arbitration_ruling_preview", "en")
	if a, _ := shared.svc.GetArbitration(bg, &service.Actor{Member: sol}, id); a.Ruling != nil {
		t.Fatal("the preview recorded the ruling")
	}
	load(t, ctx, chromedp.Click(chromedp.ID("ruling-confirm")))
	mustContain(t, text(t, ctx, "#rul-h + p"), "Question decided")

	// The public ruling with its SHA-256.
	load(t, ctx, chromedp.Click(chromedp.CSS(`a[href="/public/rulings/`+id+`"]`)))
	if got, want := text(t, ctx, "#sha256"), arbitration.RulingTextHash(ruling); got != want {
		t.Fatalf("published SHA-256 %q, want %q", got, want)
	}
	mustContain(t, text(t, ctx, "main"), "matches the text")
	shots(t, ctx, "public_ruling", "/public/rulings/"+id, "es", "en")
	load(t, ctx, chromedp.Navigate(shared.url+"/public/rulings?lang=es"))
	mustContain(t, text(t, ctx, "main"), id)
	shots(t, ctx, "public_rulings", "/public/rulings", "es", "en")
}

// zoneFor is the zone the pages use for a member of the country.
func zoneFor(t *testing.T, cc string) *time.Location {
	t.Helper()
	names := map[string]string{"CL": "America/Santiago", "PE": "America/Lima"}
	loc, err := time.LoadLocation(names[cc])
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
