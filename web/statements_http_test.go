package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/service"
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

// refusalCase is one refused form: posted in Spanish and in English, the
// page explains the refusal in that language (never the service's English
// sentence) and keeps what was typed.
type refusalCase struct {
	name    string
	client  *http.Client
	path    string
	form    url.Values
	status  int
	es, en  string // the sentence in each language
	english string // the service's sentence, which must not show
	kept    string // what was typed, as the page shows it ("" when the form is gone)
}

func (c refusalCase) check(t *testing.T) {
	t.Helper()
	for lang, want := range map[string]string{"es": c.es, "en": c.en} {
		st, _, body := fetch(t, c.client, http.MethodPost, c.path+"?lang="+lang, c.form)
		switch {
		case st != c.status:
			t.Errorf("%s (%s): %d, want %d\n%s", c.name, lang, st, c.status, body)
		case !strings.Contains(body, want):
			t.Errorf("%s (%s): the page lacks %q\n%s", c.name, lang, want, body)
		case strings.Contains(body, c.english):
			t.Errorf("%s (%s): the page shows the service's English %q", c.name, lang, c.english)
		case c.kept != "" && !strings.Contains(body, c.kept):
			t.Errorf("%s (%s): the input %q was not kept\n%s", c.name, lang, c.kept, body)
		}
	}
}

