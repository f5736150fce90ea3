package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

func rosterHash(csv string) string { return service.RosterHash([]byte(csv)) }

// TestStaffRoles: the roster and the policy are staff pages, the outbox an
// admin's (staff are told why); a member is refused all three and a
// stranger is sent to sign in.
func TestStaffRoles(t *testing.T) {
	plain := session(t, member(t, "Mia Member", "en"))
	staff := session(t, member(t, "Sol Staff", "en", store.RoleStaff))
	admin := session(t, member(t, "Ada Admin", "en", store.RoleAdmin))
	stranger := newClient(t)
	for _, p := range []string{"/staff/roster", "/staff/outbox", "/staff/policy"} {
		if st, h, _ := fetch(t, stranger, http.MethodGet, p, nil); st != http.StatusSeeOther || h.Get("Location") != "/login" {
			t.Errorf("GET %s signed out: %d %q", p, st, h.Get("Location"))
		}
		if st, _, _ := fetch(t, plain, http.MethodGet, p+"?lang=en", nil); st != http.StatusForbidden {
			t.Errorf("GET %s as a member: %d, want 403", p, st)
		}
		if st, _, _ := fetch(t, admin, http.MethodGet, p, nil); st != http.StatusOK {
			t.Errorf("GET %s as an admin: %d", p, st)
		}
	}
	for _, p := range []string{"/staff/roster", "/staff/policy"} {
		if st, _, _ := fetch(t, staff, http.MethodGet, p, nil); st != http.StatusOK {
			t.Errorf("GET %s as staff: %d", p, st)
		}
	}
	st, _, body := fetch(t, staff, http.MethodGet, "/staff/outbox?lang=en", nil)
	if st != http.StatusForbidden {
		t.Fatalf("outbox as staff: %d, want 403", st)
	}
	mustHave(t, "outbox refused to staff", body, "Only admins may open the outbox")
	for _, p := range []string{"/staff/roster/preview", "/staff/roster/import", "/staff/outbox/msg_x/retry"} {
		if st, _, _ := fetch(t, plain, http.MethodPost, p, url.Values{"csv": {"name,email,country\n"}}); st != http.StatusForbidden {
			t.Errorf("POST %s as a member: %d, want 403", p, st)
		}
	}
	// The nav offers the staff pages to staff only.
	_, _, body = fetch(t, staff, http.MethodGet, "/?lang=en", nil)
	mustHave(t, "staff nav", body, `href="/staff/roster"`)
	_, _, body = fetch(t, plain, http.MethodGet, "/?lang=en", nil)
	mustLack(t, "member nav", body, `href="/staff/roster"`)
	// The policy page shows the sub-regions, the rotation and the
	// ratification majority under their codes.
	_, _, body = fetch(t, staff, http.MethodGet, "/staff/policy?lang=en", nil)
	// The policy's setting names are written in two pieces: as one
	// literal, "ethics"+".response" would read to TestMessagesComplete as
	// a message of the ethics pages.
	mustHave(t, "policy", body, "Sub-regions and their countries", "Rotation table", "policy.ratification_majority", "ethics"+".response", "budgets.")
}

var hashRe = regexp.MustCompile(`name="hash" value="([0-9a-f]{64})"`)

