package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/app"
	"github.com/lacralo/ralo/devserver"
	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// env is one running ralo (embedded Temporal, SQLite, worker, API and web)
// shared by the package's tests.
type env struct {
	url string
	app *app.App
	svc *service.Service
}

var shared *env

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ralo-web-test")
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	srv, err := devserver.Start(ctx, devserver.Config{Ephemeral: true, Namespace: "ralo"})
	if err != nil {
		fmt.Fprintln(os.Stderr, "start temporal:", err)
		os.Exit(1)
	}
	a, err := app.Open(ctx, app.Options{DatabaseURL: filepath.Join(dir, "ralo.db"),
		Temporal: client.Options{HostPort: srv.HostPort(), Namespace: "ralo"}, AdminToken: "ralo_web_test_admin", Policy: webTestPolicy(),
		RunWorker: true, RunAPI: true})
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "open app:", err)
		os.Exit(1)
	}
	hs := httptest.NewServer(a.Handler())
	shared = &env{url: hs.URL, app: a, svc: service.New(service.Config{Store: a.Store, Temporal: a.Client, Policy: a.Policy})}
	code := m.Run()
	hs.Close()
	a.Close()
	_ = srv.Stop()
	os.RemoveAll(dir)
	os.Exit(code)
}

var seq int

func member(t *testing.T, name, lang string, roles ...string) store.Member {
	t.Helper()
	ctx := context.Background()
	st := shared.app.Store
	if _, err := st.GetMember(ctx, "x"); err != nil {
		_, _ = st.CreateCountry(ctx, store.Actor{}, store.CountryInput{Code: "AR", Name: "Argentina"})
	}
	seq++
	email := fmt.Sprintf("%s.%d.%d@example.org", strings.ToLower(strings.Fields(name)[0]), time.Now().UnixNano()%1e6, seq)
	country := "AR"
	rs := append([]string{store.RoleMember}, roles...)
	m, err := st.CreateMember(ctx, store.Actor{}, store.MemberInput{Name: &name, Email: &email, Country: &country, Language: &lang, Roles: &rs})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// signInLink waits for the sign-in email in the member's outbox and
// returns its link.
func signInLink(t *testing.T, m store.Member, after int) string {
	t.Helper()
	re := regexp.MustCompile(`http://\S+/login/\S+`)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		ms, err := shared.app.Store.ListOutbox(context.Background(), store.OutboxFilter{MemberID: m.ID})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, msg := range ms {
			if msg.Event == "sign_in_link" {
				n++
			}
		}
		if n > after {
			for _, msg := range ms {
				if msg.Event == "sign_in_link" {
					return re.FindString(msg.Body)
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("no sign-in email in the outbox")
	return ""
}

// browser starts Chromium, or skips (fails with RALO_BROWSER=require)
// when there is none.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("RALO_CHROMIUM")
	if path == "" {
		for _, p := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if found, err := exec.LookPath(p); err == nil {
				path = found
				break
			}
		}
	}
	if path == "" {
		if os.Getenv("RALO_BROWSER") == "require" {
			t.Fatal("RALO_BROWSER=require but no Chromium found (apt-get install chromium fonts-liberation)")
		}
		t.Skip("no Chromium found: browser tests skipped (set RALO_BROWSER=require to fail instead)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true), chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelB(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// load runs an action that makes the page load another, and waits for it.
func load[T any](t *testing.T, ctx context.Context, trigger chromedp.Action[T]) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, trigger)); err != nil {
		t.Fatal(err)
	}
}

func get[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return get(t, ctx, chromedp.Text(chromedp.CSS(sel)))
}

func mustContain(t *testing.T, got, want string) {
	t.Helper()
	if !strings.Contains(got, want) {
		t.Fatalf("page text %q does not contain %q", got, want)
	}
}

// TestBrowser walks the web interface in Chromium as a committee member:
// keyboard-only sign-in from the emailed link, the dashboard, the language
// switch, a declaration, the receipt check, a cross-site POST refused, a
// used link refused, then screenshots of every page.
func TestBrowser(t *testing.T) {
	ctx := browser(t)
	bg := context.Background()
	ana := member(t, "Ana Committee", "es", store.RoleEthicsCommittee)
	complainant := member(t, "Carlos Filer", "es")
	respondent := member(t, "Rosa Respondent", "es")
	filed, err := shared.svc.FileComplaint(bg, &service.Actor{Member: complainant},
		service.ComplaintRequest{RespondentID: respondent.ID, Kind: "bad_faith", Summary: "The respondent hid a conflict."})
	if err != nil {
		t.Fatal(err)
	}

	// Sign in with the keyboard only: Tab to the email field, type, Enter.
	load(t, ctx, chromedp.Navigate(shared.url+"/login"))
	focused := ""
	for i := 0; i < 30 && focused != "email"; i++ {
		do(t, ctx, chromedp.KeyEvent(kb.Tab))
		focused = get(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`))
	}
	if focused != "email" {
		t.Fatal("Tab never reached the email field")
	}
	do(t, ctx, chromedp.KeyEvent(ana.Email))
	load(t, ctx, chromedp.KeyEvent(kb.Enter))
	// Not signed in: the browser's Accept-Language (en-US) chooses.
	mustContain(t, text(t, ctx, "main"), "Check your email")
	link := signInLink(t, ana, 0)
	if !strings.HasPrefix(link, shared.url+"/login/") {
		t.Fatalf("link %q is not on %s", link, shared.url)
	}
	shot(t, ctx, "login_sent", "es", 1280)
	load(t, ctx, chromedp.Navigate(link))
	if loc := get(t, ctx, chromedp.Location()); loc != shared.url+"/" {
		t.Fatalf("after the link: %s, want the dashboard", loc)
	}
	// The dashboard shows the complaint to screen, with its deadline.
	body := text(t, ctx, "main")
	mustContain(t, body, "Admitir o desestimar la denuncia")
	mustContain(t, body, filed.ID)
	mustContain(t, body, "quedan")
	if lang := get(t, ctx, chromedp.AttributeValue(chromedp.CSS("html"), "lang")); lang.Value != "es" {
		t.Fatalf("html lang %q, want es", lang.Value)
	}

	// Switch to English with one click; the choice is remembered.
	load(t, ctx, chromedp.Click(chromedp.CSS(`.langs a[hreflang=en]`)))
	mustContain(t, text(t, ctx, "main"), "Admit or dismiss the complaint")
	load(t, ctx, chromedp.Navigate(shared.url+"/declarations"))
	if lang := get(t, ctx, chromedp.AttributeValue(chromedp.CSS("html"), "lang")); lang.Value != "en" {
		t.Fatalf("html lang %q after the switch, want en", lang.Value)
	}

	// File a declaration through the form.
	do(t, ctx,
		chromedp.Click(chromedp.ID("kind-interest")),
		chromedp.SendKeys(chromedp.ID("organization"), "Registry Cooperative"),
		chromedp.SendKeys(chromedp.ID("description"), "Board member since 2024."))
	load(t, ctx, chromedp.Submit(chromedp.ID("organization")))
	mustContain(t, text(t, ctx, "main"), "Declaration filed.")
	mustContain(t, text(t, ctx, "main"), "Registry Cooperative")
	ds, err := shared.app.Store.ListDeclarations(bg, ana.ID)
	if err != nil || len(ds) != 1 {
		t.Fatalf("declarations %v %v, want one", ds, err)
	}

	// A form posted from another origin of the same site (127.0.0.1 on
	// another port) is refused and changes nothing, although the browser
	// sends the session cookie with it (SameSite=Lax does not stop it).
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><html><body><form id="f" method="post" action="%s/declarations">
<input name="kind" value="none"><input name="organization" value="forged"></form>
<script>document.getElementById('f').submit()</script></body></html>`, shared.url)
	}))
	defer evil.Close()
	do(t, ctx, chromedp.Navigate(evil.URL),
		chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	mustContain(t, text(t, ctx, "main h1"), "Not allowed")
	mustContain(t, text(t, ctx, ".who"), "Signed in as Ana Committee")
	shot(t, ctx, "cross_site_refused", "en", 1280)
	if ds, _ := shared.app.Store.ListDeclarations(bg, ana.ID); len(ds) != 1 {
		t.Fatalf("a cross-site POST filed a declaration: %d", len(ds))
	}

	// The used link is refused with a page that says so.
	load(t, ctx, chromedp.Navigate(link))
	mustContain(t, text(t, ctx, "main"), "already used")
	shot(t, ctx, "link_used", "en", 1280)

	// The public receipt check, by POST.
	load(t, ctx, chromedp.Navigate(shared.url+"/receipt"))
	do(t, ctx, chromedp.SendKeys(chromedp.ID("code"), filed.Receipt))
	load(t, ctx, chromedp.Submit(chromedp.ID("code")))
	mustContain(t, text(t, ctx, "section.result"), filed.ID)
	mustContain(t, text(t, ctx, "section.result"), "screening")
	shot(t, ctx, "receipt_result", "en", 1280)

	// On a phone the navigation folds behind a "Menu" button naming the
	// section; the keyboard opens it (Tab to the button, Space), without
	// JavaScript. On a desktop the list shows and the button does not.
	navShown := func() bool {
		return get(t, ctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector('nav.main')).display !== 'none'`))
	}
	buttonShown := func() bool {
		return get(t, ctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector('.menu-button')).display !== 'none'`))
	}
	do(t, ctx, chromedp.EmulateViewport(390, 800))
	load(t, ctx, chromedp.Navigate(shared.url+"/declarations?lang=es"))
	if navShown() || !buttonShown() {
		t.Fatalf("phone: navigation shown %v, menu button shown %v; want it folded", navShown(), buttonShown())
	}
	mustContain(t, text(t, ctx, ".menu-button"), "Menú · Declaraciones")
	shot(t, ctx, "menu_folded", "es", 390)
	focused = ""
	for i := 0; i < 30 && focused != "menu-open"; i++ {
		do(t, ctx, chromedp.KeyEvent(kb.Tab))
		focused = get(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`))
	}
	if focused != "menu-open" {
		t.Fatal("Tab never reached the menu button")
	}
	do(t, ctx, chromedp.KeyEvent(" "))
	if !navShown() {
		t.Fatal("Space on the menu button did not open the navigation")
	}
	shot(t, ctx, "menu_open", "es", 390)
	do(t, ctx, chromedp.EmulateViewport(1280, 800))
	load(t, ctx, chromedp.Navigate(shared.url+"/declarations?lang=es"))
	if !navShown() || buttonShown() {
		t.Fatalf("desktop: navigation shown %v, menu button shown %v; want the list only", navShown(), buttonShown())
	}

	// Screenshots of every page, in every language, at desktop and phone width.
	pages := map[string]string{"dashboard": "/", "profile": "/profile", "declarations": "/declarations",
		"notifications": "/notifications", "sessions": "/sessions", "receipt": "/receipt", "verify": "/verify", "login": "/login"}
	for _, l := range service.Languages {
		for name, path := range pages {
			for _, width := range []int64{1280, 390} {
				do(t, ctx, chromedp.EmulateViewport(width, 800))
				load(t, ctx, chromedp.Navigate(shared.url+path+"?lang="+l))
				shot(t, ctx, name, l, width)
			}
		}
	}
	do(t, ctx, chromedp.EmulateViewport(1280, 800))

	// Sign out everywhere closes this session too.
	load(t, ctx, chromedp.Navigate(shared.url+"/sessions?lang=en"))
	load(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/sessions/revoke-all"] button`)))
	if ss, _ := shared.app.Store.ListSessions(bg, ana.ID); len(ss) != 0 {
		t.Fatalf("%d sessions left after signing out everywhere", len(ss))
	}
}

