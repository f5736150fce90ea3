package service

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/ethics"
	"github.com/lacralo/ralo/workflows/process"
)

// What the ethics pages show: a case as its reader may see it, with the
// names of the people it may name, what the reader may do now and the
// timeline from the audit log. The workflow's validators still decide
// every transition; the "may" flags only choose which forms to offer.

// ComplaintPage is one complaint as its page shows it.
type ComplaintPage struct {
	Complaint
	// Names are the names of the members the view names (never an
	// anonymous complainant to the respondent: the view has blanked them).
	Names map[string]string
	// As is how the reader takes part: "complainant", "respondent",
	// "committee" (not recused) or "staff".
	As string
	// Active is the number of non-recused committee members, over which
	// the quorum and the majority are computed (committee and staff only).
	Active int
	// MyVote is the reader's vote on the proposal, nil when none.
	MyVote *ethics.Vote
	// ArbitrationID is the linked arbitration once the decision is appealed.
	ArbitrationID string
	// May lists the forms to offer: admit, dismiss, recuse, respond,
	// evidence, deliberate, propose, vote, withdraw, appeal.
	May map[string]bool
	// Recusals are why each recused committee member is recused, by
	// member ID: for the committee and staff only, never for a party
	// (SPEC "Integrity": nothing the respondent reads tells who was
	// recused or why).
	Recusals map[string][]RecusalReason
	Timeline []TimelineEntry
}

// RecusalReason is one reason a committee member is recused from a case,
// as the committee's page writes it in the reader's language: a code
// (RecusalCodes) with the names it cites, or the member's own note for a
// self-recusal; Text is the case's sentence with names for IDs, for a
// reason the codes do not know.
type RecusalReason struct {
	Code, Party, ALS, Note, Text string
}

// recusalForms are the sentences the case records as recusal reasons
// (domain.EthicsRecusals', the case's own for a party and a
// self-recusal), each with its code and the places of the party, the ALS
// and the note it names.
var recusalForms = []struct {
	code            string
	re              *regexp.Regexp
	party, als, own int
}{
	{"is_party", regexp.MustCompile(`^the committee member (\S+) is a party$`), 0, 0, 0},
	{"als_party", regexp.MustCompile(`^the committee member (\S+) belongs to ALS (\S+), which is a party$`), 0, 2, 0},
	{"same_als", regexp.MustCompile(`^the committee member (\S+) and party (\S+) are from the same ALS (\S+)$`), 2, 3, 0},
	{"declared_party", regexp.MustCompile(`^the committee member (\S+) declared an interest involving party (\S+)$`), 2, 0, 0},
	{"declared_als_party", regexp.MustCompile(`^the committee member (\S+) declared an interest involving ALS (\S+), which is a party$`), 0, 2, 0},
	{"declared_als_of_party", regexp.MustCompile(`^the committee member (\S+) declared an interest involving ALS (\S+) of party (\S+)$`), 3, 2, 0},
	{"self", regexp.MustCompile(`(?s)^recused themself: (.*)$`), 0, 0, 1},
}

// RecusalCodes are the codes a RecusalReason may have.
var RecusalCodes = func() []string {
	out := make([]string, len(recusalForms))
	for i, f := range recusalForms {
		out[i] = f.code
	}
	return out
}()

// recusalReason reads one reason the case recorded, naming people and
// ALSes.
func recusalReason(reason string, named *strings.Replacer) RecusalReason {
	for _, f := range recusalForms {
		m := f.re.FindStringSubmatch(reason)
		if m == nil {
			continue
		}
		out := RecusalReason{Code: f.code}
		if f.party > 0 {
			out.Party = named.Replace(m[f.party])
		}
		if f.als > 0 {
			out.ALS = named.Replace(m[f.als])
		}
		if f.own > 0 {
			out.Note = m[f.own]
		}
		return out
	}
	return RecusalReason{Text: named.Replace(reason)}
}

// recusals are the reasons of the recused members of a roster.
func (s *Service) recusals(ctx context.Context, committee []ethics.CommitteeMember, names map[string]string) (map[string][]RecusalReason, error) {
	out := map[string][]RecusalReason{}
	var named *strings.Replacer
	for _, m := range committee {
		if !m.Recused {
			continue
		}
		if named == nil {
			var err error
			if named, err = s.namer(ctx, names, nil); err != nil {
				return nil, err
			}
		}
		for _, r := range m.Reasons {
			out[m.MemberID] = append(out[m.MemberID], recusalReason(r, named))
		}
	}
	return out, nil
}

