package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The seat rotation rules (policy seat `rotation`, SPEC §3 "Rotation"),
// spelled as in the policy file.
const (
	// RotationNone places no restriction on where the holder comes from.
	RotationNone = "none"
	// RotationSubregion requires the sub-region the rotation table names for
	// the cycle.
	RotationSubregion = "subregion"
	// RotationDistinctCountryALS requires a country and an ALS different
	// from those of the other holders of the seat's group (the two ALAC
	// members are of different ALSes and distinct nationalities).
	RotationDistinctCountryALS = "distinct_country_als"
)

// The codes that start every eligibility reason, so that the API, the
// notifications and the tests can tell reasons apart without parsing the
// English that follows.
const (
	// ReasonNotAccepted: the nominee has not accepted.
	ReasonNotAccepted = "not_accepted"
	// ReasonNoStatement: no statement of interest is filed.
	ReasonNoStatement = "no_statement_of_interest"
	// ReasonNoDeclaration: no conflict-of-interest declaration is on file.
	ReasonNoDeclaration = "no_declaration"
	// ReasonOutdatedDeclaration: the declaration predates the cycle.
	ReasonOutdatedDeclaration = "outdated_declaration"
	// ReasonDisqualifyingConflict: the declaration lists a disqualifying
	// interest category, which follows the code.
	ReasonDisqualifyingConflict = "disqualifying_conflict"
	// ReasonEthicsIneligible: an ethics removal's ineligibility still runs.
	ReasonEthicsIneligible = "ethics_ineligible"
	// ReasonNomComMember: a serving NomCom member stands for an ALAC seat.
	ReasonNomComMember = "nomcom_member"
	// ReasonObserver: the nominee belongs to no accredited ALS (an
	// individual member, LACRALO's observer), who may not stand.
	ReasonObserver = "observer"
	// ReasonNotInSubregion: the nominee's ALS is not in the sub-region the
	// rotation table names for the seat this cycle.
	ReasonNotInSubregion = "not_in_subregion"
	// ReasonRotationExcluded: the rotation table excludes the country of the
	// nominee's ALS for the seat this cycle.
	ReasonRotationExcluded = "rotation_excluded"
	// ReasonConsecutiveTerm: another term would exceed the position's
	// maximum of consecutive terms.
	ReasonConsecutiveTerm = "consecutive_term"
	// ReasonALACDistinctALS: a sitting ALAC member, or one elected in the
	// same cycle, is of the nominee's ALS.
	ReasonALACDistinctALS = "alac_distinct_als"
	// ReasonALACDistinctNationality: a sitting ALAC member, or one elected
	// in the same cycle, has the nominee's nationality.
	ReasonALACDistinctNationality = "alac_distinct_nationality"
	// ReasonRotationCountry: another holder of the group is from the same
	// country.
	ReasonRotationCountry = "rotation_country"
	// ReasonRotationALS: another holder of the group is from the same ALS.
	ReasonRotationALS = "rotation_als"
	// ReasonUnknownRotation: the seat's rotation rule is not one this
	// package knows, so eligibility cannot be established.
	ReasonUnknownRotation = "unknown_rotation"
)

// Candidate is what eligibility needs to know of a nominee for one seat.
// Categories are the interest categories of the nominee's current
// conflict-of-interest declaration, filed at DeclarationAt. IneligibleUntil
// is the end of an ineligibility imposed by an ethics removal. NomComMember
// says the nominee currently serves on the NomCom.
//
// Subregion is the sub-region of the country of the nominee's ALS (not of
// the member's own country); Nationality defaults to Country when empty.
// Observer says the nominee belongs to no accredited ALS. ConsecutiveTerms
// is how many terms in a row the nominee has held the seat's position up
// to the term that ends.
type Candidate struct {
	MemberID            string
	Country             string
	Nationality         string
	Subregion           string
	ALSID               string
	ALSCountry          string
	Observer            bool
	ConsecutiveTerms    int
	Accepted            bool
	StatementOfInterest bool
	DeclarationAt       *time.Time
	Categories          []string
	IneligibleUntil     *time.Time
	NomComMember        bool
}

// Holder is a current holder of another seat of the same group, whom a
// distinct_country_als seat must differ from.
type Holder struct {
	MemberID    string
	Country     string
	Nationality string
	ALSID       string
}

// nationality is the holder's nationality, their country when unset.
func (h Holder) nationality() string { return nationalityOr(h.Nationality, h.Country) }

