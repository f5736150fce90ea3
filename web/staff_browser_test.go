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

// TestBrowserStaff visits the staff pages in Chromium as an admin, in
// Spanish and English at desktop and phone width: the roster preview of a
// CSV with one bad line and one that updates a member, the outbox with a failed message, and the policy
// in force. No page scrolls sideways on a phone.
func TestBrowserStaff(t *testing.T) {
	ctx, cancel := context.WithTimeout(browser(t), 4*time.Minute)
	defer cancel()
	country(t, "CO", "Colombia")
	admin := memberOf(t, "Beatriz Administradora", "es", "CO", "", store.RoleAdmin)
	to := memberOf(t, "Joaquín Destinatario con Nombre Largo", "es", "CO", "")
	failedMessage(t, to, "550 5.1.1 <"+to.Email+">: Recipient address rejected: User unknown in virtual mailbox table")
	tag := fmt.Sprintf("%d", time.Now().UnixNano()%1e6)
	csv := "name,email,country,country_name,subregion,als,language,roles\n" +
		"María Fernanda Quispe " + tag + ",maria." + tag + "@example.org,PE,Perú,andes,ALS Red Andina " + tag + ",es,als_rep\n" +
		"João Pereira " + tag + ",joao." + tag + "@example.org,BR,Brasil,mercosur,,pt,\n" +
		"Sin Correo " + tag + ",no-es-un-correo,CO,Colombia,,,es,\n" +
		to.Name + "," + to.Email + ",CO,Colombia,,,pt,als_rep\n"

	signIn(t, ctx, admin)
	for _, l := range []string{"es", "en"} {
		for _, width := range []int64{1280, 390} {
			do(t, ctx, chromedp.EmulateViewport(width, 800))
			load(t, ctx, chromedp.Navigate(shared.url+"/staff/roster?lang="+l))
			do(t, ctx, chromedp.SetValue(chromedp.ID("csv"), csv))
			load(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/staff/roster/preview"] button`)))
			mustContain(t, text(t, ctx, ".problems"), "email")
			mustContain(t, text(t, ctx, ".roster-members"), "João Pereira "+tag)
			mustContain(t, text(t, ctx, `.roster-lines tr[data-line-status="update"]`), to.Name)
			noSideways(t, ctx, "roster preview", l, width)
			shot(t, ctx, "staff_roster_preview", l, width)
			for name, path := range map[string]string{"staff_outbox": "/staff/outbox", "staff_policy": "/staff/policy"} {
				load(t, ctx, chromedp.Navigate(shared.url+path+"?lang="+l))
				noSideways(t, ctx, path, l, width)
				shot(t, ctx, name, l, width)
			}
		}
	}
	if _, err := shared.app.Store.MemberByEmail(context.Background(), "joao."+tag+"@example.org"); err == nil {
		t.Fatal("the preview created a member")
	}
	// Fixed, previewed and confirmed from the page: the roster the browser
	// posts back is the one previewed.
	do(t, ctx, chromedp.EmulateViewport(1280, 800))
	load(t, ctx, chromedp.Navigate(shared.url+"/staff/roster?lang=en"))
	do(t, ctx, chromedp.SetValue(chromedp.ID("csv"), strings.Replace(csv, "no-es-un-correo", "sin."+tag+"@example.org", 1)))
	load(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/staff/roster/preview"] button`)))
	load(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/staff/roster/import"] button`)))
	mustContain(t, text(t, ctx, "main"), "members 3")
	shot(t, ctx, "staff_roster_imported", "en", 1280)
	if _, err := shared.app.Store.MemberByEmail(context.Background(), "joao."+tag+"@example.org"); err != nil {
		t.Fatal("the import from the page created no member")
	}
}

func noSideways(t *testing.T, ctx context.Context, what, lang string, width int64) {
	t.Helper()
	if w := get(t, ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`)); w > width {
		t.Errorf("%s in %s at %dpx is %dpx wide: it scrolls sideways", what, lang, width, w)
	}
}