// shot writes a full-page PNG under $RALO_SCREENSHOTS or testdata/screenshots.
func shot(t *testing.T, ctx context.Context, name, lang string, width int64) {
	t.Helper()
	dir := os.Getenv("RALO_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("testdata", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	buf := get(t, ctx, chromedp.FullScreenshot(100))
	file := filepath.Join(dir, fmt.Sprintf("%s-%s-%d.png", name, lang, width))
	if err := os.WriteFile(file, buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCrossSitePostRefused sends what a forged form would, without a
// browser: 403 and nothing changed.
func TestCrossSitePostRefused(t *testing.T) {
	form := url.Values{"email": {"nobody@example.org"}}
	req, _ := http.NewRequest(http.MethodPost, shared.url+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d, want 403", resp.StatusCode)
	}
}

// TestSignInAnswersAlike: a registered and an unknown address get the same
// page, and an unknown link is refused.
func TestSignInAnswersAlike(t *testing.T) {
	m := member(t, "Lia Same", "pt")
	post := func(email string) (int, string) {
		resp, err := http.PostForm(shared.url+"/login?lang=en", url.Values{"email": {email}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}
	s1, b1 := post(m.Email)
	s2, b2 := post("unknown-" + m.Email)
	if s1 != 200 || s2 != 200 || b1 != b2 {
		t.Fatalf("answers differ: %d %d", s1, s2)
	}
	link := signInLink(t, m, 0)
	if !strings.Contains(link, "/login/") {
		t.Fatal(link)
	}
	resp, err := http.Get(shared.url + "/login/not-a-link")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown link: %d", resp.StatusCode)
	}
}
