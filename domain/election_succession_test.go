package domain

import (
	"testing"
	"time"
)

func TestSuccessionAt(t *testing.T) {
	from := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	at := func(y int) *time.Time { v := time.Date(y, 6, 1, 0, 0, 0, 0, time.UTC); return &v }
	tests := []struct {
		name    string
		sitting []*time.Time
		elect   *time.Time
		want    time.Time
		basis   string
		ok      bool
	}{
		{name: "the sitting chair's term ends in two years", sitting: []*time.Time{at(2028)}, elect: at(2028), want: *at(2028), basis: SuccessionSittingTermEnd, ok: true},
		{name: "the sitting term ends before the elect's", sitting: []*time.Time{at(2027)}, elect: at(2028), want: *at(2027), basis: SuccessionSittingTermEnd, ok: true},
		{name: "two sitting holders: the later end", sitting: []*time.Time{at(2027), nil, at(2028)}, want: *at(2028), basis: SuccessionSittingTermEnd, ok: true},
		{name: "a sitting term already ended: at once", sitting: []*time.Time{at(2025)}, want: from, basis: SuccessionSittingTermEnd, ok: true},
		{name: "vacant: at once", elect: at(2028), want: from, basis: SuccessionVacant, ok: true},
		{name: "sitting without an end: the elect's term end", sitting: []*time.Time{nil}, elect: at(2028), want: *at(2028), basis: SuccessionElectTermEnd, ok: true},
		{name: "nobody can tell", sitting: []*time.Time{nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, basis, ok := SuccessionAt(from, tt.sitting, tt.elect)
			if !got.Equal(tt.want) || basis != tt.basis || ok != tt.ok {
				t.Errorf("SuccessionAt = %v %q %v, want %v %q %v", got, basis, ok, tt.want, tt.basis, tt.ok)
			}
		})
	}
}

func TestFillBy(t *testing.T) {
	tests := []struct {
		day  string
		year int
		want time.Time
		err  bool
	}{
		{day: "05-31", year: 2026, want: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)},
		{day: "12-31", year: 2026, want: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
		{day: "02-29", year: 2028, want: time.Date(2028, 3, 1, 0, 0, 0, 0, time.UTC)},
		{day: "02-29", year: 2027, want: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)},
		{day: "", year: 2026},
		{day: "May", year: 2026, err: true},
	}
	for _, tt := range tests {
		got, err := FillBy(tt.day, tt.year)
		if (err != nil) != tt.err || !got.Equal(tt.want) {
			t.Errorf("FillBy(%q, %d) = %v, %v; want %v (error %v)", tt.day, tt.year, got, err, tt.want, tt.err)
		}
	}
}

func TestFillByLateAndOverdue(t *testing.T) {
	by := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		end  time.Time
		by   time.Time
		late bool
	}{
		{name: "vote closes in May", end: by.Add(-time.Hour), by: by},
		{name: "vote closes on 1 June", end: by, by: by, late: true},
		{name: "vote closes in June", end: by.Add(72 * time.Hour), by: by, late: true},
		{name: "no date", end: by.Add(72 * time.Hour)},
	} {
		if got := FillByLate(tt.by, tt.end); got != tt.late {
			t.Errorf("%s: FillByLate = %v, want %v", tt.name, got, tt.late)
		}
	}
	if got := FillByOverdueAlert(by, 0); !got.Equal(by) {
		t.Errorf("first overdue alert %v, want at the date", got)
	}
	if got := FillByOverdueAlert(by, 3); !got.Equal(by.Add(72 * time.Hour)) {
		t.Errorf("fourth overdue alert %v, want three days later", got)
	}
}
