package service

import (
	"strings"
	"testing"

	"github.com/lacralo/ralo/domain"
)

// TestRecusalReasons: every sentence domain.EthicsRecusals and the case
// write as a recusal reason is read into its code, with the party and the
// ALS named and a self-recusal's note kept; a sentence no form knows keeps
// its text, with names for IDs.
func TestRecusalReasons(t *testing.T) {
	named := strings.NewReplacer("m_party", "Pía Party", "m_other", "Óscar Other", "als_a", "ALS Andes", "als_b", "ALS Bahía")
	committee := []domain.Person{{ID: "m_member", Kind: domain.KindMember, ALSID: "als_a"}}
	for _, tc := range []struct {
		parties []domain.Person
		decl    []string
		want    RecusalReason
	}{
		{parties: []domain.Person{{ID: "m_member", Kind: domain.KindMember}}, want: RecusalReason{Code: "is_party"}},
		{parties: []domain.Person{{ID: "als_a", Kind: domain.KindALS}}, want: RecusalReason{Code: "als_party", ALS: "ALS Andes"}},
		{parties: []domain.Person{{ID: "m_party", Kind: domain.KindMember, ALSID: "als_a"}},
			want: RecusalReason{Code: "same_als", Party: "Pía Party", ALS: "ALS Andes"}},
		{parties: []domain.Person{{ID: "m_party", Kind: domain.KindMember}}, decl: []string{"m_party"},
			want: RecusalReason{Code: "declared_party", Party: "Pía Party"}},
		{parties: []domain.Person{{ID: "als_b", Kind: domain.KindALS}}, decl: []string{"als_b"},
			want: RecusalReason{Code: "declared_als_party", ALS: "ALS Bahía"}},
		{parties: []domain.Person{{ID: "m_other", Kind: domain.KindMember, ALSID: "als_b"}}, decl: []string{"als_b"},
			want: RecusalReason{Code: "declared_als_of_party", Party: "Óscar Other", ALS: "ALS Bahía"}},
	} {
		var decls []domain.Declaration
		if tc.decl != nil {
			decls = []domain.Declaration{{MemberID: "m_member", Subjects: tc.decl}}
		}
		reasons := domain.EthicsRecusals(committee, tc.parties, decls)["m_member"]
		if len(reasons) != 1 {
			t.Fatalf("%s: reasons %q, want one", tc.want.Code, reasons)
		}
		if got := recusalReason(reasons[0], named); got != tc.want {
			t.Errorf("%q read as %+v, want %+v", reasons[0], got, tc.want)
		}
	}
	if got := recusalReason("recused themself: Trabajé con\nla parte", named); got != (RecusalReason{Code: "self", Note: "Trabajé con\nla parte"}) {
		t.Errorf("self-recusal read as %+v", got)
	}
	if got := recusalReason("a reason of another kind naming m_party", named); got != (RecusalReason{Text: "a reason of another kind naming Pía Party"}) {
		t.Errorf("unknown reason read as %+v", got)
	}
}
