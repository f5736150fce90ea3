package domain

import (
	"fmt"
	"testing"
	"time"
)

const participationDay = 24 * time.Hour

// participationPolicy is LACRALO's embedded policy: 3 calls, a year, a
// 30-day warning, a year to come back.
var participationPolicy = Params{
	MissedCalls:   3,
	Period:        365 * participationDay,
	WarningBefore: 30 * participationDay,
	RestoreWithin: 365 * participationDay,
}

func participationDate(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// participationCall is the monthly call of month m of year y, held on the
// 1st at 15:00 UTC.
func participationCall(y int, m time.Month) MonthlyCall {
	return MonthlyCall{
		MeetingID: fmt.Sprintf("call-%04d-%02d", y, m),
		At:        time.Date(y, m, 1, 15, 0, 0, 0, time.UTC),
	}
}

// participationSchedule is every monthly call from January 2024 to
// December 2028; the rule must ignore those not yet held.
func participationSchedule() []MonthlyCall {
	var calls []MonthlyCall
	for y := 2024; y <= 2028; y++ {
		for m := time.January; m <= time.December; m++ {
			calls = append(calls, participationCall(y, m))
		}
	}
	return calls
}

func attendedCall(c MonthlyCall) Activity {
	return Activity{ALSID: "als-1", Kind: ActivityMonthlyCall, At: c.At, MeetingID: c.MeetingID}
}

func participated(kind string, at time.Time) Activity {
	return Activity{ALSID: "als-1", Kind: kind, At: at}
}

func participationTimePtr(t time.Time) *time.Time { return &t }

func TestParticipationEvaluate(t *testing.T) {
	schedule := participationSchedule()
	// now for the active cases: mid-January 2026, so the year looked at is
	// [2025-01-15, 2026-01-15) and the last call held is January 1st 2026.
	now := participationDate(2026, 1, 15)
	yearAgo := now.Add(-365 * participationDay)
	lastSeen := attendedCall(participationCall(2024, 12)) // more than a year before now

	warnedAt := now
	warned := ALSParticipation{Status: VotingWarned, Since: warnedAt, WarnedAt: participationTimePtr(warnedAt)}
	warningDue := warnedAt.Add(30 * participationDay)

	inactiveAt := warningDue
	inactive := ALSParticipation{Status: VotingInactive, Since: inactiveAt, WarnedAt: participationTimePtr(warnedAt), InactiveAt: participationTimePtr(inactiveAt)}
	restoreDue := inactiveAt.Add(365 * participationDay)

	type step struct{ from, to VotingStatus }
	tests := []struct {
		name   string
		params *Params // nil means participationPolicy
		now    time.Time
		prev   ALSParticipation
		calls  []MonthlyCall // nil means the whole schedule
		acts   []Activity

		want        VotingStatus
		wantSince   time.Time // zero means prev.Since when no step, else now
		wantWarned  *time.Time
		wantInact   *time.Time
		wantTransit []step
	}{
		// Active ALS: the inactivity condition.
		{
			name: "three missed calls but a comment in the year stays active",
			now:  now, acts: []Activity{lastSeen, participated(ActivityComment, participationDate(2025, 6, 10))},
			want: VotingActive,
		},
		{
			name: "three missed calls but a ballot in the year stays active",
			now:  now, acts: []Activity{lastSeen, participated(ActivityBallot, participationDate(2025, 11, 20))},
			want: VotingActive,
		},
		{
			name: "three missed calls but another meeting in the year stays active",
			now:  now, acts: []Activity{lastSeen, {ALSID: "als-1", Kind: ActivityMeeting, At: participationDate(2025, 3, 3), MeetingID: "mentoring-2025-03"}},
			want: VotingActive,
		},
		{
			name: "three missed calls and nothing for a year is warned",
			now:  now, acts: []Activity{lastSeen},
			want: VotingWarned, wantWarned: participationTimePtr(now), wantTransit: []step{{VotingActive, VotingWarned}},
		},
		{
			name: "never took part is warned",
			now:  now,
			want: VotingWarned, wantWarned: participationTimePtr(now), wantTransit: []step{{VotingActive, VotingWarned}},
		},
		{
			name: "attended the last call stays active",
			now:  now, acts: []Activity{attendedCall(participationCall(2026, 1))},
			want: VotingActive,
		},
		{
			name:   "only two missed calls and nothing over a short period stays active",
			params: &Params{MissedCalls: 3, Period: 60 * participationDay, WarningBefore: 30 * participationDay, RestoreWithin: 365 * participationDay},
			now:    now, acts: []Activity{attendedCall(participationCall(2025, 11))},
			want: VotingActive,
		},
		{
			name:   "three missed calls and nothing over a short period is warned",
			params: &Params{MissedCalls: 3, Period: 60 * participationDay, WarningBefore: 30 * participationDay, RestoreWithin: 365 * participationDay},
			now:    now, acts: []Activity{attendedCall(participationCall(2025, 10))},
			want: VotingWarned, wantWarned: participationTimePtr(now), wantTransit: []step{{VotingActive, VotingWarned}},
		},
		{
			name: "only two missed calls after a pause in the calls stays active",
			now:  now,
			calls: []MonthlyCall{
				participationCall(2024, 11), participationCall(2025, 12), participationCall(2026, 1),
			},
			acts: []Activity{attendedCall(participationCall(2024, 11))},
			want: VotingActive,
		},
		{
			name:  "fewer than three calls ever held stays active",
			now:   now,
			calls: []MonthlyCall{participationCall(2025, 12), participationCall(2026, 1)},
			want:  VotingActive,
		},
		{
			name:  "no call ever held stays active",
			now:   now,
			calls: []MonthlyCall{},
			want:  VotingActive,
		},
		{
			name: "a call listed twice counts once",
			now:  now,
			calls: []MonthlyCall{
				participationCall(2025, 12), participationCall(2026, 1), participationCall(2025, 12),
			},
			want: VotingActive,
		},
		{
			name: "a call held exactly now has not been missed yet",
			now:  now,
			calls: []MonthlyCall{
				participationCall(2025, 11), participationCall(2025, 12), {MeetingID: "call-now", At: now},
			},
			want: VotingActive,
		},
		{
			name: "a call held just before now has been missed",
			now:  now,
			calls: []MonthlyCall{
				participationCall(2025, 11), participationCall(2025, 12), {MeetingID: "call-now", At: now.Add(-time.Nanosecond)},
			},
			want: VotingWarned, wantWarned: participationTimePtr(now), wantTransit: []step{{VotingActive, VotingWarned}},
		},
		{
			name: "activity exactly a period before now counts",
			now:  now, acts: []Activity{participated(ActivityDraft, yearAgo)},
			want: VotingActive,
		},
		{
			name: "activity just before the period does not count",
			now:  now, acts: []Activity{participated(ActivityDraft, yearAgo.Add(-time.Nanosecond))},
			want: VotingWarned, wantWarned: participationTimePtr(now), wantTransit: []step{{VotingActive, VotingWarned}},
		},
		{
			name: "activity exactly now has not happened yet",
			now:  now, acts: []Activity{participated(ActivityComment, now)},
			want: VotingWarned, wantWarned: participationTimePtr(now), wantTransit: []step{{VotingActive, VotingWarned}},
		},
		{
			name: "attendance without a meeting ID still counts as participation",
			now:  now, acts: []Activity{{ALSID: "als-1", Kind: ActivityMonthlyCall, At: participationDate(2025, 12, 1)}},
			want: VotingActive,
		},
		{
			name: "the zero standing is active",
			now:  now, prev: ALSParticipation{}, acts: []Activity{attendedCall(participationCall(2026, 1))},
			want: VotingActive,
		},

		// Warned ALS: encouragement first.
		{
			name: "warned then attends a call returns to active",
			now:  participationDate(2026, 2, 5), prev: warned,
			acts: []Activity{lastSeen, attendedCall(participationCall(2026, 2))},
			want: VotingActive, wantTransit: []step{{VotingWarned, VotingActive}},
		},
		{
			name: "warned then comments returns to active",
			now:  participationDate(2026, 2, 5), prev: warned,
			acts: []Activity{lastSeen, participated(ActivityComment, participationDate(2026, 1, 20))},
			want: VotingActive, wantTransit: []step{{VotingWarned, VotingActive}},
		},
		{
			name: "warned and taking part exactly when warned returns to active",
			now:  participationDate(2026, 2, 5), prev: warned,
			acts: []Activity{lastSeen, participated(ActivityOther, warnedAt)},
			want: VotingActive, wantTransit: []step{{VotingWarned, VotingActive}},
		},
		{
			name: "warned and silent just before the warning period ends stays warned",
			now:  warningDue.Add(-time.Nanosecond), prev: warned, acts: []Activity{lastSeen},
			want: VotingWarned, wantSince: warnedAt, wantWarned: participationTimePtr(warnedAt),
		},
		{
			name: "warned and silent for the warning period becomes inactive",
			now:  warningDue, prev: warned, acts: []Activity{lastSeen},
			want: VotingInactive, wantWarned: participationTimePtr(warnedAt), wantInact: participationTimePtr(warningDue),
			wantTransit: []step{{VotingWarned, VotingInactive}},
		},
		{
			name: "warned and evaluated late becomes inactive now, not retroactively",
			now:  warningDue.Add(10 * participationDay), prev: warned, acts: []Activity{lastSeen},
			want: VotingInactive, wantWarned: participationTimePtr(warnedAt), wantInact: participationTimePtr(warningDue.Add(10 * participationDay)),
			wantTransit: []step{{VotingWarned, VotingInactive}},
		},
		{
			name: "warned without WarnedAt counts from Since",
			now:  warningDue, prev: ALSParticipation{Status: VotingWarned, Since: warnedAt}, acts: []Activity{lastSeen},
			want: VotingInactive, wantWarned: participationTimePtr(warnedAt), wantInact: participationTimePtr(warningDue),
			wantTransit: []step{{VotingWarned, VotingInactive}},
		},
		{
			name: "warned but participation from before the warning recorded late returns to active",
			now:  warningDue, prev: warned,
			acts: []Activity{lastSeen, participated(ActivityComment, participationDate(2025, 6, 1))},
			want: VotingActive, wantTransit: []step{{VotingWarned, VotingActive}},
		},
		{
			name: "warned long ago, came back once, then silent a year again is warned again",
			now:  warnedAt.Add(400 * participationDay), prev: warned,
			acts: []Activity{lastSeen, participated(ActivityComment, warnedAt.Add(participationDay))},
			want: VotingWarned, wantWarned: participationTimePtr(warnedAt.Add(400 * participationDay)),
			wantTransit: []step{{VotingWarned, VotingActive}, {VotingActive, VotingWarned}},
		},

		// Inactive ALS: the vote comes back with participation.
		{
			name: "inactive then attends a call returns to active",
			now:  participationDate(2026, 3, 5), prev: inactive,
			acts: []Activity{lastSeen, attendedCall(participationCall(2026, 3))},
			want: VotingActive, wantTransit: []step{{VotingInactive, VotingActive}},
		},
		{
			name: "inactive and casting a ballot exactly when made inactive returns to active",
			now:  participationDate(2026, 3, 5), prev: inactive,
			acts: []Activity{lastSeen, participated(ActivityBallot, inactiveAt)},
			want: VotingActive, wantTransit: []step{{VotingInactive, VotingActive}},
		},
		{
			name: "inactive and silent just before the year ends stays inactive",
			now:  restoreDue.Add(-time.Nanosecond), prev: inactive, acts: []Activity{lastSeen},
			want: VotingInactive, wantSince: inactiveAt, wantWarned: participationTimePtr(warnedAt), wantInact: participationTimePtr(inactiveAt),
		},
		{
			name: "inactive and silent for a year goes to review",
			now:  restoreDue, prev: inactive, acts: []Activity{lastSeen},
			want: VotingReview, wantWarned: participationTimePtr(warnedAt), wantInact: participationTimePtr(inactiveAt),
			wantTransit: []step{{VotingInactive, VotingReview}},
		},
		{
			name: "inactive and taking part exactly when the year ends goes to review",
			now:  restoreDue.Add(time.Hour), prev: inactive, acts: []Activity{lastSeen, participated(ActivityComment, restoreDue)},
			want: VotingReview, wantWarned: participationTimePtr(warnedAt), wantInact: participationTimePtr(inactiveAt),
			wantTransit: []step{{VotingInactive, VotingReview}},
		},
		{
			name: "inactive and taking part at the last moment, evaluated late, returns to active",
			now:  restoreDue.Add(30 * participationDay), prev: inactive,
			acts: []Activity{lastSeen, participated(ActivityComment, restoreDue.Add(-time.Nanosecond))},
			want: VotingActive, wantTransit: []step{{VotingInactive, VotingActive}},
		},
		{
			name: "inactive without InactiveAt counts from Since",
			now:  restoreDue, prev: ALSParticipation{Status: VotingInactive, Since: inactiveAt}, acts: []Activity{lastSeen},
			want: VotingReview, wantInact: participationTimePtr(inactiveAt),
			wantTransit: []step{{VotingInactive, VotingReview}},
		},

		// Review and unknown statuses are left to staff.
		{
			name: "review stays review even after participation",
			now:  restoreDue.Add(30 * participationDay), prev: ALSParticipation{Status: VotingReview, Since: restoreDue, InactiveAt: participationTimePtr(inactiveAt)},
			acts: []Activity{attendedCall(participationCall(2027, 3))},
			want: VotingReview, wantSince: restoreDue, wantInact: participationTimePtr(inactiveAt),
		},
		{
			name: "an unknown status is left unchanged",
			now:  now, prev: ALSParticipation{Status: "suspended", Since: yearAgo},
			want: "suspended", wantSince: yearAgo,
		},
		{
			name:   "zero grace periods cascade to review and stop",
			params: &Params{MissedCalls: 3, Period: 365 * participationDay},
			now:    now,
			want:   VotingReview, wantWarned: participationTimePtr(now), wantInact: participationTimePtr(now),
			wantTransit: []step{{VotingActive, VotingWarned}, {VotingWarned, VotingInactive}, {VotingInactive, VotingReview}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := participationPolicy
			if tt.params != nil {
				p = *tt.params
			}
			calls := tt.calls
			if calls == nil {
				calls = schedule
			}
			got, transitions := Evaluate(tt.now, p, tt.prev, calls, tt.acts)

			if got.Status != tt.want {
				t.Errorf("status = %q, want %q (transitions %+v)", got.Status, tt.want, transitions)
			}
			wantSince := tt.wantSince
			if wantSince.IsZero() {
				wantSince = tt.prev.Since
				if len(tt.wantTransit) > 0 {
					wantSince = tt.now
				}
			}
			if !got.Since.Equal(wantSince) {
				t.Errorf("since = %v, want %v", got.Since, wantSince)
			}
			checkParticipationTime(t, "WarnedAt", got.WarnedAt, tt.wantWarned)
			checkParticipationTime(t, "InactiveAt", got.InactiveAt, tt.wantInact)

			if len(transitions) != len(tt.wantTransit) {
				t.Fatalf("transitions = %+v, want %v", transitions, tt.wantTransit)
			}
			for i, tr := range transitions {
				if tr.From != tt.wantTransit[i].from || tr.To != tt.wantTransit[i].to {
					t.Errorf("transition %d = %s→%s, want %s→%s", i, tr.From, tr.To, tt.wantTransit[i].from, tt.wantTransit[i].to)
				}
				if !tr.At.Equal(tt.now) {
					t.Errorf("transition %d at %v, want now %v", i, tr.At, tt.now)
				}
				if tr.Reason == "" {
					t.Errorf("transition %d has no reason", i)
				}
			}
		})
	}
}

func checkParticipationTime(t *testing.T, name string, got, want *time.Time) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s = %v, want %v", name, got, want)
	case !got.Equal(*want):
		t.Errorf("%s = %v, want %v", name, *got, *want)
	}
}

