package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lacralo/ralo/store"
)

// TestBrowserStatement drafts a statement in Spanish and English through
// its pages: penholders volunteer, each group posts a version (the
// English one marked a translation), the Spanish group moves ahead (out
// of step), the line-numbered diff, a member's comment and its
// resolution. Screenshots in es and en at desktop and phone width.
func TestBrowserStatement(t *testing.T) {
	ctx, cancel := context.WithTimeout(browser(t), 4*time.Minute)
	defer cancel()
	country(t, "AR", "Argentina")
	staff := memberOf(t, "Sofía Staff", "es", "AR", "", store.RoleStaff)
	lucia := memberOf(t, "Lucía Pluma", "es", "AR", "")
	john := memberOf(t, "John Pen", "en", "AR", "")
	pedro := memberOf(t, "Pedro Lector", "es", "AR", "")
	zone, err := time.LoadLocation("America/Argentina/Buenos_Aires")
	if err != nil {
		t.Fatal(err)
	}
	closes := time.Now().Add(30 * 24 * time.Hour).In(zone).Format("2006-01-02T15:04")

	// Staff open the statement from the form; a refusal keeps the input.
	signIn(t, ctx, staff)
	load(t, ctx, chromedp.Navigate(shared.url+"/statements?lang=es"))
	load(t, ctx, chromedp.Click(chromedp.ID("open-statement")))
	title := fmt.Sprintf("Aceptación universal %d", time.Now().UnixNano()%1e6)
	do(t, ctx, chromedp.SendKeys(chromedp.ID("title"), title), chromedp.SendKeys(chromedp.ID("url"), "https://www.icann.org/public-comments/ua"))
	setValue(t, ctx, "closes_at", closes)
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('input[name^="lang."]').forEach(c => c.checked = false)`))
	load(t, ctx, chromedp.Submit(chromedp.ID("title")))
	mustContain(t, text(t, ctx, ".field-error"), "Marque al menos un grupo")
	if v := get(t, ctx, chromedp.Value(chromedp.ID("title"))); v != title {
		t.Fatalf("the title was not kept: %q", v)
	}
	for _, width := range []int64{1280, 390} {
		do(t, ctx, chromedp.EmulateViewport(width, 800))
		shot(t, ctx, "statement_new_refused", "es", width)
	}
	do(t, ctx, chromedp.EmulateViewport(1280, 800), chromedp.Click(chromedp.ID("lang-es")), chromedp.Click(chromedp.ID("lang-en")))
	load(t, ctx, chromedp.Submit(chromedp.ID("title")))
	loc := get(t, ctx, chromedp.Location())
	id := strings.TrimSuffix(strings.TrimPrefix(loc, shared.url+"/statements/"), "?done=opened")
	mustContain(t, text(t, ctx, ".notice"), "Declaración abierta")
	if !strings.HasPrefix(id, "stm") {
		t.Fatalf("after opening: %s", loc)
	}
	path := "/statements/" + id

	// Lucía volunteers for the Spanish group and posts the first version.
	signIn(t, ctx, lucia)
	load(t, ctx, chromedp.Navigate(shared.url+path+"?lang=es"))
	load(t, ctx, chromedp.Click(chromedp.CSS(`#group-es form[action$="/penholders"] button`)))
	do(t, ctx, chromedp.SetValue(chromedp.ID("text-es"), "LACRALO apoya la aceptación universal.\nPedimos plazos realistas.\nY traducción al español."))
	load(t, ctx, chromedp.Submit(chromedp.ID("text-es")))
	mustContain(t, text(t, ctx, "#group-es"), "v1")

	// John volunteers for English, posts a translation and opens comments.
	signIn(t, ctx, john)
	load(t, ctx, chromedp.Navigate(shared.url+path+"?lang=en"))
	load(t, ctx, chromedp.Click(chromedp.CSS(`#group-en form[action$="/penholders"] button`)))
	do(t, ctx, chromedp.SetValue(chromedp.ID("text-en"), "LACRALO supports universal acceptance.\nWe ask for realistic deadlines.\nAnd a Spanish translation."),
		chromedp.SetValue(chromedp.ID("tr-en"), "es/1"), chromedp.Click(chromedp.ID("oc-en")))
	load(t, ctx, chromedp.Submit(chromedp.ID("text-en")))
	mustContain(t, text(t, ctx, "#group-en"), "translation of es v1")

	// Lucía moves the Spanish draft ahead: the groups are out of step.
	signIn(t, ctx, lucia)
	load(t, ctx, chromedp.Navigate(shared.url+path+"?lang=es"))
	do(t, ctx, chromedp.SetValue(chromedp.ID("text-es"), "LACRALO apoya la aceptación universal.\nPedimos plazos de doce meses.\nY traducción al español."),
		chromedp.Click(chromedp.ID("oc-es")))
	load(t, ctx, chromedp.Submit(chromedp.ID("text-es")))
	mustContain(t, text(t, ctx, "main"), "Desfasadas")
	load(t, ctx, chromedp.Navigate(shared.url+path+"/diff?lang_group=es&from=1&to=2"))
	mustContain(t, text(t, ctx, "tr.diff-add"), "doce meses")
	mustContain(t, text(t, ctx, "tr.diff-del"), "plazos realistas")
	if n := text(t, ctx, "tr.diff-add td.num:nth-child(2)"); n != "2" {
		t.Fatalf("the added line is numbered %q, want 2", n)
	}

	// Pedro comments on the Spanish version; Lucía incorporates it.
	signIn(t, ctx, pedro)
	load(t, ctx, chromedp.Navigate(shared.url+path+"?lang=es"))
	do(t, ctx, chromedp.SendKeys(chromedp.ID("comment-es"), "Sugiero citar la recomendación de la ALAC."))
	load(t, ctx, chromedp.Submit(chromedp.ID("comment-es")))
	mustContain(t, text(t, ctx, "#group-es"), "Sugiero citar")
	signIn(t, ctx, lucia)
	load(t, ctx, chromedp.Navigate(shared.url+path+"?lang=es"))
	do(t, ctx, chromedp.SendKeys(chromedp.CSS(`#group-es textarea[name=reply]`), "Incorporado en el párrafo 2."))
	load(t, ctx, chromedp.Submit(chromedp.CSS(`#group-es textarea[name=reply]`)))
	mustContain(t, text(t, ctx, "#group-es article.comment"), "incorporado")

	for _, l := range []string{"es", "en"} {
		for name, p := range map[string]string{"statement_list": "/statements", "statement_detail": path, "statement_new": "/statements/new",
			"statement_diff": path + "/diff?lang_group=es&from=1&to=2&"} {
			for _, width := range []int64{1280, 390} {
				do(t, ctx, chromedp.EmulateViewport(width, 800))
				sep := "?"
				if p[len(p)-1] == '&' {
					sep = ""
				}
				load(t, ctx, chromedp.Navigate(shared.url+p+sep+"lang="+l))
				shot(t, ctx, name, l, width)
			}
		}
	}
}

