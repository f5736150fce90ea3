package process

import (
	"encoding/json"
	"time"

	"go.temporal.io/sdk/workflow"
)

// Engine is what every process holds: the channel that wakes its main loop
// when an update or a signal changed the state, and the clock of its next
// deadline. Create it with New before registering any handler.
type Engine struct {
	changed workflow.Channel
	Clock   Clock
	// continues caches the version of ContinueAsNewChange once asked;
	// declined: the process could not carry its state, this run goes on.
	continues *bool
	declined  bool
}

// New returns a process's engine.
func New(ctx workflow.Context) *Engine {
	return &Engine{changed: workflow.NewBufferedChannel(ctx, 1)}
}

// Wake tells the main loop that the state changed. It never blocks.
func (e *Engine) Wake() { e.changed.SendAsync(struct{}{}) }

// Changed is the channel Wake sends on, for a process's own selectors.
func (e *Engine) Changed() workflow.ReceiveChannel { return e.changed }

// Wait blocks until the next deadline falls due, the state changes, one
// of more is ready, or ctx is cancelled.
func (e *Engine) Wait(ctx workflow.Context, next Deadline, ok bool, more ...func(workflow.Selector)) {
	e.Clock.Wait(ctx, next, ok, e.changed, more...)
}

// Loop is what a process gives its main loop. Each pass brings the state
// up to now (Tick), does the work that must come before the effects
// (Prepare: an eligibility recheck, freezing a roll), runs the queued
// effects in the process's own order (Flush), and, when nothing is left
// to do, ends (Done) or waits (Wait) for the next deadline or change.
type Loop interface {
	// Tick fires every deadline that has passed and refreshes what derives
	// from the state. It never blocks: update handlers call it too.
	Tick(now time.Time)
	// Prepare does one piece of blocking work that must precede the
	// effects and reports whether it did; the loop then starts again.
	Prepare(ctx workflow.Context, now time.Time) bool
	// Flush runs the queued effects.
	Flush(ctx workflow.Context)
	// Busy reports work queued while Flush ran (an update arrived).
	Busy() bool
	// Done reports that the process is over and its effects are out.
	Done() bool
	// Wait blocks until the next deadline or change (usually Engine.Wait).
	Wait(ctx workflow.Context)
}

// Continuer is a Loop whose run continues as new, carrying its whole
// state, before its history grows past Temporal's limits: when Temporal
// suggests it (history length or size, number of updates) or the history
// holds HistoryBound events. The engine asks after a pass's Flush, with
// every update handler finished; the effects queued since (a stream of
// updates queues some during every Flush) are carried to the next run,
// which runs them first.
type Continuer interface {
	// HistoryBound is the number of history events after which the run
	// continues as new; zero or less: only when Temporal suggests it.
	HistoryBound() int
	// ContinueAsNew is the error that ends the run and starts the next
	// one with the whole state (workflow.NewContinueAsNewError), or nil
	// when the state cannot be carried (it would not fit in a payload):
	// the run then goes on, and the engine does not ask again.
	ContinueAsNew(ctx workflow.Context) error
}

// MaxCarriedBytes bounds the state a process carries to its next run:
// Temporal refuses a payload over 2 MB.
const MaxCarriedBytes = 1_500_000

// ContinueAsNewChange is the workflow.GetVersion change ID under which a
// process continues as new: runs recorded before it never do.
const ContinueAsNewChange = "process-continue-as-new"

// DefaultHistoryBound is the history bound of a process whose input sets
// none: well under Temporal's limit of 51,200 events, above the 4,096 at
// which it suggests continuing as new.
const DefaultHistoryBound = 10_000

// Run is a process's main loop, until Done; then it stops the clock and
// waits for every handler to finish, so that no update is cut short. A
// Continuer continues as new when its history says so.
func (e *Engine) Run(ctx workflow.Context, l Loop) error {
	for {
		now := workflow.Now(ctx)
		l.Tick(now)
		if l.Prepare(ctx, now) {
			continue
		}
		l.Flush(ctx)
		for e.changed.ReceiveAsync(nil) {
		}
		// Asked before Busy: under a stream of updates effects are queued
		// while every Flush runs, and the run must still continue.
		if c, ok := l.(Continuer); ok && !l.Done() && e.shouldContinue(ctx, c) {
			if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
				return err
			}
			if err := c.ContinueAsNew(ctx); err != nil {
				e.Clock.Stop()
				return err
			}
			e.declined = true
		}
		if l.Busy() {
			continue // an update arrived while effects ran
		}
		if l.Done() {
			break
		}
		l.Wait(ctx)
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	e.Clock.Stop()
	return workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
}

// shouldContinue reports that the run must continue as new: Temporal
// suggests it or the history reached the process's bound, and the run is
// of a version that continues (asked once, when first needed, so that
// runs recorded before never do).
func (e *Engine) shouldContinue(ctx workflow.Context, c Continuer) bool {
	if e.declined {
		return false
	}
	info := workflow.GetInfo(ctx)
	bound := c.HistoryBound()
	if !info.GetContinueAsNewSuggested() && (bound <= 0 || info.GetCurrentHistoryLength() < bound) {
		return false
	}
	if e.continues == nil {
		v := workflow.GetVersion(ctx, ContinueAsNewChange, workflow.DefaultVersion, 1) >= 1
		e.continues = &v
	}
	return *e.continues
}

// HistoryBound is bound, or DefaultHistoryBound when bound is zero.
func HistoryBound(bound int) int {
	if bound == 0 {
		return DefaultHistoryBound
	}
	return bound
}

// FireDue fires, oldest first, every deadline that next returns as due at
// now, stopping at one whose gate is not open yet. next is called again
// after each fire, since a fired deadline changes what is pending.
func FireDue(now time.Time, next func() (Deadline, bool), open func(gate string) bool) {
	for {
		d, ok := next()
		if !ok || d.At.After(now) {
			return
		}
		if d.Gate != "" && (open == nil || !open(d.Gate)) {
			return
		}
		d.Fire(now)
	}
}

// Fits says whether v, encoded as the SDK encodes it, stays under
// MaxCarriedBytes: a state that does not cannot be carried to a new run.
func Fits(v any) bool {
	b, err := json.Marshal(v)
	return err == nil && len(b) <= MaxCarriedBytes
}
