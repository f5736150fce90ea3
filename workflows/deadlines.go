package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// deadline is a date in a process and what happens when it passes. fire
// must make the deadline no longer pending at now, or the main loop would
// spin.
type deadline struct {
	at   time.Time
	name string
	fire func(now time.Time)
	// gate, when set, holds the deadline until the main loop has done the
	// work it names (an election's eligibility recheck).
	gate string
}

// earliest is the first of a process's pending deadlines.
func earliest(ds []deadline) (deadline, bool) {
	var best deadline
	found := false
	for _, d := range ds {
		if !found || d.at.Before(best.at) {
			best, found = d, true
		}
	}
	return best, found
}

// deadlineTimer is the one durable timer a process's main loop waits on:
// its next deadline. The timer is replaced only when that deadline moves,
// so a history holds one timer per deadline, not one per wake-up.
type deadlineTimer struct {
	at     time.Time
	future workflow.Future
	cancel workflow.CancelFunc
}

// clock keeps a process's deadlineTimer.
type clock struct {
	timer *deadlineTimer
}

// wait blocks until next (when ok) falls due, something arrives on
// changed (an update changed the state), one of more is ready, or ctx is
// cancelled (an operator's decision must not wait weeks for a deadline).
// It returns at once when next is already due.
func (k *clock) wait(ctx workflow.Context, next deadline, ok bool, changed workflow.ReceiveChannel, more ...func(workflow.Selector)) {
	now := workflow.Now(ctx)
	if ok && !next.at.After(now) {
		return
	}
	if k.timer != nil && (!ok || !k.timer.at.Equal(next.at)) {
		k.timer.cancel()
		k.timer = nil
	}
	if ok && k.timer == nil {
		tctx, cancel := workflow.WithCancel(ctx)
		k.timer = &deadlineTimer{
			at:     next.at,
			future: workflow.NewTimerWithOptions(tctx, next.at.Sub(now), workflow.TimerOptions{Summary: next.name}),
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

// stop cancels the pending timer, when the process ends.
func (k *clock) stop() {
	if k.timer != nil {
		k.timer.cancel()
		k.timer = nil
	}
}
