package service

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lacralo/ralo/gantt"
	"github.com/lacralo/ralo/notify"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/arbitration"
	"github.com/lacralo/ralo/workflows/election"
	"github.com/lacralo/ralo/workflows/ethics"
	"github.com/lacralo/ralo/workflows/statement"
)

// The calendar: every meeting, and the deadlines and hearings of the
// processes an actor may see, as an iCalendar feed and as markers on the
// roadmap's Gantt chart.

// calendarPast is how far back the feed lists meetings.
const calendarPast = 180 * 24 * time.Hour

// calendarCases is how many cases of each process the feed reads.
const calendarCases = 200

// FeedActor is the member a calendar feed token opens the feed for:
// calendar applications cannot send a bearer header. An unknown or
// revoked token is ErrBadFeedToken.
func (s *Service) FeedActor(ctx context.Context, token string) (*Actor, error) {
	m, err := s.store.AuthenticateFeed(ctx, token)
	if err != nil {
		return nil, err
	}
	return &Actor{Member: m}, nil
}

// Calendar is a's iCalendar feed, in a's language: every meeting from
// six months ago (cancelled ones marked so), and the deadlines and
// hearings of the processes a may see: every open election and statement
// (open to members), the arbitration cases a takes part in and the
// ethics complaints a may read.
func (s *Service) Calendar(ctx context.Context, a *Actor) ([]byte, error) {
	items, err := s.calendarItems(ctx, a)
	if err != nil {
		return nil, err
	}
	events := make([]notify.Event, len(items))
	for i, it := range items {
		events[i] = feedEvent(a.Language, it)
	}
	return notify.Calendar(events), nil
}

// feedEvent is an item as the feed writes it for a reader of lang: a
// deadline's or hearing's summary, and a meeting's description, in that
// language (notify's calendar texts); a meeting keeps its title as
// written.
func feedEvent(lang string, it CalendarItem) notify.Event {
	ev := it.Event
	switch it.Kind {
	case "meeting":
		if d, err := notify.CalendarText(lang, "meeting", map[string]any{"kind": it.Meeting.Kind}); err == nil {
			ev.Description = d
		}
	case "deadline", "hearing":
		title := it.Name
		if title == "" {
			title = it.ProcessID
		}
		data := map[string]any{"process": it.Process, "title": title}
		if it.Kind == "deadline" {
			// An election's seat deadlines are named "voting_close:chair".
			name, seat, _ := strings.Cut(it.Deadline, ":")
			data["deadline"], data["seat"], data["deadline_text"] = name, seat, strings.ReplaceAll(name, "_", " ")
		}
		if s, err := notify.CalendarText(lang, it.Kind, data); err == nil {
			ev.Summary = s
		}
	}
	return ev
}

// DeadlineMarkers is the next deadline of each open process a may see, as
// the calendar feed would show it to them.
func (s *Service) DeadlineMarkers(ctx context.Context, a *Actor) ([]gantt.Marker, error) {
	return s.DeadlineMarkersIn(ctx, a, EnglishMarker)
}

// DeadlineMarkersIn is DeadlineMarkers with each marker named by label
// (the reader's language).
func (s *Service) DeadlineMarkersIn(ctx context.Context, a *Actor, label MarkerLabel) ([]gantt.Marker, error) {
	open, err := s.OpenDeadlines(ctx, a)
	if err != nil {
		return nil, err
	}
	var out []gantt.Marker
	for _, o := range open {
		if len(o.Deadlines) == 0 {
			continue
		}
		next := slices.MinFunc(o.Deadlines, func(a, b workflows.Deadline) int { return a.At.Compare(b.At) })
		m := gantt.Marker{At: next.At}
		m.Label, m.Detail = label(o, next, len(o.Deadlines))
		out = append(out, m)
	}
	return out, nil
}

// MarkerLabel names a process's next deadline on the roadmap's chart: the
// marker's label and its tooltip's detail, given how many deadlines of
// the process are ahead.
type MarkerLabel func(o ProcessDates, next workflows.Deadline, upcoming int) (label, detail string)

// EnglishMarker is the chart's marker as the API draws it: the process's
// title and the deadline's name as the workflow writes it.
func EnglishMarker(o ProcessDates, next workflows.Deadline, upcoming int) (label, detail string) {
	return o.Title + ": " + strings.ReplaceAll(next.Name, "_", " "), strconv.Itoa(upcoming) + " upcoming deadline(s)"
}

// ProcessDates are the upcoming dates of one process an actor may see.
type ProcessDates struct {
	// Process and ID name the process ("election", "el_…"); Name is its
	// title where every reader of it may see the title (elections and
	// statements), empty for cases, which are named by their ID.
	Process, ID, Name string
	// UIDPrefix names the process ("election-<id>"); each deadline's
	// calendar UID adds its name, and stays the same while it moves.
	UIDPrefix string
	Title     string
	Deadlines []workflows.Deadline
	// Hearing is an arbitration's hearing, under the UID of its emailed
	// invitation so that the feed and the invitation are one entry.
	Hearing *notify.Event
}

