package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lacralo/ralo/service"
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
	bg := context.Background()
	country(t, "AR", "Argentina")
	staff := memberOf(t, "Sofía Staff", "es", "AR", "", store.RoleStaff)
	lucia := memberOf(t, "Lucía Pluma", "es", "AR", "")
	john := memberOf(t, "John Pen", "en", "AR", "")
	pedro := memberOf(t, "Pedro Lector", "es", "AR", "")
	closes := time.Now().Add(30 * 24 * time.Hour)
	doc, err := shared.svc.OpenStatement(bg, &service.Actor{Member: staff}, service.StatementRequest{
		Proceeding: service.ProceedingRequest{Title: fmt.Sprintf("Aceptación universal %d", time.Now().UnixNano()%1e6),
			URL: "https://www.icann.org/public-comments/ua", ClosesAt: &closes}})
	if err != nil {
		t.Fatal(err)
	}
	path := "/statements/" + doc.ID

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
		for name, p := range map[string]string{"statement_list": "/statements", "statement_detail": path,
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
