package process

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// Deadline is a date in a process and what happens when it passes. Fire
// must make the deadline no longer pending at now, or the main loop would
// spin.
type Deadline struct {
	At   time.Time
	Name string
	Fire func(now time.Time)
	// Gate, when set, holds the deadline until the main loop has done the
	// work it names (an election's eligibility recheck).
	Gate string
}

// Earliest is the first of a process's pending deadlines; ties go to the
// first in the list, which follows the order of the process.
func Earliest(ds []Deadline) (Deadline, bool) {
	var best Deadline
	found := false
	for _, d := range ds {
		if !found || d.At.Before(best.At) {
			best, found = d, true
		}
	}
	return best, found
}

// timer is the one durable timer a process's main loop waits on: its next
// deadline.
type timer struct {
	at     time.Time
	future workflow.Future
	cancel workflow.CancelFunc
}

// Clock keeps a process's timer. The timer is replaced only when the next
// deadline moves, so a history holds one timer per deadline, not one per
// wake-up.
type Clock struct {
	timer *timer
}

// Wait blocks until next (when ok) falls due, something arrives on
// changed (an update changed the state), one of more is ready, or ctx is
// cancelled (an operator's decision must not wait weeks for a deadline).
// It returns at once when next is already due.
func (k *Clock) Wait(ctx workflow.Context, next Deadline, ok bool, changed workflow.ReceiveChannel, more ...func(workflow.Selector)) {
	now := workflow.Now(ctx)
	if ok && !next.At.After(now) {
		return
	}
	if k.timer != nil && (!ok || !k.timer.at.Equal(next.At)) {
		k.timer.cancel()
		k.timer = nil
	}
	if ok && k.timer == nil {
		tctx, cancel := workflow.WithCancel(ctx)
		k.timer = &timer{
			at:     next.At,
			future: workflow.NewTimerWithOptions(tctx, next.At.Sub(now), workflow.TimerOptions{Summary: next.Name}),
			cancel: cancel,
		}
	}
	sel := workflow.NewSelector(ctx)
	if t := k.timer; t != nil {
		sel.AddFuture(t.future, func(workflow.Future) {
			t.cancel()
			k.timer = nil
		})
	}
	sel.AddReceive(changed, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, nil) })
	for _, add := range more {
		add(sel)
	}
	sel.AddReceive(ctx.Done(), func(workflow.ReceiveChannel, bool) {})
	sel.Select(ctx)
}

// Stop cancels the pending timer, when the process ends.
func (k *Clock) Stop() {
	if k.timer != nil {
		k.timer.cancel()
		k.timer = nil
	}
}