// TimelineEntry is one audit entry of a case as its reader may see it:
// the action and when; a party reads the actors the case does not name to
// them by role ("committee", "staff"), and themself as "you".
type TimelineEntry struct {
	At     time.Time
	Action string
	// Actor is a name, or a role word: "you", "complainant", "system",
	// "committee", "staff".
	Actor string
}

// ComplaintPageFor loads a complaint's page for the reader; a reader who
// may not read it (a recused member included) gets NotFound.
func (s *Service) ComplaintPageFor(ctx context.Context, a *Actor, id string) (ComplaintPage, error) {
	st, err := s.complaint(ctx, a, id)
	if err != nil {
		return ComplaintPage{}, err
	}
	v := complaintView(a, st)
	p := ComplaintPage{Complaint: v, May: map[string]bool{}}
	switch {
	case a.ID == st.ComplainantID:
		p.As = ethics.RoleComplainant
	case a.ID == st.RespondentID:
		p.As = ethics.RoleRespondent
	case st.CanRead(a.ID, nil):
		p.As = ethics.RoleCommittee
	default:
		p.As = "staff"
	}
	party := p.As == ethics.RoleComplainant || p.As == ethics.RoleRespondent
	if !party {
		for _, m := range st.Committee {
			if !m.Recused {
				p.Active++
			}
		}
		for _, x := range st.Votes {
			if x.MemberID == a.ID {
				x := x
				p.MyVote = &x
			}
		}
	}
	if st.Appeal != nil {
		p.ArbitrationID = workflows.AppealArbitrationID(st.CaseID)
	}
	now := time.Now()
	open := st.Status != ethics.StatusClosed && st.Status != ethics.StatusAppealed
	switch p.As {
	case ethics.RoleCommittee:
		p.May["admit"] = st.Status == ethics.StatusScreening
		p.May["dismiss"] = st.Status == ethics.StatusScreening
		p.May["recuse"] = open && st.Status != ethics.StatusAppealWindow
		p.May["evidence"] = st.Status == ethics.StatusInvestigation || st.Status == ethics.StatusDeliberation
		p.May["deliberate"] = st.Status == ethics.StatusInvestigation && st.Response != nil
		p.May["propose"] = st.Status == ethics.StatusDeliberation && st.Proposal == nil
		p.May["vote"] = st.Status == ethics.StatusDeliberation && st.Proposal != nil
		p.May["withdraw"] = p.May["vote"] && st.Proposal.By == a.ID
	case ethics.RoleRespondent, ethics.RoleComplainant:
		p.May["respond"] = p.As == ethics.RoleRespondent && st.Status == ethics.StatusInvestigation && st.Response == nil
		p.May["evidence"] = st.Status == ethics.StatusInvestigation || st.Status == ethics.StatusDeliberation
		p.May["appeal"] = st.Status == ethics.StatusAppealWindow && st.AppealEnds != nil && now.Before(*st.AppealEnds)
	}
	ids := []string{v.RespondentID, v.ComplainantID}
	if v.Screening != nil {
		ids = append(ids, v.Screening.By)
	}
	if v.Proposal != nil {
		ids = append(ids, v.Proposal.By)
	}
	for _, e := range v.Evidence {
		ids = append(ids, e.By)
	}
	for _, m := range v.Committee {
		ids = append(ids, m.MemberID)
	}
	for _, x := range v.Votes {
		ids = append(ids, x.MemberID)
	}
	if p.Names, err = s.memberNames(ctx, ids); err != nil {
		return ComplaintPage{}, err
	}
	if party {
		// A party reads who acted by role, never by name: the names of
		// committee members would tell who was not recused.
		p.Names = map[string]string{v.RespondentID: p.Names[v.RespondentID]}
		if v.ComplainantID != "" {
			p.Names[v.ComplainantID] = s.nameOr(ctx, v.ComplainantID)
		}
	} else if p.Recusals, err = s.recusals(ctx, v.Committee, p.Names); err != nil {
		return ComplaintPage{}, err
	}
	if p.Timeline, err = s.timeline(ctx, a, EthicsProcess, st.CaseID, party, p.Names, "committee"); err != nil {
		return ComplaintPage{}, err
	}
	return p, nil
}

func (s *Service) nameOr(ctx context.Context, id string) string {
	names, err := s.memberNames(ctx, []string{id})
	if err != nil || names[id] == "" {
		return id
	}
	return names[id]
}

