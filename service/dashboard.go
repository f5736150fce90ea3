package service

import (
	"context"
	"slices"
	"time"

	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/ethics"
)

// Task is one thing the actor must or may do now, and by when (Due is nil
// when the process sets no time for it).
type Task struct {
	Process string     `json:"process"`
	ID      string     `json:"id"`
	Title   string     `json:"title"`
	Action  string     `json:"action"`
	Due     *time.Time `json:"due"`
}

// Dashboard actions, one message each in the web's catalogues.
const (
	ActionScreen     = workflows.TaskScreen     // admit or dismiss a complaint
	ActionRespond    = workflows.TaskRespond    // answer a complaint as its respondent
	ActionDeliberate = workflows.TaskDeliberate // vote on the committee's decision
	ActionAppeal     = workflows.TaskAppeal     // a party may appeal the decision
	ActionNominate   = "nominate"               // nominations are open
	ActionVote       = "vote"                   // cast the ALS's ballot
	ActionComment    = "comment"                // comment on a draft statement
	ActionAttend     = "attend"                 // a meeting is coming
)

// DashboardActions lists every action a task may carry.
var DashboardActions = []string{ActionScreen, ActionRespond, ActionDeliberate, ActionAppeal, ActionNominate,
	ActionVote, ActionComment, ActionAttend}

// dashboardHorizon is how far ahead coming meetings are shown.
const dashboardHorizon = 30 * 24 * time.Hour

// Dashboard is what the actor must do and by when, across the processes,
// soonest first: complaints to screen, answer or decide (as the ethics
// views allow), elections in nominations or voting for ALS
// representatives, statements in their comment period, and coming
// meetings.
func (s *Service) Dashboard(ctx context.Context, a *Actor) ([]Task, error) {
	var tasks []Task
	ts, err := s.ethicsTasks(ctx, a)
	if err != nil {
		return nil, err
	}
	tasks = append(tasks, ts...)
	elections, err := s.store.ListCasesIn(ctx, "election", []string{"voting", "nominations"}, 200)
	if err != nil {
		return nil, err
	}
	for _, c := range elections {
		switch {
		case c.Status == "voting" && a.Has(store.RoleALSRep):
			tasks = append(tasks, Task{Process: "election", ID: c.ID, Title: c.Title, Action: ActionVote})
		case c.Status == "nominations" && a.ALSID != nil:
			tasks = append(tasks, Task{Process: "election", ID: c.ID, Title: c.Title, Action: ActionNominate})
		}
	}
	statements, err := s.store.ListCasesIn(ctx, "statement", []string{"comments"}, 200)
	if err != nil {
		return nil, err
	}
	for _, c := range statements {
		if c.Status == "comments" {
			tasks = append(tasks, Task{Process: "statement", ID: c.ID, Title: c.Title, Action: ActionComment})
		}
	}
	now := store.Now()
	meetings, err := s.store.ListMeetings(ctx, now, now.Add(dashboardHorizon))
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(meetings))
	for _, m := range meetings {
		ids = append(ids, m.ID)
	}
	invited, err := s.store.InvitedAmong(ctx, a.ID, ids)
	if err != nil {
		return nil, err
	}
	for _, m := range meetings {
		if m.CancelledAt != nil {
			continue
		}
		if a.IsStaff() || invited[m.ID] {
			at := m.StartsAt
			tasks = append(tasks, Task{Process: "meeting", ID: m.ID, Title: m.Title, Action: ActionAttend, Due: &at})
		}
	}
	slices.SortStableFunc(tasks, func(x, y Task) int {
		switch {
		case x.Due == nil && y.Due == nil:
			return 0
		case x.Due == nil:
			return 1
		case y.Due == nil:
			return -1
		}
		return x.Due.Compare(*y.Due)
	})
	return tasks, nil
}

// ethicsTasks are the open complaints that wait for the actor: those
// whose workflows write their tasks to the cases index are read from
// there (one query, however many cases are open); the few started before
// that are read through GetComplaint, as before, so a recused member
// never sees one.
func (s *Service) ethicsTasks(ctx context.Context, a *Actor) ([]Task, error) {
	projected, err := s.store.TasksOf(ctx, EthicsProcess, a.ID)
	if err != nil {
		return nil, err
	}
	var out []Task
	for _, t := range projected {
		// The committee's acts need the role still: a member who left the
		// committee keeps no task until the roster is recomputed.
		if (t.Action == ActionScreen || t.Action == ActionDeliberate) && !a.Has(store.RoleEthicsCommittee) {
			continue
		}
		out = append(out, Task{Process: EthicsProcess, ID: t.CaseID, Title: t.Title, Action: t.Action, Due: t.Due})
	}
	legacy, err := s.legacyEthicsTasks(ctx, a)
	if err != nil {
		return nil, err
	}
	return append(out, legacy...), nil
}

// legacyEthicsTasks are the tasks of the open complaints whose workflows
// do not write them (started before the projection), each read through
// GetComplaint.
func (s *Service) legacyEthicsTasks(ctx context.Context, a *Actor) ([]Task, error) {
	memberID := a.ID
	if a.Has(store.RoleEthicsCommittee, store.RoleStaff, store.RoleAdmin) {
		memberID = ""
	}
	cases, err := s.store.ListUnprojected(ctx, EthicsProcess, memberID, ethicsOpenStatuses, 200)
	if err != nil {
		return nil, err
	}
	var out []Task
	for _, c := range cases {
		cp, err := s.GetComplaint(ctx, a, c.ID)
		if err != nil {
			if AsError(err).Kind == KindNotFound {
				continue
			}
			return nil, err
		}
		committee := false
		for _, m := range cp.Committee {
			committee = committee || m.MemberID == a.ID && !m.Recused
		}
		party := a.ID == cp.ComplainantID || a.ID == cp.RespondentID
		t := Task{Process: EthicsProcess, ID: c.ID, Title: c.Title}
		switch {
		case cp.Status == ethics.StatusScreening && committee && !party:
			due := cp.ScreeningDue
			t.Action, t.Due = ActionScreen, &due
		case cp.Status == ethics.StatusInvestigation && a.ID == cp.RespondentID && cp.Response == nil:
			t.Action, t.Due = ActionRespond, cp.ResponseDue
		case cp.Status == ethics.StatusDeliberation && committee && !party:
			t.Action = ActionDeliberate
		case cp.AppealEnds != nil && party && cp.Appeal == nil && cp.Status != ethics.StatusAppealed:
			t.Action, t.Due = ActionAppeal, cp.AppealEnds
		default:
			continue
		}
		out = append(out, t)
	}
	return out, nil
}

// ethicsOpenStatuses are the statuses of a complaint not yet closed.
var ethicsOpenStatuses = []string{ethics.StatusScreening, ethics.StatusInvestigation, ethics.StatusDeliberation,
	ethics.StatusAppealWindow, ethics.StatusAppealed}
