package domain

import (
	"fmt"
	"slices"
)

// EthicsRecusals says which members of the ethics committee must be recused
// from a case between parties, and why: a map from the member's ID to the
// reasons, as sentences staff can read. Members who need not be recused are
// absent from the map.
//
// The seed agreement wants the committee independent of the people it
// judges, so the same ties as for an arbitrator count: being a party,
// coming from the same ALS as a party (which covers the members of an ALS
// party), and a current declaration of the member naming a party or a
// party's ALS. Superseded declarations, and other people's, are ignored.
//
// Recusal is computed from the registry and the declarations each time they
// change, never remembered: a member who declares a new interest is recused
// at once, and one whose declaration is superseded regains the case.
// Recusing oneself is the member's own act and is kept by the case, not
// here.
//
// Each member's reasons are sorted and free of duplicates (a member listed
// twice gets the union), so the same facts always give the same answer, in
// the audit log as in a workflow's history.
func EthicsRecusals(committee []Person, parties []Person, declarations []Declaration) map[string][]string {
	out := map[string][]string{}
	for _, m := range committee {
		if m.ID == "" {
			continue
		}
		reasons := recusalReasons(m, parties, declarations)
		if len(reasons) == 0 {
			continue
		}
		merged := append(out[m.ID], reasons...)
		slices.Sort(merged)
		out[m.ID] = slices.Compact(merged)
	}
	return out
}

// recusalReasons lists the ties between one committee member and the
// parties, unsorted and possibly repeated.
func recusalReasons(m Person, parties []Person, declarations []Declaration) []string {
	var reasons []string
	add := func(format string, args ...any) {
		reasons = append(reasons, fmt.Sprintf(format, args...))
	}

	mALS := m.als()
	for _, p := range parties {
		pALS := p.als()
		switch {
		case p.ID == m.ID && p.Kind != KindALS:
			add("the committee member %s is a party", m.ID)
		case p.Kind == KindALS && mALS != "" && mALS == pALS:
			add("the committee member %s belongs to ALS %s, which is a party", m.ID, pALS)
		case p.Kind != KindALS && mALS != "" && mALS == pALS:
			add("the committee member %s and party %s are from the same ALS %s", m.ID, p.ID, pALS)
		}
	}

	for _, d := range declarations {
		if d.Superseded || d.MemberID != m.ID {
			continue
		}
		for _, p := range parties {
			pALS := p.als()
			if p.Kind != KindALS && slices.Contains(d.Subjects, p.ID) {
				add("the committee member %s declared an interest involving party %s", m.ID, p.ID)
			}
			if pALS != "" && slices.Contains(d.Subjects, pALS) {
				if p.Kind == KindALS {
					add("the committee member %s declared an interest involving ALS %s, which is a party", m.ID, pALS)
				} else {
					add("the committee member %s declared an interest involving ALS %s of party %s", m.ID, pALS, p.ID)
				}
			}
		}
	}
	return reasons
}
