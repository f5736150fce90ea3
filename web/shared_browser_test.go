package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// TestBrowserShared visits the pages every role shares in Chromium, in
// Spanish and English at desktop and phone width: the directory, the
// ALSes and positions, the calendar (with a new feed address shown once)
// and the audit log after "verify chain". No page scrolls sideways on a
// phone.
func TestBrowserShared(t *testing.T) {
	ctx, cancel := context.WithTimeout(browser(t), 4*time.Minute)
	defer cancel()
	bg := context.Background()
	country(t, "CO", "Colombia")
	als := newALS(t, "ALS Colombia Conectada", "CO")
	staff := memberOf(t, "Lucía Secretaría", "es", "CO", "", store.RoleStaff)
	rep := memberOf(t, "Andrés Representante de Larga Denominación", "es", "CO", als.ID, store.RoleALSRep)
	yes := true
	skills := []string{"DNS", "políticas públicas", "traducción"}
	if _, err := shared.app.Store.UpdateMember(bg, store.Actor{}, rep.ID, store.MemberInput{Skills: &skills, SkillsPublic: &yes}); err != nil {
		t.Fatal(err)
	}
	end := time.Now().AddDate(2, 0, 0)
	for _, pos := range []string{"chair", "alac_member"} {
		if _, err := shared.app.Store.CreatePosition(bg, store.Actor{}, store.PositionInput{Position: pos, HolderID: rep.ID,
			TermStart: time.Now().Add(-time.Hour), TermEnd: &end}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := shared.svc.CreateMeeting(bg, &service.Actor{Member: staff}, service.MeetingRequest{Kind: store.MeetingWorkingGroup,
		Title: "Llamada mensual de coordinación de LACRALO", StartsAt: time.Now().Add(96 * time.Hour), Location: "https://meet.example.org/lacralo-coordinacion"}); err != nil {
		t.Fatal(err)
	}

	signIn(t, ctx, staff)
	// The calendar address, made from the page and shown once.
	do(t, ctx, chromedp.EmulateViewport(390, 800))
	load(t, ctx, chromedp.Navigate(shared.url+"/calendar?lang=es"))
	load(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/calendar/token"] button`)))
	mustContain(t, get(t, ctx, chromedp.Value(chromedp.ID("feed-url"))), "/api/v1/calendar.ics?token=ralofeed_")
	shot(t, ctx, "calendar_new", "es", 390)
	do(t, ctx, chromedp.EmulateViewport(1280, 800))
	// Verify chain from the audit page.
	load(t, ctx, chromedp.Navigate(shared.url+"/audit?lang=en"))
	load(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/audit/verify"] button`)))
	mustContain(t, text(t, ctx, ".result"), "The chain is intact.")
	shot(t, ctx, "audit_verified", "en", 1280)

	pages := map[string]string{"members": "/members", "als": "/als", "calendar": "/calendar", "audit": "/audit", "profile_digest": "/profile"}
	for _, l := range []string{"es", "en"} {
		for name, path := range pages {
			for _, width := range []int64{1280, 390} {
				do(t, ctx, chromedp.EmulateViewport(width, 800))
				load(t, ctx, chromedp.Navigate(shared.url+path+"?lang="+l))
				if w := get(t, ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`)); w > width {
					t.Errorf("%s in %s at %dpx is %dpx wide: it scrolls sideways", path, l, width, w)
				}
				shot(t, ctx, name, l, width)
			}
		}
	}
	do(t, ctx, chromedp.EmulateViewport(1280, 800))
	load(t, ctx, chromedp.Navigate(shared.url+"/members?lang=es&q=traducci"))
	mustContain(t, text(t, ctx, "main"), rep.Name)
}
