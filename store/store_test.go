package store_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/store"
)

// backends opens a fresh, migrated database on every engine available:
// SQLite always, PostgreSQL when RALO_TEST_POSTGRES_DSN is set (each test
// gets a schema of its own, dropped afterwards).
func backends(t *testing.T) map[string]*store.Store {
	t.Helper()
	ctx := context.Background()
	out := map[string]*store.Store{}
	sq, err := store.Open(filepath.Join(t.TempDir(), "ralo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sq.Close() })
	out["sqlite"] = sq
	dsn := os.Getenv("RALO_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Log("RALO_TEST_POSTGRES_DSN is not set: skipping the PostgreSQL backend")
	} else {
		schema := "ralo_test_" + randomHex(6)
		admin, err := store.Open(dsn)
		if err != nil {
			t.Fatal(err)
		}
		if err := admin.DB.Exec("CREATE SCHEMA " + schema).Error; err != nil {
			t.Fatal(err)
		}
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		pg, err := store.Open(dsn + sep + "search_path=" + schema)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			pg.Close()
			admin.DB.Exec("DROP SCHEMA " + schema + " CASCADE")
			admin.Close()
		})
		out["postgres"] = pg
	}
	for name, st := range out {
		st.Subregions = []string{"caribbean", "central_america", "south_america"}
		st.SubregionOf = func(c string) (string, bool) {
			if c == "AR" || c == "BR" {
				return "south_america", true
			}
			return "", false
		}
		applied, err := st.Migrate(ctx)
		if err != nil {
			t.Fatalf("%s: migrate: %v", name, err)
		}
		if len(applied) == 0 {
			t.Fatalf("%s: no migration applied", name)
		}
		again, err := st.Migrate(ctx)
		if err != nil || len(again) != 0 {
			t.Fatalf("%s: second migrate applied %v, err %v", name, again, err)
		}
	}
	return out
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func ptr[T any](v T) *T { return &v }

func fieldErr(t *testing.T, err error, field string) {
	t.Helper()
	var fe store.FieldErrors
	if !errors.As(err, &fe) {
		t.Fatalf("want field error on %s, got %v", field, err)
	}
	if _, ok := fe[field]; !ok {
		t.Fatalf("want field error on %s, got %v", field, fe)
	}
}

func TestRegistry(t *testing.T) {
	for name, st := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			staff := store.Actor{MemberID: "m_staff"}
			ar, err := st.CreateCountry(ctx, staff, store.CountryInput{Code: "ar", Name: "Argentina"})
			if err != nil {
				t.Fatal(err)
			}
			if ar.Code != "AR" || ar.Subregion != "south_america" {
				t.Fatalf("country %+v: want AR in south_america from the policy table", ar)
			}
			for _, tc := range []struct {
				in    store.CountryInput
				field string
			}{
				{store.CountryInput{Code: "ARG", Name: "x"}, "code"},
				{store.CountryInput{Code: "UY", Name: ""}, "name"},
				{store.CountryInput{Code: "UY", Name: "Uruguay"}, "subregion"},
				{store.CountryInput{Code: "UY", Name: "Uruguay", Subregion: "atlantis"}, "subregion"},
				{store.CountryInput{Code: "AR", Name: "Argentina"}, "code"},
			} {
				_, err := st.CreateCountry(ctx, staff, tc.in)
				fieldErr(t, err, tc.field)
			}

			als, err := st.CreateALS(ctx, staff, store.ALSInput{Name: ptr("Internauta"), Country: ptr("AR")})
			if err != nil {
				t.Fatal(err)
			}
			if als.Status != store.ALSAccredited {
				t.Fatalf("new ALS status %q, want accredited", als.Status)
			}
			_, err = st.CreateALS(ctx, staff, store.ALSInput{Name: ptr("X"), Country: ptr("ZZ")})
			fieldErr(t, err, "country")
			_, err = st.CreateALS(ctx, staff, store.ALSInput{Name: ptr("Internauta"), Country: ptr("AR")})
			fieldErr(t, err, "name")
			upd, err := st.UpdateALS(ctx, staff, als.ID, store.ALSInput{Status: ptr(store.ALSInactive)})
			if err != nil || upd.Status != store.ALSInactive {
				t.Fatalf("update ALS: %+v %v", upd, err)
			}
			_, err = st.UpdateALS(ctx, staff, als.ID, store.ALSInput{Status: ptr("dormant")})
			fieldErr(t, err, "status")
			if _, err := st.UpdateALS(ctx, staff, "als_missing", store.ALSInput{}); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("update unknown ALS: %v", err)
			}

			m, err := st.CreateMember(ctx, staff, store.MemberInput{Name: ptr("Ana"), Email: ptr(" Ana@Example.org "),
				Country: ptr("AR"), ALSID: &als.ID, Language: ptr("pt"), Roles: ptr([]string{"als_rep", "als_rep"})})
			if err != nil {
				t.Fatal(err)
			}
			if m.Email != "ana@example.org" || m.Language != "pt" || strings.Join(m.Roles, ",") != "member,als_rep" {
				t.Fatalf("member %+v", m)
			}
			if m.Nationality != nil || m.EffectiveNationality() != "AR" {
				t.Fatalf("nationality %v / %q, want none recorded and the country", m.Nationality, m.EffectiveNationality())
			}
			if m, err = st.UpdateMember(ctx, staff, m.ID, store.MemberInput{Nationality: ptr(" uy ")}); err != nil || m.EffectiveNationality() != "UY" {
				t.Fatalf("nationality set: %v, %v", m.Nationality, err)
			}
			if got, err := st.GetMember(ctx, m.ID); err != nil || got.EffectiveNationality() != "UY" {
				t.Fatalf("nationality stored: %+v, %v", got, err)
			}
			_, err = st.UpdateMember(ctx, staff, m.ID, store.MemberInput{Nationality: ptr("Uruguay")})
			fieldErr(t, err, "nationality")
			if m, err = st.UpdateMember(ctx, staff, m.ID, store.MemberInput{Nationality: ptr("")}); err != nil || m.Nationality != nil || m.EffectiveNationality() != "AR" {
				t.Fatalf("nationality cleared: %v, %v", m.Nationality, err)
			}
			before, _ := st.CountMembers(ctx)
			for _, tc := range []struct {
				name  string
				in    store.MemberInput
				field string
			}{
				{"malformed email", store.MemberInput{Name: ptr("B"), Email: ptr("not-an-email"), Country: ptr("AR")}, "email"},
				{"email with display name", store.MemberInput{Name: ptr("B"), Email: ptr("B <b@example.org>"), Country: ptr("AR")}, "email"},
				{"duplicate email, other case", store.MemberInput{Name: ptr("B"), Email: ptr("ANA@example.org"), Country: ptr("AR")}, "email"},
				{"unknown country", store.MemberInput{Name: ptr("B"), Email: ptr("b@example.org"), Country: ptr("ZZ")}, "country"},
				{"unknown language", store.MemberInput{Name: ptr("B"), Email: ptr("b@example.org"), Country: ptr("AR"), Language: ptr("de")}, "language"},
				{"unknown ALS", store.MemberInput{Name: ptr("B"), Email: ptr("b@example.org"), Country: ptr("AR"), ALSID: ptr("als_nope")}, "als_id"},
				{"unknown role", store.MemberInput{Name: ptr("B"), Email: ptr("b@example.org"), Country: ptr("AR"), Roles: ptr([]string{"king"})}, "roles"},
				{"missing name", store.MemberInput{Email: ptr("b@example.org"), Country: ptr("AR")}, "name"},
			} {
				_, err := st.CreateMember(ctx, staff, tc.in)
				fieldErr(t, err, tc.field)
			}
			after, _ := st.CountMembers(ctx)
			if after != before {
				t.Fatalf("invalid members were written: %d -> %d", before, after)
			}

			d1, err := st.CreateDeclaration(ctx, store.Actor{MemberID: m.ID}, m.ID, store.DeclarationInput{Kind: "interest", Organization: "NIC.ar", Categories: []string{"registry"}})
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(2 * time.Millisecond)
			d2, err := st.CreateDeclaration(ctx, store.Actor{MemberID: m.ID}, m.ID, store.DeclarationInput{Kind: "none"})
			if err != nil {
				t.Fatal(err)
			}
			decls, err := st.ListDeclarations(ctx, m.ID)
			if err != nil || len(decls) != 2 {
				t.Fatalf("declarations %v %v", decls, err)
			}
			if decls[0].ID != d2.ID || decls[0].SupersededAt != nil || decls[1].ID != d1.ID || decls[1].SupersededBy == nil || *decls[1].SupersededBy != d2.ID {
				t.Fatalf("history not kept: %+v", decls)
			}
			_, err = st.CreateDeclaration(ctx, staff, m.ID, store.DeclarationInput{Kind: "opinion"})
			fieldErr(t, err, "kind")

			pos, err := st.CreatePosition(ctx, staff, store.PositionInput{Position: "chair", HolderID: m.ID, TermStart: time.Now().Add(-time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			cur, err := st.ListPositions(ctx, store.Now())
			if err != nil || len(cur) != 1 || cur[0].ID != pos.ID || *cur[0].Country != "AR" || *cur[0].ALSID != als.ID {
				t.Fatalf("positions %+v %v", cur, err)
			}

			tok, secret, err := st.IssueToken(ctx, staff, m.ID, "laptop")
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(tok.Hash, secret) || tok.Hash == secret {
				t.Fatal("token stored in clear")
			}
			who, err := st.Authenticate(ctx, secret)
			if err != nil || who.ID != m.ID {
				t.Fatalf("authenticate: %v %v", who.ID, err)
			}
			if err := st.RevokeToken(ctx, staff, m.ID, tok.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Authenticate(ctx, secret); !errors.Is(err, store.ErrBadToken) {
				t.Fatalf("revoked token still works: %v", err)
			}

			res, err := st.VerifyAudit(ctx)
			if err != nil || !res.OK || res.Entries < 8 {
				t.Fatalf("audit verify %+v %v", res, err)
			}
		})
	}
}

func TestAuditChainDetectsTampering(t *testing.T) {
	for name, st := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			for i := 0; i < 5; i++ {
				if _, err := st.Audit(ctx, store.AuditInput{Actor: "m_x", Process: "test", ObjectID: "o", Action: "step", Details: map[string]int{"i": i}}); err != nil {
					t.Fatal(err)
				}
			}
			e, err := st.Audit(ctx, store.AuditInput{Actor: "m_x", Process: "test", Action: "once", IdemKey: "k1"})
			if err != nil {
				t.Fatal(err)
			}
			again, err := st.Audit(ctx, store.AuditInput{Actor: "m_x", Process: "test", Action: "once", IdemKey: "k1"})
			if err != nil || again.Seq != e.Seq {
				t.Fatalf("idempotent append wrote twice: %d vs %d (%v)", again.Seq, e.Seq, err)
			}
			res, err := st.VerifyAudit(ctx)
			if err != nil || !res.OK || res.Entries != 6 {
				t.Fatalf("verify %+v %v", res, err)
			}
			if err := st.DB.Exec(`UPDATE audit SET details = '{"i":99}' WHERE seq = 3`).Error; err != nil {
				t.Fatal(err)
			}
			res, err = st.VerifyAudit(ctx)
			if err != nil || res.OK || res.BrokenAt == nil || *res.BrokenAt != 3 {
				t.Fatalf("tampering not detected at 3: %+v %v", res, err)
			}
		})
	}
}

