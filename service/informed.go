package service

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"slices"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/meeting"
)

// Keeping members informed (SPEC §5): the welcome email with the
// new-member guidelines when a member is registered, the monthly digest of
// what each member can see and do, and the quarterly participation report
// staff are sent. The digest and the report are Temporal Schedules
// (workflows/meeting); their activities read through the operations below,
// so that a digest lists what the dashboard and the API would show.

// welcomeChunk is how many new members one welcome Notify writes to.
const welcomeChunk = 100

// welcome emails new members the welcome with the new-member guidelines
// (policy members.guidelines, each in the member's language). key names
// the registration (the member, or the roster import); the outbox key
// (welcome/<key>/<chunk>/<member>) sends each member one welcome.
func (s *Service) welcome(ctx context.Context, key string, memberIDs []string) error {
	for i := 0; i < len(memberIDs); i += welcomeChunk {
		ids := memberIDs[i:min(i+welcomeChunk, len(memberIDs))]
		note := workflows.NotifyInput{Process: "welcome", ObjectID: key, Step: "welcome-" + ids[0], Event: "member.welcome",
			MemberIDs: ids, Data: s.policy.Members.GuidelinesData()}
		if _, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID:                       workflows.NotifyWorkflowID(note),
			TaskQueue:                workflows.TaskQueue,
			WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		}, workflows.NotifyWorkflowName, note); err != nil {
			return err
		}
	}
	return nil
}

// ImportRoster registers the members of a roster CSV and updates those
// already registered with its email (staff; every row or none, the
// problems named by line), welcomes each new member and tells each
// member whose roles or ALS changed. A line granting or removing a
// privileged role is refused unless an admin imports it, and a line
// changing the importer's own roles or ALS always is.
func (s *Service) ImportRoster(ctx context.Context, a *Actor, r io.Reader) (store.RosterSummary, error) {
	if err := requireStaff(a); err != nil {
		return store.RosterSummary{}, err
	}
	sum, err := s.store.ImportRosterChecked(ctx, registryActor(a), r, rosterCheck(a))
	if err != nil {
		return sum, err
	}
	for _, u := range sum.Updates {
		if err := s.notifyRolesChanged(ctx, u.Before, u.After); err != nil {
			return sum, err
		}
	}
	if len(sum.MemberIDs) == 0 {
		return sum, nil
	}
	return sum, s.welcome(ctx, "roster-"+sum.MemberIDs[0], sum.MemberIDs)
}

// Digest is every open process a may see, its next deadline and what a may
// do in it, soonest first: the processes of the calendar feed
// (OpenDeadlines) with the action the dashboard gives them, and the
// dashboard's other tasks (coming meetings). Both apply the same access
// rules as the API, so a process a may not read is never listed.
func (s *Service) Digest(ctx context.Context, a *Actor) ([]meeting.DigestItem, error) {
	tasks, err := s.Dashboard(ctx, a)
	if err != nil {
		return nil, err
	}
	open, err := s.OpenDeadlines(ctx, a)
	if err != nil {
		return nil, err
	}
	now := store.Now()
	action := map[string]Task{}
	for _, t := range tasks {
		if _, ok := action[t.Process+"/"+t.ID]; !ok {
			action[t.Process+"/"+t.ID] = t
		}
	}
	var out []meeting.DigestItem
	for _, o := range open {
		it := meeting.DigestItem{Process: o.Process, ID: o.ID, Title: o.Name}
		for _, d := range o.Deadlines {
			if d.At.After(now) && (it.Due == nil || d.At.Before(*it.Due)) {
				at := d.At
				it.Deadline, it.Due = d.Name, &at
			}
		}
		if t, ok := action[o.Process+"/"+o.ID]; ok {
			it.Action = t.Action
			delete(action, o.Process+"/"+o.ID)
		}
		out = append(out, it)
	}
	for _, t := range tasks {
		if _, ok := action[t.Process+"/"+t.ID]; !ok {
			continue
		}
		delete(action, t.Process+"/"+t.ID)
		it := meeting.DigestItem{Process: t.Process, ID: t.ID, Title: t.Title, Action: t.Action, Due: t.Due}
		if t.Process == EthicsProcess {
			it.Title = "" // a case is named by its ID, as in the calendar
		}
		out = append(out, it)
	}
	slices.SortStableFunc(out, func(x, y meeting.DigestItem) int {
		switch {
		case x.Due == nil && y.Due == nil:
			return cmp.Compare(x.Process+x.ID, y.Process+y.ID)
		case x.Due == nil:
			return 1
		case y.Due == nil:
			return -1
		}
		return x.Due.Compare(*y.Due)
	})
	return out, nil
}

// MemberDigest is the digest of one member, as they would see it.
func (s *Service) MemberDigest(ctx context.Context, memberID string) ([]meeting.DigestItem, error) {
	m, err := s.store.GetMember(ctx, memberID)
	if err != nil {
		return nil, err
	}
	return s.Digest(ctx, &Actor{Member: m})
}

// QuarterSummary is an ended quarter's report as staff are sent it: the
// figures summed over the ALSes and the observers, and the CSV published
// at GET /api/v1/public/participation/{quarter}.csv with its SHA-256.
func (s *Service) QuarterSummary(ctx context.Context, quarter string) (meeting.QuarterReportSummary, error) {
	rep, err := s.ParticipationQuarter(ctx, quarter)
	if err != nil {
		return meeting.QuarterReportSummary{}, err
	}
	data, err := store.ParticipationCSV(rep.Rows, &rep.Observers)
	if err != nil {
		return meeting.QuarterReportSummary{}, err
	}
	sum := sha256.Sum256(data)
	out := meeting.QuarterReportSummary{Quarter: rep.Quarter, From: rep.From, To: rep.To, ALSes: len(rep.Rows),
		CSV: data, SHA256: hex.EncodeToString(sum[:]),
		Observers: meeting.Indicators{MeetingsAttended: rep.Observers.MeetingsAttended, Comments: rep.Observers.Comments,
			Drafts: rep.Observers.Drafts, MailingList: rep.Observers.MailingList}}
	for _, r := range rep.Rows {
		out.MonthlyCalls = max(out.MonthlyCalls, r.MonthlyCalls)
		out.Totals.MeetingsAttended += r.MeetingsAttended
		out.Totals.BallotsCast += r.BallotsCast
		out.Totals.Comments += r.Comments
		out.Totals.Drafts += r.Drafts
		out.Totals.MailingList += r.MailingList
	}
	return out, nil
}
