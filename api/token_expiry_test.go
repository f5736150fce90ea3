package api_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/lacralo/ralo/api"
	"github.com/lacralo/ralo/store"
)

// TestTokenExpiry: an issued token shows when it expires (a year by
// default), and once past it the token is refused with 401.
func TestTokenExpiry(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	m, _ := newMember(t, e, "AR", "")
	var issued struct {
		ID        string     `json:"id"`
		Token     string     `json:"token"`
		ExpiresAt *time.Time `json:"expires_at"`
	}
	expect(t, do(t, e, "POST", "/api/v1/members/"+m.ID+"/tokens", adminToken, map[string]any{"label": "expiry"}), http.StatusCreated).json(t, &issued)
	if issued.ExpiresAt == nil || issued.ExpiresAt.Sub(time.Now()) < 364*24*time.Hour || issued.ExpiresAt.Sub(time.Now()) > 366*24*time.Hour {
		t.Fatalf("expires_at %v, want a year from now", issued.ExpiresAt)
	}
	expect(t, do(t, e, "GET", "/api/v1/members/"+m.ID, issued.Token, nil), http.StatusOK)
	if err := e.app.Store.DB.Model(&store.Token{}).Where("id = ?", issued.ID).
		Update("expires_at", time.Now().Add(-time.Minute)).Error; err != nil {
		t.Fatal(err)
	}
	r := expect(t, do(t, e, "GET", "/api/v1/members/"+m.ID, issued.Token, nil), http.StatusUnauthorized)
	if d, _ := r.field(t, "detail").(string); d == "" {
		t.Fatalf("no detail: %s", r.body)
	}
}

// TestMetricsToken: with --metrics-token, /metrics wants it as a bearer
// token; a member's token or none gets 401.
func TestMetricsToken(t *testing.T) {
	e := shared
	s := api.New(api.Config{Store: e.app.Store, Temporal: e.app.Client, Policy: e.app.Policy, MetricsToken: "scrape-secret"})
	hs := httptest.NewServer(s.Handler())
	defer hs.Close()
	for _, c := range []struct {
		auth string
		want int
	}{{"", 401}, {"Bearer " + adminToken, 401}, {"Bearer wrong", 401}, {"Bearer scrape-secret", 200}} {
		req, _ := http.NewRequest("GET", hs.URL+"/metrics", nil)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%q: %d, want %d", c.auth, resp.StatusCode, c.want)
		}
	}
}