func TestImportRoster(t *testing.T) {
	for name, st := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			bad := "name,email,country,country_name,als,language,roles\n" +
				"Ana,ana@example.org,AR,Argentina,Internauta,es,als_rep\n" +
				"Bo,not-an-email,AR,,Internauta,en,\n" +
				"Cy,cy@example.org,BR,Brasil,,xx,\n"
			_, err := st.ImportRoster(ctx, store.Actor{}, strings.NewReader(bad))
			var re *store.RosterError
			if !errors.As(err, &re) || len(re.Problems) != 2 ||
				!strings.HasPrefix(re.Problems[0], "line 3: email") || !strings.HasPrefix(re.Problems[1], "line 4: language") {
				t.Fatalf("want errors on lines 3 and 4, got %v", err)
			}
			if n, _ := st.CountMembers(ctx); n != 0 {
				t.Fatalf("a failed import wrote %d members", n)
			}
			if cs, _ := st.ListCountries(ctx); len(cs) != 0 {
				t.Fatalf("a failed import wrote countries %v", cs)
			}
			good := "name,email,country,country_name,als,language,roles,skills\n" +
				"Ana,ana@example.org,AR,Argentina,Internauta,es,als_rep,DNS;WHOIS\n" +
				"Bo,bo@example.org,AR,,Internauta,en,,\n" +
				",,BR,Brasil,Nupef,,,\n"
			sum, err := st.ImportRoster(ctx, store.Actor{}, strings.NewReader(good))
			if err != nil {
				t.Fatal(err)
			}
			if sum.Countries != 2 || sum.ALSes != 2 || sum.Members != 2 || len(sum.MemberIDs) != 2 {
				t.Fatalf("summary %+v", sum)
			}
			ms, _ := st.ListMembers(ctx, store.MemberFilter{Role: "als_rep"})
			if len(ms) != 1 || ms[0].Name != "Ana" || ms[0].ALSID == nil || !ms[0].SkillsPublic {
				t.Fatalf("als reps %+v", ms)
			}
			for _, header := range []string{"name,email\n", "name,email,country,shoe_size\n"} {
				if _, err := st.ImportRoster(ctx, store.Actor{}, strings.NewReader(header)); err == nil || !strings.Contains(err.Error(), "line 1") {
					t.Fatalf("header %q: %v", header, err)
				}
			}
		})
	}
}