// TestBrowserPrioritiesSurvey: staff open a priorities survey, two members
// rank its topics with the number inputs (one first types a number
// twice and is refused, the numbers kept), and once it closes the results
// order the statements agenda. Screenshots in es and en at both widths.
func TestBrowserPrioritiesSurvey(t *testing.T) {
	ctx, cancel := context.WithTimeout(browser(t), 2*time.Minute)
	defer cancel()
	country(t, "AR", "Argentina")
	staff := memberOf(t, "Sara Staff", "es", "AR", "", store.RoleStaff)
	ana := memberOf(t, "Ana Encuestada", "es", "AR", "")
	ben := memberOf(t, "Ben Surveyed", "en", "AR", "")
	zone, err := time.LoadLocation("America/Argentina/Buenos_Aires")
	if err != nil {
		t.Fatal(err)
	}
	closes := time.Now().Add(25 * time.Second)
	signIn(t, ctx, staff)
	load(t, ctx, chromedp.Navigate(shared.url+"/priorities?lang=es"))
	do(t, ctx, chromedp.SendKeys(chromedp.ID("survey-title"), fmt.Sprintf("Prioridades %d", time.Now().UnixNano()%1e6)),
		chromedp.SetValue(chromedp.ID("topics"), "Abuso del DNS\nAceptación universal\nNombres de dominio internacionalizados"))
	setValue(t, ctx, "survey-closes", closes.In(zone).Format("2006-01-02T15:04:05"))
	load(t, ctx, chromedp.Submit(chromedp.ID("survey-title")))
	path := strings.TrimPrefix(get(t, ctx, chromedp.Location()), shared.url)
	if !strings.HasPrefix(path, "/priorities/") {
		t.Fatalf("after opening the survey: %s", path)
	}

	rank := func(m store.Member, lang string, ranks ...string) {
		t.Helper()
		signIn(t, ctx, m)
		load(t, ctx, chromedp.Navigate(shared.url+path+"?lang="+lang))
		for i, r := range ranks {
			setValue(t, ctx, fmt.Sprintf("rank-%d", i), r)
		}
		load(t, ctx, chromedp.Click(chromedp.ID("rank-submit")))
	}
	rank(ana, "es", "1", "1", "2")
	mustContain(t, text(t, ctx, ".field-error"), "cada número una sola vez")
	if v := get(t, ctx, chromedp.Value(chromedp.ID("rank-2"))); v != "2" {
		t.Fatalf("the ranks were not kept: %q", v)
	}
	for _, width := range []int64{1280, 390} {
		do(t, ctx, chromedp.EmulateViewport(width, 800))
		shot(t, ctx, "statement_survey_refused", "es", width)
	}
	for _, l := range []string{"es", "en"} {
		for _, width := range []int64{1280, 390} {
			do(t, ctx, chromedp.EmulateViewport(width, 800))
			load(t, ctx, chromedp.Navigate(shared.url+path+"?lang="+l))
			shot(t, ctx, "statement_survey", l, width)
		}
	}
	do(t, ctx, chromedp.EmulateViewport(1280, 800))
	rank(ana, "es", "2", "", "1")
	mustContain(t, text(t, ctx, "#ranked"), "registrado")
	rank(ben, "en", "3", "2", "1")

	time.Sleep(time.Until(closes) + time.Second)
	load(t, ctx, chromedp.Navigate(shared.url+path+"?lang=en"))
	if got := text(t, ctx, "table.survey-results tbody tr:first-child"); !strings.Contains(got, "Nombres de dominio") {
		t.Errorf("first topic: %q, want the IDNs ranked first by both", got)
	}
	for _, l := range []string{"es", "en"} {
		for _, width := range []int64{1280, 390} {
			do(t, ctx, chromedp.EmulateViewport(width, 800))
			load(t, ctx, chromedp.Navigate(shared.url+path+"?lang="+l))
			shot(t, ctx, "statement_survey_results", l, width)
			load(t, ctx, chromedp.Navigate(shared.url+"/priorities?lang="+l))
			shot(t, ctx, "statement_surveys", l, width)
		}
	}
}

