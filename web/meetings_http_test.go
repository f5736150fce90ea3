package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// TestMeetingForms: only staff schedule meetings; a refused form keeps its
// input; a one-off meeting and a monthly series are created through the
// API's service; each meeting's .ics downloads; the review of an ALS that
// is not under review is refused in the reader's language, the note kept.
func TestMeetingForms(t *testing.T) {
	country(t, "UY", "Uruguay")
	uy := newALS(t, fmt.Sprintf("ALS Uruguaya %d", time.Now().UnixNano()%1e6), "UY")
	staff := memberOf(t, "Susana Staff", "es", "UY", "", store.RoleStaff)
	plain := memberOf(t, "Martín Miembro", "en", "UY", uy.ID)
	m := signedClient(t, plain)
	if st, _, _ := fetch(t, m, http.MethodGet, "/meetings/new", nil); st != http.StatusForbidden {
		t.Fatalf("a member's form: %d", st)
	}
	zone, err := time.LoadLocation("America/Montevideo")
	if err != nil {
		t.Fatal(err)
	}
	starts := time.Now().Add(72 * time.Hour).In(zone).Format("2006-01-02T15:04")
	form := url.Values{"kind": {store.MeetingWorkingGroup}, "title": {"Grupo de trabajo de reglas"}, "starts_at": {starts},
		"minutes": {"90"}, "location": {"https://meet.example.org/gt"}}
	if st, _, _ := fetch(t, m, http.MethodPost, "/meetings", form); st != http.StatusForbidden {
		t.Fatalf("a member schedules: %d", st)
	}

	s := signedClient(t, staff)
	_, _, list := fetch(t, s, http.MethodGet, "/meetings?lang=es", nil)
	mustContain(t, list, `href="/meetings/new"`)
	bad := url.Values{"kind": {store.MeetingWorkingGroup}, "title": {"Grupo de trabajo de reglas"}, "starts_at": {starts}, "minutes": {"cero"}}
	st, _, body := fetch(t, s, http.MethodPost, "/meetings?lang=es", bad)
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("bad length: %d", st)
	}
	mustContain(t, body, `value="Grupo de trabajo de reglas"`)
	mustContain(t, body, `value="`+starts+`"`)
	mustContain(t, body, "minutos enteros")

	st, h, _ := fetch(t, s, http.MethodPost, "/meetings", form)
	if st != http.StatusSeeOther || !strings.HasSuffix(h.Get("Location"), "?created") {
		t.Fatalf("one-off: %d %q", st, h.Get("Location"))
	}
	id := strings.TrimSuffix(strings.TrimPrefix(h.Get("Location"), "/meetings/"), "?created")
	got, err := shared.svc.GetMeeting(context.Background(), id)
	if err != nil || got.Duration != 90*time.Minute || got.SeriesID != nil || got.Title != "Grupo de trabajo de reglas" {
		t.Fatalf("meeting %+v, %v", got, err)
	}
	st, h, ics := fetch(t, m, http.MethodGet, "/meetings/"+id+"/ics", nil)
	if st != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/calendar") {
		t.Fatalf("ics: %d %q", st, h.Get("Content-Type"))
	}
	mustContain(t, ics, "UID:meeting-"+id+"@ralo")
	mustContain(t, ics, "SUMMARY:Grupo de trabajo de reglas")

	series := url.Values{"kind": {store.MeetingMentoring}, "title": {"Mentoría"}, "starts_at": {starts}, "minutes": {"60"}, "every": {"2mo"}}
	st, h, _ = fetch(t, s, http.MethodPost, "/meetings", series)
	if st != http.StatusSeeOther {
		t.Fatalf("series: %d", st)
	}
	got, err = shared.svc.GetMeeting(context.Background(), strings.TrimSuffix(strings.TrimPrefix(h.Get("Location"), "/meetings/"), "?created"))
	if err != nil || got.SeriesID == nil {
		t.Fatalf("the series' first meeting %+v, %v", got, err)
	}

	// The review form refuses an ALS that is not under review.
	st, _, body = fetch(t, s, http.MethodPost, "/participation/"+uy.ID+"/review?lang=en", url.Values{"outcome": {"keep"}, "note": {"Sigue activa."}})
	if st != http.StatusConflict {
		t.Fatalf("review of an active ALS: %d", st)
	}
	mustContain(t, body, "The ALS is not under accreditation review.")
	if st, _, _ := fetch(t, m, http.MethodPost, "/participation/"+uy.ID+"/review", url.Values{"outcome": {"keep"}}); st != http.StatusForbidden {
		t.Fatalf("a member reviews: %d", st)
	}
}

// TestMeetingRefusalsTranslated: the attendance checklist's refusals are
// explained in the reader's language, and a refused checklist keeps its
// ticks.
func TestMeetingRefusalsTranslated(t *testing.T) {
	bg := context.Background()
	country(t, "UY", "Uruguay")
	staff := memberOf(t, "Silvana Staff", "es", "UY", "", store.RoleStaff)
	plain := memberOf(t, "Mateo Miembro", "es", "UY", "")
	by := &service.Actor{Member: staff}
	var ids []string
	for _, title := range []string{"Coordinación mensual", "Coordinación cancelada"} {
		m, err := shared.svc.CreateMeeting(bg, by, service.MeetingRequest{Kind: store.MeetingCoordination, Title: title,
			StartsAt: time.Now().Add(48 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.Meeting.ID)
	}
	if err := shared.svc.CancelMeeting(bg, by, ids[1]); err != nil {
		t.Fatal(err)
	}
	for _, c := range []refusalCase{{
		name: "attendance recorded by a member who is neither staff nor the chair", client: signedClient(t, plain),
		path: "/meetings/" + ids[0] + "/attendance", form: url.Values{"member": {plain.ID}}, status: http.StatusForbidden,
		es: "Solo el personal o quien preside la reunión registra su asistencia.", en: "Only staff or the meeting&#39;s chair record its attendance.",
		english: "only staff or the meeting",
	}, {
		name: "attendance of a cancelled meeting", client: signedClient(t, staff),
		path: "/meetings/" + ids[1] + "/attendance", form: url.Values{"member": {plain.ID}}, status: http.StatusConflict,
		es: "La reunión fue cancelada: no se registra su asistencia.", en: "The meeting was cancelled: its attendance is not recorded.",
		english: "the meeting was cancelled", kept: `value="` + plain.ID + `" checked`,
	}} {
		c.check(t)
	}
}
