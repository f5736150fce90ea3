package domain

import (
	"fmt"
	"time"
)

// How a succession's date was found, as SuccessionAt reports it.
const (
	// SuccessionSittingTermEnd: the sitting holder's term ends then.
	SuccessionSittingTermEnd = "sitting_term_end"
	// SuccessionVacant: nobody holds the position; the elect takes it at
	// once.
	SuccessionVacant = "vacant"
	// SuccessionElectTermEnd: the sitting holder's term has no end on
	// record, so the elect succeeds when their own term as elect ends.
	SuccessionElectTermEnd = "elect_term_end"
)

// SuccessionAt is when a chair-elect or secretary-elect takes the
// position they are elected to succeed to (SPEC §3 "Terms and
// succession": "automatically when the sitting holders' terms end"),
// from the moment they took office as elect (from), the term ends of the
// position's sitting holders (nil: no end on record) and the end of the
// elect's own term (nil: none).
//
//   - A sitting holder with a term end: the latest such end, and never
//     before from (the position is then held until the last sitting term
//     ends).
//   - Nobody sitting: from, the position is vacant.
//   - Sitting holders, none with a term end: the elect's own term end; ok
//     is false when there is none either, and nobody can tell when to
//     succeed (staff must record a term end).
func SuccessionAt(from time.Time, sitting []*time.Time, electTermEnd *time.Time) (at time.Time, basis string, ok bool) {
	if len(sitting) == 0 {
		return from, SuccessionVacant, true
	}
	found := false
	for _, end := range sitting {
		if end != nil && (!found || end.After(at)) {
			at, found = *end, true
		}
	}
	switch {
	case found && at.Before(from):
		return from, SuccessionSittingTermEnd, true
	case found:
		return at, SuccessionSittingTermEnd, true
	case electTermEnd != nil:
		return *electTermEnd, SuccessionElectTermEnd, true
	}
	return time.Time{}, "", false
}

// FillBy is the instant a seat with policy `must_fill_by` (a day of the
// year, MM-DD) must be filled by in a cycle of the given year: the end of
// that day in UTC (so "05-31" is filled in May when it is filled before
// 1 June 00:00 UTC). An empty day gives the zero time and no error.
func FillBy(monthDay string, year int) (time.Time, error) {
	if monthDay == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse("01-02", monthDay)
	if err != nil {
		return time.Time{}, fmt.Errorf("must_fill_by %q is not a day of the year MM-DD", monthDay)
	}
	if d.Month() == time.February && d.Day() == 29 && !isLeap(year) {
		return time.Date(year, time.March, 1, 0, 0, 0, 0, time.UTC), nil
	}
	return time.Date(year, d.Month(), d.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1), nil
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// FillByLate says a seat that must be filled by fillBy cannot be, on its
// calendar (SPEC §3 "NomCom": staff "are alerted when the calendar no
// longer fits before that date"): its planned end, the decision or the
// vote's close, is not before fillBy. No fill-by date is never late.
func FillByLate(fillBy, plannedEnd time.Time) bool {
	return !fillBy.IsZero() && !plannedEnd.Before(fillBy)
}

// FillByOverdueAlert is when the n-th daily alert (from 0) about a seat
// still not filled after fillBy is due: at fillBy, then every day.
func FillByOverdueAlert(fillBy time.Time, n int) time.Time {
	return fillBy.Add(time.Duration(n) * 24 * time.Hour)
}
