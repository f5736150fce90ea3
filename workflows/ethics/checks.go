package ethics

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/lacralo/ralo/workflows/process"
)

// Checks and small helpers.

// checkDecision checks a decision's fields against its kind.
func checkDecision(now time.Time, d Decision) error {
	if !slices.Contains(decisionKinds, d.Kind) {
		return process.InvalidFieldCode("decision.kind", "ethics.decision_kind_invalid", "decision.kind must be one of "+strings.Join(decisionKinds, ", "))
	}
	if d.Kind == DecisionRecusalOrdered {
		if len(d.Matters) == 0 || len(d.Matters) > maxMatters {
			return process.InvalidFieldCode("decision.matters", "ethics.matters_count", fmt.Sprintf("decision.matters must name 1 to %d matters", maxMatters),
				"Max", maxMatters)
		}
		for _, m := range d.Matters {
			if err := process.CheckTextCode("decision.matters", "ethics.matters", m, maxShortBytes); err != nil {
				return err
			}
		}
	} else if len(d.Matters) > 0 {
		return process.InvalidFieldCode("decision.matters", "ethics.matters_only_recusal", "decision.matters are only for "+DecisionRecusalOrdered)
	}
	switch d.Kind {
	case DecisionSuspension:
		if d.Until == nil {
			return process.InvalidFieldCode("decision.until", "ethics.until_required", "decision.until is required for a suspension")
		}
	case DecisionRemoval:
	default:
		if d.Until != nil {
			return process.InvalidFieldCode("decision.until", "ethics.until_not_allowed", "decision.until is only for a suspension or a removal")
		}
	}
	if d.Until != nil && !d.Until.After(now) {
		return process.InvalidFieldCode("decision.until", "ethics.until_past", "decision.until must be in the future")
	}
	if d.Kind == DecisionRemoval {
		if err := process.CheckTextCode("decision.position", "ethics.position", d.Position, maxShortBytes); err != nil {
			return err
		}
	} else if d.Position != "" {
		return process.InvalidFieldCode("decision.position", "ethics.position_only_removal", "decision.position is only for a removal")
	}
	if d.SanctionComplainant && d.Kind == DecisionDismissed {
		return process.InvalidInputCode("ethics.sanction_needs_sanction", "sanction_complainant needs a sanction, not a dismissal")
	}
	return nil
}

// normalize trims a decision's texts and puts its time in UTC, so that
// equal decisions compare equal however they were typed.
func normalize(d Decision) Decision {
	var matters []string
	for _, m := range d.Matters {
		matters = append(matters, strings.TrimSpace(m))
	}
	d.Matters = process.NonNil(matters)
	d.Position = strings.TrimSpace(d.Position)
	if d.Until != nil {
		u := d.Until.UTC()
		d.Until = &u
	}
	return d
}

func sameDecision(a, b Decision) bool {
	sameUntil := (a.Until == nil) == (b.Until == nil) && (a.Until == nil || a.Until.Equal(*b.Until))
	return a.Kind == b.Kind && slices.Equal(a.Matters, b.Matters) && a.Position == b.Position &&
		a.SanctionComplainant == b.SanctionComplainant && sameUntil
}

// decisionDetails is a decision as audit entries and the public record
// show it: whom it sanctions by role, never by name.
func decisionDetails(d Decision) map[string]any {
	on := RoleRespondent
	if d.SanctionComplainant {
		on = RoleComplainant
	}
	out := map[string]any{"kind": d.Kind}
	if d.Kind != DecisionDismissed {
		out["sanction_on"] = on
	}
	if len(d.Matters) > 0 {
		out["matters"] = d.Matters
	}
	if d.Until != nil {
		out["until"] = *d.Until
	}
	if d.Position != "" {
		out["position"] = d.Position
	}
	return out
}

// cleanRoster sorts a roster by member ID and copies it, so that the
// case's roster does not depend on the caller's order or slices.
func cleanRoster(in []CommitteeMember) []CommitteeMember {
	out := make([]CommitteeMember, 0, len(in))
	for _, m := range in {
		m.MemberID = strings.TrimSpace(m.MemberID)
		m.Reasons = process.Set(m.Reasons)
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b CommitteeMember) int { return strings.Compare(a.MemberID, b.MemberID) })
	return out
}

func checkCommittee(c []CommitteeMember) error {
	if len(c) > maxCommittee {
		return process.InvalidInputCode("ethics.committee_too_large", fmt.Sprintf("committee has more than %d members", maxCommittee), "Max", maxCommittee)
	}
	seen := map[string]bool{}
	for i, m := range c {
		id := strings.TrimSpace(m.MemberID)
		switch {
		case id == "" || len(id) > maxShortBytes:
			return process.InvalidInputCode("ethics.committee_member_required", fmt.Sprintf("committee[%d].member_id is required", i), "Index", i)
		case seen[id]:
			return process.InvalidInputCode("ethics.committee_member_twice", fmt.Sprintf("committee[%d]: %s is listed twice", i, id), "Index", i, "MemberID", id)
		case len(m.Reasons) > maxReasons:
			return process.InvalidInputCode("ethics.committee_reasons_too_many", fmt.Sprintf("committee[%d] has more than %d reasons", i, maxReasons),
				"Index", i, "Max", maxReasons)
		}
		for _, r := range m.Reasons {
			if len(r) > maxShortBytes {
				return process.InvalidInputCode("ethics.committee_reason_too_long", fmt.Sprintf("committee[%d] has a reason longer than %d bytes", i, maxShortBytes),
					"Index", i, "Limit", maxShortBytes)
			}
		}
		seen[id] = true
	}
	return nil
}

func checkLinks(links []string) error {
	if len(links) > maxLinks {
		return process.InvalidFieldCode("links", "ethics.links_too_many", fmt.Sprintf("at most %d links", maxLinks), "Max", maxLinks)
	}
	for _, l := range links {
		u, err := url.Parse(l)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(l) > maxLinkBytes {
			return process.InvalidFieldCode("links", "ethics.link_invalid", fmt.Sprintf("link %q is not an http(s) URL", l), "Link", l)
		}
	}
	return nil
}
