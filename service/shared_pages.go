package service

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/lacralo/ralo/notify"
	"github.com/lacralo/ralo/store"
)

// The pages every role shares: the members directory, the ALSes and
// positions, the calendar subscription and the audit log. Each operation
// decides what its reader may see here, so the web shows what it gets.

// signedIn refuses an operation without a member.
func signedIn(a *Actor) error {
	if a == nil || a.ID == "" {
		return Forbidden("sign in first").Coded(CodeSignInNeeded)
	}
	return nil
}

// DirectoryPageSize is how many members one page of the directory lists.
const DirectoryPageSize = 50

// DirectoryEntry is a member as the directory shows them to every member:
// name, country, ALS, roles and the skills they made public; never their
// email, gender or preferences, whoever reads.
type DirectoryEntry struct {
	ID          string
	Name        string
	Country     string
	CountryName string
	ALSID       string
	ALSName     string
	Roles       []string
	Skills      []string
}

// Directory is one page of the members directory.
type Directory struct {
	Members []DirectoryEntry
	Search  string
	// Page counts from 1; More says a next page exists.
	Page int
	More bool
}

// MemberDirectory is one page of members whose name, or a public skill,
// contains search.
func (s *Service) MemberDirectory(ctx context.Context, a *Actor, search string, page int) (Directory, error) {
	if err := signedIn(a); err != nil {
		return Directory{}, err
	}
	page = max(1, page)
	search = strings.TrimSpace(search)
	ms, err := s.store.ListMembers(ctx, store.MemberFilter{Search: search, Limit: DirectoryPageSize + 1, Offset: (page - 1) * DirectoryPageSize})
	if err != nil {
		return Directory{}, err
	}
	out := Directory{Search: search, Page: page, More: len(ms) > DirectoryPageSize}
	if out.More {
		ms = ms[:DirectoryPageSize]
	}
	names, err := s.alsNames(ctx)
	if err != nil {
		return Directory{}, err
	}
	countries, err := s.countryNames(ctx)
	if err != nil {
		return Directory{}, err
	}
	for _, m := range ms {
		e := DirectoryEntry{ID: m.ID, Name: m.Name, Country: m.Country, CountryName: cmp.Or(countries[m.Country], m.Country),
			Roles: m.Roles, Skills: []string{}}
		if m.ALSID != nil {
			e.ALSID, e.ALSName = *m.ALSID, names[*m.ALSID]
		}
		if m.SkillsPublic {
			e.Skills = m.Skills
		}
		out.Members = append(out.Members, e)
	}
	return out, nil
}

func (s *Service) alsNames(ctx context.Context) (map[string]string, error) {
	list, err := s.store.ListALS(ctx, store.ALSFilter{})
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(list))
	for _, a := range list {
		out[a.ID] = a.Name
	}
	return out, nil
}

func (s *Service) countryNames(ctx context.Context) (map[string]string, error) {
	list, err := s.store.ListCountries(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(list))
	for _, c := range list {
		out[c.Code] = c.Name
	}
	return out, nil
}

// ALSEntry is an ALS with its country, sub-region and standing: its
// accreditation status and its voting status under the participation
// rule.
type ALSEntry struct {
	store.ALS
	CountryName  string
	Subregion    string
	VotingStatus string
	Voting       bool
}

// PositionEntry is a position held now, with its holder's name.
type PositionEntry struct {
	store.Position
	HolderName string
	ALSName    string
}

// ALSDirectory is every ALS and every position held now.
type ALSDirectory struct {
	ALSes     []ALSEntry
	Positions []PositionEntry
}