func TestSanctions(t *testing.T) {
	for name, st := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			if _, err := st.CreateCountry(ctx, store.Actor{}, store.CountryInput{Code: "AR", Name: "Argentina"}); err != nil {
				t.Fatal(err)
			}
			m, err := st.CreateMember(ctx, store.Actor{}, store.MemberInput{Name: ptr("Ana"), Email: ptr("ana@example.org"), Country: ptr("AR")})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.CreatePosition(ctx, store.Actor{}, store.PositionInput{Position: "chair", HolderID: m.ID, TermStart: time.Now().Add(-time.Hour)}); err != nil {
				t.Fatal(err)
			}
			now := store.Now()
			until := now.Add(730 * 24 * time.Hour)
			in := store.SanctionInput{CaseID: "e_1", MemberID: m.ID, Kind: store.SanctionRemoval, Position: "chair", IneligibleUntil: &until}
			first, err := st.ApplySanction(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			again, err := st.ApplySanction(ctx, in)
			if err != nil || again.ID != first.ID {
				t.Fatalf("applying twice made two sanctions: %v %v", again.ID, err)
			}
			if pos, _ := st.ListPositions(ctx, store.Now()); len(pos) != 0 {
				t.Fatalf("the position was not vacated: %+v", pos)
			}
			got, err := st.IneligibleUntil(ctx, m.ID, now)
			if err != nil || got == nil || !got.Equal(until) {
				t.Fatalf("ineligible until %v, want %v (%v)", got, until, err)
			}
			if got, _ := st.IneligibleUntil(ctx, m.ID, until); got != nil {
				t.Fatalf("still ineligible at the end of the period: %v", got)
			}
			susp := now.Add(24 * time.Hour)
			if _, err := st.ApplySanction(ctx, store.SanctionInput{CaseID: "e_2", MemberID: m.ID, Kind: store.SanctionSuspension, Until: &susp}); err != nil {
				t.Fatal(err)
			}
			if s, _ := st.VotingSuspended(ctx, m.ID, now); !s {
				t.Fatal("suspension not in force")
			}
			if s, _ := st.VotingSuspended(ctx, m.ID, susp); s {
				t.Fatal("suspension outlives its end")
			}
		})
	}
}

