package activities

import (
	"context"
	"errors"

	"go.temporal.io/sdk/temporal"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/notify"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
)

// CreateMeeting creates a series' occurrence (or finds a one-off meeting
// or an occurrence already created) and returns its invitees with the
// iCalendar invitation, whose UID is the meeting's so that every copy of it
// updates one calendar entry.
func (a *Activities) CreateMeeting(ctx context.Context, in workflows.MeetingOccurrence) (workflows.MeetingCreated, error) {
	var m store.Meeting
	var err error
	if in.MeetingID != "" {
		m, err = a.Store.GetMeeting(ctx, in.MeetingID)
	} else {
		var cancelled bool
		m, cancelled, err = a.Store.EnsureSeriesMeeting(ctx, in.SeriesID, in.StartsAt)
		if err == nil && cancelled {
			return workflows.MeetingCreated{Cancelled: true}, nil
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return workflows.MeetingCreated{}, temporal.NewNonRetryableApplicationError("meeting or series not found", workflows.ErrNotFound, err)
	}
	if err != nil {
		return workflows.MeetingCreated{}, err
	}
	invitees, err := a.Store.MeetingInvitees(ctx, m.Kind, m.StartsAt)
	if err != nil {
		return workflows.MeetingCreated{}, err
	}
	ics := notify.ICS(m.CalendarEvent(a.BaseURL, in.Stamp))
	return workflows.MeetingCreated{
		MeetingID: m.ID, Title: m.Title, StartsAt: m.StartsAt, Location: m.Location, Invitees: invitees,
		Invitation: workflows.Attachment{Filename: "invitation.ics", ContentType: "text/calendar; method=REQUEST", Data: ics},
	}, nil
}

// ListParticipationALS lists the ALSes the inactivity rule applies to and
// the staff told of every change.
func (a *Activities) ListParticipationALS(ctx context.Context, _ workflows.ListParticipationALSInput) (workflows.ParticipationALSList, error) {
	ids, err := a.Store.ParticipationALS(ctx)
	if err != nil {
		return workflows.ParticipationALSList{}, err
	}
	staff, err := a.Store.ListMembers(ctx, store.MemberFilter{Role: store.RoleStaff, Limit: 1000})
	if err != nil {
		return workflows.ParticipationALSList{}, err
	}
	out := workflows.ParticipationALSList{ALSIDs: ids}
	for _, m := range staff {
		out.StaffIDs = append(out.StaffIDs, m.ID)
	}
	return out, nil
}

// EvaluateParticipation applies the inactivity rule to one ALS and stores
// its new standing; a retry at the same time returns the same transitions.
func (a *Activities) EvaluateParticipation(ctx context.Context, in workflows.EvaluateParticipationInput) (workflows.ParticipationEvaluation, error) {
	als, err := a.Store.GetALS(ctx, in.ALSID)
	if errors.Is(err, store.ErrNotFound) {
		return workflows.ParticipationEvaluation{}, temporal.NewNonRetryableApplicationError("no ALS "+in.ALSID, workflows.ErrNotFound, err)
	}
	if err != nil {
		return workflows.ParticipationEvaluation{}, err
	}
	p := domain.Params{MissedCalls: in.Params.MissedCalls, Period: in.Params.Period,
		WarningBefore: in.Params.WarningBefore, RestoreWithin: in.Params.RestoreWithin}
	st, trs, err := a.Store.EvaluateParticipation(ctx, in.ALSID, in.At, p)
	if err != nil {
		return workflows.ParticipationEvaluation{}, err
	}
	out := workflows.ParticipationEvaluation{ALSID: als.ID, ALSName: als.Name, Status: string(st.Status)}
	for _, t := range trs {
		out.Transitions = append(out.Transitions, workflows.ParticipationTransition{From: t.From, To: t.To, At: t.At, Reason: t.Reason})
	}
	if len(out.Transitions) == 0 {
		return out, nil
	}
	reps, err := a.Store.ListMembers(ctx, store.MemberFilter{ALSID: in.ALSID, Role: store.RoleALSRep, Limit: 1000})
	if err != nil {
		return out, err
	}
	for _, m := range reps {
		out.RepIDs = append(out.RepIDs, m.ID)
	}
	return out, nil
}
