package domain

import (
	"maps"
	"slices"
	"testing"
)

func TestEthicsRecusals(t *testing.T) {
	// The committee.
	cm1 := Person{ID: "m-c1", Kind: KindMember, ALSID: "als-1"}
	cm2 := Person{ID: "m-c2", Kind: KindMember, ALSID: "als-2"}
	cm3 := Person{ID: "m-c3", Kind: KindMember} // an individual member
	// The parties.
	complainant := Person{ID: "m-ana", Kind: KindMember, ALSID: "als-1"}
	respondent := Person{ID: "m-bob", Kind: KindMember, ALSID: "als-9"}
	loner := Person{ID: "m-lou", Kind: KindMember}
	als2 := Person{ID: "als-2", Kind: KindALS}

	tests := []struct {
		name         string
		committee    []Person
		parties      []Person
		declarations []Declaration
		want         map[string][]string
	}{
		{
			name:      "no ties",
			committee: []Person{cm2, cm3},
			parties:   []Person{complainant, respondent},
			declarations: []Declaration{
				{MemberID: "m-c2", Subjects: []string{"m-dave", "als-7"}},
				{MemberID: "m-ana", Subjects: []string{"m-c2"}},
			},
			want: map[string][]string{},
		},
		{
			name:      "empty committee",
			committee: nil,
			parties:   []Person{complainant, respondent},
			want:      map[string][]string{},
		},
		{
			name:      "no parties",
			committee: []Person{cm1, cm2},
			want:      map[string][]string{},
		},
		{
			name:      "a committee member who is a party",
			committee: []Person{cm3, cm2},
			parties:   []Person{{ID: "m-c3", Kind: KindMember}, respondent},
			want:      map[string][]string{"m-c3": {"the committee member m-c3 is a party"}},
		},
		{
			name:      "a party from their own ALS gives one reason",
			committee: []Person{cm1},
			parties:   []Person{cm1, respondent},
			want:      map[string][]string{"m-c1": {"the committee member m-c1 is a party"}},
		},
		{
			name:      "same ALS as the complainant",
			committee: []Person{cm1, cm2, cm3},
			parties:   []Person{complainant, respondent},
			want:      map[string][]string{"m-c1": {"the committee member m-c1 and party m-ana are from the same ALS als-1"}},
		},
		{
			name:      "same ALS as the respondent",
			committee: []Person{{ID: "m-c4", ALSID: "als-9"}},
			parties:   []Person{complainant, respondent},
			want:      map[string][]string{"m-c4": {"the committee member m-c4 and party m-bob are from the same ALS als-9"}},
		},
		{
			name:      "a member of an ALS party",
			committee: []Person{cm1, cm2},
			parties:   []Person{als2, respondent},
			want:      map[string][]string{"m-c2": {"the committee member m-c2 belongs to ALS als-2, which is a party"}},
		},
		{
			name:      "individual members share no ALS",
			committee: []Person{cm3},
			parties:   []Person{loner, respondent},
			want:      map[string][]string{},
		},
		{
			name:      "declaration naming a party",
			committee: []Person{cm2, cm3},
			parties:   []Person{complainant, respondent},
			declarations: []Declaration{
				{MemberID: "m-c3", Subjects: []string{"m-bob"}},
			},
			want: map[string][]string{"m-c3": {"the committee member m-c3 declared an interest involving party m-bob"}},
		},
		{
			name:      "declaration naming a party's ALS",
			committee: []Person{cm3},
			parties:   []Person{complainant, respondent},
			declarations: []Declaration{
				{MemberID: "m-c3", Subjects: []string{"als-1"}},
			},
			want: map[string][]string{"m-c3": {"the committee member m-c3 declared an interest involving ALS als-1 of party m-ana"}},
		},
		{
			name:      "declaration naming an ALS party",
			committee: []Person{cm3},
			parties:   []Person{als2},
			declarations: []Declaration{
				{MemberID: "m-c3", Subjects: []string{"als-2"}},
			},
			want: map[string][]string{"m-c3": {"the committee member m-c3 declared an interest involving ALS als-2, which is a party"}},
		},
		{
			name:      "superseded declaration ignored",
			committee: []Person{cm3},
			parties:   []Person{complainant, respondent},
			declarations: []Declaration{
				{MemberID: "m-c3", Subjects: []string{"m-bob", "als-1"}, Superseded: true},
				{MemberID: "m-c3", Subjects: []string{"m-dave"}},
			},
			want: map[string][]string{},
		},
		{
			name:      "another member's declaration ignored",
			committee: []Person{cm3},
			parties:   []Person{complainant, respondent},
			declarations: []Declaration{
				{MemberID: "m-c2", Subjects: []string{"m-bob"}},
				{MemberID: "m-bob", Subjects: []string{"m-c3"}},
			},
			want: map[string][]string{},
		},
		{
			name:      "duplicate subjects, declarations and committee entries give one reason",
			committee: []Person{cm3, cm3},
			parties:   []Person{respondent},
			declarations: []Declaration{
				{MemberID: "m-c3", Subjects: []string{"m-bob", "m-bob"}},
				{MemberID: "m-c3", Subjects: []string{"m-bob"}},
			},
			want: map[string][]string{"m-c3": {"the committee member m-c3 declared an interest involving party m-bob"}},
		},
		{
			name:      "committee entries without an ID are skipped",
			committee: []Person{{ALSID: "als-1"}},
			parties:   []Person{complainant},
			want:      map[string][]string{},
		},
		{
			name:      "several members and reasons, each member's sorted",
			committee: []Person{cm1, cm2, cm3},
			parties:   []Person{complainant, respondent, als2},
			declarations: []Declaration{
				{MemberID: "m-c1", Subjects: []string{"m-bob", "als-9"}},
				{MemberID: "m-c3", Subjects: []string{"als-2"}},
			},
			want: map[string][]string{
				"m-c1": {
					"the committee member m-c1 and party m-ana are from the same ALS als-1",
					"the committee member m-c1 declared an interest involving ALS als-9 of party m-bob",
					"the committee member m-c1 declared an interest involving party m-bob",
				},
				"m-c2": {"the committee member m-c2 belongs to ALS als-2, which is a party"},
				"m-c3": {"the committee member m-c3 declared an interest involving ALS als-2, which is a party"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := EthicsRecusals(tc.committee, tc.parties, tc.declarations)
			if !maps.EqualFunc(got, tc.want, slices.Equal) {
				t.Errorf("EthicsRecusals()\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestEthicsRecusalsOrderIndependent checks that the answer does not depend
// on the order the API happened to load the roster, the parties and the
// declarations in.
func TestEthicsRecusalsOrderIndependent(t *testing.T) {
	committee := []Person{
		{ID: "m-c1", ALSID: "als-1"},
		{ID: "m-c2", ALSID: "als-2"},
		{ID: "m-c3"},
	}
	parties := []Person{
		{ID: "m-ana", ALSID: "als-1"},
		{ID: "m-bob", ALSID: "als-9"},
		{ID: "als-2", Kind: KindALS},
	}
	decls := []Declaration{
		{MemberID: "m-c1", Subjects: []string{"m-bob"}},
		{MemberID: "m-c1", Subjects: []string{"als-9"}},
		{MemberID: "m-c3", Subjects: []string{"m-ana"}},
	}
	want := EthicsRecusals(committee, parties, decls)
	if len(want) != 3 || len(want["m-c1"]) != 3 {
		t.Fatalf("want 3 recused members, m-c1 with 3 reasons; got %q", want)
	}
	for _, s := range [][]Person{committee, parties} {
		slices.Reverse(s)
	}
	slices.Reverse(decls)
	if got := EthicsRecusals(committee, parties, decls); !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("reordered input:\n got %q\nwant %q", got, want)
	}
}
