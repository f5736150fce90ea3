package arbitration

import (
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
)

// Tick fires every deadline that has passed, oldest first, then settles the
// consequences and the status. It never blocks, so update handlers call it
// too.
func (a *arbitration) Tick(now time.Time) {
	process.FireDue(now, a.next, nil)
	a.advance(now)
	a.refresh(now)
}

// next is the earliest pending deadline; ties go to the first in pending's
// order, which follows the order of the process.
func (a *arbitration) next() (process.Deadline, bool) { return process.Earliest(a.pending()) }

func (a *arbitration) pending() []process.Deadline {
	if a.st.Ruling != nil {
		return nil
	}
	var evs []process.Deadline
	if a.st.ArbitratorID != "" && !a.windowClosed {
		evs = append(evs, process.Deadline{At: a.challengeEnds, Name: "challenge window closes", Fire: a.closeChallengeWindow})
	}
	if !a.submissionsEnd.IsZero() && !a.submissionsClosed {
		evs = append(evs, process.Deadline{At: a.submissionsEnd, Name: "submissions close", Fire: a.closeSubmissions})
	}
	if h := a.st.Hearing; h != nil && !a.held && !a.challengePending() {
		evs = append(evs, process.Deadline{At: h.StartsAt, Name: "hearing starts", Fire: a.holdHearing})
	}
	if a.st.DueAt != nil {
		due := *a.st.DueAt
		for _, r := range a.periods.Reminders {
			at := due.Add(-r.D())
			if a.reminderDone[a.reminderStep(r)] || at.Before(a.remindersFrom) {
				continue
			}
			evs = append(evs, process.Deadline{At: at, Name: "ruling reminder " + process.Label(r.D()), Fire: a.remind})
		}
		at := due
		if !a.lastOverdue.IsZero() && !a.lastOverdue.Before(due) {
			at = a.lastOverdue.Add(a.periods.OverdueAlertEvery.D())
		}
		evs = append(evs, process.Deadline{At: at, Name: "ruling overdue alert", Fire: a.alertOverdue})
	}
	return evs
}

// advance opens the submissions once nothing stands in the way: the
// challenge window has passed, the arbitrator confirmed and no challenge
// waits.
func (a *arbitration) advance(now time.Time) {
	if a.st.Ruling != nil || !a.submissionsEnd.IsZero() || a.st.ArbitratorID == "" ||
		!a.st.Confirmed || !a.windowClosed || a.challengePending() {
		return
	}
	a.submissionsEnd = now.Add(a.periods.Submissions.D())
	a.audit(system, "arbitration.submissions_opened", "submissions/opened", map[string]any{
		"until": a.submissionsEnd,
	})
}

// refresh derives the status and the upcoming deadlines from the state.
func (a *arbitration) refresh(now time.Time) {
	st := &a.st
	switch {
	case st.Ruling != nil:
		st.Status = StatusRuled
	case st.ArbitratorID == "":
		st.Status = StatusFiled
	case a.challengePending():
		st.Status = StatusChallenged
	case st.DueAt != nil && !now.Before(*st.DueAt):
		st.Status = StatusOverdue
	case st.DueAt != nil:
		st.Status = StatusRulingDue
	case st.Hearing != nil:
		st.Status = StatusHearingScheduled
	case !a.submissionsEnd.IsZero():
		st.Status = StatusSubmissions
	default:
		st.Status = StatusAssigned
	}

	deadlines := []workflows.Deadline{}
	if st.Ruling == nil {
		if st.ArbitratorID != "" && now.Before(a.challengeEnds) {
			deadlines = append(deadlines, workflows.Deadline{Name: "challenge_window", At: a.challengeEnds})
		}
		if !a.submissionsEnd.IsZero() && now.Before(a.submissionsEnd) {
			deadlines = append(deadlines, workflows.Deadline{Name: "submissions", At: a.submissionsEnd})
		}
		if st.Hearing != nil && !a.held {
			deadlines = append(deadlines, workflows.Deadline{Name: "hearing", At: st.Hearing.StartsAt})
		}
		if st.DueAt != nil {
			deadlines = append(deadlines, workflows.Deadline{Name: "ruling", At: *st.DueAt})
		}
	}
	slices.SortStableFunc(deadlines, func(x, y workflows.Deadline) int { return x.At.Compare(y.At) })
	st.Deadlines = deadlines
}

// Deadline events.

func (a *arbitration) closeChallengeWindow(time.Time) {
	a.windowClosed = true
}

func (a *arbitration) closeSubmissions(time.Time) {
	a.submissionsClosed = true
	a.audit(system, "arbitration.submissions_closed", "submissions/closed", map[string]any{
		"submissions": len(a.st.Submissions),
	})
}

func (a *arbitration) holdHearing(time.Time) {
	a.held = true
	due := a.st.Hearing.StartsAt.Add(a.periods.RulingDue.D())
	a.st.DueAt = &due
	a.remindersFrom = a.st.Hearing.StartsAt
	a.audit(system, "arbitration.ruling_due", "ruling_due", map[string]any{
		"hearing_started_at": a.st.Hearing.StartsAt,
		"due":                due,
	})
}

// remind sends the latest reminder that has come due. Earlier ones that
// were missed (a worker down for days) are skipped rather than sent late
// all at once, and none is sent once the ruling is overdue: the overdue
// alert says more.
func (a *arbitration) remind(now time.Time) {
	due := *a.st.DueAt
	step := ""
	for _, r := range a.periods.Reminders {
		s := a.reminderStep(r)
		at := due.Add(-r.D())
		if a.reminderDone[s] || at.Before(a.remindersFrom) || at.After(now) {
			continue
		}
		a.reminderDone[s] = true
		step = s
	}
	if step == "" || !now.Before(due) {
		return
	}
	a.st.RemindersSent = append(a.st.RemindersSent, step)
	daysLeft := int(math.Ceil(due.Sub(now).Hours() / 24))
	a.notify(step, "arbitration.ruling_reminder", a.recipients(false, true, false), map[string]any{
		"days_left": daysLeft,
		"due":       due,
	})
}

// alertOverdue alerts staff (and the arbitrator) that the ruling is late;
// the first alert for a deadline is also a change of status, audited.
func (a *arbitration) alertOverdue(now time.Time) {
	due := *a.st.DueAt
	first := a.lastOverdue.IsZero() || a.lastOverdue.Before(due)
	a.lastOverdue = now
	a.st.OverdueAlerts++
	step := "overdue/" + strconv.Itoa(a.st.OverdueAlerts)
	if first {
		a.audit(system, "arbitration.overdue", step, map[string]any{"due": due})
	}
	a.notify(step, "arbitration.ruling_overdue", a.recipients(false, true, true), map[string]any{"due": due})
}

func (a *arbitration) reminderStep(r workflows.Duration) string {
	if a.extended {
		return "reminder/extended/" + process.Label(r.D())
	}
	return "reminder/" + process.Label(r.D())
}
