package domain

import (
	"fmt"
	"slices"
)

// Person kinds: a party to a case is either an individual member or an
// At-Large Structure as a whole.
const (
	KindMember = "member"
	KindALS    = "als"
)

// Person is someone whose independence matters in a case: an arbitrator or
// a party. For a member, ALSID is the ALS they belong to (empty for an
// individual member). For an ALS party, Kind is KindALS and ID is the ALS's
// own ID; ALSID may be left empty.
type Person struct {
	ID    string
	Kind  string
	ALSID string
}

// Declaration is the part of a member's conflict-of-interest declaration
// that names who the declared interest involves. Declarations are history:
// only the current one (not Superseded) speaks for the member today.
type Declaration struct {
	MemberID   string
	Subjects   []string
	Superseded bool
}

// als is the ALS a person stands for: an ALS party is its own ALS, a member
// the ALS they belong to.
func (p Person) als() string {
	if p.Kind == KindALS {
		return p.ID
	}
	return p.ALSID
}

// ArbitratorConflicts lists why arb cannot arbitrate a case between parties,
// as sentences staff can read and the API can return; none means no known
// conflict. The seed agreement requires an independent arbitrator, so every
// tie counts: being a party, coming from the same ALS as a party (which also
// covers the representatives of an ALS party, who belong to it), and a
// current declaration naming a party or a party's ALS. Only arb's own,
// current declarations are read: a superseded one no longer describes them.
//
// The reasons are sorted and free of duplicates, so the same facts always
// give the same answer, in the audit log as in a workflow's history.
func ArbitratorConflicts(arb Person, parties []Person, declarations []Declaration) []string {
	seen := map[string]bool{}
	var reasons []string
	add := func(format string, args ...any) {
		r := fmt.Sprintf(format, args...)
		if !seen[r] {
			seen[r] = true
			reasons = append(reasons, r)
		}
	}

	arbALS := arb.als()
	for _, p := range parties {
		pALS := p.als()
		switch {
		case p.ID == arb.ID && p.Kind != KindALS:
			add("the arbitrator %s is a party", arb.ID)
		case p.Kind == KindALS && arbALS != "" && arbALS == pALS:
			add("the arbitrator %s belongs to ALS %s, which is a party", arb.ID, pALS)
		case p.Kind != KindALS && arbALS != "" && arbALS == pALS:
			add("the arbitrator %s and party %s are from the same ALS %s", arb.ID, p.ID, pALS)
		}
	}

	for _, d := range declarations {
		if d.Superseded || d.MemberID != arb.ID {
			continue
		}
		for _, p := range parties {
			pALS := p.als()
			if p.Kind != KindALS && slices.Contains(d.Subjects, p.ID) {
				add("the arbitrator %s declared an interest involving party %s", arb.ID, p.ID)
			}
			if pALS != "" && slices.Contains(d.Subjects, pALS) {
				if p.Kind == KindALS {
					add("the arbitrator %s declared an interest involving ALS %s, which is a party", arb.ID, pALS)
				} else {
					add("the arbitrator %s declared an interest involving ALS %s of party %s", arb.ID, pALS, p.ID)
				}
			}
		}
	}

	slices.Sort(reasons)
	return reasons
}
