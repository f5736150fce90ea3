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
// arbitrator confirms and schedules the hearing, a party submits and
// downloads the invitation, the arbitrator previews and confirms the
// ruling, and the public ruling page shows its SHA-256.
func TestBrowserArbitration(t *testing.T) {
	ctx, cancel := context.WithTimeout(browser(t), 6*time.Minute)
	defer cancel()
	bg := context.Background()
	country(t, "CL", "Chile")
	alsF, alsY := newALS(t, "ALS Austral", "CL"), newALS(t, "ALS Pacífico", "CL")
	felipe := memberOf(t, "Felipe Parte", "es", "CL", alsF.ID)
	memberOf(t, "Rita Representante", "es", "CL", alsY.ID, store.RoleALSRep)
	sol := memberOf(t, "Sol Staff", "es", "CL", "", store.RoleStaff)
	alba := memberOf(t, "Alba Árbitra", "es", "CL", alsF.ID, store.RoleArbitrator) // same ALS as the filer
	ivan := memberOf(t, "Iván Árbitro", "en", "CL", "", store.RoleArbitrator)

	// Filing, refused first without a party.
	signIn(t, ctx, felipe)
	shots(t, ctx, "arbitration_new", "/arbitrations/new", "es", "en")
	load(t, ctx, chromedp.Navigate(shared.url+"/arbitrations/new?lang=es"))
	question := "¿Puede una ALS votar por poder dos veces en el mismo ciclo?"
	do(t, ctx, chromedp.SendKeys(chromedp.ID("question"), question), chromedp.SendKeys(chromedp.ID("articles"), "PO 7.2, RP 12.8"))
	load(t, ctx, chromedp.Submit(chromedp.ID("question")))
	mustContain(t, text(t, ctx, "main"), "Revise este campo")
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
	zone := zoneFor(t, "CL")
	do(t, ctx, chromedp.SendKeys(chromedp.ID("location"), "https://meet.example.org/arbitration"))
	load(t, ctx, chromedp.Submit(chromedp.ID("location")))
	mustContain(t, text(t, ctx, "main .field-error"), "valid date")
	if v := get(t, ctx, chromedp.Value(chromedp.ID("location"))); v != "https://meet.example.org/arbitration" {
		t.Fatalf("the location was not kept: %q", v)
	}
	shot(t, ctx, "arbitration_hearing_refused", "en", 1280)
	starts := challengeEnds.Add(3 * time.Second)
	setValue(t, ctx, "starts_at", starts.In(zone).Format("2006-01-02T15:04:05"))
	load(t, ctx, chromedp.Submit(chromedp.ID("location")))
	mustContain(t, text(t, ctx, "#h-h"), "Hearing")
	shots(t, ctx, "arbitration_arbitrator", path, "es", "en")

	// Once the challenge window closes, a party submits, with the time
	// left, and downloads the invitation.
	time.Sleep(time.Until(challengeEnds) + time.Second)
	signIn(t, ctx, felipe)
	load(t, ctx, chromedp.Navigate(shared.url+path+"?lang=es"))
	mustContain(t, text(t, ctx, "main"), "Puede presentar escritos hasta")
	do(t, ctx, chromedp.SendKeys(chromedp.ID("sub-text"), "El artículo 12.8 limita los poderes a uno por ALS."))
	load(t, ctx, chromedp.Submit(chromedp.ID("sub-text")))
	mustContain(t, text(t, ctx, "#sub-h + ol"), "12.8")
	shots(t, ctx, "arbitration_party", path, "es", "en")
	load(t, ctx, chromedp.Navigate(shared.url+path+"?lang=es"))
	status, ics := download(t, ctx, path+"/hearing.ics")
	if status != 200 || !strings.Contains(ics, "BEGIN:VCALENDAR") || !strings.Contains(ics, "audiencia") {
		t.Fatalf("hearing.ics: %d %q", status, ics)
	}

	// After the hearing starts, the ruling: preview, then confirmation.
	time.Sleep(time.Until(starts) + time.Second)
	signIn(t, ctx, ivan)
	load(t, ctx, chromedp.Navigate(shared.url+path+"?lang=en"))
	ruling := "A member ALS holds at most one proxy per cycle (RoP 12.8).\nThe second proxy is void."
	do(t, ctx, chromedp.Click(chromedp.ID("out-decided")), chromedp.SendKeys(chromedp.ID("r-articles"), "RoP 12.8"),
		chromedp.SetValue(chromedp.ID("r-text"), ruling))
	load(t, ctx, chromedp.Click(chromedp.CSS(`button[value=preview]`)))
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
