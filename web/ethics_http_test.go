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
// kept, a refused transition 409 with the reason in the reader's language,
// a recused committee member gets the page of a case that does not exist
// (404), the same but for its address, and the receipt page without its cookie shows no
// code.
func TestEthicsPagesStatuses(t *testing.T) {
	bg := context.Background()
	country(t, "BO", "Bolivia")
	als := newALS(t, "ALS Altiplano", "BO")
	filer := memberOf(t, "Fabiola Filer", "es", "BO", als.ID)
	respondent := memberOf(t, "Ramiro Respondent", "es", "BO", "")
	recused := memberOf(t, "Renata Recused", "es", "BO", als.ID, store.RoleEthicsCommittee)
	active := memberOf(t, "Andrés Active", "es", "BO", "", store.RoleEthicsCommittee)

	c := signedInClient(t, filer)
	st, _, body := fetch(t, c, "POST", "/ethics?lang=en", url.Values{"respondent_id": {respondent.ID}, "summary": {"Kept text"}, "anonymous": {"on"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "Kept text") || !strings.Contains(body, "Check this field") {
		t.Fatalf("filing without a kind: %d\n%s", st, body)
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
	// (The dismissal form is no longer offered: the refusal comes from a
	// page opened before the admission.)
	st, _, body = fetch(t, k, "POST", "/ethics/"+filed.ID+"/dismiss?lang=en", url.Values{"reason": {"Typed reason"}})
	if st != http.StatusConflict || !strings.Contains(body, "Not possible at this stage of the case") {
		t.Fatalf("dismissing an admitted complaint: %d\n%s", st, body)
	}
}
