package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// seedPublicRecords records a ruling and a published ethics decision in
// the audit chain, as the workflows would.
func seedPublicRecords(t *testing.T) {
	t.Helper()
	s := shared.app.Store
	for _, in := range []store.AuditInput{
		{Actor: "system", Process: service.ArbitrationProcess, ObjectID: "arb_public_1", Action: "arbitration.ruling",
			Audience: store.AudiencePublic, IdemKey: "web-test-ruling",
			Details: map[string]any{"outcome": "upheld", "articles": []string{"art. 7.2", "art. 12"},
				"text": "El reglamento exige publicar la convocatoria con treinta días de antelación; la elección de 2026 se repite."}},
		{Actor: "system", Process: service.EthicsProcess, ObjectID: "eth_public_1", Action: "ethics.decision_published",
			Audience: store.AudiencePublic, IdemKey: "web-test-decision",
			Details: map[string]any{"case_id": "eth_public_1", "complaint_kind": "undeclared_conflict", "outcome": "warning",
				"decided_at": time.Date(2026, 11, 3, 15, 0, 0, 0, time.UTC),
				"decision":   map[string]any{"kind": "warning", "sanction_on": "respondent"}}},
	} {
		if _, err := s.AppendAudit(s.DB, in); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPublicPages: the public records read without signing in; an
// election not certified and a statement not submitted are unknown.
func TestPublicPages(t *testing.T) {
	seedPublicRecords(t)
	c := newClient(t)
	for path, want := range map[string]string{
		"/public/rulings?lang=en":   "art. 7.2",
		"/public/decisions?lang=en": "Undeclared conflict of interest",
	} {
		code, _, body := fetch(t, c, http.MethodGet, path, nil)
		if code != http.StatusOK || !strings.Contains(body, want) {
			t.Fatalf("%s: %d, want %q in\n%.2000s", path, code, want, body)
		}
		if !strings.Contains(body, `href="/public/rulings"`) {
			t.Fatalf("%s: no link to the public rulings in the navigation", path)
		}
	}
	for _, path := range []string{"/public/elections/nope", "/public/statements/nope"} {
		if code, _, _ := fetch(t, c, http.MethodGet, path, nil); code != http.StatusNotFound {
			t.Fatalf("%s: %d, want 404", path, code)
		}
	}
}

// TestBrowserPublicPages: screenshots of the public records in es and en,
// at desktop and phone width.
func TestBrowserPublicPages(t *testing.T) {
	ctx := browser(t)
	seedPublicRecords(t)
	for _, l := range []string{"es", "en"} {
		for name, path := range map[string]string{"public_rulings": "/public/rulings", "public_decisions": "/public/decisions"} {
			for _, width := range []int64{1280, 390} {
				do(t, ctx, chromedp.EmulateViewport(width, 800))
				load(t, ctx, chromedp.Navigate(shared.url+path+"?lang="+l))
				shot(t, ctx, name, l, width)
			}
		}
	}
}
