package meeting

import (
	"slices"
	"strconv"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/workflows"
)

// ParticipationReview applies LACRALO's inactivity rule to every ALS once
// a month (SPEC process 5), durably: a monthly timer, one activity per ALS
// that evaluates and stores, and for every change an audit entry and an
// email to the ALS's representatives and staff. It runs for ever,
// continuing as new every few reviews to keep its history short.
func ParticipationReview(ctx workflow.Context, in ParticipationReviewInput) error {
	if in.Params.MissedCalls <= 0 || in.Params.Period <= 0 || in.Params.WarningBefore <= 0 || in.Params.RestoreWithin <= 0 {
		return temporal.NewNonRetryableApplicationError("participation parameters must be positive", workflows.ErrInvalidInput, nil)
	}
	reviews := in.Reviews
	if reviews <= 0 {
		reviews = 12
	}
	logger := log.With(workflow.GetLogger(ctx), "workflow", ParticipationReviewWorkflowName)
	for i := 0; i < reviews; i++ {
		now := workflow.Now(ctx)
		next := nextReview(now, in.Every)
		if err := workflow.NewTimerWithOptions(ctx, next.Sub(now), workflow.TimerOptions{Summary: "monthly review"}).Get(ctx, nil); err != nil {
			return err
		}
		if err := reviewParticipation(ctx, logger, in.Params, workflow.Now(ctx)); err != nil {
			return err
		}
		if workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			break
		}
	}
	return workflow.NewContinueAsNewError(ctx, ParticipationReviewWorkflowName, in)
}

// nextReview is the time of the review after now.
func nextReview(now time.Time, every time.Duration) time.Time {
	if every > 0 {
		return now.Add(every)
	}
	u := now.UTC()
	return time.Date(u.Year(), u.Month()+1, 1, 0, 0, 0, 0, time.UTC)
}

// reviewParticipation evaluates every ALS at now. An ALS whose evaluation
// fails for good is logged and left for the next review, so one bad row
// cannot stop the others' reviews.
func reviewParticipation(ctx workflow.Context, logger log.Logger, p ParticipationParams, now time.Time) error {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 10, MaximumInterval: 10 * time.Minute},
	})
	var list ParticipationALSList
	if err := workflow.ExecuteActivity(actx, ActivityListParticipationALS, ListParticipationALSInput{At: now}).Get(ctx, &list); err != nil {
		logger.Error("ALSes not listed; review skipped", "error", err)
		return nil
	}
	ids := slices.Clone(list.ALSIDs)
	slices.Sort(ids)
	for _, id := range ids {
		var ev ParticipationEvaluation
		if err := workflow.ExecuteActivity(actx, ActivityEvaluateParticipation, EvaluateParticipationInput{ALSID: id, At: now, Params: p}).Get(ctx, &ev); err != nil {
			logger.Error("participation not evaluated", "als_id", id, "error", err)
			continue
		}
		for i, t := range ev.Transitions {
			participationEffects(ctx, logger, ev, list.StaffIDs, now, i, t, p)
		}
	}
	return nil
}

// participationEffects audits one transition and emails the ALS's
// representatives and staff; both are keyed by the ALS, the review time
// and the transition's position, so a replay writes and sends nothing twice.
func participationEffects(ctx workflow.Context, logger log.Logger, ev ParticipationEvaluation, staff []string,
	now time.Time, i int, t ParticipationTransition, p ParticipationParams) {
	step := "review-" + now.UTC().Format("20060102T150405Z") + "-" + strconv.Itoa(i)
	if _, err := workflows.RecordAudit(ctx, workflows.AuditInput{
		Actor: "system", Process: participationProcess, ObjectID: ev.ALSID, Action: "participation." + t.To,
		Details:  map[string]any{"from": t.From, "to": t.To, "at": t.At, "reason": t.Reason},
		Audience: "public", IdemKey: ParticipationReviewWorkflowID + "/" + ev.ALSID + "/" + step,
	}); err != nil {
		logger.Error("audit entry not written", "als_id", ev.ALSID, "error", err)
	}
	event := ""
	data := map[string]any{"als": ev.ALSName, "als_id": ev.ALSID, "reason": t.Reason}
	switch {
	case t.To == participationWarned:
		event = "participation.warning"
		data["due"] = t.At.Add(p.WarningBefore)
	case t.To == participationInactive:
		event = "participation.vote_lost"
	case t.To == participationActive && (t.From == participationWarned || t.From == participationInactive):
		event = "participation.restored"
	case t.To == participationReview:
		// Staff decide the review (POST /api/v1/participation/{als_id}/review):
		// the request goes to them alone. Histories from before this
		// email have no marker and stay as they were.
		if workflow.GetVersion(ctx, "participation-review-email", workflow.DefaultVersion, 1) == workflow.DefaultVersion {
			return
		}
		if len(staff) == 0 {
			return
		}
		if err := workflows.StartNotify(ctx, workflows.NotifyInput{Process: participationProcess, ObjectID: ev.ALSID, Step: step,
			Event: "participation.review", MemberIDs: staff, Data: data}); err != nil {
			logger.Error("notification not started", "als_id", ev.ALSID, "event", "participation.review", "error", err)
		}
		return
	}
	to := slices.Concat(ev.RepIDs, staff)
	slices.Sort(to)
	to = slices.Compact(to)
	if event == "" || len(to) == 0 {
		return
	}
	if err := workflows.StartNotify(ctx, workflows.NotifyInput{Process: participationProcess, ObjectID: ev.ALSID, Step: step,
		Event: event, MemberIDs: to, Data: data}); err != nil {
		logger.Error("notification not started", "als_id", ev.ALSID, "event", event, "error", err)
	}
}