// memberNames are the names of the members with these IDs; IDs that name
// no member (roles such as "complainant") are left out.
func (s *Service) memberNames(ctx context.Context, ids []string) (map[string]string, error) {
	ids = slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == "" })
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	ms, err := s.store.MembersByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	for id, m := range ms {
		out[id] = m.Name
	}
	return out, nil
}

// timeline is a case's audit entries as the reader may read them (the
// store filters by audience and party), each with its actor as the
// reader may know them.
func (s *Service) timeline(ctx context.Context, a *Actor, process, id string, party bool, names map[string]string, unnamed string) ([]TimelineEntry, error) {
	f := store.AuditFilter{All: a.IsStaff(), MemberID: a.ID, PartyOf: a.ID, Process: process, ObjectID: id, Limit: 500}
	if party {
		f.All = false
	}
	entries, err := s.store.ListAudit(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]TimelineEntry, 0, len(entries))
	for _, e := range entries {
		actor := e.Actor
		switch {
		case actor == a.ID:
			actor = "you"
		case actor == "system" || actor == ethics.RoleComplainant:
		case party && names[actor] == "":
			actor = unnamed
		case names[actor] != "":
			actor = names[actor]
		case !party:
			actor = s.nameOr(ctx, actor)
		}
		out = append(out, TimelineEntry{At: e.At, Action: e.Action, Actor: actor})
	}
	return out, nil
}

// EthicsCases lists the complaints the reader may open: their own (as a
// party) and, for the committee, every case they are not recused from.
func (s *Service) EthicsCases(ctx context.Context, a *Actor, limit int) ([]store.Case, error) {
	cases, err := s.ListComplaints(ctx, a, limit)
	if err != nil {
		return nil, err
	}
	if !a.Has(store.RoleEthicsCommittee) || a.IsStaff() {
		return cases, nil
	}
	all, err := s.store.ListCases(ctx, EthicsProcess, "", limit)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, c := range cases {
		seen[c.ID] = true
	}
	for _, c := range all {
		if seen[c.ID] {
			continue
		}
		if _, err := s.complaint(ctx, a, c.ID); err == nil {
			c.CreatedBy = ""
			cases = append(cases, c)
		} else if AsError(err).Kind != KindNotFound {
			return nil, err
		}
	}
	slices.SortFunc(cases, func(x, y store.Case) int { return y.CreatedAt.Compare(x.CreatedAt) })
	return cases, nil
}

// RespondentChoice is a member a complaint may name.
type RespondentChoice struct {
	ID, Name string
}

// RespondentChoices are the members a complaint may be filed against:
// everyone in the registry but the filer, by name.
func (s *Service) RespondentChoices(ctx context.Context, a *Actor) ([]RespondentChoice, error) {
	ms, err := s.store.ListMembers(ctx, store.MemberFilter{Limit: 1000})
	if err != nil {
		return nil, err
	}
	out := make([]RespondentChoice, 0, len(ms))
	for _, m := range ms {
		if m.ID != a.ID {
			out = append(out, RespondentChoice{ID: m.ID, Name: m.Name})
		}
	}
	slices.SortFunc(out, func(x, y RespondentChoice) int {
		if x.Name < y.Name {
			return -1
		} else if x.Name > y.Name {
			return 1
		}
		return 0
	})
	return out, nil
}

// VoteOnProposal votes for or against the decision under vote (a
// non-recused committee member): the vote names the proposal's decision.
func (s *Service) VoteOnProposal(ctx context.Context, a *Actor, id string, support bool) (Complaint, error) {
	st, err := s.complaint(ctx, a, id)
	if err != nil {
		return Complaint{}, err
	}
	if st.Proposal == nil {
		return Complaint{}, Conflict("no decision is under vote").Coded(CodeEthicsNoProposal)
	}
	return s.updateComplaint(ctx, a, id, ethics.UpdateVote, ethics.VoteInput{Actor: a.Workflow(), Decision: st.Proposal.Decision, For: support})
}

// emailReceipt sends the complainant, and only them, the receipt code of
// the complaint they filed: the case's own emails never carry it, since
// they go to the committee and staff too.
func (s *Service) emailReceipt(ctx context.Context, in ethics.Input) error {
	n := workflows.NotifyInput{Process: EthicsProcess, ObjectID: in.CaseID, Step: "receipt", Event: "ethics.receipt",
		MemberIDs: []string{in.ComplainantID}, Data: map[string]any{
			"case_id": in.CaseID, "title": process.Title(in.Summary), "receipt": in.Receipt, "anonymous": in.Anonymous}}
	_, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.NotifyWorkflowID(n),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, workflows.NotifyWorkflowName, n)
	return err
}
