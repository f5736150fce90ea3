package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// session is a cookie-keeping client signed in as m from a fresh link.
func session(t *testing.T, m store.Member) *http.Client {
	t.Helper()
	if err := shared.svc.RequestSignIn(context.Background(), service.SignInRequest{Email: m.Email, LinkBase: shared.url}); err != nil {
		t.Fatal(err)
	}
	link := signInLink(t, m, links[m.ID])
	links[m.ID]++
	c := newClient(t)
	if st, _, _ := fetch(t, c, http.MethodGet, strings.TrimPrefix(link, shared.url), nil); st != http.StatusSeeOther {
		t.Fatalf("sign-in link: %d", st)
	}
	return c
}

// mustHave fails unless body contains every want.
func mustHave(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Fatalf("%s lacks %q:\n%s", what, w, body)
		}
	}
}

// mustLack fails when body contains any of bad.
func mustLack(t *testing.T, what, body string, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(body, b) {
			t.Fatalf("%s shows %q", what, b)
		}
	}
}

// TestSharedPagesNeedSignIn: every shared page sends a stranger to the
// sign-in form, and its forms change nothing for them.
func TestSharedPagesNeedSignIn(t *testing.T) {
	c := newClient(t)
	for _, p := range []string{"/members", "/als", "/calendar", "/audit", "/calendar/events/x@ralo"} {
		if st, h, _ := fetch(t, c, http.MethodGet, p, nil); st != http.StatusSeeOther || h.Get("Location") != "/login" {
			t.Errorf("GET %s signed out: %d %q", p, st, h.Get("Location"))
		}
	}
	for _, p := range []string{"/calendar/token", "/calendar/token/revoke", "/audit/verify"} {
		if st, h, _ := fetch(t, c, http.MethodPost, p, url.Values{}); st != http.StatusSeeOther || h.Get("Location") != "/login" {
			t.Errorf("POST %s signed out: %d %q", p, st, h.Get("Location"))
		}
	}
}

// TestProfileDigest: the monthly digest preference is a checkbox on the
// profile, saved to the registry and shown again.
func TestProfileDigest(t *testing.T) {
	m := member(t, "Dora Digest", "es")
	c := session(t, m)
	checked := regexp.MustCompile(`id="digest" name="digest" type="checkbox"[^>]*checked`)
	_, _, body := fetch(t, c, http.MethodGet, "/profile", nil)
	mustHave(t, "profile", body, "Recibir el resumen mensual")
	if !checked.MatchString(body) {
		t.Fatal("a new member's digest box is not ticked")
	}
	form := url.Values{"name": {m.Name}, "language": {"es"}}
	if st, h, _ := fetch(t, c, http.MethodPost, "/profile", form); st != http.StatusSeeOther || h.Get("Location") != "/profile?saved" {
		t.Fatalf("save: %d %q", st, h.Get("Location"))
	}
	got, err := shared.app.Store.GetMember(context.Background(), m.ID)
	if err != nil || !got.DigestOptOut {
		t.Fatalf("unticked digest: opt-out %v (%v)", got.DigestOptOut, err)
	}
	_, _, body = fetch(t, c, http.MethodGet, "/profile", nil)
	if checked.MatchString(body) {
		t.Fatal("the digest box is ticked after unsubscribing")
	}
	form.Set("digest", "on")
	fetch(t, c, http.MethodPost, "/profile", form)
	if got, _ := shared.app.Store.GetMember(context.Background(), m.ID); got.DigestOptOut {
		t.Fatal("ticking the digest again left the member unsubscribed")
	}
	// A field the service refuses is explained in the reader's language.
	form.Set("time_zone", "Mars/Olympus")
	st, _, body := fetch(t, c, http.MethodPost, "/profile?lang=pt", form)
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("bad zone: %d", st)
	}
	mustHave(t, "refused profile", body, "Escolha um fuso horário")
	mustLack(t, "refused profile", body, "must be a time zone")
	form.Set("time_zone", "")
	form.Set("name", " ")
	if st, _, body := fetch(t, c, http.MethodPost, "/profile?lang=fr", form); st != http.StatusUnprocessableEntity || !strings.Contains(body, "Ce champ est obligatoire.") {
		t.Fatalf("empty name: %d\n%s", st, body)
	}
}

