package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"
)

// TestDevSignInAndEmailLinks: what a newcomer sees. `ralo dev` prints a
// one-time sign-in link for the admin at start; opening it lands on the
// dashboard, in Spanish, English one click away. The emails it writes link
// under the listen address (no --public-url given): a new member's welcome
// points to the sign-in page of this very server.
func TestDevSignInAndEmailLinks(t *testing.T) {
	p, _ := startDev(t, t.TempDir(), "tok-links")
	defer p.stop(t)
	out := p.out.String()
	const prefix = "sign in as the admin (one-time link, valid 15 minutes): "
	i := strings.Index(out, prefix)
	if i < 0 || !strings.Contains(out, "web: "+p.api+"\n") {
		t.Fatalf("no sign-in link or web address printed:\n%s", out)
	}
	link := strings.Fields(out[i+len(prefix):])[0]
	if !strings.HasPrefix(link, p.api+"/login/") {
		t.Fatalf("sign-in link %q is not on %s", link, p.api)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar}
	page := func(url string) (string, string) {
		t.Helper()
		resp, err := c.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", url, resp.StatusCode)
		}
		return resp.Request.URL.Path, string(b)
	}
	if at, body := page(link); at != "/" || !strings.Contains(body, `<html lang="es">`) {
		t.Fatalf("the link led to %s, or not in Spanish:\n%.500s", at, body)
	}
	if _, body := page(p.api + "/?lang=en"); !strings.Contains(body, `<html lang="en">`) {
		t.Fatalf("no English dashboard:\n%.500s", body)
	}

	if st, _ := p.call(t, "POST", "/api/v1/countries", "tok-links", map[string]any{"code": "AR", "name": "Argentina"}); st != http.StatusCreated {
		t.Fatalf("country: %d", st)
	}
	if st, m := p.call(t, "POST", "/api/v1/members", "tok-links", map[string]any{"name": "Nueva Socia", "email": "nueva@example.org", "country": "AR"}); st != http.StatusCreated {
		t.Fatalf("member: %d %v", st, m)
	}
	want := p.api + "/login"
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequest("GET", p.api+"/api/v1/notifications?process=welcome", nil)
		req.Header.Set("Authorization", "Bearer tok-links")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var msgs []struct {
			Body string `json:"body"`
		}
		err = json.NewDecoder(resp.Body).Decode(&msgs)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if strings.Contains(m.Body, want+" ") || strings.Contains(m.Body, want+"\n") {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no welcome email linking to %s: %+v", want, msgs)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
