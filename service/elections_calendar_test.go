package service

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestCalendarDefaultsAndOrder(t *testing.T) {
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	at := func(h int) *time.Time { v := now.Add(time.Duration(h) * time.Hour); return &v }
	day := func(h int) string { return now.Add(time.Duration(h) * time.Hour).Format(time.RFC3339) }
	for _, tc := range []struct {
		name string
		req  ElectionCalendar
		// want maps each field refused to the start of its message.
		want map[string]string
	}{
		{name: "every default in order", req: ElectionCalendar{NominationsClose: at(1), VotingClose: at(100)}},
		{name: "defaulted objections_close after the voting_open given",
			req: ElectionCalendar{NominationsClose: at(1), VotingOpen: at(2), VotingClose: at(100)},
			want: map[string]string{"calendar.objections_close": "objections_close was not given and defaulted to acceptance_close + 2d = " +
				day(49) + ", which is after voting_open (" + day(2) + ")"}},
		{name: "defaulted voting_open after voting_close",
			req: ElectionCalendar{NominationsClose: at(1), ObjectionsClose: at(10), VotingClose: at(5)},
			want: map[string]string{"calendar.voting_open": "voting_open was not given and defaulted to objections_close = " + day(10) +
				", which is after voting_close (" + day(5) + ")"}},
		{name: "given dates out of order",
			req: ElectionCalendar{NominationsClose: at(3), AcceptanceClose: at(2), ObjectionsClose: at(4), VotingOpen: at(5), VotingClose: at(5)},
			want: map[string]string{
				"calendar.acceptance_close": "acceptance_close is " + day(2) + ", which is before nominations_close (" + day(3) + ")",
				"calendar.voting_close":     "voting_close is " + day(5) + ", which is the same as voting_open (" + day(5) + ")"}},
		{name: "past and missing", req: ElectionCalendar{NominationsClose: at(-1)},
			want: map[string]string{"calendar.nominations_close": "is required and must be in the future", "calendar.voting_close": "is required"}},
		{name: "term before the vote ends", req: ElectionCalendar{NominationsClose: at(1), VotingClose: at(100), TermStart: at(99)},
			want: map[string]string{"calendar.term_start": "must not be before voting_close"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, fields, _ := calendar(tc.req, 48*time.Hour, now)
			if len(fields) != len(tc.want) {
				t.Fatalf("fields %v, want %v", fields, tc.want)
			}
			for k, w := range tc.want {
				if !strings.HasPrefix(fields[k], w) {
					t.Errorf("%s: %q, want it to start with %q", k, fields[k], w)
				}
			}
		})
	}
}

func TestCalendarReadsDatesOrNamesThem(t *testing.T) {
	var c ElectionCalendar
	if err := json.Unmarshal([]byte(`{"nominations_close":"2027-03-02T00:00:00Z","voting_close":"tuesday","voting_open":null,"nomination_close":"x"}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.NominationsClose == nil || c.VotingOpen != nil || c.VotingClose != nil {
		t.Errorf("read %+v", c)
	}
	_, fields, _ := calendar(c, time.Hour, time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))
	if fields["calendar.voting_close"] != dateForm || fields["calendar.nomination_close"] != "unknown field" || len(fields) != 2 {
		t.Errorf("fields %v", fields)
	}
	var r ExtendElectionRequest
	if err := json.Unmarshal([]byte(`{"phase":"voting","until":"soon","reason":"r"}`), &r); err != nil || !r.untilUnread || r.Phase != "voting" {
		t.Errorf("extend %+v %v", r, err)
	}
}