// TestParticipationEvaluateDoesNotAlias checks the returned standing does
// not share its times with prev, so a caller keeping both cannot see one
// change under the other.
func TestParticipationEvaluateDoesNotAlias(t *testing.T) {
	warnedAt := participationDate(2026, 1, 15)
	prev := ALSParticipation{Status: VotingWarned, Since: warnedAt, WarnedAt: participationTimePtr(warnedAt)}
	got, _ := Evaluate(warnedAt.Add(30*participationDay), participationPolicy, prev, participationSchedule(), nil)
	if got.Status != VotingInactive {
		t.Fatalf("status = %q, want inactive", got.Status)
	}
	*got.WarnedAt = time.Time{}
	*got.InactiveAt = time.Time{}
	if !prev.WarnedAt.Equal(warnedAt) {
		t.Errorf("prev.WarnedAt changed to %v", *prev.WarnedAt)
	}
}

// TestInactivitySimulatedYears runs the rule the way the participation
// workflow does, once a day over several years, for an ALS that fades away,
// is warned, loses its vote, comes back with a comment, fades again and
// ends in review.
func TestInactivitySimulatedYears(t *testing.T) {
	schedule := participationSchedule()
	comeback := time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)
	acts := []Activity{
		attendedCall(participationCall(2024, 12)),
		participated(ActivityComment, comeback),
		{ALSID: "als-2", Kind: ActivityComment, At: participationDate(2025, 6, 1)}, // another ALS: filtered out below
	}
	var own []Activity
	for _, a := range acts {
		if a.ALSID == "als-1" {
			own = append(own, a)
		}
	}

	type event struct {
		on       time.Time
		from, to VotingStatus
	}
	want := []event{
		// Last seen at the call of 2024-12-01 15:00: a year later the
		// evaluation of 2025-12-02 00:00 finds nothing in the year.
		{participationDate(2025, 12, 2), VotingActive, VotingWarned},
		{participationDate(2026, 1, 1), VotingWarned, VotingInactive},
		{participationDate(2026, 6, 11), VotingInactive, VotingActive},
		{participationDate(2027, 6, 11), VotingActive, VotingWarned},
		{participationDate(2027, 7, 11), VotingWarned, VotingInactive},
		{participationDate(2028, 7, 10), VotingInactive, VotingReview},
	}

	var state ALSParticipation
	var got []event
	for day := participationDate(2025, 1, 1); day.Before(participationDate(2029, 1, 1)); day = day.AddDate(0, 0, 1) {
		next, transitions := Evaluate(day, participationPolicy, state, schedule, own)
		for _, tr := range transitions {
			got = append(got, event{tr.At, tr.From, tr.To})
		}
		state = next
		if v := VotingALS(state.Status); v != (state.Status == VotingActive || state.Status == VotingWarned) {
			t.Fatalf("%s: VotingALS(%q) = %v", day.Format(time.DateOnly), state.Status, v)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("transitions:\n got %v\nwant %v", got, want)
	}
	for i := range want {
		if !got[i].on.Equal(want[i].on) || got[i].from != want[i].from || got[i].to != want[i].to {
			t.Errorf("transition %d = %s %s→%s, want %s %s→%s", i,
				got[i].on.Format(time.DateOnly), got[i].from, got[i].to,
				want[i].on.Format(time.DateOnly), want[i].from, want[i].to)
		}
	}
}

