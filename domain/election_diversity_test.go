package domain

import (
	"encoding/json"
	"maps"
	"testing"
)

func TestDiversity(t *testing.T) {
	tests := []struct {
		name   string
		people []Person2
		want   DiversityReport
	}{
		{
			name: "empty slate",
			want: DiversityReport{Countries: map[string]int{}, Subregions: map[string]int{}, Genders: map[string]int{}, ALSes: map[string]int{}},
		},
		{
			name: "a slate",
			people: []Person2{
				{Country: "AR", Subregion: "south_america", Gender: "female", ALSID: "als-ar1"},
				{Country: "AR", Subregion: "south_america", Gender: "male", ALSID: "als-ar2"},
				{Country: "JM", Subregion: "caribbean", Gender: "", ALSID: "als-jm1"},
				{Country: "MX", Subregion: "central_america", Gender: "  ", ALSID: "als-ar1"},
				{Country: "", Subregion: "", Gender: "non-binary", ALSID: ""},
			},
			want: DiversityReport{
				Countries:  map[string]int{"AR": 2, "JM": 1, "MX": 1, "unknown": 1},
				Subregions: map[string]int{"south_america": 2, "caribbean": 1, "central_america": 1, "unknown": 1},
				Genders:    map[string]int{"female": 1, "male": 1, "undisclosed": 2, "non-binary": 1},
				ALSes:      map[string]int{"als-ar1": 2, "als-ar2": 1, "als-jm1": 1, "none": 1},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Diversity(tt.people)
			for _, m := range []struct {
				name      string
				got, want map[string]int
			}{
				{"countries", got.Countries, tt.want.Countries},
				{"subregions", got.Subregions, tt.want.Subregions},
				{"genders", got.Genders, tt.want.Genders},
				{"alses", got.ALSes, tt.want.ALSes},
			} {
				if m.got == nil || !maps.Equal(m.got, m.want) {
					t.Errorf("%s = %v, want %v", m.name, m.got, m.want)
				}
				sum := 0
				for _, n := range m.got {
					sum += n
				}
				if sum != len(tt.people) {
					t.Errorf("%s add up to %d, want %d", m.name, sum, len(tt.people))
				}
			}
		})
	}
	b, err := json.Marshal(Diversity(nil))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"countries":{},"subregions":{},"genders":{},"alses":{}}`; string(b) != want {
		t.Errorf("empty report JSON = %s, want %s", b, want)
	}
}