func nationalityOr(nationality, country string) string {
	if n := strings.ToUpper(strings.TrimSpace(nationality)); n != "" {
		return n
	}
	return strings.ToUpper(strings.TrimSpace(country))
}

// SeatRule is the part of a seat's policy that eligibility applies.
// RequiredSubregion is the rotation table's sub-region for this cycle (see
// [NextRotationSubregion]); OtherHolders are the holders of the other seats
// of the group; AlacSeat marks an ALAC member seat, which a serving NomCom
// member may not hold.
//
// ExcludedCountries are the countries the rotation table excludes this
// cycle. MaxConsecutiveTerms caps the terms in a row (0: no cap). Distinct
// requires an ALS and a nationality different from every Distinctive holder:
// the sitting members of the group and those elected in the same cycle.
type SeatRule struct {
	Seat                string
	Rotation            string
	RequiredSubregion   string
	ExcludedCountries   []string
	OtherHolders        []Holder
	AlacSeat            bool
	MaxConsecutiveTerms int
	Distinct            bool
	Distinctive         []Holder
}

// Eligibility says whether c may stand for seat, and if not, every reason
// why (SPEC §3 "Nominations", "Eligibility" and "Rotation"), so a nominee
// can fix what can be fixed. It is pure and is recomputed at each step of
// the cycle: the same facts always give the same reasons, in this order,
// each "code: sentence" with a code of the Reason constants:
//
//  1. not_accepted: the nominee has not accepted the nomination.
//  2. no_statement_of_interest: no statement of interest is filed.
//  3. no_declaration or outdated_declaration: a conflict-of-interest
//     declaration must be on file and current, i.e. filed at or after
//     cycleStart.
//  4. disqualifying_conflict: one reason per declared category on the
//     disqualifying list (policy `election.disqualifying_conflicts`), in the
//     list's order, as "disqualifying_conflict: registrar". Categories match
//     ignoring case and surrounding spaces.
//  5. ethics_ineligible: an ethics removal's ineligibility still runs. Rule
//     decision: it runs while now < IneligibleUntil; at IneligibleUntil the
//     nominee is eligible again, as a period of N days ends when N days
//     have passed.
//  6. nomcom_member: a serving NomCom member for an ALAC member seat;
//     observer: the nominee belongs to no accredited ALS; consecutive_term:
//     the nominee has held the position for seat.MaxConsecutiveTerms terms
//     in a row up to the term that ends.
//  7. rotation. subregion: the nominee's sub-region must be the required
//     one, unless rotationSuspended (nominations reopened to all countries
//     because no eligible candidate came forward). An empty required
//     sub-region fails closed: it is a rotation table without an entry, and
//     the remedy is the reopening, not a free-for-all. distinct_country_als:
//     the nominee's country and ALS must differ from each other holder's
//     (one reason per holder and clash, by holder ID); an empty country or
//     ALS (an individual member) clashes with nothing. Reopening does not
//     suspend it: the ALAC members' distinct nationalities are not part of
//     the rotation exception. none or empty: nothing. Any other rule fails
//     closed with unknown_rotation. The sub-region check's code is
//     not_in_subregion (Candidate.Subregion is the ALS's); rotation_excluded
//     follows it when the ALS's country is excluded this cycle, both waived
//     by a reopening.
//  8. alac_distinct_als and alac_distinct_nationality when seat.Distinct:
//     see [DistinctClash] against seat.Distinctive; never waived.
func Eligibility(c Candidate, seat SeatRule, disqualifying []string, cycleStart, now time.Time, rotationSuspended bool) (bool, []string) {
	var reasons []string
	add := func(code, format string, args ...any) {
		reasons = append(reasons, code+": "+fmt.Sprintf(format, args...))
	}

	if !c.Accepted {
		add(ReasonNotAccepted, "the nominee has not accepted the nomination")
	}
	if !c.StatementOfInterest {
		add(ReasonNoStatement, "the nominee has not filed a statement of interest")
	}
	switch {
	case c.DeclarationAt == nil:
		add(ReasonNoDeclaration, "the nominee has no conflict-of-interest declaration on file")
	case c.DeclarationAt.Before(cycleStart):
		add(ReasonOutdatedDeclaration, "the conflict-of-interest declaration of %s predates the cycle start of %s",
			stamp(*c.DeclarationAt), stamp(cycleStart))
	}
	declared := map[string]bool{}
	for _, cat := range c.Categories {
		declared[normCategory(cat)] = true
	}
	listed := map[string]bool{}
	for _, d := range disqualifying {
		if n := normCategory(d); declared[n] && !listed[n] {
			listed[n] = true
			reasons = append(reasons, ReasonDisqualifyingConflict+": "+strings.TrimSpace(d))
		}
	}
	if c.IneligibleUntil != nil && now.Before(*c.IneligibleUntil) {
		add(ReasonEthicsIneligible, "the nominee was removed by an ethics decision and is ineligible until %s",
			stamp(*c.IneligibleUntil))
	}
	if seat.AlacSeat && c.NomComMember {
		add(ReasonNomComMember, "a serving NomCom member cannot stand for an ALAC member seat")
	}
	if c.Observer {
		add(ReasonObserver, "the nominee belongs to no accredited ALS; observers may not stand")
	}
	if seat.MaxConsecutiveTerms > 0 && c.ConsecutiveTerms >= seat.MaxConsecutiveTerms {
		add(ReasonConsecutiveTerm, "the nominee has served %d consecutive term(s) in seat %s, the most allowed",
			c.ConsecutiveTerms, seat.Seat)
	}

	switch seat.Rotation {
	case RotationNone, "":
	case RotationSubregion:
		switch {
		case rotationSuspended:
		case seat.RequiredSubregion == "":
			add(ReasonNotInSubregion, "the rotation table names no sub-region for seat %s this cycle", seat.Seat)
		case c.Subregion != seat.RequiredSubregion:
			add(ReasonNotInSubregion, "seat %s goes to the %s sub-region this cycle; the nominee's ALS is in %s",
				seat.Seat, seat.RequiredSubregion, orUnknown(c.Subregion))
		}
		if !rotationSuspended && c.ALSCountry != "" && slices.Contains(seat.ExcludedCountries, strings.ToUpper(c.ALSCountry)) {
			add(ReasonRotationExcluded, "the rotation excludes %s for seat %s this cycle", strings.ToUpper(c.ALSCountry), seat.Seat)
		}
	case RotationDistinctCountryALS:
		holders := slices.Clone(seat.OtherHolders)
		slices.SortStableFunc(holders, func(a, b Holder) int { return strings.Compare(a.MemberID, b.MemberID) })
		for _, h := range holders {
			if c.Country != "" && c.Country == h.Country {
				add(ReasonRotationCountry, "%s, who holds another seat of the group, is also from country %s", h.MemberID, h.Country)
			}
			if c.ALSID != "" && c.ALSID == h.ALSID {
				add(ReasonRotationALS, "%s, who holds another seat of the group, is also from ALS %s", h.MemberID, h.ALSID)
			}
		}
	default:
		add(ReasonUnknownRotation, "seat %s has the unknown rotation rule %q", seat.Seat, seat.Rotation)
	}
	if seat.Distinct {
		reasons = append(reasons, DistinctClash(Holder{MemberID: c.MemberID, Country: c.Country, Nationality: c.Nationality, ALSID: c.ALSID}, seat.Distinctive)...)
	}
	return len(reasons) == 0, reasons
}

func normCategory(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func orUnknown(s string) string {
	if s == "" {
		return "an unknown sub-region"
	}
	return s
}

// NextRotationSubregion is the sub-region a subregion-rotated seat goes to
// this cycle (SPEC §3 "Rotation"): the one after the last holder's in the
// rotation table (policy `rotation.<seat>`), wrapping around; the first
// entry when the last holder's sub-region is empty or not in the table. A
// cycle that reopened nominations to all countries does not change the
// table, so the caller passes the sub-region the table assigned that cycle,
// not that of whoever won the reopened seat. An empty table gives "".
func NextRotationSubregion(table []string, lastHolderSubregion string) string {
	if len(table) == 0 {
		return ""
	}
	i := slices.Index(table, lastHolderSubregion)
	if i < 0 || lastHolderSubregion == "" {
		return table[0]
	}
	return table[(i+1)%len(table)]
}

// Acclamation says whether a seat is filled without a vote (SPEC §3
// "Consensus first"): exactly one eligible candidate and no objection
// before objections close. Anything else, including a negative objection
// count that can only be a fault, goes to the fallback vote.
func Acclamation(eligible []string, objections int) bool {
	return len(eligible) == 1 && objections == 0
}
