package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/cookiejar"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// TestHTMXVendored: the htmx the server embeds and serves is the file
// whose SHA-256 is committed beside it (`make vendor` checks the same
// sum), the version the issue names, with its licence.
func TestHTMXVendored(t *testing.T) {
	sum, err := os.ReadFile("static/htmx.min.js.sha256")
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(string(sum))
	if len(fields) != 2 || fields[1] != "htmx.min.js" {
		t.Fatalf("htmx.min.js.sha256 is not a sha256sum line: %q", sum)
	}
	c := newClient(t)
	st, h, js := fetch(t, c, "GET", "/static/htmx.min.js", nil)
	if st != 200 || !strings.Contains(h.Get("Content-Type"), "javascript") {
		t.Fatalf("htmx.min.js: %d %q", st, h.Get("Content-Type"))
	}
	got := sha256.Sum256([]byte(js))
	if hex.EncodeToString(got[:]) != fields[0] {
		t.Errorf("embedded htmx.min.js has SHA-256 %x, committed %s", got, fields[0])
	}
	if !strings.Contains(js, `version:"2.0.11"`) {
		t.Error("embedded htmx.min.js is not htmx 2.0.11")
	}
	if st, _, lic := fetch(t, c, "GET", "/static/htmx.LICENSE", nil); st != 200 || !strings.Contains(lic, "Zero-Clause BSD") {
		t.Errorf("htmx licence: %d %q", st, lic)
	}
}

// TestHTMXOptional: every page loads htmx deferred, as an enhancement
// only: the boosted navigation is made of plain links and every form keeps
// its method and action, so the page works the same with JavaScript off;
// a page with its stylesheet and htmx stays under 100 KB.
func TestHTMXOptional(t *testing.T) {
	c := newClient(t)
	_, _, css := fetch(t, c, "GET", "/static/style.css", nil)
	_, _, js := fetch(t, c, "GET", "/static/htmx.min.js", nil)
	signedIn := sessionOf(t, member(t, "Hana Htmx", "es", "admin"))
	formTag := regexp.MustCompile(`<form\b[^>]*>`)
	for _, p := range []struct {
		name string
		c    func() (int, string)
	}{
		{"login", func() (int, string) { st, _, b := fetch(t, c, "GET", "/login", nil); return st, b }},
		{"dashboard", func() (int, string) { st, _, b := fetch(t, signedIn, "GET", "/", nil); return st, b }},
	} {
		st, body := p.c()
		if st != 200 {
			t.Fatalf("%s: %d", p.name, st)
		}
		if !strings.Contains(body, `<script src="/static/htmx.min.js" defer></script>`) {
			t.Errorf("%s does not load htmx deferred", p.name)
		}
		if strings.Count(body, "<script") != 1 {
			t.Errorf("%s has scripts besides htmx", p.name)
		}
		nav := body[strings.Index(body, `<nav class="main"`):]
		nav = nav[:strings.Index(nav, "</nav>")]
		if !strings.Contains(nav, `hx-boost="true"`) || !strings.Contains(nav, `<a href="/`) {
			t.Errorf("%s: the navigation is not boosted plain links:\n%s", p.name, nav)
		}
		for _, f := range formTag.FindAllString(body, -1) {
			if !strings.Contains(f, `method="post"`) && !strings.Contains(f, `method="get"`) || !strings.Contains(f, `action="`) {
				t.Errorf("%s: a form depends on JavaScript: %s", p.name, f)
			}
		}
		if n := len(body) + len(css) + len(js); n > 100_000 {
			t.Errorf("%s with its stylesheet and htmx is %d bytes, over 100 KB", p.name, n)
		}
	}
}

// sessionOf is an HTTP client signed in as m, through a one-time link made
// in the store (no email to wait for).
func sessionOf(t testing.TB, m store.Member) *http.Client {
	t.Helper()
	_, secret, err := shared.app.Store.CreateLoginLink(context.Background(), m.ID, service.SignInLinkTTL)
	if err != nil {
		t.Fatal(err)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar}
	resp, err := c.Get(shared.url + "/login/" + secret)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/" {
		t.Fatalf("sign in %s: %d at %s", m.Name, resp.StatusCode, resp.Request.URL)
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// TestHTMXBoostedNavigation: in a browser with JavaScript, a link of the
// navigation swaps the page in place (no new page load); with JavaScript
// off, the same link loads the page as any link does.
func TestHTMXBoostedNavigation(t *testing.T) {
	ctx := browser(t)
	m := member(t, "Iris Boost", "en")
	_, secret, err := shared.app.Store.CreateLoginLink(context.Background(), m.ID, service.SignInLinkTTL)
	if err != nil {
		t.Fatal(err)
	}
	load(t, ctx, chromedp.Navigate(shared.url+"/login/"+secret))
	if v := get(t, ctx, chromedp.Poll[string](`window.htmx && htmx.version`)); v != "2.0.11" {
		t.Fatalf("htmx version %q in the page", v)
	}
	get(t, ctx, chromedp.Evaluate[bool](`window.sameDocument = true`))
	do(t, ctx, chromedp.Click(chromedp.CSS(`nav.main a[href="/profile"]`)))
	get(t, ctx, chromedp.Poll[bool](`location.pathname === "/profile" &&
		document.querySelector('nav.main a[aria-current="page"]')?.getAttribute("href") === "/profile"`))
	if !get(t, ctx, chromedp.Evaluate[bool](`window.sameDocument === true`)) {
		t.Error("the boosted link loaded a new page")
	}
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	load(t, ctx, chromedp.Navigate(shared.url+"/"))
	load(t, ctx, chromedp.Click(chromedp.CSS(`nav.main a[href="/profile"]`)))
	if loc := get(t, ctx, chromedp.Location()); loc != shared.url+"/profile" {
		t.Fatalf("without JavaScript the link led to %s", loc)
	}
	mustContain(t, text(t, ctx, "main h1"), "My profile")
}