func TestParticipationVotingALS(t *testing.T) {
	tests := []struct {
		status VotingStatus
		want   bool
	}{
		{VotingActive, true},
		{VotingWarned, true},
		{"", true},
		{VotingInactive, false},
		{VotingReview, false},
		{"suspended", false},
		{"ACTIVE", false},
	}
	for _, tt := range tests {
		if got := VotingALS(tt.status); got != tt.want {
			t.Errorf("VotingALS(%q) = %v, want %v", tt.status, got, tt.want)
		}
	}
}

func TestIndicators(t *testing.T) {
	from := participationDate(2026, 1, 1)
	to := participationDate(2027, 1, 1)
	year := Period{From: from, To: to}
	mid := participationDate(2026, 6, 1)
	other := func(als, kind string, at time.Time, meeting string) Activity {
		return Activity{ALSID: als, Kind: kind, At: at, MeetingID: meeting}
	}

	tests := []struct {
		name string
		acts []Activity
		want Indicator
	}{
		{
			name: "no activity",
			want: Indicator{ALSID: "als-1"},
		},
		{
			name: "one of each kind",
			acts: []Activity{
				other("als-1", ActivityMonthlyCall, mid, "call-2026-06"),
				other("als-1", ActivityMeeting, mid, "mentoring-2026-06"),
				other("als-1", ActivityBallot, mid, ""),
				other("als-1", ActivityComment, mid, ""),
				other("als-1", ActivityDraft, mid, ""),
				other("als-1", ActivityOther, mid, ""),
			},
			want: Indicator{ALSID: "als-1", MeetingsAttended: 2, BallotsCast: 1, Comments: 1, Drafts: 1, Other: 1},
		},
		{
			name: "other ALSes are not counted",
			acts: []Activity{
				other("als-2", ActivityComment, mid, ""),
				other("als-2", ActivityMonthlyCall, mid, "call-2026-06"),
				other("als-1", ActivityComment, mid, ""),
			},
			want: Indicator{ALSID: "als-1", Comments: 1},
		},
		{
			name: "the period includes From and excludes To",
			acts: []Activity{
				other("als-1", ActivityComment, from, ""),
				other("als-1", ActivityComment, from.Add(-time.Nanosecond), ""),
				other("als-1", ActivityComment, to.Add(-time.Nanosecond), ""),
				other("als-1", ActivityComment, to, ""),
			},
			want: Indicator{ALSID: "als-1", Comments: 2},
		},
		{
			name: "two delegates at the same meeting count once",
			acts: []Activity{
				other("als-1", ActivityMonthlyCall, mid, "call-2026-06"),
				other("als-1", ActivityMonthlyCall, mid, "call-2026-06"),
				other("als-1", ActivityMeeting, mid, "wg-1"),
				other("als-1", ActivityMeeting, mid, "wg-1"),
				other("als-1", ActivityMonthlyCall, mid.AddDate(0, 1, 0), "call-2026-07"),
			},
			want: Indicator{ALSID: "als-1", MeetingsAttended: 3},
		},
		{
			name: "attendance without a meeting ID counts each time",
			acts: []Activity{
				other("als-1", ActivityMeeting, mid, ""),
				other("als-1", ActivityMeeting, mid, ""),
			},
			want: Indicator{ALSID: "als-1", MeetingsAttended: 2},
		},
		{
			name: "ballots and comments are counted each",
			acts: []Activity{
				other("als-1", ActivityBallot, mid, ""),
				other("als-1", ActivityBallot, mid.AddDate(0, 2, 0), ""),
				other("als-1", ActivityComment, mid, ""),
				other("als-1", ActivityComment, mid, ""),
				other("als-1", ActivityDraft, mid, ""),
			},
			want: Indicator{ALSID: "als-1", BallotsCast: 2, Comments: 2, Drafts: 1},
		},
		{
			name: "an unknown kind counts as other",
			acts: []Activity{other("als-1", "survey_answer", mid, "")},
			want: Indicator{ALSID: "als-1", Other: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Indicators("als-1", year, tt.acts); got != tt.want {
				t.Errorf("Indicators = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParticipationPeriodContains(t *testing.T) {
	p := Period{From: participationDate(2026, 1, 1), To: participationDate(2026, 2, 1)}
	tests := []struct {
		at   time.Time
		want bool
	}{
		{p.From, true},
		{p.From.Add(-time.Nanosecond), false},
		{p.To.Add(-time.Nanosecond), true},
		{p.To, false},
		// The same instant in another zone is the same instant.
		{p.From.In(time.FixedZone("UTC-5", -5*3600)), true},
	}
	for _, tt := range tests {
		if got := p.Contains(tt.at); got != tt.want {
			t.Errorf("Contains(%v) = %v, want %v", tt.at, got, tt.want)
		}
	}
}

// TestInactivityCalendarYear: with participation.period calendar_year
// (LACRALO's rule) the same facts as TestInactivitySimulatedYears are
// judged per calendar year: last seen in December 2024, the ALS stays
// active through 2025 and is warned on 1 January 2026, across the year
// boundary, not a rolling year after its last act; its comeback of June
// 2026 keeps it active until the silent year 2027 has ended.
func TestInactivityCalendarYear(t *testing.T) {
	schedule := participationSchedule()
	own := []Activity{
		attendedCall(participationCall(2024, 12)),
		participated(ActivityComment, time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)),
	}
	p := participationPolicy
	p.CalendarYear, p.Period = true, 0
	type event struct {
		on       time.Time
		from, to VotingStatus
	}
	want := []event{
		{participationDate(2026, 1, 1), VotingActive, VotingWarned},
		{participationDate(2026, 1, 31), VotingWarned, VotingInactive},
		{participationDate(2026, 6, 11), VotingInactive, VotingActive},
		{participationDate(2028, 1, 1), VotingActive, VotingWarned},
		{participationDate(2028, 1, 31), VotingWarned, VotingInactive},
	}
	var state ALSParticipation
	var got []event
	for day := participationDate(2025, 1, 1); day.Before(participationDate(2029, 1, 1)); day = day.AddDate(0, 0, 1) {
		next, transitions := Evaluate(day, p, state, schedule, own)
		for _, tr := range transitions {
			got = append(got, event{tr.At, tr.From, tr.To})
		}
		state = next
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("transitions:\n got %v\nwant %v", got, want)
	}
	// The window at a moment of 2026 starts on 1 January 2025.
	if w := p.ParticipationWindow(time.Date(2026, 3, 5, 10, 0, 0, 0, time.FixedZone("ART", -3*3600))); !w.From.Equal(participationDate(2025, 1, 1)) {
		t.Errorf("window from %s", w.From)
	}
}
