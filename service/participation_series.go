package service

import (
	"context"
	"errors"
	"time"

	"github.com/lacralo/ralo/store"
)

// StandingSeries is one of the meetings LACRALO holds whatever else
// happens (SPEC §5 "Standing series"): created once, then edited, paused
// or cancelled by staff like any series.
type StandingSeries struct {
	Kind, Title string
	Every       string // "1mo", "2mo"
	Day, Hour   int    // day of the month and hour (UTC) of the first occurrence
}

// StandingSeriesList are the seed's standing meetings: the monthly
// assembly call of the ALSes; the monthly coordination of the leadership
// and the representatives (its invitees are the position holders at each
// occurrence: the ALAC members, chair, secretary and NomCom delegate); the
// Council of Elders' mentoring every two months (the elders and the
// members who opted in).
var StandingSeriesList = []StandingSeries{
	{Kind: store.MeetingAssembly, Title: "LACRALO monthly assembly call", Every: "1mo", Day: 1, Hour: 15},
	{Kind: store.MeetingCoordination, Title: "LACRALO monthly coordination", Every: "1mo", Day: 10, Hour: 15},
	{Kind: store.MeetingMentoring, Title: "Council of Elders mentoring session", Every: "2mo", Day: 20, Hour: 15},
}

// SeedStandingSeries creates the standing series that do not exist yet (a
// series of the same kind and title that is not cancelled counts), each
// starting in the month after now, and returns every standing series.
// Calling it again changes nothing.
func (s *Service) SeedStandingSeries(ctx context.Context, a *Actor, now time.Time) ([]store.MeetingSeries, error) {
	if err := requireStaff(a); err != nil {
		return nil, err
	}
	var out []store.MeetingSeries
	next := time.Date(now.UTC().Year(), now.UTC().Month()+1, 1, 0, 0, 0, 0, time.UTC)
	for _, ss := range StandingSeriesList {
		sr, err := s.store.FindActiveSeries(ctx, ss.Kind, ss.Title)
		if err == nil {
			out = append(out, sr)
			continue
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		d := MeetingLength(time.Hour)
		created, err := s.CreateMeeting(ctx, a, MeetingRequest{Kind: ss.Kind, Title: ss.Title, Duration: &d,
			StartsAt:   next.AddDate(0, 0, ss.Day-1).Add(time.Duration(ss.Hour) * time.Hour),
			Recurrence: &RecurrenceRequest{Every: ss.Every}})
		if err != nil {
			return nil, err
		}
		out = append(out, *created.Series)
	}
	return out, nil
}

// Operator is the actor of the operator's own commands (`ralo dev` seeding
// an empty database, `ralo admin seed-series`): staff powers, audited as
// "system".
func Operator() *Actor {
	return &Actor{Member: store.Member{Roles: store.StringList{store.RoleStaff}}}
}
