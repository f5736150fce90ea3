package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// client is a cookie-keeping HTTP client that does not follow redirects.
func newClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func fetch(t *testing.T, c *http.Client, method, path string, form url.Values) (int, http.Header, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, shared.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// TestNewcomerAdminLink: the link `ralo dev` prints signs the admin in and
// lands on the dashboard, in Spanish by default, with the session cookie
// as the SPEC says; the page stays small.
func TestNewcomerAdminLink(t *testing.T) {
	link, err := shared.app.AdminSignInLink(context.Background(), shared.url)
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t)
	st, h, _ := fetch(t, c, "GET", strings.TrimPrefix(link, shared.url), nil)
	if st != http.StatusSeeOther || h.Get("Location") != "/" {
		t.Fatalf("link: %d to %q, want 303 to /", st, h.Get("Location"))
	}
	cookie := h.Get("Set-Cookie")
	for _, want := range []string{"ralo_session=", "HttpOnly", "SameSite=Lax", "Max-Age=2592000"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("cookie %q lacks %s", cookie, want)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Errorf("cookie %q is Secure on loopback", cookie)
	}
	st, _, body := fetch(t, c, "GET", "/", nil)
	if st != http.StatusOK || !strings.Contains(body, `<html lang="es">`) || !strings.Contains(body, "Lo que debo hacer") {
		t.Fatalf("dashboard: %d\n%s", st, body)
	}
	_, _, css := fetch(t, c, "GET", "/static/style.css", nil)
	if n := len(body) + len(css); n > 100_000 {
		t.Errorf("dashboard with its stylesheet is %d bytes, over 100 KB", n)
	}
	// A field the service refuses re-renders the form with its message.
	st, _, body = fetch(t, c, "POST", "/profile?lang=en", url.Values{"name": {"Admin"}, "language": {"xx"}, "time_zone": {"Mars/Olympus"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose a time zone such as America/Bogota.") ||
		!strings.Contains(body, "Choose Spanish, English, Portuguese or French.") {
		t.Fatalf("profile with bad fields: %d\n%s", st, body)
	}
	st, h, _ = fetch(t, c, "POST", "/profile", url.Values{"name": {"Admin"}, "language": {"en"}, "time_zone": {"America/Bogota"}, "skills": {"DNS, policy"}})
	if st != http.StatusSeeOther || h.Get("Location") != "/profile?saved" {
		t.Fatalf("profile saved: %d %q", st, h.Get("Location"))
	}
	_, _, body = fetch(t, c, "GET", "/profile", nil)
	if !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "America/Bogota") || !strings.Contains(body, "DNS, policy") {
		t.Fatalf("profile after saving:\n%s", body)
	}
	// Signed out, the pages that need a person send to the sign-in form.
	if st, _, _ := fetch(t, c, "POST", "/logout", url.Values{}); st != http.StatusSeeOther {
		t.Fatalf("logout: %d", st)
	}
	if st, h, _ := fetch(t, c, "GET", "/declarations", nil); st != http.StatusSeeOther || h.Get("Location") != "/login" {
		t.Fatalf("signed out: %d %q", st, h.Get("Location"))
	}
}

// TestLoginRateLimited: a fourth request for one address within a minute
// is refused with 429, the answer for other addresses unchanged.
func TestLoginRateLimited(t *testing.T) {
	c := newClient(t)
	for i := 0; i < 3; i++ {
		if st, _, _ := fetch(t, c, "POST", "/login", url.Values{"email": {"flood@example.org"}}); st != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, st)
		}
	}
	if st, h, _ := fetch(t, c, "POST", "/login", url.Values{"email": {"flood@example.org"}}); st != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
		t.Fatalf("fourth request: %d", st)
	}
	if st, _, _ := fetch(t, c, "POST", "/login", url.Values{"email": {"other@example.org"}}); st != http.StatusOK {
		t.Fatalf("another address: %d", st)
	}
}

// TestSignInLinkOnlyForItsRecipient: the outbox listing shows a sign-in
// email's body to its recipient alone; an admin listing every message
// sees that it was sent, never the link.
func TestSignInLinkOnlyForItsRecipient(t *testing.T) {
	bea := member(t, "Bea Link", "es")
	admin := member(t, "Ada Admin", "en", store.RoleAdmin)
	c := newClient(t)
	if st, _, _ := fetch(t, c, "POST", "/login", url.Values{"email": {bea.Email}}); st != http.StatusOK {
		t.Fatalf("login: %d", st)
	}
	if link := signInLink(t, bea, 0); link == "" {
		t.Fatal("the recipient's own listing has no link")
	}
	ctx := context.Background()
	all, err := shared.svc.ListNotifications(ctx, &service.Actor{Member: admin}, store.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	seen := false
	for _, m := range all {
		if m.Event == "sign_in_link" && m.MemberID != nil && *m.MemberID == bea.ID {
			seen = true
			if strings.Contains(m.Body, "/login/") {
				t.Errorf("an admin reads another member's sign-in link: %q", m.Body)
			}
		}
	}
	if !seen {
		t.Error("the admin's listing does not show the sign-in email at all")
	}
	own, err := shared.svc.ListNotifications(ctx, &service.Actor{Member: bea}, store.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range own {
		if m.Event == "sign_in_link" && !strings.Contains(m.Body, "/login/") {
			t.Errorf("the recipient's own listing lost the link: %q", m.Body)
		}
	}
}