// TestBrowserSurveyDrag: with JavaScript, a member ranks the survey's
// topics by dragging them (rank.js numbers the same inputs the form
// sends); back at the survey, the ranking is prefilled in the inputs.
func TestBrowserSurveyDrag(t *testing.T) {
	ctx, cancel := context.WithTimeout(browser(t), 2*time.Minute)
	defer cancel()
	country(t, "AR", "Argentina")
	staff := memberOf(t, "Sol Staff", "es", "AR", "", store.RoleStaff)
	ana := memberOf(t, "Ana Arrastra", "es", "AR", "")
	sv, err := shared.app.Store.CreateSurvey(context.Background(), store.Actor{MemberID: staff.ID}, store.SurveyInput{
		Title: "Prioridades por arrastre", Topics: []string{"DNS abuse", "WHOIS", "IDN"}, ClosesAt: time.Now().Add(time.Hour)}, "member")
	if err != nil {
		t.Fatal(err)
	}
	path := shared.url + "/priorities/" + sv.ID
	signIn(t, ctx, ana)
	load(t, ctx, chromedp.Navigate(path+"?lang=es"))
	mustContain(t, text(t, ctx, "[data-drag-hint]"), "arrastrar")
	// IDN dragged above DNS abuse: IDN first, then DNS abuse, then WHOIS.
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		const rows = [...document.querySelectorAll('form.survey .candidate')], dt = new DataTransfer();
		const at = rows[0].getBoundingClientRect().top + 1, ev = (type) => new DragEvent(type, {dataTransfer: dt, bubbles: true, cancelable: true, clientY: at});
		rows[2].dispatchEvent(ev('dragstart'));
		rows[0].dispatchEvent(ev('dragover'));
		rows[0].dispatchEvent(ev('drop'));
		rows[2].dispatchEvent(ev('dragend'));
	})()`))
	order := func() string {
		return get(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('form.survey .candidate')].map(r => r.querySelector('label').textContent + '=' + r.querySelector('input').value).join(',')`))
	}
	if got := order(); got != "IDN=1,DNS abuse=2,WHOIS=3" {
		t.Fatalf("after the drag: %s", got)
	}
	for _, width := range []int64{1280, 390} {
		do(t, ctx, chromedp.EmulateViewport(width, 800))
		shot(t, ctx, "statement_survey_drag", "es", width)
	}
	do(t, ctx, chromedp.EmulateViewport(1280, 800))
	load(t, ctx, chromedp.Click(chromedp.ID("rank-submit")))
	mustContain(t, text(t, ctx, "#ranked"), "Su orden quedó registrado")
	load(t, ctx, chromedp.Navigate(path+"?lang=en"))
	mustContain(t, text(t, ctx, "#prefilled"), "Your previous ranking is filled in")
	for i, want := range []string{"2", "3", "1"} {
		if v := get(t, ctx, chromedp.Value(chromedp.ID(fmt.Sprintf("rank-%d", i)))); v != want {
			t.Errorf("topic %d prefilled %q, want %q", i, v, want)
		}
	}
	// With JavaScript the list shows the ranking in its order.
	if got := order(); got != "IDN=1,DNS abuse=2,WHOIS=3" {
		t.Errorf("the prefilled list: %s", got)
	}
	shot(t, ctx, "statement_survey_prefilled", "en", 1280)
}
