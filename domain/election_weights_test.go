package domain

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"
)

// rat parses an exact rational such as "100/9"; a typo is a test bug.
func rat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic("bad rational " + s)
	}
	return r
}

func voter(id, country string) VoterALS {
	return VoterALS{ID: id, Country: country, Status: ALSStatusAccredited}
}

// weightedRoll builds a weighted roll without proxies, failing the test on
// any error.
func weightedRoll(t testing.TB, weighting string, alses ...VoterALS) Roll {
	t.Helper()
	roll, err := Electorate(alses, nil)
	if err != nil {
		t.Fatalf("Electorate: %v", err)
	}
	roll, err = NationalWeights(roll, weighting)
	if err != nil {
		t.Fatalf("NationalWeights: %v", err)
	}
	return roll
}

// countries makes n one-ALS countries C00, C01, ….
func countries(n int) []VoterALS {
	var out []VoterALS
	for i := range n {
		c := fmt.Sprintf("C%02d", i)
		out = append(out, voter("als-"+c, c))
	}
	return out
}

func TestNationalWeights(t *testing.T) {
	inactive := voter("als-br2", "BR")
	inactive.Inactive = true
	decertified := voter("als-cl9", "CL")
	decertified.Status = "decertified"
	suspended := voter("als-mx9", "MX")
	suspended.Status = "suspended"

	tests := []struct {
		name      string
		alses     []VoterALS
		weighting string
		want      map[string]string // ALS ID -> exact weight
		wantTotal string
	}{
		{
			name:      "one ALS holds the whole weight",
			alses:     []VoterALS{voter("als-ar1", "AR")},
			weighting: WeightingNational,
			want:      map[string]string{"als-ar1": "100"},
			wantTotal: "100",
		},
		{
			name:      "one country with three ALSes splits 100",
			alses:     []VoterALS{voter("als-ar1", "AR"), voter("als-ar2", "AR"), voter("als-ar3", "AR")},
			weighting: WeightingNational,
			want:      map[string]string{"als-ar1": "100/3", "als-ar2": "100/3", "als-ar3": "100/3"},
			wantTotal: "100",
		},
		{
			name: "three countries: CW 100/3, a country with three ALSes gives each 100/9",
			alses: []VoterALS{
				voter("als-ar1", "AR"), voter("als-br1", "BR"),
				voter("als-cl1", "CL"), voter("als-cl2", "CL"), voter("als-cl3", "CL"),
			},
			weighting: WeightingNational,
			want: map[string]string{
				"als-ar1": "100/3", "als-br1": "100/3",
				"als-cl1": "100/9", "als-cl2": "100/9", "als-cl3": "100/9",
			},
			wantTotal: "100",
		},
		{
			name:      "inactive ALS excluded: its country no longer counts in CW",
			alses:     []VoterALS{voter("als-ar1", "AR"), inactive},
			weighting: WeightingNational,
			want:      map[string]string{"als-ar1": "100"},
			wantTotal: "100",
		},
		{
			name:      "inactive ALS excluded: its country's other ALS takes the whole CC",
			alses:     []VoterALS{voter("als-ar1", "AR"), voter("als-br1", "BR"), inactive},
			weighting: WeightingNational,
			want:      map[string]string{"als-ar1": "50", "als-br1": "50"},
			wantTotal: "100",
		},
		{
			name:      "decertified and suspended ALSes excluded",
			alses:     []VoterALS{voter("als-ar1", "AR"), voter("als-cl1", "CL"), decertified, suspended},
			weighting: WeightingNational,
			want:      map[string]string{"als-ar1": "50", "als-cl1": "50"},
			wantTotal: "100",
		},
		{
			name: "equal weighting counts each ALS 1",
			alses: []VoterALS{
				voter("als-ar1", "AR"), voter("als-br1", "BR"),
				voter("als-cl1", "CL"), voter("als-cl2", "CL"), inactive,
			},
			weighting: WeightingEqual,
			want:      map[string]string{"als-ar1": "1", "als-br1": "1", "als-cl1": "1", "als-cl2": "1"},
			wantTotal: "4",
		},
		{
			name:      "empty roll",
			alses:     []VoterALS{inactive, decertified},
			weighting: WeightingNational,
			want:      map[string]string{},
			wantTotal: "0",
		},
	}

	// 32 one-ALS countries: 100/32 each.
	many := countries(32)
	manyWant := map[string]string{}
	for _, a := range many {
		manyWant[a.ID] = "25/8"
	}
	tests = append(tests, struct {
		name      string
		alses     []VoterALS
		weighting string
		want      map[string]string
		wantTotal string
	}{"32 countries with one ALS each", many, WeightingNational, manyWant, "100"})

	// 32 countries, one of them with 4 ALSes: 100/32/4 = 0.78125, the SPEC's
	// example weight.
	mixed := slices.Clone(many)
	mixedWant := map[string]string{}
	for k, v := range manyWant {
		mixedWant[k] = v
	}
	for i := range 3 {
		id := fmt.Sprintf("als-C00-%d", i)
		mixed = append(mixed, voter(id, "C00"))
		mixedWant[id] = "25/32"
	}
	mixedWant["als-C00"] = "25/32"
	tests = append(tests, struct {
		name      string
		alses     []VoterALS
		weighting string
		want      map[string]string
		wantTotal string
	}{"32 countries, one with 4 ALSes", mixed, WeightingNational, mixedWant, "100"})

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			roll := weightedRoll(t, tt.weighting, tt.alses...)
			if len(roll.Entries) != len(tt.want) {
				t.Fatalf("roll has %d entries, want %d: %+v", len(roll.Entries), len(tt.want), roll.Entries)
			}
			for _, e := range roll.Entries {
				want, ok := tt.want[e.ALSID]
				if !ok {
					t.Errorf("unexpected ALS %s on the roll", e.ALSID)
					continue
				}
				if e.Weight.Cmp(rat(want)) != 0 {
					t.Errorf("%s weight = %s, want %s", e.ALSID, e.Weight.RatString(), want)
				}
			}
			if got := roll.Total(); got.Cmp(rat(tt.wantTotal)) != 0 {
				t.Errorf("total = %s, want exactly %s", got.RatString(), tt.wantTotal)
			}
			if !slices.IsSortedFunc(roll.Entries, func(a, b RollEntry) int {
				if c := strings.Compare(a.Country, b.Country); c != 0 {
					return c
				}
				return strings.Compare(a.ALSID, b.ALSID)
			}) {
				t.Errorf("roll not sorted by country then ALS: %+v", roll.Entries)
			}
		})
	}
}

