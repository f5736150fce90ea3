package service

import (
	"strings"
	"testing"

	"github.com/lacralo/ralo/domain"
)

// TestConflictReasons: every sentence the conflict check writes gets its
// code and names, so the page can say it in the reader's language; a
// change of wording in domain fails here, not silently on the page.
func TestConflictReasons(t *testing.T) {
	arb := domain.Person{ID: "m_arb", Kind: domain.KindMember, ALSID: "als_x"}
	cases := []struct {
		parties []domain.Person
		decls   []domain.Declaration
		want    ConflictReason
	}{
		{[]domain.Person{{ID: "m_arb", Kind: domain.KindMember}}, nil, ConflictReason{Code: "is_party"}},
		{[]domain.Person{{ID: "als_x", Kind: domain.KindALS}}, nil, ConflictReason{Code: "als_party", ALS: "ALS X"}},
		{[]domain.Person{{ID: "m_p", Kind: domain.KindMember, ALSID: "als_x"}}, nil, ConflictReason{Code: "same_als", Party: "Pat", ALS: "ALS X"}},
		{[]domain.Person{{ID: "m_p", Kind: domain.KindMember}}, []domain.Declaration{{MemberID: "m_arb", Subjects: []string{"m_p"}}},
			ConflictReason{Code: "declared_party", Party: "Pat"}},
		{[]domain.Person{{ID: "als_y", Kind: domain.KindALS}}, []domain.Declaration{{MemberID: "m_arb", Subjects: []string{"als_y"}}},
			ConflictReason{Code: "declared_als_party", ALS: "ALS Y"}},
		{[]domain.Person{{ID: "m_p", Kind: domain.KindMember, ALSID: "als_y"}}, []domain.Declaration{{MemberID: "m_arb", Subjects: []string{"als_y"}}},
			ConflictReason{Code: "declared_als_of_party", Party: "Pat", ALS: "ALS Y"}},
	}
	named := strings.NewReplacer("m_arb", "Arbi", "m_p", "Pat", "als_x", "ALS X", "als_y", "ALS Y")
	for _, c := range cases {
		reasons := domain.ArbitratorConflicts(arb, c.parties, c.decls)
		if len(reasons) != 1 {
			t.Fatalf("%v: %d reasons %q, want one", c.parties, len(reasons), reasons)
		}
		got := conflictReason(reasons[0], named, named.Replace)
		if got.Code != c.want.Code || got.Party != c.want.Party || got.ALS != c.want.ALS || strings.Contains(got.Text, "m_") {
			t.Errorf("%q: %+v, want %+v", reasons[0], got, c.want)
		}
	}
}
