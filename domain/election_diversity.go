package domain

import "strings"

// Person2 is one person of a slate or of the elected, as the diversity
// report sees them: country, sub-region, self-declared gender (optional)
// and ALS (empty for an individual member). It is not [Person], the party
// of a conflict check.
type Person2 struct {
	Country   string
	Subregion string
	Gender    string
	ALSID     string
}

// The keys the diversity report counts a missing value under, so that the
// report adds up to the number of people and never has an empty key.
const (
	// DiversityUndisclosed counts those who did not declare a gender: the
	// declaration is optional (SPEC §3 "Diversity report").
	DiversityUndisclosed = "undisclosed"
	// DiversityUnknown counts those whose country or sub-region is not known.
	DiversityUnknown = "unknown"
	// DiversityNoALS counts individual members, who belong to no ALS.
	DiversityNoALS = "none"
)

// DiversityReport counts people by country, sub-region, gender and ALS (SPEC
// §3 "Diversity report"). Each map adds up to the number of people; the maps
// are never nil, so an empty slate reads as {} rather than null.
type DiversityReport struct {
	Countries  map[string]int `json:"countries"`
	Subregions map[string]int `json:"subregions"`
	Genders    map[string]int `json:"genders"`
	ALSes      map[string]int `json:"alses"`
}

// Diversity reports the diversity of a slate or of the elected, which the
// seed agreement asks elections to seek (geography, gender, ALS). Values are
// counted as given, trimmed; an empty gender counts as "undisclosed", an
// empty country or sub-region as "unknown", an empty ALS as "none".
func Diversity(people []Person2) DiversityReport {
	r := DiversityReport{
		Countries:  map[string]int{},
		Subregions: map[string]int{},
		Genders:    map[string]int{},
		ALSes:      map[string]int{},
	}
	for _, p := range people {
		r.Countries[orKey(p.Country, DiversityUnknown)]++
		r.Subregions[orKey(p.Subregion, DiversityUnknown)]++
		r.Genders[orKey(p.Gender, DiversityUndisclosed)]++
		r.ALSes[orKey(p.ALSID, DiversityNoALS)]++
	}
	return r
}

func orKey(s, missing string) string {
	if s = strings.TrimSpace(s); s == "" {
		return missing
	}
	return s
}