func TestNationalWeightsSumIsExactly100(t *testing.T) {
	// Every split of up to 7 countries with 1 to 7 ALSes each: the national
	// weights add up to exactly 100, with no rounding anywhere.
	for n := 1; n <= 7; n++ {
		var alses []VoterALS
		for c := range n {
			for a := range c + 1 {
				alses = append(alses, voter(fmt.Sprintf("als-%d-%d", c, a), fmt.Sprintf("K%d", c)))
			}
		}
		roll := weightedRoll(t, WeightingNational, alses...)
		if got := roll.Total(); got.Cmp(big.NewRat(100, 1)) != 0 {
			t.Errorf("%d countries: total %s, want exactly 100", n, got.RatString())
		}
	}
}

func TestNationalWeightsUnknownWeighting(t *testing.T) {
	roll, err := Electorate([]VoterALS{voter("als-ar1", "AR")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"", "National", "proportional"} {
		if _, err := NationalWeights(roll, w); err == nil {
			t.Errorf("weighting %q: no error", w)
		}
	}
}

func TestNationalWeightsDoesNotAlias(t *testing.T) {
	roll, err := Electorate([]VoterALS{voter("als-ar1", "AR"), voter("als-ar2", "AR")}, []Proxy{{From: "als-ar1", To: "als-ar2"}})
	if err != nil {
		t.Fatal(err)
	}
	weighted, err := NationalWeights(roll, WeightingEqual)
	if err != nil {
		t.Fatal(err)
	}
	*weighted.Entries[0].ProxyFor = "changed"
	weighted.Entries[1].Country = "changed"
	if *roll.Entries[0].ProxyFor != "als-ar2" || roll.Entries[1].Country != "AR" || roll.Entries[0].Weight != nil {
		t.Errorf("NationalWeights changed its input: %+v", roll.Entries)
	}
}

func TestWeightDisplay(t *testing.T) {
	tests := []struct {
		w     *big.Rat
		text  string
		float float64
	}{
		{nil, "0.00", 0},
		{rat("100/9"), "11.11", 100.0 / 9},
		{rat("100/3"), "33.33", 100.0 / 3},
		{rat("200/3"), "66.67", 200.0 / 3},
		{rat("25/32"), "0.78", 0.78125},
		{rat("1/200"), "0.01", 0.005}, // halves round away from zero
		{rat("225/4"), "56.25", 56.25},
		{rat("100"), "100.00", 100},
	}
	for _, tt := range tests {
		if got := WeightText(tt.w); got != tt.text {
			t.Errorf("WeightText(%v) = %q, want %q", tt.w, got, tt.text)
		}
		if got := WeightFloat(tt.w); got != tt.float {
			t.Errorf("WeightFloat(%v) = %v, want %v", tt.w, got, tt.float)
		}
		if got := (RollEntry{Weight: tt.w}).WeightFloat(); got != tt.float {
			t.Errorf("RollEntry.WeightFloat(%v) = %v, want %v", tt.w, got, tt.float)
		}
	}
}

func TestElectorateProxies(t *testing.T) {
	inactive := voter("als-in", "BR")
	inactive.Inactive = true
	decertified := voter("als-de", "CL")
	decertified.Status = "decertified"
	alses := []VoterALS{
		voter("als-a", "AR"), voter("als-b", "BR"), voter("als-c", "CL"), voter("als-d", "CL"),
		inactive, decertified,
	}

	tests := []struct {
		name     string
		proxies  []Proxy
		wantFor  map[string]string // giver -> holder on the roll
		wantErrs []string          // one per offending proxy, in order
	}{
		{
			name:    "no proxies",
			wantFor: map[string]string{},
		},
		{
			name:    "one valid proxy across countries",
			proxies: []Proxy{{From: "als-a", To: "als-b"}},
			wantFor: map[string]string{"als-a": "als-b"},
		},
		{
			name:    "two disjoint proxies",
			proxies: []Proxy{{From: "als-a", To: "als-b"}, {From: "als-c", To: "als-d"}},
			wantFor: map[string]string{"als-a": "als-b", "als-c": "als-d"},
		},
		{
			name:     "self-proxy",
			proxies:  []Proxy{{From: "als-a", To: "als-a"}},
			wantErrs: []string{"proxy als-a -> als-a: ALS als-a cannot hold its own proxy"},
		},
		{
			name:     "holder holds two proxies: the second is refused",
			proxies:  []Proxy{{From: "als-a", To: "als-c"}, {From: "als-b", To: "als-c"}},
			wantErrs: []string{"proxy als-b -> als-c: ALS als-c already holds a proxy; an ALS holds at most one"},
		},
		{
			name:     "giver gives twice: the second is refused",
			proxies:  []Proxy{{From: "als-a", To: "als-b"}, {From: "als-a", To: "als-c"}},
			wantErrs: []string{"proxy als-a -> als-c: ALS als-a already gave its proxy to als-b"},
		},
		{
			name:     "chain A -> B -> C refused: B gives its own vote",
			proxies:  []Proxy{{From: "als-a", To: "als-b"}, {From: "als-b", To: "als-c"}},
			wantErrs: []string{"proxy als-a -> als-b: the holder als-b gives its own vote to als-c and cannot hold a proxy"},
		},
		{
			name:     "chain listed in the other order",
			proxies:  []Proxy{{From: "als-b", To: "als-c"}, {From: "als-a", To: "als-b"}},
			wantErrs: []string{"proxy als-a -> als-b: the holder als-b gives its own vote to als-c and cannot hold a proxy"},
		},
		{
			name:    "swap A <-> B refused twice",
			proxies: []Proxy{{From: "als-a", To: "als-b"}, {From: "als-b", To: "als-a"}},
			wantErrs: []string{
				"proxy als-a -> als-b: the holder als-b gives its own vote to als-a and cannot hold a proxy",
				"proxy als-b -> als-a: the holder als-a gives its own vote to als-b and cannot hold a proxy",
			},
		},
		{
			name:     "inactive holder",
			proxies:  []Proxy{{From: "als-a", To: "als-in"}},
			wantErrs: []string{"proxy als-a -> als-in: the holder ALS als-in is inactive and has no vote"},
		},
		{
			name:     "inactive giver",
			proxies:  []Proxy{{From: "als-in", To: "als-a"}},
			wantErrs: []string{"proxy als-in -> als-a: the giver ALS als-in is inactive and has no vote"},
		},
		{
			name:     "decertified giver",
			proxies:  []Proxy{{From: "als-de", To: "als-a"}},
			wantErrs: []string{`proxy als-de -> als-a: the giver ALS als-de is not accredited (status "decertified")`},
		},
		{
			name:     "unknown holder",
			proxies:  []Proxy{{From: "als-a", To: "als-zz"}},
			wantErrs: []string{`proxy als-a -> als-zz: the holder ALS "als-zz" is not in the registry`},
		},
		{
			name: "every bad proxy is reported, the good one is not",
			proxies: []Proxy{
				{From: "als-c", To: "als-d"},
				{From: "als-a", To: "als-a"},
				{From: "als-b", To: "als-de"},
			},
			wantErrs: []string{
				"proxy als-a -> als-a: ALS als-a cannot hold its own proxy",
				`proxy als-b -> als-de: the holder ALS als-de is not accredited (status "decertified")`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			roll, err := Electorate(alses, tt.proxies)
			if len(tt.wantErrs) > 0 {
				if err == nil {
					t.Fatalf("no error, want %q", tt.wantErrs)
				}
				var got []string
				for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
					var pe *ProxyError
					if !errors.As(e, &pe) {
						t.Errorf("error %v is not a *ProxyError", e)
					}
					got = append(got, e.Error())
				}
				if !slices.Equal(got, tt.wantErrs) {
					t.Errorf("errors:\n got %q\nwant %q", got, tt.wantErrs)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			ids := make([]string, len(roll.Entries))
			got := map[string]string{}
			for i, e := range roll.Entries {
				ids[i] = e.ALSID
				if e.ProxyFor != nil {
					got[e.ALSID] = *e.ProxyFor
				}
			}
			if want := []string{"als-a", "als-b", "als-c", "als-d"}; !slices.Equal(ids, want) {
				t.Errorf("roll = %v, want %v", ids, want)
			}
			if len(got) != len(tt.wantFor) {
				t.Errorf("proxies on roll = %v, want %v", got, tt.wantFor)
			}
			for k, v := range tt.wantFor {
				if got[k] != v {
					t.Errorf("%s proxy_for = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

func TestElectorateRegistryErrors(t *testing.T) {
	noCountry := voter("als-x", "")
	inactiveNoCountry := voter("als-y", "")
	inactiveNoCountry.Inactive = true
	tests := []struct {
		name  string
		alses []VoterALS
		want  string
	}{
		{"empty ID", []VoterALS{voter("", "AR")}, "an ALS has no ID"},
		{"duplicate ID", []VoterALS{voter("als-a", "AR"), voter("als-a", "BR")}, "ALS als-a is listed twice"},
		{"voting ALS without a country", []VoterALS{noCountry}, "voting ALS als-x has no country"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Electorate(tt.alses, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	if _, err := Electorate([]VoterALS{inactiveNoCountry}, nil); err != nil {
		t.Errorf("a non-voting ALS without a country is not on the roll and no error: %v", err)
	}
}