// TestAuditBatch: a batch appends its entries in order, chained, in one
// transaction: a replayed batch writes nothing new and a batch with one
// bad entry writes none.
func TestAuditBatch(t *testing.T) {
	for name, st := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			first, err := st.Audit(ctx, store.AuditInput{Actor: "m_x", Process: "batch", Action: "before", IdemKey: "b0"})
			if err != nil {
				t.Fatal(err)
			}
			batch := []store.AuditInput{
				{Actor: "m_a", Process: "batch", ObjectID: "e1", Action: "ballot", Details: map[string]int{"n": 1},
					Audience: store.AudienceMembers, Members: []string{"m_a"}, IdemKey: "b1"},
				{Actor: "m_b", Process: "batch", ObjectID: "e1", Action: "ballot", Details: map[string]int{"n": 2},
					Audience: store.AudienceMembers, Members: []string{"m_b"}, IdemKey: "b2"},
				{Actor: "system", Process: "batch", ObjectID: "e1", Action: "closed", Audience: store.AudiencePublic, IdemKey: "b3"},
			}
			got, err := st.AuditBatch(ctx, batch)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(batch) {
				t.Fatalf("%d entries back, want %d", len(got), len(batch))
			}
			prev := first
			for i, e := range got {
				if e.Seq != prev.Seq+1 || e.PrevHash != prev.Hash {
					t.Errorf("entry %d: seq %d after %d, prev hash %q, want %q", i, e.Seq, prev.Seq, e.PrevHash, prev.Hash)
				}
				if e.Action != batch[i].Action || e.Actor != batch[i].Actor || e.Audience != batch[i].Audience ||
					len(e.Members) != len(batch[i].Members) {
					t.Errorf("entry %d: %+v does not match its input %+v", i, e, batch[i])
				}
				prev = e
			}
			if d := string(got[1].DetailsJSON()); d != `{"n":2}` {
				t.Errorf("details %s, want {\"n\":2}", d)
			}

			// The activity retried after a crash: the same entries, once.
			again, err := st.AuditBatch(ctx, batch)
			if err != nil {
				t.Fatal(err)
			}
			for i := range again {
				if again[i].Seq != got[i].Seq {
					t.Errorf("replayed entry %d written again at seq %d (first at %d)", i, again[i].Seq, got[i].Seq)
				}
			}

			// A bad entry in the middle: the whole batch is refused.
			bad := []store.AuditInput{
				{Actor: "m_c", Process: "batch", Action: "ballot", IdemKey: "b4"},
				{Actor: "m_d", Process: "batch", Action: "ballot", Details: map[string]any{"bad": make(chan int)}, IdemKey: "b5"},
			}
			if _, err := st.AuditBatch(ctx, bad); err == nil {
				t.Fatal("a batch with undecodable details was accepted")
			}
			entries, err := st.ListAudit(ctx, store.AuditFilter{All: true, Process: "batch"})
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 4 {
				t.Errorf("%d entries after the refused batch, want 4 (nothing of it written)", len(entries))
			}
			res, err := st.VerifyAudit(ctx)
			if err != nil || !res.OK {
				t.Fatalf("verify %+v %v", res, err)
			}
		})
	}
}

// inArgentina runs fn on every backend once staff have created Argentina,
// the start most registry tests share.
func inArgentina(t *testing.T, fn func(t *testing.T, ctx context.Context, st *store.Store, staff store.Actor)) {
	t.Helper()
	for name, st := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx, staff := context.Background(), store.Actor{MemberID: "m_staff"}
			if _, err := st.CreateCountry(ctx, staff, store.CountryInput{Code: "AR", Name: "Argentina"}); err != nil {
				t.Fatal(err)
			}
			fn(t, ctx, st, staff)
		})
	}
}

// internauta is an ALS in Argentina.
func internauta(t *testing.T, ctx context.Context, st *store.Store, staff store.Actor) store.ALS {
	t.Helper()
	als, err := st.CreateALS(ctx, staff, store.ALSInput{Name: ptr("Internauta"), Country: ptr("AR")})
	if err != nil {
		t.Fatal(err)
	}
	return als
}
