package service

import (
	"testing"
	"time"
)

// TestEthicsDecisionUntil checks how a decision's until is read: an
// RFC 3339 time or a date (midnight UTC), anything else a field error.
func TestEthicsDecisionUntil(t *testing.T) {
	for _, tc := range []struct {
		until string
		want  time.Time
		bad   bool
	}{
		{until: ""},
		{until: "2027-05-01", want: time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC)},
		{until: "2027-05-01T12:30:00-03:00", want: time.Date(2027, 5, 1, 15, 30, 0, 0, time.UTC)},
		{until: " 2027-05-01 ", want: time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC)},
		{until: "next week", bad: true},
		{until: "2027-13-01", bad: true},
	} {
		d, err := EthicsDecisionRequest{Kind: "suspension", Until: tc.until}.decision()
		switch {
		case tc.bad:
			e := AsError(err)
			if e == nil || e.Kind != KindInvalid || e.Fields["decision.until"] == "" {
				t.Errorf("%q: want a decision.until field error, got %v", tc.until, err)
			}
		case err != nil:
			t.Errorf("%q: %v", tc.until, err)
		case tc.until == "" && d.Until != nil:
			t.Errorf("%q: until %v, want none", tc.until, d.Until)
		case tc.until != "" && (d.Until == nil || !d.Until.Equal(tc.want) || d.Until.Location() != time.UTC):
			t.Errorf("%q: until %v, want %v", tc.until, d.Until, tc.want)
		}
	}
}
