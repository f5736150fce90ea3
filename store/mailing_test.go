package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/store"
)

// TestImportMailingActivity: 1,000 rows with one bad line write nothing
// and name the line; the same rows without it count as mailing-list
// participation of each member's ALS, once per member, list and day, and a
// second import changes nothing.
func TestImportMailingActivity(t *testing.T) {
	inArgentina(t, func(t *testing.T, ctx context.Context, st *store.Store, staff store.Actor) {
		als := internauta(t, ctx, st, staff)
		for _, e := range []string{"ana@example.org", "beto@example.org"} {
			if _, err := st.CreateMember(ctx, staff, store.MemberInput{Name: ptr(e), Email: ptr(e), Country: ptr("AR"), ALSID: ptr(als.ID)}); err != nil {
				t.Fatal(err)
			}
		}
		day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		csvOf := func(bad bool) string {
			var b strings.Builder
			b.WriteString("email,date,list\n")
			for i := range 1000 {
				email := []string{"ana@example.org", "Beto@Example.org"}[i%2]
				if bad && i == 636 {
					email = "nobody@example.org"
				}
				fmt.Fprintf(&b, "%s,%s,lacralo-%s\n", email, day.AddDate(0, 0, i/4).Format(time.DateOnly), []string{"es", "en"}[i/2%2])
			}
			return b.String()
		}
		_, err := st.ImportMailingActivity(ctx, staff, strings.NewReader(csvOf(true)))
		var fe store.FieldErrors
		if !errors.As(err, &fe) || len(fe) != 1 || !strings.Contains(fe["line 638"], "nobody@example.org") {
			t.Fatalf("a bad line is named by its number (header is line 1): %v", err)
		}
		from, to := day, day.AddDate(2, 0, 0)
		if rows, err := st.ParticipationReport(ctx, from, to); err != nil || rows[0].MailingList != 0 {
			t.Fatalf("nothing is written: %+v %v", rows, err)
		}
		sum, err := st.ImportMailingActivity(ctx, staff, strings.NewReader(csvOf(false)))
		// Rows i and i+4k share a day only within a group of four:
		// per day, ana and beto each write to es and en once.
		if err != nil || sum.Rows != 1000 || sum.Recorded != 1000 {
			t.Fatalf("import %+v %v", sum, err)
		}
		rows, err := st.ParticipationReport(ctx, from, to)
		if err != nil || rows[0].MailingList != 1000 {
			t.Fatalf("indicators %+v %v", rows, err)
		}
		if sum, err := st.ImportMailingActivity(ctx, staff, strings.NewReader(csvOf(false))); err != nil || sum.Recorded != 0 {
			t.Fatalf("a second import records nothing new: %+v %v", sum, err)
		}
		for in, line := range map[string]string{
			"email,date\n": "line 1",
			"email,date,list\nana@example.org,tomorrow,l\n": "line 2",
			"email,date,list\nana@example.org,2026-01-01\n": "line 2",
		} {
			if _, err := st.ImportMailingActivity(ctx, staff, strings.NewReader(in)); !errors.As(err, &fe) || fe[line] == "" {
				t.Errorf("%q: %v, want %s named", in, err, line)
			}
		}
	})
}
