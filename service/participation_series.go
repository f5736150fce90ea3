package service

import (
	"context"
	"errors"
	"fmt"
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

// QuarterReport is the participation report of one calendar quarter
// (UTC): every ALS's indicators over [From, To), as recorded.
type QuarterReport struct {
	Quarter string                   `json:"quarter"` // "2027-Q2"
	From    time.Time                `json:"from"`
	To      time.Time                `json:"to"`
	Rows    []store.ParticipationRow `json:"rows"`
	// Observers are the members of no ALS: counted, without a vote.
	Observers store.ObserverRow `json:"observers"`
}

// ParseQuarter reads "2027-Q2" as the quarter's [from, to) in UTC.
func ParseQuarter(q string) (from, to time.Time, ok bool) {
	var year, n int
	if _, err := fmt.Sscanf(q, "%4d-Q%1d", &year, &n); err != nil || n < 1 || n > 4 || year < 2000 || year > 9999 ||
		q != fmt.Sprintf("%04d-Q%d", year, n) {
		return time.Time{}, time.Time{}, false
	}
	from = time.Date(year, time.Month(3*(n-1)+1), 1, 0, 0, 0, 0, time.UTC)
	return from, from.AddDate(0, 3, 0), true
}

// ParticipationQuarter is the public participation report of a quarter
// that has ended (409 before its end: the figures are not final).
func (s *Service) ParticipationQuarter(ctx context.Context, quarter string) (QuarterReport, error) {
	from, to, ok := ParseQuarter(quarter)
	if !ok {
		return QuarterReport{}, NotFound()
	}
	if store.Now().Before(to) {
		return QuarterReport{}, Conflict("the quarter "+quarter+" has not ended").Coded(CodeQuarterNotEnded, "Quarter", quarter)
	}
	rows, err := s.store.ParticipationReport(ctx, from, to)
	if err != nil {
		return QuarterReport{}, err
	}
	obs, err := s.store.ObserverReport(ctx, from, to)
	if err != nil {
		return QuarterReport{}, err
	}
	return QuarterReport{Quarter: quarter, From: from, To: to, Rows: rows, Observers: obs}, nil
}