// TestStaffRosterImport: the preview names the bad lines and writes
// nothing; a roster with a bad line is never imported, even when posted
// straight to import; the import goes ahead only for the roster
// previewed, writes it all, and welcomes each new member.
func TestStaffRosterImport(t *testing.T) {
	ctx := context.Background()
	st := shared.app.Store
	staff := session(t, member(t, "Rita Roster", "en", store.RoleStaff))
	tag := fmt.Sprintf("r%d", time.Now().UnixNano()%1e9)
	good := "name,email,country,country_name,subregion,als,language,roles\n" +
		"Uma " + tag + ",uma." + tag + "@example.org,AR,Argentina,,ALS " + tag + ",es,\n" +
		"Ivo " + tag + ",ivo." + tag + "@example.org,AR,Argentina,,ALS " + tag + ",pt,als_rep\n"
	bad := good + "Zed " + tag + ",not-an-email,AR,Argentina,,,en,\n"
	count := func() int64 {
		n, err := st.CountMembers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	head := func() store.AuditHead {
		h, err := st.HeadAudit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	headBefore := head()

	code, _, body := fetch(t, staff, http.MethodPost, "/staff/roster/preview?lang=en", url.Values{"csv": {bad}})
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("preview with a bad line: %d", code)
	}
	mustHave(t, "preview", body, `data-line="4"`, "1 problem", "Uma "+tag, "Ivo "+tag, "2 members to create", "ALS "+tag)
	mustLack(t, "preview with a bad line", body, `action="/staff/roster/import"`)
	if n := count(); n != before {
		t.Fatalf("the preview wrote %d members", n-before)
	}
	if _, err := st.MemberByEmail(ctx, "uma."+tag+"@example.org"); err == nil {
		t.Fatal("the preview created a member")
	}
	// Entries may come from other work meanwhile; none is the preview's.
	after, err := st.ListAudit(ctx, store.AuditFilter{All: true, AfterSeq: headBefore.Seq})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range after {
		if strings.Contains(e.Details, tag) {
			t.Fatalf("the preview wrote to the audit log: %s %s", e.Action, e.Details)
		}
	}
	// Posted straight to import with its own hash: refused, nothing written.
	sum := hashOf(t, staff, good)
	badHash := hashOf(t, staff, bad)
	if badHash != "" {
		t.Fatal("a roster with a bad line offers the import")
	}
	code, _, _ = fetch(t, staff, http.MethodPost, "/staff/roster/import", url.Values{"csv": {bad}, "hash": {rosterHash(bad)}})
	if code != http.StatusUnprocessableEntity || count() != before {
		t.Fatalf("import of a bad roster: %d, %d members written", code, count()-before)
	}
	// A roster changed after its preview: refused, shown again.
	changed := strings.Replace(good, "Ivo", "Eve", 1)
	code, _, body = fetch(t, staff, http.MethodPost, "/staff/roster/import?lang=en", url.Values{"csv": {changed}, "hash": {sum}})
	if code != http.StatusConflict || count() != before {
		t.Fatalf("import of a changed roster: %d, %d members written", code, count()-before)
	}
	mustHave(t, "changed roster", body, "not the one previewed", "Eve "+tag)

	code, h, _ := fetch(t, staff, http.MethodPost, "/staff/roster/import", url.Values{"csv": {good}, "hash": {sum}})
	if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/staff/roster?") {
		t.Fatalf("import: %d %q", code, h.Get("Location"))
	}
	if n := count(); n != before+2 {
		t.Fatalf("import wrote %d members, want 2", n-before)
	}
	_, _, body = fetch(t, staff, http.MethodGet, h.Get("Location")+"&lang=en", nil)
	mustHave(t, "imported", body, "ALSes 1, members 2")
	uma, err := st.MemberByEmail(ctx, "uma."+tag+"@example.org")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the welcome email", func() bool {
		ms, err := st.ListOutbox(ctx, store.OutboxFilter{MemberID: uma.ID})
		return err == nil && len(ms) > 0 && ms[0].Event == "member.welcome"
	})
	// The same roster again: every line is unchanged, the import offered
	// and writing nothing.
	code, _, body = fetch(t, staff, http.MethodPost, "/staff/roster/preview?lang=en", url.Values{"csv": {good}})
	if code != http.StatusOK || count() != before+2 {
		t.Fatalf("preview of a roster already imported: %d", code)
	}
	mustHave(t, "roster again", body, `data-line-status="unchanged"`, "0 members to create", `action="/staff/roster/import"`)
	mustLack(t, "roster again", body, `data-line-status="new"`, `data-line-status="update"`)
}

