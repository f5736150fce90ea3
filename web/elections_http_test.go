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
