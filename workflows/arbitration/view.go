package arbitration

import (
	"slices"

	"github.com/lacralo/ralo/workflows/process"
)

// Snapshot copies the state for a query or an update's answer, so that
// the answer says what the state was then even where it is not serialized
// at once (the test environment hands the value over as is).
func (a *arbitration) Snapshot() State {
	st := a.st
	st.Articles = slices.Clone(st.Articles)
	st.Parties = slices.Clone(st.Parties)
	st.Challenges = slices.Clone(st.Challenges)
	st.Submissions = slices.Clone(st.Submissions)
	st.Deadlines = slices.Clone(st.Deadlines)
	st.RemindersSent = slices.Clone(st.RemindersSent)
	st.AppealOf = process.Clone(st.AppealOf)
	st.Hearing = process.Clone(st.Hearing)
	st.DueAt = process.Clone(st.DueAt)
	st.Extension = process.Clone(st.Extension)
	st.Ruling = process.Clone(st.Ruling)
	st.Ombudsman = process.Clone(st.Ombudsman)
	return st
}
