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
	"github.com/lacralo/ralo/workflows/election"
)

// signedClient is an HTTP client signed in as m.
func signedClient(t *testing.T, m store.Member) *http.Client {
	t.Helper()
	if err := shared.svc.RequestSignIn(context.Background(), service.SignInRequest{Email: m.Email, LinkBase: shared.url}); err != nil {
		t.Fatal(err)
	}
	link := signInLink(t, m, links[m.ID])
	links[m.ID]++
	c := newClient(t)
	fetch(t, c, http.MethodGet, strings.TrimPrefix(link, shared.url), nil)
	return c
}

// TestNominateByChoosingAMember: the nomination form lists the members of
// accredited ALSes by name (a search narrows it), never asks for an ID; a
// refused nomination keeps what was typed and chosen, in the reader's
// language; signed out, the page sends to the sign-in.
func TestNominateByChoosingAMember(t *testing.T) {
	bg := context.Background()
	country(t, "PA", "Panamá")
	pa := newALS(t, fmt.Sprintf("ALS Panameña %d", time.Now().UnixNano()%1e6), "PA")
	staff := memberOf(t, "Sara Staff", "es", "PA", "", store.RoleStaff)
	lucia := memberOf(t, "Lucía Nominadora", "en", "PA", pa.ID)
	pedro := memberOf(t, "Pedro Postulado", "es", "PA", pa.ID)
	at := func(d time.Duration) *time.Time { x := time.Now().Add(d); return &x }
	el, err := shared.svc.CreateElection(bg, &service.Actor{Member: staff}, service.ElectionRequest{Title: "Nominations form",
		Seats: []election.SeatSpec{{Seat: "secretariat"}}, Calendar: service.ElectionCalendar{NominationsClose: at(48 * time.Hour),
			VotingOpen: at(96 * time.Hour), VotingClose: at(120 * time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	path := "/elections/" + el.ID
	if st, h, _ := fetch(t, newClient(t), http.MethodGet, path, nil); st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
		t.Fatalf("signed out: %d %q", st, h.Get("Location"))
	}
	c := signedClient(t, lucia)
	var body string
	waitFor(t, 20*time.Second, "nominations open", func() bool {
		_, _, body = fetch(t, c, http.MethodGet, path+"?lang=en", nil)
		return strings.Contains(body, `<select id="nominee_id"`)
	})
	mustContain(t, body, `<optgroup label="`+pa.Name+`">`)
	mustContain(t, body, `<option value="`+pedro.ID+`">Pedro Postulado (PA)</option>`)
	if strings.Contains(body, `<input id="nominee_id"`) {
		t.Error("the form still asks for a member ID")
	}
	_, _, found := fetch(t, c, http.MethodGet, path+"?lang=en&nominee_q=pedro", nil)
	if !strings.Contains(found, pedro.ID) || strings.Contains(found, `<option value="`+lucia.ID+`"`) {
		t.Error("the search does not narrow the list to Pedro")
	}

	// No seat chosen: refused beside the field, the input kept, in English.
	st, _, refused := fetch(t, c, http.MethodPost, path+"/nominations", url.Values{"seat": {"nope"}, "nominee_id": {pedro.ID},
		"statement": {"Pedro knows the rules."}})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("bad seat: %d", st)
	}
	mustContain(t, refused, "Pedro knows the rules.")
	mustContain(t, refused, `<option value="`+pedro.ID+`" selected>`)
	mustContain(t, refused, `class="field-error"`)

	st, h, _ := fetch(t, c, http.MethodPost, path+"/nominations", url.Values{"seat": {"secretariat"}, "nominee_id": {pedro.ID},
		"statement": {"Pedro knows the rules."}})
	if st != http.StatusSeeOther || h.Get("Location") != path {
		t.Fatalf("nominate: %d %q", st, h.Get("Location"))
	}
	ev, err := shared.svc.GetElection(bg, &service.Actor{Member: staff}, el.ID)
	if err != nil || len(ev.Nominations) != 1 || ev.Nominations[0].NomineeID != pedro.ID || ev.Nominations[0].NominatedBy != lucia.ID {
		t.Fatalf("nominations %+v, %v", ev.Nominations, err)
	}
}

// TestFormsRefuseUnreadableBody: a form whose body cannot be read (bad
// percent-encoding) is answered 400 by every creating route, and nothing
// is written.
func TestFormsRefuseUnreadableBody(t *testing.T) {
	staff := member(t, "Sol Staff", "es", store.RoleStaff)
	c := signedClient(t, staff)
	before, err := shared.svc.ListDeclarations(context.Background(), staff.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/declarations", "/elections", "/ethics", "/arbitrations", "/meetings", "/statements", "/priorities"} {
		req, err := http.NewRequest(http.MethodPost, shared.url+path, strings.NewReader("kind=none&title=%zz"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("POST %s with an unreadable body: %d, want 400", path, resp.StatusCode)
		}
	}
	after, err := shared.svc.ListDeclarations(context.Background(), staff.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("declarations %d → %d after refused forms", len(before), len(after))
	}
}

// refusedAction is a refused election action over HTTP: who posts what
// where, the status, the sentence the page must say in each language (the
// workflow's or the service's English sentence must not show), and what
// the form must keep of the input.
type refusedAction struct {
	name    string
	c       *http.Client
	path    string
	form    url.Values
	status  int
	want    map[string]string
	english string
	kept    []string
}

// check posts the refused action in Spanish and in English.
func (x refusedAction) check(t *testing.T) {
	t.Helper()
	for _, lang := range []string{"es", "en"} {
		st, _, body := fetch(t, x.c, http.MethodPost, x.path+"?lang="+lang, x.form)
		if st != x.status {
			t.Errorf("%s (%s): %d, want %d", x.name, lang, st, x.status)
		}
		if !strings.Contains(body, x.want[lang]) {
			t.Errorf("%s (%s): the page does not say %q", x.name, lang, x.want[lang])
		}
		if strings.Contains(body, x.english) {
			t.Errorf("%s (%s): the page shows the English refusal %q", x.name, lang, x.english)
		}
		for _, k := range x.kept {
			if !strings.Contains(body, k) {
				t.Errorf("%s (%s): the input %q was not kept", x.name, lang, k)
			}
		}
	}
}

// TestElectionRefusalsTranslated: the election's refused actions — a
// duplicate nomination, a proxy an ALS already gave, a phase extension
// that would shorten it or gives no reason, certification by a member who
// is not staff, a ballot for someone who is not a candidate — are
// explained in the reader's language with the seat and the ALSes by
// their names, never in the workflow's or the service's English, and the
// forms keep what was typed; the service keeps the English sentence and
// names the code.
func TestElectionRefusalsTranslated(t *testing.T) {
	bg := context.Background()
	country(t, "MX", "México")
	country(t, "GT", "Guatemala")
	country(t, "CR", "Costa Rica")
	mx, gt, cr := newALS(t, "ALS Mexicana", "MX"), newALS(t, "ALS Guatemalteca", "GT"), newALS(t, "ALS Costarricense", "CR")
	staff := memberOf(t, "Sonia Staff", "es", "MX", "", store.RoleStaff)
	ana := memberOf(t, "Ana Candidata", "es", "MX", mx.ID)
	beto := memberOf(t, "Beto Candidato", "en", "GT", gt.ID)
	rep := memberOf(t, "Marta Rep", "es", "MX", mx.ID, store.RoleALSRep)
	at := func(d time.Duration) *time.Time { x := time.Now().Add(d); return &x }
	el, err := shared.svc.CreateElection(bg, &service.Actor{Member: staff}, service.ElectionRequest{
		Title: fmt.Sprintf("Refusals %d", time.Now().UnixNano()%1e6), Seats: []election.SeatSpec{{Seat: "secretariat"}},
		Calendar: service.ElectionCalendar{NominationsClose: at(45 * time.Second), ObjectionsClose: at(46 * time.Second),
			VotingOpen: at(46 * time.Second), VotingClose: at(time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	path := "/elections/" + el.ID
	for _, m := range []store.Member{ana, beto} {
		n, err := shared.svc.Nominate(bg, &service.Actor{Member: m}, el.ID, service.NominationRequest{Seat: "secretariat", NomineeID: m.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := shared.svc.CreateDeclaration(bg, &service.Actor{Member: m}, m.ID, store.DeclarationInput{Kind: "none"}); err != nil {
			t.Fatal(err)
		}
		if _, err := shared.svc.AcceptNomination(bg, &service.Actor{Member: m}, el.ID, n.Nomination.ID,
			service.AcceptNominationRequest{StatementOfInterest: "Actas en dos idiomas."}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := shared.svc.RegisterProxy(bg, &service.Actor{Member: staff}, el.ID,
		service.ElectionProxyRequest{FromALSID: cr.ID, ToALSID: gt.ID}); err != nil {
		t.Fatal(err)
	}
	staffC, betoC, anaC := signedClient(t, staff), signedClient(t, beto), signedClient(t, ana)
	for _, x := range []refusedAction{{
		name: "duplicate nomination", c: betoC, path: path + "/nominations", status: http.StatusConflict,
		form: url.Values{"seat": {"secretariat"}, "nominee_id": {ana.ID}, "statement": {"Ana conoce el reglamento."}},
		want: map[string]string{"es": "Ana Candidata ya está postulado(a) para Secretaría.",
			"en": "Ana Candidata is already nominated for Secretariat."},
		english: "this member is already nominated for secretariat",
		kept:    []string{"Ana conoce el reglamento.", `<option value="` + ana.ID + `" selected>`},
	}, {
		name: "proxy already given", c: staffC, path: path + "/proxies", status: http.StatusConflict,
		form: url.Values{"from_als_id": {cr.ID}, "to_als_id": {mx.ID}},
		want: map[string]string{"es": cr.Name + " ya dio su poder a " + gt.Name + ".",
			"en": cr.Name + " has already given its proxy to " + gt.Name + "."},
		english: "already gave its proxy to",
		kept:    []string{`<option value="` + cr.ID + `" selected>`, `<option value="` + mx.ID + `" selected>`},
	}, {
		name: "extension that shortens the phase", c: staffC, path: path + "/extend", status: http.StatusUnprocessableEntity,
		form: url.Values{"phase": {"voting"}, "until": {"2000-01-01T10:00"}, "reason": {"Feriado regional"}},
		want: map[string]string{"es": "Revise este campo: El nuevo cierre debe ser posterior al actual (",
			"en": "Check this field: The new end must be later than the phase&#39;s end ("},
		english: "until must be later than the phase",
		kept:    []string{`value="Feriado regional"`, `<option value="voting" selected>`},
	}, {
		name: "extension without a reason", c: staffC, path: path + "/extend", status: http.StatusUnprocessableEntity,
		form: url.Values{"phase": {"voting"}, "until": {"2099-01-01T10:00"}, "reason": {" "}},
		want: map[string]string{"es": "Revise este campo: Explique el motivo de la prórroga.",
			"en": "Check this field: Give the reason for the extension."},
		english: "reason is required",
		kept:    []string{`value="2099-01-01T10:00"`},
	}, {
		name: "certification by a member", c: anaC, path: path + "/certify", status: http.StatusForbidden, form: url.Values{},
		want: map[string]string{"es": "No puede hacer esto: Solo el personal certifica los resultados.",
			"en": "You may not do this: Only staff certify results."},
		english: "only staff certify results",
	}} {
		x.check(t)
	}
	_, err = shared.svc.CertifyElection(bg, &service.Actor{Member: ana}, el.ID)
	if e := service.AsError(err); e.Kind != service.KindForbidden || e.Code != service.CodeElectionStaffCertify || e.Detail != "only staff certify results" {
		t.Errorf("certify by a member: %+v, want 403 coded %s with the English detail", e, service.CodeElectionStaffCertify)
	}

	// The booth, once voting opens: a choice that is no candidate.
	waitFor(t, 120*time.Second, "voting", func() bool {
		ev, err := shared.svc.GetElection(bg, &service.Actor{Member: staff}, el.ID)
		return err == nil && ev.Status == election.StatusVoting && ev.RollFrozen && len(ev.State.Seats[0].Candidates) == 2 &&
			ev.State.Seats[0].VotingOpens != nil && !time.Now().Before(*ev.State.Seats[0].VotingOpens)
	})
	refusedAction{
		name: "ballot for no candidate", c: signedClient(t, rep), path: path + "/vote/secretariat", status: http.StatusUnprocessableEntity,
		form: url.Values{"als_id": {mx.ID}, "step": {"confirm"}, "choice": {staff.ID}},
		want: map[string]string{"es": "Revise este campo: Su elección no es candidata en esta votación.",
			"en": "Check this field: Your choice is not a candidate of this ballot."},
		english: "choice: not a candidate of this ballot",
		kept:    []string{`name="als_id" value="` + mx.ID + `"`},
	}.check(t)
}
