package domain

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
)

// ALSStatusAccredited is the registry status of an ALS in good standing. SPEC
// §3 "Electorate": only accredited ALSes vote; a decertified or suspended one
// does not.
const ALSStatusAccredited = "accredited"

// The election weightings (policy `election.weighting`), spelled as in the
// policy file so the policy value can be passed through unchanged.
const (
	// WeightingNational is the LACRALO national weighting of SPEC §3:
	// every country with a voting ALS weighs the same, whatever its number of
	// ALSes, so that a country with many ALSes cannot outvote the others.
	WeightingNational = "national"
	// WeightingEqual counts every ALS's vote 1.
	WeightingEqual = "equal"
)

// VoterALS is what the electorate needs to know of an ALS from the registry.
// Inactive is the participation rule's verdict (SPEC §5): an inactive ALS
// keeps its accreditation but has no vote and does not count toward the
// quorum.
type VoterALS struct {
	ID       string
	Country  string
	Status   string
	Inactive bool
}

// Proxy records that staff were told, before voting opened, that the ALS From
// votes through the ALS To (SPEC §3 "Electorate"): To's representative casts
// From's ballot, which still carries From's ID and From's weight.
type Proxy struct {
	From string
	To   string
}

// ProxyError says why a proxy cannot stand. The electorate is refused as a
// whole while one proxy is wrong, because a silently dropped proxy would
// silently disenfranchise the ALS that gave it.
type ProxyError struct {
	Proxy  Proxy
	Reason string
}

// Error names the proxy as "proxy FROM -> TO" and says what is wrong.
func (e *ProxyError) Error() string {
	return fmt.Sprintf("proxy %s -> %s: %s", e.Proxy.From, e.Proxy.To, e.Reason)
}

// RollEntry is one voting ALS on the electoral roll. Weight is exact: a
// national weight such as 100/9 has no finite decimal form, and rounding
// before summing could change who wins. It is nil until [NationalWeights]
// sets it. ProxyFor is set on the entry of an ALS that gave its vote by
// proxy and names the holder, the ALS whose representative casts it; it
// is published as the results' `proxy_for`.
type RollEntry struct {
	ALSID    string
	Country  string
	Weight   *big.Rat
	ProxyFor *string
}

// WeightFloat is the entry's weight as the results document's `weight`
// number: the nearest float64, taken from the exact weight only for display.
func (e RollEntry) WeightFloat() float64 { return WeightFloat(e.Weight) }

// Roll is the electoral roll of one vote: the voting ALSes, sorted by country
// then ALS ID so the published roll reads the same every time.
type Roll struct {
	Entries []RollEntry
}

// Electorate builds the roll from the registry and the proxies staff
// recorded. Per SPEC §3 "Electorate", an ALS votes when it is accredited and
// not inactive, and a proxy is valid only between two voting ALSes, to
// another ALS, with each ALS giving at most one proxy and holding at most
// one, and an ALS that gives its own vote holding none (so chains such as
// A -> B -> C are refused: B cannot pass on a vote it no longer casts).
//
// Every invalid proxy is reported, each as a [*ProxyError] naming it, joined
// with [errors.Join]; a duplicate is reported on its later occurrence. The
// weights are left unset: see [NationalWeights].
func Electorate(alses []VoterALS, proxies []Proxy) (Roll, error) {
	byID := make(map[string]VoterALS, len(alses))
	var errs []error
	for _, a := range alses {
		switch {
		case a.ID == "":
			errs = append(errs, errors.New("electorate: an ALS has no ID"))
			continue
		case byID[a.ID].ID != "":
			errs = append(errs, fmt.Errorf("electorate: ALS %s is listed twice", a.ID))
			continue
		case voting(a) && a.Country == "":
			errs = append(errs, fmt.Errorf("electorate: voting ALS %s has no country", a.ID))
		}
		byID[a.ID] = a
	}

	givers := map[string]string{}  // From -> To of the first proxy From gives
	holders := map[string]string{} // To -> From of the first proxy To holds
	for _, p := range proxies {
		if _, ok := givers[p.From]; !ok {
			givers[p.From] = p.To
		}
		if _, ok := holders[p.To]; !ok {
			holders[p.To] = p.From
		}
	}
	seenFrom, seenTo := map[string]bool{}, map[string]bool{}
	for _, p := range proxies {
		if reason := proxyFault(p, byID, givers, seenFrom, seenTo); reason != "" {
			errs = append(errs, &ProxyError{Proxy: p, Reason: reason})
		}
		seenFrom[p.From], seenTo[p.To] = true, true
	}
	if len(errs) > 0 {
		return Roll{}, errors.Join(errs...)
	}

	var roll Roll
	for _, a := range alses {
		if !voting(a) {
			continue
		}
		e := RollEntry{ALSID: a.ID, Country: a.Country}
		if to, ok := givers[a.ID]; ok {
			e.ProxyFor = &to
		}
		roll.Entries = append(roll.Entries, e)
	}
	slices.SortFunc(roll.Entries, func(a, b RollEntry) int {
		if c := strings.Compare(a.Country, b.Country); c != 0 {
			return c
		}
		return strings.Compare(a.ALSID, b.ALSID)
	})
	return roll, nil
}

