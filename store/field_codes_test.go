package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/lacralo/ralo/store"
)

// TestFieldErrorsCoded: the store's field errors keep their English
// messages for the API, found as FieldErrors as before, and name each
// field's problem with one of FieldCodes.
func TestFieldErrorsCoded(t *testing.T) {
	for name, st := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			_, err := st.CreateMember(ctx, store.Actor{}, store.MemberInput{Name: ptr(" "), Email: ptr("not-an-email"),
				Country: ptr("ZZ"), Language: ptr("de"), Roles: &[]string{"king"}})
			var fe store.FieldErrors
			if !errors.As(err, &fe) || fe["email"] != "is not a valid email address" || fe["name"] != "is required" {
				t.Fatalf("as FieldErrors: %v", err)
			}
			var coded store.CodedFieldErrors
			if !errors.As(err, &coded) {
				t.Fatalf("not coded: %v", err)
			}
			want := map[string]string{"name": store.FieldRequired, "email": store.FieldEmail, "country": store.FieldUnknownCountry,
				"language": store.FieldLanguage, "roles": store.FieldUnknownRole}
			for f, code := range want {
				if coded.Codes[f] != code {
					t.Errorf("%s: code %q, want %q", f, coded.Codes[f], code)
				}
			}
			for f, code := range coded.Codes {
				if !slices.Contains(store.FieldCodes, code) || coded.FieldErrors[f] == "" {
					t.Errorf("%s: code %q not listed, or no message", f, code)
				}
			}
			_, err = st.CreateDeclaration(ctx, store.Actor{}, "m_x", store.DeclarationInput{Kind: "interest"})
			if !errors.As(err, &coded) || coded.Codes["organization"] != store.FieldDeclarationDetail ||
				!strings.Contains(err.Error(), "organization or description is required") {
				t.Fatalf("declaration: %v", err)
			}
			_, err = st.ImportMailingActivity(ctx, store.Actor{}, strings.NewReader("email,date\n"))
			if !errors.As(err, &coded) || coded.Codes["line 1"] != store.FieldMailingHeader {
				t.Fatalf("mailing header: %v", err)
			}
		})
	}
}

// TestImportRosterUpdates: a line whose email is registered updates the
// member (name, country, ALS, language, roles) and says so per line; the
// same roster again changes nothing; gender and skills stay the member's.
func TestImportRosterUpdates(t *testing.T) {
	for name, st := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			first := "name,email,country,country_name,als,language,gender,roles,skills\n" +
				"Ana,ana@example.org,AR,Argentina,Internauta,es,f,,DNS\n" +
				"Bo,bo@example.org,AR,,Internauta,en,,,\n"
			if _, err := st.ImportRoster(ctx, store.Actor{}, strings.NewReader(first)); err != nil {
				t.Fatal(err)
			}
			second := "name,email,country,country_name,als,language,gender,roles,skills\n" +
				"Ana Paula,ANA@example.org,BR,Brasil,Nupef,pt,,als_rep,\n" +
				"Bo,bo@example.org,AR,,Internauta,,,,\n" +
				"Cy,cy@example.org,AR,,,fr,,,\n"
			preview, err := st.PreviewRoster(ctx, store.Actor{}, strings.NewReader(second))
			if err != nil {
				t.Fatal(err)
			}
			statuses := []string{}
			for _, l := range preview.Lines {
				statuses = append(statuses, l.Status)
			}
			if !slices.Equal(statuses, []string{store.RosterLineUpdate, store.RosterLineUnchanged, store.RosterLineNew}) {
				t.Fatalf("statuses %v", statuses)
			}
			fields := []string{}
			for _, c := range preview.Lines[0].Changes {
				fields = append(fields, c.Field+":"+c.From+">"+c.To)
			}
			if want := []string{"name:Ana>Ana Paula", "country:AR>BR", "als:Internauta>Nupef", "language:es>pt", "roles:member>member;als_rep"}; !slices.Equal(fields, want) {
				t.Fatalf("changes %v, want %v", fields, want)
			}
			if m, _ := st.MemberByEmail(ctx, "ana@example.org"); m.Name != "Ana" {
				t.Fatalf("the preview wrote: %+v", m)
			}
			sum, err := st.ImportRoster(ctx, store.Actor{}, strings.NewReader(second))
			if err != nil {
				t.Fatal(err)
			}
			if sum.Members != 1 || sum.Updated != 1 || len(sum.Updates) != 1 || sum.Updates[0].Before.Name != "Ana" {
				t.Fatalf("summary %+v", sum)
			}
			ana, _ := st.MemberByEmail(ctx, "ana@example.org")
			if ana.Name != "Ana Paula" || ana.Country != "BR" || ana.ALSID == nil || ana.Language != "pt" ||
				!ana.Roles.Has(store.RoleALSRep) || ana.Gender == nil || *ana.Gender != "f" || !ana.Skills.Has("DNS") {
				t.Fatalf("Ana after the update: %+v", ana)
			}
			head, _ := st.HeadAudit(ctx)
			again, err := st.ImportRoster(ctx, store.Actor{}, strings.NewReader(second))
			if err != nil || again.Members != 0 || again.Updated != 0 || again.Countries != 0 || again.ALSes != 0 {
				t.Fatalf("again: %+v %v", again, err)
			}
			if after, _ := st.HeadAudit(ctx); after.Seq != head.Seq {
				t.Fatalf("the same roster again wrote %d audit entries", after.Seq-head.Seq)
			}
			// A new country's problems are named by the roster's columns.
			_, err = st.ImportRoster(ctx, store.Actor{}, strings.NewReader("name,email,country,subregion\nDi,di@example.org,UY,south_america\n"))
			var ce *store.RosterError
			if !errors.As(err, &ce) || len(ce.Lines) != 1 || ce.Lines[0].Field != "country_name" || ce.Lines[0].Code != store.FieldRequired {
				t.Fatalf("a new country without its name: %v", err)
			}
			// One line per member: the same email twice is refused by line.
			dup := "name,email,country\nBo,bo@example.org,AR\nBo B,BO@example.org,AR\n"
			_, err = st.ImportRoster(ctx, store.Actor{}, strings.NewReader(dup))
			var re *store.RosterError
			if !errors.As(err, &re) || len(re.Lines) != 1 || re.Lines[0].Line != 3 || re.Lines[0].Code != store.FieldRosterDuplicate {
				t.Fatalf("duplicate email: %v", err)
			}
		})
	}
}
