package ethics

import (
	"math"
	"strconv"
	"time"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
)

// Tick fires every deadline that has passed, oldest first, then refreshes
// the derived parts of the state. It never blocks, so update handlers call
// it too.
func (e *complaint) Tick(now time.Time) {
	process.FireDue(now, e.next, nil)
	e.refresh(now)
}

// next is the earliest pending deadline; ties go to the first in pending's
// order, which follows the order of the process.
func (e *complaint) next() (process.Deadline, bool) { return process.Earliest(e.pending()) }

func (e *complaint) pending() []process.Deadline {
	var evs []process.Deadline
	switch e.st.Status {
	case StatusScreening:
		due := e.st.ScreeningDue
		if at := due.Add(-e.periods.ScreeningReminder.D()); !e.st.ScreeningReminded && at.After(e.st.FiledAt) {
			evs = append(evs, process.Deadline{At: at, Name: "screening reminder", Fire: e.remindScreening})
		}
		at := due
		if !e.lastEscalation.IsZero() {
			at = e.lastEscalation.Add(e.periods.ScreeningEscalation.D())
		}
		evs = append(evs, process.Deadline{At: at, Name: "screening escalation", Fire: e.escalateScreening})
	case StatusInvestigation:
		evs = append(evs, process.Deadline{At: e.responseDue, Name: "response period ends", Fire: e.responseElapsed})
	case StatusAppealWindow:
		evs = append(evs, process.Deadline{At: e.appealEnds, Name: "appeal window closes", Fire: e.appealWindowEnds})
	}
	return evs
}

// refresh derives the tally, the quorum flag and the upcoming deadlines.
func (e *complaint) refresh(now time.Time) {
	st := &e.st
	t := e.tally()
	st.Tally = &t
	st.NoQuorum = e.noQuorum
	deadlines := []workflows.Deadline{}
	switch st.Status {
	case StatusScreening:
		deadlines = append(deadlines, workflows.Deadline{Name: "screening", At: st.ScreeningDue})
	case StatusInvestigation:
		if now.Before(e.responseDue) {
			deadlines = append(deadlines, workflows.Deadline{Name: "response", At: e.responseDue})
		}
	case StatusAppealWindow:
		if now.Before(e.appealEnds) {
			deadlines = append(deadlines, workflows.Deadline{Name: "appeal_window", At: e.appealEnds})
		}
	}
	st.Deadlines = deadlines
}

// Deadline events.

// remindScreening reminds staff and the committee before the screening
// deadline; a reminder that comes due only after the deadline (a worker
// down for days) is skipped, since the escalation says more.
func (e *complaint) remindScreening(now time.Time) {
	e.st.ScreeningReminded = true
	due := e.st.ScreeningDue
	if !now.Before(due) {
		return
	}
	e.notify("screening_reminder", "ethics.screening_reminder", e.recipients(false, true, true), map[string]any{
		"due":       due,
		"days_left": int(math.Ceil(due.Sub(now).Hours() / 24)),
	})
}

// escalateScreening tells staff (and the committee) that the complaint is
// past its screening deadline, again every escalation period until it is
// screened; the first escalation is audited.
func (e *complaint) escalateScreening(now time.Time) {
	e.lastEscalation = now
	e.st.ScreeningEscalations++
	step := "screening_overdue/" + strconv.Itoa(e.st.ScreeningEscalations)
	if e.st.ScreeningEscalations == 1 {
		e.auditStaff(system, "ethics.screening_overdue", step, map[string]any{"due": e.st.ScreeningDue})
	}
	e.notify(step, "ethics.screening_overdue", e.recipients(false, true, true), map[string]any{
		"due":         e.st.ScreeningDue,
		"escalations": e.st.ScreeningEscalations,
	})
}

// responseElapsed moves the case to deliberation when the response period
// ends, answered or not.
func (e *complaint) responseElapsed(time.Time) {
	e.toDeliberation(system, "response_period_ended")
}

// appealWindowEnds makes the unappealed decision final.
func (e *complaint) appealWindowEnds(now time.Time) {
	d := *e.st.Decision
	e.close(now, system, &d, d.Kind)
}

// statusAt is the status at now, counting deadlines that have passed but
// that the main loop has not fired yet, so that a validator never refuses
// what its handler (which fires them first) would allow, or the reverse.
func (e *complaint) statusAt(now time.Time) string {
	switch s := e.st.Status; {
	case s == StatusInvestigation && !now.Before(e.responseDue):
		return StatusDeliberation
	case s == StatusAppealWindow && !now.Before(e.appealEnds):
		return StatusClosed
	default:
		return s
	}
}