// TestMembersPage: the directory lists names and public skills, never an
// email or a private skill, whoever reads (staff too); search by name or
// public skill; 50 a page.
func TestMembersPage(t *testing.T) {
	ctx := context.Background()
	st := shared.app.Store
	tag := fmt.Sprintf("zq%d", time.Now().UnixNano()%1e6)
	pub := member(t, "Pia "+tag, "es")
	priv := member(t, "Ivo "+tag, "es")
	yes, no := true, false
	pubSkills, privSkills := []string{"DNS " + tag + "skill"}, []string{"secret" + tag}
	if _, err := st.UpdateMember(ctx, store.Actor{}, pub.ID, store.MemberInput{Skills: &pubSkills, SkillsPublic: &yes}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpdateMember(ctx, store.Actor{}, priv.ID, store.MemberInput{Skills: &privSkills, SkillsPublic: &no}); err != nil {
		t.Fatal(err)
	}
	reader := member(t, "Rui Reader", "en")
	staff := member(t, "Sol Staff", "en", store.RoleStaff)
	for _, who := range []store.Member{reader, staff} {
		c := session(t, who)
		code, _, body := fetch(t, c, http.MethodGet, "/members?q="+tag, nil)
		if code != http.StatusOK {
			t.Fatalf("directory: %d", code)
		}
		mustHave(t, "directory", body, pub.Name, priv.Name, pubSkills[0])
		mustLack(t, "directory", body, pub.Email, priv.Email, privSkills[0])
		// A private skill is not searchable; a public one is.
		_, _, body = fetch(t, c, http.MethodGet, "/members?q="+url.QueryEscape(privSkills[0]), nil)
		mustLack(t, "search by a private skill", body, priv.Name)
		_, _, body = fetch(t, c, http.MethodGet, "/members?q="+url.QueryEscape(tag+"SKILL"), nil)
		mustHave(t, "search by a public skill", body, pub.Name)
		mustLack(t, "search by a public skill", body, priv.Name)
	}
	// Paging: 51 matching members make two pages.
	many := "Pag" + tag
	for i := 0; i < 51; i++ {
		member(t, fmt.Sprintf("%s %02d", many, i), "es")
	}
	c := session(t, reader)
	_, _, body := fetch(t, c, http.MethodGet, "/members?q="+many, nil)
	if n := strings.Count(body, `class="person"`); n != service.DirectoryPageSize {
		t.Fatalf("first page lists %d members", n)
	}
	mustHave(t, "first page", body, `rel="next"`, many+" 49")
	_, _, body = fetch(t, c, http.MethodGet, "/members?page=2&q="+many, nil)
	if n := strings.Count(body, `class="person"`); n != 1 {
		t.Fatalf("second page lists %d members", n)
	}
	mustHave(t, "second page", body, many+" 50", `rel="prev"`)
}

// TestALSPage: the ALSes with country, sub-region and accreditation, and
// the positions with their holders and term ends.
func TestALSPage(t *testing.T) {
	ctx := context.Background()
	country(t, "PY", "Paraguay")
	als := newALS(t, "ALS Guaraní", "PY")
	chair := memberOf(t, "Celia Chair", "es", "PY", als.ID)
	end := time.Date(2031, 10, 30, 15, 0, 0, 0, time.UTC)
	if _, err := shared.app.Store.CreatePosition(ctx, store.Actor{}, store.PositionInput{Position: "chair", HolderID: chair.ID,
		TermStart: time.Now().Add(-24 * time.Hour), TermEnd: &end}); err != nil {
		t.Fatal(err)
	}
	c := session(t, member(t, "Ada ALS", "en"))
	code, _, body := fetch(t, c, http.MethodGet, "/als?lang=en", nil)
	if code != http.StatusOK {
		t.Fatalf("als: %d", code)
	}
	mustHave(t, "ALS page", body, als.Name, "Paraguay", "accredited", `data-position="chair"`, chair.Name, "Oct 30, 2031")
}

// TestCalendarPage: the feed address is shown once after it is made; a
// new one invalidates the old, revoking invalidates both; the upcoming
// meeting is listed with its own .ics.
func TestCalendarPage(t *testing.T) {
	ctx := context.Background()
	staff := member(t, "Cal Staff", "es", store.RoleStaff)
	created, err := shared.svc.CreateMeeting(ctx, &service.Actor{Member: staff}, service.MeetingRequest{Kind: store.MeetingWorkingGroup,
		Title: "Llamada de calendario", StartsAt: time.Now().Add(72 * time.Hour), Location: "Jitsi"})
	if err != nil {
		t.Fatal(err)
	}
	m := member(t, "Cora Calendar", "es")
	c := session(t, m)
	_, _, body := fetch(t, c, http.MethodGet, "/calendar", nil)
	mustHave(t, "calendar", body, "Todavía no tiene una dirección", "Llamada de calendario", "Quien tenga esta dirección ve su calendario")
	feedURL := regexp.MustCompile(`value="(http://[^"]+/api/v1/calendar\.ics\?token=ralofeed_[^"]+)"`)
	issue := func() string {
		t.Helper()
		if st, h, _ := fetch(t, c, http.MethodPost, "/calendar/token", url.Values{}); st != http.StatusSeeOther || h.Get("Location") != "/calendar" {
			t.Fatalf("issue: %d %q", st, h.Get("Location"))
		}
		_, _, body := fetch(t, c, http.MethodGet, "/calendar", nil)
		got := feedURL.FindStringSubmatch(body)
		if got == nil {
			t.Fatalf("no feed address after issuing one:\n%s", body)
		}
		// Shown once: the next visit says one is in use, without it.
		_, _, again := fetch(t, c, http.MethodGet, "/calendar", nil)
		if feedURL.MatchString(again) || !strings.Contains(again, "dirección de calendario activa") {
			t.Fatal("the feed address is shown a second time")
		}
		return strings.ReplaceAll(got[1], "&amp;", "&")
	}
	feed := func(u string) int {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	first := issue()
	if st := feed(first); st != http.StatusOK {
		t.Fatalf("feed: %d", st)
	}
	second := issue()
	if first == second {
		t.Fatal("rotating gave the same address")
	}
	if st := feed(first); st != http.StatusUnauthorized {
		t.Fatalf("old address after rotating: %d, want 401", st)
	}
	if st := feed(second); st != http.StatusOK {
		t.Fatalf("new address: %d", st)
	}
	if st, h, _ := fetch(t, c, http.MethodPost, "/calendar/token/revoke", url.Values{}); st != http.StatusSeeOther || h.Get("Location") != "/calendar?revoked" {
		t.Fatalf("revoke: %d %q", st, h.Get("Location"))
	}
	if st := feed(second); st != http.StatusUnauthorized {
		t.Fatalf("address after revoking: %d, want 401", st)
	}
	// One event as its own file, under the feed's UID.
	uid := "meeting-" + created.Meeting.ID + "@ralo"
	st, h, ics := fetch(t, c, http.MethodGet, "/calendar/events/"+url.PathEscape(uid), nil)
	if st != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/calendar") {
		t.Fatalf(".ics: %d %q", st, h.Get("Content-Type"))
	}
	mustHave(t, ".ics", ics, "BEGIN:VEVENT", "UID:"+uid, "Llamada de calendario")
	// An event the reader may not see is not found, said in their language.
	st, _, body = fetch(t, c, http.MethodGet, "/calendar/events/ethics-x-screening@ralo", nil)
	if st != http.StatusNotFound {
		t.Fatalf("unknown event: %d", st)
	}
	mustHave(t, "unknown event", body, "No existe, o no le corresponde verlo.")
}

// TestAuditPage: a member sees the public entries and their own, not
// another member's; staff see both; the filters narrow the list and
// "verify chain" reports the chain intact with its head.
func TestAuditPage(t *testing.T) {
	ctx := context.Background()
	a := member(t, "Alma Audit", "en")
	b := member(t, "Beto Audit", "en")
	for _, m := range []store.Member{a, b} {
		if _, err := shared.svc.IssueFeedToken(ctx, &service.Actor{Member: m}, m.ID); err != nil {
			t.Fatal(err)
		}
	}
	ca := session(t, a)
	_, _, body := fetch(t, ca, http.MethodGet, "/audit?lang=en&process=registry&object_id="+a.ID, nil)
	mustHave(t, "own audit", body, "feed_token.issued", a.ID, a.Name)
	_, _, body = fetch(t, ca, http.MethodGet, "/audit?lang=en&process=registry&object_id="+b.ID, nil)
	mustLack(t, "another member's audit", body, "feed_token.issued")
	mustHave(t, "another member's audit", body, "No entry you may see matches.")
	staff := session(t, member(t, "Sara Audit", "en", store.RoleStaff))
	_, _, body = fetch(t, staff, http.MethodGet, "/audit?lang=en&object_id="+b.ID, nil)
	mustHave(t, "staff audit", body, "feed_token.issued", b.ID)
	// Newest first, 50 a page, older pages behind a link.
	for i := 0; i < service.AuditPageSize+1; i++ {
		member(t, fmt.Sprintf("Pablo Página %02d", i), "es")
	}
	seqs := regexp.MustCompile(`<tr data-seq="(\d+)">`)
	older := regexp.MustCompile(`href="(/audit\?before=\d+[^"]*)" rel="next"`)
	_, _, body = fetch(t, staff, http.MethodGet, "/audit?lang=en&process=registry", nil)
	page1 := seqs.FindAllStringSubmatch(body, -1)
	next := older.FindStringSubmatch(body)
	if len(page1) != service.AuditPageSize || next == nil {
		t.Fatalf("first page: %d entries, older link %v", len(page1), next)
	}
	first, last := atoi(t, page1[0][1]), atoi(t, page1[len(page1)-1][1])
	if first <= last {
		t.Fatalf("the log is not newest first: %d then %d", first, last)
	}
	_, _, body = fetch(t, staff, http.MethodGet, strings.ReplaceAll(next[1], "&amp;", "&"), nil)
	page2 := seqs.FindAllStringSubmatch(body, -1)
	if len(page2) == 0 || atoi(t, page2[0][1]) >= last {
		t.Fatalf("the older page does not continue the first: %v after %d", page2, last)
	}
	mustHave(t, "older page", body, "Newest entries")

	st, _, body := fetch(t, ca, http.MethodPost, "/audit/verify?lang=en", url.Values{})
	if st != http.StatusOK {
		t.Fatalf("verify: %d", st)
	}
	head, err := shared.app.Store.HeadAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustHave(t, "verify", body, `data-ok="true"`, "The chain is intact.")
	if !regexp.MustCompile(`<code class="hash">[0-9a-f]{64}</code>`).MatchString(body) || head.Seq == 0 {
		t.Fatalf("verify shows no head hash:\n%s", body)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCalendarPartyRules: the calendar page and its .ics files show an
// ethics case's deadlines to those who may read the case (its
// complainant), never to an unrelated member.
func TestCalendarPartyRules(t *testing.T) {
	ctx := context.Background()
	complainant := member(t, "Cleo Filer", "es")
	respondent := member(t, "Remo Respondent", "es")
	stranger := member(t, "Sam Stranger", "es")
	filed, err := shared.svc.FileComplaint(ctx, &service.Actor{Member: complainant},
		service.ComplaintRequest{RespondentID: respondent.ID, Kind: "bad_faith", Summary: "A conflict kept quiet."})
	if err != nil {
		t.Fatal(err)
	}
	c := session(t, complainant)
	var body string
	waitFor(t, 20*time.Second, "the complainant's calendar lists the case", func() bool {
		_, _, body = fetch(t, c, http.MethodGet, "/calendar", nil)
		return strings.Contains(body, "Caso de ética "+filed.ID)
	})
	ics := regexp.MustCompile(`href="(/calendar/events/ethics-` + regexp.QuoteMeta(filed.ID) + `[^"]*)"`).FindStringSubmatch(body)
	if ics == nil {
		t.Fatalf("no .ics link for the case's deadline:\n%s", body)
	}
	if st, _, file := fetch(t, c, http.MethodGet, ics[1], nil); st != http.StatusOK || !strings.Contains(file, filed.ID) {
		t.Fatalf("complainant's .ics: %d\n%s", st, file)
	}
	s := session(t, stranger)
	_, _, body = fetch(t, s, http.MethodGet, "/calendar", nil)
	mustLack(t, "a stranger's calendar", body, filed.ID)
	if st, _, _ := fetch(t, s, http.MethodGet, ics[1], nil); st != http.StatusNotFound {
		t.Fatalf("a stranger's .ics of the case: %d, want 404", st)
	}
}

// TestSharedFormsRefuseCrossSite: a forged form to make or revoke a feed
// address is refused (403) and changes nothing, even with the member's
// session.
func TestSharedFormsRefuseCrossSite(t *testing.T) {
	m := member(t, "Fer Forged", "es")
	c := session(t, m)
	for _, p := range []string{"/calendar/token", "/calendar/token/revoke", "/audit/verify"} {
		req, _ := http.NewRequest(http.MethodPost, shared.url+p, strings.NewReader(""))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site POST %s: %d, want 403", p, resp.StatusCode)
		}
	}
	if _, err := shared.app.Store.ActiveFeedToken(context.Background(), m.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a forged form made a feed address: %v", err)
	}
}