// hashOf previews csv and returns the hash its import form carries, empty
// when the preview offers no import.
func hashOf(t *testing.T, c *http.Client, csv string) string {
	t.Helper()
	_, _, body := fetch(t, c, http.MethodPost, "/staff/roster/preview", url.Values{"csv": {csv}})
	if m := hashRe.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// failedMessage writes a message to the outbox and marks it failed.
func failedMessage(t *testing.T, to store.Member, reason string) store.OutboxMessage {
	t.Helper()
	ctx := context.Background()
	seq++
	m, err := shared.app.Store.Enqueue(ctx, store.EnqueueInput{IdemKey: fmt.Sprintf("test/outbox/%d/%d", time.Now().UnixNano(), seq),
		Process: "test", Step: "retry", MemberID: to.ID, ToEmail: to.Email, Language: "en", Event: "member.welcome",
		Subject: "Welcome", Body: "Hello", Status: store.OutboxPending})
	if err != nil {
		t.Fatal(err)
	}
	if err := shared.app.Store.MarkOutboxFailed(ctx, m.ID, reason); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestStaffOutboxRetry: the outbox shows a failed message with its
// reason; "retry" puts it back to delivery, which runs again (here, with
// no mail server, it fails again with that reason), audited; only a
// failed message is retried, by an admin.
func TestStaffOutboxRetry(t *testing.T) {
	ctx := context.Background()
	st := shared.app.Store
	adminM := member(t, "Otto Outbox", "en", store.RoleAdmin)
	admin := session(t, adminM)
	to := member(t, "Fay Failed", "en")
	msg := failedMessage(t, to, "550 mailbox unavailable")

	_, _, body := fetch(t, admin, http.MethodGet, "/staff/outbox?lang=en", nil)
	mustHave(t, "outbox", body, to.Email, "550 mailbox unavailable", `action="/staff/outbox/`+msg.ID+`/retry"`)
	_, _, body = fetch(t, admin, http.MethodGet, "/staff/outbox?lang=en&status=sent", nil)
	mustLack(t, "outbox of sent messages", body, "550 mailbox unavailable")
	if code, _, _ := fetch(t, admin, http.MethodGet, "/staff/outbox?status=bogus", nil); code != http.StatusUnprocessableEntity {
		t.Errorf("unknown status filter: %d", code)
	}

	staff := session(t, member(t, "Stan Staff", "en", store.RoleStaff))
	if code, _, _ := fetch(t, staff, http.MethodPost, "/staff/outbox/"+msg.ID+"/retry", url.Values{}); code != http.StatusForbidden {
		t.Fatalf("retry by staff: %d", code)
	}
	if m, _ := st.GetOutbox(ctx, msg.ID); m.Status != store.OutboxFailed {
		t.Fatalf("staff's refused retry changed the status to %s", m.Status)
	}
	code, h, _ := fetch(t, admin, http.MethodPost, "/staff/outbox/"+msg.ID+"/retry", url.Values{})
	if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/staff/outbox") {
		t.Fatalf("retry: %d %q", code, h.Get("Location"))
	}
	waitFor(t, 30*time.Second, "the delivery to run again", func() bool {
		m, err := st.GetOutbox(ctx, msg.ID)
		return err == nil && (m.Status == store.OutboxSent || m.Status == store.OutboxFailed && m.LastError != "550 mailbox unavailable")
	})
	entries, err := st.ListAudit(ctx, store.AuditFilter{All: true, Process: "outbox", ObjectID: msg.ID})
	if err != nil || len(entries) != 1 || entries[0].Action != "email.retried" || entries[0].Actor != adminM.ID {
		t.Fatalf("retry audit: %+v (%v)", entries, err)
	}
	held, err := st.Enqueue(ctx, store.EnqueueInput{IdemKey: fmt.Sprintf("test/held/%d", time.Now().UnixNano()), Process: "test",
		MemberID: to.ID, ToEmail: to.Email, Event: "member.welcome", Subject: "Held", Body: "Held", Status: store.OutboxHeld})
	if err != nil {
		t.Fatal(err)
	}
	if code, _, _ := fetch(t, admin, http.MethodPost, "/staff/outbox/"+held.ID+"/retry", url.Values{}); code != http.StatusConflict {
		t.Fatalf("retry of a held message: %d, want 409", code)
	}
}

// TestStaffCrossSite: a forged roster import from another site is refused
// and writes nothing, even with the staff member's cookie.
func TestStaffCrossSite(t *testing.T) {
	staff := session(t, member(t, "Cruz Staff", "en", store.RoleStaff))
	tag := fmt.Sprintf("x%d", time.Now().UnixNano()%1e9)
	csv := "name,email,country\nXan " + tag + ",xan." + tag + "@example.org,AR\n"
	form := url.Values{"csv": {csv}, "hash": {rosterHash(csv)}}
	req, _ := http.NewRequest(http.MethodPost, shared.url+"/staff/roster/import", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := staff.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site import: %d, want 403", resp.StatusCode)
	}
	if _, err := shared.app.Store.MemberByEmail(context.Background(), "xan."+tag+"@example.org"); err == nil {
		t.Fatal("a cross-site import created a member")
	}
}

// TestStaffRosterPrivilegedRoles: granting a privileged role by roster is
// an admin's act, as on the member form: staff see the line refused and
// cannot import it; an admin can.
func TestStaffRosterPrivilegedRoles(t *testing.T) {
	ctx := context.Background()
	staff := session(t, member(t, "Pia Privilege", "en", store.RoleStaff))
	admin := session(t, member(t, "Abe Admin", "en", store.RoleAdmin))
	tag := fmt.Sprintf("p%d", time.Now().UnixNano()%1e9)
	csv := "name,email,country,roles\nKim " + tag + ",kim." + tag + "@example.org,AR,als_rep\n" +
		"Max " + tag + ",max." + tag + "@example.org,AR,admin\n"
	code, _, body := fetch(t, staff, http.MethodPost, "/staff/roster/preview?lang=en", url.Values{"csv": {csv}})
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("staff preview granting admin: %d", code)
	}
	mustHave(t, "staff preview", body, `data-line="3"`, "Only an admin may grant")
	mustLack(t, "staff preview", body, `action="/staff/roster/import"`)
	code, _, _ = fetch(t, staff, http.MethodPost, "/staff/roster/import", url.Values{"csv": {csv}, "hash": {rosterHash(csv)}})
	if _, err := shared.app.Store.MemberByEmail(ctx, "max."+tag+"@example.org"); code != http.StatusUnprocessableEntity || err == nil {
		t.Fatalf("staff import granting admin: %d, member created: %v", code, err == nil)
	}
	sum := hashOf(t, admin, csv)
	if sum == "" {
		t.Fatal("an admin's preview offers no import")
	}
	if code, _, _ := fetch(t, admin, http.MethodPost, "/staff/roster/import", url.Values{"csv": {csv}, "hash": {sum}}); code != http.StatusSeeOther {
		t.Fatalf("admin import: %d", code)
	}
	if m, err := shared.app.Store.MemberByEmail(ctx, "max."+tag+"@example.org"); err != nil || !m.Roles.Has(store.RoleAdmin) {
		t.Fatalf("admin import: %+v %v", m.Roles, err)
	}
}

// TestStaffRosterUpload: the roster may come as an uploaded file (the
// form's multipart encoding), previewed like pasted text.
func TestStaffRosterUpload(t *testing.T) {
	staff := session(t, member(t, "Ugo Upload", "en", store.RoleStaff))
	tag := fmt.Sprintf("u%d", time.Now().UnixNano()%1e9)
	csv := "name,email,country\r\nLeo " + tag + ",leo." + tag + "@example.org,AR\r\n"
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", "roster.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write([]byte(csv))
	_ = mw.WriteField("csv", "")
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, shared.url+"/staff/roster/preview?lang=en", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := staff.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("preview of an uploaded file: %d", resp.StatusCode)
	}
	mustHave(t, "uploaded preview", string(body), "Leo "+tag, "1 member to create", `name="hash" value="`+rosterHash(strings.ReplaceAll(csv, "\r\n", "\n"))+`"`)
}
