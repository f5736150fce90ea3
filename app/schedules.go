package app

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/meeting"
)

// standingSchedule is one of the Temporal Schedules every installation
// runs (keeping members informed, SPEC §5).
type standingSchedule struct {
	id     string
	spec   client.ScheduleSpec
	action *client.ScheduleWorkflowAction
	// catchup is how late a missed run still starts (the cluster was down
	// over its time).
	catchup time.Duration
}

// standingSchedules are the monthly digest (the 1st of every month,
// 09:00 UTC) and the quarterly participation report (the 1st of January,
// April, July and October, 06:00 UTC: the quarter just ended).
func standingSchedules() []standingSchedule {
	at := func(hour int, months ...int) client.ScheduleSpec {
		cal := client.ScheduleCalendarSpec{
			Second: []client.ScheduleRange{{Start: 0}}, Minute: []client.ScheduleRange{{Start: 0}},
			Hour: []client.ScheduleRange{{Start: hour}}, DayOfMonth: []client.ScheduleRange{{Start: 1}},
			Month: []client.ScheduleRange{{Start: 1, End: 12}},
		}
		if len(months) > 0 {
			cal.Month = nil
			for _, m := range months {
				cal.Month = append(cal.Month, client.ScheduleRange{Start: m})
			}
		}
		return client.ScheduleSpec{Calendars: []client.ScheduleCalendarSpec{cal}, TimeZoneName: "UTC"}
	}
	return []standingSchedule{
		{id: meeting.DigestScheduleID, spec: at(9), catchup: 48 * time.Hour,
			action: &client.ScheduleWorkflowAction{ID: meeting.DigestScheduleID, Workflow: meeting.DigestWorkflowName,
				Args: []any{meeting.DigestInput{}}, TaskQueue: workflows.TaskQueue}},
		{id: meeting.QuarterlyReportScheduleID, spec: at(6, 1, 4, 7, 10), catchup: 30 * 24 * time.Hour,
			action: &client.ScheduleWorkflowAction{ID: meeting.QuarterlyReportScheduleID, Workflow: meeting.QuarterlyReportWorkflowName,
				Args: []any{meeting.QuarterReportInput{}}, TaskQueue: workflows.TaskQueue}},
	}
}

// EnsureSchedules creates the standing Temporal Schedules, or brings an
// existing one to this version's spec and action: every worker calls it
// at start, the first creates them and the others update them. A
// schedule that exists but cannot be updated (another worker updating it
// at the same instant) is left as it is and logged; only a failure to
// create one that does not exist is an error.
func EnsureSchedules(ctx context.Context, c client.Client, log *slog.Logger) error {
	sc := c.ScheduleClient()
	for _, s := range standingSchedules() {
		_, err := sc.Create(ctx, client.ScheduleOptions{ID: s.id, Spec: s.spec, Action: s.action, CatchupWindow: s.catchup})
		if err == nil {
			log.Info("schedule created", "schedule_id", s.id)
			continue
		}
		if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
			return err
		}
		err = sc.GetHandle(ctx, s.id).Update(ctx, client.ScheduleUpdateOptions{
			DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
				sched := in.Description.Schedule
				spec := s.spec
				sched.Spec, sched.Action = &spec, s.action
				if sched.Policy != nil {
					sched.Policy.CatchupWindow = s.catchup
				}
				return &client.ScheduleUpdate{Schedule: &sched}, nil
			},
		})
		if err != nil {
			log.Warn("existing schedule not updated", "schedule_id", s.id, "err", err)
		}
	}
	return nil
}
