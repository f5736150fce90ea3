package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// TestBrowserAttendance: staff tick who attended a meeting on its
// checklist; the ALS's indicators and the chart of the month count it.
func TestBrowserAttendance(t *testing.T) {
	ctx, cancel := context.WithTimeout(browser(t), 3*time.Minute)
	defer cancel()
	bg := context.Background()
	country(t, "UY", "Uruguay")
	als := newALS(t, "ALS Asistente", "UY")
	staff := memberOf(t, "Sofía Staff", "es", "UY", "", store.RoleStaff)
	rep := memberOf(t, "Raúl Presente", "es", "UY", als.ID, store.RoleALSRep)
	member := memberOf(t, "Nora Miembro", "es", "UY", "")
	created, err := shared.svc.CreateMeeting(bg, &service.Actor{Member: staff}, service.MeetingRequest{Kind: store.MeetingWorkingGroup,
		Title: "Grupo de trabajo de gobernanza", StartsAt: time.Now().Add(-2 * time.Hour), Location: "Zoom"})
	if err != nil {
		t.Fatal(err)
	}
	path := "/meetings/" + created.Meeting.ID
	day := time.Now().UTC().Truncate(24 * time.Hour)
	if _, err := shared.svc.CreateRoadmapItem(bg, &service.Actor{Member: staff}, service.RoadmapRequest{Title: "Reglamento de participación",
		Owner: "Secretaría", Start: service.Date(day), Due: service.Date(day.AddDate(0, 3, 0)), Status: "in_progress"}); err != nil {
		t.Fatal(err)
	}

	// A member without the chair sees no checklist.
	signIn(t, ctx, member)
	load(t, ctx, chromedp.Navigate(shared.url+path+"?lang=es"))
	if n := get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#record').length`)); n != 0 {
		t.Fatal("a member who does not chair the meeting sees the attendance checklist")
	}

	signIn(t, ctx, staff)
	load(t, ctx, chromedp.Navigate(shared.url+"/meetings?lang=es"))
	mustContain(t, text(t, ctx, "main"), "Grupo de trabajo de gobernanza")

	// Staff schedule a monthly series from the form; a length in words
	// is refused beside the field, the rest kept.
	load(t, ctx, chromedp.Click(chromedp.ID("new-meeting")))
	zone, err := time.LoadLocation("America/Montevideo")
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.SendKeys(chromedp.ID("title"), "Llamada mensual de coordinación"))
	setValue(t, ctx, "every", "1mo")
	setValue(t, ctx, "starts_at", time.Now().Add(7*24*time.Hour).In(zone).Format("2006-01-02T15:04"))
	// A browser keeps words out of a number input; the server refuses
	// them all the same (an older browser, or a script).
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById('minutes').type = 'text'`))
	setValue(t, ctx, "minutes", "una hora")
	load(t, ctx, chromedp.Click(chromedp.ID("schedule")))
	mustContain(t, text(t, ctx, ".field-error"), "minutos enteros")
	if v := get(t, ctx, chromedp.Value(chromedp.ID("title"))); v != "Llamada mensual de coordinación" {
		t.Fatalf("the title was not kept: %q", v)
	}
	for _, width := range []int64{1280, 390} {
		do(t, ctx, chromedp.EmulateViewport(width, 800))
		shot(t, ctx, "meeting_new_refused", "es", width)
	}
	do(t, ctx, chromedp.EmulateViewport(1280, 800))
	setValue(t, ctx, "minutes", "60")
	load(t, ctx, chromedp.Click(chromedp.ID("schedule")))
	mustContain(t, text(t, ctx, ".notice"), "Reunión programada")
	mustContain(t, text(t, ctx, "#ics"), ".ics")
	for _, l := range []string{"es", "en"} {
		for _, width := range []int64{1280, 390} {
			do(t, ctx, chromedp.EmulateViewport(width, 800))
			load(t, ctx, chromedp.Navigate(shared.url+"/meetings/new?lang="+l))
			shot(t, ctx, "meeting_new", l, width)
		}
	}
	do(t, ctx, chromedp.EmulateViewport(1280, 800))
	load(t, ctx, chromedp.Navigate(shared.url+path+"?lang=es"))
	do(t, ctx, chromedp.Click(chromedp.ID("att-"+rep.ID)))
	load(t, ctx, chromedp.Click(chromedp.ID("record")))
	mustContain(t, text(t, ctx, ".notice"), "Asistencia registrada: 1 persona")
	for _, l := range []string{"es", "en"} {
		for _, width := range []int64{1280, 390} {
			do(t, ctx, chromedp.EmulateViewport(width, 800))
			load(t, ctx, chromedp.Navigate(shared.url+path+"?lang="+l))
			shot(t, ctx, "meeting_detail", l, width)
			load(t, ctx, chromedp.Navigate(shared.url+"/meetings?lang="+l))
			shot(t, ctx, "meeting_list", l, width)
			load(t, ctx, chromedp.Navigate(shared.url+"/participation?als="+als.ID+"&lang="+l))
			shot(t, ctx, "participation", l, width)
			load(t, ctx, chromedp.Navigate(shared.url+"/roadmap?lang="+l))
			shot(t, ctx, "roadmap", l, width)
		}
	}
	do(t, ctx, chromedp.EmulateViewport(1280, 800))

	// The indicators count the meeting for the rep's ALS, and so does
	// the chart's current month (its last bar).
	load(t, ctx, chromedp.Navigate(shared.url+"/participation?als="+als.ID+"&lang=en"))
	if got := get(t, ctx, chromedp.Evaluate[string](`document.querySelector('tr[data-als="`+als.ID+`"]').dataset.meetings`)); got != "1" {
		t.Fatalf("meetings attended by %s: %q, want 1", als.ID, got)
	}
	// The roadmap's chart is inline SVG, drawn on the server.
	load(t, ctx, chromedp.Navigate(shared.url+"/roadmap?lang=en"))
	if n := get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('figure.gantt svg').length`)); n != 1 {
		t.Errorf("roadmap: %d charts, want 1", n)
	}
	load(t, ctx, chromedp.Navigate(shared.url+"/participation?als="+als.ID+"&lang=en"))
	desc := get(t, ctx, chromedp.Evaluate[string](`document.querySelector('svg.chart desc').textContent`))
	month := time.Now().UTC().Format("Jan 2006")
	if !strings.Contains(desc, month+": 1") {
		t.Fatalf("chart %q: want %s: 1", desc, month)
	}
}
