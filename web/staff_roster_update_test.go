package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/store"
)

// TestStaffRosterUpdates: a roster line whose email is registered
// updates that member. The preview says per line "new", "update" with the
// fields that change, or "unchanged", before anything is written; the
// import writes the changes (audited, the role change emailed); the same
// roster again changes nothing.
func TestStaffRosterUpdates(t *testing.T) {
	ctx := context.Background()
	st := shared.app.Store
	staff := session(t, member(t, "Ugo Update", "en", store.RoleStaff))
	tag := fmt.Sprintf("up%d", time.Now().UnixNano()%1e9)
	first := "name,email,country,country_name,als,language,roles\n" +
		"Ana " + tag + ",ana." + tag + "@example.org,AR,Argentina,ALS " + tag + ",es,\n" +
		"Bea " + tag + ",bea." + tag + "@example.org,AR,Argentina,,en,\n"
	importRoster(t, staff, first)
	ana, err := st.MemberByEmail(ctx, "ana."+tag+"@example.org")
	if err != nil {
		t.Fatal(err)
	}
	bea, err := st.MemberByEmail(ctx, "bea."+tag+"@example.org")
	if err != nil {
		t.Fatal(err)
	}

	// Ana renamed, moved to Brazil without an ALS, in Portuguese, made
	// her ALS's representative; Bea unchanged (her email written in
	// capitals); Cy new.
	second := "name,email,country,country_name,als,language,roles\n" +
		"Ana María " + tag + ",ana." + tag + "@example.org,BR,Brasil,,pt,als_rep\n" +
		"Bea " + tag + ",BEA." + tag + "@example.org,AR,Argentina,,en,\n" +
		"Cy " + tag + ",cy." + tag + "@example.org,AR,Argentina,ALS " + tag + ",fr,\n"
	headBefore, err := st.HeadAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	code, _, body := fetch(t, staff, http.MethodPost, "/staff/roster/preview?lang=en", url.Values{"csv": {second}})
	if code != http.StatusOK {
		t.Fatalf("preview: %d\n%s", code, body)
	}
	lines := previewLines(body)
	if lines[2] != "update" || lines[3] != "unchanged" || lines[4] != "new" {
		t.Fatalf("preview statuses by line: %v", lines)
	}
	mustHave(t, "preview", body, "update:", "<del>Ana "+tag+"</del> → <ins>Ana María "+tag+"</ins>",
		"<del>AR</del> → <ins>BR</ins>", "<del>ALS "+tag+"</del> → <ins>—</ins>", "<del>Español</del> → <ins>Português</ins>",
		"<del>member</del> → <ins>member, ALS representative</ins>", "1 member to create")
	if m, _ := st.GetMember(ctx, ana.ID); m.Name != ana.Name || m.Country != "AR" || m.Language != "es" {
		t.Fatalf("the preview changed the member: %+v", m)
	}
	after, err := st.ListAudit(ctx, store.AuditFilter{All: true, AfterSeq: headBefore.Seq})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range after {
		if e.ObjectID == ana.ID {
			t.Fatalf("the preview wrote to the audit log: %s", e.Action)
		}
	}
	// The same preview in Spanish.
	_, _, body = fetch(t, staff, http.MethodPost, "/staff/roster/preview?lang=es", url.Values{"csv": {second}})
	mustHave(t, "preview in Spanish", body, "Lo que hace cada línea de miembro", "actualización:", "sin cambios", "nuevo")

	importRoster(t, staff, second)
	m, err := st.GetMember(ctx, ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "Ana María "+tag || m.Country != "BR" || m.ALSID != nil || m.Language != "pt" || !m.Roles.Has(store.RoleALSRep) {
		t.Fatalf("Ana after the import: %+v", m)
	}
	if b, _ := st.GetMember(ctx, bea.ID); b.UpdatedAt != bea.UpdatedAt {
		t.Fatal("an unchanged line wrote its member")
	}
	waitFor(t, 30*time.Second, "the roles email", func() bool {
		ms, err := st.ListOutbox(ctx, store.OutboxFilter{MemberID: ana.ID})
		if err != nil {
			return false
		}
		for _, o := range ms {
			if o.Event == "member.roles_changed" {
				return true
			}
		}
		return false
	})

	// The same roster again changes nothing: every line unchanged, no
	// audit entry.
	headBefore, err = st.HeadAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, _, body = fetch(t, staff, http.MethodPost, "/staff/roster/preview?lang=en", url.Values{"csv": {second}})
	if lines := previewLines(body); lines[2] != "unchanged" || lines[3] != "unchanged" || lines[4] != "unchanged" {
		t.Fatalf("second preview statuses by line: %v", lines)
	}
	importRoster(t, staff, second)
	after, err = st.ListAudit(ctx, store.AuditFilter{All: true, AfterSeq: headBefore.Seq})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range after {
		if strings.Contains(e.Details, tag) || e.ObjectID == ana.ID {
			t.Fatalf("a second import wrote %s %s", e.Action, e.Details)
		}
	}
}

// TestStaffRosterUpdatePrivileged: a roster line that grants or removes
// a privileged role of a registered member, or changes the importer's
// own roles, is refused by line to staff (in the reader's language) and
// never written; an admin imports the same grant.
func TestStaffRosterUpdatePrivileged(t *testing.T) {
	ctx := context.Background()
	st := shared.app.Store
	staffMember := member(t, "Sara Staff", "en", store.RoleStaff)
	staff := session(t, staffMember)
	admin := session(t, member(t, "Alma Admin", "en", store.RoleAdmin))
	tag := fmt.Sprintf("pu%d", time.Now().UnixNano()%1e9)
	importRoster(t, staff, "name,email,country,roles\nEli "+tag+",eli."+tag+"@example.org,AR,\n")
	grant := "name,email,country,roles\nEli " + tag + ",eli." + tag + "@example.org,AR,ethics_committee\n" +
		staffMember.Name + "," + staffMember.Email + ",AR,staff;als_rep\n"
	code, _, body := fetch(t, staff, http.MethodPost, "/staff/roster/preview?lang=es", url.Values{"csv": {grant}})
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("staff preview granting ethics_committee: %d", code)
	}
	mustHave(t, "staff preview", body, `data-line="2"`, `data-line="3"`,
		"Solo una administradora puede otorgar o quitar las funciones de personal, administración, comité de ética o árbitro.",
		"Nadie puede cambiar sus propias funciones ni su ALS")
	mustLack(t, "staff preview", body, `action="/staff/roster/import"`)
	code, _, _ = fetch(t, staff, http.MethodPost, "/staff/roster/import", url.Values{"csv": {grant}, "hash": {rosterHash(grant)}})
	if m, _ := st.MemberByEmail(ctx, "eli."+tag+"@example.org"); code != http.StatusUnprocessableEntity || m.Roles.Has(store.RoleEthicsCommittee) {
		t.Fatalf("staff import granting ethics_committee: %d, roles %v", code, m.Roles)
	}
	only := "name,email,country,roles\nEli " + tag + ",eli." + tag + "@example.org,AR,ethics_committee\n"
	importRoster(t, admin, only)
	if m, _ := st.MemberByEmail(ctx, "eli."+tag+"@example.org"); !m.Roles.Has(store.RoleEthicsCommittee) {
		t.Fatalf("admin import: roles %v", m.Roles)
	}
	// Removing it again is an admin's act too.
	removal := "name,email,country,roles\nEli " + tag + ",eli." + tag + "@example.org,AR,member\n"
	if code, _, _ := fetch(t, staff, http.MethodPost, "/staff/roster/preview", url.Values{"csv": {removal}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("staff preview removing ethics_committee: %d", code)
	}
}

// importRoster previews csv and imports it as previewed.
func importRoster(t *testing.T, c *http.Client, csv string) {
	t.Helper()
	sum := hashOf(t, c, csv)
	if sum == "" {
		_, _, body := fetch(t, c, http.MethodPost, "/staff/roster/preview?lang=en", url.Values{"csv": {csv}})
		t.Fatalf("the preview offers no import:\n%s", body)
	}
	if code, _, _ := fetch(t, c, http.MethodPost, "/staff/roster/import", url.Values{"csv": {csv}, "hash": {sum}}); code != http.StatusSeeOther {
		t.Fatalf("import: %d", code)
	}
}

// previewLines is each member line's status in a roster preview, by line.
func previewLines(body string) map[int]string {
	out := map[int]string{}
	rows := strings.Split(body, `<tr data-line-status="`)
	for _, r := range rows[1:] {
		status, rest, _ := strings.Cut(r, `"`)
		var line int
		if i := strings.Index(rest, `<td class="num"`); i >= 0 {
			cell := rest[i:]
			cell = cell[strings.Index(cell, ">")+1:]
			fmt.Sscanf(cell, "%d", &line)
		}
		out[line] = status
	}
	return out
}