// TestStatementRefusalsTranslated: the statement's and the survey's
// refusals, coded by the workflow and the service, are explained in the
// reader's language with their values (a version number, a language
// group by its name, a date in the reader's zone), and the forms keep
// their input.
func TestStatementRefusalsTranslated(t *testing.T) {
	bg := context.Background()
	country(t, "AR", "Argentina")
	staff := memberOf(t, "Sara Staff", "es", "AR", "", store.RoleStaff)
	lucia := memberOf(t, "Lucía Pluma", "es", "AR", "")
	pedro := memberOf(t, "Pedro Lector", "es", "AR", "")
	mine, theirs := newALS(t, "ALS Propia", "AR"), newALS(t, "ALS Ajena", "AR")
	rep := memberOf(t, "Rita Representante", "es", "AR", mine.ID, store.RoleALSRep)
	closes := time.Now().Add(30 * 24 * time.Hour)
	doc, err := shared.svc.OpenStatement(bg, &service.Actor{Member: staff}, service.StatementRequest{Kind: "statement",
		Languages: []string{"es", "en"}, Proceeding: service.ProceedingRequest{Title: "Rechazos traducidos",
			URL: "https://www.icann.org/public-comments/refusals", ClosesAt: &closes}})
	if err != nil {
		t.Fatal(err)
	}
	pen := &service.Actor{Member: lucia}
	if _, err := shared.svc.AddPenholders(bg, pen, doc.ID, service.PenholdersRequest{Language: "es", MemberIDs: []string{lucia.ID}}); err != nil {
		t.Fatal(err)
	}
	// Version 1 opens the comment period; version 2 is not published.
	for _, d := range []service.DraftRequest{{Language: "es", Text: "Primera versión.", OpenComments: true}, {Language: "es", Text: "Segunda versión."}} {
		if _, err := shared.svc.AddDraft(bg, pen, doc.ID, d); err != nil {
			t.Fatal(err)
		}
	}
	sv, err := shared.svc.CreateSurvey(bg, &service.Actor{Member: staff}, service.SurveyRequest{Title: "Prioridades que cierran",
		Topics: []string{"DNS abuse", "WHOIS"}, ClosesAt: time.Now().Add(2 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	reader, penholder := signedClient(t, pedro), signedClient(t, lucia)
	path := "/statements/" + doc.ID
	for _, c := range []refusalCase{{
		name: "a comment on a version outside the comment period", client: reader, path: path + "/comments",
		form:   url.Values{"language": {"es"}, "version": {"2"}, "form": {"comment"}, "text": {"Mi comentario guardado"}},
		status: http.StatusConflict, es: "La versión 2 no está abierta a comentarios", en: "Version 2 is not open for comments",
		english: "this version is not open for comments", kept: ">Mi comentario guardado</textarea>",
	}, {
		name: "a version by a member who does not hold the pen", client: reader, path: path + "/drafts",
		form:   url.Values{"language": {"es"}, "text": {"Mi versión"}},
		status: http.StatusForbidden, es: "Solo los redactores del grupo en español agregan versiones a su borrador.",
		en:      "Only the penholders of the Spanish group add versions to its draft.",
		english: "only the penholders of the es group add versions",
	}, {
		name: "a version marked the translation of a version that does not exist", client: penholder, path: path + "/drafts",
		form:   url.Values{"language": {"es"}, "text": {"Tercera versión que no se pierde"}, "translation_of": {"en/1"}},
		status: http.StatusUnprocessableEntity, es: "La versión de la que sería traducción no existe.", en: "The version it would translate does not exist.",
		english: "translation_of.version: no such version", kept: ">Tercera versión que no se pierde</textarea>",
	}, {
		name: "a ballot for another ALS, named by its name", client: signedClient(t, rep), path: path + "/ballots",
		form:   url.Values{"als_id": {theirs.ID}, "vote": {"yes"}},
		status: http.StatusForbidden, es: "Solo un representante de la ALS " + theirs.Name + " emite su voto.",
		en: "Only a representative of ALS " + theirs.Name + " casts its ballot.", english: "only a representative of the ALS casts its ballot",
	}, {
		name: "a blank comment", client: penholder, path: path + "/comments",
		form:   url.Values{"language": {"es"}, "version": {"1"}, "form": {"comment"}, "text": {" "}},
		status: http.StatusUnprocessableEntity, es: "Escriba su comentario.", en: "Write your comment.", english: "text is required",
	}} {
		c.check(t)
	}
	// The blank comment's message stands beside the comment's box only,
	// not beside the penholder's draft box, which is also named text.
	_, _, body := fetch(t, penholder, http.MethodPost, path+"/comments?lang=en", url.Values{"language": {"es"}, "version": {"1"},
		"form": {"comment"}, "text": {""}})
	if n := strings.Count(body, "Write your comment."); n != 1 {
		t.Errorf("the blank comment's message shows %d times, want once beside the comment\n%s", n, body)
	}

	// The survey closes: a ranking sent after is refused with its closing
	// time in the reader's zone (Buenos Aires, the member's country's).
	time.Sleep(time.Until(sv.ClosesAt) + 200*time.Millisecond)
	zone, err := time.LoadLocation("America/Argentina/Buenos_Aires")
	if err != nil {
		t.Fatal(err)
	}
	refusalCase{
		name: "a ranking of a closed survey", client: reader, path: "/priorities/" + sv.ID,
		form:   url.Values{"rank.0": {"1"}, "rank.1": {"2"}},
		status: http.StatusConflict, es: "La encuesta cerró el ", en: "The survey closed on ", english: "the survey closed at",
	}.check(t)
	for lang, want := range map[string][2]string{"es": {"ya no se puede ordenar", "15:04"}, "en": {"rankings are no longer taken", "3:04 PM"}} {
		hm := sv.ClosesAt.In(zone).Format(want[1])
		_, _, body := fetch(t, reader, http.MethodPost, "/priorities/"+sv.ID+"?lang="+lang, url.Values{"rank.0": {"1"}})
		if !strings.Contains(body, want[0]) || !strings.Contains(body, hm) {
			t.Errorf("%s: the closed survey's refusal lacks %q or its time %s in the reader's zone\n%s", lang, want[0], hm, body)
		}
	}
	// The service names the same refusals for the API.
	_, err = shared.svc.AddComment(bg, &service.Actor{Member: pedro}, doc.ID, service.CommentRequest{Language: "es", Version: 2, Text: "x"})
	if e := service.AsError(err); e.Kind != service.KindConflict || e.Code != "statement"+".not_open_for_comments" || e.Args["Version"] != "2" {
		t.Errorf("service error = %+v, want a 409 coded statement.not_open_for_comments with its version", e)
	}
	_, err = shared.svc.RankSurvey(bg, &service.Actor{Member: pedro}, sv.ID, service.RankingRequest{Ranking: []string{"WHOIS"}})
	if e := service.AsError(err); e.Kind != service.KindConflict || e.Code != service.CodeSurveyClosed {
		t.Fatalf("service error = %+v, want a 409 coded %s", e, service.CodeSurveyClosed)
	}
}

// TestSurveyRankingPrefilled: a member back at an open survey finds the
// ranking they sent in the number inputs (no JavaScript needed), and may
// change it; another member finds the inputs blank.
func TestSurveyRankingPrefilled(t *testing.T) {
	bg := context.Background()
	country(t, "AR", "Argentina")
	staff := memberOf(t, "Sabrina Staff", "es", "AR", "", store.RoleStaff)
	ana := memberOf(t, "Ana Encuesta", "es", "AR", "")
	otro := memberOf(t, "Otro Miembro", "en", "AR", "")
	sv, err := shared.svc.CreateSurvey(bg, &service.Actor{Member: staff}, service.SurveyRequest{Title: "Prioridades abiertas",
		Topics: []string{"DNS abuse", "WHOIS", "IDN"}, ClosesAt: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	path := "/priorities/" + sv.ID
	c := signedClient(t, ana)
	_, _, body := fetch(t, c, http.MethodGet, path+"?lang=es", nil)
	mustContain(t, body, `name="rank.0" value=""`)
	if strings.Contains(body, `id="prefilled"`) {
		t.Error("a ranking is said to be prefilled before the member sent one")
	}
	for _, ranks := range []url.Values{{"rank.0": {"2"}, "rank.1": {"3"}, "rank.2": {"1"}}, {"rank.0": {"1"}, "rank.2": {"2"}}} {
		if st, _, _ := fetch(t, c, http.MethodPost, path, ranks); st != http.StatusSeeOther {
			t.Fatalf("rank %v: %d", ranks, st)
		}
		_, _, body = fetch(t, c, http.MethodGet, path+"?lang=es", nil)
		mustContain(t, body, `id="prefilled"`)
		mustContain(t, body, "Su ordenamiento anterior está cargado")
		for i := range 3 {
			f := "rank." + strconv.Itoa(i)
			mustContain(t, body, `name="`+f+`" value="`+ranks.Get(f)+`"`)
		}
	}
	_, _, body = fetch(t, signedClient(t, otro), http.MethodGet, path+"?lang=en", nil)
	mustContain(t, body, `name="rank.0" value=""`)
	mustContain(t, body, `name="rank.2" value=""`)
}
