package domain

import "time"

// ConsecutiveMissedCalls is how many of the monthly calls held before now
// the ALS whose activities are acts missed in a row, most recent first:
// the count the inactivity rule compares with Params.MissedCalls, exported
// so that the published indicators show the same number the rule uses.
func ConsecutiveMissedCalls(now time.Time, calls []MonthlyCall, acts []Activity) int {
	return consecutiveMissedCalls(now, calls, acts)
}