func voting(a VoterALS) bool { return a.Status == ALSStatusAccredited && !a.Inactive }

// proxyFault is the first reason p cannot stand, or "". seenFrom and seenTo
// hold the proxies before p, so a duplicate is blamed on its later copy.
func proxyFault(p Proxy, byID map[string]VoterALS, givers map[string]string, seenFrom, seenTo map[string]bool) string {
	if p.From == p.To {
		return fmt.Sprintf("ALS %s cannot hold its own proxy", p.From)
	}
	for _, end := range []struct{ role, id string }{{"giver", p.From}, {"holder", p.To}} {
		if r := notVoting(end.id, byID); r != "" {
			return fmt.Sprintf("the %s %s", end.role, r)
		}
	}
	switch {
	case seenFrom[p.From]:
		return fmt.Sprintf("ALS %s already gave its proxy to %s", p.From, givers[p.From])
	case seenTo[p.To]:
		return fmt.Sprintf("ALS %s already holds a proxy; an ALS holds at most one", p.To)
	}
	if to, gives := givers[p.To]; gives {
		return fmt.Sprintf("the holder %s gives its own vote to %s and cannot hold a proxy", p.To, to)
	}
	return ""
}

func notVoting(id string, byID map[string]VoterALS) string {
	a, ok := byID[id]
	switch {
	case !ok:
		return fmt.Sprintf("ALS %q is not in the registry", id)
	case a.Status != ALSStatusAccredited:
		return fmt.Sprintf("ALS %s is not accredited (status %q)", id, a.Status)
	case a.Inactive:
		return fmt.Sprintf("ALS %s is inactive and has no vote", id)
	}
	return ""
}

// NationalWeights returns a copy of roll with each entry's weight set by the
// weighting in force (SPEC §3 "National weighting", policy
// `election.weighting`):
//
//   - national: CW = 100 / the number of countries with at least one voting
//     ALS; CC = CW / the number of voting ALSes of the country; each ALS's vote
//     counts CC. The weights of the whole roll add up to exactly 100.
//   - equal: each vote counts 1.
//
// Weights are exact rationals (CC = 100 / (countries × ALSes of the
// country)); see [WeightFloat] and [WeightText] to show them. An unknown
// weighting is an error rather than a silent default.
func NationalWeights(roll Roll, weighting string) (Roll, error) {
	out := Roll{Entries: slices.Clone(roll.Entries)}
	for i := range out.Entries {
		if p := out.Entries[i].ProxyFor; p != nil {
			holder := *p
			out.Entries[i].ProxyFor = &holder
		}
	}
	switch weighting {
	case WeightingEqual:
		for i := range out.Entries {
			out.Entries[i].Weight = big.NewRat(1, 1)
		}
	case WeightingNational:
		perCountry := map[string]int64{}
		for _, e := range out.Entries {
			perCountry[e.Country]++
		}
		countries := int64(len(perCountry))
		for i := range out.Entries {
			out.Entries[i].Weight = big.NewRat(100, countries*perCountry[out.Entries[i].Country])
		}
	default:
		return Roll{}, fmt.Errorf("election weighting %q is not %q or %q", weighting, WeightingNational, WeightingEqual)
	}
	return out, nil
}

// Total is the sum of the roll's weights: exactly 100 under national
// weighting (for a non-empty roll), the number of voting ALSes under equal
// weighting. A missing weight counts 0.
func (r Roll) Total() *big.Rat {
	sum := new(big.Rat)
	for _, e := range r.Entries {
		if e.Weight != nil {
			sum.Add(sum, e.Weight)
		}
	}
	return sum
}

// WeightFloat turns an exact weight into the nearest float64 for JSON
// documents. It is applied once, at the end, to an exact sum: adding floats
// would accumulate rounding errors a recount could not reproduce. nil is 0.
func WeightFloat(w *big.Rat) float64 {
	if w == nil {
		return 0
	}
	f, _ := w.Float64()
	return f
}

// WeightText shows an exact weight to two decimals, the last digit rounded
// to nearest with halves away from zero (100/3 is "33.33"), for people
// reading a roll or a tally. nil is "0.00".
func WeightText(w *big.Rat) string {
	if w == nil {
		return "0.00"
	}
	return w.FloatString(2)
}
