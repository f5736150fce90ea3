package activities

import (
	"context"
	"errors"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/notify"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/meeting"
)

// CreateMeeting creates a series' occurrence (or finds a one-off meeting
// or an occurrence already created) and returns its invitees with the
// iCalendar invitation, whose UID is the meeting's so that every copy of it
// updates one calendar entry.
func (a *Activities) CreateMeeting(ctx context.Context, in meeting.Occurrence) (meeting.Created, error) {
	var m store.Meeting
	var err error
	if in.MeetingID != "" {
		m, err = a.Store.GetMeeting(ctx, in.MeetingID)
	} else {
		var cancelled bool
		m, cancelled, err = a.Store.EnsureSeriesMeeting(ctx, in.SeriesID, in.StartsAt)
		if err == nil && cancelled {
			return meeting.Created{Cancelled: true}, nil
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return meeting.Created{}, temporal.NewNonRetryableApplicationError("meeting or series not found", workflows.ErrNotFound, err)
	}
	if err != nil {
		return meeting.Created{}, err
	}
	if m.CancelledAt != nil {
		return meeting.Created{MeetingID: m.ID, StartsAt: m.StartsAt, Cancelled: true}, nil
	}
	invitees, err := a.Store.MeetingInvitees(ctx, m.Kind, m.StartsAt)
	if err != nil {
		return meeting.Created{}, err
	}
	ics := notify.ICS(a.meetingEvent(m, in.Stamp))
	return meeting.Created{
		MeetingID: m.ID, Title: m.Title, StartsAt: m.StartsAt, Location: m.Location, Invitees: invitees,
		Invitation: workflows.Attachment{Filename: "invitation.ics", ContentType: "text/calendar; method=REQUEST", Data: ics},
	}, nil
}

// meetingEvent is a meeting's invitation or cancellation. iTIP (RFC 5546)
// wants an ORGANIZER on both, and calendars apply a CANCEL only from the
// organizer of the event: the sender of the emails. Attendees are not
// listed, since invitees must not learn each other's addresses.
func (a *Activities) meetingEvent(m store.Meeting, stamp time.Time) notify.Event {
	ev := m.CalendarEvent(a.meetingLink(m.ID), stamp)
	ev.Organizer = a.From
	return ev
}

// CancelledMeeting returns a cancelled meeting with the iCalendar CANCEL
// of its invitation and whom to send it to: everyone its invitation was
// written for, and everyone it would invite now (an invitation may still
// have been on its way when the meeting was cancelled). A meeting not
// cancelled comes back with Cancelled false and nobody to tell.
func (a *Activities) CancelledMeeting(ctx context.Context, in meeting.Occurrence) (meeting.Created, error) {
	m, err := a.Store.GetMeeting(ctx, in.MeetingID)
	if errors.Is(err, store.ErrNotFound) {
		return meeting.Created{}, temporal.NewNonRetryableApplicationError("meeting not found", workflows.ErrNotFound, err)
	}
	if err != nil {
		return meeting.Created{}, err
	}
	out := meeting.Created{MeetingID: m.ID, Title: m.Title, StartsAt: m.StartsAt, Location: m.Location}
	if m.CancelledAt == nil {
		return out, nil
	}
	invited, err := a.Store.InvitedTo(ctx, m.ID)
	if err != nil {
		return out, err
	}
	now, err := a.Store.MeetingInvitees(ctx, m.Kind, m.StartsAt)
	if err != nil {
		return out, err
	}
	out.Invitees = slices.Compact(slices.Sorted(slices.Values(slices.Concat(invited, now))))
	out.Cancelled = true
	out.Invitation = workflows.Attachment{Filename: "cancellation.ics", ContentType: "text/calendar; method=CANCEL",
		Data: notify.ICS(a.meetingEvent(m, in.Stamp))}
	return out, nil
}

// ListParticipationALS lists the ALSes the inactivity rule applies to and
// the staff told of every change.
func (a *Activities) ListParticipationALS(ctx context.Context, _ meeting.ListParticipationALSInput) (meeting.ParticipationALSList, error) {
	ids, err := a.Store.ParticipationALS(ctx)
	if err != nil {
		return meeting.ParticipationALSList{}, err
	}
	staff, err := a.Store.ListMembers(ctx, store.MemberFilter{Role: store.RoleStaff, Limit: 1000})
	if err != nil {
		return meeting.ParticipationALSList{}, err
	}
	out := meeting.ParticipationALSList{ALSIDs: ids}
	for _, m := range staff {
		out.StaffIDs = append(out.StaffIDs, m.ID)
	}
	return out, nil
}

// EvaluateParticipation applies the inactivity rule to one ALS and stores
// its new standing; a retry at the same time returns the same transitions.
func (a *Activities) EvaluateParticipation(ctx context.Context, in meeting.EvaluateParticipationInput) (meeting.ParticipationEvaluation, error) {
	als, err := a.Store.GetALS(ctx, in.ALSID)
	if errors.Is(err, store.ErrNotFound) {
		return meeting.ParticipationEvaluation{}, temporal.NewNonRetryableApplicationError("no ALS "+in.ALSID, workflows.ErrNotFound, err)
	}
	if err != nil {
		return meeting.ParticipationEvaluation{}, err
	}
	p := domain.Params{MissedCalls: in.Params.MissedCalls, Period: in.Params.Period, CalendarYear: in.Params.CalendarYear,
		WarningBefore: in.Params.WarningBefore, RestoreWithin: in.Params.RestoreWithin}
	st, trs, err := a.Store.EvaluateParticipation(ctx, in.ALSID, in.At, p)
	if err != nil {
		return meeting.ParticipationEvaluation{}, err
	}
	out := meeting.ParticipationEvaluation{ALSID: als.ID, ALSName: als.Name, Status: string(st.Status)}
	for _, t := range trs {
		out.Transitions = append(out.Transitions, meeting.ParticipationTransition{From: t.From, To: t.To, At: t.At, Reason: t.Reason})
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
