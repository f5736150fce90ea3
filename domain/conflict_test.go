package domain

import (
	"slices"
	"testing"
)

func TestArbitratorConflicts(t *testing.T) {
	arb := Person{ID: "m-arb", Kind: KindMember, ALSID: "als-1"}
	loner := Person{ID: "m-arb", Kind: KindMember}
	alice := Person{ID: "m-alice", Kind: KindMember, ALSID: "als-2"}
	bob := Person{ID: "m-bob", Kind: KindMember, ALSID: "als-1"}
	carol := Person{ID: "m-carol", Kind: KindMember}
	als1 := Person{ID: "als-1", Kind: KindALS}
	als3 := Person{ID: "als-3", Kind: KindALS}

	tests := []struct {
		name         string
		arb          Person
		parties      []Person
		declarations []Declaration
		want         []string
	}{
		{
			name:    "no conflict",
			arb:     arb,
			parties: []Person{alice, carol, als3},
			declarations: []Declaration{
				{MemberID: "m-arb", Subjects: []string{"m-dave", "als-9"}},
				{MemberID: "m-other", Subjects: []string{"m-alice"}},
			},
			want: nil,
		},
		{
			name:    "no parties",
			arb:     arb,
			parties: nil,
			want:    nil,
		},
		{
			name:    "arbitrator is a party",
			arb:     loner,
			parties: []Person{{ID: "m-arb", Kind: KindMember}, alice},
			want:    []string{"the arbitrator m-arb is a party"},
		},
		{
			name:    "arbitrator is a party from their own ALS: one reason",
			arb:     arb,
			parties: []Person{arb},
			want:    []string{"the arbitrator m-arb is a party"},
		},
		{
			name:    "same ALS as a member party",
			arb:     arb,
			parties: []Person{alice, bob},
			want:    []string{"the arbitrator m-arb and party m-bob are from the same ALS als-1"},
		},
		{
			name:    "member of an ALS party (or one of its reps)",
			arb:     arb,
			parties: []Person{als1, alice},
			want:    []string{"the arbitrator m-arb belongs to ALS als-1, which is a party"},
		},
		{
			name:    "ALS party given with its own ALSID",
			arb:     arb,
			parties: []Person{{ID: "als-1", Kind: KindALS, ALSID: "als-1"}},
			want:    []string{"the arbitrator m-arb belongs to ALS als-1, which is a party"},
		},
		{
			name:    "individual members without an ALS are not from the same ALS",
			arb:     loner,
			parties: []Person{carol},
			want:    nil,
		},
		{
			name:    "declaration naming a party",
			arb:     arb,
			parties: []Person{alice, carol},
			declarations: []Declaration{
				{MemberID: "m-arb", Subjects: []string{"m-carol"}},
			},
			want: []string{"the arbitrator m-arb declared an interest involving party m-carol"},
		},
		{
			name:    "declaration naming a member party's ALS",
			arb:     arb,
			parties: []Person{alice},
			declarations: []Declaration{
				{MemberID: "m-arb", Subjects: []string{"als-2"}},
			},
			want: []string{"the arbitrator m-arb declared an interest involving ALS als-2 of party m-alice"},
		},
		{
			name:    "declaration naming an ALS party",
			arb:     arb,
			parties: []Person{als3},
			declarations: []Declaration{
				{MemberID: "m-arb", Subjects: []string{"als-3"}},
			},
			want: []string{"the arbitrator m-arb declared an interest involving ALS als-3, which is a party"},
		},
		{
			name:    "superseded declaration ignored",
			arb:     arb,
			parties: []Person{alice, carol},
			declarations: []Declaration{
				{MemberID: "m-arb", Subjects: []string{"m-carol", "als-2"}, Superseded: true},
				{MemberID: "m-arb", Subjects: []string{"m-dave"}},
			},
			want: nil,
		},
		{
			name:    "another member's declaration ignored",
			arb:     arb,
			parties: []Person{alice},
			declarations: []Declaration{
				{MemberID: "m-alice", Subjects: []string{"m-arb", "als-1"}},
			},
			want: nil,
		},
		{
			name:    "duplicate subjects and declarations give one reason",
			arb:     arb,
			parties: []Person{carol},
			declarations: []Declaration{
				{MemberID: "m-arb", Subjects: []string{"m-carol", "m-carol"}},
				{MemberID: "m-arb", Subjects: []string{"m-carol"}},
			},
			want: []string{"the arbitrator m-arb declared an interest involving party m-carol"},
		},
		{
			name:    "several reasons at once, sorted",
			arb:     arb,
			parties: []Person{carol, bob, als1, alice},
			declarations: []Declaration{
				{MemberID: "m-arb", Subjects: []string{"als-2", "m-carol"}},
			},
			want: []string{
				"the arbitrator m-arb and party m-bob are from the same ALS als-1",
				"the arbitrator m-arb belongs to ALS als-1, which is a party",
				"the arbitrator m-arb declared an interest involving ALS als-2 of party m-alice",
				"the arbitrator m-arb declared an interest involving party m-carol",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ArbitratorConflicts(tc.arb, tc.parties, tc.declarations)
			if !slices.Equal(got, tc.want) {
				t.Errorf("ArbitratorConflicts()\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestArbitratorConflictsOrderIndependent checks that the answer does not
// depend on the order the API happened to load parties and declarations in.
func TestArbitratorConflictsOrderIndependent(t *testing.T) {
	arb := Person{ID: "m-arb", ALSID: "als-1"}
	parties := []Person{
		{ID: "m-carol"},
		{ID: "m-bob", ALSID: "als-1"},
		{ID: "als-1", Kind: KindALS},
		{ID: "m-alice", ALSID: "als-2"},
	}
	decls := []Declaration{
		{MemberID: "m-arb", Subjects: []string{"m-carol"}},
		{MemberID: "m-arb", Subjects: []string{"als-2"}},
	}
	want := ArbitratorConflicts(arb, parties, decls)
	if len(want) != 4 {
		t.Fatalf("want 4 reasons, got %q", want)
	}
	reversedParties := slices.Clone(parties)
	slices.Reverse(reversedParties)
	reversedDecls := slices.Clone(decls)
	slices.Reverse(reversedDecls)
	if got := ArbitratorConflicts(arb, reversedParties, reversedDecls); !slices.Equal(got, want) {
		t.Errorf("reordered input:\n got %q\nwant %q", got, want)
	}
}
