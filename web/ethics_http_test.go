package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// signedInClient is an HTTP client with a session for m.
func signedInClient(t *testing.T, m store.Member) *http.Client {
	t.Helper()
	if err := shared.svc.RequestSignIn(context.Background(), service.SignInRequest{Email: m.Email, LinkBase: shared.url}); err != nil {
		t.Fatal(err)
	}
	link := signInLink(t, m, links[m.ID])
	links[m.ID]++
	c := newClient(t)
	if st, _, _ := fetch(t, c, "GET", strings.TrimPrefix(link, shared.url), nil); st != http.StatusSeeOther {
		t.Fatalf("sign-in link: %d", st)
	}
	return c
}

// TestEthicsPagesStatuses: a refused filing answers 422 with the form
// kept, a refused transition 403, 409 or 422 with the reason in the
// reader's language (never the workflow's English sentence) and what was
// typed kept, a recused committee member gets the page of a case that
// does not exist (404), the same but for its address, and the receipt page
// without its cookie shows no code. The committee and staff read which
// members are recused and why; the parties never do.
func TestEthicsPagesStatuses(t *testing.T) {
	bg := context.Background()
	country(t, "BO", "Bolivia")
	als := newALS(t, "ALS Altiplano", "BO")
	filer := memberOf(t, "Fabiola Filer", "es", "BO", als.ID)
	respondent := memberOf(t, "Ramiro Respondent", "es", "BO", "")
	recused := memberOf(t, "Renata Recused", "es", "BO", als.ID, store.RoleEthicsCommittee)
	active := memberOf(t, "Andrés Active", "es", "BO", "", store.RoleEthicsCommittee)
	selfRecused := memberOf(t, "Silvia Self", "es", "BO", "", store.RoleEthicsCommittee)
	staff := memberOf(t, "Sonia Staff", "es", "BO", "", store.RoleStaff)

	c := signedInClient(t, filer)
	for lang, want := range map[string]string{"en": "Check this field: Choose the kind of complaint.", "es": "Revise este campo: Elija el tipo de denuncia."} {
		st, _, body := fetch(t, c, "POST", "/ethics?lang="+lang, url.Values{"respondent_id": {respondent.ID}, "summary": {"Kept text"}, "anonymous": {"on"}})
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "Kept text") || !strings.Contains(body, want) ||
			strings.Contains(body, "kind must be one of") {
			t.Fatalf("%s: filing without a kind: %d, want 422 with %q\n%s", lang, st, want, body)
		}
	}
	filed, err := shared.svc.FileComplaint(bg, &service.Actor{Member: filer}, service.ComplaintRequest{RespondentID: respondent.ID,
		Kind: "bad_faith", Summary: "Statuses.", Anonymous: true})
	if err != nil {
		t.Fatal(err)
	}
	if st, h, _ := fetch(t, c, "GET", "/ethics/"+filed.ID+"/receipt", nil); st != http.StatusSeeOther || h.Get("Location") != "/ethics/"+filed.ID {
		t.Fatalf("receipt page without its cookie: %d %q", st, h.Get("Location"))
	}

	r := signedInClient(t, recused)
	st1, _, b1 := fetch(t, r, "GET", "/ethics/"+filed.ID, nil)
	st2, _, b2 := fetch(t, r, "GET", "/ethics/eth_does_not_exist", nil)
	// The pages differ only in their own address (the language links).
	main := func(b string) string { return b[strings.Index(b, "<main"):strings.Index(b, "</main>")] }
	if st1 != http.StatusNotFound || st1 != st2 || main(b1) != main(b2) ||
		strings.ReplaceAll(b1, filed.ID, "eth_does_not_exist") != b2 {
		t.Fatalf("recused member: %d, missing case: %d; pages equal: %v", st1, st2, main(b1) == main(b2))
	}
	if st, _, _ := fetch(t, r, "POST", "/ethics/"+filed.ID+"/admit", url.Values{"note": {"x"}}); st != http.StatusNotFound {
		t.Fatalf("a recused member admitting: %d, want 404", st)
	}

	k := signedInClient(t, active)
	if st, _, _ := fetch(t, k, "POST", "/ethics/"+filed.ID+"/admit?lang=en", url.Values{"note": {"ok"}}); st != http.StatusSeeOther {
		t.Fatalf("admit: %d", st)
	}
	s := signedInClient(t, staff)
	rc := signedInClient(t, respondent)
	long := strings.Repeat("a", 20_001)
	for _, x := range []struct {
		name    string
		c       *http.Client
		action  string
		form    url.Values
		status  int
		want    map[string]string // by language
		english string            // the workflow's sentence, never shown
		kept    string            // typed, and shown again in its form
	}{
		// (The dismissal form is no longer offered: the refusal comes
		// from a page opened before the admission.)
		{"dismissing an admitted complaint", k, "dismiss", url.Values{"reason": {"Typed reason"}}, http.StatusConflict, map[string]string{
			"en": "Not possible at this stage of the case: The complaint has already been admitted or dismissed.",
			"es": "No es posible en esta etapa del caso: La denuncia ya fue admitida o desestimada."},
			"already been screened", ""},
		// The deadline named in the reader's zone (La Paz), not as RFC 3339.
		{"deliberating before the answer", k, "deliberate", nil, http.StatusConflict, map[string]string{
			"en": "Not possible at this stage of the case: The respondent may answer until ",
			"es": "No es posible en esta etapa del caso: La persona denunciada puede responder hasta el "},
			"may respond until", ""},
		// (Staff see the case but are offered no form to screen it.)
		{"staff admitting", s, "admit", url.Values{"note": {"Staff note"}}, http.StatusForbidden, map[string]string{
			"en": "You may not do this in this case: Only a non-recused member of the Ethics Committee can admit or dismiss a complaint.",
			"es": "No puede hacer esto en este caso: Solo un miembro no recusado del Comité de Ética puede admitir o desestimar una denuncia."},
			"only a non-recused member of the ethics committee", ""},
		{"a question with a link that is not http(s)", k, "evidence", url.Values{"text": {"Kept question"}, "links": {"ftp://example.org/acta"}},
			http.StatusUnprocessableEntity, map[string]string{
				"en": "Check this field: The link “ftp://example.org/acta” is not an http(s) address.",
				"es": "Revise este campo: El enlace «ftp://example.org/acta» no es una dirección http(s)."},
			"is not an http(s) URL", "Kept question"},
		{"an answer too long", rc, "respond", url.Values{"text": {long}}, http.StatusUnprocessableEntity, map[string]string{
			"en": "Check this field: The text is longer than the maximum of 20000 bytes; long documents belong in links.",
			"es": "Revise este campo: El texto supera el máximo de 20000 bytes; los documentos largos van en enlaces."},
			"text is longer than 20000 bytes", long},
	} {
		for lang, want := range x.want {
			st, _, body := fetch(t, x.c, "POST", "/ethics/"+filed.ID+"/"+x.action+"?lang="+lang, x.form)
			main := body[strings.Index(body, "<main"):strings.Index(body, "</main>")]
			if st != x.status || !strings.Contains(main, want) || strings.Contains(main, x.english) || !strings.Contains(main, x.kept) {
				t.Errorf("%s (%s): %d, want %d with %q, without %q, keeping %.20q\n%s", x.name, lang, st, x.status, want, x.english, x.kept, main)
			}
			if i := strings.Index(main, want); x.action == "deliberate" && i >= 0 && !strings.Contains(main[i:], "UTC-04") {
				t.Errorf("%s (%s): the deadline is not in the reader's zone\n%s", x.name, lang, main)
			}
		}
	}

	// Recusals: the committee and staff read who is recused and why (a
	// tie to a party through the ALS, a self-recusal with its note); the
	// parties never.
	sr := signedInClient(t, selfRecused)
	if st, _, _ := fetch(t, sr, "POST", "/ethics/"+filed.ID+"/recuse", url.Values{"reason": {"Trabajé con la persona denunciada"}}); st != http.StatusSeeOther {
		t.Fatalf("self-recusal: %d", st)
	}
	for _, x := range []struct {
		who  string
		c    *http.Client
		lang string
		want []string
	}{
		{"committee", k, "es", []string{"es de la misma ALS (" + als.Name + ") que Fabiola Filer, parte del caso", "se recusó: «Trabajé con la persona denunciada»",
			"Las partes nunca ven quién está recusado ni por qué."}},
		{"committee", k, "en", []string{"is from the same ALS (" + als.Name + ") as Fabiola Filer, a party to the case", "recused themself: “Trabajé con la persona denunciada”"}},
		{"staff", s, "en", []string{"is from the same ALS (" + als.Name + ") as Fabiola Filer, a party to the case", "recused themself: “Trabajé con la persona denunciada”"}},
	} {
		_, _, body := fetch(t, x.c, "GET", "/ethics/"+filed.ID+"?lang="+x.lang, nil)
		for _, w := range append(x.want, recused.Name, selfRecused.Name) {
			if !strings.Contains(body, w) {
				t.Errorf("%s (%s): the case page lacks %q", x.who, x.lang, w)
			}
		}
	}
	for who, pc := range map[string]*http.Client{"respondent": rc, "complainant": c} {
		for _, lang := range []string{"es", "en"} {
			st, _, body := fetch(t, pc, "GET", "/ethics/"+filed.ID+"?lang="+lang, nil)
			if st != http.StatusOK {
				t.Fatalf("%s's page: %d", who, st)
			}
			for _, secret := range []string{recused.Name, selfRecused.Name, "Trabajé con la persona denunciada", "parte del caso", "a party to the case",
				"se recusó", "recused themself"} {
				if strings.Contains(body, secret) {
					t.Errorf("the %s's page (%s) tells who is recused or why: %q", who, lang, secret)
				}
			}
		}
	}
}
