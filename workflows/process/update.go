package process

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// Ticker is the part of a process an update handler drives: bring the
// state up to now, and wake the main loop after a change.
type Ticker interface {
	Tick(now time.Time)
	Wake()
}

// Process is a Ticker that answers an update with a copy of its state.
type Process[S any] interface {
	Ticker
	Snapshot() S
}

// Validator checks a transition against the state at now; it must not
// change anything. A refused transition never enters the history.
type Validator[T any] func(now time.Time, in T) error

// Option changes how Update handles one transition.
type Option func(*options)

type options struct {
	revalidateFrom string
}

// RevalidateSince makes the handler validate again after bringing the
// state up to now only in executions that reached the version changeID
// of workflow.GetVersion: the process used to apply without validating a
// second time, and its recorded histories must replay as they ran.
func RevalidateSince(changeID string) Option {
	return func(o *options) { o.revalidateFrom = changeID }
}

// Update registers the update name: the validator refuses what the state
// does not allow; the handler brings the state up to now (a deadline may
// have passed in the same workflow task, before the main loop saw its
// timer), validates again (that deadline may have changed the answer),
// applies the transition, settles what follows from it, wakes the main
// loop to run the queued effects, and answers with the state.
func Update[S, T any](ctx workflow.Context, p Process[S], name string, validate Validator[T], apply func(now time.Time, in T), opts ...Option) error {
	o := collect(opts)
	return workflow.SetUpdateHandlerWithOptions(ctx, name,
		func(ctx workflow.Context, in T) (S, error) {
			if err := transition(ctx, p, o, in, validate, func(now time.Time) { apply(now, in) }); err != nil {
				var zero S
				return zero, err
			}
			return p.Snapshot(), nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in T) error {
			return validate(workflow.Now(ctx), in)
		}},
	)
}

// UpdateResult registers an update that answers with what apply returns
// (a version, a comment, a receipt) instead of the whole state.
func UpdateResult[T, R any](ctx workflow.Context, p Ticker, name string, validate Validator[T], apply func(ctx workflow.Context, now time.Time, in T) R, opts ...Option) error {
	o := collect(opts)
	return workflow.SetUpdateHandlerWithOptions(ctx, name,
		func(ctx workflow.Context, in T) (R, error) {
			var out R
			err := transition(ctx, p, o, in, validate, func(now time.Time) { out = apply(ctx, now, in) })
			return out, err
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in T) error {
			return validate(workflow.Now(ctx), in)
		}},
	)
}

func collect(opts []Option) options {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// transition is the body every update handler shares.
func transition[T any](ctx workflow.Context, p Ticker, o options, in T, validate Validator[T], apply func(now time.Time)) error {
	now := workflow.Now(ctx)
	p.Tick(now)
	if o.revalidates(ctx) {
		if err := validate(now, in); err != nil {
			return err
		}
	}
	apply(now)
	p.Tick(now)
	p.Wake()
	return nil
}

func (o options) revalidates(ctx workflow.Context) bool {
	if o.revalidateFrom == "" {
		return true
	}
	return workflow.GetVersion(ctx, o.revalidateFrom, workflow.DefaultVersion, 1) >= 1
}
