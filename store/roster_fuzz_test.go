package store_test

import (
	"strings"
	"testing"

	"github.com/lacralo/ralo/store"
)

// FuzzParseRoster: any bytes give rows or an error naming a line, never a
// panic; parsed rows always carry the required columns.
func FuzzParseRoster(f *testing.F) {
	f.Add("name,email,country\nAna,ana@example.org,AR\n")
	f.Add("name,email,country,als,roles,skills\n\"Ana, \"\"la\"\"\",a@b.org,ar,X,als_rep;staff,DNS\n")
	f.Add("\ufeffname,email,country\n,,BR\n")
	f.Add("name,email\n")
	f.Add("name,email,country\n\"unterminated\n")
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := store.ParseRoster(strings.NewReader(in))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "roster: ") {
				t.Fatalf("error without context: %v", err)
			}
			return
		}
		for _, r := range rows {
			for _, col := range []string{"name", "email", "country"} {
				if _, ok := r.Fields[col]; !ok {
					t.Fatalf("row %d lacks %s", r.Line, col)
				}
			}
			if r.Line < 2 {
				t.Fatalf("data row on line %d", r.Line)
			}
		}
	})
}
