package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/store"
)

// TestBrowserALSReview: an ALS that missed its monthly calls is under
// accreditation review; staff open the participation page, find it at
// risk with the review form, are refused without an outcome (the note
// kept), then keep its accreditation: the page says so and shows the ALS
// inactive, without a vote, and without the form. Screenshots in es and
// en, before and after.
func TestBrowserALSReview(t *testing.T) {
	ctx, cancel := context.WithTimeout(browser(t), 3*time.Minute)
	defer cancel()
	bg := context.Background()
	country(t, "UY", "Uruguay")
	als := newALS(t, "ALS Silenciosa", "UY")
	staff := memberOf(t, "Sandra Staff", "es", "UY", "", store.RoleStaff)

	// Monthly calls long ago, so that no other test's period counts them,
	// and the inactivity rule evaluated after each: warned, inactive,
	// then sent to staff for review.
	st := shared.app.Store
	base := time.Date(2020, 1, 10, 14, 0, 0, 0, time.UTC)
	for i := range 4 {
		if _, err := st.CreateMeeting(bg, store.Actor{MemberID: staff.ID}, store.MeetingInput{Kind: store.MeetingAssembly,
			Title: "Llamada mensual de 2020", StartsAt: base.AddDate(0, i, 0), Duration: time.Hour}); err != nil {
			t.Fatal(err)
		}
	}
	day := 24 * time.Hour
	rule := domain.Params{MissedCalls: 3, Period: 60 * day, WarningBefore: 10 * day, RestoreWithin: 30 * day}
	for _, at := range []time.Time{base.AddDate(0, 4, 0), base.AddDate(0, 4, 11), base.AddDate(0, 5, 15)} {
		if _, _, err := st.EvaluateParticipation(bg, als.ID, at, rule); err != nil {
			t.Fatal(err)
		}
	}
	if s, err := st.VotingStatus(bg, als.ID); err != nil || s != domain.VotingReview {
		t.Fatalf("the ALS's standing: %q, %v; want review", s, err)
	}

	form := "#review-" + als.ID
	signIn(t, ctx, staff)
	for _, l := range []string{"en", "es"} {
		for _, width := range []int64{1280, 390} {
			do(t, ctx, chromedp.EmulateViewport(width, 800))
			load(t, ctx, chromedp.Navigate(shared.url+"/participation?lang="+l))
			shot(t, ctx, "participation_review", l, width)
		}
	}
	do(t, ctx, chromedp.EmulateViewport(1280, 800))
	mustContain(t, text(t, ctx, "#risk-h + ul"), als.Name)
	mustContain(t, text(t, ctx, form+" legend"), "Revisión de "+als.Name)

	// No outcome chosen: refused beside the choice, the note kept.
	note := "Se comprometió a asistir a la próxima llamada."
	do(t, ctx, chromedp.SendKeys(chromedp.ID("note-"+als.ID), note))
	load(t, ctx, chromedp.Click(chromedp.CSS(form+" button")))
	mustContain(t, text(t, ctx, form+" .field-error"), "Elija: mantener su acreditación o retirarla.")
	if v := get(t, ctx, chromedp.Value(chromedp.ID("note-"+als.ID))); v != note {
		t.Fatalf("the note was not kept: %q", v)
	}
	shot(t, ctx, "participation_review_refused", "es", 1280)

	// Keep: a fresh inactive episode, without a vote until it takes part.
	do(t, ctx, chromedp.Click(chromedp.ID("keep-"+als.ID)))
	load(t, ctx, chromedp.Click(chromedp.CSS(form+" button")))
	mustContain(t, text(t, ctx, "#reviewed"), "Revisión concluida")
	row := `tr[data-als="` + als.ID + `"] td:last-child`
	mustContain(t, text(t, ctx, row), "inactiva: sin voto")
	if n := get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('`+form+`').length`)); n != 0 {
		t.Fatal("the review form is still offered after the review was concluded")
	}
	if s, err := st.VotingStatus(bg, als.ID); err != nil || s != domain.VotingInactive {
		t.Fatalf("the ALS's standing after keep: %q, %v; want inactive", s, err)
	}
	for _, l := range []string{"es", "en"} {
		for _, width := range []int64{1280, 390} {
			do(t, ctx, chromedp.EmulateViewport(width, 800))
			load(t, ctx, chromedp.Navigate(shared.url+"/participation?reviewed="+als.ID+"&lang="+l))
			shot(t, ctx, "participation_reviewed", l, width)
		}
	}
	load(t, ctx, chromedp.Navigate(shared.url+"/participation?lang=en"))
	mustContain(t, text(t, ctx, row), "inactive: no vote")

	// Decertify another ALS under review: its accreditation is withdrawn
	// (the registry says so); it leaves the ALSes at risk, its form is
	// gone, and the indicators show it decertified.
	gone := newALS(t, "ALS Ausente", "UY")
	for _, at := range []time.Time{base.AddDate(0, 4, 0), base.AddDate(0, 4, 11), base.AddDate(0, 5, 15)} {
		if _, _, err := st.EvaluateParticipation(bg, gone.ID, at, rule); err != nil {
			t.Fatal(err)
		}
	}
	load(t, ctx, chromedp.Navigate(shared.url+"/participation?lang=es"))
	goneForm := "#review-" + gone.ID
	do(t, ctx, chromedp.Click(chromedp.ID("decertify-"+gone.ID)),
		chromedp.SendKeys(chromedp.ID("note-"+gone.ID), "Sin respuesta a tres cartas."))
	load(t, ctx, chromedp.Click(chromedp.CSS(goneForm+" button")))
	mustContain(t, text(t, ctx, "#reviewed"), "Revisión concluida")
	shot(t, ctx, "participation_decertified", "es", 1280)
	if n := get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('`+goneForm+`').length`)); n != 0 {
		t.Fatal("a decertified ALS is still offered for review")
	}
	if risk := text(t, ctx, "#risk-h ~ ul"); strings.Contains(risk, gone.Name) {
		t.Fatalf("a decertified ALS is still at risk: %s", risk)
	}
	mustContain(t, text(t, ctx, `tr[data-als="`+gone.ID+`"] td:last-child`), "desacreditada")
	if a, err := st.GetALS(bg, gone.ID); err != nil || a.Status != store.ALSDecertified {
		t.Fatalf("the ALS's status after decertify: %q, %v; want decertified", a.Status, err)
	}
}
