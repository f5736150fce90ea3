package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/store"
)

// TestOpenStatementForm: staff open a statement from the form; a member is
// refused in her language; a refused form keeps what was typed.
func TestOpenStatementForm(t *testing.T) {
	country(t, "AR", "Argentina")
	staff := memberOf(t, "Silvia Staff", "es", "AR", "", store.RoleStaff)
	plain := memberOf(t, "Mario Miembro", "fr", "AR", "")
	m := signedClient(t, plain)
	if st, _, body := fetch(t, m, http.MethodGet, "/statements?lang=fr", nil); st != 200 || strings.Contains(body, `id="open-statement"`) {
		t.Fatalf("a member's agenda: %d, offers to open a statement", st)
	}
	closes := time.Now().Add(30 * 24 * time.Hour).Format("2006-01-02T15:04")
	form := url.Values{"title": {"Procedimiento de prueba"}, "url": {"https://www.icann.org/en/public-comment/proceeding/x"},
		"closes_at": {closes}, "kind": {"statement"}, "lang.es": {"on"}, "lang.en": {"on"}}
	st, _, body := fetch(t, m, http.MethodPost, "/statements?lang=fr", form)
	if st != http.StatusForbidden {
		t.Fatalf("a member opens a statement: %d", st)
	}
	mustContain(t, body, "Vous ne pouvez pas faire cela")
	mustContain(t, body, "Procedimiento de prueba")

	s := signedClient(t, staff)
	if st, _, body := fetch(t, s, http.MethodGet, "/statements/new?lang=es", nil); st != 200 || !strings.Contains(body, `name="lang.es" checked`) {
		t.Fatalf("the staff's form: %d", st)
	}
	bad := url.Values{"title": {"Procedimiento de prueba"}, "url": {""}, "closes_at": {closes}, "kind": {"statement"}, "lang.es": {"on"}}
	st, _, body = fetch(t, s, http.MethodPost, "/statements?lang=es", bad)
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("no link: %d", st)
	}
	mustContain(t, body, `value="Procedimiento de prueba"`)
	mustContain(t, body, `value="`+closes+`"`)
	mustContain(t, body, "Pegue el enlace al procedimiento en la ICANN.")
	st, h, _ := fetch(t, s, http.MethodPost, "/statements", form)
	if st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/statements/") {
		t.Fatalf("open: %d %q", st, h.Get("Location"))
	}
	_, _, agenda := fetch(t, s, http.MethodGet, "/statements?lang=es", nil)
	mustContain(t, agenda, "Procedimiento de prueba")
}

// TestPrioritiesSurveyForm: staff open a survey; a member ranks its topics
// with number inputs (a repeated number is refused, the numbers kept); the
// results appear once it has closed, and not before.
func TestPrioritiesSurveyForm(t *testing.T) {
	country(t, "AR", "Argentina")
	staff := memberOf(t, "Sonia Staff", "es", "AR", "", store.RoleStaff)
	plain := memberOf(t, "Marcos Miembro", "en", "AR", "")
	m := signedClient(t, plain)
	if st, _, _ := fetch(t, m, http.MethodPost, "/priorities", url.Values{"title": {"x"}, "topics": {"a"},
		"closes_at": {time.Now().Add(time.Hour).Format("2006-01-02T15:04")}}); st != http.StatusForbidden {
		t.Fatalf("a member opens a survey: %d", st)
	}
	s := signedClient(t, staff)
	zone, err := time.LoadLocation("America/Argentina/Buenos_Aires") // the staff's country's
	if err != nil {
		t.Fatal(err)
	}
	closes := time.Now().Add(3 * time.Second).In(zone)
	st, h, _ := fetch(t, s, http.MethodPost, "/priorities", url.Values{"title": {"Prioridades"}, "topics": {"DNS abuse\nWHOIS\nIDN"},
		"closes_at": {closes.Format("2006-01-02T15:04:05")}})
	if st != http.StatusSeeOther {
		t.Fatalf("open a survey: %d", st)
	}
	path := h.Get("Location")
	st, _, body := fetch(t, s, http.MethodPost, "/priorities?lang=fr", url.Values{"title": {"Une seule"}, "topics": {"DNS"},
		"closes_at": {closes.Format("2006-01-02T15:04:05")}})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("one topic: %d", st)
	}
	mustContain(t, body, "Indiquez de 2 à 50 thèmes différents")
	mustContain(t, body, `value="Une seule"`)
	st, _, body = fetch(t, m, http.MethodPost, path+"?lang=en", url.Values{"rank.0": {"1"}, "rank.1": {"1"}, "rank.2": {"2"}})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("a repeated rank: %d", st)
	}
	mustContain(t, body, `name="rank.2" value="2"`)
	mustContain(t, body, "each number once")
	if st, h, _ := fetch(t, m, http.MethodPost, path, url.Values{"rank.0": {"2"}, "rank.1": {"3"}, "rank.2": {"1"}}); st != http.StatusSeeOther || !strings.HasSuffix(h.Get("Location"), "?ranked") {
		t.Fatalf("rank: %d %q", st, h.Get("Location"))
	}
	_, _, body = fetch(t, m, http.MethodGet, path+"?lang=en", nil)
	if strings.Contains(body, "survey-results") {
		t.Error("results shown before the survey closes")
	}
	time.Sleep(time.Until(closes) + 200*time.Millisecond)
	_, _, body = fetch(t, m, http.MethodGet, path+"?lang=en", nil)
	mustContain(t, body, `<tr data-topic="IDN" data-rank="1">`)
	mustContain(t, body, `<tr data-topic="DNS abuse" data-rank="2">`)
}