// OpenDeadlines lists the processes whose dates a may see: the
// arbitration cases they take part in (all for staff), every open
// election and policy statement (both open to every member) and the open
// ethics complaints they may read.
func (s *Service) OpenDeadlines(ctx context.Context, a *Actor) ([]ProcessDates, error) {
	if a == nil {
		return nil, errors.New("open deadlines without an actor")
	}
	var out []ProcessDates
	for _, source := range []func(context.Context, *Actor) ([]ProcessDates, error){
		s.arbitrationDates, s.electionDates, s.statementDates, s.ethicsDates,
	} {
		more, err := source(ctx, a)
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	return out, nil
}

// arbitrationDates are the hearings and deadlines of the arbitration
// cases a takes part in (every case for staff).
func (s *Service) arbitrationDates(ctx context.Context, a *Actor) ([]ProcessDates, error) {
	memberID := a.ID
	if a.IsStaff() {
		memberID = ""
	}
	cases, err := s.store.ListCases(ctx, "arbitration", memberID, calendarCases)
	if err != nil {
		return nil, err
	}
	var out []ProcessDates
	for _, cs := range cases {
		var st arbitration.State
		if err := s.query(ctx, arbitration.WorkflowID(cs.ID), arbitration.Query, &st); err != nil {
			s.log.WarnContext(ctx, "calendar: arbitration not queried", "case_id", cs.ID, "err", err)
			continue
		}
		d := ProcessDates{Process: "arbitration", ID: cs.ID, UIDPrefix: "arbitration-" + cs.ID, Title: "Arbitration " + cs.ID, Deadlines: st.Deadlines}
		if h := st.Hearing; h != nil {
			d.Hearing = &notify.Event{UID: "arbitration-" + cs.ID + "@ralo", Sequence: h.Sequence,
				Summary: "Hearing: " + d.Title, Location: h.Location, Start: h.StartsAt, Duration: time.Duration(h.Duration)}
		}
		out = append(out, d)
	}
	return out, nil
}

// electionDates are the deadlines of every open election: every member
// may see every election.
func (s *Service) electionDates(ctx context.Context, _ *Actor) ([]ProcessDates, error) {
	cases, err := s.store.ListCases(ctx, "election", "", calendarCases)
	if err != nil {
		return nil, err
	}
	var out []ProcessDates
	for _, cs := range cases {
		if cs.Status == election.StatusClosed || cs.Status == election.StatusCertified {
			continue
		}
		var st election.State
		if err := s.query(ctx, election.WorkflowID(cs.ID), election.Query, &st); err != nil {
			s.log.WarnContext(ctx, "calendar: election not queried", "election_id", cs.ID, "err", err)
			continue
		}
		title := "Election"
		if st.Title != "" {
			title += " " + st.Title
		}
		out = append(out, ProcessDates{Process: "election", ID: cs.ID, Name: st.Title, UIDPrefix: "election-" + cs.ID, Title: title, Deadlines: st.Deadlines})
	}
	return out, nil
}

// statementDates are the deadlines of every policy statement in progress
// (comment period, consensus call, vote, ICANN's close date): statements
// are drafted in the open, so every member sees them.
func (s *Service) statementDates(ctx context.Context, _ *Actor) ([]ProcessDates, error) {
	cases, err := s.store.ListCases(ctx, "statement", "", calendarCases)
	if err != nil {
		return nil, err
	}
	var out []ProcessDates
	for _, cs := range cases {
		if cs.Status == statement.StatusSubmitted || cs.Status == statement.StatusDeclined {
			continue
		}
		var st statement.State
		if err := s.query(ctx, statement.WorkflowID(cs.ID), statement.Query, &st); err != nil {
			s.log.WarnContext(ctx, "calendar: statement not queried", "statement_id", cs.ID, "err", err)
			continue
		}
		out = append(out, ProcessDates{Process: "statement", ID: cs.ID, Name: st.Title, UIDPrefix: "statement-" + cs.ID, Title: "Statement " + st.Title, Deadlines: st.Deadlines})
	}
	return out, nil
}

// ethicsDates are the deadlines of the open ethics complaints a may read,
// by the check reading a complaint applies (State.CanRead): a recused
// committee member or an unrelated member sees none of a case's dates.
// The entries name the case only.
func (s *Service) ethicsDates(ctx context.Context, a *Actor) ([]ProcessDates, error) {
	// The index names the parties; committee members read cases they are
	// not party to, so they, like staff, start from every case.
	memberID := a.ID
	if a.IsStaff() || a.Has(store.RoleEthicsCommittee) {
		memberID = ""
	}
	cases, err := s.store.ListCases(ctx, "ethics", memberID, calendarCases)
	if err != nil {
		return nil, err
	}
	var out []ProcessDates
	for _, cs := range cases {
		if cs.Status == ethics.StatusClosed {
			continue
		}
		var st ethics.State
		if err := s.query(ctx, ethics.WorkflowID(cs.ID), ethics.Query, &st); err != nil {
			s.log.WarnContext(ctx, "calendar: ethics case not queried", "case_id", cs.ID, "err", err)
			continue
		}
		if !st.CanRead(a.ID, a.Roles) {
			continue
		}
		out = append(out, ProcessDates{Process: EthicsProcess, ID: cs.ID, UIDPrefix: "ethics-" + cs.ID, Title: "Ethics case " + cs.ID, Deadlines: st.Deadlines})
	}
	return out, nil
}
