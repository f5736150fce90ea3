package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/lacralo/ralo/api"
	"github.com/lacralo/ralo/policy"
)

// limitedAPI serves the shared environment's store and Temporal through
// an API whose update budget is burst, then one every every.
func limitedAPI(t *testing.T, burst int, every time.Duration) *env {
	t.Helper()
	pol := *shared.app.Policy
	pol.Budgets.UpdateBurst, pol.Budgets.UpdateEvery = burst, policy.Duration(every)
	srv := api.New(api.Config{Store: shared.app.Store, Temporal: shared.app.Client, Policy: &pol,
		Ready: func(context.Context) error { return nil }})
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &env{url: hs.URL, app: shared.app}
}

// TestUpdateRateLimit: with budgets.update_burst 3 and update_every 1h, a
// member's fourth write (a declaration, which sends rechecks to the open
// elections) is refused with 429, a problem document and Retry-After;
// reads still answer; another member and an admin are not held back by it.
func TestUpdateRateLimit(t *testing.T) {
	e := limitedAPI(t, 3, time.Hour)
	ensureCountry(t, e, "AR", "Argentina")
	m, tok := newMember(t, e, "AR", "")
	other, otherTok := newMember(t, e, "AR", "")
	decl := map[string]any{"kind": "none"}
	for range 3 {
		expect(t, do(t, e, "POST", "/api/v1/members/"+m.ID+"/declarations", tok, decl), http.StatusCreated)
	}
	r := expect(t, do(t, e, "POST", "/api/v1/members/"+m.ID+"/declarations", tok, decl), http.StatusTooManyRequests)
	if got := r.header.Get("Retry-After"); got != "3600" {
		t.Errorf("Retry-After = %q, want 3600", got)
	}
	// Every write route counts, together: a PATCH is refused too.
	expect(t, do(t, e, "PATCH", "/api/v1/members/"+m.ID, tok, map[string]any{"name": "Renamed"}), http.StatusTooManyRequests)
	expect(t, do(t, e, "GET", "/api/v1/members/"+m.ID+"/declarations", tok, nil), http.StatusOK)
	expect(t, do(t, e, "POST", "/api/v1/members/"+other.ID+"/declarations", otherTok, decl), http.StatusCreated)
	for range 5 {
		expect(t, do(t, e, "POST", "/api/v1/countries", adminToken, map[string]any{"code": "AR", "name": "Argentina"}),
			http.StatusUnprocessableEntity)
	}
	var declared []map[string]any
	expect(t, do(t, e, "GET", "/api/v1/members/"+m.ID+"/declarations", tok, nil), http.StatusOK).json(t, &declared)
	if len(declared) != 3 {
		t.Errorf("declarations = %d, want the 3 accepted", len(declared))
	}
}