// ALSDirectory lists the ALSes by country and name and the positions
// (chair, secretariat, ALAC members, NomCom delegate…) with their holders
// and term ends; every member may read them, as the API's lists.
func (s *Service) ALSDirectory(ctx context.Context, a *Actor) (ALSDirectory, error) {
	if err := signedIn(a); err != nil {
		return ALSDirectory{}, err
	}
	alses, err := s.store.ListALS(ctx, store.ALSFilter{})
	if err != nil {
		return ALSDirectory{}, err
	}
	countries, err := s.store.ListCountries(ctx)
	if err != nil {
		return ALSDirectory{}, err
	}
	byCode := map[string]store.Country{}
	for _, c := range countries {
		byCode[c.Code] = c
	}
	rows, err := s.Participation(ctx, time.Time{}, time.Time{})
	if err != nil {
		return ALSDirectory{}, err
	}
	standing := map[string]store.ParticipationRow{}
	for _, r := range rows {
		standing[r.ALSID] = r
	}
	var out ALSDirectory
	names := map[string]string{}
	for _, al := range alses {
		c := byCode[al.Country]
		st := standing[al.ID]
		out.ALSes = append(out.ALSes, ALSEntry{ALS: al, CountryName: c.Name, Subregion: c.Subregion, VotingStatus: st.VotingStatus, Voting: st.Voting})
		names[al.ID] = al.Name
	}
	ps, err := s.store.ListPositions(ctx, store.Now())
	if err != nil {
		return ALSDirectory{}, err
	}
	var holders []string
	for _, p := range ps {
		if p.HolderID != nil {
			holders = append(holders, *p.HolderID)
		}
	}
	members := map[string]store.Member{}
	if len(holders) > 0 {
		if members, err = s.store.MembersByID(ctx, holders); err != nil {
			return ALSDirectory{}, err
		}
	}
	for _, p := range ps {
		e := PositionEntry{Position: p}
		if p.HolderID != nil {
			e.HolderName = members[*p.HolderID].Name
		}
		if p.ALSID != nil {
			e.ALSName = names[*p.ALSID]
		}
		out.Positions = append(out.Positions, e)
	}
	slices.SortStableFunc(out.Positions, func(x, y PositionEntry) int {
		return cmp.Or(cmp.Compare(positionOrder(x.Position.Position), positionOrder(y.Position.Position)),
			cmp.Compare(x.Position.Position, y.Position.Position), cmp.Compare(x.HolderName, y.HolderName))
	})
	return out, nil
}

// positionOrder lists the leadership first, as LACRALO presents it.
func positionOrder(p string) int {
	if i := slices.Index([]string{"chair", "chair_elect", "secretariat", "secretariat_elect", "alac_member", "nomcom_delegate"}, p); i >= 0 {
		return i
	}
	return 100
}

// CalendarItem is one entry of a member's calendar: a meeting, a
// process's deadline or an arbitration hearing, with what a page needs to
// name it in its reader's language (Kind, Process, Deadline) and the
// event as the feed writes it.
type CalendarItem struct {
	// Kind is "meeting", "deadline" or "hearing".
	Kind string
	// Process and ProcessID name the process of a deadline or hearing;
	// Name is its title where every reader may see it.
	Process, ProcessID, Name string
	// Deadline is the deadline's name ("nominations_close").
	Deadline string
	// Meeting is the meeting of a "meeting" item.
	Meeting *store.Meeting
	Event   notify.Event
}

// calendarItems is everything a's feed shows: every meeting from six
// months ago, and the deadlines and hearings of the processes a may see
// (OpenDeadlines: a party sees their case only as a party).
func (s *Service) calendarItems(ctx context.Context, a *Actor) ([]CalendarItem, error) {
	now := store.Now()
	meetings, err := s.store.ListMeetings(ctx, now.Add(-calendarPast), time.Time{})
	if err != nil {
		return nil, err
	}
	var out []CalendarItem
	for i := range meetings {
		m := meetings[i]
		out = append(out, CalendarItem{Kind: "meeting", Meeting: &m, Event: m.CalendarEvent("", now)})
	}
	open, err := s.OpenDeadlines(ctx, a)
	if err != nil {
		return nil, err
	}
	for _, o := range open {
		if o.Hearing != nil {
			h := *o.Hearing
			h.Stamp = now
			out = append(out, CalendarItem{Kind: "hearing", Process: o.Process, ProcessID: o.ID, Name: o.Name, Event: h})
		}
		for _, d := range o.Deadlines {
			out = append(out, CalendarItem{Kind: "deadline", Process: o.Process, ProcessID: o.ID, Name: o.Name, Deadline: d.Name,
				Event: notify.Event{UID: o.UIDPrefix + "-" + d.Name + "@ralo",
					Summary: o.Title + ": " + strings.ReplaceAll(d.Name, "_", " "), Start: d.At, Stamp: now}})
		}
	}
	return out, nil
}

// UpcomingEvents is a's calendar from now on, soonest first; cancelled
// meetings are left out.
func (s *Service) UpcomingEvents(ctx context.Context, a *Actor) ([]CalendarItem, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	all, err := s.calendarItems(ctx, a)
	if err != nil {
		return nil, err
	}
	now := store.Now()
	var out []CalendarItem
	for _, it := range all {
		if it.Event.Start.Before(now) || it.Meeting != nil && it.Meeting.CancelledAt != nil {
			continue
		}
		out = append(out, it)
	}
	slices.SortStableFunc(out, func(x, y CalendarItem) int { return x.Event.Start.Compare(y.Event.Start) })
	return out, nil
}

// EventCalendar is one event of a's calendar as an iCalendar file, as
// a's feed writes it (in a's language), under the summary the reader's
// page gives it (summary may be nil) and the feed's UID, so that the file
// and the feed are one entry in a calendar application. An event a may
// not see is NotFound.
func (s *Service) EventCalendar(ctx context.Context, a *Actor, uid string, summary func(CalendarItem) string) ([]byte, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	all, err := s.calendarItems(ctx, a)
	if err != nil {
		return nil, err
	}
	for _, it := range all {
		if it.Event.UID == uid {
			ev := feedEvent(a.Language, it)
			if summary != nil {
				ev.Summary = summary(it)
			}
			return notify.Calendar([]notify.Event{ev}), nil
		}
	}
	return nil, NotFound()
}

// FeedStatus is whether a member has a calendar feed address in force.
type FeedStatus struct {
	// Active is the token in force (its secret is never readable again),
	// nil when the member has none.
	Active *store.FeedToken
}

// CalendarFeed says whether a has a feed address in force.
func (s *Service) CalendarFeed(ctx context.Context, a *Actor) (FeedStatus, error) {
	if err := signedIn(a); err != nil {
		return FeedStatus{}, err
	}
	t, err := s.store.ActiveFeedToken(ctx, a.ID)
	if errors.Is(err, store.ErrNotFound) {
		return FeedStatus{}, nil
	}
	if err != nil {
		return FeedStatus{}, err
	}
	return FeedStatus{Active: &t}, nil
}

// AuditPageSize is how many entries one page of the audit log lists.
const AuditPageSize = 50

// AuditQuery filters the audit log: by process and object, the newest
// first, from before the entry numbered Before when set.
type AuditQuery struct {
	Process, ObjectID string
	Before            int64
}

// AuditPage is one page of the audit log as its reader may see it, the
// newest entry first.
type AuditPage struct {
	Entries []store.AuditEntry
	// Names are the names of the members who acted in Entries, by ID.
	Names map[string]string
	// Older is the Before of the next (older) page, 0 when this is the
	// last.
	Older int64
}

// AuditLog lists the entries a may see, by the rule of GET /api/v1/audit:
// staff every entry, except those of their own cases beyond what a party
// sees; others the public entries and those naming them.
func (s *Service) AuditLog(ctx context.Context, a *Actor, q AuditQuery) (AuditPage, error) {
	if err := signedIn(a); err != nil {
		return AuditPage{}, err
	}
	f := store.AuditFilter{All: a.IsStaff(), MemberID: a.ID, PartyOf: a.ID, Process: strings.TrimSpace(q.Process),
		ObjectID: strings.TrimSpace(q.ObjectID), Newest: true, BeforeSeq: q.Before, Limit: AuditPageSize + 1}
	es, err := s.store.ListAudit(ctx, f)
	if err != nil {
		return AuditPage{}, err
	}
	out := AuditPage{Entries: es, Names: map[string]string{}}
	if len(es) > AuditPageSize {
		out.Entries = es[:AuditPageSize]
		out.Older = out.Entries[AuditPageSize-1].Seq
	}
	var actors []string
	for _, e := range out.Entries {
		if strings.HasPrefix(e.Actor, "m_") && !slices.Contains(actors, e.Actor) {
			actors = append(actors, e.Actor)
		}
	}
	if len(actors) > 0 {
		ms, err := s.store.MembersByID(ctx, actors)
		if err != nil {
			return AuditPage{}, err
		}
		for id, m := range ms {
			out.Names[id] = m.Name
		}
	}
	return out, nil
}
